//! Zhibiao (指标): a planning calculator for target decomposition tables (指标任务分解表).
//!
//! Data flows one way: bytes → grid → plan → results → views and files.
//!
//! - [`plan`]: the pure core (std + serde only): cell values, directions, yearly targets,
//!   completion, scores and next year's draft. No I/O, no clock.
//! - [`table`]: understanding, pure: a format-neutral grid in, the table's layout and its
//!   [`plan::Plan`] out. No file format, no screen.
//! - [`io`]: adapters. Bytes → grid (calamine, CSV), plan + results → `.xlsx`
//!   (rust_xlsxwriter) and the JSON report.
//! - [`pace`]: long work in slices (progress and yielding), shared by every layer.
//! - `ui` (wasm32 only): the Leptos page, a thin shell over the two.
//!
//! Dependency rule: `ui → io → table → plan` (and `ui → table`, `ui → plan`); each layer
//! depends on nothing above it.

#[cfg(all(feature = "bench-api", target_arch = "wasm32"))]
pub mod bench_api;
pub mod error;
#[warn(missing_docs)]
pub mod io;
pub mod pace;
#[warn(missing_docs)]
pub mod plan;
#[warn(missing_docs)]
pub mod table;
pub mod ui;
