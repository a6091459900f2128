//! Sweep parameters: dotted paths into a validated scenario, and setting them.
//!
//! Paths name things by name, not position, so they survive reordering the file:
//! `group.web.min`, `group.web.rule.add-four.change`, `group.web.rule.cpu-50.target` (a
//! rule of any type), `group.web.alarm.cpu-high.threshold`, `group.web.scheduled.lunch-up.cron`,
//! `instance_types.small.preemptible.discount`, `scenario.rounding`, `load.scale`. Steps,
//! daily windows and bursts have no names and are numbered from 0 in file order
//! (`group.web.rule.step-out.steps.1.lower`). Setting works on the model directly, so a point
//! costs a clone, not a re-parse; every point is then checked against the same invariants
//! validation enforces.

use super::{
    Adjustment, CooldownBlocks, Metric, MissingData, PredictiveMode, Recurrence, RemovalPolicy,
};
use super::{PerZone, Rounding, Scenario, Statistic, TaskAction};
use crate::load::Base;
use crate::time::{Seconds, SimTime, format_duration};
use std::sync::Arc;

/// What a path points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A field of group `.0`.
    Group(usize, GroupField),
    /// `group.G.rule.R.*` of a simple or step rule.
    Rule(usize, usize, RuleField),
    /// `group.G.rule.R.*` of a target-tracking rule (index into `target_tracking`).
    Tracking(usize, usize, TrackingField),
    /// `group.G.rule.R.*` of the group's predictive rule.
    Predictive(usize, PredictiveField),
    /// `group.G.rule.R.*` of the group's HPA rule.
    Hpa(usize, HpaField),
    /// `group.G.alarm.A.*`
    Alarm(usize, usize, AlarmField),
    /// `group.G.scheduled.T.*`
    Task(usize, usize, TaskField),
    /// `instance_types.I.*`
    Type(usize, TypeField),
    /// `scenario.sla.max_utilization`
    SlaMaxUtilization,
    /// `scenario.rounding`
    Rounding,
    /// `scenario.cooldown_blocks`
    CooldownBlocks,
    /// `load.*`
    Load(LoadField),
}

/// Fields of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupField {
    /// `min` (moves `desired` along when the file leaves it at its default, `min`)
    Min,
    /// `max`
    Max,
    /// `desired`
    Desired,
    /// `default_cooldown`
    Cooldown,
    /// `load_share`
    Share,
    /// `removal_policy`
    Removal,
    /// `registration_delay`
    Registration,
    /// `mix.on_demand_base`
    MixBase,
    /// `mix.on_demand_above_base`
    MixShare,
    /// `health.mtbf`
    Mtbf,
    /// `health.grace`
    Grace,
    /// `health.detection`
    Detection,
}

/// Fields of a simple or step rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleField {
    /// `change`
    Change,
    /// `change_percent`
    Percent,
    /// `min_adjustment`
    MinAdjustment,
    /// `set`
    Set,
    /// `cooldown`
    Cooldown,
    /// `warmup` of a step rule
    Warmup,
    /// The boundary between step `.0` and step `.0 + 1`: `steps.N.upper`, the same as
    /// `steps.(N+1).lower` (steps touch, so both move together).
    Boundary(usize),
    /// The adjustment of step `.0` (`steps.N.change`, `.change_percent` or `.set`).
    StepValue(usize),
}

/// Fields of a target-tracking rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingField {
    /// `target`
    Target,
    /// `metric`
    Metric,
    /// `scale_in_ratio`
    ScaleInRatio,
    /// `scale_out_periods`
    ScaleOutPeriods,
    /// `scale_in_periods`
    ScaleInPeriods,
    /// `disable_scale_in`
    DisableScaleIn,
    /// `warmup`
    Warmup,
    /// `scale_in_cooldown`
    ScaleInCooldown,
}

/// Fields of a predictive rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredictiveField {
    /// `target`
    Target,
    /// `mode`
    Mode,
    /// `buffer`
    Buffer,
    /// `history`
    History,
    /// `max_capacity_breach`
    Breach,
    /// `max_capacity_buffer`
    MaxBuffer,
}

/// Fields of an HPA rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HpaField {
    /// `target`
    Target,
    /// `metric`
    Metric,
    /// `tolerance`
    Tolerance,
    /// `stabilization_window`
    Stabilization,
    /// `scale_up_percent`
    UpPercent,
    /// `scale_up_instances`
    UpInstances,
    /// `scale_down_percent`
    DownPercent,
    /// `policy_period`
    PolicyPeriod,
    /// `sync_period`
    SyncPeriod,
    /// `scale_down_instances`
    DownInstances,
    /// `scale_up_select`
    UpSelect,
    /// `scale_down_select`
    DownSelect,
    /// `scale_up_stabilization`
    UpStabilization,
    /// `scale_up_tolerance`
    UpTolerance,
    /// `scale_down_tolerance`
    DownTolerance,
    /// `cpu_initialization_period`
    CpuInitialization,
}

/// Fields of an alarm task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmField {
    /// `threshold` (also `above`, `below`, `at_or_above`, `at_or_below`)
    Threshold,
    /// `period`
    Period,
    /// `periods`
    Periods,
    /// `datapoints` (M of the N `periods`)
    Datapoints,
    /// `statistic`
    Statistic,
    /// `metric`
    Metric,
    /// `evaluation_interval`
    Interval,
    /// `missing_data`
    MissingData,
}

/// Fields of a scheduled task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskField {
    /// `min`, `max` or `desired`
    Capacity(CapacityField),
    /// `launch_expiration`
    Expiration,
    /// `at` (a one-off task) or `cron` (a recurring one): values are [`Schedule`]s.
    Time,
}

/// Which bound a scheduled task sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityField {
    /// `min`
    Min,
    /// `max`
    Max,
    /// `desired`
    Desired,
}

