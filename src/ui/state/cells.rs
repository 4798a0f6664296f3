//! Editing cells and the table's layout: the indicator panel's cells, what a typed text becomes,
//! the indicator a changed cell updates, role changes from 表头识别 or a column header's menu,
//! 标记表格, and pasted tab-separated text.

use super::*;
use crate::plan::{self, Plan, RawCell};
use crate::table::detect::{Layout, Role};
use crate::table::grid::Sheet;

/// A sheet cell the indicator panel edits (0-based), with its text.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelCell {
    pub row: usize,
    pub col: usize,
    pub text: String,
}

/// The cells of one indicator, by what they hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndicatorCells {
    pub base: Option<PanelCell>,
    pub target: Option<PanelCell>,
    pub yearly: std::collections::BTreeMap<plan::Year, PanelCell>,
    pub actual: std::collections::BTreeMap<plan::Year, PanelCell>,
}

/// A year a plan can mean (a typo such as 202 or 20255 is not taken).
pub(super) fn plausible_year(year: plan::Year) -> bool {
    (1900..=2200).contains(&year)
}

/// The layout with column `col` given `role` (`None`: the column is ignored). A role that
/// names one column (every role but none) is taken from any other column that had it.
pub fn with_column_role(
    layout: &Layout,
    col: usize,
    role: Option<crate::table::detect::Role>,
    header: &str,
) -> Layout {
    let mut next = layout.clone();
    next.columns
        .retain(|c| c.col != col && Some(c.role) != role);
    if let Some(role) = role {
        next.columns.push(crate::table::detect::Column {
            col,
            role,
            header: header.to_string(),
            why: vec![crate::table::detect::Why::User],
        });
        next.columns.sort_by_key(|c| c.col);
    }
    next
}

/// The `<option>`s of a column's role menu as HTML, `roles` as (key, label), the one of key
/// `selected` selected: one string the browser parses, not a view per option (~2,000 calls
/// into the DOM for a sheet of 29 columns were most of a file's first render).
pub fn role_options_html<'a>(
    roles: impl IntoIterator<Item = (&'a str, &'a str)>,
    selected: &str,
) -> String {
    let mut html = String::new();
    for (key, label) in roles {
        let mark = if key == selected { " selected" } else { "" };
        html.push_str(&format!(
            "<option value=\"{}\"{mark}>{}</option>",
            escape_html(key),
            escape_html(label)
        ));
    }
    html
}

/// `text` with the characters HTML markup gives a meaning to escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The key of a role in the role menus (`"base"`, `"yearly"` …; `"none"` for no role).
pub fn role_key(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Seq) => "seq",
        Some(Role::Category) => "category",
        Some(Role::Name) => "name",
        Some(Role::Unit) => "unit",
        Some(Role::Direction) => "direction",
        Some(Role::Binding) => "binding",
        Some(Role::Weight) => "weight",
        Some(Role::Base) => "base",
        Some(Role::Target) => "target",
        Some(Role::Yearly(_)) => "yearly",
        Some(Role::Actual(_)) => "actual",
        Some(Role::Lead) => "lead",
        Some(Role::Other) => "other",
        Some(Role::Leader) => "leader",
        Some(Role::Note) => "note",
        Some(Role::Rate) => "rate",
        Some(Role::Parent) => "parent",
        None => "none",
    }
}

/// The role of a menu key; a year role needs its year.
pub fn role_of(key: &str, year: Option<plan::Year>) -> Option<Role> {
    Some(match key {
        "seq" => Role::Seq,
        "category" => Role::Category,
        "name" => Role::Name,
        "unit" => Role::Unit,
        "direction" => Role::Direction,
        "binding" => Role::Binding,
        "weight" => Role::Weight,
        "base" => Role::Base,
        "target" => Role::Target,
        "yearly" => Role::Yearly(year?),
        "actual" => Role::Actual(year?),
        "lead" => Role::Lead,
        "other" => Role::Other,
        "leader" => Role::Leader,
        "note" => Role::Note,
        "rate" => Role::Rate,
        "parent" => Role::Parent,
        _ => return None,
    })
}

