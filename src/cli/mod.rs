//! The command line: parses arguments, calls the library, prints, writes files atomically and
//! maps results to exit codes (0 success, 1 a gate failed, 2 bad input or I/O).

mod check;
mod compare;
mod export;
mod import;
mod plan;
mod sweep;
mod temporaries;
mod trace;

use crate::engine::{self, RunOptions};
use crate::error::Diagnostics;
use crate::report;
use crate::scenario;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
pub(crate) use temporaries::write_atomic;

/// Every exit status the binary uses, in one place (docs/outputs.md, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Success = 0,
    /// `check`: a regression or a broken budget; `plan`: no point meets the target.
    Gate = 1,
    /// Could not run: bad scenario, bad trace, bad command line, unreadable or unwritable file.
    Input = 2,
    /// Interrupted by SIGINT (128 + 2).
    Interrupted = 130,
    /// Terminated by SIGTERM (128 + 15).
    Terminated = 143,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

impl Exit {
    /// The status for a run ended by `signal`.
    pub fn signalled(signal: i32) -> Exit {
        if signal == signal_hook::consts::SIGTERM {
            Exit::Terminated
        } else {
            Exit::Interrupted
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "scaleplan",
    version,
    about = "Simulate and plan cloud auto scaling groups",
    after_help = OUTPUTS_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where every output is described, shown under each command's help.
const OUTPUTS_HELP: &str = "Every file, column, JSON field and exit code: docs/outputs.md. The scenario format: docs/scenario-format.md.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Replay a scenario and print its summary.
    #[command(after_help = OUTPUTS_HELP)]
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Run this `[[policy]]` of the scenario instead of the file as written.
        #[arg(long, value_name = "NAME")]
        policy: Option<String>,
        /// Also write summary.json, timeline.csv, activities.csv and instances.csv (and
        /// forecast.csv with a predictive rule) into this directory; one run only.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the summary as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Run this many seeds (in parallel) and report each metric's mean and 95% confidence
        /// interval instead of one run.
        #[arg(long, value_name = "N", default_value_t = 1)]
        replications: u32,
    },
    /// Run every policy of a scenario on the same load and compare cost and SLA.
    #[command(after_help = OUTPUTS_HELP)]
    Compare {
        /// Scenario file (TOML) with `[[policy]]` tables.
        scenario: PathBuf,
        /// Write compare.csv, compare.md, each policy's outputs and charts here.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the comparison as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also write the comparison as JSON to this file.
        #[arg(long, value_name = "FILE")]
        export_json: Option<PathBuf>,
        /// Also write the comparison as CSV (compare.csv's columns) to this file.
        #[arg(long, value_name = "FILE")]
        export_csv: Option<PathBuf>,
        /// Also write the comparison as a Markdown table (compare.md) to this file.
        #[arg(long, value_name = "FILE")]
        export_markdown: Option<PathBuf>,
    },
    /// Gate CI: run every scenario and policy under PATH and compare with a baseline and the
    /// scenarios' budgets. Exit 0 when everything holds, 1 on a regression or broken budget.
    #[command(after_help = OUTPUTS_HELP)]
    Check(check::CheckArgs),
    /// Run the scenario's `[sweep]` grid in parallel; write sweep.csv and charts.
    #[command(after_help = OUTPUTS_HELP)]
    Sweep(sweep::SweepArgs),
    /// Join `sweep --shard` outputs into the file a single sweep writes.
    #[command(after_help = OUTPUTS_HELP)]
    Merge(sweep::MergeArgs),
    /// The cheapest configuration of the sweep whose SLA violation stays under a target.
    #[command(after_help = OUTPUTS_HELP)]
    Plan(plan::PlanArgs),
    /// Build a scenario from an existing scaling group.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Write a scenario's groups as configuration a cloud applies (Terraform).
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Look at a trace (stats, plot) or build one from an access log.
    #[command(subcommand, after_help = OUTPUTS_HELP)]
    Trace(trace::TraceCommand),
    /// Draw the charts of a `compare --out` or `run --out` directory without re-running.
    Plot {
        /// Output directory of `compare` or `run`.
        dir: PathBuf,
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
    temporaries::install();
    let result = match cli.command {
        Command::Run {
            replications: 0, ..
        } => Err(Failure::Usage(
            "--replications 0 runs nothing: give 1 or more seeds".into(),
        )),
        Command::Run { replications, .. }
            if !crate::limits::REPLICATIONS.contains(&replications) =>
        {
            Err(Failure::Usage(format!(
                "--replications {replications} is more than the limit of {}: use fewer seeds (the 95% interval narrows as 1/sqrt(N))",
                crate::limits::REPLICATIONS.end()
            )))
        }
        Command::Run {
            out: Some(_),
            replications: 2.., ..
        } => Err(Failure::Usage(
            "--out writes the files of one run, and --replications runs several: drop --out, or run each seed on its own".into(),
        )),
        Command::Run {
            scenario,
            policy,
            json,
            replications,
            ..
        } if replications > 1 => replicate(&scenario, policy.as_deref(), replications, json),
        Command::Run {
            scenario,
            policy,
            out,
            json,
            ..
        } => run(&scenario, policy.as_deref(), out.as_deref(), json),
        Command::Validate { scenario } => validate(&scenario),
        Command::Compare {
            scenario,
            out,
            json,
            export_json,
            export_csv,
            export_markdown,
        } => compare::compare(
            &scenario,
            out.as_deref(),
            json,
            &[
                (export_json, compare::ExportFormat::Json),
                (export_csv, compare::ExportFormat::Csv),
                (export_markdown, compare::ExportFormat::Markdown),
            ],
        ),
        Command::Plot { dir } => plot(&dir),
        Command::Check(args) => check::check(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Trace(command) => trace::run(&command),
        Command::Import(command) => import::run(&command),
        Command::Export(command) => export::run(&command),
        Command::Merge(args) => sweep::merge(&args),
        Command::Plan(args) => plan::plan(&args),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprint!("{failure}");
            Exit::Input.into()
        }
    }
}

/// Why a command could not run.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The scenario, trace or another input file is wrong: diagnostics with their places.
    Input(Diagnostics),
    /// The command line is wrong: a flag's value or a combination of flags.
    Usage(String),
    /// Reading or writing a file failed.
    Io(String),
}

impl From<crate::error::Diagnostic> for Failure {
    fn from(diagnostic: crate::error::Diagnostic) -> Self {
        Failure::Input(diagnostic.into())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Input(diagnostics) => write!(out, "{diagnostics}"),
            Failure::Usage(message) | Failure::Io(message) => writeln!(out, "error: {message}"),
        }
    }
}

