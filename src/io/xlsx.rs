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
//! 3. the hidden sheet [`super::roundtrip::SHEET_NAME`] that makes a re-import give back the
//!    same plan.

use super::appended;
use super::formulas::{self, Cached, Cell, ColumnKind, Content, DetailBuilder, Origin};
use super::roundtrip;
use crate::error::ExportError;
use crate::pace::{self, Pace, Stage, STEP};
use crate::plan::{score, PlanResults, RawCell, Source, Status, Year};
use crate::table::detect::Layout;
use crate::table::grid::Sheet;
use rust_xlsxwriter::{
    Chart, ChartType, Color, ConditionalFormatDataBar, ConditionalFormatText,
    ConditionalFormatTextRule, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Formula, Note, Workbook, Worksheet, XlsxError,
};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

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
}

fn writer_error(e: XlsxError) -> ExportError {
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
    let created = created_ms
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
        .and_then(|ms| ExcelDateTime::from_timestamp((ms / 1000.0) as i64).ok());
    export_workbook(sheets, pace, created.as_ref())
        .await
        .map_err(writer_error)
}

/// The deflate level of the file's parts. The default (6) spent most of a large export in
/// compression; level 2 takes well under half of that for files about a quarter larger (the
/// parts themselves are the same).
const ZIP_LEVEL: u8 = 2;

/// The share of [`Stage::Export`]'s progress that writing the cells takes; the rest is the file's
/// assembly, which cannot be sliced.
pub const WRITE_SHARE: f64 = 0.6;

/// Counts the cells written and steps the pace every [`STEP`] of them.
struct Progress<'p, P> {
    pace: &'p mut P,
    done: usize,
    total: usize,
    next: usize,
}

impl<'p, P: Pace> Progress<'p, P> {
    fn new(pace: &'p mut P, total: usize) -> Self {
        Self {
            pace,
            done: 0,
            total,
            next: STEP,
        }
    }

    /// `n` more cells are written.
    async fn cells(&mut self, n: usize) {
        self.done = self.done.saturating_add(n);
        if self.done >= self.next {
            self.next = self.done.saturating_add(STEP);
            let part = pace::fraction(self.done.min(self.total), self.total.max(1), 0.0);
            self.pace.step(Stage::Export, WRITE_SHARE * part).await;
        }
    }

    async fn at(&mut self, fraction: f64) {
        self.pace.step(Stage::Export, fraction).await;
    }
}

