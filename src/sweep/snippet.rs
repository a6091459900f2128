//! A sweep point as a `[[policy]]` block to paste into the scenario: every group in full,
//! written by the scenario writer, so the pasted policy runs exactly the point (a test pastes
//! every kind of swept setting back and compares the runs), plus a comment for each swept
//! value a policy cannot carry (instance types, SLA, load) and for what a policy cannot
//! take away from the file (its zones, its warm pool).

use crate::model::{ScalingGroup, Scenario, Sweep};
use std::fmt::Write as _;

/// The `[[policy]]` block named `planned` that reproduces `point` of `sweep` over `base` (a
/// policy's scenario, or the file's) when pasted into the file as `written`: rules of the file
/// that `base` does not have are removed by name.
pub fn snippet(written: &Scenario, base: &Scenario, sweep: &Sweep, point: u64) -> String {
    let scenario = sweep.scenario_at(base, point);
    let settings = sweep.describe(point);
    let mut out = format!("# scaleplan plan: point {point} ({settings})\n");
    out.push_str(&crate::scenario::write::policy(
        "planned", &settings, &scenario, written,
    ));
    for (group, file_group) in scenario.groups.iter().zip(&written.groups) {
        // A policy can set a warm pool but not remove the file's.
        let named = |group: &ScalingGroup, scenario: &Scenario| {
            group
                .zones
                .iter()
                .any(|zone| !scenario.zones[*zone].is_empty())
        };
        if !named(group, &scenario) && named(file_group, written) {
            let _ = writeln!(
                out,
                "# group {}: this point lists no zones; remove the file's `zones` by hand",
                group.name
            );
        }
        if group.warm_pool.is_none() && file_group.warm_pool.is_some() {
            let _ = writeln!(
                out,
                "# group {}: this point has no warm pool; remove the file's [group.warm_pool] by hand",
                group.name
            );
        }
    }
    let outside: Vec<String> = (sweep.parameters.iter())
        .zip(sweep.values_at(point))
        .filter(|(parameter, _)| !parameter.target.in_policy())
        .map(|(parameter, value)| {
            format!(
                "# set outside the policy: {} = {}",
                parameter.path,
                value.to_toml()
            )
        })
        .collect();
    if !outside.is_empty() {
        out.push('\n');
        out.push_str(&outside.join("\n"));
        out.push('\n');
    }
    out
}

/// `planned.toml`: the whole scenario at `point` of `sweep` over `base`, settings outside any
/// policy included, to be written into folder `to`. Its header says how to reproduce the
/// plan's numbers with it, and what it cannot carry: the seeds of an independent-seed grid,
/// and loads given to `plan --load` instead of the scenario's.
pub fn planned(
    loaded: &crate::scenario::Loaded,
    base: &Scenario,
    sweep: &Sweep,
    point: u64,
    loads: &[String],
    to: &std::path::Path,
) -> String {
    use crate::model::SeedMode;
    let scenario = sweep.scenario_at(base, point);
    let mut out = format!(
        "# scaleplan plan: the scenario {} at point {point} of policy {} ({})\n",
        base.name,
        sweep.policy.as_deref().unwrap_or(crate::model::AS_WRITTEN),
        sweep.describe(point)
    );
    match sweep.seeds {
        SeedMode::Common if sweep.replications > 1 => {
            let _ = writeln!(
                out,
                "# `scaleplan run planned.toml --replications {}` gives the plan's means.",
                sweep.replications
            );
        }
        SeedMode::Common => out.push_str("# `scaleplan run planned.toml` gives the plan's numbers.\n"),
        SeedMode::Independent => out.push_str(
            "# The grid seeded each point on its own: `scaleplan run planned.toml` runs this model on the scenario's seeds, not the plan's.\n",
        ),
    }
    if !loads.is_empty() {
        let _ = writeln!(
            out,
            "# Planned over {}; this file replays the scenario's own load.",
            loads.join(", ")
        );
    }
    out.push('\n');
    out.push_str(&loaded.write(&scenario, to));
    out
}
