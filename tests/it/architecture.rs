//! The boundaries docs/architecture.md draws, checked on the source: the core does no I/O and
//! never reaches outward (to parsing, rendering, planning or the command line), and only
//! `cli/` prints or exits, and no file outgrows one concept. A change that crosses a boundary
//! fails here, not in review.

use std::fs;
use std::path::{Path, PathBuf};

/// The folders and files of the core: the validated model and the replay, with no I/O.
const CORE: &[&str] = &[
    "engine", "model", "scaling", "load", "billing", "metrics", "number", "time",
];

/// What the core must never use: the edges that parse, render, plan, gate and talk to users.
const OUTWARD: &[&str] = &[
    "scenario", "cli", "report", "plot", "sweep", "compare", "check", "import", "export",
];

/// Every Rust file under `src/`, with its top-level module (`engine`, `cli`, `time`, ...).
fn sources() -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let mut folders = vec![PathBuf::from("src")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let relative = path.strip_prefix("src").unwrap();
                let first = relative.components().next().unwrap().as_os_str();
                let module = Path::new(first)
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.push((module, path));
            }
        }
    }
    files.sort();
    assert!(files.len() > 50, "only {} sources found", files.len());
    files
}

/// The code of a file without its comments and its `#[cfg(test)]` module (tests may read
/// files and load scenarios), with each line's number.
fn code(path: &Path) -> Vec<(usize, String)> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .map(|(index, line)| {
            let code = line.split("//").next().unwrap_or("");
            (index + 1, code.to_string())
        })
        .filter(|(_, code)| !code.trim().is_empty())
        .collect()
}

#[test]
fn the_core_does_no_io_and_never_reaches_outward() {
    let mut crossings = Vec::new();
    for (module, path) in sources() {
        if !CORE.contains(&module.as_str()) {
            continue;
        }
        for (line, code) in code(&path) {
            for outward in OUTWARD {
                if code.contains(&format!("crate::{outward}::"))
                    || code.contains(&format!("crate::{outward};"))
                    || code.contains(&format!("crate::{outward}}}"))
                {
                    crossings.push(format!("{}:{line}: uses {outward}: {code}", path.display()));
                }
            }
            for io in [
                "std::fs",
                "File::",
                "std::io::stdin",
                "std::env::",
                "std::net",
            ] {
                if code.contains(io) {
                    crossings.push(format!("{}:{line}: I/O ({io}): {code}", path.display()));
                }
            }
        }
    }
    assert!(crossings.is_empty(), "{}", crossings.join("\n"));
}

#[test]
fn only_the_command_line_prints_or_exits() {
    let mut found = Vec::new();
    for (module, path) in sources() {
        if module == "cli" || module == "main" {
            continue;
        }
        for (line, code) in code(&path) {
            for call in [
                "println!",
                "print!(",
                "eprintln!",
                "eprint!(",
                "dbg!(",
                "std::process::exit",
                "crate::cli",
            ] {
                if code.contains(call) {
                    found.push(format!("{}:{line}: {call}: {code}", path.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The top-level modules each module's code names (`crate::X`), outside comments and tests.
fn import_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let files = sources();
    let modules: std::collections::BTreeSet<String> =
        files.iter().map(|(module, _)| module.clone()).collect();
    let mut graph: std::collections::BTreeMap<_, std::collections::BTreeSet<_>> =
        std::collections::BTreeMap::new();
    for (module, path) in &files {
        let entry = graph.entry(module.clone()).or_default();
        for (_, code) in code(path) {
            for (index, _) in code.match_indices("crate::") {
                let rest = &code[index + "crate::".len()..];
                // `crate::x::..` or a group `crate::{x, y::..}` (one line).
                let names: Vec<String> = match rest.strip_prefix('{') {
                    Some(group) => group
                        .split(',')
                        .map(|item| item.trim().split("::").next().unwrap_or("").to_string())
                        .collect(),
                    None => vec![
                        rest.chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect(),
                    ],
                };
                for name in names {
                    if name != *module && modules.contains(&name) {
                        entry.insert(name);
                    }
                }
            }
        }
    }
    graph
}

// docs/architecture.md: the arrows between folders point one way. A loop between two
// folders (model and load, report and plot once) means a concept has no single home.
#[test]
fn no_folder_imports_loop_back() {
    let graph = import_graph();
    assert!(graph["cli"].contains("engine"), "{graph:?}");
    let mut loops = Vec::new();
    for start in graph.keys() {
        // Depth-first from `start`: a path back to it is a loop.
        let mut stack: Vec<Vec<&String>> = vec![vec![start]];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = *path.last().unwrap();
            for next in graph.get(last).into_iter().flatten() {
                if next == start {
                    let names: Vec<&str> = path.iter().map(|name| name.as_str()).collect();
                    loops.push(format!("{} -> {start}", names.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
    }
    assert!(loops.is_empty(), "{}", loops.join("\n"));
}

/// Most lines a source file may have: past it a file holds more than one concept (split it
/// by concept, as `export/terraform/` is by provider).
const MAX_FILE_LINES: usize = 800;

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = (sources().into_iter())
        .filter_map(|(_, path)| {
            let lines = fs::read_to_string(&path).unwrap().lines().count();
            (lines > MAX_FILE_LINES).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "over {MAX_FILE_LINES} lines: {long:?}");
}
