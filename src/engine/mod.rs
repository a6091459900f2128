//! The discrete-event core: a validated [`Scenario`] and its [`Loads`] in, an [`Outcome`]
//! out. No files, no printing, no wall clock, no global RNG.
//!
//! Time advances over the metric-period grid (the load is constant within a period). Sparse
//! events — boots completing, scheduled tasks, retries — sit in an event queue (`queue.rs`) ordered by
//! (time, class, sequence) and split a period into segments; every integral (instance-seconds,
//! unserved requests, SLA violation time) is exact over those segments. Alarms are evaluated on
//! their period boundaries after the events of that instant.
//!
//! Semantics follow docs/semantics.md: one activity at a time per group (ESS, Tencent);
//! cooldowns start when an activity completes and block alarm-triggered rules (AWS, ESS) or
//! everything (Tencent, `cooldown_blocks = "all"`); scheduled tasks wait for a busy group until
//! their launch expiration (ESS); simultaneous alarm triggers resolve to the largest resulting
//! capacity (AWS).

mod activity;
mod alarms;
mod capacity;
mod finish;
mod fleet;
mod latency;
mod outcome;
mod period;
mod quantile;
mod queue;
mod quiet;
mod removal;
mod rules;
mod scheduled;
mod skip;
mod state;
mod warm_pool;
mod zones;

pub use activity::{ActivityStatus, Cause, Launch, Note, ReplacementReason, ScalingActivity};
pub use alarms::{AlarmValue, Point, evaluate, evaluation_range};
pub use fleet::EndReason;
pub use outcome::{
    ForecastPoint, GroupSummary, InstanceRecord, LatencyPercentiles, Outcome, TimelineRow,
};

use crate::load::LoadSeries;
use crate::model::Loads;
use crate::model::{
    AlarmTask, CooldownBlocks, LatencyModel, Metric, Reclamation, Scenario, Sla, Statistic,
    TaskAction,
};
use crate::scaling;
use crate::time::{Seconds, SimTime};
use alarms::{AlarmState, AlarmTrigger};
use fleet::{Instance, InstanceState};
use queue::{Event, EventQueue};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rules::{TrackingSample, TrackingTrigger};
use state::{
    Billing, Busy, Fleet, GroupState, History, PeriodIntegrals, RunIntegrals, Streaks, Waiting,
};
use std::collections::VecDeque;

/// Stream of the engine's random draws (stock, reclamation, failures), apart from the load's.
const FLEET_STREAM: u64 = 0x00f1_ee75_eed5_0001;

/// What to record besides the summary (which is always complete: sweeps that need only the
/// summary skip the rest and run faster).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Keep one [`TimelineRow`] per metric period per group.
    pub timeline: bool,
    /// Keep the activity history and each instance's billed life.
    pub history: bool,
    /// Replay every period through the general loop, never the quiet-stretch loop
    /// (`engine/quiet.rs`): the same outcome to the bit, slower; for the tests that say so.
    pub stepwise: bool,
}

impl RunOptions {
    /// The summary only.
    pub const SUMMARY: RunOptions = RunOptions {
        timeline: false,
        history: false,
        stepwise: false,
    };
    /// The summary and the activity history.
    pub const HISTORY: RunOptions = RunOptions {
        timeline: false,
        history: true,
        stepwise: false,
    };
    /// Everything: summary, history and timeline.
    pub const FULL: RunOptions = RunOptions {
        timeline: true,
        history: true,
        stepwise: false,
    };
}

