//! Yearly targets: base and target years, the method, anchors and rounding (PLANNING-RULES
//! "Yearly targets").
//!
//! This module exists because a plan states only where an indicator starts (base b in year t0) and
//! where it must end (target T in year t1), sometimes with a few yearly targets in between
//! (*anchors*); the yearly schedule between them depends on what kind of target it is (a level, a
//! multiple, an annual growth rate, a cumulative reduction, a floor the base already meets). The
//! [`Basis`] gathers what every later step (completion, draft) needs to know about an indicator.

use super::direction;
use super::model::{
    Direction, Given, Indicator, Method, Plan, Shown, Source, Value, Warning, Year, YearMap,
    YearTarget,
};

use super::score::fold_cow;
use super::value::{decimals_of, level_of};

/// Largest number of decimals derived from the written numbers (PLANNING-RULES "Rounding").
pub const MAX_DECIMALS: u8 = 4;

/// Tolerance for comparisons of computed values (a target reached "exactly" in decimal arithmetic
/// may be a few ulps off in binary).
pub const EPS: f64 = 1e-9;

/// What the engine knows about one indicator before and after the yearly schedule: direction, method,
/// years, base, final target and the parameters of the target's form.
#[derive(Clone, Debug, PartialEq)]
pub struct Basis {
    /// Positive or negative.
    pub direction: Direction,
    /// The rule that decided the direction (0 = user override, 1–5).
    pub direction_rule: u8,
    /// The method in use (after the user's override and after a compound fallback).
    pub method: Method,
    /// Decimals for what is shown.
    pub decimals: u8,
    /// Base year t0.
    pub t0: Option<Year>,
    /// Target year t1.
    pub t1: Option<Year>,
    /// The base level b as given.
    pub base: Option<f64>,
    /// The final target T: the floor of a `确保…，力争…` cell, the level of a rate with a level, the
    /// rate path's end for a rate without one, b·factor for a multiple, b·(1 − p/100) for a
    /// reduction with a base level, p for a reduction without one, the point of a range (lo for a
    /// positive indicator, hi for a negative one) and r for an indicator that is a rate itself.
    pub target: Option<f64>,
    /// A range target lo..hi.
    pub range: Option<(f64, f64)>,
    /// The annual rate r in percent (rate, rate itself).
    pub rate: Option<f64>,
    /// The level stated beside an annual rate (`26000，年均增长9%`).
    pub level: Option<f64>,
    /// The cumulative reduction p in percent.
    pub reduction: Option<f64>,
    /// `true` when a reduction has no base level: the figures are the reduction reached, in percent,
    /// starting from 0 in the base year.
    pub reached: bool,
    /// The stretch target (力争).
    pub stretch: Option<f64>,
    /// Warnings so far.
    pub warnings: Vec<Warning>,
}

impl Basis {
    /// The starting point of the schedule: b, or 0 for a reduction tracked as the reduction reached.
    pub fn start(&self) -> Option<f64> {
        if self.reached {
            Some(0.0)
        } else {
            self.base
        }
    }
}

/// `true` when `a` meets `g` in `direction` (a ≥ g for positive, a ≤ g for negative), with a
/// tolerance of a few ulps.
///
/// ```
/// use zhibiao::plan::schedule::meets;
/// use zhibiao::plan::Direction;
/// assert!(meets(5.3, 5.5, Direction::Negative));
/// assert!(meets(94.0, 94.0, Direction::Positive));
/// assert!(!meets(1.28, 1.296, Direction::Positive));
/// ```
pub fn meets(a: f64, g: f64, direction: Direction) -> bool {
    let tol = EPS * g.abs().max(1.0);
    match direction {
        Direction::Positive => a >= g - tol,
        Direction::Negative => a <= g + tol,
    }
}

/// `true` when `a` meets the final target of `basis`: inside the range for a range target, else
/// [`meets`] T.
pub fn meets_target(a: f64, basis: &Basis) -> Option<bool> {
    if let Some((lo, hi)) = basis.range {
        let tol = EPS * lo.abs().max(hi.abs()).max(1.0);
        return Some(a >= lo - tol && a <= hi + tol);
    }
    Some(meets(a, basis.target?, basis.direction))
}

/// `true` for a value the schedule can aim at: anything but empty or qualitative text.
fn is_numeric(v: &Value) -> bool {
    !matches!(v, Value::Empty | Value::Text { .. })
}

/// The cell the final target T is read from, and its year when that is not the target column's.
///
/// The target cell where it holds anything (a number, a range, a rate …, or qualitative text,
/// which stays qualitative). Where it is empty, the last yearly target given in the file (the
/// anchor with the latest year whose value is not empty or text) with its year: PLANNING-RULES
/// "Yearly targets", an indicator with only yearly anchors gets the last anchor as its target and
/// that anchor's year as its target year; so does one with a base and anchors but no target.
/// Actuals are never read: without a target or an anchor there is no T.
///
/// ```
/// use zhibiao::plan::schedule::target_of;
/// use zhibiao::plan::{value::parse_text, Indicator};
/// let mut ind = Indicator::default();
/// ind.yearly.insert(2018, parse_text("10"));
/// ind.yearly.insert(2020, parse_text("14"));
/// ind.yearly.insert(2021, parse_text("/"));
/// let (given, year) = target_of(&ind);
/// assert_eq!((&*given.text, year), ("14", Some(2020)));
/// ```
pub fn target_of(ind: &Indicator) -> (&Given, Option<Year>) {
    if ind.target.value != Value::Empty {
        return (&ind.target, None);
    }
    ind.yearly
        .as_slice()
        .iter()
        .rev()
        .find(|(_, g)| is_numeric(&g.value))
        .map_or((&ind.target, None), |(y, g)| (g, Some(*y)))
}

