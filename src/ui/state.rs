//! App state and the view model of the grid, in plain Rust so it is tested natively.
//!
//! The Leptos components hold a [`Doc`] in a signal and render [`grid_view`]; nothing here
//! knows about the DOM.

use crate::io::appended;
use crate::io::{xlsx, Imported};
use crate::plan::{self, Direction, Method, Plan, PlanResults, RawCell, Source, Status};
use crate::table::detect::{Layout, Role};
use crate::table::grid::{col_letters, Sheet};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The document the user works on: an imported workbook and the sheet on screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    /// The name of the file it came from.
    pub file_name: String,
    pub imported: Imported,
    /// The index of the sheet on screen.
    pub active: usize,
    /// Cells the user typed: (sheet, row, col), 0-based.
    #[serde(default)]
    pub typed: std::collections::BTreeSet<(usize, usize, usize)>,
    /// Sheets the app made by combining sheets that share one layout (not in the file, so
    /// not exported).
    #[serde(default)]
    pub combined: std::collections::BTreeSet<usize>,
}

impl Doc {
    /// A document showing the first indicator table of an import. Sheets that share one
    /// layout (one per county or department) are also offered combined, as one more sheet.
    pub fn new(file_name: String, mut imported: Imported) -> Self {
        let active = imported.first_table().unwrap_or(0);
        let mut combined = std::collections::BTreeSet::new();
        for group in crate::io::combine::shared_layout_groups(&imported) {
            if let Some(sheet) = crate::io::combine::combine(&imported, &group) {
                combined.insert(imported.sheets.len());
                imported.sheets.push(sheet);
            }
        }
        Self {
            file_name,
            imported,
            active,
            typed: Default::default(),
            combined,
        }
    }

    /// The typed cells of the active sheet, as (row, col).
    pub fn typed_cells(&self) -> HashSet<(usize, usize)> {
        self.typed
            .iter()
            .filter(|(s, _, _)| *s == self.active)
            .map(|(_, r, c)| (*r, *c))
            .collect()
    }

    /// The sheet on screen with its layout and plan.
    pub fn active_sheet(&self) -> Option<(&Sheet, Option<&Layout>, Option<&Plan>)> {
        self.imported
            .sheets
            .get(self.active)
            .map(|s| (&s.sheet, s.layout.as_ref(), s.plan.as_ref()))
    }

