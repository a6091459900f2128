//! The scenario file as written: serde structs mirroring the TOML, nothing more.
//!
//! Every struct denies unknown keys (a typo must not silently become a default) and no struct
//! uses `flatten`, which would disable both that check and spans. Scalars that need parsing
//! (durations, times of day, date-times) parse in their own `Deserialize`, so a bad value is
//! reported by toml at its exact span. Values checked against others later are `Spanned`.

mod scalars;

pub use scalars::*;

use crate::load::GrowthShape;
use crate::model::{
    CooldownBlocks, HookResult, HookTransition, HpaPolicyKind, LatencyModel, MaxCapacityBreach,
    Metric, MissingData, PoolFill, PoolState, PredictiveMode, Rounding, SelectPolicy, Statistic,
    ZonePolicy,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub scenario: ScenarioSection,
    pub instance_types: Spanned<BTreeMap<String, InstanceType>>,
    pub load: LoadSection,
    pub group: Spanned<Vec<Group>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<Policy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<ExpectWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepWire>,
}

/// A parameter grid for `scaleplan sweep` and `plan`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replications: Option<Spanned<u32>>,
    #[serde(default)]
    pub seeds: SeedsWire,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_points: Option<u64>,
    pub parameter: Spanned<Vec<ParameterWire>>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SeedsWire {
    #[default]
    Common,
    Independent,
}

/// One axis: a dotted path and either a list of values or an inclusive range.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterWire {
    pub path: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Spanned<Vec<toml::Value>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Spanned<toml::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<toml::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<toml::Value>,
}

/// Budgets for `scaleplan check`.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExpectWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_cost: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_instance_hours: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_sla_violation: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unserved_requests: Option<Spanned<f64>>,
}

/// A named variant of the file: overrides of group settings, rules and tasks for the same
/// load, so `compare` can run fixed, scheduled and alarm policies side by side.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<GroupOverride>,
    /// Budgets for this policy; each one given replaces the scenario's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<ExpectWire>,
    /// The policy's own parameter grid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepWire>,
}

/// Settings of one group that a policy replaces; `rule` entries replace or add rules by name,
/// `scheduled` and `alarm` lists replace the group's lists.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupOverride {
    pub name: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_types: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mix: Option<MixWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<ExistingWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removal_policy: Option<Spanned<RemovalPolicies>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_cooldown: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_share: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_delay: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_hook: Option<Vec<LifecycleHookWire>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_pool: Option<Spanned<WarmPoolWire>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zones: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_policy: Option<Spanned<ZonePolicy>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_rebalance: Option<Spanned<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Spanned<Vec<Rule>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<Vec<Scheduled>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarm: Option<Vec<Alarm>>,
    /// Rules of the group the policy drops, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_rules: Vec<Spanned<String>>,
    /// Scheduled and alarm tasks of the group the policy drops, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_tasks: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    pub name: String,
    pub start: DateTimeField,
    pub duration: Spanned<Duration>,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_metric_period")]
    pub metric_period: Spanned<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Spanned<String>>,
    #[serde(default)]
    pub rounding: Rounding,
    #[serde(default)]
    pub cooldown_blocks: CooldownBlocks,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_model: Option<LatencyModel>,
    /// Settings assumed, not measured, by path: `{ "instance_types.c5.boot_time" = "0s" }`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumed: Option<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

fn default_metric_period() -> Spanned<Duration> {
    Spanned::new(0..0, Duration(60))
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SlaWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_utilization: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_percentile: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_latency_ms: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    pub capacity_rps: Spanned<f64>,
    pub price_per_hour: Spanned<f64>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boot_time: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_granularity: Option<Spanned<Duration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_minimum: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock: Option<Spanned<PerZoneWire<u32>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_stock_probability: Option<Spanned<PerZoneWire<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preemptible: Option<Spanned<PreemptibleWire>>,
}

/// `preemptible = { discount, reclaim_rate, notice }` or `{ price_trace, bid, notice }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PreemptibleWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reclaim_rate: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_trace: Option<Spanned<Vec<PricePointWire>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bid: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock: Option<Spanned<PerZoneWire<u32>>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PricePointWire {
    pub at: Spanned<Instant>,
    pub price: Spanned<f64>,
}

