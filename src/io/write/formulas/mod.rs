//! The 计划明细 sheet as a table of cells: one row per indicator, every computed yearly target,
//! realization and status an Excel formula over the base, target and actual cells of its row, with
//! the engine's value as its cached result.
//!
//! This module exists because a filled workbook with bare numbers stops being a plan the moment a
//! user corrects a base or types next year's actual: Excel, WPS and LibreOffice should recompute
//! the yearly targets, realizations and statuses the way the engine does. Every formula is built
//! as a small expression tree (the nodes of a row's formulas share one arena) that is both
//! rendered for Excel and evaluated here; a formula whose evaluation does not give the engine's value is not written: the value is, with a
//! note saying why ([`Detail::fallbacks`] counts them, and the tests expect none on the samples).
//!
//! # Layout of 计划明细
//!
//! Row 1 holds the title, row 2 the realization cap (`B2`, the sheet-local name [`CAP_NAME`]:
//! edit or clear it and every realization recomputes), row 3 the headers, rows 4… one indicator
//! each, in the order of the source table. Columns:
//!
//! | col | header | content |
//! |---|---|---|
//! | A | 序号 | as in the source |
//! | B | 领域 | the category (full-width forms folded, as the scores compare it) |
//! | C | 指标名称 | |
//! | D | 单位 | |
//! | E | 方向 | 正向 / 逆向 as the engine decided (or the user set) |
//! | F | 方法 | 等差（线性）, 等比, 年均增长, 增速指标（每年 r）, 累计降低, 保持, 手工, 不测算 |
//! | G | 小数位 | the decimals the figures are shown with (the cells' number format) |
//! | H | 基期年 | t0 |
//! | I | 基期值 | b (0 for a 累计降低 tracked as the reduction reached) |
//! | J | 目标年 | t1 |
//! | K | 目标值 | T; a formula where the engine derives it: `=I*(1-L/100)` (累计降低 of a level), `=L` (reduction reached), `=I*2` (翻一番), the growth path's end (年均增长 without a level) |
//! | L | 年均增速/累计降低(%) | r or p |
//! | M, N | 区间下限, 区间上限 | a range target lo..hi |
//! | O | 力争值 | the stretch target |
//! | P | 权重 | the weight (overall and category realization are weighted by it) |
//! | … | `2021年目标` … | one column per year: a formula for a computed target, the number for one given in the file (an anchor) or typed by the user |
//! | … | `2021年实际`, `2021年实现程度(%)`, `2021年状态` | three columns per year with any actual |
//! | … | 牵头单位, 配合单位 | as in the source |
//! | … | 考核单位 | the units the scores count, folded, each between `|` (`|县发改局|县统计局|`) |
//! | … | 源行 | the indicator's row in the first sheet |
//!
//! The rules behind the formulas are those of PLANNING-RULES; see [`detail`] for each.

mod expr;
mod row;

use crate::plan::completion;
use crate::plan::schedule::{self, Basis, Shape, EPS};
use crate::plan::score::{fold, units_of};
use crate::plan::{
    actual_years, Direction, Given, Indicator, IndicatorResult, Method, Plan, PlanResults, Source,
    Status, Value, Year, YearMap,
};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

/// The 0-based row of the header row of 计划明细.
pub const HEADER_ROW: u32 = 2;
/// The 0-based row of the first indicator of 计划明细.
pub const FIRST_ROW: u32 = 3;
/// The 0-based (row, col) of the realization cap cell.
pub const CAP_CELL: (u32, u16) = (1, 1);
/// The sheet-local defined name of the cap cell.
pub const CAP_NAME: &str = "上限";
/// The separator around each unit in the 考核单位 column.
pub const UNIT_SEPARATOR: char = '|';

/// What a column of 计划明细 holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// 序号
    Seq,
    /// 领域
    Category,
    /// 指标名称
    Name,
    /// 单位
    Unit,
    /// 方向
    Direction,
    /// 方法
    Method,
    /// 小数位
    Decimals,
    /// 基期年
    BaseYear,
    /// 基期值
    Base,
    /// 目标年
    TargetYear,
    /// 目标值
    Target,
    /// 年均增速/累计降低(%)
    Param,
    /// 区间下限
    RangeLo,
    /// 区间上限
    RangeHi,
    /// 力争值
    Stretch,
    /// 权重
    Weight,
    /// The yearly target of a year.
    Yearly(Year),
    /// The actual of a year.
    Actual(Year),
    /// The realization of a year, in percent.
    Realization(Year),
    /// The status of a year.
    Status(Year),
    /// 牵头单位
    Lead,
    /// 配合单位
    Other,
    /// 考核单位
    Units,
    /// 源行
    SourceRow,
}