/// Fields of an instance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeField {
    /// `capacity_rps`
    Capacity,
    /// `price_per_hour`
    Price,
    /// `boot_time`
    Boot,
    /// `billing_minimum`
    Minimum,
    /// `billing_granularity`
    Granularity,
    /// `weight`
    Weight,
    /// `stock`
    Stock,
    /// `no_stock_probability`
    NoStock,
    /// `preemptible.discount`
    Discount,
    /// `preemptible.reclaim_rate`
    ReclaimRate,
    /// `preemptible.notice`
    Notice,
    /// `preemptible.stock`
    SpotStock,
}

/// Fields of the scenario's load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadField {
    /// `load.scale`
    Scale,
    /// `load.base_rps`
    Base,
    /// `load.diurnal.amplitude`
    Amplitude,
    /// `load.growth.factor`
    GrowthFactor,
    /// `load.growth.over`
    GrowthOver,
    /// `load.noise.sigma`
    Sigma,
    /// `load.daily.N.multiply`
    DailyMultiply(usize),
    /// `load.daily.N.add_rps`
    DailyAdd(usize),
    /// `load.bursts.N.add_rps`
    BurstAdd(usize),
    /// `load.bursts.N.duration`
    BurstDuration(usize),
}

/// The unit of a target's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number of instances or periods.
    Integer,
    /// Any number (may be negative for changes).
    Number,
    /// A duration, written with a unit.
    Duration,
    /// `true` or `false`.
    Bool,
    /// One of these spellings.
    Choice(&'static [&'static str]),
    /// When a scheduled task fires: an offset (`at`) or a cron pattern (`cron`), resolved
    /// against the task at validation.
    Schedule,
}

/// A scheduled task's time, with its firings inside the run computed once at validation.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// As written: `"1d11h"` or `"0 11 * * *"`.
    pub text: String,
    /// The recurrence it means.
    pub recurrence: Recurrence,
    /// Every firing inside the run.
    pub fires: Arc<Vec<SimTime>>,
}

/// A value of a parameter.
#[derive(Debug, Clone)]
pub enum Value {
    /// A number.
    Number(f64),
    /// Seconds.
    Duration(Seconds),
    /// A switch.
    Bool(bool),
    /// An enumeration's value, spelled as in scenario files.
    Word(&'static str),
    /// A scheduled task's time.
    Schedule(Arc<Schedule>),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Duration(a), Value::Duration(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Word(a), Value::Word(b)) => a == b,
            (Value::Schedule(a), Value::Schedule(b)) => a.text == b.text,
            _ => false,
        }
    }
}

impl Value {
    /// As written in TOML snippets: `75`, `"3m"`, `true`, `"newest_instance"`.
    pub fn to_toml(&self) -> String {
        match self {
            Value::Number(number) => crate::number::exact(*number),
            Value::Duration(seconds) => format!("\"{}\"", format_duration(*seconds)),
            Value::Bool(value) => value.to_string(),
            Value::Word(word) => format!("\"{word}\""),
            Value::Schedule(schedule) => format!("\"{}\"", schedule.text),
        }
    }

    /// For CSV cells: numbers plain, durations in seconds, words and schedules as written.
    pub fn to_csv(&self) -> String {
        match self {
            Value::Duration(seconds) => seconds.to_string(),
            Value::Word(word) => word.to_string(),
            Value::Schedule(schedule) => schedule.text.clone(),
            other => other.to_toml(),
        }
    }

    /// The value as a number, for ranges and charts (`None` for words and schedules;
    /// booleans are 0 and 1).
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(number) => Some(*number),
            Value::Duration(seconds) => Some(*seconds as f64),
            Value::Bool(value) => Some(f64::from(u8::from(*value))),
            Value::Word(_) | Value::Schedule(_) => None,
        }
    }

    fn number(&self) -> f64 {
        self.as_number().unwrap_or(0.0)
    }

    fn seconds(&self) -> Seconds {
        match self {
            Value::Duration(seconds) => *seconds,
            other => other.number() as Seconds,
        }
    }

    fn whole(&self) -> u32 {
        self.number() as u32
    }

    fn flag(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    fn word(&self) -> &'static str {
        match self {
            Value::Word(word) => word,
            _ => "",
        }
    }
}

impl Target {
    /// Whether setting it can break one of the model's invariants
    /// ([`Scenario::violations`]): group bounds, alarm periods, scheduled capacities, steps.
    pub fn affects_invariants(self) -> bool {
        matches!(
            self,
            Target::Group(_, GroupField::Min | GroupField::Max | GroupField::Desired)
                | Target::Alarm(
                    _,
                    _,
                    AlarmField::Period
                        | AlarmField::Periods
                        | AlarmField::Datapoints
                        | AlarmField::Interval
                )
                | Target::Task(_, _, TaskField::Capacity(_))
                | Target::Rule(_, _, RuleField::Boundary(_))
        )
    }

    /// Whether a `[[policy.group]]` can carry it (the rest is written as a comment in the
    /// plan's pasted policy).
    pub fn in_policy(self) -> bool {
        match self {
            Target::Group(..)
            | Target::Rule(..)
            | Target::Tracking(..)
            | Target::Predictive(..)
            | Target::Hpa(..)
            | Target::Alarm(..)
            | Target::Task(..) => true,
            Target::Type(..)
            | Target::SlaMaxUtilization
            | Target::Rounding
            | Target::CooldownBlocks
            | Target::Load(_) => false,
        }
    }