/// Runs `scenario` against `load` (which must have `scenario.ticks()` values on the
/// scenario's metric period). Deterministic: the same scenario, load and options give the same
/// outcome, whatever the thread.
///
/// ```
/// use scaleplan::engine::{simulate, RunOptions};
/// let loaded = scaleplan::scenario::load(std::path::Path::new("scenarios/lunch-peak.toml"))?;
/// let outcome = simulate(&loaded.scenario, &loaded.load, RunOptions::HISTORY);
/// // Two protected servers all week plus two from 11:00 to 13:00 daily, at 0.021 an hour.
/// let expected = (2.0 * 24.0 * 7.0 + 2.0 * 2.0 * 7.0) * 0.021;
/// assert!((outcome.total.cost - expected).abs() < 1e-9);
/// assert!(outcome.activities.iter().all(|activity| activity.status.is_activity()));
/// # Ok::<(), scaleplan::error::Diagnostics>(())
/// ```
pub fn simulate(scenario: &Scenario, loads: &Loads, options: RunOptions) -> Outcome {
    let mut rows = Vec::new();
    if options.timeline {
        rows.reserve(scenario.ticks() * scenario.groups.len());
    }
    let mut outcome = simulate_streaming(scenario, loads, options, &mut rows);
    outcome.timeline = rows;
    outcome
}

/// Receives the timeline rows of a run as the engine produces them, in time then group
/// order, so a writer can stream them instead of the outcome holding them all.
pub trait TimelineSink {
    /// One metric period of one group.
    fn row(&mut self, row: &TimelineRow);
}

impl TimelineSink for Vec<TimelineRow> {
    fn row(&mut self, row: &TimelineRow) {
        self.push(*row);
    }
}

/// [`simulate`] handing each timeline row (with `options.timeline`) to `sink` instead of
/// keeping it: the outcome's `timeline` is empty. The rows of the last period come when the
/// run ends, with its final cost.
pub fn simulate_streaming(
    scenario: &Scenario,
    loads: &Loads,
    options: RunOptions,
    sink: &mut dyn TimelineSink,
) -> Outcome {
    let own = |index: usize| loads.groups.get(index).and_then(Option::as_ref);
    let series = std::iter::once(&loads.scenario).chain((0..scenario.groups.len()).filter_map(own));
    for load in series {
        assert_eq!(
            load.period, scenario.metric_period,
            "load grid must match the metric period"
        );
        assert!(
            load.values.len() >= scenario.ticks(),
            "load shorter than the scenario"
        );
    }
    assert!(
        (scenario.groups.iter().enumerate())
            .all(|(index, group)| group.load.is_none() || own(index).is_some()),
        "a group's own load was not generated: build the loads with Loads::generate"
    );
    Simulation::new(scenario, loads, options, sink).run()
}

struct Simulation<'a, 's> {
    scenario: &'a Scenario,
    load: &'a LoadSeries,
    options: RunOptions,
    queue: EventQueue,
    groups: Vec<GroupState>,
    activities: Vec<ScalingActivity>,
    /// Where timeline rows go as they are produced.
    sink: &'s mut dyn TimelineSink,
    /// The last period's rows, held until the run's end sets their final cost.
    last_rows: Vec<TimelineRow>,
    total_peak_in_service: u32,
    /// The most instances in service at once, all groups together.
    total_peak_serving: u32,
    any_violation_seconds: u64,
    total_utilization_samples: quantile::Samples,
    /// Alarms whose condition held at the end of the last period, waiting to act at its end
    /// instant: (group, alarm, datapoint), in group then file order.
    triggers: Vec<AlarmTrigger>,
    /// Reused buffer of the decisions of simultaneous alarm triggers.
    decisions: Vec<Result<scaling::Decision, rules::Skip>>,
    /// Target-tracking alarms that fired likewise: (group, rule, scale out?, capacity, value).
    tracking_triggers: Vec<TrackingTrigger>,
    /// This period's metrics of groups with target-tracking rules: (group, CPU share, per
    /// instance).
    tracking_samples: Vec<TrackingSample>,
    /// Per group, hourly peaks of its load (predictive groups only).
    hour_peaks: Vec<Vec<f64>>,
    /// Per group, per absolute hour: the latest forecast (load, capacity).
    predictions: Vec<Vec<Option<(f64, u32)>>>,
    /// Forecast hours as they were prepared.
    forecasts: Vec<ForecastPoint>,
    /// The run's random draws, in event order.
    rng: ChaCha8Rng,
    /// Instances of each type running in each zone across the scenario, pay-as-you-go and
    /// preemptible (against their stock limits: separate capacity pools), at
    /// `type * zones + zone`.
    stock_used: Vec<[u32; 2]>,
}

