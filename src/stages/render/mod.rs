//! Stage 4, render: a linked edition becomes HTML and other files.
//!
//! A [`Renderer`] is made once per edition. It knows every output the
//! edition has ([`Renderer::outputs`]): each content page, the print view,
//! the site pages (`url::SITE_PAGES`), the Atom feed, the sitemap, the
//! authority's colours and the static files. For each it gathers the values
//! the output is made from ([`Renderer::prepare`]), which give the output's
//! [key](Renderer::key), and makes its bytes ([`Renderer::make`]).
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

use crate::model::theme::{Engine, StaticFile, StaticFiles};
use crate::stages::link::{LinkedEdition, LinkedPage, Resolved};
use crate::support::diagnostic::{Diagnostic, Diagnostics};
use crate::support::fingerprint::Fingerprint;
use crate::support::output::{Content, OutputFile, Part};
use crate::support::url::{file_of, Shown, SitePage, PRINT_FILE, SITE_PAGES};

mod cache;
mod comparison;
mod context;
mod credits;
mod editorial;
mod feeds;
mod html;
#[cfg(test)]
pub(crate) use html::{ALWAYS_CLEAN, AS_WRITTEN};
mod marks;
mod nav;
mod print;
mod site;
mod subjects;
mod versions;

pub use cache::{Cache, Made, TextMemo};
pub use context::long_date;
pub use html::{both_ways, escape};
pub use site::ChangeEntry;
pub use versions::{archived, release_folder, History, ReleaseRow, ReleaseText};

use context::{ExampleContext, PageContext, SiteContext};
use html::{to_html, GlossaryLink, HtmlOptions};

/// A fingerprint of everything an output is made from.
pub type Key = [u8; 16];

/// One output of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output<'t> {
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
}

