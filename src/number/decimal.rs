//! Numbers as text without allocating, for the files written once per metric period
//! (`timeline.csv` of a year of minutes has half a million rows: `format!` per field was most
//! of `run --out`).

use std::fmt::Write as _;

/// Appends `value` with `PLACES` decimals to `out`, exactly as `format!("{value:.PLACES$}")`
/// writes it (the tests hold it to that).
///
/// The rounding of the exact decimal value is decided exactly: by the fraction of the computed
/// `value x 10^places`, or, when that is exactly one half, by the sign of the product's
/// rounding error (Dekker's exact product, no FMA), an exact half going to even (as
/// `core::fmt` does). The integer is printed with itoa. Values of 2^52 units or more, the
/// non-finite ones and more than 9 places go through `core::fmt`.
pub fn push_fixed<const PLACES: usize>(out: &mut Vec<u8>, value: f64) {
    let places = PLACES;
    const POWERS: [f64; 10] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
    const LIMIT: f64 = (1u64 << 52) as f64;
    if let Some(&power) = POWERS.get(places) {
        let magnitude = value.abs();
        let product = magnitude * power;
        if product < LIMIT {
            // Floor: non-negative and below 2^52 (as i64, which converts in one instruction).
            let whole = product as i64;
            let fraction = product - whole as f64; // exact
            let whole = whole as u64;
            let up = if fraction != 0.5 {
                // The fraction is a multiple of the product's ulp, as is one half, so it
                // differs from a half by at least an ulp: more than the error (at most half
                // an ulp), which cannot carry it across. A whole product stays whole.
                fraction > 0.5
            } else {
                // A computed half: the product's rounding error decides, and an exact half
                // goes to even.
                match exact_product(magnitude, power).1 {
                    0.0 => whole % 2 == 1,
                    error => error > 0.0,
                }
            };
            let units = whole + u64::from(up);
            if value.is_sign_negative() {
                out.push(b'-');
            }
            // One itoa call, the point put in its place: "12345" at 3 places is "12.345".
            let mut digits = itoa::Buffer::new();
            let digits = digits.format(units).as_bytes();
            if places == 0 {
                out.extend_from_slice(digits);
            } else if digits.len() > places {
                let point = digits.len() - places;
                out.extend_from_slice(&digits[..point]);
                out.push(b'.');
                out.extend_from_slice(&digits[point..]);
            } else {
                out.extend_from_slice(b"0.");
                out.extend(std::iter::repeat_n(b'0', places - digits.len()));
                out.extend_from_slice(digits);
            }
            return;
        }
    }
    let mut text = String::new();
    let _ = write!(text, "{value:.places$}");
    out.extend_from_slice(text.as_bytes());
}

/// A text appended often: the parts of a timeline row that repeat (a group's name, the
/// fleet's fields, an hour's time). One of at most [`Padded::WIDTH`] bytes is kept with room
/// after it and appended with one fixed-size copy; a longer one as it is.
#[derive(Debug, Clone)]
pub enum Padded {
    /// The text is the first `len` bytes.
    Short { bytes: [u8; Padded::WIDTH], len: u8 },
    /// Longer than [`Padded::WIDTH`].
    Long(Box<[u8]>),
}

impl Padded {
    /// The room of a short text, and the longest one.
    pub const WIDTH: usize = 32;

    /// `text`, kept.
    pub fn new(text: &[u8]) -> Padded {
        let mut bytes = [0; Padded::WIDTH];
        match bytes.get_mut(..text.len()) {
            Some(room) => {
                room.copy_from_slice(text);
                Padded::Short {
                    bytes,
                    len: text.len() as u8,
                }
            }
            None => Padded::Long(text.into()),
        }
    }

    /// The text.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Padded::Short { bytes, len } => &bytes[..usize::from(*len)],
            Padded::Long(text) => text,
        }
    }

    /// Appends the text to `out`.
    #[inline]
    pub fn put(&self, out: &mut Vec<u8>) {
        match self {
            Padded::Short { bytes, len } => Padded::put_from(out, bytes, usize::from(*len)),
            Padded::Long(text) => out.extend_from_slice(text),
        }
    }

    /// Appends `room[..len]`, copying [`Padded::WIDTH`] bytes and cutting back: `room` holds
    /// at least that many.
    #[inline]
    fn put_from(out: &mut Vec<u8>, room: &[u8], len: usize) {
        let chunk: &[u8; Padded::WIDTH] = room[..Padded::WIDTH]
            .try_into()
            .expect("the room is WIDTH bytes");
        let end = out.len() + len;
        out.extend_from_slice(chunk);
        out.truncate(end);
    }
}

/// `a x b` rounded, and the exact remainder `a x b - product` (Dekker 1971, with Veltkamp's
/// split), for finite non-negative `a` and a power of ten `b`; the remainder is 0 where the
/// split could underflow (products below 2^-900 print as zero anyway).
fn exact_product(a: f64, b: f64) -> (f64, f64) {
    let product = a * b;
    if !product.is_finite() || product < f64::from_bits(0x07b0_0000_0000_0000) {
        return (
            if product.is_nan() {
                f64::INFINITY
            } else {
                product
            },
            0.0,
        );
    }
    let split = |x: f64| {
        let c = 134_217_729.0 * x; // 2^27 + 1
        let high = c - (c - x);
        (high, x - high)
    };
    let ((a_high, a_low), (b_high, b_low)) = (split(a), split(b));
    let error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low;
    (product, error)
}

/// Appends an integer.
pub fn push_integer(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn fixed(value: f64, places: usize) -> String {
        let mut out = Vec::new();
        match places {
            0 => push_fixed::<0>(&mut out, value),
            1 => push_fixed::<1>(&mut out, value),
            2 => push_fixed::<2>(&mut out, value),
            3 => push_fixed::<3>(&mut out, value),
            4 => push_fixed::<4>(&mut out, value),
            6 => push_fixed::<6>(&mut out, value),
            9 => push_fixed::<9>(&mut out, value),
            12 => push_fixed::<12>(&mut out, value),
            _ => unreachable!(),
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fixed_matches_core_fmt() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.0005,
            0.0015,
            1e-9,
            -1e-9,
            999.9995,
            0.1 + 0.2,
            8.796093022208e12,
            8.796093022207e12,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            4_294_967_295.5,
        ];
        for _ in 0..12_000 {
            let magnitude = 10f64.powi(rng.random_range(-8..14));
            values.push(rng.random_range(-1.0..1.0) * magnitude);
            // Exact ties at each precision, and their neighbours.
            let tie = rng.random_range(0..100_000u64) as f64 + 0.5;
            for places in 0..7 {
                let value = tie / 10f64.powi(places);
                values.extend([value, value.next_up(), value.next_down()]);
            }
        }
        for value in values {
            for places in [0, 1, 2, 3, 4, 6, 9, 12] {
                assert_eq!(
                    fixed(value, places),
                    format!("{value:.places$}"),
                    "{value:e} {places}"
                );
            }
        }
    }

    #[test]
    fn integers_are_plain() {
        let mut out = Vec::new();
        push_integer(&mut out, 0);
        out.push(b',');
        push_integer(&mut out, u64::MAX);
        assert_eq!(out, b"0,18446744073709551615");
    }
}
