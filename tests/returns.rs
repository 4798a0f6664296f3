//! Consolidation in the page's state (`ui::state::returns`): each return added is one undoable
//! step, a conflict is resolved by one undoable step, the record survives the session JSON and
//! autosave's replay, and the export carries the 汇总情况 sheet.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)] // the shared helpers; this file uses only some
mod common;

use zhibiao::io::{self, merge, Imported};
use zhibiao::plan::RawCell;
use zhibiao::ui::state::returns::{add_return, resolve, suggestion};
use zhibiao::ui::state::{Doc, Edit, Journal, Session, JOURNAL_VERSION, SESSION_VERSION};

const HEADER: &str = "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年,2021年实际\n";

/// The plan: three indicators, three lead units and one other unit, no actuals yet.
fn plan_csv(actuals: [&str; 3]) -> String {
    format!(
        "某县主要指标任务分解表\n{HEADER}\
         1,人均地区生产总值,元,县统计局,县发改局,31502,58000,{}\n\
         2,森林覆盖率,%,县林业局,,60,62,{}\n\
         3,常住人口城镇化率,%,县住建局,,50,60,{}\n",
        actuals[0], actuals[1], actuals[2]
    )
}

/// A unit's return: the plan with its title naming the unit and some actuals filled.
fn return_csv(unit: &str, actuals: [&str; 3]) -> Imported {
    let csv = plan_csv(actuals).replacen(
        "某县主要指标任务分解表",
        &format!("某县主要指标任务分解表（报送单位：{unit}）"),
        1,
    );
    io::import(csv.as_bytes()).unwrap()
}

fn base() -> Doc {
    Doc::new(
        "plan.csv".into(),
        io::import(plan_csv(["", "", ""]).as_bytes()).unwrap(),
    )
}

/// Adds `unit`'s return `file` with these 2021 actuals at `ms` to `doc` as the page does (one
/// step); the step and its undo.
fn add(doc: &mut Doc, file: &str, unit: &str, actuals: [&str; 3], ms: f64) -> (Edit, Edit) {
    let step = add_return(doc, file, &return_csv(unit, actuals), ms).unwrap();
    let undo = doc.apply(step.clone()).unwrap();
    (step, undo)
}

/// The 2021 actual of indicator `seq` (1-based), as the sheet shows it.
fn actual(doc: &Doc, seq: usize) -> String {
    let sheet = &doc.imported.sheets[0];
    let col = sheet.layout.as_ref().unwrap().actual_cols()[&2021];
    let row = sheet.plan.as_ref().unwrap().indicators[seq - 1].row as usize - 1;
    sheet.sheet.text(row, col)
}

#[test]
fn prepare_lists_what_merge_writes_without_changing_the_plan() {
    let plan = io::import(plan_csv(["", "", ""]).as_bytes()).unwrap();
    let ret = return_csv("县统计局", ["36900", "61", ""]);
    let prepared = merge::prepare(&plan, "统计局.csv", &ret).unwrap();
    let mut merged = plan.clone();
    let summary = merge::merge(&mut merged, &[("统计局.csv".into(), ret)]);
    assert_eq!(prepared.summary, summary.returns[0]);
    assert_eq!(prepared.summary.unit, "县统计局");
    assert_eq!(prepared.fills.len(), 2);
    for (row, col, raw) in &prepared.fills {
        assert_eq!(merged.sheets[0].sheet.cell(*row, *col), raw);
        assert_eq!(plan.sheets[0].sheet.cell(*row, *col), &RawCell::Empty);
    }
    assert_eq!(
        merge::missing_units(plan.sheets[0].plan.as_ref().unwrap(), ["县统计局"]),
        summary.missing_units
    );
}

