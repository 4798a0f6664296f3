//! Plan + results → a filled `.xlsx` with rust_xlsxwriter.
//!
//! The first sheet keeps the source table's layout (same rows, columns and merged cells) with
//! the empty yearly-target cells filled by the engine and marked by a fill colour.

use super::appended;
use super::detect::Layout;
use super::grid::Sheet;
use crate::error::ExportError;
use crate::plan::{PlanResults, RawCell, Source, Status};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;

/// The fill colour of cells the engine computed (light yellow, as in the page's legend).
pub const COMPUTED_FILL: u32 = 0xFFF2CC;

/// One sheet to export: its source cells, its table and the engine's results.
pub struct SheetExport<'a> {
    pub sheet: &'a Sheet,
    pub layout: &'a Layout,
    pub plan: &'a crate::plan::Plan,
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
    let mut workbook = Workbook::new();
    for export in sheets {
        let worksheet = workbook.add_worksheet();
        write_source_sheet(worksheet, export).map_err(writer_error)?;
    }
    workbook.save_to_buffer().map_err(writer_error)
}

fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned
    }
}

fn write_source_sheet(ws: &mut Worksheet, ex: &SheetExport<'_>) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(&ex.sheet.name))?;
    let border = Format::new().set_border(FormatBorder::Thin);
    let header = border
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let mut number_formats: HashMap<String, Format> = HashMap::new();
    let mut fmt_for = |code: &Option<String>, base: &Format| -> Format {
        match code {
            Some(code) if code != "General" => number_formats
                .entry(code.clone())
                .or_insert_with(|| base.clone().set_num_format(code.as_str()))
                .clone(),
            _ => base.clone(),
        }
    };
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
        for (c, cell) in cells.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            let base = if in_table(r) {
                cell_format(r).clone()
            } else {
                Format::new()
            };
            match cell {
                RawCell::Empty => {
                    if in_table(r) {
                        ws.write_blank(row, col, &base)?;
                    }
                }
                RawCell::Text { s } => {
                    ws.write_string_with_format(row, col, s, &base)?;
                }
                RawCell::Number { n, format } => {
                    ws.write_number_with_format(row, col, *n, &fmt_for(format, &base))?;
                }
            }
        }
    }
    for m in &ex.sheet.merges {
        if m.first_row == m.last_row && m.first_col == m.last_col {
            continue;
        }
        let (r, c) = (m.first_row as usize, m.first_col as usize);
        let text = ex.sheet.text(r, c);
        let base = if in_table(r) {
            cell_format(r).clone()
        } else {
            Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
        };
        let (fc, lc) = (
            u16::try_from(m.first_col).unwrap_or(u16::MAX),
            u16::try_from(m.last_col).unwrap_or(u16::MAX),
        );
        ws.merge_range(m.first_row, fc, m.last_row, lc, &text, &base)?;
        if let RawCell::Number { n, format } = ex.sheet.cell(r, c) {
            ws.write_number_with_format(m.first_row, fc, *n, &fmt_for(format, &base))?;
        }
    }

    // Computed yearly targets, filled and marked.
    let yearly_cols = ex.layout.yearly_cols();
    let computed = border
        .clone()
        .set_background_color(Color::RGB(COMPUTED_FILL));
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
            let format = computed
                .clone()
                .set_num_format(decimals_format(result.decimals));
            ws.write_number_with_format(row, col, target.value, &format)?;
        }
    }

    write_completion_columns(ws, ex, &header, &border)?;

    // Column widths that fit Chinese text (header rows and data rows only).
    for c in 0..ex.sheet.width() {
        let widest = (hf..=ex
            .layout
            .data_last
            .min(ex.sheet.rows.len().saturating_sub(1)))
            .filter(|&r| ex.sheet.merge_covering(r, c).is_none())
            .map(|r| text_width(&ex.sheet.text(r, c)))
            .fold(6.0_f64, f64::max);
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        ws.set_column_width(col, (widest + 2.0).min(40.0))?;
    }
    let freeze_row = u32::try_from(hl + 1).unwrap_or(0);
    let freeze_col = ex
        .layout
        .col(super::detect::Role::Name)
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

/// 实现程度 and 状态 for each year with actuals, to the right of the source table.
fn write_completion_columns(
    ws: &mut Worksheet,
    ex: &SheetExport<'_>,
    header: &Format,
    border: &Format,
) -> Result<(), XlsxError> {
    let layout = ex.layout;
    let first_col = ex.sheet.width();
    let percent = border.clone().set_num_format("0.00");
    for (i, column) in appended::columns(layout, ex.plan, ex.results)
        .iter()
        .enumerate()
    {
        let col = u16::try_from(first_col + i).unwrap_or(u16::MAX);
        let (hf, hl) = (
            u32::try_from(layout.header_first).unwrap_or(0),
            u32::try_from(layout.header_last).unwrap_or(0),
        );
        if hl > hf {
            ws.merge_range(hf, col, hl, col, &column.title_zh(), header)?;
        } else {
            ws.write_string_with_format(hf, col, column.title_zh(), header)?;
        }
        ws.set_column_width(col, text_width(&column.title_zh()).max(10.0) + 2.0)?;
        for row in layout.header_last + 1..=layout.data_last {
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            let cell = column.cells.get(&row);
            let base = match cell.and_then(|c| status_fill(c.status)) {
                Some(fill) => border.clone().set_background_color(Color::RGB(fill)),
                None => border.clone(),
            };
            match (column.kind, cell) {
                (appended::Kind::Realization, Some(appended::Cell { value: Some(v), .. })) => {
                    let format = match cell.and_then(|c| status_fill(c.status)) {
                        Some(fill) => percent.clone().set_background_color(Color::RGB(fill)),
                        None => percent.clone(),
                    };
                    ws.write_number_with_format(r, col, *v, &format)?;
                }
                (_, Some(c)) => {
                    ws.write_string_with_format(r, col, &c.text, &base)?;
                }
                (_, None) => {
                    ws.write_blank(r, col, &base)?;
                }
            }
        }
    }
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
    fn decimals_become_format_codes() {
        assert_eq!(decimals_format(0), "0");
        assert_eq!(decimals_format(2), "0.00");
    }
}
