//! The `[[group]]` tables: bounds, scaling configurations, market mix, health, and the
//! rules and tasks inside each group.

use super::load::load_spec;
use super::rules::{AnyRule, scaling_rule};
use super::tasks::{alarm_task, scheduled_task};
use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn scaling_group(
    checker: &mut Checker,
    group: &wire::Group,
    type_names: &[String],
    clock: &Clock,
    duration: Seconds,
    metric_period: Seconds,
    default_timezone: Tz,
    read_trace: &mut TraceReader,
) -> ScalingGroup {
    let (configurations, active_configuration) = configurations(checker, group, type_names);
    let mix = group.mix.as_ref().map(|mix| MarketMix {
        on_demand_base: mix.on_demand_base,
        on_demand_above_base: mix.on_demand_above_base.as_ref().map_or(0.0, |share| {
            checker.number(
                share,
                "group.mix.on_demand_above_base",
                0.0,
                1.0,
                "the pay-as-you-go share above the base, e.g. 0.25 (0: all preemptible)",
            )
        }),
    });
    let health = group.health.as_ref().map(|health| {
        let mtbf = health.mtbf.get_ref().0;
        if mtbf == 0 {
            checker.error(
                health.mtbf.span(),
                "group.health.mtbf",
                "mean time between failures must be positive",
                "e.g. mtbf = \"2000h\"",
            );
        }
        Health {
            mtbf: mtbf.max(1),
            grace: health.grace.map_or(HEALTH_GRACE, |value| value.0),
            detection: health.detection.map_or(HEALTH_DETECTION, |value| value.0),
        }
    });
    let load = group.load.as_ref().and_then(|load| {
        let before = checker.problems.len();
        let spec = load_spec(checker, load, clock, duration, read_trace);
        for problem in &mut checker.problems[before..] {
            if let Some(field) = &mut problem.field {
                field.insert_str(0, "group.");
            }
        }
        spec.map(std::sync::Arc::new)
    });
    if let (Some(_), Some(share)) = (&group.load, &group.load_share) {
        checker.error(
            share.span(),
            "group.load_share",
            "a group with its own load takes no share of the scenario's",
            "remove `load_share` or the group's [group.load]",
        );
    }
    let (min, max) = (*group.min.get_ref(), *group.max.get_ref());
    let desired = group.desired.as_ref().map_or(min, |value| *value.get_ref());
    let existing = group
        .existing
        .as_ref()
        .map_or(ExistingInstances::default(), |existing| ExistingInstances {
            count: *existing.count.get_ref(),
            protected: existing.protected,
        });
    let load_share = group.load_share.as_ref().map_or(LOAD_SHARE, |share| {
        checker.number(
            share,
            "group.load_share",
            f64::MIN_POSITIVE,
            f64::INFINITY,
            "the fraction of the load this group serves, e.g. 0.5",
        )
    });

    let mut all_names = Vec::new();
    let (mut rules, mut target_tracking, mut predictive, mut hpa) =
        (Vec::new(), Vec::new(), None, None);
    for rule in &group.rule {
        checker.unique_name(&mut all_names, &rule.name, "rule");
        match scaling_rule(checker, rule) {
            AnyRule::Run(rule) => rules.push(rule),
            AnyRule::TargetTracking(rule) => target_tracking.push(rule),
            AnyRule::Predictive(rule) => {
                if predictive.replace(rule).is_some() {
                    checker.error(
                        group.name.span(),
                        "group.rule",
                        "a group has at most one predictive rule",
                        "merge them",
                    );
                }
            }
            AnyRule::Hpa(rule) => {
                if hpa.replace(rule).is_some() {
                    checker.error(
                        group.name.span(),
                        "group.rule",
                        "a group has at most one hpa rule",
                        "merge them",
                    );
                }
            }
        }
    }
    // Tasks run simple and step rules only; the others drive themselves.
    let rule_names: Vec<String> = rules
        .iter()
        .map(|rule: &ScalingRule| rule.name.clone())
        .collect();

    let mut task_names = Vec::new();
    let configuration_names: Vec<String> = configurations
        .iter()
        .map(|configuration| configuration.name.clone())
        .collect();
    let scheduled = group
        .scheduled
        .iter()
        .map(|task| {
            checker.unique_name(&mut task_names, &task.name, "scheduled task");
            scheduled_task(
                checker,
                task,
                &rule_names,
                &configuration_names,
                clock,
                duration,
                default_timezone,
            )
        })
        .collect();

    let mut alarm_names = Vec::new();
    let alarms = group
        .alarm
        .iter()
        .map(|alarm| {
            checker.unique_name(&mut alarm_names, &alarm.name, "alarm");
            alarm_task(checker, alarm, &rule_names)
        })
        .collect();

    let built = ScalingGroup {
        name: group.name.get_ref().clone(),
        configurations,
        active_configuration,
        mix,
        health,
        load,
        min,
        max,
        desired,
        desired_follows_min: group.desired.is_none(),
        existing,
        removal_policy: removal_policy(checker, group.removal_policy.as_ref()),
        default_cooldown: group.default_cooldown.map_or(COOLDOWN, |value| value.0),
        load_share,
        registration_delay: group.registration_delay.map_or(0, |value| value.0),
        lifecycle_hooks: lifecycle_hooks(checker, &group.lifecycle_hook),
        retry_policy: retry_policy(checker, group),
        warm_pool: group
            .warm_pool
            .as_ref()
            .map(|pool| warm_pool(checker, pool, group.mix.is_some())),
        // Filled with the scenario's zone indices by `validate`, from `zone_names`.
        zones: Vec::new(),
        zone_policy: zone_policy(checker, group),
        zone_rebalance: group
            .zone_rebalance
            .as_ref()
            .is_some_and(|value| *value.get_ref()),
        rules,
        target_tracking,
        predictive,
        hpa,
        scheduled,
        alarms,
    };
    report_violations(checker, group, &built, metric_period);
    built
}

