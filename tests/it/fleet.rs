//! Fleet realism: instance types with fallback and stock, capacity weights, scaling
//! configurations, preemptible instances, health replacement, per-group loads and latency.

use crate::common;

use common::{assert_cost, run};
use scaleplan::engine::{
    self, ActivityStatus, Cause, EndReason, Outcome, ReplacementReason, RunOptions,
};
use scaleplan::scaling::queueing::response_time_quantile;

/// A scenario with `types` (instance type tables), a constant load and one group whose
/// extra lines are `group`.
fn scenario(duration: &str, rps: f64, types: &str, group: &str) -> String {
    common::scenario_text(
        &format!(
            "name = \"fleet\"\nstart = \"2026-01-05T00:00:00+00:00\"\nduration = \"{duration}\"\nseed = 7"
        ),
        types,
        &format!("[load]\nbase_rps = {rps}"),
        &format!("name = \"web\"\n{group}"),
    )
}

fn replacements(outcome: &Outcome, reason: ReplacementReason) -> usize {
    outcome
        .activities
        .iter()
        .filter(|activity| activity.cause == Cause::Replacement { reason })
        .count()
}

const TWO_TYPES: &str = r#"
[instance_types.c6]
capacity_rps = 100
price_per_hour = 0.10
boot_time = "60s"
stock = 3

[instance_types.c5]
capacity_rps = 100
price_per_hour = 0.12
boot_time = "60s"
"#;

// ESS: a configuration's instance types are tried in priority order; when one runs out of
// stock the next is used, and the activity says so.
#[test]
fn launches_fall_back_in_priority_order_when_stock_runs_out() {
    let group = r#"instance_types = ["c6", "c5"]
min = 0
max = 10
desired = 2
[[group.scheduled]]
name = "grow"
at = "1h"
desired = 6
"#;
    let (loaded, outcome) = run(&scenario("3h", 50.0, TWO_TYPES, group));
    let grow = &outcome.activities[0];
    assert_eq!(grow.status, ActivityStatus::Successful);
    assert_eq!((grow.from, grow.to), (2, 6));
    let detail = grow.detail(&loaded.scenario);
    assert!(
        detail.ends_with("no stock: c6; launched 1 x c6, 3 x c5"),
        "{detail}"
    );
    // Instance records carry the type: ids 0-2 are c6 (the stock of 3), ids 3-5 c5.
    let types: Vec<&str> = outcome
        .instances
        .iter()
        .map(|instance| {
            loaded.scenario.instance_types[instance.instance_type]
                .name
                .as_str()
        })
        .collect();
    assert_eq!(types, ["c6", "c6", "c6", "c5", "c5", "c5"]);
    // c6 costs 0.10 and c5 0.12 per hour; c6 ran 3 h (two) and 2 h (one); c5 2 h x 3.
    let expected = 0.10 * (3.0 + 3.0 + 2.0) + 0.12 * 2.0 * 3.0;
    assert_cost(&outcome, expected);
}

// ESS: when no type has stock, the activity launches what it can and is partially
// successful; the group holds what launched.
#[test]
fn no_stock_anywhere_is_a_partial_success() {
    let types = r#"
[instance_types.c6]
capacity_rps = 100
price_per_hour = 0.10
stock = 3
"#;
    let group = r#"instance_type = "c6"
min = 0
max = 10
desired = 2
[[group.scheduled]]
name = "grow"
at = "1h"
desired = 5
"#;
    let (loaded, outcome) = run(&scenario("2h", 50.0, types, group));
    let grow = &outcome.activities[0];
    assert_eq!(grow.status, ActivityStatus::PartialSuccess);
    assert_eq!((grow.from, grow.to, grow.no_stock), (2, 3, 2));
    assert_eq!(grow.launched.len(), 1);
    assert!(
        grow.detail(&loaded.scenario)
            .ends_with("no stock: c6; 2 unit(s) found no stock in any instance type"),
        "{}",
        grow.detail(&loaded.scenario)
    );
    assert_eq!(outcome.total.no_stock, 2);
    assert_eq!(outcome.total.peak_in_service, 3);
}

// A type whose launches always find no stock (probability 1) is always skipped.
#[test]
fn no_stock_probability_skips_a_type() {
    let types = TWO_TYPES
        .replace("stock = 3", "no_stock_probability = 1.0")
        .to_string();
    let group = "instance_types = [\"c6\", \"c5\"]\nmin = 0\nmax = 10\ndesired = 0\n[[group.scheduled]]\nname = \"grow\"\nat = \"1h\"\ndesired = 4\n";
    let (loaded, outcome) = run(&scenario("2h", 50.0, &types, group));
    let name = |index: usize| loaded.scenario.instance_types[index].name.as_str();
    assert!(
        outcome
            .instances
            .iter()
            .all(|i| name(i.instance_type) == "c5")
    );
    assert_eq!(outcome.instances.len(), 4);
}

