//! SpreadsheetML 2003 (Excel 2003's "XML Spreadsheet": `<Workbook
//! xmlns="urn:schemas-microsoft-com:office:spreadsheet">`), saved as `.xml` or `.xls`.
//!
//! `Worksheet` → `Table` → `Row` → `Cell` → `Data`: `ss:Index` places a row or a cell (1-based),
//! `ss:MergeAcross` / `ss:MergeDown` make merged ranges (the next cell of the row comes after
//! the merged ones), `ss:Span` on a row stands for that many more empty rows, a `Data` of
//! `ss:Type="Number"` is a number (with the number format of its `ss:StyleID`, where the style
//! names one), any other type is text. A cell's comment is not its text. Parsed with quick-xml;
//! the declared `ss:ExpandedRowCount` / `ss:ExpandedColumnCount` are ignored: the limits count
//! the cells the file holds, as every reader does ([`SheetBuilder`]).

use super::{code, damaged, SheetBuilder, Workbook};
use crate::error::ImportError;
use crate::io::limits::{self, Budget};
use crate::pace::{self, Pace, Stage, STEP};
use crate::plan::RawCell;
use crate::table::grid::{Format, Merge};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::sync::Arc;

/// The namespace that marks a SpreadsheetML 2003 workbook.
pub(super) const NAMESPACE: &str = "urn:schemas-microsoft-com:office:spreadsheet";

/// Whether the first bytes (lower-cased) look like SpreadsheetML 2003.
pub(super) fn looks_like_xml2003(head: &str) -> bool {
    (head.starts_with("<?xml") || head.starts_with("<workbook") || head.starts_with("<ss:workbook"))
        && !head.contains("<html")
        && (head.contains(NAMESPACE) || head.contains("progid=\"excel.sheet\""))
}

use super::xml_attr as attr;

/// A 1-based index or a count attribute as a number (absent or unreadable: `None`).
fn attr_num(e: &BytesStart<'_>, local: &str) -> Option<usize> {
    attr(e, local)?.trim().parse::<usize>().ok()
}

/// Excel 2003's named number formats, as format codes.
fn named_format(name: &str) -> Option<&str> {
    Some(match name {
        "General" | "General Number" | "" => return None,
        "Fixed" => "0.00",
        "Standard" => "#,##0.00",
        "Percent" => "0.00%",
        "Scientific" => "0.00E+00",
        "0" | "Integer" => "0",
        other => other,
    })
}

/// The cell being read.
#[derive(Default)]
struct CellState {
    col: usize,
    typ: String,
    text: String,
    style: Option<String>,
    /// Depth of `Data` inside the cell (rich text nests elements in it).
    in_data: usize,
    in_comment: usize,
}

