//! Skip-ahead: a summary-only quiet stretch jumps over blocks of periods in which nothing the
//! summary counts can happen, decided from the block's load extremes (taken when a stretch
//! reaches the block: computing them for the whole load up front was a fifth of a
//! summary-only year, `perf`).
//!
//! With the fleet constant (a quiet stretch) every datapoint is a monotone function of the
//! period's load: CPU `100 x (min(load, capacity) x dt) / (capacity x dt)`, requests per
//! instance `(load / in service x dt) / dt`, the request rate itself. So each alarm breaches
//! exactly on a load interval (or outside one), whose ends [`least_load`] finds by testing the
//! loads themselves, once per fleet. A block of up to [`BLOCK`] periods is jumped when its
//! largest load stays within the SLA's utilization limit and the capacity (no violation, no
//! unserved request, the served load is the load) and no alarm can fire in it: silent from
//! the block's extremes, else from its breaches as bits (a run of the alarm's consecutive
//! periods, with the streak carried in, fires), which also give the streak carried out.
//!
//! What a jump still owes the summary is the utilization samples for the p95: the block is
//! kept as (first period, length, capacity), and the p95 at the end
//! ([`super::quantile::Samples::percentile_with`]) asks only for the jumped samples at or
//! above the rank's lower bound among the stepped ones; a block whose largest sample is below
//! it is counted, never computed. The offered requests do not depend on the fleet and are
//! summed from the load at the end, for every run; peaks and integer integrals are per
//! stretch already. The outcome is the general loop's to the bit (`tests/it/quiet.rs`: every
//! comparison, metric and threshold; every bundled scenario; random scenarios). Periods are
//! below `MAX_TICKS` (50 M), so a block's first period fits a u32.

/// Most periods in a block (its breaches are the bits of a u64).
pub(super) const BLOCK: usize = 32;

/// Fewest periods a jump takes (shorter rests of a stretch are stepped), and the periods
/// stepped after a block that could not be jumped before the next try.
pub(super) const SHORTEST: usize = 8;

/// The largest and smallest of a block's loads, in one pass that vectorizes (four lanes of
/// compares, no `f64::max`, whose NaN rule keeps it scalar; loads are never NaN).
#[inline(always)]
pub(super) fn extremes(loads: &[f64]) -> (f64, f64) {
    let (mut high, mut low) = ([f64::NEG_INFINITY; 4], [f64::INFINITY; 4]);
    let lanes = loads.chunks_exact(4);
    let rest = lanes.remainder();
    for lanes in lanes {
        for lane in 0..4 {
            let value = lanes[lane];
            high[lane] = if value > high[lane] {
                value
            } else {
                high[lane]
            };
            low[lane] = if value < low[lane] { value } else { low[lane] };
        }
    }
    for (lane, value) in rest.iter().enumerate() {
        high[lane] = if *value > high[lane] {
            *value
        } else {
            high[lane]
        };
        low[lane] = if *value < low[lane] {
            *value
        } else {
            low[lane]
        };
    }
    let pick = |a: f64, b: f64, larger: bool| if (a > b) == larger { a } else { b };
    (
        pick(
            pick(high[0], high[1], true),
            pick(high[2], high[3], true),
            true,
        ),
        pick(
            pick(low[0], low[1], false),
            pick(low[2], low[3], false),
            false,
        ),
    )
}

/// The least load (a non-negative f64) at which `turns`, false below some load and true from
/// it on (a datapoint's test, the datapoint monotone in the load), is true; +inf if never.
/// Exact: it tests the loads themselves, first a few ulps around `guess` (the roundings of a
/// datapoint move its boundary a few ulps from the exact quotient), else by bisection over the
/// bit patterns of [0, +inf], which order like the values.
pub(super) fn least_load(guess: f64, turns: impl Fn(f64) -> bool) -> f64 {
    const NEAR: usize = 16;
    let mut load = if guess.is_finite() && guess > 0.0 {
        guess
    } else {
        0.0
    };
    if turns(load) {
        for _ in 0..NEAR {
            let lower = load.next_down();
            if lower < 0.0 || !turns(lower) {
                return load;
            }
            load = lower;
        }
    } else {
        for _ in 0..NEAR {
            load = load.next_up();
            if turns(load) {
                return load;
            }
        }
    }
    if turns(0.0) {
        return 0.0;
    }
    if !turns(f64::INFINITY) {
        return f64::INFINITY;
    }
    let (mut low, mut high) = (0u64, f64::INFINITY.to_bits());
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if turns(f64::from_bits(middle)) {
            high = middle;
        } else {
            low = middle;
        }
    }
    f64::from_bits(high)
}

