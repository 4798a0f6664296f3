//! One `.xlsx` worksheet part, read in one pass over its inflated XML (cut into tokens by
//! [`Scan`]): the head before `<sheetData>` (column widths, frozen panes, fit to page), every
//! `<row>` (custom heights) and `<c>` (value, style), and the tail after it (merged ranges, page
//! setup). The reader pauses for its [`Pace`] every [`XML_STEP`] tokens (between cells) and
//! hands the first rows over as soon as they are read.
//!
//! Values are read as calamine reads them (the differential test holds us to it), except that
//! what calamine refuses the whole workbook for is kept: a number that does not parse or a
//! boolean that is neither `true` nor `false` is kept as its text, a shared string index that
//! does not exist leaves the cell empty, and a part cut short inside its cells is refused.

use super::look;
use super::scan::{self, local, Scan, Token};
use super::strings::Strings;
use super::text::{preserved, unescape, Rich};
use super::{StyleCodes, BUFFER};
use crate::error::ImportError;
use crate::io::limits::{MAX_PART_BYTES, MAX_ROWS, MAX_XML_DEPTH};
use crate::io::read::SheetBuilder;
use crate::pace::XML_STEP;
use crate::pace::{self, Pace, Stage};
use crate::plan::{CellText, RawCell};
use crate::table::grid::{Format, Merge};
use crate::table::style::{BlockBuilder, SheetStyle};
use std::io::Read;

/// What the workbook gives every sheet: its shared strings (read as the cells need them) and
/// its styles (calamine's reading of `styles.xml`).
pub struct Shared<'a, R: Read> {
    pub strings: &'a mut Strings<R>,
    pub styles: &'a [calamine::Style],
}

/// What a sheet's XML states besides its cells.
#[derive(Debug, Default)]
pub struct Extras {
    /// Merged ranges, first ≤ last in both directions.
    pub merges: Vec<Merge>,
    /// Cell styles, widths, heights, frozen panes and page setup.
    pub look: SheetStyle,
}

/// The longest head (the XML before `<sheetData>`) kept for widths and panes.
const MAX_HEAD: usize = 4 << 20;

/// The type a cell's `t` states.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// `s`: an index into the shared strings.
    Shared,
    /// `b`.
    Bool,
    /// `inlineStr`: the value is in `<is>`.
    Inline,
    /// `str` (a formula's text), `e` (an error), `d` (an ISO date): text as written.
    Text,
    /// `str` needs Excel's `_xHHHH_` escapes decoded.
    FormulaText,
    /// No `t`, `n`, or anything else: a number if it parses, else text.
    Number,
}

impl Kind {
    fn of(t: Option<&[u8]>) -> Self {
        match t {
            Some(b"s") => Self::Shared,
            Some(b"b") => Self::Bool,
            Some(b"inlineStr" | b"is") => Self::Inline,
            Some(b"str") => Self::FormulaText,
            Some(b"e" | b"d") => Self::Text,
            _ => Self::Number,
        }
    }
}

/// A cell's value before its format is looked up.
#[derive(Debug, PartialEq)]
enum Value<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
}

/// The value of a cell of `kind` whose `<v>` holds `v`; `inline` is the text of its `<is>`, if
/// it had one (which wins, as in calamine).
fn value<'a>(
    kind: Kind,
    v: &'a str,
    inline: Option<&'a str>,
    strings: &'a [CellText],
) -> Value<'a> {
    if let Some(text) = inline {
        return Value::Text(text);
    }
    match kind {
        Kind::Inline => Value::Empty,
        _ if v.is_empty() => Value::Empty,
        Kind::Shared => v
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| strings.get(i))
            .map_or(Value::Empty, |s| Value::Text(s.as_str())),
        Kind::Bool => match v.trim() {
            "" => Value::Empty,
            "1" => Value::Text("TRUE"),
            "0" => Value::Text("FALSE"),
            t if t.eq_ignore_ascii_case("true") => Value::Text("TRUE"),
            t if t.eq_ignore_ascii_case("false") => Value::Text("FALSE"),
            other => Value::Text(other),
        },
        Kind::Text | Kind::FormulaText => Value::Text(v),
        Kind::Number => v.parse::<f64>().map_or(Value::Text(v), Value::Number),
    }
}

