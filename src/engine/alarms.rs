//! Alarm tasks: a period's datapoint per alarm, consecutive breaches, and the triggers of
//! one instant resolved against cooldowns and the one-activity gate.

use super::*;

/// An alarm whose condition held for its periods at the end of the last period, waiting to
/// act at that instant.
#[derive(Debug, Clone, Copy)]
pub(super) struct AlarmTrigger {
    pub(super) group: usize,
    pub(super) alarm: usize,
    /// The period's datapoint (`None`: no sample).
    pub(super) datapoint: Option<f64>,
}

/// One alarm's running period: its samples so far and its breach streak.
#[derive(Debug, Clone, Default)]
pub(super) struct AlarmState {
    pub(super) sum: f64,
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) samples: u32,
    /// CloudWatch's Sum and SampleCount of the period's datapoints (see `Statistic`).
    pub(super) total: f64,
    pub(super) count: f64,
    pub(super) consecutive: u32,
    /// M out of N: whether each of the last `periods` datapoints breached, oldest first, and
    /// how many did (kept only when `datapoints < periods`).
    pub(super) window: std::collections::VecDeque<bool>,
    pub(super) breaching_in_window: u32,
    /// End of the current alarm period (a running counter: no division on the hot path).
    pub(super) due: SimTime,
    /// The last firing changed nothing: further no-change firings are not recorded again.
    pub(super) unchanged: bool,
}

impl AlarmState {
    /// Counts one closed datapoint; whether the alarm is in alarm: `periods` consecutive
    /// breaches, or `datapoints` among the last `periods` (CloudWatch "M out of N").
    pub(super) fn close(&mut self, alarm: &AlarmTask, breaching: bool) -> bool {
        self.consecutive = if breaching { self.consecutive + 1 } else { 0 };
        let Some(datapoints) = alarm.datapoints.filter(|m| *m < alarm.periods) else {
            return self.consecutive >= alarm.periods;
        };
        self.window.push_back(breaching);
        self.breaching_in_window += u32::from(breaching);
        if self.window.len() > alarm.periods as usize {
            let oldest = self.window.pop_front().unwrap_or(false);
            self.breaching_in_window -= u32::from(oldest);
        }
        self.breaching_in_window >= datapoints
    }

    pub(super) fn add(&mut self, value: f64) {
        // Branch-free: the first sample of a period resets the extremes.
        let first = self.samples == 0;
        self.min = if first { value } else { self.min.min(value) };
        self.max = if first { value } else { self.max.max(value) };
        self.sum += value;
        self.samples += 1;
    }

    /// For Sum and SampleCount: one metric period's sample stands for `datapoints`
    /// datapoints of `value x per_datapoint` each (CloudWatch's view).
    pub(super) fn add_datapoints(&mut self, value: f64, datapoints: f64, per_datapoint: f64) {
        self.total += value * per_datapoint * datapoints;
        self.count += datapoints;
    }

    /// Whether the period's datapoint breaches the alarm (`None`: no sample, missing data).
    /// Averages compare `sum` with `threshold x samples`: no division on the hot path.
    pub(super) fn breaches(&self, alarm: &AlarmTask) -> Option<bool> {
        (self.samples > 0).then(|| match alarm.statistic {
            Statistic::Average => alarm
                .comparison
                .holds(self.sum, alarm.threshold * self.samples as f64),
            Statistic::Maximum => alarm.comparison.holds(self.max, alarm.threshold),
            Statistic::Minimum => alarm.comparison.holds(self.min, alarm.threshold),
            Statistic::Sum => alarm.comparison.holds(self.total, alarm.threshold),
            Statistic::SampleCount => alarm.comparison.holds(self.count, alarm.threshold),
        })
    }

    /// The period's datapoint, if it had any sample.
    pub(super) fn datapoint(&self, statistic: Statistic) -> Option<f64> {
        (self.samples > 0).then(|| match statistic {
            Statistic::Average => self.sum / self.samples as f64,
            Statistic::Maximum => self.max,
            Statistic::Minimum => self.min,
            Statistic::Sum => self.total,
            Statistic::SampleCount => self.count,
        })
    }
}

