//! Every sweepable key, declared once per part of a scenario: its key in paths (as the file
//! writes it), the unit of its values, the values it accepts, whether it can break one of the
//! model's invariants, when the part does not have it, and how it is set.

use super::{Kind, Value};
use crate::load::{Burst, DailyWindow, LoadSpec, Noise};
use crate::model::{Adjustment, Recurrence};
use crate::model::{
    AlarmTask, CooldownBlocks, Hpa, InstanceType, MaxCapacityBreach, Metric, MissingData, PerZone,
    Predictive, PredictiveMode, Reclamation, RemovalPolicy, Rounding, ScalingGroup, ScalingRule,
    Scenario, ScheduledTask, SelectPolicy, Statistic, TargetTracking, TaskAction,
};
use std::sync::Arc;

/// One sweepable key of a part `P` of a scenario (a group, a rule, an alarm, ...).
pub struct Field<P: 'static> {
    /// The key in paths and files, e.g. `scale_in_ratio` or `mix.on_demand_base`.
    pub key: &'static str,
    /// Other keys that name it (an alarm's `above` is its `threshold`).
    pub aliases: &'static [&'static str],
    /// The unit of its values.
    pub kind: Kind,
    /// The values it takes on its own, with the validator's limits.
    pub accepts: Accepts,
    /// Whether setting it can break an invariant ([`Scenario::violations`]).
    pub invariants: bool,
    /// Why this part has no such key (an empty reason: the key is not listed for it).
    pub absent: fn(&P) -> Option<String>,
    /// Sets it to a value of its kind.
    pub set: fn(&mut P, &Value),
}

/// The values a field takes on its own.
#[derive(Debug, Clone, Copy)]
pub enum Accepts {
    /// Any value of its kind.
    Any,
    /// Above 0.
    Positive,
    /// 0 or more.
    NotNegative,
    /// Inside `low..=high` (an open end excludes it), else `why`.
    Range {
        low: f64,
        low_open: bool,
        high: f64,
        high_open: bool,
        why: &'static str,
    },
}

impl Accepts {
    /// Why `number` is refused, if it is.
    pub fn reject(self, number: f64) -> Option<String> {
        match self {
            Accepts::Any => None,
            Accepts::Positive => (number <= 0.0).then(|| "the value must be positive".into()),
            Accepts::NotNegative => (number < 0.0).then(|| "the value cannot be negative".into()),
            Accepts::Range {
                low,
                low_open,
                high,
                high_open,
                why,
            } => {
                let above_low = if low_open {
                    number > low
                } else {
                    number >= low
                };
                let below_high = if high_open {
                    number < high
                } else {
                    number <= high
                };
                (!(above_low && below_high)).then(|| why.to_string())
            }
        }
    }
}

const fn within(low: f64, high: f64, why: &'static str) -> Accepts {
    Accepts::Range {
        low,
        low_open: false,
        high,
        high_open: false,
        why,
    }
}

/// A field every part of its kind has.
fn always<P>(_: &P) -> Option<String> {
    None
}

/// A row with the usual defaults: accepts any value, no invariant, always present.
macro_rules! field {
    ($key:literal, $kind:expr, $set:expr $(, $name:ident : $value:expr)* $(,)?) => {
        Field {
            key: $key,
            kind: $kind,
            set: $set,
            $($name: $value,)*
            ..Field::DEFAULT
        }
    };
}

impl<P> Field<P> {
    const DEFAULT: Field<P> = Field {
        key: "",
        aliases: &[],
        kind: Kind::Number,
        accepts: Accepts::Any,
        invariants: false,
        absent: always::<P>,
        set: |_, _| {},
    };
}

use Kind::{Bool, Choice, Duration, Integer, Number};

/// Choices of a metric a target is held on: proportional to the instance count.
const TRACKED: &[&str] = &["cpu", "requests_per_instance"];

