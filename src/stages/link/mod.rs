//! Stage 3, link: resolve what Markdown text refers to, across one edition.
//!
//! An [`Edition`] in, a [`LinkedEdition`] out, in two passes. Pass 1 works
//! on each page alone: it joins the page's chunks into one Markdown text
//! that remembers where every byte came from (`text.rs`), substitutes the
//! edition's variables (`variables.rs`), gives every heading an id
//! (`sections.rs`), and walks the text for its cross-references, the
//! addresses it writes and its outside links (`references.rs`), looking at
//! what it would put into a reader's browser as it goes (`safety.rs`).
//! Pass 2 resolves every page's references against every page's sections,
//! names each heading that holds a `[[id]]` by the title it links to, and
//! records the backlinks and where local terms are used. Every problem is a
//! [`Diagnostic`] at the file and line it was written on, gathered in the
//! run's [`Diagnostics`].
//!
//! For `serve`, a [`LinkMemo`] (`memo.rs`) keeps what the last link made, so
//! a save reads again only the pages whose files or the edition's
//! variables changed.
//!
//! It does not produce HTML (`render` does), and changes no page's text
//! beyond variable substitution and writing a `[[id|text]]` in a table row
//! as `[text](id)` (a table would take its `|` for a cell border).

mod memo;
mod references;
mod safety;
mod sections;
mod text;
mod variables;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::model::language::Lang;
use crate::stages::overlay::{foreign_in, Chunk, Edition, EditionPage, Origin};
use crate::support::diagnostic::{Diagnostic, Diagnostics, OutsideLink};
use crate::support::fingerprint::Fingerprint;
pub use memo::LinkMemo;
use references::{
    backlinks_of, check_footnotes, outline_of, resolve, resolve_page, scan, Lookups, Reference,
    Resolution, Scanned, Sides,
};
pub use references::{is_id_reference, LocalAddress};
use sections::{check_outline, keep_definitions, mark_languages, name_sections};
pub use sections::{headings_of, SectionRef};
pub use text::{LinkedText, Markdown};
pub use variables::{edition_terms, Variables};

/// Where a cross-reference points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A page, and maybe a section of it.
    Page {
        /// The page id.
        page: String,
        /// The section id.
        section: Option<String>,
    },
    /// Something the model has but this edition removed: the differences page says why.
    Removed,
    /// One of the authority's local documents (`[[doc:id]]`).
    Document {
        /// Its path in the edition, such as `documents/carers-leaflet.pdf`.
        href: String,
        /// What a link to it says when no text is given: its title, type
        /// and size, such as "Carers' leaflet (PDF, 24 KB)".
        title: String,
    },
}

/// A page with its text linked.
#[derive(Debug)]
pub struct LinkedPage<'s> {
    /// The overlaid page.
    pub page: EditionPage<'s>,
    /// Its body (shared with what a [`LinkMemo`] remembers of it).
    pub text: Arc<LinkedText>,
    /// Its headings, in order, with the ids they get.
    pub sections: Arc<[SectionRef]>,
    /// Cross-references by their destination as written (`step-3#x`), resolved.
    pub links: Arc<HashMap<String, Resolved>>,
    /// Examples shown on this page, linked.
    pub examples: Arc<[LinkedText]>,
    /// The addresses its text and examples write, in order.
    pub addresses: Arc<[LocalAddress]>,
    /// The title and summary of each of those examples as readers see them.
    pub example_settings: Arc<[ExampleSettings]>,
    /// The title readers see: variables substituted and, on model pages, local terms applied.
    pub title: String,
    /// The one-line summary, treated the same way.
    pub summary: Option<String>,
    /// A fingerprint of its id, title and sections (ids, titles as named,
    /// levels), in order: what lists of the edition's pages and sections
    /// (the A to Z, the search page) read of it.
    pub outline: [u8; 16],
    /// The `http:` and `https:` addresses its Markdown links to (in the text
    /// and its examples), each with where it is written.
    pub outside_links: Arc<[OutsideLink]>,
    /// See [`LinkedPage::fingerprint`]: made when first asked for (a
    /// [`LinkMemo`] hands it over with the page).
    fingerprint: OnceLock<[u8; 16]>,
}

/// An example's title and summary with variables substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleSettings {
    /// Its title.
    pub title: String,
    /// Its one-line summary.
    pub summary: Option<String>,
}

