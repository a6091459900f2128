//! The fleet: what a launch picks (scaling configuration, instance type, market), how an
//! instance leaves (which one a scale-in removes is `removal.rs`), and the instances' unplanned ends — preemptible reclamation and health
//! failures — with the replacements the group launches for them.
//!
//! Desired capacity counts capacity units (AWS `WeightedCapacity`; one unit per instance
//! unless a type says otherwise). Every random draw comes from the run's seeded generator, in
//! event order, so a seed gives the same fleet whatever the thread count.

use super::activity::{ActivityStatus, Cause, ReplacementReason, ScalingActivity};
use super::{Busy, Event, GroupState, Simulation};
use crate::billing;
use crate::model::{HookResult, HookTransition, Reclamation, Scenario, hook_wait};
use crate::time::{Seconds, SimTime};
use rand_distr::{Bernoulli, Distribution, Exp};

/// How long a group short of desired capacity waits before launching again.
const RECONCILE_RETRY: Seconds = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InstanceState {
    Pending,
    InService,
    /// Failed its health: billed, counted toward desired until detected, serving nothing.
    Failed,
    /// Removed and waiting at a terminating lifecycle hook (AWS `Terminating:Wait`): billed,
    /// serving nothing, no longer counted toward desired.
    Terminating,
    /// Launched into a warm pool, booting (AWS `Warmed:Pending`): billed in full.
    Initializing,
    /// Waiting in a warm pool (AWS `Warmed:Stopped`, `Warmed:Running`).
    Warm,
    Terminated,
}

/// Why an instance's life ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndReason {
    /// Still running when the run ended.
    #[default]
    RunEnded,
    /// Removed by a scale-in.
    ScaleIn,
    /// Taken back by the cloud (preemptible).
    Reclaimed,
    /// Failed and replaced by the health check.
    Unhealthy,
    /// Abandoned by a launching lifecycle hook, and replaced.
    Abandoned,
    /// Still in the warm pool when the run ended.
    InWarmPool,
    /// Terminated by zone rebalancing once its replacement in a smaller zone was in service.
    Rebalanced,
}

impl EndReason {
    /// Lowercase name used in CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::RunEnded => "running",
            EndReason::ScaleIn => "scale_in",
            EndReason::Reclaimed => "reclaimed",
            EndReason::Unhealthy => "unhealthy",
            EndReason::Abandoned => "abandoned",
            EndReason::InWarmPool => "in_warm_pool",
            EndReason::Rebalanced => "rebalanced",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Instance {
    pub launched_at: SimTime,
    /// When it entered service (warmup counts from here).
    pub in_service_at: SimTime,
    pub ended_at: SimTime,
    pub state: InstanceState,
    pub protected: bool,
    /// Added by hand rather than launched by the group (Tencent removes these last).
    pub manual: bool,
    pub launched_in_run: bool,
    /// Index into the scenario's instance types.
    pub instance_type: usize,
    /// Index of the scaling configuration it was launched from.
    pub configuration: usize,
    /// Its zone, as an index into its group's `zones`.
    pub zone: usize,
    /// Capacity units it counts for.
    pub weight: u32,
    pub preemptible: bool,
    /// Reclaim notice received: still serving until released, but no longer counted toward
    /// desired capacity (its replacement is).
    pub leaving: bool,
    pub end: EndReason,
    /// Seconds spent stopped or hibernated in a warm pool, and since when it is now.
    pub stopped_seconds: Seconds,
    pub stopped_since: Option<SimTime>,
}

impl Instance {
    /// Price per hour at `time` (preemptible: the market's).
    pub fn price_at(&self, scenario: &Scenario, time: SimTime) -> f64 {
        let instance_type = &scenario.instance_types[self.instance_type];
        match (&instance_type.preemptible, self.preemptible) {
            (Some(offer), true) => offer.price_at(instance_type.price_per_hour, time),
            _ => instance_type.price_per_hour,
        }
    }