/// `true` when the indicator *is* a rate: its name says 增速, 增长率 or 年均增长 and its unit is %.
pub fn is_rate_itself(ind: &Indicator) -> bool {
    // Folding changes only full-width ASCII, into ASCII; these words have neither, so they are
    // found in the name as written.
    let named = ["增速", "增长率", "年均增长"]
        .iter()
        .any(|w| ind.name.contains(w));
    if !named {
        return false;
    }
    let unit = fold_cow(ind.unit.trim());
    if unit == "%" {
        return true;
    }
    let value_unit = match &target_of(ind).0.value {
        Value::Number { number, .. } => number.unit.as_deref(),
        Value::Rate { rate, .. } => rate.unit.as_deref(),
        _ => None,
    };
    unit.is_empty() && value_unit == Some("%")
}

/// The years the schedule covers, the base and target years (PLANNING-RULES "Yearly targets").
///
/// t0: the user's base year, else the year written in the base cell, else the header's base year,
/// else the year before the table's first yearly column. t1: the user's target year, else the year
/// of the last yearly target when that is the target ([`target_of`]), else the year written in the
/// target cell, else the header's target year, else the table's last yearly column.
pub fn years_of(plan: &Plan, ind: &Indicator) -> (Option<Year>, Option<Year>) {
    let first = plan.years.iter().min().copied();
    let last = plan.years.iter().max().copied();
    let t0 = ind
        .overrides
        .base_year
        .or(ind.base.year)
        .or(ind.base_year)
        .or_else(|| first.map(|y| y.saturating_sub(1)));
    let t1 = ind
        .overrides
        .target_year
        .or_else(|| target_of(ind).1)
        .or(ind.target.year)
        .or(ind.target_year)
        .or(last);
    (t0, t1)
}

/// Everything about `ind` that does not need the yearly path: direction, years, b, T, method,
/// decimals. For a rate without a stated level, T is filled in by [`yearly`] (the path's end).
///
/// The final target is read from [`target_of`]: the target cell, or the last yearly target. A level
/// target without a base is scheduled linearly between the known points when a yearly target
/// before t1 is given (the anchors, and T in t1), and held when the only one is given for t1 (a
/// single yearly target, which is then the target); otherwise (a target and nothing else) nothing
/// is computed.
pub fn basis(plan: &Plan, ind: &Indicator) -> Basis {
    let base = level_of(&ind.base.value);
    let (t0, t1) = years_of(plan, ind);
    let (target_given, _) = target_of(ind);
    let target_value = &target_given.value;
    let (direction, direction_rule) = direction::decide_for(ind, target_value, base.is_some());
    let rate_itself = is_rate_itself(ind);

    let mut b = Basis {
        direction,
        direction_rule,
        method: Method::None,
        decimals: 0,
        t0,
        t1,
        base,
        target: None,
        range: None,
        rate: None,
        level: None,
        reduction: None,
        reached: false,
        stretch: target_given.stretch.as_deref().and_then(level_of),
        warnings: Vec::new(),
    };

    let mut hold_word = false;
    match target_value {
        Value::Number { number, hold, .. } => {
            hold_word = *hold;
            b.target = Some(number.value).filter(|v| v.is_finite());
        }
        Value::Range { lo, hi } => {
            b.range = Some((lo.value, hi.value));
            b.target = Some(match direction {
                Direction::Positive => lo.value,
                Direction::Negative => hi.value,
            });
        }
        Value::Rate { rate, level } => {
            b.rate = Some(rate.value);
            b.level = level.as_ref().map(|l| l.value);
            b.target = b.level;
        }
        Value::Reduction { pct } => {
            b.reduction = Some(pct.value);
            match base {
                Some(level) => b.target = Some(level * (1.0 - pct.value / 100.0)),
                None => {
                    b.reached = true;
                    b.target = Some(pct.value);
                }
            }
        }
        Value::Multiple { factor } => b.target = base.map(|l| l * factor),
        Value::Text { .. } | Value::Empty => {}
    }
    if rate_itself {
        // The indicator is a rate: r is the stated rate, or the stated number.
        let r = match target_value {
            Value::Rate { rate, .. } => Some(rate.value),
            Value::Number { number, .. } => Some(number.value),
            _ => None,
        };
        if let Some(r) = r {
            b.rate = Some(r);
            b.level = None;
            b.target = Some(r);
        }
    }

    // Without a base: a level given for a year before t1 makes a stretch to interpolate; one
    // given for t1 only (the last yearly target is the target) is held.
    let is_level = |g: &Given| matches!(g.value, Value::Number { .. } | Value::Range { .. });
    let anchor_before_t1 = || {
        ind.yearly
            .iter()
            .any(|(y, g)| t1.is_none_or(|t1| *y < t1) && is_level(g))
    };
    let anchor_at_t1 = || t1.and_then(|t1| ind.yearly.get(&t1)).is_some_and(is_level);
    let default = if ind.is_group {
        Method::None
    } else if rate_itself && b.rate.is_some() {
        Method::RateItself
    } else {
        match target_value {
            Value::Text { .. } | Value::Empty => Method::None,
            Value::Rate { .. } if base.is_some() => Method::Rate,
            Value::Rate { .. } => Method::None,
            Value::Reduction { .. } => Method::Reduction,
            Value::Multiple { .. } if base.is_some() => Method::Compound,
            Value::Multiple { .. } => Method::None,
            Value::Number { .. } if hold_word => Method::Hold,
            Value::Number { .. } | Value::Range { .. } => match base {
                Some(level) if meets_target(level, &b) == Some(true) => Method::Hold,
                Some(_) if b.target.is_some() => Method::Linear,
                None if b.target.is_some() && anchor_before_t1() => Method::Linear,
                None if b.target.is_some() && anchor_at_t1() => Method::Hold,
                _ => Method::None,
            },
        }
    };
    b.method = if ind.is_group {
        Method::None
    } else {
        ind.overrides.method.unwrap_or(default)
    };
    if b.method == Method::RateItself && b.rate.is_none() {
        b.rate = b.target;
    }
    // Compound (and a reduction of a level) needs b > 0 and T > 0; else linear with a warning.
    let geometric = matches!(b.method, Method::Compound)
        || (b.method == Method::Reduction && !b.reached)
        || (b.method == Method::Rate && b.rate.is_none());
    if geometric {
        if let (Some(start), Some(end)) = (b.start(), b.target) {
            if !(start > 0.0 && end > 0.0) {
                b.method = Method::Linear;
                b.warnings.push(Warning::CompoundFellBackToLinear);
            }
        }
    }

    b.decimals = match ind.overrides.decimals {
        Some(d) => d,
        None => std::iter::once(&ind.base.value)
            .chain(std::iter::once(&ind.target.value))
            .chain(ind.yearly.values().map(|g| &g.value))
            .filter_map(decimals_of)
            .max()
            .unwrap_or(0)
            .min(MAX_DECIMALS),
    };
    b
}

