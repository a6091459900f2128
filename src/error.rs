//! Input diagnostics: what is wrong, where (file, line, column, field) and what to do.
//!
//! Every error a user can cause with a file is a [`Diagnostic`]; the CLI prints them all and
//! exits 2. Rendering follows rustc / uv: a header, a `-->` location, the source line with a
//! caret under the culprit, and a `hint:`.

use std::fmt;

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path of the file as the user gave it.
    pub file: String,
    /// 1-based line, 0 when the problem is not at a position (e.g. an unreadable file).
    pub line: usize,
    /// 1-based column (characters), 0 when unknown.
    pub column: usize,
    /// The field (dotted key or CSV column) the problem is in, when known.
    pub field: Option<String>,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The source line and the width of the culprit, for the caret.
    pub snippet: Option<(String, usize)>,
}

impl Diagnostic {
    /// A problem with the whole file (unreadable, empty).
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: 0,
            column: 0,
            field: None,
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    /// A problem at a byte range of `source`.
    pub fn at_span(
        file: &str,
        source: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = span.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let width = source[start..span.end.clamp(start, line_end)]
            .chars()
            .count()
            .max(1);
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            field: None,
            message: message.into(),
            hint: None,
            snippet: Some((line_text.to_string(), width)),
        }
    }

    /// Names the field.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Most characters of a source line a diagnostic shows (longer lines show a window of
/// [`SNIPPET_WIDTH`] around the column).
const SNIPPET_MAX: usize = 160;
/// Characters shown of a line longer than [`SNIPPET_MAX`].
const SNIPPET_WIDTH: usize = 120;

impl fmt::Display for Diagnostic {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => writeln!(out, "error: {} (field `{field}`)", self.message)?,
            None => writeln!(out, "error: {}", self.message)?,
        }
        if self.line == 0 {
            write!(out, "  --> {}", self.file)?;
        } else {
            write!(out, "  --> {}:{}:{}", self.file, self.line, self.column)?;
        }
        if let Some((text, width)) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            // A long line shows a window around the column, so the caret stays on screen.
            let chars: Vec<char> = text.chars().collect();
            let column = self.column.saturating_sub(1);
            let long = chars.len() > SNIPPET_MAX;
            let (from, prefix) = if long && column > SNIPPET_WIDTH / 2 {
                (column - SNIPPET_WIDTH / 2, "…")
            } else {
                (0, "")
            };
            let to = if long {
                (from + SNIPPET_WIDTH).min(chars.len())
            } else {
                chars.len()
            };
            let suffix = if to < chars.len() { "…" } else { "" };
            let shown: String = chars[from..to].iter().collect();
            let indent = " ".repeat(column - from + prefix.chars().count());
            write!(
                out,
                "\n{pad} |\n{number} | {prefix}{shown}{suffix}\n{pad} | {indent}{}",
                "^".repeat((*width).min(to.saturating_sub(column).max(1)))
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(out, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// All problems found in one pass over an input; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{diagnostic}")?;
        }
        if self.0.len() > 1 {
            writeln!(out, "\nerror: {} problems found", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate to `word` by edit distance, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(word.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_maps_to_line_and_column() {
        let source = "a = 1\nbb = \"x\"\n";
        let diagnostic = Diagnostic::at_span("f.toml", source, 11..14, "bad");
        assert_eq!((diagnostic.line, diagnostic.column), (2, 6));
        let text = diagnostic.with_hint("fix it").to_string();
        assert!(text.contains("--> f.toml:2:6"), "{text}");
        assert!(text.contains("2 | bb = \"x\""), "{text}");
        assert!(text.contains("  |      ^^^"), "{text}");
        assert!(text.contains("hint: fix it"), "{text}");
    }

    #[test]
    fn suggestions_pick_close_words_only() {
        let keys = ["cooldown", "default_cooldown", "removal_policy"];
        assert_eq!(did_you_mean("cooldwon", keys), Some("cooldown"));
        assert_eq!(did_you_mean("removal_polcy", keys), Some("removal_policy"));
        assert_eq!(did_you_mean("price", keys), None);
    }
}
