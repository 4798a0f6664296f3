//! Cell text → [`Value`] (PLANNING-RULES "Cell values").
//!
//! This module exists because the numbers of an indicator table are written by people: `５８０００`,
//! `≥95%`, `控制在4.5%以内`, `26000，年均增长9%`, `确保125.4，力争80`, `9.60（2014年）`. Everything
//! the engine computes starts from what this parser understands, and anything it does not understand
//! stays qualitative text that is shown as written and never computed. It must never panic: it is
//! fed whatever a workbook holds.

use std::borrow::Cow;

use super::model::{Comparator, Given, Number, RawCell, Value, Year};
use super::round;

/// Reads one raw cell into a [`Given`]: its value, a stretch target and a year written in the cell.
///
/// Text cells follow the table of PLANNING-RULES "Cell values"; numeric cells take their decimals
/// from the number format (`0.00` → 2; `General` or unknown → the shortest form of the number, at
/// most 4), and a percent format means the number × 100 with unit `%`. `Given::text` is the text
/// as shown. Never panics.
///
/// ```
/// use zhibiao::plan::value::parse;
/// use zhibiao::plan::{Comparator, RawCell, Value};
/// let g = parse(&RawCell::Text { s: "≥９５％".into() });
/// match g.value {
///     Value::Number { number, comparator, .. } => {
///         assert_eq!(number.value, 95.0);
///         assert_eq!(number.unit.as_deref(), Some("%"));
///         assert_eq!(comparator, Some(Comparator::AtLeast));
///     }
///     other => panic!("{other:?}"),
/// }
/// let p = parse(&RawCell::Number { n: 0.356, format: Some("0.0%".into()) });
/// assert_eq!(&*p.text, "35.6%");
/// ```
pub fn parse(raw: &RawCell) -> Given {
    match raw {
        RawCell::Empty => Given::default(),
        RawCell::Text { s } => parse_text(s),
        RawCell::Number { n, format } => parse_number(*n, format.as_deref()),
    }
}

/// Parses the text of a cell (see [`parse`]).
///
/// ```
/// use zhibiao::plan::value::parse_text;
/// use zhibiao::plan::Value;
/// let g = parse_text("9.60（2014年）");
/// assert_eq!(g.year, Some(2014));
/// assert!(matches!(g.value, Value::Number { ref number, .. } if number.decimals == 2));
/// // A unit of any form around the comparator word, kept as written and never applied.
/// match parse_text("1.72吨标准煤/万元以内").value {
///     Value::Number { number, comparator, .. } => {
///         assert_eq!(number.value, 1.72);
///         assert_eq!(number.unit.as_deref(), Some("吨标准煤/万元"));
///         assert_eq!(comparator, Some(zhibiao::plan::Comparator::AtMost));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn parse_text(s: &str) -> Given {
    let text = s.trim();
    let mut given = Given {
        text: text.into(),
        ..Given::default()
    };
    let mut norm = normalize(text);
    if is_empty_marker(&norm) {
        return given;
    }
    if let Some((rest, year)) = split_year_suffix(&norm) {
        given.year = Some(year);
        norm = rest;
        if is_empty_marker(&norm) {
            return given;
        }
    }
    let (value, stretch) = parse_cell(&norm);
    given.value = match value {
        Value::Text { .. } => Value::Text { text: text.into() },
        v => v,
    };
    given.stretch = stretch.map(Box::new);
    given
}

/// Reads a numeric cell with its number format code.
fn parse_number(n: f64, format: Option<&str>) -> Given {
    if !n.is_finite() {
        return Given::default();
    }
    let fmt = analyse_format(format);
    let value = if fmt.percent {
        round::clean(n * 100.0)
    } else {
        n
    };
    let decimals = fmt.decimals.unwrap_or_else(|| shortest_decimals(value));
    let mut text = round::shown(value, decimals);
    if fmt.thousands {
        text = group_thousands(&text);
    }
    if fmt.percent {
        text.push('%');
    }
    Given {
        text: text.into(),
        value: Value::Number {
            number: Number {
                value,
                decimals,
                unit: fmt.percent.then(|| "%".into()),
            },
            comparator: None,
            hold: false,
        },
        stretch: None,
        year: None,
    }
}

/// What a number format code says about display.
struct FormatInfo {
    percent: bool,
    /// `None`: General or unknown, use the shortest form.
    decimals: Option<u8>,
    thousands: bool,
}

/// Reads the first section of an Excel number format code.
fn analyse_format(format: Option<&str>) -> FormatInfo {
    let Some(code) = format else {
        return FormatInfo {
            percent: false,
            decimals: None,
            thousands: false,
        };
    };
    // Drop quoted literals, escapes, [colour]/[condition] blocks and padding (_x, *x); most codes
    // (`0.00`, `0.0%`, `#,##0`) have none of them.
    let cleaned: Cow<'_, str> = if code.contains(['"', '[', '\\', '_', '*', ';']) {
        Cow::Owned(clean_format(code))
    } else {
        Cow::Borrowed(code)
    };
    // Byte searches: the characters looked for are ASCII.
    let bytes = cleaned.as_bytes();
    let percent = bytes.contains(&b'%');
    let has_placeholder = bytes.iter().any(|b| matches!(b, b'0' | b'#' | b'?'));
    let general = bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"general"));
    if general || !has_placeholder {
        return FormatInfo {
            percent,
            decimals: None,
            thousands: false,
        };
    }
    let (int_part, frac_part) = match bytes.iter().position(|&b| b == b'.') {
        Some(i) => (
            bytes.get(..i).unwrap_or_default(),
            bytes.get(i + 1..).unwrap_or_default(),
        ),
        None => (bytes, &[][..]),
    };
    let count = frac_part
        .iter()
        .take_while(|b| matches!(b, b'0' | b'#' | b'?'))
        .count();
    FormatInfo {
        percent,
        decimals: Some(u8::try_from(count).unwrap_or(u8::MAX)),
        thousands: int_part.contains(&b','),
    }
}

/// The first section of a format code without quoted literals, escapes, `[…]` blocks and
/// padding.
fn clean_format(code: &str) -> String {
    let mut cleaned = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            ';' => break,
            _ => cleaned.push(c),
        }
    }
    cleaned
}

/// Decimals of the shortest decimal form of `v`, at most 4.
fn shortest_decimals(v: f64) -> u8 {
    if let Some(d) = round::clean_decimals(v) {
        return u8::try_from(d.min(4)).unwrap_or(4);
    }
    let s = format!("{}", round::clean(v));
    let n = s.split_once('.').map_or(0, |(_, f)| f.len());
    u8::try_from(n.min(4)).unwrap_or(4)
}