/// The zones a group lists, checked: names unique and not empty, at most [`MAX_ZONES`].
pub(super) fn zone_names(checker: &mut Checker, group: &wire::Group) -> Vec<String> {
    let Some(zones) = &group.zones else {
        return Vec::new();
    };
    if zones.get_ref().is_empty() {
        checker.error(
            zones.span(),
            "group.zones",
            "`zones` is empty",
            "list the zones the group launches into, e.g. [\"ap-guangzhou-3\", \"ap-guangzhou-4\"], or remove the key",
        );
    }
    if zones.get_ref().len() > MAX_ZONES {
        checker.error(
            zones.span(),
            "group.zones",
            format!("more than {MAX_ZONES} zones"),
            "list the zones the group launches into",
        );
    }
    let mut names: Vec<String> = Vec::new();
    for zone in zones.get_ref().iter().take(MAX_ZONES) {
        if zone.get_ref().trim().is_empty() {
            checker.error(
                zone.span(),
                "group.zones",
                "a zone name is empty",
                "write the zone's name, e.g. \"us-east-1a\"",
            );
        } else if names.contains(zone.get_ref()) {
            checker.error(
                zone.span(),
                "group.zones",
                format!("zone `{}` is listed twice", zone.get_ref()),
                "list each zone once (the order is the priority order)",
            );
        } else {
            names.push(zone.get_ref().clone());
        }
    }
    names
}

