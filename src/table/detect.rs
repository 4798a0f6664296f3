//! Grid → table layout: title rows, header rows, column roles, years and data rows, and from
//! them a [`Plan`] (PLANNING-RULES "The documents behind it").
//!
//! Detection reads header words, never positions: real tables put the same roles in different
//! columns, under one to three header rows with merged cells.

use super::grid::{col_letters, format_number, MergeIndex, Sheet};
use crate::plan::{value, Binding, Given, Indicator, Plan, RawCell, Year, YearMap};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 40;
/// The most header rows a table has.
const MAX_HEADER_ROWS: usize = 3;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "role", content = "year", rename_all = "snake_case")]
pub enum Role {
    Seq,
    Category,
    Name,
    Unit,
    Direction,
    Binding,
    Weight,
    Base,
    Target,
    /// A yearly target column of the given year.
    Yearly(Year),
    /// An actual-value column of the given year.
    Actual(Year),
    Lead,
    Other,
    Leader,
    Note,
}

impl Role {
    /// The key used in the JSON report (`"base"`, `"yearly_2017"`, `"actual_2021"` …).
    pub fn key(&self) -> String {
        match self {
            Self::Seq => "seq".into(),
            Self::Category => "category".into(),
            Self::Name => "name".into(),
            Self::Unit => "unit".into(),
            Self::Direction => "direction".into(),
            Self::Binding => "binding".into(),
            Self::Weight => "weight".into(),
            Self::Base => "base".into(),
            Self::Target => "target".into(),
            Self::Yearly(y) => format!("yearly_{y}"),
            Self::Actual(y) => format!("actual_{y}"),
            Self::Lead => "lead_units".into(),
            Self::Other => "other_units".into(),
            Self::Leader => "leader".into(),
            Self::Note => "note".into(),
        }
    }
}

/// One column with its role and the header text that decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// 0-based column index.
    pub col: usize,
    pub role: Role,
    /// The header texts over the column, top to bottom, joined by ` / `.
    pub header: String,
}

/// The detected layout of one sheet. Row numbers are 0-based here; the report adds 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub header_first: usize,
    pub header_last: usize,
    pub data_first: usize,
    pub data_last: usize,
    pub columns: Vec<Column>,
    pub base_year: Option<Year>,
    pub target_year: Option<Year>,
    pub title: String,
}

impl Layout {
    /// The column of a role, if the table has one.
    pub fn col(&self, role: Role) -> Option<usize> {
        self.columns.iter().find(|c| c.role == role).map(|c| c.col)
    }

    /// The yearly-target columns, by year.
    pub fn yearly_cols(&self) -> BTreeMap<Year, usize> {
        self.columns
            .iter()
            .filter_map(|c| match c.role {
                Role::Yearly(y) => Some((y, c.col)),
                _ => None,
            })
            .collect()
    }

    /// The actual-value columns, by year.
    pub fn actual_cols(&self) -> BTreeMap<Year, usize> {
        self.columns
            .iter()
            .filter_map(|c| match c.role {
                Role::Actual(y) => Some((y, c.col)),
                _ => None,
            })
            .collect()
    }

    /// `{ role key: "C" }` for the report.
    pub fn column_letters(&self) -> BTreeMap<String, String> {
        self.columns
            .iter()
            .map(|c| (c.role.key(), col_letters(c.col)))
            .collect()
    }
}

