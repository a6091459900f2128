//! Quiet stretches: runs of metric periods in which only the load changes — no event due, no
//! trigger waiting, the fleet constant — replayed by a loop that does only what such a
//! period needs, with the general loop's arithmetic in the general loop's order, so the
//! outcome is the same to the bit (tested against `RunOptions::stepwise` on every bundled
//! scenario and on random ones).
//!
//! Taken when the run has one group, no latency model, no target-tracking or HPA rule (their
//! per-period samples), and only alarms evaluated once per metric period by the consecutive
//! rule on an average, maximum or minimum (one sample a period: the datapoint is the sample).
//! Anything else, and every period with an event, takes the general loop. Timeline rows are
//! handed to the sink as the general loop hands them. A stretch ends after the period in which
//! an alarm fires; the run loop acts on it at the next period's start (the call the general
//! loop makes first when no event is due), and the next stretch starts there unless the action
//! queued an event inside that period: an alarm held at a bound or in a cooldown, which fires
//! every period, costs one call a period, not a period of the general loop.

use super::alarms::AlarmTrigger;
use super::skip::{self, BLOCK, Extremes};
use super::{RunOptions, Simulation, TimelineRow};
use crate::load::LoadSeries;
use crate::model::{Comparison, Metric, Scenario, Statistic};
use crate::number;

/// Most alarms a quiet loop evaluates (their streaks live in registers, not the heap).
const MAX_ALARMS: usize = 8;

/// Utilization samples a quiet loop gathers before handing them to `Samples` at once.
const SAMPLE_BLOCK: usize = 256;

/// One alarm as a quiet period evaluates it: `Comparison::holds` as one branch-free test,
/// `((value > above) | (value < below)) != negate`, the unused bound infinite.
#[derive(Debug, Clone, Copy)]
struct QuietAlarm {
    metric: Metric,
    above: f64,
    below: f64,
    negate: bool,
    periods: u32,
}

/// The run's quiet-stretch plan: `None` when its scenario does not allow one.
#[derive(Debug, Clone)]
pub(super) struct Quiet {
    alarms: Vec<QuietAlarm>,
    /// Utilization samples a stretch gathers before handing them to `Samples` at once (kept
    /// here: zeroing a fresh block at every stretch cost more than it saved on short ones).
    samples: [u32; SAMPLE_BLOCK],
    /// Summary-only runs: the load's block extremes, for jumps (`engine/skip.rs`).
    extremes: Option<Extremes>,
}