// AWS weights: desired capacity counts units; a type of weight 2 fills two.
#[test]
fn capacity_weights_count_units() {
    let types = r#"
[instance_types.large]
capacity_rps = 200
price_per_hour = 0.2
weight = 2

[instance_types.small]
capacity_rps = 100
price_per_hour = 0.1
"#;
    let group = r#"instance_types = ["large", "small"]
min = 0
max = 10
desired = 4
[[group.scheduled]]
name = "five"
at = "1h"
desired = 5
[[group.scheduled]]
name = "three"
at = "2h"
desired = 3
"#;
    let (_, outcome) = run(&scenario("3h", 100.0, types, group));
    // 4 units = 2 large; 5 units: one more large (6 units, AWS may exceed desired by less
    // than one instance's weight); 3 units: one large goes (4 units), a second would leave 2.
    let rows: Vec<(u32, f64)> = outcome
        .timeline
        .iter()
        .filter(|row| [0, 3600 + 120, 7200 + 60].contains(&row.time))
        .map(|row| (row.in_service, row.capacity_rps))
        .collect();
    assert_eq!(rows, vec![(4, 400.0), (6, 600.0), (4, 400.0)]);
    assert_eq!(outcome.instances.len(), 3);
    // Peaks and means in both: every instance here is a weight-2 large.
    let group = &outcome.groups[0];
    assert_eq!((group.peak_in_service, group.peak_instances), (6, 3));
    assert_eq!(group.mean_in_service, 2.0 * group.mean_instances);
    assert_eq!(outcome.total.peak_instances, 3);
}

// ESS OldestScalingConfiguration: scale-in removes instances of the oldest configuration
// (file order) first, whatever their age; a scheduled task switches the active one.
#[test]
fn oldest_scaling_configuration_removes_the_older_generation_first() {
    let types = r#"
[instance_types.gen2]
capacity_rps = 100
price_per_hour = 0.1

[instance_types.gen3]
capacity_rps = 100
price_per_hour = 0.1
"#;
    let group = |policy: &str| {
        format!(
            r#"min = 0
max = 10
desired = 4
active_configuration = "new"
removal_policy = "{policy}"
[[group.configuration]]
name = "old"
instance_types = ["gen2"]
[[group.configuration]]
name = "new"
instance_types = ["gen3"]
[[group.scheduled]]
name = "back-to-old"
at = "1h"
activate = "old"
[[group.scheduled]]
name = "grow"
at = "2h"
desired = 6
[[group.scheduled]]
name = "shrink"
at = "3h"
desired = 4
"#
        )
    };
    let terminated = |policy: &str| {
        let (loaded, outcome) = run(&scenario("4h", 50.0, types, &group(policy)));
        assert!(
            outcome.activities[0]
                .detail(&loaded.scenario)
                .contains("scaling configuration old is now active")
        );
        let shrink = outcome.activities.last().unwrap();
        assert_eq!((shrink.from, shrink.to), (6, 4));
        shrink.terminated.clone()
    };
    // Ids 0-3 are gen3 ("new"), launched first; ids 4-5 gen2 ("old"), launched at 2h.
    assert_eq!(terminated("oldest_scaling_configuration"), vec![4, 5]);
    assert_eq!(terminated("oldest_instance"), vec![0, 1]);
    // AWS OldestLaunchTemplate: the non-current template first ("old" is active again since
    // 1h), so the older-created "old" instances stay; Default does the same, then finds all
    // of 0-3 on an hour's boundary (3h old) and takes the oldest.
    assert_eq!(terminated("oldest_launch_template"), vec![0, 1]);
    assert_eq!(terminated("oldest_launch_configuration"), vec![0, 1]);
    assert_eq!(terminated("default"), vec![0, 1]);
}

/// One hourly-billed instance at the start, one more at 20m and at 40m, back to two at 70m.
fn hourly(policy: &str) -> String {
    let types = r#"
[instance_types.hourly]
capacity_rps = 100
price_per_hour = 1.0
boot_time = "60s"
billing_granularity = "1h"
"#;
    let group = format!(
        r#"instance_type = "hourly"
min = 1
max = 3
desired = 1
removal_policy = {policy}
[[group.scheduled]]
name = "second"
at = "20m"
desired = 2
[[group.scheduled]]
name = "third"
at = "40m"
desired = 3
[[group.scheduled]]
name = "back"
at = "70m"
desired = 2
"#
    );
    scenario("2h", 50.0, types, &group)
}

