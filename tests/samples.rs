//! The public sample workbooks, read through the whole import path and checked against the
//! hand-computed values of `shared/samples/README.md` (copied under `tests/fixtures/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

mod common;

use common::{computed, fixture, import};
use zhibiao::error::{ImportError, Lang};
use zhibiao::io;
use zhibiao::plan::Status;

/// (file, sheet index, header rows, data rows, base year, target year, [(role, letter)]).
type LayoutCase = (
    &'static str,
    usize,
    [usize; 2],
    [usize; 2],
    i32,
    i32,
    &'static [(&'static str, &'static str)],
);

const LAYOUTS: &[LayoutCase] = &[
    (
        "yunfu-2016-2020-demo.xlsx",
        0,
        [1, 1],
        [2, 55],
        2016,
        2020,
        &[
            ("seq", "A"),
            ("category", "B"),
            ("name", "C"),
            ("unit", "D"),
            ("base", "E"),
            ("target", "F"),
            ("yearly_2017", "G"),
            ("yearly_2020", "J"),
            ("lead_units", "K"),
        ],
    ),
    (
        "qinglan-county-2021-2025-plan.xlsx",
        0,
        [2, 2],
        [3, 29],
        2020,
        2025,
        &[
            ("category", "B"),
            ("base", "E"),
            ("target", "F"),
            ("yearly_2021", "G"),
            ("yearly_2025", "K"),
            ("binding", "L"),
            ("lead_units", "M"),
            ("other_units", "N"),
        ],
    ),
    (
        // Three header rows: group / year / 目标·完成, merged year groups.
        "qinglan-county-2021-2022-progress.xls",
        0,
        [3, 5],
        [6, 32],
        2020,
        2025,
        &[
            ("base", "E"),
            ("target", "F"),
            ("yearly_2021", "G"),
            ("actual_2021", "H"),
            ("yearly_2022", "I"),
            ("actual_2022", "J"),
            ("yearly_2025", "O"),
            ("lead_units", "Q"),
            ("other_units", "R"),
            ("note", "S"),
        ],
    ),
    (
        // Role on top, year below; category rows merged across the width; 合计 footer.
        "wangchuan-city-2016-2020-assessment.xlsx",
        0,
        [3, 4],
        [6, 28],
        2015,
        2020,
        &[
            ("weight", "D"),
            ("base", "E"),
            ("target", "F"),
            ("actual_2018", "G"),
            ("actual_2019", "H"),
            ("lead_units", "I"),
            ("other_units", "J"),
        ],
    ),
    (
        // No merges from calamine for .ods: io::read::ods reads them, so G3:H3 covers both years.
        "wangchuan-city-2016-2020-assessment.ods",
        0,
        [3, 4],
        [6, 28],
        2015,
        2020,
        &[
            ("weight", "D"),
            ("actual_2018", "G"),
            ("actual_2019", "H"),
            ("other_units", "J"),
        ],
    ),
    (
        "liuwan-township-2022-text-numbers.xls",
        0,
        [2, 2],
        [3, 10],
        2021,
        2023,
        &[
            ("base", "D"),
            ("target", "E"),
            ("actual_2022", "F"),
            ("lead_units", "G"),
            ("note", "H"),
        ],
    ),
    (
        "three-districts-2021-2023.xlsx",
        2,
        [3, 3],
        [4, 11],
        2020,
        2023,
        &[
            ("direction", "D"),
            ("base", "E"),
            ("target", "F"),
            ("yearly_2021", "G"),
            ("actual_2021", "H"),
            ("yearly_2022", "I"),
            ("actual_2022", "J"),
            ("lead_units", "K"),
        ],
    ),
    (
        "liuwan-township-2022-text-numbers-gbk.csv",
        0,
        [2, 2],
        [3, 10],
        2021,
        2023,
        &[
            ("base", "D"),
            ("target", "E"),
            ("actual_2022", "F"),
            ("lead_units", "G"),
        ],
    ),
    (
        "synthetic-2021-2025-2000-rows.xlsx",
        0,
        [2, 2],
        [3, 2002],
        2020,
        2025,
        &[
            ("category", "B"),
            ("name", "C"),
            ("direction", "E"),
            ("weight", "F"),
            ("yearly_2024", "L"),
            ("actual_2023", "O"),
            ("lead_units", "P"),
            ("other_units", "Q"),
        ],
    ),
];

#[test]
fn every_sample_layout_is_detected_without_correction() {
    for (file, sheet, header, data, base_year, target_year, columns) in LAYOUTS {
        let imported = import(file);
        let layout = imported.sheets[*sheet]
            .layout
            .as_ref()
            .unwrap_or_else(|| panic!("{file}: no layout"));
        assert_eq!(
            [layout.header_first + 1, layout.header_last + 1],
            *header,
            "{file}: header rows"
        );
        assert_eq!(
            [layout.data_first + 1, layout.data_last + 1],
            *data,
            "{file}: data rows"
        );
        assert_eq!(layout.base_year, Some(*base_year), "{file}: base year");
        assert_eq!(
            layout.target_year,
            Some(*target_year),
            "{file}: target year"
        );
        let letters = layout.column_letters();
        for (role, letter) in *columns {
            assert_eq!(
                letters.get(*role).map(String::as_str),
                Some(*letter),
                "{file}: column of {role}"
            );
        }
    }
}

#[test]
fn three_district_sheets_share_one_layout() {
    let imported = import("three-districts-2021-2023.xlsx");
    let names: Vec<_> = imported
        .sheets
        .iter()
        .map(|s| s.sheet.name.as_str())
        .collect();
    assert_eq!(names, ["川东区", "川西区", "新港区"]);
    let layouts: Vec<_> = imported.sheets.iter().map(|s| s.layout.clone()).collect();
    assert!(layouts
        .iter()
        .all(|l| l.as_ref().map(|l| l.columns.clone())
            == layouts[0].as_ref().map(|l| l.columns.clone())));
}

