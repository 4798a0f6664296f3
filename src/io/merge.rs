//! Consolidation (汇总): the returns of the responsible units folded into the plan they were
//! sent. Each return is an ordinary import; its indicators are matched to the plan's rows by
//! sequence and folded name (rows inserted, deleted or renamed a little are tolerated; what
//! cannot be matched is listed, never guessed), and the actuals it filled are written into the
//! plan's own sheet cells, so the plan, the grid and the export all see them.
//!
//! A value two returns disagree on, or a return's value that differs from one the plan already
//! had, is a conflict: the plan keeps its value and the conflict is listed with every file's
//! value. A base, target or yearly target (anchor) a return states differently from the plan is
//! never taken: it is listed as a changed target. A return's table without base and target
//! columns still gives its actuals (one before the plan period, which such a table reads as its
//! base, included); actual years the plan has no column for are named in the return's note.
//!
//! ```
//! use zhibiao::io::{import, merge};
//! let base = "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n1,人均GDP,元,县统计局,31502,58000,\n";
//! let back = "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n1,人均GDP,元,县统计局,31502,58000,36900\n";
//! let mut plan = import(base.as_bytes()).unwrap();
//! let returned = import(back.as_bytes()).unwrap();
//! let summary = merge::merge(&mut plan, &[("统计局.csv".into(), returned)]);
//! assert_eq!(summary.returns[0].filled, 1);
//! assert_eq!(plan.sheets[0].sheet.text(1, 6), "36900");
//! ```

use super::{Imported, ImportedSheet};
use crate::plan::score::{fold, units_of};
use crate::plan::value::parse;
use crate::plan::{Given, Indicator, IndicatorResult, RawCell, Value, Year};
use crate::table::detect::{build_plan, Layout, Role, Why};
use crate::table::vocabulary::header_year;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one return gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnSummary {
    /// The file's name.
    pub file: String,
    /// The unit it speaks for: from a `报送单位：…` line, else the lead unit of most rows it
    /// filled; empty when neither says.
    pub unit: String,
    /// Values it filled where the plan had none.
    pub filled: usize,
    /// Values it would change (each also a conflict, so not taken).
    pub changed: usize,
    /// Why it gave less than it holds (no table, actual years the plan has no column for), or
    /// empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A return's row that matches no indicator of the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The return's file.
    pub file: String,
    /// The row in the return's sheet, 1-based.
    pub row: u32,
    /// The indicator's name there.
    pub name: String,
    /// Its actuals as the return writes them, for the years the plan has an actual column for:
    /// what matching it by hand ([`super::by_hand`]) gives the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actuals: Vec<(Year, String)>,
    /// The plan row (1-based) it was matched to by hand, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_to: Option<u32>,
}

/// One file's value in a conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictValue {
    /// The file (the plan's own value is named `base`).
    pub file: String,
    /// The value as written.
    pub value: String,
}

/// A value the plan and the returns do not agree on; the plan keeps its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The plan's row, 1-based.
    pub row: u32,
    /// The indicator's name.
    pub name: String,
    /// The year of the actual.
    pub year: Year,
    /// Each differing value, the plan's first where it had one.
    pub values: Vec<ConflictValue>,
    /// The file whose value was taken when the user resolved the conflict; `None` while the
    /// plan keeps its own value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
}

/// A target, base or yearly target (anchor) a return states differently from the plan: never
/// taken, listed for the office to check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangedTarget {
    /// The return's file.
    pub file: String,
    /// The plan's row, 1-based.
    pub row: u32,
    /// The indicator's name.
    pub name: String,
    /// Which figure: `基期值`, `目标值` or `<year>年目标`.
    pub what: String,
    /// The plan's value as written (empty when the plan has none).
    pub plan: String,
    /// The return's value as written.
    pub value: String,
}

/// What a consolidation did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MergeSummary {
    /// One per return, in the order given.
    pub returns: Vec<ReturnSummary>,
    /// The plan's units (lead and other) that no return speaks for, folded, in order.
    pub missing_units: Vec<String>,
    /// Return rows that match no indicator.
    pub unmatched: Vec<Unmatched>,
    /// Values left as they were because the files disagree.
    pub conflicts: Vec<Conflict>,
    /// Targets, bases and anchors the returns state differently from the plan (not taken).
    #[serde(default)]
    pub changed_targets: Vec<ChangedTarget>,
}

/// One return's value for one cell: (the text as written, the cell, the file).
pub(super) type Offer = (String, RawCell, String);

/// A cell to write: (0-based row, 0-based column, the cell, the file that gave it).
pub(super) type Write = (usize, usize, RawCell, String);

/// The name of a plan's own value in a conflict.
pub const BASE_FILE: &str = "base";

