//! Unit scores, the whole plan's realization and per-category realization (PLANNING-RULES "Scores").
//!
//! This module exists because an assessment (考核) is read per responsible unit: a unit cell holds
//! several names (`县公安局、县自然资源局`), the same unit is written with half- and full-width
//! brackets (`各县(市、区)人民政府` / `各县（市、区）人民政府`), and a bracket may hold a separator
//! that must not split the name.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::model::{Assessment, Indicator, IndicatorResult, Plan, Shown, UnitScore, Year};

/// Whether [`fold`] changes `c`.
pub(super) fn folds(c: char) -> bool {
    matches!(c, '\u{3000}' | '\u{FF01}'..='\u{FF5E}')
}

/// Folds full-width ASCII forms (`（）０-９％，；` …) and the ideographic space to their half-width
/// forms, so that unit names and cell texts compare equal however they were typed.
///
/// ```
/// use zhibiao::plan::score::fold;
/// assert_eq!(fold("各县（市、区）人民政府"), "各县(市、区)人民政府");
/// assert_eq!(fold("８６．４％"), "86.4%");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`], borrowing `s` when nothing in it folds (most texts).
pub fn fold_cow(s: &str) -> Cow<'_, str> {
    if s.chars().any(folds) {
        Cow::Owned(fold(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// Appends the [`fold`] of `s` to `out`.
fn fold_into(s: &str, out: &mut String) {
    out.extend(s.chars().map(fold_char));
}

/// The [`fold`] of one character.
pub(super) fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The unit names of a unit cell as slices of it, as [`split_units`] splits it (without a
/// `String` per piece).
pub fn unit_pieces(s: &str) -> impl Iterator<Item = &str> {
    let mut depth: usize = 0;
    let mut start = 0;
    let mut chars = s.char_indices();
    let mut done = false;
    std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        let piece = loop {
            match chars.next() {
                Some((i, c)) => match c {
                    '(' | '（' | '[' | '【' => depth += 1,
                    ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
                    '、' | '，' | ',' | ';' | '；' if depth == 0 => {
                        let p = s.get(start..i);
                        start = i + c.len_utf8();
                        break p;
                    }
                    c if c.is_whitespace() && depth == 0 => {
                        let p = s.get(start..i);
                        start = i + c.len_utf8();
                        break p;
                    }
                    _ => {}
                },
                None => {
                    done = true;
                    break s.get(start..);
                }
            }
        };
        let piece = piece.unwrap_or("").trim();
        if !piece.is_empty() {
            return Some(piece);
        }
    })
}

/// Splits a unit cell into unit names: on `、，,;；` and whitespace, never inside brackets `()`,
/// `（）`, `[]`, `【】`; trimmed, empty pieces dropped. The pieces are returned as written; compare
/// them after [`fold`].
///
/// ```
/// use zhibiao::plan::score::split_units;
/// assert_eq!(
///     split_units("市统计局 市财政局；各县(市、区)人民政府"),
///     vec!["市统计局", "市财政局", "各县(市、区)人民政府"]
/// );
/// ```
pub fn split_units(s: &str) -> Vec<String> {
    unit_pieces(s).map(str::to_string).collect()
}

/// The units an indicator names (lead and other units), folded and each listed once.
pub fn units_of(lead: &str, other: &str) -> BTreeSet<String> {
    unit_pieces(lead)
        .chain(unit_pieces(other))
        .map(fold)
        .collect()
}

/// A number shown with 2 decimals.
fn two(value: f64) -> Shown {
    Shown::new(value, 2)
}

/// What [`assess`] reads from the plan's text, worked out once: the folded units each indicator
/// names (each once) and its folded category, as ids into lists of names.
///
/// Splitting and folding 100,000 unit cells costs more than the scores themselves, so a caller
/// that assesses the same plan again (the page, after an edit of a figure) keeps these and
/// refreshes only the edited indicators with [`ScoreKeys::update`] (`plan::Memo` does).
#[derive(Clone, Debug, Default)]
pub struct ScoreKeys {
    /// Folded unit names, by id.
    units: Vec<String>,
    /// Folded, trimmed category names, by id (never empty).
    categories: Vec<String>,
    /// Unit ids, a run per indicator (sorted, distinct); a run may be shared by indicators.
    pool: Vec<u32>,
    /// Each indicator's run in `pool`: start and length.
    indicator_units: Vec<(u32, u32)>,
    /// Each indicator's category id (`None`: no category).
    indicator_category: Vec<Option<u32>>,
    unit_ids: FastMap<String, u32>,
    category_ids: FastMap<String, u32>,
}

impl ScoreKeys {
    /// The keys of every indicator of `plan`.
    pub fn new(plan: &Plan) -> Self {
        let mut reader = KeysReader::default();
        for ind in &plan.indicators {
            reader.read(ind);
        }
        reader.finish()
    }

    /// Refreshes the keys of the indicators `changed` (indices into `plan.indicators`) after an
    /// edit; rebuilds everything when the plan has another number of indicators.
    pub fn update(&mut self, plan: &Plan, changed: &[usize]) {
        if plan.indicators.len() != self.indicator_units.len() {
            *self = Self::new(plan);
            return;
        }
        // Runs of edited indicators are appended; rebuild once the pool is mostly stale.
        if self.pool.len() > 4 * plan.indicators.len() + 4096 {
            *self = Self::new(plan);
            return;
        }
        let mut buf = String::new();
        for &i in changed {
            let Some(ind) = plan.indicators.get(i) else {
                continue;
            };
            let units = self.units_of_indicator(ind, &mut buf);
            let category = self.category_of(ind, &mut buf);
            if let (Some(u), Some(c)) = (
                self.indicator_units.get_mut(i),
                self.indicator_category.get_mut(i),
            ) {
                *u = units;
                *c = category;
            }
        }
    }

    /// Appends the run of the units `ind` names to the pool, interning new names.
    fn units_of_indicator(&mut self, ind: &Indicator, buf: &mut String) -> (u32, u32) {
        let start = self.pool.len();
        for piece in unit_pieces(&ind.lead_units).chain(unit_pieces(&ind.other_units)) {
            buf.clear();
            fold_into(piece, buf);
            let id = intern(&mut self.unit_ids, &mut self.units, buf);
            if !self.pool.get(start..).is_some_and(|run| run.contains(&id)) {
                self.pool.push(id);
            }
        }
        if let Some(run) = self.pool.get_mut(start..) {
            run.sort_unstable();
        }
        let len = self.pool.len() - start;
        (
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(len).unwrap_or(0),
        )
    }

    /// [`Self::units_of_indicator`] from the units of each distinct cell text, split and
    /// folded once (a plan names the same few units, in the same cells, row after row).
    fn units_of_cells<'a>(
        &mut self,
        cells: &mut CellUnits<'a>,
        ind: &'a Indicator,
        buf: &mut String,
    ) -> (u32, u32) {
        let lead = self.cell_units(cells, &ind.lead_units, buf);
        let other = self.cell_units(cells, &ind.other_units, buf);
        let run = |(start, len): (usize, usize)| cells.pool.get(start..start + len).unwrap_or(&[]);
        let start = self.pool.len();
        // The union of two sorted runs of distinct ids, sorted and distinct.
        let (mut a, mut b) = (run(lead).iter().peekable(), run(other).iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&&x), Some(&&y)) => {
                    if x <= y {
                        a.next();
                    }
                    if y <= x {
                        b.next();
                    }
                    x.min(y)
                }
                (Some(&&x), None) => {
                    a.next();
                    x
                }
                (None, Some(&&y)) => {
                    b.next();
                    y
                }
                (None, None) => break,
            };
            self.pool.push(next);
        }
        let len = self.pool.len() - start;
        (
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(len).unwrap_or(0),
        )
    }

    /// The sorted, distinct ids of the units a cell names, as a run of `cells.pool`.
    fn cell_units<'a>(
        &mut self,
        cells: &mut CellUnits<'a>,
        text: &'a str,
        buf: &mut String,
    ) -> (usize, usize) {
        if let Some(&run) = cells.runs.get(text) {
            return run;
        }
        let start = cells.pool.len();
        for piece in unit_pieces(text) {
            buf.clear();
            fold_into(piece, buf);
            let id = intern(&mut self.unit_ids, &mut self.units, buf);
            if !cells.pool.get(start..).is_some_and(|run| run.contains(&id)) {
                cells.pool.push(id);
            }
        }
        if let Some(run) = cells.pool.get_mut(start..) {
            run.sort_unstable();
        }
        let run = (start, cells.pool.len() - start);
        cells.runs.insert(text, run);
        run
    }

    /// The id of `ind`'s folded, trimmed category; `None` when it is empty.
    fn category_of(&mut self, ind: &Indicator, buf: &mut String) -> Option<u32> {
        buf.clear();
        fold_into(ind.category.trim(), buf);
        (!buf.is_empty()).then(|| intern(&mut self.category_ids, &mut self.categories, buf))
    }

    /// The unit ids of indicator `i`.
    fn unit_ids_of(&self, i: usize) -> &[u32] {
        self.indicator_units
            .get(i)
            .and_then(|&(start, len)| {
                let start = start as usize;
                self.pool.get(start..start + len as usize)
            })
            .unwrap_or(&[])
    }
}

