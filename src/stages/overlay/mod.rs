//! Stage 2, overlay: the model plus one authority's local content makes an [`Edition`].
//!
//! For the `model` edition this passes the model through unchanged. For an
//! authority it checks every override's target (the page and section must
//! exist; two overrides must not fight over one piece of text), splices the
//! local Markdown into the model's at the right places, adds local pages to
//! the navigation tree and attaches examples to pages. The result is text in
//! [`Chunk`]s that remember which file each piece came from, so later stages
//! can point errors at the right line and tell model text from local text.
//!
//! An authority that builds on layers (issue 35) has its overlay applied
//! to the model as the layers left it (`layers`: [`layered`], then
//! [`edition_on`]), by the same code; the layers' overrides and examples
//! join the edition's, each naming its layer.
//!
//! An authority's edition in another of its languages ([`edition_in`]) is
//! overlaid the same way from its sources in that language; each piece
//! still in the default language is wrapped in a `lang` region.
//!
//! It does not resolve links, substitute variables or write HTML.

pub mod drift;
mod layers;
mod overrides;

pub use layers::{edition_on, layer_anchor, layered, with_layers, Layered};

use overrides::{plan_overrides, splice, Planned};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::model::authority::{Action, Authority, Example, Override, Position};
use crate::model::handbook::Model;
use crate::model::language::Lang;
use crate::model::page::{Page, PageMeta};
use crate::model::translation::file_language;
use crate::support::diagnostic::{did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::support::url::MODEL_SLUG;
use crate::text::markdown;

/// A piece of an edition page's Markdown and where it came from.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// The file the text is in.
    pub file: Arc<SourceFile>,
    /// The byte range of the text in the file.
    pub range: (usize, usize),
    /// Whether the text is the authority's own (not the model's).
    pub local: bool,
    /// How readers are shown whose text it is, on model pages an authority
    /// changed: set on an override's text and on the note that stands where
    /// a removed section was.
    pub mark: Option<Arc<Mark>>,
}

pub use crate::model::layered::{Mark, MarkKind};

impl Chunk {
    /// The chunk's text.
    pub fn text(&self) -> &str {
        &self.file.text[self.range.0..self.range.1]
    }
}

/// Where an edition page comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Model text, unchanged.
    Model,
    /// Model text with local overrides.
    Adapted,
    /// A page only the authority has.
    Local,
}

/// A page of an edition, before links are resolved.
#[derive(Debug)]
pub struct EditionPage<'s> {
    /// Front matter (the model's, or the local page's).
    pub meta: &'s PageMeta,
    /// The page's own file.
    pub file: Arc<SourceFile>,
    /// The file its title came from: its own, or a translation that gives
    /// the title before the text ([`Page::title_file`]).
    pub title_file: Arc<SourceFile>,
    /// Model, adapted or local.
    pub origin: Origin,
    /// The page's Markdown, in pieces.
    pub chunks: Vec<Chunk>,
    /// The parent in the navigation tree (`None` for the home page).
    pub parent: Option<String>,
    /// Examples shown on this page.
    pub examples: Vec<&'s Example>,
}

impl EditionPage<'_> {
    /// The page id.
    pub fn id(&self) -> &str {
        &self.meta.id
    }
}

/// One override as applied, for the differences page and `handbook diff`.
#[derive(Debug, Clone)]
pub struct AppliedOverride<'s> {
    /// The override.
    pub over: &'s Override,
    /// The layer whose override it is, in an edition built on layers;
    /// `None` for the edition's own authority's.
    pub layer: Option<&'s Authority>,
    /// Its entry on the differences page, which its marks link to.
    pub anchor: String,
    /// Whether the text it changes or sits beside holds a layer's text
    /// (issue 35): it was then written against the layer's words.
    pub on_layer_text: bool,
    /// The target page's title.
    pub page_title: String,
    /// The target section's title, if a section.
    pub section_title: Option<String>,
    /// The model text it changes or sits beside.
    pub model_text: String,
}

/// One built handbook: the model, or the model with an authority's overlay.
/// Immutable once built.
#[derive(Debug)]
pub struct Edition<'s> {
    /// `model` or the authority's slug.
    pub slug: String,
    /// The model it is built on.
    pub model: &'s Model,
    /// The authority, for authority editions.
    pub authority: Option<&'s Authority>,
    /// The id of the home page (see [`Model::home`]).
    pub home: String,
    /// Pages in reading order (home first, then a depth-first walk of the tree).
    pub pages: Vec<EditionPage<'s>>,
    /// Overrides in the order of their files.
    pub applied: Vec<AppliedOverride<'s>>,
    /// All examples, in file order.
    pub examples: Vec<&'s Example>,
    /// The layers the edition builds on, the one next to the model first
    /// (issue 35); empty for an edition built on the model alone.
    pub layers: Vec<&'s Authority>,
    /// The edition's language when it is one of its authority's other
    /// languages (`None` for the default language): text still in the
    /// default language is marked as such.
    pub lang: Option<Lang>,
}

