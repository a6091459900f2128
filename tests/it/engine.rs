//! Engine behaviour against exact oracles and the clouds' documented worked examples.

use crate::common;

use common::{assert_cost, run};
use scaleplan::engine::{self, ActivityStatus, Outcome, RunOptions};
use scaleplan::scenario;
use std::path::Path;

/// A one-group scenario: `load` is the [load] body, `group` extra lines of the [[group]].
pub(crate) fn scenario(duration: &str, load: &str, group: &str) -> String {
    common::scenario_text(
        &format!(
            "name = \"t\"\nstart = \"2026-01-05T00:00:00+00:00\"\nduration = \"{duration}\"\nmetric_period = \"60s\"\nsla = {{ max_utilization = 0.8 }}"
        ),
        "[instance_types.small]\ncapacity_rps = 100\nprice_per_hour = 0.5\nboot_time = \"60s\"",
        &format!("[load]\n{load}"),
        &format!("name = \"web\"\ninstance_type = \"small\"\n{group}"),
    )
}

pub(crate) fn statuses(outcome: &Outcome) -> Vec<(u64, ActivityStatus, u32, u32)> {
    outcome
        .activities
        .iter()
        .map(|activity| (activity.start, activity.status, activity.from, activity.to))
        .collect()
}

// docs/semantics.md, worked examples: n instances for d days at p per hour cost n x 24 x d x p exactly.
#[test]
fn fixed_fleet_costs_n_times_hours_times_price() {
    let (_, outcome) = run(&scenario(
        "3d",
        "base_rps = 150",
        "min = 4\nmax = 4\ndesired = 4",
    ));
    let expected = 4.0 * 24.0 * 3.0 * 0.5;
    assert_cost(&outcome, expected);
    assert_eq!(outcome.total.instance_hours, 4.0 * 24.0 * 3.0);
    assert_eq!(outcome.total.activities, 0);
    assert_eq!(outcome.total.mean_in_service, 4.0);
    assert_eq!(outcome.total.sla_violation_seconds, 0);
    assert_eq!(outcome.total.unserved_requests, 0.0);
}

// The bundled lunch-peak scenario: 2 protected servers all week, 2 more 11:00-13:00 daily.
// Hand computation: (2 x 24 x 7 + 2 x 2 x 7) instance-hours x 0.021 = 364 x 0.021 = 7.644.
#[test]
fn lunch_peak_scheduled_policy_costs_the_hand_computed_figure() {
    let loaded = scenario::load(Path::new("scenarios/lunch-peak.toml")).unwrap();
    let outcome = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::HISTORY);
    assert_eq!(outcome.total.instance_hours, 364.0);
    assert_eq!(format!("{:.2}", outcome.total.cost), "7.64");
    assert!((outcome.total.cost - 7.644).abs() < 1e-9);
    assert_eq!(outcome.total.activities, 14);
    assert_eq!(outcome.total.peak_in_service, 4);
    // The two protected servers are never removed: only the launched ones are.
    for activity in &outcome.activities {
        assert!(
            activity.terminated.iter().all(|id| *id >= 2),
            "{activity:?}"
        );
    }
}

const HIGH_ALARM: &str = r#"
[[group.rule]]
name = "add-one"
change = 1
cooldown = "5m"

[[group.alarm]]
name = "cpu-high"
metric = "cpu"
period = "60s"
periods = 3
above = 80
run = "add-one"
"#;

// Two instances of 100 rps at 100 rps base are at 50% CPU; a burst of +80 makes 90%.
fn burst_for(minutes: u32) -> String {
    format!(
        "base_rps = 100\nbursts = [{{ at = \"10m\", duration = \"{minutes}m\", add_rps = 80 }}]"
    )
}

