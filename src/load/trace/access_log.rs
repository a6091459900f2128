//! Web server access logs, one request per line, counted into buckets.
//!
//! Logs are read as bytes (a URL or user agent may hold anything; only the timestamp must be
//! ASCII), a line at a time with its length bounded, gzip-compressed files are read as text,
//! and several files (rotated logs: `access.log`, `access.log.1`,
//! `access.log.2.gz`) are counted into one set of buckets, so their order does not matter and
//! memory follows the number of buckets, not the size of the logs. A line with no timestamp
//! stops the reading at its line, or is skipped and counted when the user says so: either way
//! it is never silently dropped. Each bucket keeps the UTC offset its first line was written
//! in, so the trace shows times as the server wrote them.

use super::*;
use crate::input::{MAX_LINE_BYTES, plain_or_gzip};
use chrono::FixedOffset;
use std::collections::BTreeMap;

/// How many skipped lines a note names.
const NAMED_BAD_LINES: usize = 5;

/// The shape a timestamp must have, for messages.
const TIMESTAMP_SHAPE: &str = "`[dd/Mon/yyyy:hh:mm:ss +zzzz]`";

/// One bucket: its requests, the line that opened it and the offset that line was written in.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    count: u64,
    line: u64,
    offset: i32,
}

/// Counts the requests of one or more access logs into buckets of `bucket` seconds.
#[derive(Debug)]
pub struct LogCounter {
    bucket: i64,
    skip_bad_lines: bool,
    buckets: BTreeMap<i64, Bucket>,
    /// Skipped lines: how many, and the first few as `file:line`.
    bad: u64,
    first_bad: Vec<String>,
    blank: u64,
    files: Vec<String>,
}

impl LogCounter {
    /// A counter with buckets of `bucket` seconds (at least 1); `skip_bad_lines` skips and
    /// counts lines with no timestamp instead of stopping at the first.
    pub fn new(bucket: Seconds, skip_bad_lines: bool) -> Self {
        LogCounter {
            bucket: bucket.clamp(1, MAX_TIME_SECONDS) as i64,
            skip_bad_lines,
            buckets: BTreeMap::new(),
            bad: 0,
            first_bad: Vec::new(),
            blank: 0,
            files: Vec::new(),
        }
    }

    /// Counts the lines of `input`, plain text or gzip; `file` names it in errors and notes.
    pub fn read(&mut self, file: &str, input: impl Read) -> Result<(), Diagnostic> {
        let cannot_read = |error: std::io::Error, line: u64| {
            let mut diagnostic = Diagnostic::file(file, format!("cannot read: {error}"));
            if line > 0 {
                diagnostic.line = line as usize;
                diagnostic.column = 1;
            }
            diagnostic
        };
        let mut reader = plain_or_gzip(input).map_err(|error| cannot_read(error, 0))?;
        self.files.push(file.to_string());
        let mut bytes = Vec::with_capacity(512);
        let mut number = 0u64;
        // Most lines fall into the bucket of the line before: look that one up once.
        let mut current: Option<(i64, Bucket)> = None;
        loop {
            bytes.clear();
            let read = (&mut reader)
                .take(MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut bytes)
                .map_err(|error| cannot_read(error, number + 1))?;
            if read == 0 {
                break;
            }
            number += 1;
            if bytes.len() > MAX_LINE_BYTES {
                return Err(at_line(
                    file,
                    number,
                    1,
                    format!("line {number} is longer than {} KiB", MAX_LINE_BYTES >> 10),
                )
                .with_hint("is this an access log? (a binary file has no lines)"));
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                self.blank += 1;
                continue;
            }
            let Some((time, offset)) = line_time(&bytes) else {
                if !self.skip_bad_lines {
                    let column = bytes
                        .iter()
                        .position(|byte| *byte == b'[')
                        .map_or(1, |at| at + 1);
                    return Err(at_line(
                        file,
                        number,
                        column,
                        format!("no {TIMESTAMP_SHAPE} timestamp on this line"),
                    )
                    .with_hint("access logs must be in Common Log Format or nginx's combined format; to skip such lines and count them, set `skip_bad_lines = true` in the trace settings"));
                }
                self.bad += 1;
                if self.first_bad.len() < NAMED_BAD_LINES {
                    self.first_bad.push(format!("{file}:{number}"));
                }
                continue;
            };
            let slot = time.div_euclid(self.bucket) * self.bucket;
            match &mut current {
                Some((at, bucket)) if *at == slot => bucket.count += 1,
                _ => {
                    if let Some((at, bucket)) = current.take() {
                        self.add(at, bucket);
                    }
                    current = Some((
                        slot,
                        Bucket {
                            count: 1,
                            line: number,
                            offset,
                        },
                    ));
                }
            }
        }
        if let Some((at, bucket)) = current {
            self.add(at, bucket);
        }
        Ok(())
    }

