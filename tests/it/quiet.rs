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
