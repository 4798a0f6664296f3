//! Merged ranges and number formats of an `.ods`, which calamine does not expose.
//!
//! `styles.xml` (common styles) and `content.xml` (automatic styles, then the sheets) are
//! streamed through quick-xml with their decompressed size bounded. Repeated rows and columns
//! only advance positions: nothing is materialised for an empty repeat, so a trailing
//! `table:number-columns-repeated="16374"` costs one addition.

use crate::table::grid::Merge;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::fmt;
use std::io::{BufReader, Cursor, Read};

/// The most bytes one XML part may decompress to.
pub const MAX_XML_BYTES: u64 = 256 * 1024 * 1024;
/// The most formatted cells plus merges one sheet may have (repeats counted).
pub const MAX_TRACKED_CELLS: usize = 2_000_000;
/// The most bytes of format codes one sheet's map may hold (codes are cloned per cell).
pub const MAX_CODE_BYTES: usize = 32 * 1024 * 1024;
/// Format codes are cut to this many characters (Excel's own limit).
pub const MAX_CODE_CHARS: usize = 255;
/// The most conditional sections (`style:map`) put before a style's own (Excel has 4 in all).
const MAX_MAPS: usize = 3;
/// The most bytes of `META-INF/manifest.xml` read to look for encryption.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
/// How deep `style:parent-style-name` chains are followed.
const MAX_STYLE_DEPTH: usize = 16;
/// The most characters of a literal kept in a format code.
const MAX_LITERAL_CHARS: usize = 64;
/// The most digits a format code is given on either side of the point.
const MAX_DIGITS: u32 = 30;

/// The merges and number formats of one sheet (`table:table`) of an `.ods`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OdsSheetExtra {
    /// The sheet's `table:name`.
    pub name: String,
    /// Merged ranges (`table:number-columns-spanned` / `table:number-rows-spanned`), 0-based.
    pub merges: Vec<Merge>,
    /// 0-based (row, col) of each numeric cell (float, percentage, currency) → its number
    /// format as an Excel-style code (`"0.0%"`, `"#,##0"`, `"0.00"` …); General is left out.
    pub formats: HashMap<(u32, u32), String>,
}

/// Why the extras of an `.ods` could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OdsExtraError {
    /// The zip container could not be read; the text is the zip reader's message.
    Zip(String),
    /// The package has no `content.xml`.
    NoContent,
    /// The package is encrypted (the manifest has `manifest:encryption-data`).
    Encrypted,
    /// An XML part decompresses to more than `limit` bytes.
    TooLarge {
        /// The part's name.
        part: &'static str,
        /// The limit in bytes.
        limit: u64,
    },
    /// A sheet has more formatted cells and merges than [`MAX_TRACKED_CELLS`] (or more than
    /// [`MAX_CODE_BYTES`] of codes).
    TooManyCells {
        /// The sheet's name.
        sheet: String,
    },
    /// An XML part is nested deeper than [`crate::io::limits::MAX_XML_DEPTH`].
    TooDeep {
        /// The part's name.
        part: &'static str,
    },
    /// An XML part is not well-formed; the text is the parser's message.
    Xml {
        /// The part's name.
        part: &'static str,
        /// The parser's message.
        detail: String,
    },
}

impl fmt::Display for OdsExtraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Zip(e) => write!(f, "zip: {e}"),
            Self::NoContent => write!(f, "no content.xml"),
            Self::Encrypted => write!(f, "the document is encrypted"),
            Self::TooLarge { part, limit } => write!(f, "{part} is larger than {limit} bytes"),
            Self::TooManyCells { sheet } => {
                write!(f, "sheet {sheet}: too many formatted cells")
            }
            Self::TooDeep { part } => write!(f, "{part} is nested too deep"),
            Self::Xml { part, detail } => write!(f, "{part}: {detail}"),
        }
    }
}

impl std::error::Error for OdsExtraError {}

impl From<OdsExtraError> for crate::error::ImportError {
    fn from(e: OdsExtraError) -> Self {
        match e {
            OdsExtraError::Encrypted => Self::Encrypted,
            OdsExtraError::TooDeep { part } => Self::TooDeep {
                part: part.to_string(),
                limit: crate::io::limits::MAX_XML_DEPTH,
            },
            OdsExtraError::TooLarge { part, limit } => Self::UnpacksTooLarge {
                part: part.to_string(),
                size: limit,
                limit,
            },
            other => Self::Damaged {
                detail: other.to_string(),
            },
        }
    }
}