impl<'s> Edition<'s> {
    /// Whose words the text an override of `applied` adds is, and whose
    /// text it changes: the layer's or the authority's publisher, and that
    /// of the layer under it (`None`: the model's).
    pub fn whose(&self, applied: &AppliedOverride) -> (String, Option<String>) {
        let by = applied.layer.map_or_else(
            || self.name().to_string(),
            |l| l.config.publisher().to_string(),
        );
        let at = match applied.layer {
            Some(layer) => self.layers.iter().position(|l| std::ptr::eq(*l, layer)),
            None => Some(self.layers.len()),
        };
        let under = at
            .filter(|_| applied.on_layer_text)
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.layers.get(i))
            .map(|l| l.config.publisher().to_string());
        (by, under)
    }

    /// The edition's name as readers see it.
    pub fn name(&self) -> &str {
        match self.authority {
            Some(a) => &a.config.name,
            None => "Model guidance",
        }
    }

    /// The address the edition is published at, ending in `/`: the
    /// authority's `address:` for its edition, `handbook.yaml`'s for the
    /// model's. `None` when it is not given.
    pub fn address(&self) -> Option<&str> {
        match self.authority {
            Some(a) => a.config.address.as_deref(),
            None => self.model.meta.address.as_deref(),
        }
    }

    /// The folder this language's site of the edition stands in, from
    /// the edition's top: `""` for the default language, `cy/` for Welsh.
    pub fn folder(&self) -> String {
        self.lang
            .map_or(String::new(), |l| format!("{}/", l.code()))
    }

    /// The published address of the edition's top folder, which holds
    /// every language's site: for the default language its
    /// [`address`](Self::address); for another, that address without the
    /// language's [`folder`](Self::folder) (`translation` gives a language's
    /// site the address of its folder).
    pub fn top_address(&self) -> Option<&str> {
        let address = self.address()?;
        Some(address.strip_suffix(&self.folder()).unwrap_or(address))
    }

    /// A page by id.
    pub fn page(&self, id: &str) -> Option<&EditionPage<'s>> {
        self.pages.iter().find(|p| p.id() == id)
    }

    /// The language code of text from `file`, when the edition is in
    /// another language and the file is not: `Some("en")` for a page not
    /// yet translated, `None` for text in the edition's own language.
    pub fn foreign(&self, file: &SourceFile) -> Option<&'static str> {
        foreign_in(self.lang, file)
    }

    /// Whether no text of `page` (its title or any piece of its text) is in
    /// the edition's language yet: the page is not translated at all.
    pub fn wholly_untranslated(&self, page: &EditionPage) -> bool {
        let Some(lang) = self.lang else {
            return false;
        };
        self.foreign(&page.title_file).is_some()
            && !page
                .chunks
                .iter()
                .any(|c| c.file.path != GENERATED && in_language(c, lang))
    }

    /// Whether any text of `page` (its title, text or examples) is not yet
    /// in the edition's language.
    pub fn untranslated(&self, page: &EditionPage) -> bool {
        let Some(lang) = self.lang else {
            return false;
        };
        self.foreign(&page.title_file).is_some()
            || page.chunks.iter().any(|c| !in_language(c, lang))
            || page
                .examples
                .iter()
                .any(|e| self.foreign(&e.file).is_some())
    }
}

/// The model edition: every model page, unchanged.
pub fn model_edition<'s>(model: &'s Model, diagnostics: &Diagnostics) -> Edition<'s> {
    build(model, None, diagnostics)
}

/// An authority's edition.
pub fn authority_edition<'s>(
    model: &'s Model,
    authority: &'s Authority,
    diagnostics: &Diagnostics,
) -> Edition<'s> {
    build(model, Some(authority), diagnostics)
}

