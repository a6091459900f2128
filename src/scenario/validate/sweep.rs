//! The `[sweep]` table: a grid of parameter values, checked against the model's invariants
//! at every point.

use super::*;

/// Validates the `[sweep]` grid against the scenario (or policy) it sweeps.
pub fn sweep(
    checker: &mut Checker,
    wire: &wire::SweepWire,
    scenario: &Scenario,
    policy: Option<String>,
) -> Option<crate::model::Sweep> {
    let start_problems = checker.problems.len();
    let replications = wire
        .replications
        .as_ref()
        .map_or(1, |value| *value.get_ref());
    if let Some(value) = &wire.replications
        && !SWEEP_REPLICATIONS.contains(&replications)
    {
        checker.error(
            value.span(),
            "sweep.replications",
            format!("{replications} replications"),
            "use 1 to 10000",
        );
    }
    let max_points = wire.max_points.unwrap_or(DEFAULT_MAX_POINTS);
    if max_points > MAX_POINTS {
        checker.error(
            wire.parameter.span(),
            "sweep.max_points",
            format!("max_points = {max_points} is above the limit of {MAX_POINTS}"),
            "each point is a run: split the grid with `sweep --shard`, or sweep coarser first",
        );
        return None;
    }
    let mut parameters: Vec<Parameter> = Vec::new();
    for parameter in wire.parameter.get_ref() {
        let path = parameter.path.get_ref();
        let target = match Target::resolve(path, scenario) {
            Ok(target) => target,
            Err(message) => {
                checker.error(
                    parameter.path.span(),
                    "sweep.parameter.path",
                    message,
                    "see docs/scenario-format.md for the paths a sweep can set",
                );
                continue;
            }
        };
        if parameters.iter().any(|existing| existing.path == *path) {
            checker.error(
                parameter.path.span(),
                "sweep.parameter.path",
                format!("`{path}` is swept twice"),
                "merge the values into one parameter",
            );
            continue;
        }
        let kind = target.kind();
        let parse = |value: &toml::Value| -> Result<Value, String> {
            parse_value(target, kind, value, scenario).and_then(|value| {
                match target.reject(&value) {
                    Some(why) => Err(format!(
                        "{} is not allowed for `{path}`: {why}",
                        value.to_toml()
                    )),
                    None => Ok(value),
                }
            })
        };
        let (values, span) = match (
            &parameter.values,
            &parameter.from,
            &parameter.to,
            &parameter.step,
        ) {
            (Some(values), None, None, None) => (
                values
                    .get_ref()
                    .iter()
                    .map(&parse)
                    .collect::<Result<Vec<_>, _>>(),
                values.span(),
            ),
            (None, Some(from), Some(to), Some(step)) => {
                let range = (|| {
                    let (from_value, to_value, step_value) =
                        (parse(from.get_ref())?, parse(to)?, parse(step)?);
                    let (Some(low), Some(high), Some(step)) = (
                        from_value.as_number(),
                        to_value.as_number(),
                        step_value.as_number(),
                    ) else {
                        return Err(
                            "a range needs numbers or durations; list words with `values`"
                                .to_string(),
                        );
                    };
                    if matches!(from_value, Value::Bool(_)) {
                        return Err(
                            "a range needs numbers or durations; write values = [false, true]"
                                .to_string(),
                        );
                    }
                    if step <= 0.0 || high < low {
                        return Err("a range needs from <= to and a positive step".to_string());
                    }
                    let count = ((high - low) / step + 1e-9).floor() as u64 + 1;
                    if count > max_points {
                        return Err(format!(
                            "the range has {count} values, more than max_points {max_points}"
                        ));
                    }
                    if count > MAX_PARAMETER_VALUES {
                        return Err(format!(
                            "the range has {count} values, more than the {MAX_PARAMETER_VALUES} one parameter may take"
                        ));
                    }
                    // Each value is from + i * step, never a running sum: no drift.
                    Ok((0..count)
                        .map(|index| {
                            let value = low + index as f64 * step;
                            match from_value {
                                Value::Duration(_) => Value::Duration(value.round() as u64),
                                _ => Value::Number((value * 1e9).round() / 1e9),
                            }
                        })
                        .collect())
                })();
                (range, from.span())
            }
            _ => (
                Err("give either `values = [...]` or all of `from`, `to`, `step`".to_string()),
                parameter.path.span(),
            ),
        };
        match values {
            Ok(values) if values.is_empty() => checker.error(
                span,
                "sweep.parameter.values",
                format!("`{path}` has no values"),
                "list at least one value",
            ),
            Ok(values) => parameters.push(Parameter {
                path: path.clone(),
                target,
                values,
            }),
            Err(message) => checker.error(
                span,
                "sweep.parameter",
                message,
                format!(
                    "values of `{path}` must be {}",
                    match kind {
                        Kind::Integer => "whole numbers".to_string(),
                        Kind::Number => "numbers".to_string(),
                        Kind::Duration => "durations such as \"2m\"".to_string(),
                        Kind::Bool => "true or false".to_string(),
                        Kind::Choice(names) => format!("among {}", names.join(", ")),
                        Kind::Schedule => "offsets such as \"1d11h\" (an `at` task) or cron patterns such as \"0 11 * * *\" (a `cron` task)".to_string(),
                    }
                ),
            ),
        }
    }
    if wire.parameter.get_ref().is_empty() {
        checker.error(
            wire.parameter.span(),
            "sweep.parameter",
            "the sweep has no parameters",
            "add [[sweep.parameter]] tables with a path and values",
        );
    }
    if checker.problems.len() > start_problems {
        return None;
    }
    let size = parameters.iter().try_fold(1u64, |size, parameter| {
        size.checked_mul(parameter.values.len() as u64)
    });
    if size.is_none_or(|size| size > max_points) {
        checker.error(
            wire.parameter.span(),
            "sweep",
            format!(
                "the grid has {} points, more than max_points = {max_points}",
                size.map_or("too many".to_string(), |size| size.to_string())
            ),
            "use fewer values, or raise `max_points` in [sweep]",
        );
        return None;
    }
    let sweep = Sweep {
        policy,
        parameters,
        replications,
        seeds: match wire.seeds {
            wire::SeedsWire::Common => SeedMode::Common,
            wire::SeedsWire::Independent => SeedMode::Independent,
        },
        max_points,
    };
    let invalid = sweep.invalid_points(scenario, 5);
    if !invalid.is_empty() {
        checker.error(
            wire.parameter.span(),
            "sweep",
            format!(
                "some grid points are not valid scenarios: {}",
                invalid.join("; ")
            ),
            "narrow the values so that every combination is valid (e.g. min <= max)",
        );
        return None;
    }
    Some(sweep)
}

