//! Stage 3, link: resolve what Markdown text refers to, across one edition.
//!
//! Joins each page's chunks into one Markdown text (remembering where every
//! byte came from), substitutes `{{ authority.name }}` and `{{ vars.NAME }}`
//! so that each value reads as written where it stands (text, raw HTML, an
//! autolink, a link's address, code; in code, braces that name no variable
//! stay as written, and `\{{` shows `{{` everywhere), gives
//! every heading an id and the name it shows (a `[[id]]` in it read as the
//! title it links to), and checks every cross-reference (`[[id]]`,
//! `[[id#section|text]]`, `[text](id)`) against the edition's pages and
//! sections. Unknown names and ids are errors pointing at the file and line
//! they were written on, with the closest names suggested. It also records
//! backlinks, where local terms are used and where each outside (`http:`,
//! `https:`) link is written, and looks at what each text
//! would put into a reader's browser: `javascript:`, `data:` and `vbscript:`
//! addresses, images from outside hosts and runaway nesting are errors; raw
//! HTML that the sanitiser trims when the page is rendered is a warning at
//! the line it was written on.
//!
//! For `serve`, a [`Memo`] keeps each page's first-pass results between
//! builds, so a save reads again only the pages whose files or the
//! edition's variables changed. It keeps how each page's references
//! resolved too: while the edition has the same pages in the same order, a
//! page read from the memo is resolved again only when a page it links to
//! was read again (the only pages whose sections and titles can have
//! changed), and the backlinks are made again only when some page's links
//! go elsewhere.
//!
//! It does not produce HTML (`render` does), and changes no page's text
//! beyond variable substitution and writing a `[[id|text]]` in a table row
//! as `[text](id)` (a table would take its `|` for a cell border).

use crate::support::diagnostic::OutsideLink;
use crate::support::fingerprint::Fingerprint;
use crate::support::lock::Locked;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::model::authority::Authority;
use crate::stages::overlay::{Chunk, Edition, EditionPage};
use crate::support::address::{Address as Written, Kind};
use crate::support::diagnostic::{did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::text::markdown;

/// A point in joined Markdown and the file position it came from.
#[derive(Debug, Clone)]
struct Anchor {
    at: usize,
    file: Arc<SourceFile>,
    offset: usize,
}

/// The Markdown of a [`LinkedText`]: a stretch of one source file, shared
/// with it, when the text is that file's text as written (a page in one
/// file with nothing substituted, as most model pages are), so the text is
/// not held twice; else a string of its own. Reads as a `str`.
#[derive(Debug, Clone)]
pub enum Markdown {
    /// The file's text in this byte range.
    Shared(Arc<SourceFile>, std::ops::Range<usize>),
    /// Text of its own.
    Own(String),
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown::Own(String::new())
    }
}

impl std::ops::Deref for Markdown {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Markdown::Shared(file, range) => &file.text[range.clone()],
            Markdown::Own(text) => text,
        }
    }
}

impl From<String> for Markdown {
    fn from(text: String) -> Self {
        Markdown::Own(text)
    }
}

/// Markdown joined from chunks, with variables substituted, that can say
/// where any byte came from.
#[derive(Debug, Clone, Default)]
pub struct LinkedText {
    /// The Markdown.
    pub markdown: Markdown,
    /// Byte ranges of `markdown` that are the authority's own text.
    pub local_ranges: Vec<(usize, usize)>,
    /// Byte ranges of model text that local terms never change: the
    /// sections where the model defines its terms (its `glossary:`).
    pub definitions: Vec<(usize, usize)>,
    /// Byte ranges of `markdown` that readers are shown as the council's,
    /// with their marks (see [`crate::stages::overlay::Mark`]).
    pub marks: Vec<(usize, usize, Arc<crate::stages::overlay::Mark>)>,
    anchors: Vec<Anchor>,
}

impl LinkedText {
    /// Joins chunks, substituting variables. Unknown variables are reported.
    pub fn join(chunks: &[Chunk], vars: &Variables, problems: &mut Vec<Diagnostic>) -> Self {
        let mut out = LinkedText::default();
        let mut markdown = String::new();
        for chunk in chunks {
            let start = markdown.len();
            substitute(chunk, vars, (&mut markdown, &mut out.anchors), problems);
            if chunk.local {
                out.local_ranges.push((start, markdown.len()));
            }
            if let Some(mark) = &chunk.mark {
                out.marks.push((start, markdown.len(), Arc::clone(mark)));
            }
        }
        out.markdown = match chunks {
            // One chunk, and no anchor but its first: nothing was substituted.
            [chunk] if out.anchors.len() == 1 => {
                Markdown::Shared(Arc::clone(&chunk.file), chunk.range.0..chunk.range.1)
            }
            _ => Markdown::Own(markdown),
        };
        out
    }

    /// The mark of the council's text at a position, if it is marked.
    pub fn mark_at(&self, at: usize) -> Option<(usize, &Arc<crate::stages::overlay::Mark>)> {
        self.marks
            .iter()
            .enumerate()
            .find(|(_, (a, b, _))| at >= *a && at < *b)
            .map(|(i, (_, _, mark))| (i, mark))
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

    /// Whether a position is inside the authority's own text, or inside a
    /// model definition: local terms apply to neither.
    pub fn is_local(&self, at: usize) -> bool {
        self.local_ranges
            .iter()
            .chain(&self.definitions)
            .any(|&(a, b)| at >= a && at < b)
    }
}

/// The values `{{ … }}` can name in an edition.
#[derive(Debug, Default)]
pub struct Variables {
    values: BTreeMap<String, String>,
    /// The authority's local terms, model → local.
    terms: Vec<(String, String)>,
}

impl Variables {
    /// A one-line setting (a title, a summary) with variables substituted
    /// and, on model pages, the authority's local terms applied. Unknown
    /// variables are reported at the setting's line.
    fn plain(
        &self,
        text: &str,
        file: &Arc<SourceFile>,
        local: bool,
        key: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}").map(|i| open + i) else {
                break;
            };
            if rest[..open].ends_with('\\') {
                // `\{{` shows `{{` as written.
                out.push_str(&rest[..open - 1]);
                out.push_str("{{");
                rest = &rest[open + 2..];
                continue;
            }
            out.push_str(&rest[..open]);
            let name = rest[open + 2..close].trim();
            match self.values.get(name) {
                Some(value) => out.push_str(value),
                None => {
                    let at = crate::text::frontmatter::find_key(file, (0, file.text.len()), key);
                    problems.push(unknown_variable(self, name).at(file, at.0, at.1));
                    out.push_str(&rest[open..close + 2]);
                }
            }
            rest = &rest[close + 2..];
        }
        out.push_str(rest);
        if local || self.terms.is_empty() {
            return out;
        }
        crate::text::terms::apply(&out, &self.terms)
            .into_iter()
            .map(|piece| match piece {
                crate::text::terms::Piece::Plain(p) => p,
                crate::text::terms::Piece::Term { local, .. } => local,
            })
            .collect()
    }

    /// The variables of an edition: `authority.name`, `authority.short_name`
    /// and `vars.NAME` for each entry of `variables:`.
    pub fn of(edition: &Edition) -> Self {
        Self::of_authority(edition.authority)
    }

    fn of_authority(authority: Option<&Authority>) -> Self {
        let mut values = BTreeMap::new();
        let mut terms = Vec::new();
        if let Some(authority) = authority {
            terms = authority
                .config
                .terms
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            values.insert("authority.name".to_string(), authority.config.name.clone());
            values.insert(
                "authority.short_name".to_string(),
                authority.config.short_name.clone(),
            );
            for (k, v) in &authority.config.variables {
                values.insert(format!("vars.{k}"), v.clone());
            }
        }
        Self { values, terms }
    }
}

