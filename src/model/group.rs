//! Scaling groups: bounds, scaling configurations, removal policy, health and market mix.

use super::{AlarmTask, Hpa, Predictive, ScalingRule, ScheduledTask, TargetTracking};
use crate::load::LoadSpec;
use crate::time::Seconds;

/// One criterion of the order a scale-in removes instances in, after pending ones. A group
/// lists one or more (AWS `TerminationPolicies`, ESS `RemovalPolicies`, Tencent
/// `TerminationPolicies`): each breaks the ties of the ones before it, and instances still
/// tied go oldest first (a deterministic stand-in for AWS's "at random").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// Earliest launched first (Tencent default `OLDEST_INSTANCE`, ESS `OldestInstance`, AWS
    /// `OldestInstance`).
    OldestInstance,
    /// Latest launched first (Tencent `NEWEST_INSTANCE`, ESS `NewestInstance`, AWS
    /// `NewestInstance`).
    NewestInstance,
    /// Oldest scaling configuration first, by file order (ESS default
    /// `OldestScalingConfiguration`).
    OldestScalingConfiguration,
    /// Instances of configurations other than the active one first, then the oldest
    /// configuration (AWS `OldestLaunchTemplate`: "instances that use the noncurrent launch
    /// template are terminated first, followed by instances that use the oldest version of
    /// the current launch template").
    OldestLaunchTemplate,
    /// AWS `OldestLaunchConfiguration`: scaleplan's configurations are of one kind, so it
    /// ranks as `OldestLaunchTemplate`.
    OldestLaunchConfiguration,
    /// The instance whose next billing hour is nearest first (AWS
    /// `ClosestToNextInstanceHour`: "maximize the use of your instances that have an hourly
    /// charge"): the hour it has paid for is the most used.
    ClosestToNextInstanceHour,
    /// The lowest-priority instance type of its configuration first (AWS `AllocationStrategy`
    /// with the `prioritized` strategy: terminating aligns the remaining instances with the
    /// priority order launches follow).
    AllocationStrategy,
    /// AWS `Default`: the oldest launch template, then the closest to the next instance hour
    /// (AWS termination policies page; its zone balancing has no zones to act on here).
    Default,
}

/// How a warm pool's instances wait (AWS `PoolState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolState {
    /// `Stopped` (AWS default): only its volumes are billed.
    Stopped,
    /// `Hibernated`: volumes, RAM contents included, are billed.
    Hibernated,
    /// `Running`: billed in full ("not recommended" by AWS, for a faster start).
    Running,
}

/// Where a warm pool's instances come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolFill {
    /// AWS warm pools: kept at its size by launching and initializing instances into it.
    Prepared,
    /// Tencent `WAKE_UP_STOPPED_SCALING`: scale-ins stop instances instead of terminating
    /// them; scale-outs start stopped instances first. Nothing is launched into it.
    ScaleIn,
}

/// A warm pool (AWS "Warm pools for Amazon EC2 Auto Scaling", `PutWarmPool`; Tencent
/// `ScalingMode = WAKE_UP_STOPPED_SCALING`): instances kept beside the group, billed at a
/// stopped price, that enter service faster than a launch.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmPool {
    pub fill: PoolFill,
    /// AWS `MinSize` (default 0).
    pub min_size: u32,
    /// AWS `MaxGroupPreparedCapacity`: the pool holds this minus desired capacity; `None`:
    /// the group's max (AWS default).
    pub max_prepared_capacity: Option<u32>,
    pub state: PoolState,
    /// AWS `InstanceReusePolicy.ReuseOnScaleIn`: scaled-in instances return to the pool.
    pub reuse_on_scale_in: bool,
    /// Price per hour of a stopped or hibernated instance (its volumes; AWS bills EBS).
    pub stopped_price_per_hour: f64,
    /// From the pool to in service (instead of `boot_time`).
    pub warm_boot_time: Seconds,
}

