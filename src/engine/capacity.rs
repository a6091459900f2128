//! Capacity changes: desired capacity moved to a target, activities started and completed,
//! cooldowns started, and the history recorded.

use super::*;

impl Simulation<'_, '_> {
    /// Moves desired capacity to `target`, launches or removes instances to match, and records
    /// `activity` (which arrives with its cause, time and reasons filled in).
    ///
    /// Scale-in removes instances in removal order while the units left stay at or above the
    /// target (a heavy instance that would cut below it is skipped, as AWS does with weights).
    /// Launches that find no stock leave the group at what launched: the activity is
    /// partially successful and desired drops to the units the group holds (ESS).
    pub(super) fn change_capacity(
        &mut self,
        mut activity: ScalingActivity,
        target: u32,
        cooldown: Seconds,
    ) {
        let group_index = activity.group;
        let now = activity.start;
        let state = &mut self.groups[group_index];
        let live = state.fleet.live_units;
        activity.to = target;
        if target == activity.from && live == target {
            activity.status = ActivityStatus::NoChange;
            self.record(activity);
            return;
        }
        state.desired = target;
        if target > live {
            let missing = self.launch(group_index, now, target, false, Some(&mut activity));
            if missing > 0 {
                activity.no_stock = missing;
                match &self.scenario.groups[group_index].retry_policy {
                    // ESS, AWS: desired drops to what the group holds.
                    None => {
                        let state = &mut self.groups[group_index];
                        state.desired = state.fleet.live_units.max(state.min);
                        activity.to = state.desired;
                    }
                    // Tencent: desired stays; a partial success counts as a failure.
                    Some(_) => self.launch_failed(group_index, now),
                }
            } else {
                self.groups[group_index].launch_failures = 0;
            }
        } else if target < live {
            self.scale_in_to(group_index, target, now, EndReason::ScaleIn, &mut activity);
        }
        let state = &mut self.groups[group_index];
        if activity.launched.is_empty() {
            if cooldown > 0 {
                state.cooldown_until = state.cooldown_until.max(now + cooldown);
            }
            activity.status = if activity.no_stock > 0 {
                ActivityStatus::Failed
            } else {
                ActivityStatus::Successful
            };
        } else {
            state.busy.push(Busy {
                activity: self.activities.len(),
                cooldown,
            });
            activity.status = if activity.no_stock > 0 {
                ActivityStatus::PartialSuccess
            } else {
                ActivityStatus::InProgress
            };
            activity.end = None;
        }
        self.record(activity);
        self.complete_activities(group_index, now);
        self.fill_pool(group_index, now, false);
    }

    /// Removes instances in removal order while the units left stay at or above `target` (a
    /// heavy instance that would cut below it is skipped, as AWS does with weights); a group
    /// balancing its zones takes each from its largest zone first ([`zones::balanced_victim`]).
    pub(super) fn scale_in_to(
        &mut self,
        group_index: usize,
        target: u32,
        now: SimTime,
        reason: EndReason,
        activity: &mut ScalingActivity,
    ) {
        let group = &self.scenario.groups[group_index];
        let mut units = self.groups[group_index].fleet.live_units;
        let mut candidates = removal::removal_order(&self.groups[group_index], group, now);
        let balanced = group.zones.len() > 1 && group.zone_policy.balances();
        // Zone counts only where a zone decides (a scan of the fleet per scale-in otherwise).
        let mut counts = if balanced {
            self.zone_counts(group_index, false)
        } else {
            Vec::new()
        };
        // The weight of the first instance passed over because it would undershoot.
        let mut skipped = None;
        let mut next = 0;
        while units > target {
            let instances = &self.groups[group_index].fleet.instances;
            let fits = |index: usize| units - instances[index].weight >= target;
            let index = if balanced {
                let found = zones::balanced_victim(
                    &candidates,
                    |index| instances[index].zone,
                    &counts,
                    fits,
                );
                let Some(position) = found else {
                    skipped = candidates.first().map(|index| instances[*index].weight);
                    break;
                };
                candidates.remove(position)
            } else {
                // Units only fall: a candidate that does not fit now never will.
                let Some(position) = (next..candidates.len()).find(|at| fits(candidates[*at]))
                else {
                    skipped =
                        skipped.or(candidates.get(next).map(|index| instances[*index].weight));
                    break;
                };
                if position > next {
                    skipped = skipped.or(Some(instances[candidates[next]].weight));
                }
                next = position + 1;
                candidates[position]
            };
            let instance = &instances[index];
            units -= instance.weight;
            if balanced {
                counts[instance.zone] -= 1;
            }
            let to_pool = self.groups[group_index].pool.len();
            self.retire(group_index, index, now, reason);
            activity.to_pool += u32::from(self.groups[group_index].pool.len() > to_pool);
            activity.terminated.push(index as u32);
        }
        // Units above desired stay either because removing any instance left would go below
        // desired (weights), or because only protected instances remain.
        if units > target {
            match skipped {
                Some(weight) => activity.weight_kept = Some((units - target, weight)),
                None => activity.protected_kept = units - target,
            }
        }
    }

