//! A model back to a scenario file: the inverse of validation. Every scenario the tool writes
//! (a plan's `[[policy]]`, `planned.toml`) is a model turned into the wire types and
//! serialized by toml, so escaping and enum spelling live in one place and a written file
//! reads back to the same model (tests/it/writer.rs checks it for every bundled scenario and
//! every policy in them).

use super::wire::{self, DateTimeField, Duration, Instant, PerZoneWire, RemovalPolicies};
use crate::load::{Base, LoadSpec, Noise};
use crate::model::{
    Adjustment, Comparison, InstanceType, PerZone, Preemptible, Reclamation, Recurrence,
    RetryPolicy, ScalingGroup, Scenario, TaskAction,
};
use crate::time::Seconds;
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

/// What a model cannot give back: where its traces come from. A trace is kept as its rates;
/// the file's `[load.trace]` tables are kept beside it, and their paths are rewritten for
/// wherever the new file is written.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The folder the scenario's trace paths are relative to.
    pub(super) dir: PathBuf,
    /// `[load.trace]` as written.
    pub(super) scenario: Option<wire::TraceWire>,
    /// Each group's `[group.load.trace]`, by group name.
    pub(super) groups: Vec<(String, wire::TraceWire)>,
}

impl Sources {
    pub(super) fn new(dir: &Path, file: &wire::File) -> Self {
        Sources {
            dir: dir.to_path_buf(),
            scenario: file.load.trace.clone(),
            groups: (file.group.get_ref().iter())
                .filter_map(|group| {
                    let trace = group.load.as_ref()?.trace.clone()?;
                    Some((group.name.get_ref().clone(), trace))
                })
                .collect(),
        }
    }

    /// The trace table for a load read from `written`, its path as seen from `to`.
    fn trace(&self, written: Option<&wire::TraceWire>, to: &Path) -> Option<wire::TraceWire> {
        let mut trace = written?.clone();
        let path = self.dir.join(trace.path.get_ref());
        let relative = relative(&path, to);
        *trace.path.get_mut() = relative.to_string_lossy().replace('\\', "/");
        Some(trace)
    }
}

/// `path` as seen from folder `from` (an empty `from` is the working folder): relative
/// where both are on one root, else absolute. What a scenario names is found from the
/// scenario's own folder, wherever it is run from.
pub fn relative(path: &Path, from: &Path) -> PathBuf {
    let from = if from.as_os_str().is_empty() {
        Path::new(".")
    } else {
        from
    };
    let (Ok(path), Ok(from)) = (std::path::absolute(path), std::path::absolute(from)) else {
        return path.to_path_buf();
    };
    fn normal(path: &Path) -> Vec<Component<'_>> {
        let mut parts: Vec<Component<'_>> = Vec::new();
        for part in path.components() {
            match part {
                Component::CurDir => {}
                Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        parts
    }
    let (path_parts, from_parts) = (normal(&path), normal(&from));
    if path_parts.first() != from_parts.first() {
        return path;
    }
    let common = (path_parts.iter().zip(&from_parts))
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..from_parts.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part.as_os_str());
    }
    out
}

/// The whole file of `scenario`, with its traces named as seen from folder `to`: no
/// `[[policy]]` and no `[sweep]` (the scenario is the answer, not a question).
pub fn file(scenario: &Scenario, sources: &Sources, to: &Path) -> wire::File {
    let trace = |owner: Option<&str>| {
        let written = match owner {
            None => sources.scenario.as_ref(),
            Some(name) => (sources.groups.iter())
                .find(|(group, _)| group == name)
                .map(|(_, trace)| trace),
        };
        sources.trace(written, to)
    };
    wire::File {
        scenario: section(scenario),
        instance_types: spanned(
            (scenario.instance_types.iter())
                .map(|kind| (kind.name.clone(), instance_type(scenario, kind)))
                .collect(),
        ),
        load: load(&scenario.load, trace(None)),
        group: spanned(
            (scenario.groups.iter())
                .map(|group| {
                    let mut written = self::group(scenario, group);
                    written.load =
                        (group.load.as_ref()).map(|spec| load(spec, trace(Some(&group.name))));
                    written
                })
                .collect(),
        ),
        policy: Vec::new(),
        expect: expect(scenario),
        sweep: None,
    }
}