    /// The unit its values must have.
    pub fn kind(self) -> Kind {
        use Kind::{Bool, Choice, Duration, Integer, Number};
        match self {
            Target::Group(_, field) => match field {
                GroupField::Min | GroupField::Max | GroupField::Desired | GroupField::MixBase => {
                    Integer
                }
                GroupField::Share | GroupField::MixShare => Number,
                GroupField::Removal => Choice(RemovalPolicy::NAMES),
                GroupField::Cooldown
                | GroupField::Registration
                | GroupField::Mtbf
                | GroupField::Grace
                | GroupField::Detection => Duration,
            },
            Target::Rule(_, _, field) => match field {
                RuleField::MinAdjustment | RuleField::Set => Integer,
                RuleField::Cooldown | RuleField::Warmup => Duration,
                RuleField::Change
                | RuleField::Percent
                | RuleField::Boundary(_)
                | RuleField::StepValue(_) => Number,
            },
            Target::Tracking(_, _, field) => match field {
                TrackingField::Target | TrackingField::ScaleInRatio => Number,
                TrackingField::Metric => Choice(&Metric::NAMES[..2]),
                TrackingField::ScaleOutPeriods | TrackingField::ScaleInPeriods => Integer,
                TrackingField::DisableScaleIn => Bool,
                TrackingField::Warmup | TrackingField::ScaleInCooldown => Duration,
            },
            Target::Predictive(_, field) => match field {
                PredictiveField::Target => Number,
                PredictiveField::Mode => Choice(PredictiveMode::NAMES),
                PredictiveField::Buffer | PredictiveField::History => Duration,
                PredictiveField::Breach => Choice(super::MaxCapacityBreach::NAMES),
                PredictiveField::MaxBuffer => Number,
            },
            Target::Hpa(_, field) => match field {
                HpaField::Target
                | HpaField::Tolerance
                | HpaField::UpPercent
                | HpaField::DownPercent
                | HpaField::UpTolerance
                | HpaField::DownTolerance => Number,
                HpaField::Metric => Choice(&Metric::NAMES[..2]),
                HpaField::UpSelect | HpaField::DownSelect => Choice(super::SelectPolicy::NAMES),
                HpaField::UpInstances | HpaField::DownInstances => Integer,
                HpaField::Stabilization
                | HpaField::PolicyPeriod
                | HpaField::SyncPeriod
                | HpaField::UpStabilization
                | HpaField::CpuInitialization => Duration,
            },
            Target::Alarm(_, _, field) => match field {
                AlarmField::Threshold => Number,
                AlarmField::Period | AlarmField::Interval => Duration,
                AlarmField::MissingData => Choice(MissingData::NAMES),
                AlarmField::Periods | AlarmField::Datapoints => Integer,
                AlarmField::Statistic => Choice(Statistic::NAMES),
                AlarmField::Metric => Choice(Metric::NAMES),
            },
            Target::Task(_, _, field) => match field {
                TaskField::Capacity(_) => Integer,
                TaskField::Expiration => Duration,
                TaskField::Time => Kind::Schedule,
            },
            Target::Type(_, field) => match field {
                TypeField::Weight | TypeField::Stock | TypeField::SpotStock => Integer,
                TypeField::Boot
                | TypeField::Minimum
                | TypeField::Granularity
                | TypeField::Notice => Duration,
                TypeField::Capacity
                | TypeField::Price
                | TypeField::NoStock
                | TypeField::Discount
                | TypeField::ReclaimRate => Number,
            },
            Target::SlaMaxUtilization => Number,
            Target::Rounding => Choice(Rounding::NAMES),
            Target::CooldownBlocks => Choice(CooldownBlocks::NAMES),
            Target::Load(field) => match field {
                LoadField::GrowthOver | LoadField::BurstDuration(_) => Duration,
                _ => Number,
            },
        }
    }

    /// Whether the load must be regenerated when it changes.
    pub fn changes_load(self) -> bool {
        matches!(self, Target::Load(_))
    }

    /// Resolves `path` against `scenario`.
    pub fn resolve(path: &str, scenario: &Scenario) -> Result<Target, String> {
        let found = if let Some(rest) = path.strip_prefix("group.") {
            resolve_group(rest, scenario)
        } else if let Some(rest) = path.strip_prefix("instance_types.") {
            resolve_type(rest, scenario)
        } else if let Some(rest) = path.strip_prefix("load.") {
            resolve_load(rest, scenario)
        } else {
            match path {
                "scenario.sla.max_utilization" => Ok(Target::SlaMaxUtilization),
                "scenario.rounding" => Ok(Target::Rounding),
                "scenario.cooldown_blocks" => Ok(Target::CooldownBlocks),
                _ => Err(
                    "paths start with group., instance_types., load. or scenario. (sla.max_utilization, rounding, cooldown_blocks)"
                        .to_string(),
                ),
            }
        };
        found.map_err(|hint| format!("unknown parameter path `{path}`: {hint}"))
    }

