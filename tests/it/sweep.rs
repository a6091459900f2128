//! `sweep`, `merge` and `plan`: determinism, equivalence with single runs, known answers.

use crate::common;

use predicates::prelude::*;
use std::fs;
use std::path::Path;

use crate::common::scaleplan;

fn sweep_into(scenario: &Path, out: &Path, threads: &str, extra: &[&str]) {
    scaleplan()
        .env("RAYON_NUM_THREADS", threads)
        .args(["sweep", "--quiet", "--out"])
        .arg(out)
        .arg(scenario)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn sweep_is_identical_on_one_or_two_threads_and_equal_to_merged_shards() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = Path::new("scenarios/cc-attack.toml");
    sweep_into(
        scenario,
        &directory.path().join("one"),
        "1",
        &["--policy", "alarm"],
    );
    sweep_into(
        scenario,
        &directory.path().join("two"),
        "2",
        &["--policy", "alarm"],
    );
    let single = fs::read(directory.path().join("one/sweep.csv")).unwrap();
    assert!(
        single == fs::read(directory.path().join("two/sweep.csv")).unwrap(),
        "thread count changed the sweep"
    );
    assert_eq!(String::from_utf8_lossy(&single).lines().count(), 1 + 48 * 3);
    for shard in ["1/3", "2/3", "3/3"] {
        sweep_into(
            scenario,
            &directory.path().join("shards"),
            "2",
            &["--policy", "alarm", "--shard", shard],
        );
    }
    let shards = directory.path().join("shards");
    // Shards in any order merge into the single run's file.
    scaleplan()
        .args(["merge", "--out"])
        .arg(directory.path().join("merged.csv"))
        .arg(shards.join("sweep.shard-3-of-3.csv"))
        .arg(shards.join("sweep.shard-1-of-3.csv"))
        .arg(shards.join("sweep.shard-2-of-3.csv"))
        .assert()
        .success();
    assert!(
        fs::read(directory.path().join("merged.csv")).unwrap() == single,
        "merged shards differ from the single sweep"
    );
    // A missing shard is caught.
    scaleplan()
        .args(["merge", "--out"])
        .arg(directory.path().join("partial.csv"))
        .arg(shards.join("sweep.shard-1-of-3.csv"))
        .arg(shards.join("sweep.shard-3-of-3.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("shards do not tile the grid"));
    assert!(!directory.path().join("partial.csv").exists());
}

/// A scenario whose sweep is small and whose rows are easy to reproduce by editing the file.
const SMALL: &str = r#"
[scenario]
name = "small"
start = "2026-01-05T00:00:00+00:00"
duration = "1d"
seed = 5
sla = { max_utilization = 0.8 }

[instance_types.small]
capacity_rps = 100
price_per_hour = 0.5
boot_time = "2m"

[load]
base_rps = 300
daily = [{ from = "09:00", to = "17:00", multiply = 2.0, ramp = "30m" }]
noise = { kind = "lognormal", sigma = 0.05 }

[[group]]
name = "web"
instance_type = "small"
min = 2
max = 20
desired = 4

[[group.rule]]
name = "grow"
change = 2
cooldown = "3m"

[[group.rule]]
name = "shrink"
change = -1

[[group.alarm]]
name = "high"
metric = "cpu"
period = "1m"
periods = 2
above = 70
run = "grow"

[[group.alarm]]
name = "low"
metric = "cpu"
period = "1m"
periods = 10
below = 30
run = "shrink"

[sweep]

[[sweep.parameter]]
path = "group.web.alarm.high.threshold"
values = [60, 80]

[[sweep.parameter]]
path = "group.web.rule.grow.cooldown"
from = "1m"
to = "5m"
step = "2m"
"#;

// Each sweep row equals a single `run` of the scenario edited to that row's values.
#[test]
fn each_sweep_row_equals_a_single_run_with_those_parameters() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("small.toml");
    fs::write(&scenario, SMALL).unwrap();
    sweep_into(&scenario, &directory.path().join("out"), "2", &[]);
    let mut reader = csv::Reader::from_path(directory.path().join("out/sweep.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    let costs: std::collections::BTreeSet<&str> = rows.iter().map(|row| &row[5]).collect();
    assert!(
        costs.len() > 1,
        "the parameters should change the outcome: {costs:?}"
    );
    for row in &rows {
        let (threshold, cooldown_seconds) = (&row[3], &row[4]);
        let edited = SMALL
            .replace("above = 70", &format!("above = {threshold}"))
            .replace(
                "cooldown = \"3m\"",
                &format!("cooldown = \"{cooldown_seconds}s\""),
            );
        let single = directory.path().join("single.toml");
        fs::write(&single, edited).unwrap();
        let output = scaleplan()
            .arg("run")
            .arg(&single)
            .arg("--json")
            .output()
            .unwrap();
        let json = common::json_stdout(&output);
        let total = &json["total"];
        assert_eq!(
            &row[5],
            format!("{:.6}", total["cost"].as_f64().unwrap()),
            "point {}",
            &row[0]
        );
        assert_eq!(&row[9], total["activities"].to_string().as_str());
        assert_eq!(
            &row[13],
            total["sla_violation_seconds"].to_string().as_str()
        );
        assert_eq!(
            &row[15],
            format!("{:.3}", total["unserved_requests"].as_f64().unwrap())
        );
    }
}

/// A fixed fleet of `desired` instances against a constant 450 rps at 100 rps each with an
/// SLA at 80% utilization: 6 instances (480 rps usable) is the smallest fleet with no
/// violation, so by construction the plan is 6 and the runner-up 7.
const KNOWN: &str = r#"
[scenario]
name = "known"
start = "2026-01-05T00:00:00+00:00"
duration = "1d"
sla = { max_utilization = 0.8 }

[instance_types.small]
capacity_rps = 100
price_per_hour = 1.0

[load]
base_rps = 450

[[group]]
name = "web"
instance_type = "small"
min = 1
max = 10
desired = 1

[sweep]
replications = 3
seeds = "independent"

[[sweep.parameter]]
path = "group.web.desired"
from = 1
to = 10
step = 1
"#;

#[test]
fn plan_picks_the_point_known_by_construction() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("known.toml");
    fs::write(&scenario, KNOWN).unwrap();
    let output = scaleplan()
        .args(["plan", "--quiet", "--max-violation", "0%"])
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "cheapest: policy as-written, point 5: group.web.desired = 6\n  cost 144.00 USD (mean; 95% CI 144.00 USD .. 144.00 USD)"
        ),
        "{text}"
    );
    assert!(
        text.contains("runner-up: policy as-written, point 6: group.web.desired = 7"),
        "{text}"
    );
    assert!(text.contains("5 of 10 points meet the target."), "{text}");
    // The snippet is a policy that reproduces the point when pasted back.
    let snippet = &text[text.find("[[policy]]").unwrap()..];
    let pasted = directory.path().join("pasted.toml");
    fs::write(&pasted, format!("{KNOWN}\n{snippet}")).unwrap();
    let run = scaleplan()
        .arg("run")
        .arg(&pasted)
        .args(["--policy", "planned", "--json"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["total"]["cost"], 144.0);
    assert_eq!(json["total"]["sla_violation_seconds"], 0);
    // A looser target lets the cheaper 5-instance fleet through? No: it violates all day.
    let output = scaleplan()
        .args(["plan", "--quiet", "--max-violation", "50%"])
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("cheapest: policy as-written, point 5:")
    );
    // An impossible target exits 1 and says so.
    fs::write(&scenario, KNOWN.replace("to = 10", "to = 5")).unwrap();
    scaleplan()
        .args(["plan", "--quiet", "--max-violation", "0.1%"])
        .arg(&scenario)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no point meets the target"));
}

