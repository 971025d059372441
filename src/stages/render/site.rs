//! The values of the site pages Handbook makes itself (`url::SITE_PAGES`):
//! the glossary, what's changed, the examples index and the differences page;
//! and the list of editions written above several editions.
//!
//! It gathers values only; the renderer puts them through the templates.

use std::collections::HashMap;

use serde::Serialize;

use super::context::{link_item, LinkItem};
use crate::model::authority::Action;
use crate::stages::analyses::differences::{self, Difference};
use crate::stages::analyses::glossary::Term;
use crate::stages::link::LinkedEdition;
use crate::stages::overlay::Origin;
use crate::support::url::file_of;

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
    /// The language of the title, when not the page's.
    pub lang: Option<&'static str>,
    /// Whether it is the first entry of its date (a new date's heading).
    #[serde(default)]
    pub new_date: bool,
    /// Whether the note is in the theme's words (in the page's language),
    /// not an author's.
    #[serde(default)]
    pub worded: bool,
    /// For a release's entry, the pages whose text it changed, in reading
    /// order (the amendments list of the release); empty for the first
    /// release and for a page's own change.
    pub pages: Vec<super::versions::ReleasePage>,
}

/// The anchor on "What's changed" of the heading of a day (`YYYY-MM-DD`),
/// which a page's "Last updated" links to.
pub(super) fn day_anchor(iso_date: &str) -> String {
    format!("day-{iso_date}")
}

/// Marks, in entries newest first, the first of each date (under which
/// the day's heading stands).
pub(super) fn mark_entries(entries: &mut [ChangeEntry]) {
    let mut last_date = String::new();
    for e in entries.iter_mut() {
        e.new_date = e.iso_date != last_date;
        last_date.clone_from(&e.iso_date);
    }
}

/// Every dated change of an edition, newest first.
pub fn change_entries(
    linked: &LinkedEdition,
    strings: &crate::model::language::Strings,
) -> Vec<ChangeEntry> {
    let entry = |c: &crate::model::page::Change, title: &str, href: String| ChangeEntry {
        date: strings.long_date(c.date),
        iso_date: c.date.to_string(),
        title: title.to_string(),
        href,
        note: c.note.clone(),
        lang: None,
        new_date: false,
        worded: false,
        pages: Vec::new(),
    };
    // A review date with no note of its own still changes "Last updated":
    // it is listed too, in words.
    let reviewed =
        |date: jiff::civil::Date, changes: &[crate::model::page::Change], note: String| {
            (!changes.iter().any(|c| c.date == date))
                .then_some(crate::model::page::Change { date, note })
        };
    let mut entries: Vec<(jiff::civil::Date, ChangeEntry)> = Vec::new();
    if let Some(authority) = linked.edition.authority {
        for c in &authority.config.changes {
            entries.push((
                c.date,
                entry(c, &authority.config.name, "index.html".into()),
            ));
        }
    }
    for p in &linked.pages {
        let meta = p.page.meta;
        let review = meta.last_reviewed.and_then(|d| {
            reviewed(
                d,
                &meta.changes,
                strings.get("change_page_reviewed").to_string(),
            )
        });
        for c in meta.changes.iter().chain(&review) {
            let href = file_of(&linked.edition.home, p.page.id());
            let mut change = entry(c, &p.title, href);
            change.lang = linked.edition.foreign(&p.page.file);
            change.worded = std::ptr::eq(c, review.as_ref().map_or(std::ptr::null(), |r| r));
            entries.push((c.date, change));
        }
    }
    // The council's own text changes the pages it stands on.
    for applied in &linked.edition.applied {
        let over = applied.over;
        let (title, href) = match linked.page(&over.target.page) {
            Some(p) => (p.title.as_str(), file_of(&linked.edition.home, p.page.id())),
            None => (
                applied.page_title.as_str(),
                format!("differences.html#{}", applied.anchor),
            ),
        };
        let (by, _) = linked.edition.whose(applied);
        let council = by.as_str();
        let place = applied
            .section_title
            .as_deref()
            .unwrap_or(&applied.page_title);
        let review = over.governance.last_reviewed.and_then(|d| {
            let key = match over.action {
                Action::Note => "change_override_note",
                Action::Remove => "change_override_removed",
                _ => "change_override_local",
            };
            let note = strings.fill(key, &[("council", council), ("place", place)]);
            reviewed(d, &over.governance.changes, note)
        });
        for c in over.governance.changes.iter().chain(&review) {
            let mut change = entry(c, title, href.clone());
            change.worded = std::ptr::eq(c, review.as_ref().map_or(std::ptr::null(), |r| r));
            entries.push((c.date, change));
        }
    }
    for ex in &linked.edition.examples {
        let title = linked
            .example_settings(&ex.id)
            .map_or(ex.title.as_str(), |s| s.title.as_str());
        let review = ex.governance.last_reviewed.and_then(|d| {
            let note = strings.fill("change_example_reviewed", &[("title", title)]);
            reviewed(d, &ex.governance.changes, note)
        });
        for c in ex.governance.changes.iter().chain(&review) {
            let mut change = entry(c, title, format!("examples.html#{}", ex.id));
            change.worded = std::ptr::eq(c, review.as_ref().map_or(std::ptr::null(), |r| r));
            entries.push((c.date, change));
        }
    }
    // Newest first; a stable sort keeps file order within a day.
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    entries.into_iter().map(|(_, e)| e).collect()
}

