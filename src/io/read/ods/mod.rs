//! `.ods` packages: what calamine does not expose (merged ranges and number formats) and
//! what calamine will build, measured before it does.
//!
//! `styles.xml` (common styles) and `content.xml` (automatic styles, then the sheets) are
//! streamed through quick-xml with their decompressed size bounded. Repeated rows and columns
//! only advance positions: nothing is materialised for an empty repeat, so a trailing
//! `table:number-columns-repeated="16374"` costs one addition.
//!
//! - `styles`: cell and data styles → Excel-style format codes;
//! - `content`: the sheets' merged ranges and the format of each numeric cell;
//! - `extent`: each sheet's extent, cells and text as calamine would build them.
//!
//! Nothing here touches the grid's cells or the plan.

mod content;
mod extent;
mod styles;

pub use extent::{sheet_extents, OdsExtent};

use crate::table::grid::Merge;
use content::parse_part;
use quick_xml::events::BytesStart;
use std::collections::HashMap;
use std::fmt;
use std::io::{Cursor, Read};
use styles::Styles;

/// The most bytes one XML part may decompress to.
pub const MAX_XML_BYTES: u64 = 256 * 1024 * 1024;
/// The most bytes of `META-INF/manifest.xml` read to look for encryption.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// The merges and number formats of one sheet (`table:table`) of an `.ods`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OdsSheetExtra {
    /// The sheet's `table:name`.
    pub name: String,
    /// Merged ranges (`table:number-columns-spanned` / `table:number-rows-spanned`), 0-based.
    pub merges: Vec<Merge>,
    /// 0-based (row, col) of each numeric cell (float, percentage, currency) → its number
    /// format as an Excel-style code (`"0.0%"`, `"#,##0"`, `"0.00"` …); General is left out.
    pub formats: HashMap<(u32, u32), String>,
}

/// Why the extras of an `.ods` could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OdsExtraError {
    /// The zip container could not be read; the text is the zip reader's message.
    Zip(String),
    /// The package has no `content.xml`.
    NoContent,
    /// The package is encrypted (the manifest has `manifest:encryption-data`).
    Encrypted,
    /// An XML part decompresses to more than `limit` bytes.
    TooLarge {
        /// The part's name.
        part: &'static str,
        /// The limit in bytes.
        limit: u64,
    },
    /// A sheet has more formatted cells and merges than [`crate::io::limits::MAX_TRACKED_CELLS`] (or more than
    /// [`crate::io::limits::MAX_CODE_BYTES`] of codes).
    TooManyCells {
        /// The sheet's name.
        sheet: String,
    },
    /// An XML part is nested deeper than [`crate::io::limits::MAX_XML_DEPTH`].
    TooDeep {
        /// The part's name.
        part: &'static str,
    },
    /// An XML part is not well-formed; the text is the parser's message.
    Xml {
        /// The part's name.
        part: &'static str,
        /// The parser's message.
        detail: String,
    },
}

impl fmt::Display for OdsExtraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Zip(e) => write!(f, "zip: {e}"),
            Self::NoContent => write!(f, "no content.xml"),
            Self::Encrypted => write!(f, "the document is encrypted"),
            Self::TooLarge { part, limit } => write!(f, "{part} is larger than {limit} bytes"),
            Self::TooManyCells { sheet } => {
                write!(f, "sheet {sheet}: too many formatted cells")
            }
            Self::TooDeep { part } => write!(f, "{part} is nested too deep"),
            Self::Xml { part, detail } => write!(f, "{part}: {detail}"),
        }
    }
}

impl std::error::Error for OdsExtraError {}

impl From<OdsExtraError> for crate::error::ImportError {
    fn from(e: OdsExtraError) -> Self {
        match e {
            OdsExtraError::Encrypted => Self::Encrypted,
            OdsExtraError::TooDeep { part } => Self::TooDeep {
                part: part.to_string(),
                limit: crate::io::limits::MAX_XML_DEPTH,
            },
            OdsExtraError::TooLarge { part, limit } => Self::UnpacksTooLarge {
                part: part.to_string(),
                size: limit,
                limit,
            },
            other => Self::Damaged {
                detail: other.to_string(),
            },
        }
    }
}

