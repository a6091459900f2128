//! Tencent Cloud Auto Scaling: `tccli as DescribeAutoScalingGroups`,
//! `DescribeLaunchConfigurations`, `DescribeScalingPolicies` and `DescribeScheduledActions`
//! JSON. tccli prints the response model (`{"AutoScalingGroupSet": [...]}`); the raw API 3.0
//! body wraps it in `Response`: both are accepted.
//!
//! Field meanings follow the AS API 2018-04-19 reference (data types AutoScalingGroup,
//! LaunchConfiguration, ScalingPolicy with its MetricAlarm, ScheduledAction,
//! SpotMixedAllocationPolicy, ServiceSettings) and the product pages cited at each mapping.

mod policies;

use super::ledger::{Fate, Ledger, Node, items_of};
use super::{
    Draft, GroupDraft, ImportError, ImportSettings, Imported, Table, adjustment,
    configuration_types, group_names, ignored_everywhere, number, quoted, quoted_list, seconds,
    word,
};
use crate::model::{Metric, RemovalPolicy, Statistic, ZonePolicy};
use policies::*;
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
            node.unknown(
                other,
                &["PRIORITY", "EQUALITY"],
                "assumed Tencent's default, PRIORITY (zone_policy = \"priority\")",
            );
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
    key: &'static str,
    command: &str,
) -> Result<Option<Node<'a>>, ImportError> {
    let Some(value) = value else {
        return Ok(None);
    };
    if let Some(error) = super::error_body(value) {
        return Err(ImportError::new(
            key,
            format!("the {command} file is an error response: {error}"),
        ));
    }
    let inner = match value.get("Response") {
        Some(response) => {
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
        Err(ImportError::new(
            key,
            format!("the {command} file has no `{key}` list (use `tccli as {command}` output)"),
        ))
    }
}

/// Builds a scenario from the documents.
pub fn import(
    documents: Documents<'_>,
    settings: &ImportSettings,
) -> Result<Imported, ImportError> {
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
    group_names(
        &groups,
        "AutoScalingGroupSet",
        "AutoScalingGroupName",
        settings,
    )?;
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
    super::refuse_unknown(
        &items,
        settings,
        &[
            "AutoScalingGroupSet",
            "LaunchConfigurationSet",
            "ScalingPolicySet",
            "ScheduledActionSet",
            "Policies",
        ],
    )?;
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
    match group.text("InstanceAllocationPolicy") {
        None | Some("LAUNCH_CONFIGURATION" | "SPOT_MIXED") => {}
        Some(other) => group.get("InstanceAllocationPolicy").unwrap().unknown(
            other,
            &["LAUNCH_CONFIGURATION", "SPOT_MIXED"],
            "assumed LAUNCH_CONFIGURATION (the launch configuration's billing)",
        ),
    }
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
                "PREPAID" | "CDHPAID" => configuration.get("InstanceChargeType").unwrap().approximated(format!(
                    "{charge} instances are billed by subscription; scaleplan bills them pay-as-you-go by the hour's price given"
                )),
                other => configuration.get("InstanceChargeType").unwrap().unknown(
                    other,
                    &["POSTPAID_BY_HOUR", "SPOTPAID", "PREPAID", "CDHPAID"],
                    "assumed billed pay-as-you-go by the hour's price given",
                ),
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
    let cooldown = group.seconds("DefaultCooldown").unwrap_or(300.0);
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
        Some(other) => group.get("RetryPolicy").unwrap().unknown(
            other,
            &["IMMEDIATE_RETRY", "INCREMENTAL_INTERVALS", "NO_RETRY"],
            "assumed no retry policy (a launch short of stock drops desired capacity)",
        ),
    }
    if let Some(service) = group.get("ServiceSettings") {
        match service.text("ScalingMode") {
            None | Some("CLASSIC_SCALING") => {}
            Some("WAKE_UP_STOPPED_SCALING") => service.get("ScalingMode").unwrap().not_mapped(
                "WAKE_UP_STOPPED_SCALING: its stopped price and start time are not in Tencent's output; write [group.warm_pool] fill = \"scale_in\" with yours",
            ),
            Some(other) => service.get("ScalingMode").unwrap().unknown(
                other,
                &["CLASSIC_SCALING", "WAKE_UP_STOPPED_SCALING"],
                "assumed CLASSIC_SCALING (instances launched and terminated)",
            ),
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
