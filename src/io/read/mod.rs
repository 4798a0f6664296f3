//! Bytes → [`Workbook`]: the format is detected from the bytes, never from the file name.
//!
//! `.xlsx`, `.ods` and `.xls` are read by our own passes over their XML and records
//! ([`ods`], [`xls`], `xlsx`: each checked against calamine's reading in the tests); CSV text in UTF-8 (with or without BOM),
//! UTF-16 or GBK/GB18030 goes through `encoding_rs` and the `csv` crate. Sizes are bounded
//! before anything is handed to a parser.
//!
//! Readers only read: what a sheet means is [`crate::table`]'s to decide (readers produce its
//! grid and style types), and nothing here writes a file or touches `crate::ui`.

use super::limits::{self, Budget};
use crate::error::ImportError;
#[cfg(test)]
use crate::pace::STEP;
use crate::pace::{self, Pace, Stage};
use crate::plan::RawCell;
use crate::table::grid::{Format, Merge, Sheet, Workbook};
#[cfg(test)]
use crate::table::style::SheetStyle;
use calamine::DataRef;
#[cfg(test)]
use calamine::{Data, Range, Reader};
#[cfg(test)]
use std::io::Cursor;
use std::sync::Arc;

pub use super::limits::{MAX_FILE_BYTES, MAX_SHEETS, MAX_SHEET_CELLS};

mod csv;
mod html;
pub mod ods;
mod sniff;
pub mod xls;
mod xlsb;
mod xlsx;

/// What the readers' tests share.
#[cfg(test)]
mod testing {
    /// A small xorshift generator: a generated corpus is the same on every run.
    pub struct Rng(pub u64);

    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// A number below `n` (0 when `n` is 0).
        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }

        /// True `percent` times in a hundred.
        pub fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }

        /// One of `items` (not empty).
        pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len() as u64) as usize]
        }
    }

    /// Our reading and the reference's of one file: both failed (`None`), or both read (their
    /// results); one failing alone fails the test.
    pub fn both<A, B, E: std::fmt::Debug, F: std::fmt::Debug>(
        ours: Result<A, E>,
        theirs: Result<B, F>,
        what: &str,
    ) -> Option<(A, B)> {
        match (ours, theirs) {
            (Ok(a), Ok(b)) => Some((a, b)),
            (Err(_), Err(_)) => None,
            (a, b) => panic!(
                "{what}: ours {:?}, reference {:?}",
                a.map(|_| ()),
                b.map(|_| ())
            ),
        }
    }

    /// Asserts that two readings of a sheet hold the same cells — numbers by their bits (NaN is
    /// not equal to itself), with their format codes when `formats` — and returns how many cells
    /// are not empty.
    pub fn same_cells(
        x: &crate::table::grid::Sheet,
        y: &crate::table::grid::Sheet,
        what: &str,
        formats: bool,
    ) -> usize {
        use crate::plan::RawCell;
        let mut held = 0;
        let height = x.rows.len().max(y.rows.len());
        for r in 0..height {
            let (xr, yr) = (x.rows.get(r), y.rows.get(r));
            let width = xr.map_or(0, Vec::len).max(yr.map_or(0, Vec::len));
            for c in 0..width {
                let cell = |row: Option<&Vec<RawCell>>| {
                    row.and_then(|r| r.get(c)).cloned().unwrap_or_default()
                };
                let (a, b) = (cell(xr), cell(yr));
                let equal = match (&a, &b) {
                    (RawCell::Number { n: p, format: f }, RawCell::Number { n: q, format: g }) => {
                        p.to_bits() == q.to_bits() && (!formats || f == g)
                    }
                    _ => a == b,
                };
                assert!(
                    equal,
                    "{what}: {} ({r}, {c}): ours {a:?}, reference {b:?}",
                    x.name
                );
                held += usize::from(a != RawCell::Empty);
            }
        }
        held
    }
}
mod xml2003;

/// The character an XML entity or character reference stands for (`&amp;`, `&#26576;`), for the
/// readers that walk XML events themselves (xlsx look, ods, SpreadsheetML 2003).
fn entity_char(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    xlsx::scan::resolve(r)
}

