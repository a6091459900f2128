//! `scaleplan import aws`: an existing AWS group, its policies and scheduled actions.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use scaleplan::engine::{self, RunOptions};
use scaleplan::model::{Adjustment, Comparison, Metric, Recurrence, TaskAction};
use scaleplan::scenario;
use std::fs;
use std::path::Path;

const FIXTURES: &str = "tests/fixtures/aws";

// A group with a step policy (and its CloudWatch alarm), a target-tracking policy and two
// scheduled actions round-trips into a scenario that validates and runs; what cannot be
// mapped is listed, in the file and on stderr.
#[test]
fn aws_group_round_trips_and_runs() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("imported.toml");
    cargo_bin_cmd!("scaleplan")
        .args(["import", "aws"])
        .args(["--groups", &format!("{FIXTURES}/groups.json")])
        .args(["--policies", &format!("{FIXTURES}/policies.json")])
        .args(["--scheduled", &format!("{FIXTURES}/scheduled.json")])
        .args(["--alarms", &format!("{FIXTURES}/alarms.json")])
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("4 setting(s) not imported"))
        .stderr(predicate::str::contains("note: not imported: web-asg: target tracking policy network-target on ASGAverageNetworkOut"))
        .stderr(predicate::str::contains("note: not imported: web-asg: 2 availability zones"));
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.contains("# - web-asg: ELB health checks"), "{text}");

    let loaded = scenario::load_str("imported.toml", &text, Path::new(".")).unwrap();
    let group = &loaded.scenario.groups[0];
    assert_eq!(
        (group.name.as_str(), group.min, group.max, group.desired),
        ("web-asg", 2, 12, 3)
    );
    assert_eq!((group.existing.count, group.existing.protected), (1, true));
    assert_eq!(group.default_cooldown, 300);
    let step = &group.rules[0];
    assert_eq!(step.name, "cpu-step-out");
    assert!(matches!(
        step.adjustment,
        Adjustment::Percent {
            min_magnitude: 1,
            ..
        }
    ));
    let steps = step.steps.as_ref().unwrap();
    assert_eq!(steps.warmup, 120);
    assert_eq!(
        steps
            .steps
            .iter()
            .map(|step| (step.lower, step.upper, step.value))
            .collect::<Vec<_>>(),
        vec![
            (Some(0.0), Some(15.0), 10.0),
            (Some(15.0), Some(25.0), 20.0),
            (Some(25.0), None, 30.0)
        ]
    );
    let tracking = &group.target_tracking[0];
    assert_eq!(
        (tracking.metric, tracking.target, tracking.warmup),
        (Metric::Cpu, 50.0, 180)
    );
    let alarm = &group.alarms[0];
    assert_eq!(
        (
            alarm.comparison,
            alarm.threshold,
            alarm.period,
            alarm.periods,
            alarm.rule
        ),
        (Comparison::GreaterOrEqual, 60.0, 60, 2, 0)
    );
    assert_eq!(group.scheduled.len(), 2);
    match &group.scheduled[0].recurrence {
        Recurrence::Cron {
            pattern, timezone, ..
        } => assert_eq!(
            (pattern.as_str(), timezone.name()),
            ("0 11 * * *", "America/New_York")
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        group.scheduled[0].action,
        TaskAction::SetCapacity {
            min: Some(4),
            max: None,
            desired: Some(6)
        }
    );
    // 11:00 in New York is 16:00 UTC: the lunch action fires then.
    let outcome = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::HISTORY);
    let lunch = outcome
        .activities
        .iter()
        .find(|activity| matches!(activity.cause, engine::Cause::Scheduled { task: 0 }))
        .unwrap();
    assert_eq!((lunch.start, lunch.to), (16 * 3600, 6));
    cargo_bin_cmd!("scaleplan")
        .arg("run")
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn wrong_documents_are_input_errors() {
    let directory = tempfile::tempdir().unwrap();
    let wrong = directory.path().join("wrong.json");
    fs::write(&wrong, r#"{"ScalingPolicies": []}"#).unwrap();
    cargo_bin_cmd!("scaleplan")
        .args(["import", "aws", "--groups"])
        .arg(&wrong)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `AutoScalingGroups` array"));
    fs::write(&wrong, "{ not json").unwrap();
    cargo_bin_cmd!("scaleplan")
        .args(["import", "aws", "--groups"])
        .arg(&wrong)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid JSON"));
}

// An inconsistent group is reported at the JSON the user gave, by its path, not at the
// scenario the import generated; a UTF-8 byte-order mark (PowerShell's `Out-File`) is fine.
#[test]
fn errors_name_the_json_path_and_a_bom_is_accepted() {
    let directory = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(format!("{FIXTURES}/groups.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["AutoScalingGroups"][0]["MinSize"] = 50.into();
    let groups = directory.path().join("groups.json");
    fs::write(&groups, json.to_string()).unwrap();
    let output = cargo_bin_cmd!("scaleplan")
        .args(["import", "aws", "--groups"])
        .arg(&groups)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr
            .starts_with("error: min 50 is above max 12 (field `AutoScalingGroups[0].MinSize`)\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("--> {}\n", groups.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("imported.toml"), "{stderr}");

    let bom = directory.path().join("bom.json");
    fs::write(&bom, [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()).unwrap();
    cargo_bin_cmd!("scaleplan")
        .args(["import", "aws", "--groups"])
        .arg(&bom)
        .assert()
        .success();
}

// CloudWatch DatapointsToAlarm ("M out of N") imports as `datapoints`, commented with its
// source; equal to EvaluationPeriods it is the consecutive rule and is left out.
#[test]
fn datapoints_to_alarm_imports_as_m_out_of_n() {
    let directory = tempfile::tempdir().unwrap();
    let alarms = fs::read_to_string(format!("{FIXTURES}/alarms.json"))
        .unwrap()
        .replace(
            "\"EvaluationPeriods\": 2,",
            "\"EvaluationPeriods\": 3,\n            \"DatapointsToAlarm\": 2,",
        );
    let alarms_path = directory.path().join("alarms.json");
    fs::write(&alarms_path, alarms).unwrap();
    let out = directory.path().join("imported.toml");
    cargo_bin_cmd!("scaleplan")
        .args(["import", "aws"])
        .args(["--groups", &format!("{FIXTURES}/groups.json")])
        .args(["--policies", &format!("{FIXTURES}/policies.json")])
        .arg("--alarms")
        .arg(&alarms_path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("periods = 3    # MetricAlarms[0].EvaluationPeriods\ndatapoints = 2    # MetricAlarms[0].DatapointsToAlarm\n"),
        "{text}"
    );
    let loaded = scenario::load_str("imported.toml", &text, Path::new(".")).unwrap();
    let alarm = &loaded.scenario.groups[0].alarms[0];
    assert_eq!((alarm.periods, alarm.datapoints), (3, Some(2)));
}
