//! Markdown of one page to HTML: cross-references become relative links,
//! local terms show the model's term in a `title`, the first use of each
//! glossary term links to the glossary, and headings get their ids. The
//! HTML is then passed through the sanitiser's allow-list, so raw HTML an
//! author wrote can carry no script, outside image or other unsafe part.
//!
//! It knows nothing of templates or files; `render` puts the HTML in pages.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};

use crate::stages::link::{LinkedEdition, LinkedText, Resolved, SectionRef};
use crate::support::characters::escape_html as escape;
use crate::support::url::file_of;
use crate::text::markdown;
use crate::text::terms::{self, find_lowercase_term, Piece};

/// How a page's Markdown becomes HTML.
#[derive(Clone, Copy)]
pub struct HtmlOptions<'a> {
    /// The edition, for the titles of the pages and sections links go to.
    pub linked: &'a LinkedEdition<'a>,
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
    /// For an example's text, its id: the example's footnotes are its own,
    /// apart from the page's.
    pub footnote_scope: Option<&'a str>,
    /// The theme's words in the page's language (the labels of the
    /// council's marked text).
    pub strings: &'a crate::model::language::Strings,
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
        Resolved::Document { href, .. } => Some(href.clone()),
        Resolved::Page { page, section } => Some(match (options.print_page, section) {
            (Some(_), Some(s)) => format!("#{page}--{s}"),
            (Some(_), None) => format!("#{page}"),
            (None, Some(s)) => format!("{}#{s}", file_of(options.home, page)),
            (None, None) => file_of(options.home, page),
        }),
    }
}

fn title_for(resolved: &Resolved, options: &HtmlOptions) -> Option<String> {
    let (page, section) = match resolved {
        Resolved::Page { page, section } => (page, section),
        Resolved::Document { title, .. } => return Some(title.clone()),
        Resolved::Removed => return None,
    };
    options
        .linked
        .title_of(page, section.as_deref())
        .map(str::to_string)
}

/// Markdown of a linked text to HTML. `sections` are the ids its headings
/// get (the link stage's), `links` where its cross-references go.
pub fn to_html(
    text: &LinkedText,
    sections: Option<&[SectionRef]>,
    links: &HashMap<String, Resolved>,
    options: &HtmlOptions,
) -> String {
    let mut writer = Writer {
        text,
        sections,
        links,
        options,
        footnotes: Footnotes::of(text, options),
        events: Vec::new(),
        heading_index: 0,
        in_code: false,
        in_heading: false,
        replacing_text: false,
        used_terms: HashSet::new(),
        link_depth: 0,
        image_depth: 0,
        dropped_links: Vec::new(),
        pending: None,
    };
    let mut nesting = markdown::Nesting::default();
    let mut marker = super::marks::Marker::default();
    let mut plainly = markdown::Plainly::default();
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let event = super::marks::scrub(markdown::as_written(event));
        plainly.see(&event);
        nesting.see(&event);
        if nesting.too_deep() {
            // The link stage has reported it as an error, so this is never published.
            return "<p>This text is nested too deeply to show.</p>\n".to_string();
        }
        if !matches!(event, Event::Text(_) | Event::SoftBreak) {
            writer.flush();
        }
        marker.see(text, &event, range.start, &mut writer.events);
        writer.see(event, range.start);
    }
    writer.flush();
    marker.finish(&mut writer.events);
    let mut html = String::with_capacity(text.markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, writer.events.into_iter());
    // Raw HTML the author wrote goes through the allow-list; what the
    // renderer wrote passes it unchanged, so text with none is not parsed
    // again. The council's and editors' text is then marked.
    let written = plainly.plain() && !always_clean();
    let safe = match written
        .then(|| crate::text::sanitize::as_written(&html))
        .flatten()
    {
        Some(safe) => {
            #[cfg(test)]
            AS_WRITTEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // Every build the tests make compares the two ways.
            debug_assert_eq!(
                safe,
                crate::text::sanitize::clean(&html),
                "text published as written differs from what the allow-list makes of it"
            );
            safe
        }
        None => crate::text::sanitize::clean(&html),
    };
    super::editorial::dress(
        super::marks::dress(safe, text, options.strings),
        options.strings,
    )
}

