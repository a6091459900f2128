//! `plan`: the cheapest point of every policy's grid that meets the constraints, at the
//! command line (the walk itself is `sweep::evaluate`).

use super::sweep::{progress_bar, swept};
use super::{Failure, print_stdout, write_atomic};
use crate::error::Diagnostic;
use crate::model::Scenario;
use crate::plot::{Chart, Pareto};
use crate::scenario::Candidate;
use crate::sweep::evaluate::{Budget, Request, Search, evaluate};
use crate::sweep::{self, PointRow, plan};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `scaleplan plan`.
#[derive(Debug, clap::Args)]
#[command(group(
    clap::ArgGroup::new("constraint")
        .required(true)
        .multiple(true)
        .args(["max_violation", "slo", "max_unserved", "max_p99_latency"])
))]
pub struct PlanArgs {
    /// Scenario file: every policy is weighed, each over its own grid (`[policy.sweep]`, or
    /// the `[sweep]` naming it; a policy without one is a single point).
    scenario: PathBuf,
    /// Largest acceptable SLA violation: a share of the run (`0.1%`, or a fraction up to 0.5
    /// such as `0.001`) or a time budget over the run (`43m`).
    #[arg(long, value_name = "BUDGET", conflicts_with = "slo")]
    max_violation: Option<String>,
    /// The SLO instead: the share of the run that must be free of violation (`99.9%`).
    #[arg(long, value_name = "SHARE")]
    slo: Option<String>,
    /// Most unserved requests: a count (`5000`) or a share of those offered (`0.01%`).
    #[arg(long, value_name = "LIMIT")]
    max_unserved: Option<String>,
    /// Largest 99th-percentile response time (`250ms`, `1.5s`); needs the scenario's
    /// `latency_model`.
    #[arg(long, value_name = "TIME")]
    max_p99_latency: Option<String>,
    /// Plan from the results of `sweep` (e.g. merged shards) of one grid instead of running
    /// it: the grid `--policy` names, as for `sweep`.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// How to walk each grid: `grid` runs every point; `adaptive` samples the grid (a Latin
    /// hypercube) and refines around the best points found (compass search), within
    /// `--budget`.
    #[arg(long, value_enum, default_value = "grid", conflicts_with = "from")]
    search: Search,
    /// With `--search adaptive`: most points run per grid, a count (`200`) or a share of the
    /// grid (`5%`; default 10%).
    #[arg(long, value_name = "POINTS")]
    budget: Option<String>,
    /// Plan over this load instead of the scenario's (repeatable: feasible on each, cost the
    /// mean over them): a CSV trace of counts or rates, read as `trace stats` reads it,
    /// replacing the whole scenario load; its times move by whole days to start with the run.
    #[arg(long = "load", value_name = "FILE", conflicts_with = "from")]
    loads: Vec<PathBuf>,
    /// With `--from`: the policy whose grid the file holds (default: as for `sweep`).
    #[arg(long, value_name = "NAME", requires = "from")]
    policy: Option<String>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Also write plan.toml (the `[[policy]]` block), planned.toml (the whole scenario with
    /// the chosen point applied), plan.json, frontier.csv (every point), the Pareto chart and
    /// index.html here.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also give the winning configuration as configuration a cloud applies: `terraform`
    /// (after the plan, and as plan.tf with --out).
    #[arg(long, value_enum, value_name = "FORMAT")]
    export: Option<PlanExport>,
    /// With `--export terraform`: the provider whose resources to write.
    #[arg(long, value_enum, default_value = "aws")]
    provider: crate::export::Provider,
}

/// What `plan --export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PlanExport {
    /// Terraform HCL.
    Terraform,
}

/// `--budget`: a count of points per grid (200) or a share of it (5%); default 10%.
fn budget(text: Option<&str>) -> Result<Budget, Failure> {
    let Some(text) = text.map(str::trim) else {
        return Ok(Budget::DEFAULT);
    };
    let bad = || {
        Failure::Usage(format!(
            "bad --budget `{text}`: write a number of points (200) or a share of the grid (5%)"
        ))
    };
    match text.strip_suffix('%') {
        Some(percent) => percent
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|value| *value > 0.0 && *value <= 100.0)
            .map(Budget::Percent)
            .ok_or_else(bad),
        None => text
            .parse::<u64>()
            .ok()
            .filter(|count| *count > 0)
            .map(Budget::Points)
            .ok_or_else(bad),
    }
}