/// `42300.5` → `42,300.5`.
fn group_thousands(s: &str) -> String {
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let (int_part, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits: Vec<char> = int_part.chars().collect();
    let mut out = String::from(sign);
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Folds full-width forms and look-alikes to ASCII and drops all whitespace.
fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〜' | '∼' => '~',
            '≧' | '⩾' => '≥',
            '≦' | '⩽' => '≤',
            '\u{2212}' | '\u{2010}' | '\u{2011}' => '-',
            '﹪' => '%',
            '﹙' => '(',
            '﹚' => ')',
            '∶' => ':',
            _ => c,
        })
        .collect()
}

/// `/`, `—`, `-`, `－`, `无`, blank …
fn is_empty_marker(s: &str) -> bool {
    s.is_empty()
        || s.chars().all(|c| {
            matches!(
                c,
                '-' | '—' | '–' | '―' | '─' | '/' | '\\' | '…' | '.' | '·'
            )
        })
        || matches!(s, "无" | "暂无" | "空")
        || s.eq_ignore_ascii_case("n/a")
}

/// `9.60(2014年)`, `100%(2018年底)` → the text before the bracket and the year.
fn split_year_suffix(s: &str) -> Option<(String, Year)> {
    let body = s.strip_suffix(')')?;
    let open = body.rfind('(')?;
    let before = body.get(..open)?;
    let inner = body.get(open + 1..)?;
    let digits: String = inner.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let rest = inner.get(digits.len()..)?;
    if !(rest.is_empty() || rest.starts_with('年')) || rest.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: Year = digits.parse().ok()?;
    (1900..=2200)
        .contains(&year)
        .then(|| (before.to_string(), year))
}