pub const GROUP: &[Field<ScalingGroup>] = &[
    field!("min", Integer, |group, value| {
        group.min = value.whole();
        // A file that leaves desired out starts at min, swept or not.
        if group.desired_follows_min {
            group.desired = group.min;
        }
    }, invariants: true),
    field!("max", Integer, |group, value| group.max = value.whole(), invariants: true),
    field!("desired", Integer, |group, value| {
        group.desired = value.whole();
        group.desired_follows_min = false;
    }, invariants: true),
    field!("default_cooldown", Duration, |group, value| group
        .default_cooldown =
        value.seconds()),
    field!("load_share", Number, |group, value| group.load_share = value.number(),
    accepts: Accepts::Positive,
    absent: |group| group.load.is_some().then(|| format!(
        "group `{}` has its own [group.load]: its share of the scenario load is unused",
        group.name
    ))),
    field!(
        "removal_policy",
        Choice(RemovalPolicy::NAMES),
        |group, value| {
            if let Some(policy) = RemovalPolicy::from_name(value.word()) {
                group.removal_policy = vec![policy];
            }
        }
    ),
    field!("registration_delay", Duration, |group, value| {
        group.registration_delay = value.seconds()
    }),
    field!("mix.on_demand_base", Integer, |group, value| {
        if let Some(mix) = &mut group.mix {
            mix.on_demand_base = value.whole();
        }
    }, absent: no_mix),
    field!("mix.on_demand_above_base", Number, |group, value| {
        if let Some(mix) = &mut group.mix {
            mix.on_demand_above_base = value.number();
        }
    }, absent: no_mix, accepts: within(0.0, 1.0, "a share of the units above the base lies in 0..1")),
    field!("health.mtbf", Duration, |group, value| {
        if let Some(health) = &mut group.health {
            health.mtbf = value.seconds();
        }
    }, absent: no_health, accepts: Accepts::Positive),
    field!("health.grace", Duration, |group, value| {
        if let Some(health) = &mut group.health {
            health.grace = value.seconds();
        }
    }, absent: no_health),
    field!("health.detection", Duration, |group, value| {
        if let Some(health) = &mut group.health {
            health.detection = value.seconds();
        }
    }, absent: no_health),
];

fn no_mix(group: &ScalingGroup) -> Option<String> {
    group.mix.is_none().then(|| format!(
        "group `{}` has no `mix`; set one (e.g. mix = {{ on_demand_base = 1, on_demand_above_base = 0.5 }}) to sweep it",
        group.name
    ))
}

fn no_health(group: &ScalingGroup) -> Option<String> {
    group.health.is_none().then(|| {
        format!(
            "group `{}` has no `health`; set one (e.g. health = {{ mtbf = \"720h\" }}) to sweep it",
            group.name
        )
    })
}

/// The key a simple or step rule's adjustment is written under.
pub fn adjustment_key(rule: &ScalingRule) -> &'static str {
    match rule.adjustment {
        Adjustment::Change(_) => "change",
        Adjustment::Percent { .. } => "change_percent",
        Adjustment::Exact(_) => "set",
    }
}

/// Not a key of this rule: listed for others.
fn unlisted() -> Option<String> {
    Some(String::new())
}

/// A simple rule's own adjustment key, absent from step rules (their steps adjust).
fn simple_adjustment(rule: &ScalingRule, key: &str) -> Option<String> {
    (rule.steps.is_some() || adjustment_key(rule) != key).then(unlisted)?
}

/// Simple and step rules (steps are swept through [`super::StepField`]).
pub const RULE: &[Field<ScalingRule>] = &[
    field!("change", Number, |rule, value| {
        rule.adjustment = Adjustment::Change(value.number() as i64)
    }, absent: |rule| simple_adjustment(rule, "change")),
    field!("change_percent", Number, |rule, value| {
        if let Adjustment::Percent { percent, .. } = &mut rule.adjustment {
            *percent = value.number();
        }
    }, absent: |rule| simple_adjustment(rule, "change_percent"),
        accepts: within(-100.0, 10_000.0, "percent changes lie in -100..10000")),
    field!("set", Integer, |rule, value| rule.adjustment = Adjustment::Exact(value.whole()),
        absent: |rule| simple_adjustment(rule, "set")),
    field!("cooldown", Duration, |rule, value| rule.cooldown = Some(value.seconds()),
        absent: |rule| rule.steps.is_some().then(unlisted)?),
    field!("warmup", Duration, |rule, value| {
        if let Some(steps) = &mut rule.steps {
            steps.warmup = value.seconds();
        }
    }, absent: |rule| rule.steps.is_none().then(unlisted)?),
    field!("min_adjustment", Integer, |rule, value| {
        if let Adjustment::Percent { min_magnitude, .. } = &mut rule.adjustment {
            *min_magnitude = value.whole();
        }
    }, absent: |rule| (adjustment_key(rule) != "change_percent").then(unlisted)?),
];