// ESS CreateAlarm EvaluationCount / Tencent ContinuousTime: the alarm fires only after N
// consecutive breaching periods.
#[test]
fn alarm_needs_n_consecutive_breaching_periods() {
    let group = format!("min = 1\nmax = 5\ndesired = 2\n{HIGH_ALARM}");
    let (_, short) = run(&scenario("1h", &burst_for(2), &group));
    assert!(short.activities.is_empty(), "{:?}", statuses(&short));

    let (_, long) = run(&scenario("1h", &burst_for(3), &group));
    // Breaching datapoints close at 11, 12 and 13 minutes: the alarm fires at 13:00.
    assert_eq!(
        statuses(&long),
        vec![(13 * 60, ActivityStatus::Successful, 2, 3)]
    );
}

// AWS "Scaling cooldowns": after an activity completes, further alarm-triggered simple
// policy activities are rejected until the cooldown ends.
#[test]
fn triggers_inside_the_cooldown_are_rejected_and_recorded() {
    let group = format!("min = 1\nmax = 5\ndesired = 2\n{HIGH_ALARM}");
    let (_, outcome) = run(&scenario("1h", &burst_for(20), &group));
    let history = statuses(&outcome);
    // Fires at 13:00; the new instance is in service at 14:00 (60 s boot), which starts the
    // 5-minute cooldown: 14:00..19:00 rejected; the burst (now 180 rps on 3 instances = 60%)
    // no longer breaches afterwards.
    assert_eq!(history[0], (13 * 60, ActivityStatus::Successful, 2, 3));
    assert_eq!(outcome.activities[0].end, Some(14 * 60));
    assert!(
        history[1..]
            .iter()
            .all(|(_, status, ..)| *status == ActivityStatus::RejectedCooldown)
    );
    assert_eq!(
        outcome.total.rejected_by_cooldown as usize,
        history.len() - 1
    );
}

// Huawei AS basic concepts (same model as Tencent): an alarm activity ends 10:30 with a 5 min
// cooldown; a scheduled action at 10:32 still runs, and its completion starts a new cooldown.
#[test]
fn scheduled_tasks_run_during_an_alarm_cooldown() {
    let group = r#"min = 1
max = 10
desired = 2

[[group.rule]]
name = "add-one"
change = 1

[[group.rule]]
name = "add-two"
change = 2

[[group.alarm]]
name = "cpu-high"
metric = "cpu"
period = "60s"
periods = 1
above = 80
run = "add-one"

[[group.scheduled]]
name = "at-1032"
at = "10h32m"
run = "add-two"
"#;
    let load = "base_rps = 100\nbursts = [{ at = \"10h28m\", duration = \"1m\", add_rps = 80 }]";
    let (_, outcome) = run(&scenario("11h", load, group));
    let history = statuses(&outcome);
    assert_eq!(history[0], (629 * 60, ActivityStatus::Successful, 2, 3));
    assert_eq!(outcome.activities[0].end, Some(630 * 60));
    assert_eq!(history[1], (632 * 60, ActivityStatus::Successful, 3, 5));
    assert_eq!(outcome.activities[1].end, Some(633 * 60));
}

// Tencent Cloud AS FAQ: during the cooldown the group performs no scaling activity at all;
// with cooldown_blocks = "all" the scheduled task waits for the cooldown to end.
#[test]
fn tencent_cooldown_blocks_scheduled_tasks_too() {
    let text = scenario(
        "2h",
        "base_rps = 10",
        r#"min = 1
max = 10
desired = 2
[[group.scheduled]]
name = "first"
at = "10m"
desired = 4
[[group.scheduled]]
name = "second"
at = "12m"
desired = 6
"#,
    )
    .replace("sla = {", "cooldown_blocks = \"all\"\nsla = {");
    let (loaded, outcome) = run(&text);
    // First launches at 10:00, in service 11:00, cooldown to 16:00; second waits until then.
    assert_eq!(outcome.activities[1].start, 16 * 60);
    let detail = outcome.activities[1].detail(&loaded.scenario);
    assert_eq!(
        detail,
        "waited 4m for the group; set min 1, max 10, desired 6: 4 -> 6"
    );
}

