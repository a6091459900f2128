//! What a user sees, byte for byte: the bundled scenarios' tables, JSON, comparisons, plans
//! and the gate, and the refusals of bad command lines. Snapshots live in tests/snapshots/.

use crate::common::{assert_snapshot, scaleplan};

/// Runs scaleplan with `args` and snapshots its stdout (exit 0) as `name`.
fn stdout_snapshot(name: &str, args: &[&str]) {
    let output = scaleplan().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_snapshot(
        format!("tests/snapshots/{name}"),
        &String::from_utf8(output.stdout).unwrap(),
    );
}

/// Runs scaleplan with `args`, expects exit 2, no stdout, and snapshots its stderr as `name`.
fn usage_snapshot(name: &str, args: &[&str]) {
    let output = scaleplan().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    assert_snapshot(
        format!("tests/snapshots/{name}"),
        &String::from_utf8(output.stderr).unwrap(),
    );
}

#[test]
fn run_prints_the_summary_table() {
    stdout_snapshot("run-lunch-peak.txt", &["run", "scenarios/lunch-peak.toml"]);
}

#[test]
fn run_json_prints_the_summary() {
    stdout_snapshot(
        "run-cc-attack.json",
        &["run", "scenarios/cc-attack.toml", "--json"],
    );
}

#[test]
fn compare_prints_one_row_per_policy() {
    stdout_snapshot(
        "compare-wechat-lite-app.txt",
        &["compare", "scenarios/wechat-lite-app.toml"],
    );
}

#[test]
fn replications_print_means_and_intervals() {
    stdout_snapshot(
        "replications-cc-attack.txt",
        &["run", "scenarios/cc-attack.toml", "--replications", "4"],
    );
    stdout_snapshot(
        "replications-cc-attack.json",
        &[
            "run",
            "scenarios/cc-attack.toml",
            "--replications",
            "4",
            "--json",
        ],
    );
}

#[test]
fn plan_prints_the_cheapest_feasible_point() {
    stdout_snapshot(
        "plan-cc-attack.txt",
        &[
            "plan",
            "scenarios/cc-attack.toml",
            "--max-violation",
            "0.1%",
        ],
    );
}

#[test]
fn check_prints_every_case() {
    stdout_snapshot(
        "check-scenarios.txt",
        &["check", "scenarios/", "--baseline", "reports/baseline.json"],
    );
}

#[test]
fn bad_command_lines_are_refused_as_usage_errors() {
    let lunch = "scenarios/lunch-peak.toml";
    usage_snapshot(
        "usage-replications-zero.txt",
        &["run", lunch, "--replications", "0"],
    );
    usage_snapshot(
        "usage-replications-out.txt",
        &[
            "run",
            lunch,
            "--replications",
            "2",
            "--out",
            "never-written",
        ],
    );
    assert!(!std::path::Path::new("never-written").exists());
    usage_snapshot(
        "usage-shard.txt",
        &[
            "sweep",
            "scenarios/cc-attack.toml",
            "--out",
            "never-written",
            "--shard",
            "3/2",
        ],
    );
    usage_snapshot(
        "usage-tolerance.txt",
        &[
            "check",
            "scenarios/",
            "--baseline",
            "reports/baseline.json",
            "--tolerance",
            "cost",
        ],
    );
    usage_snapshot(
        "usage-max-violation.txt",
        &[
            "plan",
            "scenarios/cc-attack.toml",
            "--max-violation",
            "150%",
        ],
    );
}

#[test]
fn replications_json_is_valid_for_any_scenario_name() {
    let directory = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("scenarios/lunch-peak.toml")
        .unwrap()
        .replacen(
            "name = \"lunch-peak\"",
            "name = \"lunch \\\"peak\\\" \\\\ test\"",
            1,
        );
    let path = directory.path().join("quoted.toml");
    std::fs::write(&path, text).unwrap();
    let output = scaleplan()
        .arg("run")
        .arg(&path)
        .args(["--replications", "2", "--json"])
        .output()
        .unwrap();
    let json = crate::common::json_stdout(&output);
    assert_eq!(json["scenario"], "lunch \"peak\" \\ test");
    assert_eq!(json["replications"], 2);
    assert_eq!(json["cost"]["mean"], json["cost"]["high"]);
}