impl<'a, 's> Simulation<'a, 's> {
    fn new(
        scenario: &'a Scenario,
        loads: &'a Loads,
        options: RunOptions,
        sink: &'s mut dyn TimelineSink,
    ) -> Self {
        let load = &loads.scenario;
        let groups = scenario
            .groups
            .iter()
            .enumerate()
            .map(|(group_index, group)| {
                let first = &scenario.instance_types
                    [group.configurations[group.active_configuration].instance_types[0]];
                let own_load = (loads.groups.get(group_index))
                    .and_then(Option::as_ref)
                    .map(|series| series.values.clone());
                GroupState {
                    load: 0.0,
                    own_load,
                    load_share: group.load_share,
                    unit_capacity: first.capacity_rps / first.weight as f64,
                    configuration: group.active_configuration,
                    tracks_per_instance: group
                        .alarms
                        .iter()
                        .any(|alarm| alarm.metric == Metric::RequestsPerInstance)
                        || group
                            .target_tracking
                            .iter()
                            .any(|rule| rule.metric == Metric::RequestsPerInstance),
                    min: group.min,
                    max: group.max,
                    desired: group.desired,
                    busy: Vec::new(),
                    floor: 0,
                    tracking: vec![Streaks::default(); group.target_tracking.len()],
                    hpa: rules::HpaState::default(),
                    cooldown_until: 0,
                    tracking_scale_in_until: 0,
                    waiting: VecDeque::new(),
                    retry_at: None,
                    reconcile_at: None,
                    relaunch_at: None,
                    launch_failures: 0,
                    rebalance_at: None,
                    rebalancing: false,
                    pool: VecDeque::new(),
                    pool_initializing: 0,
                    alarms: group.alarms.iter().map(AlarmState::new).collect(),
                    fleet: Fleet {
                        serving_by_type: vec![0; scenario.instance_types.len()],
                        ..Fleet::default()
                    },
                    billing: Billing::default(),
                    run: RunIntegrals::default(),
                    period: PeriodIntegrals::default(),
                    history: History {
                        utilization_samples: quantile::Samples::with_capacity(scenario.ticks()),
                        ..History::default()
                    },
                    summary: GroupSummary {
                        name: group.name.clone(),
                        ..GroupSummary::default()
                    },
                }
            })
            .collect();
        let mut queue = EventQueue::default();
        for (group_index, group) in scenario.groups.iter().enumerate() {
            for (task_index, task) in group.scheduled.iter().enumerate() {
                if let Some(&first) = task.fires.first() {
                    queue.push(
                        first,
                        Event::ScheduledFire {
                            group: group_index,
                            task: task_index,
                        },
                    );
                }
            }
        }
        for (group_index, group) in scenario.groups.iter().enumerate() {
            if let Some(rule) = &group.hpa
                && rule.sync_period < scenario.duration
            {
                queue.push(rule.sync_period, Event::HpaSync { group: group_index });
            }
            // Predictive scaling needs a day of history before its first forecast (AWS).
            if group.predictive.is_some() && 86_400 < scenario.duration {
                queue.push(86_400, Event::PredictiveForecast { group: group_index });
            }
        }
        for (type_index, instance_type) in scenario.instance_types.iter().enumerate() {
            if let Some(offer) = &instance_type.preemptible
                && let Reclamation::PriceTrace { points, .. } = &offer.reclamation
            {
                for &(from, _) in points.iter().skip(1) {
                    if from < scenario.duration {
                        queue.push(
                            from,
                            Event::SpotPrice {
                                instance_type: type_index,
                            },
                        );
                    }
                }
            }
        }
        let mut simulation = Simulation {
            scenario,
            load,
            options,
            queue,
            groups,
            activities: Vec::new(),
            sink,
            last_rows: Vec::new(),
            total_peak_in_service: 0,
            total_peak_serving: 0,
            any_violation_seconds: 0,
            total_utilization_samples: if scenario.groups.len() > 1 {
                quantile::Samples::with_capacity(scenario.ticks())
            } else {
                quantile::Samples::default()
            },
            triggers: Vec::new(),
            decisions: Vec::new(),
            tracking_triggers: Vec::new(),
            tracking_samples: Vec::new(),
            hour_peaks: vec![Vec::new(); scenario.groups.len()],
            predictions: vec![Vec::new(); scenario.groups.len()],
            forecasts: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(scenario.seed ^ FLEET_STREAM),
            stock_used: vec![[0; 2]; scenario.instance_types.len() * scenario.zones.len()],
        };
        simulation.start_fleets();
        simulation
    }

