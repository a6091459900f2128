//! The p95 of utilization in bounded memory, exactly as reported.
//!
//! The summary reports a percentile rounded to 1e-6 (`percentile`). Rounding to 1e-6 is
//! monotone, so the rounded k-th smallest sample is the k-th smallest rounded sample: a count
//! per multiple of 1e-6 in [0, 1] gives the reported value exactly. Short runs keep their
//! samples (cheaper than clearing the counts); past [`Samples::KEPT`] samples they move into
//! the counts, so a run's memory stops growing at 4 MB per group whatever its length.

/// Utilization samples (served over available capacity, 0 to 1) of a run.
#[derive(Debug, Clone, Default)]
pub(super) struct Samples {
    /// As f32 bits, while there are few: non-negative floats order like their bits.
    kept: Vec<u32>,
    /// Past `KEPT`: samples per multiple of 1e-6, `RESOLUTION + 1` counts.
    counts: Vec<u32>,
    /// Samples outside [0, 1] once counting (none by construction), kept as bits.
    outside: Vec<u32>,
}

/// Multiples of 1e-6 in [0, 1], less one.
const RESOLUTION: usize = 1_000_000;

impl Samples {
    /// Samples kept before they are counted.
    const KEPT: usize = 1 << 20;

    /// Room for `periods` samples, up to the ones kept.
    pub(super) fn with_capacity(periods: usize) -> Samples {
        Samples {
            kept: Vec::with_capacity(periods.min(Self::KEPT)),
            ..Samples::default()
        }
    }

    /// One period's utilization.
    #[inline(always)]
    pub(super) fn push(&mut self, value: f64) {
        let bits = (value as f32).to_bits();
        if self.kept.len() < Self::KEPT && self.counts.is_empty() {
            self.kept.push(bits);
        } else {
            self.push_counted(bits);
        }
    }

    /// Periods' utilizations as f32 bits (`push`'s conversion done by the caller), in order.
    pub(super) fn extend_bits(&mut self, bits: &[u32]) {
        if self.counts.is_empty() && self.kept.len() + bits.len() <= Self::KEPT {
            self.kept.extend_from_slice(bits);
        } else {
            for bits in bits {
                self.push(f32::from_bits(*bits) as f64);
            }
        }
    }

    /// One sample as f32 bits.
    fn push_bits(&mut self, bits: u32) {
        self.extend_bits(&[bits]);
    }

    /// The nearest-rank `q` quantile, rounded to 1e-6, of these samples and `hidden` more
    /// that `reveal(threshold, emit)` hands to `emit`: at least every hidden sample at or above
    /// `threshold` (f32 bits; the rest are below it and only counted). The threshold is the
    /// kept samples' own value at the rank counted from the top, a lower bound of the answer,
    /// so only hidden samples that can reach the rank are asked for (`engine/skip.rs`).
    pub(super) fn percentile_with(
        &mut self,
        q: f64,
        hidden: usize,
        reveal: impl FnOnce(u32, &mut dyn FnMut(u32)),
    ) -> Option<f64> {
        if hidden == 0 {
            return self.percentile(q);
        }
        let kept = self.kept.len();
        let total = kept + hidden;
        if !self.counts.is_empty() || total > Self::KEPT {
            // Counted: every sample goes in, and memory stays bounded.
            reveal(0, &mut |bits| self.push_bits(bits));
            return self.percentile(q);
        }
        // The answer is the `above`-th largest of all; the `above` largest kept ones and the
        // hidden ones at or above the smallest of them hold it.
        let above = total - nearest_rank(q, total);
        let (mut candidates, threshold) = if kept >= above {
            let cut = kept - above;
            let threshold = *self.kept.select_nth_unstable(cut).1;
            (self.kept[cut..].to_vec(), threshold)
        } else {
            (std::mem::take(&mut self.kept), 0)
        };
        reveal(threshold, &mut |bits| {
            if bits >= threshold {
                candidates.push(bits)
            }
        });
        let rank = candidates.len() - above;
        Some(rounded_micros(nth_smallest(&mut candidates, rank)) / 1e6)
    }