/// One value of a parameter, read as its target's kind.
fn parse_value(
    target: Target,
    kind: Kind,
    value: &toml::Value,
    scenario: &Scenario,
) -> Result<Value, String> {
    match (kind, value) {
        (Kind::Duration, toml::Value::String(text)) => {
            crate::time::parse_duration(text).map(Value::Duration)
        }
        (Kind::Duration, other) => Err(format!("`{other}` is not a duration; write e.g. \"5m\"")),
        (Kind::Integer, toml::Value::Integer(number)) if *number >= 0 => {
            Ok(Value::Number(*number as f64))
        }
        (Kind::Integer, other) => Err(format!(
            "`{other}` is not a whole number of instances or periods"
        )),
        (Kind::Number, toml::Value::Integer(number)) => Ok(Value::Number(*number as f64)),
        (Kind::Number, toml::Value::Float(number)) if number.is_finite() => {
            Ok(Value::Number(*number))
        }
        (Kind::Number, other) => Err(format!("`{other}` is not a number")),
        (Kind::Bool, toml::Value::Boolean(value)) => Ok(Value::Bool(*value)),
        (Kind::Bool, other) => Err(format!("`{other}` is not true or false")),
        (Kind::Choice(names), toml::Value::String(text)) => names
            .iter()
            .find(|name| **name == text.as_str())
            .map(|name| Value::Word(name))
            .ok_or_else(|| {
                let close = did_you_mean(text, names.iter().copied())
                    .map(|name| format!(" (did you mean `{name}`?)"))
                    .unwrap_or_default();
                format!("`{text}` is not one of {}{close}", names.join(", "))
            }),
        (Kind::Choice(names), other) => Err(format!(
            "`{other}` is not a name; write one of {} in quotes",
            names.join(", ")
        )),
        (Kind::Schedule, toml::Value::String(text)) => schedule(target, text, scenario),
        (Kind::Schedule, other) => Err(format!("`{other}` is not a schedule; write it in quotes")),
    }
}

