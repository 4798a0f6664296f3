//! Consolidation (汇总) in the page: the returns added to the open plan and what each gave.
//!
//! Adding a return is one undoable step ([`add_return`]): an [`Edit::Batch`] of an
//! [`Edit::Returns`] that records the return (file, unit, values filled and changed, conflicts,
//! rows that match nothing, when it was added) and the cell edits of the values it fills.
//! Resolving a conflict ([`resolve`]) is one step too: the cell edit of the chosen value and
//! the record of the choice. The record lives in [`Doc::returns`], so it travels with the
//! document: autosave's replay, the saved page and the export's 汇总情况 sheet all see it.

use super::{Doc, Edit};
use crate::io::merge::{
    self, ChangedTarget, Conflict, MergeSummary, ReturnSummary, Unmatched, BASE_FILE,
};
use crate::io::Imported;
use crate::plan::score::{fold, split_units};
use serde::{Deserialize, Serialize};

/// The returns added to a document, in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Returns {
    pub records: Vec<ReturnRecord>,
}

/// One return added to the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnRecord {
    /// The sheet of the plan it went into.
    pub sheet: usize,
    /// File, unit, values filled and changed, note.
    pub summary: ReturnSummary,
    /// When it was added (milliseconds since 1970, from the page).
    pub added_ms: f64,
    /// The cells it filled (0-based row, column): which return gave each value.
    #[serde(default)]
    pub cells: Vec<(usize, usize)>,
    /// Values it gives differently from the plan or an earlier return.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    #[serde(default)]
    pub unmatched: Vec<Unmatched>,
    #[serde(default)]
    pub changed_targets: Vec<ChangedTarget>,
}

/// A change of [`Returns`]; applied by [`Doc::apply`] as [`Edit::Returns`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReturnsEdit {
    /// Adds a return's record at the end.
    Add(Box<ReturnRecord>),
    /// Removes the last record (the undo of [`ReturnsEdit::Add`]); it must be `file`'s.
    RemoveLast { file: String },
    /// Records how conflict `conflict` of record `record` was resolved (`None`: open again).
    Resolve {
        record: usize,
        conflict: usize,
        file: Option<String>,
    },
}

impl Returns {
    /// Whether no return was added.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Applies `edit`; returns its inverse, or `None` when it does not apply.
    pub fn apply(&mut self, edit: ReturnsEdit) -> Option<ReturnsEdit> {
        match edit {
            ReturnsEdit::Add(record) => {
                let file = record.summary.file.clone();
                self.records.push(*record);
                Some(ReturnsEdit::RemoveLast { file })
            }
            ReturnsEdit::RemoveLast { file } => {
                if self.records.last()?.summary.file != file {
                    return None;
                }
                let record = self.records.pop()?;
                Some(ReturnsEdit::Add(Box::new(record)))
            }
            ReturnsEdit::Resolve {
                record,
                conflict,
                file,
            } => {
                let slot = &mut self
                    .records
                    .get_mut(record)?
                    .conflicts
                    .get_mut(conflict)?
                    .resolved;
                let old = std::mem::replace(slot, file);
                Some(ReturnsEdit::Resolve {
                    record,
                    conflict,
                    file: old,
                })
            }
        }
    }

    /// The file whose return filled cell (`sheet`, `row`, `col`), the latest first.
    pub fn filled_by(&self, sheet: usize, row: usize, col: usize) -> Option<&str> {
        self.records
            .iter()
            .rev()
            .find(|r| r.sheet == sheet && r.cells.contains(&(row, col)))
            .map(|r| r.summary.file.as_str())
    }

    /// The unit `file`'s return speaks for (empty when none said).
    pub fn unit_of(&self, file: &str) -> Option<&str> {
        self.records
            .iter()
            .find(|r| r.summary.file == file)
            .map(|r| r.summary.unit.as_str())
    }

    /// Every conflict: (record, conflict index, the conflict).
    pub fn conflicts(&self) -> impl Iterator<Item = (usize, usize, &Conflict)> {
        self.records.iter().enumerate().flat_map(|(r, rec)| {
            rec.conflicts
                .iter()
                .enumerate()
                .map(move |(c, x)| (r, c, x))
        })
    }

    /// How many conflicts are not resolved yet.
    pub fn open_conflicts(&self) -> usize {
        self.conflicts()
            .filter(|(_, _, c)| c.resolved.is_none())
            .count()
    }

