//! `scaleplan import aws|tencent|alibaba`: a scenario from an existing scaling group.

use super::{Failure, print_stdout, write_atomic};
use crate::error::{Diagnostic, Diagnostics};
use crate::import::{self, ImportError, ImportSettings, Imported};
use clap::{Args, Subcommand};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `scaleplan import ...`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// From `aws autoscaling describe-auto-scaling-groups` (+ `describe-policies`,
    /// `describe-scheduled-actions`, `aws cloudwatch describe-alarms`) JSON.
    Aws(AwsArgs),
    /// From `tccli as DescribeAutoScalingGroups` (+ `DescribeLaunchConfigurations`,
    /// `DescribeScalingPolicies`, `DescribeScheduledActions`) JSON, with or without the API's
    /// `Response` wrapper.
    Tencent(TencentArgs),
    /// From `aliyun ess DescribeScalingGroups` (+ `DescribeScalingConfigurations`,
    /// `DescribeScalingRules`, `DescribeScheduledTasks`, `DescribeAlarms`) JSON, API version
    /// 2014-08-28 or 2022-02-22.
    Alibaba(AlibabaArgs),
}

/// Arguments of `scaleplan import aws`.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// `aws autoscaling describe-auto-scaling-groups` output.
    #[arg(long, value_name = "FILE")]
    groups: PathBuf,
    /// `aws autoscaling describe-policies` output.
    #[arg(long, value_name = "FILE")]
    policies: Option<PathBuf>,
    /// `aws autoscaling describe-scheduled-actions` output.
    #[arg(long, value_name = "FILE")]
    scheduled: Option<PathBuf>,
    /// `aws cloudwatch describe-alarms` output, for the alarms that run simple and step policies.
    #[arg(long, value_name = "FILE")]
    alarms: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Arguments of `scaleplan import tencent`.
