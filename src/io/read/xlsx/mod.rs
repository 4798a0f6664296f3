//! `.xlsx` (and `.xlsm`): each part read once, in slices.
//!
//! The shared strings ([`strings`], read as far as the cells need them) and each worksheet's XML
//! ([`sheet`]: cells, row heights, merges and the sheet's look in one pass) are read here, as
//! they are inflated, checked against the limits as they come, with a pause for the page every
//! few thousand XML events. calamine reads
//! what is small and intricate: the workbook's sheet list and the styles (fonts, fills, borders,
//! theme colours, number formats), from a copy of the package without the shared strings and
//! with each worksheet replaced by an empty one, so that it never parses the large parts.
//! `differential.rs` holds our cells to calamine's reading of the same files.

mod look;
mod parts;
pub(super) mod scan;
mod sheet;
mod strings;
mod text;

#[cfg(test)]
mod differential;

use super::{checked_names, code, damaged, SheetBuilder};
use crate::error::ImportError;
use crate::io::limits::{self, Budget};
use crate::pace::{self, Pace, Stage};
use crate::table::grid::{Format, Workbook};
use calamine::{Reader, Xlsx, XlsxError};
use parts::{Package, PartIndex};
use std::io::Cursor;
use std::sync::Arc;

/// The buffer the XML readers read the inflated parts through.
const BUFFER: usize = 64 * 1024;

/// The format code of each style, made once per style (the workbook's styles are shared by its
/// sheets): every number of a style gets a clone of the same `Arc`.
#[derive(Default)]
pub(super) struct StyleCodes {
    /// By style id: `None` while not looked up yet.
    codes: Vec<Option<Option<Arc<str>>>>,
}

impl StyleCodes {
    fn get(&mut self, styles: &[calamine::Style], style: usize) -> Option<Arc<str>> {
        if let Some(Some(known)) = self.codes.get(style) {
            return known.clone();
        }
        // Only ids of existing styles are cached, so the table is never longer than calamine's.
        let found = styles.get(style)?;
        let code = found
            .number_format
            .as_ref()
            .and_then(|f| code(&f.format_code));
        if self.codes.len() <= style {
            self.codes.resize(style + 1, None);
        }
        if let Some(slot) = self.codes.get_mut(style) {
            *slot = Some(code.clone());
        }
        code
    }
}

/// Reads an `.xlsx` package.
///
/// # Errors
/// [`ImportError`] when the package is damaged, encrypted or over one of the limits.
pub(super) async fn read_paced<P: Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Workbook, ImportError> {
    limits::check_zip(bytes)?;
    pace.step(Stage::Read, 0.0).await;
    limits::check_xlsx_parts_paced(bytes, pace).await?;
    pace.step(Stage::Read, 0.0).await;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    let parts = PartIndex::new(&zip);
    let package = Package::read(&mut zip, &parts);
    let sheet_parts: Vec<usize> = package
        .sheets
        .values()
        .filter_map(|p| parts.find(p))
        .collect();
    let rels = parts
        .find(&package.workbook_rels)
        .map(|at| (at, package.folder()));
    let small = for_calamine(&mut zip, &sheet_parts, rels)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(small.as_slice())).map_err(|e| match e {
        XlsxError::Password => ImportError::Encrypted,
        other => damaged(other),
    })?;
    let names = checked_names(worksheet_names(&wb))?;
    let styles = names
        .iter()
        .find_map(|n| {
            wb.worksheet_cells_reader(n)
                .ok()
                .map(|r| r.styles().to_vec())
        })
        .unwrap_or_default();
    drop(wb);
    drop(small);

    // The shared strings are read from a second reader of the package as the cells need them.
    let mut zip_strings = zip.clone();
    let strings_part = match package.shared_strings_part(&parts) {
        Some(index) => {
            let file = zip_strings.by_index(index).map_err(damaged)?;
            let part = file.name().map(|n| n.into_owned()).unwrap_or_default();
            let size = file.size();
            Some((file, part, size))
        }
        None => None,
    };
    let mut strings = strings::Strings::open(strings_part)?;
    let mut shared = sheet::Shared {
        strings: &mut strings,
        styles: &styles,
    };

    let mut budget = Budget::default();
    let mut codes = StyleCodes::default();
    let count = names.len();
    let mut sheets = Vec::with_capacity(count);
    let mut looks = Vec::with_capacity(count);
    for (index, name) in names.into_iter().enumerate() {
        let progress = |part: f64| pace::fraction(index, count, part);
        pace.step(Stage::Read, progress(0.0)).await;
        let Some(at) = package.sheets.get(&name).and_then(|p| parts.find(p)) else {
            return Err(damaged(format!("the part of sheet {name} is missing")));
        };
        let file = zip.by_index(at).map_err(damaged)?;
        let size = file.size();
        let mut builder = SheetBuilder::new(name.clone(), &mut budget);
        let extras = sheet::read(
            file,
            size,
            &mut shared,
            &mut codes,
            &mut builder,
            pace,
            progress,
        )
        .await?;
        limits::check_merges(&name, extras.merges.len())?;
        sheets.push(builder.finish(extras.merges)?);
        let mut look = extras.look;
        look.page.title_rows = package.titles.get(&name).copied();
        looks.push((!look.is_empty()).then_some(look));
    }
    Ok(Workbook {
        format: Some(Format::Xlsx),
        sheets,
        styles: looks,
    })
}

