//! Web server access logs, one request per line, counted into buckets.

use super::*;

/// Counts requests per bucket in a Common Log Format / nginx combined log:
/// `host ident user [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 ...`.
pub(super) fn read_access_log(file: &str, input: impl Read, bucket: Seconds) -> Result<Samples, Diagnostic> {
    let bucket = bucket.max(1) as i64;
    let mut counts: std::collections::BTreeMap<i64, (f64, u64)> = std::collections::BTreeMap::new();
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut bytes = Vec::new();
    let mut number = 0u64;
    loop {
        bytes.clear();
        let read = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|error| Diagnostic::file(file, format!("cannot read: {error}")))?;
        if read == 0 {
            break;
        }
        number += 1;
        // Bytes, not text: a URL or user agent may hold anything; the timestamp is ASCII.
        let line = String::from_utf8_lossy(&bytes);
        if line.trim().is_empty() {
            continue;
        }
        let time = access_log_time(&line).ok_or_else(|| {
            at_line(
                file,
                number,
                line.find('[').map_or(1, |at| at + 1),
                "no `[dd/Mon/yyyy:hh:mm:ss +zzzz]` timestamp on this line",
            )
            .with_hint("access logs must be in Common Log Format or nginx's combined format")
        })?;
        let slot = time.div_euclid(bucket) * bucket;
        let entry = counts.entry(slot).or_insert((0.0, number));
        entry.0 += 1.0;
    }
    if counts.is_empty() {
        return Err(Diagnostic::file(file, "the access log has no requests"));
    }
    let rows = counts
        .into_iter()
        .map(|(time, (value, line))| Sample { time, value, line })
        .collect();
    Ok(Samples {
        rows,
        detected: Vec::new(),
        kind: None,
        absolute: true,
        zero_gaps: true,
    })
}

/// Epoch seconds of an access log line's `[10/Oct/2000:13:55:36 -0700]`.
pub fn access_log_time(line: &str) -> Option<i64> {
    let open = line.find('[')?;
    let close = open + line[open..].find(']')?;
    DateTime::parse_from_str(&line[open + 1..close], "%d/%b/%Y:%H:%M:%S %z")
        .ok()
        .map(|instant| instant.timestamp())
}

