//! The loads a run replays, built in one place: the scenario's series and each group's own
//! (`[group.load]`), all from the run's seed, each group's on a stream of its own so that two
//! groups with the same noise settings do not move in lockstep. The engine takes them built;
//! loading, sweeps, replications and comparisons build them here.

use super::Scenario;
use crate::load::LoadSeries;

/// Mixed into the seed of group `g`'s own load (`g + 1` times), apart from the scenario's.
const GROUP_STREAM: u64 = 0x00f1_ee75_eed5_0001;

/// Every load of one run, on the scenario's metric-period grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Loads {
    /// The scenario's load, shared by the groups without one of their own.
    pub scenario: LoadSeries,
    /// Each group's own load, by group index (`None`: it takes its share of the scenario's).
    pub groups: Vec<Option<LoadSeries>>,
}

impl Loads {
    /// The loads of `scenario` for a run seeded `seed` (its own seed or a replication's).
    pub fn generate(scenario: &Scenario, seed: u64) -> Loads {
        let (period, ticks) = (scenario.metric_period, scenario.ticks());
        Loads {
            scenario: scenario.load.generate(period, ticks, seed),
            groups: (scenario.groups.iter().enumerate())
                .map(|(index, group)| {
                    let stream = seed ^ (index as u64 + 1).wrapping_mul(GROUP_STREAM);
                    (group.load.as_ref()).map(|spec| spec.generate(period, ticks, stream))
                })
                .collect(),
        }
    }

    /// The scenario's load alone, for a scenario whose groups have none of their own (tests
    /// and benchmarks that build a series by hand).
    pub fn of(scenario: LoadSeries) -> Loads {
        Loads {
            scenario,
            groups: Vec::new(),
        }
    }
}
