//! What a user sees: commands, outputs, exit codes and error messages.

use crate::common;

use predicates::prelude::*;
use std::fs;
use std::path::Path;

use crate::common::scaleplan;

#[test]
fn run_json_prints_the_summary_as_json() {
    let output = scaleplan()
        .args(["run", "scenarios/cc-attack.toml", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["scenario"], "cc-attack");
    assert_eq!(json["groups"][0]["name"], "web");
    assert!(json["total"]["cost"].as_f64().unwrap() > 0.0);
    assert!(json["total"]["rejected_by_cooldown"].as_u64().unwrap() > 0);
    assert!(json["total"]["unserved_requests"].as_f64().unwrap() > 0.0);
}

#[test]
fn run_out_writes_summary_timeline_and_activities() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("lunch");
    scaleplan()
        .args(["run", "scenarios/lunch-peak.toml", "--out"])
        .arg(&out)
        .assert()
        .success();
    let timeline = fs::read_to_string(out.join("timeline.csv")).unwrap();
    let mut lines = timeline.lines();
    assert_eq!(
        lines.next(),
        Some(
            "time,group,load_rps,desired,pending,in_service,capacity_rps,utilization,violation_seconds,cost_so_far"
        )
    );
    assert_eq!(timeline.lines().count(), 1 + 7 * 1440);
    // 11:00 on the first day: the scheduled task has raised desired to 4, two are booting.
    let eleven = timeline
        .lines()
        .find(|line| line.starts_with("2026-03-02T11:00:00+08:00"))
        .unwrap();
    assert!(eleven.contains(",4,2,2,240.000,"), "{eleven}");

    let activities = fs::read_to_string(out.join("activities.csv")).unwrap();
    assert_eq!(activities.lines().count(), 1 + 14);
    let first = activities.lines().nth(1).unwrap();
    assert!(
        first.starts_with("2026-03-02T11:00:00+08:00,2026-03-02T11:01:30+08:00,ordering-servers,scheduled lunch-up,2,4,successful,"),
        "{first}"
    );
    assert!(
        first.ends_with("ordering-servers-2 ordering-servers-3,"),
        "{first}"
    );

    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["total"]["instance_hours"], 364.0);

    // The bill, instance by instance, adds up to the summary's cost.
    let instances = fs::read_to_string(out.join("instances.csv")).unwrap();
    let mut rows = instances.lines();
    assert_eq!(
        rows.next(),
        Some("group,instance,instance_type,market,zone,launched,ended,end,billed_seconds,cost")
    );
    let billed: f64 = rows
        .map(|row| row.rsplit(',').next().unwrap().parse::<f64>().unwrap())
        .sum();
    let cost = summary["total"]["cost"].as_f64().unwrap();
    assert!((billed - cost).abs() < 1e-4, "{billed} vs {cost}");
    // The set and its manifest, written last; no temporary files are left behind.
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".scaleplan-outputs",
            "activities.csv",
            "instances.csv",
            "summary.json",
            "timeline.csv"
        ],
    );
    assert!(!directory.path().read_dir().unwrap().any(|entry| {
        entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp-")
    }));
}

#[test]
fn same_scenario_gives_byte_identical_outputs() {
    let directory = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        scaleplan()
            .args(["run", "scenarios/viral-launch.toml", "--out"])
            .arg(directory.path().join(name))
            .assert()
            .success();
    }
    for file in [
        "summary.json",
        "timeline.csv",
        "activities.csv",
        "instances.csv",
    ] {
        let a = fs::read(directory.path().join("a").join(file)).unwrap();
        let b = fs::read(directory.path().join("b").join(file)).unwrap();
        assert!(a == b, "{file} differs between runs");
    }
}

#[test]
fn validate_accepts_every_bundled_scenario() {
    for entry in fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "toml")
        {
            scaleplan()
                .arg("validate")
                .arg(&path)
                .assert()
                .success()
                .stdout(predicate::str::contains(": ok ("));
        }
    }
}

/// Writes `text` to a scenario in a temporary directory and runs `args` on it with `--out`.
fn run_bad(text: &str, files: &[(&str, &str)]) -> (assert_cmd::assert::Assert, tempfile::TempDir) {
    let directory = tempfile::tempdir().unwrap();
    fs::write(directory.path().join("bad.toml"), text).unwrap();
    for (name, content) in files {
        fs::write(directory.path().join(name), content).unwrap();
    }
    let assert = scaleplan()
        .current_dir(directory.path())
        .args(["run", "bad.toml", "--out", "out"])
        .assert();
    (assert, directory)
}

