//! Alarm tasks: a period's datapoint per alarm, consecutive breaches, and the triggers of
//! one instant resolved against cooldowns and the one-activity gate.

use super::*;
use crate::model::MissingData;
use std::collections::VecDeque;

/// An alarm whose condition held for its periods at the end of the last period, waiting to
/// act at that instant.
#[derive(Debug, Clone, Copy)]
pub(super) struct AlarmTrigger {
    pub(super) group: usize,
    pub(super) alarm: usize,
    /// The period's datapoint (`None`: no sample).
    pub(super) datapoint: Option<f64>,
}

/// One window's samples, from which a datapoint is computed.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Aggregate {
    sum: f64,
    min: f64,
    max: f64,
    samples: u32,
    /// CloudWatch's Sum and SampleCount of the window's datapoints (see `Statistic`).
    total: f64,
    count: f64,
}

impl Aggregate {
    pub(super) fn add(&mut self, value: f64) {
        // Branch-free: the first sample of a window resets the extremes.
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

    /// Empties it for the next interval (the extremes reset at the next first sample).
    #[inline]
    fn clear(&mut self) {
        self.sum = 0.0;
        self.samples = 0;
        self.total = 0.0;
        self.count = 0.0;
    }

    /// Both windows' samples as one.
    fn merge(&mut self, other: &Aggregate) {
        if other.samples == 0 {
            return;
        }
        let first = self.samples == 0;
        self.min = if first {
            other.min
        } else {
            self.min.min(other.min)
        };
        self.max = if first {
            other.max
        } else {
            self.max.max(other.max)
        };
        self.sum += other.sum;
        self.samples += other.samples;
        self.total += other.total;
        self.count += other.count;
    }

    /// Whether the window's datapoint breaches the alarm, or is missing (no sample).
    /// Averages compare `sum` with `threshold x samples`: no division on the hot path.
    #[inline]
    pub(super) fn point(&self, alarm: &AlarmTask) -> Point {
        if self.samples == 0 {
            return Point::Missing;
        }
        let breaching = match alarm.statistic {
            Statistic::Average => alarm
                .comparison
                .holds(self.sum, alarm.threshold * self.samples as f64),
            Statistic::Maximum => alarm.comparison.holds(self.max, alarm.threshold),
            Statistic::Minimum => alarm.comparison.holds(self.min, alarm.threshold),
            Statistic::Sum => alarm.comparison.holds(self.total, alarm.threshold),
            Statistic::SampleCount => alarm.comparison.holds(self.count, alarm.threshold),
        };
        if breaching {
            Point::Breaching
        } else {
            Point::Within
        }
    }

    /// The window's datapoint, if it had any sample.
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

/// A datapoint as an alarm sees it (the user guide's `X`, `0` and `-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// `X`: the comparison holds.
    Breaching,
    /// `0`: within the threshold.
    Within,
    /// `-`: no datapoint (no sample in the window).
    Missing,
}

/// An alarm's state (CloudWatch `OK`, `ALARM`, `INSUFFICIENT_DATA`); only `Alarm` runs the
/// rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlarmValue {
    /// Before the run the metric is taken to have reported datapoints within the threshold.
    #[default]
    Ok,
    Alarm,
    InsufficientData,
}

/// One alarm's running window and its recent datapoints.
#[derive(Debug, Clone, Default)]
pub(super) struct AlarmState {
    /// Samples since the last evaluation.
    pub(super) current: Aggregate,
    /// When evaluated more often than its period: the window's evaluation intervals, oldest
    /// first.
    pub(super) intervals: VecDeque<Aggregate>,
    /// The consecutive rule's streak (evaluated once per period, no missing-data treatment).
    pub(super) consecutive: u32,
    /// Otherwise: the datapoints of recent evaluations, newest last; the datapoints of one
    /// evaluation are `period / interval` apart.
    pub(super) points: VecDeque<Point>,
    /// The datapoints one evaluation reads, newest first (a reused buffer).
    pub(super) recent: Vec<Point>,
    pub(super) value: AlarmValue,
    /// When the next evaluation is due (a running counter: no division on the hot path).
    pub(super) due: SimTime,
    /// Evaluations between two datapoints of one evaluation (`period / interval`).
    stride: usize,
    /// The consecutive rule without a buffer (once per period, all of `periods`, no
    /// treatment): decided once, as the general path costs a third of a replay.
    streak_only: bool,
    /// The last firing changed nothing: further no-change firings are not recorded again.
    pub(super) unchanged: bool,
}

impl AlarmState {
    pub(super) fn new(alarm: &AlarmTask) -> Self {
        let stride = (alarm.period / alarm.every().max(1)).max(1) as usize;
        AlarmState {
            due: alarm.every(),
            stride,
            streak_only: stride == 1
                && alarm.datapoints.is_none_or(|m| m >= alarm.periods)
                && alarm.missing_data.is_none(),
            ..AlarmState::default()
        }
    }

    /// Evaluates the window ending now (the last `period`) and empties the current interval
    /// for the next: `Some(datapoint)` when the alarm is in `ALARM`.
    ///
    /// Once per period, the window is the current interval, read in place: copying it out
    /// right after its fields were stored one by one stalls on store forwarding.
    #[inline]
    pub(super) fn evaluate_window(&mut self, alarm: &AlarmTask) -> Option<Option<f64>> {
        if self.stride != 1 {
            return self.evaluate_sliding(alarm);
        }
        let fired = self.close(alarm, self.current.point(alarm));
        let datapoint = fired.then(|| self.current.datapoint(alarm.statistic));
        self.current.clear();
        datapoint
    }

