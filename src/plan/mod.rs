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

use std::collections::BTreeSet;

pub use model::*;

/// Options of one computation (never read from the clock).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The assessment year for the draft; `None`: each indicator's latest year with a numeric
    /// actual. Scores are computed for every year with an actual either way.
    pub assessment_year: Option<Year>,
}

/// The years in which any indicator has an actual (a non-empty actual cell).
pub fn actual_years(plan: &Plan) -> BTreeSet<Year> {
    plan.indicators
        .iter()
        .filter(|i| !i.is_group)
        .flat_map(|i| {
            i.actual
                .iter()
                .filter(|(_, g)| g.value != Value::Empty)
                .map(|(y, _)| *y)
        })
        .collect()
}

/// Computes every result of a plan: for each indicator its direction, method, yearly targets,
/// realization, progress, status and draft (`results.indicators[i]` belongs to
/// `plan.indicators[i]`), and the scores of every year that has any actual.
pub fn compute(plan: &Plan, opts: &Options) -> PlanResults {
    let years = actual_years(plan);
    let indicators: Vec<IndicatorResult> = plan
        .indicators
        .iter()
        .map(|ind| compute_indicator(plan, ind, opts, &years))
        .collect();
    let assessment = score::assess(plan, &indicators, &years);
    PlanResults {
        indicators,
        assessment,
    }
}

/// The results of one indicator; `years` are the plan's years with an actual.
fn compute_indicator(
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
