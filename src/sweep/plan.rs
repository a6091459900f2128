//! The capacity planner: the cheapest sweep point whose SLA violation stays under a target,
//! with 95% confidence intervals over replications, and the point as a policy to paste back.

use super::PointRow;
use crate::model::Scenario;
use crate::model::Sweep;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::fmt::Write as _;

pub use super::snippet::{planned, snippet};

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
    /// Share of the offered requests unserved (0..1).
    pub unserved_share: Estimate,
    /// 99th-percentile response time in seconds (with a latency model; infinite where a
    /// queue had no steady state).
    pub p99_latency: Option<Estimate>,
}

impl Estimate {
    /// As [`Estimate::of`], but any infinite sample makes the whole estimate infinite.
    fn bounded(samples: &[f64]) -> Self {
        if samples.iter().any(|sample| sample.is_infinite()) {
            let infinite = f64::INFINITY;
            return Estimate {
                mean: infinite,
                low: infinite,
                high: infinite,
            };
        }
        Estimate::of(samples)
    }

    /// The mean of estimates over loads (each end averaged).
    fn mean_of(estimates: &[Estimate]) -> Estimate {
        let n = estimates.len() as f64;
        let average = |end: fn(&Estimate) -> f64| estimates.iter().map(end).sum::<f64>() / n;
        Estimate {
            mean: average(|estimate| estimate.mean),
            low: average(|estimate| estimate.low),
            high: average(|estimate| estimate.high),
        }
    }

    /// The estimate with the highest upper end.
    fn worst_of(estimates: &[Estimate]) -> Estimate {
        (estimates.iter().copied())
            .max_by(|a, b| a.high.total_cmp(&b.high))
            .expect("at least one load")
    }
}

/// Groups rows (all replications of a point together, as the sweep yields them) into stats.
pub fn point_stats(rows: &[PointRow], duration: u64) -> Vec<PointStats> {
    rows.chunk_by(|a, b| a.point == b.point)
        .map(|runs| {
            let pick = |metric: &dyn Fn(&PointRow) -> f64| {
                Estimate::of(&runs.iter().map(metric).collect::<Vec<_>>())
            };
            let latencies: Option<Vec<f64>> = (runs.iter())
                .map(|row| (row.total.latency).map(|latency| latency.p99.unwrap_or(f64::INFINITY)))
                .collect();
            PointStats {
                point: runs[0].point,
                cost: pick(&|row| row.total.cost),
                violation_share: pick(&|row| {
                    row.total.sla_violation_seconds as f64 / duration as f64
                }),
                unserved: pick(&|row| row.total.unserved_requests),
                unserved_share: pick(&|row| {
                    row.total.unserved_requests / row.total.offered_requests.max(f64::MIN_POSITIVE)
                }),
                p99_latency: latencies.map(|samples| Estimate::bounded(&samples)),
            }
        })
        .collect()
}

/// A grid's stats on several loads as one: the mean cost, the worst of each constrained
/// metric (a robust plan must hold on every load).
pub fn over_loads(per_load: &[Vec<PointStats>]) -> Vec<PointStats> {
    let Some(first) = per_load.first() else {
        return Vec::new();
    };
    (0..first.len())
        .map(|index| {
            let all: Vec<&PointStats> = per_load.iter().map(|stats| &stats[index]).collect();
            let each = |metric: fn(&PointStats) -> Estimate| -> Vec<Estimate> {
                all.iter().map(|stats| metric(stats)).collect()
            };
            let latencies: Option<Vec<Estimate>> =
                all.iter().map(|stats| stats.p99_latency).collect();
            PointStats {
                point: first[index].point,
                cost: Estimate::mean_of(&each(|stats| stats.cost)),
                violation_share: Estimate::worst_of(&each(|stats| stats.violation_share)),
                unserved: Estimate::worst_of(&each(|stats| stats.unserved)),
                unserved_share: Estimate::worst_of(&each(|stats| stats.unserved_share)),
                p99_latency: latencies.map(|estimates| Estimate::worst_of(&estimates)),
            }
        })
        .collect()
}

/// A limit on unserved requests.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unserved {
    /// At most this many requests over the run.
    Requests(f64),
    /// At most this share (0..1) of the offered requests.
    Share(f64),
}

