//! Every kind of sweep path: each sets what it names (the swept scenario differs from the
//! file), and the plan's pasted `[[policy]]` reproduces the swept run exactly, for every
//! setting a policy can carry.

use crate::common;
use scaleplan::engine::{RunOptions, simulate};

const SCENARIO: &str = r#"
[scenario]
name = "paths"
start = "2026-03-02T00:00:00+08:00"
duration = "3d"
seed = 7
metric_period = "60s"
timezone = "Asia/Shanghai"

[instance_types.small]
capacity_rps = 100
price_per_hour = 0.1
boot_time = "2m"

[instance_types.spot]
capacity_rps = 100
price_per_hour = 0.1
boot_time = "2m"
stock = 50
preemptible = { discount = 0.7, reclaim_rate = 0.05, notice = "2m", stock = 20 }

[load]
base_rps = 300
diurnal = { amplitude = 0.3, peak = "13:00" }
daily = [{ from = "11:00", to = "13:00", multiply = 1.5, ramp = "10m" }]
bursts = [{ at = "1d20h", duration = "30m", add_rps = 400 }]
growth = { factor = 1.5, start = "1d", over = "1d" }
noise = { kind = "lognormal", sigma = 0.05 }

[[group]]
name = "web"
instance_types = ["spot", "small"]
min = 2
max = 20
load_share = 0.4
mix = { on_demand_base = 1, on_demand_above_base = 0.5 }
health = { mtbf = "200h" }

[[group.rule]]
name = "add-two"
change = 2

[[group.rule]]
name = "grow"
change_percent = 30
min_adjustment = 2
cooldown = "3m"

[[group.rule]]
name = "step-out"
type = "step"
warmup = "2m"
steps = [{ upper = 10, change = 1 }, { lower = 10, upper = 30, change = 2 }, { lower = 30, change = 4 }]

[[group.alarm]]
name = "cpu-high"
metric = "cpu"
period = "60s"
periods = 2
above = 70
run = "step-out"

[[group.alarm]]
name = "rps-high"
metric = "requests_per_instance"
periods = 1
above = 90
run = "grow"

[[group.scheduled]]
name = "lunch"
cron = "30 10 * * *"
min = 4

[[group.scheduled]]
name = "once"
at = "1d9h"
run = "add-two"

[[group]]
name = "api"
instance_type = "small"
min = 1
max = 20
desired = 3
load_share = 0.3

[[group.rule]]
name = "cpu-50"
type = "target_tracking"
target = 50

[[group]]
name = "pods"
instance_type = "small"
min = 1
max = 30
load_share = 0.2

[[group.rule]]
name = "hpa"
type = "hpa"
target = 60

[[group]]
name = "forecast"
instance_type = "small"
min = 1
max = 10
load_share = 0.1

[[group.rule]]
name = "predict"
type = "predictive"
target = 50
history = "1d"
"#;

