//! AWS EC2 Auto Scaling: `aws autoscaling describe-auto-scaling-groups`, `describe-policies`,
//! `describe-scheduled-actions` and `aws cloudwatch describe-alarms` JSON.
//!
//! Field meanings follow the EC2 Auto Scaling API reference (AutoScalingGroup, ScalingPolicy,
//! ScheduledUpdateGroupAction, MixedInstancesPolicy, InstancesDistribution) and the CloudWatch
//! API reference (MetricAlarm); the ALB metrics follow "CloudWatch metrics for your
//! Application Load Balancer" (RequestCount and RequestCountPerTarget: counts per period,
//! statistic Sum).

mod policies;

use super::ledger::{Ledger, Node};
use super::{
    Draft, GroupDraft, ImportError, ImportSettings, Imported, Table, adjustment, balanced_start,
    group_names, ignored_everywhere, number, quoted, quoted_list, seconds, sizes, steps, word,
};
use crate::model::{Metric, RemovalPolicy, Statistic, ZonePolicy};
use policies::*;
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
pub fn import(
    documents: Documents<'_>,
    settings: &ImportSettings,
) -> Result<Imported, ImportError> {
    let ledger = Ledger::default();
    let groups_root = ledger.root(documents.groups);
    if groups_root
        .get("AutoScalingGroups")
        .is_none_or(|node| !node.value.is_array())
    {
        return Err(ImportError::new(
            "AutoScalingGroups",
            "the groups file has no `AutoScalingGroups` array (use `aws autoscaling describe-auto-scaling-groups` output)",
        ));
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
    let names = group_names(
        &groups,
        "AutoScalingGroups",
        "AutoScalingGroupName",
        settings,
    )?;
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
        // AWS `DefaultInstanceWarmup`: "the amount of time, in seconds, until a new instance
        // is considered to have finished initializing and resource consumption becomes
        // stable" (CreateAutoScalingGroup): the nearest the output has to a boot time.
        if let Some(warmup) = group.get("DefaultInstanceWarmup")
            && draft.boot_evidence(
                &warmup,
                "AWS's default instance warmup, until a new instance's metrics count",
            )
        {
            warmup.mapped();
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
    super::refuse_unknown(
        &items,
        settings,
        &[
            "AutoScalingGroups",
            "ScalingPolicies",
            "ScheduledUpdateGroupActions",
            "MetricAlarms",
        ],
    )?;
    Ok(Imported {
        toml: draft.render(settings, &items),
        items,
    })
}

/// An optional document, which must hold the list `key`.
fn document<'a>(
    ledger: &'a Ledger,
    value: Option<&'a Value>,
    key: &'static str,
    command: &str,
) -> Result<Option<Node<'a>>, ImportError> {
    match value {
        None => Ok(None),
        Some(value) if value.get(key).is_some_and(Value::is_array) => Ok(Some(ledger.root(value))),
        Some(_) => Err(ImportError::new(
            key,
            format!("the {command} file has no `{key}` array (use `aws {command}` output)"),
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
    draft.start_group();
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
    if let Some(cooldown) = group.seconds("DefaultCooldown") {
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
                strategy.as_ref().unwrap().unknown(
                    other,
                    &["balanced-best-effort", "balanced-only"],
                    "assumed balanced-best-effort (zone_policy = \"balanced\")",
                );
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
            pool.get("PoolState").unwrap().unknown(
                other,
                &["Stopped", "Hibernated", "Running"],
                "assumed Stopped",
            );
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
