//! Numbers as people read them, shared by every renderer (activity details, reports, plans,
//! chart labels): one formatting rule, so the same value reads the same everywhere.

/// The shortest text that reads back as exactly `value` (`0.1`, `70`, `0.0000001`): for
/// values written into files the user pastes back, where four decimals would change them.
pub fn exact(value: f64) -> String {
    if value == 0.0 {
        "0".into()
    } else {
        format!("{value}")
    }
}

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
