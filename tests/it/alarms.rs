//! Alarm evaluation against the CloudWatch user guide: its missing-data tables row by row
//! (`engine::evaluate`), then whole runs: a group with nothing in service has no CPU datapoint,
//! and the evaluation cadence (every minute over a sliding window vs once per aligned period).

use crate::engine::{scenario, statuses};
use common::run;
use scaleplan::engine::{ActivityStatus, AlarmValue, Point, evaluate};
use scaleplan::model::MissingData;

use crate::common;

/// The user guide's notation, oldest first as printed (`0`, `X`, `-`), returned newest first.
fn points(row: &str) -> Vec<Point> {
    let mut points: Vec<Point> = row
        .split_whitespace()
        .map(|cell| match cell {
            "0" => Point::Within,
            "X" => Point::Breaching,
            "-" => Point::Missing,
            other => panic!("not a datapoint: {other}"),
        })
        .collect();
    points.reverse();
    points
}

/// What a table cell says: a state, or "Retain current state" (`None`).
type Cell = Option<AlarmValue>;
const OK: Cell = Some(AlarmValue::Ok);
const ALARM: Cell = Some(AlarmValue::Alarm);
const INSUFFICIENT: Cell = Some(AlarmValue::InsufficientData);
const RETAIN: Cell = None;

/// Checks one row under all four treatments (columns MISSING, IGNORE, BREACHING, NOT BREACHING),
/// retaining each possible current state where the table says so.
fn check_row(row: &str, datapoints: u32, expected: [Cell; 4]) {
    let treatments = [
        MissingData::Missing,
        MissingData::Ignore,
        MissingData::Breaching,
        MissingData::NotBreaching,
    ];
    let currents = [
        AlarmValue::Ok,
        AlarmValue::Alarm,
        AlarmValue::InsufficientData,
    ];
    for (treatment, cell) in treatments.into_iter().zip(expected) {
        for current in currents {
            let got = evaluate(&points(row), 3, datapoints, Some(treatment), current);
            assert_eq!(
                got,
                cell.unwrap_or(current),
                "`{row}`, {datapoints} of 3, {treatment:?}, from {current:?}"
            );
        }
    }
}

// CloudWatch user guide, "How alarm state is evaluated when data is missing", first table:
// Datapoints to Alarm and Evaluation Periods both 3, evaluation range 5.
#[test]
fn the_user_guides_three_of_three_table() {
    check_row("0 - X - X", 3, [OK, OK, OK, OK]);
    check_row("0 - - - -", 3, [OK, OK, OK, OK]);
    check_row("- - - - -", 3, [INSUFFICIENT, RETAIN, ALARM, OK]);
    check_row("0 X X - X", 3, [ALARM, ALARM, ALARM, ALARM]);
    check_row("- - X - -", 3, [ALARM, RETAIN, ALARM, OK]);
}

// The same section's second table: 2 out of 3, evaluation range 5.
#[test]
fn the_user_guides_two_of_three_table() {
    check_row("0 - X - X", 2, [ALARM, ALARM, ALARM, ALARM]);
    check_row("0 0 X 0 X", 2, [ALARM, ALARM, ALARM, ALARM]);
    check_row("0 - X - -", 2, [OK, OK, ALARM, OK]);
    check_row("- - - - 0", 2, [OK, OK, ALARM, OK]);
    check_row("- - - X -", 2, [ALARM, RETAIN, ALARM, OK]);
}