/// An authority's edition in one of its other languages, from its sources
/// in that language (the model and the authority's content with each
/// translation in place of what it translates; `load::Translated`). Each
/// piece of text still in the default language is wrapped in a `lang`
/// region, so readers' software reads it as that language (WCAG 2.2,
/// 3.1.2 language of parts).
pub fn edition_in<'s>(
    model: &'s Model,
    authority: &'s Authority,
    lang: Lang,
    default: Lang,
    diagnostics: &Diagnostics,
) -> Edition<'s> {
    let mut edition = build(model, Some(authority), diagnostics);
    edition.lang = Some(lang);
    for page in &mut edition.pages {
        let chunks = std::mem::take(&mut page.chunks);
        for chunk in chunks {
            if in_language(&chunk, lang) {
                page.chunks.push(chunk);
                continue;
            }
            page.chunks.push(generated(&format!(
                "\n\n<div lang=\"{}\">\n\n",
                default.code()
            )));
            page.chunks.push(chunk);
            page.chunks.push(generated("\n\n</div>\n\n"));
        }
    }
    edition
}

/// The language code of text from `file` on a site in `lang` (`None`: the
/// edition's default language), when the file is not in that language:
/// `Some("en")` for text not yet translated, `None` for text in the site's
/// own language (see [`Edition::foreign`]).
pub fn foreign_in(lang: Option<Lang>, file: &SourceFile) -> Option<&'static str> {
    let lang = lang?;
    (file_language(&file.path) != Some(Ok(lang))).then(|| Lang::En.code())
}

/// Whether a chunk is in `lang`: a translation into it, or text made by
/// Handbook between pieces (which has no words).
pub fn in_language(chunk: &Chunk, lang: Lang) -> bool {
    chunk.file.path == GENERATED || file_language(&chunk.file.path) == Some(Ok(lang))
}

/// The path of the text Handbook makes between pieces of text.
const GENERATED: &str = "(generated)";

/// A chunk of text Handbook makes, with no words of any language.
fn generated(text: &str) -> Chunk {
    let file = SourceFile::new(GENERATED, text);
    Chunk {
        range: (0, file.text.len()),
        file,
        local: false,
        mark: None,
    }
}

/// Where a model page sits in the navigation: under its `parent:`, else
/// under its folder's `_index.md`, else under home; `None` for home itself.
fn model_parent(page: &Page, home: &str) -> Option<String> {
    (page.id() != home).then(|| {
        page.meta
            .parent
            .clone()
            .or_else(|| page.folder_parent.clone())
            .unwrap_or_else(|| home.to_string())
    })
}

/// The whole text of a model page, in chunks (one, unless a layer adapted it).
fn whole(page: &Page) -> Vec<Chunk> {
    layers::model_chunks(page, page.body_start, page.file.text.len())
}

fn build<'s>(
    model: &'s Model,
    authority: Option<&'s Authority>,
    diagnostics: &Diagnostics,
) -> Edition<'s> {
    let mut problems = Vec::new();
    let home = model.home().to_string();
    for page in model.pages.values() {
        check_reserved(page, &mut problems);
    }
    let planned = match authority {
        Some(a) => plan_overrides(model, a, &mut problems),
        None => Vec::new(),
    };
    let mut pages = model_pages(model, authority, &planned, &home);
    if let Some(authority) = authority {
        add_local_pages(model, authority, &home, &mut pages, &mut problems);
    }
    place_under_parents(model, &home, &mut pages, &mut problems);
    let mut examples = Vec::new();
    if let Some(authority) = authority {
        attach_examples(authority, &mut pages, &mut examples, &mut problems);
        check_urgent(authority, &pages, &mut problems);
    }
    let pages = reading_order(pages, &home, &mut problems);
    let applied = planned
        .iter()
        .map(|p| AppliedOverride {
            over: p.over,
            layer: None,
            anchor: overrides::anchor_of(p.over, authority),
            on_layer_text: p.on_layer_text(),
            page_title: p.page.meta.title.clone(),
            section_title: p.section.map(|s| p.page.sections[s].title.clone()),
            model_text: p.model_text().to_string(),
        })
        .collect();
    diagnostics.extend(problems);
    Edition {
        slug: authority.map_or(MODEL_SLUG.to_string(), |a| a.slug.clone()),
        model,
        authority,
        home,
        pages,
        applied,
        examples,
        layers: Vec::new(),
        lang: None,
    }
}

