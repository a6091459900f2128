//! What the engine knows about one group while it runs.

use super::*;

/// One group's state during a run, in named parts: its bounds and control memory at the top,
/// then the fleet counters, the bill, and the integrals of the run and of the current period.
#[derive(Debug, Clone)]
pub(super) struct GroupState {
    /// The group's load in the current metric period, requests per second.
    pub(super) load: f64,
    /// The group's own load series, when it has one (else a share of the scenario's).
    pub(super) own_load: Option<Vec<f64>>,
    pub(super) load_share: f64,
    /// Requests per second one capacity unit of the active configuration's first type
    /// serves: sizes the demand curve and the HPA and predictive estimates.
    pub(super) unit_capacity: f64,
    /// Active scaling configuration.
    pub(super) configuration: usize,
    /// Whether an alarm watches requests per instance (else that integral is skipped).
    pub(super) tracks_per_instance: bool,
    pub(super) min: u32,
    pub(super) max: u32,
    pub(super) desired: u32,
    /// Activities in progress and the cooldowns they will start (several only when rules
    /// that ignore the one-activity gate overlap: step, target tracking, HPA, predictive).
    pub(super) busy: Vec<Busy>,
    /// Lowest desired capacity the predictive forecast allows this hour (0 without one).
    pub(super) floor: u32,
    /// Per target-tracking rule: its generated alarms' streaks.
    pub(super) tracking: Vec<Streaks>,
    /// HPA: recommendations of the stabilization window and recent changes for its policies.
    pub(super) hpa: rules::HpaState,
    pub(super) cooldown_until: SimTime,
    /// Target tracking with Application Auto Scaling's `ScaleInCooldown`: no scale-in before.
    pub(super) tracking_scale_in_until: SimTime,
    /// Scheduled firings waiting for the group, in firing order.
    pub(super) waiting: VecDeque<Waiting>,
    pub(super) retry_at: Option<SimTime>,
    /// When a replacement short of stock launches again.
    pub(super) reconcile_at: Option<SimTime>,
    /// Tencent's retry policy: when a scale-out short of stock launches again, and how many
    /// launches in a row have found no stock.
    pub(super) relaunch_at: Option<SimTime>,
    pub(super) launch_failures: u32,
    /// Zone rebalancing: when the group next checks its zones, and whether instances it
    /// launched to rebalance are booting (their surplus is terminated once they are in
    /// service).
    pub(super) rebalance_at: Option<SimTime>,
    pub(super) rebalancing: bool,
    /// The warm pool's ready instances, oldest first, and how many are initializing.
    pub(super) pool: VecDeque<usize>,
    pub(super) pool_initializing: u32,
    pub(super) alarms: Vec<AlarmState>,
    pub(super) fleet: Fleet,
    pub(super) billing: Billing,
    pub(super) run: RunIntegrals,
    pub(super) period: PeriodIntegrals,
    pub(super) history: History,
    pub(super) summary: GroupSummary,
}

/// An activity in progress and the cooldown it starts when it completes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Busy {
    /// Index into the run's activity history.
    pub(super) activity: usize,
    /// Seconds of cooldown after completion.
    pub(super) cooldown: Seconds,
}

/// Consecutive datapoints of a target-tracking rule's generated alarms.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Streaks {
    /// Above the target (the scale-out alarm).
    pub(super) above: u32,
    /// Below the low threshold (the scale-in alarm).
    pub(super) below: u32,
}

/// A scheduled firing waiting for the group to be free.
#[derive(Debug, Clone, Copy)]
pub(super) struct Waiting {
    /// Index of the task in the group.
    pub(super) task: usize,
    /// When it fired (its launch expiration counts from here).
    pub(super) fired: SimTime,
}

/// The group's instances and what they add up to, kept as running counters.
#[derive(Debug, Clone, Default)]
pub(super) struct Fleet {
    pub(super) instances: Vec<Instance>,
    /// Indices of the instances counted toward desired capacity (pending, in service or
    /// failed and not yet detected; not those under a reclaim notice), in launch order.
    pub(super) live: Vec<usize>,
    /// Capacity units of `live`.
    pub(super) live_units: u32,
    /// Capacity units booting.
    pub(super) pending: u32,
    /// Capacity units in service.
    pub(super) in_service: u32,
    /// Instances in service (the servers of the latency model).
    pub(super) serving: u32,
    /// Instances in service per instance type.
    pub(super) serving_by_type: Vec<u32>,
    /// Requests per second the in-service instances serve at 100% CPU.
    pub(super) capacity: f64,
}

