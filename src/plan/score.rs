//! Unit scores, the whole plan's realization and per-category realization (PLANNING-RULES "Scores").
//!
//! This module exists because an assessment (考核) is read per responsible unit: a unit cell holds
//! several names (`县公安局、县自然资源局`), the same unit is written with half- and full-width
//! brackets (`各县(市、区)人民政府` / `各县（市、区）人民政府`), and a bracket may hold a separator
//! that must not split the name.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Assessment, IndicatorResult, Plan, Shown, UnitScore, Year};
use super::round;

/// Folds full-width ASCII forms (`（）０-９％，；` …) and the ideographic space to their half-width
/// forms, so that unit names and cell texts compare equal however they were typed.
///
/// ```
/// use zhibiao::plan::score::fold;
/// assert_eq!(fold("各县（市、区）人民政府"), "各县(市、区)人民政府");
/// assert_eq!(fold("８６．４％"), "86.4%");
/// ```
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Splits a unit cell into unit names: on `、，,;；` and whitespace, never inside brackets `()`,
/// `（）`, `[]`, `【】`; trimmed, empty pieces dropped. The pieces are returned as written; compare
/// them after [`fold`].
///
/// ```
/// use zhibiao::plan::score::split_units;
/// assert_eq!(
///     split_units("市统计局 市财政局；各县(市、区)人民政府"),
///     vec!["市统计局", "市财政局", "各县(市、区)人民政府"]
/// );
/// ```
pub fn split_units(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth: usize = 0;
    for c in s.chars() {
        match c {
            '(' | '（' | '[' | '【' => {
                depth += 1;
                current.push(c);
            }
            ')' | '）' | ']' | '】' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            '、' | '，' | ',' | ';' | '；' if depth == 0 => {
                out.push(std::mem::take(&mut current));
            }
            c if c.is_whitespace() && depth == 0 => {
                out.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The units an indicator names (lead and other units), folded and each listed once.
pub fn units_of(lead: &str, other: &str) -> BTreeSet<String> {
    split_units(lead)
        .into_iter()
        .chain(split_units(other))
        .map(|u| fold(&u))
        .collect()
}

/// A number shown with 2 decimals.
fn two(value: f64) -> Shown {
    Shown {
        value,
        shown: round::shown(value, 2),
    }
}

/// The scores of every year in `years` (PLANNING-RULES "Scores").
///
/// `results[i]` belongs to `plan.indicators[i]`. Only indicators with a realization in a year count
/// in that year. Unit score: mean of the (capped) realizations of the unit's indicators, capped at
/// 100, each indicator counted once per unit. Overall and per-category: weighted by `weight` when
/// any indicator of the plan has a weight (an indicator without one then weighs 0), else equal;
/// when the weights of the counted indicators add up to 0, equal weights are used.
pub fn assess(
    plan: &Plan,
    results: &[IndicatorResult],
    years: &BTreeSet<Year>,
) -> BTreeMap<Year, Assessment> {
    let weighted = plan
        .indicators
        .iter()
        .any(|i| i.weight.is_some_and(f64::is_finite));
    // Each assessed indicator's units and folded category, split once rather than once a year.
    let keys: Vec<Option<(BTreeSet<String>, String)>> = plan
        .indicators
        .iter()
        .zip(results)
        .map(|(ind, res)| {
            (!res.realization.is_empty()).then(|| {
                (
                    units_of(&ind.lead_units, &ind.other_units),
                    fold(ind.category.trim()),
                )
            })
        })
        .collect();
    let mut out = BTreeMap::new();
    for &year in years {
        let mut units: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        let mut all: Vec<(f64, f64)> = Vec::new();
        let mut categories: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for ((ind, res), key) in plan.indicators.iter().zip(results).zip(&keys) {
            let (Some(r), Some((ind_units, cat))) = (res.realization.get(&year), key) else {
                continue;
            };
            let r = r.value;
            if !r.is_finite() {
                continue;
            }
            for unit in ind_units {
                let e = units.entry(unit.clone()).or_insert((0.0, 0));
                e.0 += r;
                e.1 += 1;
            }
            let w = if weighted {
                ind.weight
                    .filter(|w| w.is_finite() && *w > 0.0)
                    .unwrap_or(0.0)
            } else {
                1.0
            };
            all.push((r, w));
            if !cat.is_empty() {
                categories.entry(cat.clone()).or_default().push((r, w));
            }
        }
        let assessment = Assessment {
            overall: weighted_mean(&all).map(two),
            categories: categories
                .into_iter()
                .filter_map(|(k, v)| weighted_mean(&v).map(|m| (k, two(m))))
                .collect(),
            units: units
                .into_iter()
                .filter(|(_, (_, n))| *n > 0)
                .map(|(k, (sum, n))| {
                    let mean = sum / count(n);
                    (
                        k,
                        UnitScore {
                            score: two(mean.min(100.0)),
                            count: n,
                        },
                    )
                })
                .collect(),
        };
        out.insert(year, assessment);
    }
    out
}

/// A count as a float (exact up to 2³²; larger counts do not occur).
fn count(n: usize) -> f64 {
    u32::try_from(n).map_or(f64::from(u32::MAX), f64::from)
}

/// Σ w·r / Σ w; equal weights when Σ w = 0; `None` for no values.
fn weighted_mean(values: &[(f64, f64)]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let total: f64 = values.iter().map(|(_, w)| w).sum();
    if total > 0.0 {
        Some(values.iter().map(|(r, w)| r * w).sum::<f64>() / total)
    } else {
        Some(values.iter().map(|(r, _)| r).sum::<f64>() / count(values.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_never_inside_brackets() {
        assert_eq!(
            split_units("县公安局、县自然资源局"),
            vec!["县公安局", "县自然资源局"]
        );
        assert_eq!(
            split_units(" 各县（市、区）人民政府，市林业局 "),
            vec!["各县（市、区）人民政府", "市林业局"]
        );
        assert_eq!(
            split_units("市发展改革委；市财政局"),
            vec!["市发展改革委", "市财政局"]
        );
        assert_eq!(
            split_units("市统计局 市财政局"),
            vec!["市统计局", "市财政局"]
        );
        assert_eq!(split_units("a,,b;;  c\u{3000}d"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_units(""), Vec::<String>::new());
        // Unbalanced brackets never panic.
        assert_eq!(split_units("a)、b(c、d"), vec!["a)", "b(c、d"]);
    }

    #[test]
    fn folded_units_are_one() {
        let u = units_of("各县（市、区）人民政府", "各县(市、区)人民政府、市林业局");
        assert_eq!(
            u.into_iter().collect::<Vec<_>>(),
            vec!["各县(市、区)人民政府", "市林业局"]
        );
    }

    #[test]
    fn unit_scores_count_each_indicator_once() {
        use super::super::model::{Indicator, Plan};
        use super::super::value::parse_text;
        use super::super::{compute, Options};
        // A: 2.4 of 3 → 80 %; B: 3.3 of 3 → 110 % capped at 100 %; C: qualitative, not counted.
        // 县卫生健康局 is named twice on A (lead and, with full-width brackets, other) and once on B:
        // (80 + 100) / 2 = 90.00, count 2. 县教育局 only on A: 80.00. Overall (80 + 100) / 2 = 90.
        let ind = |name: &str, target: &str, actual: &str, lead: &str, other: &str| {
            let mut i = Indicator {
                name: name.into(),
                category: "民生".into(),
                base: parse_text("2"),
                base_year: Some(2020),
                target: parse_text(target),
                target_year: Some(2021),
                lead_units: lead.into(),
                other_units: other.into(),
                ..Indicator::default()
            };
            i.actual.insert(2021, parse_text(actual));
            i
        };
        let plan = Plan {
            years: vec![2021],
            indicators: vec![
                ind(
                    "A",
                    "3",
                    "2.4",
                    "县卫生健康局（本级）",
                    "县卫生健康局(本级)、县教育局",
                ),
                ind("B", "3", "3.3", "县卫生健康局(本级)", ""),
                ind("C", "完成上级下达任务", "完成", "县卫生健康局(本级)", ""),
            ],
            ..Plan::default()
        };
        let res = compute(&plan, &Options::default());
        let a = &res.assessment[&2021];
        let u = &a.units["县卫生健康局(本级)"];
        assert_eq!((u.score.shown.as_str(), u.count), ("90.00", 2));
        assert_eq!(a.units["县教育局"].score.shown, "80.00");
        assert_eq!(a.overall.as_ref().map(|s| s.shown.as_str()), Some("90.00"));
        assert_eq!(a.categories["民生"].shown, "90.00");
        // Weights: 3 on A, 1 on B → (80·3 + 100·1) / 4 = 85; C's weight never counts.
        let mut plan = plan;
        plan.indicators[0].weight = Some(3.0);
        plan.indicators[1].weight = Some(1.0);
        plan.indicators[2].weight = Some(5.0);
        let res = compute(&plan, &Options::default());
        let a = &res.assessment[&2021];
        assert_eq!(a.overall.as_ref().map(|s| s.shown.as_str()), Some("85.00"));
        // Weights never enter unit scores.
        assert_eq!(a.units["县卫生健康局(本级)"].score.shown, "90.00");
    }

    #[test]
    fn weighted_mean_rules() {
        // (100·8 + 90·2) / 10 = 98
        assert_eq!(weighted_mean(&[(100.0, 8.0), (90.0, 2.0)]), Some(98.0));
        // all weights 0 → equal: (100 + 90) / 2 = 95
        assert_eq!(weighted_mean(&[(100.0, 0.0), (90.0, 0.0)]), Some(95.0));
        assert_eq!(weighted_mean(&[]), None);
    }
}
