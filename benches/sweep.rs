//! Sweep throughput: a 10,000-point grid over a one-week per-minute scenario, on one and on
//! two threads. Targets: at least 50 million simulated trace-steps per second per
//! core, and at least 1.8x faster on 2 threads than on 1. Results: reports/benchmarks.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scaleplan::scenario;
use scaleplan::sweep;
use std::path::Path;

fn sweep_week(criterion: &mut Criterion) {
    let loaded =
        scenario::load(Path::new("benches/sweep-week.toml")).expect("bench scenario is valid");
    let spec = loaded.sweep.as_ref().expect("bench scenario has a sweep");
    let points = spec.points();
    assert_eq!(points, 10_000);
    let steps = points * loaded.scenario.ticks() as u64;
    let mut group = criterion.benchmark_group("sweep");
    group.sample_size(10);
    group.throughput(Throughput::Elements(steps));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("week_10000_points_{threads}_threads"), |bencher| {
            bencher.iter(|| {
                pool.install(|| {
                    let mut rows = 0usize;
                    sweep::run(
                        &loaded.scenario,
                        spec,
                        0..points,
                        |chunk| -> Result<(), ()> {
                            rows += chunk.len();
                            Ok(())
                        },
                        |_| {},
                    )
                    .unwrap();
                    rows
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sweep_week);
criterion_main!(benches);
