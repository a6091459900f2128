//! Output on threads of its own: the engine hands timeline rows over in batches and goes on
//! simulating while they are formatted ([`Background`]), and the formatted bytes go to the
//! file from yet another thread ([`WriteBehind`]). `run --out` of a year of minutes writes
//! 38 MB: formatting and the kernel's copy were most of it, now beside the replay instead of
//! after each period. At most a few batches are in flight, so memory stays flat.

use crate::engine::{TimelineRow, TimelineSink};
use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

/// Rows per batch handed over.
const BATCH: usize = 1 << 14;
/// Bytes per chunk handed over.
const CHUNK: usize = 1 << 20;
/// Batches or chunks waiting for a worker before the producer waits.
const IN_FLIGHT: usize = 2;

/// A producer's end of a worker thread: items go over in batches, and the emptied batches come
/// back to be filled again.
struct Worker<T, R> {
    full: Option<SyncSender<Vec<T>>>,
    empty: Receiver<Vec<T>>,
    thread: Option<JoinHandle<R>>,
}

impl<T: Send + 'static, R: Send + 'static> Worker<T, R> {
    /// Starts `work`, which is handed each batch (in order) until `work` returns false or the
    /// batches end, and returns its result.
    fn spawn<S: Send + 'static>(
        name: &str,
        state: S,
        mut work: impl FnMut(&mut S, &[T]) -> bool + Send + 'static,
        finish: impl FnOnce(S) -> R + Send + 'static,
    ) -> std::io::Result<Worker<T, R>> {
        let (full, batches) = sync_channel::<Vec<T>>(IN_FLIGHT);
        let (done, empty) = channel();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let mut state = state;
                for mut batch in batches {
                    if !work(&mut state, &batch) {
                        break;
                    }
                    batch.clear();
                    let _ = done.send(batch);
                }
                finish(state)
            })?;
        Ok(Worker {
            full: Some(full),
            empty,
            thread: Some(thread),
        })
    }

    /// Sends `batch` and puts an empty one (a returned one if any) in its place; false if the
    /// worker has stopped.
    fn hand_over(&mut self, batch: &mut Vec<T>, capacity: usize) -> bool {
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(capacity));
        let batch = std::mem::replace(batch, next);
        self.full
            .as_ref()
            .is_some_and(|full| full.send(batch).is_ok())
    }

    /// The worker's result once it has every batch. A panic on the worker is resumed here.
    fn finish(&mut self) -> R {
        self.full = None;
        let thread = self.thread.take().expect("finish runs once");
        match thread.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

/// Feeds `S` on its own thread, in the order the rows come; [`Background::finish`] returns it.
pub struct Background<S: TimelineSink + Send + 'static> {
    batch: Vec<TimelineRow>,
    worker: Worker<TimelineRow, S>,
}

impl<S: TimelineSink + Send + 'static> Background<S> {
    /// Starts the worker thread that feeds `sink`.
    pub fn spawn(sink: S) -> std::io::Result<Background<S>> {
        let worker = Worker::spawn(
            "timeline",
            sink,
            |sink, rows| {
                for row in rows {
                    sink.row(row);
                }
                true
            },
            |sink| sink,
        )?;
        Ok(Background {
            batch: Vec::with_capacity(BATCH),
            worker,
        })
    }

    /// The sink, once every row has reached it.
    pub fn finish(mut self) -> S {
        if !self.batch.is_empty() {
            self.worker.hand_over(&mut self.batch, BATCH);
        }
        self.worker.finish()
    }
}

impl<S: TimelineSink + Send + 'static> TimelineSink for Background<S> {
    fn row(&mut self, row: &TimelineRow) {
        self.batch.push(*row);
        if self.batch.len() == BATCH {
            self.worker.hand_over(&mut self.batch, BATCH);
        }
    }
}

/// Bytes written to `W` on a thread of its own, in chunks of [`CHUNK`]; the first error
/// stops the writing and is returned by [`WriteBehind::finish`] (writes after it fail).
pub struct WriteBehind<W: Write + Send + 'static> {
    chunk: Vec<u8>,
    worker: Worker<u8, std::io::Result<W>>,
}

