//! 下年度目标: next year's draft with its flags.

use super::*;
use crate::io::write::formulas::{self, Origin};
use crate::pace::Pace;
use crate::plan::Year;
use rust_xlsxwriter::{Color, Format, FormatBorder, Worksheet, XlsxError};
use std::collections::BTreeSet;

/// 下年度目标: each indicator's draft from its latest actual, with the flag.
pub(super) async fn write_draft_sheet<P: Pace>(
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
    print_setup(ws, Some((2, 2)), &title)?;
    Ok(())
}
