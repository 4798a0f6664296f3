//! Errors of the import and export layers, each named after the rule it enforces.
//!
//! Every variant has a message for the status bar in Simplified Chinese and in English
//! ([`ImportError::user_message`]); the page and `zhibiao-cli` show the same words.

use std::fmt;

/// Bytes as the “MB” of messages (MiB, as file managers count them).
fn mib<T: TryInto<u64>>(bytes: T) -> u64 {
    bytes.try_into().unwrap_or(u64::MAX) / (1024 * 1024)
}

/// The language of user-facing text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    /// 简体中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

/// Why a file could not be opened as a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file has no bytes at all.
    Empty,
    /// The file is password-protected (an encrypted OOXML package or an `.xls` with FILEPASS).
    Encrypted,
    /// The bytes are a known non-spreadsheet format (PDF, Word, an image …); `what` names it.
    NotAWorkbook {
        /// What the bytes look like, e.g. "PDF".
        what: &'static str,
    },
    /// The container is recognised but damaged or truncated; `detail` is the reader's message.
    Damaged {
        /// The reader's message, for diagnostics.
        detail: String,
    },
    /// The file is larger than the importer accepts.
    TooLarge {
        /// The file's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A sheet has more cells than the importer accepts.
    TooManyCells {
        /// The sheet's name.
        sheet: String,
        /// Rows × columns of the sheet.
        cells: usize,
        /// The limit.
        limit: usize,
    },
    /// The workbook was read, but no sheet holds an indicator table.
    NoTable,
    /// The workbook has more sheets than the importer accepts ([`crate::io::limits::MAX_SHEETS`]).
    TooManySheets {
        /// The number of sheets.
        sheets: usize,
        /// The limit.
        limit: usize,
    },
    /// A sheet has more rows than the importer accepts ([`crate::io::limits::MAX_ROWS`]).
    TooManyRows {
        /// The sheet's name.
        sheet: String,
        /// The rows found so far (reading stops at the first row over the limit).
        rows: usize,
        /// The limit.
        limit: usize,
    },
    /// A sheet has more columns than the importer accepts ([`crate::io::limits::MAX_COLUMNS`]).
    TooManyColumns {
        /// The sheet's name.
        sheet: String,
        /// The columns found so far.
        columns: usize,
        /// The limit.
        limit: usize,
    },
    /// All sheets together have more cells than the importer accepts
    /// ([`crate::io::limits::MAX_WORKBOOK_CELLS`]).
    TooManyCellsInWorkbook {
        /// The cells counted so far.
        cells: usize,
        /// The limit.
        limit: usize,
    },
    /// A cell holds more characters than a spreadsheet cell can
    /// ([`crate::io::limits::MAX_CELL_CHARS`], Excel's own limit).
    TextTooLong {
        /// The sheet's name, or the part of the file that holds the text.
        sheet: String,
        /// The cell's length in characters (at least).
        chars: usize,
        /// The limit.
        limit: usize,
    },
    /// The cells hold more text than the importer accepts ([`crate::io::limits::MAX_TEXT_BYTES`]).
    TooMuchText {
        /// The bytes of text counted so far (UTF-8).
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The workbook declares or holds more distinct strings than the importer accepts
    /// ([`crate::io::limits::MAX_SHARED_STRINGS`]).
    TooManyStrings {
        /// The strings declared or counted.
        strings: usize,
        /// The limit.
        limit: usize,
    },
    /// The workbook declares more cell formats, fonts, fills, borders and number formats than
    /// the importer accepts ([`crate::io::limits::MAX_STYLES`]).
    TooManyStyles {
        /// The styles counted so far.
        styles: usize,
        /// The limit.
        limit: usize,
    },
    /// A sheet has more merged ranges than the importer accepts ([`crate::io::limits::MAX_MERGES`]).
    TooManyMerges {
        /// The sheet's name.
        sheet: String,
        /// The merged ranges found so far.
        merges: usize,
        /// The limit.
        limit: usize,
    },
    /// The zip container (.xlsx, .ods) has more parts than the importer accepts
    /// ([`crate::io::limits::MAX_ZIP_ENTRIES`]).
    TooManyParts {
        /// The number of parts.
        parts: usize,
        /// The limit.
        limit: usize,
    },
    /// A part of the zip container, or all of them together (`part` is empty), unpacks to more
    /// bytes than the importer accepts ([`crate::io::limits::MAX_PART_BYTES`],
    /// [`crate::io::limits::MAX_UNPACKED_BYTES`]): a zip bomb, or a damaged size.
    UnpacksTooLarge {
        /// The part's name, or empty for the whole container.
        part: String,
        /// The declared or actual size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A part of the zip container is compressed far more than any spreadsheet is
    /// ([`crate::io::limits::MAX_COMPRESSION_RATIO`]): a zip bomb.
    SuspiciousCompression {
        /// The part's name.
        part: String,
        /// Unpacked size ÷ packed size, rounded down.
        ratio: u64,
        /// The limit.
        limit: u64,
    },
    /// An `.xls` encrypted with FILEPASS. Excel also encrypts a workbook this way, with its
    /// built-in key and no password to type, when its structure or sheets are protected, so the
    /// message does not claim a password.
    XlsProtected,
    /// Excel 2.x, 3.0 or 4.0 file (BIFF2/3/4 records with no compound-file container), which no
    /// reader here understands; `version` names it.
    OldExcel {
        /// "Excel 2.x", "Excel 3.0" or "Excel 4.0".
        version: &'static str,
    },
    /// A compound (OLE) file with no Excel workbook stream in it, and nothing else recognised.
    NoWorkbookStream,
    /// XML elements are nested deeper than any spreadsheet nests them
    /// ([`crate::io::limits::MAX_XML_DEPTH`]).
    TooDeep {
        /// The part's name.
        part: String,
        /// The limit.
        limit: usize,
    },
}

impl ImportError {
    /// The message for the status bar, naming the file.
    pub fn user_message(&self, lang: Lang, file: &str) -> String {
        match (lang, self) {
            (Lang::Zh, Self::Empty) => format!("“{file}”是空文件（0 字节），无法打开。"),
            (Lang::En, Self::Empty) => format!("“{file}” is empty (0 bytes)."),
            (Lang::Zh, Self::Encrypted) => {
                format!("“{file}”已加密，请先在 Excel 中取消密码后再打开。")
            }
            (Lang::En, Self::Encrypted) => format!(
                "“{file}” is password-protected. Remove the password in Excel, then open it again."
            ),
            (Lang::Zh, Self::XlsProtected) => format!(
                "“{file}”已加密（.xls）：设置了打开密码，或在 Excel 中保护了工作簿/工作表（这种保护即使没有密码也会加密文件）。请在 Excel 或 WPS 中打开它（如有密码请先取消），另存为 .xlsx 后再打开。"
            ),
            (Lang::En, Self::XlsProtected) => format!(
                "“{file}” is an encrypted .xls: it has an open password, or its workbook or sheets are protected in Excel (which encrypts the file even with no password). Open it in Excel or WPS (removing any password), save it as .xlsx, and open that."
            ),
            (Lang::Zh, Self::OldExcel { version }) => format!(
                "“{file}”是 {version} 或更早的格式，无法直接读取。请在 Excel、WPS 或 LibreOffice 中打开并另存为 .xlsx 后再打开。"
            ),
            (Lang::En, Self::OldExcel { version }) => format!(
                "“{file}” is in the {version} (or older) format, which cannot be read here. Open it in Excel, WPS or LibreOffice, save it as .xlsx, and open that."
            ),
            (Lang::Zh, Self::NoWorkbookStream) => format!(
                "“{file}”是 Office 复合文档，但其中没有 Excel 工作簿。请打开 .xlsx、.xls、.ods 或 .csv 文件。"
            ),
            (Lang::En, Self::NoWorkbookStream) => format!(
                "“{file}” is an Office compound document with no Excel workbook in it. Open an .xlsx, .xls, .ods or .csv file."
            ),
            (Lang::Zh, Self::NotAWorkbook { what }) => {
                format!("“{file}”不是电子表格（看起来是 {what} 文件）。请打开 .xlsx、.xls、.ods 或 .csv 文件。")
            }
            (Lang::En, Self::NotAWorkbook { what }) => format!(
                "“{file}” is not a spreadsheet (it looks like {what}). Open an .xlsx, .xls, .ods or .csv file."
            ),
            (Lang::Zh, Self::Damaged { .. }) => {
                format!("“{file}”已损坏或不完整，无法读取。请向发件人索取完整文件。")
            }
            (Lang::En, Self::Damaged { .. }) => format!(
                "“{file}” is damaged or incomplete and cannot be read. Ask the sender for the complete file."
            ),
            (Lang::Zh, Self::TooLarge { size, limit }) => format!(
                "“{file}”过大（{} MB），超过上限 {} MB。",
                mib(*size),
                mib(*limit)
            ),
            (Lang::En, Self::TooLarge { size, limit }) => format!(
                "“{file}” is too large ({} MB; the limit is {} MB).",
                mib(*size),
                mib(*limit)
            ),
            (Lang::Zh, Self::TooManyCells { sheet, cells, limit }) => format!(
                "“{file}”的工作表“{sheet}”有 {cells} 个单元格，超过上限 {limit}。"
            ),
            (Lang::En, Self::TooManyCells { sheet, cells, limit }) => format!(
                "Sheet “{sheet}” of “{file}” has {cells} cells, more than the limit of {limit}."
            ),
            (Lang::Zh, Self::NoTable) => format!(
                "“{file}”中没有找到指标表：没有一行像表头（如“指标”“单位”“2021年”）。请在网页中打开，用“标记表格”指出表头行和指标名称列。"
            ),
            (Lang::En, Self::NoTable) => format!(
                "No indicator table found in “{file}”: no row looks like a header (such as 指标, 单位, 2021年). Open it in the page and use “Mark table” to point at the header rows and the name column."
            ),
            (Lang::Zh, Self::TooManySheets { sheets, limit }) => {
                format!("“{file}”有 {sheets} 个工作表，超过上限 {limit} 个。")
            }
            (Lang::En, Self::TooManySheets { sheets, limit }) => {
                format!("“{file}” has {sheets} sheets, more than the limit of {limit}.")
            }
            (Lang::Zh, Self::TooManyRows { sheet, rows, limit }) => format!(
                "“{file}”的工作表“{sheet}”超过 {limit} 行（至少 {rows} 行），无法打开。指标表不会这么长，请检查文件。"
            ),
            (Lang::En, Self::TooManyRows { sheet, rows, limit }) => format!(
                "Sheet “{sheet}” of “{file}” has more than {limit} rows (at least {rows}). No indicator table is that long: check the file."
            ),
            (Lang::Zh, Self::TooManyColumns {
                sheet,
                columns,
                limit,
            }) => format!(
                "“{file}”的工作表“{sheet}”超过 {limit} 列（至少 {columns} 列），无法打开。"
            ),
            (Lang::En, Self::TooManyColumns {
                sheet,
                columns,
                limit,
            }) => format!(
                "Sheet “{sheet}” of “{file}” has more than {limit} columns (at least {columns})."
            ),
            (Lang::Zh, Self::TooManyCellsInWorkbook { cells, limit }) => format!(
                "“{file}”的各工作表合计超过 {limit} 个单元格（至少 {cells} 个），无法打开。"
            ),
            (Lang::En, Self::TooManyCellsInWorkbook { cells, limit }) => format!(
                "The sheets of “{file}” have more than {limit} cells together (at least {cells})."
            ),
            (Lang::Zh, Self::TextTooLong {
                sheet,
                chars,
                limit,
            }) => format!(
                "“{file}”（{sheet}）中有一个单元格超过 {limit} 个字符（{chars} 个），电子表格的单元格不会这么长，文件可能已损坏。"
            ),
            (Lang::En, Self::TextTooLong {
                sheet,
                chars,
                limit,
            }) => format!(
                "A cell of “{file}” ({sheet}) has {chars} characters, more than a spreadsheet cell can hold ({limit}): the file may be damaged."
            ),
            (Lang::Zh, Self::TooMuchText { bytes, limit }) => format!(
                "“{file}”中的文字过多（超过 {} MB，至少 {} MB），无法打开。",
                mib(*limit),
                mib(*bytes)
            ),
            (Lang::En, Self::TooMuchText { bytes, limit }) => format!(
                "“{file}” holds too much text (more than {} MB; at least {} MB).",
                mib(*limit),
                mib(*bytes)
            ),
            (Lang::Zh, Self::TooManyStrings { strings, limit }) => format!(
                "“{file}”有 {strings} 个不同的文字串，超过上限 {limit} 个，无法打开。"
            ),
            (Lang::En, Self::TooManyStrings { strings, limit }) => format!(
                "“{file}” has {strings} distinct strings, more than the limit of {limit}."
            ),
            (Lang::Zh, Self::TooManyStyles { styles, limit }) => format!(
                "“{file}”定义了超过 {limit} 个单元格格式（至少 {styles} 个），可能已损坏，无法打开。"
            ),
            (Lang::En, Self::TooManyStyles { styles, limit }) => format!(
                "“{file}” declares more than {limit} cell formats (at least {styles}): it may be damaged."
            ),
            (Lang::Zh, Self::TooManyMerges {
                sheet,
                merges,
                limit,
            }) => format!(
                "“{file}”的工作表“{sheet}”有超过 {limit} 个合并单元格（至少 {merges} 个），无法打开。"
            ),
            (Lang::En, Self::TooManyMerges {
                sheet,
                merges,
                limit,
            }) => format!(
                "Sheet “{sheet}” of “{file}” has more than {limit} merged ranges (at least {merges})."
            ),
            (Lang::Zh, Self::TooManyParts { parts, limit }) => format!(
                "“{file}”内部有 {parts} 个部件，超过上限 {limit} 个，可能已损坏或不是普通的电子表格。"
            ),
            (Lang::En, Self::TooManyParts { parts, limit }) => format!(
                "“{file}” is made of {parts} parts, more than the limit of {limit}: it may be damaged, or not an ordinary spreadsheet."
            ),
            (Lang::Zh, Self::UnpacksTooLarge { part, size, limit }) if part.is_empty() => format!(
                "“{file}”解压后过大（{} MB，上限 {} MB），可能是损坏或恶意构造的文件（“压缩炸弹”），已拒绝打开。",
                mib(*size),
                mib(*limit)
            ),
            (Lang::En, Self::UnpacksTooLarge { part, size, limit }) if part.is_empty() => format!(
                "“{file}” unpacks to {} MB, more than the limit of {} MB: it may be damaged or a “zip bomb”, and was not opened.",
                mib(*size),
                mib(*limit)
            ),
            (Lang::Zh, Self::UnpacksTooLarge { part, size, limit }) => format!(
                "“{file}”中的 {part} 解压后过大（{} MB，上限 {} MB），可能是损坏或恶意构造的文件（“压缩炸弹”），已拒绝打开。",
                mib(*size),
                mib(*limit)
            ),
            (Lang::En, Self::UnpacksTooLarge { part, size, limit }) => format!(
                "{part} in “{file}” unpacks to {} MB, more than the limit of {} MB: it may be damaged or a “zip bomb”, and was not opened.",
                mib(*size),
                mib(*limit)
            ),
            (Lang::Zh, Self::SuspiciousCompression { part, ratio, limit }) => format!(
                "“{file}”中的 {part} 压缩比异常（{ratio}:1，正常文件不超过 {limit}:1），可能是恶意构造的文件（“压缩炸弹”），已拒绝打开。"
            ),
            (Lang::En, Self::SuspiciousCompression { part, ratio, limit }) => format!(
                "{part} in “{file}” is compressed {ratio}:1, far more than any spreadsheet (at most {limit}:1): it looks like a “zip bomb”, and was not opened."
            ),
            (Lang::Zh, Self::TooDeep { part, limit }) => format!(
                "“{file}”中的 {part} 嵌套超过 {limit} 层，可能已损坏或是恶意构造的文件，已拒绝打开。"
            ),
            (Lang::En, Self::TooDeep { part, limit }) => format!(
                "{part} in “{file}” is nested more than {limit} levels deep: it may be damaged or hostile, and was not opened."
            ),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Damaged { detail } => write!(f, "damaged file: {detail}"),
            other => f.write_str(&other.user_message(Lang::En, "file")),
        }
    }
}

impl std::error::Error for ImportError {}

/// Why a workbook could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// The xlsx writer refused the workbook; `detail` is its message.
    Writer {
        /// The writer's message.
        detail: String,
    },
    /// Distribution (分发) needs a table whose rows name responsible units (牵头单位 or
    /// 配合单位), and the plan has none.
    NoUnits,
}

impl ExportError {
    /// The message for the status bar.
    pub fn user_message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Zh, Self::Writer { detail }) => format!("导出失败：{detail}"),
            (Lang::En, Self::Writer { detail }) => format!("Export failed: {detail}"),
            (Lang::Zh, Self::NoUnits) => {
                "无法分发：指标表中没有牵头单位或配合单位，不知道发给谁。".to_string()
            }
            (Lang::En, Self::NoUnits) => {
                "Cannot distribute: the table names no lead or other units to send it to."
                    .to_string()
            }
        }
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message(Lang::En))
    }
}

