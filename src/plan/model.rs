//! Plain data of a plan: what was read from the table, and what the engine computes from it.
//!
//! Nothing here knows about files or the page. The importer (`io::detect`) fills a [`Plan`];
//! [`super::compute`] turns it into [`PlanResults`]; the views and exporters read both.

use super::round;
pub use super::year_map::YearMap;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A calendar year such as 2020.
pub type Year = i32;

/// A cell as the reader delivered it, before any interpretation.
///
/// `format` is the cell's number format code where the reader exposes it (`"0.00"`, `"0.0%"`,
/// `"#,##0"`); `None` means unknown, not "General". The code is shared: the readers hand every
/// cell of one style the same `Arc`, so a number costs no allocation of its own (in JSON it is a
/// plain string).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum RawCell {
    /// Nothing in the cell.
    #[default]
    Empty,
    /// Text as stored (numbers stored as text included).
    Text {
        /// The text (inline in the cell when short: [`CellText`](super::CellText)).
        s: super::CellText,
    },
    /// A numeric cell with its number format, if known.
    Number {
        /// The number.
        n: f64,
        /// Its number format code (`0.00%`), if known.
        format: Option<std::sync::Arc<str>>,
    },
}

/// A comparator attached to a number (`≥95%`, `4.5%以内`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// ≥, 以上, 不低于 …
    AtLeast,
    /// ≤, 以内, 不高于 …
    AtMost,
}

/// A number with the decimals it was written with and an optional unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Number {
    /// The value in the unit the user sees (`7.5%` is 7.5).
    pub value: f64,
    /// Decimals as written (`9.60` has 2), or as the number format shows it.
    pub decimals: u8,
    /// A unit written in the cell (`%`, `万人`), never converted.
    pub unit: Option<Box<str>>,
}

/// What a cell means (PLANNING-RULES "Cell values").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    /// Blank, `/`, `—`, `无` …
    #[default]
    Empty,
    /// A level, possibly with a comparator; `hold` when the text says 保持, 稳定在, 维持.
    Number {
        /// The number.
        number: Number,
        /// ≥, ≤ … where the text says.
        comparator: Option<Comparator>,
        /// The text says 保持, 稳定在, 维持.
        hold: bool,
    },
    /// A range `3-5`.
    Range {
        /// The lower end (boxed, as ranges are rare: a [`Value`] stays small).
        lo: Box<Number>,
        /// The upper end.
        hi: Box<Number>,
    },
    /// An annual growth rate r % (`年均增长7%`), with a level when one is also stated
    /// (`39365，年均增长7%`).
    Rate {
        /// r, in percent.
        rate: Number,
        /// The level stated beside it (boxed: rare).
        level: Option<Box<Number>>,
    },
    /// A cumulative reduction p % (`累计降低12.5%`).
    Reduction {
        /// p, in percent.
        pct: Number,
    },
    /// A multiple of the base (`翻一番` = 2, `翻两番` = 4).
    Multiple {
        /// 2 for 翻一番, 4 for 翻两番.
        factor: f64,
    },
    /// Qualitative text: shown as written, never computed.
    Text {
        /// The text as written.
        text: super::FigureText,
    },
}

/// A cell of the table as understood: its value, a stretch target (`确保…，力争…`) and a year
/// written in the cell (`9.60（2014年）`).
///
/// A plan holds one for every figure of every indicator (≈ 140,000 in a 20,000-row plan), so it
/// is kept small: the text a [`FigureText`](super::FigureText) (a short one inline, no
/// allocation), the rare parts ([`Value::Range`]'s ends, a rate's level, the stretch) boxed —
/// 56 bytes in wasm32 where it was 136 (issue 19).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Given {
    /// The text as it was shown in the source (for display and export; inline when short).
    pub text: super::FigureText,
    /// The value (the floor when the cell also has a stretch target).
    pub value: Value,
    /// The stretch target (力争) when the cell gives two (boxed: rare).
    pub stretch: Option<Box<Value>>,
    /// A year written in the cell, overriding the column's year.
    pub year: Option<Year>,
}

/// Positive (more is better) or negative (less is better).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 正向
    Positive,
    /// 逆向
    Negative,
}

/// How the yearly targets are computed (PLANNING-RULES "Yearly targets").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 等差
    Linear,
    /// 等比
    Compound,
    /// 年均增长 r %
    Rate,
    /// The indicator is a rate: r every year.
    RateItself,
    /// 累计降低 p %
    Reduction,
    /// 保持
    Hold,
    /// As typed by the user.
    Manual,
    /// Nothing can be computed (qualitative, missing data, group row).
    None,
}

