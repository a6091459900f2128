//! Tencent scaling policies, Cloud Monitor alarm policies that run them, and scheduled actions.

use super::*;

/// An alarm policy (SIMPLE, with its embedded MetricAlarm) or a TARGET_TRACKING policy;
/// returns the rule's name when it is a simple rule (Cloud Monitor alarms may run it too).
pub(super) fn import_policy(policy: &Node<'_>, imported: &mut GroupDraft) -> Option<String> {
    let name = policy
        .text("ScalingPolicyName")
        .unwrap_or("policy")
        .to_string();
    let mut rule = Table::new("[[group.rule]]");
    rule.set(
        "name",
        quoted(&name),
        policy.get("ScalingPolicyName").as_ref(),
    );
    match policy.text("ScalingPolicyType").unwrap_or("SIMPLE") {
        "SIMPLE" => {
            let (key, whole) = match policy
                .text("AdjustmentType")
                .unwrap_or("CHANGE_IN_CAPACITY")
            {
                "PERCENT_CHANGE_IN_CAPACITY" => {
                    policy.get("AdjustmentType").unwrap().approximated(
                        "Tencent does not document its percent rounding: scaleplan rounds as AWS (toward zero, at least 1)",
                    );
                    ("change_percent", false)
                }
                "EXACT_CAPACITY" => ("set", true),
                "CHANGE_IN_CAPACITY" => ("change", true),
                other => {
                    policy.not_mapped(format!("unknown adjustment type {other}"));
                    return None;
                }
            };
            let value = policy.number("AdjustmentValue").unwrap_or(0.0);
            rule.from(key, adjustment(value, whole), policy, "AdjustmentValue");
            // CreateScalingPolicy: Cooldown defaults to 300 s.
            let cooldown = policy.seconds("Cooldown").unwrap_or(300.0);
            rule.from("cooldown", seconds(cooldown), policy, "Cooldown");
            if policy.get("Cooldown").is_none() {
                rule.note("no Cooldown: Tencent's default, 300 s (CreateScalingPolicy)");
            }
            policy.read("ScalingPolicyType");
            policy.skip("EstimatedInstanceWarmup", "alarm policies have no warmup");
            let Some(alarm) = policy.get("MetricAlarm") else {
                policy.approximated(
                    "imported as a rule; it has no MetricAlarm: only a Cloud Monitor alarm (--alarms) can run it",
                );
                imported.children.push(rule);
                return Some(name);
            };
            imported.children.push(rule);
            match alarm_task(&alarm, &name) {
                Ok(task) => imported.children.push(task),
                Err(why) => {
                    alarm.not_mapped(format!("{why}; the rule is imported but never fires"));
                }
            }
            Some(name)
        }
        "TARGET_TRACKING" => {
            policy.read("ScalingPolicyType");
            let metric = policy.text("PredefinedMetricType");
            if metric != Some("ASG_AVG_CPU_UTILIZATION") {
                policy.not_mapped(format!(
                    "target tracking on {}: only ASG_AVG_CPU_UTILIZATION is modelled",
                    metric.unwrap_or("no metric")
                ));
                return None;
            }
            rule.set(
                "type",
                quoted("target_tracking"),
                policy.get("ScalingPolicyType").as_ref(),
            );
            rule.set(
                "metric",
                quoted(Metric::Cpu.as_str()),
                policy.get("PredefinedMetricType").as_ref(),
            );
            rule.from(
                "target",
                number(policy.number("TargetValue").unwrap_or(50.0)),
                policy,
                "TargetValue",
            );
            // CreateScalingPolicy: EstimatedInstanceWarmup defaults to 300 s, as scaleplan's.
            if let Some(warmup) = policy.seconds("EstimatedInstanceWarmup") {
                rule.from("warmup", seconds(warmup), policy, "EstimatedInstanceWarmup");
            }
            if let Some(flag) = policy.boolean("DisableScaleIn") {
                rule.from(
                    "disable_scale_in",
                    flag.to_string(),
                    policy,
                    "DisableScaleIn",
                );
            }
            policy.get("ScalingPolicyType").unwrap().approximated(
                "Tencent does not document its target tracking alarms' periods: modelled as AWS's (3 one-minute periods out, 15 in, low threshold 0.9 x target)",
            );
            if let Some(alarms) = policy.get("MetricAlarms") {
                alarms.ignored("alarms a target tracking policy creates (its rule models them)");
            }
            for key in [
                "Cooldown",
                "AdjustmentType",
                "AdjustmentValue",
                "MetricAlarm",
            ] {
                policy.skip(key, "not used by a target tracking policy");
            }
            imported.children.push(rule);
            None
        }
        other => {
            policy.not_mapped(format!("policy type {other} is not modelled"));
            None
        }
    }
}