/// The most of the run a target may allow in violation: more than half is an SLO written
/// where a budget was meant (`--max-violation 99.9%`), not a target.
const MAX_TARGET_SHARE: f64 = 0.5;

/// A share written as a percent (`0.1%`) or a fraction (`0.001`), or `None`: `0.1%` ->
/// 0.001, `0.001` -> 0.001.
fn share(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, scale) = match text.strip_suffix('%') {
        Some(percent) => (percent.trim(), 0.01),
        None => (text, 1.0),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .map(|value| value * scale)
}

/// The planner's target as a share of the run (`duration` seconds), from `--max-violation`
/// (a share or a time budget) or `--slo`, refusing what cannot be meant.
fn violation_target(args: &PlanArgs, duration: u64) -> Result<Option<f64>, Failure> {
    let percent = |share: f64| crate::number::trim_float((share * 100.0 * 1e9).round() / 1e9);
    if let Some(text) = &args.slo {
        return share(text)
            .filter(|slo| (1.0 - MAX_TARGET_SHARE..=1.0).contains(slo))
            // 1 - 0.999 is 0.0010000000000000009: the target the user meant is 0.001.
            .map(|slo| ((1.0 - slo) * 1e12).round() / 1e12)
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "bad --slo `{text}`: write the share of the run without SLA violation, from 50% to 100%, e.g. --slo 99.9%"
                ))
            })
            .map(Some);
    }
    let Some(text) = args.max_violation.as_deref() else {
        return Ok(None);
    };
    let target = match share(text) {
        Some(target) => target,
        None => match crate::time::parse_duration(text.trim()) {
            Ok(seconds) => seconds as f64 / duration.max(1) as f64,
            Err(_) => {
                return Err(Failure::Usage(format!(
                    "bad --max-violation `{text}`: write a share of the run (0.1% or 0.001) or a time budget (43m)"
                )));
            }
        },
    };
    if target < 0.0 {
        return Err(Failure::Usage(format!(
            "bad --max-violation `{text}`: a budget cannot be negative"
        )));
    }
    if target > MAX_TARGET_SHARE {
        let hint = if target <= 1.0 {
            format!(
                "; an SLO of {}% is --max-violation {}% (or --slo {}%)",
                percent(target),
                percent(1.0 - target),
                percent(target)
            )
        } else {
            String::new()
        };
        return Err(Failure::Usage(format!(
            "bad --max-violation `{text}`: more than half the run in violation is not a target{hint}"
        )));
    }
    Ok(Some(target))
}

/// `--max-unserved`: a count of requests or a share of those offered (`0.01%`).
fn unserved_limit(text: &str) -> Result<plan::Unserved, Failure> {
    let bad = |why: &str| {
        Failure::Usage(format!(
            "bad --max-unserved `{text}`: {why}; write a number of requests (5000) or a share of those offered (0.01%)"
        ))
    };
    let trimmed = text.trim();
    let limit = match trimmed.strip_suffix('%') {
        Some(percent) => percent
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .map(|value| plan::Unserved::Share(value / 100.0)),
        None => trimmed
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .map(plan::Unserved::Requests),
    }
    .ok_or_else(|| bad("not a number"))?;
    match limit {
        plan::Unserved::Requests(value) | plan::Unserved::Share(value) if value < 0.0 => {
            Err(bad("a limit cannot be negative"))
        }
        plan::Unserved::Share(share) if share > 1.0 => Err(bad("a share is at most 100%")),
        limit => Ok(limit),
    }
}

