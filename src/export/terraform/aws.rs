//! hashicorp/aws: `aws_autoscaling_group`, `aws_autoscaling_policy`, `aws_autoscaling_schedule`,
//! `aws_cloudwatch_metric_alarm`.

use super::*;
const AWS_LAUNCH_TEMPLATE: Variable = (
    "launch_template_id",
    "string",
    "the launch template (image, network settings) of the instances",
);
const AWS_SUBNETS: Variable = (
    "subnet_ids",
    "list(string)",
    "subnets the group launches into",
);
const AWS_TARGET_LABEL: Variable = (
    "alb_target_group_resource_label",
    "string",
    "app/<load-balancer>/<id>/targetgroup/<target-group>/<id>, for ALBRequestCountPerTarget",
);
const AWS_LOAD_BALANCER: Variable = (
    "alb_arn_suffix",
    "string",
    "app/<load-balancer>/<id>, the LoadBalancer dimension of RequestCount",
);
const AWS_TARGET_GROUP: Variable = (
    "alb_target_group_arn_suffix",
    "string",
    "targetgroup/<target-group>/<id>, the TargetGroup dimension of RequestCountPerTarget",
);

pub(super) fn group(export: &mut Export<'_>, group: &ScalingGroup) {
    retry_refusal(export, group, "AWS");
    hpa_refusal(export, group);
    let id = label(&group.name);
    let kinds = types(export, group);
    let mut asg = Block::new("resource", &["aws_autoscaling_group", &id]);
    asg.set("name", Expr::text(&group.name))
        .set("min_size", Expr::number(group.min))
        .set("max_size", Expr::number(group.max))
        .set("desired_capacity", Expr::number(group.desired))
        .set(
            "default_cooldown",
            Expr::number(group.default_cooldown as f64),
        )
        .set(
            "termination_policies",
            Expr::List(
                group
                    .removal_policy
                    .iter()
                    .filter_map(|policy| {
                        let name = aws_termination(*policy);
                        if name.is_none() {
                            export.refuse(format!(
                                "group {}: removal_policy \"{}\": AWS has no policy ranking configurations by creation (OldestLaunchTemplate takes the non-current template first: write \"oldest_launch_template\")",
                                group.name,
                                policy.as_str()
                            ));
                        }
                        name.map(Expr::text)
                    })
                    .collect(),
            ),
        );
    let subnets = export.variable(AWS_SUBNETS);
    asg.set("vpc_zone_identifier", subnets);
    zones_comment(export, &mut asg, group, "subnet_ids");
    zone_refusal(export, group, |policy, _| {
        (policy == ZonePolicy::Priority).then_some(
            "zone_policy \"priority\": AWS always balances its Availability Zones (balanced-best-effort or balanced-only)",
        )
    });
    if group.zones.len() >= 2 {
        // AWS "Auto Scaling group Availability Zone distribution"; AZRebalance runs unless
        // suspended.
        let strategy = match group.zone_policy {
            ZonePolicy::BalancedOnly => "balanced-only",
            _ => "balanced-best-effort",
        };
        let mut distribution = Block::new("availability_zone_distribution", &[]);
        distribution.set("capacity_distribution_strategy", Expr::text(strategy));
        asg.block(distribution);
        if !group.zone_rebalance {
            asg.set(
                "suspended_processes",
                Expr::List(vec![Expr::text("AZRebalance")]),
            );
        }
    }
    world_comment(&mut asg, group);
    // Instance types in priority order (prioritized on-demand allocation), with weights and
    // the on-demand base and share.
    let template = export.variable(AWS_LAUNCH_TEMPLATE);
    let mut mixed = Block::new("mixed_instances_policy", &[]);
    let mut distribution = Block::new("instances_distribution", &[]);
    let (base, above) = group.mix.map_or((0.0, 100.0), |mix| {
        (mix.on_demand_base as f64, mix.on_demand_above_base * 100.0)
    });
    if whole(above).is_none() {
        export.refuse(format!(
            "group {}: mix.on_demand_above_base {}: AWS takes a whole percent",
            group.name,
            above / 100.0
        ));
    }
    distribution
        .set("on_demand_allocation_strategy", Expr::text("prioritized"))
        .set("on_demand_base_capacity", Expr::number(base))
        .set(
            "on_demand_percentage_above_base_capacity",
            Expr::number(above),
        );
    if above < 100.0 {
        // Honours the overrides' priority on a best-effort basis: scaleplan launches preemptible
        // instances in priority order.
        distribution.set(
            "spot_allocation_strategy",
            Expr::text("capacity-optimized-prioritized"),
        );
    }
    mixed.block(distribution);
    let mut launch = Block::new("launch_template", &[]);
    let mut specification = Block::new("launch_template_specification", &[]);
    specification
        .set("launch_template_id", template)
        .set("version", Expr::text("$Latest"));
    launch.block(specification);
    for (name, weight, _) in &kinds {
        let mut item = Block::new("override", &[]);
        item.set("instance_type", Expr::text(name))
            .set("weighted_capacity", Expr::text(weight.to_string()));
        launch.block(item);
    }
    mixed.block(launch);
    asg.block(mixed);
    // aws_autoscaling_group's warm_pool block (PutWarmPool); Tencent's fill has no AWS form.
    if let Some(pool) = &group.warm_pool {
        if pool.fill == PoolFill::ScaleIn {
            export.refuse(format!(
                "group {}: warm_pool fill = \"scale_in\": Tencent's WAKE_UP_STOPPED_SCALING; an AWS warm pool is prepared (fill = \"prepared\")",
                group.name
            ));
        }
        let mut warm = Block::new("warm_pool", &[]);
        warm.set(
            "pool_state",
            Expr::text(match pool.state {
                PoolState::Stopped => "Stopped",
                PoolState::Hibernated => "Hibernated",
                PoolState::Running => "Running",
            }),
        )
        .set("min_size", Expr::number(pool.min_size));
        if let Some(max) = pool.max_prepared_capacity {
            warm.set("max_group_prepared_capacity", Expr::number(max));
        }
        let mut reuse = Block::new("instance_reuse_policy", &[]);
        reuse.set("reuse_on_scale_in", Expr::Bool(pool.reuse_on_scale_in));
        warm.block(reuse);
        asg.block(warm);
    }
    export.blocks.push(asg);
    let group_name = Expr::Reference(format!("aws_autoscaling_group.{id}.name"));
    // aws_autoscaling_lifecycle_hook; `completes_after` is the action's own timing (the
    // user's script), not a setting: a comment says so.
    for hook in &group.lifecycle_hooks {
        let mut block = Block::new(
            "resource",
            &[
                "aws_autoscaling_lifecycle_hook",
                &label(&format!("{}-{}", group.name, hook.name)),
            ],
        );
        block
            .set("name", Expr::text(&hook.name))
            .set("autoscaling_group_name", group_name.clone())
            .set(
                "lifecycle_transition",
                Expr::text(match hook.transition {
                    HookTransition::Launching => "autoscaling:EC2_INSTANCE_LAUNCHING",
                    HookTransition::Terminating => "autoscaling:EC2_INSTANCE_TERMINATING",
                }),
            )
            .set(
                "heartbeat_timeout",
                Expr::number(hook.heartbeat_timeout as f64),
            )
            .set(
                "default_result",
                Expr::text(match hook.default_result {
                    HookResult::Continue => "CONTINUE",
                    HookResult::Abandon => "ABANDON",
                }),
            );
        export.blocks.push(block);
    }
    for rule in &group.rules {
        let mut policy = Block::new(
            "resource",
            &[
                "aws_autoscaling_policy",
                &label(&format!("{}-{}", group.name, rule.name)),
            ],
        );
        policy
            .set("name", Expr::text(&rule.name))
            .set("autoscaling_group_name", group_name.clone());
        let (kind, value, magnitude) = adjustment(
            export,
            group,
            rule,
            [
                "ChangeInCapacity",
                "PercentChangeInCapacity",
                "ExactCapacity",
            ],
        );
        match &rule.steps {
            None => {
                policy
                    .set("policy_type", Expr::text("SimpleScaling"))
                    .set("adjustment_type", Expr::text(kind))
                    .set("scaling_adjustment", Expr::number(value));
                if let Some(cooldown) = rule.cooldown {
                    policy.set("cooldown", Expr::number(cooldown as f64));
                }
            }
            Some(steps) => {
                let statistic = group
                    .alarms
                    .iter()
                    .find(|alarm| group.rules[alarm.rule].name == rule.name)
                    .map_or(Statistic::Average, |alarm| alarm.statistic);
                // MetricAggregationType takes Average, Maximum or Minimum only.
                let statistic = match statistic {
                    Statistic::Sum | Statistic::SampleCount => Statistic::Average,
                    other => other,
                };
                policy
                    .set("policy_type", Expr::text("StepScaling"))
                    .set("adjustment_type", Expr::text(kind))
                    .set(
                        "estimated_instance_warmup",
                        Expr::number(steps.warmup as f64),
                    )
                    .set(
                        "metric_aggregation_type",
                        Expr::text(statistic_name(statistic)),
                    );
                for step in &steps.steps {
                    let mut block = Block::new("step_adjustment", &[]);
                    block.set("scaling_adjustment", Expr::number(step.value));
                    if let Some(lower) = step.lower {
                        block.set(
                            "metric_interval_lower_bound",
                            Expr::text(crate::number::exact(lower)),
                        );
                    }
                    if let Some(upper) = step.upper {
                        block.set(
                            "metric_interval_upper_bound",
                            Expr::text(crate::number::exact(upper)),
                        );
                    }
                    if whole(step.value).is_none() {
                        export.refuse(format!(
                            "group {}: rule {}: step value {} is not whole",
                            group.name, rule.name, step.value
                        ));
                    }
                    policy.block(block);
                }
            }
        }
        if magnitude > 0 {
            policy.set("min_adjustment_magnitude", Expr::number(magnitude));
        }
        export.blocks.push(policy);
    }
    for tracking in &group.target_tracking {
        if tracking.scale_in_cooldown.is_some() {
            export.refuse(format!(
                "group {}: rule {}: scale_in_cooldown: Application Auto Scaling's; the group's target tracking has none (it waits for warmup)",
                group.name, tracking.name
            ));
        }
        if (
            tracking.scale_in_ratio,
            tracking.scale_out_periods,
            tracking.scale_in_periods,
        ) != (0.9, 3, 15)
        {
            export.refuse(format!(
                "group {}: rule {}: scale_in_ratio / scale_out_periods / scale_in_periods differ from AWS's own alarms (0.9, 3, 15), which the provider cannot set",
                group.name, tracking.name
            ));
        }
        let mut policy = Block::new(
            "resource",
            &[
                "aws_autoscaling_policy",
                &label(&format!("{}-{}", group.name, tracking.name)),
            ],
        );
        policy
            .set("name", Expr::text(&tracking.name))
            .set("autoscaling_group_name", group_name.clone())
            .set("policy_type", Expr::text("TargetTrackingScaling"))
            .set(
                "estimated_instance_warmup",
                Expr::number(tracking.warmup as f64),
            );
        let mut configuration = Block::new("target_tracking_configuration", &[]);
        let mut predefined = Block::new("predefined_metric_specification", &[]);
        let target = match tracking.metric {
            Metric::Cpu => {
                predefined.set(
                    "predefined_metric_type",
                    Expr::text("ASGAverageCPUUtilization"),
                );
                tracking.target
            }
            Metric::RequestsPerInstance => {
                let resource = export.variable(AWS_TARGET_LABEL);
                predefined
                    .set(
                        "predefined_metric_type",
                        Expr::text("ALBRequestCountPerTarget"),
                    )
                    .set("resource_label", resource);
                configuration.comment(
                    "ALBRequestCountPerTarget counts per minute: the target per second x 60",
                );
                tracking.target * 60.0
            }
            Metric::RequestRate => {
                export.refuse(format!(
                    "group {}: rule {}: target tracking on request_rate (a total)",
                    group.name, tracking.name
                ));
                tracking.target
            }
        };
        configuration
            .block(predefined)
            .set("target_value", Expr::number(target))
            .set("disable_scale_in", Expr::Bool(tracking.disable_scale_in));
        policy.block(configuration);
        export.blocks.push(policy);
    }
    if let Some(predictive) = &group.predictive {
        if predictive.history != 14 * 86_400 {
            export.refuse(format!(
                "group {}: rule {}: history: AWS forecasts from up to 14 days, which the provider cannot set",
                group.name, predictive.name
            ));
        }
        let mut policy = Block::new(
            "resource",
            &[
                "aws_autoscaling_policy",
                &label(&format!("{}-{}", group.name, predictive.name)),
            ],
        );
        policy
            .set("name", Expr::text(&predictive.name))
            .set("autoscaling_group_name", group_name.clone())
            .set("policy_type", Expr::text("PredictiveScaling"));
        let mut configuration = Block::new("predictive_scaling_configuration", &[]);
        let mut specification = Block::new("metric_specification", &[]);
        let mut pair = Block::new("predefined_metric_pair_specification", &[]);
        pair.set("predefined_metric_type", Expr::text("ASGCPUUtilization"));
        specification
            .set("target_value", Expr::number(predictive.target_cpu))
            .block(pair);
        configuration
            .block(specification)
            .set(
                "mode",
                Expr::text(match predictive.mode {
                    PredictiveMode::ForecastAndScale => "ForecastAndScale",
                    PredictiveMode::ForecastOnly => "ForecastOnly",
                }),
            )
            .set(
                "scheduling_buffer_time",
                Expr::number(predictive.buffer as f64),
            )
            .set(
                "max_capacity_breach_behavior",
                Expr::text(match predictive.max_capacity_breach {
                    MaxCapacityBreach::Honor => "HonorMaxCapacity",
                    MaxCapacityBreach::Increase => "IncreaseMaxCapacity",
                }),
            );
        if predictive.max_capacity_breach == MaxCapacityBreach::Increase {
            configuration.set(
                "max_capacity_buffer",
                Expr::number(predictive.max_capacity_buffer),
            );
        }
        policy.block(configuration);
        export.blocks.push(policy);
    }
    for alarm in &group.alarms {
        let rule = &group.rules[alarm.rule];
        let mut block = Block::new(
            "resource",
            &[
                "aws_cloudwatch_metric_alarm",
                &label(&format!("{}-{}", group.name, alarm.name)),
            ],
        );
        block
            .set("alarm_name", Expr::text(&alarm.name))
            .set(
                "comparison_operator",
                Expr::text(aws_comparison(alarm.comparison).unwrap_or_else(|| {
                    export.refuse(format!(
                        "group {}: alarm {}: comparison {}: CloudWatch has no equality operator",
                        group.name,
                        alarm.name,
                        alarm.comparison.symbol()
                    ));
                    ""
                })),
            )
            .set("evaluation_periods", Expr::number(alarm.periods));
        if let Some(datapoints) = alarm.datapoints {
            block.set("datapoints_to_alarm", Expr::number(datapoints));
        }
        if let Some(treatment) = alarm.missing_data {
            block.set(
                "treat_missing_data",
                Expr::text(aws_missing_data(treatment)),
            );
        }
        // CloudWatch evaluates every minute over the last period (user guide, "Evaluating an
        // alarm"): an alarm simulated on another cadence would fire at other times there.
        if alarm.period > 60 && alarm.interval != Some(60) {
            export.refuse(format!(
                "group {}: alarm {}: evaluated {}: CloudWatch evaluates every minute over the last period (set evaluation_interval = \"1m\" and rerun)",
                group.name,
                alarm.name,
                alarm.interval.map_or_else(
                    || format!("once per {} period", format_duration(alarm.period)),
                    |interval| format!("every {}", format_duration(interval))
                )
            ));
        }
        let (namespace, metric, statistic, threshold, dimensions) = match alarm.metric {
            Metric::Cpu => (
                "AWS/EC2",
                "CPUUtilization",
                statistic_name(alarm.statistic),
                alarm.threshold,
                Expr::Object(vec![("AutoScalingGroupName".into(), group_name.clone())]),
            ),
            Metric::RequestRate | Metric::RequestsPerInstance => {
                if !matches!(alarm.statistic, Statistic::Average | Statistic::Sum) {
                    export.refuse(format!(
                        "group {}: alarm {}: the {} of a request rate: CloudWatch's ALB request counts are per-period sums (write sum, or average for a rate)",
                        group.name,
                        alarm.name,
                        alarm.statistic.as_str()
                    ));
                }
                let (metric, dimension, variable) = if alarm.metric == Metric::RequestRate {
                    ("RequestCount", "LoadBalancer", AWS_LOAD_BALANCER)
                } else {
                    ("RequestCountPerTarget", "TargetGroup", AWS_TARGET_GROUP)
                };
                let threshold = if alarm.statistic == Statistic::Sum {
                    alarm.threshold
                } else {
                    block.comment(format!(
                        "{metric} is a count per period: the rate per second x {} s",
                        alarm.period
                    ));
                    alarm.threshold * alarm.period as f64
                };
                let value = export.variable(variable);
                (
                    "AWS/ApplicationELB",
                    metric,
                    "Sum",
                    threshold,
                    Expr::Object(vec![(dimension.into(), value)]),
                )
            }
        };
        block
            .set("namespace", Expr::text(namespace))
            .set("metric_name", Expr::text(metric))
            .set("statistic", Expr::text(statistic))
            .set("period", Expr::number(alarm.period as f64))
            .set("threshold", Expr::number(threshold))
            .set("dimensions", dimensions)
            .set(
                "alarm_actions",
                Expr::List(vec![Expr::Reference(format!(
                    "aws_autoscaling_policy.{}.arn",
                    label(&format!("{}-{}", group.name, rule.name))
                ))]),
            );
        export.blocks.push(block);
    }
    for task in &group.scheduled {
        let TaskAction::SetCapacity { min, max, desired } = task.action else {
            export.refuse(format!(
                "group {}: scheduled task {}: it runs a rule or switches configurations; AWS scheduled actions set min, max and desired only",
                group.name, task.name
            ));
            continue;
        };
        let mut block = Block::new(
            "resource",
            &[
                "aws_autoscaling_schedule",
                &label(&format!("{}-{}", group.name, task.name)),
            ],
        );
        block
            .set("scheduled_action_name", Expr::text(&task.name))
            .set("autoscaling_group_name", group_name.clone());
        // The provider sends an omitted size as 0 and leaves a size unchanged only at -1
        // (registry.terraform.io/providers/hashicorp/aws, aws_autoscaling_schedule: "Set to
        // -1 if you don't want to change the minimum size at the scheduled time"), so a size
        // the task leaves alone is written as -1, never left out.
        for (key, value) in [
            ("min_size", min),
            ("max_size", max),
            ("desired_capacity", desired),
        ] {
            block.set(key, Expr::number(value.map_or(-1.0, f64::from)));
        }
        match &task.recurrence {
            Recurrence::Cron {
                pattern, timezone, ..
            } => {
                block
                    .set("recurrence", Expr::text(pattern))
                    .set("time_zone", Expr::text(timezone.name()));
            }
            Recurrence::Once(at) => {
                block.set(
                    "start_time",
                    Expr::text(
                        export
                            .scenario
                            .clock
                            .at(*at)
                            .to_utc()
                            .format("%Y-%m-%dT%H:%M:%SZ")
                            .to_string(),
                    ),
                );
            }
        }
        if let Some(end) = task.end {
            block.set(
                "end_time",
                Expr::text(
                    export
                        .scenario
                        .clock
                        .at(end)
                        .to_utc()
                        .format("%Y-%m-%dT%H:%M:%SZ")
                        .to_string(),
                ),
            );
        }
        export.blocks.push(block);
    }
}

