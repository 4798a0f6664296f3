//! App state and the view model of the grid, in plain Rust so it is tested natively.
//!
//! The Leptos components hold a [`Doc`] in a signal and render [`grid_view`]; nothing here
//! knows about the DOM.

use crate::io::appended;
use crate::io::detect::Layout;
use crate::io::grid::{col_letters, Sheet};
use crate::io::{xlsx, Imported};
use crate::plan::{self, Direction, Method, Plan, PlanResults, Source, Status};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The document the user works on: an imported workbook and the sheet on screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    /// The name of the file it came from.
    pub file_name: String,
    pub imported: Imported,
    /// The index of the sheet on screen.
    pub active: usize,
}

impl Doc {
    /// A document showing the first indicator table of an import.
    pub fn new(file_name: String, imported: Imported) -> Self {
        let active = imported.first_table().unwrap_or(0);
        Self {
            file_name,
            imported,
            active,
        }
    }

    /// The sheet on screen with its layout and plan.
    pub fn active_sheet(&self) -> Option<(&Sheet, Option<&Layout>, Option<&Plan>)> {
        self.imported
            .sheets
            .get(self.active)
            .map(|s| (&s.sheet, s.layout.as_ref(), s.plan.as_ref()))
    }

    /// The names of the sheets that hold an indicator table, with their indices.
    pub fn table_sheets(&self) -> Vec<(usize, String)> {
        self.imported
            .sheets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.plan.is_some())
            .map(|(i, s)| (i, s.sheet.name.clone()))
            .collect()
    }

    /// Computes the results of the active sheet's plan.
    pub fn results(&self) -> Option<PlanResults> {
        let (_, _, plan) = self.active_sheet()?;
        Some(plan::compute(plan?, &plan::Options::default()))
    }

    /// The index of the active plan's indicator on a 1-based source row.
    pub fn indicator_at_row(&self, row: u32) -> Option<usize> {
        let (_, _, plan) = self.active_sheet()?;
        plan?.indicators.iter().position(|i| i.row == row)
    }

    fn plan_mut(&mut self, sheet: usize) -> Option<&mut Plan> {
        self.imported.sheets.get_mut(sheet)?.plan.as_mut()
    }

    /// Applies an edit and returns the edit that undoes it, or `None` when it did not apply or
    /// changed nothing (so a repeated event never puts a no-op on the undo stack).
    pub fn apply(&mut self, edit: Edit) -> Option<Edit> {
        let inverse = self.apply_raw(edit.clone())?;
        (inverse != edit).then_some(inverse)
    }

    fn apply_raw(&mut self, edit: Edit) -> Option<Edit> {
        let plan = self.plan_mut(edit.sheet())?;
        let inverse = match edit {
            Edit::Direction {
                sheet,
                indicator,
                value,
            } => {
                let slot = &mut plan.indicators.get_mut(indicator)?.overrides.direction;
                let old = std::mem::replace(slot, value);
                Edit::Direction {
                    sheet,
                    indicator,
                    value: old,
                }
            }
            Edit::Method {
                sheet,
                indicator,
                value,
            } => {
                let slot = &mut plan.indicators.get_mut(indicator)?.overrides.method;
                let old = std::mem::replace(slot, value);
                Edit::Method {
                    sheet,
                    indicator,
                    value: old,
                }
            }
            Edit::Decimals {
                sheet,
                indicator,
                value,
            } => {
                let slot = &mut plan.indicators.get_mut(indicator)?.overrides.decimals;
                let old = std::mem::replace(slot, value.map(|d| d.min(4)));
                Edit::Decimals {
                    sheet,
                    indicator,
                    value: old,
                }
            }
            Edit::Cap { sheet, value } => {
                let old = std::mem::replace(&mut plan.settings.cap, value);
                Edit::Cap { sheet, value: old }
            }
        };
        Some(inverse)
    }

    /// The filled workbook of every sheet that holds a table.
    ///
    /// # Errors
    /// [`crate::error::ExportError`] when the writer fails.
    pub fn export_xlsx(&self) -> Result<Vec<u8>, crate::error::ExportError> {
        let computed: Vec<_> = self
            .imported
            .sheets
            .iter()
            .filter_map(|s| {
                let (layout, plan) = (s.layout.as_ref()?, s.plan.as_ref()?);
                Some((
                    s,
                    layout,
                    plan,
                    plan::compute(plan, &plan::Options::default()),
                ))
            })
            .collect();
        let sheets: Vec<xlsx::SheetExport<'_>> = computed
            .iter()
            .map(|(s, layout, plan, results)| xlsx::SheetExport {
                sheet: &s.sheet,
                layout,
                plan,
                results,
            })
            .collect();
        xlsx::export(&sheets)
    }

    /// The name of the exported workbook: the source's stem with a suffix.
    pub fn export_name(&self) -> String {
        let stem = self
            .file_name
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or(&self.file_name);
        format!("{stem}-测算.xlsx")
    }
}

