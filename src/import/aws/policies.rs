//! AWS scaling policies (with the CloudWatch alarms that run them) and scheduled actions.

use super::*;

/// A scaling policy as a rule, with the alarms that run it.
pub(super) fn import_policy(
    policy: &Node<'_>,
    group: &Node<'_>,
    alarms: &[Node<'_>],
    alarm_used: &mut [bool],
    imported: &mut GroupDraft,
) {
    let name = policy.text("PolicyName").unwrap_or("policy").to_string();
    if policy.boolean("Enabled") == Some(false) {
        policy.not_mapped("a disabled policy never runs");
        return;
    }
    let kind = policy.text("PolicyType").unwrap_or("SimpleScaling");
    let mut rule = Table::new("[[group.rule]]");
    rule.set("name", quoted(&name), policy.get("PolicyName").as_ref());
    // An identifier: alarms are matched by it or by the names their actions spell out.
    let arn = policy.value.get("PolicyARN").and_then(Value::as_str);
    // The alarms that run it: named by the policy, or naming the policy in their actions.
    let listed: Vec<String> = policy
        .items("Alarms", None)
        .iter()
        .filter_map(|alarm| {
            alarm.read("AlarmARN");
            alarm.text("AlarmName").map(str::to_string)
        })
        .collect();
    let group_name = imported.name.clone();
    let runs: Vec<usize> = alarms
        .iter()
        .enumerate()
        .filter(|(_, alarm)| {
            let alarm_name = alarm
                .value
                .get("AlarmName")
                .and_then(Value::as_str)
                .unwrap_or("");
            listed.iter().any(|listed| listed == alarm_name)
                || alarm
                    .value
                    .get("AlarmActions")
                    .and_then(Value::as_array)
                    .is_some_and(|actions| {
                        actions.iter().filter_map(Value::as_str).any(|action| {
                            Some(action) == arn
                                || (action.contains(&format!("autoScalingGroupName/{group_name}:"))
                                    && action.ends_with(&format!("policyName/{name}")))
                        })
                    })
        })
        .map(|(index, _)| index)
        .collect();
    match kind {
        "SimpleScaling" | "StepScaling" => {
            let step = kind == "StepScaling";
            let (key, whole) = match policy.text("AdjustmentType").unwrap_or("ChangeInCapacity") {
                "PercentChangeInCapacity" => ("change_percent", false),
                "ExactCapacity" => ("set", true),
                "ChangeInCapacity" => ("change", true),
                other => {
                    policy.not_mapped(format!("unknown adjustment type {other}"));
                    return;
                }
            };
            if step {
                rule.set("type", quoted("step"), policy.get("PolicyType").as_ref());
                rule.set(
                    "steps",
                    steps(&policy.items("StepAdjustments", None), key, whole),
                    policy.get("StepAdjustments").as_ref(),
                );
                let warmup = policy
                    .get("EstimatedInstanceWarmup")
                    .or_else(|| group.get("DefaultInstanceWarmup"));
                if let Some(node) = warmup {
                    node.mapped();
                    rule.set(
                        "warmup",
                        seconds(node.value.as_f64().unwrap_or(0.0)),
                        Some(&node),
                    );
                }
                policy.skip(
                    "Cooldown",
                    "step policies have no cooldown (AWS ignores it)",
                );
            } else {
                policy.read("PolicyType");
                let value = policy.number("ScalingAdjustment").unwrap_or(0.0);
                rule.from(key, adjustment(value, whole), policy, "ScalingAdjustment");
                if let Some(cooldown) = policy.seconds("Cooldown") {
                    rule.from("cooldown", seconds(cooldown), policy, "Cooldown");
                }
                policy.skip("EstimatedInstanceWarmup", "simple policies have no warmup");
            }
            policy.read("AdjustmentType");
            if key == "change_percent" {
                let magnitude = policy
                    .get("MinAdjustmentMagnitude")
                    .or_else(|| policy.get("MinAdjustmentStep"));
                if let Some(node) = magnitude {
                    node.mapped();
                    rule.set(
                        "min_adjustment",
                        number(node.value.as_f64().unwrap_or(0.0)),
                        Some(&node),
                    );
                }
            }
            policy.skip(
                "MetricAggregationType",
                "the alarm's own Statistic decides (imported with the alarm)",
            );
            imported.children.push(rule);
            if runs.is_empty() {
                policy.approximated("imported as a rule, but no alarm runs it (none in its `Alarms` nor in an alarm's `AlarmActions`; pass --alarms): it never fires");
            }
            for index in runs {
                let again = alarm_used[index];
                alarm_used[index] = true;
                let alarm = &alarms[index];
                match alarm_task(alarm, &name, &group_name, again) {
                    Ok(table) => imported.children.push(table),
                    Err(why) => alarm.not_mapped(why),
                }
            }
        }
        "TargetTrackingScaling" => {
            policy.read("PolicyType");
            for index in runs {
                alarm_used[index] = true;
                alarms[index]
                    .ignored("an alarm a target tracking policy creates (its rule models it)");
            }
            let Some(configuration) = policy.get("TargetTrackingConfiguration") else {
                policy.not_mapped("a target tracking policy without its configuration");
                return;
            };
            let predefined = configuration.get("PredefinedMetricSpecification");
            let metric = predefined
                .as_ref()
                .and_then(|node| node.text("PredefinedMetricType"));
            let target = configuration.number("TargetValue").unwrap_or(50.0);
            let (metric, value, note) = match metric {
                Some("ASGAverageCPUUtilization") => (Metric::Cpu.as_str(), target, None),
                Some("ALBRequestCountPerTarget") => (
                    Metric::RequestsPerInstance.as_str(),
                    target / 60.0,
                    Some(format!(
                        "ALBRequestCountPerTarget {} requests per target per minute = {} / 60 per second",
                        number(target),
                        number(target)
                    )),
                ),
                Some(other) => {
                    policy.not_mapped(format!("target tracking on {other}: only ASGAverageCPUUtilization and ALBRequestCountPerTarget are modelled"));
                    return;
                }
                None => {
                    policy.not_mapped("target tracking on a customized metric: only CPU and ALB request count per target are modelled");
                    return;
                }
            };
            rule.set(
                "type",
                quoted("target_tracking"),
                policy.get("PolicyType").as_ref(),
            );
            rule.set(
                "metric",
                quoted(metric),
                predefined
                    .as_ref()
                    .and_then(|node| node.get("PredefinedMetricType"))
                    .as_ref(),
            );
            rule.set(
                "target",
                number(value),
                configuration.get("TargetValue").as_ref(),
            );
            if let Some(note) = note {
                rule.note(note);
            }
            if let Some(flag) = configuration.boolean("DisableScaleIn") {
                rule.set(
                    "disable_scale_in",
                    flag.to_string(),
                    configuration.get("DisableScaleIn").as_ref(),
                );
            }
            let warmup = policy
                .get("EstimatedInstanceWarmup")
                .or_else(|| group.get("DefaultInstanceWarmup"));
            if let Some(node) = warmup {
                node.mapped();
                rule.set(
                    "warmup",
                    seconds(node.value.as_f64().unwrap_or(0.0)),
                    Some(&node),
                );
            }
            imported.children.push(rule);
        }
        "PredictiveScaling" => {
            policy.read("PolicyType");
            let Some(configuration) = policy.get("PredictiveScalingConfiguration") else {
                policy.not_mapped("a predictive policy without its configuration");
                return;
            };
            let specifications = configuration.items("MetricSpecifications", None);
            let Some(specification) = specifications.first() else {
                policy.not_mapped("a predictive policy without a metric specification");
                return;
            };
            let pair = specification
                .get("PredefinedMetricPairSpecification")
                .and_then(|pair| pair.text("PredefinedMetricType"));
            if pair != Some("ASGCPUUtilization") {
                policy.not_mapped(format!(
                    "predictive scaling on {}: only the ASGCPUUtilization metric pair is modelled",
                    pair.unwrap_or("a customized metric")
                ));
                return;
            }
            for extra in &specifications[1..] {
                extra.not_mapped("only the first metric specification is modelled");
            }
            let target = specification.number("TargetValue").unwrap_or(50.0);
            let mode = match configuration.text("Mode") {
                Some("ForecastAndScale") => "forecast_and_scale",
                _ => "forecast_only",
            };
            let buffer = configuration
                .number("SchedulingBufferTime")
                .unwrap_or(300.0);
            rule.set(
                "type",
                quoted("predictive"),
                policy.get("PolicyType").as_ref(),
            );
            rule.set(
                "target",
                number(target),
                specification.get("TargetValue").as_ref(),
            );
            rule.set("mode", quoted(mode), configuration.get("Mode").as_ref());
            if configuration.get("Mode").is_none() {
                rule.note("AWS's default mode is ForecastOnly");
            }
            rule.set(
                "buffer",
                seconds(buffer),
                configuration.get("SchedulingBufferTime").as_ref(),
            );
            match configuration.text("MaxCapacityBreachBehavior") {
                None => configuration.skip(
                    "MaxCapacityBuffer",
                    "only used with IncreaseMaxCapacity (the default is HonorMaxCapacity)",
                ),
                Some("HonorMaxCapacity") => {
                    rule.from(
                        "max_capacity_breach",
                        quoted("honor"),
                        &configuration,
                        "MaxCapacityBreachBehavior",
                    );
                    configuration.skip("MaxCapacityBuffer", "only used with IncreaseMaxCapacity");
                }
                Some("IncreaseMaxCapacity") => {
                    rule.from(
                        "max_capacity_breach",
                        quoted("increase"),
                        &configuration,
                        "MaxCapacityBreachBehavior",
                    );
                    if let Some(buffer) = configuration.number("MaxCapacityBuffer") {
                        rule.from(
                            "max_capacity_buffer",
                            number(buffer),
                            &configuration,
                            "MaxCapacityBuffer",
                        );
                    }
                }
                Some(other) => configuration
                    .get("MaxCapacityBreachBehavior")
                    .unwrap()
                    .not_mapped(format!("unknown max capacity breach behavior {other}")),
            }
            imported.children.push(rule);
        }
        other => policy.not_mapped(format!("policy type {other} is not modelled")),
    }
}

/// A CloudWatch alarm as an alarm task running `rule`.
/// `again`: the alarm already runs another policy, so this task's name adds the rule's.
pub(super) fn alarm_task(
    alarm: &Node<'_>,
    rule: &str,
    group: &str,
    again: bool,
) -> Result<Table, String> {
    if alarm.boolean("ActionsEnabled") == Some(false) {
        return Err("its actions are disabled: it never runs a policy".into());
    }
    alarm.read("AlarmActions");
    alarm.skip("OKActions", "OK actions are not modelled");
    alarm.skip(
        "InsufficientDataActions",
        "insufficient-data actions are not modelled",
    );
    if alarm.has("Metrics") {
        return Err("a metric math alarm: not modelled".into());
    }
    if alarm.has("ExtendedStatistic") {
        return Err("a percentile statistic (ExtendedStatistic): not modelled".into());
    }
    let namespace = alarm
        .value
        .get("Namespace")
        .and_then(Value::as_str)
        .unwrap_or("AWS/EC2");
    let metric_name = alarm
        .value
        .get("MetricName")
        .and_then(Value::as_str)
        .unwrap_or("");
    let statistic = alarm
        .value
        .get("Statistic")
        .and_then(Value::as_str)
        .unwrap_or("Average");
    let period = alarm
        .value
        .get("Period")
        .and_then(Value::as_f64)
        .unwrap_or(300.0);
    // The dimensions must be the group's own (CPU) or a load balancer's (request counts).
    let dimensions: Vec<(String, String)> = alarm
        .value
        .get("Dimensions")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|dimension| {
                    let text = |key| {
                        dimension
                            .get(key)
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string()
                    };
                    (text("Name"), text("Value"))
                })
                .collect()
        })
        .unwrap_or_default();
    let (metric, scale, note) = match (namespace, metric_name) {
        ("AWS/EC2", "CPUUtilization") => {
            if dimensions
                .iter()
                .any(|(key, value)| key != "AutoScalingGroupName" || value != group)
            {
                return Err(format!(
                    "CPUUtilization of something other than the group {group} (its Dimensions)"
                ));
            }
            let statistic = word(alarm, "Statistic", "Average", STATISTICS)?;
            ((quoted(Metric::Cpu.as_str()), quoted(statistic)), 1.0, None)
        }
        ("AWS/ApplicationELB", "RequestCount" | "RequestCountPerTarget") => {
            if statistic != "Sum" {
                return Err(format!(
                    "statistic {statistic} of {metric_name}: only Sum (the requests of each period) is modelled"
                ));
            }
            let metric = if metric_name == "RequestCount" {
                Metric::RequestRate.as_str()
            } else {
                Metric::RequestsPerInstance.as_str()
            };
            (
                (quoted(metric), quoted(Statistic::Sum.as_str())),
                1.0,
                Some(format!(
                    "{metric_name} Sum: the requests of each {} s period, as CloudWatch counts them",
                    number(period)
                )),
            )
        }
        (namespace, "") => return Err(format!("no metric name (namespace {namespace})")),
        (namespace, other) => {
            return Err(format!(
                "metric {namespace} {other}: only AWS/EC2 CPUUtilization and AWS/ApplicationELB RequestCount / RequestCountPerTarget are modelled"
            ));
        }
    };
    let comparison = word(alarm, "ComparisonOperator", "", COMPARISONS)?;
    let threshold = alarm
        .value
        .get("Threshold")
        .and_then(Value::as_f64)
        .ok_or("no threshold")?;
    let periods = alarm
        .value
        .get("EvaluationPeriods")
        .and_then(Value::as_f64)
        .unwrap_or(1.0);
    // Read everything now that it maps.
    for key in [
        "Namespace",
        "MetricName",
        "Statistic",
        "Dimensions",
        "ComparisonOperator",
    ] {
        alarm.read(key);
    }
    if namespace == "AWS/ApplicationELB"
        && let Some(dimensions) = alarm.get("Dimensions")
    {
        dimensions.approximated(
            "the load balancer or target group it watches is taken to carry the group's load (its load_share)",
        );
    }
    let alarm_name = alarm.text("AlarmName").unwrap_or("alarm");
    let mut table = Table::new("[[group.alarm]]");
    let task = if again {
        format!("{alarm_name}-{rule}")
    } else {
        alarm_name.to_string()
    };
    table.set("name", quoted(&task), alarm.get("AlarmName").as_ref());
    if again {
        table.note("the alarm also runs another policy: one task per policy");
    }
    table.set("metric", metric.0, alarm.get("MetricName").as_ref());
    table.set("statistic", metric.1, alarm.get("Statistic").as_ref());
    table.from("period", seconds(period), alarm, "Period");
    table.from("periods", number(periods), alarm, "EvaluationPeriods");
    // CloudWatch "M out of N": DatapointsToAlarm breaching datapoints among the last
    // EvaluationPeriods (absent or equal: all of them).
    if let Some(datapoints) = alarm.number("DatapointsToAlarm")
        && datapoints < periods
    {
        table.from("datapoints", number(datapoints), alarm, "DatapointsToAlarm");
    }
    table.from(comparison, number(threshold * scale), alarm, "Threshold");
    if let Some(note) = note {
        table.note(note);
    }
    table.set("run", quoted(rule), alarm.get("AlarmActions").as_ref());
    // CloudWatch user guide, "Evaluating an alarm": every minute over the last Period.
    if period > 60.0 {
        table
            .set(
                "evaluation_interval",
                quoted("1m"),
                alarm.get("Period").as_ref(),
            )
            .note("CloudWatch evaluates an alarm every minute over its last Period");
    }
    // TreatMissingData, CloudWatch's default `missing` when absent.
    let treatment = match alarm.text("TreatMissingData") {
        None | Some("missing") => Some("missing"),
        Some("ignore") => Some("ignore"),
        Some("breaching") => Some("breaching"),
        Some("notBreaching") => Some("not_breaching"),
        Some(_) => None,
    };
    match treatment {
        Some(treatment) => {
            table.from("missing_data", quoted(treatment), alarm, "TreatMissingData");
        }
        None => {
            let node = alarm.get("TreatMissingData").unwrap();
            let other = alarm.text("TreatMissingData").unwrap_or_default();
            node.not_mapped(format!(
                "TreatMissingData {other}: not one of missing, ignore, breaching, notBreaching"
            ));
        }
    }
    alarm.skip(
        "EvaluateLowSampleCountPercentile",
        "percentile alarms are not modelled",
    );
    alarm.skip("ThresholdMetricId", "metric math alarms are not modelled");
    Ok(table)
}

