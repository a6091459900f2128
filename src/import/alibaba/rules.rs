//! ESS scaling rules, scheduled tasks and event-triggered (alarm) tasks.

use super::*;

/// A scaling rule; returns the rule's name when it was imported (alarms and tasks run it).
pub(super) fn import_rule(rule: &Node<'_>, imported: &mut GroupDraft) -> Option<String> {
    let name = rule.text("ScalingRuleName").unwrap_or("rule").to_string();
    let mut table = Table::new("[[group.rule]]");
    table.set("name", quoted(&name), rule.get("ScalingRuleName").as_ref());
    let adjustment = |rule: &Node<'_>| match rule
        .text("AdjustmentType")
        .unwrap_or("QuantityChangeInCapacity")
    {
        "PercentChangeInCapacity" => Some(("change_percent", false)),
        "TotalCapacity" => Some(("set", true)),
        "QuantityChangeInCapacity" => Some(("change", true)),
        other => {
            rule.not_mapped(format!("unknown adjustment type {other}"));
            None
        }
    };
    match rule.text("ScalingRuleType").unwrap_or("SimpleScalingRule") {
        "SimpleScalingRule" => {
            let (key, whole) = adjustment(rule)?;
            rule.read("ScalingRuleType");
            table.from(
                key,
                crate::import::adjustment(rule.number("AdjustmentValue").unwrap_or(0.0), whole),
                rule,
                "AdjustmentValue",
            );
            if let Some(cooldown) = rule.seconds("Cooldown") {
                table.from("cooldown", seconds(cooldown), rule, "Cooldown");
            }
            if key == "change_percent"
                && let Some(magnitude) = rule.number("MinAdjustmentMagnitude")
            {
                table.from(
                    "min_adjustment",
                    number(magnitude),
                    rule,
                    "MinAdjustmentMagnitude",
                );
            }
        }
        "StepScalingRule" => {
            let (key, whole) = adjustment(rule)?;
            table.set("type", quoted("step"), rule.get("ScalingRuleType").as_ref());
            table.set(
                "steps",
                steps(
                    &rule.items("StepAdjustments", Some("StepAdjustment")),
                    key,
                    whole,
                ),
                rule.get("StepAdjustments").as_ref(),
            );
            if let Some(warmup) = rule.seconds("EstimatedInstanceWarmup") {
                table.from("warmup", seconds(warmup), rule, "EstimatedInstanceWarmup");
            }
            if key == "change_percent"
                && let Some(magnitude) = rule.number("MinAdjustmentMagnitude")
            {
                table.from(
                    "min_adjustment",
                    number(magnitude),
                    rule,
                    "MinAdjustmentMagnitude",
                );
            }
            rule.skip("Cooldown", "step rules have no cooldown");
        }
        "TargetTrackingScalingRule" => {
            let metric = match rule.text("MetricName") {
                Some("CpuUtilization") => (Metric::Cpu.as_str(), None),
                Some("LoadBalancerRealServerAverageQps") => (
                    Metric::RequestsPerInstance.as_str(),
                    Some("QPS per backend server: requests per second per instance"),
                ),
                other => {
                    rule.not_mapped(format!(
                        "target tracking on {}: only CpuUtilization and LoadBalancerRealServerAverageQps are modelled",
                        other.unwrap_or("no metric")
                    ));
                    return None;
                }
            };
            table.set(
                "type",
                quoted("target_tracking"),
                rule.get("ScalingRuleType").as_ref(),
            );
            table.set("metric", quoted(metric.0), rule.get("MetricName").as_ref());
            if let Some(note) = metric.1 {
                table.note(note);
            }
            table.from(
                "target",
                number(rule.number("TargetValue").unwrap_or(50.0)),
                rule,
                "TargetValue",
            );
            if let Some(flag) = rule.boolean("DisableScaleIn") {
                table.from("disable_scale_in", flag.to_string(), rule, "DisableScaleIn");
            }
            if let Some(count) = rule.number("ScaleOutEvaluationCount") {
                table.from(
                    "scale_out_periods",
                    number(count),
                    rule,
                    "ScaleOutEvaluationCount",
                );
            }
            if let Some(count) = rule.number("ScaleInEvaluationCount") {
                table.from(
                    "scale_in_periods",
                    number(count),
                    rule,
                    "ScaleInEvaluationCount",
                );
            }
            if let Some(warmup) = rule.seconds("EstimatedInstanceWarmup") {
                table.from("warmup", seconds(warmup), rule, "EstimatedInstanceWarmup");
            }
            rule.read("MetricType");
            if let Some(alarms) = rule.get("Alarms") {
                alarms.ignored("alarms a target tracking rule creates (its rule models them)");
            }
            rule.skip("Cooldown", "target tracking rules have no cooldown");
        }
        "PredictiveScalingRule" => {
            if rule
                .text("MetricName")
                .is_some_and(|metric| metric != "CpuUtilization")
            {
                rule.not_mapped(
                    "predictive scaling on a metric other than CpuUtilization: not modelled",
                );
                return None;
            }
            table.set(
                "type",
                quoted("predictive"),
                rule.get("ScalingRuleType").as_ref(),
            );
            table.from(
                "target",
                number(rule.number("TargetValue").unwrap_or(50.0)),
                rule,
                "TargetValue",
            );
            let mode = match rule.text("PredictiveScalingMode") {
                Some("PredictOnly") => "forecast_only",
                _ => "forecast_and_scale",
            };
            table.from("mode", quoted(mode), rule, "PredictiveScalingMode");
            if let Some(minutes) = rule.number("PredictiveTaskBufferTime") {
                table.from(
                    "buffer",
                    seconds(minutes * 60.0),
                    rule,
                    "PredictiveTaskBufferTime",
                );
                table.note("PredictiveTaskBufferTime is in minutes");
            }
            match rule.text("PredictiveValueBehavior") {
                None | Some("MaxOverridePredictiveValue") => {}
                Some(other) => rule.get("PredictiveValueBehavior").unwrap().approximated(format!(
                    "{other}: scaleplan holds the forecast within max (MaxOverridePredictiveValue)"
                )),
            }
            rule.skip(
                "PredictiveValueBuffer",
                "scaleplan holds the forecast within max (MaxOverridePredictiveValue)",
            );
            rule.skip("InitialMaxSize", "scaleplan holds the forecast within max");
            rule.skip("Cooldown", "predictive rules have no cooldown");
        }
        other => {
            rule.not_mapped(format!("rule type {other} is not modelled"));
            return None;
        }
    }
    if rule
        .value
        .get("ScalingRuleType")
        .and_then(Value::as_str)
        .is_some_and(|kind| kind == "TargetTrackingScalingRule" || kind == "PredictiveScalingRule")
    {
        rule.skip(
            "AdjustmentType",
            "not used by target tracking and predictive rules",
        );
        rule.skip(
            "AdjustmentValue",
            "not used by target tracking and predictive rules",
        );
    }
    rule.skip(
        "MinSize",
        "a rule's own bounds are not modelled: the group's apply",
    );
    rule.skip(
        "MaxSize",
        "a rule's own bounds are not modelled: the group's apply",
    );
    rule.skip(
        "HybridMetrics",
        "hybrid monitoring metrics are not modelled",
    );
    imported.children.push(table);
    Some(name)
}

