//! `compare` and `plot`: policies side by side, savings, and the charts a user opens.

use crate::common;

use assert_cmd::cargo::cargo_bin_cmd;
use scaleplan::plot::{Chart, Periods, TimelineSeries, render_png, render_svg};
use std::fs;
use std::path::Path;

fn compare_into(scenario: &str, out: &Path, threads: &str) {
    cargo_bin_cmd!("scaleplan")
        .env("RAYON_NUM_THREADS", threads)
        .args(["compare", scenario, "--out"])
        .arg(out)
        .assert()
        .success();
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|record| record.unwrap().iter().map(String::from).collect())
        .collect()
}

// The savings figures of the two-tier lite-app case, computed by hand in the scenario header:
// fixed (2 x 0.064 + 12 x 0.128) x 168 = 279.552; scheduled = 150.528 + 6 x 0.128 x 49 = 188.16.
#[test]
fn savings_match_the_hand_computed_case() {
    let directory = tempfile::tempdir().unwrap();
    compare_into("scenarios/wechat-lite-app.toml", directory.path(), "2");
    let rows = csv_rows(&directory.path().join("compare.csv"));
    assert_eq!(rows[0][0..4], ["fixed", "279.5520", "0.0000", "0.00"]);
    assert_eq!(rows[1][0..4], ["scheduled", "188.1600", "91.3920", "32.69"]);
    assert_eq!(rows[1][4], "1638.0000");
    let markdown = fs::read_to_string(directory.path().join("compare.md")).unwrap();
    assert!(
        markdown.contains("| scheduled | 188.1600 | 91.3920 | 32.69 | 1638.0000 |"),
        "{markdown}"
    );
}

// Each compare row is exactly what `run --policy` reports for that policy alone.
#[test]
fn compare_rows_equal_separate_runs() {
    let directory = tempfile::tempdir().unwrap();
    compare_into("scenarios/cc-attack.toml", directory.path(), "2");
    for row in csv_rows(&directory.path().join("compare.csv")) {
        let output = cargo_bin_cmd!("scaleplan")
            .args([
                "run",
                "scenarios/cc-attack.toml",
                "--json",
                "--policy",
                &row[0],
            ])
            .output()
            .unwrap();
        assert!(output.status.success());
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let total = &json["total"];
        assert_eq!(
            row[1],
            format!("{:.4}", total["cost"].as_f64().unwrap()),
            "{}",
            row[0]
        );
        assert_eq!(
            row[4],
            format!("{:.4}", total["instance_hours"].as_f64().unwrap())
        );
        assert_eq!(row[5], total["peak_in_service"].to_string());
        assert_eq!(row[6], total["activities"].to_string());
        assert_eq!(row[7], total["sla_violation_seconds"].to_string());
        assert_eq!(
            row[8],
            format!("{:.0}", total["unserved_requests"].as_f64().unwrap())
        );
        // The per-policy summary written by compare is the run's own summary, byte for byte.
        let written = fs::read(
            directory
                .path()
                .join("policies")
                .join(&row[0])
                .join("summary.json"),
        )
        .unwrap();
        assert_eq!(written, output.stdout);
    }
}

/// Every `<text>` of the SVG file at `path`.
fn svg_texts(path: &Path) -> Vec<String> {
    common::svg_texts(&fs::read_to_string(path).unwrap())
}

fn assert_png(path: &Path, size: (u32, u32)) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    assert_eq!(
        (reader.info().width, reader.info().height),
        size,
        "{}",
        path.display()
    );
}