/// `B12` → (11, 1), 0-based; `None` for anything else (the running position is used then).
pub(super) fn position(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let (col, row) = r.split_at(letters);
    if row.is_empty() || row.len() > 7 || !row.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let col = col.iter().fold(0u32, |acc, b| {
        acc * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = row
        .iter()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    Some((row.checked_sub(1)?, col - 1))
}

/// Where a cell's value is being read from.
#[derive(Clone, Copy, PartialEq)]
enum Inside {
    Nothing,
    V,
    Is,
    /// A formula or anything else whose text is not the value.
    Other,
}

/// The cell being read.
struct Cell {
    row: u32,
    col: u32,
    style: usize,
    kind: Kind,
    inline: bool,
}

/// Reads the sheet part `file` (uncompressed `size` bytes as the zip directory states it) into
/// `sheet`, and returns what it states besides the cells. `progress` maps the fraction of the
/// part read to the fraction reported with [`Stage::Read`].
///
/// # Errors
/// [`ImportError::Damaged`] when the XML cannot be read, [`ImportError::TooDeep`] when it nests
/// deeper than any sheet, and the limits of [`SheetBuilder::put`].
#[allow(clippy::too_many_lines)]
pub async fn read<P: Pace, S: Read>(
    file: impl Read,
    size: u64,
    shared: &mut Shared<'_, S>,
    codes: &mut StyleCodes,
    sheet: &mut SheetBuilder<'_>,
    pace: &mut P,
    progress: impl Fn(f64) -> f64,
) -> Result<Extras, ImportError> {
    let mut scan = Scan::new(file.take(MAX_PART_BYTES), BUFFER);
    // Errors name the sheet, as the user knows it.
    let name = sheet.name.clone();
    let damaged = |e: &dyn std::fmt::Display| super::damaged(format!("sheet {name}: {e}"));
    let mut looks = look::Palette::default();
    let mut blocks = BlockBuilder::new(crate::io::limits::MAX_STYLE_RUNS);
    let mut heights: Vec<(u32, f64)> = Vec::new();
    let mut head: Vec<u8> = Vec::new();
    let mut in_data = false;
    let mut depth = 0usize;
    // The running position (for rows and cells without `r`), 0-based.
    let (mut next_row, mut next_col) = (0u32, 0u32);
    let mut cell: Option<Cell> = None;
    let mut inside = Inside::Nothing;
    // The depth of the element that made `inside` Other.
    let mut other_at = 0usize;
    let mut v = String::new();
    let mut rich = Rich::default();
    let mut text = String::new();
    let mut since_step = 0usize;
    let mut first_shown = false;
    let whole = size.max(1) as f64;
    // An element written empty (`<c r="B2" s="3"/>`) ends where it starts.
    let mut pending_end: Option<Name> = None;
    loop {
        // Between cells (a cell's shared string is looked up at its end), and also in long runs
        // of rows without cells or a long head.
        if since_step >= XML_STEP && inside == Inside::Nothing && pending_end.is_none() {
            since_step = 0;
            pace.step(Stage::Read, progress(scan.position() as f64 / whole))
                .await;
        }
        let event = match pending_end.take() {
            Some(n) => Ev::End(n),
            None => {
                since_step += 1;
                let (token, raw) = scan.next().map_err(|e| damaged(&e))?;
                if !in_data && head.len() < MAX_HEAD {
                    head.extend_from_slice(raw.get(..MAX_HEAD - head.len()).unwrap_or(raw));
                }
                match token {
                    Token::Start {
                        name: tag,
                        attrs,
                        empty,
                    } => {
                        let n = Name::of(local(tag));
                        let info = match n {
                            Name::Row if in_data && cell.is_none() => {
                                Info::Row(look::row_tag(attrs))
                            }
                            Name::C if in_data && cell.is_none() => {
                                Info::Cell(cell_tag(attrs, next_row, next_col))
                            }
                            Name::T => Info::Preserve(preserved(attrs)),
                            _ => Info::None,
                        };
                        if empty {
                            pending_end = Some(n);
                        }
                        Ev::Start(n, info)
                    }
                    Token::End { name: tag } => Ev::End(Name::of(local(tag))),
                    Token::Text(t) if matches!(inside, Inside::V | Inside::Is) => {
                        text.clear();
                        scan::decode(t, &mut text).map_err(|e| damaged(&e))?;
                        Ev::Text
                    }
                    Token::CData(t) if matches!(inside, Inside::V | Inside::Is) => {
                        text.clear();
                        scan::decode_cdata(t, &mut text).map_err(|e| damaged(&e))?;
                        Ev::Text
                    }
                    Token::Eof => Ev::Eof,
                    _ => continue,
                }
            }
        };
        match event {
            Ev::Start(n, info) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(ImportError::TooDeep {
                        part: name.clone(),
                        limit: MAX_XML_DEPTH,
                    });
                }
                match (n, info) {
                    (Name::SheetData, _) if !in_data => in_data = true,
                    (Name::Row, Info::Row((r, ht))) => {
                        let row = r.and_then(|r| r.checked_sub(1)).unwrap_or(next_row);
                        next_row = row;
                        next_col = 0;
                        if let Some(ht) = ht {
                            if heights.len() < MAX_ROWS && heights.last().is_none_or(|h| h.0 < row)
                            {
                                heights.push((row, ht));
                            }
                        }
                    }
                    (Name::C, Info::Cell(c)) => {
                        cell = Some(c);
                        inside = Inside::Nothing;
                        v.clear();
                    }
                    (Name::V, _) if cell.is_some() && inside == Inside::Nothing => {
                        // A second <v> replaces the first, as calamine reads it.
                        v.clear();
                        inside = Inside::V;
                    }
                    (Name::Is, _) if cell.is_some() && inside == Inside::Nothing => {
                        inside = Inside::Is;
                        rich.clear();
                    }
                    (n, info) if inside == Inside::Is => {
                        rich.start_raw(n.rich(), matches!(info, Info::Preserve(true)));
                    }
                    _ if cell.is_some() && inside == Inside::Nothing => {
                        inside = Inside::Other;
                        other_at = depth;
                    }
                    _ => {}
                }
            }
            Ev::End(n) => {
                let closing = depth;
                depth = depth.saturating_sub(1);
                match n {
                    Name::C if cell.is_some() => {
                        let Some(c) = cell.take() else { continue };
                        inside = Inside::Nothing;
                        next_col = c.col.saturating_add(1);
                        if !first_shown && c.row as usize >= pace::FIRST_ROWS {
                            first_shown = true;
                            let first = sheet.first_rows(pace::FIRST_ROWS);
                            pace.first_rows(Format::Xlsx, &first, size).await;
                        }
                        let done = progress(scan.position() as f64 / whole);
                        if c.kind == Kind::Shared && !c.inline {
                            if let Ok(index) = v.trim().parse::<usize>() {
                                shared.strings.ensure(index, pace, done).await?;
                            }
                        }
                        place(&c, &v, &rich, shared, codes, sheet, &mut looks, &mut blocks)?;
                    }
                    Name::V if inside == Inside::V => inside = Inside::Nothing,
                    Name::Is if inside == Inside::Is => {
                        inside = Inside::Nothing;
                        if let Some(c) = cell.as_mut() {
                            c.inline = true;
                        }
                    }
                    n if inside == Inside::Is => rich.end_raw(n.rich()),
                    Name::Row if cell.is_none() => {
                        next_row = next_row.saturating_add(1);
                        next_col = 0;
                    }
                    Name::SheetData if in_data && cell.is_none() => break,
                    _ if inside == Inside::Other && closing == other_at => inside = Inside::Nothing,
                    _ => {}
                }
            }
            Ev::Text => match inside {
                Inside::V => v.push_str(&text),
                Inside::Is => rich.text(&text, &name)?,
                _ => {}
            },
            // A part cut short inside its cells would lose the rest of them without a word.
            Ev::Eof if in_data => {
                return Err(super::damaged(format!(
                    "sheet {name}: its XML ends inside its cells"
                )));
            }
            Ev::Eof => break,
        }
    }
    // The tail: what the tokenizer holds already, then the rest of the part, a buffer at a time.
    let (held, rest) = scan.rest();
    let mut tail = held.to_vec();
    let mut chunk = vec![0u8; BUFFER];
    loop {
        let n = rest.read(&mut chunk).map_err(|e| damaged(&e))?;
        if n == 0 {
            break;
        }
        tail.extend_from_slice(chunk.get(..n).unwrap_or_default());
        since_step += n / 64;
        if since_step >= XML_STEP {
            since_step = 0;
            pace.step(Stage::Read, progress(1.0)).await;
        }
    }
    let head = look::head(&head);
    let tail = look::tail(&String::from_utf8_lossy(&tail), head.fit_to_page);
    let merges = tail
        .merges
        .iter()
        .filter_map(|r| super::parts::range(r))
        .collect();
    Ok(Extras {
        merges,
        look: SheetStyle {
            palette: looks.finish(),
            blocks: blocks.finish(),
            widths: head.widths,
            heights,
            freeze: head.freeze,
            page: tail.page,
        },
    })
}

