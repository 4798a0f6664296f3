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

    /// [`Live::new`] in slices ([`crate::io::write::fill::compute_paced`]), reporting to
    /// `pace` between them; the memo is filled as `Live::new` fills it, so the first edit
    /// recomputes only what it touched.
    pub async fn new_paced<P: crate::pace::Pace>(plan: &Plan, pace: &mut P) -> Self {
        let mut memo = plan::Memo::default();
        let results =
            crate::io::write::fill::compute_paced(plan, &plan::Options::default(), &mut memo, pace)
                .await;
        Self { results, memo }
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
