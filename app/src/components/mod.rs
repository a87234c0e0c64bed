//! Pieces used by more than one page.

pub mod code_select;
pub mod header;