/// AWS's name of a termination policy; ESS's creation order of configurations has none.
fn aws_termination(policy: RemovalPolicy) -> Option<&'static str> {
    match policy {
        RemovalPolicy::OldestInstance => Some("OldestInstance"),
        RemovalPolicy::NewestInstance => Some("NewestInstance"),
        RemovalPolicy::OldestLaunchTemplate => Some("OldestLaunchTemplate"),
        RemovalPolicy::OldestLaunchConfiguration => Some("OldestLaunchConfiguration"),
        RemovalPolicy::ClosestToNextInstanceHour => Some("ClosestToNextInstanceHour"),
        RemovalPolicy::AllocationStrategy => Some("AllocationStrategy"),
        RemovalPolicy::Default => Some("Default"),
        RemovalPolicy::OldestScalingConfiguration => None,
    }
}

/// CloudWatch's `TreatMissingData` spelling.
fn aws_missing_data(treatment: MissingData) -> &'static str {
    match treatment {
        MissingData::Missing => "missing",
        MissingData::Ignore => "ignore",
        MissingData::Breaching => "breaching",
        MissingData::NotBreaching => "notBreaching",
    }
}

/// CloudWatch's comparison operator; equality has none.
fn aws_comparison(comparison: Comparison) -> Option<&'static str> {
    match comparison {
        Comparison::Greater => Some("GreaterThanThreshold"),
        Comparison::GreaterOrEqual => Some("GreaterThanOrEqualToThreshold"),
        Comparison::Less => Some("LessThanThreshold"),
        Comparison::LessOrEqual => Some("LessThanOrEqualToThreshold"),
        Comparison::Equal | Comparison::NotEqual => None,
    }
}
