//! The relations between fields that every scenario must satisfy: checked once by the
//! validator (which points at the offending line) and again for every sweep point (whose
//! values were set after validation). One list, so the two can never disagree.

use crate::limits::MAX_GROUP_SIZE;

/// The most datapoints an alarm keeps for its evaluations (`(periods + 2) x period /
/// evaluation_interval`): a bound on its memory, far above CloudWatch's one day of minutes.
const MAX_ALARM_DATAPOINTS: u64 = 1_000_000;
use super::{ScalingGroup, Scenario, TaskAction};
use crate::time::{Seconds, format_duration};
use std::fmt;

/// Where a broken invariant sits, by index into the model, so the validator can map it back
/// to a line of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `group.min` of group `.0`.
    GroupMin(usize),
    /// `group.max`.
    GroupMax(usize),
    /// `group.desired`.
    GroupDesired(usize),
    /// `group.existing.count`.
    ExistingCount(usize),
    /// `group.alarm.period` of alarm `.1`.
    AlarmPeriod(usize, usize),
    /// `group.alarm.periods`.
    AlarmPeriods(usize, usize),
    /// `group.alarm.datapoints`.
    AlarmDatapoints(usize, usize),
    /// `group.alarm.evaluation_interval`.
    AlarmInterval(usize, usize),
    /// `group.scheduled.min` of task `.1`.
    TaskMin(usize, usize),
    /// `group.rule.steps` of rule `.1` (a swept boundary passed its neighbour's).
    Steps(usize, usize),
}

impl Place {
    /// The group the invariant belongs to.
    pub fn group(self) -> usize {
        match self {
            Place::GroupMin(group)
            | Place::GroupMax(group)
            | Place::GroupDesired(group)
            | Place::ExistingCount(group)
            | Place::AlarmPeriod(group, _)
            | Place::AlarmPeriods(group, _)
            | Place::AlarmDatapoints(group, _)
            | Place::AlarmInterval(group, _)
            | Place::TaskMin(group, _)
            | Place::Steps(group, _) => group,
        }
    }

    /// The scenario key, as diagnostics name it.
    pub fn field(self) -> &'static str {
        match self {
            Place::GroupMin(_) => "group.min",
            Place::GroupMax(_) => "group.max",
            Place::GroupDesired(_) => "group.desired",
            Place::ExistingCount(_) => "group.existing.count",
            Place::AlarmPeriod(..) => "group.alarm.period",
            Place::AlarmPeriods(..) => "group.alarm.periods",
            Place::AlarmDatapoints(..) => "group.alarm.datapoints",
            Place::AlarmInterval(..) => "group.alarm.evaluation_interval",
            Place::TaskMin(..) => "group.scheduled.min",
            Place::Steps(..) => "group.rule.steps",
        }
    }
}

/// A broken invariant: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The field at fault.
    pub place: Place,
    /// Name of the group it belongs to.
    pub group: String,
    /// What is wrong, e.g. "min 5 is above max 3".
    pub message: String,
    /// How to fix it.
    pub hint: &'static str,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "group `{}`: {}", self.group, self.message)
    }
}

impl Scenario {
    /// Every broken invariant, in group order.
    pub fn violations(&self) -> Vec<Violation> {
        (self.groups.iter().enumerate())
            .flat_map(|(index, group)| group.violations(index, self.metric_period))
            .collect()
    }

    /// The first broken invariant, for a sweep point.
    pub fn check_invariants(&self) -> Result<(), Violation> {
        self.violations().into_iter().next().map_or(Ok(()), Err)
    }
}

