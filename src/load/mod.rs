//! Load: the request rate offered to the scenario, one value per metric period.
//!
//! A [`LoadSpec`] composes a base (a constant rate or a recorded [`Trace`]) with synthetic
//! shapes: a diurnal curve, daily windows (the lunch peak), growth (a viral launch), bursts
//! (a CC attack) and seeded noise. [`LoadSpec::generate`] turns it into a [`LoadSeries`]:
//! no I/O, and the same seed always gives the same series. Reading trace files lives in
//! [`trace`].

mod noise;
pub mod stats;
pub mod trace;
mod ziggurat;

pub use trace::Trace;

use crate::time::{Seconds, SimTime};
use noise::NoiseBlocks;

/// The request rate per metric period: `values[k]` is the mean rate (requests per second)
/// over `[k * period, (k + 1) * period)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSeries {
    /// Length of one value's period in seconds.
    pub period: Seconds,
    /// Mean request rate per period, requests per second, never negative.
    pub values: Vec<f64>,
}

impl LoadSeries {
    /// Total requests offered over the series.
    pub fn total_requests(&self) -> f64 {
        self.values.iter().sum::<f64>() * self.period as f64
    }
}

/// How the scenario's load is built.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSpec {
    /// The starting curve.
    pub base: Base,
    /// Multiplies everything (e.g. to replay a trace at 3x).
    pub scale: f64,
    /// A smooth daily cycle.
    pub diurnal: Option<Diurnal>,
    /// Daily time-of-day windows.
    pub daily: Vec<DailyWindow>,
    /// Growth from 1x to `factor` over a span.
    pub growth: Option<Growth>,
    /// Additive bursts.
    pub bursts: Vec<Burst>,
    /// Multiplicative seeded noise per period.
    pub noise: Option<Noise>,
    /// Seconds after local midnight at simulated time 0 (the start's own offset); daily
    /// shapes are read in that fixed offset.
    pub start_second_of_day: Seconds,
}

/// The base curve of a load.
#[derive(Debug, Clone, PartialEq)]
pub enum Base {
    /// A constant rate, requests per second.
    Constant(f64),
    /// A recorded trace, already aligned to the scenario start.
    Trace(Trace),
}

/// `1 + amplitude * cos(2 pi (t - peak) / 1 day)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diurnal {
    /// Relative swing, 0..1.
    pub amplitude: f64,
    /// Local time of day of the maximum, seconds after midnight.
    pub peak: Seconds,
}

/// A daily window `[from, to)` in local time that multiplies and/or adds to the load, with
/// linear ramps inside the window at both ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyWindow {
    /// Start, seconds after local midnight.
    pub from: Seconds,
    /// End, seconds after local midnight (may wrap past midnight).
    pub to: Seconds,
    /// Factor at full strength.
    pub multiply: f64,
    /// Requests per second added at full strength.
    pub add_rps: f64,
    /// Length of each ramp.
    pub ramp: Seconds,
}

/// Growth from 1x at `start` to `factor` at `start + over`, held afterwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// Final factor (> 0).
    pub factor: f64,
    /// When growth begins.
    pub start: SimTime,
    /// How long it takes (> 0).
    pub over: Seconds,
    /// The curve between.
    pub shape: GrowthShape,
}

/// The curve of a [`Growth`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GrowthShape {
    /// Straight line from 1 to the factor.
    Linear,
    /// Constant relative growth: `factor^(x)` for progress x in 0..1 (a viral launch).
    #[default]
    Exponential,
}

/// An additive burst (e.g. a CC attack), with optional linear ramps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Burst {
    /// Start.
    pub at: SimTime,
    /// Length, ramps included.
    pub duration: Seconds,
    /// Requests per second added at full strength.
    pub add_rps: f64,
    /// Length of the ramp at each end.
    pub ramp: Seconds,
}

/// Multiplicative noise drawn once per metric period from the scenario seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Noise {
    /// Log-normal with mean 1 and this log-space sigma.
    LogNormal {
        /// Log-space standard deviation.
        sigma: f64,
    },
    /// `max(0, 1 + N(0, sigma))`.
    Normal {
        /// Standard deviation of the factor.
        sigma: f64,
    },
}

