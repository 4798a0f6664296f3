//! The words of indicator tables: what a header cell names, which words say "target" or
//! "actual", and how notes and footers begin. Texts are compared after [`norm`]: full-width
//! forms folded, white space removed and traditional characters mapped to simplified ones, so
//! `指 標`, `指標` and `指标` are one word.
//!
//! Where the words came from: PLANNING-RULES "The documents behind it", the sample workbooks,
//! published 指标任务分解表 attachments and statistical releases (national and provincial
//! statistics databases, Hong Kong and Taiwan tables in traditional characters); the generated
//! layout corpus (`tests/corpus/README.md`) lists the variants it draws from.

use crate::plan::Year;

/// Folds full-width ASCII forms (digits, letters, brackets, `％`) and ideographic spaces to
/// their half-width forms.
///
/// ```
/// assert_eq!(zhibiao::table::vocabulary::fold_width("２０２０年（基期）"), "2020年(基期)");
/// ```
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Traditional characters of the vocabulary and their simplified forms. Only the characters
/// that occur in header words, notes and footers are needed: names are shown as written.
const TRADITIONAL: &[(char, char)] = &[
    ('標', '标'),
    ('單', '单'),
    ('實', '实'),
    ('際', '际'),
    ('備', '备'),
    ('註', '注'),
    ('類', '类'),
    ('別', '别'),
    ('牽', '牵'),
    ('頭', '头'),
    ('責', '责'),
    ('數', '数'),
    ('據', '据'),
    ('來', '来'),
    ('計', '计'),
    ('劃', '划'),
    ('規', '规'),
    ('預', '预'),
    ('現', '现'),
    ('狀', '状'),
    ('領', '领'),
    ('屬', '属'),
    ('質', '质'),
    ('權', '权'),
    ('項', '项'),
    ('稱', '称'),
    ('總', '总'),
    ('門', '门'),
    ('協', '协'),
    ('辦', '办'),
    ('說', '说'),
    ('編', '编'),
    ('號', '号'),
    ('導', '导'),
    ('級', '级'),
    ('績', '绩'),
    ('統', '统'),
    ('報', '报'),
    ('審', '审'),
    ('電', '电'),
    ('話', '话'),
    ('聯', '联'),
    ('繫', '系'),
    ('係', '系'),
    ('製', '制'),
    ('長', '长'),
    ('資', '资'),
    ('價', '价'),
    ('況', '况'),
    ('務', '务'),
    ('調', '调'),
    ('負', '负'),
    ('層', '层'),
    ('測', '测'),
    ('評', '评'),
    ('監', '监'),
    ('進', '进'),
    ('處', '处'),
    ('區', '区'),
    ('縣', '县'),
    ('値', '值'),
    ('種', '种'),
    ('結', '结'),
    ('構', '构'),
    ('圍', '围'),
    ('庫', '库'),
    ('間', '间'),
    ('時', '时'),
    ('檢', '检'),
    ('決', '决'),
    ('簽', '签'),
    ('員', '员'),
    ('與', '与'),
    ('經', '经'),
    ('濟', '济'),
    ('發', '发'),
    ('達', '达'),
    ('順', '顺'),
    ('優', '优'),
    ('約', '约'),
    ('對', '对'),
    ('應', '应'),
    ('礎', '础'),
    ('準', '准'),
];

fn simplify(c: char) -> char {
    TRADITIONAL
        .iter()
        .find(|(t, _)| *t == c)
        .map_or(c, |(_, s)| *s)
}

/// The text as the vocabulary compares it: full-width forms folded, white space removed,
/// traditional characters of the vocabulary simplified.
///
/// ```
/// use zhibiao::table::vocabulary::norm;
/// assert_eq!(norm("指　標"), "指标");
/// assert_eq!(norm(" 2021 年\n目標 "), "2021年目标");
/// ```
pub fn norm(s: &str) -> String {
    s.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .map(simplify)
        .collect()
}

/// The last four-digit year (1900–2099) in a text, as in `2016年现状值` or `2020`.
///
/// ```
/// use zhibiao::table::vocabulary::find_year;
/// assert_eq!(find_year("2016年现状值"), Some(2016));
/// assert_eq!(find_year("12345"), None);
/// ```
pub fn find_year(s: &str) -> Option<Year> {
    years(s).last()
}