/// Adds `chunk`'s text to `markdown`, with its variables substituted, and an
/// anchor to `anchors` where it starts and after each substitution.
fn substitute(
    chunk: &Chunk,
    vars: &Variables,
    (markdown, anchors): (&mut String, &mut Vec<Anchor>),
    problems: &mut Vec<Diagnostic>,
) {
    let text = chunk.text();
    let mut rest_start = 0;
    let anchor = |markdown: &String, anchors: &mut Vec<Anchor>, offset: usize| {
        anchors.push(Anchor {
            at: markdown.len(),
            file: Arc::clone(&chunk.file),
            offset: chunk.range.0 + offset,
        });
    };
    anchor(markdown, anchors, 0);
    let places = if text.contains("{{") || text.contains("[[") {
        literal_places(text)
    } else {
        Places::default()
    };
    let mut search = 0;
    while let Some(open) = next_marker(text, search) {
        let found = if text[open..].starts_with("{{") {
            variable_at(text, open, &places).and_then(|found| {
                replace_variable(found, vars, problems, &|d, start, end| {
                    d.at(&chunk.file, chunk.range.0 + start, chunk.range.0 + end)
                })
            })
        } else {
            table_link_at(text, open, &places).map(|(end, with)| (open, end, with))
        };
        let Some((start, end, replacement)) = found else {
            search = open + 2;
            continue;
        };
        markdown.push_str(&text[rest_start..start]);
        markdown.push_str(&replacement);
        rest_start = end;
        search = end;
        anchor(markdown, anchors, rest_start);
    }
    markdown.push_str(&text[rest_start..]);
}

/// The next `{{` or `[[` at or after `from`.
fn next_marker(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at + 1 < bytes.len() {
        let i = at + memchr::memchr2(b'{', b'[', &bytes[at..bytes.len() - 1])?;
        if bytes[i + 1] == bytes[i] {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// A `{{` found in Markdown text, and what it is.
#[derive(Debug, Clone, Copy)]
enum Found<'t> {
    /// `\{{` where the backslash is not taken out by Markdown (in code or
    /// raw HTML): the backslash goes, and `{{` shows as written. The range
    /// is the backslash and the braces.
    Escape(usize, usize),
    /// `{{ NAME }}` at `start..end`, with its context.
    Variable {
        start: usize,
        end: usize,
        name: &'t str,
        context: Context,
    },
}

/// What the `{{` at `open` is; `None` if it is left as written (escaped in
/// Markdown text, no closing `}}`).
fn variable_at<'t>(text: &'t str, open: usize, places: &Places) -> Option<Found<'t>> {
    let literal = places
        .literal
        .iter()
        .find(|&&(a, b, _)| a <= open && open < b)
        .map(|&(_, _, context)| context);
    if literal.is_some() && text[..open].ends_with('\\') {
        return Some(Found::Escape(open - 1, open + 2));
    }
    let close = text[open..].find("}}").map(|i| open + i)?;
    let name = text[open + 2..close].trim();
    let context = literal.unwrap_or_else(|| context_of(text, open, close + 2));
    if name.contains('\n') || name.len() > 100 || context == Context::Escaped {
        return None;
    }
    Some(Found::Variable {
        start: open,
        end: close + 2,
        name,
        context,
    })
}

/// The text that stands for what [`variable_at`] found, as `(start, end,
/// replacement)`: a variable's value written for its context, `{{` for an
/// escape; `None` to leave it as written. A name that is not a variable of
/// the edition is an error in text (`locate` points it at the file), and is
/// left as written in code, which may show any braces.
fn replace_variable(
    found: Found,
    vars: &Variables,
    problems: &mut Vec<Diagnostic>,
    locate: &dyn Fn(Diagnostic, usize, usize) -> Diagnostic,
) -> Option<(usize, usize, String)> {
    let (start, end, name, context) = match found {
        Found::Escape(start, end) => return Some((start, end, "{{".to_string())),
        Found::Variable {
            start,
            end,
            name,
            context,
        } => (start, end, name, context),
    };
    match vars.values.get(name) {
        Some(value) => Some((start, end, insert_value(value, context))),
        None if context == Context::Code => None,
        None => {
            problems.push(locate(unknown_variable(vars, name), start, end));
            None
        }
    }
}

/// A cross-reference with its own text whose `|` a table would take for a
/// cell border: `[[id\\|text]]` anywhere, or `[[id|text]]` in a table row.
/// Returns where it ends and the same link written `[text](id)`.
fn table_link_at(text: &str, open: usize, places: &Places) -> Option<(usize, String)> {
    let line_end = text[open..].find('\n').map_or(text.len(), |i| open + i);
    let close = text[open..line_end].find("]]").map(|i| open + i)?;
    let inner = &text[open + 2..close];
    if places
        .literal
        .iter()
        .any(|&(a, b, _)| a <= open && open < b)
    {
        return None;
    }
    let (dest, label) = match inner.split_once("\\|") {
        Some(split) => split,
        None if places.tables.iter().any(|&(a, b)| a <= open && open < b) => {
            inner.split_once('|')?
        }
        None => return None,
    };
    let dest = dest.trim();
    if dest.is_empty() || dest.contains(['[', ']', '(', ')', ' ', '<', '>']) {
        return None;
    }
    Some((close + 2, format!("[{}]({dest})", label.trim())))
}