// ESS LaunchExpirationTime: a scheduled firing that cannot start within its expiration fails.
#[test]
fn scheduled_task_fails_after_its_launch_expiration() {
    let text = scenario(
        "2h",
        "base_rps = 10",
        r#"min = 1
max = 10
desired = 2
[[group.scheduled]]
name = "first"
at = "10m"
desired = 4
[[group.scheduled]]
name = "second"
at = "10m30s"
desired = 6
launch_expiration = "10s"
"#,
    )
    .replace("boot_time = \"60s\"", "boot_time = \"5m\"");
    let (_, outcome) = run(&text);
    let failed: Vec<_> = outcome
        .activities
        .iter()
        .filter(|a| a.status == ActivityStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].end, Some(10 * 60 + 40));
    assert_eq!(outcome.total.failed_tasks, 1);
}

const LOW_ALARM: &str = r#"
[[group.rule]]
name = "remove-one"
change = -1
cooldown = "0s"

[[group.alarm]]
name = "cpu-low"
metric = "cpu"
period = "60s"
periods = 1
below = 30
run = "remove-one"
"#;

// Scale-in never removes protected instances (AWS scale-in protection, Tencent scale-down
// exemption): desired may drop below them, the instances stay.
#[test]
fn scale_in_stops_at_protected_instances() {
    let group = format!(
        "min = 0\nmax = 5\ndesired = 4\nexisting = {{ count = 2, protected = true }}\n{LOW_ALARM}"
    );
    let (loaded, outcome) = run(&scenario("30m", "base_rps = 10", &group));
    let last = outcome.timeline.last().unwrap();
    assert_eq!(last.desired, 0);
    assert_eq!(last.in_service, 2);
    let terminated: Vec<u32> = outcome
        .activities
        .iter()
        .flat_map(|a| a.terminated.clone())
        .collect();
    assert_eq!(terminated, vec![2, 3]);
    let kept = outcome
        .activities
        .iter()
        .find(|a| a.protected_kept > 0)
        .unwrap();
    assert_eq!(
        kept.detail(&loaded.scenario),
        "cpu average 5 < 30 for 1 period(s) of 1m; change -1: 2 -> 1; 1 protected unit(s) kept, group stays above desired"
    );
}

// AWS / ESS bounds: a rule never takes desired below min (min 2, current 3, -2 removes 1).
#[test]
fn scale_in_stops_at_min() {
    let group = format!("min = 2\nmax = 5\ndesired = 4\n{LOW_ALARM}");
    let (_, outcome) = run(&scenario("30m", "base_rps = 10", &group));
    let last = outcome.timeline.last().unwrap();
    assert_eq!((last.desired, last.in_service), (2, 2));
    assert_eq!(outcome.total.activities, 2);
    assert!(
        outcome
            .activities
            .iter()
            .skip(2)
            .all(|a| a.status == ActivityStatus::NoChange)
    );
}

// CloudSim Plus issue #337: a second launch while the first instances still boot. Here the
// group is busy until they are in service, so the repeated alarm is rejected, not obeyed.
#[test]
fn no_double_launch_while_instances_are_pending() {
    let group = r#"min = 1
max = 20
desired = 2
[[group.rule]]
name = "add-four"
change = 4
cooldown = "0s"
[[group.alarm]]
name = "cpu-high"
metric = "cpu"
period = "60s"
periods = 1
above = 80
run = "add-four"
"#;
    let text = scenario("1h", "base_rps = 190", group)
        .replace("boot_time = \"60s\"", "boot_time = \"5m\"");
    let (_, outcome) = run(&text);
    assert_eq!(
        statuses(&outcome)[0],
        (60, ActivityStatus::Successful, 2, 6)
    );
    for minute in 2..=5 {
        assert_eq!(
            statuses(&outcome)[minute - 1],
            (minute as u64 * 60, ActivityStatus::RejectedBusy, 6, 6)
        );
    }
    assert_eq!(outcome.activities[0].end, Some(6 * 60));
    let launched_while_booting: usize = outcome
        .activities
        .iter()
        .filter(|activity| activity.start < 6 * 60)
        .map(|activity| activity.launched.len())
        .sum();
    assert_eq!(launched_while_booting, 4);
}

