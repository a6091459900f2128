//! Tencent Cloud Auto Scaling: `tccli as DescribeAutoScalingGroups`,
//! `DescribeLaunchConfigurations`, `DescribeScalingPolicies` and `DescribeScheduledActions`
//! JSON. tccli prints the response model (`{"AutoScalingGroupSet": [...]}`); the raw API 3.0
//! body wraps it in `Response`: both are accepted.
//!
//! Field meanings follow the AS API 2018-04-19 reference (data types AutoScalingGroup,
//! LaunchConfiguration, ScalingPolicy with its MetricAlarm, ScheduledAction,
//! SpotMixedAllocationPolicy, ServiceSettings) and the product pages cited at each mapping.

use super::ledger::{Fate, Ledger, Node, items_of};
use super::{
    Draft, GroupDraft, ImportSettings, Imported, Table, adjustment, configuration_types,
    group_names, ignored_everywhere, number, quoted, quoted_list, seconds, word,
};
use crate::model::{Metric, RemovalPolicy, Statistic, ZonePolicy};
use serde_json::Value;

/// `ZoneSet` as `zones`, with `MultiZoneSubnetPolicy` (PRIORITY by default: "默认值为
/// PRIORITY"; EQUALITY: "每次选择当前实例数最少的可用区/子网进行扩容").
fn import_zones(group: &Node<'_>, table: &mut Table) {
    let zones: Vec<&str> = group
        .get("ZoneSet")
        .map(|node| node.elements())
        .unwrap_or_default()
        .iter()
        .filter_map(|zone| zone.value.as_str())
        .collect();
    if zones.is_empty() {
        let subnets = group
            .get("SubnetIdSet")
            .map_or(0, |node| node.elements().len());
        if subnets > 1 {
            group.get("SubnetIdSet").unwrap().not_mapped(format!(
                "{subnets} subnets, and no ZoneSet: list the subnets' zones as `zones`"
            ));
        }
        group.read("MultiZoneSubnetPolicy");
        return;
    }
    table.from(
        "zones",
        quoted_list(zones.iter().copied()),
        group,
        "ZoneSet",
    );
    if zones.len() < 2 {
        group.read("MultiZoneSubnetPolicy");
        return;
    }
    match group.text("MultiZoneSubnetPolicy") {
        None => {
            table
                .set("zone_policy", quoted(ZonePolicy::Priority.as_str()), Some(group))
                .note("`MultiZoneSubnetPolicy` is not in the input: Tencent's default, PRIORITY, is assumed");
        }
        Some("PRIORITY") => {
            table.from(
                "zone_policy",
                quoted(ZonePolicy::Priority.as_str()),
                group,
                "MultiZoneSubnetPolicy",
            );
        }
        Some("EQUALITY") => {
            let node = group.get("MultiZoneSubnetPolicy").unwrap();
            table.set(
                "zone_policy",
                quoted(ZonePolicy::Balanced.as_str()),
                Some(&node),
            );
            node.approximated("EQUALITY: launches go to the zone with the fewest instances, as documented; Tencent documents no scale-in order, and scaleplan removes from the zone with the most (AWS, ESS)");
        }
        Some(other) => {
            let node = group.get("MultiZoneSubnetPolicy").unwrap();
            table.set(
                "zone_policy",
                quoted(ZonePolicy::Priority.as_str()),
                Some(&node),
            );
            node.not_mapped(format!(
                "unknown multi-zone policy {other}: Tencent's default, PRIORITY, written"
            ));
        }
    }
}

/// The cloud's comparison operators in scaleplan's words.
const COMPARISONS: &super::Vocabulary = &[
    ("GREATER_THAN", "above"),
    ("GREATER_THAN_OR_EQUAL_TO", "at_or_above"),
    ("LESS_THAN", "below"),
    ("LESS_THAN_OR_EQUAL_TO", "at_or_below"),
    ("EQUAL_TO", "equal_to"),
    ("NOT_EQUAL_TO", "not_equal_to"),
];

