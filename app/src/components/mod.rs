//! Pieces used by more than one page.

pub mod chart;
pub mod fields;
pub mod header;
pub mod row_errors;
