//! The API as clients see it: the real server on a free port, a fresh
//! SQLite database per test.

mod accounts;
mod area;
mod backup;
#[path = "../support/binary.rs"]
mod binary;
mod calendar;
mod conflicts;
mod crash;
mod demo;
mod export;
mod faults;
mod fields;
mod follow_up;
mod helpers;
mod https;
mod import;
mod map;
mod metrics;
mod openapi;
mod permissions;
mod personal;
mod places;
mod review;
mod scopes;
mod security;
mod session;
mod staff;
mod submissions;
mod summary;
mod supervision;
mod transfer;
mod two_servers;
mod users;
mod visits;
