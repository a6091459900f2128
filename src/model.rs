//! The validated domain model: what a scenario means once it has been read and checked.
//!
//! Types here hold no file positions and cannot be built from text directly; `scenario`
//! turns a file into them and rejects whatever would break an invariant stated below, so the
//! engine can trust them. Vocabulary follows `shared/design.md` section 1.

use crate::load::LoadSpec;
use crate::time::{Clock, Seconds, SimTime};
use chrono::TimeZone;
use chrono_tz::Tz;
use croner::Cron;

/// A whole scenario: one load replayed against one or more scaling groups.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name, used in reports.
    pub name: String,
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
    /// Scaling groups, in file order (which is also the tie-break order).
    pub groups: Vec<ScalingGroup>,
    /// How the load is made (shared: sweeps clone scenarios by the thousand).
    pub load: std::sync::Arc<LoadSpec>,
    /// Budgets `scaleplan check` enforces.
    pub expect: Expect,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// AWS: toward zero, but a result in (0, 1) becomes 1 and one in (-1, 0) becomes -1.
    Aws,
    /// Alibaba ESS: to the nearest integer, halves away from zero.
    Alibaba,
}

/// Which triggers a running cooldown rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CooldownBlocks {
    /// AWS / ESS: only alarm-triggered simple rules wait; scheduled tasks run.
    Alarms,
    /// Tencent Cloud FAQ: no scaling activity at all during the cooldown.
    All,
}

/// A machine type with its capacity, price and timings.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    /// Name as written in the scenario.
    pub name: String,
    /// Requests per second one instance serves at 100% CPU (> 0).
    pub capacity_rps: f64,
    /// Pay-as-you-go price per hour (>= 0).
    pub price_per_hour: f64,
    /// From launch to in service (booting, billed, serving nothing).
    pub boot_time: Seconds,
    /// Billing rounds each life up to a multiple of this (>= 1 s).
    pub billing_granularity: Seconds,
    /// Least billed span of an instance launched during the run (AWS Linux: 60 s).
    pub billing_minimum: Seconds,
    /// Capacity units one instance counts for toward desired capacity (AWS
    /// `WeightedCapacity`; 1 makes desired capacity a number of instances).
    pub weight: u32,
    /// Most pay-as-you-go instances of this type running at once across the scenario (the
    /// zone's stock); a launch beyond it falls back to the next type (ESS multi-instance-type
    /// configuration).
    pub stock: Option<u32>,
    /// Chance that one launch of this type finds no stock (seeded), then falls back likewise.
    pub no_stock_probability: f64,
    /// The preemptible (spot) market for this type, when it has one.
    pub preemptible: Option<Preemptible>,
}

/// A preemptible (spot) offer of an instance type: cheaper, and reclaimable by the cloud.
#[derive(Debug, Clone, PartialEq)]
pub struct Preemptible {
    /// Share off the pay-as-you-go price (0..1) while no price trace is given.
    pub discount: f64,
    /// What makes the cloud take instances back.
    pub reclamation: Reclamation,
    /// Most preemptible instances of the type running at once (spot capacity is a pool of
    /// its own, AWS "Spot capacity pools").
    pub stock: Option<u32>,
    /// Warning before a reclaimed instance is released (AWS: 2 minutes; the group launches
    /// the replacement at the notice, as AWS capacity rebalancing and ESS `SpotInstanceRemedy`).
    pub notice: Seconds,
}

/// How preemptible instances get reclaimed.
#[derive(Debug, Clone, PartialEq)]
pub enum Reclamation {
    /// Each running preemptible instance is reclaimed at this rate per hour (a Poisson
    /// process, seeded: AWS publishes interruption frequency bands per type).
    Rate(f64),
    /// The market price over time (piecewise constant from each point on, in time order,
    /// the first at 0): instances are billed at it, and all of them are reclaimed when it
    /// rises above the bid (ESS `SpotPriceLimit`, AWS spot before 2017).
    PriceTrace {
        /// (from, price per hour).
        points: Vec<(SimTime, f64)>,
        /// Highest price the group pays.
        bid: f64,
    },
}

