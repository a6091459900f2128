//! `timeline.csv`, written row by row as the engine produces the rows: a year of minutes never
//! sits in memory, and no field allocates.

use crate::engine::{TimelineRow, TimelineSink};
use crate::model::Scenario;
use crate::number::decimal::{Padded, push_fixed, push_integer};
use crate::outputs::columns;
use crate::plot::SeriesBuilder;
use crate::time::TimeText;
use std::io::Write;

/// Writes `timeline.csv` to `out`: the header at once, then each row as it is handed over,
/// gathered in a buffer of its own that goes to `out` in 1 MiB chunks (so `out` needs no
/// `BufWriter`). The first write error is kept (later rows are dropped) and returned by
/// [`TimelineWriter::finish`].
pub struct TimelineWriter<W: ChunkSink> {
    out: W,
    time: TimeText,
    /// Each group's name as a CSV field (quoted if it needs to be).
    groups: Vec<Padded>,
    line: Vec<u8>,
    /// The last row's fleet fields as written: most rows repeat them.
    fleet: FleetText,
    error: Option<std::io::Error>,
    /// With [`TimelineWriter::drawing`]: the rows as the charts read them back.
    periods: Option<Kept>,
}

/// A row's fleet fields (`,desired,pending,in_service,capacity`) as written, with the values
/// they were written from (the capacity's bits) and where the capacity starts: the fleet
/// changes only at events, so most rows repeat them.
struct FleetText {
    key: Option<(u32, u32, u32, u64)>,
    text: Padded,
    capacity_at: usize,
}

/// The chart a writer builds, and the clock of its times.
struct Kept {
    clock: crate::time::Clock,
    periods: SeriesBuilder,
    /// The last row's time, simulated and on the calendar.
    last: Option<(crate::time::SimTime, chrono::DateTime<chrono::FixedOffset>)>,
}

impl<W: ChunkSink> TimelineWriter<W> {
    /// A writer for `scenario`'s rows.
    pub fn new(scenario: &Scenario, out: W) -> TimelineWriter<W> {
        let groups = scenario
            .groups
            .iter()
            .map(|group| {
                let mut field = super::csv_bytes(|writer| writer.write_record([&group.name]));
                field.pop(); // the record's newline
                Padded::new(&field)
            })
            .collect();
        let mut writer = TimelineWriter {
            out,
            time: TimeText::new(scenario.clock),
            groups,
            line: Vec::with_capacity(Self::CHUNK + 512),
            fleet: FleetText {
                key: None,
                text: Padded::new(b""),
                capacity_at: 0,
            },
            error: None,
            periods: None,
        };
        writer
            .line
            .extend_from_slice(columns::timeline::HEADER.join(",").as_bytes());
        writer.line.push(b'\n');
        writer
    }

    /// Also builds the chart of the rows as `plot` reads `timeline.csv` back (the numbers
    /// as written, groups summed), for [`TimelineWriter::finish_drawing`].
    pub fn drawing(mut self, scenario: &Scenario) -> TimelineWriter<W> {
        self.periods = Some(Kept {
            clock: scenario.clock,
            periods: SeriesBuilder::new(scenario.ticks()),
            last: None,
        });
        self
    }

    /// [`TimelineWriter::finish`], with the chart's builder.
    pub fn finish_drawing(mut self) -> std::io::Result<(W, Option<SeriesBuilder>)> {
        let builder = self.periods.take().map(|kept| kept.periods);
        Ok((self.finish()?, builder))
    }

    /// Bytes gathered before a write.
    const CHUNK: usize = 1 << 20;

    fn write_out(&mut self) {
        if self.error.is_none()
            && let Err(error) = self.out.take(&mut self.line)
        {
            self.error = Some(error);
        }
        self.line.clear();
        self.line.reserve(Self::CHUNK + 512);
    }

