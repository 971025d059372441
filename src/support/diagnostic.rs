//! Problems found in a handbook root, as values.
//!
//! Every stage reports what is wrong by pushing a [`Diagnostic`] into a
//! [`Diagnostics`] collector instead of stopping at the first problem, so one
//! run of `handbook check` lists everything a policy lead has to fix. A
//! diagnostic names the file, the line and column, says what is wrong in plain
//! words and, where it can, how to fix it.
//!
//! This module only holds and prints problems; it never decides whether a
//! build goes ahead (the caller asks [`Diagnostics::has_errors`]).

use crate::support::lock::Locked;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// An address on another site that a text links to, and where the link is
/// written (for notes that point at the source, not the output).
pub type OutsideLink = (String, Location);

use serde::Serialize;

/// One text file read from the handbook root, kept so that problems can be
/// shown with the line they are on.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the handbook root, with `/` separators, as shown to users.
    pub path: String,
    /// The file's text, with a leading byte-order mark and CR line endings removed.
    pub text: String,
    /// The fingerprint of `text`, worked out when first asked for.
    digest: std::sync::OnceLock<[u8; 16]>,
}

impl SourceFile {
    /// Wraps a file's text. `path` is the path shown to users.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            path: path.into(),
            text: text.into(),
            digest: std::sync::OnceLock::new(),
        })
    }

    /// A fingerprint of the file's text, worked out once per file read (a
    /// file kept between saves is not read through again).
    pub fn fingerprint(&self) -> [u8; 16] {
        *self.digest.get_or_init(|| {
            let mut f = crate::support::fingerprint::Fingerprint::default();
            f.text(&self.text);
            f.finish()
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// The byte offset of a 1-based line and column (columns in characters).
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let mut start = 0;
        for _ in 1..line.max(1) {
            match self.text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return self.text.len(),
            }
        }
        let rest = &self.text[start..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        start
            + rest[..line_end]
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(line_end, |(i, _)| i)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Listed for review; never fails a check.
    Note,
    /// Needs attention (an overdue review, a stale override); fails `check --deny-warnings`.
    Warning,
    /// Stops the build.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where a problem is: a file and, when known, a byte range in it.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range in the file's text; empty ranges point between characters.
    pub span: Option<(usize, usize)>,
}

/// One problem, with everything needed to show and fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A short stable code, such as `unknown-id`, for scripts and documentation.
    pub code: &'static str,
    /// What is wrong, in plain words.
    pub message: Box<str>,
    /// What to do about it.
    pub hint: Option<Box<str>>,
    /// Where it is. `None` for problems that belong to no file (a missing folder).
    pub location: Option<Location>,
    /// A file path to name when there is no text to point into (a file that is not UTF-8).
    pub path: Option<Box<str>>,
    /// Extra text shown after the message, such as a diff.
    pub detail: Option<Box<str>>,
}

/// Whether `c` is a character that shows as nothing, or moves the text
/// around it, where a message quotes it: format characters (zero-width
/// spaces and joiners, the byte-order mark, soft hyphens, bidirectional
/// controls, variation selectors) and the control characters no page may
/// hold.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
    ) || crate::support::characters::is_unpublishable(c)
}

/// A message's text with each invisible character (see [`is_invisible`])
/// written as `⟨U+200B⟩`, so a reader sees the character a message is
/// about: `there is no page with the id `⟨U+200B⟩step-3``.
fn shown(text: String) -> String {
    if !text.chars().any(is_invisible) {
        return text;
    }
    text.chars()
        .map(|c| {
            if is_invisible(c) {
                format!("⟨U+{:04X}⟩", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A new warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// A new note.
    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            message: shown(message.into()).into_boxed_str(),
            hint: None,
            location: None,
            path: None,
            detail: None,
        }
    }

    /// Points the problem at a byte range of a file.
    pub fn at(mut self, file: &Arc<SourceFile>, start: usize, end: usize) -> Self {
        self.location = Some(Location {
            file: Arc::clone(file),
            span: Some((start, end.max(start))),
        });
        self
    }

    /// Points the problem at a whole file.
    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        self.location = Some(Location {
            file: Arc::clone(file),
            span: None,
        });
        self
    }

    /// Names a file whose text could not be read.
    pub fn in_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into().into_boxed_str());
        self
    }

    /// Adds advice on how to fix the problem.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(shown(hint.into()).into_boxed_str());
        self
    }

    /// Adds extra text shown under the message (a diff, a list).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into().into_boxed_str());
        self
    }

    /// The file path shown to users, if any.
    pub fn file_path(&self) -> Option<&str> {
        self.location
            .as_ref()
            .map(|l| l.file.path.as_str())
            .or(self.path.as_deref())
    }

    /// The 1-based line and column, if the problem points into a file.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let location = self.location.as_ref()?;
        let (start, _) = location.span?;
        Some(location.file.line_col(start))
    }

    /// `file:line:col`, `file`, or nothing.
    pub fn position(&self) -> String {
        match (self.file_path(), self.line_col()) {
            (Some(path), Some((line, col))) => format!("{path}:{line}:{col}"),
            (Some(path), None) => path.to_string(),
            _ => String::new(),
        }
    }

    /// The problem as a miette report, to print with source context.
    pub fn to_report(&self) -> miette::Report {
        miette::Report::new(Reportable(self.clone()))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let position = self.position();
        if !position.is_empty() {
            write!(f, "{position}: ")?;
        }
        write!(f, "{}: {}", self.severity, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        if let Some(detail) = &self.detail {
            for line in detail.lines() {
                write!(f, "\n    {line}")?;
            }
        }
        Ok(())
    }
}