#[test]
fn sweep_writes_heatmaps_and_a_pareto_chart() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("small.toml");
    fs::write(&scenario, SMALL).unwrap();
    sweep_into(&scenario, &directory.path().join("out"), "2", &[]);
    let charts = directory.path().join("out/charts");
    for name in ["heatmap-cost", "heatmap-sla", "pareto"] {
        let svg = fs::read_to_string(charts.join(format!("{name}.svg"))).unwrap();
        let texts = common::svg_texts(&svg);
        if name.starts_with("heatmap") {
            assert!(
                texts.contains(&"group.web.alarm.high.threshold".to_string()),
                "{texts:?}"
            );
            assert!(
                texts.contains(&"group.web.rule.grow.cooldown".to_string()),
                "{texts:?}"
            );
            assert!(texts.contains(&"3m".to_string()), "{texts:?}");
        } else {
            assert!(texts.contains(&"Pareto frontier".to_string()), "{texts:?}");
            assert!(texts.contains(&"cost (USD)".to_string()), "{texts:?}");
        }
        assert!(
            fs::metadata(charts.join(format!("{name}.png")))
                .unwrap()
                .len()
                > 1000
        );
    }
}

fn assert_rejected(text: &str, expected: &str) {
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("bad.toml");
    fs::write(&scenario, text).unwrap();
    scaleplan()
        .args(["sweep", "--quiet", "--out"])
        .arg(directory.path().join("out"))
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(expected));
    assert!(
        !directory.path().join("out").exists(),
        "output created for a rejected sweep"
    );
}