/// Every four-digit year (1900–2099) in a text, in order.
pub fn years(s: &str) -> impl Iterator<Item = Year> {
    let chars: Vec<char> = s.chars().map(fold_char).collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 <= chars.len() {
        let window = &chars[i..i + 4];
        let digits = window.iter().all(char::is_ascii_digit);
        let before_ok = i == 0 || !chars[i - 1].is_ascii_digit();
        let after_ok = chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if digits && before_ok && after_ok {
            let y = window
                .iter()
                .fold(0i32, |acc, d| acc * 10 + d.to_digit(10).unwrap_or(0) as i32);
            if (1900..=2099).contains(&y) {
                found.push(y);
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    found.into_iter()
}

/// The five-year plan a text names (`十三五`, `“十四五”`): its first and last years.
///
/// ```
/// use zhibiao::table::vocabulary::plan_period;
/// assert_eq!(plan_period("“十四五”规划"), Some((2021, 2025)));
/// ```
pub fn plan_period(s: &str) -> Option<(Year, Year)> {
    const PERIODS: [(&str, Year); 6] = [
        ("十一五", 2006),
        ("十二五", 2011),
        ("十三五", 2016),
        ("十四五", 2021),
        ("十五五", 2026),
        ("十六五", 2031),
    ];
    let t = norm(s);
    PERIODS
        .iter()
        .find(|(w, _)| t.contains(w))
        .map(|(_, first)| (*first, first + 4))
}

/// The year a header names: a written year, else the last year of the plan period it names
/// (`“十三五”末` → 2020, `“十四五”目标` → 2025).
pub fn header_year(s: &str) -> Option<Year> {
    find_year(s).or_else(|| plan_period(s).map(|(_, last)| last))
}

/// A header text that is only a year (`2017年`, `2017`, `2017.0`, `2017年度`, `2017年末`).
///
/// ```
/// use zhibiao::table::vocabulary::pure_year;
/// assert_eq!(pure_year("2017年"), Some(2017));
/// assert_eq!(pure_year("2017.0"), Some(2017));
/// assert_eq!(pure_year("2017年目标"), None);
/// ```
pub fn pure_year(s: &str) -> Option<Year> {
    let t = norm(s);
    let t = t.strip_suffix(".0").unwrap_or(&t);
    let y = find_year(t)?;
    let rest = t
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, '年' | '度' | '底' | '末'));
    (rest.count() == 0 && years(t).count() == 1).then_some(y)
}

/// What a header text names, before years and context are weighed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 序号
    Seq,
    /// 类别 / 领域
    Category,
    /// 指标名称
    Name,
    /// 计量单位
    Unit,
    /// 指标方向
    Direction,
    /// 属性 / 性质: a binding (预期性/约束性) or a direction (正向/逆向); the cells say which.
    Attribute,
    /// 权重
    Weight,
    /// 基期 / 基数
    Base,
    /// A target: the final one, or a year's (the year and the neighbours decide).
    Target,
    /// A word that only ever names the final target (目标值, 规划目标 …).
    FinalTarget,
    /// 实际 / 完成
    Actual,
    /// 牵头单位
    Lead,
    /// 配合单位
    Other,
    /// 责任单位: the lead unit when there is no 牵头 column, else another unit.
    Responsible,
    /// 责任领导
    Leader,
    /// 备注
    Note,
    /// An annual growth rate column (年均增长, 年均增速).
    Rate,
    /// A group over target and actual columns (年度目标及完成情况): the rows below decide.
    Group,
}

/// Words that say a column holds targets (plan figures).
pub const TARGET_WORDS: &[&str] = &["目标", "计划", "规划", "预期", "任务", "预计"];
/// Words that say a column holds actual figures.
pub const ACTUAL_WORDS: &[&str] = &[
    "实际",
    "完成",
    "实绩",
    "实现值",
    "监测值",
    "评价值",
    "执行数",
    "快报",
    "初步核算",
];
/// Words that say a column holds the base.
pub const BASE_WORDS: &[&str] = &["基期", "基数", "现状", "基准", "基年", "基础值", "起点"];
/// Words of a title or band that say the table is a statistical one (actuals by year).
pub const STATISTICS_WORDS: &[&str] = &[
    "年度数据",
    "数据库",
    "统计",
    "完成情况",
    "执行情况",
    "实际",
    "实绩",
    "监测",
    "主要数据",
    "历年",
];

/// The first of `words` that `t` (normalised) contains.
pub fn first_word<'w>(t: &str, words: &[&'w str]) -> Option<&'w str> {
    words.iter().copied().find(|w| t.contains(w))
}