#[test]
fn a_return_is_one_undoable_step() {
    let mut doc = base();
    let before = doc.clone();
    let (_, undo) = add(&mut doc, "统计局.csv", "县统计局", ["36900", "", ""], 1.0);
    assert_eq!(actual(&doc, 1), "36900");
    assert_eq!(doc.returns.records.len(), 1);
    let record = &doc.returns.records[0];
    assert_eq!(
        (record.summary.unit.as_str(), record.summary.filled),
        ("县统计局", 1)
    );
    assert_eq!(record.added_ms, 1.0);
    // The plan's results see the value.
    let results = doc.results().unwrap();
    assert!(results.indicators[0].actual.contains_key(&2021));
    // Undo: as before (the plan, its results and the returns); redo: as after.
    let redo = doc.apply(undo).unwrap();
    assert_eq!(doc.imported.sheets[0].plan, before.imported.sheets[0].plan);
    assert_eq!(doc.results(), before.results());
    assert!(doc.returns.is_empty());
    assert_eq!(actual(&doc, 1), "");
    doc.apply(redo).unwrap();
    assert_eq!(actual(&doc, 1), "36900");
    assert_eq!(doc.returns.records.len(), 1);
    assert_eq!(
        doc.returns.missing_units(&doc.imported),
        ["县住建局", "县发改局", "县林业局"]
    );
}

#[test]
fn two_returns_that_disagree_make_a_conflict_resolved_in_one_undoable_step() {
    let mut doc = base();
    // 县林业局 (an other unit of nothing here) also reports 人均地区生产总值, differently.
    add(&mut doc, "林业局.csv", "县林业局", ["37000", "61", ""], 1.0);
    add(&mut doc, "统计局.csv", "县统计局", ["36900", "", ""], 2.0);
    assert_eq!(
        actual(&doc, 1),
        "37000",
        "the first value stays until resolved"
    );
    let record = &doc.returns.records[1];
    assert_eq!(record.summary.changed, 1);
    let conflict = &record.conflicts[0];
    let files: Vec<&str> = conflict.values.iter().map(|v| v.file.as_str()).collect();
    assert_eq!(
        files,
        ["林业局.csv", "统计局.csv"],
        "the earlier return, not base"
    );
    // The lead unit's return is the suggestion.
    assert_eq!(suggestion(&doc, conflict).as_deref(), Some("统计局.csv"));
    let before = doc.clone();
    assert_eq!(doc.returns.open_conflicts(), 1);
    let step = resolve(&doc, 1, 0, "统计局.csv").unwrap();
    let undo = doc.apply(step).unwrap();
    assert_eq!(actual(&doc, 1), "36900");
    assert_eq!(doc.returns.open_conflicts(), 0);
    assert_eq!(
        doc.returns.records[1].conflicts[0].resolved.as_deref(),
        Some("统计局.csv")
    );
    let redo = doc.apply(undo).unwrap();
    assert_eq!(doc.returns, before.returns);
    assert_eq!(actual(&doc, 1), "37000");
    doc.apply(redo).unwrap();
    assert_eq!(actual(&doc, 1), "36900");
    // The export's 汇总情况 sheet says so.
    let summary = doc.returns.summary(&doc.imported).unwrap();
    assert_eq!(summary.returns.len(), 2);
    assert_eq!(summary.conflicts.len(), 1);
    assert_eq!(summary.missing_units, ["县住建局", "县发改局"]);
}

#[test]
fn the_returns_survive_the_saved_page_and_autosave_replay() {
    let mut doc = base();
    let start = doc.clone();
    let (step, undo) = add(&mut doc, "统计局.csv", "县统计局", ["36900", "", ""], 5.0);
    // A saved page.
    let session = Session {
        version: SESSION_VERSION,
        doc: Some(doc.clone()),
        undo: vec![undo.clone()],
        ..Session::default()
    };
    let back = Session::from_json(&session.to_json().unwrap()).unwrap();
    assert_eq!(back.doc.as_ref(), Some(&doc));
    assert_eq!(back.undo, vec![undo]);
    // Autosave: the start with the logged edits replayed.
    let journal = Journal {
        version: JOURNAL_VERSION,
        log: vec![step],
        ..Journal::default()
    };
    let journal = Journal::from_json(&journal.to_json().unwrap()).unwrap();
    assert_eq!(journal.replay(start.clone()), doc);
    // A session saved before returns existed still loads, with none.
    let old = serde_json::to_string(&start).unwrap();
    assert!(!old.contains("\"returns\""));
    let old: Doc = serde_json::from_str(&old).unwrap();
    assert!(old.returns.is_empty());
}

