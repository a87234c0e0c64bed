//! Pieces used by more than one page.

pub mod header;
pub mod code_select;
