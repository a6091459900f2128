//! Wire to model: every semantic check, collecting all problems with their spans.

use super::wire;
use crate::error::{Diagnostic, did_you_mean};
use crate::load::trace::{DuplicatePolicy, GapPolicy, Source, TimeFormat, TraceFormat, ValueKind};
use crate::load::{Base, Burst, DailyWindow, Diurnal, Growth, GrowthShape, LoadSpec, Noise, Trace};
use crate::model::*;
use crate::time::{Clock, Seconds, SimTime, format_duration};
use chrono::Timelike;
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds as CronSeconds, Year};
use std::ops::Range;
use toml::Spanned;

/// Reads a trace named in the scenario: `(path as written) -> Ok(trace) | Err(diagnostics)`.
/// The caller resolves the path and does the I/O.
pub type TraceReader<'a> = dyn FnMut(&str, &TraceFormat, &Clock) -> Result<Trace, Diagnostic> + 'a;

/// Most metric periods in one run: 50 million (about 95 years of minutes, 1.6 years of
/// seconds) keeps the load and timeline within a few gigabytes.
pub const MAX_TICKS: u64 = 50_000_000;

/// Most firings of one scheduled task in a run (a minutely cron for two years).
pub const MAX_FIRINGS: usize = 1_000_000;

/// Longest simulated span: 100 years keeps every instant a valid calendar date.
pub const MAX_DURATION: Seconds = 100 * 365 * 86_400;

/// Most instances a group may hold; far above the clouds' own quotas (Tencent: 2,000 per group)
/// and low enough that the engine's per-instance records stay small.
pub const MAX_GROUP_SIZE: u32 = 100_000;

/// Collects diagnostics against one source file.
pub struct Checker<'a> {
    file: &'a str,
    source: &'a str,
    pub problems: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Self {
        Checker {
            file,
            source,
            problems: Vec::new(),
        }
    }

    /// Records a problem at `span`, naming `field` and suggesting `hint`.
    fn error(
        &mut self,
        span: Range<usize>,
        field: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let mut diagnostic =
            Diagnostic::at_span(self.file, self.source, span, message).with_field(field);
        let hint = hint.into();
        if !hint.is_empty() {
            diagnostic = diagnostic.with_hint(hint);
        }
        self.problems.push(diagnostic);
    }

    /// A finite number within `range`, or a recorded problem.
    fn number(
        &mut self,
        value: &Spanned<f64>,
        field: &str,
        low: f64,
        high: f64,
        hint: &str,
    ) -> f64 {
        let number = *value.get_ref();
        if !number.is_finite() || number < low || number > high {
            let range = if low == f64::MIN_POSITIVE && high.is_infinite() {
                "positive".to_string()
            } else if low == f64::MIN_POSITIVE {
                format!("positive and at most {high}")
            } else if high.is_infinite() {
                format!("at least {low}")
            } else {
                format!("between {low} and {high}")
            };
            let key = field.rsplit('.').next().unwrap_or(field);
            self.error(
                value.span(),
                field,
                format!("`{key}` is {number}, must be {range}"),
                hint,
            );
        }
        number
    }

    /// Whether `name` is unique in `seen`; records a duplicate otherwise.
    pub fn unique_name(&mut self, seen: &mut Vec<String>, name: &Spanned<String>, what: &str) {
        if seen.contains(name.get_ref()) {
            self.error(
                name.span(),
                "name",
                format!("duplicate {what} name `{}`", name.get_ref()),
                format!("each {what} needs its own name"),
            );
        }
        seen.push(name.get_ref().clone());
    }

    /// Index of `name` among `names`, or a recorded "unknown" problem with a suggestion.
    fn reference(
        &mut self,
        name: &Spanned<String>,
        names: &[String],
        field: &str,
        what: &str,
    ) -> Option<usize> {
        let found = names
            .iter()
            .position(|candidate| candidate == name.get_ref());
        if found.is_none() {
            let hint = match did_you_mean(name.get_ref(), names.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None if names.is_empty() => format!("define a {what} first"),
                None => format!("known: {}", names.join(", ")),
            };
            self.error(
                name.span(),
                field,
                format!("unknown {what} `{}`", name.get_ref()),
                hint,
            );
        }
        found
    }
}

fn timezone(checker: &mut Checker, value: &Spanned<String>) -> Tz {
    value.get_ref().parse::<Tz>().unwrap_or_else(|_| {
        let hint = match did_you_mean(
            value.get_ref(),
            chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()),
        ) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "use an IANA zone name such as `Asia/Shanghai` or `UTC`".into(),
        };
        checker.error(
            value.span(),
            "timezone",
            format!("unknown time zone `{}`", value.get_ref()),
            hint,
        );
        Tz::UTC
    })
}

fn instant(clock: &Clock, value: wire::Instant) -> Option<SimTime> {
    match value {
        wire::Instant::Offset(offset) => Some(offset),
        wire::Instant::At(at) => clock.sim_time(at),
    }
}