/// What one return would give the plan, found without changing it ([`prepare`]): the cells to
/// write and what to list. The page turns it into one undoable step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    /// The sheet of the plan it goes into (the plan's first table).
    pub sheet: usize,
    /// What the return gave (`filled` counts [`Prepared::fills`]).
    pub summary: ReturnSummary,
    /// The cells to write: (0-based row, 0-based column, the cell as the return holds it).
    pub fills: Vec<(usize, usize, RawCell)>,
    /// Values the return gives differently from the plan (not written).
    pub conflicts: Vec<Conflict>,
    /// The return's rows that match no indicator.
    pub unmatched: Vec<Unmatched>,
    /// Targets, bases and anchors the return states differently (not taken).
    pub changed_targets: Vec<ChangedTarget>,
}

/// The plan's first table as the returns are folded into it.
pub(super) struct Target<'a> {
    sheet: &'a ImportedSheet,
    pub(super) plan: &'a crate::plan::Plan,
    actual_cols: BTreeMap<Year, usize>,
    /// The plan's yearly targets as the export fills them in (to tell a return's copy of them
    /// from a target it changed), computed the first time a return needs them.
    computed: std::cell::OnceCell<crate::plan::PlanResults>,
    /// A copy of the plan carries the plan's own 报送单位 line: that says nothing of who sent it.
    base_declared: Option<String>,
}

impl<'a> Target<'a> {
    pub(super) fn of(sheet: &'a ImportedSheet) -> Option<Self> {
        let (layout, plan) = (sheet.layout.as_ref()?, sheet.plan.as_ref()?);
        Some(Self {
            sheet,
            plan,
            actual_cols: layout.actual_cols(),
            computed: std::cell::OnceCell::new(),
            base_declared: declared_unit(&sheet.sheet, layout.header_first),
        })
    }

    fn computed(&self, index: usize) -> Option<&IndicatorResult> {
        self.computed
            .get_or_init(|| crate::plan::compute(self.plan, &crate::plan::Options::default()))
            .indicators
            .get(index)
    }
}

/// What one return offers: its summary (unit and note), its values by (plan indicator, year),
/// and what it lists.
struct Gathered {
    summary: ReturnSummary,
    offers: Vec<((usize, Year), Offer)>,
    unmatched: Vec<Unmatched>,
    changed_targets: Vec<ChangedTarget>,
}

/// Reads what `returned` (named `file`) offers the plan of `target`.
fn gather(target: &Target<'_>, file: &str, returned: &Imported) -> Gathered {
    let plan = target.plan;
    let mut out = Gathered {
        summary: ReturnSummary {
            file: file.to_string(),
            unit: String::new(),
            filled: 0,
            changed: 0,
            note: String::new(),
        },
        offers: Vec::new(),
        unmatched: Vec::new(),
        changed_targets: Vec::new(),
    };
    let Some((ret, ret_plan)) = returned
        .first_table()
        .and_then(|i| returned.sheets.get(i))
        .and_then(|s| Some((s, s.plan.as_ref()?)))
    else {
        out.summary.note = "没有识别出指标表，未采用".to_string();
        return out;
    };
    let matches = match_rows(&plan.indicators, &ret_plan.indicators);
    let base_is_actual = ret.layout.as_ref().and_then(actual_taken_for_base);
    let base_stated = ret
        .layout
        .as_ref()
        .is_some_and(|l| l.col(Role::Base).is_some())
        && base_is_actual.is_none();
    let bare_years = match (target.sheet.layout.as_ref(), ret.layout.as_ref()) {
        (Some(plan), Some(layout)) => bare_actual_years(plan, layout, &ret.sheet),
        _ => BTreeMap::new(),
    };
    let mut years_without_column = BTreeSet::new();
    let mut filled_units: BTreeMap<String, usize> = BTreeMap::new();
    for (ri, m) in ret_plan.indicators.iter().zip(&matches) {
        let Some(pi) = *m else {
            if !ri.is_group && !ri.name.trim().is_empty() {
                let actuals = actuals_of(ret, ri, base_is_actual, &bare_years)
                    .into_iter()
                    .filter(|(year, given, _)| {
                        given.value != Value::Empty && target.actual_cols.contains_key(year)
                    })
                    .map(|(year, given, _)| (year, given.text.trim().to_string()))
                    .collect();
                out.unmatched.push(Unmatched {
                    file: file.to_string(),
                    row: ri.row,
                    name: ri.name.clone(),
                    actuals,
                    matched_to: None,
                });
            }
            continue;
        };
        if let Some(pind) = plan.indicators.get(pi) {
            out.changed_targets.extend(changed_targets(
                file,
                pind,
                || target.computed(pi),
                ri,
                base_stated,
                &bare_years,
            ));
        }
        let mut gave = false;
        for (year, given, raw) in actuals_of(ret, ri, base_is_actual, &bare_years) {
            if given.value == Value::Empty {
                continue;
            }
            if !target.actual_cols.contains_key(&year) {
                years_without_column.insert(year);
                continue;
            }
            out.offers.push((
                (pi, year),
                (given.text.trim().to_string(), raw, file.to_string()),
            ));
            gave = true;
        }
        if gave {
            for u in units_of(&ri.lead_units, "") {
                *filled_units.entry(u).or_default() += 1;
            }
        }
    }
    out.summary.unit = declared_unit(
        &ret.sheet,
        ret.layout.as_ref().map_or(0, |l| l.header_first),
    )
    .filter(|u| Some(u) != target.base_declared.as_ref())
    .or_else(|| {
        filled_units
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(u, _)| u.clone())
    })
    .unwrap_or_default();
    if !years_without_column.is_empty() {
        let years: Vec<String> = years_without_column
            .iter()
            .map(|y| format!("{y}年"))
            .collect();
        out.summary.note = format!("{}的实际值在计划表中没有对应的列，未采用", years.join("、"));
    }
    out
}

