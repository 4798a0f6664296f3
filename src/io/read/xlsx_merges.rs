//! The merged ranges and the look of an `.xlsx` sheet, read from its XML outside the cells.
//!
//! calamine's `merge_cells_by_sheet_name` tokenises the whole sheet XML again to reach
//! `<mergeCells>`, which comes after every cell: on a 100,000-row sheet that is a second full
//! parse (about as long as reading the cells). Here the part is only inflated, in chunks, and
//! searched for `mergeCells`; the XML after it, a few kilobytes, is parsed. Between chunks the
//! reader reports to a [`Pace`], so the page keeps breathing.
//!
//! The sizes were checked by [`crate::io::limits::check_zip`] before: every part is bounded.

use super::xlsx_look;
use crate::io::limits::MAX_ROWS;
use crate::pace::{Pace, Stage};
use crate::table::grid::Merge;
use crate::table::style::SheetStyle;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// How much inflated XML is searched between two steps.
const CHUNK: usize = 1 << 20;

/// The worksheet parts of a workbook, by sheet name (`xl/worksheets/sheet1.xml` …).
pub fn sheet_paths(bytes: &[u8]) -> Option<HashMap<String, String>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let workbook = part_text(&mut zip, "xl/workbook.xml")?;
    let rels = part_text(&mut zip, "xl/_rels/workbook.xml.rels")?;
    let targets: HashMap<String, String> = elements(&rels, "Relationship", &["Id", "Target"])
        .into_iter()
        .filter_map(|mut a| Some((a.remove("Id")?, a.remove("Target")?)))
        .collect();
    let paths = elements(&workbook, "sheet", &["name", "id"])
        .into_iter()
        .filter_map(|mut a| {
            let target = targets.get(&a.remove("id")?)?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            Some((a.remove("name")?, path))
        })
        .collect();
    Some(paths)
}

/// The uncompressed size of the part `path` as the zip directory states it (checked against
/// the limits by [`crate::io::limits::check_zip`]); 0 when there is no such part.
pub fn part_size(bytes: &[u8], path: &str) -> u64 {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return 0;
    };
    let Some(index) = zip.index_for_name(path) else {
        return 0;
    };
    zip.by_index_raw(index).map_or(0, |f| f.size())
}

/// The rows each sheet repeats on its printed pages, by sheet name (see
/// [`xlsx_look::print_titles`]).
pub fn print_titles(bytes: &[u8]) -> HashMap<String, (u32, u32)> {
    let Some(workbook) = zip::ZipArchive::new(Cursor::new(bytes))
        .ok()
        .and_then(|mut zip| part_text(&mut zip, "xl/workbook.xml"))
    else {
        return HashMap::new();
    };
    let names = elements(&workbook, "sheet", &["name"]);
    xlsx_look::print_titles(&workbook)
        .into_iter()
        .filter_map(|(at, rows)| Some((names.get(at)?.get("name")?.clone(), rows)))
        .collect()
}

fn part_text(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let mut text = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut text).ok()?;
    Some(text)
}

/// The wanted attributes (by local name, so `r:id` is `id`) of every element named `local`.
fn elements(xml: &str, local: &str, wanted: &[&str]) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .filter_map(|a| {
                        let key = a.key.local_name().as_ref().to_string();
                        if !wanted.contains(&key.as_str()) {
                            return None;
                        }
                        Some((key, super::xml_value(&a)?))
                    })
                    .collect();
                out.push(attrs);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// What a sheet's XML states outside its cells: merged ranges and the look of the sheet.
#[derive(Debug, Default)]
pub struct Extras {
    /// Merged ranges, first ≤ last in both directions.
    pub merges: Vec<Merge>,
    /// Column widths, frozen panes, row heights and page setup (no cell styles: calamine
    /// gives those with the cells).
    pub look: SheetStyle,
}

/// The longest head (the XML before `<sheetData>`) that is read for widths and panes.
const MAX_HEAD: usize = 4 << 20;

