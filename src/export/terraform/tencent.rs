//! tencentcloudstack/tencentcloud: `tencentcloud_as_scaling_config`, `tencentcloud_as_scaling_group`,
//! `tencentcloud_as_scaling_policy`, `tencentcloud_as_schedule`.

use super::*;
const TENCENT_IMAGE: Variable = (
    "image_id",
    "string",
    "the image the launch configuration boots",
);
const TENCENT_VPC: Variable = ("vpc_id", "string", "the VPC of the scaling group");
const TENCENT_SUBNETS: Variable = (
    "subnet_ids",
    "list(string)",
    "subnets the group launches into",
);

pub(super) fn group(export: &mut Export<'_>, group: &ScalingGroup) {
    hpa_refusal(export, group);
    hook_refusal(export, group, "Tencent");
    let id = label(&group.name);
    let kinds = types(export, group);
    if kinds.iter().any(|(_, weight, _)| *weight != 1) {
        export.refuse(format!(
            "group {}: instance weights: Tencent AS counts instances",
            group.name
        ));
    }
    // SPOTPAID makes every instance preemptible; a partial mix has no argument here.
    let charge = match group.mix {
        None => "POSTPAID_BY_HOUR",
        Some(mix) if mix.on_demand_base == 0 && mix.on_demand_above_base == 0.0 => "SPOTPAID",
        Some(_) => {
            export.refuse(format!(
                "group {}: mix: the tencentcloud provider's group documents no spot mixed allocation arguments (only an all-preemptible SPOTPAID configuration)",
                group.name
            ));
            "POSTPAID_BY_HOUR"
        }
    };
    let image = export.variable(TENCENT_IMAGE);
    let mut config = Block::new("resource", &["tencentcloud_as_scaling_config", &id]);
    config
        .set("configuration_name", Expr::text(&group.name))
        .set("image_id", image)
        .set(
            "instance_types",
            Expr::List(kinds.iter().map(|(name, _, _)| Expr::text(name)).collect()),
        )
        .set("instance_charge_type", Expr::text(charge));
    export.blocks.push(config);
    let (vpc, subnets) = (
        export.variable(TENCENT_VPC),
        export.variable(TENCENT_SUBNETS),
    );
    let mut asg = Block::new("resource", &["tencentcloud_as_scaling_group", &id]);
    asg.set("scaling_group_name", Expr::text(&group.name))
        .set(
            "configuration_id",
            Expr::Reference(format!("tencentcloud_as_scaling_config.{id}.id")),
        )
        .set("min_size", Expr::number(group.min))
        .set("max_size", Expr::number(group.max))
        .set("desired_capacity", Expr::number(group.desired))
        .set(
            "default_cooldown",
            Expr::number(group.default_cooldown as f64),
        )
        .set("vpc_id", vpc)
        .set("subnet_ids", subnets);
    zones_comment(export, &mut asg, group, "subnet_ids");
    zone_policy_argument(
        export,
        &mut asg,
        group,
        ("multi_zone_subnet_policy", "EQUALITY"),
        "zone_rebalance: Tencent does not rebalance zones",
        "zone_policy \"balanced_only\": Tencent's EQUALITY falls back to other zones (\"balanced\")",
    );
    // ScalingMode: WAKE_UP_STOPPED_SCALING is the pool filled by scale-ins.
    match &group.warm_pool {
        Some(pool) if pool.fill == PoolFill::ScaleIn => {
            asg.set("scaling_mode", Expr::text("WAKE_UP_STOPPED_SCALING"));
        }
        Some(_) => export.refuse(format!(
            "group {}: warm_pool fill = \"prepared\": Tencent has no prepared pool (its WAKE_UP_STOPPED_SCALING is fill = \"scale_in\")",
            group.name
        )),
        None => {}
    }
    // RetryPolicy: the provider takes IMMEDIATE_RETRY or INCREMENTAL_INTERVALS (its default
    // IMMEDIATE_RETRY); the intervals are Tencent's own, not settings.
    match &group.retry_policy {
        Some(RetryPolicy::ImmediateRetry { .. }) => {
            asg.set("retry_policy", Expr::text("IMMEDIATE_RETRY"));
        }
        Some(RetryPolicy::IncrementalIntervals { .. }) => {
            asg.set("retry_policy", Expr::text("INCREMENTAL_INTERVALS"));
        }
        Some(RetryPolicy::NoRetry) => export.refuse(format!(
            "group {}: retry_policy \"no_retry\": the tencentcloud provider takes IMMEDIATE_RETRY or INCREMENTAL_INTERVALS",
            group.name
        )),
        // Only a group that can run short of stock behaves differently.
        None if can_run_short(export.scenario, group) => export.refuse(format!(
            "group {}: no retry_policy: Tencent retries a scale-out short of stock (IMMEDIATE_RETRY by default) where this scenario drops desired; set retry_policy",
            group.name
        )),
        None => {}
    }
    // Tencent takes one policy: OLDEST_INSTANCE or NEWEST_INSTANCE.
    match group.removal_policy.as_slice() {
        [RemovalPolicy::OldestInstance] => {
            asg.set("termination_policies", Expr::List(vec![Expr::text("OLDEST_INSTANCE")]));
        }
        [RemovalPolicy::NewestInstance] => {
            asg.set("termination_policies", Expr::List(vec![Expr::text("NEWEST_INSTANCE")]));
        }
        other => export.refuse(format!(
            "group {}: removal_policy {}: Tencent offers one of OLDEST_INSTANCE and NEWEST_INSTANCE",
            group.name,
            removal_list(other)
        )),
    }
    world_comment(&mut asg, group);
    export.blocks.push(asg);
    for tracking in &group.target_tracking {
        if tracking.scale_in_cooldown.is_some() {
            export.refuse(format!(
                "group {}: rule {}: scale_in_cooldown: Application Auto Scaling's; the group's target tracking has none (it waits for warmup)",
                group.name, tracking.name
            ));
        }
        export.refuse(format!(
            "group {}: rule {}: target tracking: the tencentcloud provider's tencentcloud_as_scaling_policy has no target tracking arguments",
            group.name, tracking.name
        ));
    }
    if let Some(predictive) = &group.predictive {
        export.refuse(format!(
            "group {}: rule {}: Tencent AS has no predictive scaling",
            group.name, predictive.name
        ));
    }
    // A Tencent alarm policy is a rule with its one alarm embedded.
    for (index, rule) in group.rules.iter().enumerate() {
        if rule.steps.is_some() {
            export.refuse(format!(
                "group {}: rule {}: step rules: Tencent AS has simple alarm policies only",
                group.name, rule.name
            ));
            continue;
        }
        let alarms: Vec<&AlarmTask> = group
            .alarms
            .iter()
            .filter(|alarm| alarm.rule == index)
            .collect();
        let scheduled = group
            .scheduled
            .iter()
            .any(|task| task.action == TaskAction::RunRule(index));
        if alarms.is_empty() && !scheduled {
            export.refuse(format!(
                "group {}: rule {}: run by no alarm: a Tencent alarm policy needs one",
                group.name, rule.name
            ));
        }
        let (kind, value, magnitude) = adjustment(
            export,
            group,
            rule,
            [
                "CHANGE_IN_CAPACITY",
                "PERCENT_CHANGE_IN_CAPACITY",
                "EXACT_CAPACITY",
            ],
        );
        if magnitude > 0 {
            export.refuse(format!(
                "group {}: rule {}: min_adjustment: Tencent has no minimum adjustment",
                group.name, rule.name
            ));
        }
        for alarm in alarms {
            let what = |text: &str| format!("group {}: alarm {}: {text}", group.name, alarm.name);
            average_min_max(export, group, alarm, "Tencent");
            if alarm.metric != Metric::Cpu {
                export.refuse(what(
                    "Tencent alarm policies watch CPU, memory or traffic, not request rates",
                ));
            }
            if ![60, 300].contains(&alarm.period) {
                export.refuse(what(&format!(
                    "period {} s: Tencent takes 60 or 300",
                    alarm.period
                )));
            }
            if !(1..=10).contains(&alarm.periods) {
                export.refuse(what(&format!(
                    "periods {}: Tencent's continuous_time is 1 to 10",
                    alarm.periods
                )));
            }
            if alarm.datapoints.is_some() {
                export.refuse(what(
                    "datapoints (M out of N): Tencent counts consecutive periods",
                ));
            }
            if alarm.missing_data.is_some() || alarm.interval.is_some() {
                export.refuse(what(
                    "missing_data / evaluation_interval: CloudWatch's; Tencent checks consecutive periods",
                ));
            }
            if whole(alarm.threshold).is_none() {
                export.refuse(what(&format!(
                    "threshold {}: the provider's threshold is an integer",
                    alarm.threshold
                )));
            }
            let name = if group
                .alarms
                .iter()
                .filter(|other| other.rule == index)
                .count()
                > 1
            {
                format!("{}-{}", rule.name, alarm.name)
            } else {
                rule.name.clone()
            };
            let mut policy = Block::new(
                "resource",
                &[
                    "tencentcloud_as_scaling_policy",
                    &label(&format!("{}-{name}", group.name)),
                ],
            );
            policy
                .set(
                    "scaling_group_id",
                    Expr::Reference(format!("tencentcloud_as_scaling_group.{id}.id")),
                )
                .set("policy_name", Expr::text(&name))
                .set("adjustment_type", Expr::text(kind))
                .set("adjustment_value", Expr::number(value))
                .set(
                    "comparison_operator",
                    Expr::text(match alarm.comparison {
                        Comparison::Greater => "GREATER_THAN",
                        Comparison::GreaterOrEqual => "GREATER_THAN_OR_EQUAL_TO",
                        Comparison::Less => "LESS_THAN",
                        Comparison::LessOrEqual => "LESS_THAN_OR_EQUAL_TO",
                        Comparison::Equal => "EQUAL_TO",
                        Comparison::NotEqual => "NOT_EQUAL_TO",
                    }),
                )
                .set("metric_name", Expr::text("CPU_UTILIZATION"))
                .set("threshold", Expr::number(alarm.threshold))
                .set("period", Expr::number(alarm.period as f64))
                .set("continuous_time", Expr::number(alarm.periods))
                .set(
                    "statistic",
                    Expr::text(match alarm.statistic {
                        Statistic::Average => "AVERAGE",
                        Statistic::Maximum => "MAXIMUM",
                        Statistic::Minimum => "MINIMUM",
                        Statistic::Sum | Statistic::SampleCount => "",
                    }),
                )
                .set(
                    "cooldown",
                    Expr::number(rule.cooldown.unwrap_or(group.default_cooldown) as f64),
                );
            export.blocks.push(policy);
        }
    }
    for task in &group.scheduled {
        let TaskAction::SetCapacity { min, max, desired } = task.action else {
            export.refuse(format!(
                "group {}: scheduled task {}: Tencent scheduled actions set min, max and desired only",
                group.name, task.name
            ));
            continue;
        };
        let (Some(min), Some(max), Some(desired)) = (min, max, desired) else {
            export.refuse(format!(
                "group {}: scheduled task {}: Tencent scheduled actions set all of min, max and desired",
                group.name, task.name
            ));
            continue;
        };
        let mut block = Block::new(
            "resource",
            &[
                "tencentcloud_as_schedule",
                &label(&format!("{}-{}", group.name, task.name)),
            ],
        );
        block
            .set(
                "scaling_group_id",
                Expr::Reference(format!("tencentcloud_as_scaling_group.{id}.id")),
            )
            .set("schedule_action_name", Expr::text(&task.name))
            .set("max_size", Expr::number(max))
            .set("min_size", Expr::number(min))
            .set("desired_capacity", Expr::number(desired));
        let clock = &export.scenario.clock;
        match &task.recurrence {
            Recurrence::Cron {
                pattern, timezone, ..
            } => {
                if timezone.name() != "Etc/GMT-8" && timezone.name() != "Asia/Shanghai" {
                    export.refuse(format!(
                        "group {}: scheduled task {}: timezone {}: Tencent's recurrence is read in the offset of its start time; write the task in \"Asia/Shanghai\" (UTC+8)",
                        group.name, task.name, timezone.name()
                    ));
                }
                block
                    .set(
                        "start_time",
                        Expr::text(schedule_time(clock, 0, Some(*timezone)).to_rfc3339()),
                    )
                    .set("recurrence", Expr::text(pattern));
            }
            Recurrence::Once(at) => {
                block.set(
                    "start_time",
                    Expr::text(
                        schedule_time(clock, *at, Some(chrono_tz::Asia::Shanghai)).to_rfc3339(),
                    ),
                );
            }
        }
        if let Some(end) = task.end {
            block.set(
                "end_time",
                Expr::text(schedule_time(clock, end, Some(chrono_tz::Asia::Shanghai)).to_rfc3339()),
            );
        }
        export.blocks.push(block);
    }
}
