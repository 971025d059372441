//! An authority (a council or trust) and its local content.
//!
//! Holds the typed `authority.yaml`, and the parsed overrides, examples and
//! local pages of one `local-overrides/<slug>/` folder. Parsing checks each
//! file on its own (keys, types, required reasons); whether targets exist is
//! the overlay's question, since only it sees the model. This module does not
//! read folders (`load` does).

use crate::text::frontmatter::find_key;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::model::page::{Change, Page};
use crate::support::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::text::frontmatter;
use crate::text::markdown;

/// Keys allowed at the top of `authority.yaml`.
pub const AUTHORITY_KEYS: &[&str] = &[
    "name",
    "short_name",
    "jurisdiction",
    "service",
    "notice",
    "contacts",
    "variables",
    "terms",
    "theme",
    "accessibility",
    "sources",
    "examples",
    "demonstration",
    "changes",
    "address",
    "languages",
    "translations",
    "urgent",
];

/// The four UK jurisdictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Jurisdiction {
    /// England.
    England,
    /// Scotland.
    Scotland,
    /// Wales.
    Wales,
    /// Northern Ireland.
    NorthernIreland,
}

impl Jurisdiction {
    /// The name readers see.
    pub fn label(self) -> &'static str {
        match self {
            Jurisdiction::England => "England",
            Jurisdiction::Scotland => "Scotland",
            Jurisdiction::Wales => "Wales",
            Jurisdiction::NorthernIreland => "Northern Ireland",
        }
    }

    /// Parses the word used on the command line and in `authority.yaml`.
    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "england" => Some(Self::England),
            "scotland" => Some(Self::Scotland),
            "wales" => Some(Self::Wales),
            "northern-ireland" => Some(Self::NorthernIreland),
            _ => None,
        }
    }
}

/// Which social-care service an edition is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// Adult social care.
    Adults,
    /// Children and families' social work.
    ChildrenAndFamilies,
    /// Both.
    All,
}

impl Service {
    /// The name readers see.
    pub fn label(self) -> &'static str {
        match self {
            Service::Adults => "adults",
            Service::ChildrenAndFamilies => "children and families",
            Service::All => "adults, children and families",
        }
    }
}

/// A team or service readers can contact.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The team or service.
    pub name: String,
    /// Telephone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Opening hours.
    #[serde(default)]
    pub hours: Option<String>,
    /// Anything else readers should know.
    #[serde(default)]
    pub note: Option<String>,
}

/// An authority's look.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeSettings {
    /// Brand colour, `#rrggbb`, used behind white text.
    #[serde(default)]
    pub colour: Option<String>,
    /// Path of a logo under the authority's `static/` folder.
    #[serde(default)]
    pub logo: Option<String>,
    /// How local text is marked on pages: `marked` (the default) or
    /// `quiet`, a smaller label. Local text is always marked.
    #[serde(default)]
    pub provenance: MarkStyle,
}

/// How an edition marks the council's own text on its pages.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum MarkStyle {
    /// A labelled, bordered region.
    #[default]
    Marked,
    /// A smaller label and a thinner border: still labelled, never unmarked.
    Quiet,
}

/// Who to contact about accessibility, for the accessibility statement.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityContact {
    /// Email for accessibility problems and requests for other formats.
    pub contact_email: String,
    /// Telephone for the same.
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// When the statement was prepared.
    #[serde(deserialize_with = "crate::text::frontmatter::date")]
    #[schemars(with = "crate::text::frontmatter::DateText")]
    pub statement_date: Date,
    /// When the site was last tested.
    #[serde(default, deserialize_with = "crate::text::frontmatter::optional_date")]
    #[schemars(with = "Option<crate::text::frontmatter::DateText>")]
    pub last_tested: Option<Date>,
}

/// A work cited by local content.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceWork {
    /// The id examples cite it by.
    pub id: String,
    /// The full citation.
    pub citation: String,
}

/// How an edition presents its practice examples (`examples:` in
/// `authority.yaml`). Without it, Handbook words the heading and the
/// examples index's opening from whose practice the examples are (see
/// [`Example::origin`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamplesConfig {
    /// The heading over examples on a page, and the examples index's title,
    /// such as "Practice examples from the Social Work Scotland report".
    #[serde(default)]
    pub heading: Option<String>,
    /// The examples index's opening sentence or two: whose practice they are.
    #[serde(default)]
    pub intro: Option<String>,
}

