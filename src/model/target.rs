//! Sweep parameters: dotted paths into a validated scenario, and setting them.
//!
//! Paths name things by name, not position, so they survive reordering the file:
//! `group.web.min`, `group.web.rule.add-four.change`, `group.web.alarm.cpu-high.threshold`
//! (or `.above` / `.below`), `group.web.scheduled.lunch-up.desired`,
//! `instance_types.small.boot_time`, `scenario.sla.max_utilization`, `load.scale`.
//! Setting works on the model directly, so a point costs a clone, not a re-parse; every
//! point is then checked against the same invariants validation enforces.

use super::{Adjustment, Scenario, TaskAction};
use crate::load::Base;
use crate::time::{Seconds, format_duration};
use std::sync::Arc;

/// What a path points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `group.G.min`
    GroupMin(usize),
    /// `group.G.max`
    GroupMax(usize),
    /// `group.G.desired`
    GroupDesired(usize),
    /// `group.G.default_cooldown`
    GroupCooldown(usize),
    /// `group.G.load_share`
    GroupShare(usize),
    /// `group.G.rule.R.change`
    RuleChange(usize, usize),
    /// `group.G.rule.R.change_percent`
    RulePercent(usize, usize),
    /// `group.G.rule.R.min_adjustment`
    RuleMinAdjustment(usize, usize),
    /// `group.G.rule.R.set`
    RuleSet(usize, usize),
    /// `group.G.rule.R.cooldown`
    RuleCooldown(usize, usize),
    /// `group.G.alarm.A.threshold` (also `above`, `below`, `at_or_above`, `at_or_below`)
    AlarmThreshold(usize, usize),
    /// `group.G.alarm.A.period`
    AlarmPeriod(usize, usize),
    /// `group.G.alarm.A.periods`
    AlarmPeriods(usize, usize),
    /// `group.G.scheduled.T.desired` (likewise `min`, `max`)
    TaskCapacity(usize, usize, CapacityField),
    /// `group.G.scheduled.T.launch_expiration`
    TaskExpiration(usize, usize),
    /// `instance_types.I.capacity_rps`
    TypeCapacity(usize),
    /// `instance_types.I.price_per_hour`
    TypePrice(usize),
    /// `instance_types.I.boot_time`
    TypeBoot(usize),
    /// `instance_types.I.billing_minimum`
    TypeMinimum(usize),
    /// `scenario.sla.max_utilization`
    SlaMaxUtilization,
    /// `load.scale`
    LoadScale,
    /// `load.base_rps`
    LoadBase,
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

/// The unit of a target's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number of instances or periods.
    Integer,
    /// Any number (may be negative for changes).
    Number,
    /// A duration, written with a unit.
    Duration,
}

/// A value of a parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// Seconds.
    Duration(Seconds),
}

impl Value {
    /// As written in CSV and TOML snippets: `75`, `"3m"`.
    pub fn to_toml(self) -> String {
        match self {
            Value::Number(number) => crate::number::trim_float(number),
            Value::Duration(seconds) => format!("\"{}\"", format_duration(seconds)),
        }
    }

    /// For CSV cells: numbers plain, durations in seconds.
    pub fn to_csv(self) -> String {
        match self {
            Value::Number(number) => crate::number::trim_float(number),
            Value::Duration(seconds) => seconds.to_string(),
        }
    }

    fn number(self) -> f64 {
        match self {
            Value::Number(number) => number,
            Value::Duration(seconds) => seconds as f64,
        }
    }

    fn seconds(self) -> Seconds {
        match self {
            Value::Duration(seconds) => seconds,
            Value::Number(number) => number as Seconds,
        }
    }

    fn whole(self) -> u32 {
        self.number() as u32
    }
}

impl Target {
    /// Whether setting it can break one of the model's invariants
    /// ([`Scenario::violations`]): group bounds, alarm periods, scheduled capacities.
    pub fn affects_invariants(self) -> bool {
        matches!(
            self,
            Target::GroupMin(_)
                | Target::GroupMax(_)
                | Target::GroupDesired(_)
                | Target::AlarmPeriod(..)
                | Target::AlarmPeriods(..)
                | Target::TaskCapacity(..)
        )
    }

    /// The unit its values must have.
    pub fn kind(self) -> Kind {
        match self {
            Target::GroupMin(_)
            | Target::GroupMax(_)
            | Target::GroupDesired(_)
            | Target::RuleMinAdjustment(..)
            | Target::RuleSet(..)
            | Target::AlarmPeriods(..)
            | Target::TaskCapacity(..) => Kind::Integer,
            Target::GroupCooldown(_)
            | Target::RuleCooldown(..)
            | Target::AlarmPeriod(..)
            | Target::TaskExpiration(..)
            | Target::TypeBoot(_)
            | Target::TypeMinimum(_) => Kind::Duration,
            _ => Kind::Number,
        }
    }