/// The merged ranges and the look of the sheet part `path`, in one pass over its inflated
/// bytes: the head is parsed, each `<row>` tag's attributes are read where a byte search finds
/// it (custom heights), and the tail after `</sheetData>` is parsed. `None` when the part cannot
/// be read (the caller then asks calamine). `progress` maps the fraction of the part read to
/// the fraction reported with [`Stage::Read`].
pub async fn extras<P: Pace>(
    bytes: &[u8],
    path: &str,
    pace: &mut P,
    progress: impl Fn(f64) -> f64,
) -> Option<Extras> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = zip.by_name(path).ok()?;
    let size = part.size().max(1) as f64;
    let mut chunk = vec![0u8; CHUNK];
    let mut scan = Scan::default();
    let mut read_total = 0usize;
    loop {
        let n = part.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        read_total += n;
        scan.feed(chunk.get(..n)?);
        pace.step(Stage::Read, progress(read_total as f64 / size))
            .await;
    }
    let head = xlsx_look::head(&scan.head);
    let tail = String::from_utf8_lossy(scan.tail.as_deref()?);
    let tail = xlsx_look::tail(&tail, head.fit_to_page);
    Some(Extras {
        merges: tail.merges.iter().filter_map(|r| range(r)).collect(),
        look: SheetStyle {
            widths: head.widths,
            heights: scan.heights,
            freeze: head.freeze,
            page: tail.page,
            ..SheetStyle::default()
        },
    })
}

/// The state of the pass over a sheet's XML.
#[derive(Default)]
struct Scan {
    /// The bytes before `<sheetData` (at most [`MAX_HEAD`]).
    head: Vec<u8>,
    head_done: bool,
    /// Bytes not yet scanned: a tag cut by the chunk's end.
    carry: Vec<u8>,
    /// How many bytes of `carry` were scanned for rows already.
    skip: usize,
    /// The row after the last `<row>` seen (rows without `r` follow it), 0-based.
    next_row: u32,
    heights: Vec<(u32, f64)>,
    /// The XML after `</sheetData>` once it is found.
    tail: Option<Vec<u8>>,
}

impl Scan {
    fn feed(&mut self, got: &[u8]) {
        if let Some(tail) = &mut self.tail {
            tail.extend_from_slice(got);
            return;
        }
        let mut buf = std::mem::take(&mut self.carry);
        buf.extend_from_slice(got);
        let mut from = std::mem::take(&mut self.skip).min(buf.len());
        if !self.head_done {
            match memchr::memmem::find(&buf, b"sheetData") {
                Some(at) => {
                    let end = at.min(MAX_HEAD.saturating_sub(self.head.len()));
                    self.head
                        .extend_from_slice(buf.get(..end).unwrap_or_default());
                    self.head_done = true;
                    from = at;
                }
                None => {
                    // Keep a few bytes: the word may be cut by the chunk's end.
                    let keep = buf.len().saturating_sub(16);
                    let room = MAX_HEAD.saturating_sub(self.head.len());
                    self.head
                        .extend_from_slice(buf.get(..keep.min(room)).unwrap_or_default());
                    self.carry = buf.get(keep..).unwrap_or_default().to_vec();
                    return;
                }
            }
        }
        let rows = memchr::memmem::Finder::new(b"row");
        let close = memchr::memmem::Finder::new(b"sheetData");
        // The end of the cells: `</sheetData>` (or `<sheetData/>`) after the opening tag.
        let mut end = None;
        let mut search = from;
        while let Some(at) = buf.get(search..).and_then(|b| close.find(b)) {
            let at = search + at;
            let open = buf
                .get(..at)
                .and_then(|b| b.iter().rposition(|&b| b == b'<'));
            let closing = open.and_then(|o| buf.get(o + 1)) == Some(&b'/');
            let gt = buf
                .get(at..)
                .and_then(|b| b.iter().position(|&b| b == b'>'));
            let empty = gt.is_some_and(|g| g > 0 && buf.get(at + g - 1) == Some(&b'/'));
            if closing || empty {
                end = gt.map(|g| (at, at + g + 1));
                if end.is_none() {
                    // The tag is cut: scan up to it, and look again with the next chunk.
                    let keep = open.unwrap_or(at);
                    let (_, done) = self.rows(&buf, from, keep, &rows);
                    self.skip = done.saturating_sub(keep);
                    self.carry = buf.get(keep..).unwrap_or_default().to_vec();
                    return;
                }
                break;
            }
            search = at + 1;
        }
        match end {
            Some((at, after)) => {
                self.rows(&buf, from, at, &rows);
                self.tail = Some(buf.get(after..).unwrap_or_default().to_vec());
            }
            None => {
                let (cut, done) = self.rows(&buf, from, buf.len(), &rows);
                // Also a few bytes where `</sheetData` may be cut.
                let keep = cut.min(buf.len().saturating_sub(16));
                self.skip = done.saturating_sub(keep);
                self.carry = buf.get(keep..).unwrap_or_default().to_vec();
            }
        }
    }