/// What one header text names, and the word that said it.
///
/// ```
/// use zhibiao::table::vocabulary::{kind_of, Kind};
/// assert_eq!(kind_of("指 标").map(|k| k.0), Some(Kind::Name));
/// assert_eq!(kind_of("計量單位").map(|k| k.0), Some(Kind::Unit));
/// assert_eq!(kind_of("2016年基期值").map(|k| k.0), Some(Kind::Base));
/// assert_eq!(kind_of("2021"), None);
/// ```
pub fn kind_of(text: &str) -> Option<(Kind, &'static str)> {
    let t = norm(text);
    if t.is_empty() || pure_year(&t).is_some() {
        return None;
    }
    // Longer, more specific words first: `指标属性` is an attribute, `指标方向` a direction.
    const TABLE: &[(&str, Kind)] = &[
        ("年均增长", Kind::Rate),
        ("年均增速", Kind::Rate),
        ("年均增幅", Kind::Rate),
        ("年均增", Kind::Rate),
        ("年均递增", Kind::Rate),
        ("序号", Kind::Seq),
        ("编号", Kind::Seq),
        ("一级指标", Kind::Category),
        ("二级指标", Kind::Name),
        ("三级指标", Kind::Name),
        ("领域", Kind::Category),
        ("类别", Kind::Category),
        ("方面", Kind::Category),
        ("分类", Kind::Category),
        ("类型", Kind::Category),
        ("正逆向", Kind::Direction),
        ("正向/逆向", Kind::Direction),
        ("正指标/逆指标", Kind::Direction),
        ("方向", Kind::Direction),
        ("属性", Kind::Attribute),
        ("性质", Kind::Attribute),
        ("权重", Kind::Weight),
        ("权数", Kind::Weight),
        ("分值", Kind::Weight),
        ("牵头", Kind::Lead),
        ("配合", Kind::Other),
        ("协办", Kind::Other),
        ("协同", Kind::Other),
        ("参与单位", Kind::Other),
        ("责任领导", Kind::Leader),
        ("分管领导", Kind::Leader),
        ("领导", Kind::Leader),
        ("责任单位", Kind::Responsible),
        ("责任部门", Kind::Responsible),
        ("责任主体", Kind::Responsible),
        ("主管部门", Kind::Responsible),
        ("主管单位", Kind::Responsible),
        ("责任处室", Kind::Responsible),
        ("备注", Kind::Note),
        ("说明", Kind::Note),
    ];
    if let Some((w, k)) = TABLE.iter().find(|(w, _)| t.contains(w)) {
        return Some((*k, w));
    }
    if t == "单位" || t == "计量单位" || t.ends_with("计量单位") {
        return Some((Kind::Unit, "单位"));
    }
    // `“十三五”末` is the end of a plan period: the base, unless a target word says it is the
    // target (`“十四五”末目标`).
    let unquoted: String = t.chars().filter(|c| !"“”\"'‘’「」".contains(*c)).collect();
    if unquoted.contains("五末") || unquoted.contains("五期末") {
        return Some(match first_word(&t, TARGET_WORDS) {
            Some(w) => (Kind::FinalTarget, w),
            None => (Kind::Base, "末"),
        });
    }
    if let Some(w) = first_word(&t, BASE_WORDS) {
        return Some((Kind::Base, w));
    }
    let target = first_word(&t, TARGET_WORDS);
    let actual = first_word(&t, ACTUAL_WORDS);
    if let (Some(w), Some(_)) = (target, actual) {
        return Some((Kind::Group, w));
    }
    if let Some(w) = actual {
        return Some((Kind::Actual, w));
    }
    // `年度目标值` is a year's target, not the final one: the yearly words first.
    if let Some(w) = first_word(&t, &["年度目标", "分年度", "年度计划"]) {
        return Some((Kind::Target, w));
    }
    if let Some(w) = first_word(
        &t,
        &[
            "目标值",
            "规划目标",
            "规划指标",
            "规划值",
            "远期",
            "预期目标",
        ],
    ) {
        return Some((Kind::FinalTarget, w));
    }
    if let Some(w) = target {
        return Some((Kind::Target, w));
    }
    if let Some(w) = first_word(&t, &["指标名称", "名称", "指标", "项目", "内容"]) {
        return Some((Kind::Name, w));
    }
    if t == "预期值" {
        return Some((Kind::Target, "预期值"));
    }
    None
}

