//! Recorded load traces from CSV: one row per time bucket.
//!
//! The time column holds either offsets in seconds from the first row (the layout of the
//! traces in `shared/traces`) or RFC 3339 timestamps, which are placed on the scenario's
//! calendar. The value column holds a count per bucket (what logs give) or a rate; counts are
//! divided by the bucket length. Buckets must be contiguous and evenly spaced: a gap, a
//! duplicate or an out-of-order row is an error naming its line, never silently bridged.

use crate::error::Diagnostic;
use crate::time::{Clock, Seconds, SimTime};
use chrono::DateTime;

/// What the value column measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Requests that arrived in the bucket.
    Count,
    /// Requests per second.
    Rate,
}

/// How to read a trace file.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceFormat {
    /// Name of the time column; `None` means rows are consecutive buckets of `step`.
    pub time_column: Option<String>,
    /// Name of the value column.
    pub value_column: String,
    /// What the values are.
    pub kind: ValueKind,
    /// Bucket length; inferred from the first two rows when `None`.
    pub step: Option<Seconds>,
}

/// A parsed trace: evenly spaced buckets of a mean rate, aligned to the scenario start.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Simulated time of the first bucket's start (may be before 0 for timestamped traces
    /// that begin before the scenario, in which case leading buckets are dropped).
    pub start: SimTime,
    /// Bucket length in seconds (> 0).
    pub step: Seconds,
    /// Mean rate of each bucket, requests per second.
    pub rates: Vec<f64>,
}

impl Trace {
    /// Simulated time at which the last bucket ends.
    pub fn end(&self) -> SimTime {
        self.start + self.step * self.rates.len() as u64
    }

    /// Mean rate over each of `ticks` periods of `period` seconds, weighting buckets by
    /// overlap so that the total number of requests is preserved exactly. Parts of a period
    /// the trace does not cover count as zero (validation rejects scenarios that need them).
    pub fn resample(&self, period: Seconds, ticks: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(ticks);
        for tick in 0..ticks as u64 {
            let (from, to) = (tick * period, (tick + 1) * period);
            let first = from.saturating_sub(self.start) / self.step;
            let mut requests = 0.0;
            let mut bucket = first;
            while (bucket as usize) < self.rates.len() {
                let bucket_start = self.start + bucket * self.step;
                if bucket_start >= to {
                    break;
                }
                let overlap = (bucket_start + self.step).min(to) - bucket_start.max(from);
                requests += self.rates[bucket as usize] * overlap as f64;
                bucket += 1;
            }
            out.push(requests / period as f64);
        }
        out
    }
}

