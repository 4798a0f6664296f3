//! Adapters: bytes in, bytes out. Pure Rust, tested natively on the fixture files.
//!
//! [`read`] turns bytes into a format-neutral [`crate::table::grid::Workbook`] (one file per
//! format), which [`crate::table`] understands; [`write`](mod@write) turns an import and its results into
//! files (the filled workbook, the 计划明细 CSV, the saved page); [`report`] is the JSON report.
//! Between them: the completion columns both the grid and the export append ([`appended`]),
//! sheets combined into one plan ([`combine`]), what an export carries to be read back
//! ([`roundtrip`]), and every size limit ([`limits`]).
//!
//! This room may use [`crate::plan`], [`crate::table`] and [`crate::pace`]; never
//! `crate::ui` or anything of the browser.

pub mod appended;
pub mod combine;
pub mod limits;
pub mod merge;
pub mod read;
pub mod report;
pub mod roundtrip;
pub mod write;

use crate::error::ImportError;
use crate::pace;
use crate::plan::Plan;
use crate::table::detect::{self, Layout};
use crate::table::grid::{Format, Sheet};
use serde::{Deserialize, Serialize};

/// One sheet of an imported workbook: its cells, and its table where it holds one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportedSheet {
    /// The cells as read.
    pub sheet: Sheet,
    /// The detected (or user-marked) indicator table, if any.
    pub layout: Option<Layout>,
    /// The plan built from the table, with the user's overrides.
    pub plan: Option<Plan>,
    /// The sheet's look as its file states it (`.xlsx`, `.xls`), carried into the export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<crate::table::style::SheetStyle>,
}

/// A workbook read and understood.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// The format the bytes were in.
    pub format: Format,
    /// Every sheet, in workbook order.
    pub sheets: Vec<ImportedSheet>,
}

impl Imported {
    /// The index of the first sheet that holds an indicator table.
    pub fn first_table(&self) -> Option<usize> {
        self.sheets.iter().position(|s| s.plan.is_some())
    }
}

/// Reads bytes and detects the indicator table of every sheet. A workbook with no indicator
/// table is still imported: every sheet shows as a grid, and the user can mark a table
/// ([`crate::table::detect::detect_marked`]); callers that need a table ask
/// [`Imported::first_table`].
///
/// # Errors
/// [`ImportError`] when the bytes cannot be read.
pub fn import(bytes: &[u8]) -> Result<Imported, ImportError> {
    pace::finish(import_paced(bytes, &mut pace::Straight)).unwrap_or_else(|| {
        Err(ImportError::Damaged {
            detail: "the import waited without a pace".to_string(),
        })
    })
}

/// [`import`] in slices: progress goes to `pace`, which is awaited between them.
///
/// # Errors
/// As [`import`].
pub async fn import_paced<P: pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Imported, ImportError> {
    let workbook = read::read_workbook_paced(bytes, pace).await?;
    let format = workbook.format.unwrap_or(Format::Csv);
    let count = workbook.sheets.len();
    let mut sheets = Vec::with_capacity(count);
    let mut styles = workbook.styles.into_iter();
    for (index, sheet) in workbook.sheets.into_iter().enumerate() {
        let style = styles.next().flatten();
        pace.step(pace::Stage::Detect, pace::fraction(index, count, 0.0))
            .await;
        let layout = detect::detect(&sheet);
        let plan = match &layout {
            Some(l) => {
                let progress = |part| pace::fraction(index, count, part);
                Some(detect::build_plan_paced(&sheet, l, pace, progress).await)
            }
            None => None,
        };
        sheets.push(ImportedSheet {
            sheet,
            layout,
            plan,
            style,
        });
    }
    roundtrip::apply(&mut sheets);
    Ok(Imported { format, sheets })
}
