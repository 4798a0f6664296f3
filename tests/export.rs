//! The exported workbook: every formula's cached result is the engine's value, the added sheets
//! are where the layout says, and import → export → import gives back the same plan, overrides
//! included. The same checks against LibreOffice's recomputed values are in `libreoffice.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)]
mod common;
mod export_check;

use common::import;
use export_check::{check_detail, check_scores, fixtures, read_book};
use zhibiao::io::write::{formulas, xlsx};
use zhibiao::io::{self, roundtrip, Imported};
use zhibiao::plan::{self, Direction, Method, Plan};
use zhibiao::ui::state::Doc;

/// The plans of an import's table sheets, in order, with their sheet names.
fn plans(imported: &Imported) -> Vec<(String, Plan)> {
    imported
        .sheets
        .iter()
        .filter_map(|s| Some((s.sheet.name.clone(), s.plan.clone()?)))
        .collect()
}

fn export(name: &str, imported: Imported) -> Vec<u8> {
    Doc::new(name.to_string(), imported)
        .export_xlsx()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_formula_caches_the_engines_value() {
    for name in fixtures() {
        let imported = import(&name);
        let originals = plans(&imported);
        let bytes = export(&name, imported);
        let book = read_book(&bytes);
        let n = originals.len();
        let names: Vec<&str> = book.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names.len(), n * 4 + 1, "{name}: sheets {names:?}");
        assert_eq!(names.last(), Some(&roundtrip::SHEET_NAME), "{name}");
        let (mut figures, mut formula_cells) = (0, 0);
        for (i, (_, plan)) in originals.iter().enumerate() {
            let results = plan::compute(plan, &plan::Options::default());
            let detail = &book[n + 3 * i];
            let scores = &book[n + 3 * i + 1];
            let draft = &book[n + 3 * i + 2];
            assert!(
                detail.name.starts_with(xlsx::DETAIL_SHEET),
                "{name}: {names:?}"
            );
            assert!(
                scores.name.starts_with(xlsx::SCORES_SHEET),
                "{name}: {names:?}"
            );
            assert!(
                draft.name.starts_with(xlsx::DRAFT_SHEET),
                "{name}: {names:?}"
            );
            let d = check_detail(detail, plan, &results);
            let s = check_scores(scores, &results);
            let problems: Vec<&String> = d.problems.iter().chain(&s.problems).take(20).collect();
            assert!(problems.is_empty(), "{name}: {problems:#?}");
            figures += d.figures + s.figures;
            formula_cells += d.formulas + s.formulas;
            assert_eq!(
                formulas::detail(plan, &results).fallbacks,
                0,
                "{name}: every computed figure is a formula"
            );
            // The cap is one named cell.
            assert_eq!(detail.text(1, 1), "100", "{name}: the cap cell");
        }
        assert!(formula_cells > 0, "{name}: no formula at all");
        println!("{name}: {figures} figures checked, {formula_cells} of them formulas");
    }
}

#[test]
fn formulas_are_written_where_the_engine_computes() {
    // Qinglan's plan: seq 14 (linear 10.2 → 11) 2021 is a formula over its row; seq 10 (翻一番)
    // has T = I*2; seq 11 (年均增长7%, no level) has T as the growth path's end.
    let bytes = export("plan.xlsx", import("qinglan-county-2021-2025-plan.xlsx"));
    let book = read_book(&bytes);
    let detail = &book[1];
    let headers: Vec<String> = (0..=detail.last_col()).map(|c| detail.text(2, c)).collect();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let row_of = |seq: &str| {
        (3..=detail.last_row())
            .find(|&r| detail.text(r, 0) == seq)
            .unwrap()
    };
    let formula = |r: usize, c: usize| {
        detail
            .formulas
            .get_value((r as u32, c as u32))
            .cloned()
            .unwrap_or_default()
    };
    let r14 = row_of("14");
    assert_eq!(
        formula(r14, col("2021年目标")),
        format!(
            "($I{0}+(($K{0}-$I{0})*((2021-$H{0})/($J{0}-$H{0}))))",
            r14 + 1
        )
    );
    assert_eq!(
        formula(row_of("10"), col("目标值")),
        format!("($I{}*2)", row_of("10") + 1)
    );
    assert!(formula(row_of("11"), col("目标值")).contains("POWER"));
    assert_eq!(detail.text(2, 0), "序号");
    assert_eq!(detail.text(2, col("源行")), "源行");
}

#[test]
fn reimport_gives_back_the_same_plan() {
    for name in fixtures() {
        let imported = import(&name);
        let originals = plans(&imported);
        let bytes = export(&name, imported);
        let again = io::import(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            again.first_table(),
            Some(0),
            "{name}: sheet 1 is the first table"
        );
        let back = plans(&again);
        assert_eq!(back.len(), originals.len(), "{name}: table sheets");
        for ((_, a), (_, b)) in originals.iter().zip(&back) {
            assert_plans_equal(&name, a, b);
        }
        // Exporting the re-import adds no sheet: the added sheets are not tables any more.
        let names = |bytes: &[u8]| -> Vec<String> {
            read_book(bytes).into_iter().map(|s| s.name).collect()
        };
        assert_eq!(names(&export(&name, again)), names(&bytes), "{name}");
    }
}

