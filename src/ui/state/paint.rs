//! The grid's body drawn on a canvas: the rows in view as a list of drawing operations.
//!
//! A screen of scrolling in the DOM grid builds ~1,000 new `<td>` that the browser then styles,
//! lays out and paints (200–400 ms at 1366×768, README "The grid at size"). The canvas body
//! draws the same cells with a few hundred fills and texts instead; the DOM rows stay as a
//! transparent layer over it (the active cell, the editor, accessibility) and catch up once
//! scrolling rests. What is drawn where is decided here, in plain Rust, from the rows the grid
//! model gives ([`super::grid::GridModel::window`]) and the column widths: [`paint`] returns
//! [`Op`]s in CSS pixels of the canvas, which `ui/browser/canvas.rs` only executes.
//!
//! The look follows `style/main.css` cell by cell (the tests check the colours against it):
//! padding 2 px 6 px, a 1 px border right and below, numbers and computed or typed values on
//! the right, texts that do not fit end in `…`, numbers that do not fit show `###`
//! ([`fit_text`]), a merged range over several rows wraps its text over 18 px lines and centres
//! it, frozen columns stay at the left over the others.
//!
//! [`hit`] is the inverse: the cell under a point of the canvas, so a click lands on the right
//! cell before the DOM rows have caught up. [`step_toward`] is that catch-up, a few rows a time.

use super::grid::{CellSource, GridRow, RowKind};
use super::widths::{avail_px, fit_text, is_number, Metrics};
use crate::plan::Status;
use std::ops::Range;

/// The height of a body row in pixels (the stylesheet's `--row-h`).
pub const ROW_H: f64 = 26.0;
/// Rows rendered above and below the visible ones.
pub const OVERSCAN: usize = 6;
/// The DOM rows a catch-up step renders (one task each).
pub const SLICE: usize = 6;
/// The horizontal padding of a cell (the stylesheet's `padding: 2px 6px`).
const PAD_X: f64 = 6.0;
/// The top padding of a cell.
const PAD_Y: f64 = 2.0;
/// The line box of a body cell (`line-height: calc(var(--row-h) - 6px)`).
const LINE_H: f64 = 20.0;
/// The line box in a merged range over several rows (`.grid td.tall { line-height: 18px }`).
pub const TALL_LINE_H: f64 = 18.0;

/// The grid's font as a canvas `font`: 13 px in the stylesheet's `--font` families.
pub const FONT: &str = "13px \"Microsoft YaHei\", \"PingFang SC\", \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"WenQuanYi Micro Hei\", system-ui, sans-serif";

/// The colours of `style/main.css` the body uses.
pub mod colour {
    /// `--fg`: text.
    pub const FG: &str = "#1f2328";
    /// `--muted`: the rows below the table, row numbers.
    pub const MUTED: &str = "#59636e";
    /// `--bg`: the page, frozen cells.
    pub const BG: &str = "#ffffff";
    /// `--panel`: the row-number column.
    pub const PANEL: &str = "#f6f8fa";
    /// `--line`: cell borders.
    pub const LINE: &str = "#d0d7de";
    /// `--cell-computed`.
    pub const COMPUTED: &str = "#fff2cc";
    /// `--cell-manual`.
    pub const MANUAL: &str = "#ddf4ff";
    /// `--st-met`.
    pub const MET: &str = "#dafbe1";
    /// `--st-ontrack`.
    pub const ON_TRACK: &str = "#e6f4ea";
    /// `--st-lagging`.
    pub const LAGGING: &str = "#ffebe9";
    /// `--bar-fg`: the realization bar.
    pub const BAR: &str = "rgba(26, 127, 55, .35)";
    /// `--bar-lag`: the realization bar of a lagging indicator.
    pub const BAR_LAG: &str = "rgba(207, 34, 46, .30)";
    /// `td.invalid`: the corner flag and the text of a value that is no number.
    pub const INVALID_FLAG: &str = "#d93025";
    pub const INVALID_FG: &str = "#b3261e";
    /// `td.sel`: the selection's tint.
    pub const SEL: &str = "rgba(9, 105, 218, .10)";
    /// `td.active`: the active cell's ring while the grid has focus, and without it.
    pub const RING: &str = "#0969da";
    pub const RING_BLUR: &str = "rgba(9, 105, 218, .5)";
}

