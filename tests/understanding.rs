//! Tables nobody on the team laid out (issue 13): statistical exports, traditional characters,
//! two-level names, years in headers, plans with base and target years as bare years, a sheet
//! with no table that the user marks. Fixtures: `tests/fixtures/understanding/` (`make.py`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

mod common;

use zhibiao::io::Imported;
use zhibiao::plan::{self, Method};
use zhibiao::table::detect::{Layout, Role, Why};
use zhibiao::ui::state::{add_target_column, flip_years, mark_table, with_role_key, Doc, Edit};

fn open(name: &str) -> Imported {
    common::import(&format!("understanding/{name}"))
}

fn layout(imported: &Imported) -> &Layout {
    imported.sheets[imported.first_table().unwrap()]
        .layout
        .as_ref()
        .unwrap()
}

fn names(imported: &Imported) -> Vec<(String, String)> {
    imported.sheets[imported.first_table().unwrap()]
        .plan
        .as_ref()
        .unwrap()
        .indicators
        .iter()
        .map(|i| (i.name.clone(), i.unit.clone()))
        .collect()
}

#[test]
fn a_national_statistics_export_is_actuals_with_units_out_of_the_names() {
    for file in ["nbs-annual-data.xls", "nbs-annual-data.csv"] {
        let imported = open(file);
        let l = layout(&imported);
        assert_eq!((l.header_first, l.header_last), (2, 2), "{file}");
        assert_eq!(l.col(Role::Name), Some(0), "{file}");
        for (i, year) in (2015..=2024).rev().enumerate() {
            assert_eq!(l.col(Role::Actual(year)), Some(i + 1), "{file}: {year}");
        }
        assert!(l.yearly_cols().is_empty(), "{file}");
        assert_eq!((l.base_year, l.target_year), (None, None), "{file}");
        let why = &l.columns.iter().find(|c| c.col == 1).unwrap().why;
        assert!(why.contains(&Why::NewestFirst), "{file}: {why:?}");
        assert_eq!(
            names(&imported),
            [
                ("国内生产总值", "亿元"),
                ("人均国内生产总值", "元"),
                ("能源消费总量", "万吨标准煤"),
                ("居民消费价格指数(上年=100)", ""),
                ("城镇化率", "%"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string())),
            "{file}: the footer is no indicator"
        );
        let plan = imported.sheets[0].plan.as_ref().unwrap();
        let gdp = &plan.indicators[0];
        assert_eq!(
            plan::value::level_of(&gdp.actual.get(&2024).unwrap().value),
            Some(1_349_084.0),
            "{file}"
        );
        assert!(
            gdp.actual.get(&2024).is_some() && plan.indicators[2].actual.get(&2024).is_none(),
            "{file}"
        );
    }
}

#[test]
fn a_statistical_table_gets_targets_typed_by_the_user() {
    let imported = open("nbs-annual-data.csv");
    let mut doc = Doc::new("nbs-annual-data.csv".into(), imported);
    let (sheet, layout, plan) = doc.active_sheet().unwrap();
    // Actuals alone: nothing to measure them against, so no 实现程度/状态 columns.
    assert!(zhibiao::io::appended::column_kinds(layout.unwrap(), plan.unwrap()).is_empty());
    let add = add_target_column(doc.active, sheet, layout.unwrap(), plan.unwrap(), 2025, "");
    let target_col = sheet.width();
    assert!(doc.apply(add).is_some());
    let (_, layout, _) = doc.active_sheet().unwrap();
    assert_eq!(layout.unwrap().col(Role::Target), Some(target_col));
    // The target of one indicator, typed in its row.
    let typed = Edit::Cell {
        sheet: doc.active,
        row: 3,
        col: target_col,
        raw: zhibiao::ui::state::typed_cell("年均增长5%"),
        typed: true,
    };
    assert!(doc.apply(typed).is_some());
    let (_, layout, plan) = doc.active_sheet().unwrap();
    let appended = zhibiao::io::appended::column_kinds(layout.unwrap(), plan.unwrap());
    assert_eq!(
        appended.len(),
        20,
        "realization and status for the ten years with actuals"
    );
    let results = doc.results().unwrap();
    let gdp = &results.indicators[0];
    assert_eq!(gdp.method, Method::Rate);
    assert_eq!((gdp.base_year, gdp.base), (Some(2024), Some(1_349_084.0)));
    // 1,349,084 × 1.05 = 1,416,538.2, shown with the base's 0 decimals.
    assert_eq!(gdp.yearly.get(&2025).unwrap().shown(), "1416538");
    let draft = gdp.draft.as_ref().expect("a draft from the latest actual");
    assert!(!draft.years.is_empty(), "{draft:?}");
    // The other indicators have no target, and no schedule.
    assert_eq!(results.indicators[1].method, Method::None);
}

