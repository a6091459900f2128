//! Predictive scaling's forecast: the next hours' peak load from the load's own history.
//!
//! Model: a daily seasonal profile. The forecast for an hour is the mean of the same hour's
//! peak on each of the previous days that are already history (up to `max_days`, 14 as AWS
//! reads). Why this one: request traces are dominated by the daily cycle (the NASA 1995 logs,
//! lunch peaks, office hours); averaging many days damps one-off bursts; it needs no fitting,
//! so it is deterministic and explainable in an activity record; and it uses only data before
//! the forecast time. Weekly effects are smoothed, not modelled: a seven-day-lag model needs two
//! weeks of history before it says anything, where AWS starts forecasting after one day.

/// Hourly peaks (requests per second) of `values`, a load sampled every `period` seconds.
pub fn hourly_peaks(values: &[f64], period: u64) -> Vec<f64> {
    let per_hour = (3600 / period.max(1)).max(1) as usize;
    values
        .chunks(per_hour)
        .map(|hour| hour.iter().copied().fold(0.0, f64::max))
        .collect()
}

/// Forecast peak for absolute hour `hour`, made at hour `now` (only hours before `now` are
/// known), from the previous `max_days` days; `None` with less than one day of history.
pub fn forecast_peak(peaks: &[f64], hour: usize, now: usize, max_days: usize) -> Option<f64> {
    let known: Vec<f64> = (1..=max_days.max(1) + 2)
        .filter_map(|days_back| hour.checked_sub(24 * days_back))
        .filter(|past| *past < now && *past < peaks.len())
        .take(max_days.max(1))
        .map(|past| peaks[past])
        .collect();
    (!known.is_empty() && now >= 24).then(|| known.iter().sum::<f64>() / known.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hourly_peaks_take_the_maximum_of_each_hour() {
        let values: Vec<f64> = (0..180).map(|minute| (minute % 60) as f64).collect();
        assert_eq!(hourly_peaks(&values, 60), vec![59.0, 59.0, 59.0]);
    }

    #[test]
    fn a_repeating_day_is_forecast_exactly_and_only_from_the_past() {
        let day: Vec<f64> = (0..24)
            .map(|hour| {
                if (11..13).contains(&hour) {
                    300.0
                } else {
                    100.0
                }
            })
            .collect();
        let peaks: Vec<f64> = day.iter().cycle().take(24 * 5).copied().collect();
        // At hour 30 (day 2, 06:00) the forecast for day 2 11:00 and day 3 12:00.
        assert_eq!(forecast_peak(&peaks, 24 + 11, 30, 14), Some(300.0));
        assert_eq!(forecast_peak(&peaks, 48 + 12, 30, 14), Some(300.0));
        assert_eq!(forecast_peak(&peaks, 48 + 3, 30, 14), Some(100.0));
        // Less than a day of history: no forecast.
        assert_eq!(forecast_peak(&peaks, 30, 20, 14), None);
    }

    #[test]
    fn several_days_are_averaged() {
        let mut peaks = vec![100.0; 24 * 3];
        peaks[10] = 400.0; // a burst on day 0 at 10:00
        // Day 3 10:00 from days 0, 1, 2: (400 + 100 + 100) / 3.
        assert_eq!(forecast_peak(&peaks, 72 + 10, 72, 14), Some(200.0));
        // With a one-day window only day 2 counts.
        assert_eq!(forecast_peak(&peaks, 72 + 10, 72, 1), Some(100.0));
    }
}
