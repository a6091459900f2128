//! The Kubernetes HorizontalPodAutoscaler's replica calculation, as a pure function.
//!
//! Follows `pkg/controller/podautoscaler/replica_calculator.go` (kubernetes/kubernetes):
//! `desired = ceil(ratio x counted pods)` with ratio = metric / target; no change within the
//! tolerance; failed and unscheduled pods ignored; for CPU, not-ready pods are set aside and
//! count as 0% when scaling up; pods without metrics count as 100% of their request (or the
//! target, if higher) on a scale-down and 0% on a scale-up; if that rebalancing reverses the
//! direction or lands within the tolerance, nothing changes.

/// Where a pod is in its life, as the calculator sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Scheduled and running.
    Running,
    /// Not scheduled yet: ignored.
    Pending,
    /// Failed or being deleted: ignored.
    Failed,
}

/// One pod (for scaleplan: one instance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pod {
    /// Life phase.
    pub phase: Phase,
    /// Whether it passed its readiness check.
    pub ready: bool,
    /// Its metric (resource usage, or the per-pod value of a custom metric); `None`: missing.
    pub value: Option<f64>,
    /// Resource request (the 100% of a utilization); 1 for plain metrics.
    pub request: f64,
}

/// What the target is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Resource utilization in percent of the request (CPU): not-ready pods are set aside.
    Utilization(f64),
    /// Average value per pod (custom "pods" metrics): readiness does not matter.
    AverageValue(f64),
}

/// How far the usage ratio may stray from 1 before the HPA acts, below and above
/// (`behavior.scaleDown.tolerance`, `behavior.scaleUp.tolerance`; both 0.1 by default).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Below 1.
    pub down: f64,
    /// Above 1.
    pub up: f64,
}

impl Tolerance {
    /// The same tolerance both ways.
    pub fn both(tolerance: f64) -> Self {
        Tolerance {
            down: tolerance,
            up: tolerance,
        }
    }

    /// Kubernetes `isWithin`: `1 - down <= ratio <= 1 + up`, a ratio within one part in 10^9
    /// of a bound being on it (`number::TIE`): 55% against 50% is exactly 1.1, within 0.1.
    fn within(self, ratio: f64) -> bool {
        !crate::number::below(ratio, 1.0 - self.down) && !crate::number::above(ratio, 1.0 + self.up)
    }
}

/// The replica count the HPA recommends for `current` replicas.
pub fn replicas(current: u32, pods: &[Pod], target: Target, tolerance: Tolerance) -> u32 {
    let resource = matches!(target, Target::Utilization(_));
    // groupPods: ignore failed and unscheduled pods; set aside unready (resource metrics) and
    // metric-less pods.
    let mut counted: Vec<&Pod> = Vec::new();
    let mut unready: Vec<&Pod> = Vec::new();
    let mut missing: Vec<&Pod> = Vec::new();
    for pod in pods {
        match pod.phase {
            Phase::Failed | Phase::Pending => continue,
            Phase::Running => {}
        }
        if pod.value.is_none() {
            missing.push(pod);
        } else if resource && !pod.ready {
            unready.push(pod);
        } else {
            counted.push(pod);
        }
    }
    if counted.is_empty() {
        return current;
    }
    let ratio_of = |pods: &[(f64, f64)]| -> f64 {
        let value: f64 = pods.iter().map(|(value, _)| value).sum();
        match target {
            Target::Utilization(percent) => {
                let request: f64 = pods.iter().map(|(_, request)| request).sum();
                (100.0 * value / request) / percent
            }
            Target::AverageValue(per_pod) => value / pods.len() as f64 / per_pod,
        }
    };
    let mut metrics: Vec<(f64, f64)> = counted
        .iter()
        .map(|pod| (pod.value.unwrap_or(0.0), pod.request))
        .collect();
    let ratio = ratio_of(&metrics);
    let rebalance_unready = !unready.is_empty() && ratio > 1.0;
    if !rebalance_unready && missing.is_empty() {
        if tolerance.within(ratio) {
            return current;
        }
        return (ratio * metrics.len() as f64).ceil() as u32;
    }
    // Rebalance: missing pods at 100% of request (or the target if higher) when scaling down,
    // 0% when scaling up; unready pods at 0% when scaling up.
    for pod in &missing {
        let value = if ratio < 1.0 {
            match target {
                Target::Utilization(percent) => pod.request * percent.max(100.0) / 100.0,
                Target::AverageValue(per_pod) => per_pod,
            }
        } else {
            0.0
        };
        metrics.push((value, pod.request));
    }
    if rebalance_unready {
        metrics.extend(unready.iter().map(|pod| (0.0, pod.request)));
    }
    let rebalanced = ratio_of(&metrics);
    if tolerance.within(rebalanced)
        || (ratio < 1.0 && rebalanced > 1.0)
        || (ratio > 1.0 && rebalanced < 1.0)
    {
        return current;
    }
    let proposed = (rebalanced * metrics.len() as f64).ceil() as u32;
    if (rebalanced < 1.0 && proposed > current) || (rebalanced > 1.0 && proposed < current) {
        return current;
    }
    proposed
}

