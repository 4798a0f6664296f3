//! Running detection on a case and comparing what it recovers with the truth, exactly.

use super::gen::{Case, Truth};
use std::collections::BTreeSet;
use zhibiao::io;
use zhibiao::plan::{Indicator, Plan};
use zhibiao::table::detect::{build_plan, detect, Layout, Role};
use zhibiao::table::grid::{col_letters, Sheet};

/// Compare the parents of two-level names (`Role::Parent`, `Indicator.parent`).
pub const COMPARE_PARENT: bool = true;

/// The detected parent column of two-level names.
fn detected_parent_col(layout: &Layout) -> Option<usize> {
    layout.col(Role::Parent)
}

/// The detected parent of an indicator.
fn detected_parent(ind: &Indicator) -> String {
    ind.parent.clone()
}

/// What one case recovered.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// A table was found.
    pub detected: bool,
    pub band: bool,
    pub columns: bool,
    pub years: bool,
    pub indicators: bool,
    /// Readable differences, expected against detected.
    pub diffs: Vec<String>,
}

impl Outcome {
    pub fn exact(&self) -> bool {
        self.detected && self.band && self.columns && self.years && self.indicators
    }
}

/// Detects the case's table (through `io::import` for a file case) and compares.
pub fn run(case: &Case) -> Outcome {
    match &case.file {
        None => {
            let layout = detect(&case.sheet);
            let plan = layout.as_ref().map(|l| build_plan(&case.sheet, l));
            compare(&case.truth, &case.sheet, layout.as_ref(), plan.as_ref())
        }
        Some((_, bytes)) => match io::import(bytes) {
            Ok(imported) => match imported.sheets.into_iter().next() {
                Some(s) => compare(&case.truth, &s.sheet, s.layout.as_ref(), s.plan.as_ref()),
                None => failed("the file has no sheet".into()),
            },
            Err(e) => {
                let mut o = failed(format!("import failed: {e}"));
                o.diffs.push(band_hint(&case.truth, &case.sheet));
                o
            }
        },
    }
}

/// The header band the truth expects, as text: what the detector should have found.
fn band_hint(truth: &Truth, sheet: &Sheet) -> String {
    let rows: Vec<String> = (truth.header_first..=truth.header_last)
        .map(|r| {
            let cells: Vec<String> = (0..sheet.width().min(12))
                .map(|c| sheet.text(r, c).replace('\n', "⏎"))
                .collect();
            format!("row {r}: {}", cells.join(" | "))
        })
        .collect();
    format!("the expected header band: {}", rows.join(" / "))
}

fn failed(why: String) -> Outcome {
    Outcome {
        diffs: vec![why],
        ..Outcome::default()
    }
}

fn role_name(role: Role) -> String {
    role.key()
}

/// The header texts over a column in the truth's band, as the detector's `Column.header`.
fn header_of(sheet: &Sheet, first: usize, last: usize, col: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    for r in first..=last {
        let t = sheet.merged_text(r, col).replace('\n', "⏎");
        if !t.is_empty() && parts.last() != Some(&t) {
            parts.push(t);
        }
    }
    parts.join(" / ")
}

fn show(s: &str) -> String {
    format!("'{}'", s.replace('\n', "⏎"))
}

