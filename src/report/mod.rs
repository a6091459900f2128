//! Renders an outcome to text, JSON and CSV bytes. No files here: the CLI decides where
//! bytes go, so every renderer is testable and writes are atomic in one place.

use crate::engine::{GroupSummary, Outcome};
use crate::model::Scenario;
use crate::outputs::{columns, metrics};
use crate::time::format_duration;
use serde::Serialize;

mod fields;
pub mod html;
mod replications;
pub mod sweep;
mod timeline;
mod write_behind;

use fields::Fields;
pub use replications::{Replications, replications_json, replications_table};
pub use timeline::{ChunkSink, TimelineWriter};
pub use write_behind::WriteBehind;

/// The machine-readable summary (`summary.json`, `--json`).
#[derive(Debug, Serialize)]
pub struct SummaryDocument<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// The policy that ran, or `as-written` for the file without any policy's overrides.
    pub policy: &'a str,
    /// The currency of every amount of money.
    pub currency: &'a str,
    /// The IANA zone times are written in, when the scenario names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<&'static str>,
    /// Start, RFC 3339.
    pub start: String,
    /// Simulated span in seconds.
    pub duration_seconds: u64,
    /// Seed of the run.
    pub seed: u64,
    /// Metric period in seconds.
    pub metric_period_seconds: u64,
    /// SLA utilization threshold.
    pub sla_max_utilization: f64,
    /// The latency model, `mm1` or `mmc`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_model: Option<&'static str>,
    /// The latency SLA: percentile (0..100) and bound in milliseconds, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_latency: Option<(f64, f64)>,
    /// One entry per group.
    pub groups: &'a [GroupSummary],
    /// All groups together.
    pub total: &'a GroupSummary,
}