/// The model's pages with the overrides on them applied; a page an
/// override removes is left out.
fn model_pages<'s>(
    model: &'s Model,
    authority: Option<&'s Authority>,
    planned: &[Planned<'s>],
    home: &str,
) -> Vec<EditionPage<'s>> {
    let mut by_page: BTreeMap<&str, Vec<&Planned>> = BTreeMap::new();
    for p in planned {
        by_page
            .entry(p.over.target.page.as_str())
            .or_default()
            .push(p);
    }
    let mut pages = Vec::new();
    for page in model.pages.values() {
        let edits = by_page.remove(page.id()).unwrap_or_default();
        let removed = edits
            .iter()
            .any(|e| e.over.target.section.is_none() && e.over.action == Action::Remove);
        if removed {
            continue;
        }
        let (chunks, origin) = match authority.filter(|_| !edits.is_empty()) {
            Some(authority) => (splice(page, &edits, authority), Origin::Adapted),
            // A page a layer adapted shows the layer's marks.
            None if page.pieces.iter().any(|p| p.mark.is_some()) => (whole(page), Origin::Adapted),
            None => (whole(page), Origin::Model),
        };
        pages.push(EditionPage {
            meta: &page.meta,
            file: Arc::clone(&page.file),
            title_file: Arc::clone(page.title_source()),
            origin,
            chunks,
            parent: model_parent(page, home),
            examples: Vec::new(),
        });
    }
    pages
}

/// An authority's own pages, added to the edition's; one whose id the model
/// or another local page has is an error.
fn add_local_pages<'s>(
    model: &'s Model,
    authority: &'s Authority,
    home: &str,
    pages: &mut Vec<EditionPage<'s>>,
    problems: &mut Vec<Diagnostic>,
) {
    for page in &authority.pages {
        check_reserved(page, problems);
        if let Some(model_page) = model.pages.get(page.id()) {
            problems.push(
                Diagnostic::error("local-page-shadows-model", format!("the model already has a page with the id `{}`", page.id()))
                    .in_file(&page.file)
                    .hint(format!("give the local page another id, or change the model page `{}` with an override in `overrides/`", model_page.file.path)),
            );
            continue;
        }
        if pages.iter().any(|p| p.id() == page.id()) {
            problems.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("two local pages have the id `{}`", page.id()),
                )
                .in_file(&page.file)
                .hint("give each page its own id"),
            );
            continue;
        }
        pages.push(EditionPage {
            meta: &page.meta,
            file: Arc::clone(&page.file),
            title_file: Arc::clone(page.title_source()),
            origin: Origin::Local,
            chunks: vec![Chunk {
                file: Arc::clone(&page.file),
                range: (page.body_start, page.file.text.len()),
                local: true,
                mark: None,
            }],
            parent: Some(page.meta.parent.clone().unwrap_or_else(|| home.to_string())),
            examples: Vec::new(),
        });
    }
}

/// Checks that every page's parent is in the edition: a model page whose
/// parent this edition removed goes under the removed page's parent; one
/// whose parent is unknown goes under home, with an error.
fn place_under_parents<'s>(
    model: &Model,
    home: &str,
    pages: &mut [EditionPage<'s>],
    problems: &mut Vec<Diagnostic>,
) {
    let ids: foldhash::HashSet<&'s str> = pages.iter().map(|p| -> &'s str { &p.meta.id }).collect();
    for page in pages.iter_mut() {
        if page.origin != Origin::Local {
            let mut hops = 0;
            while let Some(parent) = page.parent.as_deref() {
                if ids.contains(parent) || hops > 64 {
                    break;
                }
                let Some(removed) = model.pages.get(parent) else {
                    break;
                };
                page.parent = model_parent(removed, home);
                hops += 1;
            }
        }
        if let Some(parent) = &page.parent {
            if !ids.contains(parent.as_str()) || parent == page.id() {
                let at = crate::text::frontmatter::find_key(
                    &page.file,
                    (0, page.file.text.len()),
                    "parent",
                );
                problems.push(
                    Diagnostic::error(
                        "unknown-parent",
                        format!("the parent page `{parent}` is not in this edition"),
                    )
                    .at(&page.file, at.0, at.1)
                    .hint(did_you_mean(
                        parent,
                        ids.iter().copied(),
                        "use the id of an existing page, such as `home`",
                    )),
                );
                page.parent = Some(home.to_string());
            }
        }
    }
}

fn check_reserved(page: &Page, problems: &mut Vec<Diagnostic>) {
    if crate::support::url::is_reserved(page.id()) {
        problems.push(
            Diagnostic::error(
                "reserved-id",
                format!("`{}` is the name of one of the site's own pages", page.id()),
            )
            .in_file(&page.file)
            .hint(format!(
                "choose another id for this page; the site's own pages use {}",
                crate::support::url::reserved_ids().join(", ")
            )),
        );
    }
}

