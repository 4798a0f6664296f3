//! Grid → table layout, by weighing evidence: which rows are the header band, which column
//! names the rows, what every other column holds, and whether year columns are targets or
//! actuals (PLANNING-RULES "The documents behind it").
//!
//! Nothing here depends on positions or on one sample's words: the band is the first rows
//! whose cells are header words or years (a year alone is evidence, so `指标 | 2024年 |
//! 2023年` is a header); each column's role comes from its own header parts, the merged
//! headers above it, its neighbours (two years apart are base and target, a run of years the
//! yearly targets) and the title (`年度数据`, `完成情况` say actuals); where no word names the
//! rows, the column of texts beside the numbers does. Every decision keeps its [`Why`], shown
//! in 表头识别, and every decision can be overridden by the user (a new [`Layout`]).

use super::grid::{col_letters, MergeIndex, Sheet};
use super::rows::{classify_row, has_ordinal, RowKind};
use super::vocabulary::{self as vocab, first_word, kind_of, norm, pure_year, Kind};
use crate::plan::{RawCell, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::build::{build_plan, build_plan_paced};
pub use super::rows::strip_ordinal;
pub use super::vocabulary::{find_year, fold_width};

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 40;
/// The most header rows a table has.
const MAX_HEADER_ROWS: usize = 3;
/// The longest header word (normalised, in characters): longer texts are titles or data.
const MAX_HEADER_CHARS: usize = 24;
/// How many data rows are looked at for the shape of a column.
const SHAPE_ROWS: usize = 60;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "role", content = "year", rename_all = "snake_case")]
pub enum Role {
    /// 序号
    Seq,
    /// 类别 / 领域
    Category,
    /// 指标名称
    Name,
    /// 计量单位
    Unit,
    /// 指标方向 (正向/逆向)
    Direction,
    /// 指标属性 (预期性/约束性)
    Binding,
    /// 权重
    Weight,
    /// The base value (基期值, 2020年)
    Base,
    /// The final target (目标值, 2025年)
    Target,
    /// A yearly target column of the given year.
    Yearly(Year),
    /// An actual-value column of the given year.
    Actual(Year),
    /// 牵头单位
    Lead,
    /// 配合单位 / 责任单位 other than the lead
    Other,
    /// The responsible leader (责任领导)
    Leader,
    /// 备注
    Note,
    /// The group of a two-level name: a cell merged down beside the items it groups.
    Parent,
    /// An annual growth rate beside the target (`年均增长(%)`): read with the target as
    /// `T，年均增长r%`.
    Rate,
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
            Self::Parent => "parent".into(),
            Self::Rate => "rate".into(),
        }
    }
}

/// One column with its role and the header text that decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// 0-based column index.
    pub col: usize,
    /// What the column holds.
    pub role: Role,
    /// The header texts over the column, top to bottom, joined by ` / `.
    pub header: String,
    /// What decided the role (shown in 表头识别).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<Why>,
}

impl Column {
    /// How sure detection is of this column's role.
    pub fn confidence(&self) -> Confidence {
        if self
            .why
            .iter()
            .any(|w| matches!(w, Why::User | Why::Word(_) | Why::Cells(_)))
        {
            Confidence::Sure
        } else if self.why.iter().any(|w| matches!(w, Why::Shape)) || self.why.is_empty() {
            Confidence::Guess
        } else {
            Confidence::Likely
        }
    }
}

/// One piece of evidence for a column's role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", content = "word", rename_all = "snake_case")]
pub enum Why {
    /// A header word over the column (`指标名称`, `牵头单位`, `实际`).
    Word(String),
    /// A year in the column's header.
    Year(Year),
    /// A word in a merged header over the column (`年度目标`, `规划指标`).
    Group(String),
    /// A word of the title saying what the year columns hold (`年度数据`, `完成情况`).
    Title(String),
    /// The years run newest first, as in a statistical table.
    NewestFirst,
    /// Two years apart with nothing between: the earlier is the base, the later the target.
    YearPair,
    /// The years run on from the base, or up to the target: yearly targets.
    YearRun,
    /// What the column's cells hold (`约束性`, `正向`).
    Cells(String),
    /// Texts beside numbers: the column that names the rows.
    Shape,
    /// An actual of a year before the plan's first year, with no base column: the base
    /// (`2020年实际` beside `2025年目标`).
    BeforePlan,
    /// Set by the user.
    User,
}

/// How sure detection is of a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Only the shape of the cells said it.
    Guess,
    /// Years and their neighbours said it.
    Likely,
    /// A header word, the cells' own words or the user said it.
    Sure,
}