/// The summary as pretty JSON with a trailing newline; field order is fixed. `policy` is the
/// policy that ran (`None`: the file as written).
pub fn summary_json(scenario: &Scenario, policy: Option<&str>, outcome: &Outcome) -> String {
    let document = SummaryDocument {
        scenario: &scenario.name,
        policy: policy.unwrap_or(crate::model::AS_WRITTEN),
        currency: &scenario.currency,
        timezone: scenario.clock.zone.map(|zone| zone.name()),
        start: scenario.clock.format(0),
        duration_seconds: scenario.duration,
        seed: scenario.seed,
        metric_period_seconds: scenario.metric_period,
        sla_max_utilization: scenario.sla.max_utilization,
        latency_model: scenario.sla.latency_model.map(|model| model.as_str()),
        sla_latency: scenario
            .sla
            .latency
            .map(|target| (target.percentile * 100.0, target.max_seconds * 1000.0)),
        groups: &outcome.groups,
        total: &outcome.total,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("summary serializes");
    text.push('\n');
    text
}

/// The human summary: one row per group and a total row, under a header naming the policy
/// that ran (`None`: the file as written). `out` is the folder `run --out` wrote the files
/// into, so a note points at a file only where it exists.
pub fn summary_table(
    scenario: &Scenario,
    policy: Option<&str>,
    outcome: &Outcome,
    out: Option<&std::path::Path>,
) -> String {
    let see = |file: &str| match out {
        Some(folder) => format!("see {}", folder.join(file).display()),
        None => format!("`run --out DIR` writes them to {file}"),
    };
    // The metric table's columns, with the rejections (two counts in one cell) after the
    // activities they were not.
    let (before, after) = metrics::SUMMARY.split_at(5);
    let heading = |metric: &metrics::Metric| metric.heading(&scenario.currency);
    let header: Vec<String> = std::iter::once("group".to_string())
        .chain(before.iter().map(heading))
        .chain(["rejected".to_string()])
        .chain(after.iter().map(heading))
        .collect();
    let row = |summary: &GroupSummary| -> Vec<String> {
        let cells = |metrics: &[metrics::Metric]| -> Vec<String> {
            metrics
                .iter()
                .map(|metric| metric.display(metric.value(summary)))
                .collect()
        };
        std::iter::once(summary.name.clone())
            .chain(cells(before))
            .chain([format!(
                "{} cooldown, {} busy",
                summary.rejected_by_cooldown, summary.rejected_busy
            )])
            .chain(cells(after))
            .collect()
    };
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|cell| cell.to_string()).collect()];
    rows.extend(outcome.groups.iter().map(row));
    if outcome.groups.len() > 1 {
        rows.push(row(&outcome.total));
    }
    let mut out = format!(
        "scenario {}, {}: {} from {}, seed {}\n\n",
        scenario.name,
        policy.map_or("as written".to_string(), |name| format!("policy {name}")),
        format_duration(scenario.duration),
        scenario.clock.format(0),
        scenario.seed
    );
    out.push_str(&aligned(&rows, 1));
    for summary in &outcome.groups {
        if let Some(mape) = summary.forecast_mape {
            out.push_str(&format!(
                "\n{}: predictive forecast error (MAPE of hourly peaks) {mape:.1}%; {}\n",
                summary.name,
                see("forecast.csv")
            ));
        }
    }
    // With weights, `peak` and `mean` count capacity units: say what that is in instances.
    if scenario.instance_types.iter().any(|kind| kind.weight != 1) {
        for summary in &outcome.groups {
            out.push_str(&format!(
                "\n{}: peak {} capacity units in service ({} instances), mean {:.2} units ({:.2} instances)\n",
                summary.name,
                summary.peak_in_service,
                summary.peak_instances,
                summary.mean_in_service,
                summary.mean_instances
            ));
        }
    }
    let failed = outcome.total.failed_tasks;
    if failed > 0 {
        out.push_str(&format!(
            "\n{failed} scheduled task firing(s) failed; {}\n",
            see("activities.csv")
        ));
    }
    let failed = outcome.total.failed_launches;
    if failed > 0 {
        out.push_str(&format!(
            "\n{failed} scale-out or replacement launch(es) found no stock and launched nothing; {}\n",
            see("activities.csv")
        ));
    }
    let total = &outcome.total;
    if total.reclaimed + total.failed + total.no_stock > 0 {
        out.push_str(&format!(
            "\nfleet: {} preemptible instance(s) reclaimed, {} instance failure(s), {} unit(s) found no stock; {}\n",
            total.reclaimed,
            total.failed,
            total.no_stock,
            see("activities.csv")
        ));
    }
    if let Some(latency) = total.latency {
        out.push_str(&format!(
            "\nresponse time (latency model): p50 {}, p95 {}, p99 {}\n",
            milliseconds(latency.p50),
            milliseconds(latency.p95),
            milliseconds(latency.p99)
        ));
    }
    out
}

/// A latency in milliseconds; `None` is unbounded (overload).
fn milliseconds(seconds: Option<f64>) -> String {
    seconds.map_or("unbounded".into(), |value| {
        format!("{:.1} ms", value * 1000.0)
    })
}

/// Rows as a text table: the first `left` columns left-aligned, the rest right-aligned, a rule
/// under the header.
pub fn aligned(rows: &[Vec<String>], left: usize) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (index, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                if column < left {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if index == 0 {
            let rule: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            out.push_str(&"-".repeat(rule));
            out.push('\n');
        }
    }
    out
}

