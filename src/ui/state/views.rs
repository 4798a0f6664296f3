//! The models of the summary (考核汇总) and next year's draft (下年度目标) views.

use crate::plan::{self, Plan, PlanResults, Status};

/// The figures of the summary view for one assessment year.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub year: plan::Year,
    pub overall: Option<String>,
    /// (category, shown realization), in the plan's order.
    pub categories: Vec<(String, String)>,
    /// (unit, score value, shown score, indicators counted), best first.
    pub units: Vec<(String, f64, String, usize)>,
    /// How many indicators have each status this year.
    pub counts: Vec<(Status, usize)>,
    /// The indicators behind schedule: (seq, name, shown realization, lead units, 0-based
    /// sheet row).
    pub lagging: Vec<(String, String, String, String, usize)>,
}

/// The years that can be assessed (those with any actual), ascending.
pub fn assessment_years(results: &PlanResults) -> Vec<plan::Year> {
    results.assessment.keys().copied().collect()
}

/// The year a view shows: the one the user picked while it can be assessed, else the latest.
pub fn chosen_year(years: &[plan::Year], wanted: Option<plan::Year>) -> Option<plan::Year> {
    wanted
        .filter(|y| years.contains(y))
        .or(years.last().copied())
}

/// The summary of one year.
pub fn summary(plan: &Plan, results: &PlanResults, year: plan::Year) -> Summary {
    let assessment = results.assessment.get(&year);
    let mut categories: Vec<(String, String)> = Vec::new();
    if let Some(a) = assessment {
        for i in &plan.indicators {
            let key = plan::score::fold(&i.category);
            if let Some(shown) = a.categories.get(&key) {
                if !categories.iter().any(|(c, _)| *c == key) {
                    categories.push((key, shown.shown()));
                }
            }
        }
    }
    let mut units: Vec<(String, f64, String, usize)> = assessment
        .map(|a| {
            a.units
                .iter()
                .map(|(u, s)| (u.clone(), s.score.value, s.score.shown(), s.count))
                .collect()
        })
        .unwrap_or_default();
    units.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let statuses: Vec<Status> = results
        .indicators
        .iter()
        .filter_map(|r| r.status.get(&year).copied())
        .collect();
    let counts = [
        Status::Met,
        Status::OnTrack,
        Status::Lagging,
        Status::NoData,
    ]
    .into_iter()
    .map(|s| (s, statuses.iter().filter(|x| **x == s).count()))
    .collect();
    let lagging = plan
        .indicators
        .iter()
        .zip(&results.indicators)
        .filter(|(_, r)| r.status.get(&year) == Some(&Status::Lagging))
        .map(|(i, r)| {
            (
                i.seq.clone(),
                i.name.clone(),
                r.realization
                    .get(&year)
                    .map(|s| s.shown())
                    .unwrap_or_default(),
                i.lead_units.clone(),
                i.row.saturating_sub(1) as usize,
            )
        })
        .collect();
    Summary {
        year,
        overall: assessment
            .and_then(|a| a.overall.as_ref())
            .map(|s| s.shown()),
        categories,
        units,
        counts,
        lagging,
    }
}

/// One row of the next-year view.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftRow {
    pub seq: String,
    pub name: String,
    pub unit: String,
    pub method: plan::Method,
    pub draft: plan::Draft,
    pub decimals: u8,
}

/// Why a draft is flagged (PLANNING-RULES "Next year's schedule").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagReason {
    /// The improvement now needed is more than 1.5 times the plan's original one.
    OutOfReach,
    /// A hold indicator that no longer holds its level.
    HoldSlipped,
    /// A rate itself whose latest actual fell short of r.
    ShortOfRate,
}

impl DraftRow {
    /// Why the draft is flagged, or `None` when it is not.
    pub fn flag_reason(&self) -> Option<FlagReason> {
        self.draft.flag.then_some(match self.method {
            plan::Method::Hold => FlagReason::HoldSlipped,
            plan::Method::RateItself => FlagReason::ShortOfRate,
            _ => FlagReason::OutOfReach,
        })
    }

    /// The unit of the needed and original changes: the indicator's unit per year for a
    /// yearly difference (linear, manual; percentage points for a unit of `%`), `%/年` for an
    /// annual rate (compound, rate, reduction, rate itself); nothing for hold.
    ///
    /// ```
    /// # use zhibiao::ui::state::DraftRow;
    /// # use zhibiao::plan::{Draft, Method};
    /// let row = |method, unit: &str| DraftRow {
    ///     seq: "1".into(), name: "人均GDP".into(), unit: unit.into(), method,
    ///     draft: Draft { from_year: 2022, years: Default::default(), needed_change: None,
    ///                    original_change: None, flag: false },
    ///     decimals: 0,
    /// };
    /// assert_eq!(row(Method::Linear, "元").change_unit(), "元/年");
    /// assert_eq!(row(Method::Compound, "元").change_unit(), "%/年");
    /// assert_eq!(row(Method::Linear, "%").change_unit(), "个百分点/年");
    /// assert_eq!(row(Method::Hold, "%").change_unit(), "");
    /// ```
    pub fn change_unit(&self) -> String {
        use plan::Method;
        match self.method {
            Method::Linear | Method::Manual => {
                let unit = self.unit.trim();
                if unit.is_empty() || unit == "—" || unit == "-" {
                    "每年".to_string()
                } else if unit == "%" || unit == "％" {
                    // A difference of percentages is in percentage points.
                    "个百分点/年".to_string()
                } else {
                    format!("{unit}/年")
                }
            }
            Method::Compound | Method::Rate | Method::Reduction | Method::RateItself => {
                "%/年".to_string()
            }
            Method::Hold | Method::None => String::new(),
        }
    }
}

/// The years of the drafts, each once and in order: the columns of the next-year table.
pub fn draft_years(rows: &[DraftRow]) -> Vec<plan::Year> {
    let years: std::collections::BTreeSet<plan::Year> = rows
        .iter()
        .flat_map(|r| r.draft.years.keys().copied())
        .collect();
    years.into_iter().collect()
}

/// The drafts of every indicator that has one, starting from the assessment year `year`.
pub fn drafts(plan: &Plan, year: plan::Year) -> Vec<DraftRow> {
    let results = plan::compute(
        plan,
        &plan::Options {
            assessment_year: Some(year),
        },
    );
    plan.indicators
        .iter()
        .zip(results.indicators)
        .filter_map(|(i, r)| {
            Some(DraftRow {
                seq: i.seq.clone(),
                name: i.name.clone(),
                unit: i.unit.clone(),
                method: r.method,
                decimals: r.decimals,
                draft: r.draft.filter(|d| d.from_year == year)?,
            })
        })
        .collect()
}
