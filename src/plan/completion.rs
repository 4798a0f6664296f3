//! Realization, progress and status of each year with an actual (PLANNING-RULES "Completion").
//!
//! This module exists because "how far along is this indicator" has three different answers that
//! people mix up: the realization (实现程度) of the year's target, the progress (进度) from the base
//! towards the final target against the share of time gone, and the status word that the page
//! shows. Each is defined once, here.

use std::collections::BTreeSet;

use super::model::{Direction, Indicator, Method, Shown, Status, Value, Year, YearMap, YearTarget};

use super::schedule::{meets, meets_target, value_in_terms, Basis, EPS};

/// Realization in percent, before clamping: positive a/g, negative g/a, range lo..hi (100 inside,
/// a/lo below, hi/a above). Where the ratio has no meaning (g ≤ 0 for a positive indicator, a ≤ 0
/// for a negative one, signs that differ) it is 100 when `a` meets `g` and 0 when it does not.
///
/// ```
/// use zhibiao::plan::completion::realization;
/// use zhibiao::plan::Direction;
/// // negative: g / a = 5.5 / 5.8 = 94.83 %
/// let r = realization(5.8, 5.5, Direction::Negative, None);
/// assert!((r - 94.827586).abs() < 1e-4);
/// ```
pub fn realization(a: f64, g: f64, direction: Direction, range: Option<(f64, f64)>) -> f64 {
    if let Some((lo, hi)) = range {
        let tol = EPS * lo.abs().max(hi.abs()).max(1.0);
        return if a < lo - tol {
            if lo > 0.0 && a >= 0.0 {
                100.0 * a / lo
            } else {
                0.0
            }
        } else if a > hi + tol {
            if hi > 0.0 {
                100.0 * hi / a
            } else {
                0.0
            }
        } else {
            100.0
        };
    }
    let all_or_nothing = || if meets(a, g, direction) { 100.0 } else { 0.0 };
    match direction {
        Direction::Positive => {
            if g <= 0.0 || a < 0.0 {
                all_or_nothing()
            } else {
                100.0 * a / g
            }
        }
        Direction::Negative => {
            if a <= 0.0 || g < 0.0 {
                all_or_nothing()
            } else {
                100.0 * g / a
            }
        }
    }
}

/// Keeps a realization within 0 and the cap (`None`: no upper cap). A non-finite value becomes 0.
///
/// ```
/// use zhibiao::plan::completion::clamp;
/// assert_eq!(clamp(101.09, Some(100.0)), 100.0);
/// assert_eq!(clamp(101.09, None), 101.09);
/// assert_eq!(clamp(-3.0, Some(100.0)), 0.0);
/// ```
pub fn clamp(r: f64, cap: Option<f64>) -> f64 {
    if !r.is_finite() {
        return 0.0;
    }
    let r = r.max(0.0);
    match cap {
        Some(c) if !c.is_nan() => r.min(c.max(0.0)),
        _ => r,
    }
}

/// `true` when progress towards T has a meaning: a base is known, T ≠ b, the base does not already
/// meet T, and the indicator is not a rate itself.
pub fn progress_meaningful(basis: &Basis) -> bool {
    let (Some(b), Some(t)) = (basis.start(), basis.target) else {
        return false;
    };
    basis.method != Method::RateItself
        && (t - b).abs() > EPS * t.abs().max(1.0)
        && meets_target(b, basis) == Some(false)
}

/// The numeric value of an actual cell in the indicator's terms: a number; for a rate itself the
/// rate; for a reduction tracked as the reduction reached, the reduction; else none.
pub fn actual_value(v: &Value, basis: &Basis) -> Option<f64> {
    value_in_terms(v, basis)
}

/// Completion figures of one indicator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Completion {
    /// Numeric actuals by year.
    pub actual: YearMap<f64>,
    /// Clamped realization in percent, shown with 2 decimals.
    pub realization: YearMap<Shown>,
    /// (a − b)/(T − b), where it has a meaning.
    pub progress: YearMap<f64>,
    /// Status by year.
    pub status: YearMap<Status>,
}