// AWS ClosestToNextInstanceHour ("maximize the use of your instances that have an hourly
// charge"). At 70m the instances are 70, 50 and 30 minutes old: 50, 10 and 30 minutes from
// their next billing hour. It removes the 50-minute-old one, which has used 50 of its paid 60
// minutes: 2 + 1 + 2 = 5 instance-hours billed by the end at 2h. Oldest first removes the
// 70-minute-old one, which has just started its second paid hour: 2 + 2 + 2 = 6.
#[test]
fn closest_to_next_instance_hour_saves_an_hourly_charge() {
    let shrink = |policy: &str| {
        let (_, outcome) = run(&hourly(policy));
        let shrink = outcome.activities.last().unwrap().clone();
        assert_eq!((shrink.start, shrink.from, shrink.to), (4200, 3, 2));
        (shrink.terminated, outcome)
    };
    let (closest, outcome) = shrink("\"closest_to_next_instance_hour\"");
    assert_eq!(closest, vec![1]);
    assert_cost(&outcome, 5.0);
    let (oldest, outcome) = shrink("\"oldest_instance\"");
    assert_eq!(oldest, vec![0]);
    assert_cost(&outcome, 6.0);
    // Default ranks the same configuration for all, then the next instance hour.
    let (default, _) = shrink("\"default\"");
    assert_eq!(default, vec![1]);
    // A list: the newest first; ClosestToNextInstanceHour would only break its ties.
    let (listed, _) = shrink("[\"newest_instance\", \"closest_to_next_instance_hour\"]");
    assert_eq!(listed, vec![2]);
}

// AWS AllocationStrategy (prioritized): the lowest-priority type goes first. c6 has stock for
// one instance, so of the three launched the first is c6 and the others c5 (ids 1, 2); it
// removes a c5, the older of the two, where oldest first takes the c6 and newest first id 2.
#[test]
fn allocation_strategy_removes_the_lowest_priority_type_first() {
    let types = r#"
[instance_types.c6]
capacity_rps = 100
price_per_hour = 0.10
boot_time = "60s"
stock = 1

[instance_types.c5]
capacity_rps = 100
price_per_hour = 0.12
boot_time = "60s"
"#;
    let terminated = |policy: &str| {
        let group = format!(
            "instance_types = [\"c6\", \"c5\"]\nmin = 1\nmax = 3\ndesired = 2\nremoval_policy = \"{policy}\"\n[[group.scheduled]]\nname = \"grow\"\nat = \"10m\"\ndesired = 3\n[[group.scheduled]]\nname = \"shrink\"\nat = \"30m\"\ndesired = 2\n"
        );
        let (loaded, outcome) = run(&scenario("1h", 50.0, types, &group));
        let types: Vec<&str> = outcome
            .instances
            .iter()
            .map(|instance| {
                loaded.scenario.instance_types[instance.instance_type]
                    .name
                    .as_str()
            })
            .collect();
        assert_eq!(types, ["c6", "c5", "c5"]);
        outcome.activities.last().unwrap().terminated.clone()
    };
    assert_eq!(terminated("allocation_strategy"), vec![1]);
    assert_eq!(terminated("oldest_instance"), vec![0]);
    assert_eq!(terminated("newest_instance"), vec![2]);
}

// A list names each policy once, with AWS's Default last; an empty list is refused.
#[test]
fn removal_policy_lists_are_checked() {
    let refused = |policy: &str| {
        scaleplan::scenario::load_str("r.toml", &hourly(policy), std::path::Path::new("."))
            .map(|_| ())
            .expect_err("refused")
            .to_string()
    };
    let message = refused("[]");
    assert!(
        message.contains("an empty list of removal policies")
            && message.contains("group.removal_policy"),
        "{message}"
    );
    let message = refused("[\"oldest_instance\", \"oldest_instance\"]");
    assert!(
        message.contains("removal policy `oldest_instance` is listed twice"),
        "{message}"
    );
    let message = refused("[\"default\", \"oldest_instance\"]");
    assert!(
        message.contains("removal policy `default` is not last")
            && message.contains("move it to the end"),
        "{message}"
    );
    let message = refused("[\"oldest_instance\", \"random\"]");
    assert!(message.contains("unknown variant `random`"), "{message}");
}

const SPOT: &str = r#"
[instance_types.spot]
capacity_rps = 100
price_per_hour = 0.10
boot_time = "60s"
preemptible = { discount = 0.7, reclaim_rate = 0.5, notice = "2m" }
"#;

