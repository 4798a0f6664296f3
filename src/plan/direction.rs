//! Direction of an indicator, with the rule that decided it (PLANNING-RULES "Direction").
//!
//! This module exists because every comparison of the engine (does the base already meet the
//! target, is an actual on track, realization a/g or g/a) depends on whether more is better, and
//! the tables rarely say so. The rule that decided is shown to the user, who can override it.

use super::model::{Comparator, Direction, Indicator, Value};
use std::borrow::Cow;

use super::score::{fold_char, fold_cow, folds};
use super::value::CharSet;
use std::cell::OnceCell;

/// Names that *measure a reduction* (rule 4, positive).
const REDUCTION_NAME_WORDS: [&str; 3] = ["降低", "下降", "减少"];

/// Names of levels where less is better (rule 4, negative).
const NEGATIVE_NAME_WORDS: [&str; 17] = [
    "能耗",
    "能源消耗",
    "失业率",
    "恩格尔系数",
    "死亡",
    "排放",
    "浓度",
    "PM2.5",
    "用水量",
    "建设用地",
    "负债率",
    "发案率",
    "收入比",
    "基尼系数",
    "出生率",
    "漏失率",
    "pm2.5",
];

/// Decides the direction of `ind` and returns it with the deciding rule: 0 for the user's override,
/// else 1–5 as in PLANNING-RULES.
///
/// `has_base_level` says whether a numeric base is known: rule 3 (a cumulative reduction target is
/// negative for the level it reduces) only applies when there is a level to reduce. Without a base,
/// the engine tracks the reduction reached, which is a positive quantity, and rules 4–5 decide.
///
/// ```
/// use zhibiao::plan::direction::decide;
/// use zhibiao::plan::{Direction, Indicator};
/// let ind = Indicator { name: "城镇调查失业率".into(), ..Indicator::default() };
/// assert_eq!(decide(&ind, true), (Direction::Negative, 4));
/// ```
pub fn decide(ind: &Indicator, has_base_level: bool) -> (Direction, u8) {
    decide_for(ind, &ind.target.value, has_base_level)
}

/// [`decide`] with the final target read from `target` instead of the target cell: rules 2 and 3
/// look at the target the schedule aims at, which for an indicator without a target cell is its
/// last yearly target (`schedule::target_of`).
///
/// ```
/// use zhibiao::plan::direction::decide_for;
/// use zhibiao::plan::{value::parse_text, Direction, Indicator};
/// let ind = Indicator { name: "x".into(), ..Indicator::default() };
/// let last_anchor = parse_text("≤4.5%");
/// assert_eq!(decide_for(&ind, &last_anchor.value, false), (Direction::Negative, 2));
/// ```
pub fn decide_for(ind: &Indicator, target: &Value, has_base_level: bool) -> (Direction, u8) {
    if let Some(d) = ind.overrides.direction {
        return (d, 0);
    }
    if let Some(d) = ind.direction_text.as_deref().and_then(from_text) {
        return (d, 1);
    }
    if let Value::Number {
        comparator: Some(c),
        ..
    } = *target
    {
        return match c {
            Comparator::AtLeast => (Direction::Positive, 2),
            Comparator::AtMost => (Direction::Negative, 2),
        };
    }
    if has_base_level && matches!(target, Value::Reduction { .. }) {
        return (Direction::Negative, 3);
    }
    if let Some(d) = from_name(&ind.name) {
        return (d, 4);
    }
    (Direction::Positive, 5)
}

/// Rule 1: an explicit direction cell (`正向`, `正指标`, `+`, `越大越好` / `逆向`, `逆指标`, `-`,
/// `越小越好`). `None` when the text says neither.
///
/// ```
/// use zhibiao::plan::direction::from_text;
/// use zhibiao::plan::Direction;
/// assert_eq!(from_text(" - "), Some(Direction::Negative));
/// assert_eq!(from_text("正指标"), Some(Direction::Positive));
/// assert_eq!(from_text(""), None);
/// ```
pub fn from_text(s: &str) -> Option<Direction> {
    let folded = fold_cow(s);
    let t: Cow<'_, str> = if folded.chars().any(char::is_whitespace) {
        Cow::Owned(folded.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        folded
    };
    const POSITIVE: [&str; 5] = ["正向", "正指标", "越大越好", "越高越好", "越多越好"];
    const NEGATIVE: [&str; 7] = [
        "逆向",
        "逆指标",
        "负向",
        "反向",
        "越小越好",
        "越低越好",
        "越少越好",
    ];
    let chars = CharSet::of(&t);
    let has = |words: &[&str]| words.iter().any(|w| chars.may_hold(w) && t.contains(w));
    if matches!(&*t, "+" | "正" | "↑") || has(&POSITIVE) {
        Some(Direction::Positive)
    } else if matches!(&*t, "-" | "\u{2212}" | "逆" | "负" | "↓") || has(&NEGATIVE) {
        Some(Direction::Negative)
    } else {
        None
    }
}

