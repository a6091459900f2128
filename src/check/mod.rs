//! The CI gate: compare each scenario/policy outcome with a stored baseline and with the
//! budgets written in the scenario, and say what regressed.
//!
//! Every gated metric is "higher is worse" (cost, instance-hours, SLA violation, unserved
//! requests). A change is a regression when it exceeds the metric's tolerance: the larger of
//! an absolute amount and a share of the old value. Runs are deterministic, so the default
//! tolerances only absorb floating-point noise across platforms. No I/O here: the CLI finds
//! files, runs scenarios and writes what this module renders.

mod render;

use crate::engine::GroupSummary;
use crate::model::Expect;
use crate::outputs::metrics::{self, Metric};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A metric the gate watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GateMetric {
    /// Money billed.
    Cost,
    /// Billed instance-hours.
    InstanceHours,
    /// Seconds in SLA violation.
    SlaViolationSeconds,
    /// Requests above in-service capacity.
    UnservedRequests,
}

/// Every gated metric, in report order.
pub const GATE_METRICS: [GateMetric; 4] = [
    GateMetric::Cost,
    GateMetric::InstanceHours,
    GateMetric::SlaViolationSeconds,
    GateMetric::UnservedRequests,
];

impl GateMetric {
    /// Its row of the summary metric table.
    pub fn metric(self) -> Metric {
        match self {
            GateMetric::Cost => metrics::COST,
            GateMetric::InstanceHours => metrics::INSTANCE_HOURS,
            GateMetric::SlaViolationSeconds => metrics::SLA_VIOLATION_SECONDS,
            GateMetric::UnservedRequests => metrics::UNSERVED_REQUESTS,
        }
    }

    /// Name in the baseline, tolerances and reports.
    pub fn name(self) -> &'static str {
        self.metric().name
    }

    /// The metric's value in a summary.
    pub fn of(self, summary: &GroupSummary) -> f64 {
        self.metric().value(summary)
    }

    /// The scenario's budget for the metric, if any.
    pub fn budget(self, expect: &Expect) -> Option<f64> {
        match self {
            GateMetric::Cost => expect.max_cost,
            GateMetric::InstanceHours => expect.max_instance_hours,
            GateMetric::SlaViolationSeconds => expect.max_sla_violation_seconds.map(|s| s as f64),
            GateMetric::UnservedRequests => expect.max_unserved_requests,
        }
    }

    /// The metric's name as the report shows it: money with its currency, `cost (USD)`.
    fn label(self, currency: &str) -> String {
        match self {
            GateMetric::Cost => format!("{} ({currency})", self.name()),
            _ => self.name().to_string(),
        }
    }

    /// A value in the units a user writes it: seconds as a duration (`5m`, `1h30m`), other
    /// metrics to four decimals without trailing zeros.
    fn show(self, value: f64) -> String {
        match self {
            GateMetric::SlaViolationSeconds => {
                crate::time::format_duration(value.abs().round() as u64)
            }
            _ => number(value),
        }
    }

    /// A difference with its sign: `+0.7644`, `-3`, `+5m`.
    fn show_signed(self, value: f64) -> String {
        let text = self.show(value);
        if value < 0.0 {
            format!("-{}", text.trim_start_matches('-'))
        } else {
            format!("+{text}")
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        GATE_METRICS
            .into_iter()
            .find(|metric| metric.name() == name)
    }

    /// Tolerance when neither the baseline nor the command line sets one: exact up to
    /// floating-point noise.
    fn default_tolerance(self) -> Tolerance {
        Tolerance {
            absolute: 0.0,
            relative: 1e-9,
        }
    }
}

/// How much a metric may grow before it counts as a regression.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Allowed growth in the metric's unit.
    pub absolute: f64,
    /// Allowed growth as a share of the old value (0.02 = 2%).
    pub relative: f64,
}

impl Tolerance {
    /// The growth allowed from `old`.
    pub fn allowed(&self, old: f64) -> f64 {
        self.absolute.max(self.relative * old.abs())
    }
}

