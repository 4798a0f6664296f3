//! Understanding tables, pure: a format-neutral [`grid::Sheet`] in, the indicator table's
//! [`detect::Layout`] and its [`crate::plan::Plan`] out.
//!
//! - [`grid`]: the cells and merged ranges every reader produces.
//! - [`vocabulary`]: header words and their variants (simplified and traditional), notes and
//!   footers.
//! - [`detect`]: evidence → header band, name column, column roles, years (targets or actuals).
//! - [`rows`]: what each row below the header is; units inside names.
//! - [`build`]: layout + grid → plan.
//! - [`style`]: the look of a sheet as its file states it (fonts, alignment, borders, widths,
//!   page setup), shared by the readers and the exporter.
//!
//! Nothing here reads or writes a file format or touches the screen: readers in
//! [`crate::io`] produce the grid, and the page and the exporter consume the layout. This
//! module may use [`crate::plan`] and [`crate::pace`], never `io` or `ui`.

pub mod build;
pub mod detect;
pub mod grid;
pub mod rows;
pub mod style;
pub mod vocabulary;