/// Turns a parsed file into a validated scenario, or every problem found.
pub fn validate(
    checker: &mut Checker,
    file: wire::File,
    read_trace: &mut TraceReader,
) -> Option<Scenario> {
    let section = &file.scenario;
    let clock = Clock {
        start: section.start.0,
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
    let default_timezone = section
        .timezone
        .as_ref()
        .map_or(Tz::UTC, |zone| timezone(checker, zone));
    let sla = sla(checker, section);

    // Instance types.
    let type_names: Vec<String> = file.instance_types.get_ref().keys().cloned().collect();
    if type_names.is_empty() {
        checker.error(
            file.instance_types.span(),
            "instance_types",
            "no instance types",
            "add e.g. [instance_types.small] with capacity_rps and price_per_hour",
        );
    }
    let instance_types = file
        .instance_types
        .get_ref()
        .iter()
        .map(|(name, wire_type)| {
            let granularity = wire_type
                .billing_granularity
                .as_ref()
                .map_or(1, |value| value.get_ref().0);
            if granularity == 0 {
                let span = wire_type
                    .billing_granularity
                    .as_ref()
                    .map_or(0..0, Spanned::span);
                checker.error(
                    span,
                    &format!("instance_types.{name}.billing_granularity"),
                    "billing granularity must be at least 1s",
                    "\"1s\" for per-second, \"1h\" for hourly billing",
                );
            }
            InstanceType {
                name: name.clone(),
                capacity_rps: checker.number(
                    &wire_type.capacity_rps,
                    &format!("instance_types.{name}.capacity_rps"),
                    f64::MIN_POSITIVE,
                    f64::INFINITY,
                    "requests per second one instance serves at 100% CPU",
                ),
                price_per_hour: checker.number(
                    &wire_type.price_per_hour,
                    &format!("instance_types.{name}.price_per_hour"),
                    0.0,
                    f64::INFINITY,
                    "price per instance-hour",
                ),
                boot_time: wire_type.boot_time.map_or(0, |value| value.0),
                billing_granularity: granularity.max(1),
                billing_minimum: wire_type.billing_minimum.map_or(60, |value| value.0),
                weight: wire_type.weight.as_ref().map_or(1, |weight| {
                    if *weight.get_ref() == 0 {
                        checker.error(
                            weight.span(),
                            &format!("instance_types.{name}.weight"),
                            "`weight` is 0, must be at least 1",
                            "capacity units one instance counts for, e.g. 2 for a type twice as big",
                        );
                    }
                    (*weight.get_ref()).max(1)
                }),
                stock: wire_type.stock,
                no_stock_probability: wire_type.no_stock_probability.as_ref().map_or(
                    0.0,
                    |probability| {
                        checker.number(
                            probability,
                            &format!("instance_types.{name}.no_stock_probability"),
                            0.0,
                            1.0,
                            "the chance that one launch finds no stock, e.g. 0.05",
                        )
                    },
                ),
                preemptible: wire_type
                    .preemptible
                    .as_ref()
                    .and_then(|offer| preemptible(checker, name, offer, &clock, duration)),
            }
        })
        .collect();

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
    let groups: Vec<ScalingGroup> = file
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
                duration,
                metric_period,
                default_timezone,
                read_trace,
            )
        })
        .collect();

    if !checker.problems.is_empty() {
        return None;
    }
    Some(Scenario {
        name: section.name.clone(),
        clock,
        duration,
        seed: section.seed,
        metric_period,
        sla,
        rounding: match section.rounding {
            wire::RoundingWire::Aws => Rounding::Aws,
            wire::RoundingWire::Alibaba => Rounding::Alibaba,
        },
        cooldown_blocks: match section.cooldown_blocks {
            wire::CooldownBlocksWire::Alarms => CooldownBlocks::Alarms,
            wire::CooldownBlocksWire::All => CooldownBlocks::All,
        },
        instance_types,
        groups,
        load: std::sync::Arc::new(load?),
        expect: expect(checker, file.expect.as_ref()),
    })
}

