//! A validated sweep: the grid of scenario variants `[sweep]` declares, and the seeds of its
//! replications. Pure data and index arithmetic; running it is `crate::sweep`'s job.

use super::Scenario;
pub use super::target::*;

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

impl Sweep {
    /// A grid of `sizes[i]` values 0, 1, ... per parameter (over `load.scale`), for tests of
    /// grid arithmetic and search.
    #[cfg(test)]
    pub(crate) fn of_sizes(sizes: &[usize]) -> Sweep {
        Sweep {
            policy: None,
            parameters: (sizes.iter().enumerate())
                .map(|(index, size)| Parameter {
                    path: format!("p{index}"),
                    target: LOAD_SCALE,
                    values: (0..*size)
                        .map(|value| Value::Number(value as f64))
                        .collect(),
                })
                .collect(),
            replications: 1,
            seeds: SeedMode::Common,
            max_points: crate::limits::DEFAULT_MAX_POINTS,
        }
    }

    /// A grid of one point: the scenario as it is, run `replications` times.
    pub fn single(policy: Option<&str>, replications: u32) -> Sweep {
        Sweep {
            policy: policy.map(str::to_string),
            parameters: Vec::new(),
            replications,
            seeds: SeedMode::Common,
            max_points: 1,
        }
    }

    /// Number of grid points (validation guarantees it fits and is within `max_points`).
    pub fn points(&self) -> u64 {
        self.parameters
            .iter()
            .map(|parameter| parameter.values.len() as u64)
            .product()
    }

    /// Each parameter's value index at `point` (mixed radix, the last fastest).
    pub fn indices(&self, point: u64) -> Vec<usize> {
        let mut rest = point;
        let mut indices = vec![0; self.parameters.len()];
        for (index, parameter) in self.parameters.iter().enumerate().rev() {
            let size = parameter.values.len() as u64;
            indices[index] = (rest % size) as usize;
            rest /= size;
        }
        indices
    }

    /// The point whose value indices are `indices` (the inverse of [`Sweep::indices`]).
    pub fn point_of(&self, indices: &[usize]) -> u64 {
        (self.parameters.iter().zip(indices)).fold(0u64, |point, (parameter, index)| {
            point * parameter.values.len() as u64 + *index as u64
        })
    }

    /// The parameter values at `point`.
    pub fn values_at(&self, point: u64) -> Vec<Value> {
        (self.parameters.iter().zip(self.indices(point)))
            .map(|(parameter, index)| parameter.values[index].clone())
            .collect()
    }

    /// The scenario at `point`.
    pub fn scenario_at(&self, base: &Scenario, point: u64) -> Scenario {
        let mut scenario = base.clone();
        for (parameter, value) in self.parameters.iter().zip(self.values_at(point)) {
            parameter.target.apply(&mut scenario, &value);
        }
        scenario
    }

    /// Checks every point against the model's invariants; the first few failures.
    ///
    /// Only parameters that can break an invariant (group bounds, alarm periods, scheduled
    /// capacities) matter, so only their sub-grid is walked, with the other parameters at their
    /// first value: a billion-point grid over thresholds and cooldowns costs one check.
    pub fn invalid_points(&self, base: &Scenario, limit: usize) -> Vec<String> {
        let relevant: Vec<usize> = (self.parameters.iter().enumerate())
            .filter(|(_, parameter)| parameter.target.affects_invariants())
            .map(|(index, _)| index)
            .collect();
        let sizes: Vec<u64> = (self.parameters.iter())
            .map(|parameter| parameter.values.len() as u64)
            .collect();
        let sub_points: u64 = relevant.iter().map(|index| sizes[*index]).product();
        (0..sub_points)
            .map(|sub_point| {
                // The full grid index whose relevant coordinates are those of `sub_point`.
                let mut rest = sub_point;
                let mut coordinates = vec![0u64; sizes.len()];
                for index in relevant.iter().rev() {
                    coordinates[*index] = rest % sizes[*index];
                    rest /= sizes[*index];
                }
                coordinates
                    .iter()
                    .zip(&sizes)
                    .fold(0u64, |point, (coordinate, size)| point * size + coordinate)
            })
            .filter_map(|point| {
                let scenario = self.scenario_at(base, point);
                let why = scenario.check_invariants().err()?;
                // A desired written in the file does not follow a swept min or max.
                let fixed = match why.place {
                    super::Place::GroupDesired(g) if !scenario.groups[g].desired_follows_min => {
                        format!(
                            " (desired is set in the file; sweep `group.{}.desired` too, or remove it to follow min)",
                            scenario.groups[g].name
                        )
                    }
                    _ => String::new(),
                };
                Some(format!("point {point} ({}): {why}{fixed}", self.describe(point)))
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

    pub fn varies_load(&self) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(sizes: &[usize]) -> Sweep {
        Sweep::of_sizes(sizes)
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