/// Removes thousands separators: a comma between a digit and exactly three digits.
fn remove_thousands(s: &str) -> Cow<'_, str> {
    if !s.contains(',') {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let prev_digit = i
                .checked_sub(1)
                .and_then(|p| chars.get(p))
                .is_some_and(char::is_ascii_digit);
            let next3 = (1..=3).all(|k| chars.get(i + k).is_some_and(char::is_ascii_digit));
            let fourth_not_digit = !chars.get(i + 4).is_some_and(char::is_ascii_digit);
            if prev_digit && next3 && fourth_not_digit {
                continue;
            }
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Splits a cell into its parts: on `,;、`, and before `力争` / `确保` that follow other text.
fn split_parts(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    for piece in s.split([',', ';', '、']) {
        let mut rest = piece;
        loop {
            let cut = ["力争", "确保"]
                .iter()
                .filter_map(|kw| rest.find(kw))
                .filter(|&i| i > 0)
                .min();
            match cut.and_then(|i| Some((rest.get(..i)?, rest.get(i..)?))) {
                Some((head, tail)) => {
                    parts.push(head);
                    rest = tail;
                }
                None => {
                    parts.push(rest);
                    break;
                }
            }
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// A normalised cell (year suffix removed) → the value and the stretch target.
fn parse_cell(norm: &str) -> (Value, Option<Value>) {
    let s = remove_thousands(norm);
    let text = || Value::Text { text: norm.into() };
    let parts = split_parts(&s);
    let mut floor: Option<Value> = None;
    let mut stretch: Option<Value> = None;
    let mut others: Vec<Value> = Vec::new();
    for part in parts {
        if let Some(rest) = part.strip_prefix("力争") {
            if stretch.is_some() {
                return (text(), None);
            }
            stretch = Some(parse_single(rest));
        } else if let Some(rest) = part.strip_prefix("确保") {
            if floor.is_some() {
                return (text(), None);
            }
            floor = Some(parse_single(rest));
        } else {
            others.push(parse_single(part));
        }
    }
    let value = match (floor, others.len()) {
        (Some(f), 0) => f,
        (Some(_), _) => return (text(), None),
        (None, 0) => match stretch.take() {
            Some(v) => v,
            None => Value::Empty,
        },
        (None, 1) => others.pop().unwrap_or_default(),
        (None, 2) => match combine_rate_level(&others) {
            Some(v) => v,
            None => return (text(), None),
        },
        (None, _) => return (text(), None),
    };
    match value {
        Value::Text { .. } => (text(), None),
        v => (
            v,
            stretch.filter(|s| !matches!(s, Value::Text { .. } | Value::Empty)),
        ),
    }
}

/// `26000，年均增长9%`: a level and a rate in one cell.
fn combine_rate_level(parts: &[Value]) -> Option<Value> {
    let mut rate = None;
    let mut level = None;
    for p in parts {
        match p {
            Value::Rate {
                rate: r,
                level: None,
            } => rate = Some(r.clone()),
            Value::Number { number, .. } => level = Some(number.clone()),
            _ => return None,
        }
    }
    Some(Value::Rate {
        rate: rate?,
        level: Some(Box::new(level?)),
    })
}

/// Words that introduce an annual growth rate, longest first.
const RATE_WORDS: [&str; 10] = [
    "年均增长率",
    "年平均增长",
    "年均增速",
    "年均增长",
    "年均递增",
    "平均增长",
    "增长率",
    "增速",
    "增长",
    "递增",
];

/// Words that introduce a cumulative reduction, longest first.
const REDUCTION_WORDS: [&str; 6] = ["累计降低", "累计下降", "累计减少", "降低", "下降", "减少"];

/// One part of a cell (no separators left).
fn parse_single(p: &str) -> Value {
    if is_empty_marker(p) {
        return Value::Empty;
    }
    if let Some(factor) = multiple(p) {
        return Value::Multiple { factor };
    }
    if let Some(v) = rate(p) {
        return v;
    }
    if let Some(v) = reduction(p) {
        return v;
    }
    level(p)
}

/// `翻一番` → 2, `翻两番` → 4.
fn multiple(p: &str) -> Option<f64> {
    let i = p.find('翻')?;
    let after = p.get(i + '翻'.len_utf8()..)?;
    if after.starts_with('番') {
        return Some(2.0);
    }
    let mut chars = after.chars();
    let n: i32 = match chars.next()? {
        '一' | '1' => 1,
        '两' | '二' | '2' => 2,
        '三' | '3' => 3,
        '四' | '4' => 4,
        _ => return None,
    };
    (chars.next()? == '番').then(|| 2f64.powi(n))
}

/// The characters of a text as 64 bits (bit `c mod 64` for each character `c`): a word with a
/// character whose bit is clear is not in the text, which spares most substring searches.
#[derive(Clone, Copy)]
pub(super) struct CharSet(pub(super) u64);

impl CharSet {
    pub(super) fn of(s: &str) -> Self {
        Self::of_chars(s.chars())
    }

    pub(super) fn of_chars(chars: impl Iterator<Item = char>) -> Self {
        Self(chars.fold(0, |bits, c| bits | Self::bit(c)))
    }

    fn bit(c: char) -> u64 {
        1 << (u32::from(c) % 64)
    }

    pub(super) fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// `false` when `word` cannot be in the text.
    pub(super) fn may_hold(self, word: &str) -> bool {
        word.chars().all(|c| self.0 & Self::bit(c) != 0)
    }
}

/// Finds the first of `words` (in list order) in `p`: (before, after).
fn find_word<'a>(p: &'a str, words: &[&str]) -> Option<(&'a str, &'a str)> {
    // Plain numbers are ASCII, and a word with other characters cannot be in them; else a word
    // with a character the text lacks cannot be either.
    if p.is_ascii() && words.iter().all(|w| !w.is_ascii()) {
        return None;
    }
    let chars = CharSet::of(p);
    words.iter().find_map(|w| {
        if !chars.may_hold(w) {
            return None;
        }
        let i = p.find(w)?;
        Some((p.get(..i)?, p.get(i + w.len()..)?))
    })
}

/// `年均增长7%`, `增长7%`, `26000年均增长9%`.
fn rate(p: &str) -> Option<Value> {
    let (before, after) = find_word(p, &RATE_WORDS)?;
    let after = after
        .trim_start_matches(['为', '在'])
        .trim_start_matches("达到")
        .trim_start_matches("保持");
    let rate = match level(after) {
        Value::Number { number, .. } => number,
        _ => return None,
    };
    let level = match level(before) {
        Value::Number { number, .. } => Some(Box::new(number)),
        _ => None,
    };
    Some(Value::Rate { rate, level })
}

/// `累计降低12.5%`, `下降17.6%`.
fn reduction(p: &str) -> Option<Value> {
    let (_, after) = find_word(p, &REDUCTION_WORDS)?;
    match level(after) {
        Value::Number { number, .. } => Some(Value::Reduction { pct: number }),
        _ => None,
    }
}

/// What a word written around a number says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    /// ≥: 以上, 不低于, `>=` …
    AtLeast,
    /// ≤: 以内, 不高于, `<=` …
    AtMost,
    /// Says nothing about the comparison: 达到, 约, 左右 …
    Neutral,
    /// 保持, 稳定在, 维持: the target is held.
    Hold,
}

/// Words before the number. A word that begins with another word of the list comes before it
/// (the first match wins; the `words_are_ordered_longest_first` test checks it). Strict
/// comparisons (大于, 高于, 超过, `>`; 小于, 低于, `<`) are read as ≥ and ≤, as the rules read
/// `大于82%`. A word that says the level goes up or down to the number (提高到, 降至) is read as ≥
/// or ≤, like 控制在.
const LEADING_WORDS: [(&str, Word); 62] = [
    ("保持在", Word::Hold),
    ("保持", Word::Hold),
    ("稳定在", Word::Hold),
    ("稳定", Word::Hold),
    ("维持在", Word::Hold),
    ("维持", Word::Hold),
    ("≥", Word::AtLeast),
    (">=", Word::AtLeast),
    ("=>", Word::AtLeast),
    ("≮", Word::AtLeast),
    ("不得低于", Word::AtLeast),
    ("不得少于", Word::AtLeast),
    ("不低于", Word::AtLeast),
    ("不少于", Word::AtLeast),
    ("不小于", Word::AtLeast),
    ("大于或等于", Word::AtLeast),
    ("大于等于", Word::AtLeast),
    ("大于", Word::AtLeast),
    ("高于", Word::AtLeast),
    ("超过", Word::AtLeast),
    ("多于", Word::AtLeast),
    ("至少", Word::AtLeast),
    ("提高到", Word::AtLeast),
    ("提高至", Word::AtLeast),
    ("提升到", Word::AtLeast),
    ("提升至", Word::AtLeast),
    ("增加到", Word::AtLeast),
    ("增加至", Word::AtLeast),
    ("增至", Word::AtLeast),
    (">", Word::AtLeast),
    ("≤", Word::AtMost),
    ("<=", Word::AtMost),
    ("=<", Word::AtMost),
    ("≯", Word::AtMost),
    ("不得高于", Word::AtMost),
    ("不得超过", Word::AtMost),
    ("不得大于", Word::AtMost),
    ("不高于", Word::AtMost),
    ("不超过", Word::AtMost),
    ("不大于", Word::AtMost),
    ("不多于", Word::AtMost),
    ("小于或等于", Word::AtMost),
    ("小于等于", Word::AtMost),
    ("小于", Word::AtMost),
    ("低于", Word::AtMost),
    ("少于", Word::AtMost),
    ("至多", Word::AtMost),
    ("控制在", Word::AtMost),
    ("控制到", Word::AtMost),
    ("下降到", Word::AtMost),
    ("下降至", Word::AtMost),
    ("降低到", Word::AtMost),
    ("降低至", Word::AtMost),
    ("减少到", Word::AtMost),
    ("减少至", Word::AtMost),
    ("降到", Word::AtMost),
    ("降至", Word::AtMost),
    ("减至", Word::AtMost),
    ("<", Word::AtMost),
    ("力争达到", Word::Neutral),
    ("争取达到", Word::Neutral),
    ("达到", Word::Neutral),
];

/// More neutral words before the number (kept apart so that each list stays readable).
const LEADING_NEUTRAL: [&str; 10] = [
    "确保", "力争", "争取", "实现", "完成", "达", "约", "≈", "=", "为",
];

/// Words after the number (and its unit), matched at the end of the text. A word that ends with
/// another word of the list comes before it.
const TRAILING_WORDS: [(&str, Word); 13] = [
    ("以上水平", Word::Neutral),
    ("及以上", Word::AtLeast),
    ("或以上", Word::AtLeast),
    ("以上", Word::AtLeast),
    ("或更高", Word::AtLeast),
    ("及以下", Word::AtMost),
    ("或以下", Word::AtMost),
    ("以下", Word::AtMost),
    ("以内", Word::AtMost),
    ("之内", Word::AtMost),
    ("或更低", Word::AtMost),
    ("左右", Word::Neutral),
    ("上下", Word::Neutral),
];

/// The leading word at the start of `s`, if any: what it says and the rest of the text.
fn leading_word(s: &str) -> Option<(Word, &str)> {
    // The first byte rules out most words without comparing them.
    let first = *s.as_bytes().first()?;
    let same_start = |w: &str| w.as_bytes().first() == Some(&first);
    LEADING_WORDS
        .iter()
        .filter(|(w, _)| same_start(w))
        .find_map(|(w, k)| Some((*k, s.strip_prefix(w)?)))
        .or_else(|| {
            LEADING_NEUTRAL
                .iter()
                .filter(|w| same_start(w))
                .find_map(|w| Some((Word::Neutral, s.strip_prefix(w)?)))
        })
}

/// The trailing word at the end of `s`, if any: what it says and the text before it.
fn trailing_word(s: &str) -> Option<(Word, &str)> {
    let last = *s.as_bytes().last()?;
    TRAILING_WORDS
        .iter()
        .filter(|(w, _)| w.as_bytes().last() == Some(&last))
        .find_map(|(w, k)| Some((*k, s.strip_suffix(w)?)))
}

/// The comparator and hold flag so far, updated by one word.
fn apply(word: Word, comparator: &mut Option<Comparator>, hold: &mut bool) {
    match word {
        Word::AtLeast => *comparator = Some(Comparator::AtLeast),
        Word::AtMost => *comparator = Some(Comparator::AtMost),
        Word::Neutral => {}
        Word::Hold => *hold = true,
    }
}

/// A level with an optional comparator and unit, a ratio or a range; anything else is text.
///
/// The grammar, on normalised text (full-width folded, no spaces, no thousands separators):
/// `leading-word* number (":1" | range | unit? trailing-word* unit?)`, where a leading word is one
/// of [`LEADING_WORDS`] (`≥`, `不低于`, `控制在`, `保持` …) or [`LEADING_NEUTRAL`], a trailing word
/// one of [`TRAILING_WORDS`] (`以上`, `以内`, `左右` …), and a unit any short text that reads as a
/// unit ([`unit`]). The last comparator word read wins (the trailing ones are read last).
fn level(p: &str) -> Value {
    let text = || Value::Text { text: p.into() };
    // A full stop after the value (`95%以上。`) ends the sentence; it is not part of a unit.
    let mut s = p.trim_end_matches('。');
    let mut hold = false;
    let mut comparator = None;
    while let Some((word, rest)) = leading_word(s) {
        apply(word, &mut comparator, &mut hold);
        s = rest;
    }
    while let Some((word, rest)) = trailing_word(s) {
        apply(word, &mut comparator, &mut hold);
        s = rest;
    }
    let Some((first, rest)) = leading_number(s) else {
        return text();
    };
    // Ratio `2.69:1`.
    if let Some(after) = rest.strip_prefix(':') {
        return match leading_number(after) {
            Some((one, "")) if one.value == 1.0 => Value::Number {
                number: first,
                comparator,
                hold,
            },
            _ => text(),
        };
    }
    // Range `3-5`, `3%~5%`, `3至5`.
    if let Some(range) = range(first.clone(), rest) {
        return range;
    }
    // A trailing word between the number and the unit: `95以上%`, `5000以上元`.
    // The words are not ASCII: a rest that starts with ASCII (or is empty) has none.
    let mut rest = rest;
    while let Some((word, after)) = TRAILING_WORDS
        .iter()
        .filter(|_| rest.as_bytes().first().is_some_and(|b| !b.is_ascii()))
        .find_map(|(w, k)| Some((*k, rest.strip_prefix(w)?)))
    {
        apply(word, &mut comparator, &mut hold);
        rest = after;
    }
    match unit(rest) {
        Some(u) => Value::Number {
            number: Number { unit: u, ..first },
            comparator,
            hold,
        },
        None => text(),
    }
}

/// The rest of a range after its first number: `-5`, `%~5%`, `至5万人`.
fn range(lo: Number, rest: &str) -> Option<Value> {
    let (i, sep) = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '-' | '~' | '至' | '到' | '—' | '–'))?;
    let unit_lo = unit(rest.get(..i)?)?;
    let (hi, tail) = leading_number(rest.get(i + sep.len_utf8()..)?)?;
    if hi.value < 0.0 && sep == '-' {
        return None;
    }
    let unit_hi = unit(tail)?;
    let unit = unit_hi.or(unit_lo);
    let lo = Number {
        unit: unit.clone(),
        ..lo
    };
    let hi = Number { unit, ..hi };
    let (lo, hi) = (Box::new(lo), Box::new(hi));
    Some(if lo.value <= hi.value {
        Value::Range { lo, hi }
    } else {
        Value::Range { lo: hi, hi: lo }
    })
}