#[test]
fn bad_grids_are_rejected_before_any_run() {
    assert_rejected(
        &SMALL.replace(
            "group.web.alarm.high.threshold",
            "group.web.alarm.hihg.threshold",
        ),
        "unknown parameter path `group.web.alarm.hihg.threshold`: no alarm matches; alarms: high, low",
    );
    assert_rejected(
        &SMALL.replace("values = [60, 80]", "values = [\"60s\"]"),
        "`\"60s\"` is not a number",
    );
    assert_rejected(
        &SMALL.replace("from = \"1m\"", "from = 60"),
        "`60` is not a duration",
    );
    assert_rejected(
        &SMALL.replace("[sweep]\n", "[sweep]\nmax_points = 5\n"),
        "the grid has 6 points, more than max_points = 5",
    );
    assert_rejected(
        &SMALL.replace(
            "path = \"group.web.alarm.high.threshold\"\nvalues = [60, 80]",
            "path = \"group.web.min\"\nvalues = [2, 25]",
        ),
        "some grid points are not valid scenarios: point 3 (group.web.min = 25, group.web.rule.grow.cooldown = \"1m\"): group `web`: min 25 is above max 20",
    );
}

// Heatmap ticks are thinned so their labels never run together (46 values once read
// "4041424344..."), and the colour bar has ticks between its ends.
#[test]
fn heatmap_tick_labels_stay_apart() {
    use scaleplan::plot::{Chart, Heatmap, render_svg};
    let map = Heatmap {
        title: "t".into(),
        unit: "cost (USD)".into(),
        x_label: "group.web.max".into(),
        y_label: "group.web.min".into(),
        x_values: (10..56).map(|value| value.to_string()).collect(),
        // Over 144 cells: no value is written in a cell, only the ticks are texts.
        y_values: (1..5).map(|value| value.to_string()).collect(),
        cells: (0..46 * 4).map(|cell| Some(cell as f64)).collect(),
    };
    let svg = render_svg(Chart::Heatmap(&map)).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    // The x tick labels: texts that are one of the x values, with their positions.
    let mut ticks: Vec<(f64, String)> = document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .filter_map(|node| {
            let label = node.text()?.trim().to_string();
            let x: f64 = node.attribute("x")?.parse().ok()?;
            map.x_values.contains(&label).then_some((x, label))
        })
        .collect();
    ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(ticks.len() >= 5 && ticks.len() < 46, "{ticks:?}");
    for pair in ticks.windows(2) {
        // DejaVu Sans at 13 px: under 8.5 px a digit; a gap of 4 px at least.
        let width = 8.5 * pair[0].1.len() as f64;
        assert!(pair[1].0 - pair[0].0 >= width + 4.0, "{pair:?} overlap");
    }
    // Colour-bar ticks: the ends and three between.
    let texts = crate::common::svg_texts(&svg);
    for tick in ["0", "45.75", "91.5", "137.25", "183"] {
        assert!(
            texts.contains(&tick.to_string()),
            "{tick} missing: {texts:?}"
        );
    }
}

