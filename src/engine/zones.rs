//! Zones: which zone a launch goes to, which zone a scale-in takes from, and AWS's zone
//! rebalancing.
//!
//! A group lists its zones (`zones`); stock is per type and zone across the scenario.
//! Balanced policies count a group's instances per zone (AWS: "the Availability Zone with the
//! fewest instances"; ESS `BALANCE`; Tencent `EQUALITY`: "每次选择当前实例数最少的可用区/子网进行
//! 扩容"), ties going to the zone listed first on launch and to the zone listed last on
//! scale-in, so a scale-in undoes the scale-out before it.

use super::activity::{ActivityStatus, Cause, ScalingActivity};
use super::fleet::{EndReason, InstanceState};
use super::{Busy, Event, Simulation};
use crate::model::ZonePolicy;
use crate::time::{Seconds, SimTime};

/// How often a group with `zone_rebalance` looks again at zones left uneven (AWS gives no
/// interval: it rebalances "when ... an Availability Zone ... recovers"); the cadence of the
/// replacement retry.
pub(super) const REBALANCE_CHECK: Seconds = 300;

impl Simulation<'_, '_> {
    /// Instances per zone of a group: those counted toward desired capacity, or with `pool`
    /// those in its warm pool (ready or initializing).
    pub(super) fn zone_counts(&self, group_index: usize, pool: bool) -> Vec<u32> {
        let state = &self.groups[group_index];
        let mut counts = vec![0; self.scenario.groups[group_index].zones.len()];
        let instances = &state.fleet.instances;
        if pool {
            for index in &state.pool {
                counts[instances[*index].zone] += 1;
            }
            if state.pool_initializing > 0 {
                for instance in instances {
                    if instance.state == InstanceState::Initializing {
                        counts[instance.zone] += 1;
                    }
                }
            }
        } else {
            for index in &state.fleet.live {
                counts[instances[*index].zone] += 1;
            }
        }
        counts
    }

    /// The zones the next launch tries, in order: the list's order (`priority`), fewest
    /// instances first (`balanced`), or only the zones with the fewest (`balanced_only`).
    pub(super) fn zone_order(&self, group_index: usize, pool: bool) -> Vec<usize> {
        let group = &self.scenario.groups[group_index];
        let mut order: Vec<usize> = (0..group.zones.len()).collect();
        if group.zones.len() == 1 || group.zone_policy == ZonePolicy::Priority {
            return order;
        }
        let counts = self.zone_counts(group_index, pool);
        order.sort_by_key(|zone| (counts[*zone], *zone));
        if group.zone_policy == ZonePolicy::BalancedOnly {
            let fewest = counts[order[0]];
            order.retain(|zone| counts[*zone] == fewest);
        }
        order
    }

    /// The type and zone of the next launch (into the group, or with `pool` into its warm
    /// pool): the zones in [`Self::zone_order`], in each the first type with stock.
    pub(super) fn pick_zone(
        &mut self,
        group_index: usize,
        types: &[usize],
        preemptible: bool,
        pool: bool,
        now: SimTime,
        mut activity: Option<&mut ScalingActivity>,
    ) -> Option<(usize, usize)> {
        if self.scenario.groups[group_index].zones.len() == 1 {
            return self
                .pick_type(group_index, types, 0, preemptible, now, activity)
                .map(|kind| (kind, 0));
        }
        for zone in self.zone_order(group_index, pool) {
            if let Some(kind) = self.pick_type(
                group_index,
                types,
                zone,
                preemptible,
                now,
                activity.as_deref_mut(),
            ) {
                return Some((kind, zone));
            }
        }
        None
    }

    /// With `zone_rebalance`, a group whose zones are uneven looks again after
    /// [`REBALANCE_CHECK`] (unless a check is already due).
    pub(super) fn watch_balance(&mut self, group_index: usize, now: SimTime) {
        if !self.scenario.groups[group_index].zone_rebalance
            || self.groups[group_index].rebalance_at.is_some()
            || !uneven(&self.zone_counts(group_index, false))
        {
            return;
        }
        let at = now + REBALANCE_CHECK;
        if at < self.scenario.duration {
            self.groups[group_index].rebalance_at = Some(at);
            self.queue.push(at, Event::Rebalance { group: group_index });
        }
    }

