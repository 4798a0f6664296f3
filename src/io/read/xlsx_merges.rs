//! The merged ranges of an `.xlsx` sheet, read from the end of its XML.
//!
//! calamine's `merge_cells_by_sheet_name` tokenises the whole sheet XML again to reach
//! `<mergeCells>`, which comes after every cell: on a 100,000-row sheet that is a second full
//! parse (about as long as reading the cells). Here the part is only inflated, in chunks, and
//! searched for `mergeCells`; the XML after it, a few kilobytes, is parsed. Between chunks the
//! reader reports to a [`Pace`], so the page keeps breathing.
//!
//! The sizes were checked by [`crate::io::limits::check_zip`] before: every part is bounded.

use crate::pace::{Pace, Stage};
use crate::table::grid::Merge;
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
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()?
                            .into_owned();
                        Some((key, value))
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

/// The merged ranges of the sheet part `path`: first ≤ last in both directions. `None` when the
/// part cannot be read (the caller then asks calamine). `progress` maps the fraction of the part
/// read to the fraction reported with [`Stage::Read`].
pub async fn merges<P: Pace>(
    bytes: &[u8],
    path: &str,
    pace: &mut P,
    progress: impl Fn(f64) -> f64,
) -> Option<Vec<Merge>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = zip.by_name(path).ok()?;
    let size = part.size().max(1) as f64;
    let needle = b"mergeCells";
    let mut chunk = vec![0u8; CHUNK];
    // The last bytes of the previous chunk, so a match across two chunks is found.
    let mut carry: Vec<u8> = Vec::new();
    let mut tail: Option<Vec<u8>> = None;
    let mut read_total = 0usize;
    loop {
        let n = part.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        read_total += n;
        let got = chunk.get(..n)?;
        match &mut tail {
            Some(tail) => tail.extend_from_slice(got),
            None => {
                carry.extend_from_slice(got);
                if let Some(at) = memchr::memmem::find(&carry, needle) {
                    // From the `<` that opens the element (a prefix such as `x:` may sit between).
                    let open = carry
                        .get(..at)?
                        .iter()
                        .rposition(|&b| b == b'<')
                        .unwrap_or(at);
                    tail = Some(carry.get(open..)?.to_vec());
                } else {
                    let keep = carry.len().saturating_sub(needle.len() + 16);
                    carry.drain(..keep);
                }
            }
        }
        pace.step(Stage::Read, progress(read_total as f64 / size))
            .await;
    }
    let Some(tail) = tail else {
        return Some(Vec::new());
    };
    let tail = String::from_utf8_lossy(&tail);
    Some(
        elements(&tail, "mergeCell", &["ref"])
            .into_iter()
            .filter_map(|mut a| range(&a.remove("ref")?))
            .collect(),
    )
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
                let got = finish(merges(&bytes, &part, &mut Straight, |f| f)).flatten();
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