/// An output with the values it is made from, ready to be keyed and made.
pub struct Prepared<'p> {
    /// Which output.
    pub output: Output<'p>,
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
}

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
        let glossary = crate::stages::analyses::glossary::of(linked, diagnostics);
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
            colour: edition_colour(linked, diagnostics),
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
    pub fn outputs(&self) -> Vec<Output<'r>> {
        let edition = &self.linked.edition;
        let mut outputs: Vec<Output<'r>> = (0..self.linked.pages.len()).map(Output::Page).collect();
        outputs.push(Output::Print);
        outputs.extend(
            SITE_PAGES
                .iter()
                .filter(|p| match p.shown {
                    Shown::Always => true,
                    Shown::WithExamples => !edition.examples.is_empty(),
                    Shown::ForAuthority => edition.authority.is_some(),
                    Shown::WithHistory => self.history.is_some(),
                    Shown::WithLanguages => !self.language.others.is_empty(),
                })
                .map(Output::Site),
        );
        outputs.push(Output::Feed);
        // The sitemap protocol allows only absolute addresses.
        if edition.address().is_some() {
            outputs.push(Output::Sitemap);
        }
        if self.colour.is_some() {
            outputs.push(Output::EditionCss);
        }
        outputs.extend(
            self.statics
                .keys()
                .map(|name| Output::Static(name.as_str())),
        );
        outputs
    }

    /// Whether `output` is made from every page: the print view, the site
    /// pages (the A to Z and the search page list every section), and the
    /// credits page (its list of the editors' changes reads every model page).
    pub fn reads_every_page(&self, output: Output) -> bool {
        match output {
            Output::Print | Output::Site(_) => true,
            Output::Page(i) => self.linked.pages[i].page.id() == context::CREDITS_ID,
            _ => false,
        }
    }

    /// The path of an output in the edition.
    pub fn path(&self, output: Output) -> String {
        match output {
            Output::Page(i) => file_of(&self.linked.edition.home, self.linked.pages[i].page.id()),
            Output::Print => PRINT_FILE.to_string(),
            Output::Site(page) => page.file(),
            Output::Feed => "changes.xml".to_string(),
            Output::Sitemap => "sitemap.xml".to_string(),
            Output::EditionCss => "assets/edition.css".to_string(),
            Output::Static(name) => format!("assets/{name}"),
        }
    }

    /// Gathers the values `output` is made from.
    pub fn prepare<'p>(&'p self, output: Output<'p>) -> Prepared<'p> {
        let inputs = match output {
            Output::Page(i) => self.page_inputs(i),
            Output::Print => Inputs::Print {
                examples: self
                    .linked
                    .pages
                    .par_iter()
                    .map(|p| self.examples_of(p, true))
                    .collect(),
            },
            Output::Site(page) => Inputs::Site(self.site_values(page)),
            Output::Feed => Inputs::Bytes(
                feeds::atom(
                    self.linked,
                    self.linked.edition.name(),
                    self.language.strings.get("changes_title"),
                    self.changes(),
                )
                .into_bytes(),
            ),
            Output::Sitemap => Inputs::Bytes(
                feeds::sitemap(
                    self.linked,
                    self.linked.edition.address().unwrap_or_default(),
                )
                .into_bytes(),
            ),
            Output::EditionCss => Inputs::Bytes(
                format!(
                    ":root {{\n  --brand: {};\n}}\n",
                    self.colour.unwrap_or_default()
                )
                .into_bytes(),
            ),
            Output::Static(name) => Inputs::Static(&self.statics[name]),
        };
        Prepared {
            output,
            path: self.path(output),
            inputs,
        }
    }

    /// The key of an output: a fingerprint of everything it is made from,
    /// so that equal keys make equal bytes. It is worked out from the
    /// inputs themselves, without gathering the output's values where that
    /// costs much (a page's values, the print view, the A to Z), so a
    /// [`Cache`] can tell what to make again cheaply. `None` when the
    /// output's inputs are of a kind it cannot key (it is then made every
    /// time).
    pub fn key(&self, output: Output) -> Option<Key> {
        let mut f = Fingerprint::default();
        f.text(&self.path(output));
        match output {
            Output::Page(i) => {
                let p = &self.linked.pages[i];
                f.bytes(self.site_key())
                    .bytes(&self.parts.contents.fingerprint_for(Some(i)));
                f.bytes(&self.text_key(p, "text", &self.options(p.page.id(), None)));
                self.page_inputs_key(p, &mut f);
                f.bytes(&json(&self.page_versions(p.page.id())));
                f.text(&self.changes_anchor_of(p).unwrap_or_default());
            }
            Output::Print => {
                f.bytes(self.site_key())
                    .bytes(&self.parts.contents.fingerprint_for(None));
                let texts: Vec<Key> = self
                    .linked
                    .pages
                    .par_iter()
                    .map(|p| self.text_key(p, "print", &self.print_options(p)))
                    .collect();
                let inputs: Vec<Key> = self
                    .linked
                    .pages
                    .par_iter()
                    .map(|p| {
                        let mut f = Fingerprint::default();
                        self.page_inputs_key(p, &mut f);
                        f.finish()
                    })
                    .collect();
                for (text, inputs) in texts.iter().zip(&inputs) {
                    f.bytes(text).bytes(inputs);
                }
            }
            Output::Site(page) if matches!(page.id, "a-z" | "search") => {
                f.bytes(self.site_key())
                    .bytes(&self.parts.contents.fingerprint_for(None))
                    .bytes(self.outline_key());
                // The subject index's keywords and glossary terms.
                for p in &self.linked.pages {
                    f.text(&p.page.meta.keywords.join("\n"));
                }
                for term in &self.glossary {
                    f.text(&term.term).text(&term.anchor);
                }
            }
            Output::Site(page) => {
                f.bytes(self.site_key())
                    .bytes(&self.parts.contents.fingerprint_for(None));
                // The 404 page's links start with the edition's address.
                f.text(self.linked.edition.address().unwrap_or("\0"));
                for (name, value) in self.site_values(page) {
                    f.text(name).bytes(&value.json());
                }
            }
            Output::Feed | Output::Sitemap | Output::EditionCss | Output::Static(_) => {
                match self.prepare(output).inputs {
                    Inputs::Bytes(bytes) => f.bytes(&bytes),
                    Inputs::Static(StaticFile::Path(path)) => {
                        f.bytes(path.as_os_str().as_encoded_bytes())
                    }
                    Inputs::Static(StaticFile::BuiltIn(bytes)) => f.bytes(bytes),
                    _ => return None,
                };
            }
        }
        Some(f.finish())
    }

    /// A fingerprint of everything a page's key reads besides the page's
    /// own files: what every page shares (the site key, the settings of
    /// HTML, the date), every page's id, place, title, sections, front
    /// matter and backlinks (titles, breadcrumbs and "Referenced by" lists
    /// read other pages'), the model's and the authority's settings (dates,
    /// citations) and the releases shown. When it is the same as at the
    /// last render, a page whose files did not change (linked from the
    /// memo) has the key it had then: see [`Self::unchanged`].
    pub fn edition_key(&self) -> Key {
        *self.edition_key.get_or_init(|| self.make_edition_key())
    }

    fn make_edition_key(&self) -> Key {
        let mut f = Fingerprint::default();
        f.bytes(self.site_key()).bytes(&self.settings_key);
        f.text(&self.today.to_string());
        f.text(&format!("{:?}", self.linked.edition.model.meta));
        if let Some(authority) = self.linked.edition.authority {
            f.text(&format!("{:?}", authority.config));
        }
        f.bytes(self.outline_key());
        for part in self.by_runs_of_pages(|f, p| {
            f.bytes(&p.page.meta.fingerprint());
            f.number(p.page.origin as u64);
            f.text(p.page.parent.as_deref().unwrap_or("\0"));
            let linking = self.linked.backlinks.get(p.page.id());
            f.number(linking.map_or(0, |l| l.len() as u64));
            for linking in linking.into_iter().flatten() {
                f.text(linking);
            }
        }) {
            f.bytes(&part);
        }
        if let Some(history) = self.history {
            f.bytes(&json(&self.page_versions_all(history)));
        }
        f.finish()
    }

    /// A key of the edition's outline: every page's id and title, and its
    /// sections' ids, titles and levels, in order (what the A to Z and the
    /// search page list), from each page's [`LinkedPage::outline`].
    fn outline_key(&self) -> &Key {
        self.outline_key.get_or_init(|| {
            let mut f = Fingerprint::default();
            for p in &self.linked.pages {
                f.bytes(&p.outline);
            }
            f.finish()
        })
    }

    /// What `add` writes of each page, as one fingerprint for each run of
    /// pages in order: runs are digested in parallel, and each digest
    /// covers hundreds of pages' few short texts.
    fn by_runs_of_pages(&self, add: impl Fn(&mut Fingerprint, &LinkedPage) + Sync) -> Vec<Key> {
        self.linked
            .pages
            .par_chunks(256)
            .map(|run| {
                let mut f = Fingerprint::default();
                for p in run {
                    add(&mut f, p);
                }
                f.finish()
            })
            .collect()
    }

    /// Whether `output` is a page whose own files are as they were at the
    /// last link (so, with an unchanged [`Self::edition_key`], its key is
    /// too). Never the credits page, whose list reads every model page.
    pub fn unchanged(&self, output: Output) -> bool {
        match output {
            Output::Page(i) => {
                let p = &self.linked.pages[i];
                self.linked.unchanged(i) && p.page.id() != context::CREDITS_ID
            }
            _ => false,
        }
    }

    /// Every page's versions, in page order, for the edition key.
    fn page_versions_all<'h>(
        &self,
        history: &'h History,
    ) -> Vec<Option<&'h Vec<versions::PageVersion>>> {
        self.linked
            .pages
            .iter()
            .map(|p| history.pages.get(p.page.id()))
            .collect()
    }

    /// Adds to `f` what a page's values are made from besides its text and
    /// what every page shares (titles, the steps, the edition's settings,
    /// which the site key holds): its front matter and origin, its place in
    /// the tree, the pages that link to it, and its examples' settings.
    fn page_inputs_key(&self, p: &LinkedPage, f: &mut Fingerprint) {
        f.bytes(&p.page.meta.fingerprint())
            .text(&format!("{:?}", p.page.origin));
        if p.page.id() == context::CREDITS_ID {
            // Its list of the editors' changes reads every model page: it
            // is made again only when what the list shows changed.
            f.bytes(&self.credits_key());
        }
        let mut parent = p.page.parent.as_deref();
        // A parent loop is cut short, as breadcrumbs cut it.
        for _ in 0..=21 {
            let Some(id) = parent else { break };
            f.text(id);
            parent = self
                .linked
                .page(id)
                .and_then(|pp| pp.page.parent.as_deref());
        }
        for linking in self.linked.backlinks.get(p.page.id()).into_iter().flatten() {
            f.text(linking);
        }
        for ex in &p.page.examples {
            f.text(&format!(
                "{:?}{:?}{:?}",
                ex.attach, ex.source, ex.governance
            ));
            f.text(
                self.citation(ex.source.as_deref())
                    .as_deref()
                    .unwrap_or("\0"),
            );
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
                let Output::Page(i) = prepared.output else {
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
                let Output::Site(page) = prepared.output else {
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
        }
    }

    /// The credits page's list's key, each page's part of it kept between
    /// renders (with a memo) while neither the page's linked text, its model
    /// file nor the edition key changed.
    fn credits_key(&self) -> Key {
        credits::editorial_key(self.linked, &|p, source| {
            let make = || credits::page_part(self.linked, p, source, &self.found_in(source));
            let Some(memo) = self.memo else {
                return make();
            };
            let inputs = [
                self.edition_key(),
                p.fingerprint(),
                source.file.fingerprint(),
            ];
            memo.credit_part(p.page.id(), inputs, make)
        })
    }

    /// The editorial changes marked in a model page, found once for each
    /// text of it when there is a memo.
    fn found_in(
        &self,
        source: &crate::model::page::Page,
    ) -> Arc<Vec<crate::stages::analyses::editorial_marks::Found>> {
        let find = || crate::stages::analyses::editorial_marks::in_text(source.body());
        match self.memo {
            // The body's start is found from the text, so the file's
            // fingerprint stands for both.
            Some(memo) => memo.editorial(source.file.fingerprint(), find),
            None => Arc::new(find()),
        }
    }

    fn site_key(&self) -> &Key {
        self.site_key.get_or_init(|| site_key_of(&self.site))
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
                versions::add_release_notes(&mut entries, history, self.linked.edition.name());
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

    fn page_inputs(&self, i: usize) -> Inputs<'_> {
        let p = &self.linked.pages[i];
        let examples = self.examples_of(p, false);
        let editorial = if p.page.id() == context::CREDITS_ID {
            credits::editorial_changes(self.linked, &|s| self.found_in(s))
        } else {
            Vec::new()
        };
        let mut context = context::page(
            self.linked,
            &self.site,
            p,
            examples,
            editorial,
            self.today,
            &self.language.strings,
        );
        context.changes_anchor = self.changes_anchor_of(p);
        context.release =
            self.history
                .and_then(|h| h.releases.last())
                .map(|r| context::ReleaseInForce {
                    version: r.version.clone(),
                    from: r.from.clone(),
                });
        let home = self.language.strings.get("home");
        for crumb in &mut context.breadcrumbs {
            if crumb.href == "index.html" {
                crumb.title = home.to_string();
                crumb.lang = None;
            }
        }
        let template = if p.page.id() == self.linked.edition.home {
            "home.html"
        } else {
            "page.html"
        };
        Inputs::Page {
            context: Box::new(context),
            template,
        }
    }

    /// The fingerprint of one text's HTML: the text itself (fingerprinted
    /// by the link stage), where its links go and the titles they show, and
    /// the edition's settings for HTML.
    fn text_key(&self, p: &LinkedPage, part: &str, options: &HtmlOptions) -> Key {
        let mut f = Fingerprint::default();
        f.bytes(&self.settings_key).bytes(&p.fingerprint());
        f.text(part).text(options.page_id);
        f.text(options.print_page.unwrap_or("\0"));
        f.number(options.glossary.len() as u64);
        let mut links: Vec<(&String, &Resolved)> = p.links.iter().collect();
        links.sort_by(|a, b| a.0.cmp(b.0));
        for (dest, resolved) in links {
            f.text(dest);
            let Resolved::Page { page, section } = resolved else {
                f.text("\0removed");
                continue;
            };
            f.text(page).text(section.as_deref().unwrap_or("\0"));
            if let Some(title) = self.linked.title_of(page, None) {
                f.text(title);
                if let Some(s) = section {
                    f.text(self.linked.title_of(page, Some(s)).unwrap_or("\0"));
                }
            }
        }
        f.finish()
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

    /// The local examples a page shows, on the page itself or, when `print`
    /// is set, in the print view (ids and links made for it).
    fn examples_of(&self, p: &LinkedPage, print: bool) -> Vec<ExampleContext> {
        let options = HtmlOptions {
            glossary: &[],
            ..self.options(p.page.id(), print.then(|| p.page.id()))
        };
        let part = if print { "print example" } else { "example" };
        p.page
            .examples
            .iter()
            .zip(p.examples.iter().zip(p.example_settings.iter()))
            .enumerate()
            .map(|(i, (ex, (text, settings)))| {
                let id = if print {
                    format!("{}--{}", p.page.id(), ex.id)
                } else {
                    ex.id.clone()
                };
                let html = self
                    .text_html(p, &format!("{part} {i}"), &options, &|| {
                        let options = HtmlOptions {
                            footnote_scope: Some(&ex.id),
                            ..options
                        };
                        to_html(text, None, &p.links, &options)
                    })
                    .as_ref()
                    .clone();
                self.example_context(ex, id, settings, html)
            })
            .collect()
    }

    /// An example as templates see it, with its id, title and summary as
    /// shown, and its HTML.
    fn example_context(
        &self,
        ex: &crate::model::authority::Example,
        id: String,
        settings: &crate::stages::link::ExampleSettings,
        html: String,
    ) -> ExampleContext {
        ExampleContext {
            id,
            title: settings.title.clone(),
            html,
            summary: settings.summary.clone(),
            origin: ex.origin,
            citation: self.citation(ex.source.as_deref()),
            source_detail: ex.source_detail.clone(),
            lang: self.linked.edition.foreign(&ex.file),
            pages: ex
                .attach
                .iter()
                .filter_map(|a| context::link_item(self.linked, a))
                .collect(),
        }
    }

    fn citation(&self, source: Option<&str>) -> Option<String> {
        let source = source?;
        let authority = self.linked.edition.authority?;
        authority
            .config
            .sources
            .iter()
            .find(|s| s.id == source)
            .map(|s| s.citation.clone())
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
            lang: self.linked.edition.foreign(&p.page.file),
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

    /// The values a site page's template sees, by name.
    fn site_values(&self, page: &SitePage) -> TemplateValues<'_> {
        let az = || -> Box<dyn erased::Value + '_> {
            Box::new(self.a_to_z.get_or_init(|| {
                subjects::a_to_z(
                    self.linked,
                    &self.glossary,
                    self.language.strings.get("nav_glossary"),
                )
            }))
        };
        match page.id {
            "glossary" => vec![(
                "terms",
                Box::new(site::glossary(self.linked, &self.glossary)),
            )],
            "a-z" | "search" => vec![("letters", az())],
            "changes" => vec![("changes", Box::new(self.changes()))],
            "in-force" => vec![(
                "releases",
                Box::new(self.history.map(|h| h.releases.clone()).unwrap_or_default()),
            )],
            "examples" => vec![("examples", Box::new(self.examples_index()))],
            "translation" => vec![("translation", Box::new(self.translation_status()))],
            "differences" => {
                let d = site::differences(self.linked, &self.terms);
                let options = HtmlOptions {
                    glossary: &[],
                    terms: &[],
                    ..self.options("", None)
                };
                let entries = comparison::entries(self.linked, d.differences, &options);
                vec![
                    ("differences", Box::new(entries)),
                    ("removed", Box::new(d.removed)),
                    ("terms", Box::new(d.terms)),
                    ("local_pages", Box::new(d.local_pages)),
                ]
            }
            _ => Vec::new(),
        }
    }

    /// The translation status page's values: each page of the edition with
    /// its state in the edition's other language, and how many are in each.
    fn translation_status(&self) -> serde_json::Value {
        let mut counts = [0usize; 3];
        let rows: Vec<serde_json::Value> = self
            .linked
            .pages
            .iter()
            .map(|p| {
                let id = p.page.id();
                let state = self
                    .language
                    .states
                    .iter()
                    .find(|(s, _)| s == id)
                    .map_or("missing", |(_, state)| *state);
                let n = match state {
                    "translated" => 0,
                    "out-of-date" => 1,
                    _ => 2,
                };
                counts[n] += 1;
                let home = id == self.linked.edition.home;
                serde_json::json!({
                    "title": if home { self.language.strings.get("home") } else { p.title.as_str() },
                    "href": crate::support::url::file_of(&self.linked.edition.home, id),
                    "lang": (!home).then(|| self.linked.edition.foreign(&p.page.file)).flatten(),
                    "state": state,
                })
            })
            .collect();
        serde_json::json!({
            "rows": rows,
            "translated": counts[0],
            "stale": counts[1],
            "missing": counts[2],
        })
    }

    /// Every example of the edition, as the examples index shows it.
    fn examples_index(&self) -> Vec<ExampleContext> {
        let shown_on = site::first_showings(self.linked);
        let options = self.options("", None);
        self.linked
            .edition
            .examples
            .iter()
            .map(|ex| {
                let html = shown_on.get(ex.id.as_str()).map(|&(i, at)| {
                    let p = &self.linked.pages[i];
                    let make = || {
                        let options = HtmlOptions {
                            footnote_scope: Some(&ex.id),
                            ..options
                        };
                        to_html(&p.examples[at], None, &p.links, &options)
                    };
                    self.text_html(p, &format!("examples page {at}"), &options, &make)
                        .as_ref()
                        .clone()
                });
                let settings = self
                    .linked
                    .example_settings(&ex.id)
                    .cloned()
                    .unwrap_or_else(|| crate::stages::link::ExampleSettings {
                        title: ex.title.clone(),
                        summary: ex.summary.clone(),
                    });
                self.example_context(ex, ex.id.clone(), &settings, html.unwrap_or_default())
            })
            .collect()
    }

    /// Renders a template with the edition's values and `extra`; `current`
    /// is the index of the page being rendered, for the contents list.
    fn render_template(
        &self,
        template: &str,
        current: Option<usize>,
        extra: &[(&'static str, &dyn erased::Value)],
    ) -> Option<Content> {
        // Cloning shares the site values (tera values are reference-counted).
        let mut context = self.parts.base.clone();
        // The contents list goes in as a stand-in, replaced afterwards by the
        // list's shared parts: it is neither copied through the template
        // engine nor held once per page.
        context.insert("nav_html", NAV_STAND_IN);
        // Published versions are kept in the default language alone, so
        // their page has no switch to another language.
        let only_here = SITE_PAGES
            .iter()
            .any(|p| p.shown == Shown::WithHistory && p.file() == template);
        if !self.language.others.is_empty() && !only_here {
            // The language switch leads to the same file in each other language.
            let here = match current {
                Some(i) => self.path(Output::Page(i)),
                None => template.to_string(),
            };
            let others: Vec<serde_json::Value> = self
                .language
                .others
                .iter()
                .map(|(l, prefix)| {
                    serde_json::json!({ "code": l.code(), "html": l.html(), "name": l.own_name(), "href": format!("{prefix}{here}") })
                })
                .collect();
            context.insert("languages", &others);
        }
        for (k, v) in extra {
            v.insert_into(&mut context, k);
        }
        let rendered = |context: &tera::Context| match self.engine.render(template, context) {
            Ok(html) => Some(html),
            Err(d) => {
                self.diagnostics.push(d);
                None
            }
        };
        let html = rendered(&context)?;
        let mut found = html.match_indices(NAV_STAND_IN).map(|(at, _)| at);
        match (found.next(), found.next()) {
            (Some(at), None) => {
                let mut parts = vec![Part::new(html.as_bytes()[..at].to_vec())];
                parts.extend(self.parts.contents.pieces_for(current));
                parts.push(Part::new(
                    html.as_bytes()[at + NAV_STAND_IN.len()..].to_vec(),
                ));
                Some(Content::Parts(parts))
            }
            (None, _) if !html.contains('\u{1}') => Some(Content::Bytes(html.into_bytes())),
            // The template does more than print the list: give it the list itself.
            _ => {
                context.insert("nav_html", &self.parts.contents.html_for(current));
                rendered(&context).map(|html| Content::Bytes(html.into_bytes()))
            }
        }
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

/// The authority's colour, if it has one Handbook can use; one it cannot
/// use is reported.
fn edition_colour<'r>(linked: &LinkedEdition<'r>, diagnostics: &Diagnostics) -> Option<&'r str> {
    let authority = linked.edition.authority?;
    let colour = authority.config.theme.colour.as_deref()?;
    let hex = colour.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(colour);
    }
    let at = authority.setting_span("theme");
    diagnostics.push(
        Diagnostic::error(
            "bad-colour",
            format!("`{colour}` is not a colour Handbook can use"),
        )
        .at(&authority.config_file, at.0, at.1)
        .hint("write the colour as `#` and six hexadecimal digits, such as `#1d5c3a`"),
    );
    None
}

/// One edition in the list of editions written above several.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'a> {
    /// `model` or the authority's slug.
    pub slug: &'a str,
    /// The edition's name.
    pub name: &'a str,
    /// Whether the authority is made up (`demonstration: true`).
    pub demonstration: bool,
    /// Its languages besides the default, each at `<slug>/<code>/`.
    pub other_languages: &'a [crate::model::language::Lang],
}

/// The list of editions written at the top of a multi-edition output, each
/// marked when it is a fictional demonstration; `None` if its template
/// failed (reported).
pub fn editions_index(
    editions: &[Listed],
    engine: &Engine,
    diagnostics: &Diagnostics,
) -> Option<Vec<u8>> {
    let list: Vec<site::EditionLink> = editions
        .iter()
        .map(|e| site::EditionLink {
            slug: e.slug,
            name: e.name,
            href: format!("{}/index.html", e.slug),
            demonstration: e.demonstration,
            languages: e
                .other_languages
                .iter()
                .map(|l| site::LanguageLink {
                    code: l.code(),
                    html: l.html(),
                    name: l.own_name(),
                    href: format!("{}/{}/index.html", e.slug, l.code()),
                })
                .collect(),
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("editions", &list);
    context.insert("model_slug", crate::support::url::MODEL_SLUG);
    engine
        .render("editions.html", &context)
        .map_err(|d| diagnostics.push(d))
        .ok()
        .map(String::into_bytes)
}

/// The key of the values every page shares.
fn site_key_of(site: &SiteContext) -> Key {
    let mut f = Fingerprint::default();
    f.bytes(&json(site));
    f.finish()
}

/// The key of an edition's [`SiteParts`]: the key of its site values
/// (`site_key`), each page's parent (the contents list's tree) and its
/// language (the theme's words, the other languages and their notices).
fn site_parts_key(site_key: &Key, parents: &[Option<usize>], language: &Language) -> Key {
    let mut f = Fingerprint::default();
    f.bytes(site_key);
    for parent in parents {
        f.number(parent.map_or(u64::MAX, |p| p as u64));
    }
    f.text(&format!("{:?}", language.strings.lang));
    for (key, word) in language.strings.words() {
        f.text(key).text(word);
    }
    f.text(&format!(
        "{:?}{:?}{:?}",
        language.others, language.notices, language.states
    ));
    f.finish()
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
            .map(|(item, &parent)| nav::Entry {
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

/// The values every template of an edition sees: `site`, the theme's
/// words `t`, the pages' language `lang`, the links to the same page in
/// the edition's other languages `languages` (each with the path to add
/// before the page's file) and the notices of demonstration translations.
fn base_context(site: &context::SiteContext, language: &Language) -> tera::Context {
    let mut base = tera::Context::new();
    base.insert("site", site);
    base.insert_value("t", crate::model::theme::strings_value(&language.strings));
    let lang = language.strings.lang;
    base.insert(
        "lang",
        &serde_json::json!({ "code": lang.code(), "html": lang.html() }),
    );
    // Filled in for each output (see `render_template`).
    base.insert("languages", &Vec::<String>::new());
    // Filled in for content pages (see `Renderer::make`).
    base.insert("is_home", &false);
    base.insert("urgent", &None::<context::UrgentContext>);
    let notices: Vec<serde_json::Value> = language
        .notices
        .iter()
        .map(|(l, text)| serde_json::json!({ "html": l.html(), "text": text }))
        .collect();
    base.insert("translation_notices", &notices);
    // Words that only the default language's files give (owners, notes of
    // changes, contacts) are marked as that language on other languages' pages.
    let source_lang = (!language.others.is_empty() && lang != crate::model::language::Lang::En)
        .then(|| crate::model::language::Lang::En.code());
    base.insert("source_lang", &source_lang);
    base
}

/// What stands in a page's template for its contents list (see `nav_html`).
const NAV_STAND_IN: &str = "\u{1}hb&nav\u{1}";

fn json(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Values a site page's template sees, by name.
type TemplateValues<'a> = Vec<(&'static str, Box<dyn erased::Value + 'a>)>;

/// Serialisable values of different types in one list.
mod erased {
    /// A value that can put itself into a template context.
    pub trait Value: Sync + Send {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str);
        /// The value as JSON, for fingerprints.
        fn json(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize + Sync + Send> Value for T {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str) {
            context.insert(key, self);
        }

        fn json(&self) -> Vec<u8> {
            super::json(self)
        }
    }
}