/// The two ways a text of Markdown `markdown` may be published, when it
/// is written plainly enough for the shortcut (see
/// `sanitize::as_written`): `(as written, through the allow-list)`, which
/// must be equal; `None` when the shortcut does not apply. For the
/// differential tests and fuzz target; it leaves out what the renderer
/// adds to a text (resolved cross-references, glossary links), which the
/// build's own comparison (a debug assertion in [`to_html`]) covers.
pub fn both_ways(markdown: &str) -> Option<(String, String)> {
    let parser = Parser::new_ext(markdown, markdown::options());
    let events: Vec<Event> = parser
        .map(|e| super::marks::scrub(markdown::as_written(e)))
        .collect();
    let mut plainly = markdown::Plainly::default();
    events.iter().for_each(|e| plainly.see(e));
    if !plainly.plain() {
        return None;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let written = crate::text::sanitize::as_written(&html)?;
    Some((written, crate::text::sanitize::clean(&html)))
}

/// Whether every text goes through the whole allow-list: set by the test
/// that compares the two ways of publishing plainly written text.
#[cfg(test)]
pub(crate) static ALWAYS_CLEAN: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// How many texts were published as written, without the allow-list's
/// parse: for the same test, to show it compared some.
#[cfg(test)]
pub(crate) static AS_WRITTEN: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

#[cfg(test)]
fn always_clean() -> bool {
    ALWAYS_CLEAN.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(not(test))]
fn always_clean() -> bool {
    false
}

/// Turns the parser's events for one text into the events the HTML is
/// written from.
struct Writer<'t, 'o> {
    text: &'t LinkedText,
    sections: Option<&'t [SectionRef]>,
    links: &'t HashMap<String, Resolved>,
    options: &'t HtmlOptions<'o>,
    footnotes: Footnotes<'t>,
    events: Vec<Event<'t>>,
    heading_index: usize,
    in_code: bool,
    in_heading: bool,
    /// While inside a link whose text is replaced by a title.
    replacing_text: bool,
    used_terms: HashSet<usize>,
    link_depth: usize,
    /// How many images the text being read is the alternative text of: it
    /// is written into an attribute, so it holds no markup.
    image_depth: usize,
    /// For each link open: whether its tag is left out (it goes nowhere).
    dropped_links: Vec<bool>,
    /// The text read since the last event that is not text or a line
    /// break: where it starts, and whether it is local text. The parser
    /// hands a paragraph's text over line by line (and in pieces where a
    /// character might have been markup); terms are found in the whole
    /// run, so a term wrapped across lines reads as one.
    pending: Option<(String, usize, bool)>,
}

impl<'t> Writer<'t, '_> {
    /// Takes the next event, which starts at byte `at` of the text.
    fn see(&mut self, event: Event<'t>, at: usize) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.in_heading = true;
                let given = self
                    .sections
                    .and_then(|s| s.get(self.heading_index))
                    .map(|s| s.id.clone())
                    .or_else(|| id.map(|i| i.to_string()))
                    .unwrap_or_else(|| format!("section-{}", self.heading_index));
                self.heading_index += 1;
                self.events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(self.options.prefixed(&given))),
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                self.in_heading = false;
                self.events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(link_type, dest_url, title, id, at),
            Event::End(TagEnd::Link) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.replacing_text = false;
                if !self.dropped_links.pop().unwrap_or(false) {
                    self.events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { .. }) => {
                self.image_depth += 1;
                self.events.push(event);
            }
            Event::End(TagEnd::Image) => {
                self.image_depth = self.image_depth.saturating_sub(1);
                self.events.push(event);
            }
            Event::Start(Tag::CodeBlock(_)) | Event::End(TagEnd::CodeBlock) => {
                self.in_code = matches!(event, Event::Start(_));
                self.events.push(event);
            }
            Event::FootnoteReference(label) => {
                let html = self.footnotes.reference(&label, at);
                self.events.push(Event::InlineHtml(CowStr::from(html)));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let html = self.footnotes.definition(&label, at);
                self.events.push(Event::Html(CowStr::from(html)));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.events.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Text(t) if self.in_code => self.events.push(Event::Text(t)),
            Event::Text(t) if !self.replacing_text => self.hold(&t, at),
            // A line break inside an image's alternative text reads as a space.
            Event::SoftBreak if !self.replacing_text => {
                self.hold(if self.image_depth > 0 { " " } else { "\n" }, at);
            }
            Event::Text(_) | Event::Code(_) if self.replacing_text => {}
            other => self.events.push(other),
        }
    }

    /// The language of the title of what `resolved` links to, when it is
    /// not that of the text at byte `at` (on a site in another language, a
    /// page or section not yet translated, named from translated text, or
    /// the other way round).
    fn title_lang(&self, resolved: &Resolved, at: usize) -> Option<&'static str> {
        let edition = &self.options.linked.edition;
        let site = edition.lang?;
        let Resolved::Page { page, section } = resolved else {
            return None;
        };
        let target = self.options.linked.page(page)?;
        let title = match section {
            None => edition.foreign(&target.page.file),
            Some(id) => target.sections.iter().find(|s| &s.id == id)?.lang,
        };
        let here = self
            .text
            .origin(at)
            .and_then(|(file, _)| edition.foreign(file));
        (title != here).then(|| title.unwrap_or(site.code()))
    }

    /// Holds text (or a line break) starting at byte `at`, to be written
    /// with the text around it (see [`Writer::pending`]).
    fn hold(&mut self, t: &str, at: usize) {
        let local = self.text.is_local(at);
        if self.pending.as_ref().is_some_and(|(_, _, l)| *l != local) {
            self.flush();
        }
        match &mut self.pending {
            Some((held, _, _)) => held.push_str(t),
            None => self.pending = Some((t.to_string(), at, local)),
        }
    }

    /// Writes the text held (see [`Writer::pending`]).
    fn flush(&mut self) {
        if let Some((held, at, _)) = self.pending.take() {
            self.text(CowStr::from(held), at);
        }
    }

    /// A link's start, at byte `at` of the text: a cross-reference becomes
    /// a relative link (showing the title of what it links to when it has
    /// no text of its own, marked with its language where that is not the
    /// text's), one to something this edition removed loses its tag;
    /// others stay.
    fn link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'t>,
        title: CowStr<'t>,
        id: CowStr<'t>,
        at: usize,
    ) {
        self.link_depth += 1;
        let internal = matches!(link_type, LinkType::WikiLink { .. })
            || self.links.contains_key(dest_url.as_ref());
        if !internal {
            self.dropped_links.push(false);
            self.events.push(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }));
            return;
        }
        let href = self
            .links
            .get(dest_url.as_ref())
            .and_then(|resolved| Some((resolved, href_for(resolved, self.options)?)));
        let Some((resolved, href)) = href else {
            self.dropped_links.push(true);
            return;
        };
        self.dropped_links.push(false);
        self.events.push(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: href.into(),
            title,
            id,
        }));
        if matches!(link_type, LinkType::WikiLink { has_pothole: false }) {
            if let Some(t) = title_for(resolved, self.options) {
                self.replacing_text = true;
                match self.title_lang(resolved, at) {
                    Some(lang) => {
                        self.events
                            .push(Event::InlineHtml(format!("<span lang=\"{lang}\">").into()));
                        self.events.push(Event::Text(t.into()));
                        self.events.push(Event::InlineHtml("</span>".into()));
                    }
                    None => self.events.push(Event::Text(t.into())),
                }
            }
        }
    }

    /// Text: in model text, local terms stand for the model's (showing the
    /// model's term in a `title`, but for an image's alternative text, which
    /// is plain), and the first use of each glossary term outside links,
    /// headings and images links to the glossary.
    fn text(&mut self, t: CowStr<'t>, at: usize) {
        if self.in_code {
            self.events.push(Event::Text(t));
            return;
        }
        let options = self.options;
        let in_image = self.image_depth > 0;
        let link_glossary =
            self.link_depth == 0 && !self.in_heading && !in_image && options.print_page.is_none();
        let terms: &[(String, String)] = if self.text.is_local(at) {
            &[]
        } else {
            options.terms
        };
        for piece in terms::apply(&t, terms) {
            match piece {
                Piece::Plain(p) if link_glossary => {
                    link_terms(p, options, &mut self.used_terms, &mut self.events);
                }
                Piece::Plain(p) => self.events.push(Event::Text(CowStr::from(p.to_string()))),
                // An image's alternative text is plain text: the local
                // term, without the mark that says it stands for another.
                Piece::Term { local, .. } if in_image => {
                    self.events
                        .push(Event::Text(CowStr::from(local.to_string())));
                }
                Piece::Term { model, local } => {
                    self.events.push(Event::InlineHtml(CowStr::from(format!(
                        "<span class=\"local-term\" title=\"Model guidance term: {}\">{}</span>",
                        escape(model),
                        escape(local)
                    ))));
                }
            }
        }
    }
}

