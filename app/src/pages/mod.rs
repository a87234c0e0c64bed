//! One module per route.

pub mod coverage;
pub mod household;
pub mod login;
pub mod member;
pub mod outbox;
pub mod roster;
