//! Sweep parameters: dotted paths into a validated scenario, and setting them.
//!
//! Paths name things by name, not position, so they survive reordering the file:
//! `group.web.min`, `group.web.rule.add-four.change`, `group.web.rule.cpu-50.target` (a
//! rule of any type), `group.web.alarm.cpu-high.threshold`, `group.web.scheduled.lunch-up.cron`,
//! `instance_types.small.preemptible.discount`, `scenario.rounding`, `load.scale`. Steps,
//! daily windows and bursts have no names and are numbered from 0 in file order
//! (`group.web.rule.step-out.steps.1.lower`). Setting works on the model directly, so a point
//! costs a clone, not a re-parse; every point is then checked against the same invariants
//! validation enforces. Each key is declared once, in the tables of `fields.rs`.

mod fields;
mod value;

pub use fields::{Accepts, Field};
pub use value::{Kind, Schedule, Value};

use super::Scenario;
use fields::{
    ALARM, BURST, DAILY, GROUP, HPA, LOAD, PREDICTIVE, RULE, SCENARIO, TASK, TRACKING, TYPE,
};
use std::sync::Arc;

/// What a path points at: a part of the scenario and a row of that part's field table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Group `.0`, [`GROUP`] row `.1`.
    Group(usize, usize),
    /// A simple or step rule (`.1` into `rules`), [`RULE`] row `.2`.
    Rule(usize, usize, usize),
    /// A step of a step rule (`.1` into `rules`).
    Step(usize, usize, StepField),
    /// A target-tracking rule (`.1` into `target_tracking`), [`TRACKING`] row `.2`.
    Tracking(usize, usize, usize),
    /// The group's predictive rule, [`PREDICTIVE`] row `.1`.
    Predictive(usize, usize),
    /// The group's HPA rule, [`HPA`] row `.1`.
    Hpa(usize, usize),
    /// An alarm task, [`ALARM`] row `.2`.
    Alarm(usize, usize, usize),
    /// A scheduled task, [`TASK`] row `.2`.
    Task(usize, usize, usize),
    /// An instance type, [`TYPE`] row `.1`.
    Type(usize, usize),
    /// `scenario.*`, [`SCENARIO`] row `.0`.
    Scenario(usize),
    /// `load.*`, [`LOAD`] row `.0`.
    Load(usize),
    /// `load.daily.N.*`, [`DAILY`] row `.1`.
    Daily(usize, usize),
    /// `load.bursts.N.*`, [`BURST`] row `.1`.
    Burst(usize, usize),
}

/// `load.scale`, the one target every scenario has.
pub const LOAD_SCALE: Target = Target::Load(0);

/// Fields of one step of a step rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepField {
    /// The boundary between step `.0` and step `.0 + 1`: `steps.N.upper`, the same as
    /// `steps.(N+1).lower` (steps touch, so both move together).
    Boundary(usize),
    /// The adjustment of step `.0` (`steps.N.change`, `.change_percent` or `.set`).
    Value(usize),
}

/// What the sweep needs of a row, whatever its part.
struct Row {
    kind: Kind,
    accepts: Accepts,
    invariants: bool,
}

impl<P> From<&Field<P>> for Row {
    fn from(field: &Field<P>) -> Row {
        Row {
            kind: field.kind,
            accepts: field.accepts,
            invariants: field.invariants,
        }
    }
}

impl Target {
    fn row(self) -> Row {
        match self {
            Target::Group(_, f) => (&GROUP[f]).into(),
            Target::Rule(_, _, f) => (&RULE[f]).into(),
            Target::Step(_, _, step) => Row {
                kind: Kind::Number,
                accepts: Accepts::Any,
                invariants: matches!(step, StepField::Boundary(_)),
            },
            Target::Tracking(_, _, f) => (&TRACKING[f]).into(),
            Target::Predictive(_, f) => (&PREDICTIVE[f]).into(),
            Target::Hpa(_, f) => (&HPA[f]).into(),
            Target::Alarm(_, _, f) => (&ALARM[f]).into(),
            Target::Task(_, _, f) => (&TASK[f]).into(),
            Target::Type(_, f) => (&TYPE[f]).into(),
            Target::Scenario(f) => (&SCENARIO[f]).into(),
            Target::Load(f) => (&LOAD[f]).into(),
            Target::Daily(_, f) => (&DAILY[f]).into(),
            Target::Burst(_, f) => (&BURST[f]).into(),
        }
    }

    /// Whether setting it can break one of the model's invariants
    /// ([`Scenario::violations`]): group bounds, alarm periods, scheduled capacities, steps.
    pub fn affects_invariants(self) -> bool {
        self.row().invariants
    }