/// The merged ranges and number formats of every sheet of an `.ods`, in document order (the
/// same order and names as calamine's `sheet_names`).
///
/// # Errors
/// [`OdsExtraError`] when the zip or XML is damaged, a part is larger than [`MAX_XML_BYTES`],
/// a sheet has more than [`MAX_TRACKED_CELLS`] formatted cells, or the package is encrypted.
pub fn sheet_extras(bytes: &[u8]) -> Result<Vec<OdsSheetExtra>, OdsExtraError> {
    extras_with_limit(bytes, MAX_XML_BYTES)
}

fn extras_with_limit(bytes: &[u8], limit: u64) -> Result<Vec<OdsSheetExtra>, OdsExtraError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OdsExtraError::Zip(e.to_string()))?;
    if manifest_is_encrypted(&mut zip)? {
        return Err(OdsExtraError::Encrypted);
    }
    let mut styles = Styles::default();
    match zip.by_name("styles.xml") {
        Ok(file) => parse_part(file, "styles.xml", limit, &mut styles, None)?,
        Err(zip::result::ZipError::FileNotFound) => {}
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    }
    let mut sheets = Vec::new();
    match zip.by_name("content.xml") {
        Ok(file) => parse_part(file, "content.xml", limit, &mut styles, Some(&mut sheets))?,
        Err(zip::result::ZipError::FileNotFound) => return Err(OdsExtraError::NoContent),
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    }
    Ok(sheets)
}

