//! Pieces used by more than one page.

pub mod chart;
pub mod fields;
pub mod file_import;
pub mod header;
