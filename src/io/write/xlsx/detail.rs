//! 计划明细: one row per indicator, every computed figure a live formula.

use super::*;
use crate::io::write::formulas::{self, Cached, ColumnKind, Content, DetailBuilder};
use crate::pace::Pace;
use crate::plan::score;
use rust_xlsxwriter::{
    Color, ConditionalFormatDataBar, Format, FormatBorder, Formula, Worksheet, XlsxError,
};
use std::collections::BTreeSet;

/// 计划明细: see [`super::formulas`] for the layout. Each row is built as it is written.
pub(super) async fn write_detail_sheet<P: Pace>(
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
    let header = formulas::HEADER_ROW;
    print_setup(ws, Some((header, header)), &title)?;
    Ok(())
}

/// For each unit, whether the 考核单位 column selects the indicators the engine counts for it:
/// `FIND("|"&unit&"|", cell)` finds the unit in exactly the cells of the indicators that name it.
pub(super) fn units_match_engine(sx: &SheetExport<'_>, units: &[String]) -> Vec<bool> {
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
