//! An imported workbook to the filled workbook's bytes: every sheet that holds a table is
//! computed and written with [`super::xlsx`]. The page, its export worker, the CLI, the bench
//! page and the native benches all go through here, so each pairs sheets with results the same
//! way and writes the same bytes.
//!
//! ```
//! use zhibiao::io::{import, write::fill};
//! let csv = "序号,指标名称,单位,2020年,2025年\n1,人均GDP,元,31502,58000\n";
//! let imported = import(csv.as_bytes()).unwrap();
//! // A fixed creation time: the bytes are the same on every run.
//! let bytes = fill::workbook(&imported, &Default::default(), Some(0.0)).unwrap();
//! assert!(bytes.starts_with(b"PK"));
//! ```

use super::xlsx::{self, SheetExport};
use crate::error::ExportError;
use crate::io::merge::MergeSummary;
use crate::io::returns::Consolidation;
use crate::io::Imported;
use crate::pace::{self, Pace, Stage, ROW_STEP};
use crate::plan::{self, Plan, PlanResults};

/// The results of `plan`, as [`plan::compute_with`] gives them (`memo` filled for
/// [`plan::recompute_with`]), computed in slices: progress goes to `pace` (as
/// [`Stage::Compute`]) every [`ROW_STEP`] indicators' results or keys ([`plan::Computing`]) and
/// is awaited, so that the page can paint between slices.
pub async fn compute_paced<P: Pace>(
    plan: &Plan,
    opts: &plan::Options,
    memo: &mut plan::Memo,
    pace: &mut P,
) -> PlanResults {
    let mut work = plan::Computing::new(plan, opts);
    loop {
        let done = work.advance(ROW_STEP);
        pace.step(Stage::Compute, done).await;
        if done >= 1.0 {
            break;
        }
    }
    work.finish(memo)
}

/// The sheets the filled workbook writes: each sheet of `imported` that holds a table and has
/// results in `results` (by sheet index; `None` leaves the sheet out), in order.
pub fn table_sheets<'a>(
    imported: &'a Imported,
    results: &'a [Option<PlanResults>],
) -> Vec<SheetExport<'a>> {
    imported
        .sheets
        .iter()
        .zip(results)
        .filter_map(|(s, results)| {
            Some(SheetExport {
                sheet: &s.sheet,
                layout: s.layout.as_ref()?,
                plan: s.plan.as_ref()?,
                results: results.as_ref()?,
                greyed: &[],
                style: s.style.as_ref(),
            })
        })
        .collect()
}

/// The filled workbook of `imported`: every sheet that holds a table, except those `skip`
/// names by index, computed with `opts` and written, in slices (computation as
/// [`Stage::Compute`], writing as [`Stage::Export`]). `created_ms` is the file's creation time
/// (milliseconds since 1970, UTC); without it the writer leaves the time to its default.
///
/// # Errors
/// [`ExportError`] when the writer fails.
pub async fn workbook_paced<P: Pace>(
    imported: &Imported,
    skip: &dyn Fn(usize) -> bool,
    opts: &plan::Options,
    created_ms: Option<f64>,
    pace: &mut P,
) -> Result<Vec<u8>, ExportError> {
    workbook_paced_with(imported, skip, opts, created_ms, None, pace).await
}

/// [`workbook_paced`] with the 汇总情况 sheet of `consolidation` after the plans' sheets.
///
/// # Errors
/// As [`workbook_paced`].
pub async fn workbook_paced_with<P: Pace>(
    imported: &Imported,
    skip: &dyn Fn(usize) -> bool,
    opts: &plan::Options,
    created_ms: Option<f64>,
    consolidation: Option<&Consolidation>,
    pace: &mut P,
) -> Result<Vec<u8>, ExportError> {
    let count = imported.sheets.len();
    let mut results = Vec::with_capacity(count);
    for (index, s) in imported.sheets.iter().enumerate() {
        let computed = match (&s.plan, s.layout.is_some() && !skip(index)) {
            (Some(plan), true) => {
                pace.step(Stage::Compute, pace::fraction(index, count, 0.0))
                    .await;
                Some(compute_paced(plan, opts, &mut plan::Memo::default(), pace).await)
            }
            _ => None,
        };
        results.push(computed);
    }
    xlsx::export_paced_with(
        &table_sheets(imported, &results),
        created_ms,
        consolidation,
        pace,
    )
    .await
}