/// `--max-p99-latency`: `250ms`, `1.5s`, `2m`.
fn latency_limit(text: &str) -> Result<f64, Failure> {
    let trimmed = text.trim();
    let (number, scale) = if let Some(ms) = trimmed.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(seconds) = trimmed.strip_suffix('s') {
        (seconds, 1.0)
    } else if let Some(minutes) = trimmed.strip_suffix('m') {
        (minutes, 60.0)
    } else {
        return Err(Failure::Usage(format!(
            "bad --max-p99-latency `{text}`: give a unit, e.g. 250ms or 1.5s"
        )));
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite() && *value > 0.0)
        .map(|value| value * scale)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "bad --max-p99-latency `{text}`: write a positive time such as 250ms"
            ))
        })
}

/// Every constraint of the command line, checked (a time budget needs the run's duration).
fn constraints(args: &PlanArgs, duration: u64) -> Result<plan::Constraints, Failure> {
    Ok(plan::Constraints {
        max_violation_share: violation_target(args, duration)?,
        max_unserved: args
            .max_unserved
            .as_deref()
            .map(unserved_limit)
            .transpose()?,
        max_p99_latency: args
            .max_p99_latency
            .as_deref()
            .map(latency_limit)
            .transpose()?,
    })
}

pub fn plan(args: &PlanArgs) -> Result<ExitCode, Failure> {
    // What can be checked before the scenario loads is (a time budget needs its duration).
    if args.slo.is_some() || args.max_violation.as_deref().and_then(share).is_some() {
        violation_target(args, 1)?;
    }
    args.max_unserved
        .as_deref()
        .map(unserved_limit)
        .transpose()?;
    args.max_p99_latency
        .as_deref()
        .map(latency_limit)
        .transpose()?;
    let loaded = super::load_noting(&args.scenario)?;
    let constraints = constraints(args, loaded.scenario.duration)?;
    let loads: Vec<(String, std::sync::Arc<crate::load::LoadSpec>)> = (args.loads.iter())
        .map(|path| planning_load(path, &loaded.scenario))
        .collect::<Result<_, _>>()?;
    let candidates: Vec<Candidate> = match &args.from {
        Some(_) => {
            let (sweep, scenario) = swept(&args.scenario, &loaded, args.policy.as_deref())?;
            vec![Candidate {
                name: sweep.policy.as_deref().unwrap_or(crate::model::AS_WRITTEN),
                scenario,
                sweep: sweep.clone(),
            }]
        }
        None => loaded.candidates(),
    };
    if constraints.max_p99_latency.is_some()
        && let Some(candidate) = candidates
            .iter()
            .find(|candidate| candidate.scenario.sla.latency_model.is_none())
    {
        return Err(Diagnostic::file(
            &args.scenario.display().to_string(),
            format!(
                "--max-p99-latency needs response times, but {} has no latency model",
                if candidate.name == crate::model::AS_WRITTEN {
                    "the scenario".to_string()
                } else {
                    format!("policy `{}`", candidate.name)
                }
            ),
        )
        .with_field("scenario.latency_model")
        .with_hint(
            "set latency_model = \"mmc\" (pooled servers, Erlang C) or \"mm1\" in [scenario]",
        )
        .into());
    }
    let request = Request {
        constraints,
        search: args.search,
        budget: budget(args.budget.as_deref())?,
        loads,
    };
    let stats: Vec<Vec<plan::PointStats>> = match &args.from {
        Some(file) => vec![stats_from_file(file, &candidates[0])?],
        None => {
            if args.budget.is_some() && args.search == Search::Grid {
                return Err(Failure::Usage(
                    "--budget limits an adaptive search: add --search adaptive".into(),
                ));
            }
            let bar = progress_bar(request.points(&candidates), args.quiet);
            let evaluation = evaluate(&candidates, &request, &|done| bar.inc(done));
            bar.finish_and_clear();
            if let Some(note) = &evaluation.note {
                eprintln!("note: {note}");
            }
            evaluation.stats
        }
    };
    let weighed = plan::Weighed::of(&candidates, &loaded.scenario, &request);
    let choice = plan::choose(&stats, &constraints);
    let mut text = plan::describe(&choice, &weighed);
    let snippet = choice.best.as_ref().map(|best| {
        let candidate = &candidates[best.candidate];
        plan::snippet(
            &loaded.scenario,
            candidate.scenario,
            &candidate.sweep,
            best.stats.point,
        )
    });
    if let Some(snippet) = &snippet {
        text.push_str(if snippet.contains("\n# set outside the policy: ") {
            // A policy cannot carry instance-type, SLA or load settings: the block alone
            // would run differently, and says which to set by hand.
            "\nPaste into the scenario to keep it, and set the values named at its end outside the policy (a policy cannot carry them):\n\n"
        } else {
            "\nPaste into the scenario to keep it:\n\n"
        });
        text.push_str(snippet);
    }
    // The winner as Terraform, decided before anything is written: a refusal writes nothing.
    let terraform = match (args.export, &choice.best) {
        (Some(PlanExport::Terraform), Some(best)) => {
            let candidate = &candidates[best.candidate];
            let winner = candidate
                .sweep
                .scenario_at(candidate.scenario, best.stats.point);
            let source = format!(
                "the plan of {} (policy {}, point {})",
                args.scenario.display(),
                candidate.name,
                best.stats.point
            );
            match super::export::terraform_text(
                &winner,
                args.provider,
                &source,
                &args.scenario.display().to_string(),
            ) {
                Ok(hcl) => Some(hcl),
                Err(failure) => {
                    print_stdout(&text);
                    return Err(failure);
                }
            }
        }
        _ => None,
    };
    if let Some(directory) = &args.out {
        let planned = choice.best.as_ref().map(|best| {
            let candidate = &candidates[best.candidate];
            plan::planned(
                &loaded,
                candidate.scenario,
                &candidate.sweep,
                best.stats.point,
                &weighed.loads,
                directory,
            )
        });
        write_plan(
            args,
            directory,
            &stats,
            &choice,
            &weighed,
            snippet.as_deref(),
            planned.as_deref(),
        )?;
        if let Some(hcl) = &terraform {
            write_atomic(&directory.join("plan.tf"), hcl.as_bytes())?;
        }
    }
    if let Some(hcl) = &terraform {
        text.push_str(&format!(
            "\nAs Terraform for the {} provider (plan.tf with --out):\n\n{hcl}",
            args.provider.name()
        ));
    }
    print_stdout(&text);
    Ok(if choice.best.is_some() {
        super::Exit::Success.into()
    } else {
        super::Exit::Gate.into()
    })
}

