//! The look of a sheet as its file states it: cell styles (font, alignment, wrap, borders,
//! fill), column widths, row heights, frozen panes and page setup.
//!
//! One plain model for every format: the `.xlsx` and `.xls` readers fill it, the exporter
//! carries it into the filled source sheet. Nothing here knows a file format. The cells' styles
//! are kept as a palette and blocks of rows that share the same runs of style ids, so a
//! 20,000-row table of a few styles takes a few entries, not one per cell.

use serde::{Deserialize, Serialize};

/// Horizontal alignment of a cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HAlign {
    /// Text left, numbers right (the spreadsheet default).
    #[default]
    General,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
    /// Repeated to fill the cell.
    Fill,
    /// Justified.
    Justify,
    /// Centred across the selection.
    CenterAcross,
    /// Distributed (East Asian).
    Distributed,
}

/// Vertical alignment of a cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VAlign {
    /// Top.
    Top,
    /// Middle.
    Center,
    /// Bottom (the spreadsheet default).
    #[default]
    Bottom,
    /// Justified.
    Justify,
    /// Distributed (East Asian).
    Distributed,
}

/// The line of one border edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Line {
    /// Thin.
    Thin,
    /// Medium.
    Medium,
    /// Thick.
    Thick,
    /// Dashed.
    Dashed,
    /// Dotted.
    Dotted,
    /// Double.
    Double,
    /// Hairline.
    Hair,
}

/// The four border edges of a cell (`None`: no line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Borders {
    /// Left edge.
    pub left: Option<Line>,
    /// Right edge.
    pub right: Option<Line>,
    /// Top edge.
    pub top: Option<Line>,
    /// Bottom edge.
    pub bottom: Option<Line>,
}

/// One cell style: what the file states, the rest left to the spreadsheet's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellStyle {
    /// Font name (`宋体`), at most [`MAX_FONT_NAME`] characters.
    pub font: Option<String>,
    /// Font size in points × 20 (twips), as `.xls` keeps it.
    pub size_twips: Option<u16>,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Underlined.
    pub underline: bool,
    /// Font colour, `0xRRGGBB`.
    pub color: Option<u32>,
    /// Horizontal alignment.
    pub h: HAlign,
    /// Vertical alignment.
    pub v: VAlign,
    /// Text wrapped in the cell.
    pub wrap: bool,
    /// Border lines.
    pub borders: Borders,
    /// Solid fill colour, `0xRRGGBB`.
    pub fill: Option<u32>,
}

/// The longest font name kept.
pub const MAX_FONT_NAME: usize = 64;

/// Rows `first_row..=last_row` whose cells have the same styles: `runs` of
/// (first column, last column, palette index).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyleBlock {
    /// First row, 0-based.
    pub first_row: u32,
    /// Last row, 0-based, inclusive.
    pub last_row: u32,
    /// Runs of columns and their style, in column order.
    pub runs: Vec<(u16, u16, u32)>,
}

/// Page margins in inches.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Margins {
    /// Left.
    pub left: f64,
    /// Right.
    pub right: f64,
    /// Top.
    pub top: f64,
    /// Bottom.
    pub bottom: f64,
    /// Page header's distance from the top.
    pub header: f64,
    /// Page footer's distance from the bottom.
    pub footer: f64,
}

/// The page setup a file states (each part `None` where it says nothing).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageSetup {
    /// Landscape (`Some(false)`: portrait).
    pub landscape: Option<bool>,
    /// Excel's paper size code (9 is A4).
    pub paper: Option<u8>,
    /// Margins.
    pub margins: Option<Margins>,
    /// Scale in percent (10–400).
    pub scale: Option<u16>,
    /// Fit to (pages wide, pages tall); 0 means as many as needed.
    pub fit: Option<(u16, u16)>,
    /// Rows repeated at the top of each page (first, last), 0-based.
    pub title_rows: Option<(u32, u32)>,
    /// Page header text in Excel's codes (`&C&"宋体"标题`).
    pub header: Option<String>,
    /// Page footer text in Excel's codes.
    pub footer: Option<String>,
    /// Centred horizontally on the page.
    pub center_horizontally: bool,
    /// Grid lines printed.
    pub gridlines: bool,
}

impl PageSetup {
    /// Whether the file stated anything.
    pub fn is_stated(&self) -> bool {
        *self != Self::default()
    }
}

/// The longest page header or footer kept (Excel allows 255 characters).
pub const MAX_HEADER_CHARS: usize = 255;

/// The look of one sheet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SheetStyle {
    /// Distinct cell styles; blocks refer to them by index.
    pub palette: Vec<CellStyle>,
    /// The cells' styles by rows, in row order, not overlapping.
    pub blocks: Vec<StyleBlock>,
    /// Column widths in characters: (first column, last column, width), 0-based.
    pub widths: Vec<(u16, u16, f64)>,
    /// Row heights in points: (row, height), 0-based, in row order.
    pub heights: Vec<(u32, f64)>,
    /// Frozen panes: rows above and columns left of the split.
    pub freeze: Option<(u32, u16)>,
    /// Page setup.
    pub page: PageSetup,
}