pub const TRACKING: &[Field<TargetTracking>] = &[
    field!("target", Number, |rule, value| rule.target = value.number(), accepts: Accepts::Positive),
    field!("metric", Choice(TRACKED), |rule, value| {
        rule.metric = Metric::from_name(value.word()).unwrap_or(rule.metric)
    }),
    field!("scale_in_ratio", Number, |rule, value| rule.scale_in_ratio = value.number(),
    accepts: Accepts::Range {
        low: 0.0,
        low_open: true,
        high: 1.0,
        high_open: false,
        why: "the ratio lies in (0, 1]; AWS shows 0.7 to 0.9",
    }),
    field!("scale_out_periods", Integer, |rule, value| rule.scale_out_periods = value.whole(),
        accepts: Accepts::Positive),
    field!("scale_in_periods", Integer, |rule, value| rule.scale_in_periods = value.whole(),
        accepts: Accepts::Positive),
    field!("disable_scale_in", Bool, |rule, value| rule
        .disable_scale_in =
        value.flag()),
    field!("warmup", Duration, |rule, value| rule.warmup =
        value.seconds()),
    field!("scale_in_cooldown", Duration, |rule, value| {
        rule.scale_in_cooldown = Some(value.seconds())
    }),
];

pub const PREDICTIVE: &[Field<Predictive>] = &[
    field!("target", Number, |rule, value| rule.target_cpu = value.number(), accepts: Accepts::Positive),
    field!("mode", Choice(PredictiveMode::NAMES), |rule, value| {
        rule.mode = PredictiveMode::from_name(value.word()).unwrap_or(rule.mode)
    }),
    field!("buffer", Duration, |rule, value| rule.buffer = value.seconds(),
    accepts: Accepts::Range {
        low: 0.0,
        low_open: false,
        high: 3600.0,
        high_open: true,
        why: "the buffer must be under an hour (AWS SchedulingBufferTime)",
    }),
    field!("history", Duration, |rule, value| rule.history = value.seconds(),
        accepts: within(86_400.0, 14.0 * 86_400.0, "history must be 1 to 14 days")),
    field!(
        "max_capacity_breach",
        Choice(MaxCapacityBreach::NAMES),
        |rule, value| {
            rule.max_capacity_breach =
                MaxCapacityBreach::from_name(value.word()).unwrap_or(rule.max_capacity_breach)
        }
    ),
    field!("max_capacity_buffer", Number, |rule, value| rule.max_capacity_buffer = value.number(),
        accepts: within(0.0, 100.0, "AWS MaxCapacityBuffer lies in 0..100 percent")),
];

const TOLERANCE: Accepts = within(0.0, 1.0, "a tolerance lies in 0..1");
const HPA_PERIOD: Accepts = within(
    1.0,
    1800.0,
    "must be 1s to 30m (Kubernetes periodSeconds 1 to 1800)",
);

/// A shorthand of a direction whose policies are written out changes nothing (`policy_period`
/// serves both directions: idle only when both list theirs).
fn idle_shorthand(rule: &Hpa, up: bool, down: bool) -> Option<String> {
    let (listed_up, listed_down) = (
        rule.scale_up_policies.is_some(),
        rule.scale_down_policies.is_some(),
    );
    let list = match (up, down) {
        (true, false) => listed_up.then_some("scale_up_policies"),
        (false, true) => listed_down.then_some("scale_down_policies"),
        _ => (listed_up && listed_down).then_some("scale_up_policies and scale_down_policies"),
    }?;
    Some(format!(
        "hpa rule `{}` writes its policies out in {list}: this shorthand changes nothing; sweep a scenario without the list",
        rule.name
    ))
}