/// Parses `--tolerance METRIC=SPEC`, where SPEC is an absolute amount (`0.5`), a share
/// (`2%`), or both separated by a comma (`0.5,2%`).
pub fn parse_tolerance(text: &str) -> Result<(GateMetric, Tolerance), String> {
    let names = || GATE_METRICS.map(GateMetric::name).join(", ");
    let (name, spec) = text.split_once('=').ok_or_else(|| {
        format!("`{text}`: write METRIC=AMOUNT, e.g. cost=2% or unserved_requests=100")
    })?;
    let metric = GateMetric::from_name(name.trim())
        .ok_or_else(|| format!("unknown metric `{name}`; metrics: {}", names()))?;
    let mut tolerance = Tolerance {
        absolute: 0.0,
        relative: 0.0,
    };
    for part in spec.split(',') {
        let part = part.trim();
        // Seconds may be written as budgets are: `sla_violation_seconds=5m`.
        let parsed = |number: &str| {
            number
                .parse::<f64>()
                .ok()
                .or_else(|| {
                    (metric == GateMetric::SlaViolationSeconds)
                        .then(|| crate::time::parse_duration(number).ok().map(|s| s as f64))
                        .flatten()
                })
                .filter(|value| value.is_finite() && *value >= 0.0)
                .ok_or_else(|| format!("`{part}` is not a non-negative amount or percentage"))
        };
        match part.strip_suffix('%') {
            Some(percent) => tolerance.relative = parsed(percent)? / 100.0,
            None => tolerance.absolute = parsed(part)?,
        }
    }
    Ok((metric, tolerance))
}

/// The stored outcomes (`reports/baseline.json`). Maps are sorted, so the file's bytes
/// depend only on its content and review diffs stay small.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// Per-metric tolerances; metrics not listed use the default.
    #[serde(default)]
    pub tolerances: BTreeMap<String, Tolerance>,
    /// One entry per `scenario/policy`: metric name to value.
    pub entries: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Format version written by this build.
pub const BASELINE_VERSION: u32 = 1;

impl Baseline {
    /// Parses a baseline file's text.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|error| error.to_string())?;
        if baseline.version != BASELINE_VERSION {
            return Err(format!(
                "baseline version {} is not {BASELINE_VERSION}; rewrite it with --update",
                baseline.version
            ));
        }
        for name in baseline.tolerances.keys() {
            if GateMetric::from_name(name).is_none() {
                return Err(format!("unknown metric `{name}` in tolerances"));
            }
        }
        Ok(baseline)
    }

    /// The baseline's text: pretty JSON, sorted keys, trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("baseline serializes");
        text.push('\n');
        text
    }

    /// A baseline recording `results`, keeping `tolerances`.
    pub fn record(results: &[Checked], tolerances: &BTreeMap<GateMetric, Tolerance>) -> Self {
        Baseline {
            version: BASELINE_VERSION,
            tolerances: tolerances
                .iter()
                .map(|(metric, tolerance)| (metric.name().to_string(), *tolerance))
                .collect(),
            entries: results
                .iter()
                .map(|result| {
                    let metrics = GATE_METRICS
                        .iter()
                        .map(|metric| {
                            let value = metric.metric().stored(metric.of(&result.summary));
                            (metric.name().to_string(), value)
                        })
                        .collect();
                    (result.key.clone(), metrics)
                })
                .collect(),
        }
    }

    /// Tolerances from the file, then `overrides` on top.
    pub fn tolerances(
        &self,
        overrides: &[(GateMetric, Tolerance)],
    ) -> BTreeMap<GateMetric, Tolerance> {
        let mut tolerances: BTreeMap<GateMetric, Tolerance> = self
            .tolerances
            .iter()
            .filter_map(|(name, tolerance)| Some((GateMetric::from_name(name)?, *tolerance)))
            .collect();
        tolerances.extend(overrides.iter().copied());
        tolerances
    }
}

/// One scenario/policy outcome to check.
#[derive(Debug, Clone)]
pub struct Checked {
    /// `scenario-name/policy`.
    pub key: String,
    /// The scenario file, for messages.
    pub file: String,
    /// The scenario's budgets.
    pub expect: Expect,
    /// All groups together.
    pub summary: GroupSummary,
    /// The currency of its cost.
    pub currency: String,
}

