//! Any text as a scenario file: parse and validate must return a scenario or diagnostics,
//! never panic. Valid scenarios short enough to replay quickly are also run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::engine::{self, RunOptions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(loaded) = scaleplan::scenario::load_str("fuzz.toml", text, Path::new("/nonexistent")) {
        let small = |scenario: &scaleplan::model::Scenario| {
            scenario.ticks() <= 20_000 && scenario.groups.iter().all(|group| group.max <= 200)
        };
        if small(&loaded.scenario) {
            let _ = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::FULL);
        }
        // The writer is validation's inverse: the scenario written reads back the same.
        let written = loaded.write(&loaded.scenario, Path::new("/nonexistent"));
        let back = scaleplan::scenario::load_str("written.toml", &written, Path::new("/nonexistent"))
            .unwrap_or_else(|errors| panic!("the written scenario does not load:\n{errors}\n{written}"));
        assert_eq!(format!("{:?}", back.scenario), format!("{:?}", loaded.scenario), "{written}");
        // Every grid's first and last points: setting each swept path must hold the model's
        // invariants (validation checked them) and replay.
        for candidate in loaded.candidates() {
            let points = candidate.sweep.points();
            for point in [0, points / 2, points - 1] {
                let scenario = candidate.sweep.scenario_at(candidate.scenario, point);
                assert!(scenario.check_invariants().is_ok(), "point {point} breaks an invariant");
                if small(&scenario) {
                    let load = scaleplan::model::Loads::generate(&scenario, scenario.seed);
                    let _ = engine::simulate(&scenario, &load, RunOptions::SUMMARY);
                }
            }
        }
    }
});
