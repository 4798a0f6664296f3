//! The importer's limits, and the checks that enforce them before and while a file is parsed.
//!
//! Users open attachments from e-mail and messaging apps: some are damaged, some are huge, a few
//! are hostile. In WebAssembly an allocation failure or a panic kills the page, so nothing is
//! handed to a parser before its declared sizes are checked, and every reader counts what it
//! builds as it goes. Each limit has its own [`ImportError`] variant and message.
//!
//! The limits are far above any real plan (at most about 100,000 rows × 40 columns, a few
//! megabytes of text) and far below what would exhaust the page's memory.
//!
//! | what | limit | checked |
//! |---|---|---|
//! | file size | [`MAX_FILE_BYTES`] | before anything |
//! | parts of a zip container (.xlsx, .ods) | [`MAX_ZIP_ENTRIES`] | central directory, before calamine |
//! | unpacked size of one part / of all parts | [`MAX_PART_BYTES`] / [`MAX_UNPACKED_BYTES`] | central directory (the zip reader then enforces each declared size while inflating) |
//! | compression ratio of a part over 1 MiB | [`MAX_COMPRESSION_RATIO`] | central directory |
//! | distinct strings (xlsx shared strings, xls SST) | [`MAX_SHARED_STRINGS`] | declared count and counted, before calamine |
//! | XML nesting (the parts we scan ourselves) | [`MAX_XML_DEPTH`] | while scanning |
//! | cell formats, fonts, fills, borders, number formats of an .xlsx | [`MAX_STYLES`] | counted, before calamine |
//! | sheets | [`MAX_SHEETS`] | workbook globals, before the sheets are read |
//! | rows, columns of a sheet; its cells | [`MAX_ROWS`], [`MAX_COLUMNS`], [`MAX_SHEET_CELLS`] | .xlsx, .xlsb, .ods, .csv, HTML, SpreadsheetML while reading, counting the cells held (a cell at A1 and one at IV65536 are two cells and the rows they are on), a repeated .ods row or cell checked whole before it is copied; .xls from its records, counting rows × columns from A1 |
//! | cells of all sheets | [`MAX_WORKBOOK_CELLS`] | as above |
//! | characters in a cell | [`MAX_CELL_CHARS`] | as above |
//! | text of all cells (repeats and shared strings counted each time) | [`MAX_TEXT_BYTES`] | as above |
//! | runs of same-styled cells kept of a sheet's look (xlsx, xls) | [`MAX_STYLE_RUNS`] | while reading; past it the cells keep the default look |
//! | merged ranges of a sheet | [`MAX_MERGES`] | after the merges are read (their memory is bounded by the part's size) |

use crate::error::ImportError;
use quick_xml::events::Event;
use std::io::{BufReader, Cursor, Read};

