//! HTML tables saved as `.xls`: what Chinese government web systems and OA exports send (a
//! page with one or more `<table>`s, often with Excel's `mso-` styles, in UTF-8 or GBK).
//!
//! The bytes are decoded (a BOM, else the `<meta charset>`, else UTF-8 when they are valid
//! UTF-8, else GB18030, a superset of GBK) and tokenized by `html5gum` (a WHATWG tokenizer:
//! entities such as `&nbsp;` are decoded, `<style>` and `<script>` are raw text). Each `<table>`
//! that holds text becomes a sheet: `colspan`/`rowspan` place the cells as a browser does and
//! become merged ranges, `<br>` and the end of a `<p>`/`<div>` become a newline, runs of
//! whitespace one space. Numbers stay text cells: the importer's value parser reads them. A
//! table nested in a cell is a table of its own.
//!
//! Bounded: the cells a table's cells and merged ranges cover count against
//! [`limits::MAX_SHEET_CELLS`] before anything is placed, rows and columns against their limits,
//! nesting against [`limits::MAX_XML_DEPTH`], merges against [`limits::MAX_MERGES`].

use super::{SheetBuilder, Workbook};
use crate::error::ImportError;
use crate::io::limits::{self, Budget};
use crate::pace::{self, Pace, Stage, STEP};
use crate::plan::RawCell;
use crate::table::grid::{Format, Merge};
use html5gum::{DefaultEmitter, Token, Tokenizer};

/// HTML's own cap on `colspan` (the HTML standard clamps larger values to 1,000).
const MAX_COLSPAN: usize = 1_000;
/// HTML's own cap on `rowspan` (65,534 in the HTML standard).
const MAX_ROWSPAN: usize = 65_534;

/// Whether the first bytes look like an HTML page or fragment (after a BOM and whitespace).
pub(super) fn looks_like_html(head: &str) -> bool {
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<table")
        || head.starts_with("<meta")
        || head.starts_with("<head")
        || head.starts_with("<body")
        || head.starts_with("<style")
        || head.starts_with("<title")
        || head.starts_with("<!--")
        || head.contains("<table")
        || (head.starts_with("<?xml") && head.contains("<html"))
}

/// The text of an HTML file: a BOM decides, else a `charset` in the first 2 KiB, else UTF-8 when
/// the bytes are valid UTF-8, else GB18030.
pub fn decode_html(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes.get(bom..).unwrap_or_default());
        return text.into_owned();
    }
    if let Some(enc) = declared_charset(&bytes[..bytes.len().min(2048)]) {
        // UTF-16 cannot be declared in ASCII-compatible bytes; a page that says so is UTF-8.
        if enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE {
            let (text, _) = enc.decode_without_bom_handling(bytes);
            return text.into_owned();
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            text.into_owned()
        }
    }
}

/// The encoding a `charset=` in `head` names (`<meta charset="gbk">`, `content="text/html;
/// charset=gb2312"`, `<?xml … encoding="…"?>`), by its WHATWG label.
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower = head.to_ascii_lowercase();
    for key in [&b"charset="[..], b"encoding="] {
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(lower.get(from..)?, key) {
            let start = from + at + key.len();
            let rest = lower.get(start..)?;
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let end = rest
                .iter()
                .position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                })
                .unwrap_or(rest.len());
            if let Some(enc) = rest
                .get(..end)
                .and_then(encoding_rs::Encoding::for_label_no_replacement)
            {
                return Some(enc);
            }
            from = start;
        }
    }
    None
}

/// One table being read.
#[derive(Default)]
struct Table {
    /// Its place among the tables in document order (nested tables close before their parent).
    order: usize,
    /// Cells placed: row, column, text.
    cells: Vec<(usize, usize, String)>,
    merges: Vec<Merge>,
    /// By column: the first row not yet covered by a cell above (rowspan).
    busy_until: Vec<usize>,
    /// The current row (0-based) and whether one is open.
    row: usize,
    in_row: bool,
    /// The next column to try in the current row.
    col: usize,
    /// The cell being read: its text and its span.
    cell: Option<(String, usize, usize)>,
    /// Rows × columns covered by the cells so far (a merged cell counts every cell it covers).
    covered: usize,
    /// The rows the table has (the last row that holds or is covered by a cell, + 1).
    height: usize,
    has_text: bool,
}