/// `zone_policy`: required with two zones or more (AWS balances by default, ESS and Tencent
/// take zones by priority), meaningless with fewer; `zone_rebalance` needs a balancing one.
fn zone_policy(checker: &mut Checker, group: &wire::Group) -> ZonePolicy {
    let zones = group
        .zones
        .as_ref()
        .map_or(0, |zones| zones.get_ref().len());
    let policy = match &group.zone_policy {
        None => {
            if zones >= 2 {
                checker.error(
                    group.zones.as_ref().map_or(group.name.span(), Spanned::span),
                    "group.zone_policy",
                    format!("group `{}` lists {zones} zones but no `zone_policy`", group.name.get_ref()),
                    "the clouds differ: zone_policy = \"balanced\" (AWS default, ESS BALANCE, Tencent EQUALITY), \"balanced_only\" (AWS) or \"priority\" (ESS and Tencent default)",
                );
            }
            ZonePolicy::Priority
        }
        Some(policy) => {
            if zones < 2 {
                checker.error(
                    policy.span(),
                    "group.zone_policy",
                    "`zone_policy` needs at least two `zones` to choose between",
                    "list the group's zones, or remove `zone_policy`",
                );
            }
            *policy.get_ref()
        }
    };
    if let Some(rebalance) = &group.zone_rebalance
        && *rebalance.get_ref()
        && !(zones >= 2 && policy.balances())
    {
        checker.error(
            rebalance.span(),
            "group.zone_rebalance",
            "`zone_rebalance` balances zones: it needs two zones or more and zone_policy \"balanced\" or \"balanced_only\"",
            "set zone_policy = \"balanced\", or remove `zone_rebalance`",
        );
    }
    policy
}

/// Reports the model's own invariants ([`ScalingGroup::violations`]) at the lines that broke
/// them, so the validator and the sweep enforce one list.
fn report_violations(
    checker: &mut Checker,
    group: &wire::Group,
    built: &ScalingGroup,
    metric_period: Seconds,
) {
    for violation in built.violations(0, metric_period) {
        let span = match violation.place {
            Place::GroupMin(_) => group.min.span(),
            Place::GroupMax(_) => group.max.span(),
            // An unset desired follows min: the min violation already says it all.
            Place::GroupDesired(_) => match &group.desired {
                Some(desired) => desired.span(),
                None => continue,
            },
            Place::ExistingCount(_) => group
                .existing
                .as_ref()
                .map_or(group.name.span(), |existing| existing.count.span()),
            Place::AlarmPeriod(_, index) => {
                let alarm = &group.alarm[index];
                alarm
                    .period
                    .as_ref()
                    .map_or(alarm.name.span(), Spanned::span)
            }
            Place::AlarmPeriods(_, index) => {
                let alarm = &group.alarm[index];
                alarm
                    .periods
                    .as_ref()
                    .map_or(alarm.name.span(), Spanned::span)
            }
            Place::AlarmDatapoints(_, index) => {
                let alarm = &group.alarm[index];
                alarm
                    .datapoints
                    .as_ref()
                    .map_or(alarm.name.span(), Spanned::span)
            }
            Place::AlarmInterval(_, index) => {
                let alarm = &group.alarm[index];
                alarm
                    .evaluation_interval
                    .as_ref()
                    .map_or(alarm.name.span(), Spanned::span)
            }
            Place::TaskMin(_, index) => {
                let task = &group.scheduled[index];
                task.min.as_ref().map_or(task.name.span(), Spanned::span)
            }
            // The step list's own check reports these at the steps.
            Place::Steps(..) => continue,
        };
        checker.error(
            span,
            violation.place.field(),
            violation.message,
            violation.hint,
        );
    }
}