/// The detected layout of one sheet. Row numbers are 0-based here; the report adds 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// The first header row (0-based).
    pub header_first: usize,
    /// The last header row.
    pub header_last: usize,
    /// The first data row.
    pub data_first: usize,
    /// The last data row.
    pub data_last: usize,
    /// Every column with a role, in sheet order.
    pub columns: Vec<Column>,
    /// The base year t0, where the headers give it.
    pub base_year: Option<Year>,
    /// The target year t1, where the headers give it.
    pub target_year: Option<Year>,
    /// The table's title.
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

/// Detects the layout of a sheet, or `None` when it holds no indicator table: no header band,
/// no column that names the rows, no column of values, or no indicator row.
///
/// ```
/// use zhibiao::plan::RawCell;
/// use zhibiao::table::detect::{detect, Role};
/// use zhibiao::table::grid::Sheet;
/// let t = |s: &str| RawCell::Text { s: s.into() };
/// let sheet = Sheet {
///     name: "Sheet1".into(),
///     rows: vec![
///         vec![t("指标"), t("2024年"), t("2023年")],
///         vec![t("国内生产总值(亿元)"), t("1,349,084"), t("1,260,582")],
///     ],
///     merges: vec![],
/// };
/// let layout = detect(&sheet).unwrap();
/// assert_eq!(layout.col(Role::Name), Some(0));
/// assert_eq!(layout.col(Role::Actual(2024)), Some(1));
/// ```
pub fn detect(sheet: &Sheet) -> Option<Layout> {
    let width = sheet.width();
    let rows = sheet.rows.len();
    let merges = MergeIndex::new(sheet);
    let header_first = (0..rows.min(HEADER_SEARCH_ROWS)).find(|&r| {
        let e = row_evidence(sheet, &merges, r, width);
        e.numbers == 0 && e.cues >= 2 && (e.name || e.years >= 2 || e.cues >= 3)
    })?;
    let header_last = band_end(sheet, &merges, header_first, width);
    let header_last = merged_down(sheet, header_first, header_last);
    let layout = layout_for_band(sheet, &merges, header_first, header_last, None);
    let has_values = layout.columns.iter().any(|c| {
        matches!(
            c.role,
            Role::Base | Role::Target | Role::Yearly(_) | Role::Actual(_)
        )
    });
    let has_rows = layout.data_last >= layout.data_first;
    (layout.col(Role::Name).is_some() && has_values && has_rows).then_some(layout)
}

/// The layout of a table the user marked (标记表格): the header band is the rows
/// `header_first..=header_last` and `name_col` names the rows; everything else is inferred as
/// [`detect`] infers it. A layout is always returned, even with no value column (the user then
/// sets the roles in 表头识别).
pub fn detect_marked(
    sheet: &Sheet,
    header_first: usize,
    header_last: usize,
    name_col: usize,
) -> Layout {
    let merges = MergeIndex::new(sheet);
    let last = header_last.max(header_first);
    layout_for_band(sheet, &merges, header_first, last, Some(name_col))
}

/// What the cells of one row say about it being a header row.
#[derive(Default)]
struct Evidence {
    /// Cells (a merged range once) that are header words or years.
    cues: usize,
    /// One of them names the rows (指标, 指标名称, 项目 …).
    name: bool,
    /// How many are years.
    years: usize,
    /// Number cells that are not years: a data row.
    numbers: usize,
    /// Own non-empty cells that are neither.
    others: usize,
}

/// What one header cell says: its kind and its year.
fn cue(cell: &RawCell, text: &str) -> Option<(Option<Kind>, Option<Year>)> {
    if let RawCell::Number { n, .. } = cell {
        let y = *n as Year;
        return (n.fract() == 0.0 && (1900..=2099).contains(&y)).then_some((None, Some(y)));
    }
    let t = norm(text);
    let colon = t.trim_end_matches([':', '：']).contains([':', '：']);
    if t.is_empty() || colon || t.chars().count() > MAX_HEADER_CHARS || has_ordinal(text) {
        return None;
    }
    if let Some(y) = pure_year(&t) {
        return Some((None, Some(y)));
    }
    kind_of(&t).map(|(k, _)| (Some(k), vocab::find_year(&t)))
}

fn row_evidence(sheet: &Sheet, merges: &MergeIndex<'_>, row: usize, width: usize) -> Evidence {
    let mut e = Evidence::default();
    for c in 0..width {
        // A merged range counts once, at its top-left cell; a range from a row above not here.
        let (r0, c0) = match merges.covering(row, c) {
            Some(m) => (m.first_row as usize, m.first_col as usize),
            None => (row, c),
        };
        if (r0, c0) != (row, c) {
            continue;
        }
        let cell = sheet.cell(row, c);
        if matches!(cell, RawCell::Empty) {
            continue;
        }
        match cue(cell, &sheet.text(row, c)) {
            Some((kind, year)) => {
                e.cues += 1;
                e.name |= kind == Some(Kind::Name);
                e.years += usize::from(kind.is_none() && year.is_some());
            }
            None if matches!(cell, RawCell::Number { .. }) => e.numbers += 1,
            None => e.others += 1,
        }
    }
    e
}

