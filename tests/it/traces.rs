//! Trace inputs from the ecosystem: CSV (the real NASA log), access logs, Prometheus and
//! CloudWatch exports, and the `trace` commands.

use crate::common;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use scaleplan::scenario;
use std::fs;

const NASA: &str = "scenarios/traces/nasa-http-1995-07-per-minute.csv";

// The NASA July 1995 log has 1,891,713 requests (scenarios/traces/README.md): every one is read.
#[test]
fn nasa_july_total_is_exact() {
    let output = cargo_bin_cmd!("scaleplan")
        .args([
            "trace",
            "stats",
            NASA,
            "--time-column",
            "timestamp_local",
            "--json",
        ])
        .output()
        .unwrap();
    let json = common::json_stdout(&output);
    assert_eq!(json["total_requests"], 1_891_713.0);
    assert_eq!(json["buckets"], 39_693);
    assert_eq!(json["peak_rps"], 6.75); // 405 requests in one minute
    // Through a scenario: the first 14 days are replayed at 100x; requests are preserved.
    let loaded = scenario::load(std::path::Path::new("scenarios/nasa-predictive.toml")).unwrap();
    let fourteen_days: f64 = fs::read_to_string(NASA)
        .unwrap()
        .lines()
        .skip(1)
        .take(14 * 1440)
        .map(|line| line.rsplit(',').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(
        (loaded.load.scenario.total_requests() - 100.0 * fourteen_days).abs() < 1e-3,
        "{} vs {}",
        loaded.load.scenario.total_requests(),
        100.0 * fourteen_days
    );
}

/// A scenario replaying `trace` (a `[load.trace]` body) for `duration` from `start`.
fn scenario_text(start: &str, duration: &str, trace: &str) -> String {
    common::scenario_text(
        &format!("name = \"t\"\nstart = \"{start}\"\nduration = \"{duration}\""),
        "[instance_types.s]\ncapacity_rps = 10\nprice_per_hour = 1",
        &format!("[load.trace]\n{trace}"),
        "name = \"g\"\ninstance_type = \"s\"\nmin = 1\nmax = 1",
    )
}

fn load(text: &str, files: &[(&str, &str)]) -> Result<scenario::Loaded, String> {
    let directory = tempfile::tempdir().unwrap();
    for (name, content) in files {
        fs::write(directory.path().join(name), content).unwrap();
    }
    scenario::load_str("t.toml", text, directory.path()).map_err(|errors| errors.to_string())
}

// Common Log Format and nginx "combined" lines, counted per minute; empty minutes are zero.
#[test]
fn access_logs_are_counted_per_bucket() {
    let log = r#"192.168.1.20 - - [02/Mar/2026:11:00:05 +0800] "GET /menu HTTP/1.1" 200 512
192.168.1.21 - alice [02/Mar/2026:11:00:59 +0800] "POST /order HTTP/1.1" 201 88 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"
192.168.1.22 - - [02/Mar/2026:03:02:30 +0000] "GET /menu HTTP/1.1" 200 512 "-" "curl/8.5.0"
"#;
    let text = scenario_text(
        "2026-03-02T11:00:00+08:00",
        "3m",
        "path = \"access.log\"\nformat = \"access_log\"\nbucket = \"60s\"",
    );
    let loaded = load(&text, &[("access.log", log)]).unwrap();
    // Minute 0: two requests; minute 1: none; minute 2 (03:02 UTC = 11:02 +08:00): one.
    assert_eq!(
        loaded.load.scenario.values,
        vec![2.0 / 60.0, 0.0, 1.0 / 60.0]
    );
    let directory = tempfile::tempdir().unwrap();
    fs::write(directory.path().join("access.log"), log).unwrap();
    cargo_bin_cmd!("scaleplan")
        .args(["trace", "from-log", "--bucket", "60s"])
        .arg(directory.path().join("access.log"))
        .assert()
        .success()
        // Each bucket in the offset its lines were written in.
        .stdout("timestamp,offset_seconds,requests\n2026-03-02T11:00:00+08:00,0,2\n2026-03-02T11:01:00+08:00,60,0\n2026-03-02T03:02:00Z,120,1\n");
    let broken = format!("{log}not a log line\n");
    let error = load(&text, &[("access.log", &broken)]).unwrap_err();
    assert!(error.contains("access.log:4:1"), "{error}");
}

// A Prometheus /api/v1/query_range response, two series (one per instance) summed.
#[test]
fn prometheus_query_range_series_are_summed() {
    let json = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"instance":"a:9100"},"values":[[1772420400,"10"],[1772420460,"12.5"],[1772420520,"9"]]},
        {"metric":{"instance":"b:9100"},"values":[[1772420400,"5"],[1772420460,"7.5"],[1772420520,"1"]]}]}}"#;
    let text = scenario_text(
        "2026-03-02T03:00:00Z",
        "3m",
        "path = \"prom.json\"\nformat = \"prometheus\"",
    );
    let loaded = load(&text, &[("prom.json", json)]).unwrap();
    assert_eq!(loaded.load.scenario.values, vec![15.0, 20.0, 10.0]);
    let error = load(
        &text,
        &[(
            "prom.json",
            r#"{"status":"error","errorType":"bad_data","error":"parse error at char 4"}"#,
        )],
    )
    .unwrap_err();
    assert!(
        error.contains("the Prometheus query failed: parse error at char 4 (bad_data)"),
        "{error}"
    );
}

