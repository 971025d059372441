//! Stage 4, render: a linked edition becomes HTML and other files, in memory.
//!
//! Turns each page's Markdown into HTML (cross-references become relative
//! links, local terms are shown with the model's term in a `title`), builds
//! the values templates see (navigation, breadcrumbs, previous/next,
//! backlinks, examples, review dates, the credit line) and renders the
//! theme's templates. It also makes the site pages: home, examples index,
//! differences, print view, accessibility statement, 404 and sitemap.
//!
//! The contents list is made once per branch of the tree (see `nav`), and a
//! page's file holds it as a piece shared with the other pages of its
//! folder ([`Content::Pieces`]), so a large handbook neither renders nor
//! holds thousands of copies of it. For `serve`, a [`Memo`] remembers what
//! each file was made from, so that a rebuild makes only the files whose
//! inputs changed, and [`rerender`] makes again just the pages an edit of one
//! page's text changes.
//!
//! All links are relative, so an edition works under any sub-path. It writes
//! nothing to disk (`write` does).

use crate::lock::Locked;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::authority::{Action, Contact};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::differences::{self, Difference};
use crate::governance;
use crate::link::{Fingerprint, LinkedEdition, LinkedPage, SectionRef};
use crate::overlay::{Origin, MODEL_SLUG};
use crate::theme::{Engine, StaticFiles};

mod edit;
mod feeds;
mod html;
mod nav;

pub use edit::rerender;

pub use html::{escape, find_lowercase_term, find_term};
use html::{to_html, GlossaryLink, HtmlOptions};

/// What a file of the output holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// A static file copied as it is.
    Copy(PathBuf),
    /// Bytes made by the build, in pieces that several files share (the
    /// contents list that every page of a folder shows), to be joined in order.
    Pieces(Vec<Piece>),
}

/// A stretch of bytes that several files may share.
#[derive(Debug, Clone)]
pub struct Piece {
    bytes: Arc<[u8]>,
    range: std::ops::Range<usize>,
}

impl Piece {
    /// A piece of its own.
    pub fn new(bytes: Vec<u8>) -> Self {
        let range = 0..bytes.len();
        Self {
            bytes: bytes.into(),
            range,
        }
    }

    /// Part of shared bytes.
    pub fn shared(bytes: &Arc<[u8]>, range: std::ops::Range<usize>) -> Self {
        Self {
            bytes: Arc::clone(bytes),
            range,
        }
    }

    /// Its bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.range.clone()]
    }
}

impl Content {
    /// The bytes made by the build, joined if in pieces; `None` for a file
    /// copied from disk.
    pub fn bytes(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        match self {
            Content::Bytes(bytes) => Some(std::borrow::Cow::Borrowed(bytes)),
            Content::Copy(_) => None,
            Content::Pieces(pieces) => {
                let mut joined = Vec::with_capacity(pieces.iter().map(|p| p.range.len()).sum());
                for piece in pieces {
                    joined.extend_from_slice(piece.as_bytes());
                }
                Some(std::borrow::Cow::Owned(joined))
            }
        }
    }
}

/// One file of an edition, by its `/`-separated path inside the edition.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path inside the edition folder.
    pub path: String,
    /// What it holds.
    pub content: Content,
}

/// The file a page id is written to, in an edition whose home page is `home`.
pub fn page_file(id: &str) -> String {
    file_of("home", id)
}

/// The file a page id is written to in an edition whose home page has the
/// id `home`: `index.html` for home, `ID.html` for every other page.
pub fn file_of(home: &str, id: &str) -> String {
    if id == home {
        "index.html".to_string()
    } else {
        format!("{id}.html")
    }
}

/// A date as readers see it: `8 October 2009`.
pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// Values every page of an edition shares.
#[derive(Debug, Serialize)]
struct SiteContext {
    slug: String,
    name: String,
    short_name: String,
    is_model: bool,
    notice: Option<String>,
    jurisdiction: Option<&'static str>,
    service: Option<&'static str>,
    model_title: String,
    model_subtitle: Option<String>,
    model_version: String,
    model_date: String,
    publisher: String,
    licence: String,
    attribution: String,
    source_note: Option<String>,
    build_date: String,
    nav: Vec<NavItem>,
    steps: Vec<NavItem>,
    contacts: Vec<Contact>,
    has_examples: bool,
    has_differences: bool,
    accessibility_email: Option<String>,
    accessibility_phone: Option<String>,
    statement_date: Option<String>,
    last_tested: Option<String>,
    has_edition_css: bool,
    credit: String,
}

#[derive(Debug, Clone, Serialize)]
struct NavItem {
    id: String,
    href: String,
    title: String,
    depth: usize,
    step: Option<u8>,
    summary: Option<String>,
    local: bool,
}

#[derive(Debug, Clone, Serialize)]
struct LinkItem {
    title: String,
    href: String,
}

#[derive(Debug, Clone, Serialize)]
struct ExampleContext {
    id: String,
    title: String,
    html: String,
    summary: Option<String>,
    citation: Option<String>,
    pages: Vec<LinkItem>,
}

#[derive(Debug, Clone, Serialize)]
struct ChangeContext {
    date: String,
    note: String,
}