/// What the offered values do to the plan of `target`: the cells every file agrees on and the
/// plan has empty (row, col, cell, file), the conflicts, and how many values each file would
/// change.
pub(super) fn decide(
    target: &Target<'_>,
    offered: &BTreeMap<(usize, Year), Vec<Offer>>,
) -> (Vec<Write>, Vec<Conflict>, BTreeMap<String, usize>) {
    let mut writes = Vec::new();
    let mut conflicts = Vec::new();
    let mut changed: BTreeMap<String, usize> = BTreeMap::new();
    for ((pi, year), values) in offered {
        let Some(ind) = target.plan.indicators.get(*pi) else {
            continue;
        };
        let Some(&col) = target.actual_cols.get(year) else {
            continue;
        };
        let row = ind.row.saturating_sub(1) as usize;
        let existing_cell = target.sheet.sheet.cell(row, col);
        let existing = target.sheet.sheet.text(row, col).trim().to_string();
        let mut distinct: Vec<&RawCell> = Vec::new();
        for (_, raw, _) in values {
            if !distinct.iter().any(|d| same_value(d, raw)) {
                distinct.push(raw);
            }
        }
        let agrees_with_base =
            existing.is_empty() || distinct.iter().all(|d| same_value(d, existing_cell));
        if distinct.len() == 1 && agrees_with_base {
            if existing.is_empty() {
                if let Some((_, raw, file)) = values.first() {
                    writes.push((row, col, raw.clone(), file.clone()));
                }
            }
            continue;
        }
        let mut conflict = Conflict {
            row: ind.row,
            name: ind.name.clone(),
            year: *year,
            values: Vec::new(),
            resolved: None,
        };
        if !existing.is_empty() {
            conflict.values.push(ConflictValue {
                file: BASE_FILE.to_string(),
                value: existing.clone(),
            });
        }
        for (text, raw, file) in values {
            conflict.values.push(ConflictValue {
                file: file.clone(),
                value: text.clone(),
            });
            if !existing.is_empty() && !same_value(raw, existing_cell) {
                *changed.entry(file.clone()).or_default() += 1;
            }
        }
        conflicts.push(conflict);
    }
    (writes, conflicts, changed)
}

/// What the return `returned` (named `file`) would give the first table of `base`, without
/// changing it: the same matching, cells and conflicts as [`merge`] of that one return, with
/// the cells to write listed instead of written. `None` when `base` holds no table.
///
/// ```
/// use zhibiao::io::{import, merge};
/// let base = "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n1,人均GDP,元,县统计局,31502,58000,\n";
/// let back = "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n1,人均GDP,元,县统计局,31502,58000,36900\n";
/// let plan = import(base.as_bytes()).unwrap();
/// let prepared = merge::prepare(&plan, "统计局.csv", &import(back.as_bytes()).unwrap()).unwrap();
/// assert_eq!(prepared.summary.filled, 1);
/// assert_eq!((prepared.fills[0].0, prepared.fills[0].1), (1, 6));
/// ```
pub fn prepare(base: &Imported, file: &str, returned: &Imported) -> Option<Prepared> {
    let sheet = base.first_table()?;
    let target = Target::of(base.sheets.get(sheet)?)?;
    let gathered = gather(&target, file, returned);
    let mut offered: BTreeMap<(usize, Year), Vec<Offer>> = BTreeMap::new();
    for (key, offer) in gathered.offers {
        offered.entry(key).or_default().push(offer);
    }
    let (writes, conflicts, changed) = decide(&target, &offered);
    let mut summary = gathered.summary;
    summary.filled = writes.len();
    summary.changed = changed.values().sum();
    Some(Prepared {
        sheet,
        summary,
        fills: writes
            .into_iter()
            .map(|(row, col, raw, _)| (row, col, raw))
            .collect(),
        conflicts,
        unmatched: gathered.unmatched,
        changed_targets: gathered.changed_targets,
    })
}

