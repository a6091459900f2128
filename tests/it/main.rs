//! The integration tests, one binary (one link, one process start per `cargo test`), one
//! module per area. Shared helpers live in `common`; snapshots of what users see in
//! `tests/snapshots/` (`SNAPSHOT_UPDATE=1 cargo test` rewrites them: review the diff).

mod alarms;
mod architecture;
mod browser;
mod check;
mod cli;
mod common;
mod compare;
mod docs;
mod engine;
mod export;
mod faults;
mod fleet;
mod hooks;
mod import;
mod logs;
mod malformed;
mod minimal;
mod paths;
mod properties;
mod quiet;
mod rules;
mod snapshots;
mod sweep;
mod terraform;
mod traces;
mod writer;
mod zones;