    /// Whether a `[[policy.group]]` can carry it (the rest is written as a comment in the
    /// plan's pasted policy).
    pub fn in_policy(self) -> bool {
        match self {
            Target::Group(..)
            | Target::Rule(..)
            | Target::Step(..)
            | Target::Tracking(..)
            | Target::Predictive(..)
            | Target::Hpa(..)
            | Target::Alarm(..)
            | Target::Task(..) => true,
            Target::Type(..)
            | Target::Scenario(_)
            | Target::Load(_)
            | Target::Daily(..)
            | Target::Burst(..) => false,
        }
    }

    /// The unit its values must have.
    pub fn kind(self) -> Kind {
        self.row().kind
    }

    /// Whether `a` and `b` agree on the part of the scenario the target sits in (its group,
    /// instance type, load, or the scenario's own settings).
    pub fn same(self, a: &Scenario, b: &Scenario) -> bool {
        match self {
            Target::Group(g, _)
            | Target::Rule(g, ..)
            | Target::Step(g, ..)
            | Target::Tracking(g, ..)
            | Target::Predictive(g, _)
            | Target::Hpa(g, _)
            | Target::Alarm(g, ..)
            | Target::Task(g, ..) => format!("{:?}", a.groups[g]) == format!("{:?}", b.groups[g]),
            Target::Type(i, _) => a.instance_types[i] == b.instance_types[i],
            Target::Scenario(_) => {
                (a.sla, a.rounding, a.cooldown_blocks) == (b.sla, b.rounding, b.cooldown_blocks)
            }
            Target::Load(_) | Target::Daily(..) | Target::Burst(..) => a.load == b.load,
        }
    }

    /// Whether the load must be regenerated when it changes.
    pub fn changes_load(self) -> bool {
        matches!(
            self,
            Target::Load(_) | Target::Daily(..) | Target::Burst(..)
        )
    }

    /// Whether `value` suits the target on its own (sign, range), with the validator's
    /// limits; `None` when it does.
    pub fn reject(self, value: &Value) -> Option<String> {
        self.row().accepts.reject(value.number())
    }

    /// Resolves `path` against `scenario`.
    pub fn resolve(path: &str, scenario: &Scenario) -> Result<Target, String> {
        let found = if let Some(rest) = path.strip_prefix("group.") {
            resolve_group(rest, scenario)
        } else if let Some(rest) = path.strip_prefix("instance_types.") {
            let names: Vec<&str> = (scenario.instance_types.iter())
                .map(|kind| kind.name.as_str())
                .collect();
            let (i, field) = split_name(rest, &names)
                .ok_or_else(|| format!("no instance type matches; types: {}", names.join(", ")))?;
            pick(field, TYPE, &scenario.instance_types[i], "instance type")
                .map(|f| Target::Type(i, f))
        } else if let Some(rest) = path.strip_prefix("load.") {
            resolve_load(rest, scenario)
        } else if let Some(rest) = path.strip_prefix("scenario.") {
            pick(rest, SCENARIO, scenario, "scenario").map(Target::Scenario)
        } else {
            Err("paths start with group., instance_types., load. or scenario.".to_string())
        };
        found.map_err(|hint| format!("unknown parameter path `{path}`: {hint}"))
    }