    /// Seconds stopped in a warm pool up to `end`.
    pub fn stopped_until(&self, end: SimTime) -> Seconds {
        self.stopped_seconds + self.stopped_since.map_or(0, |since| end - since)
    }

    /// Seconds billed at its full price for its life, ending at `end` if still running: its
    /// running time, as one life (time stopped in a warm pool is billed apart, at its price).
    pub fn billed_seconds(&self, scenario: &Scenario, end: SimTime) -> Seconds {
        let instance_type = &scenario.instance_types[self.instance_type];
        billing::billed_seconds(
            end - self.launched_at - self.stopped_until(end),
            instance_type.billing_granularity,
            instance_type.billing_minimum,
            self.launched_in_run,
        )
    }

    /// Money for `billed` seconds from its launch.
    pub fn cost(&self, scenario: &Scenario, billed: Seconds) -> f64 {
        let instance_type = &scenario.instance_types[self.instance_type];
        match (&instance_type.preemptible, self.preemptible) {
            (Some(offer), true) => {
                offer.cost(instance_type.price_per_hour, self.launched_at, billed)
            }
            _ => billing::cost(billed, instance_type.price_per_hour),
        }
    }
}

impl GroupState {
    /// Changes the money per second at `now`, first billing the span since the last change.
    pub(super) fn change_cost_rate(&mut self, now: SimTime, delta: f64) {
        self.billing.running += self.billing.rate * (now - self.billing.since) as f64;
        self.billing.since = now;
        self.billing.rate += delta;
    }

    /// Money billed up to `now`.
    pub(super) fn cost_at(&self, now: SimTime) -> f64 {
        self.billing.running + self.billing.rate * (now - self.billing.since) as f64
    }

    /// Recomputes in-service capacity and the server count from the per-type counts: exact,
    /// so no rounding drifts in over millions of launches.
    pub(super) fn refresh_capacity(&mut self, scenario: &Scenario) {
        self.fleet.serving = self.fleet.serving_by_type.iter().sum();
        self.fleet.capacity = self
            .fleet
            .serving_by_type
            .iter()
            .zip(&scenario.instance_types)
            .map(|(count, instance_type)| *count as f64 * instance_type.capacity_rps)
            .sum();
    }

    /// Pay-as-you-go capacity units among the instances counted toward desired.
    pub(super) fn on_demand_units(&self) -> u32 {
        self.fleet
            .live
            .iter()
            .map(|index| &self.fleet.instances[*index])
            .filter(|instance| !instance.preemptible)
            .map(|instance| instance.weight)
            .sum()
    }
}

impl Simulation<'_, '_> {
    /// Launches instances until the group's units reach `target`, one at a time: the market
    /// by the group's mix (AWS rounds the pay-as-you-go share up), the type by the active
    /// configuration's priority order, skipping types out of stock (their stock limit reached,
    /// a seeded no-stock draw, or a spot price above the bid). Returns the units that found no
    /// stock anywhere. `ready` makes them in service at once (the fleet at time 0).
    pub(super) fn launch(
        &mut self,
        group_index: usize,
        now: SimTime,
        target: u32,
        ready: bool,
        mut activity: Option<&mut ScalingActivity>,
    ) -> u32 {
        let group = &self.scenario.groups[group_index];
        let types = &group.configurations[self.groups[group_index].configuration].instance_types;
        // Which types launched is for the history only: without it, no allocation per launch.
        let history = self.options.history;
        while self.groups[group_index].fleet.live_units < target {
            let preemptible = self.next_is_preemptible(group_index);
            // A warm pool's instances go first (AWS: "instances leaving the warm pool ...
            // count toward desired"; Tencent starts stopped instances first).
            if let Some(index) = self.take_from_pool(group_index, now) {
                if let Some(activity) = activity.as_deref_mut() {
                    activity.launched.push(index as u32);
                    activity.from_pool += 1;
                }
                continue;
            }
            let Some((type_index, zone)) = self.pick_zone(
                group_index,
                types,
                preemptible,
                false,
                now,
                activity.as_deref_mut(),
            ) else {
                return target - self.groups[group_index].fleet.live_units;
            };
            let index = self.add_instance(group_index, type_index, zone, preemptible, now, ready);
            if let Some(activity) = activity.as_deref_mut() {
                activity.launched.push(index as u32);
                if history {
                    activity.note_launch(type_index, zone, preemptible);
                }
            }
        }
        0
    }

