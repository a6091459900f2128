//! Zones: balanced and priority launches against per-zone stock, zone-first scale-in, and
//! AWS's zone rebalancing, each against a hand-computed fleet.

use crate::common;

use common::run;
use scaleplan::engine::{ActivityStatus, Cause, EndReason, Outcome};
use scaleplan::model::Scenario;

/// One type `m5` (100 rps, 0.1 an hour, 1-minute boot) with the extra type lines `stock`, a
/// constant light load and the group lines `group` (zones, policy, bounds, tasks).
fn scenario(stock: &str, group: &str) -> String {
    common::scenario_text(
        "name = \"zones\"\nstart = \"2026-01-05T00:00:00+00:00\"\nduration = \"2h\"",
        &format!(
            "[instance_types.m5]\ncapacity_rps = 100\nprice_per_hour = 0.1\nboot_time = \"60s\"\n{stock}"
        ),
        "[load]\nbase_rps = 50",
        &format!("name = \"web\"\ninstance_type = \"m5\"\n{group}"),
    )
}

/// Each instance's zone, by id, with how its life ended.
fn zones_of(scenario: &Scenario, outcome: &Outcome) -> Vec<(String, EndReason)> {
    outcome
        .instances
        .iter()
        .map(|instance| (scenario.zones[instance.zone].clone(), instance.end))
        .collect()
}

fn zone_names(scenario: &Scenario, outcome: &Outcome) -> Vec<String> {
    zones_of(scenario, outcome)
        .into_iter()
        .map(|(zone, _)| zone)
        .collect()
}

// AWS "Control which Auto Scaling instances terminate during scale in": "one instance type,
// two Availability Zones, and a desired capacity of two instances ... scales out ... the
// Auto Scaling group now has three instances ... two in us-east-1a and one in us-east-1b.
// When the scale in event occurs ... the group ... terminates an instance in us-east-1a".
#[test]
fn the_aws_termination_example_takes_from_the_zone_with_two() {
    let group = r#"zones = ["us-east-1a", "us-east-1b"]
zone_policy = "balanced"
min = 1
max = 4
desired = 2
[[group.scheduled]]
name = "out"
at = "10m"
desired = 3
[[group.scheduled]]
name = "in"
at = "1h"
desired = 2
"#;
    let (loaded, outcome) = run(&scenario("", group));
    let scenario = &loaded.scenario;
    // Two at the start, one per zone; the third goes to the first listed of the tied zones.
    assert_eq!(
        zone_names(scenario, &outcome),
        ["us-east-1a", "us-east-1b", "us-east-1a"]
    );
    let scale_in = &outcome.activities[1];
    assert_eq!(scale_in.terminated.len(), 1);
    let gone = &outcome.instances[scale_in.terminated[0] as usize];
    assert_eq!(scenario.zones[gone.zone], "us-east-1a");
    // Within us-east-1a the removal policy (oldest instance by default) decides.
    assert_eq!(scale_in.terminated, [0]);
}

// Zone first, then the removal policy inside the zone (AWS: "AZ balancing can terminate
// newer instances before older"); tied largest zones give the one listed last, so the
// scale-ins undo the scale-outs.
#[test]
fn scale_in_takes_from_the_largest_zone_then_by_policy() {
    let group = r#"zones = ["a", "b", "c"]
zone_policy = "balanced"
min = 1
max = 6
desired = 4
[[group.scheduled]]
name = "out"
at = "10m"
desired = 5
[[group.scheduled]]
name = "in"
at = "1h"
desired = 3
"#;
    let (loaded, outcome) = run(&scenario("", group));
    // a b c a, then b: a 2 (0, 3), b 2 (1, 4), c 1 (2).
    assert_eq!(
        zone_names(&loaded.scenario, &outcome),
        ["a", "b", "c", "a", "b"]
    );
    // 5 -> 3: b (tied with a, listed later) gives its oldest, web-1 (the oldest of all is
    // web-0, in a); then a, the largest, gives web-0.
    assert_eq!(outcome.activities[1].terminated, [1, 0]);
}