fn attach_examples<'s>(
    authority: &'s Authority,
    pages: &mut [EditionPage<'s>],
    examples: &mut Vec<&'s Example>,
    problems: &mut Vec<Diagnostic>,
) {
    let index: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id().to_string(), i))
        .collect();
    let mut seen = HashSet::new();
    for example in &authority.examples {
        if !seen.insert(example.id.as_str()) {
            problems.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("two examples have the id `{}`", example.id),
                )
                .in_file(&example.file)
                .hint("give each example its own id"),
            );
            continue;
        }
        if let Some(source) = &example.source {
            if !authority.config.sources.iter().any(|s| &s.id == source) {
                problems.push(
                    Diagnostic::error(
                        "unknown-source",
                        format!("`{source}` is not one of the sources in authority.yaml"),
                    )
                    .at(&example.file, example.source_span.0, example.source_span.1)
                    .hint(did_you_mean(
                        source,
                        authority.config.sources.iter().map(|s| s.id.as_str()),
                        "add it under `sources:` in authority.yaml with its citation",
                    )),
                );
            }
        }
        examples.push(example);
        for target in &example.attach {
            match index.get(target) {
                Some(&i) => pages[i].examples.push(example),
                None => problems.push(
                    Diagnostic::error("unknown-attach", format!("this example is attached to `{target}`, which is not a page of this edition"))
                        .at(&example.file, example.attach_span.0, example.attach_span.1)
                        .hint(did_you_mean(target, index.keys().map(String::as_str), "use the id of a page, such as `step-5`")),
                ),
            }
        }
    }
}

/// Checks that each urgent box of `authority.yaml` names a page of the edition.
fn check_urgent(authority: &Authority, pages: &[EditionPage], problems: &mut Vec<Diagnostic>) {
    for id in authority.config.urgent.keys() {
        if pages.iter().any(|p| p.id() == id) {
            continue;
        }
        let (start, end) = authority.setting_span("urgent");
        problems.push(
            Diagnostic::error(
                "unknown-urgent-page",
                format!("the urgent box for `{id}` is for a page this edition does not have"),
            )
            .at(&authority.config_file, start, end)
            .hint(did_you_mean(
                id,
                pages.iter().map(|p| p.id()),
                "use the id of a page, such as `staying-safe`",
            )),
        );
    }
}

/// Orders pages as a reader meets them: home, then each child by weight, depth first.
fn reading_order<'s>(
    pages: Vec<EditionPage<'s>>,
    home: &str,
    problems: &mut Vec<Diagnostic>,
) -> Vec<EditionPage<'s>> {
    // By index, borrowing ids: an edition of thousands of pages is put in
    // order on every save under `serve`.
    let order: Vec<usize> = {
        let mut children: foldhash::HashMap<Option<&str>, Vec<(i64, &str, usize)>> =
            foldhash::HashMap::default();
        for (i, p) in pages.iter().enumerate() {
            let parent = p.parent.as_deref();
            children
                .entry(parent)
                .or_default()
                .push((p.meta.weight, p.id(), i));
        }
        for list in children.values_mut() {
            list.sort_unstable();
        }
        let mut order = Vec::with_capacity(pages.len());
        let mut visited = vec![false; pages.len()];
        let mut stack: Vec<usize> = children
            .get(&None)
            .map(|roots| roots.iter().rev().map(|&(_, _, i)| i).collect())
            .unwrap_or_default();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut visited[i], true) {
                continue;
            }
            if let Some(kids) = children.get(&Some(pages[i].id())) {
                stack.extend(kids.iter().rev().map(|&(_, _, k)| k));
            }
            order.push(i);
        }
        order
    };
    let mut slots: Vec<Option<EditionPage<'s>>> = pages.into_iter().map(Some).collect();
    let mut ordered: Vec<EditionPage<'s>> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let mut stranded: Vec<EditionPage<'s>> = slots.into_iter().flatten().collect();
    // Pages in a parent loop are unreachable from home: report and keep them.
    stranded.sort_by(|a, b| a.id().cmp(b.id()));
    for mut page in stranded {
        problems.push(
            Diagnostic::error(
                "parent-loop",
                format!(
                    "the page `{}` cannot be reached from home: its parents form a loop",
                    page.id()
                ),
            )
            .in_file(&page.file)
            .hint("set `parent:` so that following parents leads to `home`"),
        );
        page.parent = Some(home.to_string());
        ordered.push(page);
    }
    ordered
}

#[cfg(test)]
mod tests;
