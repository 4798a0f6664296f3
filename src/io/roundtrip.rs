//! What an exported workbook carries so that importing it again gives back the same plan.
//!
//! This module exists because the first sheet of the export is the source table with the
//! computed yearly targets filled in: read back as it is, every filled cell would become an
//! anchor, the user's corrections (direction, method, decimals, years, the cap, typed targets)
//! would be lost, and the added sheets (计划明细, 考核得分, 下年度目标) would look like indicator
//! tables of their own. The export therefore writes a hidden sheet [`SHEET_NAME`] holding
//! [`Metadata`] as JSON (cut into cells of at most [`CHUNK_CHARS`] characters, Excel's cell
//! limit being 32,767); [`apply`] reads it back during import: it restores the overrides, the
//! settings and the typed values, empties the filled cells again (unless the user changed them,
//! which makes them anchors), drops the added sheets' tables and removes the hidden sheet.
//! A damaged or foreign metadata sheet is ignored.

use super::returns::Returns;
use super::ImportedSheet;
use crate::plan::{
    Given, Indicator, Overrides, Plan, PlanResults, RawCell, Settings, Source, Value, Year, YearMap,
};
use crate::table::detect::{self, Layout};
use crate::table::grid::Sheet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name of the hidden metadata sheet.
pub const SHEET_NAME: &str = "_zhibiao";
/// The text of its cell A1.
pub const MARKER: &str = "zhibiao-export-metadata v1";
/// The most characters of JSON in one cell.
pub const CHUNK_CHARS: usize = 30_000;

/// The round-trip data of one exported workbook.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// One entry per exported source sheet.
    pub sheets: Vec<SheetMeta>,
    /// The returns folded into the first plan (the records behind the 汇总情况 sheet: which
    /// return gave each value, the conflicts and how each was resolved).
    #[serde(default, skip_serializing_if = "Returns::is_empty")]
    pub returns: Returns,
    /// The names of the plan rows (1-based) the returns' records refer to, so that rows
    /// inserted or deleted in a spreadsheet program before the workbook is read back do not
    /// give a recorded value to another indicator ([`returns_rows`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub returns_rows: BTreeMap<u32, String>,
    /// The year of each actual column (0-based) a return filled a cell in, so that a column
    /// inserted or deleted before the workbook is read back (a new year's actuals added in
    /// between) does not move a recorded cell into another column.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub returns_cols: BTreeMap<usize, Year>,
}

/// The names of `plan`'s rows that `returns` refer to, for [`Metadata::returns_rows`].
pub fn returns_rows(returns: &Returns, plan: &Plan) -> BTreeMap<u32, String> {
    returns
        .rows()
        .into_iter()
        .filter_map(|row| {
            let ind = plan.indicators.iter().find(|i| i.row == row)?;
            Some((row, ind.name.clone()))
        })
        .collect()
}

/// The year of each actual column of `layout` that `returns` filled cells in, for
/// [`Metadata::returns_cols`].
pub fn returns_cols(returns: &Returns, layout: &Layout) -> BTreeMap<usize, Year> {
    let years: BTreeMap<usize, Year> = layout
        .actual_cols()
        .into_iter()
        .map(|(year, col)| (col, year))
        .collect();
    returns
        .cols()
        .into_iter()
        .filter_map(|col| Some((col, *years.get(&col)?)))
        .collect()
}

/// Where the row `row` named `name` at export time is in `plan` now: the same row if it
/// still holds that indicator, else the only indicator of that name.
fn moved_row(plan: &Plan, row: u32, name: &str) -> Option<u32> {
    if plan
        .indicators
        .iter()
        .any(|i| i.row == row && i.name == name)
    {
        return Some(row);
    }
    let mut same = plan.indicators.iter().filter(|i| i.name == name);
    match (same.next(), same.next()) {
        (Some(i), None) => Some(i.row),
        _ => None,
    }
}

/// The round-trip data of one source sheet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SheetMeta {
    /// The sheet's name as written in the export.
    pub name: String,
    /// The names of the sheets the export added for this plan (never indicator tables).
    #[serde(default)]
    pub derived: Vec<String>,
    /// The plan's settings.
    #[serde(default)]
    pub settings: Settings,
    /// Indicators with overrides, typed values or filled cells.
    #[serde(default)]
    pub indicators: Vec<IndicatorMeta>,
    /// The table as the user set it (表头识别, a column header's menu, 标记表格), when it
    /// differs from what detection finds in the sheet: read back, it replaces the detected one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
}

/// The round-trip data of one indicator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndicatorMeta {
    /// 1-based source row.
    pub row: u32,
    /// The name, to find the indicator if rows moved.
    pub name: String,
    #[serde(default)]
    /// The user's corrections of this indicator.
    pub overrides: Overrides,
    /// Yearly targets typed by the user.
    #[serde(default)]
    pub manual: YearMap<f64>,
    /// Yearly-target cells the export filled (computed or typed), with the value written.
    #[serde(default)]
    pub filled: BTreeMap<Year, f64>,
    /// Anchors of the file that a typed value covered in the filled cell, to put back.
    #[serde(default)]
    pub replaced: BTreeMap<Year, Given>,
}