#[test]
fn compare_writes_charts_with_axes_and_legends() {
    let directory = tempfile::tempdir().unwrap();
    compare_into("scenarios/lunch-peak.toml", directory.path(), "2");
    let charts = directory.path().join("charts");
    for policy in ["fixed", "scheduled", "alarm", "scheduled+alarm"] {
        let texts = svg_texts(&charts.join(format!("timeline-{policy}.svg")));
        for expected in [
            format!("{policy}: load vs in-service capacity"),
            "requests per second".into(),
            "time (Asia/Shanghai, UTC+08:00)".into(),
            "load (req/s)".into(),
            "in-service capacity (req/s)".into(),
            "instances booting".into(),
            "SLA violation".into(),
            "scale-out activity".into(),
        ] {
            assert!(
                texts.contains(&expected),
                "timeline-{policy}.svg lacks {expected:?}: {texts:?}"
            );
        }
        // Real date-times, with the year, on the x axis.
        assert!(
            texts.iter().any(|text| text.starts_with("2026-03-04 ")),
            "{texts:?}"
        );
        assert_png(&charts.join(format!("timeline-{policy}.png")), (1200, 520));
    }
    let overlay = svg_texts(&charts.join("overlay.svg"));
    for policy in ["fixed", "scheduled", "alarm", "scheduled+alarm"] {
        assert!(
            overlay.contains(&format!("{policy} capacity")),
            "{overlay:?}"
        );
    }
    let bars = svg_texts(&charts.join("cost-sla.svg"));
    for expected in [
        "cost",
        "SLA violation",
        "cost (USD)",
        "minutes",
        "fixed",
        "scheduled+alarm",
        // Each bar carries its value: the scheduled policy's cost.
        "7.64",
    ] {
        assert!(
            bars.iter().any(|text| text == expected),
            "cost-sla.svg lacks {expected}: {bars:?}"
        );
    }
    assert_png(&charts.join("overlay.png"), (1200, 520));
    assert_png(&charts.join("cost-sla.png"), (1100, 460));
}

#[test]
fn plot_redraws_the_same_charts_from_a_saved_directory() {
    let directory = tempfile::tempdir().unwrap();
    compare_into("scenarios/lunch-peak.toml", directory.path(), "2");
    let charts = directory.path().join("charts");
    let before = fs::read(charts.join("overlay.svg")).unwrap();
    fs::remove_dir_all(&charts).unwrap();
    cargo_bin_cmd!("scaleplan")
        .arg("plot")
        .arg(directory.path())
        .assert()
        .success();
    assert_eq!(fs::read(charts.join("overlay.svg")).unwrap(), before);
    assert!(charts.join("timeline-alarm.png").exists());
}

#[test]
fn plot_draws_a_single_run_directory() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("cc");
    cargo_bin_cmd!("scaleplan")
        .args(["run", "scenarios/cc-attack.toml", "--out"])
        .arg(&out)
        .assert()
        .success();
    cargo_bin_cmd!("scaleplan")
        .arg("plot")
        .arg(&out)
        .assert()
        .success();
    let texts = svg_texts(&out.join("charts/timeline-cc.svg"));
    assert!(texts.contains(&"scale-in activity".to_string()));
}

#[test]
fn compare_output_is_identical_for_any_thread_count() {
    let directory = tempfile::tempdir().unwrap();
    compare_into(
        "scenarios/wechat-lite-app.toml",
        &directory.path().join("one"),
        "1",
    );
    compare_into(
        "scenarios/wechat-lite-app.toml",
        &directory.path().join("two"),
        "2",
    );
    for file in [
        "compare.csv",
        "charts/overlay.svg",
        "policies/alarm/activities.csv",
        "policies/alarm/timeline.csv",
    ] {
        assert!(
            fs::read(directory.path().join("one").join(file)).unwrap()
                == fs::read(directory.path().join("two").join(file)).unwrap(),
            "{file} differs"
        );
    }
}

