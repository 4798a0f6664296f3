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
use std::collections::{BTreeMap, BTreeSet};

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
type Offer = (String, RawCell, String);

/// The name of a plan's own value in a conflict.
pub const BASE_FILE: &str = "base";

/// Folds the returns `(file name, import)` into the first table of `base`: every actual a return
/// filled where the plan has an actual column for that year and no value yet is written into
/// the plan's sheet, and the plan is rebuilt from it (keeping the user's overrides). Returns
/// without a table are listed with nothing filled.
pub fn merge(base: &mut Imported, returns: &[(String, Imported)]) -> MergeSummary {
    let mut summary = MergeSummary::default();
    let Some(index) = base.first_table() else {
        return summary;
    };
    let Some(target) = base.sheets.get_mut(index) else {
        return summary;
    };
    let (Some(layout), Some(plan)) = (target.layout.clone(), target.plan.as_ref()) else {
        return summary;
    };
    let actual_cols = layout.actual_cols();
    // The plan's yearly targets as the export fills them in, to tell a return's copy of them
    // from a target it changed.
    let computed = crate::plan::compute(plan, &crate::plan::Options::default());
    // A copy of the plan carries the plan's own 报送单位 line: that says nothing of who sent it.
    let base_declared = declared_unit(&target.sheet, layout.header_first);
    // (plan indicator, year) → what each return gave there, in order.
    let mut offered: BTreeMap<(usize, Year), Vec<Offer>> = BTreeMap::new();
    let mut units_returned = BTreeSet::new();
    for (file, returned) in returns {
        let mut rs = ReturnSummary {
            file: file.clone(),
            unit: String::new(),
            filled: 0,
            changed: 0,
            note: String::new(),
        };
        let Some(ret) = returned.first_table().and_then(|i| returned.sheets.get(i)) else {
            rs.note = "没有识别出指标表，未采用".to_string();
            summary.returns.push(rs);
            continue;
        };
        let Some(ret_plan) = ret.plan.as_ref() else {
            rs.note = "没有识别出指标表，未采用".to_string();
            summary.returns.push(rs);
            continue;
        };
        let matches = match_rows(&plan.indicators, &ret_plan.indicators);
        let mut years_without_column = BTreeSet::new();
        let mut filled_units: BTreeMap<String, usize> = BTreeMap::new();
        for (k, m) in matches.iter().enumerate() {
            let Some(ri) = ret_plan.indicators.get(k) else {
                continue;
            };
            let Some(pi) = *m else {
                if !ri.is_group && !ri.name.trim().is_empty() {
                    summary.unmatched.push(Unmatched {
                        file: file.clone(),
                        row: ri.row,
                        name: ri.name.clone(),
                    });
                }
                continue;
            };
            let base_is_actual = ret.layout.as_ref().and_then(actual_taken_for_base);
            if let Some(pind) = plan.indicators.get(pi) {
                let base_stated = ret
                    .layout
                    .as_ref()
                    .is_some_and(|l| l.col(Role::Base).is_some())
                    && base_is_actual.is_none();
                summary.changed_targets.extend(changed_targets(
                    file,
                    pind,
                    computed.indicators.get(pi),
                    ri,
                    base_stated,
                ));
            }
            let mut gave = false;
            for (year, given, raw) in actuals_of(ret, ri, base_is_actual) {
                if given.value == Value::Empty {
                    continue;
                }
                if !actual_cols.contains_key(&year) {
                    years_without_column.insert(year);
                    continue;
                }
                offered.entry((pi, year)).or_default().push((
                    given.text.trim().to_string(),
                    raw,
                    file.clone(),
                ));
                gave = true;
            }
            if gave {
                for u in units_of(&ri.lead_units, "") {
                    *filled_units.entry(u).or_default() += 1;
                }
            }
        }
        rs.unit = declared_unit(
            &ret.sheet,
            ret.layout.as_ref().map_or(0, |l| l.header_first),
        )
        .filter(|u| Some(u) != base_declared.as_ref())
        .or_else(|| {
            filled_units
                .iter()
                .max_by_key(|(_, n)| **n)
                .map(|(u, _)| u.clone())
        })
        .unwrap_or_default();
        if !rs.unit.is_empty() {
            units_returned.insert(fold(&rs.unit));
        }
        if !years_without_column.is_empty() {
            let years: Vec<String> = years_without_column
                .iter()
                .map(|y| format!("{y}年"))
                .collect();
            rs.note = format!("{}的实际值在计划表中没有对应的列，未采用", years.join("、"));
        }
        summary.returns.push(rs);
    }

    // Take what every file agrees on; list the rest.
    let mut writes: Vec<(usize, usize, RawCell, String)> = Vec::new();
    for ((pi, year), values) in &offered {
        let Some(ind) = plan.indicators.get(*pi) else {
            continue;
        };
        let Some(&col) = actual_cols.get(year) else {
            continue;
        };
        let row = ind.row.saturating_sub(1) as usize;
        let existing_cell = target.sheet.cell(row, col).clone();
        let existing = target.sheet.text(row, col).trim().to_string();
        let mut distinct: Vec<&RawCell> = Vec::new();
        for (_, raw, _) in values {
            if !distinct.iter().any(|d| same_value(d, raw)) {
                distinct.push(raw);
            }
        }
        let agrees_with_base =
            existing.is_empty() || distinct.iter().all(|d| same_value(d, &existing_cell));
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
            if !existing.is_empty() && !same_value(raw, &existing_cell) {
                if let Some(rs) = summary.returns.iter_mut().find(|r| r.file == *file) {
                    rs.changed += 1;
                }
            }
        }
        summary.conflicts.push(conflict);
    }
    for (row, col, raw, file) in writes {
        set_cell(target, row, col, raw);
        if let Some(rs) = summary.returns.iter_mut().find(|r| r.file == file) {
            rs.filled += 1;
        }
    }
    rebuild(target);

    let all_units: BTreeSet<String> = target
        .plan
        .iter()
        .flat_map(|p| &p.indicators)
        .flat_map(|i| units_of(&i.lead_units, &i.other_units))
        .collect();
    summary.missing_units = all_units
        .into_iter()
        .filter(|u| !units_returned.contains(u))
        .collect();
    summary
}

