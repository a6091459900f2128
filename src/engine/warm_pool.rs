//! Warm pools (AWS "Warm pools for Amazon EC2 Auto Scaling"; Tencent
//! `WAKE_UP_STOPPED_SCALING`): instances beside the group, billed at a stopped price, that a
//! scale-out starts before it launches any, and that a scale-in may stop instead of
//! terminating.

use super::fleet::{EndReason, InstanceState};
use super::*;
use crate::model::{PoolFill, PoolState, WarmPool};

impl Simulation<'_, '_> {
    fn warm_pool(&self, group_index: usize) -> Option<&WarmPool> {
        self.scenario.groups[group_index].warm_pool.as_ref()
    }

    /// Keeps an AWS pool at its size (max prepared capacity minus desired, at least its
    /// minimum): launches instances into it (on demand, the active configuration's types in
    /// order, while stock lasts), or terminates the newest ready ones above it. `ready`: the
    /// pool before the run, already initialized.
    pub(super) fn fill_pool(&mut self, group_index: usize, now: SimTime, ready: bool) {
        let Some(pool) = self.warm_pool(group_index) else {
            return;
        };
        if pool.fill != PoolFill::Prepared {
            return;
        }
        let scenario = self.scenario;
        let group = &scenario.groups[group_index];
        let types = &group.configurations[self.groups[group_index].configuration].instance_types;
        let state = &self.groups[group_index];
        let size = pool.size(state.desired, state.max) as usize;
        loop {
            let state = &self.groups[group_index];
            let held = state.pool.len() + state.pool_initializing as usize;
            if held >= size {
                break;
            }
            let Some((type_index, zone)) =
                self.pick_zone(group_index, types, false, true, now, None)
            else {
                break;
            };
            self.add_pool_instance(group_index, type_index, zone, now, ready);
        }
        while self.groups[group_index].pool.len()
            + self.groups[group_index].pool_initializing as usize
            > size
        {
            let Some(index) = self.groups[group_index].pool.pop_back() else {
                break;
            };
            self.terminate(group_index, index, now, EndReason::ScaleIn);
        }
    }

    /// Launches one instance into the pool: billed in full while it initializes (its boot),
    /// then at the pool's price.
    fn add_pool_instance(
        &mut self,
        group_index: usize,
        type_index: usize,
        zone: usize,
        now: SimTime,
        ready: bool,
    ) {
        let index = self.add_instance(group_index, type_index, zone, false, now, true);
        // `add_instance` put it in service: take it back out, into the pool.
        self.leave_group(group_index, index);
        let state = &mut self.groups[group_index];
        let instance = &mut state.fleet.instances[index];
        instance.launched_in_run = !ready;
        if ready {
            self.enter_pool(group_index, index, now);
        } else {
            instance.state = InstanceState::Initializing;
            state.pool_initializing += 1;
            let boot = self.scenario.instance_types[type_index].boot_time;
            self.queue.push(
                now + boot,
                Event::PoolReady {
                    group: group_index,
                    instance: index,
                },
            );
        }
    }

    /// An initialized instance (or one a scale-in returned) waits in the pool: stopped or
    /// hibernated ones are billed at the stopped price from now.
    pub(super) fn enter_pool(&mut self, group_index: usize, index: usize, now: SimTime) {
        let pool = self.warm_pool(group_index).expect("a pool").clone();
        let price = self.groups[group_index].fleet.instances[index].price_at(self.scenario, now);
        let state = &mut self.groups[group_index];
        if state.fleet.instances[index].state == InstanceState::Initializing {
            state.pool_initializing -= 1;
        }
        state.fleet.instances[index].state = InstanceState::Warm;
        if pool.state != PoolState::Running {
            state.fleet.instances[index].stopped_since = Some(now);
            state.change_cost_rate(now, (pool.stopped_price_per_hour - price) / 3600.0);
        }
        state.pool.push_back(index);
    }

    /// The pool's oldest ready instance starts for the group: counted toward desired now, in
    /// service after the pool's warm boot (and any launching hook), billed in full again.
    pub(super) fn take_from_pool(&mut self, group_index: usize, now: SimTime) -> Option<usize> {
        let pool = self.warm_pool(group_index)?.clone();
        let index = self.groups[group_index].pool.pop_front()?;
        let price = self.groups[group_index].fleet.instances[index].price_at(self.scenario, now);
        let state = &mut self.groups[group_index];
        if let Some(since) = state.fleet.instances[index].stopped_since.take() {
            state.fleet.instances[index].stopped_seconds += now - since;
            state.change_cost_rate(now, (price - pool.stopped_price_per_hour) / 3600.0);
        }
        let instance = &mut state.fleet.instances[index];
        instance.state = InstanceState::Pending;
        instance.leaving = false;
        instance.in_service_at = SimTime::MAX;
        let weight = instance.weight;
        state.fleet.live.push(index);
        state.fleet.live_units += weight;
        state.fleet.pending += weight;
        self.schedule_boot(group_index, index, now, pool.warm_boot_time);
        Some(index)
    }

    /// A scale-in with instance reuse (AWS `ReuseOnScaleIn`, Tencent's stopped scaling)
    /// returns the instance to the pool instead of terminating it; false without a pool or
    /// reuse.
    pub(super) fn return_to_pool(
        &mut self,
        group_index: usize,
        index: usize,
        now: SimTime,
    ) -> bool {
        if !self.warm_pool(group_index).is_some_and(WarmPool::reuses) {
            return false;
        }
        self.leave_group(group_index, index);
        self.groups[group_index].fleet.instances[index].end = EndReason::RunEnded;
        self.enter_pool(group_index, index, now);
        true
    }

    /// A pool instance finished initializing.
    pub(super) fn pool_ready(&mut self, group_index: usize, index: usize, now: SimTime) {
        if self.groups[group_index].fleet.instances[index].state == InstanceState::Initializing {
            self.enter_pool(group_index, index, now);
        }
    }
}
