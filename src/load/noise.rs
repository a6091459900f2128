//! Seeded multiplicative noise, drawn in blocks.

use super::Noise;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Stream tag mixed into the scenario seed so load noise never shares a stream with other
/// random processes added later.
pub(super) const NOISE_STREAM: u64 = 0x6c6f_6164_6e6f_6973;

/// Noise factors drawn in blocks from the load's seeded stream, one per period in order.
pub(super) struct NoiseBlocks {
    noise: Noise,
    rng: ChaCha8Rng,
    block: Vec<f64>,
}

impl NoiseBlocks {
    /// Periods per block: large enough to amortize the loop, small enough to stay in cache.
    pub(super) const BLOCK: usize = 4096;

    pub(super) fn new(noise: Noise, seed: u64) -> NoiseBlocks {
        NoiseBlocks {
            noise,
            rng: ChaCha8Rng::seed_from_u64(seed ^ NOISE_STREAM),
            block: vec![0.0; Self::BLOCK],
        }
    }

    /// The next `len` factors: standard normal draws first (the generator's work), then the
    /// transform over the whole block. The same values as rand_distr's `LogNormal`  (mean
    /// `-sigma^2 / 2`, so the factor's mean is 1) and `Normal` (mean 1, clamped at 0).
    pub(super) fn next_block(&mut self, len: usize) -> &[f64] {
        let block = &mut self.block[..len];
        for value in block.iter_mut() {
            *value = StandardNormal.sample(&mut self.rng);
        }
        match self.noise {
            Noise::LogNormal { sigma } => {
                let mean = -sigma * sigma / 2.0;
                for value in block.iter_mut() {
                    *value = (mean + sigma * *value).exp();
                }
            }
            Noise::Normal { sigma } => {
                for value in block.iter_mut() {
                    *value = (1.0 + sigma * *value).max(0.0);
                }
            }
        }
        block
    }
}
