//! Invariants over random scenarios (proptest): bounds, monotone cost, billing identity,
//! no SLA violation with enough capacity, determinism.

use proptest::prelude::*;
use scaleplan::scenario::{self, Loaded};
use std::path::Path;

/// The knobs of a random one-group scenario.
#[derive(Debug, Clone)]
struct Knobs {
    min: u32,
    span: u32,
    desired_above_min: u32,
    protected: u32,
    boot_seconds: u32,
    capacity: u32,
    base: u32,
    bursts: Vec<(u32, u32, u32)>,
    high: u32,
    low: u32,
    out_change: u32,
    in_change: u32,
    cooldown_minutes: u32,
    scheduled: Vec<(u32, u32)>,
    granularity: u32,
    seed: u64,
    /// Which rule kinds scale the group: every kind the engine has, so an invariant or the
    /// quiet loop's equality with stepping is checked for each.
    kind: RuleKind,
}

/// The scaling rules of a random scenario.
#[derive(Debug, Clone, Copy)]
enum RuleKind {
    /// Simple rules run by a CPU alarm pair.
    Simple,
    /// Step rules run by the same alarms.
    Step,
    /// Target tracking on CPU.
    TargetTracking,
    /// Predictive scaling with target tracking on top.
    Predictive,
    /// A Kubernetes HPA on CPU.
    Hpa,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (0u32..4, 0u32..8, 0u32..4, 0u32..3, 0u32..600, 50u32..500),
        (
            0u32..3000,
            prop::collection::vec((0u32..300, 1u32..120, 0u32..5000), 0..4),
        ),
        (40u32..95, 5u32..40, 1u32..5, 1u32..4, 0u32..10),
        (
            prop::collection::vec((0u32..358, 0u32..12), 0..3),
            prop::sample::select(vec![1u32, 60, 3600]),
            any::<u64>(),
            prop::sample::select(vec![
                RuleKind::Simple,
                RuleKind::Step,
                RuleKind::TargetTracking,
                RuleKind::Predictive,
                RuleKind::Hpa,
            ]),
        ),
    )
        .prop_map(
            |(
                (min, span, desired_above_min, protected, boot_seconds, capacity),
                (base, bursts),
                (high, low, out_change, in_change, cooldown_minutes),
                (scheduled, granularity, seed, kind),
            )| Knobs {
                min,
                span,
                desired_above_min,
                protected,
                boot_seconds,
                capacity,
                base,
                bursts,
                high,
                low,
                out_change,
                in_change,
                cooldown_minutes,
                scheduled,
                granularity,
                seed,
                kind,
            },
        )
}

impl Knobs {
    fn max(&self) -> u32 {
        self.min + self.span
    }

    fn desired(&self) -> u32 {
        (self.min + self.desired_above_min)
            .min(self.max())
            .max(self.protected.min(self.max()))
    }

    fn text(&self) -> String {
        let bursts: Vec<String> = self
            .bursts
            .iter()
            .map(|(at, minutes, add)| {
                format!("{{ at = \"{at}m\", duration = \"{minutes}m\", add_rps = {add} }}")
            })
            .collect();
        let scheduled: String = self
            .scheduled
            .iter()
            .enumerate()
            .map(|(index, (at, desired))| {
                format!(
                    "\n[[group.scheduled]]\nname = \"task{index}\"\nat = \"{}m\"\ndesired = {}\n",
                    at + 1,
                    (*desired).clamp(self.min, self.max())
                )
            })
            .collect();
        format!(
            r#"
[scenario]
name = "property"
start = "2026-01-05T00:00:00+00:00"
duration = "6h"
seed = {seed}

[instance_types.t]
capacity_rps = {capacity}
price_per_hour = 0.37
boot_time = "{boot}s"
billing_granularity = "{granularity}s"

[load]
base_rps = {base}
bursts = [{bursts}]
noise = {{ kind = "lognormal", sigma = 0.2 }}

[[group]]
name = "g"
instance_type = "t"
min = {min}
max = {max}
desired = {desired}
existing = {{ count = {protected}, protected = true }}
default_cooldown = "{cooldown}m"

{rules}{scheduled}"#,
            seed = self.seed,
            capacity = self.capacity,
            boot = self.boot_seconds,
            granularity = self.granularity,
            base = self.base,
            bursts = bursts.join(", "),
            min = self.min,
            max = self.max(),
            desired = self.desired(),
            protected = self.protected.min(self.desired()),
            cooldown = self.cooldown_minutes,
            rules = self.rules(),
        )
    }