/// The merged ranges and number formats of every sheet of an `.ods`, in document order (the
/// same order and names as calamine's `sheet_names`).
///
/// # Errors
/// [`OdsExtraError`] when the zip or XML is damaged, a part is larger than [`MAX_XML_BYTES`],
/// a sheet has more than [`crate::io::limits::MAX_TRACKED_CELLS`] formatted cells, or the package is encrypted.
pub fn sheet_extras(bytes: &[u8]) -> Result<Vec<OdsSheetExtra>, OdsExtraError> {
    extras_with_limit(bytes, MAX_XML_BYTES)
}

fn extras_with_limit(bytes: &[u8], limit: u64) -> Result<Vec<OdsSheetExtra>, OdsExtraError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OdsExtraError::Zip(e.to_string()))?;
    if manifest_is_encrypted(&mut zip)? {
        return Err(OdsExtraError::Encrypted);
    }
    let mut styles = Styles::default();
    match zip.by_name("styles.xml") {
        Ok(file) => parse_part(file, "styles.xml", limit, &mut styles, None)?,
        Err(zip::result::ZipError::FileNotFound) => {}
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    }
    let mut sheets = Vec::new();
    match zip.by_name("content.xml") {
        Ok(file) => parse_part(file, "content.xml", limit, &mut styles, Some(&mut sheets))?,
        Err(zip::result::ZipError::FileNotFound) => return Err(OdsExtraError::NoContent),
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    }
    Ok(sheets)
}

pub(super) fn manifest_is_encrypted(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
) -> Result<bool, OdsExtraError> {
    let file = match zip.by_name("META-INF/manifest.xml") {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(false),
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    };
    let mut text = Vec::new();
    file.take(MAX_MANIFEST_BYTES)
        .read_to_end(&mut text)
        .map_err(|e| OdsExtraError::Zip(e.to_string()))?;
    let needle = b"encryption-data";
    Ok(text.windows(needle.len()).any(|w| w == needle))
}

// ---------------------------------------------------------------------------------------------
// A reader that fails once more than a limit has been read (decompression bombs).

pub(super) struct Limited<R> {
    pub(super) inner: R,
    pub(super) left: u64,
    pub(super) exceeded: bool,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = usize::try_from(self.left.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        let n64 = n as u64;
        if n64 > self.left {
            self.exceeded = true;
            return Err(std::io::Error::other("decompressed size limit"));
        }
        self.left -= n64;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------------
// XML.

pub(super) use super::xml_attr as attr;

pub(super) fn attr_u32(e: &BytesStart<'_>, key: &str) -> Option<u32> {
    attr(e, key)?.trim().parse().ok()
}

/// A repeat or span count: at least 1; absurd values are kept (positions are u64) but never
/// iterated over unless the cells are tracked.
pub(super) fn attr_count(e: &BytesStart<'_>, key: &str) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, u64::from(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader as _, Xlsx};
    use std::io::Write;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).expect(&path)
    }

    const WANGCHUAN: &str = "wangchuan-city-2016-2020-assessment";

    fn wangchuan() -> OdsSheetExtra {
        let mut sheets = sheet_extras(&fixture(&format!("{WANGCHUAN}.ods"))).unwrap();
        assert_eq!(sheets.len(), 1);
        let sheet = sheets.remove(0);
        assert_eq!(sheet.name, "考核指标");
        sheet
    }

