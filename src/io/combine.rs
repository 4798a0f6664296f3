//! Sheets that share one layout (one per county or department) combined into one table, so
//! that the whole workbook can be assessed as one plan.

use super::{Imported, ImportedSheet};
use crate::plan::RawCell;
use crate::table::detect::{build_plan, Layout, Role};
use crate::table::grid::Sheet;

/// The name prefix of a combined sheet (合并: “combined”).
pub const COMBINED_PREFIX: &str = "合并";

/// Groups of two or more table sheets whose columns have the same roles, by sheet index.
pub fn shared_layout_groups(imported: &Imported) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let same = |a: &Layout, b: &Layout| {
        a.columns.len() == b.columns.len()
            && a.columns
                .iter()
                .zip(&b.columns)
                .all(|(x, y)| x.col == y.col && x.role == y.role)
    };
    for (i, s) in imported.sheets.iter().enumerate() {
        let (Some(layout), Some(_)) = (&s.layout, &s.plan) else {
            continue;
        };
        let found = groups.iter_mut().find(|g| {
            g.first()
                .and_then(|&j| imported.sheets.get(j))
                .and_then(|t| t.layout.as_ref())
                .is_some_and(|l| same(l, layout))
        });
        match found {
            Some(group) => group.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// The header of the column that names each row's sheet in a combined table (来源表: “source
/// sheet”).
pub const SOURCE_HEADER: &str = "来源表";

/// One table of the sheets `group`: the first sheet's header rows under a title that names the
/// combined sheets (the first sheet's own title rows would name one of them), then each sheet's
/// data rows in turn, with a last column 来源表 naming the sheet each row came from (so rows
/// numbered 1…n in every sheet stay told apart). Without a category column, each indicator's
/// category is its sheet's name, so the per-category figures are the per-sheet figures.
pub fn combine(imported: &Imported, group: &[usize]) -> Option<ImportedSheet> {
    let first = imported.sheets.get(*group.first()?)?;
    let first_layout = first.layout.as_ref()?;
    let mut rows: Vec<Vec<RawCell>> = first.sheet.rows.get(..=first_layout.header_last)?.to_vec();
    let merges = first
        .sheet
        .merges
        .iter()
        .filter(|m| (m.last_row as usize) <= first_layout.header_last)
        .copied()
        .collect();
    // (sheet name, first row, last row) of each block in the combined sheet, 0-based.
    let mut blocks = Vec::new();
    let mut names = Vec::new();
    for &index in group {
        let s = imported.sheets.get(index)?;
        let layout = s.layout.as_ref()?;
        let start = rows.len();
        rows.extend(
            s.sheet
                .rows
                .get(
                    layout.data_first..=layout.data_last.min(s.sheet.rows.len().saturating_sub(1)),
                )?
                .iter()
                .cloned(),
        );
        blocks.push((s.sheet.name.clone(), start, rows.len().saturating_sub(1)));
        names.push(s.sheet.name.clone());
    }
    let name = format!("{COMBINED_PREFIX}：{}", names.join("、"));
    retitle(&mut rows, first_layout.header_first, &name);
    add_source_column(&mut rows, first_layout, &blocks);
    let sheet = Sheet {
        name: name.clone(),
        rows,
        merges,
    };
    let layout = Layout {
        data_first: first_layout.header_last + 1,
        data_last: sheet.rows.len().saturating_sub(1),
        title: name,
        ..first_layout.clone()
    };
    let mut plan = build_plan(&sheet, &layout);
    if layout.col(Role::Category).is_none() {
        for ind in &mut plan.indicators {
            let row = ind.row.saturating_sub(1) as usize;
            if let Some((name, _, _)) = blocks.iter().find(|(_, a, b)| (*a..=*b).contains(&row)) {
                ind.category = name.clone();
            }
        }
    }
    Some(ImportedSheet {
        sheet,
        layout: Some(layout),
        plan: Some(plan),
        style: None,
    })
}

/// Clears the title rows (those above `header_first`) and writes `title` where the first of them
/// had its text, so that merged title cells still show it.
fn retitle(rows: &mut [Vec<RawCell>], header_first: usize, title: &str) {
    let mut placed = false;
    for row in rows.iter_mut().take(header_first) {
        for cell in row.iter_mut() {
            let had_text = !matches!(cell, RawCell::Empty);
            *cell = if had_text && !placed {
                placed = true;
                RawCell::Text { s: title.into() }
            } else {
                RawCell::Empty
            };
        }
    }
}

/// Appends the 来源表 column after the widest row: its header on the header rows, and on each
/// data row the name of the sheet of its block.
fn add_source_column(
    rows: &mut [Vec<RawCell>],
    layout: &Layout,
    blocks: &[(String, usize, usize)],
) {
    let col = rows.iter().map(Vec::len).max().unwrap_or(0);
    for (r, row) in rows.iter_mut().enumerate() {
        let text = if r == layout.header_first {
            Some(SOURCE_HEADER.to_string())
        } else {
            blocks
                .iter()
                .find(|(_, a, b)| (*a..=*b).contains(&r))
                .map(|(name, _, _)| name.clone())
        };
        if let Some(s) = text {
            row.resize(col, RawCell::Empty);
            row.push(RawCell::Text { s: s.into() });
        }
    }
}