/// A comparison row as cells: exact-enough numbers for CSV, the same for Markdown.
fn compare_cells(row: &crate::compare::Row) -> Vec<String> {
    vec![
        row.policy.clone(),
        format!("{:.4}", row.total.cost),
        format!("{:.4}", row.saving),
        row.saving_percent
            .map_or(String::new(), |value| format!("{value:.2}")),
        format!("{:.4}", row.total.instance_hours),
        row.total.peak_in_service.to_string(),
        row.total.activities.to_string(),
        row.total.sla_violation_seconds.to_string(),
        format!("{:.0}", row.total.unserved_requests),
        row.total
            .p95_utilization
            .map_or(String::new(), |value| format!("{value:.4}")),
        row.total
            .oracle_cost
            .map_or(String::new(), |value| format!("{value:.4}")),
        format!("{:.4}", row.total.booting_instance_hours),
        row.total.reclaimed.to_string(),
        row.total.failed.to_string(),
        row.total.no_stock.to_string(),
        row.total.latency.map_or(String::new(), |latency| {
            latency
                .p95
                .map_or("unbounded".into(), |value| format!("{:.3}", value * 1000.0))
        }),
    ]
    .into_iter()
    .chain(elasticity_cells(row))
    .collect()
}

/// θ_U, θ_O, τ_U, τ_O of a one-group comparison row (none across several groups).
fn elasticity_cells(row: &crate::compare::Row) -> Vec<String> {
    match row.elasticity {
        Some(metrics) => [
            metrics.theta_under,
            metrics.theta_over,
            metrics.tau_under,
            metrics.tau_over,
        ]
        .iter()
        .map(|value| format!("{value:.2}"))
        .collect(),
        None => vec![String::new(); 4],
    }
}

/// The comparison for a terminal: one row per policy, savings against the first.
pub fn compare_table(scenario: &Scenario, rows: &[crate::compare::Row]) -> String {
    let money = |label: &str| format!("{label} ({})", scenario.currency);
    let mut table = vec![
        [
            "policy",
            &money("cost"),
            &money("saving"),
            "saving %",
            "inst-hours",
            "peak",
            "activities",
            "SLA violation",
            "unserved req",
            "p95 util",
        ]
        .iter()
        .map(|cell| cell.to_string())
        .collect::<Vec<_>>(),
    ];
    for row in rows {
        table.push(vec![
            row.policy.clone(),
            format!("{:.2}", row.total.cost),
            format!("{:+.2}", row.saving),
            row.saving_percent
                .map_or("-".into(), |value| format!("{value:+.1}%")),
            format!("{:.2}", row.total.instance_hours),
            row.total.peak_in_service.to_string(),
            row.total.activities.to_string(),
            format_duration(row.total.sla_violation_seconds),
            format!("{:.0}", row.total.unserved_requests),
            row.total
                .p95_utilization
                .map_or("-".into(), |value| format!("{:.1}%", 100.0 * value)),
        ]);
    }
    format!(
        "scenario {}: {} from {}, seed {}; saving against `{}`\n\n{}",
        scenario.name,
        format_duration(scenario.duration),
        scenario.clock.format(0),
        scenario.seed,
        rows.first().map_or("", |row| row.policy.as_str()),
        aligned(&table, 1)
    )
}

/// `compare.csv`.
pub fn compare_csv(rows: &[crate::compare::Row]) -> Vec<u8> {
    csv_bytes(|writer| {
        writer.write_record(columns::compare::HEADER)?;
        for row in rows {
            writer.write_record(compare_cells(row))?;
        }
        Ok(())
    })
}

/// The bar chart's bars: each policy's cost and SLA violation, as `compare.csv` has them.
pub fn policy_bars(rows: &[crate::compare::Row]) -> Vec<crate::plot::PolicyBar> {
    (rows.iter())
        .map(|row| crate::plot::PolicyBar {
            policy: row.policy.clone(),
            cost: row.total.cost,
            sla_violation_seconds: row.total.sla_violation_seconds,
        })
        .collect()
}

/// When each scaling activity started and whether it scaled out, as the timeline charts
/// mark them: every activity that changed capacity (`activities.csv`'s rows with such a
/// status).
pub fn activity_starts(
    scenario: &Scenario,
    outcome: &Outcome,
) -> Vec<(chrono::DateTime<chrono::FixedOffset>, bool)> {
    (outcome.activities.iter())
        .filter(|activity| activity.status.is_activity())
        .map(|activity| {
            (
                scenario.clock.at(activity.start),
                activity.to > activity.from,
            )
        })
        .collect()
}

