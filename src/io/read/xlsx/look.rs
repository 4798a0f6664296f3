//! The look of an `.xlsx` sheet in the shared model ([`crate::table::style`]): cell styles
//! from calamine's reading of `styles.xml`, and the sheet's own settings from the parts of its
//! XML outside the cells, which [`super::sheet`] hands over from its single pass: the head
//! (`<sheetPr>`, `<sheetViews>`, `<cols>`), each `<row>` tag, and the tail (`<mergeCells>`,
//! `<printOptions>`, `<pageMargins>`, `<pageSetup>`, `<headerFooter>`).

use crate::io::limits::{MAX_COLUMNS, MAX_ROWS};
use crate::table::style::{
    Borders, CellStyle, HAlign, Line, Margins, PageSetup, VAlign, MAX_FONT_NAME, MAX_HEADER_CHARS,
};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

/// A sheet's palette being built: calamine's style ids (the workbook's cell formats) mapped to
/// distinct [`CellStyle`]s, each converted once.
#[derive(Debug, Default)]
pub struct Palette {
    /// By calamine style id: the palette index, once looked up.
    by_id: HashMap<usize, u32>,
    index: HashMap<CellStyle, u32>,
    styles: Vec<CellStyle>,
}

impl Palette {
    /// The palette index of calamine style `id` (`None` for an id calamine does not have).
    pub fn id(&mut self, styles: &[calamine::Style], id: usize) -> Option<u32> {
        if let Some(known) = self.by_id.get(&id) {
            return Some(*known);
        }
        let style = cell_style(styles.get(id)?);
        let next = u32::try_from(self.styles.len()).ok()?;
        let at = *self.index.entry(style.clone()).or_insert(next);
        if at == next {
            self.styles.push(style);
        }
        self.by_id.insert(id, at);
        Some(at)
    }

    /// The distinct styles, by index.
    pub fn finish(self) -> Vec<CellStyle> {
        self.styles
    }
}

/// A calamine style in the shared model.
pub fn cell_style(s: &calamine::Style) -> CellStyle {
    use calamine::{HorizontalAlignment as H, VerticalAlignment as V};
    let mut out = CellStyle::default();
    if let Some(font) = &s.font {
        out.font = font
            .name
            .as_deref()
            .filter(|n| !n.is_empty() && n.chars().count() <= MAX_FONT_NAME)
            .map(str::to_string);
        out.size_twips = font
            .size
            .filter(|p| p.is_finite() && (1.0..=409.0).contains(p))
            .map(|p| (p * 20.0).round() as u16);
        out.bold = font.is_bold();
        out.italic = font.is_italic();
        out.underline = font.has_underline();
        out.color = font
            .color
            .map(|c| c.to_argb() & 0xFF_FFFF)
            .filter(|c| *c != 0);
    }
    if let Some(a) = &s.alignment {
        out.h = match a.horizontal {
            H::Left => HAlign::Left,
            H::Center => HAlign::Center,
            H::CenterContinuous => HAlign::CenterAcross,
            H::Right => HAlign::Right,
            H::Justify => HAlign::Justify,
            H::Distributed => HAlign::Distributed,
            H::Fill => HAlign::Fill,
            _ => HAlign::General,
        };
        out.v = match a.vertical {
            V::Top => VAlign::Top,
            V::Center => VAlign::Center,
            V::Justify => VAlign::Justify,
            V::Distributed => VAlign::Distributed,
            _ => VAlign::Bottom,
        };
        out.wrap = a.wrap_text;
    }
    if let Some(b) = &s.borders {
        out.borders = Borders {
            left: line(b.left.style),
            right: line(b.right.style),
            top: line(b.top.style),
            bottom: line(b.bottom.style),
        };
    }
    out.fill = s
        .fill
        .as_ref()
        .filter(|f| f.is_visible())
        .and_then(|f| f.get_color())
        .map(|c| c.to_argb() & 0xFF_FFFF);
    out
}

fn line(style: calamine::BorderStyle) -> Option<Line> {
    use calamine::BorderStyle as B;
    Some(match style {
        B::None => return None,
        B::Thin => Line::Thin,
        B::Medium | B::MediumDashed | B::MediumDashDot | B::MediumDashDotDot => Line::Medium,
        B::Thick => Line::Thick,
        B::Double => Line::Double,
        B::Hair => Line::Hair,
        B::Dashed | B::DashDot | B::DashDotDot | B::SlantDashDot => Line::Dashed,
        B::Dotted => Line::Dotted,
        _ => Line::Thin,
    })
}