/// Rule 4: the indicator's name. A name that measures a reduction (降低, 下降, 减少) is positive;
/// otherwise a name of a level where less is better (能耗, 失业率, PM2.5 …) is negative.
///
/// ```
/// use zhibiao::plan::direction::from_name;
/// use zhibiao::plan::Direction;
/// assert_eq!(from_name("单位GDP能耗降低率"), Some(Direction::Positive));
/// assert_eq!(from_name("细颗粒物(PM2.5)平均浓度"), Some(Direction::Negative));
/// assert_eq!(from_name("森林覆盖率"), None);
/// ```
pub fn from_name(name: &str) -> Option<Direction> {
    // Folding only changes full-width ASCII, and only into ASCII: a word with neither is found in
    // the name as written, and the folded name is needed only when it has either (and then only
    // for a word that may be in it: made on first use).
    let may_fold = name.chars().any(|c| c.is_ascii() || folds(c));
    let folded: OnceCell<Cow<'_, str>> = OnceCell::new();
    // Raw and folded characters: a word none of whose characters is missing may be there.
    let chars = if may_fold {
        CharSet::of(name).union(CharSet::of_chars(name.chars().map(fold_char)))
    } else {
        CharSet::of(name)
    };
    let has = |words: &[&str]| {
        words.iter().filter(|w| chars.may_hold(w)).any(|w| {
            if w.chars().any(|c| c.is_ascii() || folds(c)) {
                may_fold && folded.get_or_init(|| fold_cow(name)).contains(w)
            } else {
                name.contains(w)
            }
        })
    };
    if has(&REDUCTION_NAME_WORDS) {
        Some(Direction::Positive)
    } else if has(&NEGATIVE_NAME_WORDS) {
        Some(Direction::Negative)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Direction, Given, Overrides};
    use super::super::value::parse_text;
    use super::*;

    fn ind(name: &str, dir: Option<&str>, target: &str) -> Indicator {
        Indicator {
            name: name.into(),
            direction_text: dir.map(str::to_string),
            target: parse_text(target),
            ..Indicator::default()
        }
    }

    #[test]
    fn rules_in_order() {
        // Rule 1 beats the comparator.
        assert_eq!(
            decide(&ind("x", Some("-"), "≥95"), true),
            (Direction::Negative, 1)
        );
        assert_eq!(
            decide(&ind("x", Some("越大越好"), "≤5"), true),
            (Direction::Positive, 1)
        );
        // Rule 2.
        assert_eq!(
            decide(&ind("城镇调查失业率", None, "5.5%以内"), true),
            (Direction::Negative, 2)
        );
        assert_eq!(
            decide(&ind("研发强度", Some(""), "≥2.0"), true),
            (Direction::Positive, 2)
        );
        // Rule 3, only with a base level.
        assert_eq!(
            decide(
                &ind("单位地区生产总值能源消耗", None, "累计降低13.5%"),
                true
            ),
            (Direction::Negative, 3)
        );
        assert_eq!(
            decide(&ind("单位GDP能耗降低率", None, "累计降低13.5%"), false),
            (Direction::Positive, 4)
        );
        // Rule 4.
        assert_eq!(
            decide(
                &ind("单位地区生产总值用水量降低", None, "上级下达指标"),
                true
            ),
            (Direction::Positive, 4)
        );
        assert_eq!(
            decide(&ind("城乡居民收入比", None, "2.0"), true),
            (Direction::Negative, 4)
        );
        // Rule 5.
        assert_eq!(
            decide(&ind("森林覆盖率", None, "63.5"), true),
            (Direction::Positive, 5)
        );
        // Rule 0.
        let mut i = ind("森林覆盖率", None, "63.5");
        i.overrides = Overrides {
            direction: Some(Direction::Negative),
            ..Overrides::default()
        };
        assert_eq!(decide(&i, true), (Direction::Negative, 0));
        // A target below the base says nothing by itself.
        let i = Indicator {
            name: "基层民主参选率".into(),
            base: parse_text("95.68%"),
            target: Given {
                value: parse_text("确保95%").value,
                ..Given::default()
            },
            ..Indicator::default()
        };
        assert_eq!(decide(&i, true), (Direction::Positive, 5));
    }

    #[test]
    fn explicit_texts() {
        for s in ["正向", "正指标", "+", "越大越好", "＋"] {
            assert_eq!(from_text(s), Some(Direction::Positive), "{s}");
        }
        for s in ["逆向", "逆指标", "-", "越小越好", "－"] {
            assert_eq!(from_text(s), Some(Direction::Negative), "{s}");
        }
        assert_eq!(from_text("预期性"), None);
    }
}