impl LinkedPage<'_> {
    /// A fingerprint of what pass 1 made of the page: its linked text (with
    /// its local, definition and marked ranges), title and summary, and its
    /// examples' texts, ids, sources and settings. `render` keys the HTML
    /// of its texts by it.
    pub fn fingerprint(&self) -> [u8; 16] {
        *self.fingerprint.get_or_init(|| self.make_fingerprint())
    }

    fn make_fingerprint(&self) -> [u8; 16] {
        let linked = self;
        let mut f = Fingerprint::default();
        f.text(&linked.text.markdown).text(&linked.title);
        f.text(linked.summary.as_deref().unwrap_or("\0"));
        for &(a, b) in linked
            .text
            .local_ranges
            .iter()
            .chain(&linked.text.definitions)
        {
            f.number(a as u64).number(b as u64);
        }
        for (a, b, mark) in &linked.text.marks {
            f.number(*a as u64)
                .number(*b as u64)
                .text(&format!("{mark:?}"));
        }
        for ex in linked.examples.iter() {
            f.text(&ex.markdown);
        }
        for (ex, settings) in linked
            .page
            .examples
            .iter()
            .zip(linked.example_settings.iter())
        {
            f.text(&ex.id).text(ex.source.as_deref().unwrap_or("\0"));
            f.text(&settings.title)
                .text(settings.summary.as_deref().unwrap_or("\0"));
        }
        f.finish()
    }
}

/// An edition whose cross-references all resolve.
#[derive(Debug)]
pub struct LinkedEdition<'s> {
    /// The edition's pages and settings.
    pub edition: Edition<'s>,
    /// Pages in reading order.
    pub pages: Vec<LinkedPage<'s>>,
    /// For each page id, the pages that link to it, in reading order.
    pub backlinks: Arc<HashMap<String, Vec<String>>>,
    /// For each local term, the ids of the pages where it replaced the model term.
    pub term_uses: BTreeMap<String, Vec<String>>,
    /// Index in `pages` of each page id.
    by_id: Arc<foldhash::HashMap<String, usize>>,
    /// For each page in reading order, whether its first pass was taken
    /// from a [`LinkMemo`]; empty when linked without one.
    unchanged: Vec<bool>,
}

impl<'s> LinkedEdition<'s> {
    /// A page by id.
    pub fn page(&self, id: &str) -> Option<&LinkedPage<'s>> {
        self.index_of(id).map(|i| &self.pages[i])
    }

    /// The title a reference to page `page` (and its section `section`)
    /// shows: the page's title, or the section's heading as named.
    pub fn title_of(&self, page: &str, section: Option<&str>) -> Option<&str> {
        let p = self.page(page)?;
        match section {
            None => Some(&p.title),
            Some(id) => p
                .sections
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.title.as_str()),
        }
    }

    /// An example's title and summary as readers see them, from the first
    /// page that shows it; `None` if no page does.
    pub fn example_settings(&self, id: &str) -> Option<&ExampleSettings> {
        self.pages.iter().find_map(|p| {
            let at = p.page.examples.iter().position(|ex| ex.id == id)?;
            p.example_settings.get(at)
        })
    }

    /// Where a page is in reading order (its index in `pages`), by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Every address the edition's texts write (see [`LocalAddress`]), by the
    /// key it is compared by with the rendered pages (`address::key`), each
    /// with the page it is on.
    pub fn addresses(&self) -> HashMap<String, Vec<(&LinkedPage<'s>, &LocalAddress)>> {
        let mut found: HashMap<String, Vec<(&LinkedPage<'s>, &LocalAddress)>> = HashMap::new();
        for page in &self.pages {
            for address in page.addresses.iter() {
                found
                    .entry(crate::support::address::key(&address.url))
                    .or_default()
                    .push((page, address));
            }
        }
        found
    }
    /// Whether page `index`'s first pass was taken from the [`LinkMemo`] it
    /// was linked with: its files, their text and the edition's variables
    /// are those of the last link. Never when linked without a memo.
    pub fn unchanged(&self, index: usize) -> bool {
        self.unchanged.get(index).copied().unwrap_or(false)
    }
}

/// A page after pass 1: its references and, when a memo knew a page of its
/// id, how that page's references resolved at the last link (if they all
/// did). That is this page's own resolution only when its first pass was
/// taken from the memo (`unchanged`).
struct Prepared<'s> {
    page: LinkedPage<'s>,
    references: Arc<[Reference]>,
    resolved_before: Option<Arc<Resolution>>,
    /// Whether its first pass was taken from the memo.
    unchanged: bool,
}

