//! App state and the view model of the grid, in plain Rust so it is tested natively.
//!
//! The Leptos components hold a [`Doc`] in a signal and render [`grid_view`]; nothing here
//! knows about the DOM.
//!
//! - [`doc`]: the document and its edits (undo, redo).
//! - [`live`]: results kept up to date edit by edit.
//! - [`cells`]: what a typed cell, a role change or 标记表格 does to the document.
//! - [`grid`]: the grid's view model; [`widths`] its column widths, [`nav`] its keyboard
//!   movement, [`find`] its find, [`filter`] its filters, [`paint`] its body drawn on a canvas.
//! - [`views`]: the summary and draft views' models.
//! - [`session`]: saved pages and autosave.
//! - [`returns`]: the returns added to the plan (汇总) and their steps.

pub mod cells;
pub mod doc;
pub mod filter;
pub mod find;
pub mod grid;
pub mod live;
pub mod nav;
pub mod paint;
pub mod returns;
pub mod session;
pub mod views;
pub mod widths;

pub use cells::*;
pub use doc::*;
pub use grid::*;
pub use live::*;
pub use session::*;
pub use views::*;
