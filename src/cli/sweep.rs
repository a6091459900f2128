//! `sweep` and `merge`: the parameter grid at the command line.

use super::temporaries::{OutputSet, Temporary};
use super::{Failure, print_stdout, write_atomic};
use crate::error::Diagnostic;
use crate::model::Scenario;
use crate::model::Sweep;
use crate::plot::Chart;
use crate::scenario::Loaded;
use crate::sweep::{self, PointRow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `scaleplan sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Scenario file with a `[sweep]` table (or policies with `[policy.sweep]` tables).
    scenario: PathBuf,
    /// Run this policy's grid (default: the file's `[sweep]`, of the policy it names or of the
    /// file as written; else the only policy grid).
    #[arg(long, value_name = "NAME")]
    policy: Option<String>,
    /// Output directory for sweep.csv (or a shard file) and charts.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Run only the K-th of N equal slices of the grid (1-based), e.g. `--shard 2/8`.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Parameter on the heatmaps' x axis (default: the first).
    #[arg(long, value_name = "PATH")]
    x: Option<String>,
    /// Parameter on the heatmaps' y axis (default: the second).
    #[arg(long, value_name = "PATH")]
    y: Option<String>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// Arguments of `scaleplan merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The merged file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Shard files written by `sweep --shard`.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
}

/// The grid `--policy` names (or the default one) and the scenario it sweeps.
pub(super) fn swept<'a>(
    path: &Path,
    loaded: &'a Loaded,
    policy: Option<&str>,
) -> Result<(&'a Sweep, &'a Scenario), Failure> {
    loaded.grid(policy).map_err(|why| {
        Failure::from(
            Diagnostic::file(&path.display().to_string(), why.message)
                .with_field("sweep")
                .with_hint(why.hint),
        )
    })
}

pub(super) fn progress_bar(points: u64, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(points),
        if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        },
    );
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} points, {eta} left") {
        bar.set_style(style);
    }
    bar
}

