//! Cell formats and column widths shared by the sheets.

use super::*;
use crate::io::appended;
use crate::io::write::formulas::{Cached, Cell, Content, Origin};
use crate::plan::Status;
use rust_xlsxwriter::{
    Color, ConditionalFormatText, ConditionalFormatTextRule, Format, FormatAlign, FormatBorder,
    Note, Worksheet, XlsxError,
};

/// Formats of figure cells, by where they came from and their decimals; each made once and
/// looked up by an index (a slot per origin, decimals and wrapping).
pub(super) struct Formats {
    made: Vec<Format>,
    slots: Vec<Option<usize>>,
    /// What [`Formats::at`] gives for an index it never made.
    plain: Format,
}

impl Formats {
    pub(super) fn new() -> Self {
        Self {
            made: Vec::new(),
            slots: vec![None; 3 * 257 * 2],
            plain: Format::new(),
        }
    }

    pub(super) fn slot(origin: Origin, decimals: Option<u8>, wrap: bool) -> usize {
        let origin = match origin {
            Origin::File => 0,
            Origin::Computed => 1,
            Origin::Manual => 2,
        };
        let decimals = decimals.map_or(0, |d| usize::from(d) + 1);
        (origin * 257 + decimals) * 2 + usize::from(wrap)
    }

    /// The index of a bordered format with the fill of `origin`, the decimals' number format
    /// and, for texts, wrapping.
    pub(super) fn id(&mut self, origin: Origin, decimals: Option<u8>, wrap: bool) -> usize {
        let slot = Self::slot(origin, decimals, wrap);
        if let Some(Some(id)) = self.slots.get(slot) {
            return *id;
        }
        let mut f = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        if let Some(d) = decimals {
            f = f.set_num_format(decimals_format(d));
        }
        if wrap {
            f = f.set_text_wrap();
        }
        let f = match origin {
            Origin::Computed => f.set_background_color(Color::RGB(COMPUTED_FILL)),
            Origin::Manual => f.set_background_color(Color::RGB(MANUAL_FILL)),
            Origin::File => f,
        };
        let id = self.made.len();
        self.made.push(f);
        if let Some(s) = self.slots.get_mut(slot) {
            *s = Some(id);
        }
        id
    }

    /// The format of an index from [`Formats::id`].
    pub(super) fn at(&self, id: usize) -> &Format {
        self.made.get(id).unwrap_or(&self.plain)
    }

    /// A copy of the format [`Formats::id`] gives.
    pub(super) fn get(&mut self, origin: Origin, decimals: Option<u8>, wrap: bool) -> Format {
        let id = self.id(origin, decimals, wrap);
        self.at(id).clone()
    }
}

pub(super) fn header_format() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xF2F2F2))
}

pub(super) fn title_format() -> Format {
    Format::new().set_bold().set_font_size(14)
}

pub(super) fn col16(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

pub(super) fn row32(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// A note that does not prefix the author's name.
pub(super) fn note(text: &str) -> Note {
    Note::new(text).add_author_prefix(false).set_author("指标")
}

/// Status colours as conditional formats over a range (the page uses the same colours).
pub(super) fn status_conditional_formats(
    ws: &mut Worksheet,
    first_row: u32,
    col: u16,
    last_row: u32,
) -> Result<(), XlsxError> {
    for (status, fill) in [
        (Status::Met, 0xDAFBE1),
        (Status::OnTrack, 0xE6F4EA),
        (Status::Lagging, 0xFFEBE9),
    ] {
        let cf = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::Contains(
                appended::status_text(status).to_string(),
            ))
            .set_format(Format::new().set_background_color(Color::RGB(fill)));
        ws.add_conditional_format(first_row, col, last_row, col, &cf)?;
    }
    Ok(())
}

/// The display width of a number shown with `decimals` (as [`Cell::shown`]).
pub(super) fn number_width(n: f64, decimals: Option<u8>, buf: &mut String) -> f64 {
    match decimals {
        Some(d) => rounded_len(n, d) as f64,
        None => general_width(n, buf),
    }
}

/// The length of [`crate::plan::round::shown`]`(n, d)`, worked out from the rounded number where
/// no rounding tie is near (else from the text itself).
pub(super) fn rounded_len(n: f64, d: u8) -> usize {
    let exact = || crate::plan::round::shown(n, d).len();
    if !n.is_finite() || d > 9 {
        return exact();
    }
    let x = n.abs() * 10f64.powi(i32::from(d));
    if x >= 1e12 {
        return exact();
    }
    let frac = x - x.floor();
    if (frac - 0.5).abs() < 1e-6 + x * 1e-13 {
        return exact();
    }
    let rounded = x.round() as u64;
    let digits = rounded.checked_ilog10().map_or(1, |l| l as usize + 1);
    let d = usize::from(d);
    let int_digits = if digits > d { digits - d } else { 1 };
    let sign = usize::from(n < 0.0 && rounded != 0);
    sign + int_digits + if d > 0 { d + 1 } else { 0 }
}

/// The display width of what a cell shows (as `text_width(&cell.shown())`).
pub(super) fn cell_width(cell: &Cell, buf: &mut String) -> f64 {
    match &cell.content {
        Content::Empty => 0.0,
        Content::Text(s)
        | Content::Formula {
            cached: Cached::Text(s),
            ..
        } => text_width(s),
        Content::Number(n)
        | Content::Formula {
            cached: Cached::Number(n),
            ..
        } => number_width(*n, cell.decimals, buf),
    }
}

/// The print setup of every exported sheet (where the original states none): A4 landscape,
/// fit to one page wide, the header rows `repeat` (first, last) on every page, `title` in the
/// page header and `第 n 页 / 共 m 页` in the footer, no grid lines (the cells have borders).
///
/// # Errors
/// The writer's error for a header row out of range.
pub(super) fn print_setup(
    ws: &mut Worksheet,
    repeat: Option<(u32, u32)>,
    title: &str,
) -> Result<(), XlsxError> {
    /// Excel's limit on a header's text, less room for the codes around it.
    const MAX_TITLE: usize = 200;
    ws.set_landscape();
    ws.set_paper_size(PAPER_A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_gridlines(false);
    if let Some((first, last)) = repeat.filter(|(f, l)| f <= l) {
        ws.set_repeat_rows(first, last)?;
    }
    let title: String = title
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TITLE)
        .collect::<String>()
        .replace('&', "&&");
    if !title.is_empty() {
        ws.set_header(format!("&C&\"-,Bold\"{title}"));
    }
    ws.set_footer("&C第 &P 页 / 共 &N 页");
    Ok(())
}

/// Excel's paper size code of A4.
const PAPER_A4: u8 = 9;
