//! An authority (a council or trust) and its local content.
//!
//! Holds the typed `authority.yaml`, and the parsed overrides, examples,
//! local pages and local documents of one `local-overrides/<slug>/` folder. Parsing checks each
//! file on its own (keys, types, required reasons); whether targets exist is
//! the overlay's question, since only it sees the model. This module does not
//! read folders (`load` does).

mod documents;
mod examples;
mod overrides;
mod service;
#[cfg(test)]
pub(crate) mod tests;

pub use documents::*;
pub use examples::*;
pub use overrides::*;
pub use service::*;

use crate::text::frontmatter::find_key;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::model::page::Page;
use crate::support::diagnostic::{Diagnostic, Diagnostics, SourceFile};

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
    "feedback",
    "wording",
    "next_update",
    "offline",
    "kind",
    "publisher",
    "publish",
    "base",
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

/// What an `authority.yaml` describes (`kind:`): a council's edition, or a
/// layer, an adaptation of the model several councils build on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A council or trust that publishes its own edition (the default).
    #[default]
    Council,
    /// An adaptation of the model kept for several councils, such as a
    /// national body's or a regional partnership's: councils name it with
    /// `base:` and build on it.
    Layer,
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
    /// Where "Report a problem with this page" sends readers' emails:
    /// `feedback: { email: …, owners: { "Owner": … }, off: true }`.
    #[serde(default)]
    pub feedback: Feedback,
    /// Wording rules `check` applies to the authority's own text:
    /// `wording: { must_needs_citation: false }` turns off the note on a
    /// "must" that cites no law.
    #[serde(default)]
    pub wording: Wording,
    /// The date of the edition's next planned update, shown on its home
    /// and "What's changed" pages; `check` warns once it has passed.
    #[serde(default, deserialize_with = "crate::text::frontmatter::optional_date")]
    #[schemars(with = "Option<crate::text::frontmatter::DateText>")]
    pub next_update: Option<Date>,
    /// Whether readers may keep the edition on their device to read
    /// without a signal: `offline: true` puts "Keep this handbook on this
    /// device" on every page, and the build writes the saved copy's list
    /// of files and the script that keeps it (issue 36). Off unless set.
    #[serde(default)]
    pub offline: bool,
    /// `council` (the default) or `layer`: an adaptation of the model that
    /// councils build on with `base:` (issue 35).
    #[serde(default)]
    pub kind: Kind,
    /// For a layer: the body whose words its text is, named on every piece
    /// of its text in every edition built on it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// For a layer: `true` to build it as an edition of its own too; a
    /// layer is not published on its own unless it says so.
    #[serde(default)]
    pub publish: bool,
    /// The folder name of the layer this builds on: its edition is the
    /// model, then the layer's changes, then its own.
    #[serde(default)]
    pub base: Option<String>,
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
    /// That a qualified translator checked the edition's words in the
    /// language: every page then says who checked them, and when, in place
    /// of the theme's notice that its translation is a demonstration one.
    #[serde(default)]
    pub checked: Option<TranslationCheck>,
}

/// A qualified translator's check of an edition's words in one language,
/// shown on every page of the edition, in each of its languages, as the
/// translator's sign-off: "The Welsh of this handbook was checked by
/// {by}, {qualification}, on {date}."
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslationCheck {
    /// Who checked the words: the translator, and their firm if any.
    pub by: String,
    /// Their qualification, such as their membership of a professional
    /// body of translators; shown as written on pages in every language.
    pub qualification: String,
    /// The date of the check.
    #[schemars(with = "String")]
    pub date: Date,
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
    /// Whether this is a layer (`kind: layer`).
    pub fn is_layer(&self) -> bool {
        self.kind == Kind::Layer
    }

    /// Whose words the authority's text is, as marks name it: a layer's
    /// publisher, else the authority's name.
    pub fn publisher(&self) -> &str {
        self.publisher.as_deref().unwrap_or(&self.name)
    }

    /// Whether the authority's own edition is built when every edition
    /// is: always for a council, for a layer only with `publish: true`.
    pub fn published(&self) -> bool {
        !self.is_layer() || self.publish
    }

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
    /// Local documents under `documents/`, sorted by id.
    pub documents: Vec<Document>,
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
        // A layer not published on its own has no accessibility statement.
        if self.config.accessibility.is_none() && self.config.published() {
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
