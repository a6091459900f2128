//! Recorded load traces: CSV, web server access logs, Prometheus and CloudWatch exports.
//!
//! Every source becomes timed samples (offsets from the first row, or absolute instants that
//! are placed on the scenario's calendar), then one assembly step turns them into evenly
//! spaced buckets of a mean rate: counts (what logs give) are divided by the bucket length,
//! and gaps, duplicates and out-of-order rows follow an explicit policy — an error naming the
//! line by default, or a named repair that is reported in [`Trace::notes`], never silent.
//! Readers stream their input, so memory follows the number of samples, not the file's text.

use crate::error::{Diagnostic, did_you_mean};
use crate::input::{Bounded, MAX_JSON_BYTES, MAX_TRACE_ROWS, plain_or_gzip, read_text_from};
use crate::limits::MAX_MAGNITUDE;
use crate::time::{Clock, Seconds};
use chrono::{DateTime, FixedOffset};
use std::io::{BufRead, BufReader, Read};

mod access_log;
mod csv_file;
mod json;

pub use access_log::{LogCounter, access_log_time};
pub use csv_file::{TIME_COLUMNS, VALUE_COLUMNS};

/// What the values measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Requests that arrived in the bucket.
    Count,
    /// Requests per second.
    Rate,
    /// As the CSV value column's name says: `requests` and `count` are counts, `rps` and
    /// `rate` are rates; any other name is refused (which it is cannot be guessed).
    FromColumnName,
}

/// Where the samples come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A CSV file with a header row.
    Csv {
        /// Name of the time column; `None`: rows are consecutive buckets of `step`.
        time_column: Option<String>,
        /// Name of the value column.
        value_column: String,
    },
    /// A Common Log Format or nginx "combined" access log, one request per line, counted into
    /// buckets of this length.
    AccessLog {
        /// Bucket length.
        bucket: Seconds,
        /// Skip and count lines with no timestamp instead of stopping at the first.
        skip_bad_lines: bool,
    },
    /// A Prometheus HTTP API `query_range` response (series are summed per timestamp).
    Prometheus,
    /// AWS CLI `cloudwatch get-metric-data` output (the result with this id, or the first).
    CloudWatch {
        /// `Id` of the result to use.
        id: Option<String>,
    },
}

/// How a CSV time column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// RFC 3339 text; otherwise integers below 10^9 are offsets and larger ones epoch seconds.
    Auto,
    /// Seconds from the first row.
    Offset,
    /// Seconds since 1970-01-01T00:00:00Z.
    Epoch,
    /// RFC 3339 with an offset.
    Rfc3339,
}

/// What to do with a missing bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapPolicy {
    /// Stop with the line of the first gap.
    Error,
    /// No sample means no requests.
    Zero,
    /// Repeat the previous bucket's value.
    Hold,
}

/// What to do with two samples for one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicatePolicy {
    /// Stop with the line of the duplicate.
    Error,
    /// Add them (counts split over two rows).
    Sum,
    /// Keep the later row.
    Last,
}

/// How to read a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceFormat {
    /// Where the samples come from.
    pub source: Source,
    /// What the values are.
    pub kind: ValueKind,
    /// Bucket length; inferred from the smallest time difference when `None`.
    pub step: Option<Seconds>,
    /// How CSV times are written.
    pub time: TimeFormat,
    /// Missing buckets.
    pub gaps: GapPolicy,
    /// Repeated buckets.
    pub duplicates: DuplicatePolicy,
    /// Whether rows may come out of time order (then they are sorted).
    pub sort: bool,
}

impl TraceFormat {
    /// A CSV of counts or rates with the strict defaults.
    pub fn csv(time_column: Option<&str>, value_column: &str, kind: ValueKind) -> Self {
        TraceFormat {
            source: Source::Csv {
                time_column: time_column.map(str::to_string),
                value_column: value_column.to_string(),
            },
            kind,
            step: None,
            time: TimeFormat::Auto,
            gaps: GapPolicy::Error,
            duplicates: DuplicatePolicy::Error,
            sort: false,
        }
    }
}