fn lunch_peak() -> String {
    fs::read_to_string("scenarios/lunch-peak.toml").unwrap()
}

fn assert_no_output(directory: &Path) {
    assert!(
        !directory.join("out").exists(),
        "an output directory was created"
    );
}

#[test]
fn unknown_key_names_line_column_field_and_suggests() {
    let (assert, directory) = run_bad(
        &lunch_peak().replace("default_cooldown =", "default_cooldwon ="),
        &[],
    );
    assert
        .code(2)
        .stderr(predicate::str::contains(
            "error: unknown field `default_cooldwon` (field `group.default_cooldwon`)",
        ))
        .stderr(predicate::str::contains("--> bad.toml:39:1"))
        .stderr(predicate::str::contains(
            "hint: did you mean `default_cooldown`?",
        ));
    assert_no_output(directory.path());
}

#[test]
fn semantic_errors_are_all_reported_together() {
    let text = lunch_peak()
        .replace("min = 2\n", "min = 9\n")
        .replace("run = \"remove-two\"", "run = \"remove-tow\"")
        .replace("cron = \"0 13 * * *\"", "cron = \"0 0 31 2 *\"")
        .replace("capacity_rps = 120 ", "capacity_rps = -5 ");
    let (assert, directory) = run_bad(&text, &[]);
    assert
        .code(2)
        .stderr(predicate::str::contains(
            "`capacity_rps` is -5, must be positive",
        ))
        .stderr(predicate::str::contains(
            "min 9 is above max 6 (field `group.min`)\n  --> bad.toml:34:7",
        ))
        .stderr(predicate::str::contains(
            "unknown rule `remove-tow` (field `group.scheduled.run`)",
        ))
        .stderr(predicate::str::contains(
            "unknown rule `remove-tow` (field `group.alarm.run`)",
        ))
        .stderr(predicate::str::contains("hint: did you mean `remove-two`?"))
        .stderr(predicate::str::contains(
            "scheduled task `lunch-down` never fires during the run",
        ))
        .stderr(predicate::str::contains("error: 6 problems found"));
    assert_no_output(directory.path());
}

#[test]
fn bad_duration_points_at_the_value() {
    let (assert, _directory) = run_bad(
        &lunch_peak().replace("boot_time = \"90s\"", "boot_time = \"90\""),
        &[],
    );
    assert
        .code(2)
        .stderr(predicate::str::contains(
            "invalid duration `90`: missing unit",
        ))
        .stderr(predicate::str::contains("--> bad.toml:22:13"));
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    let (assert, _directory) = run_bad("[scenario\nname = \"x\"\n", &[]);
    assert
        .code(2)
        .stderr(predicate::str::contains("--> bad.toml:1:10"));
}

/// A three-minute scenario replaying `trace.csv` (relative to the scenario) on 2 x 120 rps.
const TRACE_SCENARIO: &str = r#"
[scenario]
name = "trace"
start = "1995-07-01T00:00:00-04:00"
duration = "3m"

[instance_types.small]
capacity_rps = 120
price_per_hour = 0.1

[load.trace]
path = "data/trace.csv"
time_column = "offset_seconds"
value_column = "requests"
kind = "count"

[[group]]
name = "web"
instance_type = "small"
min = 2
max = 2
"#;

#[test]
fn trace_with_a_gap_names_the_trace_line() {
    let (assert, directory) = run_bad(
        &TRACE_SCENARIO.replace("data/", ""),
        &[(
            "trace.csv",
            "offset_seconds,requests\n0,100\n60,100\n180,100\n",
        )],
    );
    assert
        .code(2)
        .stderr(predicate::str::contains("trace.csv:4:1"))
        .stderr(predicate::str::contains(
            "a gap: expected time 120s, found 180s",
        ));
    assert_no_output(directory.path());
}

#[test]
fn trace_scenario_runs_from_any_directory() {
    let directory = tempfile::tempdir().unwrap();
    fs::create_dir(directory.path().join("data")).unwrap();
    fs::write(directory.path().join("s.toml"), TRACE_SCENARIO).unwrap();
    fs::write(
        directory.path().join("data/trace.csv"),
        "offset_seconds,requests\n0,6000\n60,12000\n120,30000\n",
    )
    .unwrap();
    let output = scaleplan()
        .arg("run")
        .arg(directory.path().join("s.toml"))
        .arg("--json")
        .output()
        .unwrap();
    let json = common::json_stdout(&output);
    assert_eq!(json["total"]["offered_requests"], 48000.0);
    // 500 rps in the third minute against 2 x 120: 260 rps unserved for 60 s.
    assert_eq!(json["total"]["unserved_requests"], 260.0 * 60.0);
}

