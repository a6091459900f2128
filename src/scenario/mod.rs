//! Scenario files: TOML text to a validated [`Scenario`], or diagnostics that point at the
//! problem (file, line:column, field, hint).
//!
//! Two layers, as in ripgrep and uv: `wire` mirrors the file with serde, `validate` checks
//! meaning and builds the model. Paths inside a scenario (traces) resolve relative to the
//! scenario file, so `scaleplan run scenarios/x.toml` works from any directory.

mod validate;
mod wire;
pub mod write;

use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::limits::MAX_NESTING;
use crate::load::Trace;
use crate::load::trace::{self, TraceFormat};
use crate::model::Scenario;
use crate::time::Clock;
use std::path::Path;
use validate::Checker;
pub use validate::TraceReader;

/// A scenario together with its named policies and the load they all replay.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario as written, without any policy's overrides.
    pub scenario: Scenario,
    /// The `[[policy]]` variants, in file order.
    pub policies: Vec<Policy>,
    /// The load on the metric-period grid, shared by every policy.
    pub load: crate::model::Loads,
    /// The `[sweep]` grid, if the file has one and it sweeps the scenario as written.
    pub sweep: Option<crate::model::Sweep>,
    /// The policy a top-level `[sweep]` names (its grid then lives in that policy): the grid
    /// `sweep` and `plan --from` run without `--policy`, as the docs promise.
    pub sweep_policy: Option<String>,
    /// Where the traces come from, for writing any of these scenarios back as a file.
    pub sources: write::Sources,
}

/// Why `sweep` has no grid to run: the message and a hint that never asks for what exists.
#[derive(Debug, Clone, PartialEq)]
pub struct GridError {
    /// What is missing or ambiguous.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Loaded {
    /// `scenario` (this file's, a policy's or a sweep point's) as a whole scenario file to be
    /// written into folder `to`: its traces named from there.
    pub fn write(&self, scenario: &Scenario, to: &Path) -> String {
        write::to_toml(&write::file(scenario, &self.sources, to))
    }

    /// What the trace readers found and repaired, the scenario's trace and each group's own,
    /// for the user to see.
    pub fn trace_notes(&self) -> Vec<String> {
        let groups = self.scenario.groups.iter().filter_map(|group| {
            group
                .load
                .as_ref()
                .map(|load| (format!("group `{}`: ", group.name), load))
        });
        std::iter::once((String::new(), &self.scenario.load))
            .chain(groups)
            .flat_map(|(owner, load)| match &load.base {
                crate::load::Base::Trace(trace) => trace
                    .notes
                    .iter()
                    .map(|note| format!("{owner}{note}"))
                    .collect(),
                crate::load::Base::Constant(_) => Vec::new(),
            })
            .collect()
    }

    /// One line per setting the file says is assumed and still holds the value assumed:
    /// every result rests on it until someone measures it.
    pub fn assumption_notes(&self) -> Vec<String> {
        (self.scenario.assumed.iter())
            .filter(|assumption| assumption.holds)
            .map(|assumption| {
                format!(
                    "assumed, not measured: {} = {} ([scenario] assumed); the results rest on it: set the real value",
                    assumption.path,
                    assumption.value.to_toml()
                )
            })
            .collect()
    }

    /// The scenario of the policy called `name`, or `None` if there is none.
    pub fn policy(&self, name: &str) -> Option<&Scenario> {
        self.policies
            .iter()
            .find(|policy| policy.name == name)
            .map(|policy| &policy.scenario)
    }

