//! Step, target-tracking, HPA and predictive rules against the clouds' documented examples.

use scaleplan::engine::{Cause, Outcome};
use scaleplan::scenario::{self, Loaded};
use std::fs;
use std::path::Path;

/// Writes `trace` (one rate per minute) beside the scenario and loads it.
fn load_with_trace(text: &str, per_minute: &[f64]) -> (Loaded, tempfile::TempDir) {
    let directory = tempfile::tempdir().unwrap();
    let mut csv = String::from("offset_seconds,rps\n");
    for (minute, rate) in per_minute.iter().enumerate() {
        csv.push_str(&format!("{},{rate}\n", minute * 60));
    }
    fs::write(directory.path().join("trace.csv"), csv).unwrap();
    let loaded = scenario::load_str("rules.toml", text, directory.path())
        .unwrap_or_else(|errors| panic!("scenario should be valid:\n{errors}"));
    (loaded, directory)
}

use crate::common::simulate as run;

/// (minute, from, to) of the activities that changed capacity.
fn changes(outcome: &Outcome) -> Vec<(u64, u32, u32)> {
    outcome
        .activities
        .iter()
        .filter(|activity| activity.status.is_activity())
        .map(|activity| (activity.start / 60, activity.from, activity.to))
        .collect()
}

fn header(duration: &str, boot: &str) -> String {
    format!(
        r#"
[scenario]
name = "rules"
start = "2026-01-05T00:00:00+00:00"
duration = "{duration}"

[instance_types.small]
capacity_rps = 100
price_per_hour = 1.0
boot_time = "{boot}"

[load.trace]
path = "trace.csv"
time_column = "offset_seconds"
value_column = "rps"
kind = "rate"
"#
    )
}

/// Minutes of load: `(until_minute, rps)` pieces.
fn pieces(parts: &[(usize, f64)]) -> Vec<f64> {
    let mut out = Vec::new();
    for (until, rate) in parts {
        while out.len() < *until {
            out.push(*rate);
        }
    }
    out
}

// AWS EC2 Auto Scaling User Guide, "Step and simple scaling policies" (docs/semantics.md,
// worked examples): threshold 50%, PercentChangeInCapacity steps; 10 -> 11 -> 14 -> 13 -> 10.
#[test]
fn aws_step_example_10_11_14_13_10() {
    let text = header("90m", "60s")
        + r#"
[[group]]
name = "web"
instance_type = "small"
min = 1
max = 30
desired = 10

[[group.rule]]
name = "out"
type = "step"
warmup = "60s"
steps = [
    { lower = 0, upper = 10, change_percent = 0 },
    { lower = 10, upper = 20, change_percent = 10 },
    { lower = 20, change_percent = 30 },
]

[[group.rule]]
name = "in"
type = "step"
warmup = "60s"
steps = [
    { lower = -10, upper = 0, change_percent = 0 },
    { lower = -20, upper = -10, change_percent = -10 },
    { upper = -20, change_percent = -30 },
]

[[group.alarm]]
name = "high"
metric = "cpu"
period = "60s"
periods = 1
at_or_above = 50
run = "out"

[[group.alarm]]
name = "low"
metric = "cpu"
period = "60s"
periods = 1
at_or_below = 50
run = "in"
"#;
    // 60% on 10; 70% on 11; 40% on 14; 30% on 13; then 45% on 10 (dead band).
    let load = pieces(&[
        (10, 500.0),
        (30, 600.0),
        (50, 770.0),
        (70, 560.0),
        (71, 390.0),
        (90, 450.0),
    ]);
    let (loaded, _directory) = load_with_trace(&text, &load);
    let outcome = run(&loaded);
    assert_eq!(
        changes(&outcome),
        vec![(11, 10, 11), (31, 11, 14), (51, 14, 13), (71, 13, 10)]
    );
    let details: Vec<String> = outcome
        .activities
        .iter()
        .filter(|activity| activity.status.is_activity())
        .map(|activity| activity.detail(&loaded.scenario))
        .collect();
    assert!(
        details[1].ends_with("+30% of 11 = 3.3 -> +3: 11 -> 14"),
        "{}",
        details[1]
    );
    assert!(
        details[2].ends_with("-10% of 14 = -1.4 -> -1: 14 -> 13"),
        "{}",
        details[2]
    );
    assert!(
        details[3].ends_with("-30% of 13 = -3.9 -> -3: 13 -> 10"),
        "{}",
        details[3]
    );
    // Step rules ignore the cooldown: 51 and 71 follow 31 closer than the default 300 s would
    // allow after the activity ended at 32.
}