impl Method {
    /// Every method, in the order the page offers them.
    pub const ALL: [Method; 8] = [
        Method::Linear,
        Method::Compound,
        Method::Rate,
        Method::RateItself,
        Method::Reduction,
        Method::Hold,
        Method::Manual,
        Method::None,
    ];

    /// The method's key, as it is serialised (`"rate_itself"`).
    pub fn key(self) -> &'static str {
        match self {
            Method::Linear => "linear",
            Method::Compound => "compound",
            Method::Rate => "rate",
            Method::RateItself => "rate_itself",
            Method::Reduction => "reduction",
            Method::Hold => "hold",
            Method::Manual => "manual",
            Method::None => "none",
        }
    }

    /// The method whose [`Method::key`] is `key`.
    ///
    /// ```
    /// use zhibiao::plan::Method;
    /// assert_eq!(Method::from_key("rate_itself"), Some(Method::RateItself));
    /// assert_eq!(Method::from_key("auto"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// 约束性 or 预期性: a kind, not a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// 预期性
    Expected,
    /// 约束性
    Binding,
}

/// The user's corrections to one indicator; `None` means "as detected".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides {
    /// The direction the user chose.
    pub direction: Option<Direction>,
    /// The method the user chose.
    pub method: Option<Method>,
    /// The decimals the user chose.
    pub decimals: Option<u8>,
    /// The base year the user chose.
    pub base_year: Option<Year>,
    /// The target year the user chose.
    pub target_year: Option<Year>,
}

/// One row of the table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// 1-based row in the source sheet.
    pub row: u32,
    /// 序号, as written.
    pub seq: String,
    /// 领域 / 类别 (full-width forms kept as written).
    pub category: String,
    /// The name without a leading `*` (and without the unit in brackets when the table has no
    /// unit column).
    pub name: String,
    /// The group of a two-level name (`工伤情况` over `工伤人数`), or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent: String,
    /// 计量单位, as written.
    pub unit: String,
    /// 约束性 or 预期性, where the table says.
    pub binding: Option<Binding>,
    /// The explicit direction cell (`正向`, `+`, `逆指标` …), if the table has one.
    pub direction_text: Option<String>,
    /// 权重, where the table has one.
    pub weight: Option<f64>,
    /// The base value (基期值).
    pub base: Given,
    /// The base year from the header; `base.year` overrides it.
    pub base_year: Option<Year>,
    /// The final target (目标值).
    pub target: Given,
    /// The target year from the header; `target.year` overrides it.
    pub target_year: Option<Year>,
    /// Yearly targets given in the table (anchors), by year.
    pub yearly: YearMap<Given>,
    /// Actual values, by year.
    pub actual: YearMap<Given>,
    /// Yearly targets typed by the user, by year (they win over everything else).
    pub manual: YearMap<f64>,
    /// 牵头单位, as written (split into units by the score rules).
    pub lead_units: String,
    /// 配合单位 / 责任单位 other than the lead, as written.
    pub other_units: String,
    /// A group row (`23 公共交通服务指数` above `23(1)`): shown, never computed.
    pub is_group: bool,
    /// The user's corrections.
    pub overrides: Overrides,
}

/// Settings that change results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Realization cap in percent; `None` turns the cap off. Default 100.
    pub cap: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Self { cap: Some(100.0) }
    }
}

/// A whole indicator table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The table's title (its first title row, or the sheet's name).
    pub title: String,
    /// The years of the table's yearly-target columns, ascending (may be empty).
    pub years: Vec<Year>,
    /// One per indicator row, in table order.
    pub indicators: Vec<Indicator>,
    /// Settings of the whole plan (the cap).
    pub settings: Settings,
}

/// A computed number and the decimals it is shown with. Its text, rounded half away from zero
/// ([`round::shown`]), is made when it is displayed ([`Shown::shown`], `Display`), so computing
/// a plan allocates no text. Serialised as `{"value": 2.345, "shown": "2.35"}`; the decimals are
/// read back from the text.
///
/// ```
/// use zhibiao::plan::Shown;
/// let s = Shown::new(2.345, 2);
/// assert_eq!(s.shown(), "2.35");
/// assert_eq!(format!("[{s:>6}]"), "[  2.35]");
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"value":2.345,"shown":"2.35"}"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(from = "ShownText")]
pub struct Shown {
    /// Unrounded.
    pub value: f64,
    /// The decimals of what is displayed and exported.
    pub decimals: u8,
}

impl Shown {
    /// `value`, to be shown with `decimals` decimals.
    pub fn new(value: f64, decimals: u8) -> Self {
        Self { value, decimals }
    }

    /// The rounded text, as displayed and exported.
    pub fn shown(&self) -> String {
        round::shown(self.value, self.decimals)
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        round::fmt_shown(f, self.value, self.decimals)
    }
}

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Shown", 2)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("shown", &Text(self))?;
        st.end()
    }
}