/// Folds full-width ASCII forms (digits, letters, brackets, `％`) and ideographic spaces to
/// their half-width forms.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The text with all white space removed and full-width forms folded.
fn squash(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The last four-digit year (1900–2099) in a text, as in `2016年现状值` or `2020`.
pub fn find_year(s: &str) -> Option<Year> {
    let chars: Vec<char> = fold_width(s).chars().collect();
    let mut found = None;
    let mut i = 0;
    while i + 4 <= chars.len() {
        let window = &chars[i..i + 4];
        let digits = window.iter().all(char::is_ascii_digit);
        let before_ok = i == 0 || !chars[i - 1].is_ascii_digit();
        let after_ok = chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if digits && before_ok && after_ok {
            let y: String = window.iter().collect();
            if let Ok(y) = y.parse::<Year>() {
                if (1900..=2099).contains(&y) {
                    found = Some(y);
                }
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    found
}

/// A header text that is only a year (`2017年`, `2017`, `2017年度`).
fn is_pure_year(s: &str) -> bool {
    let t = squash(s);
    find_year(&t).is_some() && {
        let rest: String = t
            .chars()
            .filter(|c| !c.is_ascii_digit() && !matches!(c, '年' | '度' | '底' | '末'))
            .collect();
        rest.is_empty()
    }
}

/// The role a single header text names, before years and context are considered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Seq,
    Category,
    Name,
    Unit,
    Direction,
    Attribute,
    Weight,
    Base,
    Target,
    YearlyTarget,
    Actual,
    Lead,
    Other,
    Responsible,
    Leader,
    Note,
}

fn kind_of(text: &str) -> Option<Kind> {
    let t = squash(text);
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if t.is_empty() || is_pure_year(&t) {
        return None;
    }
    let kind = if has(&["序号", "编号"]) {
        Kind::Seq
    } else if has(&["一级指标"]) {
        Kind::Category
    } else if has(&["二级指标", "三级指标"]) {
        Kind::Name
    } else if has(&["领域", "类别", "方面", "分类"]) {
        Kind::Category
    } else if has(&["正逆向", "方向", "正向/逆向", "正指标/逆指标"]) {
        Kind::Direction
    } else if has(&["属性", "性质"]) {
        Kind::Attribute
    } else if has(&["权重", "权数", "分值"]) {
        Kind::Weight
    } else if has(&["牵头"]) {
        Kind::Lead
    } else if has(&["配合", "协办", "协同", "参与单位"]) {
        Kind::Other
    } else if has(&["责任领导", "分管领导", "领导"]) {
        Kind::Leader
    } else if has(&["责任单位", "责任部门", "责任主体", "主管部门"]) {
        Kind::Responsible
    } else if has(&["备注", "说明"]) {
        Kind::Note
    } else if t == "单位" || t == "计量单位" || t.ends_with("计量单位") {
        Kind::Unit
    } else if has(&["基期", "基数", "现状", "基准", "基年"]) {
        Kind::Base
    } else if has(&["目标"]) && has(&["完成", "实际"]) {
        // "年度目标及完成情况": a group over target and actual columns; the row below decides.
        return None;
    } else if has(&["实际", "完成", "评价值", "监测值", "实绩"]) {
        Kind::Actual
    } else if has(&["年度目标", "分年度"]) {
        Kind::YearlyTarget
    } else if has(&["目标", "规划", "预期值"]) {
        Kind::Target
    } else if has(&["指标名称", "名称", "指标", "项目"]) {
        Kind::Name
    } else {
        return None;
    };
    Some(kind)
}

/// Whether a header text names the plan's final target rather than a yearly one.
fn is_strong_target(parts: &[String]) -> bool {
    parts.iter().any(|p| {
        let t = squash(p);
        ["目标值", "规划目标", "规划指标", "规划值", "远期"]
            .iter()
            .any(|w| t.contains(w))
    })
}

fn header_word_count(merges: &MergeIndex<'_>, row: usize, width: usize) -> usize {
    (0..width)
        .filter(|&c| {
            // Count a merged range once, at its top-left cell.
            match merges.covering(row, c) {
                Some(m) if (m.first_row as usize, m.first_col as usize) != (row, c) => false,
                _ => kind_of(&merges.merged_text(row, c)).is_some(),
            }
        })
        .count()
}

fn has_name_word(merges: &MergeIndex<'_>, row: usize, width: usize) -> bool {
    (0..width).any(|c| kind_of(&merges.merged_text(row, c)) == Some(Kind::Name))
}

/// A row below the first header row that still belongs to the header: all of its own cells
/// (not covered by a merge from above) are header words or years, and it has at least one.
fn is_header_continuation(
    sheet: &Sheet,
    merges: &MergeIndex<'_>,
    row: usize,
    width: usize,
) -> bool {
    let mut own = 0;
    for c in 0..width {
        if let Some(m) = merges.covering(row, c) {
            if (m.first_row as usize) < row {
                continue;
            }
        }
        let text = sheet.text(row, c);
        if text.is_empty() {
            continue;
        }
        if matches!(sheet.cell(row, c), RawCell::Number { .. }) {
            return false;
        }
        if !(is_pure_year(&text) || kind_of(&text).is_some()) {
            return false;
        }
        own += 1;
    }
    own > 0
}

/// Detects the layout of a sheet, or `None` when it holds no indicator table.
pub fn detect(sheet: &Sheet) -> Option<Layout> {
    let width = sheet.width();
    let rows = sheet.rows.len();
    let merges = MergeIndex::new(sheet);
    let header_first = (0..rows.min(HEADER_SEARCH_ROWS))
        .find(|&r| header_word_count(&merges, r, width) >= 3 && has_name_word(&merges, r, width))?;
    let mut header_last = header_first;
    while header_last + 1 < rows
        && header_last + 1 < header_first + MAX_HEADER_ROWS
        && is_header_continuation(sheet, &merges, header_last + 1, width)
    {
        header_last += 1;
    }
    let columns = classify_columns(sheet, &merges, header_first, header_last, width);
    let has = |f: fn(&Role) -> bool| columns.iter().any(|c| f(&c.role));
    if !has(|r| *r == Role::Name)
        || !has(|r| {
            matches!(
                r,
                Role::Base | Role::Target | Role::Yearly(_) | Role::Actual(_)
            )
        })
    {
        return None;
    }
    let mut layout = Layout {
        header_first,
        header_last,
        data_first: header_last + 1,
        data_last: header_last,
        columns,
        base_year: None,
        target_year: None,
        title: title_above(sheet, header_first, width),
    };
    layout.base_year = layout
        .columns
        .iter()
        .find(|c| c.role == Role::Base)
        .and_then(|c| find_year(&c.header));
    layout.target_year = layout
        .columns
        .iter()
        .find(|c| c.role == Role::Target)
        .and_then(|c| find_year(&c.header))
        .or_else(|| layout.yearly_cols().keys().next_back().copied());
    if layout.base_year.is_none() {
        let first_year = layout
            .yearly_cols()
            .keys()
            .next()
            .copied()
            .or_else(|| layout.actual_cols().keys().next().copied());
        layout.base_year = first_year.map(|y| y - 1);
    }
    let name_col = layout.col(Role::Name);
    let mut data = ((header_last + 1)..rows)
        .filter(|&r| classify_row(sheet, &merges, name_col, r, width) == RowKind::Indicator);
    let first = data.next()?;
    let last = data.next_back().unwrap_or(first);
    layout.data_first = first;
    layout.data_last = last;
    Some(layout)
}

fn title_above(sheet: &Sheet, header_first: usize, width: usize) -> String {
    (0..header_first)
        .flat_map(|r| (0..width).map(move |c| (r, c)))
        .map(|(r, c)| sheet.text(r, c))
        .find(|t| !t.is_empty())
        .unwrap_or_else(|| sheet.name.clone())
}

fn classify_columns(
    sheet: &Sheet,
    merges: &MergeIndex<'_>,
    first: usize,
    last: usize,
    width: usize,
) -> Vec<Column> {
    struct Found {
        col: usize,
        kind: Option<Kind>,
        year: Option<Year>,
        parts: Vec<String>,
    }
    let mut found = Vec::new();
    for col in 0..width {
        let mut parts: Vec<String> = Vec::new();
        for row in first..=last {
            let t = merges.merged_text(row, col);
            if !t.is_empty() && parts.last() != Some(&t) {
                parts.push(t);
            }
        }
        if parts.is_empty() {
            continue;
        }
        let kind = parts.iter().rev().find_map(|p| kind_of(p));
        let year = parts.iter().rev().find_map(|p| find_year(p));
        found.push(Found {
            col,
            kind,
            year,
            parts,
        });
    }
    // The final target: the latest "strong" target column (目标值, 规划目标), else the latest
    // target column; the other target columns with a year are yearly targets.
    let targets: Vec<&Found> = found
        .iter()
        .filter(|f| f.kind == Some(Kind::Target))
        .collect();
    let strong: Vec<&&Found> = targets
        .iter()
        .filter(|f| is_strong_target(&f.parts) || f.year.is_none())
        .collect();
    let pool: Vec<&Found> = if strong.is_empty() {
        targets.clone()
    } else {
        strong.into_iter().copied().collect()
    };
    let final_col = pool
        .iter()
        .max_by_key(|f| (f.year.unwrap_or(i32::MAX), std::cmp::Reverse(f.col)))
        .map(|f| f.col);
    let has_lead = found.iter().any(|f| f.kind == Some(Kind::Lead));
    let mut columns = Vec::new();
    for f in &found {
        let role = match (f.kind, f.year) {
            (Some(Kind::Seq), _) => Some(Role::Seq),
            (Some(Kind::Category), _) => Some(Role::Category),
            (Some(Kind::Name), _) => Some(Role::Name),
            (Some(Kind::Unit), _) => Some(Role::Unit),
            (Some(Kind::Direction), _) => Some(Role::Direction),
            (Some(Kind::Attribute), _) => Some(attribute_role(sheet, last, f.col)),
            (Some(Kind::Weight), _) => Some(Role::Weight),
            (Some(Kind::Base), _) => Some(Role::Base),
            (Some(Kind::Target), _) if Some(f.col) == final_col => Some(Role::Target),
            (Some(Kind::Target | Kind::YearlyTarget), Some(y)) => Some(Role::Yearly(y)),
            (None, Some(y)) if f.parts.iter().any(|p| is_pure_year(p)) => Some(Role::Yearly(y)),
            (Some(Kind::Actual), Some(y)) => Some(Role::Actual(y)),
            (Some(Kind::Lead), _) => Some(Role::Lead),
            (Some(Kind::Other), _) => Some(Role::Other),
            (Some(Kind::Responsible), _) => Some(if has_lead { Role::Other } else { Role::Lead }),
            (Some(Kind::Leader), _) => Some(Role::Leader),
            (Some(Kind::Note), _) => Some(Role::Note),
            _ => None,
        };
        if let Some(role) = role {
            // The first column of a role wins; a second name or unit column is ignored.
            if !columns.iter().any(|c: &Column| c.role == role) {
                columns.push(Column {
                    col: f.col,
                    role,
                    header: f.parts.join(" / "),
                });
            }
        }
    }
    columns
}

/// A 属性 column holds either 预期性/约束性 (a binding) or 正向/逆向 (a direction): its cells say.
fn attribute_role(sheet: &Sheet, header_last: usize, col: usize) -> Role {
    let binding = (header_last + 1..sheet.rows.len()).take(200).any(|r| {
        let t = sheet.text(r, col);
        t.contains("约束") || t.contains("预期")
    });
    if binding {
        Role::Binding
    } else {
        Role::Direction
    }
}

#[derive(Debug, PartialEq, Eq)]
enum RowKind {
    Blank,
    Note,
    Footer,
    Category(String),
    Indicator,
}

/// The text with all white space removed and full-width forms folded ([`squash`]), char by char
/// and without building it.
fn squashed(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
}

/// `squash(s).starts_with(prefix)`.
fn squashed_starts_with(s: &str, prefix: &str) -> bool {
    let mut t = squashed(s);
    prefix.chars().all(|p| t.next() == Some(p))
}

/// `squash(s) == word`.
fn squashed_is(s: &str, word: &str) -> bool {
    squashed(s).eq(word.chars())
}

/// The squashed beginnings of a note row.
const NOTE_PREFIXES: [&str; 7] = [
    "注:",
    "注：",
    "备注:",
    "备注：",
    "说明:",
    "说明：",
    "资料来源",
];
/// Squashed footer texts, and beginnings of footer texts.
const FOOTER_WORDS: [&str; 3] = ["合计", "总计", "小计"];
const FOOTER_PREFIXES: [&str; 8] = [
    "填报人",
    "制表",
    "审核",
    "负责人",
    "签字",
    "联系人",
    "填表人",
    "报送",
];

/// The first character (compared as a `char`: `str::starts_with(char)` goes through `memcmp`).
fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

fn is_note(text: &str) -> bool {
    // Most cells are no note: their first character already says so.
    let Some(first) = squashed(text).next() else {
        return false;
    };
    (NOTE_PREFIXES
        .iter()
        .any(|p| first_char(p) == Some(first) && squashed_starts_with(text, p)))
        || (first == '注' && squashed(text).nth(1).is_some_and(|c| c.is_ascii_digit()))
}

fn is_footer(text: &str) -> bool {
    let Some(first) = squashed(text).next() else {
        return false;
    };
    FOOTER_WORDS
        .iter()
        .any(|w| first_char(w) == Some(first) && squashed_is(text, w))
        || FOOTER_PREFIXES
            .iter()
            .any(|p| first_char(p) == Some(first) && squashed_starts_with(text, p))
}

/// Strips an ordinal prefix such as `一、`, `（一）`, `1.` from a category label.
pub fn strip_ordinal(s: &str) -> String {
    let t = s.trim();
    let is_ordinal = |c: char| "一二三四五六七八九十百0123456789０１２３４５６７８９".contains(c);
    let rest = t;
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(inner) = rest.strip_prefix(open) {
            if let Some(end) = inner.find(close) {
                if inner[..end].chars().all(is_ordinal) && end > 0 {
                    return inner[end + close.len()..].trim().to_string();
                }
            }
        }
    }
    let digits = rest.chars().take_while(|c| is_ordinal(*c)).count();
    if digits > 0 {
        let after: String = rest.chars().skip(digits).collect();
        for sep in ['、', '.', '．', ' '] {
            if let Some(r) = after.strip_prefix(sep) {
                return r.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// What a row below the header is, from its name cell and its non-empty cells: a category row
/// has one cell (spanning half the width, or outside the name column, or with no name), an
/// indicator row has a name. Numbers are never turned into text here: a number cell is never
/// empty, never a note, footer or category.
fn classify_row(
    sheet: &Sheet,
    merges: &MergeIndex<'_>,
    name_col: Option<usize>,
    row: usize,
    width: usize,
) -> RowKind {
    // The non-empty cells: the column, and the trimmed text of a text cell.
    let cells = sheet.rows.get(row).map_or(&[][..], Vec::as_slice);
    let non_empty = cells
        .iter()
        .take(width)
        .enumerate()
        .filter_map(|(c, cell)| match cell {
            RawCell::Empty => None,
            RawCell::Text { s } => {
                let t = s.trim();
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
    let has_name = name_col.is_some_and(|c| match sheet.cell(row, c) {
        RawCell::Empty => false,
        RawCell::Text { s } => !s.trim().is_empty(),
        RawCell::Number { .. } => true,
    });
    if count == 1 {
        let spans_wide = merges.at(row, first_col).is_some_and(|m| {
            m.last_col.saturating_sub(m.first_col) as usize + 1 >= width.max(2) / 2
        });
        if spans_wide || !has_name || Some(first_col) != name_col {
            return match first_text {
                Some(t) => RowKind::Category(strip_ordinal(t)),
                None => RowKind::Blank,
            };
        }
    }
    if !has_name {
        return RowKind::Blank;
    }
    RowKind::Indicator
}

/// Builds the plan of a sheet from its layout.
pub fn build_plan(sheet: &Sheet, layout: &Layout) -> Plan {
    crate::pace::finish(build_plan_paced(
        sheet,
        layout,
        &mut crate::pace::Straight,
        |f| f,
    ))
    .unwrap_or_default()
}

/// [`build_plan`] in slices of [`STEP`](crate::pace::STEP) rows, reporting to `pace` with
/// [`Stage::Detect`](crate::pace::Stage::Detect); `progress` maps the fraction of the rows done
/// to the fraction reported.
pub async fn build_plan_paced<P: crate::pace::Pace>(
    sheet: &Sheet,
    layout: &Layout,
    pace: &mut P,
    progress: impl Fn(f64) -> f64,
) -> Plan {
    let width = sheet.width();
    let merges = MergeIndex::new(sheet);
    let col = |role: Role| layout.col(role);
    let (seq_col, category_col, name_col, unit_col) = (
        col(Role::Seq),
        col(Role::Category),
        col(Role::Name),
        col(Role::Unit),
    );
    let (binding_col, direction_col, weight_col) =
        (col(Role::Binding), col(Role::Direction), col(Role::Weight));
    let (base_col, target_col, lead_col, other_col) = (
        col(Role::Base),
        col(Role::Target),
        col(Role::Lead),
        col(Role::Other),
    );
    // The text of a role's cell, or of the merged range over it: borrowed from a text cell.
    let text_of = |row: usize, col: Option<usize>| -> Cow<'_, str> {
        let Some(c) = col else {
            return Cow::Borrowed("");
        };
        let cell = match merges.covering(row, c) {
            Some(m) => sheet.cell(m.first_row as usize, m.first_col as usize),
            None => sheet.cell(row, c),
        };
        match cell {
            RawCell::Empty => Cow::Borrowed(""),
            RawCell::Text { s } => Cow::Borrowed(s.trim()),
            RawCell::Number { n, .. } => Cow::Owned(format_number(*n)),
        }
    };
    let given = |row: usize, col: usize| value::parse(sheet.cell(row, col));
    let yearly_cols = layout.yearly_cols();
    let actual_cols = layout.actual_cols();
    let mut indicators = Vec::new();
    let mut category = String::new();
    let end = (layout.data_last + 1).min(sheet.rows.len());
    let first = layout.header_last + 1;
    let rows = end.saturating_sub(first).max(1) as f64;
    for row in first..end {
        if (row - first) % crate::pace::STEP == crate::pace::STEP - 1 {
            let done = (row - first) as f64 / rows;
            pace.step(crate::pace::Stage::Detect, progress(done)).await;
        }
        match classify_row(sheet, &merges, name_col, row, width) {
            RowKind::Category(c) => {
                category = c;
                continue;
            }
            RowKind::Indicator => {}
            _ => continue,
        }
        let cat_cell = text_of(row, category_col);
        if !cat_cell.is_empty() {
            let cat_cell = strip_ordinal(&cat_cell);
            if !cat_cell.is_empty() {
                category = cat_cell;
            }
        }
        let raw_name = text_of(row, name_col);
        let starred = raw_name.starts_with('*') || raw_name.starts_with('＊');
        let name = raw_name.trim_start_matches(['*', '＊']).trim().to_string();
        let binding_text = text_of(row, binding_col);
        let binding = if starred || binding_text.contains("约束") {
            Some(Binding::Binding)
        } else if binding_text.contains("预期") {
            Some(Binding::Expected)
        } else {
            None
        };
        let cell_of = |col: Option<usize>| col.map(|c| given(row, c)).unwrap_or_default();
        // Years in ascending order: each insert appends, and a Given is moved once.
        let collect = |cols: &BTreeMap<Year, usize>| -> YearMap<Given> {
            let mut out = YearMap::new();
            for (&y, &c) in cols {
                if matches!(sheet.cell(row, c), RawCell::Empty) {
                    continue;
                }
                let g = given(row, c);
                if g.value != crate::plan::Value::Empty {
                    out.insert(y, g);
                }
            }
            out
        };
        let base = cell_of(base_col);
        let target = cell_of(target_col);
        let yearly = collect(&yearly_cols);
        let actual = collect(&actual_cols);
        let unit = text_of(row, unit_col).into_owned();
        let is_group = unit.is_empty()
            && base.text.is_empty()
            && target.text.is_empty()
            && yearly.is_empty()
            && actual.is_empty();
        let weight = weight_col.and_then(|c| match sheet.cell(row, c) {
            RawCell::Number { n, .. } => Some(*n),
            RawCell::Text { s } => fold_width(s).trim().parse().ok(),
            RawCell::Empty => None,
        });
        let direction_text = Some(text_of(row, direction_col))
            .filter(|t| !t.is_empty())
            .map(Cow::into_owned);
        indicators.push(Indicator {
            row: u32::try_from(row + 1).unwrap_or(u32::MAX),
            seq: text_of(row, seq_col).into_owned(),
            category: category.clone(),
            name,
            unit,
            binding,
            direction_text,
            weight,
            base,
            base_year: layout.base_year,
            target,
            target_year: layout.target_year,
            yearly,
            actual,
            lead_units: text_of(row, lead_col).into_owned(),
            other_units: text_of(row, other_col).into_owned(),
            is_group,
            ..Indicator::default()
        });
    }
    Plan {
        title: layout.title.clone(),
        years: yearly_cols.keys().copied().collect(),
        indicators,
        settings: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_found_in_header_words() {
        assert_eq!(find_year("2016年现状值"), Some(2016));
        assert_eq!(find_year("２０２０年目标"), Some(2020));
        assert_eq!(find_year("实际完成值"), None);
        assert_eq!(find_year("12345"), None);
        assert!(is_pure_year("2017年"));
        assert!(is_pure_year("2017"));
        assert!(!is_pure_year("2017年目标"));
    }

    #[test]
    fn header_words_name_roles() {
        assert_eq!(kind_of("指标名称"), Some(Kind::Name));
        assert_eq!(kind_of("计量单位"), Some(Kind::Unit));
        assert_eq!(kind_of("牵头单位"), Some(Kind::Lead));
        assert_eq!(kind_of("2016年基期值"), Some(Kind::Base));
        assert_eq!(kind_of("2021年实际"), Some(Kind::Actual));
        assert_eq!(kind_of("年度目标及完成情况"), None);
        assert_eq!(kind_of("2020年目标值"), Some(Kind::Target));
    }

    #[test]
    fn category_ordinals_are_stripped() {
        assert_eq!(strip_ordinal("一、经济发展"), "经济发展");
        assert_eq!(strip_ordinal("（二）创新驱动"), "创新驱动");
        assert_eq!(strip_ordinal("经济发展"), "经济发展");
    }
}
