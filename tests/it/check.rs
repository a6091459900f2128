//! `scaleplan check`: the CI gate on cost and SLA outcomes.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A scratch copy of two bundled scenarios and a fresh baseline for them.
struct Workspace {
    directory: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        let directory = tempfile::tempdir().unwrap();
        fs::create_dir(directory.path().join("scenarios")).unwrap();
        for name in ["lunch-peak.toml", "cc-attack.toml"] {
            fs::copy(
                Path::new("scenarios").join(name),
                directory.path().join("scenarios").join(name),
            )
            .unwrap();
        }
        let workspace = Workspace { directory };
        workspace.check(&["--update"]).success();
        workspace
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.directory.path().join(relative)
    }

    fn check(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        cargo_bin_cmd!("scaleplan")
            .current_dir(self.directory.path())
            .env_remove("GITHUB_STEP_SUMMARY")
            .args(["check", "scenarios", "--baseline", "baseline.json"])
            .args(extra)
            .assert()
    }

    fn edit(&self, scenario: &str, from: &str, to: &str) {
        let path = self.path(&format!("scenarios/{scenario}"));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from} not in {scenario}");
        fs::write(path, text.replacen(from, to, 1)).unwrap();
    }
}

#[test]
fn update_then_check_passes_and_the_baseline_is_byte_stable() {
    let workspace = Workspace::new();
    let first = fs::read(workspace.path("baseline.json")).unwrap();
    workspace
        .check(&[])
        .code(0)
        .stdout(predicate::str::contains("ok: 0 regression(s), 0 broken budget(s), 0 improvement(s), 0 new, 0 missing, 12 unchanged"));
    workspace.check(&["--update"]).code(0);
    assert_eq!(fs::read(workspace.path("baseline.json")).unwrap(), first);
    let text = String::from_utf8(first).unwrap();
    assert!(text.starts_with("{\n  \"version\": 1,"), "{text}");
    assert!(text.find("\"cc-attack/alarm\"").unwrap() < text.find("\"lunch-peak/alarm\"").unwrap());
}

#[test]
fn a_cost_increase_beyond_tolerance_fails_and_names_scenario_metric_and_values() {
    let workspace = Workspace::new();
    // 10% dearer servers: every lunch-peak policy costs 10% more, instance-hours unchanged.
    workspace.edit(
        "lunch-peak.toml",
        "price_per_hour = 0.021",
        "price_per_hour = 0.0231",
    );
    workspace
        .check(&[])
        .code(1)
        .stdout(predicate::str::is_match(r"REGRESSION\s+lunch-peak/scheduled\s+cost \(USD\)\s+7\.644\s+8\.4084\s+\+0\.7644\s+\+10\.00%\s+\+0").unwrap())
        .stdout(predicate::str::contains("FAILED: 6 regression(s), 1 broken budget(s)"));
}

#[test]
fn a_cost_increase_within_tolerance_holds() {
    let workspace = Workspace::new();
    // 0.05% dearer: still under the scheduled policy's budget of 7.65.
    workspace.edit(
        "lunch-peak.toml",
        "price_per_hour = 0.021",
        "price_per_hour = 0.0210105",
    );
    workspace
        .check(&[])
        .code(1)
        .stdout(predicate::str::contains(
            "6 regression(s), 0 broken budget(s)",
        ));
    workspace
        .check(&["--tolerance", "cost=0.1%"])
        .code(0)
        .stdout(predicate::str::contains("ok: 0 regression(s)"));
    // An absolute tolerance works the same way: 0.01 of money covers at most 14.112 x 0.05%.
    workspace.check(&["--tolerance", "cost=0.01"]).code(0);
}

#[test]
fn a_broken_budget_fails_even_against_a_fresh_baseline() {
    let workspace = Workspace::new();
    workspace.edit(
        "lunch-peak.toml",
        "expect = { max_cost = 7.65 }",
        "expect = { max_cost = 7.5 }",
    );
    workspace.check(&["--update"]).code(1).stdout(
        predicate::str::is_match(
            r"OVER BUDGET\s+lunch-peak/scheduled\s+cost \(USD\) \(budget\)\s+7\.5\s+7\.644",
        )
        .unwrap(),
    );
}