/// The header texts over a column of the layout's band, top to bottom, joined by ` / `.
pub fn header_text(sheet: &Sheet, layout: &Layout, col: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    for row in layout.header_first..=layout.header_last {
        let text = sheet.merged_text(row, col);
        if !text.is_empty() && parts.last() != Some(&text) {
            parts.push(text);
        }
    }
    parts.join(" / ")
}

/// The layout with column `col` given the role of menu key `key` (from 表头识别 or a column
/// header's menu). A year role takes the column's year: its current one, else the year in its
/// header, else the plan's target year. `None` when the key needs a year and none is known.
pub fn with_role_key(sheet: &Sheet, layout: &Layout, col: usize, key: &str) -> Option<Layout> {
    let header = header_text(sheet, layout, col);
    let current = layout.columns.iter().find(|c| c.col == col).map(|c| c.role);
    let year = match current {
        Some(Role::Yearly(y) | Role::Actual(y)) => Some(y),
        _ => crate::table::vocabulary::find_year(&header),
    }
    .or(layout.target_year);
    let role = if key == "none" {
        None
    } else {
        Some(role_of(key, year)?)
    };
    let mut next = with_column_role(layout, col, role, &header);
    refresh_years(&mut next);
    Some(next)
}

/// The layout with every year column turned into actuals (`to_actual`) or into yearly targets:
/// the one click that flips a statistical table's years or a plan's.
pub fn flip_years(layout: &Layout, to_actual: bool) -> Layout {
    let mut next = layout.clone();
    for c in &mut next.columns {
        c.role = match c.role {
            Role::Yearly(y) if to_actual => Role::Actual(y),
            Role::Actual(y) if !to_actual => Role::Yearly(y),
            _ => continue,
        };
        c.why = vec![crate::table::detect::Why::User];
    }
    // A year with both a target and an actual column keeps the first of the two.
    let mut seen = std::collections::BTreeSet::new();
    next.columns.retain(|c| seen.insert(c.role));
    refresh_years(&mut next);
    next
}

/// Base and target years that follow the columns when the header does not give them.
fn refresh_years(layout: &mut Layout) {
    let yearly = layout.yearly_cols();
    let has_base = layout.col(Role::Base).is_some();
    let has_target = layout.col(Role::Target).is_some();
    if !has_base {
        layout.base_year = yearly.keys().next().map(|y| y - 1);
    }
    if !has_target {
        layout.target_year = yearly.keys().next_back().copied();
    }
}

/// The layout of 标记表格: the selection from `a` to `b` (0-based (row, col)) covers the
/// header rows, and its left column names the rows; the rest is inferred.
pub fn mark_table(sheet: &Sheet, a: (usize, usize), b: (usize, usize)) -> Layout {
    let (first, last) = (a.0.min(b.0), a.0.max(b.0));
    crate::table::detect::detect_marked(sheet, first, last, a.1.min(b.1))
}

/// The one step that gives a table without a target column (a statistical table) its
/// targets: a column `{year}年目标` after the last column, with `fill` typed into every
/// indicator row when it is not empty (`年均增长5%`), and the layout that reads it as the
/// target of `year`. Each indicator's base is then its latest actual before `year`
/// ([`crate::table::build`]).
pub fn add_target_column(
    sheet_index: usize,
    sheet: &Sheet,
    layout: &Layout,
    plan: &Plan,
    year: plan::Year,
    fill: &str,
) -> Edit {
    let col = sheet.width();
    let header = format!("{year}年目标");
    let mut edits = vec![Edit::Cell {
        sheet: sheet_index,
        row: layout.header_last,
        col,
        raw: RawCell::Text {
            s: header.as_str().into(),
        },
        typed: true,
    }];
    if !fill.trim().is_empty() {
        for ind in plan.indicators.iter().filter(|i| !i.is_group) {
            edits.push(Edit::Cell {
                sheet: sheet_index,
                row: (ind.row as usize).saturating_sub(1),
                col,
                raw: typed_cell(fill),
                typed: true,
            });
        }
    }
    let mut next = with_column_role(layout, col, Some(Role::Target), &header);
    next.target_year = Some(year);
    edits.push(Edit::Layout {
        sheet: sheet_index,
        layout: Box::new(next),
    });
    Edit::Batch(edits)
}

