//! Alibaba Cloud Auto Scaling (ESS): `aliyun ess DescribeScalingGroups`,
//! `DescribeScalingConfigurations`, `DescribeScalingRules`, `DescribeScheduledTasks` and
//! `DescribeAlarms` JSON. aliyun prints the raw body: API version 2014-08-28 wraps each list
//! in an object under a singular key (`ScalingGroups.ScalingGroup[]`, `AlarmList.Alarm[]`),
//! 2022-02-22 lists are flat; both are accepted, document by document.
//!
//! Field meanings follow the ESS API reference (DescribeScalingGroups, DescribeScalingRules,
//! CreateScalingRule, CreateScheduledTask, CreateAlarm, DescribeScalingConfigurations).

mod rules;

use super::ledger::{Ledger, Node, items_of};
use super::{
    Draft, GroupDraft, ImportError, ImportSettings, Imported, Table, configuration_types,
    group_names, ignored_everywhere, number, quoted, quoted_list, seconds, sizes, steps, word,
};
use crate::model::{Metric, RemovalPolicy, Statistic, ZonePolicy};
use rules::*;
use serde_json::Value;

/// `VSwitchIds` as `zones` (each vSwitch lies in one zone; the output does not say which),
/// with `MultiAZPolicy` (ESS "Scaling policies": Priority by default, Balanced Distribution).
fn import_zones(group: &Node<'_>, table: &mut Table) {
    let vswitches = group.items("VSwitchIds", Some("VSwitchId"));
    let names: Vec<&str> = vswitches
        .iter()
        .filter_map(|vswitch| vswitch.value.as_str())
        .collect();
    let policy = group.get("MultiAZPolicy");
    if names.len() < 2 {
        // One vSwitch, one zone: nothing to choose.
        for vswitch in &vswitches {
            vswitch.ignored("a single vSwitch (one zone, nothing to choose)");
        }
        match group.text("MultiAZPolicy") {
            None | Some("PRIORITY" | "BALANCE") => group.read("MultiAZPolicy"),
            Some(other) => policy.as_ref().unwrap().not_mapped(format!(
                "{other}: ESS's cost-optimized and composable policies are not modelled; launches follow the instance types' priority"
            )),
        }
        group.skip(
            "AzBalance",
            "zone balancing of the composable policy is not modelled",
        );
        return;
    }
    table.set(
        "zones",
        quoted_list(names.iter().copied()),
        group.get("VSwitchIds").as_ref(),
    );
    for vswitch in &vswitches {
        vswitch.approximated("each vSwitch is written as a zone (the output does not name their zones): two vSwitches in one zone would share its stock on ESS; rename them to their zones");
    }
    match group.text("MultiAZPolicy") {
        None => {
            table
                .set(
                    "zone_policy",
                    quoted(ZonePolicy::Priority.as_str()),
                    Some(group),
                )
                .note("`MultiAZPolicy` is not in the input: ESS's default, PRIORITY, is assumed");
        }
        Some("PRIORITY") => {
            table.from(
                "zone_policy",
                quoted(ZonePolicy::Priority.as_str()),
                group,
                "MultiAZPolicy",
            );
        }
        Some("BALANCE") => {
            table.from(
                "zone_policy",
                quoted(ZonePolicy::Balanced.as_str()),
                group,
                "MultiAZPolicy",
            );
        }
        Some(other) => {
            let node = policy.unwrap();
            table.set(
                "zone_policy",
                quoted(ZonePolicy::Priority.as_str()),
                Some(&node),
            );
            match other {
                "COST_OPTIMIZED" | "COMPOSABLE" => node.approximated(format!(
                    "{other}: ESS's cost-optimized and composable policies are not modelled; assumed PRIORITY, the vSwitches in priority order"
                )),
                _ => node.unknown(
                    other,
                    &["PRIORITY", "BALANCE", "COST_OPTIMIZED", "COMPOSABLE"],
                    "assumed PRIORITY, the vSwitches in priority order",
                ),
            }
        }
    }
    group.skip(
        "AzBalance",
        "zone balancing of the composable policy is not modelled",
    );
}

/// The cloud's comparison operators in scaleplan's words.
const COMPARISONS: &super::Vocabulary = &[
    (">", "above"),
    (">=", "at_or_above"),
    ("<", "below"),
    ("<=", "at_or_below"),
];

