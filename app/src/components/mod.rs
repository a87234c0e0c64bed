//! Pieces used by more than one page.

pub mod fields;
pub mod header;