/// A glossary term as the glossary page shows it.
#[derive(Debug, Serialize)]
pub(super) struct GlossaryContext {
    term: String,
    anchor: String,
    definition: String,
    defined_at: String,
    defined_on_title: String,
    model_term: Option<String>,
    used_on: Vec<LinkItem>,
    /// The language of the term and its definition, when not the page's.
    lang: Option<&'static str>,
    /// The language of the term alone, when not the page's: a council's
    /// local term (an English word) on a site in another language, whose
    /// definition is worded in the site's language.
    term_lang: Option<&'static str>,
    /// For a term defined by the same words as another (“Personal Budget
    /// Holder” by the definition of “citizen”), that term: the glossary
    /// says "see …" rather than repeat the definition.
    see: Option<SeeTerm>,
    /// A local term's definition on a site in another language, cut
    /// around the model's term it names (an English word inside a sentence
    /// in the site's language), so that the term alone is marked English
    /// (WCAG 3.1.2, language of parts).
    definition_parts: Option<DefinitionParts>,
}

/// A definition cut around a term it names.
#[derive(Debug, Serialize)]
pub(super) struct DefinitionParts {
    before: String,
    term: String,
    after: String,
}

/// `definition` cut before and after `term` where it stands in it (the
/// first time).
fn cut_around(definition: &str, term: &str) -> Option<DefinitionParts> {
    let at = definition.find(term)?;
    let end = at + term.len();
    Some(DefinitionParts {
        before: definition[..at].to_string(),
        term: term.to_string(),
        after: definition[end..].to_string(),
    })
}

/// The term whose definition another term shares.
#[derive(Debug, Serialize)]
pub(super) struct SeeTerm {
    term: String,
    anchor: String,
}

/// For each term, the term that holds the definition it shares, if it is
/// another: of the terms one section defines, the one named like the
/// section (else the first its page lists) holds it.
fn shared_definitions(terms: &[Term]) -> Vec<Option<SeeTerm>> {
    let holder = |t: &Term| -> Option<&Term> {
        let sharing: Vec<&Term> = terms
            .iter()
            .filter(|o| o.defined_at == t.defined_at)
            .collect();
        if sharing.len() < 2 || t.model_term.is_some() {
            return None;
        }
        let section = t.defined_at.rsplit('#').next().unwrap_or_default();
        sharing
            .iter()
            .find(|o| crate::text::markdown::slug(&o.term) == section)
            .or_else(|| sharing.iter().min_by_key(|o| o.listed))
            .copied()
    };
    terms
        .iter()
        .map(|t| {
            holder(t).filter(|h| h.anchor != t.anchor).map(|h| SeeTerm {
                term: h.term.clone(),
                anchor: h.anchor.clone(),
            })
        })
        .collect()
}

