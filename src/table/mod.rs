//! Understanding tables, pure: a format-neutral [`grid::Sheet`] in, the indicator table's
//! [`detect::Layout`] and its [`crate::plan::Plan`] out.
//!
//! Nothing here reads or writes a file format or touches the screen: readers in
//! [`crate::io`] produce the grid, and the page and the exporter consume the layout. This
//! module may use [`crate::plan`] and [`crate::pace`], never `io` or `ui`.

pub mod detect;
pub mod grid;
