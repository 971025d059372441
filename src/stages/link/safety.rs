//! Safety: what a linked text would put into a reader's browser, judged
//! while it is still at its source line. `javascript:`, `data:` and
//! `vbscript:` addresses, addresses a browser cannot read, images from other
//! hosts and runaway nesting are errors; raw HTML the sanitiser trims when
//! the page is published, heading attributes, other schemes and control
//! characters are warnings. Every address is judged by
//! [`crate::support::address`], on the form a browser reads (and, for a
//! scheme the Markdown writer's escaping would hide, as written).
//!
//! It removes nothing (the sanitiser does, when `render` publishes the
//! page) and holds no rule of its own about which addresses or HTML are
//! safe: `support::address` judges addresses and `text::sanitize` HTML;
//! this file says where the author wrote what they find.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::text::LinkedText;
use crate::support::address::{Address as Written, Kind};
use crate::support::diagnostic::Diagnostic;
use crate::text::markdown;

/// Looks at what one text would put into a reader's browser, event by event.
#[derive(Default)]
pub(super) struct SafetyCheck {
    /// The raw HTML block being read: where each piece starts in the joined
    /// Markdown, and its text (a block arrives a line at a time).
    block: Option<Vec<(usize, String)>>,
    nesting: markdown::Nesting,
    /// Fragments already looked at, with what was found, so repeated tags cost nothing.
    seen: HashMap<String, crate::text::sanitize::FragmentCheck>,
    /// Addresses of the edition's files in raw HTML: the address, where it
    /// is, and whether an image's.
    pub(super) addresses: Vec<(String, (usize, usize), bool)>,
}

impl SafetyCheck {
    /// Looks at one event of the text, reporting to `problems`.
    pub(super) fn see(
        &mut self,
        text: &LinkedText,
        event: &Event,
        range: (usize, usize),
        problems: &mut Vec<Diagnostic>,
    ) {
        if self.nesting.too_deep() {
            return;
        }
        self.nesting.see(event);
        if self.nesting.too_deep() {
            problems.push(text.locate(
                Diagnostic::error(
                    "nested-too-deeply",
                    format!(
                        "the text here is nested more than {} levels deep (block quotes, lists or HTML elements inside each other)",
                        markdown::MAX_NESTING
                    ),
                )
                .hint("a `>` or an indented `-` starts a new level; check for a run of them, or for HTML tags that are opened and never closed"),
                (range.0, range.0 + 1),
            ));
            return;
        }
        match event {
            Event::Start(Tag::HtmlBlock) => self.block = Some(Vec::new()),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(pieces) = self.block.take() {
                    self.check_html(text, &pieces, problems);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => match self.block.as_mut() {
                Some(pieces) => pieces.push((range.0, html.to_string())),
                None => self.check_html(text, &[(range.0, html.to_string())], problems),
            },
            // `[[doc:id]]` names a local document, resolved by `references`.
            Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::WikiLink { .. },
                dest_url,
                ..
            }) if dest_url.starts_with(crate::model::authority::DOCUMENT_PREFIX) => {}
            Event::Start(Tag::Link { dest_url, .. }) => {
                problems.extend(address_problem(dest_url, false).map(|d| text.locate(d, range)));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                problems.extend(address_problem(dest_url, true).map(|d| text.locate(d, range)));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, c)) = crate::support::characters::unpublishable_in(t) {
                    problems.push(text.locate(
                        Diagnostic::warning(
                            "control-character",
                            format!(
                                "this text stands for the invisible control character {}, which is left out when the page is published",
                                crate::support::characters::describe(c)
                            ),
                        )
                        .hint("remove the character reference (such as `&#16;`) from the text"),
                        range,
                    ));
                }
            }
            Event::Start(Tag::Heading { attrs, .. }) => {
                for (name, _) in attrs {
                    problems.push(text.locate(
                        Diagnostic::warning(
                            "unsafe-html-removed",
                            format!("the heading attribute `{name}` is removed when the page is published"),
                        )
                        .hint("headings may carry an id (`{#id}`) and nothing else; remove the attribute"),
                        range,
                    ));
                }
            }
            _ => {}
        }
    }

    /// Reports what the sanitiser will remove from a piece of raw HTML, and
    /// the outside images it would load.
    fn check_html(
        &mut self,
        text: &LinkedText,
        pieces: &[(usize, String)],
        problems: &mut Vec<Diagnostic>,
    ) {
        let fragment: String = pieces.iter().map(|(_, t)| t.as_str()).collect();
        let check = self
            .seen
            .entry(fragment)
            .or_insert_with_key(|f| crate::text::sanitize::check_fragment(f));
        // A position in the fragment, as a position in the joined Markdown.
        let place = |at: usize| {
            let mut piece_start = 0;
            for (start, piece) in pieces {
                if at < piece_start + piece.len() {
                    return start + (at - piece_start);
                }
                piece_start += piece.len();
            }
            pieces.first().map_or(0, |(start, _)| *start)
        };
        for removal in &check.removed {
            let at = place(removal.at);
            problems.push(text.locate(
                Diagnostic::warning(
                    "unsafe-html-removed",
                    format!("{} in this HTML is removed when the page is published", removal.what),
                )
                .hint("only plain formatting is published from HTML written in a page: scripts, event handlers such as `onclick`, `style`, frames, forms, embedded objects, SVG and MathML are taken out. Write it in Markdown instead, or remove it"),
                (at, at + 1),
            ));
        }
        for (url, at) in &check.outside_images {
            let at = place(*at);
            problems.push(text.locate(outside_image(url), (at, at + url.len())));
        }
        for (url, at, image) in &check.addresses {
            let at = place(*at);
            self.addresses
                .push((url.clone(), (at, at + url.len()), *image));
        }
    }
}

