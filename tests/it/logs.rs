//! Access logs as they come off real servers (tests/fixtures/logs): odd lines, local offsets,
//! DST, truncation, rotation and gzip, through `trace from-log`, `trace stats` and scenarios.

use assert_cmd::cargo::cargo_bin_cmd;
use scaleplan::scenario;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const NGINX: &str = "tests/fixtures/logs/nginx-combined-shanghai.log";
const CLF: &str = "tests/fixtures/logs/apache-clf-truncated.log";
const DST: &str = "tests/fixtures/logs/los-angeles-dst.log";

/// `scaleplan ARGS...`: (exit code, stdout, stderr).
fn scaleplan(args: &[&str]) -> (i32, String, String) {
    let output = cargo_bin_cmd!("scaleplan").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

// IPv6 hosts, escaped quotes, TLS probes, an empty request and a Latin-1 byte are all requests
// with a timestamp: every line is counted, in the offset the server wrote.
#[test]
fn nginx_combined_lines_of_every_shape_are_counted() {
    let (code, stdout, stderr) = scaleplan(&["trace", "from-log", NGINX]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "timestamp,offset_seconds,requests\n\
         2026-03-02T11:58:00+08:00,0,2\n\
         2026-03-02T11:59:00+08:00,60,2\n\
         2026-03-02T12:00:00+08:00,120,2\n\
         2026-03-02T12:01:00+08:00,180,1\n"
    );
    assert_eq!(
        stderr,
        "note: 4 bucket(s) of 1m, 2026-03-02T11:58:00+08:00 to 2026-03-02T12:02:00+08:00 (times in UTC+08:00), counts per bucket\n"
    );
}

// A +08:00 log's lunch peak stays at noon: the daily profile reads the file's own offset
// (before, it showed at 03h-04h UTC), and --timezone reads it in any IANA zone.
#[test]
fn a_local_log_keeps_its_hours_in_the_profile() {
    let directory = tempfile::tempdir().unwrap();
    let trace = directory.path().join("t.csv");
    let (code, _, stderr) = scaleplan(&[
        "trace",
        "from-log",
        NGINX,
        "--bucket",
        "1h",
        "--out",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stats = |extra: &[&str]| {
        let mut args = vec!["trace", "stats", trace.to_str().unwrap(), "--json"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = scaleplan(&args);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
    };
    let own = stats(&[]);
    assert_eq!(own["profile_clock"], "UTC+08:00");
    let hour = |json: &serde_json::Value, hour: usize| json["daily_profile_rps"][hour].as_f64();
    assert_eq!(hour(&own, 11), Some(4.0 / 3600.0));
    assert_eq!(hour(&own, 12), Some(3.0 / 3600.0));
    assert_eq!(hour(&own, 3), Some(0.0));
    let utc = stats(&["--timezone", "UTC"]);
    assert_eq!(utc["profile_clock"], "UTC");
    assert_eq!(hour(&utc, 3), Some(4.0 / 3600.0));
    let (code, _, stderr) = scaleplan(&[
        "trace",
        "stats",
        trace.to_str().unwrap(),
        "--timezone",
        "Asia/Shangai",
    ]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "error: bad --timezone: `Asia/Shangai` is not an IANA zone; did you mean `Asia/Shanghai`?\n"
        )
    );
}

// A line cut mid-timestamp stops the reading at its line, with the flag that skips it; skipped,
// it is counted and named, and the rest of the log is read.
#[test]
fn a_truncated_line_is_refused_at_its_line_or_skipped_and_counted() {
    let (code, stdout, stderr) = scaleplan(&["trace", "from-log", CLF]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "error: no `[dd/Mon/yyyy:hh:mm:ss +zzzz]` timestamp on this line\n  --> {CLF}:4:14\n  = hint: access logs must be in Common Log Format or nginx's combined format; to skip such lines and count them, pass --skip-bad-lines\n"
        )
    );
    let (code, stdout, stderr) = scaleplan(&["trace", "from-log", CLF, "--skip-bad-lines"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "timestamp,offset_seconds,requests\n\
         2000-10-10T13:55:00-07:00,0,2\n\
         2000-10-10T13:56:00-07:00,60,0\n\
         2000-10-10T13:57:00-07:00,120,1\n"
    );
    assert_eq!(
        stderr,
        format!(
            "note: skipped 1 line(s) with no `[dd/Mon/yyyy:hh:mm:ss +zzzz]` timestamp: {CLF}:4\n\
             note: 3 bucket(s) of 1m, 2000-10-10T13:55:00-07:00 to 2000-10-10T13:58:00-07:00 (times in UTC-07:00), counts per bucket\n"
        )
    );
    // In a scenario the hint names the key, and the key skips.
    let directory = tempfile::tempdir().unwrap();
    fs::copy(CLF, directory.path().join("access.log")).unwrap();
    let text = |extra: &str| {
        crate::common::scenario_text(
            "name = \"t\"\nstart = \"2000-10-10T13:55:00-07:00\"\nduration = \"3m\"",
            "[instance_types.s]\ncapacity_rps = 10\nprice_per_hour = 1",
            &format!("[load.trace]\npath = \"access.log\"\nformat = \"access_log\"\n{extra}"),
            "name = \"g\"\ninstance_type = \"s\"\nmin = 1\nmax = 1",
        )
    };
    let error = scenario::load_str("t.toml", &text(""), directory.path())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "to skip such lines and count them, set `skip_bad_lines = true` in the trace settings"
        ),
        "{error}"
    );
    let loaded =
        scenario::load_str("t.toml", &text("skip_bad_lines = true"), directory.path()).unwrap();
    assert_eq!(
        loaded.load.scenario.values,
        vec![2.0 / 60.0, 0.0, 1.0 / 60.0]
    );
    assert!(
        loaded.trace_notes()[0].starts_with("skipped 1 line(s) with no"),
        "{:?}",
        loaded.trace_notes()
    );
    // The key belongs to access logs only.
    let error = scenario::load_str(
        "t.toml",
        &text("skip_bad_lines = true").replace("format = \"access_log\"", "format = \"csv\""),
        directory.path(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("`skip_bad_lines` does not apply to format `csv`"),
        "{error}"
    );
}

/// `NGINX` split as logrotate leaves it: the oldest lines compressed in access.log.2.gz, then
/// access.log.1, then the live access.log.
fn rotated(directory: &Path) -> Vec<PathBuf> {
    let log = fs::read(NGINX).unwrap();
    let lines: Vec<&[u8]> = log.split_inclusive(|byte| *byte == b'\n').collect();
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&lines[..3].concat()).unwrap();
    let parts = [
        ("access.log.2.gz", gzip.finish().unwrap()),
        ("access.log.1", lines[3..5].concat()),
        ("access.log", lines[5..].concat()),
    ];
    parts
        .into_iter()
        .map(|(name, bytes)| {
            let path = directory.join(name);
            fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

// Rotated logs, plain and gzip, in any order, give the trace of the whole log; so does a
// compressed log on standard input.
#[test]
fn rotated_and_compressed_logs_are_counted_together() {
    let (_, whole, _) = scaleplan(&["trace", "from-log", NGINX]);
    let directory = tempfile::tempdir().unwrap();
    let files = rotated(directory.path());
    let names: Vec<&str> = files.iter().map(|path| path.to_str().unwrap()).collect();
    let (code, stdout, stderr) = scaleplan(&["trace", "from-log", names[2], names[1], names[0]]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, whole);
    assert!(
        stderr.starts_with(&format!(
            "note: 3 logs counted together: {}, {}, {}\n",
            names[2], names[1], names[0]
        )),
        "{stderr}"
    );
    let output = cargo_bin_cmd!("scaleplan")
        .args(["trace", "from-log", "-"])
        .write_stdin(fs::read(&files[0]).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "timestamp,offset_seconds,requests\n2026-03-02T11:58:00+08:00,0,2\n2026-03-02T11:59:00+08:00,60,1\n"
    );
    // A scenario reads a compressed log by its content.
    let text = crate::common::scenario_text(
        "name = \"t\"\nstart = \"2026-03-02T11:58:00+08:00\"\nduration = \"1m\"",
        "[instance_types.s]\ncapacity_rps = 10\nprice_per_hour = 1",
        "[load.trace]\npath = \"access.log.2.gz\"\nformat = \"access_log\"",
        "name = \"g\"\ninstance_type = \"s\"\nmin = 1\nmax = 1",
    );
    let loaded = scenario::load_str("t.toml", &text, directory.path()).unwrap();
    assert_eq!(loaded.load.scenario.values, vec![2.0 / 60.0]);
}

// A log across a DST change keeps both offsets: each bucket is written as the server wrote it,
// the profile says which offsets it read, and --timezone follows the zone's rules.
#[test]
fn a_log_across_a_dst_change_keeps_both_offsets() {
    let (code, stdout, stderr) = scaleplan(&["trace", "from-log", DST]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "timestamp,offset_seconds,requests\n\
         2026-03-08T01:58:00-08:00,0,1\n\
         2026-03-08T01:59:00-08:00,60,2\n\
         2026-03-08T03:00:00-07:00,120,1\n"
    );
    assert_eq!(
        stderr,
        "note: 3 bucket(s) of 1m, 2026-03-08T01:58:00-08:00 to 2026-03-08T03:01:00-07:00 (times in UTC-08:00 and UTC-07:00), counts per bucket\n"
    );
    let directory = tempfile::tempdir().unwrap();
    let trace = directory.path().join("t.csv");
    fs::write(&trace, &stdout).unwrap();
    let (_, stats, _) = scaleplan(&["trace", "stats", trace.to_str().unwrap(), "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(json["profile_clock"], "UTC-08:00 and UTC-07:00");
    assert_eq!(json["daily_profile_rps"][1], 1.5 / 60.0);
    assert_eq!(json["daily_profile_rps"][3], 1.0 / 60.0);
    let (_, stats, _) = scaleplan(&[
        "trace",
        "stats",
        trace.to_str().unwrap(),
        "--json",
        "--timezone",
        "America/Los_Angeles",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(json["profile_clock"], "America/Los_Angeles");
    assert_eq!(json["daily_profile_rps"][3], 1.0 / 60.0);
}

// Logs that hold nothing usable say so.
#[test]
fn logs_without_requests_are_refused() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("noise.log");
    fs::write(&path, "garbage\n\nmore garbage\n").unwrap();
    let (code, _, stderr) = scaleplan(&[
        "trace",
        "from-log",
        path.to_str().unwrap(),
        "--skip-bad-lines",
    ]);
    assert_eq!(
        (code, stderr),
        (
            2,
            format!(
                "error: the access log has no requests: all 2 line(s) had no `[dd/Mon/yyyy:hh:mm:ss +zzzz]` timestamp\n  --> {}\n",
                path.display()
            )
        )
    );
    let (code, _, stderr) = scaleplan(&[
        "trace",
        "stats",
        "tests/fixtures/logs",
        "--format",
        "access-log",
    ]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "error: the trace path is a directory\n  --> tests/fixtures/logs\n  = hint: name a file, or `-` for standard input\n"
        )
    );
    let (code, _, stderr) = scaleplan(&["trace", "stats", CLF, "--skip-bad-lines"]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "error: --skip-bad-lines applies to access logs: add --format access-log\n"
        )
    );
}

// Every command that reads a scenario says what its trace reader skipped: compare, sweep and
// check as well as run and validate.
#[test]
fn every_command_reports_skipped_lines() {
    let directory = tempfile::tempdir().unwrap();
    fs::copy(CLF, directory.path().join("access.log")).unwrap();
    let scenario = directory.path().join("s.toml");
    fs::write(
        &scenario,
        crate::common::scenario_text(
            "name = \"t\"\nstart = \"2000-10-10T13:55:00-07:00\"\nduration = \"3m\"",
            "[instance_types.s]\ncapacity_rps = 10\nprice_per_hour = 1",
            "[load.trace]\npath = \"access.log\"\nformat = \"access_log\"\nskip_bad_lines = true",
            "name = \"g\"\ninstance_type = \"s\"\nmin = 1\nmax = 1",
        ) + "\n[sweep]\n[[sweep.parameter]]\npath = \"group.g.max\"\nvalues = [1, 2]\n",
    )
    .unwrap();
    let path = scenario.to_str().unwrap();
    let skipped = format!(
        "note: trace: skipped 1 line(s) with no `[dd/Mon/yyyy:hh:mm:ss +zzzz]` timestamp: {}:4\n",
        directory.path().join("access.log").display()
    );
    let out = directory.path().join("out");
    for args in [
        vec!["run", path],
        vec!["validate", path],
        vec!["compare", path],
        vec!["sweep", path, "--out", out.to_str().unwrap(), "--quiet"],
    ] {
        let (code, _, stderr) = scaleplan(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.starts_with(&skipped), "{args:?}: {stderr}");
    }
}

// A corrupt gzip file says it is one; a zone for a trace of offsets is refused (its hours
// have no calendar to convert).
#[test]
fn corrupt_gzip_and_zones_for_offsets_are_refused_with_the_reason() {
    let directory = tempfile::tempdir().unwrap();
    let gzip = directory.path().join("cut.log.gz");
    fs::write(&gzip, b"\x1f\x8b\x08\x00garbage").unwrap();
    let (code, _, stderr) = scaleplan(&["trace", "from-log", gzip.to_str().unwrap()]);
    assert_eq!(
        (code, stderr),
        (
            2,
            format!(
                "error: cannot read: the file is gzip but does not decompress (incomplete deflate stream): is it truncated?\n  --> {}:1:1\n",
                gzip.display()
            )
        )
    );
    let offsets = directory.path().join("offsets.csv");
    fs::write(&offsets, "offset_seconds,requests\n0,1\n60,2\n").unwrap();
    let path = offsets.to_str().unwrap();
    let (code, _, stderr) = scaleplan(&["trace", "stats", path, "--timezone", "UTC"]);
    assert_eq!(
        (code, stderr),
        (
            2,
            format!(
                "error: --timezone has nothing to convert: `{path}` holds offsets from its first row, not dates (its daily profile counts hours from the first row)\n"
            )
        )
    );
}