/// The error for a `{{ … }}` that names no variable of the edition.
fn unknown_variable(vars: &Variables, name: &str) -> Diagnostic {
    let hint = if vars.values.is_empty() {
        "variables belong to an authority's edition; the model has none. To show `{{` as written, write `\\{{`, or put it in code (`…`)".to_string()
    } else {
        did_you_mean(
            name,
            vars.values.keys().map(String::as_str),
            "use `authority.name`, `authority.short_name` or `vars.NAME` with a NAME listed under `variables:` in authority.yaml; to show `{{` as written, write `\\{{`",
        )
    };
    Diagnostic::error(
        "unknown-variable",
        format!("`{{{{ {name} }}}}` names no variable"),
    )
    .hint(hint)
}

/// Where a `{{ … }}` was written, which decides how its value goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Markdown text: the value is escaped so it reads as written.
    Text,
    /// A `{{` escaped as `\{{` in Markdown text: nothing is substituted,
    /// and Markdown takes the backslash out.
    Escaped,
    /// Code: a variable's value goes in as it is (code has no escapes);
    /// anything else stays as written.
    Code,
    /// Raw HTML: the value is escaped for HTML.
    Html,
    /// Inside `<…>`: an autolink, where escapes are not processed.
    Autolink,
    /// A link's destination: a web address, where spaces break the link.
    Destination,
}

/// Where, in a Markdown text, `{{` and `[[` are not plain text.
#[derive(Debug, Default)]
struct Places {
    /// Byte ranges that are code or raw HTML, with their context.
    literal: Vec<(usize, usize, Context)>,
    /// Byte ranges of tables.
    tables: Vec<(usize, usize)>,
}

/// Finds the code, raw HTML and tables of a Markdown text as the parser
/// sees them (the text is a whole chunk: a page body, an override's text or
/// a stretch of model text between sections).
fn literal_places(text: &str) -> Places {
    let mut places = Places::default();
    let mut open: Option<(usize, Context)> = None;
    for (event, range) in Parser::new_ext(text, markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Table(_)) => places.tables.push((range.start, range.end)),
            Event::Start(Tag::CodeBlock(_)) if open.is_none() => {
                open = Some((range.start, Context::Code));
            }
            Event::Start(Tag::HtmlBlock) if open.is_none() => {
                open = Some((range.start, Context::Html));
            }
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                if let Some((start, context)) = open.take() {
                    places.literal.push((start, range.end, context));
                }
            }
            Event::Code(_) => places.literal.push((range.start, range.end, Context::Code)),
            Event::InlineHtml(_) | Event::Html(_) if open.is_none() => {
                places.literal.push((range.start, range.end, Context::Html));
            }
            _ => {}
        }
    }
    places
}

/// The context of the `{{ … }}` at `open..close` of `text`, outside code
/// and raw HTML.
fn context_of(text: &str, open: usize, close: usize) -> Context {
    let before = &text[text[..open].rfind('\n').map_or(0, |i| i + 1)..open];
    let after = &text[close..text[close..].find('\n').map_or(text.len(), |i| close + i)];
    if before.ends_with('\\') && !before.ends_with("\\\\") {
        return Context::Escaped;
    }
    // The address written around the `{{ … }}`, up to the nearest space.
    let word_start = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |i| i + 1);
    let word = &before[word_start..];
    let tail_end = after
        .find(|c: char| c.is_whitespace())
        .unwrap_or(after.len());
    let tail = &after[..tail_end];
    if word.rfind('<').is_some_and(|i| !word[i..].contains('>'))
        && tail.find('>').is_some_and(|i| !tail[..i].contains('<'))
    {
        return Context::Autolink;
    }
    let in_inline_link = word
        .rfind("](")
        .is_some_and(|i| !word[i + 2..].contains(')'));
    let definition = before[..word_start].trim_start();
    let in_definition =
        definition.starts_with('[') && definition.trim_end().ends_with("]:") && word_start > 0;
    if in_inline_link || in_definition {
        return Context::Destination;
    }
    Context::Text
}

/// A variable's value as Markdown that shows it as written in its context.
fn insert_value(value: &str, context: Context) -> String {
    match context {
        Context::Text | Context::Escaped => markdown::escape_text(value),
        Context::Code => value.to_string(),
        Context::Html => markdown::escape_html(value),
        Context::Autolink
            if !value.contains(|c: char| c.is_whitespace() || c == '<' || c == '>') =>
        {
            value.to_string()
        }
        Context::Autolink => markdown::escape_text(value),
        Context::Destination => {
            let mut out = String::with_capacity(value.len());
            for c in value.chars() {
                match c {
                    ' ' => out.push_str("%20"),
                    c if c.is_whitespace() => {
                        for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                            out.push_str(&format!("%{byte:02X}"));
                        }
                    }
                    '\\' | '(' | ')' | '<' | '>' => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out
        }
    }
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
    /// Its body (shared with what a [`Memo`] remembers of it).
    pub text: Arc<LinkedText>,
    /// Its headings, in order, with the ids they get.
    pub sections: Arc<[SectionRef]>,
    /// Cross-references by their destination as written (`step-3#x`), resolved.
    pub links: Arc<HashMap<String, Resolved>>,
    /// Examples shown on this page, linked.
    pub examples: Arc<[LinkedText]>,
    /// The addresses its text and examples write, in order.
    pub addresses: Arc<[Address]>,
    /// The title and summary of each of those examples as readers see them.
    pub example_settings: Arc<[ExampleSettings]>,
    /// The title readers see: variables substituted and, on model pages, local terms applied.
    pub title: String,
    /// The one-line summary, treated the same way.
    pub summary: Option<String>,
    /// A fingerprint of the linked text, title, summary and examples, made
    /// when linking with a [`Memo`]; render uses it to reuse HTML.
    pub fingerprint: Option<[u8; 16]>,
    /// A fingerprint of its id, title and sections (ids, titles as named,
    /// levels), in order: what lists of the edition's pages and sections
    /// (the A to Z, the search page) read of it.
    pub outline: [u8; 16],
    /// Whether its first pass was taken from a [`Memo`]: its files, their
    /// text and the edition's variables are those of the last link.
    pub unchanged: bool,
    /// The `http:` and `https:` addresses its Markdown links to (in the text
    /// and its examples), each with where it is written.
    pub outside_links: Arc<[OutsideLink]>,
}

/// An example's title and summary with variables substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleSettings {
    /// Its title.
    pub title: String,
    /// Its one-line summary.
    pub summary: Option<String>,
}

