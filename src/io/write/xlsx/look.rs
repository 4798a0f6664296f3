//! The original's look ([`SheetStyle`]) carried into the filled source sheet: each cell style
//! as a rust_xlsxwriter [`Format`] (with the cell's number format, made once per pair), and the
//! sheet's widths, heights, frozen panes and page setup over our defaults.

use crate::table::style::{CellStyle, HAlign, Line, PageSetup, SheetStyle, VAlign};
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, FormatUnderline, Worksheet, XlsxError,
};
use std::collections::HashMap;
use std::sync::Arc;

/// What a cell's format is made of: its original style, its number format and, for a value the
/// engine computed, the decimals it is shown with (and the computed fill).
type Key = (Option<u32>, Option<Arc<str>>, Option<u8>);

/// The formats of one source sheet's cells, each made once.
pub(super) struct Looks<'a> {
    style: &'a SheetStyle,
    made: HashMap<Key, Format>,
    computed_fill: u32,
}

impl<'a> Looks<'a> {
    pub(super) fn new(style: &'a SheetStyle, computed_fill: u32) -> Self {
        Self {
            style,
            made: HashMap::new(),
            computed_fill,
        }
    }

    /// The format of source cell (row, col) with number format `code`.
    pub(super) fn cell(&mut self, row: u32, col: u16, code: Option<&Arc<str>>) -> &Format {
        let key = (self.style.index(row, col), code.cloned(), None);
        self.get(key)
    }

    /// The format of a value the engine computed into (row, col), shown with `decimals`: the
    /// cell's own look with the computed fill.
    pub(super) fn computed(&mut self, row: u32, col: u16, decimals: u8) -> &Format {
        let key = (self.style.index(row, col), None, Some(decimals));
        self.get(key)
    }

    fn get(&mut self, key: Key) -> &Format {
        let style = self.style;
        let fill = self.computed_fill;
        self.made
            .entry(key)
            .or_insert_with_key(|(index, code, decimals)| {
                let base = index
                    .and_then(|i| style.palette.get(usize::try_from(i).ok()?))
                    .map_or_else(Format::new, format);
                let base = match code.as_deref() {
                    Some(code) if !code.is_empty() && code != "General" => {
                        base.set_num_format(code)
                    }
                    _ => base,
                };
                match decimals {
                    Some(d) => base
                        .set_num_format(super::decimals_format(*d))
                        .set_background_color(Color::RGB(fill)),
                    None => base,
                }
            })
    }
}

/// A cell style as a writer format.
pub(super) fn format(s: &CellStyle) -> Format {
    let mut f = Format::new();
    if let Some(name) = &s.font {
        f = f.set_font_name(name.as_str());
    }
    if let Some(twips) = s.size_twips {
        f = f.set_font_size(f64::from(twips) / 20.0);
    }
    if s.bold {
        f = f.set_bold();
    }
    if s.italic {
        f = f.set_italic();
    }
    if s.underline {
        f = f.set_underline(FormatUnderline::Single);
    }
    if let Some(c) = s.color {
        f = f.set_font_color(Color::RGB(c));
    }
    let h = match s.h {
        HAlign::General => None,
        HAlign::Left => Some(FormatAlign::Left),
        HAlign::Center => Some(FormatAlign::Center),
        HAlign::Right => Some(FormatAlign::Right),
        HAlign::Fill => Some(FormatAlign::Fill),
        HAlign::Justify => Some(FormatAlign::Justify),
        HAlign::CenterAcross => Some(FormatAlign::CenterAcross),
        HAlign::Distributed => Some(FormatAlign::Distributed),
    };
    if let Some(h) = h {
        f = f.set_align(h);
    }
    let v = match s.v {
        VAlign::Bottom => None,
        VAlign::Top => Some(FormatAlign::Top),
        VAlign::Center => Some(FormatAlign::VerticalCenter),
        VAlign::Justify => Some(FormatAlign::VerticalJustify),
        VAlign::Distributed => Some(FormatAlign::VerticalDistributed),
    };
    if let Some(v) = v {
        f = f.set_align(v);
    }
    if s.wrap {
        f = f.set_text_wrap();
    }
    let b = s.borders;
    if let Some(l) = b.left {
        f = f.set_border_left(border(l));
    }
    if let Some(l) = b.right {
        f = f.set_border_right(border(l));
    }
    if let Some(l) = b.top {
        f = f.set_border_top(border(l));
    }
    if let Some(l) = b.bottom {
        f = f.set_border_bottom(border(l));
    }
    if let Some(c) = s.fill {
        f = f.set_background_color(Color::RGB(c));
    }
    f
}

fn border(l: Line) -> FormatBorder {
    match l {
        Line::Thin => FormatBorder::Thin,
        Line::Medium => FormatBorder::Medium,
        Line::Thick => FormatBorder::Thick,
        Line::Dashed => FormatBorder::Dashed,
        Line::Dotted => FormatBorder::Dotted,
        Line::Double => FormatBorder::Double,
        Line::Hair => FormatBorder::Hair,
    }
}

/// The original's row heights, and its page setup over ours (call after
/// [`super::format::print_setup`]): orientation (portrait only where the file also fits to
/// pages), paper, margins, print titles, page header and footer, centring and grid lines where
/// the file states them. The fit to one page wide stays: the export adds columns to the right
/// of the original's.
///
/// # Errors
/// The writer's error for a row or title row out of range.
pub(super) fn apply_sheet(ws: &mut Worksheet, style: &SheetStyle) -> Result<(), XlsxError> {
    for &(row, height) in &style.heights {
        ws.set_row_height(row, height)?;
    }
    apply_page(ws, &style.page)
}

fn apply_page(ws: &mut Worksheet, page: &PageSetup) -> Result<(), XlsxError> {
    // Portrait at the file's own scale is what every file says unless someone set up the
    // page: taken only with a fit to pages, which shows that someone did (a wide table fitted
    // one page wide on a portrait page is unreadable).
    match (page.landscape, page.fit) {
        (Some(true), _) => {
            ws.set_landscape();
        }
        (Some(false), Some(_)) => {
            ws.set_portrait();
        }
        _ => {}
    }
    if let Some(paper) = page.paper.filter(|p| (1..=118).contains(p)) {
        ws.set_paper_size(paper);
    }
    if let Some(m) = page.margins {
        ws.set_margins(m.left, m.right, m.top, m.bottom, m.header, m.footer);
    }
    if let Some((first, last)) = page.title_rows.filter(|(f, l)| f <= l) {
        ws.set_repeat_rows(first, last)?;
    }
    if let Some(header) = &page.header {
        ws.set_header(header);
    }
    if let Some(footer) = &page.footer {
        ws.set_footer(footer);
    }
    if page.center_horizontally {
        ws.set_print_center_horizontally(true);
    }
    if page.gridlines {
        ws.set_print_gridlines(true);
    }
    Ok(())
}