/// A parsed trace: evenly spaced buckets of a mean rate, aligned to the scenario start.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Seconds from the run start to the first kept bucket's start: negative when the run
    /// starts inside that bucket (by less than one bucket; earlier buckets are dropped).
    pub start: i64,
    /// Bucket length in seconds (> 0).
    pub step: Seconds,
    /// Mean rate of each bucket, requests per second.
    pub rates: Vec<f64>,
    /// Repairs made under the format's policies (filled gaps, merged duplicates, sorting).
    pub notes: Vec<String>,
    /// Requests in the kept buckets, summed from the file's own values (exact for counts).
    pub total: f64,
    /// Seconds from the run start to the start of the file's first bucket and to the end of
    /// its last, dropped buckets included: what the file covers, for messages.
    pub span: (i64, i64),
    /// How the file writes its times: messages, profiles and charts show them that way.
    pub times: FileTimes,
}

/// How a trace file writes its times.
#[derive(Debug, Clone, PartialEq)]
pub enum FileTimes {
    /// Seconds from the first row, or consecutive rows: no calendar of their own.
    Offsets,
    /// Instants with no UTC offset (epoch seconds): shown in UTC.
    Epoch,
    /// Instants written with a UTC offset: each `(time, offset)` holds from that time (seconds
    /// from the run start) until the next, so a log that crosses a DST change keeps both.
    Zoned(Vec<(i64, FixedOffset)>),
}

impl FileTimes {
    /// The offset the file writes at `time` (seconds from the run start): the one in force
    /// then, or the first for earlier times; `None` for offsets and epoch seconds.
    pub fn offset_at(&self, time: i64) -> Option<FixedOffset> {
        match self {
            FileTimes::Zoned(zones) => {
                let index = zones.partition_point(|(from, _)| *from <= time);
                zones
                    .get(index.saturating_sub(1))
                    .map(|(_, offset)| *offset)
            }
            _ => None,
        }
    }

    /// The offsets the file uses, in order of first use, without repeats.
    pub fn offsets(&self) -> Vec<FixedOffset> {
        let mut offsets: Vec<FixedOffset> = Vec::new();
        if let FileTimes::Zoned(zones) = self {
            for (_, offset) in zones {
                if !offsets.contains(offset) {
                    offsets.push(*offset);
                }
            }
        }
        offsets
    }
}

impl Trace {
    /// Simulated time at which the last bucket ends.
    pub fn end(&self) -> i64 {
        self.start + (self.step * self.rates.len() as u64) as i64
    }

    /// Total requests in the trace.
    pub fn total_requests(&self) -> f64 {
        self.total
    }

    /// Mean rate over each of `ticks` periods of `period` seconds, weighting buckets by
    /// overlap so that the total number of requests is preserved exactly. Parts of a period
    /// the trace does not cover count as zero (validation rejects scenarios that need them).
    pub fn resample(&self, period: Seconds, ticks: usize) -> Vec<f64> {
        let step = self.step as i64;
        if self.step == period && self.start % step == 0 {
            // Each period is one bucket, or none: the general loop's one term without its
            // division, the same bits (tested).
            let first = self.start / step;
            return (0..ticks as i64)
                .map(|tick| match usize::try_from(tick - first) {
                    Ok(bucket) if bucket < self.rates.len() => {
                        (0.0 + self.rates[bucket] * period as f64) / period as f64
                    }
                    _ => 0.0,
                })
                .collect();
        }
        self.resample_overlapping(period, ticks)
    }