/// What the head of a sheet's XML (before `<sheetData>`) states.
#[derive(Debug, Default, PartialEq)]
pub struct Head {
    /// Column widths in characters, (first, last, width), 0-based.
    pub widths: Vec<(u16, u16, f64)>,
    /// Frozen rows and columns.
    pub freeze: Option<(u32, u16)>,
    /// `<pageSetUpPr fitToPage="1">`: the `<pageSetup>` fit applies.
    pub fit_to_page: bool,
}

/// The padding Excel adds to a column's character width (rust_xlsxwriter adds it back).
const WIDTH_PADDING: f64 = 0.71;

/// Reads the head (which may be cut short: what parses is kept).
pub fn head(xml: &[u8]) -> Head {
    let mut out = Head::default();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let a = attrs(&e);
                match e.local_name().as_ref() {
                    "col" if out.widths.len() < MAX_COLUMNS => {
                        let n = |k: &str| a.get(k).and_then(|v| v.parse::<u32>().ok());
                        let width = a.get("width").and_then(|v| v.parse::<f64>().ok());
                        if let (Some(min), Some(max), Some(w)) = (n("min"), n("max"), width) {
                            let cap = |c: u32| u16::try_from(c.clamp(1, 16_384) - 1).ok();
                            if let (Some(first), Some(last)) = (cap(min), cap(max.max(min))) {
                                if w.is_finite() && (0.0..=255.0).contains(&w) {
                                    let w = (w - WIDTH_PADDING).max(0.0);
                                    out.widths.push((first, last, w));
                                }
                            }
                        }
                    }
                    "pane" => {
                        let frozen = a.get("state").is_some_and(|s| s.starts_with("frozen"));
                        let split = |k: &str| {
                            a.get(k)
                                .and_then(|v| v.parse::<f64>().ok())
                                .filter(|v| v.is_finite() && *v >= 0.0)
                                .map_or(0, |v| v as u32)
                        };
                        let (rows, cols) = (split("ySplit"), split("xSplit"));
                        if frozen && (rows > 0 || cols > 0) {
                            let rows = rows.min(MAX_ROWS as u32);
                            let cols = u16::try_from(cols.min(MAX_COLUMNS as u32)).unwrap_or(0);
                            out.freeze = Some((rows, cols));
                        }
                    }
                    "pageSetUpPr" => out.fit_to_page = truthy(a.get("fitToPage")),
                    "sheetData" => break,
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// The row (1-based `r`, if stated) and custom height in points of a `<row …>` tag's attribute
/// text (what follows `row`).
pub fn row_tag(attributes: &[u8]) -> (Option<u32>, Option<f64>) {
    let mut r = None;
    let mut ht = None;
    let mut custom = false;
    for (key, value) in raw_attrs(attributes) {
        match key {
            b"r" => r = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()),
            b"ht" => {
                ht = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|h| h.is_finite() && (0.0..=409.5).contains(h));
            }
            b"customHeight" => custom = matches!(value, b"1" | b"true"),
            _ => {}
        }
    }
    (r, if custom { ht } else { None })
}

/// `key="value"` pairs of a tag's attribute text (single or double quotes).
pub(super) fn raw_attrs(text: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let eq = rest.iter().position(|&b| b == b'=')?;
        let key = rest.get(..eq)?.trim_ascii();
        let key = key
            .rsplit(|b| b.is_ascii_whitespace())
            .next()
            .unwrap_or(key);
        let after = rest.get(eq + 1..)?.trim_ascii_start();
        let quote = *after.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let body = after.get(1..)?;
        let end = body.iter().position(|&b| b == quote)?;
        let value = body.get(..end)?;
        rest = body.get(end + 1..)?;
        Some((key, value))
    })
}

/// What the tail of a sheet's XML (after `</sheetData>`) states.
#[derive(Debug, Default, PartialEq)]
pub struct Tail {
    /// Merged ranges, as `ref` texts.
    pub merges: Vec<String>,
    /// The page setup (its fit only counts where the head's `fitToPage` says so).
    pub page: PageSetup,
}

