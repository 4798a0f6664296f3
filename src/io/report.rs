//! The JSON report (`zhibiao-cli report`): every sheet's layout, every indicator's targets,
//! completion and draft, and each year's assessment, keys in English.
//!
//! `value` fields are unrounded numbers in the unit the user sees; `shown` fields are the
//! rounded strings the user sees.
//!
//! The report is serialised straight from the plan and its results (no `serde_json::Value` tree
//! in between: for 20,000 indicators that tree cost more than the whole computation). Its shape
//! is the one the tree gave, byte for byte: the keys of every object in sorted order (a
//! `serde_json::Map` sorts them), and year keys in the order of their text.

use super::Imported;
use crate::plan::{
    self, Assessment, Draft, Given, Indicator, IndicatorResult, Plan, PlanResults, Shown,
    UnitScore, Value, Warning, Year, YearMap, YearTarget,
};
use crate::table::detect::Layout;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The report of a whole import: serialise it with `serde_json` (`to_string`,
/// `to_string_pretty`, `to_writer`, or `to_value` for a tree).
#[derive(Clone, Debug)]
pub struct Report<'a> {
    file: &'a str,
    format: &'static str,
    sheets: Vec<SheetReport<'a>>,
}

/// The report of one sheet that holds an indicator table.
#[derive(Clone, Debug)]
pub struct SheetReport<'a> {
    name: &'a str,
    layout: &'a Layout,
    plan: &'a Plan,
    results: Cow<'a, PlanResults>,
}

/// The report of a whole import: every sheet that holds an indicator table, its plan computed
/// with `opts`.
pub fn report<'a>(file: &'a str, imported: &'a Imported, opts: &plan::Options) -> Report<'a> {
    let sheets = imported
        .sheets
        .iter()
        .filter_map(|s| {
            let (layout, plan) = (s.layout.as_ref()?, s.plan.as_ref()?);
            Some(SheetReport {
                name: &s.sheet.name,
                layout,
                plan,
                results: Cow::Owned(plan::compute(plan, opts)),
            })
        })
        .collect();
    Report {
        file,
        format: imported.format.name(),
        sheets,
    }
}

/// The report of one sheet.
pub fn sheet_report<'a>(
    name: &'a str,
    layout: &'a Layout,
    plan: &'a Plan,
    results: &'a PlanResults,
) -> SheetReport<'a> {
    SheetReport {
        name,
        layout,
        plan,
        results: Cow::Borrowed(results),
    }
}

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("file", self.file)?;
        m.serialize_entry("format", self.format)?;
        m.serialize_entry("sheets", &self.sheets)?;
        m.end()
    }
}

impl Serialize for SheetReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("assessment", &Sorted(&self.results.assessment))?;
        m.serialize_entry(
            "indicators",
            &Indicators(&self.plan.indicators, &self.results.indicators),
        )?;
        m.serialize_entry("layout", &LayoutReport(self.layout))?;
        m.serialize_entry("name", self.name)?;
        m.end()
    }
}

/// The layout, 1-based rows.
struct LayoutReport<'a>(&'a Layout);

impl Serialize for LayoutReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let l = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("base_year", &l.base_year)?;
        m.serialize_entry("columns", &l.column_letters())?;
        m.serialize_entry("data_rows", &[l.data_first + 1, l.data_last + 1])?;
        m.serialize_entry("header_rows", &[l.header_first + 1, l.header_last + 1])?;
        m.serialize_entry("target_year", &l.target_year)?;
        m.end()
    }
}

/// Each indicator with its results, in order.
struct Indicators<'a>(&'a [Indicator], &'a [IndicatorResult]);

impl Serialize for Indicators<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0.len().min(self.1.len());
        let mut seq = s.serialize_seq(Some(n))?;
        for (i, r) in self.0.iter().zip(self.1) {
            seq.serialize_element(&IndicatorReport(i, r))?;
        }
        seq.end()
    }
}

struct IndicatorReport<'a>(&'a Indicator, &'a IndicatorResult);

