//! Native benchmarks of every stage of the pipeline — read, detect, build, compute, export and
//! the JSON report — on the generated plans in `target/bench/data/` (written by
//! `cargo xtask bench --gen-only`, or by any `cargo xtask bench`), against calamine alone.
//!
//! Two modes, one binary:
//! - `cargo bench --bench pipeline`: divan benchmarks of each stage, by plan size
//!   (`ZHIBIAO_BENCH_SIZES=2000,20000` limits the sizes; divan's own flags filter by name);
//! - with `ZHIBIAO_BENCH_JSON=path` (what `cargo xtask bench` runs): every stage timed side by side
//!   — a warm-up, then each run times every stage in turn, so a busy machine slows all of them
//!   alike — and the medians written to `path` for `benches/browser/run.mjs`'s tables.
//!
//! The export is timed twice: straight, and in slices (`export_paced`: suspended at every step, as
//! in the page); the summary also records the slices of the last paced export (`export_slices`:
//! the longest while writing, and rust_xlsxwriter's assembly of the file, which is one call).
//!
//! No time is asserted anywhere.

// A benchmark whose input does not import must stop with the reason, not measure nothing.
#![allow(clippy::expect_used, clippy::panic)]

use calamine::{Ods, Reader, Xls, Xlsx};
use std::collections::HashMap;
use std::hint::black_box;
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;
use zhibiao::io::read::xls;
use zhibiao::io::write::xlsx;
use zhibiao::io::{self, read, report, Imported};
use zhibiao::plan::{self, PlanResults};
use zhibiao::table::detect;

/// The sizes `gen.rs` writes, and the row cap of its `.xls`.
const SIZES: &[usize] = &[2_000, 20_000, 100_000];
const XLS_MAX_DATA_ROWS: usize = 65_534;

fn main() {
    if let (Some(files), Some(out)) = (
        std::env::var_os("ZHIBIAO_USER_PATH_FILES"),
        std::env::var_os("ZHIBIAO_USER_PATH_JSON"),
    ) {
        return user_path::run(&files, PathBuf::from(out));
    }
    match std::env::var_os("ZHIBIAO_BENCH_JSON") {
        Some(path) => summary::run(PathBuf::from(path)),
        None => divan::main(),
    }
}

// ---------------------------------------------------------------------------------------------
// The user's path (cargo xtask bench --user-path): the native baselines of any files
// ---------------------------------------------------------------------------------------------

mod user_path {
    use super::*;
    use serde_json::json;
    use zhibiao::pace::{Pace, Stage};

