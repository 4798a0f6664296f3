//! The styles of an `.ods`: cell styles (with their parents) and data styles, turned into
//! Excel-style number format codes (`0.0%`, `#,##0.00` …).

use super::{attr, attr_u32};
use crate::io::limits::MAX_CODE_CHARS;
use quick_xml::events::BytesStart;
use std::collections::HashMap;

/// The most conditional sections (`style:map`) put before a style's own (Excel has 4 in all).
pub(super) const MAX_MAPS: usize = 3;
/// How deep `style:parent-style-name` chains are followed.
const MAX_STYLE_DEPTH: usize = 16;
/// The most characters of a literal kept in a format code.
pub(super) const MAX_LITERAL_CHARS: usize = 64;
/// The most digits a format code is given on either side of the point.
const MAX_DIGITS: u32 = 30;

/// A cell style (`style:style style:family="table-cell"`).
#[derive(Debug, Default)]
pub(super) struct CellStyle {
    pub(super) parent: Option<String>,
    pub(super) data_style: Option<String>,
}

/// A data style (`number:number-style`, `number:percentage-style` …) as a format code section,
/// with the styles it applies under conditions (`style:map`).
#[derive(Debug, Default)]
pub(super) struct DataStyle {
    /// `None` for styles that are not numbers (dates, times, text, booleans).
    pub(super) code: Option<String>,
    pub(super) maps: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct Styles {
    pub(super) cells: HashMap<String, CellStyle>,
    pub(super) data: HashMap<String, DataStyle>,
    /// Memo of [`Styles::code_of`].
    pub(super) resolved: HashMap<String, Option<String>>,
}

impl Styles {
    /// The format code of cell style `name`: its data style (or its parents'), with the
    /// sections of the styles mapped under conditions first; `None` for General or unknown.
    pub(super) fn code_of(&mut self, name: &str) -> Option<String> {
        if let Some(code) = self.resolved.get(name) {
            return code.clone();
        }
        let code = self.compute(name);
        self.resolved.insert(name.to_string(), code.clone());
        code
    }

    pub(super) fn compute(&self, name: &str) -> Option<String> {
        let mut style = self.cells.get(name)?;
        let mut data = None;
        for _ in 0..MAX_STYLE_DEPTH {
            if let Some(d) = &style.data_style {
                data = Some(d.as_str());
                break;
            }
            style = self.cells.get(style.parent.as_deref()?)?;
        }
        let data = self.data.get(data?)?;
        let main = data.code.as_deref()?;
        let mut sections: Vec<&str> = data
            .maps
            .iter()
            .filter_map(|m| self.data.get(m).and_then(|d| d.code.as_deref()))
            .take(MAX_MAPS)
            .collect();
        sections.push(main);
        let code: String = sections.join(";").chars().take(MAX_CODE_CHARS).collect();
        if sections.iter().all(|s| s.eq_ignore_ascii_case("General")) {
            None
        } else {
            Some(code)
        }
    }
}

/// The number part of a format code (`0.00`, `#,##0`, `0.##`).
pub(super) fn number_code(e: &BytesStart<'_>) -> String {
    let decimals = attr_u32(e, "number:decimal-places");
    let Some(decimals) = decimals.map(|d| d.min(MAX_DIGITS)) else {
        return "General".to_string();
    };
    let min_decimals = attr_u32(e, "number:min-decimal-places")
        .unwrap_or(decimals)
        .min(decimals);
    let min_int = attr_u32(e, "number:min-integer-digits")
        .unwrap_or(1)
        .min(MAX_DIGITS);
    let grouping = attr(e, "number:grouping").as_deref() == Some("true");
    let mut code = if grouping {
        // "#,##0" with as many 0 as integer digits required (up to three).
        let zeros = min_int.min(3) as usize;
        let mut s = String::from("#,###");
        s.truncate(5 - zeros);
        s.push_str(&"0".repeat(zeros));
        s.insert_str(0, &"0".repeat(min_int.saturating_sub(3) as usize));
        s
    } else if min_int == 0 {
        "#".to_string()
    } else {
        "0".repeat(min_int as usize)
    };
    if decimals > 0 {
        code.push('.');
        code.push_str(&"0".repeat(min_decimals as usize));
        code.push_str(&"#".repeat((decimals - min_decimals) as usize));
    }
    code
}

/// The code of `number:scientific-number`.
pub(super) fn scientific_code(e: &BytesStart<'_>) -> String {
    let decimals = attr_u32(e, "number:decimal-places")
        .unwrap_or(2)
        .min(MAX_DIGITS);
    let min_int = attr_u32(e, "number:min-integer-digits")
        .unwrap_or(1)
        .clamp(1, MAX_DIGITS);
    let exp = attr_u32(e, "number:min-exponent-digits")
        .unwrap_or(2)
        .clamp(1, MAX_DIGITS);
    let mut code = "0".repeat(min_int as usize);
    if decimals > 0 {
        code.push('.');
        code.push_str(&"0".repeat(decimals as usize));
    }
    code.push_str("E+");
    code.push_str(&"0".repeat(exp as usize));
    code
}

/// A literal in a format code: `%` as is, other text quoted.
pub(super) fn literal(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|c| *c != '"')
        .take(MAX_LITERAL_CHARS)
        .collect();
    match text.as_str() {
        "" => String::new(),
        "%" => "%".to_string(),
        _ => format!("\"{text}\""),
    }
}

/// The data style being read.
pub(super) struct DataStyleBuilder {
    pub(super) name: String,
    pub(super) numeric: bool,
    pub(super) percentage: bool,
    pub(super) code: String,
    pub(super) maps: Vec<String>,
    /// Text of the open `number:text` / `number:currency-symbol`, if any.
    pub(super) text: Option<String>,
}

impl DataStyleBuilder {
    /// Appends to the code, which never grows past [`MAX_CODE_CHARS`].
    pub(super) fn push(&mut self, part: &str) {
        let room = MAX_CODE_CHARS.saturating_sub(self.code.chars().count());
        self.code.extend(part.chars().take(room));
    }

    pub(super) fn finish(self) -> (String, DataStyle) {
        let mut code = self.code;
        if self.percentage && !code.contains('%') {
            code.push('%');
        }
        let code = if self.numeric && !code.is_empty() {
            Some(code)
        } else {
            None
        };
        (
            self.name,
            DataStyle {
                code,
                maps: self.maps,
            },
        )
    }
}
