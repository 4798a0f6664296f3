//! The document the user works on ([`Doc`]: an imported workbook, the sheet on screen and the
//! cells the user typed) and the edits that change it ([`Edit`], each with its inverse for undo).

use super::*;
use crate::io::Imported;
use crate::plan::{self, Direction, Method, Plan, PlanResults, RawCell};
use crate::table::detect::Layout;
use crate::table::grid::Sheet;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

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
    /// The returns added to the plan (汇总), with what each gave.
    #[serde(default, skip_serializing_if = "super::returns::Returns::is_empty")]
    pub returns: super::returns::Returns,
}

impl Doc {
    /// A document showing the first indicator table of an import. Sheets that share one
    /// layout (one per county or department) are also offered combined, as one more sheet.
    pub fn new(file_name: String, mut imported: Imported) -> Self {
        imported.name_text_sheet(&file_name);
        let active = imported.first_table().unwrap_or(0);
        let mut combined = std::collections::BTreeSet::new();
        for group in crate::io::combine::shared_layout_groups(&imported) {
            if let Some(sheet) = crate::io::combine::combine(&imported, &group) {
                combined.insert(imported.sheets.len());
                imported.sheets.push(sheet);
            }
        }
        let returns = std::mem::take(&mut imported.returns);
        Self {
            file_name,
            imported,
            active,
            typed: Default::default(),
            combined,
            returns,
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
            Edit::Returns { .. } => Some(Vec::new()),
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
            Edit::Returns { sheet, edit } => {
                let edit = self.returns.apply(edit)?;
                return Some(Edit::Returns { sheet, edit });
            }
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
            Edit::Cell { .. }
            | Edit::Batch(_)
            | Edit::Layout { .. }
            | Edit::Unmark { .. }
            | Edit::Returns { .. } => return None,
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

    /// The filled workbook of every sheet that holds a table, with the 汇总情况 sheet when
    /// returns were added.
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
        crate::io::write::fill::workbook_paced_with(
            &self.imported,
            &|index| self.combined.contains(&index),
            &crate::plan::Options::default(),
            created_ms,
            crate::io::returns::Consolidation::of_returns(&self.returns, &self.imported).as_ref(),
            pace,
        )
        .await
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
                crate::io::write::csv::detail_csv(&crate::io::write::formulas::detail(
                    plan, &results,
                ))
            }
            None => crate::io::write::csv::BOM.to_vec(),
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
    /// A change of the returns added to the plan (汇总): one is added (with the cell edits of
    /// the values it fills, in one [`Edit::Batch`]), removed, or a conflict resolved.
    Returns {
        sheet: usize,
        edit: super::returns::ReturnsEdit,
    },
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
            | Self::Returns { sheet, .. }
            | Self::Unmark { sheet } => *sheet,
            Self::Batch(edits) => edits.first().map(Edit::sheet).unwrap_or(0),
        }
    }
}