    /// Times, per file, calamine's plain read (open + every sheet's range), our whole import,
    /// and our first screen (the time until `io::import_showing` shows it); `runs` runs after a
    /// warm-up, interleaved. `files` is a `:`-separated list of paths.
    pub fn run(files: &std::ffi::OsStr, out: PathBuf) {
        let runs: usize = std::env::var("ZHIBIAO_BENCH_RUNS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5);
        let mut results = Vec::new();
        for path in std::env::split_paths(files) {
            let bytes = std::fs::read(&path).expect("read the file");
            let mut samples: [Vec<f64>; 3] = Default::default();
            for round in 0..=runs {
                let started = Instant::now();
                black_box(stage::calamine_cells(&bytes));
                let calamine = started.elapsed().as_secs_f64() * 1000.0;
                let started = Instant::now();
                let mut first = None;
                let imported = pace_free(io::import_showing(&bytes, &mut Free, |_| {
                    first = Some(started.elapsed().as_secs_f64() * 1000.0);
                }));
                let import = started.elapsed().as_secs_f64() * 1000.0;
                black_box(imported.expect("import"));
                if round > 0 {
                    samples[0].push(calamine);
                    samples[1].push(import);
                    samples[2].push(first.unwrap_or(import));
                }
            }
            let stat = |mut s: Vec<f64>| {
                s.sort_by(f64::total_cmp);
                json!({
                    "median_ms": s[s.len() / 2],
                    "min_ms": s[0],
                    "max_ms": s[s.len() - 1],
                })
            };
            let [calamine, import, first] = samples;
            eprintln!("native: {}", path.display());
            results.push(json!({
                "path": path.display().to_string(),
                "bytes": bytes.len(),
                "calamine_read": stat(calamine),
                "import": stat(import),
                "first_screen": stat(first),
            }));
        }
        let text =
            serde_json::to_string_pretty(&json!({ "runs": runs, "files": results })).expect("json");
        std::fs::write(&out, text).expect("write the native user-path figures");
    }

    /// A pace that never waits.
    struct Free;

    impl Pace for Free {
        fn step(&mut self, _: Stage, _: f64) -> impl std::future::Future<Output = ()> {
            std::future::ready(())
        }
    }

    fn pace_free<F: std::future::Future>(work: F) -> F::Output {
        zhibiao::pace::finish(work).expect("a free pace never waits")
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

fn data_dir() -> PathBuf {
    std::env::var_os("ZHIBIAO_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
                .join("bench")
                .join("data")
        })
}

/// The sizes to run: `ZHIBIAO_BENCH_SIZES` or all, keeping those whose files exist.
fn sizes() -> Vec<usize> {
    let wanted: Vec<usize> = std::env::var("ZHIBIAO_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| SIZES.to_vec());
    let present: Vec<usize> = wanted
        .into_iter()
        .filter(|&n| data_dir().join(file_name(n, "xlsx")).is_file())
        .collect();
    if present.is_empty() {
        eprintln!(
            "no generated plans in {}: run `cargo xtask bench --gen-only` first",
            data_dir().display()
        );
    }
    present
}

/// `plan-20000.xlsx`, or the capped `.xls` (`plan-65534.xls`).
fn file_name(rows: usize, format: &str) -> String {
    let rows = if format == "xls" {
        rows.min(XLS_MAX_DATA_ROWS)
    } else {
        rows
    };
    format!("plan-{rows}.{format}")
}

/// The bytes of a generated file, read once.
fn bytes(rows: usize, format: &str) -> &'static [u8] {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static [u8]>>> = OnceLock::new();
    let name = file_name(rows, format);
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache.entry(name.clone()).or_insert_with(|| {
        let path = data_dir().join(&name);
        let data = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run `cargo xtask bench --gen-only`)",
                path.display()
            )
        });
        Box::leak(data.into_boxed_slice())
    })
}

/// One import and its results, made once per file.
struct Prepared {
    imported: Imported,
    results: Vec<Option<PlanResults>>,
}

fn prepared(rows: usize, format: &str) -> &'static Prepared {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static Prepared>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache.entry(file_name(rows, format)).or_insert_with(|| {
        let imported = io::import(bytes(rows, format)).expect("the generated plan imports");
        let results = imported
            .sheets
            .iter()
            .map(|s| {
                s.plan
                    .as_ref()
                    .map(|p| plan::compute(p, &plan::Options::default()))
            })
            .collect();
        Box::leak(Box::new(Prepared { imported, results }))
    })
}

/// The first sheet's plan and its results.
fn first_plan(p: &Prepared) -> (&plan::Plan, &PlanResults) {
    p.imported
        .sheets
        .iter()
        .zip(&p.results)
        .find_map(|(s, r)| Some((s.plan.as_ref()?, r.as_ref()?)))
        .expect("the generated plan has a table")
}

// ---------------------------------------------------------------------------------------------
// The stages (shared by both modes)
// ---------------------------------------------------------------------------------------------

mod stage {
    use super::*;

    /// calamine opens the workbook: the zip, shared strings, styles, relationships.
    pub fn calamine_open(bytes: &[u8]) -> usize {
        if bytes.starts_with(b"PK") {
            let wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
            wb.sheet_names().len()
        } else {
            let wb: Xls<_> = Xls::new(Cursor::new(bytes)).expect("xls");
            wb.sheet_names().len()
        }
    }