    /// Every sheet as a tab: its index, its name and whether it holds an indicator table.
    pub fn sheet_tabs(&self) -> Vec<(usize, String, bool)> {
        self.imported
            .sheets
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.sheet.name.clone(), s.plan.is_some()))
            .collect()
    }

    /// Computes the results of the active sheet's plan.
    pub fn results(&self) -> Option<PlanResults> {
        let (_, _, plan) = self.active_sheet()?;
        Some(plan::compute(plan?, &plan::Options::default()))
    }

    /// The cells of the active plan's indicator `index` that the indicator panel edits: the
    /// base and target cells and the yearly target and actual cells, each with its text.
    pub fn indicator_cells(&self, index: usize) -> Option<IndicatorCells> {
        use crate::table::detect::Role;
        let (sheet, layout, plan) = self.active_sheet()?;
        let (layout, ind) = (layout?, plan?.indicators.get(index)?);
        let row = (ind.row as usize).checked_sub(1)?;
        // The text as the grid shows it (and as its editor starts from).
        let cell = |col: usize| PanelCell {
            row,
            col,
            text: sheet.display(row, col),
        };
        let by_year = |actual: bool| {
            layout
                .columns
                .iter()
                .filter_map(|c| match c.role {
                    Role::Yearly(y) if !actual => Some((y, cell(c.col))),
                    Role::Actual(y) if actual => Some((y, cell(c.col))),
                    _ => None,
                })
                .collect()
        };
        Some(IndicatorCells {
            base: layout.col(Role::Base).map(cell),
            target: layout.col(Role::Target).map(cell),
            yearly: by_year(false),
            actual: by_year(true),
        })
    }

    /// The indicators of the active plan an edit (already applied) can have changed; `None`
    /// when it can have changed anything (a setting, the layout, another sheet).
    pub fn touched(&self, edit: &Edit) -> Option<Vec<usize>> {
        if edit.sheet() != self.active {
            return None;
        }
        match edit {
            Edit::Direction { indicator, .. }
            | Edit::Method { indicator, .. }
            | Edit::Decimals { indicator, .. }
            | Edit::BaseYear { indicator, .. }
            | Edit::TargetYear { indicator, .. } => Some(vec![*indicator]),
            Edit::Cell { row, .. } => {
                let row = u32::try_from(*row + 1).ok()?;
                Some(self.indicator_at_row(row).into_iter().collect())
            }
            Edit::Batch(edits) => {
                let mut all = Vec::new();
                for e in edits {
                    all.extend(self.touched(e)?);
                }
                all.sort_unstable();
                all.dedup();
                Some(all)
            }
            Edit::Cap { .. } | Edit::Layout { .. } | Edit::Unmark { .. } => None,
        }
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
        let empty_batch = matches!(&inverse, Edit::Batch(v) if v.is_empty());
        (inverse != edit && !empty_batch).then_some(inverse)
    }

    fn apply_raw(&mut self, edit: Edit) -> Option<Edit> {
        match edit {
            Edit::Batch(edits) => {
                let mut inverses: Vec<Edit> = edits
                    .into_iter()
                    .filter_map(|e| self.apply_raw(e))
                    .collect();
                inverses.reverse();
                return Some(Edit::Batch(inverses));
            }
            Edit::Cell {
                sheet,
                row,
                col,
                raw,
                typed,
            } => return self.set_cell(sheet, row, col, raw, typed),
            Edit::Layout { sheet, layout } => return self.set_layout(sheet, *layout),
            Edit::Unmark { sheet } => {
                let imported = self.imported.sheets.get_mut(sheet)?;
                imported.plan = None;
                let old = imported.layout.take()?;
                return Some(Edit::Layout {
                    sheet,
                    layout: Box::new(old),
                });
            }
            _ => {}
        }
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
            Edit::BaseYear {
                sheet,
                indicator,
                value,
            } => {
                let slot = &mut plan.indicators.get_mut(indicator)?.overrides.base_year;
                let old = std::mem::replace(slot, value.filter(|y| plausible_year(*y)));
                Edit::BaseYear {
                    sheet,
                    indicator,
                    value: old,
                }
            }
            Edit::TargetYear {
                sheet,
                indicator,
                value,
            } => {
                let slot = &mut plan.indicators.get_mut(indicator)?.overrides.target_year;
                let old = std::mem::replace(slot, value.filter(|y| plausible_year(*y)));
                Edit::TargetYear {
                    sheet,
                    indicator,
                    value: old,
                }
            }
            Edit::Cap { sheet, value } => {
                let old = std::mem::replace(&mut plan.settings.cap, value);
                Edit::Cap { sheet, value: old }
            }
            Edit::Cell { .. } | Edit::Batch(_) | Edit::Layout { .. } | Edit::Unmark { .. } => {
                return None
            }
        };
        Some(inverse)
    }

    /// Replaces a sheet's layout and rebuilds its plan, keeping what the user set.
    fn set_layout(&mut self, sheet: usize, layout: Layout) -> Option<Edit> {
        let typed: Vec<(usize, usize)> = self
            .typed
            .iter()
            .filter(|(s, _, _)| *s == sheet)
            .map(|(_, r, c)| (*r, *c))
            .collect();
        let imported = self.imported.sheets.get_mut(sheet)?;
        let mut plan = crate::table::detect::build_plan(&imported.sheet, &layout);
        if let Some(old) = imported.plan.as_ref() {
            plan.settings = old.settings.clone();
            for ind in &mut plan.indicators {
                if let Some(prev) = old.indicators.iter().find(|i| i.row == ind.row) {
                    ind.overrides = prev.overrides.clone();
                }
            }
        }
        for (row, col) in typed {
            refresh_indicator(&imported.sheet, &layout, &mut plan, row, col, true);
        }
        let old = imported.layout.replace(layout);
        imported.plan = Some(plan);
        Some(match old {
            Some(old) => Edit::Layout {
                sheet,
                layout: Box::new(old),
            },
            None => Edit::Unmark { sheet },
        })
    }

    /// Sets one cell of a sheet and updates the indicator of its row.
    fn set_cell(
        &mut self,
        sheet: usize,
        row: usize,
        col: usize,
        raw: RawCell,
        typed: bool,
    ) -> Option<Edit> {
        let was_typed = self.typed.contains(&(sheet, row, col));
        let imported = self.imported.sheets.get_mut(sheet)?;
        let layout = imported.layout.as_ref()?;
        // Cells of the table: its header band (a column the user adds is named there) and its
        // data rows, in its columns or the one after the last.
        if row > layout.data_last || row < layout.header_first || col > imported.sheet.width() {
            return None;
        }
        let rows = &mut imported.sheet.rows;
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let cells = rows.get_mut(row)?;
        if cells.len() <= col {
            cells.resize(col + 1, RawCell::Empty);
        }
        let old = std::mem::replace(cells.get_mut(col)?, raw);
        if typed {
            self.typed.insert((sheet, row, col));
        } else {
            self.typed.remove(&(sheet, row, col));
        }
        if let Some(plan) = imported.plan.as_mut() {
            refresh_indicator(&imported.sheet, layout, plan, row, col, typed);
        }
        Some(Edit::Cell {
            sheet,
            row,
            col,
            raw: old,
            typed: was_typed,
        })
    }

    /// The filled workbook of every sheet that holds a table.
    ///
    /// # Errors
    /// [`crate::error::ExportError`] when the writer fails.
    pub fn export_xlsx(&self) -> Result<Vec<u8>, crate::error::ExportError> {
        use crate::pace;
        pace::finish(self.export_xlsx_paced(None, &mut pace::Straight)).unwrap_or_else(|| {
            Err(crate::error::ExportError::Writer {
                detail: "the export waited without a pace".to_string(),
            })
        })
    }

    /// [`Doc::export_xlsx`] in slices: each plan's computation ([`crate::pace::Stage::Compute`])
    /// and the writing ([`crate::pace::Stage::Export`], every
    /// [`crate::pace::STEP`] cells) report to `pace` and await it, so that the page can
    /// paint between slices. The bytes are those of [`Doc::export_xlsx`].
    ///
    /// # Errors
    /// As [`Doc::export_xlsx`].
    pub async fn export_xlsx_paced<P: crate::pace::Pace>(
        &self,
        created_ms: Option<f64>,
        pace: &mut P,
    ) -> Result<Vec<u8>, crate::error::ExportError> {
        use crate::pace::{self, Stage};
        let tables: Vec<_> = self
            .imported
            .sheets
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.combined.contains(i))
            .filter_map(|(_, s)| Some((s, s.layout.as_ref()?, s.plan.as_ref()?)))
            .collect();
        let mut computed = Vec::with_capacity(tables.len());
        for (index, (s, layout, plan)) in tables.iter().enumerate() {
            pace.step(Stage::Compute, pace::fraction(index, tables.len(), 0.0))
                .await;
            let results = Live::new_paced(plan, pace).await.results;
            computed.push((s, layout, plan, results));
        }
        let sheets: Vec<xlsx::SheetExport<'_>> = computed
            .iter()
            .map(|(s, layout, plan, results)| xlsx::SheetExport {
                sheet: &s.sheet,
                layout,
                plan,
                results,
            })
            .collect();
        xlsx::export_paced_at(&sheets, created_ms, pace).await
    }

    /// The source file's name without its extension.
    fn stem(&self) -> &str {
        self.file_name
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or(&self.file_name)
    }

    /// The name of the saved page: the source's stem with a suffix.
    pub fn html_name(&self) -> String {
        format!("{}-指标.html", self.stem())
    }

    /// The name of the exported workbook: the source's stem with a suffix.
    pub fn export_name(&self) -> String {
        format!("{}-测算.xlsx", self.stem())
    }

    /// The name of the exported CSV of 计划明细.
    pub fn csv_name(&self) -> String {
        format!("{}-计划明细.csv", self.stem())
    }

    /// 计划明细 of the sheet on screen (or the first table) as CSV: UTF-8 with a byte-order
    /// mark, figures as shown, texts that a spreadsheet would run as formulas prefixed with `'`.
    /// Only the byte-order mark when no sheet holds a table.
    pub fn export_csv(&self) -> Vec<u8> {
        let sheet = self
            .imported
            .sheets
            .get(self.active)
            .filter(|s| s.plan.is_some())
            .or_else(|| self.imported.sheets.iter().find(|s| s.plan.is_some()));
        match sheet.and_then(|s| s.plan.as_ref()) {
            Some(plan) => {
                let results = plan::compute(plan, &plan::Options::default());
                crate::io::csv_export::detail_csv(&crate::io::formulas::detail(plan, &results))
            }
            None => crate::io::csv_export::BOM.to_vec(),
        }
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
    /// Override an indicator's base year t0 (`None`: back to the cell's or the header's).
    BaseYear {
        sheet: usize,
        indicator: usize,
        value: Option<plan::Year>,
    },
    /// Override an indicator's target year t1.
    TargetYear {
        sheet: usize,
        indicator: usize,
        value: Option<plan::Year>,
    },
    /// Change the realization cap of a sheet's plan (`None`: no cap).
    Cap { sheet: usize, value: Option<f64> },
    /// Set a cell (0-based row and column of the sheet); `typed` marks it as typed by the user.
    Cell {
        sheet: usize,
        row: usize,
        col: usize,
        raw: RawCell,
        typed: bool,
    },
    /// Replace a sheet's layout (the user corrected a column role, a year or the header rows):
    /// the plan is rebuilt from the sheet, keeping each row's overrides and typed cells.
    Layout { sheet: usize, layout: Box<Layout> },
    /// Forget a sheet's table (the undo of 标记表格 on a sheet where none was found): the sheet
    /// shows as a grid only.
    Unmark { sheet: usize },
    /// Several edits as one step (a paste).
    Batch(Vec<Edit>),
}