// AWS balanced-best-effort ("if launch attempts fail in an Availability Zone, Auto Scaling
// attempts to launch instances in another healthy Availability Zone"), ESS BALANCE, Tencent
// EQUALITY: a zone without stock is skipped for the next smallest.
#[test]
fn balanced_launches_fall_back_to_another_zone_without_stock() {
    let group = r#"zones = ["a", "b", "c"]
zone_policy = "balanced"
min = 1
max = 6
desired = 1
[[group.scheduled]]
name = "out"
at = "10m"
desired = 3
"#;
    let (loaded, outcome) = run(&scenario("stock = { a = 10, b = 0, c = 10 }", group));
    let scenario = &loaded.scenario;
    assert_eq!(zone_names(scenario, &outcome), ["a", "c", "a"]);
    let out = &outcome.activities[0];
    assert_eq!(out.status, ActivityStatus::Successful);
    assert_eq!(out.to, 3);
    let detail = out.detail(scenario);
    assert!(detail.contains("no stock: m5 in b"), "{detail}");
    assert!(
        detail.contains("launched 1 x m5 in c, 1 x m5 in a"),
        "{detail}"
    );
}

// AWS balanced-only: "Auto Scaling will continue to attempt to launch instances in the
// Availability Zone": the unit for the smallest zone finds no stock and is not launched
// elsewhere; desired drops to what launched (ESS partial success, as without zones).
#[test]
fn balanced_only_launches_nowhere_else() {
    let group = r#"zones = ["a", "b", "c"]
zone_policy = "balanced_only"
min = 1
max = 6
desired = 1
[[group.scheduled]]
name = "out"
at = "10m"
desired = 3
"#;
    let (loaded, outcome) = run(&scenario("stock = { a = 10, b = 0, c = 10 }", group));
    // b and c are the smallest (0): b has none, c takes the second; then b alone is the
    // smallest, without stock.
    assert_eq!(zone_names(&loaded.scenario, &outcome), ["a", "c"]);
    let out = &outcome.activities[0];
    assert_eq!(out.status, ActivityStatus::PartialSuccess);
    assert_eq!(out.no_stock, 1);
    assert_eq!(out.to, 2);
}

// ESS PRIORITY ("If an instance cannot be created in the zone of a higher-priority vSwitch,
// the system automatically attempts to create the instance in the zone of the next-priority
// vSwitch"), Tencent PRIORITY ("if the highest-priority AZ/subnet can create instances
// successfully, instances can always be created in that AZ/subnet").
#[test]
fn priority_fills_the_first_zone_with_stock() {
    let group = r#"zones = ["a", "b", "c"]
zone_policy = "priority"
min = 1
max = 6
desired = 1
[[group.scheduled]]
name = "out"
at = "10m"
desired = 5
[[group.scheduled]]
name = "in"
at = "1h"
desired = 3
"#;
    let (loaded, outcome) = run(&scenario("stock = { a = 3, b = 10, c = 10 }", group));
    assert_eq!(
        zone_names(&loaded.scenario, &outcome),
        ["a", "a", "a", "b", "b"]
    );
    // A priority group's scale-in follows the removal policy alone: the two oldest, in a.
    assert_eq!(outcome.activities[1].terminated, [0, 1]);
}

// Stock is per type and zone across the scenario's groups (AWS capacity is per Availability
// Zone): a number is every zone's own stock.
#[test]
fn a_stock_number_is_each_zones_stock_shared_by_groups() {
    let text = format!(
        "{}\n[[group]]\nname = \"batch\"\ninstance_type = \"m5\"\nzones = [\"a\"]\nmin = 2\nmax = 2\n",
        scenario(
            "stock = 3",
            "zones = [\"a\", \"b\"]\nzone_policy = \"priority\"\nmin = 3\nmax = 6\ndesired = 3\n"
        )
    );
    let (loaded, outcome) = run(&text);
    // web takes a's 3, then batch finds a full: 0 of its 2 launch.
    let web: Vec<_> = outcome.instances.iter().filter(|i| i.group == 0).collect();
    assert_eq!(web.len(), 3);
    assert!(web.iter().all(|i| loaded.scenario.zones[i.zone] == "a"));
    assert_eq!(outcome.instances.iter().filter(|i| i.group == 1).count(), 0);
}