    /// calamine alone: open, then every sheet's cells (what a plain calamine user does).
    pub fn calamine_cells(bytes: &[u8]) -> usize {
        let mut cells = 0;
        // An OpenDocument package starts with its mimetype, stored (name at 30, text at 38).
        let ods = bytes
            .get(38..84)
            .is_some_and(|m| m == b"application/vnd.oasis.opendocument.spreadsheet");
        if ods {
            let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).expect("ods");
            for name in wb.sheet_names() {
                cells += wb.worksheet_range(&name).expect("range").get_size().0;
            }
        } else if bytes.starts_with(b"PK") {
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
            for name in wb.sheet_names() {
                cells += wb.worksheet_range(&name).expect("range").get_size().0;
            }
        } else {
            let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).expect("xls");
            for name in wb.sheet_names() {
                cells += wb.worksheet_range(&name).expect("range").get_size().0;
            }
        }
        cells
    }

    /// Open, then the styles pass `io/read.rs` makes over each `.xlsx` sheet (`worksheet_style`).
    pub fn calamine_styles(bytes: &[u8]) -> usize {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
        let mut n = 0;
        for name in wb.sheet_names() {
            n += usize::from(!wb.worksheet_style(&name).expect("styles").is_empty());
        }
        n
    }

    /// Open, then the merged-cells pass over each `.xlsx` sheet (`merge_cells_by_sheet_name`).
    pub fn calamine_merges(bytes: &[u8]) -> usize {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
        let mut n = 0;
        for name in wb.sheet_names() {
            n += wb.merge_cells_by_sheet_name(&name).expect("merges").len();
        }
        n
    }

    /// The `.xls` records checked and copied into a compound file rebuilt for calamine
    /// (`io/read/xls/`; the import now reads the cells in that walk instead, `read` below).
    pub fn xls_formats(bytes: &[u8]) -> usize {
        xls::checked_with_formats(bytes)
            .map(|c| c.file.len())
            .unwrap_or(0)
    }

    /// Our reading stage: bytes → grid (calamine for .xlsx, our own walk for .xls; formats,
    /// merges and look).
    pub fn read(bytes: &[u8]) -> usize {
        read::read_workbook(bytes).expect("read").sheets.len()
    }

    /// Our whole import: bytes → grid → layouts → plans.
    pub fn import(bytes: &[u8]) -> usize {
        io::import(bytes).expect("import").sheets.len()
    }

    /// Layout detection on every sheet.
    pub fn detect(p: &Prepared) -> usize {
        p.imported
            .sheets
            .iter()
            .filter_map(|s| detect::detect(&s.sheet))
            .count()
    }

    /// Plan building from the detected layouts.
    pub fn build_plan(p: &Prepared) -> usize {
        p.imported
            .sheets
            .iter()
            .filter_map(|s| Some(detect::build_plan(&s.sheet, s.layout.as_ref()?)))
            .map(|plan| plan.indicators.len())
            .sum()
    }

    /// The engine on every plan.
    pub fn compute(p: &Prepared) -> usize {
        p.imported
            .sheets
            .iter()
            .filter_map(|s| s.plan.as_ref())
            .map(|plan| {
                plan::compute(plan, &plan::Options::default())
                    .indicators
                    .len()
            })
            .sum()
    }

    fn sheets(p: &Prepared) -> Vec<xlsx::SheetExport<'_>> {
        zhibiao::io::write::fill::table_sheets(&p.imported, &p.results)
    }

    /// The filled workbook.
    pub fn export(p: &Prepared) -> usize {
        xlsx::export(&sheets(p)).expect("export").len()
    }

    /// The filled workbook in slices, suspended at every step as the page would be; the slices'
    /// lengths go to `slices` (the last one is rust_xlsxwriter's assembly of the file).
    pub fn export_paced(p: &Prepared, slices: &mut Vec<f64>) -> usize {
        let sheets = sheets(p);
        let mut pace = paced::Timed::default();
        let (bytes, _) = paced::drive(xlsx::export_paced(&sheets, &mut pace));
        *slices = pace.finish();
        bytes.expect("export").len()
    }

    /// The JSON report, serialised (computes every plan, as `zhibiao-cli report` does).
    pub fn report(p: &Prepared) -> usize {
        let json = report::report("bench", &p.imported, &plan::Options::default());
        serde_json::to_string(&json).expect("json").len()
    }
}