/// The cloud's statistics in scaleplan's words.
const STATISTICS: &super::Vocabulary = &[
    ("AVERAGE", Statistic::Average.as_str()),
    ("MAXIMUM", Statistic::Maximum.as_str()),
    ("MINIMUM", Statistic::Minimum.as_str()),
];

/// The documents of one Tencent import.
#[derive(Debug, Clone, Copy)]
pub struct Documents<'a> {
    pub groups: &'a Value,
    pub configurations: Option<&'a Value>,
    pub policies: Option<&'a Value>,
    pub scheduled: Option<&'a Value>,
    /// `tccli monitor DescribeAlarmPolicies`: Cloud Monitor policies whose trigger tasks run
    /// scaling policies.
    pub alarms: Option<&'a Value>,
}

/// The response model inside an API 3.0 body (`Response`), or the document itself; the
/// wrapper's own fields (`RequestId`) are recorded as response metadata.
fn unwrap<'a>(
    ledger: &'a Ledger,
    value: Option<&'a Value>,
    key: &str,
    command: &str,
) -> Result<Option<Node<'a>>, String> {
    let Some(value) = value else {
        return Ok(None);
    };
    let inner = match value.get("Response") {
        Some(response) => {
            if let Some(error) = response.get("Error") {
                return Err(format!(
                    "the {command} file is an error response: {}",
                    error
                        .get("Message")
                        .and_then(Value::as_str)
                        .unwrap_or("no message")
                ));
            }
            if let Some(map) = response.as_object() {
                for other in map.keys().filter(|other| *other != key) {
                    ledger.record(
                        &format!("Response.{other}"),
                        Fate::Ignored("response metadata"),
                    );
                }
            }
            response
        }
        None => value,
    };
    if inner.get(key).is_some_and(Value::is_array) {
        Ok(Some(ledger.root(inner)))
    } else {
        Err(format!(
            "the {command} file has no `{key}` list (use `tccli as {command}` output)"
        ))
    }
}