#[derive(Debug, Clone, Serialize)]
struct PageContext {
    id: String,
    title: String,
    href: String,
    html: String,
    summary: Option<String>,
    step: Option<u8>,
    origin: Origin,
    sections: Vec<SectionRef>,
    breadcrumbs: Vec<LinkItem>,
    previous: Option<LinkItem>,
    next: Option<LinkItem>,
    backlinks: Vec<LinkItem>,
    examples: Vec<ExampleContext>,
    owner: Option<String>,
    approved_by: Option<String>,
    last_reviewed: Option<String>,
    review_due: Option<String>,
    overdue: bool,
    last_updated: String,
    changes: Vec<ChangeContext>,
    credit: String,
}

/// What render remembers between builds of one edition (for `serve`): a
/// fingerprint of everything each output file was made from, and the HTML
/// of each page's text, so a save re-renders only the files it changes.
#[derive(Debug, Default)]
pub struct Memo {
    /// Output path → fingerprint of its inputs when it was last made.
    files: std::sync::Mutex<HashMap<String, [u8; 16]>>,
    /// Fingerprint of a text's inputs → its HTML.
    html: std::sync::Mutex<HashMap<[u8; 16], Arc<String>>>,
    /// What the last render kept to make single pages again ([`rerender`]).
    state: std::sync::Mutex<Option<edit::State>>,
}

/// Titles of pages and of their sections, by id.
type Titles = HashMap<String, (String, HashMap<String, String>)>;

/// The fingerprint of one text's HTML: the text itself (fingerprinted by the
/// link stage), where its links go and the titles they show, and the
/// edition's settings for HTML. `None` when either fingerprint is unknown.
fn text_key(
    settings: Option<[u8; 16]>,
    titles: &Titles,
    p: &LinkedPage,
    part: &str,
    options: &HtmlOptions,
) -> Option<[u8; 16]> {
    let mut f = Fingerprint::default();
    f.bytes(&settings?).bytes(&p.fingerprint?);
    f.text(part).text(options.page_id);
    f.text(options.print_page.unwrap_or("\0"));
    f.number(options.glossary.len() as u64);
    let mut links: Vec<(&String, &crate::link::Resolved)> = p.links.iter().collect();
    links.sort_by(|a, b| a.0.cmp(b.0));
    for (dest, resolved) in links {
        f.text(dest);
        if let crate::link::Resolved::Page { page, section } = resolved {
            f.text(page).text(section.as_deref().unwrap_or("\0"));
            if let Some((title, sections)) = titles.get(page) {
                f.text(title);
                if let Some(s) = section {
                    f.text(sections.get(s).map_or("\0", String::as_str));
                }
            }
        } else {
            f.text("\0removed");
        }
    }
    Some(f.finish())
}

impl Memo {
    /// Forgets which files were made, so the next render makes them all
    /// (and no page is made again on its own until then).
    pub fn forget_files(&self) {
        self.files.locked().clear();
        *self.state.locked() = None;
    }
}

/// The files of an edition rendered with a [`Memo`].
#[derive(Debug, Default)]
pub struct Rendered {
    /// Files that are new or differ from the last build.
    pub files: Vec<OutputFile>,
    /// Files that are the same as in the last build (not made again).
    pub unchanged: Vec<String>,
    /// A new print view that [`rerender`] left to be put together by the
    /// caller, after the edited pages are served. Until then the last one
    /// stands: `print.html` is listed in `unchanged`.
    pub print: Option<PrintView>,
}

/// The print view of an edition, ready to be put together: the output of
/// its template with a stand-in for each page, and each page's HTML. At
/// 10,000 pages it is tens of megabytes, so a one-page edit under `serve`
/// leaves it until the page itself is served.
#[derive(Debug)]
pub struct PrintView {
    skeleton: Arc<[u8]>,
    htmls: Vec<Arc<String>>,
}

impl PrintView {
    /// The file's path in the edition.
    pub const PATH: &'static str = "print.html";

    /// The whole print view; `None` if the template's output has lost its
    /// stand-ins (it never has: the skeleton is kept only once it has
    /// been filled in).
    pub fn make(&self) -> Option<Vec<u8>> {
        fill_print(&self.skeleton, &self.htmls)
    }
}

/// Renders an edition into files. Problems go to `diagnostics`.
pub fn render(
    linked: &LinkedEdition,
    engine: &Engine,
    statics: &StaticFiles,
    today: Date,
    diagnostics: &Diagnostics,
) -> Vec<OutputFile> {
    render_with(linked, engine, statics, today, diagnostics, None).files
}

