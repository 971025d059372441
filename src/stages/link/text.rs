//! The Markdown of a linked text: one text joined from chunks of several
//! files (a page's model text and the council's overrides, or an example),
//! that says which file and byte each position came from, which stretches
//! are the council's own, which are the model's definitions and which carry
//! a mark.
//!
//! It holds the result and answers where things are; it reads no Markdown
//! and changes no text (`variables` joins the chunks and substitutes).

use std::sync::Arc;

use crate::stages::overlay::Mark;
use crate::support::diagnostic::{Diagnostic, SourceFile};

/// A point in joined Markdown and the file position it came from.
#[derive(Debug, Clone)]
pub(super) struct Anchor {
    /// The position in the joined Markdown.
    pub(super) at: usize,
    /// The file it came from.
    pub(super) file: Arc<SourceFile>,
    /// Its byte offset in that file.
    pub(super) offset: usize,
}

/// The Markdown of a [`LinkedText`]: a stretch of one source file, shared
/// with it, when the text is that file's text as written (a page in one
/// file with nothing substituted, as most model pages are), so the text is
/// not held twice; else a string of its own. Reads as a `str`.
#[derive(Debug, Clone)]
pub enum Markdown {
    /// The file's text in this byte range.
    Shared(Arc<SourceFile>, std::ops::Range<usize>),
    /// Text of its own.
    Own(String),
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown::Own(String::new())
    }
}

impl std::ops::Deref for Markdown {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Markdown::Shared(file, range) => &file.text[range.clone()],
            Markdown::Own(text) => text,
        }
    }
}

impl From<String> for Markdown {
    fn from(text: String) -> Self {
        Markdown::Own(text)
    }
}

/// Markdown joined from chunks, with variables substituted, that can say
/// where any byte came from.
#[derive(Debug, Clone, Default)]
pub struct LinkedText {
    /// The Markdown.
    pub markdown: Markdown,
    /// Byte ranges of `markdown` that are the authority's own text.
    pub local_ranges: Vec<(usize, usize)>,
    /// Byte ranges of model text that local terms never change: the
    /// sections where the model defines its terms (its `glossary:`).
    pub definitions: Vec<(usize, usize)>,
    /// Byte ranges of `markdown` that readers are shown as the council's,
    /// with their marks (see [`Mark`]).
    pub marks: Vec<(usize, usize, Arc<Mark>)>,
    /// Where each stretch copied from one file starts, in order.
    pub(super) anchors: Vec<Anchor>,
}

impl LinkedText {
    /// The mark of the council's text at a position, if it is marked.
    pub fn mark_at(&self, at: usize) -> Option<(usize, &Arc<Mark>)> {
        self.marks
            .iter()
            .enumerate()
            .find(|(_, (a, b, _))| at >= *a && at < *b)
            .map(|(i, (_, _, mark))| (i, mark))
    }

    /// The file and byte offset a position of the joined Markdown came from.
    pub fn origin(&self, at: usize) -> Option<(&Arc<SourceFile>, usize)> {
        let i = self
            .anchors
            .partition_point(|a| a.at <= at)
            .checked_sub(1)?;
        let anchor = &self.anchors[i];
        Some((&anchor.file, anchor.offset + (at - anchor.at)))
    }

    /// Points a diagnostic at the source of a range of the joined Markdown.
    pub fn locate(&self, diagnostic: Diagnostic, range: (usize, usize)) -> Diagnostic {
        match self.origin(range.0) {
            Some((file, offset)) => {
                let len = range.1.saturating_sub(range.0);
                let end = (offset + len).min(file.text.len());
                diagnostic.at(file, offset.min(file.text.len()), end)
            }
            None => diagnostic,
        }
    }

    /// Whether a position is inside the authority's own text, or inside a
    /// model definition: local terms apply to neither.
    pub fn is_local(&self, at: usize) -> bool {
        self.local_ranges
            .iter()
            .chain(&self.definitions)
            .any(|&(a, b)| at >= a && at < b)
    }
}

#[cfg(test)]
impl LinkedText {
    /// A file's whole text as one linked text, the model's, nothing
    /// substituted: for tests of what reads a linked text.
    pub(super) fn whole(file: &Arc<SourceFile>) -> Self {
        Self {
            markdown: Markdown::Shared(Arc::clone(file), 0..file.text.len()),
            anchors: vec![Anchor {
                at: 0,
                file: Arc::clone(file),
                offset: 0,
            }],
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_is_traced_to_the_file_and_line_its_text_came_from() {
        let model = SourceFile::new("content/step-1.md", "---\nid: step-1\n---\nModel text.\n");
        let local = SourceFile::new("local-overrides/x/overrides/o.md", "---\n---\nOurs.\n");
        // "Model text.\n" from the model file, then "Ours.\n" from the override.
        let text = LinkedText {
            markdown: Markdown::Own("Model text.\nOurs.\n".to_string()),
            local_ranges: vec![(12, 18)],
            anchors: vec![
                Anchor {
                    at: 0,
                    file: Arc::clone(&model),
                    offset: 19,
                },
                Anchor {
                    at: 12,
                    file: Arc::clone(&local),
                    offset: 8,
                },
            ],
            ..LinkedText::default()
        };
        let (file, offset) = text.origin(6).unwrap();
        assert_eq!(file.path, model.path);
        assert_eq!(&file.text[offset..offset + 4], "text");
        let problem = text.locate(Diagnostic::warning("w", "here"), (12, 16));
        assert_eq!(
            problem.file_path(),
            Some("local-overrides/x/overrides/o.md")
        );
        assert_eq!(problem.line_col(), Some((3, 1)));
        assert!(!text.is_local(11), "the model's text");
        assert!(text.is_local(12), "the council's");
    }
}
