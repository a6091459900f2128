//! The docs as tests: every `console` example in README.md and docs/*.md is run and its
//! output compared, and every TOML snippet is checked against the real file it is taken from,
//! which is loaded and validated. Changing a printed number, column or message without
//! updating the docs fails here; `SNAPSHOT_UPDATE=1 cargo test` rewrites the examples' output
//! (review the diff).
//!
//! Console blocks (trycmd's markdown convention): `$ scaleplan ...` lines are commands, a
//! `? N` line right after one is its exit code (default 0), and the lines up to the next
//! command are what it prints, standard error first (notes and errors come before any
//! output). In expected output a line `...` stands for any lines and `[..]` for any text
//! within a line. Commands run in a scratch directory holding copies of `scenarios/`,
//! `docs/examples/` and `reports/baseline.json`, and `tests/` as it is, so examples may
//! write files.
//!
//! A TOML block is preceded by `<!-- toml: FILE -->`: each top-level table of the snippet
//! must equal the same table of FILE (an excerpt, or the whole file), and FILE must load.

use assert_cmd::cargo::cargo_bin_cmd;
use std::fs;
use std::path::{Path, PathBuf};

/// The documents whose examples run.
fn documents() -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir("docs")
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
}

/// A fenced block: its language, the marker comment before it, its lines and where they are.
struct Block {
    language: String,
    marker: Option<String>,
    /// Line index (0-based) of the first line inside the fence.
    first: usize,
    lines: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let trimmed = lines[index].trim_start();
        if let Some(language) = trimmed.strip_prefix("```")
            && !language.is_empty()
        {
            let indent = lines[index].len() - trimmed.len();
            let marker = lines[..index]
                .iter()
                .rev()
                .find(|line| !line.trim().is_empty())
                .and_then(|line| line.trim().strip_prefix("<!--"))
                .and_then(|line| line.strip_suffix("-->"))
                .map(|marker| marker.trim().to_string());
            let first = index + 1;
            let mut end = first;
            while end < lines.len() && lines[end].trim() != "```" {
                end += 1;
            }
            blocks.push(Block {
                language: language.trim().to_string(),
                marker,
                first,
                lines: lines[first..end]
                    .iter()
                    .map(|line| line.get(indent..).unwrap_or(line.trim_start()).to_string())
                    .collect(),
            });
            index = end + 1;
        } else {
            index += 1;
        }
    }
    blocks
}

/// One `$` command of a console block.
struct Example {
    command: String,
    code: i32,
    expected: Vec<String>,
    /// Line range of the expected output inside the block.
    output: std::ops::Range<usize>,
}

fn examples(block: &Block) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut index = 0;
    while index < block.lines.len() {
        let line = &block.lines[index];
        let Some(command) = line.strip_prefix("$ ") else {
            panic!(
                "line {} of a console block is neither a command nor output: {line}",
                block.first + index + 1
            );
        };
        let mut command = command.to_string();
        while command.ends_with('\\') {
            command.pop();
            index += 1;
            command.push_str(block.lines[index].trim_start());
        }
        index += 1;
        let mut code = 0;
        if let Some(status) = block
            .lines
            .get(index)
            .and_then(|line| line.strip_prefix("? "))
        {
            code = status.parse().expect("`? N` holds an exit code");
            index += 1;
        }
        let start = index;
        while index < block.lines.len() && !block.lines[index].starts_with("$ ") {
            index += 1;
        }
        examples.push(Example {
            command,
            code,
            expected: block.lines[start..index].to_vec(),
            output: start..index,
        });
    }
    examples
}

