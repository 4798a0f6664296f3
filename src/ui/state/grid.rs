//! The view model of the grid: which cells show, with what source, status and width, for the
//! rows on screen only.
//!
//! The grid shows the sheet's columns in their order with each year's completion columns
//! (实现程度, 状态) right after that year's actual column, so the result of an edit is next to
//! it. Every column index the model takes or gives is a *display* column (0-based position on
//! screen, whose letters the grid shows); [`GridModel::source_col`] and
//! [`GridModel::display_col`] translate to and from the sheet's own columns, which edits, the
//! table's roles and the export use.

use crate::error::Lang;
use crate::io::appended;
use crate::plan::{self, Plan, PlanResults, Source, Status};
use crate::table::detect::{Layout, Role};
use crate::table::grid::{col_letters, Sheet};
use std::collections::{HashMap, HashSet};

/// Where a displayed cell's content came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellSource {
    /// As in the file.
    File,
    /// Computed by the engine.
    Computed,
    /// Typed by the user.
    Manual,
}

impl CellSource {
    /// The value of the `data-source` attribute.
    pub fn name(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Computed => "computed",
            Self::Manual => "manual",
        }
    }
}

/// One displayed cell.
#[derive(Clone, Debug, PartialEq)]
pub struct GridCell {
    /// 0-based column.
    pub col: usize,
    /// Excel's letters for the column.
    pub letters: String,
    pub text: String,
    pub source: CellSource,
    pub colspan: u32,
    pub rowspan: u32,
    /// The status of a completion cell, for its colour.
    pub status: Option<Status>,
    /// A realization in percent, for the in-cell bar.
    pub bar: Option<f64>,
    /// A value column's cell whose text is no number on a quantitative indicator's row: kept as
    /// typed, flagged, and not used in the computation.
    pub invalid: bool,
}

impl GridCell {
    pub(super) fn new(col: usize, text: String, source: CellSource) -> Self {
        Self {
            col,
            letters: col_letters(col),
            text,
            source,
            colspan: 1,
            rowspan: 1,
            status: None,
            bar: None,
            invalid: false,
        }
    }
}

