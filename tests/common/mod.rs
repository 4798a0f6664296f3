//! Helpers shared by the integration tests: import a fixture, compute, look rows up.

use std::path::PathBuf;
use zhibiao::io::{self, Imported};
use zhibiao::plan::{self, Indicator, IndicatorResult, Plan, PlanResults};

/// The path of a fixture under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Imports a fixture, panicking with the importer's message if it fails.
pub fn import(name: &str) -> Imported {
    let bytes = std::fs::read(fixture(name)).expect("fixture exists");
    io::import(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A sheet's plan and its results.
pub struct Computed {
    pub plan: Plan,
    pub results: PlanResults,
}

impl Computed {
    /// The indicator with the given sequence number and its result.
    pub fn seq(&self, seq: &str) -> (&Indicator, &IndicatorResult) {
        self.plan
            .indicators
            .iter()
            .zip(&self.results.indicators)
            .find(|(i, _)| i.seq == seq)
            .unwrap_or_else(|| panic!("no indicator with seq {seq}"))
    }

    /// The shown yearly target of a seq in a year.
    pub fn yearly(&self, seq: &str, year: i32) -> String {
        let (_, r) = self.seq(seq);
        r.yearly
            .get(&year)
            .map(|t| t.shown())
            .unwrap_or_else(|| "—".to_string())
    }

    /// The shown realization of a seq in a year.
    pub fn realization(&self, seq: &str, year: i32) -> String {
        let (_, r) = self.seq(seq);
        r.realization
            .get(&year)
            .map(|t| t.shown())
            .unwrap_or_else(|| "—".to_string())
    }

    /// The shown overall realization of a year.
    pub fn overall(&self, year: i32) -> String {
        self.results
            .assessment
            .get(&year)
            .and_then(|a| a.overall.as_ref())
            .map(|s| s.shown())
            .unwrap_or_else(|| "—".to_string())
    }
}

/// Computes the plan of a sheet (by index) of a fixture.
pub fn computed(name: &str, sheet: usize) -> Computed {
    let imported = import(name);
    let plan = imported.sheets[sheet]
        .plan
        .clone()
        .unwrap_or_else(|| panic!("{name}: sheet {sheet} has no table"));
    let results = plan::compute(&plan, &plan::Options::default());
    Computed { plan, results }
}