/// What linking remembers between builds of one edition (for `serve`): each
/// page's first-pass results, with the inputs they were made from, so a
/// save re-reads only the pages whose text or variables changed.
#[derive(Debug, Default)]
pub struct Memo {
    pages: std::sync::Mutex<foldhash::HashMap<String, Remembered>>,
    last: std::sync::Mutex<Option<LastEdition>>,
}

/// What the last link of a [`Memo`]'s edition made of the edition as a
/// whole: its pages' ids in reading order, where each is, and the backlinks.
#[derive(Debug)]
struct LastEdition {
    ids: Vec<String>,
    by_id: Arc<foldhash::HashMap<String, usize>>,
    backlinks: Arc<HashMap<String, Vec<String>>>,
}

/// Every page's title and sections, by id: what references resolve against.
type Outline<'a> = foldhash::HashMap<&'a str, (&'a str, &'a [SectionRef])>;

/// How a page's references resolved, and its sections as named from them.
#[derive(Debug)]
struct Resolution {
    links: Arc<HashMap<String, Resolved>>,
    /// The other pages its references resolved to, sorted, each once.
    targets: Arc<[String]>,
    /// Its sections, a `[[id]]` in a heading named by what it links to.
    sections: Arc<[SectionRef]>,
    /// See [`LinkedPage::outline`].
    outline: [u8; 16],
}

/// A page after pass 1: its references and, when a memo knew a page of its
/// id, how that page's references resolved at the last link (if they all
/// did). That is this page's own resolution only when its first pass was
/// taken from the memo ([`LinkedPage::unchanged`]).
struct Prepared<'s> {
    page: LinkedPage<'s>,
    references: Arc<[Reference]>,
    resolved_before: Option<Arc<Resolution>>,
}

/// One page's first-pass results and what they were made from.
#[derive(Debug)]
struct Remembered {
    inputs: Inputs,
    text: Arc<LinkedText>,
    sections: Arc<[SectionRef]>,
    references: Arc<[Reference]>,
    /// How its references resolved at the last link, when they all did.
    resolution: Option<Arc<Resolution>>,
    examples: Arc<[LinkedText]>,
    addresses: Arc<[Address]>,
    example_settings: Arc<[ExampleSettings]>,
    title: String,
    summary: Option<String>,
    problems: Vec<Diagnostic>,
    fingerprint: [u8; 16],
    outside_links: Arc<[OutsideLink]>,
}

/// The inputs of a page's first pass: the very files (kept alive here, so
/// compared by identity) and byte ranges of its text and examples, and the
/// edition's variables.
#[derive(Debug)]
struct Inputs {
    pieces: Vec<(Arc<SourceFile>, (usize, usize), bool)>,
    variables: [u8; 16],
}

impl Inputs {
    fn of(page: &EditionPage, variables: [u8; 16]) -> Self {
        let mut pieces = vec![(Arc::clone(&page.file), (0, 0), false)];
        pieces.extend(
            page.chunks
                .iter()
                .map(|c| (Arc::clone(&c.file), c.range, c.local)),
        );
        pieces.extend(
            page.examples
                .iter()
                .map(|ex| (Arc::clone(&ex.file), (ex.body_start, usize::MAX), true)),
        );
        Self { pieces, variables }
    }

