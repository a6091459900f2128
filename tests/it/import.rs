//! `scaleplan import aws`: an existing AWS group, its policies and scheduled actions.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use scaleplan::engine::{self, RunOptions};
use scaleplan::import::{self, Fate, ImportSettings, Imported};
use scaleplan::model::{
    Adjustment, Comparison, CooldownBlocks, Metric, Recurrence, RemovalPolicy, Rounding, Statistic,
    TaskAction,
};
use scaleplan::scenario;
use serde_json::Value;
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
        .stdout(predicate::str::contains("9 item(s) not imported exactly"))
        .stderr(predicate::str::contains("note: not imported: ScalingPolicies[2]: target tracking on ASGAverageNetworkOut: only ASGAverageCPUUtilization and ALBRequestCountPerTarget are modelled\n"));
    let text = fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(
            "# - not imported: AutoScalingGroups[0].HealthCheckType: load balancer health checks"
        ),
        "{text}"
    );

    let loaded = scenario::load_str("imported.toml", &text, Path::new(".")).unwrap();
    let group = &loaded.scenario.groups[0];
    assert_eq!(
        (group.name.as_str(), group.min, group.max, group.desired),
        ("web-asg", 2, 12, 3)
    );
    assert_eq!((group.existing.count, group.existing.protected), (1, true));
    assert_eq!(group.default_cooldown, 300);
    // Two zones, balanced by default, rebalanced (AZRebalance not suspended); the instances
    // run a 2, b 1, as the run places them.
    let zones: Vec<&str> = (group.zones.iter())
        .map(|zone| loaded.scenario.zones[*zone].as_str())
        .collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"]);
    assert_eq!(group.zone_policy, scaleplan::model::ZonePolicy::Balanced);
    assert!(group.zone_rebalance);
    assert!(
        text.contains("AWS's default, balanced best effort, is assumed"),
        "{text}"
    );
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

fn settings() -> ImportSettings {
    ImportSettings {
        start: "2026-01-05T00:00:00Z".into(),
        duration: "7d".into(),
        capacity_rps: Some(100.0),
        price_per_hour: Some(0.1),
        base_rps: Some(100.0),
        boot_time: None,
        groups: Vec::new(),
        trace: None,
        lenient: false,
    }
}

fn json(path: &str) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// Every leaf of `value` (scalars and empty containers), by path, as the importers write them.
fn leaves(value: &Value, path: &str, out: &mut Vec<String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                leaves(child, &join(key), out);
            }
        }
        Value::Array(list) if !list.is_empty() => {
            for (index, child) in list.iter().enumerate() {
                leaves(child, &format!("{path}[{index}]"), out);
            }
        }
        Value::Null => {}
        Value::String(text) if text.is_empty() => {}
        Value::Array(_) | Value::Object(_) => {}
        _ => out.push(path.to_string()),
    }
}

/// Nothing can vanish: every leaf of every document lies under an item that is mapped or
/// listed with a reason, and each listed item appears in the scenario's comment block.
fn assert_accounted(imported: &Imported, documents: &[&Value]) {
    let mut all = Vec::new();
    for document in documents {
        // Tencent's API 3.0 body: paths start inside `Response`, but for its metadata.
        match document.get("Response") {
            Some(inner) => {
                let mut inside = Vec::new();
                leaves(inner, "", &mut inside);
                for path in inside {
                    if path.contains('[') {
                        all.push(path);
                    } else {
                        all.push(format!("Response.{path}"));
                    }
                }
            }
            None => leaves(document, "", &mut all),
        }
    }
    let covered = |leaf: &str| {
        imported.items.iter().any(|item| {
            leaf == item.path
                || leaf.starts_with(&format!("{}.", item.path))
                || leaf.starts_with(&format!("{}[", item.path))
        })
    };
    let vanished: Vec<&String> = all.iter().filter(|leaf| !covered(leaf)).collect();
    assert!(vanished.is_empty(), "not accounted for: {vanished:?}");
    let mapped = imported
        .items
        .iter()
        .filter(|item| item.fate == Fate::Mapped)
        .count();
    let listed = imported.items.len() - mapped;
    assert!(mapped > 0 && listed > 0, "{mapped} mapped, {listed} listed");
    for item in &imported.items {
        if item.fate != Fate::Mapped {
            assert!(
                imported.toml.contains(&item.path),
                "{} is not in the comment block",
                item.path
            );
        }
    }
    scenario::load_str("imported.toml", &imported.toml, Path::new(".")).unwrap();
}

#[test]
fn every_aws_item_is_mapped_or_listed() {
    let documents = [
        json(&format!("{FIXTURES}/groups.json")),
        json(&format!("{FIXTURES}/policies.json")),
        json(&format!("{FIXTURES}/scheduled.json")),
        json(&format!("{FIXTURES}/alarms.json")),
    ];
    let imported = import::aws::import(
        import::aws::Documents {
            groups: &documents[0],
            policies: Some(&documents[1]),
            scheduled: Some(&documents[2]),
            alarms: Some(&documents[3]),
        },
        &settings(),
    )
    .unwrap();
    assert_accounted(&imported, &documents.iter().collect::<Vec<_>>());
}

// AWS zones: `balanced-only`, AZRebalance suspended, and instances running unlike the run's
// placement (said, not silently respread).
#[test]
fn aws_zone_distribution_and_suspended_rebalancing_import() {
    let mut documents = aws_two_groups();
    let group = &mut documents[0]["AutoScalingGroups"][0];
    group["AvailabilityZoneDistribution"] =
        serde_json::json!({"CapacityDistributionStrategy": "balanced-only"});
    group["SuspendedProcesses"] = serde_json::json!([
        {"ProcessName": "AZRebalance", "SuspensionReason": "User suspended at 2026-01-01"},
        {"ProcessName": "AlarmNotification", "SuspensionReason": "User suspended at 2026-01-01"}
    ]);
    group["Instances"][2]["AvailabilityZone"] = serde_json::json!("us-east-1b");
    let imported = import_aws(&documents, &settings()).unwrap();
    assert_accounted(&imported, &documents.iter().collect::<Vec<_>>());
    let loaded = scenario::load_str("imported.toml", &imported.toml, Path::new(".")).unwrap();
    let web = &loaded.scenario.groups[0];
    assert_eq!(web.zone_policy, scaleplan::model::ZonePolicy::BalancedOnly);
    assert!(!web.zone_rebalance);
    let listed = imported.listed().join("\n");
    for expected in [
        "approximated: AutoScalingGroups[0].Instances[0].AvailabilityZone: the run starts with the instances spread over the zones (us-east-1a 2, us-east-1b 1), not as they run (us-east-1a 1, us-east-1b 2)",
        "not imported: AutoScalingGroups[0].SuspendedProcesses[1]: AlarmNotification is suspended",
    ] {
        assert!(listed.contains(expected), "{expected} not in\n{listed}");
    }
}

