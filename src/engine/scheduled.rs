//! Scheduled tasks: firings, waiting for a busy group, launch expiration (ESS).

use super::*;

impl Simulation<'_, '_> {
    pub(super) fn scheduled_fire(&mut self, group_index: usize, task_index: usize, now: SimTime) {
        let task = &self.scenario.groups[group_index].scheduled[task_index];
        if let Some(&next) = task
            .fires
            .get(task.fires.partition_point(|time| *time <= now))
        {
            self.queue.push(
                next,
                Event::ScheduledFire {
                    group: group_index,
                    task: task_index,
                },
            );
        }
        self.groups[group_index].waiting.push_back(Waiting {
            task: task_index,
            fired: now,
        });
        self.retry_waiting(group_index, now);
    }

    /// Runs waiting scheduled firings in order while the group is free; fails those whose
    /// launch expiration has passed (ESS `LaunchExpirationTime`).
    pub(super) fn retry_waiting(&mut self, group_index: usize, now: SimTime) {
        let group = &self.scenario.groups[group_index];
        while let Some(&Waiting {
            task: task_index,
            fired,
        }) = self.groups[group_index].waiting.front()
        {
            let task = &group.scheduled[task_index];
            let deadline = fired + task.launch_expiration;
            let state = &self.groups[group_index];
            if now > deadline {
                let cause = Cause::Scheduled { task: task_index };
                let mut activity = ScalingActivity::unchanged(
                    group_index,
                    cause,
                    fired,
                    state.desired,
                    ActivityStatus::Failed,
                );
                activity.end = Some(deadline);
                activity.note = Note::Expired {
                    expiration: task.launch_expiration,
                };
                self.groups[group_index].waiting.pop_front();
                self.record(activity);
                continue;
            }
            if !state.busy.is_empty() {
                return; // Retried when the activity completes.
            }
            if self.scenario.cooldown_blocks == CooldownBlocks::All && now < state.cooldown_until {
                let retry = state.cooldown_until;
                if state.retry_at != Some(retry) {
                    self.groups[group_index].retry_at = Some(retry);
                    self.queue
                        .push(retry, Event::RetryWaiting { group: group_index });
                }
                return;
            }
            self.groups[group_index].waiting.pop_front();
            self.run_task(group_index, task_index, now, fired);
        }
    }

    pub(super) fn run_task(
        &mut self,
        group_index: usize,
        task_index: usize,
        now: SimTime,
        fired: SimTime,
    ) {
        let group = &self.scenario.groups[group_index];
        let task = &group.scheduled[task_index];
        let state = &mut self.groups[group_index];
        let cause = Cause::Scheduled { task: task_index };
        let mut activity = ScalingActivity::unchanged(
            group_index,
            cause,
            now,
            state.desired,
            ActivityStatus::NoChange,
        );
        activity.waited = now - fired;
        let (target, cooldown) = match task.action {
            TaskAction::RunRule(rule_index) => {
                let rule = &group.rules[rule_index];
                let decision = scaling::apply(
                    rule.adjustment,
                    state.desired,
                    state.lower_bound(),
                    state.max,
                    self.scenario.rounding,
                );
                activity.decision = Some(decision);
                (
                    decision.desired,
                    rule.cooldown.unwrap_or(group.default_cooldown),
                )
            }
            TaskAction::Activate(configuration) => {
                state.configuration = configuration;
                let first = &self.scenario.instance_types
                    [group.configurations[configuration].instance_types[0]];
                state.unit_capacity = first.capacity_rps / first.weight as f64;
                activity.status = ActivityStatus::Successful;
                activity.note = Note::Activated { configuration };
                self.record(activity);
                return;
            }
            TaskAction::SetCapacity { min, max, desired } => {
                let new_min = min.unwrap_or(state.min);
                let new_max = max.unwrap_or(state.max);
                if new_min > new_max {
                    activity.status = ActivityStatus::Failed;
                    activity.note = Note::BoundsConflict {
                        min: new_min,
                        max: new_max,
                    };
                    self.record(activity);
                    return;
                }
                // Changing min or max moves desired into the new range at once (AWS, ESS).
                state.min = new_min;
                state.max = new_max;
                activity.note = Note::SetCapacity {
                    min: new_min,
                    max: new_max,
                    desired,
                };
                (
                    desired.unwrap_or(state.desired).clamp(new_min, new_max),
                    group.default_cooldown,
                )
            }
        };
        self.change_capacity(activity, target, cooldown);
    }
}