/// The running bill.
#[derive(Debug, Clone, Default)]
pub(super) struct Billing {
    /// Money per second of every instance not yet terminated.
    pub(super) rate: f64,
    /// Money billed up to `since` (the timeline's running cost), kept at each change of
    /// `rate` rather than every segment.
    pub(super) running: f64,
    pub(super) since: SimTime,
}

/// Integrals over the whole run.
#[derive(Debug, Clone, Default)]
pub(super) struct RunIntegrals {
    pub(super) in_service_seconds: u64,
    pub(super) alive_seconds: u64,
    pub(super) peak_in_service: u32,
    /// Instance-seconds and the most instances in service (units differ with weights).
    pub(super) serving_seconds: u64,
    pub(super) peak_serving: u32,
    /// Served request-seconds per latency regime (with a latency model).
    pub(super) latency: latency::Mix,
    pub(super) sla_violation_seconds: u64,
    pub(super) unserved_requests: f64,
}

/// Integrals over the current metric period, reset when it closes.
#[derive(Debug, Clone, Default)]
pub(super) struct PeriodIntegrals {
    pub(super) served: f64,
    pub(super) capacity: f64,
    pub(super) per_instance: f64,
    pub(super) data_seconds: u64,
    pub(super) violation_seconds: u64,
}

/// What the run keeps per metric period.
#[derive(Debug, Clone, Default)]
pub(super) struct History {
    /// With history: the sums of the SPEC curves (demand, in-service and provisioned
    /// instances), period by period.
    pub(super) curves: crate::metrics::Curves,
    /// Served / available capacity per metric period with any capacity, for the p95.
    pub(super) utilization_samples: super::quantile::Samples,
    /// The blocks a summary-only quiet stretch jumped over, whose samples the p95 asks for.
    pub(super) skipped: super::skip::Skipped,
}

impl GroupState {
    /// The group's load in period `tick` (0 past the end): its own, or its share of the
    /// scenario's `total`.
    #[inline(always)]
    pub(super) fn load_at(&self, total: &[f64], tick: usize) -> f64 {
        match &self.own_load {
            Some(values) => values.get(tick).copied().unwrap_or(0.0),
            None => total.get(tick).copied().unwrap_or(0.0) * self.load_share,
        }
    }

    /// Requests offered over the run: the load of each period times its length. The fleet
    /// never changes it, so it is summed once at the end, not in every period of every loop;
    /// in eight lanes (a serial sum of a year of minutes was a fifth of a summary-only run,
    /// `perf`: each add waits on the one before).
    pub(super) fn offered_requests(&self, total: &[f64], scenario: &crate::model::Scenario) -> f64 {
        const LANES: usize = 8;
        let dt = scenario.metric_period as f64;
        let (values, share) = match &self.own_load {
            Some(values) => (values.as_slice(), 1.0),
            None => (total, self.load_share),
        };
        let values = &values[..values.len().min(scenario.ticks())];
        let mut lanes = [0.0; LANES];
        let chunks = values.chunks_exact(LANES);
        let rest = chunks.remainder();
        for chunk in chunks {
            for (lane, value) in lanes.iter_mut().zip(chunk) {
                *lane += value * share * dt;
            }
        }
        for (lane, value) in lanes.iter_mut().zip(rest) {
            *lane += value * share * dt;
        }
        lanes.iter().sum()
    }

    /// With a latency model: counts `served` requests in the current queue regime and says
    /// whether it breaks the SLA (the latency target if any, else utilization). Kept out of
    /// line: the run's hot loop stays small without a model.
    #[inline(never)]
    pub(super) fn queue_latency(&mut self, model: LatencyModel, sla: &Sla, served: f64) -> bool {
        let regime =
            latency::Regime::new(model, self.load, self.fleet.capacity, self.fleet.serving);
        self.run.latency.add(regime, served);
        match sla.latency {
            Some(target) => self.run.latency.breaches(regime, target),
            None => crate::number::above(self.load, sla.max_utilization * self.fleet.capacity),
        }
    }
}
