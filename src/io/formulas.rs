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
//! | F | 方法 | 等差, 等比, 年均增长, 增速(每年r), 累计降低, 保持, 手工, 不计算 |
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

use crate::plan::completion;
use crate::plan::schedule::{self, Basis, Shape, EPS};
use crate::plan::score::{fold, units_of};
use crate::plan::{
    actual_years, Direction, Given, Indicator, IndicatorResult, Method, Plan, PlanResults, Source,
    Status, Value, Year, YearMap,
};
use std::cell::RefCell;
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

/// The Chinese name of a method.
pub fn method_name(method: Method) -> &'static str {
    match method {
        Method::Linear => "等差",
        Method::Compound => "等比",
        Method::Rate => "年均增长",
        Method::RateItself => "增速(每年r)",
        Method::Reduction => "累计降低",
        Method::Hold => "保持",
        Method::Manual => "手工",
        Method::None => "不计算",
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
        let tree = Tree::default();
        let mut b = RowBuilder {
            tree: &tree,
            plan: self.plan,
            ind,
            res,
            row_text: (u64::from(row) + 1).to_string(),
            index: &self.index,
            cells: vec![Cell::empty(); self.columns.len()],
            values: vec![V::Empty; self.columns.len()],
            fallbacks: 0,
        };
        b.build(&self.actual);
        Some(DetailRow {
            cells: b.cells,
            fallbacks: b.fallbacks,
        })
    }
}

/// A value as a spreadsheet sees it, for evaluating an [`Expr`].
#[derive(Clone, Debug, PartialEq)]
enum V {
    Empty,
    Num(f64),
    Str(String),
    Bool(bool),
}

impl V {
    fn num(&self) -> Option<f64> {
        match self {
            V::Empty => Some(0.0),
            V::Num(n) => Some(*n),
            V::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            V::Str(_) => None,
        }
    }

    fn truth(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Num(n) => Some(*n != 0.0),
            V::Empty => Some(false),
            V::Str(_) => None,
        }
    }
}

/// A formula: a node of its row's [`Tree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Expr(u32);

/// A list of formulas (the arguments of `AND`, `OR`, `MIN`, `MAX`) in a [`Tree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct List {
    start: u32,
    len: u32,
}