/// Words of a command line, with single and double quotes.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for character in command.chars() {
        match (quote, character) {
            (None, '\'' | '"') => {
                quote = Some(character);
                started = true;
            }
            (Some(open), _) if character == open => quote = None,
            (None, ' ') => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            _ => {
                word.push(character);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch directory laid out like the repository for the examples.
fn scratch() -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    copy_tree(Path::new("scenarios"), &directory.path().join("scenarios"));
    copy_tree(
        Path::new("docs/examples"),
        &directory.path().join("docs/examples"),
    );
    fs::create_dir_all(directory.path().join("reports")).unwrap();
    fs::copy(
        "reports/baseline.json",
        directory.path().join("reports/baseline.json"),
    )
    .unwrap();
    let tests = std::env::current_dir().unwrap().join("tests");
    std::os::unix::fs::symlink(tests, directory.path().join("tests")).unwrap();
    directory
}

/// Whether `actual` matches `expected` line by line, with `...` lines and `[..]` wildcards.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, others)| line_matches(first, line) && matches(rest, others)),
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let Some(mut rest) = actual.strip_prefix(parts[0]) else {
        return false;
    };
    for (index, part) in parts.iter().enumerate().skip(1) {
        if index == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn console_examples_print_what_the_docs_say() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap();
        let mut rewritten: Vec<String> = text.lines().map(str::to_string).collect();
        // Rewritten from the last example up, so earlier line numbers stay valid.
        let mut replacements = Vec::new();
        for block in blocks(&text)
            .iter()
            .filter(|block| block.language == "console")
        {
            let directory = scratch();
            let indent = " ".repeat(
                rewritten[block.first - 1].len() - rewritten[block.first - 1].trim_start().len(),
            );
            for example in examples(block) {
                let words = words(&example.command);
                assert_eq!(
                    words[0],
                    "scaleplan",
                    "{}: examples run scaleplan only",
                    document.display()
                );
                let output = cargo_bin_cmd!("scaleplan")
                    .args(&words[1..])
                    .current_dir(directory.path())
                    .env("NO_COLOR", "1")
                    .output()
                    .unwrap();
                ran += 1;
                let printed = format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stderr),
                    String::from_utf8_lossy(&output.stdout)
                );
                let actual: Vec<&str> = printed.lines().collect();
                let code = output.status.code().unwrap_or(-1);
                if code == example.code && matches(&example.expected, &actual) {
                    continue;
                }
                if crate::common::updating_snapshots() && code == example.code {
                    replacements.push((
                        block.first + example.output.start..block.first + example.output.end,
                        actual
                            .iter()
                            .map(|line| match line.is_empty() {
                                true => String::new(),
                                false => format!("{indent}{line}"),
                            })
                            .collect::<Vec<_>>(),
                    ));
                    continue;
                }
                failures.push(format!(
                    "{}:{}: `{}` exited {code} (expected {}) and printed\n{printed}--- the docs say\n{}\n",
                    document.display(),
                    block.first + example.output.start,
                    example.command,
                    example.code,
                    example.expected.join("\n")
                ));
            }
        }
        let changed = !replacements.is_empty();
        for (range, lines) in replacements.into_iter().rev() {
            rewritten.splice(range, lines);
        }
        if changed {
            fs::write(&document, rewritten.join("\n") + "\n").unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 10, "only {ran} console examples ran");
}

#[test]
fn toml_snippets_are_excerpts_of_files_that_load() {
    let mut checked = 0;
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap();
        for block in blocks(&text)
            .iter()
            .filter(|block| block.language == "toml")
        {
            let place = format!("{}:{}", document.display(), block.first);
            let file = block
                .marker
                .as_deref()
                .and_then(|marker| marker.strip_prefix("toml:"))
                .map(str::trim)
                .unwrap_or_else(|| {
                    panic!("{place}: a TOML snippet needs `<!-- toml: FILE -->` before it")
                });
            let snippet: toml::Table = toml::from_str(&block.lines.join("\n"))
                .unwrap_or_else(|error| panic!("{place}: not TOML: {error}"));
            let whole: toml::Table = toml::from_str(&fs::read_to_string(file).unwrap()).unwrap();
            for (key, value) in &snippet {
                assert_eq!(
                    Some(value),
                    whole.get(key),
                    "{place}: `{key}` differs from {file}"
                );
            }
            scaleplan::scenario::load(Path::new(file))
                .unwrap_or_else(|errors| panic!("{place}: {file} does not load:\n{errors}"));
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} TOML snippets checked");
}