// `plan --out` writes the block to paste, the plan as JSON, every point and the Pareto chart
// with the target and the plan's choice.
#[test]
fn plan_out_writes_the_plan_the_frontier_and_the_chart() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("plan");
    let output = scaleplan()
        .args([
            "plan",
            "scenarios/cc-attack.toml",
            "--max-violation",
            "0.1%",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let block = fs::read_to_string(out.join("plan.toml")).unwrap();
    assert!(stdout.ends_with(&block), "{block}");
    assert!(block.starts_with("# scaleplan plan: point 44 ("), "{block}");
    assert!(
        block.contains("\n[[policy]]\nname = \"planned\"\n"),
        "{block}"
    );
    let plan: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["best"]["point"], 44);
    assert_eq!(plan["best"]["policy"], "alarm");
    // Six policies: the alarm grid (48), target tracking's (8) and four as written.
    assert_eq!(plan["points"], 60);
    assert_eq!(plan["constraints"]["max_violation_share"], 0.001);
    assert_eq!(plan["policies"][2]["policy"], "alarm");
    assert_eq!(plan["policies"][2]["feasible"], 3);
    assert_eq!(plan["policies"][5]["best"], serde_json::Value::Null);
    // planned.toml is the whole scenario at the chosen point: run with the plan's
    // replications, it gives the plan's numbers to the last bit.
    let planned = out.join("planned.toml");
    let header = fs::read_to_string(&planned).unwrap();
    assert!(
        header.contains("# `scaleplan run planned.toml --replications 3` gives the plan's means."),
        "{header}"
    );
    let run = common::json_stdout(
        &scaleplan()
            .args(["run", "--replications", "3", "--json"])
            .arg(&planned)
            .output()
            .unwrap(),
    );
    assert_eq!(run["cost"], plan["best"]["cost"]);
    assert_eq!(run["unserved_requests"], plan["best"]["unserved"]);
    assert_eq!(
        run["sla_violation_seconds"]["mean"].as_f64().unwrap() / (2.0 * 86_400.0),
        plan["best"]["violation_share"]["mean"].as_f64().unwrap()
    );
    let frontier = fs::read_to_string(out.join("frontier.csv")).unwrap();
    assert_eq!(frontier.lines().count(), 1 + 60);
    assert!(
        frontier.starts_with("policy,point,group.web.alarm.cpu-high.threshold,group.web.rule.add-four.change,group.web.alarm.cpu-high.periods,instance_types.c2-medium.boot_time,group.web.rule.track-cpu.target,group.web.rule.track-cpu.warmup,cost_mean,"),
        "{frontier}"
    );
    // Point 44 of the alarm grid meets the target; its boot time is written in seconds, and
    // the target-tracking columns are empty on its row.
    assert!(
        frontier
            .lines()
            .any(|line| line.starts_with("alarm,44,70,16,1,60,,,") && line.ends_with(",true")),
        "{frontier}"
    );
    assert!(
        frontier
            .lines()
            .any(|line| line.starts_with("target-tracking,7,,,,,70,120,")),
        "{frontier}"
    );
    let texts = common::svg_texts(&fs::read_to_string(out.join("charts/pareto.svg")).unwrap());
    assert!(
        texts.contains(&"SLA budget (0.1% of the run)".to_string()),
        "{texts:?}"
    );
    // Points of several policies: one legend entry (and colour) per policy.
    for policy in [
        "fixed",
        "scheduled",
        "alarm",
        "alarm-fast",
        "step",
        "target-tracking",
    ] {
        assert!(
            texts.contains(&policy.to_string()),
            "{policy} missing: {texts:?}"
        );
    }
    assert!(!texts.contains(&"sweep point".to_string()), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|text| text.starts_with("the plan's choice: 18.35 USD")),
        "{texts:?}"
    );
    assert!(out.join("index.html").is_file());
}

