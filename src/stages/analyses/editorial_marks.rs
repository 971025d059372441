//! What the editors of a handbook added to In Control's text when they
//! transcribed it into pages, found from the markings in the model's
//! Markdown, so the list on the credits page cannot drift from the text:
//!
//! - a heading they added: `### Sources of help {#sources-of-help .editorial}`;
//! - a passage they added: `<div class="editorial">`, a blank line, the
//!   Markdown, a blank line, `</div>`;
//! - a note of theirs inside In Control's text:
//!   `www.in-control.org.uk <span class="editorial">2009 address</span>`;
//! - a cross-reference (`[[id]]`, `[[id|words]]`, `[words](id)`) in In
//!   Control's text outside their passages: a link they made from In
//!   Control's words.
//!
//! Changes no marking can show (text moved, a list made into sections) are
//! listed in `handbook.yaml` under `editorial_changes`. `render` shows the
//! markings to readers and the list on the credits page; this module only
//! reads Markdown.

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::text::markdown;

/// What kind of editorial change a marking records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditorialKind {
    /// A heading the editors added.
    Heading,
    /// A passage the editors added.
    Passage,
    /// A note of the editors' inside In Control's text.
    Note,
    /// A link the editors made from In Control's words.
    Link,
}

/// One editorial change found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What kind.
    pub kind: EditorialKind,
    /// Its words (a passage's first words, ending in `…` when cut).
    pub text: String,
    /// Byte offset in the text where it starts.
    pub at: usize,
    /// For a link, where it points, as written (`step-2`, `about#context`).
    pub target: Option<String>,
}

/// How many words of a passage the list quotes.
const QUOTED_WORDS: usize = 14;

/// The editorial changes marked in a model page's Markdown, in order.
pub fn in_text(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    // The change whose words are being gathered, and how deep in its
    // element (raw HTML `div`/`span`) the parser is.
    let mut open: Option<(Found, usize)> = None;
    for (event, range) in Parser::new_ext(text, markdown::options()).into_offset_iter() {
        if let Some((change, depth)) = open.as_mut() {
            let ends = match (&event, change.kind) {
                (Event::End(TagEnd::Heading(_)), EditorialKind::Heading) => true,
                (Event::End(TagEnd::Link), EditorialKind::Link) => *depth == 0,
                (
                    Event::Html(h) | Event::InlineHtml(h),
                    EditorialKind::Passage | EditorialKind::Note,
                ) => {
                    *depth = (*depth as isize + crate::text::sanitize::nesting_change(h).0).max(0)
                        as usize;
                    *depth == 0
                }
                (Event::Start(Tag::Link { .. }), EditorialKind::Link) => {
                    *depth += 1;
                    false
                }
                (Event::End(TagEnd::Link), _) if *depth > 0 => {
                    *depth -= 1;
                    false
                }
                _ => false,
            };
            match &event {
                Event::Text(t) | Event::Code(t) => change.text.push_str(t),
                Event::SoftBreak | Event::HardBreak | Event::End(_) => change.text.push(' '),
                _ => {}
            }
            if ends {
                if let Some((change, _)) = open.take() {
                    found.push(tidy(change));
                }
            }
            continue;
        }
        let start = |kind, target: Option<String>| {
            Some((
                Found {
                    kind,
                    text: String::new(),
                    at: range.start,
                    target,
                },
                usize::from(matches!(kind, EditorialKind::Passage | EditorialKind::Note)),
            ))
        };
        open = match &event {
            Event::Start(Tag::Heading { classes, .. })
                if classes.iter().any(|c| c.as_ref() == "editorial") =>
            {
                start(EditorialKind::Heading, None)
            }
            Event::Html(h) if opens(h, "div") => start(EditorialKind::Passage, None),
            Event::InlineHtml(h) if opens(h, "span") => start(EditorialKind::Note, None),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if matches!(link_type, LinkType::WikiLink { .. })
                || crate::stages::link::is_id_reference(dest_url) =>
            {
                start(EditorialKind::Link, Some(dest_url.to_string()))
            }
            _ => None,
        };
    }
    found
}

/// Whether raw HTML opens an editorial `element`.
fn opens(html: &str, element: &str) -> bool {
    let tag = html.trim();
    tag.starts_with(&format!("<{element}"))
        && tag.contains("class=\"editorial\"")
        && tag.ends_with('>')
}

/// A change's words with spaces tidied, a passage's cut to its first words.
fn tidy(mut change: Found) -> Found {
    let words: Vec<&str> = change.text.split_whitespace().collect();
    let mut text = if change.kind == EditorialKind::Passage && words.len() > QUOTED_WORDS {
        format!("{} …", words[..QUOTED_WORDS].join(" "))
    } else {
        words.join(" ")
    };
    // Punctuation after an element's end is not spaced off.
    for mark in [" .", " ,", " ;", " :", " )"] {
        text = text.replace(mark, &mark[1..]);
    }
    change.text = text;
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_marking_is_found_in_order() {
        let text = "Intro with [[step-2|steps two]].\n\n\
                    ### Sources of help {#sources-of-help .editorial}\n\n\
                    See www.in-control.org.uk <span class=\"editorial\">2009 address</span>.\n\n\
                    ### Kept {#kept}\n\n\
                    <div class=\"editorial\">\n\n\
                    The guidance for each step is set out on the step pages, under two headings, \
                    one for each column of the table, and [[step-1]] comes first.\n\n\
                    </div>\n\n\
                    A [plain link](https://example.org) and [[about#context]].\n";
        let found = in_text(text);
        let kinds: Vec<(EditorialKind, &str, Option<&str>)> = found
            .iter()
            .map(|f| (f.kind, f.text.as_str(), f.target.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                (EditorialKind::Link, "steps two", Some("step-2")),
                (EditorialKind::Heading, "Sources of help", None),
                (EditorialKind::Note, "2009 address", None),
                (
                    EditorialKind::Passage,
                    "The guidance for each step is set out on the step pages, under two …",
                    None
                ),
                (EditorialKind::Link, "about#context", Some("about#context")),
            ]
        );
        assert_eq!(&text[found[1].at..found[1].at + 3], "###");
    }
}