/// The SLA: a utilization ceiling, and with a latency model optionally a percentile target.
fn sla(checker: &mut Checker, section: &wire::ScenarioSection) -> Sla {
    let wire = section.sla.as_ref();
    let max_utilization = wire
        .and_then(|sla| sla.max_utilization.as_ref())
        .map_or(0.8, |value| {
            checker.number(
                value,
                "scenario.sla.max_utilization",
                f64::MIN_POSITIVE,
                1.0,
                "a share of capacity such as 0.8",
            )
        });
    let latency_model = section.latency_model.map(|model| match model {
        wire::LatencyModelWire::Mm1 => LatencyModel::PerInstance,
        wire::LatencyModelWire::Mmc => LatencyModel::Pooled,
    });
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

/// A type's preemptible offer: a discount and a reclamation rate, or a price trace and a bid.
fn preemptible(
    checker: &mut Checker,
    name: &str,
    offer: &Spanned<wire::PreemptibleWire>,
    clock: &Clock,
    duration: Seconds,
) -> Option<Preemptible> {
    let field = format!("instance_types.{name}.preemptible");
    let wire = offer.get_ref();
    let notice = wire.notice.map_or(120, |value| value.0);
    let reclamation = match (&wire.price_trace, &wire.bid) {
        (Some(trace), Some(bid)) => {
            if wire.discount.is_some() || wire.reclaim_rate.is_some() {
                checker.error(
                    offer.span(),
                    &field,
                    "a price trace sets the price and the reclamations: `discount` and `reclaim_rate` do not apply",
                    "keep either { discount, reclaim_rate } or { price_trace, bid }",
                );
            }
            let bid = checker.number(
                bid,
                &format!("{field}.bid"),
                0.0,
                f64::INFINITY,
                "the highest price per hour the group pays",
            );
            let mut points: Vec<(SimTime, f64)> = Vec::new();
            for point in trace.get_ref() {
                let price = checker.number(
                    &point.price,
                    &format!("{field}.price_trace.price"),
                    0.0,
                    f64::INFINITY,
                    "price per hour",
                );
                let Some(at) = instant(clock, *point.at.get_ref()) else {
                    checker.error(
                        point.at.span(),
                        &format!("{field}.price_trace.at"),
                        "price point before the scenario starts",
                        "use an offset such as \"36h\"",
                    );
                    continue;
                };
                if points.last().is_some_and(|(last, _)| *last >= at) {
                    checker.error(
                        point.at.span(),
                        &format!("{field}.price_trace.at"),
                        "price points must be in increasing time order",
                        "sort the trace by `at`",
                    );
                }
                points.push((at.min(duration), price));
            }
            match points.first_mut() {
                // The first price holds from the start.
                Some(first) => first.0 = 0,
                None => checker.error(
                    trace.span(),
                    &format!("{field}.price_trace"),
                    "empty price trace",
                    "add e.g. { at = \"0h\", price = 0.03 }",
                ),
            }
            Reclamation::PriceTrace { points, bid }
        }
        (None, None) => {
            let rate = wire.reclaim_rate.as_ref().map_or(0.0, |rate| {
                checker.number(
                    rate,
                    &format!("{field}.reclaim_rate"),
                    0.0,
                    f64::INFINITY,
                    "reclamations per instance-hour, e.g. 0.05",
                )
            });
            if wire.discount.is_none() {
                checker.error(
                    offer.span(),
                    &field,
                    "a preemptible offer needs a `discount` (or a `price_trace` and a `bid`)",
                    "e.g. preemptible = { discount = 0.7, reclaim_rate = 0.05 }",
                );
            }
            Reclamation::Rate(rate)
        }
        (Some(trace), None) => {
            checker.error(
                trace.span(),
                &format!("{field}.bid"),
                "a price trace needs a `bid`",
                "the highest price per hour the group pays, e.g. bid = 0.05",
            );
            return None;
        }
        (None, Some(bid)) => {
            checker.error(
                bid.span(),
                &format!("{field}.price_trace"),
                "a bid needs a `price_trace`",
                "add price_trace = [{ at = \"0h\", price = 0.03 }, ...]",
            );
            return None;
        }
    };
    let discount = wire.discount.as_ref().map_or(0.0, |discount| {
        checker.number(
            discount,
            &format!("{field}.discount"),
            0.0,
            1.0,
            "the share off the pay-as-you-go price, e.g. 0.7",
        )
    });
    Some(Preemptible {
        discount,
        reclamation,
        stock: wire.stock,
        notice,
    })
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

/// The reading settings of `[load.trace]`; keys that do not fit the format are errors.
fn trace_format(checker: &mut Checker, trace: &wire::TraceWire) -> TraceFormat {
    use wire::TraceSourceWire as Format;
    let span = trace.path.span();
    let source = match trace.format {
        Format::Csv => {
            if trace.value_column.is_none() {
                checker.error(
                    span.clone(),
                    "load.trace.value_column",
                    "a CSV trace needs `value_column`",
                    "e.g. value_column = \"requests\"",
                );
            }
            Source::Csv {
                time_column: trace.time_column.clone(),
                value_column: trace.value_column.clone().unwrap_or_default(),
            }
        }
        Format::AccessLog => Source::AccessLog {
            bucket: trace.bucket.map_or(60, |value| value.0).max(1),
        },
        Format::Prometheus => Source::Prometheus,
        Format::Cloudwatch => Source::CloudWatch {
            id: trace.id.clone(),
        },
    };
    let foreign: Vec<&str> = [
        (
            "time_column",
            trace.time_column.is_some() && trace.format != Format::Csv,
        ),
        (
            "value_column",
            trace.value_column.is_some() && trace.format != Format::Csv,
        ),
        (
            "bucket",
            trace.bucket.is_some() && trace.format != Format::AccessLog,
        ),
        (
            "id",
            trace.id.is_some() && trace.format != Format::Cloudwatch,
        ),
        (
            "kind",
            trace.kind.is_some() && trace.format == Format::AccessLog,
        ),
    ]
    .iter()
    .filter(|(_, set)| *set)
    .map(|(key, _)| *key)
    .collect();
    for key in foreign {
        checker.error(
            span.clone(),
            "load.trace",
            format!("`{key}` does not apply to format `{:?}`", trace.format).to_lowercase(),
            "csv takes time_column / value_column, access_log takes bucket, cloudwatch takes id",
        );
    }
    let kind = match (trace.format, trace.kind) {
        (Format::AccessLog, _) => ValueKind::Count,
        (_, Some(wire::TraceKindWire::Count)) => ValueKind::Count,
        (_, Some(wire::TraceKindWire::Rate)) => ValueKind::Rate,
        (Format::Csv, None) => {
            checker.error(
                span.clone(),
                "load.trace.kind",
                "say whether the values are counts or rates",
                "kind = \"count\" (requests per bucket) or \"rate\" (requests per second)",
            );
            ValueKind::Count
        }
        (_, None) => ValueKind::Rate,
    };
    TraceFormat {
        source,
        kind,
        step: trace.step.map(|value| value.0),
        time: match trace.time_format {
            wire::TimeFormatWire::Auto => TimeFormat::Auto,
            wire::TimeFormatWire::Offset => TimeFormat::Offset,
            wire::TimeFormatWire::Epoch => TimeFormat::Epoch,
            wire::TimeFormatWire::Rfc3339 => TimeFormat::Rfc3339,
        },
        gaps: match trace.gaps {
            wire::GapsWire::Error => GapPolicy::Error,
            wire::GapsWire::Zero => GapPolicy::Zero,
            wire::GapsWire::Hold => GapPolicy::Hold,
        },
        duplicates: match trace.duplicates {
            wire::DuplicatesWire::Error => DuplicatePolicy::Error,
            wire::DuplicatesWire::Sum => DuplicatePolicy::Sum,
            wire::DuplicatesWire::Last => DuplicatePolicy::Last,
        },
        sort: matches!(trace.order, wire::OrderWire::Sort),
    }
}

fn load_spec(
    checker: &mut Checker,
    load: &wire::LoadSection,
    clock: &Clock,
    duration: Seconds,
    read_trace: &mut TraceReader,
) -> Option<LoadSpec> {
    let base = match (&load.base_rps, &load.trace) {
        (Some(rate), None) => Base::Constant(checker.number(
            rate,
            "load.base_rps",
            0.0,
            f64::INFINITY,
            "requests per second",
        )),
        (None, Some(trace)) => {
            let format = trace_format(checker, trace);
            match read_trace(trace.path.get_ref(), &format, clock) {
                Ok(parsed) => {
                    if parsed.start > 0 || parsed.end() < duration {
                        checker.error(
                            trace.path.span(),
                            "load.trace.path",
                            format!(
                                "trace covers {} to {} of the run, which needs 0s to {}",
                                format_duration(parsed.start),
                                format_duration(parsed.end()),
                                format_duration(duration)
                            ),
                            "shorten `scenario.duration` or move `scenario.start` into the trace",
                        );
                    }
                    Base::Trace(parsed)
                }
                Err(diagnostic) => {
                    checker.problems.push(diagnostic);
                    Base::Constant(0.0)
                }
            }
        }
        (Some(rate), Some(trace)) => {
            let span = rate.span().start..trace.path.span().end.max(rate.span().end);
            checker.error(
                span,
                "load",
                "both `base_rps` and `trace` are set",
                "keep one: a constant base rate or a recorded trace",
            );
            Base::Constant(0.0)
        }
        (None, None) => {
            checker.problems.push(
                Diagnostic::file(checker.file, "the load has neither `base_rps` nor `trace`")
                    .with_field("load")
                    .with_hint("add `base_rps = 100` or a [load.trace] table"),
            );
            Base::Constant(0.0)
        }
    };
    let scale = load.scale.as_ref().map_or(1.0, |scale| {
        checker.number(
            scale,
            "load.scale",
            0.0,
            f64::INFINITY,
            "a factor such as 2.0",
        )
    });
    let diurnal = load.diurnal.as_ref().map(|diurnal| Diurnal {
        amplitude: checker.number(
            &diurnal.amplitude,
            "load.diurnal.amplitude",
            0.0,
            1.0,
            "relative swing, e.g. 0.4",
        ),
        peak: diurnal.peak.0,
    });
    let daily = load
        .daily
        .iter()
        .map(|window| {
            let from = window.from.get_ref().0;
            let length = (window.to.0 as i64 - from as i64).rem_euclid(86_400) as u64;
            let ramp = window.ramp.map_or(0, |ramp| ramp.0);
            if length == 0 {
                checker.error(
                    window.from.span(),
                    "load.daily.from",
                    "daily window has the same start and end",
                    "e.g. from = \"11:00\", to = \"13:00\"",
                );
            } else if 2 * ramp > length {
                checker.error(
                    window.from.span(),
                    "load.daily.ramp",
                    format!(
                        "ramps of {} do not fit in a {} window",
                        format_duration(ramp),
                        format_duration(length)
                    ),
                    "each ramp can be at most half the window",
                );
            }
            if window.multiply.is_none() && window.add_rps.is_none() {
                checker.error(
                    window.from.span(),
                    "load.daily",
                    "daily window has neither `multiply` nor `add_rps`",
                    "e.g. multiply = 3.0",
                );
            }
            DailyWindow {
                from,
                to: window.to.0,
                multiply: window.multiply.as_ref().map_or(1.0, |value| {
                    checker.number(
                        value,
                        "load.daily.multiply",
                        0.0,
                        f64::INFINITY,
                        "a factor such as 3.0",
                    )
                }),
                add_rps: window.add_rps.as_ref().map_or(0.0, |value| {
                    checker.number(
                        value,
                        "load.daily.add_rps",
                        0.0,
                        f64::INFINITY,
                        "requests per second",
                    )
                }),
                ramp,
            }
        })
        .collect();
    let growth = load.growth.as_ref().map(|growth| {
        let over = growth.over.get_ref().0;
        if over == 0 {
            checker.error(
                growth.over.span(),
                "load.growth.over",
                "growth needs a positive span",
                "e.g. over = \"1d\"",
            );
        }
        Growth {
            factor: checker.number(
                &growth.factor,
                "load.growth.factor",
                f64::MIN_POSITIVE,
                f64::INFINITY,
                "e.g. 20 for a 20x launch",
            ),
            start: growth.start.and_then(|at| instant(clock, at)).unwrap_or(0),
            over: over.max(1),
            shape: match growth.shape {
                wire::GrowthShapeWire::Exponential => GrowthShape::Exponential,
                wire::GrowthShapeWire::Linear => GrowthShape::Linear,
            },
        }
    });
    let bursts = load
        .bursts
        .iter()
        .map(|burst| {
            let at = instant(clock, *burst.at.get_ref()).unwrap_or_else(|| {
                checker.error(
                    burst.at.span(),
                    "load.bursts.at",
                    "burst starts before the scenario",
                    "use an offset such as \"2d10h\" or a later date-time",
                );
                0
            });
            Burst {
                at,
                duration: burst.duration.0,
                add_rps: checker.number(
                    &burst.add_rps,
                    "load.bursts.add_rps",
                    0.0,
                    f64::INFINITY,
                    "requests per second",
                ),
                ramp: burst
                    .ramp
                    .map_or(0, |ramp| ramp.0)
                    .min(burst.duration.0 / 2),
            }
        })
        .collect();
    let noise = load.noise.as_ref().map(|noise| {
        let sigma = checker.number(&noise.sigma, "load.noise.sigma", 0.0, 5.0, "e.g. 0.1");
        match noise.kind {
            wire::NoiseKindWire::Lognormal => Noise::LogNormal { sigma },
            wire::NoiseKindWire::Normal => Noise::Normal { sigma },
        }
    });
    let start_local = clock.start.time();
    Some(LoadSpec {
        base,
        scale,
        diurnal,
        daily,
        growth,
        bursts,
        noise,
        start_second_of_day: start_local.num_seconds_from_midnight() as Seconds,
    })
}

#[allow(clippy::too_many_arguments)]
fn scaling_group(
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
            grace: health.grace.map_or(300, |value| value.0),
            detection: health.detection.map_or(60, |value| value.0),
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
    if min > max {
        checker.error(
            group.min.span(),
            "group.min",
            format!("min {min} is above max {max}"),
            "min must be at most max",
        );
    }
    let desired = group.desired.as_ref().map_or(min, |value| *value.get_ref());
    if let Some(value) = &group.desired
        && (desired < min || desired > max)
    {
        checker.error(
            value.span(),
            "group.desired",
            format!("desired {desired} is outside [min {min}, max {max}]"),
            "desired capacity must lie within min and max",
        );
    }
    let existing = group
        .existing
        .as_ref()
        .map_or(ExistingInstances::default(), |existing| {
            let count = *existing.count.get_ref();
            if count > desired {
                checker.error(
                    existing.count.span(),
                    "group.existing.count",
                    format!("{count} existing instances but desired is {desired}"),
                    "existing instances count toward desired capacity: raise `desired`",
                );
            }
            ExistingInstances {
                count,
                protected: existing.protected,
            }
        });
    let load_share = group.load_share.as_ref().map_or(1.0, |share| {
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
            alarm_task(checker, alarm, &rule_names, metric_period)
        })
        .collect();

    ScalingGroup {
        name: group.name.get_ref().clone(),
        configurations,
        active_configuration,
        mix,
        health,
        load,
        min,
        max: max.max(min),
        desired: desired.clamp(min, max.max(min)),
        existing,
        removal_policy: match group.removal_policy {
            wire::RemovalPolicyWire::OldestInstance => RemovalPolicy::OldestInstance,
            wire::RemovalPolicyWire::NewestInstance => RemovalPolicy::NewestInstance,
            wire::RemovalPolicyWire::OldestScalingConfiguration => {
                RemovalPolicy::OldestScalingConfiguration
            }
        },
        default_cooldown: group.default_cooldown.map_or(300, |value| value.0),
        load_share,
        registration_delay: group.registration_delay.map_or(0, |value| value.0),
        rules,
        target_tracking,
        predictive,
        hpa,
        scheduled,
        alarms,
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

/// A validated `[[group.rule]]` of any type.
enum AnyRule {
    Run(ScalingRule),
    TargetTracking(TargetTracking),
    Predictive(Predictive),
    Hpa(Hpa),
}

/// The `[[group.rule]]` keys that are set, by name, to reject keys foreign to the type.
fn keys_set(rule: &wire::Rule) -> Vec<&'static str> {
    let present = [
        ("change", rule.change.is_some()),
        ("change_percent", rule.change_percent.is_some()),
        ("min_adjustment", rule.min_adjustment.is_some()),
        ("set", rule.set.is_some()),
        ("cooldown", rule.cooldown.is_some()),
        ("steps", rule.steps.is_some()),
        ("warmup", rule.warmup.is_some()),
        ("metric", rule.metric.is_some()),
        ("target", rule.target.is_some()),
        ("scale_in_ratio", rule.scale_in_ratio.is_some()),
        ("scale_out_periods", rule.scale_out_periods.is_some()),
        ("scale_in_periods", rule.scale_in_periods.is_some()),
        ("disable_scale_in", rule.disable_scale_in.is_some()),
        ("mode", rule.mode.is_some()),
        ("buffer", rule.buffer.is_some()),
        ("history", rule.history.is_some()),
        ("tolerance", rule.tolerance.is_some()),
        ("stabilization_window", rule.stabilization_window.is_some()),
        ("scale_up_percent", rule.scale_up_percent.is_some()),
        ("scale_up_instances", rule.scale_up_instances.is_some()),
        ("scale_down_percent", rule.scale_down_percent.is_some()),
        ("policy_period", rule.policy_period.is_some()),
        ("sync_period", rule.sync_period.is_some()),
    ];
    present
        .iter()
        .filter(|(_, set)| *set)
        .map(|(key, _)| *key)
        .collect()
}

fn scaling_rule(checker: &mut Checker, rule: &wire::Rule) -> AnyRule {
    use wire::RuleTypeWire as Type;
    let name = rule.name.get_ref().clone();
    let allowed: &[&str] = match rule.kind {
        Type::Simple => &[
            "change",
            "change_percent",
            "min_adjustment",
            "set",
            "cooldown",
        ],
        Type::Step => &[
            "change",
            "change_percent",
            "min_adjustment",
            "set",
            "steps",
            "warmup",
        ],
        Type::TargetTracking => &[
            "metric",
            "target",
            "scale_in_ratio",
            "scale_out_periods",
            "scale_in_periods",
            "disable_scale_in",
            "warmup",
        ],
        Type::Predictive => &["target", "mode", "buffer", "history"],
        Type::Hpa => &[
            "metric",
            "target",
            "tolerance",
            "stabilization_window",
            "scale_up_percent",
            "scale_up_instances",
            "scale_down_percent",
            "policy_period",
            "sync_period",
        ],
    };
    for key in keys_set(rule) {
        if !allowed.contains(&key) {
            checker.error(
                rule.name.span(),
                "group.rule",
                format!("rule `{name}` ({:?} rule) does not take `{key}`", rule.kind)
                    .to_lowercase()
                    .replace("targettracking", "target_tracking"),
                format!("keys of this rule type: {}", allowed.join(", ")),
            );
        }
    }
    let warmup = |default: Seconds| rule.warmup.map_or(default, |value| value.0);
    let target = |checker: &mut Checker, low: f64, hint: &str| match &rule.target {
        Some(value) => checker.number(value, "group.rule.target", low, f64::INFINITY, hint),
        None => {
            checker.error(
                rule.name.span(),
                "group.rule.target",
                format!("rule `{}` needs a `target`", rule.name.get_ref()),
                hint.to_string(),
            );
            1.0
        }
    };
    let metric = |checker: &mut Checker| match rule.metric {
        Some(wire::MetricWire::Cpu) => Metric::Cpu,
        Some(wire::MetricWire::RequestsPerInstance) => Metric::RequestsPerInstance,
        Some(wire::MetricWire::RequestRate) => {
            checker.error(rule.name.span(), "group.rule.metric", "a target needs a metric proportional to the instance count", "use `cpu` or `requests_per_instance` (AWS rejects totals such as the request rate)");
            Metric::Cpu
        }
        None => Metric::Cpu,
    };
    match rule.kind {
        Type::Simple | Type::Step => {
            let is_step = rule.kind == Type::Step;
            let given = [
                rule.change.is_some(),
                rule.change_percent.is_some(),
                rule.set.is_some(),
            ];
            let count = given.iter().filter(|set| **set).count();
            if !is_step && count != 1 {
                checker.error(
                    rule.name.span(),
                    "group.rule",
                    format!("rule `{name}` needs exactly one of `change`, `change_percent`, `set`"),
                    "e.g. change = 2, change_percent = 25 or set = 4",
                );
            }
            if let Some(magnitude) = &rule.min_adjustment
                && rule.change_percent.is_none()
                && !is_step
            {
                checker.error(
                    magnitude.span(),
                    "group.rule.min_adjustment",
                    "`min_adjustment` applies only to `change_percent`",
                    "remove it, or use change_percent",
                );
            }
            let min_magnitude = rule
                .min_adjustment
                .as_ref()
                .map_or(0, |value| *value.get_ref());
            let mut adjustment = match (rule.change, &rule.change_percent, rule.set) {
                (Some(change), _, _) => Adjustment::Change(change),
                (_, Some(percent), _) => Adjustment::Percent {
                    percent: checker.number(
                        percent,
                        "group.rule.change_percent",
                        -100.0,
                        10_000.0,
                        "ESS allows -100 to 10000 percent",
                    ),
                    min_magnitude,
                },
                (_, _, Some(value)) => Adjustment::Exact(value),
                _ => Adjustment::Change(0),
            };
            let steps = if is_step {
                if count > 0 {
                    checker.error(
                        rule.name.span(),
                        "group.rule",
                        format!("step rule `{name}` takes its adjustments from `steps`"),
                        "put change / change_percent / set inside each step",
                    );
                }
                match &rule.steps {
                    None => {
                        checker.error(rule.name.span(), "group.rule.steps", format!("step rule `{name}` has no `steps`"), "e.g. steps = [{ lower = 0, upper = 10, change_percent = 10 }, { lower = 10, change_percent = 30 }]");
                        None
                    }
                    Some(steps) => {
                        let (parsed, kind) = step_list(checker, steps, min_magnitude);
                        if let Some(kind) = kind {
                            adjustment = kind;
                        }
                        Some(StepScaling {
                            steps: parsed,
                            warmup: warmup(0),
                        })
                    }
                }
            } else {
                None
            };
            AnyRule::Run(ScalingRule {
                name,
                adjustment,
                cooldown: rule.cooldown.map(|value| value.0),
                steps,
            })
        }
        Type::TargetTracking => {
            let metric = metric(checker);
            let target = target(
                checker,
                f64::MIN_POSITIVE,
                "the metric value to hold, e.g. 50 for 50% CPU",
            );
            let periods = |value: &Option<Spanned<u32>>,
                           default: u32,
                           field: &str,
                           checker: &mut Checker| match value {
                Some(value) if *value.get_ref() == 0 => {
                    checker.error(
                        value.span(),
                        field,
                        "needs at least 1 period",
                        "AWS uses 3 (scale out) and 15 (scale in)",
                    );
                    default
                }
                Some(value) => *value.get_ref(),
                None => default,
            };
            AnyRule::TargetTracking(TargetTracking {
                name,
                metric,
                target,
                scale_in_ratio: rule.scale_in_ratio.as_ref().map_or(0.9, |value| {
                    checker.number(
                        value,
                        "group.rule.scale_in_ratio",
                        f64::MIN_POSITIVE,
                        1.0,
                        "the low alarm fires below ratio x target; AWS shows 0.7 to 0.9",
                    )
                }),
                scale_out_periods: periods(
                    &rule.scale_out_periods,
                    3,
                    "group.rule.scale_out_periods",
                    checker,
                ),
                scale_in_periods: periods(
                    &rule.scale_in_periods,
                    15,
                    "group.rule.scale_in_periods",
                    checker,
                ),
                disable_scale_in: rule.disable_scale_in.unwrap_or(false),
                warmup: warmup(300),
            })
        }
        Type::Predictive => {
            let buffer = rule.buffer.as_ref().map_or(300, |value| value.get_ref().0);
            if let Some(value) = &rule.buffer
                && buffer >= 3600
            {
                checker.error(
                    value.span(),
                    "group.rule.buffer",
                    "the buffer must be under an hour",
                    "AWS SchedulingBufferTime: 0 to 3600 s, default 300 s",
                );
            }
            let history = rule
                .history
                .as_ref()
                .map_or(14 * 86_400, |value| value.get_ref().0);
            if let Some(value) = &rule.history
                && !(86_400..=14 * 86_400).contains(&history)
            {
                checker.error(
                    value.span(),
                    "group.rule.history",
                    "history must be 1 to 14 days",
                    "AWS reads up to 14 days and needs at least 24 hours",
                );
            }
            AnyRule::Predictive(Predictive {
                name,
                target_cpu: target(
                    checker,
                    f64::MIN_POSITIVE,
                    "the CPU utilization (percent) the forecast capacity is sized for, e.g. 60",
                ),
                mode: match rule.mode {
                    Some(wire::PredictiveModeWire::ForecastOnly) => PredictiveMode::ForecastOnly,
                    _ => PredictiveMode::ForecastAndScale,
                },
                buffer,
                history,
            })
        }
        Type::Hpa => {
            let metric = metric(checker);
            let period = |value: &Option<Spanned<wire::Duration>>,
                          field: &str,
                          checker: &mut Checker| match value {
                Some(value) if value.get_ref().0 == 0 || value.get_ref().0 > 1800 => {
                    checker.error(
                        value.span(),
                        field,
                        "must be 1s to 30m",
                        "Kubernetes: periodSeconds 1 to 1800; sync period default 15s",
                    );
                    15
                }
                Some(value) => value.get_ref().0,
                None => 15,
            };
            AnyRule::Hpa(Hpa {
                name,
                metric,
                target: target(
                    checker,
                    f64::MIN_POSITIVE,
                    "the metric per instance to hold, e.g. 60 for 60% CPU",
                ),
                tolerance: rule.tolerance.as_ref().map_or(0.1, |value| {
                    checker.number(
                        value,
                        "group.rule.tolerance",
                        0.0,
                        1.0,
                        "Kubernetes default 0.1",
                    )
                }),
                stabilization_window: rule.stabilization_window.map_or(300, |value| value.0),
                scale_up_percent: rule.scale_up_percent.as_ref().map_or(100.0, |value| {
                    checker.number(
                        value,
                        "group.rule.scale_up_percent",
                        0.0,
                        f64::INFINITY,
                        "Kubernetes default 100",
                    )
                }),
                scale_up_instances: rule.scale_up_instances.unwrap_or(4),
                scale_down_percent: rule.scale_down_percent.as_ref().map_or(100.0, |value| {
                    checker.number(
                        value,
                        "group.rule.scale_down_percent",
                        0.0,
                        100.0,
                        "Kubernetes default 100",
                    )
                }),
                policy_period: period(&rule.policy_period, "group.rule.policy_period", checker),
                sync_period: period(&rule.sync_period, "group.rule.sync_period", checker),
            })
        }
    }
}

/// Validates step intervals (AWS rules: no overlap, no gap, at most one open end each way)
/// and returns the steps with the adjustment type they share.
fn step_list(
    checker: &mut Checker,
    steps: &Spanned<Vec<wire::StepWire>>,
    min_magnitude: u32,
) -> (Vec<Step>, Option<Adjustment>) {
    let mut kind: Option<Adjustment> = None;
    let mut parsed = Vec::new();
    let fail = |checker: &mut Checker, message: String| {
        checker.error(steps.span(), "group.rule.steps", message, "steps are [lower, upper) intervals relative to the alarm threshold, sorted, touching, e.g. [{ upper = 0, change = -1 }, { lower = 0, upper = 10, change = 1 }, { lower = 10, change = 3 }]");
    };
    for step in steps.get_ref() {
        let (this, value) = match (step.change, step.change_percent, step.set) {
            (Some(change), None, None) => (Adjustment::Change(0), change as f64),
            (None, Some(percent), None) => (
                Adjustment::Percent {
                    percent: 0.0,
                    min_magnitude,
                },
                percent,
            ),
            (None, None, Some(set)) => (Adjustment::Exact(0), set as f64),
            _ => {
                fail(
                    checker,
                    "each step needs exactly one of `change`, `change_percent`, `set`".into(),
                );
                return (parsed, kind);
            }
        };
        if kind.is_some_and(|kind| std::mem::discriminant(&kind) != std::mem::discriminant(&this)) {
            fail(
                checker,
                "all steps of a rule use the same adjustment type".into(),
            );
            return (parsed, kind);
        }
        kind = Some(this);
        if let (Some(lower), Some(upper)) = (step.lower, step.upper)
            && lower >= upper
        {
            fail(
                checker,
                format!("step with lower {lower} is not below its upper {upper}"),
            );
        }
        parsed.push(Step {
            lower: step.lower,
            upper: step.upper,
            value,
        });
    }
    let mut sorted = parsed.clone();
    sorted.sort_by(|a, b| {
        a.lower
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&b.lower.unwrap_or(f64::NEG_INFINITY))
    });
    for pair in sorted.windows(2) {
        if pair[0].upper != pair[1].lower || pair[0].upper.is_none() {
            fail(checker, "steps overlap or leave a gap".into());
            break;
        }
    }
    if sorted.is_empty() {
        fail(checker, "a step rule needs at least one step".into());
    }
    (sorted, kind)
}

fn scheduled_task(
    checker: &mut Checker,
    task: &wire::Scheduled,
    rule_names: &[String],
    configuration_names: &[String],
    clock: &Clock,
    duration: Seconds,
    default_timezone: Tz,
) -> ScheduledTask {
    let name = task.name.get_ref();
    let end = task.end.and_then(|end| instant(clock, end));
    if task.end.is_some() && end.is_none() {
        checker.error(
            task.name.span(),
            "group.scheduled.end",
            format!("scheduled task `{name}` ends before the scenario starts"),
            "remove `end` or move it into the run",
        );
    }
    let problems_before = checker.problems.len();
    let recurrence = match (&task.cron, &task.at) {
        (Some(pattern), None) => {
            let timezone = task
                .timezone
                .as_ref()
                .map_or(default_timezone, |zone| timezone(checker, zone));
            let parser = CronParser::builder()
                .seconds(CronSeconds::Disallowed)
                .year(Year::Disallowed)
                .build();
            match parser.parse(pattern.get_ref()) {
                Ok(cron) => Recurrence::Cron {
                    cron: Box::new(cron),
                    pattern: pattern.get_ref().clone(),
                    timezone,
                },
                Err(error) => {
                    checker.error(pattern.span(), "group.scheduled.cron", format!("invalid cron `{}`: {error}", pattern.get_ref()), "five fields: minute hour day-of-month month day-of-week, e.g. \"0 11 * * *\"");
                    Recurrence::Once(0)
                }
            }
        }
        (None, Some(at)) => match instant(clock, *at.get_ref()) {
            Some(time) => Recurrence::Once(time),
            None => {
                checker.error(
                    at.span(),
                    "group.scheduled.at",
                    "one-off task is before the scenario start",
                    "use an offset such as \"1d11h\"",
                );
                Recurrence::Once(0)
            }
        },
        _ => {
            checker.error(
                task.name.span(),
                "group.scheduled",
                format!("scheduled task `{name}` needs exactly one of `cron` and `at`"),
                "cron = \"0 11 * * *\" repeats; at = \"1d11h\" fires once",
            );
            Recurrence::Once(0)
        }
    };
    if let Some(span) = task
        .cron
        .as_ref()
        .map(Spanned::span)
        .or(task.at.as_ref().map(Spanned::span))
        && checker.problems.len() == problems_before
    {
        let first = recurrence.next_after(clock, None);
        if first.is_none_or(|first| first >= duration || end.is_some_and(|end| first >= end)) {
            checker.error(
                span,
                "group.scheduled",
                format!("scheduled task `{name}` never fires during the run"),
                format!(
                    "the run covers {} from {}",
                    format_duration(duration),
                    clock.format(0)
                ),
            );
        }
    }
    // Every firing inside the run, precomputed.
    let mut fires = Vec::new();
    if checker.problems.len() == problems_before {
        let mut next = recurrence.next_after(clock, None);
        while let Some(time) =
            next.filter(|time| *time < duration && end.is_none_or(|end| *time < end))
        {
            if fires.len() == MAX_FIRINGS {
                checker.error(
                    task.name.span(),
                    "group.scheduled",
                    format!(
                        "scheduled task `{name}` fires more than {MAX_FIRINGS} times in the run"
                    ),
                    "use a sparser recurrence or a shorter run",
                );
                break;
            }
            fires.push(time);
            next = recurrence.next_after(clock, Some(time));
        }
    }
    let sets = task.min.is_some() || task.max.is_some() || task.desired.is_some();
    let action = match (&task.run, sets, &task.activate) {
        (None, false, Some(configuration)) => TaskAction::Activate(
            checker
                .reference(
                    configuration,
                    configuration_names,
                    "group.scheduled.activate",
                    "scaling configuration",
                )
                .unwrap_or(0),
        ),
        (Some(rule), false, None) => TaskAction::RunRule(
            checker
                .reference(rule, rule_names, "group.scheduled.run", "rule")
                .unwrap_or(0),
        ),
        (None, true, None) => {
            let min = task.min.as_ref().map(|value| *value.get_ref());
            if let (Some(min), Some(max)) = (min, task.max)
                && min > max
            {
                checker.error(
                    task.min.as_ref().map_or(0..0, Spanned::span),
                    "group.scheduled.min",
                    format!("min {min} is above max {max}"),
                    "min must be at most max",
                );
            }
            TaskAction::SetCapacity {
                min,
                max: task.max,
                desired: task.desired,
            }
        }
        _ => {
            checker.error(task.name.span(), "group.scheduled", format!("scheduled task `{name}` needs one of `run`, `activate`, or any of `min`, `max`, `desired`"), "run = \"add-two\", activate = \"new-image\", or desired = 4");
            TaskAction::SetCapacity {
                min: None,
                max: None,
                desired: None,
            }
        }
    };
    ScheduledTask {
        name: name.clone(),
        recurrence,
        end,
        action,
        launch_expiration: task.launch_expiration.map_or(600, |value| value.0),
        fires: std::sync::Arc::new(fires),
    }
}

fn alarm_task(
    checker: &mut Checker,
    alarm: &wire::Alarm,
    rule_names: &[String],
    metric_period: Seconds,
) -> AlarmTask {
    let period = alarm.period.as_ref().map_or(300, |value| value.get_ref().0);
    if let Some(value) = &alarm.period
        && (period == 0 || metric_period == 0 || !period.is_multiple_of(metric_period))
    {
        checker.error(
            value.span(),
            "group.alarm.period",
            format!(
                "alarm period {} is not a positive multiple of the metric period {}",
                format_duration(period),
                format_duration(metric_period)
            ),
            "clouds use 60s or 300s periods",
        );
    }
    let periods = alarm.periods.as_ref().map_or(3, |value| *value.get_ref());
    if let Some(value) = &alarm.periods
        && periods == 0
    {
        checker.error(
            value.span(),
            "group.alarm.periods",
            "an alarm needs at least 1 consecutive period",
            "ESS defaults to 3, Tencent allows 1 to 10",
        );
    }
    let comparisons = [
        (alarm.above, Comparison::Greater),
        (alarm.at_or_above, Comparison::GreaterOrEqual),
        (alarm.below, Comparison::Less),
        (alarm.at_or_below, Comparison::LessOrEqual),
    ];
    let given: Vec<(f64, Comparison)> = comparisons
        .iter()
        .filter_map(|(value, op)| value.map(|value| (value, *op)))
        .collect();
    if given.len() != 1 {
        checker.error(
            alarm.name.span(),
            "group.alarm",
            format!(
                "alarm `{}` needs exactly one of `above`, `at_or_above`, `below`, `at_or_below`",
                alarm.name.get_ref()
            ),
            "e.g. above = 80",
        );
    }
    let (threshold, comparison) = given.first().copied().unwrap_or((0.0, Comparison::Greater));
    AlarmTask {
        name: alarm.name.get_ref().clone(),
        metric: match alarm.metric {
            wire::MetricWire::Cpu => Metric::Cpu,
            wire::MetricWire::RequestsPerInstance => Metric::RequestsPerInstance,
            wire::MetricWire::RequestRate => Metric::RequestRate,
        },
        statistic: match alarm.statistic {
            wire::StatisticWire::Average => Statistic::Average,
            wire::StatisticWire::Maximum => Statistic::Maximum,
            wire::StatisticWire::Minimum => Statistic::Minimum,
        },
        period: period.max(1),
        periods: periods.max(1),
        comparison,
        threshold,
        rule: checker
            .reference(&alarm.run, rule_names, "group.alarm.run", "rule")
            .unwrap_or(0),
    }
}

/// Applies a policy's overrides to a copy of the file (uv-style layering: the policy wins
/// field by field; rules merge by name; scheduled and alarm lists are replaced).
pub fn apply_policy(checker: &mut Checker, file: &mut wire::File, policy: &wire::Policy) {
    let names: Vec<String> = file
        .group
        .get_ref()
        .iter()
        .map(|group| group.name.get_ref().clone())
        .collect();
    if let Some(budgets) = &policy.expect {
        let merged = file.expect.get_or_insert_with(Default::default);
        merged.max_cost = budgets.max_cost.clone().or(merged.max_cost.take());
        merged.max_instance_hours = budgets
            .max_instance_hours
            .clone()
            .or(merged.max_instance_hours.take());
        merged.max_sla_violation = budgets.max_sla_violation.or(merged.max_sla_violation);
        merged.max_unserved_requests = budgets
            .max_unserved_requests
            .clone()
            .or(merged.max_unserved_requests.take());
    }
    for change in &policy.group {
        let Some(index) = checker.reference(&change.name, &names, "policy.group.name", "group")
        else {
            continue;
        };
        let group = &mut file.group.get_mut()[index];
        // A policy's fleet replaces the group's whole fleet definition.
        if change.instance_type.is_some() || change.instance_types.is_some() {
            group.instance_type = change.instance_type.clone();
            group.instance_types = change.instance_types.clone();
            group.configuration.clear();
            group.active_configuration = None;
        }
        if let Some(mix) = &change.mix {
            group.mix = Some(mix.clone());
        }
        if let Some(health) = &change.health {
            group.health = Some(health.clone());
        }
        if let Some(min) = &change.min {
            group.min = min.clone();
        }
        if let Some(max) = &change.max {
            group.max = max.clone();
        }
        if let Some(policy) = change.removal_policy {
            group.removal_policy = policy;
        }
        // Optional in the group too: an override that is present wins.
        group.desired = change.desired.clone().or(group.desired.take());
        group.existing = change.existing.clone().or(group.existing.take());
        group.default_cooldown = change.default_cooldown.or(group.default_cooldown);
        group.load_share = change.load_share.clone().or(group.load_share.take());
        for rule in change.rule.iter().flatten() {
            match group
                .rule
                .iter_mut()
                .find(|existing| existing.name.get_ref() == rule.name.get_ref())
            {
                Some(existing) => *existing = rule.clone(),
                None => group.rule.push(rule.clone()),
            }
        }
        if let Some(scheduled) = &change.scheduled {
            group.scheduled = scheduled.clone();
        }
        if let Some(alarm) = &change.alarm {
            group.alarm = alarm.clone();
        }
    }
}

/// Policy names become folder names in `compare --out`: letters, digits, `-`, `_`, `+`, `.`,
/// not starting with a dot.
pub fn file_safe_name(checker: &mut Checker, name: &Spanned<String>, field: &str) {
    let text = name.get_ref();
    let safe = !text.is_empty()
        && !text.starts_with('.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c));
    if !safe {
        checker.error(
            name.span(),
            field,
            format!("`{text}` cannot be used as a policy name"),
            "use letters, digits, `-`, `_`, `+` and `.`, e.g. \"scheduled+alarm\"",
        );
    }
}

/// Validates the `[sweep]` grid against the scenario (or policy) it sweeps.
pub fn sweep(
    checker: &mut Checker,
    wire: &wire::SweepWire,
    base: &Scenario,
    policies: &[super::Policy],
) -> Option<crate::sweep::Sweep> {
    use crate::sweep::target::{Kind, Target, Value};
    use crate::sweep::{DEFAULT_MAX_POINTS, Parameter, SeedMode, Sweep};
    let start_problems = checker.problems.len();
    let scenario = match &wire.policy {
        None => base,
        Some(name) => {
            let names: Vec<String> = policies.iter().map(|policy| policy.name.clone()).collect();
            let index = checker.reference(name, &names, "sweep.policy", "policy")?;
            &policies[index].scenario
        }
    };
    let replications = wire
        .replications
        .as_ref()
        .map_or(1, |value| *value.get_ref());
    if let Some(value) = &wire.replications
        && !(1..=10_000).contains(&replications)
    {
        checker.error(
            value.span(),
            "sweep.replications",
            format!("{replications} replications"),
            "use 1 to 10000",
        );
    }
    let max_points = wire.max_points.unwrap_or(DEFAULT_MAX_POINTS);
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
            match (kind, value) {
                (Kind::Duration, toml::Value::String(text)) => {
                    crate::time::parse_duration(text).map(Value::Duration)
                }
                (Kind::Duration, other) => {
                    Err(format!("`{other}` is not a duration; write e.g. \"5m\""))
                }
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
            }
            .and_then(|value| match target.reject(value) {
                Some(why) => Err(format!(
                    "{} is not allowed for `{path}`: {why}",
                    value.to_toml()
                )),
                None => Ok(value),
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
                    let number = |value: Value| match value {
                        Value::Number(number) => number,
                        Value::Duration(seconds) => seconds as f64,
                    };
                    let (low, high, step) =
                        (number(from_value), number(to_value), number(step_value));
                    if step <= 0.0 || high < low {
                        return Err("a range needs from <= to and a positive step".to_string());
                    }
                    let count = ((high - low) / step + 1e-9).floor() as u64 + 1;
                    if count > max_points {
                        return Err(format!(
                            "the range has {count} values, more than max_points {max_points}"
                        ));
                    }
                    // Each value is from + i * step, never a running sum: no drift.
                    Ok((0..count)
                        .map(|index| {
                            let value = low + index as f64 * step;
                            match from_value {
                                Value::Number(_) => Value::Number((value * 1e9).round() / 1e9),
                                Value::Duration(_) => Value::Duration(value.round() as u64),
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
                        Kind::Integer => "whole numbers",
                        Kind::Number => "numbers",
                        Kind::Duration => "durations such as \"2m\"",
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
        policy: wire.policy.as_ref().map(|name| name.get_ref().clone()),
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
