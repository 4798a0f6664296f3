//! `content.xml` in one streaming pass: its automatic styles, then every sheet's cells (as
//! calamine reads them), merged ranges and number formats, each cell checked against the limits
//! before it is placed, and a pause for the [`Pace`] every [`XML_STEP`] XML events.
//!
//! Values are read as calamine's `.ods` reader reads them (the differential test holds us to
//! it):
//!
//! - the first of `office:value` (a number: float, percentage, currency), `office:date-value`
//!   (the ISO text), `office:time-value` (the ISO duration text), `office:string-value` and
//!   `office:boolean-value` (`true`/`TRUE`, anything else false) in the attributes' order is the
//!   value, whatever `office:value-type` says;
//! - a `string` cell without `office:string-value` (or an error cell, `calcext:value-type=
//!   "error"`, with an empty one) is the text of its content: every text node but those of
//!   `office:annotation`, paragraphs (`text:p`) joined by `\n`, `text:s` as `text:c` spaces,
//!   `text:tab` and `text:line-break` as `\t` and `\n`;
//! - covered cells (`table:covered-table-cell`) are cells like the others;
//! - `table:number-columns-repeated` and `table:number-rows-repeated` copy a cell or a row (0
//!   copies are none), whatever holds the rows (`table:table-header-rows`,
//!   `table:table-row-group`, `table:table-rows`);
//! - a table without `table:name` is no sheet.
//!
//! Where calamine refuses the whole workbook for a cell, ours does too (a repeat or `office:value`
//! that is not a number), with the cell named; what calamine refuses for XML it does not expect
//! between cells (spaces, comments, other elements) is read past.

use super::styles::{StyleReader, Styles};
use super::{attr, attr_count, Limited, MAX_XML_BYTES};
use crate::error::ImportError;
use crate::io::limits::{self, Budget, MAX_CELL_CHARS, MAX_XML_DEPTH};
use crate::io::read::{code, SheetBuilder};
use crate::pace::{Pace, Stage, FIRST_ROWS, STEP};
use crate::plan::RawCell;
use crate::table::grid::{Format, Merge, Sheet};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::sync::Arc;

use crate::pace::XML_STEP;

const PART: &str = "content.xml";

fn damaged(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Damaged {
        detail: format!("{PART}: {detail}"),
    }
}

/// The XML of `content.xml`, its size and nesting bounded.
struct Pass<R: Read> {
    reader: Reader<BufReader<Limited<R>>>,
    buf: Vec<u8>,
    limit: u64,
    depth: usize,
    /// Events since the last pause.
    events: usize,
    /// The part's uncompressed size (for the progress), at least 1.
    whole: f64,
}

impl<R: Read> Pass<R> {
    /// The next event and the depth of its element (an end tag: the depth it closes).
    fn next(&mut self) -> Result<(Event<'_>, usize), ImportError> {
        self.buf.clear();
        self.events += 1;
        let event = match self.reader.read_event_into(&mut self.buf) {
            Ok(e) => e,
            Err(e) => {
                if self.reader.get_ref().get_ref().exceeded {
                    return Err(ImportError::UnpacksTooLarge {
                        part: PART.to_string(),
                        size: self.limit,
                        limit: self.limit,
                    });
                }
                return Err(damaged(e));
            }
        };
        let depth = match &event {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > MAX_XML_DEPTH {
                    return Err(ImportError::TooDeep {
                        part: PART.to_string(),
                        limit: MAX_XML_DEPTH,
                    });
                }
                self.depth
            }
            Event::Empty(_) => self.depth + 1,
            Event::End(_) => {
                let d = self.depth;
                self.depth = d.saturating_sub(1);
                d
            }
            _ => self.depth,
        };
        Ok((event, depth))
    }

    /// How much of the part has been read, 0 to 1.
    fn fraction(&self) -> f64 {
        (self.reader.buffer_position() as f64 / self.whole).clamp(0.0, 1.0)
    }

    /// Pauses when [`XML_STEP`] events have been read since the last pause.
    async fn pace<P: Pace>(&mut self, pace: &mut P) {
        if self.events >= XML_STEP {
            self.events = 0;
            pace.step(Stage::Read, self.fraction()).await;
        }
    }

    /// Reads past the element just started at `depth`.
    async fn skip<P: Pace>(&mut self, depth: usize, pace: &mut P) -> Result<(), ImportError> {
        loop {
            self.pace(pace).await;
            match self.next()? {
                (Event::End(_), d) if d == depth => return Ok(()),
                (Event::Eof, _) => return Err(damaged("unexpected end of the document")),
                _ => {}
            }
        }
    }
}

