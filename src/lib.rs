//! Zhibiao (指标): a planning calculator for target decomposition tables (指标任务分解表).
//!
//! Data flows one way: bytes → grid → plan → results → views and files.
//!
//! - [`plan`]: the pure core (std + serde only): cell values, directions, yearly targets,
//!   completion, scores and next year's draft. No I/O, no clock.
//! - [`io`]: adapters. Bytes → grid (calamine, CSV), grid → plan (layout detection),
//!   plan + results → `.xlsx` (rust_xlsxwriter) and the JSON report.
//! - `ui` (wasm32 only): the Leptos page, a thin shell over the two.
//!
//! Dependency rule: `ui → io → plan` and `ui → plan`; `plan` depends on nothing above it.

#[cfg(all(feature = "bench-api", target_arch = "wasm32"))]
pub mod bench_api;
pub mod error;
pub mod io;
pub mod plan;
pub mod ui;