fn run(
    path: &Path,
    policy: Option<&str>,
    out: Option<&Path>,
    json: bool,
) -> Result<ExitCode, Failure> {
    let loaded = load_noting(path)?;
    let scenario = select_policy(path, &loaded, policy)?;
    let options = RunOptions {
        timeline: out.is_some(),
        history: true,
        stepwise: false,
    };
    let outcome = match out {
        Some(directory) => {
            // The timeline streams into the output set as the run produces it.
            let mut set = temporaries::OutputSet::begin(directory)?;
            let name = Path::new("timeline.csv");
            let path = set.path(name)?;
            let file = std::fs::File::create(&path).map_err(|error| set.failed(name, &error))?;
            // Formatted as the run produces it, written from a thread of its own.
            let mut writer = report::WriteBehind::spawn(file)
                .map(|file| report::TimelineWriter::new(scenario, file))
                .map_err(|error| set.failed(name, &error))?;
            let outcome = engine::simulate_streaming(scenario, &loaded.load, options, &mut writer);
            // Rendered while the timeline's last rows are being written.
            let files = run_files(scenario, policy, &outcome);
            writer
                .finish()
                .and_then(report::WriteBehind::finish)
                .map_err(|error| set.failed(name, &error))?;
            for (relative, bytes) in files {
                set.write(&relative, &bytes)?;
            }
            set.commit()?;
            outcome
        }
        None => engine::simulate(scenario, &loaded.load, options),
    };
    if policy.is_none() && !loaded.policies.is_empty() {
        let names: Vec<&str> = (loaded.policies.iter()).map(|p| p.name.as_str()).collect();
        eprintln!(
            "note: ran the file as written, without its policies' overrides ({}): `--policy NAME` runs one, `compare` runs them all",
            names.join(", ")
        );
    }
    let text = if json {
        report::summary_json(scenario, policy, &outcome)
    } else {
        report::summary_table(scenario, policy, &outcome, out)
    };
    print_stdout(&text);
    Ok(Exit::Success.into())
}

/// `run --replications N`: the scenario with N seeds, each metric's mean and 95% interval.
fn replicate(
    path: &Path,
    policy: Option<&str>,
    replications: u32,
    json: bool,
) -> Result<ExitCode, Failure> {
    use rayon::prelude::*;
    let loaded = load_noting(path)?;
    let scenario = select_policy(path, &loaded, policy)?;
    let totals: Vec<engine::GroupSummary> = (0..replications)
        .into_par_iter()
        .map(|replication| {
            // The seed drives the load noise and the fleet's draws (stock, reclaims, failures).
            let mut scenario = scenario.clone();
            scenario.seed = crate::model::replication_seed(scenario.seed, replication);
            let load = crate::model::Loads::generate(&scenario, scenario.seed);
            engine::simulate(&scenario, &load, RunOptions::SUMMARY).total
        })
        .collect();
    let estimates = report::Replications::of(scenario, &totals);
    print_stdout(&if json {
        report::replications_json(&estimates)
    } else {
        report::replications_table(&estimates)
    });
    Ok(Exit::Success.into())
}

