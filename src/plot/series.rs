//! One policy's timeline as the charts draw it: reduced, when it is built, to at most
//! [`MAX_DRAWN_POINTS`] buckets and the hours around its load's peak, so a comparison of
//! long per-second runs holds a few thousand points per policy, not the runs.

use super::{MAX_DRAWN_POINTS, column_indices, parse_time};
use crate::engine::ActivityStatus;
use crate::error::Diagnostic;
use crate::outputs::columns::{activities, timeline};
use chrono::{DateTime, FixedOffset, TimeDelta};
use std::ops::Range;

/// Every metric period of a timeline, summed over its groups, as `timeline.csv` holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Periods {
    /// Start of each metric period.
    pub times: Vec<DateTime<FixedOffset>>,
    /// Mean offered load per period, requests per second.
    pub load: Vec<f64>,
    /// In-service capacity at the end of each period, requests per second.
    pub capacity: Vec<f64>,
    /// Instances booting at the end of each period.
    pub pending: Vec<u32>,
    /// Seconds of each period in SLA violation (the most of any group).
    pub violation: Vec<f64>,
}

impl Periods {
    /// Adds one group's row: rows come in time order, one per group, and the groups of a
    /// period are summed (violation: the most of any group).
    pub fn add(
        &mut self,
        time: DateTime<FixedOffset>,
        load: f64,
        capacity: f64,
        pending: u32,
        violation: f64,
    ) {
        if self.times.last() != Some(&time) {
            self.times.push(time);
            self.load.push(0.0);
            self.capacity.push(0.0);
            self.pending.push(0);
            self.violation.push(0.0);
        }
        let last = self.times.len() - 1;
        let mut period = Period {
            time,
            load: self.load[last],
            capacity: self.capacity[last],
            pending: self.pending[last],
            violation: self.violation[last],
        };
        period.merge(load, capacity, pending, violation);
        self.load[last] = period.load;
        self.capacity[last] = period.capacity;
        self.pending[last] = period.pending;
        self.violation[last] = period.violation;
    }

    fn period(&self) -> TimeDelta {
        match self.times.as_slice() {
            [first, second, ..] => *second - *first,
            _ => TimeDelta::seconds(60),
        }
    }

    fn slice(&self, range: Range<usize>) -> Periods {
        Periods {
            times: self.times[range.clone()].to_vec(),
            load: self.load[range.clone()].to_vec(),
            capacity: self.capacity[range.clone()].to_vec(),
            pending: self.pending[range.clone()].to_vec(),
            violation: self.violation[range].to_vec(),
        }
    }

    /// Reads `timeline.csv` bytes; `file` names it in errors.
    pub fn from_csv(bytes: &[u8], file: &str) -> Result<Periods, Diagnostic> {
        let mut periods = Periods::default();
        let mut reader = csv::Reader::from_reader(bytes);
        let columns = column_indices(
            &mut reader,
            file,
            &[
                timeline::TIME,
                timeline::LOAD_RPS,
                timeline::PENDING,
                timeline::CAPACITY_RPS,
                timeline::VIOLATION_SECONDS,
            ],
        )?;
        for record in reader.records() {
            let record = record
                .map_err(|error| Diagnostic::file(file, format!("malformed CSV: {error}")))?;
            let line = record
                .position()
                .map_or(0, |position| position.line() as usize);
            let time = parse_time(&record[columns[0]], file, line)?;
            let number = |index: usize| -> Result<f64, Diagnostic> {
                record[columns[index]].parse::<f64>().map_err(|_| {
                    super::at_line(
                        file,
                        line,
                        format!("`{}` is not a number", &record[columns[index]]),
                    )
                })
            };
            let (load, pending, capacity, violation) =
                (number(1)?, number(2)?, number(3)?, number(4)?);
            periods.add(time, load, capacity, pending as u32, violation);
        }
        if periods.times.is_empty() {
            return Err(Diagnostic::file(file, "timeline has no rows"));
        }
        Ok(periods)
    }
}

