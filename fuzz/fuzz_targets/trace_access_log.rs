//! Any bytes as an access log counted into buckets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::load::trace::{self, DuplicatePolicy, GapPolicy, Source, TimeFormat, TraceFormat, ValueKind};
use scaleplan::time::Clock;

fuzz_target!(|data: &[u8]| {
    let clock = Clock { start: chrono::DateTime::parse_from_rfc3339("2000-10-10T00:00:00Z").unwrap() };
    let format = TraceFormat {
        source: Source::AccessLog { bucket: 60 },
        kind: ValueKind::Count,
        step: Some(60),
        time: TimeFormat::Auto,
        gaps: GapPolicy::Zero,
        duplicates: DuplicatePolicy::Sum,
        sort: true,
    };
    let _ = trace::parse("fuzz.log", data, &format, &clock);
});
