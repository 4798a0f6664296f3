//! The first sheet: the source table in its own layout, the empty yearly-target cells filled by
//! the engine, and 实现程度 / 状态 appended for each year with actuals.

use super::look::{apply_sheet, Looks};
use super::*;
use crate::io::appended;
use crate::pace::Pace;
use crate::plan::{RawCell, Source, Status};
use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};
use std::collections::HashMap;

/// The formats of the source sheet's cells where the original states no look of its own, before
/// a cell's number format is added.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Base {
    /// Outside the table: no border.
    Plain,
    /// The header band: bordered, bold, wrapped and centred.
    Header,
    /// A body cell: bordered.
    Border,
    /// A body cell of a short label column (序号, 类别, 单位 …): centred and wrapped.
    Centred,
    /// A merged cell above or below the table (the title): bold and centred.
    MergedTitle,
    /// A merged body cell of another column: vertically centred and wrapped.
    MergedBody,
}

/// The [`Base`] formats themselves.
struct Bases {
    plain: Format,
    header: Format,
    border: Format,
    centred: Format,
    merged_title: Format,
    merged_body: Format,
}

impl Bases {
    fn new() -> Self {
        let border = Format::new().set_border(FormatBorder::Thin);
        Bases {
            plain: Format::new(),
            header: border
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            centred: border
                .clone()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            merged_body: border
                .clone()
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            merged_title: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            border,
        }
    }

    fn get(&self, base: Base) -> &Format {
        match base {
            Base::Plain => &self.plain,
            Base::Header => &self.header,
            Base::Border => &self.border,
            Base::Centred => &self.centred,
            Base::MergedTitle => &self.merged_title,
            Base::MergedBody => &self.merged_body,
        }
    }
}

/// A base format with a cell's number format, made once per base and code.
#[derive(Default)]
struct NumberFormats(HashMap<(Base, String), Format>);

impl NumberFormats {
    /// `base` with the number format `code` (`None` or `General`: `base` itself).
    fn get<'a>(&'a mut self, bases: &'a Bases, base: Base, code: Option<&str>) -> &'a Format {
        match code {
            Some(code) if code != "General" => self
                .0
                .entry((base, code.to_string()))
                .or_insert_with(|| bases.get(base).clone().set_num_format(code)),
            _ => bases.get(base),
        }
    }
}