#[test]
fn a_target_for_every_indicator_at_once_is_one_undoable_step() {
    let imported = open("nbs-annual-data.csv");
    let mut doc = Doc::new("nbs-annual-data.csv".into(), imported);
    let before = doc.clone();
    let (sheet, layout, plan) = doc.active_sheet().unwrap();
    let add = add_target_column(
        doc.active,
        sheet,
        layout.unwrap(),
        plan.unwrap(),
        2025,
        "年均增长5%",
    );
    let undo = doc.apply(add).unwrap();
    let results = doc.results().unwrap();
    assert!(results
        .indicators
        .iter()
        .all(|r| r.yearly.get(&2025).is_some()));
    doc.apply(undo);
    assert_eq!(doc.imported.sheets[0].plan, before.imported.sheets[0].plan);
    assert_eq!(
        doc.imported.sheets[0].layout,
        before.imported.sheets[0].layout
    );
}

#[test]
fn traditional_characters_and_two_level_names() {
    let imported = open("traditional-two-level.xlsx");
    let l = layout(&imported);
    assert_eq!(l.col(Role::Parent), Some(0));
    assert_eq!(l.col(Role::Name), Some(1));
    assert_eq!(l.col(Role::Unit), Some(2));
    assert_eq!(
        l.col(Role::Actual(2021)),
        Some(3),
        "統計 in the title: actuals"
    );
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    let rows: Vec<(&str, &str)> = plan
        .indicators
        .iter()
        .map(|i| (i.parent.as_str(), i.name.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("工傷情況", "造成工傷的事故數量"),
            ("工傷情況", "工傷人數"),
            ("工傷情況", "死亡人數"),
            ("職業病", "確診個案"),
            ("職業病", "新增個案"),
            ("", "巡查次數"),
        ]
    );
    assert_eq!(
        plan::value::level_of(&plan.indicators[0].actual.get(&2021).unwrap().value),
        Some(22231.0)
    );
}

#[test]
fn bare_years_apart_are_base_and_target_and_section_rows_are_categories() {
    let imported = open("plan-base-target-years.csv");
    let l = layout(&imported);
    assert_eq!((l.col(Role::Base), l.col(Role::Target)), (Some(4), Some(5)));
    assert_eq!((l.base_year, l.target_year), (Some(2020), Some(2025)));
    assert_eq!(l.col(Role::Actual(2022)), Some(7));
    assert_eq!(l.col(Role::Direction), Some(3));
    assert_eq!(l.col(Role::Lead), Some(8));
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    let cats: Vec<&str> = plan
        .indicators
        .iter()
        .map(|i| i.category.as_str())
        .collect();
    assert_eq!(cats, ["预期性指标", "预期性指标", "约束性指标"]);
    let results = plan::compute(plan, &plan::Options::default());
    // 320 → 450 over 2020–2025: 2021 = 346.
    assert_eq!(
        results.indicators[0].yearly.get(&2021).unwrap().shown(),
        "346"
    );
    assert!(results.indicators[0].realization.get(&2022).is_some());
}