// `aws cloudwatch get-metric-data` output: newest first, Sum per 5 minutes (counts).
#[test]
fn cloudwatch_metric_data_is_read_in_time_order() {
    let json = r#"{"MetricDataResults":[{"Id":"requests","Label":"RequestCount","Timestamps":
        ["2026-03-02T03:10:00+00:00","2026-03-02T03:05:00+00:00","2026-03-02T03:00:00+00:00"],
        "Values":[600.0,3000.0,300.0],"StatusCode":"Complete"}],"Messages":[]}"#;
    let text = scenario_text(
        "2026-03-02T03:00:00Z",
        "15m",
        "path = \"cw.json\"\nformat = \"cloudwatch\"\nkind = \"count\"\nid = \"requests\"",
    );
    let loaded = load(&text, &[("cw.json", json)]).unwrap();
    let per_five_minutes: Vec<f64> = loaded
        .load
        .scenario
        .values
        .chunks(5)
        .map(|chunk| chunk[0])
        .collect();
    assert_eq!(per_five_minutes, vec![1.0, 10.0, 2.0]);
    let missing = text.replace("id = \"requests\"", "id = \"latency\"");
    assert!(
        load(&missing, &[("cw.json", json)])
            .unwrap_err()
            .contains("no result with Id `latency`")
    );
}

// Epoch seconds, gaps filled by a named policy, and the strict default.
#[test]
fn epoch_times_and_gap_policies() {
    let csv = "time,rps\n1772420400,10\n1772420460,20\n1772420580,40\n";
    let strict = scenario_text(
        "2026-03-02T03:00:00Z",
        "4m",
        "path = \"t.csv\"\ntime_column = \"time\"\nvalue_column = \"rps\"\nkind = \"rate\"",
    );
    let error = load(&strict, &[("t.csv", csv)]).unwrap_err();
    assert!(
        error.contains("t.csv:4:1") && error.contains("a gap"),
        "{error}"
    );
    let hold = strict.replace("kind = \"rate\"", "kind = \"rate\"\ngaps = \"hold\"");
    assert_eq!(
        load(&hold, &[("t.csv", csv)]).unwrap().load.scenario.values,
        vec![10.0, 20.0, 20.0, 40.0]
    );
    let zero = strict.replace(
        "kind = \"rate\"",
        "kind = \"rate\"\ngaps = \"zero\"\ntime_format = \"epoch\"",
    );
    assert_eq!(
        load(&zero, &[("t.csv", csv)]).unwrap().load.scenario.values,
        vec![10.0, 20.0, 0.0, 40.0]
    );
}