/// Every sheet of `content.xml` (`file`, `size` bytes uncompressed as its zip entry states,
/// at most `limit` bytes read), with the common styles of `styles.xml`.
pub(super) async fn read_content<R: Read, P: Pace>(
    file: R,
    size: u64,
    limit: u64,
    mut styles: Styles,
    pace: &mut P,
) -> Result<Vec<Sheet>, ImportError> {
    let limit = limit.min(MAX_XML_BYTES);
    let limited = Limited {
        inner: file,
        left: limit,
        exceeded: false,
    };
    let mut pass = Pass {
        reader: Reader::from_reader(BufReader::new(limited)),
        buf: Vec::with_capacity(1024),
        limit,
        depth: 0,
        events: 0,
        whole: size.max(1) as f64,
    };
    pass.reader.config_mut().check_end_names = false;
    let mut style_reader = StyleReader::default();
    let mut codes = Codes::default();
    let mut budget = Budget::default();
    let mut sheets = Vec::new();
    // What the pace's first-screen threshold weighs, in `.xlsx` sheet XML: a first screen pays
    // off when reading the rest takes long, and our pass reads `content.xml` about 2.5 times as
    // fast per byte (20,000 rows of the bench's plan saved by LibreOffice: 44.9 MB of content.xml
    // imported in 226 ms natively; as .xlsx, 11.1 MB of sheet XML in 139 ms). Its size as the
    // same sheet's .xlsx would weigh varies with the writer (LibreOffice ≈ 4×, a plain writer
    // ≈ 3×); its reading time is what the threshold stands for.
    let xml_bytes = size.saturating_mul(2) / 5;
    loop {
        pass.pace(pace).await;
        let (event, depth) = pass.next()?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e)
                if e.name().as_ref() == "table:table" && !style_reader.open() =>
            {
                let Some(name) = attr(&e, "table:name") else {
                    if !empty {
                        pass.skip(depth, pace).await?;
                    }
                    continue;
                };
                if sheets.len() >= limits::MAX_SHEETS {
                    return Err(ImportError::TooManySheets {
                        sheets: sheets.len() + 1,
                        limit: limits::MAX_SHEETS,
                    });
                }
                let sheet = SheetBuilder::new(name, &mut budget);
                let sheet = if empty {
                    sheet.finish(Vec::new())?
                } else {
                    let reading = SheetReading {
                        sheet,
                        styles: &mut styles,
                        codes: &mut codes,
                        merges: Vec::new(),
                        columns: Vec::new(),
                        next_column: 0,
                        next_row: 0,
                        row: None,
                        cell: None,
                        placed: 0,
                        xml_bytes,
                    };
                    reading.read(&mut pass, depth, pace).await?
                };
                sheets.push(sheet);
            }
            Event::Start(e) => style_reader.start(&mut styles, &e, false),
            Event::Empty(e) => style_reader.start(&mut styles, &e, true),
            Event::End(e) => style_reader.end(&mut styles, e.name().as_ref()),
            Event::Text(t) => style_reader.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = crate::io::read::entity_char(&r) {
                    style_reader.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if pass.depth > 0 || style_reader.open() {
        return Err(damaged("unexpected end of the document"));
    }
    Ok(sheets)
}

/// Number format codes as cells keep them, one `Arc` per distinct code.
#[derive(Default)]
struct Codes(HashMap<String, Option<Arc<str>>>);

impl Codes {
    fn of(&mut self, styles: &mut Styles, style: &str) -> Option<Arc<str>> {
        let found = styles.code_of(style)?;
        if let Some(c) = self.0.get(&found) {
            return c.clone();
        }
        let c = code(&found);
        self.0.insert(found, c.clone());
        c
    }
}

/// The row being read.
struct Row {
    /// Its first row (0-based), and how many times it is repeated.
    at: u64,
    repeat: u64,
    default_style: Option<String>,
    /// The column of the next cell.
    col: u64,
    /// The element's depth.
    depth: usize,
    /// (column, columns spanned, rows spanned) of the merged cells.
    merges: Vec<(u64, u64, u64)>,
}

/// The value a cell's attributes give it.
enum Value {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
}

/// The cell being read.
struct Cell {
    repeat: u64,
    value: Value,
    /// `office:value-type` is a number's (float, percentage, currency).
    numeric: bool,
    covered: bool,
    style: Option<String>,
    /// The text of its content, when that is its value.
    content: Option<Content>,
    depth: usize,
}

/// A cell's content being read as its text.
struct Content {
    text: String,
    first_paragraph: bool,
    /// The depth of the `office:annotation` being skipped (0: none).
    annotation: usize,
}

impl Content {
    /// Appends `count` times `c`, never more than one character past the cell's limit.
    fn push(&mut self, c: char, count: usize) {
        let room = (MAX_CELL_CHARS * 4 + 1).saturating_sub(self.text.len());
        self.text.extend(std::iter::repeat_n(c, count.min(room)));
    }

    /// Appends `s`, cut (at a character) a few bytes past the most a cell can hold: enough for
    /// the cell's limit to refuse it, without copying a huge text node first.
    fn push_str(&mut self, s: &str) {
        let room = (MAX_CELL_CHARS * 4 + 4).saturating_sub(self.text.len());
        let mut end = s.len().min(room);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.text.push_str(s.get(..end).unwrap_or_default());
    }
}

/// One sheet being read.
struct SheetReading<'b, 's> {
    sheet: SheetBuilder<'b>,
    styles: &'s mut Styles,
    codes: &'s mut Codes,
    merges: Vec<Merge>,
    /// Column default cell styles: (first column, last column + 1, style), in order.
    columns: Vec<(u64, u64, String)>,
    next_column: u64,
    next_row: u64,
    row: Option<Row>,
    cell: Option<Cell>,
    /// Cells placed since the last pause.
    placed: usize,
    /// The size the pace weighs a first screen by ([`Pace::first_rows`]).
    xml_bytes: u64,
}

fn usize_of(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A repeat count as calamine reads it: an unsigned integer (0 included), 1 when absent.
fn repeat_of(e: &BytesStart<'_>, key: &str, sheet: &str) -> Result<u64, ImportError> {
    match raw_attr(e, key) {
        None => Ok(1),
        Some(v) => count(&v, key, sheet),
    }
}

/// The value `v` of repeat attribute `key`: an unsigned integer (0 included).
fn count(v: &str, key: &str, sheet: &str) -> Result<u64, ImportError> {
    v.parse::<u64>().map_err(|_| {
        damaged(format!(
            "sheet {sheet}: {key}=\"{}\" is not a count",
            v.chars().take(32).collect::<String>()
        ))
    })
}

/// A span (`table:number-columns-spanned`, `table:number-rows-spanned`): at least 1, 1 when it is
/// not a number.
pub(super) fn span(v: &str) -> u64 {
    v.trim()
        .parse::<u64>()
        .unwrap_or(1)
        .clamp(1, u64::from(u32::MAX))
}

/// An attribute's value as written (entities not resolved).
fn raw_attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

fn unescaped(raw: &str) -> Result<String, ImportError> {
    quick_xml::escape::unescape(raw)
        .map(|s| s.into_owned())
        .map_err(damaged)
}

impl SheetReading<'_, '_> {
    fn name(&self) -> &str {
        &self.sheet.name
    }

    /// Reads the sheet whose `table:table` was started at `depth`, to its end.
    async fn read<R: Read, P: Pace>(
        mut self,
        pass: &mut Pass<R>,
        depth: usize,
        pace: &mut P,
    ) -> Result<Sheet, ImportError> {
        let mut first_shown = false;
        loop {
            // Rows come in order: once a cell lies past the first rows, they are read and can
            // be shown while the rest is (no merges yet: a span may reach past them).
            if !first_shown && self.sheet.rows.len() > FIRST_ROWS {
                first_shown = true;
                let first = self.sheet.first_rows(FIRST_ROWS);
                pace.first_rows(Format::Ods, &first, self.xml_bytes).await;
            }
            // Inside a cell too: what it has read so far is kept in `self`.
            pass.pace(pace).await;
            let fraction = pass.fraction();
            let (event, at) = pass.next()?;
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    if let Some(cell) = self.cell.as_mut() {
                        cell.start(&e, empty, at)?;
                        continue;
                    }
                    let name = e.name();
                    match name.as_ref() {
                        "table:table-row" if self.row.is_none() => {
                            let repeat = repeat_of(&e, "table:number-rows-repeated", self.name())?;
                            self.row = Some(Row {
                                at: self.next_row,
                                repeat,
                                default_style: attr(&e, "table:default-cell-style-name"),
                                col: 0,
                                depth: at,
                                merges: Vec::new(),
                            });
                            if empty {
                                self.end_row(pace, fraction).await?;
                            }
                        }
                        "table:table-cell" | "table:covered-table-cell" if self.row.is_some() => {
                            self.start_cell(&e, at)?;
                            if empty {
                                self.end_cell()?;
                            }
                        }
                        "table:table-column" if self.row.is_none() => {
                            let n = attr_count(&e, "table:number-columns-repeated");
                            let start = self.next_column;
                            self.next_column = start.saturating_add(n);
                            if let Some(style) = attr(&e, "table:default-cell-style-name") {
                                self.columns.push((start, self.next_column, style));
                            }
                        }
                        // A table inside the sheet is not the sheet's.
                        "table:table" if !empty => pass.skip(at, pace).await?,
                        _ => {}
                    }
                }
                Event::End(_) => {
                    if self.cell.as_ref().is_some_and(|c| c.depth == at) {
                        self.end_cell()?;
                    } else if let Some(cell) = self.cell.as_mut() {
                        cell.end(at);
                    } else if self.row.as_ref().is_some_and(|r| r.depth == at) {
                        self.end_row(pace, fraction).await?;
                    } else if at == depth {
                        break;
                    }
                }
                Event::Text(t) => {
                    if let Some(content) = self.cell.as_mut().and_then(Cell::reading) {
                        content.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(content) = self.cell.as_mut().and_then(Cell::reading) {
                        if let Some(c) = crate::io::read::entity_char(&r) {
                            content.push(c, 1);
                        }
                    }
                }
                Event::Eof => return Err(damaged("unexpected end of the document")),
                _ => {}
            }
        }
        self.sheet.finish(self.merges)
    }

    /// A cell starts: its value, style, repeat and span from its attributes (read in one pass
    /// over them).
    fn start_cell(&mut self, e: &BytesStart<'_>, depth: usize) -> Result<(), ImportError> {
        let covered = e.name().as_ref() == "table:covered-table-cell";
        let mut repeat = None;
        let (mut cols, mut rows) = (None, None);
        let mut value = Value::Empty;
        let mut value_set = false;
        let mut is_string = false;
        let mut is_error = false;
        let mut numeric = false;
        let mut style = None;
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(damaged)?;
            let raw = a.value;
            match a.key.as_ref() {
                "office:value" if !value_set => {
                    let n = raw.parse::<f64>().map_err(|_| {
                        damaged(format!(
                            "sheet {}: office:value=\"{}\" is not a number",
                            self.name(),
                            raw.chars().take(32).collect::<String>()
                        ))
                    })?;
                    value = Value::Number(n);
                    value_set = true;
                }
                "office:string-value" | "office:date-value" | "office:time-value" if !value_set => {
                    value = Value::Text(unescaped(&raw)?);
                    value_set = true;
                }
                "office:boolean-value" if !value_set => {
                    value = Value::Bool(raw == "TRUE" || raw == "true");
                    value_set = true;
                }
                "office:value-type" => {
                    if !value_set {
                        is_string = raw == "string";
                    }
                    numeric = matches!(raw.as_ref(), "float" | "percentage" | "currency");
                }
                "calcext:value-type" => is_error = raw == "error",
                "table:style-name" => style = Some(unescaped(&raw)?),
                "table:number-columns-repeated" if repeat.is_none() => {
                    repeat = Some(count(&raw, "table:number-columns-repeated", self.name())?);
                }
                "table:number-columns-spanned" => cols = Some(span(&raw)),
                "table:number-rows-spanned" => rows = Some(span(&raw)),
                _ => {}
            }
        }
        let repeat = repeat.unwrap_or(1);
        let error_text = is_error && matches!(&value, Value::Text(s) if s.is_empty());
        let content = ((!value_set && is_string) || error_text).then(|| Content {
            text: String::new(),
            first_paragraph: true,
            annotation: 0,
        });
        if !covered {
            let (cols, rows) = (cols.unwrap_or(1), rows.unwrap_or(1));
            if cols > 1 || rows > 1 {
                if let Some(row) = self.row.as_mut() {
                    // The row's own merges are bounded whatever its repeat (a row repeated 0
                    // times places nothing, but must not gather billions of merges either).
                    let per_row = (row.merges.len() as u64).saturating_add(repeat);
                    let total = (self.merges.len() as u64)
                        .saturating_add(per_row.saturating_mul(row.repeat.max(1)));
                    limits::check_merges(&self.sheet.name, usize_of(total))?;
                    if row.repeat > 0 {
                        for i in 0..repeat {
                            row.merges.push((row.col.saturating_add(i), cols, rows));
                        }
                    }
                }
            }
        }
        self.cell = Some(Cell {
            repeat,
            value,
            numeric,
            covered,
            style,
            content,
            depth,
        });
        Ok(())
    }

    /// The cell read ends: it is placed as often as it is repeated.
    fn end_cell(&mut self) -> Result<(), ImportError> {
        let (Some(cell), Some(row)) = (self.cell.take(), self.row.as_mut()) else {
            return Ok(());
        };
        let col = row.col;
        row.col = col.saturating_add(cell.repeat);
        let value = match cell.content {
            Some(c) => Value::Text(c.text),
            None => cell.value,
        };
        let raw = match value {
            Value::Empty => return Ok(()),
            Value::Text(s) => RawCell::Text { s: s.into() },
            Value::Bool(b) => RawCell::Text {
                s: if b { "TRUE" } else { "FALSE" }.into(),
            },
            Value::Number(n) => {
                let style = if cell.numeric && !cell.covered {
                    cell.style
                        .or_else(|| row.default_style.clone())
                        .or_else(|| column_style(&self.columns, col).map(str::to_string))
                } else {
                    None
                };
                RawCell::Number {
                    n,
                    format: style.and_then(|s| self.codes.of(self.styles, &s)),
                }
            }
        };
        if row.repeat == 0 || cell.repeat == 0 {
            return Ok(());
        }
        // The whole repeat is checked before any copy is made.
        let (r, c) = (usize_of(row.at), usize_of(col));
        let n = usize_of(cell.repeat);
        limits::check_dimensions(&self.sheet.name, r.saturating_add(1), c.saturating_add(n))?;
        if let RawCell::Text { s } = &raw {
            self.sheet.budget.add_text(&self.sheet.name, s, 0)?;
            self.sheet
                .budget
                .check_bytes(s.len().saturating_mul(n.saturating_sub(1)))?;
        }
        let held = self.sheet.held.saturating_add(n.saturating_sub(1));
        limits::check_held(&self.sheet.name, held)?;
        self.sheet.budget.check_cells(held)?;
        for i in 0..n {
            self.sheet.put(r, c + i, raw.clone())?;
        }
        self.placed = self.placed.saturating_add(n);
        Ok(())
    }

    /// The row read ends: its cells are copied as often as it is repeated, and its merges
    /// placed on each copy.
    async fn end_row<P: Pace>(&mut self, pace: &mut P, fraction: f64) -> Result<(), ImportError> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        self.next_row = row.at.saturating_add(row.repeat);
        let r = usize_of(row.at);
        let copies = usize_of(row.repeat).saturating_sub(1);
        let cells = if copies > 0 {
            self.sheet.rows.get(r).cloned().unwrap_or_default()
        } else {
            Vec::new()
        };
        if !cells.is_empty() {
            // The whole repeat is checked before any copy is made.
            limits::check_dimensions(
                &self.sheet.name,
                r.saturating_add(copies).saturating_add(1),
                cells.len(),
            )?;
            let held = self
                .sheet
                .held
                .saturating_add(cells.len().saturating_mul(copies));
            limits::check_held(&self.sheet.name, held)?;
            self.sheet.budget.check_cells(held)?;
            let text: usize = cells
                .iter()
                .map(|c| match c {
                    RawCell::Text { s } => s.len(),
                    RawCell::Number { format, .. } => format.as_deref().map_or(0, str::len),
                    RawCell::Empty => 0,
                })
                .sum();
            self.sheet.budget.check_bytes(text.saturating_mul(copies))?;
            for k in 1..=copies {
                for (c, cell) in cells.iter().enumerate() {
                    if *cell != RawCell::Empty {
                        self.sheet.put(r + k, c, cell.clone())?;
                        self.placed += 1;
                    }
                }
                if self.placed >= STEP {
                    self.placed = 0;
                    pace.step(Stage::Read, fraction).await;
                }
            }
        }
        // An empty repeat over the rest of the sheet costs nothing: only merges are copied here.
        let copies_of_merges = if row.merges.is_empty() { 0 } else { row.repeat };
        for k in 0..copies_of_merges {
            let Ok(first_row) = u32::try_from(row.at.saturating_add(k)) else {
                break;
            };
            for &(col, cols, rows) in &row.merges {
                if let Ok(first_col) = u32::try_from(col) {
                    limits::check_merges(&self.sheet.name, self.merges.len() + 1)?;
                    self.merges.push(Merge {
                        first_row,
                        first_col,
                        last_row: clamp_pos(u64::from(first_row).saturating_add(rows - 1)),
                        last_col: clamp_pos(col.saturating_add(cols - 1)),
                    });
                }
            }
        }
        Ok(())
    }
}