/// Resolves `conflict` (one of a [`MergeSummary`]'s, on `base`'s first table) with `file`'s
/// value: that value is written into the plan's actual cell (a number as a number) and the
/// plan rebuilt; [`BASE_FILE`] keeps the plan's own. The conflict records the choice. Returns
/// `false`, changing nothing, when `file` gave no value in it or the plan has no such cell.
pub fn resolve(base: &mut Imported, conflict: &mut Conflict, file: &str) -> bool {
    let Some(value) = conflict.values.iter().find(|v| v.file == file) else {
        return false;
    };
    let Some(target) = base.first_table().and_then(|i| base.sheets.get_mut(i)) else {
        return false;
    };
    let Some(col) = target
        .layout
        .as_ref()
        .and_then(|l| l.actual_cols().get(&conflict.year).copied())
    else {
        return false;
    };
    let Some(row) = (conflict.row as usize).checked_sub(1) else {
        return false;
    };
    if file != BASE_FILE {
        let text = value.value.trim();
        let raw = match fold(text).replace(',', "").parse::<f64>() {
            Ok(n) if n.is_finite() => RawCell::Number { n, format: None },
            _ => RawCell::Text {
                s: text.to_string(),
            },
        };
        set_cell(target, row, col, raw);
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
    let keys: Vec<String> = plan.iter().map(|i| name_key(&i.name)).collect();
    let bare: Vec<String> = plan.iter().map(|i| bracketless_key(&i.name)).collect();
    let mut used = vec![false; plan.len()];
    let mut out = vec![None; returned.len()];
    // Pass 1: the same name.
    for (k, r) in returned.iter().enumerate() {
        let key = name_key(&r.name);
        if key.is_empty() {
            continue;
        }
        let same: Vec<usize> = (0..plan.len())
            .filter(|&i| !used[i] && keys[i] == key && plan[i].is_group == r.is_group)
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
        let same: Vec<usize> = (0..plan.len())
            .filter(|&i| {
                !used[i]
                    && bare[i] == key
                    && plan[i].is_group == r.is_group
                    && !brackets_differ(&added, &bracketed_key(&plan[i].name))
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
                !used[i]
                    && plan[i].is_group == r.is_group
                    && !brackets_differ(&added, &bracketed_key(&plan[i].name))
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
) -> Vec<(Year, Given, RawCell)> {
    let mut out: Vec<(Year, Given, RawCell)> = ri
        .actual
        .iter()
        .map(|(year, given)| {
            let raw = raw_of(ret, ri, *year).unwrap_or(RawCell::Text {
                s: given.text.clone(),
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
                    s: ri.base.text.clone(),
                });
            out.push((year, ri.base.clone(), raw));
        }
    }
    out
}

/// The base, target, yearly targets and typed targets `ret` (a return's row) states differently
/// from `plan` (the plan's row it matched, with its results `computed`), as the summary lists
/// them; the base only where
/// `base_stated` (the return has a base column of its own, not one taken from its actuals).
fn changed_targets(
    file: &str,
    plan: &Indicator,
    computed: Option<&IndicatorResult>,
    ret: &Indicator,
    base_stated: bool,
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
            &RawCell::Text { s: a.to_string() },
            &RawCell::Text { s: b.to_string() },
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
        if r.value == Value::Empty {
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
                let shown = computed.and_then(|c| c.yearly.get(year)).map(|t| t.shown());
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
            .or_else(|| plan.yearly.get(year).map(|g| g.text.clone()))
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