/// What the gate found for one key.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// A metric grew beyond its tolerance.
    Regression {
        /// Metric.
        metric: GateMetric,
        /// Baseline value.
        old: f64,
        /// This run's value.
        new: f64,
        /// Growth allowed.
        allowed: f64,
    },
    /// A metric went above the scenario's budget.
    BudgetBroken {
        /// Metric.
        metric: GateMetric,
        /// The budget.
        limit: f64,
        /// This run's value.
        value: f64,
    },
    /// A metric fell by more than its tolerance (not a failure).
    Improvement {
        /// Metric.
        metric: GateMetric,
        /// Baseline value.
        old: f64,
        /// This run's value.
        new: f64,
    },
    /// The scenario/policy is not in the baseline.
    New,
    /// A baseline entry whose scenario/policy no longer exists.
    Missing,
}

impl Finding {
    /// Whether this finding fails the gate (`strict` also fails on new and missing entries).
    pub fn fails(&self, strict: bool) -> bool {
        match self {
            Finding::Regression { .. } | Finding::BudgetBroken { .. } => true,
            Finding::New | Finding::Missing => strict,
            Finding::Improvement { .. } => false,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Finding::Regression { .. } => 0,
            Finding::BudgetBroken { .. } => 1,
            Finding::New => 2,
            Finding::Missing => 3,
            Finding::Improvement { .. } => 4,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Finding::Regression { .. } => "REGRESSION",
            Finding::BudgetBroken { .. } => "OVER BUDGET",
            Finding::New => "new",
            Finding::Missing => "missing",
            Finding::Improvement { .. } => "improved",
        }
    }

    /// Metric, old, new, delta, % delta and the growth allowed as text cells, in the units
    /// the user writes: durations for seconds (`5m`, as budgets are written), money with
    /// its currency.
    fn cells(&self, currency: &str) -> [String; 6] {
        let change = |metric: &GateMetric, old: f64, new: f64, allowed: String| {
            let percent = if old != 0.0 {
                format!("{:+.2}%", 100.0 * (new - old) / old.abs())
            } else {
                "-".into()
            };
            [
                metric.label(currency),
                metric.show(old),
                metric.show(new),
                metric.show_signed(new - old),
                percent,
                allowed,
            ]
        };
        match self {
            Finding::Regression {
                metric,
                old,
                new,
                allowed,
            } => change(metric, *old, *new, format!("+{}", metric.show(*allowed))),
            Finding::Improvement { metric, old, new } => change(metric, *old, *new, "-".into()),
            Finding::BudgetBroken {
                metric,
                limit,
                value,
            } => [
                format!("{} (budget)", metric.label(currency)),
                metric.show(*limit),
                metric.show(*value),
                metric.show_signed(value - limit),
                if *limit != 0.0 {
                    format!("{:+.2}%", 100.0 * (value - limit) / limit)
                } else {
                    "-".into()
                },
                "none".into(),
            ],
            // The status says what happened; each column keeps its meaning, so it is empty.
            Finding::New | Finding::Missing => std::array::from_fn(|_| "-".into()),
        }
    }
}

/// A number as short text: up to 4 decimals, no trailing zeros.
fn number(value: f64) -> String {
    crate::number::trim_float(value)
}

/// The gate's verdict over all keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Every key checked or in the baseline, sorted, with its findings (empty: unchanged).
    pub keys: Vec<(String, Vec<Finding>)>,
    /// Whether new and missing entries fail the gate.
    pub strict: bool,
    /// Each checked key's currency and current values of the gate metrics, in key order.
    pub current: Vec<(String, String, [f64; 4])>,
    /// Scenario files that could not run, with their error text: each is an errored case
    /// beside every other file's results, never instead of them.
    pub errored: Vec<(String, String)>,
}

impl Report {
    /// Whether anything fails the gate.
    pub fn failed(&self) -> bool {
        !self.errored.is_empty()
            || self
                .keys
                .iter()
                .any(|(_, findings)| findings.iter().any(|finding| finding.fails(self.strict)))
    }

    /// (key, finding) pairs, failures first, then by key.
    fn rows(&self) -> Vec<(&str, &Finding)> {
        let mut rows: Vec<(&str, &Finding)> = self
            .keys
            .iter()
            .flat_map(|(key, findings)| findings.iter().map(move |finding| (key.as_str(), finding)))
            .collect();
        rows.sort_by_key(|(key, finding)| (finding.rank(), *key));
        rows
    }

    /// The currency of `key`'s cost (`USD` for a baseline entry without a scenario).
    fn currency(&self, key: &str) -> &str {
        self.current
            .iter()
            .find(|(checked, _, _)| checked == key)
            .map_or(crate::model::defaults::CURRENCY, |(_, currency, _)| {
                currency
            })
    }

