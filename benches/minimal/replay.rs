//! A minimal hand-written per-step replay of `benches/year-minutes.toml`: the yardstick of
//! issue 19 ("replay within 1.5x of a minimal per-step replay"). Everything the scenario
//! fixes is a constant here and nothing else is computed: one group of 2-40 instances of
//! 120 rps (0.021 an hour, per-second billing with a 60 s minimum, 90 s boot), 4 at the
//! start; a daily +2 at 11:00 local (the run starts at local midnight); a CPU alarm above 75%
//! for 3 one-minute periods runs +2, one below 35% for 10 runs -1; a 300 s cooldown started
//! when an activity completes (its last instance in service), blocking alarms only; one
//! activity at a time (an alarm meeting one is rejected busy, a scheduled firing waits); the
//! SLA: load above 80% of in-service capacity (nothing in service: any load). The semantics
//! are docs/semantics.md's, in the engine's event order (the same as the SimPy peer's,
//! benches/peers/year_simpy.py).
//!
//! `tests/it/minimal.rs` checks that it reports what the engine reports on the bench year. It
//! lives in a folder of its own: a file directly in `benches/` would be a bench target.

/// What both replays report, compared by the test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    pub cost: f64,
    pub instance_seconds: u64,
    pub activities: u32,
    pub rejected_by_cooldown: u32,
    pub rejected_busy: u32,
    pub sla_violation_seconds: u64,
    pub unserved_requests: f64,
}

const PERIOD: u64 = 60;
const BOOT: u64 = 90;
const CAPACITY: f64 = 120.0;
const PRICE: f64 = 0.021;
const MIN: u32 = 2;
const MAX: u32 = 40;
const COOLDOWN: u64 = 300;
const MINIMUM_BILL: u64 = 60;
const DAY: u64 = 86_400;
const LUNCH: u64 = 11 * 3600;
/// The engine's tie factor (docs/semantics.md, "exact ties"): a threshold met to 1e-9
/// relative does not breach.
const TIE: f64 = 1e-9;
const ABOVE: f64 = 1.0 / (1.0 - TIE);
const BELOW: f64 = 1.0 - TIE;

struct Group {
    desired: u32,
    /// Launch times of the instances in service, oldest first (0: before the run).
    serving: Vec<u64>,
    /// Instances in service launched before the run (at the bottom of `serving`).
    pre_run: usize,
    /// Booting instances: one activity at a time, so one launch time and one boot end.
    pending: u32,
    pending_launched: u64,
    busy: bool,
    busy_cooldown: u64,
    cooldown_until: u64,
    waiting: u32,
    cursor: u64,
    current: f64,
    period_served: f64,
    period_capacity: f64,
    totals: Totals,
}

impl Group {
    fn integrate(&mut self, to: u64) {
        if to <= self.cursor {
            return;
        }
        let seconds = to - self.cursor;
        let dt = seconds as f64;
        let load = self.current;
        let capacity = self.serving.len() as f64 * CAPACITY;
        let violating = if self.serving.is_empty() {
            load > 0.0
        } else {
            self.period_served += load.min(capacity) * dt;
            self.period_capacity += capacity * dt;
            load > 0.8 * ABOVE * capacity
        };
        if load > capacity {
            self.totals.unserved_requests += (load - capacity) * dt;
        }
        if violating {
            self.totals.sla_violation_seconds += seconds;
        }
        self.cursor = to;
    }

    fn bill(&mut self, launched: u64, end: u64, in_run: bool) {
        let life = end - launched;
        let seconds = if in_run { life.max(MINIMUM_BILL) } else { life };
        self.totals.instance_seconds += seconds;
        self.totals.cost += seconds as f64 * PRICE / 3600.0;
    }

    fn boot_done(&mut self, now: u64) {
        self.integrate(now);
        for _ in 0..self.pending {
            self.serving.push(self.pending_launched);
        }
        self.pending = 0;
        if self.busy {
            self.busy = false;
            self.cooldown_until = self.cooldown_until.max(now + self.busy_cooldown);
            self.run_waiting(now);
        }
    }