/// Builds a scenario from the documents.
pub fn import(documents: Documents<'_>, settings: &ImportSettings) -> Result<Imported, String> {
    let ledger = Ledger::default();
    let groups_root = unwrap(
        &ledger,
        Some(documents.groups),
        "AutoScalingGroupSet",
        "DescribeAutoScalingGroups",
    )?
    .unwrap();
    let configurations_root = unwrap(
        &ledger,
        documents.configurations,
        "LaunchConfigurationSet",
        "DescribeLaunchConfigurations",
    )?;
    let policies_root = unwrap(
        &ledger,
        documents.policies,
        "ScalingPolicySet",
        "DescribeScalingPolicies",
    )?;
    let scheduled_root = unwrap(
        &ledger,
        documents.scheduled,
        "ScheduledActionSet",
        "DescribeScheduledActions",
    )?;
    let alarms_root = unwrap(
        &ledger,
        documents.alarms,
        "Policies",
        "DescribeAlarmPolicies",
    )?;
    let groups = groups_root.items("AutoScalingGroupSet", None);
    group_names(&groups, "AutoScalingGroupName", settings)?;
    let configurations = items_of(configurations_root.as_ref(), "LaunchConfigurationSet", None);
    let policies = items_of(policies_root.as_ref(), "ScalingPolicySet", None);
    let actions = items_of(scheduled_root.as_ref(), "ScheduledActionSet", None);
    let alarms = items_of(alarms_root.as_ref(), "Policies", None);
    let mut alarm_owned = vec![false; alarms.len()];
    let group_of = |node: &Node<'_>| {
        node.value
            .get("AutoScalingGroupId")
            .and_then(Value::as_str)
            .map(str::to_string)
    };

    let mut draft = Draft::new("Tencent Cloud Auto Scaling");
    // Tencent: "during the cooldown period the scaling group will not perform any scaling
    // activities" (Cooldown Period FAQ, tencentcloud.com/document/product/377/4166).
    draft.scenario.set("cooldown_blocks", quoted("all"), None).note(
        "Tencent's cooldown blocks every scaling activity (tencentcloud.com/document/product/377/4166)",
    );
    let mut configuration_used = vec![false; configurations.len()];
    let mut owned = vec![false; policies.len() + actions.len()];
    for group in &groups {
        let name = group
            .text("AutoScalingGroupName")
            .unwrap_or("group")
            .to_string();
        let id = group_of(group);
        let belongs: Vec<usize> = policies
            .iter()
            .chain(&actions)
            .enumerate()
            .filter(|(_, item)| id.is_some() && group_of(item) == id)
            .map(|(index, _)| index)
            .collect();
        for &index in &belongs {
            owned[index] = true;
        }
        if !settings.selects(&name) {
            group.not_mapped("group not selected with --group");
            for &index in &belongs {
                policies
                    .iter()
                    .chain(&actions)
                    .nth(index)
                    .unwrap()
                    .not_mapped(format!(
                        "belongs to group {name}, not selected with --group"
                    ));
            }
            continue;
        }
        group.read("AutoScalingGroupId");
        let mut imported = import_group(
            group,
            &name,
            &configurations,
            &mut configuration_used,
            &mut draft,
        );
        let mut simple: Vec<(String, String, Node<'_>)> = Vec::new();
        for policy in policies
            .iter()
            .filter(|policy| id.is_some() && group_of(policy) == id)
        {
            policy.read("AutoScalingGroupId");
            if let Some(rule) = import_policy(policy, &mut imported)
                && let Some(policy_id) = policy
                    .value
                    .get("AutoScalingPolicyId")
                    .and_then(Value::as_str)
            {
                simple.push((policy_id.to_string(), rule, policy.clone()));
            }
        }
        for (index, alarm) in alarms.iter().enumerate() {
            if let Some(group_id) = &id
                && monitor_alarm(alarm, group_id, &simple, &mut imported)
            {
                alarm_owned[index] = true;
            }
        }
        for action in actions
            .iter()
            .filter(|action| id.is_some() && group_of(action) == id)
        {
            action.read("AutoScalingGroupId");
            if let Some(table) = import_action(action, settings) {
                imported.children.push(table);
            }
        }
        draft.groups.push(imported);
    }
    for (configuration, used) in configurations.iter().zip(&configuration_used) {
        if !used {
            configuration.not_mapped("no imported group uses this launch configuration");
        }
    }
    for (item, owned) in policies.iter().chain(&actions).zip(&owned) {
        if !owned {
            item.not_mapped("its AutoScalingGroupId is not a group of the groups file");
        }
    }
    for (alarm, owned) in alarms.iter().zip(&alarm_owned) {
        if !owned {
            alarm.not_mapped(
                "triggers no scaling policy of an imported group (its TriggerTasks name none)",
            );
        }
    }
    let documents: Vec<Node<'_>> = [
        Some(groups_root),
        configurations_root,
        policies_root,
        scheduled_root,
        alarms_root,
    ]
    .into_iter()
    .flatten()
    .collect();
    let items = ledger.finish(&documents, &ignored);
    Ok(Imported {
        toml: draft.render(settings, &items),
        items,
    })
}

/// Fields of Tencent's output with no effect on a simulation.
fn ignored(key: &str) -> Option<&'static str> {
    match key {
        "AutoScalingGroupStatus"
        | "InActivityStatus"
        | "InServiceInstanceCount"
        | "InstanceCount"
        | "LaunchConfigurationStatus"
        | "VersionNumber"
        | "AutoScalingGroupAbstractSet" => Some("current state"),
        "ImageId"
        | "SystemDisk"
        | "DataDisks"
        | "LoginSettings"
        | "InternetAccessible"
        | "SecurityGroupIds"
        | "EnhancedService"
        | "UserData"
        | "CamRoleName"
        | "HostNameSettings"
        | "InstanceNameSettings"
        | "InstanceChargePrepaid"
        | "DiskTypePolicy"
        | "LastOperationInstanceTypesCheckPolicy"
        | "InstanceTypesCheckPolicy"
        | "ProjectId"
        | "IPv6InternetAccessible"
        | "DisasterRecoverGroupIds"
        | "ImageFamily"
        | "Metadata"
        | "InstanceNameIndexSettings"
        | "Ipv6AddressCount"
        | "NotificationUserGroupIds"
        | "SubnetIdSet"
        | "VpcId"
        | "ProjectIds"
        | "DedicatedClusterId"
        | "LaunchConfigurationName"
        | "SubnetIds" => Some("launch, image, disk and network settings"),
        _ => ignored_everywhere(key),
    }
}

