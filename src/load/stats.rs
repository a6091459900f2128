//! The first look at a trace: totals, rate percentiles, peak-to-median, daily profile.

use super::Trace;
use super::trace::FileTimes;
use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

/// The clock a daily profile's hours are read on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProfileClock {
    /// As the file writes its times: in its own UTC offsets, in UTC for epoch seconds, and in
    /// hours from the first row for offsets.
    File,
    /// Local time in an IANA zone, daylight saving included.
    Zone(Tz),
}

/// Summary statistics of a trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStats {
    /// Buckets in the trace.
    pub buckets: usize,
    /// Bucket length, seconds.
    pub step_seconds: u64,
    /// Span covered, seconds.
    pub duration_seconds: u64,
    /// Total requests.
    pub total_requests: f64,
    /// Mean rate, requests per second.
    pub mean_rps: f64,
    /// Rate percentiles over buckets (nearest rank): p50, p90, p99.
    pub p50_rps: f64,
    /// See `p50_rps`.
    pub p90_rps: f64,
    /// See `p50_rps`.
    pub p99_rps: f64,
    /// Largest bucket rate.
    pub peak_rps: f64,
    /// Peak over median: how much headroom a fixed fleet needs.
    pub peak_to_median: Option<f64>,
    /// Mean rate per hour of the day, on the clock `profile_clock` names.
    pub daily_profile_rps: Vec<f64>,
    /// What the profile's hours are: an IANA zone, the file's own offsets (`UTC+08:00`),
    /// `UTC`, or `hours from the first row` for a trace of offsets.
    pub profile_clock: String,
}

/// Statistics of `trace`, whose time 0 is `origin` (epoch seconds), with the daily profile on
/// `clock`.
pub fn stats(trace: &Trace, origin: i64, clock: ProfileClock) -> TraceStats {
    let mut sorted = trace.rates.clone();
    sorted.sort_by(f64::total_cmp);
    let rank = |q: f64| -> f64 {
        if sorted.is_empty() {
            return 0.0;
        }
        let index = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[index]
    };
    let mut hours = [(0.0f64, 0u64); 24];
    // Offsets change at most every quarter hour: look one up per quarter, not per bucket.
    let mut cached: Option<(i64, i64)> = None;
    let mut local_offset = |time: i64| -> i64 {
        let quarter = (origin + time).div_euclid(900);
        if let Some((at, offset)) = cached
            && at == quarter
        {
            return offset;
        }
        let offset = match clock {
            ProfileClock::File => trace
                .times
                .offset_at(time)
                .map_or(0, |offset| i64::from(offset.local_minus_utc())),
            ProfileClock::Zone(zone) => {
                DateTime::from_timestamp(origin + time, 0).map_or(0, |at| {
                    i64::from(
                        zone.offset_from_utc_datetime(&at.naive_utc())
                            .fix()
                            .local_minus_utc(),
                    )
                })
            }
        };
        cached = Some((quarter, offset));
        offset
    };
    for (index, rate) in trace.rates.iter().enumerate() {
        let time = trace.start + index as i64 * trace.step as i64;
        let at = match (clock, &trace.times) {
            // Offsets have no calendar: hour 0 is the first row's.
            (ProfileClock::File, FileTimes::Offsets) => time - trace.span.0,
            _ => origin + time + local_offset(time),
        };
        let hour = at.rem_euclid(86_400) / 3600;
        hours[hour as usize].0 += rate;
        hours[hour as usize].1 += 1;
    }
    let median = rank(0.5);
    let peak = sorted.last().copied().unwrap_or(0.0);
    TraceStats {
        buckets: trace.rates.len(),
        step_seconds: trace.step,
        duration_seconds: trace.step * trace.rates.len() as u64,
        total_requests: trace.total_requests(),
        mean_rps: trace.rates.iter().sum::<f64>() / trace.rates.len().max(1) as f64,
        p50_rps: median,
        p90_rps: rank(0.9),
        p99_rps: rank(0.99),
        peak_rps: peak,
        peak_to_median: (median > 0.0).then(|| peak / median),
        daily_profile_rps: hours
            .iter()
            .map(|(sum, count)| if *count > 0 { sum / *count as f64 } else { 0.0 })
            .collect(),
        profile_clock: match (clock, &trace.times) {
            (ProfileClock::Zone(zone), _) => zone.name().to_string(),
            (ProfileClock::File, FileTimes::Offsets) => "hours from the first row".to_string(),
            (ProfileClock::File, FileTimes::Epoch) => "UTC".to_string(),
            (ProfileClock::File, times) => {
                let offsets: Vec<String> = times
                    .offsets()
                    .iter()
                    .map(|offset| format!("UTC{offset}"))
                    .collect();
                offsets.join(" and ")
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_profile_and_totals() {
        let rates: Vec<f64> = (0..48)
            .map(|hour| if hour % 24 == 12 { 10.0 } else { 1.0 })
            .collect();
        let total = rates.iter().sum::<f64>() * 3600.0;
        let trace = Trace {
            start: 0,
            step: 3600,
            rates,
            notes: vec![],
            total,
            span: (0, 48 * 3600),
            times: FileTimes::Zoned(vec![(0, chrono::FixedOffset::east_opt(0).unwrap())]),
        };
        let summary = stats(&trace, 0, ProfileClock::File);
        assert_eq!(summary.total_requests, (46.0 + 20.0) * 3600.0);
        assert_eq!(
            (summary.p50_rps, summary.p90_rps, summary.peak_rps),
            (1.0, 1.0, 10.0)
        );
        assert_eq!(summary.p99_rps, 10.0);
        assert_eq!(summary.peak_to_median, Some(10.0));
        assert_eq!(summary.daily_profile_rps[12], 10.0);
        assert_eq!(summary.daily_profile_rps[11], 1.0);
        assert_eq!(summary.profile_clock, "UTC+00:00");
        // In Shanghai (UTC+8), the noon UTC peak shows at 20:00.
        let shanghai = stats(&trace, 0, ProfileClock::Zone(chrono_tz::Asia::Shanghai));
        assert_eq!(shanghai.daily_profile_rps[20], 10.0);
        assert_eq!(shanghai.profile_clock, "Asia/Shanghai");
        // A file written in +08:00 shows its own hours with no flag.
        let zoned = Trace {
            times: FileTimes::Zoned(vec![(0, chrono::FixedOffset::east_opt(8 * 3600).unwrap())]),
            ..trace.clone()
        };
        assert_eq!(
            stats(&zoned, 0, ProfileClock::File).daily_profile_rps[20],
            10.0
        );
    }
}
