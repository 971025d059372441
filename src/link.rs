//! Stage 3, link: resolve what Markdown text refers to, across one edition.
//!
//! Joins each page's chunks into one Markdown text (remembering where every
//! byte came from), substitutes `{{ authority.name }}` and `{{ vars.NAME }}`,
//! gives every heading an id, and checks every cross-reference (`[[id]]`,
//! `[[id#section|text]]`, `[text](id)`) against the edition's pages and
//! sections. Unknown names and ids are errors pointing at the file and line
//! they were written on, with the closest names suggested. It also records
//! backlinks and where local terms are used.
//!
//! It does not produce HTML (`render` does), and changes no page's text
//! beyond variable substitution.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use pulldown_cmark::{Event, LinkType, Parser, Tag};
use rayon::prelude::*;

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::markdown;
use crate::overlay::{Chunk, Edition, EditionPage};

/// A point in joined Markdown and the file position it came from.
#[derive(Debug, Clone)]
struct Anchor {
    at: usize,
    file: Arc<SourceFile>,
    offset: usize,
}

/// Markdown joined from chunks, with variables substituted, that can say
/// where any byte came from.
#[derive(Debug, Clone, Default)]
pub struct LinkedText {
    /// The Markdown.
    pub markdown: String,
    /// Byte ranges of `markdown` that are the authority's own text.
    pub local_ranges: Vec<(usize, usize)>,
    anchors: Vec<Anchor>,
}

impl LinkedText {
    /// Joins chunks, substituting variables. Unknown variables are reported.
    pub fn join(chunks: &[Chunk], vars: &Variables, problems: &mut Vec<Diagnostic>) -> Self {
        let mut out = LinkedText::default();
        for chunk in chunks {
            let start = out.markdown.len();
            substitute(chunk, vars, &mut out, problems);
            if chunk.local {
                out.local_ranges.push((start, out.markdown.len()));
            }
        }
        out
    }

    /// The file and byte offset a position of the joined Markdown came from.
    pub fn origin(&self, at: usize) -> Option<(&Arc<SourceFile>, usize)> {
        let i = self
            .anchors
            .partition_point(|a| a.at <= at)
            .checked_sub(1)?;
        let anchor = &self.anchors[i];
        Some((&anchor.file, anchor.offset + (at - anchor.at)))
    }

    /// Points a diagnostic at the source of a range of the joined Markdown.
    pub fn locate(&self, diagnostic: Diagnostic, range: (usize, usize)) -> Diagnostic {
        match self.origin(range.0) {
            Some((file, offset)) => {
                let len = range.1.saturating_sub(range.0);
                let end = (offset + len).min(file.text.len());
                diagnostic.at(file, offset.min(file.text.len()), end)
            }
            None => diagnostic,
        }
    }

    /// Whether a position is inside the authority's own text.
    pub fn is_local(&self, at: usize) -> bool {
        self.local_ranges.iter().any(|&(a, b)| at >= a && at < b)
    }
}

/// The values `{{ … }}` can name in an edition.
#[derive(Debug, Default)]
pub struct Variables {
    values: BTreeMap<String, String>,
}

impl Variables {
    /// The variables of an edition: `authority.name`, `authority.short_name`
    /// and `vars.NAME` for each entry of `variables:`.
    pub fn of(edition: &Edition) -> Self {
        let mut values = BTreeMap::new();
        if let Some(authority) = edition.authority {
            values.insert("authority.name".to_string(), authority.config.name.clone());
            values.insert(
                "authority.short_name".to_string(),
                authority.config.short_name.clone(),
            );
            for (k, v) in &authority.config.variables {
                values.insert(format!("vars.{k}"), v.clone());
            }
        }
        Self { values }
    }
}

