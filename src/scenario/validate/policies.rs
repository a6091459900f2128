//! The `[[policy]]` tables: named variants of the base file, layered over a copy of it.

use super::*;

/// Applies a policy's overrides to a copy of the file (uv-style layering: the policy wins
/// field by field; rules merge by name; scheduled and alarm lists are replaced).
pub fn apply_policy(checker: &mut Checker, file: &mut wire::File, policy: &wire::Policy) {
    let names: Vec<String> = file
        .group
        .get_ref()
        .iter()
        .map(|group| group.name.get_ref().clone())
        .collect();
    if let Some(budgets) = &policy.expect {
        let merged = file.expect.get_or_insert_with(Default::default);
        merged.max_cost = budgets.max_cost.clone().or(merged.max_cost.take());
        merged.max_instance_hours = budgets
            .max_instance_hours
            .clone()
            .or(merged.max_instance_hours.take());
        merged.max_sla_violation = budgets.max_sla_violation.or(merged.max_sla_violation);
        merged.max_unserved_requests = budgets
            .max_unserved_requests
            .clone()
            .or(merged.max_unserved_requests.take());
    }
    for change in &policy.group {
        let Some(index) = checker.reference(&change.name, &names, "policy.group.name", "group")
        else {
            continue;
        };
        if changes_nothing(change) {
            checker.error(
                change.name.span(),
                "policy.group",
                format!(
                    "this [[policy.group]] changes nothing in group `{}`",
                    change.name.get_ref()
                ),
                "set what the policy changes (min, max, rule, scheduled, alarm, remove_rules, ...), or remove the table",
            );
        }
        let group = &mut file.group.get_mut()[index];
        // A policy's fleet replaces the group's whole fleet definition.
        if change.instance_type.is_some() || change.instance_types.is_some() {
            group.instance_type = change.instance_type.clone();
            group.instance_types = change.instance_types.clone();
            group.configuration.clear();
            group.active_configuration = None;
        }
        if let Some(mix) = &change.mix {
            group.mix = Some(mix.clone());
        }
        if let Some(health) = &change.health {
            group.health = Some(health.clone());
        }
        if let Some(min) = &change.min {
            group.min = min.clone();
        }
        if let Some(max) = &change.max {
            group.max = max.clone();
        }
        if let Some(policy) = &change.removal_policy {
            group.removal_policy = Some(policy.clone());
        }
        // Optional in the group too: an override that is present wins.
        group.desired = change.desired.clone().or(group.desired.take());
        group.existing = change.existing.clone().or(group.existing.take());
        group.default_cooldown = change.default_cooldown.or(group.default_cooldown);
        group.load_share = change.load_share.clone().or(group.load_share.take());
        group.registration_delay = change.registration_delay.or(group.registration_delay);
        if let Some(hooks) = &change.lifecycle_hook {
            group.lifecycle_hook = hooks.clone();
        }
        if let Some(pool) = &change.warm_pool {
            group.warm_pool = Some(pool.clone());
        }
        group.zones = change.zones.clone().or(group.zones.take());
        group.zone_policy = change.zone_policy.clone().or(group.zone_policy.take());
        group.zone_rebalance = change
            .zone_rebalance
            .clone()
            .or(group.zone_rebalance.take());
        remove(checker, group, change);
        if let Some(rules) = &change.rule
            && rules.get_ref().is_empty()
        {
            checker.error(
                rules.span(),
                "policy.group.rule",
                "an empty `rule` list changes nothing: a policy's rules replace same-named rules or are added",
                "drop rules with remove_rules = [\"name\", ...]",
            );
        }
        for rule in change.rule.iter().flat_map(|rules| rules.get_ref()) {
            match group
                .rule
                .iter_mut()
                .find(|existing| existing.name.get_ref() == rule.name.get_ref())
            {
                Some(existing) => *existing = rule.clone(),
                None => group.rule.push(rule.clone()),
            }
        }
        if let Some(scheduled) = &change.scheduled {
            group.scheduled = scheduled.clone();
        }
        if let Some(alarm) = &change.alarm {
            group.alarm = alarm.clone();
        }
    }
}