/// Links an edition.
pub fn link<'s>(edition: Edition<'s>, diagnostics: &Diagnostics) -> LinkedEdition<'s> {
    link_with(edition, diagnostics, None)
}

/// Links an edition, reusing what `memo` holds of its last link: the
/// first-pass results of pages whose text and variables did not change,
/// and how their references resolved (see `memo`); what is made afresh
/// is remembered.
pub fn link_with<'s>(
    mut edition: Edition<'s>,
    diagnostics: &Diagnostics,
    memo: Option<&LinkMemo>,
) -> LinkedEdition<'s> {
    let vars = Variables::of(&edition);
    let lang = edition.lang;
    let pages = std::mem::take(&mut edition.pages);
    // Pass 1: join text, substitute variables, find headings and references.
    let prepared = match memo {
        Some(memo) => memo.first_passes(pages, &vars, lang, diagnostics),
        None => pages
            .into_par_iter()
            .map(|page| {
                let (page, references) = first_pass(page, &vars, lang, diagnostics);
                Prepared {
                    page,
                    references: references.into(),
                    resolved_before: None,
                    unchanged: false,
                }
            })
            .collect(),
    };
    resolve_all(edition, prepared, diagnostics, memo)
}

/// Pass 1 for one page of a site in `lang` (`None`: the edition's default
/// language): join its text, substitute variables, find its headings (each
/// marked with its language when not the site's) and references.
fn first_pass<'s>(
    page: EditionPage<'s>,
    vars: &Variables,
    lang: Option<Lang>,
    diagnostics: &Diagnostics,
) -> (LinkedPage<'s>, Vec<Reference>) {
    let mut problems = Vec::new();
    let mut text = LinkedText::join(&page.chunks, vars, &mut problems);
    if !page.meta.glossary.is_empty() {
        keep_definitions(&mut text, &page.meta.glossary);
    }
    let mut sections = headings_of(&text.markdown);
    if !vars.terms().is_empty() {
        let no_links = HashMap::new();
        name_sections(&text, &mut sections, vars.terms(), &no_links, &|_, _| None);
    }
    if lang.is_some() {
        mark_languages(&text, &mut sections, &|file| foreign_in(lang, file));
    }
    let mut found = Scanned::default();
    scan(&text, None, &mut found, &mut problems);
    if !text.marks.is_empty() && text.markdown.contains("[^") {
        check_footnotes(&text, &mut problems);
    }
    check_outline(&text, &mut problems);
    let examples = link_examples(&page, vars, &mut found, &mut problems);
    let local = page.origin == Origin::Local;
    // Examples are the authority's own writing: no local terms.
    let example_settings = page
        .examples
        .iter()
        .map(|ex| ExampleSettings {
            title: vars.plain(&ex.title, &ex.file, true, "title", &mut problems),
            summary: ex
                .summary
                .as_ref()
                .map(|s| vars.plain(s, &ex.file, true, "summary", &mut problems)),
        })
        .collect();
    let linked = LinkedPage {
        title: vars.plain(&page.meta.title, &page.file, local, "title", &mut problems),
        summary: page
            .meta
            .summary
            .as_ref()
            .map(|s| vars.plain(s, &page.file, local, "summary", &mut problems)),
        example_settings,
        page,
        text: Arc::new(text),
        sections: sections.into(),
        links: Arc::default(),
        examples,
        addresses: found.addresses.into(),
        outline: [0; 16],
        outside_links: found.outside_links.into(),
        fingerprint: OnceLock::new(),
    };
    diagnostics.extend(problems);
    (linked, found.references)
}

/// The examples `page` shows, each joined and walked like its text.
fn link_examples(
    page: &EditionPage,
    vars: &Variables,
    found: &mut Scanned,
    problems: &mut Vec<Diagnostic>,
) -> Arc<[LinkedText]> {
    page.examples
        .iter()
        .enumerate()
        .map(|(i, ex)| {
            let chunk = Chunk {
                file: Arc::clone(&ex.file),
                range: (ex.body_start, ex.file.text.len()),
                local: true,
                mark: None,
            };
            let linked = LinkedText::join(std::slice::from_ref(&chunk), vars, problems);
            scan(&linked, Some(i), found, problems);
            linked
        })
        .collect()
}