// Accounting: unserved requests are the integral of load above in-service capacity, and the
// SLA is broken while utilization exceeds the threshold.
#[test]
fn unserved_requests_and_sla_violation_are_exact_integrals() {
    // 2 x 100 rps, 250 rps offered for 10 minutes: 50 rps unserved for 600 s.
    let load = "base_rps = 100\nbursts = [{ at = \"10m\", duration = \"10m\", add_rps = 150 }]";
    let (_, outcome) = run(&scenario("1h", load, "min = 2\nmax = 2\ndesired = 2"));
    assert!((outcome.total.unserved_requests - 50.0 * 600.0).abs() < 1e-6);
    assert_eq!(outcome.total.sla_violation_seconds, 600);
    assert!((outcome.total.offered_requests - (100.0 * 3600.0 + 150.0 * 600.0)).abs() < 1e-6);
}

// Billing: every instance is charged its life rounded to the granularity, with the minimum for
// instances launched during the run; the total is the sum over instances, and the timeline's
// running cost ends at the total.
#[test]
fn cost_is_the_sum_of_each_instances_billed_life() {
    let loaded = scenario::load(Path::new("scenarios/cc-attack.toml")).unwrap();
    let outcome = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::FULL);
    let sum: f64 = outcome.instances.iter().map(|instance| instance.cost).sum();
    assert!((sum - outcome.total.cost).abs() < 1e-9);
    for instance in &outcome.instances {
        let life = instance.ended_at - instance.launched_at;
        assert!(instance.billed_seconds >= life);
        if instance.launched_at > 0 {
            assert!(instance.billed_seconds >= 60);
        }
    }
    let last = outcome.timeline.last().unwrap();
    assert!((last.cost_so_far - outcome.total.cost).abs() < 1e-9);
    let mut previous = 0.0;
    for row in &outcome.timeline {
        assert!(row.cost_so_far >= previous);
        previous = row.cost_so_far;
    }
}

// Hourly billing (older clouds) rounds each life up to whole hours.
#[test]
fn hourly_billing_rounds_lives_up_to_whole_hours() {
    let group = r#"min = 1
max = 5
desired = 1
[[group.scheduled]]
name = "up"
at = "10m"
desired = 2
[[group.scheduled]]
name = "down"
at = "1h20m"
desired = 1
"#;
    let text = scenario("4h", "base_rps = 10", group).replace(
        "boot_time = \"60s\"",
        "boot_time = \"60s\"\nbilling_granularity = \"1h\"",
    );
    let (_, outcome) = run(&text);
    // One instance all 4 h, one launched 00:10 and removed 01:20 (70 min -> 2 h).
    assert_eq!(outcome.total.instance_hours, 6.0);
}

// The same scenario and seed give the same outcome; another seed gives another load.
#[test]
fn runs_are_deterministic_in_the_seed() {
    let first = scenario::load(Path::new("scenarios/viral-launch.toml")).unwrap();
    let second = scenario::load(Path::new("scenarios/viral-launch.toml")).unwrap();
    let options = RunOptions::FULL;
    assert_eq!(
        engine::simulate(&first.scenario, &first.load, options),
        engine::simulate(&second.scenario, &second.load, options)
    );
    let reseeded = first.scenario.load.generate(60, first.scenario.ticks(), 1);
    assert_ne!(reseeded, first.load.scenario);
}