fn substitute(
    chunk: &Chunk,
    vars: &Variables,
    out: &mut LinkedText,
    problems: &mut Vec<Diagnostic>,
) {
    let text = chunk.text();
    let mut rest_start = 0;
    let anchor = |out: &mut LinkedText, offset: usize| {
        out.anchors.push(Anchor {
            at: out.markdown.len(),
            file: Arc::clone(&chunk.file),
            offset: chunk.range.0 + offset,
        });
    };
    anchor(out, 0);
    let mut search = 0;
    while let Some(open) = text[search..].find("{{").map(|i| search + i) {
        let Some(close) = text[open..].find("}}").map(|i| open + i) else {
            break;
        };
        let name = text[open + 2..close].trim();
        if name.contains('\n') || name.len() > 100 {
            search = open + 2;
            continue;
        }
        out.markdown.push_str(&text[rest_start..open]);
        match vars.values.get(name) {
            Some(value) => out.markdown.push_str(&escape_markdown(value)),
            None => {
                let hint = if vars.values.is_empty() {
                    "variables belong to an authority's edition; the model has none".to_string()
                } else {
                    did_you_mean(
                        name,
                        vars.values.keys().map(String::as_str),
                        "use `authority.name`, `authority.short_name` or `vars.NAME` with a NAME listed under `variables:` in authority.yaml",
                    )
                };
                problems.push(
                    Diagnostic::error(
                        "unknown-variable",
                        format!("`{{{{ {name} }}}}` names no variable"),
                    )
                    .at(&chunk.file, chunk.range.0 + open, chunk.range.0 + close + 2)
                    .hint(hint),
                );
                out.markdown.push_str(&text[open..close + 2]);
            }
        }
        rest_start = close + 2;
        search = rest_start;
        anchor(out, rest_start);
    }
    out.markdown.push_str(&text[rest_start..]);
}

/// Escapes the characters that would make a variable's value act as Markdown.
fn escape_markdown(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A heading of a linked page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SectionRef {
    /// Its id on the page.
    pub id: String,
    /// Its text.
    pub title: String,
    /// 2 for `##`, 3 for `###`, …
    pub level: u8,
}

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
}

/// A page with its text linked.
#[derive(Debug)]
pub struct LinkedPage<'s> {
    /// The overlaid page.
    pub page: EditionPage<'s>,
    /// Its body.
    pub text: LinkedText,
    /// Its headings, in order, with the ids they get.
    pub sections: Vec<SectionRef>,
    /// Cross-references by their destination as written (`step-3#x`), resolved.
    pub links: HashMap<String, Resolved>,
    /// Examples shown on this page, linked.
    pub examples: Vec<LinkedText>,
}

/// An edition whose cross-references all resolve.
#[derive(Debug)]
pub struct LinkedEdition<'s> {
    /// The edition's pages and settings.
    pub edition: Edition<'s>,
    /// Pages in reading order.
    pub pages: Vec<LinkedPage<'s>>,
    /// For each page id, the pages that link to it, in reading order.
    pub backlinks: HashMap<String, Vec<String>>,
    /// For each local term, the ids of the pages where it replaced the model term.
    pub term_uses: BTreeMap<String, Vec<String>>,
}

impl<'s> LinkedEdition<'s> {
    /// A page by id.
    pub fn page(&self, id: &str) -> Option<&LinkedPage<'s>> {
        self.pages.iter().find(|p| p.page.id() == id)
    }
}

/// Whether a Markdown link destination names a handbook id (`step-3`,
/// `step-3#x`, `#x`) rather than a file or an outside address.
pub fn is_id_reference(dest: &str) -> bool {
    let (page, section) = dest.split_once('#').unwrap_or((dest, ""));
    (page.is_empty() || markdown::is_valid_id(page))
        && (section.is_empty() || !section.contains(['/', ':', ' ']))
        && !(page.is_empty() && section.is_empty())
}

