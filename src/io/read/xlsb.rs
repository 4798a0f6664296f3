//! `.xlsb` (Excel binary workbook): calamine reads the cells, from a package rebuilt of checked
//! parts only.
//!
//! calamine's `.xlsb` reader trusts the records: it indexes record bodies at fixed offsets, looks
//! shared strings and relationships up without checking they exist, parses the formulas of
//! defined names (with more unchecked indexing), and does not consume the bodies of the style
//! sheet's records it skips. In WebAssembly a panic kills the page, so calamine never gets the
//! file as it came. Before it reads anything:
//!
//! - the zip container is checked as for `.xlsx` ([`limits::check_zip`]);
//! - every record of every part calamine reads is framed (its declared length fits the part, so
//!   calamine never reserves more than the part holds), and each record type calamine indexes is
//!   at least as long as calamine reads; a cell's shared string exists;
//! - `workbook.bin` is rebuilt from the sheet list only (`BrtWbProp`, the `BrtBundleSh` of each
//!   worksheet, then the end of the list): chart sheets, dialog sheets and Excel 4 macro sheets are
//!   left out (calamine refuses a workbook with a macro sheet; neither holds a table), and so are
//!   defined names (their formulas are not needed for cell values);
//! - the relationships are rebuilt for the kept worksheets; `styles.bin` is not handed over (the
//!   number formats are read here, from its records, and the numeric cells' styles from the
//!   sheets' records).
//!
//! Merged ranges (`BrtMergeCell`), which calamine does not expose for `.xlsb`, are read in the
//! same walk over the sheet's records.

use super::{code, damaged, SheetBuilder, Workbook};
use crate::error::ImportError;
use crate::io::limits::{self, Budget};
use crate::pace::{self, Pace, Stage, STEP};
use crate::table::grid::{Format, Merge};
use calamine::{Reader, Xlsb};
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::sync::Arc;

const BRT_ROW_HDR: u16 = 0x0000;
const BRT_CELL_RK: u16 = 0x0002;
const BRT_CELL_ERROR: u16 = 0x0003;
const BRT_CELL_BOOL: u16 = 0x0004;
const BRT_CELL_REAL: u16 = 0x0005;
const BRT_CELL_ST: u16 = 0x0006;
const BRT_CELL_ISST: u16 = 0x0007;
const BRT_FMLA_STRING: u16 = 0x0008;
const BRT_FMLA_NUM: u16 = 0x0009;
const BRT_FMLA_BOOL: u16 = 0x000A;
const BRT_SST_ITEM: u16 = 0x0013;
const BRT_FMT: u16 = 0x002C;
const BRT_XF: u16 = 0x002F;
const BRT_END_BUNDLE_SHS: u16 = 0x0090;
const BRT_WS_DIM: u16 = 0x0094;
const BRT_WB_PROP: u16 = 0x0099;
const BRT_BUNDLE_SH: u16 = 0x009C;
const BRT_CALC_PROP: u16 = 0x009D;
const BRT_BEGIN_SST: u16 = 0x009F;
const BRT_MERGE_CELL: u16 = 0x00B0;
const BRT_BEGIN_CELL_XFS: u16 = 0x0269;
const BRT_END_CELL_XFS: u16 = 0x026A;

/// Whether a zip container is an `.xlsb` (it has `xl/workbook.bin`).
pub(super) fn is_xlsb(bytes: &[u8]) -> bool {
    let Ok(zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let found = zip
        .file_names()
        .flatten()
        .any(|n| n.replace('\\', "/").eq_ignore_ascii_case("xl/workbook.bin"));
    found
}

/// A record's type, its body, and the offset after it.
type Framed<'a> = (u16, &'a [u8], usize);