impl Table {
    fn start_row(&mut self) {
        if self.in_row {
            self.end_row();
        }
        self.in_row = true;
        self.col = 0;
    }

    fn end_row(&mut self) {
        if self.in_row {
            self.in_row = false;
            self.row += 1;
        }
    }

    fn start_cell(&mut self, colspan: usize, rowspan: usize) -> Result<(), ImportError> {
        self.end_cell()?;
        if !self.in_row {
            self.start_row();
        }
        self.cell = Some((String::new(), colspan, rowspan));
        Ok(())
    }

    /// Places the open cell, if any, where a browser would: the first column of the row not
    /// covered by a cell above.
    fn end_cell(&mut self) -> Result<(), ImportError> {
        let Some((text, colspan, rowspan)) = self.cell.take() else {
            return Ok(());
        };
        let sheet = "HTML";
        let row = self.row;
        let mut col = self.col;
        while self.busy_until.get(col).is_some_and(|&until| until > row) {
            col += 1;
        }
        let last_col = col.saturating_add(colspan - 1);
        let last_row = row.saturating_add(rowspan - 1);
        limits::check_dimensions(
            sheet,
            last_row.saturating_add(1),
            last_col.saturating_add(1),
        )?;
        self.covered = self.covered.saturating_add(colspan.saturating_mul(rowspan));
        if self.covered > limits::MAX_SHEET_CELLS {
            return Err(ImportError::TooManyCells {
                sheet: sheet.to_string(),
                cells: self.covered,
                limit: limits::MAX_SHEET_CELLS,
            });
        }
        if self.busy_until.len() <= last_col {
            self.busy_until.resize(last_col + 1, 0);
        }
        for until in self.busy_until.iter_mut().skip(col).take(colspan) {
            *until = row + rowspan;
        }
        if colspan > 1 || rowspan > 1 {
            self.merges.push(Merge {
                first_row: row as u32,
                first_col: col as u32,
                last_row: last_row as u32,
                last_col: last_col as u32,
            });
            limits::check_merges(sheet, self.merges.len())?;
        }
        self.col = last_col + 1;
        self.height = self.height.max(row + 1);
        let text = clean(&text);
        if !text.is_empty() {
            self.has_text = true;
            self.cells.push((row, col, text));
        }
        Ok(())
    }

    fn push_text(&mut self, s: &str) {
        if let Some((text, _, _)) = self.cell.as_mut() {
            text.push_str(s);
        }
    }

    fn finish(&mut self) -> Result<(), ImportError> {
        self.end_cell()?;
        self.end_row();
        // A rowspan past the last row is cut there, as a browser cuts it.
        let last = self.height.max(1) as u32 - 1;
        for m in &mut self.merges {
            m.last_row = m.last_row.min(last).max(m.first_row);
        }
        self.merges
            .retain(|m| m.last_row > m.first_row || m.last_col > m.first_col);
        Ok(())
    }
}

/// A cell's text as a browser shows it: runs of whitespace one space, `&nbsp;` a space, each
/// line trimmed, empty lines dropped.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.split('\n') {
        let mut piece = String::new();
        for word in line
            .split(|c: char| c.is_ascii_whitespace() || c == '\u{a0}')
            .filter(|w| !w.is_empty())
        {
            if !piece.is_empty() {
                piece.push(' ');
            }
            piece.push_str(word);
        }
        if !piece.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&piece);
        }
    }
    out
}