/// A `<c>` tag's position, style and type, from its attributes as written.
fn cell_tag(attrs: &[u8], row: u32, col: u32) -> Cell {
    let mut out = Cell {
        row,
        col,
        style: 0,
        kind: Kind::Number,
        inline: false,
    };
    for (key, value) in look::raw_attrs(attrs) {
        match local(key) {
            b"r" => {
                if let Some((r, c)) = position(value) {
                    out.row = r;
                    out.col = c;
                }
            }
            b"s" => {
                out.style = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
            }
            b"t" => out.kind = Kind::of(Some(value)),
            _ => {}
        }
    }
    out
}

/// The elements the reader tells apart, by local name.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Name {
    SheetData,
    Row,
    C,
    V,
    Is,
    T,
    RPh,
    Other,
}

impl Name {
    fn of(local: &[u8]) -> Self {
        match local {
            b"sheetData" => Self::SheetData,
            b"row" => Self::Row,
            b"c" => Self::C,
            b"v" => Self::V,
            b"is" => Self::Is,
            b"t" => Self::T,
            b"rPh" => Self::RPh,
            _ => Self::Other,
        }
    }

    /// The name as [`Rich`] knows it.
    fn rich(self) -> &'static str {
        match self {
            Self::T => "t",
            Self::RPh => "rPh",
            _ => "",
        }
    }
}