/// One node of a formula.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Node {
    /// A number literal.
    Num(f64),
    /// A text literal.
    Str(&'static str),
    /// A cell of the same row, by column.
    Col(u16),
    /// The cap cell, by its name.
    Cap,
    /// Arithmetic.
    Bin(Op, Expr, Expr),
    /// A comparison.
    Cmp(CmpOp, Expr, Expr),
    /// `AND(…)`
    And(List),
    /// `OR(…)`
    Or(List),
    /// `IF(c, a, b)`
    If(Expr, Expr, Expr),
    /// `MIN(…)`
    Min(List),
    /// `MAX(…)`
    Max(List),
    /// `ABS(x)`
    Abs(Expr),
    /// `ISNUMBER(x)`
    IsNumber(Expr),
    /// `POWER(x, y)`
    Pow(Expr, Expr),
    /// `TRIM(x)="word"`: the cell says exactly `word`, spaces around it aside.
    TextIs(Expr, &'static str),
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// The formulas of one row as trees whose nodes live in one arena: built, rendered for Excel by
/// [`Tree::render_into`] and evaluated by [`Tree::eval`], so the formula written is the formula
/// checked. A subformula used twice (the actual, the year's target) is one node referred to twice;
/// nothing is allocated per node.
#[derive(Default)]
struct Tree {
    nodes: RefCell<Vec<Node>>,
    lists: RefCell<Vec<Expr>>,
}

impl Tree {
    fn push(&self, node: Node) -> Expr {
        let mut nodes = self.nodes.borrow_mut();
        let id = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        nodes.push(node);
        Expr(id)
    }

    fn list(&self, items: &[Expr]) -> List {
        let mut lists = self.lists.borrow_mut();
        let start = u32::try_from(lists.len()).unwrap_or(u32::MAX);
        lists.extend_from_slice(items);
        List {
            start,
            len: u32::try_from(items.len()).unwrap_or(0),
        }
    }

    fn num(&self, n: f64) -> Expr {
        self.push(Node::Num(n))
    }
    fn year(&self, y: Year) -> Expr {
        self.num(f64::from(y))
    }
    fn text(&self, s: &'static str) -> Expr {
        self.push(Node::Str(s))
    }
    fn col(&self, c: u16) -> Expr {
        self.push(Node::Col(c))
    }
    fn cap(&self) -> Expr {
        self.push(Node::Cap)
    }
    fn add(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Add, a, b))
    }
    fn sub(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Sub, a, b))
    }
    fn mul(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Mul, a, b))
    }
    fn div(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Div, a, b))
    }
    fn pow(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Pow(a, b))
    }
    fn cmp(&self, op: CmpOp, a: Expr, b: Expr) -> Expr {
        self.push(Node::Cmp(op, a, b))
    }
    fn iff(&self, c: Expr, a: Expr, b: Expr) -> Expr {
        self.push(Node::If(c, a, b))
    }
    fn and(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::And(list))
    }
    fn or(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::Or(list))
    }
    fn min(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::Min(list))
    }
    fn max(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::Max(list))
    }
    fn abs(&self, a: Expr) -> Expr {
        self.push(Node::Abs(a))
    }
    fn is_number(&self, a: Expr) -> Expr {
        self.push(Node::IsNumber(a))
    }
    fn text_is(&self, a: Expr, word: &'static str) -> Expr {
        self.push(Node::TextIs(a, word))
    }

    /// `EPS·MAX(ABS(x),1)`: the engine's tolerance around x.
    fn tol(&self, x: Expr) -> Expr {
        let e = self.num(EPS);
        let a = self.abs(x);
        let one = self.num(1.0);
        let m = self.max(&[a, one]);
        self.mul(e, m)
    }

    /// `a` meets `g` in `direction`, as [`schedule::meets`].
    fn meets(&self, a: Expr, g: Expr, direction: Direction) -> Expr {
        let t = self.tol(g);
        match direction {
            Direction::Positive => {
                let lower = self.sub(g, t);
                self.cmp(CmpOp::Ge, a, lower)
            }
            Direction::Negative => {
                let upper = self.add(g, t);
                self.cmp(CmpOp::Le, a, upper)
            }
        }
    }

    /// Appends the text of formula `e` (without the leading `=`) to `out`; `row` is the 1-based
    /// row number as text.
    fn render_into(&self, e: Expr, out: &mut String, row: &str) {
        let nodes = self.nodes.borrow();
        let lists = self.lists.borrow();
        Render {
            nodes: &nodes,
            lists: &lists,
            row,
        }
        .go(e, out);
    }

    /// The value of formula `e`, with `cells` the row's values by column and `cap` the cap cell;
    /// `None` where a spreadsheet would show an error.
    fn eval(&self, e: Expr, cells: &[V], cap: Option<f64>) -> Option<V> {
        let nodes = self.nodes.borrow();
        let lists = self.lists.borrow();
        Eval {
            nodes: &nodes,
            lists: &lists,
            cells,
            cap,
        }
        .go(e)
    }
}

/// The nodes of a [`Tree`] being rendered.
struct Render<'t> {
    nodes: &'t [Node],
    lists: &'t [Expr],
    row: &'t str,
}

impl Render<'_> {
    fn items(&self, l: List) -> &[Expr] {
        let start = l.start as usize;
        self.lists
            .get(start..start + l.len as usize)
            .unwrap_or_default()
    }

    fn list(&self, out: &mut String, name: &str, l: List) {
        out.push_str(name);
        out.push('(');
        for (i, e) in self.items(l).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.go(*e, out);
        }
        out.push(')');
    }

    fn call(&self, out: &mut String, name: &str, args: &[Expr]) {
        out.push_str(name);
        out.push('(');
        for (i, e) in args.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.go(*e, out);
        }
        out.push(')');
    }

    fn go(&self, e: Expr, out: &mut String) {
        let Some(node) = self.nodes.get(e.0 as usize) else {
            return;
        };
        match *node {
            Node::Num(n) => push_number(out, n),
            Node::Str(s) => push_text_literal(out, s),
            Node::Col(c) => {
                out.push('$');
                push_col_letters(out, c);
                out.push_str(self.row);
            }
            Node::Cap => out.push_str(CAP_NAME),
            Node::Bin(op, a, b) => {
                out.push('(');
                self.go(a, out);
                out.push(match op {
                    Op::Add => '+',
                    Op::Sub => '-',
                    Op::Mul => '*',
                    Op::Div => '/',
                });
                self.go(b, out);
                out.push(')');
            }
            Node::Cmp(op, a, b) => {
                self.go(a, out);
                out.push_str(match op {
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::Ge => ">=",
                });
                self.go(b, out);
            }
            Node::And(l) => self.list(out, "AND", l),
            Node::Or(l) => self.list(out, "OR", l),
            Node::If(c, a, b) => self.call(out, "IF", &[c, a, b]),
            Node::Min(l) => self.list(out, "MIN", l),
            Node::Max(l) => self.list(out, "MAX", l),
            Node::Abs(a) => self.call(out, "ABS", &[a]),
            Node::IsNumber(a) => self.call(out, "ISNUMBER", &[a]),
            Node::Pow(a, b) => self.call(out, "POWER", &[a, b]),
            Node::TextIs(a, word) => {
                self.call(out, "TRIM", &[a]);
                out.push('=');
                push_text_literal(out, word);
            }
        }
    }
}

