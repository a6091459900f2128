//! `run --replications N`: each summary metric's mean and 95% confidence interval over seeds,
//! as a table or JSON (through serde, so any scenario name gives valid JSON).

use crate::engine::GroupSummary;
use crate::model::Scenario;
use crate::outputs::metrics::{Metric, SUMMARY};
use crate::sweep::plan::Estimate;
use serde::ser::{SerializeMap, Serializer};

/// The estimates of one scenario over its replications.
pub struct Replications<'a> {
    /// The scenario (its name and base seed label the output).
    pub scenario: &'a Scenario,
    /// Number of seeds run.
    pub count: u32,
    /// Each summary metric with its estimate, in report order.
    pub estimates: Vec<(Metric, Estimate)>,
}

impl<'a> Replications<'a> {
    /// Estimates every summary metric from the replications' totals.
    pub fn of(scenario: &'a Scenario, totals: &[GroupSummary]) -> Self {
        Replications {
            scenario,
            count: totals.len() as u32,
            estimates: SUMMARY
                .into_iter()
                .map(|metric| {
                    let values: Vec<f64> = totals.iter().map(|total| metric.value(total)).collect();
                    (metric, Estimate::of(&values))
                })
                .collect(),
        }
    }
}

impl serde::Serialize for Replications<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Interval {
            mean: f64,
            low: f64,
            high: f64,
        }
        let mut map = serializer.serialize_map(Some(3 + self.estimates.len()))?;
        map.serialize_entry("scenario", &self.scenario.name)?;
        map.serialize_entry("currency", &self.scenario.currency)?;
        map.serialize_entry("replications", &self.count)?;
        for (metric, estimate) in &self.estimates {
            map.serialize_entry(
                metric.name,
                &Interval {
                    mean: estimate.mean,
                    low: estimate.low,
                    high: estimate.high,
                },
            )?;
        }
        map.end()
    }
}

/// The estimates as pretty JSON with a trailing newline.
pub fn replications_json(replications: &Replications) -> String {
    let mut text = serde_json::to_string_pretty(replications).expect("estimates serialize");
    text.push('\n');
    text
}

/// The estimates as an aligned table under a one-line heading.
pub fn replications_table(replications: &Replications) -> String {
    let mut rows = vec![
        ["metric", "mean", "95% CI low", "95% CI high"]
            .map(String::from)
            .to_vec(),
    ];
    for (metric, estimate) in &replications.estimates {
        rows.push(vec![
            match metric.unit {
                super::metrics::Unit::Money => {
                    format!("{} ({})", metric.name, replications.scenario.currency)
                }
                _ => metric.name.to_string(),
            },
            format!("{:.4}", estimate.mean),
            format!("{:.4}", estimate.low),
            format!("{:.4}", estimate.high),
        ]);
    }
    format!(
        "scenario {}: {} replications (seeds derived from {})\n\n{}",
        replications.scenario.name,
        replications.count,
        replications.scenario.seed,
        super::aligned(&rows, 1)
    )
}