/// Links an edition.
pub fn link<'s>(mut edition: Edition<'s>, diagnostics: &Diagnostics) -> LinkedEdition<'s> {
    let vars = Variables::of(&edition);
    let pages = std::mem::take(&mut edition.pages);
    // Pass 1: join text, substitute variables, find headings and references.
    let prepared: Vec<(LinkedPage<'s>, Vec<Reference>)> = pages
        .into_par_iter()
        .map(|page| {
            let mut problems = Vec::new();
            let text = LinkedText::join(&page.chunks, &vars, &mut problems);
            let sections = sections_of(&text.markdown);
            let mut references = references_in(&text, None);
            let examples = page
                .examples
                .iter()
                .map(|ex| {
                    let chunk = Chunk {
                        file: Arc::clone(&ex.file),
                        range: (ex.body_start, ex.file.text.len()),
                        local: true,
                    };
                    let linked =
                        LinkedText::join(std::slice::from_ref(&chunk), &vars, &mut problems);
                    references.extend(references_in(&linked, Some(references_len(&references))));
                    linked
                })
                .collect();
            diagnostics.extend(problems);
            (
                LinkedPage {
                    page,
                    text,
                    sections,
                    links: HashMap::new(),
                    examples,
                },
                references,
            )
        })
        .collect();

    // Pass 2: resolve references against every page's sections.
    let index: HashMap<&str, &[SectionRef]> = prepared
        .iter()
        .map(|(p, _)| (p.page.id(), p.sections.as_slice()))
        .collect();
    let mut resolved_all: Vec<HashMap<String, Resolved>> = Vec::with_capacity(prepared.len());
    for (page, references) in &prepared {
        let mut resolved = HashMap::new();
        for reference in references {
            let text = reference.text(page);
            match resolve(&reference.dest, page.page.id(), &index, &edition) {
                Ok(r) => {
                    resolved.insert(reference.dest.clone(), r);
                }
                Err((message, hint)) => diagnostics.push(text.locate(
                    Diagnostic::error("unknown-id", message).hint(hint),
                    reference.range,
                )),
            }
        }
        resolved_all.push(resolved);
    }

    let mut backlinks: HashMap<String, Vec<String>> = HashMap::new();
    let mut linked_pages = Vec::with_capacity(prepared.len());
    for ((mut page, _), resolved) in prepared.into_iter().zip(resolved_all) {
        let targets: BTreeSet<&str> = resolved
            .values()
            .filter_map(|r| match r {
                Resolved::Page { page: target, .. } if target != page.page.id() => {
                    Some(target.as_str())
                }
                _ => None,
            })
            .collect();
        for target in targets {
            backlinks
                .entry(target.to_string())
                .or_default()
                .push(page.page.id().to_string());
        }
        page.links = resolved;
        linked_pages.push(page);
    }

    let term_uses = term_uses(&edition, &linked_pages);
    LinkedEdition {
        edition,
        pages: linked_pages,
        backlinks,
        term_uses,
    }
}

/// A cross-reference found in text: its destination and where it is.
#[derive(Debug)]
struct Reference {
    dest: String,
    range: (usize, usize),
    /// `None` for the page body, `Some(i)` for the i-th example.
    example: Option<usize>,
}

impl Reference {
    fn text<'a>(&self, page: &'a LinkedPage) -> &'a LinkedText {
        match self.example {
            Some(i) => &page.examples[i],
            None => &page.text,
        }
    }
}

fn references_len(references: &[Reference]) -> usize {
    references
        .iter()
        .filter_map(|r| r.example)
        .max()
        .map_or(0, |m| m + 1)
}

fn references_in(text: &LinkedText, example: Option<usize>) -> Vec<Reference> {
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        if let Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) = event
        {
            let wiki = matches!(link_type, LinkType::WikiLink { .. });
            if wiki
                || (matches!(
                    link_type,
                    LinkType::Inline
                        | LinkType::Reference
                        | LinkType::Collapsed
                        | LinkType::Shortcut
                ) && is_id_reference(&dest_url))
            {
                found.push(Reference {
                    dest: dest_url.to_string(),
                    range: (range.start, range.end),
                    example,
                });
            }
        }
    }
    found
}