impl HtmlOptions<'_> {
    /// An id as this text writes it: in the print view, prefixed with its
    /// page's id.
    fn prefixed(&self, id: &str) -> String {
        match self.print_page {
            Some(page) => format!("{page}--{id}"),
            None => id.to_string(),
        }
    }
}

/// The footnotes of one text. Each keeps its own number: a numeric label
/// (`[^2]`) is shown as written (so the model's second footnote reads "2"
/// on its page and in the print view), and other labels are numbered after
/// the largest, in the order they first appear. A council's override that
/// defines a footnote of its own gets ids of its own (namespaced by the
/// override), so that its references go to its note and the model's go to
/// the model's, whatever the labels; an example's footnotes are namespaced
/// by the example. The link stage warns when a council's note takes a
/// number the model's text uses on the same page.
struct Footnotes<'t> {
    text: &'t LinkedText,
    options: &'t HtmlOptions<'t>,
    /// The scopes (`None`: the text's own; `Some(anchor)`: an override's)
    /// that define each label.
    defined: HashSet<(Option<String>, String)>,
    /// The number each label is shown with.
    shown: HashMap<String, String>,
}

impl<'t> Footnotes<'t> {
    fn of(text: &'t LinkedText, options: &'t HtmlOptions<'t>) -> Self {
        let mut found = Self {
            text,
            options,
            defined: HashSet::new(),
            shown: HashMap::new(),
        };
        if !text.markdown.contains("[^") {
            return found;
        }
        let mut labels: Vec<String> = Vec::new();
        for (event, range) in
            Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter()
        {
            let label = match event {
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    found
                        .defined
                        .insert((scope(text, range.start, options), label.to_string()));
                    label
                }
                Event::FootnoteReference(label) => label,
                _ => continue,
            };
            if !labels.iter().any(|l| l == label.as_ref()) {
                labels.push(label.to_string());
            }
        }
        let numeric = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit());
        let mut next = labels
            .iter()
            .filter(|l| numeric(l))
            .filter_map(|l| l.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        for label in labels {
            let number = if numeric(&label) {
                label.trim_start_matches('0').to_string()
            } else {
                next += 1;
                next.to_string()
            };
            found.shown.insert(label, number);
        }
        found
    }

    /// The number a label is shown with, escaped for HTML.
    fn number(&self, label: &str) -> String {
        escape(self.shown.get(label).map_or(label, String::as_str))
    }

    /// The id of the note with `label` in a scope, as this text writes it.
    fn id(&self, scope: Option<&str>, label: &str) -> String {
        escape(&self.options.prefixed(&footnote_id(scope, label)))
    }

    /// A footnote reference at byte `at`: a link to its note (the note of
    /// the override the reference is in, if it defines one, else the
    /// text's own), showing the note's number; as written (`[^2]`) when
    /// the note is not on the page.
    fn reference(&self, label: &str, at: usize) -> String {
        let own = scope(self.text, at, self.options);
        let target = [own, None]
            .into_iter()
            .find(|s| self.defined.contains(&(s.clone(), label.to_string())));
        match target {
            Some(s) => format!(
                "<sup class=\"footnote-reference\"><a href=\"#{}\">{}</a></sup>",
                self.id(s.as_deref(), label),
                self.number(label)
            ),
            None => escape(&format!("[^{label}]")),
        }
    }

    /// The start of the note with `label` at byte `at`, with its id and number.
    fn definition(&self, label: &str, at: usize) -> String {
        let own = scope(self.text, at, self.options);
        format!(
            "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{}</sup>\n",
            self.id(own.as_deref(), label),
            self.number(label)
        )
    }
}

/// Whose footnotes stand at byte `at` of a text: an example's (its id), a
/// council override's (its anchor), or (`None`) the text's own.
fn scope(text: &LinkedText, at: usize, options: &HtmlOptions) -> Option<String> {
    if let Some(example) = options.footnote_scope {
        return Some(example.to_string());
    }
    text.mark_at(at).map(|(_, mark)| mark.anchor.clone())
}

/// A footnote's id: `fn-2`, or `override-x--fn-2` for one of an override's
/// own. Ids start with a letter, so they are valid in CSS selectors and
/// apart from section ids.
fn footnote_id(scope: Option<&str>, label: &str) -> String {
    match scope {
        Some(scope) => format!("{scope}--fn-{label}"),
        None => format!("fn-{label}"),
    }
}