#[test]
fn trace_plot_draws_the_trace() {
    let directory = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("scaleplan")
        .args([
            "trace",
            "plot",
            NASA,
            "--time-column",
            "timestamp_local",
            "--out",
        ])
        .arg(directory.path())
        .assert()
        .success();
    let svg = fs::read_to_string(directory.path().join("trace.svg")).unwrap();
    let texts = common::svg_texts(&svg);
    assert!(
        texts.contains(&"nasa-http-1995-07-per-minute.csv: request rate".to_string()),
        "{texts:?}"
    );
    assert!(texts.contains(&"requests per second".to_string()));
    assert!(svg.len() < 400_000);
    // Drawn in the file's own offset (New York summer time), or in the zone named; the first
    // tick is the first day, local time (four weeks: dates alone).
    assert!(texts.contains(&"time (UTC-04:00)".to_string()), "{texts:?}");
    assert!(texts.iter().any(|text| text == "1995-07-01"), "{texts:?}");
    cargo_bin_cmd!("scaleplan")
        .args([
            "trace",
            "plot",
            NASA,
            "--timezone",
            "Asia/Shanghai",
            "--out",
        ])
        .arg(directory.path())
        .assert()
        .success();
    let svg = fs::read_to_string(directory.path().join("trace.svg")).unwrap();
    let texts = common::svg_texts(&svg);
    assert!(
        texts.contains(&"time (Asia/Shanghai, UTC+08:00)".to_string()),
        "{texts:?}"
    );
    cargo_bin_cmd!("scaleplan")
        .args(["trace", "stats", "no-such.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read trace"));
}

// Repairs are never silent: `validate` names them.
#[test]
fn trace_repairs_are_reported() {
    let directory = tempfile::tempdir().unwrap();
    fs::write(
        directory.path().join("t.csv"),
        "time,rps\n1772420400,10\n1772420460,20\n1772420580,40\n",
    )
    .unwrap();
    let text = scenario_text(
        "2026-03-02T03:00:00Z",
        "4m",
        "path = \"t.csv\"\ntime_column = \"time\"\nvalue_column = \"rps\"\nkind = \"rate\"\ngaps = \"zero\"",
    );
    fs::write(directory.path().join("s.toml"), text).unwrap();
    cargo_bin_cmd!("scaleplan")
        .arg("validate")
        .arg(directory.path().join("s.toml"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: trace: 1 missing bucket(s) filled (zero)",
        ));
}

// The hand-off without traps: what `trace from-log` writes is read with no flag or key beyond
// the path. Its time column is found by name (no silent 1 s step: rates were 60x too high),
// its `requests` column is read as counts, and a scenario replays the same requests.
#[test]
fn from_log_output_is_read_as_meant_with_no_flags() {
    let directory = tempfile::tempdir().unwrap();
    let mut log = String::new();
    for minute in 0..120 {
        // 30 requests a minute, 120 in the second hour.
        let count = if minute < 60 { 30 } else { 120 };
        for second in 0..count {
            log.push_str(&format!(
                "10.0.0.1 - - [02/Mar/2026:{:02}:{:02}:{:02} +0800] \"GET / HTTP/1.1\" 200 5\n",
                11 + minute / 60,
                minute % 60,
                second % 60
            ));
        }
    }
    let log_path = directory.path().join("access.log");
    fs::write(&log_path, log).unwrap();
    let trace = directory.path().join("t.csv");
    cargo_bin_cmd!("scaleplan")
        .args(["trace", "from-log"])
        .arg(&log_path)
        .args(["--bucket", "60s", "--out"])
        .arg(&trace)
        .assert()
        .success();
    let output = cargo_bin_cmd!("scaleplan")
        .args(["trace", "stats"])
        .arg(&trace)
        .arg("--json")
        .output()
        .unwrap();
    let stats = common::json_stdout(&output);
    assert_eq!(stats["step_seconds"], 60);
    assert_eq!(stats["buckets"], 120);
    assert_eq!(stats["total_requests"], 9_000.0);
    assert_eq!(stats["peak_rps"], 2.0);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "note: columns found: times from `timestamp`; values from `requests`; `requests` read as counts per bucket, as its name says\nnote: 120 bucket(s) of 1m, 2026-03-02T11:00:00+08:00 to 2026-03-02T13:00:00+08:00 (times in UTC+08:00), counts per bucket\n"
    );
    let text = scenario_text("2026-03-02T11:00:00+08:00", "2h", "path = \"t.csv\"");
    let loaded = scenario::load_str("t.toml", &text, directory.path()).unwrap();
    let offered: f64 = loaded
        .load
        .scenario
        .values
        .iter()
        .map(|rate| rate * 60.0)
        .sum();
    assert!((offered - 9_000.0).abs() < 1e-9, "{offered}");
}

