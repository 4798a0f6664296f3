//! The pure planning core: std and serde only, no clock, no I/O.
//!
//! The importer fills a [`Plan`]; [`compute`] turns it into [`PlanResults`] by the rules of
//! `PLANNING-RULES.md`, one step per module:
//!
//! | module | rule section |
//! |---|---|
//! | [`value`] | "Cell values": cell text → [`Value`] |
//! | [`round`] | "Rounding": half away from zero on decimal digits |
//! | [`direction`] | "Direction" with the deciding rule |
//! | [`schedule`] | "Yearly targets": years, method, anchors, decimals |
//! | [`completion`] | "Completion": realization, progress, status |
//! | [`score`] | "Scores": unit scores, overall and per-category realization |
//! | [`draft`] | "Next year's schedule" |
//!
//! Siblings refer to each other with `super::`, so the module also compiles as a crate of its own.
//!
//! For the page, the same results come in pieces: [`Computing`] advances a few hundred
//! indicators at a time (a large plan in slices, yielding between them); after an edit,
//! [`recompute_with`] and its [`Memo`] compute only the edited indicators and re-score from a
//! dense table (about 4 ms for 100,000 indicators natively), always equal to [`compute`].
//!
//! ```
//! use zhibiao::plan::{compute, value::parse_text, Indicator, Options, Plan};
//! let ind = Indicator {
//!     name: "人均GDP".into(),
//!     base: parse_text("31502"),
//!     base_year: Some(2016),
//!     target: parse_text("58000"),
//!     target_year: Some(2020),
//!     ..Indicator::default()
//! };
//! let plan = Plan { years: vec![2017, 2018, 2019, 2020], indicators: vec![ind], ..Plan::default() };
//! let results = compute(&plan, &Options::default());
//! assert_eq!(results.indicators[0].yearly[&2017].shown(), "38127");
//! ```

pub mod cell_text;
pub mod completion;
pub mod direction;
pub mod draft;
pub mod model;
pub mod round;
pub mod schedule;
pub mod score;
pub mod value;
pub mod year_map;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod samples;
#[cfg(test)]
pub(crate) mod testing;

use std::collections::BTreeSet;

pub use cell_text::{CellText, FigureText};
pub use model::*;
pub use score::ScoreKeys;

/// Options of one computation (never read from the clock).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The assessment year for the draft; `None`: each indicator's latest year with a numeric
    /// actual. Scores are computed for every year with an actual either way.
    pub assessment_year: Option<Year>,
}

/// The years in which any indicator has an actual (a non-empty actual cell).
pub fn actual_years(plan: &Plan) -> BTreeSet<Year> {
    // A plan has a handful of years and many indicators: gather them in a short list first.
    let mut years: Vec<Year> = Vec::new();
    for ind in plan.indicators.iter().filter(|i| !i.is_group) {
        for (y, g) in &ind.actual {
            if g.value != Value::Empty && !years.contains(y) {
                years.push(*y);
            }
        }
    }
    years.into_iter().collect()
}

/// Computes every result of a plan: for each indicator its direction, method, yearly targets,
/// realization, progress, status and draft (`results.indicators[i]` belongs to
/// `plan.indicators[i]`), and the scores of every year that has any actual.
///
/// The same results, a piece at a time: [`Computing`] (in slices, yielding between them, if
/// the caller likes). After an edit of a few indicators, [`recompute`] or [`recompute_with`]
/// updates results in place.
pub fn compute(plan: &Plan, opts: &Options) -> PlanResults {
    compute_with(plan, opts, &mut Memo::default())
}