// AWS "multiple dynamic scaling policies": at the same instant the policy leaving the largest
// capacity runs; the other is recorded as superseded.
#[test]
fn simultaneous_alarms_resolve_to_the_largest_capacity() {
    let group = r#"min = 1
max = 20
desired = 8
[[group.rule]]
name = "minus-three"
change = -3
[[group.rule]]
name = "minus-quarter"
change_percent = -25
[[group.alarm]]
name = "a"
metric = "cpu"
period = "60s"
periods = 1
below = 50
run = "minus-three"
[[group.alarm]]
name = "b"
metric = "cpu"
period = "60s"
periods = 1
below = 50
run = "minus-quarter"
"#;
    let (_, outcome) = run(&scenario("2m", "base_rps = 100", group));
    // 8 instances: -3 leaves 5, -25% (= -2) leaves 6: the larger capacity wins.
    assert_eq!(
        statuses(&outcome),
        vec![
            (60, ActivityStatus::Superseded, 8, 8),
            (60, ActivityStatus::Successful, 8, 6)
        ]
    );
}

// Tiers behind a load balancer: a new instance takes traffic only after booting and being
// registered; it is billed from launch.
#[test]
fn registration_delay_postpones_service_not_billing() {
    let group = r#"min = 1
max = 5
desired = 1
registration_delay = "2m"
[[group.scheduled]]
name = "up"
at = "10m"
desired = 2
"#;
    let (_, outcome) = run(&scenario("1h", "base_rps = 10", group));
    // Boot 60 s + registration 120 s: in service at 13:00.
    assert_eq!(outcome.activities[0].end, Some(13 * 60));
    let row = |minute: u64| {
        outcome
            .timeline
            .iter()
            .find(|row| row.time == minute * 60)
            .unwrap()
    };
    assert_eq!((row(12).pending, row(12).in_service), (1, 1));
    assert_eq!(row(13).in_service, 2);
    assert!((outcome.total.booting_instance_hours - 3.0 / 60.0).abs() < 1e-12);
    // One instance all hour, one from 00:10: 110 instance-minutes.
    assert_eq!(outcome.total.instance_hours, 110.0 * 60.0 / 3600.0);
}

// Issue 16: ties land on the documented side. A fleet of 4 x 10 rps at exactly 22.8 rps with
// max_utilization = 0.57 is at the limit, not above it (0.57 x 40 = 22.799999999999997 in
// binary); 22.81 rps is above it all run.
#[test]
fn a_load_exactly_at_the_sla_limit_is_no_violation() {
    let text = |rps: &str| {
        common::scenario_text(
            "name = \"tie\"\nstart = \"2026-01-05T00:00:00+00:00\"\nduration = \"1h\"\nsla = { max_utilization = 0.57 }",
            "[instance_types.small]\ncapacity_rps = 10\nprice_per_hour = 1.0",
            &format!("[load]\nbase_rps = {rps}"),
            "name = \"web\"\ninstance_type = \"small\"\nmin = 4\nmax = 4",
        )
    };
    let (_, tie) = run(&text("22.8"));
    assert_eq!(tie.total.sla_violation_seconds, 0);
    let (_, over) = run(&text("22.81"));
    assert_eq!(over.total.sla_violation_seconds, 3600);
    let (_, under) = run(&text("22.79"));
    assert_eq!(under.total.sla_violation_seconds, 0);
}