/// A rectangle in CSS pixels of the canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Where a text sits in its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One drawing operation, in CSS pixels of the canvas, in the order to draw them.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A filled rectangle (backgrounds, borders, the bar, the selection's tint).
    Fill { rect: Rect, colour: &'static str },
    /// A right triangle in the top-left corner at (x, y) with legs of `size` (the flag of a
    /// value that is no number).
    Corner {
        x: f64,
        y: f64,
        size: f64,
        colour: &'static str,
    },
    /// One line of text: `x` is its left edge (or right edge, aligned right), centred in the
    /// line box from `top`, `line_h` high; drawn inside `clip` where it may overflow.
    Text {
        text: String,
        x: f64,
        top: f64,
        line_h: f64,
        align: Align,
        colour: &'static str,
        clip: Option<Rect>,
    },
    /// A 2 px ring inside `rect` (the active cell).
    Ring { rect: Rect, colour: &'static str },
}

/// A cell: 0-based row and display column.
pub type Pos = (usize, usize);

/// Where the body is and what marks it: everything [`paint`] needs besides the rows.
#[derive(Clone, Debug)]
pub struct View<'a> {
    /// The canvas in CSS pixels (the scroller's client area).
    pub width: f64,
    pub height: f64,
    /// The canvas x of the table's left edge (minus the horizontal scroll).
    pub origin_x: f64,
    /// The canvas y of the top of body row index 0 (the rows shown, filters applied).
    pub origin_y: f64,
    /// The row-number column's width.
    pub head_w: f64,
    /// Every display column's width.
    pub widths: &'a [u32],
    /// Columns frozen at the left.
    pub frozen: usize,
    /// The font's widths, as the DOM grid fits its texts with them.
    pub metrics: Metrics,
    pub active: Option<Pos>,
    /// The selection's corners.
    pub sel: Option<(Pos, Pos)>,
    /// Whether to draw the active cell's ring (the DOM draws it where its row is rendered).
    pub ring: bool,
    /// Whether the grid has focus (a blue ring, otherwise a paler one).
    pub focused: bool,
}

/// What [`paint`] gives: the operations and the 1-based sheet rows of the first and last body
/// row visible on the canvas.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Painted {
    pub ops: Vec<Op>,
    pub rows: Option<(u32, u32)>,
}

/// The body rows to render, as a range of indices into the rows shown: those in view plus
/// [`OVERSCAN`] each side. `top` is the scroll offset minus the title rows above the body.
pub fn window_range(top: f64, view_h: f64, rows: usize) -> Range<usize> {
    let first = (top / ROW_H).floor().max(0.0) as usize;
    let visible = (view_h / ROW_H).ceil().max(0.0) as usize;
    let from = first.saturating_sub(OVERSCAN).min(rows);
    let to = (first + visible + OVERSCAN).min(rows);
    from..to.max(from)
}

/// One step of the DOM rows catching up from `cur` to `target`: the rows both hold are kept,
/// and at most `slice` new rows added (first below, then above). A far jump starts again from
/// the target's first row.
pub fn step_toward(cur: Range<usize>, target: Range<usize>, slice: usize) -> Range<usize> {
    if cur == target || target.is_empty() {
        return target;
    }
    let (from, to) = (cur.start.max(target.start), cur.end.min(target.end));
    if from >= to {
        return target.start..(target.start + slice).min(target.end);
    }
    if to < target.end {
        return from..(to + slice).min(target.end);
    }
    from.saturating_sub(slice).max(target.start)..to
}

/// Whether the canvas draws the active cell's ring: the DOM draws it where its rows hold the
/// active cell's row. `at`: the active cell's index among the rows shown (`None` without an
/// active cell, `Some(None)` when its row is not shown); `mirror`: the rows the DOM holds.
pub fn canvas_ring(at: Option<Option<usize>>, mirror: &Range<usize>) -> bool {
    !matches!(at, Some(Some(i)) if mirror.contains(&i))
}

/// The rows of `target` the DOM rows of `cur` lack.
pub fn missing(cur: &Range<usize>, target: &Range<usize>) -> usize {
    target.clone().filter(|i| !cur.contains(i)).count()
}

/// The left edge of each display column in the table (after the row-number column), and the
/// table's right edge last.
fn lefts(head_w: f64, widths: &[u32]) -> Vec<f64> {
    let mut out = Vec::with_capacity(widths.len() + 1);
    let mut x = head_w;
    out.push(x);
    for w in widths {
        x += f64::from(*w);
        out.push(x);
    }
    out
}

/// The background of a cell with this source and status (the stylesheet's later rules win:
/// a status over the source).
fn background(source: CellSource, status: Option<Status>) -> Option<&'static str> {
    match status {
        Some(Status::Met) => return Some(colour::MET),
        Some(Status::OnTrack) => return Some(colour::ON_TRACK),
        Some(Status::Lagging) => return Some(colour::LAGGING),
        Some(Status::NoData) | None => {}
    }
    match source {
        CellSource::Computed => Some(colour::COMPUTED),
        CellSource::Manual => Some(colour::MANUAL),
        CellSource::File => None,
    }
}

