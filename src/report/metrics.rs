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

use Direction::{LowerIsBetter, Neutral};

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

/// Money billed.
pub const COST: Metric = metric(("cost", "cost"), Unit::Money, 2, LowerIsBetter, |s| s.cost);
/// Billed instance-hours.
pub const INSTANCE_HOURS: Metric = metric(
    ("instance_hours", "inst-hours"),
    Unit::InstanceHours,
    2,
    LowerIsBetter,
    |s| s.instance_hours,
);
/// Most capacity in service at once.
pub const PEAK_IN_SERVICE: Metric = metric(
    ("peak_in_service", "peak"),
    Unit::Instances,
    0,
    Neutral,
    |s| s.peak_in_service as f64,
);
/// Time-weighted mean capacity in service.
pub const MEAN_IN_SERVICE: Metric = metric(
    ("mean_in_service", "mean"),
    Unit::Instances,
    2,
    Neutral,
    |s| s.mean_in_service,
);
/// Scaling activities that changed capacity.
pub const ACTIVITIES: Metric = metric(
    ("activities", "activities"),
    Unit::Activities,
    0,
    Neutral,
    |s| s.activities as f64,
);
/// Seconds in SLA violation.
pub const SLA_VIOLATION_SECONDS: Metric = metric(
    ("sla_violation_seconds", "SLA violation"),
    Unit::Seconds,
    0,
    LowerIsBetter,
    |s| s.sla_violation_seconds as f64,
);
/// Requests above in-service capacity.
pub const UNSERVED_REQUESTS: Metric = metric(
    ("unserved_requests", "unserved req"),
    Unit::Requests,
    0,
    LowerIsBetter,
    |s| s.unserved_requests,
);

/// The summary metrics, in report order.
pub const SUMMARY: [Metric; 7] = [
    COST,
    INSTANCE_HOURS,
    PEAK_IN_SERVICE,
    MEAN_IN_SERVICE,
    ACTIVITIES,
    SLA_VIOLATION_SECONDS,
    UNSERVED_REQUESTS,
];

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
