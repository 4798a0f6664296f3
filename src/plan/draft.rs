//! Next year's schedule (PLANNING-RULES "Next year's schedule").
//!
//! This module exists because after an assessment the question is "what must the remaining years
//! deliver now": the draft starts again from the assessment year's actual towards the final target
//! with the indicator's method, shows the annual change now needed beside the plan's original one,
//! and flags indicators whose needed improvement is out of reach (more than 1.5 times the original).

use super::model::{Direction, Draft, Method, Shown, Year, YearMap, YearTarget};

use super::schedule::{interpolate, meets, Basis, Shape, EPS};

/// How much more than the original improvement a draft may need before it is flagged.
pub const FLAG_FACTOR: f64 = 1.5;

/// The longest draft, in years.
pub const MAX_SPAN: i64 = 200;

/// The draft of `basis`'s indicator from `assessment_year` (or, when `None`, the latest year with a
/// numeric actual) to t1. `None` when there is no actual in that year, no numeric target, no year
/// left before t1, or the method computes nothing.
///
/// The needed and original changes are: the yearly difference for linear (and manual); the annual
/// growth rate in percent for compound and rate; the annual reduction rate in percent for a
/// reduction; r for a rate itself; none for hold. Improvement is the change in the indicator's
/// direction. A hold that slipped, and a rate itself whose latest actual fell short of r, are
/// always flagged. The draft never plans backwards: it aims at max(a_k, T) for a positive
/// indicator, min(a_k, T) for a negative one.
pub fn draft(
    basis: &Basis,
    yearly: &YearMap<YearTarget>,
    actual: &YearMap<f64>,
    assessment_year: Option<Year>,
) -> Option<Draft> {
    let k = match assessment_year {
        Some(k) => k,
        None => *actual.keys().next_back()?,
    };
    let a = *actual.get(&k)?;
    let t1 = basis.t1?;
    let target = basis.target?;
    // Nothing left to plan, or a span no plan has (which also keeps the loops below bounded).
    let span = i64::from(t1) - i64::from(k);
    if span <= 0 || span > MAX_SPAN || !a.is_finite() {
        return None;
    }
    let sign = match basis.direction {
        Direction::Positive => 1.0,
        Direction::Negative => -1.0,
    };
    // The goal never lies behind the actual.
    let goal = if meets(a, target, basis.direction) {
        a
    } else {
        target
    };
    let n = f64::from(t1) - f64::from(k);
    let shown = |v: f64| Shown::new(v, basis.decimals);
    // The plan's own value in year x: the yearly target, the base in the base year, T in t1.
    let original_at = |x: Year| -> Option<f64> {
        yearly
            .get(&x)
            .map(|t| t.value)
            .or_else(|| (Some(x) == basis.t0).then(|| basis.start()).flatten())
            .or_else(|| (x == t1).then_some(target))
    };

    let (shape, kind) = match basis.method {
        Method::None => return None,
        Method::RateItself => {
            let r = basis.rate.unwrap_or(target);
            let years = (k.saturating_add(1)..=t1).map(|t| (t, shown(r))).collect();
            return Some(Draft {
                from_year: k,
                years,
                needed_change: Some(r),
                original_change: Some(r),
                flag: !meets(a, r, basis.direction),
            });
        }
        Method::Hold => {
            let years = (k.saturating_add(1)..=t1)
                .map(|t| (t, shown(goal)))
                .collect();
            return Some(Draft {
                from_year: k,
                years,
                needed_change: None,
                original_change: None,
                flag: !meets(a, target, basis.direction),
            });
        }
        Method::Linear | Method::Manual => (Shape::Linear, Kind::Difference),
        Method::Compound | Method::Rate => (Shape::Geometric, Kind::Growth),
        Method::Reduction if basis.reached => (Shape::Reached, Kind::ReachedReduction),
        Method::Reduction => (Shape::Geometric, Kind::Reduction),
    };
    // k < t1 (the span is positive): sorted.
    let points = [(k, a), (t1, goal)];
    let mut fell_back = false;
    let years: YearMap<Shown> = (k.saturating_add(1)..=t1)
        .filter_map(|t| {
            let v = interpolate(shape, &points, t, &mut fell_back)?;
            v.is_finite().then(|| (t, shown(v)))
        })
        .collect();
    // Geometric kinds need positive ends; otherwise both changes are yearly differences.
    let kind = if fell_back || !kind.applies(a, goal) {
        Kind::Difference
    } else {
        kind
    };
    let needed = kind.change(a, goal, n);
    let original = match basis.method {
        Method::Rate => match kind {
            Kind::Difference => None,
            _ => basis.rate,
        },
        _ => original_at(k)
            .zip(original_at(t1))
            .filter(|(from, to)| kind.applies(*from, *to))
            .and_then(|(from, to)| kind.change(from, to, n)),
    };
    let original = original.or_else(|| {
        // Before the schedule starts: the whole plan's average change.
        let (t0, b) = (basis.t0?, basis.start()?);
        (t1 > t0)
            .then(|| kind.change(b, target, f64::from(t1) - f64::from(t0)))
            .flatten()
    });
    let flag = match (needed, original) {
        (Some(nd), Some(or)) => {
            let improvement = |c: f64| kind.improvement(c, sign);
            improvement(nd) > FLAG_FACTOR * improvement(or) + EPS
        }
        _ => false,
    };
    Some(Draft {
        from_year: k,
        years,
        needed_change: needed,
        original_change: original,
        flag,
    })
}