impl Preemptible {
    /// Price per hour at `time` of a preemptible instance whose pay-as-you-go price is
    /// `on_demand`.
    pub fn price_at(&self, on_demand: f64, time: SimTime) -> f64 {
        match &self.reclamation {
            Reclamation::Rate(_) => on_demand * (1.0 - self.discount),
            Reclamation::PriceTrace { points, .. } => {
                let index = points.partition_point(|(from, _)| *from <= time);
                points[index.saturating_sub(1)].1
            }
        }
    }

    /// Money for `seconds` billed from `from`: the discounted price, or the integral of the
    /// price trace over the span (AWS bills spot at the price in effect).
    pub fn cost(&self, on_demand: f64, from: SimTime, seconds: Seconds) -> f64 {
        match &self.reclamation {
            Reclamation::Rate(_) => crate::billing::cost(seconds, self.price_at(on_demand, from)),
            Reclamation::PriceTrace { points, .. } => {
                let to = from + seconds;
                let mut total = 0.0;
                for (index, (start, price)) in points.iter().enumerate() {
                    let end = points.get(index + 1).map_or(SimTime::MAX, |next| next.0);
                    let (low, high) = ((*start).max(from), end.min(to));
                    if low < high {
                        total += crate::billing::cost(high - low, *price);
                    }
                }
                total
            }
        }
    }
}

/// Which instances a scale-in removes first, after pending ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// Earliest launched first (Tencent default `OLDEST_INSTANCE`, ESS `OldestInstance`).
    OldestInstance,
    /// Latest launched first (Tencent `NEWEST_INSTANCE`, ESS `NewestInstance`).
    NewestInstance,
    /// Oldest scaling configuration, then oldest instance (ESS default, AWS `Default` order).
    OldestScalingConfiguration,
}

/// Instances the group has at the start of the run that it did not launch itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExistingInstances {
    /// How many.
    pub count: u32,
    /// Exempt from scale-in (Tencent "scale-down exemption", AWS scale-in protection).
    pub protected: bool,
}

/// What a group launches (ESS scaling configuration, AWS launch template with its instance
/// type overrides).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingConfiguration {
    /// Unique name within the group.
    pub name: String,
    /// Indices into `Scenario::instance_types`, in priority order: a launch takes the first
    /// type with stock (ESS "instance type priority", AWS `prioritized` allocation).
    pub instance_types: Vec<usize>,
}

/// Pay-as-you-go base plus a preemptible share above it (AWS `InstancesDistribution`, ESS
/// `OnDemandBaseCapacity` / `OnDemandPercentageAboveBaseCapacity`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarketMix {
    /// Capacity units always pay-as-you-go.
    pub on_demand_base: u32,
    /// Share (0..=1) of the units above the base that are pay-as-you-go; rounded up in favour
    /// of pay-as-you-go (AWS).
    pub on_demand_above_base: f64,
}

impl MarketMix {
    /// Pay-as-you-go units wanted in a fleet of `total` units.
    pub fn on_demand_units(&self, total: u32) -> u32 {
        if total <= self.on_demand_base {
            return total;
        }
        let above = (total - self.on_demand_base) as f64;
        self.on_demand_base + (above * self.on_demand_above_base - 1e-9).ceil().max(0.0) as u32
    }
}

/// Instance failures and how the group's health check replaces them (ESS: unhealthy
/// instances are removed and replaced; AWS EC2 health checks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Health {
    /// Mean time between failures of one in-service instance (exponential, seeded).
    pub mtbf: Seconds,
    /// After launch, health checks ignore an instance this long (AWS `HealthCheckGracePeriod`).
    pub grace: Seconds,
    /// From a failure to the health check noticing it.
    pub detection: Seconds,
}