#[test]
fn qinglan_plan_yearly_targets_match_the_readme_table() {
    // shared/samples/README.md, File 2, "All yearly targets, rounded (2021…2025)".
    // Seq 12's 2025 cell is unsettled in the README and is left out.
    const TABLE: &[(&str, [&str; 5])] = &[
        ("1", ["201.3", "217.4", "234.8", "253.6", "273.9"]),
        ("2", ["8.5", "8.5", "8.5", "8.5", "8.5"]),
        ("3", ["10.50", "11.30", "12.20", "13.30", "14.50"]),
        ("4", ["131.5", "143.3", "156.2", "170.2", "185.6"]),
        ("5", ["73.6", "79.0", "84.3", "89.7", "95.0"]),
        ("6", ["50.0", "51.5", "53.0", "54.5", "56.0"]),
        ("7", ["1.30", "1.47", "1.65", "1.82", "2.00"]),
        ("8", ["1.1", "1.5", "1.8", "2.2", "2.5"]),
        ("9", ["4.4", "5.3", "6.2", "7.1", "8.0"]),
        ("10", ["28", "32", "36", "42", "48"]),
        ("11", ["38113", "40781", "43636", "46691", "49959"]),
        ("12", ["18377", "20031", "21834", "23799", "-"]),
        ("13", ["5.5", "5.5", "5.5", "5.5", "5.5"]),
        ("14", ["10.4", "10.5", "10.7", "10.8", "11.0"]),
        ("15", ["2.45", "2.59", "2.72", "2.86", "3.00"]),
        ("16", ["77.5", "77.7", "78.0", "78.2", "78.5"]),
        ("17", ["1.9", "2.6", "3.2", "3.9", "4.5"]),
        ("18", ["93.8", "94.1", "94.4", "94.7", "95.0"]),
        ("19", ["0.468", "0.455", "0.442", "0.429", "0.417"]),
        ("20", ["1.21", "1.16", "1.12", "1.08", "1.03"]),
        ("21", ["—", "—", "—", "—", "—"]),
        ("22", ["62.58", "62.81", "63.04", "63.27", "63.50"]),
        ("23", ["32", "31", "31", "30", "30"]),
        ("24", ["—", "—", "—", "—", "—"]),
        ("25", ["42.1", "42.1", "42.1", "42.1", "42.1"]),
        ("26", ["21.8", "21.9", "21.9", "22.0", "22.0"]),
        ("27", ["2.14", "2.11", "2.07", "2.04", "2.00"]),
    ];
    let c = computed("qinglan-county-2021-2025-plan.xlsx", 0);
    assert_eq!(c.plan.indicators.len(), 27);
    for (seq, row) in TABLE {
        for (i, expected) in row.iter().enumerate() {
            if *expected == "-" {
                continue;
            }
            let year = 2021 + i as i32;
            assert_eq!(c.yearly(seq, year), *expected, "seq {seq}, {year}");
        }
    }
}

#[test]
fn qinglan_progress_realization_and_status_match_the_readme_table() {
    // shared/samples/README.md, File 3: (seq, 2021 realization, 2021 status, 2022 …).
    use Status::{Lagging as L, Met as M, NoData as N, OnTrack as O};
    type Row = (
        &'static str,
        &'static str,
        Option<Status>,
        &'static str,
        Option<Status>,
    );
    const TABLE: &[Row] = &[
        ("1", "100.00", Some(O), "98.70", Some(L)),
        ("2", "100.00", Some(M), "74.12", Some(L)),
        ("3", "100.00", Some(O), "97.79", Some(L)),
        ("4", "97.68", Some(L), "94.36", Some(L)),
        ("5", "98.59", Some(L), "93.82", Some(L)),
        ("6", "100.00", Some(O), "99.61", Some(L)),
        ("7", "98.77", Some(L), "100.00", Some(O)),
        ("8", "96.49", Some(L), "87.84", Some(L)),
        ("9", "97.73", Some(L), "—", Some(N)),
        ("10", "100.00", Some(O), "100.00", Some(O)),
        ("11", "99.98", Some(L), "98.38", Some(L)),
        ("12", "100.00", Some(O), "98.94", Some(L)),
        ("13", "100.00", Some(M), "94.83", Some(L)),
        ("14", "99.42", Some(L), "99.81", Some(L)),
        ("15", "98.86", Some(L), "98.61", Some(L)),
        ("16", "100.00", Some(O), "99.85", Some(L)),
        ("17", "100.00", Some(O), "88.46", Some(L)),
        ("18", "100.00", Some(O), "100.00", Some(O)),
        ("19", "99.41", Some(L), "99.96", Some(L)),
        ("20", "99.26", Some(L), "97.80", Some(L)),
        ("21", "—", Some(N), "—", Some(N)),
        ("22", "100.00", Some(O), "99.97", Some(L)),
        ("23", "100.00", Some(O), "94.55", Some(L)),
        ("24", "—", None, "—", None),
        ("25", "100.00", Some(M), "100.00", Some(M)),
        ("26", "100.00", Some(O), "99.18", Some(L)),
        ("27", "99.72", Some(L), "99.43", Some(L)),
    ];
    let c = computed("qinglan-county-2021-2022-progress.xls", 0);
    for (seq, r21, s21, r22, s22) in TABLE {
        let (_, r) = c.seq(seq);
        assert_eq!(c.realization(seq, 2021), *r21, "seq {seq} 2021");
        assert_eq!(c.realization(seq, 2022), *r22, "seq {seq} 2022");
        assert_eq!(r.status.get(&2021).copied(), *s21, "seq {seq} 2021 status");
        assert_eq!(r.status.get(&2022).copied(), *s22, "seq {seq} 2022 status");
    }
    assert_eq!(c.overall(2021), "99.44");
    assert_eq!(c.overall(2022), "96.50");
    let a = &c.results.assessment[&2022];
    for (cat, shown) in [
        ("经济发展", "93.07"),
        ("创新驱动", "95.95"),
        ("民生福祉", "97.36"),
        ("绿色生态", "98.07"),
        ("安全保障", "99.54"),
    ] {
        assert_eq!(a.categories[cat].shown(), shown, "category {cat}");
    }
    for (unit, shown, count) in [
        ("县卫生健康局", "95.64", 3),
        ("县统计局", "94.85", 7),
        ("县发展改革局", "98.00", 5),
        ("县妇联", "88.46", 1),
        ("各乡(镇)人民政府", "98.11", 3),
    ] {
        let score = &a.units[unit];
        assert_eq!(
            (score.score.shown().as_str(), score.count),
            (shown, count),
            "{unit}"
        );
    }
    assert!(
        !a.units.contains_key("县水利局"),
        "县水利局 has only qualitative indicators"
    );
}