/// [`workbook_paced`] of every table sheet, straight through.
///
/// # Errors
/// As [`workbook_paced`].
///
/// # Example
/// ```
/// use zhibiao::io::{import, write::fill::workbook};
/// let csv = "序号,指标名称,单位,2020年基期值,2025年目标值\n1,地区生产总值,亿元,100,150\n";
/// let imported = import(csv.as_bytes()).unwrap();
/// // The creation time is passed in (the core never reads the clock).
/// let bytes = workbook(&imported, &zhibiao::plan::Options::default(), Some(0.0)).unwrap();
/// assert!(bytes.starts_with(b"PK")); // an .xlsx is a zip package
/// ```
pub fn workbook(
    imported: &Imported,
    opts: &plan::Options,
    created_ms: Option<f64>,
) -> Result<Vec<u8>, ExportError> {
    consolidated(imported, None, opts, created_ms)
}

/// [`workbook`] with the 汇总情况 sheet of `consolidation`, where there is one (the consolidated
/// workbook of a merge, its records without the cells each return filled: see
/// [`consolidated_with`]).
///
/// # Errors
/// As [`workbook_paced`].
pub fn consolidated(
    imported: &Imported,
    consolidation: Option<&MergeSummary>,
    opts: &plan::Options,
    created_ms: Option<f64>,
) -> Result<Vec<u8>, ExportError> {
    let consolidation = consolidation.map(|s| Consolidation::of_merge(imported, s, &[]));
    consolidated_with(imported, consolidation.as_ref(), opts, created_ms)
}

/// [`workbook`] with the 汇总情况 sheet of `consolidation` and its records in the round-trip
/// sheet (the consolidated workbook of `zhibiao-cli merge`).
///
/// # Errors
/// As [`workbook_paced`].
pub fn consolidated_with(
    imported: &Imported,
    consolidation: Option<&Consolidation>,
    opts: &plan::Options,
    created_ms: Option<f64>,
) -> Result<Vec<u8>, ExportError> {
    pace::finish(workbook_paced_with(
        imported,
        &|_| false,
        opts,
        created_ms,
        consolidation,
        &mut pace::Straight,
    ))
    .unwrap_or_else(|| {
        Err(ExportError::Writer {
            detail: "the export waited without a pace".to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pace::testing::{drive, Suspending};
    use crate::plan::value::parse_text;
    use crate::plan::Indicator;

    /// A plan of `n` indicators, each its own units (the scores' keys have to split them all).
    fn plan_of(n: usize) -> Plan {
        let indicators = (0..n)
            .map(|i| {
                let mut ind = Indicator {
                    name: format!("指标{i}"),
                    base: parse_text("100"),
                    base_year: Some(2020),
                    target: parse_text("120"),
                    target_year: Some(2025),
                    lead_units: format!("局{}、办{}", i % 97, i % 13),
                    ..Indicator::default()
                };
                ind.actual.insert(2021, parse_text("104"));
                ind
            })
            .collect();
        Plan {
            years: (2021..=2025).collect(),
            indicators,
            ..Plan::default()
        }
    }

    #[test]
    fn the_scores_keys_are_read_in_slices_too() {
        let n = 5 * ROW_STEP + 17;
        let plan = plan_of(n);
        let opts = plan::Options::default();
        let mut memo = plan::Memo::default();
        let (results, suspended) = drive(compute_paced(&plan, &opts, &mut memo, &mut Suspending));
        let mut whole = plan::Memo::default();
        assert_eq!(results, plan::compute_with(&plan, &opts, &mut whole));
        // What the page keeps for the first edit: the memo of the whole computation.
        assert_eq!(format!("{memo:?}"), format!("{whole:?}"));
        // A slice per ROW_STEP indicators' results, then per ROW_STEP indicators' keys (the
        // keys were one piece after the last slice before).
        assert_eq!(suspended, (2 * n).div_ceil(ROW_STEP));
    }
}
