//! The `[load]` table (and a group's own `[group.load]`): synthetic shapes and traces.

use super::*;

/// The reading settings of `[load.trace]`; keys that do not fit the format are errors.
fn trace_format(checker: &mut Checker, trace: &wire::TraceWire) -> TraceFormat {
    use wire::TraceSourceWire as Format;
    let span = trace.path.span();
    let source = match trace.format {
        // Unnamed columns are found by name in the file (load::trace::TIME_COLUMNS and
        // VALUE_COLUMNS), and the run's notes say which were used.
        Format::Csv => Source::Csv {
            time_column: trace.time_column.clone(),
            value_column: trace.value_column.clone().unwrap_or_default(),
        },
        Format::AccessLog => Source::AccessLog {
            bucket: trace.bucket.map_or(60, |value| value.0).max(1),
            skip_bad_lines: trace.skip_bad_lines.unwrap_or(false),
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
            "skip_bad_lines",
            trace.skip_bad_lines.is_some() && trace.format != Format::AccessLog,
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
            "csv takes time_column / value_column, access_log takes bucket and skip_bad_lines, cloudwatch takes id",
        );
    }
    let kind = match (trace.format, trace.kind) {
        (Format::AccessLog, _) => ValueKind::Count,
        (_, Some(wire::TraceKindWire::Count)) => ValueKind::Count,
        (_, Some(wire::TraceKindWire::Rate)) => ValueKind::Rate,
        (Format::Csv, None) => ValueKind::FromColumnName,
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

pub(super) fn load_spec(
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
        (None, Some(trace)) if trace.path.get_ref().trim().is_empty() => {
            checker.error(
                trace.path.span(),
                "load.trace.path",
                "the trace path is empty",
                "name the trace file, relative to the scenario, e.g. path = \"traces/week.csv\"",
            );
            None?
        }
        (None, Some(trace)) => {
            let format = trace_format(checker, trace);
            match read_trace(trace.path.get_ref(), &format, clock) {
                Ok(mut parsed) => {
                    let (first, end) = (parsed.start, parsed.end());
                    if first > 0 || end < duration as i64 {
                        let at = |offset: i64| {
                            (clock.start + chrono::TimeDelta::seconds(offset))
                                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        };
                        let signed = |offset: i64| {
                            let sign = if offset < 0 { '-' } else { '+' };
                            format!("{sign}{}", format_duration(offset.unsigned_abs()))
                        };
                        checker.error(
                            trace.path.span(),
                            "load.trace.path",
                            format!(
                                "the trace covers {} to {} ({} to {} from the run's start), but the run needs {} to {}",
                                at(parsed.span.0),
                                at(parsed.span.1),
                                signed(parsed.span.0),
                                signed(parsed.span.1),
                                at(0),
                                at(duration as i64)
                            ),
                            "shorten `scenario.duration` or move `scenario.start` into the trace",
                        );
                    } else if first < 0 {
                        parsed.notes.push(format!(
                            "the run starts {} into a trace bucket of {}: each metric period takes its overlapping share of every bucket, so the requests replayed equal the trace's over the same span",
                            format_duration(first.unsigned_abs()),
                            format_duration(parsed.step)
                        ));
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
            shape: growth.shape,
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