/// [`ScoreKeys::new`] an indicator at a time: [`read`](Self::read) each of a plan's indicators
/// in order, then [`finish`](Self::finish) (a caller that slices long work reads a few hundred
/// between two slices: [`super::Computing`]).
#[derive(Default)]
pub struct KeysReader<'a> {
    keys: ScoreKeys,
    cells: CellUnits<'a>,
    buf: String,
    /// The indicator read last, with its units and category: rows under one another often
    /// name the same units and category, and reuse the row above's.
    above: Option<(&'a Indicator, (u32, u32), Option<u32>)>,
}

impl<'a> KeysReader<'a> {
    /// Reads the keys of the plan's next indicator.
    pub fn read(&mut self, ind: &'a Indicator) {
        let Self {
            keys,
            cells,
            buf,
            above,
        } = self;
        let (units, category) = match *above {
            Some((a, units, category)) => (
                if a.lead_units == ind.lead_units && a.other_units == ind.other_units {
                    units
                } else {
                    keys.units_of_cells(cells, ind, buf)
                },
                if a.category == ind.category {
                    category
                } else {
                    keys.category_of(ind, buf)
                },
            ),
            None => (
                keys.units_of_cells(cells, ind, buf),
                keys.category_of(ind, buf),
            ),
        };
        keys.indicator_units.push(units);
        keys.indicator_category.push(category);
        *above = Some((ind, units, category));
    }