// AWS warm pools: size, state and reuse from `WarmPoolConfiguration`; the start from the pool
// and the stopped price are placeholders the file says to measure.
#[test]
fn aws_warm_pool_imports_with_its_placeholders_said() {
    let mut documents = aws_two_groups();
    documents[0]["AutoScalingGroups"][0]["WarmPoolConfiguration"] = serde_json::json!({
        "MaxGroupPreparedCapacity": 8, "MinSize": 1, "PoolState": "Hibernated",
        "Status": "PendingDelete", "InstanceReusePolicy": {"ReuseOnScaleIn": true}
    });
    documents[0]["AutoScalingGroups"][0]["WarmPoolSize"] = serde_json::json!(2);
    let imported = import_aws(&documents, &settings()).unwrap();
    assert_accounted(&imported, &documents.iter().collect::<Vec<_>>());
    assert!(
        imported.toml.contains("# not in the cloud's output: warm_boot_time (measure a start from the pool) and stopped_price_per_hour"),
        "{}",
        imported.toml
    );
    let loaded = scenario::load_str("imported.toml", &imported.toml, Path::new(".")).unwrap();
    let pool = loaded.scenario.groups[0]
        .warm_pool
        .as_ref()
        .expect("a warm pool");
    assert_eq!(
        (
            pool.max_prepared_capacity,
            pool.min_size,
            pool.state,
            pool.reuse_on_scale_in
        ),
        (Some(8), 1, scaleplan::model::PoolState::Hibernated, true)
    );
}

/// A second AWS group from a hand-edited file: policies without `Alarms` (moto omits them),
/// matched through the alarms' own `AlarmActions`; a mixed instances policy; ALB request
/// counts; two groups splitting the load by desired capacity.
fn aws_two_groups() -> Vec<Value> {
    let mut groups = json(&format!("{FIXTURES}/groups.json"));
    groups["AutoScalingGroups"].as_array_mut().unwrap().push(serde_json::json!({
        "AutoScalingGroupName": "api-asg",
        "MinSize": 1, "MaxSize": 10, "DesiredCapacity": 1,
        "MixedInstancesPolicy": {
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateName": "api", "Version": "$Latest"},
                "Overrides": [
                    {"InstanceType": "c5.large", "WeightedCapacity": "1"},
                    {"InstanceType": "c5.xlarge", "WeightedCapacity": "2"}
                ]
            },
            "InstancesDistribution": {
                "OnDemandAllocationStrategy": "prioritized",
                "OnDemandBaseCapacity": 1,
                "OnDemandPercentageAboveBaseCapacity": 40,
                "SpotAllocationStrategy": "price-capacity-optimized"
            }
        },
        "TerminationPolicies": ["NewestInstance", "OldestInstance"],
        "HealthCheckType": "EC2",
        "Instances": []
    }));
    let mut policies = json(&format!("{FIXTURES}/policies.json"));
    for policy in policies["ScalingPolicies"].as_array_mut().unwrap() {
        policy.as_object_mut().unwrap().remove("Alarms");
    }
    policies["ScalingPolicies"].as_array_mut().unwrap().extend([
        serde_json::json!({
            "AutoScalingGroupName": "api-asg", "PolicyName": "requests-out",
            "PolicyARN": "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:9:autoScalingGroupName/api-asg:policyName/requests-out",
            "PolicyType": "SimpleScaling", "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": 2, "Cooldown": 120
        }),
        serde_json::json!({
            "AutoScalingGroupName": "api-asg", "PolicyName": "alb-target",
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": {
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": "app/web/1/targetgroup/web/2"},
                "TargetValue": 1000.0
            }
        }),
    ]);
    let mut alarms = json(&format!("{FIXTURES}/alarms.json"));
    alarms["MetricAlarms"].as_array_mut().unwrap().push(serde_json::json!({
        "AlarmName": "api-requests-high",
        "AlarmActions": ["arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:9:autoScalingGroupName/api-asg:policyName/requests-out"],
        "Namespace": "AWS/ApplicationELB", "MetricName": "RequestCount", "Statistic": "Sum",
        "Dimensions": [{"Name": "LoadBalancer", "Value": "app/web/1"}],
        "Period": 300, "EvaluationPeriods": 2, "Threshold": 90000.0,
        "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "missing"
    }));
    vec![
        groups,
        policies,
        json(&format!("{FIXTURES}/scheduled.json")),
        alarms,
    ]
}

fn import_aws(
    documents: &[Value],
    settings: &ImportSettings,
) -> Result<Imported, import::ImportError> {
    import::aws::import(
        import::aws::Documents {
            groups: &documents[0],
            policies: Some(&documents[1]),
            scheduled: Some(&documents[2]),
            alarms: Some(&documents[3]),
        },
        settings,
    )
}