/// The record at `pos`, framed as calamine frames it.
fn record_at(part: &[u8], pos: usize) -> Result<Option<Framed<'_>>, ImportError> {
    let bad = || damaged("damaged .xlsb: a record runs past the end of its part");
    let mut at = pos;
    let Some(&b) = part.get(at) else {
        return Ok(None);
    };
    at += 1;
    let typ = if b & 0x80 != 0 {
        let b2 = *part.get(at).ok_or_else(bad)?;
        at += 1;
        u16::from(b & 0x7F) + (u16::from(b2 & 0x7F) << 7)
    } else {
        u16::from(b)
    };
    let mut b = *part.get(at).ok_or_else(bad)?;
    at += 1;
    let mut len = usize::from(b & 0x7F);
    for i in 1..4 {
        if b & 0x80 == 0 {
            break;
        }
        b = *part.get(at).ok_or_else(bad)?;
        at += 1;
        len += usize::from(b & 0x7F) << (7 * i);
    }
    let body = part
        .get(at..at.checked_add(len).ok_or_else(bad)?)
        .ok_or_else(bad)?;
    Ok(Some((typ, body, at + len)))
}

/// The records of a part, each framed; an error for the first that is not.
fn records(part: &[u8]) -> impl Iterator<Item = Result<(u16, &[u8]), ImportError>> {
    let mut pos = 0;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        match record_at(part, pos) {
            Ok(Some((typ, body, next))) => {
                pos = next;
                Some(Ok((typ, body)))
            }
            Ok(None) => None,
            Err(e) => {
                failed = true;
                Some(Err(e))
            }
        }
    })
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// An XLWideString at the start of `b`: the text and the bytes it takes.
fn wide_str(b: &[u8]) -> Option<(String, usize)> {
    let cch = usize::try_from(u32_at(b, 0)?).ok()?;
    let end = cch.checked_mul(2)?.checked_add(4)?;
    let units: Vec<u16> = b
        .get(4..end)?
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    Some((String::from_utf16_lossy(&units), end))
}

/// A whole part of the zip, `None` when it is missing. Its size was bounded by
/// [`limits::check_zip`], and the zip reader stops at the declared size.
fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    path: &str,
) -> Result<Option<Vec<u8>>, ImportError> {
    let Some(name) = zip
        .file_names()
        .flatten()
        .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(path))
        .map(|n| n.into_owned())
    else {
        return Ok(None);
    };
    let mut file = zip.by_name(&name).map_err(damaged)?;
    let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 24));
    file.read_to_end(&mut out).map_err(damaged)?;
    Ok(Some(out))
}

