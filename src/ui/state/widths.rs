//! Column widths that fit what the grid shows, so that no number is ever shown cut.
//!
//! Widths are estimated from the characters of the shown texts with [`Metrics`] (a digit's and
//! a CJK character's width, measured in the page; CJK characters count about two Latin ones).
//! [`fit_widths`] fits every column to a sample of rows (the header band, the first and last
//! rows, an even spread of the rows between, the cells the user typed); [`fit_column`] fits one
//! column to every row (a double-click on its border). A number that still does not fit its
//! column — a row outside the sample, or a column the user made narrower — is shown as `###`
//! like Excel ([`fit_text`]), never as a truncated digit string, with its full text on hover.
//!
//! Header texts wrap, but never inside a year (`2015年`): [`header_segments`] splits a header
//! into the runs the page keeps on one line, and the header's column is at least as wide as the
//! longest of them. A merged range spanning several rows wraps its text inside itself; its
//! column is wide enough for the text to fit on the lines the range has room for.

use super::grid::{GridModel, RowKind};
use super::paint::{ROW_H, TALL_LINE_H};
use crate::plan::PlanResults;
use crate::table::grid::Sheet;

/// Horizontal padding and border of a cell in pixels (the stylesheet's `padding: 2px 6px`
/// and one border), plus a pixel of slack.
pub const PAD: f64 = 14.0;
/// The narrowest column the fit gives.
pub const MIN_WIDTH: u32 = 40;
/// The widest a column of texts gets from the fit (longer texts end in `…`, in full on hover).
pub const MAX_TEXT_WIDTH: u32 = 320;
/// The widest a column of numbers gets from the fit.
pub const MAX_NUMBER_WIDTH: u32 = 480;
/// Header texts wider than this wrap onto two lines.
const HEADER_LINE: f64 = 120.0;
/// The widest a merged range's text makes its column.
const MAX_MERGED_WIDTH: f64 = 200.0;
/// Bold header text is wider than body text.
const BOLD: f64 = 1.08;
/// Rows of the body the fit looks at: the first and last ones, and as many spread between (a
/// body of up to 240 rows, most plans, is fitted whole). Each sampled row is formatted as the
/// grid shows it, in the task before the first paint: 600 rows took ≈ 55 ms of a 2,000-row
/// plan's first render in the page (CPU profile, issue 19); a wider number in a row left out
/// shows `###`, in full on hover, and an edit widens its column.
const SAMPLE_EDGE: usize = 60;
const SAMPLE_SPREAD: usize = 120;
/// At most this many typed rows join the sample.
const SAMPLE_TYPED: usize = 200;

/// Character widths of the grid's font, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// One digit (the grid uses tabular figures, so every digit is as wide).
    pub digit: f64,
    /// One CJK or other full-width character.
    pub wide: f64,
}

impl Default for Metrics {
    /// The grid's 13 px font as most CJK fonts draw it.
    fn default() -> Self {
        Self {
            digit: 7.5,
            wide: 14.0,
        }
    }
}

impl Metrics {
    /// Metrics from measured widths; a measure that makes no sense (zero, not finite, a page
    /// without the font yet) keeps the default.
    pub fn measured(digit: f64, wide: f64) -> Self {
        let default = Self::default();
        let ok = |v: f64| v.is_finite() && (3.0..=40.0).contains(&v);
        Self {
            digit: if ok(digit) { digit } else { default.digit },
            wide: if ok(wide) { wide } else { default.wide },
        }
    }

    /// The width of one character, erring on the wide side.
    pub fn char_px(&self, c: char) -> f64 {
        let d = self.digit;
        match c {
            '.' | ',' | ':' | ';' | '!' | '|' | '\'' | 'i' | 'j' | 'l' | 'I' => d * 0.6,
            '%' | '@' | '&' | 'M' | 'W' | 'm' | 'w' => d * 1.6,
            'A'..='Z' => d * 1.3,
            c if c.is_ascii() => d,
            // Everything else (CJK, full-width forms, ≥, ℃, —) as a full-width character.
            _ => self.wide,
        }
    }

