//! The Markdown dialect of a handbook, in one place.
//!
//! Holds the pulldown-cmark options every stage parses with, finds the
//! headings that make a page's sections (with their byte ranges, so the
//! overlay can splice text and errors can point at lines), makes heading
//! ids, splits text into its top-level blocks and its passages of prose
//! ([`passages`], for what is "near" a word), and measures how deeply text nests ([`Nesting`]), so that runaway
//! nesting is refused before it reaches slower stages, and takes out the HTML
//! comments that are notes to colleagues. It does not resolve
//! links or write HTML files; `link` and `render` do.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The address a link or image with the destination `dest` has in the
/// published page, as a browser reads it: the Markdown writer
/// percent-escapes some characters (`\\` as `%5C`, a space as `%20`), and
/// writes `&` and `'` as character references, which the browser reads
/// back. Every judgement of a Markdown link's address is made on this form.
pub fn href(dest: &str) -> String {
    let mut escaped = String::with_capacity(dest.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut escaped, dest);
    if escaped.contains('&') {
        escaped = escaped.replace("&#x27;", "'").replace("&amp;", "&");
    }
    escaped
}

/// The Markdown extensions a handbook uses. Strikethrough is written
/// `~~like this~~` only: a single `~` is "about" in guidance ("~£120 a
/// week"), so the parser is told to read `~x~` as subscript, which
/// [`as_written`] gives back as the tildes written.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_WIKILINKS
}

/// Whether the HTML the Markdown writer makes of `event` passes the
/// page's allow-list exactly as written (`sanitize::as_written`):
/// not the author's own HTML, not a heading with attributes or classes the
/// allow-list removes, not a code block whose language is more than a
/// word, not an image (the writer closes `<img />` as the sanitiser does
/// not), and not a link whose address the sanitiser would remove or write
/// another way (`sanitize::keeps_link_as_written`).
pub fn written_plainly(event: &Event) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::Image { .. }) => false,
        Event::Start(Tag::Heading { classes, attrs, .. }) => {
            attrs.is_empty()
                && classes
                    .iter()
                    .all(|c| crate::text::sanitize::class_allowed("h2", c))
        }
        Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) => {
            info.is_empty()
                || (info
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
                    && crate::text::sanitize::class_allowed("code", &format!("language-{info}")))
        }
        Event::Start(Tag::Link { dest_url, .. }) => {
            crate::text::sanitize::keeps_link_as_written(&href(dest_url))
        }
        _ => true,
    }
}

/// An event as its text was written: the subscript the parser reads in
/// `~x~` (see [`options`]) is the two tildes, as text.
pub fn as_written(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Subscript) | Event::End(TagEnd::Subscript) => {
            Event::Text(pulldown_cmark::CowStr::Borrowed("~"))
        }
        other => other,
    }
}

/// Whether a text's events, read in order, are all written plainly (see
/// [`written_plainly`]), and no link stands inside another: the Markdown
/// writer nests an autolink in a link's text, which the sanitiser, as a
/// browser does, closes first (found by the `differential` fuzz target).
#[derive(Debug)]
pub struct Plainly {
    links: usize,
    plain: bool,
}

impl Default for Plainly {
    fn default() -> Self {
        Self {
            links: 0,
            plain: true,
        }
    }
}

impl Plainly {
    /// Reads the next event.
    pub fn see(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::Link { .. }) => {
                self.plain &= self.links == 0;
                self.links += 1;
            }
            Event::End(TagEnd::Link) => self.links = self.links.saturating_sub(1),
            _ => {}
        }
        self.plain &= written_plainly(event);
    }

    /// Whether every event read so far was written plainly.
    pub fn plain(&self) -> bool {
        self.plain
    }
}

/// A heading found in Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The id written as `{#id}`, if any.
    pub explicit_id: Option<String>,
    /// The heading's plain text.
    pub text: String,
    /// Byte range of the heading's source: its line, or for a setext
    /// heading its lines and underline.
    pub range: (usize, usize),
}