#[test]
fn aws_alarm_actions_mixed_instances_and_request_counts_import() {
    let documents = aws_two_groups();
    let imported = import_aws(&documents, &settings()).unwrap();
    assert_accounted(&imported, &documents.iter().collect::<Vec<_>>());
    let text = &imported.toml;
    let loaded = scenario::load_str("imported.toml", text, Path::new(".")).unwrap();
    let (web, api) = (&loaded.scenario.groups[0], &loaded.scenario.groups[1]);
    // The step policy's alarm was found through its AlarmActions alone.
    assert_eq!((web.alarms.len(), web.alarms[0].threshold), (1, 60.0));
    // Shares by desired capacity: 3 and 1 of 4, written to add up to exactly 1.
    assert!(text.contains("load_share = 0.75\n"), "{text}");
    assert!(text.contains("load_share = 0.25\n"), "{text}");
    assert_eq!(web.load_share + api.load_share, 1.0);
    // Overrides in priority order with their weights; the on-demand base and share as mix.
    let types: Vec<(&str, u32, bool)> = api.configurations[0]
        .instance_types
        .iter()
        .map(|&index| {
            let kind = &loaded.scenario.instance_types[index];
            (kind.name.as_str(), kind.weight, kind.preemptible.is_some())
        })
        .collect();
    assert_eq!(types, vec![("c5.large", 1, true), ("c5.xlarge", 2, true)]);
    let mix = api.mix.unwrap();
    assert_eq!((mix.on_demand_base, mix.on_demand_above_base), (1, 0.4));
    // Every termination policy, in order: each breaks the ties of the ones before.
    assert_eq!(
        api.removal_policy,
        vec![RemovalPolicy::NewestInstance, RemovalPolicy::OldestInstance]
    );
    // RequestCount Sum per 300 s above 90000: the requests of each period, as is.
    let alarm = &api.alarms[0];
    assert_eq!(
        (
            alarm.metric,
            alarm.statistic,
            alarm.comparison,
            alarm.threshold,
            alarm.period,
            alarm.periods
        ),
        (
            Metric::RequestRate,
            Statistic::Sum,
            Comparison::Greater,
            90000.0,
            300,
            2
        )
    );
    assert!(text.contains("# RequestCount Sum: the requests of each 300 s period, as CloudWatch counts them\nabove = 90000    # MetricAlarms[1].Threshold\n"), "{text}");
    // The ALB target per minute becomes per second, with the conversion said.
    let tracking = &api.target_tracking[0];
    assert_eq!(
        (tracking.metric, tracking.target),
        (Metric::RequestsPerInstance, 1000.0 / 60.0)
    );
    assert!(text.contains("# ALBRequestCountPerTarget 1000 requests per target per minute = 1000 / 60 per second\n"), "{text}");
    let listed = imported.listed().join("\n");
    // TreatMissingData and the every-minute evaluation are mapped, not listed.
    assert!(text.contains("# CloudWatch evaluates an alarm every minute over its last Period\nevaluation_interval = \"1m\"    # MetricAlarms[1].Period\nmissing_data = \"missing\"    # MetricAlarms[1].TreatMissingData\n"), "{text}");
    assert!(!listed.contains("TreatMissingData"), "{listed}");
    assert_eq!(
        (api.alarms[0].interval, api.alarms[0].missing_data),
        (Some(60), Some(scaleplan::model::MissingData::Missing))
    );
    let expected = "approximated: AutoScalingGroups[1].MixedInstancesPolicy.InstancesDistribution.SpotAllocationStrategy";
    assert!(listed.contains(expected), "{expected} not in\n{listed}");
}

#[test]
fn aws_group_selection_and_trace() {
    let documents = aws_two_groups();
    let mut chosen = settings();
    chosen.groups = vec!["api-asg".into()];
    chosen.trace = Some("load.csv".into());
    let imported = import_aws(&documents, &chosen).unwrap();
    assert_accounted_without_loading(&imported);
    assert!(!imported.toml.contains("name = \"web-asg\""));
    assert!(
        !imported.toml.contains("load_share ="),
        "one group takes the whole load"
    );
    assert!(imported.toml.contains("[load.trace]\n# the trace given with --trace: each group gets its load_share of it\npath = \"load.csv\"\n"));
    let listed = imported.listed().join("\n");
    assert!(
        listed.contains("not imported: AutoScalingGroups[0]: group not selected with --group"),
        "{listed}"
    );
    assert!(
        listed.contains(
            "not imported: ScalingPolicies[0]: belongs to group web-asg, not selected with --group"
        ),
        "{listed}"
    );
    chosen.groups = vec!["nope".into()];
    assert_eq!(
        import_aws(&documents, &chosen).unwrap_err().to_string(),
        "no group named `nope` in the groups file; it has: web-asg, api-asg"
    );
}

fn assert_accounted_without_loading(imported: &Imported) {
    for item in &imported.items {
        if item.fate != Fate::Mapped {
            assert!(imported.toml.contains(&item.path), "{}", item.path);
        }
    }
}

#[test]
fn the_trace_option_writes_the_trace_and_runs() {
    let directory = tempfile::tempdir().unwrap();
    let trace = directory.path().join("load.csv");
    let mut csv = String::from("time,requests\n");
    for minute in 0..(8 * 24 * 60) {
        csv.push_str(&format!("{},{}\n", minute * 60, 6000 + minute % 600));
    }
    fs::write(&trace, csv).unwrap();
    let out = directory.path().join("scenarios").join("web.toml");
    fs::create_dir(out.parent().unwrap()).unwrap();
    cargo_bin_cmd!("scaleplan")
        .args([
            "import",
            "aws",
            "--groups",
            &format!("{FIXTURES}/groups.json"),
            "--trace",
        ])
        .arg(&trace)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.contains("path = \"../load.csv\""), "{text}");
    cargo_bin_cmd!("scaleplan")
        .arg("run")
        .arg(&out)
        .assert()
        .success();
}

fn tencent_documents(directory: &str) -> Vec<Value> {
    [
        "groups",
        "configurations",
        "policies",
        "scheduled",
        "alarms",
    ]
    .iter()
    .map(|name| json(&format!("tests/fixtures/tencent/{directory}{name}.json")))
    .collect()
}