    /// The width of a text on one line.
    pub fn text_px(&self, s: &str) -> f64 {
        s.chars().map(|c| self.char_px(c)).sum()
    }
}

/// Whether a shown text is a number (digits with a sign, separators, decimals, a percent or
/// per-mille sign): such a text is never cut, it shows `###` when its column is too narrow.
pub fn is_number(text: &str) -> bool {
    let t = text.trim();
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | '%' | '‰' | 'E' | 'e')
        })
}

/// What a cell shows in a given width (pixels between its padding), and whether that is not
/// all of its text (the page then puts the full text on hover). A number too wide for its
/// column becomes `#`s that fit, like Excel; a text is cut by the page with `…`.
pub fn fit_text(text: &str, avail: f64, m: &Metrics) -> (String, bool) {
    let need = m.text_px(text);
    if need <= avail {
        return (text.to_string(), false);
    }
    if is_number(text) {
        let hashes = (avail / m.digit).floor().clamp(1.0, 3.0) as usize;
        return ("#".repeat(hashes), true);
    }
    (text.to_string(), true)
}

/// A header text split into the runs the page shows: `(text, keep)` where a kept run (a year
/// like `2015年` or `2015`, a number) never breaks across lines.
pub fn header_segments(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // A year's 年 (or a number's unit-like 年度) stays with it.
            if i < chars.len() && chars[i] == '年' {
                i += 1;
            }
            if !plain.is_empty() {
                out.push((std::mem::take(&mut plain), false));
            }
            out.push((chars[start..i].iter().collect(), true));
        } else {
            plain.push(chars[i]);
            i += 1;
        }
    }
    if !plain.is_empty() {
        out.push((plain, false));
    }
    out
}

/// The width a header cell needs: all of it on one line when short, else about half of it
/// (two lines), and never less than its longest kept run.
fn header_need(text: &str, m: &Metrics) -> f64 {
    let full: f64 = text
        .lines()
        .map(|l| m.text_px(l.trim()))
        .fold(0.0, f64::max)
        * BOLD;
    let kept = header_segments(text)
        .iter()
        .filter(|(_, keep)| *keep)
        .map(|(s, _)| m.text_px(s) * BOLD)
        .fold(0.0, f64::max);
    let wrapped = if full <= HEADER_LINE {
        full
    } else {
        (full / 2.0).max(HEADER_LINE)
    };
    wrapped.max(kept) + PAD
}

/// The width a body cell needs.
fn body_need(text: &str, m: &Metrics) -> f64 {
    let px = text.lines().map(|l| m.text_px(l)).fold(0.0, f64::max) + PAD;
    if is_number(text) {
        px.min(f64::from(MAX_NUMBER_WIDTH))
    } else {
        px.min(f64::from(MAX_TEXT_WIDTH))
    }
}

/// The lines of text a merged range `rows` body rows tall has room for: its height less 4 px,
/// in lines of [`TALL_LINE_H`], at least one.
pub fn tall_lines(rows: f64) -> f64 {
    ((rows * ROW_H - 4.0) / TALL_LINE_H).floor().max(1.0)
}

/// The width a merged range one column wide and `rows` rows tall needs for its text to wrap
/// onto the lines it has room for.
fn merged_need(text: &str, rows: usize, m: &Metrics) -> f64 {
    let lines = tall_lines(rows as f64);
    let px = m.text_px(text.trim());
    // A character never breaks, so a line is at least the widest one.
    let widest = text.chars().map(|c| m.char_px(c)).fold(0.0, f64::max);
    ((px / lines).ceil().max(widest) + PAD).min(MAX_MERGED_WIDTH)
}

fn clamp_width(px: f64) -> u32 {
    (px.ceil() as u32).max(MIN_WIDTH)
}

