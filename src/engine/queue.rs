//! The event queue: a binary heap ordered by (time, class, rank, sequence).
//!
//! Sequence numbers make ties deterministic (first scheduled, first run), and the class puts
//! instance lifecycle changes before tasks at the same instant, so a task firing at 11:00
//! sees the instance that finished booting at 11:00 (nexosim orders its scheduler the same
//! way: time first, then insertion order). Scheduled tasks that fire at the same instant run
//! in file order (group, then task), whenever each was queued: Alibaba ESS runs tasks of the
//! same minute one after the other, the earliest first (CreateScheduledTask), AWS refuses two
//! scheduled actions of a group at one start time, and insertion order would put a daily task
//! before the hourly task it meets only because it was queued a day earlier.

use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What happens at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// An instance finishes booting and enters service.
    BootComplete {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// A launching lifecycle hook ends with ABANDON: the instance is terminated and replaced.
    LaunchAbandoned {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// A terminating lifecycle hook's wait is over: the instance terminates.
    TerminationReleased {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// An in-service instance fails.
    Failure {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// The health check notices a failed instance.
    Unhealthy {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// The cloud announces it will reclaim a preemptible instance.
    ReclaimNotice {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// The notice ran out: the instance is released.
    Reclaim {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// A warm pool instance finished initializing and waits in the pool.
    PoolReady {
        /// Group index.
        group: usize,
        /// Instance index within the group.
        instance: usize,
    },
    /// Tencent's retry policy: a scale-out short of stock launches again.
    RetryLaunch {
        /// Group index.
        group: usize,
    },
    /// A group short of desired capacity after a replacement found no stock tries again.
    Reconcile {
        /// Group index.
        group: usize,
    },
    /// A group with `zone_rebalance` checks whether its zones are even (AWS `AZRebalance`).
    Rebalance {
        /// Group index.
        group: usize,
    },
    /// A spot price trace moves to its next point.
    SpotPrice {
        /// Index into the scenario's instance types.
        instance_type: usize,
    },
    /// A scheduled task fires.
    ScheduledFire {
        /// Group index.
        group: usize,
        /// Task index within the group.
        task: usize,
    },
    /// Scheduled tasks waiting for a cooldown to end try again.
    RetryWaiting {
        /// Group index.
        group: usize,
    },
    /// The HPA controller's sync loop runs.
    HpaSync {
        /// Group index.
        group: usize,
    },
    /// Predictive scaling refreshes its forecast (every 6 hours).
    PredictiveForecast {
        /// Group index.
        group: usize,
    },
    /// Predictive scaling prepares a forecast hour (its buffer before the hour starts).
    PredictiveHour {
        /// Group index.
        group: usize,
        /// Absolute hour since the start.
        hour: usize,
    },
}

impl Event {
    /// Order among same-time events of one class: scheduled firings by (group, task), the
    /// rest by insertion alone.
    fn rank(&self) -> u64 {
        match self {
            Event::ScheduledFire { group, task } => ((*group as u64) << 32) | *task as u64,
            _ => 0,
        }
    }

    /// Lifecycle first, then tasks.
    fn class(&self) -> u8 {
        match self {
            Event::BootComplete { .. }
            | Event::LaunchAbandoned { .. }
            | Event::TerminationReleased { .. }
            | Event::Failure { .. }
            | Event::Unhealthy { .. }
            | Event::ReclaimNotice { .. }
            | Event::Reclaim { .. }
            | Event::SpotPrice { .. }
            | Event::Reconcile { .. }
            | Event::Rebalance { .. }
            | Event::RetryLaunch { .. }
            | Event::PoolReady { .. } => 0,
            Event::ScheduledFire { .. } => 1,
            Event::RetryWaiting { .. } => 2,
            Event::PredictiveForecast { .. } | Event::PredictiveHour { .. } => 3,
            Event::HpaSync { .. } => 4,
        }
    }
}

/// A queued event's place: time, class, rank, then insertion sequence.
type Key = (SimTime, u8, u64, u64, Event);

/// A min-heap of timed events with deterministic tie order.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Key>>,
    sequence: u64,
}

impl EventQueue {
    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: SimTime, event: Event) {
        self.sequence += 1;
        self.heap.push(Reverse((
            time,
            event.class(),
            event.rank(),
            self.sequence,
            event,
        )));
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse((time, ..))| *time)
    }

    /// Removes and returns the earliest event if it is due at or before `time`.
    pub fn pop_due(&mut self, time: SimTime) -> Option<(SimTime, Event)> {
        if self.peek_time()? > time {
            return None;
        }
        self.heap
            .pop()
            .map(|Reverse((at, _, _, _, event))| (at, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_run_lifecycle_first_then_scheduled_tasks_in_file_order() {
        let mut queue = EventQueue::default();
        queue.push(60, Event::ScheduledFire { group: 0, task: 1 });
        queue.push(60, Event::ScheduledFire { group: 0, task: 0 });
        queue.push(
            60,
            Event::BootComplete {
                group: 0,
                instance: 9,
            },
        );
        queue.push(30, Event::RetryWaiting { group: 1 });
        assert_eq!(queue.pop_due(20), None);
        let order: Vec<Event> = std::iter::from_fn(|| queue.pop_due(60).map(|(_, e)| e)).collect();
        assert_eq!(
            order,
            vec![
                Event::RetryWaiting { group: 1 },
                Event::BootComplete {
                    group: 0,
                    instance: 9
                },
                Event::ScheduledFire { group: 0, task: 0 },
                Event::ScheduledFire { group: 0, task: 1 },
            ]
        );
    }
}
