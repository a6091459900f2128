//! Simulated time: whole seconds since the scenario start, and the human duration syntax.
//!
//! The engine never reads a wall clock; it counts seconds from `scenario.start`. Seconds are
//! fine enough for every documented cloud behaviour (billing is per second, cooldowns and
//! boot times are whole seconds) and integer time keeps event order exact.

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta};

/// Seconds since the scenario start.
pub type SimTime = u64;

/// A span of simulated time in seconds.
pub type Seconds = u64;

/// Parses "90s", "5m", "2h", "7d", "1h30m" or "1d12h" into seconds.
///
/// Units: `s`, `m`, `h`, `d`, `w`. A bare number is rejected: a unit-less "300" in a scaling
/// file is a classic source of minutes-vs-seconds mistakes.
pub fn parse_duration(text: &str) -> Result<Seconds, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration; write e.g. \"90s\", \"5m\", \"2h\" or \"7d\"".into());
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut any_unit = false;
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => {
                return Err(format!(
                    "invalid duration `{text}`: unexpected `{ch}`; units are s, m, h, d, w (e.g. \"1h30m\")"
                ));
            }
        };
        if digits.is_empty() {
            return Err(format!(
                "invalid duration `{text}`: a unit needs a number before it (e.g. \"5m\")"
            ));
        }
        let value: u64 = digits
            .parse()
            .map_err(|_| format!("invalid duration `{text}`: number too large"))?;
        total = value
            .checked_mul(unit)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| format!("invalid duration `{text}`: too large"))?;
        digits.clear();
        any_unit = true;
    }
    if !digits.is_empty() {
        return Err(if any_unit {
            format!("invalid duration `{text}`: trailing number without a unit")
        } else {
            format!("invalid duration `{text}`: missing unit; write \"{text}s\" or \"{text}m\"")
        });
    }
    Ok(total)
}

/// Formats seconds compactly ("1h30m", "90s" -> "1m30s", "0s").
pub fn format_duration(seconds: Seconds) -> String {
    if seconds == 0 {
        return "0s".into();
    }
    let mut rest = seconds;
    let mut out = String::new();
    for (unit, suffix) in [(86_400, 'd'), (3600, 'h'), (60, 'm'), (1, 's')] {
        if rest >= unit {
            out.push_str(&(rest / unit).to_string());
            out.push(suffix);
            rest %= unit;
        }
    }
    out
}

/// Maps simulated seconds to the scenario's calendar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Wall-clock instant of `SimTime` 0, in the offset the scenario was written in.
    pub start: DateTime<FixedOffset>,
    /// The zone times are shown in (the scenario's `timezone`): its offset at each instant,
    /// so outputs and charts follow daylight saving; `None`: the start's offset throughout.
    pub zone: Option<chrono_tz::Tz>,
}

impl Clock {
    /// A clock showing times in the offset of `start`.
    pub fn new(start: DateTime<FixedOffset>) -> Self {
        Clock { start, zone: None }
    }

    /// The wall-clock instant of a simulated time, in the scenario's zone (else its offset).
    pub fn at(&self, time: SimTime) -> DateTime<FixedOffset> {
        let instant = self.start + TimeDelta::seconds(time as i64);
        match self.zone {
            Some(zone) => instant.with_timezone(&zone).fixed_offset(),
            None => instant,
        }
    }

    /// RFC 3339 text of a simulated time, e.g. `2026-03-02T11:00:00+08:00`.
    pub fn format(&self, time: SimTime) -> String {
        self.at(time).to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// Simulated seconds of a wall-clock instant, or `None` if it is before the start.
    pub fn sim_time(&self, instant: DateTime<FixedOffset>) -> Option<SimTime> {
        let delta = (instant - self.start).num_seconds();
        u64::try_from(delta).ok()
    }
}

/// [`Clock::format`] for times that mostly move forward a little at a time (one row per
/// metric period), without a calendar computation per call: the text of one UTC hour's start
/// is kept and the rest of the hour is written from it, while the offset is the same at both
/// ends of the hour and the local day does not change. Anything else asks the clock.
#[derive(Debug, Clone)]
pub struct TimeText {
    clock: Clock,
    /// The cached hour, `[from, from + 3600)`, when its offset holds throughout.
    from: Option<SimTime>,
    /// The text of the hour's start, whose `HH:MM:SS` (bytes 11 to 19) each call rewrites.
    text: crate::number::decimal::Padded,
    /// Local seconds after midnight at `from`.
    local_second: u64,
}

impl TimeText {
    /// Texts of `clock`.
    pub fn new(clock: Clock) -> TimeText {
        TimeText {
            clock,
            from: None,
            text: crate::number::decimal::Padded::new(b""),
            local_second: 0,
        }
    }

