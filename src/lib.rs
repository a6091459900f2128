//! scaleplan: a deterministic discrete-event simulator and capacity planner for cloud auto
//! scaling groups (Tencent Cloud AS, Alibaba Cloud ESS, AWS EC2 Auto Scaling).
//!
//! # Quick start
//! Load a scenario, replay its load, read the summary:
//!
//! ```
//! use scaleplan::engine::{self, RunOptions};
//! use std::path::Path;
//!
//! let text = r#"
//! [scenario]
//! name = "two-servers"
//! start = "2026-03-02T00:00:00+08:00"
//! duration = "1d"
//!
//! [instance_types.small]
//! capacity_rps = 100
//! price_per_hour = 0.5
//!
//! [load]
//! base_rps = 120
//!
//! [[group]]
//! name = "web"
//! instance_type = "small"
//! min = 2
//! max = 2
//! "#;
//! let loaded = scaleplan::scenario::load_str("inline.toml", text, Path::new("."))?;
//! let outcome = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::SUMMARY);
//! // Two servers for 24 hours at 0.5 an hour, and 120 rps on 200 rps of capacity: no violation.
//! assert!((outcome.total.cost - 24.0).abs() < 1e-9);
//! assert_eq!(outcome.total.sla_violation_seconds, 0);
//! # Ok::<(), scaleplan::error::Diagnostics>(())
//! ```
//!
//! `examples/simulate.rs` does the same with a bundled scenario file and each group's
//! summary; docs/architecture.md explains the data flow and where each concept lives, and
//! docs/semantics.md which cloud each behaviour follows.
//!
//! # Module map
//! Input, from text to a validated model:
//! - [`scenario`]: TOML files to a validated [`model::Scenario`], with diagnostics ([`error`]).
//! - [`model`]: the validated domain (groups, rules, tasks, sweeps), its invariants, limits
//!   and defaults; pure data.
//! - [`load`]: load specs, synthetic shapes and traces (CSV, access logs, Prometheus,
//!   CloudWatch), turned into a [`load::LoadSeries`].
//! - [`input`]: bounded, decoded reading of input files (sizes, line lengths, BOM, UTF-16).
//! - [`time`]: simulated seconds, the scenario calendar, duration syntax.
//! - [`import`]: AWS Auto Scaling JSON to scenario text.
//!
//! The core, without I/O:
//! - [`engine`]: the discrete-event replay, [`engine::simulate`] -> [`engine::Outcome`].
//! - [`scaling`]: pure decision maths (adjustments and rounding, HPA replicas, forecasts,
//!   queueing); the engine asks, it answers.
//! - [`billing`]: billed seconds and money.
//! - [`metrics`]: SPEC elasticity metrics from demand and supply curves.
//!
//! Around the core:
//! - [`compare`]: every policy of a scenario on the same load, in parallel.
//! - [`sweep`]: parameter grids run in parallel, and the capacity planner ([`sweep::plan`]).
//! - [`check`]: the CI gate: outcomes against a baseline and the scenario budgets.
//!
//! Output, from outcomes to bytes:
//! - [`report`]: text, JSON, CSV and Markdown; the summary metric table and CSV columns.
//! - [`plot`]: charts as SVG and PNG bytes (the only module that uses plotters).
//! - [`number`]: how numbers read in every renderer.
//! - `cli` (hidden): the command line, the only place that prints and writes files.
//!
//! # Simulation lifecycle
//! 1. [`scenario::load`] reads and validates a scenario (and its trace).
//! 2. [`load::LoadSpec::generate`] builds the load from the scenario seed.
//! 3. [`engine::simulate`] replays it and returns an [`engine::Outcome`].
//! 4. [`report`] renders the outcome; `cli` prints it or writes it atomically.

pub mod billing;
pub mod check;
/// The command line of the `scaleplan` binary; not part of the library API.
#[doc(hidden)]
pub mod cli;
pub mod compare;
pub mod engine;
pub mod error;
pub mod export;
pub mod import;
pub mod input;
pub mod limits;
pub mod load;
pub mod metrics;
pub mod model;
pub mod number;
pub mod outputs;
pub mod plot;
pub mod report;
pub mod scaling;
pub mod scenario;
pub mod sweep;
pub mod time;