/// How a [`Shown`] is stored: the number and its text.
#[derive(Deserialize)]
struct ShownText {
    value: f64,
    shown: String,
}

impl From<ShownText> for Shown {
    fn from(s: ShownText) -> Self {
        Self::new(s.value, decimals_in(&s.shown))
    }
}

/// The decimals of a shown text (`"2.35"` has 2; `"NaN"` none).
fn decimals_in(text: &str) -> u8 {
    text.split_once('.')
        .map_or(0, |(_, f)| u8::try_from(f.len()).unwrap_or(u8::MAX))
}

/// Serialises a value as the string of its `Display`, without allocating it.
struct Text<'a, T>(&'a T);

impl<T: fmt::Display> Serialize for Text<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// Where a yearly target came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// From the file (an anchor).
    Given,
    /// Computed by the engine.
    Computed,
    /// Typed by the user.
    Manual,
}

/// One year's target: its value, shown with `decimals` decimals (as [`Shown`]), and where it
/// came from. Serialised as `{"value": …, "shown": "…", "source": …}`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(from = "YearTargetText")]
pub struct YearTarget {
    /// The unrounded value.
    pub value: f64,
    /// The decimals it is shown with.
    pub decimals: u8,
    /// Where it came from (the file, the engine or the user).
    pub source: Source,
}

impl YearTarget {
    /// The rounded text, as displayed and exported.
    pub fn shown(&self) -> String {
        round::shown(self.value, self.decimals)
    }
}

impl fmt::Display for YearTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        round::fmt_shown(f, self.value, self.decimals)
    }
}

impl Serialize for YearTarget {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("YearTarget", 3)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("shown", &Text(self))?;
        st.serialize_field("source", &self.source)?;
        st.end()
    }
}

/// How a [`YearTarget`] is stored.
#[derive(Deserialize)]
struct YearTargetText {
    value: f64,
    shown: String,
    source: Source,
}

impl From<YearTargetText> for YearTarget {
    fn from(t: YearTargetText) -> Self {
        Self {
            value: t.value,
            decimals: decimals_in(&t.shown),
            source: t.source,
        }
    }
}

/// Status of one year (PLANNING-RULES "Completion").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "无数据")]
    /// 无数据: no actual (or a qualitative one that says nothing).
    NoData,
    #[serde(rename = "已达标")]
    /// 已达标: the actual meets the final target.
    Met,
    #[serde(rename = "达到序时进度")]
    /// 达到序时进度: the actual meets that year's target.
    OnTrack,
    #[serde(rename = "滞后序时进度")]
    /// 滞后序时进度: the actual falls short of that year's target.
    Lagging,
}

/// A warning the engine attaches to an indicator (shown in the page, never fatal).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    /// Compound needs b > 0 and T > 0; linear was used instead.
    CompoundFellBackToLinear,
    /// The rate path ends `gap` away from the stated level (level − path end).
    RateLevelGap {
        /// The stated level minus the growth path's end.
        gap: Shown,
    },
}

/// Next year's schedule from an assessment year's actual (PLANNING-RULES "Next year's schedule").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The assessment year the draft starts from.
    pub from_year: Year,
    /// The drafted target of each year after it, up to t1.
    pub years: YearMap<Shown>,
    /// The annual change now needed (difference or rate, by method).
    pub needed_change: Option<f64>,
    /// The plan's original annual change over the same years.
    pub original_change: Option<f64>,
    /// The needed improvement is out of reach (or a hold or rate itself slipped).
    pub flag: bool,
}

/// What the engine derived for one indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    /// Positive or negative, as decided (or set by the user).
    pub direction: Direction,
    /// 1–5, the rule of PLANNING-RULES "Direction" that decided; 0 when the user overrode it.
    pub direction_rule: u8,
    /// The method in use.
    pub method: Method,
    /// Decimals of what is shown.
    pub decimals: u8,
    /// t0.
    pub base_year: Option<Year>,
    /// b, in the unit shown.
    pub base: Option<f64>,
    /// t1.
    pub target_year: Option<Year>,
    /// The final target T (the floor when there is a stretch).
    pub target: Option<f64>,
    /// The stretch target (力争).
    pub stretch: Option<f64>,
    /// The target of each year of the plan.
    pub yearly: YearMap<YearTarget>,
    /// The numeric actual of each year.
    pub actual: YearMap<f64>,
    /// 实现程度 of each year with an actual, capped.
    pub realization: YearMap<Shown>,
    /// (a − b)/(T − b) of each year, where it has a meaning.
    pub progress: YearMap<f64>,
    /// The status of each year.
    pub status: YearMap<Status>,
    /// Next year's schedule from the assessment year.
    pub draft: Option<Draft>,
    /// What the engine noticed (shown, never fatal).
    pub warnings: Vec<Warning>,
}