/// `authority.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityConfig {
    /// The authority's full name.
    pub name: String,
    /// A short name for headers.
    pub short_name: String,
    /// Which law applies.
    pub jurisdiction: Jurisdiction,
    /// Which service the edition is for.
    pub service: Service,
    /// A notice shown on every page (for example, that the council is fictional).
    #[serde(default)]
    pub notice: Option<String>,
    /// Teams and services to contact.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Values for `{{ vars.NAME }}`.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Model term → local term.
    #[serde(default)]
    pub terms: BTreeMap<String, String>,
    /// Look.
    #[serde(default)]
    pub theme: ThemeSettings,
    /// Accessibility contact for the accessibility statement; without it,
    /// the statement gives none and `check` notes that.
    #[serde(default)]
    pub accessibility: Option<AccessibilityContact>,
    /// Works cited.
    #[serde(default)]
    pub sources: Vec<SourceWork>,
    /// How the edition presents its practice examples.
    #[serde(default)]
    pub examples: ExamplesConfig,
    /// Whether the authority is made up, to show what Handbook does: the
    /// list of editions says so. Set explicitly; never guessed from text.
    #[serde(default)]
    pub demonstration: bool,
    /// Release notes for the whole edition, shown on "What's changed".
    #[serde(default)]
    pub changes: Vec<crate::model::page::Change>,
    /// The address the edition is published at (the folder of its home
    /// page), for the sitemap and the 404 page; checked when loaded.
    #[serde(default)]
    pub address: Option<String>,
    /// The edition's languages, the first its default: `[en]` when not
    /// given, `[en, cy]` for an edition in English and Welsh (issue 17).
    #[serde(default)]
    pub languages: Vec<crate::model::language::Lang>,
    /// The authority's name (and its mutated forms), short name, notice,
    /// contacts, variables and examples wording in its other languages, by
    /// language: `translations: { cy: { name: "Cyngor …" } }`.
    #[serde(default)]
    pub translations: BTreeMap<crate::model::language::Lang, OwnWords>,
    /// A short box at the very top of a page, by page id, for what a reader
    /// must act on at once: `urgent: { staying-safe: { heading: …, items:
    /// [{ text: …, phone: … }] } }` (issue 31).
    #[serde(default)]
    pub urgent: BTreeMap<String, UrgentBox>,
}

/// A box at the top of a page: a heading, what to do with a number to
/// call for each, and a line after them.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgentBox {
    /// The box's heading, such as "If you are worried about someone now".
    pub heading: String,
    /// What to do, each with the number to call.
    pub items: Vec<UrgentItem>,
    /// A line after them, such as where the page says more.
    #[serde(default)]
    pub note: Option<String>,
    /// The id of the section of the page that says more, which the note
    /// links to.
    #[serde(default)]
    pub section: Option<String>,
}

/// One thing to do in an urgent box.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgentItem {
    /// What to do, or who to call.
    pub text: String,
    /// The telephone number, shown as a link that calls it.
    #[serde(default)]
    pub phone: Option<String>,
}

/// An authority's own words in one of its other languages.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnWords {
    /// The authority's full name in the language.
    #[serde(default)]
    pub name: Option<String>,
    /// Its short name in the language.
    #[serde(default)]
    pub short_name: Option<String>,
    /// The notice shown on every page, in the language.
    #[serde(default)]
    pub notice: Option<String>,
    /// The heading over practice examples, in the language (without it,
    /// the theme's words in the language).
    #[serde(default)]
    pub examples_heading: Option<String>,
    /// The examples index's opening, in the language (without it, the
    /// theme's words in the language).
    #[serde(default)]
    pub examples_intro: Option<String>,
    /// The name as the language's grammar changes it after some words
    /// (Welsh mutations), for the theme's words in the language.
    #[serde(default)]
    pub name_forms: NameForms,
    /// The contacts in the language, one for each of `contacts:` and in the
    /// same order; a field left out is the default language's (usually the
    /// telephone number and email address).
    #[serde(default)]
    pub contacts: Vec<ContactWords>,
    /// Values of `{{ vars.NAME }}` in the language, in place of those of
    /// `variables:` (each NAME must be one of `variables:`).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// The urgent boxes in the language, by page id, in place of those of
    /// `urgent:` (each page must have one there).
    #[serde(default)]
    pub urgent: BTreeMap<String, UrgentBox>,
}

