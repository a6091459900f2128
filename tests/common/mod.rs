//! Helpers shared by the integration tests: one home for reading what the CLI printed.
#![allow(dead_code)]

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

/// A scenario from text, which must be valid.
pub fn load(text: &str) -> scaleplan::scenario::Loaded {
    scaleplan::scenario::load_str("inline.toml", text, std::path::Path::new("."))
        .unwrap_or_else(|errors| panic!("scenario should be valid:\n{errors}"))
}

/// Runs a scenario from text with everything recorded.
pub fn run(text: &str) -> (scaleplan::scenario::Loaded, scaleplan::engine::Outcome) {
    let loaded = load(text);
    let outcome = scaleplan::engine::simulate(
        &loaded.scenario,
        &loaded.load,
        scaleplan::engine::RunOptions::FULL,
    );
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
