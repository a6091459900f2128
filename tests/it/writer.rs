//! The scenario writer is the inverse of validation: a model written as a file reads back to
//! the same model, for every bundled scenario, every documented example and every policy in
//! them, and names with quotes, backslashes and non-ASCII survive.

use scaleplan::scenario::{Loaded, load, load_str};
use std::path::{Path, PathBuf};

/// The scenarios a user can read: bundled, documented, and the export fixtures.
fn files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["scenarios", "docs/examples", "tests/fixtures/export"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            // typo.toml shows an error on purpose.
            if path
                .extension()
                .is_some_and(|extension| extension == "toml")
                && !path.ends_with("typo.toml")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    files
}

/// Writes `scenario` of `loaded` into `dir`, reads it back and compares the two models and
/// their loads; returns the text.
fn round_trip(
    loaded: &Loaded,
    scenario: &scaleplan::model::Scenario,
    dir: &Path,
    what: &str,
) -> String {
    let text = loaded.write(scenario, dir);
    let path = dir.join("written.toml");
    std::fs::write(&path, &text).unwrap();
    let back = load(&path).unwrap_or_else(|errors| {
        panic!("{what}: the written file does not load:\n{errors}\n{text}")
    });
    assert_eq!(
        format!("{:#?}", back.scenario),
        format!("{scenario:#?}"),
        "{what}: the model changed through\n{text}"
    );
    assert!(back.policies.is_empty() && back.sweep.is_none(), "{what}");
    text
}

#[test]
fn every_bundled_and_documented_scenario_and_policy_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for file in files() {
        let loaded = load(&file).unwrap_or_else(|errors| panic!("{}: {errors}", file.display()));
        round_trip(
            &loaded,
            &loaded.scenario,
            dir.path(),
            &file.display().to_string(),
        );
        for policy in &loaded.policies {
            let what = format!("{} policy {}", file.display(), policy.name);
            round_trip(&loaded, &policy.scenario, dir.path(), &what);
            checked += 1;
        }
        checked += 1;
    }
    assert!(checked >= 30, "{checked}");
}

#[test]
fn a_written_trace_path_is_relative_to_where_the_file_lands() {
    let loaded = load(Path::new("scenarios/nasa-predictive.toml")).unwrap();
    let deeper = tempfile::tempdir_in(".").unwrap();
    let nested = deeper.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let text = round_trip(&loaded, &loaded.scenario, &nested, "nested");
    let path = text
        .lines()
        .find(|line| line.starts_with("path = "))
        .unwrap();
    assert!(
        path.starts_with("path = \"../../../scenarios/traces/"),
        "{path}"
    );
}

/// Names as hostile as TOML strings get: quotes, backslashes, a newline-free control-free
/// mix of scripts and an emoji.
const NAMES: [&str; 5] = [
    "say \"hi\"",
    "back\\slash",
    "午餐-高峰",
    "émoji 🚀",
    "tab\tand 'single'",
];

#[test]
fn names_with_quotes_backslashes_and_non_ascii_survive() {
    let quoted = |name: &str| toml::Value::String(name.to_string()).to_string();
    let text = format!(
        r#"
[scenario]
name = {scenario}
start = "2026-03-02T00:00:00+08:00"
duration = "1d"

[instance_types.{kind}]
capacity_rps = 100
price_per_hour = 0.1

[load]
base_rps = 300

[[group]]
name = {group}
instance_type = {kind}
min = 2
max = 10

[[group.lifecycle_hook]]
name = {hook}
transition = "launching"
heartbeat_timeout = "5m"
default_result = "continue"

[[group.rule]]
name = {rule}
change = 2

[[group.scheduled]]
name = {task}
cron = "0 11 * * *"
run = {rule}

[[group.alarm]]
name = {alarm}
metric = "cpu"
period = "1m"
periods = 2
above = 70
run = {rule}
"#,
        scenario = quoted(NAMES[0]),
        kind = quoted(NAMES[1]),
        group = quoted(NAMES[2]),
        hook = quoted(NAMES[3]),
        rule = quoted(NAMES[4]),
        task = quoted(NAMES[0]),
        alarm = quoted(NAMES[2]),
    );
    let loaded = load_str("names.toml", &text, Path::new(".")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let written = round_trip(&loaded, &loaded.scenario, dir.path(), "names");
    for name in NAMES {
        assert!(written.contains(&quoted(name)), "{name} in\n{written}");
    }
}

/// `planned.toml` of any point of any policy's grid, in every bundled scenario, loads as
/// exactly the model the planner ran at that point (settings outside the policy included).
#[test]
fn the_planned_file_of_every_policy_and_point_is_the_point() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("planned.toml");
    let mut checked = 0;
    for file in files()
        .into_iter()
        .filter(|file| file.starts_with("scenarios"))
    {
        let loaded = load(&file).unwrap();
        for candidate in loaded.candidates() {
            let last = candidate.sweep.points() - 1;
            for point in [0, last / 2, last] {
                let text = scaleplan::sweep::plan::planned(
                    &loaded,
                    candidate.scenario,
                    &candidate.sweep,
                    point,
                    &[],
                    dir.path(),
                );
                std::fs::write(&path, &text).unwrap();
                let back = load(&path).unwrap_or_else(|errors| panic!("{errors}\n{text}"));
                let expected = candidate.sweep.scenario_at(candidate.scenario, point);
                assert_eq!(
                    format!("{:?}", back.scenario),
                    format!("{expected:?}"),
                    "{} {} point {point}",
                    file.display(),
                    candidate.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 60, "{checked}");
}

/// `[scenario] assumed` is part of the scenario: written back as read, its paths checked.
#[test]
fn assumptions_are_validated_and_written_back() {
    let text = std::fs::read_to_string("docs/examples/minimal.toml").unwrap();
    let with = |assumed: &str| {
        text.replacen(
            "[scenario]\n",
            &format!("[scenario]\nassumed = {assumed}\n"),
            1,
        )
    };
    let loaded = load_str(
        "a.toml",
        &with("{ \"instance_types.s1-small.boot_time\" = \"0s\", \"load.base_rps\" = 1 }"),
        Path::new("docs/examples"),
    );
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(errors) => panic!("{errors}"),
    };
    assert_eq!(loaded.scenario.assumed.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    round_trip(&loaded, &loaded.scenario, dir.path(), "assumed");
    let refused = load_str(
        "a.toml",
        &with("{ \"instance_types.nope.boot_time\" = \"0s\" }"),
        Path::new("docs/examples"),
    )
    .unwrap_err()
    .to_string();
    assert!(refused.contains("scenario.assumed"), "{refused}");
}
