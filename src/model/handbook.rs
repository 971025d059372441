//! The model guidance and everything read from a handbook root, as values:
//! `handbook.yaml` ([`HandbookMeta`]), the model's pages ([`Model`]), and
//! the [`Sources`] the load stage returns (the model, the authorities, the
//! theme folder and each authority's other languages).
//!
//! Types only: reading them from disk is the load stage's job
//! (`stages::load`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Deserialize;

use crate::model::authority::Authority;
use crate::model::language::Lang;
use crate::model::page::Page;
use crate::model::translation::Translation;

/// `content/handbook.yaml`: what the model is and how to credit it.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandbookMeta {
    /// The model's title.
    pub title: String,
    /// Its subtitle.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Who publishes the model.
    pub publisher: String,
    /// Its version, such as "Draft 6".
    pub version: String,
    /// Its publication date.
    #[serde(deserialize_with = "crate::text::frontmatter::date")]
    #[schemars(with = "crate::text::frontmatter::DateText")]
    pub date: Date,
    /// Licence wording.
    pub licence: String,
    /// How to credit the model ("… by In Control").
    pub attribution: String,
    /// Where the original can be found.
    #[serde(default)]
    pub source_note: Option<String>,
    /// The address the model edition is published at (the folder of its
    /// home page), for the sitemap and the 404 page: a web address
    /// starting `https://` or `http://`, such as
    /// `https://guidance.example.gov.uk/handbook/`.
    #[serde(default)]
    pub address: Option<String>,
    /// Changes the editors made to the model's text that no marking in the
    /// text can show (text moved, a list made into sections), for the
    /// credits page's list of editorial changes (see `editorial`).
    #[serde(default)]
    pub editorial_changes: Vec<EditorialNote>,
}

/// One change the editors made to the model's text, in their words.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditorialNote {
    /// The id of the page it is on.
    pub page: String,
    /// What they changed.
    pub note: String,
}

/// Keys allowed in `handbook.yaml`.
pub const HANDBOOK_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "publisher",
    "version",
    "date",
    "licence",
    "attribution",
    "source_note",
    "address",
    "editorial_changes",
];

impl HandbookMeta {
    /// What applies when a root has no `handbook.yaml`.
    pub fn fallback() -> Self {
        Self {
            title: "Handbook".into(),
            subtitle: None,
            publisher: "In Control".into(),
            version: "unversioned".into(),
            date: Date::constant(2009, 10, 8),
            licence: "Open-source: may be borrowed or adapted; please credit In Control.".into(),
            attribution: "Systems, Practice and Support of Professional Social Work under Self-Directed Support by In Control".into(),
            source_note: None,
            address: None,
            editorial_changes: Vec::new(),
        }
    }
}

/// The model guidance, parsed once and shared by every edition.
#[derive(Debug)]
pub struct Model {
    /// `handbook.yaml`.
    pub meta: HandbookMeta,
    /// Model pages by id.
    pub pages: BTreeMap<String, Page>,
    /// Ids of model pages whose files could not be read (already reported),
    /// so links to them are not reported again as unknown.
    pub broken_ids: BTreeSet<String>,
    /// What the layers under an edition removed (issue 35): each target
    /// (`page` or `page#section`) with the layer and file that removed it.
    /// Empty for the model read from `content/`.
    pub removed: BTreeMap<String, (String, String)>,
}

/// Everything read from a handbook root.
#[derive(Debug)]
pub struct Sources {
    /// The root folder.
    pub root: PathBuf,
    /// The model.
    pub model: Arc<Model>,
    /// Authorities, by slug: councils and layers (issue 35).
    pub authorities: Vec<Authority>,
    /// The slugs of the layers loaded only because an authority the run
    /// asked for builds on them: no edition of their own is made.
    pub bases_only: std::collections::BTreeSet<String>,
    /// The theme folder (`themes/default`); when the root has no `themes/`
    /// folder, the theme built into Handbook is used instead.
    pub theme_dir: PathBuf,
    /// Each authority's sources in each of its languages but the default,
    /// by slug and language, in the order of `authorities`.
    pub translated: Vec<Translated>,
}

/// One authority's sources in one of its other languages: the model and
/// the authority's own content with each translation in place of what it
/// translates (see [`translation`]).
#[derive(Debug)]
pub struct Translated {
    /// The authority's slug.
    pub slug: String,
    /// The language.
    pub lang: Lang,
    /// The model in the language.
    pub model: Arc<Model>,
    /// The authority in the language.
    pub authority: Authority,
    /// The translations, in file order.
    pub translations: Vec<Translation>,
}

impl Sources {
    /// The sources of authority `slug` in language `lang`, when it has that
    /// language besides its default.
    pub fn in_language(&self, slug: &str, lang: Lang) -> Option<&Translated> {
        self.translated
            .iter()
            .find(|t| t.slug == slug && t.lang == lang)
    }
}

/// The display path of the root folder's own page.
pub const ROOT_INDEX: &str = "content/_index.md";

impl Model {
    /// The id of the home page: the root `content/_index.md`'s, else `home`.
    pub fn home(&self) -> &str {
        self.pages
            .values()
            .find(|p| p.file.path == ROOT_INDEX)
            .map_or("home", |p| p.id())
    }
}
