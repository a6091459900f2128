//! Parameter sweeps: a grid of scenario variants, each run with one or more seeds, in
//! parallel, streamed in grid order.
//!
//! The grid is the cartesian product of the parameters' values, indexed in mixed radix (the
//! last parameter varies fastest), so point `i` can be built on its own: shards and threads
//! never need to agree on anything but the index. Points run in chunks: each chunk runs on
//! rayon's threads and is handed to the sink in order before the next starts, so memory stays
//! flat however large the grid and the output is identical for any thread count.

pub mod plan;
pub mod target;

use crate::engine::{self, GroupSummary, RunOptions};
use crate::load::LoadSeries;
use crate::model::Scenario;
use rayon::prelude::*;
use std::ops::Range;
use target::{Target, Value};

/// How replications get their seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedMode {
    /// Replication `r` uses the same seed at every point (common random numbers): differences
    /// between points come from the parameters, not from noise. Replication 0 uses the
    /// scenario's own seed, so its rows equal plain `run`s.
    Common,
    /// Each (point, replication) gets its own seed, derived from the scenario seed and the
    /// point's index.
    Independent,
}

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The path as written.
    pub path: String,
    /// What it sets.
    pub target: Target,
    /// Its values, in order.
    pub values: Vec<Value>,
}

/// A validated sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The policy swept (`None`: the scenario as written).
    pub policy: Option<String>,
    /// The grid's axes.
    pub parameters: Vec<Parameter>,
    /// Runs per point.
    pub replications: u32,
    /// How replications get seeds.
    pub seeds: SeedMode,
    /// Largest grid accepted.
    pub max_points: u64,
}

/// Default for `max_points`.
pub const DEFAULT_MAX_POINTS: u64 = 1_000_000;

impl Sweep {
    /// Number of grid points (validation guarantees it fits and is within `max_points`).
    pub fn points(&self) -> u64 {
        self.parameters
            .iter()
            .map(|parameter| parameter.values.len() as u64)
            .product()
    }

    /// The parameter values at `point`.
    pub fn values_at(&self, point: u64) -> Vec<Value> {
        let mut rest = point;
        let mut values = vec![Value::Number(0.0); self.parameters.len()];
        for (index, parameter) in self.parameters.iter().enumerate().rev() {
            let size = parameter.values.len() as u64;
            values[index] = parameter.values[(rest % size) as usize];
            rest /= size;
        }
        values
    }

    /// The scenario at `point`.
    pub fn scenario_at(&self, base: &Scenario, point: u64) -> Scenario {
        let mut scenario = base.clone();
        for (parameter, value) in self.parameters.iter().zip(self.values_at(point)) {
            parameter.target.apply(&mut scenario, value);
        }
        scenario
    }

    /// Checks every point against the model's invariants; the first few failures.
    pub fn invalid_points(&self, base: &Scenario, limit: usize) -> Vec<String> {
        (0..self.points())
            .filter_map(|point| {
                let scenario = self.scenario_at(base, point);
                target::check_invariants(&scenario)
                    .err()
                    .map(|why| format!("point {point} ({}): {why}", self.describe(point)))
            })
            .take(limit)
            .collect()
    }

    /// `path = value, ...` of a point.
    pub fn describe(&self, point: u64) -> String {
        self.parameters
            .iter()
            .zip(self.values_at(point))
            .map(|(parameter, value)| format!("{} = {}", parameter.path, value.to_toml()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The seed of replication `replication` at `point`.
    pub fn seed(&self, base_seed: u64, point: u64, replication: u32) -> u64 {
        match (self.seeds, replication) {
            (SeedMode::Common, r) => replication_seed(base_seed, r),
            (SeedMode::Independent, r) => mix(base_seed, point + 1, r as u64),
        }
    }

    fn varies_load(&self) -> bool {
        self.parameters
            .iter()
            .any(|parameter| parameter.target.changes_load())
    }
}

/// The seed of replication `replication` of a scenario seeded `seed` (replication 0 is the
/// scenario's own seed), as sweeps with common seeds and `run --replications` use.
pub fn replication_seed(seed: u64, replication: u32) -> u64 {
    if replication == 0 {
        seed
    } else {
        mix(seed, 0, replication as u64)
    }
}

/// SplitMix64 over the three inputs: well-spread seeds from small, related integers.
fn mix(seed: u64, point: u64, replication: u64) -> u64 {
    let mut z = seed
        ^ point.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ replication.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

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
    let ticks = base.ticks();
    let generate = |scenario: &Scenario, seed: u64| {
        scenario.load.generate(scenario.metric_period, ticks, seed)
    };
    // Loads shared by every point: one per replication seed, unless the load itself varies.
    let random = base.load.noise.is_some();
    let shared: Vec<LoadSeries> =
        if sweep.varies_load() || (random && sweep.seeds == SeedMode::Independent) {
            Vec::new()
        } else {
            (0..sweep.replications)
                .map(|replication| generate(base, sweep.seed(base.seed, 0, replication)))
                .collect()
        };
    let mut start = points.start;
    while start < points.end {
        let end = (start + CHUNK_POINTS).min(points.end);
        let rows: Vec<PointRow> = (start..end)
            .into_par_iter()
            .flat_map_iter(|point| {
                let mut scenario = sweep.scenario_at(base, point);
                let rows: Vec<PointRow> = (0..sweep.replications)
                    .map(|replication| {
                        let seed = sweep.seed(base.seed, point, replication);
                        let own;
                        let load = match shared.get(replication as usize) {
                            Some(load) => load,
                            None => {
                                own = generate(&scenario, seed);
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
            .collect();
        sink(&rows)?;
        progress(end - start);
        start = end;
    }
    Ok(())
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
    record.extend(sweep.values_at(row.point).into_iter().map(Value::to_csv));
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
    ]);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(sizes: &[usize]) -> Sweep {
        Sweep {
            policy: None,
            parameters: sizes
                .iter()
                .enumerate()
                .map(|(index, size)| Parameter {
                    path: format!("p{index}"),
                    target: Target::LoadScale,
                    values: (0..*size)
                        .map(|value| Value::Number(value as f64))
                        .collect(),
                })
                .collect(),
            replications: 1,
            seeds: SeedMode::Common,
            max_points: DEFAULT_MAX_POINTS,
        }
    }

    #[test]
    fn points_decode_in_mixed_radix_last_fastest() {
        let grid = sweep(&[2, 3]);
        assert_eq!(grid.points(), 6);
        let decoded: Vec<Vec<Value>> = (0..6).map(|point| grid.values_at(point)).collect();
        assert_eq!(decoded[0], vec![Value::Number(0.0), Value::Number(0.0)]);
        assert_eq!(decoded[1], vec![Value::Number(0.0), Value::Number(1.0)]);
        assert_eq!(decoded[3], vec![Value::Number(1.0), Value::Number(0.0)]);
        assert_eq!(decoded[5], vec![Value::Number(1.0), Value::Number(2.0)]);
    }

    #[test]
    fn seeds_depend_on_mode_point_and_replication_only() {
        let mut grid = sweep(&[4]);
        assert_eq!(grid.seed(42, 3, 0), 42);
        assert_eq!(grid.seed(42, 3, 1), grid.seed(42, 0, 1));
        grid.seeds = SeedMode::Independent;
        assert_ne!(grid.seed(42, 3, 0), grid.seed(42, 2, 0));
        assert_ne!(grid.seed(42, 3, 0), grid.seed(42, 3, 1));
        assert_eq!(grid.seed(42, 3, 1), grid.seed(42, 3, 1));
    }
}