// Targets as users write them: a share (percent, or a fraction up to a half), a time budget
// over the run, or an SLO; an SLO written where a budget goes is refused with the budget meant.
#[test]
fn plan_targets_are_read_as_written_or_refused() {
    let plan = |args: &[&str]| {
        let output = scaleplan()
            .args(["plan", "scenarios/cc-attack.toml", "--quiet"])
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let target_line = |stdout: &str| stdout.lines().next().unwrap_or_default().to_string();
    let (_, percent, _) = plan(&["--max-violation", "0.1%"]);
    let (_, fraction, _) = plan(&["--max-violation", "0.001"]);
    let (_, slo, _) = plan(&["--slo", "99.9%"]);
    assert!(target_line(&percent).contains("target: SLA violation at most 0.1% of the run"));
    assert_eq!(fraction, percent);
    assert_eq!(slo, percent);
    // 43 minutes of the two-day run is 43 / 2880 of it.
    let (code, budget, _) = plan(&["--max-violation", "43m"]);
    assert_eq!(code, 0);
    assert!(
        target_line(&budget).contains("at most 1.4931% of the run"),
        "{budget}"
    );
    for (args, message) in [
        (
            vec!["--max-violation", "99.9%"],
            "error: bad --max-violation `99.9%`: more than half the run in violation is not a target; an SLO of 99.9% is --max-violation 0.1% (or --slo 99.9%)\n",
        ),
        (
            vec!["--max-violation", "0.999"],
            "error: bad --max-violation `0.999`: more than half the run in violation is not a target; an SLO of 99.9% is --max-violation 0.1% (or --slo 99.9%)\n",
        ),
        (
            vec!["--max-violation", "3d"],
            "error: bad --max-violation `3d`: more than half the run in violation is not a target\n",
        ),
        (
            vec!["--max-violation", "abc"],
            "error: bad --max-violation `abc`: write a share of the run (0.1% or 0.001) or a time budget (43m)\n",
        ),
        (
            vec!["--slo", "20%"],
            "error: bad --slo `20%`: write the share of the run without SLA violation, from 50% to 100%, e.g. --slo 99.9%\n",
        ),
    ] {
        let (code, _, stderr) = plan(&args);
        assert_eq!((code, stderr.as_str()), (2, message), "{args:?}");
    }
}

/// 500 rps on instances of 100 rps each, `desired` swept 1..10 (unserved requests and
/// response times fall as the fleet grows), M/M/c response times.
const SIZED: &str = r#"
[scenario]
name = "sized"
start = "2026-03-02T00:00:00Z"
duration = "1h"
latency_model = "mmc"

[instance_types.small]
capacity_rps = 100
price_per_hour = 1.0

[load]
base_rps = 500

[[group]]
name = "web"
instance_type = "small"
min = 1
max = 10
desired = 1

[sweep]
[[sweep.parameter]]
path = "group.web.desired"
from = 1
to = 10
step = 1
"#;

fn plan_sized(text: &str, args: &[&str]) -> (i32, String, String) {
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("sized.toml");
    fs::write(&scenario, text).unwrap();
    let output = scaleplan()
        .args(["plan", "--quiet"])
        .arg(&scenario)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn chosen_desired(stdout: &str) -> u32 {
    let line = stdout
        .lines()
        .find(|line| line.starts_with("cheapest: "))
        .unwrap_or_else(|| panic!("no choice:\n{stdout}"));
    line.rsplit("= ").next().unwrap().parse().unwrap()
}

// Each constraint form alone, and several at once (the point must meet all of them).
#[test]
fn plan_constraints_combine() {
    // 4 instances leave 100 of 500 rps unserved: 20% of the offered requests.
    let (code, unserved_share, _) = plan_sized(SIZED, &["--max-unserved", "25%"]);
    assert_eq!(
        (code, chosen_desired(&unserved_share)),
        (0, 4),
        "{unserved_share}"
    );
    assert!(
        unserved_share.contains("target: unserved requests at most 25% of those offered"),
        "{unserved_share}"
    );
    // 100 rps over the hour is 360,000 requests: a count just below that needs 5.
    let (_, unserved_count, _) = plan_sized(SIZED, &["--max-unserved", "359999"]);
    assert_eq!(chosen_desired(&unserved_count), 5);
    let (_, exact_count, _) = plan_sized(SIZED, &["--max-unserved", "360000"]);
    assert_eq!(
        chosen_desired(&exact_count),
        4,
        "a limit met exactly is met"
    );
    // At 5 instances the queue has no steady state; from 6 on, p99 falls with every server.
    let (_, latency, _) = plan_sized(SIZED, &["--max-p99-latency", "1s"]);
    assert_eq!(chosen_desired(&latency), 6, "{latency}");
    assert!(latency.contains(", p99 latency "), "{latency}");
    let (_, tight, _) = plan_sized(SIZED, &["--max-p99-latency", "50ms"]);
    assert_eq!(chosen_desired(&tight), 7, "{tight}");
    // Exponential service of 10 ms cannot have a p99 under 46 ms, however many servers.
    let (code, _, _) = plan_sized(SIZED, &["--max-p99-latency", "40ms"]);
    assert_eq!(code, 1);
    let (_, both, _) = plan_sized(
        SIZED,
        &["--max-unserved", "25%", "--max-p99-latency", "50ms"],
    );
    assert_eq!(chosen_desired(&both), 7);
    assert!(
        both.contains(
            "target: unserved requests at most 25% of those offered, p99 latency at most 50ms"
        ),
        "{both}"
    );
    let (_, all, _) = plan_sized(
        SIZED,
        &[
            "--max-unserved",
            "25%",
            "--max-p99-latency",
            "1s",
            "--max-violation",
            "0%",
        ],
    );
    // No violation at all needs utilization under the default 0.8: 7 instances (71%).
    assert_eq!(chosen_desired(&all), 7, "{all}");
}

#[test]
fn plan_constraint_refusals_say_what_to_write() {
    for (args, message) in [
        (
            vec!["--max-unserved", "lots"],
            "error: bad --max-unserved `lots`: not a number; write a number of requests (5000) or a share of those offered (0.01%)\n",
        ),
        (
            vec!["--max-unserved=-5"],
            "error: bad --max-unserved `-5`: a limit cannot be negative; write a number of requests (5000) or a share of those offered (0.01%)\n",
        ),
        (
            vec!["--max-unserved", "150%"],
            "error: bad --max-unserved `150%`: a share is at most 100%; write a number of requests (5000) or a share of those offered (0.01%)\n",
        ),
        (
            vec!["--max-p99-latency", "250"],
            "error: bad --max-p99-latency `250`: give a unit, e.g. 250ms or 1.5s\n",
        ),
        (
            vec!["--max-p99-latency=-1ms"],
            "error: bad --max-p99-latency `-1ms`: write a positive time such as 250ms\n",
        ),
    ] {
        let (code, _, stderr) = plan_sized(SIZED, &args);
        assert_eq!((code, stderr.as_str()), (2, message), "{args:?}");
    }
    let (code, _, stderr) = plan_sized(
        &SIZED.replace("latency_model = \"mmc\"\n", ""),
        &["--max-p99-latency", "250ms"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "--max-p99-latency needs response times, but the scenario has no latency model"
        ) && stderr.contains("set latency_model = \"mmc\""),
        "{stderr}"
    );
    let (code, _, stderr) = plan_sized(SIZED, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the following required arguments were not provided"),
        "{stderr}"
    );
}

// plan answers the which-policy question: the winner may be any policy, and each policy's
// grid is its own; merged shards plan like the sweep itself.
#[test]
fn plan_weighs_every_policy_and_plans_from_merged_shards() {
    let policies = format!(
        "{SIZED}
[[policy]]
name = \"big\"
[[policy.group]]
name = \"web\"
desired = 9

[[policy]]
name = \"tuned\"
[[policy.group]]
name = \"web\"
desired = 3
[policy.sweep]
[[policy.sweep.parameter]]
path = \"instance_types.small.capacity_rps\"
values = [50, 200]
"
    );
    let (code, stdout, _) = plan_sized(&policies, &["--max-unserved", "0"]);
    assert_eq!(code, 0, "{stdout}");
    // Three instances of 200 rps serve everything: the tuned policy wins at 3 USD.
    assert!(
        stdout.contains("plan for sized: 3 policies (as-written, big, tuned), 13 point(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cheapest: policy tuned, point 1: instance_types.small.capacity_rps = 200\n  cost 3.00 USD"),
        "{stdout}"
    );
    assert!(
        stdout.contains("runner-up: policy as-written, point 4: group.web.desired = 5"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  as-written  6 of 10 point(s) meet it; cost 5.00 USD, SLA violation 100.0000%: group.web.desired = 5\n  big         1 of 1 point(s) meet it; cost 9.00 USD, SLA violation 0.0000%: as written\n  tuned       1 of 2 point(s) meet it; cost 3.00 USD"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# set outside the policy: instance_types.small.capacity_rps = 200"),
        "{stdout}"
    );
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("sized.toml");
    fs::write(&scenario, &policies).unwrap();
    for shard in ["1/2", "2/2"] {
        scaleplan()
            .args([
                "sweep", "--quiet", "--policy", "tuned", "--shard", shard, "--out",
            ])
            .arg(directory.path())
            .arg(&scenario)
            .assert()
            .success();
    }
    let merged = directory.path().join("merged.csv");
    scaleplan()
        .args(["merge", "--out"])
        .arg(&merged)
        .arg(directory.path().join("sweep.shard-1-of-2.csv"))
        .arg(directory.path().join("sweep.shard-2-of-2.csv"))
        .assert()
        .success();
    let from = scaleplan()
        .args([
            "plan",
            "--quiet",
            "--max-unserved",
            "100%",
            "--policy",
            "tuned",
            "--from",
        ])
        .arg(&merged)
        .arg(&scenario)
        .output()
        .unwrap();
    let text = String::from_utf8(from.stdout).unwrap();
    assert!(
        text.contains("plan for sized: 1 policy (tuned), 2 point(s) x 1 replication(s)")
            && text.contains(
                "cheapest: policy tuned, point 0: instance_types.small.capacity_rps = 50"
            ),
        "{text}"
    );
    // Results of another grid, or missing rows, are refused.
    let (_, _, stderr) = {
        let output = scaleplan()
            .args(["plan", "--quiet", "--max-unserved", "0", "--from"])
            .arg(&merged)
            .arg(&scenario)
            .output()
            .unwrap();
        (0, String::new(), String::from_utf8(output.stderr).unwrap())
    };
    assert!(
        stderr.contains("its columns are not those of the grid of as-written"),
        "{stderr}"
    );
    let partial = directory.path().join("partial.csv");
    fs::copy(directory.path().join("sweep.shard-1-of-2.csv"), &partial).unwrap();
    let output = scaleplan()
        .args([
            "plan",
            "--quiet",
            "--max-unserved",
            "0",
            "--policy",
            "tuned",
            "--from",
        ])
        .arg(&partial)
        .arg(&scenario)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("it holds 1 row(s); the grid has 2 point(s) x 1 replication(s)"),
        "{stderr}"
    );
}

// Robust plans: feasible on every load given (last week, and the week of an attack), each
// moved by whole days to start with the run; a load shorter than the run is refused.
#[test]
fn plan_over_several_loads_is_feasible_on_each() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("sized.toml");
    fs::write(&scenario, SIZED).unwrap();
    let trace = |name: &str, day: u32, rate: u32, minutes: u32| {
        let mut text = String::from("time,rps\n");
        for minute in 0..minutes {
            text.push_str(&format!(
                "2026-02-{day:02}T{:02}:{:02}:00Z,{rate}\n",
                minute / 60,
                minute % 60
            ));
        }
        let path = directory.path().join(name);
        fs::write(&path, text).unwrap();
        path
    };
    let (last_week, attack) = (
        trace("last-week.csv", 23, 500, 90),
        trace("attack.csv", 25, 800, 90),
    );
    let plan = |loads: &[&Path]| {
        let mut command = scaleplan();
        command
            .args(["plan", "--quiet", "--max-unserved", "0"])
            .arg(&scenario);
        for load in loads {
            command.arg("--load").arg(load);
        }
        command.output().unwrap()
    };
    let alone = plan(&[&last_week]);
    assert!(
        String::from_utf8_lossy(&alone.stdout)
            .contains("cheapest: policy as-written, point 4: group.web.desired = 5"),
        "{}",
        String::from_utf8_lossy(&alone.stdout)
    );
    let both = plan(&[&last_week, &attack]);
    let (stdout, stderr) = (
        String::from_utf8(both.stdout).unwrap(),
        String::from_utf8(both.stderr).unwrap(),
    );
    assert!(
        stdout.contains("x 1 replication(s) on each of 2 loads ("),
        "{stdout}"
    );
    // 800 rps needs 8 instances of 100.
    assert!(
        stdout.contains(
            "cheapest: policy as-written, point 7: group.web.desired = 8\n  cost 8.00 USD"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "attack.csv: moved by -5 day(s): its 2026-02-25T00:00:00Z is the run's start"
        ),
        "{stderr}"
    );
    let short = trace("short.csv", 23, 500, 30);
    let refused = plan(&[&short]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr.contains("the load covers 30m from 2026-02-23T00:00:00Z (moved -7 day(s) to start with the run), but the run needs 1h"),
        "{stderr}"
    );
}