/// A `[[group.configuration]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationWire {
    pub name: Spanned<String>,
    pub instance_types: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MixWire {
    #[serde(default)]
    pub on_demand_base: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_demand_above_base: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HealthWire {
    pub mtbf: Spanned<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSection {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_rps: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<TraceWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diurnal: Option<DiurnalWire>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daily: Vec<DailyWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growth: Option<GrowthWire>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bursts: Vec<BurstWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noise: Option<NoiseWire>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TraceWire {
    pub path: Spanned<String>,
    #[serde(default)]
    pub format: TraceSourceWire,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<TraceKindWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_bad_lines: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub time_format: TimeFormatWire,
    #[serde(default)]
    pub gaps: GapsWire,
    #[serde(default)]
    pub duplicates: DuplicatesWire,
    #[serde(default)]
    pub order: OrderWire,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TraceSourceWire {
    #[default]
    Csv,
    AccessLog,
    Prometheus,
    Cloudwatch,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TimeFormatWire {
    #[default]
    Auto,
    Offset,
    Epoch,
    Rfc3339,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GapsWire {
    #[default]
    Error,
    Zero,
    Hold,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatesWire {
    #[default]
    Error,
    Sum,
    Last,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OrderWire {
    #[default]
    Error,
    Sort,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKindWire {
    Count,
    Rate,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DiurnalWire {
    pub amplitude: Spanned<f64>,
    pub peak: TimeOfDay,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DailyWire {
    pub from: Spanned<TimeOfDay>,
    pub to: TimeOfDay,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiply: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_rps: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ramp: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GrowthWire {
    pub factor: Spanned<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Instant>,
    pub over: Spanned<Duration>,
    #[serde(default)]
    pub shape: GrowthShape,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BurstWire {
    pub at: Spanned<Instant>,
    pub duration: Duration,
    pub add_rps: Spanned<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ramp: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseWire {
    pub kind: NoiseKindWire,
    pub sigma: Spanned<f64>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum NoiseKindWire {
    Lognormal,
    Normal,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_types: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configuration: Vec<ConfigurationWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_configuration: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mix: Option<MixWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadSection>,
    pub min: Spanned<u32>,
    pub max: Spanned<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<ExistingWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removal_policy: Option<Spanned<RemovalPolicies>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_cooldown: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_share: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_delay: Option<Duration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifecycle_hook: Vec<LifecycleHookWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<Spanned<RetryPolicyWire>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_intervals: Option<Spanned<Vec<Duration>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_pool: Option<Spanned<WarmPoolWire>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zones: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_policy: Option<Spanned<ZonePolicy>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_rebalance: Option<Spanned<bool>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled: Vec<Scheduled>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarm: Vec<Alarm>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExistingWire {
    pub count: Spanned<u32>,
    #[serde(default)]
    pub protected: bool,
}

/// `[group.warm_pool]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WarmPoolWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<PoolFill>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_prepared_capacity: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<PoolState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reuse_on_scale_in: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_price_per_hour: Option<Spanned<f64>>,
    pub warm_boot_time: Duration,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryPolicyWire {
    ImmediateRetry,
    IncrementalIntervals,
    NoRetry,
}

/// A `[[group.lifecycle_hook]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleHookWire {
    pub name: Spanned<String>,
    pub transition: HookTransition,
    pub heartbeat_timeout: Spanned<Duration>,
    pub default_result: HookResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completes_after: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<HookResult>,
}

/// A `[[group.rule]]`: every rule type's keys; validation checks which belong to `type`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: Spanned<String>,
    #[serde(rename = "type", default)]
    pub kind: RuleTypeWire,
    // Simple and step rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_percent: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_adjustment: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cooldown: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Spanned<Vec<StepWire>>>,
    // Step, target-tracking rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warmup: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_in_cooldown: Option<Duration>,
    // Target tracking, predictive, HPA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_in_ratio: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_out_periods: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_in_periods: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_scale_in: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<PredictiveMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_capacity_breach: Option<MaxCapacityBreach>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_capacity_buffer: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffer: Option<Spanned<Duration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Spanned<Duration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stabilization_window: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_up_percent: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_up_instances: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_percent: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_period: Option<Spanned<Duration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_period: Option<Spanned<Duration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_instances: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_up_policies: Option<Spanned<Vec<HpaPolicyWire>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_policies: Option<Spanned<Vec<HpaPolicyWire>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_up_select: Option<SelectPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_select: Option<SelectPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_up_stabilization: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_up_tolerance: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_tolerance: Option<Spanned<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_initialization_period: Option<Duration>,
}

impl Rule {
    /// A rule with its name and type and every other key unset.
    pub fn named(name: String, kind: RuleTypeWire) -> Rule {
        Rule {
            name: Spanned::new(0..0, name),
            kind,
            change: None,
            change_percent: None,
            min_adjustment: None,
            set: None,
            cooldown: None,
            steps: None,
            warmup: None,
            scale_in_cooldown: None,
            metric: None,
            target: None,
            scale_in_ratio: None,
            scale_out_periods: None,
            scale_in_periods: None,
            disable_scale_in: None,
            mode: None,
            max_capacity_breach: None,
            max_capacity_buffer: None,
            buffer: None,
            history: None,
            tolerance: None,
            stabilization_window: None,
            scale_up_percent: None,
            scale_up_instances: None,
            scale_down_percent: None,
            policy_period: None,
            sync_period: None,
            scale_down_instances: None,
            scale_up_policies: None,
            scale_down_policies: None,
            scale_up_select: None,
            scale_down_select: None,
            scale_up_stabilization: None,
            scale_up_tolerance: None,
            scale_down_tolerance: None,
            cpu_initialization_period: None,
        }
    }
}

/// One HPA policy written out: `{ type = "pods", value = 4, period = "60s" }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HpaPolicyWire {
    #[serde(rename = "type")]
    pub kind: HpaPolicyKind,
    pub value: Spanned<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Spanned<Duration>>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuleTypeWire {
    #[default]
    Simple,
    Step,
    TargetTracking,
    Predictive,
    Hpa,
}

/// One step of a step rule: bounds relative to the alarm threshold and one adjustment.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scheduled {
    pub name: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cron: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Spanned<Instant>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activate: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Spanned<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_expiration: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    pub name: Spanned<String>,
    pub metric: Metric,
    #[serde(default)]
    pub statistic: Statistic,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Spanned<Duration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periods: Option<Spanned<u32>>,
    /// Breaching datapoints among the last `periods` that fire it (CloudWatch
    /// `DatapointsToAlarm`); all of them when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datapoints: Option<Spanned<u32>>,
    /// How often it is evaluated (CloudWatch: every minute); once per period when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_interval: Option<Spanned<Duration>>,
    /// CloudWatch `TreatMissingData`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_data: Option<MissingData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_or_above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_or_below: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equal_to: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_equal_to: Option<f64>,
    pub run: Spanned<String>,
}
