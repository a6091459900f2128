//! What a run returns: per-group results, the history and, on request, the timeline.

use super::activity::ScalingActivity;
use crate::time::SimTime;
use serde::Serialize;

/// Results of one group, or of all groups together.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GroupSummary {
    /// Group name, or `total`.
    pub name: String,
    /// Money billed.
    #[serde(serialize_with = "crate::number::serialize_money")]
    pub cost: f64,
    /// Billed instance-hours (same rounding as cost).
    pub instance_hours: f64,
    /// Most capacity units in service at once: instances, or units when instance types have
    /// weights (AWS WeightedCapacity).
    pub peak_in_service: u32,
    /// Time-weighted mean of capacity units in service.
    pub mean_in_service: f64,
    /// Most instances in service at once (equal to `peak_in_service` without weights).
    pub peak_instances: u32,
    /// Time-weighted mean of instances in service.
    pub mean_instances: f64,
    /// Triggers that changed capacity.
    pub activities: u32,
    /// Alarm triggers rejected by a cooldown.
    pub rejected_by_cooldown: u32,
    /// Alarm triggers rejected because an activity was in progress.
    pub rejected_busy: u32,
    /// Scheduled task firings that could not run (expired, conflicting bounds, no stock).
    pub failed_tasks: u32,
    /// Other activities that launched nothing: an alarm, tracking, predictive or HPA scale-out
    /// or a replacement that found no stock in any instance type.
    pub failed_launches: u32,
    /// Instances launched during the run.
    pub launched: u32,
    /// Instances terminated during the run.
    pub terminated: u32,
    /// Preemptible instances the cloud reclaimed.
    pub reclaimed: u32,
    /// Instances that failed (health).
    pub failed: u32,
    /// Capacity units whose launch found no stock in any instance type.
    pub no_stock: u32,
    /// Seconds in which utilization was above the SLA threshold.
    pub sla_violation_seconds: u64,
    /// Requests above in-service capacity.
    pub unserved_requests: f64,
    /// Requests offered.
    pub offered_requests: f64,
    /// 95th percentile (nearest rank) over metric periods of served / in-service capacity;
    /// `None` if no instance was ever in service.
    pub p95_utilization: Option<f64>,
    /// Instance-hours billed while booting (serving nothing).
    pub booting_instance_hours: f64,
    /// Cost of the perfect-knowledge fleet (demand exactly in service, no boot); with history.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_optional_money"
    )]
    pub oracle_cost: Option<f64>,
    /// SPEC elasticity metrics of the group (with history; not for the total).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elasticity: Option<crate::metrics::Elasticity>,
    /// With a latency model: response-time percentiles over every served request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencyPercentiles>,
    /// Predictive rules: mean absolute percentage error of the hourly peak forecasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_mape: Option<f64>,
}

/// Response-time percentiles in seconds; `None` when more than that share of requests met an
/// overloaded group (no steady state: unbounded).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct LatencyPercentiles {
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
}

/// One hour a predictive rule forecast, against what came.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForecastPoint {
    /// Group index.
    pub group: usize,
    /// Start of the hour.
    pub hour_start: SimTime,
    /// Forecast peak load of the group, requests per second.
    pub forecast_rps: f64,
    /// Capacity sized for it.
    pub capacity: u32,
    /// The hour's actual peak load.
    pub actual_rps: f64,
}

/// One metric period of one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineRow {
    /// Start of the period.
    pub time: SimTime,
    /// Group index.
    pub group: usize,
    /// Mean offered load over the period, requests per second.
    pub load_rps: f64,
    /// Desired capacity at the end of the period.
    pub desired: u32,
    /// Instances booting at the end of the period.
    pub pending: u32,
    /// Instances in service at the end of the period.
    pub in_service: u32,
    /// In-service capacity at the end of the period, requests per second.
    pub capacity_rps: f64,
    /// Served requests over available in-service capacity across the period (at most 1);
    /// `None` when no instance was in service.
    pub utilization: Option<f64>,
    /// Seconds of the period in SLA violation.
    pub violation_seconds: u64,
    /// Money billed up to the end of the period.
    pub cost_so_far: f64,
}

/// The billed life of one instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InstanceRecord {
    /// Group index.
    pub group: usize,
    /// Id within the group.
    pub id: u32,
    /// Index into the scenario's instance types.
    pub instance_type: usize,
    /// Billed as preemptible.
    pub preemptible: bool,
    /// Its zone, as an index into the scenario's `zones`.
    pub zone: usize,
    /// Launch (0 for instances present at the start).
    pub launched_at: SimTime,
    /// Termination, or the end of the run.
    pub ended_at: SimTime,
    /// How its life ended.
    pub end: super::EndReason,
    /// Seconds billed.
    pub billed_seconds: u64,
    /// Money billed.
    pub cost: f64,
}

/// Everything a run produces.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// One summary per group, in file order.
    pub groups: Vec<GroupSummary>,
    /// All groups together.
    pub total: GroupSummary,
    /// The activity history, in order of start time then group (empty without
    /// [`RunOptions::history`](super::RunOptions)).
    pub activities: Vec<ScalingActivity>,
    /// One row per metric period per group, when requested.
    pub timeline: Vec<TimelineRow>,
    /// Every instance's billed life (empty without history).
    pub instances: Vec<InstanceRecord>,
    /// Predictive forecasts against the actual load, hour by hour.
    pub forecasts: Vec<ForecastPoint>,
}