#[test]
fn wangchuan_weighted_assessment_matches_the_readme() {
    // The .ods twin needs its merges (2-row header) and percent formats read from content.xml.
    for file in [
        "wangchuan-city-2016-2020-assessment.xlsx",
        "wangchuan-city-2016-2020-assessment.ods",
    ] {
        wangchuan(file);
    }
}

fn wangchuan(file: &str) {
    let c = computed(file, 0);
    assert_eq!(c.plan.indicators.len(), 20);
    assert_eq!(c.yearly("2", 2018), "52920");
    assert_eq!(c.yearly("3", 2019), "150.6");
    assert_eq!(c.yearly("15", 2019), "0.555");
    // Seq 16's actuals are percent-formatted numbers (0.868 shown as 86.8%).
    assert_eq!(c.realization("16", 2019), "99.02");
    assert_eq!(c.realization("2", 2019), "97.84");
    assert_eq!(c.overall(2018), "98.76");
    assert_eq!(c.overall(2019), "98.51");
    let a = &c.results.assessment[&2019];
    for (cat, shown) in [
        ("经济发展", "98.03"),
        ("创新驱动", "96.44"),
        ("民生福祉", "99.19"),
        ("资源环境", "99.58"),
    ] {
        assert_eq!(a.categories[cat].shown(), shown, "category {cat}");
    }
    assert_eq!(a.units["市环境保护局"].score.shown(), "99.51");
    // Half- and full-width brackets name one unit.
    assert_eq!(a.units["各县(市、区)人民政府"].score.shown(), "98.37");
    assert!(!a.units.contains_key("市卫生计生委"));
}

#[test]
fn liuwan_csv_in_gbk_and_utf8_and_xls_give_the_same_figures() {
    // The .xls (written by xlwt) stores every number as text except D5 = 0.356 with the
    // format 0.0%, which must read as 35.6 with 1 decimal.
    for file in [
        "liuwan-township-2022-text-numbers.xls",
        "liuwan-township-2022-text-numbers-gbk.csv",
        "liuwan-township-2022-text-numbers-utf8-bom.csv",
    ] {
        let c = computed(file, 0);
        assert_eq!(c.yearly("1", 2022), "18175", "{file}");
        assert_eq!(c.realization("1", 2022), "99.15", "{file}");
        assert_eq!(c.yearly("3", 2022), "40.3", "{file}");
        assert_eq!(c.realization("3", 2022), "97.27", "{file}");
        assert_eq!(c.yearly("8", 2022), "1233", "{file}");
        // Exact ties, half away from zero.
        assert_eq!(c.yearly("4", 2022), "71.3", "{file}");
        assert_eq!(c.yearly("6", 2022), "3.68", "{file}");
        assert_eq!(c.yearly("7", 2022), "94.7", "{file}");
        assert_eq!(c.overall(2022), "98.94", "{file}");
        let a = &c.results.assessment[&2022];
        assert_eq!(a.units["镇农业农村办"].score.shown(), "98.82", "{file}");
    }
}

#[test]
fn three_districts_overall_per_sheet() {
    for (sheet, shown) in [(0, "99.13"), (1, "99.27"), (2, "99.70")] {
        let c = computed("three-districts-2021-2023.xlsx", sheet);
        assert_eq!(c.overall(2022), shown, "sheet {sheet}");
    }
    let east = computed("three-districts-2021-2023.xlsx", 0);
    assert_eq!(east.realization("8", 2022), "98.84");
    let west = computed("three-districts-2021-2023.xlsx", 1);
    // Progress equals τ = ⅔ exactly: on track.
    assert_eq!(west.seq("3").1.status.get(&2022), Some(&Status::OnTrack));
}

#[test]
fn bad_samples_get_their_own_message() {
    let cases = [
        ("bad/zero-bytes.xlsx", ImportError::Empty),
        ("bad/password-protected.xlsx", ImportError::Encrypted),
        (
            "bad/pdf-renamed.xls",
            ImportError::NotAWorkbook { what: "PDF" },
        ),
    ];
    for (file, expected) in cases {
        let bytes = std::fs::read(fixture(file)).expect("fixture");
        assert_eq!(io::import(&bytes).err(), Some(expected), "{file}");
    }
    let bytes = std::fs::read(fixture("bad/truncated-plan.xlsx")).expect("fixture");
    let err = io::import(&bytes).expect_err("truncated zip");
    assert!(matches!(err, ImportError::Damaged { .. }), "{err:?}");
    let message = err.user_message(Lang::Zh, "truncated-plan.xlsx");
    assert!(message.contains("truncated-plan.xlsx") && message.contains("损坏"));
}

#[test]
fn exported_workbook_reimports_with_the_filled_targets() {
    let imported = import("qinglan-county-2021-2025-plan.xlsx");
    let doc = zhibiao::ui::state::Doc::new("qinglan.xlsx".into(), imported);
    let bytes = doc.export_xlsx().expect("export");
    let again = io::import(&bytes).expect("re-import");
    let before = computed("qinglan-county-2021-2025-plan.xlsx", 0);
    let plan = again.sheets[0].plan.clone().expect("table");
    let results = zhibiao::plan::compute(&plan, &Default::default());
    assert_eq!(plan.indicators.len(), before.plan.indicators.len());
    for (a, b) in results.indicators.iter().zip(&before.results.indicators) {
        let shown = |r: &zhibiao::plan::IndicatorResult| {
            r.yearly
                .iter()
                .map(|(y, t)| (*y, t.shown()))
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(a), shown(b));
    }
}