/// The nodes of a [`Tree`] being evaluated over a row's values.
struct Eval<'t> {
    nodes: &'t [Node],
    lists: &'t [Expr],
    cells: &'t [V],
    cap: Option<f64>,
}

impl Eval<'_> {
    fn items(&self, l: List) -> &[Expr] {
        let start = l.start as usize;
        self.lists
            .get(start..start + l.len as usize)
            .unwrap_or_default()
    }

    fn n(&self, e: Expr) -> Option<f64> {
        self.go(e)?.num()
    }

    fn go(&self, e: Expr) -> Option<V> {
        let finite = |x: f64| x.is_finite().then_some(V::Num(x));
        Some(match *self.nodes.get(e.0 as usize)? {
            Node::Num(x) => V::Num(x),
            Node::Str(s) => V::Str(s.to_string()),
            Node::Col(c) => self.cells.get(usize::from(c)).cloned().unwrap_or(V::Empty),
            Node::Cap => self.cap.map_or(V::Empty, V::Num),
            Node::Bin(op, a, b) => {
                let (x, y) = (self.n(a)?, self.n(b)?);
                match op {
                    Op::Add => finite(x + y)?,
                    Op::Sub => finite(x - y)?,
                    Op::Mul => finite(x * y)?,
                    Op::Div if y == 0.0 => return None,
                    Op::Div => finite(x / y)?,
                }
            }
            Node::Pow(a, b) => finite(self.n(a)?.powf(self.n(b)?))?,
            Node::Cmp(op, a, b) => {
                let (x, y) = (self.n(a)?, self.n(b)?);
                V::Bool(match op {
                    CmpOp::Lt => x < y,
                    CmpOp::Le => x <= y,
                    CmpOp::Gt => x > y,
                    CmpOp::Ge => x >= y,
                })
            }
            Node::And(l) => {
                let mut all = true;
                for e in self.items(l) {
                    all &= self.go(*e)?.truth()?;
                }
                V::Bool(all)
            }
            Node::Or(l) => {
                let mut any = false;
                for e in self.items(l) {
                    any |= self.go(*e)?.truth()?;
                }
                V::Bool(any)
            }
            Node::If(c, a, b) => {
                if self.go(c)?.truth()? {
                    self.go(a)?
                } else {
                    self.go(b)?
                }
            }
            Node::Min(l) => {
                let mut m = f64::INFINITY;
                for e in self.items(l) {
                    m = m.min(self.n(*e)?);
                }
                V::Num(m)
            }
            Node::Max(l) => {
                let mut m = f64::NEG_INFINITY;
                for e in self.items(l) {
                    m = m.max(self.n(*e)?);
                }
                V::Num(m)
            }
            Node::Abs(a) => V::Num(self.n(a)?.abs()),
            Node::IsNumber(a) => V::Bool(matches!(self.go(a)?, V::Num(_))),
            // Excel's TRIM removes the space character only (not tabs or U+3000).
            Node::TextIs(a, word) => V::Bool(match self.go(a)? {
                V::Str(t) => t.trim_matches(' ') == word,
                _ => false,
            }),
        })
    }
}

/// A text literal in an Excel formula: in double quotes, a quote doubled.
fn push_text_literal(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// A number literal as Excel reads it (negative numbers in brackets, so `-2^2` never occurs).
#[cfg(test)]
fn render_number(n: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, n);
    out
}

/// Appends a number literal as Excel reads it (see [`render_number`]).
fn push_number(out: &mut String, n: f64) {
    if n < 0.0 {
        out.push('(');
    }
    if n == 0.0 {
        out.push('0');
    } else if n == EPS {
        // The tolerance, in most status formulas: formatted once.
        static EPS_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        out.push_str(EPS_TEXT.get_or_init(|| format!("{EPS:E}")));
    } else if n.abs() < 1e-6 || n.abs() >= 1e15 {
        let _ = write!(out, "{n:E}");
    } else if n == n.trunc() {
        // A whole number (a year, 100): the same digits as `{n}`, without the float formatting.
        let _ = write!(out, "{}", n as i64);
    } else {
        let _ = write!(out, "{n}");
    }
    if n < 0.0 {
        out.push(')');
    }
}