/// Folds the returns `(file name, import)` into the first table of `base`: every actual a return
/// filled where the plan has an actual column for that year and no value yet is written into
/// the plan's sheet, and the plan is rebuilt from it (keeping the user's overrides). Returns
/// without a table are listed with nothing filled.
pub fn merge(base: &mut Imported, returns: &[(String, Imported)]) -> MergeSummary {
    merge_with_cells(base, returns).0
}

/// [`merge`], with the cells each return filled: (0-based row, column, the file), in the plan's
/// first table.
pub fn merge_with_cells(
    base: &mut Imported,
    returns: &[(String, Imported)],
) -> (MergeSummary, Vec<(usize, usize, String)>) {
    let mut summary = MergeSummary::default();
    let mut cells = Vec::new();
    let Some(index) = base.first_table() else {
        return (summary, cells);
    };
    let (writes, changed) = {
        let Some(target) = base.sheets.get(index).and_then(Target::of) else {
            return (summary, cells);
        };
        // (plan indicator, year) → what each return gave there, in order.
        let mut offered: BTreeMap<(usize, Year), Vec<Offer>> = BTreeMap::new();
        for (file, returned) in returns {
            let gathered = gather(&target, file, returned);
            for (key, offer) in gathered.offers {
                offered.entry(key).or_default().push(offer);
            }
            summary.unmatched.extend(gathered.unmatched);
            summary.changed_targets.extend(gathered.changed_targets);
            summary.returns.push(gathered.summary);
        }
        // Take what every file agrees on; list the rest.
        let (writes, conflicts, changed) = decide(&target, &offered);
        summary.conflicts = conflicts;
        (writes, changed)
    };
    for rs in &mut summary.returns {
        rs.changed += changed.get(&rs.file).copied().unwrap_or(0);
    }
    let Some(target) = base.sheets.get_mut(index) else {
        return (summary, cells);
    };
    for (row, col, raw, file) in writes {
        set_cell(target, row, col, raw);
        cells.push((row, col, file.clone()));
        if let Some(rs) = summary.returns.iter_mut().find(|r| r.file == file) {
            rs.filled += 1;
        }
    }
    rebuild(target);
    summary.missing_units = target.plan.as_ref().map_or_else(Vec::new, |plan| {
        missing_units(plan, summary.returns.iter().map(|r| r.unit.as_str()))
    });
    (summary, cells)
}

/// The plan's units (lead and other, folded, in order) that none of `returned` (the units the
/// returns speak for) names.
pub fn missing_units<'a>(
    plan: &crate::plan::Plan,
    returned: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let returned: BTreeSet<String> = returned
        .into_iter()
        .filter(|u| !u.is_empty())
        .map(fold)
        .collect();
    let all: BTreeSet<String> = plan
        .indicators
        .iter()
        .flat_map(|i| units_of(&i.lead_units, &i.other_units))
        .collect();
    all.into_iter().filter(|u| !returned.contains(u)).collect()
}

/// The cell of the plan (`base`'s first table) a conflict is about: (sheet, 0-based row,
/// 0-based column); `None` when the plan has no actual column of its year.
pub fn cell_of(base: &Imported, conflict: &Conflict) -> Option<(usize, usize, usize)> {
    let sheet = base.first_table()?;
    let col = base
        .sheets
        .get(sheet)?
        .layout
        .as_ref()?
        .actual_cols()
        .get(&conflict.year)
        .copied()?;
    let row = (conflict.row as usize).checked_sub(1)?;
    Some((sheet, row, col))
}

/// The cell a conflict's value is written as: a number as a number, else the text.
pub fn cell_value(text: &str) -> RawCell {
    let text = text.trim();
    match fold(text).replace(',', "").parse::<f64>() {
        Ok(n) if n.is_finite() => RawCell::Number { n, format: None },
        _ => RawCell::Text { s: text.into() },
    }
}

/// Resolves `conflict` (one of a [`MergeSummary`]'s, on `base`'s first table) with `file`'s
/// value: that value is written into the plan's actual cell (a number as a number) and the
/// plan rebuilt; [`BASE_FILE`] keeps the plan's own. The conflict records the choice. Returns
/// `false`, changing nothing, when `file` gave no value in it or the plan has no such cell.
pub fn resolve(base: &mut Imported, conflict: &mut Conflict, file: &str) -> bool {
    let Some(value) = conflict.values.iter().find(|v| v.file == file) else {
        return false;
    };
    let Some((sheet, row, col)) = cell_of(base, conflict) else {
        return false;
    };
    let Some(target) = base.sheets.get_mut(sheet) else {
        return false;
    };
    if file != BASE_FILE {
        set_cell(target, row, col, cell_value(&value.value));
        rebuild(target);
    }
    conflict.resolved = Some(file.to_string());
    true
}