/// What a feasible point must meet; each limit applies to the upper end of the 95% interval
/// over replications (a conservative reading of "stays under"; with one replication, the
/// value), on every load.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Constraints {
    /// Largest share of the run in SLA violation.
    pub max_violation_share: Option<f64>,
    /// Most unserved requests.
    pub max_unserved: Option<Unserved>,
    /// Largest 99th-percentile response time, seconds.
    pub max_p99_latency: Option<f64>,
}

impl Constraints {
    /// Whether `stats` meets every limit.
    pub fn meets(&self, stats: &PointStats) -> bool {
        self.excess(stats) == 0.0
    }

    /// How far `stats` is from meeting every limit: 0 when it meets them, else the sum of
    /// each limit's relative excess (infinite for an unbounded latency), for ranking
    /// infeasible points by closeness.
    pub fn excess(&self, stats: &PointStats) -> f64 {
        let over = |value: f64, limit: f64| {
            if value <= limit {
                0.0
            } else {
                (value - limit) / limit.max(1e-12)
            }
        };
        let mut total = 0.0;
        if let Some(limit) = self.max_violation_share {
            total += over(stats.violation_share.high, limit);
        }
        match self.max_unserved {
            Some(Unserved::Requests(limit)) => total += over(stats.unserved.high, limit),
            Some(Unserved::Share(limit)) => total += over(stats.unserved_share.high, limit),
            None => {}
        }
        if let Some(limit) = self.max_p99_latency {
            total += stats
                .p99_latency
                .map_or(f64::INFINITY, |latency| over(latency.high, limit));
        }
        total
    }

    /// `SLA violation at most 0.1% of the run, p99 latency at most 250ms`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(share) = self.max_violation_share {
            parts.push(format!(
                "SLA violation at most {}% of the run",
                crate::number::trim_float(100.0 * share)
            ));
        }
        match self.max_unserved {
            Some(Unserved::Requests(requests)) => parts.push(format!(
                "unserved requests at most {}",
                crate::number::trim_float(requests)
            )),
            Some(Unserved::Share(share)) => parts.push(format!(
                "unserved requests at most {}% of those offered",
                crate::number::trim_float(100.0 * share)
            )),
            None => {}
        }
        if let Some(seconds) = self.max_p99_latency {
            parts.push(format!("p99 latency at most {}", latency(seconds)));
        }
        parts.join(", ")
    }
}

/// A response time as people read it: `250ms`, `1.5s`.
fn latency(seconds: f64) -> String {
    if seconds.is_infinite() {
        "unbounded".into()
    } else if seconds < 1.0 {
        format!("{}ms", crate::number::trim_float(seconds * 1000.0))
    } else {
        format!("{}s", crate::number::trim_float(seconds))
    }
}

/// A point of one candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chosen {
    /// Index of the candidate (policy).
    pub candidate: usize,
    /// Its stats.
    pub stats: PointStats,
}

/// One candidate's part of the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateResult {
    /// Its cheapest feasible point.
    pub best: Option<PointStats>,
    /// Without one: its point nearest to meeting the constraints (the least relative excess,
    /// then the cheapest), to say how far it is from them.
    pub closest: Option<PointStats>,
    /// How many of its points are feasible.
    pub feasible: usize,
    /// How many points it has.
    pub points: usize,
}

/// The planner's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Cheapest feasible point over every candidate.
    pub best: Option<Chosen>,
    /// Next cheapest.
    pub runner_up: Option<Chosen>,
    /// Each candidate's best, in candidate order.
    pub candidates: Vec<CandidateResult>,
    /// How many points met the constraints.
    pub feasible: usize,
    /// How many points there were.
    pub points: usize,
}

