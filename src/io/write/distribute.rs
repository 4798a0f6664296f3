//! 分发 (distribute): one copy of the plan per responsible unit, for the unit to fill in its
//! actuals and send back. Each copy is the normal filled workbook ([`super::fill`]'s sheets,
//! the hidden round-trip sheet included, so a return merges back as the plan it was sent as)
//! with two differences: its title row names the unit (`…（报送单位：县统计局）`, which
//! [`crate::io::merge`] reads as the unit a return speaks for), and the rows of other units
//! are in grey type, still there and still editable. The copies are packed into one `.zip`.
//!
//! Units are the lead and other units of every row, split and compared as the score rules
//! split them ([`crate::plan::score::split_units`], folded with [`crate::plan::score::fold`]).
//!
//! ```
//! use zhibiao::io::{import, write::distribute};
//! let csv = "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年,2021年实际\n\
//!            1,人均GDP,元,县统计局,县发改局,31502,58000,\n\
//!            2,森林覆盖率,%,县林业局,,60,62,\n";
//! let imported = import(csv.as_bytes()).unwrap();
//! let copies = distribute::copies(&imported, &Default::default(), Some(0.0)).unwrap();
//! let units: Vec<&str> = copies.iter().map(|c| c.unit.as_str()).collect();
//! assert_eq!(units, ["县统计局", "县发改局", "县林业局"]);
//! let zip = distribute::distribute(&imported, &Default::default(), Some(0.0)).unwrap();
//! assert!(zip.starts_with(b"PK"));
//! ```

use super::xlsx::{self, SheetExport};
use crate::error::ExportError;
use crate::io::{Imported, ImportedSheet};
use crate::pace;
use crate::plan::score::{fold, split_units};
use crate::plan::{self, Plan, RawCell};
use crate::table::detect::build_plan;
use std::collections::BTreeSet;
use std::io::{Cursor, Write};

/// One unit's copy of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitCopy {
    /// The unit, as the table first writes it.
    pub unit: String,
    /// The file's name in the `.zip` (`<unit>.xlsx`, made safe for file systems).
    pub file: String,
    /// The workbook's bytes.
    pub bytes: Vec<u8>,
}

/// The label of the unit in a copy's title, as [`crate::io::merge`] reads it back.
pub const UNIT_LABEL: &str = "报送单位";

/// Every unit the plan's rows name (lead units, then other units, row by row), each once (by
/// its folded name), as first written.
pub fn units(plan: &Plan) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for ind in &plan.indicators {
        for unit in split_units(&ind.lead_units)
            .into_iter()
            .chain(split_units(&ind.other_units))
        {
            if seen.insert(fold(&unit)) {
                out.push(unit);
            }
        }
    }
    out
}