    /// Sets the target in `scenario` to `value` (of the target's kind).
    pub fn apply(self, scenario: &mut Scenario, value: &Value) {
        match self {
            Target::Group(g, field) => {
                let group = &mut scenario.groups[g];
                match field {
                    GroupField::Min => {
                        group.min = value.whole();
                        if group.desired_follows_min {
                            group.desired = group.min;
                        }
                    }
                    GroupField::Max => group.max = value.whole(),
                    GroupField::Desired => {
                        group.desired = value.whole();
                        group.desired_follows_min = false;
                    }
                    GroupField::Cooldown => group.default_cooldown = value.seconds(),
                    GroupField::Share => group.load_share = value.number(),
                    GroupField::Removal => {
                        if let Some(policy) = RemovalPolicy::from_name(value.word()) {
                            group.removal_policy = vec![policy];
                        }
                    }
                    GroupField::Registration => group.registration_delay = value.seconds(),
                    GroupField::MixBase => {
                        if let Some(mix) = &mut group.mix {
                            mix.on_demand_base = value.whole();
                        }
                    }
                    GroupField::MixShare => {
                        if let Some(mix) = &mut group.mix {
                            mix.on_demand_above_base = value.number();
                        }
                    }
                    GroupField::Mtbf | GroupField::Grace | GroupField::Detection => {
                        if let Some(health) = &mut group.health {
                            let slot = match field {
                                GroupField::Mtbf => &mut health.mtbf,
                                GroupField::Grace => &mut health.grace,
                                _ => &mut health.detection,
                            };
                            *slot = value.seconds();
                        }
                    }
                }
            }
            Target::Rule(g, r, field) => {
                let rule = &mut scenario.groups[g].rules[r];
                match field {
                    RuleField::Change => {
                        rule.adjustment = Adjustment::Change(value.number() as i64)
                    }
                    RuleField::Set => rule.adjustment = Adjustment::Exact(value.whole()),
                    RuleField::Percent => {
                        if let Adjustment::Percent { percent, .. } = &mut rule.adjustment {
                            *percent = value.number();
                        }
                    }
                    RuleField::MinAdjustment => {
                        if let Adjustment::Percent { min_magnitude, .. } = &mut rule.adjustment {
                            *min_magnitude = value.whole();
                        }
                    }
                    RuleField::Cooldown => rule.cooldown = Some(value.seconds()),
                    RuleField::Warmup => {
                        if let Some(steps) = &mut rule.steps {
                            steps.warmup = value.seconds();
                        }
                    }
                    RuleField::Boundary(index) => {
                        if let Some(steps) = &mut rule.steps {
                            steps.steps[index].upper = Some(value.number());
                            steps.steps[index + 1].lower = Some(value.number());
                        }
                    }
                    RuleField::StepValue(index) => {
                        if let Some(steps) = &mut rule.steps {
                            steps.steps[index].value = value.number();
                        }
                    }
                }
            }
            Target::Tracking(g, t, field) => {
                let rule = &mut scenario.groups[g].target_tracking[t];
                match field {
                    TrackingField::Target => rule.target = value.number(),
                    TrackingField::Metric => {
                        rule.metric = Metric::from_name(value.word()).unwrap_or(rule.metric)
                    }
                    TrackingField::ScaleInRatio => rule.scale_in_ratio = value.number(),
                    TrackingField::ScaleOutPeriods => rule.scale_out_periods = value.whole(),
                    TrackingField::ScaleInPeriods => rule.scale_in_periods = value.whole(),
                    TrackingField::DisableScaleIn => rule.disable_scale_in = value.flag(),
                    TrackingField::Warmup => rule.warmup = value.seconds(),
                    TrackingField::ScaleInCooldown => {
                        rule.scale_in_cooldown = Some(value.seconds())
                    }
                }
            }
            Target::Predictive(g, field) => {
                if let Some(rule) = &mut scenario.groups[g].predictive {
                    match field {
                        PredictiveField::Target => rule.target_cpu = value.number(),
                        PredictiveField::Mode => {
                            rule.mode = PredictiveMode::from_name(value.word()).unwrap_or(rule.mode)
                        }
                        PredictiveField::Buffer => rule.buffer = value.seconds(),
                        PredictiveField::History => rule.history = value.seconds(),
                        PredictiveField::Breach => {
                            rule.max_capacity_breach =
                                super::MaxCapacityBreach::from_name(value.word())
                                    .unwrap_or(rule.max_capacity_breach)
                        }
                        PredictiveField::MaxBuffer => rule.max_capacity_buffer = value.number(),
                    }
                }
            }
            Target::Hpa(g, field) => {
                if let Some(rule) = &mut scenario.groups[g].hpa {
                    match field {
                        HpaField::Target => rule.target = value.number(),
                        HpaField::Metric => {
                            rule.metric = Metric::from_name(value.word()).unwrap_or(rule.metric)
                        }
                        HpaField::Tolerance => rule.tolerance = value.number(),
                        HpaField::Stabilization => rule.stabilization_window = value.seconds(),
                        HpaField::UpPercent => rule.scale_up_percent = value.number(),
                        HpaField::UpInstances => rule.scale_up_instances = value.whole(),
                        HpaField::DownPercent => rule.scale_down_percent = value.number(),
                        HpaField::PolicyPeriod => rule.policy_period = value.seconds(),
                        HpaField::SyncPeriod => rule.sync_period = value.seconds(),
                        HpaField::DownInstances => rule.scale_down_instances = Some(value.whole()),
                        HpaField::UpSelect => {
                            rule.scale_up_select = super::SelectPolicy::from_name(value.word())
                                .unwrap_or(rule.scale_up_select)
                        }
                        HpaField::DownSelect => {
                            rule.scale_down_select = super::SelectPolicy::from_name(value.word())
                                .unwrap_or(rule.scale_down_select)
                        }
                        HpaField::UpStabilization => rule.scale_up_stabilization = value.seconds(),
                        HpaField::UpTolerance => rule.scale_up_tolerance = Some(value.number()),
                        HpaField::DownTolerance => rule.scale_down_tolerance = Some(value.number()),
                        HpaField::CpuInitialization => {
                            rule.cpu_initialization_period = value.seconds()
                        }
                    }
                }
            }
            Target::Alarm(g, a, field) => {
                let alarm = &mut scenario.groups[g].alarms[a];
                match field {
                    AlarmField::Threshold => alarm.threshold = value.number(),
                    AlarmField::Period => alarm.period = value.seconds(),
                    AlarmField::Periods => alarm.periods = value.whole(),
                    AlarmField::Datapoints => alarm.datapoints = Some(value.whole()),
                    AlarmField::Interval => alarm.interval = Some(value.seconds()),
                    AlarmField::MissingData => {
                        alarm.missing_data =
                            MissingData::from_name(value.word()).or(alarm.missing_data)
                    }
                    AlarmField::Statistic => {
                        alarm.statistic =
                            Statistic::from_name(value.word()).unwrap_or(alarm.statistic)
                    }
                    AlarmField::Metric => {
                        alarm.metric = Metric::from_name(value.word()).unwrap_or(alarm.metric)
                    }
                }
            }
            Target::Task(g, t, field) => {
                let task = &mut scenario.groups[g].scheduled[t];
                match field {
                    TaskField::Capacity(which) => {
                        if let TaskAction::SetCapacity { min, max, desired } = &mut task.action {
                            let slot = match which {
                                CapacityField::Min => min,
                                CapacityField::Max => max,
                                CapacityField::Desired => desired,
                            };
                            *slot = Some(value.whole());
                        }
                    }
                    TaskField::Expiration => task.launch_expiration = value.seconds(),
                    TaskField::Time => {
                        if let Value::Schedule(schedule) = value {
                            task.recurrence = schedule.recurrence.clone();
                            task.fires = Arc::clone(&schedule.fires);
                        }
                    }
                }
            }
            Target::Type(i, field) => {
                let kind = &mut scenario.instance_types[i];
                match field {
                    TypeField::Capacity => kind.capacity_rps = value.number(),
                    TypeField::Price => kind.price_per_hour = value.number(),
                    TypeField::Boot => kind.boot_time = value.seconds(),
                    TypeField::Minimum => kind.billing_minimum = value.seconds(),
                    TypeField::Granularity => kind.billing_granularity = value.seconds(),
                    TypeField::Weight => kind.weight = value.whole(),
                    TypeField::Stock => kind.stock = PerZone::Every(Some(value.whole())),
                    TypeField::NoStock => {
                        kind.no_stock_probability = PerZone::Every(value.number())
                    }
                    TypeField::Discount
                    | TypeField::ReclaimRate
                    | TypeField::Notice
                    | TypeField::SpotStock => {
                        if let Some(spot) = &mut kind.preemptible {
                            match field {
                                TypeField::Discount => spot.discount = value.number(),
                                TypeField::ReclaimRate => {
                                    spot.reclamation = super::Reclamation::Rate(value.number())
                                }
                                TypeField::Notice => spot.notice = value.seconds(),
                                _ => spot.stock = PerZone::Every(Some(value.whole())),
                            }
                        }
                    }
                }
            }
            Target::SlaMaxUtilization => scenario.sla.max_utilization = value.number(),
            Target::Rounding => {
                scenario.rounding = Rounding::from_name(value.word()).unwrap_or(scenario.rounding)
            }
            Target::CooldownBlocks => {
                scenario.cooldown_blocks =
                    CooldownBlocks::from_name(value.word()).unwrap_or(scenario.cooldown_blocks)
            }
            Target::Load(field) => {
                let load = Arc::make_mut(&mut scenario.load);
                let number = value.number();
                match field {
                    LoadField::Scale => load.scale = number,
                    LoadField::Base => load.base = Base::Constant(number),
                    LoadField::Amplitude => {
                        if let Some(diurnal) = &mut load.diurnal {
                            diurnal.amplitude = number;
                        }
                    }
                    LoadField::GrowthFactor => {
                        if let Some(growth) = &mut load.growth {
                            growth.factor = number;
                        }
                    }
                    LoadField::GrowthOver => {
                        if let Some(growth) = &mut load.growth {
                            growth.over = value.seconds();
                        }
                    }
                    LoadField::Sigma => {
                        if let Some(noise) = &mut load.noise {
                            match noise {
                                crate::load::Noise::LogNormal { sigma }
                                | crate::load::Noise::Normal { sigma } => *sigma = number,
                            }
                        }
                    }
                    LoadField::DailyMultiply(index) => load.daily[index].multiply = number,
                    LoadField::DailyAdd(index) => load.daily[index].add_rps = number,
                    LoadField::BurstAdd(index) => load.bursts[index].add_rps = number,
                    LoadField::BurstDuration(index) => {
                        load.bursts[index].duration = value.seconds()
                    }
                }
            }
        }
    }