    /// Whether the group's next launch is preemptible, by its mix (AWS rounds the
    /// pay-as-you-go share up).
    pub(super) fn next_is_preemptible(&self, group_index: usize) -> bool {
        let state = &self.groups[group_index];
        self.scenario.groups[group_index].mix.is_some_and(|mix| {
            let total = state.fleet.live_units + 1;
            state.on_demand_units() >= mix.on_demand_units(total)
        })
    }

    /// The first of `types` with stock for the market in the group's zone `zone` (its stock
    /// limit there, a seeded no-stock draw, a spot price above the bid); those without are
    /// noted on `activity`.
    pub(super) fn pick_type(
        &mut self,
        group_index: usize,
        types: &[usize],
        zone: usize,
        preemptible: bool,
        now: SimTime,
        mut activity: Option<&mut ScalingActivity>,
    ) -> Option<usize> {
        let history = self.options.history;
        let zone_id = self.scenario.groups[group_index].zones[zone];
        for &type_index in types.iter() {
            let instance_type = &self.scenario.instance_types[type_index];
            let offer = instance_type.preemptible.as_ref();
            if preemptible && offer.is_none() {
                continue;
            }
            let outbid = preemptible
                && offer.is_some_and(|offer| match &offer.reclamation {
                    Reclamation::PriceTrace { bid, .. } => offer.price_at(0.0, now) > *bid,
                    Reclamation::Rate(_) => false,
                });
            let stock = match (preemptible, offer) {
                (true, Some(offer)) => offer.stock.get(zone_id),
                _ => instance_type.stock.get(zone_id),
            };
            let slot = self.stock_slot(type_index, zone_id);
            let exhausted =
                stock.is_some_and(|stock| self.stock_used[slot][usize::from(preemptible)] >= stock);
            let chance = instance_type.no_stock_probability.get(zone_id);
            let unlucky = !outbid
                && !exhausted
                && chance > 0.0
                && Bernoulli::new(chance)
                    .expect("validated probability")
                    .sample(&mut self.rng);
            if outbid || exhausted || unlucky {
                if let Some(activity) = activity.as_deref_mut()
                    && history
                    && !activity.out_of_stock.contains(&(type_index, zone))
                {
                    activity.out_of_stock.push((type_index, zone));
                }
                continue;
            }
            return Some(type_index);
        }
        None
    }

    /// Where an instance of `type_index` in the scenario's zone `zone_id` counts against stock.
    pub(super) fn stock_slot(&self, type_index: usize, zone_id: usize) -> usize {
        type_index * self.scenario.zones.len() + zone_id
    }

