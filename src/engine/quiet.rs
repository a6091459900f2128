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
//! every period, costs one call a period, not a period of the general loop. Summary-only runs
//! also jump over blocks of a stretch in which nothing the summary counts can happen
//! (`engine/skip.rs`).

use super::alarms::AlarmTrigger;
use super::period;
use super::skip::{self, BLOCK};
use super::{RunOptions, Simulation, TimelineRow};
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

/// Where an alarm breaches in load space, for one fleet: `breaches(load)` exactly where
/// `holds(datapoint(load))`, the datapoint being monotone in the load (`engine/skip.rs`).
#[derive(Debug, Clone, Copy)]
struct LoadBounds {
    /// The least load whose datapoint is above the upper bound.
    rise: f64,
    /// The least load whose datapoint is not below the lower bound.
    fall: f64,
    negate: bool,
}

impl LoadBounds {
    const NEVER: LoadBounds = LoadBounds {
        rise: f64::INFINITY,
        fall: 0.0,
        negate: false,
    };

    #[inline(always)]
    fn breaches(&self, load: f64) -> bool {
        ((load >= self.rise) | (load < self.fall)) != self.negate
    }

    /// The breaches of up to 64 loads (each `x share`) as bits, bit i for load i; eight at a
    /// time, a pattern that vectorizes.
    #[inline(always)]
    fn breach_bits(&self, loads: &[f64], share: f64) -> u64 {
        let mut bits = 0u64;
        for (index, eight) in loads.chunks(8).enumerate() {
            let mut byte = 0u8;
            for (lane, value) in eight.iter().enumerate() {
                byte |= u8::from(self.breaches(value * share)) << lane;
            }
            bits |= u64::from(byte) << (8 * index);
        }
        bits
    }

    /// Whether no load between `low` and `high` breaches.
    #[inline(always)]
    fn silent_between(&self, low: f64, high: f64) -> bool {
        if self.negate {
            // Breaching in [fall, rise): silent when the loads are wholly outside it.
            high < self.fall || low >= self.rise
        } else {
            high < self.rise && low >= self.fall
        }
    }
}

/// The alarms' load bounds for one fleet (capacity, instances in service).
#[derive(Debug, Clone, Copy)]
struct FleetBounds {
    capacity: u64,
    in_service: u32,
    alarms: [LoadBounds; MAX_ALARMS],
}

/// Fleets whose bounds a run keeps (cleared when full: memory stays bounded).
const FLEETS_KEPT: usize = 64;

/// The run's quiet-stretch plan: `None` when its scenario does not allow one.
#[derive(Debug, Clone)]
pub(super) struct Quiet {
    alarms: Vec<QuietAlarm>,
    /// Utilization samples a stretch gathers before handing them to `Samples` at once (kept
    /// here: zeroing a fresh block at every stretch cost more than it saved on short ones).
    samples: [u32; SAMPLE_BLOCK],
    /// Summary-only runs jump over blocks (`engine/skip.rs`).
    jumps: bool,
    /// The alarms' load bounds of the fleets met so far (fleets recur: computed once each).
    fleets: Vec<FleetBounds>,
}

impl Quiet {
    /// The plan for `scenario` run with `options`, or `None` (see the module's conditions).
    ///
    /// Every field of the scenario and of its group is named here, without `..`: a new field
    /// or rule kind does not compile until it says whether a quiet stretch may pass over it.
    /// "Events" means it acts only through the event queue (or the fleet's own events), so
    /// a stretch ends before it; "per period" means it samples every period, so the quiet
    /// loop cannot run.
    pub(super) fn plan(scenario: &Scenario, options: RunOptions) -> Option<Quiet> {
        let Scenario {
            // Read once, or only when a period closes the same way in both loops.
            name: _,
            currency: _,
            clock: _,
            duration: _,
            seed: _,
            metric_period,
            rounding: _,
            cooldown_blocks: _,
            instance_types: _,
            zones: _,
            load: _,
            expect: _,
            assumed: _,
            sla,
            groups,
        } = scenario;
        // Per period: response times are integrated period by period.
        if sla.latency_model.is_some() {
            return None;
        }
        let [group] = groups.as_slice() else {
            return None;
        };
        let crate::model::ScalingGroup {
            // Events: launches, terminations, failures, reclaims, hooks, pools and zones act
            // through the queue and the fleet's events, which end a stretch.
            name: _,
            configurations: _,
            active_configuration: _,
            mix: _,
            health: _,
            load: _,
            min: _,
            max: _,
            desired: _,
            desired_follows_min: _,
            existing: _,
            removal_policy: _,
            default_cooldown: _,
            load_share: _,
            registration_delay: _,
            lifecycle_hooks: _,
            retry_policy: _,
            warm_pool: _,
            zones: _,
            zone_policy: _,
            zone_rebalance: _,
            // Run by alarms or tasks: events.
            rules: _,
            // Events: the forecast acts at its hourly event.
            predictive: _,
            scheduled: _,
            // Per period: both sample the metric every period.
            target_tracking,
            hpa,
            // Evaluated by the quiet loop itself when simple enough (below).
            alarms,
        } = group;
        if !target_tracking.is_empty() || hpa.is_some() || alarms.len() > MAX_ALARMS {
            return None;
        }
        let metric_period = *metric_period;
        let alarms = alarms
            .iter()
            .map(|alarm| {
                let simple = alarm.every() == metric_period
                    && alarm.period == metric_period
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
            jumps: summary_only,
            fleets: Vec::new(),
        })
    }
}