// Issue 4: reclaims at rate r per hour over T hours on a fleet of n match r x T x n within
// the confidence interval over many seeds, and every reclaimed instance is replaced.
#[test]
fn reclamations_match_the_rate_and_every_reclaimed_instance_is_replaced() {
    let (rate, hours, fleet) = (0.5, 100.0, 4.0);
    let group = "instance_type = \"spot\"\nmin = 4\nmax = 4\ndesired = 4\nmix = { on_demand_base = 0, on_demand_above_base = 0.0 }\n";
    let text = scenario("100h", 50.0, SPOT, group);
    let base = common::load(&text);
    let counts: Vec<f64> = (0..40u64)
        .map(|seed| {
            let mut scenario = base.scenario.clone();
            scenario.seed = seed;
            let outcome = engine::simulate(&scenario, &base.load, RunOptions::FULL);
            let reclaimed: Vec<_> = outcome
                .instances
                .iter()
                .filter(|instance| instance.end == EndReason::Reclaimed)
                .collect();
            // Each reclaim had a notice 2 minutes before, with a replacement launched then.
            for instance in &reclaimed {
                let notice = instance.ended_at - 120;
                assert!(outcome.activities.iter().any(|activity| {
                    activity.start == notice
                        && activity.cause
                            == Cause::Replacement {
                                reason: ReplacementReason::Reclaimed,
                            }
                        && activity.launched.len() == 1
                }));
            }
            assert_eq!(outcome.total.reclaimed as usize, reclaimed.len());
            // Never short: four units counted toward desired at every period's end.
            assert!(
                outcome
                    .timeline
                    .iter()
                    .all(|row| row.in_service + row.pending >= 4)
            );
            reclaimed.len() as f64
        })
        .collect();
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let variance = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half_width = 2.0 * (variance / n).sqrt();
    let expected = rate * hours * fleet;
    // Reclaims within the last 2 minutes of the run are noticed but not yet released.
    assert!(
        (mean - expected).abs() <= half_width + 1.0,
        "mean {mean} vs {expected} ± {half_width}"
    );
    assert!(half_width < 0.1 * expected, "{half_width}");
}

// Preemptible billing: a discount off pay-as-you-go; the mix keeps an on-demand base.
#[test]
fn mix_keeps_an_on_demand_base_and_bills_preemptible_at_the_discount() {
    let spot = SPOT.replace("reclaim_rate = 0.5", "reclaim_rate = 0.0");
    let group = "instance_type = \"spot\"\nmin = 5\nmax = 5\ndesired = 5\nmix = { on_demand_base = 1, on_demand_above_base = 0.25 }\n";
    let (_, outcome) = run(&scenario("10h", 50.0, &spot, group));
    // Base 1, then 25% of the 4 above it on demand (1): 2 on demand, 3 preemptible.
    let preemptible = outcome.instances.iter().filter(|i| i.preemptible).count();
    assert_eq!(preemptible, 3);
    let expected = 10.0 * (2.0 * 0.10 + 3.0 * 0.03);
    assert_cost(&outcome, expected);
}

// A price trace: instances pay the price in effect; when it rises above the bid every
// preemptible instance is reclaimed after its notice, launches find no preemptible stock
// until the price falls, and the group keeps retrying.
#[test]
fn a_price_above_the_bid_reclaims_every_preemptible_instance() {
    let types = r#"
[instance_types.spot]
capacity_rps = 100
price_per_hour = 0.10
preemptible = { bid = 0.05, notice = "2m", price_trace = [{ at = "0h", price = 0.03 }, { at = "10h", price = 0.08 }, { at = "12h", price = 0.02 }] }
"#;
    let group =
        "instance_type = \"spot\"\nmin = 2\nmax = 2\ndesired = 2\nmix = { on_demand_base = 0 }\n";
    let (_, outcome) = run(&scenario("20h", 50.0, types, group));
    assert_eq!(outcome.total.reclaimed, 2);
    let ends: Vec<(u64, EndReason)> = outcome
        .instances
        .iter()
        .map(|instance| (instance.ended_at, instance.end))
        .collect();
    let notice_end = 10 * 3600 + 120;
    assert_eq!(ends[..2], [(notice_end, EndReason::Reclaimed); 2]);
    // Replacements retry every 5 minutes; the first after the price falls at 12h succeeds.
    let relaunched: Vec<u64> = outcome.instances[2..]
        .iter()
        .map(|instance| instance.launched_at)
        .collect();
    assert_eq!(relaunched, vec![12 * 3600, 12 * 3600]);
    // Billed at the trace: 2 instances x (10 h x 0.03 + 2 min x 0.08), then 8 h x 0.02.
    let expected = 2.0 * (10.0 * 0.03 + 120.0 / 3600.0 * 0.08) + 2.0 * 8.0 * 0.02;
    assert_cost(&outcome, expected);
    // No capacity between the release and the relaunch (boot time 0).
    assert_eq!(outcome.total.sla_violation_seconds, 12 * 3600 - notice_end);
}