/// A scheduled task's time from a sweep value: an offset or date-time for a one-off task, a
/// cron pattern (read in the task's zone) for a recurring one, with its firings in the run.
fn schedule(target: Target, text: &str, scenario: &Scenario) -> Result<Value, String> {
    let Target::Task(g, t, _) = target else {
        return Err("not a scheduled task".into());
    };
    let task = &scenario.groups[g].scheduled[t];
    let (clock, duration) = (&scenario.clock, scenario.duration);
    let recurrence = match &task.recurrence {
        Recurrence::Once(_) => {
            let at = if text.contains('T') {
                let at = chrono::DateTime::parse_from_rfc3339(text)
                    .map_err(|error| format!("invalid date-time `{text}` ({error})"))?;
                clock
                    .sim_time(at)
                    .ok_or_else(|| format!("`{text}` is before the scenario start"))?
            } else {
                crate::time::parse_duration(text)?
            };
            Recurrence::Once(at)
        }
        Recurrence::Cron { timezone, .. } => Recurrence::Cron {
            cron: Box::new(
                super::tasks::cron(text)
                    .map_err(|error| format!("invalid cron `{text}`: {error}"))?,
            ),
            pattern: text.to_string(),
            timezone: *timezone,
        },
    };
    let fires = recurrence
        .firings(clock, duration, task.end, MAX_FIRINGS)
        .ok_or_else(|| format!("`{text}` fires more than {MAX_FIRINGS} times in the run"))?;
    if fires.is_empty() {
        return Err(format!(
            "with `{text}` task `{}` never fires during the run",
            task.name
        ));
    }
    Ok(Value::Schedule(std::sync::Arc::new(Schedule {
        text: text.to_string(),
        recurrence,
        fires: std::sync::Arc::new(fires),
    })))
}

/// `[scenario] assumed`: each path a setting the sweep could name, each value of its kind;
/// whether the scenario still has that value decides whether commands name it.
pub fn assumptions(
    checker: &mut Checker,
    written: Option<&Spanned<std::collections::BTreeMap<String, Spanned<toml::Value>>>>,
    scenario: &Scenario,
) -> Vec<crate::model::Assumption> {
    let Some(written) = written else {
        return Vec::new();
    };
    let mut assumed = Vec::new();
    for (path, value) in written.get_ref() {
        let target = match Target::resolve(path, scenario) {
            Ok(target) => target,
            Err(message) => {
                checker.error(
                    value.span(),
                    "scenario.assumed",
                    message,
                    "name a setting by its path, as a sweep does (docs/scenario-format.md)",
                );
                continue;
            }
        };
        match parse_value(target, target.kind(), value.get_ref(), scenario) {
            Ok(parsed) => {
                let mut changed = scenario.clone();
                target.apply(&mut changed, &parsed);
                assumed.push(crate::model::Assumption {
                    path: path.to_string(),
                    holds: target.same(scenario, &changed),
                    value: parsed,
                });
            }
            Err(message) => checker.error(
                value.span(),
                "scenario.assumed",
                format!("`{path}`: {message}"),
                "write the value assumed as the setting itself is written",
            ),
        }
    }
    assumed
}
