//! Where things are in an `.xlsx` package, from its workbook part and relationships: each
//! sheet's part, the shared strings part, the rows each sheet prints on every page; and cell
//! references (`B2:D3`) as merges.

use super::look;
use crate::table::grid::Merge;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

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
            Some((a.remove("name")?, part_path(target)))
        })
        .collect();
    Some(paths)
}

/// The shared strings part the workbook's relationships name (`xl/sharedStrings.xml` …).
pub fn shared_strings_path(bytes: &[u8]) -> Option<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let rels = part_text(&mut zip, "xl/_rels/workbook.xml.rels")?;
    elements(&rels, "Relationship", &["Type", "Target"])
        .into_iter()
        .find(|a| a.get("Type").is_some_and(|t| t.ends_with("/sharedStrings")))
        .and_then(|mut a| a.remove("Target"))
        .map(|target| part_path(&target))
}

/// A workbook relationship's target as a part name: absolute (`/xl/…`) or relative to `xl/`.
fn part_path(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{}", target.trim_start_matches("./")),
    }
}

/// The rows each sheet repeats on its printed pages, by sheet name (see
/// [`look::print_titles`]).
pub fn print_titles(bytes: &[u8]) -> HashMap<String, (u32, u32)> {
    let Some(workbook) = zip::ZipArchive::new(Cursor::new(bytes))
        .ok()
        .and_then(|mut zip| part_text(&mut zip, "xl/workbook.xml"))
    else {
        return HashMap::new();
    };
    let names = elements(&workbook, "sheet", &["name"]);
    look::print_titles(&workbook)
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
                        Some((key, crate::io::read::xml_value(&a)?))
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

/// `B2:D3` (or a single cell) as a merge, 0-based.
pub(crate) fn range(reference: &str) -> Option<Merge> {
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

/// The package's part names, for lookups that forgive case and `\` (as Excel does).
pub struct PartIndex {
    exact: HashMap<String, usize>,
    folded: HashMap<String, usize>,
}

impl PartIndex {
    pub fn new(zip: &zip::ZipArchive<Cursor<&[u8]>>) -> Self {
        let mut exact = HashMap::new();
        let mut folded = HashMap::new();
        for (index, name) in zip.file_names().enumerate() {
            if let Ok(name) = name {
                folded.entry(fold(&name)).or_insert(index);
                exact.insert(name.into_owned(), index);
            }
        }
        Self { exact, folded }
    }

    pub fn find(&self, path: &str) -> Option<usize> {
        let path = path.trim_start_matches('/');
        self.exact
            .get(path)
            .or_else(|| self.folded.get(&fold(path)))
            .copied()
    }
}

fn fold(name: &str) -> String {
    name.trim_start_matches('/')
        .replace('\\', "/")
        .to_lowercase()
}

/// The shared strings part: the one the workbook's relationships name, else
/// `xl/sharedStrings.xml`.
pub fn shared_strings_part(bytes: &[u8], parts: &PartIndex) -> Option<usize> {
    shared_strings_path(bytes)
        .and_then(|p| parts.find(&p))
        .or_else(|| parts.find("xl/sharedStrings.xml"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