#[test]
fn grid_marks_computed_cells_and_appends_completion_columns() {
    use zhibiao::ui::state::{grid_view, CellSource, Doc};
    let doc = Doc::new(
        "p.xls".into(),
        import("qinglan-county-2021-2022-progress.xls"),
    );
    let (sheet, layout, plan) = doc.active_sheet().expect("sheet");
    let results = doc.results();
    let rows = grid_view(sheet, layout, plan, results.as_ref());
    let cell = |row: u32, col: &str| {
        rows.iter()
            .find(|r| r.row == row)
            .and_then(|r| r.cells.iter().find(|c| c.letters == col))
            .map(|c| (c.text.clone(), c.source))
            .unwrap_or_else(|| panic!("no cell {col}{row}"))
    };
    // Seq 14 (row 19): linear 10.2 → 11.0, computed.
    assert_eq!(cell(19, "G"), ("10.4".into(), CellSource::Computed));
    assert_eq!(cell(19, "K"), ("10.7".into(), CellSource::Computed));
    // Seq 6 (row 11): the file's anchor stays as it was.
    assert_eq!(cell(11, "G").1, CellSource::File);
    // A–S are the sheet; T/U are 2021 实现程度/状态, V/W 2022; only years with actuals.
    assert_eq!(cell(3, "T").0, "2021年实现程度(%)");
    assert_eq!(cell(3, "W").0, "2022年状态");
    assert_eq!(cell(20, "V").0, "98.61");
    assert_eq!(cell(20, "W").0, "滞后序时进度");
    assert!(rows
        .iter()
        .all(|r| r.cells.iter().all(|c| c.letters != "X")));
}

#[test]
fn summary_view_shows_the_assessment_of_the_chosen_year() {
    use zhibiao::ui::state::{assessment_years, summary};
    let c = computed("qinglan-county-2021-2022-progress.xls", 0);
    assert_eq!(assessment_years(&c.results), [2021, 2022]);
    let s = summary(&c.plan, &c.results, 2022);
    assert_eq!(s.overall.as_deref(), Some("96.50"));
    assert_eq!(
        s.categories[0],
        ("经济发展".to_string(), "93.07".to_string())
    );
    // Ranking best first: 各乡(镇)人民政府 98.11 ranks above 县卫生健康局 95.64.
    let rank = |u: &str| s.units.iter().position(|x| x.0 == u).expect("unit");
    assert!(rank("各乡(镇)人民政府") < rank("县卫生健康局"));
    assert!(s.units.windows(2).all(|w| w[0].1 >= w[1].1));
    // 2022 (27 rows): seq 25 met; 7, 10, 18 on track; 9, 21 no data; 24 qualitative (no
    // status); the other 27 − 1 − 3 − 2 − 1 = 20 lagging.
    let count = |st: Status| s.counts.iter().find(|(x, _)| *x == st).map(|(_, n)| *n);
    assert_eq!(count(Status::Met), Some(1));
    assert_eq!(count(Status::OnTrack), Some(3));
    assert_eq!(count(Status::NoData), Some(2));
    assert_eq!(count(Status::Lagging), Some(20));
    assert_eq!(s.lagging.len(), 20);
}

#[test]
fn next_year_view_drafts_from_the_chosen_year() {
    use zhibiao::ui::state::{draft_years, drafts, FlagReason};
    let c = computed("qinglan-county-2021-2022-progress.xls", 0);
    let rows = drafts(&c.plan, 2022);
    // Seq 14 (linear, 10.2 → 11.0 by 2025), actual 2022 = 10.5: the draft runs from
    // (2022, 10.5) to (2025, 11.0): 10.5 + 0.5·⅓ = 10.667 → 10.7, 10.833 → 10.8, 11.0.
    let row = rows.iter().find(|r| r.seq == "14").expect("seq 14");
    let shown: Vec<_> = row.draft.years.values().map(|s| s.shown()).collect();
    assert_eq!(shown, ["10.7", "10.8", "11.0"]);
    // Needed yearly difference 0.5/3 = 0.1667 against the original 0.8/5 = 0.16: not flagged.
    let needed = row.draft.needed_change.expect("needed");
    assert!((needed - 0.5 / 3.0).abs() < 1e-9, "{needed}");
    assert!(!row.draft.flag);
    // Seq 9 has no 2022 actual: no draft from 2022.
    assert!(rows.iter().all(|r| r.seq != "9"));
    // One column per remaining year; the change's unit and the flag's reason per row.
    assert_eq!(draft_years(&rows), [2023, 2024, 2025]);
    assert_eq!(row.change_unit(), "年/年");
    assert_eq!(row.flag_reason(), None);
    let seq = |s: &str| rows.iter().find(|r| r.seq == s).expect("row");
    // Seq 2, a rate itself (8.5 % every year), 2022 actual 6.3 %: flagged, short of r.
    assert_eq!(seq("2").change_unit(), "%/年");
    assert_eq!(seq("2").flag_reason(), Some(FlagReason::ShortOfRate));
    // Seq 13, hold (≤ 5.5), 2022 actual 5.8: a hold that slipped, no annual change.
    assert_eq!(seq("13").change_unit(), "");
    assert_eq!(seq("13").flag_reason(), Some(FlagReason::HoldSlipped));
}