/// The targets of the workbook's relationships by id (`xl/_rels/workbook.bin.rels`).
fn relationships(xml: &[u8]) -> Result<HashMap<String, String>, ImportError> {
    let text = String::from_utf8_lossy(xml);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out = HashMap::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| damaged(format!("workbook.bin.rels: {e}")))?
        {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == "Relationship" =>
            {
                let mut id = None;
                let mut target = None;
                for a in e.attributes().flatten() {
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .ok();
                    match a.key.local_name().as_ref() {
                        "Id" => id = v,
                        "Target" => target = v,
                        _ => {}
                    }
                }
                if let (Some(id), Some(target)) = (id, target) {
                    if out.len() >= limits::MAX_ZIP_ENTRIES {
                        return Err(damaged("workbook.bin.rels: too many relationships"));
                    }
                    out.insert(id, target);
                }
            }
            quick_xml::events::Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A worksheet of the workbook, as listed in `workbook.bin`.
struct SheetEntry {
    name: String,
    /// The part's path in the original package.
    path: String,
    /// The `BrtBundleSh` body's state word (visible, hidden, very hidden).
    state: u32,
}

/// The workbook's worksheets, in order, and the `BrtWbProp` body; other sheets are skipped.
fn sheet_list(
    workbook: &[u8],
    rels: &HashMap<String, String>,
) -> Result<(Vec<SheetEntry>, Option<Vec<u8>>), ImportError> {
    let mut sheets = Vec::new();
    let mut prop = None;
    for rec in records(workbook) {
        let (typ, body) = rec?;
        match typ {
            BRT_WB_PROP if !body.is_empty() => prop = Some(body.to_vec()),
            BRT_BUNDLE_SH => {
                let bad = || damaged("damaged .xlsb: a sheet entry of workbook.bin");
                let state = u32_at(body, 0).ok_or_else(bad)?;
                let rel_len = u32_at(body, 8).ok_or_else(bad)?;
                if rel_len == u32::MAX {
                    continue;
                }
                let (rel, used) = wide_str(body.get(8..).ok_or_else(bad)?).ok_or_else(bad)?;
                let (name, _) = wide_str(body.get(8 + used..).ok_or_else(bad)?).ok_or_else(bad)?;
                let Some(target) = rels.get(&rel) else {
                    continue;
                };
                let target = target.replace('\\', "/");
                let path = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                // Only worksheets: chart, dialog and macro sheets hold no table.
                if path.split('/').nth(1) != Some("worksheets") || state > 2 {
                    continue;
                }
                sheets.push(SheetEntry { name, path, state });
                if sheets.len() > limits::MAX_SHEETS {
                    return Err(ImportError::TooManySheets {
                        sheets: sheets.len(),
                        limit: limits::MAX_SHEETS,
                    });
                }
            }
            BRT_END_BUNDLE_SHS => break,
            _ => {}
        }
    }
    Ok((sheets, prop))
}

/// Checks `sharedStrings.bin` as calamine reads it; returns how many strings calamine will hold.
fn check_strings(sst: &[u8]) -> Result<usize, ImportError> {
    let mut declared = None;
    let mut items = 0usize;
    for rec in records(sst) {
        let (typ, body) = rec?;
        match typ {
            BRT_BEGIN_SST if declared.is_none() => {
                let count = u32_at(body, 4)
                    .ok_or_else(|| damaged("damaged .xlsb: the shared strings' header"))?;
                let count = usize::try_from(count).unwrap_or(usize::MAX);
                if count > limits::MAX_SHARED_STRINGS {
                    return Err(ImportError::TooManyStrings {
                        strings: count,
                        limit: limits::MAX_SHARED_STRINGS,
                    });
                }
                declared = Some(count);
            }
            BRT_SST_ITEM if declared.is_some() => {
                if body.is_empty() {
                    return Err(damaged("damaged .xlsb: an empty shared string"));
                }
                items += 1;
            }
            _ => {}
        }
    }
    Ok(declared.unwrap_or(0).min(items))
}

/// The format code of each cell format (XF) of `styles.bin`, `None` for General.
fn style_codes(styles: &[u8]) -> Result<Vec<Option<Arc<str>>>, ImportError> {
    let mut formats: HashMap<u16, Option<Arc<str>>> = HashMap::new();
    let mut xfs = Vec::new();
    let mut in_cell_xfs = false;
    for rec in records(styles) {
        let (typ, body) = rec?;
        match typ {
            BRT_FMT => {
                if let (Some(id), Some((text, _))) =
                    (u16_at(body, 0), body.get(2..).and_then(wide_str))
                {
                    formats.insert(id, code(&text));
                }
            }
            BRT_BEGIN_CELL_XFS => in_cell_xfs = true,
            BRT_END_CELL_XFS => in_cell_xfs = false,
            BRT_XF if in_cell_xfs => {
                let ifmt = u16_at(body, 2).unwrap_or(0);
                let shared = match formats.get(&ifmt) {
                    Some(c) => c.clone(),
                    None => super::xls::builtin_code(ifmt).and_then(code),
                };
                xfs.push(shared);
                if xfs.len() > limits::MAX_STYLES {
                    return Err(ImportError::TooManyStyles {
                        styles: xfs.len(),
                        limit: limits::MAX_STYLES,
                    });
                }
            }
            _ => {}
        }
    }
    Ok(xfs)
}

/// What the walk over a sheet's records found: its merged ranges and the style of each numeric
/// cell that has a number format.
#[derive(Default)]
struct SheetFacts {
    merges: Vec<Merge>,
    formats: HashMap<(u32, u32), Arc<str>>,
}

/// Checks a worksheet part's records as calamine's cells reader reads them.
fn check_sheet(
    name: &str,
    sheet: &[u8],
    strings: usize,
    xfs: &[Option<Arc<str>>],
) -> Result<SheetFacts, ImportError> {
    let short = |what: &str| {
        damaged(format!(
            "damaged .xlsb: a {what} record of sheet {name} is too short"
        ))
    };
    let mut facts = SheetFacts::default();
    let mut row = 0u32;
    for rec in records(sheet) {
        let (typ, body) = rec?;
        let min = match typ {
            BRT_ROW_HDR => 4,
            BRT_CELL_RK | BRT_CELL_ISST => 12,
            BRT_CELL_ERROR | BRT_CELL_BOOL | BRT_FMLA_BOOL => 9,
            BRT_CELL_REAL | BRT_FMLA_NUM => 16,
            BRT_CELL_ST | BRT_FMLA_STRING => 8,
            BRT_WS_DIM | BRT_MERGE_CELL => 16,
            _ => 0,
        };
        if body.len() < min {
            return Err(short(&format!("{typ:#06x}")));
        }
        match typ {
            BRT_ROW_HDR => row = u32_at(body, 0).unwrap_or(0),
            BRT_CELL_ISST => {
                let isst = u32_at(body, 8).map_or(usize::MAX, |i| i as usize);
                if isst >= strings {
                    return Err(damaged(format!(
                        "damaged .xlsb: sheet {name} refers to shared string {isst} of {strings}"
                    )));
                }
            }
            BRT_CELL_RK | BRT_CELL_REAL | BRT_FMLA_NUM => {
                let col = u32_at(body, 0).unwrap_or(0);
                let style = u32_at(body, 4).unwrap_or(0) & 0x00FF_FFFF;
                if let Some(Some(code)) = xfs.get(style as usize) {
                    if facts.formats.len() < limits::MAX_SHEET_CELLS {
                        facts.formats.insert((row, col), code.clone());
                    }
                }
            }
            BRT_MERGE_CELL => {
                let (r0, r1) = (u32_at(body, 0).unwrap_or(0), u32_at(body, 4).unwrap_or(0));
                let (c0, c1) = (u32_at(body, 8).unwrap_or(0), u32_at(body, 12).unwrap_or(0));
                facts.merges.push(Merge {
                    first_row: r0.min(r1),
                    first_col: c0.min(c1),
                    last_row: r0.max(r1),
                    last_col: c0.max(c1),
                });
                limits::check_merges(name, facts.merges.len())?;
            }
            _ => {}
        }
    }
    Ok(facts)
}

/// A record as BIFF12 writes it.
fn push_record(out: &mut Vec<u8>, typ: u16, body: &[u8]) -> Result<(), ImportError> {
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.push((typ & 0x7F) as u8 | 0x80);
        out.push((typ >> 7) as u8);
    }
    let mut len = body.len();
    if len >= 1 << 28 {
        return Err(damaged("damaged .xlsb: a record too long"));
    }
    loop {
        let b = (len & 0x7F) as u8;
        len >>= 7;
        if len == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
    out.extend_from_slice(body);
    Ok(())
}

fn wide(out: &mut Vec<u8>, s: &str) {
    let units: Vec<u16> = s.encode_utf16().collect();
    out.extend_from_slice(&(units.len() as u32).to_le_bytes());
    for u in units {
        out.extend_from_slice(&u.to_le_bytes());
    }
}

/// The package calamine reads: the rebuilt `workbook.bin` and relationships, the checked shared
/// strings and worksheets (stored, not compressed).
fn rebuilt_package(
    sheets: &[(SheetEntry, Vec<u8>)],
    prop: Option<&[u8]>,
    sst: Option<&[u8]>,
) -> Result<Vec<u8>, ImportError> {
    let mut workbook = Vec::new();
    if let Some(p) = prop {
        push_record(&mut workbook, BRT_WB_PROP, p)?;
    }
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, (entry, _)) in sheets.iter().enumerate() {
        let mut body = Vec::new();
        body.extend_from_slice(&entry.state.to_le_bytes());
        body.extend_from_slice(&(i as u32 + 1).to_le_bytes());
        wide(&mut body, &format!("r{i}"));
        wide(&mut body, &entry.name);
        push_record(&mut workbook, BRT_BUNDLE_SH, &body)?;
        rels.push_str(&format!(
            r#"<Relationship Id="r{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/s{i}.bin"/>"#
        ));
    }
    rels.push_str("</Relationships>");
    push_record(&mut workbook, BRT_END_BUNDLE_SHS, &[])?;
    push_record(&mut workbook, BRT_CALC_PROP, &[])?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let mut add = |name: &str, data: &[u8]| -> Result<(), ImportError> {
        zip.start_file(name, options).map_err(damaged)?;
        zip.write_all(data).map_err(damaged)
    };
    add("xl/workbook.bin", &workbook)?;
    add("xl/_rels/workbook.bin.rels", rels.as_bytes())?;
    if let Some(s) = sst {
        add("xl/sharedStrings.bin", s)?;
    }
    for (i, (_, data)) in sheets.iter().enumerate() {
        add(&format!("xl/worksheets/s{i}.bin"), data)?;
    }
    Ok(zip.finish().map_err(damaged)?.into_inner())
}