    /// Whether `value` suits the target on its own (sign, range), with the validator's
    /// limits; `None` when it does.
    pub fn reject(self, value: &Value) -> Option<String> {
        let number = value.number();
        let within = |low: f64, high: f64, why: &str| {
            (!(low..=high).contains(&number)).then(|| why.to_string())
        };
        let positive = || (number <= 0.0).then(|| "the value must be positive".to_string());
        let not_negative = || (number < 0.0).then(|| "the value cannot be negative".to_string());
        let hpa_period = || {
            within(
                1.0,
                1800.0,
                "must be 1s to 30m (Kubernetes periodSeconds 1 to 1800)",
            )
        };
        match self {
            Target::Group(_, GroupField::Share) => positive(),
            Target::Group(_, GroupField::MixShare) => {
                within(0.0, 1.0, "a share of the units above the base lies in 0..1")
            }
            Target::Group(_, GroupField::Mtbf) => positive(),
            Target::Rule(_, _, RuleField::Percent) => {
                within(-100.0, 10_000.0, "percent changes lie in -100..10000")
            }
            Target::Tracking(_, _, TrackingField::Target)
            | Target::Predictive(_, PredictiveField::Target)
            | Target::Hpa(_, HpaField::Target) => positive(),
            Target::Tracking(_, _, TrackingField::ScaleInRatio) => (!(number > 0.0
                && number <= 1.0))
                .then(|| "the ratio lies in (0, 1]; AWS shows 0.7 to 0.9".into()),
            Target::Tracking(
                _,
                _,
                TrackingField::ScaleOutPeriods | TrackingField::ScaleInPeriods,
            )
            | Target::Alarm(
                _,
                _,
                AlarmField::Periods
                | AlarmField::Period
                | AlarmField::Datapoints
                | AlarmField::Interval,
            ) => positive(),
            Target::Predictive(_, PredictiveField::MaxBuffer) => {
                within(0.0, 100.0, "AWS MaxCapacityBuffer lies in 0..100 percent")
            }
            Target::Predictive(_, PredictiveField::Buffer) => (number >= 3600.0)
                .then(|| "the buffer must be under an hour (AWS SchedulingBufferTime)".into()),
            Target::Predictive(_, PredictiveField::History) => {
                within(86_400.0, 14.0 * 86_400.0, "history must be 1 to 14 days")
            }
            Target::Hpa(
                _,
                HpaField::Tolerance | HpaField::UpTolerance | HpaField::DownTolerance,
            ) => within(0.0, 1.0, "a tolerance lies in 0..1"),
            Target::Hpa(_, HpaField::DownInstances) => positive(),
            Target::Hpa(_, HpaField::UpPercent) => not_negative(),
            Target::Hpa(_, HpaField::DownPercent) => {
                within(0.0, 100.0, "a scale-down percent lies in 0..100")
            }
            Target::Hpa(_, HpaField::PolicyPeriod | HpaField::SyncPeriod) => hpa_period(),
            Target::Type(_, TypeField::Capacity | TypeField::Weight | TypeField::Granularity) => {
                positive()
            }
            Target::Type(_, TypeField::Price) => not_negative(),
            Target::Type(_, TypeField::NoStock) => within(0.0, 1.0, "a probability lies in 0..1"),
            Target::Type(_, TypeField::Discount) => {
                (!(0.0..1.0).contains(&number)).then(|| "a discount lies in [0, 1)".into())
            }
            Target::Type(_, TypeField::ReclaimRate) => not_negative(),
            Target::SlaMaxUtilization => {
                (!(number > 0.0 && number <= 1.0)).then(|| "a utilization lies in (0, 1]".into())
            }
            Target::Load(LoadField::Scale | LoadField::DailyAdd(_) | LoadField::BurstAdd(_)) => {
                not_negative()
            }
            Target::Load(LoadField::Base | LoadField::GrowthFactor | LoadField::GrowthOver) => {
                positive()
            }
            Target::Load(LoadField::Amplitude) => within(0.0, 1.0, "an amplitude lies in 0..1"),
            Target::Load(LoadField::Sigma | LoadField::DailyMultiply(_)) => not_negative(),
            _ => None,
        }
    }
}

