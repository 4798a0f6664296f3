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
//! assert_eq!(results.indicators[0].yearly[&2017].shown, "38127");
//! ```

pub mod completion;
pub mod direction;
pub mod draft;
pub mod model;
pub mod round;
pub mod schedule;
pub mod score;
pub mod value;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod samples;

use std::collections::{BTreeMap, BTreeSet};

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
/// The same results, a piece at a time: [`actual_years`], then [`compute_indicator`] for each
/// index (in slices, yielding between them, if the caller likes), then [`assess`]. After an edit
/// of a few indicators, [`recompute`] updates results in place.
pub fn compute(plan: &Plan, opts: &Options) -> PlanResults {
    let years = actual_years(plan);
    let indicators: Vec<IndicatorResult> = plan
        .indicators
        .iter()
        .map(|ind| indicator_result(plan, ind, opts, &years))
        .collect();
    let assessment = score::assess(plan, &indicators, &years);
    PlanResults {
        indicators,
        assessment,
    }
}

/// The results of `plan.indicators[index]`, as [`compute`] gives them; `years` are the plan's
/// years with an actual ([`actual_years`]). `None` when there is no such indicator.
///
/// ```
/// use zhibiao::plan::{actual_years, assess, compute, compute_indicator, value::parse_text};
/// use zhibiao::plan::{Indicator, Options, Plan};
/// let ind = Indicator {
///     name: "人均GDP".into(),
///     base: parse_text("31502"),
///     base_year: Some(2016),
///     target: parse_text("58000"),
///     target_year: Some(2020),
///     ..Indicator::default()
/// };
/// let plan = Plan { years: vec![2017, 2018, 2019, 2020], indicators: vec![ind], ..Plan::default() };
/// let opts = Options::default();
/// let years = actual_years(&plan);
/// // 100,000 indicators would go in slices, with a yield to the page between them.
/// let indicators: Vec<_> = (0..plan.indicators.len())
///     .filter_map(|i| compute_indicator(&plan, i, &opts, &years))
///     .collect();
/// let assessment = assess(&plan, &indicators, &years);
/// let full = compute(&plan, &opts);
/// assert_eq!((indicators, assessment), (full.indicators, full.assessment));
/// ```
pub fn compute_indicator(
    plan: &Plan,
    index: usize,
    opts: &Options,
    years: &BTreeSet<Year>,
) -> Option<IndicatorResult> {
    let ind = plan.indicators.get(index)?;
    Some(indicator_result(plan, ind, opts, years))
}

/// The scores of every year in `years` from the indicators' results (`results[i]` belongs to
/// `plan.indicators[i]`): the last step of [`compute`]. See [`score::assess`].
pub fn assess(
    plan: &Plan,
    results: &[IndicatorResult],
    years: &BTreeSet<Year>,
) -> BTreeMap<Year, Assessment> {
    score::assess(plan, results, years)
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
/// [`recompute_with`] also keeps the split unit names between calls, which a plan of 100,000
/// indicators needs for an edit to cost milliseconds.
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
    let keys = ScoreKeys::new(plan);
    recompute_indicators(plan, opts, prev, changed, &keys);
}

/// [`recompute`] with the plan's [`ScoreKeys`] kept by the caller: `keys` describe the plan as
/// it was before the edit (`ScoreKeys::new` of it, or left by the previous call) and are
/// updated for the changed indicators, so no unit cell but theirs is split again.
pub fn recompute_with(
    plan: &Plan,
    opts: &Options,
    prev: &mut PlanResults,
    changed: &[usize],
    keys: &mut ScoreKeys,
) {
    keys.update(plan, changed);
    recompute_indicators(plan, opts, prev, changed, keys);
}

fn recompute_indicators(
    plan: &Plan,
    opts: &Options,
    prev: &mut PlanResults,
    changed: &[usize],
    keys: &ScoreKeys,
) {
    let years = actual_years(plan);
    let same_years = prev.assessment.keys().eq(years.iter());
    if same_years && prev.indicators.len() == plan.indicators.len() {
        for &i in changed {
            if let (Some(ind), Some(slot)) = (plan.indicators.get(i), prev.indicators.get_mut(i)) {
                *slot = indicator_result(plan, ind, opts, &years);
            }
        }
    } else {
        prev.indicators = plan
            .indicators
            .iter()
            .map(|ind| indicator_result(plan, ind, opts, &years))
            .collect();
    }
    prev.assessment = score::assess_with(plan, keys, &prev.indicators, &years);
}

/// The results of one indicator; `years` are the plan's years with an actual.
fn indicator_result(
    plan: &Plan,
    ind: &Indicator,
    opts: &Options,
    years: &BTreeSet<Year>,
) -> IndicatorResult {
    let mut basis = schedule::basis(plan, ind);
    let yearly = schedule::yearly(plan, ind, &mut basis);
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