    /// Adds one instance of `type_index` to the group in its zone `zone`, booting (or in
    /// service if `ready`), and schedules its boot and, preemptible at a rate, its reclaim
    /// notice.
    pub(super) fn add_instance(
        &mut self,
        group_index: usize,
        type_index: usize,
        zone: usize,
        preemptible: bool,
        now: SimTime,
        ready: bool,
    ) -> usize {
        let instance_type = &self.scenario.instance_types[type_index];
        let state = &mut self.groups[group_index];
        let index = state.fleet.instances.len();
        let instance = Instance {
            launched_at: now,
            in_service_at: if ready { now } else { SimTime::MAX },
            ended_at: 0,
            state: InstanceState::Pending,
            protected: false,
            manual: false,
            launched_in_run: !ready,
            instance_type: type_index,
            configuration: state.configuration,
            zone,
            weight: instance_type.weight,
            preemptible,
            leaving: false,
            end: EndReason::RunEnded,
            stopped_seconds: 0,
            stopped_since: None,
        };
        state.change_cost_rate(now, instance.price_at(self.scenario, now) / 3600.0);
        state.fleet.instances.push(instance);
        state.fleet.live.push(index);
        state.fleet.live_units += instance_type.weight;
        state.fleet.pending += instance_type.weight;
        let slot = self.stock_slot(type_index, self.scenario.groups[group_index].zones[zone]);
        self.stock_used[slot][usize::from(preemptible)] += 1;
        if ready {
            self.enter_service(group_index, index, now);
        } else {
            self.schedule_boot(group_index, index, now, instance_type.boot_time);
        }
        if let (true, Some(offer)) = (preemptible, &instance_type.preemptible)
            && let Reclamation::Rate(per_hour) = offer.reclamation
            && per_hour > 0.0
        {
            let after = Exp::new(per_hour / 3600.0)
                .expect("validated positive rate")
                .sample(&mut self.rng);
            let at = now as f64 + after;
            if at < self.scenario.duration as f64 {
                self.queue.push(
                    at.ceil() as SimTime,
                    Event::ReclaimNotice {
                        group: group_index,
                        instance: index,
                    },
                );
            }
        }
        index
    }

    /// Schedules the entry into service of an instance starting now that boots for `boot`.
    /// Launching hooks hold it at Pending:Wait while it boots; the load balancer registers it
    /// once it proceeds (AWS lifecycle hooks page: "the instance ... is registered with the
    /// load balancer after ... Pending:Proceed").
    pub(super) fn schedule_boot(
        &mut self,
        group_index: usize,
        index: usize,
        now: SimTime,
        boot: Seconds,
    ) {
        let group = &self.scenario.groups[group_index];
        let event = match hook_wait(&group.lifecycle_hooks, HookTransition::Launching) {
            Some((wait, HookResult::Abandon)) => (
                now + wait,
                Event::LaunchAbandoned {
                    group: group_index,
                    instance: index,
                },
            ),
            wait => (
                (now + boot).max(now + wait.map_or(0, |(wait, _)| wait)) + group.registration_delay,
                Event::BootComplete {
                    group: group_index,
                    instance: index,
                },
            ),
        };
        self.queue.push(event.0, event.1);
    }

    /// A booted instance takes traffic; with a health model, its failure is drawn now.
    pub(super) fn enter_service(&mut self, group_index: usize, index: usize, now: SimTime) {
        let scenario = self.scenario;
        let state = &mut self.groups[group_index];
        let instance = &mut state.fleet.instances[index];
        instance.state = InstanceState::InService;
        instance.in_service_at = now;
        state.fleet.pending -= instance.weight;
        state.fleet.in_service += instance.weight;
        state.fleet.serving_by_type[instance.instance_type] += 1;
        state.refresh_capacity(scenario);
        if let Some(health) = scenario.groups[group_index].health {
            let after = Exp::new(1.0 / health.mtbf as f64)
                .expect("validated positive MTBF")
                .sample(&mut self.rng);
            let at = now as f64 + after;
            if at < scenario.duration as f64 {
                self.queue.push(
                    at.ceil() as SimTime,
                    Event::Failure {
                        group: group_index,
                        instance: index,
                    },
                );
            }
        }
    }