/// Finds the headings of `text` as the Markdown parser does: `#` headings
/// and setext headings (a line underlined with `===` or `---`), never `#`
/// lines inside code blocks.
pub fn headings(text: &str) -> Vec<Heading> {
    let mut found = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match as_written(event) {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some(Heading {
                    level: level_number(level),
                    explicit_id: id.map(|i| i.to_string()),
                    text: String::new(),
                    range: (range.start, range.end),
                });
            }
            Event::End(TagEnd::Heading(_)) => found.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = current.as_mut() {
                    h.text.push(' ');
                }
            }
            _ => {}
        }
    }
    found
}

/// The number of a heading level.
pub fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A URL- and id-safe slug of a heading: ASCII lowercase words joined by `-`.
pub fn slug(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Whether `id` is a well-formed id: lowercase ASCII letters, digits and
/// single hyphens, starting with a letter.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id.len() <= 80
}

/// Text nested deeper than this (block quotes, lists, raw HTML elements,
/// counted together) is refused: real guidance never comes close, and the
/// HTML stages slow down badly on deep trees.
pub const MAX_NESTING: usize = 100;

/// How deeply a text nests, measured while its events go by.
#[derive(Debug, Default, Clone, Copy)]
pub struct Nesting {
    markdown: usize,
    html: isize,
    /// The deepest point so far.
    pub deepest: usize,
}

impl Nesting {
    /// Takes one more event into account.
    pub fn see(&mut self, event: &Event) {
        match event {
            Event::Start(_) => self.markdown += 1,
            Event::End(_) => self.markdown = self.markdown.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                let (change, deepest) = crate::text::sanitize::nesting_change(html);
                let peak = (self.html + deepest).max(0) as usize;
                self.deepest = self.deepest.max(self.markdown + peak);
                self.html = (self.html + change).max(0);
            }
            _ => {}
        }
        self.deepest = self.deepest.max(self.markdown + self.html as usize);
    }

    /// Whether the text has gone deeper than [`MAX_NESTING`].
    pub fn too_deep(&self) -> bool {
        self.deepest > MAX_NESTING
    }
}

/// Markdown without its HTML comments (`<!-- … -->`, the notes authors
/// leave for colleagues), as the parser finds them: a comment written in
/// code is code and stays. A line left empty by a comment goes too.
pub fn without_comments(text: &str) -> String {
    if !text.contains("<!--") {
        return text.to_string();
    }
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let in_html = matches!(
            event,
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) | Event::Html(_)
        );
        if !in_html || cuts.last().is_some_and(|&(_, end)| range.start < end) {
            continue;
        }
        let mut at = range.start;
        while let Some(open) = text[at..range.end].find("<!--").map(|i| at + i) {
            let close = text[open + 4..range.end]
                .find("-->")
                .map_or(range.end, |i| open + 4 + i + 3);
            cuts.push(whole_lines(text, open, close));
            at = close;
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for (start, end) in cuts {
        if start >= cursor {
            out.push_str(&text[cursor..start]);
            cursor = end;
        }
    }
    out.push_str(&text[cursor..]);
    out
}

/// `start..end`, widened to whole lines when nothing but spaces shares them.
fn whole_lines(text: &str, start: usize, end: usize) -> (usize, usize) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    if text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty() {
        (line_start, line_end)
    } else {
        (start, end)
    }
}

/// The byte ranges of the top-level blocks of `text` (paragraphs, headings,
/// whole lists, tables, block quotes, code blocks, raw HTML blocks, rules,
/// footnote definitions), in order, as the parser finds them.
pub fn blocks(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    start = range.start;
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    push_block(&mut found, (start, range.end));
                }
            }
            _ if depth == 0 => push_block(&mut found, (range.start, range.end)),
            _ => {}
        }
    }
    found
}

