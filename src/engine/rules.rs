//! The rules that drive themselves or bend the one-activity gate: step rules (AWS bounds and
//! warmup), target tracking (generated alarms), the Kubernetes HPA, and predictive scaling.
//! Each follows the cloud named in its doc comment; decisions are computed by `policy`.

use super::{
    ActivityStatus, Cause, Event, ForecastPoint, GroupState, Instance, InstanceState,
    ScalingActivity, Simulation,
};
use crate::model::{Adjustment, Metric, PredictiveMode};
use crate::scaling::{self, Decision, forecast, hpa};
use crate::time::{Seconds, SimTime};
use std::collections::VecDeque;

/// Hours between forecast refreshes (AWS: every 6 hours).
const FORECAST_REFRESH_HOURS: u64 = 6;
/// Hours each forecast covers (AWS: 48).
const FORECAST_HORIZON_HOURS: usize = 48;

impl GroupState {
    /// Lowest desired capacity rules may choose: min, or the predictive floor of the hour
    /// ("combined by taking the maximum", AWS predictive scaling).
    pub(super) fn lower_bound(&self) -> u32 {
        self.min.max(self.floor).min(self.max)
    }

    /// Whether any live instance is booting or still inside `warmup` after entering service.
    fn warming(&self, now: SimTime, warmup: Seconds) -> bool {
        self.live
            .iter()
            .any(|index| !self.instances[*index].warm(now, warmup))
    }

    /// In-service instances past their warmup: the capacity a step adjustment applies to.
    fn settled(&self, now: SimTime, warmup: Seconds) -> u32 {
        self.live
            .iter()
            .filter(|index| self.instances[**index].warm(now, warmup))
            .count() as u32
    }
}

impl Instance {
    /// In service and past `warmup`; instances running before the run started are warm.
    fn warm(&self, now: SimTime, warmup: Seconds) -> bool {
        self.state == InstanceState::InService
            && (!self.launched_in_run || self.in_service_at.saturating_add(warmup) <= now)
    }
}

/// HPA memory: recent recommendations (stabilization) and changes (scaling policies).
#[derive(Debug, Clone, Default)]
pub(super) struct HpaState {
    recommendations: VecDeque<(SimTime, u32)>,
    changes: VecDeque<(SimTime, i64)>,
}