/// The group's scaling configurations and the active one: `instance_type = "x"`,
/// `instance_types = ["x", "y"]` (one configuration in priority order), or
/// `[[group.configuration]]` tables with `active_configuration` (default: the first).
fn configurations(
    checker: &mut Checker,
    group: &wire::Group,
    type_names: &[String],
) -> (Vec<ScalingConfiguration>, usize) {
    let types = |checker: &mut Checker, names: &Spanned<Vec<Spanned<String>>>, field| {
        if names.get_ref().is_empty() {
            checker.error(
                names.span(),
                field,
                "no instance types",
                "list them in priority order, e.g. [\"c6.large\", \"c5.large\"]",
            );
        }
        names
            .get_ref()
            .iter()
            .map(|name| {
                checker
                    .reference(name, type_names, field, "instance type")
                    .unwrap_or(0)
            })
            .collect::<Vec<usize>>()
    };
    let single = |types: Vec<usize>| {
        vec![ScalingConfiguration {
            name: "default".into(),
            instance_types: types,
        }]
    };
    let given = [
        group.instance_type.is_some(),
        group.instance_types.is_some(),
        !group.configuration.is_empty(),
    ];
    if given.iter().filter(|given| **given).count() != 1 {
        checker.error(
            group.name.span(),
            "group.instance_type",
            format!(
                "group `{}` needs exactly one of `instance_type`, `instance_types` and [[group.configuration]]",
                group.name.get_ref()
            ),
            "instance_type = \"small\" for one type; instance_types = [\"a\", \"b\"] to fall back in priority order",
        );
        return (single(vec![0]), 0);
    }
    if group.active_configuration.is_some() && group.configuration.is_empty() {
        checker.error(
            group
                .active_configuration
                .as_ref()
                .map_or(0..0, Spanned::span),
            "group.active_configuration",
            "`active_configuration` names one of the group's [[group.configuration]] tables",
            "define the configurations, or remove it",
        );
    }
    if let Some(name) = &group.instance_type {
        let index = checker
            .reference(name, type_names, "group.instance_type", "instance type")
            .unwrap_or(0);
        return (single(vec![index]), 0);
    }
    if let Some(names) = &group.instance_types {
        return (single(types(checker, names, "group.instance_types")), 0);
    }
    let mut seen = Vec::new();
    let configurations: Vec<ScalingConfiguration> = group
        .configuration
        .iter()
        .map(|configuration| {
            checker.unique_name(&mut seen, &configuration.name, "scaling configuration");
            ScalingConfiguration {
                name: configuration.name.get_ref().clone(),
                instance_types: types(
                    checker,
                    &configuration.instance_types,
                    "group.configuration.instance_types",
                ),
            }
        })
        .collect();
    let active = group.active_configuration.as_ref().map_or(0, |name| {
        checker
            .reference(
                name,
                &seen,
                "group.active_configuration",
                "scaling configuration",
            )
            .unwrap_or(0)
    });
    (configurations, active)
}

/// The group's removal policies: oldest instance when unset; a list names each policy once,
/// and AWS's `Default` comes last ("Default must be the last policy", AWS termination
/// policies page).
fn removal_policy(
    checker: &mut Checker,
    written: Option<&Spanned<wire::RemovalPolicies>>,
) -> Vec<RemovalPolicy> {
    let Some(written) = written else {
        return vec![RemovalPolicy::OldestInstance];
    };
    let list: Vec<RemovalPolicy> = written.get_ref().0.to_vec();
    let span = written.span();
    if list.is_empty() {
        checker.error(
            span.clone(),
            "group.removal_policy",
            "an empty list of removal policies",
            "name one, e.g. removal_policy = \"oldest_instance\"",
        );
        return vec![RemovalPolicy::OldestInstance];
    }
    if let Some(twice) = list
        .iter()
        .enumerate()
        .find(|(index, policy)| list[..*index].contains(policy))
    {
        checker.error(
            span.clone(),
            "group.removal_policy",
            format!("removal policy `{}` is listed twice", twice.1.as_str()),
            "each policy breaks the ties of the ones before it: list it once",
        );
    }
    if list[..list.len() - 1].contains(&RemovalPolicy::Default) {
        checker.error(
            span,
            "group.removal_policy",
            "removal policy `default` is not last",
            "AWS applies Default last: move it to the end of the list",
        );
    }
    list
}

/// The most lifecycle hooks a group has (AWS's quota per group).
const MAX_LIFECYCLE_HOOKS: usize = 50;