    /// Reads the `<row …>` tags in `buf[from..to]`; returns where an unfinished tag starts
    /// (`to` when none is) and the end of the last tag read (`from` when none was).
    fn rows(
        &mut self,
        buf: &[u8],
        from: usize,
        to: usize,
        finder: &memchr::memmem::Finder<'_>,
    ) -> (usize, usize) {
        let Some(hay) = buf.get(..to) else {
            return (to, from);
        };
        let mut done = from;
        let mut pos = from;
        while let Some(at) = hay.get(pos..).and_then(|h| finder.find(h)) {
            let at = pos + at;
            pos = at + 3;
            let before = at.checked_sub(1).and_then(|i| hay.get(i));
            if !matches!(before, Some(b'<' | b':')) {
                continue;
            }
            let Some(&next) = hay.get(at + 3) else {
                return (at.saturating_sub(8).max(done), done);
            };
            if !(next.is_ascii_whitespace() || next == b'>' || next == b'/') {
                continue;
            }
            let Some(gt) = hay
                .get(at + 3..)
                .and_then(|h| h.iter().position(|&b| b == b'>'))
            else {
                return (at.saturating_sub(8).max(done), done);
            };
            let attributes = hay.get(at + 3..at + 3 + gt).unwrap_or_default();
            pos = at + 3 + gt;
            done = pos;
            let (r, ht) = xlsx_look::row_tag(attributes);
            let row = r.and_then(|r| r.checked_sub(1)).unwrap_or(self.next_row);
            self.next_row = row.saturating_add(1);
            if let Some(ht) = ht {
                if self.heights.len() < MAX_ROWS && self.heights.last().is_none_or(|h| h.0 < row) {
                    self.heights.push((row, ht));
                }
            }
        }
        (to, done)
    }
}

/// `B2:D3` (or a single cell) as a merge, 0-based.
fn range(reference: &str) -> Option<Merge> {
    let (a, b) = reference.split_once(':').unwrap_or((reference, reference));
    let (r0, c0) = cell(a)?;
    let (r1, c1) = cell(b)?;
    Some(Merge {
        first_row: r0.min(r1),
        first_col: c0.min(c1),
        last_row: r0.max(r1),
        last_col: c0.max(c1),
    })
}

