//! Long work in slices. The importer reports its progress to a [`Pace`] every few thousand cells
//! and awaits it, so that the page can yield to the browser between slices (and paint a
//! progress bar) while native callers run straight through with [`Straight`].
//!
//! The core never reads the clock: deciding when a slice is long enough is the caller's.

use crate::table::grid::{Format, Sheet};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// How many cells (or rows, or indicators) are handled between two calls of [`Pace::step`].
pub const STEP: usize = 2048;

/// How many XML tokens or events the readers that walk XML themselves (`.xlsx` sheets and shared
/// strings, `.ods` content) read between two steps: a plain cell is 4 to 6, a rich shared string
/// dozens, so counting cells or strings made slices of very different lengths (a 110 ms one on
/// LibreOffice's rich strings).
pub const XML_STEP: usize = 4096;

/// How many rows of a table are built into indicators between two calls of [`Pace::step`]:
/// a row is a few dozen cells parsed into figures, so [`STEP`] rows took ≈ 100 ms in the page
/// (one task of a 2,000-row import, traced in the shipped page).
pub const ROW_STEP: usize = 256;

/// What the long work is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the cells of the file.
    Read,
    /// Finding the table and building the plan.
    Detect,
    /// Computing targets, completion and scores.
    Compute,
    /// Writing the filled workbook.
    Export,
}

impl Stage {
    /// Every stage, in the order of their codes.
    pub const ALL: [Stage; 4] = [Stage::Read, Stage::Detect, Stage::Compute, Stage::Export];

    /// A small number for the stage, for messages between the page and its worker.
    pub fn code(self) -> u8 {
        match self {
            Stage::Read => 0,
            Stage::Detect => 1,
            Stage::Compute => 2,
            Stage::Export => 3,
        }
    }

    /// The stage of a [`code`](Self::code); `None` for any other number.
    pub fn from_code(code: f64) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| f64::from(s.code()) == code)
    }
}

/// Where long work reports progress and may be suspended.
pub trait Pace {
    /// `fraction` (0 to 1) of `stage` is done. The returned future may wait (in the browser:
    /// until the page has had its turn).
    fn step(&mut self, stage: Stage, fraction: f64) -> impl Future<Output = ()>;

    /// The first [`FIRST_ROWS`] rows of a sheet have been read (the `.xlsx`, `.xls` and `.ods`
    /// readers call this once per sheet that has that many, with the rows so far and no merges
    /// yet, and the size of the sheet's XML: as the zip directory states it, 0 when unknown; for
    /// an `.xls`, twice its BIFF substream; for an `.ods`, two fifths of its `content.xml`, which
    /// is read about 2.5 times as fast per byte), so that a first screen can be shown while the
    /// rest is read. Most paces ignore it.
    fn first_rows(
        &mut self,
        _format: Format,
        _sheet: &Sheet,
        _xml_bytes: u64,
    ) -> impl Future<Output = ()> {
        std::future::ready(())
    }

    /// Lets the caller's event loop run now, whatever the time since the last slice (in the
    /// page: so that a first screen just shown is painted). Ready at once by default.
    fn pause(&mut self) -> impl Future<Output = ()> {
        std::future::ready(())
    }
}

/// How many rows of a sheet a first screen is made of: more than a screen shows.
pub const FIRST_ROWS: usize = 100;

/// The smallest sheet XML (uncompressed, as the zip directory states it) for which a first
/// screen is shown. A first screen renders the grid twice (its first rows, then the whole
/// plan) and leaves the page read-only in between. Measured in the shipped page on a busy
/// 2-core machine, a 2,000-row plan (1.1 MB of sheet XML) without one showed its first row
/// 1.3–1.55× later (≈ 0.2–0.3 s) but was whole and editable 0.77–1.06× as late, within about a
/// second; a 20,000-row one (11 MB) showed its first row ≈ 1.3 s before the import was done.
/// Below 4 MiB (≈ 8,000 rows of our generator's plan) the whole plan is what the user gets
/// (README, Performance).
pub const FIRST_SCREEN_MIN_XML: u64 = 4 << 20;

