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

/// Bytes written to `W` on a thread of its own, in the chunks handed over (a
/// [`super::ChunkSink`]); the first error stops the writing and is returned by
/// [`WriteBehind::finish`] (chunks after it are refused).
pub struct WriteBehind<W: Write + Send + 'static> {
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
        Ok(WriteBehind { worker })
    }

    /// `W`, once every chunk is written and flushed, or the first error.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.worker.finish()
    }
}

impl<W: Write + Send + 'static> super::ChunkSink for WriteBehind<W> {
    /// Hands `chunk` itself over, an emptied one (or a new one) in its place.
    fn take(&mut self, chunk: &mut Vec<u8>) -> std::io::Result<()> {
        let capacity = chunk.capacity();
        if self.worker.hand_over(chunk, capacity) {
            Ok(())
        } else {
            Err(std::io::Error::other(
                "the writing stopped: WriteBehind::finish says why",
            ))
        }
    }

    /// Chunks are handed over whole; [`WriteBehind::finish`] flushes `W`.
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
    fn every_chunk_arrives_in_order() {
        use crate::report::ChunkSink;
        for count in [0, 1, 2, 7, 40] {
            let chunks: Vec<Vec<u8>> = (0..count)
                .map(|index| vec![(index % 251) as u8; 1000 + index])
                .collect();
            let mut out = WriteBehind::spawn(Vec::new()).unwrap();
            for chunk in &chunks {
                let mut handed = chunk.clone();
                out.take(&mut handed).unwrap();
                assert!(handed.is_empty());
            }
            assert_eq!(out.finish().unwrap(), chunks.concat(), "{count} chunks");
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
        use crate::report::ChunkSink;
        // The disk fills in the second chunk; chunks go on being handed over (the worker runs
        // on its own, so a later one may or may not be refused already), and the end says why.
        let mut out = WriteBehind::spawn(Full { room: 1010 }).unwrap();
        let mut refused = None;
        for _ in 0..50 {
            if let Err(error) = out.take(&mut vec![7; 1000]) {
                refused = Some(error.to_string());
                break;
            }
        }
        if let Some(refused) = refused {
            assert!(
                refused.contains("WriteBehind::finish says why"),
                "{refused}"
            );
        }
        assert_eq!(out.finish().err().unwrap().to_string(), "disk full");
        // A failure on the last chunk only is also seen.
        let mut out = WriteBehind::spawn(Full { room: 10 }).unwrap();
        out.take(&mut vec![7; 100]).unwrap();
        assert_eq!(out.finish().err().unwrap().to_string(), "disk full");
    }
}
