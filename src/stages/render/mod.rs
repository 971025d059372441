//! Stage 5, render: a linked edition becomes HTML and other files.
//!
//! A [`Renderer`] is made once per edition. It knows every output the
//! edition has ([`Renderer::outputs`]): each content page, the print view,
//! the site pages (`url::SITE_PAGES`), the Atom feed, the sitemap, the
//! authority's colours, the static files and the authority's local
//! documents (copied under `documents/`). For each it gathers the values
//! the output is made from ([`Renderer::prepare`], in `values`), works out
//! the output's [key](Renderer::key) (in `keys`), and makes its bytes
//! ([`Renderer::make`], filling a template in `templates`).
//! [`make_each`] makes every output and hands each to the caller as soon
//! as it is made (a build checks and writes it then, so an edition's pages
//! are never all in memory at once); [`render`] collects them; a [`Cache`]
//! (for `serve`) keeps each output's key and bytes and makes again only the
//! outputs whose key changed. All run the same code.
//!
//! Page text becomes HTML in `html` (cross-references become relative
//! links, local terms show the model's term in a `title`); the values
//! templates see are gathered in `context` and `site`. The contents list is
//! made once per branch of the tree (`nav`), and a page's file holds it as
//! a part shared with the other pages of its folder ([`Content::Parts`]).
//!
//! The words of every page come from the theme's strings in the pages'
//! language ([`Language`], given to [`Renderer::new`]): an
//! edition in English and Welsh is rendered by one `Renderer` per language,
//! with a language switch to the same file in the other.
//!
//! All links are relative, so an edition works under any sub-path. It
//! writes nothing to disk (`write` does) and reads no source file.

use std::sync::{Arc, OnceLock};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::model::authority::{Description, DocumentFile};
use crate::model::theme::{Engine, StaticFile, StaticFiles};
use crate::stages::link::{LinkedEdition, LinkedPage, Resolved};
use crate::support::diagnostic::Diagnostics;
use crate::support::fingerprint::Fingerprint;
use crate::support::output::{Content, OutputFile, Part};
use crate::support::url::{file_of, Shown, SitePage, OFFLINE_WORKER, PRINT_FILE, SITE_PAGES};

mod cache;
mod comparison;
mod context;
mod credits;
pub mod digest;
mod documents;
mod editorial;
mod feedback;
mod feeds;
mod html;
mod keys;
#[cfg(test)]
pub(crate) use html::{ALWAYS_CLEAN, AS_WRITTEN};
mod marks;
mod nav;
mod print;
mod site;
mod subjects;
mod templates;
mod values;
mod versions;

pub use cache::{Cache, Made, TextMemo};
pub use context::long_date;
pub use html::both_ways;
pub use site::{change_entries, editions_index, ChangeEntry, Listed};
pub use versions::{
    archived, banner, release_folder, Banner, History, ReleaseRow, ReleaseText, SiteOf,
};

use context::{ExampleContext, PageContext, SiteContext};
use html::{to_html, GlossaryLink, HtmlOptions};
use keys::{site_key_of, site_parts_key};
use templates::{base_context, erased, json, TemplateValues};

/// A fingerprint of everything an output is made from.
pub type Key = [u8; 16];

/// One output of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind<'t> {
    /// The content page at this index in reading order.
    Page(usize),
    /// The whole handbook on one page.
    Print,
    /// A site page Handbook makes itself.
    Site(&'static SitePage),
    /// The Atom feed of changes.
    Feed,
    /// The sitemap.
    Sitemap,
    /// The authority's colours.
    EditionCss,
    /// A static file of the theme or the authority, by name under `assets/`.
    Static(&'t str),
    /// The script that keeps the edition's saved copy, at the edition's
    /// top (`offline: true`, issue 36).
    OfflineWorker,
    /// The authority's local document at this index, under `documents/`.
    Document(usize),
}

/// An output with the values it is made from, ready to be keyed and made.
pub struct Prepared<'p> {
    /// Which output.
    pub output: OutputKind<'p>,
    /// Its path in the edition.
    pub path: String,
    inputs: Inputs<'p>,
}

