//! The grid's plain-Rust parts on the sample workbooks: fitted column widths (no number shown
//! cut), keyboard movement over real data, and find over every row.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)] // the shared helpers; this file uses only some
mod common;

use common::import;
use zhibiao::ui::state::find::{find_all, next_match};
use zhibiao::ui::state::nav::{step, Bounds, Move};
use zhibiao::ui::state::widths::{avail_px, fit_column, fit_text, fit_widths, is_number, Metrics};
use zhibiao::ui::state::{Doc, GridModel};

const SAMPLES: [&str; 7] = [
    "qinglan-county-2021-2025-plan.xlsx",
    "qinglan-county-2021-2022-progress.xls",
    "wangchuan-city-2016-2020-assessment.xlsx",
    "wangchuan-city-2016-2020-assessment.ods",
    "three-districts-2021-2023.xlsx",
    "yunfu-2016-2020-demo.xlsx",
    "synthetic-2021-2025-2000-rows.xlsx",
];

fn doc(name: &str) -> Doc {
    Doc::new(name.into(), import(name))
}

fn model(d: &Doc) -> GridModel {
    let (sheet, layout, plan) = d.active_sheet().expect("a sheet");
    GridModel::new(sheet, layout, plan, &d.typed_cells())
}

/// Every number shown in a one-column cell of every sheet, with the width it needs and has.
fn cut_numbers(d: &Doc, m: &Metrics, widths: &[u32]) -> Vec<String> {
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let grid = model(d);
    let mut cut = Vec::new();
    for row in grid.window(sheet, results.as_ref(), 0..grid.rows) {
        for cell in &row.cells {
            if cell.colspan != 1 || !is_number(&cell.text) {
                continue;
            }
            let avail = avail_px(widths, cell.col, 1);
            if m.text_px(&cell.text) > avail {
                cut.push(format!(
                    "{}{}: {:?} needs {} px, has {avail}",
                    cell.letters,
                    row.row,
                    cell.text,
                    m.text_px(&cell.text)
                ));
            }
        }
    }
    cut
}

#[test]
fn every_numeric_cell_of_the_sample_grids_fits_its_fitted_column() {
    for m in [
        Metrics::default(),
        // A font with wider digits (DejaVu Sans at 13 px), CJK twice as wide.
        Metrics::measured(8.3, 16.6),
    ] {
        for name in SAMPLES {
            let d = doc(name);
            for sheet in 0..d.sheet_tabs().len() {
                let mut d = d.clone();
                d.active = sheet;
                let (s, _, _) = d.active_sheet().expect("a sheet");
                let grid = model(&d);
                let widths = fit_widths(&grid, s, d.results().as_ref(), &m);
                assert_eq!(widths.len(), grid.width(), "{name}");
                let cut = cut_numbers(&d, &m, &widths);
                assert!(cut.is_empty(), "{name} sheet {sheet}: {cut:#?}");
            }
        }
    }
}

#[test]
fn computed_targets_and_completion_columns_are_fitted_not_left_at_the_files_width() {
    // Qinglan's progress table: the yearly targets G–K are empty in the file and computed
    // (201.3, 38113, 0.468 were shown as 20…, 38…, 0.…).
    let d = doc("qinglan-county-2021-2022-progress.xls");
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let grid = model(&d);
    let m = Metrics::default();
    let widths = fit_widths(&grid, sheet, results.as_ref(), &m);
    let g = 6;
    assert!(grid.is_filled(results.as_ref(), 18, g), "G19 is computed");
    let widest_computed = (grid.body_start..grid.rows)
        .filter(|&r| grid.is_filled(results.as_ref(), r, g))
        .map(|r| m.text_px(&grid.text(sheet, results.as_ref(), r, g)))
        .fold(0.0, f64::max);
    assert!(widest_computed > 30.0);
    assert!(avail_px(&widths, g, 1) >= widest_computed);
    // The appended 2022年状态 column holds 滞后序时进度 on one line.
    let w = grid
        .completion_col(2022, zhibiao::io::appended::Kind::Status)
        .expect("2022年状态");
    assert!(avail_px(&widths, w, 1) >= m.text_px("滞后序时进度"));
    // The year header 2021年 merged over G:H fits on one line in bold; so does 序号, merged
    // down the three header rows in A.
    assert!(avail_px(&widths, g, 2) >= m.text_px("2021年") * 1.08);
    assert!(avail_px(&widths, 0, 1) >= m.text_px("序号") * 1.08);
}

