//! Sections: the headings of a linked text, the ids they get (the written
//! `{#id}`, or a slug of the text, made unique on the page) and the names
//! they show (local terms applied to model text, a `[[id]]` shown as the
//! title it links to), which sections define the model's terms, and the
//! outline's problems (a second `h1`, a level skipped).
//!
//! It reads headings only: it resolves no reference (it is handed the
//! resolved links and a way to read titles) and changes no text.

use std::collections::HashMap;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::text::LinkedText;
use super::Resolved;
use crate::support::diagnostic::Diagnostic;
use crate::support::fingerprint::Fingerprint;
use crate::text::markdown;

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

/// The headings of joined Markdown with the ids they get: the written
/// `{#id}`, or a slug of the text, made unique on the page.
pub fn headings_of(markdown_text: &str) -> Vec<SectionRef> {
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
                // A heading's `&#16;`: SafetyCheck warns where it is written.
                title: crate::support::characters::publishable(h.text.trim()).into_owned(),
                level: h.level,
            }
        })
        .collect()
}

/// Names each section as its heading reads on the page: local terms
/// applied to model text, and a `[[id]]` shown as the title of what it links
/// to (`title_of(page, section)`), so that "On this page", cross-references,
/// the A to Z and the print contents use the name the heading shows.
pub(super) fn name_sections(
    text: &LinkedText,
    sections: &mut [SectionRef],
    terms: &[(String, String)],
    links: &HashMap<String, Resolved>,
    title_of: &dyn Fn(&str, Option<&str>) -> Option<String>,
) {
    let mut names: Vec<String> = Vec::with_capacity(sections.len());
    let mut current: Option<String> = None;
    // Inside a link whose text is replaced by a title.
    let mut replaced = false;
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        match markdown::as_written(event) {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => names.extend(current.take()),
            _ if current.is_none() => {}
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole: false },
                dest_url,
                ..
            }) => {
                let title = match links.get(dest_url.as_ref()) {
                    Some(Resolved::Page { page, section }) => title_of(page, section.as_deref()),
                    _ => None,
                };
                if let (Some(title), Some(name)) = (title, current.as_mut()) {
                    name.push_str(&title);
                    replaced = true;
                }
            }
            Event::End(TagEnd::Link) => replaced = false,
            Event::Text(_) | Event::Code(_) if replaced => {}
            Event::Text(t) => {
                let name = current.get_or_insert_with(String::new);
                if text.is_local(range.start) {
                    name.push_str(&t);
                    continue;
                }
                for piece in crate::text::terms::apply(&t, terms) {
                    name.push_str(match piece {
                        crate::text::terms::Piece::Plain(p) => p,
                        crate::text::terms::Piece::Term { local, .. } => local,
                    });
                }
            }
            Event::Code(t) => current.get_or_insert_with(String::new).push_str(&t),
            Event::SoftBreak | Event::HardBreak => {
                current.get_or_insert_with(String::new).push(' ');
            }
            _ => {}
        }
    }
    if names.len() != sections.len() {
        return;
    }
    for (section, name) in sections.iter_mut().zip(names) {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        section.title = crate::support::characters::publishable(&name).into_owned();
    }
}

/// Marks the sections that define the model's terms (a page's `glossary:`)
/// as kept as written: a local term never changes what a definition says.
pub(super) fn keep_definitions(
    text: &mut LinkedText,
    glossary: &[crate::model::page::GlossaryEntry],
) {
    let headings = markdown::headings(&text.markdown);
    let sections = headings_of(&text.markdown);
    for (i, section) in sections.iter().enumerate() {
        if !glossary.iter().any(|g| g.section == section.id) {
            continue;
        }
        let start = headings[i].range.0;
        let end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= headings[i].level)
            .map_or(text.markdown.len(), |h| h.range.0);
        text.definitions.push((start, end));
    }
}

/// Reports headings that break a page's outline, as the HTML Standard's
/// headings and WCAG 2.2 (1.3.1, Info and Relationships) read it: a `#`
/// heading, which would be a second `h1` beside the page's title, and a
/// heading more than one level below the one before it (`##` then `####`),
/// which leaves a screen reader's list of headings with a gap.
pub(super) fn check_outline(text: &LinkedText, problems: &mut Vec<Diagnostic>) {
    let mut above = 1;
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        let level = markdown::level_number(level);
        let line_end = text.markdown[range.start..]
            .find('\n')
            .map_or(range.end, |e| range.start + e);
        let place = (range.start, line_end.max(range.start + 1));
        if level == 1 {
            problems.push(text.locate(
                Diagnostic::error(
                    "heading-level",
                    "this `#` heading would be a second main heading (h1) on the page: its title is the only one",
                )
                .hint("start the page's own headings at `##`, and go one level down at a time (`###` under `##`)"),
                place,
            ));
        } else if level > above + 1 {
            problems.push(text.locate(
                Diagnostic::error(
                    "heading-level",
                    format!("this heading is level {level} under a heading of level {above}, so the page's outline skips a level"),
                )
                .hint(format!("make it level {} (`{}`), or add the heading it belongs under", above + 1, "#".repeat(usize::from(above) + 1))),
                place,
            ));
        }
        above = level.max(2);
    }
}

/// See [`super::LinkedPage::outline`].
pub(super) fn outline_fingerprint(id: &str, title: &str, sections: &[SectionRef]) -> [u8; 16] {
    let mut f = Fingerprint::default();
    f.text(id).text(title).number(sections.len() as u64);
    for s in sections {
        f.text(&s.id).text(&s.title).number(u64::from(s.level));
    }
    f.finish()
}
