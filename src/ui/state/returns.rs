//! Consolidation (汇总) in the page: the returns added to the open plan and what each gave.
//!
//! Adding a return is one undoable step ([`add_return`]): an [`Edit::Batch`] of an
//! [`Edit::Returns`] that records the return (file, unit, values filled and changed, conflicts,
//! rows that match nothing, when it was added) and the cell edits of the values it fills.
//! Resolving a conflict ([`resolve`]) is one step too: the cell edit of the chosen value and
//! the record of the choice. The record lives in [`Doc::returns`], so it travels with the
//! document: autosave's replay, the saved page and the export's 汇总情况 sheet all see it.

use super::{Doc, Edit, Session, SESSION_VERSION};
use crate::error::Lang;
use crate::io::merge::{self, Conflict, BASE_FILE};
pub use crate::io::returns::{ReturnRecord, Returns, ReturnsEdit};
use crate::io::Imported;
use crate::plan::score::{fold, split_units};
use crate::plan::{RawCell, Year};
use std::collections::BTreeMap;

/// The step that adds `returned` (read from `file`) to `doc`'s plan at `added_ms`: the record of
/// the return and the cells it fills, as one [`Edit::Batch`]. A conflict with a value an earlier
/// return filled names that return's file instead of the plan's. `None` when the document holds
/// no table.
pub fn add_return(doc: &Doc, file: &str, returned: &Imported, added_ms: f64) -> Option<Edit> {
    let prepared = merge::prepare(&doc.imported, file, returned)?;
    let sheet = prepared.sheet;
    let mut conflicts = prepared.conflicts;
    name_earlier_returns(doc, sheet, &mut conflicts);
    let record = ReturnRecord {
        sheet,
        summary: prepared.summary,
        added_ms,
        cells: prepared.fills.iter().map(|(r, c, _)| (*r, *c)).collect(),
        conflicts,
        unmatched: prepared.unmatched,
        changed_targets: prepared.changed_targets,
    };
    let edits = vec![Edit::Returns {
        sheet,
        edit: ReturnsEdit::Add(Box::new(record)),
    }];
    Some(with_fills(edits, sheet, prepared.fills))
}

/// `edits`, then the cell edits that write `fills` (a return's values) into `sheet`, as one
/// step.
fn with_fills(mut edits: Vec<Edit>, sheet: usize, fills: Vec<(usize, usize, RawCell)>) -> Edit {
    edits.extend(fills.into_iter().map(|(row, col, raw)| Edit::Cell {
        sheet,
        row,
        col,
        raw,
        typed: false,
    }));
    Edit::Batch(edits)
}