/// Parses a CSV trace; `file` names it in errors, `clock` places timestamps.
pub fn parse_csv(
    file: &str,
    text: &str,
    format: &TraceFormat,
    clock: &Clock,
) -> Result<Trace, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| csv_error(file, &error))?
        .clone();
    let find = |name: &str| -> Result<usize, Diagnostic> {
        headers
            .iter()
            .position(|header| header == name)
            .ok_or_else(|| {
                let columns: Vec<&str> = headers.iter().collect();
                let mut diagnostic = Diagnostic::at_span(
                    file,
                    text,
                    0..text.find('\n').unwrap_or(text.len()),
                    format!("trace has no column `{name}`"),
                )
                .with_field(name);
                diagnostic.hint = Some(match crate::error::did_you_mean(name, columns.clone()) {
                    Some(close) => format!(
                        "did you mean `{close}`? columns are: {}",
                        columns.join(", ")
                    ),
                    None => format!("columns are: {}", columns.join(", ")),
                });
                diagnostic
            })
    };
    let value_index = find(&format.value_column)?;
    let time_index = format.time_column.as_deref().map(find).transpose()?;

    let mut times: Vec<i64> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines: Vec<u64> = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => return Err(csv_error(file, &error)),
        }
        let line = record.position().map_or(0, |position| position.line());
        let cell_error = |index: usize, message: String, hint: &str| {
            let column = 1 + record
                .iter()
                .take(index)
                .map(|cell| cell.len() + 1)
                .sum::<usize>();
            let mut diagnostic = Diagnostic::file(file, message)
                .with_field(headers.get(index).unwrap_or("?"))
                .with_hint(hint);
            diagnostic.line = line as usize;
            diagnostic.column = column;
            diagnostic
        };
        let value_text = record.get(value_index).unwrap_or("");
        let value: f64 = value_text.parse().map_err(|_| {
            cell_error(
                value_index,
                format!("`{value_text}` is not a number"),
                "values must be non-negative numbers (requests per bucket or per second)",
            )
        })?;
        if !value.is_finite() || value < 0.0 {
            return Err(cell_error(
                value_index,
                format!("`{value_text}` is not a non-negative finite number"),
                "a request count or rate cannot be negative",
            ));
        }
        if let Some(index) = time_index {
            let cell = record.get(index).unwrap_or("");
            let time = parse_time(cell, clock).ok_or_else(|| {
                cell_error(
                    index,
                    format!("`{cell}` is neither an offset in seconds nor an RFC 3339 timestamp"),
                    "write e.g. `120` or `2026-03-02T11:00:00+08:00`",
                )
            })?;
            times.push(time);
        }
        values.push(value);
        lines.push(line);
    }
    if values.is_empty() {
        return Err(Diagnostic::file(file, "trace has no data rows")
            .with_hint("a header row followed by one row per time bucket"));
    }

    let step = match (format.step, times.len()) {
        (Some(step), _) => step,
        (None, n) if n >= 2 => {
            let difference = times[1].saturating_sub(times[0]);
            u64::try_from(difference)
                .ok()
                .filter(|step| *step > 0)
                .ok_or_else(|| row_error(file, lines[1], "rows are not in increasing time order"))?
        }
        _ => {
            return Err(Diagnostic::file(file, "cannot infer the bucket length")
                .with_hint("set `step` in the trace settings (e.g. step = \"60s\")"));
        }
    };
    if times.len() >= 2 {
        for index in 1..times.len() {
            let expected = times[index - 1].saturating_add(step as i64);
            if times[index] != expected {
                let what = match times[index].cmp(&expected) {
                    std::cmp::Ordering::Less if times[index] <= times[index - 1] => {
                        "a duplicate or out-of-order row"
                    }
                    std::cmp::Ordering::Less => "a row closer than one step to the previous",
                    _ => "a gap",
                };
                return Err(row_error(
                    file,
                    lines[index],
                    &format!(
                        "{what}: expected time {expected}, found {} (step {step} s)",
                        times[index]
                    ),
                ));
            }
        }
    }

    // Align to the scenario start: offsets start at 0; timestamps are absolute.
    let first = times.first().copied().unwrap_or(0);
    let skip = if first < 0 {
        first.unsigned_abs().div_ceil(step)
    } else {
        0
    };
    let start = (first as i128 + skip as i128 * step as i128).max(0) as u64;
    let skip = usize::try_from(skip).unwrap_or(usize::MAX);
    let divisor = match format.kind {
        ValueKind::Count => step as f64,
        ValueKind::Rate => 1.0,
    };
    let rates = values
        .iter()
        .skip(skip)
        .map(|value| value / divisor)
        .collect();
    Ok(Trace { start, step, rates })
}

/// Time of a cell in simulated seconds (may be negative for timestamps before the start).
/// A number is an offset in seconds from the first row; otherwise an RFC 3339 timestamp.
fn parse_time(cell: &str, clock: &Clock) -> Option<i64> {
    if let Ok(offset) = cell.parse::<i64>() {
        return Some(offset);
    }
    let instant = DateTime::parse_from_rfc3339(cell).ok()?;
    Some((instant - clock.start).num_seconds())
}

fn row_error(file: &str, line: u64, message: &str) -> Diagnostic {
    let mut diagnostic = Diagnostic::file(file, message).with_hint(
        "traces must be contiguous, evenly spaced and in time order; fill gaps with explicit zero rows",
    );
    diagnostic.line = line as usize;
    diagnostic.column = 1;
    diagnostic
}

fn csv_error(file: &str, error: &csv::Error) -> Diagnostic {
    let mut diagnostic = Diagnostic::file(file, format!("malformed CSV: {error}"))
        .with_hint("every row needs the same number of comma-separated fields as the header");
    if let Some(position) = error.position() {
        diagnostic.line = position.line() as usize;
        diagnostic.column = 1;
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn clock() -> Clock {
        Clock {
            start: DateTime::parse_from_rfc3339("1995-07-01T00:00:00-04:00").unwrap(),
        }
    }

    fn counts(time_column: &str) -> TraceFormat {
        TraceFormat {
            time_column: Some(time_column.into()),
            value_column: "requests".into(),
            kind: ValueKind::Count,
            step: None,
        }
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
    fn timestamps_align_to_the_scenario_start() {
        let text =
            "timestamp_local,requests\n1995-06-30T23:59:00-04:00,5\n1995-07-01T00:00:00-04:00,60\n";
        let trace = parse_csv("t.csv", text, &counts("timestamp_local"), &clock()).unwrap();
        assert_eq!((trace.start, trace.rates.clone()), (0, vec![1.0]));
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

        let bad = "offset_seconds,requests\n0,1\n60,many\n";
        let error = parse_csv("t.csv", bad, &counts("offset_seconds"), &clock()).unwrap_err();
        assert_eq!((error.line, error.column), (3, 4));
        assert_eq!(error.field.as_deref(), Some("requests"));
    }

    #[test]
    fn missing_column_suggests_the_close_one() {
        let text = "offset_seconds,request\n0,1\n";
        let error = parse_csv("t.csv", text, &counts("offset_seconds"), &clock()).unwrap_err();
        assert!(error.hint.unwrap().contains("did you mean `request`?"));
    }
}