pub const HPA: &[Field<Hpa>] = &[
    field!("target", Number, |rule, value| rule.target = value.number(), accepts: Accepts::Positive),
    field!("metric", Choice(TRACKED), |rule, value| {
        rule.metric = Metric::from_name(value.word()).unwrap_or(rule.metric)
    }),
    field!("tolerance", Number, |rule, value| rule.tolerance = value.number(), accepts: TOLERANCE),
    field!("stabilization_window", Duration, |rule, value| {
        rule.stabilization_window = value.seconds()
    }),
    field!("scale_up_percent", Number, |rule, value| rule.scale_up_percent = value.number(),
        accepts: Accepts::NotNegative, absent: |rule| idle_shorthand(rule, true, false)),
    field!("scale_up_instances", Integer, |rule, value| rule.scale_up_instances = value.whole(),
        absent: |rule| idle_shorthand(rule, true, false)),
    field!("scale_down_percent", Number, |rule, value| rule.scale_down_percent = value.number(),
        accepts: within(0.0, 100.0, "a scale-down percent lies in 0..100"),
        absent: |rule| idle_shorthand(rule, false, true)),
    field!("policy_period", Duration, |rule, value| rule.policy_period = value.seconds(),
        accepts: HPA_PERIOD, absent: |rule| idle_shorthand(rule, true, true)),
    field!("sync_period", Duration, |rule, value| rule.sync_period = value.seconds(),
        accepts: HPA_PERIOD),
    field!("scale_down_instances", Integer, |rule, value| {
        rule.scale_down_instances = Some(value.whole())
    }, accepts: Accepts::Positive, absent: |rule| idle_shorthand(rule, false, true)),
    field!(
        "scale_up_select",
        Choice(SelectPolicy::NAMES),
        |rule, value| {
            rule.scale_up_select =
                SelectPolicy::from_name(value.word()).unwrap_or(rule.scale_up_select)
        }
    ),
    field!(
        "scale_down_select",
        Choice(SelectPolicy::NAMES),
        |rule, value| {
            rule.scale_down_select =
                SelectPolicy::from_name(value.word()).unwrap_or(rule.scale_down_select)
        }
    ),
    field!("scale_up_stabilization", Duration, |rule, value| {
        rule.scale_up_stabilization = value.seconds()
    }),
    field!("scale_up_tolerance", Number, |rule, value| {
        rule.scale_up_tolerance = Some(value.number())
    }, accepts: TOLERANCE),
    field!("scale_down_tolerance", Number, |rule, value| {
        rule.scale_down_tolerance = Some(value.number())
    }, accepts: TOLERANCE),
    field!("cpu_initialization_period", Duration, |rule, value| {
        rule.cpu_initialization_period = value.seconds()
    }),
];

pub const ALARM: &[Field<AlarmTask>] = &[
    field!("threshold", Number, |alarm, value| alarm.threshold = value.number(),
        aliases: &["above", "below", "at_or_above", "at_or_below"]),
    field!("period", Duration, |alarm, value| alarm.period = value.seconds(),
        accepts: Accepts::Positive, invariants: true),
    field!("periods", Integer, |alarm, value| alarm.periods = value.whole(),
        accepts: Accepts::Positive, invariants: true),
    field!("datapoints", Integer, |alarm, value| alarm.datapoints = Some(value.whole()),
        accepts: Accepts::Positive, invariants: true),
    field!("statistic", Choice(Statistic::NAMES), |alarm, value| {
        alarm.statistic = Statistic::from_name(value.word()).unwrap_or(alarm.statistic)
    }),
    field!("metric", Choice(Metric::NAMES), |alarm, value| {
        alarm.metric = Metric::from_name(value.word()).unwrap_or(alarm.metric)
    }),
    field!("evaluation_interval", Duration, |alarm, value| {
        alarm.interval = Some(value.seconds())
    }, accepts: Accepts::Positive, invariants: true),
    field!(
        "missing_data",
        Choice(MissingData::NAMES),
        |alarm, value| {
            alarm.missing_data = MissingData::from_name(value.word()).or(alarm.missing_data)
        }
    ),
];

