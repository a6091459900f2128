//! aliyun/alicloud: `alicloud_ess_scaling_group`, `alicloud_ess_scaling_configuration`,
//! `alicloud_ess_scaling_rule`, `alicloud_ess_scheduled_task`, `alicloud_ess_alarm`.

use super::*;
const ALIBABA_IMAGE: Variable = (
    "image_id",
    "string",
    "the image the scaling configuration boots",
);
const ALIBABA_SECURITY_GROUP: Variable = (
    "security_group_id",
    "string",
    "the security group of the instances",
);
const ALIBABA_VSWITCHES: Variable = (
    "vswitch_ids",
    "list(string)",
    "vSwitches the group launches into",
);

pub(super) fn group(export: &mut Export<'_>, group: &ScalingGroup) {
    hpa_refusal(export, group);
    hook_refusal(export, group, "ESS");
    retry_refusal(export, group, "ESS");
    if group.warm_pool.is_some() {
        export.refuse(format!(
            "group {}: warm_pool: not exported for ESS (write it by hand)",
            group.name
        ));
    }
    let id = label(&group.name);
    let kinds = types(export, group);
    let vswitches = export.variable(ALIBABA_VSWITCHES);
    let mut asg = Block::new("resource", &["alicloud_ess_scaling_group", &id]);
    asg.set("scaling_group_name", Expr::text(&group.name))
        .set("min_size", Expr::number(group.min))
        .set("max_size", Expr::number(group.max))
        .set("desired_capacity", Expr::number(group.desired))
        .set(
            "default_cooldown",
            Expr::number(group.default_cooldown as f64),
        )
        .set("vswitch_ids", vswitches);
    zones_comment(export, &mut asg, group, "vswitch_ids");
    zone_policy_argument(
        export,
        &mut asg,
        group,
        ("multi_az_policy", "BALANCE"),
        "zone_rebalance: ESS rebalances only when asked (RebalanceInstances)",
        "zone_policy \"balanced_only\": ESS's BALANCE falls back to other zones (\"balanced\")",
    );
    asg.set(
            "removal_policies",
            Expr::List(
                group
                    .removal_policy
                    .iter()
                    .filter_map(|policy| {
                        let name = match policy {
                            RemovalPolicy::OldestInstance => Some("OldestInstance"),
                            RemovalPolicy::NewestInstance => Some("NewestInstance"),
                            RemovalPolicy::OldestScalingConfiguration => {
                                Some("OldestScalingConfiguration")
                            }
                            _ => None,
                        };
                        if name.is_none() {
                            export.refuse(format!(
                                "group {}: removal_policy \"{}\": ESS offers OldestScalingConfiguration, OldestInstance and NewestInstance",
                                group.name,
                                policy.as_str()
                            ));
                        }
                        name.map(Expr::text)
                    })
                    .collect(),
            ),
        );
    if let Some(mix) = group.mix {
        let above = mix.on_demand_above_base * 100.0;
        if whole(above).is_none() {
            export.refuse(format!(
                "group {}: mix.on_demand_above_base {}: ESS takes a whole percent",
                group.name, mix.on_demand_above_base
            ));
        }
        asg.set("multi_az_policy", Expr::text("COST_OPTIMIZED"))
            .set("on_demand_base_capacity", Expr::number(mix.on_demand_base))
            .set(
                "on_demand_percentage_above_base_capacity",
                Expr::number(above),
            );
        asg.comment(
            "COST_OPTIMIZED is the multi-zone policy that takes an on-demand base and share",
        );
    }
    world_comment(&mut asg, group);
    export.blocks.push(asg);
    let (image, security) = (
        export.variable(ALIBABA_IMAGE),
        export.variable(ALIBABA_SECURITY_GROUP),
    );
    let mut configuration = Block::new("resource", &["alicloud_ess_scaling_configuration", &id]);
    configuration
        .set(
            "scaling_group_id",
            Expr::Reference(format!("alicloud_ess_scaling_group.{id}.id")),
        )
        .set("image_id", image)
        .set("security_group_id", security)
        .set("active", Expr::Bool(true));
    if kinds.iter().all(|(_, weight, _)| *weight == 1) {
        configuration.set(
            "instance_types",
            Expr::List(kinds.iter().map(|(name, _, _)| Expr::text(name)).collect()),
        );
    } else {
        for (name, weight, _) in &kinds {
            let mut item = Block::new("instance_type_override", &[]);
            item.set("instance_type", Expr::text(name))
                .set("weighted_capacity", Expr::number(*weight));
            configuration.block(item);
        }
    }
    if group.mix.is_some() {
        configuration.set("spot_strategy", Expr::text("SpotAsPriceGo"));
    }
    export.blocks.push(configuration);
    let group_id = Expr::Reference(format!("alicloud_ess_scaling_group.{id}.id"));
    let rule_label = |name: &str| label(&format!("{}-{name}", group.name));
    for rule in &group.rules {
        let mut block = Block::new(
            "resource",
            &["alicloud_ess_scaling_rule", &rule_label(&rule.name)],
        );
        block
            .set("scaling_group_id", group_id.clone())
            .set("scaling_rule_name", Expr::text(&rule.name));
        let (kind, value, magnitude) = adjustment(
            export,
            group,
            rule,
            [
                "QuantityChangeInCapacity",
                "PercentChangeInCapacity",
                "TotalCapacity",
            ],
        );
        match &rule.steps {
            None => {
                block
                    .set("scaling_rule_type", Expr::text("SimpleScalingRule"))
                    .set("adjustment_type", Expr::text(kind))
                    .set("adjustment_value", Expr::number(value));
                if let Some(cooldown) = rule.cooldown {
                    block.set("cooldown", Expr::number(cooldown as f64));
                }
            }
            Some(steps) => {
                block
                    .set("scaling_rule_type", Expr::text("StepScalingRule"))
                    .set("adjustment_type", Expr::text(kind))
                    .set(
                        "estimated_instance_warmup",
                        Expr::number(steps.warmup as f64),
                    );
                for step in &steps.steps {
                    let mut item = Block::new("step_adjustment", &[]);
                    if let Some(lower) = step.lower {
                        item.set(
                            "metric_interval_lower_bound",
                            Expr::text(crate::number::exact(lower)),
                        );
                    }
                    if let Some(upper) = step.upper {
                        item.set(
                            "metric_interval_upper_bound",
                            Expr::text(crate::number::exact(upper)),
                        );
                    }
                    item.set("scaling_adjustment", Expr::number(step.value));
                    block.block(item);
                }
            }
        }
        if magnitude > 0 {
            block.set("min_adjustment_magnitude", Expr::number(magnitude));
        }
        export.blocks.push(block);
    }
    for tracking in &group.target_tracking {
        if tracking.scale_in_cooldown.is_some() {
            export.refuse(format!(
                "group {}: rule {}: scale_in_cooldown: Application Auto Scaling's; the group's target tracking has none (it waits for warmup)",
                group.name, tracking.name
            ));
        }
        let metric = match tracking.metric {
            Metric::Cpu => "CpuUtilization",
            Metric::RequestsPerInstance => "LoadBalancerRealServerAverageQps",
            Metric::RequestRate => {
                export.refuse(format!(
                    "group {}: rule {}: target tracking on request_rate (a total)",
                    group.name, tracking.name
                ));
                "CpuUtilization"
            }
        };
        if tracking.scale_in_ratio != 0.9 {
            export.refuse(format!(
                "group {}: rule {}: scale_in_ratio {}: ESS sets its scale-in alarm's threshold itself",
                group.name, tracking.name, tracking.scale_in_ratio
            ));
        }
        let mut block = Block::new(
            "resource",
            &["alicloud_ess_scaling_rule", &rule_label(&tracking.name)],
        );
        block
            .set("scaling_group_id", group_id.clone())
            .set("scaling_rule_name", Expr::text(&tracking.name))
            .set("scaling_rule_type", Expr::text("TargetTrackingScalingRule"))
            .set("metric_name", Expr::text(metric))
            .set("target_value", Expr::number(tracking.target))
            .set("disable_scale_in", Expr::Bool(tracking.disable_scale_in))
            .set(
                "estimated_instance_warmup",
                Expr::number(tracking.warmup as f64),
            )
            .set(
                "scale_out_evaluation_count",
                Expr::number(tracking.scale_out_periods),
            )
            .set(
                "scale_in_evaluation_count",
                Expr::number(tracking.scale_in_periods),
            );
        export.blocks.push(block);
    }
    if let Some(predictive) = &group.predictive
        && predictive.max_capacity_breach == MaxCapacityBreach::Increase
    {
        export.refuse(format!(
            "group {}: rule {}: max_capacity_breach \"increase\": ESS's predictive value behaviors bound each predictive task, not the group's max",
            group.name, predictive.name
        ));
    }
    if let Some(predictive) = &group.predictive {
        if predictive.buffer % 60 != 0 {
            export.refuse(format!(
                "group {}: rule {}: buffer {} s: ESS takes whole minutes",
                group.name, predictive.name, predictive.buffer
            ));
        }
        let mut block = Block::new(
            "resource",
            &["alicloud_ess_scaling_rule", &rule_label(&predictive.name)],
        );
        block
            .set("scaling_group_id", group_id.clone())
            .set("scaling_rule_name", Expr::text(&predictive.name))
            .set("scaling_rule_type", Expr::text("PredictiveScalingRule"))
            .set("metric_name", Expr::text("CpuUtilization"))
            .set("target_value", Expr::number(predictive.target_cpu))
            .set(
                "predictive_scaling_mode",
                Expr::text(match predictive.mode {
                    PredictiveMode::ForecastAndScale => "PredictAndScale",
                    PredictiveMode::ForecastOnly => "PredictOnly",
                }),
            )
            .set(
                "predictive_task_buffer_time",
                Expr::number((predictive.buffer / 60) as f64),
            )
            .set(
                "predictive_value_behavior",
                Expr::text("MaxOverridePredictiveValue"),
            );
        export.blocks.push(block);
    }
    for alarm in &group.alarms {
        let what = |text: &str| format!("group {}: alarm {}: {text}", group.name, alarm.name);
        average_min_max(export, group, alarm, "ESS");
        if matches!(alarm.comparison, Comparison::Equal | Comparison::NotEqual) {
            export.refuse(what(&format!(
                "comparison {}: ESS compares with >, >=, < and <=",
                alarm.comparison.symbol()
            )));
        }
        if alarm.metric != Metric::Cpu {
            export.refuse(what(
                "ESS system alarms watch CPU, memory, traffic and load, not request rates",
            ));
        }
        if ![60, 120, 300, 900].contains(&alarm.period) {
            export.refuse(what(&format!(
                "period {} s: ESS takes 60, 120, 300 or 900",
                alarm.period
            )));
        }
        if alarm.datapoints.is_some() {
            export.refuse(what(
                "datapoints (M out of N): ESS counts consecutive periods",
            ));
        }
        if alarm.missing_data.is_some() || alarm.interval.is_some() {
            export.refuse(what(
                "missing_data / evaluation_interval: CloudWatch's; ESS checks consecutive periods",
            ));
        }
        let rule = &group.rules[alarm.rule];
        let mut block = Block::new(
            "resource",
            &[
                "alicloud_ess_alarm",
                &label(&format!("{}-{}", group.name, alarm.name)),
            ],
        );
        block
            .set("name", Expr::text(&alarm.name))
            .set("scaling_group_id", group_id.clone())
            .set(
                "alarm_actions",
                Expr::List(vec![Expr::Reference(format!(
                    "alicloud_ess_scaling_rule.{}.ari",
                    rule_label(&rule.name)
                ))]),
            )
            .set("metric_type", Expr::text("system"))
            .set("metric_name", Expr::text("CpuUtilization"))
            .set("period", Expr::number(alarm.period as f64))
            .set("statistics", Expr::text(statistic_name(alarm.statistic)))
            .set(
                "threshold",
                Expr::text(crate::number::exact(alarm.threshold)),
            )
            .set("comparison_operator", Expr::text(alarm.comparison.symbol()))
            .set("evaluation_count", Expr::number(alarm.periods));
        export.blocks.push(block);
    }
    for task in &group.scheduled {
        alibaba_task(export, group, task, &group_id, &rule_label);
    }
}

