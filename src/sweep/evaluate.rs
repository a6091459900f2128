//! The planner's runs: every candidate policy's grid walked (whole, or by the adaptive
//! search within a budget), each point run on every planning load, its stats the worst over
//! them. The command line only parses flags and draws the progress; examples and tests call
//! this directly.

use super::plan::{self, Constraints, PointStats};
use super::{CHUNK_POINTS, Runner};
use crate::load::LoadSpec;
use crate::model::Scenario;
use crate::scenario::Candidate;
use std::sync::Arc;

/// How each grid is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Search {
    /// Every point.
    Grid,
    /// A Latin hypercube, then coordinate-wise refinement around the best points, within a
    /// budget of points per grid.
    Adaptive,
}

/// A budget of points per grid for the adaptive search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budget {
    /// At most this many points.
    Points(u64),
    /// At most this share of the grid (percent, in (0, 100]), at least one point.
    Percent(f64),
}

impl Budget {
    /// The default: a tenth of each grid.
    pub const DEFAULT: Budget = Budget::Percent(10.0);

    /// Points to run of a grid of `points`.
    pub fn of(self, points: u64) -> u64 {
        let points_of = match self {
            Budget::Points(count) => count,
            Budget::Percent(percent) => ((points as f64 * percent / 100.0).ceil() as u64).max(1),
        };
        points_of.min(points)
    }
}

/// What to plan over: the walk and the loads (empty: each scenario's own).
#[derive(Debug, Clone)]
pub struct Request {
    pub constraints: Constraints,
    pub search: Search,
    pub budget: Budget,
    /// Labelled loads that each replace the whole scenario load.
    pub loads: Vec<(String, Arc<LoadSpec>)>,
}

impl Request {
    /// Points the walk will run, over every candidate: the progress bar's length.
    pub fn points(&self, candidates: &[Candidate<'_>]) -> u64 {
        (candidates.iter())
            .map(|candidate| self.points_of(candidate.sweep.points()))
            .sum()
    }

    fn points_of(&self, grid: u64) -> u64 {
        match self.search {
            Search::Grid => grid,
            Search::Adaptive => self.budget.of(grid),
        }
    }
}

/// Each candidate's evaluated points (by point index), `progress` told how many points each
/// batch finished.
pub fn evaluate(
    candidates: &[Candidate<'_>],
    request: &Request,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Vec<PointStats>> {
    (candidates.iter())
        .map(|candidate| {
            let (scenario, grid) = (candidate.scenario, &candidate.sweep);
            let variants: Vec<Scenario> = if request.loads.is_empty() {
                vec![scenario.clone()]
            } else {
                (request.loads.iter())
                    .map(|(_, load)| {
                        let mut variant = scenario.clone();
                        variant.load = Arc::clone(load);
                        variant
                    })
                    .collect()
            };
            let runners: Vec<Runner> = (variants.iter())
                .map(|variant| Runner::new(variant, grid))
                .collect();
            let evaluate = |points: &[u64]| {
                let per_load: Vec<Vec<PointStats>> = (runners.iter())
                    .map(|runner| plan::point_stats(&runner.rows(points), scenario.duration))
                    .collect();
                progress(points.len() as u64);
                plan::over_loads(&per_load)
            };
            match request.search {
                Search::Grid => (0..grid.points())
                    .collect::<Vec<_>>()
                    .chunks(CHUNK_POINTS as usize)
                    .flat_map(evaluate)
                    .collect(),
                Search::Adaptive => super::search::adaptive(
                    grid,
                    &request.constraints,
                    request.points_of(grid.points()),
                    scenario.seed,
                    evaluate,
                ),
            }
        })
        .collect()
}

impl<'a> plan::Weighed<'a> {
    /// What the plan weighed: `candidates` of the scenario `base` under `request`.
    pub fn of(candidates: &'a [Candidate<'a>], base: &'a Scenario, request: &Request) -> Self {
        plan::Weighed {
            names: candidates.iter().map(|candidate| candidate.name).collect(),
            sweeps: candidates
                .iter()
                .map(|candidate| &candidate.sweep)
                .collect(),
            base,
            constraints: request.constraints,
            loads: request
                .loads
                .iter()
                .map(|(label, _)| label.clone())
                .collect(),
            grid_points: candidates
                .iter()
                .map(|candidate| candidate.sweep.points())
                .sum(),
        }
    }
}
