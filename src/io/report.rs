//! The JSON report (`zhibiao-cli report`): every sheet's layout, every indicator's targets,
//! completion and draft, and each year's assessment, keys in English.
//!
//! `value` fields are unrounded numbers in the unit the user sees; `shown` fields are the
//! rounded strings the user sees.

use super::detect::Layout;
use super::Imported;
use crate::plan::{self, Given, Indicator, IndicatorResult, Plan, PlanResults, Value};
use serde_json::{json, Map, Value as Json};

/// The report of a whole import: every sheet that holds an indicator table.
pub fn report(file: &str, imported: &Imported, opts: &plan::Options) -> Json {
    let sheets: Vec<Json> = imported
        .sheets
        .iter()
        .filter_map(|s| {
            let (layout, plan) = (s.layout.as_ref()?, s.plan.as_ref()?);
            let results = plan::compute(plan, opts);
            Some(sheet_report(&s.sheet.name, layout, plan, &results))
        })
        .collect();
    json!({ "file": file, "format": imported.format.name(), "sheets": sheets })
}

/// The report of one sheet.
pub fn sheet_report(name: &str, layout: &Layout, plan: &Plan, results: &PlanResults) -> Json {
    let indicators: Vec<Json> = plan
        .indicators
        .iter()
        .zip(&results.indicators)
        .map(|(i, r)| indicator_report(i, r))
        .collect();
    json!({
        "name": name,
        "layout": {
            "header_rows": [layout.header_first + 1, layout.header_last + 1],
            "data_rows": [layout.data_first + 1, layout.data_last + 1],
            "columns": layout.column_letters(),
            "base_year": layout.base_year,
            "target_year": layout.target_year,
        },
        "indicators": indicators,
        "assessment": results.assessment,
    })
}

fn to_json(v: &impl serde::Serialize) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

/// A given cell's value for the report: its number when it has one, else its text.
fn given_value(number: Option<f64>, given: &Given) -> Json {
    match (number, &given.value) {
        (Some(n), _) => json!(n),
        (None, Value::Empty) => Json::Null,
        (None, _) => json!(given.text),
    }
}

fn indicator_report(i: &Indicator, r: &IndicatorResult) -> Json {
    let base = if i.base.value == Value::Empty {
        Json::Null
    } else {
        json!({ "year": r.base_year, "value": given_value(r.base, &i.base), "text": i.base.text })
    };
    let target = if i.target.value == Value::Empty {
        Json::Null
    } else {
        json!({
            "year": r.target_year,
            "value": given_value(r.target, &i.target),
            "stretch": r.stretch,
            "text": i.target.text,
        })
    };
    let yearly: Map<String, Json> = r
        .yearly
        .iter()
        .map(|(y, t)| {
            (
                y.to_string(),
                json!({ "value": t.value, "shown": t.shown, "source": t.source }),
            )
        })
        .collect();
    let actual: Map<String, Json> = r
        .actual
        .iter()
        .map(|(y, a)| (y.to_string(), json!(a)))
        .collect();
    json!({
        "row": i.row,
        "seq": i.seq,
        "category": i.category,
        "name": i.name,
        "unit": i.unit,
        "is_group": i.is_group,
        "direction": r.direction,
        "direction_rule": r.direction_rule,
        "method": to_json(&r.method),
        "decimals": r.decimals,
        "base": base,
        "target": target,
        "yearly": yearly,
        "actual": actual,
        "realization": to_json(&r.realization),
        "progress": to_json(&r.progress),
        "status": to_json(&r.status),
        "lead_units": plan::score::split_units(&i.lead_units),
        "other_units": plan::score::split_units(&i.other_units),
        "draft": r.draft,
        "warnings": r.warnings,
    })
}