/// One jumped block: its first period and length, the capacity that served it, its largest
/// sample's bits.
#[derive(Debug, Clone, Copy)]
struct Jumped {
    start: u32,
    len: u32,
    capacity: f64,
    max_bits: u32,
}

/// The blocks a run jumped over, for the p95.
#[derive(Debug, Clone, Default)]
pub(super) struct Skipped {
    blocks: Vec<Jumped>,
    periods: usize,
}

impl Skipped {
    /// Records a jump over the `len` periods from `start`, served by `capacity`, whose
    /// largest utilization sample has f32 bits `max_bits`.
    #[inline(always)]
    pub(super) fn push(&mut self, start: usize, len: u32, capacity: f64, max_bits: u32) {
        self.blocks.push(Jumped {
            start: start as u32,
            len,
            capacity,
            max_bits,
        });
        self.periods += len as usize;
    }

    /// Periods jumped over.
    pub(super) fn periods(&self) -> usize {
        self.periods
    }

    /// Hands `emit` the f32 bits of every jumped utilization sample at or above `threshold`
    /// (bits), computed as the quiet loop computes it, of the load `series x share` on
    /// periods of `dt` seconds.
    pub(super) fn reveal(
        &self,
        series: &[f64],
        share: f64,
        dt: f64,
        threshold: u32,
        emit: &mut dyn FnMut(u32),
    ) {
        // The least load whose sample reaches the threshold, for the last capacity seen (jumped
        // blocks come in runs of one fleet): only loads from it on are divided.
        let mut least = (f64::NAN, 0.0);
        for jumped in self
            .blocks
            .iter()
            .filter(|jumped| jumped.max_bits >= threshold)
        {
            let capacity = jumped.capacity;
            let capacity_total = capacity * dt;
            let sample = |load: f64| {
                (super::period::utilization(load, capacity, dt, capacity_total) as f32).to_bits()
            };
            if least.0.to_bits() != capacity.to_bits() {
                let guess = f32::from_bits(threshold) as f64 * capacity;
                least = (
                    capacity,
                    least_load(guess, |load| sample(load) >= threshold),
                );
            }
            let start = jumped.start as usize;
            for value in &series[start..start + jumped.len as usize] {
                let load = value * share;
                if load >= least.1 {
                    emit(sample(load));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RunOptions, Simulation};
    use std::path::Path;

    /// Periods a summary-only run of `path` jumps over, and its length.
    fn jumped(path: &str) -> (usize, usize) {
        let loaded = crate::scenario::load(Path::new(path)).expect("scenario");
        let mut rows = Vec::new();
        let mut simulation = Simulation::new(
            &loaded.scenario,
            &loaded.load,
            RunOptions::SUMMARY,
            &mut rows,
        );
        simulation.replay();
        let jumped = simulation.groups[0].history.skipped.periods();
        (jumped, loaded.scenario.ticks())
    }

    #[test]
    fn the_least_load_is_the_boundary_of_the_datapoint_test() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for _ in 0..20_000 {
            let capacity = rng.random_range(1.0..5000.0f64);
            let dt = [1.0, 60.0, 300.0][rng.random_range(0..3)];
            let threshold = rng.random_range(0.0..110.0f64);
            let cpu = |load: f64| {
                100.0 * super::super::period::utilization(load, capacity, dt, capacity * dt)
            };
            let turns = |load: f64| cpu(load) > threshold;
            // A guess far off, or none, finds the same boundary.
            for guess in [threshold * capacity / 100.0, 0.0, capacity * 7.0] {
                let least = super::least_load(guess, turns);
                if threshold >= 100.0 {
                    assert_eq!(least, f64::INFINITY);
                } else {
                    assert!(turns(least) && (least == 0.0 || !turns(least.next_down())));
                }
            }
        }
        assert_eq!(super::least_load(5.0, |_| true), 0.0);
        assert_eq!(super::least_load(5.0, |load| load >= 1e300), 1e300);
    }

    #[test]
    fn summary_only_runs_jump_most_of_the_bench_year_and_week() {
        // Most of the bench year's and week's periods are quiet: most must be jumped.
        let (jumped_year, year) = jumped("benches/year-minutes.toml");
        assert!(jumped_year * 100 > year * 60, "{jumped_year} of {year}");
        let (jumped_week, week) = jumped("benches/sweep-week.toml");
        assert!(jumped_week * 100 > week * 60, "{jumped_week} of {week}");
        // An attack lifts the load past every threshold for hours: those blocks are stepped.
        let (jumped_attack, attack) = jumped("scenarios/cc-attack.toml");
        assert!(jumped_attack < attack && jumped_attack > 0);
    }
}
