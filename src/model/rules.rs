//! Scaling rules by kind: simple, step, target tracking, predictive and HPA.

use super::Metric;
use crate::time::Seconds;

/// A rule run by alarm or scheduled tasks: a simple rule (one adjustment, optionally its own
/// cooldown) or a step rule (the adjustment picked by how far the alarm's metric is past its
/// threshold).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingRule {
    /// Unique name within the group.
    pub name: String,
    /// What it does to desired capacity (for a step rule: the type, with the value of the
    /// matching step substituted).
    pub adjustment: Adjustment,
    /// Overrides the group's default cooldown (ESS: simple rules only).
    pub cooldown: Option<Seconds>,
    /// Present for step rules.
    pub steps: Option<StepScaling>,
}

/// Step adjustments (AWS `StepAdjustments`, ESS step rules).
#[derive(Debug, Clone, PartialEq)]
pub struct StepScaling {
    /// Non-overlapping intervals relative to the alarm threshold, with their adjustment value.
    pub steps: Vec<Step>,
    /// Seconds a new instance warms up: it counts toward capacity for the next scale-out, and
    /// scale-in waits until every instance has warmed up (AWS `EstimatedInstanceWarmup`).
    pub warmup: Seconds,
}

/// One step: `lower <= metric - threshold < upper` above the threshold, `lower < d <= upper`
/// below it (AWS bound semantics); `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Lower bound relative to the threshold.
    pub lower: Option<f64>,
    /// Upper bound relative to the threshold.
    pub upper: Option<f64>,
    /// The adjustment's value (instances, percent or exact capacity).
    pub value: f64,
}

/// A target-tracking rule (AWS, ESS, Tencent): keeps a metric near a target through two
/// generated alarms.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetTracking {
    /// Name.
    pub name: String,
    /// CPU utilization (percent) or requests per instance.
    pub metric: Metric,
    /// The target value.
    pub target: f64,
    /// The scale-in alarm's threshold as a share of the target (AWS shows 0.7 to 0.9).
    pub scale_in_ratio: f64,
    /// Consecutive one-period datapoints above the target before scaling out (AWS: 3).
    pub scale_out_periods: u32,
    /// Consecutive datapoints below the low threshold before scaling in (AWS: 15).
    pub scale_in_periods: u32,
    /// Never scale in (AWS `DisableScaleIn`).
    pub disable_scale_in: bool,
    /// Instance warmup (Tencent default 300 s).
    pub warmup: Seconds,
}

/// Whether predictive scaling acts or only forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredictiveMode {
    /// AWS `ForecastOnly`: report the forecast against the actual load, change nothing.
    ForecastOnly,
    /// AWS `ForecastAndScale`: launch ahead of the forecast.
    ForecastAndScale,
}

/// Predictive scaling (AWS, ESS): an hourly forecast from the load's own history.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictive {
    /// Name.
    pub name: String,
    /// Target CPU utilization (percent) the forecast capacity is sized for.
    pub target_cpu: f64,
    /// Act or only forecast.
    pub mode: PredictiveMode,
    /// Launch this long before each forecast hour (AWS `SchedulingBufferTime`, default 300 s).
    pub buffer: Seconds,
    /// Longest history the forecast reads (AWS: 14 days).
    pub history: Seconds,
}

/// A Kubernetes HorizontalPodAutoscaler-style rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Hpa {
    /// Name.
    pub name: String,
    /// CPU utilization (percent of an instance) or requests per instance.
    pub metric: Metric,
    /// Target value.
    pub target: f64,
    /// Skip changes while |ratio - 1| is within this (default 0.1).
    pub tolerance: f64,
    /// Scale-down uses the highest recommendation of this window (default 300 s).
    pub stabilization_window: Seconds,
    /// Scale-up policies per period: percent (default 100) and instances (default 4); the
    /// larger wins (selectPolicy Max).
    pub scale_up_percent: f64,
    /// See `scale_up_percent`.
    pub scale_up_instances: u32,
    /// Scale-down policy: percent per period (default 100).
    pub scale_down_percent: f64,
    /// Period of the policies (default 15 s).
    pub policy_period: Seconds,
    /// How often the controller runs (default 15 s).
    pub sync_period: Seconds,
}

/// The three adjustment types shared by AWS, ESS and Tencent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Adjustment {
    /// AWS `ChangeInCapacity`, ESS `QuantityChangeInCapacity`: add (or remove) N.
    Change(i64),
    /// AWS / ESS `PercentChangeInCapacity` with a minimum magnitude.
    Percent {
        /// Percent of current capacity, may be negative.
        percent: f64,
        /// Least number of instances changed (AWS `MinAdjustmentMagnitude`), 0 for none.
        min_magnitude: u32,
    },
    /// AWS `ExactCapacity`, ESS `TotalCapacity`: set desired to N.
    Exact(u32),
}
