//! CSV traces: a header row, a time column (or consecutive rows) and a value column.

use super::*;

pub(super) fn read_csv(
    file: &str,
    input: impl Read,
    time_column: Option<&str>,
    value_column: &str,
    format: &TraceFormat,
) -> Result<Samples, Diagnostic> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let start = input
        .fill_buf()
        .map_err(|error| Diagnostic::file(file, format!("cannot read: {error}")))?;
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::file(file, "the trace is UTF-16 text")
            .with_hint("save it as UTF-8 (PowerShell: `Out-File -Encoding utf8`)"));
    }
    // Cells are trimmed where they are read: the csv crate's `Trim::All` builds a new record
    // for every row (a third of reading a long trace).
    // The reader's buffer as large as `input`'s, so that once the peeked start is read the
    // reader fills its buffer straight from the file rather than through a second copy.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .buffer_capacity(1 << 16)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|error| csv_error(file, &error))?
        .clone();
    if headers.is_empty() {
        return Err(Diagnostic::file(file, "the trace is empty: no header row")
            .with_hint("a CSV trace starts with a header, e.g. `time,requests`"));
    }
    let find = |name: &str| -> Result<usize, Diagnostic> {
        headers
            .iter()
            .position(|header| header == name)
            .ok_or_else(|| {
                let columns: Vec<&str> = headers.iter().collect();
                let hint = match did_you_mean(name, columns.iter().copied()) {
                    Some(close) => format!(
                        "did you mean `{close}`? columns are: {}",
                        columns.join(", ")
                    ),
                    None => format!("columns are: {}", columns.join(", ")),
                };
                at_line(file, 1, 1, format!("trace has no column `{name}`"))
                    .with_field(name)
                    .with_hint(hint)
            })
    };
    // The first data row, read ahead: an unnamed time column can be told by its content.
    let mut record = csv::ByteRecord::new();
    let has_rows = reader
        .read_byte_record(&mut record)
        .map_err(|error| csv_error(file, &error))?;
    let first_cell = |index: usize| std::str::from_utf8(field(&record, index)).unwrap_or("");
    let mut found = Vec::new();
    let time_index = match time_column {
        Some(name) => Some(find(name)?),
        // A time-like column is used whenever there is one: never a silent 1 s step.
        None => match detect_column(&headers, TIME_COLUMNS) {
            Some(index) => {
                found.push(format!("times from `{}`", &headers[index]));
                Some(index)
            }
            None => (has_rows
                && parse_time(first_cell(0), TimeFormat::Auto)
                    .is_some_and(|(_, absolute, _)| absolute))
            .then(|| {
                found.push(format!(
                    "times from `{}` (its first cell is a date-time)",
                    &headers[0]
                ));
                0
            }),
        },
    };
    if time_index.is_none() && format.step.is_none() {
        let columns: Vec<&str> = headers.iter().collect();
        return Err(at_line(file, 1, 1, "no time column, so the bucket length is unknown")
            .with_field("time_column")
            .with_hint(format!(
                "name the time column (`time_column` in a scenario, `--time-column` for `trace`), or set `step` in the trace settings (e.g. step = \"60s\") if rows are consecutive buckets; columns are: {}",
                columns.join(", ")
            )));
    }
    let value_index = if value_column.is_empty() {
        let others: Vec<usize> = (0..headers.len())
            .filter(|index| Some(*index) != time_index)
            .collect();
        match detect_column(&headers, VALUE_COLUMNS) {
            Some(index) => {
                found.push(format!("values from `{}`", &headers[index]));
                index
            }
            // One column beside the times can only be the values.
            None if others.len() == 1 => {
                found.push(format!(
                    "values from `{}` (the only other column)",
                    &headers[others[0]]
                ));
                others[0]
            }
            None => {
                let columns: Vec<&str> = headers.iter().collect();
                return Err(at_line(file, 1, 1, "no value column found")
                    .with_field("value_column")
                    .with_hint(format!(
                        "name it (`value_column` in a scenario, `--value-column` for `trace`); columns are: {}; recognised names: {}",
                        columns.join(", "),
                        VALUE_COLUMNS.join(", ")
                    )));
            }
        }
    } else {
        find(value_column)?
    };
    let value_name = headers[value_index].to_string();
    let kind = match format.kind {
        ValueKind::FromColumnName => {
            let name = headers[value_index].to_ascii_lowercase();
            let kind = match name.as_str() {
                "requests" | "count" => ValueKind::Count,
                "rps" | "rate" => ValueKind::Rate,
                _ => {
                    return Err(at_line(
                        file,
                        1,
                        1,
                        format!(
                            "cannot tell whether column `{}` holds counts or rates",
                            &headers[value_index]
                        ),
                    )
                    .with_field("kind")
                    .with_hint(
                        "say which: kind = \"count\" or \"rate\" in a scenario, --kind count or --kind rate for `trace`",
                    ));
                }
            };
            found.push(format!(
                "`{}` read as {}, as its name says",
                &headers[value_index],
                if kind == ValueKind::Count {
                    "counts per bucket"
                } else {
                    "requests per second"
                }
            ));
            Some(kind)
        }
        _ => None,
    };
    let mut detected = Vec::new();
    if !found.is_empty() {
        detected.push(format!("columns found: {}", found.join("; ")));
    }
    let mut rows = Vec::new();
    let mut absolute = None;
    let mut zones: Vec<(i64, FixedOffset)> = Vec::new();
    let step = format.step.unwrap_or(1) as i64;
    let mut read_ahead = has_rows;
    loop {
        // The first row was read ahead; the rest are read here.
        if !std::mem::take(&mut read_ahead) {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(error) => return Err(csv_error(file, &error)),
            }
        }
        let line = record.position().map_or(0, |position| position.line());
        let cell = |index: usize| std::str::from_utf8(field(&record, index)).unwrap_or("\u{fffd}");
        // The column of a cell's first character past its padding.
        let column_of = |index: usize| {
            let raw = record.get(index).unwrap_or(b"");
            1 + (0..index)
                .map(|i| record.get(i).map_or(0, <[u8]>::len) + 1)
                .sum::<usize>()
                + (raw.len() - raw.trim_ascii_start().len())
        };
        let value_text = cell(value_index);
        let value: f64 = value_text.parse().map_err(|_| {
            at_line(
                file,
                line,
                column_of(value_index),
                format!("`{value_text}` is not a number"),
            )
            .with_field(value_name.as_str())
            .with_hint("values must be non-negative numbers (requests per bucket or per second)")
        })?;
        if !value.is_finite() || !(0.0..=MAX_MAGNITUDE).contains(&value) {
            let (message, hint) = if value.is_nan() || value.is_infinite() {
                (
                    format!("`{value_text}` is not a finite number"),
                    "write the count or rate as a number; an unknown value is a gap (leave the row out)",
                )
            } else if value < 0.0 {
                (
                    format!("`{value_text}` is negative"),
                    "a request count or rate cannot be negative",
                )
            } else {
                (
                    format!("`{value_text}` is beyond the limit of {MAX_MAGNITUDE:e}"),
                    "no real load is this large: is this the right column?",
                )
            };
            return Err(at_line(file, line, column_of(value_index), message)
                .with_field(value_name.as_str())
                .with_hint(hint));
        }
        // A count is whole: 12.5 requests in a bucket means the column holds rates.
        if kind.unwrap_or(format.kind) == ValueKind::Count && value.fract() != 0.0 {
            return Err(at_line(
                file,
                line,
                column_of(value_index),
                format!("`{value_text}` is not a whole number of requests"),
            )
            .with_field(value_name.as_str())
            .with_hint(
                "counts per bucket are whole; if these are requests per second, say kind = \"rate\" in a scenario, --kind rate for `trace`",
            ));
        }
        let time = match time_index {
            None => rows.len() as i64 * step,
            Some(index) => {
                let text = cell(index);
                let (time, is_absolute, offset) = parse_time(text, format.time).ok_or_else(|| {
                    at_line(file, line, column_of(index), format!("`{text}` is not a time in the expected format"))
                        .with_field(&headers[index])
                        .with_hint("write offsets in seconds (`120`), epoch seconds (`1700000000`) or RFC 3339 (`2026-03-02T11:00:00+08:00`); set `time_format` to be explicit")
                })?;
                match absolute {
                    None => absolute = Some(is_absolute),
                    Some(previous) if previous != is_absolute => {
                        return Err(at_line(
                            file,
                            line,
                            column_of(index),
                            format!("`{text}` mixes absolute times and offsets"),
                        )
                        .with_field(&headers[index])
                        .with_hint("use one time format in the whole column"));
                    }
                    _ => {}
                }
                if let Some(offset) = offset
                    && zones.last().is_none_or(|(_, last)| *last != offset)
                {
                    zones.push((time, offset));
                }
                time
            }
        };
        rows.push(Sample { time, value, line });
    }
    if rows.is_empty() {
        return Err(Diagnostic::file(file, "trace has no data rows")
            .with_hint("a header row followed by one row per time bucket"));
    }
    Ok(Samples {
        rows,
        detected,
        kind,
        absolute: absolute.unwrap_or(false),
        zero_gaps: false,
        zones,
    })
}