    /// The grid `sweep` runs and the scenario it sweeps: the named policy's, or without a
    /// name the file's own `[sweep]` (the scenario as written, or the policy it names), else
    /// the only policy grid there is.
    pub fn grid(
        &self,
        policy: Option<&str>,
    ) -> Result<(&crate::model::Sweep, &Scenario), GridError> {
        let grids: Vec<&Policy> = self
            .policies
            .iter()
            .filter(|policy| policy.sweep.is_some())
            .collect();
        let names = |policies: &[&Policy]| {
            (policies.iter())
                .map(|policy| policy.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let error = |message: String, hint: &str| GridError {
            message,
            hint: hint.to_string(),
        };
        match policy.or(self.sweep_policy.as_deref()) {
            Some(name) => {
                let policy = (self.policies.iter())
                    .find(|policy| policy.name == name)
                    .ok_or_else(|| {
                        let known: Vec<&Policy> = self.policies.iter().collect();
                        error(
                            format!("there is no policy `{name}`"),
                            &if known.is_empty() {
                                "the scenario has no [[policy]]: leave out --policy to sweep the file's own [sweep]".to_string()
                            } else {
                                format!("the policies are {}", names(&known))
                            },
                        )
                    })?;
                match &policy.sweep {
                    Some(sweep) => Ok((sweep, &policy.scenario)),
                    None => Err(error(
                        format!("policy `{name}` has no grid"),
                        &if grids.is_empty() {
                            format!(
                                "add a [policy.sweep] table with [[policy.sweep.parameter]] tables to policy `{name}`"
                            )
                        } else {
                            format!(
                                "add a [policy.sweep] table to policy `{name}`, or sweep a policy that has one: {}",
                                names(&grids)
                            )
                        },
                    )),
                }
            }
            None => match (&self.sweep, grids.as_slice()) {
                (Some(sweep), _) => Ok((sweep, &self.scenario)),
                (None, [only]) => Ok((only.sweep.as_ref().expect("filtered"), &only.scenario)),
                (None, []) => Err(error(
                    "the scenario has no [sweep] table".into(),
                    "add [sweep] (or [policy.sweep] to a policy) with [[sweep.parameter]] tables: path = \"group.web.min\", values = [2, 4]",
                )),
                (None, _) => Err(error(
                    format!(
                        "policies {} each have a grid and no top-level [sweep] names one",
                        names(&grids)
                    ),
                    "pick one with --policy NAME, or name the default in a top-level [sweep] (policy = NAME)",
                )),
            },
        }
    }

    /// What `plan` weighs against each other: every policy with its grid (one without is a
    /// single point), and the file as written when it has its own `[sweep]` or no policy.
    /// Gridless candidates run `replications` times, as many as the grids do.
    pub fn candidates(&self) -> Vec<Candidate<'_>> {
        let replications = (self
            .policies
            .iter()
            .filter_map(|policy| policy.sweep.as_ref()))
        .chain(&self.sweep)
        .map(|sweep| sweep.replications)
        .max()
        .unwrap_or(1);
        let single = |policy: Option<&str>| crate::model::Sweep::single(policy, replications);
        let mut candidates: Vec<Candidate<'_>> = Vec::new();
        if self.sweep.is_some() || self.policies.is_empty() {
            candidates.push(Candidate {
                name: crate::model::AS_WRITTEN,
                scenario: &self.scenario,
                sweep: self.sweep.clone().unwrap_or_else(|| single(None)),
            });
        }
        candidates.extend(self.policies.iter().map(|policy| Candidate {
            name: &policy.name,
            scenario: &policy.scenario,
            sweep: (policy.sweep.clone()).unwrap_or_else(|| single(Some(&policy.name))),
        }));
        candidates
    }

    /// What `compare` runs: every policy, or the scenario as written when it has none.
    pub fn variants(&self) -> Vec<(&str, &Scenario)> {
        if self.policies.is_empty() {
            vec![(crate::model::AS_WRITTEN, &self.scenario)]
        } else {
            self.policies
                .iter()
                .map(|policy| (policy.name.as_str(), &policy.scenario))
                .collect()
        }
    }
}

/// One way of running the scenario that `plan` weighs: a policy (or the file as written)
/// and the grid of its settings.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    /// The policy's name, or `as-written`.
    pub name: &'a str,
    /// The scenario it runs.
    pub scenario: &'a Scenario,
    /// Its grid; a single point when it has none.
    pub sweep: crate::model::Sweep,
}

/// A named policy: the scenario with that policy's overrides applied.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Unique name.
    pub name: String,
    /// What the policy is, for reports.
    pub description: Option<String>,
    /// The resulting scenario.
    pub scenario: Scenario,
    /// Its own grid (`[policy.sweep]`, or a top-level `[sweep]` naming it).
    pub sweep: Option<crate::model::Sweep>,
}