/// The cloud's statistics in scaleplan's words.
const STATISTICS: &super::Vocabulary = &[
    ("Average", Statistic::Average.as_str()),
    ("Maximum", Statistic::Maximum.as_str()),
    ("Minimum", Statistic::Minimum.as_str()),
];

/// The documents of one Alibaba import.
#[derive(Debug, Clone, Copy)]
pub struct Documents<'a> {
    pub groups: &'a Value,
    pub configurations: Option<&'a Value>,
    pub rules: Option<&'a Value>,
    pub scheduled: Option<&'a Value>,
    pub alarms: Option<&'a Value>,
}

/// A document holding the list `key` (flat, or wrapped under `singular`).
fn document<'a>(
    ledger: &'a Ledger,
    value: Option<&'a Value>,
    key: &'static str,
    singular: &str,
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
    let holds = value.get(key).is_some_and(|list| {
        list.is_array()
            || list.get(singular).is_some_and(Value::is_array)
            || list.as_object().is_some_and(|map| map.is_empty())
    });
    if holds {
        Ok(Some(ledger.root(value)))
    } else {
        Err(ImportError::new(
            key,
            format!("the {command} file has no `{key}` list (use `aliyun ess {command}` output)"),
        ))
    }
}

/// Builds a scenario from the documents.
pub fn import(
    documents: Documents<'_>,
    settings: &ImportSettings,
) -> Result<Imported, ImportError> {
    let ledger = Ledger::default();
    let groups_root = document(
        &ledger,
        Some(documents.groups),
        "ScalingGroups",
        "ScalingGroup",
        "DescribeScalingGroups",
    )?
    .unwrap();
    let configurations_root = document(
        &ledger,
        documents.configurations,
        "ScalingConfigurations",
        "ScalingConfiguration",
        "DescribeScalingConfigurations",
    )?;
    let rules_root = document(
        &ledger,
        documents.rules,
        "ScalingRules",
        "ScalingRule",
        "DescribeScalingRules",
    )?;
    let scheduled_root = document(
        &ledger,
        documents.scheduled,
        "ScheduledTasks",
        "ScheduledTask",
        "DescribeScheduledTasks",
    )?;
    let alarms_root = document(
        &ledger,
        documents.alarms,
        "AlarmList",
        "Alarm",
        "DescribeAlarms",
    )?;
    let groups = groups_root.items("ScalingGroups", Some("ScalingGroup"));
    let configurations = items_of(
        configurations_root.as_ref(),
        "ScalingConfigurations",
        Some("ScalingConfiguration"),
    );
    let rules = items_of(rules_root.as_ref(), "ScalingRules", Some("ScalingRule"));
    let tasks = items_of(
        scheduled_root.as_ref(),
        "ScheduledTasks",
        Some("ScheduledTask"),
    );
    let alarms = items_of(alarms_root.as_ref(), "AlarmList", Some("Alarm"));
    group_names(&groups, "ScalingGroups", "ScalingGroupName", settings)?;
    let group_of = |node: &Node<'_>| {
        node.value
            .get("ScalingGroupId")
            .and_then(Value::as_str)
            .map(str::to_string)
    };

    let mut draft = Draft::new("Alibaba Cloud Auto Scaling (ESS)");
    draft.scenario.set("rounding", quoted("alibaba"), None).note(
        "ESS rounds a percent adjustment to the nearest instance (CreateScalingRule, AdjustmentValue)",
    );
    let mut used = vec![false; configurations.len() + rules.len() + tasks.len() + alarms.len()];
    let offset = [
        0,
        configurations.len(),
        configurations.len() + rules.len(),
        configurations.len() + rules.len() + tasks.len(),
    ];
    for group in &groups {
        let name = group
            .text("ScalingGroupName")
            .unwrap_or("group")
            .to_string();
        let id = group_of(group);
        let mine = |node: &Node<'_>| id.is_some() && group_of(node) == id;
        if !settings.selects(&name) {
            group.not_mapped("group not selected with --group");
            for (index, item) in configurations
                .iter()
                .chain(&rules)
                .chain(&tasks)
                .chain(&alarms)
                .enumerate()
            {
                if mine(item) {
                    used[index] = true;
                    item.not_mapped(format!(
                        "belongs to group {name}, not selected with --group"
                    ));
                }
            }
            continue;
        }
        group.read("ScalingGroupId");
        let configuration = configurations
            .iter()
            .enumerate()
            .find(|(_, configuration)| {
                let active = group
                    .value
                    .get("ActiveScalingConfigurationId")
                    .and_then(Value::as_str);
                let own = configuration
                    .value
                    .get("ScalingConfigurationId")
                    .and_then(Value::as_str);
                match active {
                    Some(active) => own == Some(active),
                    None => {
                        mine(configuration)
                            && configuration
                                .value
                                .get("LifecycleState")
                                .and_then(Value::as_str)
                                != Some("Inactive")
                    }
                }
            });
        if let Some((index, _)) = configuration {
            used[index] = true;
        }
        let mut imported = import_group(
            group,
            &name,
            configuration.map(|(_, node)| node),
            &mut draft,
        );
        // Rules, by ARI, for the tasks and alarms that run them.
        let mut by_ari: Vec<(String, String, Node<'_>)> = Vec::new();
        for (index, rule) in rules.iter().enumerate().filter(|(_, rule)| mine(rule)) {
            used[offset[1] + index] = true;
            rule.read("ScalingGroupId");
            if let Some(name) = import_rule(rule, &mut imported)
                && let Some(ari) = rule.value.get("ScalingRuleAri").and_then(Value::as_str)
            {
                by_ari.push((ari.to_string(), name, rule.clone()));
            }
        }
        for (index, task) in tasks.iter().enumerate() {
            // A task names its rule (by ARI) or, setting sizes, its group.
            let action = task.value.get("ScheduledAction").and_then(Value::as_str);
            let ours = mine(task)
                || action.is_some_and(|ari| by_ari.iter().any(|(known, _, _)| known == ari));
            if !ours {
                continue;
            }
            used[offset[2] + index] = true;
            task.read("ScalingGroupId");
            if let Some(table) = import_task(task, &by_ari, settings) {
                imported.children.push(table);
            }
        }
        for (index, alarm) in alarms.iter().enumerate().filter(|(_, alarm)| mine(alarm)) {
            used[offset[3] + index] = true;
            alarm.read("ScalingGroupId");
            import_alarm(alarm, &by_ari, &mut imported);
        }
        draft.groups.push(imported);
    }
    for (item, used) in configurations
        .iter()
        .chain(&rules)
        .chain(&tasks)
        .chain(&alarms)
        .zip(&used)
    {
        if !used {
            item.not_mapped("belongs to no group of the groups file (or not to its active scaling configuration)");
        }
    }
    let documents: Vec<Node<'_>> = [
        Some(groups_root),
        configurations_root,
        rules_root,
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
            "ScalingGroups",
            "ScalingConfigurations",
            "ScalingRules",
            "ScheduledTasks",
            "AlarmList",
        ],
    )?;
    Ok(Imported {
        toml: draft.render(settings, &items),
        items,
    })
}