/// The glossary page's terms (a council's local term described in the
/// site's words by the glossary stage).
pub(super) fn glossary(linked: &LinkedEdition, terms: &[Term]) -> Vec<GlossaryContext> {
    // A council's terms are English words, which a site in another
    // language marks as such.
    let english = linked
        .edition
        .lang
        .map(|_| crate::model::language::Lang::En.code());
    terms
        .iter()
        .zip(shared_definitions(terms))
        .map(|(t, see)| GlossaryContext {
            see,
            term: t.term.clone(),
            anchor: t.anchor.clone(),
            definition: t.definition.clone(),
            definition_parts: english
                .and(t.model_term.as_deref())
                .and_then(|model_term| cut_around(&t.definition, model_term)),
            term_lang: match t.model_term {
                Some(_) => english,
                None => None,
            },
            defined_at: t.defined_at.clone(),
            defined_on_title: t.defined_on_title.clone(),
            model_term: t.model_term.clone(),
            // The language of the section that defines it.
            lang: linked.page(&t.defined_on).and_then(|p| {
                let section = t.defined_at.rsplit_once('#').map(|(_, s)| s);
                match p.sections.iter().find(|s| Some(s.id.as_str()) == section) {
                    Some(s) => s.lang,
                    None => linked.edition.foreign(&p.page.file),
                }
            }),
            used_on: t
                .used_on
                .iter()
                .map(|(id, title)| LinkItem {
                    title: title.clone(),
                    href: file_of(&linked.edition.home, id),
                    lang: linked
                        .page(id)
                        .and_then(|p| linked.edition.foreign(&p.page.title_file)),
                })
                .collect(),
        })
        .collect()
}

/// Where each example is first shown: its page's index and its place there.
pub(super) fn first_showings<'l>(linked: &'l LinkedEdition) -> HashMap<&'l str, (usize, usize)> {
    let mut shown_on = HashMap::new();
    for (i, p) in linked.pages.iter().enumerate() {
        for (at, ex) in p.page.examples.iter().enumerate() {
            shown_on.entry(ex.id.as_str()).or_insert((i, at));
        }
    }
    shown_on
}

/// A local term as the differences page lists it.
#[derive(Debug, Serialize)]
pub(super) struct TermUse {
    model: String,
    local: String,
    /// The language of both terms (English words), when not the site's.
    lang: Option<&'static str>,
    pages: Vec<LinkItem>,
}

/// The differences page's values, by name.
pub(super) struct DifferencesValues {
    pub differences: Vec<Difference>,
    pub removed: Vec<Difference>,
    pub terms: Vec<TermUse>,
    pub local_pages: Vec<LinkItem>,
    pub layers: Vec<LayerListed>,
}

/// A layer the edition builds on, as the differences page lists it.
#[derive(Debug, Serialize)]
pub(super) struct LayerListed {
    anchor: String,
    publisher: String,
    pages: Vec<LinkItem>,
}

/// What the differences page lists.
pub(super) fn differences(linked: &LinkedEdition, terms: &[(String, String)]) -> DifferencesValues {
    let differences: Vec<Difference> = differences::of(linked);
    let removed = differences
        .iter()
        .filter(|d| d.action == Action::Remove.word())
        .cloned()
        .collect();
    let terms = linked
        .term_uses
        .iter()
        .map(|(model_term, ids)| TermUse {
            lang: linked
                .edition
                .lang
                .map(|_| crate::model::language::Lang::En.code()),
            model: model_term.clone(),
            local: terms
                .iter()
                .find(|(m, _)| m == model_term)
                .map(|(_, l)| l.clone())
                .unwrap_or_default(),
            pages: ids.iter().filter_map(|id| link_item(linked, id)).collect(),
        })
        .collect();
    let local_pages = linked
        .pages
        .iter()
        .filter(|p| p.page.origin == Origin::Local)
        .filter_map(|p| link_item(linked, p.page.id()))
        .collect();
    let layers = linked
        .edition
        .layers
        .iter()
        .map(|layer| LayerListed {
            anchor: crate::stages::overlay::layer_anchor(layer),
            publisher: layer.config.publisher().to_string(),
            pages: layer
                .pages
                .iter()
                .filter_map(|p| link_item(linked, p.id()))
                .collect(),
        })
        .collect();
    DifferencesValues {
        differences,
        removed,
        terms,
        local_pages,
        layers,
    }
}

/// One edition in the list of editions.
#[derive(Debug, Serialize)]
pub(super) struct EditionLink<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub href: String,
    pub demonstration: bool,
    /// The edition's other languages' sites.
    pub languages: Vec<LanguageLink>,
}

/// A link to an edition's site in another language.
#[derive(Debug, Serialize)]
pub(super) struct LanguageLink {
    pub code: &'static str,
    pub html: &'static str,
    pub name: &'static str,
    pub href: String,
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
    engine: &crate::model::theme::Engine,
    diagnostics: &crate::support::diagnostic::Diagnostics,
) -> Option<Vec<u8>> {
    let list: Vec<EditionLink> = editions
        .iter()
        .map(|e| EditionLink {
            slug: e.slug,
            name: e.name,
            href: format!("{}/index.html", e.slug),
            demonstration: e.demonstration,
            languages: e
                .other_languages
                .iter()
                .map(|l| LanguageLink {
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
