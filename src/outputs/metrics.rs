//! The summary metrics, one table: their names (in JSON, CSV, baselines and tolerances), unit,
//! printed precision and which way is better. Text, JSON, CSV, `compare`, `check` and
//! `run --replications` all read this table, so a metric is added or renamed in one place.

use crate::engine::GroupSummary;

/// What a metric counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Money, in the prices' currency.
    Money,
    /// Instance-hours.
    InstanceHours,
    /// Instances (or capacity units with weighted types).
    Instances,
    /// Scaling activities.
    Activities,
    /// Seconds.
    Seconds,
    /// Requests.
    Requests,
}

/// Which way a change is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Less is better (cost, violations): growth is a regression.
    LowerIsBetter,
    /// Neither: a description of the fleet, not a goal (peak, mean, activities).
    Neutral,
}

/// One summary metric.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Name in JSON, CSV, baselines and `--tolerance`.
    pub name: &'static str,
    /// Column heading in text tables.
    pub label: &'static str,
    /// What it counts.
    pub unit: Unit,
    /// Decimals shown in text tables.
    pub precision: usize,
    /// Which way is better.
    pub direction: Direction,
    /// Reads it from a summary.
    pub of: fn(&GroupSummary) -> f64,
}

impl Metric {
    /// The metric's value in `summary`.
    pub fn value(&self, summary: &GroupSummary) -> f64 {
        (self.of)(summary)
    }

    /// The column heading, money naming its currency: `cost (USD)`.
    pub fn heading(&self, currency: &str) -> String {
        match self.unit {
            Unit::Money => format!("{} ({currency})", self.label),
            _ => self.label.to_string(),
        }
    }

    /// `value` as baselines store it: four decimals beyond what tables show, so a stored
    /// value carries no floating-point noise (`53.856`, not `53.85600000000001`) and a change
    /// too small to show still gates.
    pub fn stored(&self, value: f64) -> f64 {
        let scale = 10f64.powi(self.precision as i32 + 4);
        (value * scale).round() / scale
    }

    /// The smallest step a stored value resolves: changes below it are rounding.
    pub fn resolution(&self) -> f64 {
        10f64.powi(-(self.precision as i32 + 4))
    }

    /// `value` at the metric's precision.
    pub fn format(&self, value: f64) -> String {
        format!("{value:.*}", self.precision)
    }

    /// `value` as a person reads it in a table: seconds as a duration (`1h30m`), other units
    /// at the metric's precision.
    pub fn display(&self, value: f64) -> String {
        match self.unit {
            Unit::Seconds => crate::time::format_duration(value as u64),
            _ => self.format(value),
        }
    }
}

use Direction::{LowerIsBetter as Lower, Neutral};
use Unit::{Activities, InstanceHours, Instances, Money, Requests, Seconds};

/// A table row (a `const fn`, so the table stays a list of constants).
const fn metric(
    (name, label): (&'static str, &'static str),
    unit: Unit,
    precision: usize,
    direction: Direction,
    of: fn(&GroupSummary) -> f64,
) -> Metric {
    Metric {
        name,
        label,
        unit,
        precision,
        direction,
        of,
    }
}

/// The summary metrics, in report order: name (JSON, CSV, baselines), text heading, unit,
/// decimals, which way is better, and where the value comes from.
#[rustfmt::skip]
pub const SUMMARY: [Metric; 7] = [
    metric(("cost", "cost"), Money, 2, Lower, |s| s.cost),
    metric(("instance_hours", "inst-hours"), InstanceHours, 2, Lower, |s| s.instance_hours),
    metric(("peak_in_service", "peak"), Instances, 0, Neutral, |s| s.peak_in_service as f64),
    metric(("mean_in_service", "mean"), Instances, 2, Neutral, |s| s.mean_in_service),
    metric(("activities", "activities"), Activities, 0, Neutral, |s| s.activities as f64),
    metric(("sla_violation_seconds", "SLA violation"), Seconds, 0, Lower, |s| s.sla_violation_seconds as f64),
    metric(("unserved_requests", "unserved req"), Requests, 0, Lower, |s| s.unserved_requests),
];

/// Money billed.
pub const COST: Metric = SUMMARY[0];
/// Billed instance-hours.
pub const INSTANCE_HOURS: Metric = SUMMARY[1];
/// Most capacity in service at once.
pub const PEAK_IN_SERVICE: Metric = SUMMARY[2];
/// Time-weighted mean capacity in service.
pub const MEAN_IN_SERVICE: Metric = SUMMARY[3];
/// Scaling activities that changed capacity.
pub const ACTIVITIES: Metric = SUMMARY[4];
/// Seconds in SLA violation.
pub const SLA_VIOLATION_SECONDS: Metric = SUMMARY[5];
/// Requests above in-service capacity.
pub const UNSERVED_REQUESTS: Metric = SUMMARY[6];

/// The metrics `check` gates: every one where lower is better.
pub fn gated() -> impl Iterator<Item = Metric> {
    SUMMARY
        .into_iter()
        .filter(|metric| metric.direction == Direction::LowerIsBetter)
}

/// The metric named `name`.
pub fn named(name: &str) -> Option<Metric> {
    SUMMARY.into_iter().find(|metric| metric.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_gated_metrics_are_the_check_ones() {
        let mut names: Vec<&str> = SUMMARY.iter().map(|metric| metric.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SUMMARY.len());
        let gated: Vec<&str> = gated().map(|metric| metric.name).collect();
        assert_eq!(
            gated,
            [
                "cost",
                "instance_hours",
                "sla_violation_seconds",
                "unserved_requests"
            ]
        );
        assert_eq!(named("cost").map(|metric| metric.precision), Some(2));
        assert!(named("nope").is_none());
    }

    #[test]
    fn every_metric_is_a_field_of_the_json_summary_with_the_same_value() {
        let summary = GroupSummary {
            cost: 1.5,
            instance_hours: 2.5,
            peak_in_service: 3,
            mean_in_service: 4.5,
            activities: 5,
            sla_violation_seconds: 6,
            unserved_requests: 7.5,
            ..GroupSummary::default()
        };
        let json = serde_json::to_value(&summary).unwrap();
        for metric in SUMMARY {
            assert_eq!(
                json[metric.name].as_f64(),
                Some(metric.value(&summary)),
                "{}",
                metric.name
            );
        }
        assert_eq!(SLA_VIOLATION_SECONDS.display(3720.0), "1h2m");
        assert_eq!(COST.display(7.644), "7.64");
    }
}