    /// Whether `page` (with the edition's `variables`) is made from these
    /// inputs, compared without copying them.
    fn are_of(&self, page: &EditionPage, variables: [u8; 16]) -> bool {
        let page_file = std::iter::once((&page.file, (0, 0), false));
        let chunks = page.chunks.iter().map(|c| (&c.file, c.range, c.local));
        let examples = page
            .examples
            .iter()
            .map(|ex| (&ex.file, (ex.body_start, usize::MAX), true));
        self.variables == variables
            && self.pieces.len() == 1 + page.chunks.len() + page.examples.len()
            && self
                .pieces
                .iter()
                .zip(page_file.chain(chunks).chain(examples))
                .all(|(a, b)| Arc::ptr_eq(&a.0, b.0) && a.1 == b.1 && a.2 == b.2)
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

    /// Every address the edition's texts write (see [`Address`]), by the
    /// key it is compared by with the rendered pages (`address::key`), each
    /// with the page it is on.
    pub fn addresses(&self) -> HashMap<String, Vec<(&LinkedPage<'s>, &Address)>> {
        let mut found: HashMap<String, Vec<(&LinkedPage<'s>, &Address)>> = HashMap::new();
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
}

impl Address {
    /// Where it is written: a byte range of its text.
    pub fn range(&self) -> (usize, usize) {
        self.range
    }

    /// Which text of its page it is written in: `None` for the page's
    /// body, `Some(i)` for the i-th example.
    pub fn example(&self) -> Option<usize> {
        self.example
    }

    /// Points `diagnostic` at where this address is written on `page`.
    pub fn locate(&self, page: &LinkedPage, diagnostic: Diagnostic) -> Diagnostic {
        text_of(page, self.example).locate(diagnostic, self.range)
    }
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
    let outline: Outline = linked
        .pages
        .iter()
        .map(|p| (p.page.id(), (p.title.as_str(), &p.sections[..])))
        .collect();
    let sides = Sides {
        model: linked.edition.model,
        authority: linked.edition.authority,
    };
    let links = references_in(&text, None, &mut Vec::new(), &mut ignored, &mut Vec::new())
        .into_iter()
        .filter_map(|r| {
            let resolved = resolve(&r.dest, from, &outline, sides).ok()?;
            Some((r.dest, resolved))
        })
        .collect();
    (text, links)
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
pub fn link<'s>(edition: Edition<'s>, diagnostics: &Diagnostics) -> LinkedEdition<'s> {
    link_with(edition, diagnostics, None)
}

/// Links an edition, reusing what `memo` holds of its last link: the
/// first-pass results of pages whose text and variables did not change,
/// and how their references resolved (see the module's comment); what is
/// made afresh is remembered.
pub fn link_with<'s>(
    mut edition: Edition<'s>,
    diagnostics: &Diagnostics,
    memo: Option<&Memo>,
) -> LinkedEdition<'s> {
    let vars = Variables::of(&edition);
    let variables = vars.fingerprint();
    let pages = std::mem::take(&mut edition.pages);
    // Pass 1: join text, substitute variables, find headings and references.
    let Some(memo) = memo else {
        let prepared = pages
            .into_par_iter()
            .map(|page| {
                let (page, references) = first_pass(page, &vars, diagnostics);
                Prepared {
                    page,
                    references: references.into(),
                    resolved_before: None,
                }
            })
            .collect();
        return resolve_all(edition, prepared, diagnostics, None);
    };
    let mut known = memo.pages.locked();
    // The memo is only read while pages are linked in parallel; what is
    // made afresh is kept once they all are.
    let passed: Vec<(Prepared<'s>, Option<Vec<Diagnostic>>)> = pages
        .into_par_iter()
        .map(|page| {
            let before = known.get(page.id());
            match before.filter(|r| r.inputs.are_of(&page, variables)) {
                Some(r) => {
                    diagnostics.extend(r.problems.iter().cloned());
                    (r.page(page), None)
                }
                None => {
                    let problems = Diagnostics::new();
                    let (page, references) = first_pass(page, &vars, &problems);
                    let problems = problems.into_sorted();
                    diagnostics.extend(problems.iter().cloned());
                    let prepared = Prepared {
                        page,
                        references: references.into(),
                        resolved_before: before.and_then(|r| r.resolution.clone()),
                    };
                    (prepared, Some(problems))
                }
            }
        })
        .collect();
    let mut prepared = Vec::with_capacity(passed.len());
    for (mut passed, fresh) in passed {
        if let Some(problems) = fresh {
            let inputs = Inputs::of(&passed.page.page, variables);
            let references = Arc::clone(&passed.references);
            let remembered = Remembered::of(&mut passed.page, inputs, references, problems);
            known.insert(passed.page.page.id().to_string(), remembered);
        }
        prepared.push(passed);
    }
    // Forget pages the edition no longer has. Every page it has is known
    // now, so the memo knows no other while it knows no more pages than
    // the edition has (ids are the edition's own, each once).
    if known.len() > prepared.len() {
        let ids: foldhash::HashSet<&str> = prepared.iter().map(|p| p.page.page.id()).collect();
        known.retain(|id, _| ids.contains(id.as_str()));
    }
    drop(known);
    resolve_all(edition, prepared, diagnostics, Some(memo))
}

/// Pass 1 for one page: join its text, substitute variables, find its
/// headings and references.
fn first_pass<'s>(
    page: EditionPage<'s>,
    vars: &Variables,
    diagnostics: &Diagnostics,
) -> (LinkedPage<'s>, Vec<Reference>) {
    let mut problems = Vec::new();
    let mut text = LinkedText::join(&page.chunks, vars, &mut problems);
    if !page.meta.glossary.is_empty() {
        keep_definitions(&mut text, &page.meta.glossary);
    }
    let mut sections = sections_of(&text.markdown);
    if !vars.terms.is_empty() {
        name_sections(
            &text,
            &mut sections,
            &vars.terms,
            &HashMap::new(),
            &|_, _| None,
        );
    }
    let mut addresses = Vec::new();
    let mut outside_links = Vec::new();
    let mut references = references_in(
        &text,
        None,
        &mut addresses,
        &mut problems,
        &mut outside_links,
    );
    if !text.marks.is_empty() && text.markdown.contains("[^") {
        check_footnotes(&text, &mut problems);
    }
    check_outline(&text, &mut problems);
    let examples = page
        .examples
        .iter()
        .enumerate()
        .map(|(i, ex)| {
            let chunk = Chunk {
                file: Arc::clone(&ex.file),
                range: (ex.body_start, ex.file.text.len()),
                local: true,
                mark: None,
            };
            let linked = LinkedText::join(std::slice::from_ref(&chunk), vars, &mut problems);
            let example = Some(i);
            references.extend(references_in(
                &linked,
                example,
                &mut addresses,
                &mut problems,
                &mut outside_links,
            ));
            linked
        })
        .collect();
    let local = page.origin == crate::stages::overlay::Origin::Local;
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
        addresses: addresses.into(),
        fingerprint: None,
        outline: [0; 16],
        unchanged: false,
        outside_links: outside_links.into(),
    };
    diagnostics.extend(problems);
    (linked, references)
}

/// Pass 2: resolves every page's references against every page's sections,
/// and records backlinks and where local terms are used. With a `memo`, a
/// page's resolution from the last link is kept while nothing it was made
/// from can have changed, and what is made afresh is remembered.
fn resolve_all<'s>(
    edition: Edition<'s>,
    prepared: Vec<Prepared<'s>>,
    diagnostics: &Diagnostics,
    memo: Option<&Memo>,
) -> LinkedEdition<'s> {
    let last = memo.and_then(|m| m.last.locked().take());
    // The same pages in the same order: every id resolves as before.
    let last = last.filter(|l| {
        l.ids.len() == prepared.len()
            && l.ids
                .iter()
                .zip(&prepared)
                .all(|(id, p)| id == p.page.page.id())
    });
    let read_again: foldhash::HashSet<&str> = prepared
        .iter()
        .filter(|p| !p.page.unchanged)
        .map(|p| p.page.page.id())
        .collect();
    let kept = |p: &Prepared| -> Option<Arc<Resolution>> {
        let before = p.resolved_before.as_ref();
        let before = before.filter(|_| last.is_some() && p.page.unchanged)?;
        // Only a page read again can have other sections or another title.
        let same = before
            .targets
            .iter()
            .all(|t| !read_again.contains(t.as_str()));
        same.then(|| Arc::clone(before))
    };
    let outline: Outline = prepared
        .iter()
        .map(|p| {
            (
                p.page.page.id(),
                (p.page.title.as_str(), &p.page.sections[..]),
            )
        })
        .collect();
    let sides = Sides {
        model: edition.model,
        authority: edition.authority,
    };
    let terms = edition_terms(edition.authority);
    let lookups = Lookups {
        outline: &outline,
        sides,
        terms: &terms,
    };
    // Diagnostics are sorted when they are printed, so pages can be
    // resolved in any order. Each resolution comes with whether to remember
    // it: made now, with every reference resolved.
    let resolutions: Vec<(Arc<Resolution>, bool)> = prepared
        .par_iter()
        .map(|p| match kept(p) {
            Some(before) => (before, false),
            None => {
                let (resolution, all_resolved) = resolve_page(p, &lookups, diagnostics);
                (Arc::new(resolution), all_resolved)
            }
        })
        .collect();
    let backlinks = match last.as_ref() {
        Some(l) if same_targets(&prepared, &resolutions) => Arc::clone(&l.backlinks),
        _ => Arc::new(backlinks_of(&prepared, &resolutions)),
    };
    let by_id = match last.as_ref() {
        Some(l) => Arc::clone(&l.by_id),
        None => Arc::new(
            prepared
                .iter()
                .enumerate()
                .map(|(i, p)| (p.page.page.id().to_string(), i))
                .collect(),
        ),
    };
    if let Some(memo) = memo {
        remember(memo, &prepared, &resolutions, last, &by_id, &backlinks);
    }
    let linked_pages = with_resolutions(prepared, resolutions);
    let term_uses = term_uses(&edition, &linked_pages);
    LinkedEdition {
        edition,
        pages: linked_pages,
        backlinks,
        term_uses,
        by_id,
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

/// What resolving one page looks things up in: every page's title and
/// sections, by id; the model and authority; the local terms.
struct Lookups<'a> {
    outline: &'a Outline<'a>,
    sides: Sides<'a>,
    terms: &'a [(String, String)],
}

