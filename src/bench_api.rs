//! Bench-only exports for the in-browser comparison page that `cargo xtask bench` builds
//! (`target/bench/zhibiao-bench.html`). Compiled only with the `bench-api` feature on wasm32, so
//! the shipped page never contains it.
//!
//! Every export calls exactly what the app calls: [`io::import`] (bytes → plan, detection
//! included), [`plan::compute`], [`io::write::xlsx::export`] and [`io::report::report`]; the raw calamine
//! reads are the baseline our import is compared with. Each stage can be timed on its own: the
//! page keeps one prepared workbook (grid, layouts, plans and results) between calls.
//! Results are small numbers (counts, lengths), so what is timed is the work, not a copy back to
//! JavaScript; only [`export_prepared`] returns bytes, as the app's download does.

use crate::io::{self, read, write::xlsx};
use crate::plan::{self, PlanResults};
use crate::table::{detect, grid::Workbook};
use calamine::{Reader, Xls, Xlsx};
use std::cell::RefCell;
use std::io::Cursor;
use wasm_bindgen::prelude::*;

/// What the prepared stages work on: one import, and its results.
struct Prepared {
    workbook: Workbook,
    imported: io::Imported,
    results: Vec<Option<PlanResults>>,
}

thread_local! {
    static PREPARED: RefCell<Option<Prepared>> = const { RefCell::new(None) };
}

fn js_error(err: impl std::fmt::Display) -> JsError {
    JsError::new(&err.to_string())
}

fn indicator_count(imported: &io::Imported) -> u32 {
    let count: usize = imported
        .sheets
        .iter()
        .filter_map(|s| s.plan.as_ref())
        .map(|p| p.indicators.len())
        .sum();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Our whole import, as the app runs it on a picked file: bytes → workbook → layouts → plans.
/// Returns the number of indicators.
///
/// # Errors
/// The import error's text.
#[wasm_bindgen(js_name = benchImport)]
pub fn import(bytes: &[u8]) -> Result<u32, JsError> {
    let imported = io::import(bytes).map_err(js_error)?;
    Ok(indicator_count(&imported))
}

/// Only the reading stage of our import (calamine's cells and merges, plus the number formats
/// we read), without detection. Returns the number of non-empty cells.
///
/// # Errors
/// The import error's text.
#[wasm_bindgen(js_name = benchRead)]
pub fn read_only(bytes: &[u8]) -> Result<u32, JsError> {
    let workbook = read::read_workbook(bytes).map_err(js_error)?;
    let cells: usize = workbook
        .sheets
        .iter()
        .flat_map(|s| &s.rows)
        .map(|r| {
            r.iter()
                .filter(|c| !matches!(c, plan::RawCell::Empty))
                .count()
        })
        .sum();
    Ok(u32::try_from(cells).unwrap_or(u32::MAX))
}

/// calamine alone, as a library user would call it: open the workbook and read every sheet's
/// cells (no styles, no merges). `styles` also reads each `.xlsx` sheet's styles the way
/// `io/read.rs` does (`worksheet_style`, which parses the sheet XML a second time).
/// Returns the number of cells in the used ranges.
///
/// # Errors
/// calamine's message.
#[wasm_bindgen(js_name = benchCalamine)]
pub fn calamine_read(bytes: &[u8], styles: bool) -> Result<u32, JsError> {
    let mut cells = 0usize;
    if bytes.starts_with(b"PK") {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(js_error)?;
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).map_err(js_error)?;
            cells += range.get_size().0 * range.get_size().1;
            if styles {
                let styled = wb.worksheet_style(&name).map_err(js_error)?;
                cells += usize::from(styled.is_empty());
            }
        }
    } else {
        let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(js_error)?;
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).map_err(js_error)?;
            cells += range.get_size().0 * range.get_size().1;
        }
    }
    Ok(u32::try_from(cells).unwrap_or(u32::MAX))
}

/// Imports `bytes` and computes every plan once, keeping the result for the `*_prepared`
/// stages. Returns the number of indicators.
///
/// # Errors
/// The import error's text.
#[wasm_bindgen(js_name = benchPrepare)]
pub fn prepare(bytes: &[u8]) -> Result<u32, JsError> {
    let workbook = read::read_workbook(bytes).map_err(js_error)?;
    let imported = io::import(bytes).map_err(js_error)?;
    let results = imported
        .sheets
        .iter()
        .map(|s| {
            s.plan
                .as_ref()
                .map(|p| plan::compute(p, &plan::Options::default()))
        })
        .collect();
    let count = indicator_count(&imported);
    PREPARED.with(|p| {
        *p.borrow_mut() = Some(Prepared {
            workbook,
            imported,
            results,
        })
    });
    Ok(count)
}

fn with_prepared<T>(f: impl FnOnce(&Prepared) -> Result<T, JsError>) -> Result<T, JsError> {
    PREPARED.with(|p| match p.borrow().as_ref() {
        Some(prepared) => f(prepared),
        None => Err(JsError::new("call benchPrepare first")),
    })
}

/// Layout detection and plan building ([`detect::detect`], [`detect::build_plan`]) on every
/// prepared sheet. Returns the number of indicators.
///
/// # Errors
/// When nothing is prepared.
#[wasm_bindgen(js_name = benchDetectPrepared)]
pub fn detect_prepared() -> Result<u32, JsError> {
    with_prepared(|p| {
        let mut count = 0usize;
        for sheet in &p.workbook.sheets {
            if let Some(layout) = detect::detect(sheet) {
                count += detect::build_plan(sheet, &layout).indicators.len();
            }
        }
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    })
}

/// [`plan::compute`] on every prepared plan. Returns the number of indicator results.
///
/// # Errors
/// When nothing is prepared.
#[wasm_bindgen(js_name = benchComputePrepared)]
pub fn compute_prepared() -> Result<u32, JsError> {
    with_prepared(|p| {
        let count: usize = p
            .imported
            .sheets
            .iter()
            .filter_map(|s| s.plan.as_ref())
            .map(|plan| {
                plan::compute(plan, &plan::Options::default())
                    .indicators
                    .len()
            })
            .sum();
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    })
}

/// [`xlsx::export`] of every prepared sheet with its results: the filled workbook's bytes.
///
/// # Errors
/// When nothing is prepared, or the writer's message.
#[wasm_bindgen(js_name = benchExportPrepared)]
pub fn export_prepared() -> Result<Vec<u8>, JsError> {
    with_prepared(|p| {
        xlsx::export(&io::write::fill::table_sheets(&p.imported, &p.results)).map_err(js_error)
    })
}

/// The JSON report of the prepared import ([`io::report::report`], serialised as
/// `zhibiao-cli report` prints it). Returns its length in bytes.
///
/// # Errors
/// When nothing is prepared.
#[wasm_bindgen(js_name = benchReportPrepared)]
pub fn report_prepared() -> Result<u32, JsError> {
    with_prepared(|p| {
        let json = io::report::report("bench", &p.imported, &plan::Options::default());
        let text = serde_json::to_string(&json).map_err(js_error)?;
        Ok(u32::try_from(text.len()).unwrap_or(u32::MAX))
    })
}

/// Drops the prepared workbook.
#[wasm_bindgen(js_name = benchClear)]
pub fn clear() {
    PREPARED.with(|p| *p.borrow_mut() = None);
}

/// The size of the wasm linear memory in bytes (it only grows, so it is the peak so far).
#[wasm_bindgen(js_name = benchMemoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) as f64) * 65536.0
}