/// A Cloud Monitor alarm policy whose trigger tasks (`Type` "AS", `TaskConfig` naming the
/// group and policy; tencentcloud_monitor_alarm_policy `trigger_tasks`) run simple scaling
/// policies of the group `group_id`, as alarm tasks; whether it belongs to the group.
pub(super) fn monitor_alarm(
    alarm: &Node<'_>,
    group_id: &str,
    rules: &[(String, String, Node<'_>)],
    imported: &mut GroupDraft,
) -> bool {
    let tasks = alarm.items("TriggerTasks", None);
    let runs: Vec<(Node<'_>, &str)> = tasks
        .iter()
        .filter_map(|task| {
            if task.value.get("Type").and_then(Value::as_str) != Some("AS") {
                return None;
            }
            let config: Value = serde_json::from_str(task.value.get("TaskConfig")?.as_str()?).ok()?;
            if config.get("Group").and_then(Value::as_str) != Some(group_id) {
                return None;
            }
            let policy = config.get("Policy").and_then(Value::as_str)?;
            match rules.iter().find(|(id, _, _)| id == policy) {
                Some((_, rule, node)) => {
                    node.read("AutoScalingPolicyId");
                    Some((task.clone(), rule.as_str()))
                }
                None => {
                    task.not_mapped(format!("triggers the scaling policy {policy}, which is not an imported simple policy"));
                    None
                }
            }
        })
        .collect();
    let ours = tasks.iter().any(|task| {
        task.value
            .get("TaskConfig")
            .and_then(Value::as_str)
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .is_some_and(|config| config.get("Group").and_then(Value::as_str) == Some(group_id))
    });
    if !ours {
        return false;
    }
    let name = alarm
        .text("PolicyName")
        .unwrap_or("monitor-alarm")
        .to_string();
    match alarm.number("Enable") {
        None | Some(1.0) => {}
        Some(0.0) => {
            alarm.not_mapped("a disabled alarm policy never runs");
            return true;
        }
        Some(other) => {
            alarm.not_mapped(format!("unknown Enable value {other}"));
            return true;
        }
    }
    match alarm.value.get("Namespace").and_then(Value::as_str) {
        None | Some("cvm_device") => alarm.read("Namespace"),
        Some(other) => {
            alarm.not_mapped(format!(
                "namespace {other}: only cvm_device (CVM metrics) is modelled"
            ));
            return true;
        }
    }
    let Some(condition) = alarm.get("Condition") else {
        alarm.not_mapped("no metric condition (event alarms are not modelled)");
        return true;
    };
    let rules_of = condition.items("Rules", None);
    let [rule] = rules_of.as_slice() else {
        alarm.not_mapped(format!(
            "{} metric rules: only one is modelled",
            rules_of.len()
        ));
        return true;
    };
    condition.ignore("IsUnionRule", "with one rule, all or any are the same");
    let metric = rule
        .value
        .get("MetricName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if metric != "CpuUsage" {
        alarm.not_mapped(format!(
            "alarm on {metric}: only CpuUsage (cvm_device) is modelled"
        ));
        return true;
    }
    let (comparison, statistic) = match rule
        .value
        .get("Operator")
        .and_then(Value::as_str)
        .unwrap_or("")
    {
        "gt" => ("above", Statistic::Maximum.as_str()),
        "ge" => ("at_or_above", Statistic::Maximum.as_str()),
        "lt" => ("below", Statistic::Minimum.as_str()),
        "le" => ("at_or_below", Statistic::Minimum.as_str()),
        other => {
            alarm.not_mapped(format!(
                "operator {other}: not modelled (scaleplan compares above or below a threshold)"
            ));
            return true;
        }
    };
    let Some(threshold) = rule.number("Value") else {
        alarm.not_mapped("no threshold");
        return true;
    };
    for key in ["MetricName", "Operator"] {
        rule.read(key);
    }
    alarm.ignore("MonitorType", "notification settings");
    rule.get("MetricName").unwrap().approximated(
        "Cloud Monitor alarms on each bound instance; scaleplan fires when the busiest (above) or idlest (below) instance's CPU meets it, its maximum or minimum over the group",
    );
    for (task, rule_name) in runs {
        task.mapped();
        let mut table = Table::new("[[group.alarm]]");
        table.set(
            "name",
            quoted(&format!("{name}-{rule_name}")),
            alarm.get("PolicyName").as_ref(),
        );
        table.set(
            "metric",
            quoted(Metric::Cpu.as_str()),
            rule.get("MetricName").as_ref(),
        );
        table.set(
            "statistic",
            quoted(statistic),
            rule.get("Operator").as_ref(),
        );
        table.note(
            "any bound instance meeting the rule: the group's maximum (above) or minimum (below)",
        );
        table.from(
            "period",
            seconds(rule.number("Period").unwrap_or(60.0)),
            rule,
            "Period",
        );
        table.from(
            "periods",
            number(rule.number("ContinuePeriod").unwrap_or(1.0)),
            rule,
            "ContinuePeriod",
        );
        table.set(comparison, number(threshold), rule.get("Value").as_ref());
        table.set("run", quoted(rule_name), Some(&task));
        imported.children.push(table);
    }
    for key in ["NoticeFrequency", "IsPowerNotice"] {
        rule.ignore(key, "notification settings");
    }
    true
}

/// A policy's MetricAlarm as an alarm task running `rule`.
pub(super) fn alarm_task(alarm: &Node<'_>, rule: &str) -> Result<Table, String> {
    let metric = alarm
        .value
        .get("MetricName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if metric != "CPU_UTILIZATION" {
        return Err(format!(
            "alarm on {metric}: only CPU_UTILIZATION is modelled"
        ));
    }
    let comparison = word(alarm, "ComparisonOperator", "", COMPARISONS)?;
    let statistic = word(alarm, "Statistic", "AVERAGE", STATISTICS)?;
    for key in ["MetricName", "ComparisonOperator", "Statistic"] {
        alarm.read(key);
    }
    let mut table = Table::new("[[group.alarm]]");
    table.set(
        "name",
        quoted(&format!("{rule}-alarm")),
        alarm.get("MetricName").as_ref(),
    );
    table.note("Tencent embeds the alarm in the policy: named after it");
    table.set(
        "metric",
        quoted(Metric::Cpu.as_str()),
        alarm.get("MetricName").as_ref(),
    );
    table.set(
        "statistic",
        quoted(statistic),
        alarm.get("Statistic").as_ref(),
    );
    let period = alarm.number("Period").unwrap_or(60.0);
    table.from("period", seconds(period), alarm, "Period");
    table.from(
        "periods",
        number(alarm.number("ContinuousTime").unwrap_or(1.0)),
        alarm,
        "ContinuousTime",
    );
    // PreciseThreshold carries the decimals Threshold (an integer) drops.
    let threshold = match alarm.number("PreciseThreshold") {
        Some(precise) => {
            alarm.ignore(
                "Threshold",
                "the integer form of PreciseThreshold, which is used",
            );
            table.from(comparison, number(precise), alarm, "PreciseThreshold");
            precise
        }
        None => {
            let value = alarm.number("Threshold").ok_or("no threshold")?;
            table.from(comparison, number(value), alarm, "Threshold");
            value
        }
    };
    let _ = threshold;
    table.set("run", quoted(rule), None);
    Ok(table)
}

/// A scheduled action setting the group's sizes.
pub(super) fn import_action(action: &Node<'_>, settings: &ImportSettings) -> Option<Table> {
    let name = action.text("ScheduledActionName").unwrap_or("scheduled");
    let mut table = Table::new("[[group.scheduled]]");
    table.set(
        "name",
        quoted(name),
        action.get("ScheduledActionName").as_ref(),
    );
    let start = action.text("StartTime");
    match action.text("Recurrence") {
        Some(cron) => {
            table.from("cron", quoted(cron), action, "Recurrence");
            let zone = start.map_or("UTC".to_string(), zone_of);
            table.set("timezone", quoted(&zone), action.get("StartTime").as_ref());
            action.get("Recurrence").unwrap().approximated(format!(
                "the API does not state the recurrence's time zone: taken from StartTime's offset ({zone})"
            ));
            if let Some(start) = start
                && crate::import::fires_before(cron, &zone, start, settings)
            {
                action.get("StartTime").unwrap().approximated("the recurrence begins at StartTime, after the run's start; scaleplan also runs its firings before then");
            }
            if let Some(end) = action.text("EndTime") {
                table.from("end", quoted(end), action, "EndTime");
            }
        }
        None => {
            let at = start?;
            if !crate::import::within_run(at, settings) {
                action.not_mapped(format!(
                    "a one-time action at {at}, outside the simulated run"
                ));
                return None;
            }
            table.from("at", quoted(at), action, "StartTime");
            action.read("EndTime");
        }
    }
    let keep_desired = action.boolean("DisableUpdateDesiredCapacity") == Some(true);
    for (key, field) in [
        ("min", "MinSize"),
        ("max", "MaxSize"),
        ("desired", "DesiredCapacity"),
    ] {
        if key == "desired" && keep_desired {
            action.skip(
                "DesiredCapacity",
                "DisableUpdateDesiredCapacity: the action leaves desired capacity alone",
            );
            continue;
        }
        if let Some(value) = action.number(field) {
            table.from(key, number(value.max(0.0)), action, field);
        }
    }
    Some(table)
}

/// The time zone of a date-time's offset: `UTC`, or `Etc/GMT-8` for +08:00 (IANA's signs are
/// inverted), which has no daylight saving, like the offset itself.
pub(super) fn zone_of(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(time) => {
            let offset = time.offset().local_minus_utc();
            if offset == 0 {
                "UTC".into()
            } else if offset % 3600 == 0 {
                format!("Etc/GMT{:+}", -offset / 3600)
            } else {
                "UTC".into()
            }
        }
        Err(_) => "UTC".into(),
    }
}