    /// The keys of the indicators read.
    pub fn finish(self) -> ScoreKeys {
        self.keys
    }
}

/// The units of each distinct unit cell text, while [`ScoreKeys::new`] reads a plan.
#[derive(Default)]
struct CellUnits<'a> {
    /// A cell's text → its run in `pool`: start and length.
    runs: FastMap<&'a str, (usize, usize)>,
    /// Unit ids, a run per distinct cell text (sorted, distinct).
    pool: Vec<u32>,
}

/// A hash map with a cheap hash (the Fx multiply-rotate of rustc) for the short names and ids
/// here; SipHash's resistance to chosen collisions buys nothing in a one-user calculator.
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The Fx hash: per 8 bytes, `(h.rotl(5) ^ word) × K`.
#[derive(Clone, Copy, Default)]
struct FxHasher(u64);

impl FxHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The id of `name`, adding it when new.
fn intern(ids: &mut FastMap<String, u32>, names: &mut Vec<String>, name: &str) -> u32 {
    if let Some(&id) = ids.get(name) {
        return id;
    }
    let id = u32::try_from(names.len()).unwrap_or(u32::MAX);
    names.push(name.to_string());
    ids.insert(name.to_string(), id);
    id
}

/// Running sums of a weighted mean, added in indicator order as [`weighted_mean`] adds them
/// (a float sum starts from −0.0), so both give the same bits.
#[derive(Clone, Copy, Debug)]
struct Mean {
    weights: f64,
    weighted: f64,
    plain: f64,
    n: usize,
}

impl Default for Mean {
    fn default() -> Self {
        Self {
            weights: -0.0,
            weighted: -0.0,
            plain: -0.0,
            n: 0,
        }
    }
}

impl Mean {
    fn add(&mut self, r: f64, w: f64) {
        self.weights += w;
        self.weighted += r * w;
        self.plain += r;
        self.n += 1;
    }

    /// Σ w·r / Σ w; equal weights when Σ w = 0; `None` for no values.
    fn get(&self) -> Option<f64> {
        if self.n == 0 {
            None
        } else if self.weights > 0.0 {
            Some(self.weighted / self.weights)
        } else {
            Some(self.plain / count(self.n))
        }
    }
}

