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
//! An authority's edition in another of its languages ([`edition_in`]) is
//! overlaid the same way from its sources in that language; each piece
//! still in the default language is wrapped in a `lang` region.
//!
//! It does not resolve links, substitute variables or write HTML.

pub mod drift;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::model::authority::{Action, Authority, Example, MarkStyle, Override, Position};
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

/// What marks a piece of an adapted page as the council's, where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// What the council did there.
    pub kind: MarkKind,
    /// The council's name.
    pub council: String,
    /// The override's entry on the differences page.
    pub anchor: String,
    /// When the local text last changed, as its front matter says.
    pub updated: Option<jiff::civil::Date>,
    /// The edition's marking style.
    pub style: MarkStyle,
}

/// What a council did at a marked place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// Its own text, in place of or beside the model's.
    Local,
    /// A note beside model text, which is unchanged.
    Note,
    /// A notice where it removed model text.
    Removed,
}

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
#[derive(Debug)]
pub struct AppliedOverride<'s> {
    /// The override.
    pub over: &'s Override,
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
    /// The edition's language when it is one of its authority's other
    /// languages (`None` for the default language): text still in the
    /// default language is marked as such.
    pub lang: Option<Lang>,
}

impl<'s> Edition<'s> {
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
        let lang = self.lang?;
        (file_language(&file.path) != Some(Ok(lang))).then(|| Lang::En.code())
    }

    /// Whether no text of `page` (its title or any piece of its text) is in
    /// the edition's language yet: the page is not translated at all.
    pub fn wholly_untranslated(&self, page: &EditionPage) -> bool {
        let Some(lang) = self.lang else {
            return false;
        };
        self.foreign(&page.file).is_some()
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
        self.foreign(&page.file).is_some()
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

fn whole(page: &Page) -> Chunk {
    Chunk {
        file: Arc::clone(&page.file),
        range: (page.body_start, page.file.text.len()),
        local: false,
        mark: None,
    }
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
            None => (vec![whole(page)], Origin::Model),
        };
        pages.push(EditionPage {
            meta: &page.meta,
            file: Arc::clone(&page.file),
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

/// An override whose target has been found.
struct Planned<'s> {
    over: &'s Override,
    page: &'s Page,
    /// Index into `page.sections`, for section targets.
    section: Option<usize>,
}

impl Planned<'_> {
    /// The byte range of the target in the page's file.
    fn range(&self) -> (usize, usize) {
        match self.section {
            Some(i) => (self.page.sections[i].start, self.page.sections[i].end),
            None => (self.page.body_start, self.page.file.text.len()),
        }
    }

    fn model_text(&self) -> &str {
        let (a, b) = self.range();
        &self.page.file.text[a..b]
    }

    /// Where the local text goes, or the range it replaces.
    fn edit(&self) -> Edit {
        let (start, end) = self.range();
        let after_heading = match self.section {
            Some(i) => self.page.sections[i].heading_end,
            None => start,
        };
        match self.over.action {
            Action::Replace | Action::Remove => Edit::Cut(start, end),
            Action::Append | Action::InsertAfter => Edit::Insert(end),
            Action::Note if self.over.position == Position::Before => Edit::Insert(after_heading),
            Action::Prepend => Edit::Insert(after_heading),
            Action::Note => Edit::Insert(end),
            Action::InsertBefore => Edit::Insert(start),
        }
    }

    /// Order of edits at one position, as a reader meets them: text
    /// prepended after a heading first; then text closing sections, innermost
    /// first, each section's appended text before the text inserted after it;
    /// then text opening the next section, outermost first, the text inserted
    /// before a section ahead of its replacement.
    fn rank(&self) -> (u8, i16, u8) {
        let depth = self
            .section
            .map_or(0, |i| i16::from(self.page.sections[i].level));
        match self.over.action {
            Action::Prepend => (0, depth, 0),
            // A note before the text comes after the text prepended to it,
            // and one after it follows the text appended to it.
            Action::Note if self.over.position == Position::Before => (0, depth, 1),
            Action::Note => (1, -depth, 2),
            Action::Append => (1, -depth, 0),
            Action::InsertAfter => (1, -depth, 1),
            Action::InsertBefore => (2, depth, 0),
            Action::Replace | Action::Remove => (2, depth, 1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Insert(usize),
    Cut(usize, usize),
}

fn plan_overrides<'s>(
    model: &'s Model,
    authority: &'s Authority,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Planned<'s>> {
    let mut planned: Vec<Planned<'s>> = Vec::new();
    for over in &authority.overrides {
        let target = &over.target;
        let Some(page) = model.pages.get(&target.page) else {
            let local = authority.pages.iter().any(|p| p.id() == target.page);
            let hint = if local {
                "overrides change model pages; edit the local page itself instead".to_string()
            } else {
                did_you_mean(
                    &target.page,
                    model.pages.keys().map(String::as_str),
                    "use the id of a model page, such as `step-3`",
                )
            };
            problems.push(
                Diagnostic::error(
                    "unknown-target",
                    format!(
                        "there is no model page `{}` to {}",
                        target.page,
                        over.action.word()
                    ),
                )
                .at(&over.file, over.target_span.0, over.target_span.1)
                .hint(hint),
            );
            continue;
        };
        let section = match &target.section {
            None => None,
            Some(id) => match page.sections.iter().position(|s| &s.id == id) {
                Some(i) => Some(i),
                None => {
                    problems.push(
                        Diagnostic::error(
                            "unknown-target",
                            format!("the page `{}` has no section `{id}`", page.id()),
                        )
                        .at(&over.file, over.target_span.0, over.target_span.1)
                        .hint(did_you_mean(
                            id,
                            page.sections.iter().map(|s| s.id.as_str()),
                            &format!(
                                "its sections are: {}",
                                page.sections
                                    .iter()
                                    .map(|s| s.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )),
                    );
                    continue;
                }
            },
        };
        if section.is_none() && matches!(over.action, Action::InsertBefore | Action::InsertAfter) {
            problems.push(
                Diagnostic::error("insert-needs-section", format!("`{}` needs a section to go next to", over.action.word()))
                    .at(&over.file, over.target_span.0, over.target_span.1)
                    .hint("target a section (`page-id#section-id`), or use `prepend`/`append` to add to the start or end of the page"),
            );
            continue;
        }
        if section.is_none() && over.action == Action::Replace && over.body().trim().is_empty() {
            problems.push(
                Diagnostic::error(
                    "empty-replace",
                    "this override replaces a whole page with nothing",
                )
                .at(&over.file, over.target_span.0, over.target_span.1)
                .hint("write the local text under the front matter, or use `action: remove`"),
            );
            continue;
        }
        if let (Action::Replace, Some(id)) = (over.action, &target.section) {
            problems.extend(lost_section_id(over, id));
        }
        planned.push(Planned {
            over,
            page,
            section,
        });
    }
    reject_clashes(planned, problems)
}

/// The warning for a `replace` override of the section `id` whose text
/// does not start with a heading of that id: the section would lose its
/// id, and every link to it would go to the top of the page instead.
fn lost_section_id(over: &Override, id: &str) -> Option<Diagnostic> {
    let body = over.body();
    let first = crate::text::markdown::headings(body).into_iter().next();
    let first_id = first.as_ref().map(|h| {
        h.explicit_id
            .clone()
            .unwrap_or_else(|| crate::text::markdown::slug(&h.text))
    });
    let at_start = first
        .as_ref()
        .is_some_and(|h| h.range.0 == body.len() - body.trim_start().len());
    if at_start && first_id.as_deref() == Some(id) {
        return None;
    }
    let (what, at) = match (&first, &first_id) {
        (Some(h), Some(first_id)) => (
            format!("its first heading has the id `{first_id}`"),
            (over.body_start + h.range.0, over.body_start + h.range.1),
        ),
        _ => (
            "its text has no heading".to_string(),
            (over.target_span.0, over.target_span.1),
        ),
    };
    Some(
        Diagnostic::warning(
            "section-id-lost",
            format!("this override replaces the section `{id}`, but {what}: the section loses its id, and every link to `{}#{id}` would go to the top of the page", over.target.page),
        )
        .at(&over.file, at.0, at.1.max(at.0 + 1))
        .hint(format!("start the override's text with the section's heading and its id, such as `## Your heading {{#{id}}}`")),
    )
}

/// Two overrides clash when one replaces or removes text the other changes.
fn reject_clashes<'s>(
    planned: Vec<Planned<'s>>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Planned<'s>> {
    let mut clashing = HashSet::new();
    for (i, a) in planned.iter().enumerate() {
        for (j, b) in planned.iter().enumerate().skip(i + 1) {
            if a.page.id() != b.page.id() {
                continue;
            }
            if clash(a, b) || clash(b, a) {
                clashing.insert(i);
                clashing.insert(j);
                problems.push(
                    Diagnostic::error(
                        "override-clash",
                        format!(
                            "this override ({} `{}`) clashes with `{}` ({} `{}`)",
                            a.over.action.word(),
                            a.over.target,
                            b.over.file.path,
                            b.over.action.word(),
                            b.over.target
                        ),
                    )
                    .at(&a.over.file, a.over.target_span.0, a.over.target_span.1)
                    .hint(format!(
                        "both change the same text; merge `{}` and `{}` into one override",
                        a.over.file.path, b.over.file.path
                    )),
                );
            }
        }
    }
    planned
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !clashing.contains(i))
        .map(|(_, p)| p)
        .collect()
}

fn clash(cutter: &Planned, other: &Planned) -> bool {
    let Edit::Cut(start, end) = cutter.edit() else {
        // Two insertions never clash, unless they are the same action on the same target.
        return cutter.over.target == other.over.target && cutter.over.action == other.over.action;
    };
    if cutter.over.target == other.over.target {
        return !matches!(
            other.over.action,
            Action::InsertBefore | Action::InsertAfter
        );
    }
    let (o_start, o_end) = other.range();
    let inside = o_start >= start && o_end <= end;
    match other.edit() {
        Edit::Cut(..) => inside || (o_start < end && start < o_end),
        // Text added to, or next to, something inside the cut text has nowhere to go.
        Edit::Insert(pos) => inside || (pos > start && pos < end),
    }
}

/// Builds a page's chunks from the model text and the overrides on it,
/// each override's text marked as `authority`'s, and a marked notice where
/// it removed a section.
fn splice(page: &Page, edits: &[&Planned], authority: &Authority) -> Vec<Chunk> {
    let mut ordered: Vec<&&Planned> = edits.iter().collect();
    ordered.sort_by_cached_key(|p| {
        let pos = match p.edit() {
            Edit::Insert(pos) | Edit::Cut(pos, _) => pos,
        };
        (pos, p.rank(), p.over.file.path.clone())
    });
    let file = &page.file;
    let mut chunks = Vec::new();
    let mut cursor = page.body_start;
    let model = |from: usize, to: usize, chunks: &mut Vec<Chunk>| {
        if to > from {
            chunks.push(Chunk {
                file: Arc::clone(file),
                range: (from, to),
                local: false,
                mark: None,
            });
        }
    };
    for p in ordered {
        let (start, end) = match p.edit() {
            Edit::Insert(pos) => (pos, pos),
            Edit::Cut(start, end) => (start, end),
        };
        model(cursor, start.max(cursor), &mut chunks);
        cursor = cursor.max(end);
        let Some(local) = marked_text(p, authority) else {
            continue;
        };
        chunks.push(separator());
        chunks.push(local);
        chunks.push(separator());
    }
    model(cursor, file.text.len(), &mut chunks);
    chunks
}

/// What an override puts where it acts, marked as the council's: its own
/// text, or, for a removed section, a notice saying so and why. `None` for
/// a removed page, which is gone.
fn marked_text(p: &Planned, authority: &Authority) -> Option<Chunk> {
    let kind = match p.over.action {
        Action::Note => MarkKind::Note,
        Action::Remove => MarkKind::Removed,
        _ => MarkKind::Local,
    };
    let mark = Arc::new(Mark {
        kind,
        council: authority.config.name.clone(),
        anchor: p.over.anchor(),
        updated: p.over.governance.last_updated(),
        style: authority.config.theme.provenance,
    });
    let (file, range) = if kind == MarkKind::Removed {
        let section = p.section.map(|i| p.page.sections[i].title.as_str())?;
        let text = format!(
            "The model guidance has a section here, \u{201c}{}\u{201d}, that is not part of this edition. {}\n",
            markdown::escape_text(section),
            markdown::escape_text(p.over.reason.as_deref().unwrap_or_default())
        );
        let file = SourceFile::new(format!("{} (removed section)", p.over.file.path), text);
        let range = (0, file.text.len());
        (file, range)
    } else {
        (
            Arc::clone(&p.over.file),
            (p.over.body_start, p.over.file.text.len()),
        )
    };
    Some(Chunk {
        file,
        range,
        local: true,
        mark: Some(mark),
    })
}

/// What goes between model and local text: a blank line and an empty
/// comment, so that local text never continues a model list or paragraph
/// (the comment is not published).
fn separator() -> Chunk {
    static BLANK: std::sync::OnceLock<Arc<SourceFile>> = std::sync::OnceLock::new();
    let file = BLANK.get_or_init(|| SourceFile::new(GENERATED, "\n\n<!-- -->\n\n"));
    Chunk {
        file: Arc::clone(file),
        range: (0, file.text.len()),
        local: false,
        mark: None,
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
mod tests {
    use super::*;
    use crate::model::authority::tests::authority_x;
    use crate::stages::load::tests::{model_of, page};

    const STEP_3: &str = "---\nid: step-3\ntitle: Step three\nweight: 3\n---\nModel intro.\n\n## Panel {#panel}\n\nModel panel text.\n\n### Papers {#papers}\n\nModel papers text.\n\n## Checklist {#checklist}\n\nModel checklist text.\n";

    /// A model of a home page, step 3 and step 4 (under step 3).
    fn model() -> Model {
        let home = "---\nid: home\ntitle: Home\n---\nWelcome.\n";
        let step_4 = "---\nid: step-4\ntitle: Step four\nparent: step-3\n---\nModel step four.\n";
        model_of(vec![
            page("content/_index.md", home),
            page("content/step-3.md", STEP_3),
            page("content/step-4.md", step_4),
        ])
    }

    /// The authority `x` with these override files (name, text), and local pages.
    fn authority(overrides: &[(&str, &str)], pages: &[(&str, &str)]) -> Authority {
        let pages = pages
            .iter()
            .map(|(name, text)| page(&format!("local-overrides/x/pages/{name}"), text))
            .collect();
        authority_x("", overrides, pages)
    }

    /// An override of `target` with `action` (and more front matter) and
    /// the text `LOCAL`; one that replaces a section starts with the
    /// section's heading, keeping its id.
    fn over(target: &str, action: &str, more: &str) -> String {
        let heading = match target.split_once('#') {
            Some((_, id)) if action == "replace" => format!("## Ours {{#{id}}}\n\n"),
            _ => String::new(),
        };
        format!("---\ntarget: {target}\naction: {action}\n{more}---\n{heading}LOCAL {action}.\n")
    }

    /// The text of step 3 in the edition with these overrides, and its
    /// chunks as (text, local) pairs; panics on any problem.
    fn step_3_with(overrides: &[(&str, &str)]) -> (String, Vec<(String, bool)>) {
        let model = model();
        let authority = authority(overrides, &[]);
        let diagnostics = Diagnostics::new();
        let edition = authority_edition(&model, &authority, &diagnostics);
        let problems = diagnostics.into_sorted();
        assert!(problems.is_empty(), "{problems:?}");
        let step = edition.page("step-3").unwrap();
        assert_eq!(step.origin, Origin::Adapted);
        let chunks: Vec<(String, bool)> = step
            .chunks
            .iter()
            .map(|c| (c.text().to_string(), c.local))
            .collect();
        (chunks.iter().map(|(t, _)| t.as_str()).collect(), chunks)
    }

    /// Asserts that `text` holds each of `parts`, in that order.
    fn in_order(text: &str, parts: &[&str]) {
        let mut from = 0;
        for part in parts {
            let Some(at) = text[from..].find(part) else {
                panic!("{part:?} is not after byte {from} in:\n{text}");
            };
            from += at + part.len();
        }
    }

    #[test]
    fn each_action_puts_local_text_where_a_reader_expects_it() {
        // Action | more front matter | what a reader meets, in order.
        let cases = "\
            replace       | reason: Ours.    | intro. < LOCAL replace. < ## Checklist
            append        |                  | ## Panel < papers text. < LOCAL append. < ## Checklist
            prepend       |                  | ## Panel {#panel} < LOCAL prepend. < Model panel text.
            insert-before |                  | intro. < LOCAL insert-before. < ## Panel {#panel}
            insert-after  |                  | papers text. < LOCAL insert-after. < ## Checklist
            note          | position: before | ## Panel {#panel} < LOCAL note. < panel text.
            note          |                  | Model papers text. < LOCAL note. < ## Checklist";
        assert_eq!(cases.lines().count(), 7);
        for case in cases.lines() {
            let [action, more, order] = [0, 1, 2].map(|i| case.split('|').nth(i).unwrap().trim());
            let more = if more.is_empty() {
                String::new()
            } else {
                format!("{more}\n")
            };
            let text = over("step-3#panel", action, &more);
            let (joined, chunks) = step_3_with(&[("o.md", &text)]);
            in_order(&joined, &order.split(" < ").collect::<Vec<_>>());
            // The local text is marked local, and the model's is not.
            for (text, local) in &chunks {
                assert_eq!(
                    *local,
                    text.contains("LOCAL"),
                    "{action}: chunk {text:?} is marked local: {local}"
                );
            }
            let replaced = matches!(action, "replace");
            assert_eq!(
                joined.contains("Model panel text."),
                !replaced,
                "{action}: {joined}"
            );
            // Local text stands apart from model text, as a paragraph of its own.
            assert!(joined.contains("\n\nLOCAL"), "{action}: {joined}");
        }
    }

    #[test]
    fn a_removed_section_and_a_removed_page_are_gone() {
        let text = over("step-3#panel", "remove", "reason: No panel here.\n")
            .replace("LOCAL remove.\n", "");
        let (joined, chunks) = step_3_with(&[("o.md", &text)]);
        for gone in ["## Panel", "Model panel text.", "Model papers text."] {
            assert!(!joined.contains(gone), "{gone:?} is still in:\n{joined}");
        }
        // The council's notice stands where the section was, with its reason.
        let notice = [
            "Model intro.",
            "\u{201c}Panel\u{201d}",
            "No panel here.",
            "## Checklist",
        ];
        in_order(&joined, &notice);
        let local: Vec<&str> = chunks
            .iter()
            .filter(|c| c.1)
            .map(|c| c.0.as_str())
            .collect();
        assert_eq!(local.len(), 1, "{local:?}");
        assert!(local[0].contains("No panel here."));

        let model = model();
        let removal = "---\ntarget: step-3\naction: remove\nreason: Not ours.\n---\n";
        let authority = authority(&[("o.md", removal)], &[]);
        let diagnostics = Diagnostics::new();
        let edition = authority_edition(&model, &authority, &diagnostics);
        assert!(!diagnostics.has_errors());
        assert!(edition.page("step-3").is_none(), "the removed page is gone");
        // Its child moves up to where the removed page was.
        assert_eq!(
            edition.page("step-4").unwrap().parent.as_deref(),
            Some("home")
        );
        assert_eq!(edition.applied.len(), 1);
        assert!(edition.applied[0].model_text.contains("Model panel text."));
    }

    #[test]
    fn edits_at_one_place_come_in_reading_order() {
        let named = |target: &str, action: &str, more: &str, name: &str| {
            over(target, action, more).replace("LOCAL", &format!("LOCAL {name}"))
        };
        let (joined, _) = step_3_with(&[
            (
                "a.md",
                &named("step-3#panel", "note", "position: before\n", "panel"),
            ),
            ("b.md", &named("step-3#panel", "prepend", "", "panel")),
            ("c.md", &named("step-3#papers", "note", "", "papers")),
            ("d.md", &named("step-3#papers", "append", "", "papers")),
            ("e.md", &named("step-3#panel", "insert-after", "", "panel")),
            (
                "f.md",
                &named("step-3#checklist", "insert-before", "", "checklist"),
            ),
            ("g.md", &named("step-3#panel", "append", "", "panel")),
        ]);
        in_order(
            &joined,
            &[
                "## Panel",
                "LOCAL panel prepend.",
                "LOCAL panel note.",
                "Model panel text.",
                "Model papers text.",
                // Text closing a section, innermost first, each section's
                // appended text before its note and the text after it.
                "LOCAL papers append.",
                "LOCAL papers note.",
                "LOCAL panel append.",
                "LOCAL panel insert-after.",
                "LOCAL checklist insert-before.",
                "## Checklist",
            ],
        );
    }

    #[test]
    fn the_model_edition_is_the_model_unchanged() {
        let model = model();
        let diagnostics = Diagnostics::new();
        let edition = model_edition(&model, &diagnostics);
        assert!(!diagnostics.has_errors());
        assert_eq!(edition.slug, MODEL_SLUG);
        let ids: Vec<&str> = edition.pages.iter().map(EditionPage::id).collect();
        assert_eq!(ids, ["home", "step-3", "step-4"], "reading order");
        let step = edition.page("step-3").unwrap();
        assert_eq!(step.origin, Origin::Model);
        let text: String = step.chunks.iter().map(Chunk::text).collect();
        assert_eq!(text, &STEP_3[STEP_3.find("Model intro.").unwrap()..]);
        assert!(step.chunks.iter().all(|c| !c.local));
    }

    #[test]
    fn a_local_page_joins_the_tree_under_its_parent() {
        let model = model();
        let local = "---\nid: local-panel\ntitle: Our panel\nparent: step-3\nweight: 1\n---\nLocal page text.\n";
        let authority = authority(&[], &[("local-panel.md", local)]);
        let diagnostics = Diagnostics::new();
        let edition = authority_edition(&model, &authority, &diagnostics);
        assert!(!diagnostics.has_errors());
        let ids: Vec<&str> = edition.pages.iter().map(EditionPage::id).collect();
        assert_eq!(ids, ["home", "step-3", "step-4", "local-panel"]);
        let page = edition.page("local-panel").unwrap();
        assert_eq!(page.origin, Origin::Local);
        assert_eq!(page.parent.as_deref(), Some("step-3"));
        assert!(page.chunks.iter().all(|c| c.local));
    }

    #[test]
    fn clashing_overrides_are_an_error_naming_both_files() {
        let reason = "reason: Local practice.\n";
        let clashes = [
            [
                ("a.md", over("step-3#panel", "replace", reason)),
                ("b.md", over("step-3#panel", "replace", reason)),
            ],
            [
                ("a.md", over("step-3", "replace", reason)),
                ("b.md", over("step-3#panel", "append", "")),
            ],
            [
                ("a.md", over("step-3#panel", "replace", reason)),
                ("b.md", over("step-3#papers", "prepend", "")),
            ],
        ];
        for pair in clashes {
            let files: Vec<(&str, &str)> = pair.iter().map(|(n, t)| (*n, t.as_str())).collect();
            let model = model();
            let authority = authority(&files, &[]);
            let diagnostics = Diagnostics::new();
            let edition = authority_edition(&model, &authority, &diagnostics);
            let problems = diagnostics.into_sorted();
            let found: Vec<(&str, String)> =
                problems.iter().map(|p| (p.code, p.position())).collect();
            // At the first file's `target:`, naming the other file.
            let at = "local-overrides/x/overrides/a.md:2:1".to_string();
            assert_eq!(found, [("override-clash", at)]);
            let problem = &problems[0];
            assert!(problem.message.contains("local-overrides/x/overrides/b.md"));
            // Neither override is applied.
            assert!(edition.applied.is_empty());
            assert_eq!(edition.page("step-3").unwrap().origin, Origin::Model);
        }
    }

    #[test]
    fn an_unknown_target_suggests_the_closest_id() {
        let model = model();
        let authority = authority(
            &[
                ("a.md", &over("stpe-3", "append", "")),
                ("b.md", &over("step-3#pannel", "append", "")),
            ],
            &[],
        );
        let diagnostics = Diagnostics::new();
        authority_edition(&model, &authority, &diagnostics);
        let problems = diagnostics.into_sorted();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.code == "unknown-target"));
        assert_eq!(
            problems[0].file_path(),
            Some("local-overrides/x/overrides/a.md")
        );
        assert_eq!(problems[0].line_col(), Some((2, 1)));
        assert!(problems[0].message.contains("`stpe-3`"));
        let hint = problems[0].hint.as_deref().unwrap();
        assert!(hint.starts_with("did you mean `step-3`"), "{hint}");
        assert!(problems[1].message.contains("no section `pannel`"));
        assert_eq!(problems[1].hint.as_deref(), Some("did you mean `panel`?"));
    }
}
