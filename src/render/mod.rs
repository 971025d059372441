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
use rayon::prelude::*;
use serde::Serialize;

use crate::authority::{Action, Contact};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::differences::{self, Difference};
use crate::governance;
use crate::link::{LinkedEdition, LinkedPage, SectionRef};
use crate::overlay::{Origin, MODEL_SLUG};
use crate::theme::{Engine, StaticFiles};

mod feeds;
mod html;

pub use html::{escape, find_term};
use html::{to_html, GlossaryLink, HtmlOptions};

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
            title: if p.page.id() == "home" {
                "Home".to_string()
            } else {
                p.title.clone()
            },
            depth: depth_of(p.page.id()),
            step: p.page.meta.step,
            summary: p.summary.clone(),
            local: p.page.origin == Origin::Local,
        })
        .collect();
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

    let page_context = |p: &LinkedPage| -> PageContext {
        let meta = p.page.meta;
        let id = meta.id.as_str();
        let options = HtmlOptions {
            page_id: id,
            ..options
        };
        let mut breadcrumbs = Vec::new();
        let mut current = p.page.parent.clone();
        while let Some(parent) = current {
            if breadcrumbs.len() > 20 {
                break;
            }
            match linked.page(&parent) {
                Some(pp) => {
                    breadcrumbs.push(LinkItem {
                        title: if parent == "home" {
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
        let examples = p
            .page
            .examples
            .iter()
            .zip(&p.examples)
            .map(|(ex, text)| ExampleContext {
                id: ex.id.clone(),
                title: ex.title.clone(),
                html: to_html(
                    text,
                    None,
                    &p.links,
                    &HtmlOptions {
                        glossary: &[],
                        ..options
                    },
                ),
                summary: ex.summary.clone(),
                citation: citation(&ex.source),
                pages: ex.attach.iter().filter_map(|a| link_item(a)).collect(),
            })
            .collect();
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
            html: to_html(&p.text, Some(&p.sections), &p.links, &options),
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

    let render_one =
        |template: &str, extra: &[(&'static str, &dyn erased::Value)]| -> Option<Vec<u8>> {
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
            let template = if p.page.id() == "home" {
                "home.html"
            } else {
                "page.html"
            };
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
                page_id: p.page.id(),
                ..options
            };
            PrintPage {
                id: p.page.id().to_string(),
                title: p.title.clone(),
                html: to_html(&p.text, Some(&p.sections), &p.links, &print_options),
            }
        })
        .collect();
    let mut site_pages: Vec<(&str, String, TemplateValues<'_>)> = vec![
        (
            "print.html",
            "print.html".into(),
            vec![("pages", Box::new(print_pages))],
        ),
        ("accessibility.html", "accessibility.html".into(), vec![]),
        ("404.html", "404.html".into(), vec![]),
    ];
    let changes = change_entries(linked);
    let az = a_to_z(linked);
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
        vec![("letters", Box::new(az))],
    ));
    site_pages.push((
        "search.html",
        "search.html".into(),
        vec![("letters", Box::new(a_to_z(linked)))],
    ));
    site_pages.push((
        "changes.html",
        "changes.html".into(),
        vec![("changes", Box::new(changes.clone()))],
    ));
    files.push(OutputFile {
        path: "changes.xml".into(),
        content: Content::Bytes(feeds::atom(linked, edition.name(), &changes).into_bytes()),
    });
    if !edition.examples.is_empty() {
        let all: Vec<ExampleContext> = edition
            .examples
            .iter()
            .map(|ex| {
                let page = linked
                    .pages
                    .iter()
                    .find(|p| p.page.examples.iter().any(|e| e.id == ex.id));
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
    for (template, path, values) in &site_pages {
        let extra: Vec<(&'static str, &dyn erased::Value)> =
            values.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        if let Some(bytes) = render_one(template, &extra) {
            files.push(OutputFile {
                path: path.clone(),
                content: Content::Bytes(bytes),
            });
        }
    }

    files.push(OutputFile {
        path: "sitemap.xml".into(),
        content: Content::Bytes(feeds::sitemap(linked).into_bytes()),
    });
    if let Some(colour) = authority.and_then(|a| a.config.theme.colour.as_deref()) {
        match valid_colour(colour) {
            Some(colour) => files.push(OutputFile {
                path: "assets/edition.css".into(),
                content: Content::Bytes(
                    format!(":root {{\n  --brand: {colour};\n}}\n").into_bytes(),
                ),
            }),
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
    for (name, path) in statics {
        files.push(OutputFile {
            path: format!("assets/{name}"),
            content: Content::Copy(path.clone()),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
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
    let mut entries: Vec<AzEntry> = Vec::new();
    for p in &linked.pages {
        let title = if p.page.id() == "home" {
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
    }

    impl<T: serde::Serialize + Sync> Value for T {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str) {
            context.insert(key, self);
        }
    }
}
