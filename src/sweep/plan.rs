//! The capacity planner: the cheapest sweep point whose SLA violation stays under a target,
//! with 95% confidence intervals over replications, and the point as a policy to paste back.

use super::PointRow;
use crate::model::Scenario;
use crate::model::Sweep;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::fmt::Write as _;

pub use super::snippet::snippet;

/// A mean with its 95% confidence interval (Student's t over the replications).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Lower end of the interval (the mean itself with one replication).
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

impl Estimate {
    /// Mean and 95% interval of `samples` (non-empty).
    pub fn of(samples: &[f64]) -> Self {
        let n = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / n;
        if samples.len() < 2 {
            return Estimate {
                mean,
                low: mean,
                high: mean,
            };
        }
        let variance = samples
            .iter()
            .map(|value| (value - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        let t = StudentsT::new(0.0, 1.0, n - 1.0)
            .expect("n >= 2")
            .inverse_cdf(0.975);
        let half = t * (variance / n).sqrt();
        Estimate {
            mean,
            low: mean - half,
            high: mean + half,
        }
    }
}

/// One grid point over its replications.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PointStats {
    /// Grid index.
    pub point: u64,
    /// Money billed.
    pub cost: Estimate,
    /// Share of the run in SLA violation (0..1).
    pub violation_share: Estimate,
    /// Requests unserved.
    pub unserved: Estimate,
}

/// Groups rows (all replications of a point together, as the sweep yields them) into stats.
pub fn point_stats(rows: &[PointRow], duration: u64) -> Vec<PointStats> {
    rows.chunk_by(|a, b| a.point == b.point)
        .map(|runs| {
            let pick = |metric: &dyn Fn(&PointRow) -> f64| {
                Estimate::of(&runs.iter().map(metric).collect::<Vec<_>>())
            };
            PointStats {
                point: runs[0].point,
                cost: pick(&|row| row.total.cost),
                violation_share: pick(&|row| {
                    row.total.sla_violation_seconds as f64 / duration as f64
                }),
                unserved: pick(&|row| row.total.unserved_requests),
            }
        })
        .collect()
}

/// The planner's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Cheapest point meeting the target.
    pub best: Option<PointStats>,
    /// Next cheapest point meeting it.
    pub runner_up: Option<PointStats>,
    /// How many points met it.
    pub feasible: usize,
    /// How many points there were.
    pub points: usize,
}

/// Whether a point meets `max_violation_share`: with replications, the upper end of the 95%
/// interval must (a conservative reading of "stays under the target"); with one, the value.
pub fn meets(stats: &PointStats, max_violation_share: f64) -> bool {
    stats.violation_share.high <= max_violation_share
}

/// Picks the cheapest feasible point (ties: less violation, then lower index) and the next.
pub fn choose(stats: &[PointStats], max_violation_share: f64) -> Plan {
    let mut feasible: Vec<&PointStats> = stats
        .iter()
        .filter(|point| meets(point, max_violation_share))
        .collect();
    feasible.sort_by(|a, b| {
        a.cost
            .mean
            .total_cmp(&b.cost.mean)
            .then(a.violation_share.mean.total_cmp(&b.violation_share.mean))
            .then(a.point.cmp(&b.point))
    });
    Plan {
        best: feasible.first().map(|point| **point),
        runner_up: feasible.get(1).map(|point| **point),
        feasible: feasible.len(),
        points: stats.len(),
    }
}

/// The planner's report for a terminal.
pub fn describe(
    plan: &Plan,
    sweep: &Sweep,
    base: &Scenario,
    max_violation_share: f64,
    replications: u32,
) -> String {
    let mut out = format!(
        "plan for {}{}: {} point(s) x {} replication(s); target: SLA violation at most {}% of the run{}\n\n",
        base.name,
        sweep
            .policy
            .as_deref()
            .map(|policy| format!(" (policy {policy})"))
            .unwrap_or_default(),
        plan.points,
        replications,
        crate::number::trim_float(100.0 * max_violation_share),
        if replications > 1 {
            " (upper end of the 95% interval)"
        } else {
            ""
        }
    );
    let line = |label: &str, stats: &PointStats| {
        let interval = |estimate: &Estimate, scale: f64, decimals: usize, unit: &str| {
            let value = |number: f64| format!("{:.*}{unit}", decimals, number * scale);
            if replications > 1 {
                format!(
                    "{} (95% CI {} .. {})",
                    value(estimate.mean),
                    value(estimate.low),
                    value(estimate.high)
                )
            } else {
                value(estimate.mean)
            }
        };
        format!(
            "{label}: point {}: {}\n  cost {}, SLA violation {} of the run, unserved requests {}\n",
            stats.point,
            sweep.describe(stats.point),
            interval(&stats.cost, 1.0, 2, &format!(" {}", base.currency)),
            interval(&stats.violation_share, 100.0, 4, "%"),
            interval(&stats.unserved, 1.0, 0, "")
        )
    };
    match &plan.best {
        None => out.push_str(&format!(
            "no point meets the target ({} of {} checked); widen the grid or relax the target\n",
            plan.feasible, plan.points
        )),
        Some(best) => {
            out.push_str(&line("cheapest", best));
            match &plan.runner_up {
                Some(runner_up) => out.push_str(&line("runner-up", runner_up)),
                None => out.push_str("runner-up: none (only one point meets the target)\n"),
            }
            let _ = writeln!(
                out,
                "\n{} of {} points meet the target.",
                plan.feasible, plan.points
            );
        }
    }
    out
}