/// A span attribute as HTML reads it: digits after optional whitespace; missing, zero or
/// unreadable is 1; clamped to `max`.
fn span(value: Option<&[u8]>, max: usize) -> usize {
    let Some(v) = value else { return 1 };
    let digits: Vec<u8> = v
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .take(9)
        .copied()
        .collect();
    let n = std::str::from_utf8(&digits)
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1);
    n.clamp(1, max)
}

/// Reads the tables of an HTML file, one sheet each (`表1`, `表2` … in document order).
///
/// # Errors
/// [`ImportError::NotAWorkbook`] (`HTML`) when no table holds any text; the limit errors.
pub(super) async fn read_html<P: Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Workbook, ImportError> {
    let text = decode_html(bytes);
    pace.step(Stage::Read, 0.0).await;
    let mut emitter = DefaultEmitter::<()>::default();
    emitter.naively_switch_states(true);
    let tokens = Tokenizer::new_with_emitter(text.as_bytes(), emitter);
    let mut open: Vec<Table> = Vec::new();
    let mut done: Vec<Table> = Vec::new();
    let mut tables = 0usize;
    let mut since_step = 0usize;
    let total = text.len().max(1) as f64;
    let mut seen = 0usize;
    for token in tokens {
        let Ok(token) = token;
        since_step += 1;
        if since_step >= STEP {
            since_step = 0;
            pace.step(Stage::Read, (seen as f64 / total).min(0.9)).await;
        }
        match token {
            Token::StartTag(tag) => {
                seen += tag.name.len() + 2;
                let attr = |name: &[u8]| tag.attributes.get(name).map(|v| v.value.as_slice());
                match tag.name.as_slice() {
                    b"table" => {
                        if open.len() >= limits::MAX_XML_DEPTH {
                            return Err(ImportError::TooDeep {
                                part: "HTML".to_string(),
                                limit: limits::MAX_XML_DEPTH,
                            });
                        }
                        open.push(Table {
                            order: tables,
                            ..Table::default()
                        });
                        tables += 1;
                    }
                    b"tr" => {
                        if let Some(t) = open.last_mut() {
                            t.end_cell()?;
                            t.start_row();
                        }
                    }
                    b"td" | b"th" => {
                        if let Some(t) = open.last_mut() {
                            let colspan = span(attr(b"colspan"), MAX_COLSPAN);
                            let rowspan = span(attr(b"rowspan"), MAX_ROWSPAN);
                            t.start_cell(colspan, rowspan)?;
                        }
                    }
                    b"br" => {
                        if let Some(t) = open.last_mut() {
                            t.push_text("\n");
                        }
                    }
                    b"p" | b"div" | b"li" => {
                        if let Some(t) = open.last_mut() {
                            t.push_text("\n");
                        }
                    }
                    _ => {}
                }
            }
            Token::EndTag(tag) => {
                seen += tag.name.len() + 3;
                match tag.name.as_slice() {
                    b"table" => {
                        if let Some(mut t) = open.pop() {
                            t.finish()?;
                            if t.has_text {
                                done.push(t);
                            }
                        }
                    }
                    b"tr" => {
                        if let Some(t) = open.last_mut() {
                            t.end_cell()?;
                            t.end_row();
                        }
                    }
                    b"td" | b"th" => {
                        if let Some(t) = open.last_mut() {
                            t.end_cell()?;
                        }
                    }
                    b"p" | b"div" | b"li" => {
                        if let Some(t) = open.last_mut() {
                            t.push_text("\n");
                        }
                    }
                    _ => {}
                }
            }
            Token::String(s) => {
                seen += s.value.len();
                if let Some(t) = open.last_mut() {
                    t.push_text(&String::from_utf8_lossy(&s.value));
                }
            }
            _ => {}
        }
    }
    // Tables left open at the end of the file are closed there, as a browser closes them.
    while let Some(mut t) = open.pop() {
        t.finish()?;
        if t.has_text {
            done.push(t);
        }
    }
    if done.is_empty() {
        return Err(ImportError::NotAWorkbook { what: "HTML" });
    }
    done.sort_by_key(|t| t.order);
    // More tables than a workbook may have sheets: the largest ones, in document order.
    if done.len() > limits::MAX_SHEETS {
        let mut by_size: Vec<usize> = (0..done.len()).collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(done.get(i).map_or(0, |t| t.cells.len())));
        by_size.truncate(limits::MAX_SHEETS);
        by_size.sort_unstable();
        let mut keep = vec![false; done.len()];
        for i in by_size {
            if let Some(k) = keep.get_mut(i) {
                *k = true;
            }
        }
        let mut flags = keep.into_iter();
        done.retain(|_| flags.next().unwrap_or(false));
    }
    let mut budget = Budget::default();
    let mut sheets = Vec::with_capacity(done.len());
    let count = done.len();
    for (index, table) in done.into_iter().enumerate() {
        pace.step(Stage::Read, pace::fraction(index, count, 0.9))
            .await;
        let mut sheet = SheetBuilder::new(format!("表{}", index + 1), &mut budget);
        for (row, col, text) in table.cells {
            sheet.put(row, col, RawCell::Text { s: text.into() })?;
        }
        sheets.push(sheet.finish(table.merges)?);
    }
    Ok(Workbook {
        format: Some(Format::Html),
        sheets,
        styles: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(html: &str) -> Workbook {
        super::super::read_workbook(html.as_bytes()).unwrap_or_default()
    }

    #[test]
    fn spans_become_merges_and_cells_go_where_a_browser_puts_them() {
        let wb = read(
            "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>\
             <tr><td>C</td><td>D</td></tr><tr><td>E<br>F</td><td>&nbsp;</td><td>1&amp;2</td></tr></table>",
        );
        let s = &wb.sheets[0];
        assert_eq!(s.text(0, 0), "A");
        assert_eq!(s.text(0, 1), "B");
        assert_eq!(s.text(1, 1), "C");
        assert_eq!(s.text(1, 2), "D");
        assert_eq!(s.text(2, 0), "E\nF");
        assert_eq!(s.text(2, 1), "");
        assert_eq!(s.text(2, 2), "1&2");
        assert_eq!(
            s.merges,
            vec![
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 1,
                    last_col: 0
                },
                Merge {
                    first_row: 0,
                    first_col: 1,
                    last_row: 0,
                    last_col: 2
                }
            ]
        );
    }

    #[test]
    fn gbk_with_a_meta_charset_is_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode(
            "<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"></head><table><tr><td>指标名称</td></tr></table>",
        );
        let wb = super::super::read_workbook(&gbk).unwrap_or_default();
        assert_eq!(wb.sheets[0].text(0, 0), "指标名称");
    }

    #[test]
    fn styles_scripts_and_text_outside_tables_are_not_cells() {
        let wb = read(
            "<html><style>td {mso-number-format:\"\\@\";}</style><script>var t='<td>x</td>';</script>\
             <p>标题</p><table><tr><td>序号</td></tr></table><table><tr><td> </td></tr></table></html>",
        );
        assert_eq!(wb.sheets.len(), 1);
        assert_eq!(wb.sheets[0].text(0, 0), "序号");
    }

    #[test]
    fn a_page_without_a_table_is_html() {
        assert_eq!(
            super::super::read_workbook(b"<html><body><p>hello</p></body></html>").err(),
            Some(ImportError::NotAWorkbook { what: "HTML" })
        );
    }

    #[test]
    fn huge_spans_are_clamped_and_counted() {
        let wb = read("<table><tr><td colspan=99999999 rowspan=0>x</td></tr></table>");
        let s = &wb.sheets[0];
        assert_eq!(s.merges[0].last_col, 999);
        assert_eq!(s.merges[0].last_row, 0);
        let many = "<tr><td colspan=1000 rowspan=65534>x</td></tr>".repeat(200);
        let e = super::super::read_workbook(format!("<table>{many}</table>").as_bytes()).err();
        assert!(matches!(e, Some(ImportError::TooManyCells { .. })), "{e:?}");
    }
}