/// For each indicator of a return, the plan's indicator it is, or `None`. Three passes, each
/// taking only a match that no other unmatched plan row could claim as well:
/// 1. the same folded name (spaces, punctuation, `《》` and full-width forms aside; the same
///    sequence breaks ties);
/// 2. the same name once bracketed additions are left out (`地区生产总值（GDP）`, `森林覆盖率(%)`);
/// 3. the return's name (at least five characters) is the plan's with one character dropped,
///    or, at the same sequence, with up to three dropped inside the name (`每千人口执业医师数`
///    for `每千人口拥有执业医师数`), never a word cut off at either end (`地区生产总值` is not
///    `地区生产总值增速`).
///
/// Two names whose brackets say different things (`(上年=100)` / `(1978年=100)`) never match
/// but by the same name.
///
/// A name that changed in any other way (a character replaced: `第一产业` / `第二产业`) is left
/// unmatched, to be listed: a wrong match would put one indicator's value in another's row.
/// Each plan indicator is matched at most once; group rows only to group rows.
pub fn match_rows(plan: &[Indicator], returned: &[Indicator]) -> Vec<Option<usize>> {
    let bare: Vec<String> = plan.iter().map(|i| bracketless_key(&i.name)).collect();
    let brackets: Vec<Vec<String>> = plan.iter().map(|i| bracketed_key(&i.name)).collect();
    // The plan's rows by folded name and by bracketless name, each list in sheet order: a
    // return's row looks up its candidates instead of comparing with every plan row.
    let by_key = rows_by(plan.iter().map(|i| name_key(&i.name)));
    let by_bare = rows_by(bare.iter().cloned());
    let mut used = vec![false; plan.len()];
    let mut out = vec![None; returned.len()];
    // Pass 1: the same name.
    for (k, r) in returned.iter().enumerate() {
        let key = name_key(&r.name);
        if key.is_empty() {
            continue;
        }
        let same: Vec<usize> = by_key
            .get(&key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| !used[i] && plan[i].is_group == r.is_group)
            .collect();
        if let Some(i) = pick_one(plan, &same, r) {
            used[i] = true;
            out[k] = Some(i);
        }
    }
    // Pass 2: the same name without bracketed additions.
    for (k, r) in returned.iter().enumerate() {
        let key = bracketless_key(&r.name);
        if out[k].is_some() || key.is_empty() {
            continue;
        }
        let added = bracketed_key(&r.name);
        let same: Vec<usize> = by_bare
            .get(&key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                !used[i] && plan[i].is_group == r.is_group && !brackets_differ(&added, &brackets[i])
            })
            .collect();
        if let Some(i) = pick_one(plan, &same, r) {
            used[i] = true;
            out[k] = Some(i);
        }
    }
    // Pass 3: characters dropped.
    for (k, r) in returned.iter().enumerate() {
        let key = bracketless_key(&r.name);
        let len = key.chars().count();
        if out[k].is_some() || len < MIN_FUZZY {
            continue;
        }
        let r_seq = seq_key(&r.seq);
        let added = bracketed_key(&r.name);
        let candidates: Vec<(usize, usize)> = (0..plan.len())
            .filter(|&i| {
                !used[i] && plan[i].is_group == r.is_group && !brackets_differ(&added, &brackets[i])
            })
            .filter_map(|i| {
                let (n, at_end) = dropped(&bare[i], &key)?;
                let same_seq = !r_seq.is_empty() && seq_key(&plan[i].seq) == r_seq;
                let ok = n == 1 || (same_seq && n <= 3 && !at_end);
                ok.then_some((n, i))
            })
            .collect();
        let Some(fewest) = candidates.iter().map(|(n, _)| *n).min() else {
            continue;
        };
        let best: Vec<usize> = candidates
            .iter()
            .filter(|(n, _)| *n == fewest)
            .map(|(_, i)| *i)
            .collect();
        if let [i] = best.as_slice() {
            used[*i] = true;
            out[k] = Some(*i);
        }
    }
    out
}

/// The rows of each key, in order.
fn rows_by(keys: impl Iterator<Item = String>) -> HashMap<String, Vec<usize>> {
    let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, key) in keys.enumerate() {
        rows.entry(key).or_default().push(i);
    }
    rows
}

/// The one of `same` (plan rows with the same name) that `r` is: the only one, else the one
/// with `r`'s sequence, else none (never a guess).
fn pick_one(plan: &[Indicator], same: &[usize], r: &Indicator) -> Option<usize> {
    match same {
        [one] => Some(*one),
        [] => None,
        many => {
            let seq = seq_key(&r.seq);
            let mut by_seq = many.iter().copied().filter(|&i| {
                !seq.is_empty() && plan.get(i).is_some_and(|p| seq_key(&p.seq) == seq)
            });
            match (by_seq.next(), by_seq.next()) {
                (Some(i), None) => Some(i),
                // Rows of the same name and no telling them apart: in order, as the sheet has
                // them (a plan that repeats a name repeats it in its returns).
                _ => many.first().copied(),
            }
        }
    }
}

