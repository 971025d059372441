//! An override: an authority's text put in place of, before or after a
//! section of the model, or a section removed, with its reason and its
//! governance; read from one file under `overrides/`.
//!
//! Checks one file on its own; whether its target exists is the overlay's
//! question.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::page::Change;
use crate::support::diagnostic::{Diagnostic, SourceFile};
use crate::text::frontmatter::{self, find_key};

/// What an override does to its target.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Put the local text in place of the target.
    Replace,
    /// Add the local text at the end of the target.
    Append,
    /// Add the local text at the start of the target (after its heading).
    Prepend,
    /// Add the local text just before the target.
    InsertBefore,
    /// Add the local text just after the target.
    InsertAfter,
    /// Take the target out.
    Remove,
    /// Add a council's note beside the target, leaving the model text as it is.
    Note,
}

/// Where a `note` stands: before or after the text it is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    /// Just before the target (after its heading, for a section).
    Before,
    /// Just after the target.
    #[default]
    After,
}

impl Action {
    /// The word used in front matter.
    pub fn word(self) -> &'static str {
        match self {
            Action::Replace => "replace",
            Action::Append => "append",
            Action::Prepend => "prepend",
            Action::InsertBefore => "insert-before",
            Action::InsertAfter => "insert-after",
            Action::Remove => "remove",
            Action::Note => "note",
        }
    }

    /// Whether the local text takes the model text's place.
    pub fn covers_target(self) -> bool {
        matches!(self, Action::Replace | Action::Remove)
    }
}

/// Front matter keys of an override.
pub const OVERRIDE_KEYS: &[&str] = &[
    "target",
    "action",
    "position",
    "reason",
    "model_fingerprint",
    "owner",
    "approved_by",
    "last_reviewed",
    "changes",
];

/// An override's front matter.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverrideMeta {
    /// What it changes: a page id, or `page-id#section-id`.
    target: String,
    /// What it does to its target.
    action: Action,
    /// Why the authority differs from the model here; required for
    /// `replace` and `remove`, and shown to readers on the differences page.
    #[serde(default)]
    reason: Option<String>,
    /// The fingerprint of the model text last reviewed, written by `handbook accept`.
    #[serde(default)]
    model_fingerprint: Option<String>,
    /// Where a `note` stands: `before` or `after` (the default) its target.
    #[serde(default)]
    position: Option<Position>,
    /// The team or role responsible for this text.
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

/// Who answers for a piece of local text and when it last changed: the
/// governance front matter overrides and examples share with pages.
#[derive(Debug, Clone, Default)]
pub struct Governance {
    /// The team or role responsible for it.
    pub owner: Option<String>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When it was last reviewed.
    pub last_reviewed: Option<jiff::civil::Date>,
    /// Dated notes of what changed.
    pub changes: Vec<Change>,
}

impl Governance {
    /// The latest date it says it changed or was reviewed.
    pub fn last_updated(&self) -> Option<jiff::civil::Date> {
        self.changes
            .iter()
            .map(|c| c.date)
            .chain(self.last_reviewed)
            .max()
    }
}

/// `page-id` or `page-id#section-id`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    /// The page.
    pub page: String,
    /// The section, if the target is a section.
    pub section: Option<String>,
}

impl Target {
    /// Parses `page` or `page#section`.
    pub fn parse(text: &str) -> Self {
        match text.split_once('#') {
            Some((page, section)) => Self {
                page: page.trim().to_string(),
                section: Some(section.trim().to_string()),
            },
            None => Self {
                page: text.trim().to_string(),
                section: None,
            },
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.section {
            Some(section) => write!(f, "{}#{}", self.page, section),
            None => f.write_str(&self.page),
        }
    }
}

/// A local change to the model: an override file.
#[derive(Debug, Clone)]
pub struct Override {
    /// What it changes.
    pub target: Target,
    /// How.
    pub action: Action,
    /// Why, for readers of the differences page.
    pub reason: Option<String>,
    /// The fingerprint of the model text it was last reviewed against.
    pub model_fingerprint: Option<String>,
    /// Where a `note` stands.
    pub position: Position,
    /// Its owner and dates.
    pub governance: Governance,
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range of the `target:` line, for errors about the target.
    pub target_span: (usize, usize),
    /// Byte range of the front matter YAML.
    pub yaml: (usize, usize),
    /// Byte offset where the local Markdown starts.
    pub body_start: usize,
}

impl Override {
    /// Parses an override file.
    pub fn parse(file: Arc<SourceFile>) -> Result<Self, Diagnostic> {
        let split = frontmatter::split(&file)?;
        let meta: OverrideMeta = frontmatter::parse(&file, split.yaml, OVERRIDE_KEYS)?;
        let target_span = find_key(&file, split.yaml, "target");
        let needs_reason = meta.action.covers_target();
        if needs_reason && meta.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            let at = find_key(&file, split.yaml, "action");
            return Err(Diagnostic::error(
                "missing-reason",
                format!("a `{}` override needs a `reason`", meta.action.word()),
            )
            .at(&file, at.0, at.1)
            .hint("add `reason: …` saying why your authority differs from the model here; readers see it on the differences page"));
        }
        let over = Self {
            target: Target::parse(&meta.target),
            action: meta.action,
            reason: meta.reason,
            model_fingerprint: meta.model_fingerprint,
            position: meta.position.unwrap_or_default(),
            governance: Governance {
                owner: meta.owner,
                approved_by: meta.approved_by,
                last_reviewed: meta.last_reviewed,
                changes: meta.changes,
            },
            file,
            target_span,
            yaml: split.yaml,
            body_start: split.body_start,
        };
        if meta.position.is_some() && meta.action != Action::Note {
            let at = find_key(&over.file, split.yaml, "position");
            return Err(Diagnostic::error(
                "position-without-note",
                format!("`position` only applies to `action: note`, and this override's action is `{}`", meta.action.word()),
            )
            .at(&over.file, at.0, at.1)
            .hint("delete the `position` line, or use `insert-before` / `insert-after` to place local text"));
        }
        if meta.action == Action::Note && over.body().trim().is_empty() {
            return Err(
                Diagnostic::error("empty-note", "this `note` override has no text")
                    .at(&over.file, over.target_span.0, over.target_span.1)
                    .hint("write the council's note under the front matter"),
            );
        }
        if meta.action == Action::Remove && !over.body().trim().is_empty() {
            return Err(Diagnostic::error(
                "remove-with-text",
                "a `remove` override takes the target out, but this file also has text",
            )
            .at(&over.file, over.body_start, over.file.text.len())
            .hint("delete the text, or use `action: replace` to put it in place of the target"));
        }
        Ok(over)
    }

    /// The local Markdown.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    /// Its entry's id on the differences page: `override-` and a slug of
    /// its path under the authority's `overrides/` folder without `.md`
    /// (`override-step-3-local-panel`). It stays the same while the file
    /// keeps its name.
    pub fn anchor(&self) -> String {
        // The path under `overrides/`, so files of the same name in two
        // subfolders get two ids.
        let path = &self.file.path;
        let name = path
            .split_once("/overrides/")
            .map_or(path.as_str(), |(_, rest)| rest);
        let stem = name.strip_suffix(".md").unwrap_or(name);
        format!("override-{}", crate::text::markdown::slug(stem))
    }
}