    /// Past the samples kept: counted (the kept ones first, once).
    #[cold]
    #[inline(never)]
    fn push_counted(&mut self, bits: u32) {
        if self.counts.is_empty() {
            self.counts = vec![0; RESOLUTION + 1];
            for kept in std::mem::take(&mut self.kept) {
                self.count(kept);
            }
        }
        self.count(bits);
    }

    fn count(&mut self, bits: u32) {
        let micros = rounded_micros(bits);
        match usize::try_from(micros as i64) {
            Ok(index) if (0.0..=RESOLUTION as f64).contains(&micros) => self.counts[index] += 1,
            _ => self.outside.push(bits),
        }
    }

    /// The nearest-rank `q` quantile rounded to 1e-6, `None` without samples.
    pub(super) fn percentile(&mut self, q: f64) -> Option<f64> {
        if self.counts.is_empty() {
            return percentile(&mut self.kept, q);
        }
        let below: u64 = self
            .outside
            .iter()
            .filter(|bits| f32::from_bits(**bits) < 0.0)
            .count() as u64;
        let total =
            self.counts.iter().map(|count| *count as u64).sum::<u64>() + self.outside.len() as u64;
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total) - 1;
        if rank >= below {
            let mut seen = below;
            for (micros, count) in self.counts.iter().enumerate() {
                seen += *count as u64;
                if seen > rank {
                    return Some(micros as f64 / 1e6);
                }
            }
        }
        // Among the samples outside [0, 1], in their own order.
        let mut outside = self.outside.clone();
        outside.sort_by(|a, b| f32::from_bits(*a).total_cmp(&f32::from_bits(*b)));
        let counted = total - self.outside.len() as u64;
        let index = if rank < below { rank } else { rank - counted } as usize;
        Some(rounded_micros(outside[index]) / 1e6)
    }
}

/// A sample (f32 bits) rounded to a whole number of millionths.
fn rounded_micros(bits: u32) -> f64 {
    (f32::from_bits(bits) as f64 * 1e6).round()
}

/// The nearest-rank `q` quantile of samples (f32 bits of non-negative values), rounded to
/// 1e-6; `None` without samples.
pub(super) fn percentile(samples: &mut [u32], q: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let rank = nearest_rank(q, samples.len());
    Some(rounded_micros(nth_smallest(samples, rank)) / 1e6)
}

/// The 0-based rank of the nearest-rank `q` quantile of `len` samples (`len` > 0).
fn nearest_rank(q: f64, len: usize) -> usize {
    ((q * len as f64).ceil() as usize).clamp(1, len) - 1
}