/// An authority's name as Welsh grammar changes its first letter after some
/// words: "gan Gyngor …" (soft), "yng Nghyngor …" (nasal), "a Chyngor …"
/// (aspirate). The theme's strings ask for a form with `{name:soft}` or
/// `{council:soft}`; a form not given is the name as it is.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NameForms {
    /// After "gan", "i", "o", "am", "at", "dan", "heb", "wrth", "drwy":
    /// "Gyngor Bwrdeistref Sirol Cwm Derwen".
    #[serde(default)]
    pub soft: Option<String>,
    /// After "yn" (in) and "fy": "Nghyngor Bwrdeistref Sirol Cwm Derwen".
    #[serde(default)]
    pub nasal: Option<String>,
    /// After "a" (and), "gyda", "â", "tua": "Chyngor Bwrdeistref Sirol Cwm Derwen".
    #[serde(default)]
    pub aspirate: Option<String>,
}

impl NameForms {
    /// Each form by the word strings name it with (`soft`, `nasal`,
    /// `aspirate`), where given.
    pub fn given(&self) -> Vec<(&'static str, &str)> {
        [
            ("soft", &self.soft),
            ("nasal", &self.nasal),
            ("aspirate", &self.aspirate),
        ]
        .into_iter()
        .filter_map(|(form, text)| text.as_deref().map(|t| (form, t)))
        .collect()
    }
}

/// A contact's words in one of the authority's other languages: each field
/// given stands in for the same field of the contact in `contacts:`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactWords {
    /// The team or service.
    #[serde(default)]
    pub name: Option<String>,
    /// Telephone number, where it differs (a Welsh-language line).
    #[serde(default)]
    pub phone: Option<String>,
    /// Email address, where it differs.
    #[serde(default)]
    pub email: Option<String>,
    /// Opening hours.
    #[serde(default)]
    pub hours: Option<String>,
    /// Anything else readers should know.
    #[serde(default)]
    pub note: Option<String>,
}

impl ContactWords {
    /// `contact` with these words in place of its own.
    pub fn apply(&self, contact: &Contact) -> Contact {
        let or = |own: &Option<String>, base: &Option<String>| own.clone().or_else(|| base.clone());
        Contact {
            name: self.name.clone().unwrap_or_else(|| contact.name.clone()),
            phone: or(&self.phone, &contact.phone),
            email: or(&self.email, &contact.email),
            hours: or(&self.hours, &contact.hours),
            note: or(&self.note, &contact.note),
        }
    }
}

impl AuthorityConfig {
    /// The edition's languages, its default first: `[en]` when
    /// `languages:` is not given.
    pub fn languages(&self) -> Vec<crate::model::language::Lang> {
        if self.languages.is_empty() {
            vec![crate::model::language::Lang::En]
        } else {
            self.languages.clone()
        }
    }
}

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

/// One authority's folder, parsed.
#[derive(Debug)]
pub struct Authority {
    /// The folder name, used in output paths and on the command line.
    pub slug: String,
    /// `authority.yaml`.
    pub config: AuthorityConfig,
    /// The `authority.yaml` file, for errors about its settings.
    pub config_file: Arc<SourceFile>,
    /// Overrides, sorted by file path.
    pub overrides: Vec<Override>,
    /// Examples, sorted by file path.
    pub examples: Vec<Example>,
    /// Local pages, sorted by file path.
    pub pages: Vec<Page>,
    /// Ids of local pages whose files could not be read (already reported).
    pub broken_page_ids: std::collections::BTreeSet<String>,
    /// The authority's folder on disk (for templates, static files and drift snapshots).
    pub dir: PathBuf,
}

impl Authority {
    /// The authority's colour (`theme: colour:`), if it has one Handbook
    /// can use: `#` and six hexadecimal digits. One it cannot use is
    /// reported at its line and left out.
    pub fn colour(&self, diagnostics: &Diagnostics) -> Option<&str> {
        let colour = self.config.theme.colour.as_deref()?;
        let hex = colour.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Some(colour);
        }
        let at = self.setting_span("theme");
        diagnostics.push(
            Diagnostic::error(
                "bad-colour",
                format!("`{colour}` is not a colour Handbook can use"),
            )
            .at(&self.config_file, at.0, at.1)
            .hint("write the colour as `#` and six hexadecimal digits, such as `#1d5c3a`"),
        );
        None
    }

    /// The byte range of a top-level setting in `authority.yaml`.
    pub fn setting_span(&self, key: &str) -> (usize, usize) {
        find_key(&self.config_file, (0, self.config_file.text.len()), key)
    }
}

