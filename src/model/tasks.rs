//! Tasks that fire rules: scheduled (once or cron) and alarm-triggered.

use crate::time::{Clock, Seconds, SimTime};
use chrono::TimeZone;
use chrono_tz::Tz;
use croner::Cron;

/// When a scheduled task fires.
#[derive(Debug, Clone)]
pub enum Recurrence {
    /// Once, at this simulated time.
    Once(SimTime),
    /// Every time the 5-field cron pattern matches in `timezone` (AWS: IANA zone, DST-aware).
    Cron {
        /// Parsed pattern.
        cron: Box<Cron>,
        /// Pattern text, for reports.
        pattern: String,
        /// Zone the pattern is read in.
        timezone: Tz,
    },
}

impl Recurrence {
    /// The first firing strictly after `after` (or at 0 when `after` is `None`).
    pub fn next_after(&self, clock: &Clock, after: Option<SimTime>) -> Option<SimTime> {
        match self {
            Recurrence::Once(at) => match after {
                Some(after) if *at <= after => None,
                _ => Some(*at),
            },
            Recurrence::Cron { cron, timezone, .. } => {
                let (from, inclusive) = match after {
                    Some(after) => (after, false),
                    None => (0, true),
                };
                let local = timezone.from_utc_datetime(&clock.at(from).naive_utc());
                let next = cron.find_next_occurrence(&local, inclusive).ok()?;
                clock.sim_time(next.fixed_offset())
            }
        }
    }
}

impl Recurrence {
    /// Every firing inside a run of `duration` seconds and before `end`, in order; `None`
    /// when there are more than `limit` (checked as they are found, before allocating more).
    pub fn firings(
        &self,
        clock: &Clock,
        duration: Seconds,
        end: Option<SimTime>,
        limit: usize,
    ) -> Option<Vec<SimTime>> {
        let mut fires = Vec::new();
        let mut next = self.next_after(clock, None);
        while let Some(time) =
            next.filter(|time| *time < duration && end.is_none_or(|end| *time < end))
        {
            if fires.len() == limit {
                return None;
            }
            fires.push(time);
            next = self.next_after(clock, Some(time));
        }
        Some(fires)
    }
}

/// A task that fires on a schedule.
#[derive(Debug, Clone)]
pub struct ScheduledTask {
    /// Unique name within the group.
    pub name: String,
    /// When it fires.
    pub recurrence: Recurrence,
    /// No firing at or after this time (ESS `RecurrenceEndTime`, AWS end time).
    pub end: Option<SimTime>,
    /// What it does.
    pub action: TaskAction,
    /// How long a firing may wait for a busy group before it fails (ESS default 600 s).
    pub launch_expiration: Seconds,
    /// Every firing inside the run, in order: computed once from the recurrence at validation
    /// and shared by a sweep's thousands of copies (cron arithmetic stays off the hot path).
    pub fires: std::sync::Arc<Vec<SimTime>>,
}

/// What a scheduled task does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAction {
    /// Execute the rule with this index.
    RunRule(usize),
    /// Make this scaling configuration the active one (ESS `ModifyScalingGroup`
    /// `ActiveScalingConfigurationId`); running instances stay.
    Activate(usize),
    /// Set any of min, max and desired (AWS scheduled action, ESS Min/Max/DesiredCapacity).
    SetCapacity {
        /// New minimum.
        min: Option<u32>,
        /// New maximum.
        max: Option<u32>,
        /// New desired capacity.
        desired: Option<u32>,
    },
}

/// The metric an alarm watches, per sample of one metric period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Average CPU utilization of in-service instances, percent (0..=100).
    Cpu,
    /// Requests per second per in-service instance.
    RequestsPerInstance,
    /// The group's total request rate (requests per second); has data even with no instance.
    RequestRate,
}

/// How an alarm period's samples become one datapoint (CloudWatch / CloudMonitor statistic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Statistic {
    /// Mean of the samples (ESS default).
    #[default]
    Average,
    /// Largest sample.
    Maximum,
    /// Smallest sample.
    Minimum,
    /// Everything the period's datapoints add up to (CloudWatch `Sum`): for CPU, each
    /// in-service instance's one-per-metric-period utilization; for request metrics, the
    /// requests of the period (a rate times its seconds: RequestCount, RequestCountPerTarget).
    Sum,
    /// How many datapoints the period has (CloudWatch `SampleCount`): for CPU, one per
    /// in-service instance per metric period; for request metrics, one per metric period.
    SampleCount,
}

