//! The look of a BIFF8 sheet in the shared model ([`crate::table::style`]), read in the same
//! walk over the records that checks them: FONT, PALETTE and the XF records' alignment,
//! borders and fill in the globals; each cell's XF, COLINFO, ROW, WINDOW2/PANE and the page
//! records (SETUP, WSBOOL, the margins, HEADER/FOOTER, HCENTER, PRINTGRIDLINES) in a sheet.
//! Every read is bounded by its record; a record too short is skipped, never trusted.

use super::{u16_at, u32_at, u64_at, u8_at};
use crate::io::limits::{MAX_COLUMNS, MAX_ROWS, MAX_STYLE_RUNS};
use crate::table::style::{
    BlockBuilder, Borders, CellStyle, HAlign, Line, Margins, SheetStyle, VAlign, MAX_FONT_NAME,
    MAX_HEADER_CHARS,
};
use std::collections::HashMap;

pub(super) const FONT: u16 = 0x0031;
pub(super) const PALETTE: u16 = 0x0092;
pub(super) const BLANK: u16 = 0x0201;
pub(super) const MULBLANK: u16 = 0x00BE;
pub(super) const ROW: u16 = 0x0208;
pub(super) const COLINFO: u16 = 0x007D;
pub(super) const WINDOW2: u16 = 0x023E;
pub(super) const PANE: u16 = 0x0041;
pub(super) const SETUP: u16 = 0x00A1;
pub(super) const WSBOOL: u16 = 0x0081;
pub(super) const LEFTMARGIN: u16 = 0x0026;
pub(super) const RIGHTMARGIN: u16 = 0x0027;
pub(super) const TOPMARGIN: u16 = 0x0028;
pub(super) const BOTTOMMARGIN: u16 = 0x0029;
pub(super) const HEADER: u16 = 0x0014;
pub(super) const FOOTER: u16 = 0x0015;
pub(super) const HCENTER: u16 = 0x0083;
pub(super) const PRINTGRIDLINES: u16 = 0x002B;

/// The most FONT and XF records kept (Excel allows about 4,000 XFs; more are left default).
const MAX_RECORDS: usize = 65_536;

/// Excel 97's default colour palette, indices 8–63 (`0xRRGGBB`).
const DEFAULT_PALETTE: [u32; 56] = [
    0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0xFF00FF, 0x00FFFF, 0x800000,
    0x008000, 0x000080, 0x808000, 0x800080, 0x008080, 0xC0C0C0, 0x808080, 0x9999FF, 0x993366,
    0xFFFFCC, 0xCCFFFF, 0x660066, 0xFF8080, 0x0066CC, 0xCCCCFF, 0x000080, 0xFF00FF, 0xFFFF00,
    0x00FFFF, 0x800080, 0x800000, 0x008080, 0x0000FF, 0x00CCFF, 0xCCFFFF, 0xCCFFCC, 0xFFFF99,
    0x99CCFF, 0xFF99CC, 0xCC99FF, 0xFFCC99, 0x3366FF, 0x33CCCC, 0x99CC00, 0xFFCC00, 0xFF9900,
    0xFF6600, 0x666699, 0x969696, 0x003366, 0x339966, 0x003300, 0x333300, 0x993300, 0x993366,
    0x333399, 0x333333,
];

/// A FONT record as the look needs it.
#[derive(Clone, Debug, Default)]
struct Font {
    name: Option<String>,
    twips: u16,
    bold: bool,
    italic: bool,
    underline: bool,
    color: u16,
}

/// The workbook's fonts, colours and cell formats (XF records), from the globals.
#[derive(Debug, Default)]
pub(super) struct GlobalLooks {
    fonts: Vec<Font>,
    palette: Option<Vec<u32>>,
    /// The XF records' bytes (the 20 of BIFF8), in XF order.
    xfs: Vec<[u8; 20]>,
}

impl GlobalLooks {
    pub(super) fn font(&mut self, d: &[u8]) {
        if self.fonts.len() >= MAX_RECORDS {
            return;
        }
        let Some(twips) = u16_at(d, 0) else { return };
        let grbit = u16_at(d, 2).unwrap_or(0);
        let name = u8_at(d, 14).and_then(|cch| {
            let high = u8_at(d, 15)? & 1 == 1;
            let cch = usize::from(cch).min(MAX_FONT_NAME);
            let s = chars(d.get(16..)?, cch, high);
            (!s.is_empty()).then_some(s)
        });
        self.fonts.push(Font {
            name,
            twips,
            bold: u16_at(d, 6).unwrap_or(400) >= 700,
            italic: grbit & 0x2 != 0,
            underline: u8_at(d, 10).unwrap_or(0) != 0,
            color: u16_at(d, 4).unwrap_or(0x7FFF),
        });
    }

