//! The discrete-event core: a validated [`Scenario`] and a [`LoadSeries`] in, an [`Outcome`]
//! out. No files, no printing, no wall clock, no global RNG.
//!
//! Time advances over the metric-period grid (the load is constant within a period). Sparse
//! events — boots completing, scheduled tasks, retries — sit in an [`EventQueue`] ordered by
//! (time, class, sequence) and split a period into segments; every integral (instance-seconds,
//! unserved requests, SLA violation time) is exact over those segments. Alarms are evaluated on
//! their period boundaries after the events of that instant.
//!
//! Semantics follow `shared/design.md`: one activity at a time per group (ESS, Tencent);
//! cooldowns start when an activity completes and block alarm-triggered rules (AWS, ESS) or
//! everything (Tencent, `cooldown_blocks = "all"`); scheduled tasks wait for a busy group until
//! their launch expiration (ESS); simultaneous alarm triggers resolve to the largest resulting
//! capacity (AWS).

pub mod activity;
mod fleet;
mod latency;
pub mod outcome;
pub mod queue;
mod rules;

pub use activity::{ActivityStatus, Cause, Launch, Note, ReplacementReason, ScalingActivity};
pub use fleet::EndReason;
pub use outcome::{
    ForecastPoint, GroupSummary, InstanceRecord, LatencyPercentiles, Outcome, TimelineRow,
};

use crate::load::LoadSeries;
use crate::model::{
    AlarmTask, CooldownBlocks, LatencyModel, Metric, Reclamation, Scenario, Sla, Statistic,
    TaskAction,
};
use crate::scaling;
use crate::time::{Seconds, SimTime};
use fleet::{Instance, InstanceState};
use queue::{Event, EventQueue};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
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
}

impl RunOptions {
    /// The summary only.
    pub const SUMMARY: RunOptions = RunOptions {
        timeline: false,
        history: false,
    };
    /// The summary and the activity history.
    pub const HISTORY: RunOptions = RunOptions {
        timeline: false,
        history: true,
    };
    /// Everything: summary, history and timeline.
    pub const FULL: RunOptions = RunOptions {
        timeline: true,
        history: true,
    };
}

/// Runs `scenario` against `load` (which must have `scenario.ticks()` values on the
/// scenario's metric period).
pub fn simulate(scenario: &Scenario, load: &LoadSeries, options: RunOptions) -> Outcome {
    assert_eq!(
        load.period, scenario.metric_period,
        "load grid must match the metric period"
    );
    assert!(
        load.values.len() >= scenario.ticks(),
        "load shorter than the scenario"
    );
    Simulation::new(scenario, load, options).run()
}

#[derive(Debug, Clone, Default)]
struct AlarmState {
    sum: f64,
    min: f64,
    max: f64,
    samples: u32,
    consecutive: u32,
    /// End of the current alarm period (a running counter: no division on the hot path).
    due: SimTime,
    /// The last firing changed nothing: further no-change firings are not recorded again.
    unchanged: bool,
}

impl AlarmState {
    fn add(&mut self, value: f64) {
        // Branch-free: the first sample of a period resets the extremes.
        let first = self.samples == 0;
        self.min = if first { value } else { self.min.min(value) };
        self.max = if first { value } else { self.max.max(value) };
        self.sum += value;
        self.samples += 1;
    }

    /// Whether the period's datapoint breaches the alarm (`None`: no sample, missing data).
    /// Averages compare `sum` with `threshold x samples`: no division on the hot path.
    fn breaches(&self, alarm: &AlarmTask) -> Option<bool> {
        (self.samples > 0).then(|| match alarm.statistic {
            Statistic::Average => alarm
                .comparison
                .holds(self.sum, alarm.threshold * self.samples as f64),
            Statistic::Maximum => alarm.comparison.holds(self.max, alarm.threshold),
            Statistic::Minimum => alarm.comparison.holds(self.min, alarm.threshold),
        })
    }

    /// The period's datapoint, if it had any sample.
    fn datapoint(&self, statistic: Statistic) -> Option<f64> {
        (self.samples > 0).then(|| match statistic {
            Statistic::Average => self.sum / self.samples as f64,
            Statistic::Maximum => self.max,
            Statistic::Minimum => self.min,
        })
    }
}

impl GroupState {
    /// The group's load in period `tick` (0 past the end): its own, or its share of the
    /// scenario's `total`.
    #[inline(always)]
    fn load_at(&self, total: &[f64], tick: usize) -> f64 {
        match &self.own_load {
            Some(values) => values.get(tick).copied().unwrap_or(0.0),
            None => total.get(tick).copied().unwrap_or(0.0) * self.load_share,
        }
    }

