//! The generated corpus: thousands of indicator tables from a grammar of real header variants
//! (tests/corpus/README.md), each with its ground truth, run through detection.
//!
//! `cargo test --test corpus -- --nocapture` prints the report: exact recoveries per variant
//! tag and the first diffs of each variant that fails. The report is also written to
//! `target/tmp/corpus-report.txt`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

#[path = "corpus/mod.rs"]
mod corpus;

use corpus::check::{self, Outcome};
use corpus::gen::{generate, Case};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The corpus seed ("ZHIBIAO!").
const SEED: u64 = 0x5A48_4942_4941_4F21;
/// The seed in use: `CORPUS_SEED` (a decimal number) tries another corpus of the same grammar,
/// to see that detection does not fit one seed.
fn seed() -> u64 {
    std::env::var("CORPUS_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(SEED)
}

/// How many cases are generated.
const CASES: usize = 3000;
/// How many must be recovered exactly (the issue asks for 2,000; 98 % keeps a regression from
/// hiding in the margin).
const MUST_PASS: usize = 2_940;
/// Failing cases shown per variant.
const DIFFS_PER_VARIANT: usize = 2;

#[derive(Default)]
struct Tally {
    cases: usize,
    exact: usize,
    detected: usize,
    band: usize,
    columns: usize,
    years: usize,
    indicators: usize,
    failing: Vec<usize>,
}

impl Tally {
    fn add(&mut self, i: usize, o: &Outcome) {
        self.cases += 1;
        self.exact += usize::from(o.exact());
        self.detected += usize::from(o.detected);
        self.band += usize::from(o.band);
        self.columns += usize::from(o.columns);
        self.years += usize::from(o.years);
        self.indicators += usize::from(o.indicators);
        if !o.exact() {
            self.failing.push(i);
        }
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

fn report(cases: &[Case], outcomes: &[Outcome]) -> (String, usize) {
    let mut all = Tally::default();
    let mut by_tag: BTreeMap<&str, Tally> = BTreeMap::new();
    for (i, (c, o)) in cases.iter().zip(outcomes).enumerate() {
        all.add(i, o);
        for t in &c.tags {
            by_tag.entry(t.as_str()).or_default().add(i, o);
        }
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "corpus: {} cases (seed {:#x}), {} recovered exactly ({:.1} %), {} needed",
        all.cases,
        seed(),
        all.exact,
        pct(all.exact, all.cases),
        MUST_PASS
    );
    let _ = writeln!(
        s,
        "parts recovered: table found {:.1} %, header band {:.1} %, columns {:.1} %, years {:.1} %, indicators {:.1} %",
        pct(all.detected, all.cases),
        pct(all.band, all.cases),
        pct(all.columns, all.cases),
        pct(all.years, all.cases),
        pct(all.indicators, all.cases)
    );
    if !check::COMPARE_PARENT {
        let _ = writeln!(
            s,
            "(parents of two-level names are not compared: check::COMPARE_PARENT is off)"
        );
    }
    let _ = writeln!(
        s,
        "\n{:<52} {:>6} {:>6} {:>6}   {:>5} {:>5} {:>5} {:>5} {:>5}",
        "variant", "cases", "exact", "%", "found", "band", "cols", "years", "inds"
    );
    for (tag, t) in &by_tag {
        let _ = writeln!(
            s,
            "{:<52} {:>6} {:>6} {:>6.1}   {:>5.0} {:>5.0} {:>5.0} {:>5.0} {:>5.0}",
            tag,
            t.cases,
            t.exact,
            pct(t.exact, t.cases),
            pct(t.detected, t.cases),
            pct(t.band, t.cases),
            pct(t.columns, t.cases),
            pct(t.years, t.cases),
            pct(t.indicators, t.cases)
        );
    }
    let _ = writeln!(
        s,
        "\nFailing cases of each variant (0-based rows; columns as letters). Shown first are \
         the cases whose other tags pass most often, so that the diff is most likely this \
         variant's own:"
    );
    let rate: BTreeMap<&str, f64> = by_tag
        .iter()
        .map(|(k, t)| (*k, pct(t.exact, t.cases)))
        .collect();
    for (tag, t) in &by_tag {
        if t.failing.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n== {tag}: {} of {} fail", t.failing.len(), t.cases);
        // (lowest pass rate of the other tags, their mean): higher is more telling.
        let score = |i: usize| -> (f64, f64) {
            let others: Vec<f64> = cases[i]
                .tags
                .iter()
                .filter(|x| x.as_str() != *tag)
                .map(|x| rate.get(x.as_str()).copied().unwrap_or(0.0))
                .collect();
            let min = others.iter().copied().fold(100.0, f64::min);
            let mean = others.iter().sum::<f64>() / others.len().max(1) as f64;
            (min, mean)
        };
        let mut order = t.failing.clone();
        order.sort_by(|&a, &b| {
            let (sa, sb) = (score(a), score(b));
            sb.partial_cmp(&sa)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.cmp(&b))
        });
        for &i in order.iter().take(DIFFS_PER_VARIANT) {
            let c = &cases[i];
            let _ = writeln!(s, "  case {} [{}]", c.id, c.tags.join(" "));
            for d in &outcomes[i].diffs {
                let _ = writeln!(s, "    {d}");
            }
        }
    }
    (s, all.exact)
}

#[test]
fn detection_recovers_the_generated_corpus() {
    let start = std::time::Instant::now();
    let cases = generate(seed(), CASES);
    let generated = start.elapsed();
    assert_truths_are_sound(&cases);
    let outcomes: Vec<Outcome> = cases.iter().map(check::run).collect();
    let checked = start.elapsed() - generated;
    let (mut text, exact) = report(&cases, &outcomes);
    text.insert_str(
        0,
        &format!(
            "generated in {:.1} s, detected and compared in {:.1} s\n",
            generated.as_secs_f64(),
            checked.as_secs_f64()
        ),
    );
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-report.txt");
    let _ = std::fs::write(&path, &text);
    println!("{text}");
    assert!(
        exact >= MUST_PASS,
        "{exact} of {CASES} cases recovered exactly, {MUST_PASS} needed (report above, and in {})",
        path.display()
    );
}

/// The comparison itself: a layout and plan made from the truth are recovered exactly, and one
/// wrong indicator or column is not.
#[test]
fn the_comparison_accepts_the_truth_and_nothing_else() {
    use zhibiao::plan::{Indicator, Plan};
    use zhibiao::table::detect::{Column, Layout, Role};
    for c in generate(SEED, 300) {
        let t = &c.truth;
        let layout = Layout {
            header_first: t.header_first,
            header_last: t.header_last,
            data_first: t.header_last + 1,
            data_last: t.header_last + 1,
            columns: t
                .columns
                .iter()
                .copied()
                .chain(t.parent_col.map(|c| (c, Role::Parent)))
                .map(|(col, role)| Column {
                    col,
                    role,
                    header: String::new(),
                    why: Vec::new(),
                })
                .collect(),
            base_year: t.base_year,
            target_year: t.target_year,
            title: String::new(),
        };
        let mut plan = Plan {
            indicators: t
                .indicators
                .iter()
                .map(|i| Indicator {
                    row: i.row,
                    name: i.name.clone(),
                    unit: i.unit.clone(),
                    category: i.category.clone(),
                    parent: i.parent.clone(),
                    ..Indicator::default()
                })
                .collect(),
            ..Plan::default()
        };
        let o = check::compare(t, &c.sheet, Some(&layout), Some(&plan));
        assert!(o.exact(), "case {}: {:?}", c.id, o.diffs);
        plan.indicators[0].name.push('x');
        let o = check::compare(t, &c.sheet, Some(&layout), Some(&plan));
        assert!(!o.exact() && !o.indicators && o.columns, "case {}", c.id);
        plan.indicators[0].name.pop();
        let mut wrong = layout.clone();
        wrong.columns.pop();
        let o = check::compare(t, &c.sheet, Some(&wrong), Some(&plan));
        assert!(!o.exact() && !o.columns && o.indicators, "case {}", c.id);
    }
}

#[test]
fn the_same_seed_gives_the_same_corpus() {
    let a = generate(SEED, 300);
    let b = generate(SEED, 300);
    assert!(a == b, "two runs of one seed differ");
    let c = generate(SEED ^ 1, 300);
    assert!(a != c, "another seed gives the same corpus");
}

/// The truth of every case is inside its sheet, in order, and names a Name column.
fn assert_truths_are_sound(cases: &[Case]) {
    for c in cases {
        let t = &c.truth;
        assert!(t.header_first <= t.header_last, "case {}", c.id);
        assert!(t.header_last < c.sheet.rows.len(), "case {}", c.id);
        assert!(!t.indicators.is_empty(), "case {}", c.id);
        let mut last = t.header_last as u32 + 1;
        for i in &t.indicators {
            assert!(i.row > last, "case {}: rows in order below the band", c.id);
            assert!((i.row as usize) <= c.sheet.rows.len(), "case {}", c.id);
            assert!(
                !i.name.is_empty() && !i.name.starts_with('*'),
                "case {}",
                c.id
            );
            last = i.row;
        }
        for (col, _) in &t.columns {
            assert!(*col < c.sheet.width(), "case {}", c.id);
        }
        assert!(t
            .columns
            .iter()
            .any(|(_, r)| *r == zhibiao::table::detect::Role::Name));
    }
}

/// `CORPUS_SHOW=17,240 cargo test --test corpus show_cases -- --nocapture` prints those cases:
/// the grid (`#` marks a number cell, `⏎` a line break), the merges, the truth and the diffs.
/// Without `CORPUS_SHOW` it does nothing.
#[test]
fn show_cases() {
    let Ok(ids) = std::env::var("CORPUS_SHOW") else {
        return;
    };
    let ids: Vec<usize> = ids
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let cases = generate(seed(), CASES);
    for id in ids {
        let Some(c) = cases.get(id) else {
            println!("no case {id}");
            continue;
        };
        println!("=== case {id}: {}", c.tags.join(" "));
        if let Some((kind, bytes)) = &c.file {
            println!("read back from {kind:?}, {} bytes", bytes.len());
        }
        for (r, row) in c.sheet.rows.iter().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .map(|x| match x {
                    zhibiao::plan::RawCell::Empty => String::new(),
                    zhibiao::plan::RawCell::Text { s } => s.replace('\n', "⏎"),
                    zhibiao::plan::RawCell::Number { n, .. } => format!("#{n}"),
                })
                .collect();
            println!("{r:>4} | {}", cells.join(" | "));
        }
        let merges: Vec<String> = c
            .sheet
            .merges
            .iter()
            .map(|m| {
                format!(
                    "{}{}:{}{}",
                    zhibiao::table::grid::col_letters(m.first_col as usize),
                    m.first_row + 1,
                    zhibiao::table::grid::col_letters(m.last_col as usize),
                    m.last_row + 1
                )
            })
            .collect();
        println!("merges: {}", merges.join(" "));
        let t = &c.truth;
        println!(
            "truth: header rows {}..={} (0-based), base {:?}, target {:?}, parent column {:?}",
            t.header_first,
            t.header_last,
            t.base_year,
            t.target_year,
            t.parent_col.map(zhibiao::table::grid::col_letters)
        );
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|(col, role)| {
                format!("{}:{}", zhibiao::table::grid::col_letters(*col), role.key())
            })
            .collect();
        println!("columns: {}", cols.join(" "));
        for i in &t.indicators {
            println!(
                "  row {:>3}  {} | {} | {} | {}",
                i.row, i.name, i.unit, i.category, i.parent
            );
        }
        let o = check::run(c);
        println!("recovered exactly: {}", o.exact());
        for d in &o.diffs {
            println!("  {d}");
        }
    }
}