/// What a start tag's attributes said, for the elements that have something to say.
enum Info {
    None,
    Row((Option<u32>, Option<f64>)),
    Cell(Cell),
    Preserve(bool),
}

/// A token as the reader's state machine takes it.
enum Ev {
    Start(Name, Info),
    End(Name),
    /// Text (decoded into the reader's `text`) inside a `<v>` or an `<is>`.
    Text,
    Eof,
}

/// Puts a read cell into the sheet, its style into the sheet's look.
#[allow(clippy::too_many_arguments)]
fn place<S: Read>(
    c: &Cell,
    v: &str,
    rich: &Rich,
    shared: &Shared<'_, S>,
    codes: &mut StyleCodes,
    sheet: &mut SheetBuilder<'_>,
    looks: &mut look::Palette,
    blocks: &mut BlockBuilder,
) -> Result<(), ImportError> {
    if c.style != 0 {
        if let (Some(id), Ok(col)) = (looks.id(shared.styles, c.style), u16::try_from(c.col)) {
            blocks.put(c.row, col, id);
        }
    }
    let unescaped;
    let v = if c.kind == Kind::FormulaText {
        unescaped = unescape(v);
        &*unescaped
    } else {
        v
    };
    let inline = c.inline.then_some(rich.out.as_str());
    let raw = match value(c.kind, v, inline, shared.strings.read_so_far()) {
        Value::Empty => return Ok(()),
        Value::Text(s) => RawCell::Text { s: s.into() },
        Value::Number(n) => RawCell::Number {
            n,
            format: codes.get(shared.styles, c.style),
        },
    };
    sheet.put(c.row as usize, c.col as usize, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_parse_like_excel_writes_them() {
        assert_eq!(position(b"A1"), Some((0, 0)));
        assert_eq!(position(b"ab12"), Some((11, 27)));
        assert_eq!(position(b"XFD1048576"), Some((1_048_575, 16_383)));
        for bad in [
            &b"A0"[..],
            b"1A",
            b"ABCD1",
            b"A",
            b"A12345678",
            b"$A$1",
            b"",
        ] {
            assert_eq!(position(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn values_follow_the_cell_type() {
        let strings = [CellText::from("指标"), CellText::from("单位")];
        let v = |kind, text| value(kind, text, None, &strings);
        assert_eq!(v(Kind::Shared, "1"), Value::Text("单位"));
        assert_eq!(v(Kind::Shared, "2"), Value::Empty);
        assert_eq!(v(Kind::Shared, ""), Value::Empty);
        assert_eq!(v(Kind::Number, "66.3"), Value::Number(66.3));
        assert_eq!(v(Kind::Number, "1E-3"), Value::Number(0.001));
        assert_eq!(v(Kind::Number, "—"), Value::Text("—"));
        assert_eq!(v(Kind::Bool, "1"), Value::Text("TRUE"));
        assert_eq!(v(Kind::Bool, "false"), Value::Text("FALSE"));
        assert_eq!(v(Kind::Bool, "True"), Value::Text("TRUE"));
        assert_eq!(v(Kind::Bool, "yes"), Value::Text("yes"));
        assert_eq!(v(Kind::Text, "#DIV/0!"), Value::Text("#DIV/0!"));
        assert_eq!(v(Kind::Inline, "3"), Value::Empty);
        assert_eq!(
            value(Kind::Number, "3", Some("三"), &strings),
            Value::Text("三")
        );
        assert_eq!(Kind::of(Some(b"inlineStr")), Kind::Inline);
        assert_eq!(Kind::of(Some(b"n")), Kind::Number);
        assert_eq!(Kind::of(None), Kind::Number);
    }
}
