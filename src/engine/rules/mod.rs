//! The rules that drive themselves or bend the one-activity gate: step rules (AWS bounds and
//! warmup), target tracking (generated alarms), the Kubernetes HPA, and predictive scaling.
//! Each follows the cloud named in its doc comment; decisions are computed by `scaling`.
//! This module holds simple and step rules; one submodule per other kind.

use super::{
    ActivityStatus, Cause, Event, ForecastPoint, GroupState, Instance, InstanceState,
    ScalingActivity, Simulation, Streaks,
};
use crate::model::{Adjustment, Metric, PredictiveMode};
use crate::scaling::{self, Decision};
use crate::time::{Seconds, SimTime};
use std::collections::VecDeque;

mod hpa;
mod predictive;
mod tracking;

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
    pub(super) fn warming(&self, now: SimTime, warmup: Seconds) -> bool {
        self.fleet
            .live
            .iter()
            .any(|index| !self.fleet.instances[*index].warm(now, warmup))
    }

    /// In-service instances past their warmup: the capacity a step adjustment applies to.
    pub(super) fn settled(&self, now: SimTime, warmup: Seconds) -> u32 {
        self.fleet
            .live
            .iter()
            .filter(|index| self.fleet.instances[**index].warm(now, warmup))
            .count() as u32
    }
}

impl Instance {
    /// In service and past `warmup`; instances running before the run started are warm.
    pub(super) fn warm(&self, now: SimTime, warmup: Seconds) -> bool {
        self.state == InstanceState::InService
            && (!self.launched_in_run || self.in_service_at.saturating_add(warmup) <= now)
    }
}

/// Why a step rule's alarm changes nothing; its `Display` is the activity history's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Skip {
    /// The period had no sample (no instance in service).
    NoDatapoint,
    /// No step's bounds hold the breach.
    NoStep,
    /// Scale-out: instances still warming already give the step's capacity (AWS warmup).
    WarmingCovers,
    /// Scale-in waits until no instance is warming (AWS).
    AwaitingWarmup,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Skip::NoDatapoint => "no datapoint",
            Skip::NoStep => "no step covers the breach",
            Skip::WarmingCovers => "warming instances already cover this step",
            Skip::AwaitingWarmup => "scale-in waits for instance warmup",
        })
    }
}

/// A target-tracking alarm that fired at the end of the last period.
#[derive(Debug, Clone, Copy)]
pub(super) struct TrackingTrigger {
    pub(super) group: usize,
    /// Index among the group's target-tracking rules.
    pub(super) rule: usize,
    /// The high alarm (scale out) or the low one (scale in).
    pub(super) scale_out: bool,
    /// ceil(in service x value / target): the capacity the rule asks for.
    pub(super) capacity: u32,
    /// The metric's value in the period.
    pub(super) value: f64,
}

/// One period's metrics of a group with target-tracking rules.
#[derive(Debug, Clone, Copy)]
pub(super) struct TrackingSample {
    pub(super) group: usize,
    /// Served / in-service capacity (`None`: nothing in service).
    pub(super) utilization: Option<f64>,
    /// Mean requests per second per in-service instance.
    pub(super) per_instance: Option<f64>,
}

/// HPA memory: recent recommendations (stabilization) and changes (scaling policies).
#[derive(Debug, Clone, Default)]
pub(super) struct HpaState {
    /// Raw recommendations of the last stabilization window, oldest first.
    recommendations: VecDeque<(SimTime, u32)>,
    /// Replicas added, and removed, by each scaling of the longest policy period.
    up_events: Vec<crate::scaling::hpa::ScaleEvent>,
    down_events: Vec<crate::scaling::hpa::ScaleEvent>,
}

impl Simulation<'_, '_> {
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
    ) -> Result<Decision, Skip> {
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
        let delta = datapoint.ok_or(Skip::NoDatapoint)? - alarm.threshold;
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
            .ok_or(Skip::NoStep)?;
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
            return Err(Skip::WarmingCovers);
        }
        if state.warming(now, steps.warmup) {
            return Err(Skip::AwaitingWarmup);
        }
        Ok(scaling::apply(
            adjustment,
            state.desired,
            state.lower_bound(),
            state.max,
            rounding,
        ))
    }
}