    /// Whether the load must be regenerated when it changes.
    pub fn changes_load(self) -> bool {
        matches!(self, Target::LoadScale | Target::LoadBase)
    }

    /// Resolves `path` against `scenario`.
    pub fn resolve(path: &str, scenario: &Scenario) -> Result<Target, String> {
        let fail = |hint: &str| Err(format!("unknown parameter path `{path}`: {hint}"));
        if let Some(rest) = path.strip_prefix("group.") {
            let names: Vec<&str> = scenario
                .groups
                .iter()
                .map(|group| group.name.as_str())
                .collect();
            let Some((g, field)) = split_name(rest, &names) else {
                return fail(&format!("no group matches; groups: {}", names.join(", ")));
            };
            let group = &scenario.groups[g];
            return match field {
                "min" => Ok(Target::GroupMin(g)),
                "max" => Ok(Target::GroupMax(g)),
                "desired" => Ok(Target::GroupDesired(g)),
                "default_cooldown" => Ok(Target::GroupCooldown(g)),
                "load_share" => Ok(Target::GroupShare(g)),
                _ => {
                    if let Some(rest) = field.strip_prefix("rule.") {
                        let names: Vec<&str> =
                            group.rules.iter().map(|rule| rule.name.as_str()).collect();
                        let Some((r, field)) = split_name(rest, &names) else {
                            return fail(&format!("no rule matches; rules: {}", names.join(", ")));
                        };
                        if group.rules[r].steps.is_some() {
                            return fail(&format!(
                                "rule `{}` is a step rule; its steps cannot be swept",
                                names[r]
                            ));
                        }
                        let adjustment = group.rules[r].adjustment;
                        let mismatch = |wanted: &str| {
                            fail(&format!(
                                "rule `{}` has no `{wanted}` ({adjustment:?})",
                                names[r]
                            ))
                        };
                        match (field, adjustment) {
                            ("change", Adjustment::Change(_)) => Ok(Target::RuleChange(g, r)),
                            ("change_percent", Adjustment::Percent { .. }) => {
                                Ok(Target::RulePercent(g, r))
                            }
                            ("min_adjustment", Adjustment::Percent { .. }) => {
                                Ok(Target::RuleMinAdjustment(g, r))
                            }
                            ("set", Adjustment::Exact(_)) => Ok(Target::RuleSet(g, r)),
                            ("cooldown", _) => Ok(Target::RuleCooldown(g, r)),
                            ("change" | "change_percent" | "min_adjustment" | "set", _) => {
                                mismatch(field)
                            }
                            _ => fail(
                                "rule fields are change, change_percent, min_adjustment, set, cooldown",
                            ),
                        }
                    } else if let Some(rest) = field.strip_prefix("alarm.") {
                        let names: Vec<&str> = group
                            .alarms
                            .iter()
                            .map(|alarm| alarm.name.as_str())
                            .collect();
                        let Some((a, field)) = split_name(rest, &names) else {
                            return fail(&format!(
                                "no alarm matches; alarms: {}",
                                names.join(", ")
                            ));
                        };
                        match field {
                            "threshold" | "above" | "below" | "at_or_above" | "at_or_below" => {
                                Ok(Target::AlarmThreshold(g, a))
                            }
                            "period" => Ok(Target::AlarmPeriod(g, a)),
                            "periods" => Ok(Target::AlarmPeriods(g, a)),
                            _ => fail(
                                "alarm fields are threshold (or above / below), period, periods",
                            ),
                        }
                    } else if let Some(rest) = field.strip_prefix("scheduled.") {
                        let names: Vec<&str> = group
                            .scheduled
                            .iter()
                            .map(|task| task.name.as_str())
                            .collect();
                        let Some((t, field)) = split_name(rest, &names) else {
                            return fail(&format!(
                                "no scheduled task matches; tasks: {}",
                                names.join(", ")
                            ));
                        };
                        let sets = |wanted: CapacityField| match group.scheduled[t].action {
                            TaskAction::SetCapacity { .. } => {
                                Ok(Target::TaskCapacity(g, t, wanted))
                            }
                            TaskAction::RunRule(_) => {
                                fail("the task runs a rule; sweep the rule's fields instead")
                            }
                            TaskAction::Activate(_) => {
                                fail("the task switches the scaling configuration")
                            }
                        };
                        match field {
                            "min" => sets(CapacityField::Min),
                            "max" => sets(CapacityField::Max),
                            "desired" => sets(CapacityField::Desired),
                            "launch_expiration" => Ok(Target::TaskExpiration(g, t)),
                            _ => fail(
                                "scheduled task fields are min, max, desired, launch_expiration",
                            ),
                        }
                    } else {
                        fail(
                            "group fields are min, max, desired, default_cooldown, load_share, rule.R.*, alarm.A.*, scheduled.T.*",
                        )
                    }
                }
            };
        }
        if let Some(rest) = path.strip_prefix("instance_types.") {
            let names: Vec<&str> = scenario
                .instance_types
                .iter()
                .map(|kind| kind.name.as_str())
                .collect();
            let Some((i, field)) = split_name(rest, &names) else {
                return fail(&format!(
                    "no instance type matches; types: {}",
                    names.join(", ")
                ));
            };
            return match field {
                "capacity_rps" => Ok(Target::TypeCapacity(i)),
                "price_per_hour" => Ok(Target::TypePrice(i)),
                "boot_time" => Ok(Target::TypeBoot(i)),
                "billing_minimum" => Ok(Target::TypeMinimum(i)),
                _ => fail(
                    "instance type fields are capacity_rps, price_per_hour, boot_time, billing_minimum",
                ),
            };
        }
        match path {
            "scenario.sla.max_utilization" => Ok(Target::SlaMaxUtilization),
            "load.scale" => Ok(Target::LoadScale),
            "load.base_rps" => match scenario.load.base {
                Base::Constant(_) => Ok(Target::LoadBase),
                Base::Trace(_) => fail("the load replays a trace; sweep load.scale instead"),
            },
            _ => fail("paths start with group., instance_types., scenario.sla. or load."),
        }
    }