fn import_group(
    group: &Node<'_>,
    name: &str,
    configurations: &[Node<'_>],
    used: &mut [bool],
    draft: &mut Draft,
) -> GroupDraft {
    let mut table = Table::new("[[group]]");
    table.set(
        "name",
        quoted(name),
        group.get("AutoScalingGroupName").as_ref(),
    );
    let spot_mixed = group.text("InstanceAllocationPolicy") == Some("SPOT_MIXED");
    // The launch configuration: instance types in priority order and billing.
    let wanted = group.text("LaunchConfigurationId");
    let found = configurations.iter().position(|configuration| {
        configuration
            .value
            .get("LaunchConfigurationId")
            .and_then(Value::as_str)
            == wanted
            && wanted.is_some()
    });
    let mut all_spot = false;
    match found {
        Some(index) => {
            used[index] = true;
            let configuration = &configurations[index];
            configuration.read("LaunchConfigurationId");
            let charge = configuration
                .text("InstanceChargeType")
                .unwrap_or("POSTPAID_BY_HOUR");
            all_spot = charge == "SPOTPAID";
            match charge {
                "POSTPAID_BY_HOUR" | "SPOTPAID" => {}
                other => configuration.get("InstanceChargeType").unwrap().approximated(format!(
                    "{other} instances are billed by subscription; scaleplan bills them pay-as-you-go by the hour's price given"
                )),
            }
            if let Some(market) = configuration.get("InstanceMarketOptions") {
                market.ignore("MarketType", "spot request details");
                if let Some(spot) = market.get("SpotOptions") {
                    spot.skip(
                        "MaxPrice",
                        "a spot bid needs a price trace (instance_types.*.preemptible.price_trace)",
                    );
                    spot.ignore("SpotInstanceType", "spot request details");
                }
            }
            let types = configuration_types(configuration, None);
            for (kind, _) in &types {
                draft.instance_type(kind, None, all_spot || spot_mixed);
            }
            match types.as_slice() {
                [] => {
                    draft.instance_type("imported", None, all_spot || spot_mixed);
                    table.set("instance_type", quoted("imported"), None);
                }
                [(kind, node)] => {
                    table.set("instance_type", quoted(kind), Some(node));
                }
                many => {
                    let names: Vec<String> = many.iter().map(|(kind, _)| quoted(kind)).collect();
                    table.set(
                        "instance_types",
                        format!("[{}]", names.join(", ")),
                        configuration.get("InstanceTypes").as_ref(),
                    );
                    table.note(
                        "InstanceTypes in priority order: a launch takes the first with stock",
                    );
                }
            }
        }
        None => {
            draft.instance_type("imported", None, spot_mixed);
            table.set(
                "instance_type",
                quoted("imported"),
                group.get("LaunchConfigurationId").as_ref(),
            );
            table.note("the launch configuration is not in --configurations: rename the type");
            group.skip(
                "LaunchConfigurationId",
                "its launch configuration is not in --configurations",
            );
        }
    }
    let min = group.number("MinSize").unwrap_or(0.0).max(0.0);
    let max = group.number("MaxSize").unwrap_or(min).max(0.0);
    let desired = group.number("DesiredCapacity").unwrap_or(min);
    table.from("min", number(min), group, "MinSize");
    table.from("max", number(max), group, "MaxSize");
    table.from(
        "desired",
        number(desired.min(max)),
        group,
        "DesiredCapacity",
    );
    let cooldown = group.number("DefaultCooldown").unwrap_or(300.0);
    table.from(
        "default_cooldown",
        seconds(cooldown),
        group,
        "DefaultCooldown",
    );
    if group.get("DefaultCooldown").is_none() {
        table.note("Tencent's default cooldown: 300 s");
    }
    // OLDEST_INSTANCE (default) / NEWEST_INSTANCE; auto-created instances go before manually
    // added ones under both (tencentcloud.com/document/product/377/8563), as scaleplan does.
    if let Some(list) = group.get("TerminationPolicySet") {
        super::import_removal(
            &mut table,
            &list,
            &list.elements(),
            &[
                ("OLDEST_INSTANCE", RemovalPolicy::OldestInstance.as_str()),
                ("NEWEST_INSTANCE", RemovalPolicy::NewestInstance.as_str()),
            ],
        );
    }
    if spot_mixed || all_spot {
        let policy = group.get("SpotMixedAllocationPolicy");
        let value = |key: &str| policy.as_ref().and_then(|node| node.number(key));
        let (base, above) = if all_spot {
            (0.0, 0.0)
        } else {
            (
                value("BaseCapacity").unwrap_or(0.0),
                value("OnDemandPercentageAboveBaseCapacity").unwrap_or(100.0),
            )
        };
        table.set(
            "mix",
            format!(
                "{{ on_demand_base = {}, on_demand_above_base = {} }}",
                number(base),
                number(above / 100.0)
            ),
            policy
                .as_ref()
                .and_then(|policy| policy.get("OnDemandPercentageAboveBaseCapacity"))
                .or_else(|| group.get("InstanceAllocationPolicy"))
                .as_ref(),
        );
        table.note(if all_spot {
            "SPOTPAID launch configuration: every instance preemptible".to_string()
        } else {
            format!("SpotMixedAllocationPolicy: BaseCapacity {}, OnDemandPercentageAboveBaseCapacity {}% as a share", number(base), number(above))
        });
        if let Some(policy) = &policy {
            if let Some(strategy) = policy.get("SpotAllocationStrategy") {
                strategy.approximated(
                    "scaleplan launches preemptible instances in the types' priority order",
                );
            }
            policy.skip(
                "CompensateWithBaseInstance",
                "launching pay-as-you-go when preemptible stock runs out is not modelled",
            );
        }
    }
    group.read("InstanceAllocationPolicy");
    // RetryPolicy (CreateAutoScalingGroup; IMMEDIATE_RETRY when absent). Tencent publishes no
    // intervals: the ones written are placeholders, listed as approximated.
    const PLACEHOLDER: &str = "Tencent does not publish its retry intervals: the ones below are placeholders, set what you observe";
    match group.text("RetryPolicy") {
        None => {
            table
                .set("retry_policy", quoted("immediate_retry"), Some(group))
                .note("`RetryPolicy` is not in the input: Tencent's default IMMEDIATE_RETRY is assumed")
                .set("retry_intervals", "[\"1m\"]".into(), None)
                .note(PLACEHOLDER);
        }
        Some("NO_RETRY") => {
            table.from("retry_policy", quoted("no_retry"), group, "RetryPolicy");
        }
        Some(policy @ ("IMMEDIATE_RETRY" | "INCREMENTAL_INTERVALS")) => {
            let node = group.get("RetryPolicy").unwrap();
            let (name, intervals) = if policy == "IMMEDIATE_RETRY" {
                ("immediate_retry", "[\"1m\"]")
            } else {
                ("incremental_intervals", "[\"1m\", \"10m\", \"1h\", \"1d\"]")
            };
            node.approximated(PLACEHOLDER);
            table
                .set("retry_policy", quoted(name), Some(&node))
                .set("retry_intervals", intervals.into(), Some(&node))
                .note(PLACEHOLDER);
        }
        Some(other) => group
            .get("RetryPolicy")
            .unwrap()
            .not_mapped(format!("unknown retry policy {other}")),
    }
    if let Some(service) = group.get("ServiceSettings") {
        match service.text("ScalingMode") {
            None | Some("CLASSIC_SCALING") => {}
            Some("WAKE_UP_STOPPED_SCALING") => service.get("ScalingMode").unwrap().not_mapped(
                "WAKE_UP_STOPPED_SCALING: its stopped price and start time are not in Tencent's output; write [group.warm_pool] fill = \"scale_in\" with yours",
            ),
            Some(other) => service
                .get("ScalingMode")
                .unwrap()
                .not_mapped(format!("unknown scaling mode {other}")),
        }
        service.skip("ReplaceMonitorUnhealthy", "health replacement is modelled only with [group.health], whose failure rate is not in Tencent's output");
        service.skip("ReplaceLoadBalancerUnhealthy", "health replacement is modelled only with [group.health], whose failure rate is not in Tencent's output");
        service.skip(
            "ReplaceMode",
            "health replacement is modelled only with [group.health]",
        );
        service.skip(
            "DesiredCapacitySyncWithMaxMinSize",
            "not modelled: desired capacity is clamped to min and max",
        );
        service.skip(
            "PriorityScaleInUnhealthy",
            "unhealthy instances are not modelled without [group.health]",
        );
        service.skip(
            "AutoUpdateInstanceTags",
            "tags have no effect on a simulation",
        );
    }
    if let Some(status) = group
        .text("EnabledStatus")
        .filter(|status| *status != "ENABLED")
    {
        group.get("EnabledStatus").unwrap().not_mapped(if status == "DISABLED" {
            "the group is disabled on Tencent (no scaling activity happens); the scenario scales it".to_string()
        } else {
            format!("unknown status {status}")
        });
    } else {
        group.read("EnabledStatus");
    }
    match group.text("HealthCheckType") {
        Some("CLB") => group.get("HealthCheckType").unwrap().not_mapped(
            "load balancer health checks: failures are modelled only with [group.health]",
        ),
        None | Some("CVM") => group.read("HealthCheckType"),
        Some(other) => group
            .get("HealthCheckType")
            .unwrap()
            .not_mapped(format!("unknown health check type {other}")),
    }
    group.skip(
        "LoadBalancerHealthCheckGracePeriod",
        "health checks are modelled only with [group.health] (its `grace`)",
    );
    for key in ["ForwardLoadBalancerSet", "LoadBalancerIdSet"] {
        group.skip(key, "load balancing is modelled as even spreading over in-service instances; set `registration_delay` for the registration time");
    }
    import_zones(group, &mut table);
    group.skip("CapacityRebalance", "capacity rebalancing is not modelled");
    group.skip(
        "LifecycleHookSet",
        "lifecycle hooks are modelled ([[group.lifecycle_hook]]) but not read from this output: add them with their timeout, default result and how long the action takes",
    );
    GroupDraft {
        name: name.to_string(),
        units: desired,
        table,
        children: Vec::new(),
    }
}

/// An alarm policy (SIMPLE, with its embedded MetricAlarm) or a TARGET_TRACKING policy;
/// returns the rule's name when it is a simple rule (Cloud Monitor alarms may run it too).
fn import_policy(policy: &Node<'_>, imported: &mut GroupDraft) -> Option<String> {
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
            let cooldown = policy.number("Cooldown").unwrap_or(300.0);
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
            if let Some(warmup) = policy.number("EstimatedInstanceWarmup") {
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
fn monitor_alarm(
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
fn alarm_task(alarm: &Node<'_>, rule: &str) -> Result<Table, String> {
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
fn import_action(action: &Node<'_>, settings: &ImportSettings) -> Option<Table> {
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
                && super::fires_before(cron, &zone, start, settings)
            {
                action.get("StartTime").unwrap().approximated("the recurrence begins at StartTime, after the run's start; scaleplan also runs its firings before then");
            }
            if let Some(end) = action.text("EndTime") {
                table.from("end", quoted(end), action, "EndTime");
            }
        }
        None => {
            let at = start?;
            if !super::within_run(at, settings) {
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
fn zone_of(at: &str) -> String {
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
