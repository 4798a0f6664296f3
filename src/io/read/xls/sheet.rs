//! One worksheet's substream: its cell records checked against the limits and copied for
//! calamine, with the number format of each numeric cell.

use super::globals::{Globals, SheetRef, XfCodes};
use super::look::SheetLook;
use super::records::{
    check_units, clamp_xl_unicode_string, full_record_at, le16, push_record, string_units,
    xl_unicode_text, BOF, BOOLERR, EOF, FORMULA, LABEL, LABELSST, MERGECELLS, MULRK, NUMBER, RK,
    RSTRING, STRING,
};
use super::{damaged_x, u32_at, u64_at};
use crate::error::ImportError;
use crate::io::limits::{self, Budget};
use crate::plan::RawCell;
use crate::table::grid::Merge;
use std::sync::Arc;

/// A sheet's cells and merged ranges as the walk reads them, when asked
/// (`Found::cells`): what calamine would have read from the checked records, placed in rows
/// as they come (a later record of the same cell replaces an earlier one). The walk has checked
/// the sheet's extent and text against the limits before a cell is placed.
#[derive(Debug, Default)]
pub struct SheetCells {
    /// By 0-based row, then column; a row ends at its last cell.
    pub rows: Vec<Vec<RawCell>>,
    /// The merged ranges, first ≤ last in both directions.
    pub merges: Vec<Merge>,
    /// The columns the rows so far span.
    width: usize,
}

impl SheetCells {
    fn put(&mut self, row: u16, col: u16, cell: RawCell) {
        let (r, c) = (usize::from(row), usize::from(col));
        self.width = self.width.max(c + 1);
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        if let Some(cells) = self.rows.get_mut(r) {
            if cells.len() <= c {
                // A new row takes the width of the rows before it at once (rows of a table are
                // about as wide as each other), rather than growing cell by cell.
                if cells.capacity() == 0 {
                    cells.reserve_exact(self.width);
                }
                cells.resize(c + 1, RawCell::Empty);
            }
            if let Some(slot) = cells.get_mut(c) {
                *slot = cell;
            }
        }
    }
}

/// The number of an RK value (the 4 bytes after a cell's XF index), as calamine decodes it: a
/// 30-bit integer or the top 30 bits of a double, divided by 100 when its flag says so.
fn rk_number(rk: u32) -> f64 {
    let d100 = rk & 1 != 0;
    let v = if rk & 2 != 0 {
        // An arithmetic shift keeps the sign.
        f64::from((rk as i32) >> 2)
    } else {
        f64::from_bits(u64::from(rk & 0xFFFF_FFFC) << 32)
    };
    if d100 {
        v / 100.0
    } else {
        v
    }
}

/// The text calamine gives a BOOLERR value (`err` 0: a boolean, 1: an error code); `None` for
/// an error code calamine does not know.
fn bool_err_text(value: u8, err: u8) -> Option<&'static str> {
    Some(match (err, value) {
        (0, 0) => "FALSE",
        (0, _) => "TRUE",
        (1, 0x00) => "#NULL!",
        (1, 0x07) => "#DIV/0!",
        (1, 0x0F) => "#VALUE!",
        (1, 0x17) => "#REF!",
        (1, 0x1D) => "#NAME?",
        (1, 0x24) => "#NUM!",
        (1, 0x2A) => "#N/A",
        (1, 0x2B) => "#DATA!",
        _ => return None,
    })
}

/// The format code of each numeric cell of a sheet, as an index into `Checked::codes`.
///
/// Rows and columns are those of cells already checked against the sheet's limits, so the
/// table is no larger than two bytes per cell of the sheet's extent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetCodes {
    /// By 0-based row, then column: 0 for none (General or unknown), else 1 + the index.
    rows: Vec<Vec<u16>>,
}

impl SheetCodes {
    /// The code of the numeric cell at 0-based (row, col), `None` for General or unknown.
    pub fn get(&self, row: u32, col: u32, codes: &[Arc<str>]) -> Option<Arc<str>> {
        let i = *self.rows.get(row as usize)?.get(col as usize)?;
        codes.get(usize::from(i).checked_sub(1)?).cloned()
    }