/// Updates `prev`, the results of `plan` before an edit of the indicators `changed` (indices into
/// `plan.indicators`), to what [`compute`] gives for `plan` now: only the changed indicators are
/// computed again, then the scores.
///
/// Everything is computed again when the set of years with an actual changed (every indicator
/// is assessed in those years) or the plan has another number of indicators than `prev`. The
/// plan-wide inputs — `plan.years`, `plan.settings`, `opts` — must be those of `prev`; after a
/// change of them, call [`compute`] (or pass every index). Indices out of range are ignored.
///
/// This still reads every indicator's units and actual years once, for the scores; keep a
/// [`Memo`] between edits with [`recompute_with`] and an edit of a plan of 100,000 indicators
/// costs milliseconds.
///
/// ```
/// use zhibiao::plan::{compute, recompute, value::parse_text, Indicator, Options, Plan};
/// let ind = |target: &str| Indicator {
///     name: "人均GDP".into(),
///     base: parse_text("31502"),
///     base_year: Some(2016),
///     target: parse_text(target),
///     target_year: Some(2020),
///     ..Indicator::default()
/// };
/// let mut plan = Plan { years: vec![2017, 2018], indicators: vec![ind("58000"), ind("60000")], ..Plan::default() };
/// let opts = Options::default();
/// let mut results = compute(&plan, &opts);
/// plan.indicators[1].target = parse_text("62000");
/// recompute(&plan, &opts, &mut results, &[1]);
/// assert_eq!(results, compute(&plan, &opts));
/// ```
pub fn recompute(plan: &Plan, opts: &Options, prev: &mut PlanResults, changed: &[usize]) {
    recompute_with(plan, opts, prev, changed, &mut Memo::default());
}

/// What [`recompute_with`] keeps from one edit to the next, so that an edit costs the edited
/// indicators and one pass over a dense table: the split and folded unit names
/// ([`ScoreKeys`]), the years each indicator has an actual in, and each indicator's
/// realizations and weight.
///
/// A memo belongs to one plan and its results: make both with [`compute_with`] or
/// [`Computing::finish`] (or start with
/// `Memo::default()`: the first call then reads the whole plan) and pass the same memo with the
/// same results on every edit. Results computed another way (after a change of `plan.years`,
/// `plan.settings` or the options) need [`compute_with`] or a new memo: a memo used with other
/// results is noticed only by their number of indicators and years.
#[derive(Clone, Debug, Default)]
pub struct Memo {
    /// `None` until the first call (or after a change of the number of indicators).
    state: Option<MemoState>,
}

#[derive(Clone, Debug)]
struct MemoState {
    keys: ScoreKeys,
    /// `None` when the plan has more distinct actual years than a mask holds.
    years: Option<ActualYears>,
    table: score::Table,
}

/// [`compute`], and a [`Memo`] of the plan and its results for [`recompute_with`].
pub fn compute_with(plan: &Plan, opts: &Options, memo: &mut Memo) -> PlanResults {
    Computing::new(plan, opts).finish(memo)
}

/// [`compute_with`] a piece at a time, for a caller that slices long work (the page yields to
/// the browser between slices): [`advance`](Self::advance) as long as it likes, then
/// [`finish`](Self::finish), which does what is left. Each indicator's results come first, then
/// what the scores read from its text ([`ScoreKeys`]: splitting and folding 100,000 unit cells
/// was one 100–190 ms task in the page); the results and the memo are those of
/// [`compute_with`], however the work was cut.
///
/// ```
/// use zhibiao::plan::{compute, value::parse_text, Computing, Indicator, Memo, Options, Plan};
/// let ind = Indicator { name: "人均GDP".into(), target: parse_text("58000"), ..Indicator::default() };
/// let plan = Plan { indicators: vec![ind; 5], ..Plan::default() };
/// let opts = Options::default();
/// let mut work = Computing::new(&plan, &opts);
/// // Ten pieces of work in all: each indicator's results, then its keys.
/// assert_eq!(work.advance(4), 0.4);
/// assert_eq!(work.advance(4), 0.8);
/// assert_eq!(work.finish(&mut Memo::default()), compute(&plan, &opts));
/// ```
pub struct Computing<'a> {
    plan: &'a Plan,
    opts: &'a Options,
    actual: Option<ActualYears>,
    years: BTreeSet<Year>,
    /// Each indicator's realizations, put in the scores' table while they are at hand.
    table: score::Table,
    points: YearMap<f64>,
    indicators: Vec<IndicatorResult>,
    keys: score::KeysReader<'a>,
    /// How many indicators' keys have been read.
    keyed: usize,
}

impl<'a> Computing<'a> {
    /// The computation of `plan` with `opts`, nothing done yet.
    pub fn new(plan: &'a Plan, opts: &'a Options) -> Self {
        let actual = ActualYears::new(plan);
        let years = match &actual {
            Some(y) => y.years(),
            None => actual_years(plan),
        };
        let mut table = score::Table::new(plan, &[], &years);
        table.grow(plan.indicators.len());
        Self {
            plan,
            opts,
            actual,
            years,
            table,
            points: YearMap::new(),
            indicators: Vec::with_capacity(plan.indicators.len()),
            keys: score::KeysReader::default(),
            keyed: 0,
        }
    }

