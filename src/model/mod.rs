//! The validated domain model: what a scenario means once it has been read and checked.
//!
//! Types here hold no file positions and cannot be built from text directly; `scenario`
//! turns a file into them and rejects whatever would break an invariant stated below, so the
//! engine can trust them. Vocabulary: docs/semantics.md, "Vocabulary".

pub mod defaults;
mod group;
mod instance;
mod invariants;
mod loads;
mod rules;
mod spelling;
mod sweep;
mod target;
mod tasks;

pub use group::*;
pub use instance::*;
pub use invariants::{Place, Violation};
pub use loads::Loads;
pub use rules::*;
pub use sweep::*;
pub use tasks::*;

use crate::load::LoadSpec;
use crate::time::{Clock, Seconds};

/// What reports and the planner call the scenario run without any policy's overrides.
pub const AS_WRITTEN: &str = "as-written";

/// A whole scenario: one load replayed against one or more scaling groups.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name, used in reports.
    pub name: String,
    /// The currency of every price, named beside every amount of money shown (`USD`).
    pub currency: String,
    /// Calendar of simulated time.
    pub clock: Clock,
    /// Simulated span in seconds; a whole number of metric periods.
    pub duration: Seconds,
    /// Root of every random choice in the run: load noise, stock draws, reclamations and
    /// failures.
    pub seed: u64,
    /// Sampling period of metrics, the timeline and the load grid (seconds, > 0).
    pub metric_period: Seconds,
    /// What counts as an SLA violation.
    pub sla: Sla,
    /// Percent-adjustment rounding convention.
    pub rounding: Rounding,
    /// Which triggers a cooldown blocks.
    pub cooldown_blocks: CooldownBlocks,
    /// Instance types, referenced by index from groups.
    pub instance_types: Vec<InstanceType>,
    /// Zones the groups launch into, in order of first mention (never empty): a group that
    /// lists none launches into an unnamed zone `""` shared by all such groups.
    pub zones: Vec<String>,
    /// Scaling groups, in file order (which is also the tie-break order).
    pub groups: Vec<ScalingGroup>,
    /// How the load is made (shared: sweeps clone scenarios by the thousand).
    pub load: std::sync::Arc<LoadSpec>,
    /// Budgets `scaleplan check` enforces.
    pub expect: Expect,
    /// Values nobody measured (`[scenario] assumed`, written by `import` for what the cloud's
    /// output does not carry): every command that runs the scenario names those still in it.
    pub assumed: Vec<Assumption>,
}

/// A setting the file says is assumed, not measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// Its path, as a sweep names it (`instance_types.c5-large.boot_time`).
    pub path: String,
    /// The value assumed.
    pub value: Value,
    /// Whether the scenario still has that value (the user has not set another).
    pub holds: bool,
}

/// Budgets written in the scenario (`[expect]`, or a policy's `expect`): a run that exceeds
/// one fails `scaleplan check`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Expect {
    /// Most money the run may bill.
    pub max_cost: Option<f64>,
    /// Most billed instance-hours.
    pub max_instance_hours: Option<f64>,
    /// Most seconds in SLA violation.
    pub max_sla_violation_seconds: Option<Seconds>,
    /// Most unserved requests.
    pub max_unserved_requests: Option<f64>,
}

impl Scenario {
    /// Number of metric periods (ticks) in the run.
    pub fn ticks(&self) -> usize {
        (self.duration / self.metric_period) as usize
    }
}

/// The SLA condition: utilization of in-service capacity above `max_utilization`, or with a
/// latency model and a latency target, a response-time percentile above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sla {
    /// Share of in-service capacity (0..=1] above which the SLA is broken (also the sizing
    /// target of the elasticity demand curve).
    pub max_utilization: f64,
    /// How response times are modelled; `None`: no latency figures.
    pub latency_model: Option<LatencyModel>,
    /// The latency objective, which then replaces the utilization condition.
    pub latency: Option<LatencyTarget>,
}

/// How a group's response times follow from its load and in-service instances. Each instance
/// serves at rate `capacity_rps` (one server); load is spread in proportion to capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyModel {
    /// Every instance its own M/M/1 queue behind a round-robin balancer (no shared queue).
    PerInstance,
    /// The group one M/M/c queue (Erlang C): a shared queue, as a least-connections balancer
    /// approaches.
    Pooled,
}

/// A response-time objective: the `percentile` of response times at most `max_seconds`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyTarget {
    /// Quantile in (0, 1), e.g. 0.95.
    pub percentile: f64,
    /// Seconds.
    pub max_seconds: f64,
}

/// How a percent change is turned into a whole number of instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// AWS: toward zero, but a result in (0, 1) becomes 1 and one in (-1, 0) becomes -1.
    #[default]
    Aws,
    /// Alibaba ESS: to the nearest integer, halves away from zero.
    Alibaba,
}

/// Which triggers a running cooldown rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CooldownBlocks {
    /// AWS / ESS: only alarm-triggered simple rules wait; scheduled tasks run.
    #[default]
    Alarms,
    /// Tencent Cloud FAQ: no scaling activity at all during the cooldown.
    All,
}