#[test]
fn edits_return_their_inverse_and_no_ops_are_not_undoable() {
    use zhibiao::plan::Method;
    use zhibiao::ui::state::{Doc, Edit};
    let mut doc = Doc::new(
        "p.xls".into(),
        import("qinglan-county-2021-2022-progress.xls"),
    );
    let hold = Edit::Method {
        sheet: 0,
        indicator: 14,
        value: Some(Method::Hold),
    };
    let inverse = doc.apply(hold.clone()).expect("applies");
    assert_eq!(
        inverse,
        Edit::Method {
            sheet: 0,
            indicator: 14,
            value: None
        }
    );
    // Seq 15 held at T = 3.00.
    let results = doc.results().expect("results");
    assert_eq!(results.indicators[14].yearly[&2021].shown(), "3.00");
    // The same edit again changes nothing.
    assert_eq!(doc.apply(hold), None);
    doc.apply(inverse).expect("undo");
    let results = doc.results().expect("results");
    assert_eq!(results.indicators[14].yearly[&2021].shown(), "2.45");
    // Caps: 203.5 / 201.312 = 101.0869 % shows as 101.09 with a cap of 120.
    doc.apply(Edit::Cap {
        sheet: 0,
        value: Some(120.0),
    })
    .expect("cap");
    let results = doc.results().expect("results");
    assert_eq!(results.indicators[0].realization[&2021].shown(), "101.09");
}

#[test]
fn typing_a_base_or_a_yearly_target_recomputes_and_undo_restores_the_file() {
    use zhibiao::plan::Source;
    use zhibiao::ui::state::{typed_cell, Doc, Edit};
    let mut doc = Doc::new(
        "q.xlsx".into(),
        import("qinglan-county-2021-2025-plan.xlsx"),
    );
    let seq14 = 13; // row 16; base in E (col 4), 2021 in G (col 6)
    let shown = |doc: &Doc, year: i32| {
        let r = doc.results().expect("results");
        let t = &r.indicators[seq14].yearly[&year];
        (t.shown(), t.source)
    };
    assert_eq!(shown(&doc, 2021), ("10.4".into(), Source::Computed));
    // Base 10.0 → 11.0: 2021 = 10.0 + 1.0·0.2 = 10.2.
    let undo_base = doc
        .apply(Edit::Cell {
            sheet: 0,
            row: 15,
            col: 4,
            raw: typed_cell("10.0"),
            typed: true,
        })
        .expect("edit");
    assert_eq!(shown(&doc, 2021), ("10.2".into(), Source::Computed));
    assert!(doc.typed_cells().contains(&(15, 4)));
    // A typed yearly target is manual and anchors the path: 2022 = 10.5 + (11 − 10.5)/4 = 10.625.
    let undo_year = doc
        .apply(Edit::Cell {
            sheet: 0,
            row: 15,
            col: 6,
            raw: typed_cell("10.5"),
            typed: true,
        })
        .expect("edit");
    assert_eq!(shown(&doc, 2021), ("10.5".into(), Source::Manual));
    assert_eq!(shown(&doc, 2022), ("10.6".into(), Source::Computed));
    doc.apply(undo_year).expect("undo");
    doc.apply(undo_base).expect("undo");
    assert_eq!(shown(&doc, 2021), ("10.4".into(), Source::Computed));
    assert!(doc.typed_cells().is_empty());
    // A paste is one step: a batch undone at once.
    let paste = Edit::Batch(vec![
        Edit::Cell {
            sheet: 0,
            row: 15,
            col: 4,
            raw: typed_cell("10.0"),
            typed: true,
        },
        Edit::Cell {
            sheet: 0,
            row: 15,
            col: 5,
            raw: typed_cell("12.0"),
            typed: true,
        },
    ]);
    let undo = doc.apply(paste).expect("paste");
    assert_eq!(shown(&doc, 2025), ("12.0".into(), Source::Computed));
    doc.apply(undo).expect("undo paste");
    assert_eq!(shown(&doc, 2025), ("11.0".into(), Source::Computed));
}

#[test]
fn typed_text_keeps_its_decimals() {
    use zhibiao::plan::RawCell;
    use zhibiao::ui::state::typed_cell;
    assert_eq!(
        typed_cell("10.50"),
        RawCell::Number {
            n: 10.5,
            format: Some("0.00".into())
        }
    );
    assert_eq!(typed_cell(" "), RawCell::Empty);
    assert_eq!(typed_cell("≥95%"), RawCell::Text { s: "≥95%".into() });
}

#[test]
fn tsv_from_excel_splits_into_rows_and_cells() {
    use zhibiao::ui::state::parse_tsv;
    // Excel ends the copy with CRLF and quotes a cell that holds a tab or a line break.
    let rows = parse_tsv("1\t2\r\n\"a\tb\"\t\"x\r\ny\"\r\n");
    assert_eq!(rows, [vec!["1", "2"], vec!["a\tb", "x\r\ny"]]);
    assert_eq!(parse_tsv("58000"), [vec!["58000"]]);
}

#[test]
fn a_session_with_edits_survives_json_and_an_embedded_page() {
    use zhibiao::io::write::share::{embed, embedded};
    use zhibiao::ui::state::{typed_cell, Doc, Edit, Session, SESSION_VERSION};
    let mut doc = Doc::new(
        "q.xlsx".into(),
        import("qinglan-county-2021-2025-plan.xlsx"),
    );
    let hostile = "</script><script>window.__pwned=1</script>";
    let undo = vec![
        doc.apply(Edit::Cell {
            sheet: 0,
            row: 15,
            col: 4,
            raw: typed_cell("10.0"),
            typed: true,
        })
        .expect("edit"),
        doc.apply(Edit::Cell {
            sheet: 0,
            row: 15,
            col: 2,
            raw: typed_cell(hostile),
            typed: true,
        })
        .expect("edit"),
    ];
    let session = Session {
        version: SESSION_VERSION,
        doc: Some(doc),
        undo,
        ..Session::default()
    };
    let json = session.to_json().expect("json");
    let page = "<html><script type=\"application/json\" id=\"zhibiao-plan\"></script></html>";
    let saved = embed(page, &json).expect("embed");
    assert!(!saved.contains(hostile));
    let back = Session::from_json(&embedded(&saved).expect("plan")).expect("session");
    assert_eq!(back, session);
    let doc = back.doc.expect("doc");
    assert_eq!(
        doc.results().expect("results").indicators[13].yearly[&2021].shown(),
        "10.2"
    );
    assert_eq!(
        doc.active_sheet()
            .expect("sheet")
            .2
            .expect("plan")
            .indicators[13]
            .name,
        hostile
    );
    assert_eq!(Session::from_json("{\"version\":99}"), None);
    assert_eq!(Session::from_json("not json"), None);
}