#[test]
fn the_export_of_a_consolidated_plan_carries_the_consolidation_sheet() {
    let mut doc = base();
    let plain = doc.export_xlsx().unwrap();
    let names = |bytes: &[u8]| -> Vec<String> {
        io::read::read_workbook(bytes)
            .unwrap()
            .sheets
            .iter()
            .map(|s| s.name.clone())
            .collect()
    };
    assert!(!names(&plain).contains(&"汇总情况".to_string()));
    add(&mut doc, "统计局.csv", "县统计局", ["36900", "", ""], 5.0);
    let bytes = doc.export_xlsx().unwrap();
    assert!(names(&bytes).contains(&"汇总情况".to_string()));
    // Read back, the value the return gave is the plan's.
    let back = io::import(&bytes).unwrap();
    let back = Doc::new("back.xlsx".into(), back);
    assert_eq!(actual(&back, 1), "36900");
}

#[test]
fn a_return_without_a_table_is_recorded_with_nothing_filled() {
    let mut doc = base();
    let junk = io::import("hello,world\n1,2\n".as_bytes()).unwrap();
    let step = add_return(&doc, "junk.csv", &junk, 1.0).unwrap();
    doc.apply(step).unwrap();
    let record = &doc.returns.records[0];
    assert_eq!(record.summary.filled, 0);
    assert!(!record.summary.note.is_empty());
}

#[test]
fn a_return_that_heads_its_actuals_by_the_bare_year_still_gives_them() {
    let plan = io::import(plan_csv(["", "", ""]).as_bytes()).unwrap();
    let csv = plan_csv(["36900", "", ""])
        .replace("2021年实际", "2021年")
        .replacen("某县主要指标任务分解表", "报送单位：县统计局", 1);
    let ret = io::import(csv.as_bytes()).unwrap();
    let prepared = merge::prepare(&plan, "统计局.csv", &ret).unwrap();
    assert_eq!(prepared.summary.filled, 1, "{prepared:?}");
    assert!(prepared.changed_targets.is_empty(), "{prepared:?}");
    assert_eq!(prepared.summary.unit, "县统计局");
}

#[test]
fn the_export_read_back_keeps_which_return_gave_each_value_and_a_further_return_continues() {
    let mut doc = two_returns();
    // The conflict on 人均地区生产总值 resolved with the lead unit's value.
    doc.apply(resolve(&doc, 1, 0, "统计局.csv").unwrap())
        .unwrap();
    let back = Doc::new(
        "back.xlsx".into(),
        io::import(&doc.export_xlsx().unwrap()).unwrap(),
    );
    // The same records: files, units, counts, times, cells, conflicts and their resolution.
    assert_eq!(back.returns, doc.returns);
    assert_eq!(back.returns.records.len(), 2);
    assert_eq!(back.returns.records[0].cells, [(2, 7), (3, 7)]);
    assert_eq!(
        back.returns.records[1].conflicts[0].resolved.as_deref(),
        Some("统计局.csv")
    );
    assert_eq!(
        back.returns.missing_units(&back.imported),
        ["县住建局", "县发改局"]
    );
    assert_eq!(
        back.returns.summary(&back.imported),
        doc.returns.summary(&doc.imported)
    );
    // Which return gave each value: 61 is 林业局's, 36900 (the conflict taken) 统计局's.
    assert_eq!(back.returns.given_by(0, 3, 7, 2021), Some("林业局.csv"));
    assert_eq!(back.returns.given_by(0, 2, 7, 2021), Some("统计局.csv"));
    assert_eq!(back.returns.given_by(0, 4, 7, 2021), None);
    assert_eq!(
        (actual(&back, 1), actual(&back, 2)),
        ("36900".into(), "61".into())
    );
    // Exported again, the same.
    let again = Doc::new(
        "again.xlsx".into(),
        io::import(&back.export_xlsx().unwrap()).unwrap(),
    );
    assert_eq!(again.returns, doc.returns);
    // A further return continues from it: its value for 人均地区生产总值 conflicts with
    // 统计局's (not the plan's), 住建局's value fills a cell, 住建局 is no longer missing.
    let mut back = back;
    add(
        &mut back,
        "住建局.csv",
        "县住建局",
        ["36950", "", "52"],
        3.0,
    );
    let record = &back.returns.records[2];
    assert_eq!((record.summary.filled, record.summary.changed), (1, 1));
    let files: Vec<&str> = record.conflicts[0]
        .values
        .iter()
        .map(|v| v.file.as_str())
        .collect();
    assert_eq!(files, ["统计局.csv", "住建局.csv"]);
    assert_eq!(back.returns.missing_units(&back.imported), ["县发改局"]);
    assert_eq!(actual(&back, 3), "52");
}

