//! Hostile inputs and faults, run as a careless script would: under a 1 GiB address-space
//! limit and a time limit every one must fail with exit 2 (never an abort, a kill or a hang);
//! a write that fails or is interrupted leaves the previous complete output set, and no
//! temporary files.

use crate::common::scaleplan;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The scaleplan binary with its address space limited to 1 GiB and file writes to
/// `max_file_bytes`, with SIGXFSZ ignored so an oversized write fails instead of killing.
fn limited(max_file_bytes: u64) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin!("scaleplan"));
    // SAFETY: only async-signal-safe calls (setrlimit, signal) between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let memory = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            let files = libc::rlimit {
                rlim_cur: max_file_bytes,
                rlim_max: max_file_bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &memory) != 0
                || libc::setrlimit(libc::RLIMIT_FSIZE, &files) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    command
}

/// Runs `command`, killing it after `limit`; its exit code and stderr, or a failure message.
fn finish_within(mut command: Command, limit: Duration) -> Result<(Option<i32>, String), String> {
    let mut child = command.spawn().map_err(|error| error.to_string())?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|error| error.to_string())? {
            let mut stderr = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return Ok((status.code(), stderr));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            return Err(format!("still running after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

const SCENARIO: &str = r#"[scenario]
name = "hostile"
start = "2026-03-02T00:00:00+08:00"
duration = "1d"

[instance_types.small]
capacity_rps = 100
price_per_hour = 0.1

[load]
base_rps = 80

[[group]]
name = "web"
instance_type = "small"
min = 1
max = 5

[[group.rule]]
name = "add-one"
change = 1
"#;

#[test]
fn hostile_inputs_fail_with_exit_2_within_memory_and_time_limits() {
    let directory = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = directory.path().join(name);
        fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let base = write("base.toml", SCENARIO);
    let variant = |name: &str, from: &str, to: &str| {
        assert!(SCENARIO.contains(from), "{from}");
        write(name, &SCENARIO.replacen(from, to, 1))
    };
    let crons: String = (0..40)
        .map(|index| {
            format!("\n[[group.scheduled]]\nname = \"m{index}\"\ncron = \"* * * * *\"\nrun = \"add-one\"\n")
        })
        .collect();
    let long_with_crons = write(
        "crons.toml",
        &(SCENARIO.replace("duration = \"1d\"", "duration = \"99999w\"") + &crons),
    );
    let huge_group = variant(
        "group.toml",
        "max = 5",
        "max = 100000000\ndesired = 100000000",
    );
    let zero_trace = variant(
        "zero.toml",
        "[load]\nbase_rps = 80",
        "[load.trace]\npath = \"/dev/zero\"\ntime_column = \"t\"\nvalue_column = \"v\"\nkind = \"rate\"",
    );
    let no_newline = write("one-line.csv", &"1".repeat(3 << 20));
    let one_line_trace = variant(
        "one-line.toml",
        "[load]\nbase_rps = 80",
        &format!(
            "[load.trace]\npath = \"{no_newline}\"\ntime_column = \"t\"\nvalue_column = \"v\"\nkind = \"rate\""
        ),
    );
    let billion = write(
        "billion.toml",
        &(SCENARIO.to_string()
            + "\n[sweep]\nmax_points = 1000000000\n\n[[sweep.parameter]]\npath = \"group.web.rule.add-one.change\"\nfrom = 1\nto = 1000000000\nstep = 1\n"),
    );
    let huge_price = variant(
        "price.toml",
        "price_per_hour = 0.1",
        "price_per_hour = 1e308",
    );
    // Thirty requests 1.2 years apart: each gap is short of any per-gap bound, together they
    // are a billion one-second buckets.
    let sparse_log = write(
        "sparse.log",
        &(0..30)
            .map(|year| {
                format!(
                    "10.0.0.1 - - [02/Mar/{}:11:00:05 +0800] \"GET / HTTP/1.1\" 200 5\n",
                    1990 + year
                )
            })
            .collect::<String>(),
    );
    let out = directory.path().join("out").display().to_string();
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "replications",
            vec![
                "run".into(),
                base.clone(),
                "--replications".into(),
                "4000000000".into(),
            ],
        ),
        ("huge group", vec!["run".into(), huge_group]),
        (
            "cron firings of a refused duration",
            vec!["validate".into(), long_with_crons],
        ),
        ("/dev/zero as a trace", vec!["run".into(), zero_trace]),
        (
            "a trace without a newline",
            vec!["run".into(), one_line_trace],
        ),
        (
            "a billion-point grid",
            vec!["sweep".into(), billion, "--out".into(), out.clone()],
        ),
        ("a price of 1e308", vec!["run".into(), huge_price]),
        (
            "/dev/zero as a scenario",
            vec!["run".into(), "/dev/zero".into()],
        ),
        (
            "/dev/zero as AWS JSON",
            vec![
                "import".into(),
                "aws".into(),
                "--groups".into(),
                "/dev/zero".into(),
            ],
        ),
        (
            "a zero bucket",
            vec![
                "trace".into(),
                "from-log".into(),
                "/dev/null".into(),
                "--bucket".into(),
                "0s".into(),
            ],
        ),
        (
            "a log spanning decades in 1 s buckets",
            vec![
                "trace".into(),
                "from-log".into(),
                sparse_log,
                "--bucket".into(),
                "1s".into(),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (what, args) in &cases {
        let mut command = limited(1 << 30);
        command.args(args);
        match finish_within(command, Duration::from_secs(20)) {
            Ok((Some(2), stderr)) if stderr.starts_with("error: ") => {}
            Ok((code, stderr)) => failures.push(format!("{what}: exit {code:?}\n{stderr}")),
            Err(why) => failures.push(format!("{what}: {why}")),
        }
    }
    assert!(!Path::new(&out).join("sweep.csv").exists());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every `.tmp-` or `.old-` file or directory left anywhere under `directory`.
fn litter(directory: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![directory.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in fs::read_dir(&path).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.contains(".tmp-") {
                found.push(entry.path().display().to_string());
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    found
}

#[test]
fn a_failed_write_leaves_the_previous_complete_output_set() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("lunch");
    scaleplan()
        .args(["run", "scenarios/lunch-peak.toml", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before: Vec<(String, Vec<u8>)> = [
        "summary.json",
        "timeline.csv",
        "activities.csv",
        "instances.csv",
    ]
    .iter()
    .map(|name| (name.to_string(), fs::read(out.join(name)).unwrap()))
    .collect();
    // The same directory again, for another policy, with files limited to 64 KiB: the
    // timeline cannot be written, so nothing of the new set may appear.
    let mut command = limited(64 << 10);
    command
        .args(["run", "scenarios/lunch-peak.toml", "--out"])
        .arg(&out)
        .args(["--json"]);
    let (code, stderr) = finish_within(command, Duration::from_secs(60)).unwrap();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    for (name, bytes) in &before {
        assert_eq!(&fs::read(out.join(name)).unwrap(), bytes, "{name} changed");
    }
    assert_eq!(litter(directory.path()), Vec::<String>::new());
    // A new directory two levels deep: the failed set leaves neither level behind.
    let fresh = directory.path().join("new").join("lunch");
    let mut command = limited(64 << 10);
    command
        .args(["run", "scenarios/lunch-peak.toml", "--out"])
        .arg(&fresh);
    let (code, stderr) = finish_within(command, Duration::from_secs(60)).unwrap();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!directory.path().join("new").exists(), "{stderr}");
    assert_eq!(litter(directory.path()), Vec::<String>::new());
}

#[test]
fn an_interrupted_sweep_removes_its_temporaries_and_exits_130() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("sweep");
    for (signal, expected) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("scaleplan"))
            .args(["sweep", "benches/sweep-week.toml", "--quiet", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the sweep is writing its temporary CSV, then interrupt it.
        let started = Instant::now();
        while litter(directory.path()).is_empty() && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            !litter(directory.path()).is_empty(),
            "no temporary appeared"
        );
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(expected));
        assert_eq!(litter(directory.path()), Vec::<String>::new());
        assert!(!out.join("sweep.csv").exists());
        // The directory was new: the interrupted set removed it too.
        assert!(!out.exists(), "{} left behind", out.display());
    }
}