/// Renders an edition, making again only the files whose inputs changed
/// since `memo` last saw them (every file when `memo` is `None`).
pub fn render_with(
    linked: &LinkedEdition,
    engine: &Engine,
    statics: &StaticFiles,
    today: Date,
    diagnostics: &Diagnostics,
    memo: Option<&Memo>,
) -> Rendered {
    let edition = &linked.edition;
    let authority = edition.authority;
    let model = edition.model;
    let home = edition.home.as_str();
    let page_file = |id: &str| file_of(home, id);
    let terms: Vec<(String, String)> = authority
        .map(|a| {
            a.config
                .terms
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let titles: HashMap<String, (String, HashMap<String, String>)> = linked
        .pages
        .iter()
        .map(|p| {
            let sections = p
                .sections
                .iter()
                .map(|s| (s.id.clone(), s.title.clone()))
                .collect();
            (p.page.id().to_string(), (p.title.clone(), sections))
        })
        .collect();
    let glossary = crate::glossary::of(linked, diagnostics);
    let glossary_links: Vec<GlossaryLink> = glossary
        .iter()
        .map(|t| GlossaryLink {
            term: t.term.clone(),
            href: format!("glossary.html#{}", t.anchor),
            defined_on: t.defined_on.clone(),
        })
        .collect();
    let options = HtmlOptions {
        titles: &titles,
        terms: &terms,
        print_page: None,
        glossary: &glossary_links,
        page_id: "",
        home,
    };

    // With a memo: fingerprints of what each output is made from.
    let settings_fingerprint = memo.map(|_| {
        let mut f = Fingerprint::default();
        f.text(home);
        for (model_term, local) in &terms {
            f.text(model_term).text(local);
        }
        for g in &glossary_links {
            f.text(&g.term).text(&g.href).text(&g.defined_on);
        }
        f.finish()
    });
    // The fingerprint of one text's HTML: the text itself (fingerprinted by
    // the link stage), where its links go and the titles they show, and the
    // settings above. `None` when nothing is remembered.
    let html_key = |p: &LinkedPage, part: &str, options: &HtmlOptions| {
        text_key(settings_fingerprint, &titles, p, part, options)
    };
    let kept_html: std::sync::Mutex<HashMap<[u8; 16], Arc<String>>> = Default::default();
    // A text's HTML, remembered by `key` when there is one.
    let shared_html_of = |key: Option<[u8; 16]>, make: &dyn Fn() -> String| -> Arc<String> {
        let (Some(memo), Some(key)) = (memo, key) else {
            return Arc::new(make());
        };
        let known = memo.html.locked().get(&key).cloned();
        let html = known.unwrap_or_else(|| Arc::new(make()));
        kept_html.locked().insert(key, Arc::clone(&html));
        html
    };
    let html_of = |key: Option<[u8; 16]>, make: &dyn Fn() -> String| -> String {
        if memo.is_none() {
            return make();
        }
        shared_html_of(key, make).as_ref().clone()
    };
    let unchanged: std::sync::Mutex<Vec<String>> = Default::default();
    let made: std::sync::Mutex<HashMap<String, [u8; 16]>> = Default::default();
    // An output file: made again only if its fingerprint differs from the
    // last build's (always without a memo).
    let emit = |path: String,
                key: Option<[u8; 16]>,
                make: &mut dyn FnMut() -> Option<Content>|
     -> Option<OutputFile> {
        if let (Some(memo), Some(key)) = (memo, key) {
            let before = memo.files.locked().get(&path).copied();
            if before == Some(key) {
                made.locked().insert(path.clone(), key);
                unchanged.locked().push(path);
                return None;
            }
            let content = make()?;
            made.locked().insert(path.clone(), key);
            return Some(OutputFile { path, content });
        }
        make().map(|content| OutputFile { path, content })
    };
    let fingerprint_of = |parts: &[&[u8]]| -> Option<[u8; 16]> {
        memo?;
        let mut f = Fingerprint::default();
        for part in parts {
            f.bytes(part);
        }
        Some(f.finish())
    };

    // Parents come before their children in reading order, so one pass gives
    // every page's depth (pages stranded by a parent loop count as depth 1).
    let parents: Vec<Option<usize>> = linked
        .pages
        .iter()
        .map(|p| p.page.parent.as_deref().and_then(|id| linked.index_of(id)))
        .collect();
    let mut depths = vec![0usize; linked.pages.len()];
    for (i, parent) in parents.iter().enumerate() {
        depths[i] = match parent {
            Some(p) if *p < i => (depths[*p] + 1).min(21),
            Some(_) => 1,
            None => 0,
        };
    }
    let nav: Vec<NavItem> = linked
        .pages
        .iter()
        .zip(&depths)
        .map(|(p, &depth)| NavItem {
            id: p.page.id().to_string(),
            href: page_file(p.page.id()),
            title: if p.page.id() == home {
                "Home".to_string()
            } else {
                p.title.clone()
            },
            depth,
            step: p.page.meta.step,
            summary: p.summary.clone(),
            local: p.page.origin == Origin::Local,
        })
        .collect();
    let contents = nav::Nav::new(
        nav.iter()
            .zip(&parents)
            .map(|(item, &parent)| nav::Entry {
                href: item.href.clone(),
                title: item.title.clone(),
                depth: item.depth,
                step: item.step,
                parent,
            })
            .collect(),
    );
    let mut steps: Vec<NavItem> = nav.iter().filter(|n| n.step.is_some()).cloned().collect();
    steps.sort_by_key(|n| n.step);

    let site = SiteContext {
        slug: edition.slug.clone(),
        name: edition.name().to_string(),
        short_name: authority.map_or_else(
            || "Model guidance".to_string(),
            |a| a.config.short_name.clone(),
        ),
        is_model: authority.is_none(),
        notice: authority.and_then(|a| a.config.notice.clone()),
        jurisdiction: authority.map(|a| a.config.jurisdiction.label()),
        service: authority.map(|a| a.config.service.label()),
        model_title: model.meta.title.clone(),
        model_subtitle: model.meta.subtitle.clone(),
        model_version: model.meta.version.clone(),
        model_date: long_date(model.meta.date),
        publisher: model.meta.publisher.clone(),
        licence: model.meta.licence.clone(),
        attribution: model.meta.attribution.clone(),
        source_note: model.meta.source_note.clone(),
        build_date: long_date(today),
        nav,
        steps,
        contacts: authority
            .map(|a| a.config.contacts.clone())
            .unwrap_or_default(),
        has_examples: !edition.examples.is_empty(),
        has_differences: authority.is_some(),
        accessibility_email: authority.map(|a| a.config.accessibility.contact_email.clone()),
        accessibility_phone: authority.and_then(|a| a.config.accessibility.contact_phone.clone()),
        statement_date: authority.map(|a| long_date(a.config.accessibility.statement_date)),
        last_tested: authority.and_then(|a| a.config.accessibility.last_tested.map(long_date)),
        has_edition_css: authority.is_some_and(|a| a.config.theme.colour.is_some()),
        credit: match authority {
            Some(a) => format!(
                "Based on {}, adapted by {}.",
                model.meta.attribution, a.config.name
            ),
            None => format!("From {}.", model.meta.attribution),
        },
    };
    let mut base = tera::Context::new();
    base.insert("site", &site);
    let site_fingerprint = memo
        .map(|_| {
            let mut f = Fingerprint::default();
            f.bytes(&serde_json::to_vec(&site).unwrap_or_default());
            f.finish()
        })
        .unwrap_or_default();

    let citation = |source: &Option<String>| -> Option<String> {
        let source = source.as_ref()?;
        authority?
            .config
            .sources
            .iter()
            .find(|s| &s.id == source)
            .map(|s| s.citation.clone())
    };
    let link_item = |id: &str| -> Option<LinkItem> {
        linked.page(id).map(|p| LinkItem {
            title: p.title.clone(),
            href: page_file(id),
        })
    };
    // The local examples a page shows, on the page itself or, when
    // `print` is set, in the print view (ids and links made for it).
    let examples_of = |p: &LinkedPage, print: bool| -> Vec<ExampleContext> {
        let example_options = HtmlOptions {
            glossary: &[],
            page_id: p.page.id(),
            print_page: print.then(|| p.page.id()),
            ..options
        };
        let part = if print { "print example" } else { "example" };
        p.page
            .examples
            .iter()
            .zip(p.examples.iter().zip(&p.example_settings))
            .enumerate()
            .map(|(i, (ex, (text, settings)))| ExampleContext {
                id: if print {
                    format!("{}--{}", p.page.id(), ex.id)
                } else {
                    ex.id.clone()
                },
                title: settings.title.clone(),
                html: html_of(
                    html_key(p, &format!("{part} {i}"), &example_options),
                    &|| to_html(text, None, &p.links, &example_options),
                ),
                summary: settings.summary.clone(),
                citation: citation(&ex.source),
                pages: ex.attach.iter().filter_map(|a| link_item(a)).collect(),
            })
            .collect()
    };

    let page_context = |p: &LinkedPage| -> PageContext {
        let meta = p.page.meta;
        let id = meta.id.as_str();
        let mut breadcrumbs = Vec::new();
        let mut current = p.page.parent.clone();
        while let Some(parent) = current {
            if breadcrumbs.len() > 20 {
                break;
            }
            match linked.page(&parent) {
                Some(pp) => {
                    breadcrumbs.push(LinkItem {
                        title: if parent == home {
                            "Home".to_string()
                        } else {
                            pp.title.clone()
                        },
                        href: page_file(&parent),
                    });
                    current = pp.page.parent.clone();
                }
                None => break,
            }
        }
        breadcrumbs.reverse();
        let (previous, next) = match meta.step {
            Some(step) => (
                site.steps
                    .iter()
                    .find(|s| s.step == Some(step - 1))
                    .and_then(|s| link_item(&s.id)),
                site.steps
                    .iter()
                    .find(|s| s.step == Some(step + 1))
                    .and_then(|s| link_item(&s.id)),
            ),
            None => (None, None),
        };
        let backlinks = linked
            .backlinks
            .get(id)
            .map(|ids| ids.iter().filter_map(|b| link_item(b)).collect())
            .unwrap_or_default();
        let examples = examples_of(p, false);
        let due = governance::due_date(meta);
        let mut changes: Vec<_> = meta.changes.iter().collect();
        changes.sort_by_key(|c| std::cmp::Reverse(c.date));
        let credit = match (authority, p.page.origin) {
            (None, _) => format!("From {}.", model.meta.attribution),
            (Some(a), Origin::Local) => format!(
                "This page is local content written by {}. The rest of this handbook is based on {}.",
                a.config.name, model.meta.attribution
            ),
            (Some(a), _) => format!("Based on {}, adapted by {}.", model.meta.attribution, a.config.name),
        };
        PageContext {
            id: id.to_string(),
            title: p.title.clone(),
            href: page_file(id),
            // Filled in by the caller, once it knows the page is to be made.
            html: String::new(),
            summary: p.summary.clone(),
            step: meta.step,
            origin: p.page.origin,
            sections: p
                .sections
                .iter()
                .filter(|s| s.level <= 3)
                .cloned()
                .collect(),
            breadcrumbs,
            previous,
            next,
            backlinks,
            examples,
            owner: meta.owner.clone(),
            approved_by: meta.approved_by.clone(),
            last_reviewed: meta.last_reviewed.map(long_date),
            review_due: due.map(long_date),
            overdue: due.is_some_and(|d| d < today),
            last_updated: long_date(governance::last_updated(meta).unwrap_or(model.meta.date)),
            changes: changes
                .into_iter()
                .map(|c| ChangeContext {
                    date: long_date(c.date),
                    note: c.note.clone(),
                })
                .collect(),
            credit,
        }
    };

    // `current` is the index of the page being rendered, for the contents list.
    let render_one = |template: &str,
                      current: Option<usize>,
                      extra: &[(&'static str, &dyn erased::Value)]|
     -> Option<Content> {
        // Cloning shares the site values (tera values are reference-counted).
        let mut context = base.clone();
        // The contents list goes in as a stand-in, replaced afterwards by the
        // list's shared pieces: it is neither copied through the template
        // engine nor held once per page.
        context.insert("nav_html", NAV_STAND_IN);
        for (k, v) in extra {
            v.insert_into(&mut context, k);
        }
        let rendered = |context: &tera::Context| match engine.render(template, context) {
            Ok(html) => Some(html),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        };
        let html = rendered(&context)?;
        let mut found = html.match_indices(NAV_STAND_IN).map(|(at, _)| at);
        match (found.next(), found.next()) {
            (Some(at), None) => {
                let mut pieces = vec![Piece::new(html.as_bytes()[..at].to_vec())];
                pieces.extend(contents.pieces_for(current));
                pieces.push(Piece::new(
                    html.as_bytes()[at + NAV_STAND_IN.len()..].to_vec(),
                ));
                Some(Content::Pieces(pieces))
            }
            (None, _) if !html.contains('\u{1}') => Some(Content::Bytes(html.into_bytes())),
            // The template does more than print the list: give it the list itself.
            _ => {
                context.insert("nav_html", &contents.html_for(current));
                rendered(&context).map(|html| Content::Bytes(html.into_bytes()))
            }
        }
    };

    let made_pages: Vec<(Option<OutputFile>, Option<edit::PageState>)> = linked
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut context = page_context(p);
            let template = if p.page.id() == home {
                "home.html"
            } else {
                "page.html"
            };
            let options = HtmlOptions {
                page_id: p.page.id(),
                ..options
            };
            let text_key = html_key(p, "text", &options);
            let key = text_key.and_then(|text_key| {
                fingerprint_of(&[
                    &site_fingerprint,
                    &contents.fingerprint_for(Some(i)),
                    template.as_bytes(),
                    &text_key,
                    &serde_json::to_vec(&context).unwrap_or_default(),
                ])
            });
            let state = memo.map(|_| edit::PageState::of(p, template, &context, text_key));
            let file = emit(page_file(p.page.id()), key, &mut || {
                context.html = html_of(text_key, &|| {
                    to_html(&p.text, Some(&p.sections), &p.links, &options)
                });
                render_one(template, Some(i), &[("page", &context)])
            });
            (file, state)
        })
        .collect();
    let (files, page_states): (Vec<_>, Vec<_>) = made_pages.into_iter().unzip();
    let mut files: Vec<OutputFile> = files.into_iter().flatten().collect();

    // The print view: every page in reading order, ids prefixed by page.
    let print_keys: Vec<Option<[u8; 16]>> = linked
        .pages
        .par_iter()
        .map(|p| {
            let print_options = HtmlOptions {
                print_page: Some(p.page.id()),
                page_id: p.page.id(),
                ..options
            };
            html_key(p, "print", &print_options)
        })
        .collect();
    let print_key = (memo.is_some() && print_keys.iter().all(Option::is_some)).then(|| {
        print_fingerprint(
            &site_fingerprint,
            &contents.fingerprint_for(None),
            linked
                .pages
                .iter()
                .zip(&print_keys)
                .filter_map(|(p, key)| Some((p.page.id(), p.title.as_str(), key.as_ref()?))),
        )
    });
    let print_skeleton: std::sync::Mutex<Option<Arc<[u8]>>> = Default::default();
    files.extend(emit(PrintView::PATH.into(), print_key, &mut || {
        let htmls: Vec<Arc<String>> = linked
            .pages
            .par_iter()
            .zip(&print_keys)
            .map(|(p, key)| {
                let print_options = HtmlOptions {
                    print_page: Some(p.page.id()),
                    page_id: p.page.id(),
                    ..options
                };
                shared_html_of(*key, &|| {
                    to_html(&p.text, Some(&p.sections), &p.links, &print_options)
                })
            })
            .collect();
        let examples: Vec<Vec<ExampleContext>> = linked
            .pages
            .par_iter()
            .map(|p| examples_of(p, true))
            .collect();
        let page = |i: usize, p: &LinkedPage, html: String| PrintPage {
            id: p.page.id().to_string(),
            title: p.title.clone(),
            html,
            examples: &examples[i],
        };
        // The template is rendered with a stand-in for each page's HTML,
        // which is then put in its place: the whole handbook's HTML is not
        // copied through the template engine. A template that does anything
        // but print each page's HTML as it is gets the HTML itself.
        let stand_ins: Vec<PrintPage> = linked
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| page(i, p, print_stand_in(i)))
            .collect();
        let skeleton = render_one("print.html", None, &[("pages", &stand_ins)])?;
        let skeleton = skeleton.bytes()?.into_owned();
        if let Some(whole) = fill_print(&skeleton, &htmls) {
            if memo.is_some() {
                *print_skeleton.locked() = Some(skeleton.into());
            }
            return Some(Content::Bytes(whole));
        }
        let pages: Vec<PrintPage> = linked
            .pages
            .iter()
            .zip(&htmls)
            .enumerate()
            .map(|(i, (p, html))| page(i, p, html.as_ref().clone()))
            .collect();
        render_one("print.html", None, &[("pages", &pages)])
    }));
    let az = a_to_z(linked);
    let mut site_pages: Vec<(&str, String, TemplateValues<'_>)> = vec![
        ("accessibility.html", "accessibility.html".into(), vec![]),
        ("404.html", "404.html".into(), vec![]),
    ];
    let changes = change_entries(linked);
    let glossary_context: Vec<GlossaryContext> = glossary
        .iter()
        .map(|t| GlossaryContext {
            term: t.term.clone(),
            anchor: t.anchor.clone(),
            definition: t.definition.clone(),
            defined_at: t.defined_at.clone(),
            defined_on_title: t.defined_on_title.clone(),
            model_term: t.model_term.clone(),
            used_on: t
                .used_on
                .iter()
                .map(|(id, title)| LinkItem {
                    title: title.clone(),
                    href: page_file(id),
                })
                .collect(),
        })
        .collect();
    site_pages.push((
        "glossary.html",
        "glossary.html".into(),
        vec![("terms", Box::new(glossary_context))],
    ));
    site_pages.push((
        "a-z.html",
        "a-z.html".into(),
        vec![("letters", Box::new(&az))],
    ));
    site_pages.push((
        "search.html",
        "search.html".into(),
        vec![("letters", Box::new(&az))],
    ));
    site_pages.push((
        "changes.html",
        "changes.html".into(),
        vec![("changes", Box::new(changes.clone()))],
    ));
    let feed = feeds::atom(linked, edition.name(), &changes).into_bytes();
    files.extend(emit(
        "changes.xml".into(),
        fingerprint_of(&[&feed]),
        &mut || Some(Content::Bytes(feed.clone())),
    ));
    if !edition.examples.is_empty() {
        // Where each example is first shown: its page, and its place there.
        let mut shown_on: HashMap<&str, (&LinkedPage, usize)> = HashMap::new();
        for p in &linked.pages {
            for (i, ex) in p.page.examples.iter().enumerate() {
                shown_on.entry(ex.id.as_str()).or_insert((p, i));
            }
        }
        let all: Vec<ExampleContext> = edition
            .examples
            .iter()
            .map(|ex| {
                let shown = shown_on.get(ex.id.as_str());
                let html = shown
                    .map(|&(p, i)| {
                        html_of(
                            html_key(p, &format!("examples page {i}"), &options),
                            &|| to_html(&p.examples[i], None, &p.links, &options),
                        )
                    })
                    .unwrap_or_default();
                let settings = linked.example_settings(&ex.id);
                ExampleContext {
                    id: ex.id.clone(),
                    title: settings.map_or_else(|| ex.title.clone(), |s| s.title.clone()),
                    html,
                    summary: settings.map_or_else(|| ex.summary.clone(), |s| s.summary.clone()),
                    citation: citation(&ex.source),
                    pages: ex.attach.iter().filter_map(|a| link_item(a)).collect(),
                }
            })
            .collect();
        site_pages.push((
            "examples.html",
            "examples.html".into(),
            vec![("examples", Box::new(all))],
        ));
    }
    if authority.is_some() {
        let diffs: Vec<Difference> = differences::of(linked);
        let terms_used: Vec<TermUse> = linked
            .term_uses
            .iter()
            .map(|(model_term, ids)| TermUse {
                model: model_term.clone(),
                local: terms
                    .iter()
                    .find(|(m, _)| m == model_term)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default(),
                pages: ids.iter().filter_map(|id| link_item(id)).collect(),
            })
            .collect();
        let removed: Vec<&Difference> = diffs
            .iter()
            .filter(|d| d.action == Action::Remove.word())
            .collect();
        let removed: Vec<Difference> = removed.into_iter().cloned().collect();
        let local_pages: Vec<LinkItem> = linked
            .pages
            .iter()
            .filter(|p| p.page.origin == Origin::Local)
            .filter_map(|p| link_item(p.page.id()))
            .collect();
        site_pages.push((
            "differences.html",
            "differences.html".into(),
            vec![
                ("differences", Box::new(diffs)),
                ("removed", Box::new(removed)),
                ("terms", Box::new(terms_used)),
                ("local_pages", Box::new(local_pages)),
            ],
        ));
    }
    let nav_fingerprint = contents.fingerprint_for(None);
    files.par_extend(
        site_pages
            .par_iter()
            .filter_map(|(template, path, values)| {
                let extra: Vec<(&'static str, &dyn erased::Value)> =
                    values.iter().map(|(k, v)| (*k, v.as_ref())).collect();
                let key = memo.and_then(|_| {
                    let mut parts: Vec<Vec<u8>> = vec![
                        site_fingerprint.to_vec(),
                        nav_fingerprint.to_vec(),
                        template.as_bytes().to_vec(),
                    ];
                    for (k, v) in &extra {
                        parts.push(k.as_bytes().to_vec());
                        parts.push(v.json());
                    }
                    fingerprint_of(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
                });
                emit(path.clone(), key, &mut || {
                    render_one(template, None, &extra)
                })
            }),
    );

    let sitemap = feeds::sitemap(linked).into_bytes();
    files.extend(emit(
        "sitemap.xml".into(),
        fingerprint_of(&[&sitemap]),
        &mut || Some(Content::Bytes(sitemap.clone())),
    ));
    if let Some(colour) = authority.and_then(|a| a.config.theme.colour.as_deref()) {
        match valid_colour(colour) {
            Some(colour) => {
                let css = format!(":root {{\n  --brand: {colour};\n}}\n").into_bytes();
                files.extend(emit(
                    "assets/edition.css".into(),
                    fingerprint_of(&[&css]),
                    &mut || Some(Content::Bytes(css.clone())),
                ));
            }
            None => {
                let a = authority.expect("colour comes from an authority");
                let at = a.setting_span("theme");
                diagnostics.push(
                    Diagnostic::error(
                        "bad-colour",
                        format!("`{colour}` is not a colour Handbook can use"),
                    )
                    .at(&a.config_file, at.0, at.1)
                    .hint("write the colour as `#` and six hexadecimal digits, such as `#1d5c3a`"),
                );
            }
        }
    }
    for (name, file) in statics {
        let key = match file {
            crate::theme::StaticFile::Path(path) => {
                fingerprint_of(&[name.as_bytes(), path.as_os_str().as_encoded_bytes()])
            }
            crate::theme::StaticFile::BuiltIn(bytes) => fingerprint_of(&[name.as_bytes(), bytes]),
        };
        let path = format!("assets/{name}");
        if key.is_some()
            && emit(path.clone(), key, &mut || Some(Content::Bytes(Vec::new()))).is_none()
        {
            continue;
        }
        files.push(OutputFile {
            path,
            content: file.content(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(memo) = memo {
        *memo.files.locked() = made.into_value();
        let page_states: Vec<edit::PageState> = page_states.into_iter().flatten().collect();
        // Keep the HTML of every text this build could need again.
        let mut html = kept_html.into_value();
        {
            let old = memo.html.locked();
            let wanted = page_states
                .iter()
                .filter_map(edit::PageState::text_key)
                .chain(print_keys.iter().flatten().copied());
            for key in wanted {
                if let Some(found) = old.get(&key) {
                    html.entry(key).or_insert_with(|| Arc::clone(found));
                }
            }
        }
        *memo.html.locked() = html;
        let unchanged_print = unchanged.locked().iter().any(|p| p == "print.html");
        let mut state = memo.state.locked();
        let skeleton = print_skeleton.into_value().or_else(|| {
            // The print view was as it was: so is its skeleton.
            state
                .take()
                .filter(|_| unchanged_print)
                .and_then(|s| s.print_skeleton)
        });
        let index = page_states
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id().to_string(), i))
            .collect();
        *state = (page_states.len() == linked.pages.len()).then(|| edit::State {
            today,
            site_fingerprint,
            settings_fingerprint,
            base: base.clone(),
            contents,
            titles,
            terms: terms.clone(),
            glossary_links,
            glossary: glossary
                .iter()
                .map(|t| {
                    (
                        t.model_term.clone().unwrap_or_else(|| t.term.clone()),
                        t.defined_on.clone(),
                        t.used_on.iter().map(|(id, _)| id.clone()).collect(),
                    )
                })
                .collect(),
            term_uses: linked.term_uses.clone(),
            home: home.to_string(),
            pages: page_states,
            index,
            backlinks: linked.backlinks.clone(),
            print_keys,
            print_skeleton: skeleton,
        });
    }
    Rendered {
        files,
        unchanged: unchanged.into_value(),
        print: None,
    }
}

/// One entry of "What's changed".
#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntry {
    /// The date as readers see it.
    pub date: String,
    /// The date as `YYYY-MM-DD`.
    pub iso_date: String,
    /// The page's title, or the edition's name for edition-wide notes.
    pub title: String,
    /// Link to the page.
    pub href: String,
    /// What changed.
    pub note: String,
}

/// Every dated change of an edition, newest first.
fn change_entries(linked: &LinkedEdition) -> Vec<ChangeEntry> {
    let page_file = |id: &str| file_of(&linked.edition.home, id);
    let mut entries: Vec<(jiff::civil::Date, usize, ChangeEntry)> = Vec::new();
    let mut order = 0;
    if let Some(authority) = linked.edition.authority {
        for c in &authority.config.changes {
            order += 1;
            entries.push((
                c.date,
                order,
                ChangeEntry {
                    date: long_date(c.date),
                    iso_date: c.date.to_string(),
                    title: authority.config.name.clone(),
                    href: "index.html".into(),
                    note: c.note.clone(),
                },
            ));
        }
    }
    for p in &linked.pages {
        for c in &p.page.meta.changes {
            order += 1;
            entries.push((
                c.date,
                order,
                ChangeEntry {
                    date: long_date(c.date),
                    iso_date: c.date.to_string(),
                    title: p.title.clone(),
                    href: page_file(p.page.id()),
                    note: c.note.clone(),
                },
            ));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    entries.into_iter().map(|(_, _, e)| e).collect()
}

#[derive(Debug, Serialize)]
struct GlossaryContext {
    term: String,
    anchor: String,
    definition: String,
    defined_at: String,
    defined_on_title: String,
    model_term: Option<String>,
    used_on: Vec<LinkItem>,
}

#[derive(Debug, Serialize)]
struct AzLetter {
    letter: String,
    entries: Vec<AzEntry>,
}

#[derive(Debug, Serialize)]
struct AzEntry {
    title: String,
    href: String,
    within: Option<String>,
}

/// Every page and section, alphabetically, grouped by first letter: the
/// search that needs no JavaScript.
fn a_to_z(linked: &LinkedEdition) -> Vec<AzLetter> {
    let page_file = |id: &str| file_of(&linked.edition.home, id);
    let mut entries: Vec<AzEntry> = Vec::new();
    for p in &linked.pages {
        let title = if p.page.id() == linked.edition.home {
            "Home".to_string()
        } else {
            p.title.clone()
        };
        entries.push(AzEntry {
            title: title.clone(),
            href: page_file(p.page.id()),
            within: None,
        });
        for s in p.sections.iter().filter(|s| s.level <= 3) {
            entries.push(AzEntry {
                title: s.title.clone(),
                href: format!("{}#{}", page_file(p.page.id()), s.id),
                within: Some(title.clone()),
            });
        }
    }
    let key = |e: &AzEntry| {
        let t: String = e
            .title
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect();
        (deunicode::deunicode(&t).to_lowercase(), e.href.clone())
    };
    entries.sort_by_key(key);
    let mut letters: Vec<AzLetter> = Vec::new();
    for entry in entries {
        let first = deunicode::deunicode(&entry.title)
            .chars()
            .find(|c| c.is_alphanumeric())
            .map_or('#', |c| c.to_ascii_uppercase());
        let letter = if first.is_ascii_alphabetic() {
            first.to_string()
        } else {
            "0–9".to_string()
        };
        match letters.last_mut() {
            Some(last) if last.letter == letter => last.entries.push(entry),
            _ => letters.push(AzLetter {
                letter,
                entries: vec![entry],
            }),
        }
    }
    letters
}

fn valid_colour(colour: &str) -> Option<&str> {
    let hex = colour.strip_prefix('#')?;
    (hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(colour)
}

/// What stands in a page's template for its contents list (see `nav_html`).
const NAV_STAND_IN: &str = "\u{1}hb&nav\u{1}";

/// What stands in the print view's template for the HTML of page `i`:
/// text no page can contain, which escaping would change.
fn print_stand_in(i: usize) -> String {
    format!("\u{1}hb&print:{i}\u{1}")
}

/// The fingerprint of an edition's print view: the site's settings, the
/// contents list, and each page's id, title and print HTML key, in order.
fn print_fingerprint<'a>(
    site: &[u8; 16],
    nav: &[u8; 16],
    pages: impl Iterator<Item = (&'a str, &'a str, &'a [u8; 16])>,
) -> [u8; 16] {
    let mut f = Fingerprint::default();
    f.bytes(site).bytes(PrintView::PATH.as_bytes()).bytes(nav);
    for (id, title, key) in pages {
        f.bytes(id.as_bytes()).bytes(title.as_bytes()).bytes(key);
    }
    f.finish()
}

/// The print view from its template's output with stand-ins, each stand-in
/// replaced by its page's HTML; `None` unless every stand-in is there once,
/// in order.
fn fill_print(skeleton: &[u8], htmls: &[Arc<String>]) -> Option<Vec<u8>> {
    let total: usize = htmls.iter().map(|h| h.len()).sum();
    let mut out = Vec::with_capacity(skeleton.len() + total);
    let mut rest = skeleton;
    for (i, html) in htmls.iter().enumerate() {
        let stand_in = print_stand_in(i);
        let at = rest
            .windows(stand_in.len())
            .position(|w| w == stand_in.as_bytes())?;
        if rest[..at].contains(&1) {
            return None;
        }
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(html.as_bytes());
        rest = &rest[at + stand_in.len()..];
    }
    if rest.contains(&1) {
        return None;
    }
    out.extend_from_slice(rest);
    Some(out)
}

#[derive(Debug, Serialize)]
struct PrintPage<'a> {
    id: String,
    title: String,
    html: String,
    examples: &'a [ExampleContext],
}

#[derive(Debug, Serialize)]
struct TermUse {
    model: String,
    local: String,
    pages: Vec<LinkItem>,
}

/// The list of editions written at the top of a multi-edition output.
pub fn editions_index(
    editions: &[(String, String)],
    engine: &Engine,
    diagnostics: &Diagnostics,
) -> Option<Vec<u8>> {
    #[derive(Serialize)]
    struct EditionLink<'a> {
        slug: &'a str,
        name: &'a str,
        href: String,
    }
    let list: Vec<EditionLink> = editions
        .iter()
        .map(|(slug, name)| EditionLink {
            slug,
            name,
            href: format!("{slug}/index.html"),
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("editions", &list);
    context.insert("model_slug", MODEL_SLUG);
    match engine.render("editions.html", &context) {
        Ok(html) => Some(html.into_bytes()),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    }
}

/// Values a site page's template sees, by name.
type TemplateValues<'a> = Vec<(&'static str, Box<dyn erased::Value + 'a>)>;

/// Serialisable values of different types in one list.
mod erased {
    /// A value that can put itself into a template context.
    pub trait Value: Sync {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str);
        /// The value as JSON, for fingerprints.
        fn json(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize + Sync> Value for T {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str) {
            context.insert(key, self);
        }

        fn json(&self) -> Vec<u8> {
            serde_json::to_vec(self).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_print_view_is_filled_in_only_when_each_stand_in_is_there_once() {
        let htmls = vec![
            Arc::new("<p>one</p>".to_string()),
            Arc::new("<p>two</p>".to_string()),
        ];
        let skeleton = format!("<main>{}|{}</main>", print_stand_in(0), print_stand_in(1));
        assert_eq!(
            fill_print(skeleton.as_bytes(), &htmls).unwrap(),
            b"<main><p>one</p>|<p>two</p></main>"
        );
        let twice = format!("{0}{0}{1}", print_stand_in(0), print_stand_in(1));
        assert!(fill_print(twice.as_bytes(), &htmls).is_none());
        let missing = print_stand_in(0);
        assert!(fill_print(missing.as_bytes(), &htmls).is_none());
    }

    #[test]
    fn pieces_join_in_order() {
        let shared: Arc<[u8]> = b"abcdef".as_slice().into();
        let content = Content::Pieces(vec![
            Piece::new(b"<".to_vec()),
            Piece::shared(&shared, 1..3),
            Piece::shared(&shared, 4..6),
        ]);
        assert_eq!(content.bytes().unwrap().as_ref(), b"<bcef");
        assert!(Content::Copy("x".into()).bytes().is_none());
    }
}