/// A second group, `batch`, holding `count` of zone b's stock until 30m.
fn holding_b(count: u32) -> String {
    format!(
        "\n[[group]]\nname = \"batch\"\ninstance_type = \"m5\"\nzones = [\"b\"]\nmin = 0\nmax = {count}\ndesired = {count}\n[[group.scheduled]]\nname = \"done\"\nat = \"30m\"\ndesired = 0\n"
    )
}

/// Two groups share zone b's stock of 2: `batch` holds one until 30m, so `web` cannot even
/// out its zones until then.
fn rebalance_scenario(max: u32, desired: u32) -> String {
    let group = format!(
        r#"zones = ["a", "b", "c"]
zone_policy = "balanced"
zone_rebalance = true
min = 1
max = {max}
desired = 3
[[group.scheduled]]
name = "out"
at = "10m"
desired = {desired}
"#
    );
    format!(
        "{}{}",
        scenario("stock = { a = 100, b = 2, c = 100 }", &group),
        holding_b(1)
    )
}

// AWS rebalancing: "launches new instances before attempting to terminate old ones"; here
// the check every 5 minutes finds b's stock back at 30m and evens the zones at 35m.
#[test]
fn rebalancing_launches_in_the_smallest_zone_then_terminates_in_the_largest() {
    let (loaded, outcome) = run(&rebalance_scenario(10, 6));
    let scenario = &loaded.scenario;
    let web: Vec<_> = outcome.activities.iter().filter(|a| a.group == 0).collect();
    // 3 -> 6 at 10m: b has no stock left, so a c a (a 3, b 1, c 2).
    let launch = web
        .iter()
        .find(|activity| activity.cause == Cause::Rebalance && !activity.launched.is_empty())
        .expect("a rebalancing launch");
    assert_eq!(launch.start, 35 * 60);
    assert_eq!(launch.end, Some(36 * 60));
    assert_eq!(launch.launched.len(), 1);
    let new = &outcome.instances[launch.launched[0] as usize];
    assert_eq!(scenario.zones[new.zone], "b");
    let detail = launch.detail(scenario);
    assert!(detail.contains("zones uneven (a 3, b 1, c 2)"), "{detail}");
    // Once it is in service, the oldest instance of a goes.
    let terminate = web
        .iter()
        .find(|activity| activity.cause == Cause::Rebalance && !activity.terminated.is_empty())
        .expect("a rebalancing termination");
    assert_eq!(terminate.start, 36 * 60);
    assert_eq!(terminate.terminated, [0]);
    assert_eq!(outcome.instances[0].end, EndReason::Rebalanced);
    assert!(terminate.detail(scenario).contains("now a 2, b 2, c 2"));
    // Desired stays 6 throughout; the bill counts the minute of overlap.
    assert_eq!((launch.from, launch.to), (6, 6));
    assert_eq!(
        zones_of(scenario, &outcome)
            .iter()
            .filter(|(_, end)| *end == EndReason::RunEnded)
            .count(),
        6
    );
}

