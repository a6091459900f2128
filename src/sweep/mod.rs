//! Parameter sweeps: a grid of scenario variants, each run with one or more seeds, in
//! parallel, streamed in grid order.
//!
//! The grid is the cartesian product of the parameters' values, indexed in mixed radix (the
//! last parameter varies fastest), so point `i` can be built on its own: shards and threads
//! never need to agree on anything but the index. Points run in chunks: each chunk runs on
//! rayon's threads and is handed to the sink in order before the next starts, so memory stays
//! flat however large the grid and the output is identical for any thread count.

pub mod evaluate;
pub mod plan;
pub mod search;
mod snippet;

use crate::engine::{self, GroupSummary, RunOptions};
use crate::model::{Loads, Scenario, SeedMode, Sweep};
use rayon::prelude::*;
use std::ops::Range;

/// One run of the sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRow {
    /// Grid index.
    pub point: u64,
    /// Replication index.
    pub replication: u32,
    /// Seed used.
    pub seed: u64,
    /// All groups together.
    pub total: GroupSummary,
}

/// Points run per chunk: enough work to keep every thread busy between hand-offs, few enough
/// rows that memory stays small.
pub const CHUNK_POINTS: u64 = 512;

/// Runs the points in `points` of `sweep` over `base`, handing rows to `sink` chunk by chunk
/// in (point, replication) order. `progress` is told how many points each chunk finished.
pub fn run<E>(
    base: &Scenario,
    sweep: &Sweep,
    points: Range<u64>,
    mut sink: impl FnMut(&[PointRow]) -> Result<(), E>,
    progress: impl Fn(u64) + Sync,
) -> Result<(), E> {
    let runner = Runner::new(base, sweep);
    let mut start = points.start;
    while start < points.end {
        let end = (start + CHUNK_POINTS).min(points.end);
        sink(&runner.rows(&(start..end).collect::<Vec<_>>()))?;
        progress(end - start);
        start = end;
    }
    Ok(())
}

/// Runs the points of a sweep, any set of them in parallel, with the loads they share built
/// once.
pub struct Runner<'a> {
    base: &'a Scenario,
    sweep: &'a Sweep,
    /// Loads shared by every point: one per replication seed, unless the load itself varies.
    shared: Vec<Loads>,
}

impl<'a> Runner<'a> {
    /// A runner of `sweep`'s points over `base`.
    pub fn new(base: &'a Scenario, sweep: &'a Sweep) -> Self {
        let random = base.load.noise.is_some();
        let shared: Vec<Loads> =
            if sweep.varies_load() || (random && sweep.seeds == SeedMode::Independent) {
                Vec::new()
            } else {
                (0..sweep.replications)
                    .map(|replication| Loads::generate(base, sweep.seed(base.seed, 0, replication)))
                    .collect()
            };
        Runner {
            base,
            sweep,
            shared,
        }
    }

    /// Every replication of each of `points`, in the order given, run on rayon's threads.
    pub fn rows(&self, points: &[u64]) -> Vec<PointRow> {
        let (base, sweep) = (self.base, self.sweep);
        points
            .par_iter()
            .flat_map_iter(|&point| {
                let mut scenario = sweep.scenario_at(base, point);
                let rows: Vec<PointRow> = (0..sweep.replications)
                    .map(|replication| {
                        let seed = sweep.seed(base.seed, point, replication);
                        let own;
                        let load = match self.shared.get(replication as usize) {
                            Some(load) => load,
                            None => {
                                own = Loads::generate(&scenario, seed);
                                &own
                            }
                        };
                        scenario.seed = seed;
                        let outcome = engine::simulate(&scenario, load, RunOptions::SUMMARY);
                        PointRow {
                            point,
                            replication,
                            seed,
                            total: outcome.total,
                        }
                    })
                    .collect();
                rows
            })
            .collect()
    }
}

