//! What a scenario gets for every key it leaves out, with the cloud each value follows
//! (docs/semantics.md cites the pages). The validator reads these names, never literals, so
//! the format reference, the code and a `plan` snippet agree.

use crate::time::Seconds;

/// `sla.max_utilization`: a group above 80% of its in-service capacity breaks the SLA.
pub const MAX_UTILIZATION: f64 = 0.8;

/// The currency prices are written in, when the scenario does not say.
pub const CURRENCY: &str = "USD";

/// `instance_types.*.billing_granularity`: per-second billing (AWS Linux on-demand, Tencent,
/// Alibaba pay-as-you-go).
pub const BILLING_GRANULARITY: Seconds = 1;
/// `instance_types.*.billing_minimum`: AWS Linux on-demand bills at least 60 s.
pub const BILLING_MINIMUM: Seconds = 60;
/// `instance_types.*.weight`: one capacity unit per instance (AWS `WeightedCapacity` 1).
pub const WEIGHT: u32 = 1;
/// `preemptible.notice`: AWS's two-minute spot interruption notice.
pub const RECLAIM_NOTICE: Seconds = 120;

/// `group.default_cooldown`: 300 s on all three clouds.
pub const COOLDOWN: Seconds = 300;
/// `group.load_share`: a group serves the whole load.
pub const LOAD_SHARE: f64 = 1.0;
/// `health.grace`: AWS's health-check grace period for EC2 health checks, 300 s.
pub const HEALTH_GRACE: Seconds = 300;
/// `health.detection`: a failed instance is noticed within one 60 s health-check round.
pub const HEALTH_DETECTION: Seconds = 60;

/// `warmup` of a step rule: none unless given (AWS `EstimatedInstanceWarmup` falls back to the
/// group's default warmup, which scaleplan does not model separately).
pub const STEP_WARMUP: Seconds = 0;
/// `warmup` of a target-tracking rule: Tencent's default 300 s.
pub const TRACKING_WARMUP: Seconds = 300;
/// `scale_in_ratio`: the generated low alarm sits at 0.9 x target.
pub const SCALE_IN_RATIO: f64 = 0.9;
/// `scale_out_periods`: AWS's generated high alarm wants 3 one-minute datapoints.
pub const SCALE_OUT_PERIODS: u32 = 3;
/// `scale_in_periods`: AWS's generated low alarm wants 15 one-minute datapoints.
pub const SCALE_IN_PERIODS: u32 = 15;

/// Predictive `buffer`: AWS `SchedulingBufferTime` default, 300 s.
pub const PREDICTIVE_BUFFER: Seconds = 300;
/// Predictive `history`: AWS reads up to 14 days of history.
pub const PREDICTIVE_HISTORY: Seconds = 14 * 86_400;

/// HPA `tolerance`: Kubernetes' 10% dead band.
pub const HPA_TOLERANCE: f64 = 0.1;
/// HPA `stabilization_window`: Kubernetes' scale-down window, 300 s.
pub const HPA_STABILIZATION: Seconds = 300;
/// HPA `scale_up_percent`: Kubernetes' default scale-up policy, 100% per period...
pub const HPA_SCALE_UP_PERCENT: f64 = 100.0;
/// HPA `scale_up_instances`: ...or 4 pods per period, whichever is more.
pub const HPA_SCALE_UP_INSTANCES: u32 = 4;
/// HPA `scale_down_percent`: Kubernetes' default scale-down policy, 100% per period.
pub const HPA_SCALE_DOWN_PERCENT: f64 = 100.0;
/// HPA `sync_period` and `policy_period`: the controller's 15 s sync (and policy period).
pub const HPA_PERIOD: Seconds = 15;
/// Kubernetes `--horizontal-pod-autoscaler-cpu-initialization-period`.
pub const HPA_CPU_INITIALIZATION: Seconds = 300;

/// Scheduled `launch_expiration`: ESS retries a task that found the group busy for 600 s.
pub const LAUNCH_EXPIRATION: Seconds = 600;
/// Alarm `period`: ESS's default 300 s.
pub const ALARM_PERIOD: Seconds = 300;
/// Alarm `periods`: ESS's default of 3 consecutive periods.
pub const ALARM_PERIODS: u32 = 3;