#[test]
fn junit_and_markdown_report_one_failure_per_regressed_case() {
    let workspace = Workspace::new();
    // Slower boots: the alarm policies of cc-attack leave more requests unserved.
    workspace.edit("cc-attack.toml", "boot_time = \"2m\"", "boot_time = \"4m\"");
    let summary = workspace.path("step-summary.md");
    fs::write(&summary, "earlier step\n").unwrap();
    cargo_bin_cmd!("scaleplan")
        .current_dir(workspace.path(""))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "check",
            "scenarios",
            "--baseline",
            "baseline.json",
            "--junit",
            "junit.xml",
            "--markdown",
            "report.md",
        ])
        .assert()
        .code(1);
    let xml = fs::read_to_string(workspace.path("junit.xml")).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<_> = document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 12);
    let failed: Vec<String> = cases
        .iter()
        .filter(|case| case.children().any(|child| child.has_tag_name("failure")))
        .map(|case| {
            format!(
                "{}/{}",
                case.attribute("classname").unwrap(),
                case.attribute("name").unwrap()
            )
        })
        .collect();
    let failures = document
        .descendants()
        .filter(|node| node.has_tag_name("failure"))
        .count();
    assert_eq!(failures, failed.len());
    assert!(
        failed.contains(&"cc-attack/alarm".to_string()),
        "{failed:?}"
    );
    assert!(
        failed.iter().all(|key| key.starts_with("cc-attack/")),
        "{failed:?}"
    );
    let suite = document
        .descendants()
        .find(|node| node.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("failures").unwrap(), failures.to_string());
    let message = document
        .descendants()
        .find(|node| node.has_tag_name("failure"))
        .unwrap()
        .attribute("message")
        .unwrap();
    assert!(message.contains("REGRESSION"), "{message}");

    let markdown = fs::read_to_string(workspace.path("report.md")).unwrap();
    assert!(
        markdown.contains("| REGRESSION | `cc-attack/alarm` |"),
        "{markdown}"
    );
    let appended = fs::read_to_string(&summary).unwrap();
    assert!(
        appended.starts_with("earlier step\n## scaleplan check"),
        "{appended}"
    );
}

#[test]
fn new_and_missing_entries_are_reported_and_fail_only_when_strict() {
    let workspace = Workspace::new();
    workspace.edit(
        "cc-attack.toml",
        "name = \"alarm-fast\"",
        "name = \"alarm-faster\"",
    );
    workspace
        .check(&[])
        .code(0)
        .stdout(predicate::str::is_match(r"new\s+cc-attack/alarm-faster").unwrap())
        .stdout(predicate::str::is_match(r"missing\s+cc-attack/alarm-fast\s").unwrap());
    workspace.check(&["--strict"]).code(1);
}

#[test]
fn bad_input_exits_2_and_leaves_the_baseline_alone() {
    let workspace = Workspace::new();
    let before = fs::read(workspace.path("baseline.json")).unwrap();
    workspace.edit("cc-attack.toml", "max = 30", "max = -30");
    workspace
        .check(&["--update"])
        .code(2)
        .stderr(predicate::str::contains("cc-attack.toml:"));
    assert_eq!(fs::read(workspace.path("baseline.json")).unwrap(), before);
    cargo_bin_cmd!("scaleplan")
        .args(["check", "scenarios", "--baseline", "no/such/baseline.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hint: create it with"));
    cargo_bin_cmd!("scaleplan")
        .args([
            "check",
            "scenarios",
            "--baseline",
            "reports/baseline.json",
            "--tolerance",
            "price=1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown metric `price`"));
}

// A scenario that cannot run still leaves a JUnit errored case and a Markdown report, so CI
// shows which file failed and why instead of no test result at all.
#[test]
fn a_scenario_that_cannot_run_is_an_errored_case_in_the_reports() {
    let workspace = Workspace::new();
    workspace.edit("cc-attack.toml", "max = 30", "max = -30");
    let output = workspace
        .check(&["--junit", "junit.xml", "--markdown", "check.md"])
        .code(2)
        .get_output()
        .stdout
        .clone();
    // The table keeps each column's meaning; why the file could not run follows it.
    let text = String::from_utf8(output).unwrap();
    let row = (text.lines())
        .find(|line| line.starts_with("ERROR"))
        .unwrap_or_else(|| panic!("{text}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "ERROR",
            "scenarios/cc-attack.toml",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-"
        ],
        "{text}"
    );
    assert!(
        text.contains("scenarios/cc-attack.toml: could not run: invalid value"),
        "{text}"
    );
    let junit = fs::read_to_string(workspace.path("junit.xml")).unwrap();
    let document = roxmltree::Document::parse(&junit).unwrap();
    let suite = document
        .descendants()
        .find(|node| node.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("errors"), Some("1"));
    let error = document
        .descendants()
        .find(|node| node.has_tag_name("error"))
        .unwrap();
    assert!(
        error
            .attribute("message")
            .unwrap()
            .contains("invalid value"),
        "{junit}"
    );
    let testcase = error.parent().unwrap();
    assert_eq!(
        testcase.attribute("classname"),
        Some("scenarios/cc-attack.toml")
    );
    // Named after the file, beside every other scenario's results, never instead of them.
    assert_eq!(testcase.attribute("name"), Some("scenarios/cc-attack.toml"));
    let cases: Vec<_> = (document.descendants())
        .filter(|node| node.has_tag_name("testcase"))
        .collect();
    assert!(
        cases.iter().any(|case| {
            case.attribute("classname") == Some("lunch-peak")
                && case.attribute("name") == Some("scheduled")
        }),
        "{junit}"
    );
    assert_eq!(
        suite.attribute("tests").unwrap(),
        cases.len().to_string(),
        "{junit}"
    );
    assert!(
        cases.len() >= 7,
        "lunch-peak's six beside the errored file: {junit}"
    );
    let markdown = fs::read_to_string(workspace.path("check.md")).unwrap();
    assert!(
        markdown.contains("1 scenario file(s) could not run"),
        "{markdown}"
    );
    assert!(
        markdown.contains("### `scenarios/cc-attack.toml` could not run"),
        "{markdown}"
    );
    assert!(markdown.contains("`lunch-peak/scheduled`"), "{markdown}");
}

