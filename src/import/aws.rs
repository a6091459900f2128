//! AWS EC2 Auto Scaling: `aws autoscaling describe-auto-scaling-groups`, `describe-policies`,
//! `describe-scheduled-actions` and `aws cloudwatch describe-alarms` JSON.
//!
//! Field meanings follow the EC2 Auto Scaling API reference (AutoScalingGroup, ScalingPolicy,
//! ScheduledUpdateGroupAction, MixedInstancesPolicy, InstancesDistribution) and the CloudWatch
//! API reference (MetricAlarm); the ALB metrics follow "CloudWatch metrics for your
//! Application Load Balancer" (RequestCount and RequestCountPerTarget: counts per period,
//! statistic Sum).

use super::ledger::{Ledger, Node};
use super::{
    Draft, GroupDraft, ImportSettings, Imported, Table, adjustment, balanced_start, group_names,
    ignored_everywhere, number, quoted, quoted_list, seconds, sizes, steps, word,
};
use crate::model::{Metric, RemovalPolicy, Statistic, ZonePolicy};
use serde_json::Value;

/// The cloud's comparison operators in scaleplan's words.
const COMPARISONS: &super::Vocabulary = &[
    ("GreaterThanThreshold", "above"),
    ("GreaterThanOrEqualToThreshold", "at_or_above"),
    ("LessThanThreshold", "below"),
    ("LessThanOrEqualToThreshold", "at_or_below"),
];

/// The cloud's statistics in scaleplan's words.
const STATISTICS: &super::Vocabulary = &[
    ("Average", Statistic::Average.as_str()),
    ("Maximum", Statistic::Maximum.as_str()),
    ("Minimum", Statistic::Minimum.as_str()),
    ("Sum", Statistic::Sum.as_str()),
    ("SampleCount", Statistic::SampleCount.as_str()),
];

/// The documents of one AWS import.
#[derive(Debug, Clone, Copy)]
pub struct Documents<'a> {
    pub groups: &'a Value,
    pub policies: Option<&'a Value>,
    pub scheduled: Option<&'a Value>,
    pub alarms: Option<&'a Value>,
}