/// What is wrong with the address of a Markdown link (or, with `image`,
/// an image), judged as a reader's browser reads it; `None` if nothing.
/// Addresses of the edition, and those that start with `/`, are judged in
/// the rendered pages (`linkcheck`) and reported here, at their source.
fn address_problem(url: &str, image: bool) -> Option<Diagnostic> {
    let what = if image { "image" } else { "link" };
    if let Some(scheme) = unsafe_as_written(url) {
        return Some(unsafe_address(&scheme, what));
    }
    let href = markdown::href(url);
    let written = Written::read(&href);
    match &written.kind {
        Kind::Unsafe(scheme) => Some(unsafe_address(scheme, what)),
        Kind::OtherScheme(scheme) => Some(
            Diagnostic::warning(
                "unsafe-html-removed",
                format!("this {what}'s `{scheme}:` address is removed when the page is published"),
            )
            .hint("a page links to web addresses (`https://…`), email (`mailto:…`) and telephone numbers (`tel:…`); link to a page of the edition by its id (`[[step-3]]`)"),
        ),
        Kind::Unreadable(why) => Some(
            Diagnostic::error(
                "unreadable-address",
                format!("a browser cannot read this {what}'s address (`{url}`): {why}"),
            )
            .hint("write a whole web address (`https://www.example.org/page`), or link to a page of the edition by its id (`[[step-3]]`)"),
        ),
        _ if image && written.is_outside_resource() => Some(outside_image(url)),
        _ => None,
    }
}

/// The unsafe scheme a Markdown address names as the author wrote it, if
/// it names one: the Markdown writer's escaping may hide it
/// (`java&#x1a;script:` is published as `java%1Ascript:`), but it is said
/// as it was meant. Everything else is judged as published
/// (`markdown::href`).
pub(super) fn unsafe_as_written(url: &str) -> Option<String> {
    match Written::read(url).kind {
        Kind::Unsafe(scheme) => Some(scheme),
        _ => None,
    }
}

/// The error for an address with a scheme that could run code.
fn unsafe_address(scheme: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        "unsafe-address",
        format!("this {what} uses a `{scheme}:` address, which could run code or hide content in a reader's browser"),
    )
    .hint("link to a page by its id (`[[step-3]]`) or to a web address (`https://…`); put images in the `static/` folder and use `assets/NAME`")
}