// AWS User Guide, step scaling warmup: "multiple alarm breaches that fall in the range of the
// same step adjustment result in a single scaling activity"; scale-in waits for warmup.
#[test]
fn step_breaches_during_warmup_launch_once() {
    let text = header("30m", "60s")
        + r#"
[[group]]
name = "web"
instance_type = "small"
min = 1
max = 30
desired = 10

[[group.rule]]
name = "out"
type = "step"
warmup = "5m"
steps = [{ lower = 0, change = 1 }]

[[group.alarm]]
name = "high"
metric = "cpu"
period = "60s"
periods = 1
above = 50
run = "out"
"#;
    let (loaded, _directory) = load_with_trace(&text, &vec![2000.0; 30]);
    let outcome = run(&loaded);
    // Launch at 1m, in service at 2m, warm at 7m: the next launch comes at 7m, not every minute.
    assert_eq!(
        changes(&outcome)[..3],
        [(1, 10, 11), (7, 11, 12), (13, 12, 13)]
    );
    assert!(outcome.activities.iter().any(|activity| {
        activity
            .detail(&loaded.scenario)
            .contains("warming instances already cover this step")
    }));
}

const TRACKING: &str = r#"
[[group]]
name = "web"
instance_type = "small"
min = 1
max = 20
desired = 4

[[group.rule]]
name = "cpu50"
type = "target_tracking"
metric = "cpu"
target = 50
warmup = "5m"
"#;

// AWS User Guide "Target tracking scaling policies": the generated high alarm needs 3
// one-minute datapoints above the target, the low alarm 15 below (docs/semantics.md); capacity = ceil(n x metric / target); pending instances count toward desired, so a
// held alarm does not launch twice (CloudSim Plus issue #337).
#[test]
fn target_tracking_scales_out_after_3_minutes_and_in_after_15() {
    let text = header("90m", "60s") + TRACKING;
    let load = pieces(&[(10, 200.0), (40, 400.0), (90, 100.0)]);
    let (loaded, _directory) = load_with_trace(&text, &load);
    let outcome = run(&loaded);
    // 400 rps on 4 x 100 = 100% CPU from minute 10: datapoints at 11, 12, 13 -> out at 13 to
    // ceil(4 x 100 / 50) = 8, once. From minute 40, 100 rps on 8 = 12.5% < 45%: 15 datapoints
    // (41..55) -> in at 55 to ceil(8 x 12.5 / 50) = 2.
    assert_eq!(changes(&outcome), vec![(13, 4, 8), (55, 8, 2)]);
    let out = outcome
        .activities
        .iter()
        .find(|activity| activity.status.is_activity())
        .unwrap();
    assert!(matches!(out.cause, Cause::TargetTracking { rule: 0 }));
    assert_eq!(
        out.detail(&loaded.scenario),
        "cpu 100 > target 50 for 3 period(s): ceil(4 x 100 / 50) = 8: 4 -> 8"
    );
    assert_eq!(outcome.total.launched, 4);
}