/// A run of consecutive periods drawn as one point: envelopes of the values inside.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bucket {
    pub(super) start: DateTime<FixedOffset>,
    pub(super) end: DateTime<FixedOffset>,
    pub(super) load_min: f64,
    pub(super) load_max: f64,
    pub(super) capacity_max: f64,
    pub(super) pending: bool,
    /// Share of the bucket's time in SLA violation, 0 to 1.
    pub(super) violation: f64,
}

/// Hours either side of the load's peak that the peak chart shows.
const PEAK_HOURS: i64 = 2;

/// One policy's timeline, summed over its groups, reduced for drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineSeries {
    /// Policy name.
    pub policy: String,
    /// Successful scaling activities: start and whether they scaled out.
    pub activities: Vec<(DateTime<FixedOffset>, bool)>,
    /// The IANA zone the times are shown in, when the scenario names one (the axis says it).
    pub zone: Option<String>,
    /// Start of the first period and end of the last.
    pub(super) start: DateTime<FixedOffset>,
    pub(super) end: DateTime<FixedOffset>,
    /// At most [`MAX_DRAWN_POINTS`] buckets covering the whole series.
    pub(super) buckets: Vec<Bucket>,
    /// The most load of any period.
    pub(super) load_max: f64,
    /// The most capacity of any period.
    pub(super) capacity_max: f64,
    /// The periods within [`PEAK_HOURS`] of the last period with the most load, when that
    /// window is under a quarter of the run (see [`peak_window`]), at full resolution.
    peak: Option<(Range<usize>, Periods)>,
}

/// The peak window of the first series (every policy replays the same load), if any.
pub fn peak_window(all: &[TimelineSeries]) -> Option<Range<usize>> {
    all.first()?.peak.as_ref().map(|(range, _)| range.clone())
}

/// One metric period, summed over groups.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Period {
    time: DateTime<FixedOffset>,
    load: f64,
    capacity: f64,
    pending: u32,
    violation: f64,
}

impl Period {
    /// Adds one group's row of the period: loads, capacities and booting instances summed,
    /// the violation the most of any group.
    fn merge(&mut self, load: f64, capacity: f64, pending: u32, violation: f64) {
        self.load += load;
        self.capacity += capacity;
        self.pending += pending;
        self.violation = self.violation.max(violation);
    }
}

/// A bucket being filled: its envelopes and sums so far.
#[derive(Debug, Clone, Copy)]
struct Filling {
    start: DateTime<FixedOffset>,
    last: DateTime<FixedOffset>,
    periods: usize,
    load_min: f64,
    load_max: f64,
    capacity_max: f64,
    pending: bool,
    violation: f64,
}

/// Builds a [`TimelineSeries`] from rows as they come, knowing how many periods there will
/// be: buckets are filled as periods complete, and only the periods around the load's peak
/// so far are kept (the [`PEAK_HOURS`] before the current period, and the window of the
/// best peak), so memory does not depend on the run's length.
#[derive(Debug, Clone)]
pub struct SeriesBuilder {
    per_bucket: usize,
    /// Periods completed.
    done: usize,
    current: Option<Period>,
    first: Option<DateTime<FixedOffset>>,
    /// The first two periods' distance, once there are two.
    period: Option<TimeDelta>,
    filling: Option<Filling>,
    buckets: Vec<Filling>,
    load_max: f64,
    capacity_max: f64,
    last_time: Option<DateTime<FixedOffset>>,
    /// The latest periods, at most `half` once the period is known.
    recent: std::collections::VecDeque<Period>,
    /// The last period with the most load (index, load) and its window so far.
    best: Option<(usize, f64)>,
    window: Vec<Period>,
}

impl SeriesBuilder {
    /// A builder for `len` periods.
    pub fn new(len: usize) -> SeriesBuilder {
        SeriesBuilder {
            per_bucket: len.div_ceil(MAX_DRAWN_POINTS).max(1),
            done: 0,
            current: None,
            first: None,
            period: None,
            filling: None,
            buckets: Vec::new(),
            load_max: 1.0,
            capacity_max: 1.0,
            last_time: None,
            recent: std::collections::VecDeque::new(),
            best: None,
            window: Vec::new(),
        }
    }