impl QuietAlarm {
    #[inline(always)]
    fn holds(&self, value: f64) -> bool {
        ((value > self.above) | (value < self.below)) != self.negate
    }

    /// The consecutive breaches after a block of `block` periods (1 to 64) whose breaches are
    /// the bits of `breaches` (bit i: its period i), entered with `streak` of them; `None`
    /// when the alarm may fire inside (the block is then stepped).
    #[inline(always)]
    fn streak_after(&self, streak: u32, breaches: u64, block: u32) -> Option<u32> {
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

    /// Its load bounds for a fleet whose datapoint of a load is `datapoint(load)`, about
    /// `scale` x the load (the guess the exact search starts from).
    fn bounds(&self, datapoint: impl Fn(f64) -> f64, scale: f64) -> LoadBounds {
        let rise = if self.above == f64::INFINITY {
            f64::INFINITY
        } else {
            skip::least_load(self.above * scale, |load| datapoint(load) > self.above)
        };
        let fall = if self.below == f64::NEG_INFINITY {
            0.0
        } else {
            skip::least_load(self.below * scale, |load| datapoint(load) >= self.below)
        };
        LoadBounds {
            rise,
            fall,
            negate: self.negate,
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
                        quiet.jumps,
                        &mut quiet.fleets,
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
        jumps: bool,
        fleets: &mut Vec<FleetBounds>,
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
        let jumps = jumps && serving > 0 && state.own_load.is_none();
        let jump_limit = limit_rps.min(capacity);
        let bounds: [LoadBounds; N] = if jumps && limit - tick >= skip::SHORTEST {
            let known = fleets.iter().find(|fleet| {
                fleet.capacity == capacity.to_bits() && fleet.in_service == in_service
            });
            let fleet = match known {
                Some(fleet) => *fleet,
                None => {
                    let mut fleet = FleetBounds {
                        capacity: capacity.to_bits(),
                        in_service,
                        alarms: [LoadBounds::NEVER; MAX_ALARMS],
                    };
                    for (bounds, alarm) in fleet.alarms.iter_mut().zip(&alarms) {
                        // The datapoint as the loop below computes it.
                        *bounds = match alarm.metric {
                            Metric::Cpu => alarm.bounds(
                                |load| {
                                    100.0 * period::utilization(load, capacity, dt, capacity_total)
                                },
                                capacity / 100.0,
                            ),
                            Metric::RequestsPerInstance => alarm.bounds(
                                |load| (load / per_instance_divisor * dt) / dt,
                                per_instance_divisor,
                            ),
                            Metric::RequestRate => alarm.bounds(|load| load, 1.0),
                        };
                    }
                    if fleets.len() == FLEETS_KEPT {
                        fleets.clear();
                    }
                    fleets.push(fleet);
                    fleet
                }
            };
            fleet.alarms[..N].try_into().expect("length")
        } else {
            [LoadBounds::NEVER; N]
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
        let mut load = state.load;
        let mut next = tick;
        let mut fired = false;
        let mut sampled = 0;
        // After a block that could not be jumped, the periods stepped before the next try.
        let mut retry = tick;
        while next < limit {
            if jumps && next >= retry && limit - next >= skip::SHORTEST {
                let loads = &series[next..limit.min(next + BLOCK)];
                let block = loads.len() as u32;
                let (high, low) = skip::extremes(loads);
                let (high, low) = (high * share, low * share);
                let mut after = [0u32; N];
                if high <= jump_limit
                    && (0..N).all(|index| {
                        let bounds = bounds[index];
                        if bounds.silent_between(low, high) {
                            after[index] = 0;
                            return true;
                        }
                        // Some datapoint may breach: the block's breaches, period by period.
                        let breaches = bounds.breach_bits(loads, share);
                        alarms[index]
                            .streak_after(streaks[index], breaches, block)
                            .map(|streak| after[index] = streak)
                            .is_some()
                    })
                {
                    let top = period::utilization(high, capacity, dt, capacity_total) as f32;
                    state
                        .history
                        .skipped
                        .push(next, block, capacity, top.to_bits());
                    streaks = after;
                    next += loads.len();
                    load = series.get(next).copied().unwrap_or(0.0) * share;
                    continue;
                }
                retry = next + skip::SHORTEST;
            }
            // integrate(start, end) over the whole period, then close_period.
            let violating = period::violates(load, capacity, serving, utilization_limit);
            if let Some(requests) = period::unserved(load, capacity, dt) {
                unserved += requests;
            }
            violating_periods += u64::from(violating);
            let utilization = period::utilization(load, capacity, dt, capacity_total);
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
                let units = period::demand_units(load, usable);
                state
                    .history
                    .curves
                    .push(units, in_service, in_service + pending);
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
                period::emit(self.sink, &mut self.last_rows, next + 1 == ticks, row);
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
