//! A corpus of malformed scenarios and traces (tests/malformed/*.toml, with the trace files
//! they name). Each must fail with exactly the error a user sees (the `.stderr` snapshot beside
//! it), exit 2, and leave no output behind. `SNAPSHOT_UPDATE=1 cargo test --test it malformed`
//! rewrites the snapshots; review the diff before committing.

use assert_cmd::cargo::cargo_bin_cmd;
use std::fs;
use std::path::Path;

#[test]
fn every_malformed_input_fails_cleanly_with_its_snapshot() {
    let corpus = Path::new("tests/malformed");
    let cases = crate::common::toml_files(corpus);
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    // Run from one scratch copy of the corpus, so messages name `case.toml` and nothing
    // outside the temporary directory can be written; no case may write anything into it.
    let directory = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, directory.path().join(path.file_name().unwrap())).unwrap();
    }
    let before = fs::read_dir(directory.path()).unwrap().count();
    for case in &cases {
        let name = case.file_name().unwrap().to_str().unwrap();
        let output = cargo_bin_cmd!("scaleplan")
            .current_dir(directory.path())
            .args(["run", name, "--out", "out"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr)
            .replace(&directory.path().display().to_string(), "<dir>");
        let snapshot = case.with_extension("stderr");
        if output.status.code() != Some(2) {
            failures.push(format!(
                "{name}: exit {:?}, stderr:\n{stderr}",
                output.status.code()
            ));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked:\n{stderr}"));
        }
        if directory.path().join("out").exists() {
            failures.push(format!("{name}: an output directory was left behind"));
            let _ = fs::remove_dir_all(directory.path().join("out"));
        }
        let now = fs::read_dir(directory.path()).unwrap().count();
        if now != before {
            failures.push(format!("{name}: {} file(s) were left behind", now - before));
        }
        if !output.stdout.is_empty() {
            failures.push(format!("{name}: printed to stdout"));
        }
        if let Some(difference) = crate::common::snapshot_difference(&snapshot, &stderr) {
            failures.push(format!("{name}: {difference}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