/// What the user typed, as a cell: empty, a plain number (keeping its decimals in a number
/// format, so `10.50` stays 2 decimals), or text for the value parser (`≥95%`, `年均增长7%`).
pub fn typed_cell(text: &str) -> RawCell {
    let t = text.trim();
    if t.is_empty() {
        return RawCell::Empty;
    }
    let plain = t
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && t.chars().any(|c| c.is_ascii_digit());
    match t.parse::<f64>() {
        Ok(n) if plain && n.is_finite() => {
            let decimals = t.split_once('.').map(|(_, f)| f.len()).unwrap_or(0).min(4);
            RawCell::Number {
                n,
                format: Some(crate::io::write::xlsx::decimals_format(decimals as u8).into()),
            }
        }
        _ => RawCell::Text { s: t.into() },
    }
}

/// Re-reads the field of the indicator on `row` that column `col` holds, after an edit.
pub(super) fn refresh_indicator(
    sheet: &Sheet,
    layout: &Layout,
    plan: &mut Plan,
    row: usize,
    col: usize,
    typed: bool,
) {
    use crate::table::detect::Role;
    let Some(ind) = plan
        .indicators
        .iter_mut()
        .find(|i| i.row as usize == row + 1)
    else {
        return;
    };
    let Some(role) = layout.columns.iter().find(|c| c.col == col).map(|c| c.role) else {
        return;
    };
    let given = plan::value::parse(sheet.cell(row, col));
    let text = sheet.text(row, col);
    let empty = given.value == plan::Value::Empty;
    match role {
        Role::Base => ind.base = given,
        Role::Target => {
            ind.target = given;
            if let Some(c) = layout.col(Role::Rate) {
                crate::table::build::rate_into_target_given(&mut ind.target, &sheet.text(row, c));
            }
        }
        Role::Yearly(y) => {
            ind.manual.remove(&y);
            ind.yearly.remove(&y);
            match plan::value::level_of(&given.value) {
                Some(n) if typed => {
                    ind.manual.insert(y, n);
                }
                _ if !empty => {
                    ind.yearly.insert(y, given);
                }
                _ => {}
            }
        }
        Role::Actual(y) => {
            if empty {
                ind.actual.remove(&y);
            } else {
                ind.actual.insert(y, given);
            }
        }
        Role::Name => ind.name = text.trim_start_matches(['*', '＊']).trim().to_string(),
        Role::Unit => ind.unit = text,
        Role::Seq => ind.seq = text,
        Role::Category => ind.category = crate::table::detect::strip_ordinal(&text),
        Role::Lead => ind.lead_units = text,
        Role::Other => ind.other_units = text,
        Role::Direction => ind.direction_text = Some(text).filter(|t| !t.is_empty()),
        Role::Weight => ind.weight = plan::value::level_of(&given.value),
        Role::Parent => ind.parent = text,
        Role::Rate => crate::table::build::rate_into_target(ind, &text),
        Role::Binding | Role::Leader | Role::Note => {}
    }
    crate::table::build::base_from_actuals(ind, layout);
}

/// Splits tab-separated text as Excel and WPS put it on the clipboard (CRLF rows, quoted
/// cells when they hold tabs, quotes or line breaks); a trailing line break ends the last row.
pub fn parse_tsv(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_menu_lists_every_role_once_with_the_column_s_selected() {
        let roles = [
            ("unit", "单位"),
            ("rate", "年均增长（%）"),
            ("none", "(ignore)"),
        ];
        assert_eq!(
            role_options_html(roles, "rate"),
            "<option value=\"unit\">单位</option>\
             <option value=\"rate\" selected>年均增长（%）</option>\
             <option value=\"none\">(ignore)</option>"
        );
        // A column of no role the menu lists selects none.
        assert!(!role_options_html(roles, "").contains("selected"));
        assert_eq!(
            role_options_html([("a\"b", "<x & y>")], "a\"b"),
            "<option value=\"a&quot;b\" selected>&lt;x &amp; y&gt;</option>"
        );
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape_html(r#"a<b>&"c"'d 中"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;d 中"
        );
    }
}