impl WarmPool {
    /// Instances the pool holds at `desired` (AWS: max prepared capacity minus desired, at
    /// least `min_size`; 6 desired of max 10 keeps 4); unbounded for Tencent's.
    pub fn size(&self, desired: u32, max: u32) -> u32 {
        match self.fill {
            PoolFill::Prepared => self
                .max_prepared_capacity
                .unwrap_or(max)
                .saturating_sub(desired)
                .max(self.min_size),
            PoolFill::ScaleIn => u32::MAX,
        }
    }

    /// Whether a scale-in puts instances into it.
    pub fn reuses(&self) -> bool {
        self.reuse_on_scale_in || self.fill == PoolFill::ScaleIn
    }
}

/// How a group spreads instances over its zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZonePolicy {
    /// Each launch goes to the zone with the fewest instances, falling back to the others
    /// when it has no stock (AWS `balanced-best-effort`, ESS `BALANCE`, Tencent `EQUALITY`);
    /// each scale-in removes from the zone with the most.
    Balanced,
    /// Each launch goes to a zone with the fewest instances or not at all (AWS
    /// `balanced-only`: "will continue to attempt to launch instances in the Availability
    /// Zone"); scale-ins as `Balanced`.
    BalancedOnly,
    /// Launches take the first zone in the list with stock (ESS `PRIORITY`, Tencent
    /// `PRIORITY`); scale-ins follow the removal policies alone.
    Priority,
}

impl ZonePolicy {
    /// Whether launches and scale-ins keep the zones even.
    pub fn balances(self) -> bool {
        self != ZonePolicy::Priority
    }
}

/// What a group does after a scale-out that found no stock for every unit (Tencent AS
/// `RetryPolicy`, `CreateAutoScalingGroup`). Without one (ESS, AWS) desired capacity drops to
/// what the group holds; with one desired stays and the group retries the launch.
#[derive(Debug, Clone, PartialEq)]
pub enum RetryPolicy {
    /// `IMMEDIATE_RETRY`: "retry quickly; stop after 5 consecutive failures". Tencent gives no
    /// interval: the file states it.
    ImmediateRetry { interval: Seconds },
    /// `INCREMENTAL_INTERVALS`: "the retry interval grows with consecutive failures, from
    /// seconds up to a day". Tencent gives no schedule: the file lists it (the last interval
    /// repeats).
    IncrementalIntervals { intervals: Vec<Seconds> },
    /// `NO_RETRY`: "no retry until the next user call or alarm": the next activity launches
    /// toward the desired capacity that stayed.
    NoRetry,
}

/// Tencent's `IMMEDIATE_RETRY` gives up after this many consecutive failures.
pub const IMMEDIATE_RETRY_LIMIT: u32 = 5;

impl RetryPolicy {
    /// When to retry after `failures` consecutive failed launches (1 for the first).
    pub fn next_retry(&self, failures: u32) -> Option<Seconds> {
        match self {
            RetryPolicy::ImmediateRetry { interval } => {
                (failures <= IMMEDIATE_RETRY_LIMIT).then_some(*interval)
            }
            RetryPolicy::IncrementalIntervals { intervals } => intervals
                .get((failures as usize).saturating_sub(1))
                .or(intervals.last())
                .copied(),
            RetryPolicy::NoRetry => None,
        }
    }
}

/// The transition a lifecycle hook holds an instance at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookTransition {
    /// Launching (AWS `autoscaling:EC2_INSTANCE_LAUNCHING`, Tencent `INSTANCE_LAUNCHING`,
    /// ESS `SCALE_OUT`): `Pending:Wait` before the instance enters service.
    Launching,
    /// Terminating (AWS `autoscaling:EC2_INSTANCE_TERMINATING`, Tencent
    /// `INSTANCE_TERMINATING`, ESS `SCALE_IN`): `Terminating:Wait` after it leaves service.
    Terminating,
}

/// How a lifecycle action ends (AWS / Tencent / ESS `CONTINUE`, `ABANDON`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookResult {
    /// Launching: the instance proceeds to service; terminating: it terminates.
    Continue,
    /// Launching: the instance is terminated and replaced; terminating: it terminates, the
    /// group's other terminating hooks cut short (AWS "stops any remaining actions").
    Abandon,
}