/// The longest heartbeat timeout: AWS's global limit of a lifecycle action, 48 hours.
const MAX_HEARTBEAT_TIMEOUT: Seconds = 48 * 3600;

/// The group's lifecycle hooks: unique names, a positive heartbeat timeout of at most 48 h.
fn lifecycle_hooks(checker: &mut Checker, hooks: &[wire::LifecycleHookWire]) -> Vec<LifecycleHook> {
    if hooks.len() > MAX_LIFECYCLE_HOOKS {
        checker.error(
            hooks[MAX_LIFECYCLE_HOOKS].name.span(),
            "group.lifecycle_hook",
            format!("more than {MAX_LIFECYCLE_HOOKS} lifecycle hooks"),
            "AWS allows 50 per group",
        );
    }
    let mut names: Vec<&str> = Vec::new();
    hooks
        .iter()
        .take(MAX_LIFECYCLE_HOOKS)
        .map(|hook| {
            let name = hook.name.get_ref();
            if names.contains(&name.as_str()) {
                checker.error(
                    hook.name.span(),
                    "group.lifecycle_hook.name",
                    format!("lifecycle hook `{name}` is defined twice"),
                    "give each hook its own name",
                );
            }
            names.push(name);
            let timeout = hook.heartbeat_timeout.get_ref().0;
            if timeout == 0 || timeout > MAX_HEARTBEAT_TIMEOUT {
                checker.error(
                    hook.heartbeat_timeout.span(),
                    "group.lifecycle_hook.heartbeat_timeout",
                    format!(
                        "heartbeat timeout {} is outside 1s..48h",
                        crate::time::format_duration(timeout)
                    ),
                    "AWS and Tencent take 30s to 2h, ESS 30s to 6h",
                );
            }
            LifecycleHook {
                name: name.clone(),
                transition: hook.transition,
                heartbeat_timeout: timeout,
                default_result: hook.default_result,
                completes_after: hook.completes_after.map(|value| value.0),
                result: hook.result.unwrap_or(HookResult::Continue),
            }
        })
        .collect()
}

/// The most retry intervals a group lists.
const MAX_RETRY_INTERVALS: usize = 32;

/// Tencent's `RetryPolicy` with the intervals the file states (Tencent documents none); each
/// between 1 s and a day ("from seconds up to a day"), in a non-decreasing list.
fn retry_policy(checker: &mut Checker, group: &wire::Group) -> Option<RetryPolicy> {
    let intervals = group.retry_intervals.as_ref();
    let Some(policy) = &group.retry_policy else {
        if let Some(intervals) = intervals {
            checker.error(
                intervals.span(),
                "group.retry_intervals",
                "retry intervals without a retry policy",
                "set retry_policy = \"immediate_retry\" or \"incremental_intervals\"",
            );
        }
        return None;
    };
    let list: Vec<Seconds> = intervals.map_or_else(Vec::new, |list| {
        list.get_ref().iter().map(|value| value.0).collect()
    });
    let span = intervals.map_or(policy.span(), Spanned::span);
    let wanted = match policy.get_ref() {
        wire::RetryPolicyWire::ImmediateRetry => Some(1..=1),
        wire::RetryPolicyWire::IncrementalIntervals => Some(1..=MAX_RETRY_INTERVALS),
        wire::RetryPolicyWire::NoRetry => None,
    };
    match &wanted {
        Some(range) if !range.contains(&list.len()) => checker.error(
            span.clone(),
            "group.retry_intervals",
            format!(
                "this retry policy takes {} retry interval(s), not {}",
                if range.start() == range.end() {
                    "1".to_string()
                } else {
                    format!("1 to {}", range.end())
                },
                list.len()
            ),
            "Tencent does not publish its intervals: state yours, e.g. retry_intervals = [\"30s\"]",
        ),
        None if !list.is_empty() => checker.error(
            span.clone(),
            "group.retry_intervals",
            "no_retry takes no retry intervals",
            "remove retry_intervals",
        ),
        _ => {}
    }
    if list
        .iter()
        .any(|interval| *interval == 0 || *interval > 86_400)
        || list.windows(2).any(|pair| pair[1] < pair[0])
    {
        checker.error(
            span,
            "group.retry_intervals",
            "retry intervals lie between 1s and 1d and never shrink",
            "Tencent: \"from seconds up to a day\", growing with the failures",
        );
    }
    Some(match policy.get_ref() {
        wire::RetryPolicyWire::ImmediateRetry => RetryPolicy::ImmediateRetry {
            interval: list.first().copied().unwrap_or(60),
        },
        wire::RetryPolicyWire::IncrementalIntervals => RetryPolicy::IncrementalIntervals {
            intervals: if list.is_empty() { vec![60] } else { list },
        },
        wire::RetryPolicyWire::NoRetry => RetryPolicy::NoRetry,
    })
}