#[test]
fn base_and_target_columns_carry_their_years_beside_year_groups() {
    let imported = open("progress-years-in-headers.xlsx");
    let l = layout(&imported);
    assert_eq!((l.header_first, l.header_last), (1, 2));
    assert_eq!((l.col(Role::Base), l.col(Role::Target)), (Some(3), Some(4)));
    assert_eq!((l.base_year, l.target_year), (Some(2016), Some(2020)));
    assert_eq!(l.col(Role::Yearly(2017)), Some(5));
    assert_eq!(l.col(Role::Actual(2017)), Some(6));
    assert_eq!(l.col(Role::Yearly(2018)), Some(7));
    assert_eq!(l.col(Role::Actual(2018)), Some(8));
    let c = common::computed("understanding/progress-years-in-headers.xlsx", 0);
    // 545 against the 2017 target 540: realization 100 % (capped); 580 against 585 in 2018:
    // 99.15 %; 2019 between the 2018 anchor 585 and the 2020 target 700: 642.5 → 643.
    assert_eq!(c.realization("1", 2017), "100.00");
    assert_eq!(c.realization("1", 2018), "99.15");
    assert_eq!(c.yearly("1", 2019), "643");
    // Equal weights: (99.145 + 100 + 100) / 3 = 99.715.
    assert_eq!(c.overall(2018), "99.72");
}

#[test]
fn a_workbook_with_no_table_opens_and_is_marked_by_the_user() {
    let imported = open("no-table.xlsx");
    assert_eq!(imported.first_table(), None);
    assert_eq!(imported.sheets.len(), 1);
    let mut doc = Doc::new("no-table.xlsx".into(), imported);
    let (sheet, _, _) = doc.active_sheet().unwrap();
    // The user selects the header cell over the names (row 2, column A) and marks the table.
    let layout = mark_table(sheet, (1, 0), (1, 0));
    assert_eq!(layout.col(Role::Name), Some(0));
    assert_eq!((layout.data_first, layout.data_last), (2, 4));
    let undo = doc
        .apply(Edit::Layout {
            sheet: 0,
            layout: Box::new(layout.clone()),
        })
        .unwrap();
    let plan = doc.active_sheet().unwrap().2.unwrap();
    let names: Vec<&str> = plan.indicators.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["东镇", "西镇", "南乡"]);
    // A role from a column header's menu: a year role needs a year, and 户籍人口 has none.
    let (sheet, l, _) = doc.active_sheet().unwrap();
    assert!(with_role_key(sheet, l.unwrap(), 2, "actual").is_none());
    // 户籍人口 as the base: every row gets its base from the column.
    let next = with_role_key(sheet, l.unwrap(), 2, "base").unwrap();
    assert_eq!(next.col(Role::Base), Some(2));
    assert_eq!(
        next.columns.iter().find(|c| c.col == 2).unwrap().why,
        [Why::User]
    );
    let back = doc
        .apply(Edit::Layout {
            sheet: 0,
            layout: Box::new(next),
        })
        .unwrap();
    let plan = doc.active_sheet().unwrap().2.unwrap();
    assert_eq!(
        plan::value::level_of(&plan.indicators[1].base.value),
        Some(28100.0)
    );
    doc.apply(back);
    // Undo forgets the table again.
    let redo = doc.apply(undo).unwrap();
    assert!(doc.active_sheet().unwrap().1.is_none());
    assert!(matches!(redo, Edit::Layout { .. }));
}

#[test]
fn year_columns_flip_between_targets_and_actuals_in_one_step() {
    let imported = open("anchors-only.csv");
    let l = layout(&imported).clone();
    assert_eq!(l.col(Role::Yearly(2019)), Some(3));
    let flipped = flip_years(&l, true);
    assert_eq!(flipped.col(Role::Actual(2019)), Some(3));
    assert!(flipped.yearly_cols().is_empty());
    assert!(flipped
        .columns
        .iter()
        .filter(|c| matches!(c.role, Role::Actual(_)))
        .all(|c| c.why == [Why::User]));
    let back = flip_years(&flipped, false);
    assert_eq!(back.col(Role::Yearly(2019)), Some(3));
    assert_eq!((back.base_year, back.target_year), (Some(2017), Some(2020)));
}

