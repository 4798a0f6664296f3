//! Consolidation (汇总) in the page: the returns added to the open plan and what each gave.
//!
//! Adding a return is one undoable step ([`add_return`]): an [`Edit::Batch`] of an
//! [`Edit::Returns`] that records the return (file, unit, values filled and changed, conflicts,
//! rows that match nothing, when it was added) and the cell edits of the values it fills.
//! Resolving a conflict ([`resolve`]) is one step too: the cell edit of the chosen value and
//! the record of the choice. The record lives in [`Doc::returns`], so it travels with the
//! document: autosave's replay, the saved page and the export's 汇总情况 sheet all see it.

use super::{Doc, Edit};
use crate::io::merge::{self, Conflict, BASE_FILE};
pub use crate::io::returns::{ReturnRecord, Returns, ReturnsEdit};
use crate::io::Imported;
use crate::plan::score::{fold, split_units};

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
        if let Some(earlier) = doc.returns.given_by(sheet, row, col, c.year) {
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