/// Loads a scenario and tells the user (on stderr) what its trace readers found and repaired.
pub(crate) fn load_noting(path: &Path) -> Result<scenario::Loaded, Failure> {
    let loaded = scenario::load(path).map_err(Failure::Input)?;
    for note in loaded.trace_notes() {
        eprintln!("note: trace: {note}");
    }
    for note in loaded.assumption_notes() {
        eprintln!("note: {note}");
    }
    Ok(loaded)
}

/// The scenario of `policy`, or the file as written without one.
fn select_policy<'a>(
    path: &Path,
    loaded: &'a scenario::Loaded,
    policy: Option<&str>,
) -> Result<&'a crate::model::Scenario, Failure> {
    match policy {
        None => Ok(&loaded.scenario),
        Some(name) => loaded
            .policy(name)
            .ok_or_else(|| unknown_policy(path, loaded, name)),
    }
}

fn unknown_policy(path: &Path, loaded: &scenario::Loaded, name: &str) -> Failure {
    let names: Vec<&str> = loaded
        .policies
        .iter()
        .map(|policy| policy.name.as_str())
        .collect();
    let hint = match crate::error::did_you_mean(name, names.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None if names.is_empty() => "the scenario defines no [[policy]] tables".to_string(),
        None => format!("policies: {}", names.join(", ")),
    };
    crate::error::Diagnostic::file(
        &path.display().to_string(),
        format!("no policy named `{name}`"),
    )
    .with_field("policy.name")
    .with_hint(hint)
    .into()
}

/// The files `run --out` writes besides `timeline.csv` (streamed), also written per policy
/// by `compare --out`: `summary.json` first, `activities.csv` second.
fn run_files(
    scenario: &crate::model::Scenario,
    policy: Option<&str>,
    outcome: &engine::Outcome,
) -> Vec<(PathBuf, Vec<u8>)> {
    // Rendered side by side (activities.csv is most of it).
    let (summary, (activities, instances)) = rayon::join(
        || report::summary_json(scenario, policy, outcome).into_bytes(),
        || {
            rayon::join(
                || report::activities_csv(scenario, outcome),
                || report::instances_csv(scenario, outcome),
            )
        },
    );
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("summary.json".into(), summary),
        ("activities.csv".into(), activities),
        ("instances.csv".into(), instances),
    ];
    if !outcome.forecasts.is_empty() {
        files.push((
            "forecast.csv".into(),
            report::forecast_csv(scenario, outcome),
        ));
    }
    files
}

/// The scenario file as written, for the pages that show it.
pub(crate) fn scenario_text(path: &Path) -> Result<String, Failure> {
    Ok(crate::input::read_text(
        path,
        &path.display().to_string(),
        "scenario",
        crate::input::MAX_SCENARIO_BYTES,
    )?)
}