    /// Does up to `pieces` more pieces of the work (a piece: one indicator's results, or its
    /// keys; at least one) and returns the fraction of the whole done (1 when nothing is left).
    pub fn advance(&mut self, pieces: usize) -> f64 {
        let all = &self.plan.indicators;
        let mut left = pieces.max(1);
        while left > 0 {
            let i = self.indicators.len();
            if let Some(ind) = all.get(i) {
                let result =
                    indicator_result_with(self.plan, ind, self.opts, &self.years, &mut self.points);
                self.table.set(i, ind, &result);
                self.indicators.push(result);
            } else if let Some(ind) = all.get(self.keyed) {
                self.keys.read(ind);
                self.keyed += 1;
            } else {
                break;
            }
            left -= 1;
        }
        let total = 2 * all.len();
        if total == 0 {
            1.0
        } else {
            (self.indicators.len() + self.keyed) as f64 / total as f64
        }
    }

    /// The results, once the rest of the work is done, with the scores; `memo` then holds
    /// what [`recompute_with`] needs after an edit.
    pub fn finish(mut self, memo: &mut Memo) -> PlanResults {
        self.advance(usize::MAX);
        let keys = self.keys.finish();
        let assessment = self.table.assess(&keys);
        memo.state = Some(MemoState {
            keys,
            years: self.actual,
            table: self.table,
        });
        PlanResults {
            indicators: self.indicators,
            assessment,
        }
    }
}

/// [`recompute`] with a [`Memo`] kept by the caller between edits.
///
/// ```
/// use zhibiao::plan::{compute, recompute_with, value::parse_text, Indicator, Memo, Options, Plan};
/// let mut ind = Indicator {
///     name: "人均GDP".into(),
///     base: parse_text("31502"),
///     base_year: Some(2016),
///     target: parse_text("58000"),
///     target_year: Some(2020),
///     lead_units: "县发展改革局".into(),
///     ..Indicator::default()
/// };
/// ind.actual.insert(2017, parse_text("38000"));
/// let mut plan = Plan { years: vec![2017, 2018], indicators: vec![ind.clone(), ind], ..Plan::default() };
/// let opts = Options::default();
/// let mut results = compute(&plan, &opts);
/// let mut memo = Memo::default();
/// for typed in ["37000", "39000", "完成"] {
///     plan.indicators[0].actual.insert(2017, parse_text(typed));
///     recompute_with(&plan, &opts, &mut results, &[0], &mut memo);
///     assert_eq!(results, compute(&plan, &opts));
/// }
/// ```
pub fn recompute_with(
    plan: &Plan,
    opts: &Options,
    prev: &mut PlanResults,
    changed: &[usize],
    memo: &mut Memo,
) {
    let n = plan.indicators.len();
    // The keys and actual years: refreshed for the changed indicators, or read from the plan.
    let state = match memo.state.take() {
        Some(mut st) if st.table.len() == n => {
            st.keys.update(plan, changed);
            if let Some(y) = &mut st.years {
                if !y.update(plan, changed) {
                    st.years = None;
                }
            }
            st
        }
        _ => MemoState {
            keys: ScoreKeys::new(plan),
            years: ActualYears::new(plan),
            table: score::Table::default(),
        },
    };
    let years = match &state.years {
        Some(y) => y.years(),
        None => actual_years(plan),
    };
    let mut state = state;
    let same_years = prev.assessment.keys().eq(years.iter());
    let partial = same_years && prev.indicators.len() == n;
    if partial {
        for &i in changed {
            if let (Some(ind), Some(slot)) = (plan.indicators.get(i), prev.indicators.get_mut(i)) {
                *slot = indicator_result(plan, ind, opts, &years);
                state.table.set(i, ind, slot);
            }
        }
    } else {
        prev.indicators = plan
            .indicators
            .iter()
            .map(|ind| indicator_result(plan, ind, opts, &years))
            .collect();
    }
    // Every indicator again, or a table of other years or size (a first call): read it from
    // the results.
    if !partial || state.table.len() != n || !state.table.years().iter().eq(years.iter()) {
        state.table = score::Table::new(plan, &prev.indicators, &years);
    }
    prev.assessment = state.table.assess(&state.keys);
    memo.state = Some(state);
}

