//! Consolidation (汇总): a plan sent to every unit, each unit's return folded back in
//! (`io::merge`, and `zhibiao-cli merge`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)] // the shared helpers; this file uses only some
mod common;

use common::{fixture, import};
use zhibiao::io::returns::Consolidation;
use zhibiao::io::write::fill;
use zhibiao::io::{self, merge, Imported};
use zhibiao::plan::score::units_of;
use zhibiao::plan::{self, RawCell};
use zhibiao::table::detect::{build_plan, detect};

const PROGRESS: &str = "qinglan-county-2021-2022-progress.xls";

/// `imported` with the actual cells of the rows `keep` says no to emptied, written as the filled
/// workbook a unit would send back, and read again.
fn with_actuals(imported: &Imported, keep: impl Fn(&plan::Indicator) -> bool) -> Imported {
    let mut copy = imported.clone();
    let sheet = &mut copy.sheets[0];
    let layout = sheet.layout.clone().unwrap();
    let plan = sheet.plan.clone().unwrap();
    for ind in &plan.indicators {
        if keep(ind) {
            continue;
        }
        for col in layout.actual_cols().values() {
            let row = ind.row as usize - 1;
            if let Some(cell) = sheet.sheet.rows[row].get_mut(*col) {
                *cell = RawCell::Empty;
            }
        }
    }
    sheet.plan = Some(build_plan(&sheet.sheet, &layout));
    let bytes = fill::workbook(&copy, &plan::Options::default(), Some(0.0)).unwrap();
    io::import(&bytes).unwrap()
}