/// Fields of ESS's output with no effect on a simulation.
fn ignored(key: &str) -> Option<&'static str> {
    const STATE: [&str; 16] = [
        "TotalCapacity",
        "ActiveCapacity",
        "PendingCapacity",
        "RemovingCapacity",
        "StandbyCapacity",
        "StoppedCapacity",
        "TotalInstanceCount",
        "PendingWaitCapacity",
        "RemovingWaitCapacity",
        "InitCapacity",
        "LifecycleState",
        "State",
        "Enable2",
        "ModificationTime",
        "SystemSuspended",
        "CurrentCapacity",
    ];
    const LAUNCH: [&str; 8] = [
        "IoOptimized",
        "UserData",
        "PasswordInherit",
        "CreditSpecification",
        "Ipv6AddressCount",
        "Affinity",
        "Tenancy",
        "ZoneId",
    ];
    if STATE.contains(&key) {
        return Some("current state");
    }
    if LAUNCH.contains(&key)
        || [
            "SystemDisk",
            "DataDisk",
            "Internet",
            "Image",
            "SecurityGroup",
            "KeyPair",
            "Ram",
            "HostName",
            "InstanceName",
            "Deployment",
            "Cpu",
            "Memory",
            "Scheduler",
            "Spot",
        ]
        .iter()
        .any(|prefix| {
            key.starts_with(prefix)
                && key != "SpotStrategy"
                && key != "SpotPriceLimit"
                && key != "SpotInstanceRemedy"
                && key != "SpotInstancePools"
        })
    {
        return Some("launch, image, disk and network settings");
    }
    ignored_everywhere(key)
}

