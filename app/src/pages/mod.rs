//! One module per route.

pub mod account;
pub mod accounts;
pub mod area_list;
pub mod conflicts;
pub mod coverage;
pub mod desk;
pub mod dispatch;
pub mod fields;
pub mod follow_up;
pub mod gaps;
pub mod help;
pub mod household;
pub mod import;
pub mod indicators;
pub mod login;
pub mod map;
pub mod member;
pub mod outbox;
pub mod review;
pub mod roster;
pub mod sessions;
pub mod staff_import;