/// How a stretch between two known points is filled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// Equal differences.
    Linear,
    /// Equal ratios (falls back to linear for non-positive ends).
    Geometric,
    /// Growth by r % a year from the last known point; geometric towards a later anchor.
    Rate(f64),
    /// The same value every year.
    Constant(f64),
    /// The reduction reached, in percent: equal ratios of the remaining level 1 − v/100.
    Reached,
}

/// Fills year `t` from the known points (`points` sorted by year, each year once, as
/// [`YearMap::as_slice`] holds them). `fell_back` is set when a geometric stretch had to use
/// linear interpolation. `None` when `t` lies outside the points.
pub fn interpolate(
    shape: Shape,
    points: &[(Year, f64)],
    t: Year,
    fell_back: &mut bool,
) -> Option<f64> {
    if let Shape::Constant(v) = shape {
        return Some(v);
    }
    // The first point at or after t, and the one before it.
    let i = points.partition_point(|p| p.0 < t);
    let next = points.get(i);
    if let Some(&(y, v)) = next {
        if y == t {
            return Some(v);
        }
    }
    let &(ta, va) = points.get(i.checked_sub(1)?)?;
    if let Shape::Rate(r) = shape {
        if next.is_none() {
            return Some(va * (1.0 + r / 100.0).powf(f64::from(t) - f64::from(ta)));
        }
    }
    let &(tb, vb) = next?;
    let s = (f64::from(t) - f64::from(ta)) / (f64::from(tb) - f64::from(ta));
    let linear = va + (vb - va) * s;
    Some(match shape {
        Shape::Linear | Shape::Constant(_) => linear,
        Shape::Geometric | Shape::Rate(_) => {
            if va > 0.0 && vb > 0.0 {
                va * (vb / va).powf(s)
            } else {
                *fell_back = true;
                linear
            }
        }
        Shape::Reached => {
            let (la, lb) = (1.0 - va / 100.0, 1.0 - vb / 100.0);
            if la > 0.0 && lb > 0.0 {
                100.0 * (1.0 - la * (lb / la).powf(s))
            } else {
                *fell_back = true;
                linear
            }
        }
    })
}

/// The shape that fills stretches for `basis`'s method, if it computes anything.
pub fn shape_of(basis: &Basis) -> Option<Shape> {
    match basis.method {
        Method::Linear => Some(Shape::Linear),
        Method::Compound => Some(Shape::Geometric),
        Method::Rate => Some(basis.rate.map_or(Shape::Geometric, Shape::Rate)),
        Method::RateItself => basis.rate.or(basis.target).map(Shape::Constant),
        Method::Reduction if basis.reached => Some(Shape::Reached),
        Method::Reduction => Some(Shape::Geometric),
        Method::Hold => basis.target.or(basis.base).map(Shape::Constant),
        Method::Manual | Method::None => None,
    }
}

/// The numeric value of a yearly cell given in the file (an anchor), in the indicator's terms:
/// as [`value_in_terms`], and for a range the end the direction aims at.
pub fn anchor_value(v: &Value, basis: &Basis) -> Option<f64> {
    match v {
        Value::Range { lo, hi } => Some(match basis.direction {
            Direction::Positive => lo.value,
            Direction::Negative => hi.value,
        })
        .filter(|v| v.is_finite()),
        _ => value_in_terms(v, basis),
    }
}

/// The numeric value of one cell's value in the indicator's terms: a number; for a rate itself
/// the rate, for another rate its level; for a reduction tracked as the reduction reached, the
/// reduction; else (a range, text, nothing) none.
pub fn value_in_terms(v: &Value, basis: &Basis) -> Option<f64> {
    let x = match v {
        Value::Number { number, .. } => Some(number.value),
        Value::Rate { rate, level } => {
            if basis.method == Method::RateItself {
                Some(rate.value)
            } else {
                level.as_ref().map(|l| l.value)
            }
        }
        Value::Reduction { pct } if basis.reached => Some(pct.value),
        _ => None,
    };
    x.filter(|v| v.is_finite())
}