/// How many characters `short` drops from `long` when it is `long` with characters dropped
/// (and nothing else changed), and whether they were all dropped at one end (a word cut off
/// rather than a character lost).
fn dropped(long: &str, short: &str) -> Option<(usize, bool)> {
    let long: Vec<char> = long.chars().collect();
    let short: Vec<char> = short.chars().collect();
    if short.is_empty() || short.len() >= long.len() {
        return None;
    }
    let mut skipped = Vec::new();
    let mut j = 0;
    for (i, c) in long.iter().enumerate() {
        if short.get(j) == Some(c) {
            j += 1;
        } else {
            skipped.push(i);
        }
    }
    if j != short.len() {
        return None;
    }
    let n = skipped.len();
    let prefix = skipped.iter().enumerate().all(|(k, &i)| i == k);
    let suffix = skipped
        .iter()
        .enumerate()
        .all(|(k, &i)| i == long.len() - n + k);
    Some((n, prefix || suffix))
}

/// The shortest name (letters, digits, CJK; brackets aside) that characters dropped may still
/// match: `粮食产量` (4) may be `粮食总产量` with one lost or another indicator.
const MIN_FUZZY: usize = 5;

/// Two names' bracketed parts say different things (`(上年=100)` / `(1978年=100)`): one of
/// them adding brackets the other lacks is fine (each of the other's is among its own), two
/// different ones are not.
fn brackets_differ(a: &[String], b: &[String]) -> bool {
    !(a.iter().all(|x| b.contains(x)) || b.iter().all(|x| a.contains(x)))
}

/// [`name_key`] of what each pair of brackets of the name says, outermost ones only.
fn bracketed_key(name: &str) -> Vec<String> {
    let mut groups = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in fold(name).chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let key = name_key(&current);
                    if !key.is_empty() {
                        groups.push(key);
                    }
                    current.clear();
                }
            }
            _ if depth > 0 => current.push(c),
            _ => {}
        }
    }
    groups
}

/// [`name_key`] of the name without what it adds in brackets (`(GDP)`, `（%）`, `[注1]`).
fn bracketless_key(name: &str) -> String {
    let mut depth = 0usize;
    let outside: String = fold(name)
        .chars()
        .filter(|c| {
            match c {
                '(' | '（' | '[' | '【' => depth += 1,
                ')' | '）' | ']' | '】' => {
                    depth = depth.saturating_sub(1);
                    return false;
                }
                _ => {}
            }
            depth == 0
        })
        .collect();
    name_key(&outside)
}

/// Two cells say the same value: the same number (within a relative 1e-9, so `94` and `94.0`
/// agree), or the same text, spaces around it aside.
fn same_value(a: &RawCell, b: &RawCell) -> bool {
    let (x, y) = (parse(a), parse(b));
    match (&x.value, &y.value) {
        (Value::Number { number: m, .. }, Value::Number { number: n, .. }) => {
            (m.value - n.value).abs() <= 1e-9 * m.value.abs().max(n.value.abs()).max(1.0)
                && x.text.trim().ends_with('%') == y.text.trim().ends_with('%')
        }
        _ => x.text.trim() == y.text.trim(),
    }
}