/// What an output is made from.
enum Inputs<'p> {
    Page {
        context: Box<PageContext>,
        template: &'static str,
    },
    Print {
        examples: Vec<Vec<ExampleContext>>,
    },
    Site(TemplateValues<'p>),
    Bytes(Vec<u8>),
    Static(&'p StaticFile),
    Copy(&'p DocumentFile),
}

/// A local document as published: its description and its file.
type Published<'r> = (&'r Description, &'r DocumentFile);

/// The renderer of one edition: what every output of it shares.
pub struct Renderer<'r, 's> {
    linked: &'r LinkedEdition<'s>,
    engine: &'r Engine,
    statics: &'r StaticFiles,
    today: Date,
    diagnostics: &'r Diagnostics,
    memo: Option<&'r TextMemo>,
    terms: Vec<(String, String)>,
    glossary: Vec<crate::stages::analyses::glossary::Term>,
    glossary_links: Vec<GlossaryLink>,
    site: SiteContext,
    parts: Arc<SiteParts>,
    colour: Option<&'r str>,
    /// Fingerprint of the settings every text's HTML depends on.
    settings_key: Key,
    /// Fingerprint of the values every page shares.
    site_key: OnceLock<Key>,
    a_to_z: OnceLock<Vec<subjects::AzLetter>>,
    changes: OnceLock<Vec<ChangeEntry>>,
    edition_key: OnceLock<Key>,
    /// See [`Renderer::outline_key`].
    outline_key: OnceLock<Key>,
    /// The edition's releases, when the site shows its history.
    history: Option<&'r History>,
    /// The language of the pages and the edition's other languages.
    language: Language,
}

/// What every page's template reads of its edition, made from the site
/// values, the place of each page and the language: shared by a
/// [`TextMemo`] between renders of one edition while those are the same.
#[derive(Debug)]
pub struct SiteParts {
    /// The values every template starts from (see `base_context`).
    base: tera::Context,
    /// The contents list.
    contents: nav::Nav,
}

/// The language an edition's pages are in, and its other languages
/// (issue 17). An edition in one language has no others.
#[derive(Debug, Clone)]
pub struct Language {
    /// The words of the theme in the pages' language.
    pub strings: crate::model::language::Strings,
    /// Each other language of the edition, with the path from the top of
    /// this language's site to the top of its own (`cy/`, `../`).
    pub others: Vec<(crate::model::language::Lang, String)>,
    /// The notice that the Welsh is a demonstration translation, in each
    /// of the edition's languages (empty for an edition in one language).
    pub notices: Vec<(crate::model::language::Lang, String)>,
    /// For the translation status page: each page's state in the edition's
    /// other language, by page id (`translated`, `out-of-date`, `missing`).
    pub states: Vec<(String, &'static str)>,
}

impl Language {
    /// The one language of an edition in English alone.
    pub fn english() -> Self {
        Self {
            strings: crate::model::theme::built_in_strings(crate::model::language::Lang::En)
                .clone(),
            others: Vec::new(),
            notices: Vec::new(),
            states: Vec::new(),
        }
    }
}

impl<'r, 's> Renderer<'r, 's> {
    /// The renderer of `linked`, whose templates are `engine`'s and whose
    /// static files are `statics`; pages are stamped and reviews judged
    /// against `today`. With `memo`, the HTML of each text is remembered by
    /// its key and reused. Pages are in `language`: the theme's words, the
    /// dates, the language switch. Problems (a colour it cannot use, a
    /// template that fails) go to `diagnostics`.
    pub fn new(
        linked: &'r LinkedEdition<'s>,
        engine: &'r Engine,
        statics: &'r StaticFiles,
        today: Date,
        diagnostics: &'r Diagnostics,
        memo: Option<&'r TextMemo>,
        language: Language,
    ) -> Self {
        let terms = crate::stages::link::edition_terms(linked.edition.authority);
        let words = crate::stages::analyses::glossary::LocalTermWords {
            definition: language.strings.get("local_term_definition"),
            explained_on: language.strings.get("nav_differences"),
        };
        let glossary = crate::stages::analyses::glossary::of(linked, words, diagnostics);
        let glossary_links: Vec<GlossaryLink> = glossary
            .iter()
            .map(|t| GlossaryLink {
                term: t.term.clone(),
                href: format!("glossary.html#{}", t.anchor),
                defined_on: t.defined_on.clone(),
            })
            .collect();
        let (mut nav_items, parents) = context::nav_items(linked);
        // The home page is called by the language's word for it.
        let home = language.strings.get("home").to_string();
        for item in nav_items.iter_mut().filter(|n| n.id == linked.edition.home) {
            item.title.clone_from(&home);
            item.lang = None;
        }
        let site = context::site(linked, today, nav_items, &language.strings);
        let make = || SiteParts {
            contents: contents_of(&site.nav, &parents, &language.strings),
            base: base_context(&site, &language),
        };
        // Keys are only worked out for a memo: a build never asks for them.
        let site_key = memo.map(|_| site_key_of(&site));
        let parts = match (memo, &site_key) {
            (Some(memo), Some(key)) => {
                memo.site_parts(site_parts_key(key, &parents, &language), make)
            }
            _ => Arc::new(make()),
        };
        let mut settings = Fingerprint::default();
        settings.text(&linked.edition.home);
        for (model_term, local) in &terms {
            settings.text(model_term).text(local);
        }
        for g in &glossary_links {
            settings.text(&g.term).text(&g.href).text(&g.defined_on);
        }
        Self {
            linked,
            engine,
            statics,
            today,
            diagnostics,
            memo,
            terms,
            glossary,
            glossary_links,
            site,
            parts,
            colour: linked.edition.authority.and_then(|a| a.colour(diagnostics)),
            settings_key: settings.finish(),
            site_key: site_key.map_or_else(OnceLock::new, OnceLock::from),
            a_to_z: OnceLock::new(),
            changes: OnceLock::new(),
            edition_key: OnceLock::new(),
            outline_key: OnceLock::new(),
            history: None,
            language,
        }
    }

    /// The renderer with the edition's published versions shown: each
    /// page's "Versions of this page", the "Guidance in force on a date"
    /// page, and the release notes among the changes.
    pub fn with_history(mut self, history: Option<&'r History>) -> Self {
        self.history = history;
        self
    }

    /// The releases in which page `id`'s text changed, newest first.
    fn page_versions(&self, id: &str) -> &[versions::PageVersion] {
        self.history
            .and_then(|h| h.pages.get(id))
            .map_or(&[], Vec::as_slice)
    }

    /// Every output of the edition, content pages first in reading order.
    pub fn outputs(&self) -> Vec<OutputKind<'r>> {
        let edition = &self.linked.edition;
        let mut outputs: Vec<OutputKind<'r>> =
            (0..self.linked.pages.len()).map(OutputKind::Page).collect();
        outputs.push(OutputKind::Print);
        outputs.extend(
            SITE_PAGES
                .iter()
                .filter(|p| match p.shown {
                    Shown::Always => true,
                    Shown::WithExamples => !edition.examples.is_empty(),
                    Shown::ForAuthority => edition.authority.is_some(),
                    Shown::WithHistory => self.history.is_some(),
                    Shown::WithLanguages => !self.language.others.is_empty(),
                    Shown::WithDocuments => self.documents().next().is_some(),
                })
                .map(OutputKind::Site),
        );
        outputs.push(OutputKind::Feed);
        // The sitemap protocol allows only absolute addresses.
        if edition.address().is_some() {
            outputs.push(OutputKind::Sitemap);
        }
        if self.colour.is_some() {
            outputs.push(OutputKind::EditionCss);
        }
        // The offline script is written at the edition's top, and only
        // for an edition that offers a saved copy.
        outputs.extend(
            self.statics
                .keys()
                .filter(|name| *name != OFFLINE_WORKER)
                .map(|name| OutputKind::Static(name.as_str())),
        );
        outputs.extend(self.documents().map(|(i, _)| OutputKind::Document(i)));
        if self.site.offline.is_some() && edition.folder().is_empty() {
            outputs.push(OutputKind::OfflineWorker);
        }
        outputs
    }

    /// The edition's published local documents, each with its index among
    /// the authority's documents.
    pub(super) fn documents(&self) -> impl Iterator<Item = (usize, Published<'r>)> {
        self.linked
            .edition
            .authority
            .map_or(&[][..], |a| a.documents.as_slice())
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, d.published()?)))
    }

    /// The file of the authority's document at index `i`, if it is published.
    fn document_file(&self, i: usize) -> Option<&'r DocumentFile> {
        let document = self.linked.edition.authority?.documents.get(i)?;
        document.published().map(|(_, file)| file)
    }

    /// The renderer with no "Keep this handbook on this device": for a
    /// past release's pages, which the saved copy of the edition does not
    /// hold, whatever the release's settings said.
    pub fn without_offline(mut self) -> Self {
        if self.site.offline.take().is_some() {
            let base = base_context(&self.site, &self.language);
            match Arc::get_mut(&mut self.parts) {
                Some(parts) => parts.base = base,
                None => {
                    let (_, parents) = context::nav_items(self.linked);
                    let contents = contents_of(&self.site.nav, &parents, &self.language.strings);
                    self.parts = Arc::new(SiteParts { base, contents });
                }
            }
            self.site_key = OnceLock::new();
        }
        self
    }

    /// Whether `output` is made from every page: the print view, the site
    /// pages (the A to Z and the search page list every section), and the
    /// credits page (its list of the editors' changes reads every model page).
    pub fn reads_every_page(&self, output: OutputKind) -> bool {
        match output {
            OutputKind::Print | OutputKind::Site(_) => true,
            OutputKind::Page(i) => self.linked.pages[i].page.id() == context::CREDITS_ID,
            _ => false,
        }
    }

    /// The path of an output in the edition.
    pub fn path(&self, output: OutputKind) -> String {
        match output {
            OutputKind::Page(i) => {
                file_of(&self.linked.edition.home, self.linked.pages[i].page.id())
            }
            OutputKind::Print => PRINT_FILE.to_string(),
            OutputKind::Site(page) => page.file(),
            OutputKind::Feed => "changes.xml".to_string(),
            OutputKind::Sitemap => "sitemap.xml".to_string(),
            OutputKind::EditionCss => "assets/edition.css".to_string(),
            OutputKind::Static(name) => format!("assets/{name}"),
            OutputKind::OfflineWorker => OFFLINE_WORKER.to_string(),
            OutputKind::Document(i) => self
                .document_file(i)
                .map(crate::model::authority::Document::href)
                .unwrap_or_default(),
        }
    }

    /// Gathers the values `output` is made from.
    pub fn prepare<'p>(&'p self, output: OutputKind<'p>) -> Prepared<'p> {
        let inputs = match output {
            OutputKind::Page(i) => self.page_inputs(i),
            OutputKind::Print => Inputs::Print {
                examples: self
                    .linked
                    .pages
                    .par_iter()
                    .map(|p| self.examples_of(p, true))
                    .collect(),
            },
            OutputKind::Site(page) => Inputs::Site(self.site_values(page)),
            OutputKind::Feed => Inputs::Bytes(
                feeds::atom(self.linked, &self.language.strings, self.changes()).into_bytes(),
            ),
            OutputKind::Sitemap => Inputs::Bytes(
                feeds::sitemap(
                    self.linked,
                    self.linked.edition.address().unwrap_or_default(),
                )
                .into_bytes(),
            ),
            OutputKind::EditionCss => Inputs::Bytes(
                format!(
                    ":root {{\n  --brand: {};\n}}\n",
                    self.colour.unwrap_or_default()
                )
                .into_bytes(),
            ),
            OutputKind::Static(name) => Inputs::Static(&self.statics[name]),
            // A root whose own theme predates the script has the built-in one.
            OutputKind::OfflineWorker => match self.statics.get(OFFLINE_WORKER) {
                Some(file) => Inputs::Static(file),
                None => Inputs::Bytes(
                    crate::model::theme::built_in_files()
                        .iter()
                        .find(|(name, _)| name.strip_prefix("static/") == Some(OFFLINE_WORKER))
                        .map(|(_, bytes)| bytes.to_vec())
                        .unwrap_or_default(),
                ),
            },
            OutputKind::Document(i) => match self.document_file(i) {
                Some(file) => Inputs::Copy(file),
                None => Inputs::Bytes(Vec::new()),
            },
        };
        Prepared {
            output,
            path: self.path(output),
            inputs,
        }
    }

    /// Makes a prepared output; `None` when a template failed (reported).
    pub fn make(&self, prepared: Prepared) -> Option<Content> {
        match prepared.inputs {
            Inputs::Page {
                mut context,
                template,
                ..
            } => {
                let OutputKind::Page(i) = prepared.output else {
                    return None;
                };
                let p = &self.linked.pages[i];
                let options = self.options(p.page.id(), None);
                context.html = self
                    .text_html(p, "text", &options, &|| {
                        to_html(&p.text, Some(&p.sections), &p.links, &options)
                    })
                    .as_ref()
                    .clone();
                if p.page.id() == context::CREDITS_ID {
                    context.editorial =
                        credits::editorial_changes(self.linked, &|s| self.found_in(s));
                }
                let versions = self.page_versions(p.page.id());
                // The home page shows the notice whole; a page's urgent box
                // stands before everything (both in `base.html`).
                let is_home = template == "home.html";
                let urgent = context.urgent.clone();
                self.render_template(
                    template,
                    Some(i),
                    &[
                        ("page", &context),
                        ("versions", &versions),
                        ("is_home", &is_home),
                        ("urgent", &urgent),
                    ],
                )
            }
            Inputs::Print { examples, .. } => self.print(&examples),
            Inputs::Site(values) => {
                let OutputKind::Site(page) = prepared.output else {
                    return None;
                };
                let values: Vec<(&'static str, &dyn erased::Value)> =
                    values.iter().map(|(k, v)| (*k, v.as_ref())).collect();
                let made = self.render_template(&page.file(), None, &values)?;
                match (page.id, self.linked.edition.address()) {
                    // Servers show the 404 page for a missing page in any
                    // folder: its addresses start with the edition's own.
                    ("404", Some(address)) => {
                        let html = String::from_utf8_lossy(&made.bytes()?).into_owned();
                        Some(Content::Bytes(
                            crate::support::url::links_under(&html, address).into_bytes(),
                        ))
                    }
                    _ => Some(made),
                }
            }
            Inputs::Bytes(bytes) => Some(Content::Bytes(bytes)),
            Inputs::Static(file) => Some(file.content()),
            Inputs::Copy(file) => Some(Content::Copy(file.path.clone())),
        }
    }

    /// The anchor on "What's changed" of the day page `p` was last updated,
    /// if that day has entries there (every date a page's "Last updated"
    /// can give comes from an entry: its own, the council's text on it or
    /// an example it shows).
    fn changes_anchor_of(&self, p: &LinkedPage) -> Option<String> {
        let model_date = self.linked.edition.model.meta.date;
        let iso =
            crate::stages::analyses::governance::page_updated(&p.page, model_date).to_string();
        self.changes()
            .iter()
            .any(|e| e.iso_date == iso)
            .then(|| site::day_anchor(&iso))
    }

    fn changes(&self) -> &[ChangeEntry] {
        self.changes.get_or_init(|| {
            let mut entries = site::change_entries(self.linked, &self.language.strings);
            if let Some(history) = self.history {
                versions::add_release_notes(
                    &mut entries,
                    history,
                    self.linked,
                    &self.language.strings,
                );
            }
            site::mark_entries(&mut entries);
            entries
        })
    }

    fn options<'o>(&'o self, page_id: &'o str, print_page: Option<&'o str>) -> HtmlOptions<'o> {
        HtmlOptions {
            linked: self.linked,
            terms: &self.terms,
            print_page,
            glossary: &self.glossary_links,
            page_id,
            home: &self.linked.edition.home,
            footnote_scope: None,
            strings: &self.language.strings,
        }
    }

    fn print_options<'o>(&'o self, p: &'o LinkedPage) -> HtmlOptions<'o> {
        self.options(p.page.id(), Some(p.page.id()))
    }

    /// A text's HTML: remembered by its key when there is a memo.
    fn text_html(
        &self,
        p: &LinkedPage,
        part: &str,
        options: &HtmlOptions,
        make: &(dyn Fn() -> String + Sync),
    ) -> Arc<String> {
        match self.memo {
            Some(memo) => memo.get_or_make(self.text_key(p, part, options), make),
            None => Arc::new(make()),
        }
    }

    /// The print view: every page in reading order, ids prefixed by page.
    fn print(&self, examples: &[Vec<ExampleContext>]) -> Option<Content> {
        let pages = &self.linked.pages;
        let htmls = |run: std::ops::Range<usize>| -> Vec<Arc<String>> {
            pages[run]
                .par_iter()
                .map(|p| {
                    let options = self.print_options(p);
                    self.text_html(p, "print", &options, &|| {
                        print::nest_headings(&to_html(
                            &p.text,
                            Some(&p.sections),
                            &p.links,
                            &options,
                        ))
                    })
                })
                .collect()
        };
        let page = |i: usize, p: &LinkedPage, html: String| print::PrintPage {
            id: p.page.id().to_string(),
            title: p.title.clone(),
            html,
            examples: &examples[i],
            lang: self.linked.edition.foreign(&p.page.title_file),
        };
        let stand_ins: Vec<print::PrintPage> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| page(i, p, print::stand_in(i)))
            .collect();
        let skeleton = self.render_template(PRINT_FILE, None, &[("pages", &stand_ins)])?;
        // The HTML is longer than the Markdown it is made from (tags, ids):
        // room for a quarter more spares copying the whole view as it grows,
        // and room never written takes no memory.
        let size = pages.iter().map(|p| p.text.markdown.len()).sum::<usize>() * 5 / 4;
        if let Some(whole) = print::fill(&skeleton.bytes()?, pages.len(), size, &htmls) {
            return Some(Content::Bytes(whole));
        }
        // The template does more than print each page's HTML: give it the HTML.
        let full: Vec<print::PrintPage> = pages
            .iter()
            .zip(htmls(0..pages.len()))
            .enumerate()
            .map(|(i, (p, html))| page(i, p, html.as_ref().clone()))
            .collect();
        self.render_template(PRINT_FILE, None, &[("pages", &full)])
    }
}