/// The comparison as JSON (`compare --json`, `--export-json`): the run's settings, then one
/// object per policy with its saving and its summary over all groups.
pub fn compare_json(scenario: &Scenario, rows: &[crate::compare::Row]) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        scenario: &'a str,
        currency: &'a str,
        start: String,
        duration_seconds: u64,
        seed: u64,
        baseline: &'a str,
        policies: &'a [crate::compare::Row],
    }
    let mut text = serde_json::to_string_pretty(&Document {
        scenario: &scenario.name,
        currency: &scenario.currency,
        start: scenario.clock.format(0),
        duration_seconds: scenario.duration,
        seed: scenario.seed,
        baseline: rows.first().map_or("", |row| row.policy.as_str()),
        policies: rows,
    })
    .expect("comparison serializes");
    text.push('\n');
    text
}

/// `index.html` of a comparison: the table (sortable), the charts (`(name, SVG)`), a section
/// per policy with its activity history (`activities.csv` bytes, by policy) and the scenario
/// as written.
pub fn compare_html(
    scenario: &Scenario,
    rows: &[crate::compare::Row],
    charts: Vec<(String, String)>,
    activities: &[(String, Vec<u8>)],
    scenario_text: &str,
) -> String {
    let sections = rows
        .iter()
        .zip(activities)
        .map(|(row, (_, bytes))| html::Section {
            title: row.policy.clone(),
            text: format!(
                "cost {:.2} {}, saving {:+.2} against `{}`; {:.2} instance-hours; SLA violation {}; {:.0} unserved requests; {} scaling activities",
                row.total.cost,
                scenario.currency,
                row.saving,
                rows[0].policy,
                row.total.instance_hours,
                format_duration(row.total.sla_violation_seconds),
                row.total.unserved_requests,
                row.total.activities
            ),
            tables: vec![("activities".to_string(), html::csv_table(bytes))],
        })
        .collect();
    html::render(&html::Page {
        title: format!("{}: policy comparison", scenario.name),
        subtitle: format!(
            "{} from {}, seed {}; savings against `{}`; money in {}",
            format_duration(scenario.duration),
            scenario.clock.format(0),
            scenario.seed,
            rows.first().map_or("", |row| row.policy.as_str()),
            scenario.currency
        ),
        summary: html::Table {
            headings: columns::compare::headings(&scenario.currency).to_vec(),
            rows: rows.iter().map(compare_cells).collect(),
        },
        charts,
        sections,
        scenario_text: scenario_text.to_string(),
    })
}

/// `compare.md`: a GitHub-flavoured Markdown table.
pub fn compare_markdown(scenario: &Scenario, rows: &[crate::compare::Row]) -> String {
    let headings = columns::compare::headings(&scenario.currency);
    let mut out = format!(
        "# {}: policy comparison\n\n{} from {}, seed {}. Savings are against `{}`; money in {}.\n\n| {} |\n|{}\n",
        scenario.name,
        format_duration(scenario.duration),
        scenario.clock.format(0),
        scenario.seed,
        rows.first().map_or("", |row| row.policy.as_str()),
        scenario.currency,
        headings.join(" | "),
        " --- |".repeat(headings.len())
    );
    for row in rows {
        out.push_str(&format!("| {} |\n", compare_cells(row).join(" | ")));
    }
    out
}

fn csv_bytes(write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    write(&mut writer).expect("writing CSV to memory cannot fail");
    writer.into_inner().expect("flushing to memory cannot fail")
}