    /// Evaluated more often than once per period: the window merges its intervals.
    #[cold]
    fn evaluate_sliding(&mut self, alarm: &AlarmTask) -> Option<Option<f64>> {
        let current = std::mem::take(&mut self.current);
        self.intervals.push_back(current);
        if self.intervals.len() > self.stride {
            self.intervals.pop_front();
        }
        let mut window = Aggregate::default();
        for interval in &self.intervals {
            window.merge(interval);
        }
        self.close(alarm, window.point(alarm))
            .then(|| window.datapoint(alarm.statistic))
    }

    /// Counts the datapoint of the window ending now; whether the alarm is in `ALARM`.
    #[inline]
    pub(super) fn close(&mut self, alarm: &AlarmTask, point: Point) -> bool {
        let stride = self.stride;
        if self.streak_only {
            // The common case, without a buffer: `periods` consecutive breaches.
            self.consecutive = if point == Point::Breaching {
                self.consecutive + 1
            } else {
                0
            };
            return self.consecutive >= alarm.periods;
        }
        self.evaluate(alarm, point, stride)
    }

    /// The general path: the datapoints of recent evaluations, read `stride` apart.
    #[cold]
    fn evaluate(&mut self, alarm: &AlarmTask, point: Point, stride: usize) -> bool {
        let range = evaluation_range(alarm) as usize;
        self.points.push_back(point);
        if self.points.len() > (range - 1) * stride + 1 {
            self.points.pop_front();
        }
        // Datapoints before the run count as within the threshold.
        let mut recent = std::mem::take(&mut self.recent);
        recent.clear();
        recent.extend(self.points.iter().rev().step_by(stride));
        recent.resize(range, Point::Within);
        self.value = evaluate(
            &recent,
            alarm.periods,
            alarm.datapoints.unwrap_or(alarm.periods),
            alarm.missing_data,
            self.value,
        );
        self.recent = recent;
        self.value == AlarmValue::Alarm
    }
}

/// How many recent datapoints an evaluation reads: `periods`, or with a missing-data
/// treatment CloudWatch's evaluation range. The user guide ("How alarm state is evaluated when
/// data is missing") says it retrieves more datapoints than Evaluation Periods, a number that
/// depends on the period and the metric's resolution, and shows 5 for 3; the number is not
/// published otherwise, so scaleplan reads `periods + 2`.
pub fn evaluation_range(alarm: &AlarmTask) -> u32 {
    alarm.periods + if alarm.missing_data.is_some() { 2 } else { 0 }
}

/// The state an evaluation gives: `points` are the most recent datapoints, newest first
/// (`periods` of them, or the evaluation range with a treatment), `datapoints` of `periods`
/// must breach.
///
/// Without a treatment (ESS, Tencent), a missing datapoint does not breach. With one,
/// CloudWatch's rules (user guide, "How alarm state is evaluated when data is missing" and
/// "Avoiding premature transitions to alarm state"): with at least `periods` real datapoints
/// in the range the most recent `periods` real ones decide and the treatment is not used;
/// otherwise `breaching` / `notBreaching` fill the gap; `missing` and `ignore` go to `OK` when
/// a real datapoint is within the threshold and to `ALARM` when enough real ones breach;
/// else `missing` goes to `ALARM` if the oldest breaching datapoint among the last `periods`
/// is at least `datapoints` old with only breaching or missing ones after it (the premature
/// alarm rule), and to `INSUFFICIENT_DATA` otherwise, while `ignore` keeps `current`. The
/// guide's two tables are tests (`tests/it/alarms.rs`).
pub fn evaluate(
    points: &[Point],
    periods: u32,
    datapoints: u32,
    treatment: Option<MissingData>,
    current: AlarmValue,
) -> AlarmValue {
    let (periods, datapoints) = (periods as usize, datapoints as usize);
    let verdict = |breaching: usize| {
        if breaching >= datapoints {
            AlarmValue::Alarm
        } else {
            AlarmValue::Ok
        }
    };
    let Some(treatment) = treatment else {
        let recent = &points[..periods.min(points.len())];
        return verdict(recent.iter().filter(|p| **p == Point::Breaching).count());
    };
    let real = points.iter().filter(|p| **p != Point::Missing);
    let (real_count, breaching) = real.clone().fold((0, 0), |(count, breaching), point| {
        (
            count + 1,
            breaching + usize::from(*point == Point::Breaching),
        )
    });
    if real_count >= periods {
        let recent = real.take(periods).filter(|p| **p == Point::Breaching);
        return verdict(recent.count());
    }
    let filled = periods - real_count;
    match treatment {
        MissingData::Breaching => verdict(breaching + filled),
        MissingData::NotBreaching => verdict(breaching),
        MissingData::Missing | MissingData::Ignore => {
            if breaching >= datapoints {
                AlarmValue::Alarm
            } else if real_count > breaching {
                AlarmValue::Ok
            } else if treatment == MissingData::Ignore {
                current
            } else {
                let last = &points[..periods.min(points.len())];
                let oldest_breaching = last.iter().rposition(|p| *p == Point::Breaching);
                if oldest_breaching.is_some_and(|index| index + 1 >= datapoints) {
                    AlarmValue::Alarm
                } else {
                    AlarmValue::InsufficientData
                }
            }
        }
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