pub(super) async fn write_source_sheet<P: Pace>(
    ws: &mut Worksheet,
    ex: &SheetExport<'_>,
    progress: &mut Progress<'_, P>,
) -> Result<(), XlsxError> {
    let bases = Bases::new();
    let border = &bases.border;
    let header = &bases.header;
    let mut number_formats = NumberFormats::default();
    let (hf, hl) = (ex.layout.header_first, ex.layout.header_last);
    let in_table = |row: usize| row >= hf && row <= ex.layout.data_last;
    // The body's short label columns (序号, 类别, 单位, 方向, 属性) centred as such tables set
    // them, categories also in the middle of their merged cells and wrapped; the file's own
    // alignment is not read yet.
    use crate::table::detect::Role;
    let centred_roles = [
        Role::Seq,
        Role::Category,
        Role::Unit,
        Role::Direction,
        Role::Binding,
    ];
    let centred_cols: Vec<usize> = centred_roles
        .iter()
        .filter_map(|r| ex.layout.col(*r))
        .collect();
    let body_format = |row: usize, col: usize| {
        if row > hl && centred_cols.contains(&col) {
            Base::Centred
        } else if (hf..=hl).contains(&row) {
            Base::Header
        } else {
            Base::Border
        }
    };

    // The original's look where its file states cell styles; else ours.
    let mut looks = ex
        .style
        .filter(|s| !s.palette.is_empty())
        .map(|s| Looks::new(s, COMPUTED_FILL));
    let width = ex.sheet.width();
    if let Some(looks) = looks.as_mut() {
        for (r, cells) in ex.sheet.rows.iter().enumerate() {
            let row = u32::try_from(r).unwrap_or(u32::MAX);
            // Every column of the table's rows: blank cells keep their borders and fills.
            let columns = if in_table(r) { width } else { cells.len() };
            for c in 0..columns {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                match cells.get(c).unwrap_or(&RawCell::Empty) {
                    RawCell::Empty => {
                        if ex.style.is_some_and(|s| s.index(row, col).is_some()) {
                            ws.write_blank(row, col, looks.cell(row, col, None))?;
                        }
                    }
                    RawCell::Text { s } => {
                        ws.write_string_with_format(row, col, clip(s), looks.cell(row, col, None))?;
                    }
                    RawCell::Number { n, format } => {
                        let f = looks.cell(row, col, format.as_ref());
                        ws.write_number_with_format(row, col, *n, f)?;
                    }
                }
            }
            progress.cells(cells.len()).await;
        }
    }
    // Source cells, with the table's cells bordered.
    for (r, cells) in ex.sheet.rows.iter().enumerate() {
        if looks.is_some() {
            break;
        }
        let row = u32::try_from(r).unwrap_or(u32::MAX);
        let table = in_table(r);
        for (c, cell) in cells.iter().enumerate() {
            let base = if table {
                body_format(r, c)
            } else {
                Base::Plain
            };
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                RawCell::Empty => {
                    if table {
                        ws.write_blank(row, col, bases.get(base))?;
                    }
                }
                RawCell::Text { s } => {
                    ws.write_string_with_format(row, col, clip(s), bases.get(base))?;
                }
                RawCell::Number { n, format } => {
                    let f = number_formats.get(&bases, base, format.as_deref());
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
        let (fc, lc) = (
            u16::try_from(m.first_col).unwrap_or(u16::MAX),
            u16::try_from(m.last_col).unwrap_or(u16::MAX),
        );
        if let Some(looks) = looks.as_mut() {
            let code = match ex.sheet.cell(r, c) {
                RawCell::Number { format, .. } => format.clone(),
                _ => None,
            };
            let f = looks.cell(m.first_row, fc, code.as_ref());
            ws.merge_range(m.first_row, fc, m.last_row, lc, clip(&text), f)?;
            if let RawCell::Number { n, .. } = ex.sheet.cell(r, c) {
                ws.write_number_with_format(m.first_row, fc, *n, f)?;
            }
            progress.cells(1).await;
            continue;
        }
        let base = if !in_table(r) {
            Base::MergedTitle
        } else if r > hl && !centred_cols.contains(&c) {
            Base::MergedBody
        } else {
            body_format(r, c)
        };
        ws.merge_range(
            m.first_row,
            fc,
            m.last_row,
            lc,
            clip(&text),
            bases.get(base),
        )?;
        if let RawCell::Number { n, format } = ex.sheet.cell(r, c) {
            let f = number_formats.get(&bases, base, format.as_deref());
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
            if let Some(looks) = looks.as_mut() {
                let f = looks.computed(row, col, result.decimals);
                ws.write_number_with_format(row, col, target.value, f)?;
                continue;
            }
            let format = by_decimals.entry(result.decimals).or_insert_with(|| {
                computed
                    .clone()
                    .set_num_format(decimals_format(result.decimals))
            });
            ws.write_number_with_format(row, col, target.value, format)?;
        }
        progress.cells(1).await;
    }

    write_completion_columns(ws, ex, header, border, progress).await?;
    grey_rows(ws, ex)?;

    // Column widths that fit Chinese text (header rows and data rows only, not merged cells),
    // where the original states none.
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
        let stated = ex.style.and_then(|s| s.width(col));
        ws.set_column_width(col, stated.unwrap_or((widest + 2.0).min(40.0)))?;
    }
    let freeze_row = u32::try_from(hl + 1).unwrap_or(0);
    let freeze_col = ex
        .layout
        .col(crate::table::detect::Role::Name)
        .and_then(|c| u16::try_from(c + 1).ok())
        .unwrap_or(0);
    match ex.style.and_then(|s| s.freeze) {
        Some((rows, cols)) => ws.set_freeze_panes(rows, cols)?,
        None => ws.set_freeze_panes(freeze_row, freeze_col)?,
    };
    let title = if ex.plan.title.trim().is_empty() {
        ex.sheet.name.as_str()
    } else {
        ex.plan.title.as_str()
    };
    print_setup(ws, Some((row32(hf), row32(hl))), title)?;
    if let Some(style) = ex.style {
        apply_sheet(ws, style)?;
    }
    Ok(())
}

/// The grey of other units' rows in a unit's copy.
pub const GREY_FONT: u32 = 0x9E9E9E;

/// The rows of `ex.greyed` in grey type, source and appended columns: a conditional format over
/// each run of rows, so that every cell keeps its own format (and number format) underneath.
fn grey_rows(ws: &mut Worksheet, ex: &SheetExport<'_>) -> Result<(), XlsxError> {
    let Some(&first) = ex.greyed.first() else {
        return Ok(());
    };
    let width = ex.sheet.width() + 2 * ex.layout.actual_cols().len();
    let last_col = col16(width.saturating_sub(1));
    let grey = ConditionalFormatFormula::new()
        .set_rule("=TRUE")
        .set_format(Format::new().set_font_color(Color::RGB(GREY_FONT)));
    let (mut start, mut end) = (first, first);
    for &r in ex.greyed.iter().skip(1) {
        if r == end + 1 {
            end = r;
        } else {
            ws.add_conditional_format(start, 0, end, last_col, &grey)?;
            (start, end) = (r, r);
        }
    }
    ws.add_conditional_format(start, 0, end, last_col, &grey)?;
    Ok(())
}

/// The fill of a status cell (the page uses the same colours).
pub(super) fn status_fill(status: Option<Status>) -> Option<u32> {
    match status {
        Some(Status::Met) => Some(0xDAFBE1),
        Some(Status::OnTrack) => Some(0xE6F4EA),
        Some(Status::Lagging) => Some(0xFFEBE9),
        _ => None,
    }
}

/// A format and its variants with each status fill.
pub(super) struct Filled {
    plain: Format,
    filled: Vec<(u32, Format)>,
}

impl Filled {
    pub(super) fn new(plain: Format) -> Self {
        let filled = [Status::Met, Status::OnTrack, Status::Lagging]
            .into_iter()
            .filter_map(|s| status_fill(Some(s)))
            .map(|fill| (fill, plain.clone().set_background_color(Color::RGB(fill))))
            .collect();
        Self { plain, filled }
    }

    pub(super) fn with(&self, fill: Option<u32>) -> &Format {
        fill.and_then(|fill| self.filled.iter().find(|(f, _)| *f == fill))
            .map_or(&self.plain, |(_, format)| format)
    }
}

/// 实现程度 and 状态 for each year with actuals, to the right of the source table.
pub(super) async fn write_completion_columns<P: Pace>(
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