/// `header` then one record per item, the items rendered in chunks spread over rayon's
/// threads and joined in order (each record stands alone in CSV, so the bytes are those of
/// one writer): a year's `activities.csv` has ten thousand rows of text and times. Each chunk
/// builds its records in one [`Fields`] of `clock`'s times.
fn csv_rows<T: Sync>(
    header: &[&str],
    items: &[T],
    clock: &crate::time::Clock,
    record: impl Fn(&mut Fields, &T) + Sync,
) -> Vec<u8> {
    use rayon::prelude::*;
    let chunks: Vec<Vec<u8>> = items
        .par_chunks(512)
        .map(|chunk| {
            let mut fields = Fields::new(clock);
            csv_bytes(|writer| {
                for item in chunk {
                    record(&mut fields, item);
                    fields.write(writer)?;
                }
                Ok(())
            })
        })
        .collect();
    let mut bytes = csv_bytes(|writer| writer.write_record(header));
    bytes.reserve(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        bytes.extend_from_slice(&chunk);
    }
    bytes
}

/// `timeline.csv` of an outcome that kept its timeline: one row per metric period per group.
pub fn timeline_csv(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    use crate::engine::TimelineSink;
    let mut writer = TimelineWriter::new(scenario, Vec::new());
    for row in &outcome.timeline {
        writer.row(row);
    }
    writer.finish().expect("writing to memory cannot fail")
}

/// `forecast.csv`: each forecast hour of predictive rules against the actual peak.
pub fn forecast_csv(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    csv_bytes(|writer| {
        writer.write_record(columns::forecast::HEADER)?;
        for point in &outcome.forecasts {
            writer.write_record([
                scenario.clock.format(point.hour_start),
                scenario.groups[point.group].name.clone(),
                format!("{:.3}", point.forecast_rps),
                point.capacity.to_string(),
                format!("{:.3}", point.actual_rps),
                if point.actual_rps > 0.0 {
                    format!(
                        "{:.2}",
                        100.0 * (point.forecast_rps - point.actual_rps) / point.actual_rps
                    )
                } else {
                    String::new()
                },
            ])?;
        }
        Ok(())
    })
}

/// `instances.csv`: every instance's billed life, to audit the bill.
pub fn instances_csv(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    csv_rows(
        &columns::instances::HEADER,
        &outcome.instances,
        &scenario.clock,
        |fields, instance| {
            let group = &scenario.groups[instance.group].name;
            fields
                .text(group)
                .with(|out| instance_id(out, group, instance.id))
                .text(&scenario.instance_types[instance.instance_type].name)
                .text(if instance.preemptible {
                    "preemptible"
                } else {
                    "pay_as_you_go"
                })
                .text(&scenario.zones[instance.zone])
                .time(0, Some(instance.launched_at))
                .time(1, Some(instance.ended_at))
                .text(instance.end.as_str())
                .integer(instance.billed_seconds)
                .fixed6(instance.cost);
        },
    )
}

/// An instance's name, `group-id`, as `instances.csv` and `activities.csv` write it.
fn instance_id(out: &mut Vec<u8>, group: &str, id: u32) {
    out.extend_from_slice(group.as_bytes());
    out.push(b'-');
    crate::number::decimal::push_integer(out, u64::from(id));
}