/// The beginnings of a note row (normalised).
const NOTE_PREFIXES: &[&str] = &[
    "注:",
    "注：",
    "注释",
    "备注:",
    "备注：",
    "说明:",
    "说明：",
    "资料来源",
    "数据来源",
    "来源:",
    "来源：",
    "填表说明",
    "附注",
];
/// Footer texts (whole, normalised).
const FOOTER_WORDS: &[&str] = &["合计", "总计", "小计", "总分", "合计得分"];
/// The beginnings of a footer row (normalised).
const FOOTER_PREFIXES: &[&str] = &[
    "填报人",
    "填报单位",
    "填报日期",
    "填报时间",
    "制表",
    "审核",
    "负责人",
    "单位负责人",
    "签字",
    "签发",
    "联系人",
    "联系电话",
    "电话",
    "填表人",
    "填表日期",
    "报送",
    "统计负责人",
];

/// Whether a cell's text begins a note (`注：`, `注1`, `数据来源：国家统计局`, `说明：` …).
///
/// ```
/// use zhibiao::table::vocabulary::is_note;
/// assert!(is_note("　　数据来源：国家统计局"));
/// assert!(is_note("注1：价格按当年价计算"));
/// assert!(!is_note("注册企业数"));
/// ```
pub fn is_note(text: &str) -> bool {
    let Some(first) = text.chars().map(fold_char).find(|c| !c.is_whitespace()) else {
        return false;
    };
    if !matches!(
        first,
        '注' | '註'
            | '备'
            | '備'
            | '说'
            | '說'
            | '资'
            | '資'
            | '数'
            | '數'
            | '来'
            | '來'
            | '填'
            | '附'
    ) {
        return false;
    }
    let t = norm(text);
    NOTE_PREFIXES.iter().any(|p| t.starts_with(p))
        || (t.starts_with('注') && t.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
}

/// Whether a cell's text is a footer (`合计`, `填报人：…`, `联系电话：…`).
///
/// ```
/// use zhibiao::table::vocabulary::is_footer;
/// assert!(is_footer("合 计"));
/// assert!(is_footer("填报人：张三"));
/// assert!(!is_footer("合计生产总值"));
/// ```
pub fn is_footer(text: &str) -> bool {
    let Some(first) = text.chars().map(fold_char).find(|c| !c.is_whitespace()) else {
        return false;
    };
    if !matches!(
        first,
        '合' | '总'
            | '總'
            | '小'
            | '填'
            | '制'
            | '製'
            | '审'
            | '審'
            | '负'
            | '負'
            | '单'
            | '單'
            | '签'
            | '簽'
            | '联'
            | '聯'
            | '电'
            | '電'
            | '报'
            | '報'
            | '统'
            | '統'
    ) {
        return false;
    }
    let t = norm(text);
    FOOTER_WORDS.contains(&t.as_str()) || FOOTER_PREFIXES.iter().any(|p| t.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_words_name_roles() {
        let k = |s: &str| kind_of(s).map(|k| k.0);
        assert_eq!(k("指标名称"), Some(Kind::Name));
        assert_eq!(k("指　标"), Some(Kind::Name));
        assert_eq!(k("指標名稱"), Some(Kind::Name));
        assert_eq!(k("计量单位"), Some(Kind::Unit));
        assert_eq!(k("單位"), Some(Kind::Unit));
        assert_eq!(k("牵头单位"), Some(Kind::Lead));
        assert_eq!(k("2016年基期值"), Some(Kind::Base));
        assert_eq!(k("2021年实际"), Some(Kind::Actual));
        assert_eq!(k("年度目标及完成情况"), Some(Kind::Group));
        assert_eq!(k("2020年目标值"), Some(Kind::FinalTarget));
        assert_eq!(k("2021年目标"), Some(Kind::Target));
        assert_eq!(k("指标方向"), Some(Kind::Direction));
        assert_eq!(k("指标属性"), Some(Kind::Attribute));
        assert_eq!(k("2020年"), None);
    }

    #[test]
    fn years_are_found_in_header_words() {
        assert_eq!(find_year("２０２０年目标"), Some(2020));
        assert_eq!(find_year("实际完成值"), None);
        assert_eq!(pure_year("2017年度"), Some(2017));
        assert_eq!(pure_year("2017-2018"), None);
        assert_eq!(pure_year("2017 年"), Some(2017));
    }

    #[test]
    fn notes_and_footers() {
        assert!(is_note("注：带*为约束性指标"));
        assert!(is_note("資料來源：統計處"));
        assert!(is_footer("制表人：李四"));
        assert!(is_footer("審核人："));
        assert!(!is_note("数字经济核心产业增加值占比"));
        assert!(!is_footer("单位GDP能耗"));
    }
}