/// (path, value as TOML) for every kind of setting a policy can carry.
const IN_POLICY: &[(&str, &str)] = &[
    ("group.web.min", "3"),
    ("group.web.max", "12"),
    ("group.web.desired", "5"),
    ("group.web.default_cooldown", "\"2m\""),
    ("group.web.load_share", "0.5"),
    ("group.web.removal_policy", "\"newest_instance\""),
    ("group.web.registration_delay", "\"30s\""),
    ("group.web.mix.on_demand_base", "3"),
    ("group.web.mix.on_demand_above_base", "0.25"),
    ("group.web.health.mtbf", "\"2d2h\""),
    ("group.web.health.grace", "\"10m\""),
    ("group.web.health.detection", "\"2m\""),
    ("group.web.rule.add-two.change", "3"),
    ("group.web.rule.grow.change_percent", "45.5"),
    ("group.web.rule.grow.min_adjustment", "3"),
    ("group.web.rule.grow.cooldown", "\"1m\""),
    ("group.web.rule.step-out.warmup", "\"5m\""),
    ("group.web.rule.step-out.steps.0.upper", "5"),
    ("group.web.rule.step-out.steps.2.lower", "20"),
    ("group.web.rule.step-out.steps.2.change", "6"),
    ("group.web.alarm.cpu-high.above", "55.5"),
    ("group.web.alarm.cpu-high.period", "\"2m\""),
    ("group.web.alarm.cpu-high.periods", "3"),
    ("group.web.alarm.cpu-high.datapoints", "1"),
    ("group.web.alarm.cpu-high.statistic", "\"maximum\""),
    ("group.web.alarm.cpu-high.evaluation_interval", "\"1m\""),
    ("group.web.alarm.cpu-high.missing_data", "\"breaching\""),
    ("group.web.alarm.rps-high.metric", "\"cpu\""),
    ("group.web.scheduled.lunch.cron", "\"0 10 * * *\""),
    ("group.web.scheduled.lunch.min", "6"),
    ("group.web.scheduled.lunch.launch_expiration", "\"1m\""),
    ("group.web.scheduled.once.at", "\"2d1h\""),
    ("group.api.rule.cpu-50.target", "35.25"),
    ("group.api.rule.cpu-50.metric", "\"requests_per_instance\""),
    ("group.api.rule.cpu-50.scale_in_ratio", "0.7"),
    ("group.api.rule.cpu-50.scale_out_periods", "1"),
    ("group.api.rule.cpu-50.scale_in_periods", "5"),
    ("group.api.rule.cpu-50.disable_scale_in", "true"),
    ("group.api.rule.cpu-50.warmup", "\"1m\""),
    ("group.api.rule.cpu-50.scale_in_cooldown", "\"7m\""),
    ("group.pods.rule.hpa.target", "40"),
    ("group.pods.rule.hpa.metric", "\"requests_per_instance\""),
    ("group.pods.rule.hpa.tolerance", "0.2"),
    ("group.pods.rule.hpa.stabilization_window", "\"1m\""),
    ("group.pods.rule.hpa.scale_up_percent", "50"),
    ("group.pods.rule.hpa.scale_up_instances", "2"),
    ("group.pods.rule.hpa.scale_down_percent", "20"),
    ("group.pods.rule.hpa.policy_period", "\"1m\""),
    ("group.pods.rule.hpa.sync_period", "\"30s\""),
    ("group.pods.rule.hpa.scale_down_instances", "2"),
    ("group.pods.rule.hpa.scale_up_select", "\"min\""),
    ("group.pods.rule.hpa.scale_down_select", "\"disabled\""),
    ("group.pods.rule.hpa.scale_up_stabilization", "\"1m\""),
    ("group.pods.rule.hpa.scale_up_tolerance", "0.3"),
    ("group.pods.rule.hpa.scale_down_tolerance", "0.05"),
    ("group.pods.rule.hpa.cpu_initialization_period", "\"2m\""),
    ("group.forecast.rule.predict.target", "30"),
    ("group.forecast.rule.predict.mode", "\"forecast_only\""),
    ("group.forecast.rule.predict.buffer", "\"10m\""),
    ("group.forecast.rule.predict.history", "\"2d\""),
    (
        "group.forecast.rule.predict.max_capacity_breach",
        "\"increase\"",
    ),
    ("group.forecast.rule.predict.max_capacity_buffer", "10"),
];

/// Settings outside any policy: the plan writes them as comments.
const OUTSIDE: &[(&str, &str)] = &[
    ("instance_types.small.capacity_rps", "120"),
    ("instance_types.small.price_per_hour", "0.2"),
    ("instance_types.small.boot_time", "\"5m\""),
    ("instance_types.small.billing_minimum", "\"1h\""),
    ("instance_types.small.billing_granularity", "\"1h\""),
    ("instance_types.small.weight", "2"),
    ("instance_types.spot.stock", "3"),
    ("instance_types.small.no_stock_probability", "0.5"),
    ("instance_types.spot.preemptible.discount", "0.5"),
    ("instance_types.spot.preemptible.reclaim_rate", "0.5"),
    ("instance_types.spot.preemptible.notice", "\"30s\""),
    ("instance_types.spot.preemptible.stock", "2"),
    ("scenario.sla.max_utilization", "0.6"),
    ("scenario.rounding", "\"alibaba\""),
    ("scenario.cooldown_blocks", "\"all\""),
    ("load.scale", "2"),
    ("load.base_rps", "500"),
    ("load.diurnal.amplitude", "0.6"),
    ("load.growth.factor", "3"),
    ("load.growth.over", "\"12h\""),
    ("load.noise.sigma", "0.2"),
    ("load.daily.0.multiply", "3"),
    ("load.daily.0.add_rps", "50"),
    ("load.bursts.0.add_rps", "900"),
    ("load.bursts.0.duration", "\"2h\""),
];

fn with_sweep(path: &str, value: &str) -> String {
    format!("{SCENARIO}\n[sweep]\n[[sweep.parameter]]\npath = \"{path}\"\nvalues = [{value}]\n")
}