// "The system can temporarily exceed the specified maximum capacity of a group by a 10
// percent margin (or by a margin of one instance, whichever is greater)": at max 6 the margin
// is 1, so each rebalancing moves one instance.
#[test]
fn rebalancing_exceeds_max_by_ten_percent_at_most() {
    // batch holds b's stock of 2 until 30m, so web's scale-out to 6 leaves a 3, b 0, c 3.
    let group = r#"zones = ["a", "b", "c"]
zone_policy = "balanced"
zone_rebalance = true
min = 1
max = 6
desired = 1
[[group.scheduled]]
name = "out"
at = "10m"
desired = 6
"#;
    let text = format!(
        "{}{}",
        scenario("stock = { a = 100, b = 2, c = 100 }", group),
        holding_b(2)
    );
    let (_, outcome) = run(&text);
    let launches: Vec<_> = outcome
        .activities
        .iter()
        .filter(|activity| activity.cause == Cause::Rebalance && !activity.launched.is_empty())
        .collect();
    // a 3, b 0, c 3 evens to 2 / 2 / 2 in two moves of one: at 35m, and at the next check
    // five minutes later (the first finished at 36m).
    assert_eq!(launches.len(), 2, "{launches:?}");
    assert!(launches.iter().all(|activity| activity.launched.len() == 1));
    assert_eq!(launches[0].start, 35 * 60);
    assert_eq!(launches[1].start, 40 * 60);
    // With room below max, one rebalancing moves both.
    let roomy = text.replacen("max = 6", "max = 20", 1);
    let (_, outcome) = run(&roomy);
    let launches: Vec<_> = outcome
        .activities
        .iter()
        .filter(|activity| activity.cause == Cause::Rebalance && !activity.launched.is_empty())
        .collect();
    assert_eq!(launches.len(), 1);
    assert_eq!(launches[0].launched.len(), 2);
}

// The margin rounds up and is at least one instance (ESS RebalanceInstances: "if the maximum
// number of instances is 15, 10% is 1.5, so a temporary excess of 2").
#[test]
fn the_rebalancing_margin_rounds_up() {
    // batch holds 7 of b's 10 until 30m: web's scale-out to 15 leaves a 12, b 3; at max 15
    // the margin is 2, so the first rebalancing moves 2.
    let group = r#"zones = ["a", "b"]
zone_policy = "balanced"
zone_rebalance = true
min = 1
max = 15
desired = 1
[[group.scheduled]]
name = "out"
at = "10m"
desired = 15
"#;
    let text = format!(
        "{}{}",
        scenario("stock = { a = 100, b = 10 }", group),
        holding_b(7)
    );
    let (_, outcome) = run(&text);
    let first = outcome
        .activities
        .iter()
        .find(|activity| activity.cause == Cause::Rebalance && !activity.launched.is_empty())
        .expect("a rebalancing launch");
    assert_eq!(first.launched.len(), 2);
}

// A no-stock chance per zone: a zone where every launch finds none (1.0) is skipped each
// time, the draws taken zone by zone.
#[test]
fn a_no_stock_chance_by_zone_skips_that_zone() {
    let group = r#"zones = ["a", "b"]
zone_policy = "balanced"
min = 1
max = 6
desired = 4
"#;
    let (loaded, outcome) = run(&scenario("no_stock_probability = { a = 1, b = 0 }", group));
    assert_eq!(zone_names(&loaded.scenario, &outcome), ["b", "b", "b", "b"]);
}

// A policy can change the zone policy: the same load compared balanced against priority.
#[test]
fn a_policy_changes_the_zone_policy() {
    let group = r#"zones = ["a", "b"]
zone_policy = "balanced"
min = 1
max = 6
desired = 4

[[policy]]
name = "priority"
[[policy.group]]
name = "web"
zone_policy = "priority"
"#;
    let loaded = common::load(&scenario("stock = { a = 3, b = 10 }", group));
    let zones = |scenario: &Scenario| {
        let outcome = scaleplan::engine::simulate(
            scenario,
            &loaded.load,
            scaleplan::engine::RunOptions::HISTORY,
        );
        zone_names(scenario, &outcome)
    };
    assert_eq!(zones(&loaded.scenario), ["a", "b", "a", "b"]);
    let priority = loaded.policy("priority").expect("the policy");
    assert_eq!(zones(priority), ["a", "a", "a", "b"]);
}