/// A pace that suspends once at every step and times the slices between steps.
mod paced {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    use std::time::Instant;
    use zhibiao::pace::{Pace, Stage};

    pub struct Timed {
        last: Instant,
        slices: Vec<f64>,
    }

    impl Default for Timed {
        fn default() -> Self {
            Self {
                last: Instant::now(),
                slices: Vec::new(),
            }
        }
    }

    impl Timed {
        /// The slices in ms, the last one up to now.
        pub fn finish(mut self) -> Vec<f64> {
            self.slices.push(self.last.elapsed().as_secs_f64() * 1000.0);
            self.slices
        }
    }

    impl Pace for Timed {
        fn step(&mut self, _: Stage, _: f64) -> impl Future<Output = ()> {
            self.slices.push(self.last.elapsed().as_secs_f64() * 1000.0);
            let mut waited = false;
            let last = &mut self.last;
            std::future::poll_fn(move |cx| {
                if waited {
                    *last = Instant::now();
                    Poll::Ready(())
                } else {
                    waited = true;
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            })
        }
    }

    /// Polls to the end, counting how often the work was suspended.
    pub fn drive<F: Future>(work: F) -> (F::Output, usize) {
        let mut work = std::pin::pin!(work);
        let mut cx = Context::from_waker(Waker::noop());
        let mut suspended = 0;
        loop {
            match work.as_mut().poll(&mut cx) {
                Poll::Ready(out) => return (out, suspended),
                Poll::Pending => suspended += 1,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// divan: `cargo bench --bench pipeline`
// ---------------------------------------------------------------------------------------------

/// Reading an `.xlsx`: calamine alone and each of our steps.
#[divan::bench_group(sample_count = 10, sample_size = 1)]
mod read_xlsx {
    use super::*;

    #[divan::bench(args = sizes())]
    fn calamine_cells(rows: usize) -> usize {
        stage::calamine_cells(black_box(bytes(rows, "xlsx")))
    }

    #[divan::bench(args = sizes())]
    fn calamine_styles(rows: usize) -> usize {
        stage::calamine_styles(black_box(bytes(rows, "xlsx")))
    }

    #[divan::bench(args = sizes())]
    fn calamine_merges(rows: usize) -> usize {
        stage::calamine_merges(black_box(bytes(rows, "xlsx")))
    }

    #[divan::bench(args = sizes())]
    fn read(rows: usize) -> usize {
        stage::read(black_box(bytes(rows, "xlsx")))
    }

    #[divan::bench(args = sizes())]
    fn import(rows: usize) -> usize {
        stage::import(black_box(bytes(rows, "xlsx")))
    }
}

/// Reading an `.xls` (the largest is capped at 65,534 rows).
#[divan::bench_group(sample_count = 10, sample_size = 1)]
mod read_xls {
    use super::*;

    #[divan::bench(args = sizes())]
    fn calamine_cells(rows: usize) -> usize {
        stage::calamine_cells(black_box(bytes(rows, "xls")))
    }

    #[divan::bench(args = sizes())]
    fn xls_formats(rows: usize) -> usize {
        stage::xls_formats(black_box(bytes(rows, "xls")))
    }

    #[divan::bench(args = sizes())]
    fn read(rows: usize) -> usize {
        stage::read(black_box(bytes(rows, "xls")))
    }

    #[divan::bench(args = sizes())]
    fn import(rows: usize) -> usize {
        stage::import(black_box(bytes(rows, "xls")))
    }
}

/// The stages after reading, on the `.xlsx` plans.
#[divan::bench_group(sample_count = 10, sample_size = 1)]
mod stages {
    use super::*;

    #[divan::bench(args = sizes())]
    fn detect(bencher: divan::Bencher, rows: usize) {
        let p = prepared(rows, "xlsx");
        bencher.bench(|| stage::detect(black_box(p)));
    }

    #[divan::bench(args = sizes())]
    fn build_plan(bencher: divan::Bencher, rows: usize) {
        let p = prepared(rows, "xlsx");
        bencher.bench(|| stage::build_plan(black_box(p)));
    }

    #[divan::bench(args = sizes())]
    fn compute(bencher: divan::Bencher, rows: usize) {
        let p = prepared(rows, "xlsx");
        bencher.bench(|| stage::compute(black_box(p)));
    }

    /// A keystroke: one indicator in the middle edited, its results and the scores again
    /// (`plan::recompute_with`, with the memo of the previous call).
    #[divan::bench(args = sizes())]
    fn recompute_one(bencher: divan::Bencher, rows: usize) {
        let (plan, _) = first_plan(prepared(rows, "xlsx"));
        let opts = plan::Options::default();
        let mut memo = plan::Memo::default();
        let mut results = plan::compute_with(plan, &opts, &mut memo);
        let mid = plan.indicators.len() / 2;
        bencher.bench_local(|| {
            plan::recompute_with(plan, &opts, &mut results, &[mid], &mut memo);
            results.indicators.len()
        });
    }

    /// The scores alone, from computed indicator results and kept score keys.
    #[divan::bench(args = sizes())]
    fn assess(bencher: divan::Bencher, rows: usize) {
        let (plan, results) = first_plan(prepared(rows, "xlsx"));
        let keys = plan::ScoreKeys::new(plan);
        let years = plan::actual_years(plan);
        bencher.bench(|| plan::score::assess_with(plan, &keys, &results.indicators, &years).len());
    }

    #[divan::bench(args = sizes())]
    fn export(bencher: divan::Bencher, rows: usize) {
        let p = prepared(rows, "xlsx");
        bencher.bench(|| stage::export(black_box(p)));
    }

    /// The export in slices, suspended at every step (what the page runs).
    #[divan::bench(args = sizes())]
    fn export_paced(bencher: divan::Bencher, rows: usize) {
        let p = prepared(rows, "xlsx");
        let mut slices = Vec::new();
        bencher.bench_local(|| stage::export_paced(black_box(p), &mut slices));
    }

    #[divan::bench(args = sizes())]
    fn report(bencher: divan::Bencher, rows: usize) {
        let p = prepared(rows, "xlsx");
        bencher.bench(|| stage::report(black_box(p)));
    }
}

/// Consolidation (汇总): 100 returns merged into a plan of 200 or 2,000 indicators, each return
/// the filled workbook of one unit with its rows' actuals, as `zhibiao-cli merge` and the page
/// get them. Built in memory (no generated files needed); importing the same 100 files is timed
/// beside it (issue 16: the merge should cost at most 0.2× of that, import + merge ≤ 1.2×).
#[divan::bench_group(sample_count = 5, sample_size = 1)]
mod consolidation {
    use super::*;
    use zhibiao::io::merge;
    use zhibiao::io::write::fill;
    use zhibiao::ui::state::{returns, Doc};

    /// Indicators in the plan, and returns merged into it (one per unit).
    const INDICATORS: [usize; 2] = [200, 2000];
    const RETURNS: usize = 100;

    /// The plan's CSV of `n` indicators: each indicator's lead unit is `单位<i·100/n>`;
    /// `actuals` fills the 2021 actual of the rows whose unit it names (`None`: every row).
    fn plan_csv(n: usize, actuals: Option<usize>) -> String {
        let mut csv = String::from("序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n");
        for i in 0..n {
            let unit = i * RETURNS / n;
            let actual = match actuals {
                Some(u) if u != unit => String::new(),
                _ => format!("{}", 105 + i % 7),
            };
            csv += &format!(
                "{},指标{i}号,万元,单位{unit},100,{},{actual}\n",
                i + 1,
                120 + i
            );
        }
        csv
    }

    /// The base (no actuals) and the returns' workbook bytes, by file name.
    type Inputs = (Imported, Vec<(String, Vec<u8>)>);

    /// The base and the 100 returns of a plan of `n` indicators.
    fn inputs(n: usize) -> &'static Inputs {
        static INPUTS: OnceLock<Vec<(usize, Inputs)>> = OnceLock::new();
        let all = INPUTS.get_or_init(|| {
            INDICATORS
                .iter()
                .map(|&n| {
                    let base =
                        io::import(plan_csv(n, Some(usize::MAX)).as_bytes()).expect("the plan");
                    let returns = (0..RETURNS)
                        .map(|u| {
                            let ret =
                                io::import(plan_csv(n, Some(u)).as_bytes()).expect("a return");
                            let bytes = fill::workbook(&ret, &plan::Options::default(), Some(0.0))
                                .expect("a return's workbook");
                            (format!("单位{u}.xlsx"), bytes)
                        })
                        .collect();
                    (n, (base, returns))
                })
                .collect()
        });
        &all.iter().find(|(k, _)| *k == n).expect("a size").1
    }

    /// The returns imported, by file name.
    type Returns = Vec<(String, Imported)>;

    fn imported_returns(n: usize) -> &'static [(String, Imported)] {
        static RETURNS: OnceLock<Vec<(usize, Returns)>> = OnceLock::new();
        let all = RETURNS.get_or_init(|| {
            INDICATORS
                .iter()
                .map(|&n| {
                    let imported = inputs(n)
                        .1
                        .iter()
                        .map(|(f, b)| (f.clone(), io::import(b).expect("a return imports")))
                        .collect();
                    (n, imported)
                })
                .collect()
        });
        &all.iter().find(|(k, _)| *k == n).expect("a size").1
    }

    /// A named piece of work, run once per call.
    pub type Timed = (&'static str, Box<dyn Fn() -> usize>);

    /// One run of each way, for the summary mode: importing the 100 returns, merging them
    /// (already imported) into the plan, and the page's way (prepared and applied one by one).
    pub fn stages(n: usize) -> [Timed; 3] {
        let (base, files) = inputs(n);
        let returns = imported_returns(n);
        [
            (
                "import_100_returns",
                Box::new(move || {
                    files
                        .iter()
                        .map(|(_, b)| io::import(black_box(b)).expect("a return").sheets.len())
                        .sum()
                }),
            ),
            (
                "merge_100_returns",
                Box::new(move || {
                    let mut plan = base.clone();
                    merge::merge(&mut plan, black_box(returns)).conflicts.len()
                }),
            ),
            (
                "add_100_returns_in_the_page",
                Box::new(move || {
                    let mut doc = Doc::new("plan.csv".into(), base.clone());
                    for (file, ret) in black_box(returns) {
                        if let Some(step) = returns::add_return(&doc, file, ret, 0.0) {
                            doc.apply(step);
                        }
                    }
                    doc.returns.records.len()
                }),
            ),
        ]
    }

    /// Importing the 100 returns (what the merge adds to).
    #[divan::bench(args = INDICATORS)]
    fn import_100_returns(n: usize) -> usize {
        inputs(n)
            .1
            .iter()
            .map(|(_, b)| io::import(black_box(b)).expect("a return").sheets.len())
            .sum()
    }

    /// Merging the 100 imported returns into the plan: matching, taking the actuals, the
    /// summary, and the plan rebuilt.
    #[divan::bench(args = INDICATORS)]
    fn merge_100_returns(bencher: divan::Bencher, n: usize) {
        let base = &inputs(n).0;
        let returns = imported_returns(n);
        bencher
            .with_inputs(|| base.clone())
            .bench_local_values(|mut plan| {
                let summary = merge::merge(&mut plan, black_box(returns));
                assert_eq!(summary.returns.len(), RETURNS);
                summary.conflicts.len()
            });
    }

    /// The page's way: each imported return prepared against the document and applied as one
    /// undoable step (the record and its cell edits).
    #[divan::bench(args = INDICATORS)]
    fn add_100_returns_in_the_page(bencher: divan::Bencher, n: usize) {
        let base = &inputs(n).0;
        let returns = imported_returns(n);
        bencher
            .with_inputs(|| Doc::new("plan.csv".into(), base.clone()))
            .bench_local_values(|mut doc| {
                for (file, ret) in black_box(returns) {
                    if let Some(step) = returns::add_return(&doc, file, ret, 0.0) {
                        doc.apply(step);
                    }
                }
                assert_eq!(doc.returns.records.len(), RETURNS);
                doc.returns.records.len()
            });
    }
}

// ---------------------------------------------------------------------------------------------
// Summary mode: `ZHIBIAO_BENCH_JSON=path cargo bench --bench pipeline`
// ---------------------------------------------------------------------------------------------

mod summary {
    use super::*;
    use serde_json::{json, Value};

    /// Runs per size after one warm-up: enough for a median on a busy machine without taking
    /// minutes on the largest plan. `ZHIBIAO_BENCH_RUNS` overrides.
    fn runs(rows: usize) -> usize {
        if let Some(n) = std::env::var("ZHIBIAO_BENCH_RUNS")
            .ok()
            .and_then(|s| s.parse().ok())
        {
            return n;
        }
        match rows {
            0..=5_000 => 15,
            5_001..=50_000 => 7,
            _ => 3,
        }
    }

    type Stage<'a> = (&'static str, Box<dyn Fn() -> usize + 'a>);

    /// Times every stage `runs` times, interleaved, after a warm-up of each.
    fn time_side_by_side(stages: &[Stage<'_>], runs: usize) -> Value {
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); stages.len()];
        for round in 0..=runs {
            for (i, (_, f)) in stages.iter().enumerate() {
                let started = Instant::now();
                black_box(f());
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                if round > 0 {
                    samples[i].push(ms);
                }
            }
        }
        let mut out = serde_json::Map::new();
        for ((name, _), mut s) in stages.iter().zip(samples) {
            s.sort_by(f64::total_cmp);
            let median = if s.len() % 2 == 1 {
                s[s.len() / 2]
            } else {
                (s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0
            };
            out.insert(
                name.to_string(),
                json!({
                    "median_ms": median,
                    "min_ms": s.first().copied().unwrap_or(0.0),
                    "max_ms": s.last().copied().unwrap_or(0.0),
                    "runs": s.len(),
                }),
            );
        }
        Value::Object(out)
    }

    pub fn run(path: PathBuf) {
        let mut files = Vec::new();
        for rows in sizes() {
            for format in ["xlsx", "xls"] {
                let data = bytes(rows, format);
                let p = prepared(rows, format);
                let indicators: usize = p
                    .imported
                    .sheets
                    .iter()
                    .filter_map(|s| s.plan.as_ref())
                    .map(|plan| plan.indicators.len())
                    .sum();
                // The slices of the last paced export (filled by its stage).
                let slices = std::cell::RefCell::new(Vec::new());
                let mut list: Vec<Stage<'_>> = vec![
                    ("calamine_open", Box::new(|| stage::calamine_open(data))),
                    ("calamine_cells", Box::new(|| stage::calamine_cells(data))),
                ];
                if format == "xlsx" {
                    list.push(("calamine_styles", Box::new(|| stage::calamine_styles(data))));
                    list.push(("calamine_merges", Box::new(|| stage::calamine_merges(data))));
                } else {
                    list.push(("xls_formats", Box::new(|| stage::xls_formats(data))));
                }
                list.extend::<Vec<Stage<'_>>>(vec![
                    ("read", Box::new(|| stage::read(data))),
                    ("import", Box::new(|| stage::import(data))),
                    ("detect", Box::new(|| stage::detect(p))),
                    ("build_plan", Box::new(|| stage::build_plan(p))),
                    ("compute", Box::new(|| stage::compute(p))),
                ]);
                // The export goal is on 20,000 rows, and an .xls holds the same plan as its .xlsx:
                // export and report only where they tell something new.
                if format == "xlsx" && rows <= 20_000 {
                    list.push(("export", Box::new(|| stage::export(p))));
                    list.push((
                        "export_paced",
                        Box::new(|| stage::export_paced(p, &mut slices.borrow_mut())),
                    ));
                    list.push(("report", Box::new(|| stage::report(p))));
                }
                let runs = runs(rows);
                let name = file_name(rows, format);
                eprintln!("native: {name} ({runs} runs after a warm-up)");
                let stages = time_side_by_side(&list, runs);
                drop(list);
                // The slices of the last paced export: the page is busy for each of them.
                let slices = slices.into_inner();
                let export_slices = (slices.len() >= 3).then(|| {
                    // The last two: rust_xlsxwriter's assembly of the file (one call), then
                    // freeing the writer.
                    let (writing, end) = slices.split_at(slices.len() - 2);
                    let longest = writing.iter().copied().fold(0.0, f64::max);
                    let (assembly, free) = (end[0], end[1]);
                    eprintln!(
                        "  export slices: {} steps; longest while writing {longest:.1} ms, \
                         the file's assembly (unsliced) {assembly:.1} ms, freeing {free:.1} ms",
                        slices.len() - 1
                    );
                    json!({
                        "steps": slices.len() - 1,
                        "longest_writing_ms": longest,
                        "assembly_ms": assembly,
                        "free_ms": free,
                    })
                });
                for (stage, t) in stages.as_object().into_iter().flatten() {
                    eprintln!(
                        "  {stage:<16} median {:>9.1} ms  (min {:.1}, max {:.1})",
                        t["median_ms"].as_f64().unwrap_or(0.0),
                        t["min_ms"].as_f64().unwrap_or(0.0),
                        t["max_ms"].as_f64().unwrap_or(0.0)
                    );
                }
                files.push(json!({
                    "name": name,
                    "format": format,
                    "rows": if format == "xls" { rows.min(XLS_MAX_DATA_ROWS) } else { rows },
                    "bytes": data.len(),
                    "indicators": indicators,
                    "stages": stages,
                    "export_slices": export_slices,
                }));
            }
        }
        // Consolidation (issue 16): 100 returns into a plan of 2,000 indicators, next to
        // importing those 100 files (the goal: importing and merging ≤ 1.2× importing).
        let n = 2_000;
        let runs = std::env::var("ZHIBIAO_BENCH_RUNS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3);
        eprintln!(
            "native: consolidation of 100 returns, {n} indicators ({runs} runs after a warm-up)"
        );
        let stages = time_side_by_side(&super::consolidation::stages(n), runs);
        let median = |k: &str| stages[k]["median_ms"].as_f64().unwrap_or(0.0);
        let import = median("import_100_returns").max(f64::MIN_POSITIVE);
        for way in ["merge_100_returns", "add_100_returns_in_the_page"] {
            eprintln!(
                "  {way:<28} median {:>9.1} ms; (import + it) ÷ import = {:.2}×",
                median(way),
                (import + median(way)) / import
            );
        }
        let consolidation = json!({ "indicators": n, "returns": 100, "stages": stages });
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let out = json!({
            "profile": "bench (release, native)",
            "loadavg_after": load.trim(),
            "files": files,
            "consolidation": consolidation,
        });
        let text = serde_json::to_string_pretty(&out).expect("json");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create the output folder");
        }
        std::fs::write(&path, text).expect("write the summary");
        eprintln!("native: wrote {}", path.display());
    }
}