/// The largest file the importer accepts, in bytes (64 MiB).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The most sheets a workbook may have.
pub const MAX_SHEETS: usize = 256;
/// Number format codes are cut to this many characters (Excel's own limit); longer ones are
/// dropped or cut, as a hostile workbook could copy a huge code into every cell.
pub const MAX_CODE_CHARS: usize = 255;
/// The most formatted cells plus merges one sheet's format map may track (repeats counted).
pub const MAX_TRACKED_CELLS: usize = 2_000_000;
/// The most bytes of format codes one sheet's map may hold (codes are cloned per cell).
pub const MAX_CODE_BYTES: usize = 32 * 1024 * 1024;
/// The most rows a sheet may have (a plan has at most about 100,000).
pub const MAX_ROWS: usize = 200_000;
/// The most columns a sheet may have (Excel's own maximum, column XFD).
pub const MAX_COLUMNS: usize = 16_384;
/// The most cells (rows × columns, counted from A1) one sheet may have.
pub const MAX_SHEET_CELLS: usize = 8_000_000;
/// The most cells (rows × columns, counted from A1) all sheets together may have.
pub const MAX_WORKBOOK_CELLS: usize = 10_000_000;
/// The most characters one cell may hold (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most bytes of text (UTF-8, number format codes included) all cells together may hold.
pub const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;
/// The most distinct strings a workbook may declare or hold.
pub const MAX_SHARED_STRINGS: usize = 4_000_000;
/// The most merged ranges one sheet may have.
pub const MAX_MERGES: usize = 100_000;
/// The most parts (files) a zip container may have.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// The most bytes one part of a zip container may unpack to (256 MiB).
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// The most bytes all parts of a zip container together may unpack to (512 MiB).
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// The highest unpacked ÷ packed ratio of a part larger than [`RATIO_FLOOR_BYTES`]. Spreadsheet
/// XML compresses 5–30 times; deflate's maximum is about 1,030.
pub const MAX_COMPRESSION_RATIO: u64 = 200;
/// Parts that unpack to at most this many bytes are not checked for their ratio (1 MiB).
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;
/// The deepest XML nesting accepted in the parts the importer scans itself.
pub const MAX_XML_DEPTH: usize = 256;
/// The most cell formats, fonts, fills, borders and number formats an .xlsx may declare
/// together (Excel allows about 64,000 cell formats).
pub const MAX_STYLES: usize = 200_000;
/// Runs of same-styled cells kept of one sheet's look (past it, cells keep the default look:
/// the look never makes a file fail).
pub const MAX_STYLE_RUNS: usize = 1_000_000;

/// Checks a sheet's extent: `rows` × `columns` counted from A1. For the readers that build a
/// dense range of the extent (the .xls reader); the readers that place cells
/// one by one check [`check_dimensions`] and count the cells they hold ([`check_held`]).
///
/// # Errors
/// [`ImportError::TooManyRows`], [`ImportError::TooManyColumns`] or
/// [`ImportError::TooManyCells`] when a limit is exceeded.
pub fn check_extent(sheet: &str, rows: usize, columns: usize) -> Result<(), ImportError> {
    check_dimensions(sheet, rows, columns)?;
    check_held(sheet, rows.saturating_mul(columns))
}

/// Checks the cells a sheet holds (allocated in its rows) against [`MAX_SHEET_CELLS`]: a few
/// cells at A1 and IV65536 hold a few cells, not the 16,777,216 of their extent.
///
/// # Errors
/// [`ImportError::TooManyCells`] when there are more.
pub fn check_held(sheet: &str, cells: usize) -> Result<(), ImportError> {
    if cells > MAX_SHEET_CELLS {
        return Err(ImportError::TooManyCells {
            sheet: sheet.to_string(),
            cells,
            limit: MAX_SHEET_CELLS,
        });
    }
    Ok(())
}

/// Checks a sheet's rows and columns (counted from A1) against [`MAX_ROWS`] and
/// [`MAX_COLUMNS`].
///
/// # Errors
/// [`ImportError::TooManyRows`] or [`ImportError::TooManyColumns`] when a limit is exceeded.
pub fn check_dimensions(sheet: &str, rows: usize, columns: usize) -> Result<(), ImportError> {
    if rows > MAX_ROWS {
        return Err(ImportError::TooManyRows {
            sheet: sheet.to_string(),
            rows,
            limit: MAX_ROWS,
        });
    }
    if columns > MAX_COLUMNS {
        return Err(ImportError::TooManyColumns {
            sheet: sheet.to_string(),
            columns,
            limit: MAX_COLUMNS,
        });
    }
    Ok(())
}

/// What one workbook has used of the limits so far: cells of the finished sheets and text.
#[derive(Clone, Debug, Default)]
pub struct Budget {
    cells: usize,
    text: usize,
}

impl Budget {
    /// Counts a finished sheet of `cells` cells (rows × columns from A1).
    ///
    /// # Errors
    /// [`ImportError::TooManyCellsInWorkbook`] when all sheets together exceed
    /// [`MAX_WORKBOOK_CELLS`].
    pub fn add_sheet(&mut self, cells: usize) -> Result<(), ImportError> {
        self.check_cells(cells)?;
        self.cells = self.cells.saturating_add(cells);
        Ok(())
    }

