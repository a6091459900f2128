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
        if let Some(policy) = change.removal_policy {
            group.removal_policy = policy;
        }
        // Optional in the group too: an override that is present wins.
        group.desired = change.desired.clone().or(group.desired.take());
        group.existing = change.existing.clone().or(group.existing.take());
        group.default_cooldown = change.default_cooldown.or(group.default_cooldown);
        group.load_share = change.load_share.clone().or(group.load_share.take());
        group.registration_delay = change.registration_delay.or(group.registration_delay);
        for rule in change.rule.iter().flatten() {
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
