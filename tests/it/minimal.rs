//! The minimal hand-written replay of the bench year (`benches/minimal/replay.rs`, the
//! engine's speed yardstick) reports what the engine reports, on the bench's load and on
//! heavier, lighter and noisier ones (the max bound, the min bound, missing datapoints).

#[path = "../../benches/minimal/replay.rs"]
mod minimal_replay;

use scaleplan::engine::{RunOptions, simulate};
use std::path::Path;

const YEAR: &str = include_str!("../../benches/year-minutes.toml");

fn compare(toml: &str, days: u32) {
    let toml = toml.replace("duration = \"365d\"", &format!("duration = \"{days}d\""));
    let loaded = scaleplan::scenario::load_str("year.toml", &toml, Path::new(".")).unwrap();
    let outcome = simulate(&loaded.scenario, &loaded.load, RunOptions::SUMMARY);
    let engine = &outcome.groups[0];
    let minimal = minimal_replay::replay(&loaded.load.scenario.values[..loaded.scenario.ticks()]);
    let context = format!(
        "{days} days of\n{}",
        &toml[toml.find("[load]").unwrap()..][..160]
    );
    assert_eq!(engine.activities, minimal.activities, "{context}");
    assert_eq!(
        engine.rejected_by_cooldown, minimal.rejected_by_cooldown,
        "{context}"
    );
    assert_eq!(engine.rejected_busy, minimal.rejected_busy, "{context}");
    assert_eq!(
        engine.sla_violation_seconds, minimal.sla_violation_seconds,
        "{context}"
    );
    let hours = minimal.instance_seconds as f64 / 3600.0;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    assert!(
        close(engine.instance_hours, hours),
        "{context}: {} vs {hours}",
        engine.instance_hours
    );
    assert!(
        close(engine.cost, minimal.cost),
        "{context}: {} vs {}",
        engine.cost,
        minimal.cost
    );
    assert!(
        close(engine.unserved_requests, minimal.unserved_requests),
        "{context}: {} vs {}",
        engine.unserved_requests,
        minimal.unserved_requests
    );
    assert!(minimal.activities > 0, "{context}: nothing happened");
}

#[test]
fn the_minimal_replay_reports_what_the_engine_reports_on_the_bench_year() {
    compare(YEAR, 365);
}

#[test]
fn the_minimal_replay_agrees_on_other_loads() {
    for (from, to) in [
        ("base_rps = 300", "base_rps = 2000"),
        ("base_rps = 300", "base_rps = 40"),
        ("base_rps = 300", "base_rps = 0.5"),
        ("sigma = 0.1", "sigma = 0.8"),
        ("multiply = 2.5", "multiply = 9"),
    ] {
        assert!(YEAR.contains(from));
        compare(&YEAR.replace(from, to), 30);
    }
}