/// A name compared: folded, without spaces, punctuation and brackets' contents' brackets.
fn name_key(name: &str) -> String {
    fold(name)
        .chars()
        .filter(|c| c.is_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect()
}

/// A sequence compared: folded and trimmed of `.`, `、` and spaces.
fn seq_key(seq: &str) -> String {
    fold(seq)
        .trim()
        .trim_end_matches(['.', '、', ' '])
        .to_string()
}

/// The year of a return's base column that is really an actual: a table with a target and no
/// base column takes its actual of a year before the plan period for the base
/// ([`Why::BeforePlan`]), which for a return is still that year's actual.
fn actual_taken_for_base(layout: &Layout) -> Option<Year> {
    let base = layout.columns.iter().find(|c| c.role == Role::Base)?;
    if !base.why.contains(&Why::BeforePlan) {
        return None;
    }
    header_year(&base.header)
}

/// Each actual a return's row gives: (year, value, the cell as the return holds it), its base
/// included as the actual of `base_year` where the base column is an actual column.
fn actuals_of(
    ret: &ImportedSheet,
    ri: &Indicator,
    base_year: Option<Year>,
    bare_years: &BTreeMap<Year, usize>,
) -> Vec<(Year, Given, RawCell)> {
    let mut out: Vec<(Year, Given, RawCell)> = ri
        .actual
        .iter()
        .map(|(year, given)| {
            let raw = raw_of(ret, ri, *year).unwrap_or(RawCell::Text {
                s: (&*given.text).into(),
            });
            (*year, given.clone(), raw)
        })
        .collect();
    if let (Some(year), Some(layout)) = (base_year, ret.layout.as_ref()) {
        if !ri.actual.contains_key(&year) {
            let raw = layout
                .col(Role::Base)
                .zip(ri.row.checked_sub(1))
                .map(|(col, row)| ret.sheet.cell(row as usize, col).clone())
                .unwrap_or(RawCell::Text {
                    s: (&*ri.base.text).into(),
                });
            out.push((year, ri.base.clone(), raw));
        }
    }
    for (year, col) in bare_years {
        if let (Some(given), Some(row)) = (ri.yearly.get(year), ri.row.checked_sub(1)) {
            if !ri.actual.contains_key(year) {
                out.push((
                    *year,
                    given.clone(),
                    ret.sheet.cell(row as usize, *col).clone(),
                ));
            }
        }
    }
    out
}

/// The return's columns headed by a bare year (`2021年`, read as a yearly target) where the
/// plan has an actual column of that year and no yearly target column of it: a unit that
/// headed its actuals by the year alone. Year → the return's column. A year that heads another
/// column of the return too (`2025年` over the target and over the actual) is not guessed.
fn bare_actual_years(
    plan: &Layout,
    ret: &Layout,
    sheet: &crate::table::grid::Sheet,
) -> BTreeMap<Year, usize> {
    let plan_actual = plan.actual_cols();
    let headed = |y: Year| {
        (ret.header_first..=ret.header_last)
            .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
            .filter(|&(r, c)| header_year(&sheet.text(r, c)) == Some(y))
            .count()
    };
    ret.columns
        .iter()
        .filter_map(|c| match c.role {
            Role::Yearly(y) => Some((y, c.col)),
            _ => None,
        })
        .filter(|(y, _)| headed(*y) <= 1)
        .filter(|(y, _)| {
            plan_actual.contains_key(y)
                && !plan.columns.iter().any(|c| c.role == Role::Yearly(*y))
                && !ret.columns.iter().any(|c| c.role == Role::Actual(*y))
        })
        .collect()
}

/// The base, target, yearly targets and typed targets `ret` (a return's row) states differently
/// from `plan` (the plan's row it matched, with its results `computed`), as the summary lists
/// them; the base only where
/// `base_stated` (the return has a base column of its own, not one taken from its actuals).
fn changed_targets<'c>(
    file: &str,
    plan: &Indicator,
    computed: impl Fn() -> Option<&'c IndicatorResult>,
    ret: &Indicator,
    base_stated: bool,
    bare_years: &BTreeMap<Year, usize>,
) -> Vec<ChangedTarget> {
    let mut out = Vec::new();
    let mut push = |what: String, plan_text: &str, value: &str| {
        out.push(ChangedTarget {
            file: file.to_string(),
            row: plan.row,
            name: plan.name.clone(),
            what,
            plan: plan_text.trim().to_string(),
            value: value.trim().to_string(),
        });
    };
    let differs = |a: &str, b: &str| {
        !same_value(
            &RawCell::Text { s: a.into() },
            &RawCell::Text { s: b.into() },
        )
    };
    for (what, p, r) in [
        ("基期值", &plan.base, &ret.base),
        ("目标值", &plan.target, &ret.target),
    ] {
        if what == "基期值" && !base_stated {
            continue;
        }
        if r.value != Value::Empty && differs(&p.text, &r.text) {
            push(what.to_string(), &p.text, &r.text);
        }
    }
    for (year, r) in &ret.yearly {
        if r.value == Value::Empty || bare_years.contains_key(year) {
            continue;
        }
        // A return that read the plan's base column as its first year's target restates the
        // base: nothing changed.
        if plan.base_year == Some(*year) && !differs(&plan.base.text, &r.text) {
            continue;
        }
        match plan.yearly.get(year) {
            Some(g) => {
                if differs(&g.text, &r.text) {
                    push(format!("{year}年目标"), &g.text, &r.text);
                }
            }
            // The plan's own yearly target is computed: a return that kept what the export
            // filled in (its round-trip sheet lost, say) changed nothing.
            None => {
                let shown = computed()
                    .and_then(|c| c.yearly.get(year))
                    .map(|t| t.shown());
                if shown.as_deref().is_none_or(|p| differs(p, &r.text)) {
                    let p = shown.map(|p| format!("{p}（测算）")).unwrap_or_default();
                    push(format!("{year}年目标"), &p, &r.text);
                }
            }
        }
    }
    for (year, v) in &ret.manual {
        let p = plan
            .manual
            .get(year)
            .map(|m| m.to_string())
            .or_else(|| plan.yearly.get(year).map(|g| g.text.to_string()))
            .unwrap_or_default();
        let typed = v.to_string();
        if differs(&p, &typed) {
            push(format!("{year}年目标（手动）"), &p, &typed);
        }
    }
    out
}

/// The raw cell of `ind`'s actual of `year` in its return, as the return's sheet holds it.
fn raw_of(sheet: &ImportedSheet, ind: &Indicator, year: Year) -> Option<RawCell> {
    let col = *sheet.layout.as_ref()?.actual_cols().get(&year)?;
    let row = ind.row.checked_sub(1)? as usize;
    Some(sheet.sheet.cell(row, col).clone())
}