/// Most characters a unit may have (`千克标准煤/万元GDP` has 11).
const MAX_UNIT_CHARS: usize = 12;

/// Characters that never occur in a unit but do in the words of a sentence: the comparator, hold,
/// rate and reduction words (以上, 不低于, 控制在, 保持, 增长, 降低 …) and the function words of
/// a phrase (的, 和, 比, 完成 …). A text after a number with one of them is not a unit, so
/// `3个以上重点项目`, `100%完成`, `2020年底前完成` stay qualitative.
const NOT_IN_UNITS: &str = "不于在的和或及并且较比以之达超约为是将已未完实确争取保持稳维控制增降减提翻累均内上下左前后到至";

/// A unit after a number: `Some(None)` for no unit, `Some(Some(u))` for a text that reads as a
/// unit, `None` when the rest is not a unit.
///
/// A unit is at most [`MAX_UNIT_CHARS`] characters, each a letter (Chinese or Latin), `/`, `·`,
/// `%`, `‰`, `‱`, `℃`, `°`, `²`, `³`, a squared unit sign (`㎡`, `㎞`), or a `2`/`3` right after
/// a Latin letter other than `e`
/// (`m2`, `km3`, `CO2`; `1e5` is not 1 with unit `e5`); none of [`NOT_IN_UNITS`]. Nothing more
/// is required of it, so units the parser has never seen (`吨标准煤/万元`, `人/每千人`) are read.
fn unit(rest: &str) -> Option<Option<Box<str>>> {
    if rest.is_empty() {
        return Some(None);
    }
    let mut count = 0;
    let mut prev: Option<char> = None;
    for c in rest.chars() {
        count += 1;
        let ok = match c {
            '/' | '·' | '%' | '‰' | '‱' | '℃' | '°' | '²' | '³' => true,
            // ㎡, ㎞, ㎏ … (CJK compatibility squared units).
            '\u{3380}'..='\u{33DF}' => true,
            '2' | '3' => prev.is_some_and(|p| p.is_ascii_alphabetic() && !matches!(p, 'e' | 'E')),
            _ => c.is_alphabetic() && !NOT_IN_UNITS.contains(c),
        };
        if !ok || count > MAX_UNIT_CHARS {
            return None;
        }
        prev = Some(c);
    }
    Some(Some(rest.into()))
}

