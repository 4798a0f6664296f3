//! Shared by `tests/export.rs` and `tests/libreoffice.rs`: read an exported workbook back with
//! calamine and compare every figure of 计划明细 and 考核得分 with the engine's, by the
//! documented layout (headers, not positions).

#![allow(dead_code)]

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader};
use std::collections::BTreeMap;
use std::io::Cursor;
use zhibiao::io::appended::status_text;
use zhibiao::plan::round::shown;
use zhibiao::plan::{Plan, PlanResults};

/// One sheet read back: its values (cached results for formulas) and its formulas.
pub struct ReadSheet {
    pub name: String,
    pub values: Range<Data>,
    pub formulas: Range<String>,
}

impl ReadSheet {
    /// The value at 0-based (row, col) as text ("" for empty), numbers as `f64` text.
    pub fn text(&self, row: usize, col: usize) -> String {
        match self.values.get_value((row as u32, col as u32)) {
            None | Some(Data::Empty) => String::new(),
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => format!("{f}"),
            Some(Data::Int(i)) => format!("{i}"),
            Some(other) => format!("{other}"),
        }
    }

    /// The number at (row, col), if the cell holds one.
    pub fn number(&self, row: usize, col: usize) -> Option<f64> {
        match self.values.get_value((row as u32, col as u32)) {
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(i)) => Some(*i as f64),
            _ => None,
        }
    }

    /// Whether (row, col) holds a formula.
    pub fn is_formula(&self, row: usize, col: usize) -> bool {
        self.formulas
            .get_value((row as u32, col as u32))
            .is_some_and(|f| !f.is_empty())
    }

    /// The number of formula cells.
    pub fn formula_count(&self) -> usize {
        self.formulas
            .used_cells()
            .filter(|(_, _, f)| !f.is_empty())
            .count()
    }

    /// The last row that holds a value (0-based).
    pub fn last_row(&self) -> usize {
        self.values.end().map_or(0, |(r, _)| r as usize)
    }

    /// The last column that holds a value (0-based).
    pub fn last_col(&self) -> usize {
        self.values.end().map_or(0, |(_, c)| c as usize)
    }
}

/// Every sheet of a workbook, in order.
pub fn read_book(bytes: &[u8]) -> Vec<ReadSheet> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).expect("workbook opens");
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let values = wb.worksheet_range(&name).expect("sheet reads");
            let formulas = wb.worksheet_formula(&name).expect("formulas read");
            ReadSheet {
                name,
                values,
                formulas,
            }
        })
        .collect()
}

/// The year of a header `2021年目标` with the given suffix.
fn year_of(header: &str, suffix: &str) -> Option<i32> {
    header
        .strip_suffix(suffix)?
        .strip_suffix('年')?
        .parse()
        .ok()
}

/// What was compared.
#[derive(Debug, Default)]
pub struct Checked {
    /// Figures compared with the engine.
    pub figures: usize,
    /// Of them, formula cells.
    pub formulas: usize,
    /// Disagreements, one line each.
    pub problems: Vec<String>,
}

fn empty_text(s: &str) -> bool {
    s.trim().is_empty()
}

/// Compares 计划明细 (header on row 3) with the engine: every yearly target, the final
/// target, every realization and status.
pub fn check_detail(sheet: &ReadSheet, plan: &Plan, results: &PlanResults) -> Checked {
    let mut out = Checked::default();
    let header_row = 2;
    let headers: Vec<String> = (0..=sheet.last_col())
        .map(|c| sheet.text(header_row, c))
        .collect();
    let col = |h: &str| headers.iter().position(|x| x == h);
    let Some(src_col) = col("源行") else {
        out.problems.push(format!("{}: no 源行 column", sheet.name));
        return out;
    };
    let target_col = col("目标值");
    let mut seen = 0;
    for r in header_row + 1..=sheet.last_row() {
        let Some(src) = sheet.number(r, src_col) else {
            continue;
        };
        let Some(i) = plan.indicators.iter().position(|i| f64::from(i.row) == src) else {
            out.problems
                .push(format!("row {}: source row {src} unknown", r + 1));
            continue;
        };
        seen += 1;
        let (ind, res) = (&plan.indicators[i], &results.indicators[i]);
        let d = res.decimals;
        let here = |c: usize| {
            format!(
                "{}!{}{}",
                sheet.name,
                zhibiao::table::grid::col_letters(c),
                r + 1
            )
        };
        let compare =
            |out: &mut Checked, c: usize, want: Option<String>, decimals: u8, is_text: bool| {
                out.figures += 1;
                if sheet.is_formula(r, c) {
                    out.formulas += 1;
                }
                let got = if is_text {
                    sheet.text(r, c)
                } else {
                    match sheet.number(r, c) {
                        Some(n) => shown(n, decimals),
                        None => sheet.text(r, c),
                    }
                };
                let ok = match &want {
                    Some(w) => &got == w,
                    None => empty_text(&got),
                };
                if !ok {
                    out.problems.push(format!(
                        "{} ({} {}): got {got:?}, engine {want:?}",
                        here(c),
                        ind.seq,
                        ind.name
                    ));
                }
            };
        if ind.is_group {
            continue;
        }
        for (c, h) in headers.iter().enumerate() {
            if let Some(y) = year_of(h, "目标") {
                let want = res.yearly.get(&y).map(|t| t.shown());
                compare(&mut out, c, want, d, false);
            } else if let Some(y) = year_of(h, "实现程度(%)") {
                let want = res.realization.get(&y).map(|s| s.shown());
                compare(&mut out, c, want, 2, false);
            } else if let Some(y) = year_of(h, "状态") {
                let want = res.status.get(&y).map(|s| status_text(*s).to_string());
                compare(&mut out, c, want, 0, true);
            }
        }
        if let (Some(c), Some(t)) = (target_col, res.target) {
            compare(&mut out, c, Some(shown(t, d)), d, false);
        }
    }
    if seen != plan.indicators.len() {
        out.problems.push(format!(
            "{}: {seen} indicator rows, the plan has {}",
            sheet.name,
            plan.indicators.len()
        ));
    }
    out
}