// "Avoiding premature transitions to alarm state": with 3 of 3, `- - - - X` and `- - - X -`
// do not go to ALARM under `missing`; `- - X - -` does (the oldest breaching datapoint is 3
// old); and the next datapoint within the threshold decides OK.
#[test]
fn premature_alarm_rule() {
    for row in ["- - - - X", "- - - X -"] {
        let got = evaluate(
            &points(row),
            3,
            3,
            Some(MissingData::Missing),
            AlarmValue::Ok,
        );
        assert_eq!(got, AlarmValue::InsufficientData, "{row}");
    }
    for row in ["- - - X 0", "- - X - 0"] {
        let got = evaluate(
            &points(row),
            3,
            3,
            Some(MissingData::Missing),
            AlarmValue::Ok,
        );
        assert_eq!(got, AlarmValue::Ok, "{row}");
    }
    let got = evaluate(
        &points("- - X - -"),
        3,
        3,
        Some(MissingData::Missing),
        AlarmValue::InsufficientData,
    );
    assert_eq!(got, AlarmValue::Alarm);
}

// Without a treatment (ESS `EvaluationCount`, Tencent `ContinuePeriod`: consecutive periods) a
// missing datapoint does not breach: `X X -` is no alarm, `X X X` is.
#[test]
fn without_a_treatment_missing_data_does_not_breach() {
    for current in [AlarmValue::Ok, AlarmValue::Alarm] {
        assert_eq!(
            evaluate(&points("X X -"), 3, 3, None, current),
            AlarmValue::Ok
        );
        assert_eq!(
            evaluate(&points("X X X"), 3, 3, None, current),
            AlarmValue::Alarm
        );
    }
}

/// A group with nothing in service and a CPU alarm that adds one instance.
fn empty_group(treatment: &str) -> String {
    scenario(
        "20m",
        "base_rps = 50",
        &format!(
            "min = 0\nmax = 3\ndesired = 0\n\n[[group.rule]]\nname = \"add-one\"\nchange = 1\n\n[[group.alarm]]\nname = \"cpu\"\nmetric = \"cpu\"\nperiod = \"60s\"\nperiods = 3\nmissing_data = \"{treatment}\"\nabove = 70\nrun = \"add-one\""
        ),
    )
}

// A group with nothing in service has no CPU datapoint. Before the run the metric is taken
// to have reported datapoints within the threshold, so with `breaching` the alarm fires once
// all five datapoints of its range are missing (the guide's `- - - - -` row) at 5m, exactly
// when the second row's `0 - - - -` has aged out. At 6m the range is still all missing (the
// instance enters service then): ALARM again, rejected by the cooldown; from 7m the new
// instance's 50% keeps it OK (`0 - - - -`).
// With `missing` it goes to INSUFFICIENT_DATA, with `ignore` it stays OK, with
// `not_breaching` it is OK: none of them ever scales out from zero.
#[test]
fn a_group_with_nothing_in_service_has_no_cpu_datapoint() {
    let (loaded, breaching) = run(&empty_group("breaching"));
    assert_eq!(
        statuses(&breaching),
        vec![
            (300, ActivityStatus::Successful, 0, 1),
            (360, ActivityStatus::RejectedCooldown, 1, 1)
        ]
    );
    let detail = breaching.activities[0].detail(&loaded.scenario);
    assert!(
        detail.starts_with("cpu average n/a > 70 for 3 period(s) of 1m (missing data: breaching)"),
        "{detail}"
    );
    for treatment in ["missing", "ignore", "not_breaching"] {
        let (_, outcome) = run(&empty_group(treatment));
        assert!(
            outcome.activities.is_empty(),
            "{treatment}: {:?}",
            statuses(&outcome)
        );
    }
}

/// One instance at 50 rps of 100, a burst to 90% from `from` on; a 5-minute alarm.
fn sliding(extra: &str) -> String {
    scenario(
        "30m",
        "base_rps = 50\nbursts = [{ at = \"3m\", duration = \"27m\", add_rps = 40 }]",
        &format!(
            "min = 1\nmax = 3\ndesired = 1\n\n[[group.rule]]\nname = \"add-one\"\nchange = 1\ncooldown = \"1h\"\n\n[[group.alarm]]\nname = \"cpu\"\nmetric = \"cpu\"\nperiod = \"5m\"\nperiods = 1\n{extra}above = 70\nrun = \"add-one\""
        ),
    )
}