/// Adds a block after those found, joining it to the last one when the
/// parser's ranges overlap (a definition list followed by two blank lines
/// reaches over the paragraph after it), so blocks stay in order and apart.
fn push_block(found: &mut Vec<(usize, usize)>, block: (usize, usize)) {
    match found.last_mut() {
        Some(last) if block.0 < last.1 => last.1 = last.1.max(block.1),
        _ => found.push(block),
    }
}

/// A passage of prose, the unit within which words are "near" each other:
/// a whole list item (with any list nested in it), else a paragraph, a
/// heading, a table cell or a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Its byte range in the text, as written (link addresses included).
    pub range: (usize, usize),
    /// The byte ranges of its words as written: its text, not its code,
    /// raw HTML or comments, nor the addresses of its links.
    pub words: Vec<(usize, usize)>,
    /// For a list item, what leads into its list: the paragraph just
    /// before the list ("Under the Care Act 2014:"), or the item a nested
    /// list is in.
    pub lead: Option<(usize, usize)>,
}

/// What [`passages`] has open while it reads.
enum Open {
    /// A list item, with its list's lead.
    Item((usize, usize), Option<(usize, usize)>),
    /// A list, with its lead.
    List(Option<(usize, usize)>),
    /// A paragraph, heading, table cell or definition.
    Prose((usize, usize)),
    /// Anything else, which holds passages but is none.
    Other,
}

/// The passages of `text` that hold words, in order (see [`Passage`]).
pub fn passages(text: &str) -> Vec<Passage> {
    let mut open: Vec<Open> = Vec::new();
    let mut found: Vec<Passage> = Vec::new();
    let mut last_paragraph: Option<(usize, usize)> = None;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let here = (range.start, range.end);
        match event {
            Event::Start(Tag::List(_)) => {
                let enclosing = open.iter().rev().find_map(|o| match o {
                    Open::Item(r, _) => Some(*r),
                    _ => None,
                });
                let before =
                    last_paragraph.filter(|p| p.1 <= here.0 && text[p.1..here.0].trim().is_empty());
                open.push(Open::List(enclosing.or(before)));
            }
            Event::Start(Tag::Item) => {
                let lead = match open.last() {
                    Some(Open::List(lead)) => *lead,
                    _ => None,
                };
                open.push(Open::Item(here, lead));
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::TableCell
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition,
            ) => open.push(Open::Prose(here)),
            Event::Start(_) => open.push(Open::Other),
            Event::End(end) => {
                if let (TagEnd::Paragraph, Some(Open::Prose(r))) = (end, open.last()) {
                    last_paragraph = Some(*r);
                }
                open.pop();
            }
            Event::Text(_) => {
                let item = open.iter().rev().find_map(|o| match o {
                    Open::Item(r, lead) => Some((*r, *lead)),
                    _ => None,
                });
                let prose = open.iter().rev().find_map(|o| match o {
                    Open::Prose(r) => Some(*r),
                    _ => None,
                });
                let (passage, lead) = item.unwrap_or((prose.unwrap_or(here), None));
                match found.iter_mut().rev().find(|p| p.range == passage) {
                    Some(p) => p.words.push(here),
                    None => found.push(Passage {
                        range: passage,
                        words: vec![here],
                        lead,
                    }),
                }
            }
            _ => {}
        }
    }
    found.sort_by_key(|p| p.range.0);
    found
}