    fn change(&mut self, change: i32, now: u64) {
        let target = (self.desired as i32 + change).clamp(MIN as i32, MAX as i32) as u32;
        let live = self.pending + self.serving.len() as u32;
        if target == self.desired && live == target {
            return;
        }
        self.integrate(now);
        self.desired = target;
        self.totals.activities += 1;
        if target > live {
            self.pending = target - live;
            self.pending_launched = now;
            self.busy = true;
            self.busy_cooldown = COOLDOWN;
        } else {
            for _ in target..live {
                // The newest goes first; every instance here has served longer than the
                // minimum bill, so which one goes does not change the bill.
                let launched = self.serving.pop().expect("live instances are in service");
                let in_run = self.serving.len() >= self.pre_run;
                if !in_run {
                    self.pre_run -= 1;
                }
                self.bill(launched, now, in_run);
            }
            self.cooldown_until = self.cooldown_until.max(now + COOLDOWN);
        }
    }

    fn run_waiting(&mut self, now: u64) {
        while self.waiting > 0 && !self.busy {
            self.waiting -= 1;
            self.change(2, now);
        }
    }

    fn alarm(&mut self, change: i32, now: u64) {
        if self.busy {
            self.totals.rejected_busy += 1;
        } else if now < self.cooldown_until {
            self.totals.rejected_by_cooldown += 1;
        } else {
            self.change(change, now);
        }
    }
}

/// Replays `load` (one rate per minute from local midnight) and returns the totals.
pub fn replay(load: &[f64]) -> Totals {
    let mut group = Group {
        desired: 4,
        serving: vec![0; 4],
        pre_run: 4,
        pending: 0,
        pending_launched: 0,
        busy: false,
        busy_cooldown: 0,
        cooldown_until: 0,
        waiting: 0,
        cursor: 0,
        current: 0.0,
        period_served: 0.0,
        period_capacity: 0.0,
        totals: Totals {
            cost: 0.0,
            instance_seconds: 0,
            activities: 0,
            rejected_by_cooldown: 0,
            rejected_busy: 0,
            sla_violation_seconds: 0,
            unserved_requests: 0.0,
        },
    };
    let (mut high, mut low) = (0u32, 0u32);
    let mut trigger = 0;
    // Seconds to the next 11:00 (a counter, not a division per period).
    let mut to_lunch = LUNCH;
    for (tick, &rate) in load.iter().enumerate() {
        let start = tick as u64 * PERIOD;
        let end = start + PERIOD;
        group.current = rate;
        let lunch = to_lunch == 0;
        to_lunch = if lunch { DAY } else { to_lunch } - PERIOD;
        if lunch {
            group.waiting += 1;
            group.run_waiting(start);
        }
        if trigger != 0 {
            group.alarm(trigger, start);
            trigger = 0;
        }
        // A boot ending at the period's end comes before the period closes (the engine's
        // event order); a launch at a boot's end boots past this period.
        if group.pending > 0 && group.pending_launched + BOOT <= end {
            group.boot_done(group.pending_launched + BOOT);
        }
        group.integrate(end);
        let (breach_high, breach_low) = if group.period_capacity > 0.0 {
            let cpu = 100.0 * (group.period_served / group.period_capacity);
            (cpu > 75.0 * ABOVE, cpu < 35.0 * BELOW)
        } else {
            (false, false) // missing data does not breach
        };
        high = if breach_high { high + 1 } else { 0 };
        low = if breach_low { low + 1 } else { 0 };
        if high >= 3 {
            trigger = 2;
        } else if low >= 10 {
            trigger = -1;
        }
        group.period_served = 0.0;
        group.period_capacity = 0.0;
    }
    let end = load.len() as u64 * PERIOD;
    let serving = std::mem::take(&mut group.serving);
    for (index, &launched) in serving.iter().enumerate() {
        group.bill(launched, end, index >= group.pre_run);
    }
    for _ in 0..group.pending {
        group.bill(group.pending_launched, end, true);
    }
    group.totals
}
