//! Policies side by side: every policy of a scenario replayed on the same load, in parallel,
//! with savings against the first (baseline) policy.
//!
//! Each policy runs single-threaded and deterministically; rayon only spreads independent
//! policies over threads and `collect` keeps the file's order, so results are identical for
//! any thread count.

use crate::engine::{self, GroupSummary, Outcome, RunOptions};
use crate::model::Loads;
use crate::model::Scenario;
use crate::scenario::Loaded;
use rayon::prelude::*;

/// One policy's run.
#[derive(Debug, Clone)]
pub struct PolicyRun<'a> {
    /// Policy name.
    pub name: &'a str,
    /// The policy's scenario.
    pub scenario: &'a Scenario,
    /// What it produced.
    pub outcome: Outcome,
}

/// Runs every policy (or the scenario as written when it has none) on the shared load.
///
/// ```
/// use scaleplan::engine::RunOptions;
/// let loaded = scaleplan::scenario::load(std::path::Path::new("scenarios/wechat-lite-app.toml"))?;
/// let runs = scaleplan::compare::run_all(&loaded, RunOptions::SUMMARY);
/// let fixed = runs.iter().find(|run| run.name == "fixed").expect("a fixed policy");
/// let scheduled = runs.iter().find(|run| run.name == "scheduled").expect("a scheduled one");
/// // Temporary servers for the peaks cost less than a fleet sized for them all week.
/// assert!(scheduled.outcome.total.cost < fixed.outcome.total.cost);
/// # Ok::<(), scaleplan::error::Diagnostics>(())
/// ```
pub fn run_all(loaded: &Loaded, options: RunOptions) -> Vec<PolicyRun<'_>> {
    run_many(&[loaded], options)
}

/// Runs every policy of every scenario, spread over rayon's threads, in input order.
pub fn run_many<'a>(scenarios: &[&'a Loaded], options: RunOptions) -> Vec<PolicyRun<'a>> {
    run_many_into(scenarios, options, |_, _| Vec::new(), |_, rows| rows)
        .into_iter()
        .map(|(mut run, rows)| {
            run.outcome.timeline = rows;
            run
        })
        .collect()
}

/// [`run_many`] handing each run's timeline rows to a sink of its own, made by `sink` from
/// the run's index and scenario (e.g. a writer of its `timeline.csv`); `finish` turns the
/// sink into what is kept, on the run's thread, so a large sink never waits for the others.
pub fn run_many_into<'a, S: engine::TimelineSink, T: Send>(
    scenarios: &[&'a Loaded],
    options: RunOptions,
    sink: impl Fn(usize, &Scenario) -> S + Sync,
    finish: impl Fn(&PolicyRun<'a>, S) -> T + Sync,
) -> Vec<(PolicyRun<'a>, T)> {
    let jobs: Vec<(&'a str, &'a Scenario, &'a Loads)> = scenarios
        .iter()
        .flat_map(|loaded| {
            loaded
                .variants()
                .into_iter()
                .map(|(name, scenario)| (name, scenario, &loaded.load))
        })
        .collect();
    jobs.into_par_iter()
        .enumerate()
        .map(|(index, (name, scenario, load))| {
            let mut sink = sink(index, scenario);
            let outcome = engine::simulate_streaming(scenario, load, options, &mut sink);
            let run = PolicyRun {
                name,
                scenario,
                outcome,
            };
            let kept = finish(&run, sink);
            (run, kept)
        })
        .collect()
}

/// One row of the comparison table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    /// Policy name.
    pub policy: String,
    /// All groups together.
    pub total: GroupSummary,
    /// Baseline cost minus this cost (positive: cheaper than the baseline).
    #[serde(serialize_with = "crate::number::serialize_money")]
    pub saving: f64,
    /// `saving` as a percentage of the baseline cost; `None` when the baseline costs nothing.
    pub saving_percent: Option<f64>,
    /// Elasticity metrics when the scenario has a single group.
    pub elasticity: Option<crate::metrics::Elasticity>,
}

/// The comparison rows, the first policy being the baseline.
pub fn rows(runs: &[PolicyRun]) -> Vec<Row> {
    let baseline = runs.first().map_or(0.0, |run| run.outcome.total.cost);
    runs.iter()
        .map(|run| {
            let cost = run.outcome.total.cost;
            // The same bill summed in another order differs in its last bits: a difference
            // within 1e-9 of the costs is no saving (shown +0.00, never -0.00).
            let saving = match baseline - cost {
                difference if difference.abs() <= 1e-9 * baseline.abs().max(cost.abs()) => 0.0,
                difference => difference,
            };
            Row {
                policy: run.name.to_string(),
                total: run.outcome.total.clone(),
                saving,
                saving_percent: (baseline > 0.0).then(|| 100.0 * saving / baseline),
                elasticity: match run.outcome.groups.as_slice() {
                    [only] => only.elasticity,
                    _ => None,
                },
            }
        })
        .collect()
}