#[test]
fn tencent_groups_import_with_every_item_accounted() {
    let documents = tencent_documents("");
    let imported = import::tencent::import(
        import::tencent::Documents {
            groups: &documents[0],
            configurations: Some(&documents[1]),
            policies: Some(&documents[2]),
            scheduled: Some(&documents[3]),
            alarms: Some(&documents[4]),
        },
        &settings(),
    )
    .unwrap();
    assert_accounted(&imported, &documents.iter().collect::<Vec<_>>());
    let loaded = scenario::load_str("imported.toml", &imported.toml, Path::new(".")).unwrap();
    let scenario = &loaded.scenario;
    // Tencent's cooldown blocks every activity.
    assert_eq!(scenario.cooldown_blocks, CooldownBlocks::All);
    let (web, api) = (&scenario.groups[0], &scenario.groups[1]);
    assert_eq!(
        (web.min, web.max, web.desired, web.default_cooldown),
        (2, 20, 3, 300)
    );
    assert_eq!(web.removal_policy, vec![RemovalPolicy::NewestInstance]);
    let names: Vec<&str> = web.configurations[0]
        .instance_types
        .iter()
        .map(|&index| scenario.instance_types[index].name.as_str())
        .collect();
    assert_eq!(names, ["S5.MEDIUM4", "S5.LARGE8"]);
    let mix = web.mix.unwrap();
    assert_eq!((mix.on_demand_base, mix.on_demand_above_base), (2, 0.25));
    // The embedded MetricAlarm: PreciseThreshold over Threshold, ContinuousTime as periods.
    let high = &web.alarms[0];
    assert_eq!(
        (
            high.comparison,
            high.threshold,
            high.period,
            high.periods,
            high.statistic
        ),
        (Comparison::GreaterOrEqual, 70.5, 60, 3, Statistic::Average)
    );
    assert_eq!(web.rules[0].cooldown, Some(120));
    // Cooldown absent: CreateScalingPolicy's default 300 s.
    assert_eq!(web.rules[1].cooldown, Some(300));
    assert!(
        imported.toml.contains("# no Cooldown: Tencent's default, 300 s (CreateScalingPolicy)\ncooldown = \"300s\"    # ScalingPolicySet[1]\n"),
        "a default is said, not slipped in"
    );
    // EQUAL_TO is an equality alarm; the Cloud Monitor policy triggering cpu-high runs on the busiest
    // instance (the group's maximum).
    let names: Vec<&str> = web.alarms.iter().map(|alarm| alarm.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "cpu-high-alarm",
            "cpu-low-alarm",
            "mem-equal-alarm",
            "web-cpu-busy-cpu-high"
        ]
    );
    let equal = &web.alarms[2];
    assert_eq!(
        (equal.comparison, equal.threshold, equal.rule),
        (Comparison::Equal, 50.0, 2)
    );
    let monitor = &web.alarms[3];
    assert_eq!(
        (
            monitor.statistic,
            monitor.comparison,
            monitor.threshold,
            monitor.period,
            monitor.periods,
            monitor.rule
        ),
        (Statistic::Maximum, Comparison::Greater, 85.5, 60, 2, 0)
    );
    let tracking = &api.target_tracking[0];
    assert_eq!(
        (tracking.metric, tracking.target, tracking.warmup),
        (Metric::Cpu, 60.0, 200)
    );
    match &web.scheduled[0].recurrence {
        Recurrence::Cron { timezone, .. } => assert_eq!(timezone.name(), "Etc/GMT-8"),
        other => panic!("{other:?}"),
    }
    // DisableUpdateDesiredCapacity: the action sets no desired capacity.
    assert_eq!(
        web.scheduled[1].action,
        TaskAction::SetCapacity {
            min: Some(2),
            max: Some(20),
            desired: None
        }
    );
    assert_eq!(
        api.scheduled.len(),
        1,
        "the past one-time action is listed, not imported"
    );
    assert_eq!(web.load_share + api.load_share, 1.0);
    // RetryPolicy INCREMENTAL_INTERVALS (group 0) and IMMEDIATE_RETRY (group 1).
    assert_eq!(
        web.retry_policy,
        Some(scaleplan::model::RetryPolicy::IncrementalIntervals {
            intervals: vec![60, 600, 3600, 86_400]
        })
    );
    assert_eq!(
        api.retry_policy,
        Some(scaleplan::model::RetryPolicy::ImmediateRetry { interval: 60 })
    );
    // ZoneSet with EQUALITY: balanced; a single zone writes no policy.
    let zones = |group: &scaleplan::model::ScalingGroup| -> Vec<&str> {
        (group.zones.iter())
            .map(|zone| scenario.zones[*zone].as_str())
            .collect()
    };
    assert_eq!(zones(web), ["ap-guangzhou-3"]);
    assert_eq!(zones(api), ["ap-guangzhou-3", "ap-guangzhou-4"]);
    assert_eq!(api.zone_policy, scaleplan::model::ZonePolicy::Balanced);
    assert!(!api.zone_rebalance);
    let listed = imported.listed().join("\n");
    for expected in [
        "approximated: AutoScalingGroupSet[1].MultiZoneSubnetPolicy: EQUALITY: launches go to the zone with the fewest instances",
        "not imported: AutoScalingGroupSet[1].ServiceSettings.ScalingMode: WAKE_UP_STOPPED_SCALING",
        "approximated: AutoScalingGroupSet[0].RetryPolicy: Tencent does not publish its retry intervals",
        "not imported: AutoScalingGroupSet[1].SomeFutureField: not read: scaleplan does not know this field",
        "approximated: LaunchConfigurationSet[1].InstanceChargeType: PREPAID",
        "not imported: Policies[1]: alarm on MemUsage: only CpuUsage (cvm_device) is modelled",
        "not imported: Policies[2]: triggers no scaling policy of an imported group",
        "not imported: LaunchConfigurationSet[2]: no imported group uses this launch configuration",
    ] {
        assert!(listed.contains(expected), "{expected} not in\n{listed}");
    }
}