    /// Checks that a sheet still being read, now of `cells` cells, fits with the finished ones.
    ///
    /// # Errors
    /// [`ImportError::TooManyCellsInWorkbook`] when it does not.
    pub fn check_cells(&self, cells: usize) -> Result<(), ImportError> {
        let total = self.cells.saturating_add(cells);
        if total > MAX_WORKBOOK_CELLS {
            return Err(ImportError::TooManyCellsInWorkbook {
                cells: total,
                limit: MAX_WORKBOOK_CELLS,
            });
        }
        Ok(())
    }

    /// Counts the text of one cell of `sheet`, `times` times (a repeated cell).
    ///
    /// # Errors
    /// [`ImportError::TextTooLong`] for a cell over [`MAX_CELL_CHARS`] characters,
    /// [`ImportError::TooMuchText`] when all text exceeds [`MAX_TEXT_BYTES`].
    pub fn add_text(&mut self, sheet: &str, text: &str, times: usize) -> Result<(), ImportError> {
        // A string of at most MAX_CELL_CHARS bytes has at most that many characters.
        if text.len() > MAX_CELL_CHARS {
            let chars = text.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(ImportError::TextTooLong {
                    sheet: sheet.to_string(),
                    chars,
                    limit: MAX_CELL_CHARS,
                });
            }
        }
        self.add_bytes(text.len().saturating_mul(times))
    }

    /// Checks that `bytes` more of text would fit, without counting them (a repeat checked
    /// before its copies are made).
    ///
    /// # Errors
    /// [`ImportError::TooMuchText`] when all text would exceed [`MAX_TEXT_BYTES`].
    pub fn check_bytes(&self, bytes: usize) -> Result<(), ImportError> {
        let text = self.text.saturating_add(bytes);
        if text > MAX_TEXT_BYTES {
            return Err(ImportError::TooMuchText {
                bytes: text,
                limit: MAX_TEXT_BYTES,
            });
        }
        Ok(())
    }

    /// Counts `bytes` of text that are not a cell's (number format codes).
    ///
    /// # Errors
    /// [`ImportError::TooMuchText`] when all text exceeds [`MAX_TEXT_BYTES`].
    pub fn add_bytes(&mut self, bytes: usize) -> Result<(), ImportError> {
        self.text = self.text.saturating_add(bytes);
        if self.text > MAX_TEXT_BYTES {
            return Err(ImportError::TooMuchText {
                bytes: self.text,
                limit: MAX_TEXT_BYTES,
            });
        }
        Ok(())
    }
}

/// Checks a sheet's merged ranges against [`MAX_MERGES`].
///
/// # Errors
/// [`ImportError::TooManyMerges`] when there are more.
pub fn check_merges(sheet: &str, merges: usize) -> Result<(), ImportError> {
    if merges > MAX_MERGES {
        return Err(ImportError::TooManyMerges {
            sheet: sheet.to_string(),
            merges,
            limit: MAX_MERGES,
        });
    }
    Ok(())
}

fn damaged(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Damaged {
        detail: detail.to_string(),
    }
}

