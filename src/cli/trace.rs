//! `scaleplan trace`: look at a trace before replaying it, and turn access logs into one.

use super::{Failure, print_stdout, write_atomic, write_files};
use crate::error::Diagnostic;
use crate::load::stats::stats;
use crate::load::trace::{
    self, DuplicatePolicy, GapPolicy, Source, TimeFormat, TraceFormat, ValueKind,
};
use crate::plot::{Chart, TimelineSeries, render_png, render_svg};
use crate::time::{Clock, parse_duration};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `scaleplan trace ...`
#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Count the requests of a Common Log Format / nginx combined access log per bucket and
    /// write them as a CSV trace (counts per bucket).
    FromLog {
        /// The access log.
        log: PathBuf,
        /// Bucket length, e.g. `60s`.
        #[arg(long, default_value = "60s")]
        bucket: String,
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
    /// The trace file.
    file: PathBuf,
    /// Its format.
    #[arg(long, value_enum, default_value = "csv")]
    format: FormatArg,
    /// CSV: the time column (offsets, epoch seconds or RFC 3339); by default the first column
    /// named time, timestamp, timestamp_utc, timestamp_local, ts, datetime, date,
    /// offset_seconds or offset, and consecutive rows when there is none.
    #[arg(long)]
    time_column: Option<String>,
    /// CSV: the value column; by default the first named requests, count, value, rps or rate.
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

    /// The trace, on a calendar starting at the Unix epoch so absolute times keep their dates.
    fn read(&self) -> Result<(trace::Trace, DateTime<FixedOffset>), Failure> {
        let label = self.file.display().to_string();
        let file = std::fs::File::open(&self.file).map_err(|error| {
            Failure::from(Diagnostic::file(
                &label,
                format!("cannot read trace: {error}"),
            ))
        })?;
        let epoch = DateTime::parse_from_rfc3339("1970-01-01T00:00:00Z").expect("valid");
        let mut parsed = trace::parse(&label, file, &self.format()?, &Clock { start: epoch })
            .map_err(|diagnostic| Failure::from(in_flags(diagnostic)))?;
        // Outside a scenario there is no run start to lay offsets at.
        parsed
            .notes
            .retain(|note| !note.starts_with("the trace's times are offsets"));
        Ok((parsed, epoch))
    }
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
        TraceCommand::FromLog { log, bucket, out } => from_log(log, bucket, out.as_deref()),
        TraceCommand::Stats { input, json } => {
            let (parsed, _) = input.read()?;
            let summary = stats(&parsed, 0);
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
                    "{}: {} buckets of {} s ({}), {} requests\nrate (req/s): mean {:.3}, p50 {:.3}, p90 {:.3}, p99 {:.3}, peak {:.3}; peak-to-median {}\ndaily profile (mean req/s by hour, UTC for absolute times): {}\n",
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
                    profile.join(", ")
                )
            };
            // Notes go to stderr, as `run` prints them: stdout stays valid JSON with --json.
            for note in &parsed.notes {
                eprintln!("note: {note}");
            }
            print_stdout(&text);
            Ok(ExitCode::SUCCESS)
        }
        TraceCommand::Plot { input, out } => {
            let (parsed, epoch) = input.read()?;
            let name = input
                .file
                .file_name()
                .map_or("trace".into(), |name| name.to_string_lossy().into_owned());
            let series = TimelineSeries {
                policy: name,
                times: (0..parsed.rates.len())
                    .map(|index| {
                        epoch
                            + chrono::TimeDelta::seconds(
                                parsed.start + (index as u64 * parsed.step) as i64,
                            )
                    })
                    .collect(),
                load: parsed.rates.clone(),
                capacity: vec![0.0; parsed.rates.len()],
                pending: vec![0; parsed.rates.len()],
                violation: vec![false; parsed.rates.len()],
                activities: vec![],
            };
            let chart = Chart::Load(&series);
            let failed = |error: String| Failure::Io(format!("cannot draw the trace: {error}"));
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
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn from_log(log: &Path, bucket: &str, out: Option<&Path>) -> Result<ExitCode, Failure> {
    let bucket = parse_duration(bucket)
        .map_err(|message| Failure::Usage(format!("bad --bucket: {message}")))?;
    if bucket == 0 {
        return Err(Failure::Usage(
            "bad --bucket: a bucket must be at least 1s, e.g. 60s".into(),
        ));
    }
    let label = log.display().to_string();
    let file = std::fs::File::open(log).map_err(|error| {
        Failure::from(Diagnostic::file(
            &label,
            format!("cannot read log: {error}"),
        ))
    })?;
    let epoch = DateTime::parse_from_rfc3339("1970-01-01T00:00:00Z").expect("valid");
    let format = TraceFormat {
        source: Source::AccessLog { bucket },
        kind: ValueKind::Count,
        step: Some(bucket),
        time: TimeFormat::Auto,
        gaps: GapPolicy::Zero,
        duplicates: DuplicatePolicy::Sum,
        sort: true,
    };
    let parsed = trace::parse(&label, file, &format, &Clock { start: epoch })?;
    let mut csv = String::from("timestamp_utc,offset_seconds,requests\n");
    for (index, rate) in parsed.rates.iter().enumerate() {
        let offset = index as u64 * parsed.step;
        let at = epoch + chrono::TimeDelta::seconds(parsed.start + offset as i64);
        csv.push_str(&format!(
            "{},{offset},{}\n",
            at.to_rfc3339_opts(SecondsFormat::Secs, true),
            crate::number::trim_float(rate * parsed.step as f64)
        ));
    }
    match out {
        Some(path) => {
            write_atomic(path, csv.as_bytes())?;
            print_stdout(&format!(
                "{} bucket(s) of {bucket} s -> {}\n",
                parsed.rates.len(),
                path.display()
            ));
        }
        None => print_stdout(&csv),
    }
    Ok(ExitCode::SUCCESS)
}