impl Simulation<'_, '_> {
    /// Acts on the alarms that fired at `now`, group by group.
    pub(super) fn act_on_alarms(&mut self, now: SimTime) {
        let triggers = std::mem::take(&mut self.triggers);
        for group_triggers in triggers.chunk_by(|a, b| a.group == b.group) {
            self.resolve_alarm_triggers(group_triggers[0].group, group_triggers, now);
        }
        self.triggers = triggers;
        self.triggers.clear();
    }

    /// Several alarms at one instant: the one leaving the largest capacity runs (AWS, "multiple
    /// dynamic scaling policies"); ties go to the first in file order.
    pub(super) fn resolve_alarm_triggers(
        &mut self,
        group_index: usize,
        triggers: &[AlarmTrigger],
        now: SimTime,
    ) {
        let group = &self.scenario.groups[group_index];
        // A reused buffer: alarms held at a bound fire every period, so no allocation here.
        let mut decisions = std::mem::take(&mut self.decisions);
        decisions.clear();
        decisions.extend(triggers.iter().map(|trigger| {
            self.alarm_decision(group_index, trigger.alarm, trigger.datapoint, now)
        }));
        let desired = self.groups[group_index].desired;
        let outcome = |index: usize| {
            decisions[index]
                .as_ref()
                .map_or(desired, |decision| decision.desired)
        };
        let mut winner = 0;
        for index in 1..triggers.len() {
            if outcome(index) > outcome(winner) {
                winner = index;
            }
        }
        for (index, trigger) in triggers.iter().enumerate() {
            let (alarm_index, datapoint) = (trigger.alarm, trigger.datapoint);
            let alarm = &group.alarms[alarm_index];
            let rule = &group.rules[alarm.rule];
            // Step rules answer every alarm and use warmup, not the cooldown or the one-activity
            // gate (AWS: "step policies keep responding to alarms while an activity is in
            // progress"; cooldowns are not supported for step scaling).
            let is_step = rule.steps.is_some();
            let cause = Cause::Alarm {
                alarm: alarm_index,
                rule: alarm.rule,
            };
            let state = &self.groups[group_index];
            let note = if index != winner {
                Note::Superseded
            } else if !state.busy.is_empty() && !is_step {
                Note::Busy
            } else if now < state.cooldown_until && !is_step {
                Note::Cooldown {
                    remaining: state.cooldown_until - now,
                }
            } else {
                let cooldown = if is_step {
                    0
                } else {
                    rule.cooldown.unwrap_or(group.default_cooldown)
                };
                let (target, decision, reason) = match &decisions[index] {
                    Ok(decision) => (decision.desired, Some(*decision), None),
                    Err(skip) => (state.desired, None, Some(*skip)),
                };
                let changes = target != state.desired || state.fleet.live.len() as u32 != target;
                // An alarm held at a bound fires every period to no effect: its history keeps
                // the first such firing of each streak, not one per period.
                let repeated = std::mem::replace(
                    &mut self.groups[group_index].alarms[alarm_index].unchanged,
                    !changes,
                );
                if !changes && repeated {
                    continue;
                }
                let mut activity = ScalingActivity::unchanged(
                    group_index,
                    cause,
                    now,
                    self.groups[group_index].desired,
                    ActivityStatus::NoChange,
                );
                activity.datapoint = datapoint;
                activity.decision = decision;
                activity.reason = reason.map_or_else(String::new, |skip| skip.to_string());
                self.change_capacity(activity, target, cooldown);
                continue;
            };
            let status = match note {
                Note::Superseded => ActivityStatus::Superseded,
                Note::Busy => ActivityStatus::RejectedBusy,
                _ => ActivityStatus::RejectedCooldown,
            };
            let mut activity =
                ScalingActivity::unchanged(group_index, cause, now, state.desired, status);
            activity.datapoint = datapoint;
            activity.note = note;
            self.record(activity);
        }
        self.decisions = decisions;
    }
}