    /// With a latency model: counts `served` requests in the current queue regime and says
    /// whether it breaks the SLA (the latency target if any, else utilization). Kept out of
    /// line: the run's hot loop stays small without a model.
    #[inline(never)]
    fn queue_latency(&mut self, model: LatencyModel, sla: &Sla, served: f64) -> bool {
        let regime = latency::Regime::new(model, self.load, self.capacity, self.serving);
        self.latency.add(regime, served);
        match sla.latency {
            Some(target) => self.latency.breaches(regime, target),
            None => self.load > sla.max_utilization * self.capacity,
        }
    }
}

#[derive(Debug, Clone)]
struct GroupState {
    /// The group's load in the current metric period, requests per second.
    load: f64,
    /// The group's own load series, when it has one (else a share of the scenario's).
    own_load: Option<Vec<f64>>,
    load_share: f64,
    /// Requests per second one capacity unit of the active configuration's first type
    /// serves: sizes the demand curve and the HPA and predictive estimates.
    unit_capacity: f64,
    /// Active scaling configuration.
    configuration: usize,
    /// Whether an alarm watches requests per instance (else that integral is skipped).
    tracks_per_instance: bool,
    min: u32,
    max: u32,
    desired: u32,
    instances: Vec<Instance>,
    /// Indices of the instances counted toward desired capacity (pending, in service or
    /// failed and not yet detected; not those under a reclaim notice), in launch order.
    live: Vec<usize>,
    /// Capacity units of `live`.
    live_units: u32,
    /// Capacity units booting.
    pending: u32,
    /// Capacity units in service.
    in_service: u32,
    /// Instances in service (the servers of the latency model).
    serving: u32,
    /// Instances in service per instance type.
    serving_by_type: Vec<u32>,
    /// Requests per second the in-service instances serve at 100% CPU.
    capacity: f64,
    /// Money per second of every instance not yet terminated.
    cost_rate: f64,
    /// Money billed up to `cost_since` (the timeline's running cost), kept at each change of
    /// `cost_rate` rather than every segment.
    running_cost: f64,
    cost_since: SimTime,
    /// Activities in progress and the cooldowns they will start (several only when rules
    /// that ignore the one-activity gate overlap: step, target tracking, HPA, predictive).
    busy: Vec<(usize, Seconds)>,
    /// Lowest desired capacity the predictive forecast allows this hour (0 without one).
    floor: u32,
    /// Per target-tracking rule: consecutive datapoints above the target and below the low
    /// threshold.
    tracking: Vec<(u32, u32)>,
    /// HPA: recommendations of the stabilization window and recent changes for its policies.
    hpa: rules::HpaState,
    cooldown_until: SimTime,
    /// Scheduled firings waiting for the group: (task, fired at).
    waiting: VecDeque<(usize, SimTime)>,
    retry_at: Option<SimTime>,
    /// When a replacement short of stock launches again.
    reconcile_at: Option<SimTime>,
    alarms: Vec<AlarmState>,
    // Integrals over the run.
    in_service_seconds: u64,
    /// Requests offered so far (per period: the load is constant within one).
    offered_requests: f64,
    alive_seconds: u64,
    peak_in_service: u32,
    /// Served request-seconds per latency regime (with a latency model).
    latency: latency::Mix,
    sla_violation_seconds: u64,
    unserved_requests: f64,
    // Integrals over the current metric period.
    tick_served: f64,
    tick_capacity: f64,
    tick_per_instance: f64,
    tick_data_seconds: u64,
    tick_violation_seconds: u64,
    /// Per metric period, with history: demand, in-service and provisioned instances.
    curves: (Vec<u32>, Vec<u32>, Vec<u32>),
    /// Served / available capacity per metric period with any capacity, for percentiles
    /// (as f32 bits: non-negative floats order like their bits, which sorts fastest).
    utilization_samples: Vec<u32>,
    summary: GroupSummary,
}

struct Simulation<'a> {
    scenario: &'a Scenario,
    load: &'a LoadSeries,
    options: RunOptions,
    queue: EventQueue,
    groups: Vec<GroupState>,
    activities: Vec<ScalingActivity>,
    timeline: Vec<TimelineRow>,
    total_peak_in_service: u32,
    any_violation_seconds: u64,
    total_utilization_samples: Vec<u32>,
    /// Alarms whose condition held at the end of the last period, waiting to act at its end
    /// instant: (group, alarm, datapoint), in group then file order.
    triggers: Vec<(usize, usize, Option<f64>)>,
    /// Reused buffer of the decisions of simultaneous alarm triggers.
    decisions: Vec<Result<scaling::Decision, &'static str>>,
    /// Target-tracking alarms that fired likewise: (group, rule, scale out?, capacity, value).
    tracking_triggers: Vec<(usize, usize, bool, u32, f64)>,
    /// This period's metrics of groups with target-tracking rules: (group, CPU share, per
    /// instance).
    tracking_samples: Vec<(usize, Option<f64>, Option<f64>)>,
    /// Per group, hourly peaks of its load (predictive groups only).
    hour_peaks: Vec<Vec<f64>>,
    /// Per group, per absolute hour: the latest forecast (load, capacity).
    predictions: Vec<Vec<Option<(f64, u32)>>>,
    /// Forecast hours as they were prepared.
    forecasts: Vec<ForecastPoint>,
    /// The run's random draws, in event order.
    rng: ChaCha8Rng,
    /// Instances of each type running across the scenario, pay-as-you-go and preemptible
    /// (against their stock limits: separate capacity pools).
    stock_used: Vec<[u32; 2]>,
}