// The API reference's own example responses (API 3.0 bodies with `Response`) import, and
// each item is accounted for although the examples describe three different groups.
#[test]
fn tencent_reference_examples_import() {
    let read = |name: &str| json(&format!("tests/fixtures/tencent/docs/{name}.json"));
    let documents = [
        read("DescribeAutoScalingGroups"),
        read("DescribeScalingPolicies"),
        read("DescribeScheduledActions"),
    ];
    let imported = import::tencent::import(
        import::tencent::Documents {
            groups: &documents[0],
            configurations: None,
            policies: Some(&documents[1]),
            scheduled: Some(&documents[2]),
            alarms: None,
        },
        &settings(),
    )
    .unwrap();
    assert_accounted(&imported, &documents.iter().collect::<Vec<_>>());
    let loaded = scenario::load_str("imported.toml", &imported.toml, Path::new(".")).unwrap();
    let group = &loaded.scenario.groups[0];
    assert_eq!(
        (
            group.name.as_str(),
            group.min,
            group.max,
            group.desired,
            group.default_cooldown
        ),
        ("vpc-7layer-lb", 0, 10, 1, 301)
    );
    assert_eq!(group.removal_policy, vec![RemovalPolicy::OldestInstance]);
    let listed = imported.listed().join("\n");
    assert!(listed.contains("not imported: ScalingPolicySet[0]: its AutoScalingGroupId is not a group of the groups file"), "{listed}");
    // An error body is refused with its message.
    let error = serde_json::json!({"Response": {"Error": {"Code": "AuthFailure", "Message": "signature expired"}, "RequestId": "x"}});
    let refused = import::tencent::import(
        import::tencent::Documents {
            groups: &error,
            configurations: None,
            policies: None,
            scheduled: None,
            alarms: None,
        },
        &settings(),
    );
    let refused = refused.unwrap_err();
    assert_eq!(
        refused.message,
        "the DescribeAutoScalingGroups file is an error response: AuthFailure: signature expired"
    );
    assert_eq!(refused.document, "AutoScalingGroupSet");
}

// An error body given for any document is refused with the cloud's code and message, against
// that document (the command line then names its file, not the groups file).
#[test]
fn error_bodies_are_refused_with_the_clouds_code_against_their_own_document() {
    let tencent_error = serde_json::json!({"Response": {"Error": {"Code": "InvalidParameter", "Message": "bad filter"}, "RequestId": "x"}});
    let documents = tencent_documents("");
    let refused = import::tencent::import(
        import::tencent::Documents {
            groups: &documents[0],
            configurations: Some(&tencent_error),
            policies: None,
            scheduled: None,
            alarms: None,
        },
        &settings(),
    )
    .unwrap_err();
    assert_eq!(refused.document, "LaunchConfigurationSet");
    assert!(
        refused.message.ends_with("InvalidParameter: bad filter"),
        "{refused}"
    );
    let (documents, _) = alibaba("2022-02-22");
    let ess_error = serde_json::json!({"RequestId": "x", "HostId": "ess.aliyuncs.com", "Code": "Forbidden.RAM", "Message": "User not authorized"});
    let refused = import::alibaba::import(
        import::alibaba::Documents {
            groups: &documents[0],
            configurations: None,
            rules: Some(&ess_error),
            scheduled: None,
            alarms: None,
        },
        &settings(),
    )
    .unwrap_err();
    assert_eq!(refused.document, "ScalingRules");
    assert_eq!(
        refused.message,
        "the DescribeScalingRules file is an error response: Forbidden.RAM: User not authorized"
    );
    // At the command line: the rules file is named, not the groups file.
    let directory = tempfile::tempdir().unwrap();
    let rules = directory.path().join("rules.json");
    fs::write(&rules, ess_error.to_string()).unwrap();
    let output = cargo_bin_cmd!("scaleplan")
        .args([
            "import",
            "alibaba",
            "--groups",
            "tests/fixtures/alibaba/2022-02-22/groups.json",
        ])
        .arg("--rules")
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&rules.display().to_string()), "{stderr}");
    assert!(!stderr.contains("groups.json"), "{stderr}");
}

fn alibaba(version: &str) -> (Vec<Value>, Imported) {
    let documents: Vec<Value> = ["groups", "configurations", "rules", "scheduled", "alarms"]
        .iter()
        .map(|name| json(&format!("tests/fixtures/alibaba/{version}/{name}.json")))
        .collect();
    let imported = import::alibaba::import(
        import::alibaba::Documents {
            groups: &documents[0],
            configurations: Some(&documents[1]),
            rules: Some(&documents[2]),
            scheduled: Some(&documents[3]),
            alarms: Some(&documents[4]),
        },
        &settings(),
    )
    .unwrap();
    (documents, imported)
}