#[test]
fn an_indicator_with_only_yearly_targets_is_interpolated_between_them() {
    let c = common::computed("understanding/anchors-only.csv", 0);
    let (_, r) = c
        .plan
        .indicators
        .iter()
        .zip(&c.results.indicators)
        .find(|(i, _)| i.name == "农村自来水普及率")
        .unwrap();
    assert_eq!(r.method, Method::Linear);
    assert_eq!((r.target_year, r.target), (Some(2020), Some(90.0)));
    // 80 in 2018 and 90 in 2020: 85 in 2019.
    assert_eq!(r.yearly.get(&2019).unwrap().shown(), "85");
}

#[test]
fn the_users_table_survives_the_export_round_trip() {
    let imported = open("no-table.xlsx");
    let mut doc = Doc::new("no-table.xlsx".into(), imported);
    let (sheet, _, _) = doc.active_sheet().unwrap();
    let marked = mark_table(sheet, (1, 0), (1, 0));
    let with_base = with_role_key(sheet, &marked, 2, "base").unwrap();
    doc.apply(Edit::Layout {
        sheet: 0,
        layout: Box::new(with_base.clone()),
    });
    let bytes = doc.export_xlsx().unwrap();
    let again = zhibiao::io::import(&bytes).unwrap();
    assert_eq!(again.first_table(), Some(0));
    assert_eq!(again.sheets[0].layout.as_ref(), Some(&with_base));
    let plan = again.sheets[0].plan.as_ref().unwrap();
    let names: Vec<&str> = plan.indicators.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["东镇", "西镇", "南乡"]);
    assert_eq!(
        plan::value::level_of(&plan.indicators[2].base.value),
        Some(19870.0)
    );
    // A detected table that nobody changed keeps no layout in the workbook.
    let plain = Doc::new("p.csv".into(), open("plan-base-target-years.csv"));
    let again = zhibiao::io::import(&plain.export_xlsx().unwrap()).unwrap();
    assert_eq!(again.sheets[0].layout, plain.imported.sheets[0].layout);
}

#[test]
fn an_annual_growth_column_is_read_with_the_target() {
    let imported = open("plan-rate-column.csv");
    let l = layout(&imported);
    assert_eq!((l.col(Role::Base), l.col(Role::Target)), (Some(3), Some(4)));
    assert_eq!(l.col(Role::Rate), Some(5));
    assert_eq!(l.col(Role::Binding), Some(6));
    let c = common::computed("understanding/plan-rate-column.csv", 0);
    let by_name = |name: &str| {
        c.plan
            .indicators
            .iter()
            .zip(&c.results.indicators)
            .find(|(i, _)| i.name == name)
            .map(|(_, r)| r)
            .unwrap()
    };
    // No level in 2025, 6 % a year from 320: 2021 = 339.2 → 339; 2025 = 320 × 1.06⁵ = 428.2.
    let gdp = by_name("地区生产总值");
    assert_eq!(gdp.method, Method::Rate);
    assert_eq!(gdp.yearly.get(&2021).unwrap().shown(), "339");
    assert_eq!(gdp.yearly.get(&2025).unwrap().shown(), "428");
    // A level and a rate: 7 % a year from 30,000 (2021 = 32,100), the level 39,365 in 2025.
    let income = by_name("城镇居民人均可支配收入");
    assert_eq!(income.method, Method::Rate);
    assert_eq!(income.yearly.get(&2021).unwrap().shown(), "32100");
    assert_eq!(income.yearly.get(&2025).unwrap().shown(), "39365");
    // No rate: linear as before.
    assert_eq!(by_name("常住人口城镇化率").method, Method::Linear);
}