/// Whether a formula's value is the engine's (numbers within a relative 1e-9).
fn agrees(got: &V, want: &Cached) -> bool {
    match (got, want) {
        (V::Num(g), Cached::Number(w)) => (g - w).abs() <= 1e-9 * w.abs().max(1.0),
        (V::Str(g), Cached::Text(w)) => g == w,
        _ => false,
    }
}

/// The text of a given cell when it says more than its number (`≥95%`, `9.60（2014年）`).
fn source_note(given: &Given, value: Option<f64>) -> Option<String> {
    let t = given.text.trim();
    if t.is_empty() {
        return None;
    }
    let plain = value.is_some_and(|v| {
        fold(t)
            .replace(',', "")
            .parse::<f64>()
            .is_ok_and(|x| (x - v).abs() <= 1e-12 * v.abs().max(1.0))
    });
    (!plain).then(|| format!("原文：{t}"))
}

struct RowBuilder<'a> {
    plan: &'a Plan,
    ind: &'a Indicator,
    res: &'a IndicatorResult,
    /// The 1-based sheet row as text, for rendering.
    row_text: String,
    index: &'a ColumnIndex,
    /// The row's formulas.
    tree: &'a Tree,
    cells: Vec<Cell>,
    /// Values of the row's cells for evaluation, by column.
    values: Vec<V>,
    fallbacks: usize,
}