// AWS: with several target-tracking policies, scale out if any asks, scale in only if all do.
#[test]
fn several_target_tracking_rules_scale_in_only_together() {
    let text = header("60m", "60s")
        + TRACKING
        + r#"
[[group.rule]]
name = "per-instance"
type = "target_tracking"
metric = "requests_per_instance"
target = 20
"#;
    // 100 rps on 4: cpu 25% (wants in) but 25 requests per instance > 20 (wants out).
    let (loaded, _directory) = load_with_trace(&text, &vec![100.0; 60]);
    let outcome = run(&loaded);
    assert_eq!(changes(&outcome), vec![(3, 4, 5)]);
    // Alone, the CPU rule scales in after 15 minutes.
    let (alone, _directory) = load_with_trace(&(header("60m", "60s") + TRACKING), &vec![100.0; 60]);
    assert_eq!(changes(&run(&alone))[0], (15, 4, 2));
    // disable_scale_in keeps it at 4.
    let disabled = header("60m", "60s")
        + &TRACKING.replace(
            "warmup = \"5m\"",
            "warmup = \"5m\"\ndisable_scale_in = true",
        );
    let (disabled, _directory) = load_with_trace(&disabled, &vec![100.0; 60]);
    assert!(changes(&run(&disabled)).is_empty());
}

// Kubernetes blog (2025-04-28, configurable tolerance): 50 replicas at 90% CPU against a 75%
// target scale to 60; the default scale-up policies (100% or 4 pods per 15 s) allow it.
#[test]
fn hpa_scales_fifty_to_sixty_and_stabilizes_scale_down() {
    let text = header("20m", "30s")
        + r#"
[[group]]
name = "pods"
instance_type = "small"
min = 1
max = 100
desired = 50

[[group.rule]]
name = "hpa"
type = "hpa"
metric = "cpu"
target = 75
"#;
    // 4,500 rps on 50 x 100 = 90% for 5 minutes, then 3,000 rps.
    let load = pieces(&[(5, 4500.0), (20, 3000.0)]);
    let (loaded, _directory) = load_with_trace(&text, &load);
    let outcome = run(&loaded);
    let first = outcome
        .activities
        .iter()
        .find(|activity| activity.status.is_activity())
        .unwrap();
    assert_eq!((first.start, first.from, first.to), (15, 50, 60));
    assert!(matches!(first.cause, Cause::Hpa));
    // 3,000 rps from minute 5: 60 pods at 50% want 40, but the 300 s stabilization window holds
    // the highest recommendation (60) until 5 minutes after the last high one, at 285 s: a
    // recommendation counts while it is after `now - window` (Kubernetes
    // `stabilizeRecommendationWithBehaviors`, `timestamp.After(downCutoff)`), so at 585 s the
    // one of 285 s has left the window.
    let down = outcome
        .activities
        .iter()
        .find(|activity| activity.status.is_activity() && activity.to < activity.from)
        .unwrap();
    assert_eq!((down.start, down.from, down.to), (585, 60, 40));
}

/// Three days of a lunch peak that repeats exactly: predictive scaling can learn it.
fn repeating_days() -> Vec<f64> {
    (0..3 * 1440)
        .map(|minute| {
            if (660..780).contains(&(minute % 1440)) {
                900.0
            } else {
                150.0
            }
        })
        .collect()
}

const PREDICTIVE: &str = r#"
[[group]]
name = "web"
instance_type = "small"
min = 2
max = 20
desired = 2

[[group.rule]]
name = "forecast"
type = "predictive"
target = 60
buffer = "5m"
"#;