#[test]
fn a_column_made_too_narrow_shows_hashes_and_a_double_click_fits_it_again() {
    let d = doc("yunfu-2016-2020-demo.xlsx");
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let grid = model(&d);
    let m = Metrics::default();
    let mut widths = fit_widths(&grid, sheet, results.as_ref(), &m);
    // The column with the widest number.
    let (col, text) = grid
        .window(sheet, results.as_ref(), grid.body_start..grid.rows)
        .into_iter()
        .flat_map(|r| r.cells)
        .filter(|c| c.colspan == 1 && is_number(&c.text))
        .max_by(|a, b| m.text_px(&a.text).total_cmp(&m.text_px(&b.text)))
        .map(|c| (c.col, c.text))
        .expect("a number");
    assert!(text.len() >= 6, "{text}");
    widths[col] = 40;
    let (shown, cut) = fit_text(&text, avail_px(&widths, col, 1), &m);
    assert!(cut);
    assert!(shown.chars().all(|c| c == '#'), "{shown}");
    widths[col] = fit_column(&grid, sheet, results.as_ref(), col, &m);
    assert!(widths[col] > 40);
    assert_eq!(
        fit_text(&text, avail_px(&widths, col, 1), &m),
        (text.clone(), false)
    );
    assert!(cut_numbers(&d, &m, &widths).is_empty());
}

#[test]
fn ctrl_end_reaches_the_last_row_and_ctrl_down_stops_at_the_end_of_the_data() {
    let d = doc("qinglan-county-2021-2022-progress.xls");
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let grid = model(&d);
    let b = Bounds {
        first_row: grid.body_start,
        rows: grid.rows,
        cols: grid.width(),
        page: 20,
    };
    let blank = |r, c| grid.is_blank(sheet, results.as_ref(), r, c);
    let last = step(Move::Last, (grid.body_start, 0), &b, blank);
    assert_eq!(last, (grid.rows - 1, grid.width() - 1));
    // Down the name column (C) from the first body row: the end of the run of names.
    let name_col = 2;
    let down = step(Move::EdgeDown, (grid.body_start, name_col), &b, blank);
    assert!(!blank(down.0, name_col));
    assert!(
        down.0 + 1 == grid.rows || blank(down.0 + 1, name_col),
        "{down:?}"
    );
    assert_eq!(down, (grid.data_last, name_col));
    // Down the merged 类别 column (B): from one group's first row to the next group's.
    assert_eq!(step(Move::EdgeDown, (5, 1), &b, blank), (11, 1));
    assert_eq!(step(Move::First, down, &b, blank), (grid.body_start, 0));
}

#[test]
fn find_reaches_a_row_1500_rows_down_in_the_2000_row_sample() {
    let d = doc("synthetic-2021-2025-2000-rows.xlsx");
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let grid = model(&d);
    // The name of the indicator 1,500 rows into the body.
    let row = grid.body_start + 1_500;
    let name_col = (0..grid.sheet_width)
        .find(|&c| {
            let t = sheet.display(row, c);
            !t.is_empty() && !is_number(&t)
        })
        .expect("a text column");
    let name = sheet.display(row, name_col);
    let matches = find_all(&grid, sheet, results.as_ref(), &name);
    assert!(matches.contains(&(row, name_col)), "{name}: {matches:?}");
    // Every match shows the text, and nothing above the body is listed.
    for &(r, c) in &matches {
        assert!(r >= grid.body_start);
        assert!(grid.text(sheet, results.as_ref(), r, c).contains(&name));
    }
    // Next from the top reaches the first match; previous from it wraps to the last.
    let first = next_match(&matches, Some((grid.body_start, 0)), true).expect("a match");
    assert_eq!(matches[first], matches[0]);
    assert_eq!(
        next_match(&matches, Some(matches[0]), false),
        Some(matches.len() - 1)
    );
    // Case and the spaces around the query do not matter; computed cells are found as shown.
    let computed = (grid.body_start..grid.rows)
        .flat_map(|r| (0..grid.sheet_width).map(move |c| (r, c)))
        .find(|&(r, c)| grid.is_filled(results.as_ref(), r, c))
        .expect("a computed cell");
    let shown = grid.text(sheet, results.as_ref(), computed.0, computed.1);
    assert!(find_all(&grid, sheet, results.as_ref(), &format!("  {shown} ")).contains(&computed));
    assert!(find_all(&grid, sheet, results.as_ref(), "   ").is_empty());
}