#[test]
fn new_and_missing_rows_keep_each_column_to_its_meaning() {
    let workspace = Workspace::new();
    let path = workspace.path("baseline.json");
    let mut baseline: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let entries = baseline["entries"].as_object_mut().unwrap();
    let kept = entries.remove("lunch-peak/scheduled").unwrap();
    entries.insert("gone/policy".into(), kept);
    fs::write(&path, baseline.to_string()).unwrap();
    let output = workspace.check(&[]).code(0).get_output().stdout.clone();
    let text = String::from_utf8(output).unwrap();
    for (status, key) in [("new", "lunch-peak/scheduled"), ("missing", "gone/policy")] {
        let row = (text.lines())
            .find(|line| line.starts_with(status) && line.contains(key))
            .unwrap_or_else(|| panic!("{text}"));
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells, [status, key, "-", "-", "-", "-", "-", "-"], "{text}");
    }
}

#[test]
fn the_projects_own_baseline_holds() {
    cargo_bin_cmd!("scaleplan")
        .args([
            "check",
            "scenarios/",
            "--baseline",
            "reports/baseline.json",
            "--strict",
        ])
        .assert()
        .code(0);
}

// What `check` prints is in the user's terms: a budget of "30m" broken by seconds is shown as
// durations, the growth allowed stands beside each regression, the baseline holds no
// floating-point noise, and improvements suggest --update.
#[test]
fn check_speaks_in_the_users_units() {
    let workspace = Workspace::new();
    let baseline = fs::read_to_string(workspace.path("baseline.json")).unwrap();
    // lunch-peak/scheduled costs 7.643999999999998 in floating point: stored as 7.644.
    assert!(baseline.contains("\"cost\": 7.644,"), "{baseline}");
    assert!(!baseline.contains("99999"), "{baseline}");
    // A 30m budget broken: the violation and the budget read as durations.
    workspace.edit(
        "lunch-peak.toml",
        "max_sla_violation = \"30m\"",
        "max_sla_violation = \"5m\"",
    );
    workspace.check(&["--tolerance", "sla_violation_seconds=1h"]).code(1).stdout(
        predicate::str::is_match(
            r"OVER BUDGET\s+lunch-peak/alarm\s+sla_violation_seconds \(budget\)\s+5m\s+15m30s\s+\+10m30s",
        )
        .unwrap(),
    );
    // A regression shows the growth its tolerance allowed.
    workspace.edit(
        "lunch-peak.toml",
        "max_sla_violation = \"5m\"",
        "max_sla_violation = \"30m\"",
    );
    workspace.edit(
        "lunch-peak.toml",
        "price_per_hour = 0.021",
        "price_per_hour = 0.0231",
    );
    workspace
        .check(&["--tolerance", "cost=5%"])
        .code(1)
        .stdout(predicate::str::is_match(r"REGRESSION\s+lunch-peak/scheduled\s+cost \(USD\)\s+7\.644\s+8\.4084\s+\+0\.7644\s+\+10\.00%\s+\+0\.3822").unwrap());
    // Cheaper servers: every change an improvement, and the way to accept them.
    workspace.edit(
        "lunch-peak.toml",
        "price_per_hour = 0.0231",
        "price_per_hour = 0.02",
    );
    workspace
        .check(&[])
        .code(0)
        .stdout(predicate::str::contains(
            "; every change is an improvement: accept them with --update",
        ));
    // The Markdown report lists the current values beside the changes.
    workspace.check(&["--markdown", "check.md"]).code(0);
    let markdown = fs::read_to_string(workspace.path("check.md")).unwrap();
    assert!(markdown.contains("### Current values"), "{markdown}");
    assert!(
        markdown.contains("| `lunch-peak/scheduled` | 7.28 USD | 364 | 0s | 0 |"),
        "{markdown}"
    );
}