/// A `--load` trace as the scenario's whole load: read as `trace stats` reads a file (columns
/// by name or content), its times moved by whole days so that it starts with the run (times
/// of day kept: daily windows and cron tasks meet the same hours), and refused unless it then
/// covers the run. Returns its label for reports and the load.
fn planning_load(
    path: &Path,
    scenario: &Scenario,
) -> Result<(String, std::sync::Arc<crate::load::LoadSpec>), Failure> {
    use crate::load::trace::{self, TraceFormat, ValueKind};
    const DAY: i64 = 86_400;
    let label = path.display().to_string();
    if path == Path::new("-") {
        return Err(Failure::Usage(
            "--load reads a file (it is read twice, to find the shift): not standard input".into(),
        ));
    }
    let format = TraceFormat::csv(None, "", ValueKind::FromColumnName);
    let read = |clock: &crate::time::Clock| -> Result<trace::Trace, Failure> {
        let (label, input) = super::open_input(path, "load")?;
        trace::parse(&label, input, &format, clock).map_err(Failure::from)
    };
    let first = read(&scenario.clock)?;
    // The first whole day of the file at the run's time of day: a shift of whole days.
    let days = if first.times == trace::FileTimes::Offsets {
        0
    } else {
        first.span.0.div_euclid(DAY) + i64::from(first.span.0.rem_euclid(DAY) > 0)
    };
    let mut clock = scenario.clock;
    clock.start += chrono::TimeDelta::seconds(days * DAY);
    let mut parsed = read(&clock)?;
    if parsed.start > 0 || parsed.end() < scenario.duration as i64 {
        return Err(Diagnostic::file(
            &label,
            format!(
                "the load covers {} from {} (moved {days} day(s) to start with the run), but the run needs {}",
                crate::time::format_duration((parsed.span.1 - parsed.span.0).max(0) as u64),
                clock.format(0),
                crate::time::format_duration(scenario.duration)
            ),
        )
        .with_hint("give a trace at least as long as the run, starting at or before the run's time of day")
        .into());
    }
    if days != 0 {
        parsed.notes.push(format!(
            "moved by {days} day(s): its {} is the run's start",
            clock.format(0)
        ));
    }
    // Nothing of the scenario's own load stays: say what is set aside.
    let own = &scenario.load;
    let mut dropped: Vec<&str> = Vec::new();
    if own.diurnal.is_some() {
        dropped.push("diurnal");
    }
    if !own.daily.is_empty() {
        dropped.push("daily windows");
    }
    if own.growth.is_some() {
        dropped.push("growth");
    }
    if !own.bursts.is_empty() {
        dropped.push("bursts");
    }
    if own.noise.is_some() {
        dropped.push("noise");
    }
    if own.scale != 1.0 {
        dropped.push("scale");
    }
    if !dropped.is_empty() {
        parsed.notes.push(format!(
            "replaces the scenario's whole load: its {} not applied",
            dropped.join(", ")
        ));
    }
    if scenario.groups.iter().any(|group| group.load.is_some()) {
        parsed.notes.push(
            "groups with their own [group.load] keep it; only the scenario load is replaced".into(),
        );
    }
    for note in &parsed.notes {
        eprintln!("note: load {label}: {note}");
    }
    let load = crate::load::LoadSpec {
        base: crate::load::Base::Trace(parsed),
        scale: 1.0,
        diurnal: None,
        daily: Vec::new(),
        growth: None,
        bursts: Vec::new(),
        noise: None,
        start_second_of_day: scenario.load.start_second_of_day,
    };
    Ok((label, std::sync::Arc::new(load)))
}

