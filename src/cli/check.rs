//! `check`: the CI gate at the command line.

use super::*;

/// Arguments of `scaleplan check`.
#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// A scenario file, or a directory searched for `*.toml` scenarios.
    path: PathBuf,
    /// The baseline file (JSON).
    #[arg(long, value_name = "FILE")]
    baseline: PathBuf,
    /// Rewrite the baseline with these outcomes (budgets are still enforced).
    #[arg(long)]
    update: bool,
    /// Allowed growth per metric, e.g. `cost=2%`, `unserved_requests=100`, `cost=0.5,1%`.
    #[arg(long = "tolerance", value_name = "METRIC=AMOUNT")]
    tolerances: Vec<String>,
    /// Also fail on scenarios missing from the baseline and entries without a scenario.
    #[arg(long)]
    strict: bool,
    /// Write the report as Markdown (also appended to $GITHUB_STEP_SUMMARY when set).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Write the report as JUnit XML, one test case per scenario/policy.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

pub(super) fn check(args: &CheckArgs) -> Result<ExitCode, Failure> {
    use crate::check::{Baseline, Checked, evaluate, parse_tolerance};
    let overrides = args
        .tolerances
        .iter()
        .map(|text| parse_tolerance(text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|message| Failure::Usage(format!("bad --tolerance: {message}")))?;
    let baseline_label = args.baseline.display().to_string();
    let stored = match std::fs::read_to_string(&args.baseline) {
        Ok(text) => Baseline::from_json(&text).map_err(|message| {
            crate::error::Diagnostic::file(&baseline_label, format!("invalid baseline: {message}"))
                .with_hint("fix the file, or rewrite it with --update")
        })?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && args.update => {
            Baseline::default()
        }
        Err(error) => {
            return Err(crate::error::Diagnostic::file(
                &baseline_label,
                format!("cannot read baseline: {error}"),
            )
            .with_hint("create it with `scaleplan check PATH --baseline FILE --update`")
            .into());
        }
    };
    let tolerances = stored.tolerances(&overrides);

    // A file that cannot load is an errored case beside every other file's results: the
    // rest still run, the reports show both, and the exit status is 2 (bad input).
    let files = scenario_files(&args.path)?;
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    let mut errored = Vec::new();
    for file in &files {
        match scenario::load(file) {
            Ok(scenario) => {
                for note in scenario.trace_notes() {
                    eprintln!("note: {}: trace: {note}", file.display());
                }
                loaded.push((file.display().to_string(), scenario))
            }
            Err(diagnostics) => {
                errored.push((file.display().to_string(), diagnostics.to_string()));
                problems.extend(diagnostics.0);
            }
        }
    }
    if args.update && !problems.is_empty() {
        // A baseline recorded without some files would lose their entries.
        return Err(Failure::Input(Diagnostics(problems)));
    }
    let scenarios: Vec<&scenario::Loaded> = loaded.iter().map(|(_, scenario)| scenario).collect();
    let runs = crate::compare::run_many(&scenarios, RunOptions::SUMMARY);
    let files_of_runs = loaded
        .iter()
        .flat_map(|(file, scenario)| std::iter::repeat_n(file, scenario.variants().len()));
    let mut results: Vec<Checked> = Vec::new();
    for (run, file) in runs.into_iter().zip(files_of_runs) {
        let key = format!("{}/{}", run.scenario.name, run.name);
        if let Some(other) = results.iter().find(|result| result.key == key) {
            return Err(crate::error::Diagnostic::file(
                file,
                format!("`{key}` is also defined in {}", other.file),
            )
            .with_field("scenario.name")
            .with_hint(
                "give each scenario a unique name: baseline entries are keyed by scenario/policy",
            )
            .into());
        }
        results.push(Checked {
            key,
            file: file.clone(),
            expect: run.scenario.expect,
            summary: run.outcome.total,
            currency: run.scenario.currency.clone(),
        });
    }
    results.sort_by(|a, b| a.key.cmp(&b.key));

    let reference = if args.update {
        Baseline::record(&results, &tolerances)
    } else {
        stored
    };
    let report = evaluate(&results, &reference, &tolerances, args.strict, errored);
    if args.update {
        write_atomic(&args.baseline, reference.to_json().as_bytes())?;
    }
    if let Some(path) = &args.markdown {
        write_atomic(path, report.to_markdown().as_bytes())?;
    }
    if let Some(path) = &args.junit {
        write_atomic(path, report.to_junit().as_bytes())?;
    }
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|value| !value.is_empty())
    {
        // GitHub's step summary is an append-only file by design.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .and_then(|mut file| file.write_all(report.to_markdown().as_bytes()))
            .map_err(|error| {
                Failure::Io(format!("cannot append to $GITHUB_STEP_SUMMARY: {error}"))
            })?;
    }
    let mut text = format!(
        "scaleplan check: {} scenario file(s), {} scenario/policy run(s) against {}{}\n\n",
        files.len(),
        results.len(),
        baseline_label,
        if args.update { " (updated)" } else { "" }
    );
    text.push_str(&report.to_text());
    print_stdout(&text);
    if !problems.is_empty() {
        return Err(Failure::Input(Diagnostics(problems)));
    }
    Ok(if report.failed() {
        Exit::Gate.into()
    } else {
        Exit::Success.into()
    })
}

/// `path` itself, or every `*.toml` below it in sorted order.
pub(super) fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, Failure> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|error| {
            Failure::from(crate::error::Diagnostic::file(
                &folder.display().to_string(),
                format!("cannot read: {error}"),
            ))
        })?;
        for entry in entries.flatten() {
            let entry_path = entry.path();
            if entry_path.is_dir() {
                folders.push(entry_path);
            } else if entry_path
                .extension()
                .is_some_and(|extension| extension == "toml")
            {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(crate::error::Diagnostic::file(
            &path.display().to_string(),
            "no scenario files found",
        )
        .with_hint("point `check` at a scenario file or a directory of *.toml scenarios")
        .into());
    }
    Ok(files)
}
