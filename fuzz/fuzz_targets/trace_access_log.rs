//! Any bytes as access logs: one file, or two counted together (rotated logs), with lines
//! skipped or refused, then the daily profile in the file's offsets and in a named zone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::load::stats::{ProfileClock, stats};
use scaleplan::load::trace::{self, DuplicatePolicy, GapPolicy, LogCounter, Source, TimeFormat, TraceFormat, ValueKind};
use scaleplan::time::Clock;

fuzz_target!(|data: &[u8]| {
    let clock = Clock::new(chrono::DateTime::parse_from_rfc3339("2000-10-10T00:00:00Z").unwrap());
    let selector = data.first().copied().unwrap_or(0);
    let rest = data.get(1..).unwrap_or(&[]);
    let skip_bad_lines = selector & 1 != 0;
    let format = TraceFormat {
        source: Source::AccessLog { bucket: 60, skip_bad_lines },
        kind: ValueKind::Count,
        step: Some(60),
        time: TimeFormat::Auto,
        gaps: GapPolicy::Zero,
        duplicates: DuplicatePolicy::Sum,
        sort: true,
    };
    let parsed = if selector & 2 == 0 {
        trace::parse("fuzz.log", rest, &format, &clock)
    } else {
        // Two files, split where the selector says.
        let at = (selector as usize >> 2).min(rest.len());
        let mut counter = LogCounter::new(60, skip_bad_lines);
        counter
            .read("a.log", &rest[..at])
            .and_then(|()| counter.read("b.log", &rest[at..]))
            .and_then(|()| trace::from_logs("a.log, b.log", counter, &format, &clock))
    };
    // The profile is linear in the buckets; a sparse log may span millions (bounded by
    // MAX_TRACE_ROWS), which would only slow the fuzzer down.
    if let Some(parsed) = parsed.ok().filter(|parsed| parsed.rates.len() <= 100_000) {
        let _ = stats(&parsed, clock.start.timestamp(), ProfileClock::File);
        let _ = stats(&parsed, clock.start.timestamp(), ProfileClock::Zone(chrono_tz::America::Los_Angeles));
    }
});
