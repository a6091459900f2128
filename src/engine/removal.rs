//! Which instances a scale-in removes: the removal policies, each breaking the ties of the
//! ones before it (AWS termination policies, ESS `RemovalPolicies`, Tencent
//! `TerminationPolicies`).

use super::GroupState;
use super::InstanceState;
use crate::model::RemovalPolicy;
use crate::time::{Seconds, SimTime};

/// Scale-in candidates, in removal order: pending and failed instances first (they serve
/// nothing, newest first), then instances the group launched, then manually added ones (Tencent removes
/// automatically created instances before manually added ones), each by the removal policies
/// in turn, ties oldest first. Protected instances are never chosen (AWS, ESS and Tencent
/// scale-in protection).
pub(super) fn removal_order(
    state: &GroupState,
    group: &crate::model::ScalingGroup,
    now: SimTime,
) -> Vec<usize> {
    let mut candidates: Vec<usize> = state
        .fleet
        .live
        .iter()
        .copied()
        .filter(|index| !state.fleet.instances[*index].protected)
        .collect();
    let instances = &state.fleet.instances;
    // Booting and failed instances serve nothing: they go first, newest first.
    let class = |index: usize| {
        let instance = &instances[index];
        let pending = instance.state != InstanceState::InService;
        let pending_rank = if pending { usize::MAX - index } else { 0 };
        (!pending, instance.manual, pending_rank)
    };
    candidates.sort_by(|a, b| {
        class(*a).cmp(&class(*b)).then_with(|| {
            group
                .removal_policy
                .iter()
                .flat_map(|policy| criteria(*policy))
                .map(|criterion| {
                    let key = |index| criterion_key(*criterion, index, state, group, now);
                    key(*a).cmp(&key(*b))
                })
                .find(|order| order.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
                // Launch order is index order.
                .then(a.cmp(b))
        })
    });
    candidates
}

/// What a removal policy compares, in order.
#[derive(Debug, Clone, Copy)]
enum Criterion {
    Oldest,
    Newest,
    /// Configurations ranked by file order, the order they were created in.
    OldestConfiguration,
    /// Configurations other than the active one first.
    NotActiveConfiguration,
    NextInstanceHour,
    LowestTypePriority,
}

fn criteria(policy: RemovalPolicy) -> &'static [Criterion] {
    use Criterion::*;
    match policy {
        RemovalPolicy::OldestInstance => &[Oldest],
        RemovalPolicy::NewestInstance => &[Newest],
        RemovalPolicy::OldestScalingConfiguration => &[OldestConfiguration],
        RemovalPolicy::OldestLaunchTemplate | RemovalPolicy::OldestLaunchConfiguration => {
            &[NotActiveConfiguration, OldestConfiguration]
        }
        RemovalPolicy::ClosestToNextInstanceHour => &[NextInstanceHour],
        RemovalPolicy::AllocationStrategy => &[LowestTypePriority],
        RemovalPolicy::Default => &[
            NotActiveConfiguration,
            OldestConfiguration,
            NextInstanceHour,
        ],
    }
}

/// An instance's rank under one criterion: lower is removed first.
fn criterion_key(
    criterion: Criterion,
    index: usize,
    state: &GroupState,
    group: &crate::model::ScalingGroup,
    now: SimTime,
) -> u64 {
    let instance = &state.fleet.instances[index];
    match criterion {
        Criterion::Oldest => index as u64,
        Criterion::Newest => u64::MAX - index as u64,
        Criterion::OldestConfiguration => instance.configuration as u64,
        Criterion::NotActiveConfiguration => {
            u64::from(instance.configuration == state.configuration)
        }
        Criterion::NextInstanceHour => seconds_to_next_hour(now - instance.launched_at),
        Criterion::LowestTypePriority => {
            let types = &group.configurations[instance.configuration].instance_types;
            let position = types
                .iter()
                .position(|kind| *kind == instance.instance_type)
                .unwrap_or(0);
            u64::MAX - position as u64
        }
    }
}

/// Seconds from an instance's age to the end of the hour it is billed for: 0 on an hour's
/// boundary (its hours all used), 3,600 at launch (its first hour all ahead).
pub(super) fn seconds_to_next_hour(age: Seconds) -> Seconds {
    match age % 3600 {
        0 if age > 0 => 0,
        into => 3600 - into,
    }
}