#[test]
fn the_example_matcher_honours_wildcards() {
    let expected: Vec<String> = ["a [..] c", "...", "z"].map(String::from).to_vec();
    assert!(matches(&expected, &["a b c", "x", "y", "z"]));
    assert!(matches(&expected, &["a  c", "z"]));
    assert!(!matches(&expected, &["a b d", "z"]));
    assert!(!matches(&expected, &["a b c", "y"]));
    assert_eq!(
        words("scaleplan run 'a b' \"c\" d"),
        ["scaleplan", "run", "a b", "c", "d"]
    );
}

/// The names in the first column of each table of docs/outputs.md, by the `###` heading
/// above it (backticks removed).
fn documented_outputs() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let text = fs::read_to_string("docs/outputs.md").unwrap();
    let mut sections = std::collections::BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            current = Some(heading.trim_matches('`').to_string());
        } else if line.starts_with("## ") {
            current = None;
        } else if let (Some(section), Some(row)) = (&current, line.strip_prefix("| `")) {
            let name = row.split('`').next().unwrap().to_string();
            sections
                .entry(section.clone())
                .or_insert_with(std::collections::BTreeSet::new)
                .insert(name);
        }
    }
    sections
}

/// Dotted paths of an object's fields, nested objects included (`latency.p50`).
fn fields(value: &serde_json::Value, prefix: &str, into: &mut std::collections::BTreeSet<String>) {
    if let Some(object) = value.as_object() {
        for (key, inner) in object {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            fields(inner, &path, into);
            into.insert(path);
        }
    }
}

fn header(path: &Path) -> std::collections::BTreeSet<String> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