impl<'a> Simulation<'a> {
    fn new(scenario: &'a Scenario, load: &'a LoadSeries, options: RunOptions) -> Self {
        let groups = scenario
            .groups
            .iter()
            .enumerate()
            .map(|(group_index, group)| {
                let first = &scenario.instance_types
                    [group.configurations[group.active_configuration].instance_types[0]];
                // A group's own load gets its own noise stream: two groups with the same
                // noise settings do not move in lockstep.
                let own_load = group.load.as_ref().map(|spec| {
                    spec.generate(
                        scenario.metric_period,
                        scenario.ticks(),
                        scenario.seed ^ (group_index as u64 + 1).wrapping_mul(FLEET_STREAM),
                    )
                    .values
                });
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
                    instances: Vec::new(),
                    live: Vec::new(),
                    live_units: 0,
                    pending: 0,
                    in_service: 0,
                    serving: 0,
                    serving_by_type: vec![0; scenario.instance_types.len()],
                    capacity: 0.0,
                    cost_rate: 0.0,
                    running_cost: 0.0,
                    cost_since: 0,
                    busy: Vec::new(),
                    floor: 0,
                    tracking: vec![(0, 0); group.target_tracking.len()],
                    hpa: rules::HpaState::default(),
                    cooldown_until: 0,
                    waiting: VecDeque::new(),
                    retry_at: None,
                    reconcile_at: None,
                    alarms: group
                        .alarms
                        .iter()
                        .map(|alarm| AlarmState {
                            due: alarm.period,
                            ..AlarmState::default()
                        })
                        .collect(),
                    in_service_seconds: 0,
                    offered_requests: 0.0,
                    alive_seconds: 0,
                    peak_in_service: 0,
                    latency: latency::Mix::default(),
                    sla_violation_seconds: 0,
                    unserved_requests: 0.0,
                    tick_served: 0.0,
                    tick_capacity: 0.0,
                    tick_per_instance: 0.0,
                    tick_data_seconds: 0,
                    tick_violation_seconds: 0,
                    utilization_samples: Vec::with_capacity(scenario.ticks()),
                    curves: if options.history {
                        let ticks = scenario.ticks();
                        (
                            Vec::with_capacity(ticks),
                            Vec::with_capacity(ticks),
                            Vec::with_capacity(ticks),
                        )
                    } else {
                        Default::default()
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
            timeline: Vec::new(),
            total_peak_in_service: 0,
            any_violation_seconds: 0,
            total_utilization_samples: Vec::with_capacity(scenario.ticks()),
            triggers: Vec::new(),
            decisions: Vec::new(),
            tracking_triggers: Vec::new(),
            tracking_samples: Vec::new(),
            hour_peaks: vec![Vec::new(); scenario.groups.len()],
            predictions: vec![Vec::new(); scenario.groups.len()],
            forecasts: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(scenario.seed ^ FLEET_STREAM),
            stock_used: vec![[0; 2]; scenario.instance_types.len()],
        };
        simulation.start_fleets();
        simulation
    }

    /// At time 0 each group is steady at its desired capacity: the manually added instances
    /// first (pay-as-you-go, of the active configuration's first type), then instances it
    /// launched before the run, placed like launches (mix, priority, stock).
    fn start_fleets(&mut self) {
        for (group_index, group) in self.scenario.groups.iter().enumerate() {
            let configuration = &group.configurations[group.active_configuration];
            for _ in 0..group.existing.count {
                let type_index = configuration.instance_types[0];
                let index = self.add_instance(group_index, type_index, false, 0, true);
                let instance = &mut self.groups[group_index].instances[index];
                instance.manual = true;
                instance.protected = group.existing.protected;
            }
            self.launch(group_index, 0, group.desired, true, None);
            let state = &mut self.groups[group_index];
            state.peak_in_service = state.in_service;
            self.total_peak_in_service += state.in_service;
        }
    }

    fn run(mut self) -> Outcome {
        let period = self.scenario.metric_period;
        if self.options.timeline {
            self.timeline
                .reserve(self.scenario.ticks() * self.scenario.groups.len());
        }
        for state in self.groups.iter_mut() {
            state.load = state.load_at(&self.load.values, 0);
        }
        for tick in 0..self.scenario.ticks() {
            let start = tick as u64 * period;
            let end = start + period;
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
        }
        self.finish()
    }

    fn process_events(&mut self, now: SimTime) {
        while let Some((time, event)) = self.queue.pop_due(now) {
            match event {
                Event::BootComplete { group, instance } => {
                    self.boot_complete(group, instance, time)
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
        let mut total_in_service = 0;
        let mut any_violation = false;
        for state in self.groups.iter_mut() {
            let load = state.load;
            let capacity = state.capacity;
            let violating = if state.serving > 0 {
                let served = load.min(capacity);
                state.tick_served += served * dt;
                state.tick_capacity += capacity * dt;
                if state.tracks_per_instance {
                    state.tick_per_instance += load / state.in_service as f64 * dt;
                }
                state.tick_data_seconds += seconds;
                match sla.latency_model {
                    None => load > sla.max_utilization * capacity,
                    Some(model) => state.queue_latency(model, sla, served * dt),
                }
            } else {
                load > 0.0
            };
            if load > capacity {
                state.unserved_requests += (load - capacity) * dt;
            }
            if violating {
                state.sla_violation_seconds += seconds;
                state.tick_violation_seconds += seconds;
                any_violation = true;
            }
            state.in_service_seconds += state.in_service as u64 * seconds;
            state.alive_seconds += (state.in_service + state.pending) as u64 * seconds;
            state.peak_in_service = state.peak_in_service.max(state.in_service);
            total_in_service += state.in_service;
        }
        self.total_peak_in_service = self.total_peak_in_service.max(total_in_service);
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
            state.offered_requests += load * self.scenario.metric_period as f64;
            let utilization =
                (state.tick_capacity > 0.0).then(|| state.tick_served / state.tick_capacity);
            for (alarm_index, (alarm, alarm_state)) in
                group.alarms.iter().zip(&mut state.alarms).enumerate()
            {
                let sample = match alarm.metric {
                    Metric::Cpu => utilization.map(|value| 100.0 * value),
                    Metric::RequestsPerInstance => (state.tick_data_seconds > 0)
                        .then(|| state.tick_per_instance / state.tick_data_seconds as f64),
                    Metric::RequestRate => Some(load),
                };
                if let Some(value) = sample {
                    alarm_state.add(value);
                }
                if end < alarm_state.due {
                    continue;
                }
                alarm_state.due += alarm.period;
                // Missing data is not breaching (CloudWatch's default treatment).
                let breaching = alarm_state.breaches(alarm) == Some(true);
                alarm_state.consecutive = if breaching {
                    alarm_state.consecutive + 1
                } else {
                    0
                };
                // A sustained alarm re-invokes its action every period (CloudWatch).
                if alarm_state.consecutive >= alarm.periods {
                    self.triggers.push((
                        index,
                        alarm_index,
                        alarm_state.datapoint(alarm.statistic),
                    ));
                } else {
                    alarm_state.unchanged = false;
                }
                alarm_state.sum = 0.0;
                alarm_state.samples = 0;
            }
            if let Some(value) = utilization {
                state.utilization_samples.push((value as f32).to_bits());
            }
            if self.options.history {
                let usable = state.unit_capacity * self.scenario.sla.max_utilization;
                // ceil without a libm call: this runs every period.
                let demand = load / usable;
                let whole = demand as u32;
                state
                    .curves
                    .0
                    .push(whole + u32::from((whole as f64) < demand));
                state.curves.1.push(state.in_service);
                state.curves.2.push(state.in_service + state.pending);
            }
            if !group.target_tracking.is_empty() {
                let per_instance = (state.tick_data_seconds > 0)
                    .then(|| state.tick_per_instance / state.tick_data_seconds as f64);
                self.tracking_samples
                    .push((index, utilization, per_instance));
            }
            served += state.tick_served;
            capacity += state.tick_capacity;
            if self.options.timeline {
                self.timeline.push(TimelineRow {
                    time: start,
                    group: index,
                    load_rps: load,
                    desired: state.desired,
                    pending: state.pending,
                    in_service: state.in_service,
                    capacity_rps: state.capacity,
                    utilization,
                    violation_seconds: state.tick_violation_seconds,
                    cost_so_far: state.cost_at(end),
                });
            }
            state.tick_served = 0.0;
            state.tick_capacity = 0.0;
            state.tick_per_instance = 0.0;
            state.tick_data_seconds = 0;
            state.tick_violation_seconds = 0;
            // The next period's load, set while the group is at hand (the load series may
            // be longer than the run, never shorter).
            state.load = state.load_at(&self.load.values, tick + 1);
        }
        if !self.tracking_samples.is_empty() {
            let samples = std::mem::take(&mut self.tracking_samples);
            for &(group, utilization, per_instance) in &samples {
                self.track_targets(group, utilization, per_instance);
            }
            self.tracking_samples = samples;
            self.tracking_samples.clear();
        }
        // With one group the total's samples are the group's: no second copy.
        if capacity > 0.0 && self.groups.len() > 1 {
            self.total_utilization_samples
                .push(((served / capacity) as f32).to_bits());
        }
    }

    /// Acts on the alarms that fired at `now`, group by group.
    fn act_on_alarms(&mut self, now: SimTime) {
        let triggers = std::mem::take(&mut self.triggers);
        for group_triggers in triggers.chunk_by(|a, b| a.0 == b.0) {
            self.resolve_alarm_triggers(group_triggers[0].0, group_triggers, now);
        }
        self.triggers = triggers;
        self.triggers.clear();
    }

    /// Several alarms at one instant: the one leaving the largest capacity runs (AWS, "multiple
    /// dynamic scaling policies"); ties go to the first in file order.
    fn resolve_alarm_triggers(
        &mut self,
        group_index: usize,
        triggers: &[(usize, usize, Option<f64>)],
        now: SimTime,
    ) {
        let group = &self.scenario.groups[group_index];
        // A reused buffer: alarms held at a bound fire every period, so no allocation here.
        let mut decisions = std::mem::take(&mut self.decisions);
        decisions.clear();
        decisions.extend(triggers.iter().map(|(_, alarm, datapoint)| {
            self.alarm_decision(group_index, *alarm, *datapoint, now)
        }));
        let desired = self.groups[group_index].desired;
        let outcome = |index: usize| {
            decisions[index]
                .as_ref()
                .map_or(desired, |decision| decision.desired)
        };
        let mut winner = 0;
        for index in 1..triggers.len() {
            if outcome(index) > outcome(winner) {
                winner = index;
            }
        }
        for (index, &(_, alarm_index, datapoint)) in triggers.iter().enumerate() {
            let alarm = &group.alarms[alarm_index];
            let rule = &group.rules[alarm.rule];
            // Step rules answer every alarm and use warmup, not the cooldown or the one-activity
            // gate (AWS: "step policies keep responding to alarms while an activity is in
            // progress"; cooldowns are not supported for step scaling).
            let is_step = rule.steps.is_some();
            let cause = Cause::Alarm {
                alarm: alarm_index,
                rule: alarm.rule,
            };
            let state = &self.groups[group_index];
            let note = if index != winner {
                Note::Superseded
            } else if !state.busy.is_empty() && !is_step {
                Note::Busy
            } else if now < state.cooldown_until && !is_step {
                Note::Cooldown {
                    remaining: state.cooldown_until - now,
                }
            } else {
                let cooldown = if is_step {
                    0
                } else {
                    rule.cooldown.unwrap_or(group.default_cooldown)
                };
                let (target, decision, reason) = match &decisions[index] {
                    Ok(decision) => (decision.desired, Some(*decision), ""),
                    Err(reason) => (state.desired, None, *reason),
                };
                let changes = target != state.desired || state.live.len() as u32 != target;
                // An alarm held at a bound fires every period to no effect: its history keeps
                // the first such firing of each streak, not one per period.
                let repeated = std::mem::replace(
                    &mut self.groups[group_index].alarms[alarm_index].unchanged,
                    !changes,
                );
                if !changes && repeated {
                    continue;
                }
                let mut activity = ScalingActivity::unchanged(
                    group_index,
                    cause,
                    now,
                    self.groups[group_index].desired,
                    ActivityStatus::NoChange,
                );
                activity.datapoint = datapoint;
                activity.decision = decision;
                activity.reason = reason.to_string();
                self.change_capacity(activity, target, cooldown);
                continue;
            };
            let status = match note {
                Note::Superseded => ActivityStatus::Superseded,
                Note::Busy => ActivityStatus::RejectedBusy,
                _ => ActivityStatus::RejectedCooldown,
            };
            let mut activity =
                ScalingActivity::unchanged(group_index, cause, now, state.desired, status);
            activity.datapoint = datapoint;
            activity.note = note;
            self.record(activity);
        }
        self.decisions = decisions;
    }

    fn scheduled_fire(&mut self, group_index: usize, task_index: usize, now: SimTime) {
        let task = &self.scenario.groups[group_index].scheduled[task_index];
        if let Some(&next) = task
            .fires
            .get(task.fires.partition_point(|time| *time <= now))
        {
            self.queue.push(
                next,
                Event::ScheduledFire {
                    group: group_index,
                    task: task_index,
                },
            );
        }
        self.groups[group_index]
            .waiting
            .push_back((task_index, now));
        self.retry_waiting(group_index, now);
    }

    /// Runs waiting scheduled firings in order while the group is free; fails those whose
    /// launch expiration has passed (ESS `LaunchExpirationTime`).
    fn retry_waiting(&mut self, group_index: usize, now: SimTime) {
        let group = &self.scenario.groups[group_index];
        while let Some(&(task_index, fired)) = self.groups[group_index].waiting.front() {
            let task = &group.scheduled[task_index];
            let deadline = fired + task.launch_expiration;
            let state = &self.groups[group_index];
            if now > deadline {
                let cause = Cause::Scheduled { task: task_index };
                let mut activity = ScalingActivity::unchanged(
                    group_index,
                    cause,
                    fired,
                    state.desired,
                    ActivityStatus::Failed,
                );
                activity.end = Some(deadline);
                activity.note = Note::Expired {
                    expiration: task.launch_expiration,
                };
                self.groups[group_index].waiting.pop_front();
                self.record(activity);
                continue;
            }
            if !state.busy.is_empty() {
                return; // Retried when the activity completes.
            }
            if self.scenario.cooldown_blocks == CooldownBlocks::All && now < state.cooldown_until {
                let retry = state.cooldown_until;
                if state.retry_at != Some(retry) {
                    self.groups[group_index].retry_at = Some(retry);
                    self.queue
                        .push(retry, Event::RetryWaiting { group: group_index });
                }
                return;
            }
            self.groups[group_index].waiting.pop_front();
            self.run_task(group_index, task_index, now, fired);
        }
    }

    fn run_task(&mut self, group_index: usize, task_index: usize, now: SimTime, fired: SimTime) {
        let group = &self.scenario.groups[group_index];
        let task = &group.scheduled[task_index];
        let state = &mut self.groups[group_index];
        let cause = Cause::Scheduled { task: task_index };
        let mut activity = ScalingActivity::unchanged(
            group_index,
            cause,
            now,
            state.desired,
            ActivityStatus::NoChange,
        );
        activity.waited = now - fired;
        let (target, cooldown) = match task.action {
            TaskAction::RunRule(rule_index) => {
                let rule = &group.rules[rule_index];
                let decision = scaling::apply(
                    rule.adjustment,
                    state.desired,
                    state.lower_bound(),
                    state.max,
                    self.scenario.rounding,
                );
                activity.decision = Some(decision);
                (
                    decision.desired,
                    rule.cooldown.unwrap_or(group.default_cooldown),
                )
            }
            TaskAction::Activate(configuration) => {
                state.configuration = configuration;
                let first = &self.scenario.instance_types
                    [group.configurations[configuration].instance_types[0]];
                state.unit_capacity = first.capacity_rps / first.weight as f64;
                activity.status = ActivityStatus::Successful;
                activity.note = Note::Activated { configuration };
                self.record(activity);
                return;
            }
            TaskAction::SetCapacity { min, max, desired } => {
                let new_min = min.unwrap_or(state.min);
                let new_max = max.unwrap_or(state.max);
                if new_min > new_max {
                    activity.status = ActivityStatus::Failed;
                    activity.note = Note::BoundsConflict {
                        min: new_min,
                        max: new_max,
                    };
                    self.record(activity);
                    return;
                }
                // Changing min or max moves desired into the new range at once (AWS, ESS).
                state.min = new_min;
                state.max = new_max;
                activity.note = Note::SetCapacity {
                    min: new_min,
                    max: new_max,
                    desired,
                };
                (
                    desired.unwrap_or(state.desired).clamp(new_min, new_max),
                    group.default_cooldown,
                )
            }
        };
        self.change_capacity(activity, target, cooldown);
    }

    /// Moves desired capacity to `target`, launches or removes instances to match, and records
    /// `activity` (which arrives with its cause, time and reasons filled in).
    ///
    /// Scale-in removes instances in removal order while the units left stay at or above the
    /// target (a heavy instance that would cut below it is skipped, as AWS does with weights).
    /// Launches that find no stock leave the group at what launched: the activity is
    /// partially successful and desired drops to the units the group holds (ESS).
    fn change_capacity(&mut self, mut activity: ScalingActivity, target: u32, cooldown: Seconds) {
        let group_index = activity.group;
        let now = activity.start;
        let policy = self.scenario.groups[group_index].removal_policy;
        let state = &mut self.groups[group_index];
        let live = state.live_units;
        activity.to = target;
        if target == activity.from && live == target {
            activity.status = ActivityStatus::NoChange;
            self.record(activity);
            return;
        }
        state.desired = target;
        if target > live {
            let missing = self.launch(group_index, now, target, false, Some(&mut activity));
            if missing > 0 {
                let state = &mut self.groups[group_index];
                activity.no_stock = missing;
                state.desired = state.live_units.max(state.min);
                activity.to = state.desired;
            }
        } else if target < live {
            let mut units = live;
            for index in fleet::removal_order(state, policy) {
                let weight = self.groups[group_index].instances[index].weight;
                if units == target {
                    break;
                }
                if units - weight < target {
                    continue;
                }
                units -= weight;
                self.terminate(group_index, index, now, EndReason::ScaleIn);
                activity.terminated.push(index as u32);
            }
            activity.protected_kept = units - target;
        }
        let state = &mut self.groups[group_index];
        if activity.launched.is_empty() {
            if cooldown > 0 {
                state.cooldown_until = state.cooldown_until.max(now + cooldown);
            }
            activity.status = if activity.no_stock > 0 {
                ActivityStatus::Failed
            } else {
                ActivityStatus::Successful
            };
        } else {
            state.busy.push((self.activities.len(), cooldown));
            activity.status = if activity.no_stock > 0 {
                ActivityStatus::PartialSuccess
            } else {
                ActivityStatus::InProgress
            };
            activity.end = None;
        }
        self.record(activity);
        self.complete_activities(group_index, now);
    }

    fn boot_complete(&mut self, group_index: usize, instance_index: usize, now: SimTime) {
        if self.groups[group_index].instances[instance_index].state != InstanceState::Pending {
            return; // Removed while booting.
        }
        self.enter_service(group_index, instance_index, now);
        self.complete_activities(group_index, now);
    }

    /// Activities in progress complete once nothing is booting (a scale-in or a reclaim can
    /// remove the last booting instance, too).
    fn complete_activities(&mut self, group_index: usize, now: SimTime) {
        let state = &mut self.groups[group_index];
        // The activity completes when its last launched instance is in service, and the
        // cooldown starts then (AWS: "when the last instance finishes launching").
        if state.pending == 0 && !state.busy.is_empty() {
            for (activity_index, cooldown) in std::mem::take(&mut state.busy) {
                if cooldown > 0 {
                    state.cooldown_until = state.cooldown_until.max(now + cooldown);
                }
                if let Some(activity) = self.activities.get_mut(activity_index) {
                    activity.end = Some(now);
                    if activity.status == ActivityStatus::InProgress {
                        activity.status = ActivityStatus::Successful;
                    }
                }
            }
            self.retry_waiting(group_index, now);
        }
    }

    /// Counts a trigger in its group's summary and, with history on, keeps it.
    fn record(&mut self, activity: ScalingActivity) {
        let summary = &mut self.groups[activity.group].summary;
        match activity.status {
            status if status.is_activity() => summary.activities += 1,
            ActivityStatus::RejectedCooldown => summary.rejected_by_cooldown += 1,
            ActivityStatus::RejectedBusy => summary.rejected_busy += 1,
            ActivityStatus::Failed => summary.failed_tasks += 1,
            _ => {}
        }
        summary.no_stock += activity.no_stock;
        if self.options.history {
            self.activities.push(activity);
        }
    }

    fn finish(mut self) -> Outcome {
        let end = self.scenario.duration;
        // Firings still waiting when the run ends never ran.
        for group_index in 0..self.groups.len() {
            while let Some((task_index, fired)) = self.groups[group_index].waiting.pop_front() {
                let cause = Cause::Scheduled { task: task_index };
                let desired = self.groups[group_index].desired;
                let mut activity = ScalingActivity::unchanged(
                    group_index,
                    cause,
                    fired,
                    desired,
                    ActivityStatus::Failed,
                );
                activity.end = None;
                activity.note = Note::RunEnded;
                self.record(activity);
            }
        }
        let mut instances = Vec::new();
        let mut summaries = Vec::with_capacity(self.groups.len());
        for (group_index, (state, group)) in self
            .groups
            .iter_mut()
            .zip(&self.scenario.groups)
            .enumerate()
        {
            let (mut billed_total, mut cost) = (0, 0.0);
            for (id, instance) in state.instances.iter_mut().enumerate() {
                if instance.state != InstanceState::Terminated {
                    instance.ended_at = end;
                }
                let billed = instance.billed_seconds(self.scenario, instance.ended_at);
                let instance_cost = instance.cost(self.scenario, billed);
                billed_total += billed;
                cost += instance_cost;
                if !self.options.history {
                    continue;
                }
                instances.push(InstanceRecord {
                    group: group_index,
                    id: id as u32,
                    instance_type: instance.instance_type,
                    preemptible: instance.preemptible,
                    launched_at: instance.launched_at,
                    ended_at: instance.ended_at,
                    end: instance.end,
                    billed_seconds: billed,
                    cost: instance_cost,
                });
            }
            let mut summary = std::mem::take(&mut state.summary);
            summary.cost = cost;
            summary.instance_hours = billed_total as f64 / 3600.0;
            summary.peak_in_service = state.peak_in_service;
            summary.mean_in_service = state.in_service_seconds as f64 / end as f64;
            summary.sla_violation_seconds = state.sla_violation_seconds;
            summary.unserved_requests = state.unserved_requests;
            summary.offered_requests = state.offered_requests;
            summary.p95_utilization = percentile(&mut state.utilization_samples, 0.95);
            summary.forecast_mape = forecast_mape(&self.forecasts, group_index);
            summary.booting_instance_hours =
                (state.alive_seconds - state.in_service_seconds) as f64 / 3600.0;
            if self.scenario.sla.latency_model.is_some() {
                summary.latency = Some(state.latency.percentiles());
            }
            if self.options.history {
                let (demand, supply, provisioned) = &state.curves;
                let metrics = crate::metrics::elasticity(
                    demand,
                    supply,
                    provisioned,
                    self.scenario.metric_period,
                );
                // The oracle runs the start's first type, pay-as-you-go, per capacity unit.
                let first = &self.scenario.instance_types
                    [group.configurations[group.active_configuration].instance_types[0]];
                summary.oracle_cost = Some(
                    metrics.oracle_instance_hours * first.price_per_hour / first.weight as f64,
                );
                summary.elasticity = Some(metrics);
            }
            summary.launched = state.instances.iter().filter(|i| i.launched_in_run).count() as u32;
            summary.terminated = state
                .instances
                .iter()
                .filter(|i| i.state == InstanceState::Terminated)
                .count() as u32;
            // The last period's running cost also carries the rounding of instances still
            // running at the end, so the timeline ends at the billed total.
            let groups = self.scenario.groups.len();
            if let Some(row) = self
                .timeline
                .iter_mut()
                .rev()
                .take(groups)
                .find(|row| row.group == group_index)
            {
                row.cost_so_far = summary.cost;
            }
            summaries.push(summary);
        }
        let mut total = GroupSummary {
            name: "total".into(),
            peak_in_service: self.total_peak_in_service,
            sla_violation_seconds: self.any_violation_seconds,
            p95_utilization: if summaries.len() == 1 {
                summaries[0].p95_utilization
            } else {
                percentile(&mut self.total_utilization_samples, 0.95)
            },
            ..GroupSummary::default()
        };
        for summary in &summaries {
            total.cost += summary.cost;
            total.instance_hours += summary.instance_hours;
            total.mean_in_service += summary.mean_in_service;
            total.activities += summary.activities;
            total.rejected_by_cooldown += summary.rejected_by_cooldown;
            total.rejected_busy += summary.rejected_busy;
            total.failed_tasks += summary.failed_tasks;
            total.launched += summary.launched;
            total.terminated += summary.terminated;
            total.unserved_requests += summary.unserved_requests;
            total.offered_requests += summary.offered_requests;
            total.booting_instance_hours += summary.booting_instance_hours;
            total.reclaimed += summary.reclaimed;
            total.failed += summary.failed;
            total.no_stock += summary.no_stock;
        }
        total.oracle_cost = summaries.iter().map(|summary| summary.oracle_cost).sum();
        if self.scenario.sla.latency_model.is_some() {
            let mut all = latency::Mix::default();
            for state in &self.groups {
                all.merge(&state.latency);
            }
            total.latency = Some(all.percentiles());
        }
        Outcome {
            groups: summaries,
            total,
            activities: self.activities,
            forecasts: self.forecasts,
            timeline: self.timeline,
            instances,
        }
    }
}

/// Mean absolute percentage error of a group's forecast hours (hours with no load skipped).
fn forecast_mape(forecasts: &[ForecastPoint], group: usize) -> Option<f64> {
    let errors: Vec<f64> = forecasts
        .iter()
        .filter(|point| point.group == group && point.actual_rps > 0.0)
        .map(|point| (point.forecast_rps - point.actual_rps).abs() / point.actual_rps)
        .collect();
    (!errors.is_empty()).then(|| 100.0 * errors.iter().sum::<f64>() / errors.len() as f64)
}

/// The nearest-rank percentile (`q` in 0..=1) of non-negative f32 `samples` given as bits
/// (which order like the values, and select faster than floats), which it reorders; rounded
/// to 6 decimals so the f32 storage does not show.
fn percentile(samples: &mut [u32], q: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1;
    let (_, bits, _) = samples.select_nth_unstable(rank);
    Some((f32::from_bits(*bits) as f64 * 1e6).round() / 1e6)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentile_is_the_nearest_rank_value() {
        let bits = |values: &[f32]| {
            values
                .iter()
                .map(|value| value.to_bits())
                .collect::<Vec<u32>>()
        };
        let hundred: Vec<f32> = (1..=100).map(|value| value as f32 / 100.0).collect();
        assert_eq!(percentile(&mut bits(&hundred), 0.95), Some(0.95));
        assert_eq!(percentile(&mut bits(&hundred), 1.0), Some(1.0));
        assert_eq!(percentile(&mut bits(&hundred), 0.0), Some(0.01));
        assert_eq!(percentile(&mut bits(&[0.5, 0.0, 0.25]), 0.5), Some(0.25));
        assert_eq!(percentile(&mut [], 0.95), None);
        // Many equal values among a few close ones.
        let mut many = vec![0.3f32; 1000];
        many.extend((0..50).map(|index| 0.3 + index as f32 * 1e-6));
        let expected = {
            let mut sorted = many.clone();
            sorted.sort_by(f32::total_cmp);
            sorted[(0.95f64 * 1050.0).ceil() as usize - 1] as f64
        };
        assert_eq!(
            percentile(&mut bits(&many), 0.95),
            Some((expected * 1e6).round() / 1e6)
        );
    }
}