/// Resolves one page's references (reporting those that do not resolve)
/// and names its sections from them; with whether every one resolved.
fn resolve_page(p: &Prepared, lookups: &Lookups, diagnostics: &Diagnostics) -> (Resolution, bool) {
    let page = &p.page;
    let mut links = HashMap::new();
    let mut all_resolved = true;
    for reference in p.references.iter() {
        match resolve(
            &reference.dest,
            page.page.id(),
            lookups.outline,
            lookups.sides,
        ) {
            Ok(r) => {
                links.insert(reference.dest.clone(), r);
            }
            Err((message, hint)) => {
                all_resolved = false;
                diagnostics.push(reference.text(page).locate(
                    Diagnostic::error("unknown-id", message).hint(hint),
                    reference.range,
                ));
            }
        }
    }
    let sections = if p.references.iter().any(|r| r.names_heading) {
        let mut sections = page.sections.to_vec();
        name_sections(
            &page.text,
            &mut sections,
            lookups.terms,
            &links,
            &|id, section| title_in(lookups.outline, id, section),
        );
        sections.into()
    } else {
        Arc::clone(&page.sections)
    };
    let mut targets: Vec<String> = links
        .values()
        .filter_map(|r| match r {
            Resolved::Page { page: target, .. } if target != page.page.id() => Some(target.clone()),
            _ => None,
        })
        .collect();
    targets.sort_unstable();
    targets.dedup();
    let resolution = Resolution {
        links: Arc::new(links),
        targets: targets.into(),
        outline: outline_of(page.page.id(), &page.title, &sections),
        sections,
    };
    (resolution, all_resolved)
}

/// See [`LinkedPage::outline`].
fn outline_of(id: &str, title: &str, sections: &[SectionRef]) -> [u8; 16] {
    let mut f = Fingerprint::default();
    f.text(id).text(title).number(sections.len() as u64);
    for s in sections {
        f.text(&s.id).text(&s.title).number(u64::from(s.level));
    }
    f.finish()
}

/// Whether every page links to the pages the page of its id linked to at
/// the last link.
fn same_targets(prepared: &[Prepared], resolutions: &[(Arc<Resolution>, bool)]) -> bool {
    prepared
        .iter()
        .zip(resolutions)
        .all(|(p, (now, _))| match &p.resolved_before {
            Some(before) => Arc::ptr_eq(before, now) || before.targets == now.targets,
            None => false,
        })
}

/// For each page, the pages that link to it, in reading order.
fn backlinks_of(
    prepared: &[Prepared],
    resolutions: &[(Arc<Resolution>, bool)],
) -> HashMap<String, Vec<String>> {
    let mut backlinks: HashMap<String, Vec<String>> = HashMap::new();
    for (p, (resolution, _)) in prepared.iter().zip(resolutions) {
        for target in resolution.targets.iter() {
            backlinks
                .entry(target.clone())
                .or_default()
                .push(p.page.page.id().to_string());
        }
    }
    backlinks
}

/// Keeps in `memo` the resolutions made afresh in which every reference
/// resolved (each with the first pass it was made from), and the edition's
/// ids, places and backlinks.
fn remember(
    memo: &Memo,
    prepared: &[Prepared],
    resolutions: &[(Arc<Resolution>, bool)],
    last: Option<LastEdition>,
    by_id: &Arc<foldhash::HashMap<String, usize>>,
    backlinks: &Arc<HashMap<String, Vec<String>>>,
) {
    let mut known = memo.pages.locked();
    for (p, (resolution, all_resolved)) in prepared.iter().zip(resolutions) {
        let kept = p.resolved_before.as_ref();
        if kept.is_some_and(|before| Arc::ptr_eq(before, resolution)) {
            continue;
        }
        let Some(entry) = known.get_mut(p.page.page.id()) else {
            continue;
        };
        // Only with the very first pass it was resolved from.
        if Arc::ptr_eq(&entry.text, &p.page.text) {
            entry.resolution = all_resolved.then(|| Arc::clone(resolution));
        }
    }
    drop(known);
    let ids = match last {
        Some(l) => l.ids,
        None => prepared
            .iter()
            .map(|p| p.page.page.id().to_string())
            .collect(),
    };
    *memo.last.locked() = Some(LastEdition {
        ids,
        by_id: Arc::clone(by_id),
        backlinks: Arc::clone(backlinks),
    });
}

/// The model and authority an edition is made of, for resolving references.
#[derive(Clone, Copy)]
struct Sides<'a> {
    model: &'a crate::model::handbook::Model,
    authority: Option<&'a Authority>,
}

impl Variables {
    /// A fingerprint of the variables and local terms.
    fn fingerprint(&self) -> [u8; 16] {
        let mut f = Fingerprint::default();
        for (k, v) in &self.values {
            f.text(k).text(v);
        }
        for (k, v) in &self.terms {
            f.text(k).text(v);
        }
        f.finish()
    }
}