/// Strength (0..=1) at `t` of a window `[start, start + length)` with linear ramps of `ramp`
/// inside both ends; the mean over a period is its value at the period's midpoint because
/// the shape is linear between the points where its slope changes.
fn trapezoid(t: f64, start: f64, length: f64, ramp: f64) -> f64 {
    if t < start || t >= start + length {
        return 0.0;
    }
    if ramp <= 0.0 {
        return 1.0;
    }
    let into = t - start;
    let left = length - into;
    (into / ramp).min(left / ramp).min(1.0)
}

impl LoadSpec {
    /// The load on the grid of `period` for `ticks` periods, deterministic in `seed`.
    ///
    /// The daily shapes (diurnal curve, daily windows) repeat every day of the grid, so they
    /// are evaluated once per slot of one [`DayCycle`] and reused: no cosine or float modulo
    /// per period. Growth and bursts are evaluated only inside their spans, and the noise is
    /// drawn in blocks. Every value is the one the per-period formula gives, bit for bit (the
    /// tests hold it to [`LoadSpec::value_at`]).
    pub fn generate(&self, period: Seconds, ticks: usize, seed: u64) -> LoadSeries {
        let mut values: Vec<f64> = match &self.base {
            Base::Constant(rate) => vec![*rate; ticks],
            Base::Trace(trace) => trace.resample(period, ticks),
        };
        let day = DayCycle::new(self, period, ticks);
        let growth = self.growth.map(|growth| GrowthSpan::new(growth, period));
        let bursts = self.burst_ticks(period);
        let mut noise = self.noise.map(|noise| NoiseBlocks::new(noise, seed));
        let midpoint = |tick: usize| tick as f64 * period as f64 + period as f64 / 2.0;
        // Per block: the factor and the added rate of every period, then one pass that
        // vectorizes. Exceptions (growth, bursts) touch only the periods they cover.
        let mut factor = vec![0.0; BLOCK.min(ticks)];
        let mut add = vec![0.0; BLOCK.min(ticks)];
        for (block_index, block) in values.chunks_mut(BLOCK).enumerate() {
            let first = block_index * BLOCK;
            let ticks = first..first + block.len();
            let (factor, add) = (&mut factor[..block.len()], &mut add[..block.len()]);
            day.fill(first, factor, add);
            if let Some(growth) = &growth {
                for tick in growth.ticks.start.max(ticks.start)..ticks.end {
                    factor[tick - first] *= growth.factor_at(tick, midpoint(tick));
                }
            }
            for tick in bursts.start.max(ticks.start)..bursts.end.min(ticks.end) {
                add[tick - first] += self.bursts_at(midpoint(tick));
            }
            for ((value, factor), add) in block.iter_mut().zip(&*factor).zip(&*add) {
                *value = *value * factor + add;
            }
            if let Some(noise) = &mut noise {
                let factors = noise.next_block(block.len());
                for (value, factor) in block.iter_mut().zip(factors) {
                    *value *= factor;
                }
            }
            for value in block.iter_mut() {
                *value = (*value * self.scale).max(0.0);
            }
        }
        LoadSeries { period, values }
    }

    /// The value of period `tick` computed from the formula alone, without noise: the oracle
    /// that [`LoadSpec::generate`]'s tables are tested against.
    pub fn value_at(&self, base_rate: f64, period: Seconds, tick: usize) -> f64 {
        let midpoint = tick as f64 * period as f64 + period as f64 / 2.0;
        let mut rate = base_rate * self.shape_factor(midpoint);
        rate += self.additive(midpoint);
        (rate * self.scale).max(0.0)
    }

    /// Ticks whose midpoint may fall inside a burst: from the first burst's start to the last
    /// one's end.
    fn burst_ticks(&self, period: Seconds) -> std::ops::Range<usize> {
        let from = self.bursts.iter().map(|burst| burst.at).min();
        let to = self
            .bursts
            .iter()
            .map(|burst| burst.at + burst.duration)
            .max();
        match (from, to) {
            (Some(from), Some(to)) => {
                (from / period) as usize..(to.div_ceil(period) as usize).saturating_add(1)
            }
            _ => 0..0,
        }
    }

    /// Local seconds after midnight (fixed offset of the start) at simulated time `t`.
    fn second_of_day(&self, t: f64) -> f64 {
        (self.start_second_of_day as f64 + t).rem_euclid(86_400.0)
    }