/// Builds a scenario from the documents.
pub fn import(documents: Documents<'_>, settings: &ImportSettings) -> Result<Imported, String> {
    let ledger = Ledger::default();
    let groups_root = ledger.root(documents.groups);
    if groups_root
        .get("AutoScalingGroups")
        .is_none_or(|node| !node.value.is_array())
    {
        return Err("the groups file has no `AutoScalingGroups` array (use `aws autoscaling describe-auto-scaling-groups` output)".into());
    }
    let policies_root = document(
        &ledger,
        documents.policies,
        "ScalingPolicies",
        "autoscaling describe-policies",
    )?;
    let scheduled_root = document(
        &ledger,
        documents.scheduled,
        "ScheduledUpdateGroupActions",
        "autoscaling describe-scheduled-actions",
    )?;
    let alarms_root = document(
        &ledger,
        documents.alarms,
        "MetricAlarms",
        "cloudwatch describe-alarms",
    )?;

    let groups = groups_root.items("AutoScalingGroups", None);
    let names = group_names(&groups, "AutoScalingGroupName", settings)?;
    let policies = policies_root
        .as_ref()
        .map_or_else(Vec::new, |root| root.items("ScalingPolicies", None));
    let actions = scheduled_root.as_ref().map_or_else(Vec::new, |root| {
        root.items("ScheduledUpdateGroupActions", None)
    });
    let alarms = alarms_root
        .as_ref()
        .map_or_else(Vec::new, |root| root.items("MetricAlarms", None));
    if let Some(root) = alarms_root.as_ref() {
        root.skip("CompositeAlarms", "composite alarms are not modelled");
    }

    let mut draft = Draft::new("AWS Auto Scaling");
    let mut alarm_used = vec![false; alarms.len()];
    for group in &groups {
        let name = group
            .text("AutoScalingGroupName")
            .unwrap_or("group")
            .to_string();
        if !settings.selects(&name) {
            group.not_mapped("group not selected with --group");
            for item in policies.iter().chain(&actions) {
                if item
                    .value
                    .get("AutoScalingGroupName")
                    .and_then(Value::as_str)
                    == Some(name.as_str())
                {
                    item.not_mapped(format!(
                        "belongs to group {name}, not selected with --group"
                    ));
                }
            }
            continue;
        }
        let mut imported = import_group(group, &name, &mut draft);
        for policy in policies.iter().filter(|policy| {
            policy
                .value
                .get("AutoScalingGroupName")
                .and_then(Value::as_str)
                == Some(name.as_str())
        }) {
            policy.read("AutoScalingGroupName");
            import_policy(policy, group, &alarms, &mut alarm_used, &mut imported);
        }
        for action in actions.iter().filter(|action| {
            action
                .value
                .get("AutoScalingGroupName")
                .and_then(Value::as_str)
                == Some(name.as_str())
        }) {
            action.read("AutoScalingGroupName");
            if let Some(table) = import_action(action, settings) {
                imported.children.push(table);
            }
        }
        if !group.has("DefaultInstanceWarmup") {
        } else if !imported
            .children
            .iter()
            .any(|table| table.lines.iter().any(|line| line.key == "warmup"))
        {
            group.skip(
                "DefaultInstanceWarmup",
                "no step or target tracking policy of the group uses it",
            );
        }
        draft.groups.push(imported);
    }
    for (alarm, used) in alarms.iter().zip(&alarm_used) {
        if !used {
            alarm.not_mapped("runs no imported simple or step policy (neither a policy's `Alarms` nor its own `AlarmActions` name one)");
        }
    }
    for policy in &policies {
        let group = policy
            .value
            .get("AutoScalingGroupName")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !names.iter().any(|name| name == group) {
            policy.not_mapped(format!("its group `{group}` is not in the groups file"));
        }
    }
    for action in &actions {
        let group = action
            .value
            .get("AutoScalingGroupName")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !names.iter().any(|name| name == group) {
            action.not_mapped(format!("its group `{group}` is not in the groups file"));
        }
    }
    let documents: Vec<Node<'_>> = [
        Some(groups_root),
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

/// An optional document, which must hold the list `key`.
fn document<'a>(
    ledger: &'a Ledger,
    value: Option<&'a Value>,
    key: &str,
    command: &str,
) -> Result<Option<Node<'a>>, String> {
    match value {
        None => Ok(None),
        Some(value) if value.get(key).is_some_and(Value::is_array) => Ok(Some(ledger.root(value))),
        Some(_) => Err(format!(
            "the {command} file has no `{key}` array (use `aws {command}` output)"
        )),
    }
}

/// Fields of AWS's output with no effect on a simulation.
fn ignored(key: &str) -> Option<&'static str> {
    match key {
        "LifecycleState"
        | "HealthStatus"
        | "StateValue"
        | "StateReason"
        | "StateReasonData"
        | "StateTransitionedTimestamp"
        | "StateUpdatedTimestamp"
        | "AlarmConfigurationUpdatedTimestamp"
        | "Status"
        | "EvaluationState" => Some("current state"),
        "LaunchTemplate"
        | "LaunchConfigurationName"
        | "LaunchTemplateSpecification"
        | "VPCZoneIdentifier"
        | "PlacementGroup"
        | "Context"
        | "ResourceLabel"
        | "Unit"
        | "EnabledMetrics"
        | "AlarmDescription"
        | "Version" => Some("launch, network and monitoring settings"),
        _ => ignored_everywhere(key),
    }
}

