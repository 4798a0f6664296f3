//! An import and its results → files: the filled workbook ([`xlsx`], one file per sheet, with
//! the 计划明细 formulas of [`formulas`]), the whole path from an import to its bytes
//! ([`fill`]), 计划明细 as CSV ([`csv`]), the page saved with its plan ([`share`]) and one copy
//! per responsible unit in a `.zip` ([`distribute`]).
//!
//! Nothing here reads files or the clock: the creation time of a workbook is passed in. Writers
//! take an import and its results as they are (no table understanding of their own) and never
//! touch `crate::ui`.

pub mod csv;
pub mod distribute;
pub mod fill;
pub mod formulas;
pub mod share;
pub mod xlsx;