/// `text` cut to `avail` pixels with a trailing `…` (as `text-overflow: ellipsis`).
pub fn ellipsis(text: &str, avail: f64, measure: &dyn Fn(&str) -> f64) -> String {
    if measure(text) <= avail {
        return text.to_string();
    }
    let room = avail - measure("…");
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let w = measure(c.encode_utf8(&mut buf));
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` broken into lines of at most `avail` pixels: between words, after any CJK character,
/// and inside a word too long for a line (`overflow-wrap: anywhere`).
pub fn wrap(text: &str, avail: f64, measure: &dyn Fn(&str) -> f64) -> Vec<String> {
    // Breakable units: a run of non-space Latin characters, a single CJK character, a space.
    let mut units: Vec<String> = Vec::new();
    for c in text.chars() {
        let latin = c.is_ascii() && !c.is_ascii_whitespace();
        match units.last_mut() {
            Some(u)
                if latin
                    && u.chars()
                        .last()
                        .is_some_and(|p| p.is_ascii() && !p.is_ascii_whitespace()) =>
            {
                u.push(c)
            }
            _ => units.push(if c.is_whitespace() {
                " ".into()
            } else {
                c.to_string()
            }),
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for unit in units {
        let fits = |line: &str, unit: &str| measure(&format!("{line}{unit}")) <= avail;
        if fits(&line, &unit) {
            line.push_str(&unit);
            continue;
        }
        if unit == " " {
            lines.push(std::mem::take(&mut line));
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
        } else {
            line.clear();
        }
        // A unit wider than a line is broken anywhere.
        for c in unit.chars() {
            let mut buf = [0u8; 4];
            let c = c.encode_utf8(&mut buf);
            if !line.is_empty() && !fits(&line, c) {
                lines.push(std::mem::take(&mut line));
            }
            line.push_str(c);
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The operations that draw `rows` (each with its index into the rows shown) as `view` says,
/// `measure` giving a text's width in pixels in [`FONT`].
pub fn paint(view: &View, rows: &[(usize, GridRow)], measure: &dyn Fn(&str) -> f64) -> Painted {
    let lefts = lefts(view.head_w, view.widths);
    let n = view.widths.len();
    let mut scrolled = Vec::new();
    let mut frozen = Vec::new();
    let mut heads = Vec::new();
    let mut rings = Vec::new();
    let mut first_last: Option<(u32, u32)> = None;
    for (index, row) in rows {
        let y = view.origin_y + *index as f64 * ROW_H;
        if y >= view.height {
            continue;
        }
        let r = row.row.saturating_sub(1) as usize;
        // The row is visible (its own height; a merged range reaching down is drawn too).
        if y + ROW_H > 0.0 {
            first_last = Some((first_last.map_or(row.row, |(a, _)| a), row.row));
            heads.push((y, row.row));
        }
        for cell in &row.cells {
            let span = (cell.colspan.max(1) as usize).min(n.saturating_sub(cell.col));
            let (Some(&x0), Some(&x1)) = (lefts.get(cell.col), lefts.get(cell.col + span)) else {
                continue;
            };
            let is_frozen = cell.col + cell.colspan as usize <= view.frozen.min(n);
            let x = if is_frozen {
                (x0 + view.origin_x).max(x0)
            } else {
                x0 + view.origin_x
            };
            let h = f64::from(cell.rowspan.max(1)) * ROW_H;
            let rect = Rect {
                x,
                y,
                w: x1 - x0,
                h,
            };
            if rect.x >= view.width || rect.x + rect.w <= 0.0 || rect.y + rect.h <= 0.0 {
                continue;
            }
            let ops = if is_frozen {
                &mut frozen
            } else {
                &mut scrolled
            };
            let pos = (r, cell.col);
            let last = (
                r + cell.rowspan.max(1) as usize - 1,
                cell.col + cell.colspan.max(1) as usize - 1,
            );
            let active = view.active.filter(|&p| in_rect(p, pos, last));
            let selected = view.sel.is_some_and(|(a, b)| in_rect(pos, a, b));
            let marks = Marks {
                frozen: is_frozen,
                selected: selected && active.is_none(),
            };
            cell_ops(ops, view, row.kind, cell, rect, marks, measure);
            if let (Some(_), true) = (active, view.ring) {
                rings.push(Op::Ring {
                    rect,
                    colour: if view.focused {
                        colour::RING
                    } else {
                        colour::RING_BLUR
                    },
                });
            }
        }
    }
    let mut head_ops = Vec::new();
    for (y, number) in heads {
        let rect = Rect {
            x: 0.0,
            y,
            w: view.head_w,
            h: ROW_H,
        };
        head_ops.push(Op::Fill {
            rect,
            colour: colour::PANEL,
        });
        borders(&mut head_ops, rect, true);
        head_ops.push(Op::Text {
            text: number.to_string(),
            x: rect.w - 1.0 - PAD_X,
            top: y + PAD_Y,
            line_h: LINE_H,
            align: Align::Right,
            colour: colour::MUTED,
            clip: None,
        });
    }
    let mut ops = batched(scrolled);
    ops.append(&mut batched(frozen));
    ops.append(&mut batched(head_ops));
    ops.append(&mut rings);
    Painted {
        ops,
        rows: first_last,
    }
}

/// One layer's operations in fewer calls: its fills first, then its borders joined into
/// lines (the right borders of a column over consecutive rows, the bottom borders of a row
/// across consecutive cells), then its texts. The cells of a layer do not overlap, so the
/// picture is the same.
fn batched(ops: Vec<Op>) -> Vec<Op> {
    let mut out = Vec::with_capacity(ops.len());
    let (mut down, mut across, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    for op in ops {
        match op {
            Op::Fill { rect, colour } if colour == colour::LINE && rect.w == 1.0 => down.push(rect),
            Op::Fill { rect, colour } if colour == colour::LINE && rect.h == 1.0 => {
                across.push(rect)
            }
            Op::Text { .. } => texts.push(op),
            _ => out.push(op),
        }
    }
    // Right borders by column, top to bottom; bottom borders by row, left to right.
    down.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    across.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let join = |rects: Vec<Rect>, vertical: bool| {
        let mut lines: Vec<Rect> = Vec::new();
        for r in rects {
            match lines.last_mut() {
                Some(l) if vertical && l.x == r.x && r.y <= l.y + l.h => {
                    l.h = (r.y + r.h).max(l.y + l.h) - l.y;
                }
                Some(l) if !vertical && l.y == r.y && r.x <= l.x + l.w => {
                    l.w = (r.x + r.w).max(l.x + l.w) - l.x;
                }
                _ => lines.push(r),
            }
        }
        lines
    };
    out.extend(
        join(down, true)
            .into_iter()
            .chain(join(across, false))
            .map(|rect| Op::Fill {
                rect,
                colour: colour::LINE,
            }),
    );
    out.append(&mut texts);
    out
}

/// Whether `pos` lies in the rectangle spanned by `a` and `b`.
pub fn in_rect(pos: Pos, a: Pos, b: Pos) -> bool {
    (a.0.min(b.0)..=a.0.max(b.0)).contains(&pos.0) && (a.1.min(b.1)..=a.1.max(b.1)).contains(&pos.1)
}

/// A cell's right and bottom border (the right one transparent under the table).
fn borders(ops: &mut Vec<Op>, rect: Rect, right: bool) {
    if right {
        ops.push(Op::Fill {
            rect: Rect {
                x: rect.x + rect.w - 1.0,
                w: 1.0,
                ..rect
            },
            colour: colour::LINE,
        });
    }
    ops.push(Op::Fill {
        rect: Rect {
            y: rect.y + rect.h - 1.0,
            h: 1.0,
            ..rect
        },
        colour: colour::LINE,
    });
}

/// How a cell is drawn besides its own content: in a frozen column (white, no bar or flag),
/// tinted as part of the selection.
#[derive(Clone, Copy)]
struct Marks {
    frozen: bool,
    selected: bool,
}

/// One cell: background, bar, flag, selection tint, borders and text.
fn cell_ops(
    ops: &mut Vec<Op>,
    view: &View,
    kind: RowKind,
    cell: &super::grid::GridCell,
    rect: Rect,
    marks: Marks,
    measure: &dyn Fn(&str) -> f64,
) {
    let Marks {
        frozen: is_frozen,
        selected,
    } = marks;
    let fill = match is_frozen {
        true => Some(colour::BG),
        false => background(cell.source, cell.status),
    };
    if let Some(colour) = fill {
        ops.push(Op::Fill { rect, colour });
    }
    // The bar and the flag are background images: not on a frozen cell's white.
    if let (Some(v), false) = (cell.bar, is_frozen) {
        let w = (rect.w - 1.0) * v.clamp(0.0, 100.0) / 100.0;
        if w > 0.0 {
            ops.push(Op::Fill {
                rect: Rect {
                    y: rect.y + rect.h - 1.0 - 4.0,
                    w,
                    h: 4.0,
                    ..rect
                },
                colour: if cell.status == Some(Status::Lagging) {
                    colour::BAR_LAG
                } else {
                    colour::BAR
                },
            });
        }
    }
    if cell.invalid && !is_frozen {
        // linear-gradient(135deg, flag 6px, transparent 6px): legs of 6·√2.
        ops.push(Op::Corner {
            x: rect.x,
            y: rect.y,
            size: 6.0 * std::f64::consts::SQRT_2,
            colour: colour::INVALID_FLAG,
        });
    }
    if selected {
        ops.push(Op::Fill {
            rect: Rect {
                w: rect.w - 1.0,
                h: rect.h - 1.0,
                ..rect
            },
            colour: colour::SEL,
        });
    }
    borders(ops, rect, kind != RowKind::After);
    let text = cell.text.replace(['\n', '\r'], " ");
    if text.trim().is_empty() {
        return;
    }
    let colour = if cell.invalid {
        colour::INVALID_FG
    } else if kind == RowKind::After {
        colour::MUTED
    } else {
        colour::FG
    };
    let number = kind == RowKind::Body && is_number(&text);
    let align = if number || matches!(cell.source, CellSource::Computed | CellSource::Manual) {
        Align::Right
    } else {
        Align::Left
    };
    let avail = avail_px(view.widths, cell.col, cell.colspan);
    let x = match align {
        Align::Left => rect.x + PAD_X,
        Align::Right => rect.x + rect.w - 1.0 - PAD_X,
    };
    // The padding box: what `overflow: hidden` clips to.
    let clip = Rect {
        w: rect.w - 1.0,
        h: rect.h - 1.0,
        ..rect
    };
    let tall = cell.rowspan > 1 && matches!(kind, RowKind::Body | RowKind::After);
    if tall {
        // Wrapped over 18 px lines in a block at most the range's height less 4 px, centred.
        let lines = wrap(&text, avail, measure);
        let max = rect.h - 4.0;
        let block = (lines.len() as f64 * TALL_LINE_H).min(max);
        let top = rect.y + PAD_Y + ((rect.h - 1.0 - 2.0 * PAD_Y) - block) / 2.0;
        let block_clip = Rect {
            x: clip.x,
            y: top,
            w: clip.w,
            h: block,
        };
        for (i, line) in lines.into_iter().enumerate() {
            let line_top = top + i as f64 * TALL_LINE_H;
            if line_top >= top + block {
                break;
            }
            let overflows = line_top + TALL_LINE_H > top + block;
            ops.push(Op::Text {
                text: line,
                x,
                top: line_top,
                line_h: TALL_LINE_H,
                align,
                colour,
                clip: overflows.then_some(block_clip),
            });
        }
        return;
    }
    // A number is `###` where the DOM shows it so, or whole (the estimate errs wide); a text
    // that does not fit ends in `…`.
    let shown = match is_number(&text) {
        true => fit_text(&text, avail, &view.metrics).0,
        false => ellipsis(&text, avail, measure),
    };
    let overflows = measure(&shown) > avail;
    ops.push(Op::Text {
        text: shown,
        x,
        top: rect.y + PAD_Y,
        line_h: LINE_H,
        align,
        colour,
        clip: overflows.then_some(clip),
    });
}