#[test]
fn correcting_a_column_role_rebuilds_the_plan_and_undo_restores_it() {
    use zhibiao::plan::Method;
    use zhibiao::table::detect::Role;
    use zhibiao::ui::state::{with_column_role, Doc, Edit};
    let mut doc = Doc::new(
        "q.xlsx".into(),
        import("qinglan-county-2021-2025-plan.xlsx"),
    );
    doc.apply(Edit::Method {
        sheet: 0,
        indicator: 13,
        value: Some(Method::Hold),
    })
    .expect("override");
    let layout = doc
        .active_sheet()
        .expect("sheet")
        .1
        .expect("layout")
        .clone();
    // Say column K (2025年) is not a yearly target: 2025 is then only the final target's year.
    let corrected = with_column_role(&layout, 10, None, "2025年");
    assert_eq!(corrected.col(Role::Yearly(2025)), None);
    let undo = doc
        .apply(Edit::Layout {
            sheet: 0,
            layout: Box::new(corrected),
        })
        .expect("layout edit");
    let plan = doc.active_sheet().expect("sheet").2.expect("plan").clone();
    assert_eq!(plan.years, [2021, 2022, 2023, 2024]);
    assert_eq!(
        plan.indicators[13].overrides.method,
        Some(Method::Hold),
        "overrides kept"
    );
    // Seq 3's given 2025 anchor (14.50 in K5) is no longer read.
    assert!(!plan.indicators[2].yearly.contains_key(&2025));
    doc.apply(undo).expect("undo");
    let plan = doc.active_sheet().expect("sheet").2.expect("plan");
    assert_eq!(plan.years, [2021, 2022, 2023, 2024, 2025]);
    assert!(plan.indicators[2].yearly.contains_key(&2025));
    // Moving a role takes it from the column that had it.
    let moved = with_column_role(&layout, 3, Some(Role::Name), "单位");
    assert_eq!(moved.col(Role::Name), Some(3));
    assert_eq!(
        moved
            .columns
            .iter()
            .filter(|c| c.role == Role::Name)
            .count(),
        1
    );
    assert_eq!(moved.col(Role::Unit), None);
}

#[test]
fn three_district_sheets_combine_into_one_plan() {
    use zhibiao::io::combine::{combine, shared_layout_groups};
    let imported = import("three-districts-2021-2023.xlsx");
    let groups = shared_layout_groups(&imported);
    assert_eq!(groups, [vec![0, 1, 2]]);
    let combined = combine(&imported, &groups[0]).expect("combined");
    assert_eq!(combined.sheet.name, "合并：川东区、川西区、新港区");
    // The title names all three districts, and a last column says each row's district.
    let sheet = &combined.sheet;
    let layout = combined.layout.as_ref().expect("layout");
    let title_text: Vec<String> = (0..layout.header_first)
        .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
        .map(|(r, c)| sheet.text(r, c))
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(title_text, ["合并：川东区、川西区、新港区"]);
    let source_col = sheet.width() - 1;
    assert_eq!(sheet.text(layout.header_first, source_col), "来源表");
    let districts: Vec<String> = (layout.data_first..=layout.data_last)
        .map(|r| sheet.text(r, source_col))
        .collect();
    assert_eq!(districts.len(), 24);
    assert!(
        districts[..8].iter().all(|d| d == "川东区"),
        "{districts:?}"
    );
    assert!(
        districts[16..].iter().all(|d| d == "新港区"),
        "{districts:?}"
    );
    let plan = combined.plan.expect("plan");
    assert_eq!(plan.indicators.len(), 24);
    let results = zhibiao::plan::compute(&plan, &Default::default());
    // README, File 7: all 24 rows as one plan: 99.37 (2021: 99.60); per sheet as categories.
    assert_eq!(
        results.assessment[&2022]
            .overall
            .as_ref()
            .expect("overall")
            .shown(),
        "99.37"
    );
    assert_eq!(
        results.assessment[&2021]
            .overall
            .as_ref()
            .expect("overall")
            .shown(),
        "99.60"
    );
    let cats = &results.assessment[&2022].categories;
    assert_eq!(cats["川东区"].shown(), "99.13");
    assert_eq!(cats["川西区"].shown(), "99.27");
    assert_eq!(cats["新港区"].shown(), "99.70");
    // One sheet alone is no group.
    assert!(shared_layout_groups(&import("qinglan-county-2021-2025-plan.xlsx")).is_empty());
}

#[test]
fn the_combined_sheet_is_offered_but_not_exported() {
    use zhibiao::ui::state::Doc;
    let doc = Doc::new("d.xlsx".into(), import("three-districts-2021-2023.xlsx"));
    let tabs: Vec<String> = doc.sheet_tabs().into_iter().map(|(_, n, _)| n).collect();
    assert_eq!(
        tabs,
        ["川东区", "川西区", "新港区", "合并：川东区、川西区、新港区"]
    );
    let bytes = doc.export_xlsx().expect("export");
    let again = zhibiao::io::import(&bytes).expect("re-import");
    let names: Vec<_> = again
        .sheets
        .iter()
        .filter(|s| s.plan.is_some())
        .map(|s| s.sheet.name.clone())
        .collect();
    assert_eq!(names, ["川东区", "川西区", "新港区"]);
}

#[test]
fn liuwan_csv_in_utf16_gives_the_same_figures() {
    // The UTF-8 sample re-encoded as UTF-16LE with a BOM (what "Unicode text" from Excel is).
    let bytes =
        std::fs::read(fixture("liuwan-township-2022-text-numbers-utf8-bom.csv")).expect("csv");
    let text = String::from_utf8(bytes).expect("utf-8");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        text.trim_start_matches('\u{feff}')
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let imported = io::import(&utf16).expect("utf-16 csv");
    let plan = imported.sheets[0].plan.clone().expect("table");
    let results = zhibiao::plan::compute(&plan, &Default::default());
    assert_eq!(
        results.assessment[&2022]
            .overall
            .as_ref()
            .expect("overall")
            .shown(),
        "98.94"
    );
}

