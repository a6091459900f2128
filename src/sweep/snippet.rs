//! A sweep point as a `[[policy]]` block to paste into the scenario: every group in full,
//! each rule, task and alarm as the file spells it, so the pasted policy runs exactly the
//! point (a test pastes every kind of swept setting back and compares the runs), plus a
//! comment for each swept value a policy cannot carry (instance types, SLA, load).

use crate::model::{Adjustment, Comparison, Recurrence, ScalingGroup, Scenario, Sweep};
use crate::model::{
    HookResult, HookTransition, LifecycleHook, PoolFill, PoolState, TargetTracking, TaskAction,
    WarmPool,
};
use crate::number::exact;
use crate::time::format_duration;
use std::fmt::Write as _;

/// The `[[policy]]` block named `planned` that reproduces `point` of `sweep` over `base` (a
/// policy's scenario, or the file's) when pasted into the file as `written`: rules of the file
/// that `base` does not have are removed by name.
pub fn snippet(written: &Scenario, base: &Scenario, sweep: &Sweep, point: u64) -> String {
    let scenario = sweep.scenario_at(base, point);
    let settings = sweep.describe(point);
    let mut out = format!(
        "# scaleplan plan: point {point} ({settings})\n[[policy]]\nname = \"planned\"\ndescription = \"{}\"\n",
        settings.replace('"', "'")
    );
    for (group, file_group) in scenario.groups.iter().zip(&written.groups) {
        write_group(&mut out, &scenario, group, file_group);
        // A policy can set a warm pool but not remove the file's.
        let named = |group: &ScalingGroup, scenario: &Scenario| {
            group
                .zones
                .iter()
                .any(|zone| !scenario.zones[*zone].is_empty())
        };
        if !named(group, &scenario) && named(file_group, written) {
            let _ = writeln!(
                out,
                "# group {}: this point lists no zones; remove the file's `zones` by hand",
                group.name
            );
        }
        if group.warm_pool.is_none() && file_group.warm_pool.is_some() {
            let _ = writeln!(
                out,
                "# group {}: this point has no warm pool; remove the file's [group.warm_pool] by hand",
                group.name
            );
        }
    }
    let outside: Vec<String> = (sweep.parameters.iter())
        .zip(sweep.values_at(point))
        .filter(|(parameter, _)| !parameter.target.in_policy())
        .map(|(parameter, value)| {
            format!(
                "# set outside the policy: {} = {}",
                parameter.path,
                value.to_toml()
            )
        })
        .collect();
    if !outside.is_empty() {
        out.push('\n');
        out.push_str(&outside.join("\n"));
        out.push('\n');
    }
    out
}

/// A warm pool as an inline table.
fn warm_pool(pool: &WarmPool) -> String {
    let mut parts = vec![
        format!(
            "fill = \"{}\"",
            match pool.fill {
                PoolFill::Prepared => "prepared",
                PoolFill::ScaleIn => "scale_in",
            }
        ),
        format!(
            "state = \"{}\"",
            match pool.state {
                PoolState::Stopped => "stopped",
                PoolState::Hibernated => "hibernated",
                PoolState::Running => "running",
            }
        ),
        format!("warm_boot_time = {}", duration(pool.warm_boot_time)),
    ];
    if pool.fill == PoolFill::Prepared {
        parts.push(format!("min_size = {}", pool.min_size));
        if let Some(max) = pool.max_prepared_capacity {
            parts.push(format!("max_prepared_capacity = {max}"));
        }
        parts.push(format!("reuse_on_scale_in = {}", pool.reuse_on_scale_in));
    }
    if pool.state != PoolState::Running {
        parts.push(format!(
            "stopped_price_per_hour = {}",
            exact(pool.stopped_price_per_hour)
        ));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// A lifecycle hook as an inline table.
fn lifecycle_hook(hook: &LifecycleHook) -> String {
    let result = |result: HookResult| match result {
        HookResult::Continue => "continue",
        HookResult::Abandon => "abandon",
    };
    let mut text = format!(
        "{{ name = \"{}\", transition = \"{}\", heartbeat_timeout = {}, default_result = \"{}\", result = \"{}\"",
        hook.name,
        match hook.transition {
            HookTransition::Launching => "launching",
            HookTransition::Terminating => "terminating",
        },
        duration(hook.heartbeat_timeout),
        result(hook.default_result),
        result(hook.result)
    );
    if let Some(after) = hook.completes_after {
        text += &format!(", completes_after = {}", duration(after));
    }
    text + " }"
}

fn duration(seconds: u64) -> String {
    format!("\"{}\"", format_duration(seconds))
}

/// Every rule's name in a group, whatever its type.
fn rule_names(group: &ScalingGroup) -> Vec<&str> {
    (group.rules.iter().map(|rule| rule.name.as_str()))
        .chain(group.target_tracking.iter().map(|rule| rule.name.as_str()))
        .chain(group.predictive.iter().map(|rule| rule.name.as_str()))
        .chain(group.hpa.iter().map(|rule| rule.name.as_str()))
        .collect()
}

/// The rules of the file's group that the point's group has not: a pasted policy merges
/// rules by name, so these must be removed by name.
fn removed_rules<'a>(file: &'a ScalingGroup, point: &ScalingGroup) -> Vec<&'a str> {
    let kept = rule_names(point);
    (rule_names(file).into_iter())
        .filter(|name| !kept.contains(name))
        .collect()
}

