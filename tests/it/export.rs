//! `scaleplan export terraform` and `plan --export terraform`: the HCL parses (hcl-rs), every
//! argument is the scenario's, and AWS's round trip (scenario -> HCL -> the equivalent
//! describe JSON -> import) gives the same rules.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use scaleplan::export::{Provider, terraform};
use scaleplan::import::{self, ImportSettings};
use scaleplan::scenario;
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

const ROUND_TRIP: &str = "tests/fixtures/export/aws-round-trip.toml";

fn exported(path: &str, provider: Provider) -> (scenario::Loaded, Value, String) {
    let loaded = scenario::load(Path::new(path)).unwrap();
    let text = terraform(&loaded.scenario, provider, path).unwrap();
    let parsed: Value = hcl::from_str(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    (loaded, parsed, text)
}

/// A repeated block is a list in hcl-rs's JSON, a single one an object.
fn many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(list) => list.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The resource a `${type.label.attribute}` reference names: its label.
fn referenced(reference: &Value) -> String {
    let text = reference.as_str().unwrap();
    text.trim_start_matches("${")
        .trim_end_matches('}')
        .split('.')
        .nth(1)
        .unwrap()
        .to_string()
}

/// The describe-* JSON AWS would print for the exported resources.
fn aws_documents(parsed: &Value) -> [Value; 4] {
    let resources = &parsed["resource"];
    let mut groups = Vec::new();
    let mut group_names = std::collections::BTreeMap::new();
    for (label, group) in resources["aws_autoscaling_group"].as_object().unwrap() {
        group_names.insert(label.clone(), group["name"].clone());
        let template = &group["mixed_instances_policy"]["launch_template"];
        let distribution = &group["mixed_instances_policy"]["instances_distribution"];
        groups.push(json!({
            "AutoScalingGroupName": group["name"],
            "MinSize": group["min_size"], "MaxSize": group["max_size"],
            "DesiredCapacity": group["desired_capacity"], "DefaultCooldown": group["default_cooldown"],
            "TerminationPolicies": group["termination_policies"],
            "MixedInstancesPolicy": {
                "LaunchTemplate": {"Overrides": many(&template["override"]).iter().map(|item| json!({
                    "InstanceType": item["instance_type"], "WeightedCapacity": item["weighted_capacity"]
                })).collect::<Vec<_>>()},
                "InstancesDistribution": {
                    "OnDemandAllocationStrategy": distribution["on_demand_allocation_strategy"],
                    "OnDemandBaseCapacity": distribution["on_demand_base_capacity"],
                    "OnDemandPercentageAboveBaseCapacity": distribution["on_demand_percentage_above_base_capacity"]
                }
            }
        }));
    }
    let group_of = |reference: &Value| group_names[&referenced(reference)].clone();
    let arn = |group: &Value, policy: &Value| {
        format!(
            "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:autoScalingGroupName/{}:policyName/{}",
            group.as_str().unwrap(),
            policy.as_str().unwrap()
        )
    };
    let mut policies = Vec::new();
    let mut arns = std::collections::BTreeMap::new();
    for (label, policy) in resources["aws_autoscaling_policy"].as_object().unwrap() {
        let group = group_of(&policy["autoscaling_group_name"]);
        let policy_arn = arn(&group, &policy["name"]);
        arns.insert(label.clone(), policy_arn.clone());
        let number = |text: &Value| {
            text.as_str()
                .map(|text| json!(text.parse::<f64>().unwrap()))
        };
        let mut entry = json!({
            "AutoScalingGroupName": group, "PolicyName": policy["name"], "PolicyARN": policy_arn,
            "PolicyType": policy["policy_type"], "AdjustmentType": policy["adjustment_type"],
            "ScalingAdjustment": policy["scaling_adjustment"], "Cooldown": policy["cooldown"],
            "MinAdjustmentMagnitude": policy["min_adjustment_magnitude"],
            "EstimatedInstanceWarmup": policy["estimated_instance_warmup"],
            "MetricAggregationType": policy["metric_aggregation_type"],
            "StepAdjustments": many(&policy["step_adjustment"]).iter().map(|step| json!({
                "MetricIntervalLowerBound": number(&step["metric_interval_lower_bound"]),
                "MetricIntervalUpperBound": number(&step["metric_interval_upper_bound"]),
                "ScalingAdjustment": step["scaling_adjustment"]
            })).collect::<Vec<_>>()
        });
        let tracking = &policy["target_tracking_configuration"];
        if !tracking.is_null() {
            entry["TargetTrackingConfiguration"] = json!({
                "PredefinedMetricSpecification": {"PredefinedMetricType": tracking["predefined_metric_specification"]["predefined_metric_type"]},
                "TargetValue": tracking["target_value"], "DisableScaleIn": tracking["disable_scale_in"]
            });
        }
        let predictive = &policy["predictive_scaling_configuration"];
        if !predictive.is_null() {
            let specification = &predictive["metric_specification"];
            entry["PredictiveScalingConfiguration"] = json!({
                "MetricSpecifications": [{
                    "TargetValue": specification["target_value"],
                    "PredefinedMetricPairSpecification": {"PredefinedMetricType": specification["predefined_metric_pair_specification"]["predefined_metric_type"]}
                }],
                "Mode": predictive["mode"], "SchedulingBufferTime": predictive["scheduling_buffer_time"],
                "MaxCapacityBreachBehavior": predictive["max_capacity_breach_behavior"]
            });
        }
        policies.push(entry);
    }
    let mut alarms = Vec::new();
    for alarm in resources["aws_cloudwatch_metric_alarm"]
        .as_object()
        .unwrap()
        .values()
    {
        let dimensions: Vec<Value> = alarm["dimensions"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| {
                let value = if name == "AutoScalingGroupName" {
                    group_of(value)
                } else {
                    json!("app/web/1")
                };
                json!({"Name": name, "Value": value})
            })
            .collect();
        alarms.push(json!({
            "AlarmName": alarm["alarm_name"], "ComparisonOperator": alarm["comparison_operator"],
            "EvaluationPeriods": alarm["evaluation_periods"], "DatapointsToAlarm": alarm["datapoints_to_alarm"],
            "Namespace": alarm["namespace"], "MetricName": alarm["metric_name"], "Statistic": alarm["statistic"],
            "Period": alarm["period"], "Threshold": alarm["threshold"], "Dimensions": dimensions,
            "TreatMissingData": alarm["treat_missing_data"],
            "AlarmActions": many(&alarm["alarm_actions"]).iter().map(|action| arns[&referenced(action)].clone()).collect::<Vec<_>>()
        }));
    }
    let mut actions = Vec::new();
    for action in resources["aws_autoscaling_schedule"]
        .as_object()
        .unwrap()
        .values()
    {
        actions.push(json!({
            "AutoScalingGroupName": group_of(&action["autoscaling_group_name"]),
            "ScheduledActionName": action["scheduled_action_name"],
            "MinSize": sent(&action["min_size"]), "MaxSize": sent(&action["max_size"]),
            "DesiredCapacity": sent(&action["desired_capacity"]),
            "Recurrence": action["recurrence"], "TimeZone": action["time_zone"],
            "StartTime": action["start_time"], "EndTime": action["end_time"]
        }));
    }
    [
        json!({"AutoScalingGroups": groups}),
        json!({"ScalingPolicies": policies}),
        json!({"ScheduledUpdateGroupActions": actions}),
        json!({"MetricAlarms": alarms}),
    ]
}

/// A scheduled action's size as the aws provider sends it: -1 means "leave unchanged", so it
/// is not sent and AWS's describe output has no such field (resource_aws_autoscaling_schedule:
/// `if v := d.Get("min_size"); v != -1 { input.MinSize = ... }`).
fn sent(size: &Value) -> Value {
    if size.as_i64() == Some(-1) {
        Value::Null
    } else {
        size.clone()
    }
}

/// Drops nulls, as the AWS CLI does for absent fields.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key, without_nulls(value)))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[test]
fn aws_round_trip_gives_the_same_rules() {
    let (loaded, parsed, _) = exported(ROUND_TRIP, Provider::Aws);
    let documents = aws_documents(&parsed).map(without_nulls);
    let settings = ImportSettings {
        start: "2026-01-05T00:00:00Z".into(),
        duration: "3d".into(),
        capacity_rps: Some(100.0),
        price_per_hour: Some(0.1),
        base_rps: Some(100.0),
        boot_time: Some(0),
        groups: Vec::new(),
        trace: None,
        lenient: false,
    };
    let imported = import::aws::import(
        import::aws::Documents {
            groups: &documents[0],
            policies: Some(&documents[1]),
            scheduled: Some(&documents[2]),
            alarms: Some(&documents[3]),
        },
        &settings,
    )
    .unwrap();
    let back = scenario::load_str("imported.toml", &imported.toml, Path::new("."))
        .unwrap_or_else(|error| panic!("{error:?}\n{}", imported.toml));
    let (original, again) = (&loaded.scenario.groups[0], &back.scenario.groups[0]);
    // The same rules, in the same order, with the same adjustments, steps and cooldowns.
    assert_eq!(original.rules, again.rules);
    assert_eq!(original.target_tracking, again.target_tracking);
    assert_eq!(original.predictive, again.predictive);
    // Alarms match by name (the import orders them after their policies).
    for alarm in &original.alarms {
        let twin = again
            .alarms
            .iter()
            .find(|other| other.name == alarm.name)
            .unwrap();
        assert_eq!(
            (
                alarm.metric,
                alarm.statistic,
                alarm.period,
                alarm.periods,
                alarm.datapoints,
                alarm.interval,
                alarm.missing_data,
                alarm.comparison,
                alarm.threshold
            ),
            (
                twin.metric,
                twin.statistic,
                twin.period,
                twin.periods,
                twin.datapoints,
                twin.interval,
                twin.missing_data,
                twin.comparison,
                twin.threshold
            ),
            "{}",
            alarm.name
        );
        assert_eq!(original.rules[alarm.rule].name, again.rules[twin.rule].name);
    }
    assert_eq!(original.alarms.len(), again.alarms.len());
    for task in &original.scheduled {
        let twin = again
            .scheduled
            .iter()
            .find(|other| other.name == task.name)
            .unwrap();
        assert_eq!(task.action, twin.action, "{}", task.name);
        assert_eq!(task.fires, twin.fires, "{}", task.name);
    }
    assert_eq!(
        (
            original.min,
            original.max,
            original.desired,
            original.default_cooldown,
            original.removal_policy.clone(),
            original.mix
        ),
        (
            again.min,
            again.max,
            again.desired,
            again.default_cooldown,
            again.removal_policy.clone(),
            again.mix
        )
    );
    let weights = |scenario: &scaleplan::model::Scenario,
                   group: &scaleplan::model::ScalingGroup|
     -> Vec<(String, u32)> {
        group.configurations[0]
            .instance_types
            .iter()
            .map(|&index| {
                (
                    scenario.instance_types[index].name.clone(),
                    scenario.instance_types[index].weight,
                )
            })
            .collect()
    };
    assert_eq!(
        weights(&loaded.scenario, original),
        weights(&back.scenario, again)
    );
}

#[test]
fn aws_arguments_are_the_scenarios() {
    let (_, parsed, text) = exported(ROUND_TRIP, Provider::Aws);
    let resources = &parsed["resource"];
    let group = &resources["aws_autoscaling_group"]["web"];
    assert_eq!(
        (
            &group["name"],
            &group["min_size"],
            &group["max_size"],
            &group["desired_capacity"],
            &group["default_cooldown"]
        ),
        (&json!("web"), &json!(2), &json!(40), &json!(4), &json!(240))
    );
    assert_eq!(group["termination_policies"], json!(["NewestInstance"]));
    assert_eq!(group["vpc_zone_identifier"], json!("${var.subnet_ids}"));
    let distribution = &group["mixed_instances_policy"]["instances_distribution"];
    assert_eq!(
        (
            &distribution["on_demand_base_capacity"],
            &distribution["on_demand_percentage_above_base_capacity"],
            &distribution["spot_allocation_strategy"]
        ),
        (
            &json!(2),
            &json!(25),
            &json!("capacity-optimized-prioritized")
        )
    );
    let policies = &resources["aws_autoscaling_policy"];
    assert_eq!(
        policies["web-add-two"],
        json!({"name": "add-two", "autoscaling_group_name": "${aws_autoscaling_group.web.name}", "policy_type": "SimpleScaling",
               "adjustment_type": "ChangeInCapacity", "scaling_adjustment": 2, "cooldown": 180})
    );
    assert_eq!(
        policies["web-shrink"]["adjustment_type"],
        json!("PercentChangeInCapacity")
    );
    assert_eq!(policies["web-shrink"]["min_adjustment_magnitude"], json!(1));
    assert_eq!(
        policies["web-cpu-50"]["target_tracking_configuration"],
        json!({"predefined_metric_specification": {"predefined_metric_type": "ASGAverageCPUUtilization"}, "target_value": 50, "disable_scale_in": true})
    );
    assert_eq!(
        policies["web-cpu-50"]["estimated_instance_warmup"],
        json!(180)
    );
    assert_eq!(
        policies["web-forecast"]["predictive_scaling_configuration"]["mode"],
        json!("ForecastOnly")
    );
    assert_eq!(
        policies["web-forecast"]["predictive_scaling_configuration"]["scheduling_buffer_time"],
        json!(600)
    );
    // The hook's action timing, assumed by the simulation, is said in the group's comments.
    let comment = "# simulated with lifecycle hook bootstrap's action completing after 180 s: your script's timing";
    assert!(text.contains(comment), "{comment} not in\n{text}");
    // The hook's settings; its action's timing (`completes_after`) is the user's, not AWS's.
    let hook = &resources["aws_autoscaling_lifecycle_hook"]["web-bootstrap"];
    assert_eq!(
        (
            &hook["name"],
            &hook["lifecycle_transition"],
            &hook["heartbeat_timeout"],
            &hook["default_result"]
        ),
        (
            &json!("bootstrap"),
            &json!("autoscaling:EC2_INSTANCE_LAUNCHING"),
            &json!(600),
            &json!("ABANDON")
        )
    );
    let alarms = &resources["aws_cloudwatch_metric_alarm"];
    let high = &alarms["web-cpu-high"];
    assert_eq!(
        (
            &high["comparison_operator"],
            &high["evaluation_periods"],
            &high["datapoints_to_alarm"],
            &high["threshold"],
            &high["period"]
        ),
        (
            &json!("GreaterThanOrEqualToThreshold"),
            &json!(3),
            &json!(2),
            &json!(80),
            &json!(60)
        )
    );
    assert_eq!(
        high["alarm_actions"],
        json!(["${aws_autoscaling_policy.web-steps.arn}"])
    );
    // A request Sum above 105000 per 5 minutes is a RequestCount Sum above 105000.
    let requests = &alarms["web-requests-high"];
    assert_eq!(
        (
            &requests["namespace"],
            &requests["metric_name"],
            &requests["statistic"],
            &requests["threshold"]
        ),
        (
            &json!("AWS/ApplicationELB"),
            &json!("RequestCount"),
            &json!("Sum"),
            &json!(105000)
        )
    );
    assert_eq!(
        requests["dimensions"],
        json!({"LoadBalancer": "${var.alb_arn_suffix}"})
    );
    assert!(text.contains("variable \"alb_arn_suffix\" {"), "{text}");
    let schedules = &resources["aws_autoscaling_schedule"];
    assert_eq!(
        schedules["web-lunch-up"],
        json!({"scheduled_action_name": "lunch-up", "autoscaling_group_name": "${aws_autoscaling_group.web.name}",
               "min_size": 6, "max_size": -1, "desired_capacity": 8, "recurrence": "0 11 * * 1-5", "time_zone": "America/New_York"})
    );
    assert_eq!(
        schedules["web-launch"]["start_time"],
        json!("2026-01-06T09:00:00Z")
    );
}

/// The round-trip scenario as another cloud would run it: cooldowns and rounding set as the
/// cloud documents them.
fn adapted(provider: Provider) -> String {
    let text = fs::read_to_string(ROUND_TRIP).unwrap();
    match provider {
        Provider::Alicloud => text
            .replace(
                "duration = \"3d\"",
                "duration = \"3d\"\nrounding = \"alibaba\"",
            )
            .replace("timezone = \"America/New_York\"", "timezone = \"UTC\"")
            .replace(
                "metric = \"request_rate\"\nstatistic = \"sum\"",
                "metric = \"cpu\"",
            )
            .replace("above = 105000", "above = 90")
            .replace("datapoints = 2\n", "")
            .replace("evaluation_interval = \"1m\"\n", "")
            .replace("missing_data = \"breaching\"\n", "")
            .replace("missing_data = \"ignore\"\n", "")
            .replace("missing_data = \"not_breaching\"\n", "")
            .replace(
                "[[group.lifecycle_hook]]\nname = \"bootstrap\"\ntransition = \"launching\"\nheartbeat_timeout = \"10m\"\ndefault_result = \"abandon\"\ncompletes_after = \"3m\"\n",
                "",
            ),
        _ => text,
    }
}

#[test]
fn alicloud_arguments_are_the_scenarios() {
    let loaded = scenario::load_str(
        "alicloud.toml",
        &adapted(Provider::Alicloud),
        Path::new("."),
    )
    .unwrap();
    let text = terraform(&loaded.scenario, Provider::Alicloud, "alicloud.toml").unwrap();
    let parsed: Value = hcl::from_str(&text).unwrap();
    let resources = &parsed["resource"];
    let group = &resources["alicloud_ess_scaling_group"]["web"];
    assert_eq!(
        (
            &group["scaling_group_name"],
            &group["min_size"],
            &group["max_size"],
            &group["desired_capacity"],
            &group["default_cooldown"]
        ),
        (&json!("web"), &json!(2), &json!(40), &json!(4), &json!(240))
    );
    assert_eq!(group["removal_policies"], json!(["NewestInstance"]));
    assert_eq!(
        (
            &group["on_demand_base_capacity"],
            &group["on_demand_percentage_above_base_capacity"]
        ),
        (&json!(2), &json!(25))
    );
    let configuration = &resources["alicloud_ess_scaling_configuration"]["web"];
    let overrides: Vec<(Value, Value)> = many(&configuration["instance_type_override"])
        .iter()
        .map(|item| {
            (
                item["instance_type"].clone(),
                item["weighted_capacity"].clone(),
            )
        })
        .collect();
    assert_eq!(
        overrides,
        [
            (json!("m5.large"), json!(1)),
            (json!("m5.xlarge"), json!(2))
        ]
    );
    assert_eq!(configuration["spot_strategy"], json!("SpotAsPriceGo"));
    let rules = &resources["alicloud_ess_scaling_rule"];
    assert_eq!(
        rules["web-add-two"],
        json!({"scaling_group_id": "${alicloud_ess_scaling_group.web.id}", "scaling_rule_name": "add-two",
               "scaling_rule_type": "SimpleScalingRule", "adjustment_type": "QuantityChangeInCapacity", "adjustment_value": 2, "cooldown": 180})
    );
    let steps: Vec<&Value> = many(&rules["web-steps"]["step_adjustment"]);
    assert_eq!(
        steps[1],
        &json!({"metric_interval_lower_bound": "15", "scaling_adjustment": 3})
    );
    assert_eq!(
        (
            &rules["web-cpu-50"]["scaling_rule_type"],
            &rules["web-cpu-50"]["metric_name"],
            &rules["web-cpu-50"]["scale_in_evaluation_count"]
        ),
        (
            &json!("TargetTrackingScalingRule"),
            &json!("CpuUtilization"),
            &json!(15)
        )
    );
    assert_eq!(
        rules["web-forecast"]["predictive_task_buffer_time"],
        json!(10)
    );
    assert_eq!(
        rules["web-forecast"]["predictive_scaling_mode"],
        json!("PredictOnly")
    );
    let low = &resources["alicloud_ess_alarm"]["web-cpu-low"];
    assert_eq!(
        (
            &low["comparison_operator"],
            &low["statistics"],
            &low["period"],
            &low["evaluation_count"],
            &low["threshold"]
        ),
        (
            &json!("<"),
            &json!("Maximum"),
            &json!(300),
            &json!(2),
            &json!("20")
        )
    );
    assert_eq!(
        low["alarm_actions"],
        json!(["${alicloud_ess_scaling_rule.web-shrink.ari}"])
    );
    let lunch = &resources["alicloud_ess_scheduled_task"]["web-lunch-up"];
    assert_eq!(
        (
            &lunch["recurrence_type"],
            &lunch["recurrence_value"],
            &lunch["min_value"],
            &lunch["desired_capacity"],
            &lunch["launch_time"]
        ),
        (
            &json!("Cron"),
            &json!("0 11 * * 1-5"),
            &json!(6),
            &json!(8),
            &json!("2026-01-05T00:00Z")
        )
    );
}

#[test]
fn tencentcloud_arguments_are_the_scenarios() {
    let text = "[scenario]\nname = \"t\"\nstart = \"2026-01-05T00:00:00+08:00\"\nduration = \"2d\"\ncooldown_blocks = \"all\"\n\n\
        [instance_types.\"S5.MEDIUM4\"]\ncapacity_rps = 100\nprice_per_hour = 0.1\n\n[load]\nbase_rps = 100\n\n\
        [[group]]\nname = \"lunch web\"\ninstance_type = \"S5.MEDIUM4\"\nmin = 2\nmax = 20\ndesired = 3\nremoval_policy = \"newest_instance\"\nretry_policy = \"incremental_intervals\"\nretry_intervals = [\"1m\", \"1h\"]\n\n\
        [[group.rule]]\nname = \"cpu-high\"\nchange = 2\ncooldown = \"2m\"\n\n\
        [[group.alarm]]\nname = \"cpu-high\"\nmetric = \"cpu\"\nperiod = \"1m\"\nperiods = 3\nat_or_above = 70\nrun = \"cpu-high\"\n\n\
        [[group.scheduled]]\nname = \"lunch-up\"\ncron = \"0 11 * * *\"\ntimezone = \"Asia/Shanghai\"\nmin = 4\nmax = 20\ndesired = 5\n";
    let loaded = scenario::load_str("t.toml", text, Path::new(".")).unwrap();
    let hcl_text = terraform(&loaded.scenario, Provider::Tencentcloud, "t.toml").unwrap();
    let parsed: Value = hcl::from_str(&hcl_text).unwrap();
    let resources = &parsed["resource"];
    assert_eq!(
        resources["tencentcloud_as_scaling_config"]["lunch_web"]["instance_types"],
        json!(["S5.MEDIUM4"])
    );
    let group = &resources["tencentcloud_as_scaling_group"]["lunch_web"];
    // The policy is Tencent's; its intervals are Tencent's own, not arguments.
    assert_eq!(group["retry_policy"], json!("INCREMENTAL_INTERVALS"));
    assert_eq!(
        (
            &group["scaling_group_name"],
            &group["configuration_id"],
            &group["termination_policies"],
            &group["default_cooldown"]
        ),
        (
            &json!("lunch web"),
            &json!("${tencentcloud_as_scaling_config.lunch_web.id}"),
            &json!(["NEWEST_INSTANCE"]),
            &json!(300)
        )
    );
    assert_eq!(
        resources["tencentcloud_as_scaling_policy"]["lunch_web-cpu-high"],
        json!({"scaling_group_id": "${tencentcloud_as_scaling_group.lunch_web.id}", "policy_name": "cpu-high",
               "adjustment_type": "CHANGE_IN_CAPACITY", "adjustment_value": 2, "comparison_operator": "GREATER_THAN_OR_EQUAL_TO",
               "metric_name": "CPU_UTILIZATION", "threshold": 70, "period": 60, "continuous_time": 3, "statistic": "AVERAGE", "cooldown": 120})
    );
    assert_eq!(
        resources["tencentcloud_as_schedule"]["lunch_web-lunch-up"],
        json!({"scaling_group_id": "${tencentcloud_as_scaling_group.lunch_web.id}", "schedule_action_name": "lunch-up",
               "max_size": 20, "min_size": 4, "desired_capacity": 5, "start_time": "2026-01-05T00:00:00+08:00", "recurrence": "0 11 * * *"})
    );
}

// What a provider cannot express is refused by name, every one at once.
#[test]
fn what_a_provider_cannot_express_is_refused_by_name() {
    let loaded = scenario::load(Path::new(ROUND_TRIP)).unwrap();
    let refused = terraform(&loaded.scenario, Provider::Tencentcloud, ROUND_TRIP).unwrap_err();
    for expected in [
        "scenario.cooldown_blocks = \"alarms\": Tencent's cooldown blocks every scaling activity; set \"all\" to simulate what Tencent does",
        "group web: instance weights: Tencent AS counts instances",
        "group web: rule steps: step rules: Tencent AS has simple alarm policies only",
        "group web: rule cpu-50: target tracking: the tencentcloud provider's tencentcloud_as_scaling_policy has no target tracking arguments",
        "group web: rule forecast: Tencent AS has no predictive scaling",
        "group web: alarm requests-high: Tencent alarm policies watch CPU, memory or traffic, not request rates",
        "group web: rule shrink: min_adjustment: Tencent has no minimum adjustment",
        "group web: scheduled task launch: Tencent scheduled actions set all of min, max and desired",
        "group web: alarm cpu-low: missing_data / evaluation_interval: CloudWatch's; Tencent checks consecutive periods",
        "group web: lifecycle hook bootstrap: not exported for Tencent yet (write it by hand)",
        "group web: no retry_policy: Tencent retries a scale-out short of stock (IMMEDIATE_RETRY by default) where this scenario drops desired; set retry_policy",
    ] {
        assert!(
            refused.iter().any(|line| line == expected),
            "{expected} not in {refused:#?}"
        );
    }
    let refused = terraform(&loaded.scenario, Provider::Alicloud, ROUND_TRIP).unwrap_err();
    assert!(refused.contains(&"scenario.rounding = \"aws\": ESS rounds percent adjustments to the nearest instance; set \"alibaba\"".to_string()), "{refused:#?}");
    assert!(refused.contains(&"group web: scheduled task lunch-up: timezone America/New_York: ESS reads a cron recurrence in UTC; write the task in \"UTC\"".to_string()), "{refused:#?}");
    // The command: exit 2, every refusal listed, nothing written.
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("main.tf");
    cargo_bin_cmd!("scaleplan")
        .args(["export", "terraform", ROUND_TRIP, "--provider", "tencentcloud", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: the tencentcloud provider cannot express 15 setting(s) of this scenario:\n  - scenario.cooldown_blocks"));
    assert!(!out.exists());
}

#[test]
fn the_lunch_peak_rules_run_by_schedule_are_refused_for_aws() {
    cargo_bin_cmd!("scaleplan")
        .args(["export", "terraform", "scenarios/lunch-peak.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("group ordering-servers: scheduled task lunch-up: it runs a rule or switches configurations; AWS scheduled actions set min, max and desired only"));
}

// `plan --export terraform`: the winning point's configuration, printed after the plan and
// written as plan.tf, parsing as HCL with the winner's values.
#[test]
fn plan_exports_the_winner_as_terraform() {
    let directory = tempfile::tempdir().unwrap();
    let output = cargo_bin_cmd!("scaleplan")
        .args([
            "plan",
            "scenarios/cc-attack.toml",
            "--max-violation",
            "0.1%",
            "--quiet",
            "--export",
            "terraform",
            "--out",
        ])
        .arg(directory.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let hcl_text = fs::read_to_string(directory.path().join("plan.tf")).unwrap();
    assert!(stdout.ends_with(&hcl_text), "{stdout}");
    assert!(stdout.contains("As Terraform for the aws provider (plan.tf with --out):"));
    let parsed: Value = hcl::from_str(&hcl_text).unwrap();
    // The pasted policy block and the HCL describe the same winner.
    let plan = fs::read_to_string(directory.path().join("plan.toml")).unwrap();
    let group = &parsed["resource"]["aws_autoscaling_group"]["web"];
    assert!(group["max_size"].is_number(), "{hcl_text}");
    let pasted: toml::Table = toml::from_str(&plan).unwrap();
    let planned = &pasted["policy"][0]["group"][0];
    for (key, argument) in [("max", "max_size"), ("min", "min_size")] {
        assert_eq!(
            group[argument].as_f64(),
            planned[key].as_integer().map(|value| value as f64),
            "{plan}\n{hcl_text}"
        );
    }
    // The swept settings: the winner's adjustment and threshold, not the file's.
    let named = |list: &str, name: &str| -> toml::Value {
        (planned[list].as_array().unwrap().iter())
            .find(|item| item["name"].as_str() == Some(name))
            .unwrap()
            .clone()
    };
    let resources = &parsed["resource"];
    assert_eq!(
        resources["aws_autoscaling_policy"]["web-add-four"]["scaling_adjustment"].as_f64(),
        named("rule", "add-four")["change"]
            .as_integer()
            .map(|value| value as f64)
    );
    assert_eq!(
        resources["aws_cloudwatch_metric_alarm"]["web-cpu-high"]["threshold"].as_f64(),
        named("alarm", "cpu-high")["above"].as_float()
    );
}

// Statistics and comparisons one cloud has and another lacks: an average request rate goes to
// CloudWatch as a Sum of counts (x period); equality exports to Tencent only; Sum and
// SampleCount to AWS only.
#[test]
fn statistics_and_comparisons_export_where_the_cloud_has_them() {
    let alarm = |extra: &str| {
        format!(
            "[scenario]\nname = \"t\"\nstart = \"2026-01-05T00:00:00+08:00\"\nduration = \"1d\"\ncooldown_blocks = \"all\"\n\n[instance_types.\"S5.MEDIUM4\"]\ncapacity_rps = 100\nprice_per_hour = 0.1\n\n[load]\nbase_rps = 100\n\n[[group]]\nname = \"web\"\ninstance_type = \"S5.MEDIUM4\"\nmin = 1\nmax = 10\nremoval_policy = \"oldest_instance\"\n\n[[group.rule]]\nname = \"up\"\nchange = 1\n\n[[group.alarm]]\nname = \"a\"\nperiod = \"5m\"\nperiods = 2\nrun = \"up\"\n{extra}\n"
        )
    };
    let load = |text: &str| scenario::load_str("t.toml", text, Path::new(".")).unwrap();
    // AWS: an average rate of 350/s over 5 minutes is a RequestCount Sum of 105000.
    let rate = load(
        &alarm("metric = \"request_rate\"\nevaluation_interval = \"1m\"\nabove = 350")
            .replace("cooldown_blocks = \"all\"\n", ""),
    );
    let parsed: Value =
        hcl::from_str(&terraform(&rate.scenario, Provider::Aws, "t").unwrap()).unwrap();
    let cloudwatch = &parsed["resource"]["aws_cloudwatch_metric_alarm"]["web-a"];
    assert_eq!(
        (&cloudwatch["statistic"], &cloudwatch["threshold"]),
        (&json!("Sum"), &json!(105000))
    );
    // Tencent: EQUAL_TO exports; AWS refuses it by name.
    let equal = load(&alarm("metric = \"cpu\"\nequal_to = 50"));
    let parsed: Value =
        hcl::from_str(&terraform(&equal.scenario, Provider::Tencentcloud, "t").unwrap()).unwrap();
    assert_eq!(
        parsed["resource"]["tencentcloud_as_scaling_policy"]["web-up"]["comparison_operator"],
        json!("EQUAL_TO")
    );
    let refused = terraform(&equal.scenario, Provider::Aws, "t").unwrap_err();
    assert!(
        refused.contains(
            &"group web: alarm a: comparison ==: CloudWatch has no equality operator".to_string()
        ),
        "{refused:#?}"
    );
    // SampleCount exports to AWS, not to Tencent.
    let count = load(
        &alarm("metric = \"cpu\"\nstatistic = \"sample_count\"\nevaluation_interval = \"1m\"\nat_or_above = 20")
            .replace("cooldown_blocks = \"all\"\n", ""),
    );
    let parsed: Value =
        hcl::from_str(&terraform(&count.scenario, Provider::Aws, "t").unwrap()).unwrap();
    assert_eq!(
        parsed["resource"]["aws_cloudwatch_metric_alarm"]["web-a"]["statistic"],
        json!("SampleCount")
    );
    let tencent = load(&alarm(
        "metric = \"cpu\"\nstatistic = \"sample_count\"\nat_or_above = 20",
    ));
    let refused = terraform(&tencent.scenario, Provider::Tencentcloud, "t").unwrap_err();
    assert!(refused.contains(&"group web: alarm a: statistic sample_count: Tencent alarms take Average, Maximum or Minimum".to_string()), "{refused:#?}");
}

// The warm pool exports as aws_autoscaling_group's warm_pool block (PutWarmPool) for AWS and
// as Tencent's WAKE_UP_STOPPED_SCALING; its start time and stopped price, the simulation's
// assumptions, are said in comments; a prepared pool has no Tencent form.
#[test]
fn warm_pools_export_where_the_cloud_has_them() {
    let loaded = scenario::load(Path::new("scenarios/warm-pool.toml")).unwrap();
    let reuse = loaded.policy("reuse").unwrap();
    let text = terraform(reuse, Provider::Aws, "warm-pool.toml").unwrap();
    let parsed: Value = hcl::from_str(&text).unwrap();
    let warm = &parsed["resource"]["aws_autoscaling_group"]["shop"]["warm_pool"];
    assert_eq!(
        (
            &warm["pool_state"],
            &warm["min_size"],
            &warm["max_group_prepared_capacity"],
            &warm["instance_reuse_policy"]["reuse_on_scale_in"]
        ),
        (&json!("Stopped"), &json!(0), &json!(16), &json!(true))
    );
    let comment = "# simulated with warm pool instances starting in 40 s and billed 0.012 per hour stopped: measured, not configured";
    assert!(text.contains(comment), "{text}");
    // Tencent's stopped scaling, simulated with Tencent's cooldown semantics, is its mode.
    let mut tencent = loaded.policy("tencent").unwrap().clone();
    tencent.cooldown_blocks = scaleplan::model::CooldownBlocks::All;
    let text = terraform(&tencent, Provider::Tencentcloud, "warm-pool.toml").unwrap();
    let parsed: Value = hcl::from_str(&text).unwrap();
    assert_eq!(
        parsed["resource"]["tencentcloud_as_scaling_group"]["shop"]["scaling_mode"],
        json!("WAKE_UP_STOPPED_SCALING")
    );
    let refused = terraform(reuse, Provider::Tencentcloud, "warm-pool.toml").unwrap_err();
    assert!(refused.contains(&"group shop: warm_pool fill = \"prepared\": Tencent has no prepared pool (its WAKE_UP_STOPPED_SCALING is fill = \"scale_in\")".to_string()), "{refused:#?}");
}

// Zones: AWS's distribution strategy and AZRebalance (suspended when the scenario does not
// rebalance), Tencent's MultiZoneSubnetPolicy, ESS's MultiAZPolicy; what a cloud lacks is
// refused; the zones are named for the subnets to cover.
#[test]
fn zones_export_where_the_cloud_has_them() {
    // Tencent's own semantics (cooldown, retry) where it is the target.
    let load = |policy: &str, rebalance: bool, tencent: bool| {
        let text = format!(
            "[scenario]\nname = \"z\"\nstart = \"2026-01-05T00:00:00+00:00\"\nduration = \"1h\"\n{}\n[instance_types.m5]\ncapacity_rps = 100\nprice_per_hour = 0.1\n[load]\nbase_rps = 50\n[[group]]\nname = \"web\"\ninstance_type = \"m5\"\nzones = [\"us-east-1a\", \"us-east-1b\"]\nzone_policy = \"{policy}\"\nzone_rebalance = {rebalance}\nmin = 1\nmax = 4\n{}",
            if tencent {
                "cooldown_blocks = \"all\""
            } else {
                ""
            },
            if tencent {
                "retry_policy = \"immediate_retry\"\nretry_intervals = [\"1m\"]\n"
            } else {
                ""
            },
        );
        scenario::load_str("z.toml", &text, Path::new("."))
            .unwrap()
            .scenario
    };
    let group = |hcl: &str, resource: &str| -> Value {
        let parsed: Value = hcl::from_str(hcl).unwrap();
        parsed["resource"][resource]["web"].clone()
    };
    // AWS: balanced-only, not rebalancing.
    let hcl = terraform(
        &load("balanced_only", false, false),
        Provider::Aws,
        "z.toml",
    )
    .unwrap();
    let asg = group(&hcl, "aws_autoscaling_group");
    assert_eq!(
        asg["availability_zone_distribution"]["capacity_distribution_strategy"],
        json!("balanced-only")
    );
    assert_eq!(asg["suspended_processes"], json!(["AZRebalance"]));
    assert!(
        hcl.contains("# simulated in zone(s) us-east-1a, us-east-1b: `subnet_ids` must hold one in each, in this order"),
        "{hcl}"
    );
    // Rebalancing: nothing suspended.
    let hcl = terraform(&load("balanced", true, false), Provider::Aws, "z.toml").unwrap();
    assert_eq!(
        group(&hcl, "aws_autoscaling_group")["suspended_processes"],
        Value::Null
    );
    // AWS has no priority zones.
    let refused = terraform(&load("priority", false, false), Provider::Aws, "z.toml").unwrap_err();
    assert!(
        refused
            .iter()
            .any(|what| what.contains("zone_policy \"priority\": AWS always balances")),
        "{refused:#?}"
    );
    // Tencent: EQUALITY; no rebalancing.
    let hcl = terraform(
        &load("balanced", false, true),
        Provider::Tencentcloud,
        "z.toml",
    )
    .unwrap();
    assert_eq!(
        group(&hcl, "tencentcloud_as_scaling_group")["multi_zone_subnet_policy"],
        json!("EQUALITY")
    );
    let refused = terraform(
        &load("balanced", true, true),
        Provider::Tencentcloud,
        "z.toml",
    )
    .unwrap_err();
    assert!(
        refused
            .contains(&"group web: zone_rebalance: Tencent does not rebalance zones".to_string()),
        "{refused:#?}"
    );
    // ESS: PRIORITY.
    let hcl = terraform(
        &load("priority", false, false),
        Provider::Alicloud,
        "z.toml",
    )
    .unwrap();
    assert_eq!(
        group(&hcl, "alicloud_ess_scaling_group")["multi_az_policy"],
        json!("PRIORITY")
    );
}

// A scheduled action that sets only min must not zero max and desired when applied: the aws
// provider sends an omitted size as 0 and leaves a size unchanged only at -1.
#[test]
fn aws_schedules_write_the_sizes_they_leave_alone_as_minus_one() {
    let output = crate::common::scaleplan()
        .args([
            "export",
            "terraform",
            "scenarios/wechat-lite-app.toml",
            "--policy",
            "scheduled",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let value: Value = hcl::from_str(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    let schedules = value["resource"]["aws_autoscaling_schedule"]
        .as_object()
        .unwrap_or_else(|| panic!("{text}"));
    let mut unchanged = 0;
    for (name, action) in schedules {
        for key in ["min_size", "max_size", "desired_capacity"] {
            let size = action[key]
                .as_i64()
                .unwrap_or_else(|| panic!("{name}: {key} is written: {action}"));
            assert!(size >= -1, "{name}: {key} = {size}");
            unchanged += usize::from(size == -1);
        }
    }
    assert!(
        unchanged > 0,
        "wechat-lite-app's schedules set only some sizes:\n{text}"
    );
}
