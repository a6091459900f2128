//! The `[scenario]` table (name, calendar, metric period, SLA, budgets) and the assembly of
//! the whole validated scenario from the other tables.

use super::group::scaling_group;
use super::group::zone_names;
use super::instance_types::{instance_types, zone_values};
use super::load::load_spec;
use super::*;

/// Turns a parsed file into a validated scenario, or every problem found.
pub fn validate(
    checker: &mut Checker,
    file: wire::File,
    read_trace: &mut TraceReader,
) -> Option<Scenario> {
    let section = &file.scenario;
    // A bad zone name is reported below, where the zone is read for the tasks.
    let clock = Clock {
        start: section.start.0,
        zone: section
            .timezone
            .as_ref()
            .and_then(|zone| zone.get_ref().parse().ok()),
    };
    let metric_period = section.metric_period.get_ref().0;
    if metric_period == 0 {
        checker.error(
            section.metric_period.span(),
            "scenario.metric_period",
            "metric period must be positive",
            "e.g. \"60s\"",
        );
    }
    let duration = section.duration.get_ref().0;
    if duration == 0 {
        checker.error(
            section.duration.span(),
            "scenario.duration",
            "duration must be positive",
            "e.g. \"7d\"",
        );
    } else if metric_period > 0 && !duration.is_multiple_of(metric_period) {
        checker.error(
            section.duration.span(),
            "scenario.duration",
            format!(
                "duration {} is not a whole number of metric periods ({})",
                format_duration(duration),
                format_duration(metric_period)
            ),
            "make the duration a multiple of `metric_period`",
        );
    }
    if duration > MAX_DURATION {
        checker.error(
            section.duration.span(),
            "scenario.duration",
            format!(
                "duration {} is longer than 100 years",
                format_duration(duration)
            ),
            "simulate a shorter span",
        );
    } else if metric_period > 0 && duration / metric_period > MAX_TICKS {
        checker.error(
            section.duration.span(),
            "scenario.duration",
            format!(
                "{} periods of {} is more than the limit of {MAX_TICKS}",
                duration / metric_period,
                format_duration(metric_period)
            ),
            "shorten the duration or lengthen `metric_period`",
        );
    }
    let span_ok = duration > 0
        && metric_period > 0
        && duration.is_multiple_of(metric_period)
        && duration <= MAX_DURATION
        && duration / metric_period <= MAX_TICKS;
    let default_timezone = section
        .timezone
        .as_ref()
        .map_or(Tz::UTC, |zone| timezone(checker, zone));
    let sla = sla(checker, section);

    let type_names: Vec<String> = file.instance_types.get_ref().keys().cloned().collect();
    let mut instance_types = instance_types(checker, &file.instance_types, &clock, duration);

    let load = load_spec(checker, &file.load, &clock, duration, read_trace);

    // Groups.
    if file.group.get_ref().is_empty() {
        checker.error(
            file.group.span(),
            "group",
            "no scaling groups",
            "add a [[group]] table",
        );
    }
    let mut group_names = Vec::new();
    let mut groups: Vec<ScalingGroup> = file
        .group
        .get_ref()
        .iter()
        .map(|group| {
            checker.unique_name(&mut group_names, &group.name, "group");
            scaling_group(
                checker,
                group,
                &type_names,
                &clock,
                // A refused span enumerates no firings (99999 weeks of cron would hang).
                if span_ok { duration } else { 0 },
                metric_period,
                default_timezone,
                read_trace,
            )
        })
        .collect();

    let zones = assign_zones(checker, &mut groups, file.group.get_ref());
    zone_values(
        checker,
        file.instance_types.get_ref(),
        &mut instance_types,
        &groups,
        &zones,
    );

    for (group, wire_group) in groups.iter().zip(file.group.get_ref()) {
        // Failures and reclamations launch replacements all run long: bound the records.
        let per_second = group
            .health
            .map_or(0.0, |health| 1.0 / health.mtbf.max(1) as f64)
            + (instance_types.iter())
                .filter_map(|instance_type: &InstanceType| instance_type.preemptible.as_ref())
                .map(|offer| match offer.reclamation {
                    Reclamation::Rate(per_hour) => per_hour / 3600.0,
                    Reclamation::PriceTrace { .. } => 0.0,
                })
                .fold(0.0, f64::max);
        let expected = group.max as f64 * duration as f64 * per_second;
        if expected > MAX_EXPECTED_REPLACEMENTS {
            checker.error(
                wire_group.name.span(),
                "group.health",
                format!(
                    "group `{}` would replace about {expected:.0} failed or reclaimed instances in the run, more than the limit of {MAX_EXPECTED_REPLACEMENTS}",
                    group.name
                ),
                "a longer `health.mtbf`, a lower `reclaim_rate`, a smaller `max` or a shorter run",
            );
        }
    }
    if !checker.problems.is_empty() {
        return None;
    }
    let mut scenario = Scenario {
        name: section.name.clone(),
        currency: currency(checker, section),
        clock,
        duration,
        seed: section.seed,
        metric_period,
        sla,
        rounding: section.rounding,
        cooldown_blocks: section.cooldown_blocks,
        instance_types,
        zones,
        groups,
        load: std::sync::Arc::new(load?),
        expect: expect(checker, file.expect.as_ref()),
        assumed: Vec::new(),
    };
    scenario.assumed = super::sweep::assumptions(checker, section.assumed.as_ref(), &scenario);
    Some(scenario)
}