/// Pass 2: resolves every page's references against every page's sections,
/// and records backlinks and where local terms are used. With a `memo`, a
/// page's resolution from the last link is kept while nothing it was made
/// from can have changed, and what is made afresh is remembered.
fn resolve_all<'s>(
    edition: Edition<'s>,
    prepared: Vec<Prepared<'s>>,
    diagnostics: &Diagnostics,
    memo: Option<&LinkMemo>,
) -> LinkedEdition<'s> {
    let reuse = memo.map(|memo| memo.reuse(&prepared));
    let outline = outline_of(prepared.iter().map(|p| &p.page));
    let terms = edition_terms(edition.authority);
    let lookups = Lookups {
        outline: &outline,
        sides: Sides::of(&edition),
        terms: &terms,
    };
    // Diagnostics are sorted when they are printed, so pages can be
    // resolved in any order. Each resolution comes with whether every
    // reference in it resolved (only such a resolution is remembered).
    let resolutions: Vec<(Arc<Resolution>, bool)> = prepared
        .par_iter()
        .map(|p| match reuse.as_ref().and_then(|r| r.resolution(p)) {
            Some(before) => (before, false),
            None => {
                let (resolution, all_resolved) =
                    resolve_page(&p.page, &p.references, &lookups, diagnostics);
                (Arc::new(resolution), all_resolved)
            }
        })
        .collect();
    let ids = || prepared.iter().map(|p| p.page.page.id());
    let backlinks = reuse
        .as_ref()
        .and_then(|r| r.backlinks(&prepared, &resolutions))
        .unwrap_or_else(|| Arc::new(backlinks_of(ids().zip(resolutions.iter().map(|r| &*r.0)))));
    let by_id = reuse.as_ref().and_then(|r| r.by_id()).unwrap_or_else(|| {
        Arc::new(
            ids()
                .enumerate()
                .map(|(i, id)| (id.to_string(), i))
                .collect(),
        )
    });
    let mut unchanged = Vec::new();
    if let (Some(memo), Some(reuse)) = (memo, reuse) {
        memo.remember(&prepared, &resolutions, reuse, (&by_id, &backlinks));
        unchanged = prepared.iter().map(|p| p.unchanged).collect();
    }
    let pages = with_resolutions(prepared, resolutions);
    references::check_urgent_sections(&edition, &pages, diagnostics);
    let term_uses = term_uses(&edition, &pages);
    LinkedEdition {
        edition,
        pages,
        backlinks,
        term_uses,
        by_id,
        unchanged,
    }
}

/// Each page with how its references resolved and its sections as named.
fn with_resolutions<'s>(
    prepared: Vec<Prepared<'s>>,
    resolutions: Vec<(Arc<Resolution>, bool)>,
) -> Vec<LinkedPage<'s>> {
    prepared
        .into_iter()
        .zip(resolutions)
        .map(|(p, (resolution, _))| {
            let mut page = p.page;
            page.links = Arc::clone(&resolution.links);
            page.sections = Arc::clone(&resolution.sections);
            page.outline = resolution.outline;
            page
        })
        .collect()
}

/// For each local term, the ids of the pages where it replaced the model
/// term, in reading order.
fn term_uses(edition: &Edition, pages: &[LinkedPage]) -> BTreeMap<String, Vec<String>> {
    let mut uses = BTreeMap::new();
    let Some(authority) = edition.authority else {
        return uses;
    };
    for model_term in authority.config.terms.keys() {
        let pages_using: Vec<String> = pages
            .iter()
            .filter(|p| {
                crate::text::terms::find_whole_words(&p.text.markdown, model_term)
                    .into_iter()
                    .any(|at| !p.text.is_local(at))
            })
            .map(|p| p.page.id().to_string())
            .collect();
        uses.insert(model_term.clone(), pages_using);
    }
    uses
}