#[test]
fn a_view_shows_the_picked_year_while_it_can_be_assessed_else_the_latest() {
    use zhibiao::ui::state::chosen_year;
    assert_eq!(chosen_year(&[2021, 2022], Some(2021)), Some(2021));
    assert_eq!(chosen_year(&[2021, 2022], None), Some(2022));
    // A year picked on another plan that this one cannot assess.
    assert_eq!(chosen_year(&[2021, 2022], Some(2019)), Some(2022));
    assert_eq!(chosen_year(&[], Some(2021)), None);
}

#[test]
fn the_panel_edits_years_and_cells_of_one_indicator_and_undo_restores_them() {
    use zhibiao::plan::Source;
    use zhibiao::ui::state::{Doc, Edit};
    let mut doc = Doc::new(
        "q.xlsx".into(),
        import("qinglan-county-2021-2025-plan.xlsx"),
    );
    let seq14 = 13; // row 16: 10.2 (2020) → 11.0 (2025), linear
    let target = |doc: &Doc, year: i32| {
        let r = doc.results().expect("results");
        r.indicators[seq14]
            .yearly
            .get(&year)
            .map(|t| (t.shown(), t.source))
    };
    // The panel finds the row's cells: base E16, target F16, 2021–2025 in G–K.
    let cells = doc.indicator_cells(seq14).expect("cells");
    let base = cells.base.expect("base cell");
    assert_eq!((base.row, base.col, base.text.as_str()), (15, 4, "10.2"));
    assert_eq!(cells.target.expect("target cell").col, 5);
    assert_eq!(
        cells.yearly.keys().copied().collect::<Vec<_>>(),
        vec![2021, 2022, 2023, 2024, 2025]
    );
    assert_eq!(cells.yearly[&2021].col, 6);
    // Base year 2021 instead of 2020: four steps of (11.0 − 10.2)/4 = 0.2:
    // 2022 = 10.4, 2023 = 10.6, 2024 = 10.8.
    let undo_base_year = doc
        .apply(Edit::BaseYear {
            sheet: 0,
            indicator: seq14,
            value: Some(2021),
        })
        .expect("edit");
    assert_eq!(
        doc.results().expect("r").indicators[seq14].base_year,
        Some(2021)
    );
    assert_eq!(target(&doc, 2022), Some(("10.4".into(), Source::Computed)));
    assert_eq!(target(&doc, 2023), Some(("10.6".into(), Source::Computed)));
    assert_eq!(target(&doc, 2024), Some(("10.8".into(), Source::Computed)));
    // Target year 2023 as well: two steps of 0.4 from 2021: 2022 = 10.6, 2023 = 11.0.
    let undo_target_year = doc
        .apply(Edit::TargetYear {
            sheet: 0,
            indicator: seq14,
            value: Some(2023),
        })
        .expect("edit");
    assert_eq!(target(&doc, 2022), Some(("10.6".into(), Source::Computed)));
    assert_eq!(target(&doc, 2023), Some(("11.0".into(), Source::Computed)));
    // A year nobody means is not taken.
    assert_eq!(
        doc.apply(Edit::BaseYear {
            sheet: 0,
            indicator: seq14,
            value: Some(202),
        })
        .map(|_| ()),
        Some(()),
        "the override is cleared, not set to 202"
    );
    assert_eq!(
        doc.results().expect("r").indicators[seq14].base_year,
        Some(2020)
    );
    doc.apply(Edit::BaseYear {
        sheet: 0,
        indicator: seq14,
        value: Some(2021),
    })
    .expect("edit");
    doc.apply(undo_target_year).expect("undo");
    doc.apply(undo_base_year).expect("undo");
    assert_eq!(target(&doc, 2021), Some(("10.4".into(), Source::Computed)));
    assert_eq!(
        doc.results().expect("r").indicators[seq14].base_year,
        Some(2020)
    );
}

#[test]
fn a_journal_of_edits_replayed_on_the_file_gives_the_same_document() {
    use zhibiao::ui::state::{typed_cell, Doc, Edit, Journal, Origin, JOURNAL_VERSION};
    let open = || {
        Doc::new(
            "q.xlsx".into(),
            import("qinglan-county-2021-2025-plan.xlsx"),
        )
    };
    let mut doc = open();
    let mut journal = Journal {
        version: JOURNAL_VERSION,
        origin: Origin::File { key: "k".into() },
        file_name: "q.xlsx".into(),
        ..Journal::default()
    };
    let mut undo = Vec::new();
    let apply = |doc: &mut Doc, journal: &mut Journal, edit: Edit| {
        let inverse = doc.apply(edit.clone());
        if inverse.is_some() {
            journal.log.push(edit);
        }
        inverse
    };
    // Base of seq 14 typed, a method override, then the method undone.
    let edits = [
        Edit::Cell {
            sheet: 0,
            row: 15,
            col: 4,
            raw: typed_cell("10.0"),
            typed: true,
        },
        Edit::Method {
            sheet: 0,
            indicator: 13,
            value: Some(zhibiao::plan::Method::Hold),
        },
    ];
    for edit in edits {
        undo.extend(apply(&mut doc, &mut journal, edit));
    }
    let method_undo = undo.pop().expect("undo");
    apply(&mut doc, &mut journal, method_undo);
    journal.active = doc.active;
    assert_eq!(journal.log.len(), 3);
    // The journal is small: the edits, not the plan.
    let json = journal.to_json().expect("json");
    assert!(json.len() < 1_000, "{} bytes", json.len());
    let back = Journal::from_json(&json).expect("journal");
    let replayed = back.replay(open());
    assert_eq!(replayed, doc);
    let r = replayed.results().expect("results");
    // 10.0 → 11.0 linear again: 2021 = 10.2.
    assert_eq!(r.indicators[13].yearly[&2021].shown(), "10.2");
    // Another version's journal is not taken.
    assert!(Journal::from_json(&json.replace("\"version\":2", "\"version\":1")).is_none());
}