    /// Sets the target in `scenario` to `value` (of the target's kind).
    pub fn apply(self, scenario: &mut Scenario, value: Value) {
        let groups = &mut scenario.groups;
        match self {
            Target::GroupMin(g) => groups[g].min = value.whole(),
            Target::GroupMax(g) => groups[g].max = value.whole(),
            Target::GroupDesired(g) => groups[g].desired = value.whole(),
            Target::GroupCooldown(g) => groups[g].default_cooldown = value.seconds(),
            Target::GroupShare(g) => groups[g].load_share = value.number(),
            Target::RuleChange(g, r) => {
                groups[g].rules[r].adjustment = Adjustment::Change(value.number() as i64)
            }
            Target::RulePercent(g, r) => {
                if let Adjustment::Percent { percent, .. } = &mut groups[g].rules[r].adjustment {
                    *percent = value.number();
                }
            }
            Target::RuleMinAdjustment(g, r) => {
                if let Adjustment::Percent { min_magnitude, .. } =
                    &mut groups[g].rules[r].adjustment
                {
                    *min_magnitude = value.whole();
                }
            }
            Target::RuleSet(g, r) => {
                groups[g].rules[r].adjustment = Adjustment::Exact(value.whole())
            }
            Target::RuleCooldown(g, r) => groups[g].rules[r].cooldown = Some(value.seconds()),
            Target::AlarmThreshold(g, a) => groups[g].alarms[a].threshold = value.number(),
            Target::AlarmPeriod(g, a) => groups[g].alarms[a].period = value.seconds(),
            Target::AlarmPeriods(g, a) => groups[g].alarms[a].periods = value.whole(),
            Target::TaskCapacity(g, t, field) => {
                if let TaskAction::SetCapacity { min, max, desired } =
                    &mut groups[g].scheduled[t].action
                {
                    let slot = match field {
                        CapacityField::Min => min,
                        CapacityField::Max => max,
                        CapacityField::Desired => desired,
                    };
                    *slot = Some(value.whole());
                }
            }
            Target::TaskExpiration(g, t) => {
                groups[g].scheduled[t].launch_expiration = value.seconds()
            }
            Target::TypeCapacity(i) => scenario.instance_types[i].capacity_rps = value.number(),
            Target::TypePrice(i) => scenario.instance_types[i].price_per_hour = value.number(),
            Target::TypeBoot(i) => scenario.instance_types[i].boot_time = value.seconds(),
            Target::TypeMinimum(i) => scenario.instance_types[i].billing_minimum = value.seconds(),
            Target::SlaMaxUtilization => scenario.sla.max_utilization = value.number(),
            Target::LoadScale => Arc::make_mut(&mut scenario.load).scale = value.number(),
            Target::LoadBase => {
                Arc::make_mut(&mut scenario.load).base = Base::Constant(value.number())
            }
        }
    }

    /// Whether `value` suits the target on its own (sign, range); `None` when it does.
    pub fn reject(self, value: Value) -> Option<String> {
        let number = value.number();
        let positive = |what: &str| (number <= 0.0).then(|| format!("{what} must be positive"));
        match self {
            Target::GroupShare(_) | Target::TypeCapacity(_) | Target::LoadBase => {
                positive("the value")
            }
            Target::TypePrice(_) | Target::LoadScale => {
                (number < 0.0).then(|| "the value cannot be negative".into())
            }
            Target::SlaMaxUtilization => {
                (!(number > 0.0 && number <= 1.0)).then(|| "a utilization lies in (0, 1]".into())
            }
            Target::AlarmPeriods(..) | Target::AlarmPeriod(..) => positive("the value"),
            Target::RulePercent(..) => (!super::limits::PERCENT_CHANGE.contains(&number))
                .then(|| "percent changes lie in -100..10000".into()),
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
