//! The generated corpus of indicator tables (see README.md in this folder).

pub mod check;
pub mod files;
pub mod gen;
pub mod render;
pub mod rng;
pub mod words;