/// A lifecycle hook (AWS `PutLifecycleHook`, Tencent `CreateLifecycleHook`, ESS
/// `CreateLifecycleHook`): instances wait at its transition, billed and serving nothing, until
/// the action completes or the heartbeat timeout gives the default result.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleHook {
    /// Unique name within the group.
    pub name: String,
    pub transition: HookTransition,
    /// How long an instance waits for the action (AWS `HeartbeatTimeout`, 30-7200 s, default
    /// 3600; Tencent 30-7200, default 300; ESS 30-21600, default 600).
    pub heartbeat_timeout: Seconds,
    /// The result when the timeout passes (AWS `DefaultResult`, default `ABANDON` in the API
    /// reference; Tencent and ESS default `CONTINUE`): required in the file, as the clouds
    /// disagree.
    pub default_result: HookResult,
    /// When the action (the user's script) completes, from the transition: `None` never (the
    /// timeout decides). An action completing at the timeout completes in time.
    pub completes_after: Option<Seconds>,
    /// The result the action completes with.
    pub result: HookResult,
}

impl LifecycleHook {
    /// How long an instance waits at this hook and how the wait ends.
    pub fn outcome(&self) -> (Seconds, HookResult) {
        match self.completes_after {
            Some(after) if after <= self.heartbeat_timeout => (after, self.result),
            _ => (self.heartbeat_timeout, self.default_result),
        }
    }
}

/// The wait of an instance at a transition under all of a group's hooks for it (they run
/// together): until the last completes, or until the first `Abandon`; `None` without hooks.
pub fn hook_wait(
    hooks: &[LifecycleHook],
    transition: HookTransition,
) -> Option<(Seconds, HookResult)> {
    let outcomes = hooks
        .iter()
        .filter(|hook| hook.transition == transition)
        .map(LifecycleHook::outcome);
    let first_abandon = outcomes
        .clone()
        .filter(|(_, result)| *result == HookResult::Abandon)
        .map(|(wait, _)| wait)
        .min();
    let last = outcomes.map(|(wait, _)| wait).max()?;
    Some(match first_abandon {
        Some(wait) => (wait, HookResult::Abandon),
        None => (last, HookResult::Continue),
    })
}

/// A list of removal policies as a scenario file writes it: `"a"` or `["a", "b"]`.
pub fn removal_list(policies: &[RemovalPolicy]) -> String {
    let names: Vec<String> = policies
        .iter()
        .map(|policy| format!("\"{}\"", policy.as_str()))
        .collect();
    match names.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", names.join(", ")),
    }
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
    /// Whether `desired` is the default (`min`) rather than written in the file or a policy:
    /// a sweep of `min` then moves it along.
    pub desired_follows_min: bool,
    /// Manually added instances among those in service at time 0.
    pub existing: ExistingInstances,
    /// Scale-in victim order: each policy breaks the ties of the ones before it (never empty).
    pub removal_policy: Vec<RemovalPolicy>,
    /// Cooldown after an activity when the rule has none of its own (all clouds: 300 s).
    pub default_cooldown: Seconds,
    /// Fraction of the scenario load this group receives (> 0).
    pub load_share: f64,
    /// After booting, how long the load balancer takes to register an instance and send it
    /// traffic (billed, serving nothing).
    pub registration_delay: Seconds,
    /// Lifecycle hooks on launch and termination.
    pub lifecycle_hooks: Vec<LifecycleHook>,
    /// Tencent's retry of a scale-out short of stock; `None`: desired drops (ESS, AWS).
    pub retry_policy: Option<RetryPolicy>,
    /// Instances kept warm beside the group.
    pub warm_pool: Option<WarmPool>,
    /// The zones it launches into, as indices into `Scenario::zones` (never empty), in the
    /// order written (the priority order of `ZonePolicy::Priority`, ties of the others).
    pub zones: Vec<usize>,
    /// How launches and scale-ins pick zones.
    pub zone_policy: ZonePolicy,
    /// AWS `AZRebalance`: an unbalanced group launches in its smallest zones, then
    /// terminates as many in its largest.
    pub zone_rebalance: bool,
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