    /// Appends the RFC 3339 text of `time`: the same bytes as [`Clock::format`].
    pub fn push(&mut self, out: &mut Vec<u8>, time: SimTime) {
        let hour = time - time % 3600;
        if self.from != Some(hour) {
            self.cache(hour);
        }
        let local = self.from.map(|from| self.local_second + (time - from));
        match local {
            Some(local) if local < 86_400 => {
                let at = out.len();
                self.text.put(out);
                let (hour, minute, second) = (local / 3600, local / 60 % 60, local % 60);
                let digit = |value: u64| b'0' + value as u8;
                out[at + 11..at + 19].copy_from_slice(&[
                    digit(hour / 10),
                    digit(hour % 10),
                    b':',
                    digit(minute / 10),
                    digit(minute % 10),
                    b':',
                    digit(second / 10),
                    digit(second % 10),
                ]);
            }
            _ => out.extend_from_slice(self.clock.format(time).as_bytes()),
        }
    }

    fn cache(&mut self, hour: SimTime) {
        let start = self.clock.at(hour);
        let end = self.clock.at(hour + 3599);
        self.from = None;
        if start.offset() != end.offset() {
            return;
        }
        let text = start.to_rfc3339_opts(SecondsFormat::Secs, true);
        let bytes = text.as_bytes();
        if bytes.len() < 20 || !text.is_char_boundary(19) || bytes[10] != b'T' {
            return; // a year outside 0000-9999: the clock writes it
        }
        let digits = |range: std::ops::Range<usize>| text[range].parse::<u64>().ok();
        let (Some(h), Some(m), Some(s)) = (digits(11..13), digits(14..16), digits(17..19)) else {
            return;
        };
        self.text = crate::number::decimal::Padded::new(bytes);
        self.local_second = h * 3600 + m * 60 + s;
        self.from = Some(hour);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_text_writes_what_the_clock_formats() {
        let zones = [
            None,
            Some(chrono_tz::America::Los_Angeles),
            Some(chrono_tz::Asia::Kathmandu),
            Some(chrono_tz::Australia::Lord_Howe),
            Some(chrono_tz::Europe::London),
        ];
        for start in [
            "2026-03-07T23:59:17-08:00",
            "2026-10-24T00:00:00+05:45",
            "2026-01-01T00:00:00Z",
        ] {
            for zone in zones {
                let clock = Clock {
                    start: DateTime::parse_from_rfc3339(start).unwrap(),
                    zone,
                };
                let mut text = TimeText::new(clock);
                // Minutes across two DST changes, then jumps back and forth.
                let times = (0..60 * 24 * 40)
                    .map(|minute| minute * 60 + minute % 7)
                    .chain([0, 86_400 * 300, 7, 3599, 3600, 3601, 1]);
                for time in times {
                    let mut out = Vec::new();
                    text.push(&mut out, time);
                    assert_eq!(
                        String::from_utf8(out).unwrap(),
                        clock.format(time),
                        "{start} {zone:?} {time}"
                    );
                }
            }
        }
    }

    // Outputs follow the scenario's zone across a DST change (America/Los_Angeles springs
    // forward at 02:00 on 2026-03-08); without a zone, the start's offset holds throughout.
    #[test]
    fn times_are_shown_in_the_scenario_zone() {
        let start = DateTime::parse_from_rfc3339("2026-03-08T00:00:00-08:00").unwrap();
        let zoned = Clock {
            start,
            zone: Some(chrono_tz::America::Los_Angeles),
        };
        assert_eq!(zoned.format(3600), "2026-03-08T01:00:00-08:00");
        assert_eq!(zoned.format(3 * 3600), "2026-03-08T04:00:00-07:00");
        assert_eq!(
            Clock::new(start).format(3 * 3600),
            "2026-03-08T03:00:00-08:00"
        );
        assert_eq!(zoned.sim_time(zoned.at(3 * 3600)), Some(3 * 3600));
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("2h"), Ok(7200));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("1w"), Ok(604_800));
    }

    #[test]
    fn durations_reject_missing_or_unknown_units() {
        assert!(parse_duration("300").unwrap_err().contains("missing unit"));
        assert!(parse_duration("5x").unwrap_err().contains("unexpected `x`"));
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn durations_format_round_trip() {
        for text in ["0s", "90s", "5m", "1h30m", "7d", "1d2h3m4s"] {
            let seconds = parse_duration(text).unwrap();
            assert_eq!(parse_duration(&format_duration(seconds)), Ok(seconds));
        }
        assert_eq!(format_duration(90), "1m30s");
    }
}