/// The cell under the canvas point (x, y): the index into the rows shown and the display
/// column; `None` over the row numbers or past the table.
pub fn hit(view: &View, rows_shown: usize, x: f64, y: f64) -> Option<(usize, usize)> {
    if x < view.head_w || y < view.origin_y {
        return None;
    }
    let index = ((y - view.origin_y) / ROW_H).floor() as usize;
    if index >= rows_shown {
        return None;
    }
    let lefts = lefts(view.head_w, view.widths);
    let n = view.widths.len();
    let frozen = view.frozen.min(n);
    // Frozen columns first: they lie over the others.
    let frozen_right = lefts.get(frozen).copied().unwrap_or(view.head_w);
    let content_x = if x < frozen_right {
        x
    } else {
        x - view.origin_x
    };
    let col = (0..n).find(|&c| {
        let (a, b) = (lefts.get(c).copied(), lefts.get(c + 1).copied());
        a.is_some_and(|a| content_x >= a) && b.is_some_and(|b| content_x < b)
    })?;
    Some((index, col))
}

#[cfg(test)]
mod tests {
    use super::super::grid::GridCell;
    use super::*;

    /// Every character 7 px, CJK 13 px.
    fn measure(s: &str) -> f64 {
        s.chars()
            .map(|c| if c.is_ascii() { 7.0 } else { 13.0 })
            .sum()
    }

