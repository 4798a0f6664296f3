//! The styles of an `.ods`: cell styles (with their parents) and data styles, turned into
//! Excel-style number format codes (`0.0%`, `#,##0.00` …).

use super::{attr, attr_u32, Limited};
use crate::io::limits::MAX_CODE_CHARS;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{BufReader, Read};

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

/// The style elements of an XML part, fed one event at a time: cell styles and data styles
/// land in [`Styles`] as they close.
#[derive(Default)]
pub(super) struct StyleReader {
    data_style: Option<DataStyleBuilder>,
}

impl StyleReader {
    /// A data style is open (the part must not end here).
    pub(super) fn open(&self) -> bool {
        self.data_style.is_some()
    }

    /// An element starts (`empty`: and ends at once).
    pub(super) fn start(&mut self, styles: &mut Styles, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        let name = name.as_ref();
        match name {
            "style:style" if attr(e, "style:family").as_deref() == Some("table-cell") => {
                if let Some(n) = attr(e, "style:name") {
                    styles.cells.insert(
                        n,
                        CellStyle {
                            parent: attr(e, "style:parent-style-name"),
                            data_style: attr(e, "style:data-style-name"),
                        },
                    );
                }
            }
            n if is_data_style(n) => {
                let builder = DataStyleBuilder {
                    name: attr(e, "style:name").unwrap_or_default(),
                    numeric: matches!(
                        name,
                        "number:number-style" | "number:percentage-style" | "number:currency-style"
                    ),
                    percentage: name == "number:percentage-style",
                    code: String::new(),
                    maps: Vec::new(),
                    text: None,
                };
                if empty {
                    let (n, style) = builder.finish();
                    styles.data.insert(n, style);
                } else {
                    self.data_style = Some(builder);
                }
            }
            "number:number" => {
                if let Some(ds) = self.data_style.as_mut() {
                    ds.push(&number_code(e));
                }
            }
            "number:scientific-number" => {
                if let Some(ds) = self.data_style.as_mut() {
                    ds.push(&scientific_code(e));
                }
            }
            "number:fraction" => {
                if let Some(ds) = self.data_style.as_mut() {
                    ds.push("# ?/?");
                }
            }
            "number:text" | "number:currency-symbol" if !empty => {
                if let Some(ds) = self.data_style.as_mut() {
                    ds.text = Some(String::new());
                }
            }
            "style:map" => {
                if let (Some(ds), Some(n)) =
                    (self.data_style.as_mut(), attr(e, "style:apply-style-name"))
                {
                    if ds.maps.len() < MAX_MAPS {
                        ds.maps.push(n);
                    }
                }
            }
            _ => {}
        }
    }

    /// An element ends.
    pub(super) fn end(&mut self, styles: &mut Styles, name: &str) {
        match name {
            "number:text" | "number:currency-symbol" => {
                if let Some(ds) = self.data_style.as_mut() {
                    if let Some(text) = ds.text.take() {
                        ds.push(&literal(&text));
                    }
                }
            }
            n if is_data_style(n) => {
                if let Some(ds) = self.data_style.take() {
                    let (name, style) = ds.finish();
                    styles.data.insert(name, style);
                }
            }
            _ => {}
        }
    }

    /// Text (or a character reference) inside the open element.
    pub(super) fn text(&mut self, t: &str) {
        if let Some(text) = self.data_style.as_mut().and_then(|d| d.text.as_mut()) {
            // Bytes, not characters, so that many small texts do not count it again each time;
            // the literal is cut to its characters when used.
            let room = (MAX_LITERAL_CHARS * 4).saturating_sub(text.len());
            let mut end = t.len().min(room);
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            text.push_str(t.get(..end).unwrap_or_default());
        }
    }
}

/// The common styles of `styles.xml` (its automatic and master styles are the pages', not the
/// cells'), its decompressed size bounded by `limit`.
///
/// # Errors
/// A message when the part is larger or its XML is damaged.
pub(super) fn read_styles_part(file: impl Read, limit: u64) -> Result<Styles, String> {
    let limited = Limited {
        inner: file,
        left: limit,
        exceeded: false,
    };
    let mut reader = Reader::from_reader(BufReader::new(limited));
    let mut buf = Vec::new();
    let mut styles = Styles::default();
    let mut parser = StyleReader::default();
    // Depth inside office:automatic-styles / office:master-styles (skipped).
    let mut skip_depth = 0usize;
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("styles.xml: {e}"))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                if skip_depth > 0 {
                    skip_depth += usize::from(!empty);
                    continue;
                }
                let name = e.name();
                if matches!(
                    name.as_ref(),
                    "office:automatic-styles" | "office:master-styles"
                ) && !empty
                {
                    skip_depth = 1;
                    continue;
                }
                parser.start(&mut styles, e, empty);
            }
            Event::End(end) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                let name = end.name();
                parser.end(&mut styles, name.as_ref());
            }
            Event::Text(t) => parser.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = crate::io::read::entity_char(r) {
                    parser.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(styles)
}

/// Whether `name` is an element that holds a data style (a number format).
fn is_data_style(name: &str) -> bool {
    matches!(
        name,
        "number:number-style"
            | "number:percentage-style"
            | "number:currency-style"
            | "number:date-style"
            | "number:time-style"
            | "number:boolean-style"
            | "number:text-style"
    )
}