/// A scheduled task's capacity keys, when it sets capacity rather than running a rule.
fn sets_capacity(task: &ScheduledTask) -> Option<String> {
    match task.action {
        TaskAction::SetCapacity { .. } => None,
        TaskAction::RunRule(_) => {
            Some("the task runs a rule; sweep the rule's fields instead".into())
        }
        TaskAction::Activate(_) => Some("the task switches the scaling configuration".into()),
    }
}

/// A task's time is swept under the key it is written with.
fn written_with(task: &ScheduledTask, key: &str) -> Option<String> {
    let time = match task.recurrence {
        Recurrence::Once(_) => "at",
        Recurrence::Cron { .. } => "cron",
    };
    (time != key).then(|| {
        format!(
            "task `{}` is written with `{time}`; sweep `{time}` (a task is one-off or recurring)",
            task.name
        )
    })
}

fn set_time(task: &mut ScheduledTask, value: &Value) {
    if let Value::Schedule(schedule) = value {
        task.recurrence = schedule.recurrence.clone();
        task.fires = Arc::clone(&schedule.fires);
    }
}

pub const TASK: &[Field<ScheduledTask>] = &[
    field!("min", Integer, |task, value| {
        if let TaskAction::SetCapacity { min, .. } = &mut task.action {
            *min = Some(value.whole());
        }
    }, invariants: true, absent: sets_capacity),
    field!("max", Integer, |task, value| {
        if let TaskAction::SetCapacity { max, .. } = &mut task.action {
            *max = Some(value.whole());
        }
    }, invariants: true, absent: sets_capacity),
    field!("desired", Integer, |task, value| {
        if let TaskAction::SetCapacity { desired, .. } = &mut task.action {
            *desired = Some(value.whole());
        }
    }, invariants: true, absent: sets_capacity),
    field!("launch_expiration", Duration, |task, value| task
        .launch_expiration =
        value.seconds()),
    field!("at", Kind::Schedule, set_time, absent: |task| written_with(task, "at")),
    field!("cron", Kind::Schedule, set_time, absent: |task| written_with(task, "cron")),
];

fn not_preemptible(kind: &InstanceType) -> Option<String> {
    kind.preemptible
        .is_none()
        .then(|| format!("instance type `{}` is not preemptible", kind.name))
}

/// A rate-based offer's keys, which a price trace replaces.
fn rate_based(kind: &InstanceType) -> Option<String> {
    not_preemptible(kind).or_else(|| {
        let trace = kind.preemptible.as_ref().map(|spot| &spot.reclamation);
        matches!(trace, Some(Reclamation::PriceTrace { .. })).then(|| format!(
            "instance type `{}` follows a price trace: its discount and reclaim rate come from it",
            kind.name
        ))
    })
}

pub const TYPE: &[Field<InstanceType>] = &[
    field!("capacity_rps", Number, |kind, value| kind.capacity_rps = value.number(),
        accepts: Accepts::Positive),
    field!("price_per_hour", Number, |kind, value| kind.price_per_hour = value.number(),
        accepts: Accepts::NotNegative),
    field!("boot_time", Duration, |kind, value| kind.boot_time =
        value.seconds()),
    field!("billing_minimum", Duration, |kind, value| kind
        .billing_minimum =
        value.seconds()),
    field!("billing_granularity", Duration, |kind, value| {
        kind.billing_granularity = value.seconds()
    }, accepts: Accepts::Positive),
    field!("weight", Integer, |kind, value| kind.weight = value.whole(), accepts: Accepts::Positive),
    field!("stock", Integer, |kind, value| kind.stock =
        PerZone::Every(Some(value.whole()))),
    field!("no_stock_probability", Number, |kind, value| {
        kind.no_stock_probability = PerZone::Every(value.number())
    }, accepts: within(0.0, 1.0, "a probability lies in 0..1")),
    field!("preemptible.discount", Number, |kind, value| {
        if let Some(spot) = &mut kind.preemptible {
            spot.discount = value.number();
        }
    }, absent: rate_based, accepts: Accepts::Range {
        low: 0.0,
        low_open: false,
        high: 1.0,
        high_open: true,
        why: "a discount lies in [0, 1)",
    }),
    field!("preemptible.reclaim_rate", Number, |kind, value| {
        if let Some(spot) = &mut kind.preemptible {
            spot.reclamation = Reclamation::Rate(value.number());
        }
    }, absent: rate_based, accepts: Accepts::NotNegative),
    field!("preemptible.notice", Duration, |kind, value| {
        if let Some(spot) = &mut kind.preemptible {
            spot.notice = value.seconds();
        }
    }, absent: not_preemptible),
    field!("preemptible.stock", Integer, |kind, value| {
        if let Some(spot) = &mut kind.preemptible {
            spot.stock = PerZone::Every(Some(value.whole()));
        }
    }, absent: not_preemptible),
];

