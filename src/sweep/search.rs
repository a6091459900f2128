//! Adaptive search: a plan from a fraction of a grid's points. A Latin hypercube of the grid
//! first (every value range of every parameter sampled evenly), then coordinate-wise
//! refinement (compass search) from the best sampled point not yet searched from, repeated
//! while the budget lasts: one stride up and down each parameter, moving to the best better
//! neighbour, halving the strides when none is; at a stride of one value, moves of up to two
//! values along two parameters at once; until nothing improves. "Better" is the planner's own order: feasible before infeasible, then cheaper;
//! among infeasible points, closer to the constraints. Deterministic for a seed: the points
//! tried depend only on the seed and on what earlier points returned, never on threads.

use super::plan::{Constraints, PointStats};
use crate::model::Sweep;
use rand::RngExt as _;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// Stream tag mixed into the seed, so the search never shares a stream with a run's.
const SEARCH_STREAM: u64 = 0x7365_6172_6368_0001;

/// The planner's order of two points: feasible and cheaper first, then closer to feasible.
fn better(constraints: &Constraints, a: &PointStats, b: &PointStats) -> std::cmp::Ordering {
    let key = |stats: &PointStats| {
        let excess = constraints.excess(stats);
        (
            excess > 0.0,
            if excess > 0.0 {
                excess
            } else {
                stats.cost.mean
            },
        )
    };
    let (ka, kb) = (key(a), key(b));
    (ka.0.cmp(&kb.0))
        .then(ka.1.total_cmp(&kb.1))
        .then(a.violation_share.mean.total_cmp(&b.violation_share.mean))
        .then(a.point.cmp(&b.point))
}

/// Runs `points` (those not seen yet) and returns the best of them if it beats `incumbent`.
fn step(
    points: &[u64],
    seen: &mut BTreeMap<u64, PointStats>,
    run: &mut impl FnMut(Vec<u64>, &mut BTreeMap<u64, PointStats>),
    constraints: &Constraints,
    incumbent: &PointStats,
) -> Option<PointStats> {
    run(points.to_vec(), seen);
    (points.iter().filter_map(|point| seen.get(point)))
        .min_by(|a, b| better(constraints, a, b))
        .filter(|best| better(constraints, best, incumbent).is_lt())
        .copied()
}

/// Searches `sweep`'s grid with at most `budget` evaluated points, `evaluate` running a
/// batch of points (in parallel, in any order) and returning their stats in the same order.
/// Returns every evaluated point's stats, by point index. A grid no larger than the budget
/// is evaluated whole.
pub fn adaptive(
    sweep: &Sweep,
    constraints: &Constraints,
    budget: u64,
    seed: u64,
    mut evaluate: impl FnMut(&[u64]) -> Vec<PointStats>,
) -> Vec<PointStats> {
    let total = sweep.points();
    let budget = budget.max(1);
    let mut seen: BTreeMap<u64, PointStats> = BTreeMap::new();
    let mut run = |points: Vec<u64>, seen: &mut BTreeMap<u64, PointStats>| {
        let fresh: Vec<u64> = {
            let mut fresh = Vec::new();
            for point in points {
                if !seen.contains_key(&point) && !fresh.contains(&point) {
                    fresh.push(point);
                }
            }
            fresh.truncate(budget.saturating_sub(seen.len() as u64) as usize);
            fresh
        };
        if !fresh.is_empty() {
            for stats in evaluate(&fresh) {
                seen.insert(stats.point, stats);
            }
        }
    };
    if total <= budget {
        run((0..total).collect(), &mut seen);
        return seen.into_values().collect();
    }
    let sizes: Vec<usize> = (sweep.parameters.iter())
        .map(|parameter| parameter.values.len())
        .collect();
    // A Latin hypercube: m strata per parameter, each used once, a random value inside each.
    // A sixth of the budget: enough starts to reach several parts of the grid, most of the
    // budget left for climbing (reports/adaptive-search.md holds it against the full grid).
    let samples = (budget / 6).max(2 * sizes.len() as u64 + 2).min(budget) as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SEARCH_STREAM);
    let mut coordinates = vec![vec![0usize; sizes.len()]; samples];
    for (axis, size) in sizes.iter().enumerate() {
        let mut strata: Vec<usize> = (0..samples).collect();
        strata.shuffle(&mut rng);
        for (sample, stratum) in strata.into_iter().enumerate() {
            let within: f64 = rng.random();
            let at = ((stratum as f64 + within) * *size as f64 / samples as f64) as usize;
            coordinates[sample][axis] = at.min(size - 1);
        }
    }
    let sampled: Vec<u64> = coordinates
        .iter()
        .map(|indices| sweep.point_of(indices))
        .collect();
    run(sampled.clone(), &mut seen);
    // Compass search from the best point not yet searched from, again and again while the
    // budget lasts: each start climbs to a local optimum of the grid.
    let mut searched: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    while (seen.len() as u64) < budget {
        // Starts are sampled points, so that each climb begins in another part of the grid.
        let Some(start) = (sampled.iter().filter_map(|point| seen.get(point)))
            .filter(|stats| !searched.contains(&stats.point))
            .min_by(|a, b| better(constraints, a, b))
            .copied()
        else {
            break;
        };
        let mut incumbent = start;
        searched.insert(incumbent.point);
        // Compass search: one stride up and down each parameter, moving to the best better
        // neighbour, halving the strides when none is; at a stride of one value, moves over
        // two parameters at once too, which find settings that only pay off together.
        let mut strides: Vec<usize> = sizes.iter().map(|size| (size / 4).max(1)).collect();
        while (seen.len() as u64) < budget {
            let at = sweep.indices(incumbent.point);
            let finest = strides.iter().all(|stride| *stride == 1);
            let mut near = compass(&at, &strides, &sizes);
            if finest {
                near.extend(pairs(&at, &sizes));
            }
            let near: Vec<u64> = near.iter().map(|indices| sweep.point_of(indices)).collect();
            match step(&near, &mut seen, &mut run, constraints, &incumbent) {
                Some(best) => {
                    incumbent = best;
                    searched.insert(best.point);
                }
                None if finest => break,
                None => strides
                    .iter_mut()
                    .for_each(|stride| *stride = (*stride / 2).max(1)),
            }
        }
    }
    seen.into_values().collect()
}