/// ESS's `LaunchTime` ("2014-08-17T16:52Z", UTC, no seconds) as RFC 3339.
pub(super) fn rfc3339(time: &str) -> String {
    match time.strip_suffix('Z') {
        Some(bare) if bare.len() == 16 => format!("{bare}:00Z"),
        _ => time.to_string(),
    }
}

/// A scheduled task: running a rule (by its ARI) or setting the group's sizes.
pub(super) fn import_task(
    task: &Node<'_>,
    by_ari: &[(String, String, Node<'_>)],
    settings: &ImportSettings,
) -> Option<Table> {
    let name = task.text("ScheduledTaskName").unwrap_or("scheduled");
    if task.boolean("TaskEnabled") == Some(false) {
        task.not_mapped("a disabled task never runs");
        return None;
    }
    let mut table = Table::new("[[group.scheduled]]");
    table.set("name", quoted(name), task.get("ScheduledTaskName").as_ref());
    let launch = rfc3339(task.text("LaunchTime")?);
    match task.text("RecurrenceType") {
        None => {
            if !crate::import::within_run(&launch, settings) {
                task.not_mapped(format!(
                    "a one-time task at {launch}, outside the simulated run"
                ));
                return None;
            }
            table.from("at", quoted(&launch), task, "LaunchTime");
        }
        Some(kind) => {
            let value = task.text("RecurrenceValue").unwrap_or("1");
            let (minute, hour) = chrono::DateTime::parse_from_rfc3339(&launch)
                .map(|time| {
                    (
                        chrono::Timelike::minute(&time),
                        chrono::Timelike::hour(&time),
                    )
                })
                .unwrap_or((0, 0));
            let cron = match kind {
                "Daily" if value == "1" => format!("{minute} {hour} * * *"),
                "Daily" => {
                    task.get("RecurrenceValue").unwrap().approximated(format!(
                        "every {value} days from LaunchTime, written as day-of-month */{value} (restarts each month)"
                    ));
                    format!("{minute} {hour} */{value} * *")
                }
                "Weekly" => format!("{minute} {hour} * * {value}"),
                "Monthly" => format!("{minute} {hour} {value} * *"),
                "Cron" => value.to_string(),
                other => {
                    task.not_mapped(format!("recurrence type {other} is not modelled"));
                    return None;
                }
            };
            table.from("cron", quoted(&cron), task, "RecurrenceValue");
            table.note(format!(
                "RecurrenceType {kind}, RecurrenceValue {value}, at LaunchTime's hour and minute"
            ));
            task.read("RecurrenceType");
            task.read("LaunchTime");
            table.set("timezone", quoted("UTC"), task.get("LaunchTime").as_ref());
            table.note("ESS times are UTC");
            if crate::import::fires_before(&cron, "UTC", &launch, settings) {
                task.get("LaunchTime").unwrap().approximated("the recurrence begins at LaunchTime, after the run's start; scaleplan also runs its firings before then");
            }
            if let Some(end) = task.text("RecurrenceEndTime") {
                table.from("end", quoted(&rfc3339(end)), task, "RecurrenceEndTime");
            }
        }
    }
    if let Some(expiration) = task.number("LaunchExpirationTime") {
        table.from(
            "launch_expiration",
            seconds(expiration),
            task,
            "LaunchExpirationTime",
        );
    }
    match task.text("ScheduledAction") {
        Some(ari) => match by_ari.iter().find(|(known, _, _)| known == ari) {
            Some((_, rule, node)) => {
                node.read("ScalingRuleAri");
                table.from("run", quoted(rule), task, "ScheduledAction");
            }
            None => {
                task.not_mapped(format!("runs the rule {ari}, which was not imported"));
                return None;
            }
        },
        None => {
            let fields = [
                ("min", "MinValue"),
                ("max", "MaxValue"),
                ("desired", "DesiredCapacity"),
            ];
            if !sizes(&mut table, task, fields, "a task that runs no rule and") {
                return None;
            }
        }
    }
    Some(table)
}

/// An event-triggered (alarm) task: one alarm task per rule it runs.
pub(super) fn import_alarm(
    alarm: &Node<'_>,
    by_ari: &[(String, String, Node<'_>)],
    imported: &mut GroupDraft,
) {
    let name = alarm.text("Name").unwrap_or("alarm").to_string();
    if alarm.boolean("Enable") == Some(false) {
        alarm.not_mapped("a disabled alarm task never runs");
        return;
    }
    alarm.read("Enable");
    let refuse = |why: String| alarm.not_mapped(why);
    if alarm
        .text("MetricType")
        .is_some_and(|kind| kind != "system")
    {
        return refuse(
            "a custom or hybrid metric: only the system metric CpuUtilization is modelled".into(),
        );
    }
    if alarm.items("Expressions", Some("Expression")).len() > 1 {
        return refuse("several metric expressions: only one is modelled".into());
    }
    let metric = alarm
        .value
        .get("MetricName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if metric != "CpuUtilization" {
        return refuse(format!(
            "alarm on {metric}: only CpuUtilization is modelled"
        ));
    }
    let comparison = match word(alarm, "ComparisonOperator", "", COMPARISONS) {
        Ok(comparison) => comparison,
        Err(why) => return refuse(why),
    };
    let statistic = match word(alarm, "Statistics", "Average", STATISTICS) {
        Ok(statistic) => statistic,
        Err(why) => return refuse(why),
    };
    let actions = alarm.items("AlarmActions", Some("AlarmAction"));
    let runs: Vec<(Node<'_>, &str)> = actions
        .iter()
        .filter_map(|action| {
            let ari = action.value.as_str()?;
            match by_ari.iter().find(|(known, _, _)| known == ari) {
                Some((_, rule, node)) => {
                    node.read("ScalingRuleAri");
                    Some((action.clone(), rule.as_str()))
                }
                None => {
                    action.not_mapped("runs a rule that was not imported");
                    None
                }
            }
        })
        .collect();
    if runs.is_empty() {
        return refuse("runs no imported rule".into());
    }
    for key in [
        "MetricType",
        "MetricName",
        "ComparisonOperator",
        "Statistics",
        "Expressions",
        "ExpressionsLogicOperator",
    ] {
        alarm.read(key);
    }
    alarm.ignore("Dimensions", "the dimension naming the alarm's own group");
    alarm.skip(
        "EffectiveTime",
        "the alarm's active hours are not modelled: it is always active",
    );
    let several = runs.len() > 1;
    for (action, rule) in runs {
        action.mapped();
        let mut table = Table::new("[[group.alarm]]");
        let task = if several {
            format!("{name}-{rule}")
        } else {
            name.clone()
        };
        table.set("name", quoted(&task), alarm.get("Name").as_ref());
        table.set(
            "metric",
            quoted(Metric::Cpu.as_str()),
            alarm.get("MetricName").as_ref(),
        );
        table.set(
            "statistic",
            quoted(statistic),
            alarm.get("Statistics").as_ref(),
        );
        table.from(
            "period",
            seconds(alarm.number("Period").unwrap_or(300.0)),
            alarm,
            "Period",
        );
        table.from(
            "periods",
            number(alarm.number("EvaluationCount").unwrap_or(1.0)),
            alarm,
            "EvaluationCount",
        );
        table.from(
            comparison,
            number(alarm.number("Threshold").unwrap_or(0.0)),
            alarm,
            "Threshold",
        );
        table.set("run", quoted(rule), Some(&action));
        imported.children.push(table);
    }
}