/// A `[[policy]]` named `name` that turns the file's scenario `file` into `point` when pasted
/// into it: every group in full, the file's rules the point lacks removed by name, and lists
/// (scheduled, alarms, hooks) given whole since a policy's list replaces the file's. Settings
/// a policy cannot carry (instance types, SLA, load) are the caller's to name.
pub fn policy(name: &str, description: &str, point: &Scenario, file: &Scenario) -> String {
    #[derive(serde::Serialize)]
    struct Pasted {
        policy: [wire::Policy; 1],
    }
    to_toml(&Pasted {
        policy: [policy_wire(name, description, point, file)],
    })
}

fn policy_wire(name: &str, description: &str, point: &Scenario, file: &Scenario) -> wire::Policy {
    wire::Policy {
        name: spanned(name.to_string()),
        description: Some(description.to_string()),
        group: (point.groups.iter())
            .zip(&file.groups)
            .map(|(group, written)| group_override(point, group, written))
            .collect(),
        expect: None,
        sweep: None,
    }
}

/// TOML text of any wire value.
pub(super) fn to_toml<T: serde::Serialize>(value: &T) -> String {
    // The wire types hold only strings, numbers, booleans, lists and tables with string keys:
    // toml refuses none of them.
    toml::to_string(value).unwrap_or_else(|error| format!("# unwritable: {error}\n"))
}

/// One TOML value as text (a string quoted and escaped, a number exact), for writers that
/// lay out their own lines, such as `import` with its source comments.
pub fn inline<T: serde::Serialize + ?Sized>(value: &T) -> String {
    toml::Value::try_from(value)
        .map_or_else(|error| format!("\"{error}\""), |value| value.to_string())
}

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

fn duration(seconds: Seconds) -> Duration {
    Duration(seconds)
}

/// The shortest decimal `written` with `written / factor == value`: the file writes some
/// values in other units (percent, milliseconds) than the model keeps.
fn unscaled(value: f64, factor: f64) -> f64 {
    let scaled = value * factor;
    (0..=17)
        .map(|digits| {
            let text = format!("{scaled:.digits$}");
            text.parse::<f64>().unwrap_or(scaled)
        })
        .find(|candidate| candidate / factor == value)
        .unwrap_or(scaled)
}

fn section(scenario: &Scenario) -> wire::ScenarioSection {
    let sla = &scenario.sla;
    wire::ScenarioSection {
        name: scenario.name.clone(),
        start: DateTimeField(scenario.clock.start),
        duration: spanned(duration(scenario.duration)),
        seed: scenario.seed,
        metric_period: spanned(duration(scenario.metric_period)),
        timezone: scenario
            .clock
            .zone
            .map(|zone| spanned(zone.name().to_string())),
        currency: Some(spanned(scenario.currency.clone())),
        rounding: scenario.rounding,
        cooldown_blocks: scenario.cooldown_blocks,
        sla: Some(wire::SlaWire {
            max_utilization: Some(spanned(sla.max_utilization)),
            latency_percentile: sla
                .latency
                .map(|target| spanned(unscaled(target.percentile, 100.0))),
            max_latency_ms: sla
                .latency
                .map(|target| spanned(unscaled(target.max_seconds, 1000.0))),
        }),
        latency_model: sla.latency_model,
        assumed: (!scenario.assumed.is_empty()).then(|| {
            spanned(
                (scenario.assumed.iter())
                    .map(|assumption| (assumption.path.clone(), spanned(value(&assumption.value))))
                    .collect(),
            )
        }),
    }
}

/// A sweep value as the TOML value it is written as.
fn value(value: &crate::model::Value) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {}", value.to_toml()))
        .ok()
        .and_then(|mut table| table.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_csv()))
}

fn expect(scenario: &Scenario) -> Option<wire::ExpectWire> {
    let expect = &scenario.expect;
    let written = wire::ExpectWire {
        max_cost: expect.max_cost.map(spanned),
        max_instance_hours: expect.max_instance_hours.map(spanned),
        max_sla_violation: expect.max_sla_violation_seconds.map(duration),
        max_unserved_requests: expect.max_unserved_requests.map(spanned),
    };
    (*expect != Default::default()).then_some(written)
}