    /// At time 0 each group is steady at its desired capacity: the manually added instances
    /// first (pay-as-you-go, of the active configuration's first type, spread over the zones
    /// like launches but regardless of stock), then instances it
    /// launched before the run, placed like launches (mix, priority, stock).
    fn start_fleets(&mut self) {
        for (group_index, group) in self.scenario.groups.iter().enumerate() {
            let configuration = &group.configurations[group.active_configuration];
            for _ in 0..group.existing.count {
                let type_index = configuration.instance_types[0];
                let zone = self.zone_order(group_index, false)[0];
                let index = self.add_instance(group_index, type_index, zone, false, 0, true);
                let instance = &mut self.groups[group_index].fleet.instances[index];
                instance.manual = true;
                instance.protected = group.existing.protected;
            }
            self.launch(group_index, 0, group.desired, true, None);
            self.fill_pool(group_index, 0, true);
            let state = &mut self.groups[group_index];
            state.run.peak_in_service = state.fleet.in_service;
            self.total_peak_in_service += state.fleet.in_service;
            state.run.peak_serving = state.fleet.serving;
            self.total_peak_serving += state.fleet.serving;
        }
    }

    fn run(mut self) -> Outcome {
        self.replay();
        self.finish()
    }

    /// Every period of the run, in order.
    fn replay(&mut self) {
        let period = self.scenario.metric_period;
        for state in self.groups.iter_mut() {
            state.load = state.load_at(&self.load.values, 0);
        }
        let ticks = self.scenario.ticks();
        let mut quiet = (!self.options.stepwise)
            .then(|| quiet::Quiet::plan(self.scenario, self.options))
            .flatten();
        let mut tick = 0;
        while tick < ticks {
            let start = tick as u64 * period;
            let end = start + period;
            // Periods before the next event replay in the quiet loop. With no event due now, the
            // general loop would act on waiting alarms first thing: act on them here, the same
            // call at the same instant, so a rejected or idle trigger does not end the quiet.
            if let Some(quiet) = &mut quiet
                && self.tracking_triggers.is_empty()
                && self.queue.peek_time().is_none_or(|time| time > start)
            {
                if !self.triggers.is_empty() {
                    self.act_on_alarms(start);
                }
                let limit = self
                    .queue
                    .peek_time()
                    .map_or(ticks, |time| ticks.min((time / period) as usize));
                if limit > tick {
                    tick = self.quiet_stretch(quiet, tick, limit);
                    continue;
                }
            }
            if self.queue.peek_time().is_some_and(|time| time <= start) {
                self.process_events(start);
            }
            if !self.triggers.is_empty() {
                self.act_on_alarms(start);
            }
            if !self.tracking_triggers.is_empty() {
                self.act_on_tracking(start);
            }
            let mut cursor = start;
            while let Some(time) = self.queue.peek_time().filter(|time| *time < end) {
                self.integrate(cursor, time);
                cursor = time;
                self.process_events(time);
            }
            self.integrate(cursor, end);
            self.close_period(tick, start, end);
            tick += 1;
        }
    }