    /// An in-service instance fails: it stops serving at once; the health check notices it
    /// after the detection delay, and not before the grace period from launch ends (AWS
    /// `HealthCheckGracePeriod`).
    pub(super) fn fail(&mut self, group_index: usize, index: usize, now: SimTime) {
        let health = self.scenario.groups[group_index]
            .health
            .expect("failures need a health model");
        let state = &mut self.groups[group_index];
        let instance = &mut state.fleet.instances[index];
        if instance.state != InstanceState::InService {
            return;
        }
        instance.state = InstanceState::Failed;
        let (weight, type_index, launched_at) = (
            instance.weight,
            instance.instance_type,
            instance.launched_at,
        );
        state.fleet.in_service -= weight;
        state.fleet.serving_by_type[type_index] -= 1;
        state.refresh_capacity(self.scenario);
        state.summary.failed += 1;
        let detected = (now + health.detection).max(launched_at + health.grace);
        self.queue.push(
            detected,
            Event::Unhealthy {
                group: group_index,
                instance: index,
            },
        );
    }

    /// The health check found a failed instance: remove it and launch a replacement, ignoring
    /// the cooldown and any activity in progress (AWS health replacement; ESS removes and
    /// replaces unhealthy instances).
    pub(super) fn replace_unhealthy(&mut self, group_index: usize, index: usize, now: SimTime) {
        let state = &mut self.groups[group_index];
        if state.fleet.instances[index].state != InstanceState::Failed {
            return;
        }
        if state.fleet.instances[index].leaving {
            // Already reclaimed and replaced: only its release is left.
            self.terminate(group_index, index, now, EndReason::Reclaimed);
            return;
        }
        let desired = state.desired;
        let mut activity = ScalingActivity::unchanged(
            group_index,
            Cause::Replacement {
                reason: ReplacementReason::Unhealthy,
            },
            now,
            desired,
            ActivityStatus::Successful,
        );
        self.retire(group_index, index, now, EndReason::Unhealthy);
        activity.terminated.push(index as u32);
        self.replace(activity, now);
    }

    /// A launching hook abandoned a booting instance: it is terminated and the group launches
    /// a replacement (AWS: "ABANDON ... terminates the instance"; the group is below desired).
    pub(super) fn launch_abandoned(&mut self, group_index: usize, index: usize, now: SimTime) {
        let state = &self.groups[group_index];
        if state.fleet.instances[index].state != InstanceState::Pending {
            return; // Removed while waiting.
        }
        let activity = ScalingActivity::unchanged(
            group_index,
            Cause::Replacement {
                reason: ReplacementReason::Abandoned,
            },
            now,
            state.desired,
            ActivityStatus::Successful,
        );
        self.terminate(group_index, index, now, EndReason::Abandoned);
        let mut activity = activity;
        let hooks = &self.scenario.groups[group_index].lifecycle_hooks;
        if let Some(hook) = hooks
            .iter()
            .filter(|hook| {
                hook.transition == HookTransition::Launching
                    && hook.outcome().1 == HookResult::Abandon
            })
            .min_by_key(|hook| hook.outcome().0)
        {
            let (wait, _) = hook.outcome();
            let by = if hook
                .completes_after
                .is_some_and(|after| after <= hook.heartbeat_timeout)
            {
                "its action"
            } else {
                "its heartbeat timeout"
            };
            activity.reason = format!(
                "lifecycle hook {} ended with ABANDON after {} ({by})",
                hook.name,
                crate::time::format_duration(wait)
            );
        }
        activity.terminated.push(index as u32);
        self.replace(activity, now);
        self.complete_activities(group_index, now);
    }

    /// Removes an instance from the group (scale-in, health replacement): at once, or, with
    /// terminating lifecycle hooks, out of service now and terminated when their wait ends
    /// (AWS `Terminating:Wait`: billed, deregistered first).
    pub(super) fn retire(
        &mut self,
        group_index: usize,
        index: usize,
        now: SimTime,
        reason: EndReason,
    ) {
        if reason == EndReason::ScaleIn && self.return_to_pool(group_index, index, now) {
            return;
        }
        let group = &self.scenario.groups[group_index];
        let Some((wait, _)) = hook_wait(&group.lifecycle_hooks, HookTransition::Terminating) else {
            self.terminate(group_index, index, now, reason);
            return;
        };
        match self.groups[group_index].fleet.instances[index].state {
            InstanceState::Terminating
            | InstanceState::Terminated
            | InstanceState::Initializing
            | InstanceState::Warm => return,
            _ => {}
        }
        self.leave_group(group_index, index);
        let instance = &mut self.groups[group_index].fleet.instances[index];
        instance.state = InstanceState::Terminating;
        instance.end = reason;
        self.queue.push(
            now + wait,
            Event::TerminationReleased {
                group: group_index,
                instance: index,
            },
        );
    }

