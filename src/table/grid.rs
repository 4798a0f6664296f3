//! A format-neutral grid: what every reader produces, so that detection and the planning core
//! never see calamine or CSV types.

use crate::plan::RawCell;
use serde::{Deserialize, Serialize};

/// The file format, detected from the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// BIFF8 workbook (`.xls`).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
    /// Comma- or tab-separated text.
    Csv,
    /// An HTML page's tables (what web systems export as `.xls`).
    Html,
    /// SpreadsheetML 2003 XML (Excel 2003's "XML Spreadsheet", saved as `.xml` or `.xls`).
    Xml2003,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
}

impl Format {
    /// The lower-case name used in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Xls => "xls",
            Self::Ods => "ods",
            Self::Csv => "csv",
            Self::Html => "html",
            Self::Xml2003 => "xml2003",
            Self::Xlsb => "xlsb",
        }
    }
}

/// A merged range, 0-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merge {
    /// Top row, 0-based.
    pub first_row: u32,
    /// Left column, 0-based.
    pub first_col: u32,
    /// Bottom row, 0-based, inclusive.
    pub last_row: u32,
    /// Right column, 0-based, inclusive.
    pub last_col: u32,
}

impl Merge {
    /// Whether the range covers (row, col).
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }
}

/// One sheet: rows of cells from A1, with the merged ranges.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// The sheet's name in its workbook.
    pub name: String,
    /// Row-major cells starting at A1; rows may be shorter than `width`.
    pub rows: Vec<Vec<RawCell>>,
    /// Merged ranges, as the file states them.
    pub merges: Vec<Merge>,
}

impl Sheet {
    /// The number of columns (the longest row).
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// The cell at 0-based (row, col), `Empty` outside the grid.
    pub fn cell(&self, row: usize, col: usize) -> &RawCell {
        static EMPTY: RawCell = RawCell::Empty;
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&EMPTY)
    }

    /// The cell's text as shown (numbers in their shortest form), trimmed.
    pub fn text(&self, row: usize, col: usize) -> String {
        match self.cell(row, col) {
            RawCell::Empty => String::new(),
            RawCell::Text { s } => s.trim().to_string(),
            RawCell::Number { n, .. } => format_number(*n),
        }
    }

    /// The cell's text as its number format shows it (for display).
    pub fn display(&self, row: usize, col: usize) -> String {
        match self.cell(row, col) {
            RawCell::Number { n, format } => display_number(*n, format.as_deref()),
            _ => self.text(row, col),
        }
    }

    /// The merged range whose top-left cell is (row, col), if any.
    pub fn merge_at(&self, row: usize, col: usize) -> Option<&Merge> {
        self.merges
            .iter()
            .find(|m| m.first_row as usize == row && m.first_col as usize == col)
    }

    /// The merged range covering (row, col), if any.
    pub fn merge_covering(&self, row: usize, col: usize) -> Option<&Merge> {
        let (r, c) = (u32::try_from(row).ok()?, u32::try_from(col).ok()?);
        self.merges.iter().find(|m| m.contains(r, c))
    }

    /// The text of (row, col), or of the top-left cell of the merged range that covers it.
    pub fn merged_text(&self, row: usize, col: usize) -> String {
        match self.merge_covering(row, col) {
            Some(m) => self.text(m.first_row as usize, m.first_col as usize),
            None => self.text(row, col),
        }
    }
}