    fn process_events(&mut self, now: SimTime) {
        while let Some((time, event)) = self.queue.pop_due(now) {
            match event {
                Event::BootComplete { group, instance } => {
                    self.boot_complete(group, instance, time)
                }
                Event::LaunchAbandoned { group, instance } => {
                    self.launch_abandoned(group, instance, time)
                }
                Event::TerminationReleased { group, instance } => {
                    let reason = self.groups[group].fleet.instances[instance].end;
                    self.terminate(group, instance, time, reason)
                }
                Event::Failure { group, instance } => self.fail(group, instance, time),
                Event::Unhealthy { group, instance } => {
                    self.replace_unhealthy(group, instance, time)
                }
                Event::ReclaimNotice { group, instance } => {
                    self.reclaim_notice(group, instance, time)
                }
                Event::Reclaim { group, instance } => self.reclaim(group, instance, time),
                Event::SpotPrice { instance_type } => self.spot_price(instance_type, time),
                Event::Reconcile { group } => self.reconcile(group, time),
                Event::Rebalance { group } => self.rebalance(group, time),
                Event::RetryLaunch { group } => self.retry_launch(group, time),
                Event::PoolReady { group, instance } => self.pool_ready(group, instance, time),
                Event::ScheduledFire { group, task } => self.scheduled_fire(group, task, time),
                Event::HpaSync { group } => self.hpa_sync(group, time),
                Event::PredictiveForecast { group } => self.predictive_forecast(group, time),
                Event::PredictiveHour { group, hour } => self.predictive_hour(group, hour, time),
                Event::RetryWaiting { group } => {
                    self.groups[group].retry_at = None;
                    self.retry_waiting(group, time);
                }
            }
        }
    }

    /// Accumulates every integral over `[from, to)`, during which nothing changes.
    #[inline(always)]
    fn integrate(&mut self, from: SimTime, to: SimTime) {
        if to <= from {
            return;
        }
        let seconds = to - from;
        let dt = seconds as f64;
        let sla = &self.scenario.sla;
        // `number::above(load, max_utilization x capacity)` with its factor folded in.
        let utilization_limit = sla.max_utilization * crate::number::ABOVE;
        let mut total_in_service = 0;
        let mut total_serving = 0;
        let mut any_violation = false;
        for state in self.groups.iter_mut() {
            let load = state.load;
            let capacity = state.fleet.capacity;
            let violating = if state.fleet.serving > 0 {
                let served = load.min(capacity);
                state.period.served += served * dt;
                state.period.capacity += capacity * dt;
                if state.tracks_per_instance {
                    state.period.per_instance += load / state.fleet.in_service as f64 * dt;
                }
                state.period.data_seconds += seconds;
                match sla.latency_model {
                    None => {
                        period::violates(load, capacity, state.fleet.serving, utilization_limit)
                    }
                    Some(model) => state.queue_latency(model, sla, served * dt),
                }
            } else {
                period::violates(load, capacity, 0, utilization_limit)
            };
            if let Some(requests) = period::unserved(load, capacity, dt) {
                state.run.unserved_requests += requests;
            }
            if violating {
                state.run.sla_violation_seconds += seconds;
                state.period.violation_seconds += seconds;
                any_violation = true;
            }
            state.run.in_service_seconds += state.fleet.in_service as u64 * seconds;
            state.run.serving_seconds += state.fleet.serving as u64 * seconds;
            state.run.peak_serving = state.run.peak_serving.max(state.fleet.serving);
            total_serving += state.fleet.serving;
            state.run.alive_seconds +=
                (state.fleet.in_service + state.fleet.pending) as u64 * seconds;
            state.run.peak_in_service = state.run.peak_in_service.max(state.fleet.in_service);
            total_in_service += state.fleet.in_service;
        }
        self.total_peak_in_service = self.total_peak_in_service.max(total_in_service);
        self.total_peak_serving = self.total_peak_serving.max(total_serving);
        if any_violation {
            self.any_violation_seconds += seconds;
        }
    }

