//! Any bytes as a Prometheus query_range response or a CloudWatch get-metric-data output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::load::trace::{self, DuplicatePolicy, GapPolicy, Source, TimeFormat, TraceFormat, ValueKind};
use scaleplan::time::Clock;

fuzz_target!(|data: &[u8]| {
    let clock = Clock::new(chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap());
    for source in [Source::Prometheus, Source::CloudWatch { id: None }] {
        let format = TraceFormat {
            source,
            kind: ValueKind::Rate,
            step: None,
            time: TimeFormat::Auto,
            gaps: GapPolicy::Hold,
            duplicates: DuplicatePolicy::Last,
            sort: true,
        };
        let _ = trace::parse("fuzz.json", data, &format, &clock);
    }
});