/// Compares a detected layout and plan with the truth.
pub fn compare(
    truth: &Truth,
    sheet: &Sheet,
    layout: Option<&Layout>,
    plan: Option<&Plan>,
) -> Outcome {
    let (Some(layout), Some(plan)) = (layout, plan) else {
        let mut o = failed("no table detected".into());
        o.diffs.push(band_hint(truth, sheet));
        return o;
    };
    let mut out = Outcome {
        detected: true,
        ..Outcome::default()
    };
    // Header band.
    out.band = (layout.header_first, layout.header_last) == (truth.header_first, truth.header_last);
    if !out.band {
        out.diffs.push(format!(
            "header band (0-based rows): want {}..={}, got {}..={}",
            truth.header_first, truth.header_last, layout.header_first, layout.header_last
        ));
    }
    // Columns.
    // The parent column is compared on its own (`truth.parent_col`).
    let got: BTreeSet<(usize, Role)> = layout
        .columns
        .iter()
        .filter(|c| c.role != Role::Parent)
        .map(|c| (c.col, c.role))
        .collect();
    let missing: Vec<String> = truth
        .columns
        .difference(&got)
        .map(|(c, r)| {
            format!(
                "{}:{} {}",
                col_letters(*c),
                role_name(*r),
                show(&header_of(sheet, truth.header_first, truth.header_last, *c))
            )
        })
        .collect();
    let extra: Vec<String> = got
        .difference(&truth.columns)
        .map(|(c, r)| {
            let h = layout
                .columns
                .iter()
                .find(|x| x.col == *c && x.role == *r)
                .map(|x| x.header.clone())
                .unwrap_or_default();
            format!("{}:{} {}", col_letters(*c), role_name(*r), show(&h))
        })
        .collect();
    let parent_ok = !COMPARE_PARENT || detected_parent_col(layout) == truth.parent_col;
    out.columns = missing.is_empty() && extra.is_empty() && parent_ok;
    if !missing.is_empty() {
        out.diffs
            .push(format!("columns missing: {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        out.diffs
            .push(format!("columns not expected: {}", extra.join(", ")));
    }
    if !parent_ok {
        out.diffs.push(format!(
            "parent column: want {:?}, got {:?}",
            truth.parent_col.map(col_letters),
            detected_parent_col(layout).map(col_letters)
        ));
    }
    // Years.
    out.years = (layout.base_year, layout.target_year) == (truth.base_year, truth.target_year);
    if !out.years {
        out.diffs.push(format!(
            "years (base, target): want {:?}, got {:?}",
            (truth.base_year, truth.target_year),
            (layout.base_year, layout.target_year)
        ));
    }
    // Indicators.
    type Row = (u32, String, String, String, String);
    let want: Vec<Row> = truth
        .indicators
        .iter()
        .map(|t| {
            let parent = if COMPARE_PARENT {
                t.parent.clone()
            } else {
                String::new()
            };
            (
                t.row,
                t.name.clone(),
                t.unit.clone(),
                t.category.clone(),
                parent,
            )
        })
        .collect();
    let got: Vec<Row> = plan
        .indicators
        .iter()
        .map(|i| {
            let parent = if COMPARE_PARENT {
                detected_parent(i)
            } else {
                String::new()
            };
            (
                i.row,
                i.name.clone(),
                i.unit.clone(),
                i.category.clone(),
                parent,
            )
        })
        .collect();
    out.indicators = want == got;
    if !out.indicators {
        let fmt = |r: &Row| {
            let mut s = format!(
                "row {}: {} unit {} category {}",
                r.0,
                show(&r.1),
                show(&r.2),
                show(&r.3)
            );
            if COMPARE_PARENT && !r.4.is_empty() {
                s.push_str(&format!(" parent {}", show(&r.4)));
            }
            s
        };
        out.diffs.push(format!(
            "indicators: want {}, got {}",
            want.len(),
            got.len()
        ));
        let want_rows: BTreeSet<u32> = want.iter().map(|r| r.0).collect();
        let got_rows: BTreeSet<u32> = got.iter().map(|r| r.0).collect();
        let missing: Vec<&Row> = want.iter().filter(|r| !got_rows.contains(&r.0)).collect();
        let extra: Vec<&Row> = got.iter().filter(|r| !want_rows.contains(&r.0)).collect();
        for r in missing.iter().take(3) {
            out.diffs.push(format!("  missing   {}", fmt(r)));
        }
        if missing.len() > 3 {
            out.diffs
                .push(format!("  … {} more missing", missing.len() - 3));
        }
        for r in extra.iter().take(3) {
            out.diffs.push(format!("  unwanted  {}", fmt(r)));
        }
        if extra.len() > 3 {
            out.diffs
                .push(format!("  … {} more unwanted", extra.len() - 3));
        }
        let mut shown = 0;
        let mut differing = 0;
        for w in &want {
            if let Some(g) = got.iter().find(|g| g.0 == w.0) {
                if g != w {
                    differing += 1;
                    if shown < 3 {
                        shown += 1;
                        out.diffs.push(format!("  want      {}", fmt(w)));
                        out.diffs.push(format!("  got       {}", fmt(g)));
                    }
                }
            }
        }
        if differing > shown {
            out.diffs
                .push(format!("  … {} more rows differ", differing - shown));
        }
        if missing.is_empty() && extra.is_empty() && differing == 0 {
            out.diffs.push("  same rows, in another order".into());
        }
    }
    out
}