/// The names of the workbook's worksheets, in order: chart and dialog sheets (and the Excel 4
/// macro sheets [`for_calamine`] made dialog sheets) hold no table.
fn worksheet_names<R: std::io::Read + std::io::Seek>(wb: &Xlsx<R>) -> Vec<String> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

/// A worksheet with no cells, in place of each real one in the package calamine reads.
const EMPTY_SHEET: &[u8] =
    br#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#;

/// The package calamine reads: only the parts it reads when it opens a workbook (the XML and
/// relationship parts: no images, embedded objects or printer settings), without the shared
/// strings (we read them), each worksheet part in `sheets` replaced by an empty one, and the
/// workbook relationships (`rels`: the part and the workbook's folder) with every target made
/// absolute (calamine resolves only some relative forms: `./worksheets/…` it did not find, and with
/// it the styles) and their Excel 4 macro sheets (`xlMacrosheet`,
/// `intlMacrosheet`, which calamine refuses the whole workbook for) typed as dialog sheets, which
/// calamine lists and the reader skips. Parts are copied still compressed. Call
/// [`limits::check_zip`] first: it bounds the parts read here.
fn for_calamine(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    sheets: &[usize],
    rels: Option<(usize, &str)>,
) -> Result<Vec<u8>, ImportError> {
    use std::io::{Read as _, Write as _};
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(damaged)?;
        let name = file.name().map(|n| n.into_owned()).unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        let read_by_calamine = lower.ends_with(".xml") || lower.ends_with(".rels");
        if !read_by_calamine || lower.ends_with("sharedstrings.xml") {
            continue;
        }
        if sheets.contains(&i) {
            drop(file);
            out.start_file(name.as_str(), stored).map_err(damaged)?;
            out.write_all(EMPTY_SHEET).map_err(damaged)?;
        } else if let Some((_, folder)) = rels.filter(|(at, _)| *at == i) {
            drop(file);
            let mut text = String::new();
            zip.by_index(i)
                .map_err(damaged)?
                .take(limits::MAX_PART_BYTES)
                .read_to_string(&mut text)
                .map_err(damaged)?;
            let text = parts::absolute_targets(&text, folder)
                .replace("intlMacrosheet", "dialogsheet")
                .replace("xlMacrosheet", "dialogsheet");
            out.start_file(name.as_str(), stored).map_err(damaged)?;
            out.write_all(text.as_bytes()).map_err(damaged)?;
        } else {
            out.raw_copy_file(file).map_err(damaged)?;
        }
    }
    Ok(out.finish().map_err(damaged)?.into_inner())
}
