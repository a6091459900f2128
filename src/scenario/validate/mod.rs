//! Wire to model: every semantic check, collecting all problems with their spans.
//!
//! One module per table of the scenario file; this one holds the [`Checker`] they share.
//! Cross-field invariants are not written here: they are the model's own
//! ([`Scenario::violations`]), mapped back to the file's lines.

mod group;
mod instance_types;
mod load;
mod policies;
mod rules;
mod scenario;
mod sweep;
mod tasks;

pub use policies::{apply_policy, file_safe_name};
pub use scenario::validate;
pub use sweep::sweep;

use super::wire;
use crate::error::{Diagnostic, did_you_mean};
use crate::limits::*;
use crate::load::trace::{DuplicatePolicy, GapPolicy, Source, TimeFormat, TraceFormat, ValueKind};
use crate::load::{Base, Burst, DailyWindow, Diurnal, Growth, LoadSpec, Noise, Trace};
use crate::model::defaults::*;
use crate::model::*;
use crate::time::{Clock, Seconds, SimTime, format_duration};
use chrono::Timelike;
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds as CronSeconds, Year};
use std::ops::Range;
use toml::Spanned;

/// Reads a trace named in the scenario: `(path as written) -> Ok(trace) | Err(diagnostics)`.
/// The caller resolves the path and does the I/O.
pub type TraceReader<'a> = dyn FnMut(&str, &TraceFormat, &Clock) -> Result<Trace, Diagnostic> + 'a;

/// Collects diagnostics against one source file.
pub struct Checker<'a> {
    file: &'a str,
    source: &'a str,
    pub problems: Vec<Diagnostic>,
    /// Scheduled firings enumerated so far (against [`MAX_TOTAL_FIRINGS`]).
    firings: usize,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Self {
        Checker {
            file,
            source,
            problems: Vec::new(),
            firings: 0,
        }
    }

    /// Records a problem at `span`, naming `field` and suggesting `hint`.
    pub(super) fn error(
        &mut self,
        span: Range<usize>,
        field: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let mut diagnostic =
            Diagnostic::at_span(self.file, self.source, span, message).with_field(field);
        let hint = hint.into();
        if !hint.is_empty() {
            diagnostic = diagnostic.with_hint(hint);
        }
        self.problems.push(diagnostic);
    }

    /// A finite number within `range`, or a recorded problem.
    pub(super) fn number(
        &mut self,
        value: &Spanned<f64>,
        field: &str,
        low: f64,
        high: f64,
        hint: &str,
    ) -> f64 {
        let number = *value.get_ref();
        let key = field.rsplit('.').next().unwrap_or(field);
        if number.is_nan() {
            self.error(
                value.span(),
                field,
                format!("`{key}` is not a number (nan)"),
                hint,
            );
            return number;
        }
        if number.is_finite()
            && number >= low
            && number <= high
            && (number.abs() > MAX_MAGNITUDE || (low == f64::MIN_POSITIVE && number < MIN_POSITIVE))
        {
            let limit = if number.abs() > MAX_MAGNITUDE {
                format!("beyond the limit of {MAX_MAGNITUDE:e}")
            } else {
                format!("below the smallest accepted {MIN_POSITIVE:e}")
            };
            self.error(
                value.span(),
                field,
                format!("`{key}` is {number:e}, {limit}"),
                hint,
            );
            return number;
        }
        if !number.is_finite() || number < low || number > high {
            let range = if low == f64::MIN_POSITIVE && high.is_infinite() {
                "positive".to_string()
            } else if low == f64::MIN_POSITIVE {
                format!("positive and at most {high}")
            } else if high.is_infinite() {
                format!("at least {low}")
            } else {
                format!("between {low} and {high}")
            };
            self.error(
                value.span(),
                field,
                format!("`{key}` is {number}, must be {range}"),
                hint,
            );
        }
        number
    }

    /// A number read without a span of its own (alarm thresholds, step bounds): finite and
    /// within [`MAX_MAGNITUDE`], or a recorded problem at `span`.
    pub(super) fn finite(&mut self, number: f64, span: Range<usize>, field: &str, what: &str) {
        if !number.is_finite() || number.abs() > MAX_MAGNITUDE {
            self.error(
                span,
                field,
                format!("{what} is {number}, not a finite number within ±{MAX_MAGNITUDE:e}"),
                "write a plain number, e.g. 80",
            );
        }
    }

    /// Whether `name` is unique in `seen`; records a duplicate otherwise.
    pub fn unique_name(&mut self, seen: &mut Vec<String>, name: &Spanned<String>, what: &str) {
        if seen.contains(name.get_ref()) {
            self.error(
                name.span(),
                "name",
                format!("duplicate {what} name `{}`", name.get_ref()),
                format!("each {what} needs its own name"),
            );
        }
        seen.push(name.get_ref().clone());
    }

    /// Index of `name` among `names`, or a recorded "unknown" problem with a suggestion.
    pub(super) fn reference(
        &mut self,
        name: &Spanned<String>,
        names: &[String],
        field: &str,
        what: &str,
    ) -> Option<usize> {
        let found = names
            .iter()
            .position(|candidate| candidate == name.get_ref());
        if found.is_none() {
            let hint = match did_you_mean(name.get_ref(), names.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None if names.is_empty() => format!("define a {what} first"),
                None => format!("known: {}", names.join(", ")),
            };
            self.error(
                name.span(),
                field,
                format!("unknown {what} `{}`", name.get_ref()),
                hint,
            );
        }
        found
    }
}

pub(super) fn timezone(checker: &mut Checker, value: &Spanned<String>) -> Tz {
    value.get_ref().parse::<Tz>().unwrap_or_else(|_| {
        let hint = match did_you_mean(
            value.get_ref(),
            chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()),
        ) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "use an IANA zone name such as `Asia/Shanghai` or `UTC`".into(),
        };
        checker.error(
            value.span(),
            "timezone",
            format!("unknown time zone `{}`", value.get_ref()),
            hint,
        );
        Tz::UTC
    })
}

pub(super) fn instant(clock: &Clock, value: wire::Instant) -> Option<SimTime> {
    match value {
        wire::Instant::Offset(offset) => Some(offset),
        wire::Instant::At(at) => clock.sim_time(at),
    }
}
