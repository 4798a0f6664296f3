//! The view model of the grid: which cells show, with what source, status and width, for the
//! rows on screen only.

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
    fn new(col: usize, text: String, source: CellSource) -> Self {
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
/// whose text reads as no number on the row of a quantitative indicator (one whose base or
/// target is a number): `abc` typed as an actual. A qualitative indicator's words (`完成`) are
/// its values and are never flagged.
pub fn not_numbers(layout: &Layout, plan: &Plan) -> HashSet<(usize, usize)> {
    let is_text = |g: &plan::Given| matches!(g.value, plan::Value::Text { .. });
    let quantitative = |ind: &plan::Indicator| {
        [&ind.base, &ind.target]
            .iter()
            .any(|g| !matches!(g.value, plan::Value::Text { .. } | plan::Value::Empty))
    };
    let (base, target) = (layout.col(Role::Base), layout.col(Role::Target));
    let (yearly, actual) = (layout.yearly_cols(), layout.actual_cols());
    let mut out = HashSet::new();
    for ind in plan.indicators.iter().filter(|i| quantitative(i)) {
        let row = ind.row.saturating_sub(1) as usize;
        let mut flag = |col: Option<usize>, given: Option<&plan::Given>| {
            if let (Some(col), Some(true)) = (col, given.map(is_text)) {
                out.insert((row, col));
            }
        };
        flag(base, Some(&ind.base));
        flag(target, Some(&ind.target));
        for (year, col) in &yearly {
            flag(Some(*col), ind.yearly.get(year));
        }
        for (year, col) in &actual {
            flag(Some(*col), ind.actual.get(year));
        }
    }
    out
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
    /// The plan's indicator on each 0-based row, as an index into the results.
    by_row: HashMap<usize, usize>,
    /// The year of each yearly-target column.
    yearly_cols: HashMap<usize, plan::Year>,
    /// Cells the user typed.
    typed: HashSet<(usize, usize)>,
    /// Cells of value columns that hold no number where one is expected ([`not_numbers`]).
    invalid: HashSet<(usize, usize)>,
    /// The appended completion columns: (year, kind). Their cells come from the results when
    /// a row is shown, so an edit never rebuilds them for every row.
    extra: Vec<(plan::Year, appended::Kind)>,
    header_first: usize,
    header_last: usize,
    has_layout: bool,
    /// How many columns from the left stay frozen (序号 … 指标名称).
    pub frozen: usize,
}

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
            _ => HashSet::new(),
        };
        let (by_row, yearly_cols, extra) = match (layout, plan) {
            (Some(layout), Some(plan)) => {
                let by_row = plan
                    .indicators
                    .iter()
                    .enumerate()
                    .map(|(i, ind)| (ind.row.saturating_sub(1) as usize, i))
                    .collect();
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
        let (header_first, header_last, data_last) = layout
            .map(|l| (l.header_first, l.header_last, l.data_last))
            .unwrap_or((0, 0, sheet.rows.len().saturating_sub(1)));
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
            extra,
            header_first,
            header_last,
            has_layout: layout.is_some(),
            frozen,
        }
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
        self.anchors
            .get(&(r, c))
            .map(|&(colspan, last)| (colspan, last.saturating_sub(r) + 1))
    }

    /// The top-left cell of the merged range covering (r, c), or (r, c) itself.
    pub fn anchor_of(&self, r: usize, c: usize) -> (usize, usize) {
        self.covered.get(&(r, c)).copied().unwrap_or((r, c))
    }

    /// Whether (r, c) is inside a merged range but not its top-left cell.
    pub fn is_covered(&self, r: usize, c: usize) -> bool {
        self.covered.contains_key(&(r, c))
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
        if self.covered.contains_key(&(r, c)) {
            return true;
        }
        let result = self.result(results, r);
        if c >= self.sheet_width {
            return self
                .extra
                .get(c - self.sheet_width)
                .and_then(|&(year, kind)| appended::cell(result?, year, kind))
                .is_none_or(|cell| cell.text.trim().is_empty());
        }
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
        self.filled(self.result(results, r), c).is_some()
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
                for c in 0..self.sheet_width {
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
                        colspan,
                        rowspan,
                        invalid: self.invalid.contains(&(r, c)),
                        ..GridCell::new(c, text, source)
                    });
                }
                cells.extend(self.appended_cells(result, r));
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
        results?.indicators.get(*self.by_row.get(&r)?)
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

    /// The completion cells of row `r`, to the right of the sheet's columns.
    fn appended_cells(&self, result: Option<&plan::IndicatorResult>, r: usize) -> Vec<GridCell> {
        let header_rows = self.header_last - self.header_first + 1;
        self.extra
            .iter()
            .enumerate()
            .filter_map(|(i, &(year, kind))| {
                let col = self.sheet_width + i;
                if r == self.header_first {
                    return Some(GridCell {
                        rowspan: u32::try_from(header_rows).unwrap_or(1),
                        ..GridCell::new(col, appended::title_zh(year, kind), CellSource::Computed)
                    });
                }
                if r > self.header_first && r <= self.header_last {
                    // Under the title's row span.
                    return None;
                }
                if r < self.header_first || r > self.data_last {
                    return Some(GridCell::new(col, String::new(), CellSource::File));
                }
                let cell = result.and_then(|res| appended::cell(res, year, kind));
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
            .collect()
    }

    /// The text a cell shows (for copying), `""` outside the grid.
    pub fn text(&self, sheet: &Sheet, results: Option<&PlanResults>, r: usize, c: usize) -> String {
        let result = self.result(results, r);
        if c >= self.sheet_width {
            return self
                .extra
                .get(c - self.sheet_width)
                .and_then(|&(year, kind)| appended::cell(result?, year, kind))
                .map(|cell| cell.text)
                .unwrap_or_default();
        }
        match self.filled(result, c) {
            Some((text, _)) => text,
            None => sheet.display(r, c),
        }
    }
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
        let expected: HashSet<(usize, usize)> = [(1, 5), (3, 4)].into_iter().collect();
        assert_eq!(flagged, expected);
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
}