// AWS User Guide "Predictive scaling": a day of history, hourly forecasts, launch
// SchedulingBufferTime (300 s) ahead so capacity is in service when the hour starts; never
// scales in.
#[test]
fn predictive_capacity_is_in_service_before_the_peak() {
    let text = header("3d", "90s") + PREDICTIVE;
    let (loaded, _directory) = load_with_trace(&text, &repeating_days());
    let outcome = run(&loaded);
    // 900 rps at 60% of 100 per instance needs 15 instances from 11:00 on days 2 and 3.
    for day in [1u64, 2] {
        let eleven = (day * 1440 + 660) * 60;
        let row = outcome
            .timeline
            .iter()
            .find(|row| row.time == eleven)
            .unwrap();
        assert!(
            row.in_service >= 15,
            "day {day}: {} in service at 11:00",
            row.in_service
        );
    }
    // The launch for the first forecast peak comes the buffer ahead of it: 10:55 on day 2.
    let launch = outcome
        .activities
        .iter()
        .find(|activity| matches!(activity.cause, Cause::Predictive) && activity.to >= 15)
        .unwrap();
    assert_eq!(launch.start, (1440 + 660) * 60 - 300);
    assert_eq!(launch.end, Some((1440 + 660) * 60 - 300 + 90));
    // Day 1 has no history: the peak is unserved then, and only then.
    let unserved_day_one: f64 = 120.0 * 60.0 * (900.0 - 200.0);
    assert!(
        (outcome.total.unserved_requests - unserved_day_one).abs() < 1e-6,
        "{}",
        outcome.total.unserved_requests
    );
    // It never scales in by itself: the fleet stays at the day's peak size afterwards.
    assert!(
        outcome
            .activities
            .iter()
            .filter(|activity| matches!(activity.cause, Cause::Predictive))
            .all(|activity| activity.to > activity.from)
    );
    // The forecast of an exactly repeating load is exact.
    assert_eq!(outcome.total.forecast_mape, None);
    assert_eq!(outcome.groups[0].forecast_mape, Some(0.0));
}

#[test]
fn forecast_only_reports_the_forecast_and_changes_no_cost() {
    let only = header("3d", "90s")
        + &PREDICTIVE.replace(
            "buffer = \"5m\"",
            "buffer = \"5m\"\nmode = \"forecast_only\"",
        );
    let (loaded, _directory) = load_with_trace(&only, &repeating_days());
    let outcome = run(&loaded);
    let without = header("3d", "90s") + &PREDICTIVE[..PREDICTIVE.find("[[group.rule]]").unwrap()];
    let (plain, _directory) = load_with_trace(&without, &repeating_days());
    let baseline = run(&plain);
    assert_eq!(outcome.total.cost, baseline.total.cost);
    assert!(changes(&outcome).is_empty());
    // Two days of hourly forecasts (from hour 24), each against the actual peak.
    assert!(
        outcome.forecasts.len() >= 47,
        "{} forecast hours",
        outcome.forecasts.len()
    );
    let lunch = outcome
        .forecasts
        .iter()
        .find(|point| point.hour_start == (24 + 11) * 3600)
        .unwrap();
    assert_eq!(
        (lunch.forecast_rps, lunch.actual_rps, lunch.capacity),
        (900.0, 900.0, 15)
    );
    assert_eq!(outcome.groups[0].forecast_mape, Some(0.0));
}

#[test]
fn rule_keys_foreign_to_the_type_are_errors() {
    let text = header("1h", "60s")
        + r#"
[[group]]
name = "web"
instance_type = "small"
min = 1
max = 5

[[group.rule]]
name = "tt"
type = "target_tracking"
metric = "cpu"
target = 50
steps = [{ lower = 0, change = 1 }]
"#;
    let directory = tempfile::tempdir().unwrap();
    fs::write(
        directory.path().join("trace.csv"),
        "offset_seconds,rps\n0,1\n",
    )
    .unwrap();
    let errors = scenario::load_str("rules.toml", &text, directory.path())
        .unwrap_err()
        .to_string();
    assert!(errors.contains("does not take `steps`"), "{errors}");
    let gap = text
        .replace(
            "type = \"target_tracking\"\nmetric = \"cpu\"\ntarget = 50\n",
            "type = \"step\"\n",
        )
        .replace(
            "steps = [{ lower = 0, change = 1 }]",
            "steps = [{ lower = 0, upper = 10, change = 1 }, { lower = 20, change = 2 }]",
        );
    let errors = scenario::load_str("rules.toml", &gap, directory.path())
        .unwrap_err()
        .to_string();
    assert!(errors.contains("steps overlap or leave a gap"), "{errors}");
}