impl Serialize for IndicatorReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (i, r) = (self.0, self.1);
        let base = (i.base.value != Value::Empty).then_some(GivenReport {
            year: r.base_year,
            number: r.base,
            given: &i.base,
            stretch: None,
        });
        let target = (i.target.value != Value::Empty).then_some(GivenReport {
            year: r.target_year,
            number: r.target,
            given: &i.target,
            stretch: Some(r.stretch),
        });
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("actual", &Sorted(&r.actual))?;
        m.serialize_entry("base", &base)?;
        m.serialize_entry("category", &i.category)?;
        m.serialize_entry("decimals", &r.decimals)?;
        m.serialize_entry("direction", &r.direction)?;
        m.serialize_entry("direction_rule", &r.direction_rule)?;
        m.serialize_entry("draft", &r.draft.as_ref().map(Sorted))?;
        m.serialize_entry("is_group", &i.is_group)?;
        m.serialize_entry("lead_units", &plan::score::split_units(&i.lead_units))?;
        m.serialize_entry("method", &r.method)?;
        m.serialize_entry("name", &i.name)?;
        m.serialize_entry("other_units", &plan::score::split_units(&i.other_units))?;
        if !i.parent.is_empty() {
            m.serialize_entry("parent", &i.parent)?;
        }
        m.serialize_entry("progress", &Sorted(&r.progress))?;
        m.serialize_entry("realization", &Sorted(&r.realization))?;
        m.serialize_entry("row", &i.row)?;
        m.serialize_entry("seq", &i.seq)?;
        m.serialize_entry("status", &Sorted(&r.status))?;
        m.serialize_entry("target", &target)?;
        m.serialize_entry("unit", &i.unit)?;
        m.serialize_entry("warnings", &Sorted(&r.warnings))?;
        m.serialize_entry("yearly", &Sorted(&r.yearly))?;
        m.end()
    }
}

/// A base or target cell: its year, its value (the number when it has one, else its text) and
/// its text; a target also has its stretch.
struct GivenReport<'a> {
    year: Option<Year>,
    number: Option<f64>,
    given: &'a Given,
    stretch: Option<Option<f64>>,
}

impl Serialize for GivenReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3 + usize::from(self.stretch.is_some())))?;
        if let Some(stretch) = &self.stretch {
            m.serialize_entry("stretch", stretch)?;
        }
        m.serialize_entry("text", &self.given.text)?;
        match (self.number, &self.given.value) {
            (Some(n), _) => m.serialize_entry("value", &n)?,
            (None, Value::Empty) => m.serialize_entry("value", &())?,
            (None, _) => m.serialize_entry("value", &self.given.text)?,
        }
        m.serialize_entry("year", &self.year)?;
        m.end()
    }
}

/// A model value serialised as `serde_json::to_value` would lay it out: the fields of each
/// object in sorted order, and the years of a map in the order of their text.
struct Sorted<'a, T>(&'a T);

impl<T> Serialize for Sorted<'_, BTreeMap<Year, T>>
where
    for<'b> Sorted<'b, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        by_year::<S, T>(s, self.0.len(), self.0.iter())
    }
}

impl<T> Serialize for Sorted<'_, YearMap<T>>
where
    for<'b> Sorted<'b, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        by_year::<S, T>(s, self.0.len(), self.0.iter())
    }
}

/// The `len` entries of a map by year (ascending), as an object keyed by the years' text.
fn by_year<'a, S: Serializer, T: 'a>(
    s: S,
    len: usize,
    entries: impl Iterator<Item = (&'a Year, &'a T)> + Clone,
) -> Result<S::Ok, S::Error>
where
    for<'b> Sorted<'b, T>: Serialize,
{
    let mut m = s.serialize_map(Some(len))?;
    // Four-digit years sort the same as numbers and as text; anything else is sorted as text.
    if entries.clone().all(|(y, _)| (1000..=9999).contains(y)) {
        for (y, v) in entries {
            m.serialize_entry(y, &Sorted(v))?;
        }
    } else {
        let mut entries: Vec<(String, &T)> = entries.map(|(y, v)| (y.to_string(), v)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (y, v) in entries {
            m.serialize_entry(&y, &Sorted(v))?;
        }
    }
    m.end()
}

impl<T> Serialize for Sorted<'_, BTreeMap<String, T>>
where
    for<'b> Sorted<'b, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, &Sorted(v))?;
        }
        m.end()
    }
}

impl<T> Serialize for Sorted<'_, Vec<T>>
where
    for<'b> Sorted<'b, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            seq.serialize_element(&Sorted(v))?;
        }
        seq.end()
    }
}

impl Serialize for Sorted<'_, f64> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(*self.0)
    }
}

impl Serialize for Sorted<'_, plan::Status> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Serialize for Sorted<'_, Shown> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("shown", &format_args!("{}", self.0))?;
        m.serialize_entry("value", &self.0.value)?;
        m.end()
    }
}

impl Serialize for Sorted<'_, YearTarget> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("shown", &format_args!("{}", self.0))?;
        m.serialize_entry("source", &self.0.source)?;
        m.serialize_entry("value", &self.0.value)?;
        m.end()
    }
}

impl Serialize for Sorted<'_, UnitScore> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("count", &self.0.count)?;
        m.serialize_entry("score", &Sorted(&self.0.score))?;
        m.end()
    }
}

impl Serialize for Sorted<'_, Assessment> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("categories", &Sorted(&a.categories))?;
        m.serialize_entry("overall", &a.overall.as_ref().map(Sorted))?;
        m.serialize_entry("units", &Sorted(&a.units))?;
        m.end()
    }
}

impl Serialize for Sorted<'_, Draft> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("flag", &d.flag)?;
        m.serialize_entry("from_year", &d.from_year)?;
        m.serialize_entry("needed_change", &d.needed_change)?;
        m.serialize_entry("original_change", &d.original_change)?;
        m.serialize_entry("years", &Sorted(&d.years))?;
        m.end()
    }
}

