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
    normals: Normals,
    block: Vec<f64>,
}

impl NoiseBlocks {
    pub(super) fn new(noise: Noise, seed: u64) -> NoiseBlocks {
        NoiseBlocks {
            noise,
            normals: Normals::new(ChaCha8Rng::seed_from_u64(seed ^ NOISE_STREAM)),
            block: Vec::new(),
        }
    }

    /// The next `len` factors: standard normal draws first (the generator's work), then the
    /// transform over the whole block. The same values as rand_distr's `LogNormal` (mean
    /// `-sigma^2 / 2`, so the factor's mean is 1; to within an ulp or two of the exponential:
    /// see [`exp_in_place`]) and `Normal` (mean 1, clamped at 0).
    pub(super) fn next_block(&mut self, len: usize) -> &[f64] {
        self.block.resize(len, 0.0);
        let block = &mut self.block[..];
        self.normals.fill(block);
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

/// Standard normal draws, the same values as `StandardNormal.sample(&mut rng)` called one
/// after another, with the generator's words taken in bulk: a draw through `sample` checked the
/// generator's buffer for each word and could not keep the ziggurat's fast path in registers
/// (most of a noisy load's time).
///
/// rand_distr's ziggurat (`utils::ziggurat`, rand_distr 0.6) takes one `u64`: its low 8 bits
/// pick a layer `i`, its top 52 a `u` in `[-1, 1)`, and `x = u * X[i]` is the draw when
/// `|x| < X[i + 1]` (about 99% of draws). That test is made here, on the words as the
/// generator gives them (`fill_bytes` gives the same words, in the same order, as
/// `next_u64`); when it fails, the draw is `StandardNormal.sample` itself, reading the same
/// word again and the next ones from this buffer, so the stream stays word for word the
/// generator's.
struct Normals {
    rng: ChaCha8Rng,
    /// Words of the generator, little-endian, `WORDS` at a time.
    bytes: Box<[u8; Normals::WORDS * 8]>,
    /// The next word not yet used.
    next: usize,
}

impl Normals {
    const WORDS: usize = 512;

    fn new(rng: ChaCha8Rng) -> Normals {
        Normals {
            rng,
            bytes: Box::new([0; Normals::WORDS * 8]),
            next: Normals::WORDS,
        }
    }

    /// The word at `self.next`, refilling first if every word is used.
    #[inline]
    fn word(&mut self) -> u64 {
        if self.next == Normals::WORDS {
            rand::Rng::fill_bytes(&mut self.rng, &mut self.bytes[..]);
            self.next = 0;
        }
        let at = 8 * self.next;
        u64::from_le_bytes(self.bytes[at..at + 8].try_into().expect("eight bytes"))
    }

    fn fill(&mut self, out: &mut [f64]) {
        use super::ziggurat::ZIG_NORM_X;
        for value in out {
            let bits = self.word();
            let layer = (bits & 0xff) as usize;
            // `(bits >> 12).into_float_with_exponent(1) - 3.0`: a float in [2, 4), less 3.
            let u = f64::from_bits((bits >> 12) | (1024 << 52)) - 3.0;
            let x = u * ZIG_NORM_X[layer];
            *value = if x.abs() < ZIG_NORM_X[layer + 1] {
                self.next += 1;
                x
            } else {
                StandardNormal.sample(self)
            };
        }
    }
}

/// The generator's words in order, for `StandardNormal.sample` (which asks only for `u64`s).
impl rand::TryRng for Normals {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        // Not asked for by the normal draw; a whole word keeps the stream in words.
        Ok(self.try_next_u64()? as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let word = self.word();
        self.next += 1;
        Ok(word)
    }

    fn try_fill_bytes(&mut self, destination: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in destination.chunks_mut(8) {
            let word = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
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
    fn normals_are_rand_distrs_draws_bit_for_bit() {
        // 300,000 draws per seed (about 3,000 through the ziggurat's slow path), taken in
        // fills of uneven lengths so that refills fall everywhere in a fill and in a draw's
        // slow path.
        for seed in [0, 9, u64::MAX] {
            let mut reference = ChaCha8Rng::seed_from_u64(seed);
            let mut normals = Normals::new(ChaCha8Rng::seed_from_u64(seed));
            let (mut drawn, mut slow, mut length) = (0, 0, 1);
            let mut block = Vec::new();
            while drawn < 300_000 {
                block.resize(length, 0.0);
                normals.fill(&mut block);
                for value in &block {
                    let expected: f64 = StandardNormal.sample(&mut reference);
                    assert_eq!(
                        value.to_bits(),
                        expected.to_bits(),
                        "seed {seed} draw {drawn}"
                    );
                    drawn += 1;
                }
                length = length * 7 % 5003 + 1;
            }
            // The stream's words fail the fast test often enough that the slow path ran
            // thousands of times above.
            let mut check = ChaCha8Rng::seed_from_u64(seed);
            for _ in 0..300_000 {
                let bits = rand::Rng::next_u64(&mut check);
                let layer = (bits & 0xff) as usize;
                let u = f64::from_bits((bits >> 12) | (1024 << 52)) - 3.0;
                if (u * super::super::ziggurat::ZIG_NORM_X[layer]).abs()
                    >= super::super::ziggurat::ZIG_NORM_X[layer + 1]
                {
                    slow += 1;
                }
            }
            assert!(slow > 1_500, "{slow} first words fail the fast test");
        }
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