    fn count(&self, wanted: fn(&Finding) -> bool) -> usize {
        self.keys
            .iter()
            .flat_map(|(_, findings)| findings)
            .filter(|finding| wanted(finding))
            .count()
    }

    /// One line: how many regressions, broken budgets, new, missing and unchanged.
    pub fn headline(&self) -> String {
        let unchanged = self
            .keys
            .iter()
            .filter(|(_, findings)| findings.is_empty())
            .count();
        let improvements = self.count(|finding| matches!(finding, Finding::Improvement { .. }));
        let mut line = format!(
            "{}: {} regression(s), {} broken budget(s), {} improvement(s), {} new, {} missing, {} unchanged",
            if self.failed() { "FAILED" } else { "ok" },
            self.count(|finding| matches!(finding, Finding::Regression { .. })),
            self.count(|finding| matches!(finding, Finding::BudgetBroken { .. })),
            improvements,
            self.count(|finding| matches!(finding, Finding::New)),
            self.count(|finding| matches!(finding, Finding::Missing)),
            unchanged
        );
        if !self.errored.is_empty() {
            line.push_str(&format!(
                "; {} scenario file(s) could not run",
                self.errored.len()
            ));
        }
        if improvements > 0 && !self.failed() {
            line.push_str("; every change is an improvement: accept them with --update");
        }
        line
    }
}