    /// The `[[group.rule]]` and `[[group.alarm]]` tables of the rule kind.
    fn rules(&self) -> String {
        let (out, inward, high, low) = (self.out_change, self.in_change, self.high, self.low);
        let alarms = format!(
            "[[group.alarm]]\nname = \"high\"\nmetric = \"cpu\"\nperiod = \"60s\"\nperiods = 2\nabove = {high}\nrun = \"out\"\n\n\
             [[group.alarm]]\nname = \"low\"\nmetric = \"cpu\"\nperiod = \"60s\"\nperiods = 3\nbelow = {low}\nrun = \"in\"\n"
        );
        let tracking = format!(
            "[[group.rule]]\nname = \"track\"\ntype = \"target_tracking\"\nmetric = \"cpu\"\ntarget = {high}\nwarmup = \"{}m\"\n\n",
            self.cooldown_minutes
        );
        match self.kind {
            RuleKind::Simple => format!(
                "[[group.rule]]\nname = \"out\"\nchange = {out}\n\n[[group.rule]]\nname = \"in\"\nchange = -{inward}\n\n{alarms}"
            ),
            RuleKind::Step => format!(
                "[[group.rule]]\nname = \"out\"\ntype = \"step\"\nsteps = [{{ lower = 0, upper = 20, change = {out} }}, {{ lower = 20, change = {} }}]\n\n\
                 [[group.rule]]\nname = \"in\"\ntype = \"step\"\nsteps = [{{ upper = 0, change = -{inward} }}]\n\n{alarms}",
                out + 2
            ),
            RuleKind::TargetTracking => tracking,
            RuleKind::Predictive => format!(
                "{tracking}[[group.rule]]\nname = \"forecast\"\ntype = \"predictive\"\ntarget = {high}\nbuffer = \"5m\"\n\n"
            ),
            RuleKind::Hpa => format!(
                "[[group.rule]]\nname = \"hpa\"\ntype = \"hpa\"\nmetric = \"cpu\"\ntarget = {high}\n\n"
            ),
        }
    }

    fn load(&self) -> Loaded {
        scenario::load_str("property.toml", &self.text(), Path::new(".")).unwrap_or_else(|errors| {
            panic!("generated scenario is invalid:\n{errors}\n{}", self.text())
        })
    }
}

use crate::common::simulate as run;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    // Desired stays in [min, max]; the fleet (booting + in service) never exceeds max nor
    // drops below min: protected instances are part of desired, so they never push it out.
    #[test]
    fn fleet_stays_within_bounds(knobs in knobs()) {
        let loaded = knobs.load();
        let outcome = run(&loaded);
        for row in &outcome.timeline {
            prop_assert!(row.desired >= knobs.min && row.desired <= knobs.max(), "{row:?}");
            let live = row.pending + row.in_service;
            prop_assert!(live <= knobs.max(), "{row:?}");
            prop_assert!(live >= knobs.min, "{row:?}");
            prop_assert!(live >= row.desired || row.pending > 0 || live >= knobs.protected.min(knobs.desired()), "{row:?}");
        }
    }

    // Money and instance-hours only accumulate, and the total is the sum of every instance's
    // billed life times its price.
    #[test]
    fn cost_is_monotone_and_the_sum_of_billed_lives(knobs in knobs()) {
        let loaded = knobs.load();
        let outcome = run(&loaded);
        let mut previous = 0.0;
        for row in &outcome.timeline {
            prop_assert!(row.cost_so_far + 1e-9 >= previous);
            previous = row.cost_so_far;
        }
        let billed: u64 = outcome.instances.iter().map(|instance| instance.billed_seconds).sum();
        prop_assert!((outcome.total.cost - billed as f64 * 0.37 / 3600.0).abs() < 1e-9);
        prop_assert!((outcome.total.instance_hours - billed as f64 / 3600.0).abs() < 1e-9);
        for instance in &outcome.instances {
            let life = instance.ended_at - instance.launched_at;
            prop_assert!(instance.billed_seconds >= life);
            prop_assert!(instance.billed_seconds < life + knobs.granularity as u64 + 60);
        }
        prop_assert!((previous - outcome.total.cost).abs() < 1e-6 * (1.0 + previous));
    }

    // With capacity above every load the SLA is never broken and nothing goes unserved.
    #[test]
    fn no_violation_when_capacity_always_exceeds_load(instances in 1u32..20, capacity in 10u32..500, share in 0.05f64..0.79) {
        let load = (instances * capacity) as f64 * share;
        let text = format!(
            "[scenario]\nname = \"fixed\"\nstart = \"2026-01-05T00:00:00Z\"\nduration = \"1d\"\n\n[instance_types.t]\ncapacity_rps = {capacity}\nprice_per_hour = 1\n\n[load]\nbase_rps = {load}\n\n[[group]]\nname = \"g\"\ninstance_type = \"t\"\nmin = {instances}\nmax = {instances}\ndesired = {instances}\n"
        );
        let loaded = scenario::load_str("fixed.toml", &text, Path::new(".")).unwrap();
        let outcome = run(&loaded);
        prop_assert_eq!(outcome.total.sla_violation_seconds, 0);
        prop_assert_eq!(outcome.total.unserved_requests, 0.0);
        prop_assert!((outcome.total.cost - instances as f64 * 24.0).abs() < 1e-9);
    }

    // The quiet-stretch loop gives the general loop's outcome to the bit (these scenarios
    // take it: one group, alarms once a period).
    #[test]
    fn quiet_stretches_equal_stepping(knobs in knobs()) {
        let loaded = knobs.load();
        for options in [scaleplan::engine::RunOptions::SUMMARY, scaleplan::engine::RunOptions::HISTORY, scaleplan::engine::RunOptions::FULL] {
            let quiet = scaleplan::engine::simulate(&loaded.scenario, &loaded.load, options);
            let stepwise = scaleplan::engine::simulate(
                &loaded.scenario,
                &loaded.load,
                scaleplan::engine::RunOptions { stepwise: true, ..options },
            );
            prop_assert!(quiet == stepwise);
        }
    }

    // The same scenario and seed give the same outcome, load included.
    #[test]
    fn same_seed_same_result(knobs in knobs()) {
        let first = knobs.load();
        let second = knobs.load();
        prop_assert_eq!(&first.load, &second.load);
        prop_assert_eq!(run(&first), run(&second));
    }
}