/// The scenario without its comments: what the two API versions must agree on.
fn uncommented(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split("    # ").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn alibaba_groups_import_from_both_api_versions() {
    let (old_documents, old) = alibaba("2014-08-28");
    let (new_documents, new) = alibaba("2022-02-22");
    assert_accounted(&old, &old_documents.iter().collect::<Vec<_>>());
    assert_accounted(&new, &new_documents.iter().collect::<Vec<_>>());
    assert_eq!(uncommented(&old.toml), uncommented(&new.toml));
    assert_eq!(old.items.len(), new.items.len());
    let loaded = scenario::load_str("imported.toml", &old.toml, Path::new(".")).unwrap();
    let scenario = &loaded.scenario;
    assert_eq!(scenario.rounding, Rounding::Alibaba);
    let group = &scenario.groups[0];
    assert_eq!(
        (group.min, group.max, group.desired, group.default_cooldown),
        (2, 30, 4, 300)
    );
    assert_eq!((group.existing.count, group.existing.protected), (1, true));
    assert_eq!(
        group.removal_policy,
        vec![
            RemovalPolicy::OldestScalingConfiguration,
            RemovalPolicy::OldestInstance
        ]
    );
    let weights: Vec<(&str, u32)> = group.configurations[0]
        .instance_types
        .iter()
        .map(|&index| {
            (
                scenario.instance_types[index].name.as_str(),
                scenario.instance_types[index].weight,
            )
        })
        .collect();
    assert_eq!(weights, [("ecs.g7.large", 1), ("ecs.g7.xlarge", 2)]);
    let mix = group.mix.unwrap();
    assert_eq!((mix.on_demand_base, mix.on_demand_above_base), (2, 0.5));
    let names: Vec<&str> = group.rules.iter().map(|rule| rule.name.as_str()).collect();
    assert_eq!(names, ["add-two", "shrink-a-third", "cpu-steps"]);
    assert!(matches!(
        group.rules[1].adjustment,
        Adjustment::Percent {
            min_magnitude: 1,
            ..
        }
    ));
    let tracking = &group.target_tracking[0];
    assert_eq!(
        (
            tracking.target,
            tracking.scale_out_periods,
            tracking.scale_in_periods,
            tracking.warmup
        ),
        (60.0, 2, 10, 180)
    );
    assert_eq!(group.predictive.as_ref().unwrap().buffer, 600);
    // Alarm tasks run the rules their AlarmActions name, by ARI.
    let alarms: Vec<(&str, usize, Comparison, f64)> = group
        .alarms
        .iter()
        .map(|alarm| {
            (
                alarm.name.as_str(),
                alarm.rule,
                alarm.comparison,
                alarm.threshold,
            )
        })
        .collect();
    assert_eq!(
        alarms,
        [
            ("cpu-high", 2, Comparison::GreaterOrEqual, 80.0),
            ("cpu-low", 1, Comparison::Less, 15.0)
        ]
    );
    // Daily at 03:00 UTC running a rule; weekends setting sizes.
    match &group.scheduled[0].recurrence {
        Recurrence::Cron {
            pattern, timezone, ..
        } => assert_eq!((pattern.as_str(), timezone.name()), ("0 3 * * *", "UTC")),
        other => panic!("{other:?}"),
    }
    assert_eq!(group.scheduled[0].action, TaskAction::RunRule(0));
    match &group.scheduled[1].recurrence {
        Recurrence::Cron { pattern, .. } => assert_eq!(pattern, "0 0 * * 0,6"),
        other => panic!("{other:?}"),
    }
    let listed = old.listed().join("\n");
    for expected in [
        "not imported: AlarmList.Alarm[2]: alarm on MemoryUtilization",
        "not imported: ScheduledTasks.ScheduledTask[2]: a disabled task never runs",
        "approximated: ScalingGroups.ScalingGroup[0].SpotInstanceRemedy",
        "approximated: ScalingRules.ScalingRule[4].PredictiveValueBehavior",
        "not imported: AlarmList.Alarm[1].EffectiveTime",
    ] {
        assert!(listed.contains(expected), "{expected} not in\n{listed}");
    }
}

// The DescribeScalingRules reference example: a TotalCapacity rule of a group not given.
#[test]
fn alibaba_reference_example_is_accounted_for() {
    let groups = json("tests/fixtures/alibaba/2014-08-28/groups.json");
    let rules = json("tests/fixtures/alibaba/docs/DescribeScalingRules.json");
    let imported = import::alibaba::import(
        import::alibaba::Documents {
            groups: &groups,
            configurations: None,
            rules: Some(&rules),
            scheduled: None,
            alarms: None,
        },
        &settings(),
    )
    .unwrap();
    assert_accounted(&imported, &[&groups, &rules]);
    assert!(imported.listed().join("\n").contains(
        "not imported: ScalingRules.ScalingRule[0]: belongs to no group of the groups file"
    ));
}

#[test]
fn tencent_and_alibaba_commands_write_scenarios() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("tencent.toml");
    let tencent = "tests/fixtures/tencent";
    cargo_bin_cmd!("scaleplan")
        .args([
            "import",
            "tencent",
            "--groups",
            &format!("{tencent}/groups.json"),
        ])
        .args([
            "--configurations",
            &format!("{tencent}/configurations.json"),
        ])
        .args(["--policies", &format!("{tencent}/policies.json")])
        .args(["--scheduled", &format!("{tencent}/scheduled.json")])
        .args(["--alarms", &format!("{tencent}/alarms.json")])
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: not imported: Policies[1]: alarm on MemUsage",
        ));
    cargo_bin_cmd!("scaleplan")
        .arg("run")
        .arg(&out)
        .assert()
        .success();
    let alibaba = "tests/fixtures/alibaba/2022-02-22";
    let out = directory.path().join("alibaba.toml");
    cargo_bin_cmd!("scaleplan")
        .args([
            "import",
            "alibaba",
            "--groups",
            &format!("{alibaba}/groups.json"),
        ])
        .args([
            "--configurations",
            &format!("{alibaba}/configurations.json"),
        ])
        .args(["--rules", &format!("{alibaba}/rules.json")])
        .args(["--scheduled", &format!("{alibaba}/scheduled.json")])
        .args(["--alarms", &format!("{alibaba}/alarms.json")])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    cargo_bin_cmd!("scaleplan")
        .arg("run")
        .arg(&out)
        .assert()
        .success();
    // A document of the wrong kind is refused with the command to use.
    cargo_bin_cmd!("scaleplan")
        .args([
            "import",
            "alibaba",
            "--groups",
            &format!("{alibaba}/rules.json"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no `ScalingGroups` list (use `aliyun ess DescribeScalingGroups` output)",
        ));
}

/// Every JSON path of a document whose value is a scalar, with a changed value: numbers
/// doubled plus one, booleans flipped, strings with a suffix.
fn perturbations(value: &Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Step::Key(key.clone()));
                perturbations(child, path, out);
                path.pop();
            }
        }
        Value::Array(list) => {
            for (index, child) in list.iter().enumerate() {
                path.push(Step::Index(index));
                perturbations(child, path, out);
                path.pop();
            }
        }
        Value::Number(number) => out.push((
            path.clone(),
            serde_json::json!(number.as_f64().unwrap() * 2.0 + 1.0),
        )),
        Value::Bool(flag) => out.push((path.clone(), Value::Bool(!flag))),
        Value::String(text) => out.push((path.clone(), Value::String(format!("{text}-changed")))),
        Value::Null => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn written(steps: &[Step]) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn set(value: &mut Value, steps: &[Step], new: Value) {
    let mut at = value;
    for step in steps {
        at = match step {
            Step::Key(key) => at.get_mut(key.as_str()).unwrap(),
            Step::Index(index) => at.get_mut(*index).unwrap(),
        };
    }
    *at = new;
}

