//! The HTML reports in a real browser: headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs) opens `index.html` as a user would, and the test checks that the page
//! loads with no console message, that every chart has a size on screen, and keeps a
//! screenshot in `target/browser/` as an artifact. Skipped, saying why, only where no
//! Chromium can be found.

use assert_cmd::cargo::cargo_bin_cmd;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Chromium's binary: `$SCALEPLAN_CHROMIUM`, else the first of Debian's names on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SCALEPLAN_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|directory| directory.join(name))
                    .find(|path| path.is_file())
            })
        })
}

/// Runs headless Chromium on `page` with `extra` flags (isolated profile, no network
/// services); returns (stdout, stderr).
fn headless(browser: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Checks one output set's page: no console message, `charts` charts each with a size.
fn check_page(browser: &Path, page: &Path, charts: usize, screenshot: &str) {
    let (dom, log) = headless(browser, page, &["--dump-dom"]);
    let console: Vec<&str> = log
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .collect();
    assert!(
        console.is_empty(),
        "{}: console messages: {console:?}",
        page.display()
    );
    let body = dom
        .split("<body")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(!body.contains("data-errors"), "{}: {body}", page.display());
    let sizes: Vec<(u32, u32)> = body
        .split("data-charts=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .split_whitespace()
        .map(|size| {
            let (width, height) = size.split_once('x').unwrap();
            (width.parse().unwrap(), height.parse().unwrap())
        })
        .collect();
    assert_eq!(
        sizes.len(),
        charts,
        "{}: chart sizes {body}",
        page.display()
    );
    assert!(
        sizes
            .iter()
            .all(|(width, height)| *width > 300 && *height > 100),
        "{}: {sizes:?}",
        page.display()
    );
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../browser");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join(screenshot);
    let _ = headless(
        browser,
        page,
        &[&format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    println!("screenshot: {}", shot.display());
}

#[test]
fn html_reports_load_in_a_real_browser() {
    let Some(browser) = chromium() else {
        println!(
            "skipped: no Chromium found (apt-get install chromium, or set SCALEPLAN_CHROMIUM)"
        );
        return;
    };
    let directory = tempfile::tempdir().unwrap();
    let compare = directory.path().join("compare");
    cargo_bin_cmd!("scaleplan")
        .args(["compare", "scenarios/lunch-peak.toml", "--out"])
        .arg(&compare)
        .assert()
        .success();
    // Six timelines, the overlay, the hours around the peak and the cost bars.
    check_page(
        &browser,
        &compare.join("index.html"),
        9,
        "compare-lunch-peak.png",
    );
    let sweep = directory.path().join("sweep");
    cargo_bin_cmd!("scaleplan")
        .args([
            "sweep",
            "scenarios/cc-attack.toml",
            "--policy",
            "alarm",
            "--quiet",
            "--out",
        ])
        .arg(&sweep)
        .assert()
        .success();
    // Two heatmaps and the Pareto chart.
    check_page(
        &browser,
        &sweep.join("index.html"),
        3,
        "sweep-cc-attack.png",
    );
    let plan = directory.path().join("plan");
    cargo_bin_cmd!("scaleplan")
        .args([
            "plan",
            "scenarios/cc-attack.toml",
            "--max-violation",
            "0.1%",
            "--quiet",
            "--out",
        ])
        .arg(&plan)
        .assert()
        .success();
    // The Pareto chart with the target and the plan's choice.
    check_page(&browser, &plan.join("index.html"), 1, "plan-cc-attack.png");
}