/// The same plan: indicators, values, methods, directions, overrides, shown yearly targets.
fn assert_plans_equal(name: &str, a: &Plan, b: &Plan) {
    assert_eq!(a.indicators.len(), b.indicators.len(), "{name}");
    assert_eq!(a.settings, b.settings, "{name}: settings");
    assert_eq!(a.years, b.years, "{name}: years");
    let (ra, rb) = (
        plan::compute(a, &plan::Options::default()),
        plan::compute(b, &plan::Options::default()),
    );
    for (i, (x, y)) in a.indicators.iter().zip(&b.indicators).enumerate() {
        assert_eq!(x, y, "{name}: indicator {i} ({})", x.name);
        let (p, q) = (&ra.indicators[i], &rb.indicators[i]);
        assert_eq!(
            (p.method, p.direction, p.decimals),
            (q.method, q.direction, q.decimals)
        );
        let shown = |r: &plan::IndicatorResult| {
            r.yearly
                .iter()
                .map(|(y, t)| (*y, t.shown(), t.source))
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(p), shown(q), "{name}: {} yearly targets", x.name);
    }
    assert_eq!(a, b, "{name}: the whole plan");
}

#[test]
fn overrides_survive_the_round_trip() {
    let mut imported = import("qinglan-county-2021-2022-progress.xls");
    let index = imported.first_table().unwrap();
    {
        let plan = imported.sheets[index].plan.as_mut().unwrap();
        plan.settings.cap = Some(120.0);
        let i = &mut plan.indicators[2];
        i.overrides.method = Some(Method::Compound);
        i.overrides.decimals = Some(3);
        let i = &mut plan.indicators[4];
        i.overrides.direction = Some(Direction::Negative);
        let i = &mut plan.indicators[5];
        i.overrides.method = Some(Method::Manual);
        i.manual.insert(2023, 52.25);
        let i = &mut plan.indicators[6];
        i.overrides.base_year = Some(2019);
        i.overrides.target_year = Some(2024);
    }
    let original = imported.sheets[index].plan.clone().unwrap();
    let results = plan::compute(&original, &plan::Options::default());
    assert_eq!(
        formulas::detail(&original, &results).fallbacks,
        0,
        "overridden methods, directions and years are still formulas"
    );
    let bytes = export("progress.xls", imported);
    let book = read_book(&bytes);
    let d = check_detail(&book[1], &original, &results);
    assert!(d.problems.is_empty(), "{:#?}", d.problems);
    assert_eq!(book[1].text(1, 1), "120");
    let s = check_scores(&book[2], &results);
    assert!(s.problems.is_empty(), "{:#?}", s.problems);
    let again = io::import(&bytes).unwrap();
    let back = plans(&again);
    assert_plans_equal("overrides", &original, &back[0].1);

    // No cap at all: the cap cell is empty and the plan comes back without one.
    let mut imported = import("wangchuan-city-2016-2020-assessment.xlsx");
    imported.sheets[0].plan.as_mut().unwrap().settings.cap = None;
    let original = imported.sheets[0].plan.clone().unwrap();
    let results = plan::compute(&original, &plan::Options::default());
    let bytes = export("wangchuan.xlsx", imported);
    let book = read_book(&bytes);
    assert_eq!(book[1].text(1, 1), "");
    let d = check_detail(&book[1], &original, &results);
    assert!(d.problems.is_empty(), "{:#?}", d.problems);
    let back = plans(&io::import(&bytes).unwrap());
    assert_plans_equal("no cap", &original, &back[0].1);
}