// Every column and field the binary writes is in docs/outputs.md, and everything there is
// written by some run: a new column without documentation, or a stale entry, fails.
#[test]
fn the_output_reference_lists_every_column_and_field() {
    let documented = documented_outputs();
    let directory = scratch();
    let at = |relative: &str| directory.path().join(relative);
    // A latency SLA (the one optional top-level field the bundled scenarios lack).
    let latency = fs::read_to_string("scenarios/wechat-lite-app.toml")
        .unwrap()
        .replace(
            "sla = { max_utilization = 0.8 }",
            "sla = { latency_percentile = 95, max_latency_ms = 250 }",
        );
    fs::write(at("scenarios/latency.toml"), latency).unwrap();
    let run = |args: &[&str]| {
        let output = cargo_bin_cmd!("scaleplan")
            .args(args)
            .current_dir(directory.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    run(&[
        "run",
        "scenarios/wechat-lite-app.toml",
        "--policy",
        "scheduled+spot",
        "--out",
        "spot",
    ]);
    run(&[
        "run",
        "scenarios/nasa-predictive.toml",
        "--policy",
        "predictive",
        "--out",
        "predictive",
    ]);
    run(&["run", "scenarios/latency.toml", "--out", "latency"]);
    run(&["compare", "scenarios/lunch-peak.toml", "--out", "compare"]);
    run(&[
        "sweep",
        "scenarios/cc-attack.toml",
        "--policy",
        "alarm",
        "--out",
        "sweep",
        "--quiet",
    ]);
    run(&[
        "trace",
        "from-log",
        "tests/fixtures/logs/nginx-combined-shanghai.log",
        "--out",
        "log.csv",
    ]);
    run(&[
        "check",
        "scenarios/lunch-peak.toml",
        "--baseline",
        "baseline.json",
        "--update",
    ]);
    let replications = run(&[
        "run",
        "scenarios/lunch-peak.toml",
        "--replications",
        "2",
        "--json",
    ]);
    let stats = run(&["trace", "stats", "log.csv", "--json"]);
    let comparison = run(&["compare", "scenarios/lunch-peak.toml", "--json"]);
    run(&[
        "plan",
        "scenarios/cc-attack.toml",
        "--max-violation",
        "0.1%",
        "--quiet",
        "--out",
        "plan",
    ]);

    let mut actual = std::collections::BTreeMap::new();
    let mut top = std::collections::BTreeSet::new();
    let mut group = std::collections::BTreeSet::new();
    for run in ["spot", "predictive", "latency"] {
        let summary: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(at(&format!("{run}/summary.json"))).unwrap())
                .unwrap();
        top.extend(summary.as_object().unwrap().keys().cloned());
        for one in summary["groups"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&summary["total"]])
        {
            fields(one, "", &mut group);
        }
    }
    actual.insert("summary.json", top);
    actual.insert("group summary", group);
    for file in ["timeline.csv", "activities.csv", "instances.csv"] {
        actual.insert(file, header(&at(&format!("spot/{file}"))));
    }
    actual.insert("forecast.csv", header(&at("predictive/forecast.csv")));
    actual.insert("compare.csv", header(&at("compare/compare.csv")));
    // Parameter columns are documented as `PATH`.
    let sweep: std::collections::BTreeSet<String> = header(&at("sweep/sweep.csv"))
        .into_iter()
        .map(|column| {
            if column.contains('.') {
                "PATH".to_string()
            } else {
                column
            }
        })
        .collect();
    actual.insert("sweep.csv", sweep);
    actual.insert("from-log CSV", header(&at("log.csv")));
    let keys = |bytes: &[u8]| -> std::collections::BTreeSet<String> {
        let value: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        value.as_object().unwrap().keys().cloned().collect()
    };
    actual.insert("replications document", keys(&replications));
    actual.insert("trace stats document", keys(&stats));
    let document: serde_json::Value = serde_json::from_slice(&comparison).unwrap();
    let mut compared: std::collections::BTreeSet<String> =
        document.as_object().unwrap().keys().cloned().collect();
    for policy in document["policies"].as_array().unwrap() {
        for key in policy.as_object().unwrap().keys() {
            compared.insert(format!("policies[].{key}"));
        }
    }
    actual.insert("compare document", compared);
    actual.insert("plan.json", keys(&fs::read(at("plan/plan.json")).unwrap()));
    let frontier: std::collections::BTreeSet<String> = header(&at("plan/frontier.csv"))
        .into_iter()
        .map(|column| {
            if column.contains('.') {
                "PATH".to_string()
            } else {
                column
            }
        })
        .collect();
    actual.insert("frontier.csv", frontier);
    actual.insert("baseline", keys(&fs::read(at("baseline.json")).unwrap()));

    let mut problems = Vec::new();
    for (section, written) in &actual {
        let listed = documented.get(*section).cloned().unwrap_or_default();
        let undocumented: Vec<&String> = written.difference(&listed).collect();
        let stale: Vec<&String> = listed.difference(written).collect();
        if !undocumented.is_empty() || !stale.is_empty() {
            problems.push(format!(
                "{section}: written but not in docs/outputs.md: {undocumented:?}; listed but not written: {stale:?}"
            ));
        }
    }
    let unchecked: Vec<&String> = documented
        .keys()
        .filter(|section| !actual.contains_key(section.as_str()))
        .collect();
    assert!(
        unchecked.is_empty(),
        "sections no run checks: {unchecked:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// Every flag of every command is documented somewhere in README.md or docs/: a new flag
// without documentation fails.
#[test]
fn every_flag_is_documented() {
    let docs: String = documents()
        .iter()
        .map(|path| fs::read_to_string(path).unwrap())
        .collect();
    let help = |args: &[&str]| {
        let output = cargo_bin_cmd!("scaleplan")
            .args(args)
            .arg("--help")
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let commands: Vec<Vec<&str>> = vec![
        vec!["run"],
        vec!["compare"],
        vec!["check"],
        vec!["sweep"],
        vec!["merge"],
        vec!["plan"],
        vec!["import", "aws"],
        vec!["import", "tencent"],
        vec!["import", "alibaba"],
        vec!["export", "terraform"],
        vec!["trace", "from-log"],
        vec!["trace", "stats"],
        vec!["trace", "plot"],
        vec!["plot"],
        vec!["validate"],
    ];
    let mut missing = Vec::new();
    for command in &commands {
        for line in help(command).lines() {
            // Option lines start with the option: `-s, --step <STEP>` or `--json`.
            let Some(flag) = Some(line.trim_start())
                .filter(|line| line.starts_with('-'))
                .and_then(|line| {
                    line.split([' ', ',', '='])
                        .find(|word| word.starts_with("--"))
                })
            else {
                continue;
            };
            if ["--help", "--version"].contains(&flag) {
                continue;
            }
            let documented = docs.match_indices(flag).any(|(at, _)| {
                !docs[at + flag.len()..]
                    .starts_with(|next: char| next.is_ascii_alphanumeric() || next == '-')
            });
            if !documented {
                missing.push(format!("{} {flag}", command.join(" ")));
            }
        }
    }
    assert!(missing.is_empty(), "flags documented nowhere: {missing:?}");
}

// The committed reports are what the commands make today: a change of any number shown there
// fails until they are regenerated (the commands are in reports/README.md).
#[test]
fn committed_reports_are_reproducible() {
    let directory = tempfile::tempdir().unwrap();
    let mut stale = Vec::new();
    for name in [
        "lunch-peak",
        "cc-attack",
        "viral-launch",
        "wechat-lite-app",
        "nasa-predictive",
        "hourly-batch",
        "warm-pool",
    ] {
        let out = directory.path().join(name);
        let output = cargo_bin_cmd!("scaleplan")
            .args(["compare", &format!("scenarios/{name}.toml"), "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(output.status.success());
        let committed = Path::new("reports").join(name);
        let mut files = vec![PathBuf::from("compare.csv"), PathBuf::from("compare.md")];
        for policy in fs::read_dir(committed.join("policies")).unwrap() {
            let policy = policy.unwrap().path();
            for file in ["summary.json", "activities.csv", "instances.csv"] {
                files.push(policy.strip_prefix(&committed).unwrap().join(file));
            }
        }
        for file in files {
            if fs::read(committed.join(&file)).ok() != fs::read(out.join(&file)).ok() {
                stale.push(committed.join(&file).display().to_string());
            }
        }
    }
    let plan = cargo_bin_cmd!("scaleplan")
        .args([
            "plan",
            "scenarios/cc-attack.toml",
            "--max-violation",
            "0.1%",
            "--quiet",
        ])
        .output()
        .unwrap();
    if fs::read("reports/cc-attack-plan.txt").unwrap() != plan.stdout {
        stale.push("reports/cc-attack-plan.txt".into());
    }
    assert!(
        stale.is_empty(),
        "regenerate (see reports/README.md): {stale:?}"
    );
}

/// The tables of a Markdown text as GitHub renders it (CommonMark + GFM tables): for each,
/// the header's cell count and every body row's.
fn markdown_tables(text: &str) -> Vec<(usize, Vec<usize>)> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut tables = Vec::new();
    let (mut header, mut rows, mut cells) = (0, Vec::new(), 0);
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => rows = Vec::new(),
            Event::Start(Tag::TableHead | Tag::TableRow) => cells = 0,
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableHead) => header = cells,
            Event::End(TagEnd::TableRow) => rows.push(cells),
            Event::End(TagEnd::Table) => tables.push((header, std::mem::take(&mut rows))),
            _ => {}
        }
    }
    tables
}

// Every Markdown file the tool writes renders as tables on GitHub: a separator row with a cell
// too many (`| --- ||`) made the committed compare.md render as text.
#[test]
fn markdown_the_tool_writes_renders_as_tables() {
    let directory = tempfile::tempdir().unwrap();
    let at = |name: &str| directory.path().join(name);
    let mut files = Vec::new();
    cargo_bin_cmd!("scaleplan")
        .args(["compare", "scenarios/lunch-peak.toml", "--out"])
        .arg(at("compare"))
        .assert()
        .success();
    files.push(at("compare/compare.md"));
    cargo_bin_cmd!("scaleplan")
        .args([
            "check",
            "scenarios/lunch-peak.toml",
            "--baseline",
            "tests/fixtures/docs/lunch-peak-cheaper-baseline.json",
            "--markdown",
        ])
        .arg(at("check.md"))
        .assert()
        .code(1);
    files.push(at("check.md"));
    for name in [
        "lunch-peak",
        "cc-attack",
        "viral-launch",
        "wechat-lite-app",
        "nasa-predictive",
    ] {
        files.push(PathBuf::from(format!("reports/{name}/compare.md")));
    }
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let tables = markdown_tables(&text);
        assert!(!tables.is_empty(), "{}: no table renders", file.display());
        // GFM pads short rows and drops extra cells when it renders: the text must agree too.
        for block in text.split("\n\n") {
            let pipes: Vec<usize> = block
                .lines()
                .filter(|line| line.starts_with('|'))
                .map(|line| line.matches('|').count())
                .collect();
            assert!(
                pipes.windows(2).all(|pair| pair[0] == pair[1]),
                "{}: table lines with {pipes:?} pipes",
                file.display()
            );
        }
        for (header, rows) in tables {
            assert!(header > 1, "{}", file.display());
            assert!(
                rows.iter().all(|cells| *cells == header),
                "{}: rows of {rows:?} cells under a header of {header}",
                file.display()
            );
        }
    }
}