/// The comment `handbook new-authority` ends each made-up setting with, and
/// puts in the front matter of each made-up file: `check` warns about each
/// line that still has it, so nothing made up is published unnoticed.
pub const PLACEHOLDER_MARK: &str = "# placeholder";

/// The 0-based lines of `text` (up to `end`) carrying [`PLACEHOLDER_MARK`]
/// as a comment, each with the byte range of what it marks.
fn placeholder_lines(text: &str, end: usize) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = 0;
    for line in text[..end.min(text.len())].split_inclusive('\n') {
        let is_mark = line
            .match_indices(PLACEHOLDER_MARK)
            .any(|(at, _)| at == 0 || line[..at].ends_with(char::is_whitespace));
        if is_mark {
            let indent = line.len() - line.trim_start().len();
            let content = line.trim_end().len().max(indent + 1);
            found.push((start + indent, start + content));
        }
        start += line.len();
    }
    found
}

impl Authority {
    /// What is left to do before the edition is published: a warning at each
    /// line that still carries [`PLACEHOLDER_MARK`] (in `authority.yaml`, and
    /// in the front matter of overrides, examples and local pages), and a
    /// note when `authority.yaml` gives no accessibility contact.
    pub fn unfinished(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let config = &self.config_file;
        for (start, end) in placeholder_lines(&config.text, config.text.len()) {
            let line = &config.text[start..end];
            let key = line
                .trim_start_matches("- ")
                .split(':')
                .next()
                .unwrap_or(line)
                .trim();
            found.push(
                Diagnostic::warning(
                    "placeholder",
                    format!("`{key}` is still the made-up value `handbook new-authority` wrote, and readers of the edition see it"),
                )
                .at(config, start, end)
                .hint(format!("write your authority's own value, then delete `{PLACEHOLDER_MARK}` from the line (or delete the setting)")),
            );
        }
        let files = self
            .overrides
            .iter()
            .map(|o| ("override", &o.file, o.body_start))
            .chain(
                self.examples
                    .iter()
                    .map(|e| ("example", &e.file, e.body_start)),
            )
            .chain(
                self.pages
                    .iter()
                    .map(|p| ("local page", &p.file, p.body_start)),
            );
        for (kind, file, body_start) in files {
            if let Some((start, end)) = placeholder_lines(&file.text, body_start).first() {
                found.push(
                    Diagnostic::warning(
                        "placeholder",
                        format!("this {kind} is still the made-up one `handbook new-authority` wrote, and readers of the edition see it"),
                    )
                    .at(file, *start, *end)
                    .hint(format!("write your own {kind} in this file and delete the `{PLACEHOLDER_MARK}` line, or delete the file")),
                );
            }
        }
        if self.config.accessibility.is_none() {
            found.push(
                Diagnostic::note(
                    "no-accessibility-contact",
                    "the edition's accessibility statement gives no contact for other formats or accessibility problems",
                )
                .in_file(config)
                .hint("add `accessibility:` with `contact_email:` and `statement_date:` (and `contact_phone:` if there is one) before publishing"),
            );
        }
        found
    }
}

#[cfg(test)]
mod placeholder_tests {
    use super::*;