    /// [`Trace::resample`] for any period and bucket.
    fn resample_overlapping(&self, period: Seconds, ticks: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(ticks);
        for tick in 0..ticks as u64 {
            // Each period takes the overlapping share of every bucket it meets: exact whether
            // or not periods and buckets line up.
            let (from, to) = ((tick * period) as i64, ((tick + 1) * period) as i64);
            let step = self.step as i64;
            let first = (from - self.start).max(0) / step;
            let mut requests = 0.0;
            let mut bucket = first;
            while (bucket as usize) < self.rates.len() {
                let bucket_start = self.start + bucket * step;
                if bucket_start >= to {
                    break;
                }
                let overlap = (bucket_start + step).min(to) - bucket_start.max(from);
                requests += self.rates[bucket as usize] * overlap as f64;
                bucket += 1;
            }
            out.push(requests / period as f64);
        }
        out
    }
}

/// Largest absolute time accepted, in seconds (about 31,700 years).
const MAX_TIME_SECONDS: u64 = 1_000_000_000_000;

/// One timed value and the line it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    /// Offset seconds, or epoch seconds when the samples are absolute.
    time: i64,
    value: f64,
    line: u64,
}

/// Samples of one source; absolute times are epoch seconds.
struct Samples {
    rows: Vec<Sample>,
    /// What the reader worked out by itself (columns), for the notes.
    detected: Vec<String>,
    /// The kind of the values, when the reader decided it ([`ValueKind::FromColumnName`]).
    kind: Option<ValueKind>,
    absolute: bool,
    /// Access logs are already bucketed counts with implicit zeros.
    zero_gaps: bool,
    /// Where the UTC offset the file writes changes: `(epoch seconds, offset)`, the first
    /// row's included; empty when the times carry no offset.
    zones: Vec<(i64, FixedOffset)>,
}

impl Samples {
    /// The absolute samples of a monitoring export: nothing detected, the kind as the format
    /// says, gaps under the format's policy; `zones` in any order (assembly sorts them).
    fn exported(rows: Vec<Sample>, zones: Vec<(i64, FixedOffset)>) -> Self {
        Samples {
            rows,
            detected: Vec::new(),
            kind: None,
            absolute: true,
            zero_gaps: false,
            zones,
        }
    }
}

fn at_line(file: &str, line: u64, column: usize, message: impl Into<String>) -> Diagnostic {
    let mut diagnostic = Diagnostic::file(file, message);
    diagnostic.line = line as usize;
    diagnostic.column = column;
    diagnostic
}

/// Reads a trace from `input`, plain or gzip; `file` names it in errors, `clock` places
/// absolute times.
pub fn parse(
    file: &str,
    input: impl Read,
    format: &TraceFormat,
    clock: &Clock,
) -> Result<Trace, Diagnostic> {
    let input = plain_or_gzip(input)
        .map_err(|error| Diagnostic::file(file, format!("cannot read: {error}")))?;
    let samples = match &format.source {
        Source::Csv {
            time_column,
            value_column,
        } => csv_file::read_csv(
            file,
            Bounded::new(input, MAX_TRACE_ROWS),
            time_column.as_deref(),
            value_column,
            format,
        )?,
        Source::AccessLog {
            bucket,
            skip_bad_lines,
        } => access_log::read_access_log(file, input, *bucket, *skip_bad_lines)?,
        Source::Prometheus => json::read_prometheus(file, input)?,
        Source::CloudWatch { id } => json::read_cloudwatch(file, input, id.as_deref())?,
    };
    let step = match &format.source {
        Source::AccessLog { bucket, .. } => Some(*bucket),
        _ => format.step,
    };
    assemble(file, samples, step, format, clock)
}

/// The trace of the access logs `counter` has read (several files, `trace from-log`); `file`
/// names them in errors.
pub fn from_logs(
    file: &str,
    counter: LogCounter,
    format: &TraceFormat,
    clock: &Clock,
) -> Result<Trace, Diagnostic> {
    let step = match &format.source {
        Source::AccessLog { bucket, .. } => Some(*bucket),
        _ => format.step,
    };
    assemble(file, counter.finish(file)?, step, format, clock)
}

/// Reads a CSV trace held in memory (tests, fuzzing).
pub fn parse_csv(
    file: &str,
    text: &str,
    format: &TraceFormat,
    clock: &Clock,
) -> Result<Trace, Diagnostic> {
    parse(file, text.as_bytes(), format, clock)
}