/// A scale event: when, and how many replicas it added or removed.
pub type ScaleEvent = (u64, u32);

/// Replicas changed by `events` within the last `period` before `now` (Kubernetes
/// `getReplicasChangePerPeriod`: events after `now - period`).
fn changed(events: &[ScaleEvent], period: u64, now: u64) -> i64 {
    events
        .iter()
        .filter(|(at, _)| at + period > now)
        .map(|(_, count)| *count as i64)
        .sum()
}

/// The most replicas a scale-up may reach now (Kubernetes
/// `calculateScaleUpLimitWithScalingRules`): each policy counts from the replicas at its
/// period's start; `Max` takes the largest limit, `Min` the smallest, `Disabled` stays.
pub fn scale_up_limit(
    current: u32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    now: u64,
    select: crate::model::SelectPolicy,
    policies: &[crate::model::HpaPolicy],
) -> i64 {
    let limits = policy_limits(
        current,
        up,
        down,
        now,
        policies,
        |start, kind, value| match kind {
            crate::model::HpaPolicyKind::Pods => start + value as i64,
            // Rounded up: a change that rounds to nothing would never scale up.
            crate::model::HpaPolicyKind::Percent => {
                (start as f64 * (1.0 + value / 100.0)).ceil() as i64
            }
        },
    );
    select_limit(current, select, limits, true)
}

/// The fewest replicas a scale-down may reach now (Kubernetes
/// `calculateScaleDownLimitWithBehaviors`): `Max` takes the largest change (the smallest
/// limit), `Min` the smallest; a percent limit is truncated (72 pods less 10% leaves 64).
pub fn scale_down_limit(
    current: u32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    now: u64,
    select: crate::model::SelectPolicy,
    policies: &[crate::model::HpaPolicy],
) -> i64 {
    let limits = policy_limits(
        current,
        up,
        down,
        now,
        policies,
        |start, kind, value| match kind {
            crate::model::HpaPolicyKind::Pods => start - value as i64,
            crate::model::HpaPolicyKind::Percent => (start as f64 * (1.0 - value / 100.0)) as i64,
        },
    );
    select_limit(current, select, limits, false)
}

/// Each policy's limit, counted from the replicas at the start of its period: the current
/// count less what scaled up within the period, plus what scaled down.
fn policy_limits<'a>(
    current: u32,
    up: &'a [ScaleEvent],
    down: &'a [ScaleEvent],
    now: u64,
    policies: &'a [crate::model::HpaPolicy],
    limit: impl Fn(i64, crate::model::HpaPolicyKind, f64) -> i64 + 'a,
) -> impl Iterator<Item = i64> + 'a {
    policies.iter().map(move |policy| {
        let start =
            current as i64 - changed(up, policy.period, now) + changed(down, policy.period, now);
        limit(start, policy.kind, policy.value)
    })
}

/// `selectPolicy`: `Max` picks the policy allowing the most change (the largest limit up, the
/// smallest down), `Min` the least, `Disabled` none.
fn select_limit(
    current: u32,
    select: crate::model::SelectPolicy,
    mut limits: impl Iterator<Item = i64>,
    up: bool,
) -> i64 {
    use crate::model::SelectPolicy;
    let most = match (select, up) {
        (SelectPolicy::Disabled, _) => return current as i64,
        (SelectPolicy::Max, true) | (SelectPolicy::Min, false) => limits.by_ref().max(),
        (SelectPolicy::Max, false) | (SelectPolicy::Min, true) => limits.by_ref().min(),
    };
    most.unwrap_or(current as i64)
}

#[cfg(test)]
mod tests {
    //! Cases from kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go
    //! (docs/semantics.md, worked examples): CPU usage in millicores,
    //! requests 1000m unless stated, tolerance 0.1.
    use super::*;

    fn pod(ready: bool, millicores: Option<f64>) -> Pod {
        Pod {
            phase: Phase::Running,
            ready,
            value: millicores,
            request: 1000.0,
        }
    }