/// `(seconds, absolute?, UTC offset written)` of a CSV time cell.
fn parse_time(text: &str, format: TimeFormat) -> Option<(i64, bool, Option<FixedOffset>)> {
    let rfc3339 = || {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|instant| (instant.timestamp(), true, Some(*instant.offset())))
    };
    let integer = || {
        text.parse::<i64>().ok().or_else(|| {
            text.parse::<f64>()
                .ok()
                .filter(|value| value.is_finite())
                .map(|value| value as i64)
        })
    };
    match format {
        TimeFormat::Rfc3339 => rfc3339(),
        TimeFormat::Offset => integer().map(|value| (value, false, None)),
        TimeFormat::Epoch => integer().map(|value| (value, true, None)),
        TimeFormat::Auto => match integer() {
            Some(value) => Some((value, value >= 1_000_000_000, None)),
            None => rfc3339(),
        },
    }
}

/// Column names read as times when a CSV trace does not name its time column, in order of
/// preference (absolute timestamps before offsets); `trace from-log` writes `timestamp_utc`.
pub const TIME_COLUMNS: &[&str] = &[
    "time",
    "timestamp",
    "timestamp_utc",
    "timestamp_local",
    "ts",
    "datetime",
    "date",
    "offset_seconds",
    "offset",
];

/// Column names read as values when a CSV trace does not name its value column.
pub const VALUE_COLUMNS: &[&str] = &["requests", "count", "value", "rps", "rate"];

/// The first of `names` (case-insensitive) among `headers`.
/// A cell without the spaces around it.
fn field(record: &csv::ByteRecord, index: usize) -> &[u8] {
    record.get(index).unwrap_or(b"").trim_ascii()
}

fn detect_column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|name| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
    })
}

fn csv_error(file: &str, error: &csv::Error) -> Diagnostic {
    if let csv::ErrorKind::Io(io) = error.kind() {
        return Diagnostic::file(file, format!("cannot read: {io}"));
    }
    let mut diagnostic = Diagnostic::file(file, format!("malformed CSV: {error}"))
        .with_hint("every row needs the same number of comma-separated fields as the header");
    if let Some(position) = error.position() {
        diagnostic.line = position.line() as usize;
        diagnostic.column = 1;
    }
    diagnostic
}
