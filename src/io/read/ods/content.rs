//! The sheets of `content.xml`: merged ranges and the number format of each numeric cell,
//! streamed with repeats only advancing positions.

use super::styles::{
    literal, number_code, scientific_code, CellStyle, DataStyleBuilder, Styles, MAX_LITERAL_CHARS,
    MAX_MAPS,
};
use super::{attr, attr_count, Limited, OdsExtraError, OdsSheetExtra};
use crate::io::limits::{MAX_CODE_BYTES, MAX_TRACKED_CELLS};
use crate::table::grid::Merge;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::{BufReader, Read};

/// Column default cell styles: (first column, last column + 1, style), in order.
type Columns = Vec<(u64, u64, Option<String>)>;

pub(super) struct SheetBuilder {
    extra: OdsSheetExtra,
    columns: Columns,
    next_column: u64,
    row: u64,
    tracked: usize,
    code_bytes: usize,
}

/// The row being read.
pub(super) struct RowBuilder {
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

pub(super) fn pos(n: u64) -> Option<u32> {
    u32::try_from(n).ok()
}

pub(super) fn clamp_pos(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parses one XML part: styles always (in `styles.xml` only the common ones), the sheets when
/// `sheets` is given.
pub(super) fn parse_part<R: Read>(
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
                    let c = crate::io::read::entity_char(r);
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