/// The last row of the band that starts at `first`: the rows below whose own cells (not
/// covered by a merge from above) are all header words or years.
fn band_end(sheet: &Sheet, merges: &MergeIndex<'_>, first: usize, width: usize) -> usize {
    let mut last = first;
    while last + 1 < sheet.rows.len() && last + 1 < first + MAX_HEADER_ROWS {
        let row = last + 1;
        let e = row_evidence(sheet, merges, row, width);
        // A lone cue is a sub-header only under a merged group (`规划目标` over one column);
        // alone it is more likely a category row (`一、预期性指标`) or a data row.
        let under_group = (0..width).any(|c| {
            !matches!(sheet.cell(row, c), RawCell::Empty)
                && merges
                    .covering(last, c)
                    .is_some_and(|m| m.last_col > m.first_col && m.last_row as usize == last)
        });
        if e.numbers > 0 || e.others > 0 || e.cues == 0 || (e.cues == 1 && !under_group) {
            break;
        }
        last = row;
    }
    last
}

/// The band grown to the last row of the header cells merged down from it (`指标名称` merged
/// over rows 3–4 beside `2021年` over `目标 | 完成`), within [`MAX_HEADER_ROWS`].
fn merged_down(sheet: &Sheet, first: usize, mut last: usize) -> usize {
    loop {
        let grown = sheet
            .merges
            .iter()
            .filter(|m| {
                let (r0, r1) = (m.first_row as usize, m.last_row as usize);
                (first..=last).contains(&r0)
                    && r1 > last
                    && r1 < first + MAX_HEADER_ROWS
                    && cue(
                        sheet.cell(r0, m.first_col as usize),
                        &sheet.text(r0, m.first_col as usize),
                    )
                    .is_some()
            })
            .map(|m| m.last_row as usize)
            .max();
        match grown {
            Some(r) if r > last => last = r,
            _ => return last,
        }
    }
}

/// The header parts over a column, top to bottom (a merged range's text once).
fn parts_of(merges: &MergeIndex<'_>, first: usize, last: usize, col: usize) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for row in first..=last {
        let mut t = merges.merged_text(row, col);
        if t.is_empty() && row < last {
            t = unmerged_group(merges, row, last, col);
        }
        if !t.is_empty() && parts.last() != Some(&t) {
            parts.push(t);
        }
    }
    parts
}

/// The text of a group header written once over several columns without a merge (CSV, or a
/// sheet whose merges were lost): `2021年` over `目标 | 完成` where the cell over `完成` is
/// empty. An empty cell takes the text to its left when every cell between has a sub-header
/// below it in the band.
fn unmerged_group(merges: &MergeIndex<'_>, row: usize, last: usize, col: usize) -> String {
    let has_sub = |c: usize| ((row + 1)..=last).any(|r| !merges.merged_text(r, c).is_empty());
    let mut c = col;
    while c > 0 {
        if merges.covering(row, c).is_some() || !has_sub(c) {
            return String::new();
        }
        c -= 1;
        let t = merges.merged_text(row, c);
        if !t.is_empty() {
            return if merges.covering(row, c).is_some() {
                String::new()
            } else {
                t
            };
        }
    }
    String::new()
}
/// A column's role before its neighbours are weighed.
#[derive(Clone, Debug, PartialEq)]
enum Pre {
    Fixed(Role),
    Name,
    Attribute,
    Responsible,
    Base(Option<Year>),
    /// A final target (目标值, 规划目标), with its year.
    Final(Option<Year>),
    /// A year's target (`2021年目标`, `目标` under `2021年`).
    YearTarget(Year),
    Actual(Option<Year>),
    /// A year alone; `plan` when a merged header over it is a plan word (规划指标).
    Pure(Year),
}

struct Found {
    col: usize,
    pre: Pre,
    parts: Vec<String>,
    why: Vec<Why>,
}