/// Checks a zip container (.xlsx, .ods) from its central directory, before any part is
/// inflated: the number of parts, each part's and all parts' declared unpacked size, and the
/// compression ratio of large parts (zip bombs).
///
/// Declared sizes can lie, but the zip reader stops with an error as soon as a part inflates to
/// more than its declared size, so the declared sizes checked here bound what any reader of the
/// container (calamine included) can unpack.
///
/// # Errors
/// [`ImportError::Damaged`] when the central directory cannot be read,
/// [`ImportError::TooManyParts`], [`ImportError::UnpacksTooLarge`] or
/// [`ImportError::SuspiciousCompression`] when a limit is exceeded.
pub fn check_zip(bytes: &[u8]) -> Result<(), ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(ImportError::TooManyParts {
            parts: zip.len(),
            limit: MAX_ZIP_ENTRIES,
        });
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(damaged)?;
        let size = file.size();
        let packed = file.compressed_size();
        if size > MAX_PART_BYTES {
            return Err(ImportError::UnpacksTooLarge {
                part: file.name().map(|n| n.into_owned()).unwrap_or_default(),
                size,
                limit: MAX_PART_BYTES,
            });
        }
        if size > RATIO_FLOOR_BYTES {
            let ratio = size / packed.max(1);
            if ratio > MAX_COMPRESSION_RATIO {
                return Err(ImportError::SuspiciousCompression {
                    part: file.name().map(|n| n.into_owned()).unwrap_or_default(),
                    ratio,
                    limit: MAX_COMPRESSION_RATIO,
                });
            }
        }
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES {
            return Err(ImportError::UnpacksTooLarge {
                part: String::new(),
                size: total,
                limit: MAX_UNPACKED_BYTES,
            });
        }
    }
    Ok(())
}

/// Scans the parts of an .xlsx that calamine reads whole when it opens the workbook, before it
/// does (the shared strings are ours to read, checked as they are read): the workbook, styles
/// and relationships (`…workbook.xml`, `…styles.xml`, `….rels`: calamine keeps every sheet entry,
/// defined name and relationship, and copies a style's font, fill, border and number format
/// code into each of its cell formats). Counts, lengths and nesting are bounded.
///
/// # Errors
/// [`ImportError::TooManySheets`], [`ImportError::TooManyStyles`], [`ImportError::TooDeep`]
/// when a limit is exceeded; [`ImportError::Damaged`] when the zip or the XML cannot be read,
/// or a part holds more entries or longer values than any spreadsheet. Call [`check_zip`]
/// first: it bounds the parts' sizes.
pub fn check_xlsx_parts(bytes: &[u8]) -> Result<(), ImportError> {
    crate::pace::finish(check_xlsx_parts_paced(bytes, &mut crate::pace::Straight)).unwrap_or_else(
        || {
            Err(ImportError::Damaged {
                detail: "the check waited without a pace".to_string(),
            })
        },
    )
}

/// How many XML events the scans of [`check_xlsx_parts_paced`] read between two steps of the
/// pace.
const SCAN_STEP: usize = 4 * crate::pace::STEP;

/// [`check_xlsx_parts`] in slices: `pace` is awaited every `SCAN_STEP` XML events, so that
/// the page is not frozen while a large part is scanned.
///
/// # Errors
/// As [`check_xlsx_parts`].
pub async fn check_xlsx_parts_paced<P: crate::pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<(), ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    for i in 0..zip.len() {
        let file = zip.by_index(i).map_err(damaged)?;
        let part = file.name().map(|n| n.into_owned()).unwrap_or_default();
        let lower = part.to_ascii_lowercase();
        if lower.ends_with("workbook.xml")
            || lower.ends_with("styles.xml")
            || lower.ends_with(".rels")
        {
            scan_entries(file, &part, pace).await?;
        }
    }
    Ok(())
}

/// The most entries of one kind (relationships, defined names …) a workbook part may hold.
const MAX_PART_ENTRIES: usize = 1_000_000;
/// The most bytes of one attribute value in the parts calamine keeps whole.
const MAX_ATTRIBUTE_BYTES: usize = 4 * MAX_CELL_CHARS;
/// Number format codes: Excel's own limit is 255 characters.
const MAX_FORMAT_CODE_CHARS: usize = 255;