/// An XML attribute's value, unescaped, for the same readers: a prefixed `name`
/// (`table:name`) matches the key in full, a bare one (`Index`) the local name whatever its
/// prefix (`ss:Index`).
fn xml_attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    let prefixed = name.contains(':');
    e.attributes()
        .flatten()
        .find(|a| {
            let key = if prefixed {
                a.key.as_ref()
            } else {
                a.key.local_name().into_inner()
            };
            key == name
        })
        .and_then(|a| xml_value(&a))
}

/// An attribute's value with its entities and character references resolved.
fn xml_value(a: &quick_xml::events::attributes::Attribute<'_>) -> Option<String> {
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

pub use html::decode_html;

use super::limits::MAX_CODE_CHARS;
pub use csv::decode_text;
use sniff::{sniff, Sniffed};

/// Reads a workbook from its bytes.
///
/// Every limit of [`super::limits`] is checked before and while the bytes are parsed, so a
/// damaged, huge or hostile file gets its error quickly and with bounded memory.
///
/// # Errors
/// [`ImportError`] when the bytes are empty, too large, encrypted, not a spreadsheet, damaged,
/// or over one of the limits.
pub fn read_workbook(bytes: &[u8]) -> Result<Workbook, ImportError> {
    pace::finish(read_workbook_paced(bytes, &mut pace::Straight)).unwrap_or_else(|| {
        Err(ImportError::Damaged {
            detail: "the reader waited without a pace".to_string(),
        })
    })
}

/// [`read_workbook`], reporting progress to `pace` every [`crate::pace::STEP`] cells and awaiting it.
///
/// # Errors
/// As [`read_workbook`].
pub async fn read_workbook_paced<P: Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Workbook, ImportError> {
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
        Sniffed::Zip => read_zip(bytes, pace).await,
        Sniffed::Cfb => read_cfb(bytes, pace).await,
        Sniffed::Text => csv::read_csv(bytes, pace).await,
        Sniffed::Html => html::read_html(bytes, pace).await,
        Sniffed::Xml2003 => xml2003::read_xml2003(bytes, pace).await,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn damaged(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Damaged {
        detail: detail.to_string(),
    }
}

async fn read_zip<P: Pace>(bytes: &[u8], pace: &mut P) -> Result<Workbook, ImportError> {
    let head = &bytes[..bytes.len().min(256)];
    if find(head, b"mimetype") && find(head, b"opendocument.spreadsheet") {
        return read_ods(bytes, pace).await;
    }
    if find(head, b"mimetype") && find(head, b"opendocument") {
        return Err(ImportError::NotAWorkbook {
            what: "OpenDocument",
        });
    }
    // An .ods whose `mimetype` entry is compressed, not first or missing: told by its parts.
    match sniff::opendocument_kind(bytes) {
        Some(true) => return read_ods(bytes, pace).await,
        Some(false) => {
            return Err(ImportError::NotAWorkbook {
                what: "OpenDocument",
            })
        }
        None => {}
    }
    if find(bytes, b"word/document.xml") {
        return Err(ImportError::NotAWorkbook { what: "Word" });
    }
    if find(bytes, b"ppt/presentation.xml") {
        return Err(ImportError::NotAWorkbook { what: "PowerPoint" });
    }
    if xlsb::is_xlsb(bytes) {
        return xlsb::read_xlsb(bytes, pace).await;
    }
    xlsx::read_paced(bytes, pace).await
}

/// The OpenDocument spreadsheet `mimetype`, as calamine expects it (exactly these bytes).
#[cfg(test)]
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// An .ods whose `mimetype` entry is missing or not exactly what calamine expects (it refuses
/// the package then): the same package with a right `mimetype` first, the other parts copied
/// still compressed. `None` when the entry is right. Call [`limits::check_zip`] first. For
/// calamine's reading in the tests (ours does not look at the `mimetype`).
#[cfg(test)]
fn with_ods_mimetype(bytes: &[u8]) -> Result<Option<Vec<u8>>, ImportError> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if let Ok(file) = zip.by_name("mimetype") {
        let mut head = Vec::new();
        file.take(ODS_MIMETYPE.len() as u64)
            .read_to_end(&mut head)
            .map_err(damaged)?;
        if head == ODS_MIMETYPE {
            return Ok(None);
        }
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + 128)));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).map_err(damaged)?;
    std::io::Write::write_all(&mut out, ODS_MIMETYPE).map_err(damaged)?;
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(damaged)?;
        if file.name().ok().as_deref() == Some("mimetype") {
            continue;
        }
        out.raw_copy_file(file).map_err(damaged)?;
    }
    Ok(Some(out.finish().map_err(damaged)?.into_inner()))
}