impl ScalingGroup {
    /// Every broken invariant of this group, which is group `index` of a scenario sampled
    /// every `metric_period` seconds.
    pub fn violations(&self, index: usize, metric_period: Seconds) -> Vec<Violation> {
        let group = self;
        let mut found = Vec::new();
        {
            let mut broken = |place: Place, message: String, hint: &'static str| {
                found.push(Violation {
                    place,
                    group: group.name.clone(),
                    message,
                    hint,
                });
            };
            let (min, max, desired) = (group.min, group.max, group.desired);
            if max > MAX_GROUP_SIZE {
                broken(
                    Place::GroupMax(index),
                    format!("max {max} is above the limit of {MAX_GROUP_SIZE} instances"),
                    "the clouds' own quotas are far lower (Tencent: 2,000 per group)",
                );
            }
            if min > max {
                broken(
                    Place::GroupMin(index),
                    format!("min {min} is above max {max}"),
                    "min must be at most max",
                );
            }
            if desired < min || desired > max {
                broken(
                    Place::GroupDesired(index),
                    format!("desired {desired} is outside [min {min}, max {max}]"),
                    "desired capacity must lie within min and max",
                );
            }
            let count = group.existing.count;
            if count > desired {
                broken(
                    Place::ExistingCount(index),
                    format!("{count} existing instances but desired is {desired}"),
                    "existing instances count toward desired capacity: raise `desired`",
                );
            }
            for (alarm_index, alarm) in group.alarms.iter().enumerate() {
                let period = alarm.period;
                if period == 0 || metric_period == 0 || !period.is_multiple_of(metric_period) {
                    broken(
                        Place::AlarmPeriod(index, alarm_index),
                        format!(
                            "alarm period {} is not a positive multiple of the metric period {}",
                            format_duration(period),
                            format_duration(metric_period)
                        ),
                        "clouds use 60s or 300s periods",
                    );
                }
                if let Some(interval) = alarm.interval
                    && (interval == 0
                        || metric_period == 0
                        || !interval.is_multiple_of(metric_period)
                        || !period.is_multiple_of(interval))
                {
                    broken(
                        Place::AlarmInterval(index, alarm_index),
                        format!(
                            "alarm `{}` is evaluated every {}: that must divide its period {} and be a multiple of the metric period {}",
                            alarm.name,
                            format_duration(interval),
                            format_duration(period),
                            format_duration(metric_period)
                        ),
                        "CloudWatch evaluates every minute: evaluation_interval = \"1m\"",
                    );
                }
                let range = u64::from(alarm.periods) + 2;
                let stride = alarm.interval.filter(|i| *i > 0).map_or(1, |i| period / i);
                if range.saturating_mul(stride) > MAX_ALARM_DATAPOINTS {
                    broken(
                        Place::AlarmPeriods(index, alarm_index),
                        format!(
                            "alarm `{}` would keep {} evaluations' datapoints (periods + 2, times period / evaluation_interval)",
                            alarm.name,
                            range.saturating_mul(stride)
                        ),
                        "at most 1,000,000: CloudWatch caps periods x period at one day",
                    );
                }
                if alarm.periods == 0 {
                    broken(
                        Place::AlarmPeriods(index, alarm_index),
                        "an alarm needs at least 1 consecutive period".into(),
                        "ESS defaults to 3, Tencent allows 1 to 10",
                    );
                }
                if let Some(datapoints) = alarm.datapoints
                    && (datapoints == 0 || datapoints > alarm.periods)
                {
                    broken(
                        Place::AlarmDatapoints(index, alarm_index),
                        format!(
                            "alarm `{}` counts {datapoints} breaching datapoints out of {} period(s)",
                            alarm.name, alarm.periods
                        ),
                        "datapoints lies in 1..=periods (CloudWatch DatapointsToAlarm <= EvaluationPeriods)",
                    );
                }
            }
            for (rule_index, rule) in group.rules.iter().enumerate() {
                let Some(steps) = &rule.steps else { continue };
                if let Some(step) = steps.steps.iter().find(|step| {
                    matches!((step.lower, step.upper), (Some(lower), Some(upper)) if lower >= upper)
                }) {
                    broken(
                        Place::Steps(index, rule_index),
                        format!(
                            "rule `{}` has a step from {} to {}: its lower bound must be below its upper",
                            rule.name,
                            crate::number::trim_float(step.lower.unwrap_or_default()),
                            crate::number::trim_float(step.upper.unwrap_or_default())
                        ),
                        "keep the swept boundaries in order",
                    );
                }
            }
            for (task_index, task) in group.scheduled.iter().enumerate() {
                if let TaskAction::SetCapacity {
                    min: Some(min),
                    max: Some(max),
                    ..
                } = task.action
                    && min > max
                {
                    broken(
                        Place::TaskMin(index, task_index),
                        format!("min {min} is above max {max}"),
                        "min must be at most max",
                    );
                }
            }
        }
        found
    }
}