/// The years in which each indicator has an actual, as bits over a short list of the years
/// seen, with a count per year: [`actual_years`] kept up to date per edited indicator.
#[derive(Clone, Debug)]
struct ActualYears {
    /// The distinct years seen (at most 64), in the order first seen.
    seen: Vec<Year>,
    /// How many indicators have an actual in `seen[k]`.
    counts: Vec<usize>,
    /// Each indicator's years, bit k for `seen[k]`.
    masks: Vec<u64>,
}

impl ActualYears {
    /// `None` when the plan has more than 64 distinct years with an actual.
    fn new(plan: &Plan) -> Option<Self> {
        let mut y = Self {
            seen: Vec::new(),
            counts: Vec::new(),
            masks: Vec::with_capacity(plan.indicators.len()),
        };
        for ind in &plan.indicators {
            let mask = y.mask_of(ind)?;
            y.add(mask);
            y.masks.push(mask);
        }
        Some(y)
    }

    /// Refreshes the indicators `changed`; `false` when the years no longer fit.
    fn update(&mut self, plan: &Plan, changed: &[usize]) -> bool {
        for &i in changed {
            let Some(ind) = plan.indicators.get(i) else {
                continue;
            };
            let Some(mask) = self.mask_of(ind) else {
                return false;
            };
            let Some(old) = self.masks.get_mut(i) else {
                continue;
            };
            let old = std::mem::replace(old, mask);
            for (k, c) in self.counts.iter_mut().enumerate() {
                if old & (1 << k) != 0 {
                    *c = c.saturating_sub(1);
                }
            }
            self.add(mask);
        }
        true
    }

    fn add(&mut self, mask: u64) {
        for (k, c) in self.counts.iter_mut().enumerate() {
            if mask & (1 << k) != 0 {
                *c += 1;
            }
        }
    }

    /// The bits of the years `ind` has an actual in (as [`actual_years`] counts them),
    /// adding new years to `seen`; `None` past 64 years.
    fn mask_of(&mut self, ind: &Indicator) -> Option<u64> {
        let mut mask = 0u64;
        if ind.is_group {
            return Some(0);
        }
        for (y, g) in &ind.actual {
            if g.value == Value::Empty {
                continue;
            }
            let k = match self.seen.iter().position(|s| s == y) {
                Some(k) => k,
                None if self.seen.len() < 64 => {
                    self.seen.push(*y);
                    self.counts.push(0);
                    self.seen.len() - 1
                }
                None => return None,
            };
            mask |= 1 << k;
        }
        Some(mask)
    }

    /// The years with any actual.
    fn years(&self) -> BTreeSet<Year> {
        self.seen
            .iter()
            .zip(&self.counts)
            .filter(|(_, &c)| c > 0)
            .map(|(y, _)| *y)
            .collect()
    }
}

/// The results of one indicator; `years` are the plan's years with an actual.
fn indicator_result(
    plan: &Plan,
    ind: &Indicator,
    opts: &Options,
    years: &BTreeSet<Year>,
) -> IndicatorResult {
    indicator_result_with(plan, ind, opts, years, &mut YearMap::new())
}

/// [`indicator_result`] with room for the schedule's known points kept by the caller.
fn indicator_result_with(
    plan: &Plan,
    ind: &Indicator,
    opts: &Options,
    years: &BTreeSet<Year>,
    points: &mut YearMap<f64>,
) -> IndicatorResult {
    let mut basis = schedule::basis(plan, ind);
    let yearly = schedule::yearly_with(plan, ind, &mut basis, points);
    let c = completion::assess(ind, &basis, &yearly, years, plan.settings.cap);
    let draft = draft::draft(&basis, &yearly, &c.actual, opts.assessment_year);
    IndicatorResult {
        direction: basis.direction,
        direction_rule: basis.direction_rule,
        method: basis.method,
        decimals: basis.decimals,
        base_year: basis.t0,
        base: basis.base,
        target_year: basis.t1,
        target: basis.target,
        stretch: basis.stretch,
        yearly,
        actual: c.actual,
        realization: c.realization,
        progress: c.progress,
        status: c.status,
        draft,
        warnings: basis.warnings,
    }
}