#[derive(Debug, Args)]
pub struct TencentArgs {
    /// `tccli as DescribeAutoScalingGroups` output.
    #[arg(long, value_name = "FILE")]
    groups: PathBuf,
    /// `tccli as DescribeLaunchConfigurations` output (instance types and billing).
    #[arg(long, value_name = "FILE")]
    configurations: Option<PathBuf>,
    /// `tccli as DescribeScalingPolicies` output (each alarm policy embeds its alarm).
    #[arg(long, value_name = "FILE")]
    policies: Option<PathBuf>,
    /// `tccli as DescribeScheduledActions` output.
    #[arg(long, value_name = "FILE")]
    scheduled: Option<PathBuf>,
    /// `tccli monitor DescribeAlarmPolicies` output: Cloud Monitor alarm policies whose
    /// trigger tasks run scaling policies.
    #[arg(long, value_name = "FILE")]
    alarms: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Arguments of `scaleplan import alibaba`.
#[derive(Debug, Args)]
pub struct AlibabaArgs {
    /// `aliyun ess DescribeScalingGroups` output.
    #[arg(long, value_name = "FILE")]
    groups: PathBuf,
    /// `aliyun ess DescribeScalingConfigurations` output (instance types and billing).
    #[arg(long, value_name = "FILE")]
    configurations: Option<PathBuf>,
    /// `aliyun ess DescribeScalingRules` output.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// `aliyun ess DescribeScheduledTasks` output.
    #[arg(long, value_name = "FILE")]
    scheduled: Option<PathBuf>,
    /// `aliyun ess DescribeAlarms` output, for the alarm tasks that run rules.
    #[arg(long, value_name = "FILE")]
    alarms: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// What every import takes besides its documents.
#[derive(Debug, Args)]
struct CommonArgs {
    /// Import only this group, by name (repeatable; default: every group).
    #[arg(long = "group", id = "group", value_name = "NAME")]
    group: Vec<String>,
    /// A CSV load trace (time, requests) for the scenario's `[load.trace]`.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Write the scenario here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Start of the simulated run (default: the start of --trace, else
    /// 2026-01-05T00:00:00Z).
    #[arg(long)]
    start: Option<String>,
    /// Simulated span (default: to the end of --trace, in whole minutes, else 7d).
    #[arg(long)]
    duration: Option<String>,
    /// Requests per second one instance serves at 100% CPU (not in any cloud's output;
    /// without it 100 is written and listed in `[scenario] assumed`).
    #[arg(long)]
    capacity_rps: Option<f64>,
    /// Price per instance-hour (not in any cloud's output; without it 0.1 is written and
    /// listed as assumed).
    #[arg(long)]
    price_per_hour: Option<f64>,
    /// A constant load to start from, requests per second, without --trace (without it 100
    /// is written and listed as assumed).
    #[arg(long)]
    base_rps: Option<f64>,
    /// Seconds from launch to in service, e.g. `3m` (in no cloud's output; without it AWS's
    /// `DefaultInstanceWarmup` is used where the group has one, else 0 s listed as assumed).
    #[arg(long, value_name = "DURATION")]
    boot_time: Option<String>,
    /// Import values scaleplan does not know (an enum value the cloud does not document),
    /// each written as what the scenario lists it assumed to mean, instead of refusing them.
    #[arg(long)]
    lenient: bool,
}

fn read_json(path: &Path, cli: &str) -> Result<Value, Failure> {
    let label = path.display().to_string();
    let text = crate::input::read_text(path, &label, "JSON", crate::input::MAX_JSON_BYTES)?;
    serde_json::from_str(&text).map_err(|error| {
        let mut diagnostic = Diagnostic::file(&label, format!("invalid JSON: {error}"))
            .with_hint(format!("pass the JSON {cli} prints"));
        diagnostic.line = error.line();
        diagnostic.column = error.column();
        Failure::from(diagnostic)
    })
}

/// The documents given: (the list key their paths start with, file, JSON).
type Documents = Vec<(&'static str, PathBuf, Value)>;

fn read_all(files: &[(&'static str, Option<&PathBuf>)], cli: &str) -> Result<Documents, Failure> {
    files
        .iter()
        .filter_map(|(root, path)| path.map(|path| (*root, path)))
        .map(|(root, path)| Ok((root, path.clone(), read_json(path, cli)?)))
        .collect()
}

fn find<'a>(documents: &'a Documents, root: &str) -> Option<&'a Value> {
    documents
        .iter()
        .find(|(key, _, _)| *key == root)
        .map(|(_, _, value)| value)
}

/// The run's start and duration: as given, else the span of `--trace` (its first bucket's
/// start, in the file's own offset, to its end in whole minutes), else a week from
/// 2026-01-05. A trace without a calendar (offsets from its first row) gives no span.
fn run_span(common: &CommonArgs) -> Result<(String, String), Failure> {
    use crate::load::trace::{self, FileTimes, TraceFormat, ValueKind};
    const START: &str = "2026-01-05T00:00:00Z";
    const DURATION: &str = "7d";
    let span = match (&common.trace, &common.start, &common.duration) {
        (Some(path), None, _) | (Some(path), _, None) => {
            let reference = chrono::DateTime::parse_from_rfc3339(START).expect("a valid default");
            let clock = crate::time::Clock::new(reference);
            let format = TraceFormat::csv(None, "", ValueKind::FromColumnName);
            let (label, input) = super::open_input(path, "trace")?;
            let parsed = trace::parse(&label, input, &format, &clock)?;
            (parsed.times != FileTimes::Offsets).then(|| {
                let (from, to) = parsed.span;
                let at = |offset: i64| reference + chrono::TimeDelta::seconds(offset);
                let start = match parsed.times.offset_at(from) {
                    Some(zone) => at(from).with_timezone(&zone),
                    None => at(from),
                };
                (start, at(to))
            })
        }
        _ => None,
    };
    let start = match (&common.start, &span) {
        (Some(start), _) => start.clone(),
        (None, Some((first, _))) => first.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (None, None) => START.to_string(),
    };
    let duration = match (&common.duration, &span) {
        (Some(duration), _) => duration.clone(),
        (None, Some((_, end))) => match chrono::DateTime::parse_from_rfc3339(&start) {
            Ok(begin) if *end > begin => {
                let minutes = (*end - begin).num_seconds() / 60;
                crate::time::format_duration(minutes.max(1) as u64 * 60)
            }
            _ => DURATION.to_string(),
        },
        (None, None) => DURATION.to_string(),
    };
    Ok((start, duration))
}

pub fn run(command: &ImportCommand) -> Result<ExitCode, Failure> {
    let (common, groups_file, documents) = match command {
        ImportCommand::Aws(args) => (
            &args.common,
            &args.groups,
            read_all(
                &[
                    ("AutoScalingGroups", Some(&args.groups)),
                    ("ScalingPolicies", args.policies.as_ref()),
                    ("ScheduledUpdateGroupActions", args.scheduled.as_ref()),
                    ("MetricAlarms", args.alarms.as_ref()),
                ],
                "the AWS CLI (--output json)",
            )?,
        ),
        ImportCommand::Tencent(args) => (
            &args.common,
            &args.groups,
            read_all(
                &[
                    ("AutoScalingGroupSet", Some(&args.groups)),
                    ("LaunchConfigurationSet", args.configurations.as_ref()),
                    ("ScalingPolicySet", args.policies.as_ref()),
                    ("ScheduledActionSet", args.scheduled.as_ref()),
                    ("Policies", args.alarms.as_ref()),
                ],
                "tccli",
            )?,
        ),
        ImportCommand::Alibaba(args) => (
            &args.common,
            &args.groups,
            read_all(
                &[
                    ("ScalingGroups", Some(&args.groups)),
                    ("ScalingConfigurations", args.configurations.as_ref()),
                    ("ScalingRules", args.rules.as_ref()),
                    ("ScheduledTasks", args.scheduled.as_ref()),
                    ("AlarmList", args.alarms.as_ref()),
                ],
                "the aliyun CLI",
            )?,
        ),
    };
    let base = common
        .out
        .as_ref()
        .and_then(|out| out.parent())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let boot_time = (common.boot_time.as_deref())
        .map(|text| {
            crate::time::parse_duration(text)
                .map_err(|error| Failure::Usage(format!("bad --boot-time `{text}`: {error}")))
        })
        .transpose()?;
    let (start, duration) = run_span(common)?;
    let settings = ImportSettings {
        start,
        duration,
        capacity_rps: common.capacity_rps,
        price_per_hour: common.price_per_hour,
        base_rps: common.base_rps,
        boot_time,
        lenient: common.lenient,
        groups: common.group.clone(),
        trace: common.trace.as_ref().map(|trace| relative_to(trace, &base)),
    };
    let imported: Result<Imported, ImportError> = match command {
        ImportCommand::Aws(_) => import::aws::import(
            import::aws::Documents {
                groups: find(&documents, "AutoScalingGroups").unwrap(),
                policies: find(&documents, "ScalingPolicies"),
                scheduled: find(&documents, "ScheduledUpdateGroupActions"),
                alarms: find(&documents, "MetricAlarms"),
            },
            &settings,
        ),
        ImportCommand::Tencent(_) => import::tencent::import(
            import::tencent::Documents {
                groups: find(&documents, "AutoScalingGroupSet").unwrap(),
                configurations: find(&documents, "LaunchConfigurationSet"),
                policies: find(&documents, "ScalingPolicySet"),
                scheduled: find(&documents, "ScheduledActionSet"),
                alarms: find(&documents, "Policies"),
            },
            &settings,
        ),
        ImportCommand::Alibaba(_) => import::alibaba::import(
            import::alibaba::Documents {
                groups: find(&documents, "ScalingGroups").unwrap(),
                configurations: find(&documents, "ScalingConfigurations"),
                rules: find(&documents, "ScalingRules"),
                scheduled: find(&documents, "ScheduledTasks"),
                alarms: find(&documents, "AlarmList"),
            },
            &settings,
        ),
    };
    // Named against the file it is about, not the groups file.
    let imported = imported.map_err(|error| {
        let file = (documents.iter())
            .find(|(key, _, _)| *key == error.document)
            .map_or(groups_file, |(_, path, _)| path);
        Failure::from(Diagnostic::file(&file.display().to_string(), error.message))
    })?;
    // The result must be a valid scenario: check it as `validate` would.
    let label = common
        .out
        .as_ref()
        .map_or("imported.toml".to_string(), |path| {
            path.display().to_string()
        });
    crate::scenario::load_str(&label, &imported.toml, &base).map_err(|diagnostics| {
        Failure::Input(to_json_places(diagnostics, &imported.toml, &documents))
    })?;
    let listed = imported.listed();
    for line in &listed {
        eprintln!("note: {line}");
    }
    match &common.out {
        Some(path) => {
            write_atomic(path, imported.toml.as_bytes())?;
            print_stdout(&format!(
                "wrote {} ({} item(s) not imported exactly, listed in the file)\n",
                path.display(),
                listed.len()
            ));
        }
        None => print_stdout(&imported.toml),
    }
    Ok(super::Exit::Success.into())
}

/// `path` as the scenario in `base` should name it: relative when `path` is under `base`
/// (or both are relative), else absolute.
fn relative_to(path: &Path, base: &Path) -> String {
    crate::scenario::write::relative(path, base)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Points the diagnostics of the generated scenario back at the JSON the user gave: each
/// converted line ends with a `# AutoScalingGroups[0].MinSize` comment naming its source.
fn to_json_places(diagnostics: Diagnostics, generated: &str, documents: &Documents) -> Diagnostics {
    let lines: Vec<&str> = generated.lines().collect();
    Diagnostics(
        diagnostics
            .0
            .into_iter()
            .map(|diagnostic| {
                let source = (diagnostic.line > 0)
                    .then(|| lines.get(diagnostic.line - 1))
                    .flatten()
                    .and_then(|line| line.rsplit_once("    # "))
                    .map(|(_, path)| path.trim().to_string());
                let file = source.as_deref().and_then(|path| {
                    let root = path.split(['[', '.']).next().unwrap_or("");
                    documents
                        .iter()
                        .find(|(key, _, _)| *key == root)
                        .map(|(_, file, _)| file)
                });
                // The run's span comes from the command line, not from a file.
                if diagnostic.field.as_deref() == Some("load.trace.path") {
                    let mut mapped = Diagnostic::file("the command line", diagnostic.message)
                        .with_field("--trace");
                    mapped.hint = Some(
                        "leave out --start and --duration to run over the trace's span, or give ones inside it".into(),
                    );
                    return mapped;
                }
                match (source, file) {
                    (Some(path), Some(file)) => {
                        let mut mapped =
                            Diagnostic::file(&file.display().to_string(), diagnostic.message)
                                .with_field(path);
                        mapped.hint = diagnostic.hint;
                        mapped
                    }
                    _ => diagnostic,
                }
            })
            .collect(),
    )
}