/// A per-zone value: one for every zone, or zone by zone under the scenario's zone names.
fn per_zone<T: Copy, U>(
    scenario: &Scenario,
    value: &PerZone<T>,
    every: impl Fn(T) -> Option<U>,
) -> Option<Spanned<PerZoneWire<U>>> {
    match value {
        PerZone::Every(value) => every(*value).map(|value| spanned(PerZoneWire::Every(value))),
        PerZone::Each(values) => {
            let zones: Vec<(String, U)> = (scenario.zones.iter().zip(values))
                .filter_map(|(zone, value)| Some((zone.clone(), every(*value)?)))
                .collect();
            Some(spanned(PerZoneWire::Each(zones)))
        }
    }
}

fn instance_type(scenario: &Scenario, kind: &InstanceType) -> wire::InstanceType {
    wire::InstanceType {
        capacity_rps: spanned(kind.capacity_rps),
        price_per_hour: spanned(kind.price_per_hour),
        boot_time: Some(duration(kind.boot_time)),
        billing_granularity: Some(spanned(duration(kind.billing_granularity))),
        billing_minimum: Some(duration(kind.billing_minimum)),
        weight: Some(spanned(kind.weight)),
        stock: per_zone(scenario, &kind.stock, |stock| stock),
        no_stock_probability: match &kind.no_stock_probability {
            PerZone::Every(chance) if *chance == 0.0 => None,
            chances => per_zone(scenario, chances, Some),
        },
        preemptible: kind
            .preemptible
            .as_ref()
            .map(|offer| spanned(preemptible(scenario, offer))),
    }
}

fn preemptible(scenario: &Scenario, offer: &Preemptible) -> wire::PreemptibleWire {
    let (discount, reclaim_rate, price_trace, bid) = match &offer.reclamation {
        Reclamation::Rate(rate) => (
            Some(spanned(offer.discount)),
            Some(spanned(*rate)),
            None,
            None,
        ),
        Reclamation::PriceTrace { points, bid } => (
            None,
            None,
            Some(spanned(
                (points.iter())
                    .map(|(at, price)| wire::PricePointWire {
                        at: spanned(Instant::Offset(*at)),
                        price: spanned(*price),
                    })
                    .collect(),
            )),
            Some(spanned(*bid)),
        ),
    };
    wire::PreemptibleWire {
        discount,
        reclaim_rate,
        price_trace,
        bid,
        notice: Some(duration(offer.notice)),
        stock: per_zone(scenario, &offer.stock, |stock| stock),
    }
}

fn load(spec: &LoadSpec, trace: Option<wire::TraceWire>) -> wire::LoadSection {
    let time = |seconds: Seconds| wire::TimeOfDay(seconds);
    wire::LoadSection {
        base_rps: match spec.base {
            Base::Constant(rate) => Some(spanned(rate)),
            Base::Trace(_) => None,
        },
        trace: match spec.base {
            Base::Trace(_) => trace,
            Base::Constant(_) => None,
        },
        scale: Some(spanned(spec.scale)),
        diurnal: spec.diurnal.map(|diurnal| wire::DiurnalWire {
            amplitude: spanned(diurnal.amplitude),
            peak: time(diurnal.peak),
        }),
        daily: (spec.daily.iter())
            .map(|window| wire::DailyWire {
                from: spanned(time(window.from)),
                to: time(window.to),
                multiply: Some(spanned(window.multiply)),
                add_rps: Some(spanned(window.add_rps)),
                ramp: Some(duration(window.ramp)),
            })
            .collect(),
        growth: spec.growth.map(|growth| wire::GrowthWire {
            factor: spanned(growth.factor),
            start: Some(Instant::Offset(growth.start)),
            over: spanned(duration(growth.over)),
            shape: growth.shape,
        }),
        bursts: (spec.bursts.iter())
            .map(|burst| wire::BurstWire {
                at: spanned(Instant::Offset(burst.at)),
                duration: duration(burst.duration),
                add_rps: spanned(burst.add_rps),
                ramp: Some(duration(burst.ramp)),
            })
            .collect(),
        noise: spec.noise.map(|noise| match noise {
            Noise::LogNormal { sigma } => wire::NoiseWire {
                kind: wire::NoiseKindWire::Lognormal,
                sigma: spanned(sigma),
            },
            Noise::Normal { sigma } => wire::NoiseWire {
                kind: wire::NoiseKindWire::Normal,
                sigma: spanned(sigma),
            },
        }),
    }
}