fn clamp_pos(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The default cell style of column `col`, if it has one.
fn column_style(columns: &[(u64, u64, String)], col: u64) -> Option<&str> {
    let i = columns.partition_point(|(start, _, _)| *start <= col);
    let (_, end, style) = columns.get(i.checked_sub(1)?)?;
    (col < *end).then_some(style.as_str())
}

impl Cell {
    /// The content being read as the cell's text, outside annotations.
    fn reading(&mut self) -> Option<&mut Content> {
        self.content.as_mut().filter(|c| c.annotation == 0)
    }

    /// An element starts inside the cell.
    fn start(&mut self, e: &BytesStart<'_>, empty: bool, depth: usize) -> Result<(), ImportError> {
        let Some(content) = self.reading() else {
            return Ok(());
        };
        match e.name().as_ref() {
            "office:annotation" if !empty => content.annotation = depth,
            "text:p" => {
                if content.first_paragraph {
                    content.first_paragraph = false;
                } else {
                    content.push('\n', 1);
                }
            }
            "text:s" => {
                let count = match raw_attr(e, "text:c") {
                    Some(v) => unescaped(&v)?
                        .parse::<i32>()
                        .map_err(|_| damaged(format!("text:c=\"{v}\" is not a count")))?,
                    None => 1,
                };
                content.push(' ', usize::try_from(count).unwrap_or(0));
            }
            "text:tab" => content.push('\t', 1),
            "text:line-break" => content.push('\n', 1),
            _ => {}
        }
        Ok(())
    }

    /// An element ends inside the cell (not the cell itself).
    fn end(&mut self, depth: usize) {
        if let Some(content) = self.content.as_mut() {
            if content.annotation == depth {
                content.annotation = 0;
            }
        }
    }
}