// Health: failures at the MTBF rate; each is detected after the delay and replaced at once,
// cooldown or not; until then its share of the load is unserved.
#[test]
fn failed_instances_are_detected_and_replaced() {
    let types =
        "[instance_types.small]\ncapacity_rps = 100\nprice_per_hour = 0.1\nboot_time = \"60s\"\n";
    let group = "instance_type = \"small\"\nmin = 10\nmax = 10\ndesired = 10\ndefault_cooldown = \"1h\"\nhealth = { mtbf = \"100h\", grace = \"5m\", detection = \"2m\" }\n";
    let (_, outcome) = run(&scenario("1000h", 990.0, types, group));
    let failed = outcome.total.failed as f64;
    // 10 instances x 1000 h / 100 h = 100 expected failures (Poisson: sd 10).
    assert!((failed - 100.0).abs() < 40.0, "{failed}");
    let replaced = replacements(&outcome, ReplacementReason::Unhealthy);
    let unhealthy: Vec<_> = outcome
        .instances
        .iter()
        .filter(|instance| instance.end == EndReason::Unhealthy)
        .collect();
    assert_eq!(replaced, unhealthy.len());
    assert!(outcome.total.failed as usize - replaced <= 1);
    // While a failed instance waits for detection and its replacement boots, 10% of the
    // load finds no capacity.
    assert!(outcome.total.unserved_requests > 0.0);
    assert!(outcome.total.sla_violation_seconds > 0);
}

// Tiers: a group with its own load serves that load, not a share of the scenario's.
#[test]
fn a_group_with_its_own_load_serves_it() {
    let text = format!(
        "{}\n[[group]]\nname = \"business\"\ninstance_type = \"small\"\nmin = 1\nmax = 1\n[group.load]\nbase_rps = 30\n",
        scenario(
            "2h",
            50.0,
            "[instance_types.small]\ncapacity_rps = 100\nprice_per_hour = 0.1\n",
            "instance_type = \"small\"\nmin = 1\nmax = 1\nload_share = 0.5\n"
        )
    );
    let (_, outcome) = run(&text);
    assert!((outcome.groups[0].offered_requests - 25.0 * 7200.0).abs() < 1e-6);
    assert!((outcome.groups[1].offered_requests - 30.0 * 7200.0).abs() < 1e-6);
}

// Latency: with one regime the run's percentiles are the queue's (Erlang C for the pooled
// model; an exponential for M/M/1 per instance), and the SLA follows the percentile.
#[test]
fn latency_percentiles_follow_the_queueing_model() {
    let types = "[instance_types.small]\ncapacity_rps = 10\nprice_per_hour = 0.1\n";
    let group = "instance_type = \"small\"\nmin = 10\nmax = 10\ndesired = 10\n";
    let text = |model: &str, max_ms: f64| {
        scenario("1h", 80.0, types, group).replace(
            "seed = 7",
            &format!(
                "seed = 7\nlatency_model = \"{model}\"\nsla = {{ latency_percentile = 95, max_latency_ms = {max_ms} }}"
            ),
        )
    };
    let (_, pooled) = run(&text("mmc", 1000.0));
    let latency = pooled.total_latency();
    let expected = response_time_quantile(80.0, 10.0, 10, 0.95).unwrap();
    assert!((latency.p95.unwrap() - expected).abs() < 1e-9);
    assert_eq!(pooled.total.sla_violation_seconds, 0);
    let (_, per_instance) = run(&text("mm1", 1000.0 * expected));
    // Each instance an M/M/1 at 8 of 10 rps: T ~ Exp(2), median ln 2 / 2.
    let median = per_instance.total_latency().p50.unwrap();
    assert!((median - 2f64.ln() / 2.0).abs() < 1e-9, "{median}");
    // Separate queues are slower than a shared one, so the pooled p95 target breaks.
    assert_eq!(per_instance.total.sla_violation_seconds, 3600);
}

/// The one group's latency percentiles.
trait TotalLatency {
    fn total_latency(&self) -> engine::LatencyPercentiles;
}

impl TotalLatency for Outcome {
    fn total_latency(&self) -> engine::LatencyPercentiles {
        self.groups[0].latency.expect("a latency model was set")
    }
}