/// The SVG charts among chart files, as `(name, SVG text)` for a page.
pub(crate) fn svg_charts(files: &[(PathBuf, Vec<u8>)]) -> Vec<(String, String)> {
    files
        .iter()
        .filter(|(name, _)| name.extension().is_some_and(|extension| extension == "svg"))
        .map(|(name, bytes)| {
            (
                name.file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        })
        .collect()
}

/// Each named chart as `charts/NAME.svg` and `charts/NAME.png`.
pub(crate) fn render_charts(
    charts: Vec<(String, crate::plot::Chart)>,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    use crate::plot::{render_png, render_svg};
    let mut files = Vec::new();
    for (name, chart) in charts {
        let failed = |error: crate::plot::RenderError| {
            Failure::Io(format!("cannot draw chart `{name}`: {error}"))
        };
        files.push((
            Path::new("charts").join(format!("{name}.svg")),
            render_svg(chart).map_err(failed)?.into_bytes(),
        ));
        files.push((
            Path::new("charts").join(format!("{name}.png")),
            render_png(chart).map_err(failed)?,
        ));
    }
    Ok(files)
}

fn plot(directory: &Path) -> Result<ExitCode, Failure> {
    let read = |relative: &Path| -> Result<Vec<u8>, Failure> {
        let path = directory.join(relative);
        std::fs::read(&path).map_err(|error| {
            crate::error::Diagnostic::file(
                &path.display().to_string(),
                format!("cannot read: {error}"),
            )
            .with_hint("point `plot` at a directory written by `compare --out` or `run --out`")
            .into()
        })
    };
    let label = directory.display().to_string();
    let (series, bars) = if directory.join("compare.csv").exists() {
        let bars = crate::plot::bars_from_csv(
            &read(Path::new("compare.csv"))?,
            &format!("{label}/compare.csv"),
        )?;
        let mut series = Vec::new();
        for bar in &bars {
            let folder = Path::new("policies").join(&bar.policy);
            series.push(crate::plot::TimelineSeries::from_csv(
                &bar.policy,
                &read(&folder.join("timeline.csv"))?,
                &read(&folder.join("activities.csv"))?,
                &format!("{label}/policies/{}", bar.policy),
            )?);
        }
        (series, bars)
    } else {
        let name = directory
            .file_name()
            .map_or("run".into(), |name| name.to_string_lossy().into_owned());
        let one = crate::plot::TimelineSeries::from_csv(
            &name,
            &read(Path::new("timeline.csv"))?,
            &read(Path::new("activities.csv"))?,
            &label,
        )?;
        (vec![one], Vec::new())
    };
    // The currency and zone the run wrote into its summaries (sets written before them: USD,
    // offsets only).
    let summary = bars
        .first()
        .map(|bar| {
            directory
                .join("policies")
                .join(&bar.policy)
                .join("summary.json")
        })
        .or_else(|| Some(directory.join("summary.json")))
        .and_then(|path| std::fs::read(path).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .unwrap_or_default();
    let currency = summary["currency"]
        .as_str()
        .unwrap_or(crate::model::defaults::CURRENCY)
        .to_string();
    let mut series = series;
    for one in &mut series {
        one.zone = summary["timezone"].as_str().map(str::to_string);
    }
    let reread = |index: usize| -> Result<crate::plot::Periods, Failure> {
        let relative = match bars.get(index) {
            Some(bar) => Path::new("policies").join(&bar.policy).join("timeline.csv"),
            None => PathBuf::from("timeline.csv"),
        };
        let file = format!("{label}/{}", relative.display());
        Ok(crate::plot::Periods::from_csv(&read(&relative)?, &file)?)
    };
    let files = compare::chart_files(&series, &bars, &currency, &reread)?;
    let count = files.len();
    add_files(directory, files)?;
    print_stdout(&format!(
        "wrote {count} chart files to {}\n",
        directory.join("charts").display()
    ));
    Ok(Exit::Success.into())
}

/// Writes an output set (`run --out`, `compare --out`): all of it or, on a failure or an
/// interrupt, none of it.
pub(crate) fn write_files(directory: &Path, files: Vec<(PathBuf, Vec<u8>)>) -> Result<(), Failure> {
    temporaries::write_set(directory, files)
}

/// Adds files to a directory one by one, each atomically (`plot`, which redraws charts beside
/// the CSV files it read, and sweep charts beside the sweep's CSV).
pub(crate) fn add_files(directory: &Path, files: Vec<(PathBuf, Vec<u8>)>) -> Result<(), Failure> {
    for (relative, bytes) in files {
        let path = directory.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| {
                Failure::Io(format!("cannot create `{}`: {error}", parent.display()))
            })?;
        }
        write_atomic(&path, &bytes)?;
    }
    Ok(())
}

fn validate(path: &Path) -> Result<ExitCode, Failure> {
    let loaded = load_noting(path)?;
    let scenario = &loaded.scenario;
    print_stdout(&format!(
        "{}: ok ({} group(s), {} periods of {})\n",
        path.display(),
        scenario.groups.len(),
        scenario.ticks(),
        crate::time::format_duration(scenario.metric_period)
    ));
    Ok(Exit::Success.into())
}

/// Prints to stdout; a closed pipe (`scaleplan run x | head`) is not an error (ripgrep).
pub(crate) fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

/// The file at `path`, or standard input for `-`, with the label errors name it by.
pub(super) fn open_input(
    path: &Path,
    what: &str,
) -> Result<(String, Box<dyn std::io::Read>), Failure> {
    if path == Path::new("-") {
        return Ok(("<stdin>".to_string(), Box::new(std::io::stdin().lock())));
    }
    let label = path.display().to_string();
    if path.is_dir() {
        return Err(crate::error::Diagnostic::file(
            &label,
            format!("the {what} path is a directory"),
        )
        .with_hint("name a file, or `-` for standard input")
        .into());
    }
    let file = std::fs::File::open(path).map_err(|error| {
        Failure::from(crate::error::Diagnostic::file(
            &label,
            format!("cannot read {what}: {error}"),
        ))
    })?;
    Ok((label, Box::new(file)))
}