#[test]
fn a_plain_export_read_back_has_no_returns() {
    let doc = base();
    let back = io::import(&doc.export_xlsx().unwrap()).unwrap();
    assert!(back.returns.is_empty());
    assert!(Doc::new("back.xlsx".into(), back).returns.is_empty());
}

#[test]
fn a_units_saved_page_opens_on_its_rows_and_comes_back_as_a_return() {
    use zhibiao::error::Lang;
    use zhibiao::io::write::{distribute, share};
    use zhibiao::ui::state::filter::own_unit;
    use zhibiao::ui::state::returns::{saved_page_return, unit_session};
    use zhibiao::ui::state::Edit;
    let doc = base();
    let files = distribute::unit_files(&doc.imported, "html").unwrap();
    let names: Vec<&str> = files.iter().map(|(_, f)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "县统计局.html",
            "县发改局.html",
            "县林业局.html",
            "县住建局.html"
        ]
    );
    // 县林业局's page opens on its rows.
    let json = unit_session(&doc, "县林业局", "县林业局.html", Lang::En).unwrap();
    let session = Session::from_json(&json).unwrap();
    assert_eq!(session.lang, Lang::En);
    let mut unit_doc = session.doc.unwrap();
    assert_eq!(unit_doc.file_name, "县林业局.html");
    assert_eq!(
        own_unit(&unit_doc.imported.sheets[unit_doc.active]),
        Some(("县林业局".to_string(), false))
    );
    // It fills its row (森林覆盖率, sheet row 3, the 2021 actual in column 7) and saves its page.
    unit_doc
        .apply(Edit::Cell {
            sheet: 0,
            row: 3,
            col: 7,
            raw: RawCell::Number {
                n: 61.0,
                format: None,
            },
            typed: false,
        })
        .unwrap();
    let page = "<!doctype html><html><script type=\"application/json\" id=\"zhibiao-plan\"></script></html>";
    let saved = Session {
        version: SESSION_VERSION,
        doc: Some(unit_doc),
        ..Session::default()
    };
    let saved = share::embed(page, &saved.to_json().unwrap()).unwrap();
    // The office consolidates the saved page as a return.
    let ret = saved_page_return(saved.as_bytes()).unwrap();
    let mut office = base();
    let step = add_return(&office, "县林业局-指标.html", &ret, 1.0).unwrap();
    office.apply(step).unwrap();
    let record = &office.returns.records[0];
    assert_eq!(
        (record.summary.unit.as_str(), record.summary.filled),
        ("县林业局", 1)
    );
    assert_eq!(actual(&office, 2), "61");
    assert_eq!(actual(&office, 1), "");
    // Anything else is not a saved page.
    assert!(saved_page_return(page.as_bytes()).is_none());
    assert!(saved_page_return(plan_csv(["", "", ""]).as_bytes()).is_none());
    assert!(saved_page_return(b"PK\x03\x04").is_none());
}

/// The plan with 林业局's return (37000, 61) and then 统计局's (36900), which conflicts with it.
fn two_returns() -> Doc {
    let mut doc = base();
    add(&mut doc, "林业局.csv", "县林业局", ["37000", "61", ""], 1.0);
    add(&mut doc, "统计局.csv", "县统计局", ["36900", "", ""], 2.0);
    doc
}