// A scale-out that finds no stock anywhere launches nothing: counted as a failed launch, not
// as a failed scheduled task (a run with no scheduled task used to report "scheduled task
// firing(s) failed").
#[test]
fn launches_without_stock_are_not_failed_scheduled_tasks() {
    let types = "[instance_types.c6]\ncapacity_rps = 100\nprice_per_hour = 0.10\nstock = 2\n";
    let group = r#"instance_type = "c6"
min = 0
max = 10
desired = 2
[[group.rule]]
name = "add-one"
change = 1
[[group.alarm]]
name = "busy"
metric = "cpu"
period = "1m"
periods = 1
above = 10
run = "add-one"
"#;
    let text = scenario("1h", 50.0, types, group);
    let (_, outcome) = run(&text);
    assert_eq!(outcome.total.failed_tasks, 0);
    assert!(outcome.total.failed_launches > 0);
    let failed = outcome
        .activities
        .iter()
        .filter(|activity| activity.status == ActivityStatus::Failed)
        .count() as u32;
    assert_eq!(outcome.total.failed_launches, failed);
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let output = common::scaleplan().arg("run").arg(&path).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(&format!("\n{failed} scale-out or replacement launch(es) found no stock and launched nothing; `run --out DIR` writes them to activities.csv\n")),
        "{failed}: {stdout}"
    );
    // With --out the note points at the file that was written, and only then.
    let out = directory.path().join("out");
    let output = common::scaleplan()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let written = out.join("activities.csv");
    assert!(written.exists());
    assert!(
        stdout.contains(&format!("launched nothing; see {}\n", written.display())),
        "{stdout}"
    );
    assert!(!stdout.contains("scheduled task"), "{stdout}");
}

/// Two instances of c6 (stock 3) and a scale-out to 6 at 10m: one launches, three find no
/// stock. `retry` holds the group's retry lines.
fn short_of_stock(retry: &str) -> String {
    let types = r#"
[instance_types.c6]
capacity_rps = 100
price_per_hour = 0.10
boot_time = "60s"
stock = 3
"#;
    let group = format!(
        "instance_type = \"c6\"\nmin = 2\nmax = 10\ndesired = 2\n{retry}\n[[group.scheduled]]\nname = \"grow\"\nat = \"10m\"\ndesired = 6\n"
    );
    scenario("2h", 50.0, types, &group)
}

/// (start, status, desired after) of every activity.
fn retries(outcome: &Outcome) -> Vec<(u64, ActivityStatus, u32)> {
    outcome
        .activities
        .iter()
        .map(|activity| (activity.start, activity.status, activity.to))
        .collect()
}

// Tencent RetryPolicy (CreateAutoScalingGroup): with IMMEDIATE_RETRY desired stays at 6 and the
// group retries at the stated interval until its failures exceed 5 ("连续失败超过一定次数（5次）后
// 不再重试"): the first launch and five retries, a minute apart, then nothing. Without a retry
// policy (ESS, AWS) desired drops to the 3 units the group holds.
#[test]
fn tencent_immediate_retry_stops_after_five_failures() {
    let (loaded, outcome) = run(&short_of_stock(
        "retry_policy = \"immediate_retry\"\nretry_intervals = [\"1m\"]",
    ));
    use ActivityStatus::{Failed, PartialSuccess};
    assert_eq!(
        retries(&outcome),
        vec![
            (600, PartialSuccess, 6),
            (660, Failed, 6),
            (720, Failed, 6),
            (780, Failed, 6),
            (840, Failed, 6),
            (900, Failed, 6)
        ]
    );
    let detail = outcome.activities[5].detail(&loaded.scenario);
    assert!(
        detail.contains("after 5 consecutive launch(es) short of stock"),
        "{detail}"
    );
    let (_, ess) = run(&short_of_stock(""));
    assert_eq!(retries(&ess), vec![(600, PartialSuccess, 3)]);
    // NO_RETRY: desired stays, nothing launches until the next activity.
    let (_, none) = run(&short_of_stock("retry_policy = \"no_retry\""));
    assert_eq!(retries(&none), vec![(600, PartialSuccess, 6)]);
}

// INCREMENTAL_INTERVALS: the stated intervals in turn after each failure, the last repeating:
// 1m, 5m, then 30m: retries at 11m, 16m, 46m, 76m and 106m of the two-hour run.
#[test]
fn tencent_incremental_intervals_grow_with_the_failures() {
    let (_, outcome) = run(&short_of_stock(
        "retry_policy = \"incremental_intervals\"\nretry_intervals = [\"1m\", \"5m\", \"30m\"]",
    ));
    let starts: Vec<u64> = outcome.activities.iter().map(|a| a.start).collect();
    assert_eq!(starts, vec![600, 660, 960, 2760, 4560, 6360]);
}

