//! The values a sweep sets: their units and how they are written.

use crate::model::Recurrence;
use crate::time::{Seconds, SimTime, format_duration};
use std::sync::Arc;

/// The unit of a target's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number of instances or periods.
    Integer,
    /// Any number (may be negative for changes).
    Number,
    /// A duration, written with a unit.
    Duration,
    /// `true` or `false`.
    Bool,
    /// One of these spellings.
    Choice(&'static [&'static str]),
    /// When a scheduled task fires: an offset (`at`) or a cron pattern (`cron`), resolved
    /// against the task at validation.
    Schedule,
}

/// A scheduled task's time, with its firings inside the run computed once at validation.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// As written: `"1d11h"` or `"0 11 * * *"`.
    pub text: String,
    /// The recurrence it means.
    pub recurrence: Recurrence,
    /// Every firing inside the run.
    pub fires: Arc<Vec<SimTime>>,
}

/// A value of a parameter.
#[derive(Debug, Clone)]
pub enum Value {
    /// A number.
    Number(f64),
    /// Seconds.
    Duration(Seconds),
    /// A switch.
    Bool(bool),
    /// An enumeration's value, spelled as in scenario files.
    Word(&'static str),
    /// A scheduled task's time.
    Schedule(Arc<Schedule>),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Duration(a), Value::Duration(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Word(a), Value::Word(b)) => a == b,
            (Value::Schedule(a), Value::Schedule(b)) => a.text == b.text,
            _ => false,
        }
    }
}

impl Value {
    /// As written in TOML snippets: `75`, `"3m"`, `true`, `"newest_instance"`.
    pub fn to_toml(&self) -> String {
        match self {
            Value::Number(number) => crate::number::exact(*number),
            Value::Duration(seconds) => format!("\"{}\"", format_duration(*seconds)),
            Value::Bool(value) => value.to_string(),
            Value::Word(word) => format!("\"{word}\""),
            Value::Schedule(schedule) => format!("\"{}\"", schedule.text),
        }
    }

    /// For CSV cells: numbers plain, durations in seconds, words and schedules as written.
    pub fn to_csv(&self) -> String {
        match self {
            Value::Duration(seconds) => seconds.to_string(),
            Value::Word(word) => word.to_string(),
            Value::Schedule(schedule) => schedule.text.clone(),
            other => other.to_toml(),
        }
    }

    /// The value as a number, for ranges and charts (`None` for words and schedules;
    /// booleans are 0 and 1).
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(number) => Some(*number),
            Value::Duration(seconds) => Some(*seconds as f64),
            Value::Bool(value) => Some(f64::from(u8::from(*value))),
            Value::Word(_) | Value::Schedule(_) => None,
        }
    }

    pub(super) fn number(&self) -> f64 {
        self.as_number().unwrap_or(0.0)
    }

    pub(super) fn seconds(&self) -> Seconds {
        match self {
            Value::Duration(seconds) => *seconds,
            other => other.number() as Seconds,
        }
    }

    pub(super) fn whole(&self) -> u32 {
        self.number() as u32
    }

    pub(super) fn flag(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    pub(super) fn word(&self) -> &'static str {
        match self {
            Value::Word(word) => word,
            _ => "",
        }
    }
}