/// The scores of every year in `years` (PLANNING-RULES "Scores").
///
/// `results[i]` belongs to `plan.indicators[i]`. Only indicators with a realization in a year count
/// in that year. Unit score: mean of the (capped) realizations of the unit's indicators, capped at
/// 100, each indicator counted once per unit. Overall and per-category: weighted by `weight` when
/// any indicator of the plan has a weight (an indicator without one then weighs 0), else equal;
/// when the weights of the counted indicators add up to 0, equal weights are used.
pub fn assess(
    plan: &Plan,
    results: &[IndicatorResult],
    years: &BTreeSet<Year>,
) -> BTreeMap<Year, Assessment> {
    assess_with(plan, &ScoreKeys::new(plan), results, years)
}

/// [`assess`] with the plan's [`ScoreKeys`] worked out beforehand (they must describe `plan`;
/// see [`ScoreKeys::update`]).
pub fn assess_with(
    plan: &Plan,
    keys: &ScoreKeys,
    results: &[IndicatorResult],
    years: &BTreeSet<Year>,
) -> BTreeMap<Year, Assessment> {
    Table::new(plan, results, years).assess(keys)
}

/// What the scores read from a plan and its results, in one dense table: each indicator's
/// realization in each assessed year, and its weight. Kept between edits (see
/// `plan::recompute_with`), a row is refreshed per edited indicator and the scores are one
/// pass over contiguous numbers instead of a walk through every indicator's maps.
#[derive(Clone, Debug, Default)]
pub(super) struct Table {
    /// The assessed years: the columns.
    years: Vec<Year>,
    /// `values[i × years.len() + y]`: indicator i's realization in `years[y]`; NaN for none.
    values: Vec<f64>,
    /// Each indicator's weight; NaN for none.
    weights: Vec<f64>,
}

impl Table {
    /// The table of `results` (`results[i]` belongs to `plan.indicators[i]`) for `years`.
    pub(super) fn new(plan: &Plan, results: &[IndicatorResult], years: &BTreeSet<Year>) -> Self {
        let n = plan.indicators.len().min(results.len());
        let years: Vec<Year> = years.iter().copied().collect();
        let mut table = Self {
            values: vec![f64::NAN; n * years.len()],
            // Every indicator's weight: whether weights apply depends on the whole plan.
            weights: plan
                .indicators
                .iter()
                .map(|i| i.weight.unwrap_or(f64::NAN))
                .collect(),
            years,
        };
        for (i, (ind, res)) in plan.indicators.iter().zip(results).enumerate() {
            table.set(i, ind, res);
        }
        table
    }

    /// Rows for `n` indicators (new rows have no realization).
    pub(super) fn grow(&mut self, n: usize) {
        let cells = n * self.years.len();
        if self.values.len() < cells {
            self.values.resize(cells, f64::NAN);
        }
    }

    /// The number of indicators.
    pub(super) fn len(&self) -> usize {
        self.weights.len()
    }

    /// The assessed years.
    pub(super) fn years(&self) -> &[Year] {
        &self.years
    }

    /// Refreshes the row of indicator `i` from its results.
    pub(super) fn set(&mut self, i: usize, ind: &Indicator, res: &IndicatorResult) {
        if let Some(w) = self.weights.get_mut(i) {
            *w = ind.weight.unwrap_or(f64::NAN);
        }
        let ny = self.years.len();
        let Some(row) = self.values.get_mut(i * ny..(i + 1) * ny) else {
            return;
        };
        row.fill(f64::NAN);
        for (year, r) in &res.realization {
            if let Ok(y) = self.years.binary_search(year) {
                if let Some(v) = row.get_mut(y) {
                    *v = r.value;
                }
            }
        }
    }