/// The rows the fit looks at (0-based, ascending, no duplicates).
fn sample_rows(model: &GridModel) -> Vec<usize> {
    let rows = model.rows;
    let start = model.body_start.min(rows);
    let mut out: Vec<usize> = (model.header_first().min(start)..start).collect();
    let body = rows - start;
    if body <= 2 * SAMPLE_EDGE + SAMPLE_SPREAD {
        out.extend(start..rows);
    } else {
        out.extend(start..start + SAMPLE_EDGE);
        let (from, to) = (start + SAMPLE_EDGE, rows - SAMPLE_EDGE);
        let step = ((to - from) / SAMPLE_SPREAD).max(1);
        out.extend((from..to).step_by(step));
        out.extend(to..rows);
    }
    out.extend(model.typed_rows().take(SAMPLE_TYPED));
    out.sort_unstable();
    out.dedup();
    out
}

/// What each column of `rows` needs, folded into `widths` (one entry per column).
fn fold_rows(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    rows: &[usize],
    only: Option<usize>,
    m: &Metrics,
    widths: &mut [f64],
) {
    // Headers merged across columns, applied once every column has its own need.
    let mut spans: Vec<(usize, usize, f64)> = Vec::new();
    // Contiguous runs of rows are rendered together (as the page does).
    let mut i = 0;
    while i < rows.len() {
        let mut j = i + 1;
        while j < rows.len() && rows[j] == rows[j - 1] + 1 {
            j += 1;
        }
        for row in model.window(sheet, results, rows[i]..rows[j - 1] + 1) {
            let r = row.row.saturating_sub(1) as usize;
            let kind = model.kind(r);
            if matches!(kind, RowKind::Title | RowKind::After) {
                continue;
            }
            for cell in &row.cells {
                if only.is_some_and(|c| c != cell.col) || cell.text.is_empty() {
                    continue;
                }
                let Some(w) = widths.get_mut(cell.col) else {
                    continue;
                };
                let need = match (model.merge_span(r, cell.col), kind) {
                    // A range as tall as several body rows wraps its text inside itself.
                    (Some((1, tall)), RowKind::Body) if tall > 1 => {
                        merged_need(&cell.text, tall, m)
                    }
                    // A header merged down (序号 over three header rows) as one cell.
                    (Some((1, _)), RowKind::Header) => header_need(&cell.text, m),
                    // A header merged across (2021年 over 目标 | 完成): its columns share it.
                    (Some((span, _)), RowKind::Header) => {
                        spans.push((cell.col, span as usize, header_need(&cell.text, m)));
                        continue;
                    }
                    (Some(_), _) => continue,
                    (None, _) if model.is_covered(r, cell.col) || cell.colspan > 1 => continue,
                    (None, RowKind::Header) => header_need(&cell.text, m),
                    (None, _) => body_need(&cell.text, m),
                };
                *w = w.max(need);
            }
        }
        i = j;
    }
    for (col, span, need) in spans {
        if only.is_some() {
            break;
        }
        let Some(cols) = widths.get_mut(col..(col + span).min(widths.len())) else {
            continue;
        };
        let have: f64 = cols.iter().map(|w| w.max(f64::from(MIN_WIDTH))).sum();
        if need > have && !cols.is_empty() {
            let more = (need - have) / cols.len() as f64;
            for w in cols.iter_mut() {
                *w = w.max(f64::from(MIN_WIDTH)) + more;
            }
        }
    }
}

/// The width in pixels of every column the grid shows (the sheet's and the appended ones),
/// fitted to a sample of its rows.
pub fn fit_widths(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    m: &Metrics,
) -> Vec<u32> {
    let mut widths = vec![0.0; model.width()];
    fold_rows(
        model,
        sheet,
        results,
        &sample_rows(model),
        None,
        m,
        &mut widths,
    );
    widths.into_iter().map(clamp_width).collect()
}

/// Widens the columns that `rows` need wider (the rows on screen, after an edit):
/// columns only grow, so a number typed or computed outside the sample widens its column as
/// Excel does for a number typed into a column of the default width.
pub fn grow_widths(
    widths: &mut [u32],
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    rows: &[usize],
    m: &Metrics,
) {
    let mut need = vec![0.0; widths.len()];
    fold_rows(model, sheet, results, rows, None, m, &mut need);
    for (w, n) in widths.iter_mut().zip(need) {
        *w = (*w).max(clamp_width(n));
    }
}

