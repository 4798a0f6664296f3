//! Filters from a column header, like Excel's AutoFilter: each filtered column keeps the rows
//! whose shown value is one of the values ticked in its list. Only what the grid shows changes:
//! the document, the plan and every export keep all rows.
//!
//! The table's rows are filtered (from the first body row to the last row of the table); rows
//! below it (notes, footers) stay. A cell inside a merged range has the range's value, so a
//! category written once beside its rows filters all of them.
//!
//! The unit filter ([`unit_rows`]) keeps the rows of the indicators one unit leads (or leads
//! or helps with), in the same way: only the grid changes.

use super::grid::GridModel;
use crate::error::Lang;
use crate::io::appended;
use crate::plan::score::{fold, fold_cow, split_units, unit_pieces};
use crate::plan::{Plan, PlanResults};
use crate::table::grid::Sheet;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

/// The value lists show at most this many distinct values.
pub const MAX_VALUES: usize = 1_000;

/// The filtered columns and the values each keeps.
pub type Filters = BTreeMap<usize, BTreeSet<String>>;

/// The value a cell counts as: what it shows, or for a cell inside a merged range what the
/// range shows.
pub fn value_of(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    r: usize,
    c: usize,
) -> String {
    let (r, c) = model.anchor_of(r, c);
    model.text(sheet, results, r, c).trim().to_string()
}

/// Whether a filter that keeps `keep` keeps a cell showing `value`. A completion status counts
/// as the same value in either language, so a filter set in Chinese keeps its rows after the
/// page switches to English and back.
pub fn keeps(keep: &BTreeSet<String>, value: &str) -> bool {
    keep.contains(value)
        || appended::status_of_word(value).is_some_and(|s| {
            [Lang::Zh, Lang::En]
                .iter()
                .any(|&l| keep.contains(appended::status_word(l, s)))
        })
}

/// The rows a filter applies to: the table's body.
fn filtered_rows(model: &GridModel) -> Range<usize> {
    let end = (model.data_last + 1).clamp(model.body_start, model.rows);
    model.body_start..end
}