    /// What the consolidation did, as the 汇总情况 sheet and `zhibiao-cli merge` say it;
    /// `None` when no return was added.
    pub fn summary(&self, imported: &Imported) -> Option<MergeSummary> {
        if self.is_empty() {
            return None;
        }
        let mut summary = MergeSummary::default();
        for r in &self.records {
            summary.returns.push(r.summary.clone());
            summary.conflicts.extend(r.conflicts.iter().cloned());
            summary.unmatched.extend(r.unmatched.iter().cloned());
            summary
                .changed_targets
                .extend(r.changed_targets.iter().cloned());
        }
        summary.missing_units = self.missing_units(imported);
        Some(summary)
    }

    /// The plan's units (lead and other, folded) that no return speaks for.
    pub fn missing_units(&self, imported: &Imported) -> Vec<String> {
        imported
            .first_table()
            .and_then(|i| imported.sheets.get(i))
            .and_then(|s| s.plan.as_ref())
            .map(|plan| {
                merge::missing_units(plan, self.records.iter().map(|r| r.summary.unit.as_str()))
            })
            .unwrap_or_default()
    }
}

/// The step that adds `returned` (read from `file`) to `doc`'s plan at `added_ms`: the record of
/// the return and the cells it fills, as one [`Edit::Batch`]. A conflict with a value an earlier
/// return filled names that return's file instead of the plan's. `None` when the document holds
/// no table.
pub fn add_return(doc: &Doc, file: &str, returned: &Imported, added_ms: f64) -> Option<Edit> {
    let prepared = merge::prepare(&doc.imported, file, returned)?;
    let sheet = prepared.sheet;
    let mut conflicts = prepared.conflicts;
    for c in &mut conflicts {
        let Some((_, row, col)) = merge::cell_of(&doc.imported, c) else {
            continue;
        };
        if let Some(earlier) = doc.returns.filled_by(sheet, row, col) {
            for v in &mut c.values {
                if v.file == BASE_FILE {
                    v.file = earlier.to_string();
                }
            }
        }
    }
    let record = ReturnRecord {
        sheet,
        summary: prepared.summary,
        added_ms,
        cells: prepared.fills.iter().map(|(r, c, _)| (*r, *c)).collect(),
        conflicts,
        unmatched: prepared.unmatched,
        changed_targets: prepared.changed_targets,
    };
    let mut edits = vec![Edit::Returns {
        sheet,
        edit: ReturnsEdit::Add(Box::new(record)),
    }];
    edits.extend(
        prepared
            .fills
            .into_iter()
            .map(|(row, col, raw)| Edit::Cell {
                sheet,
                row,
                col,
                raw,
                typed: false,
            }),
    );
    Some(Edit::Batch(edits))
}

/// The file whose value the page suggests for a conflict: the return of the row's lead unit,
/// else none.
pub fn suggestion(doc: &Doc, conflict: &Conflict) -> Option<String> {
    let (sheet, _, _) = merge::cell_of(&doc.imported, conflict)?;
    let plan = doc.imported.sheets.get(sheet)?.plan.as_ref()?;
    let ind = plan.indicators.iter().find(|i| i.row == conflict.row)?;
    let leads: Vec<String> = split_units(&ind.lead_units)
        .iter()
        .map(|u| fold(u))
        .collect();
    conflict
        .values
        .iter()
        .find(|v| {
            doc.returns
                .unit_of(&v.file)
                .is_some_and(|u| !u.is_empty() && leads.contains(&fold(u)))
        })
        .map(|v| v.file.clone())
}

/// The step that resolves conflict `conflict` of record `record` with `file`'s value: that
/// value written into the plan's cell (the plan's own value kept for [`BASE_FILE`]) and the
/// choice recorded. `None` when there is no such conflict or value.
pub fn resolve(doc: &Doc, record: usize, conflict: usize, file: &str) -> Option<Edit> {
    let c = doc.returns.records.get(record)?.conflicts.get(conflict)?;
    let value = c.values.iter().find(|v| v.file == file)?;
    let (sheet, row, col) = merge::cell_of(&doc.imported, c)?;
    let mut edits = vec![Edit::Returns {
        sheet,
        edit: ReturnsEdit::Resolve {
            record,
            conflict,
            file: Some(file.to_string()),
        },
    }];
    let current = doc.imported.sheets.get(sheet)?.sheet.text(row, col);
    if current.trim() != value.value.trim() {
        let raw = merge::cell_value(&value.value);
        let typed = doc.typed.contains(&(sheet, row, col));
        edits.push(Edit::Cell {
            sheet,
            row,
            col,
            raw,
            typed,
        });
    }
    Some(Edit::Batch(edits))
}

/// The text of a cell as a conflict shows it, for tests and the view.
pub fn cell_text(doc: &Doc, sheet: usize, row: usize, col: usize) -> String {
    doc.imported
        .sheets
        .get(sheet)
        .map(|s| s.sheet.text(row, col))
        .unwrap_or_default()
}
