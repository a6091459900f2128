//! The Kubernetes HorizontalPodAutoscaler: replica calculator, stabilization, policies.

use super::*;
use crate::scaling::hpa;

impl Simulation<'_> {
    /// One HPA sync (Kubernetes `horizontal-pod-autoscaler-sync-period`): the replica
    /// calculation over in-service (ready) and booting (not ready) instances,
    /// the scale-down stabilization window (highest recommendation), the scaling policies
    /// (scale-up: the larger of +percent and +instances per period; scale-down: -percent per
    /// period), then min / max.
    pub(in crate::engine) fn hpa_sync(&mut self, group_index: usize, now: SimTime) {
        let group = &self.scenario.groups[group_index];
        let Some(rule) = &group.hpa else { return };
        if now + rule.sync_period < self.scenario.duration {
            self.queue.push(
                now + rule.sync_period,
                Event::HpaSync { group: group_index },
            );
        }
        let state = &mut self.groups[group_index];
        let (load, capacity) = (state.load, state.unit_capacity);
        let ready = state.fleet.in_service;
        let (target, value_per_ready, request) = match rule.metric {
            // CPU usage cannot exceed an instance's capacity.
            Metric::Cpu => (
                hpa::Target::Utilization(rule.target),
                (load / (ready.max(1) as f64)).min(capacity),
                capacity,
            ),
            _ => (
                hpa::Target::AverageValue(rule.target),
                load / ready.max(1) as f64,
                1.0,
            ),
        };
        let pods: Vec<hpa::Pod> = (0..ready)
            .map(|_| hpa::Pod {
                phase: hpa::Phase::Running,
                ready: true,
                value: Some(value_per_ready),
                request,
            })
            // Booting instances are pods that are not ready yet (Kubernetes: running, not
            // passed readiness): for CPU they report usage (none: they serve nothing) and the
            // calculator sets them aside, counting them at 0% only when scaling up; a
            // per-pod custom metric has no readiness rule, and a booting pod reports none.
            .chain((0..state.fleet.pending).map(|_| hpa::Pod {
                phase: hpa::Phase::Running,
                ready: false,
                value: match rule.metric {
                    Metric::Cpu => Some(0.0),
                    _ => None,
                },
                request,
            }))
            .collect();
        let current = state.desired;
        let recommended = if ready == 0 {
            current
        } else {
            hpa::replicas(current, &pods, target, rule.tolerance)
        };
        let history = &mut state.hpa;
        history.recommendations.push_back((now, recommended));
        while history
            .recommendations
            .front()
            .is_some_and(|(at, _)| *at + rule.stabilization_window < now)
        {
            history.recommendations.pop_front();
        }
        while history
            .changes
            .front()
            .is_some_and(|(at, _)| *at + rule.policy_period <= now)
        {
            history.changes.pop_front();
        }
        // Scale-down stabilization: the highest recommendation of the window.
        let stabilized = if recommended < current {
            history
                .recommendations
                .iter()
                .map(|(_, value)| *value)
                .max()
                .unwrap_or(recommended)
                .min(current)
        } else {
            recommended
        };
        let added: i64 = history
            .changes
            .iter()
            .filter(|(_, change)| *change > 0)
            .map(|(_, change)| change)
            .sum();
        let removed: i64 = history
            .changes
            .iter()
            .filter(|(_, change)| *change < 0)
            .map(|(_, change)| -change)
            .sum();
        let mut desired = stabilized;
        if desired > current {
            let start = (current as i64 - added).max(0) as f64;
            let by_percent = (start * (1.0 + rule.scale_up_percent / 100.0)).ceil();
            let by_instances = start + rule.scale_up_instances as f64;
            desired = desired.min(by_percent.max(by_instances) as u32);
        } else if desired < current {
            let start = current as i64 + removed;
            let limit = start - (start as f64 * rule.scale_down_percent / 100.0).ceil() as i64;
            desired = desired.max(limit.max(0) as u32);
        }
        let desired = desired.clamp(state.lower_bound(), state.max);
        if desired == current {
            return;
        }
        state
            .hpa
            .changes
            .push_back((now, desired as i64 - current as i64));
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Hpa,
            now,
            current,
            ActivityStatus::NoChange,
        );
        let metric = match rule.metric {
            Metric::Cpu => format!(
                "cpu {}%",
                crate::number::trim_float(100.0 * value_per_ready / capacity)
            ),
            _ => format!(
                "requests_per_instance {}",
                crate::number::trim_float(value_per_ready)
            ),
        };
        activity.reason = format!(
            "{metric} vs target {} over {ready} ready and {} booting: recommends {recommended}, stabilized {stabilized}, after policies and bounds {desired}: {current} -> {desired}",
            crate::number::trim_float(rule.target),
            state.fleet.pending
        );
        self.change_capacity(activity, desired, 0);
    }
}
