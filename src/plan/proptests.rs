//! Property tests: paths start at the base and end at the target, monotone methods are monotone,
//! anchors are kept, realization stays within [0, cap], the parser never panics, and every output is
//! finite for finite input.

use proptest::prelude::*;

use super::completion::{clamp, realization};
use super::model::{
    Direction, Given, Indicator, Method, Number, Plan, RawCell, Settings, Source, Value, Year,
};
use super::round;
use super::value::parse;
use super::{compute, Options};

fn number(v: f64) -> Given {
    Given {
        text: v.to_string().into(),
        value: Value::Number {
            number: Number {
                value: v,
                decimals: 2,
                unit: None,
            },
            comparator: None,
            hold: false,
        },
        ..Given::default()
    }
}

fn plan_of(ind: Indicator, years: Vec<Year>) -> Plan {
    Plan {
        years,
        indicators: vec![ind],
        ..Plan::default()
    }
}

fn level_indicator(b: f64, t: f64, t0: Year, n: i32, method: Method) -> Indicator {
    Indicator {
        name: "x".into(),
        base: number(b),
        base_year: Some(t0),
        target: number(t),
        target_year: Some(t0 + n),
        overrides: super::model::Overrides {
            method: Some(method),
            ..Default::default()
        },
        ..Indicator::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #[test]
    fn linear_and_compound_paths_end_at_target_and_are_monotone(
        b in 0.01f64..1e6,
        t in 0.01f64..1e6,
        t0 in 1990i32..2030,
        n in 1i32..12,
        compound in any::<bool>(),
    ) {
        let method = if compound { Method::Compound } else { Method::Linear };
        let plan = plan_of(level_indicator(b, t, t0, n, method), Vec::new());
        let r = &compute(&plan, &Options::default()).indicators[0];
        prop_assert_eq!(r.method, method);
        let values: Vec<f64> = r.yearly.values().map(|y| y.value).collect();
        prop_assert_eq!(values.len(), usize::try_from(n).unwrap());
        prop_assert!(close(*values.last().unwrap(), t));
        // The path starts at the base: the first year is one step away from b.
        let nf = f64::from(n);
        let first = if compound { b * (t / b).powf(1.0 / nf) } else { b + (t - b) / nf };
        prop_assert!(close(values[0], first));
        // The path leaves the base: the first step is a fraction of the way.
        let mut prev = b;
        for v in values {
            prop_assert!(v.is_finite());
            if t >= b {
                prop_assert!(v >= prev - 1e-9 * prev.abs().max(1.0));
            } else {
                prop_assert!(v <= prev + 1e-9 * prev.abs().max(1.0));
            }
            prev = v;
        }
    }

    #[test]
    fn anchors_are_kept(
        b in 1f64..1000.0,
        t in 1f64..1000.0,
        anchor in 1f64..1000.0,
        at in 1i32..5,
        compound in any::<bool>(),
    ) {
        let method = if compound { Method::Compound } else { Method::Linear };
        let mut ind = level_indicator(b, t, 2020, 5, method);
        ind.yearly.insert(2020 + at, number(anchor));
        let r = &compute(&plan_of(ind, Vec::new()), &Options::default()).indicators[0];
        let y = &r.yearly[&(2020 + at)];
        prop_assert_eq!(y.value, anchor);
        prop_assert_eq!(y.source, Source::Given);
        prop_assert!(close(r.yearly[&2025].value, t));
        // Between base and anchor the path stays between them.
        for k in 1..at {
            let v = r.yearly[&(2020 + k)].value;
            prop_assert!(v >= b.min(anchor) - 1e-9 && v <= b.max(anchor) + 1e-9);
        }
    }

    #[test]
    fn yearly_anchors_alone_are_kept_and_joined_linearly(
        values in prop::collection::vec(-1e6f64..1e6, 1..6),
        gaps in prop::collection::vec(1i32..4, 5),
    ) {
        // No base and no target: the anchors at increasing years, the last one the target.
        let mut ind = Indicator { name: "x".into(), ..Indicator::default() };
        let mut year = 2020;
        let mut anchors = Vec::new();
        for (v, gap) in values.iter().zip(&gaps) {
            ind.yearly.insert(year, number(*v));
            anchors.push((year, *v));
            year += gap;
        }
        let years: Vec<Year> = (2020..=year).collect();
        let r = &compute(&plan_of(ind, years), &Options::default()).indicators[0];
        let &(t1, last) = anchors.last().unwrap();
        prop_assert_eq!(r.target_year, Some(t1));
        prop_assert_eq!(r.target, Some(last));
        let method = if anchors.len() == 1 { Method::Hold } else { Method::Linear };
        prop_assert_eq!(r.method, method);
        for &(y, v) in &anchors {
            prop_assert_eq!(r.yearly[&y].value, v);
            prop_assert_eq!(r.yearly[&y].source, Source::Given);
        }
        // Between two anchors the path is linear; after the last it holds.
        for w in anchors.windows(2) {
            let ((ya, va), (yb, vb)) = (w[0], w[1]);
            for t in ya + 1..yb {
                let f = f64::from(t - ya) / f64::from(yb - ya);
                prop_assert!(close(r.yearly[&t].value, va + (vb - va) * f));
            }
        }
        for t in t1 + 1..=year {
            prop_assert!(close(r.yearly[&t].value, last));
        }
    }

    #[test]
    fn realization_stays_within_zero_and_cap(
        a in -1e9f64..1e9,
        g in -1e9f64..1e9,
        negative in any::<bool>(),
        cap in prop::option::of(0f64..500.0),
        range in prop::option::of((-1e6f64..1e6, 0f64..1e6)),
    ) {
        let dir = if negative { Direction::Negative } else { Direction::Positive };
        let range = range.map(|(lo, w)| (lo, lo + w));
        let r = clamp(realization(a, g, dir, range), cap);
        prop_assert!(r.is_finite());
        prop_assert!(r >= 0.0);
        if let Some(c) = cap {
            prop_assert!(r <= c);
        }
    }

    #[test]
    fn parse_never_panics(s in ".{0,40}") {
        let _ = parse(&RawCell::Text { s: s.into() });
    }

    #[test]
    fn parse_never_panics_on_cell_like_text(
        s in "[0-9０-９.．,，%％:：~～\\-－—/ ()（）年底以上内下≥≤<>=增长降低累计翻一两番确保力争保持万元人]{0,24}"
    ) {
        let g = parse(&RawCell::Text { s: s.into() });
        if let Value::Number { number, .. } = g.value {
            prop_assert!(number.value.is_finite());
        }
    }

    #[test]
    fn numeric_cells_never_panic(
        n in any::<f64>(),
        format in prop::option::of("[0#.,%\"@;_*\\[\\]a-zGeneral]{0,12}"),
    ) {
        let _ = parse(&RawCell::Number { n, format: format.map(Into::into) });
    }

    #[test]
    fn shown_never_panics_and_round_trips(v in any::<f64>(), d in 0u8..12) {
        let s = round::shown(v, d);
        if v.is_finite() {
            let back: f64 = s.parse().unwrap();
            prop_assert!((back - v).abs() <= 0.5 * 10f64.powi(-i32::from(d)) * (1.0 + 1e-9) + v.abs() * 1e-14);
        }
    }

    #[test]
    fn outputs_are_finite_for_finite_inputs(
        b in -1e6f64..1e6,
        t in -1e6f64..1e6,
        a1 in -1e6f64..1e6,
        a2 in -1e6f64..1e6,
        target_kind in 0u8..6,
        r in -50f64..50.0,
        cap in prop::option::of(0f64..200.0),
        weight in prop::option::of(0f64..10.0),
    ) {
        let target = match target_kind {
            0 => number(t),
            1 => parse(&RawCell::Text { s: format!("年均增长{r:.1}%").into() }),
            2 => parse(&RawCell::Text { s: format!("累计降低{:.1}%", r.abs()).into() }),
            3 => parse(&RawCell::Text { s: "翻一番".into() }),
            4 => parse(&RawCell::Text { s: format!("{:.1}-{:.1}", t.min(b), t.max(b)).into() }),
            _ => parse(&RawCell::Text { s: format!("保持{t:.2}").into() }),
        };
        let mut ind = Indicator {
            name: "x".into(),
            lead_units: "甲、乙".into(),
            category: "c".into(),
            weight,
            base: number(b),
            base_year: Some(2020),
            target,
            target_year: Some(2025),
            ..Indicator::default()
        };
        ind.actual.insert(2021, number(a1));
        ind.actual.insert(2022, number(a2));
        let plan = Plan {
            years: (2021..=2025).collect(),
            indicators: vec![ind],
            settings: Settings { cap },
            ..Plan::default()
        };
        let res = compute(&plan, &Options::default());
        let r = &res.indicators[0];
        for y in r.yearly.values() {
            prop_assert!(y.value.is_finite());
        }
        for s in r.realization.values() {
            prop_assert!(s.value.is_finite() && s.value >= 0.0);
            if let Some(c) = cap {
                prop_assert!(s.value <= c);
            }
        }
        for p in r.progress.values() {
            prop_assert!(p.is_finite());
        }
        if let Some(d) = &r.draft {
            for s in d.years.values() {
                prop_assert!(s.value.is_finite());
            }
        }
        for a in res.assessment.values() {
            for u in a.units.values() {
                prop_assert!(u.score.value.is_finite() && u.score.value <= 100.0);
            }
            if let Some(o) = &a.overall {
                prop_assert!(o.value.is_finite());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Incremental computation: after random edits, `recompute` gives what `compute` gives.
// ---------------------------------------------------------------------------------------------

/// Unit cells and categories that share names in different spellings (full-width brackets,
/// spaces, repeats), so that edits move indicators between units and categories.
const UNIT_CELLS: [&str; 7] = [
    "甲",
    "甲、乙",
    "乙，丙 丁",
    "各县（市、区）政府",
    "各县(市、区)政府；甲",
    "",
    "丙、丙",
];
const CATEGORIES: [&str; 5] = ["经济", " 经济 ", "民生", "", "ＡＢ"];

/// One indicator from drawn numbers: a base, a target of one of several forms, actuals in some
/// of 2021–2025, units, a category and a weight.
/// What [`drawn_indicator`] is made of.
type Drawn = (
    f64,
    f64,
    u8,
    Vec<Option<f64>>,
    (usize, usize),
    usize,
    Option<f64>,
);

fn drawn_indicator((b, t, kind, actuals, units, category, weight): Drawn) -> Indicator {
    let target = match kind {
        0 => number(t),
        1 => parse(&RawCell::Text {
            s: format!("年均增长{:.1}%", t / 100.0).into(),
        }),
        2 => parse(&RawCell::Text {
            s: format!("累计降低{:.1}%", (t / 100.0).abs()).into(),
        }),
        3 => parse(&RawCell::Text {
            s: format!("≤{t:.2}").into(),
        }),
        _ => parse(&RawCell::Text {
            s: "上级下达指标".into(),
        }),
    };
    let mut ind = Indicator {
        name: "x".into(),
        base: number(b),
        base_year: Some(2020),
        target,
        target_year: Some(2025),
        lead_units: UNIT_CELLS[units.0 % UNIT_CELLS.len()].into(),
        other_units: UNIT_CELLS[units.1 % UNIT_CELLS.len()].into(),
        category: CATEGORIES[category % CATEGORIES.len()].into(),
        weight,
        ..Indicator::default()
    };
    for (y, a) in (2021..).zip(actuals) {
        if let Some(a) = a {
            ind.actual.insert(y, number(a));
        }
    }
    ind
}

fn indicator_strategy() -> impl Strategy<Value = Indicator> {
    (
        1f64..1000.0,
        -1000f64..1000.0,
        0u8..5,
        prop::collection::vec(prop::option::of(1f64..1000.0), 0..5),
        (0usize..7, 0usize..7),
        0usize..5,
        prop::option::of(0f64..5.0),
    )
        .prop_map(drawn_indicator)
}

/// An edit of one indicator: (index, what, a number to use).
fn apply_edit(plan: &mut Plan, (index, what, x): (usize, u8, f64)) -> usize {
    let i = index % plan.indicators.len();
    let ind = &mut plan.indicators[i];
    match what {
        // A figure typed into an actual cell (possibly a year no indicator had yet).
        0 => {
            ind.actual
                .insert(2021 + (x as i32).rem_euclid(6), number(x));
        }
        // An actual cleared.
        1 => {
            let y = ind.actual.keys().next().copied();
            if let Some(y) = y {
                ind.actual.remove(&y);
            }
        }
        2 => ind.target = number(x),
        3 => ind.base = number(x),
        4 => ind.lead_units = UNIT_CELLS[(x as usize) % UNIT_CELLS.len()].into(),
        5 => ind.category = CATEGORIES[(x as usize) % CATEGORIES.len()].into(),
        6 => ind.weight = Some(x / 100.0),
        7 => ind.overrides.method = Some(Method::Hold),
        _ => ind.manual.insert(2022, x).map_or((), |_| ()),
    }
    i
}

/// The scores as PLANNING-RULES "Scores" states them, computed the plain way (the engine's
/// first version): every year, every indicator, maps keyed by the folded names.
fn assess_reference(
    plan: &Plan,
    results: &[super::model::IndicatorResult],
    years: &std::collections::BTreeSet<Year>,
) -> std::collections::BTreeMap<Year, super::model::Assessment> {
    use super::model::{Assessment, Shown, UnitScore};
    use super::score::{fold, units_of};
    use std::collections::BTreeMap;
    let two = |value: f64| Shown::new(value, 2);
    let mean = |values: &[(f64, f64)]| -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        let total: f64 = values.iter().map(|(_, w)| w).sum();
        Some(if total > 0.0 {
            values.iter().map(|(r, w)| r * w).sum::<f64>() / total
        } else {
            values.iter().map(|(r, _)| r).sum::<f64>() / values.len() as f64
        })
    };
    let weighted = plan
        .indicators
        .iter()
        .any(|i| i.weight.is_some_and(f64::is_finite));
    let mut out = BTreeMap::new();
    for &year in years {
        let mut units: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        let mut all = Vec::new();
        let mut categories: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for (ind, res) in plan.indicators.iter().zip(results) {
            let Some(r) = res.realization.get(&year) else {
                continue;
            };
            let r = r.value;
            for unit in units_of(&ind.lead_units, &ind.other_units) {
                let e = units.entry(unit).or_insert((0.0, 0));
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
            let cat = fold(ind.category.trim());
            if !cat.is_empty() {
                categories.entry(cat).or_default().push((r, w));
            }
        }
        out.insert(
            year,
            Assessment {
                overall: mean(&all).map(two),
                categories: categories
                    .into_iter()
                    .filter_map(|(k, v)| mean(&v).map(|m| (k, two(m))))
                    .collect(),
                units: units
                    .into_iter()
                    .map(|(k, (sum, n))| {
                        let score = two((sum / n as f64).min(100.0));
                        (k, UnitScore { score, count: n })
                    })
                    .collect(),
            },
        );
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn incremental_equals_full_compute(
        indicators in prop::collection::vec(indicator_strategy(), 1..8),
        edits in prop::collection::vec((0usize..8, 0u8..9, -50f64..900.0), 1..6),
        cap in prop::option::of(50f64..150.0),
        assessment_year in prop::option::of(2021i32..2026),
        cut in 1usize..20,
    ) {
        let mut plan = Plan {
            years: (2021..=2025).collect(),
            indicators,
            settings: Settings { cap },
            ..Plan::default()
        };
        let opts = Options { assessment_year };
        let mut results = compute(&plan, &opts);
        // Computed in pieces of `cut` (as the page slices it): the same results, and a memo
        // the edits below recompute from.
        let mut memo = super::Memo::default();
        let mut work = super::Computing::new(&plan, &opts);
        let mut done = Vec::new();
        for _ in 0..=2 * plan.indicators.len() {
            done.push(work.advance(cut));
            if done.last() == Some(&1.0) {
                break;
            }
        }
        prop_assert!(done.windows(2).all(|w| w[0] < w[1]), "progress only goes forward: {:?}", done);
        prop_assert_eq!(done.len(), (2 * plan.indicators.len()).div_ceil(cut));
        let mut kept = work.finish(&mut memo);
        prop_assert_eq!(&kept, &results);
        // The memo compute_with leaves: the first edit finds the keys and the table read.
        let mut whole = super::Memo::default();
        super::compute_with(&plan, &opts, &mut whole);
        prop_assert_eq!(format!("{memo:?}"), format!("{whole:?}"));
        prop_assert!(memo.state.is_some());
        for edit in edits {
            let i = apply_edit(&mut plan, edit);
            super::recompute(&plan, &opts, &mut results, &[i]);
            super::recompute_with(&plan, &opts, &mut kept, &[i], &mut memo);
            let full = compute(&plan, &opts);
            prop_assert_eq!(&results, &full);
            prop_assert_eq!(&kept, &full);
            // The scores by the plain reference.
            let years = super::actual_years(&plan);
            prop_assert_eq!(&assess_reference(&plan, &full.indicators, &years), &full.assessment);
        }
        // Indicator by indicator, then the scores read from the results: the same as a whole.
        let years = super::actual_years(&plan);
        let sliced: Vec<_> = plan.indicators.iter().map(|ind| super::indicator_result(&plan, ind, &opts, &years)).collect();
        let assessment = super::score::assess(&plan, &sliced, &years);
        let full = compute(&plan, &opts);
        prop_assert_eq!(&sliced, &full.indicators);
        prop_assert_eq!(&assessment, &full.assessment);
    }
}

/// More distinct actual years than the memo's masks hold: `recompute_with` reads the years
/// from the plan and still agrees with `compute`, also when an edit adds or removes a year.
#[test]
fn incremental_with_many_years() {
    let mut plan = Plan {
        years: (2001..=2080).collect(),
        indicators: (0..70)
            .map(|k| {
                let mut ind = drawn_indicator((10.0, 20.0, 0, Vec::new(), (k, k + 1), k, None));
                ind.actual.insert(2001 + k as i32, number(12.0 + k as f64));
                ind
            })
            .collect(),
        ..Plan::default()
    };
    let opts = Options::default();
    let mut memo = super::Memo::default();
    let mut results = super::compute_with(&plan, &opts, &mut memo);
    assert_eq!(results, compute(&plan, &opts));
    for (i, year, remove) in [
        (3, 2090, false),
        (5, 2006, true),
        (0, 2002, false),
        (69, 2070, true),
    ] {
        if remove {
            plan.indicators[i].actual.remove(&year);
        } else {
            plan.indicators[i].actual.insert(year, number(15.0));
        }
        super::recompute_with(&plan, &opts, &mut results, &[i], &mut memo);
        assert_eq!(results, compute(&plan, &opts));
    }
    // A group row has no actual years.
    plan.indicators[7].is_group = true;
    super::recompute_with(&plan, &opts, &mut results, &[7], &mut memo);
    assert_eq!(results, compute(&plan, &opts));
}