/// About how many cells the export writes (for the progress fraction only).
fn estimated_cells(sheets: &[SheetExport<'_>], details: &[DetailBuilder<'_>]) -> usize {
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
/// compare bytes).
async fn export_workbook<P: Pace>(
    sheets: &[SheetExport<'_>],
    pace: &mut P,
    created: Option<&ExcelDateTime>,
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
struct Names(Vec<String>);

impl Names {
    /// `name`, or `name (2)`, `name (3)` … when it is taken; at most 31 characters.
    fn unique(&mut self, name: &str) -> String {
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
const MAX_CELL_TEXT: usize = 32_767;

/// `s` cut to at most `max` UTF-16 units (on a character boundary).
fn cut_utf16(s: &str, max: usize) -> &str {
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
fn clip(s: &str) -> &str {
    cut_utf16(s, MAX_CELL_TEXT)
}

/// A valid worksheet name: no `[]:*?/\`, no apostrophe at either end, at most 31 UTF-16 units.
fn sheet_name(name: &str) -> String {
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

/// The format of a number with the number format `code`: the first format made for a code is
/// used for every cell with that code (the base of the cell that made it).
fn with_code<'m>(
    made: &'m mut HashMap<String, Format>,
    code: Option<&str>,
    base: &'m Format,
) -> &'m Format {
    match code {
        Some(code) if code != "General" => {
            if !made.contains_key(code) {
                made.insert(code.to_string(), base.clone().set_num_format(code));
            }
            made.get(code).unwrap_or(base)
        }
        _ => base,
    }
}

/// The width of a number as [`crate::table::grid::format_number`] writes it (ASCII: one unit per byte).
fn general_width(n: f64, buf: &mut String) -> f64 {
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
fn raw_width(cell: &RawCell, buf: &mut String) -> f64 {
    match cell {
        RawCell::Empty => 0.0,
        RawCell::Text { s } => text_width(s.trim()),
        RawCell::Number { n, .. } => general_width(*n, buf),
    }
}

async fn write_source_sheet<P: Pace>(
    ws: &mut Worksheet,
    ex: &SheetExport<'_>,
    progress: &mut Progress<'_, P>,
) -> Result<(), XlsxError> {
    let border = Format::new().set_border(FormatBorder::Thin);
    let header = border
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let plain = Format::new();
    let merged_title = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let mut number_formats: HashMap<String, Format> = HashMap::new();
    let (hf, hl) = (ex.layout.header_first, ex.layout.header_last);
    let cell_format = |row: usize| {
        if (hf..=hl).contains(&row) {
            &header
        } else {
            &border
        }
    };
    let in_table = |row: usize| row >= hf && row <= ex.layout.data_last;

    // Source cells, with the table's cells bordered.
    for (r, cells) in ex.sheet.rows.iter().enumerate() {
        let row = u32::try_from(r).unwrap_or(u32::MAX);
        let table = in_table(r);
        let base = if table { cell_format(r) } else { &plain };
        for (c, cell) in cells.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                RawCell::Empty => {
                    if table {
                        ws.write_blank(row, col, base)?;
                    }
                }
                RawCell::Text { s } => {
                    ws.write_string_with_format(row, col, clip(s), base)?;
                }
                RawCell::Number { n, format } => {
                    let f = with_code(&mut number_formats, format.as_deref(), base);
                    ws.write_number_with_format(row, col, *n, f)?;
                }
            }
        }
        progress.cells(cells.len()).await;
    }
    for m in &ex.sheet.merges {
        if m.first_row == m.last_row && m.first_col == m.last_col {
            continue;
        }
        let (r, c) = (m.first_row as usize, m.first_col as usize);
        let text = ex.sheet.text(r, c);
        let base = if in_table(r) {
            cell_format(r)
        } else {
            &merged_title
        };
        let (fc, lc) = (
            u16::try_from(m.first_col).unwrap_or(u16::MAX),
            u16::try_from(m.last_col).unwrap_or(u16::MAX),
        );
        ws.merge_range(m.first_row, fc, m.last_row, lc, clip(&text), base)?;
        if let RawCell::Number { n, format } = ex.sheet.cell(r, c) {
            let f = with_code(&mut number_formats, format.as_deref(), base);
            ws.write_number_with_format(m.first_row, fc, *n, f)?;
        }
        progress.cells(1).await;
    }

    // Computed yearly targets, filled and marked.
    let yearly_cols = ex.layout.yearly_cols();
    let computed = border
        .clone()
        .set_background_color(Color::RGB(COMPUTED_FILL));
    let mut by_decimals: HashMap<u8, Format> = HashMap::new();
    for (indicator, result) in ex.plan.indicators.iter().zip(&ex.results.indicators) {
        let row = indicator.row.saturating_sub(1);
        for (year, target) in &result.yearly {
            let Some(&col) = yearly_cols.get(year) else {
                continue;
            };
            if target.source == Source::Given {
                continue;
            }
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            let format = by_decimals.entry(result.decimals).or_insert_with(|| {
                computed
                    .clone()
                    .set_num_format(decimals_format(result.decimals))
            });
            ws.write_number_with_format(row, col, target.value, format)?;
        }
        progress.cells(1).await;
    }

    write_completion_columns(ws, ex, &header, &border, progress).await?;

    // Column widths that fit Chinese text (header rows and data rows only, not merged cells).
    let width = ex.sheet.width();
    let last = ex
        .layout
        .data_last
        .min(ex.sheet.rows.len().saturating_sub(1));
    let mut widest = vec![6.0_f64; width];
    // Per column, the merged row ranges over it, by first row (merged ranges do not overlap).
    let mut merged: Vec<Vec<(usize, usize)>> = vec![Vec::new(); width];
    for m in &ex.sheet.merges {
        for c in m.first_col as usize..=(m.last_col as usize).min(width.saturating_sub(1)) {
            if let Some(list) = merged.get_mut(c) {
                list.push((m.first_row as usize, m.last_row as usize));
            }
        }
    }
    // With each range, the furthest last row of the ranges up to it: (row, col) is covered when
    // a range starting at or before the row reaches it.
    let reach: Vec<Vec<(usize, usize)>> = merged
        .iter_mut()
        .map(|list| {
            list.sort_unstable();
            let mut furthest = 0;
            list.iter()
                .map(|&(first, last)| {
                    furthest = furthest.max(last);
                    (first, furthest)
                })
                .collect()
        })
        .collect();
    let covered = |r: usize, c: usize| {
        reach.get(c).is_some_and(|list| {
            let n = list.partition_point(|&(first, _)| first <= r);
            n > 0 && list.get(n - 1).is_some_and(|&(_, furthest)| furthest >= r)
        })
    };
    let mut buf = String::new();
    for r in hf..=last {
        let Some(cells) = ex.sheet.rows.get(r) else {
            continue;
        };
        for (c, cell) in cells.iter().enumerate() {
            let Some(w) = widest.get_mut(c) else { break };
            if matches!(cell, RawCell::Empty) || covered(r, c) {
                continue;
            }
            *w = w.max(raw_width(cell, &mut buf));
        }
    }
    for (c, widest) in widest.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        ws.set_column_width(col, (widest + 2.0).min(40.0))?;
    }
    let freeze_row = u32::try_from(hl + 1).unwrap_or(0);
    let freeze_col = ex
        .layout
        .col(crate::table::detect::Role::Name)
        .and_then(|c| u16::try_from(c + 1).ok())
        .unwrap_or(0);
    ws.set_freeze_panes(freeze_row, freeze_col)?;
    Ok(())
}

/// The fill of a status cell (the page uses the same colours).
fn status_fill(status: Option<Status>) -> Option<u32> {
    match status {
        Some(Status::Met) => Some(0xDAFBE1),
        Some(Status::OnTrack) => Some(0xE6F4EA),
        Some(Status::Lagging) => Some(0xFFEBE9),
        _ => None,
    }
}

/// A format and its variants with each status fill.
struct Filled {
    plain: Format,
    filled: Vec<(u32, Format)>,
}

impl Filled {
    fn new(plain: Format) -> Self {
        let filled = [Status::Met, Status::OnTrack, Status::Lagging]
            .into_iter()
            .filter_map(|s| status_fill(Some(s)))
            .map(|fill| (fill, plain.clone().set_background_color(Color::RGB(fill))))
            .collect();
        Self { plain, filled }
    }

    fn with(&self, fill: Option<u32>) -> &Format {
        fill.and_then(|fill| self.filled.iter().find(|(f, _)| *f == fill))
            .map_or(&self.plain, |(_, format)| format)
    }
}

/// 实现程度 and 状态 for each year with actuals, to the right of the source table.
async fn write_completion_columns<P: Pace>(
    ws: &mut Worksheet,
    ex: &SheetExport<'_>,
    header: &Format,
    border: &Format,
    progress: &mut Progress<'_, P>,
) -> Result<(), XlsxError> {
    let layout = ex.layout;
    let first_col = ex.sheet.width();
    let bordered = Filled::new(border.clone());
    let percent = Filled::new(border.clone().set_num_format("0.00"));
    for (i, column) in appended::columns(layout, ex.plan, ex.results)
        .iter()
        .enumerate()
    {
        let col = u16::try_from(first_col + i).unwrap_or(u16::MAX);
        let (hf, hl) = (
            u32::try_from(layout.header_first).unwrap_or(0),
            u32::try_from(layout.header_last).unwrap_or(0),
        );
        let title = column.title_zh();
        if hl > hf {
            ws.merge_range(hf, col, hl, col, &title, header)?;
        } else {
            ws.write_string_with_format(hf, col, &title, header)?;
        }
        ws.set_column_width(col, text_width(&title).max(10.0) + 2.0)?;
        for row in layout.header_last + 1..=layout.data_last {
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            let cell = column.cells.get(&row);
            let fill = cell.and_then(|c| status_fill(c.status));
            match (column.kind, cell) {
                (appended::Kind::Realization, Some(appended::Cell { value: Some(v), .. })) => {
                    ws.write_number_with_format(r, col, *v, percent.with(fill))?;
                }
                (_, Some(c)) => {
                    ws.write_string_with_format(r, col, &c.text, bordered.with(fill))?;
                }
                (_, None) => {
                    ws.write_blank(r, col, bordered.with(fill))?;
                }
            }
            progress.cells(1).await;
        }
    }
    Ok(())
}

/// Formats of figure cells, by where they came from and their decimals; each made once and
/// looked up by an index (a slot per origin, decimals and wrapping).
struct Formats {
    made: Vec<Format>,
    slots: Vec<Option<usize>>,
    /// What [`Formats::at`] gives for an index it never made.
    plain: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            made: Vec::new(),
            slots: vec![None; 3 * 257 * 2],
            plain: Format::new(),
        }
    }

    fn slot(origin: Origin, decimals: Option<u8>, wrap: bool) -> usize {
        let origin = match origin {
            Origin::File => 0,
            Origin::Computed => 1,
            Origin::Manual => 2,
        };
        let decimals = decimals.map_or(0, |d| usize::from(d) + 1);
        (origin * 257 + decimals) * 2 + usize::from(wrap)
    }

    /// The index of a bordered format with the fill of `origin`, the decimals' number format
    /// and, for texts, wrapping.
    fn id(&mut self, origin: Origin, decimals: Option<u8>, wrap: bool) -> usize {
        let slot = Self::slot(origin, decimals, wrap);
        if let Some(Some(id)) = self.slots.get(slot) {
            return *id;
        }
        let mut f = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        if let Some(d) = decimals {
            f = f.set_num_format(decimals_format(d));
        }
        if wrap {
            f = f.set_text_wrap();
        }
        let f = match origin {
            Origin::Computed => f.set_background_color(Color::RGB(COMPUTED_FILL)),
            Origin::Manual => f.set_background_color(Color::RGB(MANUAL_FILL)),
            Origin::File => f,
        };
        let id = self.made.len();
        self.made.push(f);
        if let Some(s) = self.slots.get_mut(slot) {
            *s = Some(id);
        }
        id
    }

    /// The format of an index from [`Formats::id`].
    fn at(&self, id: usize) -> &Format {
        self.made.get(id).unwrap_or(&self.plain)
    }

    /// A copy of the format [`Formats::id`] gives.
    fn get(&mut self, origin: Origin, decimals: Option<u8>, wrap: bool) -> Format {
        let id = self.id(origin, decimals, wrap);
        self.at(id).clone()
    }
}

fn header_format() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xF2F2F2))
}