    #[test]
    fn only_comments_mark_placeholders() {
        let text = "name: A\nphone: \"01632\"   # placeholder\n# placeholder: made up\nnote: \"x# placeholder\"\n";
        let found = placeholder_lines(text, text.len());
        let lines: Vec<&str> = found.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(
            lines,
            vec!["phone: \"01632\"   # placeholder", "# placeholder: made up"]
        );
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The settings of a made-up authority: what `authority.yaml` must say.
    pub(crate) const SETTINGS: &str = "name: X Council\nshort_name: X\njurisdiction: england\nservice: adults\naccessibility:\n  contact_email: a@x.example\n  statement_date: 2026-01-01\n";

    /// The made-up authority `x`: [`SETTINGS`] and then `more` in its
    /// `authority.yaml`, with these override files (file name, text) and
    /// local pages.
    pub(crate) fn authority_x(
        more: &str,
        overrides: &[(&str, &str)],
        pages: Vec<Page>,
    ) -> Authority {
        let config_file = SourceFile::new(
            "local-overrides/x/authority.yaml",
            format!("{SETTINGS}{more}"),
        );
        let config: AuthorityConfig =
            frontmatter::parse_file(&config_file, AUTHORITY_KEYS).unwrap();
        let overrides = overrides
            .iter()
            .map(|(name, text)| {
                let path = format!("local-overrides/x/overrides/{name}");
                Override::parse(SourceFile::new(path, text.to_string())).unwrap()
            })
            .collect();
        Authority {
            slug: "x".into(),
            config,
            config_file,
            overrides,
            examples: Vec::new(),
            pages,
            broken_page_ids: Default::default(),
            dir: PathBuf::from("local-overrides/x"),
        }
    }

    fn override_file(text: &str) -> Result<Override, Diagnostic> {
        Override::parse(SourceFile::new(
            "local-overrides/x/overrides/o.md",
            text.to_string(),
        ))
    }

    fn example_file(text: &str) -> Result<Example, Diagnostic> {
        Example::parse(SourceFile::new(
            "local-overrides/x/examples/e.md",
            text.to_string(),
        ))
    }

    #[test]
    fn an_override_gives_its_target_action_reason_and_local_text() {
        let over = override_file(
            "---\ntarget: step-3#panel\naction: replace\nreason: Our panel meets weekly.\nowner: Panel team\nlast_reviewed: 2026-10-01\n---\nThe panel meets every Tuesday.\n",
        )
        .unwrap();
        assert_eq!(over.target.page, "step-3");
        assert_eq!(over.target.section.as_deref(), Some("panel"));
        assert_eq!(over.target.to_string(), "step-3#panel");
        assert_eq!(over.action, Action::Replace);
        assert_eq!(over.reason.as_deref(), Some("Our panel meets weekly."));
        assert_eq!(over.body(), "The panel meets every Tuesday.\n");
        assert_eq!(over.governance.owner.as_deref(), Some("Panel team"));
        assert_eq!(
            over.governance.last_updated(),
            Some(Date::constant(2026, 10, 1))
        );
        // The target's span is its line, for errors about the target.
        let (line, _) = over.file.line_col(over.target_span.0);
        assert_eq!(line, 2);
        assert_eq!(
            &over.file.text[over.target_span.0..over.target_span.1],
            "target: step-3#panel"
        );
    }

    #[test]
    fn a_whole_page_target_has_no_section() {
        let over =
            override_file("---\ntarget: credits\naction: append\n---\nLocal credits.\n").unwrap();
        assert_eq!(over.target, Target::parse(" credits "));
        assert_eq!(over.target.section, None);
        assert_eq!(over.target.to_string(), "credits");
        assert_eq!(over.reason, None, "append needs no reason");
    }

    #[test]
    fn replace_and_remove_need_a_reason_at_the_action_line() {
        for (action, body) in [("replace", "Local text.\n"), ("remove", "")] {
            for reason in ["", "reason: \"  \"\n"] {
                let text = format!("---\ntarget: step-3\naction: {action}\n{reason}---\n{body}");
                assert_eq!(
                    refusal(&text),
                    ("missing-reason", Some((3, 1))),
                    "{action} with {reason:?}: at `action:`"
                );
                let err = override_file(&text).unwrap_err();
                assert!(err.message.contains(action));
                assert!(err.hint.as_deref().unwrap().contains("reason:"));
            }
        }
        for action in ["append", "prepend", "insert-before", "insert-after", "note"] {
            let text = format!("---\ntarget: step-3#panel\naction: {action}\n---\nLocal text.\n");
            assert!(override_file(&text).is_ok(), "{action} needs no reason");
        }
    }

    #[test]
    fn a_note_stands_after_its_target_unless_it_says_before() {
        let after = override_file("---\ntarget: step-3\naction: note\n---\nOur note.\n").unwrap();
        assert_eq!(after.action, Action::Note);
        assert_eq!(after.position, Position::After);
        let before =
            override_file("---\ntarget: step-3\naction: note\nposition: before\n---\nOur note.\n")
                .unwrap();
        assert_eq!(before.position, Position::Before);
        let after =
            override_file("---\ntarget: step-3\naction: note\nposition: after\n---\nOur note.\n")
                .unwrap();
        assert_eq!(after.position, Position::After);
    }

    /// The code and the line and column of the problem an override file has.
    fn refusal(text: &str) -> (&'static str, Option<(usize, usize)>) {
        let err = override_file(text).unwrap_err();
        (err.code, err.line_col())
    }

    #[test]
    fn position_belongs_to_notes_only_and_a_note_needs_text() {
        let text = "---\ntarget: step-3#panel\naction: append\nposition: before\n---\nText.\n";
        assert_eq!(refusal(text), ("position-without-note", Some((4, 1))));
        assert!(override_file(text)
            .unwrap_err()
            .message
            .contains("`append`"));
        let text = "---\ntarget: step-3\naction: note\nposition: beside\n---\nText.\n";
        assert_eq!(refusal(text).1.map(|(line, _)| line), Some(4));
        let text = "---\ntarget: step-3\naction: note\n---\n  \n";
        assert_eq!(refusal(text), ("empty-note", Some((2, 1))), "at `target:`");
    }

    #[test]
    fn a_remove_with_text_is_refused_at_the_text() {
        let text = "---\ntarget: step-3#panel\naction: remove\nreason: Not used here.\n---\nLeft-over text.\n";
        assert_eq!(refusal(text), ("remove-with-text", Some((6, 1))));
    }

    #[test]
    fn an_unknown_action_or_key_is_refused_at_its_line() {
        let text = "---\ntarget: step-3\naction: rewrite\n---\nText.\n";
        assert_eq!(refusal(text).1.map(|(line, _)| line), Some(3));
        let text = "---\ntarget: step-3\naction: append\nreson: x\n---\nText.\n";
        assert_eq!(refusal(text).1.map(|(line, _)| line), Some(4));
        let hint = override_file(text).unwrap_err().hint.unwrap_or_default();
        assert!(hint.contains("reason"), "{hint}");
    }

    #[test]
    fn an_example_gives_its_id_title_pages_and_text() {
        let example = example_file(
            "---\nid: ex-panel\ntitle: A plan at panel\nattach: [step-3, step-5]\nsummary: One line.\nsource: sws-2016\n---\nMrs A's plan went to panel.\n",
        )
        .unwrap();
        assert_eq!(example.id, "ex-panel");
        assert_eq!(example.title, "A plan at panel");
        assert_eq!(example.attach, ["step-3", "step-5"]);
        assert_eq!(example.summary.as_deref(), Some("One line."));
        assert_eq!(example.source.as_deref(), Some("sws-2016"));
        assert_eq!(example.body(), "Mrs A's plan went to panel.\n");
        assert_eq!(example.file.line_col(example.attach_span.0), (4, 1));
        assert_eq!(example.file.line_col(example.source_span.0), (6, 1));
    }

    #[test]
    fn an_example_needs_a_usable_id_and_a_page() {
        let refusal = |text: &str| {
            let err = example_file(text).unwrap_err();
            (err.code, err.line_col())
        };
        let text = "---\nid: Ex Panel\ntitle: T\nattach: [step-3]\n---\nText.\n";
        assert_eq!(refusal(text), ("bad-id", Some((2, 1))));
        let text = "---\nid: ex-panel\ntitle: T\nattach: []\n---\nText.\n";
        assert_eq!(refusal(text), ("no-attach", Some((4, 1))));
        let err = example_file("---\nid: ex-panel\nattach: [step-3]\n---\nText.\n").unwrap_err();
        assert!(err.message.contains("title"), "{}", err.message);
    }

    #[test]
    fn settings_are_found_by_key() {
        let authority = authority_x(
            "terms:\n  Individual Budget: Personal Budget\n",
            &[],
            Vec::new(),
        );
        let config = &authority.config;
        assert_eq!(config.jurisdiction, Jurisdiction::England);
        assert_eq!(config.service.label(), "adults");
        assert_eq!(config.terms["Individual Budget"], "Personal Budget");
        let at = authority.setting_span("terms");
        assert_eq!(authority.config_file.line_col(at.0), (8, 1));
        assert_eq!(
            Jurisdiction::from_word("northern-ireland").map(Jurisdiction::label),
            Some("Northern Ireland")
        );
        assert_eq!(Jurisdiction::from_word("mercia"), None);
    }
}