    fn cell(col: usize, text: &str, source: CellSource) -> GridCell {
        GridCell::new(col, text.into(), source)
    }

    fn row(number: u32, cells: Vec<GridCell>) -> GridRow {
        GridRow {
            row: number,
            kind: RowKind::Body,
            cells,
        }
    }

    const WIDTHS: [u32; 3] = [60, 100, 80];

    fn view() -> View<'static> {
        View {
            width: 400.0,
            height: 300.0,
            origin_x: 0.0,
            origin_y: 50.0,
            head_w: 40.0,
            widths: &WIDTHS,
            frozen: 0,
            metrics: Metrics::default(),
            active: None,
            sel: None,
            ring: true,
            focused: true,
        }
    }

    fn texts(p: &Painted) -> Vec<(String, f64, f64, Align)> {
        p.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text {
                    text,
                    x,
                    top,
                    align,
                    ..
                } => Some((text.clone(), *x, *top, *align)),
                _ => None,
            })
            .collect()
    }

    fn rect(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn the_canvas_draws_the_ring_where_the_dom_rows_do_not() {
        // No active cell, or its row filtered out: nothing for the DOM to draw it on.
        assert!(canvas_ring(None, &(0..10)));
        assert!(canvas_ring(Some(None), &(0..10)));
        // The active row among the DOM's rows: the DOM draws it; past them: the canvas.
        assert!(!canvas_ring(Some(Some(3)), &(0..10)));
        assert!(canvas_ring(Some(Some(10)), &(0..10)));
        assert!(canvas_ring(Some(Some(0)), &(0..0)));
    }

    fn fills(p: &Painted, colour: &str) -> Vec<Rect> {
        p.ops
            .iter()
            .filter_map(|op| match op {
                Op::Fill { rect, colour: c } if *c == colour => Some(*rect),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn cells_sit_in_their_columns_numbers_right_texts_left() {
        let rows = [(
            2,
            row(
                10,
                vec![
                    cell(0, "1", CellSource::File),
                    cell(1, "森林", CellSource::File),
                    cell(2, "62.5", CellSource::Computed),
                ],
            ),
        )];
        let p = paint(&view(), &rows, &measure);
        // Row index 2: 50 + 2 × 26 = 102; the text's line box from 102 + 2 (the padding).
        assert_eq!(
            texts(&p),
            [
                ("1".into(), 40.0 + 60.0 - 7.0, 104.0, Align::Right),
                ("森林".into(), 100.0 + 6.0, 104.0, Align::Left),
                ("62.5".into(), 280.0 - 7.0, 104.0, Align::Right),
                ("10".into(), 40.0 - 7.0, 104.0, Align::Right),
            ]
        );
        // The computed cell's fill over its whole box, its borders at its right and bottom.
        assert_eq!(
            fills(&p, colour::COMPUTED),
            [rect(200.0, 102.0, 80.0, 26.0)]
        );
        let lines = fills(&p, colour::LINE);
        assert!(lines.contains(&rect(279.0, 102.0, 1.0, 26.0)));
        // The bottom borders of the row's three cells are one line.
        assert!(lines.contains(&rect(40.0, 127.0, 240.0, 1.0)));
        assert_eq!(p.rows, Some((10, 10)));
    }

    #[test]
    fn a_number_that_does_not_fit_shows_hashes_and_a_text_ends_in_an_ellipsis() {
        let rows = [(
            0,
            row(
                5,
                vec![
                    // 60 − 13 = 47 px: 9 digits at 7.5 px need 67.5.
                    cell(0, "123456789", CellSource::File),
                    // 100 − 13 = 87 px: eight CJK characters need 112 (metrics: 14 each).
                    cell(1, "经济发展指标名称", CellSource::File),
                ],
            ),
        )];
        let p = paint(&view(), &rows, &measure);
        let t = texts(&p);
        assert_eq!(t[0].0, "###");
        // 87 − 13 (the ellipsis) = 74 px: five characters of 13 px.
        assert_eq!(t[1].0, "经济发展指…");
    }

    #[test]
    fn frozen_columns_stay_left_over_the_scrolled_ones() {
        let v = View {
            frozen: 1,
            origin_x: -70.0,
            ..view()
        };
        let rows = [(
            0,
            row(
                3,
                vec![
                    cell(0, "1", CellSource::File),
                    cell(1, "a", CellSource::File),
                    cell(2, "b", CellSource::File),
                ],
            ),
        )];
        let p = paint(&v, &rows, &measure);
        let t = texts(&p);
        // Scrolled first (B at 100 − 70 = 30 under the frozen A), then frozen A at 40.
        assert_eq!(t[0].1, 30.0 + 6.0);
        assert_eq!(t[1].1, 130.0 + 6.0);
        assert_eq!(t[2].0, "1");
        assert_eq!(t[2].1, 100.0 - 7.0);
        // A frozen cell is opaque.
        assert_eq!(fills(&p, colour::BG), [rect(40.0, 50.0, 60.0, 26.0)]);
        // A click at x = 120 is on B (content x 190); at x = 60 on the frozen A.
        assert_eq!(hit(&v, 1, 120.0, 60.0), Some((0, 1)));
        assert_eq!(hit(&v, 1, 60.0, 60.0), Some((0, 0)));
        assert_eq!(hit(&v, 1, 20.0, 60.0), None, "the row numbers");
        assert_eq!(hit(&v, 1, 60.0, 80.0), None, "below the last row");
        assert_eq!(
            hit(&view(), 9, 239.0, 50.0 + 26.0 * 4.0 + 1.0),
            Some((4, 2))
        );
        assert_eq!(hit(&view(), 9, 280.0, 60.0), None, "right of the table");
    }

    #[test]
    fn a_merged_range_over_rows_wraps_and_centres_its_text() {
        let mut tall = cell(0, "经济发展", CellSource::File);
        tall.rowspan = 4;
        let rows = [(0, row(6, vec![tall]))];
        // 60 − 13 = 47 px: three characters of 13 px a line.
        let p = paint(&view(), &rows, &measure);
        let t = texts(&p);
        assert_eq!(t[0].0, "经济发");
        assert_eq!(t[1].0, "展");
        // Two lines of 18 in a range of 104: content 104 − 1 − 4 = 99, block 36, top
        // 50 + 2 + (99 − 36) / 2.
        assert_eq!(t[0].2, 50.0 + 2.0 + 31.5);
        assert_eq!(t[1].2, 50.0 + 2.0 + 31.5 + 18.0);
        // The range's box is four rows high.
        assert!(fills(&p, colour::LINE).contains(&Rect {
            x: 40.0,
            y: 50.0 + 103.0,
            w: 60.0,
            h: 1.0
        }));
        assert_eq!(wrap("GDP per head", 47.0, &measure), ["GDP", "per", "head"]);
        assert_eq!(wrap("abcdefghij", 47.0, &measure), ["abcdef", "ghij"]);
    }

    #[test]
    fn a_merge_across_columns_takes_their_widths() {
        let mut wide = cell(1, "说明", CellSource::File);
        wide.colspan = 2;
        let rows = [(0, row(30, vec![cell(0, "", CellSource::File), wide]))];
        let p = paint(&view(), &rows, &measure);
        let lines = fills(&p, colour::LINE);
        assert!(lines.contains(&rect(279.0, 50.0, 1.0, 26.0)));
        assert!(!lines.iter().any(|r| r.x == 199.0));
    }

    #[test]
    fn selection_status_bar_flag_and_ring() {
        let mut status = cell(1, "滞后序时进度", CellSource::Computed);
        status.status = Some(Status::Lagging);
        let mut bar = cell(2, "50", CellSource::Computed);
        bar.bar = Some(50.0);
        let mut bad = cell(0, "abc", CellSource::File);
        bad.invalid = true;
        let v = View {
            active: Some((6, 2)),
            sel: Some(((6, 1), (6, 2))),
            focused: false,
            ..view()
        };
        let rows = [(0, row(7, vec![bad, status, bar]))];
        let p = paint(&v, &rows, &measure);
        assert_eq!(fills(&p, colour::LAGGING).len(), 1);
        // The bar: half of the padding box's width, 4 px above the bottom border.
        assert_eq!(
            fills(&p, colour::BAR),
            [Rect {
                x: 200.0,
                y: 50.0 + 21.0,
                w: 39.5,
                h: 4.0
            }]
        );
        // The selection tints B only: the active cell C has its ring instead.
        assert_eq!(fills(&p, colour::SEL), [rect(100.0, 50.0, 99.0, 25.0)]);
        assert_eq!(
            p.ops.last(),
            Some(&Op::Ring {
                rect: rect(200.0, 50.0, 80.0, 26.0),
                colour: colour::RING_BLUR
            })
        );
        assert!(p
            .ops
            .iter()
            .any(|op| matches!(op, Op::Corner { colour, .. } if *colour == colour::INVALID_FLAG)));
        assert!(p.ops.iter().any(
            |op| matches!(op, Op::Text { text, colour, .. } if text == "abc" && *colour == colour::INVALID_FG)
        ));
        // No ring where the DOM draws it.
        let p = paint(&View { ring: false, ..v }, &rows, &measure);
        assert!(!p.ops.iter().any(|op| matches!(op, Op::Ring { .. })));
    }

    #[test]
    fn rows_outside_the_canvas_are_not_drawn() {
        let rows: Vec<(usize, GridRow)> = (0..20)
            .map(|i| (i, row(i as u32 + 1, vec![cell(0, "x", CellSource::File)])))
            .collect();
        // origin −60: rows 0 and 1 are above (row 2 from −8 shows), 300 px: up to index 13.
        let p = paint(
            &View {
                origin_y: -60.0,
                ..view()
            },
            &rows,
            &measure,
        );
        assert_eq!(p.rows, Some((3, 14)));
        assert_eq!(texts(&p).iter().filter(|t| t.0 == "x").count(), 12);
    }

    #[test]
    fn borders_are_joined_into_lines_drawn_after_the_fills_and_before_the_texts() {
        let rows: Vec<(usize, GridRow)> = (0..3)
            .map(|i| {
                let mut c = cell(1, "x", CellSource::Computed);
                c.status = Some(Status::Met);
                (
                    i,
                    row(i as u32 + 1, vec![cell(0, "1", CellSource::File), c]),
                )
            })
            .collect();
        let p = paint(&view(), &rows, &measure);
        let lines = fills(&p, colour::LINE);
        // Body: A's and B's right borders down the three rows, one bottom line per row; the
        // row numbers: their right border and one bottom border per row.
        assert!(lines.contains(&rect(99.0, 50.0, 1.0, 78.0)));
        assert!(lines.contains(&rect(199.0, 50.0, 1.0, 78.0)));
        assert!(lines.contains(&rect(40.0, 101.0, 160.0, 1.0)));
        assert_eq!(lines.len(), 2 + 3 + 1 + 3);
        let at = |f: &dyn Fn(&Op) -> bool| p.ops.iter().position(f);
        let last_fill = p
            .ops
            .iter()
            .rposition(|op| matches!(op, Op::Fill { colour, .. } if *colour == colour::MET));
        let first_line = at(&|op| matches!(op, Op::Fill { colour, .. } if *colour == colour::LINE));
        let first_text = at(&|op| matches!(op, Op::Text { .. }));
        assert!(last_fill < first_line && first_line < first_text);
    }

    #[test]
    fn the_window_and_the_catch_up() {
        assert_eq!(window_range(0.0, 260.0, 1000), 0..16);
        assert_eq!(window_range(26.0 * 100.0, 260.0, 1000), 94..116);
        assert_eq!(window_range(26.0 * 995.0, 260.0, 1000), 989..1000);
        // A far jump starts again at the target; a near one keeps the rows both hold.
        assert_eq!(step_toward(0..30, 500..530, 6), 500..506);
        assert_eq!(step_toward(500..506, 500..530, 6), 500..512);
        assert_eq!(step_toward(0..30, 10..40, 6), 10..36);
        assert_eq!(step_toward(10..36, 10..40, 6), 10..40);
        assert_eq!(step_toward(20..50, 10..40, 6), 14..40);
        assert_eq!(step_toward(14..40, 10..40, 6), 10..40);
        assert_eq!(step_toward(0..30, 0..0, 6), 0..0);
        let mut cur = 0..30;
        let mut steps = 0;
        while cur != (700..737) {
            cur = step_toward(cur, 700..737, SLICE);
            steps += 1;
        }
        assert_eq!(steps, 7);
        assert_eq!(missing(&(0..30), &(10..40)), 10);
        assert_eq!(missing(&(0..30), &(5..20)), 0);
    }

    /// The colours and the font are the stylesheet's.
    #[test]
    fn colours_and_font_match_the_stylesheet() {
        let css = include_str!("../../../style/main.css");
        let var = |name: &str| {
            let at = css
                .find(&format!("{name}:"))
                .unwrap_or_else(|| panic!("{name} in main.css"));
            let rest = &css[at + name.len() + 1..];
            rest[..rest.find(';').unwrap_or(rest.len())]
                .trim()
                .to_string()
        };
        assert_eq!(var("--fg"), colour::FG);
        assert_eq!(var("--muted"), colour::MUTED);
        assert_eq!(var("--bg"), colour::BG);
        assert_eq!(var("--panel"), colour::PANEL);
        assert_eq!(var("--line"), colour::LINE);
        assert_eq!(var("--cell-computed"), colour::COMPUTED);
        assert_eq!(var("--cell-manual"), colour::MANUAL);
        assert_eq!(var("--st-met"), colour::MET);
        assert_eq!(var("--st-ontrack"), colour::ON_TRACK);
        assert_eq!(var("--st-lagging"), colour::LAGGING);
        assert_eq!(var("--bar-fg"), colour::BAR);
        assert_eq!(var("--bar-lag"), colour::BAR_LAG);
        assert_eq!(format!("13px {}", var("--font")), FONT);
        assert_eq!(var("--row-h"), format!("{ROW_H}px"));
        for (rule, value) in [
            (".grid td.invalid {", colour::INVALID_FLAG),
            (".grid td.invalid {", colour::INVALID_FG),
            (".grid td.sel {", colour::SEL),
            (".grid-wrap:focus td.active", colour::RING),
            (
                ".grid td.active { outline: 2px solid rgba",
                colour::RING_BLUR,
            ),
        ] {
            let at = css
                .find(rule)
                .unwrap_or_else(|| panic!("{rule} in main.css"));
            let line = &css[at..at + css[at..].find('\n').unwrap_or(0)];
            assert!(line.contains(value), "{rule}: {value} in {line}");
        }
        assert!(css.contains("padding: 2px 6px"));
        assert!(css.contains("line-height: calc(var(--row-h) - 6px)"));
        assert!(css.contains(
            ".grid td.tall { white-space: normal; vertical-align: middle; line-height: 18px; }"
        ));
    }
}