fn title_format() -> Format {
    Format::new().set_bold().set_font_size(14)
}

fn col16(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row32(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// A note that does not prefix the author's name.
fn note(text: &str) -> Note {
    Note::new(text).add_author_prefix(false).set_author("指标")
}

/// Status colours as conditional formats over a range (the page uses the same colours).
fn status_conditional_formats(
    ws: &mut Worksheet,
    first_row: u32,
    col: u16,
    last_row: u32,
) -> Result<(), XlsxError> {
    for (status, fill) in [
        (Status::Met, 0xDAFBE1),
        (Status::OnTrack, 0xE6F4EA),
        (Status::Lagging, 0xFFEBE9),
    ] {
        let cf = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::Contains(
                appended::status_text(status).to_string(),
            ))
            .set_format(Format::new().set_background_color(Color::RGB(fill)));
        ws.add_conditional_format(first_row, col, last_row, col, &cf)?;
    }
    Ok(())
}

/// The display width of a number shown with `decimals` (as [`Cell::shown`]).
fn number_width(n: f64, decimals: Option<u8>, buf: &mut String) -> f64 {
    match decimals {
        Some(d) => rounded_len(n, d) as f64,
        None => general_width(n, buf),
    }
}

/// The length of [`crate::plan::round::shown`]`(n, d)`, worked out from the rounded number where
/// no rounding tie is near (else from the text itself).
fn rounded_len(n: f64, d: u8) -> usize {
    let exact = || crate::plan::round::shown(n, d).len();
    if !n.is_finite() || d > 9 {
        return exact();
    }
    let x = n.abs() * 10f64.powi(i32::from(d));
    if x >= 1e12 {
        return exact();
    }
    let frac = x - x.floor();
    if (frac - 0.5).abs() < 1e-6 + x * 1e-13 {
        return exact();
    }
    let rounded = x.round() as u64;
    let digits = rounded.checked_ilog10().map_or(1, |l| l as usize + 1);
    let d = usize::from(d);
    let int_digits = if digits > d { digits - d } else { 1 };
    let sign = usize::from(n < 0.0 && rounded != 0);
    sign + int_digits + if d > 0 { d + 1 } else { 0 }
}

/// The display width of what a cell shows (as `text_width(&cell.shown())`).
fn cell_width(cell: &Cell, buf: &mut String) -> f64 {
    match &cell.content {
        Content::Empty => 0.0,
        Content::Text(s)
        | Content::Formula {
            cached: Cached::Text(s),
            ..
        } => text_width(s),
        Content::Number(n)
        | Content::Formula {
            cached: Cached::Number(n),
            ..
        } => number_width(*n, cell.decimals, buf),
    }
}

/// 计划明细: see [`super::formulas`] for the layout. Each row is built as it is written.
async fn write_detail_sheet<P: Pace>(
    ws: &mut Worksheet,
    name: &str,
    detail: &DetailBuilder<'_>,
    progress: &mut Progress<'_, P>,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    // An empty cached result is an empty text, not rust_xlsxwriter's default 0.
    ws.set_formula_result_default("");
    let header = header_format();
    let mut formats = Formats::new();
    let title = if detail.title().trim().is_empty() {
        DETAIL_SHEET.to_string()
    } else {
        format!("{} — {DETAIL_SHEET}", detail.title().trim())
    };
    ws.write_string_with_format(0, 0, clip(&title), &title_format())?;
    let (cap_row, cap_col) = formulas::CAP_CELL;
    ws.write_string_with_format(cap_row, 0, "实现程度上限(%)", &Format::new().set_bold())?;
    let cap_format = Format::new()
        .set_border(FormatBorder::Medium)
        .set_background_color(Color::RGB(MANUAL_FILL));
    match detail.cap() {
        Some(c) => ws.write_number_with_format(cap_row, cap_col, c, &cap_format)?,
        None => ws.write_blank(cap_row, cap_col, &cap_format)?,
    };
    ws.insert_note(
        cap_row,
        cap_col,
        &note(
            "实现程度的上限（名称“上限”）。改动或清空（不设上限）后，全部实现程度和得分随之重算。",
        ),
    )?;
    ws.write_string(
        cap_row,
        cap_col + 2,
        "黄色：公式计算值（改动基期值、目标值、实际值后自动重算）；蓝色：手工输入；其余为原表数值。",
    )?;
    let columns = detail.columns();
    let mut widths: Vec<f64> = columns
        .iter()
        .map(|k| text_width(&k.title()).min(16.0))
        .collect();
    // The widest a column gets; a cell cannot widen a column already this wide.
    let max_widths: Vec<f64> = columns
        .iter()
        .map(|k| match k {
            ColumnKind::Name => 36.0,
            ColumnKind::Lead | ColumnKind::Other | ColumnKind::Units => 30.0,
            _ => 20.0,
        })
        .collect();
    for (c, kind) in columns.iter().enumerate() {
        ws.write_string_with_format(formulas::HEADER_ROW, col16(c), kind.title(), &header)?;
    }
    let wrap_cols = [ColumnKind::Name, ColumnKind::Lead, ColumnKind::Other];
    let wraps: Vec<bool> = columns.iter().map(|k| wrap_cols.contains(k)).collect();
    let mut buf = String::new();
    for i in 0..detail.len() {
        let Some(row) = detail.row(i) else { break };
        let r = formulas::FIRST_ROW.saturating_add(row32(i));
        for (c, (cell, wrap)) in row.cells.into_iter().zip(&wraps).enumerate() {
            let col = col16(c);
            let id = formats.id(cell.origin, cell.decimals, *wrap);
            let format = formats.at(id);
            if let (Some(w), Some(max)) = (widths.get_mut(c), max_widths.get(c)) {
                if *w + 2.0 < *max {
                    *w = w.max(cell_width(&cell, &mut buf));
                }
            }
            match cell.content {
                Content::Empty => {
                    ws.write_blank(r, col, format)?;
                }
                Content::Text(t) => {
                    ws.write_string_with_format(r, col, clip(&t), format)?;
                }
                Content::Number(n) => {
                    ws.write_number_with_format(r, col, n, format)?;
                }
                Content::Formula { formula, cached } => {
                    let result = match cached {
                        Cached::Number(n) => format!("{n}"),
                        Cached::Text(s) => s,
                    };
                    // rust_xlsxwriter drops a leading `=` (and `{`): keep one in front of a
                    // formula that would lose its own.
                    let formula = if formula.starts_with(['=', '{']) {
                        format!("={formula}")
                    } else {
                        formula
                    };
                    let f = Formula::new(formula).set_result(result);
                    ws.write_formula_with_format(r, col, f, format)?;
                }
            }
            if let Some(text) = &cell.note {
                ws.insert_note(r, col, &note(clip(text)))?;
            }
        }
        progress.cells(columns.len()).await;
    }
    for (c, w) in widths.iter().enumerate() {
        let max = max_widths.get(c).copied().unwrap_or(20.0);
        ws.set_column_width(col16(c), (w + 2.0).clamp(6.0, max))?;
    }
    ws.set_row_height(formulas::HEADER_ROW, 32)?;
    let last = detail.last_row();
    if !detail.is_empty() {
        for y in detail.actual_years() {
            if let Some(c) = detail.col(ColumnKind::Status(*y)) {
                status_conditional_formats(ws, formulas::FIRST_ROW, c, last)?;
            }
            if let Some(c) = detail.col(ColumnKind::Realization(*y)) {
                let bar = ConditionalFormatDataBar::new();
                ws.add_conditional_format(formulas::FIRST_ROW, c, last, c, &bar)?;
            }
        }
    }
    let name_col = detail.col(ColumnKind::Name).map_or(0, |c| c + 1);
    ws.set_freeze_panes(formulas::FIRST_ROW, name_col)?;
    Ok(())
}

/// For each unit, whether the 考核单位 column selects the indicators the engine counts for it:
/// `FIND("|"&unit&"|", cell)` finds the unit in exactly the cells of the indicators that name it.
fn units_match_engine(sx: &SheetExport<'_>, units: &[String]) -> Vec<bool> {
    let sep = formulas::UNIT_SEPARATOR;
    let named: Vec<BTreeSet<String>> = sx
        .plan
        .indicators
        .iter()
        .map(|i| score::units_of(&i.lead_units, &i.other_units))
        .collect();
    // A cell lists its units between separators; when no unit holds a separator, a unit
    // without one is found in a cell exactly when it is one of the cell's units.
    let clean = named.iter().flatten().all(|u| !u.contains(sep));
    let cells: Vec<String> = if clean {
        Vec::new()
    } else {
        sx.plan
            .indicators
            .iter()
            .map(formulas::units_cell)
            .collect()
    };
    units
        .iter()
        .map(|unit| {
            if unit.contains(sep) {
                return false;
            }
            if clean {
                return true;
            }
            let needle = format!("{sep}{unit}{sep}");
            cells
                .iter()
                .zip(&named)
                .all(|(cell, named)| cell.contains(&needle) == named.contains(unit))
        })
        .collect()
}

/// 考核得分: overall, category and unit figures per assessment year, as formulas over 计划明细.
fn write_scores_sheet(
    ws: &mut Worksheet,
    name: &str,
    detail_name: &str,
    detail: &DetailBuilder<'_>,
    sx: &SheetExport<'_>,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    ws.set_formula_result_default("");
    let header = header_format();
    let mut formats = Formats::new();
    let computed = formats.get(Origin::Computed, Some(2), false);
    let count_format = formats.get(Origin::Computed, Some(0), false);
    let plain = formats.get(Origin::File, None, false);
    let title = if sx.plan.title.trim().is_empty() {
        SCORES_SHEET.to_string()
    } else {
        format!("{} — {SCORES_SHEET}", sx.plan.title.trim())
    };
    ws.write_string_with_format(0, 0, clip(&title), &title_format())?;
    let years: Vec<Year> = sx.results.assessment.keys().copied().collect();
    if years.is_empty() {
        ws.write_string(2, 0, "表中没有实际值，没有可考核的年份。")?;
        return Ok(());
    }
    let q = quote_sheet(detail_name);
    let range = |kind: ColumnKind| {
        detail
            .col(kind)
            .map(|c| format!("{q}!{}", detail.column_range(c)))
    };
    let (w, c_range, u_range) = (
        range(ColumnKind::Weight).unwrap_or_default(),
        range(ColumnKind::Category).unwrap_or_default(),
        range(ColumnKind::Units).unwrap_or_default(),
    );
    let weighted = sx
        .plan
        .indicators
        .iter()
        .any(|i| i.weight.is_some_and(f64::is_finite));
    let write = |ws: &mut Worksheet,
                 r: u32,
                 c: u16,
                 formula: Option<String>,
                 value: Option<f64>,
                 format: &Format,
                 why: Option<&str>|
     -> Result<(), XlsxError> {
        let cached = value.map_or(String::new(), |v| format!("{v}"));
        match (formula, why) {
            (Some(f), None) => {
                ws.write_formula_with_format(r, c, Formula::new(f).set_result(cached), format)?;
            }
            (_, why) => {
                match value {
                    Some(v) => ws.write_number_with_format(r, c, v, format)?,
                    None => ws.write_blank(r, c, format)?,
                };
                if let Some(why) = why {
                    ws.insert_note(r, c, &note(&format!("计算值（未写成公式：{why}）")))?;
                }
            }
        }
        Ok(())
    };

    // Overall and categories.
    ws.write_string_with_format(2, 0, "项目", &header)?;
    ws.write_string_with_format(2, 1, "名称", &header)?;
    for (j, y) in years.iter().enumerate() {
        ws.write_string_with_format(2, col16(j + 2), format!("{y}年"), &header)?;
    }
    ws.write_string_with_format(3, 0, "总体实现程度(%)", &plain)?;
    ws.write_string_with_format(3, 1, "全部指标", &plain)?;
    let mut categories: Vec<String> = Vec::new();
    for i in &sx.plan.indicators {
        let key = score::fold(i.category.trim());
        if !key.is_empty() && !categories.contains(&key) {
            categories.push(key);
        }
    }
    let categories: Vec<String> = categories
        .into_iter()
        .filter(|k| {
            sx.results
                .assessment
                .values()
                .any(|a| a.categories.contains_key(k))
        })
        .collect();
    // Excel's `=` compares texts without case: distinct categories must stay distinct.
    let lower: BTreeSet<String> = categories.iter().map(|c| c.to_lowercase()).collect();
    let categories_ok = lower.len() == categories.len();
    for (j, y) in years.iter().enumerate() {
        let col = col16(j + 2);
        let a = sx.results.assessment.get(y);
        let r_range = range(ColumnKind::Realization(*y));
        let overall = r_range.as_ref().map(|r| {
            if weighted {
                format!(
                    "=IF(COUNT({r})=0,\"\",IF(SUMPRODUCT(ISNUMBER({r})*({w}>0)*{w})>0,\
                     SUMPRODUCT({r},({w}>0)*{w})/SUMPRODUCT(ISNUMBER({r})*({w}>0)*{w}),AVERAGE({r})))"
                )
            } else {
                format!("=IF(COUNT({r})=0,\"\",AVERAGE({r}))")
            }
        });
        let value = a.and_then(|a| a.overall.as_ref()).map(|s| s.value);
        write(ws, 3, col, overall, value, &computed, None)?;
        for (k, cat) in categories.iter().enumerate() {
            let row = row32(4 + k);
            if j == 0 {
                ws.write_string_with_format(row, 0, "领域实现程度(%)", &plain)?;
                ws.write_string_with_format(row, 1, clip(cat), &plain)?;
            }
            let m = format!("({c_range}=$B{})", row + 1);
            let formula = r_range.as_ref().map(|r| {
                let n = format!("SUMPRODUCT({m}*ISNUMBER({r}))");
                let mean = format!("SUMPRODUCT({m}*1,{r})/{n}");
                if weighted {
                    let ws_ = format!("SUMPRODUCT({m}*ISNUMBER({r})*({w}>0)*{w})");
                    format!(
                        "=IF({n}=0,\"\",IF({ws_}>0,SUMPRODUCT({m}*({w}>0)*{w},{r})/{ws_},{mean}))"
                    )
                } else {
                    format!("=IF({n}=0,\"\",{mean})")
                }
            });
            let value = a.and_then(|a| a.categories.get(cat)).map(|s| s.value);
            let why = (!categories_ok).then_some("领域名称只在大小写上不同，公式无法区分");
            write(ws, row, col, formula, value, &computed, why)?;
        }
    }

    // Unit scores and counts.
    let units: Vec<String> = sx
        .results
        .assessment
        .values()
        .flat_map(|a| a.units.keys().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let top = row32(4 + categories.len() + 1);
    let n_years = years.len();
    if !units.is_empty() {
        ws.write_string_with_format(top, 0, "", &header)?;
        ws.write_string_with_format(top, 1, "单位", &header)?;
        for (j, y) in years.iter().enumerate() {
            ws.write_string_with_format(top, col16(j + 2), format!("{y}年得分"), &header)?;
            ws.write_string_with_format(
                top,
                col16(j + 2 + n_years),
                format!("{y}年指标数"),
                &header,
            )?;
        }
        let matching = units_match_engine(sx, &units);
        for (k, unit) in units.iter().enumerate() {
            let row = top + 1 + row32(k);
            ws.write_string_with_format(row, 0, if k == 0 { "单位考核得分" } else { "" }, &plain)?;
            ws.write_string_with_format(row, 1, clip(unit), &plain)?;
            let ok = matching.get(k).copied().unwrap_or(false);
            let why = (!ok).then_some("单位名称含分隔符“|”，公式无法按单位筛选");
            for (j, y) in years.iter().enumerate() {
                let r_range = range(ColumnKind::Realization(*y));
                let m = format!(
                    "ISNUMBER(FIND(\"{0}\"&$B{1}&\"{0}\",{u_range}))",
                    formulas::UNIT_SEPARATOR,
                    row + 1
                );
                let score = sx.results.assessment.get(y).and_then(|a| a.units.get(unit));
                let n = r_range
                    .as_ref()
                    .map(|r| format!("SUMPRODUCT({m}*ISNUMBER({r}))"));
                let formula = r_range
                    .as_ref()
                    .zip(n.as_ref())
                    .map(|(r, n)| format!("=IF({n}=0,\"\",MIN(100,SUMPRODUCT({m}*1,{r})/{n}))"));
                write(
                    ws,
                    row,
                    col16(j + 2),
                    formula,
                    score.map(|s| s.score.value),
                    &computed,
                    why,
                )?;
                let count = score.map_or(0.0, |s| s.count as f64);
                write(
                    ws,
                    row,
                    col16(j + 2 + n_years),
                    n.map(|n| format!("={n}")),
                    Some(count),
                    &count_format,
                    why,
                )?;
            }
        }
    }
    let note_row = top + row32(units.len()) + 2;
    ws.write_string(
        note_row,
        0,
        "说明：实现程度取自“计划明细”（已按上限封顶）；总体与领域为加权平均（有权重时按权重，否则等权）；\
         单位得分 = 该单位（牵头或配合）各指标实现程度之和 ÷ 指标个数，最高100。",
    )?;
    ws.set_column_width(0, 18)?;
    let widest_name = units
        .iter()
        .chain(&categories)
        .map(|u| text_width(u))
        .fold(10.0_f64, f64::max);
    ws.set_column_width(1, (widest_name + 2.0).min(40.0))?;
    for j in 0..n_years * 2 {
        ws.set_column_width(col16(j + 2), 12)?;
    }
    ws.set_freeze_panes(3, 2)?;

    // Charts: unit scores, and the overall realization over the years.
    let chart_col = col16(2 + n_years * 2 + 1);
    if !units.is_empty() {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("单位考核得分");
        let (first, last) = (top + 1, top + row32(units.len()));
        for j in 0..years.len() {
            chart
                .add_series()
                .set_name((name, top, col16(j + 2)))
                .set_categories((name, first, 1, last, 1))
                .set_values((name, first, col16(j + 2), last, col16(j + 2)));
        }
        chart.y_axis().set_min(0).set_max(100);
        ws.insert_chart(2, chart_col, &chart)?;
    }
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name("总体实现程度(%)");
    let last_col = col16(1 + n_years);
    chart
        .add_series()
        .set_name((name, 3, 0))
        .set_categories((name, 2, 2, 2, last_col))
        .set_values((name, 3, 2, 3, last_col));
    chart.y_axis().set_min(0);
    chart.legend().set_hidden();
    ws.insert_chart(18, chart_col, &chart)?;
    Ok(())
}

/// 下年度目标: each indicator's draft from its latest actual, with the flag.
async fn write_draft_sheet<P: Pace>(
    ws: &mut Worksheet,
    name: &str,
    sx: &SheetExport<'_>,
    progress: &mut Progress<'_, P>,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let header = header_format();
    let mut formats = Formats::new();
    let plain = formats.get(Origin::File, None, false);
    let wrap = formats.get(Origin::File, None, true);
    let flag = Format::new()
        .set_border(FormatBorder::Thin)
        .set_bold()
        .set_font_color(Color::RGB(0xC00000))
        .set_background_color(Color::RGB(0xFFEBE9));
    let title = if sx.plan.title.trim().is_empty() {
        DRAFT_SHEET.to_string()
    } else {
        format!("{} — {DRAFT_SHEET}", sx.plan.title.trim())
    };
    ws.write_string_with_format(0, 0, clip(&title), &title_format())?;
    ws.write_string(
        1,
        0,
        "从最近一年的实际值出发，按原方法重新测算到目标年；需要的年均变化超过原计划1.5倍（或保持类、增速类未达标）的指标标“需关注”。\
         年均变化：等差为每年增加值，等比和年均增长为年均增速(%)，累计降低为年均降低率(%)，增速类为r(%)。\
         本表为导出时的测算值（不是公式）：起算年取导出时各指标最近一年的实际值，改动“计划明细”后请在指标页重新导出。",
    )?;
    let rows: Vec<_> = sx
        .plan
        .indicators
        .iter()
        .zip(&sx.results.indicators)
        .filter_map(|(i, r)| Some((i, r, r.draft.as_ref()?)))
        .collect();
    let years: BTreeSet<Year> = rows
        .iter()
        .flat_map(|(_, _, d)| d.years.keys().copied())
        .collect();
    let mut titles: Vec<String> = [
        "序号",
        "指标名称",
        "单位",
        "方法",
        "起算年",
        "起算年实际值",
        "目标年",
        "目标值",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    titles.extend(years.iter().map(|y| format!("{y}年")));
    titles.extend(
        ["需要的年均变化", "原计划年均变化", "预警", "源行"]
            .iter()
            .map(|s| (*s).to_string()),
    );
    for (c, t) in titles.iter().enumerate() {
        ws.write_string_with_format(2, col16(c), t, &header)?;
    }
    if rows.is_empty() {
        ws.write_string(3, 0, "没有可起算的实际值。")?;
    }
    let mut name_width: f64 = 10.0;
    for (k, (ind, res, draft)) in rows.iter().enumerate() {
        let r = 3 + row32(k);
        let d = Some(res.decimals);
        let ids = (
            formats.id(Origin::File, d, false),
            formats.id(Origin::Computed, d, false),
            formats.id(Origin::Computed, Some(res.decimals.max(2)), false),
        );
        let (number, computed, change) = (formats.at(ids.0), formats.at(ids.1), formats.at(ids.2));
        name_width = name_width.max(text_width(&ind.name));
        ws.write_string_with_format(r, 0, clip(&ind.seq), &plain)?;
        ws.write_string_with_format(r, 1, clip(&ind.name), &wrap)?;
        ws.write_string_with_format(r, 2, clip(&ind.unit), &plain)?;
        ws.write_string_with_format(r, 3, formulas::method_name(res.method), &plain)?;
        ws.write_number_with_format(r, 4, f64::from(draft.from_year), &plain)?;
        match res.actual.get(&draft.from_year) {
            Some(a) => ws.write_number_with_format(r, 5, *a, number)?,
            None => ws.write_blank(r, 5, number)?,
        };
        match res.target_year {
            Some(t1) => ws.write_number_with_format(r, 6, f64::from(t1), &plain)?,
            None => ws.write_blank(r, 6, &plain)?,
        };
        match res.target {
            Some(t) => ws.write_number_with_format(r, 7, t, number)?,
            None => ws.write_blank(r, 7, number)?,
        };
        for (j, y) in years.iter().enumerate() {
            let col = col16(8 + j);
            match draft.years.get(y) {
                Some(v) => ws.write_number_with_format(r, col, v.value, computed)?,
                None => ws.write_blank(r, col, &plain)?,
            };
        }
        let base = 8 + years.len();
        for (off, v) in [draft.needed_change, draft.original_change]
            .iter()
            .enumerate()
        {
            match v {
                Some(v) => ws.write_number_with_format(r, col16(base + off), *v, change)?,
                None => ws.write_blank(r, col16(base + off), &plain)?,
            };
        }
        if draft.flag {
            ws.write_string_with_format(r, col16(base + 2), "需关注", &flag)?;
        } else {
            ws.write_blank(r, col16(base + 2), &plain)?;
        }
        ws.write_number_with_format(r, col16(base + 3), f64::from(ind.row), &plain)?;
        progress.cells(titles.len()).await;
    }
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, (name_width + 2.0).min(36.0))?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(5, 12)?;
    for c in 8..titles.len() {
        let w = titles.get(c).map_or(10.0, |t| text_width(t) + 2.0);
        ws.set_column_width(col16(c), w.max(10.0))?;
    }
    ws.set_row_height(2, 32)?;
    ws.set_freeze_panes(3, 2)?;
    Ok(())
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
        let text = |s: &str| RawCell::Text { s: s.to_string() };
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
        ))
        .expect("runs straight through")
        .expect("export");
        let mut pace = Recorder::default();
        let (paced, suspended) = drive(export_workbook(&sheets, &mut pace, Some(&created)));
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