    /// Each cell with a code: its 0-based row and column, and the code.
    pub fn cells<'a>(
        &'a self,
        codes: &'a [Arc<str>],
    ) -> impl Iterator<Item = (u32, u32, Arc<str>)> + 'a {
        self.rows.iter().enumerate().flat_map(move |(r, cells)| {
            cells.iter().enumerate().filter_map(move |(c, &i)| {
                let code = codes.get(usize::from(i).checked_sub(1)?)?.clone();
                Some((u32::try_from(r).ok()?, u32::try_from(c).ok()?, code))
            })
        })
    }

    /// How many cells have a code.
    pub fn len(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.iter().filter(|&&i| i != 0).count())
            .sum()
    }

    /// Whether no cell has a code.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn set(&mut self, row: u16, col: u16, index: u16) {
        let (row, col) = (usize::from(row), usize::from(col));
        if self.rows.len() <= row {
            if index == 0 {
                return;
            }
            self.rows.resize_with(row + 1, Vec::new);
        }
        let Some(cells) = self.rows.get_mut(row) else {
            return;
        };
        if cells.len() <= col {
            if index == 0 {
                return;
            }
            cells.resize(col + 1, 0);
        }
        if let Some(slot) = cells.get_mut(col) {
            *slot = index;
        }
    }
}

/// The extent of one sheet's cells, checked against the limits as cells are added.
struct Extent<'a> {
    name: &'a str,
    rows: usize,
    cols: usize,
    merges: usize,
}

impl Extent<'_> {
    fn cell(&mut self, row: u16, col: u16, budget: &Budget) -> Result<(), ImportError> {
        self.rows = self.rows.max(usize::from(row) + 1);
        self.cols = self.cols.max(usize::from(col) + 1);
        limits::check_extent(self.name, self.rows, self.cols)?;
        budget.check_cells(self.rows.saturating_mul(self.cols))
    }
}

/// What the walk over a sheet's records finds besides the records: the number format codes
/// of its numeric cells and its look.
pub(super) struct Found<'g> {
    pub(super) codes: SheetCodes,
    pub(super) look: SheetLook<'g>,
    /// The cells and merges, when the caller reads them here rather than with calamine (the
    /// codes are then left empty).
    pub(super) cells: Option<SheetCells>,
}

impl Found<'_> {
    /// Notes a numeric cell's format (an index into the workbook's codes) for calamine's
    /// reading; a cell read here carries its format itself.
    fn code(&mut self, row: u16, col: u16, index: u16) {
        if self.cells.is_none() {
            self.codes.set(row, col, index);
        }
    }

    /// Keeps a cell when the cells are read here.
    fn keep(&mut self, row: u16, col: u16, cell: impl FnOnce() -> RawCell) {
        if let Some(c) = self.cells.as_mut() {
            c.put(row, col, cell());
        }
    }
}

/// A number with the format code of its XF.
fn number(n: f64, ixfe: u16, xf: &XfCodes) -> RawCell {
    let i = xf.index(ixfe);
    RawCell::Number {
        n,
        format: usize::from(i)
            .checked_sub(1)
            .and_then(|i| xf.codes.get(i).cloned()),
    }
}

/// The first [`crate::pace::FIRST_ROWS`] rows of the cells read so far, once a row after them
/// has a cell: what a first screen is made of (no merges yet: they come at the sheet's end).
fn first_rows(name: &str, found: &Found<'_>) -> Option<crate::table::grid::Sheet> {
    let cells = found.cells.as_ref()?;
    let rows = cells.rows.get(..crate::pace::FIRST_ROWS)?;
    (cells.rows.len() > crate::pace::FIRST_ROWS).then(|| crate::table::grid::Sheet {
        name: name.to_string(),
        rows: rows.to_vec(),
        merges: Vec::new(),
    })
}