/// The scenario as written and its policies.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Without overrides.
    pub scenario: Scenario,
    /// With each policy's overrides.
    pub policies: Vec<Policy>,
    /// The validated `[sweep]`, if any.
    pub sweep: Option<crate::model::Sweep>,
    /// The policy a top-level `[sweep]` names.
    pub sweep_policy: Option<String>,
    /// The file's trace tables (paths as written, relative to a folder the caller knows).
    pub sources: write::Sources,
}

/// Reads, parses and validates a scenario file, reading any trace it names.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    let label = path.display().to_string();
    let text = crate::input::read_text(path, &label, "scenario", crate::input::MAX_SCENARIO_BYTES)?;
    load_str(&label, &text, path.parent().unwrap_or(Path::new(".")))
}

/// Parses and validates scenario `text` labelled `file`, reading traces relative to `base`,
/// and generates its load.
pub fn load_str(file: &str, text: &str, base: &Path) -> Result<Loaded, Diagnostics> {
    let mut read_trace =
        |relative: &str, format: &TraceFormat, clock: &Clock| -> Result<Trace, Diagnostic> {
            let trace_path = base.join(relative);
            let trace_label = trace_path.display().to_string();
            if trace_path.is_dir() {
                return Err(
                    Diagnostic::file(&trace_label, "the trace path is a directory")
                        .with_field("load.trace.path")
                        .with_hint("name the trace file itself, e.g. path = \"traces/week.csv\""),
                );
            }
            let file = std::fs::File::open(&trace_path).map_err(|error| {
                Diagnostic::file(&trace_label, format!("cannot read trace: {error}"))
                    .with_field("load.trace.path")
                    .with_hint("trace paths are relative to the scenario file")
            })?;
            trace::parse(&trace_label, file, format, clock)
        };
    let Parsed {
        scenario,
        policies,
        sweep,
        sweep_policy,
        mut sources,
    } = parse(file, text, &mut read_trace)?;
    sources.dir = base.to_path_buf();
    let load = crate::model::Loads::generate(&scenario, scenario.seed);
    Ok(Loaded {
        scenario,
        policies,
        load,
        sweep,
        sweep_policy,
        sources,
    })
}

