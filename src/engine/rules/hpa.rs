//! The Kubernetes HorizontalPodAutoscaler: replica calculator, stabilization, policies.

use super::*;
use crate::scaling::hpa;

impl Simulation<'_, '_> {
    /// One HPA sync (Kubernetes `horizontal-pod-autoscaler-sync-period`), as
    /// `pkg/controller/podautoscaler/horizontal.go` does it: the replica calculation over the
    /// group's pods (in service: ready, unless started within the CPU initialization period
    /// and ready for less than a metric window; booting: not ready; failed: ignored), the
    /// stabilization of each direction (`stabilizeRecommendationWithBehaviors`: up, the lowest
    /// recommendation of its window; down, the highest), the policies
    /// (`convertDesiredReplicasWithBehaviorRate`), then min / max.
    pub(in crate::engine) fn hpa_sync(&mut self, group_index: usize, now: SimTime) {
        let group = &self.scenario.groups[group_index];
        let Some(rule) = &group.hpa else { return };
        if now + rule.sync_period < self.scenario.duration {
            self.queue.push(
                now + rule.sync_period,
                Event::HpaSync { group: group_index },
            );
        }
        let window = self.scenario.metric_period;
        let state = &mut self.groups[group_index];
        let (load, capacity) = (state.load, state.unit_capacity);
        let serving = state.fleet.in_service;
        let (target, value_per_ready, request) = match rule.metric {
            // CPU usage cannot exceed an instance's capacity.
            Metric::Cpu => (
                hpa::Target::Utilization(rule.target),
                (load / (serving.max(1) as f64)).min(capacity),
                capacity,
            ),
            _ => (
                hpa::Target::AverageValue(rule.target),
                load / serving.max(1) as f64,
                1.0,
            ),
        };
        let cpu = rule.metric == Metric::Cpu;
        let mut pods: Vec<hpa::Pod> = Vec::with_capacity(state.fleet.live_units as usize);
        let (mut settling, mut booting) = (0_u32, 0_u32);
        for &index in &state.fleet.live {
            let instance = &state.fleet.instances[index];
            let pod = match instance.state {
                InstanceState::InService => {
                    // groupPods: within the CPU initialization period a sample counts only
                    // once the pod has been ready for a whole metric window. Instances there
                    // at the start were started long before.
                    let settles = cpu
                        && instance.launched_in_run
                        && instance.launched_at + rule.cpu_initialization_period > now
                        && now < instance.in_service_at + window;
                    settling += instance.weight * settles as u32;
                    hpa::Pod {
                        phase: hpa::Phase::Running,
                        ready: !settles,
                        value: Some(value_per_ready),
                        request,
                    }
                }
                // Booting instances are pods not ready yet (running, readiness not passed):
                // for CPU they report usage (none: they serve nothing) and the calculator
                // sets them aside; a per-pod custom metric has no readiness rule, and a
                // booting pod reports none.
                InstanceState::Pending => {
                    booting += instance.weight;
                    hpa::Pod {
                        phase: hpa::Phase::Running,
                        ready: false,
                        value: cpu.then_some(0.0),
                        request,
                    }
                }
                // A failed pod (not yet replaced) is ignored.
                InstanceState::Failed
                | InstanceState::Terminating
                | InstanceState::Initializing
                | InstanceState::Warm
                | InstanceState::Terminated => hpa::Pod {
                    phase: hpa::Phase::Failed,
                    ready: false,
                    value: None,
                    request,
                },
            };
            pods.extend(std::iter::repeat_n(pod, instance.weight as usize));
        }
        let current = state.desired;
        let tolerance = hpa::Tolerance {
            down: rule.scale_down_tolerance.unwrap_or(rule.tolerance),
            up: rule.scale_up_tolerance.unwrap_or(rule.tolerance),
        };
        let recommended = if serving == 0 {
            current
        } else {
            hpa::replicas(current, &pods, target, tolerance)
        };
        let (min, max) = (state.lower_bound(), state.max);
        // Stabilization over the earlier recommendations strictly inside each window.
        let history = &mut state.hpa;
        let recent = |window: Seconds| {
            history
                .recommendations
                .iter()
                .filter(move |(at, _)| at + window > now)
                .map(|(_, value)| *value)
        };
        let up_floor = recent(rule.scale_up_stabilization)
            .chain([recommended])
            .min()
            .unwrap_or(recommended);
        let down_ceiling = recent(rule.stabilization_window)
            .chain([recommended])
            .max()
            .unwrap_or(recommended);
        let stabilized = current.max(up_floor).min(down_ceiling);
        let keep = rule.stabilization_window.max(rule.scale_up_stabilization);
        history.recommendations.push_back((now, recommended));
        while history
            .recommendations
            .front()
            .is_some_and(|(at, _)| at + keep <= now)
        {
            history.recommendations.pop_front();
        }
        let longest = (rule.policies(true).iter())
            .chain(rule.policies(false).iter())
            .map(|policy| policy.period)
            .max()
            .unwrap_or(rule.policy_period);
        history.up_events.retain(|(at, _)| at + longest > now);
        history.down_events.retain(|(at, _)| at + longest > now);
        let desired = if stabilized > current {
            let limit = hpa::scale_up_limit(
                current,
                &history.up_events,
                &history.down_events,
                now,
                rule.scale_up_select,
                &rule.policies(true),
            )
            .max(current as i64);
            stabilized.min(limit.min(max as i64) as u32)
        } else if stabilized < current {
            let limit = hpa::scale_down_limit(
                current,
                &history.up_events,
                &history.down_events,
                now,
                rule.scale_down_select,
                &rule.policies(false),
            )
            .min(current as i64);
            stabilized.max(limit.max(min as i64) as u32)
        } else {
            stabilized
        };
        let desired = desired.clamp(min, max);
        if desired == current {
            return;
        }
        if desired > current {
            history.up_events.push((now, desired - current));
        } else {
            history.down_events.push((now, current - desired));
        }
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
        let initializing = if settling > 0 {
            format!(", {settling} initializing")
        } else {
            String::new()
        };
        activity.reason = format!(
            "{metric} vs target {} over {} ready{initializing} and {booting} booting: recommends {recommended}, stabilized {stabilized}, after policies and bounds {desired}: {current} -> {desired}",
            crate::number::trim_float(rule.target),
            serving - settling,
        );
        self.change_capacity(activity, desired, 0);
    }
}
