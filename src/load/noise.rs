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
    pub(super) fn new(noise: Noise, seed: u64) -> NoiseBlocks {
        NoiseBlocks {
            noise,
            rng: ChaCha8Rng::seed_from_u64(seed ^ NOISE_STREAM),
            block: Vec::new(),
        }
    }

    /// The next `len` factors: standard normal draws first (the generator's work), then the
    /// transform over the whole block. The same values as rand_distr's `LogNormal` (to within an ulp or two of the exponential: see
    /// [`exp_in_place`]) (mean
    /// `-sigma^2 / 2`, so the factor's mean is 1) and `Normal` (mean 1, clamped at 0).
    pub(super) fn next_block(&mut self, len: usize) -> &[f64] {
        self.block.resize(len, 0.0);
        let block = &mut self.block[..];
        for value in block.iter_mut() {
            *value = StandardNormal.sample(&mut self.rng);
        }
        match self.noise {
            Noise::LogNormal { sigma } => {
                let mean = -sigma * sigma / 2.0;
                for value in block.iter_mut() {
                    *value = mean + sigma * *value;
                }
                exp_in_place(block);
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

/// `exp` of every value in place, written so the loop vectorizes: libm's `exp` per period was
/// a third of building a noisy load. Cody-Waite reduction `x = k ln 2 + r` with `|r| <= ln 2 / 2`,
/// then the Taylor series of `e^r` to degree 13 (truncation below 1e-17 relative), scaled by
/// `2^k` through the exponent bits. Within 2 ulp of the correctly rounded value (tested against
/// std's `exp`); the same bits on every x86-64 and aarch64 machine, because it uses only
/// IEEE multiplications and additions (no fused multiply-add). Inputs are clamped to
/// `[-708, 709]`, where `e^x` stays a normal number: noise factors are nowhere near.
pub(super) fn exp_in_place(values: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: this CPU has AVX2, checked just above.
        return unsafe { exp_avx2(values) };
    }
    exp_portable(values)
}

/// [`exp_portable`] on four lanes instead of two. AVX2 without FMA: the same operations in the
/// same order, so the same bits as the portable loop (tested).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn exp_avx2(values: &mut [f64]) {
    exp_portable(values)
}

#[inline(always)]
fn exp_portable(values: &mut [f64]) {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that `k * LN2_HIGH` is exact for |k| < 2^11.
    const LN2_HIGH: f64 = 0.693_147_180_369_123_8;
    const LN2_LOW: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 x 2^52: adding it rounds to an integer held in the low mantissa bits.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    const TAYLOR: [f64; 14] = {
        let mut terms = [1.0; 14];
        let mut n = 1;
        while n < 14 {
            terms[n] = terms[n - 1] / n as f64;
            n += 1;
        }
        terms
    };
    for value in values.iter_mut() {
        let x = value.clamp(-708.0, 709.0);
        let shifted = x * LOG2_E + ROUND;
        let k = shifted - ROUND;
        let r = (x - k * LN2_HIGH) - k * LN2_LOW;
        let mut series = TAYLOR[13];
        for term in TAYLOR[..13].iter().rev() {
            series = series * r + term;
        }
        // The low bits of `shifted` are k in two's complement.
        let exponent = (shifted.to_bits().wrapping_sub(ROUND.to_bits()) as i64 + 1023) as u64;
        *value = series * f64::from_bits(exponent << 52);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two positive finite floats.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_is_within_two_ulp_of_std() {
        let mut inputs: Vec<f64> = (-70_800..=70_900).map(|step| step as f64 / 100.0).collect();
        inputs.extend((0..100_000).map(|step| -1.0 + step as f64 * 2e-5));
        inputs.extend([
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            1e-300,
            std::f64::consts::LN_2,
            -0.5 * std::f64::consts::LN_2,
        ]);
        let mut values = inputs.clone();
        exp_in_place(&mut values);
        let worst = inputs
            .iter()
            .zip(&values)
            .map(|(x, value)| ulps(*value, x.exp()))
            .max()
            .unwrap();
        assert!(worst <= 2, "{worst} ulp");
        assert_eq!(values[inputs.len() - 6], 1.0);
        let mut portable = inputs.clone();
        exp_portable(&mut portable);
        assert!(
            values
                .iter()
                .zip(&portable)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }

    #[test]
    fn exp_clamps_what_would_leave_the_normal_range() {
        let mut values = [-1e9, -745.0, 710.0, 1e300];
        exp_in_place(&mut values);
        let mut bounds = [-708.0, 709.0];
        exp_in_place(&mut bounds);
        assert_eq!(values, [bounds[0], bounds[0], bounds[1], bounds[1]]);
        assert!(bounds[0] > 0.0 && bounds[1].is_finite());
    }
}
