//! The file formats real attachments come in besides .xlsx/.xls/.ods/.csv (issue 14): each
//! fixture of `tests/fixtures/formats/` read into the grid it holds, and the plans found in it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)] // the shared helpers; this file uses only some
mod common;

use common::fixture;
use zhibiao::error::{ImportError, Lang};
use zhibiao::io::{self, read};
use zhibiao::table::grid::{Format, Merge, Workbook};

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("formats/{name}"))).unwrap()
}

fn read(name: &str) -> Workbook {
    read::read_workbook(&bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn merge(first_row: u32, first_col: u32, last_row: u32, last_col: u32) -> Merge {
    Merge {
        first_row,
        first_col,
        last_row,
        last_col,
    }
}

/// The plan of the HTML and SpreadsheetML fixtures (`make_text_fixtures.py`): the indicators
/// found, with their units, base, target and lead units.
fn check_plan(name: &str, format: Format) {
    let imported = io::import(&bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(imported.format, format, "{name}");
    let i = imported.first_table().unwrap();
    let plan = imported.sheets[i].plan.as_ref().unwrap();
    let names: Vec<&str> = plan.indicators.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "地区生产总值",
            "规模以上工业增加值增速",
            "城镇登记失业率",
            "单位GDP能耗降低"
        ],
        "{name}"
    );
    let gdp = &plan.indicators[0];
    assert_eq!(gdp.seq, "1");
    assert_eq!(gdp.unit, "亿元");
    assert_eq!(gdp.category, "经济发展");
    assert_eq!(gdp.base_year, Some(2020), "{name}");
    assert_eq!(gdp.target_year, Some(2025), "{name}");
    assert_eq!(gdp.lead_units, "县发改局");
    assert!(gdp.yearly.get(&2021).is_some(), "{name}: {gdp:?}");
    assert_eq!(plan.indicators[3].lead_units, "县发改局、县统计局");
    assert_eq!(plan.indicators[2].category, "民生保障");
}

#[test]
fn html_table_saved_as_xls_opens_as_its_plan() {
    check_plan("plan-html-utf8.xls", Format::Html);
    check_plan("plan-html-gbk.xls", Format::Html);
}

#[test]
fn html_table_grid_has_its_merges() {
    for name in ["plan-html-utf8.xls", "plan-html-gbk.xls"] {
        let wb = read(name);
        assert_eq!(wb.format, Some(Format::Html));
        assert_eq!(wb.sheets.len(), 1);
        let s = &wb.sheets[0];
        assert_eq!(s.text(0, 0), "临川县“十四五”主要指标任务分解表");
        assert_eq!(s.text(1, 3), "2020年\n基期值");
        assert_eq!(s.text(1, 5), "年度目标");
        assert_eq!(s.text(2, 5), "2021年");
        assert_eq!(s.text(2, 9), "2025年");
        assert_eq!(s.text(1, 10), "牵头单位");
        assert_eq!(s.text(4, 1), "地区生产总值");
        // Numbers stay text: the value parser reads them.
        assert_eq!(
            s.cell(4, 3),
            &zhibiao::plan::RawCell::Text { s: "100".into() }
        );
        assert_eq!(s.text(5, 6), "", "&nbsp; is an empty cell");
        assert_eq!(s.merges[0], merge(0, 0, 0, 10));
        assert!(s.merges.contains(&merge(1, 0, 2, 0)));
        assert!(s.merges.contains(&merge(1, 5, 1, 9)));
        assert!(s.merges.contains(&merge(1, 10, 2, 10)));
        assert!(s.merges.contains(&merge(3, 0, 3, 10)));
    }
}

#[test]
fn spreadsheetml_2003_opens_as_its_plan() {
    check_plan("plan-spreadsheetml-2003.xml", Format::Xml2003);
    check_plan("plan-spreadsheetml-2003.xls", Format::Xml2003);
}

#[test]
fn spreadsheetml_2003_grid_has_its_sheets_cells_and_merges() {
    let wb = read("plan-spreadsheetml-2003.xml");
    assert_eq!(wb.format, Some(Format::Xml2003));
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["说明", "分解表"]);
    let s = &wb.sheets[1];
    assert_eq!(s.text(1, 3), "2020年\n基期值");
    assert_eq!(s.text(2, 5), "2021年");
    assert_eq!(s.text(4, 1), "地区生产总值");
    assert_eq!(s.display(4, 3), "100.0", "the style's number format");
    assert_eq!(s.text(5, 4), "年均增长7%");
    assert_eq!(s.text(5, 10), "县工信局", "ss:Index after empty cells");
    assert_eq!(
        s.text(9, 0),
        "注：2025年目标值为规划目标。",
        "a comment is not the text"
    );
    assert!(s.merges.contains(&merge(0, 0, 0, 10)));
    assert!(s.merges.contains(&merge(1, 0, 2, 0)));
    assert!(s.merges.contains(&merge(1, 5, 1, 9)));
    assert!(s.merges.contains(&merge(3, 0, 3, 10)));
}

