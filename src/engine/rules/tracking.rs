//! Target tracking (AWS, ESS, Tencent): generated high and low alarms around a target.

use super::*;

impl Simulation<'_, '_> {
    /// Feeds one period's metric to the group's target-tracking alarms (AWS: high after 3
    /// one-minute datapoints above the target, low after 15 below a lower threshold) and queues
    /// the ones that fire. Missing data (no instance in service) resets both counts: AWS does
    /// not scale on INSUFFICIENT_DATA.
    pub(in crate::engine) fn track_targets(
        &mut self,
        group_index: usize,
        utilization: Option<f64>,
        per_instance: Option<f64>,
    ) {
        let group = &self.scenario.groups[group_index];
        let state = &mut self.groups[group_index];
        for (rule_index, rule) in group.target_tracking.iter().enumerate() {
            let value = match rule.metric {
                Metric::Cpu => utilization.map(|value| 100.0 * value),
                _ => per_instance,
            };
            let counts = &mut state.tracking[rule_index];
            let Some(value) = value else {
                *counts = Streaks::default();
                continue;
            };
            counts.above = if crate::number::above(value, rule.target) {
                counts.above + 1
            } else {
                0
            };
            counts.below = if crate::number::below(value, rule.scale_in_ratio * rule.target) {
                counts.below + 1
            } else {
                0
            };
            // AWS rounds conservatively: ceil of the capacity needed, out or in.
            let needed =
                crate::number::ceil(state.fleet.in_service as f64 * value / rule.target) as u32;
            if counts.above >= rule.scale_out_periods {
                self.tracking_triggers.push(TrackingTrigger {
                    group: group_index,
                    rule: rule_index,
                    scale_out: true,
                    capacity: needed,
                    value,
                });
            } else if counts.below >= rule.scale_in_periods && !rule.disable_scale_in {
                self.tracking_triggers.push(TrackingTrigger {
                    group: group_index,
                    rule: rule_index,
                    scale_out: false,
                    capacity: needed,
                    value,
                });
            }
        }
    }

    /// Acts on the target-tracking alarms that fired: scale out if any rule asks (to the largest
    /// capacity asked), scale in only if every rule with scale-in enabled asks and no instance
    /// is warming (AWS). Neither the cooldown nor an activity in progress blocks them; warming
    /// and booting instances count toward desired capacity, so a held alarm does not launch
    /// again for the same shortfall (the CloudSim Plus #337 double launch).
    pub(in crate::engine) fn act_on_tracking(&mut self, now: SimTime) {
        let triggers = std::mem::take(&mut self.tracking_triggers);
        for group_triggers in triggers.chunk_by(|a, b| a.group == b.group) {
            let group_index = group_triggers[0].group;
            let group = &self.scenario.groups[group_index];
            let state = &self.groups[group_index];
            let outs: Vec<_> = group_triggers
                .iter()
                .filter(|trigger| trigger.scale_out)
                .collect();
            let (target, chosen) =
                if let Some(best) = outs.iter().max_by_key(|trigger| trigger.capacity) {
                    (best.capacity.clamp(state.lower_bound(), state.max), *best)
                } else {
                    let voting = group
                        .target_tracking
                        .iter()
                        .filter(|rule| !rule.disable_scale_in)
                        .count();
                    let warmup = group
                        .target_tracking
                        .iter()
                        .map(|rule| rule.warmup)
                        .max()
                        .unwrap_or(0);
                    // Application Auto Scaling's scale-in cooldown blocks scale-ins after one.
                    if group_triggers.len() < voting
                        || state.warming(now, warmup)
                        || now < state.tracking_scale_in_until
                    {
                        continue;
                    }
                    let best = group_triggers
                        .iter()
                        .max_by_key(|trigger| trigger.capacity)
                        .expect("non-empty");
                    (best.capacity.clamp(state.lower_bound(), state.max), best)
                };
            let scale_out = chosen.scale_out;
            if (scale_out && target <= state.desired) || (!scale_out && target >= state.desired) {
                continue;
            }
            let rule = &group.target_tracking[chosen.rule];
            let metric = if rule.metric == Metric::Cpu {
                "cpu"
            } else {
                "requests_per_instance"
            };
            let mut activity = ScalingActivity::unchanged(
                group_index,
                Cause::TargetTracking { rule: chosen.rule },
                now,
                state.desired,
                ActivityStatus::NoChange,
            );
            activity.reason = format!(
                "{metric} {} {} {} for {} period(s): ceil({} x {} / {}) = {}: {} -> {target}",
                crate::number::trim_float(chosen.value),
                if scale_out { ">" } else { "<" },
                if scale_out {
                    format!("target {}", crate::number::trim_float(rule.target))
                } else {
                    // The low alarm's threshold, which is not the target.
                    format!(
                        "scale-in threshold {} ({} x target)",
                        crate::number::trim_float(rule.scale_in_ratio * rule.target),
                        crate::number::trim_float(rule.scale_in_ratio)
                    )
                },
                if scale_out {
                    rule.scale_out_periods
                } else {
                    rule.scale_in_periods
                },
                state.fleet.in_service,
                crate::number::trim_float(chosen.value),
                crate::number::trim_float(rule.target),
                chosen.capacity,
                state.desired
            );
            self.change_capacity(activity, target, 0);
            // A scale-in starts the longest scale-in cooldown; a scale-out ends it.
            self.groups[group_index].tracking_scale_in_until = if scale_out {
                0
            } else {
                let cooldown = group
                    .target_tracking
                    .iter()
                    .filter_map(|rule| rule.scale_in_cooldown)
                    .max()
                    .unwrap_or(0);
                now + cooldown
            };
        }
        self.tracking_triggers = triggers;
        self.tracking_triggers.clear();
    }
}