/// Compares 考核得分 with the engine: overall, category and unit figures of every year.
pub fn check_scores(sheet: &ReadSheet, results: &PlanResults) -> Checked {
    let mut out = Checked::default();
    let mut year_cols: BTreeMap<usize, i32> = BTreeMap::new();
    for c in 2..=sheet.last_col() {
        if let Some(y) = year_of(&sheet.text(2, c), "") {
            year_cols.insert(c, y);
        }
    }
    let expected_years: Vec<i32> = results.assessment.keys().copied().collect();
    let got_years: Vec<i32> = year_cols.values().copied().collect();
    if got_years != expected_years {
        out.problems.push(format!(
            "{}: years {got_years:?}, engine {expected_years:?}",
            sheet.name
        ));
        return out;
    }
    let mut score_cols: BTreeMap<usize, (i32, bool)> = BTreeMap::new();
    let mut in_units = false;
    let mut units_seen = BTreeMap::<i32, usize>::new();
    for r in 3..=sheet.last_row() {
        let (a, b) = (sheet.text(r, 0), sheet.text(r, 1));
        if b == "单位" {
            in_units = true;
            for c in 2..=sheet.last_col() {
                let h = sheet.text(r, c);
                if let Some(y) = year_of(&h, "得分") {
                    score_cols.insert(c, (y, false));
                } else if let Some(y) = year_of(&h, "指标数") {
                    score_cols.insert(c, (y, true));
                }
            }
            continue;
        }
        let mut compare = |c: usize, want: Option<String>, decimals: u8| {
            out.figures += 1;
            if sheet.is_formula(r, c) {
                out.formulas += 1;
            }
            let got = sheet
                .number(r, c)
                .map_or_else(|| sheet.text(r, c), |n| shown(n, decimals));
            let ok = match &want {
                Some(w) => &got == w,
                None => empty_text(&got),
            };
            if !ok {
                out.problems.push(format!(
                    "{}!{}{} ({a} {b}): got {got:?}, engine {want:?}",
                    sheet.name,
                    zhibiao::table::grid::col_letters(c),
                    r + 1
                ));
            }
        };
        if a == "总体实现程度(%)" {
            for (&c, y) in &year_cols {
                let want = results.assessment[y].overall.as_ref().map(|s| s.shown());
                compare(c, want, 2);
            }
        } else if a == "领域实现程度(%)" {
            for (&c, y) in &year_cols {
                let want = results.assessment[y].categories.get(&b).map(|s| s.shown());
                compare(c, want, 2);
            }
        } else if in_units && !b.is_empty() {
            for (&c, &(y, is_count)) in &score_cols {
                let unit = results.assessment[&y].units.get(&b);
                if unit.is_some() && !is_count {
                    *units_seen.entry(y).or_default() += 1;
                }
                let want = if is_count {
                    Some(unit.map_or(0, |u| u.count).to_string())
                } else {
                    unit.map(|u| u.score.shown())
                };
                compare(c, want, if is_count { 0 } else { 2 });
            }
        }
    }
    for (y, a) in &results.assessment {
        let n = units_seen.get(y).copied().unwrap_or(0);
        if n != a.units.len() {
            out.problems.push(format!(
                "{}: {y}: {n} units in the sheet, engine {}",
                sheet.name,
                a.units.len()
            ));
        }
    }
    out
}

/// The fixtures the export tests run on: every sample except `bad/`.
pub fn fixtures() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures dir")
        .filter_map(|e| {
            let e = e.ok()?;
            e.file_type()
                .ok()?
                .is_file()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .filter(|n| !n.ends_with(".md"))
        .collect();
    names.sort();
    names
}