impl ColumnKind {
    /// The header text.
    pub fn title(self) -> String {
        match self {
            Self::Seq => "序号".into(),
            Self::Category => "领域".into(),
            Self::Name => "指标名称".into(),
            Self::Unit => "单位".into(),
            Self::Direction => "方向".into(),
            Self::Method => "方法".into(),
            Self::Decimals => "小数位".into(),
            Self::BaseYear => "基期年".into(),
            Self::Base => "基期值".into(),
            Self::TargetYear => "目标年".into(),
            Self::Target => "目标值".into(),
            Self::Param => "年均增速/累计降低(%)".into(),
            Self::RangeLo => "区间下限".into(),
            Self::RangeHi => "区间上限".into(),
            Self::Stretch => "力争值".into(),
            Self::Weight => "权重".into(),
            Self::Yearly(y) => format!("{y}年目标"),
            Self::Actual(y) => format!("{y}年实际"),
            Self::Realization(y) => format!("{y}年实现程度(%)"),
            Self::Status(y) => format!("{y}年状态"),
            Self::Lead => "牵头单位".into(),
            Self::Other => "配合单位".into(),
            Self::Units => "考核单位".into(),
            Self::SourceRow => "源行".into(),
        }
    }
}

/// The cached result of a formula: what a spreadsheet shows before it recomputes.
#[derive(Clone, Debug, PartialEq)]
pub enum Cached {
    /// A number (the engine's unrounded value).
    Number(f64),
    /// A text (a status word, or `""` for no value).
    Text(String),
}

/// The content of one cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// Nothing.
    Empty,
    /// A text.
    Text(String),
    /// A number.
    Number(f64),
    /// A formula with its cached result.
    Formula {
        /// The formula text without the leading `=`.
        formula: String,
        /// The engine's value, shown until the spreadsheet recomputes.
        cached: Cached,
    },
}

/// Where a figure came from, for its fill colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// From the file, or a label.
    File,
    /// Computed (a formula, or a value the engine computed).
    Computed,
    /// Typed by the user.
    Manual,
}

/// One cell of 计划明细.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// What the cell holds.
    pub content: Content,
    /// Decimals of the number format; `None` for the general format.
    pub decimals: Option<u8>,
    /// Where the figure came from (its fill colour).
    pub origin: Origin,
    /// A cell comment (the source text of a figure, or why a value is not a formula).
    pub note: Option<String>,
}

impl Cell {
    fn empty() -> Self {
        Self {
            content: Content::Empty,
            decimals: None,
            origin: Origin::File,
            note: None,
        }
    }

    fn text(s: impl Into<String>) -> Self {
        let s = s.into();
        Self {
            content: if s.is_empty() {
                Content::Empty
            } else {
                Content::Text(s)
            },
            ..Self::empty()
        }
    }

    fn number(n: f64, decimals: Option<u8>) -> Self {
        Self {
            content: Content::Number(n),
            decimals,
            ..Self::empty()
        }
    }

    fn with_note(mut self, note: Option<String>) -> Self {
        self.note = note;
        self
    }

    /// The text a reader sees: numbers and cached numbers rounded to the cell's decimals.
    pub fn shown(&self) -> String {
        let number = |n: f64| match self.decimals {
            Some(d) => crate::plan::round::shown(n, d),
            None => crate::table::grid::format_number(n),
        };
        match &self.content {
            Content::Empty => String::new(),
            Content::Text(s) => s.clone(),
            Content::Number(n) => number(*n),
            Content::Formula { cached, .. } => match cached {
                Cached::Number(n) => number(*n),
                Cached::Text(s) => s.clone(),
            },
        }
    }
}

/// 计划明细 of one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    /// The plan's title.
    pub title: String,
    /// The realization cap (`None`: no cap).
    pub cap: Option<f64>,
    /// The columns, left to right.
    pub columns: Vec<ColumnKind>,
    /// One row per indicator, `rows[i]` for `plan.indicators[i]`.
    pub rows: Vec<Vec<Cell>>,
    /// How many figures were written as values because no formula gave the engine's value.
    pub fallbacks: usize,
}

impl Detail {
    /// The 0-based column of a kind.
    pub fn col(&self, kind: ColumnKind) -> Option<u16> {
        self.columns
            .iter()
            .position(|k| *k == kind)
            .and_then(|c| u16::try_from(c).ok())
    }

