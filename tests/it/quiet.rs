//! The quiet-stretch loop (`engine/quiet.rs`) gives the general loop's outcome to the bit:
//! every bundled scenario and policy, summary only, with history and with the timeline.

use scaleplan::engine::{RunOptions, simulate};
use std::path::Path;

#[test]
fn quiet_stretches_replay_every_bundled_scenario_exactly() {
    let mut compared = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|extension| extension != "toml") {
            continue;
        }
        let loaded = scaleplan::scenario::load(&path).unwrap();
        for (name, scenario) in loaded.variants() {
            for options in [RunOptions::SUMMARY, RunOptions::HISTORY, RunOptions::FULL] {
                let quiet = simulate(scenario, &loaded.load, options);
                let stepwise = simulate(
                    scenario,
                    &loaded.load,
                    RunOptions {
                        stepwise: true,
                        ..options
                    },
                );
                assert!(
                    quiet == stepwise,
                    "{} policy {name} ({options:?}): the quiet loop differs",
                    path.display()
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 60, "only {compared} runs compared");
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
        let quiet = simulate(&loaded.scenario, &loaded.load, RunOptions::SUMMARY);
        let stepwise = simulate(
            &loaded.scenario,
            &loaded.load,
            RunOptions {
                stepwise: true,
                ..RunOptions::SUMMARY
            },
        );
        assert!(quiet.groups[0].activities > 10);
        assert!(
            quiet == stepwise,
            "{} alarms: the quiet loop differs",
            loaded.scenario.groups[0].alarms.len()
        );
    }
}