impl<W: Write + Send + 'static> WriteBehind<W> {
    /// Starts the thread that writes to `out`.
    pub fn spawn(out: W) -> std::io::Result<WriteBehind<W>> {
        let worker = Worker::spawn(
            "write-behind",
            (out, None),
            |(out, error): &mut (W, Option<std::io::Error>), bytes| match out.write_all(bytes) {
                Ok(()) => true,
                Err(failed) => {
                    *error = Some(failed);
                    false
                }
            },
            |(mut out, error)| match error {
                Some(error) => Err(error),
                None => out.flush().map(|()| out),
            },
        )?;
        Ok(WriteBehind {
            chunk: Vec::with_capacity(CHUNK),
            worker,
        })
    }

    fn hand_over(&mut self) -> std::io::Result<()> {
        if self.worker.hand_over(&mut self.chunk, CHUNK) {
            Ok(())
        } else {
            Err(std::io::Error::other(
                "the writing stopped: WriteBehind::finish says why",
            ))
        }
    }

    /// `W`, once every byte is written and flushed, or the first error.
    pub fn finish(mut self) -> std::io::Result<W> {
        if !self.chunk.is_empty() {
            // If the worker has stopped, its result says why.
            self.worker.hand_over(&mut self.chunk, CHUNK);
        }
        self.worker.finish()
    }
}

impl<W: Write + Send + 'static> Write for WriteBehind<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.chunk.extend_from_slice(bytes);
        if self.chunk.len() >= CHUNK {
            self.hand_over()?;
        }
        Ok(bytes.len())
    }

    /// Bytes are handed over in chunks; [`WriteBehind::finish`] flushes `W`.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn row(index: usize) -> TimelineRow {
        TimelineRow {
            time: index as u64 * 60,
            group: index % 3,
            load_rps: index as f64 * 0.5,
            desired: index as u32,
            pending: 1,
            in_service: 2,
            capacity_rps: 3.0,
            utilization: index.is_multiple_of(2).then_some(0.25),
            violation_seconds: index as u64,
            cost_so_far: index as f64,
        }
    }

    #[test]
    fn every_row_arrives_in_order() {
        // Around the batch size: none, fewer than one batch, exactly some batches, and more.
        for count in [0, 1, BATCH - 1, BATCH, 3 * BATCH, 5 * BATCH + 17] {
            let mut sink = Background::spawn(Vec::new()).unwrap();
            let rows: Vec<TimelineRow> = (0..count).map(row).collect();
            for one in &rows {
                sink.row(one);
            }
            assert_eq!(sink.finish(), rows, "{count} rows");
        }
    }

    #[test]
    fn every_byte_arrives_in_order() {
        for count in [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 5] {
            let bytes: Vec<u8> = (0..count).map(|index| (index % 251) as u8).collect();
            let mut out = WriteBehind::spawn(Vec::new()).unwrap();
            for piece in bytes.chunks(977) {
                out.write_all(piece).unwrap();
            }
            assert_eq!(out.finish().unwrap(), bytes, "{count} bytes");
        }
    }

    /// Takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::other("disk full"));
            }
            let taken = bytes.len().min(self.room);
            self.room -= taken;
            Ok(taken)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_first_error_is_returned() {
        // The disk fills in the second chunk; the writes go on past it (the worker runs on
        // its own, so a later write may or may not already fail), and the end says why.
        let mut out = WriteBehind::spawn(Full { room: CHUNK + 10 }).unwrap();
        let piece = vec![7; 1000];
        let mut later = None;
        for _ in 0..(4 * CHUNK / piece.len()) {
            if let Err(error) = out.write_all(&piece) {
                later = Some(error.to_string());
                break;
            }
        }
        if let Some(later) = later {
            assert!(later.contains("WriteBehind::finish says why"), "{later}");
        }
        let error = out.finish().err().expect("the disk filled");
        assert_eq!(error.to_string(), "disk full");
        // A failure on the last chunk only is also seen.
        let mut out = WriteBehind::spawn(Full { room: 10 }).unwrap();
        out.write_all(&[7; 100]).unwrap();
        assert_eq!(out.finish().err().unwrap().to_string(), "disk full");
    }
}
