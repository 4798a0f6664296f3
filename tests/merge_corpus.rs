//! A generated corpus of returns (汇总): for each case a plan table, and a return derived from
//! it the way units really change their copies — rows reordered, some deleted, indicators of
//! their own inserted, names renamed a little (full-width forms, spaces, `《》`, a bracketed
//! addition, a character dropped), columns reordered, sequence numbers renumbered or blanked,
//! and sometimes a `报送单位：X` line above the table. Each case carries its truth: which plan
//! row each return row is, or that it must stay unmatched.
//!
//! The matcher ([`zhibiao::io::merge::match_rows`]) must never assign a wrong row; the share of
//! rows it does match (recall) is printed, overall and per kind of rename:
//! `cargo test --test merge_corpus -- --nocapture`. The names come from the detection corpus's
//! vocabulary (`tests/corpus/words.rs`, sources in `tests/corpus/README.md`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

#[allow(dead_code)] // the shared corpus vocabulary; this file uses only some
#[path = "corpus/words.rs"]
mod words;

#[allow(dead_code)]
#[path = "corpus/rng.rs"]
mod rng;

use rng::Rng;
use std::collections::{BTreeMap, BTreeSet};
use zhibiao::io::{self, merge};
use zhibiao::plan::score::fold;

/// The corpus seed; `MERGE_CORPUS_SEED` (a decimal number) tries another corpus of the same
/// grammar.
const SEED: u64 = 0x4D45_5247_4521_2116;

