//! Bytes → [`Workbook`]: the format is detected from the bytes, never from the file name.
//!
//! `.xlsx`, `.xls` and `.ods` go through calamine; CSV text in UTF-8 (with or without BOM),
//! UTF-16 or GBK/GB18030 goes through `encoding_rs` and the `csv` crate. Sizes are bounded
//! before anything is handed to a parser.

use super::grid::{Format, Merge, Sheet, Workbook};
use crate::error::ImportError;
use crate::plan::RawCell;
use calamine::{Data, Dimensions, Ods, Range, Reader, Xls, Xlsx};
use std::io::Cursor;

/// The largest file the importer accepts, in bytes.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The most cells (rows × columns of the used range) one sheet may have.
pub const MAX_SHEET_CELLS: usize = 8_000_000;
/// The most sheets a workbook may have.
pub const MAX_SHEETS: usize = 256;

const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the first bytes say the file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sniffed {
    Zip,
    Cfb,
    Text,
}

/// Reads a workbook from its bytes.
///
/// # Errors
/// [`ImportError`] when the bytes are empty, too large, encrypted, not a spreadsheet, or damaged.
pub fn read_workbook(bytes: &[u8]) -> Result<Workbook, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    match sniff(bytes)? {
        Sniffed::Zip => read_zip(bytes),
        Sniffed::Cfb => read_cfb(bytes),
        Sniffed::Text => read_csv(bytes),
    }
}

fn sniff(bytes: &[u8]) -> Result<Sniffed, ImportError> {
    let not = |what| Err(ImportError::NotAWorkbook { what });
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Sniffed::Zip);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Ok(Sniffed::Cfb);
    }
    if bytes.starts_with(b"%PDF") {
        return not("PDF");
    }
    if bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF8")
    {
        return not("图片 / image");
    }
    if bytes.starts_with(b"{\\rtf") {
        return not("RTF");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<table") {
        return not("HTML");
    }
    if head.starts_with("<?xml") {
        return not("XML");
    }
    if looks_binary(bytes) {
        return not("二进制 / binary");
    }
    Ok(Sniffed::Text)
}

/// A NUL byte in the first KiB, outside UTF-16 text, marks a binary file.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    !utf16 && head.contains(&0) && !looks_utf16_without_bom(head)
}

fn looks_utf16_without_bom(head: &[u8]) -> bool {
    let pairs = head.len() / 2;
    if pairs < 4 {
        return false;
    }
    let zero_odd = head.chunks_exact(2).filter(|p| p[1] == 0).count();
    zero_odd * 10 >= pairs * 3
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn damaged(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Damaged {
        detail: detail.to_string(),
    }
}

fn read_zip(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let head = &bytes[..bytes.len().min(256)];
    if find(head, b"mimetype") && find(head, b"opendocument.spreadsheet") {
        return read_ods(bytes);
    }
    if find(head, b"mimetype") && find(head, b"opendocument") {
        return Err(ImportError::NotAWorkbook {
            what: "OpenDocument",
        });
    }
    if find(bytes, b"word/document.xml") {
        return Err(ImportError::NotAWorkbook { what: "Word" });
    }
    if find(bytes, b"ppt/presentation.xml") {
        return Err(ImportError::NotAWorkbook { what: "PowerPoint" });
    }
    read_xlsx(bytes)
}

fn read_cfb(bytes: &[u8]) -> Result<Workbook, ImportError> {
    if find(bytes, &utf16le("EncryptedPackage")) || find(bytes, &utf16le("EncryptionInfo")) {
        return Err(ImportError::Encrypted);
    }
    if find(bytes, &utf16le("WordDocument")) {
        return Err(ImportError::NotAWorkbook { what: "Word" });
    }
    read_xls(bytes)
}

fn read_xlsx(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => ImportError::Encrypted,
        other => damaged(other),
    })?;
    let names = checked_names(wb.sheet_names())?;
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(damaged)?;
        check_size(&name, &range)?;
        let styles = wb.worksheet_style(&name).ok();
        let merges = wb.merge_cells_by_sheet_name(&name).map_err(damaged)?;
        let format_of = |row: u32, col: u32| {
            styles
                .as_ref()
                .and_then(|s| s.get((row, col)))
                .and_then(|st| st.number_format.as_ref())
                .map(|f| f.format_code.clone())
        };
        sheets.push(to_sheet(name, &range, &merges, format_of));
    }
    Ok(Workbook {
        format: Some(Format::Xlsx),
        sheets,
    })
}

fn read_xls(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => ImportError::Encrypted,
        other => damaged(other),
    })?;
    let names = checked_names(wb.sheet_names())?;
    // calamine does not expose .xls number formats: read them from the XF records. A file
    // whose formats cannot be read still opens, with numbers in their General form.
    let mut formats = match super::xls_formats::cell_formats(bytes) {
        Ok(f) => f,
        Err(super::xls_formats::XlsFormatError::Encrypted) => return Err(ImportError::Encrypted),
        Err(_) => Vec::new(),
    };
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(damaged)?;
        check_size(&name, &range)?;
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let sheet_formats = formats
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| formats.swap_remove(i).1)
            .unwrap_or_default();
        sheets.push(to_sheet(name, &range, &merges, |r, c| {
            sheet_formats.get(&(r, c)).cloned()
        }));
    }
    Ok(Workbook {
        format: Some(Format::Xls),
        sheets,
    })
}