fn write_group(out: &mut String, scenario: &Scenario, group: &ScalingGroup, file: &ScalingGroup) {
    let removed = removed_rules(file, group);
    let _ = write!(
        out,
        "\n[[policy.group]]\nname = \"{}\"\nmin = {}\nmax = {}\ndesired = {}\nremoval_policy = {}\ndefault_cooldown = {}\nregistration_delay = {}\n",
        group.name,
        group.min,
        group.max,
        group.desired,
        crate::model::removal_list(&group.removal_policy),
        duration(group.default_cooldown),
        duration(group.registration_delay),
    );
    // One configuration is a fleet a policy can name; several are kept as the file has them.
    if let [configuration] = group.configurations.as_slice() {
        let names: Vec<String> = (configuration.instance_types.iter())
            .map(|index| format!("\"{}\"", scenario.instance_types[*index].name))
            .collect();
        let _ = writeln!(out, "instance_types = [{}]", names.join(", "));
    }
    if group.load.is_none() {
        let _ = writeln!(out, "load_share = {}", exact(group.load_share));
    }
    if group.existing.count > 0 {
        let _ = writeln!(
            out,
            "existing = {{ count = {}, protected = {} }}",
            group.existing.count, group.existing.protected
        );
    }
    if let Some(mix) = &group.mix {
        let _ = writeln!(
            out,
            "mix = {{ on_demand_base = {}, on_demand_above_base = {} }}",
            mix.on_demand_base,
            exact(mix.on_demand_above_base)
        );
    }
    if let Some(health) = &group.health {
        let _ = writeln!(
            out,
            "health = {{ mtbf = {}, grace = {}, detection = {} }}",
            duration(health.mtbf),
            duration(health.grace),
            duration(health.detection)
        );
    }
    if let Some(pool) = &group.warm_pool {
        let _ = writeln!(out, "warm_pool = {}", warm_pool(pool));
    }
    // Zones when the group names some (a policy cannot take the file's away: said above).
    let zones: Vec<String> = (group.zones.iter())
        .map(|zone| &scenario.zones[*zone])
        .filter(|name| !name.is_empty())
        .map(|name| format!("\"{name}\""))
        .collect();
    if !zones.is_empty() {
        let _ = writeln!(out, "zones = [{}]", zones.join(", "));
    }
    if zones.len() >= 2 {
        let _ = writeln!(out, "zone_policy = \"{}\"", group.zone_policy.as_str());
        let _ = writeln!(out, "zone_rebalance = {}", group.zone_rebalance);
    }
    // The whole list when there is one here or in the file: a policy's list replaces the
    // file's, an empty one removes it.
    if !group.lifecycle_hooks.is_empty() || !file.lifecycle_hooks.is_empty() {
        let hooks: Vec<String> = group.lifecycle_hooks.iter().map(lifecycle_hook).collect();
        let _ = writeln!(out, "lifecycle_hook = [{}]", hooks.join(", "));
    }
    if !removed.is_empty() {
        let names: Vec<String> = removed.iter().map(|name| format!("\"{name}\"")).collect();
        let _ = writeln!(out, "remove_rules = [{}]", names.join(", "));
    }
    if group.scheduled.is_empty() {
        out.push_str("scheduled = []\n");
    }
    if group.alarms.is_empty() {
        out.push_str("alarm = []\n");
    }
    for rule in &group.rules {
        let _ = write!(out, "\n[[policy.group.rule]]\nname = \"{}\"\n", rule.name);
        let key = match rule.adjustment {
            Adjustment::Change(_) => "change",
            Adjustment::Percent { .. } => "change_percent",
            Adjustment::Exact(_) => "set",
        };
        if let Some(steps) = &rule.steps {
            let rendered: Vec<String> = (steps.steps.iter())
                .map(|step| {
                    let mut parts = Vec::new();
                    if let Some(lower) = step.lower {
                        parts.push(format!("lower = {}", exact(lower)));
                    }
                    if let Some(upper) = step.upper {
                        parts.push(format!("upper = {}", exact(upper)));
                    }
                    parts.push(format!("{key} = {}", exact(step.value)));
                    format!("{{ {} }}", parts.join(", "))
                })
                .collect();
            let _ = writeln!(
                out,
                "type = \"step\"\nwarmup = {}\nsteps = [{}]",
                duration(steps.warmup),
                rendered.join(", ")
            );
        } else {
            let value = match rule.adjustment {
                Adjustment::Change(change) => change.to_string(),
                Adjustment::Exact(value) => value.to_string(),
                Adjustment::Percent { percent, .. } => exact(percent),
            };
            let _ = writeln!(out, "{key} = {value}");
            if let Some(cooldown) = rule.cooldown {
                let _ = writeln!(out, "cooldown = {}", duration(cooldown));
            }
        }
        if let Adjustment::Percent { min_magnitude, .. } = rule.adjustment
            && min_magnitude > 0
        {
            let _ = writeln!(out, "min_adjustment = {min_magnitude}");
        }
    }
    for rule in &group.target_tracking {
        write_tracking(out, rule);
    }
    if let Some(rule) = &group.predictive {
        let _ = write!(
            out,
            "\n[[policy.group.rule]]\nname = \"{}\"\ntype = \"predictive\"\ntarget = {}\nmode = \"{}\"\nbuffer = {}\nhistory = {}\nmax_capacity_breach = \"{}\"\nmax_capacity_buffer = {}\n",
            rule.name,
            exact(rule.target_cpu),
            rule.mode.as_str(),
            duration(rule.buffer),
            duration(rule.history),
            rule.max_capacity_breach.as_str(),
            exact(rule.max_capacity_buffer)
        );
    }
    if let Some(rule) = &group.hpa {
        let _ = write!(
            out,
            "\n[[policy.group.rule]]\nname = \"{}\"\ntype = \"hpa\"\nmetric = \"{}\"\ntarget = {}\ntolerance = {}\nstabilization_window = {}\nsync_period = {}\nscale_up_select = \"{}\"\nscale_down_select = \"{}\"\nscale_up_stabilization = {}\ncpu_initialization_period = {}\n",
            rule.name,
            rule.metric.as_str(),
            exact(rule.target),
            exact(rule.tolerance),
            duration(rule.stabilization_window),
            duration(rule.sync_period),
            rule.scale_up_select.as_str(),
            rule.scale_down_select.as_str(),
            duration(rule.scale_up_stabilization),
            duration(rule.cpu_initialization_period)
        );
        for (key, tolerance) in [
            ("scale_up_tolerance", rule.scale_up_tolerance),
            ("scale_down_tolerance", rule.scale_down_tolerance),
        ] {
            if let Some(tolerance) = tolerance {
                let _ = writeln!(out, "{key} = {}", exact(tolerance));
            }
        }
        // Each direction as written: its policies listed, or the shorthands.
        let listed = |policies: &[crate::model::HpaPolicy]| {
            let items: Vec<String> = policies
                .iter()
                .map(|policy| {
                    format!(
                        "{{ type = \"{}\", value = {}, period = {} }}",
                        policy.kind.as_str(),
                        exact(policy.value),
                        duration(policy.period)
                    )
                })
                .collect();
            format!("[{}]", items.join(", "))
        };
        match &rule.scale_up_policies {
            Some(policies) => {
                let _ = writeln!(out, "scale_up_policies = {}", listed(policies));
            }
            None => {
                let _ = writeln!(
                    out,
                    "scale_up_percent = {}\nscale_up_instances = {}",
                    exact(rule.scale_up_percent),
                    rule.scale_up_instances
                );
            }
        }
        match &rule.scale_down_policies {
            Some(policies) => {
                let _ = writeln!(out, "scale_down_policies = {}", listed(policies));
            }
            None => {
                let _ = writeln!(
                    out,
                    "scale_down_percent = {}",
                    exact(rule.scale_down_percent)
                );
                if let Some(pods) = rule.scale_down_instances {
                    let _ = writeln!(out, "scale_down_instances = {pods}");
                }
            }
        }
        if rule.scale_up_policies.is_none() || rule.scale_down_policies.is_none() {
            let _ = writeln!(out, "policy_period = {}", duration(rule.policy_period));
        }
    }
    for task in &group.scheduled {
        let _ = write!(
            out,
            "\n[[policy.group.scheduled]]\nname = \"{}\"\n",
            task.name
        );
        match &task.recurrence {
            Recurrence::Cron {
                pattern, timezone, ..
            } => {
                let _ = write!(
                    out,
                    "cron = \"{pattern}\"\ntimezone = \"{}\"\n",
                    timezone.name()
                );
            }
            Recurrence::Once(at) => {
                let _ = writeln!(out, "at = {}", duration(*at));
            }
        }
        if let Some(end) = task.end {
            let _ = writeln!(out, "end = {}", duration(end));
        }
        match task.action {
            TaskAction::RunRule(rule) => {
                let _ = writeln!(out, "run = \"{}\"", group.rules[rule].name);
            }
            TaskAction::Activate(configuration) => {
                let name = &group.configurations[configuration].name;
                let _ = writeln!(out, "activate = \"{name}\"");
            }
            TaskAction::SetCapacity { min, max, desired } => {
                for (key, value) in [("min", min), ("max", max), ("desired", desired)] {
                    if let Some(value) = value {
                        let _ = writeln!(out, "{key} = {value}");
                    }
                }
            }
        }
        let _ = writeln!(
            out,
            "launch_expiration = {}",
            duration(task.launch_expiration)
        );
    }
    for alarm in &group.alarms {
        let comparison = match alarm.comparison {
            Comparison::Greater => "above",
            Comparison::GreaterOrEqual => "at_or_above",
            Comparison::Less => "below",
            Comparison::LessOrEqual => "at_or_below",
            Comparison::Equal => "equal_to",
            Comparison::NotEqual => "not_equal_to",
        };
        let _ = write!(
            out,
            "\n[[policy.group.alarm]]\nname = \"{}\"\nmetric = \"{}\"\nstatistic = \"{}\"\nperiod = {}\nperiods = {}\n{}{}{}{comparison} = {}\nrun = \"{}\"\n",
            alarm.name,
            alarm.metric.as_str(),
            alarm.statistic.as_str(),
            duration(alarm.period),
            alarm.periods,
            alarm.datapoints.map_or(String::new(), |datapoints| format!(
                "datapoints = {datapoints}\n"
            )),
            alarm.interval.map_or(String::new(), |interval| format!(
                "evaluation_interval = {}\n",
                duration(interval)
            )),
            alarm
                .missing_data
                .map_or(String::new(), |treatment| format!(
                    "missing_data = \"{}\"\n",
                    treatment.as_str()
                )),
            exact(alarm.threshold),
            group.rules[alarm.rule].name
        );
    }
}

fn write_tracking(out: &mut String, rule: &TargetTracking) {
    let _ = write!(
        out,
        "\n[[policy.group.rule]]\nname = \"{}\"\ntype = \"target_tracking\"\nmetric = \"{}\"\ntarget = {}\nscale_in_ratio = {}\nscale_out_periods = {}\nscale_in_periods = {}\ndisable_scale_in = {}\nwarmup = {}\n",
        rule.name,
        rule.metric.as_str(),
        exact(rule.target),
        exact(rule.scale_in_ratio),
        rule.scale_out_periods,
        rule.scale_in_periods,
        rule.disable_scale_in,
        duration(rule.warmup)
    );
    if let Some(cooldown) = rule.scale_in_cooldown {
        let _ = writeln!(out, "scale_in_cooldown = {}", duration(cooldown));
    }
}