/// Reads a SpreadsheetML 2003 workbook.
///
/// # Errors
/// [`ImportError::Damaged`] when the XML cannot be read, [`ImportError::TooDeep`] and the limit
/// errors.
pub(super) async fn read_xml2003<P: Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Workbook, ImportError> {
    let text = super::html::decode_html(bytes);
    pace.step(Stage::Read, 0.0).await;
    let mut xml = quick_xml::Reader::from_str(&text);
    xml.config_mut().check_end_names = false;
    let total = text.len().max(1) as f64;
    let mut budget = Budget::default();
    let mut sheets = Vec::new();
    let mut styles: HashMap<String, Option<Arc<str>>> = HashMap::new();
    let mut style_id: Option<String> = None;
    let mut sheet: Option<Pending> = None;
    // The next row (0-based), the row being read, the next column.
    let (mut next_row, mut row, mut col) = (0usize, 0usize, 0usize);
    let mut cell: Option<CellState> = None;
    let mut depth = 0usize;
    let mut since_step = 0usize;
    loop {
        let event = xml.read_event().map_err(|e| damaged(format!("XML: {e}")))?;
        since_step += 1;
        if since_step >= STEP {
            since_step = 0;
            let at = xml.buffer_position() as f64;
            pace.step(Stage::Read, pace::fraction(0, 1, at / total))
                .await;
        }
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                let name = end.local_name();
                match name.as_ref() {
                    "Data" => {
                        if let Some(c) = cell.as_mut() {
                            if c.in_comment == 0 {
                                c.in_data = c.in_data.saturating_sub(1);
                            }
                        }
                    }
                    "Comment" => {
                        if let Some(c) = cell.as_mut() {
                            c.in_comment = c.in_comment.saturating_sub(1);
                        }
                    }
                    "Cell" => {
                        if let (Some(c), Some(s)) = (cell.take(), sheet.as_mut()) {
                            s.put(row, c, &styles)?;
                        }
                    }
                    "Row" => {}
                    "Style" => style_id = None,
                    "Worksheet" => {
                        if let Some(s) = sheet.take() {
                            sheets.push(s.finish(&mut budget)?);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Event::Text(t) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_data > 0 && c.in_comment == 0) {
                    c.text.push_str(&t.xml10_content());
                    if c.text.len() > 4 * limits::MAX_CELL_CHARS {
                        return Err(ImportError::TextTooLong {
                            sheet: String::new(),
                            chars: c.text.chars().count(),
                            limit: limits::MAX_CELL_CHARS,
                        });
                    }
                }
                continue;
            }
            Event::CData(t) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_data > 0 && c.in_comment == 0) {
                    c.text.push_str(t.as_ref());
                }
                continue;
            }
            Event::GeneralRef(r) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_data > 0 && c.in_comment == 0) {
                    let ch = super::entity_char(r);
                    if let Some(ch) = ch {
                        c.text.push(ch);
                    }
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if !empty {
            depth += 1;
            if depth > limits::MAX_XML_DEPTH {
                return Err(ImportError::TooDeep {
                    part: "XML".to_string(),
                    limit: limits::MAX_XML_DEPTH,
                });
            }
        }
        let name = e.local_name();
        match name.as_ref() {
            "Style" => {
                style_id = attr(e, "ID");
            }
            "NumberFormat" => {
                if let Some(id) = style_id.clone() {
                    if styles.len() >= limits::MAX_STYLES {
                        return Err(ImportError::TooManyStyles {
                            styles: styles.len() + 1,
                            limit: limits::MAX_STYLES,
                        });
                    }
                    let f = attr(e, "Format").unwrap_or_default();
                    styles.insert(id, named_format(&f).and_then(code));
                }
            }
            "Worksheet" => {
                if let Some(s) = sheet.take() {
                    sheets.push(s.finish(&mut budget)?);
                }
                if sheets.len() >= limits::MAX_SHEETS {
                    return Err(ImportError::TooManySheets {
                        sheets: sheets.len() + 1,
                        limit: limits::MAX_SHEETS,
                    });
                }
                let name = attr(e, "Name").unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1));
                let s = Pending {
                    name,
                    ..Pending::default()
                };
                (next_row, row, col) = (0, 0, 0);
                if empty {
                    sheets.push(s.finish(&mut budget)?);
                } else {
                    sheet = Some(s);
                }
            }
            "Row" if cell.is_none() => {
                row = attr_num(e, "Index").map_or(next_row, |i| i.saturating_sub(1));
                let span = attr_num(e, "Span").unwrap_or(0);
                next_row = row.saturating_add(1).saturating_add(span);
                col = 0;
                if let Some(s) = sheet.as_ref() {
                    limits::check_dimensions(&s.name, next_row, 1)?;
                }
            }
            "Cell" => {
                if let Some(c) = attr_num(e, "Index") {
                    col = c.saturating_sub(1);
                }
                let across = attr_num(e, "MergeAcross").unwrap_or(0);
                let down = attr_num(e, "MergeDown").unwrap_or(0);
                if let Some(s) = sheet.as_mut() {
                    let last_col = col.saturating_add(across);
                    let last_row = row.saturating_add(down);
                    limits::check_dimensions(
                        &s.name,
                        last_row.saturating_add(1),
                        last_col.saturating_add(1),
                    )?;
                    if across > 0 || down > 0 {
                        s.merges.push(Merge {
                            first_row: row as u32,
                            first_col: col as u32,
                            last_row: last_row as u32,
                            last_col: last_col as u32,
                        });
                        limits::check_merges(&s.name, s.merges.len())?;
                    }
                }
                // The cell is placed at its end; the next one comes after its merged columns.
                if !empty {
                    cell = Some(CellState {
                        col,
                        style: attr(e, "StyleID"),
                        ..CellState::default()
                    });
                }
                col = col.saturating_add(1).saturating_add(across);
            }
            "Data" => {
                if let Some(c) = cell.as_mut() {
                    if c.in_comment == 0 {
                        if c.in_data == 0 {
                            c.typ = attr(e, "Type").unwrap_or_default();
                        }
                        if !empty {
                            c.in_data += 1;
                        }
                    }
                }
            }
            "Comment" if !empty => {
                if let Some(c) = cell.as_mut() {
                    c.in_comment += 1;
                }
            }
            _ => {}
        }
    }
    if let Some(s) = sheet.take() {
        sheets.push(s.finish(&mut budget)?);
    }
    if sheets.is_empty() {
        return Err(damaged("SpreadsheetML without a Worksheet"));
    }
    Ok(Workbook {
        format: Some(Format::Xml2003),
        sheets,
        styles: Vec::new(),
    })
}