fn pre_of(parts: &[String]) -> Option<(Pre, Vec<Why>)> {
    let kinds: Vec<Option<(Kind, &'static str)>> = parts.iter().map(|p| kind_of(p)).collect();
    let own = kinds
        .iter()
        .rposition(|k| k.is_some_and(|k| k.0 != Kind::Group));
    let year = parts.iter().rev().find_map(|p| vocab::header_year(p));
    // The words of the merged headers above the column's own word.
    let above: Vec<(Kind, &'static str)> = kinds[..own.unwrap_or(kinds.len())]
        .iter()
        .flatten()
        .copied()
        .collect();
    let group_word = |k: Kind| above.iter().rev().find(|a| a.0 == k).map(|a| a.1);
    let mut why: Vec<Why> = Vec::new();
    let Some(own) = own else {
        // Only a year alone at the bottom of the header makes a year column: `2018年实现程度`
        // is some other column of that year.
        let y = pure_year(parts.last()?)?;
        why.push(Why::Year(y));
        if let Some(w) = group_word(Kind::Actual) {
            why.push(Why::Group(w.into()));
            return Some((Pre::Actual(Some(y)), why));
        }
        if let Some(w) = group_word(Kind::Target) {
            why.push(Why::Group(w.into()));
            return Some((Pre::YearTarget(y), why));
        }
        if let Some(w) = group_word(Kind::Base) {
            why.push(Why::Group(w.into()));
            return Some((Pre::Base(Some(y)), why));
        }
        return Some((Pre::Pure(y), why));
    };
    let (kind, word) = kinds[own]?;
    let under_year = parts[..own].iter().rev().find_map(|p| pure_year(p));
    why.push(Why::Word(word.into()));
    if year.is_some()
        && matches!(
            kind,
            Kind::Base | Kind::Target | Kind::FinalTarget | Kind::Actual
        )
    {
        why.extend(year.map(Why::Year));
    }
    let pre = match kind {
        Kind::Seq => Pre::Fixed(Role::Seq),
        Kind::Category => Pre::Fixed(Role::Category),
        Kind::Name => Pre::Name,
        Kind::Unit => Pre::Fixed(Role::Unit),
        Kind::Direction => Pre::Fixed(Role::Direction),
        Kind::Attribute => Pre::Attribute,
        Kind::Weight => Pre::Fixed(Role::Weight),
        Kind::Base => Pre::Base(year),
        Kind::Actual => Pre::Actual(year),
        // A target word under a year of a year group (`2025年` over `目标值`) is that year's.
        Kind::FinalTarget | Kind::Target if under_year.is_some() => {
            Pre::YearTarget(under_year.unwrap_or_default())
        }
        Kind::FinalTarget => Pre::Final(year),
        Kind::Target => match (group_word(Kind::FinalTarget), year) {
            (Some(w), _) => {
                why.push(Why::Group(w.into()));
                Pre::Final(year)
            }
            (None, Some(y)) => Pre::YearTarget(y),
            (None, None) => Pre::Final(None),
        },
        Kind::Lead => Pre::Fixed(Role::Lead),
        Kind::Other => Pre::Fixed(Role::Other),
        Kind::Responsible => Pre::Responsible,
        Kind::Leader => Pre::Fixed(Role::Leader),
        Kind::Note => Pre::Fixed(Role::Note),
        Kind::Rate => Pre::Fixed(Role::Rate),
        Kind::Group => return None,
    };
    Some((pre, why))
}

/// The title: the first text above the band, or the sheet's name.
fn title_above(sheet: &Sheet, header_first: usize, width: usize) -> String {
    (0..header_first)
        .flat_map(|r| (0..width).map(move |c| (r, c)))
        .map(|(r, c)| sheet.text(r, c))
        .find(|t| !t.is_empty())
        .unwrap_or_else(|| sheet.name.clone())
}

/// Every text above the band that says what the table is, normalised and joined: the title and
/// sub-titles such as `数据库：年度数据`, not who filled it in (`填报单位：县统计局`,
/// `报送时间：…`); a bureau's name (统计局) says nothing about the columns.
fn texts_above(sheet: &Sheet, header_first: usize, width: usize) -> String {
    (0..header_first)
        .flat_map(|r| (0..width).map(move |c| (r, c)))
        .map(|(r, c)| norm(&sheet.text(r, c)))
        .filter(|t| {
            let label = t.split([':', '：']).next().unwrap_or("");
            label.len() == t.len()
                || !["单位", "部门", "时间", "日期", "人", "机关"]
                    .iter()
                    .any(|w| label.contains(w))
        })
        .map(|t| t.replace("统计局", ""))
        .collect()
}

fn layout_for_band(
    sheet: &Sheet,
    merges: &MergeIndex<'_>,
    first: usize,
    last: usize,
    forced_name: Option<usize>,
) -> Layout {
    let width = sheet.width();
    let mut found: Vec<Found> = Vec::new();
    for col in 0..width {
        let parts = parts_of(merges, first, last, col);
        if parts.is_empty() {
            continue;
        }
        if let Some((pre, why)) = pre_of(&parts) {
            found.push(Found {
                col,
                pre,
                parts,
                why,
            });
        }
    }
    let mut columns: Vec<Column> = Vec::new();
    let push = |columns: &mut Vec<Column>, f: &Found, role: Role, extra: Option<Why>| {
        if columns.iter().any(|c| c.role == role || c.col == f.col) {
            return;
        }
        let mut why = f.why.clone();
        why.extend(extra);
        columns.push(Column {
            col: f.col,
            role,
            header: f.parts.join(" / "),
            why,
        });
    };
    // Roles that header words alone decide.
    let has_lead = found.iter().any(|f| f.pre == Pre::Fixed(Role::Lead));
    for f in &found {
        match &f.pre {
            Pre::Fixed(role) => push(&mut columns, f, *role, None),
            Pre::Name if forced_name.is_none() => push(&mut columns, f, Role::Name, None),
            Pre::Responsible => {
                let role = if has_lead { Role::Other } else { Role::Lead };
                push(&mut columns, f, role, None)
            }
            Pre::Attribute => {
                let (role, word) = attribute_role(sheet, last, f.col);
                push(&mut columns, f, role, word.map(|w| Why::Cells(w.into())))
            }
            Pre::Base(_) => push(&mut columns, f, Role::Base, None),
            Pre::Actual(Some(y)) => push(&mut columns, f, Role::Actual(*y), None),
            _ => {}
        }
    }
    if let Some(n) = forced_name {
        columns.retain(|c| c.col != n && c.role != Role::Name);
        columns.push(Column {
            col: n,
            role: Role::Name,
            header: parts_of(merges, first, last, n).join(" / "),
            why: vec![Why::User],
        });
    }
    let above = texts_above(sheet, first, width);
    let title_year = vocab::find_year(&above);
    // An actual column without a year: the title's year (`2022年主要指标完成情况`).
    let no_year_actuals: Vec<&Found> = found
        .iter()
        .filter(|f| f.pre == Pre::Actual(None))
        .collect();
    if let ([f], Some(y)) = (no_year_actuals.as_slice(), title_year) {
        push(
            &mut columns,
            f,
            Role::Actual(y),
            Some(Why::Title(y.to_string())),
        );
    }
    // The final target: the latest final-target column; the other ones with a year are that
    // year's targets. Without one, a lone year's target that no actual pairs with.
    let finals: Vec<&Found> = found
        .iter()
        .filter(|f| matches!(f.pre, Pre::Final(_)))
        .collect();
    let year_targets: Vec<&Found> = found
        .iter()
        .filter(|f| matches!(f.pre, Pre::YearTarget(_)))
        .collect();
    let final_col = finals
        .iter()
        .max_by_key(|f| {
            let y = match f.pre {
                Pre::Final(y) => y.unwrap_or(Year::MAX),
                _ => Year::MIN,
            };
            (y, std::cmp::Reverse(f.col))
        })
        .map(|f| f.col)
        .or_else(|| {
            // `2025年目标` written whole, beside another column of 2025 (a yearly column, or
            // `2025年` over `目标`): the whole one is the final target.
            let year_of = |f: &Found| match f.pre {
                Pre::YearTarget(y) | Pre::Pure(y) | Pre::Actual(Some(y)) => Some(y),
                _ => None,
            };
            let whole = |f: &Found| {
                let last = f.parts.last().map(String::as_str).unwrap_or("");
                pure_year(last).is_none() && vocab::find_year(last).is_some()
            };
            year_targets
                .iter()
                .filter(|f| whole(f))
                .filter(|f| {
                    let y = year_of(f);
                    found.iter().any(|o| {
                        o.col != f.col && year_of(o) == y && !matches!(o.pre, Pre::Actual(_))
                    })
                })
                .max_by_key(|f| year_of(f))
                .map(|f| f.col)
                .or_else(|| {
                    // The only whole one, at or after every other year: the final target
                    // beside year groups of the years before it.
                    let wholes: Vec<&&Found> = year_targets.iter().filter(|f| whole(f)).collect();
                    let latest = found.iter().filter_map(year_of).max();
                    match wholes.as_slice() {
                        [f] if year_targets.len() > 1 && year_of(f) >= latest => Some(f.col),
                        _ => None,
                    }
                })
        })
        .or_else(|| match year_targets.as_slice() {
            [f] => {
                let y = match f.pre {
                    Pre::YearTarget(y) => y,
                    _ => Year::MIN,
                };
                let paired = columns.iter().any(|c| c.role == Role::Actual(y));
                (!paired).then_some(f.col)
            }
            _ => None,
        });
    for f in finals.iter().chain(year_targets.iter()) {
        let year = match f.pre {
            Pre::Final(y) => y,
            Pre::YearTarget(y) => Some(y),
            _ => None,
        };
        if Some(f.col) == final_col {
            push(&mut columns, f, Role::Target, None);
        } else if let Some(y) = year {
            push(&mut columns, f, Role::Yearly(y), None);
        }
    }
    // Years alone: base and target, yearly targets, or actuals.
    let pure: Vec<(&Found, Year)> = found
        .iter()
        .filter_map(|f| match f.pre {
            Pre::Pure(y) => Some((f, y)),
            _ => None,
        })
        .collect();
    let has = |columns: &[Column], role: Role| columns.iter().any(|c| c.role == role);
    let target_year_now = columns
        .iter()
        .find(|c| c.role == Role::Target)
        .and_then(|c| vocab::header_year(&c.header));
    // A title's statistics word (`年度数据`, `统计`) makes bare years actuals only in a table
    // without a base or target: a plan's title block often names the statistics bureau.
    let plan_columns = has(&columns, Role::Base) || has(&columns, Role::Target);
    // A merged header over the years that says statistics (`年度数据`, `统计数据`), not a
    // group over targets and actuals (`年度目标及完成情况`).
    let band_word = pure.iter().find_map(|(f, _)| {
        f.parts.iter().find_map(|p| {
            let t = norm(p);
            let group = first_word(&t, vocab::TARGET_WORDS).is_some();
            (!group)
                .then(|| first_word(&t, vocab::STATISTICS_WORDS))
                .flatten()
        })
    });
    let stats_word =
        band_word.or_else(|| first_word(&above, vocab::STATISTICS_WORDS).filter(|_| !plan_columns));
    let descending = pure.len() >= 2 && pure.windows(2).all(|w| w[0].1 > w[1].1);
    match pure.as_slice() {
        [(a, ya), (b, yb)]
            if !has(&columns, Role::Base)
                && !has(&columns, Role::Target)
                && ya.abs_diff(*yb) >= 2
                && stats_word.is_none() =>
        {
            let ((fb, _), (ft, _)) = if ya < yb {
                ((a, ya), (b, yb))
            } else {
                ((b, yb), (a, ya))
            };
            push(&mut columns, fb, Role::Base, Some(Why::YearPair));
            push(&mut columns, ft, Role::Target, Some(Why::YearPair));
        }
        [(a, ya)]
            if !has(&columns, Role::Base)
                && target_year_now.is_some_and(|t| *ya < t)
                && columns.iter().all(|c| !matches!(c.role, Role::Yearly(_))) =>
        {
            push(&mut columns, a, Role::Base, Some(Why::YearPair));
        }
        _ => {
            let why = if descending {
                Some(Why::NewestFirst)
            } else {
                stats_word.map(|w| Why::Title(w.into()))
            };
            for (f, y) in &pure {
                match &why {
                    Some(w) => push(&mut columns, f, Role::Actual(*y), Some(w.clone())),
                    None => push(&mut columns, f, Role::Yearly(*y), Some(Why::YearRun)),
                }
            }
        }
    }
    // The name: a header word, else the column of texts beside the numbers.
    if !has(&columns, Role::Name) {
        if let Some(col) = name_by_shape(sheet, last, width, &columns) {
            columns.push(Column {
                col,
                role: Role::Name,
                header: parts_of(merges, first, last, col).join(" / "),
                why: vec![Why::Shape],
            });
        }
    }
    // A name header merged over two columns with groups merged down the left one.
    if let Some(name) = columns.iter().position(|c| c.role == Role::Name) {
        if let Some(parent) = parent_beside(sheet, merges, first, last, columns[name].col) {
            let item = parent + 1;
            columns[name].col = item;
            if !columns
                .iter()
                .any(|c| c.col == parent && c.role != Role::Name)
            {
                let header = columns[name].header.clone();
                columns.push(Column {
                    col: parent,
                    role: Role::Parent,
                    header,
                    why: vec![Why::Shape],
                });
            }
        }
    }
    // An actual of a year before the plan period, in a plan with a target and no base column,
    // is the base: the period starts at the first yearly target, or the first year of the plan
    // period the title names (十四五: 2021), or four years before the target year.
    if !has(&columns, Role::Base) {
        let target_year = columns
            .iter()
            .find(|c| c.role == Role::Target)
            .and_then(|c| vocab::header_year(&c.header));
        let first_yearly = columns
            .iter()
            .filter_map(|c| match c.role {
                Role::Yearly(y) => Some(y),
                _ => None,
            })
            .min();
        let start = first_yearly
            .or_else(|| vocab::plan_period(&above).map(|(first, _)| first))
            .or_else(|| target_year.map(|t| t - 4));
        let before = columns
            .iter_mut()
            .filter(|c| matches!(c.role, Role::Actual(y) if target_year.is_some() && start.is_some_and(|s| y < s)))
            .max_by_key(|c| match c.role {
                Role::Actual(y) => y,
                _ => Year::MIN,
            });
        if let Some(c) = before {
            c.role = Role::Base;
            c.why.push(Why::BeforePlan);
        }
    }
    columns.sort_by_key(|c| c.col);
    let mut layout = Layout {
        header_first: first,
        header_last: last,
        data_first: last + 1,
        data_last: last,
        columns,
        base_year: None,
        target_year: None,
        title: title_above(sheet, first, width),
    };
    let yearly = layout.yearly_cols();
    let base = layout.columns.iter().find(|c| c.role == Role::Base);
    let target = layout.columns.iter().find(|c| c.role == Role::Target);
    layout.base_year = base
        .and_then(|c| vocab::header_year(&c.header))
        .or_else(|| yearly.keys().next().map(|y| y - 1))
        .or_else(|| {
            let plan = base.is_some() || target.is_some();
            let first_actual = layout.actual_cols().keys().next().copied();
            plan.then_some(first_actual?.checked_sub(1)?)
        });
    layout.target_year = target
        .and_then(|c| vocab::header_year(&c.header))
        .or_else(|| yearly.keys().next_back().copied());
    let name_col = layout.col(Role::Name);
    let has_seq = layout.col(Role::Seq).is_some();
    let mut data = ((last + 1)..sheet.rows.len()).filter(|&r| {
        classify_row(sheet, merges, name_col, has_seq, r, width) == RowKind::Indicator
    });
    if let Some(first_row) = data.next() {
        layout.data_first = first_row;
        layout.data_last = data.next_back().unwrap_or(first_row);
    }
    layout
}

/// A 属性 column holds either 预期性/约束性 (a binding) or 正向/逆向 (a direction): its cells
/// say, and the word that said it.
fn attribute_role(sheet: &Sheet, header_last: usize, col: usize) -> (Role, Option<&'static str>) {
    for r in (header_last + 1..sheet.rows.len()).take(200) {
        let t = sheet.text(r, col);
        for w in ["约束", "预期"] {
            if t.contains(w) {
                return (Role::Binding, Some(w));
            }
        }
    }
    (Role::Direction, None)
}

/// Whether a data cell reads as a number (a number cell, or a text of digits, separators,
/// signs and a unit mark).
fn numeric_text(cell: &RawCell) -> bool {
    match cell {
        RawCell::Number { .. } => true,
        RawCell::Empty => false,
        RawCell::Text { s } => {
            let t = fold_width(s);
            let t = t.trim();
            t.chars().any(|c| c.is_ascii_digit())
                && t.chars()
                    .all(|c| c.is_ascii_digit() || ".,-+%‰ ≥≤<>:".contains(c))
        }
    }
}

/// The column that names the rows when no header word does: the leftmost column without a role
/// whose cells are mostly texts, beside at least one column of numbers.
fn name_by_shape(sheet: &Sheet, last: usize, width: usize, columns: &[Column]) -> Option<usize> {
    let rows = (last + 1)..sheet.rows.len().min(last + 1 + SHAPE_ROWS);
    let taken = |c: usize| columns.iter().any(|k| k.col == c);
    let first_value = columns
        .iter()
        .filter(|c| {
            matches!(
                c.role,
                Role::Base | Role::Target | Role::Yearly(_) | Role::Actual(_)
            )
        })
        .map(|c| c.col)
        .min()?;
    (0..first_value.min(width))
        .filter(|&c| !taken(c))
        .find(|&c| {
            let (mut texts, mut filled) = (0usize, 0usize);
            for r in rows.clone() {
                let cell = sheet.cell(r, c);
                if matches!(cell, RawCell::Empty) {
                    continue;
                }
                filled += 1;
                if !numeric_text(cell) && !sheet.text(r, c).is_empty() {
                    texts += 1;
                }
            }
            filled > 0 && texts * 10 >= filled * 6
        })
}

/// The left column of a two-level name: the name header merged over two columns, and below it
/// group cells merged down the left column beside the items in the right one.
fn parent_beside(
    sheet: &Sheet,
    merges: &MergeIndex<'_>,
    first: usize,
    last: usize,
    name_col: usize,
) -> Option<usize> {
    let header = (first..=last).find_map(|r| merges.covering(r, name_col))?;
    let (left, right) = (header.first_col as usize, header.last_col as usize);
    if right != left + 1 || name_col != left {
        return None;
    }
    let grouped = sheet.merges.iter().any(|m| {
        m.first_col as usize == left
            && m.last_col as usize == left
            && m.first_row as usize > last
            && m.last_row > m.first_row
            && !sheet.text(m.first_row as usize, left).is_empty()
            && !sheet.text(m.first_row as usize, right).is_empty()
    });
    grouped.then_some(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "S".into(),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|s| {
                            if s.is_empty() {
                                RawCell::Empty
                            } else {
                                RawCell::Text { s: (*s).into() }
                            }
                        })
                        .collect()
                })
                .collect(),
            merges: vec![],
        }
    }

    fn roles(l: &Layout) -> Vec<(usize, Role)> {
        l.columns.iter().map(|c| (c.col, c.role)).collect()
    }

    #[test]
    fn a_statistical_export_is_actuals_newest_first() {
        let s = sheet(&[
            &["数据库：年度数据"],
            &["时间：最近3年"],
            &["指标", "2024年", "2023年", "2022年"],
            &["国内生产总值(亿元)", "1,349,084", "1,260,582", "1,204,724"],
            &["能源消费总量(万吨标准煤)", "", "572,000", "541,000"],
            &["数据来源：国家统计局"],
        ]);
        let l = detect(&s).unwrap();
        assert_eq!(l.header_first, 2);
        assert_eq!(
            roles(&l),
            vec![
                (0, Role::Name),
                (1, Role::Actual(2024)),
                (2, Role::Actual(2023)),
                (3, Role::Actual(2022))
            ]
        );
        assert_eq!((l.base_year, l.target_year), (None, None));
        assert_eq!((l.data_first, l.data_last), (3, 4));
        let plan = build_plan(&s, &l);
        assert_eq!(plan.indicators[1].name, "能源消费总量");
        assert_eq!(plan.indicators[1].unit, "万吨标准煤");
    }

    #[test]
    fn two_years_apart_are_base_and_target() {
        let s = sheet(&[
            &[
                "序号",
                "指标",
                "单位",
                "指标方向",
                "2020年",
                "2025年",
                "2021年实际",
                "2022年实际",
                "责任单位",
            ],
            &["一、预期性指标"],
            &[
                "1",
                "地区生产总值",
                "亿元",
                "正向",
                "320",
                "450",
                "345",
                "368",
                "县发改局",
            ],
            &["二、约束性指标"],
            &[
                "2",
                "单位GDP能耗降低",
                "%",
                "正向",
                "—",
                "累计降低13.5%",
                "3.1",
                "2.8",
                "县发改局",
            ],
        ]);
        let l = detect(&s).unwrap();
        assert_eq!(
            roles(&l),
            vec![
                (0, Role::Seq),
                (1, Role::Name),
                (2, Role::Unit),
                (3, Role::Direction),
                (4, Role::Base),
                (5, Role::Target),
                (6, Role::Actual(2021)),
                (7, Role::Actual(2022)),
                (8, Role::Lead)
            ]
        );
        assert_eq!((l.base_year, l.target_year), (Some(2020), Some(2025)));
        let plan = build_plan(&s, &l);
        assert_eq!(plan.indicators.len(), 2);
        assert_eq!(plan.indicators[1].category, "约束性指标");
    }

    #[test]
    fn plan_periods_name_base_and_target_years() {
        let s = sheet(&[
            &["指标", "单位", "“十三五”末", "“十四五”目标"],
            &["城镇化率", "%", "55.2", "62"],
        ]);
        let l = detect(&s).unwrap();
        assert_eq!((l.col(Role::Base), l.col(Role::Target)), (Some(2), Some(3)));
        assert_eq!((l.base_year, l.target_year), (Some(2020), Some(2025)));
    }

    #[test]
    fn an_actual_before_the_plan_period_is_the_base() {
        let s = sheet(&[
            &[
                "指标",
                "单位",
                "2020年实际",
                "2025年目标",
                "2021年实际",
                "2022年实际",
            ],
            &["城镇化率", "%", "55.2", "62", "56", "57"],
        ]);
        let l = detect(&s).unwrap();
        assert_eq!(l.col(Role::Base), Some(2));
        assert_eq!(l.col(Role::Actual(2021)), Some(4));
        assert_eq!((l.base_year, l.target_year), (Some(2020), Some(2025)));
        let why = &l.columns.iter().find(|c| c.col == 2).unwrap().why;
        assert!(why.contains(&Why::BeforePlan));
    }

    #[test]
    fn a_run_of_years_alone_is_yearly_targets() {
        let s = sheet(&[
            &["指标名称", "单位", "2018", "2019", "2020"],
            &["城镇化率", "%", "50", "52", "54"],
        ]);
        let l = detect(&s).unwrap();
        assert_eq!(l.col(Role::Yearly(2018)), Some(2));
        assert_eq!((l.base_year, l.target_year), (Some(2017), Some(2020)));
    }

    #[test]
    fn no_header_word_for_the_names_uses_the_shape() {
        let s = sheet(&[
            &["", "2022年", "2023年"],
            &["粮食产量", "120", "125"],
            &["生猪出栏", "30", "31"],
        ]);
        let l = detect(&s).unwrap();
        assert_eq!(l.col(Role::Name), Some(0));
        assert_eq!(l.columns[0].why, vec![Why::Shape]);
    }

    #[test]
    fn a_marked_table_takes_the_users_band_and_names() {
        let s = sheet(&[&["乡镇", "人口", "面积"], &["东镇", "12", "30"]]);
        assert!(detect(&s).is_none());
        let l = detect_marked(&s, 0, 0, 0);
        assert_eq!(l.col(Role::Name), Some(0));
        assert_eq!((l.data_first, l.data_last), (1, 1));
    }
}
