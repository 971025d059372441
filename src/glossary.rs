//! The glossary of an edition: terms defined on the terminology page (the
//! `glossary:` front matter of any page), and an authority's local terms.
//!
//! Works out each term's definition (the text of the section that defines
//! it) and the pages that use it, and checks that each entry's section
//! exists. It does not decide how terms are linked in running text; the HTML
//! writer does that from the list this module returns.

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::link::LinkedEdition;
use crate::markdown;
use crate::render::file_of;

/// One glossary term.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// The term as readers meet it.
    pub term: String,
    /// Its anchor on the glossary page.
    pub anchor: String,
    /// Its definition, as plain text.
    pub definition: String,
    /// Where the full definition is.
    pub defined_at: String,
    /// The title of the page that defines it.
    pub defined_on_title: String,
    /// The id of the page that defines it.
    pub defined_on: String,
    /// For a local term, the model's term it stands for.
    pub model_term: Option<String>,
    /// Ids and titles of the pages that use it.
    pub used_on: Vec<(String, String)>,
}

/// The glossary of an edition, in alphabetical order.
pub fn of(linked: &LinkedEdition, diagnostics: &Diagnostics) -> Vec<Term> {
    let mut terms = Vec::new();
    for page in &linked.pages {
        for entry in &page.page.meta.glossary {
            let Some(definition) = section_text(&page.text.markdown, &entry.section) else {
                let at = crate::page::find_key(
                    &page.page.file,
                    (0, page.page.file.text.len()),
                    "glossary",
                );
                diagnostics.push(
                    Diagnostic::error(
                        "unknown-glossary-section",
                        format!("the glossary entry `{}` points to a section `{}` this page does not have", entry.term, entry.section),
                    )
                    .at(&page.page.file, at.0, at.1)
                    .hint(did_you_mean(
                        &entry.section,
                        page.sections.iter().map(|s| s.id.as_str()),
                        "use the `{#id}` of the section that defines the term",
                    )),
                );
                continue;
            };
            terms.push(Term {
                term: entry.term.clone(),
                anchor: format!("term-{}", markdown::slug(&entry.term)),
                definition,
                defined_at: format!(
                    "{}#{}",
                    file_of(&linked.edition.home, page.page.id()),
                    entry.section
                ),
                defined_on_title: page.title.clone(),
                defined_on: page.page.id().to_string(),
                model_term: None,
                used_on: Vec::new(),
            });
        }
    }
    if let Some(authority) = linked.edition.authority {
        for (model_term, local_term) in &authority.config.terms {
            terms.push(Term {
                term: local_term.clone(),
                anchor: format!("term-{}", markdown::slug(local_term)),
                definition: format!(
                    "{}'s term for what the model guidance calls “{model_term}”.",
                    authority.config.short_name
                ),
                defined_at: "differences.html#local-terms".to_string(),
                defined_on_title: "Differences from the model".to_string(),
                defined_on: String::new(),
                model_term: Some(model_term.clone()),
                used_on: Vec::new(),
            });
        }
    }
    // Each page's plain text, in lowercase, made once for all the terms.
    let plain: Vec<String> = if terms.is_empty() {
        Vec::new()
    } else {
        linked
            .pages
            .par_iter()
            .map(|p| markdown::plain_text(&p.text.markdown).to_ascii_lowercase())
            .collect()
    };
    for term in &mut terms {
        let search_for = term
            .model_term
            .as_deref()
            .unwrap_or(&term.term)
            .to_ascii_lowercase();
        term.used_on = linked
            .pages
            .iter()
            .zip(&plain)
            .filter(|(p, _)| p.page.id() != term.defined_on)
            .filter(|(_, text)| crate::render::find_lowercase_term(text, &search_for).is_some())
            .map(|(p, _)| (p.page.id().to_string(), p.title.clone()))
            .collect();
    }
    terms.sort_by_key(|t| t.term.to_lowercase());
    terms.dedup_by(|a, b| a.anchor == b.anchor);
    terms
}

/// The plain text of a section (without its heading), found by id.
fn section_text(markdown_text: &str, id: &str) -> Option<String> {
    let headings = markdown::headings(markdown_text);
    let sections = crate::link::sections_of(markdown_text);
    let index = sections.iter().position(|s| s.id == id)?;
    let heading = &headings[index];
    // After the heading, with a setext heading's underline.
    let start = heading.range.1;
    let end = headings[index + 1..]
        .iter()
        .find(|h| h.level <= heading.level)
        .map_or(markdown_text.len(), |h| h.range.0);
    let text = markdown::plain_text(&markdown_text[start..end.max(start)]);
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}