/// A diagnostic as miette sees it: the message headed by its position, the
/// source line underlined, and the hint as help.
#[derive(Debug)]
struct Reportable(Diagnostic);

impl fmt::Display for Reportable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let position = self.0.position();
        if position.is_empty() {
            f.write_str(&self.0.message)
        } else {
            write!(f, "{position}: {}", self.0.message)
        }
    }
}

impl std::error::Error for Reportable {}

impl miette::Diagnostic for Reportable {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.0.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match (&self.0.hint, &self.0.detail) {
            (Some(hint), Some(detail)) => Some(Box::new(format!("{hint}\n{detail}"))),
            (Some(hint), None) => Some(Box::new(hint)),
            (None, Some(detail)) => Some(Box::new(detail)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        let location = self.0.location.as_ref()?;
        location.span?;
        Some(&location.file.text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let location = self.0.location.as_ref()?;
        let (start, end) = location.span?;
        let len = end.saturating_sub(start);
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(
            Some("here".into()),
            start,
            len,
        ))))
    }
}

/// A problem as scripts see it (`--format json`).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    hint: Option<&'a str>,
    detail: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        let line_col = d.line_col();
        Self {
            severity: d.severity,
            code: d.code,
            file: d.file_path(),
            line: line_col.map(|(l, _)| l),
            column: line_col.map(|(_, c)| c),
            message: &d.message,
            hint: d.hint.as_deref(),
            detail: d.detail.as_deref(),
        }
    }
}

/// A thread-safe collector of problems, shared by every stage of a run.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn push(&self, diagnostic: Diagnostic) {
        self.items.locked().push(diagnostic);
    }

    /// Records several problems.
    pub fn extend(&self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        let mut items = self.items.locked();
        items.extend(diagnostics);
    }

    /// Whether any error has been recorded.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// How many problems of one severity have been recorded.
    pub fn count(&self, severity: Severity) -> usize {
        self.items
            .locked()
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// The problems of one severity recorded so far, sorted by file and
    /// position, duplicates removed; the run goes on recording.
    pub fn sorted_of(&self, severity: Severity) -> Vec<Diagnostic> {
        let found = self
            .items
            .locked()
            .iter()
            .filter(|d| d.severity == severity)
            .cloned()
            .collect();
        Diagnostics {
            items: Mutex::new(found),
        }
        .into_sorted()
    }

    /// All problems, sorted by file and position, duplicates removed.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_value();
        items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.file_path().map(str::to_owned),
                    d.location.as_ref().and_then(|l| l.span).map(|s| s.0),
                    std::cmp::Reverse(d.severity),
                    d.message.to_string(),
                )
            };
            key(a).cmp(&key(b))
        });
        items.dedup_by(|a, b| a.to_string() == b.to_string());
        items
    }
}

/// The path of `path` relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The known names closest to `wanted`, best first, for "did you mean" hints.
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&wanted_lower, &k.to_lowercase()), k))
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// "Did you mean `a`, `b`?" or a fallback sentence when nothing is close.
pub fn did_you_mean<'a>(
    wanted: &str,
    known: impl IntoIterator<Item = &'a str>,
    fallback: &str,
) -> String {
    let near = closest(wanted, known);
    if near.is_empty() {
        fallback.to_string()
    } else {
        let list = near
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("did you mean {list}?")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let file = SourceFile::new("a.md", "first\nsé cond\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(6), (2, 1));
        assert_eq!(file.line_col(10), (2, 4));
        assert_eq!(file.offset_of(2, 4), 10);
    }

    #[test]
    fn closest_suggests_near_names_only() {
        let known = ["step-1", "step-2", "staying-safe", "credits"];
        assert_eq!(closest("step-8", known)[0], "step-1");
        assert!(closest("zzzzzz", known).is_empty());
    }
}