impl Simulation<'_> {
    /// What an alarm's rule would do now, or why it does nothing.
    ///
    /// Simple rules apply their adjustment to desired capacity. Step rules (AWS
    /// `StepAdjustments`) pick the step holding `datapoint - threshold` (above the threshold the
    /// lower bound is inclusive, below it the upper bound), then: a scale-out applies to the
    /// instances past their warmup and acts only if that exceeds desired capacity, so warming
    /// instances count toward the next scale-out and repeated breaches of one step launch once;
    /// a scale-in waits until no instance is warming.
    pub(super) fn alarm_decision(
        &self,
        group_index: usize,
        alarm_index: usize,
        datapoint: Option<f64>,
        now: SimTime,
    ) -> Result<Decision, &'static str> {
        let group = &self.scenario.groups[group_index];
        let alarm = &group.alarms[alarm_index];
        let rule = &group.rules[alarm.rule];
        let state = &self.groups[group_index];
        let rounding = self.scenario.rounding;
        let Some(steps) = &rule.steps else {
            return Ok(scaling::apply(
                rule.adjustment,
                state.desired,
                state.lower_bound(),
                state.max,
                rounding,
            ));
        };
        let delta = datapoint.ok_or("no datapoint")? - alarm.threshold;
        let above = delta >= 0.0;
        let step = steps
            .steps
            .iter()
            .find(|step| {
                let lower = step.lower.unwrap_or(f64::NEG_INFINITY);
                let upper = step.upper.unwrap_or(f64::INFINITY);
                if above {
                    lower <= delta && delta < upper
                } else {
                    lower < delta && delta <= upper
                }
            })
            .ok_or("no step covers the breach")?;
        let adjustment = match rule.adjustment {
            Adjustment::Change(_) => Adjustment::Change(step.value as i64),
            Adjustment::Percent { min_magnitude, .. } => Adjustment::Percent {
                percent: step.value,
                min_magnitude,
            },
            Adjustment::Exact(_) => Adjustment::Exact(step.value as u32),
        };
        let out = match adjustment {
            Adjustment::Change(change) => change > 0,
            Adjustment::Percent { percent, .. } => percent > 0.0,
            Adjustment::Exact(value) => value > state.desired,
        };
        if out {
            let base = state.settled(now, steps.warmup);
            let decision =
                scaling::apply(adjustment, base, state.lower_bound(), state.max, rounding);
            if decision.desired > state.desired {
                return Ok(decision);
            }
            return Err("warming instances already cover this step");
        }
        if state.warming(now, steps.warmup) {
            return Err("scale-in waits for instance warmup");
        }
        Ok(scaling::apply(
            adjustment,
            state.desired,
            state.lower_bound(),
            state.max,
            rounding,
        ))
    }

    /// Feeds one period's metric to the group's target-tracking alarms (AWS: high after 3
    /// one-minute datapoints above the target, low after 15 below a lower threshold) and queues
    /// the ones that fire. Missing data (no instance in service) resets both counts: AWS does
    /// not scale on INSUFFICIENT_DATA.
    pub(super) fn track_targets(
        &mut self,
        group_index: usize,
        utilization: Option<f64>,
        per_instance: Option<f64>,
    ) {
        let group = &self.scenario.groups[group_index];
        let state = &mut self.groups[group_index];
        for (rule_index, rule) in group.target_tracking.iter().enumerate() {
            let value = match rule.metric {
                Metric::Cpu => utilization.map(|value| 100.0 * value),
                _ => per_instance,
            };
            let counts = &mut state.tracking[rule_index];
            let Some(value) = value else {
                *counts = (0, 0);
                continue;
            };
            counts.0 = if value > rule.target { counts.0 + 1 } else { 0 };
            counts.1 = if value < rule.scale_in_ratio * rule.target {
                counts.1 + 1
            } else {
                0
            };
            // AWS rounds conservatively: ceil of the capacity needed, out or in.
            let needed = (state.in_service as f64 * value / rule.target).ceil() as u32;
            if counts.0 >= rule.scale_out_periods {
                self.tracking_triggers
                    .push((group_index, rule_index, true, needed, value));
            } else if counts.1 >= rule.scale_in_periods && !rule.disable_scale_in {
                self.tracking_triggers
                    .push((group_index, rule_index, false, needed, value));
            }
        }
    }

    /// Acts on the target-tracking alarms that fired: scale out if any rule asks (to the largest
    /// capacity asked), scale in only if every rule with scale-in enabled asks and no instance
    /// is warming (AWS). Neither the cooldown nor an activity in progress blocks them; warming
    /// and booting instances count toward desired capacity, so a held alarm does not launch
    /// again for the same shortfall (the CloudSim Plus #337 double launch).
    pub(super) fn act_on_tracking(&mut self, now: SimTime) {
        let triggers = std::mem::take(&mut self.tracking_triggers);
        for group_triggers in triggers.chunk_by(|a, b| a.0 == b.0) {
            let group_index = group_triggers[0].0;
            let group = &self.scenario.groups[group_index];
            let state = &self.groups[group_index];
            let outs: Vec<_> = group_triggers.iter().filter(|trigger| trigger.2).collect();
            let (target, chosen) = if let Some(best) = outs.iter().max_by_key(|trigger| trigger.3) {
                (best.3.clamp(state.lower_bound(), state.max), *best)
            } else {
                let voting = group
                    .target_tracking
                    .iter()
                    .filter(|rule| !rule.disable_scale_in)
                    .count();
                let warmup = group
                    .target_tracking
                    .iter()
                    .map(|rule| rule.warmup)
                    .max()
                    .unwrap_or(0);
                if group_triggers.len() < voting || state.warming(now, warmup) {
                    continue;
                }
                let best = group_triggers
                    .iter()
                    .max_by_key(|trigger| trigger.3)
                    .expect("non-empty");
                (best.3.clamp(state.lower_bound(), state.max), best)
            };
            let scale_out = chosen.2;
            if (scale_out && target <= state.desired) || (!scale_out && target >= state.desired) {
                continue;
            }
            let rule = &group.target_tracking[chosen.1];
            let metric = if rule.metric == Metric::Cpu {
                "cpu"
            } else {
                "requests_per_instance"
            };
            let mut activity = ScalingActivity::unchanged(
                group_index,
                Cause::TargetTracking { rule: chosen.1 },
                now,
                state.desired,
                ActivityStatus::NoChange,
            );
            activity.reason = format!(
                "{metric} {} {} target {} for {} period(s): ceil({} x {} / {}) = {}: {} -> {target}",
                crate::number::trim_float(chosen.4),
                if scale_out { ">" } else { "<" },
                crate::number::trim_float(if scale_out {
                    rule.target
                } else {
                    rule.scale_in_ratio * rule.target
                }),
                if scale_out {
                    rule.scale_out_periods
                } else {
                    rule.scale_in_periods
                },
                state.in_service,
                crate::number::trim_float(chosen.4),
                crate::number::trim_float(rule.target),
                chosen.3,
                state.desired
            );
            self.change_capacity(activity, target, 0);
        }
        self.tracking_triggers = triggers;
        self.tracking_triggers.clear();
    }

    /// One HPA sync (Kubernetes `horizontal-pod-autoscaler-sync-period`): the replica
    /// calculation over in-service (ready) and booting (not ready, no metrics yet) instances,
    /// the scale-down stabilization window (highest recommendation), the scaling policies
    /// (scale-up: the larger of +percent and +instances per period; scale-down: -percent per
    /// period), then min / max.
    pub(super) fn hpa_sync(&mut self, group_index: usize, now: SimTime) {
        let group = &self.scenario.groups[group_index];
        let Some(rule) = &group.hpa else { return };
        if now + rule.sync_period < self.scenario.duration {
            self.queue.push(
                now + rule.sync_period,
                Event::HpaSync { group: group_index },
            );
        }
        let state = &mut self.groups[group_index];
        let (load, capacity) = (state.load, state.unit_capacity);
        let ready = state.in_service;
        let (target, value_per_ready, request) = match rule.metric {
            // CPU usage cannot exceed an instance's capacity.
            Metric::Cpu => (
                hpa::Target::Utilization(rule.target),
                (load / (ready.max(1) as f64)).min(capacity),
                capacity,
            ),
            _ => (
                hpa::Target::AverageValue(rule.target),
                load / ready.max(1) as f64,
                1.0,
            ),
        };
        let pods: Vec<hpa::Pod> = (0..ready)
            .map(|_| hpa::Pod {
                phase: hpa::Phase::Running,
                ready: true,
                value: Some(value_per_ready),
                request,
            })
            .chain((0..state.pending).map(|_| hpa::Pod {
                phase: hpa::Phase::Running,
                ready: false,
                value: None,
                request,
            }))
            .collect();
        let current = state.desired;
        let recommended = if ready == 0 {
            current
        } else {
            hpa::replicas(current, &pods, target, rule.tolerance)
        };
        let history = &mut state.hpa;
        history.recommendations.push_back((now, recommended));
        while history
            .recommendations
            .front()
            .is_some_and(|(at, _)| *at + rule.stabilization_window < now)
        {
            history.recommendations.pop_front();
        }
        while history
            .changes
            .front()
            .is_some_and(|(at, _)| *at + rule.policy_period <= now)
        {
            history.changes.pop_front();
        }
        // Scale-down stabilization: the highest recommendation of the window.
        let stabilized = if recommended < current {
            history
                .recommendations
                .iter()
                .map(|(_, value)| *value)
                .max()
                .unwrap_or(recommended)
                .min(current)
        } else {
            recommended
        };
        let added: i64 = history
            .changes
            .iter()
            .filter(|(_, change)| *change > 0)
            .map(|(_, change)| change)
            .sum();
        let removed: i64 = history
            .changes
            .iter()
            .filter(|(_, change)| *change < 0)
            .map(|(_, change)| -change)
            .sum();
        let mut desired = stabilized;
        if desired > current {
            let start = (current as i64 - added).max(0) as f64;
            let by_percent = (start * (1.0 + rule.scale_up_percent / 100.0)).ceil();
            let by_instances = start + rule.scale_up_instances as f64;
            desired = desired.min(by_percent.max(by_instances) as u32);
        } else if desired < current {
            let start = current as i64 + removed;
            let limit = start - (start as f64 * rule.scale_down_percent / 100.0).ceil() as i64;
            desired = desired.max(limit.max(0) as u32);
        }
        let desired = desired.clamp(state.lower_bound(), state.max);
        if desired == current {
            return;
        }
        state
            .hpa
            .changes
            .push_back((now, desired as i64 - current as i64));
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Hpa,
            now,
            current,
            ActivityStatus::NoChange,
        );
        let metric = match rule.metric {
            Metric::Cpu => format!(
                "cpu {}%",
                crate::number::trim_float(100.0 * value_per_ready / capacity)
            ),
            _ => format!(
                "requests_per_instance {}",
                crate::number::trim_float(value_per_ready)
            ),
        };
        activity.reason = format!(
            "{metric} vs target {} over {ready} ready and {} booting: recommends {recommended}, stabilized {stabilized}, after policies and bounds {desired}: {current} -> {desired}",
            crate::number::trim_float(rule.target),
            state.pending
        );
        self.change_capacity(activity, desired, 0);
    }

    /// Hourly peaks of the group's load, computed on first use (predictive groups only).
    fn hour_peaks(&mut self, group_index: usize) -> &[f64] {
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
    pub(super) fn predictive_forecast(&mut self, group_index: usize, now: SimTime) {
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
            let capacity = (load / per_instance).ceil() as u32;
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
    pub(super) fn predictive_hour(&mut self, group_index: usize, hour: usize, now: SimTime) {
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
        state.floor = capacity.min(state.max);
        let target = state.floor.max(state.min);
        if target <= state.desired {
            return;
        }
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Predictive,
            now,
            state.desired,
            ActivityStatus::NoChange,
        );
        activity.reason = format!(
            "forecast peak {} rps for the hour from {} needs {capacity} instance(s) at {}% CPU: {} -> {target}",
            crate::number::trim_float((load * 10.0).round() / 10.0),
            self.scenario.clock.format(hour as u64 * 3600),
            crate::number::trim_float(rule.target_cpu),
            state.desired
        );
        self.change_capacity(activity, target, 0);
    }
}