/// How an annual change is expressed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Yearly difference.
    Difference,
    /// Annual growth rate in percent.
    Growth,
    /// Annual reduction rate of a level in percent (positive when the level falls).
    Reduction,
    /// Annual reduction rate of the remaining level, for a reduction tracked as reached.
    ReachedReduction,
}

impl Kind {
    /// Whether the change can be expressed between `from` and `to`.
    fn applies(self, from: f64, to: f64) -> bool {
        match self {
            Kind::Difference => true,
            Kind::Growth | Kind::Reduction => from > 0.0 && to > 0.0,
            Kind::ReachedReduction => from < 100.0 && to < 100.0,
        }
    }

    /// The annual change from `from` to `to` over `n` years.
    fn change(self, from: f64, to: f64, n: f64) -> Option<f64> {
        if n <= 0.0 {
            return None;
        }
        let c = match self {
            Kind::Difference => (to - from) / n,
            Kind::Growth => ((to / from).powf(1.0 / n) - 1.0) * 100.0,
            Kind::Reduction => (1.0 - (to / from).powf(1.0 / n)) * 100.0,
            Kind::ReachedReduction => {
                let (lf, lt) = (1.0 - from / 100.0, 1.0 - to / 100.0);
                (1.0 - (lt / lf).powf(1.0 / n)) * 100.0
            }
        };
        c.is_finite().then_some(c)
    }