/// The first lead unit of an indicator: the unit whose return carries its actuals.
fn first_lead(ind: &plan::Indicator) -> String {
    units_of(&ind.lead_units, "")
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// What the engine makes of a plan: each indicator's actuals, realizations and statuses, and the
/// assessment.
fn outcome(imported: &Imported) -> String {
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    let results = plan::compute(plan, &plan::Options::default());
    let rows: Vec<String> = results
        .indicators
        .iter()
        .map(|r| format!("{:?} {:?} {:?}", r.actual, r.realization, r.status))
        .collect();
    format!("{rows:#?}\n{:?}", results.assessment)
}

#[test]
fn a_plan_split_into_unit_returns_merges_back_into_the_full_plan() {
    let full = import(PROGRESS);
    let plan = full.sheets[0].plan.clone().unwrap();
    let mut base = with_actuals(&full, |_| false);
    let units: std::collections::BTreeSet<String> =
        plan.indicators.iter().map(first_lead).collect();
    assert!(units.len() >= 10, "{units:?}");
    let returns: Vec<(String, Imported)> = units
        .iter()
        .map(|u| {
            (
                format!("{u}.xlsx"),
                with_actuals(&full, |i| first_lead(i) == *u),
            )
        })
        .collect();
    assert_ne!(outcome(&base), outcome(&full), "the base has no actuals");
    let summary = merge::merge(&mut base, &returns);
    assert_eq!(summary.conflicts, []);
    assert_eq!(summary.unmatched, []);
    assert_eq!(outcome(&base), outcome(&full));
    // Every return says which unit it is (from the rows it filled) and what it filled.
    let filled: usize = summary.returns.iter().map(|r| r.filled).sum();
    let actual_cells = plan
        .indicators
        .iter()
        .map(|i| {
            i.actual
                .values()
                .filter(|g| g.value != plan::Value::Empty)
                .count()
        })
        .sum::<usize>();
    assert_eq!(filled, actual_cells);
    for (r, u) in summary.returns.iter().zip(&units) {
        // A unit whose rows have no actual (县水利局: qualitative and missing) filled nothing
        // and declared nothing: whom it speaks for is unknown.
        let want = if r.filled > 0 { u.as_str() } else { "" };
        assert_eq!(r.unit, want, "{}", r.file);
    }
    assert!(summary.returns.iter().filter(|r| r.filled > 0).count() >= 10);
    // The units that spoke are not missing; those that only ever help (配合) sent nothing and
    // are, as is 县水利局, whose return said nothing.
    for r in summary.returns.iter().filter(|r| !r.unit.is_empty()) {
        assert!(!summary.missing_units.contains(&r.unit), "{}", r.unit);
    }
    assert!(summary.missing_units.iter().any(|u| !units.contains(u)));
    assert!(summary.missing_units.contains(&"县水利局".to_string()));
}

#[test]
fn a_return_with_inserted_and_renamed_rows_still_matches() {
    let full = import(PROGRESS);
    let base_plan = full.sheets[0].plan.clone().unwrap();
    let mut base = with_actuals(&full, |_| false);
    // The unit renamed seq 1 (地区生产总值 → 地区生产总值（GDP）) and inserted an indicator of its
    // own above it.
    let mut ret = full.clone();
    let s = &mut ret.sheets[0];
    let first = base_plan.indicators[0].row as usize - 1;
    let name_col = s
        .layout
        .as_ref()
        .unwrap()
        .col(zhibiao::table::detect::Role::Name)
        .unwrap();
    s.sheet.rows[first][name_col] = RawCell::Text {
        s: "地区生产总值（GDP）".into(),
    };
    let mut inserted = s.sheet.rows[first].clone();
    inserted[name_col] = RawCell::Text {
        s: "招商引资到位资金".into(),
    };
    s.sheet.rows.insert(first, inserted);
    for m in &mut s.sheet.merges {
        if m.first_row as usize >= first {
            m.first_row += 1;
            m.last_row += 1;
        }
    }
    let layout = detect(&s.sheet).expect("the return is still a table");
    s.plan = Some(build_plan(&s.sheet, &layout));
    s.layout = Some(layout);
    let bytes = fill::workbook(&ret, &plan::Options::default(), Some(0.0)).unwrap();
    let ret = io::import(&bytes).unwrap();
    let summary = merge::merge(&mut base, &[("县统计局.xlsx".into(), ret)]);
    assert_eq!(summary.conflicts, []);
    assert_eq!(summary.unmatched.len(), 1, "{:?}", summary.unmatched);
    assert_eq!(summary.unmatched[0].name, "招商引资到位资金");
    // Everything else landed where it belongs, seq 1 included.
    assert_eq!(outcome(&base), outcome(&full));
}

#[test]
fn a_conflicting_return_is_listed_and_leaves_the_base_value() {
    let full = import(PROGRESS);
    let mut base = full.clone();
    // A return that says seq 1's 2021 actual was 210.0 (the plan has 203.5).
    let mut ret = full.clone();
    let s = &mut ret.sheets[0];
    let layout = s.layout.clone().unwrap();
    let ind = s.plan.as_ref().unwrap().indicators[0].clone();
    let (row, col) = (ind.row as usize - 1, layout.actual_cols()[&2021]);
    s.sheet.rows[row][col] = RawCell::Number {
        n: 210.0,
        format: None,
    };
    s.plan = Some(build_plan(&s.sheet, &layout));
    let summary = merge::merge(&mut base, &[("统计局.xls".into(), ret)]);
    assert_eq!(summary.conflicts.len(), 1, "{:?}", summary.conflicts);
    let c = &summary.conflicts[0];
    assert_eq!((c.row, c.year), (ind.row, 2021));
    let values: Vec<(&str, &str)> = c
        .values
        .iter()
        .map(|v| (v.file.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(values, [("base", "203.5"), ("统计局.xls", "210")]);
    assert_eq!(summary.returns[0].changed, 1);
    assert_eq!(summary.returns[0].filled, 0);
    assert_eq!(base.sheets[0].sheet.text(row, col), "203.5");
    assert_eq!(outcome(&base), outcome(&full));
}

#[test]
fn an_xls_return_works_like_an_xlsx_one() {
    let full = import(PROGRESS);
    let mut base = with_actuals(&full, |_| false);
    let summary = merge::merge(&mut base, &[(PROGRESS.into(), import(PROGRESS))]);
    assert_eq!(summary.conflicts, []);
    assert_eq!(summary.unmatched, []);
    assert_eq!(outcome(&base), outcome(&full));
}

#[test]
fn the_cli_merges_and_exits_3_on_a_conflict() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let full = import(PROGRESS);
    let base = with_actuals(&full, |_| false);
    let base_file = dir.join("base.xlsx");
    std::fs::write(
        &base_file,
        fill::workbook(&base, &plan::Options::default(), Some(0.0)).unwrap(),
    )
    .unwrap();
    let out = dir.join("out.xlsx");
    let cli = env!("CARGO_BIN_EXE_zhibiao-cli");
    let run = std::process::Command::new(cli)
        .arg("merge")
        .arg(&base_file)
        .arg(fixture(PROGRESS))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["returns"][0]["file"], PROGRESS);
    assert_eq!(summary["conflicts"].as_array().unwrap().len(), 0);
    let merged = io::import(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(outcome(&merged), outcome(&full));
    // A return that disagrees on one value: exit status 3, the value listed, OUT still written.
    let mut other = full.clone();
    let s = &mut other.sheets[0];
    let layout = s.layout.clone().unwrap();
    let row = s.plan.as_ref().unwrap().indicators[0].row as usize - 1;
    s.sheet.rows[row][layout.actual_cols()[&2022]] = RawCell::Number {
        n: 1.0,
        format: None,
    };
    s.plan = Some(build_plan(&s.sheet, &layout));
    let other_file = dir.join("other.xlsx");
    std::fs::write(
        &other_file,
        fill::workbook(&other, &plan::Options::default(), Some(0.0)).unwrap(),
    )
    .unwrap();
    let run = std::process::Command::new(cli)
        .arg("merge")
        .arg(&out)
        .arg(&other_file)
        .arg("-o")
        .arg(dir.join("out2.xlsx"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3));
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["conflicts"].as_array().unwrap().len(), 1);
    assert!(dir.join("out2.xlsx").exists());
    // A file that cannot be read: exit status 2 and its message.
    let bad = dir.join("bad.xlsx");
    std::fs::write(&bad, b"%PDF-1.7\n\x00\x01\x02 not a workbook").unwrap();
    let run = std::process::Command::new(cli)
        .args(["merge"])
        .arg(&out)
        .arg(&bad)
        .arg("-o")
        .arg(dir.join("out3.xlsx"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("bad.xlsx"));
}

#[test]
fn the_consolidated_workbook_carries_a_consolidation_sheet_that_reimport_ignores() {
    let full = import(PROGRESS);
    let mut base = full.clone();
    let mut ret = full.clone();
    let s = &mut ret.sheets[0];
    let layout = s.layout.clone().unwrap();
    let row = s.plan.as_ref().unwrap().indicators[0].row as usize - 1;
    s.sheet.rows[row][layout.actual_cols()[&2021]] = RawCell::Number {
        n: 210.0,
        format: None,
    };
    s.plan = Some(build_plan(&s.sheet, &layout));
    let summary = merge::merge(&mut base, &[("统计局.xls".into(), ret)]);
    assert_eq!(summary.conflicts.len(), 1);
    let bytes =
        fill::consolidated(&base, Some(&summary), &plan::Options::default(), Some(0.0)).unwrap();
    let workbook = io::read::read_workbook(&bytes).unwrap();
    let sheet = workbook
        .sheets
        .iter()
        .find(|s| s.name == "汇总情况")
        .expect("a 汇总情况 sheet");
    let texts: Vec<String> = (0..sheet.rows.len())
        .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
        .map(|(r, c)| sheet.text(r, c))
        .collect();
    for want in [
        "报送情况（1）",
        "统计局.xls",
        "计划原值：203.5",
        "未处理：保留计划原值",
    ] {
        assert!(texts.iter().any(|t| t.contains(want)), "{want}: {texts:?}");
    }
    // Read back, the workbook is the plan it was: the sheet is not taken for a table.
    let again = io::import(&bytes).unwrap();
    assert_eq!(outcome(&again), outcome(&base));
    assert_eq!(
        again.sheets.iter().filter(|s| s.plan.is_some()).count(),
        1,
        "only the plan's own sheet is a table"
    );
    // The summary keeps in a saved state.
    let json = serde_json::to_string(&summary).unwrap();
    assert_eq!(
        serde_json::from_str::<merge::MergeSummary>(&json).unwrap(),
        summary
    );
}

#[test]
fn a_return_that_states_another_target_is_flagged_not_taken() {
    let base_csv = "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n\
                    1,人均GDP,元,县统计局,31502,58000,\n\
                    2,森林覆盖率,%,县林业局,60,62,\n";
    let back_csv = "报送单位：县林业局\n序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n\
                    1,人均GDP,元,县统计局,31502,58000,\n\
                    2,森林覆盖率,%,县林业局,60,65,61\n";
    let mut base = io::import(base_csv.as_bytes()).unwrap();
    let back = io::import(back_csv.as_bytes()).unwrap();
    let summary = merge::merge(&mut base, &[("林业局.csv".into(), back)]);
    assert_eq!(summary.returns[0].unit, "县林业局");
    assert_eq!(summary.returns[0].filled, 1);
    assert_eq!(
        summary.changed_targets.len(),
        1,
        "{:?}",
        summary.changed_targets
    );
    let t = &summary.changed_targets[0];
    assert_eq!(
        (
            t.name.as_str(),
            t.what.as_str(),
            t.plan.as_str(),
            t.value.as_str()
        ),
        ("森林覆盖率", "目标值", "62", "65")
    );
    // The plan keeps its target and takes the actual.
    assert_eq!(base.sheets[0].sheet.text(2, 5), "62");
    assert_eq!(base.sheets[0].sheet.text(2, 6), "61");
    assert_eq!(summary.missing_units, ["县统计局"]);
}

#[test]
fn a_return_without_base_and_target_columns_still_gives_its_actuals() {
    let base_csv = "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n\
                    1,人均GDP,元,县统计局,31502,58000,\n\
                    2,森林覆盖率,%,县林业局,60,62,\n";
    let mut base = io::import(base_csv.as_bytes()).unwrap();
    let only_actuals =
        "填报单位：县统计局\n序号,指标名称,2021年实际,2022年实际\n1,人均GDP,36900,39000\n";
    let summary = merge::merge(
        &mut base,
        &[(
            "统计局.csv".into(),
            io::import(only_actuals.as_bytes()).unwrap(),
        )],
    );
    assert_eq!(summary.returns[0].unit, "县统计局");
    assert_eq!(summary.returns[0].filled, 1);
    assert_eq!(base.sheets[0].sheet.text(1, 6), "36900");
    // 2022 has no column in the plan: said, not silently dropped.
    assert!(
        summary.returns[0].note.contains("2022年"),
        "{:?}",
        summary.returns[0]
    );
}

#[test]
fn a_returns_actual_before_the_plan_period_is_not_taken_for_its_base() {
    // Without its base column, a return's table reads its 2020 actual as the base (an actual
    // before the period of a table with a target): it is still that year's actual, and no
    // changed base.
    let base_csv = "序号,指标名称,单位,牵头单位,2019年基数,2025年目标,2020年实际,2021年实际\n\
                    1,人均GDP,元,县统计局,31502,58000,,\n";
    let back_csv =
        "序号,指标名称,单位,2025年目标,2020年实际,2021年实际\n1,人均GDP,元,58000,33000,36900\n";
    let mut base = io::import(base_csv.as_bytes()).unwrap();
    let back = io::import(back_csv.as_bytes()).unwrap();
    let summary = merge::merge(&mut base, &[("统计局.csv".into(), back)]);
    assert_eq!(summary.returns[0].filled, 2);
    assert_eq!(summary.changed_targets, []);
    assert_eq!(base.sheets[0].sheet.text(1, 6), "33000");
    assert_eq!(base.sheets[0].sheet.text(1, 7), "36900");
}

#[test]
fn distributed_copies_filled_by_their_units_merge_back_cleanly() {
    use zhibiao::io::write::distribute;
    let full = import(PROGRESS);
    let base = with_actuals(&full, |_| false);
    let copies = distribute::copies(&base, &plan::Options::default(), Some(0.0)).unwrap();
    let units: Vec<&str> = copies.iter().map(|c| c.unit.as_str()).collect();
    assert!(units.contains(&"县统计局"), "{units:?}");
    // Each copy names its unit in its title and greys the other units' rows.
    let copy = copies.iter().find(|c| c.unit == "县统计局").unwrap();
    let opened = io::import(&copy.bytes).unwrap();
    let sheet = &opened.sheets[0];
    let plan = sheet.plan.as_ref().unwrap();
    assert!(
        plan.title.ends_with("（报送单位：县统计局）"),
        "{}",
        plan.title
    );
    let grey = distribute::other_rows(plan, "县统计局");
    assert!(!grey.is_empty() && grey.len() < plan.indicators.len());
    // The unit fills its own rows' actuals (from the full plan) in its copy and sends it back.
    let mut filled = opened.clone();
    let s = &mut filled.sheets[0];
    let layout = s.layout.clone().unwrap();
    let truth = full.sheets[0].plan.as_ref().unwrap();
    let mut own = 0;
    for ind in s.plan.clone().unwrap().indicators {
        if grey.contains(&(ind.row - 1)) || ind.is_group {
            continue;
        }
        let Some(t) = truth.indicators.iter().find(|t| t.name == ind.name) else {
            continue;
        };
        for (year, col) in layout.actual_cols() {
            let row = t.row as usize - 1;
            let cell = full.sheets[0].sheet.cell(row, col).clone();
            if cell != RawCell::Empty {
                own += 1;
            }
            let r = ind.row as usize - 1;
            if s.sheet.rows[r].len() <= col {
                s.sheet.rows[r].resize(col + 1, RawCell::Empty);
            }
            s.sheet.rows[r][col] = cell;
            let _ = year;
        }
    }
    assert!(own > 0);
    s.plan = Some(build_plan(&s.sheet, &layout));
    let bytes = fill::workbook(&filled, &plan::Options::default(), Some(0.0)).unwrap();
    let back = io::import(&bytes).unwrap();
    let mut merged = base.clone();
    let summary = merge::merge(&mut merged, &[(copy.file.clone(), back)]);
    assert_eq!(summary.conflicts, []);
    assert_eq!(summary.unmatched, []);
    assert_eq!(summary.changed_targets, []);
    assert_eq!(summary.returns[0].unit, "县统计局");
    assert_eq!(summary.returns[0].filled, own);
    assert!(!summary.missing_units.contains(&"县统计局".to_string()));
    // The values arrived where the full plan has them.
    let got = merged.sheets[0].plan.as_ref().unwrap();
    for (g, t) in got.indicators.iter().zip(&truth.indicators) {
        if units_of(&t.lead_units, &t.other_units).contains("县统计局") {
            assert_eq!(g.actual, t.actual, "{}", t.name);
        }
    }
    // The zip holds every copy.
    let zip = distribute::zip_files(copies.iter().map(|c| (c.file.as_str(), c.bytes.as_slice())))
        .unwrap();
    assert!(zip.starts_with(b"PK"));
    assert_eq!(copies.len(), units.len());
}

#[test]
fn the_cli_distributes_a_plan_into_a_zip() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("distribute-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.zip");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao-cli"))
        .arg("distribute")
        .arg(fixture(PROGRESS))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("县统计局\t县统计局.xlsx"), "{stdout}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
}

#[test]
fn a_copy_of_a_plan_without_a_title_row_gets_one_naming_its_unit() {
    use zhibiao::io::write::distribute;
    let csv = "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年,2021年实际\n\
               1,人均GDP,元,县统计局,县发改局,31502,58000,\n\
               2,森林覆盖率,%,县林业局,,60,62,\n";
    let base = io::import(csv.as_bytes()).unwrap();
    let copies = distribute::copies(&base, &plan::Options::default(), Some(0.0)).unwrap();
    let files: Vec<&str> = copies.iter().map(|c| c.file.as_str()).collect();
    assert_eq!(files, ["县统计局.xlsx", "县发改局.xlsx", "县林业局.xlsx"]);
    let copy = io::import(&copies[2].bytes).unwrap();
    let plan = copy.sheets[0].plan.as_ref().unwrap();
    assert_eq!(plan.indicators.len(), 2);
    assert!(plan.title.contains("报送单位：县林业局"), "{}", plan.title);
    assert_eq!(
        distribute::other_rows(plan, "县林业局"),
        [plan.indicators[0].row - 1]
    );
    // Sent back untouched, it fills nothing, changes nothing and speaks for 县林业局.
    let mut merged = base.clone();
    let summary = merge::merge(&mut merged, &[(copies[2].file.clone(), copy)]);
    assert_eq!(summary.returns[0].unit, "县林业局");
    assert_eq!(summary.returns[0].filled, 0);
    assert_eq!(summary.conflicts, []);
    assert_eq!(summary.changed_targets, []);
    assert_eq!(summary.unmatched, []);
    assert_eq!(summary.missing_units, ["县发改局", "县统计局"]);
    assert_eq!(merged, base);
}

#[test]
fn a_conflict_resolved_with_a_returns_value_takes_it() {
    let full = import(PROGRESS);
    let mut base = full.clone();
    let mut ret = full.clone();
    let s = &mut ret.sheets[0];
    let layout = s.layout.clone().unwrap();
    let ind = s.plan.as_ref().unwrap().indicators[0].clone();
    let (row, col) = (ind.row as usize - 1, layout.actual_cols()[&2021]);
    s.sheet.rows[row][col] = RawCell::Number {
        n: 210.0,
        format: None,
    };
    s.plan = Some(build_plan(&s.sheet, &layout));
    let mut summary = merge::merge(&mut base, &[("统计局.xls".into(), ret)]);
    let conflict = &mut summary.conflicts[0];
    assert!(!merge::resolve(&mut base, conflict, "nobody.xls"));
    assert_eq!(conflict.resolved, None);
    assert!(merge::resolve(&mut base, conflict, "统计局.xls"));
    assert_eq!(conflict.resolved.as_deref(), Some("统计局.xls"));
    assert_eq!(base.sheets[0].sheet.text(row, col), "210");
    let plan = base.sheets[0].plan.as_ref().unwrap();
    assert_eq!(
        plan.indicators[0].actual.get(&2021).map(|g| &*g.text),
        Some("210")
    );
    // The sheet says how it ended.
    let bytes =
        fill::consolidated(&base, Some(&summary), &plan::Options::default(), Some(0.0)).unwrap();
    let workbook = io::read::read_workbook(&bytes).unwrap();
    let sheet = workbook
        .sheets
        .iter()
        .find(|s| s.name == "汇总情况")
        .unwrap();
    let said = (0..sheet.rows.len())
        .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
        .any(|(r, c)| sheet.text(r, c) == "采用 统计局.xls 的值 210");
    assert!(said);
}

#[test]
fn the_consolidated_workbook_read_back_keeps_the_returns_and_a_further_merge_continues() {
    let full = import(PROGRESS);
    let plan = full.sheets[0].plan.clone().unwrap();
    let mut base = with_actuals(&full, |_| false);
    let first = &plan.indicators[0];
    let unit = first_lead(first);
    let ret = with_actuals(&full, |i| first_lead(i) == unit);
    // A second return of the same unit, with seq 1's 2021 actual given differently.
    let mut other = ret.clone();
    let s = &mut other.sheets[0];
    let layout = s.layout.clone().unwrap();
    let (row, col) = (first.row as usize - 1, layout.actual_cols()[&2021]);
    s.sheet.rows[row][col] = RawCell::Number {
        n: 210.0,
        format: None,
    };
    s.plan = Some(build_plan(&s.sheet, &layout));
    let (mut summary, cells) = merge::merge_with_cells(
        &mut base,
        &[("a.xlsx".into(), ret), ("b.xlsx".into(), other)],
    );
    assert_eq!(summary.conflicts.len(), 1, "{:?}", summary.conflicts);
    assert!(merge::resolve(
        &mut base,
        &mut summary.conflicts[0],
        "b.xlsx"
    ));
    let filled_a = summary.returns[0].filled;
    assert!(filled_a > 1);
    assert_eq!(cells.len(), filled_a + summary.returns[1].filled);
    let consolidation = Consolidation::of_merge(&base, &summary, &cells);
    let bytes = fill::consolidated_with(
        &base,
        Some(&consolidation),
        &plan::Options::default(),
        Some(0.0),
    )
    .unwrap();
    let back = io::import(&bytes).unwrap();
    // The records: a.xlsx filled what it filled, b.xlsx made the conflict, resolved with its
    // value; the summary as it was (returns, missing units, conflicts).
    assert_eq!(back.returns, consolidation.returns);
    let records = &back.returns.records;
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].cells.len(), filled_a);
    assert_eq!(records[0].conflicts, []);
    assert_eq!(records[1].conflicts, summary.conflicts);
    assert_eq!(records[1].conflicts[0].resolved.as_deref(), Some("b.xlsx"));
    assert_eq!(back.returns.summary(&back).as_ref(), Some(&summary));
    assert_eq!(back.returns.given_by(0, row, col, 2021), Some("b.xlsx"));
    assert_eq!(back.sheets[0].sheet.text(row, col), "210");
    // A further merge into the read-back workbook keeps the earlier returns first.
    let mut again = back.clone();
    let next_unit = plan
        .indicators
        .iter()
        .map(first_lead)
        .find(|u| *u != unit && summary.missing_units.contains(u))
        .unwrap();
    let next = with_actuals(&full, |i| first_lead(i) == next_unit);
    let (more, more_cells) = merge::merge_with_cells(&mut again, &[("c.xlsx".into(), next)]);
    assert!(more.returns[0].filled > 0);
    let continued = Consolidation::of_merge(&again, &more, &more_cells);
    let files: Vec<&str> = continued
        .summary
        .returns
        .iter()
        .map(|r| r.file.as_str())
        .collect();
    assert_eq!(files, ["a.xlsx", "b.xlsx", "c.xlsx"]);
    assert_eq!(continued.summary.conflicts, summary.conflicts);
    assert!(!continued.summary.missing_units.contains(&next_unit));
    assert!(summary.missing_units.contains(&next_unit));
}
