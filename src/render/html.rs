//! Markdown of one page to HTML: cross-references become relative links,
//! local terms show the model's term in a `title`, the first use of each
//! glossary term links to the glossary, and headings get their ids. The
//! HTML is then passed through the sanitiser's allow-list, so raw HTML an
//! author wrote can carry no script, outside image or other unsafe part.
//!
//! It knows nothing of templates or files; `render` puts the HTML in pages.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};

use crate::link::{LinkedText, Resolved, SectionRef};
use crate::markdown;
use crate::terms::{self, find_lowercase_term, Piece};
use crate::url::file_of;

/// How a page's Markdown becomes HTML.
#[derive(Clone, Copy)]
pub struct HtmlOptions<'a> {
    /// Titles of pages and their sections, by id.
    pub titles: &'a HashMap<String, (String, HashMap<String, String>)>,
    /// Local terms, model → local.
    pub terms: &'a [(String, String)],
    /// In the print view every id is prefixed with its page id.
    pub print_page: Option<&'a str>,
    /// Glossary terms whose first use on a page links to the glossary.
    pub glossary: &'a [GlossaryLink],
    /// The page being rendered (its own terms are not linked to itself).
    pub page_id: &'a str,
    /// The id of the edition's home page, which is written as `index.html`.
    pub home: &'a str,
}

/// A glossary term as the HTML writer links it.
#[derive(Debug, Clone)]
pub struct GlossaryLink {
    /// The term, as written in the glossary.
    pub term: String,
    /// Where the glossary explains it.
    pub href: String,
    /// The page that defines it, where it is not linked.
    pub defined_on: String,
}

/// Links the first use of each glossary term in `text`, emitting events.
fn link_terms<'e>(
    text: &str,
    options: &HtmlOptions,
    used: &mut HashSet<usize>,
    events: &mut Vec<Event<'e>>,
) {
    let mut rest = text;
    let terms: Vec<String> = options
        .glossary
        .iter()
        .map(|g| g.term.to_ascii_lowercase())
        .collect();
    loop {
        let lower = rest.to_ascii_lowercase();
        let next = options
            .glossary
            .iter()
            .enumerate()
            .filter(|(i, g)| !used.contains(i) && g.defined_on != options.page_id)
            .filter_map(|(i, _)| find_lowercase_term(&lower, &terms[i]).map(|r| (r, i)))
            .min_by_key(|((start, end), _)| (*start, std::cmp::Reverse(*end)));
        let Some(((start, end), i)) = next else {
            if !rest.is_empty() {
                events.push(Event::Text(CowStr::from(rest.to_string())));
            }
            return;
        };
        // Every term inside the matched words counts as used too.
        let matched = &rest[start..end];
        for (j, term) in terms.iter().enumerate() {
            if find_lowercase_term(&lower[start..end], term).is_some() {
                used.insert(j);
            }
        }
        used.insert(i);
        if start > 0 {
            events.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        events.push(Event::InlineHtml(CowStr::from(format!(
            "<a class=\"glossary-term\" href=\"{}\">{}</a>",
            escape(&options.glossary[i].href),
            escape(matched)
        ))));
        rest = &rest[end..];
    }
}

fn href_for(resolved: &Resolved, options: &HtmlOptions) -> Option<String> {
    match resolved {
        Resolved::Removed => None,
        Resolved::Page { page, section } => Some(match (options.print_page, section) {
            (Some(_), Some(s)) => format!("#{page}--{s}"),
            (Some(_), None) => format!("#{page}"),
            (None, Some(s)) => format!("{}#{s}", file_of(options.home, page)),
            (None, None) => file_of(options.home, page),
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
pub fn to_html(
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
    let mut used_terms: HashSet<usize> = HashSet::new();
    let mut link_depth = 0usize;
    let mut in_heading = false;
    let mut dropped_links: Vec<bool> = Vec::new();
    let prefix = |id: &str| match options.print_page {
        Some(page) => format!("{page}--{id}"),
        None => id.to_string(),
    };
    let mut nesting = markdown::Nesting::default();
    let mut marker = super::marks::Marker::default();
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let event = super::marks::scrub(event);
        marker.see(text, &event, range.start, &mut events);
        nesting.see(&event);
        if nesting.too_deep() {
            // The link stage has reported it as an error, so this is never published.
            return "<p>This text is nested too deeply to show.</p>\n".to_string();
        }
        match event {
            Event::End(TagEnd::Heading(level)) => {
                in_heading = false;
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                in_heading = true;
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
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                link_depth += 1;
                let internal = matches!(link_type, LinkType::WikiLink { .. })
                    || links.contains_key(dest_url.as_ref());
                if !internal {
                    dropped_links.push(false);
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
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
                link_depth = link_depth.saturating_sub(1);
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
            // Footnote ids start with a letter ("fn-1", not "1"): valid in CSS
            // selectors and apart from section ids.
            Event::FootnoteReference(label) => {
                events.push(Event::FootnoteReference(
                    prefix(&format!("fn-{label}")).into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                events.push(Event::Start(Tag::FootnoteDefinition(
                    prefix(&format!("fn-{label}")).into(),
                )));
            }
            Event::Text(t) => {
                if replacing_text {
                    continue;
                }
                if in_code {
                    events.push(Event::Text(t));
                    continue;
                }
                let link_glossary = link_depth == 0 && !in_heading && options.print_page.is_none();
                let no_terms: &[(String, String)] = &[];
                let local_terms = if text.is_local(range.start) {
                    no_terms
                } else {
                    options.terms
                };
                for piece in terms::apply(&t, local_terms) {
                    match piece {
                        Piece::Plain(p) if link_glossary => link_terms(p, options, &mut used_terms, &mut events),
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
    marker.finish(&mut events);
    let mut html = String::with_capacity(text.markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Raw HTML the author wrote goes through the allow-list; what the
    // renderer wrote passes it unchanged. The council's text is then marked.
    super::marks::dress(crate::sanitize::clean(&html), text)
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