    pub(super) fn palette(&mut self, d: &[u8]) {
        let count = usize::from(u16_at(d, 0).unwrap_or(0)).min(56);
        let colors = (0..count)
            .filter_map(|i| {
                let c = d.get(2 + 4 * i..5 + 4 * i)?;
                Some(u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]))
            })
            .collect();
        self.palette = Some(colors);
    }

    pub(super) fn xf(&mut self, d: &[u8]) {
        if self.xfs.len() >= MAX_RECORDS {
            return;
        }
        let mut raw = [0u8; 20];
        if let Some(src) = d.get(..20) {
            raw.copy_from_slice(src);
        }
        self.xfs.push(raw);
    }

    /// The colour of palette index `icv` (`None` for the system colours and automatic).
    fn color(&self, icv: u16) -> Option<u32> {
        let i = usize::from(icv);
        let i = if i < 8 { i + 8 } else { i };
        let at = i.checked_sub(8)?;
        match &self.palette {
            Some(p) if at < p.len() => p.get(at).copied(),
            _ => DEFAULT_PALETTE.get(at).copied(),
        }
    }

    /// The look of XF `ixfe` (`None` when the workbook has no such XF).
    fn style(&self, ixfe: u16) -> Option<CellStyle> {
        let x = self.xfs.get(usize::from(ixfe))?;
        let mut s = CellStyle::default();
        let ifnt = usize::from(u16::from_le_bytes([x[0], x[1]]));
        // Font index 4 does not exist: fonts past it are one record earlier.
        let font = if ifnt >= 4 {
            ifnt.checked_sub(1)
        } else {
            Some(ifnt)
        };
        if let Some(f) = font.and_then(|i| self.fonts.get(i)) {
            s.font = f.name.clone();
            s.size_twips = (20..=8180).contains(&f.twips).then_some(f.twips);
            s.bold = f.bold;
            s.italic = f.italic;
            s.underline = f.underline;
            s.color = self.color(f.color).filter(|c| *c != 0);
        }
        let alc = x[6];
        s.h = match alc & 0x07 {
            1 => HAlign::Left,
            2 => HAlign::Center,
            3 => HAlign::Right,
            4 => HAlign::Fill,
            5 => HAlign::Justify,
            6 => HAlign::CenterAcross,
            7 => HAlign::Distributed,
            _ => HAlign::General,
        };
        s.wrap = alc & 0x08 != 0;
        s.v = match (alc >> 4) & 0x07 {
            0 => VAlign::Top,
            1 => VAlign::Center,
            3 => VAlign::Justify,
            4 => VAlign::Distributed,
            _ => VAlign::Bottom,
        };
        let b1 = u32::from_le_bytes([x[10], x[11], x[12], x[13]]);
        let b2 = u32::from_le_bytes([x[14], x[15], x[16], x[17]]);
        let edge = |v: u32| line((v & 0x0F) as u8);
        s.borders = Borders {
            left: edge(b1),
            right: edge(b1 >> 4),
            top: edge(b1 >> 8),
            bottom: edge(b1 >> 12),
        };
        if (b2 >> 26) & 0x3F == 1 {
            let fore = u16::from_le_bytes([x[18], x[19]]) & 0x7F;
            s.fill = self.color(fore);
        }
        Some(s)
    }
}

fn line(dg: u8) -> Option<Line> {
    Some(match dg {
        0 => return None,
        1 => Line::Thin,
        2 | 8 | 10 | 12 => Line::Medium,
        3 | 9 | 11 | 13 => Line::Dashed,
        4 => Line::Dotted,
        5 => Line::Thick,
        6 => Line::Double,
        7 => Line::Hair,
        _ => Line::Thin,
    })
}

/// One sheet's look being read.
#[derive(Debug)]
pub(super) struct SheetLook<'g> {
    globals: &'g GlobalLooks,
    /// By XF index: the palette index.
    by_xf: HashMap<u16, u32>,
    index: HashMap<CellStyle, u32>,
    out: SheetStyle,
    blocks: BlockBuilder,
    frozen: bool,
    pane: Option<(u32, u16)>,
    fit_to_page: bool,
    fit: Option<(u16, u16)>,
    margins: [Option<f64>; 6],
}