// Issue 16: booting pods are not ready, and Kubernetes sets not-ready pods aside on a CPU
// scale-down (replica_calculator.go, groupPods / unreadyPods): 3 ready pods at 30% plus 2
// booting, target 50%, go to ceil(0.6 x 3) = 2 at the first sync; counting the booting pods as
// pods with a missing metric (100% on a scale-down) would reverse the direction and hold 5
// until the boots finish.
#[test]
fn hpa_sets_booting_pods_aside_when_scaling_down() {
    let text = header("20m", "10m")
        + r#"
[[group]]
name = "pods"
instance_type = "small"
min = 1
max = 10
desired = 3

[[group.rule]]
name = "hpa"
type = "hpa"
metric = "cpu"
target = 50
stabilization_window = "0s"
"#;
    // 240 rps on 3 x 100 (80%) wants 5; from minute 1, 90 rps: the 3 ready pods at 30%.
    let load = pieces(&[(1, 240.0), (20, 90.0)]);
    let (loaded, _directory) = load_with_trace(&text, &load);
    let outcome = run(&loaded);
    let moves: Vec<(u64, u32, u32)> = outcome
        .activities
        .iter()
        .filter(|activity| activity.status.is_activity())
        .map(|activity| (activity.start, activity.from, activity.to))
        .collect();
    assert_eq!(moves[0].1..=moves[0].2, 3..=5, "{moves:?}");
    assert!(moves[0].0 < 60, "{moves:?}");
    assert_eq!((moves[1].1, moves[1].2), (5, 2), "{moves:?}");
    assert!(
        (60..=75).contains(&moves[1].0),
        "scaled down at {} s, not at the first sync after the drop: {moves:?}",
        moves[1].0
    );
}

fn hpa_moves(outcome: &Outcome) -> Vec<(u64, u32, u32)> {
    outcome
        .activities
        .iter()
        .filter(|activity| activity.status.is_activity())
        .map(|activity| (activity.start, activity.from, activity.to))
        .collect()
}

// kubernetes.io "Horizontal Pod Autoscaling", Scaling policies, reproduced in full: a
// scale-down with Pods 4 and Percent 10 per 60 s from 80 replicas toward 10 removes 8, then 8
// (72 less 10% = 64.8, "rounded up to 8"), ..., and below 40 replicas the Pods policy of 4
// dominates; one step per minute, the first at the first sync (15 s).
#[test]
fn hpa_reproduces_the_kubernetes_scale_down_policy_example() {
    let text = header("30m", "1m")
        + r#"
[[group]]
name = "pods"
instance_type = "small"
min = 10
max = 100
desired = 80

[[group.rule]]
name = "hpa"
type = "hpa"
metric = "cpu"
target = 50
stabilization_window = "0s"
scale_down_policies = [{ type = "pods", value = 4, period = "60s" }, { type = "percent", value = 10, period = "60s" }]
"#;
    // 50 rps on 80 x 100: under 1% against 50% recommends 1, held at min 10.
    let (loaded, _directory) = load_with_trace(&text, &[50.0; 30]);
    let moves = hpa_moves(&run(&loaded));
    let steps: Vec<u32> = std::iter::once(80)
        .chain(moves.iter().map(|step| step.2))
        .collect();
    assert_eq!(
        steps,
        [80, 72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10],
        "{moves:?}"
    );
    let times: Vec<u64> = moves.iter().map(|step| step.0).collect();
    assert_eq!(
        times,
        (0..14).map(|minute| 15 + minute * 60).collect::<Vec<_>>(),
        "{moves:?}"
    );
}