/// The anchors given in the file with a value in the indicator's terms, by year.
fn anchors<'a>(ind: &'a Indicator, basis: &'a Basis) -> impl Iterator<Item = (Year, f64)> + 'a {
    ind.yearly
        .iter()
        .filter_map(|(y, g)| Some((*y, anchor_value(&g.value, basis)?)))
}

/// The values typed by the user, by year (they win over anchors).
fn typed(ind: &Indicator) -> impl Iterator<Item = (Year, f64)> + '_ {
    ind.manual
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(y, v)| (*y, *v))
}

/// The known points of the schedule: (t0, b), the anchors and typed values after t0 up to t1, and
/// (t1, T) for the methods that aim at T (not for a rate, whose path runs from its last known point).
pub fn known_points(ind: &Indicator, basis: &Basis) -> YearMap<f64> {
    let mut points = YearMap::new();
    points_into(ind, basis, &mut points);
    points
}

/// [`known_points`] into `points` (cleared first, its room kept).
fn points_into(ind: &Indicator, basis: &Basis, points: &mut YearMap<f64>) {
    points.clear();
    if let (Some(t0), Some(b)) = (basis.t0, basis.start()) {
        points.insert(t0, b);
    }
    let aims_at_target = !(basis.method == Method::Rate && basis.rate.is_some());
    if aims_at_target {
        if let (Some(t1), Some(t)) = (basis.t1, basis.target) {
            if basis.t0.is_none_or(|t0| t1 > t0) {
                points.insert(t1, t);
            }
        }
    }
    for (y, v) in anchors(ind, basis).chain(typed(ind)) {
        let after_t0 = basis.t0.is_none_or(|t0| y > t0);
        let until_t1 = basis.t1.is_none_or(|t1| y <= t1);
        if after_t0 && until_t1 {
            points.insert(y, v);
        }
    }
}

/// The yearly targets of `ind` (PLANNING-RULES "Yearly targets"), for every year t0 < t ≤ last year
/// (last year = the later of t1 and the table's last yearly column), plus the years of anchors and
/// typed values. Typed values win (source Manual), then anchors (Given), then the method (Computed);
/// a year after t1 holds T. Updates `basis`: T of a rate without a level (the path's end) and the
/// warnings.
pub fn yearly(plan: &Plan, ind: &Indicator, basis: &mut Basis) -> YearMap<YearTarget> {
    yearly_with(plan, ind, basis, &mut YearMap::new())
}