    /// The scores of every year of the table (PLANNING-RULES "Scores"; see [`assess`]): one
    /// pass in indicator order, so every sum adds the same numbers in the same order as the
    /// rules' plain per-year reading does.
    pub(super) fn assess(&self, keys: &ScoreKeys) -> BTreeMap<Year, Assessment> {
        let ny = self.years.len();
        let (nu, nc) = (keys.units.len(), keys.categories.len());
        let mut units = vec![(0.0f64, 0usize); ny * nu];
        let mut categories = vec![Mean::default(); ny * nc];
        let mut overall = vec![Mean::default(); ny];
        // Weights apply when any indicator of the plan has a finite weight.
        let weighted = self.weights.iter().any(|w| w.is_finite());
        if ny > 0 {
            let rows = self.values.chunks_exact(ny).zip(&self.weights);
            for (i, (row, &weight)) in rows.enumerate() {
                if row.iter().all(|r| r.is_nan()) {
                    continue;
                }
                let w = if !weighted {
                    1.0
                } else if weight.is_finite() && weight > 0.0 {
                    weight
                } else {
                    0.0
                };
                let unit_ids = keys.unit_ids_of(i);
                let cat = keys.indicator_category.get(i).copied().flatten();
                for (y, &r) in row.iter().enumerate() {
                    if !r.is_finite() {
                        continue;
                    }
                    for &u in unit_ids {
                        if let Some(e) = units.get_mut(y * nu + u as usize) {
                            e.0 += r;
                            e.1 += 1;
                        }
                    }
                    if let Some(m) = overall.get_mut(y) {
                        m.add(r, w);
                    }
                    if let Some(m) = cat.and_then(|c| categories.get_mut(y * nc + c as usize)) {
                        m.add(r, w);
                    }
                }
            }
        }
        // Names in sorted order, so that each map is built from sorted input.
        let by_name = |names: &[String]| {
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_unstable_by(|&a, &b| names[a].cmp(&names[b]));
            order
        };
        let (unit_order, category_order) = (by_name(&keys.units), by_name(&keys.categories));
        let mut out = BTreeMap::new();
        for (y, &year) in self.years.iter().enumerate() {
            let assessment = Assessment {
                overall: overall.get(y).and_then(Mean::get).map(two),
                categories: category_order
                    .iter()
                    .filter_map(|&c| {
                        let mean = categories.get(y * nc + c)?.get()?;
                        Some((keys.categories.get(c)?.clone(), two(mean)))
                    })
                    .collect(),
                units: unit_order
                    .iter()
                    .filter_map(|&u| {
                        let &(sum, n) = units.get(y * nu + u)?;
                        if n == 0 {
                            return None;
                        }
                        let score = two((sum / count(n)).min(100.0));
                        Some((keys.units.get(u)?.clone(), UnitScore { score, count: n }))
                    })
                    .collect(),
            };
            out.insert(year, assessment);
        }
        out
    }
}

/// A count as a float (exact up to 2³²; larger counts do not occur).
fn count(n: usize) -> f64 {
    u32::try_from(n).map_or(f64::from(u32::MAX), f64::from)
}

/// Σ w·r / Σ w; equal weights when Σ w = 0; `None` for no values.
/// The lower end of a score or realization axis (the upper end is 100): 5 below the lowest
/// value, down to a multiple of 5, so that 87 and 100 look different; 0 when there is no value
/// or the lowest is under 5.
///
/// ```
/// use zhibiao::plan::score::axis_floor;
/// assert_eq!(axis_floor([87.84, 100.0].into_iter()), 80.0);
/// assert_eq!(axis_floor([3.0].into_iter()), 0.0);
/// ```
pub fn axis_floor(values: impl Iterator<Item = f64>) -> f64 {
    let lowest = values
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    if !lowest.is_finite() {
        return 0.0;
    }
    (((lowest - 5.0) / 5.0).floor() * 5.0).clamp(0.0, 95.0)
}