impl Remembered {
    /// What pass 1 made of a page, with the inputs it was made from; stamps
    /// the page with its fingerprint.
    fn of(
        linked: &mut LinkedPage,
        inputs: Inputs,
        references: Arc<[Reference]>,
        problems: Vec<Diagnostic>,
    ) -> Self {
        let fingerprint = fingerprint_of_page(linked);
        linked.fingerprint = Some(fingerprint);
        Self {
            inputs,
            text: Arc::clone(&linked.text),
            sections: linked.sections.clone(),
            references,
            resolution: None,
            examples: linked.examples.clone(),
            addresses: linked.addresses.clone(),
            example_settings: linked.example_settings.clone(),
            title: linked.title.clone(),
            summary: linked.summary.clone(),
            problems,
            fingerprint,
            outside_links: linked.outside_links.clone(),
        }
    }

    /// `page` as pass 1 made it before, with its references and how they
    /// resolved at the last link.
    fn page<'s>(&self, page: EditionPage<'s>) -> Prepared<'s> {
        let linked = LinkedPage {
            page,
            text: Arc::clone(&self.text),
            sections: self.sections.clone(),
            links: Arc::default(),
            examples: self.examples.clone(),
            addresses: self.addresses.clone(),
            example_settings: self.example_settings.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            fingerprint: Some(self.fingerprint),
            outline: [0; 16],
            unchanged: true,
            outside_links: self.outside_links.clone(),
        };
        Prepared {
            page: linked,
            references: Arc::clone(&self.references),
            resolved_before: self.resolution.clone(),
        }
    }
}

/// A fingerprint of what pass 1 made of a page.
fn fingerprint_of_page(linked: &LinkedPage) -> [u8; 16] {
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

/// A cross-reference found in text: its destination and where it is.
#[derive(Debug, Clone)]
struct Reference {
    dest: String,
    range: (usize, usize),
    /// `None` for the page body, `Some(i)` for the i-th example.
    example: Option<usize>,
    /// Whether it is a `[[id]]` in a heading, which names the heading.
    names_heading: bool,
}

impl Reference {
    fn text<'a>(&self, page: &'a LinkedPage) -> &'a LinkedText {
        text_of(page, self.example)
    }
}

/// The page's body (`None`) or one of its examples.
fn text_of<'a>(page: &'a LinkedPage, example: Option<usize>) -> &'a LinkedText {
    match example {
        Some(i) => &page.examples[i],
        None => &page.text,
    }
}

/// An address written in a page's text that stays an address in its HTML:
/// a Markdown link or image, or an `href` or `src` in raw HTML, that does
/// not go to another site.
#[derive(Debug, Clone)]
pub struct Address {
    /// The address as the parser read it.
    pub url: String,
    /// Whether it is an image's.
    pub image: bool,
    /// Whether this stage checks it itself, so the check of the rendered
    /// pages leaves it out: a Markdown link's cross-reference by id
    /// (`step-3`, `#x`; a link to an unknown id is already reported), or an
    /// address already reported as unsafe or unreadable.
    pub checked_here: bool,
    range: (usize, usize),
    /// `None` for the page body, `Some(i)` for the i-th example.
    example: Option<usize>,
}

/// The cross-references of a text, and the addresses it writes (added to
/// `addresses`); problems with what it would put in a reader's browser go
/// to `problems`.
fn references_in(
    text: &LinkedText,
    example: Option<usize>,
    addresses: &mut Vec<Address>,
    problems: &mut Vec<Diagnostic>,
    outside_links: &mut Vec<OutsideLink>,
) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut safety = SafetyCheck::default();
    let mut in_heading = false;
    let mut columns = 0;
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        safety.see(text, &event, (range.start, range.end), problems);
        match &event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::Table(alignments)) => columns = alignments.len(),
            Event::Start(Tag::TableRow) => {
                check_row(text, (range.start, range.end), columns, problems);
            }
            _ => {}
        }
        addresses.extend(markdown_address(&event, (range.start, range.end), example));
        if let Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) = event
        {
            if matches!(Written::read(&dest_url).scheme(), Some("http" | "https")) {
                if let Some((file, at)) = text.origin(range.start) {
                    let span = Some((at, (at + range.len()).min(file.text.len())));
                    let file = Arc::clone(file);
                    outside_links.push((
                        dest_url.to_string(),
                        crate::support::diagnostic::Location { file, span },
                    ));
                }
                continue;
            }
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
                    names_heading: in_heading
                        && example.is_none()
                        && matches!(link_type, LinkType::WikiLink { has_pothole: false }),
                });
            }
        }
    }
    addresses.extend(
        safety
            .addresses
            .into_iter()
            .map(|(url, range, image)| Address {
                // Written in HTML, it is published as written: never read as an id.
                checked_here: false,
                url,
                image,
                range,
                example,
            }),
    );
    found
}

/// The address a Markdown link or image writes, unless it goes to
/// another site or nowhere.
fn markdown_address(
    event: &Event,
    range: (usize, usize),
    example: Option<usize>,
) -> Option<Address> {
    let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
        event
    else {
        return None;
    };
    let href = markdown::href(dest_url);
    let written = Written::read(&href);
    if matches!(
        written.kind,
        Kind::Outside(_) | Kind::OtherHost | Kind::Empty
    ) {
        return None;
    }
    let image = matches!(event, Event::Start(Tag::Image { .. }));
    let wiki = matches!(
        event,
        Event::Start(Tag::Link {
            link_type: LinkType::WikiLink { .. },
            ..
        })
    );
    // Only a link's address is read as a page's id (and made its file); an
    // address `address_problem` finds fault with is reported already (of
    // those left here, the unsafe and unpublishable ones).
    let by_id = !image && (wiki || is_id_reference(dest_url));
    let reported = !written.publishable() || unsafe_as_written(dest_url).is_some();
    Some(Address {
        url: dest_url.to_string(),
        image,
        checked_here: by_id || reported,
        range,
        example,
    })
}