    /// Product of the multiplicative shapes at time `t`.
    fn shape_factor(&self, t: f64) -> f64 {
        let mut factor = self.daily_factor(self.second_of_day(t));
        if let Some(growth) = self.growth {
            factor *= growth.factor_at(t);
        }
        factor
    }

    /// Sum of the additive shapes at time `t`.
    fn additive(&self, t: f64) -> f64 {
        self.window_additive(self.second_of_day(t)) + self.bursts_at(t)
    }

    /// Requests per second the daily windows add at a local second of day.
    fn window_additive(&self, day_second: f64) -> f64 {
        self.daily
            .iter()
            .map(|window| window.add_rps * window.strength(day_second))
            .sum()
    }

    /// Product of the daily shapes (diurnal curve, daily windows) at a local second of day.
    fn daily_factor(&self, day_second: f64) -> f64 {
        let mut factor = 1.0;
        if let Some(diurnal) = self.diurnal {
            let phase = (day_second - diurnal.peak as f64) / 86_400.0;
            factor *= 1.0 + diurnal.amplitude * (std::f64::consts::TAU * phase).cos();
        }
        for window in &self.daily {
            let strength = window.strength(day_second);
            factor *= 1.0 + (window.multiply - 1.0) * strength;
        }
        factor
    }

    /// Requests per second the bursts add at time `t`.
    fn bursts_at(&self, t: f64) -> f64 {
        self.bursts
            .iter()
            .map(|burst| {
                burst.add_rps
                    * trapezoid(t, burst.at as f64, burst.duration as f64, burst.ramp as f64)
            })
            .sum()
    }
}

/// Periods per block of [`LoadSpec::generate`]: enough to amortize each pass, few enough to
/// stay in cache.
const BLOCK: usize = 4096;

/// The daily shapes on one cycle of the grid: slot `k` holds the factor and the added rate of
/// every period `k`, `k + len`, `k + 2 len`, ... Period midpoints return to the same second of
/// day after `86,400 / gcd(period, 86,400)` periods, and `start + midpoint` is an exact
/// integer or half-integer in f64, so every period of a slot sees the same second of day and
/// the table gives the per-period formula's values exactly.
struct DayCycle {
    factor: Vec<f64>,
    add: Vec<f64>,
}

impl DayCycle {
    fn new(spec: &LoadSpec, period: Seconds, ticks: usize) -> DayCycle {
        let len = if spec.diurnal.is_none() && spec.daily.is_empty() {
            1
        } else {
            let cycle = 86_400 / gcd(period.max(1), 86_400);
            (cycle as usize).min(ticks).max(1)
        };
        let (factor, add) = (0..len)
            .map(|slot| {
                let midpoint = slot as f64 * period as f64 + period as f64 / 2.0;
                let day_second = spec.second_of_day(midpoint);
                (
                    spec.daily_factor(day_second),
                    spec.window_additive(day_second),
                )
            })
            .unzip();
        DayCycle { factor, add }
    }

