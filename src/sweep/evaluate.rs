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

    /// Four times the points (or the share), for a search that found nothing.
    fn widened(self) -> Budget {
        match self {
            Budget::Points(count) => Budget::Points(count.saturating_mul(4)),
            Budget::Percent(percent) => Budget::Percent((percent * 4.0).min(100.0)),
        }
    }

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

/// How many times an adaptive search that found no feasible point widens its budget (4x each
/// time, up to the whole grid) before saying that it, not the scenario, found nothing.
const ESCALATIONS: u32 = 3;

/// What the walk found, and what it had to do to find it.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Each candidate's evaluated points, by point index.
    pub stats: Vec<Vec<PointStats>>,
    /// Said when the adaptive search widened its budget, or found nothing even so.
    pub note: Option<String>,
}

/// Each candidate's evaluated points, `progress` told how many points each batch finished.
/// An adaptive search that finds no point meeting the constraints widens its budget (4x,
/// up to the whole grid) before it gives up, and says so either way: an empty answer must
/// be the scenario's, not the sample's.
pub fn evaluate(
    candidates: &[Candidate<'_>],
    request: &Request,
    progress: &(dyn Fn(u64) + Sync),
) -> Evaluation {
    let mut budget = request.budget;
    let mut stats = walk(candidates, request, budget, progress);
    if request.search != Search::Adaptive {
        return Evaluation { stats, note: None };
    }
    let feasible = |stats: &[Vec<PointStats>]| {
        (stats.iter().flatten()).any(|point| request.constraints.meets(point))
    };
    let run = |stats: &[Vec<PointStats>]| stats.iter().map(Vec::len).sum::<usize>();
    let grids: u64 = candidates
        .iter()
        .map(|candidate| candidate.sweep.points())
        .sum();
    let first = run(&stats);
    let mut rounds = 0;
    while !feasible(&stats) && rounds < ESCALATIONS && (run(&stats) as u64) < grids {
        rounds += 1;
        budget = budget.widened();
        stats = walk(candidates, request, budget, progress);
    }
    let note = match (rounds, feasible(&stats)) {
        (0, true) => None,
        (_, true) => Some(format!(
            "the adaptive search found no point meeting the target in {first} point(s); widened {rounds} time(s) to {} point(s), it found some",
            run(&stats)
        )),
        (_, false) if (run(&stats) as u64) >= grids => None,
        (_, false) => Some(format!(
            "the adaptive search found no point meeting the target in {} of {grids} point(s): the search, not necessarily the scenario, found nothing; raise --budget or plan with --search grid",
            run(&stats)
        )),
    };
    Evaluation { stats, note }
}

fn walk(
    candidates: &[Candidate<'_>],
    request: &Request,
    budget: Budget,
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
                    budget.of(grid.points()),
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
