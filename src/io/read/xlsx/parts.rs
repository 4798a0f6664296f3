//! Where things are in an `.xlsx` package, from its relationships and workbook part (found
//! through `_rels/.rels`, as Excel finds it): each sheet's part, the shared strings part, the rows
//! each sheet prints on every page; part names looked up forgiving case and `\\`; and cell
//! references (`B2:D3`) as merges.

use super::look;
use crate::table::grid::Merge;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// Where a workbook's parts are, read once from its relationships and workbook part.
#[derive(Debug, Default)]
pub struct Package {
    /// The workbook part (`xl/workbook.xml`, or wherever `_rels/.rels` points).
    pub workbook: String,
    /// Its relationships part (`xl/_rels/workbook.xml.rels`).
    pub workbook_rels: String,
    /// Each sheet's part, by sheet name (`xl/worksheets/sheet1.xml` …).
    pub sheets: HashMap<String, String>,
    /// The shared strings part the relationships name, if any.
    pub shared_strings: Option<String>,
    /// The rows each sheet repeats on its printed pages, by sheet name.
    pub titles: HashMap<String, (u32, u32)>,
}

/// The package's main part when `_rels/.rels` does not say.
const DEFAULT_WORKBOOK: &str = "xl/workbook.xml";

impl Package {
    /// The workbook part's folder, with its `/` (`xl/`), or nothing at the package's root.
    pub fn folder(&self) -> &str {
        self.workbook
            .rfind('/')
            .and_then(|at| self.workbook.get(..=at))
            .unwrap_or_default()
    }

    /// The shared strings part: the one the relationships name, else `sharedStrings.xml` beside
    /// the workbook part (where calamine looks).
    pub fn shared_strings_part(&self, index: &PartIndex) -> Option<usize> {
        let beside = match self.workbook.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/sharedStrings.xml"),
            None => "sharedStrings.xml".to_string(),
        };
        self.shared_strings
            .as_deref()
            .and_then(|p| index.find(p))
            .or_else(|| index.find(&beside))
    }

    /// Reads the package's relationships and workbook part. Call
    /// [`crate::io::limits::check_xlsx_parts`] first: it bounds the parts read here.
    pub fn read(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, index: &PartIndex) -> Self {
        let workbook = part_text(zip, index, "_rels/.rels")
            .and_then(|rels| {
                elements(&rels, "Relationship", &["Type", "Target"])
                    .into_iter()
                    .find(|a| {
                        a.get("Type")
                            .is_some_and(|t| t.ends_with("/officeDocument"))
                    })
                    .and_then(|mut a| a.remove("Target"))
            })
            .map(|target| resolve("", &target))
            .filter(|path| index.find(path).is_some())
            .unwrap_or_else(|| DEFAULT_WORKBOOK.to_string());
        let (dir, file) = match workbook.rsplit_once('/') {
            Some((dir, file)) => (format!("{dir}/"), file.to_string()),
            None => (String::new(), workbook.clone()),
        };
        let workbook_rels = format!("{dir}_rels/{file}.rels");
        let mut targets: HashMap<String, String> = HashMap::new();
        let mut shared_strings = None;
        let rels = part_text(zip, index, &workbook_rels).unwrap_or_default();
        for mut a in elements(&rels, "Relationship", &["Id", "Type", "Target"]) {
            let Some(target) = a.remove("Target") else {
                continue;
            };
            let path = resolve(&dir, &target);
            if a.get("Type").is_some_and(|t| t.ends_with("/sharedStrings")) {
                shared_strings.get_or_insert_with(|| path.clone());
            }
            if let Some(id) = a.remove("Id") {
                targets.insert(id, path);
            }
        }
        let xml = part_text(zip, index, &workbook).unwrap_or_default();
        let names: Vec<(Option<String>, Option<String>)> = elements(&xml, "sheet", &["name", "id"])
            .into_iter()
            .map(|mut a| (a.remove("name"), a.remove("id")))
            .collect();
        let sheets = names
            .iter()
            .filter_map(|(name, id)| Some((name.clone()?, targets.get(id.as_ref()?)?.clone())))
            .collect();
        let titles = look::print_titles(&xml)
            .into_iter()
            .filter_map(|(at, rows)| Some((names.get(at)?.0.clone()?, rows)))
            .collect();
        Self {
            workbook,
            workbook_rels,
            sheets,
            shared_strings,
            titles,
        }
    }
}