/// Plain text of Markdown (for summaries, search and word counts).
pub fn plain_text(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Escapes the characters that would make a variable's value act as Markdown.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}' | '&' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_paragraphs_and_whole_list_items() {
        let text = "One `code` [link](https://x.example/a) here.\nSame paragraph.\n\n- Item <!-- note -->\n  - nested\n- Other\n\n| a | b |\n| - | - |\n| c | d |\n";
        let found = passages(text);
        let shown: Vec<(&str, Vec<&str>)> = found
            .iter()
            .map(|p| {
                let words = p.words.iter().map(|&(a, b)| &text[a..b]).collect();
                (text[p.range.0..p.range.1].trim_end(), words)
            })
            .collect();
        assert_eq!(
            shown[0].0,
            "One `code` [link](https://x.example/a) here.\nSame paragraph."
        );
        assert_eq!(
            shown[0].1,
            ["One ", " ", "link", " here.", "Same paragraph."]
        );
        assert_eq!(shown[1].0, "- Item <!-- note -->\n  - nested");
        assert_eq!(shown[1].1, ["Item "]);
        assert_eq!(
            found[1].lead,
            Some(found[0].range),
            "the paragraph before the list leads into it"
        );
        assert_eq!(
            found[2].lead,
            Some(found[1].range),
            "a nested list's lead is its item"
        );
        assert_eq!(shown[2].0, "- nested");
        assert_eq!(shown[3].0, "- Other");
        let cells: Vec<&str> = shown[4..].iter().map(|(p, _)| p.trim()).collect();
        assert_eq!(cells, ["a", "b", "c", "d"]);
    }

    #[test]
    fn finds_headings_with_ids_and_ranges() {
        let text = "Intro\n\n## The role {#social-work-role}\n\nText\n\n```\n## not a heading\n```\n### Sub\n";
        let found = headings(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].explicit_id.as_deref(), Some("social-work-role"));
        assert_eq!(found[0].text, "The role");
        assert_eq!(&text[found[0].range.0..found[0].range.0 + 2], "##");
        assert_eq!(found[1].level, 3);
    }

    #[test]
    fn blocks_are_the_top_level_pieces() {
        let text = "# Title\n\nOne\ntwo\n\n- a\n- b\n\n  more of b\n\n---\n\n| x |\n|---|\n| y |\n";
        let found: Vec<&str> = blocks(text)
            .iter()
            .map(|&(a, b)| text[a..b].trim())
            .collect();
        assert_eq!(
            found,
            [
                "# Title",
                "One\ntwo",
                "- a\n- b\n\n  more of b",
                "---",
                "| x |\n|---|\n| y |"
            ]
        );
    }

    #[test]
    fn blocks_never_overlap() {
        let text =
            "Support plan\n: A definition.\n\n\n![A plan going to panel](plan.png)\n\nAfter.\n";
        let found = blocks(text);
        assert!(found.windows(2).all(|w| w[0].1 <= w[1].0), "{found:?}");
        assert_eq!(text[found.last().unwrap().0..].trim(), "After.");
    }

    #[test]
    fn slugs_are_ascii_and_hyphenated() {
        assert_eq!(slug("Step Two: Making my Plan"), "step-two-making-my-plan");
        assert_eq!(slug("Café – à la carte"), "cafe-a-la-carte");
        assert_eq!(slug("!!!"), "section");
    }

    #[test]
    fn ids_are_checked() {
        assert!(is_valid_id("step-3"));
        assert!(!is_valid_id("Step 3"));
        assert!(!is_valid_id("../etc"));
    }

    #[test]
    fn only_markdown_the_allow_list_passes_as_written_is_plain() {
        let plain = |markdown: &str| {
            Parser::new_ext(markdown, options()).all(|event| written_plainly(&event))
        };
        for yes in [
            "Text *with* `code`, [a link](https://example.org) and [[step-1]].",
            "## A heading {#its-id}\n\n## Marked {.editorial}",
            "```js\nlet a = 1;\n```",
            "[mail](mailto:a@b.org) [phone](tel:+441234) <https://example.org>",
        ] {
            assert!(plain(yes), "{yes:?}");
        }
        for no in [
            "Some <b>HTML</b>.",
            "<div>\nA block.\n</div>",
            "## A heading {data-x=1}",
            "## A heading {.wide}",
            "```weird\"info\nx\n```",
            "![an image](plan.png)",
            "[ftp](ftp://example.org/file)",
            "[script](javascript:alert(1))",
        ] {
            assert!(!plain(no), "{no:?}");
        }
    }
}