/// A sheet being read: its cells are kept until its end, then placed by a [`SheetBuilder`]
/// (which borrows the workbook's budget for that time). The cells held are counted as they come.
#[derive(Default)]
struct Pending {
    name: String,
    cells: Vec<(usize, usize, RawCell)>,
    merges: Vec<Merge>,
    text: Budget,
}

impl Pending {
    fn put(
        &mut self,
        row: usize,
        c: CellState,
        styles: &HashMap<String, Option<Arc<str>>>,
    ) -> Result<(), ImportError> {
        let raw = match c.typ.as_str() {
            "Number" => match c.text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => RawCell::Number {
                    n,
                    format: c
                        .style
                        .as_ref()
                        .and_then(|s| styles.get(s))
                        .cloned()
                        .flatten(),
                },
                _ => RawCell::Text { s: c.text.into() },
            },
            "Boolean" => RawCell::Text {
                s: if c.text.trim() == "1" {
                    "TRUE"
                } else {
                    "FALSE"
                }
                .into(),
            },
            _ => RawCell::Text { s: c.text.into() },
        };
        if let RawCell::Text { s } = &raw {
            if s.trim().is_empty() {
                return Ok(());
            }
            self.text.add_text(&self.name, s, 1)?;
        }
        limits::check_dimensions(&self.name, row.saturating_add(1), c.col.saturating_add(1))?;
        if self.cells.len() >= limits::MAX_SHEET_CELLS {
            return Err(ImportError::TooManyCells {
                sheet: self.name.clone(),
                cells: self.cells.len() + 1,
                limit: limits::MAX_SHEET_CELLS,
            });
        }
        self.cells.push((row, c.col, raw));
        Ok(())
    }

    fn finish(self, budget: &mut Budget) -> Result<crate::table::grid::Sheet, ImportError> {
        let mut sheet = SheetBuilder::new(self.name, budget);
        for (row, col, cell) in self.cells {
            sheet.put(row, col, cell)?;
        }
        sheet.finish(self.merges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WB: &str = r#"<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">
 <Styles><Style ss:ID="p1"><NumberFormat ss:Format="0.0%"/></Style><Style ss:ID="f"><NumberFormat ss:Format="Fixed"/></Style></Styles>
 <Worksheet ss:Name="计划"><Table ss:ExpandedColumnCount="256" ss:ExpandedRowCount="65536">
  <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">标题</Data></Cell><Cell><Data ss:Type="String">D</Data></Cell></Row>
  <Row ss:Index="3"><Cell ss:Index="2" ss:MergeDown="1"><Data ss:Type="Number">12.5</Data></Cell>
   <Cell ss:StyleID="p1"><Data ss:Type="Number">0.125</Data><Comment><Data>note</Data></Comment></Cell>
   <Cell><ss:Data ss:Type="String"><B>粗</B>体&#10;行</ss:Data></Cell><Cell ss:StyleID="f"><Data ss:Type="Number">x</Data></Cell></Row>
 </Table></Worksheet>
 <Worksheet ss:Name="空"/>
</Workbook>"#;

    #[test]
    fn cells_indices_merges_and_formats() {
        let wb = super::super::read_workbook(WB.as_bytes()).unwrap();
        assert_eq!(wb.format, Some(Format::Xml2003));
        assert_eq!(wb.sheets.len(), 2);
        let s = &wb.sheets[0];
        assert_eq!(s.name, "计划");
        assert_eq!(s.text(0, 0), "标题");
        assert_eq!(s.text(0, 3), "D");
        assert_eq!(
            s.cell(2, 1),
            &RawCell::Number {
                n: 12.5,
                format: None
            }
        );
        assert_eq!(s.display(2, 2), "12.5%");
        assert_eq!(s.text(2, 3), "粗体\n行");
        assert_eq!(s.text(2, 4), "x");
        assert_eq!(
            s.merges,
            vec![
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 2
                },
                Merge {
                    first_row: 2,
                    first_col: 1,
                    last_row: 3,
                    last_col: 1
                },
            ]
        );
    }

    #[test]
    fn huge_indices_are_limits_not_allocations() {
        let big = WB.replace(r#"ss:Index="3""#, r#"ss:Index="4000000000""#);
        let e = super::super::read_workbook(big.as_bytes()).err();
        assert!(matches!(e, Some(ImportError::TooManyRows { .. })), "{e:?}");
        let wide = WB.replace(r#"ss:MergeAcross="2""#, r#"ss:MergeAcross="99999""#);
        let e = super::super::read_workbook(wide.as_bytes()).err();
        assert!(
            matches!(e, Some(ImportError::TooManyColumns { .. })),
            "{e:?}"
        );
    }
}
