//! The export on arbitrary plans: a grid's plan with arbitrary corrections (overrides, typed
//! yearly targets, the realization cap) is computed and written as .xlsx, and the workbook is
//! read back by the importer. Neither may panic; the export may only fail with an error.
#![no_main]

#[path = "common/grid.rs"]
mod grid;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use zhibiao::io::{self, write::xlsx};
use zhibiao::table::detect;
use zhibiao::plan::{self, Direction, Method, Plan};

const METHODS: &[Method] = &[
    Method::Linear,
    Method::Compound,
    Method::Rate,
    Method::RateItself,
    Method::Reduction,
    Method::Hold,
    Method::Manual,
    Method::None,
];

fn number(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(if u.ratio(1u8, 8)? {
        *u.choose(&[f64::NAN, f64::INFINITY, -f64::INFINITY, 1e308, -1e308, 0.0])?
    } else {
        f64::from(u.int_in_range(-100_000i32..=100_000)?) / 100.0
    })
}

/// Arbitrary corrections, as the page lets the user make them.
fn correct(plan: &mut Plan, u: &mut Unstructured<'_>) -> Result<()> {
    if u.arbitrary()? {
        plan.settings.cap = if u.arbitrary()? {
            None
        } else {
            Some(number(u)?)
        };
    }
    let n = plan.indicators.len();
    if n == 0 {
        return Ok(());
    }
    for _ in 0..u.int_in_range(0usize..=6)? {
        let i = u.int_in_range(0..=n - 1)?;
        let Some(ind) = plan.indicators.get_mut(i) else {
            continue;
        };
        match u.int_in_range(0u8..=5)? {
            0 => {
                ind.overrides.direction =
                    Some(*u.choose(&[Direction::Positive, Direction::Negative])?)
            }
            1 => ind.overrides.method = Some(*u.choose(METHODS)?),
            2 => ind.overrides.decimals = Some(u.arbitrary()?),
            3 => ind.overrides.base_year = Some(u.int_in_range(1990..=2040)?),
            4 => ind.overrides.target_year = Some(u.int_in_range(1990..=2040)?),
            _ => {
                let year = u.int_in_range(2015..=2030)?;
                ind.manual.insert(year, number(u)?);
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    // The first byte says how many of the next bytes drive the corrections; the rest is the grid.
    let (tweaks, grid) = match data.split_first() {
        Some((n, rest)) => rest.split_at(usize::from(*n % 64).min(rest.len())),
        None => return,
    };
    let Some(sheet) = grid::sheet(grid) else {
        return;
    };
    let Some(layout) = detect::detect(&sheet) else {
        return;
    };
    let mut plan = detect::build_plan(&sheet, &layout);
    let _ = correct(&mut plan, &mut Unstructured::new(tweaks));
    let results = plan::compute(&plan, &plan::Options::default());
    let export = xlsx::SheetExport {
        sheet: &sheet,
        layout: &layout,
        plan: &plan,
        results: &results,
    };
    if let Ok(bytes) = xlsx::export(&[export]) {
        let _ = io::import(&bytes);
    }
});