/// A number at the start of `s`: optional sign, digits, optional decimals. Returns the number with its
/// written decimals and the rest of the text.
fn leading_number(s: &str) -> Option<(Number, &str)> {
    let mut end = 0;
    let mut seen_digit = false;
    let mut seen_point = false;
    let mut decimals: usize = 0;
    for (i, c) in s.char_indices() {
        match c {
            '+' | '-' if i == 0 => {}
            '0'..='9' => {
                seen_digit = true;
                if seen_point {
                    decimals += 1;
                }
            }
            '.' if !seen_point => {
                // A point must be followed by a digit to belong to the number.
                let next_is_digit = s
                    .get(i + 1..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|n| n.is_ascii_digit());
                if !next_is_digit {
                    break;
                }
                seen_point = true;
            }
            _ => break,
        }
        end = i + c.len_utf8();
    }
    if !seen_digit {
        return None;
    }
    // The number is ASCII: an optional sign, digits and at most one point (`f64` parsing
    // accepts a leading `+`).
    let value: f64 = s.get(..end)?.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    Some((
        Number {
            value,
            decimals: u8::try_from(decimals).unwrap_or(u8::MAX),
            unit: None,
        },
        s.get(end..)?,
    ))
}

/// The numeric value of a [`Value`] that is a plain level (a [`Value::Number`]).
///
/// ```
/// use zhibiao::plan::value::{level_of, parse_text};
/// assert_eq!(level_of(&parse_text("58,000").value), Some(58000.0));
/// assert_eq!(level_of(&parse_text("完成").value), None);
/// ```
pub fn level_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number { number, .. } if number.value.is_finite() => Some(number.value),
        _ => None,
    }
}