/// Splits `rest` into the longest name among `names` followed by `.field`.
fn split_name<'a>(rest: &'a str, names: &[&str]) -> Option<(usize, &'a str)> {
    names
        .iter()
        .enumerate()
        .filter_map(|(index, name)| {
            let field = rest.strip_prefix(name)?.strip_prefix('.')?;
            Some((index, name.len(), field))
        })
        .max_by_key(|(_, length, _)| *length)
        .map(|(index, _, field)| (index, field))
}

/// Splits `N.field` with `N` below `count`.
fn split_index<'a>(rest: &'a str, count: usize, what: &str) -> Result<(usize, &'a str), String> {
    let (index, field) = rest
        .split_once('.')
        .ok_or_else(|| format!("write {what}.N.field with N from 0"))?;
    let index: usize = index
        .parse()
        .map_err(|_| format!("`{index}` is not a {what} number; they count from 0"))?;
    if index >= count {
        return Err(format!(
            "there is no {what} {index}; there are {count}, numbered from 0"
        ));
    }
    Ok((index, field))
}

/// `field` among `fields`, or the list of fields as the hint.
fn pick<T: Copy>(field: &str, fields: &[(&str, T)], what: &str) -> Result<T, String> {
    fields
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, target)| *target)
        .ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
            format!("{what} fields are {}", names.join(", "))
        })
}

fn resolve_group(rest: &str, scenario: &Scenario) -> Result<Target, String> {
    let names: Vec<&str> = (scenario.groups.iter())
        .map(|group| group.name.as_str())
        .collect();
    let (g, field) = split_name(rest, &names)
        .ok_or_else(|| format!("no group matches; groups: {}", names.join(", ")))?;
    let group = &scenario.groups[g];
    if let Some(rest) = field.strip_prefix("rule.") {
        return resolve_rule(g, rest, scenario);
    }
    if let Some(rest) = field.strip_prefix("alarm.") {
        let names: Vec<&str> = group
            .alarms
            .iter()
            .map(|alarm| alarm.name.as_str())
            .collect();
        let (a, field) = split_name(rest, &names)
            .ok_or_else(|| format!("no alarm matches; alarms: {}", names.join(", ")))?;
        let threshold = AlarmField::Threshold;
        let field = pick(
            field,
            &[
                ("threshold", threshold),
                ("above", threshold),
                ("below", threshold),
                ("at_or_above", threshold),
                ("at_or_below", threshold),
                ("period", AlarmField::Period),
                ("periods", AlarmField::Periods),
                ("datapoints", AlarmField::Datapoints),
                ("statistic", AlarmField::Statistic),
                ("metric", AlarmField::Metric),
                ("evaluation_interval", AlarmField::Interval),
                ("missing_data", AlarmField::MissingData),
            ],
            "alarm",
        )?;
        return Ok(Target::Alarm(g, a, field));
    }
    if let Some(rest) = field.strip_prefix("scheduled.") {
        let names: Vec<&str> = group
            .scheduled
            .iter()
            .map(|task| task.name.as_str())
            .collect();
        let (t, field) = split_name(rest, &names)
            .ok_or_else(|| format!("no scheduled task matches; tasks: {}", names.join(", ")))?;
        let task = &group.scheduled[t];
        let time = match task.recurrence {
            Recurrence::Once(_) => "at",
            Recurrence::Cron { .. } => "cron",
        };
        let field = pick(
            field,
            &[
                ("min", TaskField::Capacity(CapacityField::Min)),
                ("max", TaskField::Capacity(CapacityField::Max)),
                ("desired", TaskField::Capacity(CapacityField::Desired)),
                ("launch_expiration", TaskField::Expiration),
                (time, TaskField::Time),
            ],
            "scheduled task",
        )
        .map_err(|hint| match field {
            "at" | "cron" => format!(
                "task `{}` is written with `{time}`; sweep `{time}` (a task is one-off or recurring)",
                task.name
            ),
            _ => hint,
        })?;
        if let TaskField::Capacity(_) = field {
            match task.action {
                TaskAction::SetCapacity { .. } => {}
                TaskAction::RunRule(_) => {
                    return Err("the task runs a rule; sweep the rule's fields instead".into());
                }
                TaskAction::Activate(_) => {
                    return Err("the task switches the scaling configuration".into());
                }
            }
        }
        return Ok(Target::Task(g, t, field));
    }
    let field = pick(
        field,
        &[
            ("min", GroupField::Min),
            ("max", GroupField::Max),
            ("desired", GroupField::Desired),
            ("default_cooldown", GroupField::Cooldown),
            ("load_share", GroupField::Share),
            ("removal_policy", GroupField::Removal),
            ("registration_delay", GroupField::Registration),
            ("mix.on_demand_base", GroupField::MixBase),
            ("mix.on_demand_above_base", GroupField::MixShare),
            ("health.mtbf", GroupField::Mtbf),
            ("health.grace", GroupField::Grace),
            ("health.detection", GroupField::Detection),
        ],
        "group",
    )
    .map_err(|hint| format!("{hint}, rule.R.*, alarm.A.*, scheduled.T.*"))?;
    match field {
        GroupField::MixBase | GroupField::MixShare if group.mix.is_none() => Err(format!(
            "group `{}` has no `mix`; set one (e.g. mix = {{ on_demand_base = 1, on_demand_above_base = 0.5 }}) to sweep it",
            group.name
        )),
        GroupField::Mtbf | GroupField::Grace | GroupField::Detection if group.health.is_none() => {
            Err(format!(
                "group `{}` has no `health`; set one (e.g. health = {{ mtbf = \"720h\" }}) to sweep it",
                group.name
            ))
        }
        GroupField::Share if group.load.is_some() => Err(format!(
            "group `{}` has its own [group.load]: its share of the scenario load is unused",
            group.name
        )),
        _ => Ok(Target::Group(g, field)),
    }
}