/// A scaling group and everything that acts on it.
#[derive(Debug, Clone)]
pub struct ScalingGroup {
    /// Unique name.
    pub name: String,
    /// Scaling configurations (at least one); launches use the active one.
    pub configurations: Vec<ScalingConfiguration>,
    /// Index of the configuration active at the start.
    pub active_configuration: usize,
    /// Preemptible share of launches; `None` launches pay-as-you-go only.
    pub mix: Option<MarketMix>,
    /// Failures and replacement; `None`: instances never fail.
    pub health: Option<Health>,
    /// The group's own load instead of a share of the scenario's.
    pub load: Option<std::sync::Arc<LoadSpec>>,
    /// Lower bound of desired capacity.
    pub min: u32,
    /// Upper bound of desired capacity (>= min).
    pub max: u32,
    /// Desired capacity at the start; that many instances are in service at time 0.
    pub desired: u32,
    /// Manually added instances among those in service at time 0.
    pub existing: ExistingInstances,
    /// Scale-in victim order.
    pub removal_policy: RemovalPolicy,
    /// Cooldown after an activity when the rule has none of its own (all clouds: 300 s).
    pub default_cooldown: Seconds,
    /// Fraction of the scenario load this group receives (> 0).
    pub load_share: f64,
    /// After booting, how long the load balancer takes to register an instance and send it
    /// traffic (billed, serving nothing).
    pub registration_delay: Seconds,
    /// Named simple and step rules; tasks refer to them by index.
    pub rules: Vec<ScalingRule>,
    /// Target-tracking rules (they drive themselves; no task runs them).
    pub target_tracking: Vec<TargetTracking>,
    /// Predictive scaling, at most one per group.
    pub predictive: Option<Predictive>,
    /// A Kubernetes HPA-style rule, at most one per group.
    pub hpa: Option<Hpa>,
    /// Time-triggered tasks.
    pub scheduled: Vec<ScheduledTask>,
    /// Metric-triggered tasks.
    pub alarms: Vec<AlarmTask>,
}

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

/// When a scheduled task fires.
#[derive(Debug, Clone)]
pub enum Recurrence {
    /// Once, at this simulated time.
    Once(SimTime),
    /// Every time the 5-field cron pattern matches in `timezone` (AWS: IANA zone, DST-aware).
    Cron {
        /// Parsed pattern.
        cron: Box<Cron>,
        /// Pattern text, for reports.
        pattern: String,
        /// Zone the pattern is read in.
        timezone: Tz,
    },
}

impl Recurrence {
    /// The first firing strictly after `after` (or at 0 when `after` is `None`).
    pub fn next_after(&self, clock: &Clock, after: Option<SimTime>) -> Option<SimTime> {
        match self {
            Recurrence::Once(at) => match after {
                Some(after) if *at <= after => None,
                _ => Some(*at),
            },
            Recurrence::Cron { cron, timezone, .. } => {
                let (from, inclusive) = match after {
                    Some(after) => (after, false),
                    None => (0, true),
                };
                let local = timezone.from_utc_datetime(&clock.at(from).naive_utc());
                let next = cron.find_next_occurrence(&local, inclusive).ok()?;
                clock.sim_time(next.fixed_offset())
            }
        }
    }
}

/// A task that fires on a schedule.
#[derive(Debug, Clone)]
pub struct ScheduledTask {
    /// Unique name within the group.
    pub name: String,
    /// When it fires.
    pub recurrence: Recurrence,
    /// No firing at or after this time (ESS `RecurrenceEndTime`, AWS end time).
    pub end: Option<SimTime>,
    /// What it does.
    pub action: TaskAction,
    /// How long a firing may wait for a busy group before it fails (ESS default 600 s).
    pub launch_expiration: Seconds,
    /// Every firing inside the run, in order: computed once from the recurrence at validation
    /// and shared by a sweep's thousands of copies (cron arithmetic stays off the hot path).
    pub fires: std::sync::Arc<Vec<SimTime>>,
}