#[cfg(test)]
fn weighted_mean(values: &[(f64, f64)]) -> Option<f64> {
    let mut m = Mean::default();
    for &(r, w) in values {
        m.add(r, w);
    }
    m.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_never_inside_brackets() {
        assert_eq!(
            split_units("县公安局、县自然资源局"),
            vec!["县公安局", "县自然资源局"]
        );
        assert_eq!(
            split_units(" 各县（市、区）人民政府，市林业局 "),
            vec!["各县（市、区）人民政府", "市林业局"]
        );
        assert_eq!(
            split_units("市发展改革委；市财政局"),
            vec!["市发展改革委", "市财政局"]
        );
        assert_eq!(
            split_units("市统计局 市财政局"),
            vec!["市统计局", "市财政局"]
        );
        assert_eq!(split_units("a,,b;;  c\u{3000}d"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_units(""), Vec::<String>::new());
        // Unbalanced brackets never panic.
        assert_eq!(split_units("a)、b(c、d"), vec!["a)", "b(c、d"]);
    }

    #[test]
    fn folded_units_are_one() {
        let u = units_of("各县（市、区）人民政府", "各县(市、区)人民政府、市林业局");
        assert_eq!(
            u.into_iter().collect::<Vec<_>>(),
            vec!["各县(市、区)人民政府", "市林业局"]
        );
    }

    #[test]
    fn unit_scores_count_each_indicator_once() {
        use super::super::model::{Indicator, Plan};
        use super::super::value::parse_text;
        use super::super::{compute, Options};
        // A: 2.4 of 3 → 80 %; B: 3.3 of 3 → 110 % capped at 100 %; C: qualitative, not counted.
        // 县卫生健康局 is named twice on A (lead and, with full-width brackets, other) and once on B:
        // (80 + 100) / 2 = 90.00, count 2. 县教育局 only on A: 80.00. Overall (80 + 100) / 2 = 90.
        let ind = |name: &str, target: &str, actual: &str, lead: &str, other: &str| {
            let mut i = Indicator {
                name: name.into(),
                category: "民生".into(),
                base: parse_text("2"),
                base_year: Some(2020),
                target: parse_text(target),
                target_year: Some(2021),
                lead_units: lead.into(),
                other_units: other.into(),
                ..Indicator::default()
            };
            i.actual.insert(2021, parse_text(actual));
            i
        };
        let plan = Plan {
            years: vec![2021],
            indicators: vec![
                ind(
                    "A",
                    "3",
                    "2.4",
                    "县卫生健康局（本级）",
                    "县卫生健康局(本级)、县教育局",
                ),
                ind("B", "3", "3.3", "县卫生健康局(本级)", ""),
                ind("C", "完成上级下达任务", "完成", "县卫生健康局(本级)", ""),
            ],
            ..Plan::default()
        };
        let res = compute(&plan, &Options::default());
        let a = &res.assessment[&2021];
        let u = &a.units["县卫生健康局(本级)"];
        assert_eq!((u.score.shown().as_str(), u.count), ("90.00", 2));
        assert_eq!(a.units["县教育局"].score.shown(), "80.00");
        assert_eq!(
            a.overall.as_ref().map(|s| s.shown()).as_deref(),
            Some("90.00")
        );
        assert_eq!(a.categories["民生"].shown(), "90.00");
        // Weights: 3 on A, 1 on B → (80·3 + 100·1) / 4 = 85; C's weight never counts.
        let mut plan = plan;
        plan.indicators[0].weight = Some(3.0);
        plan.indicators[1].weight = Some(1.0);
        plan.indicators[2].weight = Some(5.0);
        let res = compute(&plan, &Options::default());
        let a = &res.assessment[&2021];
        assert_eq!(
            a.overall.as_ref().map(|s| s.shown()).as_deref(),
            Some("85.00")
        );
        // Weights never enter unit scores.
        assert_eq!(a.units["县卫生健康局(本级)"].score.shown(), "90.00");
    }

    #[test]
    fn weighted_mean_rules() {
        // (100·8 + 90·2) / 10 = 98
        assert_eq!(weighted_mean(&[(100.0, 8.0), (90.0, 2.0)]), Some(98.0));
        // all weights 0 → equal: (100 + 90) / 2 = 95
        assert_eq!(weighted_mean(&[(100.0, 0.0), (90.0, 0.0)]), Some(95.0));
        assert_eq!(weighted_mean(&[]), None);
    }

    #[test]
    fn score_axes_start_near_the_lowest_score() {
        assert_eq!(axis_floor([87.84, 100.0].into_iter()), 80.0);
        assert_eq!(axis_floor([99.2].into_iter()), 90.0);
        assert_eq!(axis_floor([95.0].into_iter()), 90.0);
        assert_eq!(axis_floor([3.0, 50.0].into_iter()), 0.0);
        assert_eq!(axis_floor([100.0].into_iter()), 95.0);
        assert_eq!(axis_floor(std::iter::empty()), 0.0);
        assert_eq!(axis_floor([f64::NAN].into_iter()), 0.0);
    }
}