    fn merge(first_row: u32, first_col: u32, last_row: u32, last_col: u32) -> Merge {
        Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        }
    }

    #[test]
    fn wangchuan_merges_are_read() {
        let merges = wangchuan().merges;
        for m in [
            merge(0, 0, 0, 9), // A1:J1 title
            merge(1, 0, 1, 9), // A2:J2
            merge(2, 0, 3, 0), // A3:A4 序号
            merge(2, 1, 3, 1), // B3:B4
            merge(2, 2, 3, 2), // C3:C4
            merge(2, 3, 3, 3), // D3:D4 权重
            merge(2, 6, 2, 7), // G3:H3 实际完成值
            merge(2, 8, 3, 8), // I3:I4
            merge(2, 9, 3, 9), // J3:J4
            merge(4, 0, 4, 9), // A5:J5 一、经济发展
            merge(10, 0, 10, 9),
            merge(14, 0, 14, 9),
            merge(21, 0, 21, 9),
        ] {
            assert!(merges.contains(&m), "{m:?} missing from {merges:?}");
        }
        // E3 and F3 are single cells over E4 and F4, and no merge reaches the repeated tail.
        assert!(!merges.iter().any(|m| m.contains(2, 4) || m.contains(2, 5)));
        assert!(merges.iter().all(|m| m.last_col <= 9));
    }

    #[test]
    fn wangchuan_number_formats_are_read() {
        let f = wangchuan().formats;
        let at = |r, c| f.get(&(r, c)).map(String::as_str);
        // G24/H24 (seq 16): 0.879 and 0.868 shown as 87.9 % and 86.8 %.
        assert_eq!(at(23, 6), Some("0.0%"));
        assert_eq!(at(23, 7), Some("0.0%"));
        // E7:H7 (seq 2) and row 16 (seq 9) use #,##0.
        for c in 4..=7 {
            assert_eq!(at(6, c), Some("#,##0"), "col {c}");
        }
        assert_eq!(at(15, 4), Some("#,##0"));
        // Two decimals, three decimals.
        assert_eq!(at(11, 4), Some("0.00"));
        assert_eq!(at(22, 4), Some("0.000"));
        // The seq column is General; text cells (H19 `—`, 完成) have no format.
        assert_eq!(at(5, 0), None);
        assert_eq!(at(18, 7), None);
    }

    /// The .ods is the .xlsx converted by LibreOffice: every format found must be the one
    /// calamine reports for the same cell of the .xlsx.
    #[test]
    fn wangchuan_formats_agree_with_the_xlsx_twin() {
        let ods = wangchuan().formats;
        let bytes = fixture(&format!("{WANGCHUAN}.xlsx"));
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let styles = wb.worksheet_style("考核指标").unwrap();
        let range = wb.worksheet_range("考核指标").unwrap();
        let mut numeric = 0;
        for (r, c, data) in range.used_cells() {
            let (start_r, start_c) = range.start().unwrap();
            let (r, c) = (start_r + r as u32, start_c + c as u32);
            if !matches!(data, calamine::Data::Float(_) | calamine::Data::Int(_)) {
                assert_eq!(ods.get(&(r, c)), None, "({r}, {c}) is not a number");
                continue;
            }
            numeric += 1;
            let xlsx = styles
                .get((r, c))
                .and_then(|s| s.number_format.as_ref())
                .map(|n| n.format_code.clone())
                .filter(|code| code != "General");
            assert_eq!(ods.get(&(r, c)), xlsx.as_ref(), "({r}, {c})");
        }
        assert!(numeric > 50, "{numeric}");
    }

    fn ods_zip(content: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", options).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0">"#;

    #[test]
    fn huge_empty_repeats_only_move_positions() {
        let content = format!(
            r#"{HEAD}<office:automatic-styles>
            <number:percentage-style style:name="P1"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
            <number:number-style style:name="N3"><number:number number:decimal-places="1" number:min-decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
            <style:style style:name="ce1" style:family="table-cell" style:data-style-name="P1"/>
            <style:style style:name="ce2" style:family="table-cell" style:parent-style-name="ce1"/>
            <style:style style:name="ce3" style:family="table-cell" style:data-style-name="N3"/>
            </office:automatic-styles><office:body><office:spreadsheet>
            <table:table table:name="S1">
            <table:table-column table:number-columns-repeated="2"/>
            <table:table-column table:default-cell-style-name="ce3" table:number-columns-repeated="2000000"/>
            <table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000000"/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="1000000"/><table:table-cell table:style-name="ce2" office:value-type="percentage" office:value="0.5" table:number-columns-spanned="2"/><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="3"/><table:table-cell table:number-columns-repeated="1000000"/></table:table-row>
            <table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>
            </table:table>
            <table:table table:name="S2"><table:table-row><table:table-cell table:style-name="ce1" office:value-type="string"/></table:table-row></table:table>
            </office:spreadsheet></office:body></office:document-content>"#
        );
        let started = std::time::Instant::now();
        let sheets = sheet_extras(&ods_zip(&content)).unwrap();
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(sheets.len(), 2);
        let s1 = &sheets[0];
        assert_eq!(s1.name, "S1");
        assert_eq!(
            s1.merges,
            vec![merge(1_000_000, 1_000_000, 1_000_000, 1_000_001)]
        );
        assert_eq!(
            s1.formats.get(&(1_000_000, 1_000_000)).map(String::as_str),
            Some("0.00%")
        );
        // No style on the cell: the column's default cell style applies.
        assert_eq!(
            s1.formats.get(&(1_000_000, 1_000_002)).map(String::as_str),
            Some("#,##0.#")
        );
        for r in 1_000_001..=1_000_003 {
            assert_eq!(s1.formats.get(&(r, 2)).map(String::as_str), Some("#,##0.#"));
        }
        assert_eq!(s1.formats.len(), 5);
        assert_eq!(sheets[1].name, "S2");
        assert!(sheets[1].formats.is_empty() && sheets[1].merges.is_empty());
    }

    #[test]
    fn repeated_numeric_cells_are_capped() {
        let content = format!(
            r#"{HEAD}<office:automatic-styles><number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-integer-digits="1"/></number:number-style><style:style style:name="ce1" style:family="table-cell" style:data-style-name="N2"/></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Big"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:style-name="ce1" office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        assert_eq!(
            sheet_extras(&ods_zip(&content)),
            Err(OdsExtraError::TooManyCells {
                sheet: "Big".to_string()
            })
        );
    }

    #[test]
    fn encrypted_package_is_encrypted() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("META-INF/manifest.xml", options).unwrap();
        zip.write_all(b"<manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data/></manifest:file-entry>")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        zip.write_all(b"\x93\x12 not XML").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(sheet_extras(&bytes), Err(OdsExtraError::Encrypted));
    }

    #[test]
    fn decompressed_size_is_bounded() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        assert!(matches!(
            extras_with_limit(&bytes, 10_000),
            Err(OdsExtraError::TooLarge { .. })
        ));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(sheet_extras(b"").is_err());
        assert!(sheet_extras(b"PK\x03\x04 not really a zip").is_err());
        let noise: Vec<u8> = (0..10_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(sheet_extras(&noise).is_err());
        assert_eq!(
            sheet_extras(&ods_zip(&format!("{HEAD}<office:body><office:spreadsheet><table:table table:name=\"x\"><table:table-row>"))),
            Err(OdsExtraError::Xml {
                part: "content.xml",
                detail: "unexpected end of the document".to_string()
            })
        );
    }

    #[test]
    fn truncated_files_are_errors_and_never_panic() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        for len in (0..bytes.len()).step_by(61) {
            assert!(sheet_extras(&bytes[..len]).is_err(), "{len} bytes");
        }
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        for i in (0..bytes.len()).step_by(53) {
            for value in [0x00, 0xFF, 0x7F] {
                let mut damaged = bytes.clone();
                damaged[i] = value;
                let _ = sheet_extras(&damaged);
            }
        }
    }
}