/// The export worker rebuilds the document from where it started (the file's bytes, or a saved
/// page's session) and the journal, then exports: what it rebuilds is the document on the page.
#[test]
fn a_document_rebuilt_from_its_start_and_journal_is_the_one_on_the_page() {
    use zhibiao::pace::{finish, Straight};
    use zhibiao::ui::state::{typed_cell, Doc, Edit, Journal, Session, Start, SESSION_VERSION};
    let name = "qinglan-county-2021-2022-progress.xls";
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    let mut doc = Doc::new(name.into(), import(name));
    let mut journal = Journal {
        file_name: name.into(),
        ..Journal::default()
    };
    for edit in [
        Edit::Cell {
            sheet: 0,
            row: 5,
            col: 4,
            raw: typed_cell("61.5"),
            typed: true,
        },
        Edit::Method {
            sheet: 0,
            indicator: 2,
            value: Some(zhibiao::plan::Method::Compound),
        },
    ] {
        if doc.apply(edit.clone()).is_some() {
            journal.log.push(edit);
        }
    }
    assert_eq!(journal.log.len(), 2, "both edits applied");
    let rebuild =
        |start: &Start| finish(journal.rebuild_paced(start, &mut Straight)).expect("ready");
    let from_file = rebuild(&Start::File(bytes)).expect("rebuilt from the file");
    assert_eq!(from_file, doc);
    // Written at the same given time (the page passes its clock to the worker), the workbooks
    // are the same, byte for byte.
    let export_at = |doc: &Doc, ms: f64| {
        finish(doc.export_xlsx_paced(Some(ms), &mut Straight))
            .expect("ready")
            .expect("export")
    };
    let noon = 1_795_000_000_000.0; // November 2026, in milliseconds since 1970
    assert_eq!(
        export_at(&from_file, noon),
        export_at(&doc, noon),
        "the same workbook, byte for byte"
    );
    assert_ne!(
        export_at(&doc, noon),
        export_at(&doc, noon + 86_400_000.0),
        "the creation time is the one given"
    );
    // A saved page: its session holds the document before the edits.
    let session = Session {
        version: SESSION_VERSION,
        doc: Some(Doc::new(name.into(), import(name))),
        ..Session::default()
    };
    let json = session.to_json().expect("json");
    let from_page = rebuild(&Start::Session(json)).expect("rebuilt from the page");
    assert_eq!(from_page, doc);
    // A start that is not a workbook, or not a session, gives a message instead of a document.
    let broken =
        rebuild(&Start::File(b"%PDF-1.4 not a workbook".to_vec())).expect_err("not a workbook");
    assert!(
        matches!(broken, zhibiao::error::PageError::Import { ref file, .. } if file == name),
        "{broken:?}"
    );
    assert_eq!(
        rebuild(&Start::Session("{}".into())),
        Err(zhibiao::error::PageError::SavedPageUnreadable)
    );
}

#[test]
fn live_results_follow_each_edit_as_a_full_computation_would() {
    use zhibiao::ui::state::{typed_cell, Doc, Edit, Live};
    let mut doc = Doc::new(
        "p.xls".into(),
        import("qinglan-county-2021-2022-progress.xls"),
    );
    let plan = |doc: &Doc| {
        doc.active_sheet()
            .and_then(|(_, _, p)| p)
            .cloned()
            .expect("plan")
    };
    let mut live = Live::new(&plan(&doc));
    let paced = zhibiao::pace::finish(Live::new_paced(&plan(&doc), &mut zhibiao::pace::Straight))
        .expect("finished");
    assert_eq!(paced.results, live.results);
    // Row 20 is seq 15 (index 14); its 2022 actual, a method, a base year, a paste over two
    // rows, the cap, then undo of each.
    let edits = vec![
        Edit::Cell {
            sheet: 0,
            row: 19,
            col: 12,
            raw: typed_cell("2.9"),
            typed: true,
        },
        Edit::Method {
            sheet: 0,
            indicator: 14,
            value: Some(zhibiao::plan::Method::Hold),
        },
        Edit::BaseYear {
            sheet: 0,
            indicator: 3,
            value: Some(2021),
        },
        Edit::Batch(vec![
            Edit::Cell {
                sheet: 0,
                row: 5,
                col: 4,
                raw: typed_cell("1"),
                typed: true,
            },
            Edit::Cell {
                sheet: 0,
                row: 6,
                col: 4,
                raw: typed_cell("2"),
                typed: true,
            },
        ]),
        Edit::Cap {
            sheet: 0,
            value: Some(120.0),
        },
    ];
    let mut undo = Vec::new();
    for edit in edits {
        let inverse = doc.apply(edit.clone()).expect("applied");
        let touched = doc.touched(&edit);
        live.update(&plan(&doc), touched.as_deref());
        assert_eq!(
            live.results,
            Live::new(&plan(&doc)).results,
            "after {edit:?}"
        );
        undo.push(inverse);
    }
    while let Some(edit) = undo.pop() {
        let inverse = doc.apply(edit.clone()).expect("undone");
        live.update(&plan(&doc), doc.touched(&edit).as_deref());
        assert_eq!(
            live.results,
            Live::new(&plan(&doc)).results,
            "after undo {inverse:?}"
        );
    }
    assert_eq!(live.results, doc.results().expect("results"));
}

#[test]
fn file_keys_sort_by_the_time_they_were_opened_and_name_the_bytes() {
    use zhibiao::ui::state::file_key;
    let (a, b) = (
        file_key(b"one", 1_700_000_000_000.0),
        file_key(b"one", 1_800_000_000_000.0),
    );
    assert!(a < b, "{a} < {b}");
    assert_eq!(
        a.split_once('-').map(|(_, h)| h),
        b.split_once('-').map(|(_, h)| h)
    );
    assert_ne!(file_key(b"one", 0.0), file_key(b"two", 0.0));
    assert_eq!(file_key(b"", 0.0), "000000000000000-cbf29ce484222325");
}
