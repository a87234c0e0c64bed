//! One module per route.

pub mod coverage;
pub mod desk;
pub mod gaps;
pub mod household;
pub mod indicators;
pub mod login;
pub mod member;
pub mod outbox;
pub mod roster;