/// The 0-based sheet rows of the indicators that do not name `unit` (lead or other): the rows
/// a unit's copy greys. Group rows are left as they are.
pub fn other_rows(plan: &Plan, unit: &str) -> Vec<u32> {
    let key = fold(unit);
    let mut rows: Vec<u32> = plan
        .indicators
        .iter()
        .filter(|i| !i.is_group)
        .filter(|i| {
            !split_units(&i.lead_units)
                .iter()
                .chain(&split_units(&i.other_units))
                .any(|u| fold(u) == key)
        })
        .map(|i| i.row.saturating_sub(1))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// `imported` with the title of its first table naming `unit`: the first text of the rows above
/// the header gets `（报送单位：unit）`; a table without a title row gets one.
pub fn titled_copy(imported: &Imported, unit: &str) -> Imported {
    let mut copy = imported.clone();
    copy.returns = Default::default();
    let Some(target) = copy.first_table().and_then(|i| copy.sheets.get_mut(i)) else {
        return copy;
    };
    let Some(header_first) = target.layout.as_ref().map(|l| l.header_first) else {
        return copy;
    };
    let suffix = format!("（{UNIT_LABEL}：{unit}）");
    let title_cell = (0..header_first).find_map(|r| {
        let row = target.sheet.rows.get(r)?;
        let c = row
            .iter()
            .position(|cell| matches!(cell, RawCell::Text { s } if !s.trim().is_empty()))?;
        Some((r, c))
    });
    let title = match title_cell {
        Some((r, c)) => {
            let title = format!("{}{suffix}", target.sheet.text(r, c).trim());
            if let Some(cell) = target.sheet.rows.get_mut(r).and_then(|row| row.get_mut(c)) {
                *cell = RawCell::Text {
                    s: title.as_str().into(),
                };
            }
            title
        }
        None => {
            let name = target.plan.as_ref().map_or("", |p| p.title.trim());
            let title = format!("{name}{suffix}");
            insert_title_row(target, &title);
            title
        }
    };
    if let Some(layout) = target.layout.as_mut() {
        layout.title = title.clone();
    }
    if let Some(plan) = target.plan.as_mut() {
        plan.title = title;
    }
    copy
}

/// A row holding `title` above everything in the sheet: cells, merged ranges, the layout and
/// the plan's rows move down one (the plan keeps its overrides, typed values and settings).
fn insert_title_row(target: &mut ImportedSheet, title: &str) {
    target
        .sheet
        .rows
        .insert(0, vec![RawCell::Text { s: title.into() }]);
    for m in &mut target.sheet.merges {
        m.first_row = m.first_row.saturating_add(1);
        m.last_row = m.last_row.saturating_add(1);
    }
    let (Some(layout), Some(old)) = (target.layout.as_mut(), target.plan.as_ref()) else {
        return;
    };
    layout.header_first += 1;
    layout.header_last += 1;
    layout.data_first += 1;
    layout.data_last += 1;
    let mut plan = build_plan(&target.sheet, layout);
    plan.settings = old.settings.clone();
    for (new, old) in plan.indicators.iter_mut().zip(&old.indicators) {
        new.overrides = old.overrides.clone();
        new.manual = old.manual.clone();
    }
    target.plan = Some(plan);
}

/// The filled workbook of `imported` for `unit`: titled with the unit, other units' rows grey.
///
/// # Errors
/// [`ExportError::Writer`] when the writer fails.
pub fn unit_workbook(
    imported: &Imported,
    unit: &str,
    opts: &plan::Options,
    created_ms: Option<f64>,
) -> Result<Vec<u8>, ExportError> {
    let copy = titled_copy(imported, unit);
    let first = copy.first_table();
    let results: Vec<Option<plan::PlanResults>> = copy
        .sheets
        .iter()
        .map(|s| match (&s.plan, &s.layout) {
            (Some(p), Some(_)) => Some(plan::compute(p, opts)),
            _ => None,
        })
        .collect();
    let greyed: Vec<u32> = first
        .and_then(|i| copy.sheets.get(i))
        .and_then(|s| s.plan.as_ref())
        .map(|p| other_rows(p, unit))
        .unwrap_or_default();
    let sheets: Vec<SheetExport<'_>> = copy
        .sheets
        .iter()
        .enumerate()
        .zip(&results)
        .filter_map(|((index, s), results)| {
            Some(SheetExport {
                sheet: &s.sheet,
                layout: s.layout.as_ref()?,
                plan: s.plan.as_ref()?,
                results: results.as_ref()?,
                greyed: if Some(index) == first { &greyed } else { &[] },
                style: s.style.as_ref(),
            })
        })
        .collect();
    pace::finish(xlsx::export_paced_with(
        &sheets,
        created_ms,
        None,
        &mut pace::Straight,
    ))
    .unwrap_or_else(|| {
        Err(ExportError::Writer {
            detail: "the export waited without a pace".to_string(),
        })
    })
}

/// The units of the first table's plan ([`units`]); [`ExportError::NoUnits`] when there is no
/// table or it names no unit.
fn units_of_first_table(imported: &Imported) -> Result<Vec<String>, ExportError> {
    let plan = imported
        .first_table()
        .and_then(|i| imported.sheets.get(i))
        .and_then(|s| s.plan.as_ref())
        .ok_or(ExportError::NoUnits)?;
    let all = units(plan);
    if all.is_empty() {
        return Err(ExportError::NoUnits);
    }
    Ok(all)
}

/// One copy per unit of the first table, in the order of [`units`].
///
/// # Errors
/// [`ExportError::NoUnits`] when the plan names no unit; [`ExportError::Writer`] when the writer
/// fails.
pub fn copies(
    imported: &Imported,
    opts: &plan::Options,
    created_ms: Option<f64>,
) -> Result<Vec<UnitCopy>, ExportError> {
    let all = units_of_first_table(imported)?;
    let mut names = BTreeSet::new();
    all.into_iter()
        .map(|unit| {
            let bytes = unit_workbook(imported, &unit, opts, created_ms)?;
            let file = unique_file(&mut names, &unit, "xlsx");
            Ok(UnitCopy { unit, file, bytes })
        })
        .collect()
}

/// [`distribute`] one unit at a time: progress goes to `pace` (as
/// [`crate::pace::Stage::Export`]) after each unit's copy and is awaited, so that the page can
/// paint between them. The bytes are those of [`distribute`].
///
/// # Errors
/// As [`distribute`].
pub async fn distribute_paced<P: pace::Pace>(
    imported: &Imported,
    opts: &plan::Options,
    created_ms: Option<f64>,
    pace: &mut P,
) -> Result<Vec<u8>, ExportError> {
    let all = units_of_first_table(imported)?;
    let mut names = BTreeSet::new();
    let mut files = Vec::with_capacity(all.len());
    for (index, unit) in all.iter().enumerate() {
        let bytes = unit_workbook(imported, unit, opts, created_ms)?;
        files.push((unique_file(&mut names, unit, "xlsx"), bytes));
        pace.step(pace::Stage::Export, pace::fraction(index, all.len(), 1.0))
            .await;
    }
    zip_files(files.iter().map(|(f, b)| (f.as_str(), b.as_slice())))
}

/// Every unit's copy ([`copies`]) in one `.zip`.
///
/// # Errors
/// As [`copies`], and [`ExportError::Writer`] when the archive cannot be written.
pub fn distribute(
    imported: &Imported,
    opts: &plan::Options,
    created_ms: Option<f64>,
) -> Result<Vec<u8>, ExportError> {
    let copies = copies(imported, opts, created_ms)?;
    zip_files(copies.iter().map(|c| (c.file.as_str(), c.bytes.as_slice())))
}

/// The units of the first table ([`units`]), each with the name of its file in the `.zip`
/// (`<unit>.<extension>`, made safe for file systems and unique): the saved pages' names.
///
/// # Errors
/// [`ExportError::NoUnits`] when there is no table or it names no unit.
pub fn unit_files(
    imported: &Imported,
    extension: &str,
) -> Result<Vec<(String, String)>, ExportError> {
    let mut names = BTreeSet::new();
    Ok(units_of_first_table(imported)?
        .into_iter()
        .map(|unit| {
            let file = unique_file(&mut names, &unit, extension);
            (unit, file)
        })
        .collect())
}

/// The files `(name, bytes)` stored in one `.zip` (stored, not deflated: a workbook is
/// compressed already), with the fixed time of 1980-01-01 (no clock).
///
/// # Errors
/// [`ExportError::Writer`] when the archive cannot be written.
pub fn zip_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<u8>, ExportError> {
    zip_with(files, zip::CompressionMethod::Stored)
}

/// [`zip_files`] deflated: for texts (saved pages).
///
/// # Errors
/// As [`zip_files`].
pub fn zip_deflated<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<u8>, ExportError> {
    zip_with(files, zip::CompressionMethod::Deflated)
}

fn zip_with<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    method: zip::CompressionMethod,
) -> Result<Vec<u8>, ExportError> {
    let error = |e: &dyn std::fmt::Display| ExportError::Writer {
        detail: e.to_string(),
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(|e| error(&e))?;
        zip.write_all(bytes).map_err(|e| error(&e))?;
    }
    let cursor = zip.finish().map_err(|e| error(&e))?;
    Ok(cursor.into_inner())
}

