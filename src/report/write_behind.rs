//! The timeline's bytes written from a thread of their own: the engine formats each row as it
//! closes a period and hands the file 1 MiB chunks, which the kernel copies into the page
//! cache on the other core (`run --out` of a year of minutes writes 38 MB, and that copy is
//! a large part of the run). At most two chunks are in flight, so memory stays flat. The
//! engine formats the rows itself: a formatting thread as well adds CPU without saving time.

use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

/// Chunks waiting for the writer before the producer waits.
const IN_FLIGHT: usize = 2;

/// Bytes written to `W` on a thread of its own, in the chunks handed over (a
/// [`super::ChunkSink`]); the first error stops the writing and is returned by
/// the refused chunk after it, or [`WriteBehind::finish`]. Emptied chunks come back to be
/// filled again.
pub struct WriteBehind<W: Write + Send + 'static> {
    /// To the writer; `None` once finished.
    full: Option<SyncSender<Vec<u8>>>,
    empty: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<std::io::Result<W>>>,
}

impl<W: Write + Send + 'static> WriteBehind<W> {
    /// Starts the thread that writes to `out`.
    pub fn spawn(mut out: W) -> std::io::Result<WriteBehind<W>> {
        let (full, chunks) = sync_channel::<Vec<u8>>(IN_FLIGHT);
        let (done, empty) = channel();
        let thread = std::thread::Builder::new()
            .name("write-behind".into())
            .spawn(move || {
                for mut chunk in chunks {
                    out.write_all(&chunk)?;
                    chunk.clear();
                    let _ = done.send(chunk);
                }
                out.flush()?;
                Ok(out)
            })?;
        Ok(WriteBehind {
            full: Some(full),
            empty,
            thread: Some(thread),
        })
    }

    /// `W`, once every chunk is written and flushed, or the first error. A panic on the writer
    /// is resumed here.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.join()
    }

    /// Closes the channel and waits for the writer: its result, or, if a refused chunk
    /// already returned the writer's error, that it did.
    fn join(&mut self) -> std::io::Result<W> {
        self.full = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Err(std::io::Error::other("the writing failed earlier")),
        }
    }
}

impl<W: Write + Send + 'static> super::ChunkSink for WriteBehind<W> {
    /// Hands `chunk` itself over, an emptied one (or a new one) in its place.
    fn take(&mut self, chunk: &mut Vec<u8>) -> std::io::Result<()> {
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(chunk.capacity()));
        let chunk = std::mem::replace(chunk, next);
        match &self.full {
            Some(full) if full.send(chunk).is_ok() => Ok(()),
            // The writer stopped at an error: it has ended, so the join is immediate and its
            // error (e.g. "No space left on device") is the one the user sees.
            _ => match self.join() {
                Err(error) => Err(error),
                Ok(_) => Err(std::io::Error::other("the writer ended early")),
            },
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
        // The disk fills in the second chunk; the chunks after it are refused (once the writer
        // has ended) with the writer's own error, and the end says it was reported.
        let mut out = WriteBehind::spawn(Full { room: 1010 }).unwrap();
        let mut refused = None;
        for _ in 0..5_000 {
            if let Err(error) = out.take(&mut vec![7; 1000]) {
                refused = Some(error.to_string());
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(refused.as_deref(), Some("disk full"));
        assert_eq!(
            out.finish().err().unwrap().to_string(),
            "the writing failed earlier"
        );
        // A failure on the last chunk only is also seen.
        let mut out = WriteBehind::spawn(Full { room: 10 }).unwrap();
        out.take(&mut vec![7; 100]).unwrap();
        assert_eq!(out.finish().err().unwrap().to_string(), "disk full");
    }
}
