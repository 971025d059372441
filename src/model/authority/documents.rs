//! A local document: a file an authority publishes (a form, a leaflet, a
//! local procedure) under `documents/`, with a description beside it
//! (`carers-leaflet.pdf` and `carers-leaflet.yaml`) giving its title,
//! summary, topic, owner, approval and review dates.
//!
//! Holds the values as read and parses one description on its own. It does
//! not read folders or files (`load` does) and decides nothing about
//! whether a document may be published (`analyses::documents` does).

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::support::diagnostic::{Diagnostic, SourceFile};
use crate::text::frontmatter::{self, find_key};

/// Keys of a document's description.
pub const DOCUMENT_KEYS: &[&str] = &[
    "title",
    "summary",
    "topic",
    "owner",
    "approved_by",
    "last_reviewed",
    "review_every",
    "form",
];

/// What a cross-reference to a local document starts with:
/// `[[doc:carers-leaflet]]`.
pub const DOCUMENT_PREFIX: &str = "doc:";

/// The largest document Handbook publishes: 10 MB (10,485,760 bytes), so
/// that a reader on a phone or a slow connection can still open it.
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

/// A document's description (`<id>.yaml` beside the file): every field but
/// `form` is required, as a library's sign-off asks.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    /// The title readers see, such as "Carers' leaflet".
    pub title: String,
    /// One or two sentences: what the document is and who it is for.
    pub summary: String,
    /// The heading it is listed under on the "Local documents" page, such
    /// as "Carers" or "Forms".
    pub topic: String,
    /// The team or role responsible for it.
    pub owner: String,
    /// Who signed it off.
    pub approved_by: String,
    /// When it was last reviewed, YYYY-MM-DD.
    #[serde(deserialize_with = "crate::text::frontmatter::date")]
    #[schemars(with = "crate::text::frontmatter::DateText")]
    pub last_reviewed: Date,
    /// How often it is reviewed, such as `12 months` or `2 years`.
    pub review_every: String,
    /// Whether it is a form to be filled in, which may then be an editable
    /// file (`.docx`, `.odt`, `.xlsx`, `.ods`) rather than a PDF.
    #[serde(default)]
    pub form: bool,
}

/// A description as read, with its file for messages.
#[derive(Debug, Clone)]
pub struct Description {
    /// Its fields.
    pub meta: DocumentMeta,
    /// The `.yaml` file.
    pub file: Arc<SourceFile>,
}

impl Description {
    /// Parses a description file; errors point at its line.
    pub fn parse(file: Arc<SourceFile>) -> Result<Self, Diagnostic> {
        let meta: DocumentMeta = frontmatter::parse_file(&file, DOCUMENT_KEYS)?;
        for (key, value) in [
            ("title", &meta.title),
            ("summary", &meta.summary),
            ("topic", &meta.topic),
            ("owner", &meta.owner),
            ("approved_by", &meta.approved_by),
        ] {
            if value.trim().is_empty() {
                let at = find_key(&file, (0, file.text.len()), key);
                return Err(Diagnostic::error(
                    "empty-document-setting",
                    format!("`{key}` of this document's description is empty"),
                )
                .at(&file, at.0, at.1)
                .hint("fill it in: a document is published only with its title, summary, topic, owner and who signed it off"));
            }
        }
        Ok(Self { meta, file })
    }

    /// The byte range of a setting, for messages.
    pub fn span(&self, key: &str) -> (usize, usize) {
        find_key(&self.file, (0, self.file.text.len()), key)
    }
}

/// What a document file is, judged from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    /// It starts `%PDF-`.
    Pdf,
    /// It is a zip archive (as `.docx`, `.xlsx`, `.odt` and `.ods` are).
    Zip,
    /// Anything else.
    Other,
}

/// A document file as read: its name, size, and what its bytes say.
#[derive(Debug, Clone)]
pub struct DocumentFile {
    /// Where it is on disk, to be copied into the edition.
    pub path: PathBuf,
    /// Its path as shown to users, from the root.
    pub shown: String,
    /// Its file name, such as `carers-leaflet.pdf`.
    pub name: String,
    /// Its extension in lowercase, such as `pdf`.
    pub extension: String,
    /// Its size in bytes.
    pub size: u64,
    /// What its first bytes say it is.
    pub magic: Magic,
    /// The names of the files inside it, if it is a zip archive.
    pub inside: Vec<String>,
    /// The person or body its own properties name as its author (a PDF's
    /// `/Author`, an office file's `dc:creator`), if any.
    pub author: Option<String>,
}

impl DocumentFile {
    /// The kind of file readers are told of, such as `PDF` or `Word`.
    pub fn kind(&self) -> &'static str {
        match self.extension.as_str() {
            "pdf" => "PDF",
            "docx" => "Word",
            "xlsx" => "Excel",
            "odt" => "OpenDocument text",
            "ods" => "OpenDocument spreadsheet",
            _ => "file",
        }
    }

    /// Its size as readers are told it, such as `24 KB` or `1.2 MB`.
    pub fn size_text(&self) -> String {
        size_text(self.size)
    }
}

/// A size in bytes as readers are told it: `24 KB`, `1.2 MB` (at least 1 KB).
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    if bytes < KB * KB {
        format!("{} KB", bytes.div_ceil(KB).max(1))
    } else {
        let tenths = (bytes * 10).div_ceil(KB * KB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// One document of an authority, by id (the file's name without its
/// extension): its description and its file, either of which may be
/// missing (`check` reports that).
#[derive(Debug, Clone)]
pub struct Document {
    /// Its id, such as `carers-leaflet`: `[[doc:carers-leaflet]]` links to it.
    pub id: String,
    /// Its description, if it has one.
    pub description: Option<Description>,
    /// Its files (one, unless two share the id; `check` reports that).
    pub files: Vec<DocumentFile>,
}

impl Document {
    /// Its description and its file, when it has exactly one of each: only
    /// then is it published.
    pub fn published(&self) -> Option<(&Description, &DocumentFile)> {
        match (&self.description, self.files.as_slice()) {
            (Some(d), [f]) => Some((d, f)),
            _ => None,
        }
    }

    /// The file's path in the edition, such as `documents/carers-leaflet.pdf`.
    pub fn href(file: &DocumentFile) -> String {
        format!("documents/{}", file.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_told_in_kilobytes_then_megabytes() {
        assert_eq!(size_text(10), "1 KB");
        assert_eq!(size_text(24 * 1024), "24 KB");
        assert_eq!(size_text(24 * 1024 + 1), "25 KB");
        assert_eq!(size_text(1024 * 1024 + 200 * 1024), "1.2 MB");
    }

    #[test]
    fn a_description_without_its_owner_is_refused_at_its_line() {
        let file = SourceFile::new(
            "documents/a.yaml",
            "title: A\nsummary: S\ntopic: T\nowner: \"\"\napproved_by: B\nlast_reviewed: 2026-01-01\nreview_every: 1 year\n",
        );
        let err = Description::parse(file).unwrap_err();
        assert_eq!(err.line_col(), Some((4, 1)));
    }
}