/// How an alarm treats periods without a datapoint (CloudWatch `TreatMissingData`, user guide
/// "Configuring how CloudWatch alarms treat missing data"). Setting it selects CloudWatch's
/// evaluation over an evaluation range (`engine::alarms::evaluate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingData {
    /// `missing` (CloudWatch's default): a missing datapoint is neither; with no datapoint in
    /// the evaluation range the alarm has insufficient data.
    Missing,
    /// `ignore`: the alarm keeps its state when the datapoints cannot decide it.
    Ignore,
    /// `breaching`: a missing datapoint is filled in as breaching.
    Breaching,
    /// `notBreaching`: a missing datapoint is filled in as within the threshold.
    NotBreaching,
}

/// The comparison of a datapoint with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `==` (Tencent `EQUAL_TO`)
    Equal,
    /// `!=` (Tencent `NOT_EQUAL_TO`)
    NotEqual,
}

impl Comparison {
    /// Whether `value <op> threshold` holds, a value within one part in 10^9 of the
    /// threshold being equal to it (`crate::number::TIE`): CPU at exactly 45.1% meets
    /// `at_or_below = 45.1` and does not breach `below = 45.1`.
    ///
    /// Metrics are never negative, so the tie is folded into the threshold (one
    /// multiplication, never a division: this runs every alarm period): `number::above(v, t)`
    /// is `v > t x ABOVE` and `number::below(v, t)` is `v < t x BELOW` for `v, t >= 0`.
    #[inline]
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        use crate::number::{ABOVE, BELOW};
        // Both bounds of the tie, then one branch-free answer per operator: the equality
        // operators need both, and computing them in some arms only puts a branch on the
        // replay's hottest path.
        let (above, below) = (value > threshold * ABOVE, value < threshold * BELOW);
        match self {
            Comparison::Greater => above,
            Comparison::GreaterOrEqual => !below,
            Comparison::Less => below,
            Comparison::LessOrEqual => !above,
            Comparison::Equal => !above && !below,
            Comparison::NotEqual => above || below,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Greater => ">",
            Comparison::GreaterOrEqual => ">=",
            Comparison::Less => "<",
            Comparison::LessOrEqual => "<=",
            Comparison::Equal => "==",
            Comparison::NotEqual => "!=",
        }
    }
}

impl AlarmTask {
    /// How often it is evaluated.
    #[inline]
    pub fn every(&self) -> Seconds {
        self.interval.unwrap_or(self.period)
    }
}

/// An alarm task: a metric condition that, held for N consecutive periods, runs a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmTask {
    /// Unique name within the group.
    pub name: String,
    /// What is measured.
    pub metric: Metric,
    /// How a period's samples are aggregated.
    pub statistic: Statistic,
    /// Length of one datapoint; a multiple of the metric period.
    pub period: Seconds,
    /// How often it is evaluated, over the window of `period` ending then (CloudWatch: every
    /// minute for periods of a minute or more); divides `period`, a multiple of the metric
    /// period. `None`: once per period, aligned to the run's start (ESS, Tencent).
    pub interval: Option<Seconds>,
    /// Datapoints it evaluates: consecutive breaching ones before it fires (ESS
    /// `EvaluationCount`, >= 1), or the window `datapoints` are counted in (CloudWatch
    /// `EvaluationPeriods`).
    pub periods: u32,
    /// Breaching datapoints among the last `periods` that fire it (CloudWatch
    /// `DatapointsToAlarm`, "M out of N"; 1 to `periods`); `None`: all of them, the
    /// consecutive rule of ESS and Tencent.
    pub datapoints: Option<u32>,
    /// CloudWatch's missing-data treatment and evaluation range; `None`: the consecutive rule
    /// of ESS and Tencent, where a period without a datapoint does not breach.
    pub missing_data: Option<MissingData>,
    /// Comparison with the threshold.
    pub comparison: Comparison,
    /// Threshold in the metric's unit.
    pub threshold: f64,
    /// Index of the rule it runs.
    pub rule: usize,
}