/// Parses and validates scenario `text` and each of its policies; `file` labels diagnostics
/// and `read_trace` supplies any trace the load names (read once, shared by all policies).
pub fn parse(
    file: &str,
    text: &str,
    read_trace: &mut validate::TraceReader,
) -> Result<Parsed, Diagnostics> {
    if let Some(offset) = too_deep(text) {
        return Err(Diagnostic::at_span(
            file,
            text,
            offset..offset + 1,
            format!("keys or values nest more than {MAX_NESTING} levels deep"),
        )
        .with_hint(
            "scenario keys nest a few levels (e.g. `group.health.mtbf`): is this the right file?",
        )
        .into());
    }
    let mut wire: wire::File =
        toml::from_str(text).map_err(|error| toml_diagnostic(file, text, &error))?;
    let policies = std::mem::take(&mut wire.policy);
    let sources = write::Sources::new(Path::new(""), &wire);
    let sweep_wire = wire.sweep.take();
    let mut cache: Vec<(String, Result<Trace, Diagnostic>)> = Vec::new();
    let mut cached_reader = |path: &str, format: &TraceFormat, clock: &Clock| {
        if let Some((_, result)) = cache.iter().find(|(cached, _)| cached == path) {
            return result.clone();
        }
        let result = read_trace(path, format, clock);
        cache.push((path.to_string(), result.clone()));
        result
    };
    let mut problems: Vec<Diagnostic> = Vec::new();
    let merge = |problems: &mut Vec<Diagnostic>, found: Vec<Diagnostic>| {
        for problem in found {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    };

    let mut checker = Checker::new(file, text);
    let base = validate::validate(&mut checker, wire.clone(), &mut cached_reader);
    merge(&mut problems, checker.problems);

    let mut checker = Checker::new(file, text);
    let mut names = Vec::new();
    let variants: Vec<(String, Option<String>, wire::File)> = policies
        .iter()
        .map(|policy| {
            checker.unique_name(&mut names, &policy.name, "policy");
            validate::file_safe_name(&mut checker, &policy.name, "policy.name");
            let mut variant = wire.clone();
            validate::apply_policy(&mut checker, &mut variant, policy);
            (
                policy.name.get_ref().clone(),
                policy.description.clone(),
                variant,
            )
        })
        .collect();
    merge(&mut problems, checker.problems);
    let mut built = Vec::new();
    for (name, description, variant) in variants {
        let mut checker = Checker::new(file, text);
        let scenario = validate::validate(&mut checker, variant, &mut cached_reader);
        merge(&mut problems, checker.problems);
        if let Some(scenario) = scenario {
            built.push(Policy {
                name,
                description,
                scenario,
                sweep: None,
            });
        }
    }
    let mut sweep = None;
    let sweep_policy = (sweep_wire.as_ref())
        .and_then(|grid| grid.policy.as_ref())
        .map(|name| name.get_ref().clone());
    if let Some(scenario) = &base
        && problems.is_empty()
    {
        let mut checker = Checker::new(file, text);
        for (policy, wire) in built.iter_mut().zip(&policies) {
            let Some(grid) = &wire.sweep else { continue };
            if let Some(name) = &grid.policy {
                checker.error(
                    name.span(),
                    "policy.sweep.policy",
                    "a policy's own grid sweeps that policy",
                    "remove `policy` here, or move the table to a top-level [sweep]",
                );
                continue;
            }
            policy.sweep = validate::sweep(
                &mut checker,
                grid,
                &policy.scenario,
                Some(policy.name.clone()),
            );
        }
        if let Some(grid) = &sweep_wire {
            match &grid.policy {
                None => sweep = validate::sweep(&mut checker, grid, scenario, None),
                Some(name) => {
                    let names: Vec<String> =
                        built.iter().map(|policy| policy.name.clone()).collect();
                    if let Some(index) = checker.reference(name, &names, "sweep.policy", "policy") {
                        if built[index].sweep.is_some() {
                            checker.error(
                                name.span(),
                                "sweep.policy",
                                format!("policy `{}` has its own [policy.sweep] too", names[index]),
                                "keep one grid per policy",
                            );
                        } else {
                            built[index].sweep = validate::sweep(
                                &mut checker,
                                grid,
                                &built[index].scenario,
                                Some(names[index].clone()),
                            );
                        }
                    }
                }
            }
        }
        merge(&mut problems, checker.problems);
    }
    match base {
        Some(scenario) if problems.is_empty() => Ok(Parsed {
            scenario,
            policies: built,
            sweep,
            sweep_policy,
            sources,
        }),
        _ => Err(Diagnostics(problems)),
    }
}

/// The byte offset where the file first nests deeper than [`MAX_NESTING`] (dotted keys,
/// arrays, inline tables), found before the TOML parser recurses into it.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut dots) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    // Dots nest only in keys (`a.b.c =`, `[a.b]`); after `=` they are decimal points.
    let (mut comment, mut in_value) = (false, false);
    for (offset, character) in text.char_indices() {
        match (quote, character) {
            (_, '\n') => {
                comment = false;
                in_value = false;
                dots = 0;
                if quote == Some('\'') || quote == Some('"') {
                    quote = None;
                }
            }
            _ if comment => {}
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(character),
            (None, '#') => comment = true,
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '.') if !in_value => dots += 1,
            (None, '=') => {
                dots = 0;
                in_value = true;
            }
            _ => {}
        }
        if depth + dots > MAX_NESTING {
            return Some(offset);
        }
    }
    None
}

/// A toml / serde error as a diagnostic, with the dotted field and a did-you-mean hint.
fn toml_diagnostic(file: &str, text: &str, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let span = error.span().unwrap_or(0..0);
    // serde lists every allowed key in the message; the hint says it better.
    let headline = first_line(&message);
    let headline = match headline.split_once(", expected") {
        Some((head, _)) if headline.starts_with("unknown") => head.to_string(),
        _ => plain_types(&headline),
    };
    // A key missing from the top level has no place in the file to point at.
    if message.starts_with("missing field") && span.end <= 1 {
        let key = message.split('`').nth(1).unwrap_or("").to_string();
        return Diagnostic::file(file, headline)
            .with_field(key.clone())
            .with_hint(format!(
                "add a `[{key}]` table (see docs/scenario-format.md)"
            ));
    }
    let mut diagnostic = Diagnostic::at_span(file, text, span.clone(), headline);
    if let Some(field) = field_at(text, span.start) {
        diagnostic = diagnostic.with_field(field);
    }
    if let Some(hint) = hint_for(&message) {
        diagnostic = diagnostic.with_hint(hint);
    } else if message.contains("expected struct") {
        let key = diagnostic
            .field
            .as_deref()
            .and_then(|field| field.rsplit('.').next())
            .unwrap_or("key")
            .to_string();
        diagnostic = diagnostic.with_hint(match key.as_str() {
            "sla" => "write the table form, e.g. sla = { max_utilization = 0.8 }".to_string(),
            _ => format!("write a table, e.g. {key} = {{ ... }} (see docs/scenario-format.md)"),
        });
    }
    diagnostic
}