    /// The years with an actual column.
    pub fn actual_years(&self) -> Vec<Year> {
        self.columns
            .iter()
            .filter_map(|k| match k {
                ColumnKind::Actual(y) => Some(*y),
                _ => None,
            })
            .collect()
    }

    /// The 0-based sheet row of the last indicator (the header row when there is none).
    pub fn last_row(&self) -> u32 {
        let n = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
        (FIRST_ROW + n).saturating_sub(1).max(HEADER_ROW)
    }
}

/// Excel's A1 reference of a 0-based (row, col), with `$` before the column (rows move with
/// the row, columns stay put).
pub fn cell_ref(row: u32, col: u16) -> String {
    let mut out = String::with_capacity(8);
    out.push('$');
    push_col_letters(&mut out, col);
    let _ = write!(out, "{}", u64::from(row) + 1);
    out
}

/// Appends the letters of a 0-based column (`A`, `Z`, `AA` …), as [`crate::table::grid::col_letters`].
fn push_col_letters(out: &mut String, col: u16) {
    let mut letters = [0u8; 4];
    let mut len = 0;
    let mut n = u32::from(col) + 1;
    while n > 0 && len < letters.len() {
        letters[len] = b'A' + ((n - 1) % 26) as u8;
        len += 1;
        n = (n - 1) / 26;
    }
    for &b in letters[..len].iter().rev() {
        out.push(char::from(b));
    }
}

/// An absolute range `$X$4:$X$30` of one column over the indicator rows.
pub fn column_range(detail: &Detail, col: u16) -> String {
    range_over(col, detail.last_row())
}

/// `$X$4:$X$<last_row + 1>`.
fn range_over(col: u16, last_row: u32) -> String {
    let letters = crate::table::grid::col_letters(usize::from(col));
    format!(
        "${letters}${}:${letters}${}",
        FIRST_ROW + 1,
        u64::from(last_row) + 1
    )
}

/// The Chinese name of a method: the same word in the page (`ui::i18n::method_name`)
/// and in the export.
pub fn method_name(method: Method) -> &'static str {
    match method {
        Method::Linear => "等差（线性）",
        Method::Compound => "等比",
        Method::Rate => "年均增长",
        Method::RateItself => "增速指标（每年 r）",
        Method::Reduction => "累计降低",
        Method::Hold => "保持",
        Method::Manual => "手工",
        Method::None => "不测算",
    }
}

/// The Chinese word of a direction.
pub fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Positive => "正向",
        Direction::Negative => "逆向",
    }
}

/// The 考核单位 text of an indicator: its folded units, each between [`UNIT_SEPARATOR`]s.
pub fn units_cell(ind: &Indicator) -> String {
    let units = units_of(&ind.lead_units, &ind.other_units);
    if units.is_empty() {
        return String::new();
    }
    let mut s = String::from(UNIT_SEPARATOR);
    for u in units {
        s.push_str(&u);
        s.push(UNIT_SEPARATOR);
    }
    s
}

/// Builds 计划明细 of a plan (`results` computed from it).
///
/// Formulas, per indicator (PLANNING-RULES "Yearly targets" and "Completion"):
/// - a computed yearly target interpolates between its nearest known points (t0, b), the anchors,
///   the typed values and (t1, T), referring to their cells: linear `b+(T-b)*((t-t0)/(t1-t0))`;
///   compound and rate towards a later point `IF(AND(b>0,T>0),b*POWER(T/b,f),linear)`; a rate
///   after its last known point `b*POWER(1+r/100,t-t0)`; the reduction reached
///   `IF(…,100*(1-(1-b/100)*POWER((1-T/100)/(1-b/100),f)),linear)`; hold and rate-itself refer
///   to T; a year after t1 (and the target year of a rate with a stated level) refers to T;
/// - realization `IF(ISNUMBER(a),MIN(cap,MAX(0,r)),"")` with r = `100*a/g` (positive),
///   `100*g/a` (negative), the range rule, and 100/0 where the ratio has no meaning;
/// - status 无数据 / 已达标 / 达到序时进度 / 滞后序时进度 by the rules' order: 已达标 when the
///   actual meets T, else whether it meets the year's target g; a qualitative target's status
///   from the actual's words (`TRIM(a)="完成"` …).
///
/// Anchors from the file and typed values are numbers (typed ones with a note); so are the
/// actuals. The direction and method are those decided at export.
pub fn detail(plan: &Plan, results: &PlanResults) -> Detail {
    let builder = DetailBuilder::new(plan, results);
    let mut fallbacks = 0;
    let rows = (0..builder.len())
        .filter_map(|i| builder.row(i))
        .map(|row| {
            fallbacks += row.fallbacks;
            row.cells
        })
        .collect();
    Detail {
        title: plan.title.clone(),
        cap: plan.settings.cap,
        columns: builder.columns,
        rows,
        fallbacks,
    }
}

