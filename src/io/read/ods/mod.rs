//! `.ods` packages, read by our own streaming pass over `content.xml` (calamine is not used):
//! the cells as calamine read them, the sheets' merged ranges and each number's format.
//!
//! `styles.xml` (common styles) and `content.xml` (automatic styles, then the sheets) are
//! streamed through quick-xml with their decompressed size bounded. Repeated rows and columns
//! are checked against the limits before they are copied, and an empty repeat only moves the
//! position: a trailing `table:number-columns-repeated="16374"` costs one addition.
//!
//! - `styles`: cell and data styles → Excel-style format codes;
//! - `content`: the sheets (`content.rs` says which of calamine's rules it follows);
//! - `differential` (tests): our reading against calamine's.
//!
//! Nothing here touches the plan.

mod content;
#[cfg(test)]
pub(crate) mod differential;
mod styles;

use crate::error::ImportError;
use crate::pace::Pace;
use crate::table::grid::Sheet;
use quick_xml::events::BytesStart;
use std::io::{Cursor, Read};

/// The most bytes one XML part may decompress to.
pub const MAX_XML_BYTES: u64 = 256 * 1024 * 1024;
/// The most bytes of `META-INF/manifest.xml` read to look for encryption.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

fn zip_error(e: impl std::fmt::Display) -> ImportError {
    ImportError::Damaged {
        detail: format!("zip: {e}"),
    }
}

/// Every sheet of an `.ods` package, in document order, its XML parts bounded by
/// [`MAX_XML_BYTES`]; pauses for `pace` as it reads.
///
/// # Errors
/// [`ImportError::Encrypted`] for an encrypted package, [`ImportError::Damaged`] for a damaged
/// zip or XML or a missing `content.xml`, and the limits' errors.
pub(crate) async fn read_paced<P: Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Vec<Sheet>, ImportError> {
    read_with_limit(bytes, MAX_XML_BYTES, pace).await
}

async fn read_with_limit<P: Pace>(
    bytes: &[u8],
    limit: u64,
    pace: &mut P,
) -> Result<Vec<Sheet>, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    if manifest_is_encrypted(&mut zip)? {
        return Err(ImportError::Encrypted);
    }
    // The styles only give formats: a damaged styles.xml leaves numbers in General.
    let styles = match zip.by_name("styles.xml") {
        Ok(file) => styles::read_styles_part(file, limit).unwrap_or_default(),
        Err(_) => styles::Styles::default(),
    };
    let file = match zip.by_name("content.xml") {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(ImportError::Damaged {
                detail: "the package has no content.xml".to_string(),
            })
        }
        Err(e) => return Err(zip_error(e)),
    };
    let size = file.size();
    content::read_content(file, size, limit, styles, pace).await
}

