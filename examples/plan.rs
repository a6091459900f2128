//! The planner as a library: every policy of a bundled scenario weighed over its grid, the
//! cheapest point that keeps SLA violation under 0.1% of the run chosen, and the whole
//! scenario at that point printed as `planned.toml`. Run with
//! `cargo run --release --example plan [SCENARIO]`.

use scaleplan::sweep::evaluate::{Budget, Request, Search, evaluate};
use scaleplan::sweep::plan::{self, Constraints, Weighed};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("scenarios/cc-attack.toml"), PathBuf::from);
    let loaded = match scaleplan::scenario::load(&path) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    // Each policy with its grid (a single point when it has none).
    let candidates = loaded.candidates();
    let request = Request {
        constraints: Constraints {
            max_violation_share: Some(0.001),
            ..Constraints::default()
        },
        search: Search::Grid,
        budget: Budget::DEFAULT,
        loads: Vec::new(),
    };
    let stats = evaluate(&candidates, &request, &|_done| {}).stats;
    let choice = plan::choose(&stats, &request.constraints);
    print!(
        "{}",
        plan::describe(
            &choice,
            &Weighed::of(&candidates, &loaded.scenario, &request)
        )
    );
    let Some(best) = &choice.best else {
        return ExitCode::from(1);
    };
    let candidate = &candidates[best.candidate];
    let directory = path.parent().unwrap_or(Path::new("."));
    print!(
        "\n{}",
        plan::planned(
            &loaded,
            candidate.scenario,
            &candidate.sweep,
            best.stats.point,
            &[],
            directory
        )
    );
    ExitCode::SUCCESS
}