/// A small, fast hasher for the column index (FNV-1a): it is looked up for every cell.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The column of each kind.
type ColumnIndex = HashMap<ColumnKind, u16, BuildHasherDefault<Fnv>>;

/// One row of 计划明细 as [`DetailBuilder::row`] builds it.
#[derive(Clone, Debug, PartialEq)]
pub struct DetailRow {
    /// The cells, one per column.
    pub cells: Vec<Cell>,
    /// How many of its figures were written as values (see [`Detail::fallbacks`]).
    pub fallbacks: usize,
}

/// 计划明细 built one row at a time: [`detail`] collects the rows, the export writes each one as
/// it is built (so the formulas of a large plan are never all held at once).
pub struct DetailBuilder<'a> {
    plan: &'a Plan,
    results: &'a PlanResults,
    actual: Vec<Year>,
    columns: Vec<ColumnKind>,
    index: ColumnIndex,
}

impl<'a> DetailBuilder<'a> {
    /// The columns of `plan`'s 计划明细 (`results` computed from it); no row is built yet.
    pub fn new(plan: &'a Plan, results: &'a PlanResults) -> Self {
        let target_years: BTreeSet<Year> = results
            .indicators
            .iter()
            .flat_map(|r| r.yearly.keys().copied())
            .collect();
        let actual: Vec<Year> = actual_years(plan).into_iter().collect();
        let mut columns = vec![
            ColumnKind::Seq,
            ColumnKind::Category,
            ColumnKind::Name,
            ColumnKind::Unit,
            ColumnKind::Direction,
            ColumnKind::Method,
            ColumnKind::Decimals,
            ColumnKind::BaseYear,
            ColumnKind::Base,
            ColumnKind::TargetYear,
            ColumnKind::Target,
            ColumnKind::Param,
            ColumnKind::RangeLo,
            ColumnKind::RangeHi,
            ColumnKind::Stretch,
            ColumnKind::Weight,
        ];
        columns.extend(target_years.iter().map(|y| ColumnKind::Yearly(*y)));
        for y in &actual {
            columns.extend([
                ColumnKind::Actual(*y),
                ColumnKind::Realization(*y),
                ColumnKind::Status(*y),
            ]);
        }
        columns.extend([
            ColumnKind::Lead,
            ColumnKind::Other,
            ColumnKind::Units,
            ColumnKind::SourceRow,
        ]);
        let index: ColumnIndex = columns
            .iter()
            .enumerate()
            .filter_map(|(i, k)| Some((*k, u16::try_from(i).ok()?)))
            .collect();
        Self {
            plan,
            results,
            actual,
            columns,
            index,
        }
    }

    /// The columns, left to right.
    pub fn columns(&self) -> &[ColumnKind] {
        &self.columns
    }

    /// The 0-based column of a kind (as [`Detail::col`]).
    pub fn col(&self, kind: ColumnKind) -> Option<u16> {
        self.columns
            .iter()
            .position(|k| *k == kind)
            .and_then(|c| u16::try_from(c).ok())
    }

    /// The years with an actual column.
    pub fn actual_years(&self) -> &[Year] {
        &self.actual
    }

    /// How many rows (indicators) the sheet has.
    pub fn len(&self) -> usize {
        self.plan
            .indicators
            .len()
            .min(self.results.indicators.len())
    }

    /// Whether the sheet has no indicator row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The 0-based sheet row of the last indicator (the header row when there is none), as
    /// [`Detail::last_row`].
    pub fn last_row(&self) -> u32 {
        let n = u32::try_from(self.len()).unwrap_or(u32::MAX);
        (FIRST_ROW + n).saturating_sub(1).max(HEADER_ROW)
    }

    /// An absolute range of one column over the indicator rows, as [`column_range`].
    pub fn column_range(&self, col: u16) -> String {
        range_over(col, self.last_row())
    }

    /// The plan's title.
    pub fn title(&self) -> &str {
        &self.plan.title
    }

    /// The realization cap (`None`: no cap).
    pub fn cap(&self) -> Option<f64> {
        self.plan.settings.cap
    }

