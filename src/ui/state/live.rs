//! Live results: the plan's results kept up to date edit by edit, recomputing only what an
//! edit touched.

use crate::plan::{self, Plan, PlanResults};

/// The results of the plan on screen, kept up to date edit by edit: an edit of one
/// indicator computes that indicator and the scores again, never the whole plan.
#[derive(Clone, Debug, Default)]
pub struct Live {
    pub results: PlanResults,
    /// What the next edit's recomputation keeps from this one.
    memo: plan::Memo,
}

impl Live {
    /// Computes every result of `plan`.
    pub fn new(plan: &Plan) -> Self {
        let mut memo = plan::Memo::default();
        let results = plan::compute_with(plan, &plan::Options::default(), &mut memo);
        Self { results, memo }
    }

    /// [`Live::new`] in slices of [`STEP`](crate::pace::STEP) indicators, reporting to
    /// `pace` between them.
    pub async fn new_paced<P: crate::pace::Pace>(plan: &Plan, pace: &mut P) -> Self {
        Self {
            results: crate::io::write::fill::compute_paced(plan, &plan::Options::default(), pace)
                .await,
            // Filled from the plan by the first edit's recomputation.
            memo: plan::Memo::default(),
        }
    }

    /// Brings the results up to date with `plan` after an edit that changed the indicators
    /// `changed` (`None`: anything, so everything is computed again).
    pub fn update(&mut self, plan: &Plan, changed: Option<&[usize]>) {
        match changed {
            Some(changed) => plan::recompute_with(
                plan,
                &plan::Options::default(),
                &mut self.results,
                changed,
                &mut self.memo,
            ),
            None => *self = Self::new(plan),
        }
    }
}
