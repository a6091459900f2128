//! Reading what users give, safely: sizes and line lengths are checked as bytes arrive, before
//! anything grows (a trace path that names `/dev/zero` fails at the first long line instead
//! of filling memory), and text is decoded the way editors save it (UTF-8 with or without a
//! byte-order mark, UTF-16 with one, as PowerShell's `>` writes); invalid UTF-8 is reported at
//! its line and column.

use crate::error::Diagnostic;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Largest scenario file: far above any hand-written scenario.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Largest JSON input (a Prometheus or CloudWatch export, an AWS describe output, a
/// baseline): parsed as a whole, so its size bounds memory.
pub const MAX_JSON_BYTES: u64 = 256 << 20;

/// Longest line of a text input (CSV traces, access logs).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Most rows of a CSV trace (about 40 bytes each once read: 800 MB at most).
pub const MAX_TRACE_ROWS: u64 = 20_000_000;

/// Reads the file at `path` (at most `max_bytes`) and decodes it to text; `label` and `what`
/// ("scenario", "baseline") name it in errors.
pub fn read_text(
    path: &Path,
    label: &str,
    what: &str,
    max_bytes: u64,
) -> Result<String, Diagnostic> {
    let file = std::fs::File::open(path)
        .map_err(|error| Diagnostic::file(label, format!("cannot read {what}: {error}")))?;
    read_text_from(file, label, what, max_bytes)
}

/// Reads `input` (at most `max_bytes`) and decodes it to text.
pub fn read_text_from(
    input: impl Read,
    label: &str,
    what: &str,
    max_bytes: u64,
) -> Result<String, Diagnostic> {
    let mut bytes = Vec::new();
    input
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| Diagnostic::file(label, format!("cannot read {what}: {error}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(Diagnostic::file(
            label,
            format!("the {what} is larger than {} MiB", max_bytes >> 20),
        )
        .with_hint("is this the right file? (a device or a binary file is not text)"));
    }
    decode(label, &bytes)
}

/// Text from bytes: UTF-8 (a leading byte-order mark is dropped), or UTF-16 with a
/// byte-order mark; anything else is an error at the line and column of the first bad byte.
pub fn decode(label: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(label, rest, 3);
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16, "LE")),
        [0xFE, 0xFF, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16, "BE")),
        _ => None,
    };
    if let Some((rest, unit, order)) = utf16 {
        let units = rest.chunks(2).map(|pair| match pair {
            [a, b] => unit([*a, *b]),
            _ => 0xFFFD,
        });
        return char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| {
                Diagnostic::file(label, format!("not valid UTF-16 {order}"))
                    .with_hint("save the file as UTF-8")
            });
    }
    utf8(label, bytes, 0)
}

fn utf8(label: &str, bytes: &[u8], skipped: usize) -> Result<String, Diagnostic> {
    String::from_utf8(bytes.to_vec()).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|byte| **byte == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|byte| *byte == b'\n')
            .map_or(0, |index| index + 1);
        // Columns count characters, as editors do; the valid prefix decodes.
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        let mut diagnostic = Diagnostic::file(
            label,
            format!(
                "not valid UTF-8: byte 0x{:02X} at byte offset {}",
                bytes[at],
                at + skipped
            ),
        )
        .with_hint(if bytes.contains(&0) {
            "this looks like UTF-16 without a byte-order mark, or a binary file: save it as UTF-8"
        } else {
            "save the file as UTF-8 (this byte is Latin-1 or Windows-1252 text)"
        });
        diagnostic.line = line;
        diagnostic.column = column;
        diagnostic
    })
}

/// `input` as it was written: decompressed when it starts with gzip's magic bytes (several
/// members, as `cat a.gz b.gz` makes them, are read in turn), else as it is. Compressed files
/// are recognised by content, not by name, so a renamed or piped file reads the same.
pub fn plain_or_gzip<'a>(input: impl Read + 'a) -> io::Result<Box<dyn BufRead + 'a>> {
    let mut plain = BufReader::with_capacity(1 << 18, input);
    if plain.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        return Ok(Box::new(BufReader::with_capacity(
            1 << 18,
            Gunzip(flate2::bufread::MultiGzDecoder::new(plain)),
        )));
    }
    Ok(Box::new(plain))
}

/// A gzip stream whose errors say that decompression failed, and the likely cause.
struct Gunzip<R>(R);

impl<R: Read> Read for Gunzip<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.0.read(buffer).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("the file is gzip but does not decompress ({error}): is it truncated?"),
            )
        })
    }
}

/// A reader that refuses, with the line number, a line longer than [`MAX_LINE_BYTES`] or more
/// than `max_lines` lines: what a streaming parser reads stays bounded whatever the file.
pub struct Bounded<R> {
    inner: R,
    line: u64,
    line_bytes: usize,
    max_lines: u64,
}