#[test]
fn removing_a_return_takes_its_values_back_and_recomputes_the_later_conflicts() {
    use zhibiao::ui::state::returns::remove_return;
    let mut doc = two_returns();
    let before = doc.clone();
    assert_eq!(remove_return(&doc, 2), None);
    let undo = doc.apply(remove_return(&doc, 0).unwrap()).unwrap();
    // 61 was 林业局's only: empty again. 37000 was 林业局's: 统计局's 36900, which only
    // disagreed with it, fills the cell now, no longer a conflict.
    assert_eq!(actual(&doc, 2), "");
    assert_eq!(actual(&doc, 1), "36900");
    assert_eq!(doc.returns.records.len(), 1);
    let left = &doc.returns.records[0];
    assert_eq!(left.summary.file, "统计局.csv");
    assert_eq!((left.summary.filled, left.summary.changed), (1, 0));
    assert_eq!(left.conflicts, []);
    assert_eq!(left.cells, [(2, 7)]);
    assert_eq!(doc.returns.given_by(0, 2, 7, 2021), Some("统计局.csv"));
    assert_eq!(
        doc.returns.missing_units(&doc.imported),
        ["县住建局", "县发改局", "县林业局"]
    );
    // One undo: as before.
    doc.apply(undo).unwrap();
    assert_eq!(doc, before);
}

#[test]
fn removing_the_return_whose_value_was_taken_gives_the_value_before_back() {
    use zhibiao::ui::state::returns::remove_return;
    let mut doc = two_returns();
    doc.apply(resolve(&doc, 1, 0, "统计局.csv").unwrap())
        .unwrap();
    assert_eq!(actual(&doc, 1), "36900");
    let before = doc.clone();
    let undo = doc.apply(remove_return(&doc, 1).unwrap()).unwrap();
    assert_eq!(actual(&doc, 1), "37000");
    assert_eq!(actual(&doc, 2), "61");
    assert_eq!(doc.returns.records.len(), 1);
    assert_eq!(doc.returns.open_conflicts(), 0);
    assert_eq!(doc.returns.given_by(0, 2, 7, 2021), Some("林业局.csv"));
    assert_eq!(
        doc.returns.missing_units(&doc.imported),
        ["县住建局", "县发改局", "县统计局"]
    );
    doc.apply(undo).unwrap();
    assert_eq!(doc, before);
    // The earlier return removed while its value was not taken: 统计局's value fills the cell.
    let undo = doc.apply(remove_return(&doc, 0).unwrap()).unwrap();
    assert_eq!(
        (actual(&doc, 1), actual(&doc, 2)),
        ("36900".into(), "".into())
    );
    doc.apply(undo).unwrap();
    assert_eq!(doc, before);
}

#[test]
fn a_return_heading_its_actuals_by_the_bare_year_gives_them_for_every_year_the_plan_has() {
    // Generated: for each actual year of a plan (before, inside and after its 2020–2025 period),
    // a return that heads that column `YYYY年` (no 实际) still gives the value there; but where
    // that year heads the target column too (`2025年` twice), which column is meant is not
    // guessed (it had taken the target's 58000 for the 2025 actual).
    for year in [2019, 2021, 2023, 2025, 2026, 2027] {
        let plan = format!(
            "序号,指标名称,单位,牵头单位,2020年,2025年,{year}年实际\n\
             1,人均地区生产总值,元,县统计局,31502,58000,\n\
             2,森林覆盖率,%,县林业局,60,62,\n"
        );
        let back = format!(
            "某县（报送单位：县统计局）\n序号,指标名称,单位,牵头单位,2020年,2025年,{year}年\n\
             1,人均地区生产总值,元,县统计局,31502,58000,36900\n\
             2,森林覆盖率,%,县林业局,60,62,\n"
        );
        let doc = Doc::new("plan.csv".into(), io::import(plan.as_bytes()).unwrap());
        let ret = io::import(back.as_bytes()).unwrap();
        let prepared = merge::prepare(&doc.imported, "统计局.csv", &ret).unwrap();
        let fills: Vec<(usize, usize, String)> = prepared
            .fills
            .iter()
            .map(|(r, c, raw)| (*r, *c, format!("{raw:?}")))
            .collect();
        if year == 2025 {
            assert_eq!(fills, [], "{year}");
            continue;
        }
        assert_eq!(fills.len(), 1, "{year}: {fills:?} {prepared:#?}");
        assert_eq!(
            (fills[0].0, fills[0].1, prepared.summary.filled),
            (1, 6, 1),
            "{year}"
        );
        assert_eq!(prepared.changed_targets, [], "{year}");
    }
}