/// Realization, progress and status of `ind` for every year in `years` (the plan's years with an
/// actual) and every year of its own actuals.
///
/// The status is, the first that applies: 无数据 (no numeric actual); for a qualitative target,
/// the actual's words ([`qualitative_status`]); nothing (the target is missing or the row is a
/// group, so the actual is not assessed); 已达标 (the actual meets T); 达到序时进度 when the actual
/// meets the year's target g on the indicator's own path (the yearly target, else T; the range
/// where one applies), else 滞后序时进度. So a realization of 100 % is never lagging. Progress
/// (a − b)/(T − b) is kept beside the status as information where it has a meaning.
pub fn assess(
    ind: &Indicator,
    basis: &Basis,
    yearly: &YearMap<YearTarget>,
    years: &BTreeSet<Year>,
    cap: Option<f64>,
) -> Completion {
    if ind.is_group {
        return Completion::default();
    }
    // Each year at most once, in order: the years with an actual anywhere, and this one's own.
    let n = years.len().max(ind.actual.len());
    let mut c = Completion {
        actual: YearMap::with_capacity(ind.actual.len()),
        realization: YearMap::with_capacity(n),
        progress: YearMap::with_capacity(n),
        status: YearMap::with_capacity(n),
    };
    for (y, g) in &ind.actual {
        if let Some(a) = actual_value(&g.value, basis) {
            c.actual.insert(*y, a);
        }
    }
    let own = ind
        .actual
        .iter()
        .filter(|(_, g)| g.value != Value::Empty)
        .map(|(y, _)| *y);
    let meaningful = progress_meaningful(basis);
    let qualitative = basis.target.is_none() && matches!(ind.target.value, Value::Text { .. });
    for y in union(years.iter().copied(), own) {
        let Some(&a) = c.actual.get(&y) else {
            let words = ind.actual.get(&y).map(|g| &*g.text).unwrap_or("");
            let status = if qualitative {
                qualitative_status(words)
            } else {
                Status::NoData
            };
            c.status.insert(y, status);
            continue;
        };
        // A number against a qualitative target (or none) is not assessed.
        let Some(target) = basis.target else {
            continue;
        };
        let year_target = yearly.get(&y).map(|t| t.value);
        let g = year_target.unwrap_or(target);
        let use_range = basis.range.filter(|_| {
            basis.method == Method::Hold
                || year_target.is_none()
                || basis.t1.is_some_and(|t1| y >= t1)
        });
        let r = clamp(realization(a, g, basis.direction, use_range), cap);
        c.realization.insert(y, Shown::new(r, 2));
        if let (true, Some(b)) = (meaningful, basis.start()) {
            let p = (a - b) / (target - b);
            if p.is_finite() {
                c.progress.insert(y, p);
            }
        }
        let meets_g = match use_range {
            Some((lo, hi)) => a >= lo - EPS && a <= hi + EPS,
            None => meets(a, g, basis.direction),
        };
        let status = if meets_target(a, basis) == Some(true) {
            Status::Met
        } else if meets_g {
            Status::OnTrack
        } else {
            Status::Lagging
        };
        c.status.insert(y, status);
    }
    c
}

/// Words of an actual that say a qualitative target was done (PLANNING-RULES "Completion").
pub const DONE_WORDS: &[&str] = &[
    "已完成",
    "完成",
    "全部完成",
    "已达到",
    "达到",
    "已达标",
    "达标",
    "已实现",
    "实现",
    "是",
    "✓",
    "√",
    "✔",
];

/// Words of an actual that say a qualitative target was not done. Checked before
/// [`DONE_WORDS`], since `未完成` contains `完成`.
pub const NOT_DONE_WORDS: &[&str] = &[
    "未完成",
    "没有完成",
    "没完成",
    "未达到",
    "没有达到",
    "未达标",
    "未实现",
    "否",
    "✗",
    "✘",
    "×",
];

/// The status a qualitative target gets from the words of its actual: one that says it was done
/// is 已达标, one that says it was not is 滞后序时进度, other text or none is 无数据. The words
/// must start the cell and stand alone or be followed by a remark in brackets or after
/// punctuation (`已完成（提前一年）`, `完成。`); `完成率80%` or `基本完成` say something else.
///
/// ```
/// use zhibiao::plan::completion::qualitative_status;
/// use zhibiao::plan::Status;
/// assert_eq!(qualitative_status("已完成"), Status::Met);
/// assert_eq!(qualitative_status(" 未完成 "), Status::Lagging);
/// assert_eq!(qualitative_status("推进中"), Status::NoData);
/// ```
pub fn qualitative_status(words: &str) -> Status {
    let text = words.trim();
    let says = |list: &[&str]| {
        list.iter().any(|w| {
            text.strip_prefix(w).is_some_and(|rest| {
                rest.chars().next().is_none_or(|c| {
                    c.is_whitespace() || (c.is_ascii_punctuation() && c != '%') || is_cjk_punct(c)
                })
            })
        })
    };
    if says(NOT_DONE_WORDS) {
        Status::Lagging
    } else if says(DONE_WORDS) {
        Status::Met
    } else {
        Status::NoData
    }
}