    /// The slots of periods `first..first + factor.len()`, copied a cycle at a time.
    fn fill(&self, first: usize, factor: &mut [f64], add: &mut [f64]) {
        let mut slot = first % self.factor.len();
        let mut done = 0;
        while done < factor.len() {
            let run = (self.factor.len() - slot).min(factor.len() - done);
            factor[done..done + run].copy_from_slice(&self.factor[slot..slot + run]);
            add[done..done + run].copy_from_slice(&self.add[slot..slot + run]);
            done += run;
            slot = 0;
        }
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A [`Growth`] on the grid: 1 before its first period (exactly: `1 + (f - 1) x 0` and
/// `f^0`), constant after its last, evaluated per period only in between.
struct GrowthSpan {
    growth: Growth,
    after: f64,
    ticks: std::ops::Range<usize>,
}

impl GrowthSpan {
    fn new(growth: Growth, period: Seconds) -> GrowthSpan {
        let end = growth.start.saturating_add(growth.over);
        GrowthSpan {
            growth,
            after: growth.factor_at(f64::INFINITY),
            // Midpoints before `start` are at progress 0, after `end` at progress 1.
            ticks: (growth.start / period) as usize..(end / period) as usize + 1,
        }
    }

    /// The factor of a period at or after the span's first.
    fn factor_at(&self, tick: usize, midpoint: f64) -> f64 {
        if tick >= self.ticks.end {
            self.after
        } else {
            self.growth.factor_at(midpoint)
        }
    }
}

impl DailyWindow {
    /// Strength (0..=1) at a local second of day; handles windows that wrap midnight.
    fn strength(&self, day_second: f64) -> f64 {
        let length = (self.to as f64 - self.from as f64).rem_euclid(86_400.0);
        let into = (day_second - self.from as f64).rem_euclid(86_400.0);
        trapezoid(into, 0.0, length, self.ramp as f64)
    }
}

impl Growth {
    /// Growth factor at time `t`.
    fn factor_at(&self, t: f64) -> f64 {
        let progress = ((t - self.start as f64) / self.over as f64).clamp(0.0, 1.0);
        match self.shape {
            GrowthShape::Linear => 1.0 + (self.factor - 1.0) * progress,
            GrowthShape::Exponential => self.factor.powf(progress),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use noise::NOISE_STREAM;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::Distribution;

    fn constant(rate: f64) -> LoadSpec {
        LoadSpec {
            base: Base::Constant(rate),
            scale: 1.0,
            diurnal: None,
            daily: vec![],
            growth: None,
            bursts: vec![],
            noise: None,
            start_second_of_day: 0,
        }
    }

    #[test]
    fn lunch_window_triples_load_inside_and_ramps() {
        let mut spec = constant(100.0);
        spec.daily.push(DailyWindow {
            from: 11 * 3600,
            to: 13 * 3600,
            multiply: 3.0,
            add_rps: 0.0,
            ramp: 15 * 60,
        });
        let series = spec.generate(60, 1440, 1);
        assert_eq!(series.values[10 * 60], 100.0);
        assert_eq!(series.values[12 * 60], 300.0);
        // Half-way up the 15-minute ramp (minute 7, midpoint 7.5 min): 1 + 2 * 0.5.
        assert!((series.values[11 * 60 + 7] - 200.0).abs() < 1e-9);
        assert_eq!(series.values[13 * 60], 100.0);
    }

    #[test]
    fn burst_adds_for_its_duration_only() {
        let mut spec = constant(500.0);
        spec.bursts.push(Burst {
            at: 3600,
            duration: 1200,
            add_rps: 5000.0,
            ramp: 0,
        });
        let series = spec.generate(60, 180, 1);
        assert_eq!(series.values[59], 500.0);
        assert_eq!(series.values[60], 5500.0);
        assert_eq!(series.values[79], 5500.0);
        assert_eq!(series.values[80], 500.0);
        let extra = series.total_requests() - 500.0 * 180.0 * 60.0;
        assert!((extra - 5000.0 * 1200.0).abs() < 1e-6);
    }

    #[test]
    fn exponential_growth_reaches_its_factor() {
        let mut spec = constant(10.0);
        spec.growth = Some(Growth {
            factor: 20.0,
            start: 0,
            over: 86_400,
            shape: GrowthShape::Exponential,
        });
        let series = spec.generate(3600, 48, 1);
        assert!(series.values[0] > 10.0 && series.values[0] < 12.0);
        assert_eq!(series.values[30], 200.0);
        assert!(series.values.windows(2).all(|pair| pair[1] >= pair[0]));
    }

    #[test]
    fn noise_is_seeded_and_mean_preserving() {
        let mut spec = constant(1000.0);
        spec.noise = Some(Noise::LogNormal { sigma: 0.1 });
        let first = spec.generate(60, 10_000, 7);
        assert_eq!(first, spec.generate(60, 10_000, 7));
        assert_ne!(first, spec.generate(60, 10_000, 8));
        let mean = first.values.iter().sum::<f64>() / 10_000.0;
        assert!((mean - 1000.0).abs() < 5.0, "mean {mean}");
    }

    /// Every shape at once, on grids that do and do not divide a day.
    fn everything(start_second_of_day: Seconds) -> LoadSpec {
        let mut spec = constant(100.0);
        spec.start_second_of_day = start_second_of_day;
        spec.scale = 1.3;
        spec.diurnal = Some(Diurnal {
            amplitude: 0.4,
            peak: 14 * 3600,
        });
        spec.daily = vec![
            DailyWindow {
                from: 11 * 3600,
                to: 13 * 3600,
                multiply: 2.5,
                add_rps: 7.0,
                ramp: 900,
            },
            DailyWindow {
                from: 23 * 3600,
                to: 3600,
                multiply: 0.5,
                add_rps: -3.0,
                ramp: 0,
            },
        ];
        spec.growth = Some(Growth {
            factor: 3.7,
            start: 86_400 + 77,
            over: 2 * 86_400 + 13,
            shape: GrowthShape::Exponential,
        });
        spec.bursts = vec![
            Burst {
                at: 3 * 86_400 + 50,
                duration: 7201,
                add_rps: 900.0,
                ramp: 600,
            },
            Burst {
                at: 3 * 86_400 + 3600,
                duration: 60,
                add_rps: 50.0,
                ramp: 0,
            },
        ];
        spec
    }

    #[test]
    fn tables_give_the_formula_bit_for_bit() {
        for (period, start) in [
            (60, 0),
            (60, 8 * 3600),
            (7, 3),
            (3600, 1800),
            (86_400, 5),
            (50_000, 0),
            (1, 0),
        ] {
            let spec = everything(start);
            let ticks = (5 * 86_400 / period) as usize;
            let series = spec.generate(period, ticks, 1);
            for (tick, value) in series.values.iter().enumerate() {
                let expected = spec.value_at(100.0, period, tick);
                assert_eq!(
                    value.to_bits(),
                    expected.to_bits(),
                    "period {period} tick {tick}"
                );
            }
        }
        let mut linear = everything(0);
        linear.growth.as_mut().unwrap().shape = GrowthShape::Linear;
        let series = linear.generate(60, 5 * 1440, 1);
        for (tick, value) in series.values.iter().enumerate() {
            assert_eq!(value.to_bits(), linear.value_at(100.0, 60, tick).to_bits());
        }
    }

    #[test]
    fn noise_blocks_draw_what_rand_distr_draws() {
        use rand_distr::{LogNormal, Normal};
        let ticks = 3 * BLOCK + 17;
        for sigma in [0.1, 1.7] {
            let mut spec = everything(0);
            spec.noise = Some(Noise::LogNormal { sigma });
            let plain = {
                let mut quiet = spec.clone();
                quiet.noise = None;
                quiet.generate(60, ticks, 9)
            };
            let noisy = spec.generate(60, ticks, 9);
            let mut rng = ChaCha8Rng::seed_from_u64(9 ^ NOISE_STREAM);
            let draw = LogNormal::new(-sigma * sigma / 2.0, sigma).unwrap();
            for (tick, value) in noisy.values.iter().enumerate() {
                let unscaled = plain.values[tick] / spec.scale;
                let expected = (unscaled * draw.sample(&mut rng) * spec.scale).max(0.0);
                assert!(
                    (value - expected).abs() <= 1e-12 * expected,
                    "tick {tick}: {value} vs {expected}"
                );
            }
            spec.noise = Some(Noise::Normal { sigma });
            let noisy = spec.generate(60, ticks, 9);
            let mut rng = ChaCha8Rng::seed_from_u64(9 ^ NOISE_STREAM);
            let draw = Normal::new(1.0, sigma).unwrap();
            for (tick, value) in noisy.values.iter().enumerate() {
                let unscaled = plain.values[tick] / spec.scale;
                let expected = (unscaled * draw.sample(&mut rng).max(0.0) * spec.scale).max(0.0);
                assert!((value - expected).abs() <= 1e-12 * expected, "tick {tick}");
            }
        }
    }

    #[test]
    fn diurnal_peaks_at_its_hour() {
        let mut spec = constant(100.0);
        spec.diurnal = Some(Diurnal {
            amplitude: 0.5,
            peak: 14 * 3600,
        });
        let series = spec.generate(3600, 24, 1);
        let peak_hour = (0..24)
            .max_by(|a, b| series.values[*a].total_cmp(&series.values[*b]))
            .unwrap();
        // Hour 13 covers 13:00-14:00 with midpoint 13:30; hour 14 has midpoint 14:30: a tie
        // broken by the first maximum.
        assert!(peak_hour == 13 || peak_hour == 14);
        assert!(series.values[2] < 60.0);
    }
}