/// Names of instance types, as written.
fn type_names(scenario: &Scenario, types: &[usize]) -> Spanned<Vec<Spanned<String>>> {
    spanned(
        (types.iter())
            .map(|index| spanned(scenario.instance_types[*index].name.clone()))
            .collect(),
    )
}

/// The zones a group names (none for the unnamed zone of a group that lists none).
fn zone_names(scenario: &Scenario, group: &ScalingGroup) -> Vec<Spanned<String>> {
    (group.zones.iter())
        .map(|zone| &scenario.zones[*zone])
        .filter(|name| !name.is_empty())
        .map(|name| spanned(name.clone()))
        .collect()
}

/// A whole `[[group]]` (its `load` is set by the caller, which knows the trace's source).
fn group(scenario: &Scenario, group: &ScalingGroup) -> wire::Group {
    // Every field named: a field added to the model does not compile until it is written back
    // here (or in `tasks`, or by the caller for `load`).
    let ScalingGroup {
        name: _,
        configurations: _,
        active_configuration: _,
        mix: _,
        health: _,
        load: _,
        min: _,
        max: _,
        desired: _,
        desired_follows_min: _,
        existing: _,
        removal_policy: _,
        default_cooldown: _,
        load_share: _,
        registration_delay: _,
        lifecycle_hooks: _,
        retry_policy: _,
        warm_pool: _,
        zones: _,
        zone_policy: _,
        zone_rebalance: _,
        rules: _,
        target_tracking: _,
        predictive: _,
        hpa: _,
        scheduled: _,
        alarms: _,
    } = group;
    let single = match group.configurations.as_slice() {
        [configuration] if configuration.name == "default" => Some(configuration),
        _ => None,
    };
    let zones = zone_names(scenario, group);
    let named = zones.len();
    let (retry_policy, retry_intervals) = match &group.retry_policy {
        None => (None, None),
        Some(RetryPolicy::ImmediateRetry { interval }) => (
            Some(wire::RetryPolicyWire::ImmediateRetry),
            Some(vec![duration(*interval)]),
        ),
        Some(RetryPolicy::IncrementalIntervals { intervals }) => (
            Some(wire::RetryPolicyWire::IncrementalIntervals),
            Some(
                intervals
                    .iter()
                    .map(|interval| duration(*interval))
                    .collect(),
            ),
        ),
        Some(RetryPolicy::NoRetry) => (Some(wire::RetryPolicyWire::NoRetry), None),
    };
    let (rule, scheduled, alarm) = tasks(group);
    wire::Group {
        name: spanned(group.name.clone()),
        instance_type: None,
        instance_types: single
            .map(|configuration| type_names(scenario, &configuration.instance_types)),
        configuration: if single.is_some() {
            Vec::new()
        } else {
            (group.configurations.iter())
                .map(|configuration| wire::ConfigurationWire {
                    name: spanned(configuration.name.clone()),
                    instance_types: type_names(scenario, &configuration.instance_types),
                })
                .collect()
        },
        active_configuration: single.is_none().then(|| {
            spanned(
                group.configurations[group.active_configuration]
                    .name
                    .clone(),
            )
        }),
        mix: group.mix.map(|mix| wire::MixWire {
            on_demand_base: mix.on_demand_base,
            on_demand_above_base: Some(spanned(mix.on_demand_above_base)),
        }),
        health: group.health.map(|health| wire::HealthWire {
            mtbf: spanned(duration(health.mtbf)),
            grace: Some(duration(health.grace)),
            detection: Some(duration(health.detection)),
        }),
        load: None,
        min: spanned(group.min),
        max: spanned(group.max),
        // Left out when the file left it out: it then follows `min` (a swept `min` moves it).
        desired: (!group.desired_follows_min).then(|| spanned(group.desired)),
        existing: (group.existing.count > 0 || group.existing.protected).then(|| {
            wire::ExistingWire {
                count: spanned(group.existing.count),
                protected: group.existing.protected,
            }
        }),
        removal_policy: Some(spanned(RemovalPolicies(group.removal_policy.clone()))),
        default_cooldown: Some(duration(group.default_cooldown)),
        load_share: group.load.is_none().then(|| spanned(group.load_share)),
        registration_delay: Some(duration(group.registration_delay)),
        lifecycle_hook: hooks(group),
        retry_policy: retry_policy.map(spanned),
        retry_intervals: retry_intervals.map(spanned),
        warm_pool: group
            .warm_pool
            .as_ref()
            .map(|pool| spanned(warm_pool(pool))),
        zones: (named > 0).then(|| spanned(zones)),
        zone_policy: (named >= 2).then(|| spanned(group.zone_policy)),
        zone_rebalance: (named >= 2).then(|| spanned(group.zone_rebalance)),
        rule,
        scheduled,
        alarm,
    }
}

