//! The quiet-stretch loop (`engine/quiet.rs`) gives the general loop's outcome to the bit:
//! every bundled scenario and policy, summary only, with history and with the timeline.

use scaleplan::engine::{Outcome, RunOptions, simulate};
use scaleplan::model::Loads;
use scaleplan::model::Scenario;
use std::path::Path;

/// The outcome with `options` and the same forced through the general loop.
fn quiet_and_stepwise(
    scenario: &Scenario,
    load: &Loads,
    options: RunOptions,
) -> (Outcome, Outcome) {
    let stepwise = RunOptions {
        stepwise: true,
        ..options
    };
    (
        simulate(scenario, load, options),
        simulate(scenario, load, stepwise),
    )
}

#[test]
fn quiet_stretches_replay_every_bundled_scenario_exactly() {
    use rayon::prelude::*;
    let paths = crate::common::toml_files("scenarios");
    let loaded: Vec<_> = (paths.iter())
        .map(|path| (path, scaleplan::scenario::load(path).unwrap()))
        .collect();
    // Every (file, policy, options) on its own, in parallel: the slowest test of the suite
    // then uses both cores when the other tests are done.
    let runs: Vec<_> = (loaded.iter())
        .flat_map(|(path, loaded)| {
            loaded
                .variants()
                .into_iter()
                .flat_map(move |(name, scenario)| {
                    [RunOptions::SUMMARY, RunOptions::HISTORY, RunOptions::FULL]
                        .map(|options| (path, loaded, name, scenario, options))
                })
        })
        .collect();
    assert!(runs.len() >= 60, "only {} runs compared", runs.len());
    runs.par_iter()
        .for_each(|(path, loaded, name, scenario, options)| {
            let (quiet, stepwise) = quiet_and_stepwise(scenario, &loaded.load, *options);
            assert!(
                quiet == stepwise,
                "{} policy {name} ({options:?}): the quiet loop differs",
                path.display()
            );
        });
    let _ = Path::new(".");
}

/// Two years of minutes: stretches longer than the loop's sample block and more samples than
/// `Samples` keeps before it counts them (2^20); then 100 days with one and with three alarms.
#[test]
fn quiet_stretches_replay_two_years_exactly() {
    let year = include_str!("../../benches/year-minutes.toml").replace("\"365d\"", "\"730d\"");
    let third = "\n[[group.alarm]]\nname = \"rate-high\"\nmetric = \"request_rate\"\n\
                 period = \"60s\"\nperiods = 5\nabove = 900\nrun = \"add-two\"\n";
    let single = year[..year.find("[[group.alarm]]").unwrap()].to_string()
        + "[[group.alarm]]\nname = \"cpu-high\"\nmetric = \"cpu\"\nperiod = \"60s\"\n\
           periods = 3\nabove = 75\nrun = \"add-two\"\n";
    let days = |toml: &str| toml.replace("\"730d\"", "\"100d\"");
    for (toml, past_kept) in [
        (year.clone(), true),
        (days(&single), false),
        (days(&(year + third)), false),
    ] {
        let loaded = scaleplan::scenario::load_str("years.toml", &toml, Path::new(".")).unwrap();
        assert_eq!(loaded.scenario.ticks() > 1 << 20, past_kept);
        let (quiet, stepwise) =
            quiet_and_stepwise(&loaded.scenario, &loaded.load, RunOptions::SUMMARY);
        assert!(quiet.groups[0].activities > 10);
        assert!(
            quiet == stepwise,
            "{} alarms: the quiet loop differs",
            loaded.scenario.groups[0].alarms.len()
        );
    }
}

/// Skip-ahead (`engine/skip.rs`, summary-only runs): blocks jumped from the load's extremes and
/// the breaches' bits give the stepwise outcome to the bit, whatever the alarm's metric,
/// comparison, threshold (inside the load's range, at its edges, outside it) and consecutive
/// periods; with no alarm at all (nearly every block jumped, the p95 from jumped samples
/// alone); and at an SLA limit the load crosses.
#[test]
fn skip_ahead_replays_every_comparison_exactly() {
    let year = include_str!("../../benches/year-minutes.toml").replace("\"365d\"", "\"12d\"");
    let head = &year[..year.find("[[group.alarm]]").unwrap()];
    let scale_out = "[[group.alarm]]\nname = \"cpu-high\"\nmetric = \"cpu\"\nperiod = \"60s\"\n\
                     periods = 3\nabove = 75\nrun = \"add-two\"\n";
    let mut variants = vec![
        head.to_string(),
        head.replace("seed = 1\n", "seed = 1\nsla = { max_utilization = 0.6 }\n") + scale_out,
    ];
    for (metric, thresholds) in [
        ("cpu", [20.0, 35.0, 55.0, 100.0]),
        ("requests_per_instance", [10.0, 40.0, 70.0, 500.0]),
        ("request_rate", [100.0, 250.0, 420.0, 5000.0]),
    ] {
        for comparison in [
            "above",
            "at_or_above",
            "below",
            "at_or_below",
            "equal_to",
            "not_equal_to",
        ] {
            for (threshold, periods) in thresholds.iter().zip([1, 3, 10, 40]) {
                variants.push(format!(
                    "{head}{scale_out}[[group.alarm]]\nname = \"other\"\nmetric = \"{metric}\"\n\
                     period = \"60s\"\nperiods = {periods}\n{comparison} = {threshold}\n\
                     run = \"remove-one\"\n"
                ));
            }
        }
    }
    for toml in &variants {
        let loaded = scaleplan::scenario::load_str("skip.toml", toml, Path::new(".")).unwrap();
        let (jumped, stepwise) =
            quiet_and_stepwise(&loaded.scenario, &loaded.load, RunOptions::SUMMARY);
        assert!(jumped == stepwise, "skip-ahead differs on\n{toml}");
    }
}