/// The stats of a grid from a `sweep.csv` (or merged shards): its columns must be the grid's
/// and its rows must tile it, every point with every replication, in order.
fn stats_from_file(file: &Path, candidate: &Candidate) -> Result<Vec<plan::PointStats>, Failure> {
    let label = file.display().to_string();
    let sweep = &candidate.sweep;
    let fail = |line: usize, message: String| {
        let mut diagnostic = Diagnostic::file(&label, message);
        diagnostic.line = line;
        Failure::from(diagnostic)
    };
    let mut reader = csv::Reader::from_path(file)
        .map_err(|error| fail(0, format!("cannot read sweep results: {error}")))?;
    let header = reader
        .headers()
        .map_err(|error| fail(1, format!("malformed CSV: {error}")))?
        .clone();
    let expected = sweep::csv_header(sweep);
    if header.iter().ne(expected.iter().map(String::as_str)) {
        return Err(Diagnostic::file(
            &label,
            format!(
                "its columns are not those of the grid of {}",
                candidate.name
            ),
        )
        .with_hint(format!(
            "plan --from reads what `sweep` wrote for this scenario and grid; expected: {}",
            expected.join(",")
        ))
        .into());
    }
    let column = |name: &str| {
        expected
            .iter()
            .position(|column| column == name)
            .expect("own header")
    };
    let (cost, violation, unserved, offered, p99) = (
        column("cost"),
        column("sla_violation_seconds"),
        column("unserved_requests"),
        column("offered_requests"),
        column("p99_latency_seconds"),
    );
    let replications = sweep.replications as u64;
    let mut rows: Vec<PointRow> = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|error| fail(line, format!("malformed CSV: {error}")))?;
        let number = |at: usize, what: &str| -> Result<f64, Failure> {
            let cell = record.get(at).unwrap_or_default();
            cell.parse::<f64>()
                .map_err(|_| fail(line, format!("`{what}` is `{cell}`, not a number")))
        };
        let (want_point, want_replication) =
            (index as u64 / replications, index as u64 % replications);
        let (point, replication) = (number(0, "point")?, number(1, "replication")?);
        if (point, replication) != (want_point as f64, want_replication as f64) {
            return Err(fail(
                line,
                format!(
                    "expected point {want_point} replication {want_replication}, found point {point} replication {replication}: the results do not tile the grid (a shard missing or given twice?)"
                ),
            ));
        }
        let latency = match record.get(p99).unwrap_or_default() {
            "" => None,
            "inf" => Some(crate::engine::LatencyPercentiles {
                p99: None,
                ..Default::default()
            }),
            _ => Some(crate::engine::LatencyPercentiles {
                p99: Some(number(p99, "p99_latency_seconds")?),
                ..Default::default()
            }),
        };
        rows.push(PointRow {
            point: want_point,
            replication: want_replication as u32,
            seed: number(2, "seed")? as u64,
            total: crate::engine::GroupSummary {
                cost: number(cost, "cost")?,
                sla_violation_seconds: number(violation, "sla_violation_seconds")? as u64,
                unserved_requests: number(unserved, "unserved_requests")?,
                offered_requests: number(offered, "offered_requests")?,
                latency,
                ..Default::default()
            },
        });
    }
    if rows.len() as u64 != sweep.points() * replications {
        return Err(Diagnostic::file(
            &label,
            format!(
                "it holds {} row(s); the grid has {} point(s) x {} replication(s)",
                rows.len(),
                sweep.points(),
                replications
            ),
        )
        .with_hint("merge every shard first: scaleplan merge --out sweep.csv DIR/sweep.shard-*.csv")
        .into());
    }
    Ok(plan::point_stats(&rows, candidate.scenario.duration))
}

