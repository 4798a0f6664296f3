//! Errors of the import and export layers, each named after the rule it enforces.
//!
//! Every variant has a message for the status bar in Simplified Chinese and in English
//! ([`ImportError::user_message`]); the page and `zhibiao-cli` show the same words.

use std::fmt;

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
                size / 1_000_000,
                limit / 1_000_000
            ),
            (Lang::En, Self::TooLarge { size, limit }) => format!(
                "“{file}” is too large ({} MB; the limit is {} MB).",
                size / 1_000_000,
                limit / 1_000_000
            ),
            (Lang::Zh, Self::TooManyCells { sheet, cells, limit }) => format!(
                "“{file}”的工作表“{sheet}”有 {cells} 个单元格，超过上限 {limit}。"
            ),
            (Lang::En, Self::TooManyCells { sheet, cells, limit }) => format!(
                "Sheet “{sheet}” of “{file}” has {cells} cells, more than the limit of {limit}."
            ),
            (Lang::Zh, Self::NoTable) => format!(
                "“{file}”中没有找到指标表（需要“指标名称”等表头）。"
            ),
            (Lang::En, Self::NoTable) => format!(
                "No indicator table found in “{file}” (a header such as 指标名称 is needed)."
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
}

impl ExportError {
    /// The message for the status bar.
    pub fn user_message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Zh, Self::Writer { detail }) => format!("导出失败：{detail}"),
            (Lang::En, Self::Writer { detail }) => format!("Export failed: {detail}"),
        }
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message(Lang::En))
    }
}

impl std::error::Error for ExportError {}
