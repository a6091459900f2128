//! Any bytes as AWS describe JSON: decoding (BOM, UTF-16), JSON parsing and the import must
//! return a scenario or an error, never panic; an imported scenario is validated as the CLI
//! does. The first byte picks which of the four inputs the rest is; the others are the
//! bundled fixtures.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::import::{self, ImportSettings};
use std::path::Path;

const GROUPS: &str = include_str!("../../tests/fixtures/aws/groups.json");
const POLICIES: &str = include_str!("../../tests/fixtures/aws/policies.json");
const SCHEDULED: &str = include_str!("../../tests/fixtures/aws/scheduled.json");
const ALARMS: &str = include_str!("../../tests/fixtures/aws/alarms.json");

fuzz_target!(|data: &[u8]| {
    let Some((choice, rest)) = data.split_first() else { return };
    let Ok(text) = scaleplan::input::decode("fuzz.json", rest) else { return };
    let Ok(fuzzed) = serde_json::from_str::<serde_json::Value>(&text) else { return };
    let mut inputs: Vec<serde_json::Value> = [GROUPS, POLICIES, SCHEDULED, ALARMS]
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect();
    inputs[(*choice % 4) as usize] = fuzzed;
    let settings = ImportSettings {
        start: "2026-01-05T00:00:00Z".into(),
        duration: "1d".into(),
        capacity_rps: 100.0,
        price_per_hour: 0.1,
        base_rps: 100.0,
    };
    if let Ok(imported) = import::aws(&inputs[0], Some(&inputs[1]), Some(&inputs[2]), Some(&inputs[3]), &settings) {
        let _ = scaleplan::scenario::load_str("imported.toml", &imported.toml, Path::new("/nonexistent"));
    }
});
