//! The first look at a trace: totals, rate percentiles, peak-to-median, daily profile.

use super::Trace;
use serde::Serialize;

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
    /// Mean rate per hour of the day (hour 0 = the trace's clock hour 0).
    pub daily_profile_rps: Vec<f64>,
}

/// Statistics of `trace`; `hour_offset_seconds` shifts the daily profile to local time.
pub fn stats(trace: &Trace, hour_offset_seconds: i64) -> TraceStats {
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
    for (index, rate) in trace.rates.iter().enumerate() {
        let at = trace.start + index as i64 * trace.step as i64 + hour_offset_seconds;
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
        };
        let summary = stats(&trace, 0);
        assert_eq!(summary.total_requests, (46.0 + 20.0) * 3600.0);
        assert_eq!(
            (summary.p50_rps, summary.p90_rps, summary.peak_rps),
            (1.0, 1.0, 10.0)
        );
        assert_eq!(summary.p99_rps, 10.0);
        assert_eq!(summary.peak_to_median, Some(10.0));
        assert_eq!(summary.daily_profile_rps[12], 10.0);
        assert_eq!(summary.daily_profile_rps[11], 1.0);
        // Shifted to UTC+8, the noon peak shows at 20:00.
        assert_eq!(stats(&trace, 8 * 3600).daily_profile_rps[20], 10.0);
    }
}