    /// Merges a run of lines into its bucket (the earlier file's line and offset stay).
    fn add(&mut self, slot: i64, run: Bucket) {
        self.buckets
            .entry(slot)
            .and_modify(|bucket| bucket.count += run.count)
            .or_insert(run);
    }

    /// The counted buckets as samples, with notes on what was skipped; `file` names the
    /// logs in the error when none held a request.
    pub(super) fn finish(self, file: &str) -> Result<Samples, Diagnostic> {
        let mut detected = Vec::new();
        if self.bad > 0 {
            let more = self.bad - self.first_bad.len() as u64;
            detected.push(format!(
                "skipped {} line(s) with no {TIMESTAMP_SHAPE} timestamp: {}{}",
                self.bad,
                self.first_bad.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if self.blank > 0 {
            detected.push(format!("{} blank line(s) ignored", self.blank));
        }
        if self.files.len() > 1 {
            detected.push(format!(
                "{} logs counted together: {}",
                self.files.len(),
                self.files.join(", ")
            ));
        }
        if self.buckets.is_empty() {
            let message = if self.bad > 0 {
                format!(
                    "the access log has no requests: all {} line(s) had no {TIMESTAMP_SHAPE} timestamp",
                    self.bad
                )
            } else {
                "the access log has no requests".to_string()
            };
            return Err(Diagnostic::file(file, message));
        }
        let mut zones: Vec<(i64, FixedOffset)> = Vec::new();
        let mut rows = Vec::with_capacity(self.buckets.len());
        for (time, bucket) in self.buckets {
            let offset = FixedOffset::east_opt(bucket.offset).expect("offset checked when read");
            if zones.last().is_none_or(|(_, last)| *last != offset) {
                zones.push((time, offset));
            }
            rows.push(Sample {
                time,
                value: bucket.count as f64,
                line: bucket.line,
            });
        }
        Ok(Samples {
            rows,
            detected,
            kind: None,
            absolute: true,
            zero_gaps: true,
            zones,
        })
    }
}

/// Epoch seconds and UTC offset (seconds east) of the first `[dd/Mon/yyyy:hh:mm:ss +zzzz]`
/// on a line. The hosts, users and requests around it are not read.
fn line_time(line: &[u8]) -> Option<(i64, i32)> {
    let mut from = 0;
    while let Some(open) = line[from..].iter().position(|byte| *byte == b'[') {
        let open = from + open;
        if let Some(found) = line.get(open + 1..open + 28).and_then(|inner| {
            (inner[26] == b']')
                .then(|| timestamp(&inner[..26]))
                .flatten()
        }) {
            return Some(found);
        }
        from = open + 1;
    }
    None
}

/// Epoch seconds of an access log line's `[10/Oct/2000:13:55:36 -0700]`, for callers that
/// hold the line as text.
pub fn access_log_time(line: &str) -> Option<i64> {
    line_time(line.as_bytes()).map(|(time, _)| time)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// `10/Oct/2000:13:55:36 -0700` (exactly 26 bytes, as Apache's `%t` and nginx's
/// `$time_local` write it) as epoch seconds and offset seconds: read by hand, since a general
/// date parser is most of the cost of counting a log.
fn timestamp(text: &[u8]) -> Option<(i64, i32)> {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        text[range].iter().try_fold(0u32, |value, byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    };
    let separators = [
        (2, b'/'),
        (6, b'/'),
        (11, b':'),
        (14, b':'),
        (17, b':'),
        (20, b' '),
    ];
    if text.len() != 26 || separators.iter().any(|(at, byte)| text[*at] != *byte) {
        return None;
    }
    let day = digits(0..2)?;
    let month = MONTHS.iter().position(|name| name[..] == text[3..6])? as u32 + 1;
    let year = digits(7..11)?;
    let (hour, minute, second) = (digits(12..14)?, digits(15..17)?, digits(18..20)?);
    let sign = match text[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (offset_hours, offset_minutes) = (digits(22..24)?, digits(24..26)?);
    if day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
        || offset_hours > 23
        || offset_minutes > 59
    {
        return None;
    }
    let offset = sign * (offset_hours * 3600 + offset_minutes * 60) as i32;
    let local =
        days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some((local - i64::from(offset), offset))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Counts one access log; the reader behind [`Source::AccessLog`].
pub(super) fn read_access_log(
    file: &str,
    input: impl Read,
    bucket: Seconds,
    skip_bad_lines: bool,
) -> Result<Samples, Diagnostic> {
    let mut counter = LogCounter::new(bucket, skip_bad_lines);
    counter.read(file, input)?;
    counter.finish(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written parser agrees with chrono's on every field boundary.
    #[test]
    fn timestamps_match_chrono() {
        let mut checked = 0;
        for year in [1970, 1995, 1999, 2000, 2024, 2026, 2100, 2400, 9999] {
            for (month, name) in MONTHS.iter().enumerate() {
                for day in [1, 28, 29, 30, 31] {
                    for (time, zone) in [
                        ("00:00:00", "+0000"),
                        ("23:59:59", "-0700"),
                        ("12:30:05", "+0800"),
                        ("01:02:03", "+0545"),
                        ("13:55:36", "-2359"),
                    ] {
                        let text = format!(
                            "{day:02}/{}/{year}:{time} {zone}",
                            std::str::from_utf8(&name[..]).unwrap()
                        );
                        let expected = DateTime::parse_from_str(&text, "%d/%b/%Y:%H:%M:%S %z")
                            .ok()
                            .map(|at| (at.timestamp(), at.offset().local_minus_utc()));
                        assert_eq!(
                            timestamp(text.as_bytes()),
                            expected,
                            "{text} (month {month})"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 9 * 12 * 5 * 5);
    }

    #[test]
    fn malformed_timestamps_are_refused() {
        for text in [
            "10/Oct/2000:13:55:36 +07000",
            "10/oct/2000:13:55:36 -0700",
            "1/Oct/2000:13:55:36 -0700 ",
            "10/Oct/2000:24:00:00 -0700",
            "10/Oct/2000:13:60:00 -0700",
            "10/Oct/2000:13:55:60 -0700",
            "00/Oct/2000:13:55:36 -0700",
            "31/Nov/2000:13:55:36 -0700",
            "29/Feb/1900:13:55:36 -0700",
            "10/Oct/2000 13:55:36 -0700",
            "10/Oct/2000:13:55:36 0700x",
            "10/Oct/2000:13:55:36 -07:0",
        ] {
            assert_eq!(timestamp(text.as_bytes()), None, "{text}");
        }
        assert_eq!(
            timestamp(b"29/Feb/2000:00:00:00 +0000"),
            Some((951_782_400, 0))
        );
    }

    #[test]
    fn the_timestamp_is_found_after_bracketed_hosts() {
        let line = b"[2001:db8::1] - - [10/Oct/2000:13:55:36 -0700] \"GET /[x] HTTP/1.0\" 200 5";
        assert_eq!(line_time(line), Some((971_211_336, -7 * 3600)));
        assert_eq!(line_time(b"no timestamp [here]"), None);
        assert_eq!(line_time(b"cut [10/Oct/2000:13:55"), None);
    }
}