    /// AWS `AZRebalance`: an uneven group launches in its smallest zones first ("launches new
    /// instances before terminating the old ones"), going past `max` by at most 10% (at least
    /// one instance: "10 percent or 1 instance, whichever is greater", rounded up), and
    /// terminates as many in its largest zones once they are in service. Waits while another
    /// activity is in progress; zones still without stock are tried again later.
    pub(super) fn rebalance(&mut self, group_index: usize, now: SimTime) {
        self.groups[group_index].rebalance_at = None;
        let mut counts = self.zone_counts(group_index, false);
        if !uneven(&counts) {
            return;
        }
        let state = &self.groups[group_index];
        if !state.busy.is_empty() || state.rebalancing {
            self.watch_balance(group_index, now);
            return;
        }
        let scenario = self.scenario;
        let group = &scenario.groups[group_index];
        let types = &group.configurations[state.configuration].instance_types;
        let ceiling = state.max + state.max.div_ceil(10).max(1);
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Rebalance,
            now,
            state.desired,
            ActivityStatus::InProgress,
        );
        activity.reason = format!(
            "zones uneven ({}): launching in the smallest before terminating in the largest",
            self.describe_zones(group_index, &counts)
        );
        loop {
            let largest = largest_zone(&counts);
            let mut smaller: Vec<usize> = (0..counts.len())
                .filter(|zone| counts[*zone] + 1 < counts[largest])
                .collect();
            smaller.sort_by_key(|zone| (counts[*zone], *zone));
            if smaller.is_empty() {
                break;
            }
            let preemptible = self.next_is_preemptible(group_index);
            let found = smaller.into_iter().find_map(|zone| {
                self.pick_type(
                    group_index,
                    types,
                    zone,
                    preemptible,
                    now,
                    Some(&mut activity),
                )
                .map(|kind| (kind, zone))
            });
            let Some((kind, zone)) = found else {
                break;
            };
            if self.groups[group_index].fleet.live_units + scenario.instance_types[kind].weight
                > ceiling
            {
                break;
            }
            let index = self.add_instance(group_index, kind, zone, preemptible, now, false);
            activity.launched.push(index as u32);
            if self.options.history {
                activity.note_launch(kind, zone, preemptible);
            }
            counts[zone] += 1;
            counts[largest] -= 1;
        }
        if activity.launched.is_empty() {
            // No stock in the smaller zones, or at the ceiling: look again later.
            self.watch_balance(group_index, now);
            return;
        }
        let state = &mut self.groups[group_index];
        state.rebalancing = true;
        state.busy.push(Busy {
            activity: self.activities.len(),
            cooldown: 0,
        });
        activity.end = None;
        self.record(activity);
    }

    /// The rebalancing launches are in service: the group terminates its surplus above
    /// desired capacity, from its largest zones.
    pub(super) fn finish_rebalance(&mut self, group_index: usize, now: SimTime) {
        let state = &mut self.groups[group_index];
        if !std::mem::take(&mut state.rebalancing) || state.fleet.live_units <= state.desired {
            return;
        }
        let desired = state.desired;
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Rebalance,
            now,
            desired,
            ActivityStatus::Successful,
        );
        self.scale_in_to(
            group_index,
            desired,
            now,
            EndReason::Rebalanced,
            &mut activity,
        );
        activity.reason = format!(
            "the rebalancing launches are in service: terminating as many in the largest zones, now {}",
            self.describe_zones(group_index, &self.zone_counts(group_index, false))
        );
        self.record(activity);
    }

    /// `a 3, b 1`: instances per zone, in the list's order.
    pub(super) fn describe_zones(&self, group_index: usize, counts: &[u32]) -> String {
        let group = &self.scenario.groups[group_index];
        group
            .zones
            .iter()
            .zip(counts)
            .map(|(zone, count)| format!("{} {count}", self.scenario.zones[*zone]))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether two zones differ by more than one instance (AWS: "an equal number of instances
/// across enabled Availability Zones", as far as the count allows).
fn uneven(counts: &[u32]) -> bool {
    let (low, high) = counts.iter().fold((u32::MAX, 0), |(low, high), count| {
        (low.min(*count), high.max(*count))
    });
    high > low + 1
}

/// The zone with the most instances, ties to the one listed last.
pub(super) fn largest_zone(counts: &[u32]) -> usize {
    (0..counts.len())
        .max_by_key(|zone| (counts[*zone], *zone))
        .unwrap_or(0)
}

/// The next scale-in victim of a balanced group: from the zone with the most instances that
/// has a candidate able to go (AWS: "the Availability Zones with the most instances and at
/// least one instance that is not protected from scale in"), the first such candidate in
/// removal order. `fits` says whether a candidate can go.
pub(super) fn balanced_victim(
    candidates: &[usize],
    zone_of: impl Fn(usize) -> usize,
    counts: &[u32],
    fits: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut zones: Vec<usize> = (0..counts.len()).collect();
    zones.sort_by_key(|zone| (std::cmp::Reverse(counts[*zone]), std::cmp::Reverse(*zone)));
    zones.into_iter().find_map(|zone| {
        candidates
            .iter()
            .position(|index| zone_of(*index) == zone && fits(*index))
    })
}