impl Edit {
    /// The sheet the edit applies to.
    pub fn sheet(&self) -> usize {
        match self {
            Self::Direction { sheet, .. }
            | Self::Method { sheet, .. }
            | Self::Decimals { sheet, .. }
            | Self::BaseYear { sheet, .. }
            | Self::TargetYear { sheet, .. }
            | Self::Cap { sheet, .. }
            | Self::Cell { sheet, .. }
            | Self::Layout { sheet, .. }
            | Self::Unmark { sheet } => *sheet,
            Self::Batch(edits) => edits.first().map(Edit::sheet).unwrap_or(0),
        }
    }
}

/// The results of the plan on screen, kept up to date edit by edit: an edit of one
/// indicator computes that indicator and the scores again, never the whole plan.
#[derive(Clone, Debug, Default)]
pub struct Live {
    pub results: PlanResults,
    /// What the next edit's recomputation keeps from this one.
    memo: plan::Memo,
}

impl Live {
    /// Computes every result of `plan`.
    pub fn new(plan: &Plan) -> Self {
        let mut memo = plan::Memo::default();
        let results = plan::compute_with(plan, &plan::Options::default(), &mut memo);
        Self { results, memo }
    }

    /// [`Live::new`] in slices of [`STEP`](crate::pace::STEP) indicators, reporting to
    /// `pace` between them.
    pub async fn new_paced<P: crate::pace::Pace>(plan: &Plan, pace: &mut P) -> Self {
        use crate::pace::{Stage, STEP};
        let opts = plan::Options::default();
        let years = plan::actual_years(plan);
        let count = plan.indicators.len();
        let mut indicators = Vec::with_capacity(count);
        for index in 0..count {
            if index % STEP == STEP - 1 {
                pace.step(Stage::Compute, index as f64 / count as f64).await;
            }
            indicators.extend(plan::compute_indicator(plan, index, &opts, &years));
        }
        pace.step(Stage::Compute, 1.0).await;
        let assessment = plan::assess(plan, &indicators, &years);
        Self {
            results: PlanResults {
                indicators,
                assessment,
            },
            // Filled from the plan by the first edit's recomputation.
            memo: plan::Memo::default(),
        }
    }