/// Walks one sheet's records. `xml_bytes`: the size its XML would have (see
/// [`crate::pace::Pace::first_rows`]), for the pace to decide on a first screen.
#[allow(clippy::too_many_arguments)]
pub(super) async fn copy_sheet<P: crate::pace::Pace>(
    stream: &[u8],
    sheet: &SheetRef,
    g: &Globals,
    xf: &XfCodes,
    found: &mut Found<'_>,
    out: &mut Vec<u8>,
    budget: &mut Budget,
    pace: &mut P,
    xml_bytes: u64,
) -> Result<(), ImportError> {
    let encoding = codepage::to_encoding(g.codepage).unwrap_or(encoding_rs::WINDOWS_1252);
    let text = |s: &[u8]| RawCell::Text {
        s: xl_unicode_text(s, g.biff8, encoding).into(),
    };
    let mut ext = Extent {
        name: &sheet.name,
        rows: 0,
        cols: 0,
        merges: 0,
    };
    let mut pos = sheet.pos;
    let mut seen_bof = false;
    let mut depth = 0usize;
    // calamine's `fmla_pos`: where a STRING record's text goes.
    let mut fmla: [u8; 6] = [0; 6];
    let text_units = |units: usize| units.saturating_mul(3);
    let mut records = 0usize;
    let mut first_shown = false;
    while let Some((rec, next)) = full_record_at(stream, pos)? {
        pos = next;
        // Rows come in order (blocks of 32): once a cell lies past the first rows, they are
        // read and can be shown while the rest is.
        if !first_shown {
            if let Some(first) = first_rows(&sheet.name, found) {
                first_shown = true;
                pace.first_rows(crate::io::Format::Xls, &first, xml_bytes)
                    .await;
            }
        }
        // A 20,000-row sheet is a few hundred thousand records: the page breathes between slices.
        records += 1;
        if records.is_multiple_of(crate::pace::STEP) {
            pace.step(crate::pace::Stage::Read, 0.0).await;
        }
        let d = rec.data;
        if depth > 0 {
            match rec.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let head = d.get(..6);
        let rc = || -> Result<(u16, u16), ImportError> { Ok((le16(d, 0)?, le16(d, 2)?)) };
        match rec.typ {
            BOF => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                    push_record(out, BOF, &[d])?;
                }
            }
            NUMBER | RK | LABELSST | BOOLERR => {
                let min = match rec.typ {
                    NUMBER => 14,
                    RK | LABELSST => 10,
                    _ => 8,
                };
                if d.len() < min {
                    return Err(damaged_x("cell record too short"));
                }
                let (row, col) = rc()?;
                let ixfe = le16(d, 4)?;
                let mut sst = None;
                if rec.typ == LABELSST {
                    let i = u32_at(d, 6).unwrap_or(u32::MAX) as usize;
                    let Some(&units) = g.sst.get(i) else { continue };
                    budget.add_bytes(text_units(units as usize))?;
                    sst = Some(i);
                }
                ext.cell(row, col, budget)?;
                found.look.cell(row, col, ixfe);
                if matches!(rec.typ, NUMBER | RK) {
                    found.code(row, col, xf.index(ixfe));
                }
                match rec.typ {
                    NUMBER => {
                        let n = f64::from_bits(u64_at(d, 6).unwrap_or(0));
                        found.keep(row, col, || number(n, ixfe, xf));
                    }
                    RK => {
                        let n = rk_number(u32_at(d, 6).unwrap_or(0));
                        found.keep(row, col, || number(n, ixfe, xf));
                    }
                    LABELSST => {
                        let s = sst.and_then(|i| g.strings.get(i));
                        found.keep(row, col, || RawCell::Text {
                            s: s.map_or("", String::as_str).into(),
                        });
                    }
                    _ => {
                        let (value, err) = (d.get(6).copied(), d.get(7).copied());
                        if let Some(t) = value.zip(err).and_then(|(v, e)| bool_err_text(v, e)) {
                            found.keep(row, col, || RawCell::Text { s: t.into() });
                        }
                    }
                }
                push_record(out, rec.typ, &[d])?;
            }
            LABEL | RSTRING => {
                let (Some(head), Some(body)) = (head, d.get(6..)) else {
                    return Err(damaged_x("LABEL record too short"));
                };
                let s = clamp_xl_unicode_string(body, g.biff8)
                    .ok_or_else(|| damaged_x("LABEL string"))?;
                let (row, col) = rc()?;
                check_units(&sheet.name, string_units(&s), g.biff8)?;
                budget.add_bytes(text_units(string_units(&s)))?;
                ext.cell(row, col, budget)?;
                found.look.cell(row, col, le16(d, 4)?);
                found.keep(row, col, || text(&s));
                push_record(out, LABEL, &[head, &s])?;
            }
            FORMULA => {
                if d.len() < 20 {
                    return Err(damaged_x("FORMULA record too short"));
                }
                let (row, col) = rc()?;
                let ixfe = le16(d, 4)?;
                found.look.cell(row, col, ixfe);
                let head = d.get(..6).unwrap_or_default();
                fmla.copy_from_slice(head);
                let value = d.get(6..14).unwrap_or_default();
                let tagged = value.get(6..8) == Some(&[0xFF, 0xFF][..]);
                let kind = value.first().copied().unwrap_or(0);
                let extra = value.get(2).copied().unwrap_or(0);
                match (tagged, kind) {
                    (false, _) => {
                        ext.cell(row, col, budget)?;
                        found.code(row, col, xf.index(ixfe));
                        let n = f64::from_bits(u64_at(value, 0).unwrap_or(0));
                        found.keep(row, col, || number(n, ixfe, xf));
                        push_record(out, NUMBER, &[head, value])?;
                    }
                    (true, 0) => {} // the text is in the STRING record that follows
                    (true, kind @ (1 | 2)) => {
                        ext.cell(row, col, budget)?;
                        let err = kind - 1;
                        if let Some(t) = bool_err_text(extra, err) {
                            found.keep(row, col, || RawCell::Text { s: t.into() });
                        }
                        push_record(out, BOOLERR, &[head, &[extra, err]])?;
                    }
                    (true, 3) => {
                        ext.cell(row, col, budget)?;
                        let empty: &[u8] = if g.biff8 { &[0, 0, 0] } else { &[0, 0] };
                        found.keep(row, col, || RawCell::Text { s: "".into() });
                        push_record(out, LABEL, &[head, empty])?;
                    }
                    _ => return Err(damaged_x("FORMULA value")),
                }
            }
            STRING => {
                let s = clamp_xl_unicode_string(d, g.biff8)
                    .ok_or_else(|| damaged_x("STRING record"))?;
                let (row, col) = (le16(&fmla, 0)?, le16(&fmla, 2)?);
                check_units(&sheet.name, string_units(&s), g.biff8)?;
                budget.add_bytes(text_units(string_units(&s)))?;
                ext.cell(row, col, budget)?;
                found.keep(row, col, || text(&s));
                push_record(out, LABEL, &[&fmla, &s])?;
            }
            MULRK => {
                if d.len() < 6 {
                    return Err(damaged_x("MULRK record too short"));
                }
                let (row, first) = rc()?;
                let last = le16(d, d.len() - 2)?;
                if last < first || d.len() != 6 + 6 * (usize::from(last) - usize::from(first) + 1) {
                    return Err(damaged_x("MULRK record"));
                }
                ext.cell(row, first, budget)?;
                ext.cell(row, last, budget)?;
                let cells = d.get(4..d.len() - 2).unwrap_or_default();
                for (col, cell) in (first..=last).zip(cells.chunks_exact(6)) {
                    let ixfe = le16(cell, 0)?;
                    found.code(row, col, xf.index(ixfe));
                    found.look.cell(row, col, ixfe);
                    let n = rk_number(u32_at(cell, 2).unwrap_or(0));
                    found.keep(row, col, || number(n, ixfe, xf));
                }
                push_record(out, MULRK, &[d])?;
            }
            MERGECELLS => {
                let count = usize::from(le16(d, 0)?);
                let count = count.min((d.len() - 2) / 8);
                ext.merges = ext.merges.saturating_add(count);
                limits::check_merges(&sheet.name, ext.merges)?;
                let n = u16::try_from(count).unwrap_or(0).to_le_bytes();
                let body = d.get(2..2 + 8 * count).unwrap_or_default();
                if let Some(c) = found.cells.as_mut() {
                    for m in body.chunks_exact(8) {
                        let at = |i| u32::from(le16(m, i).unwrap_or(0));
                        let (rf, rl, cf, cl) = (at(0), at(2), at(4), at(6));
                        c.merges.push(Merge {
                            first_row: rf.min(rl),
                            first_col: cf.min(cl),
                            last_row: rf.max(rl),
                            last_col: cf.max(cl),
                        });
                    }
                }
                push_record(out, MERGECELLS, &[&n, body])?;
            }
            EOF => break,
            other => found.look.record(other, d),
        }
    }
    if !seen_bof {
        // calamine reads no BOF record of a sheet; an empty sheet needs none either.
    }
    push_record(out, EOF, &[])?;
    budget.add_sheet(ext.rows.saturating_mul(ext.cols))
}