    /// The change seen as an improvement in the indicator's direction (`sign` = ±1).
    fn improvement(self, c: f64, sign: f64) -> f64 {
        match self {
            Kind::Difference | Kind::Growth => sign * c,
            Kind::Reduction => -sign * c,
            Kind::ReachedReduction => c,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Indicator, Plan, RawCell};
    use super::super::schedule::{basis, yearly};
    use super::super::value::parse;
    use super::*;

    fn setup(base: &str, target: &str, name: &str) -> (Basis, YearMap<YearTarget>) {
        let p = Plan {
            years: (2021..=2025).collect(),
            ..Plan::default()
        };
        let i = Indicator {
            name: name.into(),
            base: parse(&RawCell::Text { s: base.into() }),
            base_year: Some(2020),
            target: parse(&RawCell::Text { s: target.into() }),
            target_year: Some(2025),
            ..Indicator::default()
        };
        let mut b = basis(&p, &i);
        let y = yearly(&p, &i, &mut b);
        (b, y)
    }

    #[test]
    fn linear_draft_and_flag() {
        // 2.31 → 3 linear: original change 0.69/5 = 0.138 a year. Actual 2022 = 2.55:
        // needed (3 − 2.55)/3 = 0.15 a year ≤ 1.5·0.138 → not flagged; 2023: 2.55 + 0.15 = 2.70.
        let (b, y) = setup("2.31", "3", "医师数");
        let actual: YearMap<f64> = [(2022, 2.55)].into_iter().collect();
        let d = draft(&b, &y, &actual, None).unwrap();
        assert_eq!(d.from_year, 2022);
        assert_eq!(d.years[&2023].shown(), "2.70");
        assert_eq!(d.years[&2025].shown(), "3.00");
        assert!((d.needed_change.unwrap() - 0.15).abs() < 1e-9);
        assert!((d.original_change.unwrap() - 0.138).abs() < 1e-9);
        assert!(!d.flag);
        // Actual 2.35 in 2022: needed 0.65/3 = 0.2167 > 1.5·0.138 = 0.207 → flagged.
        let actual: YearMap<f64> = [(2022, 2.35)].into_iter().collect();
        assert!(draft(&b, &y, &actual, None).unwrap().flag);
    }

    #[test]
    fn never_plans_backwards() {
        // Actual 3.2 already beyond T = 3: the draft holds 3.2.
        let (b, y) = setup("2.31", "3", "医师数");
        let actual: YearMap<f64> = [(2022, 3.2)].into_iter().collect();
        let d = draft(&b, &y, &actual, Some(2022)).unwrap();
        assert!(d.years.values().all(|s| s.shown() == "3.20"));
        assert!(!d.flag);
    }

    #[test]
    fn hold_that_slipped_is_flagged() {
        // 5.1 with 5.5%以内: hold; actual 5.8 > 5.5 → flagged, the draft holds 5.5.
        let (b, y) = setup("5.1", "5.5%以内", "城镇调查失业率");
        assert_eq!(b.method, Method::Hold);
        let actual: YearMap<f64> = [(2022, 5.8)].into_iter().collect();
        let d = draft(&b, &y, &actual, None).unwrap();
        assert!(d.flag);
        assert!(d.years.values().all(|s| s.shown() == "5.5"));
        assert_eq!(d.needed_change, None);
    }

    #[test]
    fn rate_itself_keeps_r() {
        let (b, y) = setup("4.2", "年均增长8.5%", "工业增加值增速");
        let actual: YearMap<f64> = [(2022, 6.3)].into_iter().collect();
        let d = draft(&b, &y, &actual, None).unwrap();
        assert!(d.flag);
        assert_eq!(d.years.len(), 3);
        assert!(d.years.values().all(|s| s.shown() == "8.5"));
    }

    #[test]
    fn rate_draft_needs_a_higher_rate() {
        // 186.4 at 8 % a year → T = 273.88275 in 2025. Actual 2022: 214.6; needed rate
        // (273.88275/214.6)^(1/3) − 1 = 8.47 % < 1.5·8 % → not flagged.
        let (b, y) = setup("186.4", "年均增长8%", "地区生产总值");
        let actual: YearMap<f64> = [(2022, 214.6)].into_iter().collect();
        let d = draft(&b, &y, &actual, None).unwrap();
        let needed = ((273.88275_f64 / 214.6).powf(1.0 / 3.0) - 1.0) * 100.0;
        assert!((d.needed_change.unwrap() - needed).abs() < 1e-6);
        assert_eq!(d.original_change, Some(8.0));
        assert!(!d.flag);
        assert_eq!(d.years[&2025].shown(), "273.9");
    }

    #[test]
    fn reduction_draft() {
        // 0.482 −13.5 % by 2025: original annual reduction 1 − 0.865^0.2 = 2.86 %. Actual 2022
        // 0.470: needed 1 − (0.41693/0.470)^(1/3) = 3.92 % ≤ 1.5·2.86 = 4.29 → not flagged.
        let (b, y) = setup("0.482", "累计降低13.5%", "能耗");
        let actual: YearMap<f64> = [(2022, 0.470)].into_iter().collect();
        let d = draft(&b, &y, &actual, None).unwrap();
        let orig = (1.0 - 0.865_f64.powf(0.2)) * 100.0;
        assert!((d.original_change.unwrap() - orig).abs() < 1e-9);
        let needed = (1.0 - (0.41693_f64 / 0.470).powf(1.0 / 3.0)) * 100.0;
        assert!((d.needed_change.unwrap() - needed).abs() < 1e-6);
        assert!(!d.flag);
        // 0.482 in 2022 (no progress): needed 1 − 0.865^(1/3) = 4.72 % > 4.29 → flagged.
        let actual: YearMap<f64> = [(2022, 0.482)].into_iter().collect();
        assert!(draft(&b, &y, &actual, None).unwrap().flag);
    }

    #[test]
    fn no_draft_without_actual_or_years() {
        let (b, y) = setup("2.31", "3", "医师数");
        assert!(draft(&b, &y, &YearMap::new(), None).is_none());
        let actual: YearMap<f64> = [(2025, 2.9)].into_iter().collect();
        assert!(draft(&b, &y, &actual, None).is_none());
        let actual: YearMap<f64> = [(2022, 2.9)].into_iter().collect();
        assert!(draft(&b, &y, &actual, Some(2021)).is_none());
    }
}