/// The cells (0-based row and column) of the base, target, yearly-target and actual columns
/// whose text reads as no number on the row of a quantitative indicator (one whose base,
/// target or a yearly target is a number — a table of year columns only gives its base and
/// target as yearly targets): `abc` typed as an actual. A qualitative indicator's words
/// (`完成`) are its values and are never flagged. Sorted (row, then column), for `is_flagged`: a long
/// table flags tens of thousands of cells, which a hash set took most of the model's time to
/// hold.
pub fn not_numbers(layout: &Layout, plan: &Plan) -> Vec<(usize, usize)> {
    let is_text = |g: &plan::Given| matches!(g.value, plan::Value::Text { .. });
    let number =
        |g: &plan::Given| !matches!(g.value, plan::Value::Text { .. } | plan::Value::Empty);
    let quantitative = |ind: &plan::Indicator| {
        number(&ind.base) || number(&ind.target) || ind.yearly.iter().any(|(_, g)| number(g))
    };
    let (base, target) = (layout.col(Role::Base), layout.col(Role::Target));
    let (yearly, actual) = (layout.yearly_cols(), layout.actual_cols());
    let mut out = Vec::new();
    for ind in plan.indicators.iter().filter(|i| quantitative(i)) {
        let row = ind.row.saturating_sub(1) as usize;
        let mut flag = |col: Option<usize>, given: &plan::Given| {
            if let (Some(col), true) = (col, is_text(given)) {
                out.push((row, col));
            }
        };
        flag(base, &ind.base);
        flag(target, &ind.target);
        // The indicator's own values (a few), not a lookup for every year of the layout: this
        // runs for every row at every edit.
        for (year, given) in ind.yearly.iter() {
            flag(yearly.get(year).copied(), given);
        }
        for (year, given) in ind.actual.iter() {
            flag(actual.get(year).copied(), given);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether `not_numbers`' sorted cells hold (row, col).
fn is_flagged(flagged: &[(usize, usize)], row: usize, col: usize) -> bool {
    flagged.binary_search(&(row, col)).is_ok()
}

/// What kind of row it is, for styling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Above the header (titles).
    Title,
    Header,
    /// A row of the table's body.
    Body,
    /// Below the table (notes, footers).
    After,
}

/// One displayed row.
#[derive(Clone, Debug, PartialEq)]
pub struct GridRow {
    /// 1-based row in the source sheet.
    pub row: u32,
    pub kind: RowKind,
    pub cells: Vec<GridCell>,
}

/// Everything the grid needs that depends on the whole sheet, derived once per change so that
/// rendering a window of rows costs only that window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridModel {
    /// Rows of the sheet.
    pub rows: usize,
    /// Columns of the sheet (the appended columns come after these).
    pub sheet_width: usize,
    /// The first row of the body: rows above it (titles, header) are always shown.
    pub body_start: usize,
    /// The last row that belongs to the table (0-based).
    pub data_last: usize,
    /// Merged ranges by their top-left cell: (colspan, rowspan, last row).
    anchors: HashMap<(usize, usize), (u32, usize)>,
    /// Cells covered by a merge, with the merge's top-left cell.
    covered: HashMap<(usize, usize), (usize, usize)>,
    /// The plan's indicator on each 0-based row, as an index into the results ([`NO_INDICATOR`]
    /// on a row without one): a vector, not a map, as every row of a long table has one.
    by_row: Vec<u32>,
    /// The year of each yearly-target column.
    yearly_cols: HashMap<usize, plan::Year>,
    /// Cells the user typed.
    typed: HashSet<(usize, usize)>,
    /// Cells of value columns that hold no number where one is expected ([`not_numbers`]).
    invalid: Vec<(usize, usize)>,
    /// The language of the completion columns' headers and statuses (the sheet's own cells
    /// are as the file gives them).
    lang: Lang,
    /// The appended completion columns: (year, kind). Their cells come from the results when
    /// a row is shown, so an edit never rebuilds them for every row.
    extra: Vec<(plan::Year, appended::Kind)>,
    /// The model column at each display column: a sheet column (`< sheet_width`) or the
    /// appended column `sheet_width + i`.
    order: Vec<usize>,
    /// The display column of each model column (the inverse of `order`).
    position: Vec<usize>,
    /// Appended cells (0-based row, appended index) inside a merged range of the sheet that
    /// spans their display column (a title merged across the table, a header group such as
    /// 年度目标及完成情况 over every year): they show nothing.
    extra_covered: HashSet<(usize, usize)>,
    /// The header row each appended column's title starts on: the first row of the header band
    /// from which no merged range covers it down to the band's last row (`None`: no room).
    extra_head: Vec<Option<usize>>,
    header_first: usize,
    header_last: usize,
    has_layout: bool,
    /// How many columns from the left stay frozen (序号 … 指标名称).
    pub frozen: usize,
}

/// A row of [`GridModel`]'s `by_row` without an indicator.
const NO_INDICATOR: u32 = u32::MAX;

impl GridModel {
    /// Derives the model of a sheet with its table and typed cells. The results are looked up
    /// only for the rows shown ([`Self::window`]), so an edit costs the window, not the plan.
    pub fn new(
        sheet: &Sheet,
        layout: Option<&Layout>,
        plan: Option<&Plan>,
        typed: &HashSet<(usize, usize)>,
    ) -> Self {
        let mut anchors = HashMap::new();
        let mut covered = HashMap::new();
        for m in &sheet.merges {
            let (r0, c0) = (m.first_row as usize, m.first_col as usize);
            let (r1, c1) = (m.last_row as usize, m.last_col as usize);
            // Single cells, inverted ranges (from a hand-edited saved page) and absurd spans are
            // not merges the grid can draw.
            if (r1, c1) == (r0, c0) || r1 < r0 || c1 < c0 || r1 - r0 > 100_000 || c1 - c0 > 1_000 {
                continue;
            }
            anchors.insert((r0, c0), (u32::try_from(c1 - c0 + 1).unwrap_or(1), r1));
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if (r, c) != (r0, c0) {
                        covered.insert((r, c), (r0, c0));
                    }
                }
            }
        }
        let invalid = match (layout, plan) {
            (Some(layout), Some(plan)) => not_numbers(layout, plan),
            _ => Vec::new(),
        };
        let (by_row, yearly_cols, extra) = match (layout, plan) {
            (Some(layout), Some(plan)) => {
                // Only rows the sheet has (a row past them, from a hand-edited saved page, is
                // never shown, and must not size the vector).
                let mut by_row = vec![NO_INDICATOR; sheet.rows.len()];
                for (i, ind) in plan.indicators.iter().enumerate() {
                    let r = ind.row.saturating_sub(1) as usize;
                    if let (Some(slot), Ok(i)) = (by_row.get_mut(r), u32::try_from(i)) {
                        *slot = i;
                    }
                }
                let yearly_cols = layout
                    .yearly_cols()
                    .into_iter()
                    .map(|(year, col)| (col, year))
                    .collect();
                let extra = appended::column_kinds(layout, plan);
                (by_row, yearly_cols, extra)
            }
            _ => Default::default(),
        };
        let sheet_width = sheet.width();
        let order = match layout {
            Some(layout) => display_order(sheet, layout, &extra),
            None => (0..sheet_width).collect(),
        };
        let mut position = vec![0; order.len()];
        for (d, &m) in order.iter().enumerate() {
            if let Some(slot) = position.get_mut(m) {
                *slot = d;
            }
        }
        let mut extra_covered = HashSet::new();
        if !extra.is_empty() {
            for m in &sheet.merges {
                let (c0, c1) = (m.first_col as usize, m.last_col as usize);
                let (Some(&d0), Some(&d1)) = (position.get(c0), position.get(c1)) else {
                    continue;
                };
                if c1 <= c0 || m.last_row < m.first_row || m.last_row - m.first_row > 100_000 {
                    continue;
                }
                for i in 0..extra.len() {
                    let d = position.get(sheet_width + i).copied().unwrap_or(usize::MAX);
                    if d0 < d && d < d1 {
                        for r in m.first_row as usize..=m.last_row as usize {
                            extra_covered.insert((r, i));
                        }
                    }
                }
            }
        }
        let (header_first, header_last, data_last) = layout
            .map(|l| (l.header_first, l.header_last, l.data_last))
            .unwrap_or((0, 0, sheet.rows.len().saturating_sub(1)));
        let extra_head = (0..extra.len())
            .map(|i| {
                (header_first..=header_last)
                    .find(|&r| (r..=header_last).all(|r| !extra_covered.contains(&(r, i))))
            })
            .collect();
        let body_start = layout.map(|l| l.header_last + 1).unwrap_or(0);
        let frozen = layout
            .and_then(|l| l.col(crate::table::detect::Role::Name))
            .filter(|&c| c < 4)
            .map(|c| c + 1)
            .unwrap_or(0);
        Self {
            rows: sheet.rows.len(),
            sheet_width,
            body_start,
            data_last,
            anchors,
            covered,
            by_row,
            yearly_cols,
            typed: typed.clone(),
            invalid,
            lang: Lang::Zh,
            extra,
            order,
            position,
            extra_covered,
            extra_head,
            header_first,
            header_last,
            has_layout: layout.is_some(),
            frozen,
        }
    }

    /// The model with its completion columns worded in `lang` (Chinese unless asked).
    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// The first row of the header band (0 without a table).
    pub fn header_first(&self) -> usize {
        self.header_first
    }

    /// The 0-based rows holding cells the user typed.
    pub fn typed_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.typed.iter().map(|&(r, _)| r)
    }

    /// The column span and the number of rows of the merged range whose top-left cell is
    /// (r, c), if one starts there.
    pub fn merge_span(&self, r: usize, c: usize) -> Option<(u32, usize)> {
        let src = self.source_col(c)?;
        self.anchors
            .get(&(r, src))
            .map(|&(colspan, last)| (self.display_span(src, colspan), last.saturating_sub(r) + 1))
    }

    /// The top-left cell of the merged range covering (r, c), or (r, c) itself.
    pub fn anchor_of(&self, r: usize, c: usize) -> (usize, usize) {
        match self
            .source_col(c)
            .and_then(|src| self.covered.get(&(r, src)))
        {
            Some(&(r0, c0)) => (r0, self.display_col(c0)),
            None => (r, c),
        }
    }

    /// Whether (r, c) is inside a merged range but not its top-left cell.
    pub fn is_covered(&self, r: usize, c: usize) -> bool {
        match self.at(c) {
            Column::Sheet(src) => self.covered.contains_key(&(r, src)),
            Column::Appended(i) => self.extra_covered.contains(&(r, i)),
            Column::Outside => false,
        }
    }

    /// The sheet's column shown at display column `c`; `None` for a completion column. Past the
    /// grid's last column the sheet's columns continue (a paste that reaches beyond it).
    pub fn source_col(&self, c: usize) -> Option<usize> {
        match self.at(c) {
            Column::Sheet(src) => Some(src),
            Column::Appended(_) => None,
            Column::Outside => Some(c - self.extra.len()),
        }
    }

    /// The sheet's column shown at display column `c` or, for a completion column, the nearest
    /// one left of it (the actual column it belongs to).
    pub fn source_col_near(&self, c: usize) -> usize {
        (0..=c).rev().find_map(|d| self.source_col(d)).unwrap_or(c)
    }

    /// The display column showing the sheet's column `src` (itself past the sheet's width).
    pub fn display_col(&self, src: usize) -> usize {
        self.position.get(src).copied().unwrap_or(src)
    }

    /// The display column of the completion column of `year` and `kind`, if the grid has one.
    pub fn completion_col(&self, year: plan::Year, kind: appended::Kind) -> Option<usize> {
        let i = self.extra.iter().position(|&e| e == (year, kind))?;
        Some(self.display_col(self.sheet_width + i))
    }

    /// What each display column shows, in display order: a column of the sheet, or the
    /// completion column of a year. These stay the same when completion columns come or go
    /// (the first actual of a year typed), where display columns shift.
    pub fn column_keys(&self) -> Vec<ColumnKey> {
        self.order
            .iter()
            .map(|&m| match m.checked_sub(self.sheet_width) {
                Some(i) => self
                    .extra
                    .get(i)
                    .map_or(ColumnKey::Sheet(m), |&(year, kind)| {
                        ColumnKey::Completion(year, kind)
                    }),
                None => ColumnKey::Sheet(m),
            })
            .collect()
    }

    /// What display column `c` shows.
    fn at(&self, c: usize) -> Column {
        match self.order.get(c) {
            Some(&m) if m < self.sheet_width => Column::Sheet(m),
            Some(&m) => Column::Appended(m - self.sheet_width),
            None => Column::Outside,
        }
    }

    /// How many display columns a merge of `colspan` sheet columns from `src` spans (more than
    /// `colspan` where completion columns sit inside it: a title merged across the table).
    fn display_span(&self, src: usize, colspan: u32) -> u32 {
        let last = src + (colspan.max(1) as usize) - 1;
        let (d0, d1) = (self.display_col(src), self.display_col(last));
        u32::try_from(d1.saturating_sub(d0) + 1).unwrap_or(colspan)
    }

    /// Whether the cell (r, c) shows nothing (a cell inside a merged range shows nothing of its
    /// own). Cheaper than [`Self::text`]: no text is made for a sheet's cell.
    pub fn is_blank(
        &self,
        sheet: &Sheet,
        results: Option<&PlanResults>,
        r: usize,
        c: usize,
    ) -> bool {
        if self.is_covered(r, c) {
            return true;
        }
        let result = self.result(results, r);
        let c = match self.at(c) {
            Column::Sheet(src) => src,
            Column::Appended(i) => {
                return self
                    .extra
                    .get(i)
                    .and_then(|&(year, kind)| appended::cell_in(self.lang, result?, year, kind))
                    .is_none_or(|cell| cell.text.trim().is_empty());
            }
            Column::Outside => return true,
        };
        if self.filled(result, c).is_some() {
            return false;
        }
        match sheet.cell(r, c) {
            plan::RawCell::Empty => true,
            plan::RawCell::Text { s } => s.trim().is_empty(),
            plan::RawCell::Number { .. } => false,
        }
    }

    /// Whether (r, c) is a yearly target the engine computed or the user typed (shown instead of
    /// the sheet's cell).
    pub fn is_filled(&self, results: Option<&PlanResults>, r: usize, c: usize) -> bool {
        self.source_col(c)
            .is_some_and(|src| self.filled(self.result(results, r), src).is_some())
    }

    /// The width in pixels of the row-number column: wide enough for the last row's number.
    pub fn row_head_width(&self) -> u32 {
        let digits = self.rows.max(1).to_string().len() as u32;
        (digits * 8 + 16).max(36)
    }

    /// All columns the grid shows, appended ones included.
    pub fn width(&self) -> usize {
        self.sheet_width + self.extra.len()
    }

    /// The rows `range` (0-based, clipped to the sheet) as displayed. A merged range that
    /// starts above the window shows its text in the window's first row, its row span clipped.
    pub fn window(
        &self,
        sheet: &Sheet,
        results: Option<&PlanResults>,
        range: std::ops::Range<usize>,
    ) -> Vec<GridRow> {
        let end = range.end.min(self.rows);
        let start = range.start.min(end);
        (start..end)
            .map(|r| {
                let result = self.result(results, r);
                let mut cells = Vec::with_capacity(self.width());
                for (d, &m) in self.order.iter().enumerate() {
                    let c = match m.checked_sub(self.sheet_width) {
                        Some(i) => {
                            cells.extend(self.appended_cell(result, r, i, d));
                            continue;
                        }
                        None => m,
                    };
                    let (anchor, rowspan_end, colspan) = match self.covered.get(&(r, c)) {
                        Some(&(r0, c0)) => {
                            // Covered: shown only where the window cuts through a vertical merge.
                            if !(r0 < start && r == start && c == c0) {
                                continue;
                            }
                            let (colspan, r1) =
                                self.anchors.get(&(r0, c0)).copied().unwrap_or((1, r));
                            ((r0, c0), r1, colspan)
                        }
                        None => match self.anchors.get(&(r, c)) {
                            Some(&(colspan, r1)) => ((r, c), r1, colspan),
                            None => ((r, c), r, 1),
                        },
                    };
                    let rowspan = u32::try_from(rowspan_end.min(end - 1) - r + 1).unwrap_or(1);
                    let (text, source) = match self.filled(result, c) {
                        Some(filled) => filled,
                        None if self.typed.contains(&(r, c)) => {
                            (sheet.display(anchor.0, anchor.1), CellSource::Manual)
                        }
                        None => (sheet.display(anchor.0, anchor.1), CellSource::File),
                    };
                    cells.push(GridCell {
                        colspan: self.display_span(anchor.1, colspan),
                        rowspan,
                        invalid: is_flagged(&self.invalid, r, c),
                        ..GridCell::new(d, text, source)
                    });
                }
                GridRow {
                    row: u32::try_from(r + 1).unwrap_or(u32::MAX),
                    kind: self.kind(r),
                    cells,
                }
            })
            .collect()
    }

    /// What kind of row 0-based row `r` is.
    pub fn kind(&self, r: usize) -> RowKind {
        if !self.has_layout {
            return RowKind::Body;
        }
        if r < self.header_first {
            RowKind::Title
        } else if r <= self.header_last {
            RowKind::Header
        } else if r <= self.data_last {
            RowKind::Body
        } else {
            RowKind::After
        }
    }

    /// The results of the indicator on 0-based row `r`, if it has one.
    fn result<'r>(
        &self,
        results: Option<&'r PlanResults>,
        r: usize,
    ) -> Option<&'r plan::IndicatorResult> {
        let i = *self.by_row.get(r).filter(|&&i| i != NO_INDICATOR)?;
        results?.indicators.get(i as usize)
    }

    /// The text and source of a yearly-target cell the engine filled or the user typed.
    fn filled(
        &self,
        result: Option<&plan::IndicatorResult>,
        c: usize,
    ) -> Option<(String, CellSource)> {
        let target = result?.yearly.get(self.yearly_cols.get(&c)?)?;
        let source = match target.source {
            Source::Given => return None,
            Source::Manual => CellSource::Manual,
            Source::Computed => CellSource::Computed,
        };
        Some((target.shown(), source))
    }

    /// The cell of row `r` in completion column `i`, shown at display column `col` (none under
    /// the header's row span or inside a merged range).
    fn appended_cell(
        &self,
        result: Option<&plan::IndicatorResult>,
        r: usize,
        i: usize,
        col: usize,
    ) -> Option<GridCell> {
        if self.extra_covered.contains(&(r, i)) {
            return None;
        }
        let head = self.extra_head.get(i).copied().flatten();
        self.extra.get(i).and_then(|&(year, kind)| {
            if head == Some(r) {
                return Some(GridCell {
                    rowspan: u32::try_from(self.header_last + 1 - r).unwrap_or(1),
                    ..GridCell::new(
                        col,
                        appended::title(self.lang, year, kind),
                        CellSource::Computed,
                    )
                });
            }
            if r >= self.header_first && r <= self.header_last {
                // Under the title's row span (or no room for a title).
                return None;
            }
            if r < self.header_first || r > self.data_last {
                return Some(GridCell::new(col, String::new(), CellSource::File));
            }
            let cell = result.and_then(|res| appended::cell_in(self.lang, res, year, kind));
            Some(GridCell {
                status: cell.as_ref().and_then(|c| c.status),
                bar: cell.as_ref().and_then(|c| c.value),
                ..GridCell::new(
                    col,
                    cell.map(|c| c.text).unwrap_or_default(),
                    CellSource::Computed,
                )
            })
        })
    }

    /// The text a cell shows (for copying), `""` outside the grid.
    pub fn text(&self, sheet: &Sheet, results: Option<&PlanResults>, r: usize, c: usize) -> String {
        let result = self.result(results, r);
        let c = match self.at(c) {
            Column::Sheet(src) => src,
            Column::Appended(i) if !self.extra_covered.contains(&(r, i)) => {
                return self
                    .extra
                    .get(i)
                    .and_then(|&(year, kind)| appended::cell_in(self.lang, result?, year, kind))
                    .map(|cell| cell.text)
                    .unwrap_or_default();
            }
            _ => return String::new(),
        };
        match self.filled(result, c) {
            Some((text, _)) => text,
            None => sheet.display(r, c),
        }
    }
}

