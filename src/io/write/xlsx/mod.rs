//! Plan + results → a filled `.xlsx` with rust_xlsxwriter.
//!
//! The workbook holds, in this order:
//! 1. each source table sheet in its own layout (same rows, columns and merged cells) with the
//!    empty yearly-target cells filled by the engine and marked by a fill colour, and 实现程度 /
//!    状态 appended for each year with actuals;
//! 2. for each of them, 计划明细 (one row per indicator, every computed figure a live formula:
//!    see [`super::formulas`] for the layout), 考核得分 (overall, category and unit figures per
//!    assessment year as formulas over 计划明细, with a chart of the unit scores and one of the
//!    overall realization over the years) and 下年度目标 (next year's draft with its flags); with
//!    more than one table the sheet names end in `-<source sheet>`;
//! 3. the hidden sheet [`crate::io::roundtrip::SHEET_NAME`] that makes a re-import give back the
//!    same plan.
//!
//! With a consolidation, a 汇总情况 sheet ([`consolidation`]) follows them.
//!
//! One file per sheet: `source`, `detail`, `scores`, `draft`, `consolidation`; `format` holds the
//! formats and widths they share.

use crate::error::ExportError;
use crate::io::returns::Consolidation;
use crate::io::roundtrip;
use crate::io::write::formulas::{self, DetailBuilder};
use crate::pace::{self, Pace, Stage, STEP};
use crate::plan::{PlanResults, RawCell};
use crate::table::detect::Layout;
use crate::table::grid::Sheet;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use std::fmt::Write as _;

pub mod consolidation;
mod detail;
mod draft;
mod format;
mod look;
mod scores;
mod source;

use consolidation::*;
use detail::*;
use draft::*;
use format::*;
use scores::*;
use source::*;

/// The fill colour of cells the engine computed (light yellow, as in the page's legend).
pub const COMPUTED_FILL: u32 = 0xFFF2CC;

/// The fill colour of values typed by the user (light blue).
pub const MANUAL_FILL: u32 = 0xDDEBF7;

/// The base names of the sheets added for each plan.
pub const DETAIL_SHEET: &str = "计划明细";
/// See [`DETAIL_SHEET`].
pub const SCORES_SHEET: &str = "考核得分";
/// See [`DETAIL_SHEET`].
pub const DRAFT_SHEET: &str = "下年度目标";

/// One sheet to export: its source cells, its table and the engine's results.
pub struct SheetExport<'a> {
    /// The source sheet's cells.
    pub sheet: &'a Sheet,
    /// Its detected table.
    pub layout: &'a Layout,
    /// The plan built from it (with the user's overrides).
    pub plan: &'a crate::plan::Plan,
    /// The engine's results of `plan`.
    pub results: &'a PlanResults,
    /// Sheet rows (0-based, ascending) shown in grey type: in a unit's copy of the plan
    /// ([`crate::io::write::distribute`]), the rows of other units. Empty in a normal export.
    pub greyed: &'a [u32],
    /// The source sheet's look as its file states it, if it states one.
    pub style: Option<&'a crate::table::style::SheetStyle>,
}

pub(super) fn writer_error(e: XlsxError) -> ExportError {
    ExportError::Writer {
        detail: e.to_string(),
    }
}

/// The display width of a text in Excel's character units: CJK and full-width characters
/// count twice (rust_xlsxwriter counts them once).
pub fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                1.0
            } else if ('\u{2E80}'..='\u{9FFF}').contains(&c)
                || ('\u{F900}'..='\u{FAFF}').contains(&c)
                || ('\u{FF00}'..='\u{FFEF}').contains(&c)
                || ('\u{3000}'..='\u{303F}').contains(&c)
            {
                2.0
            } else {
                1.2
            }
        })
        .sum()
}

/// The number format code for `decimals` decimals (`0`, `0.0`, `0.00` …).
pub fn decimals_format(decimals: u8) -> String {
    if decimals == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(usize::from(decimals)))
    }
}