/// The `rank`-th smallest of `samples` (0-based). Long runs take one counting pass over the
/// top 16 bits and select among the one bucket holding the rank, instead of a selection over
/// all of them, which is most of a summary-only run's p95.
fn nth_smallest(samples: &mut [u32], rank: usize) -> u32 {
    if samples.len() < 1 << 16 {
        return *samples.select_nth_unstable(rank).1;
    }
    let mut counts = vec![0u32; 1 << 16];
    for bits in samples.iter() {
        counts[(bits >> 16) as usize] += 1;
    }
    let mut below = 0;
    let mut bucket = 0;
    for (index, count) in counts.iter().enumerate() {
        if below + *count as usize > rank {
            bucket = index as u32;
            break;
        }
        below += *count as usize;
    }
    let mut inside: Vec<u32> = samples
        .iter()
        .copied()
        .filter(|bits| bits >> 16 == bucket)
        .collect();
    *inside.select_nth_unstable(rank - below).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn counted_samples_give_the_kept_samples_percentile() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for len in [Samples::KEPT - 1, Samples::KEPT, Samples::KEPT + 12_345] {
            let values: Vec<f64> = (0..len)
                .map(|index| match index % 5 {
                    0 => 1.0,
                    1 => rng.random_range(0.0..1e-6),
                    _ => rng.random_range(0.0..1.0),
                })
                .collect();
            let mut samples = Samples::default();
            for value in &values {
                samples.push(*value);
            }
            assert_eq!(samples.counts.is_empty(), len <= Samples::KEPT);
            let mut bits: Vec<u32> = values
                .iter()
                .map(|value| (*value as f32).to_bits())
                .collect();
            for q in [0.0, 0.5, 0.95, 0.99, 1.0] {
                assert_eq!(samples.percentile(q), percentile(&mut bits, q), "{len} {q}");
            }
        }
    }

    #[test]
    fn the_bucketed_selection_is_the_sorted_order() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for (len, spread) in [
            (1 << 16, 1.0),
            (300_001, 1.0),
            (200_000, 1e-3),
            (70_000, 0.0),
        ] {
            let values: Vec<u32> = (0..len)
                .map(|index| match index % 7 {
                    0 => 0.5f32.to_bits(),
                    1 => 0,
                    2 => 1.25f32.to_bits(),
                    _ => (0.7 + rng.random_range(0.0..=spread) as f32 * 0.3).to_bits(),
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            for rank in [0, 1, len / 7, len / 2, len * 95 / 100, len - 2, len - 1] {
                let mut samples = values.clone();
                assert_eq!(
                    nth_smallest(&mut samples, rank),
                    sorted[rank],
                    "{len} {rank}"
                );
            }
        }
    }

    #[test]
    fn hidden_samples_give_the_percentile_of_all() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for (kept, hidden) in [
            (0, 10),
            (3, 1000),
            (1000, 3),
            (5000, 5000),
            (1 << 19, 1 << 19),
            (1 << 20, 7),
        ] {
            let draw = |rng: &mut rand_chacha::ChaCha8Rng| match rng.random_range(0..4) {
                0 => 0.75f32.to_bits(),
                _ => (rng.random_range(0.0..1.0f64) as f32).to_bits(),
            };
            let visible: Vec<u32> = (0..kept).map(|_| draw(&mut rng)).collect();
            let unseen: Vec<u32> = (0..hidden).map(|_| draw(&mut rng)).collect();
            for q in [0.0, 0.5, 0.95, 1.0] {
                let mut samples = Samples::default();
                samples.extend_bits(&visible);
                let got = samples.percentile_with(q, hidden, |threshold, emit| {
                    for bits in &unseen {
                        // Below the threshold only some: the rest must not be needed.
                        if *bits >= threshold || bits % 2 == 0 {
                            emit(*bits);
                        }
                    }
                });
                let mut all = [visible.clone(), unseen.clone()].concat();
                assert_eq!(got, percentile(&mut all, q), "{kept} {hidden} {q}");
            }
        }
    }

    #[test]
    fn samples_outside_the_unit_interval_keep_their_rank() {
        let mut samples = Samples::default();
        for index in 0..Samples::KEPT + 100 {
            samples.push(if index < 10 { 1.5 } else { 0.25 });
        }
        assert_eq!(samples.outside.len(), 10);
        assert_eq!(samples.percentile(1.0), Some(1.5));
        assert_eq!(samples.percentile(0.95), Some(0.25));
    }

    #[test]
    pub(super) fn percentile_is_the_nearest_rank_value() {
        let bits = |values: &[f32]| {
            values
                .iter()
                .map(|value| value.to_bits())
                .collect::<Vec<u32>>()
        };
        let hundred: Vec<f32> = (1..=100).map(|value| value as f32 / 100.0).collect();
        assert_eq!(percentile(&mut bits(&hundred), 0.95), Some(0.95));
        assert_eq!(percentile(&mut bits(&hundred), 1.0), Some(1.0));
        assert_eq!(percentile(&mut bits(&hundred), 0.0), Some(0.01));
        assert_eq!(percentile(&mut bits(&[0.5, 0.0, 0.25]), 0.5), Some(0.25));
        assert_eq!(percentile(&mut [], 0.95), None);
        // Many equal values among a few close ones.
        let mut many = vec![0.3f32; 1000];
        many.extend((0..50).map(|index| 0.3 + index as f32 * 1e-6));
        let expected = {
            let mut sorted = many.clone();
            sorted.sort_by(f32::total_cmp);
            sorted[(0.95f64 * 1050.0).ceil() as usize - 1] as f64
        };
        assert_eq!(
            percentile(&mut bits(&many), 0.95),
            Some((expected * 1e6).round() / 1e6)
        );
    }
}