/// Picks the cheapest feasible point over every candidate's stats (ties: less violation,
/// then candidate order, then lower index), the next, and each candidate's best.
pub fn choose(candidates: &[Vec<PointStats>], constraints: &Constraints) -> Plan {
    let order = |a: &Chosen, b: &Chosen| {
        (a.stats.cost.mean.total_cmp(&b.stats.cost.mean))
            .then(
                a.stats
                    .violation_share
                    .mean
                    .total_cmp(&b.stats.violation_share.mean),
            )
            .then(a.candidate.cmp(&b.candidate))
            .then(a.stats.point.cmp(&b.stats.point))
    };
    let mut feasible: Vec<Chosen> = (candidates.iter().enumerate())
        .flat_map(|(candidate, stats)| {
            (stats.iter())
                .filter(|stats| constraints.meets(stats))
                .map(move |stats| Chosen {
                    candidate,
                    stats: *stats,
                })
        })
        .collect();
    feasible.sort_by(order);
    Plan {
        best: feasible.first().copied(),
        runner_up: feasible.get(1).copied(),
        candidates: (candidates.iter().enumerate())
            .map(|(index, stats)| CandidateResult {
                best: (feasible.iter().find(|chosen| chosen.candidate == index))
                    .map(|chosen| chosen.stats),
                closest: stats.iter().copied().min_by(|a, b| {
                    (constraints.excess(a).total_cmp(&constraints.excess(b)))
                        .then(a.cost.mean.total_cmp(&b.cost.mean))
                }),
                feasible: feasible
                    .iter()
                    .filter(|chosen| chosen.candidate == index)
                    .count(),
                points: stats.len(),
            })
            .collect(),
        feasible: feasible.len(),
        points: candidates.iter().map(Vec::len).sum(),
    }
}

/// What the planner weighed: each candidate's name, scenario and grid.
pub struct Weighed<'a> {
    /// Candidate names (`as-written` or policy names).
    pub names: Vec<&'a str>,
    /// Their grids.
    pub sweeps: Vec<&'a Sweep>,
    /// The scenario (for its name, currency).
    pub base: &'a Scenario,
    /// The constraints.
    pub constraints: Constraints,
    /// The loads it ran on, by label (empty: the scenario's own).
    pub loads: Vec<String>,
    /// Points in the grids: more than were run after an adaptive search.
    pub grid_points: u64,
}

impl Weighed<'_> {
    fn replications(&self) -> u32 {
        self.sweeps
            .iter()
            .map(|sweep| sweep.replications)
            .max()
            .unwrap_or(1)
    }

    fn settings(&self, chosen: &Chosen) -> String {
        let settings = self.sweeps[chosen.candidate].describe(chosen.stats.point);
        if settings.is_empty() {
            "as written".into()
        } else {
            settings
        }
    }
}

