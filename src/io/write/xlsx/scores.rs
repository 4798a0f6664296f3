//! 考核得分: overall, category and unit figures per assessment year as formulas over 计划明细,
//! with their charts.

use super::*;
use crate::io::write::formulas::{self, ColumnKind, DetailBuilder, Origin};
use crate::plan::{score, Year};
use rust_xlsxwriter::{Chart, ChartType, Format, Formula, Worksheet, XlsxError};
use std::collections::BTreeSet;

/// 考核得分: overall, category and unit figures per assessment year, as formulas over 计划明细.
pub(super) fn write_scores_sheet(
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
        print_setup(ws, None, &title)?;
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
    print_setup(ws, Some((2, 2)), &title)?;

    // Charts: unit scores, and the overall realization over the years.
    let chart_col = col16(2 + n_years * 2 + 1);
    if !units.is_empty() {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("单位考核得分（分）");
        let (first, last) = (top + 1, top + row32(units.len()));
        for j in 0..years.len() {
            chart
                .add_series()
                .set_name((name, top, col16(j + 2)))
                .set_categories((name, first, 1, last, 1))
                .set_values((name, first, col16(j + 2), last, col16(j + 2)));
        }
        let scores = sx
            .results
            .assessment
            .values()
            .flat_map(|a| a.units.values().map(|u| u.score.value));
        chart
            .y_axis()
            .set_name("得分")
            .set_min(crate::plan::score::axis_floor(scores))
            .set_max(100);
        chart.x_axis().set_name("单位");
        chart.set_width(640).set_height(360);
        ws.insert_chart(2, chart_col, &chart)?;
    }
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name("总体实现程度（%）");
    let last_col = col16(1 + n_years);
    chart
        .add_series()
        .set_name((name, 3, 0))
        .set_categories((name, 2, 2, 2, last_col))
        .set_values((name, 3, 2, 3, last_col));
    let overall = sx
        .results
        .assessment
        .values()
        .filter_map(|a| a.overall.as_ref().map(|o| o.value));
    chart
        .y_axis()
        .set_name("实现程度（%）")
        .set_min(crate::plan::score::axis_floor(overall))
        .set_max(100);
    chart.x_axis().set_name("年份");
    chart.legend().set_hidden();
    ws.insert_chart(22, chart_col, &chart)?;
    Ok(())
}