/// The width in pixels of column `col` fitted to every row (a double-click on its border).
pub fn fit_column(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    col: usize,
    m: &Metrics,
) -> u32 {
    let mut widths = vec![0.0; model.width()];
    let rows: Vec<usize> = (model.header_first().min(model.rows)..model.rows).collect();
    fold_rows(model, sheet, results, &rows, Some(col), m, &mut widths);
    widths
        .get(col)
        .copied()
        .map(clamp_width)
        .unwrap_or(MIN_WIDTH)
}

/// The pixels between the padding of a cell starting at column `col` and `colspan` columns
/// wide, with the columns' widths.
pub fn avail_px(widths: &[u32], col: usize, colspan: u32) -> f64 {
    let total: u32 = widths.iter().skip(col).take(colspan as usize).sum();
    f64::from(total) - (PAD - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_about_two_latin_characters() {
        let m = Metrics::default();
        assert_eq!(m.text_px("12"), 15.0);
        assert_eq!(m.text_px("经济"), 28.0);
        assert!(m.text_px("经济") >= 1.8 * m.text_px("12"));
    }

    #[test]
    fn numbers_are_recognised() {
        for n in [
            "201.3", "38113", "0.468", "-1.5", "12,345.6", "95.5%", "1e5",
        ] {
            assert!(is_number(n), "{n}");
        }
        for t in ["", "经济发展", "≥95%", "年均增长7%", "2.69:1", "—", "abc"] {
            assert!(!is_number(t), "{t}");
        }
    }

    #[test]
    fn a_number_that_does_not_fit_shows_hashes_never_its_digits_cut() {
        let m = Metrics::default();
        assert_eq!(
            fit_text("18638.2", 60.0, &m),
            ("18638.2".to_string(), false)
        );
        let (shown, cut) = fit_text("18638.2", 30.0, &m);
        assert!(cut);
        assert_eq!(shown, "###");
        let (shown, _) = fit_text("18638.2", 10.0, &m);
        assert_eq!(shown, "#");
        // A text keeps its words (the page ends it in …) and says it is cut.
        assert_eq!(
            fit_text("社会民生与公共服务", 30.0, &m),
            ("社会民生与公共服务".to_string(), true)
        );
    }

    #[test]
    fn years_in_headers_never_break() {
        assert_eq!(
            header_segments("2015年"),
            vec![("2015年".to_string(), true)]
        );
        assert_eq!(
            header_segments("2020年基期值"),
            vec![("2020年".to_string(), true), ("基期值".to_string(), false)]
        );
        assert_eq!(
            header_segments("规划目标2025"),
            vec![("规划目标".to_string(), false), ("2025".to_string(), true)]
        );
        let m = Metrics::default();
        // The column of a short year header holds it on one line.
        assert!(header_need("2015年", &m) >= m.text_px("2015年") + PAD);
        // A long header wraps, but its year still fits.
        let long = "2021年实现程度(%)和状态说明文字";
        let need = header_need(long, &m);
        assert!(need < m.text_px(long) + PAD);
        assert!(need >= m.text_px("2021年") * BOLD + PAD);
    }

    #[test]
    fn merged_text_fits_the_lines_of_its_range() {
        let m = Metrics::default();
        // 经济发展 over five rows: one character a line would do, the widest character wins.
        assert_eq!(merged_need("经济发展", 5, &m), 14.0 + PAD);
        // Over one row: all of it on one line.
        assert_eq!(merged_need("经济发展", 1, &m), 56.0 + PAD);
        assert_eq!(merged_need(&"经".repeat(100), 1, &m), MAX_MERGED_WIDTH);
    }

    #[test]
    fn measured_metrics_reject_nonsense() {
        assert_eq!(Metrics::measured(0.0, f64::NAN), Metrics::default());
        assert_eq!(
            Metrics::measured(7.0, 13.0),
            Metrics {
                digit: 7.0,
                wide: 13.0
            }
        );
    }

    #[test]
    fn avail_spans_the_columns_of_a_merge() {
        assert_eq!(avail_px(&[50, 60, 70], 1, 2), 130.0 - (PAD - 1.0));
        assert_eq!(avail_px(&[50], 3, 1), -(PAD - 1.0));
    }
}
