//! What holds memory at the peak of an import (issue 19): the page's steps run natively under a
//! counting allocator, each with the bytes it leaves held and the peak while it ran.
//!
//!   cargo run --release --example import_memory -- target/bench/data/plan-20000.xlsx
//!
//! Native sizes: pointers and `String`s are twice as wide as in wasm32, so structures of many
//! small parts weigh up to about twice what they weigh in the page.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use zhibiao::pace::{Pace, Stage};

struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Allocations alive: in wasm32 each costs the allocator 4 to 12 bytes more than its size.
static BLOCKS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        BLOCKS.fetch_add(1, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Relaxed);
        BLOCKS.fetch_sub(1, Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = NOW.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
            PEAK.fetch_max(now, Relaxed);
        } else {
            NOW.fetch_sub(layout.size() - new_size, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MB: f64 = 1e6;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / MB)
}

/// Notes the bytes held and the peak at each change of stage.
struct Watch {
    stage: Option<Stage>,
    since: usize,
}

impl Pace for Watch {
    fn step(&mut self, stage: Stage, _: f64) -> impl std::future::Future<Output = ()> {
        if self.stage != Some(stage) {
            let peak = PEAK.swap(NOW.load(Relaxed), Relaxed);
            if let Some(before) = self.stage {
                println!(
                    "  {before:?}: peak {} (+{} over the start), held after {}",
                    mb(peak),
                    mb(peak.saturating_sub(self.since)),
                    mb(NOW.load(Relaxed))
                );
            }
            self.stage = Some(stage);
            self.since = NOW.load(Relaxed);
        }
        std::future::ready(())
    }
}

fn main() {
    use std::mem::size_of;
    use zhibiao::plan::{Given, Indicator, Value};
    println!(
        "native sizes: Indicator {} B, Given {} B, Value {} B, RawCell {} B",
        size_of::<Indicator>(),
        size_of::<Given>(),
        size_of::<Value>(),
        size_of::<zhibiao::plan::RawCell>()
    );
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let start = NOW.load(Relaxed);
        let blocks = BLOCKS.load(Relaxed);
        PEAK.store(start, Relaxed);
        println!("{path}: file {}", mb(bytes.len()));
        let mut watch = Watch {
            stage: None,
            since: start,
        };
        let imported = zhibiao::pace::finish(zhibiao::io::import_paced(&bytes, &mut watch));
        let Some(Ok(imported)) = imported else {
            println!("  not imported");
            continue;
        };
        let peak = PEAK.swap(NOW.load(Relaxed), Relaxed);
        println!(
            "  {:?} to the end: peak {}; the import holds {}",
            watch.stage.unwrap_or(Stage::Read),
            mb(peak),
            mb(NOW.load(Relaxed))
        );
        let held = NOW.load(Relaxed);
        let doc = zhibiao::ui::state::Doc::new(path.clone(), imported);
        println!(
            "  Doc::new: +{} (peak +{})",
            mb(NOW.load(Relaxed).saturating_sub(held)),
            mb(PEAK.swap(NOW.load(Relaxed), Relaxed).saturating_sub(held))
        );
        let held = NOW.load(Relaxed);
        let live = doc
            .active_sheet()
            .and_then(|(_, _, p)| p)
            .map(zhibiao::ui::state::Live::new);
        println!(
            "  Live::new (results): +{} (peak +{})",
            mb(NOW.load(Relaxed).saturating_sub(held)),
            mb(PEAK.swap(NOW.load(Relaxed), Relaxed).saturating_sub(held))
        );
        let held = NOW.load(Relaxed);
        let model = doc.active_sheet().map(|(sheet, layout, plan)| {
            zhibiao::ui::state::GridModel::new(sheet, layout, plan, &doc.typed_cells())
        });
        println!(
            "  GridModel::new: +{} (peak +{})",
            mb(NOW.load(Relaxed).saturating_sub(held)),
            mb(PEAK.swap(NOW.load(Relaxed), Relaxed).saturating_sub(held))
        );
        println!(
            "  all held: {} over the file's own bytes, in {} allocations",
            mb(NOW.load(Relaxed) - start),
            BLOCKS.load(Relaxed).saturating_sub(blocks)
        );
        drop((model, live, doc));
    }
}
