//! What calamine will build from `content.xml`, measured before it does.

use super::{attr, attr_count, manifest_is_encrypted, Limited, OdsExtraError, MAX_XML_BYTES};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::{BufReader, Cursor, Read};

/// What calamine will build from one sheet (`table:table`) of an `.ods`, measured from
/// `content.xml` before calamine reads it: calamine keeps each row element's cells up to the
/// last non-empty one, then copies every row and cell as often as it is repeated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OdsExtent {
    /// The sheet's `table:name`.
    pub name: String,
    /// Rows from row 1 to the last row with a non-empty cell (repeats counted).
    pub rows: u64,
    /// Columns from column A to the last non-empty cell of any row.
    pub cols: u64,
    /// Cells calamine stores before it expands repeated rows (each row element to its last
    /// non-empty cell).
    pub stored: u64,
    /// Bytes of text and formulas of the non-empty cells (plus a few per cell), counted once
    /// per repeat.
    pub text: u64,
    /// The most characters in one cell.
    pub longest: u64,
}

/// Measures every sheet of an `.ods` (see [`OdsExtent`]) in one streaming pass over
/// `content.xml`, its size bounded by [`MAX_XML_BYTES`] and its nesting by
/// [`crate::io::limits::MAX_XML_DEPTH`].
///
/// # Errors
/// [`OdsExtraError`] when the zip or XML is damaged, `content.xml` is too large or nested too
/// deep, or the package is encrypted.
pub fn sheet_extents(bytes: &[u8]) -> Result<Vec<OdsExtent>, OdsExtraError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OdsExtraError::Zip(e.to_string()))?;
    if manifest_is_encrypted(&mut zip)? {
        return Err(OdsExtraError::Encrypted);
    }
    let file = match zip.by_name("content.xml") {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Err(OdsExtraError::NoContent),
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    };
    measure(file, MAX_XML_BYTES)
}

/// calamine keeps at most this many cells of a row (its column limit).
const CALAMINE_COLUMNS: u64 = 16_384;

struct SheetM {
    extent: OdsExtent,
    depth: usize,
    next_row: u64,
}

struct RowM {
    repeat: u64,
    col: u64,
    /// The column after the last non-empty cell.
    end: u64,
    text: u64,
    depth: usize,
}

struct CellM {
    col: u64,
    repeat: u64,
    non_empty: bool,
    text: u64,
    chars: u64,
    depth: usize,
}

impl SheetM {
    fn finish_cell(&mut self, row: &mut RowM, cell: CellM) {
        if cell.non_empty {
            row.end = cell.col.saturating_add(cell.repeat);
            let bytes = cell.text.saturating_add(8);
            row.text = row.text.saturating_add(bytes.saturating_mul(cell.repeat));
            self.extent.longest = self.extent.longest.max(cell.chars);
        }
    }

    fn finish_row(&mut self, row: RowM) {
        if row.end > 0 {
            let e = &mut self.extent;
            e.rows = self.next_row.saturating_add(row.repeat);
            e.cols = e.cols.max(row.end);
            e.stored = e.stored.saturating_add(row.end.min(CALAMINE_COLUMNS));
            e.text = e.text.saturating_add(row.text.saturating_mul(row.repeat));
        }
        self.next_row = self.next_row.saturating_add(row.repeat);
    }
}

fn measure(file: impl Read, limit: u64) -> Result<Vec<OdsExtent>, OdsExtraError> {
    const PART: &str = "content.xml";
    let limited = Limited {
        inner: file,
        left: limit,
        exceeded: false,
    };
    let mut reader = Reader::from_reader(BufReader::new(limited));
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut sheets: Vec<OdsExtent> = Vec::new();
    let mut sheet: Option<SheetM> = None;
    let mut row: Option<RowM> = None;
    let mut cell: Option<CellM> = None;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                if reader.get_ref().get_ref().exceeded {
                    return Err(OdsExtraError::TooLarge { part: PART, limit });
                }
                return Err(OdsExtraError::Xml {
                    part: PART,
                    detail: e.to_string(),
                });
            }
        };
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                if cell.as_ref().is_some_and(|c| c.depth == depth) {
                    if let (Some(s), Some(r), Some(c)) = (sheet.as_mut(), row.as_mut(), cell.take())
                    {
                        s.finish_cell(r, c);
                    }
                } else if row.as_ref().is_some_and(|r| r.depth == depth) {
                    if let (Some(s), Some(r)) = (sheet.as_mut(), row.take()) {
                        s.finish_row(r);
                    }
                } else if sheet.as_ref().is_some_and(|s| s.depth == depth) {
                    if let Some(s) = sheet.take() {
                        sheets.push(s.extent);
                    }
                }
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    let text = t.xml10_content();
                    c.non_empty = true;
                    c.text = c.text.saturating_add(text.len() as u64);
                    c.chars = c.chars.saturating_add(text.chars().count() as u64);
                }
                continue;
            }
            Event::CData(t) => {
                if let Some(c) = cell.as_mut() {
                    c.non_empty = true;
                    c.text = c.text.saturating_add(t.len() as u64);
                    c.chars = c.chars.saturating_add(t.len() as u64);
                }
                continue;
            }
            Event::GeneralRef(_) => {
                if let Some(c) = cell.as_mut() {
                    c.non_empty = true;
                    c.text = c.text.saturating_add(4);
                    c.chars = c.chars.saturating_add(1);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if !empty {
            depth += 1;
            if depth > crate::io::limits::MAX_XML_DEPTH {
                return Err(OdsExtraError::TooDeep { part: PART });
            }
        }
        let name = e.name();
        match name.as_ref() {
            "table:table" if sheet.is_none() => {
                let s = SheetM {
                    extent: OdsExtent {
                        name: attr(e, "table:name").unwrap_or_default(),
                        ..OdsExtent::default()
                    },
                    depth,
                    next_row: 0,
                };
                if empty {
                    sheets.push(s.extent);
                } else {
                    sheet = Some(s);
                }
            }
            "table:table-row" if sheet.is_some() && row.is_none() => {
                let r = RowM {
                    repeat: attr_count(e, "table:number-rows-repeated"),
                    col: 0,
                    end: 0,
                    text: 0,
                    depth,
                };
                if empty {
                    if let Some(s) = sheet.as_mut() {
                        s.finish_row(r);
                    }
                } else {
                    row = Some(r);
                }
            }
            "table:table-cell" | "table:covered-table-cell" if cell.is_none() => {
                let Some(r) = row.as_mut() else { continue };
                let repeat = attr_count(e, "table:number-columns-repeated");
                let formula = attr(e, "table:formula").map_or(0, |f| f.len() as u64);
                let c = CellM {
                    col: r.col,
                    repeat,
                    non_empty: formula > 0 || attr(e, "office:value-type").is_some(),
                    text: formula,
                    chars: 0,
                    depth,
                };
                r.col = r.col.saturating_add(repeat);
                if empty {
                    if let Some(s) = sheet.as_mut() {
                        s.finish_cell(r, c);
                    }
                } else {
                    cell = Some(c);
                }
            }
            _ => {
                // Paragraphs, spans and line breaks make a cell non-empty.
                if let Some(c) = cell.as_mut() {
                    c.non_empty = true;
                    c.text = c.text.saturating_add(1);
                }
            }
        }
    }
    if let Some(s) = sheet.take() {
        sheets.push(s.extent);
    }
    Ok(sheets)
}