fn import_group(
    group: &Node<'_>,
    name: &str,
    configuration: Option<&Node<'_>>,
    draft: &mut Draft,
) -> GroupDraft {
    let mut table = Table::new("[[group]]");
    table.set("name", quoted(name), group.get("ScalingGroupName").as_ref());
    let spot = match configuration.and_then(|configuration| configuration.text("SpotStrategy")) {
        None | Some("NoSpot") => false,
        Some("SpotWithPriceLimit" | "SpotAsPriceGo") => true,
        Some(other) => {
            configuration
                .and_then(|configuration| configuration.get("SpotStrategy"))
                .unwrap()
                .unknown(
                    other,
                    &["NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"],
                    "assumed NoSpot (pay-as-you-go)",
                );
            false
        }
    };
    match configuration {
        Some(configuration) => {
            configuration.read("ScalingConfigurationId");

            configuration.skip(
                "SpotPriceLimit",
                "a spot bid needs a price trace (instance_types.*.preemptible.price_trace)",
            );
            let types = configuration_types(configuration, Some("InstanceType"));
            let weights = configuration.items("WeightedCapacities", Some("WeightedCapacity"));
            for (index, (kind, _)) in types.iter().enumerate() {
                let weight = weights
                    .get(index)
                    .and_then(|node| node.value.as_f64().map(|value| (value, node)));
                if let Some((_, node)) = weight {
                    node.mapped();
                }
                draft.instance_type(kind, weight, spot);
            }
            match types.as_slice() {
                [] => {
                    draft.instance_type("imported", None, spot);
                    table.set("instance_type", quoted("imported"), None);
                    table.note("the scaling configuration names no instance type (instance patterns are not modelled): rename it");
                    configuration
                        .skip("InstancePatternInfos", "instance patterns are not modelled");
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
                    table.note("InstanceTypes in priority order: a launch takes the first with stock (ESS)");
                }
            }
        }
        None => {
            draft.instance_type("imported", None, false);
            table.set(
                "instance_type",
                quoted("imported"),
                group.get("ActiveScalingConfigurationId").as_ref(),
            );
            table.note("the active scaling configuration is not in --configurations (or the group uses a launch template): rename the type");
            group.skip(
                "ActiveScalingConfigurationId",
                "its scaling configuration is not in --configurations",
            );
            group.skip(
                "LaunchTemplateId",
                "launch templates are not read: pass the scaling configuration, or rename the type",
            );
        }
    }
    let min = group.number("MinSize").unwrap_or(0.0).max(0.0);
    let max = group.number("MaxSize").unwrap_or(min).max(0.0);
    table.from("min", number(min), group, "MinSize");
    table.from("max", number(max), group, "MaxSize");
    let desired = match group.number("DesiredCapacity") {
        Some(desired) => {
            table.from(
                "desired",
                number(desired.min(max)),
                group,
                "DesiredCapacity",
            );
            desired
        }
        None => {
            let total = group.number("TotalCapacity").unwrap_or(min);
            table.from(
                "desired",
                number(total.clamp(min, max)),
                group,
                "TotalCapacity",
            );
            table.note("no expected capacity (DesiredCapacity): the group's current size");
            total
        }
    };
    if let Some(protected) = group
        .number("ProtectedCapacity")
        .filter(|count| *count > 0.0)
    {
        table.from(
            "existing",
            format!(
                "{{ count = {}, protected = true }}",
                number(protected.min(max))
            ),
            group,
            "ProtectedCapacity",
        );
        table.note("instances protected from scale-in (ProtectedCapacity)");
    }
    if let Some(cooldown) = group.seconds("DefaultCooldown") {
        table.from(
            "default_cooldown",
            seconds(cooldown),
            group,
            "DefaultCooldown",
        );
    }
    // RemovalPolicies in order, each breaking the ties of the ones before (ESS
    // CreateScalingGroup); absent, ESS's default OldestScalingConfiguration, OldestInstance.
    match group.get("RemovalPolicies") {
        Some(list) => super::import_removal(
            &mut table,
            &list,
            &group.items("RemovalPolicies", Some("RemovalPolicy")),
            &[
                (
                    "OldestScalingConfiguration",
                    RemovalPolicy::OldestScalingConfiguration.as_str(),
                ),
                ("OldestInstance", RemovalPolicy::OldestInstance.as_str()),
                ("NewestInstance", RemovalPolicy::NewestInstance.as_str()),
            ],
        ),
        None => {
            table
                .set(
                    "removal_policy",
                    super::quoted_list([
                        RemovalPolicy::OldestScalingConfiguration.as_str(),
                        RemovalPolicy::OldestInstance.as_str(),
                    ]),
                    Some(group),
                )
                .note("`RemovalPolicies` is not in the input: ESS's default is assumed");
        }
    }
    import_zones(group, &mut table);
    if spot {
        let base = group.number("OnDemandBaseCapacity").unwrap_or(0.0);
        let above = group
            .number("OnDemandPercentageAboveBaseCapacity")
            .unwrap_or(0.0);
        table.from(
            "mix",
            format!(
                "{{ on_demand_base = {}, on_demand_above_base = {} }}",
                number(base),
                number(above / 100.0)
            ),
            group,
            "OnDemandPercentageAboveBaseCapacity",
        );
        table.note(format!(
            "preemptible scaling configuration; OnDemandBaseCapacity {}, OnDemandPercentageAboveBaseCapacity {}% as a share",
            number(base),
            number(above)
        ));
        if group.boolean("SpotInstanceRemedy") == Some(true) {
            group.get("SpotInstanceRemedy").unwrap().approximated(
                "ESS launches a replacement on the reclaim notice; scaleplan replaces a reclaimed instance when it is reclaimed",
            );
        }
        group.skip(
            "CompensateWithOnDemand",
            "launching pay-as-you-go when preemptible stock runs out is not modelled",
        );
        group.skip(
            "SpotInstancePools",
            "spot pools are not modelled: types are tried in priority order",
        );
    } else {
        for key in [
            "OnDemandBaseCapacity",
            "OnDemandPercentageAboveBaseCapacity",
            "SpotInstanceRemedy",
            "CompensateWithOnDemand",
            "SpotInstancePools",
        ] {
            group.read(key);
        }
    }
    match group.text("ScalingPolicy") {
        None | Some("release" | "forceRelease") => {}
        Some(other) => group.get("ScalingPolicy").unwrap().not_mapped(format!(
            "{other} (economical mode): stopping instances on scale-in and restarting them, and their billing while stopped, are not modelled"
        )),
    }
    match group.text("HealthCheckType") {
        Some("LOADBALANCER") => group.get("HealthCheckType").unwrap().not_mapped(
            "load balancer health checks: failures are modelled only with [group.health]",
        ),
        None | Some("ECS" | "NONE") => group.read("HealthCheckType"),
        Some(other) => group
            .get("HealthCheckType")
            .unwrap()
            .not_mapped(format!("unknown health check type {other}")),
    }
    group.skip(
        "HealthCheckTypes",
        "health checks are modelled only with [group.health]",
    );
    for key in [
        "LoadBalancerIds",
        "VServerGroups",
        "AlbServerGroups",
        "ServerGroups",
        "LoadBalancerConfigs",
    ] {
        group.skip(key, "load balancing is modelled as even spreading over in-service instances; set `registration_delay` for the registration time");
    }
    match group.text("LifecycleState") {
        None | Some("Active") => {}
        Some(state) => group.get("LifecycleState").unwrap().not_mapped(format!(
            "the group is {state} on ESS (it does not scale); the scenario scales it"
        )),
    }
    group.ignore("DBInstanceIds", "databases the instances are allowed into");
    group.skip(
        "MaxInstanceLifetime",
        "maximum instance lifetime is not modelled",
    );
    group.skip(
        "Suspended",
        "suspended processes: the scenario runs every process",
    );
    group.skip(
        "SuspendedProcesses",
        "suspended processes: the scenario runs every process",
    );
    group.skip(
        "GroupDeletionProtection",
        "deletion protection has no effect on a simulation",
    );
    group.skip("ScalingPolicyCapacity", "not modelled");
    GroupDraft {
        name: name.to_string(),
        units: desired,
        table,
        children: Vec::new(),
    }
}
