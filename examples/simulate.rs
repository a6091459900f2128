//! Load a bundled scenario, replay it, and print each group's summary: the library's whole
//! lifecycle in a few lines. Run with `cargo run --example simulate [SCENARIO]`.

use scaleplan::engine::{self, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("scenarios/lunch-peak.toml"), PathBuf::from);
    // Reading and validating: every problem is a diagnostic with file, line and hint.
    let loaded = match scaleplan::scenario::load(&path) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    // The core: a validated scenario and its load in, an outcome out. No I/O inside.
    let outcome = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::HISTORY);
    for group in &outcome.groups {
        println!(
            "{}: cost {:.2}, {:.1} instance-hours, peak {} in service, {} activities, {}s in SLA violation",
            group.name,
            group.cost,
            group.instance_hours,
            group.peak_in_service,
            group.activities,
            group.sla_violation_seconds
        );
    }
    ExitCode::SUCCESS
}