    /// Brings the results up to date with `plan` after an edit that changed the indicators
    /// `changed` (`None`: anything, so everything is computed again).
    pub fn update(&mut self, plan: &Plan, changed: Option<&[usize]>) {
        match changed {
            Some(changed) => plan::recompute_with(
                plan,
                &plan::Options::default(),
                &mut self.results,
                changed,
                &mut self.memo,
            ),
            None => *self = Self::new(plan),
        }
    }
}

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
fn plausible_year(year: plan::Year) -> bool {
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
        raw: RawCell::Text { s: header.clone() },
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
                format: Some(crate::io::xlsx::decimals_format(decimals as u8).into()),
            }
        }
        _ => RawCell::Text { s: t.to_string() },
    }
}

/// Re-reads the field of the indicator on `row` that column `col` holds, after an edit.
fn refresh_indicator(
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
        Role::Target => ind.target = given,
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
    /// The appended completion columns: (year, kind). Their cells come from the results when
    /// a row is shown, so an edit never rebuilds them for every row.
    extra: Vec<(plan::Year, appended::Kind)>,
    header_first: usize,
    header_last: usize,
    has_layout: bool,
    /// Display widths in pixels, one per column (sheet and appended).
    pub widths: Vec<u32>,
    /// How many columns from the left stay frozen (序号 … 指标名称).
    pub frozen: usize,
}