/// A scheduled action as a scheduled task setting the group's sizes.
pub(super) fn import_action(action: &Node<'_>, settings: &ImportSettings) -> Option<Table> {
    let name = action.text("ScheduledActionName").unwrap_or("scheduled");
    let mut table = Table::new("[[group.scheduled]]");
    table.set(
        "name",
        quoted(name),
        action.get("ScheduledActionName").as_ref(),
    );
    match action.text("Recurrence") {
        Some(cron) => {
            table.from("cron", quoted(cron), action, "Recurrence");
            let zone = action.text("TimeZone").unwrap_or("UTC");
            table.set("timezone", quoted(zone), action.get("TimeZone").as_ref());
            if action.get("TimeZone").is_none() {
                table.note("no TimeZone: AWS runs the recurrence in UTC");
            }
            if let Some(start) = action.text("StartTime")
                && crate::import::fires_before(cron, zone, start, settings)
            {
                action.get("StartTime").unwrap().approximated("the recurrence begins at StartTime, after the run's start; scaleplan also runs its firings before then");
            }
            if let Some(end) = action.text("EndTime") {
                table.from("end", quoted(end), action, "EndTime");
            }
        }
        None => {
            let at = action.text("StartTime").or_else(|| action.text("Time"))?;
            if !crate::import::within_run(at, settings) {
                action.not_mapped(format!(
                    "a one-time action at {at}, outside the simulated run"
                ));
                return None;
            }
            table.from("at", quoted(at), action, "StartTime");
        }
    }
    let fields = [
        ("min", "MinSize"),
        ("max", "MaxSize"),
        ("desired", "DesiredCapacity"),
    ];
    sizes(&mut table, action, fields, "a scheduled action").then_some(table)
}