/// What a display column shows, independent of where it is displayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKey {
    /// The sheet's column (0-based).
    Sheet(usize),
    /// A year's completion column.
    Completion(plan::Year, appended::Kind),
}

/// Where each display column of `before` went in `after` (display column → display column),
/// for the columns both show; `None` when nothing moved. Filters and widths kept by display
/// column follow it when completion columns come or go.
pub fn moved_columns(before: &[ColumnKey], after: &[ColumnKey]) -> Option<HashMap<usize, usize>> {
    if before == after {
        return None;
    }
    let now: HashMap<ColumnKey, usize> = after.iter().enumerate().map(|(d, &k)| (k, d)).collect();
    Some(
        before
            .iter()
            .enumerate()
            .filter_map(|(d, k)| Some((d, *now.get(k)?)))
            .collect(),
    )
}

/// What a display column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    /// The sheet's column.
    Sheet(usize),
    /// The completion column of this index into the appended ones.
    Appended(usize),
    /// Past the grid's last column.
    Outside,
}

/// The order the grid shows the columns in, as model columns (sheet columns, then
/// `sheet.width() + i` for the appended column `i`): the sheet's columns in their order, each
/// year's completion columns right after that year's actual column — after the whole merged
/// range if a body merge spans the actual column with the next ones (a body cell is never
/// split). A title or header merged across the place (年度目标及完成情况 over every year, 2021年
/// over 实际 | 目标) spans the completion columns too. A completion column whose year has no
/// actual column ends the row.
pub fn display_order(
    sheet: &Sheet,
    layout: &Layout,
    extra: &[(plan::Year, appended::Kind)],
) -> Vec<usize> {
    let width = sheet.width();
    let actual = layout.actual_cols();
    // Merges of the table's body that span several columns.
    let spans: Vec<(usize, usize)> = sheet
        .merges
        .iter()
        .filter(|m| {
            m.last_col > m.first_col
                && (m.last_row as usize) > layout.header_last
                && (m.first_row as usize) <= layout.data_last
        })
        .map(|m| (m.first_col as usize, m.last_col as usize))
        .collect();
    let after = |col: usize| {
        let mut end = col;
        loop {
            let next = spans
                .iter()
                .filter(|&&(c0, c1)| c0 <= end && end < c1)
                .map(|&(_, c1)| c1)
                .max();
            match next {
                Some(c1) => end = c1,
                None => return end,
            }
        }
    };
    let mut at: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut last = Vec::new();
    for (i, (year, _)) in extra.iter().enumerate() {
        match actual.get(year).filter(|&&c| c < width) {
            Some(&c) => at.entry(after(c)).or_default().push(width + i),
            None => last.push(width + i),
        }
    }
    let mut order = Vec::with_capacity(width + extra.len());
    for c in 0..width {
        order.push(c);
        order.extend(at.remove(&c).unwrap_or_default());
    }
    order.extend(last);
    order
}

