//! Import an existing AWS Auto Scaling group as a scenario: the JSON printed by
//! `aws autoscaling describe-auto-scaling-groups`, `describe-policies`,
//! `describe-scheduled-actions` and, optionally, `aws cloudwatch describe-alarms`.
//!
//! Whatever has no counterpart in scaleplan (availability zones, mixed instances, warm pools,
//! custom metrics, ...) is listed in the result and in a comment block of the scenario, never
//! dropped silently. Instance capacity, price and the load are not in AWS's output: the
//! scenario gets the values given (or placeholders) and says so.

use serde_json::Value;
use std::fmt::Write as _;

/// What `import aws` needs besides the JSON documents.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// Start of the simulated run (RFC 3339).
    pub start: String,
    /// Simulated span, e.g. "7d".
    pub duration: String,
    /// Requests per second one instance serves at 100% CPU.
    pub capacity_rps: f64,
    /// Price per instance-hour.
    pub price_per_hour: f64,
    /// Constant load placeholder, requests per second.
    pub base_rps: f64,
}

/// The imported scenario and what could not be mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Scenario TOML.
    pub toml: String,
    /// One line per AWS setting scaleplan does not model, or models approximately.
    pub unmapped: Vec<String>,
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn number(value: &Value, key: &str) -> Option<f64> {
    value.get(key).and_then(Value::as_f64)
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Builds a scenario from the groups document and the optional others.
pub fn aws(
    groups: &Value,
    policies: Option<&Value>,
    scheduled: Option<&Value>,
    alarms: Option<&Value>,
    settings: &ImportSettings,
) -> Result<Imported, String> {
    let groups = groups
        .get("AutoScalingGroups")
        .and_then(Value::as_array)
        .ok_or("the groups file has no `AutoScalingGroups` array (use `aws autoscaling describe-auto-scaling-groups` output)")?;
    if groups.is_empty() {
        return Err("`AutoScalingGroups` is empty".into());
    }
    let mut unmapped = Vec::new();
    let mut out = String::new();
    let names: Vec<&str> = groups
        .iter()
        .filter_map(|group| text(group, "AutoScalingGroupName"))
        .collect();
    let _ = write!(
        out,
        "# Imported from AWS Auto Scaling: {}.\n# Edit the instance type's capacity and price and the load before trusting the numbers.\n\n[scenario]\nname = {}\nstart = {}\nduration = {}\n\n",
        names.join(", "),
        quoted(&format!("imported-{}", names.first().unwrap_or(&"group"))),
        quoted(&settings.start),
        quoted(&settings.duration)
    );
    // Instance types: one per distinct type seen on the groups' instances.
    let mut types: Vec<String> = Vec::new();
    let type_of = |group: &Value| -> String {
        group
            .get("Instances")
            .and_then(Value::as_array)
            .and_then(|instances| {
                instances
                    .iter()
                    .find_map(|instance| text(instance, "InstanceType"))
            })
            .map(str::to_string)
            .unwrap_or_else(|| "imported".to_string())
    };
    for group in groups {
        let kind = type_of(group);
        if !types.contains(&kind) {
            types.push(kind);
        }
    }
    for kind in &types {
        let _ = write!(
            out,
            "[instance_types.{}]\ncapacity_rps = {}    # not in AWS output: measure it\nprice_per_hour = {}    # not in AWS output: your on-demand price\n\n",
            quoted(kind),
            settings.capacity_rps,
            settings.price_per_hour
        );
    }
    let _ = write!(
        out,
        "[load]\nbase_rps = {}    # placeholder: replay a trace with [load.trace]\n",
        settings.base_rps
    );

    let policies_list: Vec<&Value> = policies
        .and_then(|document| document.get("ScalingPolicies"))
        .and_then(Value::as_array)
        .map(|list| list.iter().collect())
        .unwrap_or_default();
    if policies.is_some()
        && policies_list.is_empty()
        && policies
            .and_then(|document| document.get("ScalingPolicies"))
            .is_none()
    {
        return Err("the policies file has no `ScalingPolicies` array (use `aws autoscaling describe-policies` output)".into());
    }
    let scheduled_list: Vec<&Value> = scheduled
        .and_then(|document| document.get("ScheduledUpdateGroupActions"))
        .and_then(Value::as_array)
        .map(|list| list.iter().collect())
        .unwrap_or_default();
    if scheduled.is_some()
        && scheduled
            .and_then(|document| document.get("ScheduledUpdateGroupActions"))
            .is_none()
    {
        return Err("the scheduled actions file has no `ScheduledUpdateGroupActions` array (use `aws autoscaling describe-scheduled-actions` output)".into());
    }
    let alarm_list: Vec<&Value> = alarms
        .and_then(|document| document.get("MetricAlarms"))
        .and_then(Value::as_array)
        .map(|list| list.iter().collect())
        .unwrap_or_default();

    for (group_index, group) in groups.iter().enumerate() {
        let source = |field: &str| format!("    # AutoScalingGroups[{group_index}].{field}");
        let name = text(group, "AutoScalingGroupName").unwrap_or("group");
        let min = number(group, "MinSize").unwrap_or(0.0) as u32;
        let max = number(group, "MaxSize").unwrap_or(min as f64) as u32;
        let desired = number(group, "DesiredCapacity").map_or(min, |value| value as u32);
        let protected = group
            .get("Instances")
            .and_then(Value::as_array)
            .map_or(0, |instances| {
                instances
                    .iter()
                    .filter(|instance| {
                        instance
                            .get("ProtectedFromScaleIn")
                            .and_then(Value::as_bool)
                            == Some(true)
                    })
                    .count()
            }) as u32;
        let _ = write!(
            out,
            "\n[[group]]\nname = {}\ninstance_type = {}\nmin = {min}{}\nmax = {max}{}\ndesired = {}{}\n",
            quoted(name),
            quoted(&type_of(group)),
            source("MinSize"),
            source("MaxSize"),
            desired.max(protected.min(max)),
            source("DesiredCapacity"),
        );
        if protected > 0 {
            let _ = writeln!(
                out,
                "existing = {{ count = {}, protected = true }}",
                protected.min(max)
            );
        }
        if let Some(cooldown) = number(group, "DefaultCooldown") {
            let _ = writeln!(
                out,
                "default_cooldown = \"{}s\"{}",
                cooldown as u64,
                source("DefaultCooldown")
            );
        }
        let removal = group
            .get("TerminationPolicies")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
            .and_then(Value::as_str);
        match removal {
            Some("OldestInstance") => out.push_str("removal_policy = \"oldest_instance\"\n"),
            Some("NewestInstance") => out.push_str("removal_policy = \"newest_instance\"\n"),
            Some("Default" | "OldestLaunchTemplate" | "OldestLaunchConfiguration") | None => {
                out.push_str("removal_policy = \"oldest_scaling_configuration\"\n")
            }
            Some(other) => {
                out.push_str("removal_policy = \"oldest_scaling_configuration\"\n");
                unmapped.push(format!("{name}: termination policy {other} (approximated by oldest scaling configuration)"));
            }
        }
        for (key, what) in [
            (
                "MixedInstancesPolicy",
                "mixed instances policy (one instance type is modelled)",
            ),
            ("WarmPoolConfiguration", "warm pool"),
            ("LifecycleHooks", "lifecycle hooks"),
            (
                "TargetGroupARNs",
                "target groups (load balancing is modelled as even spreading)",
            ),
            ("SuspendedProcesses", "suspended processes"),
        ] {
            if group.get(key).is_some_and(|value| {
                !value.is_null() && value.as_array().is_none_or(|list| !list.is_empty())
            }) {
                unmapped.push(format!("{name}: {what}"));
            }
        }
        if let Some(zones) = group.get("AvailabilityZones").and_then(Value::as_array)
            && zones.len() > 1
        {
            unmapped.push(format!(
                "{name}: {} availability zones (zone balancing is not modelled)",
                zones.len()
            ));
        }
        if text(group, "HealthCheckType") == Some("ELB") {
            unmapped.push(format!("{name}: ELB health checks"));
        }

        let mut alarm_blocks = String::new();
        for policy in policies_list
            .iter()
            .filter(|policy| text(policy, "AutoScalingGroupName") == Some(name))
        {
            let policy_name = text(policy, "PolicyName").unwrap_or("policy");
            match text(policy, "PolicyType").unwrap_or("SimpleScaling") {
                "SimpleScaling" | "StepScaling" => {
                    let step = text(policy, "PolicyType") == Some("StepScaling");
                    let key = match text(policy, "AdjustmentType").unwrap_or("ChangeInCapacity") {
                        "PercentChangeInCapacity" => "change_percent",
                        "ExactCapacity" => "set",
                        _ => "change",
                    };
                    let _ = write!(out, "\n[[group.rule]]\nname = {}\n", quoted(policy_name));
                    if step {
                        let steps: Vec<String> = policy
                            .get("StepAdjustments")
                            .and_then(Value::as_array)
                            .map(|list| {
                                list.iter()
                                    .map(|adjustment| {
                                        let mut parts = Vec::new();
                                        if let Some(lower) =
                                            number(adjustment, "MetricIntervalLowerBound")
                                        {
                                            parts.push(format!("lower = {lower}"));
                                        }
                                        if let Some(upper) =
                                            number(adjustment, "MetricIntervalUpperBound")
                                        {
                                            parts.push(format!("upper = {upper}"));
                                        }
                                        parts.push(format!(
                                            "{key} = {}",
                                            number(adjustment, "ScalingAdjustment").unwrap_or(0.0)
                                        ));
                                        format!("{{ {} }}", parts.join(", "))
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        let _ = writeln!(out, "type = \"step\"\nsteps = [{}]", steps.join(", "));
                        if let Some(warmup) = number(policy, "EstimatedInstanceWarmup")
                            .or_else(|| number(group, "DefaultInstanceWarmup"))
                        {
                            let _ = writeln!(out, "warmup = \"{}s\"", warmup as u64);
                        }
                    } else {
                        let value = number(policy, "ScalingAdjustment").unwrap_or(0.0);
                        let _ = writeln!(
                            out,
                            "{key} = {}",
                            if key == "change_percent" {
                                value.to_string()
                            } else {
                                (value as i64).to_string()
                            }
                        );
                        if let Some(cooldown) = number(policy, "Cooldown") {
                            let _ = writeln!(out, "cooldown = \"{}s\"", cooldown as u64);
                        }
                    }
                    if key == "change_percent"
                        && let Some(magnitude) = number(policy, "MinAdjustmentMagnitude")
                    {
                        let _ = writeln!(out, "min_adjustment = {}", magnitude as u64);
                    }
                    // The alarms that run it.
                    let alarm_names: Vec<&str> = policy
                        .get("Alarms")
                        .and_then(Value::as_array)
                        .map(|list| {
                            list.iter()
                                .filter_map(|alarm| text(alarm, "AlarmName"))
                                .collect()
                        })
                        .unwrap_or_default();
                    for alarm_name in alarm_names {
                        match alarm_list.iter().position(|alarm| text(alarm, "AlarmName") == Some(alarm_name)).map(|index| (index, &alarm_list[index])) {
                            None => unmapped.push(format!("{name}: alarm {alarm_name} of policy {policy_name} (pass `aws cloudwatch describe-alarms` output with --alarms to import it)")),
                            Some((index, alarm)) => match alarm_block(alarm, index, policy_name) {
                                Ok(block) => alarm_blocks.push_str(&block),
                                Err(why) => unmapped.push(format!("{name}: alarm {alarm_name}: {why}")),
                            },
                        }
                    }
                }
                "TargetTrackingScaling" => {
                    let configuration = policy
                        .get("TargetTrackingConfiguration")
                        .cloned()
                        .unwrap_or(Value::Null);
                    let metric = configuration
                        .pointer("/PredefinedMetricSpecification/PredefinedMetricType")
                        .and_then(Value::as_str);
                    let target = number(&configuration, "TargetValue").unwrap_or(50.0);
                    let (metric, target) = match metric {
                        Some("ASGAverageCPUUtilization") => ("cpu", target),
                        // ALB counts requests per target per minute; scaleplan uses per second.
                        Some("ALBRequestCountPerTarget") => {
                            ("requests_per_instance", target / 60.0)
                        }
                        other => {
                            unmapped.push(format!("{name}: target tracking policy {policy_name} on {} (only CPU and ALB request count per target are modelled)", other.unwrap_or("a customized metric")));
                            continue;
                        }
                    };
                    let _ = write!(
                        out,
                        "\n[[group.rule]]\nname = {}\ntype = \"target_tracking\"\nmetric = \"{metric}\"\ntarget = {target}\n",
                        quoted(policy_name)
                    );
                    if configuration.get("DisableScaleIn").and_then(Value::as_bool) == Some(true) {
                        out.push_str("disable_scale_in = true\n");
                    }
                    if let Some(warmup) = number(policy, "EstimatedInstanceWarmup")
                        .or_else(|| number(group, "DefaultInstanceWarmup"))
                    {
                        let _ = writeln!(out, "warmup = \"{}s\"", warmup as u64);
                    }
                }
                "PredictiveScaling" => {
                    let configuration = policy
                        .get("PredictiveScalingConfiguration")
                        .cloned()
                        .unwrap_or(Value::Null);
                    let target = configuration
                        .pointer("/MetricSpecifications/0/TargetValue")
                        .and_then(Value::as_f64)
                        .unwrap_or(50.0);
                    let mode = if text(&configuration, "Mode") == Some("ForecastAndScale") {
                        "forecast_and_scale"
                    } else {
                        "forecast_only"
                    };
                    let buffer =
                        number(&configuration, "SchedulingBufferTime").unwrap_or(300.0) as u64;
                    let _ = write!(
                        out,
                        "\n[[group.rule]]\nname = {}\ntype = \"predictive\"\ntarget = {target}\nmode = \"{mode}\"\nbuffer = \"{buffer}s\"\n",
                        quoted(policy_name)
                    );
                    if text(&configuration, "MaxCapacityBreachBehavior")
                        == Some("IncreaseMaxCapacity")
                    {
                        unmapped.push(format!("{name}: predictive policy {policy_name} may raise max capacity (IncreaseMaxCapacity); modelled as HonorMaxCapacity"));
                    }
                }
                other => unmapped.push(format!("{name}: policy {policy_name} of type {other}")),
            }
        }
        out.push_str(&alarm_blocks);
        for (action_index, action) in scheduled_list
            .iter()
            .enumerate()
            .filter(|(_, action)| text(action, "AutoScalingGroupName") == Some(name))
        {
            let source =
                |field: &str| format!("    # ScheduledUpdateGroupActions[{action_index}].{field}");
            let action_name = text(action, "ScheduledActionName").unwrap_or("scheduled");
            let _ = write!(
                out,
                "\n[[group.scheduled]]\nname = {}\n",
                quoted(action_name)
            );
            match text(action, "Recurrence") {
                Some(cron) => {
                    let _ = writeln!(
                        out,
                        "cron = {}{}\ntimezone = {}",
                        quoted(cron),
                        source("Recurrence"),
                        quoted(text(action, "TimeZone").unwrap_or("UTC"))
                    );
                }
                None => {
                    let at = text(action, "StartTime").unwrap_or(&settings.start);
                    let _ = writeln!(out, "at = {}{}", quoted(at), source("StartTime"));
                }
            }
            if let (Some(_), Some(end)) = (text(action, "Recurrence"), text(action, "EndTime")) {
                let _ = writeln!(out, "end = {}{}", quoted(end), source("EndTime"));
            }
            for (key, field) in [
                ("min", "MinSize"),
                ("max", "MaxSize"),
                ("desired", "DesiredCapacity"),
            ] {
                if let Some(value) = number(action, field) {
                    let _ = writeln!(out, "{key} = {}{}", value as u64, source(field));
                }
            }
        }
    }
    if !unmapped.is_empty() {
        out.push_str("\n# Not imported (scaleplan does not model these, or only approximately):\n");
        for line in &unmapped {
            let _ = writeln!(out, "# - {line}");
        }
    }
    Ok(Imported {
        toml: out,
        unmapped,
    })
}

/// A CloudWatch alarm as an alarm task running `rule`.
fn alarm_block(alarm: &Value, index: usize, rule: &str) -> Result<String, String> {
    let source = |field: &str| format!("    # MetricAlarms[{index}].{field}");
    let metric = match text(alarm, "MetricName") {
        Some("CPUUtilization") => "cpu",
        Some(other) => return Err(format!("metric {other} (only CPUUtilization is modelled)")),
        None => return Err("a metric math alarm".into()),
    };
    let statistic = match text(alarm, "Statistic").unwrap_or("Average") {
        "Average" => "average",
        "Maximum" => "maximum",
        "Minimum" => "minimum",
        other => return Err(format!("statistic {other}")),
    };
    let comparison = match text(alarm, "ComparisonOperator").unwrap_or("") {
        "GreaterThanThreshold" => "above",
        "GreaterThanOrEqualToThreshold" => "at_or_above",
        "LessThanThreshold" => "below",
        "LessThanOrEqualToThreshold" => "at_or_below",
        other => return Err(format!("comparison {other}")),
    };
    let period = number(alarm, "Period").unwrap_or(300.0) as u64;
    let periods = number(alarm, "EvaluationPeriods").unwrap_or(1.0) as u64;
    let threshold = number(alarm, "Threshold").ok_or("no threshold")?;
    // CloudWatch "M out of N": DatapointsToAlarm breaching datapoints among the last
    // EvaluationPeriods (absent or equal: all of them).
    let datapoints = number(alarm, "DatapointsToAlarm")
        .map(|value| value as u64)
        .filter(|datapoints| *datapoints < periods)
        .map_or(String::new(), |datapoints| {
            format!("\ndatapoints = {datapoints}{}", source("DatapointsToAlarm"))
        });
    Ok(format!(
        "\n[[group.alarm]]\nname = {}\nmetric = \"{metric}\"\nstatistic = \"{statistic}\"\nperiod = \"{period}s\"{}\nperiods = {periods}{}{datapoints}\n{comparison} = {threshold}{}\nrun = {}\n",
        quoted(text(alarm, "AlarmName").unwrap_or("alarm")),
        source("Period"),
        source("EvaluationPeriods"),
        source("Threshold"),
        quoted(rule)
    ))
}