/// A change the user makes to the document; [`Doc::apply`] returns its inverse for undo.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    /// Override (or, with `None`, restore) an indicator's direction.
    Direction {
        sheet: usize,
        indicator: usize,
        value: Option<Direction>,
    },
    /// Override an indicator's method.
    Method {
        sheet: usize,
        indicator: usize,
        value: Option<Method>,
    },
    /// Override an indicator's decimals (0–4).
    Decimals {
        sheet: usize,
        indicator: usize,
        value: Option<u8>,
    },
    /// Change the realization cap of a sheet's plan (`None`: no cap).
    Cap { sheet: usize, value: Option<f64> },
}

impl Edit {
    /// The sheet the edit applies to.
    pub fn sheet(&self) -> usize {
        match self {
            Self::Direction { sheet, .. }
            | Self::Method { sheet, .. }
            | Self::Decimals { sheet, .. }
            | Self::Cap { sheet, .. } => *sheet,
        }
    }
}

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
        }
    }
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

/// The cells the grid shows: the source sheet with the engine's yearly targets filled in.
pub fn grid_view(
    sheet: &Sheet,
    layout: Option<&Layout>,
    plan: Option<&Plan>,
    results: Option<&PlanResults>,
) -> Vec<GridRow> {
    let width = sheet.width();
    let mut covered: HashMap<(usize, usize), (u32, u32)> = HashMap::new();
    for m in &sheet.merges {
        for r in m.first_row..=m.last_row {
            for c in m.first_col..=m.last_col {
                covered.insert((r as usize, c as usize), (0, 0));
            }
        }
        covered.insert(
            (m.first_row as usize, m.first_col as usize),
            (m.last_col - m.first_col + 1, m.last_row - m.first_row + 1),
        );
    }
    let mut filled: HashMap<(usize, usize), (String, CellSource)> = HashMap::new();
    if let (Some(layout), Some(plan), Some(results)) = (layout, plan, results) {
        let yearly_cols = layout.yearly_cols();
        for (indicator, result) in plan.indicators.iter().zip(&results.indicators) {
            let row = indicator.row.saturating_sub(1) as usize;
            for (year, target) in &result.yearly {
                let (Some(&col), false) = (yearly_cols.get(year), target.source == Source::Given)
                else {
                    continue;
                };
                let source = match target.source {
                    Source::Manual => CellSource::Manual,
                    _ => CellSource::Computed,
                };
                filled.insert((row, col), (target.shown.clone(), source));
            }
        }
    }
    let extra = match (layout, plan, results) {
        (Some(l), Some(p), Some(r)) => appended::columns(l, p, r),
        _ => Vec::new(),
    };
    let kind_of = |r: usize| match layout {
        Some(l) if r < l.header_first => RowKind::Title,
        Some(l) if r <= l.header_last => RowKind::Header,
        Some(l) if r <= l.data_last => RowKind::Body,
        Some(_) => RowKind::After,
        None => RowKind::Body,
    };
    (0..sheet.rows.len())
        .map(|r| {
            let kind = kind_of(r);
            let mut cells: Vec<GridCell> = (0..width)
                .filter_map(|c| {
                    let (colspan, rowspan) = covered.get(&(r, c)).copied().unwrap_or((1, 1));
                    if colspan == 0 {
                        return None;
                    }
                    let (text, source) = filled
                        .remove(&(r, c))
                        .unwrap_or_else(|| (sheet.display(r, c), CellSource::File));
                    Some(GridCell {
                        colspan,
                        rowspan,
                        ..GridCell::new(c, text, source)
                    })
                })
                .collect();
            if let Some(l) = layout {
                cells.extend(appended_cells(&extra, l, r, width));
            }
            GridRow {
                row: u32::try_from(r + 1).unwrap_or(u32::MAX),
                kind,
                cells,
            }
        })
        .collect()
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

/// The completion cells of row `r`, to the right of the sheet's `width` columns.
fn appended_cells(
    extra: &[appended::Column],
    layout: &Layout,
    r: usize,
    width: usize,
) -> Vec<GridCell> {
    let header_rows = layout.header_last - layout.header_first + 1;
    extra
        .iter()
        .enumerate()
        .filter_map(|(i, column)| {
            let col = width + i;
            if r == layout.header_first {
                return Some(GridCell {
                    rowspan: u32::try_from(header_rows).unwrap_or(1),
                    ..GridCell::new(col, column.title_zh(), CellSource::Computed)
                });
            }
            if r < layout.header_first || r <= layout.header_last || r > layout.data_last {
                return None;
            }
            let cell = column.cells.get(&r);
            Some(GridCell {
                status: cell.and_then(|c| c.status),
                bar: cell.and_then(|c| c.value),
                ..GridCell::new(
                    col,
                    cell.map(|c| c.text.clone()).unwrap_or_default(),
                    CellSource::Computed,
                )
            })
        })
        .collect()
}

/// The figures of the summary view for one assessment year.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub year: plan::Year,
    pub overall: Option<String>,
    /// (category, shown realization), in the plan's order.
    pub categories: Vec<(String, String)>,
    /// (unit, score value, shown score, indicators counted), best first.
    pub units: Vec<(String, f64, String, usize)>,
    /// How many indicators have each status this year.
    pub counts: Vec<(Status, usize)>,
    /// The indicators behind schedule: (seq, name, shown realization, lead units).
    pub lagging: Vec<(String, String, String, String)>,
}