    /// The output, once every row is written and flushed, or the first error.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.write_out();
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Where a [`TimelineWriter`] puts the bytes it gathered: any `Write` (written, the buffer
/// kept), or a [`super::WriteBehind`] (the buffer itself handed over, no copy).
pub trait ChunkSink {
    /// Takes the bytes of `chunk`; `chunk` is left empty or replaced.
    fn take(&mut self, chunk: &mut Vec<u8>) -> std::io::Result<()>;
    /// Once every chunk is taken.
    fn flush(&mut self) -> std::io::Result<()>;
}

impl<W: Write> ChunkSink for W {
    fn take(&mut self, chunk: &mut Vec<u8>) -> std::io::Result<()> {
        let written = self.write_all(chunk);
        chunk.clear();
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Write::flush(self)
    }
}

impl<W: ChunkSink> TimelineSink for TimelineWriter<W> {
    fn row(&mut self, row: &TimelineRow) {
        let line = &mut self.line;
        self.time.push(line, row.time);
        line.push(b',');
        self.groups[row.group].put(line);
        line.push(b',');
        let load_at = line.len();
        push_fixed::<3>(line, row.load_rps);
        let load_end = line.len();
        let key = (
            row.desired,
            row.pending,
            row.in_service,
            row.capacity_rps.to_bits(),
        );
        let fleet = &mut self.fleet;
        if fleet.key != Some(key) {
            let mut text = Vec::new();
            for count in [row.desired, row.pending, row.in_service] {
                text.push(b',');
                push_integer(&mut text, u64::from(count));
            }
            text.push(b',');
            fleet.capacity_at = text.len();
            push_fixed::<3>(&mut text, row.capacity_rps);
            fleet.text = Padded::new(&text);
            fleet.key = Some(key);
        }
        let capacity_at = line.len() + fleet.capacity_at;
        fleet.text.put(line);
        let capacity_end = line.len();
        line.push(b',');
        if let Some(utilization) = row.utilization {
            push_fixed::<4>(line, utilization);
        }
        line.push(b',');
        push_integer(line, row.violation_seconds);
        line.push(b',');
        push_fixed::<6>(line, row.cost_so_far);
        line.push(b'\n');
        if let Some(kept) = &mut self.periods {
            // The numbers as written, read back as `plot` reads the file.
            let number = |range: std::ops::Range<usize>| {
                std::str::from_utf8(&line[range])
                    .ok()
                    .and_then(|text| text.parse::<f64>().ok())
                    .unwrap_or(f64::NAN)
            };
            let time = match kept.last {
                Some((at, time)) if at == row.time => time,
                _ => kept.clock.at(row.time),
            };
            kept.last = Some((row.time, time));
            kept.periods.add(
                time,
                number(load_at..load_end),
                number(capacity_at..capacity_end),
                row.pending,
                row.violation_seconds as f64,
            );
        }
        if line.len() >= Self::CHUNK {
            self.write_out();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunOptions};

    /// The rows as the `csv` crate writes them with `format!` per field: the writer's oracle.
    fn reference(scenario: &Scenario, rows: &[TimelineRow]) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(columns::timeline::HEADER).unwrap();
        for row in rows {
            writer
                .write_record([
                    scenario.clock.format(row.time),
                    scenario.groups[row.group].name.clone(),
                    format!("{:.3}", row.load_rps),
                    row.desired.to_string(),
                    row.pending.to_string(),
                    row.in_service.to_string(),
                    format!("{:.3}", row.capacity_rps),
                    row.utilization
                        .map_or(String::new(), |value| format!("{value:.4}")),
                    row.violation_seconds.to_string(),
                    format!("{:.6}", row.cost_so_far),
                ])
                .unwrap();
        }
        writer.into_inner().unwrap()
    }

    #[test]
    fn streamed_rows_are_the_kept_rows_written_as_csv_writes_them() {
        // Lunch peak shown in Los Angeles crosses its spring-forward (2026-03-08); the WeChat
        // scenario has two groups.
        for file in [
            "scenarios/lunch-peak.toml",
            "scenarios/wechat-lite-app.toml",
        ] {
            let Ok(loaded) = crate::scenario::load(std::path::Path::new(file)) else {
                panic!("{file} loads");
            };
            let mut scenario = loaded.scenario.clone();
            scenario.groups[0].name = "web, \"eu\"".into();
            // A name longer than `Padded` keeps in its room goes out whole.
            if let Some(group) = scenario.groups.get_mut(1) {
                group.name = "a-group-name-longer-than-thirty-two-bytes".into();
            }
            scenario.clock.zone = Some(chrono_tz::America::Los_Angeles);
            let kept = engine::simulate(&scenario, &loaded.load, RunOptions::FULL);
            let mut streamed = Vec::new();
            let outcome = engine::simulate_streaming(
                &scenario,
                &loaded.load,
                RunOptions::FULL,
                &mut streamed,
            );
            assert_eq!(streamed, kept.timeline);
            assert!(outcome.timeline.is_empty());
            assert_eq!(outcome.total, kept.total);
            let mut writer = TimelineWriter::new(&scenario, Vec::new());
            for row in &kept.timeline {
                writer.row(row);
            }
            assert_eq!(
                writer.finish().unwrap(),
                reference(&scenario, &kept.timeline),
                "{file}"
            );
            // As `run --out` writes them: chunks handed to the writing thread, several of
            // them (the rows three times over are more than 1 MiB).
            let thrice: Vec<TimelineRow> = (0..3).flat_map(|_| kept.timeline.clone()).collect();
            let mut writer = TimelineWriter::new(
                &scenario,
                crate::report::WriteBehind::spawn(Vec::new()).unwrap(),
            );
            for row in &thrice {
                writer.row(row);
            }
            let written = writer.finish().unwrap().finish().unwrap();
            assert!(
                written.len() > 2 * TimelineWriter::<Vec<u8>>::CHUNK,
                "{file}"
            );
            assert_eq!(written, reference(&scenario, &thrice), "{file}");
        }
    }
}