    /// Sets the target in `scenario` to `value` (of the target's kind).
    pub fn apply(self, scenario: &mut Scenario, value: &Value) {
        let groups = &mut scenario.groups;
        match self {
            Target::Group(g, f) => (GROUP[f].set)(&mut groups[g], value),
            Target::Rule(g, r, f) => (RULE[f].set)(&mut groups[g].rules[r], value),
            Target::Step(g, r, field) => {
                if let Some(steps) = &mut groups[g].rules[r].steps {
                    let steps = &mut steps.steps;
                    match field {
                        StepField::Boundary(n) => {
                            steps[n].upper = Some(value.number());
                            steps[n + 1].lower = Some(value.number());
                        }
                        StepField::Value(n) => steps[n].value = value.number(),
                    }
                }
            }
            Target::Tracking(g, t, f) => {
                (TRACKING[f].set)(&mut groups[g].target_tracking[t], value)
            }
            Target::Predictive(g, f) => {
                if let Some(rule) = &mut groups[g].predictive {
                    (PREDICTIVE[f].set)(rule, value);
                }
            }
            Target::Hpa(g, f) => {
                if let Some(rule) = &mut groups[g].hpa {
                    (HPA[f].set)(rule, value);
                }
            }
            Target::Alarm(g, a, f) => (ALARM[f].set)(&mut groups[g].alarms[a], value),
            Target::Task(g, t, f) => (TASK[f].set)(&mut groups[g].scheduled[t], value),
            Target::Type(i, f) => (TYPE[f].set)(&mut scenario.instance_types[i], value),
            Target::Scenario(f) => (SCENARIO[f].set)(scenario, value),
            Target::Load(f) => (LOAD[f].set)(Arc::make_mut(&mut scenario.load), value),
            Target::Daily(n, f) => {
                (DAILY[f].set)(&mut Arc::make_mut(&mut scenario.load).daily[n], value)
            }
            Target::Burst(n, f) => {
                (BURST[f].set)(&mut Arc::make_mut(&mut scenario.load).bursts[n], value)
            }
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

/// The keys `part` has in `fields`, aliases after their key: the hint for a wrong one.
fn listed<P>(fields: &[Field<P>], part: &P) -> Vec<&'static str> {
    (fields.iter())
        .filter(|field| (field.absent)(part).is_none())
        .flat_map(|field| std::iter::once(field.key).chain(field.aliases.iter().copied()))
        .collect()
}

/// The row of `fields` keyed `key` that `part` has; else why it has not (a named key the
/// part lacks), or the keys it has.
fn pick<P>(key: &str, fields: &[Field<P>], part: &P, what: &str) -> Result<usize, String> {
    let hint = || format!("{what} fields are {}", listed(fields, part).join(", "));
    let row = (fields.iter())
        .position(|field| field.key == key || field.aliases.contains(&key))
        .ok_or_else(hint)?;
    match (fields[row].absent)(part) {
        None => Ok(row),
        Some(reason) if reason.is_empty() => Err(hint()),
        Some(reason) => Err(reason),
    }
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
        let names: Vec<&str> = (group.alarms.iter())
            .map(|alarm| alarm.name.as_str())
            .collect();
        let (a, field) = split_name(rest, &names)
            .ok_or_else(|| format!("no alarm matches; alarms: {}", names.join(", ")))?;
        return pick(field, ALARM, &group.alarms[a], "alarm").map(|f| Target::Alarm(g, a, f));
    }
    if let Some(rest) = field.strip_prefix("scheduled.") {
        let names: Vec<&str> = (group.scheduled.iter())
            .map(|task| task.name.as_str())
            .collect();
        let (t, field) = split_name(rest, &names)
            .ok_or_else(|| format!("no scheduled task matches; tasks: {}", names.join(", ")))?;
        return pick(field, TASK, &group.scheduled[t], "scheduled task")
            .map(|f| Target::Task(g, t, f));
    }
    pick(field, GROUP, group, "group")
        .map_err(|hint| {
            if hint.starts_with("group fields are") {
                format!("{hint}, rule.R.*, alarm.A.*, scheduled.T.*")
            } else {
                hint
            }
        })
        .map(|f| Target::Group(g, f))
}

fn resolve_rule(g: usize, rest: &str, scenario: &Scenario) -> Result<Target, String> {
    let group = &scenario.groups[g];
    // Rule names are unique across types within a group: one list to look them up in.
    let mut names: Vec<&str> = group.rules.iter().map(|rule| rule.name.as_str()).collect();
    let tracking_from = names.len();
    names.extend(group.target_tracking.iter().map(|rule| rule.name.as_str()));
    names.extend(group.predictive.iter().map(|rule| rule.name.as_str()));
    names.extend(group.hpa.iter().map(|rule| rule.name.as_str()));
    let (index, field) = split_name(rest, &names)
        .ok_or_else(|| format!("no rule matches; rules: {}", names.join(", ")))?;
    let name = names[index];
    if let Some(rule) = group.hpa.as_ref().filter(|rule| rule.name == name) {
        return pick(field, HPA, rule, &format!("hpa rule `{name}`")).map(|f| Target::Hpa(g, f));
    }
    if let Some(rule) = group.predictive.as_ref().filter(|rule| rule.name == name) {
        return pick(
            field,
            PREDICTIVE,
            rule,
            &format!("predictive rule `{name}`"),
        )
        .map(|f| Target::Predictive(g, f));
    }
    if index >= tracking_from {
        let t = index - tracking_from;
        return pick(
            field,
            TRACKING,
            &group.target_tracking[t],
            &format!("target-tracking rule `{name}`"),
        )
        .map(|f| Target::Tracking(g, t, f));
    }
    let rule = &group.rules[index];
    let key = fields::adjustment_key(rule);
    let Some(steps) = &rule.steps else {
        return pick(field, RULE, rule, &format!("simple rule `{name}` ({key})"))
            .map(|f| Target::Rule(g, index, f));
    };
    let Some(rest) = field.strip_prefix("steps.") else {
        return pick(field, RULE, rule, &format!("step rule `{name}`"))
            .map_err(|hint| format!("{hint}, steps.N.lower, steps.N.upper, steps.N.{key}"))
            .map(|f| Target::Rule(g, index, f));
    };
    let count = steps.steps.len();
    let (step, field) = split_index(rest, count, "step")?;
    let field = match field {
        "upper" if step + 1 < count => StepField::Boundary(step),
        "lower" if step > 0 => StepField::Boundary(step - 1),
        "upper" | "lower" => {
            return Err(format!(
                "step {step} of `{name}` has no `{field}`: that end is unbounded"
            ));
        }
        _ if field == key => StepField::Value(step),
        _ => {
            return Err(format!(
                "step fields of `{name}` are lower, upper and {key}"
            ));
        }
    };
    Ok(Target::Step(g, index, field))
}

fn resolve_load(rest: &str, scenario: &Scenario) -> Result<Target, String> {
    let load = &scenario.load;
    if let Some(rest) = rest.strip_prefix("daily.") {
        let (n, field) = split_index(rest, load.daily.len(), "daily window")?;
        return pick(field, DAILY, &load.daily[n], "daily window").map(|f| Target::Daily(n, f));
    }
    if let Some(rest) = rest.strip_prefix("bursts.") {
        let (n, field) = split_index(rest, load.bursts.len(), "burst")?;
        return pick(field, BURST, &load.bursts[n], "burst").map(|f| Target::Burst(n, f));
    }
    pick(rest, LOAD, load, "load")
        .map_err(|hint| {
            if hint.starts_with("load fields are") {
                format!(
                    "{hint}, daily.N.multiply, daily.N.add_rps, bursts.N.add_rps, bursts.N.duration"
                )
            } else {
                hint
            }
        })
        .map(Target::Load)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Adjustment;

    /// Every key of every table is unique within its table, aliases included, so a path
    /// names one row.
    #[test]
    fn keys_are_unique_per_table() {
        fn keys<P>(fields: &[Field<P>]) -> Vec<&'static str> {
            let mut all: Vec<&'static str> = (fields.iter())
                .flat_map(|field| std::iter::once(field.key).chain(field.aliases.iter().copied()))
                .collect();
            all.sort();
            all
        }
        for mut all in [
            keys(GROUP),
            keys(RULE),
            keys(TRACKING),
            keys(PREDICTIVE),
            keys(HPA),
            keys(ALARM),
            keys(TASK),
            keys(TYPE),
            keys(SCENARIO),
            keys(LOAD),
            keys(DAILY),
            keys(BURST),
        ] {
            let count = all.len();
            all.dedup();
            assert_eq!(all.len(), count, "{all:?}");
        }
    }

