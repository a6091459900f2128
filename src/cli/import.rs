//! `scaleplan import aws`: a scenario from an existing AWS Auto Scaling group.

use super::{Failure, print_stdout, write_atomic};
use crate::error::Diagnostic;
use crate::import::{self, ImportSettings};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `scaleplan import ...`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// From `aws autoscaling describe-auto-scaling-groups` (+ `describe-policies`,
    /// `describe-scheduled-actions`, `aws cloudwatch describe-alarms`) JSON.
    Aws(AwsArgs),
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
    /// Write the scenario here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Start of the simulated run.
    #[arg(long, default_value = "2026-01-05T00:00:00Z")]
    start: String,
    /// Simulated span.
    #[arg(long, default_value = "7d")]
    duration: String,
    /// Requests per second one instance serves at 100% CPU (not in AWS's output).
    #[arg(long, default_value_t = 100.0)]
    capacity_rps: f64,
    /// Price per instance-hour (not in AWS's output).
    #[arg(long, default_value_t = 0.1)]
    price_per_hour: f64,
    /// A constant load to start from, requests per second.
    #[arg(long, default_value_t = 100.0)]
    base_rps: f64,
}

fn read_json(path: &Path) -> Result<serde_json::Value, Failure> {
    let label = path.display().to_string();
    let text = crate::input::read_text(path, &label, "JSON", crate::input::MAX_JSON_BYTES)?;
    serde_json::from_str(&text).map_err(|error| {
        let mut diagnostic = Diagnostic::file(&label, format!("invalid JSON: {error}"))
            .with_hint("pass the JSON the AWS CLI prints (--output json)");
        diagnostic.line = error.line();
        diagnostic.column = error.column();
        Failure::from(diagnostic)
    })
}

pub fn run(command: &ImportCommand) -> Result<ExitCode, Failure> {
    let ImportCommand::Aws(args) = command;
    let groups = read_json(&args.groups)?;
    let optional = |path: &Option<PathBuf>| path.as_deref().map(read_json).transpose();
    let (policies, scheduled, alarms) = (
        optional(&args.policies)?,
        optional(&args.scheduled)?,
        optional(&args.alarms)?,
    );
    let settings = ImportSettings {
        start: args.start.clone(),
        duration: args.duration.clone(),
        capacity_rps: args.capacity_rps,
        price_per_hour: args.price_per_hour,
        base_rps: args.base_rps,
    };
    let imported = import::aws(
        &groups,
        policies.as_ref(),
        scheduled.as_ref(),
        alarms.as_ref(),
        &settings,
    )
    .map_err(|message| {
        Failure::from(Diagnostic::file(
            &args.groups.display().to_string(),
            message,
        ))
    })?;
    // The result must be a valid scenario: check it as `validate` would.
    let label = args
        .out
        .as_ref()
        .map_or("imported.toml".to_string(), |path| {
            path.display().to_string()
        });
    crate::scenario::load_str(&label, &imported.toml, Path::new("."))
        .map_err(|diagnostics| Failure::Input(to_json_places(diagnostics, &imported.toml, args)))?;
    for line in &imported.unmapped {
        eprintln!("note: not imported: {line}");
    }
    match &args.out {
        Some(path) => {
            write_atomic(path, imported.toml.as_bytes())?;
            print_stdout(&format!(
                "wrote {} ({} setting(s) not imported, listed in the file)\n",
                path.display(),
                imported.unmapped.len()
            ));
        }
        None => print_stdout(&imported.toml),
    }
    Ok(ExitCode::SUCCESS)
}

/// Points the diagnostics of the generated scenario back at the JSON the user gave: each
/// converted line ends with a `# AutoScalingGroups[0].MinSize` comment naming its source.
fn to_json_places(
    diagnostics: crate::error::Diagnostics,
    generated: &str,
    args: &AwsArgs,
) -> crate::error::Diagnostics {
    let lines: Vec<&str> = generated.lines().collect();
    crate::error::Diagnostics(
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
                    let root = path.split('[').next().unwrap_or("");
                    match root {
                        "AutoScalingGroups" => Some(&args.groups),
                        "ScheduledUpdateGroupActions" => args.scheduled.as_ref(),
                        "MetricAlarms" => args.alarms.as_ref(),
                        "ScalingPolicies" => args.policies.as_ref(),
                        _ => None,
                    }
                });
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