/// `plan --out DIR`: plan.toml, plan.json, frontier.csv, the Pareto chart with the target and
/// the chosen point, and index.html, as one output set.
fn write_plan(
    args: &PlanArgs,
    directory: &Path,
    stats: &[Vec<plan::PointStats>],
    choice: &plan::Plan,
    weighed: &plan::Weighed,
    snippet: Option<&str>,
    planned: Option<&str>,
) -> Result<(), Failure> {
    let base = weighed.base;
    let pareto = Pareto {
        points: (stats.iter().flatten())
            .map(|point| (point.cost.mean, 100.0 * point.violation_share.mean))
            .collect(),
        series: (stats.iter().zip(&weighed.names))
            .flat_map(|(points, name)| std::iter::repeat_n(name.to_string(), points.len()))
            .collect(),
        currency: base.currency.clone(),
        budget: weighed
            .constraints
            .max_violation_share
            .map(|share| 100.0 * share),
        chosen: choice.best.map(|best| {
            (
                best.stats.cost.mean,
                100.0 * best.stats.violation_share.mean,
            )
        }),
    };
    let charts = super::render_charts(vec![("pareto".into(), Chart::Pareto(&pareto))])?;
    let frontier = plan::frontier(stats, weighed);
    // The page lists the cheapest points first.
    let mut cheapest: Vec<&(f64, Vec<String>)> = frontier.rows.iter().collect();
    cheapest.sort_by(|a, b| a.0.total_cmp(&b.0));
    let table = crate::report::html::Table {
        headings: frontier.header.clone(),
        rows: (cheapest.into_iter())
            .take(crate::report::sweep::PAGE_POINTS)
            .map(|(_, row)| row.clone())
            .collect(),
    };
    let description = plan::describe(choice, weighed);
    let page = crate::report::html::render(&crate::report::html::Page {
        title: format!("{}: plan", base.name),
        subtitle: description.lines().next().unwrap_or_default().to_string(),
        summary: table,
        charts: super::svg_charts(&charts),
        sections: vec![crate::report::html::Section {
            title: "chosen".into(),
            text: description
                .lines()
                .skip(1)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join(" / "),
            tables: Vec::new(),
        }],
        scenario_text: super::scenario_text(&args.scenario)?,
    });
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (
            "plan.json".into(),
            plan::plan_json(choice, weighed).into_bytes(),
        ),
        ("frontier.csv".into(), frontier.to_csv()),
        ("index.html".into(), page.into_bytes()),
    ];
    if let Some(snippet) = snippet {
        files.push(("plan.toml".into(), snippet.as_bytes().to_vec()));
    }
    if let Some(planned) = planned {
        files.push(("planned.toml".into(), planned.as_bytes().to_vec()));
    }
    files.extend(charts);
    super::write_files(directory, files)
}