impl std::error::Error for ExportError {}

/// Why the page could not do what it asked of the browser (read a file, start a download,
/// keep work in storage) or of itself (save the page, rebuild a document for the export).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageError {
    /// The browser could not read the file the user chose or dropped (moved, deleted or no
    /// longer permitted since it was chosen); `detail` is the browser's words.
    FileUnreadable {
        /// The file's name.
        file: String,
        /// The browser's message.
        detail: String,
    },
    /// The browser refused to start a download.
    DownloadRefused {
        /// The browser's message.
        detail: String,
    },
    /// The browser's storage (IndexedDB) refused to read or write, so autosave cannot keep
    /// the work (no IndexedDB in this browser or mode, quota exceeded …).
    Storage {
        /// The browser's message.
        detail: String,
    },
    /// Saving the page needs the page's own HTML, and this page has none to copy (it was not
    /// built as the one-file `zhibiao.html`).
    NoPageSource,
    /// The plan could not be written as JSON (for the saved page or autosave).
    NotSerialized {
        /// The serializer's message.
        detail: String,
    },
    /// Export was asked for with no plan open.
    NothingToExport,
    /// The workbook could not be written.
    Export(ExportError),
    /// The export worker failed; `message` is its message, already in the user's language.
    Worker {
        /// The worker's message for the user.
        message: String,
    },
    /// The document could not be rebuilt for the export: its file no longer imports.
    Import {
        /// The file's name.
        file: String,
        /// Why it did not import.
        error: ImportError,
    },
    /// The document could not be rebuilt for the export: the saved page's plan is not one
    /// this version reads.
    SavedPageUnreadable,
}