fn resolve(
    dest: &str,
    from: &str,
    index: &HashMap<&str, &[SectionRef]>,
    edition: &Edition,
) -> Result<Resolved, (String, String)> {
    let (page, section) = match dest.split_once('#') {
        Some((page, section)) => (if page.is_empty() { from } else { page }, Some(section)),
        None => (dest, None),
    };
    let Some(sections) = index.get(page) else {
        let broken = edition.model.broken_ids.contains(page)
            || edition
                .authority
                .is_some_and(|a| a.broken_page_ids.contains(page));
        if edition.model.pages.contains_key(page) || broken {
            // Removed by this edition, or in a file whose own error is already reported.
            return Ok(Resolved::Removed);
        }
        return Err((
            format!("there is no page with the id `{page}`"),
            did_you_mean(
                page,
                index.keys().copied(),
                "check the id on the page you mean (its `id:` line)",
            ),
        ));
    };
    let Some(section) = section else {
        return Ok(Resolved::Page {
            page: page.to_string(),
            section: None,
        });
    };
    if sections.iter().any(|s| s.id == section) {
        return Ok(Resolved::Page {
            page: page.to_string(),
            section: Some(section.to_string()),
        });
    }
    let in_model = edition
        .model
        .pages
        .get(page)
        .is_some_and(|p| p.section(section).is_some());
    if in_model {
        // The authority removed this section: link to the page instead.
        return Ok(Resolved::Page {
            page: page.to_string(),
            section: None,
        });
    }
    Err((
        format!("the page `{page}` has no section `{section}`"),
        did_you_mean(
            section,
            sections.iter().map(|s| s.id.as_str()),
            &format!(
                "its sections are: {}",
                sections
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    ))
}

/// The headings of joined Markdown with the ids they get: the written
/// `{#id}`, or a slug of the text, made unique on the page.
pub fn sections_of(markdown_text: &str) -> Vec<SectionRef> {
    let mut seen = std::collections::HashSet::new();
    markdown::headings(markdown_text)
        .into_iter()
        .map(|h| {
            let base = h
                .explicit_id
                .clone()
                .unwrap_or_else(|| markdown::slug(&h.text));
            let mut id = base.clone();
            let mut n = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            SectionRef {
                id,
                title: h.text.trim().to_string(),
                level: h.level,
            }
        })
        .collect()
}

fn term_uses(edition: &Edition, pages: &[LinkedPage]) -> BTreeMap<String, Vec<String>> {
    let mut uses = BTreeMap::new();
    let Some(authority) = edition.authority else {
        return uses;
    };
    for model_term in authority.config.terms.keys() {
        let pages_using: Vec<String> = pages
            .iter()
            .filter(|p| {
                crate::terms::find_whole_words(&p.text.markdown, model_term)
                    .into_iter()
                    .any(|at| !p.text.is_local(at))
            })
            .map(|p| p.page.id().to_string())
            .collect();
        uses.insert(model_term.clone(), pages_using);
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_references_are_told_from_files_and_addresses() {
        assert!(is_id_reference("step-3"));
        assert!(is_id_reference("step-3#good-plan-checklist"));
        assert!(is_id_reference("#social-work-role"));
        assert!(!is_id_reference("https://example.org"));
        assert!(!is_id_reference("file.html"));
        assert!(!is_id_reference("mailto:a@b.example"));
    }

    #[test]
    fn variables_are_substituted_and_unknown_ones_reported_at_their_line() {
        let file = SourceFile::new(
            "o.md",
            "---\n---\nCall {{ vars.phone }} or {{ vars.fone }}.\n",
        );
        let chunk = Chunk {
            file: Arc::clone(&file),
            range: (8, file.text.len()),
            local: true,
        };
        let mut values = BTreeMap::new();
        values.insert("vars.phone".to_string(), "01632 960000".to_string());
        let vars = Variables { values };
        let mut problems = Vec::new();
        let text = LinkedText::join(&[chunk], &vars, &mut problems);
        assert!(text.markdown.starts_with("Call 01632 960000 or"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line_col(), Some((3, 26)));
        assert!(problems[0].hint.as_deref().unwrap().contains("vars.phone"));
        // Positions after a substitution still map to the right place in the file.
        let at = text.markdown.find("or").unwrap();
        let (_, offset) = text.origin(at).unwrap();
        assert_eq!(&file.text[offset..offset + 2], "or");
    }
}
