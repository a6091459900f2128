//! Any text as a duration, and as a scheduled task's cron line and time zone inside a small
//! scenario over a long run: parsing, firing enumeration and its limits must answer quickly
//! with a value or a diagnostic, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = scaleplan::time::parse_duration(text);
    let mut parts = text.splitn(3, '\n');
    let (cron, zone, duration) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("UTC"),
        parts.next().unwrap_or("2d"),
    );
    let quote = |value: &str| value.replace('\\', "\\\\").replace('"', "\\\"");
    let scenario = format!(
        "[scenario]\nname = \"f\"\nstart = \"2026-03-29T00:00:00+01:00\"\nduration = \"{}\"\nmetric_period = \"1h\"\n\n[instance_types.s]\ncapacity_rps = 10\nprice_per_hour = 1\n\n[load]\nbase_rps = 5\n\n[[group]]\nname = \"g\"\ninstance_type = \"s\"\nmin = 0\nmax = 3\n\n[[group.rule]]\nname = \"up\"\nchange = 1\n\n[[group.scheduled]]\nname = \"t\"\ncron = \"{}\"\ntimezone = \"{}\"\nrun = \"up\"\n",
        quote(duration),
        quote(cron),
        quote(zone)
    );
    let _ = scaleplan::scenario::load_str("fuzz.toml", &scenario, Path::new("/nonexistent"));
});
