//! Engine speed: a year of per-minute load with an alarm pair and a daily schedule.
//! Target: a year of per-minute load under 20 ms per run on one core. Results:
//! reports/benchmarks.md.

use criterion::{Criterion, criterion_group, criterion_main};
use scaleplan::engine::{self, RunOptions};
use scaleplan::scenario;
use std::hint::black_box;
use std::path::Path;

#[path = "minimal/replay.rs"]
mod minimal_replay;

/// One group, lunch window and diurnal load with noise, a scheduled pair and an alarm pair.
const YEAR: &str = include_str!("year-minutes.toml");

fn replay(criterion: &mut Criterion) {
    let loaded =
        scenario::load_str("bench.toml", YEAR, Path::new(".")).expect("bench scenario is valid");
    assert_eq!(loaded.load.scenario.values.len(), 525_600);
    let mut group = criterion.benchmark_group("replay");
    group.sample_size(50);
    group.bench_function("one_year_minutes_alarm_pair_daily_schedule", |bencher| {
        bencher.iter(|| {
            engine::simulate(
                black_box(&loaded.scenario),
                black_box(&loaded.load),
                RunOptions::HISTORY,
            )
        })
    });
    // What a sweep point runs: the summary only.
    group.bench_function("one_year_minutes_summary_only", |bencher| {
        bencher.iter(|| {
            engine::simulate(
                black_box(&loaded.scenario),
                black_box(&loaded.load),
                RunOptions::SUMMARY,
            )
        })
    });
    // Issue 19's yardstick: the same year hand-written (tests/it/minimal.rs: same results).
    let values = &loaded.load.scenario.values[..loaded.scenario.ticks()];
    group.bench_function("one_year_minutes_minimal_hand_written", |bencher| {
        bencher.iter(|| minimal_replay::replay(black_box(values)))
    });
    group.bench_function("one_year_minutes_with_timeline", |bencher| {
        bencher.iter(|| {
            engine::simulate(
                black_box(&loaded.scenario),
                black_box(&loaded.load),
                RunOptions::FULL,
            )
        })
    });
    // `run --out`'s timeline.csv without the disk: the year's rows formatted.
    let rows = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::FULL).timeline;
    group.bench_function("one_year_minutes_timeline_rows_formatted", |bencher| {
        use scaleplan::engine::TimelineSink;
        bencher.iter(|| {
            let mut writer =
                scaleplan::report::TimelineWriter::new(&loaded.scenario, std::io::sink());
            for row in black_box(&rows) {
                writer.row(row);
            }
            writer.finish().expect("a sink takes every byte")
        })
    });
    // `run --out`'s other files, rendered after the replay (on its critical path).
    let outcome = engine::simulate(&loaded.scenario, &loaded.load, RunOptions::FULL);
    group.bench_function("one_year_minutes_activities_csv", |bencher| {
        bencher.iter(|| scaleplan::report::activities_csv(&loaded.scenario, black_box(&outcome)))
    });
    group.bench_function("one_year_minutes_instances_csv", |bencher| {
        bencher.iter(|| scaleplan::report::instances_csv(&loaded.scenario, black_box(&outcome)))
    });
    // The same rows as `run --out` streams them, to a sink: the replay formatting each row,
    // the writing thread beside it.
    group.bench_function("one_year_minutes_timeline_streamed", |bencher| {
        use scaleplan::report::{TimelineWriter, WriteBehind};
        bencher.iter(|| {
            let out = WriteBehind::spawn(std::io::sink()).expect("a thread");
            let mut sink = TimelineWriter::new(&loaded.scenario, out);
            let outcome = engine::simulate_streaming(
                black_box(&loaded.scenario),
                black_box(&loaded.load),
                RunOptions::FULL,
                &mut sink,
            );
            let out = sink.finish().expect("a sink takes every byte");
            (outcome, out.finish().expect("a sink takes every byte"))
        })
    });
    // Skip-ahead on a real trace: NASA July 1995 per minute, two weeks at
    // 100x, the scenario's CPU alarm policy, summary only.
    let nasa = scenario::load(Path::new("scenarios/nasa-predictive.toml")).expect("scenario");
    let (_, alarm) = nasa
        .variants()
        .into_iter()
        .find(|(name, _)| *name == "alarm")
        .expect("the alarm policy");
    group.bench_function("nasa_july_trace_alarm_policy_summary_only", |bencher| {
        bencher
            .iter(|| engine::simulate(black_box(alarm), black_box(&nasa.load), RunOptions::SUMMARY))
    });
    group.finish();
    criterion.bench_function("load/generate_one_year_minutes", |bencher| {
        bencher.iter(|| loaded.scenario.load.generate(60, 525_600, black_box(1)))
    });
    // The same shapes without noise: what the day-cycle tables cost alone.
    let mut quiet = (*loaded.scenario.load).clone();
    quiet.noise = None;
    criterion.bench_function("load/generate_one_year_minutes_without_noise", |bencher| {
        bencher.iter(|| quiet.generate(60, 525_600, black_box(1)))
    });
}