/// The planner's report for a terminal.
pub fn describe(plan: &Plan, weighed: &Weighed) -> String {
    let replications = weighed.replications();
    let base = weighed.base;
    let mut out = format!(
        "plan for {}: {} polic{} ({}), {} point(s) x {} replication(s){}; target: {}{}\n\n",
        base.name,
        weighed.names.len(),
        if weighed.names.len() == 1 { "y" } else { "ies" },
        weighed.names.join(", "),
        if plan.points as u64 == weighed.grid_points {
            plan.points.to_string()
        } else {
            format!(
                "{} of {} (adaptive search)",
                plan.points, weighed.grid_points
            )
        },
        replications,
        if weighed.loads.is_empty() {
            String::new()
        } else {
            match weighed.loads.as_slice() {
                [one] => format!(" on the load {one}"),
                loads => format!(" on each of {} loads ({})", loads.len(), loads.join(", ")),
            }
        },
        weighed.constraints.describe(),
        if replications > 1 {
            " (upper end of the 95% interval)"
        } else {
            ""
        }
    );
    let interval = |estimate: &Estimate, show: &dyn Fn(f64) -> String| {
        if replications > 1 {
            format!(
                "{} (mean; 95% CI {} .. {})",
                show(estimate.mean),
                show(estimate.low),
                show(estimate.high)
            )
        } else {
            show(estimate.mean)
        }
    };
    let line = |label: &str, chosen: &Chosen| {
        let stats = &chosen.stats;
        let mut text = format!(
            "{label}: policy {}, point {}: {}\n  cost {}, SLA violation {} of the run, unserved requests {}",
            weighed.names[chosen.candidate],
            stats.point,
            weighed.settings(chosen),
            interval(&stats.cost, &|value| format!(
                "{value:.2} {}",
                base.currency
            )),
            interval(&stats.violation_share, &|value| format!(
                "{:.4}%",
                100.0 * value
            )),
            interval(&stats.unserved, &|value| format!("{value:.0}")),
        );
        if let Some(p99) = &stats.p99_latency {
            let _ = write!(text, ", p99 latency {}", interval(p99, &latency));
        }
        text.push('\n');
        text
    };
    match &plan.best {
        None => {
            let _ = writeln!(
                out,
                "no point meets the target ({} checked); widen the grids or relax the target",
                plan.points
            );
            let closest = (plan.candidates.iter().enumerate())
                .filter_map(|(candidate, result)| {
                    result.closest.map(|stats| Chosen { candidate, stats })
                })
                .min_by(|a, b| {
                    let excess = |chosen: &Chosen| weighed.constraints.excess(&chosen.stats);
                    excess(a).total_cmp(&excess(b))
                });
            if let Some(closest) = &closest {
                out.push_str(&line("closest", closest));
            }
        }
        Some(best) => {
            out.push_str(&line("cheapest", best));
            match &plan.runner_up {
                Some(runner_up) => out.push_str(&line("runner-up", runner_up)),
                None => out.push_str("runner-up: none (only one point meets the target)\n"),
            }
        }
    }
    if weighed.names.len() > 1 {
        let (cost_label, bound_label) = if replications > 1 {
            ("mean cost", " (upper 95% bound)")
        } else {
            ("cost", "")
        };
        let bound = |estimate: &Estimate| {
            if replications > 1 {
                estimate.high
            } else {
                estimate.mean
            }
        };
        let _ = writeln!(out, "\nbest of each policy:");
        let width = weighed
            .names
            .iter()
            .map(|name| name.len())
            .max()
            .unwrap_or(0);
        for (index, result) in plan.candidates.iter().enumerate() {
            let name = weighed.names[index];
            // The cost is the mean; a constrained metric is the value the constraint is
            // held against (the upper 95% bound with replications), and the line says so.
            let text = match &result.best {
                Some(stats) => format!(
                    "{cost_label} {:.2} {}, SLA violation {:.4}%{bound_label}: {}",
                    stats.cost.mean,
                    base.currency,
                    100.0 * bound(&stats.violation_share),
                    weighed.settings(&Chosen {
                        candidate: index,
                        stats: *stats
                    })
                ),
                None => match &result.closest {
                    Some(stats) => format!(
                        "closest: {cost_label} {:.2} {}, SLA violation {:.4}%{bound_label}, unserved requests {:.0}{bound_label}{}: {}",
                        stats.cost.mean,
                        base.currency,
                        100.0 * bound(&stats.violation_share),
                        bound(&stats.unserved),
                        stats
                            .p99_latency
                            .filter(|_| weighed.constraints.max_p99_latency.is_some())
                            .map(|latency| format!(
                                ", p99 latency {}{bound_label}",
                                self::latency(bound(&latency))
                            ))
                            .unwrap_or_default(),
                        weighed.settings(&Chosen {
                            candidate: index,
                            stats: *stats
                        })
                    ),
                    None => "no points".to_string(),
                },
            };
            let _ = writeln!(
                out,
                "  {name:<width$}  {} of {} point(s) meet it; {text}",
                result.feasible, result.points
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} of {} points meet the target.",
        plan.feasible, plan.points
    );
    out
}

/// `plan.json`: the constraints, the counts, the chosen and runner-up points and each
/// policy's best, with settings and estimates.
pub fn plan_json(plan: &Plan, weighed: &Weighed) -> String {
    #[derive(serde::Serialize)]
    struct Point<'a> {
        policy: &'a str,
        settings: String,
        #[serde(flatten)]
        stats: PointStats,
    }
    #[derive(serde::Serialize)]
    struct PolicyResult<'a> {
        policy: &'a str,
        points: usize,
        feasible: usize,
        best: Option<Point<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Document<'a> {
        scenario: &'a str,
        currency: &'a str,
        constraints: Constraints,
        loads: &'a [String],
        replications: u32,
        points: usize,
        grid_points: u64,
        feasible: usize,
        best: Option<Point<'a>>,
        runner_up: Option<Point<'a>>,
        policies: Vec<PolicyResult<'a>>,
    }
    let point = |chosen: &Chosen| Point {
        policy: weighed.names[chosen.candidate],
        settings: weighed.sweeps[chosen.candidate].describe(chosen.stats.point),
        stats: chosen.stats,
    };
    let mut text = serde_json::to_string_pretty(&Document {
        scenario: &weighed.base.name,
        currency: &weighed.base.currency,
        constraints: weighed.constraints,
        loads: &weighed.loads,
        replications: weighed.replications(),
        points: plan.points,
        grid_points: weighed.grid_points,
        feasible: plan.feasible,
        best: plan.best.as_ref().map(point),
        runner_up: plan.runner_up.as_ref().map(point),
        policies: (plan.candidates.iter().enumerate())
            .map(|(index, result)| PolicyResult {
                policy: weighed.names[index],
                points: result.points,
                feasible: result.feasible,
                best: result.best.map(|stats| {
                    point(&Chosen {
                        candidate: index,
                        stats,
                    })
                }),
            })
            .collect(),
    })
    .expect("the plan serializes");
    text.push('\n');
    text
}

