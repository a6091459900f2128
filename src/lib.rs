//! scaleplan: a deterministic discrete-event simulator and capacity planner for cloud auto
//! scaling groups (Tencent Cloud AS, Alibaba Cloud ESS, AWS EC2 Auto Scaling).
//!
//! # Module map
//! - [`time`]: simulated seconds, the scenario calendar, duration syntax.
//! - [`model`]: the validated domain (groups, rules, scheduled and alarm tasks).
//! - [`load`]: load specs, synthetic shapes and CSV traces, turned into a [`load::LoadSeries`].
//! - [`scenario`]: TOML files to a validated model, with diagnostics ([`error`]).
//! - [`policy`]: pure scaling decisions (adjustments, rounding, clamping).
//! - [`billing`]: billed seconds and money.
//! - [`engine`]: the discrete-event core; no I/O.
//! - [`compare`]: every policy of a scenario on the same load, in parallel.
//! - [`metrics`]: SPEC elasticity metrics from demand and supply curves.
//! - [`report`]: summaries, comparisons, JSON, CSV and Markdown rendered to bytes.
//! - [`plot`]: charts as SVG and PNG bytes (the only module that uses plotters).
//! - [`check`]: the CI gate: outcomes against a baseline and the scenario budgets.
//! - [`import`]: AWS Auto Scaling JSON to a scenario.
//! - [`cli`]: the command line, the only place that prints and writes files.
//!
//! # Simulation lifecycle
//! 1. [`scenario::load`] reads and validates a scenario (and its trace).
//! 2. [`load::LoadSpec::generate`] builds the load from the scenario seed.
//! 3. [`engine::simulate`] replays it and returns an [`engine::Outcome`].
//! 4. [`report`] renders the outcome; [`cli`] prints it or writes it atomically.

pub mod billing;
pub mod check;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod error;
pub mod import;
pub mod load;
pub mod metrics;
pub mod model;
pub mod number;
pub mod plot;
pub mod report;
pub mod scaling;
pub mod scenario;
pub mod sweep;
pub mod time;