/// The grid neighbours of `at` one stride up and down each parameter.
fn compass(at: &[usize], strides: &[usize], sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut found = Vec::new();
    for axis in 0..sizes.len() {
        for moved in [
            at[axis].saturating_sub(strides[axis]),
            (at[axis] + strides[axis]).min(sizes[axis] - 1),
        ] {
            if moved != at[axis] {
                let mut indices = at.to_vec();
                indices[axis] = moved;
                found.push(indices);
            }
        }
    }
    found
}

/// How far the pairwise window reaches along each of its two parameters.
const WINDOW: usize = 2;

/// The neighbours of `at` within [`WINDOW`] values along two parameters at once: steps such
/// as one value up one parameter and two down another, which follow a curved boundary
/// between feasible and infeasible settings that single-parameter moves cannot.
fn pairs(at: &[usize], sizes: &[usize]) -> Vec<Vec<usize>> {
    let shifts = |index: usize, size: usize| {
        (index.saturating_sub(WINDOW)..=(index + WINDOW).min(size - 1))
            .filter(move |moved| *moved != index)
    };
    let mut found = Vec::new();
    for first in 0..sizes.len() {
        for second in first + 1..sizes.len() {
            for a in shifts(at[first], sizes[first]) {
                for b in shifts(at[second], sizes[second]) {
                    let mut indices = at.to_vec();
                    indices[first] = a;
                    indices[second] = b;
                    found.push(indices);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::plan::Estimate;

    fn grid(sizes: &[usize]) -> Sweep {
        Sweep::of_sizes(sizes)
    }

    fn exact(value: f64) -> Estimate {
        Estimate {
            mean: value,
            low: value,
            high: value,
        }
    }

    /// Cost x + y; feasible (no violation) where x * y >= 300: the cheapest feasible costs
    /// 35 (15 x 20 ... 20 x 15), a curved boundary no axis-aligned walk follows exactly.
    fn evaluate(sweep: &Sweep, points: &[u64], calls: &mut Vec<u64>) -> Vec<PointStats> {
        calls.extend(points);
        (points.iter())
            .map(|point| {
                let at = sweep.indices(*point);
                let (x, y) = (at[0] as f64, at[1] as f64);
                PointStats {
                    point: *point,
                    cost: exact(x + y),
                    violation_share: exact(if x * y >= 300.0 { 0.0 } else { 0.5 }),
                    unserved: exact(0.0),
                    unserved_share: exact(0.0),
                    p99_latency: None,
                }
            })
            .collect()
    }

    fn constraints() -> Constraints {
        Constraints {
            max_violation_share: Some(0.0),
            ..Constraints::default()
        }
    }

    #[test]
    fn finds_the_cheapest_feasible_point_within_a_tenth_of_the_grid() {
        let sweep = grid(&[40, 40]);
        let mut calls = Vec::new();
        let found = adaptive(&sweep, &constraints(), 160, 42, |points| {
            evaluate(&sweep, points, &mut calls)
        });
        assert!(calls.len() <= 160, "{} runs", calls.len());
        assert_eq!(found.len(), calls.len(), "no point runs twice");
        let best = (found.iter())
            .filter(|stats| constraints().meets(stats))
            .map(|stats| stats.cost.mean)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(best, 35.0);
    }

    #[test]
    fn is_deterministic_for_a_seed_and_whole_when_the_grid_fits_the_budget() {
        let sweep = grid(&[30, 20, 3]);
        let run = |seed| {
            let mut calls = Vec::new();
            adaptive(&sweep, &constraints(), 180, seed, |points| {
                evaluate(&sweep, points, &mut calls)
            });
            calls
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let small = grid(&[5, 4]);
        let mut calls = Vec::new();
        let found = adaptive(&small, &constraints(), 20, 1, |points| {
            evaluate(&small, points, &mut calls)
        });
        assert_eq!(calls, (0..20).collect::<Vec<_>>());
        assert_eq!(found.len(), 20);
    }
}