/// The unit a return says it speaks for: a `报送单位：…` / `填报单位：…` line above its header.
/// The unit a sheet says it is filled in by (`报送单位：…` above its table), as a unit's copy
/// from 分发 names it; `None` when it names none.
pub fn declared_unit_of(sheet: &ImportedSheet) -> Option<String> {
    declared_unit(&sheet.sheet, sheet.layout.as_ref()?.header_first)
}

fn declared_unit(sheet: &crate::table::grid::Sheet, header_first: usize) -> Option<String> {
    for r in 0..header_first.min(sheet.rows.len()) {
        for c in 0..sheet.width() {
            let text = fold(&sheet.text(r, c));
            for label in ["报送单位", "填报单位", "报送部门", "填报部门"] {
                if let Some(rest) = text.split(label).nth(1) {
                    let unit: String = rest
                        .trim_start_matches([':', '：', ' '])
                        .split([' ', '　', '（', '(', '）', ')', '，', ','])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    if !unit.is_empty() {
                        return Some(unit);
                    }
                }
            }
        }
    }
    None
}

/// Writes `raw` into the sheet at (`row`, `col`), growing the row when it is short.
fn set_cell(target: &mut ImportedSheet, row: usize, col: usize, raw: RawCell) {
    if let Some(cells) = target.sheet.rows.get_mut(row) {
        if cells.len() <= col {
            cells.resize(col + 1, RawCell::Empty);
        }
        if let Some(cell) = cells.get_mut(col) {
            *cell = raw;
        }
    }
}

/// The plan built again from the sheet, keeping each indicator's overrides and typed values
/// and the plan's settings.
fn rebuild(target: &mut ImportedSheet) {
    let (Some(layout), Some(old)) = (target.layout.as_ref(), target.plan.as_ref()) else {
        return;
    };
    let mut plan = build_plan(&target.sheet, layout);
    plan.settings = old.settings.clone();
    for (new, old) in plan.indicators.iter_mut().zip(&old.indicators) {
        if new.row == old.row {
            new.overrides = old.overrides.clone();
            new.manual = old.manual.clone();
        }
    }
    target.plan = Some(plan);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(seq: &str, name: &str) -> Indicator {
        Indicator {
            seq: seq.into(),
            name: name.into(),
            ..Indicator::default()
        }
    }

    #[test]
    fn rows_match_by_name_then_without_brackets() {
        let plan = [
            ind("1", "地区生产总值"),
            ind("2", "一般公共预算收入"),
            ind("3", "常住人口城镇化率"),
            ind("4", "森林覆盖率"),
        ];
        let returned = [
            ind("1", "地区生产总值（GDP）"),  // renamed a little, same sequence
            ind("2", "新增指标：招商引资额"), // inserted: matches nothing
            ind("3", "一般公共预算收入"),     // moved down a row: the same name
            ind("4", "常住人口 城镇化率"),    // spaces: the same folded name
            ind("5", "森林覆盖率(%)"),        // brackets and a new sequence: the name without them
        ];
        assert_eq!(
            match_rows(&plan, &returned),
            [Some(0), None, Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn a_dropped_character_matches_a_replaced_one_or_a_cut_word_does_not() {
        let plan = [
            ind("1", "第一产业增加值"),
            ind("2", "地区生产总值增速"),
            ind("3", "每千人口拥有执业医师数"),
            ind("4", "城镇新增就业人数"),
        ];
        let returned = [
            ind("1", "第二产业增加值"), // another indicator: one character replaced
            ind("2", "地区生产总值"),   // another indicator: a word less at the end
            ind("3", "每千人口执业医师数"), // the same sequence, two characters dropped inside
            ind("9", "城镇新增就业数"), // one character dropped
        ];
        assert_eq!(match_rows(&plan, &returned), [None, None, Some(2), Some(3)]);
        assert_eq!(dropped("地区生产总值增速", "地区生产总值"), Some((2, true)));
        assert_eq!(
            dropped("城镇新增就业人数", "城镇新增就业数"),
            Some((1, false))
        );
        assert_eq!(dropped("第一产业增加值", "第二产业增加值"), None);
    }

    #[test]
    fn an_ambiguous_name_is_not_guessed() {
        let plan = [
            ind("1", "城镇居民人均可支配收入"),
            ind("2", "农村居民人均可支配收入"),
        ];
        // Equally like both: neither is taken.
        assert_eq!(match_rows(&plan, &[ind("9", "居民人均可支配收入")]), [None]);
    }

    #[test]
    fn a_declared_unit_is_read_from_the_title_rows() {
        let sheet = crate::table::grid::Sheet {
            name: "s".into(),
            rows: vec![vec![RawCell::Text {
                s: "报送单位：县统计局（盖章）".into(),
            }]],
            merges: vec![],
        };
        assert_eq!(declared_unit(&sheet, 1).as_deref(), Some("县统计局"));
        assert_eq!(declared_unit(&sheet, 0), None);
    }
}