/// The pixel width of a column holding texts of the given display widths.
fn px(width: f64) -> u32 {
    (width * 7.0 + 14.0).clamp(44.0, 320.0) as u32
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
        // Widths from the header, the first and the last rows (long plans grow their numbers).
        let n = sheet.rows.len();
        let sample: Vec<usize> = (header_first..(body_start + 200).min(n))
            .chain(n.saturating_sub(200).max(body_start + 200)..n)
            .collect();
        let mut widths: Vec<u32> = (0..sheet_width)
            .map(|c| {
                let widest = sample
                    .iter()
                    .copied()
                    .filter(|&r| !anchors.contains_key(&(r, c)) && !covered.contains_key(&(r, c)))
                    .map(|r| crate::io::xlsx::text_width(&sheet.display(r, c)))
                    .fold(4.0_f64, f64::max);
                px(widest.min(40.0))
            })
            .collect();
        widths.extend(extra.iter().map(|&(year, kind)| {
            px(crate::io::xlsx::text_width(&appended::title_zh(year, kind)) / 2.0 + 2.0).max(96)
        }));
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
            extra,
            header_first,
            header_last,
            has_layout: layout.is_some(),
            widths,
            frozen,
        }
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

    fn kind(&self, r: usize) -> RowKind {
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
                if r < self.header_first || r <= self.header_last || r > self.data_last {
                    return None;
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

/// The year a view shows: the one the user picked while it can be assessed, else the latest.
pub fn chosen_year(years: &[plan::Year], wanted: Option<plan::Year>) -> Option<plan::Year> {
    wanted
        .filter(|y| years.contains(y))
        .or(years.last().copied())
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
                    categories.push((key, shown.shown()));
                }
            }
        }
    }
    let mut units: Vec<(String, f64, String, usize)> = assessment
        .map(|a| {
            a.units
                .iter()
                .map(|(u, s)| (u.clone(), s.score.value, s.score.shown(), s.count))
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
                    .map(|s| s.shown())
                    .unwrap_or_default(),
                i.lead_units.clone(),
            )
        })
        .collect();
    Summary {
        year,
        overall: assessment
            .and_then(|a| a.overall.as_ref())
            .map(|s| s.shown()),
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

/// What autosave keeps and a saved page embeds: the document, its undo history and the
/// language, so that a reload or a crash loses nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The format version, for later migrations.
    pub version: u32,
    pub doc: Option<Doc>,
    #[serde(default)]
    pub undo: Vec<Edit>,
    #[serde(default)]
    pub redo: Vec<Edit>,
    #[serde(default)]
    pub lang: crate::error::Lang,
}

/// The current session format.
pub const SESSION_VERSION: u32 = 1;

impl Session {
    /// The session as JSON.
    ///
    /// # Errors
    /// The serializer's message (it fails only on non-string map keys, which the types have not).
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| e.to_string())
    }

    /// A session read back from JSON; `None` for anything that is not one of ours.
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str::<Self>(json)
            .ok()
            .filter(|s| s.version == SESSION_VERSION)
    }
}

/// Where an autosaved session starts before its edits are replayed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// Nothing open.
    #[default]
    None,
    /// The built-in demo.
    Demo,
    /// A file whose bytes the browser keeps (IndexedDB) under `key`.
    File { key: String },
    /// The plan embedded in the saved page.
    Page,
}

/// The key under which the browser keeps a file's bytes: the time it was opened (`now_ms`,
/// so keys sort by age) and a fingerprint of the bytes.
pub fn file_key(bytes: &[u8], now_ms: f64) -> String {
    format!(
        "{:015}-{}",
        now_ms.max(0.0) as u64,
        crate::io::share::fingerprint_bytes(bytes)
    )
}

/// What autosave writes after every change: where the document came from and the edits made
/// since, so a write costs the size of the edits, never of the plan (a 100,000-row plan does
/// not fit in the browser's small storage, and serialising it on every keystroke would freeze
/// the page). Reopening replays the edits on the same start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub origin: Origin,
    pub file_name: String,
    /// The sheet on screen.
    pub active: usize,
    /// Every edit applied since the document was opened, in order (undo and redo add the edit
    /// they applied).
    pub log: Vec<Edit>,
    pub undo: Vec<Edit>,
    pub redo: Vec<Edit>,
    pub lang: crate::error::Lang,
    /// When it was written (milliseconds since 1970, from the page): which tab's slot is the
    /// latest work. 0 in journals written before slots were per tab.
    #[serde(default)]
    pub saved_at: f64,
}