/// The rows of the first Markdown table after the heading `heading` in `text`.
fn table_after(text: &str, heading: &str) -> Vec<String> {
    let start = text
        .lines()
        .position(|line| line.trim_start_matches('#').trim() == heading && line.starts_with('#'))
        .unwrap_or_else(|| panic!("no heading `{heading}`"));
    text.lines()
        .skip(start + 1)
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .map(str::to_string)
        .collect()
}

// The README repeats one reference table, the exit codes; docs/outputs.md is its home, and the
// copy must say the same. Column lists live only in docs/outputs.md (the README links there).
#[test]
fn the_readme_says_what_the_output_reference_says() {
    let readme = fs::read_to_string("README.md").unwrap();
    let outputs = fs::read_to_string("docs/outputs.md").unwrap();
    let codes = table_after(&outputs, "Exit codes");
    assert!(codes.len() >= 5, "{codes:?}");
    assert_eq!(table_after(&readme, "Exit codes"), codes);
    for file in ["timeline.csv", "activities.csv", "instances.csv"] {
        for line in readme.lines() {
            let columns = line.matches(&format!("`{file}` —")).count()
                + line.matches(&format!("`{file}` - ")).count();
            assert_eq!(columns, 0, "README lists {file}'s columns again: {line}");
        }
    }
}

// Examples leave the checkout as it was: a newcomer who follows them verbatim keeps a clean
// tree and a green `check scenarios/ --strict`. Outputs go to `out/` (ignored) or elsewhere.
#[test]
fn readme_examples_write_only_into_ignored_folders() {
    let ignored = fs::read_to_string(".gitignore").unwrap();
    assert!(ignored.lines().any(|line| line == "/out/"));
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap();
        for block in blocks(&text)
            .iter()
            .filter(|block| block.language == "console")
        {
            for example in examples(block) {
                let words = words(&example.command);
                for pair in words.windows(2) {
                    if pair[0] == "--out" || pair[0] == "--update" {
                        let target = &pair[1];
                        assert!(
                            pair[0] != "--out"
                                || target.starts_with("out/")
                                || !Path::new(target.as_str())
                                    .components()
                                    .next()
                                    .is_some_and(|first| { Path::new(first.as_os_str()).exists() }),
                            "{}: `{}` writes into the tracked path {target}",
                            document.display(),
                            example.command
                        );
                    }
                }
                assert!(
                    !words.iter().any(|word| word == "--update"),
                    "{}: `{}` rewrites a tracked baseline",
                    document.display(),
                    example.command
                );
            }
        }
    }
}