// A retry succeeds once stock is free: another group of the same type gives back two c6 at
// 12m, and the retry at 13m launches them; the failures reset.
#[test]
fn a_retry_launches_when_stock_frees_up() {
    let text = r#"[scenario]
name = "retry"
start = "2026-01-05T00:00:00+00:00"
duration = "1h"

[instance_types.c6]
capacity_rps = 100
price_per_hour = 0.10
boot_time = "60s"
stock = 4

[load]
base_rps = 50

[[group]]
name = "other"
instance_type = "c6"
min = 0
max = 4
desired = 2
[[group.scheduled]]
name = "give-back"
at = "12m"
desired = 0

[[group]]
name = "web"
instance_type = "c6"
min = 1
max = 10
desired = 1
retry_policy = "immediate_retry"
retry_intervals = ["3m"]
[[group.scheduled]]
name = "grow"
at = "10m"
desired = 4
"#;
    let (_, outcome) = run(text);
    let web: Vec<(u64, ActivityStatus, u32)> = outcome
        .activities
        .iter()
        .filter(|activity| activity.group == 1)
        .map(|activity| (activity.start, activity.status, activity.to))
        .collect();
    // At 10m one c6 is left (4 - 2 - 1): web holds 2 of 4; at 13m the two given back launch.
    assert_eq!(
        web,
        vec![
            (600, ActivityStatus::PartialSuccess, 4),
            (780, ActivityStatus::Successful, 4)
        ]
    );
}

// The intervals are the file's: one for immediate_retry, 1 to 32 never shrinking for
// incremental_intervals, none for no_retry, and never without a policy.
#[test]
fn retry_intervals_are_checked() {
    let refused = |retry: &str| {
        scaleplan::scenario::load_str("r.toml", &short_of_stock(retry), std::path::Path::new("."))
            .map(|_| ())
            .expect_err("refused")
            .to_string()
    };
    for (retry, expected) in [
        (
            "retry_policy = \"immediate_retry\"",
            "this retry policy takes 1 retry interval(s), not 0",
        ),
        (
            "retry_policy = \"immediate_retry\"\nretry_intervals = [\"1m\", \"2m\"]",
            "this retry policy takes 1 retry interval(s), not 2",
        ),
        (
            "retry_policy = \"incremental_intervals\"\nretry_intervals = [\"5m\", \"1m\"]",
            "retry intervals lie between 1s and 1d and never shrink",
        ),
        (
            "retry_policy = \"no_retry\"\nretry_intervals = [\"1m\"]",
            "no_retry takes no retry intervals",
        ),
        (
            "retry_intervals = [\"1m\"]",
            "retry intervals without a retry policy",
        ),
    ] {
        let message = refused(retry);
        assert!(message.contains(expected), "{retry}: {message}");
    }
}

/// A group of 6 (max 10) on 1.00-per-hour instances that boot in 5 minutes, a warm pool
/// (`pool` lines) of instances that start in 30 s and cost 0.01 an hour stopped, and
/// scheduled sizes `tasks`.
fn warm(pool: &str, tasks: &str) -> String {
    let types = r#"
[instance_types.m5]
capacity_rps = 100
price_per_hour = 1.0
boot_time = "5m"
"#;
    let group = format!(
        "instance_type = \"m5\"\nmin = 1\nmax = 10\ndesired = 6\n[group.warm_pool]\nwarm_boot_time = \"30s\"\nstopped_price_per_hour = 0.01\n{pool}\n{tasks}"
    );
    scenario("1h", 50.0, types, &group)
}

const GROW_AT_10M: &str = "[[group.scheduled]]\nname = \"grow\"\nat = \"10m\"\ndesired = 8\n";

// AWS "Warm pools for Amazon EC2 Auto Scaling": the pool holds max prepared capacity (by
// default the group's max) minus desired: 10 - 6 = 4; with MaxGroupPreparedCapacity 8, 2.
#[test]
fn a_warm_pool_holds_max_prepared_capacity_minus_desired() {
    let pooled = |pool: &str| {
        let (_, outcome) = run(&warm(pool, ""));
        outcome.instances.len() - 6
    };
    assert_eq!(pooled(""), 4);
    assert_eq!(pooled("max_prepared_capacity = 8"), 2);
    // MinSize keeps at least that many: 8 - 6 = 2 < 3.
    assert_eq!(pooled("max_prepared_capacity = 8\nmin_size = 3"), 3);
    // A stopped pool of 4 for the hour: 4 x 0.01, beside the group's 6 x 1.00.
    let (_, outcome) = run(&warm("", ""));
    assert_cost(&outcome, 6.0 + 4.0 * 0.01);
}