/// Zone settings layered over a random scenario: 2 to 4 zones, a policy, rebalancing, and
/// a no-stock chance per zone (0 or 0.4).
#[derive(Debug, Clone)]
struct Zones {
    count: usize,
    policy: &'static str,
    rebalance: bool,
    chances: Vec<bool>,
}

fn zones() -> impl Strategy<Value = Zones> {
    (
        2usize..5,
        prop::sample::select(vec!["balanced", "balanced_only", "priority"]),
        any::<bool>(),
        prop::collection::vec(any::<bool>(), 4),
    )
        .prop_map(|(count, policy, rebalance, chances)| Zones {
            count,
            policy,
            rebalance: rebalance && policy != "priority",
            chances: chances[..count].to_vec(),
        })
}

impl Zones {
    fn names(&self) -> Vec<String> {
        (0..self.count).map(|zone| format!("z{zone}")).collect()
    }

    fn apply(&self, text: &str) -> String {
        let names = self.names();
        let quoted: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
        let chances: Vec<String> = (names.iter().zip(&self.chances))
            .map(|(name, chance)| format!("{name} = {}", if *chance { 0.4 } else { 0.0 }))
            .collect();
        text.replacen(
            "billing_granularity",
            &format!(
                "no_stock_probability = {{ {} }}\nbilling_granularity",
                chances.join(", ")
            ),
            1,
        )
        .replacen(
            "instance_type = \"t\"\n",
            &format!(
                "instance_type = \"t\"\nzones = [{}]\nzone_policy = \"{}\"\nzone_rebalance = {}\n",
                quoted.join(", "),
                self.policy,
                self.rebalance
            ),
            1,
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    // With zones: desired stays in bounds, the fleet stays under max (rebalancing: under max
    // plus its margin), every instance runs in one of the group's zones, the bill is the sum
    // of the lives, the same seed gives the same run, and a balanced group that never lacks
    // stock nor protects an instance ends with its zones even.
    #[test]
    fn zones_keep_the_invariants(knobs in knobs(), zones in zones()) {
        let text = zones.apply(&knobs.text());
        let loaded = scenario::load_str("zones.toml", &text, Path::new("."))
            .unwrap_or_else(|errors| panic!("generated scenario is invalid:\n{errors}\n{text}"));
        let outcome = run(&loaded);
        let ceiling = knobs.max() + if zones.rebalance { knobs.max().div_ceil(10).max(1) } else { 0 };
        for row in &outcome.timeline {
            prop_assert!(row.desired >= knobs.min && row.desired <= knobs.max(), "{row:?}");
            prop_assert!(row.pending + row.in_service <= ceiling, "{row:?}");
        }
        let names = zones.names();
        for instance in &outcome.instances {
            prop_assert!(names.contains(&loaded.scenario.zones[instance.zone]));
        }
        let billed: u64 = outcome.instances.iter().map(|instance| instance.billed_seconds).sum();
        prop_assert!((outcome.total.cost - billed as f64 * 0.37 / 3600.0).abs() < 1e-9);
        prop_assert_eq!(&outcome, &run(&loaded));
        let protected = knobs.protected.min(knobs.desired());
        if zones.policy != "priority" && !zones.chances.contains(&true) && protected == 0 {
            let mut counts = vec![0; zones.count];
            for instance in &outcome.instances {
                if instance.end == scaleplan::engine::EndReason::RunEnded {
                    counts[instance.zone - loaded.scenario.zones.iter().position(|zone| zone == "z0").unwrap()] += 1;
                }
            }
            let (low, high) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            prop_assert!(high - low <= 1, "{counts:?}");
        }
    }
}