/// A warm pool: a stopped price unless it runs, a positive warm boot, and Tencent's fill
/// (scale-ins only) always reusing.
fn warm_pool(
    checker: &mut Checker,
    written: &Spanned<wire::WarmPoolWire>,
    mixed: bool,
) -> WarmPool {
    let pool = written.get_ref();
    // AWS warm pools user guide, limitations: a group with a mixed instances policy (Spot
    // with On-Demand) cannot have a warm pool; scaleplan's pool would launch on demand only.
    if mixed && pool.fill != Some(PoolFill::ScaleIn) {
        checker.error(
            written.span(),
            "group.warm_pool",
            "a group with a `mix` cannot have a prepared warm pool",
            "AWS does not support warm pools with a mixed instances policy: remove `mix` or the pool",
        );
    }
    let state = pool.state.unwrap_or(PoolState::Stopped);
    let fill = pool.fill.unwrap_or(PoolFill::Prepared);
    let stopped_price_per_hour = match &pool.stopped_price_per_hour {
        Some(price) => checker.number(
            price,
            "group.warm_pool.stopped_price_per_hour",
            0.0,
            crate::limits::MAX_MAGNITUDE,
            "the hourly price of a stopped instance's volumes",
        ),
        None if state == PoolState::Running => 0.0,
        None => {
            checker.error(
                written.span(),
                "group.warm_pool.stopped_price_per_hour",
                "a stopped or hibernated warm pool needs `stopped_price_per_hour`",
                "the price of the instance's volumes (AWS bills EBS while stopped), e.g. 0.008",
            );
            0.0
        }
    };
    if pool.warm_boot_time.0 == 0 {
        checker.error(
            written.span(),
            "group.warm_pool.warm_boot_time",
            "`warm_boot_time` must be positive",
            "how long a warm instance takes from the pool to service, e.g. \"30s\"",
        );
    }
    if fill == PoolFill::ScaleIn && pool.reuse_on_scale_in == Some(false) {
        checker.error(
            written.span(),
            "group.warm_pool.reuse_on_scale_in",
            "fill = \"scale_in\" fills the pool with scaled-in instances only",
            "remove reuse_on_scale_in (Tencent's WAKE_UP_STOPPED_SCALING always reuses)",
        );
    }
    if fill == PoolFill::ScaleIn
        && (pool.min_size.is_some() || pool.max_prepared_capacity.is_some())
    {
        checker.error(
            written.span(),
            "group.warm_pool",
            "fill = \"scale_in\" has no size: nothing is launched into it",
            "remove min_size and max_prepared_capacity",
        );
    }
    WarmPool {
        fill,
        min_size: pool.min_size.unwrap_or(0),
        max_prepared_capacity: pool
            .max_prepared_capacity
            .as_ref()
            .map(|value| *value.get_ref()),
        state,
        reuse_on_scale_in: pool.reuse_on_scale_in.unwrap_or(false),
        stopped_price_per_hour,
        warm_boot_time: pool.warm_boot_time.0,
    }
}