/// One unit's score for one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitScore {
    /// 考核得分: the mean capped realization × 100, capped at 100.
    pub score: Shown,
    /// How many indicators counted.
    pub count: usize,
}

/// The figures of one assessment year.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The whole plan's realization (weighted where the table has weights).
    pub overall: Option<Shown>,
    /// Each category's realization.
    pub categories: BTreeMap<String, Shown>,
    /// Each unit's score, by unit name.
    pub units: BTreeMap<String, UnitScore>,
}

/// Everything the engine derived for a plan; `indicators[i]` belongs to `plan.indicators[i]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanResults {
    /// One per indicator, in plan order.
    pub indicators: Vec<IndicatorResult>,
    /// Overall, category and unit figures by assessment year.
    pub assessment: BTreeMap<Year, Assessment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_is_made_on_demand() {
        // 2.345 is 2.34499999999999997… in binary; its 15-digit form 2.34500000000000 is a tie,
        // rounded away from zero.
        assert_eq!(Shown::new(2.345, 2).shown(), "2.35");
        assert_eq!(Shown::new(-2.345, 2).shown(), "-2.35");
        assert_eq!(Shown::new(2.345, 0).shown(), "2");
        assert_eq!(Shown::new(2.5, 0).shown(), "3");
        assert_eq!(Shown::new(-2.5, 0).shown(), "-3");
        assert_eq!(Shown::new(-0.4, 0).shown(), "0");
        assert_eq!(Shown::new(0.05, 4).shown(), "0.0500");
        assert_eq!(Shown::new(101.0899, 2).shown(), "101.09");
        assert_eq!(Shown::new(f64::NAN, 2).shown(), "NaN");
        assert_eq!(Shown::new(f64::NEG_INFINITY, 2).shown(), "-inf");
        let t = YearTarget {
            value: 38126.5,
            decimals: 0,
            source: Source::Computed,
        };
        assert_eq!((t.shown(), t.to_string()), ("38127".into(), "38127".into()));
    }

    #[test]
    fn display_pads_and_writes_long_texts() {
        let s = Shown::new(-2.345, 2);
        assert_eq!(s.to_string(), "-2.35");
        assert_eq!(format!("{s:>7}|{s:<7}|{s:^7}"), "  -2.35|-2.35  | -2.35 ");
        // More than the 64 bytes kept on the stack: 1.5 with 70 decimals.
        let long = Shown::new(1.5, 70);
        let want = format!("1.5{}", "0".repeat(69));
        assert_eq!((long.to_string(), long.shown()), (want.clone(), want));
        assert_eq!(Shown::new(1e20, 1).to_string(), "100000000000000000000.0");
    }

    #[test]
    fn shown_serialises_as_before_and_reads_back() {
        let s = Shown::new(-2.345, 2);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"value":-2.345,"shown":"-2.35"}"#);
        assert_eq!(serde_json::from_str::<Shown>(&json).unwrap(), s);
        let t = YearTarget {
            value: 3.25 + (4.1 - 3.25) * 0.5,
            decimals: 2,
            source: Source::Given,
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"value":3.675,"shown":"3.68","source":"given"}"#);
        assert_eq!(
            serde_json::from_str::<YearTarget>(&json).unwrap().decimals,
            2
        );
        // The text of a whole number has no decimals.
        let old = r#"{"value":38126.5,"shown":"38127","source":"computed"}"#;
        assert_eq!(serde_json::from_str::<YearTarget>(old).unwrap().decimals, 0);
        let warning = Warning::RateLevelGap {
            gap: Shown::new(-58.8, 0),
        };
        assert_eq!(
            serde_json::to_string(&warning).unwrap(),
            r#"{"rate_level_gap":{"gap":{"value":-58.8,"shown":"-59"}}}"#
        );
    }

    /// The figures of a plan are most of its memory (issue 19: a 20,000-row plan holds
    /// ≈ 140,000 `Given`s): these sizes (64-bit; wasm32's are 56, 32 and 24 bytes, the text
    /// inline in 12) must not grow back by an unboxed rare variant or a `String` where a
    /// `Box<str>` does.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_figures_of_a_plan_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<Number>() <= 32, "Number {}", size_of::<Number>());
        assert!(size_of::<Value>() <= 48, "Value {}", size_of::<Value>());
        assert!(size_of::<Given>() <= 88, "Given {}", size_of::<Given>());
    }

    #[test]
    fn method_keys_are_their_serialised_names() {
        for m in Method::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.key());
            assert_eq!(Method::from_key(m.key()), Some(m));
        }
    }
}