/// Every evaluated point of every policy as text cells (`frontier.csv`, the plan page's
/// table), each row with its mean cost to sort by.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontier {
    pub header: Vec<String>,
    pub rows: Vec<(f64, Vec<String>)>,
}

impl Frontier {
    /// `frontier.csv`.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(&self.header)
            .expect("writing to memory");
        for (_, record) in &self.rows {
            writer.write_record(record).expect("writing to memory");
        }
        writer.into_inner().expect("flushing to memory")
    }
}

/// The frontier: for every evaluated point of every policy, its settings (one column per
/// parameter path of any policy, empty where a policy has no such parameter; durations in
/// seconds), its estimates and whether it meets the constraints.
pub fn frontier(candidates: &[Vec<PointStats>], weighed: &Weighed) -> Frontier {
    let mut paths: Vec<&str> = Vec::new();
    for sweep in &weighed.sweeps {
        for parameter in &sweep.parameters {
            if !paths.contains(&parameter.path.as_str()) {
                paths.push(&parameter.path);
            }
        }
    }
    let mut header: Vec<String> = vec!["policy".into(), "point".into()];
    header.extend(paths.iter().map(|path| path.to_string()));
    for name in [
        "cost",
        "violation_share",
        "unserved_requests",
        "unserved_share",
        "p99_latency_seconds",
    ] {
        for end in ["mean", "low", "high"] {
            header.push(format!("{name}_{end}"));
        }
    }
    header.push("feasible".into());
    let mut rows = Vec::new();
    for (index, stats) in candidates.iter().enumerate() {
        let sweep = weighed.sweeps[index];
        for point in stats {
            let mut record: Vec<String> =
                vec![weighed.names[index].to_string(), point.point.to_string()];
            let values = sweep.values_at(point.point);
            record.extend(paths.iter().map(|path| {
                (sweep.parameters.iter().zip(&values))
                    .find(|(parameter, _)| parameter.path == *path)
                    .map_or(String::new(), |(_, value)| value.to_csv())
            }));
            for estimate in [
                Some(point.cost),
                Some(point.violation_share),
                Some(point.unserved),
                Some(point.unserved_share),
                point.p99_latency,
            ] {
                match estimate {
                    Some(estimate) => record.extend(
                        [estimate.mean, estimate.low, estimate.high].map(|value| value.to_string()),
                    ),
                    None => record.extend([String::new(), String::new(), String::new()]),
                }
            }
            record.push(weighed.constraints.meets(point).to_string());
            rows.push((point.cost.mean, record));
        }
    }
    Frontier { header, rows }
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
            unserved_share: exact(0.0),
            p99_latency: None,
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
        let within = |share| Constraints {
            max_violation_share: Some(share),
            ..Constraints::default()
        };
        let plan = choose(&[points.to_vec()], &within(0.001));
        assert_eq!(plan.best.unwrap().stats.point, 2);
        assert_eq!(plan.runner_up.unwrap().stats.point, 1);
        assert_eq!((plan.feasible, plan.points), (3, 4));
        assert!(
            choose(&[points.to_vec()], &within(0.0))
                .best
                .is_some_and(|best| best.stats.point == 1)
        );
        assert_eq!(choose(&[vec![stats(0, 5.0, 0.5)]], &within(0.1)).best, None);
        // Across candidates: the cheapest feasible wins whichever policy it is, and each
        // policy keeps its own best.
        let plan = choose(
            &[
                points.to_vec(),
                vec![stats(0, 5.5, 0.0), stats(1, 4.0, 0.2)],
            ],
            &within(0.001),
        );
        let best = plan.best.unwrap();
        assert_eq!((best.candidate, best.stats.point), (1, 0));
        assert_eq!(plan.candidates[0].best.unwrap().point, 2);
        assert_eq!(
            (plan.candidates[1].feasible, plan.candidates[1].points),
            (1, 2)
        );
    }
}
