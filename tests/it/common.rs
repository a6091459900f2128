//! Helpers shared by the integration tests: one home for building scenarios, running the
//! binary, reading what it printed and comparing it with snapshots.

use std::process::Output;

/// The JSON a successful command printed; fails the test with its stderr otherwise.
pub fn json_stdout(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Every `<text>` of an SVG document, trimmed, after parsing it as XML.
pub fn svg_texts(svg: &str) -> Vec<String> {
    let document =
        roxmltree::Document::parse(svg).unwrap_or_else(|error| panic!("not XML: {error}"));
    assert_eq!(document.root_element().tag_name().name(), "svg");
    document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .filter_map(|node| node.text().map(|text| text.trim().to_string()))
        .collect()
}

/// Scenario text from its parts: the `[scenario]` keys, the instance-type tables, the
/// `[load]` table (header included) and the keys of the one `[[group]]`. Every test file
/// builds its scenarios through this.
pub fn scenario_text(scenario: &str, types: &str, load: &str, group: &str) -> String {
    format!("\n[scenario]\n{scenario}\n\n{types}\n\n{load}\n\n[[group]]\n{group}\n")
}

/// Runs a loaded scenario with everything recorded.
pub fn simulate(loaded: &scaleplan::scenario::Loaded) -> scaleplan::engine::Outcome {
    scaleplan::engine::simulate(
        &loaded.scenario,
        &loaded.load,
        scaleplan::engine::RunOptions::FULL,
    )
}

/// A scenario from text, which must be valid.
pub fn load(text: &str) -> scaleplan::scenario::Loaded {
    scaleplan::scenario::load_str("inline.toml", text, std::path::Path::new("."))
        .unwrap_or_else(|errors| panic!("scenario should be valid:\n{errors}"))
}

/// Runs a scenario from text with everything recorded.
pub fn run(text: &str) -> (scaleplan::scenario::Loaded, scaleplan::engine::Outcome) {
    let loaded = load(text);
    let outcome = simulate(&loaded);
    (loaded, outcome)
}

/// Asserts the run's total cost equals `expected` (an exact oracle, up to float rounding).
pub fn assert_cost(outcome: &scaleplan::engine::Outcome, expected: f64) {
    let cost = outcome.total.cost;
    assert!(
        (cost - expected).abs() < 1e-9,
        "cost {cost}, expected {expected}"
    );
}

/// The scaleplan binary, run from the package root.
pub fn scaleplan() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("scaleplan")
}

/// Whether snapshots are being rewritten (`SNAPSHOT_UPDATE=1`).
pub fn updating_snapshots() -> bool {
    std::env::var_os("SNAPSHOT_UPDATE").is_some()
}

/// Compares `actual` with the snapshot file at `path` (rewriting it with `SNAPSHOT_UPDATE=1`);
/// the difference, or `None` when they agree.
pub fn snapshot_difference(path: &std::path::Path, actual: &str) -> Option<String> {
    if updating_snapshots() {
        std::fs::write(path, actual).unwrap();
        return None;
    }
    match std::fs::read_to_string(path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!(
            "{} differs from its snapshot\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )),
        Err(_) => Some(format!(
            "no snapshot {} (run with SNAPSHOT_UPDATE=1 to write it)",
            path.display()
        )),
    }
}

/// Asserts `actual` equals the snapshot at `path`.
pub fn assert_snapshot(path: impl AsRef<std::path::Path>, actual: &str) {
    if let Some(difference) = snapshot_difference(path.as_ref(), actual) {
        panic!("{difference}");
    }
}

/// The `*.toml` files directly in `folder`, sorted.
pub fn toml_files(folder: impl AsRef<std::path::Path>) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    files.sort();
    files
}