/// Writes the filled workbook.
///
/// # Errors
/// [`ExportError::Writer`] when rust_xlsxwriter refuses the workbook.
pub fn export(sheets: &[SheetExport<'_>]) -> Result<Vec<u8>, ExportError> {
    pace::finish(export_paced(sheets, &mut pace::Straight)).unwrap_or_else(|| {
        Err(ExportError::Writer {
            detail: "the export waited without a pace".to_string(),
        })
    })
}

/// [`export`] in slices: progress goes to `pace` (as [`Stage::Export`]) every [`STEP`] cells
/// written, and is awaited, so that the page can yield between slices. The bytes are those of
/// [`export`].
///
/// The last part, rust_xlsxwriter's assembly of the file (each sheet's XML, then zip
/// compression), is one call that cannot be sliced; the pace is told [`WRITE_SHARE`] before it
/// and 1 after it (before the writer's memory is freed).
///
/// # Errors
/// As [`export`].
pub async fn export_paced<P: Pace>(
    sheets: &[SheetExport<'_>],
    pace: &mut P,
) -> Result<Vec<u8>, ExportError> {
    export_paced_at(sheets, None, pace).await
}

/// [`export_paced_at`] with the 汇总情况 sheet of `consolidation` after the plans' sheets
/// (see [`consolidation`]), where there is one.
///
/// # Errors
/// As [`export`].
pub async fn export_paced_with<P: Pace>(
    sheets: &[SheetExport<'_>],
    created_ms: Option<f64>,
    consolidation: Option<&Consolidation>,
    pace: &mut P,
) -> Result<Vec<u8>, ExportError> {
    let created = created_ms
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
        .and_then(|ms| ExcelDateTime::from_timestamp((ms / 1000.0) as i64).ok());
    export_workbook(sheets, pace, created.as_ref(), consolidation)
        .await
        .map_err(writer_error)
}

/// [`export_paced`] with the file's creation time given (milliseconds since 1970, UTC) instead
/// of rust_xlsxwriter reading the clock: the page passes its time, so that the export worker
/// writes the very bytes the page would. A time before 1970 or out of range is left out.
///
/// # Errors
/// As [`export`].
pub async fn export_paced_at<P: Pace>(
    sheets: &[SheetExport<'_>],
    created_ms: Option<f64>,
    pace: &mut P,
) -> Result<Vec<u8>, ExportError> {
    export_paced_with(sheets, created_ms, None, pace).await
}

/// The deflate level of the file's parts. The default (6) spent most of a large export in
/// compression; level 2 takes well under half of that for files about a quarter larger (the
/// parts themselves are the same).
pub(super) const ZIP_LEVEL: u8 = 2;

/// The share of [`Stage::Export`]'s progress that writing the cells takes; the rest is the file's
/// assembly, which cannot be sliced.
pub const WRITE_SHARE: f64 = 0.6;

/// Counts the cells written and steps the pace every [`STEP`] of them.
pub(super) struct Progress<'p, P> {
    pace: &'p mut P,
    done: usize,
    total: usize,
    next: usize,
}

impl<'p, P: Pace> Progress<'p, P> {
    pub(super) fn new(pace: &'p mut P, total: usize) -> Self {
        Self {
            pace,
            done: 0,
            total,
            next: STEP,
        }
    }

    /// `n` more cells are written.
    pub(super) async fn cells(&mut self, n: usize) {
        self.done = self.done.saturating_add(n);
        if self.done >= self.next {
            self.next = self.done.saturating_add(STEP);
            let part = pace::fraction(self.done.min(self.total), self.total.max(1), 0.0);
            self.pace.step(Stage::Export, WRITE_SHARE * part).await;
        }
    }

    pub(super) async fn at(&mut self, fraction: f64) {
        self.pace.step(Stage::Export, fraction).await;
    }
}

/// About how many cells the export writes (for the progress fraction only).
pub(super) fn estimated_cells(sheets: &[SheetExport<'_>], details: &[DetailBuilder<'_>]) -> usize {
    sheets
        .iter()
        .zip(details)
        .map(|(ex, detail)| {
            let source: usize = ex.sheet.rows.iter().map(Vec::len).sum();
            let data_rows = ex.layout.data_last.saturating_sub(ex.layout.header_last);
            let appended = 2 * ex.layout.actual_cols().len() * data_rows;
            let n = detail.len();
            source + ex.sheet.merges.len() + n + appended + n * detail.columns().len() + n * 14
        })
        .sum()
}

/// The workbook; `created` replaces the clock's time in the file's properties (for tests that
/// compare bytes); `consolidation` adds the 汇总情况 sheet.
pub(super) async fn export_workbook<P: Pace>(
    sheets: &[SheetExport<'_>],
    pace: &mut P,
    created: Option<&ExcelDateTime>,
    consolidation: Option<&Consolidation>,
) -> Result<Vec<u8>, XlsxError> {
    let details: Vec<DetailBuilder<'_>> = sheets
        .iter()
        .map(|ex| DetailBuilder::new(ex.plan, ex.results))
        .collect();
    let mut progress = Progress::new(pace, estimated_cells(sheets, &details));
    progress.at(0.0).await;
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(ZIP_LEVEL);
    if let Some(created) = created {
        workbook.set_properties(&DocProperties::new().set_creation_datetime(created));
    }
    let mut names = Names::default();
    let mut sources = Vec::new();
    for export in sheets {
        let name = names.unique(&sheet_name(&export.sheet.name));
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&name)?;
        write_source_sheet(worksheet, export, &mut progress).await?;
        sources.push(name);
    }
    let mut meta = roundtrip::Metadata::default();
    for ((export, source), detail) in sheets.iter().zip(&sources).zip(&details) {
        let suffix = if sheets.len() > 1 {
            format!("-{source}")
        } else {
            String::new()
        };
        let detail_name = names.unique(&sheet_name(&format!("{DETAIL_SHEET}{suffix}")));
        write_detail_sheet(
            workbook.add_worksheet(),
            &detail_name,
            detail,
            &mut progress,
        )
        .await?;
        let (cap_row, cap_col) = formulas::CAP_CELL;
        workbook.define_name(
            format!("{}!{}", quote_sheet(&detail_name), formulas::CAP_NAME),
            &format!(
                "={}!${}${}",
                quote_sheet(&detail_name),
                crate::table::grid::col_letters(usize::from(cap_col)),
                cap_row + 1
            ),
        )?;
        let scores_name = names.unique(&sheet_name(&format!("{SCORES_SHEET}{suffix}")));
        write_scores_sheet(
            workbook.add_worksheet(),
            &scores_name,
            &detail_name,
            detail,
            export,
        )?;
        let draft_name = names.unique(&sheet_name(&format!("{DRAFT_SHEET}{suffix}")));
        write_draft_sheet(workbook.add_worksheet(), &draft_name, export, &mut progress).await?;
        let mut sheet_meta = roundtrip::sheet_meta(
            source,
            vec![detail_name, scores_name, draft_name],
            export.plan,
            export.results,
            &export.layout.yearly_cols(),
        );
        sheet_meta.layout = roundtrip::user_layout(export.sheet, export.layout);
        meta.sheets.push(sheet_meta);
    }
    if let Some(consolidation) = consolidation {
        let name = names.unique(CONSOLIDATION_SHEET);
        let title = sheets.first().map_or("", |s| s.plan.title.as_str());
        write_consolidation_sheet(
            workbook.add_worksheet(),
            &name,
            title,
            &consolidation.summary,
        )?;
        meta.returns = consolidation.returns.clone();
        if let Some(first) = sheets.first() {
            meta.returns_rows = roundtrip::returns_rows(&consolidation.returns, first.plan);
            meta.returns_cols = roundtrip::returns_cols(&consolidation.returns, first.layout);
        }
        // A re-import must not take the sheet for a table of its own.
        if let Some(first) = meta.sheets.first_mut() {
            first.derived.push(name);
        }
    }
    let ws = workbook.add_worksheet();
    ws.set_name(roundtrip::SHEET_NAME)?;
    ws.write_string(0, 0, roundtrip::MARKER)?;
    for (i, chunk) in roundtrip::to_chunks(&meta).iter().enumerate() {
        ws.write_string(u32::try_from(i + 1).unwrap_or(u32::MAX), 0, chunk)?;
    }
    ws.set_hidden(true);
    progress.at(WRITE_SHARE).await;
    let bytes = workbook.save_to_buffer();
    // Freeing the writer's cells takes a while too: a slice of its own.
    progress.at(1.0).await;
    drop(workbook);
    bytes
}

/// Sheet names already used (Excel compares them without case).
#[derive(Default)]
pub(super) struct Names(Vec<String>);

impl Names {
    /// `name`, or `name (2)`, `name (3)` … when it is taken; at most 31 characters.
    pub(super) fn unique(&mut self, name: &str) -> String {
        let taken =
            |n: &str, used: &[String]| used.iter().any(|u| u.to_lowercase() == n.to_lowercase());
        let mut candidate = name.to_string();
        let mut i = 2;
        while taken(&candidate, &self.0) {
            let suffix = format!(" ({i})");
            let keep = 31usize.saturating_sub(suffix.len());
            candidate = format!("{}{suffix}", cut_utf16(name, keep).trim_end_matches('\''));
            i += 1;
        }
        self.0.push(candidate.clone());
        candidate
    }
}

/// A sheet name quoted for a formula: `'计划明细'`.
pub fn quote_sheet(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// The longest text Excel keeps in a cell, in UTF-16 units.
pub(super) const MAX_CELL_TEXT: usize = 32_767;

/// `s` cut to at most `max` UTF-16 units (on a character boundary).
pub(super) fn cut_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

/// `s` cut to what an Excel cell holds (a longer text would make the writer refuse the file).
pub(super) fn clip(s: &str) -> &str {
    cut_utf16(s, MAX_CELL_TEXT)
}

/// A valid worksheet name: no `[]:*?/\`, no apostrophe at either end, at most 31 UTF-16 units.
pub(super) fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let cleaned = cut_utf16(cleaned.trim_matches('\''), 31)
        .trim_end_matches('\'')
        .to_string();
    if cleaned.trim().is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned
    }
}

/// The width of a number as [`crate::table::grid::format_number`] writes it (ASCII: one unit per byte).
pub(super) fn general_width(n: f64, buf: &mut String) -> f64 {
    buf.clear();
    if n.is_finite() && n == n.trunc() && n.abs() < 1e15 {
        let _ = write!(buf, "{}", n as i64);
        buf.len() as f64
    } else {
        let _ = write!(buf, "{n:.10}");
        buf.trim_end_matches('0').trim_end_matches('.').len() as f64
    }
}

/// The width of [`Sheet::text`] of a cell.
pub(super) fn raw_width(cell: &RawCell, buf: &mut String) -> f64 {
    match cell {
        RawCell::Empty => 0.0,
        RawCell::Text { s } => text_width(s.trim()),
        RawCell::Number { n, .. } => general_width(*n, buf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double() {
        assert_eq!(text_width("ab"), 2.0);
        assert_eq!(text_width("指标"), 4.0);
    }

    #[test]
    fn hostile_names_and_long_texts_still_export() {
        use crate::plan::RawCell;
        let text = |s: &str| RawCell::Text { s: s.into() };
        let num = |n: f64| RawCell::Number { n, format: None };
        let long = "长".repeat(40_000);
        let sheet = Sheet {
            name: "'History[1]:2'".repeat(4),
            rows: vec![
                vec![
                    text("序号"),
                    text("指标名称"),
                    text("单位"),
                    text("2020年基期值"),
                    text("2025年目标值"),
                    text("牵头单位"),
                ],
                vec![
                    text("1"),
                    text(&long),
                    text("元"),
                    num(1.0),
                    num(2.0),
                    text(&long),
                ],
            ],
            merges: vec![],
        };
        let Some(layout) = crate::table::detect::detect(&sheet) else {
            panic!("no table")
        };
        let plan = crate::table::detect::build_plan(&sheet, &layout);
        let results = crate::plan::compute(&plan, &crate::plan::Options::default());
        let ex = SheetExport {
            sheet: &sheet,
            layout: &layout,
            plan: &plan,
            results: &results,
            greyed: &[],
            style: None,
        };
        let bytes = export(&[ex]);
        assert!(bytes.is_ok(), "{bytes:?}");
        assert_eq!(sheet_name("'a'"), "a");
        assert_eq!(sheet_name("x".repeat(40).as_str()).len(), 31);
        assert_eq!(clip(&long).chars().count(), MAX_CELL_TEXT);
    }

    #[test]
    fn sheet_names_stay_unique() {
        let mut names = Names::default();
        assert_eq!(names.unique("计划明细"), "计划明细");
        assert_eq!(names.unique("计划明细"), "计划明细 (2)");
        assert_eq!(names.unique(&"x".repeat(31)), "x".repeat(31));
        assert_eq!(
            names.unique(&"X".repeat(31)),
            format!("{} (2)", "X".repeat(27))
        );
    }

    /// Records every step and waits once on each, like the page does.
    #[derive(Default)]
    struct Recorder {
        steps: Vec<(Stage, f64)>,
    }

    impl Pace for Recorder {
        fn step(&mut self, stage: Stage, fraction: f64) -> impl std::future::Future<Output = ()> {
            self.steps.push((stage, fraction));
            let mut waited = false;
            std::future::poll_fn(move |cx| {
                if waited {
                    std::task::Poll::Ready(())
                } else {
                    waited = true;
                    cx.waker().wake_by_ref();
                    std::task::Poll::Pending
                }
            })
        }
    }

    /// Polls to the end, counting how often the work was suspended.
    fn drive<F: std::future::Future>(work: F) -> (F::Output, usize) {
        let mut work = std::pin::pin!(work);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let mut suspended = 0;
        loop {
            match work.as_mut().poll(&mut cx) {
                std::task::Poll::Ready(out) => return (out, suspended),
                std::task::Poll::Pending => suspended += 1,
            }
        }
    }

    #[test]
    fn a_large_export_is_written_in_slices_and_gives_the_same_bytes() {
        let path = format!(
            "{}/tests/fixtures/synthetic-2021-2025-2000-rows.xlsx",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap_or_default();
        let imported = crate::io::import(&bytes).expect("the fixture imports");
        let tables: Vec<_> = imported
            .sheets
            .iter()
            .filter_map(|s| {
                let plan = s.plan.as_ref()?;
                let results = crate::plan::compute(plan, &crate::plan::Options::default());
                Some((s, s.layout.as_ref()?, plan, results))
            })
            .collect();
        let sheets: Vec<SheetExport<'_>> = tables
            .iter()
            .map(|(s, layout, plan, results)| SheetExport {
                sheet: &s.sheet,
                layout,
                plan,
                results,
                greyed: &[],
                style: s.style.as_ref(),
            })
            .collect();
        let cells: usize = tables
            .iter()
            .map(|(s, _, plan, _)| {
                s.sheet.rows.iter().map(Vec::len).sum::<usize>() + plan.indicators.len() * 30
            })
            .sum();
        // The file records when it was made: give both the same time.
        let created = ExcelDateTime::from_ymd(2026, 1, 2).expect("a date");
        let straight = pace::finish(export_workbook(
            &sheets,
            &mut pace::Straight,
            Some(&created),
            None,
        ))
        .expect("runs straight through")
        .expect("export");
        let mut pace = Recorder::default();
        let (paced, suspended) = drive(export_workbook(&sheets, &mut pace, Some(&created), None));
        let paced = paced.expect("paced export");
        assert!(paced == straight, "the paced export differs");
        assert!(suspended >= cells / STEP, "suspended {suspended} times");
        assert_eq!(suspended, pace.steps.len());
        assert!(pace.steps.iter().all(|(s, _)| *s == Stage::Export));
        let fractions: Vec<f64> = pace.steps.iter().map(|(_, f)| *f).collect();
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
        assert!(fractions.iter().all(|f| (0.0..=1.0).contains(f)));
        assert_eq!(fractions[fractions.len() - 2..], [WRITE_SHARE, 1.0]);
        // The public entry points are these two.
        let mut pace = Recorder::default();
        let (paced, _) = drive(export_paced(&sheets, &mut pace));
        assert!(paced.is_ok_and(|b| b.len() > 100_000));
        assert!(export(&sheets).is_ok());
    }

    #[test]
    fn widths_of_shown_numbers_match_their_texts() {
        let mut buf = String::new();
        let mut values = vec![
            0.0,
            -0.0,
            0.004,
            0.005,
            -0.004,
            -0.005,
            0.5,
            -0.5,
            9.995,
            99.5,
            999.95,
            -999.95,
            1e11,
            123_456.789,
            38126.5,
            71.25,
            2.675,
            1.0 / 3.0,
        ];
        let mut x = 0.377_f64;
        for _ in 0..5000 {
            x = (x * 7919.0 + 0.123).fract();
            let scale = 10f64.powi((x * 16.0) as i32 - 5);
            values.push((x - 0.5) * scale);
            values.push(((x - 0.3) * scale * 100.0).round() / 100.0 + 0.005);
        }
        for n in values {
            for d in 0..=6u8 {
                let want = crate::plan::round::shown(n, d).len() as f64;
                assert_eq!(number_width(n, Some(d), &mut buf), want, "{n:?} {d}");
            }
            let want = crate::table::grid::format_number(n).len() as f64;
            assert_eq!(number_width(n, None, &mut buf), want, "{n:?}");
        }
    }

    #[test]
    fn decimals_become_format_codes() {
        assert_eq!(decimals_format(0), "0");
        assert_eq!(decimals_format(2), "0.00");
    }
}