/// Issue 8 target: a 5-million-row per-second trace loads in well under a second.
fn parse_trace(criterion: &mut Criterion) {
    use scaleplan::load::trace::{self, TraceFormat, ValueKind};
    let mut text = String::from("offset_seconds,requests\n");
    for second in 0..5_000_000u64 {
        text.push_str(&format!("{second},{}\n", (second * 7919) % 21));
    }
    let clock = scaleplan::time::Clock::new(
        chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
    );
    let format = TraceFormat::csv(Some("offset_seconds"), "requests", ValueKind::Count);
    let mut group = criterion.benchmark_group("trace");
    group.sample_size(10);
    group.bench_function("parse_csv_5m_rows_per_second", |bencher| {
        bencher.iter(|| {
            trace::parse_csv("bench.csv", black_box(&text), &format, &clock)
                .unwrap()
                .rates
                .len()
        })
    });
    group.finish();
}

/// Issue 13 target: 10 million nginx combined lines in under 5 s on one core, memory flat.
/// One million lines here (190 MB in memory); the 10 M-line file is timed as a whole command
/// in reports/benchmarks.md.
fn count_access_log(criterion: &mut Criterion) {
    use scaleplan::load::trace::LogCounter;
    let agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "curl/8.5.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
    ];
    let lines = 1_000_000u64;
    let mut log = Vec::with_capacity(200 * lines as usize);
    for line in 0..lines {
        let second = line * 86_400 / lines;
        log.extend_from_slice(
            format!(
                "10.{}.{}.{} - - [02/Mar/2026:{:02}:{:02}:{:02} +0800] \"GET /api/v1/menu?item={}&lang=zh HTTP/1.1\" 200 {} \"https://example.com/order\" \"{}\"\n",
                line % 256,
                (line >> 8) % 256,
                (line >> 16) % 256,
                second / 3600,
                second / 60 % 60,
                second % 60,
                line % 1000,
                line % 5000,
                agents[line as usize % 3]
            )
            .as_bytes(),
        );
    }
    let mut group = criterion.benchmark_group("trace");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(lines));
    group.bench_function("access_log_1m_lines", |bencher| {
        bencher.iter(|| {
            let mut counter = LogCounter::new(60, false);
            counter.read("bench.log", black_box(&log[..])).unwrap();
            counter
        })
    });
    group.finish();
}

/// The SimPy peer's year (benches/peers): the replay alone, on the load both read. Runs when
/// `python3 benches/peers/year_load.py benches/peers/year-load.csv` has written that load.
fn peer_year(criterion: &mut Criterion) {
    let path = Path::new("benches/peers/year-trace.toml");
    if !Path::new("benches/peers/year-load.csv").exists() {
        eprintln!("peer/year_trace_replay skipped: benches/peers/year-load.csv is not written");
        return;
    }
    let loaded = scenario::load(path).expect("the peer scenario is valid");
    criterion.bench_function("peer/year_trace_replay", |bencher| {
        bencher.iter(|| {
            engine::simulate(
                black_box(&loaded.scenario),
                black_box(&loaded.load),
                RunOptions::SUMMARY,
            )
        })
    });
}

criterion_group!(benches, replay, parse_trace, count_access_log, peer_year);
criterion_main!(benches);