/// The merged ranges of a sheet by row, for the lookups that detection makes for every row:
/// [`Sheet::merge_covering`] and [`Sheet::merge_at`] scan every merge, which makes a table with
/// a merged category row every few rows quadratic.
///
/// Each row lists the merges that cover it (or start in it), in the sheet's order, so every
/// answer is the one the scan gives. A sheet whose merges would list more than a few entries per
/// row (a hostile file of tall overlapping ranges) keeps the scan.
#[derive(Clone, Debug)]
pub struct MergeIndex<'a> {
    sheet: &'a Sheet,
    /// `items[starts[r]..starts[r + 1]]`: indices into `sheet.merges` of the merges on row `r`;
    /// empty when the index is not used.
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl<'a> MergeIndex<'a> {
    /// Most entries per row (on average) before the index gives up for the scan.
    const BUDGET_PER_ROW: usize = 8;

    /// Indexes the merges of `sheet` by row.
    pub fn new(sheet: &'a Sheet) -> Self {
        let rows = sheet.rows.len();
        let scan = Self {
            sheet,
            starts: Vec::new(),
            items: Vec::new(),
        };
        if sheet.merges.is_empty() || u32::try_from(sheet.merges.len()).is_err() {
            return scan;
        }
        // The rows a merge is listed on: from its first row to its last (at least the first, for
        // `merge_at`), within the grid.
        let span = |m: &Merge| {
            let first = m.first_row as usize;
            let last = (m.last_row as usize).max(first).min(rows.saturating_sub(1));
            first..last.saturating_add(1)
        };
        let budget = rows
            .saturating_mul(Self::BUDGET_PER_ROW)
            .saturating_add(1024);
        let mut counts = vec![0u32; rows + 1];
        let mut total = 0usize;
        for m in &sheet.merges {
            let r = span(m);
            total = total.saturating_add(r.len());
            if total > budget || u32::try_from(total).is_err() {
                return scan;
            }
            for row in r {
                if let Some(c) = counts.get_mut(row + 1) {
                    *c += 1;
                }
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut next = counts.clone();
        let mut items = vec![0u32; total];
        for (i, m) in sheet.merges.iter().enumerate() {
            for row in span(m) {
                if let Some(slot) = next.get_mut(row) {
                    if let Some(item) = items.get_mut(*slot as usize) {
                        *item = i as u32;
                    }
                    *slot += 1;
                }
            }
        }
        Self {
            sheet,
            starts: counts,
            items,
        }
    }

    /// The merges listed on `row`, or `None` when the index does not answer for it.
    fn on_row(&self, row: usize) -> Option<impl Iterator<Item = &'a Merge> + '_> {
        let from = *self.starts.get(row)? as usize;
        let to = *self.starts.get(row + 1)? as usize;
        let merges = &self.sheet.merges;
        Some(
            self.items
                .get(from..to)?
                .iter()
                .filter_map(move |&i| merges.get(i as usize)),
        )
    }

    /// [`Sheet::merge_covering`].
    pub fn covering(&self, row: usize, col: usize) -> Option<&'a Merge> {
        match self.on_row(row) {
            Some(mut merges) => {
                let (r, c) = (u32::try_from(row).ok()?, u32::try_from(col).ok()?);
                merges.find(|m| m.contains(r, c))
            }
            None => self.sheet.merge_covering(row, col),
        }
    }

    /// [`Sheet::merge_at`].
    pub fn at(&self, row: usize, col: usize) -> Option<&'a Merge> {
        match self.on_row(row) {
            Some(mut merges) => {
                merges.find(|m| m.first_row as usize == row && m.first_col as usize == col)
            }
            None => self.sheet.merge_at(row, col),
        }
    }

    /// [`Sheet::merged_text`].
    pub fn merged_text(&self, row: usize, col: usize) -> String {
        match self.covering(row, col) {
            Some(m) => self.sheet.text(m.first_row as usize, m.first_col as usize),
            None => self.sheet.text(row, col),
        }
    }
}

/// A whole workbook.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Workbook {
    /// The format the bytes were read as (`None` for a workbook built in code).
    pub format: Option<Format>,
    /// Every sheet, in workbook order.
    pub sheets: Vec<Sheet>,
    /// The look of each sheet by index, where its file states one (may be shorter than
    /// `sheets`: the rest state none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub styles: Vec<Option<crate::table::style::SheetStyle>>,
}

/// Formats a number the way a spreadsheet's "General" format would (no exponent for
/// ordinary values, no trailing zeros).
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n == n.trunc() && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{:.10}", n);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// A number as its number format shows it: the format's decimals, `%` formats ×100 with a
/// `%` sign, `#,##0` with thousands separators; unknown or General formats as [`format_number`].
pub fn display_number(n: f64, format: Option<&str>) -> String {
    let Some(code) = format.filter(|c| !c.is_empty() && *c != "General") else {
        return format_number(n);
    };
    // Only the first section of a format applies to positive numbers; ignore colours etc.
    let section = code.split(';').next().unwrap_or(code);
    let percent = section.contains('%');
    let decimals = section
        .split_once('.')
        .map(|(_, frac)| frac.chars().take_while(|c| *c == '0' || *c == '#').count())
        .unwrap_or(0);
    let value = if percent { n * 100.0 } else { n };
    let mut text = format!("{:.*}", decimals, value);
    if section.contains(',') {
        text = group_thousands(&text);
    }
    if percent {
        text.push('%');
    }
    text
}

fn group_thousands(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Excel's column letters for a 0-based column index (0 → "A", 27 → "AB").
pub fn col_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The 0-based column index of Excel's letters (`"AB"` → 27); `None` for anything else.
pub fn col_index(letters: &str) -> Option<usize> {
    if letters.is_empty() {
        return None;
    }
    letters
        .bytes()
        .try_fold(0usize, |n, b| {
            b.is_ascii_uppercase()
                .then(|| n.checked_mul(26)?.checked_add(usize::from(b - b'A') + 1))
                .flatten()
        })?
        .checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_index_reads_letters_back() {
        for c in [0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383] {
            assert_eq!(col_index(&col_letters(c)), Some(c));
        }
        assert_eq!(col_index(""), None);
        assert_eq!(col_index("a1"), None);
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(col_letters(0), "A");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(27), "AB");
        assert_eq!(col_letters(701), "ZZ");
        assert_eq!(col_letters(702), "AAA");
    }

    #[test]
    fn numbers_show_as_their_format_says() {
        assert_eq!(display_number(66.3, Some("0.00")), "66.30");
        assert_eq!(display_number(0.879, Some("0.0%")), "87.9%");
        assert_eq!(display_number(42300.0, Some("#,##0")), "42,300");
        assert_eq!(display_number(1234567.5, Some("#,##0.0")), "1,234,567.5");
        assert_eq!(display_number(8.0, None), "8");
    }

    #[test]
    fn general_format_drops_float_noise() {
        assert_eq!(format_number(58000.0), "58000");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-2.5), "-2.5");
    }
}