    /// A reclaim notice: the instance keeps serving until it is released after the notice;
    /// the group launches its replacement now (AWS capacity rebalancing, ESS
    /// `SpotInstanceRemedy`).
    pub(super) fn reclaim_notice(&mut self, group_index: usize, index: usize, now: SimTime) {
        let state = &mut self.groups[group_index];
        let instance = &mut state.fleet.instances[index];
        if instance.state == InstanceState::Terminated || instance.leaving {
            return;
        }
        instance.leaving = true;
        let notice = self.scenario.instance_types[instance.instance_type]
            .preemptible
            .as_ref()
            .map_or(0, |offer| offer.notice);
        state.fleet.live_units -= instance.weight;
        state.fleet.live.retain(|live| *live != index);
        let activity = ScalingActivity::unchanged(
            group_index,
            Cause::Replacement {
                reason: ReplacementReason::Reclaimed,
            },
            now,
            state.desired,
            ActivityStatus::Successful,
        );
        self.queue.push(
            now + notice,
            Event::Reclaim {
                group: group_index,
                instance: index,
            },
        );
        self.replace(activity, now);
    }

    /// The notice ran out: the cloud releases the instance.
    pub(super) fn reclaim(&mut self, group_index: usize, index: usize, now: SimTime) {
        if self.groups[group_index].fleet.instances[index].state == InstanceState::Terminated {
            return;
        }
        self.groups[group_index].summary.reclaimed += 1;
        self.terminate(group_index, index, now, EndReason::Reclaimed);
        self.complete_activities(group_index, now);
    }

    /// A group still short after a replacement found no stock launches again.
    pub(super) fn reconcile(&mut self, group_index: usize, now: SimTime) {
        let state = &mut self.groups[group_index];
        state.reconcile_at = None;
        if state.fleet.live_units >= state.desired {
            return;
        }
        let activity = ScalingActivity::unchanged(
            group_index,
            Cause::Replacement {
                reason: ReplacementReason::Shortfall,
            },
            now,
            state.desired,
            ActivityStatus::Successful,
        );
        self.replace(activity, now);
    }

    /// Launches back up to desired capacity for `activity` (a replacement), which joins the
    /// activities in progress without a cooldown of its own. Units that find no stock are
    /// tried again every `RECONCILE_RETRY` (AWS and ESS keep launching toward desired).
    pub(super) fn replace(&mut self, mut activity: ScalingActivity, now: SimTime) {
        let group_index = activity.group;
        let desired = self.groups[group_index].desired;
        let missing = self.launch(group_index, now, desired, false, Some(&mut activity));
        activity.no_stock = missing;
        let retry = now + RECONCILE_RETRY;
        if missing > 0 && retry < self.scenario.duration {
            let state = &mut self.groups[group_index];
            if state.reconcile_at.is_none() {
                state.reconcile_at = Some(retry);
                self.queue
                    .push(retry, Event::Reconcile { group: group_index });
            }
        }
        if missing > 0 {
            activity.status = if activity.launched.is_empty() {
                ActivityStatus::Failed
            } else {
                ActivityStatus::PartialSuccess
            };
        }
        if !activity.launched.is_empty() {
            let state = &mut self.groups[group_index];
            state.busy.push(Busy {
                activity: self.activities.len(),
                cooldown: 0,
            });
            if missing == 0 {
                activity.status = ActivityStatus::InProgress;
            }
            activity.end = None;
        }
        self.record(activity);
        self.fill_pool(group_index, now, false);
    }