    fn ready(usage: &[f64]) -> Vec<Pod> {
        usage.iter().map(|value| pod(true, Some(*value))).collect()
    }

    #[test]
    fn scale_up() {
        // TestReplicaCalcScaleUp: 50% against 30% -> ceil(3 x 50 / 30) = 5.
        assert_eq!(
            replicas(
                3,
                &ready(&[300.0, 500.0, 700.0]),
                Target::Utilization(30.0),
                Tolerance::both(0.1)
            ),
            5
        );
    }

    #[test]
    fn scale_up_unready_less_scale() {
        // TestReplicaCalcScaleUpUnreadyLessScale: unready pod counted at 0% -> 4.
        let pods = vec![
            pod(false, Some(300.0)),
            pod(true, Some(500.0)),
            pod(true, Some(700.0)),
        ];
        assert_eq!(
            replicas(3, &pods, Target::Utilization(30.0), Tolerance::both(0.1)),
            4
        );
    }

    #[test]
    fn scale_up_unready_no_scale() {
        // TestReplicaCalcScaleUpUnreadyNoScale: rebalancing reverses the direction -> 3.
        let pods = vec![
            pod(true, Some(400.0)),
            pod(false, Some(500.0)),
            pod(false, Some(700.0)),
        ];
        assert_eq!(
            replicas(3, &pods, Target::Utilization(30.0), Tolerance::both(0.1)),
            3
        );
    }

    #[test]
    fn scale_up_ignores_failed_pods() {
        // TestReplicaCalcScaleUpIgnoresFailedPods: 2 running at 60% against 30% -> 4.
        let mut pods = ready(&[500.0, 700.0]);
        pods.extend([Phase::Failed, Phase::Failed].map(|phase| Pod {
            phase,
            ready: false,
            value: Some(4000.0),
            request: 1000.0,
        }));
        assert_eq!(
            replicas(2, &pods, Target::Utilization(30.0), Tolerance::both(0.1)),
            4
        );
    }

    #[test]
    fn scale_down() {
        // TestReplicaCalcScaleDown: 28% against 50% -> ceil(5 x 0.56) = 3.
        assert_eq!(
            replicas(
                5,
                &ready(&[100.0, 300.0, 500.0, 250.0, 250.0]),
                Target::Utilization(50.0),
                Tolerance::both(0.1)
            ),
            3
        );
    }

    #[test]
    fn scale_down_include_unready_pods() {
        // TestReplicaCalcScaleDownIncludeUnreadyPods: ready 30% against 50% -> ceil(0.6 x 3) = 2.
        let pods = vec![
            pod(true, Some(100.0)),
            pod(true, Some(300.0)),
            pod(true, Some(500.0)),
            pod(false, Some(250.0)),
            pod(false, Some(250.0)),
        ];
        assert_eq!(
            replicas(5, &pods, Target::Utilization(50.0), Tolerance::both(0.1)),
            2
        );
    }

    #[test]
    fn scale_down_exclude_unscheduled_pods() {
        // TestReplicaCalcScaleDownExcludeUnscheduledPods: 1 running at 10% + 4 pending -> 1.
        let mut pods = ready(&[100.0]);
        pods.extend((0..4).map(|_| Pod {
            phase: Phase::Pending,
            ready: false,
            value: None,
            request: 1000.0,
        }));
        assert_eq!(
            replicas(5, &pods, Target::Utilization(50.0), Tolerance::both(0.1)),
            1
        );
    }

    #[test]
    fn tolerance() {
        // TestReplicaCalcTolerance: requests 0.9 / 1.0 / 1.1, 102% against 100% -> 3.
        let pods: Vec<Pod> = [(1010.0, 900.0), (1030.0, 1000.0), (1020.0, 1100.0)]
            .iter()
            .map(|(usage, request)| Pod {
                phase: Phase::Running,
                ready: true,
                value: Some(*usage),
                request: *request,
            })
            .collect();
        assert_eq!(
            replicas(3, &pods, Target::Utilization(100.0), Tolerance::both(0.1)),
            3
        );
    }

    #[test]
    fn superfluous_metrics() {
        // TestReplicaCalcSuperfluousMetrics: 587.5% against 100% -> ceil(5.875 x 4) = 24.
        assert_eq!(
            replicas(
                4,
                &ready(&[4000.0, 9500.0, 3000.0, 7000.0]),
                Target::Utilization(100.0),
                Tolerance::both(0.1)
            ),
            24
        );
    }