/// The sweep's only point, run, and the file's own run.
fn swept(path: &str, value: &str) -> (scaleplan::scenario::Loaded, String) {
    let loaded = common::load(&with_sweep(path, value));
    let sweep = loaded.sweep.clone().expect("a sweep");
    let point = sweep.scenario_at(&loaded.scenario, 0);
    let load = scaleplan::model::Loads::generate(&point, point.seed);
    let outcome = simulate(&point, &load, RunOptions::SUMMARY);
    (loaded, format!("{:?}", outcome.groups))
}

#[test]
fn every_path_sets_what_it_names() {
    for (path, value) in IN_POLICY.iter().chain(OUTSIDE) {
        let loaded = common::load(&with_sweep(path, value));
        let sweep = loaded.sweep.as_ref().unwrap();
        let point = sweep.scenario_at(&loaded.scenario, 0);
        assert_ne!(
            format!("{:?}", point),
            format!("{:?}", loaded.scenario),
            "{path} = {value} changed nothing"
        );
        assert_eq!(sweep.describe(0), format!("{path} = {value}"));
    }
}

#[test]
fn the_pasted_policy_runs_the_swept_point_exactly() {
    use rayon::prelude::*;
    // In parallel: each path is independent, and this is one of the suite's longest tests.
    IN_POLICY.par_iter().for_each(|(path, value)| {
        let (loaded, swept_run) = swept(path, value);
        let sweep = loaded.sweep.as_ref().unwrap();
        let snippet = scaleplan::sweep::plan::snippet(&loaded.scenario, &loaded.scenario, sweep, 0);
        assert!(!snippet.contains("set outside"), "{path}: {snippet}");
        let pasted = common::load(&format!("{SCENARIO}\n{snippet}"));
        let policy = pasted.policy("planned").expect("the planned policy");
        let run = simulate(policy, &pasted.load, RunOptions::SUMMARY);
        assert_eq!(
            format!("{:?}", run.groups),
            swept_run,
            "{path} = {value}: the pasted policy runs differently\n{snippet}"
        );
    });
}

#[test]
fn settings_a_policy_cannot_carry_are_named_in_comments() {
    for (path, value) in OUTSIDE {
        let loaded = common::load(&with_sweep(path, value));
        let snippet = scaleplan::sweep::plan::snippet(
            &loaded.scenario,
            &loaded.scenario,
            loaded.sweep.as_ref().unwrap(),
            0,
        );
        assert!(
            snippet.contains(&format!("# set outside the policy: {path} = {value}\n")),
            "{snippet}"
        );
    }
}

#[test]
fn desired_follows_a_swept_min_unless_the_file_sets_it() {
    // `web` leaves desired at min: it moves with min.
    let loaded = common::load(&with_sweep("group.web.min", "6"));
    let point = loaded
        .sweep
        .as_ref()
        .unwrap()
        .scenario_at(&loaded.scenario, 0);
    assert_eq!((point.groups[0].min, point.groups[0].desired), (6, 6));
    // `api` sets desired = 3: a min above it is refused, naming both.
    let error = scaleplan::scenario::load_str(
        "paths.toml",
        &with_sweep("group.api.min", "2, 4"),
        std::path::Path::new("."),
    )
    .map(|_| ())
    .expect_err("refused")
    .to_string();
    assert!(
        error.contains("point 1 (group.api.min = 4): group `api`: desired 3 is outside [min 4, max 20] (desired is set in the file; sweep `group.api.desired` too, or remove it to follow min)"),
        "{error}"
    );
}

