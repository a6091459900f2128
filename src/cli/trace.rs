//! `scaleplan trace`: look at a trace before replaying it, and turn access logs into one.

use super::{Failure, print_stdout, write_atomic, write_files};
use crate::error::Diagnostic;
use crate::load::stats::{ProfileClock, stats};
use crate::load::trace::{
    self, DuplicatePolicy, GapPolicy, LogCounter, Source, TimeFormat, TraceFormat, ValueKind,
};
use crate::plot::{Chart, TimelineSeries, render_png, render_svg};
use crate::time::{Clock, parse_duration};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use chrono_tz::Tz;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `scaleplan trace ...`
#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Count the requests of a Common Log Format / nginx combined access log per bucket and
    /// write them as a CSV trace (counts per bucket).
    FromLog {
        /// The access logs, plain or gzip (`-` reads standard input); several files (rotated
        /// logs) are counted together, in any order.
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Bucket length, e.g. `60s`.
        #[arg(long, default_value = "60s")]
        bucket: String,
        /// Skip lines with no timestamp and count them (default: stop at the first one).
        #[arg(long)]
        skip_bad_lines: bool,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Totals, rate percentiles, peak-to-median and the daily profile of a trace.
    Stats {
        #[command(flatten)]
        input: TraceInput,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Draw a trace (SVG and PNG).
    Plot {
        #[command(flatten)]
        input: TraceInput,
        /// Directory for trace.svg and trace.png.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    AccessLog,
    Prometheus,
    Cloudwatch,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Count,
    Rate,
}

/// Which file and how to read it (the `[load.trace]` settings as flags).
#[derive(Debug, Args)]
pub struct TraceInput {
    /// The trace file (`-` reads standard input).
    file: PathBuf,
    /// Its format.
    #[arg(long, value_enum, default_value = "csv")]
    format: FormatArg,
    /// CSV: the time column (offsets, epoch seconds or RFC 3339); by default the first column
    /// named time, timestamp, timestamp_utc, timestamp_local, ts, datetime, date,
    /// offset_seconds or offset, else the first column if it holds date-times; with none,
    /// rows are consecutive buckets of --step.
    #[arg(long)]
    time_column: Option<String>,
    /// CSV: the value column; by default the first named requests, count, value, rps or rate,
    /// else the only other column.
    #[arg(long)]
    value_column: Option<String>,
    /// Whether values are counts per bucket or rates (default: CSV as its value column's name
    /// says, `requests`/`count` or `rps`/`rate`; count for logs; rate for Prometheus and
    /// CloudWatch).
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Bucket length (CSV without a time column; access logs).
    #[arg(long)]
    step: Option<String>,
    /// Fill gaps with zero instead of stopping.
    #[arg(long)]
    fill_gaps: bool,
    /// Sum duplicate rows and sort out-of-order ones instead of stopping.
    #[arg(long)]
    repair: bool,
    /// Access logs: skip lines with no timestamp and count them instead of stopping.
    #[arg(long)]
    skip_bad_lines: bool,
    /// Show times and the daily profile in this IANA zone (e.g. `Asia/Shanghai`); by default
    /// in the file's own UTC offsets (UTC for epoch seconds).
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
}

impl TraceInput {
    fn format(&self) -> Result<TraceFormat, Failure> {
        let step = self
            .step
            .as_deref()
            .map(parse_duration)
            .transpose()
            .map_err(|message| Failure::Usage(format!("bad --step: {message}")))?;
        let source = match self.format {
            FormatArg::Csv => Source::Csv {
                time_column: self.time_column.clone(),
                value_column: self.value_column.clone().unwrap_or_default(),
            },
            FormatArg::AccessLog => Source::AccessLog {
                bucket: step.unwrap_or(60),
                skip_bad_lines: self.skip_bad_lines,
            },
            FormatArg::Prometheus => Source::Prometheus,
            FormatArg::Cloudwatch => Source::CloudWatch { id: None },
        };
        let kind = match (self.kind, self.format) {
            (Some(KindArg::Count), _) | (None, FormatArg::AccessLog) => ValueKind::Count,
            (None, FormatArg::Csv) => ValueKind::FromColumnName,
            _ => ValueKind::Rate,
        };
        Ok(TraceFormat {
            source,
            kind,
            step,
            time: TimeFormat::Auto,
            gaps: if self.fill_gaps {
                GapPolicy::Zero
            } else {
                GapPolicy::Error
            },
            duplicates: if self.repair {
                DuplicatePolicy::Sum
            } else {
                DuplicatePolicy::Error
            },
            sort: self.repair,
        })
    }

    /// The zone `--timezone` names, if any.
    fn zone(&self) -> Result<Option<Tz>, Failure> {
        self.timezone.as_deref().map(parse_zone).transpose()
    }

    /// The trace and the zone to show it in: a zone is refused for a trace of offsets, whose
    /// times have no calendar to convert (its hours would silently be 1970's).
    fn read_in_zone(&self) -> Result<(trace::Trace, Option<Tz>), Failure> {
        let zone = self.zone()?;
        let parsed = self.read()?;
        if zone.is_some() && parsed.times == trace::FileTimes::Offsets {
            return Err(Failure::Usage(format!(
                "--timezone has nothing to convert: `{}` holds offsets from its first row, not dates (its daily profile counts hours from the first row)",
                self.file.display()
            )));
        }
        Ok((parsed, zone))
    }

    /// The trace, on a calendar starting at the Unix epoch so absolute times keep their dates.
    fn read(&self) -> Result<trace::Trace, Failure> {
        let format = self.format()?;
        if self.skip_bad_lines && !matches!(format.source, Source::AccessLog { .. }) {
            return Err(Failure::Usage(
                "--skip-bad-lines applies to access logs: add --format access-log".into(),
            ));
        }
        let (label, input) = super::open_input(&self.file, "trace")?;
        let mut parsed = trace::parse(&label, input, &format, &epoch())
            .map_err(|diagnostic| Failure::from(in_flags(diagnostic)))?;
        // Outside a scenario there is no run start to lay offsets at.
        parsed
            .notes
            .retain(|note| !note.starts_with("the trace's times are offsets"));
        Ok(parsed)
    }
}

/// The Unix epoch, the calendar `trace` commands read absolute times on.
fn epoch() -> Clock {
    Clock::new(DateTime::parse_from_rfc3339("1970-01-01T00:00:00Z").expect("valid"))
}

/// An IANA zone name, or a usage error with the closest name.
fn parse_zone(name: &str) -> Result<Tz, Failure> {
    name.parse::<Tz>().map_err(|_| {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name());
        Failure::Usage(match crate::error::did_you_mean(name, names) {
            Some(close) => format!("bad --timezone: `{name}` is not an IANA zone; did you mean `{close}`?"),
            None => format!(
                "bad --timezone: `{name}` is not an IANA zone (e.g. `Asia/Shanghai`, `America/Los_Angeles`, `UTC`)"
            ),
        })
    })
}

/// The trace settings a reader's hints name, and the `trace` flags that set them: at the
/// command line a hint names the flag, in a scenario the key.
const SETTING_FLAGS: &[(&str, &str)] = &[
    (
        "set `gaps = \"zero\"` or `\"hold\"` in the trace settings",
        "pass --fill-gaps",
    ),
    ("set `duplicates = \"sum\"` or `\"last\"`", "pass --repair"),
    (
        "set `order = \"sort\"` in the trace settings",
        "pass --repair",
    ),
    (
        "set `step` in the trace settings (e.g. step = \"60s\")",
        "pass --step, e.g. --step 60s",
    ),
    (
        "`value_column` in a scenario, `--value-column` for `trace`",
        "--value-column",
    ),
    (
        "kind = \"count\" or \"rate\" in a scenario, --kind count or --kind rate for `trace`",
        "--kind count or --kind rate",
    ),
    (
        "set `skip_bad_lines = true` in the trace settings",
        "pass --skip-bad-lines",
    ),
];

/// `diagnostic` with its hint in the command line's words.
fn in_flags(mut diagnostic: Diagnostic) -> Diagnostic {
    if let Some(hint) = &mut diagnostic.hint {
        for (key, flag) in SETTING_FLAGS {
            *hint = hint.replace(key, flag);
        }
    }
    diagnostic
}

pub fn run(command: &TraceCommand) -> Result<ExitCode, Failure> {
    match command {
        TraceCommand::FromLog {
            logs,
            bucket,
            skip_bad_lines,
            out,
        } => from_log(logs, bucket, *skip_bad_lines, out.as_deref()),
        TraceCommand::Stats { input, json } => {
            let (parsed, zone) = input.read_in_zone()?;
            let clock = zone.map_or(ProfileClock::File, ProfileClock::Zone);
            let summary = stats(&parsed, 0, clock);
            let text = if *json {
                let mut text = serde_json::to_string_pretty(&summary).expect("stats serialize");
                text.push('\n');
                text
            } else {
                let profile: Vec<String> = summary
                    .daily_profile_rps
                    .iter()
                    .enumerate()
                    .map(|(hour, rate)| format!("{hour:02}h {rate:.2}"))
                    .collect();
                format!(
                    "{}: {} buckets of {} s ({}), {} requests\nrate (req/s): mean {:.3}, p50 {:.3}, p90 {:.3}, p99 {:.3}, peak {:.3}; peak-to-median {}\ndaily profile (mean req/s by hour, {}): {}\n",
                    input.file.display(),
                    summary.buckets,
                    summary.step_seconds,
                    crate::time::format_duration(summary.duration_seconds),
                    crate::number::trim_float(summary.total_requests),
                    summary.mean_rps,
                    summary.p50_rps,
                    summary.p90_rps,
                    summary.p99_rps,
                    summary.peak_rps,
                    summary
                        .peak_to_median
                        .map_or("-".into(), |ratio| format!("{ratio:.2}")),
                    summary.profile_clock,
                    profile.join(", ")
                )
            };
            // Notes go to stderr, as `run` prints them: stdout stays valid JSON with --json.
            for note in &parsed.notes {
                eprintln!("note: {note}");
            }
            print_stdout(&text);
            Ok(super::Exit::Success.into())
        }
        TraceCommand::Plot { input, out } => {
            let (parsed, zone) = input.read_in_zone()?;
            let name = input
                .file
                .file_name()
                .map_or("trace".into(), |name| name.to_string_lossy().into_owned());
            let len = parsed.rates.len();
            if len == 0 {
                return Err(Failure::Usage("the trace has no values to draw".into()));
            }
            let periods = crate::plot::Periods {
                times: (0..len)
                    .map(|index| {
                        let time = parsed.start + (index as u64 * parsed.step) as i64;
                        local_time(&parsed, time, zone)
                    })
                    .collect(),
                load: parsed.rates.clone(),
                capacity: vec![0.0; len],
                pending: vec![0; len],
                violation: vec![0.0; len],
            };
            let series = TimelineSeries::new(
                &name,
                periods,
                vec![],
                zone.map(|zone| zone.name().to_string()),
            );
            let chart = Chart::Load(&series);
            let failed = |error: crate::plot::RenderError| {
                Failure::Io(format!("cannot draw the trace: {error}"))
            };
            let files = vec![
                (
                    PathBuf::from("trace.svg"),
                    render_svg(chart).map_err(failed)?.into_bytes(),
                ),
                (
                    PathBuf::from("trace.png"),
                    render_png(chart).map_err(failed)?,
                ),
            ];
            write_files(out, files)?;
            print_stdout(&format!(
                "wrote {} and {}\n",
                out.join("trace.svg").display(),
                out.join("trace.png").display()
            ));
            Ok(super::Exit::Success.into())
        }
    }
}

/// The instant `time` seconds after the epoch, in `zone` or else in the offset the file
/// writes then (UTC for epoch seconds and offsets).
fn local_time(trace: &trace::Trace, time: i64, zone: Option<Tz>) -> DateTime<FixedOffset> {
    let utc = DateTime::from_timestamp(time, 0).unwrap_or_default();
    match zone {
        Some(zone) => utc.with_timezone(&zone).fixed_offset(),
        None => utc.with_timezone(
            &trace
                .times
                .offset_at(time)
                .unwrap_or(FixedOffset::east_opt(0).expect("valid")),
        ),
    }
}

fn from_log(
    logs: &[PathBuf],
    bucket: &str,
    skip_bad_lines: bool,
    out: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let bucket = parse_duration(bucket)
        .map_err(|message| Failure::Usage(format!("bad --bucket: {message}")))?;
    if bucket == 0 {
        return Err(Failure::Usage(
            "bad --bucket: a bucket must be at least 1s, e.g. 60s".into(),
        ));
    }
    let format = TraceFormat {
        source: Source::AccessLog {
            bucket,
            skip_bad_lines,
        },
        kind: ValueKind::Count,
        step: Some(bucket),
        time: TimeFormat::Auto,
        gaps: GapPolicy::Zero,
        duplicates: DuplicatePolicy::Sum,
        sort: true,
    };
    let mut counter = LogCounter::new(bucket, skip_bad_lines);
    let mut labels = Vec::new();
    for log in logs {
        let (label, input) = super::open_input(log, "log")?;
        counter
            .read(&label, input)
            .map_err(|diagnostic| Failure::from(in_flags(diagnostic)))?;
        labels.push(label);
    }
    let parsed = trace::from_logs(&labels.join(", "), counter, &format, &epoch())?;
    for note in &parsed.notes {
        eprintln!("note: {note}");
    }
    // Each bucket in the offset the server wrote it in: a +08:00 log's lunch stays at noon.
    let mut csv = Vec::with_capacity(parsed.rates.len() * 48);
    csv.extend_from_slice(b"timestamp,offset_seconds,requests\n");
    for (index, rate) in parsed.rates.iter().enumerate() {
        let offset = index as u64 * parsed.step;
        let at = local_time(&parsed, parsed.start + offset as i64, None);
        writeln!(
            csv,
            "{},{offset},{}",
            at.to_rfc3339_opts(SecondsFormat::Secs, true),
            crate::number::trim_float(rate * parsed.step as f64)
        )
        .expect("writing to memory");
    }
    match out {
        Some(path) => {
            write_atomic(path, &csv)?;
            print_stdout(&format!(
                "{} bucket(s) of {bucket} s -> {}\n",
                parsed.rates.len(),
                path.display()
            ));
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&csv).and_then(|_| stdout.flush());
        }
    }
    Ok(super::Exit::Success.into())
}