/// A group as a policy's override of the file's group `written`.
fn group_override(
    scenario: &Scenario,
    point: &ScalingGroup,
    written: &ScalingGroup,
) -> wire::GroupOverride {
    let whole = group(scenario, point);
    let kept = rule_names(point);
    let remove_rules = (rule_names(written).into_iter())
        .filter(|name| !kept.contains(name))
        .map(|name| spanned(name.to_string()))
        .collect();
    wire::GroupOverride {
        name: whole.name,
        instance_type: None,
        // A policy can name one fleet; several configurations stay as the file has them.
        instance_types: whole.instance_types,
        mix: whole.mix,
        health: whole.health,
        min: Some(whole.min),
        max: Some(whole.max),
        // A point sets desired for itself, whether or not the file wrote it.
        desired: Some(spanned(point.desired)),
        existing: whole.existing,
        removal_policy: whole.removal_policy,
        default_cooldown: whole.default_cooldown,
        load_share: whole.load_share,
        registration_delay: whole.registration_delay,
        lifecycle_hook: (!point.lifecycle_hooks.is_empty() || !written.lifecycle_hooks.is_empty())
            .then_some(whole.lifecycle_hook),
        warm_pool: whole.warm_pool,
        zones: whole.zones,
        zone_policy: whole.zone_policy,
        zone_rebalance: whole.zone_rebalance,
        rule: (!whole.rule.is_empty()).then(|| spanned(whole.rule)),
        scheduled: Some(whole.scheduled),
        alarm: Some(whole.alarm),
        remove_rules,
        remove_tasks: Vec::new(),
    }
}

/// Every rule's name in a group, whatever its type.
fn rule_names(group: &ScalingGroup) -> Vec<&str> {
    (group.rules.iter().map(|rule| rule.name.as_str()))
        .chain(group.target_tracking.iter().map(|rule| rule.name.as_str()))
        .chain(group.predictive.iter().map(|rule| rule.name.as_str()))
        .chain(group.hpa.iter().map(|rule| rule.name.as_str()))
        .collect()
}

fn hooks(group: &ScalingGroup) -> Vec<wire::LifecycleHookWire> {
    (group.lifecycle_hooks.iter())
        .map(|hook| wire::LifecycleHookWire {
            name: spanned(hook.name.clone()),
            transition: hook.transition,
            heartbeat_timeout: spanned(duration(hook.heartbeat_timeout)),
            default_result: hook.default_result,
            completes_after: hook.completes_after.map(duration),
            result: Some(hook.result),
        })
        .collect()
}