/// The distinct values of column `col` over the table's rows with how many rows show each,
/// most frequent first (then by text; the empty value last), at most [`MAX_VALUES`].
pub fn column_values(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    col: usize,
) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in filtered_rows(model) {
        *counts
            .entry(value_of(model, sheet, results, r, col))
            .or_default() += 1;
    }
    let mut values: Vec<(String, usize)> = counts.into_iter().collect();
    values.sort_by(|a, b| {
        a.0.is_empty()
            .cmp(&b.0.is_empty())
            .then(b.1.cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
    values.truncate(MAX_VALUES);
    values
}

/// The body rows the grid shows: every row from the body's first, or with filters those of the
/// table whose values pass every filter, and the rows below the table.
pub fn visible_rows(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    filters: &Filters,
) -> BodyRows {
    visible_rows_of(model, sheet, results, filters, None)
}

/// [`visible_rows`] with the table's rows also limited to `only` (0-based sheet rows: the unit
/// filter's, [`unit_rows`]) where it is given.
pub fn visible_rows_of(
    model: &GridModel,
    sheet: &Sheet,
    results: Option<&PlanResults>,
    filters: &Filters,
    only: Option<&BTreeSet<usize>>,
) -> BodyRows {
    if filters.is_empty() && only.is_none() {
        return BodyRows::All(model.body_start..model.rows.max(model.body_start));
    }
    let table = filtered_rows(model);
    let rows = (model.body_start..model.rows)
        .filter(|&r| {
            !table.contains(&r)
                || (only.is_none_or(|o| o.contains(&r))
                    && filters
                        .iter()
                        .all(|(&c, keep)| keeps(keep, &value_of(model, sheet, results, r, c))))
        })
        .collect();
    BodyRows::Some(rows)
}

/// A unit with how many indicators it leads and how many name it at all ([`unit_counts`]).
pub type UnitCount = (String, usize, usize);

/// A unit filter: the unit, and whether only rows it leads count (else rows naming it as lead
/// or other unit).
pub type UnitFilter = (String, bool);

/// The unit filter a sheet opens with: a unit's own copy (its title names the unit it is for,
/// `（报送单位：县统计局）`, as 分发 writes it) shows that unit's rows, lead or other; any other
/// sheet opens unfiltered. A declared unit that no row names filters nothing.
pub fn own_unit(sheet: &crate::io::ImportedSheet) -> Option<UnitFilter> {
    let declared = fold(&crate::io::merge::declared_unit_of(sheet)?);
    let plan = sheet.plan.as_ref()?;
    unit_counts(plan)
        .into_iter()
        .find(|(unit, _, _)| fold(unit) == declared)
        .map(|(unit, _, _)| (unit, false))
}

/// A checksum of what [`unit_counts`] reads (each row's lead and other unit cells and whether
/// it is a group row), so that the counts are recomputed only when one of those changed: most
/// document changes (a value typed, a method overridden) leave them as they were, and counting
/// splits and folds every row's cells (≈ 100 ms at 100,000 rows in the page). Eight bytes at a
/// time, each cell's length mixed in (a text moved from one cell to the next changes it), then a
/// final avalanche: 7 → 3 ms at 20,000 rows natively against byte-by-byte FNV-1a. A key, never
/// a hash table's, so no text can make it slow.
pub fn units_key(plan: &Plan) -> u64 {
    units_key_of(&plan.indicators)
}

/// [`units_key`] of some of a plan's indicators.
pub fn units_key_of(indicators: &[crate::plan::Indicator]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for ind in indicators {
        key_eat(&mut h, ind.lead_units.as_bytes());
        key_eat(&mut h, ind.other_units.as_bytes());
        key_mix(&mut h, u64::from(ind.is_group));
    }
    // splitmix64's finaliser: every input bit moves every output bit.
    h ^= h >> 30;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// What tells one plan's units from another's at a glance (not a key: two plans that differ
/// in a middle row look the same): the number of indicators and the units of the first and
/// last two.
pub fn units_look(plan: &Plan) -> (usize, u64) {
    let all = &plan.indicators;
    let head = all.get(..2.min(all.len())).unwrap_or_default();
    let tail = all.get(all.len().saturating_sub(2)..).unwrap_or_default();
    (
        all.len(),
        units_key_of(head).rotate_left(17) ^ units_key_of(tail),
    )
}

/// The units of the last plans counted ([`unit_counts`]), by their units' key ([`units_key`]):
/// a value typed does not count the units of every row again.
///
/// The key itself reads every row's unit cells (≈ 20 ms at 100,000 rows in the page), so the
/// unit filter renders from the counts kept whenever they are of a plan that looks the same
/// ([`units_look`]: its number of indicators and the units of its first and last rows;
/// [`UnitCounts::seen`]) and checks the key after the next frame ([`UnitCounts::refresh`]): an
/// edit repaints without reading every row, and the counts follow an edited unit cell a frame
/// later.
///
/// Two plans' counts are kept, the latest first: a check scheduled for the plan on screen may
/// run while the next one is being opened, after its units were counted (they stay).
#[derive(Debug, Default)]
pub struct UnitCounts {
    kept: Vec<Counted>,
}

/// How many plans' counts [`UnitCounts`] keeps.
const KEPT: usize = 2;

/// Counts, and the key and look of the plan they are of.
#[derive(Debug)]
struct Counted {
    key: u64,
    look: (usize, u64),
    counts: Vec<UnitCount>,
}

impl UnitCounts {
    /// The counts of the plan whose units' key is `key`, if they are kept.
    pub fn known(&self, key: u64) -> Option<&[UnitCount]> {
        self.kept
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.counts.as_slice())
    }

    /// Keeps `counts` of `plan` (whose key is `key`) as the latest.
    pub fn keep(&mut self, key: u64, plan: &Plan, counts: Vec<UnitCount>) {
        self.kept.retain(|c| c.key != key);
        self.kept.insert(
            0,
            Counted {
                key,
                look: units_look(plan),
                counts,
            },
        );
        self.kept.truncate(KEPT);
    }

    /// The counts kept of a plan that looks like `plan`; else `plan`'s, counted now unless its
    /// key is known.
    pub fn seen(&mut self, plan: &Plan) -> Vec<UnitCount> {
        let looks = units_look(plan);
        if let Some(c) = self.kept.iter().find(|c| c.look == looks) {
            return c.counts.clone();
        }
        let key = units_key(plan);
        if let Some(counts) = self.known(key) {
            return counts.to_vec();
        }
        let counts = unit_counts(plan);
        self.keep(key, plan, counts.clone());
        counts
    }

    /// Counts `plan`'s units again unless counts of its key are kept; `true` when the counts
    /// [`seen`](Self::seen) gives for it were not its own (they are now).
    pub fn refresh(&mut self, plan: &Plan) -> bool {
        let key = units_key(plan);
        let looks = units_look(plan);
        if self.kept.iter().find(|c| c.look == looks).map(|c| c.key) == Some(key) {
            return false;
        }
        let counts = match self.known(key) {
            Some(counts) => counts.to_vec(),
            None => unit_counts(plan),
        };
        self.keep(key, plan, counts);
        true
    }
}

/// One word into a [`units_key`].
fn key_mix(h: &mut u64, word: u64) {
    *h = (h.rotate_left(23) ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
}

/// One cell's bytes into a [`units_key`]: its length, then its bytes eight at a time (the last
/// word padded with zeros; the length tells the padding from a text's own zeros).
fn key_eat(h: &mut u64, bytes: &[u8]) {
    key_mix(h, bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        key_mix(h, u64::from_le_bytes(w));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        if let Some(head) = w.get_mut(..rest.len()) {
            head.copy_from_slice(rest);
        }
        key_mix(h, u64::from_le_bytes(w));
    }
}

/// Every unit the plan's rows name (lead units first as met, then other units), with how many
/// indicators it leads and how many name it at all; compared as the score rules compare them.
pub fn unit_counts(plan: &Plan) -> Vec<(String, usize, usize)> {
    crate::pace::finish(unit_counts_paced(plan, &mut crate::pace::Straight)).unwrap_or_default()
}

/// The indicators counted between two of [`unit_counts_paced`]'s steps.
const UNITS_STEP: usize = 8192;

/// [`unit_counts`] in slices: `pace` is stepped every `UNITS_STEP` indicators (the page counts
/// a new plan's units before showing it, in tasks of its own).
pub async fn unit_counts_paced<P: crate::pace::Pace>(
    plan: &Plan,
    pace: &mut P,
) -> Vec<(String, usize, usize)> {
    // Called for every plan the unit filter shows and after every edit of unit cells, for every
    // indicator: no set or string per indicator, one folded key per unit met for the first time (a unit's lead units come
    // first, so every lead unit is counted before its other units are met).
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut seen: Vec<usize> = Vec::new();
    for (n, ind) in plan.indicators.iter().enumerate() {
        if n % UNITS_STEP == UNITS_STEP - 1 {
            pace.step(crate::pace::Stage::Compute, 1.0).await;
        }
        if ind.is_group {
            continue;
        }
        seen.clear();
        let leads = unit_pieces(&ind.lead_units).map(|u| (u, true));
        let others = unit_pieces(&ind.other_units).map(|u| (u, false));
        for (u, lead) in leads.chain(others) {
            let key = fold_cow(u);
            let i = match index.get(key.as_ref()) {
                Some(&i) => i,
                None => {
                    out.push((u.to_string(), 0, 0));
                    index.insert(key.into_owned(), out.len() - 1);
                    out.len() - 1
                }
            };
            if seen.contains(&i) {
                continue;
            }
            seen.push(i);
            if let Some(entry) = out.get_mut(i) {
                entry.2 += 1;
                if lead {
                    entry.1 += 1;
                }
            }
        }
    }
    out
}

/// The 0-based sheet rows of the indicators that name `unit` (as lead unit only, with
/// `lead_only`).
pub fn unit_rows(plan: &Plan, unit: &str, lead_only: bool) -> BTreeSet<usize> {
    let key = fold(unit);
    plan.indicators
        .iter()
        .filter(|i| !i.is_group)
        .filter(|i| {
            let lead = split_units(&i.lead_units).iter().any(|u| fold(u) == key);
            lead || (!lead_only && split_units(&i.other_units).iter().any(|u| fold(u) == key))
        })
        .filter_map(|i| (i.row as usize).checked_sub(1))
        .collect()
}

/// The body rows shown, in order: all of a range, or a list (filtered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyRows {
    All(Range<usize>),
    Some(Vec<usize>),
}

impl Default for BodyRows {
    fn default() -> Self {
        Self::All(0..0)
    }
}

impl BodyRows {
    /// How many rows are shown.
    pub fn len(&self) -> usize {
        match self {
            Self::All(r) => r.len(),
            Self::Some(v) => v.len(),
        }
    }

    /// Whether no row is shown.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sheet row shown at `index` (0-based from the body's top).
    pub fn row(&self, index: usize) -> Option<usize> {
        match self {
            Self::All(r) => r.clone().nth(index),
            Self::Some(v) => v.get(index).copied(),
        }
    }

    /// Where sheet row `row` is shown, if it is.
    pub fn index_of(&self, row: usize) -> Option<usize> {
        match self {
            Self::All(r) => r.contains(&row).then(|| row - r.start),
            Self::Some(v) => v.binary_search(&row).ok(),
        }
    }

    /// The sheet rows shown at `indices`, as runs of consecutive sheet rows (each run is
    /// rendered as one window of the sheet).
    pub fn runs(&self, indices: Range<usize>) -> Vec<Range<usize>> {
        let end = indices.end.min(self.len());
        let start = indices.start.min(end);
        match self {
            Self::All(r) => {
                if start == end {
                    Vec::new()
                } else {
                    std::iter::once(r.start + start..r.start + end).collect()
                }
            }
            Self::Some(v) => {
                let mut runs: Vec<Range<usize>> = Vec::new();
                for &row in &v[start..end] {
                    match runs.last_mut() {
                        Some(run) if run.end == row => run.end += 1,
                        _ => runs.push(row..row + 1),
                    }
                }
                runs
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filter on a status column set in one language keeps the same rows in the other.
    #[test]
    fn a_status_filter_keeps_its_rows_in_either_language() {
        use std::collections::HashSet;
        // 2021: 62 meets the linear target 62 (达到序时进度); 31000 is behind 34000 (滞后).
        let csv = "序号,指标名称,单位,2020年,2025年,2021年实际\n\
                   1,森林覆盖率,%,60,70,62\n\
                   2,人均GDP,元,30000,50000,31000\n";
        let imported = crate::io::import(csv.as_bytes()).unwrap();
        let s = &imported.sheets[0];
        let plan = s.plan.as_ref().unwrap();
        let results = crate::plan::compute(plan, &crate::plan::Options::default());
        let zh = GridModel::new(&s.sheet, s.layout.as_ref(), Some(plan), &HashSet::new());
        let en = GridModel::new(&s.sheet, s.layout.as_ref(), Some(plan), &HashSet::new())
            .in_lang(Lang::En);
        let status_col = 7; // F 2021年实际, G 实现程度, H 状态
        assert_eq!(
            zh.text(&s.sheet, Some(&results), 2, status_col),
            "滞后序时进度"
        );
        assert_eq!(
            en.text(&s.sheet, Some(&results), 2, status_col),
            "behind schedule"
        );
        let lagging: Filters = [(status_col, ["滞后序时进度".to_string()].into())].into();
        let rows = |m: &GridModel, f: &Filters| match visible_rows(m, &s.sheet, Some(&results), f) {
            BodyRows::Some(rows) => rows,
            BodyRows::All(rows) => rows.collect(),
        };
        assert_eq!(rows(&zh, &lagging), [2]);
        assert_eq!(rows(&en, &lagging), [2], "the Chinese filter in English");
        let on_schedule: Filters = [(status_col, ["on schedule".to_string()].into())].into();
        assert_eq!(
            rows(&zh, &on_schedule),
            [1],
            "the English filter in Chinese"
        );
        assert!(!keeps(&["滞后序时进度".to_string()].into(), "on schedule"));
        assert!(!keeps(&["甲".to_string()].into(), "乙"));
    }

    /// A unit's copy from 分发 opens on its own rows; the plan itself, and a copy whose declared
    /// unit no row names, open unfiltered.
    #[test]
    fn a_units_copy_opens_on_its_own_rows() {
        let csv = "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年\n\
                   1,人均GDP,元,县统计局,县发改局,1,2\n\
                   2,财政收入,亿元,县财政局,县统计局,1,2\n\
                   3,森林覆盖率,%,县林业局,,1,2\n";
        let plan = crate::io::import(csv.as_bytes()).unwrap();
        assert_eq!(
            own_unit(&plan.sheets[0]),
            None,
            "the plan names no unit of its own"
        );
        let copies =
            crate::io::write::distribute::copies(&plan, &crate::plan::Options::default(), None)
                .unwrap();
        assert_eq!(copies.len(), 4);
        for copy in &copies {
            let opened = crate::io::import(&copy.bytes).unwrap();
            let sheet = &opened.sheets[opened.first_table().unwrap()];
            assert_eq!(
                own_unit(sheet),
                Some((copy.unit.clone(), false)),
                "{}",
                copy.file
            );
        }
        // A title naming a unit that no row names (a copy of another plan) filters nothing.
        let other = csv.replace("序号,", "（报送单位：县教育局）\n序号,");
        let opened = crate::io::import(other.as_bytes()).unwrap();
        assert_eq!(
            crate::io::merge::declared_unit_of(&opened.sheets[0]).as_deref(),
            Some("县教育局")
        );
        assert_eq!(own_unit(&opened.sheets[0]), None);
    }

    #[test]
    fn units_are_counted_and_their_rows_found() {
        let csv = "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年\n\
                   1,人均GDP,元,县统计局,县发改局、县财政局,1,2\n\
                   2,财政收入,亿元,县财政局,县统计局,1,2\n\
                   3,森林覆盖率,%,县林业局,,1,2\n";
        let imported = crate::io::import(csv.as_bytes()).unwrap();
        let plan = imported.sheets[0].plan.as_ref().unwrap();
        assert_eq!(
            unit_counts(plan),
            [
                ("县统计局".to_string(), 1, 2),
                ("县发改局".to_string(), 0, 1),
                ("县财政局".to_string(), 1, 2),
                ("县林业局".to_string(), 1, 1),
            ]
        );
        let first = plan.indicators[0].row as usize - 1;
        assert_eq!(unit_rows(plan, "县统计局", true), BTreeSet::from([first]));
        assert_eq!(
            unit_rows(plan, "县统计局", false),
            BTreeSet::from([first, first + 1])
        );
    }

    /// The counts as they were first written (a set and strings per indicator), to compare the
    /// quicker one with.
    fn unit_counts_by_sets(plan: &Plan) -> Vec<(String, usize, usize)> {
        let mut out: Vec<(String, usize, usize)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for ind in plan.indicators.iter().filter(|i| !i.is_group) {
            let leads = split_units(&ind.lead_units);
            let lead_keys: BTreeSet<String> = leads.iter().map(|u| fold(u)).collect();
            let mut seen = BTreeSet::new();
            for u in leads.iter().chain(&split_units(&ind.other_units)) {
                let key = fold(u);
                if !seen.insert(key.clone()) {
                    continue;
                }
                let i = *index.entry(key.clone()).or_insert_with(|| {
                    out.push((u.clone(), 0, 0));
                    out.len() - 1
                });
                out[i].2 += 1;
                if lead_keys.contains(&key) {
                    out[i].1 += 1;
                }
            }
        }
        out
    }

    #[test]
    fn units_are_counted_as_sets_of_folded_names_count_them() {
        // Repeats in one cell, in both cells, full-width forms (ＡＢ局 folds to AB局), brackets,
        // empty cells, a unit met first as another unit and later as a lead.
        let cells = [
            ("县统计局", "县统计局、县发改局"),
            ("县统计局、县统计局", ""),
            ("ＡＢ局", "AB局，县财政局"),
            ("", "各县(市、区)人民政府 县财政局"),
            ("县发改局；AB局", "ＡＢ局"),
            ("各县（市、区）人民政府", "县统计局,县统计局"),
            ("", ""),
        ];
        let mut csv = String::from("序号,指标名称,单位,牵头单位,配合单位,2020年,2025年\n");
        for (i, (lead, other)) in cells.iter().cycle().take(40).enumerate() {
            csv.push_str(&format!("{},指标{i},%,\"{lead}\",\"{other}\",1,2\n", i + 1));
        }
        let imported = crate::io::import(csv.as_bytes()).unwrap();
        let plan = imported.sheets[0].plan.as_ref().unwrap();
        assert_eq!(plan.indicators.len(), 40);
        let counts = unit_counts(plan);
        assert_eq!(counts, unit_counts_by_sets(plan));
        assert!(counts.iter().any(|(u, lead, _)| u == "ＡＢ局" && *lead > 0));
    }

    #[test]
    fn the_units_key_follows_the_unit_cells_only() {
        let plan = |cells: &[(&str, &str, bool)], actual: f64| Plan {
            indicators: cells
                .iter()
                .map(|&(lead, other, is_group)| crate::plan::Indicator {
                    lead_units: lead.to_string(),
                    other_units: other.to_string(),
                    is_group,
                    weight: Some(actual),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let base = [("县统计局", "县发改局", false), ("县财政局", "", false)];
        let key = units_key(&plan(&base, 1.0));
        // Anything else about the rows leaves it.
        assert_eq!(units_key(&plan(&base, 2.0)), key);
        // A unit cell edited, a text moved to the next cell, a row made a group, a row more.
        for changed in [
            vec![
                ("县统计局", "县发改局、县财政局", false),
                ("县财政局", "", false),
            ],
            vec![("县统计局县发改局", "", false), ("县财政局", "", false)],
            vec![("县统计局", "县发改局", true), ("县财政局", "", false)],
            vec![
                ("县统计局", "县发改局", false),
                ("县财政局", "", false),
                ("", "", false),
            ],
        ] {
            assert_ne!(units_key(&plan(&changed, 1.0)), key, "{changed:?}");
        }
    }

    /// Generated plans (seeded): rows naming units from a small pool in every form a cell
    /// takes (several per cell, repeats, full-width twins, brackets, empty cells, group rows),
    /// counted as the set-per-indicator reference counts them, in the same order.
    #[test]
    fn generated_plans_count_units_as_the_reference() {
        let pool = [
            "县统计局",
            "县发改局",
            "ＡＢ局",
            "AB局",
            "县财政局",
            "各县（市、区）人民政府",
            "县教育局",
            "县卫健局",
        ];
        let seps = ["、", "，", ",", "；", " "];
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for case in 0..300 {
            let cell = |next: &mut dyn FnMut(usize) -> usize| {
                let count = next(4);
                (0..count)
                    .map(|_| pool[next(pool.len())])
                    .collect::<Vec<_>>()
                    .join(seps[next(seps.len())])
            };
            let rows = 1 + next(60);
            let indicators = (0..rows)
                .map(|_| crate::plan::Indicator {
                    lead_units: cell(&mut next),
                    other_units: cell(&mut next),
                    is_group: next(10) == 0,
                    ..Default::default()
                })
                .collect();
            let plan = Plan {
                indicators,
                ..Default::default()
            };
            assert_eq!(
                unit_counts(&plan),
                unit_counts_by_sets(&plan),
                "case {case}"
            );
        }
    }

    /// Counted in slices, as the page counts a new plan's units before showing it: the same
    /// counts, and a pause every [`UNITS_STEP`] indicators.
    #[test]
    fn units_counted_in_slices_are_counted_alike() {
        use crate::pace::testing::{drive, Suspending};
        let units = [
            "县统计局",
            "县发改局、县财政局",
            "ＡＢ局",
            "AB局，县教育局",
            "",
        ];
        let rows = 2 * UNITS_STEP + 5;
        let plan = Plan {
            indicators: (0..rows)
                .map(|i| crate::plan::Indicator {
                    lead_units: units[i % units.len()].to_string(),
                    other_units: units[(i / 3) % units.len()].to_string(),
                    is_group: i % 11 == 0,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let (paced, waits) = drive(unit_counts_paced(&plan, &mut Suspending));
        assert_eq!(paced, unit_counts_by_sets(&plan));
        assert_eq!(paced, unit_counts(&plan));
        assert_eq!(waits, rows / UNITS_STEP);
    }

    #[test]
    fn all_rows_map_indices_to_rows_and_back() {
        let rows = BodyRows::All(5..34);
        assert_eq!(rows.len(), 29);
        assert_eq!(rows.row(0), Some(5));
        assert_eq!(rows.row(29), None);
        assert_eq!(rows.index_of(5), Some(0));
        assert_eq!(rows.index_of(4), None);
        assert_eq!(rows.runs(2..6), vec![7..11]);
        assert_eq!(rows.runs(20..99), vec![25..34]);
        assert!(rows.runs(40..50).is_empty());
    }

    #[test]
    fn filtered_rows_come_in_runs() {
        let rows = BodyRows::Some(vec![5, 6, 7, 10, 12, 13]);
        assert_eq!(rows.len(), 6);
        assert_eq!(rows.row(3), Some(10));
        assert_eq!(rows.index_of(12), Some(4));
        assert_eq!(rows.index_of(11), None);
        assert_eq!(rows.runs(0..6), vec![5..8, 10..11, 12..14]);
        assert_eq!(rows.runs(1..4), vec![6..8, 10..11]);
        assert!(BodyRows::Some(Vec::new()).runs(0..3).is_empty());
    }

    fn plan_of(units: &[&str]) -> Plan {
        Plan {
            indicators: units
                .iter()
                .map(|u| crate::plan::Indicator {
                    lead_units: (*u).into(),
                    ..crate::plan::Indicator::default()
                })
                .collect(),
            ..Plan::default()
        }
    }

    #[test]
    fn a_plan_looks_the_same_after_a_middle_row_changes_not_its_ends_or_length() {
        let units = [
            "县统计局",
            "县发改局",
            "县财政局",
            "县林业局",
            "县教育局",
            "县住建局",
        ];
        let plan = plan_of(&units);
        let seen = units_look(&plan);
        // A middle row's units: the same look (the key, checked a frame later, tells them apart).
        let mut middle = units;
        middle[2] = "县卫健局";
        assert_eq!(units_look(&plan_of(&middle)), seen);
        // Any of the first or last two rows, or one row more or less: another look.
        for i in [0, 1, 4, 5] {
            let mut end = units;
            end[i] = "县卫健局";
            assert_ne!(units_look(&plan_of(&end)), seen, "row {i}");
        }
        assert_ne!(units_look(&plan_of(&units[..5])), seen);
        // Short plans: every row is an end.
        assert_ne!(
            units_look(&plan_of(&["县统计局"])),
            units_look(&plan_of(&["县发改局"]))
        );
        assert_eq!(units_look(&plan_of(&[])), (0, units_look(&plan_of(&[])).1));
    }

    /// The counts kept are shown while a plan looks the same, and put right by a refresh.
    #[test]
    fn unit_counts_follow_a_middle_row_after_a_refresh_and_keep_the_next_plans() {
        let units = [
            "县统计局",
            "县发改局",
            "县财政局",
            "县林业局",
            "县教育局",
            "县住建局",
        ];
        let mut a = plan_of(&units);
        let mut cache = UnitCounts::default();
        let first = cache.seen(&a);
        assert_eq!(first, unit_counts(&a));
        assert!(!cache.refresh(&a), "nothing changed");
        // A middle row's unit edited: the same look, the counts kept until the refresh.
        a.indicators[2].lead_units = "县统计局".into();
        assert_eq!(cache.seen(&a), first);
        assert!(cache.refresh(&a));
        assert_eq!(cache.seen(&a), unit_counts(&a));
        assert!(!cache.refresh(&a));
        // The next plan counted, then a late refresh of the one on screen: both kept.
        let b = plan_of(&["县卫健局", "县民政局", "县水利局"]);
        cache.keep(units_key(&b), &b, unit_counts(&b));
        assert!(!cache.refresh(&a), "its own counts are still kept");
        assert_eq!(cache.known(units_key(&b)), Some(unit_counts(&b).as_slice()));
        assert_eq!(cache.seen(&b), unit_counts(&b));
    }
}