/// [`yearly`] with room for the known points kept by the caller (a plan's indicators one after
/// another reuse it).
pub(super) fn yearly_with(
    plan: &Plan,
    ind: &Indicator,
    basis: &mut Basis,
    points: &mut YearMap<f64>,
) -> YearMap<YearTarget> {
    points_into(ind, basis, points);
    let points = &*points;
    let shape = shape_of(basis);
    let d = basis.decimals;
    let mut fell_back = false;

    // The rate's path end: T when no level is stated; else the gap to the level is reported.
    if basis.method == Method::Rate {
        if let (Some(Shape::Rate(_)), Some(t1)) = (shape, basis.t1) {
            let end = shape.and_then(|s| interpolate(s, points.as_slice(), t1, &mut fell_back));
            match (basis.level, end) {
                (None, Some(e)) => basis.target = Some(e),
                (Some(level), Some(e)) => {
                    let gap = e - level;
                    basis.warnings.push(Warning::RateLevelGap {
                        gap: Shown::new(gap, d),
                    });
                }
                _ => {}
            }
        }
    }

    // The years t0 < t ≤ last, and those of anchors and typed values outside them (rarely any).
    let span = match basis.t0 {
        Some(t0) => {
            let last = basis.t1.into_iter().chain(plan.years.iter().copied()).max();
            // Bound the span so that absurd years never allocate without limit.
            let last = last.map_or(t0, |last| last.min(t0.saturating_add(200)));
            t0.saturating_add(1)..=last
        }
        // No base year: no span, only the anchors and typed values.
        None => std::ops::RangeInclusive::new(1, 0),
    };
    let mut outside: Vec<Year> = anchors(ind, basis)
        .chain(typed(ind))
        .map(|(y, _)| y)
        .filter(|y| !span.contains(y))
        .collect();
    let listed: Option<Vec<Year>> = (!outside.is_empty()).then(|| {
        outside.extend(span.clone());
        outside.sort_unstable();
        outside.dedup();
        outside
    });
    let count = listed
        .as_ref()
        .map_or_else(|| span.clone().count(), Vec::len);
    let years = listed
        .iter()
        .flatten()
        .copied()
        .chain(span.clone().filter(|_| listed.is_none()));

    let mut out = YearMap::with_capacity(count);
    for t in years {
        let typed_value = ind.manual.get(&t).copied().filter(|v| v.is_finite());
        let (value, source) = if let Some(v) = typed_value {
            (v, Source::Manual)
        } else if let Some(v) = ind
            .yearly
            .get(&t)
            .and_then(|g| anchor_value(&g.value, basis))
        {
            (v, Source::Given)
        } else {
            let Some(shape) = shape else { continue };
            let beyond = basis.t1.is_some_and(|t1| t > t1);
            let at_end_with_level =
                basis.method == Method::Rate && basis.level.is_some() && basis.t1 == Some(t);
            let v = if beyond || at_end_with_level {
                match shape {
                    Shape::Constant(v) => Some(v),
                    _ => basis.target,
                }
            } else if basis.t0.is_some_and(|t0| t <= t0) {
                None
            } else {
                interpolate(shape, points.as_slice(), t, &mut fell_back)
            };
            match v {
                Some(v) if v.is_finite() => (v, Source::Computed),
                _ => continue,
            }
        };
        out.insert(
            t,
            YearTarget {
                value,
                decimals: d,
                source,
            },
        );
    }
    if fell_back && !basis.warnings.contains(&Warning::CompoundFellBackToLinear) {
        basis.warnings.push(Warning::CompoundFellBackToLinear);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::model::RawCell;
    use super::super::value::{parse, parse_text};
    use super::*;

    fn plan(years: &[Year]) -> Plan {
        Plan {
            years: years.to_vec(),
            ..Plan::default()
        }
    }

    fn ind(name: &str, unit: &str, base: &str, target: &str, t0: Year, t1: Year) -> Indicator {
        Indicator {
            name: name.into(),
            unit: unit.into(),
            base: parse_text(base),
            base_year: Some(t0),
            target: parse_text(target),
            target_year: Some(t1),
            ..Indicator::default()
        }
    }

    fn run(p: &Plan, i: &Indicator) -> (Basis, YearMap<YearTarget>) {
        let mut b = basis(p, i);
        let y = yearly(p, i, &mut b);
        (b, y)
    }

    fn shown(y: &YearMap<YearTarget>) -> Vec<String> {
        y.values().map(|t| t.shown()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn linear_31502_to_58000() {
        // f = (t − 2016)/4; 2017: 31502 + 26498·0.25 = 38126.5 → 38127 (half away from zero);
        // 2018: 31502 + 13249 = 44751; 2019: 31502 + 26498·0.75 = 51375.5 → 51376.
        let p = plan(&[2017, 2018, 2019, 2020]);
        let i = ind("人均GDP", "元", "31502", "58000", 2016, 2020);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Linear);
        assert_eq!(shown(&y), vec!["38127", "44751", "51376", "58000"]);
        assert!(close(y[&2017].value, 38126.5));
        assert!(y.values().all(|t| t.source == Source::Computed));
    }

    #[test]
    fn doubling_is_compound() {
        // 翻一番 from 24 (2020) to T = 48 (2025): 24·2^(f), 2021: 24·2^0.2 = 27.5688 → 28;
        // 2023: 24·2^0.6 = 36.3772 → 36; 2024: 24·2^0.8 = 41.7864 → 42.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let i = ind("高新技术企业数", "家", "24", "翻一番", 2020, 2025);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Compound);
        assert_eq!(b.target, Some(48.0));
        assert!(close(y[&2021].value, 24.0 * 2f64.powf(0.2)));
        assert_eq!(shown(&y), vec!["28", "32", "36", "42", "48"]);
    }

    #[test]
    fn compound_falls_back_to_linear() {
        // b = 0: equal ratios are impossible; linear 0 → 10 over 5 years.
        let p = plan(&[]);
        let mut i = ind("x", "", "0", "10", 2020, 2025);
        i.overrides.method = Some(Method::Compound);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Linear);
        assert_eq!(b.warnings, vec![Warning::CompoundFellBackToLinear]);
        assert_eq!(shown(&y), vec!["2", "4", "6", "8", "10"]);
    }

    #[test]
    fn rate_seven_percent_2020_to_2025() {
        // 35620·1.07^(t − 2020): 2021 38113.4 → 38113; 2022 40781.338 → 40781;
        // 2025: 35620·1.07^5 = 49958.8… → 49959; T = the path's end.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let i = ind(
            "城镇居民人均可支配收入",
            "元",
            "35620",
            "年均增长7%",
            2020,
            2025,
        );
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Rate);
        assert!(close(y[&2022].value, 40781.338));
        assert_eq!(shown(&y), vec!["38113", "40781", "43636", "46691", "49959"]);
        assert!(close(b.target.unwrap_or(0.0), 35620.0 * 1.07f64.powi(5)));
    }

    #[test]
    fn rate_with_level() {
        // 16860·1.09^t; the target-year target is the level 26000; the path ends at
        // 16860·1.09^5 = 25941.1999, a gap of 25941.1999 − 26000 = −58.80 → "-59".
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let i = ind(
            "农村居民人均可支配收入",
            "元",
            "16860",
            "26000，年均增长9%",
            2020,
            2025,
        );
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Rate);
        assert_eq!(b.target, Some(26000.0));
        assert_eq!(shown(&y), vec!["18377", "20031", "21834", "23799", "26000"]);
        match b.warnings.as_slice() {
            [Warning::RateLevelGap { gap }] => {
                assert!((gap.value + 58.8001).abs() < 1e-3, "{}", gap.value);
                assert_eq!(gap.shown(), "-59");
            }
            w => panic!("{w:?}"),
        }
    }

    #[test]
    fn rate_itself() {
        // 规模以上工业增加值增速, unit %: r = 8.5 every year.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let i = ind(
            "规模以上工业增加值增速",
            "%",
            "4.2",
            "年均增长8.5%",
            2020,
            2025,
        );
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::RateItself);
        assert_eq!(b.target, Some(8.5));
        assert_eq!(shown(&y), vec!["8.5"; 5]);
    }

    #[test]
    fn reduction_with_and_without_base() {
        // 累计降低12.5% over five years without a base level: the reduction reached in year one is
        // 100·(1 − 0.875^0.2) = 2.63528…%, year five 12.5%.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let i = ind("单位GDP能耗降低", "%", "—", "累计降低12.5%", 2020, 2025);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Reduction);
        assert!(b.reached);
        assert_eq!(b.direction, Direction::Positive);
        assert!(close(y[&2021].value, 100.0 * (1.0 - 0.875f64.powf(0.2))));
        assert!(close(y[&2021].value, 2.635_281_938_483_19));
        assert!(close(y[&2025].value, 12.5));
        // With a base level 0.482: 0.482·0.865^0.2 = 0.468220 → 0.468; 2025 0.41693 → 0.417.
        let i = ind(
            "单位地区生产总值能源消耗",
            "吨标准煤/万元",
            "0.482",
            "累计降低13.5%",
            2020,
            2025,
        );
        let (b, y) = run(&p, &i);
        assert_eq!((b.direction, b.direction_rule), (Direction::Negative, 3));
        assert_eq!(b.decimals, 3);
        assert_eq!(shown(&y), vec!["0.468", "0.455", "0.442", "0.429", "0.417"]);
    }

    #[test]
    fn hold_when_base_meets_floor() {
        // 基层民主参选率 95.68 with the floor 确保95%: positive (rule 5), the base meets T → T every
        // year.
        let p = plan(&[2017, 2018, 2019, 2020]);
        let i = ind("基层民主参选率", "%", "95.68%", "确保95%", 2016, 2020);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Hold);
        assert_eq!(b.direction, Direction::Positive);
        assert_eq!(shown(&y), vec!["95.00"; 4]);
        // 保持 in the text.
        let i = ind("城乡医保参保率", "%", "100%", "保持100%", 2016, 2020);
        assert_eq!(run(&p, &i).0.method, Method::Hold);
    }

    #[test]
    fn anchors_are_kept_and_interpolated_between() {
        // 48.6 (2020), anchors 50.0 (2021) and 53.0 (2023), T = 56 (2025):
        // 2022: 50.0 + 3.0·½ = 51.5; 2024: 53.0 + 3.0·½ = 54.5.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let mut i = ind("常住人口城镇化率", "%", "48.6", "56", 2020, 2025);
        i.yearly.insert(2021, parse_text("50.0"));
        i.yearly.insert(2023, parse_text("53.0"));
        let (_, y) = run(&p, &i);
        assert_eq!(shown(&y), vec!["50.0", "51.5", "53.0", "54.5", "56.0"]);
        assert_eq!(y[&2021].source, Source::Given);
        assert_eq!(y[&2022].source, Source::Computed);
        // Typed values win and act as known points: 2022 = 60 → 2023 is the anchor, 2022 manual.
        i.manual.insert(2022, 60.0);
        let (_, y) = run(&p, &i);
        assert_eq!(y[&2022].source, Source::Manual);
        assert_eq!(y[&2022].shown(), "60.0");
    }

    #[test]
    fn target_year_before_the_tables_end_holds() {
        // 脱贫率 34.8 (2016) → 100 by 2018 in a 2017–2020 table: 2017 67.4, 2018 100, then 100.
        let p = plan(&[2017, 2018, 2019, 2020]);
        let mut i = ind(
            "农村贫困人口累计脱贫率",
            "%",
            "34.8",
            "100%（2018年）",
            2016,
            2020,
        );
        i.target = parse(&RawCell::Text {
            s: "100%（2018年）".into(),
        });
        let (b, y) = run(&p, &i);
        assert_eq!(b.t1, Some(2018));
        assert_eq!(shown(&y), vec!["67.4", "100.0", "100.0", "100.0"]);
    }

    #[test]
    fn base_year_in_the_cell() {
        // 9.60 (2014) → 11.5 (2020): six years, 2017: 9.60 + 1.9·0.5 = 10.55 → 10.55.
        let p = plan(&[2017, 2018, 2019, 2020]);
        let i = ind(
            "劳动年龄人口平均受教育年限",
            "年",
            "9.60（2014年）",
            "11.5",
            2016,
            2020,
        );
        let (b, y) = run(&p, &i);
        assert_eq!(b.t0, Some(2014));
        assert_eq!(b.decimals, 2);
        assert_eq!(
            y.keys().copied().collect::<Vec<_>>(),
            (2015..=2020).collect::<Vec<_>>()
        );
        assert_eq!(y[&2017].shown(), "10.55");
    }

    #[test]
    fn range_target_uses_a_point() {
        // 3–5, positive: the point is lo = 3; 1 (2020) → 3 (2022): 2021 = 2.
        let p = plan(&[2021, 2022]);
        let i = ind("x", "", "1", "3-5", 2020, 2022);
        let (b, y) = run(&p, &i);
        assert_eq!(b.range, Some((3.0, 5.0)));
        assert_eq!(b.target, Some(3.0));
        assert_eq!(shown(&y), vec!["2", "3"]);
        // A base inside the range holds.
        let i = ind("x", "", "4", "3-5", 2020, 2022);
        assert_eq!(run(&p, &i).0.method, Method::Hold);
    }

    #[test]
    fn qualitative_and_group_rows_compute_nothing() {
        let p = plan(&[2021, 2022]);
        let i = ind("x", "", "—", "上级下达指标", 2020, 2022);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::None);
        assert!(y.is_empty());
        let mut i = ind("x", "", "1", "2", 2020, 2022);
        i.is_group = true;
        assert_eq!(run(&p, &i).0.method, Method::None);
        // Manual method: only typed values.
        let mut i = ind("x", "", "1", "2", 2020, 2022);
        i.overrides.method = Some(Method::Manual);
        i.manual.insert(2021, 1.7);
        let (_, y) = run(&p, &i);
        assert_eq!(y.len(), 1);
        assert_eq!(y[&2021].source, Source::Manual);
    }

    #[test]
    fn decimals_and_override() {
        let p = plan(&[2021]);
        let mut i = ind("x", "", "1.12", "≥2.0", 2020, 2021);
        assert_eq!(basis(&p, &i).decimals, 2);
        i.base = parse_text("1.123456");
        assert_eq!(basis(&p, &i).decimals, 4);
        i.overrides.decimals = Some(0);
        assert_eq!(basis(&p, &i).decimals, 0);
    }

    #[test]
    fn unknown_base_year_uses_the_year_before_the_table() {
        let p = plan(&[2021, 2022]);
        let mut i = ind("x", "", "1", "3", 0, 0);
        i.base_year = None;
        i.target_year = None;
        let (b, y) = run(&p, &i);
        assert_eq!((b.t0, b.t1), (Some(2020), Some(2022)));
        assert_eq!(shown(&y), vec!["2", "3"]);
    }

    /// An indicator with yearly targets only, in the years of `years` (no base, no target).
    fn anchors_only(name: &str, unit: &str, anchors: &[(Year, &str)]) -> Indicator {
        let mut i = Indicator {
            name: name.into(),
            unit: unit.into(),
            ..Indicator::default()
        };
        for (y, s) in anchors {
            i.yearly.insert(*y, parse_text(s));
        }
        i
    }

    fn sources(y: &YearMap<YearTarget>) -> Vec<Source> {
        y.values().map(|t| t.source).collect()
    }

    #[test]
    fn yearly_anchors_only_are_linear_between_them() {
        // 2018 = 10, 2020 = 14, no base or target: T = 14 in 2020, linear, 2019 = 10 + 4·½ = 12.
        let p = plan(&[2018, 2019, 2020]);
        let i = anchors_only("x", "", &[(2018, "10"), (2020, "14")]);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Linear);
        assert_eq!((b.t1, b.target, b.base), (Some(2020), Some(14.0), None));
        assert_eq!(shown(&y), vec!["10", "12", "14"]);
        assert_eq!(
            sources(&y),
            vec![Source::Given, Source::Computed, Source::Given]
        );
        // All three given (`2018 | 2019 | 2020`): linear, every year as given.
        let i = anchors_only("x", "", &[(2018, "10"), (2019, "11.5"), (2020, "14")]);
        let (b, y) = run(&p, &i);
        assert_eq!((b.method, b.decimals), (Method::Linear, 1));
        assert_eq!(shown(&y), vec!["10.0", "11.5", "14.0"]);
        assert!(y.values().all(|t| t.source == Source::Given));
    }

    #[test]
    fn yearly_anchors_only_gaps_and_the_years_around_them() {
        // Table 2021–2025, anchors 2022 = 20 and 2024 = 30: 2021 has no known point before it
        // (nothing computed), 2023 = 25, 2025 after t1 = 2024 holds 30.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let i = anchors_only("x", "", &[(2022, "20"), (2024, "30"), (2025, "/")]);
        let (b, y) = run(&p, &i);
        assert_eq!((b.method, b.t1), (Method::Linear, Some(2024)));
        assert_eq!(
            y.keys().copied().collect::<Vec<_>>(),
            vec![2022, 2023, 2024, 2025]
        );
        assert_eq!(shown(&y), vec!["20", "25", "30", "30"]);
        assert_eq!(y[&2025].source, Source::Computed);
    }

    #[test]
    fn a_single_yearly_anchor_holds() {
        // One anchor 2019 = 50 in a 2018–2020 table, no base: hold, 50 every year.
        let p = plan(&[2018, 2019, 2020]);
        let i = anchors_only("x", "%", &[(2019, "50%")]);
        let (b, y) = run(&p, &i);
        assert_eq!(
            (b.method, b.t1, b.target),
            (Method::Hold, Some(2019), Some(50.0))
        );
        assert_eq!(shown(&y), vec!["50", "50", "50"]);
        assert_eq!(y[&2019].source, Source::Given);
    }

    #[test]
    fn percent_anchors_round_to_the_most_decimals_written() {
        // 85.5%, 90%, 92.25% (2021, 2023, 2025): d = 2; 2022 = (85.5 + 90)/2 = 87.75;
        // 2024 = (90 + 92.25)/2 = 91.125, a tie in binary too → 91.13 (half away from zero).
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let i = anchors_only(
            "x",
            "%",
            &[(2021, "85.5%"), (2023, "90%"), (2025, "92.25%")],
        );
        let (b, y) = run(&p, &i);
        assert_eq!((b.method, b.decimals), (Method::Linear, 2));
        assert_eq!(shown(&y), vec!["85.50", "87.75", "90.00", "91.13", "92.25"]);
        assert!(close(y[&2024].value, 91.125));
        // 33.3% (2021) to 35% (2024): d = 1; 2022 = 33.3 + 1.7/3 = 33.8667 → 33.9;
        // 2023 = 33.3 + 3.4/3 = 34.4333 → 34.4.
        let i = anchors_only("x", "%", &[(2021, "33.3%"), (2024, "35%")]);
        let (_, y) = run(&p, &i);
        assert_eq!(shown(&y), vec!["33.3", "33.9", "34.4", "35.0", "35.0"]);
        assert!(close(y[&2022].value, 33.3 + 1.7 / 3.0));
    }

    #[test]
    fn the_last_anchor_is_the_target_with_a_base() {
        // Base 48.6 (2020), anchors 50.0 (2021) and 53.0 (2023), no target: T = 53.0 in 2023;
        // 2022 = 51.5; 2024 and 2025 hold 53.0.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let mut i = ind("常住人口城镇化率", "%", "48.6", "", 2020, 2025);
        i.yearly.insert(2021, parse_text("50.0"));
        i.yearly.insert(2023, parse_text("53.0"));
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Linear);
        assert_eq!((b.t0, b.t1, b.target), (Some(2020), Some(2023), Some(53.0)));
        assert_eq!(shown(&y), vec!["50.0", "51.5", "53.0", "53.0", "53.0"]);
        // A base that already meets the last anchor holds, as for any level target.
        let mut i = ind("x", "", "60", "", 2020, 2025);
        i.yearly.insert(2023, parse_text("≥55"));
        let (b, y) = run(&p, &i);
        assert_eq!((b.direction_rule, b.method), (2, Method::Hold));
        assert_eq!(shown(&y), vec!["55"; 5]);
    }

    #[test]
    fn the_last_anchors_form_decides() {
        // Its comparator decides the direction (rule 2): ≤ is negative.
        let p = plan(&[2021, 2022, 2023]);
        let i = anchors_only("x", "", &[(2021, "5.9"), (2023, "≤5.5")]);
        let (b, y) = run(&p, &i);
        assert_eq!((b.direction, b.direction_rule), (Direction::Negative, 2));
        assert_eq!(shown(&y), vec!["5.9", "5.7", "5.5"]);
        // 保持 holds.
        let i = anchors_only("x", "", &[(2021, "98"), (2023, "保持100")]);
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Hold);
        assert_eq!(shown(&y), vec!["98", "100", "100"]);
        // A rate itself: r every year, the anchors as given.
        let i = anchors_only("地区生产总值增速", "%", &[(2021, "7"), (2023, "6.5")]);
        let (b, y) = run(&p, &i);
        assert_eq!((b.method, b.rate), (Method::RateItself, Some(6.5)));
        assert_eq!(shown(&y), vec!["7.0", "6.5", "6.5"]);
    }

    #[test]
    fn a_target_and_anchors_without_a_base_are_linear_between_them() {
        // T = 56 (2025), anchors 50 (2021) and 53 (2023), no base: 2022 = 51.5, 2024 = 54.5.
        let p = plan(&[2021, 2022, 2023, 2024, 2025]);
        let mut i = ind("x", "", "", "56", 2020, 2025);
        i.yearly.insert(2021, parse_text("50"));
        i.yearly.insert(2023, parse_text("53"));
        let (b, y) = run(&p, &i);
        assert_eq!((b.method, b.target), (Method::Linear, Some(56.0)));
        assert_eq!(shown(&y), vec!["50", "52", "53", "55", "56"]);
        assert!(close(y[&2022].value, 51.5) && close(y[&2024].value, 54.5));
        // A target and nothing else: nothing computed, as before.
        let mut i = ind("x", "", "", "56", 2020, 2025);
        assert_eq!(run(&p, &i).0.method, Method::None);
        // The same target also given as the target year's yearly target (as an export read
        // back gives a single anchor): held, as the single anchor was.
        i.yearly.insert(2025, parse_text("56"));
        let (b, y) = run(&p, &i);
        assert_eq!(b.method, Method::Hold);
        assert_eq!(shown(&y), vec!["56"; 5]);
    }

    #[test]
    fn no_target_and_no_anchor_computes_nothing() {
        // Actuals only: no target is invented.
        let p = plan(&[2021, 2022]);
        let mut i = ind("x", "", "5", "", 2020, 2022);
        i.actual.insert(2021, parse_text("6"));
        i.yearly.insert(2022, parse_text("/"));
        let (b, y) = run(&p, &i);
        assert_eq!((b.method, b.target), (Method::None, None));
        assert!(y.is_empty());
        // A qualitative target stays qualitative: the anchors are shown, nothing is computed.
        let mut i = ind("x", "", "", "上级下达指标", 2020, 2022);
        i.yearly.insert(2021, parse_text("10"));
        let (b, y) = run(&p, &i);
        assert_eq!((b.method, b.target), (Method::None, None));
        assert_eq!(sources(&y), vec![Source::Given]);
    }

    #[test]
    fn completion_against_anchor_years() {
        use super::super::model::Status;
        use super::super::{compute, Options};
        // 2018 = 10, 2020 = 14: g(2019) = 12; actual 11.4 → 11.4 / 12 = 95.00 %, lagging;
        // actual 2020 = 14 meets T → 100.00 %, met. No base: no progress.
        let mut i = anchors_only("x", "", &[(2018, "10"), (2020, "14")]);
        i.actual.insert(2019, parse_text("11.4"));
        i.actual.insert(2020, parse_text("14"));
        let mut p = plan(&[2018, 2019, 2020]);
        p.indicators.push(i);
        let r = &compute(&p, &Options::default()).indicators[0];
        assert_eq!(r.realization[&2019].shown(), "95.00");
        assert_eq!(r.status[&2019], Status::Lagging);
        assert_eq!(r.realization[&2020].shown(), "100.00");
        assert_eq!(r.status[&2020], Status::Met);
        assert!(r.progress.is_empty());
        // 12.6 meets g = 12 in 2019: on track, 105 % capped to 100.
        p.indicators[0].actual.insert(2019, parse_text("12.6"));
        let r = &compute(&p, &Options::default()).indicators[0];
        assert_eq!(
            (r.realization[&2019].shown(), r.status[&2019]),
            ("100.00".to_string(), Status::OnTrack)
        );
    }
}