// The which-policy question, on every bundled scenario: every policy is weighed and listed.
#[test]
fn plan_weighs_every_policy_of_every_bundled_scenario() {
    for entry in fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|extension| extension != "toml") {
            continue;
        }
        let loaded = scaleplan::scenario::load(&path).unwrap();
        let output = scaleplan()
            .args(["plan", "--quiet", "--max-violation", "1%"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}: {stdout}",
            path.display()
        );
        assert!(
            stdout.contains("best of each policy:\n"),
            "{}: {stdout}",
            path.display()
        );
        for policy in &loaded.policies {
            assert!(
                stdout.contains(&format!("\n  {} ", policy.name)),
                "{}: {} missing\n{stdout}",
                path.display(),
                policy.name
            );
        }
        assert!(
            loaded.policies.iter().any(|policy| policy.sweep.is_some()),
            "{}: no policy has a grid",
            path.display()
        );
    }
}

#[test]
fn adaptive_search_runs_within_its_budget_or_is_refused() {
    let (code, stdout, _) = plan_sized(
        SIZED,
        &[
            "--max-unserved",
            "0",
            "--search",
            "adaptive",
            "--budget",
            "6",
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(", 6 of 10 (adaptive search) point(s) x 1 replication(s)"),
        "{stdout}"
    );
    // A 10-point grid within a 100% budget is the exhaustive answer.
    let (_, whole, _) = plan_sized(
        SIZED,
        &[
            "--max-unserved",
            "0",
            "--search",
            "adaptive",
            "--budget",
            "100%",
        ],
    );
    let (_, grid, _) = plan_sized(SIZED, &["--max-unserved", "0"]);
    assert_eq!(whole, grid);
    for (args, message) in [
        (
            vec!["--max-unserved", "0", "--budget", "5"],
            "error: --budget limits an adaptive search: add --search adaptive\n",
        ),
        (
            vec![
                "--max-unserved",
                "0",
                "--search",
                "adaptive",
                "--budget",
                "0",
            ],
            "error: bad --budget `0`: write a number of points (200) or a share of the grid (5%)\n",
        ),
        (
            vec![
                "--max-unserved",
                "0",
                "--search",
                "adaptive",
                "--budget",
                "150%",
            ],
            "error: bad --budget `150%`: write a number of points (200) or a share of the grid (5%)\n",
        ),
        (
            vec!["--max-unserved", "0", "--load", "-"],
            "error: --load reads a file (it is read twice, to find the shift): not standard input\n",
        ),
    ] {
        let (code, _, stderr) = plan_sized(SIZED, &args);
        assert_eq!((code, stderr.as_str()), (2, message), "{args:?}");
    }
}

// An adaptive search that samples no feasible point widens its budget rather than report a
// scenario it did not search as infeasible: on cc-attack, 10 of 60 points held none of the
// grid's three feasible points; widened once it finds the grid's own answer, and says so.
#[test]
fn adaptive_search_widens_when_its_sample_holds_no_feasible_point() {
    let output = scaleplan()
        .args([
            "plan",
            "scenarios/cc-attack.toml",
            "--max-violation",
            "0.1%",
        ])
        .args(["--search", "adaptive", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("note: the adaptive search found no point meeting the target in 10 point(s); widened 1 time(s) to 28 point(s), it found some\n"),
        "{stderr}"
    );
    assert!(
        stdout.contains("cheapest: policy alarm, point 44:"),
        "{stdout}"
    );
    // A target no point meets: the whole grid is run in the end, and the plan says none does.
    let output = scaleplan()
        .args(["plan", "scenarios/cc-attack.toml", "--max-violation", "0"])
        .args(["--search", "adaptive", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("no point meets the target (60 checked)"),
        "{stdout}"
    );
}

// A plan across policies, adaptive search included, is the same on one thread or two.
#[test]
fn plan_is_identical_on_one_or_two_threads() {
    let plan = |threads: &str| {
        scaleplan()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "plan",
                "scenarios/cc-attack.toml",
                "--quiet",
                "--max-violation",
                "0.1%",
            ])
            .args(["--search", "adaptive", "--budget", "50%"])
            .output()
            .unwrap()
            .stdout
    };
    let one = plan("1");
    assert!(String::from_utf8_lossy(&one).contains("32 of 60 (adaptive search) point(s)"));
    assert!(one == plan("2"), "thread count changed the plan");
}

/// Two policies with grids, and a top-level `[sweep]` that names one of them as the default.
fn two_grids(default: Option<&str>) -> String {
    let base = KNOWN.replace(
        "[sweep]\nreplications = 3\nseeds = \"independent\"\n\n[[sweep.parameter]]\npath = \"group.web.desired\"\nfrom = 1\nto = 10\nstep = 1\n",
        "",
    );
    let mut text = base
        + "\n[[policy]]\nname = \"small\"\n\n[policy.sweep]\n[[policy.sweep.parameter]]\npath = \"group.web.desired\"\nvalues = [2, 3]\n"
        + "\n[[policy]]\nname = \"large\"\n";
    match default {
        Some(name) => {
            text += &format!(
                "\n[sweep]\npolicy = \"{name}\"\n\n[[sweep.parameter]]\npath = \"group.web.desired\"\nvalues = [7, 8, 9]\n"
            );
        }
        None => {
            text += "\n[policy.sweep]\n[[policy.sweep.parameter]]\npath = \"group.web.desired\"\nvalues = [7, 8, 9]\n";
        }
    }
    text
}

// The docs promise that `sweep` and `plan --from` without `--policy` run the file's own
// `[sweep]`, also when it names a policy; where no default exists, the refusal's hint names
// what to do and never asks for grids that already exist.
#[test]
fn sweep_and_plan_from_default_to_the_policy_the_top_level_sweep_names() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = directory.path().join("two.toml");
    fs::write(&scenario, two_grids(Some("large"))).unwrap();
    let out = directory.path().join("out");
    let swept = scaleplan()
        .args(["sweep", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(swept.status.success());
    let stdout = String::from_utf8(swept.stdout).unwrap();
    assert!(
        stdout.contains("two.toml (policy large): 3 point(s) x 1 replication(s) = 3 run(s)"),
        "the sweep says which policy it swept: {stdout}"
    );
    let csv = fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "three points of `large`:\n{csv}");
    assert!(csv.contains("\n2,0,"), "{csv}");
    let plan = scaleplan()
        .args(["plan", "--quiet", "--max-violation", "0%", "--from"])
        .arg(out.join("sweep.csv"))
        .arg(&scenario)
        .output()
        .unwrap();
    let text = String::from_utf8(plan.stdout).unwrap();
    assert!(
        text.contains("cheapest: policy large, point 0: group.web.desired = 7"),
        "{text}{}",
        String::from_utf8_lossy(&plan.stderr)
    );

    fs::write(&scenario, two_grids(None)).unwrap();
    let refused = scaleplan()
        .args(["sweep", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr
            .contains("policies small, large each have a grid and no top-level [sweep] names one"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: pick one with --policy NAME, or name the default in a top-level [sweep] (policy = NAME)"),
        "{stderr}"
    );
    assert!(!stderr.contains("add [sweep]"), "{stderr}");
}