/// Orders, merges and fills samples into buckets, converting counts to rates.
fn assemble(
    file: &str,
    mut samples: Samples,
    step: Option<Seconds>,
    format: &TraceFormat,
    clock: &Clock,
) -> Result<Trace, Diagnostic> {
    let mut notes = std::mem::take(&mut samples.detected);
    if !samples.absolute {
        notes.push(format!(
            "the trace's times are offsets, so it is laid at the run's start, {}",
            clock.format(0)
        ));
    }
    let kind = samples.kind.unwrap_or(format.kind);
    // Times in messages as the file writes them: RFC 3339 in the file's own offset, epoch
    // seconds (with their UTC date-time), or seconds for offsets.
    let absolute = samples.absolute;
    samples.zones.sort_by_key(|(time, _)| *time);
    samples
        .zones
        .dedup_by(|later, earlier| later.1 == earlier.1);
    let zones = FileTimes::Zoned(std::mem::take(&mut samples.zones));
    let show = |time: i64| -> String {
        match (
            absolute,
            DateTime::from_timestamp(time, 0),
            zones.offset_at(time),
        ) {
            (true, Some(at), Some(offset)) => at
                .with_timezone(&offset)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            (true, Some(at), None) => format!(
                "{time} ({})",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            _ => format!("{time}s"),
        }
    };
    let rows = &mut samples.rows;
    // Times beyond ±31,000 years are typos; refusing them keeps every difference in range.
    if let Some(row) = rows
        .iter()
        .find(|row| row.time.unsigned_abs() > MAX_TIME_SECONDS)
    {
        return Err(at_line(
            file,
            row.line,
            1,
            format!("time {} is out of range", row.time),
        )
        .with_hint("offsets and epoch times are seconds; check the time column"));
    }
    if let Some(position) = rows.windows(2).position(|pair| pair[1].time < pair[0].time) {
        if !format.sort {
            let row = rows[position + 1];
            return Err(at_line(
                file,
                row.line,
                1,
                format!(
                    "out of time order: {} comes after {}",
                    show(row.time),
                    show(rows[position].time)
                ),
            )
            .with_hint("sort the file, or set `order = \"sort\"` in the trace settings"));
        }
        rows.sort_by_key(|sample| sample.time);
        notes.push("rows were out of time order and have been sorted".to_string());
    }
    // Duplicates.
    // Merge duplicates in place: memory stays one sample per row.
    let mut duplicates = 0usize;
    let mut kept = 0usize;
    for index in 0..rows.len() {
        let row = rows[index];
        if kept > 0 && rows[kept - 1].time == row.time {
            duplicates += 1;
            match format.duplicates {
                DuplicatePolicy::Error => {
                    return Err(at_line(
                        file,
                        row.line,
                        1,
                        format!("a duplicate row for time {}", show(row.time)),
                    )
                    .with_hint("remove it, or set `duplicates = \"sum\"` or `\"last\"`"));
                }
                DuplicatePolicy::Sum => rows[kept - 1].value += row.value,
                DuplicatePolicy::Last => rows[kept - 1].value = row.value,
            }
        } else {
            rows[kept] = row;
            kept += 1;
        }
    }
    rows.truncate(kept);
    let merged = std::mem::take(rows);
    if duplicates > 0 {
        notes.push(
            format!(
                "{duplicates} duplicate row(s) merged ({:?})",
                format.duplicates
            )
            .to_lowercase(),
        );
    }
    let step = match step {
        Some(step) => step.max(1),
        None => {
            let smallest = merged
                .windows(2)
                .map(|pair| pair[1].time - pair[0].time)
                .min();
            match smallest {
                Some(step) => step.max(1) as u64,
                None => {
                    return Err(Diagnostic::file(
                        file,
                        "cannot infer the bucket length from one row",
                    )
                    .with_hint("set `step` in the trace settings (e.g. step = \"60s\")"));
                }
            }
        }
    };
    // Place on the calendar.
    let origin = if samples.absolute {
        clock.start.timestamp()
    } else {
        merged[0].time
    };
    let first = merged[0].time - origin;
    // Fill buckets.
    let mut values: Vec<f64> = Vec::with_capacity(merged.len());
    let (mut filled, mut previous_time) = (0u64, merged[0].time);
    for (index, row) in merged.iter().enumerate() {
        // The usual row is one step after the last, so on the grid with nothing missing: no
        // division (two per row were a tenth of reading a long trace).
        if index > 0 && row.time - previous_time == step as i64 {
            values.push(row.value);
            previous_time = row.time;
            continue;
        }
        let offset = row.time - merged[0].time;
        if offset % step as i64 != 0 {
            return Err(at_line(
                file,
                row.line,
                1,
                format!(
                    "time {} is not on the {step} s grid of the first row",
                    show(row.time)
                ),
            )
            .with_hint("traces must be evenly spaced; set `step` to the real bucket length"));
        }
        if index > 0 {
            let missing = ((row.time - previous_time) / step as i64 - 1).max(0) as u64;
            if missing > 0 {
                let policy = if samples.zero_gaps {
                    GapPolicy::Zero
                } else {
                    format.gaps
                };
                let fill = match policy {
                    GapPolicy::Error => {
                        return Err(at_line(file, row.line, 1, format!("a gap: expected time {}, found {} (step {step} s)", show(previous_time + step as i64), show(row.time)))
                            .with_hint("fill it with explicit rows, or set `gaps = \"zero\"` or `\"hold\"` in the trace settings"));
                    }
                    GapPolicy::Zero => 0.0,
                    GapPolicy::Hold => *values.last().unwrap_or(&0.0),
                };
                // Filled buckets are stored: bound them all, not each gap.
                if values.len() as u64 + missing >= MAX_TRACE_ROWS {
                    return Err(at_line(
                        file,
                        row.line,
                        1,
                        format!(
                            "the trace spans more than {MAX_TRACE_ROWS} buckets of {step} s from its first row to this one"
                        ),
                    )
                    .with_hint("use larger buckets (`step`, `--bucket`) or cut the trace to the span you replay"));
                }
                values.extend(std::iter::repeat_n(fill, missing as usize));
                if !samples.zero_gaps {
                    filled += missing;
                }
            }
        }
        values.push(row.value);
        previous_time = row.time;
    }
    if filled > 0 {
        notes.push(format!("{filled} missing bucket(s) filled ({:?})", format.gaps).to_lowercase());
    }
    // Buckets wholly before the scenario start are dropped; one the start falls inside is kept.
    let skip = if first < 0 {
        first.unsigned_abs() / step
    } else {
        0
    };
    let start = (first as i128 + skip as i128 * step as i128) as i64;
    let divisor = match kind {
        ValueKind::Count | ValueKind::FromColumnName => step as f64,
        ValueKind::Rate => 1.0,
    };
    let skip = usize::try_from(skip).unwrap_or(usize::MAX);
    let kept = values.get(skip.min(values.len())..).unwrap_or(&[]);
    let total = match kind {
        ValueKind::Count | ValueKind::FromColumnName => kept.iter().sum(),
        ValueKind::Rate => kept.iter().sum::<f64>() * step as f64,
    };
    let buckets = values.len();
    let span = (first, first + (buckets as u64 * step) as i64);
    // The kept buckets become the rates in place: no second buffer of the trace's length.
    let mut rates = values;
    rates.drain(..skip.min(buckets));
    for value in &mut rates {
        *value /= divisor;
    }
    let times = match (absolute, &zones) {
        (false, _) => FileTimes::Offsets,
        (true, FileTimes::Zoned(zones)) if !zones.is_empty() => FileTimes::Zoned(
            zones
                .iter()
                .copied()
                .map(|(time, offset)| (time - origin, offset))
                .collect(),
        ),
        (true, _) => FileTimes::Epoch,
    };
    // What was read, in the file's terms: the user checks it against what they meant.
    let file_time = |offset: i64| show(offset + origin);
    let written = match &times {
        FileTimes::Offsets => "offsets from the first row".to_string(),
        FileTimes::Epoch => "epoch seconds, UTC".to_string(),
        FileTimes::Zoned(_) => {
            let offsets: Vec<String> = times
                .offsets()
                .iter()
                .map(|offset| format!("UTC{offset}"))
                .collect();
            format!("times in {}", offsets.join(" and "))
        }
    };
    notes.push(format!(
        "{} bucket(s) of {}, {} to {} ({written}), {}",
        buckets,
        crate::time::format_duration(step),
        file_time(span.0),
        file_time(span.1),
        match kind {
            ValueKind::Rate => "requests per second",
            _ => "counts per bucket",
        }
    ));
    Ok(Trace {
        start,
        step,
        rates,
        notes,
        total,
        span,
        times,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock::new(DateTime::parse_from_rfc3339("1995-07-01T00:00:00-04:00").unwrap())
    }

    fn counts(time_column: &str) -> TraceFormat {
        TraceFormat::csv(Some(time_column), "requests", ValueKind::Count)
    }

    #[test]
    fn counts_per_minute_become_rates_and_resample_exactly() {
        let text = "offset_seconds,requests\n0,60\n60,120\n120,0\n180,30\n";
        let trace = parse_csv("t.csv", text, &counts("offset_seconds"), &clock()).unwrap();
        assert_eq!(trace.step, 60);
        assert_eq!(trace.rates, vec![1.0, 2.0, 0.0, 0.5]);
        assert_eq!(trace.resample(120, 2), vec![1.5, 0.25]);
        assert_eq!(trace.resample(30, 3), vec![1.0, 1.0, 2.0]);
    }

    #[test]
    fn resampling_at_the_bucket_length_equals_the_overlap_sum_bit_for_bit() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
        for _ in 0..300 {
            let step: u64 = [1, 7, 60, 300][rng.random_range(0..4)];
            let len = rng.random_range(0..40);
            let mut rates: Vec<f64> = (0..len)
                .map(|_| rng.random_range(0.0..1e6) / rng.random_range(1.0..1e4))
                .collect();
            if len > 0 {
                rates[0] = -0.0; // the one value whose sign the overlap sum's `0.0 +` changes
            }
            let trace = Trace {
                start: rng.random_range(-5..45) * step as i64,
                step,
                rates,
                notes: Vec::new(),
                total: 0.0,
                span: (0, 0),
                times: FileTimes::Offsets,
            };
            let ticks = rng.random_range(0..60);
            let fast: Vec<u64> = trace
                .resample(step, ticks)
                .iter()
                .map(|v| v.to_bits())
                .collect();
            let general: Vec<u64> = trace
                .resample_overlapping(step, ticks)
                .iter()
                .map(|v| v.to_bits())
                .collect();
            assert_eq!(fast, general, "start {} step {step}", trace.start);
        }
    }

    #[test]
    fn timestamps_align_to_the_scenario_start() {
        let text =
            "timestamp_local,requests\n1995-06-30T23:59:00-04:00,5\n1995-07-01T00:00:00-04:00,60\n";
        let trace = parse_csv("t.csv", text, &counts("timestamp_local"), &clock()).unwrap();
        assert_eq!((trace.start, trace.rates.clone()), (0, vec![1.0]));
        // Epoch seconds and other zones land on the same calendar.
        let epoch = "t,requests\n804571200,60\n804571260,120\n";
        let trace = parse_csv("t.csv", epoch, &counts("t"), &clock()).unwrap();
        assert_eq!((trace.start, trace.rates.clone()), (0, vec![1.0, 2.0]));
        let utc = "t,requests\n1995-07-01T04:01:00Z,60\n1995-07-01T04:02:00Z,60\n";
        assert_eq!(
            parse_csv("t.csv", utc, &counts("t"), &clock())
                .unwrap()
                .start,
            60
        );
    }

    #[test]
    fn gaps_duplicates_and_bad_cells_name_their_line() {
        let gap = "offset_seconds,requests\n0,1\n60,1\n180,1\n";
        let error = parse_csv("t.csv", gap, &counts("offset_seconds"), &clock()).unwrap_err();
        assert_eq!(error.line, 4);
        assert!(error.message.starts_with("a gap"), "{}", error.message);

        let duplicate = "offset_seconds,requests\n0,1\n60,1\n60,1\n";
        let error = parse_csv("t.csv", duplicate, &counts("offset_seconds"), &clock()).unwrap_err();
        assert!(error.message.contains("duplicate"), "{}", error.message);
        assert_eq!(error.line, 4);

        let bad = "offset_seconds,requests\n0,1\n60,many\n";
        let error = parse_csv("t.csv", bad, &counts("offset_seconds"), &clock()).unwrap_err();
        assert_eq!((error.line, error.column), (3, 4));
        assert_eq!(error.field.as_deref(), Some("requests"));

        // Padded cells are read trimmed, and a bad one is pointed at past its padding.
        let padded = " offset_seconds , requests \n 0 , 60 \n  60,\t120\n";
        let trace = parse_csv("t.csv", padded, &counts("offset_seconds"), &clock()).unwrap();
        assert_eq!(trace.rates, vec![1.0, 2.0]);
        let bad = "offset_seconds,requests\n0,1\n 60 ,  many \n";
        let error = parse_csv("t.csv", bad, &counts("offset_seconds"), &clock()).unwrap_err();
        assert_eq!((error.line, error.column), (3, 8));
        assert!(error.message.contains("`many`"), "{}", error.message);
    }

    #[test]
    fn repair_policies_fill_merge_sort_and_say_so() {
        let mut format = counts("offset_seconds");
        format.step = Some(60);
        format.gaps = GapPolicy::Hold;
        format.duplicates = DuplicatePolicy::Sum;
        format.sort = true;
        let text = "offset_seconds,requests\n120,60\n0,60\n0,60\n240,30\n";
        let trace = parse_csv("t.csv", text, &format, &clock()).unwrap();
        assert_eq!(trace.rates, vec![2.0, 2.0, 1.0, 1.0, 0.5]);
        assert_eq!(
            trace.notes,
            [
                "the trace's times are offsets, so it is laid at the run's start, 1995-07-01T00:00:00-04:00",
                "rows were out of time order and have been sorted",
                "1 duplicate row(s) merged (sum)",
                "2 missing bucket(s) filled (hold)",
                "5 bucket(s) of 1m, 0s to 300s (offsets from the first row), counts per bucket",
            ]
        );
        format.gaps = GapPolicy::Zero;
        let trace = parse_csv("t.csv", text, &format, &clock()).unwrap();
        assert_eq!(trace.rates, vec![2.0, 0.0, 1.0, 0.0, 0.5]);
        let unsorted = parse_csv("t.csv", text, &counts("offset_seconds"), &clock()).unwrap_err();
        assert!(unsorted.message.contains("out of time order"));
    }

    // Found by `cargo fuzz run trace_csv`: an absurd time overflowed the step inference.
    #[test]
    fn absurd_times_are_rejected_not_overflowed() {
        let text = "t,v\n8,1\n-2222222222222222221,61\n";
        let mut format = TraceFormat::csv(Some("t"), "v", ValueKind::Count);
        format.sort = true;
        let error = parse_csv("t.csv", text, &format, &clock()).unwrap_err();
        assert!(error.message.contains("out of range"), "{}", error.message);
        assert_eq!(error.line, 3);
    }

    #[test]
    fn missing_column_suggests_the_close_one() {
        let text = "offset_seconds,request\n0,1\n";
        let error = parse_csv("t.csv", text, &counts("offset_seconds"), &clock()).unwrap_err();
        assert!(error.hint.unwrap().contains("did you mean `request`?"));
    }
}