/// What a scheduled task does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAction {
    /// Execute the rule with this index.
    RunRule(usize),
    /// Make this scaling configuration the active one (ESS `ModifyScalingGroup`
    /// `ActiveScalingConfigurationId`); running instances stay.
    Activate(usize),
    /// Set any of min, max and desired (AWS scheduled action, ESS Min/Max/DesiredCapacity).
    SetCapacity {
        /// New minimum.
        min: Option<u32>,
        /// New maximum.
        max: Option<u32>,
        /// New desired capacity.
        desired: Option<u32>,
    },
}

/// The metric an alarm watches, per sample of one metric period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Average CPU utilization of in-service instances, percent (0..=100).
    Cpu,
    /// Requests per second per in-service instance.
    RequestsPerInstance,
    /// The group's total request rate (requests per second); has data even with no instance.
    RequestRate,
}

impl Metric {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::RequestsPerInstance => "requests_per_instance",
            Metric::RequestRate => "request_rate",
        }
    }
}

impl Statistic {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Average => "average",
            Statistic::Maximum => "maximum",
            Statistic::Minimum => "minimum",
        }
    }
}

/// How an alarm period's samples become one datapoint (CloudWatch / CloudMonitor statistic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// Mean of the samples (ESS default).
    Average,
    /// Largest sample.
    Maximum,
    /// Smallest sample.
    Minimum,
}

/// The comparison of a datapoint with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
}

impl Comparison {
    /// Whether `value <op> threshold` holds.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::Greater => value > threshold,
            Comparison::GreaterOrEqual => value >= threshold,
            Comparison::Less => value < threshold,
            Comparison::LessOrEqual => value <= threshold,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Greater => ">",
            Comparison::GreaterOrEqual => ">=",
            Comparison::Less => "<",
            Comparison::LessOrEqual => "<=",
        }
    }
}

/// An alarm task: a metric condition that, held for N consecutive periods, runs a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmTask {
    /// Unique name within the group.
    pub name: String,
    /// What is measured.
    pub metric: Metric,
    /// How a period's samples are aggregated.
    pub statistic: Statistic,
    /// Length of one datapoint; a multiple of the metric period, aligned to the start.
    pub period: Seconds,
    /// Consecutive breaching datapoints before it fires (ESS `EvaluationCount`, >= 1).
    pub periods: u32,
    /// Comparison with the threshold.
    pub comparison: Comparison,
    /// Threshold in the metric's unit.
    pub threshold: f64,
    /// Index of the rule it runs.
    pub rule: usize,
}

#[cfg(test)]
mod tests {
    use super::MarketMix;

    // AWS "mixed instances groups" worked table: total running -> on-demand / spot.
    #[test]
    fn mix_matches_the_aws_worked_table() {
        let table: [(u32, f64, [u32; 4]); 5] = [
            (10, 0.5, [10, 15, 20, 25]),
            (0, 0.0, [0, 0, 0, 0]),
            (0, 0.6, [6, 12, 18, 24]),
            (0, 1.0, [10, 20, 30, 40]),
            (12, 0.0, [10, 12, 12, 12]),
        ];
        for (base, share, on_demand) in table {
            let mix = MarketMix {
                on_demand_base: base,
                on_demand_above_base: share,
            };
            for (total, expected) in [10, 20, 30, 40].into_iter().zip(on_demand) {
                assert_eq!(mix.on_demand_units(total), expected, "{mix:?} at {total}");
            }
        }
        // Fractions round up in favour of on-demand: base 0, 25% of 5 is 1.25 -> 2.
        let quarter = MarketMix {
            on_demand_base: 0,
            on_demand_above_base: 0.25,
        };
        assert_eq!(quarter.on_demand_units(5), 2);
    }
}