impl Quiet {
    /// The plan for `scenario` run on `load` with `options`, or `None` (see the module's
    /// conditions).
    pub(super) fn plan(
        scenario: &Scenario,
        load: &LoadSeries,
        options: RunOptions,
    ) -> Option<Quiet> {
        let [group] = scenario.groups.as_slice() else {
            return None;
        };
        if scenario.sla.latency_model.is_some()
            || !group.target_tracking.is_empty()
            || group.hpa.is_some()
            || group.alarms.len() > MAX_ALARMS
        {
            return None;
        }
        let alarms = group
            .alarms
            .iter()
            .map(|alarm| {
                let simple = alarm.every() == scenario.metric_period
                    && alarm.period == scenario.metric_period
                    && alarm.datapoints.is_none_or(|m| m >= alarm.periods)
                    && alarm.missing_data.is_none()
                    && matches!(
                        alarm.statistic,
                        Statistic::Average | Statistic::Maximum | Statistic::Minimum
                    );
                let (above, below) = (
                    alarm.threshold * number::ABOVE,
                    alarm.threshold * number::BELOW,
                );
                let (inf, neg) = (f64::INFINITY, f64::NEG_INFINITY);
                let (above, below, negate) = match alarm.comparison {
                    Comparison::Greater => (above, neg, false),
                    Comparison::GreaterOrEqual => (inf, below, true),
                    Comparison::Less => (inf, below, false),
                    Comparison::LessOrEqual => (above, neg, true),
                    Comparison::Equal => (above, below, true),
                    Comparison::NotEqual => (above, below, false),
                };
                simple.then_some(QuietAlarm {
                    metric: alarm.metric,
                    above,
                    below,
                    negate,
                    periods: alarm.periods,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let summary_only = !options.history && !options.timeline;
        Some(Quiet {
            alarms,
            samples: [0; SAMPLE_BLOCK],
            extremes: summary_only.then(|| Extremes::of(&load.values[..scenario.ticks()])),
        })
    }
}

impl QuietAlarm {
    #[inline(always)]
    fn holds(&self, value: f64) -> bool {
        ((value > self.above) | (value < self.below)) != self.negate
    }

    /// The consecutive breaches after a block of [`BLOCK`] periods whose breaches are the
    /// bits of `breaches` (bit i: its period i), entered with `streak` of them; `None` when
    /// the alarm may fire inside (the block is then stepped).
    #[inline(always)]
    fn streak_after(&self, streak: u32, breaches: u64) -> Option<u32> {
        const { assert!(BLOCK <= 64) };
        let block = BLOCK as u32;
        let leading = breaches.trailing_ones();
        if leading >= block {
            return (streak + block < self.periods).then_some(streak + block);
        }
        if leading > 0 && streak + leading >= self.periods {
            return None;
        }
        // A run of `periods` breaches inside: bit i set in `run` when i..i + periods are.
        if self.periods <= block {
            let mut run = breaches;
            for shift in 1..self.periods {
                run &= breaches >> shift;
            }
            if run != 0 {
                return None;
            }
        }
        Some((breaches << (64 - block)).leading_ones())
    }

    /// Whether no datapoint between `low` and `high` (this alarm's values at a block's
    /// smallest and largest load: datapoints are monotone in the load) can breach.
    #[inline(always)]
    fn silent_between(&self, low: f64, high: f64) -> bool {
        if self.negate {
            // Breaching inside [below, above]: silent when the block is wholly outside it.
            high < self.below || low > self.above
        } else {
            high <= self.above && low >= self.below
        }
    }
}

impl Simulation<'_, '_> {
    /// Replays the quiet periods from `tick` on, up to `limit` (exclusive) or through the
    /// first whose alarm fires; returns the next tick the general loop takes.
    pub(super) fn quiet_stretch(&mut self, quiet: &mut Quiet, tick: usize, limit: usize) -> usize {
        // One loop per alarm count: the alarms and their streaks live in registers, unrolled.
        macro_rules! by_count {
            ($($n:literal)*) => {
                match quiet.alarms.len() {
                    $($n => self.stretch::<$n>(
                        quiet.alarms[..].try_into().expect("length"),
                        &mut quiet.samples,
                        quiet.extremes.as_ref(),
                        tick,
                        limit,
                    ),)*
                    _ => unreachable!("at most MAX_ALARMS alarms"),
                }
            };
        }
        by_count!(0 1 2 3 4 5 6 7 8)
    }

    #[inline(never)]
    fn stretch<const N: usize>(
        &mut self,
        alarms: [QuietAlarm; N],
        samples: &mut [u32; SAMPLE_BLOCK],
        extremes: Option<&Extremes>,
        tick: usize,
        limit: usize,
    ) -> usize {
        let scenario = self.scenario;
        let period = scenario.metric_period;
        let dt = period as f64;
        let sla = &scenario.sla;
        let utilization_limit = sla.max_utilization * number::ABOVE;
        let history = self.options.history;
        let timeline = self.options.timeline;
        let ticks = scenario.ticks();
        let state = &mut self.groups[0];
        let (capacity, serving, in_service, pending) = (
            state.fleet.capacity,
            state.fleet.serving,
            state.fleet.in_service,
            state.fleet.pending,
        );
        // Constant over the stretch: the peaks once, the integer integrals at the end.
        state.run.peak_serving = state.run.peak_serving.max(serving);
        state.run.peak_in_service = state.run.peak_in_service.max(in_service);
        self.total_peak_in_service = self.total_peak_in_service.max(in_service);
        self.total_peak_serving = self.total_peak_serving.max(serving);
        let usable = state.unit_capacity * sla.max_utilization;
        let capacity_total = capacity * dt;
        let per_instance_divisor = in_service as f64;
        let limit_rps = utilization_limit * capacity;
        // The load as `load_at` reads it: x 1 is exact, so a group's own load is its share.
        let (series, share) = match &state.own_load {
            Some(values) => (values.as_slice(), 1.0),
            None => (self.load.values.as_slice(), state.load_share),
        };
        // Jumps: summary-only, served, the scenario's own load (whose extremes were taken).
        let extremes = extremes.filter(|_| serving > 0 && state.own_load.is_none());
        let datapoints = |load: f64| {
            let cpu = 100.0 * skip::utilization(load, capacity, dt, capacity_total);
            let per_instance = (load / per_instance_divisor * dt) / dt;
            move |metric: Metric| match metric {
                Metric::Cpu => cpu,
                Metric::RequestsPerInstance => per_instance,
                Metric::RequestRate => load,
            }
        };
        let needs_per_instance = alarms
            .iter()
            .any(|alarm| alarm.metric == Metric::RequestsPerInstance);
        let mut streaks = [0u32; N];
        for (streak, alarm_state) in streaks.iter_mut().zip(&state.alarms) {
            *streak = alarm_state.consecutive;
        }
        let mut violating_periods = 0u64;
        let mut unserved = state.run.unserved_requests;
        let mut offered = state.run.offered_requests;
        let mut load = state.load;
        let mut next = tick;
        let mut fired = false;
        let mut sampled = 0;
        while next < limit {
            if let Some(extremes) = extremes
                && next.is_multiple_of(BLOCK)
                && next + BLOCK <= limit
            {
                let block = next / BLOCK;
                let (high, low) = extremes.at(block);
                let (high, low) = (high * share, low * share);
                let (at_high, at_low) = (datapoints(high), datapoints(low));
                let loads: &[f64; BLOCK] = series[next..next + BLOCK].try_into().expect("block");
                let mut after = [0u32; N];
                if high <= limit_rps
                    && high <= capacity
                    && alarms
                        .iter()
                        .zip(&mut after)
                        .zip(streaks)
                        .all(|((alarm, after), streak)| {
                            let metric = alarm.metric;
                            if alarm.silent_between(at_low(metric), at_high(metric)) {
                                *after = 0;
                                return true;
                            }
                            // Some datapoint may breach: the block's breaches, period by period.
                            let mut breaches = 0u64;
                            for (index, value) in loads.iter().enumerate() {
                                let breach = alarm.holds(datapoints(value * share)(metric));
                                breaches |= u64::from(breach) << index;
                            }
                            alarm
                                .streak_after(streak, breaches)
                                .map(|streak| *after = streak)
                                .is_some()
                        })
                {
                    for value in &series[next..next + BLOCK] {
                        offered += value * share * dt;
                    }
                    let top = skip::utilization(high, capacity, dt, capacity_total) as f32;
                    state.history.skipped.push(block, capacity, top.to_bits());
                    streaks = after;
                    next += BLOCK;
                    load = series.get(next).copied().unwrap_or(0.0) * share;
                    continue;
                }
            }
            // integrate(start, end) over the whole period, then close_period.
            let violating = if serving > 0 {
                load > limit_rps
            } else {
                load > 0.0
            };
            if load > capacity {
                unserved += (load - capacity) * dt;
            }
            violating_periods += u64::from(violating);
            offered += load * dt;
            let utilization = skip::utilization(load, capacity, dt, capacity_total);
            // Each datapoint once a period (a division only where an alarm reads it).
            let cpu = 100.0 * utilization;
            let per_instance = if needs_per_instance {
                (load / per_instance_divisor * dt) / dt
            } else {
                0.0
            };
            for (index, alarm) in alarms.iter().enumerate() {
                let value = match alarm.metric {
                    Metric::Cpu => cpu,
                    Metric::RequestsPerInstance => per_instance,
                    Metric::RequestRate => load,
                };
                // Without capacity there is no CPU nor per-instance datapoint (missing: no
                // breach, as the general loop's consecutive rule).
                let present = serving > 0 || alarm.metric == Metric::RequestRate;
                let breach = present && alarm.holds(value);
                streaks[index] = if breach { streaks[index] + 1 } else { 0 };
                if streaks[index] >= alarm.periods {
                    self.triggers.push(AlarmTrigger {
                        group: 0,
                        alarm: index,
                        datapoint: Some(value),
                    });
                    fired = true;
                }
            }
            if serving > 0 {
                if sampled == SAMPLE_BLOCK {
                    state.history.utilization_samples.extend_bits(&samples[..]);
                    sampled = 0;
                }
                samples[sampled] = (utilization as f32).to_bits();
                sampled += 1;
            }
            if history {
                let demand = load / usable;
                let whole = demand as u32;
                state.history.curves.push(
                    whole.saturating_add(u32::from((whole as f64) < demand)),
                    in_service,
                    in_service + pending,
                );
            }
            if timeline {
                let start = next as u64 * period;
                let row = TimelineRow {
                    time: start,
                    group: 0,
                    load_rps: load,
                    desired: state.desired,
                    pending,
                    in_service,
                    capacity_rps: capacity,
                    utilization: (serving > 0).then_some(utilization),
                    violation_seconds: if violating { period } else { 0 },
                    cost_so_far: state.cost_at(start + period),
                };
                if next + 1 < ticks {
                    self.sink.row(&row);
                } else {
                    self.last_rows.push(row);
                }
            }
            next += 1;
            load = series.get(next).copied().unwrap_or(0.0) * share;
            if fired {
                break;
            }
        }
        state
            .history
            .utilization_samples
            .extend_bits(&samples[..sampled]);
        let periods = (next - tick) as u64;
        let seconds = periods * period;
        state.load = load;
        state.run.unserved_requests = unserved;
        state.run.offered_requests = offered;
        for (index, alarm_state) in state.alarms.iter_mut().enumerate() {
            alarm_state.consecutive = streaks[index];
            alarm_state.due += seconds;
            // Every evaluation that did not fire clears it (the last one may have fired).
            let fired_last = fired && self.triggers.iter().any(|trigger| trigger.alarm == index);
            if periods > 1 || !fired_last {
                alarm_state.unchanged = false;
            }
        }
        state.run.sla_violation_seconds += violating_periods * period;
        self.any_violation_seconds += violating_periods * period;
        state.run.in_service_seconds += in_service as u64 * seconds;
        state.run.serving_seconds += serving as u64 * seconds;
        state.run.alive_seconds += (in_service + pending) as u64 * seconds;
        next
    }
}