    #[test]
    fn ranges_refuse_their_open_ends() {
        let ratio = TRACKING
            .iter()
            .find(|field| field.key == "scale_in_ratio")
            .unwrap();
        assert!(ratio.accepts.reject(0.0).is_some());
        assert!(ratio.accepts.reject(1.0).is_none());
        let discount = TYPE
            .iter()
            .find(|field| field.key == "preemptible.discount")
            .unwrap();
        assert!(discount.accepts.reject(0.0).is_none());
        assert!(discount.accepts.reject(1.0).is_some());
    }

    /// The adjustment's key is the one a simple rule offers.
    #[test]
    fn a_simple_rule_offers_its_own_adjustment() {
        let rule = crate::model::ScalingRule {
            name: "up".into(),
            adjustment: Adjustment::Percent {
                percent: 10.0,
                min_magnitude: 1,
            },
            cooldown: None,
            steps: None,
        };
        assert_eq!(
            listed(RULE, &rule),
            ["change_percent", "cooldown", "min_adjustment"]
        );
    }

    /// docs/scenario-format.md lists every key of every table, by its path.
    #[test]
    fn the_format_reference_lists_every_sweepable_key() {
        let docs = std::fs::read_to_string("docs/scenario-format.md").unwrap();
        let start = docs.find("| path | values |").unwrap();
        let table = &docs[start..start + docs[start..].find("\n\n").unwrap()];
        fn missing<P>(table: &str, prefix: &str, fields: &[Field<P>]) -> Vec<String> {
            (fields.iter())
                .flat_map(|field| std::iter::once(field.key).chain(field.aliases.iter().copied()))
                .filter(|key| {
                    !table.contains(&format!("`{prefix}{key}`"))
                        && !table.contains(&format!("`.{key}`"))
                })
                .map(|key| format!("{prefix}{key}"))
                .collect()
        }
        let rule = "group.G.rule.R.";
        let absent: Vec<String> = [
            missing(table, "group.G.", GROUP),
            missing(table, rule, RULE),
            missing(table, rule, TRACKING),
            missing(table, rule, PREDICTIVE),
            missing(table, rule, HPA),
            missing(table, "group.G.alarm.A.", ALARM),
            missing(table, "group.G.scheduled.T.", TASK),
            missing(table, "instance_types.I.", TYPE),
            missing(table, "scenario.", SCENARIO),
            missing(table, "load.", LOAD),
            missing(table, "load.daily.N.", DAILY),
            missing(table, "load.bursts.N.", BURST),
        ]
        .concat();
        assert!(
            absent.is_empty(),
            "not in docs/scenario-format.md: {absent:?}"
        );
    }
}