/// The CSV header: grid position, parameters, then every summary metric.
pub fn csv_header(sweep: &Sweep) -> Vec<String> {
    let mut header: Vec<String> = ["point", "replication", "seed"].map(String::from).to_vec();
    header.extend(
        sweep
            .parameters
            .iter()
            .map(|parameter| parameter.path.clone()),
    );
    header.extend(
        [
            "cost",
            "instance_hours",
            "peak_in_service",
            "mean_in_service",
            "activities",
            "rejected_by_cooldown",
            "rejected_busy",
            "failed_tasks",
            "sla_violation_seconds",
            "sla_violation_share",
            "unserved_requests",
            "offered_requests",
            "p95_utilization",
            "p99_latency_seconds",
        ]
        .map(String::from),
    );
    header
}

/// One CSV record; durations are in seconds.
pub fn csv_record(sweep: &Sweep, duration: u64, row: &PointRow) -> Vec<String> {
    let total = &row.total;
    let mut record = vec![
        row.point.to_string(),
        row.replication.to_string(),
        row.seed.to_string(),
    ];
    record.extend(
        sweep
            .values_at(row.point)
            .into_iter()
            .map(|value| value.to_csv()),
    );
    record.extend([
        format!("{:.6}", total.cost),
        format!("{:.6}", total.instance_hours),
        total.peak_in_service.to_string(),
        format!("{:.6}", total.mean_in_service),
        total.activities.to_string(),
        total.rejected_by_cooldown.to_string(),
        total.rejected_busy.to_string(),
        total.failed_tasks.to_string(),
        total.sla_violation_seconds.to_string(),
        format!(
            "{:.8}",
            total.sla_violation_seconds as f64 / duration as f64
        ),
        format!("{:.3}", total.unserved_requests),
        format!("{:.3}", total.offered_requests),
        total
            .p95_utilization
            .map_or(String::new(), |value| format!("{value:.6}")),
        // Empty without a latency model; `inf` where a queue had no steady state.
        total.latency.map_or(String::new(), |latency| {
            latency
                .p99
                .map_or("inf".to_string(), |seconds| format!("{seconds:.9}"))
        }),
    ]);
    record
}

/// Each point's mean cost and SLA violation over its replications, tallied from the rows as
/// they stream by (a sweep keeps no rows in memory), for its charts and page.
#[derive(Debug, Clone, PartialEq)]
pub struct Means {
    /// Points before the first tallied (a shard's range starts there).
    first: u64,
    /// (cost sum, violation share sum, replications) per point from `first`.
    sums: Vec<(f64, f64, u32)>,
    /// The run's duration, for the violation share.
    duration: u64,
}

/// One point's means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointMean {
    pub point: u64,
    /// Mean cost.
    pub cost: f64,
    /// Mean SLA violation, a share of the run.
    pub violation_share: f64,
    pub replications: u32,
}

impl Means {
    /// A tally of the points in `points` of a run lasting `duration` seconds.
    pub fn new(points: Range<u64>, duration: u64) -> Self {
        Means {
            first: points.start,
            sums: vec![(0.0, 0.0, 0); (points.end - points.start) as usize],
            duration: duration.max(1),
        }
    }

    /// Counts `rows` (of points inside the range).
    pub fn add(&mut self, rows: &[PointRow]) {
        for row in rows {
            if let Some(entry) = self.sums.get_mut((row.point - self.first) as usize) {
                entry.0 += row.total.cost;
                entry.1 += row.total.sla_violation_seconds as f64 / self.duration as f64;
                entry.2 += 1;
            }
        }
    }

    /// The means of every point with at least one run, in point order.
    pub fn points(&self) -> Vec<PointMean> {
        (self.sums.iter().enumerate())
            .filter(|(_, (_, _, count))| *count > 0)
            .map(|(index, (cost, share, count))| PointMean {
                point: self.first + index as u64,
                cost: cost / *count as f64,
                violation_share: share / *count as f64,
                replications: *count,
            })
            .collect()
    }
}