async fn read_cfb<P: Pace>(bytes: &[u8], pace: &mut P) -> Result<Workbook, ImportError> {
    if find(bytes, &utf16le("EncryptedPackage")) || find(bytes, &utf16le("EncryptionInfo")) {
        return Err(ImportError::Encrypted);
    }
    // The workbook stream decides: an .xls may hold a Word document or another OLE object
    // (in its own storage), and is still a workbook.
    match read_xls(bytes, pace).await {
        Err(ImportError::NoWorkbookStream) => {
            if find(bytes, &utf16le("WordDocument")) {
                Err(ImportError::NotAWorkbook { what: "Word" })
            } else if find(bytes, &utf16le("PowerPoint Document")) {
                Err(ImportError::NotAWorkbook { what: "PowerPoint" })
            } else {
                Err(ImportError::NoWorkbookStream)
            }
        }
        other => other,
    }
}

/// A sheet being read: cells are placed as they come, each checked against the limits first.
///
/// The limits count the cells the sheet holds (the cells allocated in its rows), not its extent:
/// a few cells at A1 and IV65536 are a few cells on two rows.
struct SheetBuilder<'b> {
    name: String,
    rows: Vec<Vec<RawCell>>,
    /// Rows and columns from A1 that the cells so far span.
    height: usize,
    width: usize,
    /// Cells allocated in the rows (their capacity).
    held: usize,
    budget: &'b mut Budget,
}

/// A new row takes the sheet's width at once when the sheet is at most this wide (growing it
/// cell by cell would reallocate it several times); a wider, sparse sheet grows each row to its
/// own last cell.
const RESERVE_WIDTH: usize = 256;

impl<'b> SheetBuilder<'b> {
    fn new(name: String, budget: &'b mut Budget) -> Self {
        Self {
            name,
            rows: Vec::new(),
            height: 0,
            width: 0,
            held: 0,
            budget,
        }
    }

    /// Places a cell at 0-based (row, col), after checking the sheet's rows and columns, the
    /// cells it and the workbook hold, and the text.
    fn put(&mut self, row: usize, col: usize, cell: RawCell) -> Result<(), ImportError> {
        let height = self.height.max(row.saturating_add(1));
        let width = self.width.max(col.saturating_add(1));
        limits::check_dimensions(&self.name, height, width)?;
        match &cell {
            RawCell::Empty => return Ok(()),
            RawCell::Text { s } => self.budget.add_text(&self.name, s, 1)?,
            RawCell::Number { format, .. } => {
                self.budget
                    .add_bytes(format.as_deref().map_or(0, str::len))?;
            }
        }
        // The row's capacity after this cell, counted before it is allocated.
        let (len, capacity) = self
            .rows
            .get(row)
            .map_or((0, 0), |r| (r.len(), r.capacity()));
        let wanted = if col < len {
            capacity
        } else if capacity == 0 && width <= RESERVE_WIDTH {
            width.max(col + 1)
        } else if col < capacity {
            capacity
        } else {
            capacity.saturating_mul(2).max(col + 1)
        };
        let held = self.held.saturating_add(wanted - capacity);
        limits::check_held(&self.name, held)?;
        self.budget.check_cells(held)?;
        self.height = height;
        self.width = width;
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        if let Some(cells) = self.rows.get_mut(row) {
            if cells.len() <= col {
                if wanted > cells.capacity() {
                    cells.reserve_exact(wanted - cells.len());
                }
                cells.resize(col + 1, RawCell::Empty);
            }
            if let Some(slot) = cells.get_mut(col) {
                *slot = cell;
            }
            self.held = self.held.saturating_add(cells.capacity() - capacity);
        }
        Ok(())
    }

    /// A copy of the first `count` rows read so far, without merges (a first screen's sheet).
    fn first_rows(&self, count: usize) -> Sheet {
        Sheet {
            name: self.name.clone(),
            rows: self.rows.iter().take(count).cloned().collect(),
            merges: Vec::new(),
        }
    }