    pub(super) fn boot_complete(
        &mut self,
        group_index: usize,
        instance_index: usize,
        now: SimTime,
    ) {
        if self.groups[group_index].fleet.instances[instance_index].state != InstanceState::Pending
        {
            return; // Removed while booting.
        }
        self.enter_service(group_index, instance_index, now);
        self.complete_activities(group_index, now);
    }

    /// A scale-out found no stock for some units under Tencent's retry policy: count the
    /// consecutive failure and schedule the retry the policy gives, if any.
    pub(super) fn launch_failed(&mut self, group_index: usize, now: SimTime) {
        let Some(policy) = &self.scenario.groups[group_index].retry_policy else {
            return;
        };
        let state = &mut self.groups[group_index];
        state.launch_failures += 1;
        if state.relaunch_at.is_some() {
            return;
        }
        if let Some(after) = policy.next_retry(state.launch_failures)
            && now + after < self.scenario.duration
        {
            state.relaunch_at = Some(now + after);
            self.queue
                .push(now + after, Event::RetryLaunch { group: group_index });
        }
    }

    /// Tencent's retry of a scale-out short of stock: launch toward the desired capacity that
    /// stayed (recorded as an activity of its own), and retry again or stop.
    pub(super) fn retry_launch(&mut self, group_index: usize, now: SimTime) {
        let state = &mut self.groups[group_index];
        state.relaunch_at = None;
        if state.fleet.live_units >= state.desired {
            state.launch_failures = 0;
            return;
        }
        let desired = state.desired;
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Replacement {
                reason: ReplacementReason::Retry,
            },
            now,
            desired,
            ActivityStatus::InProgress,
        );
        activity.reason = format!(
            "after {} consecutive launch(es) short of stock",
            self.groups[group_index].launch_failures
        );
        let missing = self.launch(group_index, now, desired, false, Some(&mut activity));
        activity.no_stock = missing;
        activity.status = match (missing, activity.launched.is_empty()) {
            (0, _) => ActivityStatus::InProgress,
            (_, true) => ActivityStatus::Failed,
            (_, false) => ActivityStatus::PartialSuccess,
        };
        if missing > 0 {
            self.launch_failed(group_index, now);
        } else {
            self.groups[group_index].launch_failures = 0;
        }
        if activity.launched.is_empty() {
            activity.end = Some(now);
        } else {
            let state = &mut self.groups[group_index];
            state.busy.push(Busy {
                activity: self.activities.len(),
                cooldown: 0,
            });
            activity.end = None;
        }
        self.record(activity);
    }

    /// Activities in progress complete once nothing is booting (a scale-in or a reclaim can
    /// remove the last booting instance, too).
    pub(super) fn complete_activities(&mut self, group_index: usize, now: SimTime) {
        let state = &mut self.groups[group_index];
        // The activity completes when its last launched instance is in service, and the
        // cooldown starts then (AWS: "when the last instance finishes launching").
        if state.fleet.pending == 0 && !state.busy.is_empty() {
            for Busy {
                activity: activity_index,
                cooldown,
            } in std::mem::take(&mut state.busy)
            {
                if cooldown > 0 {
                    state.cooldown_until = state.cooldown_until.max(now + cooldown);
                }
                if let Some(activity) = self.activities.get_mut(activity_index) {
                    activity.end = Some(now);
                    if activity.status == ActivityStatus::InProgress {
                        activity.status = ActivityStatus::Successful;
                    }
                }
            }
            self.retry_waiting(group_index, now);
            self.finish_rebalance(group_index, now);
        }
    }

    /// Counts a trigger in its group's summary and, with history on, keeps it.
    pub(super) fn record(&mut self, activity: ScalingActivity) {
        let summary = &mut self.groups[activity.group].summary;
        match activity.status {
            status if status.is_activity() => summary.activities += 1,
            ActivityStatus::RejectedCooldown => summary.rejected_by_cooldown += 1,
            ActivityStatus::RejectedBusy => summary.rejected_busy += 1,
            ActivityStatus::Failed => match activity.cause {
                Cause::Scheduled { .. } => summary.failed_tasks += 1,
                _ => summary.failed_launches += 1,
            },
            _ => {}
        }
        summary.no_stock += activity.no_stock;
        let (group_index, start) = (activity.group, activity.start);
        if self.options.history {
            self.activities.push(activity);
        }
        self.watch_balance(group_index, start);
    }
}
