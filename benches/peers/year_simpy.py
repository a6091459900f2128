"""The year scenario (benches/peers/year-trace.toml) as a SimPy model of scaleplan's
semantics (docs/semantics.md; the event order, tie factor and billing minimum as the engine
applies them), for the peer timing in reports/benchmarks.md. It prints the summary fields that compare.py checks against
`scaleplan run --json`, and the in-process time of the simulation.

The scenario: one group of 2-40 instances of 120 rps (0.021 an hour, per-second billing with
a 60 s minimum, 90 s boot), 4 at the start; a daily scheduled +2 at 11:00 local (the run
starts at local midnight); a CPU alarm above 75% for 3 one-minute periods runs +2, one below
35% for 10 periods runs -1; 300 s default cooldown, started when an activity completes
(when its last instance is in service), blocking alarm actions only; one activity at a time
(an alarm meeting one in progress is rejected busy; a scheduled task waits for it, up to
600 s); the SLA: load above 80% of in-service capacity (nothing in service: any load)."""

import json
import sys
import time

import simpy

PERIOD = 60
BOOT = 90
CAPACITY = 120.0
PRICE = 0.021
MIN, MAX = 2, 40
COOLDOWN = 300
MINIMUM_BILL = 60
TIE = 1e-9
ABOVE = 1.0 / (1.0 - TIE)
BELOW = 1.0 - TIE
LIMIT = 0.8 * ABOVE
DAY = 86_400
LUNCH = 11 * 3600


def read_load(path):
    """Per-minute rates as scaleplan resamples them: (rate x 60) / 60."""
    with open(path) as lines:
        next(lines)
        return [(float(line.split(",")[1]) * 60.0) / 60.0 for line in lines]


class Group:
    def __init__(self, env, load):
        self.env = env
        self.load = load
        self.duration = len(load) * PERIOD
        self.desired = 4
        self.pending = []  # launch times of booting instances
        self.serving = [0, 0, 0, 0]  # launch times (0: running before the run)
        self.pre_run = 4  # the first four were launched before the run
        self.billed = 0  # seconds of instances already terminated
        self.cost = 0.0
        self.busy = False
        self.busy_cooldown = 0
        self.cooldown_until = 0
        self.waiting = []  # scheduled firings waiting for the activity in progress
        self.cursor = 0
        self.current = 0.0  # this period's load
        self.period_served = 0.0
        self.period_capacity = 0.0
        self.sla_seconds = 0
        self.unserved = 0.0
        self.activities = 0
        self.rejected_cooldown = 0
        self.rejected_busy = 0
        self.streak_high = 0
        self.streak_low = 0

    # Integrals, over [cursor, now) with the fleet as it was.
    def integrate(self, to):
        if to <= self.cursor:
            return
        seconds = to - self.cursor
        dt = float(seconds)
        load = self.current
        capacity = len(self.serving) * CAPACITY
        if self.serving:
            self.period_served += min(load, capacity) * dt
            self.period_capacity += capacity * dt
            violating = load > LIMIT * capacity
        else:
            violating = load > 0.0
        if load > capacity:
            self.unserved += (load - capacity) * dt
        if violating:
            self.sla_seconds += seconds
        self.cursor = to

    def bill(self, launched, end, in_run):
        life = end - launched
        seconds = max(life, MINIMUM_BILL) if in_run else life
        self.billed += seconds
        self.cost += seconds * PRICE / 3600.0

    def boot(self, launched):
        # Boot completions come before the other events of their instant (scaleplan's queue
        # order): an urgent event.
        done = self.env.event()
        done._ok, done._value = True, None  # triggered, as a Timeout is
        self.env.schedule(done, priority=simpy.events.URGENT, delay=BOOT)
        yield done
        self.integrate(self.env.now)
        self.pending.remove(launched)
        self.serving.append(launched)
        if not self.pending and self.busy:
            self.busy = False
            self.cooldown_until = max(self.cooldown_until, self.env.now + self.busy_cooldown)
            self.run_waiting()

    def change(self, change, cooldown):
        """A rule's change of desired capacity, clamped to the bounds; launches or
        terminations to match. Returns without effect when nothing changes."""
        now = self.env.now
        target = min(max(self.desired + change, MIN), MAX)
        live = len(self.pending) + len(self.serving)
        if target == self.desired and live == target:
            return
        self.integrate(now)
        self.desired = target
        self.activities += 1
        if target > live:
            for _ in range(target - live):
                self.pending.append(now)
                self.env.process(self.boot(now))
            self.busy = True
            self.busy_cooldown = cooldown
        else:
            for _ in range(live - target):
                # Every instance here has served at least its boot time: longer than the
                # minimum bill, so which one goes does not change the bill.
                launched = self.serving.pop()
                in_run = len(self.serving) >= self.pre_run
                if not in_run:
                    self.pre_run -= 1
                self.bill(launched, now, in_run)
            self.cooldown_until = max(self.cooldown_until, now + cooldown)

    def run_waiting(self):
        while self.waiting and not self.busy:
            self.waiting.pop(0)
            self.change(+2, COOLDOWN)

    def alarm(self, change):
        if self.busy:
            self.rejected_busy += 1
        elif self.env.now < self.cooldown_until:
            self.rejected_cooldown += 1
        else:
            self.change(change, COOLDOWN)

    def run(self):
        trigger = None
        for tick in range(len(self.load)):
            start = tick * PERIOD
            if self.env.now < start:
                yield self.env.timeout(start - self.env.now)
            self.current = self.load[tick]
            if start % DAY == LUNCH:
                self.waiting.append(start)
                self.run_waiting()
            if trigger is not None:
                self.alarm(trigger)
                trigger = None
            # Boot completions inside the period integrate as they happen.
            yield self.env.timeout(PERIOD)
            self.integrate(self.env.now)
            if self.period_capacity > 0.0:
                cpu = 100.0 * (self.period_served / self.period_capacity)
                high, low = cpu > 75.0 * ABOVE, cpu < 35.0 * BELOW
            else:
                high = low = False  # missing data does not breach
            self.streak_high = self.streak_high + 1 if high else 0
            self.streak_low = self.streak_low + 1 if low else 0
            if self.streak_high >= 3:
                trigger = +2
            elif self.streak_low >= 10:
                trigger = -1
            self.period_served = self.period_capacity = 0.0

    def finish(self):
        end = self.duration
        for launched in self.serving[: self.pre_run]:
            self.bill(launched, end, False)
        for launched in self.serving[self.pre_run :] + self.pending:
            self.bill(launched, end, True)
        return {
            "cost": self.cost,
            "instance_seconds": self.billed,
            "activities": self.activities,
            "rejected_by_cooldown": self.rejected_cooldown,
            "rejected_busy": self.rejected_busy,
            "sla_violation_seconds": self.sla_seconds,
            "unserved_requests": self.unserved,
        }


def main(path):
    load = read_load(path)
    began = time.perf_counter()
    env = simpy.Environment()
    group = Group(env, load)
    env.process(group.run())
    env.run()
    summary = group.finish()
    summary["seconds_in_process"] = time.perf_counter() - began
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "year-load.csv")