#[test]
fn refusals_name_the_path_the_value_and_what_is_allowed() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "group.web.removal_policy",
            "\"newest\"",
            "`newest` is not one of oldest_instance, newest_instance, oldest_scaling_configuration",
        ),
        (
            "group.api.rule.cpu-50.disable_scale_in",
            "1",
            "`1` is not true or false",
        ),
        (
            "group.api.rule.cpu-50.metric",
            "\"request_rate\"",
            "`request_rate` is not one of cpu, requests_per_instance",
        ),
        (
            "group.api.rule.cpu-50.scale_in_ratio",
            "1.5",
            "1.5 is not allowed for `group.api.rule.cpu-50.scale_in_ratio`: the ratio lies in (0, 1]",
        ),
        (
            "group.pods.rule.hpa.sync_period",
            "\"0s\"",
            "must be 1s to 30m",
        ),
        (
            "group.forecast.rule.predict.buffer",
            "\"1h\"",
            "the buffer must be under an hour",
        ),
        (
            "group.web.scheduled.lunch.at",
            "\"1d\"",
            "task `lunch` is written with `cron`; sweep `cron`",
        ),
        (
            "group.web.scheduled.lunch.cron",
            "\"61 10 * * *\"",
            "invalid cron `61 10 * * *`",
        ),
        (
            "group.web.scheduled.once.at",
            "\"5d\"",
            "with `5d` task `once` never fires during the run",
        ),
        (
            "group.web.rule.step-out.steps.0.lower",
            "0",
            "step 0 of `step-out` has no `lower`: that end is unbounded",
        ),
        (
            "group.web.rule.step-out.steps.3.upper",
            "0",
            "there is no step 3; there are 3, numbered from 0",
        ),
        (
            "group.web.rule.step-out.steps.0.upper",
            "40",
            "rule `step-out` has a step from 40 to 30: its lower bound must be below its upper",
        ),
        (
            "group.web.rule.add-two.change_percent",
            "5",
            "simple rule `add-two` (change) fields are change, cooldown",
        ),
        (
            "group.api.mix.on_demand_base",
            "1",
            "group `api` has no `mix`",
        ),
        (
            "instance_types.small.preemptible.discount",
            "0.5",
            "instance type `small` is not preemptible",
        ),
        (
            "load.daily.1.multiply",
            "2",
            "there is no daily window 1; there are 1, numbered from 0",
        ),
        (
            "scenario.rounding",
            "\"nearest\"",
            "`nearest` is not one of aws, alibaba",
        ),
    ];
    for (path, value, expected) in cases {
        let error = scaleplan::scenario::load_str(
            "paths.toml",
            &with_sweep(path, value),
            std::path::Path::new("."),
        )
        .err()
        .unwrap_or_else(|| panic!("{path} = {value} was accepted"))
        .to_string();
        assert!(error.contains(expected), "{path} = {value}:\n{error}");
    }
}

// The pasted plan carries a policy's warm pool and lifecycle hooks: the warm-pool scenario's
// `reuse` policy, which adds a pool the file has not, pasted as `planned`, runs exactly as
// `reuse` (it ran without the pool before, a different policy under the same numbers); a
// point without the file's pool says it must be removed by hand.
#[test]
fn the_pasted_policy_carries_warm_pools_and_hooks() {
    let text = std::fs::read_to_string("scenarios/warm-pool.toml").unwrap();
    let loaded = common::load(&text);
    let reuse = loaded.policy("reuse").unwrap();
    let single = scaleplan::model::Sweep::single(Some("reuse"), 1);
    let snippet = scaleplan::sweep::plan::snippet(&loaded.scenario, reuse, &single, 0);
    let group = |snippet: &str| -> toml::Value {
        let table: toml::Table = toml::from_str(snippet).unwrap();
        table["policy"][0]["group"][0].clone()
    };
    assert_eq!(
        group(&snippet)["warm_pool"]["fill"].as_str(),
        Some("prepared"),
        "{snippet}"
    );
    let pasted = common::load(&format!("{text}\n{snippet}"));
    let planned = pasted.policy("planned").unwrap();
    let (a, b) = (
        simulate(planned, &pasted.load, RunOptions::SUMMARY),
        simulate(reuse, &loaded.load, RunOptions::SUMMARY),
    );
    assert_eq!(format!("{:?}", a.groups), format!("{:?}", b.groups));
    // Hooks: the export fixture's group has one; its pasted copy runs the same.
    let fixture = std::fs::read_to_string("tests/fixtures/export/aws-round-trip.toml").unwrap();
    let loaded = common::load(&fixture);
    let single = scaleplan::model::Sweep::single(None, 1);
    let snippet = scaleplan::sweep::plan::snippet(&loaded.scenario, &loaded.scenario, &single, 0);
    let hooks: toml::Value = toml::from_str(
        "hook = [{ name = \"bootstrap\", transition = \"launching\", heartbeat_timeout = \"10m\", default_result = \"abandon\", completes_after = \"3m\", result = \"continue\" }]",
    )
    .unwrap();
    assert_eq!(
        group(&snippet)["lifecycle_hook"],
        hooks["hook"],
        "{snippet}"
    );
    // The cold policy of warm-pool against a file with a pool: named in a comment.
    let with_pool = text.replace(
        "default_cooldown = \"3m\"\n",
        "default_cooldown = \"3m\"\nwarm_pool = { stopped_price_per_hour = 0.01, warm_boot_time = \"1m\" }\n",
    );
    let loaded = common::load(&with_pool);
    let mut cold = loaded.scenario.clone();
    cold.groups[0].warm_pool = None;
    let snippet = scaleplan::sweep::plan::snippet(&loaded.scenario, &cold, &single, 0);
    assert!(
        snippet.contains(
            "# group shop: this point has no warm pool; remove the file's [group.warm_pool] by hand"
        ),
        "{snippet}"
    );
}
