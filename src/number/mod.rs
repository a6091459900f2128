//! Numbers as people read them, shared by every renderer (activity details, reports, plans,
//! chart labels): one formatting rule, so the same value reads the same everywhere.

pub mod decimal;

/// The shortest text that reads back as exactly `value` (`0.1`, `70`, `0.0000001`): for
/// values written into files the user pastes back, where four decimals would change them.
pub fn exact(value: f64) -> String {
    if value == 0.0 {
        "0".into()
    } else {
        format!("{value}")
    }
}

/// Money in machine-readable output is rounded to a millionth of the currency unit, so a sum
/// of prices reads as the decimal the price list gives (`7.644`, not `7.643999999999998`): far
/// below any price's precision (AWS lists hourly prices to four decimals), far above float
/// noise. docs/outputs.md states this rule.
pub fn money(value: f64) -> f64 {
    let rounded = (value * 1e6).round() / 1e6;
    if rounded.is_finite() {
        rounded + 0.0
    } else {
        value
    }
}

/// serde's `serialize_with` for an amount of money: [`money`].
pub fn serialize_money<S: serde::Serializer>(
    value: &f64,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(money(*value))
}

/// serde's `serialize_with` for an optional amount of money: [`money`].
pub fn serialize_optional_money<S: serde::Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.serialize_some(&money(*value)),
        None => serializer.serialize_none(),
    }
}

/// A float as short text: `3.3`, `1`, `0.25` (four decimals at most, as `{:.4}` rounds;
/// formatted without `core::fmt`'s exact algorithm, which made activity details a tenth of a
/// `run --out`).
pub fn trim_float(value: f64) -> String {
    let mut text = Vec::with_capacity(24);
    decimal::push_fixed::<4>(&mut text, value);
    let text = String::from_utf8(text).unwrap_or_default();
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// Relative difference within which a measured value and a threshold are equal. A file's
/// decimals are not exact in binary (0.57 x 40 is 22.799999999999997, not 22.8; 45.1% of a
/// capacity comes back as 45.10000000000001), so an exact comparison would put a documented
/// tie on the wrong side at random. One part in 10^9 is far below any difference a threshold
/// can mean, and far above the rounding of a few float operations (docs/semantics.md, "Ties").
pub const TIE: f64 = 1e-9;

/// `value > threshold`, a tie (within [`TIE`]) being equal.
#[inline]
pub fn above(value: f64, threshold: f64) -> bool {
    value - threshold > TIE * value.abs().max(threshold.abs())
}

/// For values and thresholds that are never negative, `above(value, threshold)` is
/// `value > threshold x ABOVE`: one multiplication the hot loop can fold into a constant
/// (the SLA's `max_utilization x ABOVE`), the same answer as [`above`].
pub const ABOVE: f64 = 1.0 / (1.0 - TIE);

/// Likewise `below(value, threshold)` is `value < threshold x BELOW` for non-negative values
/// (`threshold - value > TIE x threshold`).
pub const BELOW: f64 = 1.0 - TIE;

/// `value < threshold`, a tie being equal.
#[inline]
pub fn below(value: f64, threshold: f64) -> bool {
    above(threshold, value)
}

/// The smallest whole number at or above `value`, a value within [`TIE`] of a whole number
/// being that number: 4 x 50% / 50% needs 4 instances, not 5.
#[inline]
pub fn ceil(value: f64) -> f64 {
    let nearest = value.round();
    if (value - nearest).abs() <= TIE * value.abs().max(1.0) {
        nearest
    } else {
        value.ceil()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn money_reads_as_the_decimal_the_prices_give() {
        // 7.644 summed from 0.021 an hour comes out a few ulps off.
        let billed = (0..364).map(|_| 0.021).sum::<f64>();
        assert_ne!(billed, 7.644);
        assert_eq!(money(billed), 7.644);
        assert_eq!(money(166.65599999999944), 166.656);
        assert_eq!(money(-0.0).to_string(), "0");
        assert_eq!(money(f64::MAX), f64::MAX);
        assert_eq!(money(10.757333333333333), 10.757333);
    }

    use super::*;

    #[test]
    fn ties_land_on_the_equal_side_and_differences_do_not() {
        // The differential test's two cases.
        assert!(!above(22.8, 0.57 * 40.0) && !below(22.8, 0.57 * 40.0));
        assert!(!above(45.10000000000001, 45.1));
        assert!(above(22.81, 22.8) && below(22.79, 22.8));
        assert!(!above(0.0, 0.0) && above(1e-12, 0.0) && below(-1e-12, 0.0));
        // The folded form agrees on non-negative values, ties included.
        for (value, threshold) in [
            (22.8, 0.57 * 40.0),
            (22.81, 22.8),
            (22.8, 22.81),
            (45.18000000000001, 45.18),
            (45.18999999999999, 45.19),
            (0.0, 0.0),
            (5.0, 0.0),
        ] {
            assert_eq!(
                value > threshold * ABOVE,
                above(value, threshold),
                "{value} {threshold}"
            );
            assert_eq!(
                value < threshold / ABOVE,
                below(value, threshold),
                "{value} {threshold}"
            );
        }
        assert_eq!(ceil(4.000000000000001), 4.0);
        assert_eq!(ceil(4.0001), 5.0);
        assert_eq!(ceil(0.3 / 0.1), 3.0);
        assert_eq!(ceil(0.0), 0.0);
    }
}