#[test]
fn unknown_policy_is_an_input_error_with_a_suggestion() {
    cargo_bin_cmd!("scaleplan")
        .args(["run", "scenarios/lunch-peak.toml", "--policy", "alarms"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no policy named `alarms`"))
        .stderr(predicates::str::contains("did you mean `alarm`?"));
}

// A year of minutes is drawn as at most 1,200 envelope buckets: the SVG stays small and keeps
// the peak.
#[test]
fn long_runs_are_downsampled_for_drawing_only() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+00:00").unwrap();
    let minutes = 525_600;
    let mut load: Vec<f64> = (0..minutes)
        .map(|minute| 100.0 + (minute % 1440) as f64 / 10.0)
        .collect();
    load[300_000] = 9_000.0; // one spike must survive downsampling
    let periods = Periods {
        times: (0..minutes)
            .map(|minute| start + chrono::TimeDelta::minutes(minute as i64))
            .collect(),
        capacity: vec![400.0; minutes],
        pending: vec![0; minutes],
        violation: (0..minutes)
            .map(|minute| if minute % 100_000 < 10 { 60.0 } else { 0.0 })
            .collect(),
        load,
    };
    let series = TimelineSeries::new("year", periods, vec![], None);
    let svg = render_svg(Chart::Timeline(&series)).unwrap();
    assert!(svg.len() < 400_000, "SVG is {} bytes", svg.len());
    // The y axis reaches past the spike: its top label is above 9,000.
    let top = common::svg_texts(&svg)
        .iter()
        .filter_map(|text| text.parse::<f64>().ok())
        .fold(0.0, f64::max);
    assert!(top >= 9_000.0, "top label {top}");
    let png = render_png(Chart::Timeline(&series)).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

// The perfect-knowledge fleet (demand exactly in service, no boot, per-second billing) is a
// lower bound on the cost of every policy that keeps the SLA: such a policy has at least the
// demand in service at every instant.
#[test]
fn the_oracle_fleet_is_never_dearer_than_a_policy_that_keeps_the_sla() {
    let directory = tempfile::tempdir().unwrap();
    for scenario in ["lunch-peak", "cc-attack", "viral-launch", "wechat-lite-app"] {
        compare_into(
            &format!("scenarios/{scenario}.toml"),
            &directory.path().join(scenario),
            "2",
        );
        let mut checked = 0;
        for row in csv_rows(&directory.path().join(scenario).join("compare.csv")) {
            let (cost, violation, oracle): (f64, u64, f64) = (
                row[1].parse().unwrap(),
                row[7].parse().unwrap(),
                row[10].parse().unwrap(),
            );
            assert!(oracle > 0.0, "{scenario}/{}: no oracle cost", row[0]);
            if violation == 0 {
                assert!(
                    oracle <= cost + 1e-9,
                    "{scenario}/{}: oracle {oracle} above cost {cost}",
                    row[0]
                );
                checked += 1;
            }
        }
        assert!(
            checked > 0 || scenario == "cc-attack",
            "{scenario}: no policy kept the SLA"
        );
    }
}

// Violation shading is proportional: a drawn point is shaded by the share of its time in
// violation (a per-second run with a few violated seconds per point is not a solid band).
#[test]
fn violation_shading_follows_the_share_of_time_in_violation() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+00:00").unwrap();
    // 2,400 one-minute periods: two per drawn point.
    let minutes = 2_400;
    let mut violation = vec![0.0; minutes];
    violation[100] = 60.0; // point 50: half its time
    violation[1000] = 6.0; // point 500: 6 s of 120 s, a twentieth
    violation[2000] = 60.0;
    violation[2001] = 60.0; // point 1000: all of it
    let periods = Periods {
        times: (0..minutes)
            .map(|minute| start + chrono::TimeDelta::minutes(minute as i64))
            .collect(),
        load: vec![100.0; minutes],
        capacity: vec![200.0; minutes],
        pending: vec![0; minutes],
        violation,
    };
    let series = TimelineSeries::new("shares", periods, vec![], None);
    let svg = render_svg(Chart::Timeline(&series)).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    let mut opacities: Vec<f64> = document
        .descendants()
        .filter(|node| node.has_tag_name("rect") && node.attribute("fill") == Some("#D50000"))
        .filter_map(|node| node.attribute("opacity")?.parse().ok())
        .collect();
    opacities.sort_by(f64::total_cmp);
    // The three points in proportion to their share (0.3 when whole), and the legend swatch.
    let expected = [0.015, 0.15, 0.3, 0.3];
    assert_eq!(opacities.len(), expected.len(), "{opacities:?}");
    for (drawn, share) in opacities.iter().zip(expected) {
        assert!((drawn - share).abs() < 1e-6, "{opacities:?}");
    }
}

// The legend sits clear of the activity markers on every committed timeline (the committed
// charts are checked to be what `compare` draws today by docs::committed_reports_...).
#[test]
fn timeline_legends_do_not_cover_activity_markers() {
    let mut checked = 0;
    for path in committed_charts(&["timeline-"]) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let svg = std::fs::read_to_string(&path).unwrap();
        let document = roxmltree::Document::parse(&svg).unwrap();
        let number = |node: roxmltree::Node, key: &str| -> f64 {
            node.attribute(key).unwrap().parse().unwrap()
        };
        let legend = document
            .descendants()
            .find(|node| node.has_tag_name("rect") && node.attribute("stroke") == Some("#B4B4B4"))
            .expect("a legend box");
        let (left, top) = (number(legend, "x"), number(legend, "y"));
        let (right, bottom) = (
            left + number(legend, "width"),
            top + number(legend, "height"),
        );
        // Markers drawn before the legend are the data's (the legend's swatches follow it).
        let mut markers = 0;
        for node in document.descendants().take_while(|node| *node != legend) {
            let points: Vec<(f64, f64)> = match node.tag_name().name() {
                "polygon" if node.attribute("fill") == Some("#009E73") => node
                    .attribute("points")
                    .unwrap()
                    .split_whitespace()
                    .map(|pair| {
                        let (x, y) = pair.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect(),
                "line" if node.attribute("stroke") == Some("#D55E00") => vec![
                    (number(node, "x1"), number(node, "y1")),
                    (number(node, "x2"), number(node, "y2")),
                ],
                _ => continue,
            };
            markers += 1;
            let inside = points
                .iter()
                .any(|(x, y)| (left..=right).contains(x) && (top..=bottom).contains(y));
            assert!(
                !inside,
                "{}: a marker at {points:?} is under the legend",
                path.display()
            );
        }
        assert!(
            markers > 0 || name.contains("fixed"),
            "{}: no markers found",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} timelines checked");
}

// Overlay series differ in colour (Okabe-Ito, no orange beside vermillion) and every other one
// is dashed, so policies that coincide stay visible.
#[test]
fn overlay_series_differ_in_colour_and_dash() {
    let svg = std::fs::read_to_string("reports/wechat-lite-app/charts/overlay.svg").unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    // Per stroke colour, the polylines drawn for it (a dashed series is many short ones).
    let mut lines: std::collections::BTreeMap<String, usize> = Default::default();
    for node in document
        .descendants()
        .filter(|node| node.has_tag_name("polyline"))
    {
        *lines
            .entry(node.attribute("stroke").unwrap().to_string())
            .or_default() += 1;
    }
    // The load and five policies, each its own colour.
    for color in [
        "#5A5A5A", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9",
    ] {
        assert!(lines.contains_key(color), "{color} missing: {lines:?}");
    }
    assert!(
        !lines.contains_key("#E69F00"),
        "orange beside vermillion: {lines:?}"
    );
    // Solid series are a few polylines; dashed ones (the 2nd and 4th policies) hundreds.
    assert!(lines["#D55E00"] > 50 && lines["#CC79A7"] > 50, "{lines:?}");
    assert!(lines["#0072B2"] < 5 && lines["#009E73"] < 5, "{lines:?}");
}

// Exports as hyperfine's: --json on stdout, --export-json / --export-csv / --export-markdown
// to files, each the same comparison as the --out set's files.
#[test]
fn compare_exports_json_csv_and_markdown() {
    let directory = tempfile::tempdir().unwrap();
    let at = |name: &str| directory.path().join(name);
    let output = common::scaleplan()
        .args(["compare", "scenarios/lunch-peak.toml", "--json", "--out"])
        .arg(at("set"))
        .arg("--export-json")
        .arg(at("c.json"))
        .arg("--export-csv")
        .arg(at("c.csv"))
        .arg("--export-markdown")
        .arg(at("c.md"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let json = common::json_stdout(&output);
    assert_eq!(json["scenario"], "lunch-peak");
    assert_eq!(json["currency"], "USD");
    assert_eq!(json["baseline"], "fixed");
    let policies = json["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 6);
    assert_eq!(policies[1]["policy"], "scheduled");
    assert!((policies[1]["total"]["cost"].as_f64().unwrap() - 7.644).abs() < 1e-9);
    assert!((policies[1]["saving"].as_f64().unwrap() - 6.468).abs() < 1e-9);
    assert_eq!(std::fs::read(at("c.json")).unwrap(), output.stdout);
    assert_eq!(
        std::fs::read(at("c.csv")).unwrap(),
        std::fs::read(at("set/compare.csv")).unwrap()
    );
    assert_eq!(
        std::fs::read(at("c.md")).unwrap(),
        std::fs::read(at("set/compare.md")).unwrap()
    );
}

// Time-axis tick labels never run into each other on a committed chart: each label's width,
// estimated from its font size (DejaVu Sans digits are 0.64 em), fits before the next.
#[test]
fn time_tick_labels_do_not_overlap() {
    let mut checked = 0;
    for path in committed_charts(&["timeline-", "overlay", "peak"]) {
        let svg = std::fs::read_to_string(&path).unwrap();
        let document = roxmltree::Document::parse(&svg).unwrap();
        let mut ticks: Vec<(f64, f64, String)> = document
            .descendants()
            .filter(|node| node.has_tag_name("text"))
            .filter_map(|node| {
                let label = node.text()?.trim().to_string();
                let dated =
                    label.len() >= 10 && label.as_bytes()[4] == b'-' && label.as_bytes()[7] == b'-';
                dated.then_some(())?;
                let x: f64 = node.attribute("x")?.parse().ok()?;
                let size: f64 = node.attribute("font-size")?.parse().ok()?;
                Some((x, size, label))
            })
            .collect();
        ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(ticks.len() >= 4, "{}: {ticks:?}", path.display());
        for pair in ticks.windows(2) {
            // Labels are centred on their ticks: half of each must fit in the gap.
            let width = |tick: &(f64, f64, String)| 0.64 * tick.1 * tick.2.len() as f64;
            let room = pair[1].0 - pair[0].0;
            assert!(
                room >= (width(&pair[0]) + width(&pair[1])) / 2.0 + 2.0,
                "{}: {:?} and {:?} overlap",
                path.display(),
                pair[0],
                pair[1]
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "{checked} charts checked");
}

/// The committed SVG charts under reports/ whose names start with one of `prefixes`.
fn committed_charts(prefixes: &[&str]) -> Vec<std::path::PathBuf> {
    let mut charts = Vec::new();
    for report in std::fs::read_dir("reports").unwrap() {
        let Ok(entries) = std::fs::read_dir(report.unwrap().path().join("charts")) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".svg") && prefixes.iter().any(|prefix| name.starts_with(prefix)) {
                charts.push(path);
            }
        }
    }
    charts.sort();
    charts
}

/// A group with an alarm pair, for the policy-removal tests below.
const PAIR: &str = r#"
[scenario]
name = "pair"
start = "2026-01-05T00:00:00+00:00"
duration = "1h"

[instance_types.small]
capacity_rps = 100
price_per_hour = 1.0

[load]
base_rps = 150

[[group]]
name = "web"
instance_type = "small"
min = 1
max = 5

[[group.rule]]
name = "add-one"
change = 1

[[group.rule]]
name = "remove-one"
change = -1

[[group.rule]]
name = "track"
type = "target_tracking"
target = 50

[[group.alarm]]
name = "cpu-high"
metric = "cpu"
above = 70
run = "add-one"

[[group.alarm]]
name = "cpu-low"
metric = "cpu"
below = 30
run = "remove-one"
"#;

fn policy_errors(policy: &str) -> String {
    scaleplan::scenario::load_str(
        "pair.toml",
        &format!("{PAIR}\n{policy}"),
        std::path::Path::new("."),
    )
    .map(|_| ())
    .expect_err("refused")
    .to_string()
}

// Issue 16: a policy drops rules and tasks by name; a policy table that changes nothing, or an
// empty rule list (which used to keep every base rule silently), is refused with a hint.
#[test]
fn policies_remove_rules_and_tasks_by_name() {
    let loaded = common::load(&format!(
        "{PAIR}\n[[policy]]\nname = \"alarms-only\"\n[[policy.group]]\nname = \"web\"\nremove_rules = [\"track\", \"remove-one\"]\nremove_tasks = [\"cpu-low\"]\n"
    ));
    let group = &loaded.policy("alarms-only").unwrap().groups[0];
    let rules: Vec<&str> = group.rules.iter().map(|rule| rule.name.as_str()).collect();
    assert_eq!(rules, ["add-one"]);
    assert!(group.target_tracking.is_empty());
    let alarms: Vec<&str> = group
        .alarms
        .iter()
        .map(|alarm| alarm.name.as_str())
        .collect();
    assert_eq!(alarms, ["cpu-high"]);
    // The file itself keeps everything.
    assert_eq!(loaded.scenario.groups[0].target_tracking.len(), 1);
    for (policy, expected) in [
        (
            "remove_rules = [\"remove-one\"]",
            "rule `remove-one` is still run by alarm `cpu-low`",
        ),
        ("remove_rules = [\"remove-on\"]", "unknown rule `remove-on`"),
        (
            "remove_tasks = [\"cpu-lo\"]",
            "unknown scheduled or alarm task `cpu-lo`",
        ),
        (
            "remove_rules = [\"add-one\"]\nremove_tasks = [\"cpu-high\"]\n[[policy.group.rule]]\nname = \"add-one\"\nchange = 2",
            "rule `add-one` is both removed and given",
        ),
        (
            "rule = []",
            "an empty `rule` list changes nothing: a policy's rules replace same-named rules or are added",
        ),
        ("", "this [[policy.group]] changes nothing in group `web`"),
    ] {
        let errors = policy_errors(&format!(
            "[[policy]]\nname = \"p\"\n[[policy.group]]\nname = \"web\"\n{policy}\n"
        ));
        assert!(errors.contains(expected), "{policy}:\n{errors}");
    }
    assert!(policy_errors("[[policy]]\nname = \"p\"\n[[policy.group]]\nname = \"web\"\nremove_rules = [\"remove-on\"]\n").contains("did you mean `remove-one`?"));
}

// The plan's pasted block of a point of a policy that removed rules removes them too: pasted
// into the file, it runs exactly that point.
#[test]
fn a_pasted_plan_of_a_policy_that_removed_rules_runs_the_same() {
    use scaleplan::engine::{RunOptions, simulate};
    let text = format!(
        "{PAIR}\n[[policy]]\nname = \"alarms-only\"\n[[policy.group]]\nname = \"web\"\nremove_rules = [\"track\"]\n[policy.sweep]\n[[policy.sweep.parameter]]\npath = \"group.web.alarm.cpu-high.threshold\"\nvalues = [60]\n"
    );
    let loaded = common::load(&text);
    let policy = &loaded.policies[0];
    let sweep = policy.sweep.as_ref().unwrap();
    let snippet = scaleplan::sweep::plan::snippet(&loaded.scenario, &policy.scenario, sweep, 0);
    assert!(
        snippet.contains("\nremove_rules = [\"track\"]\n"),
        "{snippet}"
    );
    let point = sweep.scenario_at(&policy.scenario, 0);
    let expected = simulate(&point, &loaded.load, RunOptions::SUMMARY);
    let pasted = common::load(&format!("{text}\n{snippet}"));
    let planned = pasted.policy("planned").unwrap();
    assert!(planned.groups[0].target_tracking.is_empty());
    let run = simulate(planned, &pasted.load, RunOptions::SUMMARY);
    assert_eq!(
        format!("{:?}", run.groups),
        format!("{:?}", expected.groups)
    );
}