/// Reads an `.xlsb` (see the module's docs).
///
/// # Errors
/// [`ImportError::Damaged`] for a record calamine would misread, and the limit errors.
pub(super) async fn read_xlsb<P: Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Workbook, ImportError> {
    limits::check_zip(bytes)?;
    pace.step(Stage::Read, 0.0).await;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    let workbook = part(&mut zip, "xl/workbook.bin")?
        .ok_or_else(|| damaged("damaged .xlsb: no workbook.bin"))?;
    let rels = match part(&mut zip, "xl/_rels/workbook.bin.rels")? {
        Some(x) => relationships(&x)?,
        None => HashMap::new(),
    };
    let (entries, prop) = sheet_list(&workbook, &rels)?;
    let sst = part(&mut zip, "xl/sharedStrings.bin")?;
    let strings = match &sst {
        Some(s) => check_strings(s)?,
        None => 0,
    };
    let xfs = match part(&mut zip, "xl/styles.bin")? {
        Some(s) => style_codes(&s).unwrap_or_default(),
        None => Vec::new(),
    };
    let mut sheets = Vec::with_capacity(entries.len());
    let mut facts = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(data) = part(&mut zip, &entry.path)? else {
            continue;
        };
        facts.push(check_sheet(&entry.name, &data, strings, &xfs)?);
        sheets.push((entry, data));
    }
    let package = rebuilt_package(&sheets, prop.as_deref(), sst.as_deref())?;
    let names: Vec<String> = sheets.into_iter().map(|(e, _)| e.name).collect();
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(package.as_slice())).map_err(damaged)?;
    let mut budget = Budget::default();
    let mut out = Vec::with_capacity(names.len());
    let count = names.len();
    for (index, (name, facts)) in names.into_iter().zip(facts).enumerate() {
        pace.step(Stage::Read, pace::fraction(index, count, 0.0))
            .await;
        let mut sheet = SheetBuilder::new(name.clone(), &mut budget);
        let mut reader = wb.worksheet_cells_reader(&name).map_err(damaged)?;
        let rows = f64::from(reader.dimensions().end.0.max(1));
        let mut since_step = 0;
        while let Some(cell) = reader.next_cell().map_err(damaged)? {
            let (row, col) = cell.get_position();
            since_step += 1;
            if since_step == STEP {
                since_step = 0;
                let part = (f64::from(row) / rows).min(1.0);
                pace.step(Stage::Read, pace::fraction(index, count, part))
                    .await;
            }
            let Some(raw) =
                super::raw_cell(cell.get_value(), || facts.formats.get(&(row, col)).cloned())
            else {
                continue;
            };
            sheet.put(row as usize, col as usize, raw)?;
        }
        out.push(sheet.finish(facts.merges)?);
    }
    Ok(Workbook {
        format: Some(Format::Xlsb),
        sheets: out,
        styles: Vec::new(),
    })
}