/// A text that stands on no page as it is (the model text an override
/// replaced, or an override's own text, shown on the differences page),
/// joined and linked as if it stood on the page `from`: variables
/// substituted and cross-references resolved against the edition's pages.
/// It reports nothing: the same text is reported where it stands or stood,
/// and a reference that does not resolve is left out of the map (shown as
/// its words).
pub fn link_aside(
    linked: &LinkedEdition,
    chunk: &Chunk,
    from: &str,
) -> (LinkedText, HashMap<String, Resolved>) {
    let vars = Variables::of(&linked.edition);
    let mut ignored = Vec::new();
    let text = LinkedText::join(std::slice::from_ref(chunk), &vars, &mut ignored);
    let outline = outline_of(&linked.pages);
    let sides = Sides::of(&linked.edition);
    let mut found = Scanned::default();
    scan(&text, None, &mut found, &mut ignored);
    let links = found
        .references
        .into_iter()
        .filter_map(|r| {
            let resolved = resolve(&r.dest, from, &outline, sides).ok()?;
            Some((r.dest, resolved))
        })
        .collect();
    (text, links)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::handbook::Model;
    use crate::model::page::Page;
    use crate::stages::load::tests::{model_of, page};
    use crate::stages::overlay::model_edition;

    /// Three pages that link to one another: a home page, `step-1` with a
    /// section, and `step-2`, whose heading names `step-1`'s section.
    pub(super) fn pages() -> Vec<Page> {
        vec![
            page(
                "content/_index.md",
                "---\nid: home\ntitle: Home\n---\nStart at [[step-1]].\n",
            ),
            page(
                "content/step-1.md",
                "---\nid: step-1\ntitle: Step one\nweight: 1\n---\n## Your money {#money}\n\nThen [[step-2|the plan]].\n",
            ),
            page(
                "content/step-2.md",
                "---\nid: step-2\ntitle: Step two\nweight: 2\n---\n## About [[step-1#money]]\n\nBack [home](home).\n",
            ),
        ]
    }

    /// A model of [`pages`] with the page `id` holding `body` instead
    /// (from its fifth line, under four lines of front matter).
    fn model_with(id: &str, body: &str) -> Model {
        let mut pages = pages();
        let text = format!("---\nid: {id}\ntitle: {id}\n---\n{body}");
        let at = pages.iter().position(|p| p.id() == id).unwrap();
        pages[at] = page(&format!("content/{id}.md"), &text);
        model_of(pages)
    }

    /// The model edition of `model`, linked, and the problems found.
    fn linked(model: &Model) -> (LinkedEdition<'_>, Vec<Diagnostic>) {
        let diagnostics = Diagnostics::new();
        let linked = link(model_edition(model, &diagnostics), &diagnostics);
        (linked, diagnostics.into_sorted())
    }

    #[test]
    fn an_edition_resolves_its_references_names_its_headings_and_records_backlinks() {
        let model = model_of(pages());
        let (linked, problems) = linked(&model);
        assert!(problems.is_empty(), "{problems:?}");
        let step_2 = linked.page("step-2").unwrap();
        assert_eq!(
            step_2.links.get("step-1#money"),
            Some(&Resolved::Page {
                page: "step-1".into(),
                section: Some("money".into())
            })
        );
        assert_eq!(step_2.sections[0].title, "About Your money");
        assert_eq!(
            linked.title_of("step-2", Some(&step_2.sections[0].id)),
            Some("About Your money")
        );
        assert_eq!(linked.backlinks["step-1"], ["home", "step-2"]);
        assert_eq!(linked.backlinks["home"], ["step-2"]);
        assert!(!linked.unchanged(0), "linked without a memo");
    }

    #[test]
    fn an_unknown_id_fails_at_its_line_and_column_with_the_closest_ids() {
        let model = model_with("step-2", "First line.\nThen see [[step-l]].\n");
        let (_, problems) = linked(&model);
        let [problem] = &problems[..] else {
            panic!("one problem: {problems:?}");
        };
        assert_eq!(problem.code, "unknown-id");
        assert_eq!(problem.file_path(), Some("content/step-2.md"));
        assert_eq!(problem.line_col(), Some((6, 10)));
        assert_eq!(
            problem.hint.as_deref(),
            Some("did you mean `step-1`, `step-2`?")
        );
    }

    #[test]
    fn a_javascript_address_fails_the_link_at_its_line() {
        let model = model_with("step-1", "Read [this](javascript:alert(1)).\n");
        let (linked, problems) = linked(&model);
        let places: Vec<_> = problems
            .iter()
            .map(|d| (d.code, d.file_path(), d.line_col()))
            .collect();
        assert!(
            places.contains(&("unsafe-address", Some("content/step-1.md"), Some((5, 6)))),
            "{places:?}"
        );
        let step_1 = linked.page("step-1").unwrap();
        assert!(
            step_1.addresses.iter().all(|a| a.checked_here),
            "reported here, left out of the check of the made pages"
        );
    }
}
