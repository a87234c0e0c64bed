//! Anju's domain: the labour ledger's types, its validation and its merge
//! rule. Pure code with no I/O, compiled for the phone (wasm32) and the server.
#![deny(clippy::unwrap_used)]

pub mod codes;
pub mod coverage;
pub mod day;
pub mod dispatch;
pub mod extra;
pub mod field_values;
pub mod flags;
pub mod follow_up;
pub mod indicators;
pub mod kind;
pub mod map;
pub mod merge;
pub mod password;
pub mod phone;
pub mod place;
pub mod privacy;
pub mod record;
pub mod resident_id;
pub mod review;
pub mod round;
pub mod tally;
pub mod trends;
pub mod validate;
pub mod wire;
