//! Any bytes as a cloud's describe JSON: decoding (BOM, UTF-16), JSON parsing and the import
//! (AWS, Tencent, Alibaba) must return a scenario or an error, never panic; an imported
//! scenario is validated as the CLI does. The first byte picks the cloud and which of its
//! documents the rest is; the others are the bundled fixtures.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::import::{self, ImportSettings};
use serde_json::Value;
use std::path::Path;

const AWS: [&str; 4] = [
    include_str!("../../tests/fixtures/aws/groups.json"),
    include_str!("../../tests/fixtures/aws/policies.json"),
    include_str!("../../tests/fixtures/aws/scheduled.json"),
    include_str!("../../tests/fixtures/aws/alarms.json"),
];
const TENCENT: [&str; 5] = [
    include_str!("../../tests/fixtures/tencent/groups.json"),
    include_str!("../../tests/fixtures/tencent/configurations.json"),
    include_str!("../../tests/fixtures/tencent/policies.json"),
    include_str!("../../tests/fixtures/tencent/scheduled.json"),
    include_str!("../../tests/fixtures/tencent/alarms.json"),
];
const ALIBABA: [&str; 5] = [
    include_str!("../../tests/fixtures/alibaba/2014-08-28/groups.json"),
    include_str!("../../tests/fixtures/alibaba/2014-08-28/configurations.json"),
    include_str!("../../tests/fixtures/alibaba/2014-08-28/rules.json"),
    include_str!("../../tests/fixtures/alibaba/2014-08-28/scheduled.json"),
    include_str!("../../tests/fixtures/alibaba/2014-08-28/alarms.json"),
];

fn parsed(texts: &[&str]) -> Vec<Value> {
    texts.iter().map(|text| serde_json::from_str(text).unwrap()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((choice, rest)) = data.split_first() else { return };
    let Ok(text) = scaleplan::input::decode("fuzz.json", rest) else { return };
    let Ok(fuzzed) = serde_json::from_str::<Value>(&text) else { return };
    let settings = ImportSettings {
        start: "2026-01-05T00:00:00Z".into(),
        duration: "1d".into(),
        // Given or left to placeholders (listed as assumed), by one bit of the input.
        capacity_rps: (choice & 0x40 != 0).then_some(100.0),
        price_per_hour: (choice & 0x40 != 0).then_some(0.1),
        base_rps: (choice & 0x40 != 0).then_some(100.0),
        boot_time: (rest.len() % 2 == 0).then_some(60),
        groups: if choice & 0x80 != 0 { vec!["lunch-web".into()] } else { Vec::new() },
        trace: None,
        lenient: rest.len() % 3 == 0,
    };
    let slot = (choice & 0x0f) as usize;
    let imported = match (choice >> 4) & 0x3 {
        0 => {
            let mut inputs = parsed(&AWS);
            inputs[slot % 4] = fuzzed;
            import::aws::import(
                import::aws::Documents {
                    groups: &inputs[0],
                    policies: Some(&inputs[1]),
                    scheduled: Some(&inputs[2]),
                    alarms: Some(&inputs[3]),
                },
                &settings,
            )
        }
        1 => {
            let mut inputs = parsed(&TENCENT);
            inputs[slot % 5] = fuzzed;
            import::tencent::import(
                import::tencent::Documents {
                    groups: &inputs[0],
                    configurations: Some(&inputs[1]),
                    policies: Some(&inputs[2]),
                    scheduled: Some(&inputs[3]),
                    alarms: Some(&inputs[4]),
                },
                &settings,
            )
        }
        _ => {
            let mut inputs = parsed(&ALIBABA);
            inputs[slot % 5] = fuzzed;
            import::alibaba::import(
                import::alibaba::Documents {
                    groups: &inputs[0],
                    configurations: Some(&inputs[1]),
                    rules: Some(&inputs[2]),
                    scheduled: Some(&inputs[3]),
                    alarms: Some(&inputs[4]),
                },
                &settings,
            )
        }
    };
    if let Ok(imported) = imported {
        if let Ok(loaded) =
            scaleplan::scenario::load_str("imported.toml", &imported.toml, Path::new("/nonexistent"))
        {
            // What imports also exports or is refused, never panics.
            for provider in [
                scaleplan::export::Provider::Aws,
                scaleplan::export::Provider::Tencentcloud,
                scaleplan::export::Provider::Alicloud,
            ] {
                let _ = scaleplan::export::terraform(&loaded.scenario, provider, "fuzz");
            }
        }
    }
});
