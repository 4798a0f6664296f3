//! What each row below the header is (an indicator, a category, a note, a footer, a blank), and
//! the parts of a row's name (its unit inside brackets, its category's ordinal).

use super::grid::{MergeIndex, Sheet};
use super::vocabulary::{fold_width, is_footer, is_note};

use crate::plan::RawCell;

/// What a row below the header is.
#[derive(Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Nothing in the row.
    Blank,
    /// A note (说明, 注, 数据来源 …).
    Note,
    /// A footer (合计, 填报人, 审核人 …).
    Footer,
    /// A row that only names a category (`一、经济发展`), with its ordinal stripped.
    Category(String),
    /// An indicator.
    Indicator,
}

/// Strips an ordinal prefix such as `一、`, `（一）`, `1.` from a category label.
///
/// ```
/// use zhibiao::table::rows::strip_ordinal;
/// assert_eq!(strip_ordinal("一、经济发展"), "经济发展");
/// assert_eq!(strip_ordinal("（二）创新驱动"), "创新驱动");
/// ```
pub fn strip_ordinal(s: &str) -> String {
    let t = s.trim();
    let is_ordinal = |c: char| "一二三四五六七八九十百0123456789０１２３４５６７８９".contains(c);
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(inner) = t.strip_prefix(open) {
            if let Some(end) = inner.find(close) {
                if inner[..end].chars().all(is_ordinal) && end > 0 {
                    return inner[end + close.len()..].trim().to_string();
                }
            }
        }
    }
    let digits = t.chars().take_while(|c| is_ordinal(*c)).count();
    if digits > 0 {
        let after: String = t.chars().skip(digits).collect();
        for sep in ['、', '.', '．', ' ', '　'] {
            if let Some(r) = after.strip_prefix(sep) {
                return r.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// Whether a text starts with an ordinal (`一、`, `（二）`, `3.`): a category or a numbered
/// line, never a header word.
pub fn has_ordinal(s: &str) -> bool {
    strip_ordinal(s) != s.trim()
}

/// A name with its unit in trailing brackets, split: `国内生产总值(亿元)` → (`国内生产总值`,
/// `亿元`). Brackets that say something else stay in the name: `(1978年=100)`, `(上年=100)`,
/// `(按当年价格计算)`, `(含外资)`.
///
/// ```
/// use zhibiao::table::rows::split_unit;
/// assert_eq!(split_unit("能源消费总量（万吨标准煤）"), ("能源消费总量".into(), "万吨标准煤".into()));
/// assert_eq!(split_unit("居民消费价格指数(上年=100)"), ("居民消费价格指数(上年=100)".into(), String::new()));
/// ```
pub fn split_unit(name: &str) -> (String, String) {
    let t = name.trim();
    let whole = || (t.to_string(), String::new());
    let Some(close) = t.chars().last().filter(|c| matches!(c, ')' | '）')) else {
        return whole();
    };
    let open = if close == ')' { '(' } else { '（' };
    let Some(at) = t.rfind([open, '(', '（']) else {
        return whole();
    };
    let head = t[..at].trim();
    let inner = t[at..]
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）'])
        .trim();
    let n = inner.chars().count();
    // `(上年=100)`, `(按当年价格计算)`, `(2020年)` say something else than a unit; `(年)` is one.
    let says_more = [
        "=", "＝", "按", "含", "计算", "不", "以上", "以下", "其中", "口径", "比",
    ]
    .iter()
    .any(|w| inner.contains(w))
        || super::vocabulary::find_year(inner).is_some();
    if head.is_empty() || n == 0 || n > 10 || says_more {
        return whole();
    }
    (head.to_string(), inner.to_string())
}

/// What a row below the header is, from its name cell and its non-empty cells: a category row
/// has one cell (spanning half the width, or outside the name column, or with no name), an
/// indicator row has a name. A number cell is never a note, footer or category.
pub fn classify_row(
    sheet: &Sheet,
    merges: &MergeIndex<'_>,
    name_col: Option<usize>,
    has_seq: bool,
    row: usize,
    width: usize,
) -> RowKind {
    let cells = sheet.rows.get(row).map_or(&[][..], Vec::as_slice);
    let non_empty = cells
        .iter()
        .take(width)
        .enumerate()
        .filter_map(|(c, cell)| match cell {
            RawCell::Empty => None,
            RawCell::Text { s } => {
                let t = s.trim_matches(|c: char| c.is_whitespace());
                (!t.is_empty()).then_some((c, Some(t)))
            }
            RawCell::Number { .. } => Some((c, None)),
        });
    let mut count = 0usize;
    let mut first: Option<(usize, Option<&str>)> = None;
    for (c, text) in non_empty {
        if first.is_none() {
            if text.is_some_and(is_note) {
                return RowKind::Note;
            }
            first = Some((c, text));
        }
        if text.is_some_and(is_footer) {
            return RowKind::Footer;
        }
        count += 1;
    }
    let Some((first_col, first_text)) = first else {
        return RowKind::Blank;
    };
    // The name: the cell, or the merged range over it (a name merged across two columns).
    let name_cell = name_col.map(|c| match merges.covering(row, c) {
        Some(m) if m.first_row as usize == row => sheet.cell(row, m.first_col as usize),
        _ => sheet.cell(row, c),
    });
    let has_name = name_cell.is_some_and(|cell| match cell {
        RawCell::Empty => false,
        RawCell::Text { s } => !s.trim().is_empty(),
        RawCell::Number { .. } => true,
    });
    if count == 1 {
        let spans_wide = merges.at(row, first_col).is_some_and(|m| {
            m.last_col.saturating_sub(m.first_col) as usize + 1 >= width.max(2) / 2
        });
        let name_start = name_col.map(|c| match merges.covering(row, c) {
            Some(m) => m.first_col as usize,
            None => c,
        });
        // A name alone, with an ordinal (`一、经济发展`) or in a table without a sequence
        // column (a category row of a CSV, where nothing is merged), is a category.
        let lone_category = first_text.is_some_and(|t| has_ordinal(t) || !has_seq);
        if spans_wide || !has_name || Some(first_col) != name_start || lone_category {
            return match first_text {
                Some(t) => RowKind::Category(strip_ordinal(&fold_width(t))),
                None => RowKind::Blank,
            };
        }
    }
    if !has_name {
        return RowKind::Blank;
    }
    RowKind::Indicator
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_come_out_of_names() {
        let s = |n: &str| split_unit(n);
        assert_eq!(
            s("国内生产总值(亿元)"),
            ("国内生产总值".into(), "亿元".into())
        );
        assert_eq!(s("人均GDP（元/人）"), ("人均GDP".into(), "元/人".into()));
        assert_eq!(s("城镇化率(%)"), ("城镇化率".into(), "%".into()));
        assert_eq!(s("国内生产总值指数(1978年=100)").1, "");
        assert_eq!(s("地区生产总值(按当年价格计算)").1, "");
        assert_eq!(s("(亿元)").1, "");
        assert_eq!(s("城镇化率").1, "");
    }

    #[test]
    fn ordinals_mark_categories() {
        assert!(has_ordinal("一、预期性指标"));
        assert!(has_ordinal("（三）绿色发展"));
        assert!(!has_ordinal("指标名称"));
        assert_eq!(strip_ordinal("经济发展"), "经济发展");
    }
}