    fn finish(self, merges: Vec<Merge>) -> Result<Sheet, ImportError> {
        limits::check_merges(&self.name, merges.len())?;
        self.budget.add_sheet(self.held)?;
        Ok(Sheet {
            name: self.name,
            rows: self.rows,
            merges,
        })
    }
}

/// A streamed calamine cell as ours (`None` when empty); `format` gives a number's format code
/// and is asked only for numbers.
fn raw_cell(value: &DataRef<'_>, mut format: impl FnMut() -> Option<Arc<str>>) -> Option<RawCell> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => RawCell::Text {
            s: s.as_str().into(),
        },
        DataRef::SharedString(s) => RawCell::Text { s: (*s).into() },
        DataRef::Float(n) => RawCell::Number {
            n: *n,
            format: format(),
        },
        DataRef::Int(i) => RawCell::Number {
            n: *i as f64,
            format: format(),
        },
        DataRef::Bool(b) => RawCell::Text {
            s: if *b { "TRUE" } else { "FALSE" }.into(),
        },
        DataRef::DateTime(d) => RawCell::Number {
            n: d.as_f64(),
            format: format(),
        },
        DataRef::Error(e) => RawCell::Text {
            s: e.to_string().into(),
        },
    })
}

/// Merged ranges as the grid keeps them: first ≤ last in both directions, whatever order the
/// file wrote them in (an inverted range made header detection subtract with overflow; found by
/// fuzzing).
#[cfg(test)]
fn merges_of(dims: &[calamine::Dimensions]) -> Vec<Merge> {
    dims.iter()
        .map(|d| Merge {
            first_row: d.start.0.min(d.end.0),
            first_col: d.start.1.min(d.end.1),
            last_row: d.start.0.max(d.end.0),
            last_col: d.start.1.max(d.end.1),
        })
        .collect()
}

/// A format code as a cell keeps it: `None` when it is longer than Excel allows.
fn code(format: &str) -> Option<Arc<str>> {
    (format.len() <= MAX_CODE_CHARS * 4 && format.chars().count() <= MAX_CODE_CHARS)
        .then(|| Arc::from(format))
}

/// .xls: the cells are read in the same walk over the BIFF records that checks them against
/// the limits and reads their number formats and look ([`xls::read_paced`]): the file is read
/// once, and no second copy of the workbook (calamine's) is held while the sheet is built.
async fn read_xls<P: Pace>(bytes: &[u8], pace: &mut P) -> Result<Workbook, ImportError> {
    let xls::Read {
        sheets: read,
        looks,
    } = xls::read_paced(bytes, pace).await?;
    pace.step(Stage::Read, 0.0).await;
    checked_names(read.iter().map(|(n, _)| n.clone()).collect())?;
    // The walk checked every limit as it placed the cells: the sheets are taken as they are.
    let sheets = read
        .into_iter()
        .map(|(name, cells)| Sheet {
            name,
            rows: cells.rows,
            merges: cells.merges,
        })
        .collect();
    pace.step(Stage::Read, 1.0).await;
    let styles = looks
        .into_iter()
        .map(|l| Some(l).filter(|l| !l.is_empty()))
        .collect();
    Ok(Workbook {
        format: Some(Format::Xls),
        sheets,
        styles,
    })
}

/// [`read_xls`] as it was: calamine reads the compound file rebuilt from the checked records.
/// The reference the walk's own cells are compared with (tests only).
#[cfg(test)]
fn read_xls_calamine(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let xls::Checked {
        file,
        codes,
        sheets: mut formats,
        looks,
    } = xls::checked_with_formats(bytes)?;
    use calamine::Xls;
    let formats_names: Vec<String> = formats.iter().map(|(n, _)| n.clone()).collect();
    let mut wb: Xls<_> = Xls::new(Cursor::new(file.as_slice())).map_err(|e| match e {
        calamine::XlsError::Password => ImportError::XlsProtected,
        other => damaged(other),
    })?;
    let names = checked_names(wb.sheet_names())?;
    let mut budget = Budget::default();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(damaged)?;
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let sheet_formats = formats
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| formats.swap_remove(i).1)
            .unwrap_or_default();
        let sheet = pace::finish(to_sheet(
            name,
            range,
            &mut budget,
            &mut pace::Straight,
            |p| p,
            |r, c| sheet_formats.get(r, c, &codes),
        ))
        .ok_or_else(|| damaged("waited"))??;
        sheets.push(sheet.finish(merges_of(&merges))?);
    }
    let mut looks: Vec<(String, SheetStyle)> = formats_names.into_iter().zip(looks).collect();
    let styles = sheets
        .iter()
        .map(|s| {
            let at = looks.iter().position(|(n, _)| *n == s.name)?;
            Some(looks.swap_remove(at).1).filter(|l| !l.is_empty())
        })
        .collect();
    Ok(Workbook {
        format: Some(Format::Xls),
        sheets,
        styles,
    })
}