/// The years that can be assessed (those with any actual), ascending.
pub fn assessment_years(results: &PlanResults) -> Vec<plan::Year> {
    results.assessment.keys().copied().collect()
}

/// The summary of one year.
pub fn summary(plan: &Plan, results: &PlanResults, year: plan::Year) -> Summary {
    let assessment = results.assessment.get(&year);
    let mut categories: Vec<(String, String)> = Vec::new();
    if let Some(a) = assessment {
        for i in &plan.indicators {
            let key = plan::score::fold(&i.category);
            if let Some(shown) = a.categories.get(&key) {
                if !categories.iter().any(|(c, _)| *c == key) {
                    categories.push((key, shown.shown.clone()));
                }
            }
        }
    }
    let mut units: Vec<(String, f64, String, usize)> = assessment
        .map(|a| {
            a.units
                .iter()
                .map(|(u, s)| (u.clone(), s.score.value, s.score.shown.clone(), s.count))
                .collect()
        })
        .unwrap_or_default();
    units.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let statuses: Vec<Status> = results
        .indicators
        .iter()
        .filter_map(|r| r.status.get(&year).copied())
        .collect();
    let counts = [
        Status::Met,
        Status::OnTrack,
        Status::Lagging,
        Status::NoData,
    ]
    .into_iter()
    .map(|s| (s, statuses.iter().filter(|x| **x == s).count()))
    .collect();
    let lagging = plan
        .indicators
        .iter()
        .zip(&results.indicators)
        .filter(|(_, r)| r.status.get(&year) == Some(&Status::Lagging))
        .map(|(i, r)| {
            (
                i.seq.clone(),
                i.name.clone(),
                r.realization
                    .get(&year)
                    .map(|s| s.shown.clone())
                    .unwrap_or_default(),
                i.lead_units.clone(),
            )
        })
        .collect();
    Summary {
        year,
        overall: assessment
            .and_then(|a| a.overall.as_ref())
            .map(|s| s.shown.clone()),
        categories,
        units,
        counts,
        lagging,
    }
}

/// One row of the next-year view.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftRow {
    pub seq: String,
    pub name: String,
    pub unit: String,
    pub method: plan::Method,
    pub draft: plan::Draft,
    pub decimals: u8,
}

/// The drafts of every indicator that has one, starting from the assessment year `year`.
pub fn drafts(plan: &Plan, year: plan::Year) -> Vec<DraftRow> {
    let results = plan::compute(
        plan,
        &plan::Options {
            assessment_year: Some(year),
        },
    );
    plan.indicators
        .iter()
        .zip(results.indicators)
        .filter_map(|(i, r)| {
            Some(DraftRow {
                seq: i.seq.clone(),
                name: i.name.clone(),
                unit: i.unit.clone(),
                method: r.method,
                decimals: r.decimals,
                draft: r.draft.filter(|d| d.from_year == year)?,
            })
        })
        .collect()
}