// Each comparison operator at an exact tie: CPU at exactly 45.18% and 45.19% (that many rps
// on one instance of 100; 45.18000000000001 and 45.18999999999999 in binary, one each side)
// meets `at_or_above` and `at_or_below` and breaches neither `above` nor `below`; a
// hundredth off the tie, the strict ones decide.
#[test]
fn every_comparison_operator_decides_an_exact_tie_as_documented() {
    let fires = |rps: &str, operator: &str, threshold: &str| {
        let group = format!(
            "min = 1\nmax = 5\ndesired = 1\n\n[[group.rule]]\nname = \"add-one\"\nchange = 1\n\n[[group.alarm]]\nname = \"cpu\"\nmetric = \"cpu\"\nperiod = \"60s\"\nperiods = 1\n{operator} = {threshold}\nrun = \"add-one\""
        );
        let (_, outcome) = run(&scenario("10m", &format!("base_rps = {rps}"), &group));
        !outcome.activities.is_empty()
    };
    for tie in ["45.18", "45.19"] {
        for (operator, at_tie) in [
            ("above", false),
            ("at_or_above", true),
            ("below", false),
            ("at_or_below", true),
            // Tencent EQUAL_TO / NOT_EQUAL_TO: equal within the tie.
            ("equal_to", true),
            ("not_equal_to", false),
        ] {
            assert_eq!(fires(tie, operator, tie), at_tie, "{operator} at {tie}%");
        }
    }
    assert!(fires("45.19", "above", "45.18") && !fires("45.19", "at_or_below", "45.18"));
    assert!(fires("45.18", "below", "45.19") && !fires("45.18", "at_or_above", "45.19"));
    assert!(!fires("45.19", "equal_to", "45.18") && fires("45.19", "not_equal_to", "45.18"));
}

// CloudWatch Sum and SampleCount (statistic = "sum" / "sample_count"): a request-rate alarm's
// Sum is the requests of its period (RequestCount): 120 rps over 5 one-minute periods is
// 36,000 requests, on the tie; CPU's SampleCount counts one datapoint per in-service instance
// per metric period: 3 instances over a 5-minute period are 15.
#[test]
fn sum_and_sample_count_follow_cloudwatch_datapoints() {
    let fires = |desired: u32, metric: &str, statistic: &str, operator: &str, threshold: &str| {
        let group = format!(
            "min = 1\nmax = 9\ndesired = {desired}\n\n[[group.rule]]\nname = \"add-one\"\nchange = 1\n\n[[group.alarm]]\nname = \"count\"\nmetric = \"{metric}\"\nstatistic = \"{statistic}\"\nperiod = \"5m\"\nperiods = 1\n{operator} = {threshold}\nrun = \"add-one\""
        );
        let (_, outcome) = run(&scenario("10m", "base_rps = 120", &group));
        !outcome.activities.is_empty()
    };
    assert!(fires(1, "request_rate", "sum", "at_or_above", "36000"));
    assert!(!fires(1, "request_rate", "sum", "above", "36000"));
    assert!(fires(3, "cpu", "sample_count", "at_or_above", "15"));
    assert!(!fires(3, "cpu", "sample_count", "above", "15"));
    // Per instance: 40 rps each on 3 instances, 12,000 requests per instance per 5 minutes.
    assert!(fires(
        3,
        "requests_per_instance",
        "sum",
        "equal_to",
        "12000"
    ));
    assert!(!fires(3, "requests_per_instance", "sum", "above", "12000"));
}

// Target tracking at its target exactly neither scales out nor in, and the capacity it
// computes at a tie is the whole number, not one more: 3 instances at exactly 45.05% CPU
// (135.15 rps; 45.050000000000004 in binary) against a 45.05% target stay 3.
#[test]
fn target_tracking_at_its_target_holds() {
    let group = "min = 1\nmax = 10\ndesired = 3\n\n[[group.rule]]\nname = \"track\"\ntype = \"target_tracking\"\ntarget = 45.05\nscale_out_periods = 1\nscale_in_periods = 1\nscale_in_ratio = 1.0";
    let (_, outcome) = run(&scenario("30m", "base_rps = 135.15", group));
    assert!(outcome.activities.is_empty(), "{:?}", statuses(&outcome));
}