/// serde's names for what it expected, as a scenario's author calls them: no internal type
/// names (`struct SlaWire`, `u64`) in a message.
fn plain_types(message: &str) -> String {
    let Some((head, expected)) = message.split_once(", expected ") else {
        return message.to_string();
    };
    let plain = if expected.starts_with("struct ") || expected == "a map" {
        "a table"
    } else if ["u8", "u16", "u32", "u64", "usize"].contains(&expected) {
        "a whole number, 0 or more"
    } else if ["i32", "i64"].contains(&expected) {
        "a whole number"
    } else if expected == "f64" || expected == "f32" {
        "a number"
    } else if expected == "a sequence" {
        "a list [...]"
    } else if expected == "a boolean" {
        "true or false"
    } else {
        expected
    };
    format!("{head}, expected {plain}")
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or("").to_string()
}

/// Suggests a fix for serde's "unknown field / variant" and "missing field" messages.
fn hint_for(message: &str) -> Option<String> {
    let ticked: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let (word, expected) = ticked.split_first()?;
        let what = if message.starts_with("unknown field") {
            "keys"
        } else {
            "values"
        };
        return Some(match did_you_mean(word, expected.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None if expected.is_empty() => "remove it".to_string(),
            None => format!("allowed {what}: {}", expected.join(", ")),
        });
    }
    if message.starts_with("missing field") {
        return Some(format!("add `{} = ...` to this table", ticked.first()?));
    }
    None
}

/// The dotted key at byte `offset`: the enclosing table header plus the key on that line.
fn field_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let mut table = String::new();
    let mut key = None;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    for line in text[..line_start].lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
        }
    }
    let line = text[line_start..].lines().next().unwrap_or("");
    let trimmed = line.trim();
    if trimmed.starts_with('[') {
        return Some(
            trimmed
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string(),
        );
    }
    if let Some((name, _)) = line.split_once('=') {
        let name = name.trim();
        if !name.is_empty() && !name.starts_with('#') {
            key = Some(name.to_string());
        }
    }
    match (table.is_empty(), key) {
        (_, None) if table.is_empty() => None,
        (_, None) => Some(table),
        (true, Some(key)) => Some(key),
        (false, Some(key)) => Some(format!("{table}.{key}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_key_dots_and_brackets_not_decimal_points() {
        let floats: Vec<String> = (0..60).map(|n| format!("{n}.5")).collect();
        assert_eq!(
            too_deep(&format!("values = [{}]\n", floats.join(", "))),
            None
        );
        let key = vec!["a"; 40].join(".");
        assert_eq!(
            too_deep(&format!("x = 1\n{key} = 1\n")),
            Some(6 + 2 * 32 + 1)
        );
        assert!(too_deep(&format!("x = {}1{}\n", "[".repeat(40), "]".repeat(40))).is_some());
    }

    #[test]
    fn field_paths_join_table_and_key() {
        let text = "[scenario]\nname = \"x\"\n\n[[group]]\nmin = 1\n";
        assert_eq!(
            field_at(text, text.find("min").unwrap()).as_deref(),
            Some("group.min")
        );
        assert_eq!(field_at(text, 12).as_deref(), Some("scenario.name"));
    }

    #[test]
    fn unknown_field_hint_suggests_the_key() {
        let hint =
            hint_for("unknown field `cooldwon`, expected one of `name`, `cooldown`").unwrap();
        assert_eq!(hint, "did you mean `cooldown`?");
        let hint = hint_for("unknown variant `fastest`, expected `aws` or `alibaba`").unwrap();
        assert_eq!(hint, "allowed values: aws, alibaba");
    }
}