impl PageError {
    /// The message for the status bar.
    pub fn user_message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Zh, Self::FileUnreadable { file, detail }) => {
                format!("无法读取文件：{file}（{detail}）。文件可能已被移动或删除，请重新选择。")
            }
            (Lang::En, Self::FileUnreadable { file, detail }) => format!(
                "Cannot read the file: {file} ({detail}). It may have been moved or deleted \
                 since it was chosen; choose it again."
            ),
            (Lang::Zh, Self::DownloadRefused { detail }) => {
                format!("浏览器未能开始下载（{detail}）。")
            }
            (Lang::En, Self::DownloadRefused { detail }) => {
                format!("The browser did not start the download ({detail}).")
            }
            (Lang::Zh, Self::Storage { detail }) => format!(
                "自动保存失败（{detail}；浏览器存储空间不足？）。请用“导出”或“保存为网页”保存工作"
            ),
            (Lang::En, Self::Storage { detail }) => format!(
                "Autosave failed ({detail}; browser storage full?). Use Export or Save as web \
                 page to keep your work"
            ),
            (Lang::Zh, Self::NoPageSource) => {
                "无法保存为网页：本页面不是单文件版 zhibiao.html，找不到可复制的页面内容。"
                    .to_string()
            }
            (Lang::En, Self::NoPageSource) => {
                "Cannot save as a web page: this page is not the one-file zhibiao.html, so \
                 there is nothing to copy."
                    .to_string()
            }
            (Lang::Zh, Self::NotSerialized { detail }) => {
                format!("无法写出计划（{detail}）。")
            }
            (Lang::En, Self::NotSerialized { detail }) => {
                format!("The plan could not be written out ({detail}).")
            }
            (Lang::Zh, Self::NothingToExport) => "没有可导出的表格".to_string(),
            (Lang::En, Self::NothingToExport) => "There is no plan to export".to_string(),
            (_, Self::Export(error)) => error.user_message(lang),
            (_, Self::Worker { message }) => message.clone(),
            (_, Self::Import { file, error }) => error.user_message(lang, file),
            (Lang::Zh, Self::SavedPageUnreadable) => {
                "保存的网页中的计划无法读取（可能来自其他版本）。".to_string()
            }
            (Lang::En, Self::SavedPageUnreadable) => {
                "The plan in the saved page cannot be read (it may come from another version)."
                    .to_string()
            }
        }
    }
}

