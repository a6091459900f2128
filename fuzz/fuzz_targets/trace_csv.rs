//! Any bytes as a CSV trace, in each time format and repair policy.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleplan::load::trace::{self, DuplicatePolicy, GapPolicy, TimeFormat, TraceFormat, ValueKind};
use scaleplan::time::Clock;

fuzz_target!(|data: &[u8]| {
    let clock = Clock::new(chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap());
    let selector = data.first().copied().unwrap_or(0);
    // The second byte: the value column named or detected, the kind given or read from its
    // name, and a step given or not.
    let second = data.get(1).copied().unwrap_or(0);
    let kind = [ValueKind::Count, ValueKind::Rate, ValueKind::FromColumnName][(selector as usize >> 1 & 1) + (second as usize & 1)];
    let mut format = TraceFormat::csv(if selector & 1 == 0 { Some("t") } else { None }, if second & 2 == 0 { "v" } else { "" }, kind);
    format.step = (second & 4 != 0).then_some(60);
    format.time = [TimeFormat::Auto, TimeFormat::Offset, TimeFormat::Epoch, TimeFormat::Rfc3339][(selector as usize >> 2) & 3];
    format.gaps = [GapPolicy::Error, GapPolicy::Zero, GapPolicy::Hold][(selector as usize >> 4) % 3];
    format.duplicates = if selector & 64 == 0 { DuplicatePolicy::Error } else { DuplicatePolicy::Sum };
    format.sort = selector & 128 != 0;
    if let Ok(parsed) = trace::parse("fuzz.csv", data.get(2..).unwrap_or(&[]), &format, &clock) {
        let _ = parsed.resample(60, parsed.rates.len().min(10_000));
        if parsed.rates.len() <= 100_000 {
            let _ = scaleplan::load::stats::stats(&parsed, clock.start.timestamp(), scaleplan::load::stats::ProfileClock::File);
        }
    }
});