/// The group's own table and its instance types.
fn import_group(group: &Node<'_>, name: &str, draft: &mut Draft) -> GroupDraft {
    let mut table = Table::new("[[group]]");
    table.set(
        "name",
        quoted(name),
        group.get("AutoScalingGroupName").as_ref(),
    );
    let instances = group
        .get("Instances")
        .map(|node| node.elements())
        .unwrap_or_default();
    let mixed = group.get("MixedInstancesPolicy");
    match &mixed {
        Some(mixed) => import_mix(mixed, &mut table, draft),
        None => {
            let kind = instances
                .iter()
                .find_map(|instance| instance.text("InstanceType"))
                .unwrap_or("imported");
            for instance in &instances {
                match instance.text("InstanceType") {
                    Some(other) if other != kind => instance.get("InstanceType").unwrap().approximated(format!(
                        "an instance of type {other}: the group is modelled with its first instance's type, {kind}"
                    )),
                    _ => {}
                }
            }
            draft.instance_type(kind, None, false);
            let source = instances
                .first()
                .and_then(|instance| instance.get("InstanceType"));
            table.set("instance_type", quoted(kind), source.as_ref());
            if source.is_none() {
                table.note("the group has no instances to show its type (a launch template names it): rename it");
            }
        }
    }
    let min = group.number("MinSize").unwrap_or(0.0).max(0.0);
    let max = group.number("MaxSize").unwrap_or(min).max(0.0);
    table.from("min", number(min), group, "MinSize");
    table.from("max", number(max), group, "MaxSize");
    let desired = group.number("DesiredCapacity").unwrap_or(min);
    let protected: Vec<&Node<'_>> = instances
        .iter()
        .filter(|instance| instance.boolean("ProtectedFromScaleIn") == Some(true))
        .collect();
    for instance in &instances {
        instance.read("ProtectedFromScaleIn");
        instance.read("WeightedCapacity");
    }
    table.from(
        "desired",
        number(desired.max(protected.len() as f64).min(max)),
        group,
        "DesiredCapacity",
    );
    if let Some(first) = protected.first() {
        table.set(
            "existing",
            format!(
                "{{ count = {}, protected = true }}",
                (protected.len() as f64).min(max)
            ),
            first.get("ProtectedFromScaleIn").as_ref(),
        );
        table.note("instances protected from scale-in (ProtectedFromScaleIn)");
    }
    if let Some(cooldown) = group.number("DefaultCooldown") {
        table.from(
            "default_cooldown",
            seconds(cooldown),
            group,
            "DefaultCooldown",
        );
    }
    import_termination(group, &mut table);
    match group.text("DesiredCapacityType") {
        None | Some("units") => {}
        Some(other) => group
            .get("DesiredCapacityType")
            .unwrap()
            .not_mapped(format!(
                "desired capacity in {other}: scaleplan counts units (instance weights)"
            )),
    }
    match group.text("HealthCheckType") {
        None | Some("EC2") => {}
        Some("ELB" | "VPC_LATTICE" | "EBS") => group.get("HealthCheckType").unwrap().not_mapped(
            "load balancer health checks: failures are modelled only with [group.health], whose failure rate is not in AWS's output",
        ),
        Some(other) => group
            .get("HealthCheckType")
            .unwrap()
            .not_mapped(format!("unknown health check type {other}")),
    }
    group.skip("HealthCheckGracePeriod", "health checks are modelled only with [group.health] (its `grace`), whose failure rate is not in AWS's output");
    import_zones(group, &instances, &mut table);
    for key in ["TargetGroupARNs", "LoadBalancerNames", "TrafficSources"] {
        group.skip(key, "load balancing is modelled as even spreading over in-service instances; set `registration_delay` for the registration time");
    }
    import_warm_pool(group, &mut table);
    group.ignore("WarmPoolSize", "current state");
    group.skip(
        "LifecycleHooks",
        "lifecycle hooks are modelled ([[group.lifecycle_hook]]) but not read from this output: add them with their timeout, default result and how long the action takes",
    );
    group.skip(
        "NewInstancesProtectedFromScaleIn",
        "new instances protected from scale-in are not modelled",
    );
    group.skip(
        "CapacityRebalance",
        "capacity rebalancing is not modelled (reclaims happen at the notice's end)",
    );
    group.skip(
        "MaxInstanceLifetime",
        "maximum instance lifetime is not modelled",
    );
    group.skip(
        "InstanceMaintenancePolicy",
        "instance maintenance policy is not modelled",
    );
    group.skip(
        "AvailabilityZoneImpairmentPolicy",
        "zonal shift on impaired zones is not modelled",
    );
    group.skip(
        "CapacityReservationSpecification",
        "capacity reservations are not modelled",
    );
    GroupDraft {
        name: name.to_string(),
        units: desired,
        table,
        children: Vec::new(),
    }
}