impl RowBuilder<'_> {
    fn col(&self, kind: ColumnKind) -> Option<u16> {
        self.index.get(&kind).copied()
    }

    fn set(&mut self, kind: ColumnKind, cell: Cell) {
        let Some(c) = self.col(kind) else { return };
        let v = match &cell.content {
            Content::Empty => V::Empty,
            Content::Text(s) => V::Str(s.clone()),
            Content::Number(n) => V::Num(*n),
            Content::Formula { cached, .. } => match cached {
                Cached::Number(n) => V::Num(*n),
                Cached::Text(s) => V::Str(s.clone()),
            },
        };
        if let Some(slot) = self.values.get_mut(usize::from(c)) {
            *slot = v;
        }
        if let Some(slot) = self.cells.get_mut(usize::from(c)) {
            *slot = cell;
        }
    }

    /// Writes `expr` when it evaluates to `want`, else the value with a note saying why.
    fn formula(
        &mut self,
        kind: ColumnKind,
        expr: Option<Expr>,
        want: Cached,
        decimals: Option<u8>,
        why: &str,
    ) {
        let cap = self.plan.settings.cap;
        let tree = self.tree;
        let ok = expr.filter(|e| {
            tree.eval(*e, &self.values, cap)
                .is_some_and(|got| agrees(&got, &want))
        });
        let cell = match ok {
            Some(e) => Cell {
                content: Content::Formula {
                    formula: {
                        let mut f = String::with_capacity(512);
                        tree.render_into(e, &mut f, &self.row_text);
                        f
                    },
                    cached: want,
                },
                decimals,
                origin: Origin::Computed,
                note: None,
            },
            None => {
                self.fallbacks += 1;
                let content = match want {
                    Cached::Number(n) => Content::Number(n),
                    Cached::Text(s) => Content::Text(s),
                };
                Cell {
                    content,
                    decimals,
                    origin: Origin::Computed,
                    note: Some(format!("计算值（未写成公式：{why}）")),
                }
            }
        };
        self.set(kind, cell);
    }

    fn build(&mut self, actual_years: &[Year]) {
        let (ind, res) = (self.ind, self.res);
        let d = Some(res.decimals);
        self.set(ColumnKind::Seq, Cell::text(ind.seq.clone()));
        self.set(ColumnKind::Category, Cell::text(fold(ind.category.trim())));
        self.set(ColumnKind::Name, Cell::text(ind.name.clone()));
        self.set(ColumnKind::Unit, Cell::text(ind.unit.clone()));
        self.set(ColumnKind::Lead, Cell::text(ind.lead_units.clone()));
        self.set(ColumnKind::Other, Cell::text(ind.other_units.clone()));
        self.set(ColumnKind::Units, Cell::text(units_cell(ind)));
        self.set(
            ColumnKind::SourceRow,
            Cell::number(f64::from(ind.row), None),
        );
        if let Some(w) = ind.weight.filter(|w| w.is_finite()) {
            self.set(ColumnKind::Weight, Cell::number(w, None));
        }
        if ind.is_group {
            self.set(ColumnKind::Base, Cell::text(ind.base.text.clone()));
            self.set(ColumnKind::Target, Cell::text(ind.target.text.clone()));
            return;
        }
        let mut basis = schedule::basis(self.plan, ind);
        let _ = schedule::yearly(self.plan, ind, &mut basis);
        self.set(
            ColumnKind::Direction,
            Cell::text(direction_name(res.direction)),
        );
        self.set(ColumnKind::Method, Cell::text(method_name(res.method)));
        self.set(
            ColumnKind::Decimals,
            Cell::number(f64::from(res.decimals), None),
        );
        if let Some(t0) = basis.t0 {
            self.set(ColumnKind::BaseYear, Cell::number(f64::from(t0), None));
        }
        if let Some(t1) = basis.t1 {
            self.set(ColumnKind::TargetYear, Cell::number(f64::from(t1), None));
        }
        // b: the start of the schedule.
        match basis.start() {
            Some(b) if basis.reached => self.set(
                ColumnKind::Base,
                Cell::number(b, d).with_note(Some(format!(
                    "累计降低无基期水平：按已降低的百分比计算，基期为0（原文：{}）",
                    ind.base.text.trim()
                ))),
            ),
            Some(b) => self.set(
                ColumnKind::Base,
                Cell::number(b, d).with_note(source_note(&ind.base, Some(b))),
            ),
            None => self.set(ColumnKind::Base, Cell::text(ind.base.text.clone())),
        }
        if let Some(p) = basis.rate.or(basis.reduction) {
            self.set(ColumnKind::Param, Cell::number(p, None));
        }
        if let Some((lo, hi)) = basis.range {
            self.set(ColumnKind::RangeLo, Cell::number(lo, d));
            self.set(ColumnKind::RangeHi, Cell::number(hi, d));
        }
        if let Some(s) = basis.stretch {
            self.set(ColumnKind::Stretch, Cell::number(s, d));
        }
        // Constants of the yearly columns first: anchors and typed values.
        for (y, t) in &res.yearly {
            let kind = ColumnKind::Yearly(*y);
            match t.source {
                Source::Given => {
                    let note = ind
                        .yearly
                        .get(y)
                        .and_then(|g| source_note(g, Some(t.value)));
                    self.set(kind, Cell::number(t.value, d).with_note(note));
                }
                Source::Manual => self.set(
                    kind,
                    Cell {
                        origin: Origin::Manual,
                        note: Some("手工输入".to_string()),
                        ..Cell::number(t.value, d)
                    },
                ),
                Source::Computed => {}
            }
        }
        // Actuals: the engine's number, or the text.
        for y in actual_years {
            let kind = ColumnKind::Actual(*y);
            match (res.actual.get(y), ind.actual.get(y)) {
                (Some(a), g) => {
                    let note = g.and_then(|g| source_note(g, Some(*a)));
                    self.set(kind, Cell::number(*a, d).with_note(note));
                }
                (None, Some(g)) => self.set(kind, Cell::text(g.text.clone())),
                (None, None) => {}
            }
        }
        self.target(&basis);
        let points = schedule::known_points(ind, &basis);
        let shape = schedule::shape_of(&basis);
        for (y, t) in &res.yearly {
            if t.source != Source::Computed {
                continue;
            }
            let expr = shape.and_then(|s| self.yearly_expr(&basis, s, &points, *y));
            self.formula(
                ColumnKind::Yearly(*y),
                expr,
                Cached::Number(t.value),
                d,
                "此年的目标无法由本行的基期、目标和已知年份算出",
            );
        }
        for y in actual_years {
            self.completion(&basis, *y);
        }
    }

    /// K: T, a formula where the engine derives it from other cells of the row.
    fn target(&mut self, basis: &Basis) {
        let tr = self.tree;
        let (ind, d) = (self.ind, Some(self.res.decimals));
        let Some(t) = basis.target else {
            self.set(ColumnKind::Target, Cell::text(ind.target.text.clone()));
            return;
        };
        let (i, l) = (self.col(ColumnKind::Base), self.col(ColumnKind::Param));
        let derived = match &ind.target.value {
            _ if basis.method == Method::Rate && basis.level.is_none() && basis.rate.is_some() => {
                let points = schedule::known_points(ind, basis);
                let shape = schedule::shape_of(basis);
                let j = self.col(ColumnKind::TargetYear).map(|c| tr.col(c));
                basis
                    .t1
                    .zip(shape)
                    .zip(j)
                    .and_then(|((t1, s), j)| self.interp(basis, s, &points, t1, j))
            }
            Value::Reduction { .. } if basis.reached => l.map(|c| tr.col(c)),
            Value::Reduction { .. } => i.zip(l).map(|(i, l)| {
                tr.mul(
                    tr.col(i),
                    tr.sub(tr.num(1.0), tr.div(tr.col(l), tr.num(100.0))),
                )
            }),
            Value::Multiple { factor } => i.map(|i| tr.mul(tr.col(i), tr.num(*factor))),
            _ => None,
        };
        let note = source_note(&ind.target, Some(t));
        match derived {
            Some(e) => {
                self.formula(
                    ColumnKind::Target,
                    Some(e),
                    Cached::Number(t),
                    d,
                    "目标值由原文推出",
                );
                if let Some(c) = self.col(ColumnKind::Target) {
                    if let Some(cell) = self.cells.get_mut(usize::from(c)) {
                        let why = cell.note.take();
                        cell.note = match (why, note) {
                            (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
                            (a, b) => a.or(b),
                        };
                    }
                }
            }
            None => self.set(ColumnKind::Target, Cell::number(t, d).with_note(note)),
        }
    }

    /// The (year, value) expressions of a known point of the schedule.
    fn point(&self, basis: &Basis, y: Year) -> Option<(Expr, Expr)> {
        let tr = self.tree;
        if Some(y) == basis.t0 {
            return Some((
                tr.col(self.col(ColumnKind::BaseYear)?),
                tr.col(self.col(ColumnKind::Base)?),
            ));
        }
        let known = self
            .res
            .yearly
            .get(&y)
            .is_some_and(|t| t.source != Source::Computed);
        if known {
            return Some((tr.year(y), tr.col(self.col(ColumnKind::Yearly(y))?)));
        }
        if Some(y) == basis.t1 {
            return Some((
                tr.col(self.col(ColumnKind::TargetYear)?),
                tr.col(self.col(ColumnKind::Target)?),
            ));
        }
        None
    }

    /// The cell that holds the constant `v` of a hold or rate-itself schedule.
    fn constant(&self, basis: &Basis, v: f64) -> Option<Expr> {
        let tr = self.tree;
        let same = |x: Option<f64>| x.is_some_and(|x| x == v);
        if same(basis.target) {
            self.col(ColumnKind::Target).map(|c| tr.col(c))
        } else if same(basis.rate) {
            self.col(ColumnKind::Param).map(|c| tr.col(c))
        } else if same(basis.start()) {
            self.col(ColumnKind::Base).map(|c| tr.col(c))
        } else {
            None
        }
    }

    /// The formula of a computed yearly target, as [`schedule::yearly`] computes it.
    fn yearly_expr(
        &self,
        basis: &Basis,
        shape: Shape,
        points: &YearMap<f64>,
        t: Year,
    ) -> Option<Expr> {
        let tr = self.tree;
        let beyond = basis.t1.is_some_and(|t1| t > t1);
        let at_end_with_level =
            basis.method == Method::Rate && basis.level.is_some() && basis.t1 == Some(t);
        if beyond || at_end_with_level {
            return match shape {
                Shape::Constant(v) => self.constant(basis, v),
                _ => self.col(ColumnKind::Target).map(|c| tr.col(c)),
            };
        }
        if let Shape::Constant(v) = shape {
            return self.constant(basis, v);
        }
        self.interp(basis, shape, points, t, tr.year(t))
    }

    /// [`schedule::interpolate`] as a formula for year `t`, written as `ty` (a literal year, or
    /// the target-year cell when the formula is T itself).
    fn interp(
        &self,
        basis: &Basis,
        shape: Shape,
        points: &YearMap<f64>,
        t: Year,
        ty: Expr,
    ) -> Option<Expr> {
        let tr = self.tree;
        if points.contains_key(&t) {
            return self.point(basis, t).map(|(_, v)| v);
        }
        let (&ta, _) = points.range(..t).next_back()?;
        let (ya, va) = self.point(basis, ta)?;
        let next = points.range(t..).next();
        if let Shape::Rate(_) = shape {
            if next.is_none() {
                let l = tr.col(self.col(ColumnKind::Param)?);
                return Some(tr.mul(
                    va,
                    tr.pow(
                        tr.add(tr.num(1.0), tr.div(l, tr.num(100.0))),
                        tr.sub(ty, ya),
                    ),
                ));
            }
        }
        let (&tb, _) = next?;
        let (yb, vb) = self.point(basis, tb)?;
        let s = tr.div(tr.sub(ty, ya), tr.sub(yb, ya));
        let linear = tr.add(va, tr.mul(tr.sub(vb, va), s));
        Some(match shape {
            Shape::Linear | Shape::Constant(_) => linear,
            Shape::Geometric | Shape::Rate(_) => tr.iff(
                tr.and(&[
                    tr.cmp(CmpOp::Gt, va, tr.num(0.0)),
                    tr.cmp(CmpOp::Gt, vb, tr.num(0.0)),
                ]),
                tr.mul(va, tr.pow(tr.div(vb, va), s)),
                linear,
            ),
            Shape::Reached => {
                let la = tr.sub(tr.num(1.0), tr.div(va, tr.num(100.0)));
                let lb = tr.sub(tr.num(1.0), tr.div(vb, tr.num(100.0)));
                tr.iff(
                    tr.and(&[
                        tr.cmp(CmpOp::Gt, la, tr.num(0.0)),
                        tr.cmp(CmpOp::Gt, lb, tr.num(0.0)),
                    ]),
                    tr.mul(
                        tr.num(100.0),
                        tr.sub(tr.num(1.0), tr.mul(la, tr.pow(tr.div(lb, la), s))),
                    ),
                    linear,
                )
            }
        })
    }

    /// Realization and status of year `y`.
    fn completion(&mut self, basis: &Basis, y: Year) {
        let tr = self.tree;
        let res = self.res;
        let (Some(a_col), Some(k)) = (
            self.col(ColumnKind::Actual(y)),
            self.col(ColumnKind::Target),
        ) else {
            return;
        };
        let a = tr.col(a_col);
        let has_a = tr.is_number(a);
        let status_want = |s: Option<Status>| {
            Cached::Text(s.map_or("", super::appended::status_text).to_string())
        };
        if basis.target.is_none() {
            // No numeric target: a number is not assessed; a qualitative target follows the
            // words of the actual (the engine's words exactly; a word with a remark after it
            // is written as a value); else 无数据.
            let qualitative = matches!(self.ind.target.value, Value::Text { .. });
            let no_number = if qualitative {
                let says = |words: &[&'static str]| {
                    let items: Vec<Expr> = words.iter().map(|w| tr.text_is(a, w)).collect();
                    tr.or(&items)
                };
                tr.iff(
                    says(completion::NOT_DONE_WORDS),
                    tr.text(super::appended::status_text(Status::Lagging)),
                    tr.iff(
                        says(completion::DONE_WORDS),
                        tr.text(super::appended::status_text(Status::Met)),
                        tr.text("无数据"),
                    ),
                )
            } else {
                tr.text("无数据")
            };
            let expr = tr.iff(has_a, tr.text(""), no_number);
            self.formula(
                ColumnKind::Status(y),
                Some(expr),
                status_want(res.status.get(&y).copied()),
                None,
                "状态无法由本行算出",
            );
            return;
        };
        let year_target = res
            .yearly
            .contains_key(&y)
            .then(|| self.col(ColumnKind::Yearly(y)))
            .flatten();
        let g = tr.col(year_target.unwrap_or(k));
        let use_range = basis.range.filter(|_| {
            basis.method == Method::Hold
                || year_target.is_none()
                || basis.t1.is_some_and(|t1| y >= t1)
        });
        let range_cells = self
            .col(ColumnKind::RangeLo)
            .zip(self.col(ColumnKind::RangeHi))
            .map(|(l, h)| (tr.col(l), tr.col(h)));
        let ratio = match (use_range, range_cells) {
            (Some(_), Some((lo, hi))) => {
                let t = tr.mul(tr.num(EPS), tr.max(&[tr.abs(lo), tr.abs(hi), tr.num(1.0)]));
                Some(tr.iff(
                    tr.cmp(CmpOp::Lt, a, tr.sub(lo, t)),
                    tr.iff(
                        tr.and(&[
                            tr.cmp(CmpOp::Gt, lo, tr.num(0.0)),
                            tr.cmp(CmpOp::Ge, a, tr.num(0.0)),
                        ]),
                        tr.div(tr.mul(tr.num(100.0), a), lo),
                        tr.num(0.0),
                    ),
                    tr.iff(
                        tr.cmp(CmpOp::Gt, a, tr.add(hi, t)),
                        tr.iff(
                            tr.cmp(CmpOp::Gt, hi, tr.num(0.0)),
                            tr.div(tr.mul(tr.num(100.0), hi), a),
                            tr.num(0.0),
                        ),
                        tr.num(100.0),
                    ),
                ))
            }
            (Some(_), None) => None,
            (None, _) => {
                let all_or_nothing =
                    tr.iff(tr.meets(a, g, basis.direction), tr.num(100.0), tr.num(0.0));
                Some(match basis.direction {
                    Direction::Positive => tr.iff(
                        tr.or(&[
                            tr.cmp(CmpOp::Le, g, tr.num(0.0)),
                            tr.cmp(CmpOp::Lt, a, tr.num(0.0)),
                        ]),
                        all_or_nothing,
                        tr.div(tr.mul(tr.num(100.0), a), g),
                    ),
                    Direction::Negative => tr.iff(
                        tr.or(&[
                            tr.cmp(CmpOp::Le, a, tr.num(0.0)),
                            tr.cmp(CmpOp::Lt, g, tr.num(0.0)),
                        ]),
                        all_or_nothing,
                        tr.div(tr.mul(tr.num(100.0), g), a),
                    ),
                })
            }
        };
        let clamped = ratio.map(|r| {
            let floor = tr.max(&[tr.num(0.0), r]);
            tr.iff(
                tr.is_number(tr.cap()),
                tr.min(&[tr.max(&[tr.cap(), tr.num(0.0)]), floor]),
                floor,
            )
        });
        let want = match res.realization.get(&y) {
            Some(r) => Cached::Number(r.value),
            None => Cached::Text(String::new()),
        };
        self.formula(
            ColumnKind::Realization(y),
            clamped.map(|c| tr.iff(has_a, c, tr.text(""))),
            want,
            Some(2),
            "实现程度无法由本行算出",
        );
        let status = self.status_expr(basis, a, g, use_range.and(range_cells));
        self.formula(
            ColumnKind::Status(y),
            status.map(|s| tr.iff(has_a, s, tr.text("无数据"))),
            status_want(res.status.get(&y).copied()),
            None,
            "状态无法由本行算出",
        );
    }

    /// The status of year `y` when there is an actual, as [`crate::plan::completion::assess`].
    fn status_expr(
        &self,
        basis: &Basis,
        a: Expr,
        g: Expr,
        range: Option<(Expr, Expr)>,
    ) -> Option<Expr> {
        let tr = self.tree;
        let k = tr.col(self.col(ColumnKind::Target)?);
        let meets_t = match basis.range {
            Some(_) => {
                let lo = tr.col(self.col(ColumnKind::RangeLo)?);
                let hi = tr.col(self.col(ColumnKind::RangeHi)?);
                let t = tr.mul(tr.num(EPS), tr.max(&[tr.abs(lo), tr.abs(hi), tr.num(1.0)]));
                tr.and(&[
                    tr.cmp(CmpOp::Ge, a, tr.sub(lo, t)),
                    tr.cmp(CmpOp::Le, a, tr.add(hi, t)),
                ])
            }
            None => tr.meets(a, k, basis.direction),
        };
        let on = tr.text(super::appended::status_text(Status::OnTrack));
        let lag = tr.text(super::appended::status_text(Status::Lagging));
        let by_g = match range {
            Some((lo, hi)) => tr.and(&[
                tr.cmp(CmpOp::Ge, a, tr.sub(lo, tr.num(EPS))),
                tr.cmp(CmpOp::Le, a, tr.add(hi, tr.num(EPS))),
            ]),
            None => tr.meets(a, g, basis.direction),
        };
        Some(tr.iff(
            meets_t,
            tr.text(super::appended::status_text(Status::Met)),
            tr.iff(by_g, on, lag),
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

    #[test]
    fn numbers_render_for_excel() {
        assert_eq!(render_number(-2.0), "(-2)");
        assert_eq!(render_number(1e-9), "1E-9");
        assert_eq!(render_number(100.0), "100");
    }

    #[test]
    fn numbers_render_as_their_float_formatting() {
        // The shortcuts for whole numbers and the tolerance give what `{n}` / `{n:E}` give.
        let reference = |n: f64| {
            let s = if n == 0.0 {
                "0".to_string()
            } else if n.abs() < 1e-6 || n.abs() >= 1e15 {
                format!("{n:E}")
            } else {
                format!("{n}")
            };
            if n < 0.0 {
                format!("({s})")
            } else {
                s
            }
        };
        let mut values = vec![
            0.0,
            -0.0,
            EPS,
            -EPS,
            1.0,
            -1.0,
            2021.0,
            100.0,
            1e15 - 1.0,
            -(1e15 - 1.0),
            1e15,
            999_999_999_999_999.5,
            0.5,
            1.25,
            -7.125,
            1e-6,
            9.99e-7,
            123_456_789.0,
            4_503_599_627_370_496.0,
        ];
        let mut x = 0.123_f64;
        for _ in 0..2000 {
            x = (x * 7919.0 + 0.377).fract();
            let scale = 10f64.powi((x * 30.0) as i32 - 12);
            values.push(x * scale);
            values.push(-(x * scale).round());
        }
        for n in values {
            assert_eq!(render_number(n), reference(n), "{n:?}");
        }
    }
}