// A scale-out starts warm instances first: at 10m two leave the pool and are in service at
// 10m30s, not after the 5-minute boot; the pool then holds 10 - 8 = 2, what is left. Billing:
// 6 instances for the hour, the two started stopped 10 minutes then running 50, the two left
// stopped all hour.
#[test]
fn a_scale_out_starts_warm_instances_first() {
    let (loaded, outcome) = run(&warm("", GROW_AT_10M));
    let grow = &outcome.activities[0];
    assert_eq!((grow.start, grow.end, grow.to), (600, Some(630), 8));
    let detail = grow.detail(&loaded.scenario);
    assert!(detail.contains("2 started from the warm pool"), "{detail}");
    assert_eq!(outcome.instances.len(), 10, "nothing new launched");
    assert_cost(
        &outcome,
        6.0 + 2.0 * 0.01 + 2.0 * (600.0 / 3600.0 * 0.01 + 3000.0 / 3600.0),
    );
    // Without a pool the two boot for 5 minutes.
    let cold = warm("", GROW_AT_10M).replace(
        "[group.warm_pool]\nwarm_boot_time = \"30s\"\nstopped_price_per_hour = 0.01\n",
        "",
    );
    let (_, cold) = run(&cold);
    assert_eq!(cold.activities[0].end, Some(900));
}

// Scale-in: by default the instances are terminated and the pool launches new ones to keep its
// size (they initialize, billed in full, for their boot); with ReuseOnScaleIn they return to
// the pool, stopped.
#[test]
fn scale_in_terminates_or_returns_instances_to_the_pool() {
    let tasks =
        format!("{GROW_AT_10M}[[group.scheduled]]\nname = \"shrink\"\nat = \"30m\"\ndesired = 6\n");
    let (loaded, reuse) = run(&warm("reuse_on_scale_in = true", &tasks));
    let shrink = &reuse.activities[1];
    let detail = shrink.detail(&loaded.scenario);
    assert!(detail.contains("2 returned to the warm pool"), "{detail}");
    assert_eq!(reuse.instances.len(), 10, "nothing launched or terminated");
    let (_, terminate) = run(&warm("", &tasks));
    // Two removed, two launched into the pool to keep its 4.
    assert_eq!(terminate.instances.len(), 12);
    let ended = terminate
        .instances
        .iter()
        .filter(|instance| instance.end == EndReason::ScaleIn)
        .count();
    assert_eq!(ended, 2);
    // The new pool instances initialize 5 minutes at the full price, then wait stopped.
    let fresh: Vec<_> = terminate.instances[10..]
        .iter()
        .map(|i| (i.launched_at, i.billed_seconds))
        .collect();
    assert_eq!(fresh, vec![(1800, 300), (1800, 300)]);
}

// Tencent WAKE_UP_STOPPED_SCALING: nothing is launched into the pool; scale-ins stop instances
// (billed at the stopped price) and scale-outs start them first.
#[test]
fn tencent_wake_up_stopped_scaling_stops_and_starts_instances() {
    let tasks = "[[group.scheduled]]\nname = \"shrink\"\nat = \"10m\"\ndesired = 4\n[[group.scheduled]]\nname = \"grow\"\nat = \"40m\"\ndesired = 6\n";
    let (loaded, outcome) = run(&warm("fill = \"scale_in\"", tasks));
    assert_eq!(
        outcome.instances.len(),
        6,
        "no pool launches, no new instances"
    );
    let grow = &outcome.activities[1];
    assert!(
        grow.detail(&loaded.scenario)
            .contains("2 started from the warm pool")
    );
    assert_eq!(grow.end, Some(2400 + 30));
    // 4 for the hour; 2 running 10 + 20 minutes and stopped 30.
    assert_cost(
        &outcome,
        4.0 + 2.0 * (1800.0 / 3600.0 + 1800.0 / 3600.0 * 0.01),
    );
}

// A stopped pool needs its price; the fill of Tencent's pool has no size.
#[test]
fn warm_pools_are_checked() {
    let refused = |text: String| {
        scaleplan::scenario::load_str("w.toml", &text, std::path::Path::new("."))
            .map(|_| ())
            .expect_err("refused")
            .to_string()
    };
    let message = refused(warm("", "").replace("stopped_price_per_hour = 0.01\n", ""));
    assert!(
        message.contains("a stopped or hibernated warm pool needs `stopped_price_per_hour`"),
        "{message}"
    );
    let message = refused(warm("fill = \"scale_in\"\nmin_size = 2", ""));
    assert!(message.contains("has no size"), "{message}");
    // A running pool is billed in full and needs no stopped price.
    let running = warm("state = \"running\"", "").replace("stopped_price_per_hour = 0.01\n", "");
    let (_, outcome) = run(&running);
    assert_cost(&outcome, 10.0);
}