/// `scenario.*`: keys of the whole scenario.
pub const SCENARIO: &[Field<Scenario>] = &[
    field!("sla.max_utilization", Number, |scenario, value| {
        scenario.sla.max_utilization = value.number()
    }, accepts: Accepts::Range {
        low: 0.0,
        low_open: true,
        high: 1.0,
        high_open: false,
        why: "a utilization lies in (0, 1]",
    }),
    field!("rounding", Choice(Rounding::NAMES), |scenario, value| {
        scenario.rounding = Rounding::from_name(value.word()).unwrap_or(scenario.rounding)
    }),
    field!(
        "cooldown_blocks",
        Choice(CooldownBlocks::NAMES),
        |scenario, value| {
            scenario.cooldown_blocks =
                CooldownBlocks::from_name(value.word()).unwrap_or(scenario.cooldown_blocks)
        }
    ),
];

fn absent_from_load(what: &'static str, has: bool) -> Option<String> {
    (!has).then(|| format!("the load has no `{what}`; add one to sweep it"))
}

pub const LOAD: &[Field<LoadSpec>] = &[
    field!("scale", Number, |load, value| load.scale = value.number(), accepts: Accepts::NotNegative),
    field!("base_rps", Number, |load, value| load.base = crate::load::Base::Constant(value.number()),
        accepts: Accepts::Positive,
        absent: |load| matches!(load.base, crate::load::Base::Trace(_))
            .then(|| "the load replays a trace; sweep load.scale instead".into())),
    field!("diurnal.amplitude", Number, |load, value| {
        if let Some(diurnal) = &mut load.diurnal {
            diurnal.amplitude = value.number();
        }
    }, accepts: within(0.0, 1.0, "an amplitude lies in 0..1"),
        absent: |load| absent_from_load("diurnal", load.diurnal.is_some())),
    field!("growth.factor", Number, |load, value| {
        if let Some(growth) = &mut load.growth {
            growth.factor = value.number();
        }
    }, accepts: Accepts::Positive, absent: |load| absent_from_load("growth", load.growth.is_some())),
    field!("growth.over", Duration, |load, value| {
        if let Some(growth) = &mut load.growth {
            growth.over = value.seconds();
        }
    }, accepts: Accepts::Positive, absent: |load| absent_from_load("growth", load.growth.is_some())),
    field!("noise.sigma", Number, |load, value| {
        if let Some(Noise::LogNormal { sigma } | Noise::Normal { sigma }) = &mut load.noise {
            *sigma = value.number();
        }
    }, accepts: Accepts::NotNegative, absent: |load| absent_from_load("noise", load.noise.is_some())),
];

pub const DAILY: &[Field<DailyWindow>] = &[
    field!("multiply", Number, |window, value| window.multiply = value.number(),
        accepts: Accepts::NotNegative),
    field!("add_rps", Number, |window, value| window.add_rps = value.number(),
        accepts: Accepts::NotNegative),
];

pub const BURST: &[Field<Burst>] = &[
    field!("add_rps", Number, |burst, value| burst.add_rps = value.number(),
        accepts: Accepts::NotNegative),
    field!("duration", Duration, |burst, value| burst.duration =
        value.seconds()),
];