/// Full-width punctuation and brackets that may follow a status word.
fn is_cjk_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '、' | '（' | '【' | '！' | '：' | '．' | '〔' | '［'
    )
}

/// The years of two ascending sequences, ascending and each once.
fn union(
    a: impl Iterator<Item = Year>,
    b: impl Iterator<Item = Year>,
) -> impl Iterator<Item = Year> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek().copied(), b.peek().copied()) {
        (Some(x), Some(y)) => {
            if x <= y {
                a.next();
            }
            if y <= x {
                b.next();
            }
            Some(x.min(y))
        }
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_negative_and_meaningless_ratios() {
        // positive a/g: 2.55 / 2.586 = 98.6079 %
        assert!((realization(2.55, 2.586, Direction::Positive, None) - 98.607_888).abs() < 1e-5);
        // negative g/a: 0.4548346 / 0.455 = 99.9637 %
        assert!(
            (realization(0.455, 0.454_834_6, Direction::Negative, None) - 99.963_648).abs() < 1e-4
        );
        // g ≤ 0 for a positive indicator: 100 when met, 0 when not.
        assert_eq!(realization(1.0, 0.0, Direction::Positive, None), 100.0);
        assert_eq!(realization(-1.0, 0.0, Direction::Positive, None), 0.0);
        assert_eq!(realization(3.0, -2.0, Direction::Positive, None), 100.0);
        // a ≤ 0 for a negative indicator: met when a ≤ g.
        assert_eq!(realization(0.0, 1.5, Direction::Negative, None), 100.0);
        assert_eq!(realization(-0.5, -1.0, Direction::Negative, None), 0.0);
        // signs differ: a < 0 < g positive → not met → 0.
        assert_eq!(realization(-2.0, 5.0, Direction::Positive, None), 0.0);
    }

    #[test]
    fn range_rule() {
        let r = Some((3.0, 5.0));
        assert_eq!(realization(4.0, 3.0, Direction::Positive, r), 100.0);
        assert_eq!(realization(5.0, 3.0, Direction::Positive, r), 100.0);
        // below: a / lo = 2.4 / 3 = 80 %
        assert!((realization(2.4, 3.0, Direction::Positive, r) - 80.0).abs() < 1e-9);
        // above: hi / a = 5 / 6.25 = 80 %
        assert!((realization(6.25, 3.0, Direction::Positive, r) - 80.0).abs() < 1e-9);
    }

    #[test]
    fn cap_and_clamp() {
        // 203.5 / 201.312 = 101.087 % → 100 with the default cap; 101.09 without a cap.
        let r = realization(203.5, 201.312, Direction::Positive, None);
        assert_eq!(clamp(r, Some(100.0)), 100.0);
        assert_eq!(super::super::round::shown(clamp(r, None), 2), "101.09");
        assert_eq!(
            super::super::round::shown(clamp(r, Some(120.0)), 2),
            "101.09"
        );
        assert_eq!(clamp(f64::NAN, Some(100.0)), 0.0);
        assert_eq!(clamp(50.0, Some(-5.0)), 0.0);
    }

    #[test]
    fn qualitative_words() {
        for done in [
            "完成",
            "已完成",
            "全部完成",
            "达到",
            "已达标",
            "达标",
            "是",
            "✓",
            "√",
            "已完成（提前一年）",
            "完成。",
            " 已实现 ",
        ] {
            assert_eq!(qualitative_status(done), Status::Met, "{done}");
        }
        for not in [
            "未完成",
            "没有完成",
            "未达到",
            "未达标",
            "否",
            "✗",
            "×",
            "未完成，正在推进",
        ] {
            assert_eq!(qualitative_status(not), Status::Lagging, "{not}");
        }
        for other in [
            "",
            "推进中",
            "基本完成",
            "完成率80%",
            "完成80%",
            "是否",
            "达到90",
        ] {
            assert_eq!(qualitative_status(other), Status::NoData, "{other}");
        }
    }
}
