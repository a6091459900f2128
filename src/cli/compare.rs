//! `compare`: every policy on the same load, at the command line.

use super::*;

/// The formats `compare --export-*` writes, as hyperfine's exports.
#[derive(Debug, Clone, Copy)]
pub(super) enum ExportFormat {
    Json,
    Csv,
    Markdown,
}

pub(super) fn compare(
    path: &Path,
    out: Option<&Path>,
    json: bool,
    exports: &[(Option<PathBuf>, ExportFormat)],
) -> Result<ExitCode, Failure> {
    let loaded = load_noting(path)?;
    let (runs, rows) = match out {
        Some(directory) => compare_out(path, &loaded, directory)?,
        None => {
            let runs = crate::compare::run_all(&loaded, RunOptions::HISTORY);
            let rows = crate::compare::rows(&runs);
            (runs, rows)
        }
    };
    drop(runs);
    for (file, format) in exports {
        if let Some(file) = file {
            let bytes = match format {
                ExportFormat::Json => report::compare_json(&loaded.scenario, &rows).into_bytes(),
                ExportFormat::Csv => report::compare_csv(&rows),
                ExportFormat::Markdown => {
                    report::compare_markdown(&loaded.scenario, &rows).into_bytes()
                }
            };
            write_atomic(file, &bytes)?;
        }
    }
    print_stdout(&if json {
        report::compare_json(&loaded.scenario, &rows)
    } else {
        report::compare_table(&loaded.scenario, &rows)
    });
    Ok(Exit::Success.into())
}

/// `compare --out`: every policy's timeline streams into the output set while it runs, and
/// is kept only as its charts draw it (a few thousand points), so memory does not grow with
/// the run's length.
pub(super) fn compare_out<'a>(
    path: &Path,
    loaded: &'a scenario::Loaded,
    directory: &Path,
) -> Result<(Vec<crate::compare::PolicyRun<'a>>, Vec<crate::compare::Row>), Failure> {
    let mut set = temporaries::OutputSet::begin(directory)?;
    let names: Vec<&str> = loaded.variants().iter().map(|(name, _)| *name).collect();
    let folders: Vec<PathBuf> = names
        .iter()
        .map(|name| Path::new("policies").join(name))
        .collect();
    let mut timelines = Vec::new();
    for folder in &folders {
        timelines.push(set.path(&folder.join("timeline.csv"))?);
    }
    let opened = |index: usize, scenario: &crate::model::Scenario| {
        let file = std::fs::File::create(&timelines[index]);
        Sink(file.map(|file| report::TimelineWriter::new(scenario, file).drawing(scenario)))
    };
    // On the run's thread: the timeline finished, the other files rendered, the periods
    // reduced to the chart's points.
    let finished = |run: &crate::compare::PolicyRun, Sink(writer): Sink| {
        let (_, builder) = writer.and_then(|writer| writer.finish_drawing())?;
        let policy = (run.name != crate::model::AS_WRITTEN).then_some(run.name);
        let files = run_files(run.scenario, policy, &run.outcome);
        Ok::<_, std::io::Error>((builder, files))
    };
    let results =
        crate::compare::run_many_into(&[loaded], RunOptions::FULL, opened, |run, sink| {
            finished(run, sink).map(|(builder, files)| {
                let label = format!("{}/policies/{}", directory.display(), run.name);
                let started = report::activity_starts(run.scenario, &run.outcome);
                let zone = run.scenario.clock.zone.map(|zone| zone.name().to_string());
                let series = builder
                    .and_then(|builder| builder.finish(run.name, started, zone))
                    .ok_or_else(|| {
                        crate::error::Diagnostic::file(&label, "the run has no periods")
                    });
                (series, files)
            })
        });
    let mut runs = Vec::new();
    let mut series = Vec::new();
    let mut activities = Vec::new();
    for (index, (run, kept)) in results.into_iter().enumerate() {
        let relative = folders[index].join("timeline.csv");
        let (one, files) = kept.map_err(|error| set.failed(&relative, &error))?;
        series.push(one?);
        let history = (files.iter())
            .find(|(name, _)| name == Path::new("activities.csv"))
            .map_or_else(Vec::new, |(_, bytes)| bytes.clone());
        activities.push((
            folders[index].join("activities.csv").display().to_string(),
            history,
        ));
        for (name, bytes) in files {
            set.write(&folders[index].join(name), &bytes)?;
        }
        runs.push(run);
    }
    let rows = crate::compare::rows(&runs);
    let compare_csv = report::compare_csv(&rows);
    let bars = report::policy_bars(&rows);
    let reread = |index: usize| -> Result<crate::plot::Periods, Failure> {
        let file = &timelines[index];
        let bytes = std::fs::read(file)
            .map_err(|error| Failure::Io(format!("cannot read `{}`: {error}", file.display())))?;
        Ok(crate::plot::Periods::from_csv(
            &bytes,
            &file.display().to_string(),
        )?)
    };
    let charts = chart_files(&series, &bars, &loaded.scenario.currency, &reread)?;
    let page = report::compare_html(
        &loaded.scenario,
        &rows,
        svg_charts(&charts),
        &activities,
        &scenario_text(path)?,
    );
    set.write(Path::new("compare.csv"), &compare_csv)?;
    set.write(
        Path::new("compare.md"),
        report::compare_markdown(&loaded.scenario, &rows).as_bytes(),
    )?;
    for (name, bytes) in &charts {
        set.write(name, bytes)?;
    }
    set.write(Path::new("index.html"), page.as_bytes())?;
    set.commit()?;
    Ok((runs, rows))
}

/// A timeline writer that may have failed to open: rows go nowhere then, and the error is
/// reported once the run is over.
pub(super) struct Sink(std::io::Result<report::TimelineWriter<std::fs::File>>);

impl engine::TimelineSink for Sink {
    fn row(&mut self, row: &engine::TimelineRow) {
        if let Ok(writer) = &mut self.0 {
            writer.row(row);
        }
    }
}

/// Every chart of a comparison (or of one run when `bars` is empty), as SVG and PNG.
///
/// The peak chart slices every series at the first one's peak; a series whose own load peaks
/// elsewhere did not keep those periods, and `reread(index)` reads its periods again.
pub(super) fn chart_files(
    series: &[crate::plot::TimelineSeries],
    bars: &[crate::plot::PolicyBar],
    currency: &str,
    reread: &dyn Fn(usize) -> Result<crate::plot::Periods, Failure>,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    use crate::plot::Chart;
    let mut peak = Vec::new();
    if let Some(range) = crate::plot::peak_window(series) {
        for (index, one) in series.iter().enumerate() {
            peak.push(match one.slice(range.clone()) {
                Some(slice) => slice,
                None => one.slice_of(&reread(index)?, range.clone()),
            });
        }
    }
    let mut charts: Vec<(String, Chart)> = series
        .iter()
        .map(|one| (format!("timeline-{}", one.policy), Chart::Timeline(one)))
        .collect();
    if !bars.is_empty() {
        charts.push(("overlay".into(), Chart::Overlay(series)));
        if !peak.is_empty() {
            charts.push(("peak".into(), Chart::PeakOverlay(&peak)));
        }
        charts.push(("cost-sla".into(), Chart::Bars(bars, currency)));
    }
    render_charts(charts)
}