/// The current journal format.
pub const JOURNAL_VERSION: u32 = 2;

impl Journal {
    /// The journal as JSON.
    ///
    /// # Errors
    /// The serializer's message.
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| e.to_string())
    }

    /// A journal read back from JSON; `None` for anything that is not one of ours.
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str::<Self>(json)
            .ok()
            .filter(|j| j.version == JOURNAL_VERSION)
    }

    /// The document as it was: `start` with the logged edits applied and the sheet that was
    /// on screen.
    pub fn replay(&self, mut start: Doc) -> Doc {
        for edit in &self.log {
            start.apply(edit.clone());
        }
        if start.imported.sheets.get(self.active).is_some() {
            start.active = self.active;
        }
        start
    }
}

/// What a document started as, for rebuilding it elsewhere (the export worker): the opened
/// file's bytes (a file or the demo), or the session JSON embedded in a saved page.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    File(Vec<u8>),
    Session(String),
}

impl Journal {
    /// The document rebuilt from where it started: the file imported again (or the saved
    /// page's session read again) and the logged edits replayed, exactly as a reload does.
    ///
    /// # Errors
    /// The import's message (in the journal's language), or that the session is not ours.
    pub async fn rebuild_paced<P: crate::pace::Pace>(
        &self,
        start: &Start,
        pace: &mut P,
    ) -> Result<Doc, String> {
        let doc = match start {
            Start::File(bytes) => {
                let imported = crate::io::import_paced(bytes, pace)
                    .await
                    .map_err(|e| e.user_message(self.lang, &self.file_name))?;
                Doc::new(self.file_name.clone(), imported)
            }
            Start::Session(json) => Session::from_json(json)
                .and_then(|s| s.doc)
                .ok_or_else(|| "the saved page's session is not readable".to_string())?,
        };
        Ok(self.replay(doc))
    }
}

/// The prefix of the autosave slots' keys in the browser's storage: one family for the plain
/// app, and one per saved page (named by its embedded plan) so that opening a saved page never
/// overwrites other work. Each tab writes its own slot in the family ([`slot_key`]), so two
/// tabs never overwrite each other's work either.
pub fn autosave_prefix(embedded_plan: Option<&str>) -> String {
    match embedded_plan {
        Some(json) => format!("zhibiao.session.{}", crate::io::share::fingerprint(json)),
        None => "zhibiao.session".to_string(),
    }
}

/// How many autosave slots of one family are kept (the newest; one per tab that worked).
pub const SLOTS_KEPT: usize = 4;

/// The slot of tab `tab` in the family `prefix`.
pub fn slot_key(prefix: &str, tab: &str) -> String {
    format!("{prefix}#{tab}")
}

/// Whether `key` is a slot of the family `prefix`: a tab's, or the family's single slot of
/// earlier versions (the prefix itself).
pub fn is_slot_of(prefix: &str, key: &str) -> bool {
    key == prefix
        || key
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('#'))
}

/// The slot a page starts from, among the family's `saved` slots (key, journal): the tab's own
/// (a reload keeps the tab), else the latest saved with a document open (a new tab, or the
/// browser started again after a crash, carries on with the latest work; a tab left empty by
/// 新建 does not hide it), else the latest.
pub fn starting_slot<'a>(own: &str, saved: &'a [(String, Journal)]) -> Option<&'a Journal> {
    let latest = |with_doc: bool| {
        saved
            .iter()
            .filter(|(_, j)| !with_doc || j.origin != Origin::None)
            .max_by(|a, b| a.1.saved_at.total_cmp(&b.1.saved_at))
    };
    saved
        .iter()
        .find(|(key, _)| key == own)
        .or_else(|| latest(true))
        .or_else(|| latest(false))
        .map(|(_, j)| j)
}

/// The slots to remove after `own` was written: all but the newest [`SLOTS_KEPT`] of the family
/// (`own` is always kept).
pub fn stale_slots(own: &str, saved: &[(String, Journal)]) -> Vec<String> {
    let mut others: Vec<&(String, Journal)> = saved.iter().filter(|(k, _)| k != own).collect();
    others.sort_by(|a, b| b.1.saved_at.total_cmp(&a.1.saved_at));
    others
        .into_iter()
        .skip(SLOTS_KEPT.saturating_sub(1))
        .map(|(k, _)| k.clone())
        .collect()
}