// selectPolicy Min takes the smallest change (4 pods a minute from 80, not 8), Disabled never
// scales that way; per-policy periods: 2 pods per 15 s and 10% per 60 s, Max, from 10.
#[test]
fn hpa_select_policy_and_per_policy_periods() {
    let base = |behaviour: &str, desired: u32, min: u32| {
        header("10m", "30s")
            + &format!(
                "\n[[group]]\nname = \"pods\"\ninstance_type = \"small\"\nmin = {min}\nmax = 100\ndesired = {desired}\n\n[[group.rule]]\nname = \"hpa\"\ntype = \"hpa\"\nmetric = \"cpu\"\ntarget = 50\nstabilization_window = \"0s\"\n{behaviour}\n"
            )
    };
    let down = "scale_down_policies = [{ type = \"pods\", value = 4, period = \"60s\" }, { type = \"percent\", value = 10, period = \"60s\" }]";
    let (loaded, _directory) = load_with_trace(
        &base(&format!("{down}\nscale_down_select = \"min\""), 80, 70),
        &[50.0; 10],
    );
    let moves = hpa_moves(&run(&loaded));
    assert_eq!(
        moves[..3],
        [(15, 80, 76), (75, 76, 72), (135, 72, 70)],
        "{moves:?}"
    );
    let (loaded, _directory) = load_with_trace(
        &base(&format!("{down}\nscale_down_select = \"disabled\""), 80, 10),
        &[50.0; 10],
    );
    assert!(hpa_moves(&run(&loaded)).is_empty());
    // Up: 10 pods at 100% against 50% want 20; 2 pods per 15 s or 10% per 60 s (Max).
    let up = "scale_up_policies = [{ type = \"pods\", value = 2, period = \"15s\" }, { type = \"percent\", value = 10, period = \"60s\" }]";
    let (loaded, _directory) = load_with_trace(&base(up, 10, 1), &[1000.0; 10]);
    let moves = hpa_moves(&run(&loaded));
    assert_eq!(
        moves[..3],
        [(15, 10, 12), (30, 12, 14), (45, 14, 16)],
        "{moves:?}"
    );
    // Shorthands and written-out policies of one direction are refused together.
    let both = base(&format!("{up}\nscale_up_instances = 3"), 10, 1);
    let errors = scenario::load_str("rules.toml", &both, Path::new("."))
        .unwrap_err()
        .to_string();
    assert!(
        errors
            .contains("`scale_up_instances` and the written-out policies both set this direction"),
        "{errors}"
    );
}

// The CPU initialization period (Kubernetes groupPods): a pod launched within 5 minutes counts
// only once it has been ready for a whole metric window; until then it is set aside like a
// booting pod (for a scale-up, at 0%).
#[test]
fn hpa_sets_pods_aside_until_their_first_full_sample() {
    let text = header("10m", "30s")
        + r#"
[[group]]
name = "pods"
instance_type = "small"
min = 1
max = 100
desired = 2

[[group.rule]]
name = "hpa"
type = "hpa"
metric = "cpu"
target = 50
scale_up_policies = [{ type = "pods", value = 2, period = "15s" }]
"#;
    // 180 rps on 2 x 100 = 90% wants 4: +2 at 15 s; the new pods serve from 45 s. From
    // minute 1, 360 rps on 4 x 100 = 90% wants 8, but until 105 s (ready at 45 s plus a 60 s
    // metric window) the new pods are initializing: set aside at 0% for a scale-up, the
    // rebalanced ratio (2 x 90% + 2 x 0%) / 4 = 45% reverses the direction and nothing moves;
    // at 105 s all four count and the group goes to 6 (2 pods per 15 s). Without the
    // initialization period it would move at 60 s.
    let (loaded, _directory) = load_with_trace(&text, &pieces(&[(1, 180.0), (10, 360.0)]));
    let outcome = run(&loaded);
    let moves = hpa_moves(&outcome);
    assert_eq!(moves[..2], [(15, 2, 4), (105, 4, 6)], "{moves:?}");
    let detail = outcome
        .activities
        .iter()
        .find(|activity| activity.start == 15 && activity.status.is_activity())
        .unwrap()
        .reason
        .clone();
    assert!(detail.contains("over 2 ready and 0 booting"), "{detail}");
}