    /// Turns the period's integrals into one sample per alarm and a timeline row.
    ///
    /// CPU utilization is served requests over available capacity across the period: the
    /// mean of every in-service instance's CPU, weighted by how long each was in service.
    /// Alarm periods ending at `end` are closed here too: their datapoints and breach counts
    /// depend only on samples up to `end`; acting on them waits for `end`'s own events.
    fn close_period(&mut self, tick: usize, start: SimTime, end: SimTime) {
        let (mut served, mut capacity) = (0.0, 0.0);
        for (index, (state, group)) in self
            .groups
            .iter_mut()
            .zip(&self.scenario.groups)
            .enumerate()
        {
            let load = state.load;
            let utilization =
                (state.period.capacity > 0.0).then(|| state.period.served / state.period.capacity);
            for (alarm_index, (alarm, alarm_state)) in
                group.alarms.iter().zip(&mut state.alarms).enumerate()
            {
                let sample = match alarm.metric {
                    Metric::Cpu => utilization.map(|value| 100.0 * value),
                    Metric::RequestsPerInstance => (state.period.data_seconds > 0)
                        .then(|| state.period.per_instance / state.period.data_seconds as f64),
                    Metric::RequestRate => Some(load),
                };
                if let Some(value) = sample {
                    alarm_state.current.add(value);
                    if matches!(alarm.statistic, Statistic::Sum | Statistic::SampleCount) {
                        // CloudWatch's datapoints: CPU, one per in-service instance; a request
                        // count, one per metric period holding its requests.
                        let (datapoints, per_datapoint) = match alarm.metric {
                            Metric::Cpu => (state.fleet.serving as f64, 1.0),
                            _ => (1.0, self.scenario.metric_period as f64),
                        };
                        alarm_state
                            .current
                            .add_datapoints(value, datapoints, per_datapoint);
                    }
                }
                if end < alarm_state.due {
                    continue;
                }
                alarm_state.due += alarm.every();
                // A sustained alarm re-invokes its action at every evaluation (CloudWatch).
                if let Some(datapoint) = alarm_state.evaluate_window(alarm) {
                    self.triggers.push(AlarmTrigger {
                        group: index,
                        alarm: alarm_index,
                        datapoint,
                    });
                } else {
                    alarm_state.unchanged = false;
                }
            }
            if let Some(value) = utilization {
                state.history.utilization_samples.push(value);
            }
            if self.options.history {
                let usable = state.unit_capacity * self.scenario.sla.max_utilization;
                state.history.curves.push(
                    period::demand_units(load, usable),
                    state.fleet.in_service,
                    state.fleet.in_service + state.fleet.pending,
                );
            }
            if !group.target_tracking.is_empty() {
                let per_instance = (state.period.data_seconds > 0)
                    .then(|| state.period.per_instance / state.period.data_seconds as f64);
                self.tracking_samples.push(TrackingSample {
                    group: index,
                    utilization,
                    per_instance,
                });
            }
            served += state.period.served;
            capacity += state.period.capacity;
            if self.options.timeline {
                let row = TimelineRow {
                    time: start,
                    group: index,
                    load_rps: load,
                    desired: state.desired,
                    pending: state.fleet.pending,
                    in_service: state.fleet.in_service,
                    capacity_rps: state.fleet.capacity,
                    utilization,
                    violation_seconds: state.period.violation_seconds,
                    cost_so_far: state.cost_at(end),
                };
                let last_period = tick + 1 == self.scenario.ticks();
                period::emit(self.sink, &mut self.last_rows, last_period, row);
            }
            state.period.served = 0.0;
            state.period.capacity = 0.0;
            state.period.per_instance = 0.0;
            state.period.data_seconds = 0;
            state.period.violation_seconds = 0;
            // The next period's load, set while the group is at hand (the load series may
            // be longer than the run, never shorter).
            state.load = state.load_at(&self.load.values, tick + 1);
        }
        if !self.tracking_samples.is_empty() {
            let samples = std::mem::take(&mut self.tracking_samples);
            for sample in &samples {
                self.track_targets(sample.group, sample.utilization, sample.per_instance);
            }
            self.tracking_samples = samples;
            self.tracking_samples.clear();
        }
        // With one group the total's samples are the group's: no second copy.
        if capacity > 0.0 && self.groups.len() > 1 {
            self.total_utilization_samples.push(served / capacity);
        }
    }
}