/// Makes every output of `linked` with a new [`Renderer`] in English (see
/// [`Renderer::new`] for the arguments), in parallel, sorted by path.
pub fn render(
    linked: &LinkedEdition,
    engine: &Engine,
    statics: &StaticFiles,
    today: Date,
    diagnostics: &Diagnostics,
) -> Vec<OutputFile> {
    let language = Language::english();
    let renderer = Renderer::new(linked, engine, statics, today, diagnostics, None, language);
    let mut files = make_each(&renderer, |file| file);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Makes every output of `renderer` in parallel, handing each file to
/// `each` as soon as it is made (a build checks and writes it there, so
/// the edition's pages need not all be held at once). Returns what `each`
/// returned, in no set order. An output whose template failed is left out
/// (the renderer reported it).
pub fn make_each<T: Send>(renderer: &Renderer, each: impl Fn(OutputFile) -> T + Sync) -> Vec<T> {
    let mut outputs = renderer.outputs();
    // The outputs made from every page are each made on one thread, in
    // part: begun first, they are made while the other threads make the
    // pages, rather than last, while the others wait for them.
    outputs.sort_by_key(|&o| !renderer.reads_every_page(o));
    outputs
        .into_par_iter()
        .filter_map(|output| {
            let prepared = renderer.prepare(output);
            let path = prepared.path.clone();
            let content = renderer.make(prepared)?;
            Some(each(OutputFile { path, content }))
        })
        .collect()
}

/// The contents list of an edition's pages, in the words of `strings`.
fn contents_of(
    items: &[context::NavItem],
    parents: &[Option<usize>],
    strings: &crate::model::language::Strings,
) -> nav::Nav {
    nav::Nav::new(
        items
            .iter()
            .zip(parents)
            .map(|(item, &parent)| nav::ContentsEntry {
                href: item.href.clone(),
                title: item.title.clone(),
                depth: item.depth,
                parent,
                step_label: item
                    .step
                    .map(|s| strings.fill("nav_step", &[("step", &s.to_string())])),
                lang: item.lang,
            })
            .collect(),
        strings.get("nav_whole_folder"),
    )
}