// AWS API reference, PredictiveScalingConfiguration.MaxCapacityBuffer: "if the buffer is 10
// ... the forecast capacity is 50, and the maximum capacity is 40, then the effective maximum
// capacity is 55"; with HonorMaxCapacity the forecast is held at 40.
#[test]
fn predictive_increase_max_capacity_follows_the_documented_example() {
    let text = |behaviour: &str| {
        header("3d", "90s")
            + &format!(
                "\n[[group]]\nname = \"web\"\ninstance_type = \"small\"\nmin = 2\nmax = 40\ndesired = 2\n\n[[group.rule]]\nname = \"forecast\"\ntype = \"predictive\"\ntarget = 60\n{behaviour}\n"
            )
    };
    // 3,000 rps at 60% of 100 per instance: a forecast capacity of 50.
    let days: Vec<f64> = (0..3 * 1440)
        .map(|minute| {
            if (660..780).contains(&(minute % 1440)) {
                3000.0
            } else {
                150.0
            }
        })
        .collect();
    let first = |behaviour: &str| {
        let (loaded, _directory) = load_with_trace(&text(behaviour), &days);
        let outcome = run(&loaded);
        outcome
            .activities
            .iter()
            .find(|activity| matches!(activity.cause, Cause::Predictive) && activity.to >= 40)
            .map(|activity| (activity.to, activity.reason.clone()))
            .unwrap()
    };
    let (to, reason) = first("max_capacity_breach = \"increase\"\nmax_capacity_buffer = 10");
    assert_eq!(to, 50);
    assert!(
        reason.contains("needs 50 instance(s) at 60% CPU; max capacity raised 40 -> 55 (IncreaseMaxCapacity, buffer 10%)"),
        "{reason}"
    );
    assert_eq!(first("").0, 40);
    assert_eq!(first("max_capacity_breach = \"increase\"").0, 50);
}

// Application Auto Scaling `ScaleInCooldown` (TargetTrackingScalingPolicyConfiguration: "the
// cooldown period is used to block subsequent scale in requests until it has expired ... if
// another alarm triggers a scale out policy during the cooldown period after a scale-in,
// application auto scaling scales out your scalable target immediately"). 8 instances at 160
// rps (20% CPU): in at 15 to ceil(8 x 20 / 50) = 4; the load falls to 40 rps at 20, and the
// low alarm, below since minute 1, asks for ceil(4 x 10 / 50) = 1 at minute 21. With a
// 10-minute scale-in cooldown it waits until 25.
#[test]
fn application_auto_scaling_scale_in_cooldown_blocks_the_next_scale_in() {
    let load = pieces(&[(20, 160.0), (60, 40.0)]);
    let tracking = TRACKING.replace("desired = 4", "desired = 8");
    let (plain, _directory) = load_with_trace(&(header("60m", "60s") + &tracking), &load);
    assert_eq!(changes(&run(&plain)), vec![(15, 8, 4), (21, 4, 1)]);
    let cooled = tracking.replace(
        "warmup = \"5m\"",
        "warmup = \"5m\"\nscale_in_cooldown = \"10m\"",
    );
    let (cooled, _directory) = load_with_trace(&(header("60m", "60s") + &cooled), &load);
    assert_eq!(changes(&run(&cooled)), vec![(15, 8, 4), (25, 4, 1)]);
    // A scale-out during the cooldown happens at once and ends it: 400 rps from 17 on 4
    // instances (100%) scales out at 20 to 8; the next scale-in (40 rps from 25: 15 low
    // datapoints, 26 to 40) is not held until the 30-minute cooldown's end at 45.
    let load = pieces(&[(17, 160.0), (25, 400.0), (60, 40.0)]);
    let (burst, _directory) = load_with_trace(
        &(header("60m", "60s")
            + &tracking.replace(
                "warmup = \"5m\"",
                "warmup = \"0s\"\nscale_in_cooldown = \"30m\"",
            )),
        &load,
    );
    let moves = changes(&run(&burst));
    assert_eq!(moves, [(15, 8, 4), (20, 4, 8), (40, 8, 1)]);
}