fn manifest_is_encrypted(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<bool, ImportError> {
    let file = match zip.by_name("META-INF/manifest.xml") {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(false),
        Err(e) => return Err(zip_error(e)),
    };
    let mut text = Vec::new();
    file.take(MAX_MANIFEST_BYTES)
        .read_to_end(&mut text)
        .map_err(zip_error)?;
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
    attr(e, key).map_or(1, |v| content::span(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read::read_workbook;
    use crate::plan::RawCell;
    use crate::table::grid::Merge;
    use calamine::{Reader as _, Xlsx};
    use std::io::Write;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).expect(&path)
    }

    const WANGCHUAN: &str = "wangchuan-city-2016-2020-assessment";

    fn read(bytes: &[u8]) -> Result<Vec<Sheet>, ImportError> {
        crate::pace::finish(read_paced(bytes, &mut crate::pace::Straight))
            .unwrap_or(Err(ImportError::Empty))
    }

    fn wangchuan() -> Sheet {
        let mut sheets = read(&fixture(&format!("{WANGCHUAN}.ods"))).unwrap();
        assert_eq!(sheets.len(), 1);
        let sheet = sheets.remove(0);
        assert_eq!(sheet.name, "考核指标");
        sheet
    }

    /// The format of the number at (r, c), `None` for General or a cell that is no number.
    fn format_at(sheet: &Sheet, r: usize, c: usize) -> Option<String> {
        match sheet.rows.get(r).and_then(|row| row.get(c)) {
            Some(RawCell::Number { format, .. }) => format.as_deref().map(str::to_string),
            _ => None,
        }
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
        let sheet = wangchuan();
        let at = |r, c| format_at(&sheet, r, c);
        // G24/H24 (seq 16): 0.879 and 0.868 shown as 87.9 % and 86.8 %.
        assert_eq!(at(23, 6).as_deref(), Some("0.0%"));
        assert_eq!(at(23, 7).as_deref(), Some("0.0%"));
        // E7:H7 (seq 2) and row 16 (seq 9) use #,##0.
        for c in 4..=7 {
            assert_eq!(at(6, c).as_deref(), Some("#,##0"), "col {c}");
        }
        assert_eq!(at(15, 4).as_deref(), Some("#,##0"));
        // Two decimals, three decimals.
        assert_eq!(at(11, 4).as_deref(), Some("0.00"));
        assert_eq!(at(22, 4).as_deref(), Some("0.000"));
        // The seq column is General; text cells (H19 `—`, 完成) have no format.
        assert_eq!(at(5, 0), None);
        assert_eq!(at(18, 7), None);
    }

    /// The .ods is the .xlsx converted by LibreOffice: every format found must be the one
    /// calamine reports for the same cell of the .xlsx.
    #[test]
    fn wangchuan_formats_agree_with_the_xlsx_twin() {
        let ods = wangchuan();
        let bytes = fixture(&format!("{WANGCHUAN}.xlsx"));
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let styles = wb.worksheet_style("考核指标").unwrap();
        let range = wb.worksheet_range("考核指标").unwrap();
        let mut numeric = 0;
        for (r, c, data) in range.used_cells() {
            let (start_r, start_c) = range.start().unwrap();
            let (r, c) = (start_r + r as u32, start_c + c as u32);
            let found = format_at(&ods, r as usize, c as usize);
            if !matches!(data, calamine::Data::Float(_) | calamine::Data::Int(_)) {
                assert_eq!(found, None, "({r}, {c}) is not a number");
                continue;
            }
            numeric += 1;
            let xlsx = styles
                .get((r, c))
                .and_then(|s| s.number_format.as_ref())
                .map(|n| n.format_code.clone())
                .filter(|code| code != "General");
            assert_eq!(found, xlsx, "({r}, {c})");
        }
        assert!(numeric > 50, "{numeric}");
    }

    pub(super) fn ods_zip(content: &str) -> Vec<u8> {
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

    /// A `content.xml` of one sheet named S holding `rows`.
    fn one_sheet(rows: &str) -> String {
        format!(
            r#"{HEAD}<office:body><office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
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
            <table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1000000"/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="1000"/><table:table-cell table:style-name="ce2" office:value-type="percentage" office:value="0.5" table:number-columns-spanned="2"/><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="3"/><table:table-cell table:number-columns-repeated="1000000"/></table:table-row>
            <table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>
            <table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000000"/></table:table-row>
            </table:table>
            <table:table table:name="S2"><table:table-row><table:table-cell table:style-name="ce1" office:value-type="string"/></table:table-row></table:table>
            </office:spreadsheet></office:body></office:document-content>"#
        );
        let started = std::time::Instant::now();
        let sheets = read(&ods_zip(&content)).unwrap();
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(sheets.len(), 2);
        let s1 = &sheets[0];
        assert_eq!(s1.name, "S1");
        assert_eq!(s1.merges, vec![merge(1000, 1000, 1000, 1001)]);
        assert_eq!(format_at(s1, 1000, 1000).as_deref(), Some("0.00%"));
        // No style on the cell: the column's default cell style applies.
        assert_eq!(format_at(s1, 1000, 1002).as_deref(), Some("#,##0.#"));
        for r in 1001..=1003 {
            assert_eq!(format_at(s1, r, 2).as_deref(), Some("#,##0.#"));
        }
        assert_eq!(s1.rows.len(), 1004);
        assert_eq!(sheets[1].name, "S2");
        assert!(sheets[1].merges.is_empty());
        assert_eq!(sheets[1].text(0, 0), "");
    }

    #[test]
    fn repeated_numeric_cells_are_refused_before_they_are_copied() {
        let content = format!(
            r#"{HEAD}<office:automatic-styles><number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-integer-digits="1"/></number:number-style><style:style style:name="ce1" style:family="table-cell" style:data-style-name="N2"/></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Big"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:style-name="ce1" office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let started = std::time::Instant::now();
        assert!(matches!(
            read(&ods_zip(&content)),
            Err(ImportError::TooManyRows { .. })
        ));
        assert!(started.elapsed().as_secs() < 2);
    }

    /// A long sheet is read in slices: a pause every few thousand XML events, in one pass
    /// whose progress only grows.
    #[test]
    fn a_long_sheet_is_read_in_slices() {
        let row = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="string"><text:p>指标</text:p></table:table-cell></table:table-row>"#;
        let content = one_sheet(&row.repeat(20_000));
        let bytes = ods_zip(&content);
        let (read, suspended) =
            crate::pace::testing::drive(read_paced(&bytes, &mut crate::pace::testing::Suspending));
        let sheets = read.unwrap();
        assert_eq!(sheets[0].rows.len(), 20_000);
        // 20,000 rows of 2 cells: about 160,000 events, a pause every 4,096.
        assert!((30..=60).contains(&suspended), "{suspended} pauses");
    }

    /// `text:s text:c` asks for spaces calamine made one by one: refused past a cell's limit
    /// before they are made.
    #[test]
    fn billions_of_spaces_are_refused_before_they_are_made() {
        let content = one_sheet(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>"#,
        );
        let started = std::time::Instant::now();
        assert!(matches!(
            read(&ods_zip(&content)),
            Err(ImportError::TextTooLong { .. })
        ));
        assert!(started.elapsed().as_secs() < 2);
    }

    /// One cell of many elements is read in slices too (its text so far is kept between them).
    #[test]
    fn a_cell_of_many_elements_is_read_in_slices() {
        let content = one_sheet(&format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell></table:table-row>"#,
            "a<text:s/>".repeat(12_000)
        ));
        let bytes = ods_zip(&content);
        let (read, suspended) =
            crate::pace::testing::drive(read_paced(&bytes, &mut crate::pace::testing::Suspending));
        let sheets = read.unwrap();
        let text = match sheets[0].rows[0].first() {
            Some(RawCell::Text { s }) => s.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(text, "a ".repeat(12_000));
        assert!(suspended >= 4, "{suspended} pauses");
    }

    /// A row repeated no times still may not gather billions of merges (its cells' spans
    /// repeated), nor may one huge text node be copied whole before it is refused.
    #[test]
    fn what_a_row_or_a_text_node_asks_for_is_bounded() {
        let merges = one_sheet(
            r#"<table:table-row table:number-rows-repeated="0"><table:table-cell table:number-columns-spanned="2" table:number-columns-repeated="4000000000"/></table:table-row>"#,
        );
        assert!(matches!(
            read(&ods_zip(&merges)),
            Err(ImportError::TooManyMerges { .. })
        ));
        let long = one_sheet(&format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell></table:table-row>"#,
            "指".repeat(1 << 20)
        ));
        assert!(matches!(
            read(&ods_zip(&long)),
            Err(ImportError::TextTooLong { .. })
        ));
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
        assert_eq!(read(&bytes), Err(ImportError::Encrypted));
    }

    #[test]
    fn decompressed_size_is_bounded() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        let read = crate::pace::finish(read_with_limit(&bytes, 10_000, &mut crate::pace::Straight));
        assert!(matches!(
            read,
            Some(Err(ImportError::UnpacksTooLarge { .. }))
        ));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(read(b"").is_err());
        assert!(read(b"PK\x03\x04 not really a zip").is_err());
        let noise: Vec<u8> = (0..10_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(read(&noise).is_err());
        assert_eq!(
            read(&ods_zip(&format!("{HEAD}<office:body><office:spreadsheet><table:table table:name=\"x\"><table:table-row>"))),
            Err(ImportError::Damaged {
                detail: "content.xml: unexpected end of the document".to_string()
            })
        );
    }

    #[test]
    fn truncated_files_are_errors_and_never_panic() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        for len in (0..bytes.len()).step_by(61) {
            assert!(read_workbook(&bytes[..len]).is_err(), "{len} bytes");
        }
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        for i in (0..bytes.len()).step_by(53) {
            for value in [0x00, 0xFF, 0x7F] {
                let mut damaged = bytes.clone();
                damaged[i] = value;
                let _ = read_workbook(&damaged);
            }
        }
    }
}
