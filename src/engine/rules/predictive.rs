//! Predictive scaling (AWS, ESS): a daily seasonal forecast that pre-launches capacity.

use super::*;
use crate::model::MaxCapacityBreach;
use crate::scaling::forecast;

impl Simulation<'_, '_> {
    /// Hourly peaks of the group's load, computed on first use (predictive groups only).
    pub(in crate::engine) fn hour_peaks(&mut self, group_index: usize) -> &[f64] {
        if self.hour_peaks[group_index].is_empty() {
            let ticks = self.scenario.ticks().min(self.load.values.len());
            let state = &self.groups[group_index];
            let period = self.scenario.metric_period;
            self.hour_peaks[group_index] = match &state.own_load {
                Some(values) => forecast::hourly_peaks(&values[..ticks], period),
                None => forecast::hourly_peaks(&self.load.values[..ticks], period)
                    .into_iter()
                    .map(|peak| peak * state.load_share)
                    .collect(),
            };
        }
        &self.hour_peaks[group_index]
    }

    /// Refreshes the group's forecast (AWS: needs 24 hours of history, reads up to 14 days,
    /// forecasts 48 hours hourly, refreshes every 6 hours) and schedules each new hour's
    /// preparation a buffer ahead of it.
    pub(in crate::engine) fn predictive_forecast(&mut self, group_index: usize, now: SimTime) {
        let group = &self.scenario.groups[group_index];
        let Some(rule) = group.predictive.clone() else {
            return;
        };
        let next = now + FORECAST_REFRESH_HOURS * 3600;
        if next < self.scenario.duration {
            self.queue
                .push(next, Event::PredictiveForecast { group: group_index });
        }
        let per_instance = self.groups[group_index].unit_capacity * rule.target_cpu / 100.0;
        let now_hour = (now / 3600) as usize;
        let max_days = (rule.history / 86_400) as usize;
        let last_hour = (self.scenario.duration.div_ceil(3600)) as usize;
        let peaks = self.hour_peaks(group_index).to_vec();
        let forecasts = &mut self.predictions[group_index];
        if forecasts.len() < last_hour {
            forecasts.resize(last_hour, None);
        }
        let horizon = (now_hour + FORECAST_HORIZON_HOURS).min(last_hour);
        for (hour, slot) in forecasts
            .iter_mut()
            .enumerate()
            .take(horizon)
            .skip(now_hour)
        {
            let Some(peak) = forecast::forecast_peak(&peaks, hour, now_hour, max_days) else {
                continue;
            };
            let load = peak;
            let capacity = crate::number::ceil(load / per_instance) as u32;
            let new_hour = slot.is_none();
            *slot = Some((load, capacity));
            let prepare = (hour as u64 * 3600).saturating_sub(rule.buffer);
            if new_hour && prepare >= now && prepare < self.scenario.duration {
                self.queue.push(
                    prepare,
                    Event::PredictiveHour {
                        group: group_index,
                        hour,
                    },
                );
            }
        }
    }

    /// A buffer before a forecast hour: record the forecast, and in forecast-and-scale mode
    /// raise desired capacity to it and hold that floor through the hour. Predictive scaling
    /// never scales in (AWS); other rules may go higher.
    pub(in crate::engine) fn predictive_hour(
        &mut self,
        group_index: usize,
        hour: usize,
        now: SimTime,
    ) {
        let group = &self.scenario.groups[group_index];
        let Some(rule) = &group.predictive else {
            return;
        };
        let Some((load, capacity)) = self.predictions[group_index].get(hour).copied().flatten()
        else {
            return;
        };
        let actual = self
            .hour_peaks(group_index)
            .get(hour)
            .copied()
            .unwrap_or(0.0);
        self.forecasts.push(ForecastPoint {
            group: group_index,
            hour_start: hour as u64 * 3600,
            forecast_rps: load,
            capacity,
            actual_rps: actual,
        });
        if rule.mode == PredictiveMode::ForecastOnly {
            return;
        }
        let state = &mut self.groups[group_index];
        // AWS IncreaseMaxCapacity: max rises to the forecast plus MaxCapacityBuffer percent
        // (forecast 50, max 40, buffer 10: 55), rounded up, and is the group's max from then
        // on (API reference, PredictiveScalingConfiguration).
        let mut raised = None;
        if rule.max_capacity_breach == MaxCapacityBreach::Increase {
            // Rounded up, a whole result within the tie staying whole (50 x 1.1 is 55).
            let limit =
                crate::number::ceil(capacity as f64 * (100.0 + rule.max_capacity_buffer) / 100.0)
                    as u32;
            if limit > state.max {
                raised = Some((state.max, limit));
                state.max = limit;
            }
        }
        state.floor = capacity.min(state.max);
        let target = state.floor.max(state.min);
        // A raised max is said even when desired capacity does not move.
        if target <= state.desired && raised.is_none() {
            return;
        }
        let target = target.max(state.desired);
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Predictive,
            now,
            state.desired,
            ActivityStatus::NoChange,
        );
        activity.reason = format!(
            "forecast peak {} rps for the hour from {} needs {capacity} instance(s) at {}% CPU{}: {} -> {target}",
            crate::number::trim_float((load * 10.0).round() / 10.0),
            self.scenario.clock.format(hour as u64 * 3600),
            crate::number::trim_float(rule.target_cpu),
            raised.map_or(String::new(), |(from, to)| format!(
                "; max capacity raised {from} -> {to} (IncreaseMaxCapacity, buffer {}%)",
                crate::number::trim_float(rule.max_capacity_buffer)
            )),
            state.desired
        );
        self.change_capacity(activity, target, 0);
    }
}