// A value column whose name says neither counts nor rates is refused, not guessed.
#[test]
fn an_unnamed_kind_is_refused_not_guessed() {
    let text = scenario_text("2026-03-02T00:00:00Z", "2m", "path = \"v.csv\"");
    let error = load(
        &text,
        &[(
            "v.csv",
            "time,value\n2026-03-02T00:00:00Z,5\n2026-03-02T00:01:00Z,6\n",
        )],
    )
    .unwrap_err();
    assert!(
        error.contains(
            "error: cannot tell whether column `value` holds counts or rates (field `kind`)"
        ),
        "{error}"
    );
    assert!(
        error.contains(
            "kind = \"count\" or \"rate\" in a scenario, --kind count or --kind rate for `trace`"
        ),
        "{error}"
    );
}

/// A per-minute count trace of `counts`, from 2026-03-02T00:00:00Z.
fn minute_counts(counts: &[u32]) -> String {
    let mut csv = String::from("time,requests\n");
    for (minute, count) in counts.iter().enumerate() {
        csv.push_str(&format!("2026-03-02T00:{minute:02}:00Z,{count}\n"));
    }
    csv
}

// A run that starts inside a bucket, or samples finer or coarser than the trace, replays each
// period's overlapping share of every bucket: the run's requests equal the trace's over the
// same span, and a note says so.
#[test]
fn runs_not_aligned_with_the_buckets_are_resampled_exactly() {
    let trace = minute_counts(&[60, 120, 180, 240, 300]);
    let files = [("m.csv", trace.as_str())];
    let requests = |loaded: &scenario::Loaded| -> f64 {
        let period = loaded.scenario.metric_period as f64;
        loaded
            .load
            .scenario
            .values
            .iter()
            .map(|rate| rate * period)
            .sum()
    };
    // Start 30 s into the first bucket, 3 minutes: half of 60, 120, 180, half of 240.
    let text = scenario_text("2026-03-02T00:00:30Z", "3m", "path = \"m.csv\"");
    let loaded = load(&text, &files).unwrap();
    assert_eq!(loaded.load.scenario.values, vec![1.5, 2.5, 3.5]);
    assert!((requests(&loaded) - (30.0 + 120.0 + 180.0 + 120.0)).abs() < 1e-9);
    assert!(loaded.trace_notes().contains(&"the run starts 30s into a trace bucket of 1m: each metric period takes its overlapping share of every bucket, so the requests replayed equal the trace's over the same span".to_string()), "{:?}", loaded.trace_notes());
    // Periods of 30 s (finer) and of 2 m (coarser), from the trace's start.
    for (period, values) in [
        ("30s", vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]),
        ("2m", vec![1.5, 3.5]),
    ] {
        let text = scenario_text("2026-03-02T00:00:00Z", "4m", "path = \"m.csv\"").replacen(
            "duration = \"4m\"",
            &format!("duration = \"4m\"\nmetric_period = \"{period}\""),
            1,
        );
        let loaded = load(&text, &files).unwrap();
        assert_eq!(loaded.load.scenario.values, values, "period {period}");
        assert!((requests(&loaded) - 600.0).abs() < 1e-9);
    }
}

// A trace that does not cover the run says so in absolute times, with signed offsets.
#[test]
fn a_trace_that_does_not_cover_the_run_names_both_spans() {
    let trace = minute_counts(&[60, 120, 180]);
    let files = [("m.csv", trace.as_str())];
    let early = scenario_text("2026-03-01T23:59:00Z", "2m", "path = \"m.csv\"");
    let error = load(&early, &files).unwrap_err();
    assert!(error.contains("error: the trace covers 2026-03-02T00:00:00Z to 2026-03-02T00:03:00Z (+1m to +4m from the run's start), but the run needs 2026-03-01T23:59:00Z to 2026-03-02T00:01:00Z (field `load.trace.path`)"), "{error}");
    let late = scenario_text("2026-03-02T01:00:30Z", "1m", "path = \"m.csv\"");
    let error = load(&late, &files).unwrap_err();
    assert!(
        error.contains("(-1h30s to -57m30s from the run's start), but the run needs 2026-03-02T01:00:30Z to 2026-03-02T01:01:30Z"),
        "{error}"
    );
}

