//! Skip-ahead: a summary-only quiet stretch jumps over whole blocks of [`BLOCK`] periods in
//! which nothing the summary counts can happen, decided from the block's load extremes.
//!
//! With the fleet constant (a quiet stretch) every datapoint is a monotone function of the
//! period's load: CPU `100 x (min(load, capacity) x dt) / (capacity x dt)`, requests per
//! instance `(load / in service x dt) / dt`, the request rate itself. So the block's largest
//! and smallest loads bound every datapoint of the block, and a block is jumped when, for
//! them: the load stays within the SLA's utilization limit and the capacity (no violation, no
//! unserved request, the served load is the load) and no alarm breaches (its streak ends at
//! 0, no trigger). What a jump still owes the summary, exactly:
//!
//! - the offered requests, added period by period in the general loop's order (one add a
//!   period: the only per-period work left, so the sum is the same to the bit);
//! - the utilization samples for the p95: the block is kept as (block, capacity), and the
//!   p95 at the end ([`super::quantile::Samples::percentile_with`]) asks only for the jumped
//!   samples at or above the rank's lower bound among the stepped ones; a block whose largest
//!   sample is below it is counted, never computed.
//!
//! Everything else a quiet period does (peaks, integer integrals) is per stretch already.

/// Periods in a block: jumps start at multiples of it.
pub(super) const BLOCK: usize = 32;

/// The largest and smallest load of each whole block of [`BLOCK`] periods of a run, computed
/// once per run (one pass over the load, which vectorizes).
#[derive(Debug, Clone)]
pub(super) struct Extremes {
    max: Vec<f64>,
    min: Vec<f64>,
}

impl Extremes {
    /// The extremes of the whole blocks of `values`.
    pub(super) fn of(values: &[f64]) -> Extremes {
        let blocks = values.chunks_exact(BLOCK);
        let (mut max, mut min) = (
            Vec::with_capacity(blocks.len()),
            Vec::with_capacity(blocks.len()),
        );
        for block in blocks {
            max.push(block.iter().copied().fold(f64::NEG_INFINITY, f64::max));
            min.push(block.iter().copied().fold(f64::INFINITY, f64::min));
        }
        Extremes { max, min }
    }

    /// The largest and smallest load of `block`.
    #[inline(always)]
    pub(super) fn at(&self, block: usize) -> (f64, f64) {
        (self.max[block], self.min[block])
    }
}

/// One jumped block: its index, the capacity that served it, its largest sample's bits.
#[derive(Debug, Clone, Copy)]
struct Jumped {
    block: u32,
    capacity: f64,
    max_bits: u32,
}

/// The blocks a run jumped over, for the p95.
#[derive(Debug, Clone, Default)]
pub(super) struct Skipped {
    blocks: Vec<Jumped>,
}

impl Skipped {
    /// Records a jump over `block`, served by `capacity`, whose largest utilization sample
    /// has f32 bits `max_bits`.
    #[inline(always)]
    pub(super) fn push(&mut self, block: usize, capacity: f64, max_bits: u32) {
        self.blocks.push(Jumped {
            block: block as u32,
            capacity,
            max_bits,
        });
    }

    /// Periods jumped over.
    pub(super) fn periods(&self) -> usize {
        self.blocks.len() * BLOCK
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
        for jumped in self
            .blocks
            .iter()
            .filter(|jumped| jumped.max_bits >= threshold)
        {
            let capacity = jumped.capacity;
            let capacity_total = capacity * dt;
            let start = jumped.block as usize * BLOCK;
            for value in &series[start..start + BLOCK] {
                let bits =
                    (utilization(value * share, capacity, dt, capacity_total) as f32).to_bits();
                if bits >= threshold {
                    emit(bits);
                }
            }
        }
    }
}

/// A quiet period's utilization: served over available capacity, as the general loop
/// divides its integrals (`capacity_total` is `capacity x dt`), so the bits are its bits.
#[inline(always)]
pub(super) fn utilization(load: f64, capacity: f64, dt: f64, capacity_total: f64) -> f64 {
    (load.min(capacity) * dt) / capacity_total
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
    fn summary_only_runs_jump_most_of_the_bench_year_and_week() {
        // The bench year: 98% of its periods are quiet, 69% in blocks jumped.
        let (jumped_year, year) = jumped("benches/year-minutes.toml");
        assert!(jumped_year * 100 > year * 60, "{jumped_year} of {year}");
        let (jumped_week, week) = jumped("benches/sweep-week.toml");
        assert!(jumped_week * 100 > week * 60, "{jumped_week} of {week}");
        // An attack lifts the load past every threshold for hours: those blocks are stepped.
        let (jumped_attack, attack) = jumped("scenarios/cc-attack.toml");
        assert!(jumped_attack < attack && jumped_attack > 0);
    }
}