// Issue 16: scheduled tasks firing at the same instant run in file order (ESS runs tasks of
// the same minute one after the other, the earliest first, the next waiting for the
// activity in progress), not in the order they happened to be queued: an hourly task listed
// before a daily one runs first at midnight, so the daily one's capacity stands, on every
// day, and swapping them in the file swaps the result.
#[test]
fn scheduled_tasks_at_the_same_instant_run_in_file_order() {
    let tasks = |first: (&str, &str, u32), second: (&str, &str, u32)| {
        let task = |(name, cron, desired): (&str, &str, u32)| {
            format!(
                "\n[[group.scheduled]]\nname = \"{name}\"\ncron = \"{cron}\"\nmin = {desired}\ndesired = {desired}\n"
            )
        };
        format!(
            "min = 1\nmax = 9\ndesired = 1\n{}{}",
            task(first),
            task(second)
        )
    };
    let hourly = ("hourly", "0 * * * *", 2);
    let daily = ("daily", "0 0 * * *", 5);
    let at_midnight = |group: &str| {
        let (_, outcome) = run(&scenario("3d", "base_rps = 50", group));
        // The capacity the midnight tasks leave (a task that meets the other's activity in
        // progress waits for it, within its launch expiration), on each day after the first.
        [86_400u64, 2 * 86_400].map(|midnight| {
            outcome
                .activities
                .iter()
                .rev()
                .filter(|activity| (midnight..midnight + 600).contains(&activity.start))
                .find(|activity| activity.status.is_activity())
                .map(|activity| activity.to)
                .unwrap()
        })
    };
    assert_eq!(at_midnight(&tasks(hourly, daily)), [5, 5]);
    assert_eq!(at_midnight(&tasks(daily, hourly)), [2, 2]);
}

// Issue 16: activities are listed by start, whatever order they were recorded in (a failed
// firing is recorded when it gives up, after activities that started later).
#[test]
fn activities_are_listed_by_start_on_every_bundled_scenario() {
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|extension| extension != "toml") {
            continue;
        }
        let loaded = scenario::load(&path).unwrap();
        for (name, variant) in loaded.variants() {
            let outcome = engine::simulate(variant, &loaded.load, RunOptions::FULL);
            assert!(
                outcome
                    .activities
                    .windows(2)
                    .all(|pair| pair[0].start <= pair[1].start),
                "{}: {name}",
                path.display()
            );
        }
    }
}

// Details say what happened: with weight-4 instances, desired 30 and a -1 rule, desired drops
// to 29 and nothing is terminated because any removal would undershoot it, not because an
// instance is protected; target tracking's scale-in names its threshold, not the target.
#[test]
fn details_name_the_real_reason() {
    let text = common::scenario_text(
        "name = \"w\"\nstart = \"2026-01-05T00:00:00+00:00\"\nduration = \"10m\"",
        "[instance_types.big]\ncapacity_rps = 400\nprice_per_hour = 1.0\nweight = 4",
        "[load]\nbase_rps = 100",
        "name = \"web\"\ninstance_type = \"big\"\nmin = 1\nmax = 40\ndesired = 32\n\n[[group.rule]]\nname = \"minus-one\"\nchange = -1\n\n[[group.scheduled]]\nname = \"trim\"\nat = \"1m\"\nrun = \"minus-one\"",
    );
    let (_, outcome) = run(&text);
    let trim = &outcome.activities[0];
    assert_eq!((trim.from, trim.to), (32, 31));
    assert!(trim.terminated.is_empty());
    let detail = trim.detail(
        &scenario::load_str("w.toml", &text, Path::new("."))
            .unwrap()
            .scenario,
    );
    assert!(
        detail.contains(
            "1 unit(s) above desired kept: removing an instance of weight 4 would go below it"
        ),
        "{detail}"
    );
    assert!(!detail.contains("protected"), "{detail}");
    let tracking = "min = 1\nmax = 10\ndesired = 4\n\n[[group.rule]]\nname = \"track\"\ntype = \"target_tracking\"\ntarget = 50\nscale_in_periods = 1";
    let text = scenario("10m", "base_rps = 40", tracking);
    let (loaded, outcome) = run(&text);
    let scale_in = outcome
        .activities
        .iter()
        .find(|activity| activity.to < activity.from)
        .unwrap();
    let detail = scale_in.detail(&loaded.scenario);
    assert!(
        detail.contains("cpu 10 < scale-in threshold 45 (0.9 x target) for 1 period(s): ceil(4 x 10 / 50) = 1: 4 -> 1"),
        "{detail}"
    );
}