/// `activities.csv`: the scaling activity history.
pub fn activities_csv(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    csv_rows(
        &columns::activities::HEADER,
        &outcome.activities,
        &scenario.clock,
        |fields, activity| {
            let group = &scenario.groups[activity.group].name;
            let ids = |ids: &[u32], out: &mut Vec<u8>| {
                for (index, &id) in ids.iter().enumerate() {
                    if index > 0 {
                        out.push(b' ');
                    }
                    instance_id(out, group, id);
                }
            };
            fields
                .time(0, Some(activity.start))
                .time(0, activity.end)
                .text(group)
                .text(&activity.cause.describe(scenario, activity.group))
                .integer(u64::from(activity.from))
                .integer(u64::from(activity.to))
                .text(activity.status.as_str())
                .text(&activity.detail(scenario))
                .with(|out| ids(&activity.launched, out))
                .with(|out| ids(&activity.terminated, out));
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `activities.csv` and `instances.csv` as they were rendered before [`Fields`]: a
    /// `String` per field, `Clock::format` for times, `format!` for the rest.
    fn reference_files(scenario: &Scenario, outcome: &Outcome) -> (Vec<u8>, Vec<u8>) {
        let activities = csv_bytes(|writer| {
            writer.write_record(columns::activities::HEADER)?;
            for activity in &outcome.activities {
                let group = &scenario.groups[activity.group].name;
                let ids = |ids: &[u32]| {
                    ids.iter()
                        .map(|id| format!("{group}-{id}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                writer.write_record([
                    scenario.clock.format(activity.start),
                    activity
                        .end
                        .map_or(String::new(), |end| scenario.clock.format(end)),
                    group.clone(),
                    activity.cause.describe(scenario, activity.group),
                    activity.from.to_string(),
                    activity.to.to_string(),
                    activity.status.as_str().to_string(),
                    activity.detail(scenario),
                    ids(&activity.launched),
                    ids(&activity.terminated),
                ])?;
            }
            Ok(())
        });
        let instances = csv_bytes(|writer| {
            writer.write_record(columns::instances::HEADER)?;
            for instance in &outcome.instances {
                let group = &scenario.groups[instance.group].name;
                writer.write_record([
                    group.clone(),
                    format!("{group}-{}", instance.id),
                    scenario.instance_types[instance.instance_type].name.clone(),
                    if instance.preemptible {
                        "preemptible"
                    } else {
                        "pay_as_you_go"
                    }
                    .into(),
                    scenario.zones[instance.zone].clone(),
                    scenario.clock.format(instance.launched_at),
                    scenario.clock.format(instance.ended_at),
                    instance.end.as_str().to_string(),
                    instance.billed_seconds.to_string(),
                    format!("{:.6}", instance.cost),
                ])?;
            }
            Ok(())
        });
        (activities, instances)
    }

    #[test]
    fn activity_and_instance_files_are_the_plain_renderings_bytes() {
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir("scenarios")
            .expect("the bundled scenarios")
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        paths.sort();
        paths.push("docs/examples/zones.toml".into());
        let mut rows = 0;
        for path in &paths {
            let loaded = crate::scenario::load(path).expect("a bundled scenario loads");
            for (name, scenario) in loaded.variants() {
                let options = crate::engine::RunOptions {
                    timeline: false,
                    history: true,
                    stepwise: false,
                };
                let outcome = crate::engine::simulate(scenario, &loaded.load, options);
                let (activities, instances) = reference_files(scenario, &outcome);
                let context = format!("{} {name}", path.display());
                assert_eq!(activities_csv(scenario, &outcome), activities, "{context}");
                assert_eq!(instances_csv(scenario, &outcome), instances, "{context}");
                rows += outcome.activities.len() + outcome.instances.len();
            }
        }
        assert!(rows > 10_000, "{rows} rows compared");
    }

    #[test]
    fn rows_rendered_in_chunks_are_one_writers_bytes() {
        // Around the chunk of 512: none, within one, on its edge, and across several; fields
        // that need quoting, so each chunk's writer decides quoting as the single one would.
        for count in [0, 1, 511, 512, 513, 2_000] {
            let items: Vec<String> = (0..count)
                .map(|index| match index % 3 {
                    0 => format!("plain {index}"),
                    1 => format!("comma, {index}"),
                    _ => format!("quote \" {index}\nline"),
                })
                .collect();
            let clock = crate::time::Clock::new(
                chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("a time"),
            );
            let chunked = csv_rows(&["name", "index"], &items, &clock, |fields, item| {
                fields.text(item).integer(1);
            });
            let single = csv_bytes(|writer| {
                writer.write_record(["name", "index"])?;
                for item in &items {
                    writer.write_record([item.as_str(), "1"])?;
                }
                Ok(())
            });
            assert_eq!(chunked, single, "{count} rows");
        }
    }
}