/// The scenario's zones, in order of first mention (an unnamed zone first when a group lists
/// none), with each group's zones set to their indices.
fn assign_zones(
    checker: &mut Checker,
    groups: &mut [ScalingGroup],
    wire_groups: &[wire::Group],
) -> Vec<String> {
    let named: Vec<Vec<String>> = wire_groups
        .iter()
        .map(|group| zone_names(checker, group))
        .collect();
    let mut zones: Vec<String> = Vec::new();
    if named.iter().any(Vec::is_empty) {
        zones.push(String::new());
    }
    for (group, names) in groups.iter_mut().zip(&named) {
        if names.is_empty() {
            group.zones = vec![0];
            continue;
        }
        group.zones = names
            .iter()
            .map(|name| match zones.iter().position(|zone| zone == name) {
                Some(id) => id,
                None => {
                    zones.push(name.clone());
                    zones.len() - 1
                }
            })
            .collect();
    }
    zones
}

/// The prices' currency: a short name shown beside money (a code such as `CNY`, or a sign).
fn currency(checker: &mut Checker, section: &wire::ScenarioSection) -> String {
    let Some(value) = &section.currency else {
        return CURRENCY.to_string();
    };
    let text = value.get_ref();
    if text.is_empty() || text.chars().count() > 8 || text.chars().any(char::is_whitespace) {
        checker.error(
            value.span(),
            "scenario.currency",
            format!("currency `{text}` is not a short name"),
            "write the prices' currency as a code of up to 8 characters, e.g. currency = \"CNY\"",
        );
    }
    text.clone()
}

/// The SLA: a utilization ceiling, and with a latency model optionally a percentile target.
fn sla(checker: &mut Checker, section: &wire::ScenarioSection) -> Sla {
    let wire = section.sla.as_ref();
    let max_utilization =
        wire.and_then(|sla| sla.max_utilization.as_ref())
            .map_or(MAX_UTILIZATION, |value| {
                checker.number(
                    value,
                    "scenario.sla.max_utilization",
                    f64::MIN_POSITIVE,
                    1.0,
                    "a share of capacity such as 0.8",
                )
            });
    let latency_model = section.latency_model;
    let percentile = wire.and_then(|sla| sla.latency_percentile.as_ref());
    let max_latency = wire.and_then(|sla| sla.max_latency_ms.as_ref());
    let latency = match (percentile, max_latency) {
        (None, None) => None,
        (Some(percentile), Some(max_latency)) => {
            let quantile = checker.number(
                percentile,
                "scenario.sla.latency_percentile",
                f64::MIN_POSITIVE,
                99.999,
                "a percentile such as 95 or 99",
            ) / 100.0;
            let max_ms = checker.number(
                max_latency,
                "scenario.sla.max_latency_ms",
                f64::MIN_POSITIVE,
                f64::INFINITY,
                "milliseconds, e.g. 250",
            );
            if latency_model.is_none() {
                checker.error(
                    max_latency.span(),
                    "scenario.sla.max_latency_ms",
                    "a latency target needs a latency model",
                    "add latency_model = \"mmc\" (one shared queue) or \"mm1\" (a queue per instance) to [scenario]",
                );
            }
            Some(LatencyTarget {
                percentile: quantile,
                max_seconds: max_ms / 1000.0,
            })
        }
        (Some(value), None) | (None, Some(value)) => {
            checker.error(
                value.span(),
                "scenario.sla",
                "a latency target needs both `latency_percentile` and `max_latency_ms`",
                "e.g. sla = { latency_percentile = 95, max_latency_ms = 250 }",
            );
            None
        }
    };
    Sla {
        max_utilization,
        latency_model,
        latency,
    }
}

fn expect(checker: &mut Checker, wire: Option<&wire::ExpectWire>) -> Expect {
    let Some(wire) = wire else {
        return Expect::default();
    };
    let mut budget = |value: &Option<Spanned<f64>>, field: &str| {
        value.as_ref().map(|value| {
            checker.number(
                value,
                field,
                0.0,
                f64::INFINITY,
                "a budget is a non-negative number",
            )
        })
    };
    Expect {
        max_cost: budget(&wire.max_cost, "expect.max_cost"),
        max_instance_hours: budget(&wire.max_instance_hours, "expect.max_instance_hours"),
        max_sla_violation_seconds: wire.max_sla_violation.map(|value| value.0),
        max_unserved_requests: budget(&wire.max_unserved_requests, "expect.max_unserved_requests"),
    }
}