/// The error for an image loaded from another site.
fn outside_image(url: &str) -> Diagnostic {
    Diagnostic::error(
        "outside-image",
        format!("this image would be loaded from another site ({url})"),
    )
    .hint("an edition makes no request to any outside host: save the image in `static/` (the theme's, or the authority's `local-overrides/<slug>/static/`) and use `assets/NAME`; a link to the page on the other site is fine")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::diagnostic::{Severity, SourceFile};
    use pulldown_cmark::Parser;

    /// What the safety check finds in `body`, a page's text, as the link
    /// stage walks it: the problems, and the check with the addresses
    /// written in HTML.
    fn checked(body: &str) -> (Vec<Diagnostic>, SafetyCheck) {
        let file = SourceFile::new("content/step-1.md", body);
        let text = LinkedText::whole(&file);
        let mut check = SafetyCheck::default();
        let mut problems = Vec::new();
        for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
            check.see(&text, &event, (range.start, range.end), &mut problems);
        }
        (problems, check)
    }

    /// Each problem's code and line.
    fn codes_and_lines(problems: &[Diagnostic]) -> Vec<(&str, usize)> {
        problems
            .iter()
            .map(|d| (d.code, d.line_col().map_or(0, |(line, _)| line)))
            .collect()
    }

    #[test]
    fn a_javascript_link_is_refused_at_its_line() {
        let (problems, _) = checked("Some text.\n\nThen [a link](javascript:alert(1)) here.\n");
        assert_eq!(codes_and_lines(&problems), [("unsafe-address", 3)]);
        assert_eq!(problems[0].line_col(), Some((3, 6)), "at the link");
        assert!(
            problems[0].message.contains("`javascript:`"),
            "{}",
            problems[0].message
        );
        assert_eq!(problems[0].severity, Severity::Error);
    }

    #[test]
    fn a_scheme_hidden_by_a_character_reference_is_named_as_written() {
        let (problems, _) = checked("[x](java&#x1a;script:alert(1))\n");
        assert_eq!(codes_and_lines(&problems), [("unsafe-address", 1)]);
        assert!(
            problems[0].message.contains("`javascript:`"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_data_image_and_an_image_from_another_site_are_errors() {
        let body = "![a](data:image/png;base64,AAAA)\n\n![b](https://example.org/b.png)\n";
        let (problems, _) = checked(body);
        assert_eq!(
            codes_and_lines(&problems),
            [("unsafe-address", 1), ("outside-image", 3)]
        );
    }

    #[test]
    fn safe_links_pass_and_html_the_sanitiser_trims_is_a_warning() {
        let body = "[web](https://example.org) [mail](mailto:a@b.example) [call](tel:01632960000) [[step-2]]\n\n<p onclick=\"go()\">Hi</p>\n";
        let (problems, _) = checked(body);
        assert_eq!(codes_and_lines(&problems), [("unsafe-html-removed", 3)]);
        assert_eq!(problems[0].severity, Severity::Warning);
    }

    #[test]
    fn an_address_written_in_html_is_kept_for_the_check_of_the_made_pages() {
        let body = "Before.\n\n<a href=\"forms/claim.pdf\">the form</a>\n";
        let (problems, check) = checked(body);
        assert!(problems.is_empty(), "{problems:?}");
        let [(url, (start, end), image)] = &check.addresses[..] else {
            panic!("one address: {:?}", check.addresses);
        };
        assert_eq!(url, "forms/claim.pdf");
        assert_eq!(&body[*start..*end], "forms/claim.pdf");
        assert!(!image);
    }

    #[test]
    fn runaway_nesting_is_reported_once() {
        let body = format!("{} deep\n", ">".repeat(markdown::MAX_NESTING + 5));
        let (problems, _) = checked(&body);
        assert_eq!(codes_and_lines(&problems), [("nested-too-deeply", 1)]);
    }
}