impl<'g> SheetLook<'g> {
    pub(super) fn new(globals: &'g GlobalLooks) -> Self {
        Self {
            globals,
            by_xf: HashMap::new(),
            index: HashMap::new(),
            out: SheetStyle::default(),
            blocks: BlockBuilder::new(MAX_STYLE_RUNS),
            frozen: false,
            pane: None,
            fit_to_page: false,
            fit: None,
            margins: [None; 6],
        }
    }

    /// Cell (row, col) has XF `ixfe`.
    pub(super) fn cell(&mut self, row: u16, col: u16, ixfe: u16) {
        if self.globals.xfs.is_empty() {
            return;
        }
        let id = match self.by_xf.get(&ixfe) {
            Some(id) => *id,
            None => {
                let Some(style) = self.globals.style(ixfe) else {
                    return;
                };
                let Ok(next) = u32::try_from(self.out.palette.len()) else {
                    return;
                };
                let id = *self.index.entry(style.clone()).or_insert(next);
                if id == next {
                    self.out.palette.push(style);
                }
                self.by_xf.insert(ixfe, id);
                id
            }
        };
        self.blocks.put(u32::from(row), col, id);
    }

    /// A sheet record other than a cell's value.
    pub(super) fn record(&mut self, typ: u16, d: &[u8]) {
        match typ {
            BLANK => {
                if let (Some(r), Some(c), Some(x)) = (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4)) {
                    self.cell(r, c, x);
                }
            }
            MULBLANK => {
                let (Some(r), Some(first)) = (u16_at(d, 0), u16_at(d, 2)) else {
                    return;
                };
                let xfs = d.get(4..d.len().saturating_sub(2)).unwrap_or_default();
                for (i, x) in xfs.chunks_exact(2).enumerate() {
                    let Some(col) = u16::try_from(i).ok().and_then(|i| first.checked_add(i)) else {
                        break;
                    };
                    self.cell(r, col, u16::from_le_bytes([x[0], x[1]]));
                }
            }
            ROW => {
                let (Some(r), Some(height), Some(flags)) =
                    (u16_at(d, 0), u16_at(d, 6), u32_at(d, 12))
                else {
                    return;
                };
                // fUnsynced: the height was set, not fitted to the text.
                if flags & 0x40 != 0 && height & 0x8000 == 0 && self.out.heights.len() < MAX_ROWS {
                    let row = u32::from(r);
                    if self.out.heights.last().is_none_or(|h| h.0 < row) {
                        self.out.heights.push((row, f64::from(height) / 20.0));
                    }
                }
            }
            COLINFO => {
                let (Some(first), Some(last), Some(width)) =
                    (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4))
                else {
                    return;
                };
                if first <= last
                    && usize::from(first) < MAX_COLUMNS
                    && self.out.widths.len() < MAX_COLUMNS
                {
                    let last = last.min(u16::try_from(MAX_COLUMNS - 1).unwrap_or(u16::MAX));
                    let chars = (f64::from(width) / 256.0 - 0.71).max(0.0);
                    self.out.widths.push((first, last, chars));
                }
            }
            WINDOW2 => self.frozen = u16_at(d, 0).is_some_and(|g| g & 0x0008 != 0),
            PANE => {
                if let (Some(cols), Some(rows)) = (u16_at(d, 0), u16_at(d, 2)) {
                    self.pane = Some((u32::from(rows), cols));
                }
            }
            SETUP => self.setup(d),
            WSBOOL => self.fit_to_page = u16_at(d, 0).is_some_and(|g| g & 0x0100 != 0),
            LEFTMARGIN | RIGHTMARGIN | TOPMARGIN | BOTTOMMARGIN => {
                let at = usize::from(typ - LEFTMARGIN);
                let value = u64_at(d, 0)
                    .map(f64::from_bits)
                    .filter(|v| v.is_finite() && (0.0..100.0).contains(v));
                if let Some(slot) = self.margins.get_mut(at) {
                    *slot = value;
                }
            }
            HEADER | FOOTER => {
                let text = unicode_string(d);
                let slot = if typ == HEADER {
                    &mut self.out.page.header
                } else {
                    &mut self.out.page.footer
                };
                *slot = text.filter(|t| !t.trim().is_empty());
            }
            HCENTER => self.out.page.center_horizontally = u16_at(d, 0) == Some(1),
            PRINTGRIDLINES => self.out.page.gridlines = u16_at(d, 0) == Some(1),
            _ => {}
        }
    }

    fn setup(&mut self, d: &[u8]) {
        let (Some(paper), Some(scale), Some(fw), Some(fh), Some(grbit)) = (
            u16_at(d, 0),
            u16_at(d, 2),
            u16_at(d, 6),
            u16_at(d, 8),
            u16_at(d, 10),
        ) else {
            return;
        };
        // fNoPls: the printer fields are not set.
        if grbit & 0x0004 != 0 {
            return;
        }
        let page = &mut self.out.page;
        if grbit & 0x0040 == 0 {
            page.landscape = Some(grbit & 0x0002 == 0);
        }
        page.paper = u8::try_from(paper).ok().filter(|p| (1..=118).contains(p));
        page.scale = (10..=400).contains(&scale).then_some(scale);
        self.fit = Some((fw.min(32_767), fh.min(32_767)));
        let hf = |off: usize| {
            u64_at(d, off)
                .map(f64::from_bits)
                .filter(|v| v.is_finite() && (0.0..100.0).contains(v))
        };
        self.margins[4] = hf(16);
        self.margins[5] = hf(24);
    }

    /// The sheet's look.
    pub(super) fn finish(mut self) -> SheetStyle {
        self.out.blocks = self.blocks.finish();
        if self.frozen {
            self.out.freeze = self
                .pane
                .filter(|(r, c)| *r > 0 || *c > 0)
                .map(|(r, c)| (r.min(MAX_ROWS as u32), c));
        }
        if self.fit_to_page {
            self.out.page.fit = self.fit;
        }
        let [l, r, t, b, h, f] = self.margins;
        if let (Some(left), Some(right), Some(top), Some(bottom)) = (l, r, t, b) {
            self.out.page.margins = Some(Margins {
                left,
                right,
                top,
                bottom,
                header: h.unwrap_or(0.3),
                footer: f.unwrap_or(0.3),
            });
        }
        self.out.page.scale = self.out.page.scale.filter(|_| self.out.page.fit.is_none());
        self.out
    }
}

