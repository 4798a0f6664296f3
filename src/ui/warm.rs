//! Warming the import up before a file is chosen.
//!
//! The page's WebAssembly is compiled function by function when first called, by a quick
//! baseline compiler, and compiled again optimised only once a function has run enough. So the
//! first file opened in a fresh page ran its reader, detection and computation several times
//! slower than the same file opened again: 2,000 rows of `.xlsx` read in 190–300 ms the first
//! time and in 22 ms the third (the page of 2026-12-07, a 2-core machine). Once the page is
//! shown, while the user looks for a file, it imports the built-in demo plan (`.xlsx`) and a
//! small `.xls` (`assets/warm-up.xls`, the sample `qinglan-county-2021-2022-progress.xls`: three
//! header rows, merges, actuals) a few times each (two `.xlsx` rounds to one `.xls`), in the
//! background — in slices, as any import, with the grid's own computations of a plan shown
//! (its model, column widths, unit counts; no DOM), nothing shown, nothing kept — and stops
//! starting new rounds as soon as a file is opened.
//!
//! The root element says how far it got, `data-warm="pending|running|done|stopped|off"` (the
//! benches wait for it, as a person takes longer than that to pick a file).

use super::app::DEMO_BYTES;
use super::browser::{self, PagePace};
use super::state::filter::{unit_counts, units_key};
use super::state::widths::{fit_widths, Metrics};
use super::state::{Doc, GridModel, Live};
use crate::io;
use leptos::prelude::*;
use std::time::Duration;

/// The `.xls` imported in turn with the demo plan: the `.xls` reader is code of its own.
const WARM_XLS: &[u8] = include_bytes!("../../assets/warm-up.xls");

/// How many times a workbook is imported: enough for the reader's, detection's and the
/// computation's hot functions to be compiled optimised. With the demo plan alone, 24 rounds
/// against 8 opened a 2,000-row `.xlsx` 0.88x as late and a 20,000-row one 0.84x (first row) in
/// 5 alternated runs, and took 360-510 ms in the background against 200-330 (a busy 2-core
/// machine; README, Performance). `?warm=N` in the page's address says another number (`0`:
/// none).
const ROUNDS: usize = 33;

/// The warm-up of the page: started once, stopped when a file is opened.
#[derive(Clone, Copy)]
pub struct WarmUp {
    stop: StoredValue<bool>,
}

impl WarmUp {
    /// Starts warming up after the page's first frame, unless a plan is shown (`doc`): a saved
    /// page opens with its plan, and a plan shown later (opened, restored) stops it too.
    pub fn start(doc: ReadSignal<Option<Doc>>) -> Self {
        let stop = StoredValue::new(false);
        let count = browser::query_param("warm")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(ROUNDS);
        if count == 0 {
            browser::set_root_data("warm", "off");
            return Self { stop };
        }
        // Said at once, so that whoever waits for the warm-up knows there is one.
        browser::set_root_data("warm", "pending");
        request_animation_frame(move || {
            set_timeout(
                move || leptos::task::spawn_local(rounds(stop, doc, count)),
                Duration::ZERO,
            );
        });
        Self { stop }
    }

    /// A file is being opened: no round starts after the one under way (whose remaining slices
    /// take turns with the file's).
    pub fn stop(&self) {
        self.stop.try_set_value(true);
    }
}

async fn rounds(stop: StoredValue<bool>, doc: ReadSignal<Option<Doc>>, count: usize) {
    let stopped = move || {
        stop.try_get_value().unwrap_or(true)
            || doc.try_with_untracked(Option::is_some).unwrap_or(true)
    };
    if stopped() {
        browser::set_root_data("warm", "stopped");
        return;
    }
    browser::set_root_data("warm", "running");
    browser::mark("warm");
    let mut pace = PagePace::new(|_, _| {});
    let metrics = browser::font_widths()
        .map(|(digit, wide)| Metrics::measured(digit, wide))
        .unwrap_or_default();
    for round in 0..count {
        if stopped() {
            browser::mark("warm-stopped");
            browser::set_root_data("warm", "stopped");
            return;
        }
        let bytes = if round % 3 == 2 { WARM_XLS } else { DEMO_BYTES };
        if let Ok(imported) = io::import_paced(bytes, &mut pace).await {
            let doc = Doc::new(String::new(), imported);
            if let Some((sheet, layout, Some(plan))) = doc.active_sheet() {
                let live = Live::new_paced(plan, &mut pace).await;
                // What the grid computes when it shows a plan (no DOM here).
                let model = GridModel::new(sheet, layout, Some(plan), &doc.typed_cells());
                let results = Some(&live.results);
                let _ = fit_widths(&model, sheet, results, &metrics);
                let _ = model.window(sheet, results, 0..sheet.rows.len().min(60));
                let _ = (unit_counts(plan), units_key(plan));
            }
        }
        pace.breathe().await;
    }
    browser::mark("warm-done");
    browser::set_root_data("warm", "done");
}
