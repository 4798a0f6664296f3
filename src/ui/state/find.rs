//! Find in the grid: every cell of the body that shows the text looked for, over every row and
//! column (the grid renders only the rows in view, so the browser's own find cannot see them).
//!
//! A cell matches when what it shows (a number as its format shows it, a computed target, a
//! completion cell) contains the query, ignoring case and the spaces around the query. Matches
//! are in reading order (row by row, left to right); a merged range counts once, at its
//! top-left cell.

use super::grid::GridModel;
use super::nav::Pos;
use crate::plan::{PlanResults, RawCell};
use crate::table::grid::Sheet;

/// At most this many matches are listed (a query of one digit in a large plan).
pub const MAX_MATCHES: usize = 100_000;

/// The cells of the body (rows from `model.body_start`) that show `query`, in reading order.
/// An empty query matches nothing.
pub fn find_all(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    query: &str,
) -> Vec<Pos> {
    let needle = query.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let contains = |text: &str| {
        if text.is_ascii() && needle.is_ascii() {
            text.to_ascii_lowercase().contains(&needle)
        } else {
            text.to_lowercase().contains(&needle)
        }
    };
    let mut out = Vec::new();
    for r in model.body_start..model.rows {
        for c in 0..model.width() {
            if model.is_blank(sheet, results, r, c) {
                continue;
            }
            // A text cell as in the file is read in place; anything else as shown.
            let file_text = model.source_col(c).map(|src| sheet.cell(r, src));
            let hit = match file_text {
                Some(RawCell::Text { s }) if !model.is_filled(results, r, c) => contains(s),
                _ => contains(&model.text(sheet, results, r, c)),
            };
            if hit {
                out.push((r, c));
                if out.len() >= MAX_MATCHES {
                    return out;
                }
            }
        }
    }
    out
}

/// The index in `matches` of the next match after `from` (or the previous one before it),
/// wrapping around the ends; the first (or last) match without a position.
pub fn next_match(matches: &[Pos], from: Option<Pos>, forward: bool) -> Option<usize> {
    if matches.is_empty() {
        return None;
    }
    let Some(from) = from else {
        return Some(if forward { 0 } else { matches.len() - 1 });
    };
    // `matches` is in reading order, so a binary search finds where `from` falls.
    let at = matches.partition_point(|&m| m < from);
    Some(if forward {
        let i = if matches.get(at) == Some(&from) {
            at + 1
        } else {
            at
        };
        if i >= matches.len() {
            0
        } else {
            i
        }
    } else if at == 0 {
        matches.len() - 1
    } else {
        at - 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_previous_wrap_around() {
        let m = [(3, 1), (5, 0), (5, 4), (9, 2)];
        assert_eq!(next_match(&m, None, true), Some(0));
        assert_eq!(next_match(&m, None, false), Some(3));
        // On a match: the one after it / before it.
        assert_eq!(next_match(&m, Some((5, 0)), true), Some(2));
        assert_eq!(next_match(&m, Some((5, 0)), false), Some(0));
        // Between matches.
        assert_eq!(next_match(&m, Some((4, 9)), true), Some(1));
        assert_eq!(next_match(&m, Some((4, 9)), false), Some(0));
        // Past the ends: around.
        assert_eq!(next_match(&m, Some((9, 2)), true), Some(0));
        assert_eq!(next_match(&m, Some((3, 1)), false), Some(3));
        assert_eq!(next_match(&m, Some((0, 0)), false), Some(3));
        assert_eq!(next_match(&[], Some((0, 0)), true), None);
    }
}