/// The decimals written in a value's numbers (the most among them), if it has any.
pub fn decimals_of(v: &Value) -> Option<u8> {
    match v {
        Value::Number { number, .. } => Some(number.decimals),
        Value::Range { lo, hi } => Some(lo.decimals.max(hi.decimals)),
        Value::Rate { rate, level } => Some(
            level
                .as_ref()
                .map_or(rate.decimals, |l| l.decimals.max(rate.decimals)),
        ),
        Value::Reduction { pct } => Some(pct.decimals),
        Value::Multiple { .. } | Value::Text { .. } | Value::Empty => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Given {
        parse(&RawCell::Text { s: s.into() })
    }

    /// (value, decimals, unit, comparator, hold) of a Number value.
    fn num(s: &str) -> (f64, u8, Option<String>, Option<Comparator>, bool) {
        match t(s).value {
            Value::Number {
                number,
                comparator,
                hold,
            } => (
                number.value,
                number.decimals,
                number.unit.map(String::from),
                comparator,
                hold,
            ),
            other => panic!("{s:?} gave {other:?}"),
        }
    }

    const GE: Option<Comparator> = Some(Comparator::AtLeast);
    const LE: Option<Comparator> = Some(Comparator::AtMost);
    fn pct() -> Option<String> {
        Some("%".to_string())
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(num("58000"), (58000.0, 0, None, None, false));
        assert_eq!(num("58,000"), (58000.0, 0, None, None, false));
        assert_eq!(num("５８０００"), (58000.0, 0, None, None, false));
        assert_eq!(num(" 3.25 "), (3.25, 2, None, None, false));
        assert_eq!(num("1,286"), (1286.0, 0, None, None, false));
        assert_eq!(num("1,234,567.5"), (1234567.5, 1, None, None, false));
        assert_eq!(num("9.60"), (9.6, 2, None, None, false));
        assert_eq!(num("-3.1"), (-3.1, 1, None, None, false));
        assert_eq!(&*t(" 3.25 ").text, "3.25");
    }

    #[test]
    fn percents_and_units() {
        assert_eq!(num("7.5%"), (7.5, 1, pct(), None, false));
        assert_eq!(num("8.0%"), (8.0, 1, pct(), None, false));
        assert_eq!(num("８６．４％"), (86.4, 1, pct(), None, false));
        assert_eq!(num("91.3 %"), (91.3, 1, pct(), None, false));
        assert_eq!(
            num("1.4332万人"),
            (1.4332, 4, Some("万人".into()), None, false)
        );
        assert_eq!(num("14标台以上"), (14.0, 0, Some("标台".into()), GE, false));
    }

    #[test]
    fn comparators() {
        for s in [
            "≥95%",
            "95%以上",
            "不低于95%",
            "达到95%以上",
            "≥９５％",
            "＞＝95%",
        ] {
            assert_eq!(num(s), (95.0, 0, pct(), GE, false), "{s}");
        }
        assert_eq!(num(">=95"), (95.0, 0, None, GE, false));
        assert_eq!(num("大于82%"), (82.0, 0, pct(), GE, false));
        for s in ["≤4.5%", "4.5%以内", "控制在4.5%以内"] {
            assert_eq!(num(s), (4.5, 1, pct(), LE, false), "{s}");
        }
        for s in ["不高于4.5", "低于4.5", "小于4.5"] {
            assert_eq!(num(s), (4.5, 1, None, LE, false), "{s}");
        }
        assert_eq!(num("30以内"), (30.0, 0, None, LE, false));
        assert_eq!(num("2.0:1以内"), (2.0, 1, None, LE, false));
        assert_eq!(num("８０％以上"), (80.0, 0, pct(), GE, false));
    }

    #[test]
    fn ratio() {
        assert_eq!(num("2.69:1"), (2.69, 2, None, None, false));
        assert_eq!(num("2.18：1"), (2.18, 2, None, None, false));
        assert!(matches!(t("2:3").value, Value::Text { .. }));
    }

    #[test]
    fn ranges() {
        for s in ["3-5", "3～5", "3至5", "3~5", "5-3"] {
            match t(s).value {
                Value::Range { lo, hi } => {
                    assert_eq!((lo.value, hi.value), (3.0, 5.0), "{s}");
                }
                other => panic!("{s}: {other:?}"),
            }
        }
        match t("3%-5%").value {
            Value::Range { lo, hi } => {
                assert_eq!(lo.unit.as_deref(), Some("%"));
                assert_eq!(hi.value, 5.0);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rates() {
        for s in ["年均增长7%", "年均增速7%", "增长7%", "年均增长７％"] {
            match t(s).value {
                Value::Rate { rate, level } => {
                    assert_eq!(rate.value, 7.0, "{s}");
                    assert_eq!(rate.unit.as_deref(), Some("%"));
                    assert!(level.is_none());
                }
                other => panic!("{s}: {other:?}"),
            }
        }
        match t("26000，年均增长9%").value {
            Value::Rate { rate, level } => {
                assert_eq!(rate.value, 9.0);
                assert_eq!(level.map(|l| l.value), Some(26000.0));
            }
            other => panic!("{other:?}"),
        }
        match t("年均增长8.5%").value {
            Value::Rate { rate, .. } => assert_eq!((rate.value, rate.decimals), (8.5, 1)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reductions_and_multiples() {
        for (s, p) in [
            ("累计降低12.5%", 12.5),
            ("累计下降12.5%", 12.5),
            ("下降17.6%", 17.6),
            ("累计下降８％", 8.0),
        ] {
            match t(s).value {
                Value::Reduction { pct } => assert_eq!(pct.value, p, "{s}"),
                other => panic!("{s}: {other:?}"),
            }
        }
        assert_eq!(t("翻一番").value, Value::Multiple { factor: 2.0 });
        assert_eq!(t("翻两番").value, Value::Multiple { factor: 4.0 });
        assert_eq!(t("比2010年翻一番").value, Value::Multiple { factor: 2.0 });
    }

    #[test]
    fn hold() {
        assert_eq!(num("保持100%"), (100.0, 0, pct(), None, true));
        assert_eq!(num("保持１００％"), (100.0, 0, pct(), None, true));
        assert_eq!(num("稳定在95%以上"), (95.0, 0, pct(), GE, true));
        assert_eq!(num("维持3.5"), (3.5, 1, None, None, true));
    }

    #[test]
    fn floor_and_stretch() {
        let g = t("确保125.4，力争80");
        assert_eq!(level_of(&g.value), Some(125.4));
        assert_eq!(g.stretch.as_deref().and_then(level_of), Some(80.0));
        let g = t("确保125.4 力争80");
        assert_eq!(level_of(&g.value), Some(125.4));
        assert_eq!(g.stretch.as_deref().and_then(level_of), Some(80.0));
        let g = t("力争80");
        assert_eq!(level_of(&g.value), Some(80.0));
        assert!(g.stretch.is_none());
    }

    #[test]
    fn empty_markers() {
        for s in ["/", "—", "-", "－", "无", "", "   ", "——", "／"] {
            assert_eq!(t(s).value, Value::Empty, "{s:?}");
        }
        assert_eq!(parse(&RawCell::Empty), Given::default());
    }

    #[test]
    fn year_suffix() {
        let g = t("9.60（2014年）");
        assert_eq!(g.year, Some(2014));
        assert_eq!(level_of(&g.value), Some(9.6));
        assert_eq!(decimals_of(&g.value), Some(2));
        assert_eq!(&*g.text, "9.60（2014年）");
        let g = t("100%（2018年）");
        assert_eq!((g.year, level_of(&g.value)), (Some(2018), Some(100.0)));
        let g = t("100%（2018年底）");
        assert_eq!((g.year, level_of(&g.value)), (Some(2018), Some(100.0)));
        let g = t("100%(2018年)");
        assert_eq!(g.year, Some(2018));
    }

    #[test]
    fn qualitative_text_is_kept() {
        for s in [
            "上级下达指标",
            "完成上级下达任务",
            "较低",
            "努力完成",
            "完成",
            "逐年下降",
            "保持稳定",
        ] {
            assert_eq!(t(s).value, Value::Text { text: s.into() }, "{s}");
        }
    }

    #[test]
    fn numeric_cells_and_formats() {
        let g = parse(&RawCell::Number {
            n: 0.356,
            format: Some("0.0%".into()),
        });
        assert_eq!(level_of(&g.value), Some(35.6));
        assert_eq!(decimals_of(&g.value), Some(1));
        assert_eq!(&*g.text, "35.6%");
        let g = parse(&RawCell::Number {
            n: 66.3,
            format: Some("0.00".into()),
        });
        assert_eq!((decimals_of(&g.value), &*g.text), (Some(2), "66.30"));
        let g = parse(&RawCell::Number {
            n: 42300.0,
            format: Some("#,##0".into()),
        });
        assert_eq!((decimals_of(&g.value), &*g.text), (Some(0), "42,300"));
        let g = parse(&RawCell::Number {
            n: 0.868,
            format: Some("0.0%".into()),
        });
        assert_eq!(level_of(&g.value), Some(86.8));
        let g = parse(&RawCell::Number {
            n: 1.4332,
            format: None,
        });
        assert_eq!(decimals_of(&g.value), Some(4));
        let g = parse(&RawCell::Number {
            n: 0.1 + 0.2,
            format: Some("General".into()),
        });
        assert_eq!((decimals_of(&g.value), &*g.text), (Some(1), "0.3"));
        let g = parse(&RawCell::Number {
            n: 1.0 / 3.0,
            format: None,
        });
        assert_eq!(decimals_of(&g.value), Some(4));
        let g = parse(&RawCell::Number {
            n: 8.0,
            format: Some("0.0".into()),
        });
        assert_eq!(&*g.text, "8.0");
        let g = parse(&RawCell::Number {
            n: 0.5,
            format: Some("0%".into()),
        });
        assert_eq!((level_of(&g.value), &*g.text), (Some(50.0), "50%"));
        let g = parse(&RawCell::Number {
            n: f64::NAN,
            format: None,
        });
        assert_eq!(g.value, Value::Empty);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "(", ")", "()", "(2018年)", "１（", "翻", "翻x番", "增长", "下降%", ":", "1:", "1:1:1",
            "1-", "-1-", "--5", "....", ".5", "5.", "力争", "确保", "确保,力争", "1e400",
            "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
            "≥", "以上", "﹙2018年﹚", "\u{0}", "🙂5", "5🙂",
        ] {
            let _ = t(s);
        }
    }

    #[test]
    fn units_and_words_around_the_number() {
        let u = |s: &str| Some(s.to_string());
        assert_eq!(
            num("1.72吨标准煤/万元以内"),
            (1.72, 2, u("吨标准煤/万元"), LE, false)
        );
        assert_eq!(num("控制在1.72以内"), (1.72, 2, None, LE, false));
        assert_eq!(num("控制在4.5%以内"), (4.5, 1, pct(), LE, false));
        assert_eq!(num("5000元以上"), (5000.0, 0, u("元"), GE, false));
        assert_eq!(num("达到5000元以上"), (5000.0, 0, u("元"), GE, false));
        assert_eq!(num("达到5000以上元"), (5000.0, 0, u("元"), GE, false));
        assert_eq!(num("力争达到3.2万人"), (3.2, 1, u("万人"), None, false));
        assert_eq!(
            num("0.45千克标准煤/万元GDP以下"),
            (0.45, 2, u("千克标准煤/万元GDP"), LE, false)
        );
        assert_eq!(
            num("35微克/立方米"),
            (35.0, 0, u("微克/立方米"), None, false)
        );
        assert_eq!(num("≥5.5张/千人"), (5.5, 1, u("张/千人"), GE, false));
        assert_eq!(num("12000m2"), (12000.0, 0, u("m2"), None, false));
        assert_eq!(num("３万㎡以上"), (3.0, 0, u("万㎡"), GE, false));
        assert_eq!(num("5‰以下"), (5.0, 0, u("‰"), LE, false));
        assert_eq!(num("95%以上。"), (95.0, 0, pct(), GE, false));
        // The unit never multiplies the number.
        assert_eq!(num("1.4332万人"), (1.4332, 4, u("万人"), None, false));
    }

    #[test]
    fn comparator_words_and_symbols() {
        for s in [
            "不低于95",
            "不少于95",
            "不小于95",
            "高于95",
            "大于95",
            "超过95",
            "达到95以上",
            "≥95",
            ">=95",
            "> = 95",
            "=>95",
            "＞95",
            "＞＝95",
            "≧95",
            ">95",
            "至少95",
            "不得低于95",
            "大于或等于95",
            "95及以上",
            "提高到95",
        ] {
            assert_eq!(num(s), (95.0, 0, None, GE, false), "{s}");
        }
        for s in [
            "不高于4.5",
            "不超过4.5",
            "不大于4.5",
            "低于4.5",
            "小于4.5",
            "控制在4.5以内",
            "控制在4.5以下",
            "≤4.5",
            "<=4.5",
            "=<4.5",
            "＜4.5",
            "≦4.5",
            "< 4.5",
            "4.5以下",
            "4.5以内",
            "不得超过4.5",
            "降至4.5",
            "下降到4.5",
            "降低至4.5",
            "4.5或以下",
        ] {
            assert_eq!(num(s), (4.5, 1, None, LE, false), "{s}");
        }
        for s in [
            "达到95", "约95", "95左右", "＝95", "为95", "实现95", "完成95",
        ] {
            assert_eq!(num(s), (95.0, 0, None, None, false), "{s}");
        }
    }

    #[test]
    fn numbers_stored_as_text() {
        assert_eq!(num("22,231"), (22231.0, 0, None, None, false));
        assert_eq!(num("２２，２３１"), (22231.0, 0, None, None, false));
        assert_eq!(
            num("２２，２３１．５元"),
            (22231.5, 1, Some("元".into()), None, false)
        );
        assert_eq!(num("-1.5"), (-1.5, 1, None, None, false));
        assert_eq!(num("－1.5%"), (-1.5, 1, pct(), None, false));
        assert_eq!(num("≥-1.5"), (-1.5, 1, None, GE, false));
        assert_eq!(t("-").value, Value::Empty);
        assert_eq!(num("2.69:1"), (2.69, 2, None, None, false));
        assert!(matches!(t("3-5").value, Value::Range { .. }));
        // Not a number with a unit: an exponent, digits in the "unit", a sentence.
        for s in [
            "1e5",
            "3个以上重点项目建成投产",
            "100%完成",
            "2020年底前完成",
            "5年内完成",
            "3次/2年",
            "5*",
        ] {
            assert!(
                matches!(t(s).value, Value::Text { .. }),
                "{s}: {:?}",
                t(s).value
            );
        }
    }

    #[test]
    fn years_in_cells_stay() {
        let g = t("≥95%（2018年）");
        assert_eq!(g.year, Some(2018));
        assert_eq!(level_of(&g.value), Some(95.0));
        let g = t("1.72吨标准煤/万元以内（2020年）");
        assert_eq!(g.year, Some(2020));
        assert_eq!(level_of(&g.value), Some(1.72));
    }

    #[test]
    fn words_are_ordered_longest_first() {
        // A word that begins (leading) or ends (trailing) with an earlier word would never match.
        let leading: Vec<&str> = LEADING_WORDS
            .iter()
            .map(|(w, _)| *w)
            .chain(LEADING_NEUTRAL)
            .collect();
        for (i, a) in leading.iter().enumerate() {
            for b in leading.iter().skip(i + 1) {
                assert!(!b.starts_with(a), "{b} after {a}");
            }
        }
        for (i, (a, _)) in TRAILING_WORDS.iter().enumerate() {
            for (b, _) in TRAILING_WORDS.iter().skip(i + 1) {
                assert!(!b.ends_with(a), "{b} after {a}");
            }
        }
    }

    use crate::plan::testing::Rng;

    /// Full-width forms of digits, point, comma and minus.
    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | '.' | ',' | '-' => char::from_u32(u32::from(c) + 0xFEE0).unwrap(),
                _ => c,
            })
            .collect()
    }

    #[test]
    fn generated_corpus_parses_exactly() {
        // (before the number, after the unit, comparator, hold).
        let comparators: &[(&str, &str, Option<Comparator>, bool)] = &[
            ("", "", None, false),
            ("≥", "", GE, false),
            (">=", "", GE, false),
            ("> =", "", GE, false),
            ("＞＝", "", GE, false),
            ("≧", "", GE, false),
            ("＞", "", GE, false),
            (">", "", GE, false),
            ("不低于", "", GE, false),
            ("不少于", "", GE, false),
            ("不小于", "", GE, false),
            ("高于", "", GE, false),
            ("大于", "", GE, false),
            ("超过", "", GE, false),
            ("大于等于", "", GE, false),
            ("提高到", "", GE, false),
            ("达到", "以上", GE, false),
            ("力争达到", "以上", GE, false),
            ("", "以上", GE, false),
            ("", "及以上", GE, false),
            ("≤", "", LE, false),
            ("<=", "", LE, false),
            ("=<", "", LE, false),
            ("＜", "", LE, false),
            ("≦", "", LE, false),
            ("＜＝", "", LE, false),
            ("<", "", LE, false),
            ("不高于", "", LE, false),
            ("不超过", "", LE, false),
            ("不大于", "", LE, false),
            ("低于", "", LE, false),
            ("小于", "", LE, false),
            ("控制在", "以内", LE, false),
            ("控制在", "以下", LE, false),
            ("控制在", "", LE, false),
            ("下降到", "", LE, false),
            ("降至", "", LE, false),
            ("", "以内", LE, false),
            ("", "以下", LE, false),
            ("达到", "", None, false),
            ("力争达到", "", None, false),
            ("约", "左右", None, false),
            ("", "左右", None, false),
            ("＝", "", None, false),
            ("为", "", None, false),
            ("保持", "", None, true),
            ("稳定在", "以上", GE, true),
            ("保持在", "以内", LE, true),
        ];
        // (as written, as read).
        let units: &[(&str, Option<&str>)] = &[
            ("", None),
            ("%", Some("%")),
            ("％", Some("%")),
            ("元", Some("元")),
            ("万元", Some("万元")),
            ("万人", Some("万人")),
            ("亿元", Some("亿元")),
            ("吨标准煤/万元", Some("吨标准煤/万元")),
            ("千克标准煤/万元GDP", Some("千克标准煤/万元GDP")),
            ("立方米/万元", Some("立方米/万元")),
            ("微克/立方米", Some("微克/立方米")),
            ("μg/m³", Some("μg/m³")),
            ("个百分点", Some("个百分点")),
            ("‰", Some("‰")),
            ("m2", Some("m2")),
            ("ｍ２", Some("m2")),
            ("km²", Some("km²")),
            ("元/㎡", Some("元/㎡")),
            ("张/千人", Some("张/千人")),
            ("人/每千人", Some("人/每千人")),
            ("标台", Some("标台")),
            ("家", Some("家")),
            ("岁", Some("岁")),
            ("亿千瓦时", Some("亿千瓦时")),
            ("万人·次", Some("万人·次")),
            ("℃", Some("℃")),
        ];
        let spaces = ["", "", "", " ", "\u{3000}"];
        let mut rng = Rng(0x5EED_1234_ABCD_0013);
        let mut count = 0;
        for &(lead, trail, comparator, hold) in comparators {
            for &(unit_written, unit_read) in units {
                // 0: the unit before the trailing word; 1: after it.
                for position in 0..2 {
                    if position == 1 && trail.is_empty() {
                        continue;
                    }
                    // 0 plain, 1 grouped, 2 full-width, 3 full-width grouped, 4 `−` minus; each
                    // twice with other numbers and spaces.
                    for form in (0..10).map(|k| k % 5) {
                        let int = rng.next() % 10u64.pow(u32::try_from(rng.below(10)).unwrap());
                        let decimals = rng.below(5);
                        let frac: String = (0..decimals)
                            .map(|_| char::from(b'0' + u8::try_from(rng.below(10)).unwrap()))
                            .collect();
                        let negative = form == 4 || rng.below(6) == 0;
                        let mut canonical = format!("{}{int}", if negative { "-" } else { "" });
                        if decimals > 0 {
                            canonical = format!("{canonical}.{frac}");
                        }
                        let written = match form {
                            1 => group_thousands(&canonical),
                            2 => full_width(&canonical),
                            3 => full_width(&group_thousands(&canonical)),
                            4 => canonical.replace('-', "\u{2212}"),
                            _ => canonical.clone(),
                        };
                        let sp = |rng: &mut Rng| *rng.pick(&spaces);
                        let body = if position == 0 {
                            format!(
                                "{lead}{}{written}{}{unit_written}{}{trail}",
                                sp(&mut rng),
                                sp(&mut rng),
                                sp(&mut rng)
                            )
                        } else {
                            format!(
                                "{lead}{}{written}{}{trail}{}{unit_written}",
                                sp(&mut rng),
                                sp(&mut rng),
                                sp(&mut rng)
                            )
                        };
                        let year = (rng.below(5) == 0).then(|| 2015 + rng.below(11));
                        let cell = match year {
                            Some(y) => format!("{body}（{y}年）"),
                            None => body,
                        };
                        let want = Value::Number {
                            number: Number {
                                value: canonical.parse().unwrap(),
                                decimals: u8::try_from(decimals).unwrap(),
                                unit: unit_read.map(Into::into),
                            },
                            comparator,
                            hold,
                        };
                        let g = t(&cell);
                        assert_eq!(g.value, want, "{cell:?}");
                        assert_eq!(g.stretch, None, "{cell:?}");
                        assert_eq!(g.year, year.map(|y| Year::try_from(y).unwrap()), "{cell:?}");
                        count += 1;
                    }
                }
            }
        }
        // 48 comparator forms (12 of them with a trailing word, in two positions) × 26 units ×
        // 10 numbers (5 forms).
        assert_eq!((comparators.len(), units.len()), (48, 26));
        assert_eq!(count, (48 + 12) * 26 * 10);
    }

    #[test]
    fn generated_qualitative_corpus_stays_text() {
        let phrases = [
            "上级下达指标",
            "完成上级下达任务",
            "较低",
            "努力完成",
            "保持稳定",
            "逐年下降",
            "稳步提高",
            "达到国家标准",
            "高于全省平均水平",
            "明显改善",
            "全覆盖",
            "持续提升",
            "3个以上重点项目建成投产",
            "100%完成",
            "2020年底前完成",
        ];
        let leads = ["", "确保", "力争", "达到", "不低于", "控制在"];
        let trails = ["", "以上", "以内", "左右"];
        let mut count = 0;
        for p in phrases {
            for lead in leads {
                for trail in trails {
                    let s = format!("{lead}{p}{trail}");
                    assert!(
                        matches!(t(&s).value, Value::Text { .. }),
                        "{s}: {:?}",
                        t(&s).value
                    );
                    count += 1;
                }
            }
        }
        assert_eq!(count, 15 * 6 * 4);
    }
}