/// Whether a `[[policy.group]]` sets nothing but the group's name.
fn changes_nothing(change: &wire::GroupOverride) -> bool {
    let wire::GroupOverride {
        name: _,
        instance_type,
        instance_types,
        mix,
        health,
        min,
        max,
        desired,
        existing,
        removal_policy,
        default_cooldown,
        load_share,
        registration_delay,
        lifecycle_hook,
        warm_pool,
        zones,
        zone_policy,
        zone_rebalance,
        rule,
        scheduled,
        alarm,
        remove_rules,
        remove_tasks,
    } = change;
    instance_type.is_none()
        && instance_types.is_none()
        && mix.is_none()
        && health.is_none()
        && min.is_none()
        && max.is_none()
        && desired.is_none()
        && existing.is_none()
        && removal_policy.is_none()
        && default_cooldown.is_none()
        && load_share.is_none()
        && registration_delay.is_none()
        && lifecycle_hook.is_none()
        && warm_pool.is_none()
        && zones.is_none()
        && zone_policy.is_none()
        && zone_rebalance.is_none()
        && rule.is_none()
        && scheduled.is_none()
        && alarm.is_none()
        && remove_rules.is_empty()
        && remove_tasks.is_empty()
}

/// `remove_rules` and `remove_tasks`: drops the named rules and tasks (scheduled or alarm)
/// from the group before the policy's own are merged in. A name the group does not have, a
/// rule the policy also gives, or a rule a remaining task still runs is an error at the name.
fn remove(checker: &mut Checker, group: &mut wire::Group, change: &wire::GroupOverride) {
    let rule_names: Vec<String> = (group.rule.iter())
        .map(|rule| rule.name.get_ref().clone())
        .collect();
    for name in &change.remove_rules {
        if checker
            .reference(name, &rule_names, "policy.group.remove_rules", "rule")
            .is_none()
        {
            continue;
        }
        if (change.rule.iter().flat_map(|rules| rules.get_ref()))
            .any(|rule| rule.name.get_ref() == name.get_ref())
        {
            checker.error(
                name.span(),
                "policy.group.remove_rules",
                format!("rule `{}` is both removed and given", name.get_ref()),
                "a rule in `rule` already replaces the group's rule of that name: drop it from remove_rules",
            );
        }
        group
            .rule
            .retain(|rule| rule.name.get_ref() != name.get_ref());
    }
    let task_names: Vec<String> = (group.scheduled.iter().map(|task| &task.name))
        .chain(group.alarm.iter().map(|alarm| &alarm.name))
        .map(|name| name.get_ref().clone())
        .collect();
    for name in &change.remove_tasks {
        if checker
            .reference(
                name,
                &task_names,
                "policy.group.remove_tasks",
                "scheduled or alarm task",
            )
            .is_some()
        {
            group
                .scheduled
                .retain(|task| task.name.get_ref() != name.get_ref());
            group
                .alarm
                .retain(|alarm| alarm.name.get_ref() != name.get_ref());
        }
    }
    // A task the policy keeps must not run a rule it removed (a list the policy replaces is
    // checked as the policy's own, by validation).
    for name in &change.remove_rules {
        let runs = |run: &Spanned<String>| run.get_ref() == name.get_ref();
        let scheduled = (group.scheduled.iter())
            .filter(|_| change.scheduled.is_none())
            .filter(|task| task.run.as_ref().is_some_and(runs))
            .map(|task| format!("scheduled task `{}`", task.name.get_ref()));
        let alarms = (group.alarm.iter())
            .filter(|_| change.alarm.is_none())
            .filter(|alarm| runs(&alarm.run))
            .map(|alarm| format!("alarm `{}`", alarm.name.get_ref()));
        let runners: Vec<String> = scheduled.chain(alarms).collect();
        if !runners.is_empty() {
            checker.error(
                name.span(),
                "policy.group.remove_rules",
                format!(
                    "rule `{}` is still run by {}",
                    name.get_ref(),
                    runners.join(", ")
                ),
                "remove those tasks too (remove_tasks = [...]), or give the policy its own `scheduled` / `alarm` lists",
            );
        }
    }
}

/// Policy names become folder names in `compare --out`: letters, digits, `-`, `_`, `+`, `.`,
/// not starting with a dot.
pub fn file_safe_name(checker: &mut Checker, name: &Spanned<String>, field: &str) {
    let text = name.get_ref();
    let safe = !text.is_empty()
        && !text.starts_with('.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c));
    if !safe {
        checker.error(
            name.span(),
            field,
            format!("`{text}` cannot be used as a policy name"),
            "use letters, digits, `-`, `_`, `+` and `.`, e.g. \"scheduled+alarm\"",
        );
    }
}
