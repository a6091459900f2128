//! Numbers as people read them, shared by every renderer (activity details, reports, plans,
//! chart labels): one formatting rule, so the same value reads the same everywhere.

/// A float as short text: `3.3`, `1`, `0.25`.
pub fn trim_float(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}