/// The round-trip data of one plan: `filled` are the yearly cells written into the first
/// sheet (those whose source is not [`Source::Given`] and that have a column there).
pub fn sheet_meta(
    name: &str,
    derived: Vec<String>,
    plan: &Plan,
    results: &PlanResults,
    yearly_cols: &BTreeMap<Year, usize>,
) -> SheetMeta {
    let indicators = plan
        .indicators
        .iter()
        .zip(&results.indicators)
        .filter_map(|(ind, res)| {
            let filled: BTreeMap<Year, f64> = res
                .yearly
                .iter()
                .filter(|(y, t)| t.source != Source::Given && yearly_cols.contains_key(y))
                .map(|(y, t)| (*y, t.value))
                .collect();
            let replaced = filled
                .keys()
                .filter_map(|y| Some((*y, ind.yearly.get(y)?.clone())))
                .collect();
            let meta = IndicatorMeta {
                row: ind.row,
                name: ind.name.clone(),
                overrides: ind.overrides.clone(),
                manual: ind.manual.clone(),
                filled,
                replaced,
            };
            let plain = meta.overrides == Overrides::default()
                && meta.manual.is_empty()
                && meta.filled.is_empty();
            (!plain).then_some(meta)
        })
        .collect();
    SheetMeta {
        name: name.to_string(),
        derived,
        settings: plan.settings.clone(),
        indicators,
        layout: None,
    }
}

/// The layout to keep in the metadata: the user's, when detection would not find it again in
/// `sheet`.
pub fn user_layout(sheet: &Sheet, layout: &Layout) -> Option<Layout> {
    (detect::detect(sheet).as_ref() != Some(layout)).then(|| layout.clone())
}

/// The JSON of `meta` cut into cell-sized pieces.
pub fn to_chunks(meta: &Metadata) -> Vec<String> {
    let json = serde_json::to_string(meta).unwrap_or_default();
    let chars: Vec<char> = json.chars().collect();
    chars
        .chunks(CHUNK_CHARS)
        .map(|c| c.iter().collect())
        .collect()
}

/// Reads the metadata sheet, if the workbook has one, and applies it (see the module docs);
/// returns the consolidation's records it carries, their sheet the first table's.
pub fn apply(sheets: &mut Vec<ImportedSheet>) -> Returns {
    let Some(pos) = sheets
        .iter()
        .position(|s| s.sheet.name == SHEET_NAME && s.sheet.text(0, 0) == MARKER)
    else {
        return Returns::default();
    };
    let meta_sheet = sheets.remove(pos);
    let json: String = meta_sheet
        .sheet
        .rows
        .iter()
        .skip(1)
        .filter_map(|r| match r.first() {
            Some(RawCell::Text { s }) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let Ok(meta) = serde_json::from_str::<Metadata>(&json) else {
        return Returns::default();
    };
    for sm in &meta.sheets {
        for s in sheets.iter_mut() {
            if sm.derived.contains(&s.sheet.name) {
                s.layout = None;
                s.plan = None;
            }
        }
        if let Some(layout) = &sm.layout {
            if let Some(s) = sheets.iter_mut().find(|s| s.sheet.name == sm.name) {
                s.plan = Some(detect::build_plan(&s.sheet, layout));
                s.layout = Some(layout.clone());
            }
        }
        let Some(plan) = sheets
            .iter_mut()
            .find(|s| s.sheet.name == sm.name)
            .and_then(|s| s.plan.as_mut())
        else {
            continue;
        };
        plan.settings = sm.settings.clone();
        for im in &sm.indicators {
            if let Some(ind) = find(&mut plan.indicators, im) {
                restore(ind, im);
            }
        }
    }
    let mut returns = meta.returns;
    match sheets.iter().position(|s| s.plan.is_some()) {
        Some(first) => {
            returns.records.iter_mut().for_each(|r| r.sheet = first);
            // Rows inserted or deleted since the export: each recorded row follows its
            // indicator (an export without the names keeps the rows as they are).
            let sheet = sheets.get(first);
            if let Some((plan, layout)) =
                sheet.and_then(|s| Some((s.plan.as_ref()?, s.layout.as_ref()?)))
            {
                let (names, years) = (&meta.returns_rows, &meta.returns_cols);
                let actual_cols = layout.actual_cols();
                returns.move_cells(
                    |row| match names.get(&row) {
                        Some(name) => moved_row(plan, row, name),
                        None => Some(row),
                    },
                    |col| match years.get(&col) {
                        Some(year) => actual_cols.get(year).copied(),
                        None => Some(col),
                    },
                );
            }
        }
        None => returns.records.clear(),
    }
    returns
}

/// The indicator on the same row with the same name, else the only one with that name.
fn find<'a>(indicators: &'a mut [Indicator], im: &IndicatorMeta) -> Option<&'a mut Indicator> {
    let at_row = indicators
        .iter()
        .position(|i| i.row == im.row && i.name == im.name);
    let index = at_row.or_else(|| {
        let mut same = indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| i.name == im.name);
        match (same.next(), same.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    })?;
    indicators.get_mut(index)
}

fn restore(ind: &mut Indicator, im: &IndicatorMeta) {
    ind.overrides = im.overrides.clone();
    ind.manual = im.manual.clone();
    for (y, v) in &im.filled {
        let unchanged = ind.yearly.get(y).is_some_and(|g| match &g.value {
            Value::Number { number, .. } => (number.value - v).abs() <= 1e-9 * v.abs().max(1.0),
            _ => false,
        });
        if unchanged {
            match im.replaced.get(y) {
                Some(given) => ind.yearly.insert(*y, given.clone()),
                None => ind.yearly.remove(y),
            };
        } else if ind.yearly.contains_key(y) {
            // Edited in the spreadsheet: the cell is an anchor now, and wins over a typed value.
            ind.manual.remove(y);
        }
    }
}
