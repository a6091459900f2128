//! JSON exports of monitoring systems: Prometheus `query_range`, CloudWatch `get-metric-data`.

use super::*;

pub(super) fn read_json(file: &str, input: impl Read) -> Result<serde_json::Value, Diagnostic> {
    let text = read_text_from(input, file, "JSON export", MAX_JSON_BYTES)?;
    serde_json::from_str(&text).map_err(|error| {
        at_line(
            file,
            error.line() as u64,
            error.column(),
            format!("invalid JSON: {error}"),
        )
    })
}

/// A Prometheus `query_range` response: `data.result[*].values = [[unix_time, "value"], ...]`;
/// several series are summed per timestamp (e.g. one per instance).
pub(super) fn read_prometheus(file: &str, input: impl Read) -> Result<Samples, Diagnostic> {
    let json = read_json(file, input)?;
    let shape = || {
        Diagnostic::file(file, "not a Prometheus query_range response").with_hint("expected {\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"values\":[[1700000000,\"12.5\"],...]}]}} from /api/v1/query_range")
    };
    let status = json.get("status").and_then(|status| status.as_str());
    if status == Some("error") {
        // Prometheus says why in its own words: pass them on.
        let text = |key: &str| json.get(key).and_then(|value| value.as_str()).unwrap_or("");
        return Err(Diagnostic::file(
            file,
            match text("errorType") {
                "" => format!("the Prometheus query failed: {}", text("error")),
                kind => format!("the Prometheus query failed: {} ({kind})", text("error")),
            },
        )
        .with_field("status")
        .with_hint("run the query again and save a response whose status is \"success\""));
    }
    if status != Some("success") {
        return Err(shape().with_field("status"));
    }
    let series = json
        .pointer("/data/result")
        .and_then(|result| result.as_array())
        .ok_or_else(shape)?;
    let mut sums: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    for (index, one) in series.iter().enumerate() {
        let values = one
            .get("values")
            .and_then(|values| values.as_array())
            .ok_or_else(|| shape().with_field(format!("data.result[{index}].values")))?;
        for point in values {
            let pair = point
                .as_array()
                .filter(|pair| pair.len() == 2)
                .ok_or_else(|| shape().with_field(format!("data.result[{index}].values")))?;
            let time = pair[0].as_f64().ok_or_else(|| shape().with_field("time"))? as i64;
            let value = match &pair[1] {
                serde_json::Value::String(text) => text.parse::<f64>().ok(),
                other => other.as_f64(),
            }
            .filter(|value| value.is_finite() && (0.0..=MAX_MAGNITUDE).contains(value))
            .ok_or_else(|| {
                Diagnostic::file(
                    file,
                    format!("sample `{}` is not a non-negative number", pair[1]),
                )
                .with_field(format!("data.result[{index}].values"))
            })?;
            *sums.entry(time).or_insert(0.0) += value;
        }
    }
    if sums.is_empty() {
        return Err(
            Diagnostic::file(file, "the query returned no samples").with_field("data.result")
        );
    }
    let rows = sums
        .into_iter()
        .enumerate()
        .map(|(index, (time, value))| Sample {
            time,
            value,
            line: index as u64 + 1,
        })
        .collect();
    // Epoch seconds carry no offset.
    Ok(Samples::exported(rows, Vec::new()))
}

/// AWS CLI `cloudwatch get-metric-data` output: `MetricDataResults[*]` with `Timestamps`
/// (RFC 3339, newest first by default) and `Values`.
pub(super) fn read_cloudwatch(
    file: &str,
    input: impl Read,
    id: Option<&str>,
) -> Result<Samples, Diagnostic> {
    let json = read_json(file, input)?;
    let shape = || {
        Diagnostic::file(file, "not a get-metric-data output").with_hint("expected {\"MetricDataResults\":[{\"Id\":\"m1\",\"Timestamps\":[...],\"Values\":[...]}]} from `aws cloudwatch get-metric-data`")
    };
    let results = json
        .get("MetricDataResults")
        .and_then(|results| results.as_array())
        .ok_or_else(shape)?;
    let result = match id {
        Some(id) => results
            .iter()
            .find(|result| result.get("Id").and_then(|value| value.as_str()) == Some(id))
            .ok_or_else(|| {
                let ids: Vec<&str> = results
                    .iter()
                    .filter_map(|result| result.get("Id")?.as_str())
                    .collect();
                Diagnostic::file(file, format!("no result with Id `{id}`"))
                    .with_field("MetricDataResults.Id")
                    .with_hint(format!("ids: {}", ids.join(", ")))
            })?,
        None => results.first().ok_or_else(|| {
            Diagnostic::file(file, "MetricDataResults is empty").with_field("MetricDataResults")
        })?,
    };
    let times = result
        .get("Timestamps")
        .and_then(|value| value.as_array())
        .ok_or_else(|| shape().with_field("Timestamps"))?;
    let values = result
        .get("Values")
        .and_then(|value| value.as_array())
        .ok_or_else(|| shape().with_field("Values"))?;
    if times.len() != values.len() {
        return Err(Diagnostic::file(
            file,
            format!("{} timestamps but {} values", times.len(), values.len()),
        )
        .with_field("MetricDataResults"));
    }
    let mut rows = Vec::with_capacity(times.len());
    let mut zones = Vec::with_capacity(times.len());
    for (index, (time, value)) in times.iter().zip(values).enumerate() {
        let text = time.as_str().unwrap_or("");
        let instant = DateTime::parse_from_rfc3339(text).map_err(|_| {
            Diagnostic::file(file, format!("timestamp `{text}` is not RFC 3339"))
                .with_field(format!("Timestamps[{index}]"))
        })?;
        let value = value
            .as_f64()
            .filter(|value| value.is_finite() && (0.0..=MAX_MAGNITUDE).contains(value))
            .ok_or_else(|| {
                Diagnostic::file(
                    file,
                    format!("value `{value}` is not a non-negative number"),
                )
                .with_field(format!("Values[{index}]"))
            })?;
        zones.push((instant.timestamp(), *instant.offset()));
        rows.push(Sample {
            time: instant.timestamp(),
            value,
            line: index as u64 + 1,
        });
    }
    if rows.is_empty() {
        return Err(Diagnostic::file(file, "the result has no datapoints").with_field("Values"));
    }
    // CloudWatch lists newest first: order is not a defect here.
    rows.sort_by_key(|sample| sample.time);
    Ok(Samples::exported(rows, zones))
}