/// Reports headings that break a page's outline, as the HTML Standard's
/// headings and WCAG 2.2 (1.3.1, Info and Relationships) read it: a `#`
/// heading, which would be a second `h1` beside the page's title, and a
/// heading more than one level below the one before it (`##` then `####`),
/// which leaves a screen reader's list of headings with a gap.
fn check_outline(text: &LinkedText, problems: &mut Vec<Diagnostic>) {
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

/// Warns where a council's override on a model page defines a footnote
/// with a label the model's text on the page also defines: each keeps its
/// own note (the renderer gives the override's its own id), but readers
/// would see two notes with one number. A model reference whose note the
/// council's text took out is shown as written, with a warning.
fn check_footnotes(text: &LinkedText, problems: &mut Vec<Diagnostic>) {
    let mut defined: Vec<(Option<usize>, String, (usize, usize))> = Vec::new();
    let mut model_references: Vec<(String, (usize, usize))> = Vec::new();
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let scope = text.mark_at(range.start).map(|(i, _)| i);
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                defined.push((
                    scope,
                    label.to_string(),
                    (range.start, range.start + label.len() + 3),
                ));
            }
            Event::FootnoteReference(label) if scope.is_none() => {
                model_references.push((label.to_string(), (range.start, range.end)));
            }
            _ => {}
        }
    }
    let in_model = |label: &str| defined.iter().any(|(s, l, _)| s.is_none() && l == label);
    let free = defined
        .iter()
        .filter_map(|(_, l, _)| l.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    for (_, label, range) in defined
        .iter()
        .filter(|(s, l, _)| s.is_some() && in_model(l))
    {
        problems.push(text.locate(
            Diagnostic::warning(
                "footnote-label-taken",
                format!("the model's text on this page already has a footnote `[^{label}]`, so readers would see two notes marked {label}"),
            )
            .hint(format!("each reference still goes to its own note, but give this note a label the page does not use, such as `[^{free}]`, in its references and its definition")),
            *range,
        ));
    }
    for (label, range) in model_references.iter().filter(|(l, _)| !in_model(l)) {
        if defined.iter().any(|(_, l, _)| l == label) {
            problems.push(text.locate(
                Diagnostic::warning(
                    "footnote-note-removed",
                    format!("the model's footnote reference `[^{label}]` has lost its note on this page: an override took out the text that held it"),
                )
                .hint("it is shown as written; keep the model's note in the override's text, or change the text that refers to it with an override too"),
                *range,
            ));
        }
    }
}

/// Warns about a table row with more cells than its table has columns:
/// the parser drops the extra cells, and their text with them.
fn check_row(
    text: &LinkedText,
    range: (usize, usize),
    columns: usize,
    problems: &mut Vec<Diagnostic>,
) {
    let row = text.markdown[range.0..range.1].trim();
    let mut cells = 1;
    let mut in_code = false;
    let mut escaped = false;
    for c in row.trim_start_matches('|').chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '`' => in_code = !in_code,
            '|' if !escaped && !in_code => cells += 1,
            _ => {}
        }
        escaped = false;
    }
    if row.ends_with('|') && !row.ends_with("\\|") && row.len() > 1 {
        cells -= 1;
    }
    if cells > columns && columns > 0 {
        problems.push(text.locate(
            Diagnostic::warning(
                "table-row-too-long",
                format!("this table row has {cells} cells but the table has {columns} columns, so the text of the last {} is not shown", cells - columns),
            )
            .hint("write a `|` that is part of a cell's text as `\\|`, or add the column to the table's first two lines"),
            (range.0, range.0 + row.len().max(1)),
        ));
    }
}

/// Looks at what one text would put into a reader's browser, event by event.
#[derive(Default)]
struct SafetyCheck {
    /// The raw HTML block being read: where each piece starts in the joined
    /// Markdown, and its text (a block arrives a line at a time).
    block: Option<Vec<(usize, String)>>,
    nesting: markdown::Nesting,
    /// Fragments already looked at, with what was found, so repeated tags cost nothing.
    seen: HashMap<String, crate::text::sanitize::FragmentCheck>,
    /// Addresses of the edition's files in raw HTML: the address, where it
    /// is, and whether an image's.
    addresses: Vec<(String, (usize, usize), bool)>,
}

impl SafetyCheck {
    fn see(
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
fn unsafe_as_written(url: &str) -> Option<String> {
    match Written::read(url).kind {
        Kind::Unsafe(scheme) => Some(scheme),
        _ => None,
    }
}

fn unsafe_address(scheme: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        "unsafe-address",
        format!("this {what} uses a `{scheme}:` address, which could run code or hide content in a reader's browser"),
    )
    .hint("link to a page by its id (`[[step-3]]`) or to a web address (`https://…`); put images in the `static/` folder and use `assets/NAME`")
}

fn outside_image(url: &str) -> Diagnostic {
    Diagnostic::error(
        "outside-image",
        format!("this image would be loaded from another site ({url})"),
    )
    .hint("an edition makes no request to any outside host: save the image in `static/` (the theme's, or the authority's `local-overrides/<slug>/static/`) and use `assets/NAME`; a link to the page on the other site is fine")
}

fn resolve(
    dest: &str,
    from: &str,
    outline: &Outline,
    edition: Sides,
) -> Result<Resolved, (String, String)> {
    let (page, section) = match dest.split_once('#') {
        Some((page, section)) => (if page.is_empty() { from } else { page }, Some(section)),
        None => (dest, None),
    };
    let Some(&(_, sections)) = outline.get(page) else {
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
                outline.keys().copied(),
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

/// An edition's local terms, model → local.
pub fn edition_terms(authority: Option<&Authority>) -> Vec<(String, String)> {
    authority
        .map(|a| {
            a.config
                .terms
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The title of a page, or of one of its sections, by id.
fn title_in(titles: &Outline, page: &str, section: Option<&str>) -> Option<String> {
    let (title, sections) = titles.get(page)?;
    match section {
        None => Some(title.to_string()),
        Some(id) => sections
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.clone()),
    }
}

/// Names each section as its heading reads on the page: local terms
/// applied to model text, and a `[[id]]` shown as the title of what it links
/// to (`title_of(page, section)`), so that "On this page", cross-references,
/// the A to Z and the print contents use the name the heading shows.
fn name_sections(
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
fn keep_definitions(text: &mut LinkedText, glossary: &[crate::model::page::GlossaryEntry]) {
    let headings = markdown::headings(&text.markdown);
    let sections = sections_of(&text.markdown);
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
                // A heading's `&#16;`: SafetyCheck warns where it is written.
                title: crate::support::characters::publishable(h.text.trim()).into_owned(),
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
            mark: None,
        };
        let mut values = BTreeMap::new();
        values.insert("vars.phone".to_string(), "01632 960000".to_string());
        let vars = Variables {
            values,
            terms: Vec::new(),
        };
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
