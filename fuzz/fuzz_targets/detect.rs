//! Header detection on arbitrary grids, then the plan and every result computed from it: no
//! panic, whatever the cells hold.
#![no_main]

#[path = "common/grid.rs"]
mod grid;

use libfuzzer_sys::fuzz_target;
use zhibiao::io::{appended, report};
use zhibiao::table::detect;
use zhibiao::plan;

fuzz_target!(|data: &[u8]| {
    let Some(sheet) = grid::sheet(data) else {
        return;
    };
    let Some(layout) = detect::detect(&sheet) else {
        return;
    };
    let plan = detect::build_plan(&sheet, &layout);
    for year in [None, Some(2021), Some(i32::MIN), Some(i32::MAX)] {
        let results = plan::compute(
            &plan,
            &plan::Options {
                assessment_year: year,
            },
        );
        assert_eq!(results.indicators.len(), plan.indicators.len());
        let _ = appended::columns(&layout, &plan, &results);
        let _ = report::sheet_report(&sheet.name, &layout, &plan, &results);
    }
});
