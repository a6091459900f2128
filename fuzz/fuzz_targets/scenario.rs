//! Any text as a scenario file: parse and validate must return a scenario or diagnostics,
//! never panic. Valid scenarios short enough to replay quickly are also run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::engine::{self, RunOptions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(loaded) = scaleplan::scenario::load_str("fuzz.toml", text, Path::new("/nonexistent")) {
        if loaded.scenario.ticks() <= 20_000 && loaded.scenario.groups.iter().all(|group| group.max <= 200) {
            let _ = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::FULL);
        }
    }
});