#[test]
fn an_unmatched_row_matched_by_hand_fills_the_chosen_indicator_in_one_undoable_step() {
    use zhibiao::ui::state::returns::{match_by_hand, remove_return};
    let mut doc = base();
    // 林业局 calls 森林覆盖率 林木绿化率: nothing in the plan is like it enough to be matched.
    let csv = plan_csv(["", "61", ""])
        .replacen(
            "某县主要指标任务分解表",
            "某县主要指标任务分解表（报送单位：县林业局）",
            1,
        )
        .replacen("森林覆盖率", "林木绿化率", 1);
    let step = add_return(
        &doc,
        "林业局.csv",
        &io::import(csv.as_bytes()).unwrap(),
        1.0,
    )
    .unwrap();
    doc.apply(step).unwrap();
    let record = &doc.returns.records[0];
    assert_eq!(record.summary.filled, 0);
    assert_eq!(record.unmatched.len(), 1);
    let u = &record.unmatched[0];
    assert_eq!((u.name.as_str(), u.row), ("林木绿化率", 4));
    assert_eq!(u.actuals, [(2021, "61".to_string())]);
    assert_eq!(actual(&doc, 2), "");
    // The plan's 森林覆盖率 (row 4), 林业局's own indicator, is offered first (by the name
    // alone 城镇化率 would be: 化率).
    let plan = doc.imported.sheets[0].plan.as_ref().unwrap();
    assert_eq!(
        io::by_hand::ranked_rows(plan, &u.name, &record.summary.unit),
        [4, 5, 3]
    );
    assert_eq!(io::by_hand::ranked_rows(plan, &u.name, "")[0], 5);

    let before = doc.clone();
    let undo = doc.apply(match_by_hand(&doc, 0, 0, 4).unwrap()).unwrap();
    assert_eq!(actual(&doc, 2), "61");
    let record = &doc.returns.records[0];
    assert_eq!(record.unmatched[0].matched_to, Some(4));
    assert_eq!(record.summary.filled, 1);
    assert_eq!(doc.returns.given_by(0, 3, 7, 2021), Some("林业局.csv"));
    // Matched once: asking again does nothing.
    assert_eq!(match_by_hand(&doc, 0, 0, 5), None);

    // Through the export and back: the match and the value it gave are kept.
    let back = Doc::new(
        "back.xlsx".into(),
        io::import(&doc.export_xlsx().unwrap()).unwrap(),
    );
    assert_eq!(back.returns, doc.returns);
    assert_eq!(actual(&back, 2), "61");

    // Removing the return takes the hand-matched value back too.
    let mut removed = doc.clone();
    removed.apply(remove_return(&removed, 0).unwrap()).unwrap();
    assert_eq!(actual(&removed, 2), "");

    // Undo: the plan, its results and the record as before the match.
    doc.apply(undo).unwrap();
    assert_eq!(doc.imported.sheets[0].plan, before.imported.sheets[0].plan);
    assert_eq!(doc.results(), before.results());
    assert_eq!(doc.returns, before.returns);
    assert_eq!(actual(&doc, 2), "");
}

