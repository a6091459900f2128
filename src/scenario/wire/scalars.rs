//! Scalars that parse in their own `Deserialize` (durations, times of day, date-times,
//! instants, per-zone values, removal-policy lists) and serialize back to the same text, so a
//! bad value is reported by toml at its exact span and a written value reads back equal.

use crate::model::RemovalPolicy;
use crate::time::{Seconds, format_duration, parse_duration};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A duration such as "90s", "5m", "2h", "7d".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub Seconds);

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = match TextOrNumber::deserialize(deserializer)? {
            TextOrNumber::Text(text) => text,
            // A bare number has no unit: say which two the user may have meant.
            TextOrNumber::Integer(number) => {
                let meant = if number > 0 && number % 60 == 0 {
                    format!("\"{number}s\" (the same as \"{}m\")", number / 60)
                } else {
                    format!("\"{number}s\" for seconds or \"{number}m\" for minutes")
                };
                return Err(serde::de::Error::custom(format!(
                    "`{number}` has no unit: write {meant}"
                )));
            }
            TextOrNumber::Float(number) => {
                return Err(serde::de::Error::custom(format!(
                    "`{number}` has no unit: write a duration such as \"90s\" or \"5m\""
                )));
            }
        };
        parse_duration(&text)
            .map(Duration)
            .map_err(serde::de::Error::custom)
    }
}

/// A duration as written: text, or a bare number (refused with a hint).
#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Text(String),
    Integer(i64),
    Float(f64),
}

/// A date-time as written: a string, or TOML's own unquoted date-time.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateTimeText {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateTimeText {
    fn into_text(self) -> String {
        match self {
            DateTimeText::Text(text) => text,
            DateTimeText::Toml(datetime) => datetime.to_string(),
        }
    }
}

/// A local time of day "HH:MM" or "HH:MM:SS", in seconds after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay(pub Seconds);

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let fail = || {
            serde::de::Error::custom(format!(
                "invalid time of day `{text}`; write \"HH:MM\", e.g. \"11:30\""
            ))
        };
        let parts: Vec<&str> = text.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(fail());
        }
        let numbers: Vec<u64> = parts
            .iter()
            .map(|part| part.parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|_| fail())?;
        let (hour, minute, second) = (numbers[0], numbers[1], numbers.get(2).copied().unwrap_or(0));
        if hour > 24 || minute > 59 || second > 59 || (hour == 24 && minute + second > 0) {
            return Err(fail());
        }
        Ok(TimeOfDay(hour * 3600 + minute * 60 + second))
    }
}

/// An RFC 3339 date-time with an offset, e.g. "2026-03-02T00:00:00+08:00".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTimeField(pub DateTime<FixedOffset>);

impl<'de> Deserialize<'de> for DateTimeField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = DateTimeText::deserialize(deserializer)?.into_text();
        if chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S").is_ok() {
            return Err(serde::de::Error::custom(format!(
                "date-time `{text}` has no offset: write e.g. \"{text}+08:00\", or \"{text}Z\" for UTC"
            )));
        }
        DateTime::parse_from_rfc3339(&text).map(DateTimeField).map_err(|error| {
            serde::de::Error::custom(format!(
                "invalid date-time `{text}` ({error}); write RFC 3339 with an offset, e.g. \"2026-03-02T00:00:00+08:00\""
            ))
        })
    }
}

/// A point in the run: an offset from the start ("2d10h") or an RFC 3339 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    /// Seconds after the start.
    Offset(Seconds),
    /// A calendar instant.
    At(DateTime<FixedOffset>),
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.contains('T') {
            return DateTime::parse_from_rfc3339(&text)
                .map(Instant::At)
                .map_err(|error| {
                    serde::de::Error::custom(format!("invalid date-time `{text}` ({error})"))
                });
        }
        parse_duration(&text).map(Instant::Offset).map_err(|error| {
            serde::de::Error::custom(format!(
                "{error}; an instant is an offset from the start (\"2d10h\") or an RFC 3339 date-time"
            ))
        })
    }
}

/// A value for every zone (`stock = 10`) or zone by zone (`stock = { "ap-1" = 10 }`), the
/// zones in the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum PerZoneWire<T> {
    Every(T),
    Each(Vec<(String, T)>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PerZoneWire<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = PerZoneWire<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, or a table of zone names to numbers")
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                T::deserialize(value.into_deserializer()).map(PerZoneWire::Every)
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                T::deserialize(value.into_deserializer()).map(PerZoneWire::Every)
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                T::deserialize(value.into_deserializer()).map(PerZoneWire::Every)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut zones = Vec::new();
                while let Some(zone) = map.next_key::<String>()? {
                    // Checked before growing.
                    if zones.len() == crate::limits::MAX_ZONES {
                        return Err(serde::de::Error::custom(format!(
                            "at most {} zones",
                            crate::limits::MAX_ZONES
                        )));
                    }
                    zones.push((zone, map.next_value()?));
                }
                Ok(PerZoneWire::Each(zones))
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

/// The most removal policies a group lists (AWS has seven besides a custom one).
pub const MAX_REMOVAL_POLICIES: usize = 8;

/// `removal_policy`: one policy or a list, each breaking the ties of the ones before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovalPolicies(pub Vec<RemovalPolicy>);

impl<'de> Deserialize<'de> for RemovalPolicies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RemovalPolicies;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a removal policy or a list of them")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                let policy = RemovalPolicy::deserialize(value.into_deserializer())?;
                Ok(RemovalPolicies(vec![policy]))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(policy) = seq.next_element()? {
                    // Checked before growing: a list has each policy at most once.
                    if list.len() == MAX_REMOVAL_POLICIES {
                        return Err(serde::de::Error::custom(format!(
                            "at most {MAX_REMOVAL_POLICIES} removal policies"
                        )));
                    }
                    list.push(policy);
                }
                Ok(RemovalPolicies(list))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_duration(self.0))
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (hour, minute, second) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        let text = if second == 0 {
            format!("{hour:02}:{minute:02}")
        } else {
            format!("{hour:02}:{minute:02}:{second:02}")
        };
        serializer.serialize_str(&text)
    }
}

impl Serialize for DateTimeField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339())
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Instant::Offset(seconds) => serializer.serialize_str(&format_duration(*seconds)),
            Instant::At(at) => serializer.serialize_str(&at.to_rfc3339()),
        }
    }
}

impl<T: Serialize> Serialize for PerZoneWire<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            PerZoneWire::Every(value) => value.serialize(serializer),
            PerZoneWire::Each(zones) => {
                let mut map = serializer.serialize_map(Some(zones.len()))?;
                for (zone, value) in zones {
                    map.serialize_entry(zone, value)?;
                }
                map.end()
            }
        }
    }
}

/// One policy as a string, several as a list: as the file most likely wrote it.
impl Serialize for RemovalPolicies {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [policy] => policy.serialize(serializer),
            list => list.serialize(serializer),
        }
    }
}