/// Parses `K/N` into the half-open range of points of slice K.
fn shard_range(text: &str, points: u64) -> Result<(u64, u64, std::ops::Range<u64>), Failure> {
    let bad = || {
        Failure::Usage(format!(
            "bad --shard `{text}`: write K/N with 1 <= K <= N, e.g. 2/8"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n, (k - 1) * points / n..k * points / n))
}

pub fn sweep(args: &SweepArgs) -> Result<ExitCode, Failure> {
    let loaded = super::load_noting(&args.scenario)?;
    let (spec, base) = swept(&args.scenario, &loaded, args.policy.as_deref())?;
    let axis = |wanted: &Option<String>, default: usize| -> Result<Option<usize>, Failure> {
        match wanted {
            Some(path) => spec
                .parameters
                .iter()
                .position(|parameter| &parameter.path == path)
                .map(Some)
                .ok_or_else(|| Failure::Usage(format!("`{path}` is not a parameter of the sweep"))),
            None => Ok((default < spec.parameters.len()).then_some(default)),
        }
    };
    let (x, y) = (axis(&args.x, 0)?, axis(&args.y, 1)?);
    let points = spec.points();
    let (name, range) = match &args.shard {
        Some(text) => {
            let (k, n, range) = shard_range(text, points)?;
            (format!("sweep.shard-{k}-of-{n}.csv"), range)
        }
        None => ("sweep.csv".to_string(), 0..points),
    };
    let path = args.out.join(&name);
    // A whole sweep is one output set (the CSV and its charts, all or nothing); a shard is one
    // file beside the other shards', written atomically on its own.
    let mut set = match args.shard {
        None => Some(OutputSet::begin(&args.out)?),
        Some(_) => {
            std::fs::create_dir_all(&args.out).map_err(|error| {
                Failure::Io(format!("cannot create `{}`: {error}", args.out.display()))
            })?;
            None
        }
    };
    let temporary = match &mut set {
        Some(set) => Err(set.path(Path::new(&name))?),
        None => Ok(Temporary::new(
            args.out.join(format!(".{name}.tmp-{}", std::process::id())),
        )),
    };
    let written_path = match &temporary {
        Ok(temporary) => temporary.path().to_path_buf(),
        Err(staged) => staged.clone(),
    };
    let bar = progress_bar(range.end - range.start, args.quiet);
    let mut means = sweep::Means::new(range.clone(), base.duration);
    let written = (|| -> Result<u64, String> {
        let file = std::fs::File::create(&written_path).map_err(|error| error.to_string())?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        writer
            .write_record(sweep::csv_header(spec))
            .map_err(|error| error.to_string())?;
        let mut rows = 0u64;
        sweep::run(
            base,
            spec,
            range.clone(),
            |chunk: &[PointRow]| -> Result<(), String> {
                for row in chunk {
                    writer
                        .write_record(sweep::csv_record(spec, base.duration, row))
                        .map_err(|error| error.to_string())?;
                }
                rows += chunk.len() as u64;
                means.add(chunk);
                Ok(())
            },
            |done| bar.inc(done),
        )?;
        let mut inner = writer.into_inner().map_err(|error| error.to_string())?;
        inner.flush().map_err(|error| error.to_string())?;
        inner
            .get_ref()
            .sync_all()
            .map_err(|error| error.to_string())?;
        Ok(rows)
    })()
    .and_then(|rows| {
        if let Ok(temporary) = temporary {
            temporary
                .keep(|temporary| std::fs::rename(temporary, &path))
                .map_err(|error| error.to_string())?;
        }
        Ok(rows)
    })
    .map_err(|error| Failure::Io(format!("cannot write `{}`: {error}", path.display())))?;
    bar.finish_and_clear();
    let mut report = format!(
        "{} ({}): {} point(s) x {} replication(s) = {} run(s) -> {}\n",
        args.scenario.display(),
        spec.policy
            .as_deref()
            .map_or("as written".to_string(), |name| format!("policy {name}")),
        range.end - range.start,
        spec.replications,
        written,
        path.display()
    );
    if let Some(mut set) = set {
        let figures = crate::report::sweep::figures(spec, base, &means.points(), x, y);
        let mut drawn: Vec<(String, Chart)> = (figures.heatmaps.iter())
            .map(|(name, map)| (name.to_string(), Chart::Heatmap(map)))
            .collect();
        drawn.push(("pareto".into(), Chart::Pareto(&figures.pareto)));
        let charts = super::render_charts(drawn)?;
        let points = figures.cheapest;
        report.push_str(&format!(
            "charts: {}\n",
            charts
                .iter()
                .map(|(name, _)| name.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let page = crate::report::html::render(&crate::report::html::Page {
            title: format!("{}: sweep", base.name),
            subtitle: format!(
                "{} point(s) x {} replication(s) from {}; the {} cheapest points by mean cost; money in {}",
                spec.points(),
                spec.replications,
                base.clock.format(0),
                points.rows.len(),
                base.currency
            ),
            summary: points,
            charts: super::svg_charts(&charts),
            sections: Vec::new(),
            scenario_text: super::scenario_text(&args.scenario)?,
        });
        for (relative, bytes) in &charts {
            set.write(relative, bytes)?;
        }
        set.write(Path::new("index.html"), page.as_bytes())?;
        set.commit()?;
    }
    print_stdout(&report);
    Ok(super::Exit::Success.into())
}

pub fn merge(args: &MergeArgs) -> Result<ExitCode, Failure> {
    let mut header: Option<csv::StringRecord> = None;
    let mut rows: Vec<(u64, u32, csv::StringRecord)> = Vec::new();
    for shard in &args.shards {
        let label = shard.display().to_string();
        let mut reader = csv::Reader::from_path(shard).map_err(|error| {
            Failure::from(Diagnostic::file(
                &label,
                format!("cannot read shard: {error}"),
            ))
        })?;
        let this = reader
            .headers()
            .map_err(|error| {
                Failure::from(Diagnostic::file(&label, format!("malformed CSV: {error}")))
            })?
            .clone();
        match &header {
            Some(first) if *first != this => {
                return Err(
                    Diagnostic::file(&label, "its columns differ from the first shard's")
                        .with_hint("merge only shards of the same scenario and sweep")
                        .into(),
                );
            }
            None if this.get(0) != Some("point") || this.get(1) != Some("replication") => {
                return Err(Diagnostic::file(
                    &label,
                    "not a sweep file (no `point`, `replication` columns)",
                )
                .into());
            }
            _ => header = Some(this),
        }
        for record in reader.records() {
            let record = record.map_err(|error| {
                Failure::from(Diagnostic::file(&label, format!("malformed CSV: {error}")))
            })?;
            let line = record
                .position()
                .map_or(0, |position| position.line() as usize);
            let bad = || {
                let mut diagnostic =
                    Diagnostic::file(&label, "`point` and `replication` must be whole numbers");
                diagnostic.line = line;
                Failure::from(diagnostic)
            };
            let point = record[0].parse().map_err(|_| bad())?;
            let replication = record[1].parse().map_err(|_| bad())?;
            rows.push((point, replication, record));
        }
    }
    rows.sort_by_key(|(point, replication, _)| (*point, *replication));
    // The shards must tile the grid: points 0, 1, 2, ... each with the same replications.
    let replications = rows
        .iter()
        .take_while(|(point, ..)| *point == 0)
        .count()
        .max(1) as u64;
    for (index, (point, replication, _)) in rows.iter().enumerate() {
        let (want_point, want_replication) =
            (index as u64 / replications, index as u64 % replications);
        if (*point, *replication as u64) != (want_point, want_replication) {
            return Err(Failure::Io(format!(
                "shards do not tile the grid: expected point {want_point} replication {want_replication}, found point {point} replication {replication} (a shard missing or given twice?)"
            )));
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    if let Some(header) = &header {
        writer
            .write_record(header)
            .map_err(|error| Failure::Io(error.to_string()))?;
    }
    for (_, _, record) in &rows {
        writer
            .write_record(record)
            .map_err(|error| Failure::Io(error.to_string()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| Failure::Io(error.to_string()))?;
    write_atomic(&args.out, &bytes)?;
    print_stdout(&format!(
        "merged {} shard(s), {} row(s) -> {}\n",
        args.shards.len(),
        rows.len(),
        args.out.display()
    ));
    Ok(super::Exit::Success.into())
}