#[test]
fn a_filled_cell_edited_in_the_spreadsheet_becomes_an_anchor() {
    // Change a filled yearly cell of sheet 1 as a user would in Excel: the re-import keeps it
    // as a given anchor; untouched filled cells are computed again.
    let imported = import("qinglan-county-2021-2025-plan.xlsx");
    let plan0 = plans(&imported)[0].1.clone();
    let bytes = export("plan.xlsx", imported);
    let mut book = zhibiao::io::read::read_workbook(&bytes).unwrap();
    let sheet = &mut book.sheets[0];
    let layout = zhibiao::table::detect::detect(sheet).unwrap();
    let col = layout.yearly_cols()[&2021];
    let ind = plan0.indicators.iter().find(|i| i.seq == "14").unwrap();
    let row = ind.row as usize - 1;
    sheet.rows[row][col] = zhibiao::plan::RawCell::Number {
        n: 10.45,
        format: Some("0.0".into()),
    };
    // The metadata the export wrote, applied to the edited grid.
    let mut sheets = vec![zhibiao::io::ImportedSheet {
        sheet: sheet.clone(),
        layout: Some(layout.clone()),
        plan: Some(zhibiao::table::detect::build_plan(sheet, &layout)),
        style: None,
    }];
    let meta = roundtrip::Metadata {
        sheets: vec![roundtrip::sheet_meta(
            &sheet.name,
            vec![],
            &plan0,
            &plan::compute(&plan0, &plan::Options::default()),
            &layout.yearly_cols(),
        )],
        ..Default::default()
    };
    let mut meta_sheet = zhibiao::table::grid::Sheet {
        name: roundtrip::SHEET_NAME.into(),
        ..Default::default()
    };
    meta_sheet.rows.push(vec![zhibiao::plan::RawCell::Text {
        s: roundtrip::MARKER.into(),
    }]);
    for chunk in roundtrip::to_chunks(&meta) {
        meta_sheet
            .rows
            .push(vec![zhibiao::plan::RawCell::Text { s: chunk.into() }]);
    }
    sheets.push(zhibiao::io::ImportedSheet {
        sheet: meta_sheet,
        layout: None,
        plan: None,
        style: None,
    });
    roundtrip::apply(&mut sheets);
    assert_eq!(sheets.len(), 1, "the metadata sheet is removed");
    let plan = sheets[0].plan.as_ref().unwrap();
    let i = plan.indicators.iter().find(|i| i.seq == "14").unwrap();
    assert!(i.yearly.contains_key(&2021), "the edited cell is an anchor");
    assert!(
        !i.yearly.contains_key(&2022),
        "an untouched filled cell is computed again"
    );
    let r = plan::compute(plan, &plan::Options::default());
    let k = plan.indicators.iter().position(|i| i.seq == "14").unwrap();
    assert_eq!(r.indicators[k].yearly[&2021].shown(), "10.5");
    assert_eq!(r.indicators[k].yearly[&2021].source, plan::Source::Given);
}

#[test]
fn a_damaged_metadata_sheet_is_ignored() {
    let imported = import("yunfu-2016-2020-demo.xlsx");
    let mut sheets = imported.sheets.clone();
    let mut meta_sheet = zhibiao::table::grid::Sheet {
        name: roundtrip::SHEET_NAME.into(),
        ..Default::default()
    };
    meta_sheet.rows.push(vec![zhibiao::plan::RawCell::Text {
        s: roundtrip::MARKER.into(),
    }]);
    meta_sheet.rows.push(vec![zhibiao::plan::RawCell::Text {
        s: "{\"sheets\": [".into(),
    }]);
    sheets.push(zhibiao::io::ImportedSheet {
        sheet: meta_sheet,
        layout: None,
        plan: None,
        style: None,
    });
    roundtrip::apply(&mut sheets);
    assert_eq!(sheets, imported.sheets);
}

#[test]
fn csv_has_a_bom_the_detail_rows_and_no_runnable_formulas() {
    let mut imported = import("qinglan-county-2021-2022-progress.xls");
    let index = imported.first_table().unwrap();
    let plan = imported.sheets[index].plan.as_mut().unwrap();
    plan.indicators[0].name = "=HYPERLINK(\"http://x\",\"y\")".into();
    plan.indicators[1].lead_units = "@县统计局".into();
    plan.indicators[2].unit = "-元".into();
    let n = plan.indicators.len();
    let doc = Doc::new("progress.xls".into(), imported);
    let bytes = doc.export_csv();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "序号");
    assert!(headers.iter().any(|h| h == "2021年实现程度(%)"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), n);
    let name_col = headers.iter().position(|h| h == "指标名称").unwrap();
    assert_eq!(&rows[0][name_col], "'=HYPERLINK(\"http://x\",\"y\")");
    let lead = headers.iter().position(|h| h == "牵头单位").unwrap();
    assert_eq!(&rows[1][lead], "'@县统计局");
    assert_eq!(&rows[2][3], "'-元");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                "runnable cell {cell:?}"
            );
        }
    }
    // Figures as shown: seq 1's 2021 target 201.312 with 1 decimal.
    let y2021 = headers.iter().position(|h| h == "2021年目标").unwrap();
    assert_eq!(&rows[0][y2021], "201.3");
    let r2021 = headers
        .iter()
        .position(|h| h == "2021年实现程度(%)")
        .unwrap();
    assert_eq!(&rows[0][r2021], "100.00");
}

#[test]
fn csv_keeps_negative_numbers_as_numbers() {
    // A negative base (a balance) stays a plain number in the CSV.
    let mut imported = import("yunfu-2016-2020-demo.xlsx");
    let plan = imported.sheets[0].plan.as_mut().unwrap();
    plan.indicators[0].base = zhibiao::plan::value::parse_text("-12.5");
    let doc = Doc::new("demo.xlsx".into(), imported);
    let bytes = doc.export_csv();
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let base = headers.iter().position(|h| h == "基期值").unwrap();
    let first = reader.records().next().unwrap().unwrap();
    assert!(first[base].starts_with('-'), "{:?}", &first[base]);
    assert!(first[base].parse::<f64>().is_ok());
}