fn manifest_is_encrypted(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<bool, OdsExtraError> {
    let file = match zip.by_name("META-INF/manifest.xml") {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(false),
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    };
    let mut text = Vec::new();
    file.take(MAX_MANIFEST_BYTES)
        .read_to_end(&mut text)
        .map_err(|e| OdsExtraError::Zip(e.to_string()))?;
    let needle = b"encryption-data";
    Ok(text.windows(needle.len()).any(|w| w == needle))
}

// ---------------------------------------------------------------------------------------------
// A reader that fails once more than a limit has been read (decompression bombs).

struct Limited<R> {
    inner: R,
    left: u64,
    exceeded: bool,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = usize::try_from(self.left.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        let n64 = n as u64;
        if n64 > self.left {
            self.exceeded = true;
            return Err(std::io::Error::other("decompressed size limit"));
        }
        self.left -= n64;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------------
// Styles.

/// A cell style (`style:style style:family="table-cell"`).
#[derive(Debug, Default)]
struct CellStyle {
    parent: Option<String>,
    data_style: Option<String>,
}

/// A data style (`number:number-style`, `number:percentage-style` …) as a format code section,
/// with the styles it applies under conditions (`style:map`).
#[derive(Debug, Default)]
struct DataStyle {
    /// `None` for styles that are not numbers (dates, times, text, booleans).
    code: Option<String>,
    maps: Vec<String>,
}

#[derive(Debug, Default)]
struct Styles {
    cells: HashMap<String, CellStyle>,
    data: HashMap<String, DataStyle>,
    /// Memo of [`Styles::code_of`].
    resolved: HashMap<String, Option<String>>,
}

impl Styles {
    /// The format code of cell style `name`: its data style (or its parents'), with the
    /// sections of the styles mapped under conditions first; `None` for General or unknown.
    fn code_of(&mut self, name: &str) -> Option<String> {
        if let Some(code) = self.resolved.get(name) {
            return code.clone();
        }
        let code = self.compute(name);
        self.resolved.insert(name.to_string(), code.clone());
        code
    }

    fn compute(&self, name: &str) -> Option<String> {
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
fn number_code(e: &BytesStart<'_>) -> String {
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
fn scientific_code(e: &BytesStart<'_>) -> String {
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
fn literal(text: &str) -> String {
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
struct DataStyleBuilder {
    name: String,
    numeric: bool,
    percentage: bool,
    code: String,
    maps: Vec<String>,
    /// Text of the open `number:text` / `number:currency-symbol`, if any.
    text: Option<String>,
}

impl DataStyleBuilder {
    /// Appends to the code, which never grows past [`MAX_CODE_CHARS`].
    fn push(&mut self, part: &str) {
        let room = MAX_CODE_CHARS.saturating_sub(self.code.chars().count());
        self.code.extend(part.chars().take(room));
    }

    fn finish(self) -> (String, DataStyle) {
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

// ---------------------------------------------------------------------------------------------
// The sheets.

/// Column default cell styles: (first column, last column + 1, style), in order.
type Columns = Vec<(u64, u64, Option<String>)>;

struct SheetBuilder {
    extra: OdsSheetExtra,
    columns: Columns,
    next_column: u64,
    row: u64,
    tracked: usize,
    code_bytes: usize,
}

/// The row being read.
struct RowBuilder {
    repeat: u64,
    default_style: Option<String>,
    col: u64,
    /// (col, code) of the formatted numeric cells.
    cells: Vec<(u64, String)>,
    /// The bytes of the codes in `cells`.
    code_bytes: usize,
    /// (col, columns spanned, rows spanned).
    merges: Vec<(u64, u64, u64)>,
}

impl SheetBuilder {
    fn column_style(&self, col: u64) -> Option<&str> {
        let i = self.columns.partition_point(|(start, _, _)| *start <= col);
        let (_, end, style) = self.columns.get(i.checked_sub(1)?)?;
        if col < *end {
            style.as_deref()
        } else {
            None
        }
    }

    /// Fails when `n` more items in `row` would pass the limit.
    fn check_row(&self, row: &RowBuilder, n: u64) -> Result<(), OdsExtraError> {
        let pending = row.cells.len().saturating_add(row.merges.len()) as u64;
        let total = (self.tracked as u64)
            .saturating_add(pending)
            .saturating_add(n);
        let bytes = self.code_bytes.saturating_add(row.code_bytes);
        if total > MAX_TRACKED_CELLS as u64 || bytes > MAX_CODE_BYTES {
            return Err(OdsExtraError::TooManyCells {
                sheet: self.extra.name.clone(),
            });
        }
        Ok(())
    }

    fn track(&mut self, n: u64) -> Result<(), OdsExtraError> {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        self.tracked = self.tracked.saturating_add(n);
        if self.tracked > MAX_TRACKED_CELLS {
            return Err(OdsExtraError::TooManyCells {
                sheet: self.extra.name.clone(),
            });
        }
        Ok(())
    }

    /// Applies a finished row, `repeat` times from the current row.
    fn end_row(&mut self, row: RowBuilder) -> Result<(), OdsExtraError> {
        let items = row.cells.len().saturating_add(row.merges.len()) as u64;
        if items > 0 {
            self.track(items.saturating_mul(row.repeat))?;
            let bytes = (row.code_bytes as u64).saturating_mul(row.repeat);
            self.code_bytes = self
                .code_bytes
                .saturating_add(usize::try_from(bytes).unwrap_or(usize::MAX));
            if self.code_bytes > MAX_CODE_BYTES {
                return Err(OdsExtraError::TooManyCells {
                    sheet: self.extra.name.clone(),
                });
            }
            for k in 0..row.repeat {
                let Some(r) = pos(self.row.saturating_add(k)) else {
                    break;
                };
                for (col, code) in &row.cells {
                    if let Some(c) = pos(*col) {
                        self.extra.formats.insert((r, c), code.clone());
                    }
                }
                for &(col, cols, rows) in &row.merges {
                    if let Some(c) = pos(col) {
                        self.extra.merges.push(Merge {
                            first_row: r,
                            first_col: c,
                            last_row: clamp_pos(u64::from(r).saturating_add(rows - 1)),
                            last_col: clamp_pos(col.saturating_add(cols - 1)),
                        });
                    }
                }
            }
        }
        self.row = self.row.saturating_add(row.repeat);
        Ok(())
    }
}

fn pos(n: u64) -> Option<u32> {
    u32::try_from(n).ok()
}

fn clamp_pos(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------------------------
// XML.

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

fn attr_u32(e: &BytesStart<'_>, key: &str) -> Option<u32> {
    attr(e, key)?.trim().parse().ok()
}

/// A repeat or span count: at least 1; absurd values are kept (positions are u64) but never
/// iterated over unless the cells are tracked.
fn attr_count(e: &BytesStart<'_>, key: &str) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, u64::from(u32::MAX))
}

/// Parses one XML part: styles always (in `styles.xml` only the common ones), the sheets when
/// `sheets` is given.
fn parse_part<R: Read>(
    file: R,
    part: &'static str,
    limit: u64,
    styles: &mut Styles,
    mut sheets: Option<&mut Vec<OdsSheetExtra>>,
) -> Result<(), OdsExtraError> {
    let limited = Limited {
        inner: file,
        left: limit,
        exceeded: false,
    };
    let mut reader = Reader::from_reader(BufReader::new(limited));
    let mut buf = Vec::new();
    let in_styles_file = sheets.is_none();
    // Depth inside office:automatic-styles / office:master-styles of styles.xml (skipped).
    let mut skip_depth = 0usize;
    let mut data_style: Option<DataStyleBuilder> = None;
    // Depth of table:table elements (nested tables inside cells are ignored).
    let mut table_depth = 0usize;
    let mut sheet: Option<SheetBuilder> = None;
    let mut row: Option<RowBuilder> = None;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                if reader.get_ref().get_ref().exceeded {
                    return Err(OdsExtraError::TooLarge { part, limit });
                }
                return Err(OdsExtraError::Xml {
                    part,
                    detail: e.to_string(),
                });
            }
        };
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(end) => {
                let name = end.name();
                let name = name.as_ref();
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match name {
                    "number:text" | "number:currency-symbol" => {
                        if let Some(ds) = data_style.as_mut() {
                            if let Some(text) = ds.text.take() {
                                ds.push(&literal(&text));
                            }
                        }
                    }
                    "number:number-style"
                    | "number:percentage-style"
                    | "number:currency-style"
                    | "number:date-style"
                    | "number:time-style"
                    | "number:boolean-style"
                    | "number:text-style" => {
                        if let Some(ds) = data_style.take() {
                            let (name, style) = ds.finish();
                            styles.data.insert(name, style);
                        }
                    }
                    "table:table" => {
                        table_depth = table_depth.saturating_sub(1);
                        if table_depth == 0 {
                            if let (Some(s), Some(list)) = (sheet.take(), sheets.as_deref_mut()) {
                                list.push(s.extra);
                            }
                        }
                    }
                    "table:table-row" if table_depth == 1 => {
                        if let (Some(s), Some(r)) = (sheet.as_mut(), row.take()) {
                            s.end_row(r)?;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Event::Text(t) => {
                if let Some(text) = data_style.as_mut().and_then(|d| d.text.as_mut()) {
                    if text.chars().count() < MAX_LITERAL_CHARS {
                        text.push_str(&t.xml10_content());
                    }
                }
                continue;
            }
            Event::GeneralRef(r) => {
                if let Some(text) = data_style.as_mut().and_then(|d| d.text.as_mut()) {
                    let c = match &**r {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => r.resolve_char_ref().ok().flatten(),
                    };
                    if let Some(c) = c {
                        text.push(c);
                    }
                }
                continue;
            }
            Event::Eof => {
                if table_depth > 0 || data_style.is_some() {
                    return Err(OdsExtraError::Xml {
                        part,
                        detail: "unexpected end of the document".to_string(),
                    });
                }
                break;
            }
            _ => continue,
        };
        let name = e.name();
        let name = name.as_ref();
        if skip_depth > 0 {
            if !empty {
                skip_depth += 1;
            }
            continue;
        }
        match name {
            "office:automatic-styles" | "office:master-styles" if in_styles_file && !empty => {
                skip_depth = 1;
            }
            // Styles.
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
            "number:number-style"
            | "number:percentage-style"
            | "number:currency-style"
            | "number:date-style"
            | "number:time-style"
            | "number:boolean-style"
            | "number:text-style" => {
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
                    data_style = Some(builder);
                }
            }
            "number:number" => {
                if let Some(ds) = data_style.as_mut() {
                    ds.push(&number_code(e));
                }
            }
            "number:scientific-number" => {
                if let Some(ds) = data_style.as_mut() {
                    ds.push(&scientific_code(e));
                }
            }
            "number:fraction" => {
                if let Some(ds) = data_style.as_mut() {
                    ds.push("# ?/?");
                }
            }
            "number:text" | "number:currency-symbol" if !empty => {
                if let Some(ds) = data_style.as_mut() {
                    ds.text = Some(String::new());
                }
            }
            "style:map" => {
                if let (Some(ds), Some(n)) =
                    (data_style.as_mut(), attr(e, "style:apply-style-name"))
                {
                    if ds.maps.len() < MAX_MAPS {
                        ds.maps.push(n);
                    }
                }
            }
            // Sheets.
            "table:table" => {
                let outer = table_depth == 0 && sheets.is_some();
                if !empty {
                    table_depth += 1;
                }
                if outer {
                    let builder = SheetBuilder {
                        extra: OdsSheetExtra {
                            name: attr(e, "table:name").unwrap_or_default(),
                            ..OdsSheetExtra::default()
                        },
                        columns: Vec::new(),
                        next_column: 0,
                        row: 0,
                        tracked: 0,
                        code_bytes: 0,
                    };
                    if empty {
                        if let Some(list) = sheets.as_deref_mut() {
                            list.push(builder.extra);
                        }
                    } else {
                        sheet = Some(builder);
                    }
                }
            }
            "table:table-column" if table_depth == 1 => {
                if let Some(s) = sheet.as_mut() {
                    let n = attr_count(e, "table:number-columns-repeated");
                    let start = s.next_column;
                    s.next_column = start.saturating_add(n);
                    let style = attr(e, "table:default-cell-style-name");
                    if style.is_some() {
                        s.columns.push((start, s.next_column, style));
                    }
                }
            }
            "table:table-row" if table_depth == 1 && sheet.is_some() => {
                let r = RowBuilder {
                    repeat: attr_count(e, "table:number-rows-repeated"),
                    default_style: attr(e, "table:default-cell-style-name"),
                    col: 0,
                    cells: Vec::new(),
                    code_bytes: 0,
                    merges: Vec::new(),
                };
                if empty {
                    if let Some(s) = sheet.as_mut() {
                        s.end_row(r)?;
                    }
                } else {
                    row = Some(r);
                }
            }
            "table:table-cell" | "table:covered-table-cell" if table_depth == 1 => {
                let (Some(s), Some(r)) = (sheet.as_mut(), row.as_mut()) else {
                    continue;
                };
                let n = attr_count(e, "table:number-columns-repeated");
                let col = r.col;
                r.col = col.saturating_add(n);
                if name == "table:covered-table-cell" {
                    continue;
                }
                let cols = attr_count(e, "table:number-columns-spanned");
                let rows = attr_count(e, "table:number-rows-spanned");
                if cols > 1 || rows > 1 {
                    s.check_row(r, n)?;
                    for i in 0..n {
                        r.merges.push((col.saturating_add(i), cols, rows));
                    }
                }
                let numeric = matches!(
                    attr(e, "office:value-type").as_deref(),
                    Some("float" | "percentage" | "currency")
                );
                if !numeric {
                    continue;
                }
                s.check_row(r, n)?;
                let own = attr(e, "table:style-name").or_else(|| r.default_style.clone());
                for i in 0..n {
                    let c = col.saturating_add(i);
                    let style = match &own {
                        Some(o) => Some(o.as_str()),
                        None => s.column_style(c),
                    };
                    if let Some(code) = style.and_then(|st| styles.code_of(st)) {
                        r.code_bytes = r.code_bytes.saturating_add(code.len());
                        r.cells.push((c, code));
                        s.check_row(r, 0)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// What calamine will build from content.xml, measured before it does.

/// What calamine will build from one sheet (`table:table`) of an `.ods`, measured from
/// `content.xml` before calamine reads it: calamine keeps each row element's cells up to the
/// last non-empty one, then copies every row and cell as often as it is repeated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OdsExtent {
    /// The sheet's `table:name`.
    pub name: String,
    /// Rows from row 1 to the last row with a non-empty cell (repeats counted).
    pub rows: u64,
    /// Columns from column A to the last non-empty cell of any row.
    pub cols: u64,
    /// Cells calamine stores before it expands repeated rows (each row element to its last
    /// non-empty cell).
    pub stored: u64,
    /// Bytes of text and formulas of the non-empty cells (plus a few per cell), counted once
    /// per repeat.
    pub text: u64,
    /// The most characters in one cell.
    pub longest: u64,
}

/// Measures every sheet of an `.ods` (see [`OdsExtent`]) in one streaming pass over
/// `content.xml`, its size bounded by [`MAX_XML_BYTES`] and its nesting by
/// [`crate::io::limits::MAX_XML_DEPTH`].
///
/// # Errors
/// [`OdsExtraError`] when the zip or XML is damaged, `content.xml` is too large or nested too
/// deep, or the package is encrypted.
pub fn sheet_extents(bytes: &[u8]) -> Result<Vec<OdsExtent>, OdsExtraError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OdsExtraError::Zip(e.to_string()))?;
    if manifest_is_encrypted(&mut zip)? {
        return Err(OdsExtraError::Encrypted);
    }
    let file = match zip.by_name("content.xml") {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Err(OdsExtraError::NoContent),
        Err(e) => return Err(OdsExtraError::Zip(e.to_string())),
    };
    measure(file, MAX_XML_BYTES)
}

/// calamine keeps at most this many cells of a row (its column limit).
const CALAMINE_COLUMNS: u64 = 16_384;

struct SheetM {
    extent: OdsExtent,
    depth: usize,
    next_row: u64,
}

struct RowM {
    repeat: u64,
    col: u64,
    /// The column after the last non-empty cell.
    end: u64,
    text: u64,
    depth: usize,
}

struct CellM {
    col: u64,
    repeat: u64,
    non_empty: bool,
    text: u64,
    chars: u64,
    depth: usize,
}

impl SheetM {
    fn finish_cell(&mut self, row: &mut RowM, cell: CellM) {
        if cell.non_empty {
            row.end = cell.col.saturating_add(cell.repeat);
            let bytes = cell.text.saturating_add(8);
            row.text = row.text.saturating_add(bytes.saturating_mul(cell.repeat));
            self.extent.longest = self.extent.longest.max(cell.chars);
        }
    }

    fn finish_row(&mut self, row: RowM) {
        if row.end > 0 {
            let e = &mut self.extent;
            e.rows = self.next_row.saturating_add(row.repeat);
            e.cols = e.cols.max(row.end);
            e.stored = e.stored.saturating_add(row.end.min(CALAMINE_COLUMNS));
            e.text = e.text.saturating_add(row.text.saturating_mul(row.repeat));
        }
        self.next_row = self.next_row.saturating_add(row.repeat);
    }
}

fn measure(file: impl Read, limit: u64) -> Result<Vec<OdsExtent>, OdsExtraError> {
    const PART: &str = "content.xml";
    let limited = Limited {
        inner: file,
        left: limit,
        exceeded: false,
    };
    let mut reader = Reader::from_reader(BufReader::new(limited));
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut sheets: Vec<OdsExtent> = Vec::new();
    let mut sheet: Option<SheetM> = None;
    let mut row: Option<RowM> = None;
    let mut cell: Option<CellM> = None;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                if reader.get_ref().get_ref().exceeded {
                    return Err(OdsExtraError::TooLarge { part: PART, limit });
                }
                return Err(OdsExtraError::Xml {
                    part: PART,
                    detail: e.to_string(),
                });
            }
        };
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                if cell.as_ref().is_some_and(|c| c.depth == depth) {
                    if let (Some(s), Some(r), Some(c)) = (sheet.as_mut(), row.as_mut(), cell.take())
                    {
                        s.finish_cell(r, c);
                    }
                } else if row.as_ref().is_some_and(|r| r.depth == depth) {
                    if let (Some(s), Some(r)) = (sheet.as_mut(), row.take()) {
                        s.finish_row(r);
                    }
                } else if sheet.as_ref().is_some_and(|s| s.depth == depth) {
                    if let Some(s) = sheet.take() {
                        sheets.push(s.extent);
                    }
                }
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    let text = t.xml10_content();
                    c.non_empty = true;
                    c.text = c.text.saturating_add(text.len() as u64);
                    c.chars = c.chars.saturating_add(text.chars().count() as u64);
                }
                continue;
            }
            Event::CData(t) => {
                if let Some(c) = cell.as_mut() {
                    c.non_empty = true;
                    c.text = c.text.saturating_add(t.len() as u64);
                    c.chars = c.chars.saturating_add(t.len() as u64);
                }
                continue;
            }
            Event::GeneralRef(_) => {
                if let Some(c) = cell.as_mut() {
                    c.non_empty = true;
                    c.text = c.text.saturating_add(4);
                    c.chars = c.chars.saturating_add(1);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if !empty {
            depth += 1;
            if depth > crate::io::limits::MAX_XML_DEPTH {
                return Err(OdsExtraError::TooDeep { part: PART });
            }
        }
        let name = e.name();
        match name.as_ref() {
            "table:table" if sheet.is_none() => {
                let s = SheetM {
                    extent: OdsExtent {
                        name: attr(e, "table:name").unwrap_or_default(),
                        ..OdsExtent::default()
                    },
                    depth,
                    next_row: 0,
                };
                if empty {
                    sheets.push(s.extent);
                } else {
                    sheet = Some(s);
                }
            }
            "table:table-row" if sheet.is_some() && row.is_none() => {
                let r = RowM {
                    repeat: attr_count(e, "table:number-rows-repeated"),
                    col: 0,
                    end: 0,
                    text: 0,
                    depth,
                };
                if empty {
                    if let Some(s) = sheet.as_mut() {
                        s.finish_row(r);
                    }
                } else {
                    row = Some(r);
                }
            }
            "table:table-cell" | "table:covered-table-cell" if cell.is_none() => {
                let Some(r) = row.as_mut() else { continue };
                let repeat = attr_count(e, "table:number-columns-repeated");
                let formula = attr(e, "table:formula").map_or(0, |f| f.len() as u64);
                let c = CellM {
                    col: r.col,
                    repeat,
                    non_empty: formula > 0 || attr(e, "office:value-type").is_some(),
                    text: formula,
                    chars: 0,
                    depth,
                };
                r.col = r.col.saturating_add(repeat);
                if empty {
                    if let Some(s) = sheet.as_mut() {
                        s.finish_cell(r, c);
                    }
                } else {
                    cell = Some(c);
                }
            }
            _ => {
                // Paragraphs, spans and line breaks make a cell non-empty.
                if let Some(c) = cell.as_mut() {
                    c.non_empty = true;
                    c.text = c.text.saturating_add(1);
                }
            }
        }
    }
    if let Some(s) = sheet.take() {
        sheets.push(s.extent);
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader as _, Xlsx};
    use std::io::Write;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).expect(&path)
    }

    const WANGCHUAN: &str = "wangchuan-city-2016-2020-assessment";

    fn wangchuan() -> OdsSheetExtra {
        let mut sheets = sheet_extras(&fixture(&format!("{WANGCHUAN}.ods"))).unwrap();
        assert_eq!(sheets.len(), 1);
        let sheet = sheets.remove(0);
        assert_eq!(sheet.name, "考核指标");
        sheet
    }

    fn merge(first_row: u32, first_col: u32, last_row: u32, last_col: u32) -> Merge {
        Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        }
    }

    #[test]
    fn wangchuan_merges_are_read() {
        let merges = wangchuan().merges;
        for m in [
            merge(0, 0, 0, 9), // A1:J1 title
            merge(1, 0, 1, 9), // A2:J2
            merge(2, 0, 3, 0), // A3:A4 序号
            merge(2, 1, 3, 1), // B3:B4
            merge(2, 2, 3, 2), // C3:C4
            merge(2, 3, 3, 3), // D3:D4 权重
            merge(2, 6, 2, 7), // G3:H3 实际完成值
            merge(2, 8, 3, 8), // I3:I4
            merge(2, 9, 3, 9), // J3:J4
            merge(4, 0, 4, 9), // A5:J5 一、经济发展
            merge(10, 0, 10, 9),
            merge(14, 0, 14, 9),
            merge(21, 0, 21, 9),
        ] {
            assert!(merges.contains(&m), "{m:?} missing from {merges:?}");
        }
        // E3 and F3 are single cells over E4 and F4, and no merge reaches the repeated tail.
        assert!(!merges.iter().any(|m| m.contains(2, 4) || m.contains(2, 5)));
        assert!(merges.iter().all(|m| m.last_col <= 9));
    }

    #[test]
    fn wangchuan_number_formats_are_read() {
        let f = wangchuan().formats;
        let at = |r, c| f.get(&(r, c)).map(String::as_str);
        // G24/H24 (seq 16): 0.879 and 0.868 shown as 87.9 % and 86.8 %.
        assert_eq!(at(23, 6), Some("0.0%"));
        assert_eq!(at(23, 7), Some("0.0%"));
        // E7:H7 (seq 2) and row 16 (seq 9) use #,##0.
        for c in 4..=7 {
            assert_eq!(at(6, c), Some("#,##0"), "col {c}");
        }
        assert_eq!(at(15, 4), Some("#,##0"));
        // Two decimals, three decimals.
        assert_eq!(at(11, 4), Some("0.00"));
        assert_eq!(at(22, 4), Some("0.000"));
        // The seq column is General; text cells (H19 `—`, 完成) have no format.
        assert_eq!(at(5, 0), None);
        assert_eq!(at(18, 7), None);
    }

    /// The .ods is the .xlsx converted by LibreOffice: every format found must be the one
    /// calamine reports for the same cell of the .xlsx.
    #[test]
    fn wangchuan_formats_agree_with_the_xlsx_twin() {
        let ods = wangchuan().formats;
        let bytes = fixture(&format!("{WANGCHUAN}.xlsx"));
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let styles = wb.worksheet_style("考核指标").unwrap();
        let range = wb.worksheet_range("考核指标").unwrap();
        let mut numeric = 0;
        for (r, c, data) in range.used_cells() {
            let (start_r, start_c) = range.start().unwrap();
            let (r, c) = (start_r + r as u32, start_c + c as u32);
            if !matches!(data, calamine::Data::Float(_) | calamine::Data::Int(_)) {
                assert_eq!(ods.get(&(r, c)), None, "({r}, {c}) is not a number");
                continue;
            }
            numeric += 1;
            let xlsx = styles
                .get((r, c))
                .and_then(|s| s.number_format.as_ref())
                .map(|n| n.format_code.clone())
                .filter(|code| code != "General");
            assert_eq!(ods.get(&(r, c)), xlsx.as_ref(), "({r}, {c})");
        }
        assert!(numeric > 50, "{numeric}");
    }

    fn ods_zip(content: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", options).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0">"#;

    #[test]
    fn huge_empty_repeats_only_move_positions() {
        let content = format!(
            r#"{HEAD}<office:automatic-styles>
            <number:percentage-style style:name="P1"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
            <number:number-style style:name="N3"><number:number number:decimal-places="1" number:min-decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
            <style:style style:name="ce1" style:family="table-cell" style:data-style-name="P1"/>
            <style:style style:name="ce2" style:family="table-cell" style:parent-style-name="ce1"/>
            <style:style style:name="ce3" style:family="table-cell" style:data-style-name="N3"/>
            </office:automatic-styles><office:body><office:spreadsheet>
            <table:table table:name="S1">
            <table:table-column table:number-columns-repeated="2"/>
            <table:table-column table:default-cell-style-name="ce3" table:number-columns-repeated="2000000"/>
            <table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000000"/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="1000000"/><table:table-cell table:style-name="ce2" office:value-type="percentage" office:value="0.5" table:number-columns-spanned="2"/><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="3"/><table:table-cell table:number-columns-repeated="1000000"/></table:table-row>
            <table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>
            </table:table>
            <table:table table:name="S2"><table:table-row><table:table-cell table:style-name="ce1" office:value-type="string"/></table:table-row></table:table>
            </office:spreadsheet></office:body></office:document-content>"#
        );
        let started = std::time::Instant::now();
        let sheets = sheet_extras(&ods_zip(&content)).unwrap();
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(sheets.len(), 2);
        let s1 = &sheets[0];
        assert_eq!(s1.name, "S1");
        assert_eq!(
            s1.merges,
            vec![merge(1_000_000, 1_000_000, 1_000_000, 1_000_001)]
        );
        assert_eq!(
            s1.formats.get(&(1_000_000, 1_000_000)).map(String::as_str),
            Some("0.00%")
        );
        // No style on the cell: the column's default cell style applies.
        assert_eq!(
            s1.formats.get(&(1_000_000, 1_000_002)).map(String::as_str),
            Some("#,##0.#")
        );
        for r in 1_000_001..=1_000_003 {
            assert_eq!(s1.formats.get(&(r, 2)).map(String::as_str), Some("#,##0.#"));
        }
        assert_eq!(s1.formats.len(), 5);
        assert_eq!(sheets[1].name, "S2");
        assert!(sheets[1].formats.is_empty() && sheets[1].merges.is_empty());
    }

    #[test]
    fn repeated_numeric_cells_are_capped() {
        let content = format!(
            r#"{HEAD}<office:automatic-styles><number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-integer-digits="1"/></number:number-style><style:style style:name="ce1" style:family="table-cell" style:data-style-name="N2"/></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Big"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:style-name="ce1" office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        assert_eq!(
            sheet_extras(&ods_zip(&content)),
            Err(OdsExtraError::TooManyCells {
                sheet: "Big".to_string()
            })
        );
    }

    #[test]
    fn encrypted_package_is_encrypted() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("META-INF/manifest.xml", options).unwrap();
        zip.write_all(b"<manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data/></manifest:file-entry>")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        zip.write_all(b"\x93\x12 not XML").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(sheet_extras(&bytes), Err(OdsExtraError::Encrypted));
    }

    #[test]
    fn decompressed_size_is_bounded() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        assert!(matches!(
            extras_with_limit(&bytes, 10_000),
            Err(OdsExtraError::TooLarge { .. })
        ));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(sheet_extras(b"").is_err());
        assert!(sheet_extras(b"PK\x03\x04 not really a zip").is_err());
        let noise: Vec<u8> = (0..10_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(sheet_extras(&noise).is_err());
        assert_eq!(
            sheet_extras(&ods_zip(&format!("{HEAD}<office:body><office:spreadsheet><table:table table:name=\"x\"><table:table-row>"))),
            Err(OdsExtraError::Xml {
                part: "content.xml",
                detail: "unexpected end of the document".to_string()
            })
        );
    }

    #[test]
    fn truncated_files_are_errors_and_never_panic() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        for len in (0..bytes.len()).step_by(61) {
            assert!(sheet_extras(&bytes[..len]).is_err(), "{len} bytes");
        }
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        let bytes = fixture(&format!("{WANGCHUAN}.ods"));
        for i in (0..bytes.len()).step_by(53) {
            for value in [0x00, 0xFF, 0x7F] {
                let mut damaged = bytes.clone();
                damaged[i] = value;
                let _ = sheet_extras(&damaged);
            }
        }
    }
}