    /// Periods either side of the peak, once the period is known.
    fn half(&self) -> Option<usize> {
        self.period
            .map(|period| (PEAK_HOURS * 3600 / period.num_seconds().max(1)) as usize)
    }

    /// Adds one group's row, as [`Periods::add`] does.
    pub fn add(
        &mut self,
        time: DateTime<FixedOffset>,
        load: f64,
        capacity: f64,
        pending: u32,
        violation: f64,
    ) {
        if self.current.is_some_and(|current| current.time != time) {
            self.complete();
        }
        self.current
            .get_or_insert(Period {
                time,
                load: 0.0,
                capacity: 0.0,
                pending: 0,
                violation: 0.0,
            })
            .merge(load, capacity, pending, violation);
    }

    fn complete(&mut self) {
        let Some(period) = self.current.take() else {
            return;
        };
        let index = self.done;
        self.done += 1;
        match self.first {
            None => self.first = Some(period.time),
            Some(first) if self.period.is_none() => self.period = Some(period.time - first),
            Some(_) => {}
        }
        self.last_time = Some(period.time);
        self.load_max = self.load_max.max(period.load);
        self.capacity_max = self.capacity_max.max(period.capacity);
        let filling = self.filling.get_or_insert(Filling {
            start: period.time,
            last: period.time,
            periods: 0,
            load_min: f64::INFINITY,
            load_max: 0.0,
            capacity_max: 0.0,
            pending: false,
            violation: 0.0,
        });
        filling.last = period.time;
        filling.periods += 1;
        filling.load_min = filling.load_min.min(period.load);
        filling.load_max = filling.load_max.max(period.load);
        filling.capacity_max = filling.capacity_max.max(period.capacity);
        filling.pending |= period.pending > 0;
        filling.violation += period.violation;
        if filling.periods == self.per_bucket {
            self.buckets.extend(self.filling.take());
        }
        // The last maximum wins, as `Iterator::max_by` picks it.
        let best = self
            .best
            .is_none_or(|(_, load)| period.load.total_cmp(&load).is_ge());
        if best {
            self.best = Some((index, period.load));
            self.window = self.recent.iter().copied().collect();
            self.window.push(period);
        } else if let (Some((peak, _)), Some(half)) = (self.best, self.half())
            && index < peak + half
        {
            self.window.push(period);
        }
        self.recent.push_back(period);
        if let Some(half) = self.half() {
            while self.recent.len() > half {
                self.recent.pop_front();
            }
        }
    }

    /// The series, reduced for drawing; `None` without periods.
    pub fn finish(
        mut self,
        policy: &str,
        activities: Vec<(DateTime<FixedOffset>, bool)>,
        zone: Option<String>,
    ) -> Option<TimelineSeries> {
        self.complete();
        self.buckets.extend(self.filling.take());
        let (first, last) = (self.first?, self.last_time?);
        let period = self.period.unwrap_or(TimeDelta::seconds(60));
        let seconds = period.num_seconds().max(1) as f64;
        let buckets = self
            .buckets
            .iter()
            .map(|filling| Bucket {
                start: filling.start,
                end: filling.last + period,
                load_min: filling.load_min,
                load_max: filling.load_max,
                capacity_max: filling.capacity_max,
                pending: filling.pending,
                violation: filling.violation / (filling.periods as f64 * seconds),
            })
            .collect();
        // The window of PEAK_HOURS either side of the load's peak, when it is under a quarter
        // of the run: a 20-minute attack in a two-day run is a few pixels wide on the whole
        // run's axis, and a third of this one. None for runs short enough to read whole.
        let half = self.half().unwrap_or(0);
        let peak = self.best.and_then(|(peak, _)| {
            let range = peak.saturating_sub(half)..(peak + half).min(self.done);
            let window = &self.window[self.window.len().saturating_sub(range.len())..];
            // The window holds the half before the peak and the half after it by construction.
            debug_assert_eq!(window.len(), range.len(), "peak window of {policy}");
            (range.len() * 4 < self.done && !range.is_empty() && window.len() == range.len())
                .then(|| (range, periods_of(window)))
        });
        Some(TimelineSeries {
            policy: policy.to_string(),
            activities,
            zone,
            start: first,
            end: last + period,
            buckets,
            load_max: self.load_max,
            capacity_max: self.capacity_max,
            peak,
        })
    }
}

