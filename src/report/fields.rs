//! One CSV record's fields written into one reused buffer: rows of many small texts (times,
//! counts, instance ids) without an allocation per field, which were a third of rendering a
//! year's `activities.csv`.

use crate::number::decimal::{push_fixed, push_integer};
use crate::time::{Clock, SimTime, TimeText};

/// The fields of the record being built; [`Fields::write`] hands them to the CSV writer
/// (which quotes them as it would `String`s) and clears them for the next record.
pub(super) struct Fields {
    text: Vec<u8>,
    /// Where each field ends in `text`.
    ends: Vec<usize>,
    /// One per time column: each keeps its hour's text, and a row's two times (an
    /// instance's launch and end) are hours apart.
    times: [TimeText; 2],
}

impl Fields {
    pub(super) fn new(clock: &Clock) -> Fields {
        Fields {
            text: Vec::new(),
            ends: Vec::new(),
            times: [TimeText::new(*clock), TimeText::new(*clock)],
        }
    }

    /// A field built by `write`, appending to the record's text.
    pub(super) fn with(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        write(&mut self.text);
        self.ends.push(self.text.len());
        self
    }

    pub(super) fn text(&mut self, text: &str) -> &mut Self {
        self.with(|out| out.extend_from_slice(text.as_bytes()))
    }

    pub(super) fn integer(&mut self, value: u64) -> &mut Self {
        self.with(|out| push_integer(out, value))
    }

    /// `value` to six places, as `format!("{value:.6}")`.
    pub(super) fn fixed6(&mut self, value: f64) -> &mut Self {
        self.with(|out| push_fixed::<6>(out, value))
    }

    /// RFC 3339 in the scenario's zone, as [`Clock::format`]; nothing for `None`. `column`
    /// (0 or 1) is the record's first or second time column.
    pub(super) fn time(&mut self, column: usize, time: Option<SimTime>) -> &mut Self {
        if let Some(time) = time {
            self.times[column].push(&mut self.text, time);
        }
        self.ends.push(self.text.len());
        self
    }

    /// Writes the record and clears the fields.
    pub(super) fn write(&mut self, writer: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
        let (text, ends) = (&self.text, &self.ends);
        let starts = std::iter::once(0).chain(ends.iter().copied());
        let result = writer.write_record(starts.zip(ends).map(|(start, &end)| &text[start..end]));
        self.text.clear();
        self.ends.clear();
        result
    }
}