#[test]
fn a_row_matched_by_hand_to_an_indicator_with_another_value_is_a_conflict() {
    use zhibiao::ui::state::returns::match_by_hand;
    let mut doc = Doc::new(
        "plan.csv".into(),
        io::import(plan_csv(["", "60.5", ""]).as_bytes()).unwrap(),
    );
    let csv = plan_csv(["", "61", ""]).replacen("森林覆盖率", "林木绿化率", 1);
    doc.apply(
        add_return(
            &doc,
            "林业局.csv",
            &io::import(csv.as_bytes()).unwrap(),
            1.0,
        )
        .unwrap(),
    )
    .unwrap();
    doc.apply(match_by_hand(&doc, 0, 0, 4).unwrap()).unwrap();
    // The plan's 60.5 stays; the two values are listed side by side, to be chosen.
    assert_eq!(actual(&doc, 2), "60.5");
    let record = &doc.returns.records[0];
    assert_eq!((record.summary.filled, record.summary.changed), (0, 1));
    let values: Vec<(&str, &str)> = record.conflicts[0]
        .values
        .iter()
        .map(|v| (v.file.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(values, [("base", "60.5"), ("林业局.csv", "61")]);
    doc.apply(resolve(&doc, 0, 0, "林业局.csv").unwrap())
        .unwrap();
    assert_eq!(actual(&doc, 2), "61");
}

/// `xlsx` as a spreadsheet program saves it after a row was inserted at 0-based row `row` and
/// a column at 0-based column `col` of sheet `sheet` (values only: every sheet rewritten), then
/// `texts` written there as (row, column, text).
fn with_inserted(
    xlsx: &[u8],
    sheet: &str,
    row: u32,
    col: u16,
    texts: &[(u32, u16, &str)],
) -> Vec<u8> {
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        let (top, left) = range.start().unwrap_or((0, 0));
        for (r, cells) in range.rows().enumerate() {
            let mut r = top + r as u32;
            if name == sheet && r >= row {
                r += 1;
            }
            for (c, cell) in cells.iter().enumerate() {
                let mut c = (left + c as u32) as u16;
                if name == sheet && c >= col {
                    c += 1;
                }
                match cell {
                    Data::Float(n) => ws.write_number(r, c, *n).map(|_| ()),
                    Data::Int(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
                    Data::Empty => Ok(()),
                    other => ws.write_string(r, c, other.to_string()).map(|_| ()),
                }
                .unwrap();
            }
        }
        if name == sheet {
            for (r, c, text) in texts {
                ws.write_string(*r, *c, *text).unwrap();
            }
        }
    }
    out.save_to_buffer().unwrap()
}

#[test]
fn a_row_and_a_column_inserted_before_the_export_is_read_back_keep_each_recorded_value_with_its_cell(
) {
    let mut doc = two_returns();
    doc.apply(resolve(&doc, 1, 0, "统计局.csv").unwrap())
        .unwrap();
    let xlsx = doc.export_xlsx().unwrap();
    let sheet = doc.imported.sheets[0].sheet.name.clone();
    // A note inserted under the title and a 备注 column before the base: every row of the
    // table moves down by one, the 2021 actuals from column H to I.
    let moved = with_inserted(
        &xlsx,
        &sheet,
        1,
        5,
        &[(1, 0, "说明：2021年为快报数"), (2, 5, "备注")],
    );
    let back = Doc::new("back.xlsx".into(), io::import(&moved).unwrap());
    let plan = back.imported.sheets[0].plan.as_ref().unwrap();
    assert_eq!(
        plan.indicators[0].row, 4,
        "人均地区生产总值 is on row 4 now"
    );
    let layout = back.imported.sheets[0].layout.as_ref().unwrap();
    assert_eq!(
        layout.actual_cols()[&2021],
        8,
        "the 2021 actuals are in column I now"
    );
    assert_eq!(
        (actual(&back, 1), actual(&back, 2)),
        ("36900".into(), "61".into())
    );
    // Which return gave each value follows the cells: rows 4 and 5 (0-based 3, 4), column I.
    assert_eq!(back.returns.given_by(0, 3, 8, 2021), Some("统计局.csv"));
    assert_eq!(back.returns.given_by(0, 4, 8, 2021), Some("林业局.csv"));
    assert_eq!(back.returns.given_by(0, 2, 8, 2021), None);
    let conflict = &back.returns.records[1].conflicts[0];
    assert_eq!(
        (conflict.row, conflict.name.as_str()),
        (4, "人均地区生产总值")
    );
    assert_eq!(conflict.resolved.as_deref(), Some("统计局.csv"));
    assert_eq!(back.returns.records[0].cells, [(3, 8), (4, 8)]);
    // Not moved, the same records as before.
    let same = Doc::new("same.xlsx".into(), io::import(&xlsx).unwrap());
    assert_eq!(same.returns, doc.returns);
}