// CloudWatch user guide, "Evaluating an alarm": "an alarm is evaluated every minute and the
// evaluation is based on the window of time defined by the Period". CPU is 50% until 3m and
// 90% after. Every minute: the window 1m-6m averages (2 x 50 + 3 x 90) / 5 = 74 > 70 at 6m
// (5m's window averages 66). Once per aligned period (ESS, Tencent): 0m-5m averages 66, so
// the first breach is the 5m-10m window, at 10m: four minutes later. Every minute, the alarm
// stays in ALARM (and is rejected by the cooldown) until the second instance, in service from
// 7m, brings the window under 70 at 10m: (2 x 90 + 3 x 45) / 5 = 63.
#[test]
fn cloudwatch_evaluates_every_minute_over_a_sliding_window() {
    let (loaded, every_minute) = run(&sliding("evaluation_interval = \"1m\"\n"));
    assert_eq!(
        statuses(&every_minute),
        vec![
            (360, ActivityStatus::Successful, 1, 2),
            (420, ActivityStatus::RejectedCooldown, 2, 2),
            (480, ActivityStatus::RejectedCooldown, 2, 2),
            (540, ActivityStatus::RejectedCooldown, 2, 2)
        ]
    );
    let detail = every_minute.activities[0].detail(&loaded.scenario);
    assert!(
        detail.starts_with("cpu average 74 > 70 for 1 period(s) of 5m evaluated every 1m"),
        "{detail}"
    );
    let (_, aligned) = run(&sliding(""));
    assert_eq!(
        statuses(&aligned),
        vec![(600, ActivityStatus::Successful, 1, 2)]
    );
    // The same interval as the period is the aligned evaluation.
    let (_, explicit) = run(&sliding("evaluation_interval = \"5m\"\n"));
    assert_eq!(statuses(&explicit), statuses(&aligned));
}

// Two datapoints of a sliding 2-minute alarm are 2 minutes apart, not 1: with 2 periods of 2m
// evaluated every minute, the datapoints at 6m are the windows 4m-6m and 2m-4m.
#[test]
fn sliding_datapoints_are_a_period_apart() {
    let text = scenario(
        "20m",
        "base_rps = 50\nbursts = [{ at = \"3m\", duration = \"17m\", add_rps = 40 }]",
        "min = 1\nmax = 3\ndesired = 1\n\n[[group.rule]]\nname = \"add-one\"\nchange = 1\ncooldown = \"1h\"\n\n[[group.alarm]]\nname = \"cpu\"\nmetric = \"cpu\"\nperiod = \"2m\"\nperiods = 2\nevaluation_interval = \"1m\"\nabove = 70\nrun = \"add-one\"",
    );
    // Windows ending at t: (t-2m, t]. 3m-5m breaches at 5m (90), 1m-3m does not (50):
    // the first pair of breaching windows is 3m-5m and 5m-7m, at 7m. At 8m, 6m-8m (one
    // instance until 8m) and 4m-6m still breach: rejected by the cooldown.
    let (_, outcome) = run(&text);
    assert_eq!(
        statuses(&outcome),
        vec![
            (420, ActivityStatus::Successful, 1, 2),
            (480, ActivityStatus::RejectedCooldown, 2, 2)
        ]
    );
}

// An interval that does not divide the period is refused at its line.
#[test]
fn an_interval_must_divide_the_period() {
    let text = sliding("evaluation_interval = \"2m\"\n");
    let refused = scaleplan::scenario::load_str("a.toml", &text, std::path::Path::new("."))
        .map(|_| ())
        .expect_err("refused")
        .to_string();
    assert!(
        refused.contains("alarm `cpu` is evaluated every 2m: that must divide its period 5m")
            && refused.contains("group.alarm.evaluation_interval"),
        "{refused}"
    );
}