/// In `conflicts` with the plan's value, the plan's value named after the earlier return that
/// gave it, where one did.
fn name_earlier_returns(doc: &Doc, sheet: usize, conflicts: &mut [Conflict]) {
    for c in conflicts {
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
}

/// The step that matches row `unmatched` of record `record` (a return's row the matcher left
/// unmatched) by hand to the plan's indicator on 1-based row `plan_row`: its actuals fill that
/// indicator's empty actual cells, a value that differs from the plan's is listed as a
/// conflict as for any return, and the record notes the match (one undoable step). `None` when
/// there is no such row, it is matched already, or no indicator is on `plan_row`.
pub fn match_by_hand(doc: &Doc, record: usize, unmatched: usize, plan_row: u32) -> Option<Edit> {
    let rec = doc.returns.records.get(record)?;
    let row = rec.unmatched.get(unmatched)?;
    if row.matched_to.is_some() {
        return None;
    }
    let given = crate::io::by_hand::give(&doc.imported, plan_row, &row.file, &row.actuals)?;
    let sheet = given.sheet;
    let mut conflicts = given.conflicts;
    name_earlier_returns(doc, sheet, &mut conflicts);
    let mut new = rec.clone();
    if let Some(u) = new.unmatched.get_mut(unmatched) {
        u.matched_to = Some(plan_row);
    }
    new.cells
        .extend(given.fills.iter().map(|(row, col, _)| (*row, *col)));
    new.conflicts.extend(conflicts);
    new.summary.filled += given.fills.len();
    new.summary.changed += given.changed;
    let record = Edit::Returns {
        sheet,
        edit: ReturnsEdit::Record {
            index: record,
            record: Box::new(new),
        },
    };
    Some(with_fills(vec![record], sheet, given.fills))
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

/// The step that removes return `record` from `doc`, one undoable step: the values it gave go
/// back to what the plan had before it (a cell it filled is emptied; a conflict resolved with
/// its value takes back the value before), and the conflicts of later returns are recomputed:
/// one that only disagreed with its value is gone, and that return's value fills the cell.
/// `None` when there is no such record.
pub fn remove_return(doc: &Doc, record: usize) -> Option<Edit> {
    let mut returns = doc.returns.clone();
    if record >= returns.records.len() {
        return None;
    }
    let gone = returns.records.remove(record);
    let file = gone.summary.file.as_str();
    let sheet = gone.sheet;
    let years: BTreeMap<usize, Year> = doc
        .imported
        .sheets
        .get(sheet)
        .and_then(|s| s.layout.as_ref())
        .map(|l| l.actual_cols().into_iter().map(|(y, c)| (c, y)).collect())
        .unwrap_or_default();
    let gives = |row: usize, col: usize| {
        years
            .get(&col)
            .and_then(|y| doc.returns.given_by(sheet, row, col, *y))
            == Some(file)
    };
    let mut writes: BTreeMap<(usize, usize), RawCell> = BTreeMap::new();
    for &(row, col) in &gone.cells {
        if gives(row, col) {
            writes.insert((row, col), RawCell::Empty);
        }
    }
    for c in &gone.conflicts {
        let Some((_, row, col)) = merge::cell_of(&doc.imported, c) else {
            continue;
        };
        if c.resolved.as_deref() == Some(file) && gives(row, col) {
            let before = c.values.iter().find(|v| v.file != file);
            writes.insert(
                (row, col),
                before.map_or(RawCell::Empty, |v| merge::cell_value(&v.value)),
            );
        }
    }
    for later in returns.records.iter_mut().skip(record) {
        if later.sheet != sheet {
            continue;
        }
        let own = later.summary.file.clone();
        let mut kept = Vec::new();
        for mut c in std::mem::take(&mut later.conflicts) {
            let had = c.values.len();
            c.values.retain(|v| v.file != file);
            let cell = merge::cell_of(&doc.imported, &c);
            let (Some((_, row, col)), false) = (cell, c.values.len() == had) else {
                kept.push(c);
                continue;
            };
            if c.values.iter().any(|v| v.file != own) {
                // Still at odds with another value: open again if it had taken the one gone.
                if c.resolved.as_deref() == Some(file) {
                    c.resolved = None;
                    if let Some(v) = c.values.first() {
                        writes.insert((row, col), merge::cell_value(&v.value));
                    }
                }
                kept.push(c);
            } else if let Some(v) = c.values.iter().find(|v| v.file == own) {
                // Only its own value is left: it fills the cell.
                writes.insert((row, col), merge::cell_value(&v.value));
                later.cells.push((row, col));
                later.summary.filled += 1;
                later.summary.changed = later.summary.changed.saturating_sub(1);
            }
        }
        later.conflicts = kept;
    }
    let mut edits = vec![Edit::Returns {
        sheet,
        edit: ReturnsEdit::Replace(Box::new(returns)),
    }];
    let cells = &doc.imported.sheets.get(sheet)?.sheet;
    for ((row, col), raw) in writes {
        if cells.cell(row, col) != &raw {
            edits.push(Edit::Cell {
                sheet,
                row,
                col,
                raw,
                typed: doc.typed.contains(&(sheet, row, col)),
            });
        }
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

/// The document's own sheets, without those the page combined (as its file gives them).
fn own_sheets(doc: &Doc) -> Imported {
    let mut imported = doc.imported.clone();
    let mut index = 0;
    imported.sheets.retain(|_| {
        let keep = !doc.combined.contains(&index);
        index += 1;
        keep
    });
    imported
}

/// The session JSON of unit `unit`'s saved page (分发 as saved pages), named `file`: the unit's
/// copy of `doc` (its title names the unit, so the page opens on that unit's rows), in `lang`.
///
/// # Errors
/// [`crate::error::PageError::NotSerialized`] with the serializer's message.
pub fn unit_session(
    doc: &Doc,
    unit: &str,
    file: &str,
    lang: Lang,
) -> Result<String, crate::error::PageError> {
    let copy = crate::io::write::distribute::titled_copy(&own_sheets(doc), unit);
    Session {
        version: SESSION_VERSION,
        doc: Some(Doc::new(file.to_string(), copy)),
        lang,
        ..Session::default()
    }
    .to_json()
}

/// A return sent as a saved Zhibiao page: the document it holds, as its file gave it plus the
/// unit's edits (its own sheets); `None` when `bytes` are not a saved page with a document.
pub fn saved_page_return(bytes: &[u8]) -> Option<Imported> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes.get(start) != Some(&b'<') {
        return None;
    }
    let page = std::str::from_utf8(bytes).ok()?;
    let json = crate::io::write::share::embedded(page)?;
    let doc = Session::from_json(&json)?.doc?;
    Some(own_sheets(&doc))
}

/// The unit filter that shows `unit`'s rows (lead or other) in `sheet`, the unit as the plan
/// writes it: a missing unit clicked in the 汇总情况 view (named there folded). `None` when no
/// row names it.
pub fn unit_filter_of(
    sheet: &crate::io::ImportedSheet,
    unit: &str,
) -> Option<super::filter::UnitFilter> {
    let key = fold(unit);
    super::filter::unit_counts(sheet.plan.as_ref()?)
        .into_iter()
        .find(|(u, _, _)| fold(u) == key)
        .map(|(u, _, _)| (u, false))
}