/// "Mapped" must mean something: changing any item the import says it mapped changes the
/// scenario, or what the import says about the input (an error counts too). Run over every
/// scalar of every fixture of every cloud.
fn assert_mapped_items_matter(
    documents: &[Value],
    import: &dyn Fn(&[Value]) -> Result<Imported, import::ImportError>,
) {
    let base = import(documents).unwrap();
    let mapped: Vec<&str> = base
        .items
        .iter()
        .filter(|item| item.fate == Fate::Mapped)
        .map(|item| item.path.as_str())
        .collect();
    let mut idle = Vec::new();
    for (index, document) in documents.iter().enumerate() {
        let mut all = Vec::new();
        perturbations(document, &mut Vec::new(), &mut all);
        for (steps, new) in all {
            let path = written(&steps);
            // Tencent's bodies: paths start inside `Response`.
            let path = path
                .strip_prefix("Response.")
                .map_or(path.clone(), str::to_string);
            let covered = mapped.iter().any(|item| {
                path == *item
                    || path.starts_with(&format!("{item}."))
                    || path.starts_with(&format!("{item}["))
            });
            if !covered {
                continue;
            }
            let mut changed = documents.to_vec();
            set(&mut changed[index], &steps, new);
            match import(&changed) {
                Ok(result) if result.toml == base.toml && result.items == base.items => {
                    idle.push(path)
                }
                _ => {}
            }
        }
    }
    assert!(
        idle.is_empty(),
        "mapped, but changing them changes nothing: {idle:#?}"
    );
}

#[test]
fn every_mapped_aws_item_matters() {
    let documents = aws_two_groups();
    assert_mapped_items_matter(&documents, &|documents| import_aws(documents, &settings()));
}

#[test]
fn every_mapped_tencent_item_matters() {
    let documents = tencent_documents("");
    assert_mapped_items_matter(&documents, &|documents| {
        import::tencent::import(
            import::tencent::Documents {
                groups: &documents[0],
                configurations: Some(&documents[1]),
                policies: Some(&documents[2]),
                scheduled: Some(&documents[3]),
                alarms: Some(&documents[4]),
            },
            &settings(),
        )
    });
}

#[test]
fn every_mapped_alibaba_item_matters() {
    for version in ["2014-08-28", "2022-02-22"] {
        let (documents, _) = alibaba(version);
        assert_mapped_items_matter(&documents, &|documents| {
            import::alibaba::import(
                import::alibaba::Documents {
                    groups: &documents[0],
                    configurations: Some(&documents[1]),
                    rules: Some(&documents[2]),
                    scheduled: Some(&documents[3]),
                    alarms: Some(&documents[4]),
                },
                &settings(),
            )
        });
    }
}

// Names are the user's: quotes, backslashes, tabs and other scripts come through the scenario
// writer's escaping and read back as they were.
#[test]
fn hostile_names_import_and_read_back() {
    let (group, policy) = ("web \"asg\" \\ 午餐\t1", "cpu 'step' \"out\"");
    let documents: Vec<Value> = ["groups", "policies", "scheduled", "alarms"]
        .iter()
        .map(|name| {
            let text = fs::read_to_string(format!("{FIXTURES}/{name}.json")).unwrap();
            let escaped = |name: &str| {
                let quoted = serde_json::to_string(name).unwrap();
                quoted[1..quoted.len() - 1].to_string()
            };
            let text = text
                .replace("web-asg", &escaped(group))
                .replace("cpu-step-out", &escaped(policy));
            serde_json::from_str(&text).unwrap()
        })
        .collect();
    let imported = import_aws(&documents, &settings()).unwrap();
    let loaded = scenario::load_str("imported.toml", &imported.toml, Path::new("."))
        .unwrap_or_else(|errors| panic!("{errors}\n{}", imported.toml));
    let written = &loaded.scenario.groups[0];
    assert_eq!(written.name, group);
    assert!(
        written.rules.iter().any(|rule| rule.name == policy),
        "{}",
        imported.toml
    );
}