impl SheetStyle {
    /// The style of cell (row, col), if the file gave it one.
    pub fn cell(&self, row: u32, col: u16) -> Option<&CellStyle> {
        self.palette
            .get(usize::try_from(self.index(row, col)?).ok()?)
    }

    /// The palette index of cell (row, col), if the file gave it a style.
    pub fn index(&self, row: u32, col: u16) -> Option<u32> {
        let at = self.blocks.partition_point(|b| b.first_row <= row);
        let block = self.blocks.get(at.checked_sub(1)?)?;
        if block.last_row < row {
            return None;
        }
        block
            .runs
            .iter()
            .rev()
            .find(|(first, last, _)| (*first..=*last).contains(&col))
            .map(|run| run.2)
    }

    /// The width of column `col`, if the file states it.
    pub fn width(&self, col: u16) -> Option<f64> {
        self.widths
            .iter()
            .rev()
            .find(|(first, last, _)| (*first..=*last).contains(&col))
            .map(|w| w.2)
    }

    /// The height of row `row`, if the file states it.
    pub fn height(&self, row: u32) -> Option<f64> {
        let at = self.heights.partition_point(|h| h.0 < row);
        self.heights.get(at).filter(|h| h.0 == row).map(|h| h.1)
    }

    /// Whether the sheet states nothing at all.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
            && self.widths.is_empty()
            && self.heights.is_empty()
            && self.freeze.is_none()
            && !self.page.is_stated()
    }
}

/// Collects cells' style ids as a reader meets them (row by row, columns left to right) into
/// [`StyleBlock`]s, keeping at most `limit` runs; cells out of order or past the limit are
/// left at the default style (the look is a courtesy, never a reason to refuse a file).
#[derive(Debug)]
pub struct BlockBuilder {
    blocks: Vec<StyleBlock>,
    row: Option<u32>,
    runs: Vec<(u16, u16, u32)>,
    kept: usize,
    limit: usize,
}

impl BlockBuilder {
    /// A builder that keeps at most `limit` runs.
    pub fn new(limit: usize) -> Self {
        Self {
            blocks: Vec::new(),
            row: None,
            runs: Vec::new(),
            kept: 0,
            limit,
        }
    }

    /// Records that cell (row, col) has palette index `style`.
    pub fn put(&mut self, row: u32, col: u16, style: u32) {
        match self.row {
            Some(current) if row < current => return,
            Some(current) if row > current => self.flush(),
            _ => {}
        }
        self.row = Some(row);
        if let Some(last) = self.runs.last_mut() {
            if col <= last.1 {
                return;
            }
            if last.2 == style && Some(col) == last.1.checked_add(1) {
                last.1 = col;
                return;
            }
        }
        if self.kept >= self.limit {
            return;
        }
        self.kept += 1;
        self.runs.push((col, col, style));
    }

    fn flush(&mut self) {
        let Some(row) = self.row else { return };
        if self.runs.is_empty() {
            return;
        }
        let runs = std::mem::take(&mut self.runs);
        if let Some(last) = self.blocks.last_mut() {
            if last.runs == runs && last.last_row.checked_add(1) == Some(row) {
                last.last_row = row;
                // The runs were counted but are shared with the block above.
                self.kept = self.kept.saturating_sub(runs.len());
                return;
            }
        }
        self.blocks.push(StyleBlock {
            first_row: row,
            last_row: row,
            runs,
        });
    }

    /// The blocks.
    pub fn finish(mut self) -> Vec<StyleBlock> {
        self.flush();
        self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_the_same_runs_share_one_block() {
        let mut b = BlockBuilder::new(100);
        for row in 2..1000 {
            b.put(row, 0, 1);
            b.put(row, 1, 1);
            b.put(row, 2, 2);
        }
        b.put(1000, 0, 3);
        let style = SheetStyle {
            palette: vec![CellStyle::default(); 4],
            blocks: b.finish(),
            ..SheetStyle::default()
        };
        assert_eq!(style.blocks.len(), 2);
        assert_eq!(style.blocks[0].runs, vec![(0, 1, 1), (2, 2, 2)]);
        assert!(style.cell(500, 1).is_some());
        assert!(style.cell(500, 3).is_none());
        assert!(style.cell(1, 0).is_none());
        assert!(style.cell(1000, 0).is_some());
        assert!(style.cell(1001, 0).is_none());
    }

    #[test]
    fn the_limit_and_disorder_never_fail() {
        let mut b = BlockBuilder::new(3);
        for col in 0..10 {
            b.put(0, col, u32::from(col));
        }
        b.put(0, 1, 9);
        b.put(5, 0, 1);
        b.put(4, 0, 1);
        let blocks = b.finish();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].runs.len(), 3);
    }

    #[test]
    fn widths_and_heights_are_looked_up() {
        let s = SheetStyle {
            widths: vec![(0, 2, 9.0), (3, 3, 20.0)],
            heights: vec![(0, 30.0), (5, 12.0)],
            ..SheetStyle::default()
        };
        assert_eq!(s.width(1), Some(9.0));
        assert_eq!(s.width(3), Some(20.0));
        assert_eq!(s.width(4), None);
        assert_eq!(s.height(5), Some(12.0));
        assert_eq!(s.height(4), None);
        assert!(!s.is_empty());
    }
}
