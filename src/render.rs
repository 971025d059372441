//! Stage 4, render: a linked edition becomes HTML and other files, in memory.
//!
//! Turns each page's Markdown into HTML (cross-references become relative
//! links, local terms are shown with the model's term in a `title`), builds
//! the values templates see (navigation, breadcrumbs, previous/next,
//! backlinks, examples, review dates, the credit line) and renders the
//! theme's templates. It also makes the site pages: home, examples index,
//! differences, print view, accessibility statement, 404 and sitemap.
//!
//! All links are relative, so an edition works under any sub-path. It writes
//! nothing to disk (`write` does).

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::civil::Date;
use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use crate::authority::{Action, Contact};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::differences::{self, Difference};
use crate::governance;
use crate::link::{LinkedEdition, LinkedPage, LinkedText, Resolved, SectionRef};
use crate::markdown;
use crate::overlay::{Origin, MODEL_SLUG};
use crate::terms::{self, Piece};
use crate::theme::{Engine, StaticFiles};

/// What a file of the output holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// A static file copied as it is.
    Copy(PathBuf),
}

/// One file of an edition, by its `/`-separated path inside the edition.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path inside the edition folder.
    pub path: String,
    /// What it holds.
    pub content: Content,
}

/// The file a page id is written to.
pub fn page_file(id: &str) -> String {
    if id == "home" {
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

#[derive(Debug, Serialize)]
struct LinkItem {
    title: String,
    href: String,
}

#[derive(Debug, Serialize)]
struct ExampleContext {
    id: String,
    title: String,
    html: String,
    summary: Option<String>,
    citation: Option<String>,
    pages: Vec<LinkItem>,
}

#[derive(Debug, Serialize)]
struct ChangeContext {
    date: String,
    note: String,
}

#[derive(Debug, Serialize)]
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

/// How a page's Markdown becomes HTML.
struct HtmlOptions<'a> {
    /// Titles of pages and their sections, by id.
    titles: &'a HashMap<String, (String, HashMap<String, String>)>,
    /// Local terms, model → local.
    terms: &'a [(String, String)],
    /// In the print view every id is prefixed with its page id.
    print_page: Option<&'a str>,
}

fn href_for(resolved: &Resolved, options: &HtmlOptions) -> Option<String> {
    match resolved {
        Resolved::Removed => None,
        Resolved::Page { page, section } => Some(match (options.print_page, section) {
            (Some(_), Some(s)) => format!("#{page}--{s}"),
            (Some(_), None) => format!("#{page}"),
            (None, Some(s)) => format!("{}#{s}", page_file(page)),
            (None, None) => page_file(page),
        }),
    }
}

fn title_for(resolved: &Resolved, options: &HtmlOptions) -> Option<String> {
    let Resolved::Page { page, section } = resolved else {
        return None;
    };
    let (title, sections) = options.titles.get(page)?;
    match section {
        Some(s) => sections.get(s).cloned(),
        None => Some(title.clone()),
    }
}

/// Markdown of a linked text to HTML.
fn to_html(
    text: &LinkedText,
    sections: Option<&[SectionRef]>,
    links: &HashMap<String, Resolved>,
    options: &HtmlOptions,
) -> String {
    let mut events: Vec<Event> = Vec::new();
    let mut heading_index = 0;
    let mut in_code = false;
    // While inside a link whose text is replaced by a title, or whose tag is dropped.
    let mut replacing_text = false;
    let mut dropped_links: Vec<bool> = Vec::new();
    let prefix = |id: &str| match options.print_page {
        Some(page) => format!("{page}--{id}"),
        None => id.to_string(),
    };
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let given = sections
                    .and_then(|s| s.get(heading_index))
                    .map(|s| s.id.clone())
                    .or_else(|| id.map(|i| i.to_string()))
                    .unwrap_or_else(|| format!("section-{heading_index}"));
                heading_index += 1;
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(prefix(&given))),
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let internal = matches!(link_type, LinkType::WikiLink { .. }) || links.contains_key(dest_url.as_ref());
                if !internal {
                    dropped_links.push(false);
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                    continue;
                }
                let Some(resolved) = links.get(dest_url.as_ref()) else {
                    dropped_links.push(true);
                    continue;
                };
                match href_for(resolved, options) {
                    Some(href) => {
                        dropped_links.push(false);
                        if matches!(link_type, LinkType::WikiLink { has_pothole: false }) {
                            if let Some(t) = title_for(resolved, options) {
                                replacing_text = true;
                                events.push(Event::Start(Tag::Link {
                                    link_type: LinkType::Inline,
                                    dest_url: href.into(),
                                    title,
                                    id,
                                }));
                                events.push(Event::Text(t.into()));
                                continue;
                            }
                        }
                        events.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: href.into(),
                            title,
                            id,
                        }));
                    }
                    None => dropped_links.push(true),
                }
            }
            Event::End(TagEnd::Link) => {
                replacing_text = false;
                if !dropped_links.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::FootnoteReference(label) if options.print_page.is_some() => {
                events.push(Event::FootnoteReference(prefix(&label).into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) if options.print_page.is_some() => {
                events.push(Event::Start(Tag::FootnoteDefinition(prefix(&label).into())));
            }
            Event::Text(t) => {
                if replacing_text {
                    continue;
                }
                if in_code || options.terms.is_empty() || text.is_local(range.start) {
                    events.push(Event::Text(t));
                    continue;
                }
                for piece in terms::apply(&t, options.terms) {
                    match piece {
                        Piece::Plain(p) => events.push(Event::Text(CowStr::from(p.to_string()))),
                        Piece::Term { model, local } => events.push(Event::InlineHtml(CowStr::from(format!(
                            "<span class=\"local-term\" title=\"Model guidance term: {}\">{}</span>",
                            escape(model),
                            escape(local)
                        )))),
                    }
                }
            }
            other => {
                if replacing_text && matches!(other, Event::Code(_)) {
                    continue;
                }
                events.push(other);
            }
        }
    }
    let mut html = String::with_capacity(text.markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders an edition into files. Problems go to `diagnostics`.
pub fn render(
    linked: &LinkedEdition,
    engine: &Engine,
    statics: &StaticFiles,
    today: Date,
    diagnostics: &Diagnostics,
) -> Vec<OutputFile> {
    let edition = &linked.edition;
    let authority = edition.authority;
    let model = edition.model;
    let terms: Vec<(String, String)> = authority
        .map(|a| a.config.terms.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let titles: HashMap<String, (String, HashMap<String, String>)> = linked
        .pages
        .iter()
        .map(|p| {
            let sections = p.sections.iter().map(|s| (s.id.clone(), s.title.clone())).collect();
            (p.page.id().to_string(), (p.page.meta.title.clone(), sections))
        })
        .collect();
    let options = HtmlOptions {
        titles: &titles,
        terms: &terms,
        print_page: None,
    };

    let depth_of = |id: &str| {
        let mut depth = 0;
        let mut current = linked.page(id).and_then(|p| p.page.parent.clone());
        while let Some(parent) = current {
            depth += 1;
            if depth > 20 {
                break;
            }
            current = linked.page(&parent).and_then(|p| p.page.parent.clone());
        }
        depth
    };
    let nav: Vec<NavItem> = linked
        .pages
        .iter()
        .map(|p| NavItem {
            id: p.page.id().to_string(),
            href: page_file(p.page.id()),
            title: if p.page.id() == "home" { "Home".to_string() } else { p.page.meta.title.clone() },
            depth: depth_of(p.page.id()),
            step: p.page.meta.step,
            summary: p.page.meta.summary.clone(),
            local: p.page.origin == Origin::Local,
        })
        .collect();
    let mut steps: Vec<NavItem> = nav.iter().filter(|n| n.step.is_some()).cloned().collect();
    steps.sort_by_key(|n| n.step);

    let site = SiteContext {
        slug: edition.slug.clone(),
        name: edition.name().to_string(),
        short_name: authority.map_or_else(|| "Model guidance".to_string(), |a| a.config.short_name.clone()),
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
        contacts: authority.map(|a| a.config.contacts.clone()).unwrap_or_default(),
        has_examples: !edition.examples.is_empty(),
        has_differences: authority.is_some(),
        accessibility_email: authority.map(|a| a.config.accessibility.contact_email.clone()),
        accessibility_phone: authority.and_then(|a| a.config.accessibility.contact_phone.clone()),
        statement_date: authority.map(|a| long_date(a.config.accessibility.statement_date)),
        last_tested: authority.and_then(|a| a.config.accessibility.last_tested.map(long_date)),
        has_edition_css: authority.is_some_and(|a| a.config.theme.colour.is_some()),
        credit: match authority {
            Some(a) => format!("Based on {}, adapted by {}.", model.meta.attribution, a.config.name),
            None => format!("From {}.", model.meta.attribution),
        },
    };
    let mut base = tera::Context::new();
    base.insert("site", &site);

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
            title: p.page.meta.title.clone(),
            href: page_file(id),
        })
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
                        title: if parent == "home" { "Home".to_string() } else { pp.page.meta.title.clone() },
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
                site.steps.iter().find(|s| s.step == Some(step - 1)).and_then(|s| link_item(&s.id)),
                site.steps.iter().find(|s| s.step == Some(step + 1)).and_then(|s| link_item(&s.id)),
            ),
            None => (None, None),
        };
        let backlinks = linked
            .backlinks
            .get(id)
            .map(|ids| ids.iter().filter_map(|b| link_item(b)).collect())
            .unwrap_or_default();
        let examples = p
            .page
            .examples
            .iter()
            .zip(&p.examples)
            .map(|(ex, text)| ExampleContext {
                id: ex.id.clone(),
                title: ex.title.clone(),
                html: to_html(text, None, &p.links, &options),
                summary: ex.summary.clone(),
                citation: citation(&ex.source),
                pages: ex.attach.iter().filter_map(|a| link_item(a)).collect(),
            })
            .collect();
        let due = governance::due_date(meta);
        let mut changes: Vec<_> = meta.changes.iter().collect();
        changes.sort_by(|a, b| b.date.cmp(&a.date));
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
            title: meta.title.clone(),
            href: page_file(id),
            html: to_html(&p.text, Some(&p.sections), &p.links, &options),
            summary: meta.summary.clone(),
            step: meta.step,
            origin: p.page.origin,
            sections: p.sections.iter().filter(|s| s.level <= 3).cloned().collect(),
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

    let render_one = |template: &str, extra: &[(&'static str, &dyn erased::Value)]| -> Option<Vec<u8>> {
        let mut context = base.clone();
        for (k, v) in extra {
            v.insert_into(&mut context, k);
        }
        match engine.render(template, &context) {
            Ok(html) => Some(html.into_bytes()),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    };

    let mut files: Vec<OutputFile> = linked
        .pages
        .par_iter()
        .filter_map(|p| {
            let context = page_context(p);
            let template = if p.page.id() == "home" { "home.html" } else { "page.html" };
            render_one(template, &[("page", &context)]).map(|bytes| OutputFile {
                path: page_file(p.page.id()),
                content: Content::Bytes(bytes),
            })
        })
        .collect();

    // The print view: every page in reading order, ids prefixed by page.
    let print_pages: Vec<PrintPage> = linked
        .pages
        .iter()
        .map(|p| {
            let print_options = HtmlOptions {
                print_page: Some(p.page.id()),
                ..options
            };
            PrintPage {
                id: p.page.id().to_string(),
                title: p.page.meta.title.clone(),
                html: to_html(&p.text, Some(&p.sections), &p.links, &print_options),
            }
        })
        .collect();
    let mut site_pages: Vec<(&str, String, Vec<(&'static str, Box<dyn erased::Value + '_>)>)> = vec![
        ("print.html", "print.html".into(), vec![("pages", Box::new(print_pages))]),
        ("accessibility.html", "accessibility.html".into(), vec![]),
        ("404.html", "404.html".into(), vec![]),
    ];
    if !edition.examples.is_empty() {
        let all: Vec<ExampleContext> = edition
            .examples
            .iter()
            .map(|ex| {
                let page = linked.pages.iter().find(|p| p.page.examples.iter().any(|e| e.id == ex.id));
                let html = page
                    .and_then(|p| {
                        p.page
                            .examples
                            .iter()
                            .position(|e| e.id == ex.id)
                            .map(|i| to_html(&p.examples[i], None, &p.links, &options))
                    })
                    .unwrap_or_default();
                ExampleContext {
                    id: ex.id.clone(),
                    title: ex.title.clone(),
                    html,
                    summary: ex.summary.clone(),
                    citation: citation(&ex.source),
                    pages: ex.attach.iter().filter_map(|a| link_item(a)).collect(),
                }
            })
            .collect();
        site_pages.push(("examples.html", "examples.html".into(), vec![("examples", Box::new(all))]));
    }
    if authority.is_some() {
        let diffs: Vec<Difference> = differences::of(linked);
        let terms_used: Vec<TermUse> = linked
            .term_uses
            .iter()
            .map(|(model_term, ids)| TermUse {
                model: model_term.clone(),
                local: terms.iter().find(|(m, _)| m == model_term).map(|(_, l)| l.clone()).unwrap_or_default(),
                pages: ids.iter().filter_map(|id| link_item(id)).collect(),
            })
            .collect();
        let removed: Vec<&Difference> = diffs.iter().filter(|d| d.action == Action::Remove.word()).collect();
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
    for (template, path, values) in &site_pages {
        let extra: Vec<(&'static str, &dyn erased::Value)> = values.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        if let Some(bytes) = render_one(template, &extra) {
            files.push(OutputFile {
                path: path.clone(),
                content: Content::Bytes(bytes),
            });
        }
    }

    files.push(OutputFile {
        path: "sitemap.xml".into(),
        content: Content::Bytes(sitemap(linked).into_bytes()),
    });
    if let Some(colour) = authority.and_then(|a| a.config.theme.colour.as_deref()) {
        match valid_colour(colour) {
            Some(colour) => files.push(OutputFile {
                path: "assets/edition.css".into(),
                content: Content::Bytes(format!(":root {{\n  --brand: {colour};\n}}\n").into_bytes()),
            }),
            None => {
                let a = authority.expect("colour comes from an authority");
                let at = a.setting_span("theme");
                diagnostics.push(
                    Diagnostic::error("bad-colour", format!("`{colour}` is not a colour Handbook can use"))
                        .at(&a.config_file, at.0, at.1)
                        .hint("write the colour as `#` and six hexadecimal digits, such as `#1d5c3a`"),
                );
            }
        }
    }
    for (name, path) in statics {
        files.push(OutputFile {
            path: format!("assets/{name}"),
            content: Content::Copy(path.clone()),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn valid_colour(colour: &str) -> Option<&str> {
    let hex = colour.strip_prefix('#')?;
    (hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(colour)
}

#[derive(Debug, Serialize)]
struct PrintPage {
    id: String,
    title: String,
    html: String,
}

#[derive(Debug, Serialize)]
struct TermUse {
    model: String,
    local: String,
    pages: Vec<LinkItem>,
}

/// A sitemap of the edition's pages. Locations are relative, since the
/// address an edition is served from is not known when it is built.
fn sitemap(linked: &LinkedEdition) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in &linked.pages {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(&page_file(p.page.id())));
        xml.push_str("</loc>");
        if let Some(date) = governance::last_updated(p.page.meta) {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The list of editions written at the top of a multi-edition output.
pub fn editions_index(editions: &[(String, String)], engine: &Engine, diagnostics: &Diagnostics) -> Option<Vec<u8>> {
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

/// Serialisable values of different types in one list.
mod erased {
    /// A value that can put itself into a template context.
    pub trait Value: Sync {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str);
    }

    impl<T: serde::Serialize + Sync> Value for T {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str) {
            context.insert(key, self);
        }
    }
}