impl From<ExportError> for PageError {
    fn from(error: ExportError) -> Self {
        Self::Export(error)
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message(Lang::En))
    }
}

impl std::error::Error for PageError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page error says something of its own in each language, the Chinese one in
    /// Chinese, and names the file where there is one.
    #[test]
    fn page_errors_speak_both_languages_and_name_the_file() {
        let errors = [
            PageError::FileUnreadable {
                file: "计划.xlsx".into(),
                detail: "NotFoundError".into(),
            },
            PageError::DownloadRefused {
                detail: "blocked".into(),
            },
            PageError::Storage {
                detail: "QuotaExceededError".into(),
            },
            PageError::NoPageSource,
            PageError::NotSerialized {
                detail: "key must be a string".into(),
            },
            PageError::NothingToExport,
            PageError::Export(ExportError::NoUnits),
            PageError::Worker {
                message: "导出失败：x".into(),
            },
            PageError::Import {
                file: "计划.xlsx".into(),
                error: ImportError::Empty,
            },
            PageError::SavedPageUnreadable,
        ];
        for lang in [Lang::Zh, Lang::En] {
            let messages: Vec<String> = errors.iter().map(|e| e.user_message(lang)).collect();
            for (error, message) in errors.iter().zip(&messages) {
                assert!(!message.trim().is_empty(), "{error:?}");
                let chinese = message
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                if lang == Lang::Zh {
                    assert!(chinese, "{error:?}: {message}");
                }
                if let PageError::FileUnreadable { file, .. } | PageError::Import { file, .. } =
                    error
                {
                    assert!(message.contains(file.as_str()), "{message}");
                }
            }
            let mut distinct = messages.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), messages.len(), "{messages:#?}");
        }
        assert_eq!(
            PageError::from(ExportError::NoUnits).user_message(Lang::En),
            ExportError::NoUnits.user_message(Lang::En)
        );
        assert_eq!(
            PageError::Storage { detail: "x".into() }.to_string(),
            PageError::Storage { detail: "x".into() }.user_message(Lang::En)
        );
    }
}