/// A relationship's target as a part name: absolute (`/xl/…`), or relative to the folder `dir`
/// of the part whose relationships name it (`./`, `../` resolved; `\` read as `/`).
fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let (mut parts, rest): (Vec<&str>, &str) = match target.strip_prefix('/') {
        Some(absolute) => (Vec::new(), absolute),
        None => (
            dir.split('/').filter(|p| !p.is_empty()).collect(),
            target.as_str(),
        ),
    };
    for piece in rest.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// A relationships part's text with each internal `Target` made absolute (`/xl/worksheets/…`),
/// resolved against `folder` as [`Package::read`] resolves it; external targets (`https://…`,
/// `file:…`) are kept.
pub fn absolute_targets(rels: &str, folder: &str) -> String {
    let mut out = String::with_capacity(rels.len() + 64);
    let mut rest = rels;
    while let Some(at) = rest.find("Target=") {
        let (before, after) = rest.split_at(at + "Target=".len());
        out.push_str(before);
        let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'');
        let end = quote.and_then(|q| after.get(1..)?.find(q));
        let (Some(q), Some(end)) = (quote, end) else {
            rest = after;
            continue;
        };
        let target = after.get(1..1 + end).unwrap_or_default();
        let external = target.contains(':');
        out.push(q);
        if external {
            out.push_str(target);
        } else {
            out.push('/');
            out.push_str(&resolve(folder, target));
        }
        rest = after.get(1 + end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// A part's text, found as [`PartIndex::find`] finds it; at most its size, which
/// [`crate::io::limits::check_zip`] bounded.
fn part_text(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: &PartIndex,
    name: &str,
) -> Option<String> {
    let mut text = String::new();
    zip.by_index(index.find(name)?)
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// The most elements [`elements`] collects: more than any workbook part holds (the limits refuse
/// a part with more entries before it is read here).
const MAX_ELEMENTS: usize = 1_000_000;

/// The wanted attributes (by local name, so `r:id` is `id`) of every element named `local`.
fn elements(xml: &str, local: &str, wanted: &[&str]) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == local && out.len() < MAX_ELEMENTS =>
            {
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

/// `$AB$12` → (11, 27), 0-based, as [`super::sheet::position`] reads a reference without its `$` signs.
fn cell(reference: &str) -> Option<(u32, u32)> {
    let bytes: Vec<u8> = reference.trim().bytes().filter(|&b| b != b'$').collect();
    super::sheet::position(&bytes)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_workbook_folder_in_every_form() {
        for (folder, target, expected) in [
            ("xl/", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
            ("xl/", "./worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
            (
                "xl/",
                "/xl/worksheets/sheet1.xml",
                "xl/worksheets/sheet1.xml",
            ),
            ("xl/", "../book/s.xml", "book/s.xml"),
            ("xl/", "..\\book\\s.xml", "book/s.xml"),
            ("a/b/", "../../c.xml", "c.xml"),
            ("", "xl/workbook.xml", "xl/workbook.xml"),
            (
                "xl/",
                "worksheets//./sheet2.xml",
                "xl/worksheets/sheet2.xml",
            ),
            ("xl/", "../../../x.xml", "x.xml"),
        ] {
            assert_eq!(resolve(folder, target), expected, "{folder} + {target}");
        }
        let rels = r#"<Relationships><Relationship Id="rId1" Target="./worksheets/sheet1.xml"/><Relationship Id='rId2' Target='styles.xml'/><Relationship Id="rId3" TargetMode="External" Target="https://example.org/a"/></Relationships>"#;
        assert_eq!(
            absolute_targets(rels, "xl/"),
            r#"<Relationships><Relationship Id="rId1" Target="/xl/worksheets/sheet1.xml"/><Relationship Id='rId2' Target='/xl/styles.xml'/><Relationship Id="rId3" TargetMode="External" Target="https://example.org/a"/></Relationships>"#
        );
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
}