fn resolve_rule(g: usize, rest: &str, scenario: &Scenario) -> Result<Target, String> {
    let group = &scenario.groups[g];
    // Rule names are unique across types within a group: one list to look them up in.
    let mut names: Vec<&str> = group.rules.iter().map(|rule| rule.name.as_str()).collect();
    let tracking_from = names.len();
    names.extend(group.target_tracking.iter().map(|rule| rule.name.as_str()));
    let predictive_at = names.len();
    names.extend(group.predictive.iter().map(|rule| rule.name.as_str()));
    let hpa_at = names.len();
    names.extend(group.hpa.iter().map(|rule| rule.name.as_str()));
    let (index, field) = split_name(rest, &names)
        .ok_or_else(|| format!("no rule matches; rules: {}", names.join(", ")))?;
    let name = names[index];
    if index >= hpa_at {
        let field = pick(
            field,
            &[
                ("target", HpaField::Target),
                ("metric", HpaField::Metric),
                ("tolerance", HpaField::Tolerance),
                ("stabilization_window", HpaField::Stabilization),
                ("scale_up_percent", HpaField::UpPercent),
                ("scale_up_instances", HpaField::UpInstances),
                ("scale_down_percent", HpaField::DownPercent),
                ("policy_period", HpaField::PolicyPeriod),
                ("sync_period", HpaField::SyncPeriod),
                ("scale_down_instances", HpaField::DownInstances),
                ("scale_up_select", HpaField::UpSelect),
                ("scale_down_select", HpaField::DownSelect),
                ("scale_up_stabilization", HpaField::UpStabilization),
                ("scale_up_tolerance", HpaField::UpTolerance),
                ("scale_down_tolerance", HpaField::DownTolerance),
                ("cpu_initialization_period", HpaField::CpuInitialization),
            ],
            &format!("hpa rule `{name}`"),
        )?;
        // A shorthand of a direction whose policies are written out changes nothing.
        if let Some(rule) = &group.hpa {
            let (up, down) = (
                rule.scale_up_policies.is_some(),
                rule.scale_down_policies.is_some(),
            );
            let idle = match field {
                HpaField::UpPercent | HpaField::UpInstances => up.then_some("scale_up_policies"),
                HpaField::DownPercent | HpaField::DownInstances => {
                    down.then_some("scale_down_policies")
                }
                HpaField::PolicyPeriod => {
                    (up && down).then_some("scale_up_policies and scale_down_policies")
                }
                _ => None,
            };
            if let Some(list) = idle {
                return Err(format!(
                    "hpa rule `{name}` writes its policies out in {list}: this shorthand changes nothing; sweep a scenario without the list"
                ));
            }
        }
        return Ok(Target::Hpa(g, field));
    }
    if index >= predictive_at {
        let field = pick(
            field,
            &[
                ("target", PredictiveField::Target),
                ("mode", PredictiveField::Mode),
                ("buffer", PredictiveField::Buffer),
                ("history", PredictiveField::History),
                ("max_capacity_breach", PredictiveField::Breach),
                ("max_capacity_buffer", PredictiveField::MaxBuffer),
            ],
            &format!("predictive rule `{name}`"),
        )?;
        return Ok(Target::Predictive(g, field));
    }
    if index >= tracking_from {
        let field = pick(
            field,
            &[
                ("target", TrackingField::Target),
                ("metric", TrackingField::Metric),
                ("scale_in_ratio", TrackingField::ScaleInRatio),
                ("scale_out_periods", TrackingField::ScaleOutPeriods),
                ("scale_in_periods", TrackingField::ScaleInPeriods),
                ("disable_scale_in", TrackingField::DisableScaleIn),
                ("warmup", TrackingField::Warmup),
                ("scale_in_cooldown", TrackingField::ScaleInCooldown),
            ],
            &format!("target-tracking rule `{name}`"),
        )?;
        return Ok(Target::Tracking(g, index - tracking_from, field));
    }
    let rule = &group.rules[index];
    let adjustment_key = match rule.adjustment {
        Adjustment::Change(_) => "change",
        Adjustment::Percent { .. } => "change_percent",
        Adjustment::Exact(_) => "set",
    };
    if let Some(steps) = &rule.steps {
        if let Some(rest) = field.strip_prefix("steps.") {
            let count = steps.steps.len();
            let (step, field) = split_index(rest, count, "step")?;
            return match field {
                "upper" if step + 1 < count => Ok(RuleField::Boundary(step)),
                "lower" if step > 0 => Ok(RuleField::Boundary(step - 1)),
                "upper" | "lower" => Err(format!(
                    "step {step} of `{name}` has no `{field}`: that end is unbounded"
                )),
                _ if field == adjustment_key => Ok(RuleField::StepValue(step)),
                _ => Err(format!(
                    "step fields of `{name}` are lower, upper and {adjustment_key}"
                )),
            }
            .map(|field| Target::Rule(g, index, field));
        }
        let mut fields = vec![("warmup", RuleField::Warmup)];
        if adjustment_key == "change_percent" {
            fields.push(("min_adjustment", RuleField::MinAdjustment));
        }
        return pick(field, &fields, &format!("step rule `{name}`"))
            .map_err(|hint| {
                format!("{hint}, steps.N.lower, steps.N.upper, steps.N.{adjustment_key}")
            })
            .map(|field| Target::Rule(g, index, field));
    }
    let main = match rule.adjustment {
        Adjustment::Change(_) => RuleField::Change,
        Adjustment::Percent { .. } => RuleField::Percent,
        Adjustment::Exact(_) => RuleField::Set,
    };
    let mut fields = vec![(adjustment_key, main), ("cooldown", RuleField::Cooldown)];
    if main == RuleField::Percent {
        fields.push(("min_adjustment", RuleField::MinAdjustment));
    }
    pick(
        field,
        &fields,
        &format!("simple rule `{name}` ({adjustment_key})"),
    )
    .map(|field| Target::Rule(g, index, field))
}