/// `AvailabilityZones` as `zones` with the distribution strategy (AWS "Auto Scaling group
/// Availability Zone distribution": `balanced-best-effort` by default) and `AZRebalance`
/// (on unless `SuspendedProcesses` names it). The run starts with the group's instances
/// placed like launches: said where that differs from their `AvailabilityZone`.
fn import_zones(group: &Node<'_>, instances: &[Node<'_>], table: &mut Table) {
    let mut suspended = Vec::new();
    for process in group
        .get("SuspendedProcesses")
        .map(|node| node.elements())
        .unwrap_or_default()
    {
        match process.text("ProcessName") {
            Some("AZRebalance") => {
                process.mapped();
                suspended.push("AZRebalance");
            }
            Some(other) => process.not_mapped(format!(
                "{other} is suspended: the scenario runs every process but zone rebalancing"
            )),
            None => process.not_mapped("a suspended process without a name"),
        }
    }
    let Some(zones_node) = group.get("AvailabilityZones") else {
        return;
    };
    let zones: Vec<&str> = zones_node
        .elements()
        .iter()
        .filter_map(|zone| zone.value.as_str())
        .collect();
    if zones.is_empty() {
        return;
    }
    table.from(
        "zones",
        quoted_list(zones.iter().copied()),
        group,
        "AvailabilityZones",
    );
    if zones.len() >= 2 {
        let strategy = group
            .get("AvailabilityZoneDistribution")
            .and_then(|distribution| distribution.get("CapacityDistributionStrategy"));
        let policy = match strategy.as_ref().and_then(|node| node.value.as_str()) {
            Some("balanced-only") => ZonePolicy::BalancedOnly.as_str(),
            None | Some("balanced-best-effort") => ZonePolicy::Balanced.as_str(),
            Some(other) => {
                strategy.as_ref().unwrap().not_mapped(format!(
                    "unknown capacity distribution strategy {other}: balanced best effort written"
                ));
                ZonePolicy::Balanced.as_str()
            }
        };
        table.set(
            "zone_policy",
            quoted(policy),
            strategy.as_ref().or(Some(group)),
        );
        match &strategy {
            None => {
                table.note("`AvailabilityZoneDistribution` is not in the input: AWS's default, balanced best effort, is assumed");
            }
            Some(node) => node.mapped(),
        }
        match suspended.is_empty() {
            true => {
                table.set(
                    "zone_rebalance",
                    "true".into(),
                    group.get("SuspendedProcesses").as_ref().or(Some(group)),
                );
                table.note("AZRebalance is not suspended: AWS rebalances the zones");
            }
            false => {
                table.set(
                    "zone_rebalance",
                    "false".into(),
                    group.get("SuspendedProcesses").as_ref(),
                );
                table.note("AZRebalance is suspended");
            }
        }
    }
    // Where the instances run now, against where the run places them.
    let mut running = vec![0; zones.len()];
    for instance in instances {
        if let Some(zone) = instance.text("AvailabilityZone")
            && let Some(at) = zones.iter().position(|known| *known == zone)
        {
            running[at] += 1;
        }
    }
    let placed = balanced_start(instances.len(), zones.len());
    for instance in instances {
        let Some(node) = instance.get("AvailabilityZone") else {
            continue;
        };
        let known = instance
            .text("AvailabilityZone")
            .is_some_and(|zone| zones.contains(&zone));
        if !known {
            node.not_mapped("a zone the group does not list");
        } else if running != placed {
            let counts = |counts: &[usize]| {
                zones
                    .iter()
                    .zip(counts)
                    .map(|(zone, count)| format!("{zone} {count}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            node.approximated(format!(
                "the run starts with the instances spread over the zones ({}), not as they run ({})",
                counts(&placed),
                counts(&running)
            ));
        } else {
            node.mapped();
        }
    }
}

/// `WarmPoolConfiguration` (AWS `PutWarmPool`): its size, state and reuse; the start from the
/// pool and the stopped price are not in AWS's output, so placeholders say so.
fn import_warm_pool(group: &Node<'_>, table: &mut Table) {
    let Some(pool) = group.get("WarmPoolConfiguration") else {
        return;
    };
    let mut parts = vec!["fill = \"prepared\"".to_string()];
    // -1 (or absent) is the group's max.
    if let Some(max) = pool.number("MaxGroupPreparedCapacity") {
        pool.get("MaxGroupPreparedCapacity").unwrap().mapped();
        if max >= 0.0 {
            parts.push(format!("max_prepared_capacity = {}", number(max)));
        }
    }
    if let Some(min) = pool.number("MinSize") {
        pool.get("MinSize").unwrap().mapped();
        parts.push(format!("min_size = {}", number(min.max(0.0))));
    }
    let state = match pool.text("PoolState") {
        None | Some("Stopped") => "stopped",
        Some("Hibernated") => "hibernated",
        Some("Running") => "running",
        Some(other) => {
            pool.get("PoolState")
                .unwrap()
                .not_mapped(format!("unknown pool state {other}: stopped written"));
            "stopped"
        }
    };
    pool.read("PoolState");
    parts.push(format!("state = \"{state}\""));
    if let Some(reuse) = pool.get("InstanceReusePolicy") {
        let on = reuse.boolean("ReuseOnScaleIn").unwrap_or(false);
        reuse.read("ReuseOnScaleIn");
        parts.push(format!("reuse_on_scale_in = {on}"));
    }
    if state != "running" {
        parts.push("stopped_price_per_hour = 0".into());
    }
    parts.push("warm_boot_time = \"60s\"".into());
    pool.ignore("Status", "current state");
    table.set(
        "warm_pool",
        format!("{{ {} }}", parts.join(", ")),
        Some(&pool),
    );
    table.note(if state == "running" {
        "not in the cloud's output: warm_boot_time, measure a start from the pool"
    } else {
        "not in the cloud's output: warm_boot_time (measure a start from the pool) and stopped_price_per_hour (the stopped instances' volumes)"
    });
}

/// `TerminationPolicies`, every one in order (AWS termination policies page); absent, AWS's
/// `Default`. A custom policy (a Lambda ARN) is not imported.
fn import_termination(group: &Node<'_>, table: &mut Table) {
    let Some(list) = group.get("TerminationPolicies") else {
        table
            .set(
                "removal_policy",
                quoted(RemovalPolicy::Default.as_str()),
                Some(group),
            )
            .note("`TerminationPolicies` is not in the input: AWS's Default is assumed");
        return;
    };
    super::import_removal(
        table,
        &list,
        &list.elements(),
        &[
            ("Default", RemovalPolicy::Default.as_str()),
            ("OldestInstance", RemovalPolicy::OldestInstance.as_str()),
            ("NewestInstance", RemovalPolicy::NewestInstance.as_str()),
            (
                "OldestLaunchTemplate",
                RemovalPolicy::OldestLaunchTemplate.as_str(),
            ),
            (
                "OldestLaunchConfiguration",
                RemovalPolicy::OldestLaunchConfiguration.as_str(),
            ),
            (
                "ClosestToNextInstanceHour",
                RemovalPolicy::ClosestToNextInstanceHour.as_str(),
            ),
            (
                "AllocationStrategy",
                RemovalPolicy::AllocationStrategy.as_str(),
            ),
        ],
    );
}

/// `MixedInstancesPolicy`: override types in priority order with their weights, and the
/// on-demand base and share above it as `mix`.
fn import_mix(mixed: &Node<'_>, table: &mut Table, draft: &mut Draft) {
    let overrides = mixed
        .get("LaunchTemplate")
        .map(|template| template.items("Overrides", None))
        .unwrap_or_default();
    let distribution = mixed.get("InstancesDistribution");
    let number_of = |key: &str| distribution.as_ref().and_then(|node| node.number(key));
    let base = number_of("OnDemandBaseCapacity").unwrap_or(0.0);
    let above = number_of("OnDemandPercentageAboveBaseCapacity").unwrap_or(100.0);
    let spot = above < 100.0;
    let mut names = Vec::new();
    for item in &overrides {
        let Some(kind) = item.text("InstanceType") else {
            item.not_mapped(
                "an override without an instance type (instance requirements are not modelled)",
            );
            continue;
        };
        let weight = item.number("WeightedCapacity");
        draft.instance_type(
            kind,
            weight
                .zip(item.get("WeightedCapacity"))
                .as_ref()
                .map(|(w, n)| (*w, n)),
            spot,
        );
        item.skip(
            "InstanceRequirements",
            "instance requirements are not modelled",
        );
        names.push(quoted(kind));
    }
    if names.is_empty() {
        mixed.not_mapped("a mixed instances policy without instance type overrides");
        draft.instance_type("imported", None, spot);
        table.set("instance_type", quoted("imported"), None);
    } else {
        let source = mixed
            .get("LaunchTemplate")
            .and_then(|template| template.get("Overrides"));
        table.set(
            "instance_types",
            format!("[{}]", names.join(", ")),
            source.as_ref(),
        );
        table.note("MixedInstancesPolicy overrides in priority order");
    }
    if let Some(distribution) = &distribution {
        match distribution.text("OnDemandAllocationStrategy") {
            None | Some("prioritized") => {}
            Some(other) => distribution.get("OnDemandAllocationStrategy").unwrap().approximated(format!(
                "on-demand allocation {other}: scaleplan launches in the overrides' order (prioritized)"
            )),
        }
        if spot {
            if let Some(strategy) = distribution.get("SpotAllocationStrategy") {
                strategy.approximated(
                    "scaleplan launches preemptible instances in the overrides' order",
                );
            }
            distribution.skip(
                "SpotInstancePools",
                "spot pools are not modelled: types are tried in order",
            );
        } else {
            distribution.read("SpotAllocationStrategy");
            distribution.read("SpotInstancePools");
        }
        distribution.skip(
            "SpotMaxPrice",
            "a spot bid needs a price trace (instance_types.*.preemptible.price_trace)",
        );
        if base > 0.0 || spot {
            table.set(
                "mix",
                format!(
                    "{{ on_demand_base = {}, on_demand_above_base = {} }}",
                    number(base),
                    number(above / 100.0)
                ),
                distribution
                    .get("OnDemandPercentageAboveBaseCapacity")
                    .or_else(|| distribution.get("OnDemandBaseCapacity"))
                    .as_ref(),
            );
            table.note(format!(
                "OnDemandBaseCapacity {} and OnDemandPercentageAboveBaseCapacity {}% as a share",
                number(base),
                number(above)
            ));
        }
    }
}

/// A scaling policy as a rule, with the alarms that run it.
fn import_policy(
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
                if let Some(cooldown) = policy.number("Cooldown") {
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
fn alarm_task(alarm: &Node<'_>, rule: &str, group: &str, again: bool) -> Result<Table, String> {
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
fn import_action(action: &Node<'_>, settings: &ImportSettings) -> Option<Table> {
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
                && super::fires_before(cron, zone, start, settings)
            {
                action.get("StartTime").unwrap().approximated("the recurrence begins at StartTime, after the run's start; scaleplan also runs its firings before then");
            }
            if let Some(end) = action.text("EndTime") {
                table.from("end", quoted(end), action, "EndTime");
            }
        }
        None => {
            let at = action.text("StartTime").or_else(|| action.text("Time"))?;
            if !super::within_run(at, settings) {
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