// `trace stats` speaks in flags and in the file's own times: a gap in an RFC 3339 file is
// named by date-time, and the hint names --fill-gaps, not the scenario key.
#[test]
fn trace_command_messages_use_flags_and_the_files_times() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("gap.csv");
    fs::write(
        &path,
        "time,requests\n2026-03-02T00:00:00Z,5\n2026-03-02T00:02:00Z,6\n2026-03-02T00:03:00Z,6\n",
    )
    .unwrap();
    let output = cargo_bin_cmd!("scaleplan")
        .args(["trace", "stats"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: a gap: expected time 2026-03-02T00:01:00Z, found 2026-03-02T00:02:00Z (step 60 s)\n  --> {}:3:1\n  = hint: fill it with explicit rows, or pass --fill-gaps\n",
            path.display()
        )
    );
}

// A fractional count is refused (the column must hold rates), and a trace of offsets says in
// the run's notes where it was laid.
#[test]
fn fractional_counts_are_refused_and_offsets_are_laid_at_the_start() {
    let text = scenario_text("2026-03-02T00:00:00Z", "2m", "path = \"c.csv\"");
    let error = load(
        &text,
        &[(
            "c.csv",
            "time,requests\n2026-03-02T00:00:00Z,12.5\n2026-03-02T00:01:00Z,6\n",
        )],
    )
    .unwrap_err();
    assert!(
        error.contains("error: `12.5` is not a whole number of requests (field `requests`)"),
        "{error}"
    );
    assert!(
        error.contains("say kind = \"rate\" in a scenario"),
        "{error}"
    );
    let loaded = load(
        &text,
        &[("c.csv", "offset_seconds,requests\n0,60\n60,120\n")],
    )
    .unwrap();
    assert!(
        loaded.trace_notes().contains(
            &"the trace's times are offsets, so it is laid at the run's start, 2026-03-02T00:00:00Z"
                .to_string()
        ),
        "{:?}",
        loaded.trace_notes()
    );
}

// Unnamed columns are found by content where names say nothing: a first column of date-times
// is the time, and the one column beside it the values. With no time column at all, the
// bucket length is not guessed.
#[test]
fn columns_are_found_by_content_and_a_missing_step_is_not_guessed() {
    let text = scenario_text(
        "2026-03-02T00:00:00Z",
        "2m",
        "path = \"w.csv\"\nkind = \"count\"",
    );
    let loaded = load(
        &text,
        &[(
            "w.csv",
            "when,hits\n2026-03-02T00:00:00Z,60\n2026-03-02T00:01:00Z,120\n",
        )],
    )
    .unwrap();
    assert_eq!(loaded.load.scenario.values, vec![1.0, 2.0]);
    assert_eq!(
        loaded.trace_notes(),
        [
            "columns found: times from `when` (its first cell is a date-time); values from `hits` (the only other column)",
            "2 bucket(s) of 1m, 2026-03-02T00:00:00Z to 2026-03-02T00:02:00Z (times in UTC+00:00), counts per bucket"
        ]
    );
    let bare = scenario_text("2026-03-02T00:00:00Z", "2m", "path = \"b.csv\"");
    let error = load(&bare, &[("b.csv", "requests\n60\n120\n")]).unwrap_err();
    assert!(
        error.contains(
            "error: no time column, so the bucket length is unknown (field `time_column`)"
        ),
        "{error}"
    );
    assert!(
        error.contains("= hint: name the time column (`time_column` in a scenario, `--time-column` for `trace`), or set `step` in the trace settings (e.g. step = \"60s\") if rows are consecutive buckets; columns are: requests"),
        "{error}"
    );
    let stepped = scenario_text(
        "2026-03-02T00:00:00Z",
        "2m",
        "path = \"b.csv\"\nstep = \"60s\"",
    );
    let loaded = load(&stepped, &[("b.csv", "requests\n60\n120\n")]).unwrap();
    assert_eq!(loaded.load.scenario.values, vec![1.0, 2.0]);
}

// Epoch seconds are shown as written, with the UTC date-time beside them.
#[test]
fn epoch_times_in_messages_are_shown_as_written() {
    let text = scenario_text("2026-03-02T00:00:00Z", "3m", "path = \"e.csv\"");
    let error = load(
        &text,
        &[(
            "e.csv",
            "ts,requests\n1772409600,1\n1772409720,1\n1772409780,1\n",
        )],
    )
    .unwrap_err();
    assert!(
        error.contains("error: a gap: expected time 1772409660 (2026-03-02T00:01:00Z), found 1772409720 (2026-03-02T00:02:00Z) (step 60 s)"),
        "{error}"
    );
}