/// The refusals of issue 14 name the true reason and what to do, in both languages.
#[test]
fn every_format_message_names_the_file_the_reason_and_what_to_do() {
    let cases = [
        (
            ImportError::XlsProtected,
            "另存为 .xlsx",
            "save it as .xlsx",
        ),
        (
            ImportError::OldExcel {
                version: "Excel 4.0",
            },
            "Excel 4.0 或更早的格式",
            "Excel 4.0",
        ),
        (
            ImportError::NoWorkbookStream,
            "没有 Excel 工作簿",
            "no Excel workbook",
        ),
    ];
    for (e, zh, en) in cases {
        let m = e.user_message(Lang::Zh, "计划.xls");
        assert!(m.contains("计划.xls") && m.contains(zh), "{m}");
        let m = e.user_message(Lang::En, "计划.xls");
        assert!(m.contains("计划.xls") && m.contains(en), "{m}");
    }
    // Protection with Excel's built-in key has no password to remove: the message does not
    // send the user looking for one.
    let m = ImportError::XlsProtected.user_message(Lang::Zh, "f.xls");
    assert!(m.contains("没有密码也会加密"), "{m}");
}

/// `make_xlsb_fixture.py`: a worksheet, a chart sheet and an Excel 4 macro sheet (calamine alone
/// refuses the workbook for the macro sheet), a defined name, a 0.0% format.
#[test]
fn xlsb_reads_its_worksheet_and_skips_chart_and_macro_sheets() {
    let wb = read("plan.xlsb");
    assert_eq!(wb.format, Some(Format::Xlsb));
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["计划"]);
    let s = &wb.sheets[0];
    assert_eq!(s.text(1, 1), "指标名称");
    assert_eq!(s.text(3, 1), "地区生产总值");
    assert_eq!(s.text(3, 3), "100");
    assert_eq!(s.text(3, 4), "150", "a formula's cached value");
    assert_eq!(s.display(4, 3), "55.2%");
    assert_eq!(s.merges, [merge(0, 0, 0, 10), merge(2, 0, 2, 10)]);
    let imported = io::import(&bytes("plan.xlsb")).unwrap();
    assert_eq!(imported.format, Format::Xlsb);
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    let names: Vec<&str> = plan.indicators.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["地区生产总值", "城镇化率"]);
}

/// `make_xlsm_fixture.py`: an Excel 4 macro sheet, a dialog sheet and a chart sheet beside the
/// plan's worksheet are left out, not a reason to refuse the workbook.
#[test]
fn xlsm_with_macro_dialog_and_chart_sheets_reads_its_worksheet() {
    let wb = read("macro-and-dialog-sheets.xlsm");
    assert_eq!(wb.format, Some(Format::Xlsx));
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["计划"]);
    assert_eq!(wb.sheets[0].text(1, 1), "地区生产总值");
    let imported = io::import(&bytes("macro-and-dialog-sheets.xlsm")).unwrap();
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    assert_eq!(plan.indicators.len(), 2);
}

/// `make_wps_fixture.cjs`: a BIFF8 compound file with WPS's ETExtData stream beside the
/// workbook, named .et and .ett as WPS Spreadsheets names them: read as any .xls (the format is
/// taken from the bytes).
#[test]
fn wps_et_and_ett_biff8_files_open_as_their_plan() {
    for name in ["plan-wps.et", "plan-wps.ett"] {
        let wb = read(name);
        assert_eq!(wb.format, Some(Format::Xls), "{name}");
        let s = &wb.sheets[0];
        assert_eq!(s.name, "分解表");
        assert_eq!(s.text(2, 1), "地区生产总值");
        assert_eq!(s.merges, [merge(0, 0, 0, 10)]);
        let imported = io::import(&bytes(name)).unwrap();
        let plan = imported.sheets[0].plan.as_ref().unwrap();
        let names: Vec<&str> = plan.indicators.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["地区生产总值", "城镇登记失业率"], "{name}");
    }
}