// A firing that waits and fails is recorded when it gives up (12:30 here) but started when it
// fired (10:30): it is listed before the alarm triggers rejected at 11:00 and 12:00.
#[test]
fn a_failed_firing_is_listed_at_its_start() {
    let text = scenario(
        "20m",
        "base_rps = 10",
        r#"min = 1
max = 10
desired = 2
[[group.rule]]
name = "add-one"
change = 1
[[group.alarm]]
name = "always"
metric = "cpu"
period = "60s"
periods = 1
below = 100
run = "add-one"
[[group.scheduled]]
name = "first"
at = "10m"
desired = 4
[[group.scheduled]]
name = "second"
at = "10m30s"
desired = 6
launch_expiration = "2m"
"#,
    )
    .replace("boot_time = \"60s\"", "boot_time = \"5m\"");
    let (_, outcome) = run(&text);
    let failed = (outcome.activities.iter())
        .position(|activity| activity.status == ActivityStatus::Failed)
        .unwrap();
    assert_eq!(outcome.activities[failed].start, 10 * 60 + 30);
    assert_eq!(outcome.activities[failed].end, Some(12 * 60 + 30));
    assert!(outcome.activities[failed + 1].start >= 11 * 60);
    assert!(
        outcome
            .activities
            .windows(2)
            .all(|pair| pair[0].start <= pair[1].start),
        "{:?}",
        statuses(&outcome)
    );
}

// CloudWatch "M out of N" (DatapointsToAlarm): 2 breaching datapoints among the last 3 fire
// the alarm where 3 consecutive ones are needed without it. CPU is 90% in minutes 0 and 2 and
// 50% in minute 1: datapoints close at 1:00 (breach), 2:00 (not), 3:00 (breach).
#[test]
fn m_out_of_n_datapoints_fire_an_alarm() {
    let load = "base_rps = 50\nbursts = [{ at = \"0m\", duration = \"1m\", add_rps = 40 }, { at = \"2m\", duration = \"1m\", add_rps = 40 }]";
    let group = |datapoints: &str| {
        format!(
            "min = 1\nmax = 5\ndesired = 1\n\n[[group.rule]]\nname = \"add-one\"\nchange = 1\n\n[[group.alarm]]\nname = \"cpu\"\nmetric = \"cpu\"\nperiod = \"60s\"\nperiods = 3\n{datapoints}above = 70\nrun = \"add-one\""
        )
    };
    let (loaded, two_of_three) = run(&scenario("10m", load, &group("datapoints = 2\n")));
    assert_eq!(
        statuses(&two_of_three),
        vec![(180, ActivityStatus::Successful, 1, 2)]
    );
    assert!(
        two_of_three.activities[0]
            .detail(&loaded.scenario)
            .starts_with("cpu average 90 > 70 in 2 of 3 period(s) of 1m"),
        "{}",
        two_of_three.activities[0].detail(&loaded.scenario)
    );
    let (_, consecutive) = run(&scenario("10m", load, &group("")));
    assert!(
        consecutive.activities.is_empty(),
        "{:?}",
        statuses(&consecutive)
    );
    // 3 of 3 is the consecutive rule; more than `periods` is refused at its line.
    let (_, all) = run(&scenario("10m", load, &group("datapoints = 3\n")));
    assert!(all.activities.is_empty());
    let refused = scenario::load_str(
        "m.toml",
        &scenario("10m", load, &group("datapoints = 4\n")),
        Path::new("."),
    )
    .map(|_| ())
    .expect_err("refused")
    .to_string();
    assert!(
        refused.contains("alarm `cpu` counts 4 breaching datapoints out of 3 period(s)")
            && refused.contains("group.alarm.datapoints"),
        "{refused}"
    );
}