// What no cloud's output carries is never silently a number: a placeholder is listed in
// `[scenario] assumed` and every run names it until the user sets the real value; AWS's
// `DefaultInstanceWarmup` is the boot time's evidence, and says so; `--boot-time` wins.
#[test]
fn unmeasured_settings_are_assumed_out_loud_until_set() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("web.toml");
    cargo_bin_cmd!("scaleplan")
        .args([
            "import",
            "aws",
            "--groups",
            &format!("{FIXTURES}/groups.json"),
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("assumed = { \"instance_types.m5.large.capacity_rps\" = 100, \"instance_types.m5.large.price_per_hour\" = 0.1, \"load.base_rps\" = 100 }"),
        "{text}"
    );
    assert!(
        text.contains("boot_time = \"3m\"    # AutoScalingGroups[0].DefaultInstanceWarmup"),
        "{text}"
    );
    let run = |path: &Path| {
        let output = cargo_bin_cmd!("scaleplan")
            .arg("run")
            .arg(path)
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stderr).unwrap()
    };
    let notes = run(&out);
    assert!(
        notes.contains("note: assumed, not measured: instance_types.m5.large.capacity_rps = 100 ([scenario] assumed); the results rest on it: set the real value\n"),
        "{notes}"
    );
    // Set, the note goes; the other assumptions stay named.
    fs::write(
        &out,
        text.replace("capacity_rps = 100\n", "capacity_rps = 250\n"),
    )
    .unwrap();
    let notes = run(&out);
    assert!(!notes.contains("capacity_rps"), "{notes}");
    assert!(notes.contains("load.base_rps = 100"), "{notes}");
    // No evidence (Tencent) and no flag: the boot time is an assumption too; with the flag, not.
    let tencent = |extra: &[&str]| {
        let output = cargo_bin_cmd!("scaleplan")
            .args([
                "import",
                "tencent",
                "--groups",
                "tests/fixtures/tencent/groups.json",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let assumed = tencent(&[]);
    assert!(
        assumed.contains("\"instance_types.imported.boot_time\" = \"0s\""),
        "{assumed}"
    );
    let measured = tencent(&[
        "--boot-time",
        "2m",
        "--capacity-rps",
        "80",
        "--price-per-hour",
        "0.2",
        "--base-rps",
        "300",
    ]);
    assert!(!measured.contains("assumed ="), "{measured}");
    assert!(measured.contains("boot_time = \"2m\""), "{measured}");
    cargo_bin_cmd!("scaleplan")
        .args([
            "import",
            "tencent",
            "--groups",
            "tests/fixtures/tencent/groups.json",
            "--boot-time",
            "2 minutes",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad --boot-time `2 minutes`"));
}

// A trace is named relative to the scenario's own folder whatever form `--out` takes: a bare
// file name wrote an absolute path, which breaks the scenario on any other machine.
#[test]
fn the_trace_path_is_relative_to_the_scenario_for_a_bare_out_name() {
    let directory = tempfile::tempdir().unwrap();
    fs::create_dir(directory.path().join("tr")).unwrap();
    let mut trace = String::from("time,requests\n");
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-05T00:00:00Z").unwrap();
    for minute in 0..(7 * 1440 + 10) {
        let at = start + chrono::TimeDelta::minutes(minute);
        trace.push_str(&format!("{},10\n", at.format("%Y-%m-%dT%H:%M:%SZ")));
    }
    fs::write(directory.path().join("tr/t.csv"), trace).unwrap();
    let groups = fs::canonicalize(format!("{FIXTURES}/groups.json")).unwrap();
    for out in ["web.toml", "./web.toml"] {
        cargo_bin_cmd!("scaleplan")
            .current_dir(directory.path())
            .args([
                "import", "aws", "--trace", "tr/t.csv", "--out", out, "--groups",
            ])
            .arg(&groups)
            .assert()
            .success();
        let text = fs::read_to_string(directory.path().join("web.toml")).unwrap();
        assert!(text.contains("path = \"tr/t.csv\""), "{out}: {text}");
    }
}

// A value the cloud does not document is refused by default, naming the document's file, the
// JSON path, the value and the values known; `--lenient` imports it as what it is assumed to
// mean and says "ASSUMED", never "not imported" while a value stands in its place.
#[test]
fn unknown_values_are_refused_unless_lenient_and_then_assumed_out_loud() {
    let directory = tempfile::tempdir().unwrap();
    let groups = directory.path().join("groups.json");
    let text = fs::read_to_string("tests/fixtures/tencent/groups.json").unwrap();
    let hostile = text.replacen(
        "\"MultiZoneSubnetPolicy\": \"EQUALITY\"",
        "\"MultiZoneSubnetPolicy\": \"ROUND_ROBIN\"",
        1,
    );
    assert_ne!(hostile, text);
    fs::write(&groups, hostile).unwrap();
    let output = cargo_bin_cmd!("scaleplan")
        .args(["import", "tencent", "--groups"])
        .arg(&groups)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&groups.display().to_string()), "{stderr}");
    assert!(
        stderr.contains("AutoScalingGroupSet[1].MultiZoneSubnetPolicy: unknown value `ROUND_ROBIN` (known: PRIORITY, EQUALITY); assumed Tencent's default, PRIORITY (zone_policy = \"priority\")"),
        "{stderr}"
    );
    assert!(stderr.contains("pass --lenient"), "{stderr}");
    let output = cargo_bin_cmd!("scaleplan")
        .args(["import", "tencent", "--lenient", "--groups"])
        .arg(&groups)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let scenario = String::from_utf8(output.stdout).unwrap();
    assert!(
        scenario.contains(
            "# - ASSUMED: AutoScalingGroupSet[1].MultiZoneSubnetPolicy: unknown value `ROUND_ROBIN`"
        ),
        "{scenario}"
    );
    assert!(
        !scenario.contains("not imported: AutoScalingGroupSet[1].MultiZoneSubnetPolicy"),
        "{scenario}"
    );
}

// Without --start and --duration the run is the trace's span, in the file's own offset: a
// two-day trace with the default week was refused before.
#[test]
fn the_run_defaults_to_the_span_of_the_trace() {
    let directory = tempfile::tempdir().unwrap();
    let mut trace = String::from("time,requests\n");
    let start = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00").unwrap();
    for minute in 0..(2 * 1440) {
        let at = start + chrono::TimeDelta::minutes(minute);
        trace.push_str(&format!("{},10\n", at.to_rfc3339()));
    }
    fs::write(directory.path().join("two-days.csv"), trace).unwrap();
    let groups = fs::canonicalize(format!("{FIXTURES}/groups.json")).unwrap();
    let output = cargo_bin_cmd!("scaleplan")
        .current_dir(directory.path())
        .args(["import", "aws", "--trace", "two-days.csv", "--groups"])
        .arg(&groups)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("start = \"2026-03-02T09:00:00+08:00\"\n"),
        "{text}"
    );
    assert!(text.contains("duration = \"2d\"\n"), "{text}");
    // Given, they win.
    let output = cargo_bin_cmd!("scaleplan")
        .current_dir(directory.path())
        .args([
            "import",
            "aws",
            "--trace",
            "two-days.csv",
            "--duration",
            "1d",
            "--groups",
        ])
        .arg(&groups)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("duration = \"1d\"\n"), "{text}");
    // A span past the trace is the command line's to fix, not a file's that was never written.
    let output = cargo_bin_cmd!("scaleplan")
        .current_dir(directory.path())
        .args([
            "import",
            "aws",
            "--trace",
            "two-days.csv",
            "--duration",
            "7d",
            "--groups",
        ])
        .arg(&groups)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("(field `--trace`)\n  --> the command line\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: leave out --start and --duration to run over the trace's span"),
        "{stderr}"
    );
}

// A negative cooldown is not silently 0 s: refused, or with --lenient assumed 0 s and listed.
#[test]
fn a_negative_duration_is_refused_not_zeroed() {
    let mut groups = json(&format!("{FIXTURES}/groups.json"));
    groups["AutoScalingGroups"][0]["DefaultCooldown"] = serde_json::json!(-60);
    let documents = [
        groups,
        json(&format!("{FIXTURES}/policies.json")),
        json(&format!("{FIXTURES}/scheduled.json")),
        json(&format!("{FIXTURES}/alarms.json")),
    ];
    let refused = import_aws(&documents, &settings()).unwrap_err();
    assert_eq!(refused.document, "AutoScalingGroups");
    assert!(
        refused.message.contains("AutoScalingGroups[0].DefaultCooldown: negative duration `-60`: seconds are 0 or more; assumed 0 s"),
        "{refused}"
    );
    let lenient = ImportSettings {
        lenient: true,
        ..settings()
    };
    let imported = import_aws(&documents, &lenient).unwrap();
    assert!(
        imported.toml.contains("default_cooldown = \"0s\""),
        "{}",
        imported.toml
    );
    assert!(
        imported
            .toml
            .contains("# - ASSUMED: AutoScalingGroups[0].DefaultCooldown: negative duration"),
        "{}",
        imported.toml
    );
}