/// `AB12` → (11, 27), 0-based; `$` signs are allowed. `None` for anything else or beyond u32.
fn cell(reference: &str) -> Option<(u32, u32)> {
    let s = reference.trim().replace('$', "");
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        acc.checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pace::{finish, Straight};
    use calamine::{Reader, Xlsx};

    #[test]
    fn one_pass_finds_heights_and_tail_whatever_the_chunks() {
        let xml = br#"<worksheet><cols><col min="1" max="1" width="9"/></cols><sheetData><row r="1" ht="30" customHeight="1"><c r="A1"><v>1</v></c></row><row><c><v>2</v></c></row><x:row ht="18" customHeight="1"/><row r="7" ht="15"/></sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells><pageSetup orientation="portrait"/></worksheet>"#;
        for size in [1, 2, 3, 5, 7, 16, 64, xml.len()] {
            let mut scan = Scan::default();
            for chunk in xml.chunks(size) {
                scan.feed(chunk);
            }
            assert_eq!(scan.heights, vec![(0, 30.0), (2, 18.0)], "chunks of {size}");
            let tail =
                String::from_utf8_lossy(scan.tail.as_deref().unwrap_or_default()).into_owned();
            assert!(tail.starts_with("<mergeCells>"), "chunks of {size}: {tail}");
            assert!(String::from_utf8_lossy(&scan.head).contains("<cols>"));
        }
        let mut scan = Scan::default();
        scan.feed(b"<worksheet><sheetData/><pageMargins left=\"1\"/></worksheet>");
        assert!(scan.tail.is_some_and(|t| t.starts_with(b"<pageMargins")));
    }

    #[test]
    fn any_bytes_in_any_chunks_never_panic() {
        let mut seed = 0x1234_5678_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let words: [&[u8]; 8] = [
            b"<row ",
            b"<x:row r=\"",
            b"ht=\"9\" customHeight=\"1\">",
            b"sheetData",
            b"</sheetData",
            b"<sheetData/>",
            b">",
            b"\"",
        ];
        for _ in 0..300 {
            let mut xml = Vec::new();
            for _ in 0..(next() % 60) {
                match next() % 3 {
                    0 => xml.extend_from_slice(words[(next() as usize) % words.len()]),
                    1 => xml.push(next() as u8),
                    _ => xml.extend_from_slice(format!("{}", next()).as_bytes()),
                }
            }
            let mut scan = Scan::default();
            let size = 1 + (next() % 9) as usize;
            for chunk in xml.chunks(size) {
                scan.feed(chunk);
            }
            let _ = xlsx_look::head(&scan.head);
            let tail =
                String::from_utf8_lossy(scan.tail.as_deref().unwrap_or_default()).into_owned();
            let _ = xlsx_look::tail(&tail, true);
            assert!(scan.heights.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    #[test]
    fn references_parse_like_excel_writes_them() {
        assert_eq!(cell("A1"), Some((0, 0)));
        assert_eq!(cell("$AB$12"), Some((11, 27)));
        assert_eq!(cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell("A0"), None);
        assert_eq!(cell("1A"), None);
        assert_eq!(cell("ABCD1"), None);
        assert_eq!(cell("A99999999999"), None);
        let m = range("D3:B2").unwrap_or(Merge {
            first_row: 9,
            first_col: 9,
            last_row: 9,
            last_col: 9,
        });
        assert_eq!(
            (m.first_row, m.first_col, m.last_row, m.last_col),
            (1, 1, 2, 3)
        );
    }

    #[test]
    fn every_sample_sheet_has_the_merges_calamine_reads() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut sheets = 0;
        let mut merged = 0;
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("xlsx") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            let paths = sheet_paths(&bytes);
            assert!(paths.is_some(), "{path:?}");
            let paths = paths.unwrap_or_default();
            let wb = Xlsx::new(Cursor::new(bytes.as_slice()));
            assert!(wb.is_ok(), "{path:?} does not open");
            let Ok(mut wb) = wb else { continue };
            for name in wb.sheet_names() {
                let mut expected: Vec<_> = wb
                    .merge_cells_by_sheet_name(&name)
                    .unwrap_or_default()
                    .iter()
                    .map(|d| {
                        (
                            d.start.0.min(d.end.0),
                            d.start.1.min(d.end.1),
                            d.start.0.max(d.end.0),
                            d.start.1.max(d.end.1),
                        )
                    })
                    .collect();
                let part = paths.get(&name).cloned().unwrap_or_default();
                let got = finish(extras(&bytes, &part, &mut Straight, |f| f))
                    .flatten()
                    .map(|e| e.merges);
                let mut got: Vec<_> = got
                    .unwrap_or_default()
                    .iter()
                    .map(|m| (m.first_row, m.first_col, m.last_row, m.last_col))
                    .collect();
                expected.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, expected, "{path:?} {name}");
                sheets += 1;
                merged += got.len();
            }
        }
        assert!(
            sheets >= 6 && merged > 10,
            "{sheets} sheets, {merged} merges"
        );
    }
}