fn periods_of(window: &[Period]) -> Periods {
    Periods {
        times: window.iter().map(|period| period.time).collect(),
        load: window.iter().map(|period| period.load).collect(),
        capacity: window.iter().map(|period| period.capacity).collect(),
        pending: window.iter().map(|period| period.pending).collect(),
        violation: window.iter().map(|period| period.violation).collect(),
    }
}

impl TimelineSeries {
    /// The series of `periods` (at least one), reduced for drawing.
    pub fn new(
        policy: &str,
        periods: Periods,
        activities: Vec<(DateTime<FixedOffset>, bool)>,
        zone: Option<String>,
    ) -> TimelineSeries {
        let mut builder = SeriesBuilder::new(periods.times.len());
        for index in 0..periods.times.len() {
            builder.add(
                periods.times[index],
                periods.load[index],
                periods.capacity[index],
                periods.pending[index],
                periods.violation[index],
            );
        }
        builder
            .finish(policy, activities, zone)
            .expect("a series has periods")
    }

    /// The periods in `range` (from [`peak_window`]), with the activities that started in
    /// them; `None` when this series did not keep them (its own load peaks elsewhere: read
    /// its periods again and slice those with [`TimelineSeries::slice_of`]).
    pub fn slice(&self, range: Range<usize>) -> Option<TimelineSeries> {
        let (own, periods) = self.peak.as_ref()?;
        (*own == range).then(|| self.window(periods.clone()))
    }

    /// The periods in `range` of this series' `periods`, read again.
    pub fn slice_of(&self, periods: &Periods, range: Range<usize>) -> TimelineSeries {
        self.window(periods.slice(range))
    }

    fn window(&self, window: Periods) -> TimelineSeries {
        let from = window.times[0];
        let to = *window.times.last().expect("a window has periods") + window.period();
        let activities = self
            .activities
            .iter()
            .filter(|(at, _)| (from..to).contains(at))
            .copied()
            .collect();
        TimelineSeries::new(&self.policy, window, activities, self.zone.clone())
    }

    /// Top of the y axis: headroom above the data for the activity markers just above it
    /// (at MARKER_HEIGHT), and the legend in the top 30% of the plot, clear of both.
    pub(super) fn y_max(&self) -> f64 {
        self.load_max.max(self.capacity_max) * 1.7
    }

    /// Builds a series from `timeline.csv` and `activities.csv` bytes; `label` names the
    /// files in errors.
    pub fn from_csv(
        policy: &str,
        timeline: &[u8],
        activities: &[u8],
        label: &str,
    ) -> Result<Self, Diagnostic> {
        let periods = Periods::from_csv(timeline, &format!("{label}/timeline.csv"))?;
        let activities = activities_from_csv(activities, &format!("{label}/activities.csv"))?;
        Ok(TimelineSeries::new(policy, periods, activities, None))
    }
}