fn alibaba_task(
    export: &mut Export<'_>,
    group: &ScalingGroup,
    task: &ScheduledTask,
    group_id: &Expr,
    rule_label: &dyn Fn(&str) -> String,
) {
    let clock = &export.scenario.clock;
    let utc = |time: u64| {
        clock
            .at(time)
            .to_utc()
            .format("%Y-%m-%dT%H:%MZ")
            .to_string()
    };
    let mut block = Block::new(
        "resource",
        &[
            "alicloud_ess_scheduled_task",
            &label(&format!("{}-{}", group.name, task.name)),
        ],
    );
    block.set("scheduled_task_name", Expr::text(&task.name));
    match &task.recurrence {
        Recurrence::Cron {
            pattern, timezone, ..
        } => {
            if timezone.name() != "UTC" {
                export.refuse(format!(
                    "group {}: scheduled task {}: timezone {}: ESS reads a cron recurrence in UTC; write the task in \"UTC\"",
                    group.name,
                    task.name,
                    timezone.name()
                ));
            }
            block
                .set("launch_time", Expr::text(utc(0)))
                .set("recurrence_type", Expr::text("Cron"))
                .set("recurrence_value", Expr::text(pattern));
            if let Some(end) = task.end {
                block.set("recurrence_end_time", Expr::text(utc(end)));
            }
        }
        Recurrence::Once(at) => {
            block.set("launch_time", Expr::text(utc(*at)));
        }
    }
    block.set(
        "launch_expiration_time",
        Expr::number(task.launch_expiration as f64),
    );
    match task.action {
        TaskAction::RunRule(index) => {
            block.set(
                "scheduled_action",
                Expr::Reference(format!("alicloud_ess_scaling_rule.{}.ari", rule_label(&group.rules[index].name))),
            );
        }
        TaskAction::SetCapacity { min, max, desired } => {
            block.set("scaling_group_id", group_id.clone());
            for (key, value) in [("min_value", min), ("max_value", max), ("desired_capacity", desired)] {
                if let Some(value) = value {
                    block.set(key, Expr::number(value));
                }
            }
        }
        TaskAction::Activate(_) => export.refuse(format!(
            "group {}: scheduled task {}: switching scaling configurations on a schedule has no alicloud_ess_scheduled_task argument",
            group.name, task.name
        )),
    }
    block.set("task_enabled", Expr::Bool(true));
    export.blocks.push(block);
}