fn read_ods(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => ImportError::Encrypted,
        other => damaged(other),
    })?;
    let names = checked_names(wb.sheet_names())?;
    // calamine does not expose .ods merges and number formats: read them from content.xml.
    let mut extras = match super::ods_extra::sheet_extras(bytes) {
        Ok(e) => e,
        Err(super::ods_extra::OdsExtraError::Encrypted) => return Err(ImportError::Encrypted),
        Err(_) => Vec::new(),
    };
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(damaged)?;
        check_size(&name, &range)?;
        let extra = extras
            .iter()
            .position(|e| e.name == name)
            .map(|i| extras.swap_remove(i));
        let (merges, formats) = extra.map(|e| (e.merges, e.formats)).unwrap_or_default();
        let mut sheet = to_sheet(name, &range, &[], |r, c| formats.get(&(r, c)).cloned());
        sheet.merges = merges;
        sheets.push(sheet);
    }
    Ok(Workbook {
        format: Some(Format::Ods),
        sheets,
    })
}

fn checked_names(names: Vec<String>) -> Result<Vec<String>, ImportError> {
    if names.len() > MAX_SHEETS {
        return Err(damaged(format!("{} sheets", names.len())));
    }
    Ok(names)
}

fn check_size(name: &str, range: &Range<Data>) -> Result<(), ImportError> {
    let (height, width) = range.get_size();
    let end = range.end().unwrap_or((0, 0));
    // Cells are stored from A1, so the grid is as large as the range's end.
    let cells = (end.0 as usize + 1).saturating_mul(end.1 as usize + 1);
    let cells = cells.max(height.saturating_mul(width));
    if cells > MAX_SHEET_CELLS {
        return Err(ImportError::TooManyCells {
            sheet: name.to_string(),
            cells,
            limit: MAX_SHEET_CELLS,
        });
    }
    Ok(())
}

fn to_sheet(
    name: String,
    range: &Range<Data>,
    merges: &[Dimensions],
    format_of: impl Fn(u32, u32) -> Option<String>,
) -> Sheet {
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, data) in range.used_cells() {
        let (row, col) = (r0 as usize + r, c0 as usize + c);
        let cell = match data {
            Data::Empty => continue,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                RawCell::Text { s: s.clone() }
            }
            Data::Float(n) => RawCell::Number {
                n: *n,
                format: format_of(row as u32, col as u32),
            },
            Data::Int(i) => RawCell::Number {
                n: *i as f64,
                format: format_of(row as u32, col as u32),
            },
            Data::Bool(b) => RawCell::Text {
                s: if *b { "TRUE" } else { "FALSE" }.to_string(),
            },
            Data::DateTime(d) => RawCell::Number {
                n: d.as_f64(),
                format: format_of(row as u32, col as u32),
            },
            Data::Error(e) => RawCell::Text { s: e.to_string() },
        };
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        if let Some(cells) = rows.get_mut(row) {
            if cells.len() <= col {
                cells.resize(col + 1, RawCell::Empty);
            }
            if let Some(slot) = cells.get_mut(col) {
                *slot = cell;
            }
        }
    }
    let merges = merges
        .iter()
        .map(|d| Merge {
            first_row: d.start.0,
            first_col: d.start.1,
            last_row: d.end.0,
            last_col: d.end.1,
        })
        .collect();
    Sheet { name, rows, merges }
}

/// Decodes CSV text: a BOM decides; else valid UTF-8 is UTF-8; else UTF-16 by its NULs; else
/// GB18030 (a superset of GBK, what Chinese Excel writes).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes.get(bom..).unwrap_or_default());
        return text.into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    if looks_utf16_without_bom(&bytes[..bytes.len().min(1024)]) {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(bytes);
        return text.into_owned();
    }
    let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    text.into_owned()
}

fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().take(20).collect::<Vec<_>>().join("\n");
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first.matches(char::from(*d)).count())
        .unwrap_or(b',')
}

fn read_csv(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut cells = 0usize;
    for record in reader.records() {
        let record = record.map_err(damaged)?;
        cells = cells.saturating_add(record.len());
        if cells > MAX_SHEET_CELLS {
            return Err(ImportError::TooManyCells {
                sheet: "CSV".to_string(),
                cells,
                limit: MAX_SHEET_CELLS,
            });
        }
        rows.push(
            record
                .iter()
                .map(|s| {
                    if s.trim().is_empty() {
                        RawCell::Empty
                    } else {
                        RawCell::Text { s: s.to_string() }
                    }
                })
                .collect(),
        );
    }
    Ok(Workbook {
        format: Some(Format::Csv),
        sheets: vec![Sheet {
            name: "CSV".to_string(),
            rows,
            merges: Vec::new(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_is_not_taken_for_utf8() {
        // 指标 in GBK: D6 B8 B1 EA
        let bytes = [0xD6, 0xB8, 0xB1, 0xEA, b',', b'1', b'\r', b'\n'];
        assert_eq!(decode_text(&bytes), "指标,1\r\n");
    }

    #[test]
    fn utf8_bom_is_stripped() {
        assert_eq!(decode_text("\u{feff}序号".as_bytes()), "序号");
    }

    #[test]
    fn pdf_is_named() {
        assert_eq!(
            read_workbook(b"%PDF-1.4 ...").err(),
            Some(ImportError::NotAWorkbook { what: "PDF" })
        );
    }

    #[test]
    fn empty_file_is_empty() {
        assert_eq!(read_workbook(b"").err(), Some(ImportError::Empty));
    }
}