/// Reads the tail; `fit_to_page` comes from the head.
pub fn tail(xml: &str, fit_to_page: bool) -> Tail {
    let mut out = Tail::default();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut text_of: Option<&'static str> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let a = attrs(&e);
                match e.local_name().as_ref() {
                    "mergeCell" => out.merges.extend(a.get("ref").cloned()),
                    "pageMargins" => {
                        let m = |k: &str| {
                            a.get(k)
                                .and_then(|v| v.parse::<f64>().ok())
                                .filter(|v| v.is_finite() && (0.0..100.0).contains(v))
                        };
                        if let (Some(left), Some(right), Some(top), Some(bottom)) =
                            (m("left"), m("right"), m("top"), m("bottom"))
                        {
                            out.page.margins = Some(Margins {
                                left,
                                right,
                                top,
                                bottom,
                                header: m("header").unwrap_or(0.3),
                                footer: m("footer").unwrap_or(0.3),
                            });
                        }
                    }
                    "pageSetup" => {
                        let n = |k: &str| a.get(k).and_then(|v| v.parse::<u32>().ok());
                        out.page.landscape = a.get("orientation").and_then(|o| match o.as_str() {
                            "landscape" => Some(true),
                            "portrait" => Some(false),
                            _ => None,
                        });
                        out.page.paper = n("paperSize").and_then(|p| u8::try_from(p).ok());
                        out.page.scale = n("scale")
                            .filter(|s| (10..=400).contains(s))
                            .and_then(|s| u16::try_from(s).ok());
                        if fit_to_page {
                            let fit = |k: &str| {
                                n(k).map_or(Some(1), |v| u16::try_from(v.min(32_767)).ok())
                            };
                            out.page.fit = fit("fitToWidth").zip(fit("fitToHeight"));
                        }
                    }
                    "printOptions" => {
                        out.page.center_horizontally = truthy(a.get("horizontalCentered"));
                        out.page.gridlines = truthy(a.get("gridLines"));
                    }
                    "oddHeader" => text_of = Some("header"),
                    "oddFooter" => text_of = Some("footer"),
                    _ => {}
                }
            }
            Ok(Event::Text(t)) if text_of.is_some() && text.len() < MAX_HEADER_CHARS * 4 => {
                text.push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
            }
            Ok(Event::GeneralRef(r)) if text_of.is_some() && text.len() < MAX_HEADER_CHARS * 4 => {
                let ch = crate::io::read::entity_char(&r);
                text.extend(ch);
            }
            Ok(Event::End(_)) => {
                let kept: String = text.chars().take(MAX_HEADER_CHARS).collect();
                text.clear();
                let slot = match text_of.take() {
                    Some("header") => &mut out.page.header,
                    Some(_) => &mut out.page.footer,
                    None => continue,
                };
                if !kept.trim().is_empty() {
                    *slot = Some(kept);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// The rows each sheet repeats at the top of its printed pages (`_xlnm.Print_Titles` in
/// `workbook.xml`), by the sheet's 0-based position in the workbook, 0-based rows.
pub fn print_titles(workbook_xml: &str) -> HashMap<usize, (u32, u32)> {
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(workbook_xml);
    let mut sheet: Option<usize> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "definedName" => {
                let a = attrs(&e);
                text.clear();
                sheet = a
                    .get("name")
                    .filter(|n| n.as_str() == "_xlnm.Print_Titles")
                    .and_then(|_| a.get("localSheetId")?.parse().ok());
            }
            Ok(Event::Text(t)) if sheet.is_some() && text.len() < 1024 => {
                text.push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
            }
            Ok(Event::GeneralRef(r)) if sheet.is_some() && text.len() < 1024 => {
                text.push(crate::io::read::entity_char(&r).unwrap_or('?'));
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "definedName" => {
                if let Some(at) = sheet.take() {
                    if let Some(rows) = text.split(',').find_map(title_rows) {
                        out.insert(at, rows);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        if out.len() > crate::io::limits::MAX_SHEETS {
            break;
        }
    }
    out
}

/// `'Sheet 1'!$3:$5` → (2, 4); `None` for columns (`$A:$B`) or anything else.
fn title_rows(reference: &str) -> Option<(u32, u32)> {
    let range = reference.rsplit('!').next()?.replace('$', "");
    let (a, b) = range.split_once(':')?;
    let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    let (first, last) = (a.min(b).checked_sub(1)?, a.max(b).checked_sub(1)?);
    (last < MAX_ROWS as u32).then_some((first, last))
}

fn truthy(v: Option<&String>) -> bool {
    v.is_some_and(|v| v == "1" || v == "true")
}

/// The attributes of a tag by local name (`r:id` is `id`), unescaped.
fn attrs(e: &BytesStart<'_>) -> HashMap<String, String> {
    e.attributes()
        .flatten()
        .filter_map(|a| {
            let value = crate::io::read::xml_value(&a)?;
            Some((a.key.local_name().as_ref().to_string(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_gives_widths_and_frozen_panes() {
        let xml = br#"<worksheet><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView><pane xSplit="3" ySplit="2" topLeftCell="D3" state="frozen"/></sheetView></sheetViews><cols><col min="1" max="1" width="6.71" customWidth="1"/><col min="2" max="4" width="10.71"/><col min="99999" max="1" width="1e999"/></cols><sheetData><row r="1">"#;
        let h = head(xml);
        assert_eq!(h.freeze, Some((2, 3)));
        assert!(h.fit_to_page);
        assert_eq!(h.widths.len(), 2);
        assert_eq!(h.widths[1].0, 1);
        assert_eq!(h.widths[1].1, 3);
        assert!((h.widths[0].2 - 6.0).abs() < 1e-9);
        // Cut short, as a head can be: what parsed is kept.
        let h = head(&xml[..120]);
        assert_eq!(h.freeze, None);
        assert!(h.fit_to_page);
    }

    #[test]
    fn row_tags_give_custom_heights_only() {
        assert_eq!(
            row_tag(br#" r="3" ht="30" customHeight="1""#),
            (Some(3), Some(30.0))
        );
        assert_eq!(row_tag(br#" r="4" ht="30""#), (Some(4), None));
        assert_eq!(
            row_tag(br#" spans="1:3" ht='12' customHeight='true'"#),
            (None, Some(12.0))
        );
        assert_eq!(
            row_tag(br#" r="x" ht="1e400" customHeight="1"#),
            (None, None)
        );
        assert_eq!(row_tag(b" r=5 ht"), (None, None));
    }

    #[test]
    fn the_tail_gives_the_page_setup() {
        let xml = r#"<mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells><printOptions horizontalCentered="1"/><pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/><headerFooter><oddHeader>&amp;C标题</oddHeader><oddFooter>&amp;P</oddFooter></headerFooter></worksheet>"#;
        let t = tail(xml, true);
        assert_eq!(t.merges, vec!["A1:C1".to_string()]);
        assert_eq!(t.page.landscape, Some(true));
        assert_eq!(t.page.paper, Some(9));
        assert_eq!(t.page.fit, Some((1, 0)));
        assert!(t.page.center_horizontally);
        assert_eq!(t.page.header.as_deref(), Some("&C标题"));
        assert_eq!(t.page.footer.as_deref(), Some("&P"));
        assert!(t.page.margins.is_some_and(|m| m.top == 0.75));
        assert_eq!(tail(xml, false).page.fit, None);
        // Hostile values are dropped, never trusted.
        let t = tail(
            r#"<pageMargins left="-1" right="NaN" top="1" bottom="1"/><pageSetup paperSize="999" scale="0"/>"#,
            true,
        );
        assert_eq!(t.page.margins, None);
        assert_eq!(t.page.paper, None);
        assert_eq!(t.page.scale, None);
    }

    #[test]
    fn print_titles_are_read_by_sheet_position() {
        let xml = r#"<workbook><sheets/><definedNames><definedName name="_xlnm.Print_Titles" localSheetId="1">'年度 监测'!$3:$5</definedName><definedName name="_xlnm.Print_Titles" localSheetId="0">Sheet1!$A:$B,Sheet1!$2:$2</definedName><definedName name="_xlnm.Print_Titles" localSheetId="2">S!$A:$B</definedName><definedName name="x" localSheetId="3">S!$1:$1</definedName></definedNames></workbook>"#;
        let t = print_titles(xml);
        assert_eq!(t.get(&1), Some(&(2, 4)));
        assert_eq!(t.get(&0), Some(&(1, 1)));
        assert_eq!(t.len(), 2);
        assert_eq!(title_rows("S!$0:$1"), None);
        assert_eq!(title_rows("S!$1:$99999999999"), None);
    }

    #[test]
    fn calamine_styles_map_to_the_model() {
        let mut s = calamine::Style::default();
        let mut a = calamine::Alignment::default();
        a.horizontal = calamine::HorizontalAlignment::Center;
        a.vertical = calamine::VerticalAlignment::Center;
        a.wrap_text = true;
        s.alignment = Some(a);
        let c = cell_style(&s);
        assert_eq!((c.h, c.v, c.wrap), (HAlign::Center, VAlign::Center, true));
        assert_eq!(
            cell_style(&calamine::Style::default()),
            CellStyle::default()
        );
    }
}