/// When long work reports its progress at the end of a slice: at the first slice of a stage,
/// then once `every_ms` have passed since the last report. Each report changes the page's
/// progress bar, and a change costs the page a frame (style, layout, paint, the commit to the
/// compositor: 5–15 ms on a busy 2-core machine); a slice after which nothing changed yields
/// without one. The caller passes the time: the core never reads the clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reports {
    /// When the progress was last reported (ms), and in which stage.
    last: Option<(f64, Stage)>,
}

impl Reports {
    /// Whether a slice of `stage` ending at `now_ms` reports (and, if so, it is the last report).
    pub fn due(&mut self, stage: Stage, now_ms: f64, every_ms: f64) -> bool {
        let due = match self.last {
            Some((at, last)) => last != stage || now_ms - at >= every_ms,
            None => true,
        };
        if due {
            self.last = Some((now_ms, stage));
        }
        due
    }
}

/// Runs straight through: every step is ready at once.
#[derive(Clone, Copy, Debug, Default)]
pub struct Straight;

impl Pace for Straight {
    fn step(&mut self, _: Stage, _: f64) -> impl Future<Output = ()> {
        std::future::ready(())
    }
}

/// The output of a future that never waits (one driven by [`Straight`]); `None` if it waited.
pub fn finish<F: Future>(work: F) -> Option<F::Output> {
    let mut work = pin!(work);
    match work.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

/// The fraction done when `part` (0 to 1) of item `index` of `count` equal items is done.
pub fn fraction(index: usize, count: usize, part: f64) -> f64 {
    if count == 0 {
        return 1.0;
    }
    ((index as f64 + part.clamp(0.0, 1.0)) / count as f64).clamp(0.0, 1.0)
}

/// Paces for the tests of this crate: a wait that suspends once, and a driver that polls to
/// the end.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Suspends once (as the page's wait for a frame does), then is ready.
    pub(crate) fn once() -> impl Future<Output = ()> {
        let mut waited = false;
        std::future::poll_fn(move |cx| {
            if waited {
                Poll::Ready(())
            } else {
                waited = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
    }

    /// Suspends at every step, as the page's pace does after a slice.
    pub(crate) struct Suspending;

    impl Pace for Suspending {
        fn step(&mut self, _: Stage, _: f64) -> impl Future<Output = ()> {
            once()
        }
    }

    /// Polls to the end, counting how often the work was suspended.
    pub(crate) fn drive<F: Future>(work: F) -> (F::Output, usize) {
        let mut work = pin!(work);
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

#[cfg(test)]
mod tests {
    use super::testing::drive;
    use super::*;

    #[test]
    fn stage_codes_round_trip_and_reject_other_numbers() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_code(f64::from(stage.code())), Some(stage));
        }
        let codes: Vec<u8> = Stage::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3]);
        for other in [-1.0, 0.5, 4.0, f64::NAN] {
            assert_eq!(Stage::from_code(other), None);
        }
    }

    /// Records every step and waits once on each, like the page does.
    #[derive(Default)]
    struct Recorder {
        steps: Vec<(Stage, f64)>,
    }

    impl Pace for Recorder {
        fn step(&mut self, stage: Stage, fraction: f64) -> impl Future<Output = ()> {
            self.steps.push((stage, fraction));
            testing::once()
        }
    }

    #[test]
    fn straight_work_finishes_in_one_poll() {
        let out = finish(async {
            let mut pace = Straight;
            for i in 0..10 {
                pace.step(Stage::Read, fraction(i, 10, 0.0)).await;
            }
            42
        });
        assert_eq!(out, Some(42));
    }

    #[test]
    fn waiting_work_is_not_finished_by_finish() {
        let out = finish(async {
            Recorder::default().step(Stage::Read, 0.5).await;
        });
        assert_eq!(out, None);
    }

    #[test]
    fn fractions_split_items_evenly() {
        assert_eq!(fraction(0, 4, 0.0), 0.0);
        assert_eq!(fraction(1, 4, 0.5), 0.375);
        assert_eq!(fraction(3, 4, 1.0), 1.0);
        assert_eq!(fraction(3, 4, 7.0), 1.0);
        assert_eq!(fraction(0, 0, 0.0), 1.0);
    }

    #[test]
    fn a_large_import_is_suspended_in_slices_and_gives_the_same_plan() {
        // 30,000 indicator rows: the reader must step at least every STEP cells.
        let mut csv = String::from("序号,指标名称,单位,2020年基期值,2025年目标值\n");
        for i in 1..=30_000 {
            csv.push_str(&format!("{i},指标{i},%,{},{}\n", i % 90, i % 90 + 5));
        }
        let straight = crate::io::import(csv.as_bytes());
        let mut pace = Recorder::default();
        let (paced, suspended) = drive(crate::io::import_paced(csv.as_bytes(), &mut pace));
        assert_eq!(paced, straight);
        assert!(
            suspended >= 30_000 * 5 / STEP,
            "suspended {suspended} times"
        );
        let reads: Vec<f64> = pace
            .steps
            .iter()
            .filter(|(s, _)| *s == Stage::Read)
            .map(|(_, f)| *f)
            .collect();
        assert!(
            reads.windows(2).all(|w| w[0] <= w[1]),
            "progress goes forward"
        );
        // Building the plan of 30,000 rows steps inside the sheet too.
        let building = pace
            .steps
            .iter()
            .filter(|(s, f)| *s == Stage::Detect && *f > 0.0 && *f < 1.0)
            .count();
        assert!(
            building >= 30_000 / ROW_STEP - 1,
            "{building} steps building the plan"
        );
    }

    #[test]
    fn every_format_reads_the_same_in_slices() {
        for file in [
            "synthetic-2021-2025-2000-rows.xlsx",
            "qinglan-county-2021-2022-progress.xls",
            "wangchuan-city-2016-2020-assessment.ods",
            "liuwan-township-2022-text-numbers-gbk.csv",
        ] {
            let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(&path).unwrap_or_default();
            assert!(!bytes.is_empty(), "{path}");
            let mut pace = Recorder::default();
            let (paced, _) = drive(crate::io::import_paced(&bytes, &mut pace));
            assert_eq!(paced, crate::io::import(&bytes), "{file}");
            assert!(paced.is_ok(), "{file}");
            assert!(pace.steps.iter().any(|(s, _)| *s == Stage::Read), "{file}");
            assert!(
                pace.steps.iter().all(|(_, f)| (0.0..=1.0).contains(f)),
                "{file}"
            );
        }
        // 2,000 rows × 20 columns: the .xlsx reader steps inside the sheet too.
        let path = format!(
            "{}/tests/fixtures/synthetic-2021-2025-2000-rows.xlsx",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(path).unwrap_or_default();
        let mut pace = Recorder::default();
        let (imported, _) = drive(crate::io::import_paced(&bytes, &mut pace));
        assert!(imported.is_ok());
        let inside = pace
            .steps
            .iter()
            .filter(|(s, f)| *s == Stage::Read && *f > 0.0 && *f < 1.0)
            .count();
        assert!(inside >= 10, "{inside} steps inside the sheet");
    }

    /// A stage's first slice reports, then one slice in every 100 ms; a new stage at once.
    #[test]
    fn progress_is_reported_at_a_new_stage_and_then_every_so_often() {
        let mut reports = Reports::default();
        let due: Vec<bool> = [
            (Stage::Read, 0.0),
            (Stage::Read, 30.0),
            (Stage::Read, 99.0),
            (Stage::Read, 100.0),
            (Stage::Read, 130.0),
            (Stage::Detect, 160.0),
            (Stage::Detect, 190.0),
            (Stage::Read, 200.0),
            (Stage::Read, 310.0),
        ]
        .into_iter()
        .map(|(stage, now)| reports.due(stage, now, 100.0))
        .collect();
        assert_eq!(
            due,
            [true, false, false, true, false, true, false, true, true]
        );
    }
}