    /// Row `i` (for `plan.indicators[i]`), built; `None` past the last.
    pub fn row(&self, i: usize) -> Option<DetailRow> {
        let (ind, res) = (
            self.plan.indicators.get(i)?,
            self.results.indicators.get(i)?,
        );
        let row = FIRST_ROW.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        Some(row::RowBuilder::build_row(
            self.plan,
            ind,
            res,
            row,
            &self.index,
            self.columns.len(),
            &self.actual,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::value::parse_text;
    use crate::plan::{compute, Options};

    fn one(base: &str, target: &str, name: &str, actual: &[(Year, &str)]) -> (Plan, Detail) {
        let ind = Indicator {
            name: name.into(),
            base: parse_text(base),
            base_year: Some(2020),
            target: parse_text(target),
            target_year: Some(2025),
            actual: actual.iter().map(|(y, s)| (*y, parse_text(s))).collect(),
            row: 4,
            ..Indicator::default()
        };
        let plan = Plan {
            years: (2021..=2025).collect(),
            indicators: vec![ind],
            ..Plan::default()
        };
        let results = compute(&plan, &Options::default());
        let d = detail(&plan, &results);
        (plan, d)
    }

    fn formula(d: &Detail, kind: ColumnKind) -> String {
        let c = d.col(kind).map(usize::from).unwrap_or(usize::MAX);
        match &d.rows[0][c].content {
            Content::Formula { formula, .. } => formula.clone(),
            other => panic!("{kind:?}: {other:?}"),
        }
    }

    #[test]
    fn a_qualitative_status_follows_the_words_of_the_actual() {
        let status = |d: &Detail, y: Year| {
            let c = d
                .col(ColumnKind::Status(y))
                .map(usize::from)
                .unwrap_or(usize::MAX);
            d.rows[0][c].content.clone()
        };
        let (_, d) = one(
            "",
            "完成上级下达任务",
            "河长制",
            &[(2021, "完成"), (2022, " 未完成 "), (2023, "推进中")],
        );
        assert_eq!(d.fallbacks, 0);
        let f = formula(&d, ColumnKind::Status(2021));
        assert!(f.contains(r#"TRIM($"#) && f.contains(r#"="已完成""#), "{f}");
        let cached = |y| match status(&d, y) {
            Content::Formula { cached, .. } => cached,
            other => panic!("{other:?}"),
        };
        assert_eq!(cached(2021), Cached::Text("已达标".into()));
        assert_eq!(cached(2022), Cached::Text("滞后序时进度".into()));
        assert_eq!(cached(2023), Cached::Text("无数据".into()));
        // A word with a remark after it is judged by the engine and written as its value.
        let (_, d) = one(
            "",
            "完成上级下达任务",
            "河长制",
            &[(2021, "已完成（提前一年）")],
        );
        assert_eq!(d.fallbacks, 1);
        assert_eq!(status(&d, 2021), Content::Text("已达标".into()));
    }

    #[test]
    fn linear_targets_are_formulas_over_base_and_target() {
        let (_, d) = one("31502", "58000", "人均GDP", &[(2022, "45000")]);
        assert_eq!(d.fallbacks, 0);
        assert_eq!(
            formula(&d, ColumnKind::Yearly(2021)),
            "($I4+(($K4-$I4)*((2021-$H4)/($J4-$H4))))"
        );
        assert!(formula(&d, ColumnKind::Yearly(2025)).starts_with("$K4"));
        let r = formula(&d, ColumnKind::Realization(2022));
        assert!(r.starts_with("IF(ISNUMBER($"), "{r}");
        assert!(r.contains("上限"), "{r}");
    }

    #[test]
    fn rate_without_level_derives_the_target() {
        let (_, d) = one("35620", "年均增长7%", "城镇居民人均可支配收入", &[]);
        assert_eq!(d.fallbacks, 0);
        let k = formula(&d, ColumnKind::Target);
        assert!(k.contains("POWER"), "{k}");
    }

    #[test]
    fn reduction_and_reached() {
        let (_, d) = one("0.482", "累计降低13.5%", "单位地区生产总值能源消耗", &[]);
        assert_eq!(d.fallbacks, 0);
        assert_eq!(formula(&d, ColumnKind::Target), "($I4*(1-($L4/100)))");
        let (_, d) = one("—", "累计降低12.5%", "单位GDP能耗降低", &[(2021, "3")]);
        assert_eq!(d.fallbacks, 0);
        assert_eq!(formula(&d, ColumnKind::Target), "$L4");
    }

    #[test]
    fn cells_show_rounded_values() {
        let (_, d) = one("31502", "58000", "人均GDP", &[]);
        let c = d
            .col(ColumnKind::Yearly(2021))
            .map(usize::from)
            .unwrap_or(0);
        assert_eq!(d.rows[0][c].shown(), "36802");
    }
}