/// The cells the grid shows: the source sheet with the engine's yearly targets filled in.
pub fn grid_view(
    sheet: &Sheet,
    layout: Option<&Layout>,
    plan: Option<&Plan>,
    results: Option<&PlanResults>,
) -> Vec<GridRow> {
    GridModel::new(sheet, layout, plan, &HashSet::new()).window(sheet, results, 0..sheet.rows.len())
}

/// The number of columns the grid shows (the sheet's and the appended ones).
pub fn grid_width(rows: &[GridRow]) -> usize {
    rows.iter()
        .flat_map(|r| r.cells.last())
        .map(|c| c.col + c.colspan as usize)
        .max()
        .unwrap_or(0)
}

/// The CSS class of a completion status.
pub fn status_class(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Met) => "st-met",
        Some(Status::OnTrack) => "st-ontrack",
        Some(Status::Lagging) => "st-lagging",
        Some(Status::NoData) => "st-nodata",
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quantitative row with `abc` as its 2021 actual and a qualitative row with `完成`.
    const CSV: &str = "序号,指标名称,单位,2020年,2025年,2021年实际,2022年实际\n\
        1,人均GDP,元,31502,58000,abc,40100\n\
        2,河长制全面落实,,—,全面落实,完成,未完成\n\
        3,森林覆盖率,%,60,xyz,61,\n";

    #[test]
    fn text_where_a_number_is_expected_is_flagged_and_words_of_a_qualitative_row_are_not() {
        let imported = crate::io::import(CSV.as_bytes()).expect("csv");
        let s = &imported.sheets[0];
        let (layout, plan) = (
            s.layout.as_ref().expect("table"),
            s.plan.as_ref().expect("plan"),
        );
        let flagged = not_numbers(layout, plan);
        // Row 2 (0-based 1), actual 2021 in column F (5); row 4, target in column E (4).
        assert_eq!(flagged, [(1, 5), (3, 4)]);
        assert!(is_flagged(&flagged, 3, 4) && !is_flagged(&flagged, 3, 5));
        let model = GridModel::new(&s.sheet, Some(layout), Some(plan), &HashSet::new());
        let rows = model.window(&s.sheet, None, 1..2);
        let marked: Vec<&str> = rows[0]
            .cells
            .iter()
            .filter(|c| c.invalid)
            .map(|c| c.letters.as_str())
            .collect();
        assert_eq!(marked, ["F"]);
    }

    /// A yearly target that is no number is flagged in its column, also in a table of year
    /// columns only (its base and target are yearly targets); a value for a year the table has
    /// no column of (added in the indicator panel) flags nothing.
    #[test]
    fn a_yearly_target_that_is_no_number_is_flagged_and_a_year_without_a_column_is_not() {
        let s = open(
            "序号,指标名称,单位,2020年,2021年,2022年,2025年,2021年实际\n\
             1,人均GDP,元,100,abc,120,150,110\n\
             2,森林覆盖率,%,60,61,62,65,61\n\
             3,河长制全面落实,,—,基本落实,全面落实,全面落实,完成\n",
        );
        let (layout, mut plan) = (
            s.layout.clone().expect("table"),
            s.plan.clone().expect("plan"),
        );
        let yearly = layout.yearly_cols();
        assert_eq!(
            yearly.get(&2021),
            Some(&4),
            "the layout this test relies on"
        );
        assert!(!yearly.contains_key(&2024) && !layout.actual_cols().contains_key(&2023));
        assert_eq!(not_numbers(&layout, &plan), [(1, 4)]);
        let text = plan.indicators[0].yearly.get(&2021).cloned().expect("2021");
        plan.indicators[1].actual.insert(2023, text.clone());
        plan.indicators[1].yearly.insert(2024, text);
        assert_eq!(not_numbers(&layout, &plan), [(1, 4)]);
    }

    /// A cell of a generated value column: a number, a word, or nothing.
    #[derive(Clone, Debug)]
    enum Gen {
        Number(u32, bool),
        Word(usize),
        Empty,
    }

    const WORDS: [&str; 5] = ["abc", "全面落实", "完成", "基本完成", "xyz"];

    impl Gen {
        fn text(&self) -> String {
            match self {
                Gen::Number(n, true) => format!("{}.5", n),
                Gen::Number(n, false) => n.to_string(),
                Gen::Word(w) => WORDS[*w % WORDS.len()].to_string(),
                Gen::Empty => String::new(),
            }
        }
    }

    fn gen_cell() -> impl proptest::strategy::Strategy<Value = Gen> {
        use proptest::prelude::*;
        prop_oneof![
            3 => (1u32..999, any::<bool>()).prop_map(|(n, half)| Gen::Number(n, half)),
            2 => (0usize..WORDS.len()).prop_map(Gen::Word),
            1 => Just(Gen::Empty),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Generated tables, with a base and a target column or years only (the base and target
        /// then yearly targets), each value cell a number, a word or empty: the cells flagged
        /// are exactly the words in the value columns of a row with a number among its base,
        /// target and yearly targets — an oracle from the generated texts and the layout's
        /// roles, not from the plan.
        #[test]
        fn flagged_cells_are_the_words_of_rows_with_numeric_targets(
            named in proptest::prelude::any::<bool>(),
            rows in proptest::collection::vec(proptest::collection::vec(gen_cell(), 8), 1..8),
        ) {
            let header = if named {
                "序号,指标名称,单位,2020年基数,2021年,2022年,2023年,2024年,2025年目标,2021年实际,2022年实际"
            } else {
                "序号,指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年,2021年实际,2022年实际"
            };
            let mut csv = format!("{header}\n");
            for (i, cells) in rows.iter().enumerate() {
                let values: Vec<String> = cells.iter().map(Gen::text).collect();
                csv.push_str(&format!("{},指标{},万元,{}\n", i + 1, i + 1, values.join(",")));
            }
            let s = open(&csv);
            let (Some(layout), Some(plan)) = (s.layout.as_ref(), s.plan.as_ref()) else {
                return Err(proptest::test_runner::TestCaseError::reject("no table found"));
            };
            // Columns 3..=10 hold the generated cells; the layout says which role each has: a
            // base and a target column, or years only.
            let role = |col: usize| layout.columns.iter().find(|c| c.col == col).map(|c| c.role);
            proptest::prop_assert_eq!(
                (role(3), role(8)),
                if named {
                    (Some(Role::Base), Some(Role::Target))
                } else {
                    (Some(Role::Yearly(2020)), Some(Role::Yearly(2025)))
                },
                "{}",
                csv
            );
            proptest::prop_assert_eq!(role(9), Some(Role::Actual(2021)));
            let mut expected = Vec::new();
            for ind in &plan.indicators {
                let r = ind.row.saturating_sub(1) as usize;
                let Some(cells) = r.checked_sub(1).and_then(|i| rows.get(i)) else { continue };
                let cell = |col: usize| &cells[col - 3];
                let targets = (3..=10).filter(|&c| {
                    matches!(role(c), Some(Role::Base | Role::Target | Role::Yearly(_)))
                });
                let numeric = targets
                    .into_iter()
                    .any(|c| matches!(cell(c), Gen::Number(..)));
                if !numeric {
                    continue;
                }
                for c in 3..=10 {
                    let value_column = matches!(
                        role(c),
                        Some(Role::Base | Role::Target | Role::Yearly(_) | Role::Actual(_))
                    );
                    if value_column && matches!(cell(c), Gen::Word(_)) {
                        expected.push((r, c));
                    }
                }
            }
            expected.sort_unstable();
            proptest::prop_assert_eq!(not_numbers(layout, plan), expected, "{}", csv);
        }
    }

    fn open(csv: &str) -> crate::io::ImportedSheet {
        let mut imported = crate::io::import(csv.as_bytes()).expect("csv");
        imported.sheets.remove(0)
    }

    fn model_of(s: &crate::io::ImportedSheet) -> GridModel {
        GridModel::new(
            &s.sheet,
            s.layout.as_ref(),
            s.plan.as_ref(),
            &HashSet::new(),
        )
    }

    /// The sheet column each display column shows, as letters (`+` for a completion column).
    fn sources(model: &GridModel) -> String {
        (0..model.width())
            .map(|c| {
                model
                    .source_col(c)
                    .map_or('+', |s| char::from(b'A' + s as u8))
            })
            .collect()
    }

    /// The letters and texts of one displayed row.
    fn shown(
        model: &GridModel,
        s: &crate::io::ImportedSheet,
        results: Option<&PlanResults>,
        r: usize,
    ) -> Vec<(String, String)> {
        model.window(&s.sheet, results, r..r + 1)[0]
            .cells
            .iter()
            .map(|c| (c.letters.clone(), c.text.clone()))
            .collect()
    }

    /// Two years of actuals: each year's 实现程度 and 状态 right after its actual, the columns
    /// after them shifted; the sheet's own columns keep their indices for edits.
    const TWO_YEARS: &str = "序号,指标名称,单位,2020年,2025年,2021年实际,2022年实际,备注\n\
        1,森林覆盖率,%,60,70,62,63,甲\n\
        2,人均GDP,元,30000,50000,34000,,乙\n";

    /// The first actual of a year typed adds that year's completion columns: the columns after
    /// them move two to the right, and what was kept by display column follows them.
    #[test]
    fn columns_that_move_when_a_year_gains_its_completion_are_followed() {
        let before = open(
            "序号,指标名称,单位,2020年,2025年,2021年实际,2022年实际,备注\n\
             1,森林覆盖率,%,60,70,62,,甲\n",
        );
        let after = open(TWO_YEARS);
        let (kb, ka) = (
            model_of(&before).column_keys(),
            model_of(&after).column_keys(),
        );
        // Before: A–E, F 2021 actual, G–H its completion, I 2022 actual, J 备注.
        assert_eq!(kb.len(), 10);
        assert_eq!(kb[9], ColumnKey::Sheet(7));
        assert_eq!(ka[11], ColumnKey::Sheet(7));
        assert_eq!(
            ka[9],
            ColumnKey::Completion(2022, appended::Kind::Realization)
        );
        let moved = moved_columns(&kb, &ka).expect("columns moved");
        assert_eq!(moved.get(&9), Some(&11), "备注 from J to L");
        assert_eq!(moved.get(&7), Some(&7), "2021年状态 stays at H");
        assert_eq!(moved.get(&8), Some(&8), "2022年实际 stays at I");
        assert_eq!(moved.len(), 10);
        assert_eq!(moved_columns(&ka, &ka), None);
        // Back (the actual deleted): the 2022 completion columns are gone, 备注 back to J.
        let back = moved_columns(&ka, &kb).expect("columns moved");
        assert_eq!(back.get(&11), Some(&9));
        assert_eq!(back.get(&9), None);
    }

    /// The completion columns speak the page's language; the file's own cells stay as given.
    #[test]
    fn completion_columns_speak_the_pages_language() {
        let s = open(TWO_YEARS);
        let results = plan::compute(s.plan.as_ref().expect("plan"), &plan::Options::default());
        let (zh, en) = (model_of(&s), model_of(&s).in_lang(Lang::En));
        let head = |m: &GridModel| shown(m, &s, Some(&results), 0);
        assert_eq!(head(&zh)[7].1, "2021年状态");
        assert_eq!(head(&en)[6].1, "2021 realization (%)");
        assert_eq!(head(&en)[7].1, "2021 status");
        assert_eq!(head(&en)[5].1, "2021年实际");
        // 森林覆盖率 60 → 70 over 2020–2025, linear: 2021's target is 62, the actual 62 meets
        // it and not yet T, so 达到序时进度.
        assert_eq!(zh.text(&s.sheet, Some(&results), 1, 7), "达到序时进度");
        assert_eq!(en.text(&s.sheet, Some(&results), 1, 7), "on schedule");
        assert_eq!(
            en.text(&s.sheet, Some(&results), 1, 6),
            zh.text(&s.sheet, Some(&results), 1, 6)
        );
    }

    #[test]
    fn each_years_completion_sits_right_after_its_actual() {
        let s = open(TWO_YEARS);
        let layout = s.layout.as_ref().expect("table");
        let plan = s.plan.as_ref().expect("plan");
        assert_eq!(
            layout.actual_cols().into_iter().collect::<Vec<_>>(),
            [(2021, 5), (2022, 6)]
        );
        let results = plan::compute(plan, &plan::Options::default());
        let model = model_of(&s);
        assert_eq!(model.sheet_width, 8);
        assert_eq!(model.width(), 12);
        // A–E as in the file; F 2021 actual, G–H its completion; I 2022 actual, J–K; L 备注.
        let head: Vec<String> = shown(&model, &s, Some(&results), 0)
            .into_iter()
            .map(|(l, t)| format!("{l}:{t}"))
            .collect();
        assert_eq!(
            head,
            [
                "A:序号",
                "B:指标名称",
                "C:单位",
                "D:2020年",
                "E:2025年",
                "F:2021年实际",
                "G:2021年实现程度(%)",
                "H:2021年状态",
                "I:2022年实际",
                "J:2022年实现程度(%)",
                "K:2022年状态",
                "L:备注",
            ]
        );
        let row = shown(&model, &s, Some(&results), 1);
        assert_eq!(row[5], ("F".into(), "62".into()));
        assert_eq!(row[8], ("I".into(), "63".into()));
        assert_eq!(row[11], ("L".into(), "甲".into()));
        // 2021: (62 − 60) / (70 − 60) over a fifth of the way → 20 % of the path reached.
        let r2021 = model.text(&s.sheet, Some(&results), 1, 6);
        assert_eq!(
            r2021,
            appended::cell(&results.indicators[0], 2021, appended::Kind::Realization)
                .expect("a realization")
                .text
        );
        assert_eq!(row[6].1, r2021);
        assert!(
            !model.is_blank(&s.sheet, Some(&results), 1, 7),
            "H2 has a status"
        );
        // Row 3 has no 2022 actual: its 2022 status is 无数据 or nothing, never the 备注.
        assert_eq!(model.text(&s.sheet, Some(&results), 2, 11), "乙");
        // Display ↔ sheet columns.
        assert_eq!(sources(&model), "ABCDEF++G++H");
        assert_eq!(model.display_col(7), 11);
        assert_eq!(model.display_col(6), 8);
        assert_eq!(model.source_col_near(7), 5);
        // Past the grid the sheet's columns continue (a paste reaching beyond it).
        assert_eq!(model.source_col(12), Some(8));
        assert_eq!(model.completion_col(2022, appended::Kind::Status), Some(10));
        // Find and filter see the display's columns.
        let hits = super::super::find::find_all(&model, &s.sheet, Some(&results), "甲");
        assert_eq!(hits, [(1, 11)]);
        let values = super::super::filter::column_values(&model, &s.sheet, Some(&results), 11);
        assert_eq!(values[0].1, 1);
        assert!(values.iter().any(|(v, _)| v == "乙"));
    }

    #[test]
    fn a_plan_without_actuals_keeps_the_files_order() {
        let s = open(
            "序号,指标名称,单位,2020年,2025年,备注\n\
             1,森林覆盖率,%,60,70,甲\n",
        );
        let model = model_of(&s);
        assert_eq!(model.width(), model.sheet_width);
        assert!((0..model.width()).all(|c| model.source_col(c) == Some(c)));
        let letters: Vec<String> = shown(&model, &s, None, 1)
            .into_iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(letters, ["A", "B", "C", "D", "E", "F"]);
    }

    #[test]
    fn actuals_in_a_block_after_the_targets_each_get_their_completion() {
        let s = open(
            "序号,指标名称,单位,2020年,2021年目标,2022年目标,2025年,2021年实际,2022年实际,责任单位\n\
             1,森林覆盖率,%,60,62,64,70,62,63,县林业局\n",
        );
        let layout = s.layout.as_ref().expect("table");
        assert_eq!(
            layout.actual_cols().into_iter().collect::<Vec<_>>(),
            [(2021, 7), (2022, 8)]
        );
        let model = model_of(&s);
        assert_eq!(sources(&model), "ABCDEFGH++I++J");
        let head: Vec<String> = shown(&model, &s, None, 0)
            .into_iter()
            .map(|c| c.1)
            .collect();
        assert_eq!(head[8], "2021年实现程度(%)");
        assert_eq!(head[12], "2022年状态");
        assert_eq!(head[13], "责任单位");
    }

    #[test]
    fn a_merge_is_never_split_and_a_title_across_the_table_spans_the_completion_columns() {
        let mut s = open(
            "青岚县指标,,,,,,,\n\
             序号,指标名称,单位,2020年,2025年,2021年实际,说明,备注\n\
             1,森林覆盖率,%,60,70,62,见附件,甲\n",
        );
        let layout = s.layout.clone().expect("table");
        assert_eq!(layout.header_first, 1);
        let merge = |first_row, first_col, last_row, last_col| crate::table::grid::Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        };
        // The title over A1:H1; the actual merged with its note in the body (F3:G3).
        s.sheet.merges = vec![merge(0, 0, 0, 7), merge(2, 5, 2, 6)];
        let model = model_of(&s);
        // The completion columns come after G (the body merge F:G is kept whole).
        assert_eq!(sources(&model), "ABCDEFG++H");
        // The title spans all ten display columns, and no completion cell shows beside it.
        let title = &model.window(&s.sheet, None, 0..1)[0].cells;
        assert_eq!(title.len(), 1);
        assert_eq!(title[0].colspan, 10);
        assert_eq!(model.merge_span(0, 0), Some((10, 1)));
        assert!(model.is_covered(0, 7));
        assert_eq!(model.anchor_of(0, 9), (0, 0));
        let body = &model.window(&s.sheet, None, 2..3)[0].cells;
        let f = body.iter().find(|c| c.letters == "F").expect("F3");
        assert_eq!(f.colspan, 2);
        assert_eq!(
            body.iter().map(|c| c.letters.as_str()).collect::<Vec<_>>(),
            ["A", "B", "C", "D", "E", "F", "H", "I", "J"]
        );
    }
}