impl Serialize for Sorted<'_, Warning> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Warning::RateLevelGap { gap } => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("rate_level_gap", &GapReport(gap))?;
                m.end()
            }
            other => other.serialize(s),
        }
    }
}

/// `{ "gap": shown }`, the body of a rate-level gap warning.
struct GapReport<'a>(&'a Shown);

impl Serialize for GapReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("gap", &Sorted(self.0))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{value::parse_text, Options, Source, Status};
    use serde_json::{json, Map, Value as Json};

    /// The report as the first version built it: a `serde_json::Value` tree.
    fn tree(name: &str, layout: &Layout, plan: &Plan, results: &PlanResults) -> Json {
        fn to_json(v: &impl Serialize) -> Json {
            serde_json::to_value(v).unwrap_or(Json::Null)
        }
        let given_value = |number: Option<f64>, given: &Given| match (number, &given.value) {
            (Some(n), _) => json!(n),
            (None, Value::Empty) => Json::Null,
            (None, _) => json!(given.text),
        };
        let indicators: Vec<Json> = plan
            .indicators
            .iter()
            .zip(&results.indicators)
            .map(|(i, r)| {
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
                            json!({ "value": t.value, "shown": t.shown(), "source": t.source }),
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
            })
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

    fn layout() -> Layout {
        Layout {
            header_first: 1,
            header_last: 2,
            data_first: 3,
            data_last: 9,
            columns: Vec::new(),
            base_year: Some(2020),
            target_year: None,
            title: "t".into(),
        }
    }

    #[test]
    fn same_bytes_as_the_value_tree() {
        let mut a = Indicator {
            row: 4,
            name: "人均GDP\"引号\"".into(),
            category: "经济".into(),
            base: parse_text("31502"),
            base_year: Some(2020),
            target: parse_text("确保58000，力争60000"),
            target_year: Some(2025),
            lead_units: "甲、乙 丙".into(),
            ..Indicator::default()
        };
        a.actual.insert(2021, parse_text("36000"));
        a.actual.insert(2022, parse_text("完成"));
        let mut b = Indicator {
            row: 5,
            name: "收入".into(),
            base: parse_text("16860"),
            base_year: Some(2020),
            target: parse_text("26000，年均增长9%"),
            target_year: Some(2025),
            other_units: "甲".into(),
            ..Indicator::default()
        };
        b.actual.insert(2021, parse_text("17000"));
        let c = Indicator {
            row: 6,
            name: "定性".into(),
            target: parse_text("上级下达指标"),
            ..Indicator::default()
        };
        let d = Indicator {
            row: 7,
            name: "compound fallback".into(),
            base: parse_text("0"),
            base_year: Some(2020),
            target: parse_text("翻一番"),
            target_year: Some(2025),
            overrides: plan::Overrides {
                method: Some(plan::Method::Compound),
                ..Default::default()
            },
            ..Indicator::default()
        };
        let plan = Plan {
            years: (2021..=2025).collect(),
            indicators: vec![a, b, c, d, Indicator::default()],
            ..Plan::default()
        };
        let mut layout = layout();
        let results = plan::compute(&plan, &Options::default());
        for l in [layout.clone(), {
            layout.target_year = Some(2025);
            layout
        }] {
            let new = sheet_report("表1", &l, &plan, &results);
            let old = tree("表1", &l, &plan, &results);
            assert_eq!(
                serde_json::to_string_pretty(&new).ok(),
                serde_json::to_string_pretty(&old).ok()
            );
            assert_eq!(
                serde_json::to_string(&new).ok(),
                serde_json::to_string(&old).ok()
            );
        }
    }

    #[test]
    fn years_of_other_lengths_sort_as_text() {
        // A map with years 999 and 2021: the tree sorted "2021" before "999".
        let mut results = PlanResults::default();
        let mut r = plan::compute(
            &Plan {
                indicators: vec![Indicator::default()],
                ..Plan::default()
            },
            &Options::default(),
        )
        .indicators
        .remove(0);
        for y in [999, 2021, -5] {
            r.yearly.insert(
                y,
                YearTarget {
                    value: f64::NAN,
                    decimals: 0,
                    source: Source::Given,
                },
            );
            r.status.insert(y, Status::NoData);
        }
        results.indicators.push(r);
        results.assessment.insert(999, Assessment::default());
        results.assessment.insert(10_000, Assessment::default());
        let plan = Plan {
            indicators: vec![Indicator::default()],
            ..Plan::default()
        };
        let l = layout();
        let new = sheet_report("s", &l, &plan, &results);
        let old = tree("s", &l, &plan, &results);
        assert_eq!(
            serde_json::to_string(&new).ok(),
            serde_json::to_string(&old).ok()
        );
    }
}