/// An XLUnicodeString (cch, flags, characters), at most [`MAX_HEADER_CHARS`] characters.
fn unicode_string(d: &[u8]) -> Option<String> {
    let cch = usize::from(u16_at(d, 0)?).min(MAX_HEADER_CHARS);
    let high = u8_at(d, 2)? & 1 == 1;
    Some(chars(d.get(3..)?, cch, high))
}

/// `cch` characters of a BIFF8 string body: UTF-16LE when `high`, else one byte each (the
/// compressed form, Latin-1).
fn chars(body: &[u8], cch: usize, high: bool) -> String {
    if high {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .take(cch)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        body.iter().take(cch).map(|&b| char::from(b)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xf(ifnt: u16, alc: u8, borders: u32, fill: Option<u16>) -> Vec<u8> {
        let mut d = vec![0u8; 20];
        d[..2].copy_from_slice(&ifnt.to_le_bytes());
        d[6] = alc;
        d[10..14].copy_from_slice(&borders.to_le_bytes());
        if let Some(icv) = fill {
            d[14..18].copy_from_slice(&(1u32 << 26).to_le_bytes());
            d[18..20].copy_from_slice(&icv.to_le_bytes());
        }
        d
    }

    fn font(twips: u16, bold: bool, name: &str) -> Vec<u8> {
        let mut d = vec![0u8; 14];
        d[..2].copy_from_slice(&twips.to_le_bytes());
        d[4..6].copy_from_slice(&0x7FFFu16.to_le_bytes());
        d[6..8].copy_from_slice(&(if bold { 700u16 } else { 400 }).to_le_bytes());
        let units: Vec<u16> = name.encode_utf16().collect();
        d.push(u8::try_from(units.len()).unwrap_or(0));
        d.push(1);
        for u in units {
            d.extend_from_slice(&u.to_le_bytes());
        }
        d
    }

    #[test]
    fn any_bytes_in_any_record_never_panic() {
        let mut g = GlobalLooks::default();
        let mut seed = 0x9E37_79B9_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let types = [
            BLANK,
            MULBLANK,
            ROW,
            COLINFO,
            WINDOW2,
            PANE,
            SETUP,
            WSBOOL,
            LEFTMARGIN,
            RIGHTMARGIN,
            TOPMARGIN,
            BOTTOMMARGIN,
            HEADER,
            FOOTER,
            HCENTER,
            PRINTGRIDLINES,
        ];
        for _ in 0..2000 {
            let len = (next() % 40) as usize;
            let d: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            g.font(&d);
            g.xf(&d);
            g.palette(&d);
        }
        let mut s = SheetLook::new(&g);
        for _ in 0..5000 {
            let len = (next() % 40) as usize;
            let d: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let typ = types[(next() as usize) % types.len()];
            s.record(typ, &d);
            s.cell(next() as u16, next() as u16, next() as u16);
        }
        let out = s.finish();
        assert!(out.palette.len() <= 2000);
    }

    #[test]
    fn xf_records_give_alignment_borders_fill_and_font() {
        let mut g = GlobalLooks::default();
        for i in 0..5 {
            g.font(&font(220 + i, i == 4, "宋体"));
        }
        // Centred both ways and wrapped, thin borders all round, yellow fill, font 5 (bold).
        g.xf(&xf(5, 0x02 | 0x08 | 0x10, 0x1111, Some(13)));
        g.xf(&xf(0, 0x20, 0, None));
        g.xf(&[1, 2, 3]);
        let s = g.style(0).unwrap_or_default();
        assert_eq!((s.h, s.v, s.wrap), (HAlign::Center, VAlign::Center, true));
        assert_eq!(s.borders.left, Some(Line::Thin));
        assert_eq!(s.borders.bottom, Some(Line::Thin));
        assert_eq!(s.fill, Some(0xFFFF00));
        assert!(s.bold);
        assert_eq!(s.size_twips, Some(224));
        assert_eq!(s.font.as_deref(), Some("宋体"));
        let s = g.style(1).unwrap_or_default();
        assert_eq!((s.h, s.v), (HAlign::General, VAlign::Bottom));
        assert!(g.style(2).is_some(), "a short XF is read as zeros");
        assert!(g.style(3).is_none());
    }

    #[test]
    fn sheet_records_give_widths_heights_panes_and_page() {
        let g = GlobalLooks::default();
        let mut s = SheetLook::new(&g);
        let mut row = vec![0u8; 16];
        row[..2].copy_from_slice(&4u16.to_le_bytes());
        row[6..8].copy_from_slice(&600u16.to_le_bytes());
        row[12..16].copy_from_slice(&0x140u32.to_le_bytes());
        s.record(ROW, &row);
        s.record(COLINFO, &[0, 0, 2, 0, 0x00, 0x0A, 0, 0, 0, 0, 0, 0]);
        s.record(COLINFO, &[9, 0, 2, 0]);
        s.record(WINDOW2, &[0x08, 0]);
        s.record(PANE, &[3, 0, 2, 0, 2, 0, 3, 0, 0]);
        let mut setup = vec![0u8; 34];
        setup[..2].copy_from_slice(&9u16.to_le_bytes());
        setup[2..4].copy_from_slice(&100u16.to_le_bytes());
        setup[6..8].copy_from_slice(&1u16.to_le_bytes());
        setup[10..12].copy_from_slice(&0u16.to_le_bytes());
        s.record(SETUP, &setup);
        s.record(WSBOOL, &[0xC1, 0x05]);
        for (typ, v) in [
            (LEFTMARGIN, 0.5f64),
            (RIGHTMARGIN, 0.5),
            (TOPMARGIN, 0.75),
            (BOTTOMMARGIN, f64::NAN),
        ] {
            s.record(typ, &v.to_bits().to_le_bytes());
        }
        s.record(HEADER, &[2, 0, 0, b'&', b'A']);
        s.record(SETUP, &[1]);
        let out = s.finish();
        assert_eq!(out.heights, vec![(4, 30.0)]);
        assert_eq!(out.widths.len(), 1);
        assert!((out.widths[0].2 - (10.0 - 0.71)).abs() < 1e-9);
        assert_eq!(out.freeze, Some((2, 3)));
        assert_eq!(out.page.landscape, Some(true));
        assert_eq!(out.page.paper, Some(9));
        assert_eq!(out.page.fit, Some((1, 0)));
        assert_eq!(
            out.page.margins, None,
            "a NaN margin is dropped with its set"
        );
        assert_eq!(out.page.header.as_deref(), Some("&A"));
    }
}
