//! The returns added to a plan (汇总) and what each gave: plain records, kept with the document
//! by the page ([`crate::ui::state::returns`] makes the undoable steps that change them), and
//! carried through an exported workbook's round-trip sheet ([`super::roundtrip`]), so that the
//! export read back knows which return gave each value.

use super::merge::{self, ChangedTarget, Conflict, MergeSummary, ReturnSummary, Unmatched};
use super::Imported;
use crate::plan::Year;
use serde::{Deserialize, Serialize};

/// The returns added to a document, in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Returns {
    /// One per return added.
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
    /// Its rows that match no indicator of the plan.
    #[serde(default)]
    pub unmatched: Vec<Unmatched>,
    /// Targets, bases and anchors it states differently from the plan (not taken).
    #[serde(default)]
    pub changed_targets: Vec<ChangedTarget>,
}

/// A change of [`Returns`]; applied by the page's `Doc::apply` as `Edit::Returns`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReturnsEdit {
    /// Adds a return's record at the end.
    Add(Box<ReturnRecord>),
    /// Removes the last record (the undo of [`ReturnsEdit::Add`]); it must be `file`'s.
    RemoveLast {
        /// The file of the record removed.
        file: String,
    },
    /// Replaces every record (removing a return changes the later ones' conflicts and counts
    /// too); the inverse replaces them back.
    Replace(Box<Returns>),
    /// Replaces record `index` (a row matched by hand adds to its cells and conflicts); the
    /// inverse puts the old one back.
    Record {
        /// The record's index.
        index: usize,
        /// The record as it is to be.
        record: Box<ReturnRecord>,
    },
    /// Records how conflict `conflict` of record `record` was resolved (`None`: open again).
    Resolve {
        /// The record's index.
        record: usize,
        /// The conflict's index in the record.
        conflict: usize,
        /// The file whose value was taken.
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
            ReturnsEdit::Replace(returns) => {
                let old = std::mem::replace(self, *returns);
                Some(ReturnsEdit::Replace(Box::new(old)))
            }
            ReturnsEdit::Record { index, record } => {
                let old = std::mem::replace(self.records.get_mut(index)?, *record);
                Some(ReturnsEdit::Record {
                    index,
                    record: Box::new(old),
                })
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

    /// The file that gave the value of cell (`sheet`, `row`, `col`), the actual of `year`: the
    /// latest conflict resolved there names it (none when the plan's own value was kept), else
    /// the latest return that filled it.
    pub fn given_by(&self, sheet: usize, row: usize, col: usize, year: Year) -> Option<&str> {
        for r in self.records.iter().rev().filter(|r| r.sheet == sheet) {
            let resolved = r
                .conflicts
                .iter()
                .rev()
                .filter(|c| c.row as usize == row + 1 && c.year == year)
                .find_map(|c| c.resolved.as_deref());
            if let Some(file) = resolved {
                return (file != merge::BASE_FILE).then_some(file);
            }
            if r.cells.contains(&(row, col)) {
                return Some(r.summary.file.as_str());
            }
        }
        None
    }

    /// Every 1-based plan row the records refer to: the cells they filled, their conflicts and
    /// the rows matched by hand.
    pub fn rows(&self) -> std::collections::BTreeSet<u32> {
        self.records
            .iter()
            .flat_map(|r| {
                let cells = r
                    .cells
                    .iter()
                    .map(|(row, _)| u32::try_from(row + 1).unwrap_or(u32::MAX));
                let conflicts = r.conflicts.iter().map(|c| c.row);
                let matched = r.unmatched.iter().filter_map(|u| u.matched_to);
                cells.chain(conflicts).chain(matched).collect::<Vec<_>>()
            })
            .collect()
    }

    /// Moves every plan row the records refer to by `row` (a 1-based row to where it is now,
    /// `None` when its indicator is gone: the cell and the conflict are dropped, the match by
    /// hand forgotten) and every filled cell's column by `col` (`None`: the cell is dropped).
    pub fn move_cells(
        &mut self,
        row: impl Fn(u32) -> Option<u32>,
        col: impl Fn(usize) -> Option<usize>,
    ) {
        let (to, col) = (&row, &col);
        for r in &mut self.records {
            r.cells = r
                .cells
                .iter()
                .filter_map(|&(row, c)| {
                    let moved = to(u32::try_from(row + 1).ok()?)?;
                    Some((usize::try_from(moved).ok()?.checked_sub(1)?, col(c)?))
                })
                .collect();
            r.conflicts.retain_mut(|c| match to(c.row) {
                Some(row) => {
                    c.row = row;
                    true
                }
                None => false,
            });
            for u in &mut r.unmatched {
                u.matched_to = u.matched_to.and_then(to);
            }
        }
    }

    /// Every column of a cell the records say a return filled.
    pub fn cols(&self) -> std::collections::BTreeSet<usize> {
        self.records
            .iter()
            .flat_map(|r| r.cells.iter().map(|(_, col)| *col))
            .collect()
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
        // In the plan's row order, whichever return brought them.
        summary.conflicts.sort_by_key(|c| (c.row, c.year));
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

/// What an export writes of a consolidation: the 汇总情况 sheet says `summary`, and the
/// round-trip sheet keeps `returns`, so that the workbook read back shows the same.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Consolidation {
    /// Returns, missing units, conflicts, changed targets, unmatched rows.
    pub summary: MergeSummary,
    /// The records behind it.
    pub returns: Returns,
}

impl Consolidation {
    /// The page's: `returns` and what they did to `imported`'s plan; `None` when no return was
    /// added.
    pub fn of_returns(returns: &Returns, imported: &Imported) -> Option<Self> {
        Some(Self {
            summary: returns.summary(imported)?,
            returns: returns.clone(),
        })
    }

    /// Of a consolidation done at once ([`merge::merge`] of `summary`) into `base`, whose
    /// returns read back (`base.returns`, an export consolidated before) come first: one record
    /// per return, with the cells it filled (`cells`: 0-based row, column and the file, as
    /// [`merge::merge_with_cells`] lists them), its unmatched rows and changed targets, and the
    /// conflicts whose last value is its own. The summary is `summary` itself when `base` had
    /// no returns, else that of every record.
    pub fn of_merge(
        base: &Imported,
        summary: &MergeSummary,
        cells: &[(usize, usize, String)],
    ) -> Self {
        let sheet = base.first_table().unwrap_or(0);
        let mut returns = base.returns.clone();
        let first_new = returns.records.len();
        for r in &summary.returns {
            let file = &r.file;
            returns.records.push(ReturnRecord {
                sheet,
                summary: r.clone(),
                added_ms: 0.0,
                cells: cells
                    .iter()
                    .filter(|(_, _, f)| f == file)
                    .map(|(row, col, _)| (*row, *col))
                    .collect(),
                conflicts: Vec::new(),
                unmatched: summary
                    .unmatched
                    .iter()
                    .filter(|u| u.file == *file)
                    .cloned()
                    .collect(),
                changed_targets: summary
                    .changed_targets
                    .iter()
                    .filter(|t| t.file == *file)
                    .cloned()
                    .collect(),
            });
        }
        for c in &summary.conflicts {
            let owner = c.values.iter().rev().find_map(|v| {
                returns
                    .records
                    .iter()
                    .skip(first_new)
                    .rposition(|r| r.summary.file == v.file)
            });
            let index = owner.map_or(returns.records.len().checked_sub(1), |i| {
                Some(first_new + i)
            });
            if let Some(record) = index.and_then(|i| returns.records.get_mut(i)) {
                record.conflicts.push(c.clone());
            }
        }
        let summary = if base.returns.is_empty() {
            summary.clone()
        } else {
            returns.summary(base).unwrap_or_else(|| summary.clone())
        };
        Self { summary, returns }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::merge::{Conflict, ReturnSummary, Unmatched};

    fn record() -> ReturnRecord {
        ReturnRecord {
            sheet: 0,
            summary: ReturnSummary {
                file: "林业局.csv".into(),
                unit: "县林业局".into(),
                filled: 2,
                changed: 1,
                note: String::new(),
            },
            added_ms: 1.0,
            // Rows 3 and 4 (1-based), the 2021 actuals in column H.
            cells: vec![(2, 7), (3, 7)],
            conflicts: vec![Conflict {
                row: 5,
                name: "常住人口城镇化率".into(),
                year: 2021,
                values: Vec::new(),
                resolved: None,
            }],
            unmatched: vec![Unmatched {
                file: "林业局.csv".into(),
                row: 9,
                name: "林木绿化率".into(),
                actuals: vec![(2021, "61".into())],
                matched_to: Some(4),
            }],
            changed_targets: Vec::new(),
        }
    }

    #[test]
    fn rows_and_columns_move_with_their_indicators_and_what_is_gone_is_dropped() {
        let mut returns = Returns {
            records: vec![record()],
        };
        assert_eq!(returns.rows().into_iter().collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!(returns.cols().into_iter().collect::<Vec<_>>(), [7]);
        // A row inserted above row 4 and row 3's indicator deleted; column H is now I.
        returns.move_cells(
            |row| match row {
                3 => None,
                row => Some(row + 1),
            },
            |col| Some(col + 1),
        );
        let r = &returns.records[0];
        assert_eq!(
            r.cells,
            [(4, 8)],
            "row 3's cell is dropped, row 4's is on row 5 now"
        );
        assert_eq!(r.conflicts[0].row, 6);
        assert_eq!(r.unmatched[0].matched_to, Some(5));
        // The indicator matched by hand deleted: the match is forgotten, its conflict dropped.
        returns.move_cells(|row| (row != 5 && row != 6).then_some(row), Some);
        let r = &returns.records[0];
        assert!(r.conflicts.is_empty());
        assert_eq!(r.unmatched[0].matched_to, None);
        assert_eq!(r.cells, [], "the cell on row 5 went with its indicator");
    }
}