/// The successful activities of `activities.csv` bytes: start and whether they scaled out.
pub fn activities_from_csv(
    bytes: &[u8],
    file: &str,
) -> Result<Vec<(DateTime<FixedOffset>, bool)>, Diagnostic> {
    let mut reader = csv::Reader::from_reader(bytes);
    let columns = column_indices(
        &mut reader,
        file,
        &[
            activities::START,
            activities::FROM,
            activities::TO,
            activities::STATUS,
        ],
    )?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|error| Diagnostic::file(file, format!("malformed CSV: {error}")))?;
        // Every status that changed capacity, partial successes included.
        if !ActivityStatus::parse(&record[columns[3]]).is_some_and(ActivityStatus::is_activity) {
            continue;
        }
        let line = record
            .position()
            .map_or(0, |position| position.line() as usize);
        let start = parse_time(&record[columns[0]], file, line)?;
        let count = |column: usize| {
            record[columns[column]].parse::<i64>().map_err(|_| {
                super::at_line(
                    file,
                    line,
                    format!(
                        "`{}` is not a whole number of instances",
                        &record[columns[column]]
                    ),
                )
            })
        };
        let (from, to) = (count(1)?, count(2)?);
        out.push((start, to > from));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// The series computed from all its periods at once: the builder's oracle.
    fn reference(periods: &Periods) -> (Vec<Bucket>, Option<Range<usize>>, f64) {
        let period = periods.period();
        let len = periods.times.len();
        let per_bucket = len.div_ceil(MAX_DRAWN_POINTS).max(1);
        let buckets = (0..len)
            .step_by(per_bucket)
            .map(|first| {
                let range = first..(first + per_bucket).min(len);
                Bucket {
                    start: periods.times[first],
                    end: periods.times[range.end - 1] + period,
                    load_min: periods.load[range.clone()]
                        .iter()
                        .copied()
                        .fold(f64::INFINITY, f64::min),
                    load_max: periods.load[range.clone()]
                        .iter()
                        .copied()
                        .fold(0.0, f64::max),
                    capacity_max: periods.capacity[range.clone()]
                        .iter()
                        .copied()
                        .fold(0.0, f64::max),
                    pending: periods.pending[range.clone()]
                        .iter()
                        .any(|count| *count > 0),
                    violation: periods.violation[range.clone()].iter().sum::<f64>()
                        / (range.len() as f64 * period.num_seconds().max(1) as f64),
                }
            })
            .collect();
        let load = &periods.load;
        let peak = (0..len)
            .max_by(|a, b| load[*a].total_cmp(&load[*b]))
            .unwrap();
        let half = (PEAK_HOURS * 3600 / period.num_seconds().max(1)) as usize;
        let range = peak.saturating_sub(half)..(peak + half).min(len);
        let y_max = load
            .iter()
            .chain(&periods.capacity)
            .copied()
            .fold(1.0, f64::max)
            * 1.7;
        (buckets, (range.len() * 4 < len).then_some(range), y_max)
    }

    #[test]
    fn built_period_by_period_as_from_all_periods() {
        let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00+08:00").unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for (len, step) in [
            (1, 60),
            (2, 60),
            (1199, 60),
            (1200, 1),
            (1201, 1),
            (86_400, 1),
            (30_000, 60),
            (5_000, 3600),
        ] {
            for peak_at in [0, len / 2, len - 1] {
                let mut periods = Periods::default();
                for index in 0..len {
                    let load = if index == peak_at {
                        1e6
                    } else {
                        rng.random_range(0.0..1000.0)
                    };
                    periods.add(
                        start + TimeDelta::seconds((index * step) as i64),
                        load,
                        rng.random_range(0.0..2000.0),
                        u32::from(rng.random_range(0..10) == 0),
                        if rng.random_range(0..7) == 0 {
                            step as f64 / 2.0
                        } else {
                            0.0
                        },
                    );
                }
                // A tie later than the peak wins.
                if len > 3 && peak_at == 0 {
                    periods.load[len - 2] = 1e6;
                }
                let series = TimelineSeries::new("p", periods.clone(), vec![], None);
                let (buckets, range, y_max) = reference(&periods);
                assert_eq!(series.buckets, buckets, "{len} {step} {peak_at}");
                assert_eq!(series.y_max(), y_max);
                assert_eq!(
                    peak_window(std::slice::from_ref(&series)),
                    range.clone().filter(|range| !range.is_empty())
                );
                if let Some(range) = range.filter(|range| !range.is_empty()) {
                    let slice = series.slice(range.clone()).unwrap();
                    assert_eq!(slice, series.slice_of(&periods, range));
                }
            }
        }
    }
}