/// `<unit>.<extension>` with the characters file systems refuse replaced, ` (2)` … where two
/// units give the same name.
fn unique_file(taken: &mut BTreeSet<String>, unit: &str, extension: &str) -> String {
    let safe: String = unit
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let safe = safe.trim().trim_start_matches('.');
    let stem = if safe.is_empty() { "unit" } else { safe };
    let mut name = format!("{stem}.{extension}");
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{stem} ({n}).{extension}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique_file(&mut taken, "县统计局", "xlsx"), "县统计局.xlsx");
        assert_eq!(
            unique_file(&mut taken, "县统计局", "xlsx"),
            "县统计局 (2).xlsx"
        );
        assert_eq!(unique_file(&mut taken, "a/b:c", "xlsx"), "a_b_c.xlsx");
        assert_eq!(unique_file(&mut taken, "..", "xlsx"), "unit.xlsx");
    }

    #[test]
    fn distribute_paced_writes_the_same_zip() {
        let csv = "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年,2021年实际\n\
                   1,人均GDP,元,县统计局,县发改局,31502,58000,\n";
        let imported = crate::io::import(csv.as_bytes()).unwrap();
        let opts = plan::Options::default();
        let paced = pace::finish(distribute_paced(
            &imported,
            &opts,
            Some(0.0),
            &mut pace::Straight,
        ));
        assert_eq!(
            paced.and_then(Result::ok),
            distribute(&imported, &opts, Some(0.0)).ok()
        );
    }
}