fn resolve_type(rest: &str, scenario: &Scenario) -> Result<Target, String> {
    let names: Vec<&str> = (scenario.instance_types.iter())
        .map(|kind| kind.name.as_str())
        .collect();
    let (i, field) = split_name(rest, &names)
        .ok_or_else(|| format!("no instance type matches; types: {}", names.join(", ")))?;
    let field = pick(
        field,
        &[
            ("capacity_rps", TypeField::Capacity),
            ("price_per_hour", TypeField::Price),
            ("boot_time", TypeField::Boot),
            ("billing_minimum", TypeField::Minimum),
            ("billing_granularity", TypeField::Granularity),
            ("weight", TypeField::Weight),
            ("stock", TypeField::Stock),
            ("no_stock_probability", TypeField::NoStock),
            ("preemptible.discount", TypeField::Discount),
            ("preemptible.reclaim_rate", TypeField::ReclaimRate),
            ("preemptible.notice", TypeField::Notice),
            ("preemptible.stock", TypeField::SpotStock),
        ],
        "instance type",
    )?;
    let kind = &scenario.instance_types[i];
    match (field, &kind.preemptible) {
        (
            TypeField::Discount | TypeField::ReclaimRate | TypeField::Notice | TypeField::SpotStock,
            None,
        ) => Err(format!("instance type `{}` is not preemptible", kind.name)),
        (TypeField::Discount | TypeField::ReclaimRate, Some(spot))
            if matches!(spot.reclamation, super::Reclamation::PriceTrace { .. }) =>
        {
            Err(format!(
                "instance type `{}` follows a price trace: its discount and reclaim rate come from it",
                kind.name
            ))
        }
        _ => Ok(Target::Type(i, field)),
    }
}

fn resolve_load(rest: &str, scenario: &Scenario) -> Result<Target, String> {
    let load = &scenario.load;
    let absent = |what: &str| Err(format!("the load has no `{what}`; add one to sweep it"));
    if let Some(rest) = rest.strip_prefix("daily.") {
        let (index, field) = split_index(rest, load.daily.len(), "daily window")?;
        return pick(
            field,
            &[
                ("multiply", LoadField::DailyMultiply(index)),
                ("add_rps", LoadField::DailyAdd(index)),
            ],
            "daily window",
        )
        .map(Target::Load);
    }
    if let Some(rest) = rest.strip_prefix("bursts.") {
        let (index, field) = split_index(rest, load.bursts.len(), "burst")?;
        return pick(
            field,
            &[
                ("add_rps", LoadField::BurstAdd(index)),
                ("duration", LoadField::BurstDuration(index)),
            ],
            "burst",
        )
        .map(Target::Load);
    }
    let field = pick(
        rest,
        &[
            ("scale", LoadField::Scale),
            ("base_rps", LoadField::Base),
            ("diurnal.amplitude", LoadField::Amplitude),
            ("growth.factor", LoadField::GrowthFactor),
            ("growth.over", LoadField::GrowthOver),
            ("noise.sigma", LoadField::Sigma),
        ],
        "load",
    )
    .map_err(|hint| {
        format!("{hint}, daily.N.multiply, daily.N.add_rps, bursts.N.add_rps, bursts.N.duration")
    })?;
    match field {
        LoadField::Base if matches!(load.base, Base::Trace(_)) => {
            Err("the load replays a trace; sweep load.scale instead".into())
        }
        LoadField::Amplitude if load.diurnal.is_none() => absent("diurnal"),
        LoadField::GrowthFactor | LoadField::GrowthOver if load.growth.is_none() => {
            absent("growth")
        }
        LoadField::Sigma if load.noise.is_none() => absent("noise"),
        _ => Ok(Target::Load(field)),
    }
}
