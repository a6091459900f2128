//! Load: the request rate offered to the scenario, one value per metric period.
//!
//! A [`LoadSpec`] composes a base (a constant rate or a recorded [`Trace`]) with synthetic
//! shapes: a diurnal curve, daily windows (the lunch peak), growth (a viral launch), bursts
//! (a CC attack) and seeded noise. [`LoadSpec::generate`] turns it into a [`LoadSeries`]:
//! no I/O, and the same seed always gives the same series. Reading trace files lives in
//! [`trace`].

pub mod stats;
pub mod trace;

pub use trace::Trace;

use crate::time::{Seconds, SimTime};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowthShape {
    /// Straight line from 1 to the factor.
    Linear,
    /// Constant relative growth: `factor^(x)` for progress x in 0..1 (a viral launch).
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

/// Stream tag mixed into the scenario seed so load noise never shares a stream with other
/// random processes added later.
const NOISE_STREAM: u64 = 0x6c6f_6164_6e6f_6973;

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
    pub fn generate(&self, period: Seconds, ticks: usize, seed: u64) -> LoadSeries {
        let base: Vec<f64> = match &self.base {
            Base::Constant(rate) => vec![*rate; ticks],
            Base::Trace(trace) => trace.resample(period, ticks),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ NOISE_STREAM);
        let noise = self.noise.map(|noise| match noise {
            Noise::LogNormal { sigma } => NoiseDraw::LogNormal(
                LogNormal::new(-sigma * sigma / 2.0, sigma).expect("sigma validated"),
            ),
            Noise::Normal { sigma } => {
                NoiseDraw::Normal(Normal::new(1.0, sigma).expect("sigma validated"))
            }
        });
        let values = base
            .into_iter()
            .enumerate()
            .map(|(tick, base_rate)| {
                let midpoint = tick as f64 * period as f64 + period as f64 / 2.0;
                let mut rate = base_rate * self.shape_factor(midpoint);
                rate += self.additive(midpoint);
                if let Some(noise) = &noise {
                    rate *= noise.sample(&mut rng);
                }
                (rate * self.scale).max(0.0)
            })
            .collect();
        LoadSeries { period, values }
    }

    /// Local seconds after midnight (fixed offset of the start) at simulated time `t`.
    fn second_of_day(&self, t: f64) -> f64 {
        (self.start_second_of_day as f64 + t).rem_euclid(86_400.0)
    }

    /// Product of the multiplicative shapes at time `t`.
    fn shape_factor(&self, t: f64) -> f64 {
        let mut factor = 1.0;
        let day_second = self.second_of_day(t);
        if let Some(diurnal) = self.diurnal {
            let phase = (day_second - diurnal.peak as f64) / 86_400.0;
            factor *= 1.0 + diurnal.amplitude * (std::f64::consts::TAU * phase).cos();
        }
        for window in &self.daily {
            let strength = window.strength(day_second);
            factor *= 1.0 + (window.multiply - 1.0) * strength;
        }
        if let Some(growth) = self.growth {
            factor *= growth.factor_at(t);
        }
        factor
    }

    /// Sum of the additive shapes at time `t`.
    fn additive(&self, t: f64) -> f64 {
        let day_second = self.second_of_day(t);
        let windows: f64 = self
            .daily
            .iter()
            .map(|window| window.add_rps * window.strength(day_second))
            .sum();
        let bursts: f64 = self
            .bursts
            .iter()
            .map(|burst| {
                burst.add_rps
                    * trapezoid(t, burst.at as f64, burst.duration as f64, burst.ramp as f64)
            })
            .sum();
        windows + bursts
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

/// A ready-to-sample noise distribution.
enum NoiseDraw {
    LogNormal(LogNormal<f64>),
    Normal(Normal<f64>),
}

impl NoiseDraw {
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            NoiseDraw::LogNormal(distribution) => distribution.sample(rng),
            NoiseDraw::Normal(distribution) => distribution.sample(rng).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