    #[test]
    fn missing_metrics() {
        // TestReplicaCalcMissingMetrics: 24.75% down; missing pods at 100% -> 62.4% -> 3.
        let pods = vec![
            pod(true, Some(400.0)),
            pod(true, Some(95.0)),
            pod(true, None),
            pod(true, None),
        ];
        assert_eq!(
            replicas(4, &pods, Target::Utilization(100.0), Tolerance::both(0.1)),
            3
        );
    }

    #[test]
    fn missing_metrics_unready_scale_up() {
        // TestReplicaCalcMissingMetricsUnreadyScaleUp: unready and missing at 0% -> 4.
        let pods = vec![
            pod(false, Some(100.0)),
            pod(true, Some(2000.0)),
            pod(true, None),
        ];
        assert_eq!(
            replicas(3, &pods, Target::Utilization(50.0), Tolerance::both(0.1)),
            4
        );
    }

    #[test]
    fn missing_metrics_unready_scale_down() {
        // TestReplicaCalcMissingMetricsUnreadyScaleDown: missing at 100%, unready set aside -> 3.
        let pods = vec![
            pod(false, Some(100.0)),
            pod(true, Some(100.0)),
            pod(true, Some(100.0)),
            pod(true, None),
        ];
        assert_eq!(
            replicas(4, &pods, Target::Utilization(50.0), Tolerance::both(0.1)),
            3
        );
    }

    #[test]
    fn custom_metric_scale_up_and_down() {
        // TestReplicaCalcScaleUpCM: qps 20, 10, 30 against 15 per pod -> 4.
        let qps = |values: &[f64]| -> Vec<Pod> {
            values
                .iter()
                .map(|value| Pod {
                    phase: Phase::Running,
                    ready: true,
                    value: Some(*value),
                    request: 1.0,
                })
                .collect()
        };
        assert_eq!(
            replicas(
                3,
                &qps(&[20.0, 10.0, 30.0]),
                Target::AverageValue(15.0),
                Tolerance::both(0.1)
            ),
            4
        );
        // TestReplicaCalcScaleDownCM: 12 each against 20 -> ceil(5 x 0.6) = 3.
        assert_eq!(
            replicas(
                5,
                &qps(&[12.0; 5]),
                Target::AverageValue(20.0),
                Tolerance::both(0.1)
            ),
            3
        );
        // TestReplicaCalcToleranceCM: 20, 21, 21 against 20 -> within tolerance, 3.
        assert_eq!(
            replicas(
                3,
                &qps(&[20.0, 21.0, 21.0]),
                Target::AverageValue(20.0),
                Tolerance::both(0.1)
            ),
            3
        );
        // TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale: readiness ignored for pods metrics -> 6.
        let mut hot = qps(&[50.0, 10.0, 30.0]);
        hot[2].ready = false;
        assert_eq!(
            replicas(3, &hot, Target::AverageValue(15.0), Tolerance::both(0.1)),
            6
        );
    }

    #[test]
    fn computed_tolerance() {
        // TestReplicaCalcComputedToleranceAlgImplementation: 50% against 56% -> 9; against 55% -> 10.
        let pods: Vec<Pod> = (0..10)
            .map(|_| Pod {
                phase: Phase::Running,
                ready: true,
                value: Some(150.0),
                request: 300.0,
            })
            .collect();
        assert_eq!(
            replicas(10, &pods, Target::Utilization(56.0), Tolerance::both(0.1)),
            9
        );
        assert_eq!(
            replicas(10, &pods, Target::Utilization(55.0), Tolerance::both(0.1)),
            10
        );
    }

    #[test]
    fn blog_example_scales_fifty_to_sixty() {
        // kubernetes.io blog 2025-04-28: 50 replicas at 90% against 75% -> 60.
        let pods: Vec<Pod> = (0..50).map(|_| pod(true, Some(900.0))).collect();
        assert_eq!(
            replicas(50, &pods, Target::Utilization(75.0), Tolerance::both(0.1)),
            60
        );
    }

    use crate::model::{HpaPolicy, HpaPolicyKind, SelectPolicy};

    fn policy(kind: HpaPolicyKind, value: f64, period: u64) -> HpaPolicy {
        HpaPolicy {
            kind,
            value,
            period,
        }
    }