#[test]
fn missing_scenario_file_exits_2() {
    scaleplan()
        .args(["run", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.toml"))
        .stderr(predicate::str::contains("cannot read scenario"));
}

#[test]
fn forecast_only_run_writes_the_forecast_against_the_actual_load() {
    let directory = tempfile::tempdir().unwrap();
    scaleplan()
        .args([
            "run",
            "scenarios/nasa-predictive.toml",
            "--policy",
            "forecast-only",
            "--out",
        ])
        .arg(directory.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "predictive forecast error (MAPE of hourly peaks)",
        ));
    let forecast = fs::read_to_string(directory.path().join("forecast.csv")).unwrap();
    let mut lines = forecast.lines();
    assert_eq!(
        lines.next(),
        Some("hour_start,group,forecast_peak_rps,capacity,actual_peak_rps,error_percent")
    );
    // The first forecast hour follows the first day of history (1995-07-02 01:00 EDT).
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("1995-07-02T01:00:00-04:00,web,")
    );
    assert!(forecast.lines().count() > 24 * 12);
}

// `--replications N`: N seeds, each metric's mean and 95% interval; the same for any thread
// count, and the interval holds the mean.
#[test]
fn replications_report_means_and_confidence_intervals() {
    let output = |threads: &str| {
        scaleplan()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "run",
                "scenarios/cc-attack.toml",
                "--replications",
                "8",
                "--json",
            ])
            .output()
            .unwrap()
    };
    let (one, two) = (output("1"), output("2"));
    assert!(one.status.success());
    assert_eq!(one.stdout, two.stdout);
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(json["replications"], 8);
    let cost = &json["cost"];
    let (low, mean, high) = (
        cost["low"].as_f64().unwrap(),
        cost["mean"].as_f64().unwrap(),
        cost["high"].as_f64().unwrap(),
    );
    assert!(low < mean && mean < high, "{cost}");
    // The load is noisy, so the seeds differ in cost; replication 0 is the plain run.
    let single: serde_json::Value = serde_json::from_slice(
        &scaleplan()
            .args(["run", "scenarios/cc-attack.toml", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let plain = single["total"]["cost"].as_f64().unwrap();
    assert!((plain - mean).abs() < 5.0 * (high - low) + 1.0);
}

// TOML's own unquoted date-time works for `start` (with an offset), the same as a string.
#[test]
fn an_unquoted_toml_date_time_is_a_start() {
    let text = fs::read_to_string("scenarios/lunch-peak.toml").unwrap();
    let unquoted = text.replacen(
        "start = \"2026-03-02T00:00:00+08:00\"",
        "start = 2026-03-02T00:00:00+08:00",
        1,
    );
    assert_ne!(text, unquoted);
    let quoted = crate::common::load(&text);
    let bare = crate::common::load(&unquoted);
    assert_eq!(quoted.scenario.clock.start, bare.scenario.clock.start);
}

// `run` says what it ran: the policy in the header and the JSON, or "as written" with a note
// listing the policies the file has, so a plain run is never mistaken for one of them.
#[test]
fn run_names_the_policy_it_ran() {
    let lunch = "scenarios/lunch-peak.toml";
    let output = scaleplan()
        .args(["run", lunch, "--policy", "scheduled"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("scenario lunch-peak, policy scheduled: 7d from"),
        "{stdout}"
    );
    assert!(output.stderr.is_empty(), "{:?}", output.stderr);
    let json = scaleplan()
        .args(["run", lunch, "--policy", "scheduled", "--json"])
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(document["policy"], "scheduled");
    // Money is the decimal the price list gives: (2 x 24 x 7 + 2 x 2 x 7) x 0.021.
    assert_eq!(document["total"]["cost"].to_string(), "7.644");
    let plain = scaleplan().args(["run", lunch, "--json"]).output().unwrap();
    let document: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(document["policy"], "as-written");
    assert_eq!(
        String::from_utf8(plain.stderr).unwrap(),
        "note: ran the file as written, without its policies' overrides (fixed, scheduled, alarm, scheduled+alarm, step, target-tracking): `--policy NAME` runs one, `compare` runs them all\n"
    );
}