    /// Ends an instance's life at `now`: its capacity, stock and running cost go, and the
    /// billing rounding of its life is charged now.
    pub(super) fn terminate(
        &mut self,
        group_index: usize,
        index: usize,
        now: SimTime,
        reason: EndReason,
    ) {
        let scenario = self.scenario;
        let state = &mut self.groups[group_index];
        match state.fleet.instances[index].state {
            InstanceState::Initializing => state.pool_initializing -= 1,
            InstanceState::Warm => state.pool.retain(|pooled| *pooled != index),
            InstanceState::Terminated => return,
            _ => {}
        }
        self.leave_group(group_index, index);
        let state = &mut self.groups[group_index];
        let type_index = state.fleet.instances[index].instance_type;
        let instance = &mut state.fleet.instances[index];
        instance.state = InstanceState::Terminated;
        instance.ended_at = now;
        instance.end = reason;
        let price = instance.price_at(scenario, now);
        // Stopped in a pool, it was billed at the pool's price, not its own.
        let rate = match (
            instance.stopped_since.take(),
            &scenario.groups[group_index].warm_pool,
        ) {
            (Some(since), Some(pool)) => {
                instance.stopped_seconds += now - since;
                pool.stopped_price_per_hour
            }
            _ => price,
        };
        let life = now - instance.launched_at - instance.stopped_seconds;
        let topup = instance.billed_seconds(scenario, now) - life;
        let preemptible = usize::from(instance.preemptible);
        let zone = instance.zone;
        state.change_cost_rate(now, -rate / 3600.0);
        state.billing.running += billing::cost(topup, price);
        let slot = self.stock_slot(type_index, scenario.groups[group_index].zones[zone]);
        self.stock_used[slot][preemptible] -= 1;
    }

    /// Takes an instance out of the group's counts (service, desired, removal candidates);
    /// its billing and stock are the caller's to settle.
    pub(super) fn leave_group(&mut self, group_index: usize, index: usize) {
        let scenario = self.scenario;
        let state = &mut self.groups[group_index];
        let instance = &mut state.fleet.instances[index];
        let (weight, type_index) = (instance.weight, instance.instance_type);
        match instance.state {
            InstanceState::Pending => state.fleet.pending -= weight,
            InstanceState::InService => {
                state.fleet.in_service -= weight;
                state.fleet.serving_by_type[type_index] -= 1;
                state.refresh_capacity(scenario);
            }
            _ => {}
        }
        let instance = &mut state.fleet.instances[index];
        if !instance.leaving {
            state.fleet.live_units -= weight;
            instance.leaving = true;
        }
        state.fleet.live.retain(|live| *live != index);
    }

    /// A spot price point: the running cost follows the new price, and when it rises above the
    /// bid every preemptible instance of the type gets its reclaim notice.
    pub(super) fn spot_price(&mut self, type_index: usize, now: SimTime) {
        let instance_type = &self.scenario.instance_types[type_index];
        let Some(offer) = &instance_type.preemptible else {
            return;
        };
        let Reclamation::PriceTrace { points, bid } = &offer.reclamation else {
            return;
        };
        let index = points.partition_point(|(from, _)| *from <= now);
        let (before, after) = (points[index.saturating_sub(2)].1, points[index - 1].1);
        for group_index in 0..self.groups.len() {
            let state = &mut self.groups[group_index];
            let spot: Vec<usize> = (0..state.fleet.instances.len())
                .filter(|index| {
                    let instance = &state.fleet.instances[*index];
                    instance.preemptible
                        && instance.instance_type == type_index
                        && instance.state != InstanceState::Terminated
                })
                .collect();
            state.change_cost_rate(now, (after - before) * spot.len() as f64 / 3600.0);
            if after > *bid {
                for index in spot {
                    self.reclaim_notice(group_index, index, now);
                }
            }
        }
    }
}