/// .ods: the zip container is checked, then `content.xml` is read in one streaming pass
/// ([`ods::read_paced`]) that checks every limit before it places or copies a cell.
async fn read_ods<P: Pace>(bytes: &[u8], pace: &mut P) -> Result<Workbook, ImportError> {
    limits::check_zip(bytes)?;
    pace.step(Stage::Read, 0.0).await;
    let sheets = ods::read_paced(bytes, pace).await?;
    pace.step(Stage::Read, 1.0).await;
    Ok(Workbook {
        format: Some(Format::Ods),
        sheets,
        styles: Vec::new(),
    })
}

fn checked_names(names: Vec<String>) -> Result<Vec<String>, ImportError> {
    if names.len() > MAX_SHEETS {
        return Err(ImportError::TooManySheets {
            sheets: names.len(),
            limit: MAX_SHEETS,
        });
    }
    Ok(names)
}

/// A calamine range (whose size was checked before calamine built it) as a sheet; its texts
/// are moved into the sheet, not copied. calamine's readings in the tests.
#[cfg(test)]
async fn to_sheet<'b, P: Pace>(
    name: String,
    mut range: Range<Data>,
    budget: &'b mut Budget,
    pace: &mut P,
    progress: impl Fn(f64) -> f64,
    format_of: impl Fn(u32, u32) -> Option<Arc<str>>,
) -> Result<SheetBuilder<'b>, ImportError> {
    let mut sheet = SheetBuilder::new(name, budget);
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let height = range.height();
    let rows = height.max(1) as f64;
    let mut used = 0usize;
    for r in 0..height {
        // `r` is below the range's height, so the row exists.
        let cells: &mut [Data] = &mut range[r];
        for (c, data) in cells.iter_mut().enumerate() {
            let (row, col) = (r0 as usize + r, c0 as usize + c);
            let cell = match std::mem::take(data) {
                Data::Empty => continue,
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    RawCell::Text { s: s.into() }
                }
                Data::Float(n) => RawCell::Number {
                    n,
                    format: format_of(row as u32, col as u32),
                },
                Data::Int(i) => RawCell::Number {
                    n: i as f64,
                    format: format_of(row as u32, col as u32),
                },
                Data::Bool(b) => RawCell::Text {
                    s: if b { "TRUE" } else { "FALSE" }.into(),
                },
                Data::DateTime(d) => RawCell::Number {
                    n: d.as_f64(),
                    format: format_of(row as u32, col as u32),
                },
                Data::Error(e) => RawCell::Text {
                    s: e.to_string().into(),
                },
            };
            used += 1;
            if used.is_multiple_of(STEP) {
                pace.step(Stage::Read, progress(r as f64 / rows)).await;
            }
            sheet.put(row, col, cell)?;
        }
    }
    Ok(sheet)
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
    fn utf16_without_a_bom_is_told_by_its_nuls() {
        let text = "序号,指标名称\r\n1,GDP\r\n";
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_text(&be), text);
        assert_eq!(decode_text(&le), text);
        let wb = read_workbook(&be).unwrap_or_default();
        assert_eq!(wb.sheets[0].text(1, 1), "GDP");
    }

    #[test]
    fn raw_excel_4_is_named() {
        let biff4 = [
            0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0A, 0x00,
        ];
        assert_eq!(
            read_workbook(&biff4).err(),
            Some(ImportError::OldExcel {
                version: "Excel 4.0"
            })
        );
        let biff3 = [0x09, 0x02, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00];
        assert_eq!(
            read_workbook(&biff3).err(),
            Some(ImportError::OldExcel {
                version: "Excel 3.0"
            })
        );
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