fn warm_pool(pool: &crate::model::WarmPool) -> wire::WarmPoolWire {
    use crate::model::{PoolFill, PoolState};
    // A pool filled by scale-ins has no size of its own, and a running one no stopped price.
    let prepared = pool.fill == PoolFill::Prepared;
    wire::WarmPoolWire {
        fill: Some(pool.fill),
        min_size: prepared.then_some(pool.min_size),
        max_prepared_capacity: pool.max_prepared_capacity.filter(|_| prepared).map(spanned),
        state: Some(pool.state),
        reuse_on_scale_in: prepared.then_some(pool.reuse_on_scale_in),
        stopped_price_per_hour: (pool.state != PoolState::Running)
            .then(|| spanned(pool.stopped_price_per_hour)),
        warm_boot_time: duration(pool.warm_boot_time),
    }
}

/// The group's rules, scheduled tasks and alarms as the file spells them.
fn tasks(group: &ScalingGroup) -> (Vec<wire::Rule>, Vec<wire::Scheduled>, Vec<wire::Alarm>) {
    use wire::RuleTypeWire as Type;
    let mut rules = Vec::new();
    for rule in &group.rules {
        let mut written = wire::Rule::named(rule.name.clone(), Type::Simple);
        let set = |written: &mut wire::Rule, value: f64| match rule.adjustment {
            Adjustment::Change(_) => written.change = Some(value as i64),
            Adjustment::Percent { .. } => written.change_percent = Some(spanned(value)),
            Adjustment::Exact(_) => written.set = Some(value as u32),
        };
        match &rule.steps {
            Some(steps) => {
                written.kind = Type::Step;
                written.warmup = Some(duration(steps.warmup));
                let key = |step: &crate::model::Step| {
                    let mut written = wire::StepWire {
                        lower: step.lower,
                        upper: step.upper,
                        change: None,
                        change_percent: None,
                        set: None,
                    };
                    match rule.adjustment {
                        Adjustment::Change(_) => written.change = Some(step.value as i64),
                        Adjustment::Percent { .. } => written.change_percent = Some(step.value),
                        Adjustment::Exact(_) => written.set = Some(step.value as u32),
                    }
                    written
                };
                written.steps = Some(spanned(steps.steps.iter().map(key).collect()));
            }
            None => {
                let value = match rule.adjustment {
                    Adjustment::Change(change) => change as f64,
                    Adjustment::Percent { percent, .. } => percent,
                    Adjustment::Exact(value) => value as f64,
                };
                set(&mut written, value);
                written.cooldown = rule.cooldown.map(duration);
            }
        }
        if let Adjustment::Percent { min_magnitude, .. } = rule.adjustment
            && min_magnitude > 0
        {
            written.min_adjustment = Some(spanned(min_magnitude));
        }
        rules.push(written);
    }
    for rule in &group.target_tracking {
        let mut written = wire::Rule::named(rule.name.clone(), Type::TargetTracking);
        written.metric = Some(rule.metric);
        written.target = Some(spanned(rule.target));
        written.scale_in_ratio = Some(spanned(rule.scale_in_ratio));
        written.scale_out_periods = Some(spanned(rule.scale_out_periods));
        written.scale_in_periods = Some(spanned(rule.scale_in_periods));
        written.disable_scale_in = Some(rule.disable_scale_in);
        written.warmup = Some(duration(rule.warmup));
        written.scale_in_cooldown = rule.scale_in_cooldown.map(duration);
        rules.push(written);
    }
    if let Some(rule) = &group.predictive {
        let mut written = wire::Rule::named(rule.name.clone(), Type::Predictive);
        written.target = Some(spanned(rule.target_cpu));
        written.mode = Some(rule.mode);
        written.buffer = Some(spanned(duration(rule.buffer)));
        written.history = Some(spanned(duration(rule.history)));
        written.max_capacity_breach = Some(rule.max_capacity_breach);
        written.max_capacity_buffer = Some(spanned(rule.max_capacity_buffer));
        rules.push(written);
    }
    if let Some(rule) = &group.hpa {
        let mut written = wire::Rule::named(rule.name.clone(), Type::Hpa);
        written.metric = Some(rule.metric);
        written.target = Some(spanned(rule.target));
        written.tolerance = Some(spanned(rule.tolerance));
        written.stabilization_window = Some(duration(rule.stabilization_window));
        written.sync_period = Some(spanned(duration(rule.sync_period)));
        written.scale_up_select = Some(rule.scale_up_select);
        written.scale_down_select = Some(rule.scale_down_select);
        written.scale_up_stabilization = Some(duration(rule.scale_up_stabilization));
        written.cpu_initialization_period = Some(duration(rule.cpu_initialization_period));
        written.scale_up_tolerance = rule.scale_up_tolerance.map(spanned);
        written.scale_down_tolerance = rule.scale_down_tolerance.map(spanned);
        let listed = |policies: &[crate::model::HpaPolicy]| {
            spanned(
                (policies.iter())
                    .map(|policy| wire::HpaPolicyWire {
                        kind: policy.kind,
                        value: spanned(policy.value),
                        period: Some(spanned(duration(policy.period))),
                    })
                    .collect(),
            )
        };
        // Each direction as written: its policies listed, or the shorthands.
        match &rule.scale_up_policies {
            Some(policies) => written.scale_up_policies = Some(listed(policies)),
            None => {
                written.scale_up_percent = Some(spanned(rule.scale_up_percent));
                written.scale_up_instances = Some(rule.scale_up_instances);
            }
        }
        match &rule.scale_down_policies {
            Some(policies) => written.scale_down_policies = Some(listed(policies)),
            None => {
                written.scale_down_percent = Some(spanned(rule.scale_down_percent));
                written.scale_down_instances = rule.scale_down_instances;
            }
        }
        if rule.scale_up_policies.is_none() || rule.scale_down_policies.is_none() {
            written.policy_period = Some(spanned(duration(rule.policy_period)));
        }
        rules.push(written);
    }
    let rule_name = |index: usize| spanned(group.rules[index].name.clone());
    let scheduled = (group.scheduled.iter())
        .map(|task| {
            let (cron, at, timezone) = match &task.recurrence {
                Recurrence::Cron {
                    pattern, timezone, ..
                } => (
                    Some(spanned(pattern.clone())),
                    None,
                    Some(spanned(timezone.name().to_string())),
                ),
                Recurrence::Once(at) => (None, Some(spanned(Instant::Offset(*at))), None),
            };
            let (mut run, mut activate, mut min, mut max, mut desired) =
                (None, None, None, None, None);
            match task.action {
                TaskAction::RunRule(rule) => run = Some(rule_name(rule)),
                TaskAction::Activate(configuration) => {
                    activate = Some(spanned(group.configurations[configuration].name.clone()));
                }
                TaskAction::SetCapacity {
                    min: new_min,
                    max: new_max,
                    desired: new_desired,
                } => {
                    min = new_min.map(spanned);
                    max = new_max;
                    desired = new_desired;
                }
            }
            wire::Scheduled {
                name: spanned(task.name.clone()),
                cron,
                at,
                timezone,
                end: task.end.map(Instant::Offset),
                run,
                activate,
                min,
                max,
                desired,
                launch_expiration: Some(duration(task.launch_expiration)),
            }
        })
        .collect();
    let alarms = (group.alarms.iter())
        .map(|alarm| {
            let threshold = Some(alarm.threshold);
            let mut written = wire::Alarm {
                name: spanned(alarm.name.clone()),
                metric: alarm.metric,
                statistic: alarm.statistic,
                period: Some(spanned(duration(alarm.period))),
                periods: Some(spanned(alarm.periods)),
                datapoints: alarm.datapoints.map(spanned),
                evaluation_interval: alarm.interval.map(|interval| spanned(duration(interval))),
                missing_data: alarm.missing_data,
                above: None,
                at_or_above: None,
                below: None,
                at_or_below: None,
                equal_to: None,
                not_equal_to: None,
                run: rule_name(alarm.rule),
            };
            match alarm.comparison {
                Comparison::Greater => written.above = threshold,
                Comparison::GreaterOrEqual => written.at_or_above = threshold,
                Comparison::Less => written.below = threshold,
                Comparison::LessOrEqual => written.at_or_below = threshold,
                Comparison::Equal => written.equal_to = threshold,
                Comparison::NotEqual => written.not_equal_to = threshold,
            }
            written
        })
        .collect();
    (rules, scheduled, alarms)
}
