//! A local practice example: an authority's story attached to a step or
//! section, with whose practice it is and where it came from; read from one
//! file under `examples/`.
//!
//! Checks one file on its own; whether its page exists is the overlay's
//! question.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::page::Change;
use crate::support::diagnostic::{Diagnostic, SourceFile};
use crate::text::frontmatter::{self, find_key};
use crate::text::markdown;

use super::*;

/// Front matter keys of an example.
pub const EXAMPLE_KEYS: &[&str] = &[
    "id",
    "title",
    "attach",
    "summary",
    "source",
    "source_detail",
    "origin",
    "owner",
    "approved_by",
    "last_reviewed",
    "changes",
];

/// Whose practice an example describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExampleOrigin {
    /// The authority's own practice.
    Own,
    /// Another body's practice, drawn from the work named in `source:`.
    Drawn,
}

/// An example's front matter.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExampleMeta {
    /// Its id, such as `ex-panel-review` (also its anchor on the examples index).
    id: String,
    /// Its title.
    title: String,
    /// The ids of the pages it is shown on, such as `[step-5]`.
    attach: Vec<String>,
    /// One line describing it.
    #[serde(default)]
    summary: Option<String>,
    /// The id of a work listed under `sources` in `authority.yaml`.
    #[serde(default)]
    source: Option<String>,
    /// Where in that work, such as "Example 7.", shown after its citation.
    #[serde(default)]
    source_detail: Option<String>,
    /// Whose practice it is: `own`, or `drawn` from the work in `source`
    /// (the default when there is a `source`).
    #[serde(default)]
    origin: Option<ExampleOrigin>,
    /// The team or role responsible for it.
    #[serde(default)]
    owner: Option<String>,
    /// Who approved it.
    #[serde(default)]
    approved_by: Option<String>,
    /// When it was last reviewed, YYYY-MM-DD.
    #[serde(default, deserialize_with = "crate::text::frontmatter::optional_date")]
    #[schemars(with = "Option<crate::text::frontmatter::DateText>")]
    last_reviewed: Option<jiff::civil::Date>,
    /// Dated notes of what changed.
    #[serde(default)]
    changes: Vec<Change>,
}

/// A local practice example, shown on the pages it is attached to.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its id (also its anchor on the examples index).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Ids of the pages it is shown on.
    pub attach: Vec<String>,
    /// One line.
    pub summary: Option<String>,
    /// The id of a work in `authority.yaml` `sources`.
    pub source: Option<String>,
    /// Where in that work, such as "Example 7".
    pub source_detail: Option<String>,
    /// Whose practice it is: `origin:` if given, else drawn from its
    /// `source:` if it has one, else the authority's own. An example drawn
    /// from another body's work is never shown as the authority's own
    /// (issue 15).
    pub origin: ExampleOrigin,
    /// Its owner and dates.
    pub governance: Governance,
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range of the `attach:` setting, for errors.
    pub attach_span: (usize, usize),
    /// Byte range of the `source:` setting, for errors.
    pub source_span: (usize, usize),
    /// Byte offset where the Markdown starts.
    pub body_start: usize,
}

impl Example {
    /// Parses an example file.
    pub fn parse(file: Arc<SourceFile>) -> Result<Self, Diagnostic> {
        let split = frontmatter::split(&file)?;
        let meta: ExampleMeta = frontmatter::parse(&file, split.yaml, EXAMPLE_KEYS)?;
        if !markdown::is_valid_id(&meta.id) {
            let at = find_key(&file, split.yaml, "id");
            return Err(Diagnostic::error(
                "bad-id",
                format!("`{}` is not a usable example id", meta.id),
            )
            .at(&file, at.0, at.1)
            .hint("use lowercase letters, digits and single hyphens, such as `ex-panel-review`"));
        }
        let attach_span = find_key(&file, split.yaml, "attach");
        if meta.attach.is_empty() {
            return Err(
                Diagnostic::error("no-attach", "this example is attached to no page")
                    .at(&file, attach_span.0, attach_span.1)
                    .hint("list the ids of the pages it belongs on, such as `attach: [step-5]`"),
            );
        }
        let origin = meta.origin.unwrap_or(if meta.source.is_some() {
            ExampleOrigin::Drawn
        } else {
            ExampleOrigin::Own
        });
        if origin == ExampleOrigin::Drawn && meta.source.is_none() {
            let at = find_key(&file, split.yaml, "origin");
            return Err(Diagnostic::error(
                "drawn-without-source",
                "this example is marked `origin: drawn` but does not say where it is drawn from",
            )
            .at(&file, at.0, at.1)
            .hint("add `source:` with the id of a work listed under `sources:` in authority.yaml, or write `origin: own` if it is your authority's own practice"));
        }
        if meta.source_detail.is_some() && meta.source.is_none() {
            let at = find_key(&file, split.yaml, "source_detail");
            return Err(Diagnostic::error(
                "detail-without-source",
                "this example has a `source_detail` but no `source`",
            )
            .at(&file, at.0, at.1)
            .hint("add `source:` with the id of the work in authority.yaml's `sources:`, or delete `source_detail`"));
        }
        Ok(Self {
            id: meta.id,
            title: meta.title,
            attach: meta.attach,
            summary: meta.summary,
            source: meta.source,
            source_detail: meta.source_detail,
            origin,
            attach_span,
            source_span: find_key(&file, split.yaml, "source"),
            body_start: split.body_start,
            governance: Governance {
                owner: meta.owner,
                approved_by: meta.approved_by,
                last_reviewed: meta.last_reviewed,
                changes: meta.changes,
            },
            file,
        })
    }

    /// The example's Markdown.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }
}