fn seed() -> u64 {
    std::env::var("MERGE_CORPUS_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(SEED)
}
/// How many cases.
const CASES: usize = 1200;

/// A name compared as the matcher compares names (folded, letters, digits and CJK only).
fn key(name: &str) -> String {
    fold(name)
        .chars()
        .filter(|c| c.is_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect()
}

/// The kinds of rename, as tags in the report.
const RENAMES: [&str; 6] = [
    "full-width",
    "spaces",
    "《》",
    "bracketed addition",
    "character dropped",
    "two characters dropped inside",
];

/// One return row: the plan row it is (`None`: the unit's own), its name and how it was
/// renamed.
#[derive(Clone, Debug)]
struct Row {
    truth: Option<usize>,
    seq: String,
    name: String,
    unit: String,
    lead: String,
    rename: Option<&'static str>,
}

/// The pool of distinct names (by key), with their units.
fn pool() -> Vec<(&'static str, &'static str)> {
    let mut seen = BTreeSet::new();
    words::NAMES
        .iter()
        .chain(words::NAMES_NBS)
        .copied()
        .filter(|(n, _)| seen.insert(key(n)))
        .collect()
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// `name` renamed one way; `None` when that way does not apply to it.
fn rename(rng: &mut Rng, name: &str, kind: &str, unit: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let n = chars.len();
    let at = |i: usize, insert: &str| -> String {
        let (a, b) = chars.split_at(i.min(n));
        format!(
            "{}{insert}{}",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    };
    match kind {
        "full-width" => {
            if name.chars().any(|c| c.is_ascii_graphic()) {
                Some(full_width(name))
            } else {
                Some(at(rng.range(1, n - 1), "　"))
            }
        }
        "spaces" => {
            const SPACES: [&str; 3] = [" ", "  ", "　"];
            let space = SPACES[rng.below(SPACES.len())];
            Some(at(rng.range(1, n - 1), space))
        }
        "《》" => {
            let cut = rng.range(2, n);
            let (a, b) = chars.split_at(cut);
            Some(format!(
                "《{}》{}",
                a.iter().collect::<String>(),
                b.iter().collect::<String>()
            ))
        }
        "bracketed addition" => {
            let inside = if unit.is_empty() { "备注" } else { unit };
            Some(if rng.chance(0.5) {
                format!("{name}（{inside}）")
            } else {
                format!("{name}({inside})")
            })
        }
        "character dropped" => {
            if n < 5 {
                return None;
            }
            let i = rng.below(n);
            Some(
                chars
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i)
                    .map(|(_, c)| c)
                    .collect(),
            )
        }
        _ => {
            // Two characters dropped inside, not at either end.
            if n < 8 {
                return None;
            }
            let i = rng.range(2, n - 4);
            Some(
                chars
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i && *k != i + 1)
                    .map(|(_, c)| c)
                    .collect(),
            )
        }
    }
}

/// One case: the plan's CSV, the return's CSV, the return's truth by its 1-based sheet row,
/// and each plan row's 1-based sheet row.
struct Case {
    plan_csv: String,
    return_csv: String,
    truth_by_row: BTreeMap<u32, (Option<usize>, Option<&'static str>)>,
    plan_rows: Vec<u32>,
}

fn generate(rng: &mut Rng, pool: &[(&'static str, &'static str)]) -> Case {
    // The plan: 6–30 distinct indicators.
    let mut order: Vec<usize> = (0..pool.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let n = rng.range(6, 30.min(pool.len() - 4));
    let (chosen, rest) = order.split_at(n);
    let plan: Vec<(String, String, String, String)> = chosen
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let (name, unit) = pool[p];
            (
                (i + 1).to_string(),
                name.to_string(),
                unit.to_string(),
                rng.pick(words::UNITS_ORGS).to_string(),
            )
        })
        .collect();
    let header = [
        "序号",
        "指标名称",
        "单位",
        "牵头单位",
        "2020年",
        "2025年",
        "2021年实际",
    ];
    let mut plan_csv = header.join(",") + "\n";
    for (seq, name, unit, lead) in &plan {
        plan_csv += &format!("{seq},{name},{unit},{lead},100,120,\n");
    }
    let plan_rows: Vec<u32> = (0..plan.len()).map(|i| i as u32 + 2).collect();
    let plan_keys: BTreeSet<String> = plan.iter().map(|p| key(&p.1)).collect();

    // The return: the plan's rows, some deleted, renamed, reordered, with the unit's own rows.
    let mut rows: Vec<Row> = plan
        .iter()
        .enumerate()
        .filter(|_| !rng.chance(0.1))
        .map(|(i, (seq, name, unit, lead))| Row {
            truth: Some(i),
            seq: seq.clone(),
            name: name.clone(),
            unit: unit.clone(),
            lead: lead.clone(),
            rename: None,
        })
        .collect();
    for row in &mut rows {
        if !rng.chance(0.35) {
            continue;
        }
        let kind = *rng.pick(&RENAMES);
        let Some(new) = rename(rng, &row.name, kind, &row.unit) else {
            continue;
        };
        // A rename that makes another indicator's name has no truth to check: leave it out.
        let k = key(&new);
        if k.is_empty() || (k != key(&row.name) && plan_keys.contains(&k)) {
            continue;
        }
        row.name = new;
        row.rename = Some(kind);
    }
    if rng.chance(0.3) {
        for i in (1..rows.len()).rev() {
            rows.swap(i, rng.below(i + 1));
        }
    } else {
        for i in 1..rows.len() {
            if rng.chance(0.15) {
                rows.swap(i - 1, i);
            }
        }
    }
    for _ in 0..rng.range(0, 3) {
        let (name, unit) = pool[*rng.pick(rest)];
        if plan_keys.contains(&key(name)) || rows.iter().any(|r| key(&r.name) == key(name)) {
            continue;
        }
        let at = rng.below(rows.len() + 1);
        rows.insert(
            at,
            Row {
                truth: None,
                seq: String::new(),
                name: name.to_string(),
                unit: unit.to_string(),
                lead: rng.pick(words::UNITS_ORGS).to_string(),
                rename: None,
            },
        );
    }
    // Sequence numbers: renumbered, blanked, or kept (the unit's own rows numbered after).
    let renumber = rng.unit();
    let mut next = plan.len() + 1;
    for (i, row) in rows.iter_mut().enumerate() {
        if renumber < 0.5 {
            row.seq = (i + 1).to_string();
        } else if renumber < 0.7 {
            row.seq = String::new();
        } else if row.truth.is_none() {
            row.seq = next.to_string();
            next += 1;
        }
    }
    // Columns: sometimes reordered.
    let mut columns: Vec<usize> = (0..header.len()).collect();
    if rng.chance(0.3) {
        for i in (1..columns.len()).rev() {
            columns.swap(i, rng.below(i + 1));
        }
    }
    let mut return_csv = String::new();
    let mut first_data_row = 2;
    if rng.chance(0.3) {
        return_csv += &format!("报送单位：{}\n", rng.pick(words::UNITS_ORGS));
        first_data_row += 1;
    }
    let line = |cells: [String; 7]| {
        columns
            .iter()
            .map(|&c| cells[c].clone())
            .collect::<Vec<_>>()
            .join(",")
            + "\n"
    };
    return_csv += &line(header.map(str::to_string));
    let mut truth_by_row = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        return_csv += &line([
            row.seq.clone(),
            row.name.clone(),
            row.unit.clone(),
            row.lead.clone(),
            "100".into(),
            "120".into(),
            format!("{}", 101 + i),
        ]);
        truth_by_row.insert(first_data_row + i as u32, (row.truth, row.rename));
    }
    Case {
        plan_csv,
        return_csv,
        truth_by_row,
        plan_rows,
    }
}

#[derive(Default)]
struct Tally {
    rows: usize,
    matched: usize,
}

#[test]
fn the_matcher_never_assigns_a_wrong_row() {
    let pool = pool();
    let mut rng = Rng::new(seed());
    let mut wrong = Vec::new();
    let mut unread = 0;
    let mut must_stay_unmatched = 0;
    let mut stayed_unmatched = 0;
    let mut by_kind: BTreeMap<&str, Tally> = BTreeMap::new();
    for case_no in 0..CASES {
        let case = generate(&mut rng, &pool);
        let plan = io::import(case.plan_csv.as_bytes()).unwrap();
        let plan = plan.sheets[0].plan.as_ref().expect("the plan is a table");
        assert_eq!(
            plan.indicators.len(),
            case.plan_rows.len(),
            "{}",
            case.plan_csv
        );
        let returned = io::import(case.return_csv.as_bytes()).unwrap();
        let Some(ret) = returned.sheets[0].plan.as_ref() else {
            unread += 1;
            for (truth, rename) in case.truth_by_row.values() {
                if truth.is_some() {
                    by_kind
                        .entry(rename.unwrap_or("unchanged"))
                        .or_default()
                        .rows += 1;
                }
            }
            continue;
        };
        let matches = merge::match_rows(&plan.indicators, &ret.indicators);
        let mut seen = BTreeSet::new();
        for (ri, m) in ret.indicators.iter().zip(&matches) {
            let Some(&(truth, rename)) = case.truth_by_row.get(&ri.row) else {
                continue;
            };
            seen.insert(ri.row);
            let got = m.map(|pi| {
                let row = plan.indicators[pi].row;
                case.plan_rows.iter().position(|r| *r == row).unwrap()
            });
            if got.is_some() && got != truth {
                wrong.push(format!(
                    "case {case_no}: return row {} {:?} matched plan row {:?}, truth {:?}",
                    ri.row,
                    ri.name,
                    got.map(|g| &plan.indicators[g].name),
                    truth.map(|t| &plan.indicators[t].name),
                ));
            }
            match truth {
                Some(_) => {
                    let tally = by_kind.entry(rename.unwrap_or("unchanged")).or_default();
                    tally.rows += 1;
                    tally.matched += usize::from(got == truth);
                }
                None => {
                    must_stay_unmatched += 1;
                    stayed_unmatched += usize::from(got.is_none());
                }
            }
        }
        // Rows the return's import did not give as indicators count as missed.
        for (row, (truth, rename)) in &case.truth_by_row {
            if truth.is_some() && !seen.contains(row) {
                by_kind
                    .entry(rename.unwrap_or("unchanged"))
                    .or_default()
                    .rows += 1;
            }
        }
    }
    let rows: usize = by_kind.values().map(|t| t.rows).sum();
    let matched: usize = by_kind.values().map(|t| t.matched).sum();
    let recall = matched as f64 / rows.max(1) as f64;
    println!(
        "merge corpus (seed {}): {CASES} cases, {unread} returns not read as a table",
        seed()
    );
    println!(
        "recall {:.2}% ({matched} of {rows} rows that are the plan's); wrong matches {}; \
         the unit's own rows left unmatched {stayed_unmatched} of {must_stay_unmatched}",
        100.0 * recall,
        wrong.len()
    );
    for (kind, t) in &by_kind {
        println!(
            "  {kind:<46} {:>6.2}% ({} of {})",
            100.0 * t.matched as f64 / t.rows.max(1) as f64,
            t.matched,
            t.rows
        );
    }
    assert!(
        wrong.is_empty(),
        "{} wrong matches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(stayed_unmatched, must_stay_unmatched);
    assert!(recall >= 0.9, "recall {recall}");
}