/// `plan.json`: the target, the counts, and the chosen and runner-up points with their
/// settings and estimates.
pub fn plan_json(plan: &Plan, sweep: &Sweep, base: &Scenario, max_violation_share: f64) -> String {
    #[derive(serde::Serialize)]
    struct Point<'a> {
        settings: String,
        #[serde(flatten)]
        stats: &'a PointStats,
    }
    #[derive(serde::Serialize)]
    struct Document<'a> {
        scenario: &'a str,
        currency: &'a str,
        policy: Option<&'a str>,
        max_violation_share: f64,
        replications: u32,
        points: usize,
        feasible: usize,
        best: Option<Point<'a>>,
        runner_up: Option<Point<'a>>,
    }
    fn describe<'a>(sweep: &Sweep, stats: &'a Option<PointStats>) -> Option<Point<'a>> {
        stats.as_ref().map(|stats| Point {
            settings: sweep.describe(stats.point),
            stats,
        })
    }
    let mut text = serde_json::to_string_pretty(&Document {
        scenario: &base.name,
        currency: &base.currency,
        policy: sweep.policy.as_deref(),
        max_violation_share,
        replications: sweep.replications,
        points: plan.points,
        feasible: plan.feasible,
        best: describe(sweep, &plan.best),
        runner_up: describe(sweep, &plan.runner_up),
    })
    .expect("the plan serializes");
    text.push('\n');
    text
}

/// `frontier.csv`: every evaluated point, its settings (one column per parameter, durations
/// in seconds), its estimates and whether it meets the target.
pub fn frontier_csv(stats: &[PointStats], sweep: &Sweep, max_violation_share: f64) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(
        sweep
            .parameters
            .iter()
            .map(|parameter| parameter.path.clone()),
    );
    for name in ["cost", "violation_share", "unserved_requests"] {
        for end in ["mean", "low", "high"] {
            header.push(format!("{name}_{end}"));
        }
    }
    header.push("feasible".into());
    writer.write_record(&header).expect("writing to memory");
    for point in stats {
        let mut record: Vec<String> = vec![point.point.to_string()];
        // As sweep.csv writes them: durations in seconds.
        record.extend(
            sweep
                .values_at(point.point)
                .into_iter()
                .map(|value| value.to_csv()),
        );
        for estimate in [point.cost, point.violation_share, point.unserved] {
            record.extend(
                [estimate.mean, estimate.low, estimate.high].map(|value| value.to_string()),
            );
        }
        record.push(meets(point, max_violation_share).to_string());
        writer.write_record(&record).expect("writing to memory");
    }
    writer.into_inner().expect("flushing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_interval_matches_students_t() {
        // Samples 1..=5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.776445.
        let estimate = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(estimate.mean, 3.0);
        let half = 2.776_445_105 * (2.5f64 / 5.0).sqrt();
        assert!((estimate.high - 3.0 - half).abs() < 1e-6, "{estimate:?}");
        assert!((3.0 - estimate.low - half).abs() < 1e-6);
        assert_eq!(
            Estimate::of(&[7.0]),
            Estimate {
                mean: 7.0,
                low: 7.0,
                high: 7.0
            }
        );
    }

    fn stats(point: u64, cost: f64, violation: f64) -> PointStats {
        let exact = |value| Estimate {
            mean: value,
            low: value,
            high: value,
        };
        PointStats {
            point,
            cost: exact(cost),
            violation_share: exact(violation),
            unserved: exact(0.0),
        }
    }

    #[test]
    fn picks_the_cheapest_feasible_point_and_the_runner_up() {
        let points = [
            stats(0, 5.0, 0.01),
            stats(1, 7.0, 0.0),
            stats(2, 6.0, 0.0005),
            stats(3, 9.0, 0.0),
        ];
        let plan = choose(&points, 0.001);
        assert_eq!(plan.best.unwrap().point, 2);
        assert_eq!(plan.runner_up.unwrap().point, 1);
        assert_eq!((plan.feasible, plan.points), (3, 4));
        assert!(
            choose(&points, 0.0)
                .best
                .is_some_and(|best| best.point == 1)
        );
        assert_eq!(choose(&[stats(0, 5.0, 0.5)], 0.1).best, None);
    }
}