/// Counts the entries of a workbook, styles or relationships part.
async fn scan_entries<P: crate::pace::Pace>(
    file: impl Read,
    part: &str,
    pace: &mut P,
) -> Result<(), ImportError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(file.take(MAX_PART_BYTES)));
    xml.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let (mut sheets, mut styles, mut entries) = (0usize, 0usize, 0usize);
    let mut events = 0usize;
    loop {
        events += 1;
        if events.is_multiple_of(SCAN_STEP) {
            pace.step(crate::pace::Stage::Read, 0.0).await;
        }
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| damaged(format!("{part}: {e}")))?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Eof => return Ok(()),
            _ => continue,
        };
        if !empty {
            depth += 1;
            if depth > MAX_XML_DEPTH {
                return Err(ImportError::TooDeep {
                    part: part.to_string(),
                    limit: MAX_XML_DEPTH,
                });
            }
        }
        let name = e.local_name();
        match name.as_ref() {
            "sheet" => {
                sheets += 1;
                if sheets > MAX_SHEETS {
                    return Err(ImportError::TooManySheets {
                        sheets,
                        limit: MAX_SHEETS,
                    });
                }
            }
            "xf" | "font" | "fill" | "border" | "numFmt" => {
                styles += 1;
                if styles > MAX_STYLES {
                    return Err(ImportError::TooManyStyles {
                        styles,
                        limit: MAX_STYLES,
                    });
                }
            }
            _ => {
                entries += 1;
                if entries > MAX_PART_ENTRIES {
                    return Err(damaged(format!(
                        "{part}: more than {MAX_PART_ENTRIES} entries"
                    )));
                }
            }
        }
        for attr in e.attributes().flatten() {
            let value = attr.value.as_bytes();
            if value.len() > MAX_ATTRIBUTE_BYTES {
                return Err(damaged(format!(
                    "{part}: an attribute of {} bytes",
                    value.len()
                )));
            }
            if name.as_ref() == "numFmt" && attr.key.local_name().as_ref() == "formatCode" {
                let chars = attr.value.chars().count();
                if chars > MAX_FORMAT_CODE_CHARS {
                    return Err(damaged(format!(
                        "{part}: a number format of {chars} characters"
                    )));
                }
            }
        }
    }
}

/// The declared `uniqueCount` of `<sst>`, its attribute's value as written (a count the part
/// cannot hold is a lie; a value that is not a count is none).
///
/// # Errors
/// [`ImportError::TooManyStrings`] when it is over [`MAX_SHARED_STRINGS`] or more than the
/// part of `size` bytes can hold.
pub fn check_unique_count(value: &[u8], size: u64) -> Result<(), ImportError> {
    let digits = value.strip_prefix(b"+").unwrap_or(value);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Ok(());
    }
    // Any count that does not fit is over the limit.
    let count = std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    // Each string takes at least `<si></si>`: a count the part cannot hold is a lie.
    let plausible = usize::try_from(size / 4)
        .unwrap_or(usize::MAX)
        .saturating_add(1024);
    if count > MAX_SHARED_STRINGS || count > plausible {
        return Err(ImportError::TooManyStrings {
            strings: count,
            limit: MAX_SHARED_STRINGS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, data) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn extent_limits_each_have_their_error() {
        assert!(check_extent("s", MAX_ROWS, 40).is_ok());
        assert!(matches!(
            check_extent("s", MAX_ROWS + 1, 1),
            Err(ImportError::TooManyRows { .. })
        ));
        assert!(matches!(
            check_extent("s", 1, MAX_COLUMNS + 1),
            Err(ImportError::TooManyColumns { .. })
        ));
        assert!(matches!(
            check_extent("s", 100_000, 100),
            Err(ImportError::TooManyCells { .. })
        ));
    }

    #[test]
    fn a_highly_compressed_part_is_a_bomb() {
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let bytes = zip_of(&[("xl/sharedStrings.xml", &zeros)]);
        assert!(matches!(
            check_zip(&bytes),
            Err(ImportError::SuspiciousCompression { .. })
        ));
    }

    #[test]
    fn text_budget_counts_repeats() {
        let mut budget = Budget::default();
        assert!(budget.add_text("s", "abc", 1000).is_ok());
        assert!(matches!(
            budget.add_text("s", "0123456789", MAX_TEXT_BYTES / 10),
            Err(ImportError::TooMuchText { .. })
        ));
    }
}
