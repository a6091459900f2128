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
    /// Application Auto Scaling `ScaleInCooldown`: after a scale-in, no other scale-in until it
    /// passes; a scale-out ends it ("scales out your scalable target immediately").
    pub scale_in_cooldown: Option<Seconds>,
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
    /// AWS `MaxCapacityBreachBehavior`: whether a forecast at or above max capacity raises it.
    pub max_capacity_breach: MaxCapacityBreach,
    /// AWS `MaxCapacityBuffer`: with `Increase`, max capacity becomes the forecast capacity
    /// plus this percent (0 to 100).
    pub max_capacity_buffer: f64,
}

/// What predictive scaling does with a forecast near or above max capacity (AWS
/// `PredictiveScalingConfiguration.MaxCapacityBreachBehavior`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxCapacityBreach {
    /// `HonorMaxCapacity` (default): max capacity is a hard limit.
    Honor,
    /// `IncreaseMaxCapacity`: max capacity rises to the forecast plus the buffer, and stays
    /// there ("the new normal maximum capacity ... does not automatically decrease").
    Increase,
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
    /// A scale-down Pods policy beside the percent one (none by default).
    pub scale_down_instances: Option<u32>,
    /// The policies of each direction written out (`behavior.scaleUp.policies`), replacing
    /// the shorthands above.
    pub scale_up_policies: Option<Vec<HpaPolicy>>,
    /// See `scale_up_policies`.
    pub scale_down_policies: Option<Vec<HpaPolicy>>,
    /// Which policy wins when scaling up (`selectPolicy`, default Max).
    pub scale_up_select: SelectPolicy,
    /// Which policy wins when scaling down (default Max: the largest change).
    pub scale_down_select: SelectPolicy,
    /// Scale-up uses the lowest recommendation of this window (default 0 s).
    pub scale_up_stabilization: Seconds,
    /// Tolerance above 1 before scaling up, when it differs from `tolerance`.
    pub scale_up_tolerance: Option<f64>,
    /// Tolerance below 1 before scaling down, when it differs from `tolerance`.
    pub scale_down_tolerance: Option<f64>,
    /// A CPU sample of a pod started this recently counts only once it has been ready for a
    /// whole metric window (`--horizontal-pod-autoscaler-cpu-initialization-period`, 5 min).
    pub cpu_initialization_period: Seconds,
}

/// Which of a direction's policies the HPA applies (`behavior.*.selectPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectPolicy {
    /// The policy allowing the largest change (default).
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// One HPA scaling policy: at most `value` pods (or percent of the replicas at the period's
/// start) changed within any `period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HpaPolicy {
    /// Pods or percent.
    pub kind: HpaPolicyKind,
    /// Pods, or percent.
    pub value: f64,
    /// `periodSeconds`.
    pub period: Seconds,
}

/// What an [`HpaPolicy`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HpaPolicyKind {
    /// `type: Pods`.
    Pods,
    /// `type: Percent`.
    Percent,
}

impl Hpa {
    /// The scale-up (`up`) or scale-down policies: written out, or from the shorthands
    /// (Kubernetes' defaults: up, 100% and 4 pods per 15 s; down, 100% per 15 s).
    pub fn policies(&self, up: bool) -> Vec<HpaPolicy> {
        let written = if up {
            &self.scale_up_policies
        } else {
            &self.scale_down_policies
        };
        if let Some(policies) = written {
            return policies.clone();
        }
        let policy = |kind, value| HpaPolicy {
            kind,
            value,
            period: self.policy_period,
        };
        if up {
            vec![
                policy(HpaPolicyKind::Percent, self.scale_up_percent),
                policy(HpaPolicyKind::Pods, self.scale_up_instances as f64),
            ]
        } else {
            std::iter::once(policy(HpaPolicyKind::Percent, self.scale_down_percent))
                .chain(
                    self.scale_down_instances
                        .map(|pods| policy(HpaPolicyKind::Pods, pods as f64)),
                )
                .collect()
        }
    }
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