/// Checks `results` (sorted by key) against `baseline` and their budgets.
pub fn evaluate(
    results: &[Checked],
    baseline: &Baseline,
    tolerances: &BTreeMap<GateMetric, Tolerance>,
    strict: bool,
    errored: Vec<(String, String)>,
) -> Report {
    let mut keys: Vec<(String, Vec<Finding>)> = results
        .iter()
        .map(|result| {
            let mut findings = Vec::new();
            match baseline.entries.get(&result.key) {
                None => findings.push(Finding::New),
                Some(stored) => {
                    for metric in GATE_METRICS {
                        let Some(old) = stored.get(metric.name()).copied() else {
                            continue;
                        };
                        // Compared as stored: both sides rounded alike.
                        let new = metric.metric().stored(metric.of(&result.summary));
                        let tolerance = tolerances
                            .get(&metric)
                            .copied()
                            .unwrap_or_else(|| metric.default_tolerance());
                        // Never finer than what a baseline stores.
                        let allowed = tolerance.allowed(old).max(metric.metric().resolution());
                        if new - old > allowed {
                            findings.push(Finding::Regression {
                                metric,
                                old,
                                new,
                                allowed,
                            });
                        } else if old - new > allowed {
                            findings.push(Finding::Improvement { metric, old, new });
                        }
                    }
                }
            }
            for metric in GATE_METRICS {
                let value = metric.of(&result.summary);
                if let Some(limit) = metric.budget(&result.expect)
                    && value > limit
                {
                    findings.push(Finding::BudgetBroken {
                        metric,
                        limit,
                        value,
                    });
                }
            }
            (result.key.clone(), findings)
        })
        .collect();
    for key in baseline.entries.keys() {
        if !results.iter().any(|result| &result.key == key) {
            keys.push((key.clone(), vec![Finding::Missing]));
        }
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let current = results
        .iter()
        .map(|result| {
            (
                result.key.clone(),
                result.currency.clone(),
                GATE_METRICS.map(|metric| metric.of(&result.summary)),
            )
        })
        .collect();
    Report {
        keys,
        strict,
        current,
        errored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(key: &str, cost: f64, expect: Expect) -> Checked {
        Checked {
            key: key.into(),
            file: "x.toml".into(),
            expect,
            currency: "USD".into(),
            summary: GroupSummary {
                cost,
                instance_hours: cost * 10.0,
                ..GroupSummary::default()
            },
        }
    }

    #[test]
    fn tolerances_parse_absolute_relative_and_both() {
        assert_eq!(
            parse_tolerance("cost=2%").unwrap(),
            (
                GateMetric::Cost,
                Tolerance {
                    absolute: 0.0,
                    relative: 0.02
                }
            )
        );
        assert_eq!(
            parse_tolerance("unserved_requests=100,1%").unwrap(),
            (
                GateMetric::UnservedRequests,
                Tolerance {
                    absolute: 100.0,
                    relative: 0.01
                }
            )
        );
        assert!(
            parse_tolerance("price=1")
                .unwrap_err()
                .contains("unknown metric `price`")
        );
        assert!(parse_tolerance("cost=-1").is_err());
        assert!(parse_tolerance("cost").is_err());
    }

    #[test]
    fn growth_beyond_tolerance_regresses_and_within_holds() {
        let baseline = Baseline::record(
            &[checked("a/x", 100.0, Expect::default())],
            &BTreeMap::new(),
        );
        let tolerances = BTreeMap::from([(
            GateMetric::Cost,
            Tolerance {
                absolute: 0.0,
                relative: 0.05,
            },
        )]);
        let within = evaluate(
            &[checked("a/x", 104.0, Expect::default())],
            &baseline,
            &tolerances,
            false,
            Vec::new(),
        );
        // Cost is within 5%, but instance-hours (default tolerance) grew: a regression.
        assert!(within.failed());
        assert!(matches!(
            within.keys[0].1[..],
            [Finding::Regression {
                metric: GateMetric::InstanceHours,
                ..
            }]
        ));
        let tolerances = BTreeMap::from([
            (
                GateMetric::Cost,
                Tolerance {
                    absolute: 0.0,
                    relative: 0.05,
                },
            ),
            (
                GateMetric::InstanceHours,
                Tolerance {
                    absolute: 100.0,
                    relative: 0.0,
                },
            ),
        ]);
        assert!(
            !evaluate(
                &[checked("a/x", 104.0, Expect::default())],
                &baseline,
                &tolerances,
                false,
                Vec::new(),
            )
            .failed()
        );
        let over = evaluate(
            &[checked("a/x", 106.0, Expect::default())],
            &baseline,
            &tolerances,
            false,
            Vec::new(),
        );
        assert_eq!(
            over.keys[0].1,
            vec![Finding::Regression {
                metric: GateMetric::Cost,
                old: 100.0,
                new: 106.0,
                allowed: 5.0
            }]
        );
    }

    #[test]
    fn budgets_new_and_missing_entries() {
        let baseline = Baseline::record(
            &[checked("gone/x", 1.0, Expect::default())],
            &BTreeMap::new(),
        );
        let expect = Expect {
            max_cost: Some(50.0),
            ..Expect::default()
        };
        let report = evaluate(
            &[checked("b/y", 60.0, expect)],
            &baseline,
            &BTreeMap::new(),
            false,
            Vec::new(),
        );
        assert!(report.failed());
        assert_eq!(
            report.keys[0].1,
            vec![
                Finding::New,
                Finding::BudgetBroken {
                    metric: GateMetric::Cost,
                    limit: 50.0,
                    value: 60.0
                }
            ]
        );
        assert_eq!(
            report.keys[1],
            ("gone/x".to_string(), vec![Finding::Missing])
        );
        let fine = evaluate(
            &[checked("b/y", 40.0, expect)],
            &baseline,
            &BTreeMap::new(),
            false,
            Vec::new(),
        );
        assert!(!fine.failed());
        assert!(
            evaluate(
                &[checked("b/y", 40.0, expect)],
                &baseline,
                &BTreeMap::new(),
                true,
                Vec::new(),
            )
            .failed()
        );
    }

    #[test]
    fn baseline_text_round_trips_and_is_sorted() {
        let results = [
            checked("z/x", 2.5, Expect::default()),
            checked("a/x", 1.25, Expect::default()),
        ];
        let baseline = Baseline::record(
            &results,
            &BTreeMap::from([(
                GateMetric::Cost,
                Tolerance {
                    absolute: 0.01,
                    relative: 0.0,
                },
            )]),
        );
        let text = baseline.to_json();
        assert!(text.find("\"a/x\"").unwrap() < text.find("\"z/x\"").unwrap());
        assert_eq!(Baseline::from_json(&text).unwrap(), baseline);
        assert!(
            Baseline::from_json("{\"version\": 9, \"entries\": {}}")
                .unwrap_err()
                .contains("version 9")
        );
    }

    #[test]
    fn gate_metrics_are_the_table_s_lower_is_better_metrics() {
        let names: Vec<&str> = GATE_METRICS.iter().map(|metric| metric.name()).collect();
        let table: Vec<&str> = metrics::gated().map(|metric| metric.name).collect();
        assert_eq!(names, table);
    }
}