#[test]
fn a_filter_on_the_lead_unit_keeps_that_units_rows_and_a_category_keeps_its_merged_rows() {
    use std::collections::BTreeSet;
    use zhibiao::ui::state::filter::{column_values, visible_rows, BodyRows, Filters};
    let d = doc("qinglan-county-2021-2022-progress.xls");
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let grid = model(&d);
    let res = results.as_ref();
    // Q (0-based 16) in the file is 牵头部门; the grid shows it further right, after the
    // completion columns of 2021 and 2022.
    let q = grid.display_col(16);
    assert_eq!(q, 20);
    let values = column_values(&grid, sheet, res, q);
    // Most frequent first, then by text.
    assert_eq!(values[0], ("县人力资源社会保障局".to_string(), 3));
    assert!(values.contains(&("县卫生健康局".to_string(), 3)));
    assert_eq!(
        values.iter().map(|(_, n)| n).sum::<usize>(),
        27,
        "every table row counted"
    );
    let mut filters = Filters::new();
    filters.insert(q, BTreeSet::from(["县卫生健康局".to_string()]));
    let shown = visible_rows(&grid, sheet, res, &filters);
    // Rows 20–22 (seq 15–17), then the two rows below the table.
    assert_eq!(shown, BodyRows::Some(vec![19, 20, 21, 32, 33]));
    // The category 民生福祉 is merged down B16:B23: its eight rows.
    filters.clear();
    filters.insert(1, BTreeSet::from(["民生福祉".to_string()]));
    let shown = visible_rows(&grid, sheet, res, &filters);
    assert_eq!(shown.len(), 8 + 2);
    assert_eq!(shown.row(0), Some(15));
    // Both: the rows of the unit in the category.
    filters.insert(q, BTreeSet::from(["县卫生健康局".to_string()]));
    assert_eq!(
        visible_rows(&grid, sheet, res, &filters).runs(0..99),
        vec![19..22, 32..34]
    );
    // No filter: every row from the body's first.
    assert_eq!(
        visible_rows(&grid, sheet, res, &Filters::new()),
        BodyRows::All(grid.body_start..grid.rows)
    );
}

#[test]
fn rows_on_screen_widen_a_column_they_need_wider_and_never_narrow_one() {
    use zhibiao::ui::state::widths::grow_widths;
    let d = doc("synthetic-2021-2025-2000-rows.xlsx");
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let grid = model(&d);
    let m = Metrics::default();
    let fitted = fit_widths(&grid, sheet, results.as_ref(), &m);
    // Rows in the middle of the plan, as if scrolled to them, with every column made narrow.
    let rows: Vec<usize> = (1_000..1_040).collect();
    let mut narrow = vec![40; fitted.len()];
    grow_widths(&mut narrow, &grid, sheet, results.as_ref(), &rows, &m);
    let window = grid.window(sheet, results.as_ref(), 1_000..1_040);
    for cell in window.iter().flat_map(|r| &r.cells) {
        if cell.colspan == 1 && is_number(&cell.text) {
            assert!(
                m.text_px(&cell.text) <= avail_px(&narrow, cell.col, 1),
                "{}: {}",
                cell.letters,
                cell.text
            );
        }
    }
    // Columns only grow.
    let mut wide = vec![900; fitted.len()];
    grow_widths(&mut wide, &grid, sheet, results.as_ref(), &rows, &m);
    assert!(wide.iter().all(|&w| w == 900));
}

#[test]
fn qinglan_shows_each_years_completion_beside_its_actual_inside_the_year_groups() {
    use zhibiao::io::appended::Kind;
    let d = doc("qinglan-county-2021-2022-progress.xls");
    let (sheet, _, _) = d.active_sheet().expect("a sheet");
    let results = d.results();
    let res = results.as_ref();
    let grid = model(&d);
    let header: Vec<(String, String, u32)> = grid
        .window(sheet, res, grid.header_first()..grid.body_start)
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| !c.text.is_empty())
        .map(|c| (c.letters.clone(), c.text.clone(), c.colspan))
        .collect();
    let at = |text: &str| {
        header
            .iter()
            .find(|(_, t, _)| t == text)
            .map(|(l, _, span)| (l.as_str(), *span))
            .unwrap_or_else(|| panic!("{text} in {header:?}"))
    };
    // 2021年 over 目标 | 完成 (G:H), then its 实现程度 and 状态 (I, J) under the group
    // 年度目标及完成情况, which now spans G:T; 2022年 (K:L) with M, N.
    assert_eq!(at("年度目标及完成情况"), ("G", 14));
    assert_eq!(at("2021年"), ("G", 2));
    assert_eq!(at("2021年实现程度(%)"), ("I", 1));
    assert_eq!(at("2021年状态"), ("J", 1));
    assert_eq!(at("2022年"), ("K", 2));
    assert_eq!(at("2022年实现程度(%)"), ("M", 1));
    assert_eq!(at("2022年状态"), ("N", 1));
    assert_eq!(at("牵头部门"), ("U", 1));
    assert_eq!(grid.completion_col(2021, Kind::Realization), Some(8));
    // Seq 1 (row 6): 2021 actual 203.5 in H, then 100.00 and 达到序时进度.
    let row: Vec<(String, String)> = grid.window(sheet, res, 5..6)[0]
        .cells
        .iter()
        .map(|c| (c.letters.clone(), c.text.clone()))
        .collect();
    let cell = |l: &str| row.iter().find(|(x, _)| x == l).map(|(_, t)| t.as_str());
    assert_eq!(cell("H"), Some("203.5"));
    assert_eq!(cell("I"), Some("100.00"));
    assert_eq!(cell("J"), Some("达到序时进度"));
    // The sheet's own columns keep their indices for edits: H is the file's H, K the file's I.
    assert_eq!(grid.source_col(7), Some(7));
    assert_eq!(grid.source_col(8), None);
    assert_eq!(grid.source_col(10), Some(8));
}
