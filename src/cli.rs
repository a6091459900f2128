//! The command line: parses arguments, calls the library, prints, writes files atomically and
//! maps results to exit codes (0 success, 1 a gate failed, 2 bad input or I/O).

use crate::engine::{self, RunOptions};
use crate::error::Diagnostics;
use crate::report;
use crate::scenario;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status for "could not run": bad scenario, bad trace, unreadable or unwritable file.
pub const EXIT_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "scaleplan",
    version,
    about = "Simulate and plan cloud auto scaling groups"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Replay a scenario and print its summary.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Also write summary.json, timeline.csv and activities.csv into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the summary as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check a scenario (and its trace) without running it.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            scenario,
            out,
            json,
        } => run(&scenario, out.as_deref(), json),
        Command::Validate { scenario } => validate(&scenario),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprint!("{failure}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}

/// Why a command could not run.
#[derive(Debug)]
enum Failure {
    Input(Diagnostics),
    Io(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Input(diagnostics) => write!(out, "{diagnostics}"),
            Failure::Io(message) => writeln!(out, "error: {message}"),
        }
    }
}

fn run(path: &Path, out: Option<&Path>, json: bool) -> Result<ExitCode, Failure> {
    let loaded = scenario::load(path).map_err(Failure::Input)?;
    let options = RunOptions {
        timeline: out.is_some(),
    };
    let outcome = engine::simulate(&loaded.scenario, &loaded.load, options);
    if let Some(directory) = out {
        let files = [
            (
                "summary.json",
                report::summary_json(&loaded.scenario, &outcome).into_bytes(),
            ),
            (
                "timeline.csv",
                report::timeline_csv(&loaded.scenario, &outcome),
            ),
            (
                "activities.csv",
                report::activities_csv(&loaded.scenario, &outcome),
            ),
        ];
        std::fs::create_dir_all(directory).map_err(|error| {
            Failure::Io(format!("cannot create `{}`: {error}", directory.display()))
        })?;
        for (name, bytes) in files {
            write_atomic(&directory.join(name), &bytes)?;
        }
    }
    let text = if json {
        report::summary_json(&loaded.scenario, &outcome)
    } else {
        report::summary_table(&loaded.scenario, &outcome)
    };
    print_stdout(&text);
    Ok(ExitCode::SUCCESS)
}

fn validate(path: &Path) -> Result<ExitCode, Failure> {
    let loaded = scenario::load(path).map_err(Failure::Input)?;
    let scenario = &loaded.scenario;
    print_stdout(&format!(
        "{}: ok ({} group(s), {} periods of {})\n",
        path.display(),
        scenario.groups.len(),
        scenario.ticks(),
        crate::time::format_duration(scenario.metric_period)
    ));
    Ok(ExitCode::SUCCESS)
}

/// Prints to stdout; a closed pipe (`scaleplan run x | head`) is not an error (ripgrep).
fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a reader
/// never sees a half-written file and an interrupted run leaves the old file intact.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map_or("out".into(), |name| name.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|_| file.sync_all()))
        .and_then(|_| std::fs::rename(&temporary, path));
    result.map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        Failure::Io(format!("cannot write `{}`: {error}", path.display()))
    })
}