    // kubernetes.io, "Horizontal Pod Autoscaling", Scaling policies: Pods 4 and Percent 10
    // per 60 s; from 80 replicas toward 10 the first step removes 8, at 72 10% is 7.2
    // "rounded up to 8", and below 40 replicas the Pods policy of 4 dominates. One step per
    // period: a removal within the last 60 s counts against the next.
    #[test]
    fn kubernetes_scale_down_policies_example() {
        let policies = [
            policy(HpaPolicyKind::Pods, 4.0, 60),
            policy(HpaPolicyKind::Percent, 10.0, 60),
        ];
        let (mut replicas, mut down, mut steps) = (80_u32, Vec::new(), vec![80]);
        for minute in 0..20_u64 {
            let now = minute * 60;
            let limit = scale_down_limit(replicas, &[], &down, now, SelectPolicy::Max, &policies);
            let next = (limit.max(0) as u32).max(10).min(replicas);
            if next < replicas {
                down.push((now, replicas - next));
                replicas = next;
                steps.push(replicas);
            }
        }
        assert_eq!(
            steps,
            [80, 72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10]
        );
        // Within the same period nothing more may go: 80 -> 72 at 0 s leaves 72 at 15 s.
        assert_eq!(
            scale_down_limit(72, &[], &[(0, 8)], 15, SelectPolicy::Max, &policies),
            72
        );
        // An event exactly one period old has left the window (after `now - period`).
        assert_eq!(
            scale_down_limit(72, &[], &[(0, 8)], 60, SelectPolicy::Max, &policies),
            64
        );
    }

    #[test]
    fn select_policy_min_and_disabled() {
        let policies = [
            policy(HpaPolicyKind::Pods, 4.0, 60),
            policy(HpaPolicyKind::Percent, 10.0, 60),
        ];
        // Min: the smallest change; at 80, 4 pods rather than 8.
        assert_eq!(
            scale_down_limit(80, &[], &[], 0, SelectPolicy::Min, &policies),
            76
        );
        assert_eq!(
            scale_down_limit(80, &[], &[], 0, SelectPolicy::Disabled, &policies),
            80
        );
        // Scale-up defaults: 100% or 4 pods per 15 s, the larger (Max) or the smaller (Min).
        let up = [
            policy(HpaPolicyKind::Percent, 100.0, 15),
            policy(HpaPolicyKind::Pods, 4.0, 15),
        ];
        assert_eq!(scale_up_limit(2, &[], &[], 0, SelectPolicy::Max, &up), 6);
        assert_eq!(scale_up_limit(10, &[], &[], 0, SelectPolicy::Max, &up), 20);
        assert_eq!(scale_up_limit(10, &[], &[], 0, SelectPolicy::Min, &up), 14);
        assert_eq!(
            scale_up_limit(10, &[], &[], 0, SelectPolicy::Disabled, &up),
            10
        );
        // Percent rounds up: 1 pod + 10% is 2, not 1.
        let slow = [policy(HpaPolicyKind::Percent, 10.0, 60)];
        assert_eq!(scale_up_limit(1, &[], &[], 0, SelectPolicy::Max, &slow), 2);
        // Per-policy periods: 3 pods added 30 s ago count against a 60 s policy, not a 15 s one.
        let mixed = [
            policy(HpaPolicyKind::Pods, 4.0, 60),
            policy(HpaPolicyKind::Pods, 2.0, 15),
        ];
        assert_eq!(
            scale_up_limit(10, &[(0, 3)], &[], 30, SelectPolicy::Max, &mixed),
            12
        );
        assert_eq!(
            scale_up_limit(10, &[(0, 3)], &[], 30, SelectPolicy::Min, &mixed),
            11
        );
    }

    // A ratio exactly on a bound is within it: 55% against 50% is 1.1 (no scale-up at 0.1),
    // 45% against 50% is 0.9 (no scale-down); per direction, only the up tolerance is wider.
    #[test]
    fn tolerance_ties_and_directions() {
        let at = |usage: f64| ready(&[usage, usage]);
        let target = Target::Utilization(50.0);
        assert_eq!(replicas(2, &at(550.0), target, Tolerance::both(0.1)), 2);
        assert_eq!(replicas(2, &at(450.0), target, Tolerance::both(0.1)), 2);
        assert_eq!(replicas(2, &at(560.0), target, Tolerance::both(0.1)), 3);
        let wide_up = Tolerance { down: 0.1, up: 0.5 };
        assert_eq!(replicas(2, &at(700.0), target, wide_up), 2);
        assert_eq!(replicas(2, &at(400.0), target, wide_up), 2);
        assert_eq!(replicas(2, &at(300.0), target, wide_up), 2);
        assert_eq!(replicas(4, &ready(&[300.0; 4]), target, wide_up), 3);
    }
}