impl<R: Read> Bounded<R> {
    /// Wraps `inner`, allowing at most `max_lines` lines.
    pub fn new(inner: R, max_lines: u64) -> Self {
        Bounded {
            inner,
            line: 1,
            line_bytes: 0,
            max_lines,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        let chunk = &buffer[..read];
        // Newlines are found with memchr's vector search: a long CSV trace is mostly bytes
        // to scan, and a loop over each one showed in its reading time.
        if self.line_bytes + chunk.len() <= MAX_LINE_BYTES {
            // No line can grow past the limit within this chunk: count the newlines only.
            let newlines = memchr::memchr_iter(b'\n', chunk).count();
            self.line_bytes = match memchr::memrchr(b'\n', chunk) {
                Some(last) => chunk.len() - last - 1,
                None => self.line_bytes + chunk.len(),
            };
            self.line += newlines as u64;
            return match self.line > self.max_lines.saturating_add(1) {
                true => Err(self.too_many_lines()),
                false => Ok(read),
            };
        }
        let mut rest = chunk;
        loop {
            let (line, newline) = match memchr::memchr(b'\n', rest) {
                Some(at) => (&rest[..at], true),
                None => (rest, false),
            };
            self.line_bytes += line.len();
            if self.line_bytes > MAX_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {} is longer than {} KiB (is this a text file?)",
                        self.line,
                        MAX_LINE_BYTES >> 10
                    ),
                ));
            }
            if !newline {
                return Ok(read);
            }
            self.line += 1;
            self.line_bytes = 0;
            if self.line > self.max_lines.saturating_add(1) {
                return Err(self.too_many_lines());
            }
            rest = &rest[line.len() + 1..];
        }
    }
}

impl<R> Bounded<R> {
    fn too_many_lines(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("more than {} lines", self.max_lines),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_a_bom_and_utf16_decode() {
        assert_eq!(decode("f", b"a = 1").unwrap(), "a = 1");
        assert_eq!(decode("f", b"\xEF\xBB\xBFa = 1").unwrap(), "a = 1");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a = é".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode("f", &le).unwrap(), "a = é");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("{}".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode("f", &be).unwrap(), "{}");
    }

    #[test]
    fn invalid_utf8_names_its_line_and_column() {
        let error = decode("s.toml", b"a = 1\n# caf\xE9\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 6));
        assert_eq!(
            error.message,
            "not valid UTF-8: byte 0xE9 at byte offset 11"
        );
    }

    /// A reader giving `step` bytes at a time, so lines span reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let take = self.step.min(buffer.len()).min(self.bytes.len());
            buffer[..take].copy_from_slice(&self.bytes[..take]);
            self.bytes = &self.bytes[take..];
            Ok(take)
        }
    }

    fn bounded(bytes: &[u8], step: usize, max_lines: u64) -> Result<usize, String> {
        let mut read = Vec::new();
        Bounded::new(Trickle { bytes, step }, max_lines)
            .read_to_end(&mut read)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn limits_hold_exactly_at_their_thresholds_whatever_the_reads() {
        for step in [1, 7, 4096, 1 << 16, 1 << 21] {
            // A line of exactly MAX_LINE_BYTES passes; one byte more is refused, with its line.
            let mut text = b"a\n".to_vec();
            text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES));
            text.extend(b"\nb\n");
            assert_eq!(bounded(&text, step, 10), Ok(text.len()), "step {step}");
            text.insert(2, b'x');
            assert_eq!(
                bounded(&text, step, 10),
                Err("line 2 is longer than 1024 KiB (is this a text file?)".to_string()),
                "step {step}"
            );
            // The same for a last line without a newline.
            let last = vec![b'y'; MAX_LINE_BYTES];
            assert_eq!(bounded(&last, step, 10), Ok(last.len()));
            let last = vec![b'y'; MAX_LINE_BYTES + 1];
            assert!(
                bounded(&last, step, 10)
                    .unwrap_err()
                    .starts_with("line 1 is")
            );
            // `max_lines` lines (and a final line after the last newline) pass; one more fails.
            assert_eq!(bounded(b"1\n2\n3", step, 3), Ok(5));
            assert_eq!(bounded(b"1\n2\n3\n", step, 3), Ok(6));
            assert_eq!(
                bounded(b"1\n2\n3\n4\n", step, 3),
                Err("more than 3 lines".to_string())
            );
        }
    }

    #[test]
    fn long_lines_and_too_many_lines_are_refused_with_the_line() {
        let mut long = b"a\nb\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 1));
        let mut text = String::new();
        let error = Bounded::new(&long[..], 10)
            .read_to_string(&mut text)
            .unwrap_err();
        assert!(
            error.to_string().starts_with("line 3 is longer than"),
            "{error}"
        );
        let error = Bounded::new(&b"1\n2\n3\n4\n"[..], 2)
            .read_to_string(&mut text)
            .unwrap_err();
        assert_eq!(error.to_string(), "more than 2 lines");
        assert!(
            read_text_from(std::io::repeat(0).take(100), "z", "scenario", 50)
                .unwrap_err()
                .message
                .contains("larger than")
        );
    }
}
