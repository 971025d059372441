//! Variables: joins a text's chunks into one [`LinkedText`] and substitutes
//! `{{ authority.name }}`, `{{ authority.short_name }}` and `{{ vars.NAME }}`
//! so that each value reads as written where it stands (text, raw HTML, an
//! autolink, a link's address, code). In code, braces that name no
//! variable stay as written, and `\{{` shows `{{` everywhere; anywhere else
//! a name that is no variable of the edition is an error at the file, line
//! and column it was written at, with the closest names suggested. Joining
//! also writes a `[[id|text]]` in a table row as `[text](id)` (a table
//! would take its `|` for a cell border), and one-line settings (a title, a
//! summary) get their variables and the authority's local terms here.
//!
//! It changes no other text, and resolves nothing: what a `[[id]]` names is
//! for `references`.

use std::collections::BTreeMap;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::text::{Anchor, LinkedText, Markdown};
use crate::model::authority::Authority;
use crate::stages::overlay::{Chunk, Edition};
use crate::support::diagnostic::{did_you_mean, Diagnostic, SourceFile};
use crate::support::fingerprint::Fingerprint;
use crate::text::markdown;

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
    pub(super) fn plain(
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
        if let Some(authority) = authority {
            values.insert("authority.name".to_string(), authority.config.name.clone());
            values.insert(
                "authority.short_name".to_string(),
                authority.config.short_name.clone(),
            );
            for (k, v) in &authority.config.variables {
                values.insert(format!("vars.{k}"), v.clone());
            }
        }
        Self {
            values,
            terms: edition_terms(authority),
        }
    }

    /// The authority's local terms, model → local.
    pub(super) fn terms(&self) -> &[(String, String)] {
        &self.terms
    }

    /// A fingerprint of the variables and local terms.
    pub(super) fn fingerprint(&self) -> [u8; 16] {
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
enum Braces<'t> {
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
fn variable_at<'t>(text: &'t str, open: usize, places: &Places) -> Option<Braces<'t>> {
    let literal = places
        .literal
        .iter()
        .find(|&&(a, b, _)| a <= open && open < b)
        .map(|&(_, _, context)| context);
    if literal.is_some() && text[..open].ends_with('\\') {
        return Some(Braces::Escape(open - 1, open + 2));
    }
    let close = text[open..].find("}}").map(|i| open + i)?;
    let name = text[open + 2..close].trim();
    let context = literal.unwrap_or_else(|| context_of(text, open, close + 2));
    if name.contains('\n') || name.len() > 100 || context == Context::Escaped {
        return None;
    }
    Some(Braces::Variable {
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
    found: Braces,
    vars: &Variables,
    problems: &mut Vec<Diagnostic>,
    locate: &dyn Fn(Diagnostic, usize, usize) -> Diagnostic,
) -> Option<(usize, usize, String)> {
    let (start, end, name, context) = match found {
        Braces::Escape(start, end) => return Some((start, end, "{{".to_string())),
        Braces::Variable {
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
        Context::Html => crate::support::characters::escape_html(value),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Variables with these values (`vars.phone`, `authority.name`, …).
    fn vars(values: &[(&str, &str)]) -> Variables {
        Variables {
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            terms: Vec::new(),
        }
    }

    /// `body` as the council's text of an override file, joined with
    /// `vars`, with the problems found.
    fn joined(body: &str, vars: &Variables) -> (Arc<SourceFile>, LinkedText, Vec<Diagnostic>) {
        let file = SourceFile::new(
            "local-overrides/x/overrides/o.md",
            format!("---\n---\n{body}"),
        );
        let chunk = Chunk {
            file: Arc::clone(&file),
            range: (8, file.text.len()),
            local: true,
            mark: None,
        };
        let mut problems = Vec::new();
        let text = LinkedText::join(&[chunk], vars, &mut problems);
        (file, text, problems)
    }

    /// The text a reader sees of Markdown, without its markup.
    fn words(markdown: &str) -> String {
        Parser::new_ext(markdown, markdown::options())
            .filter_map(|event| match event {
                Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn variables_are_substituted_and_unknown_ones_reported_at_their_line() {
        let vars = vars(&[("vars.phone", "01632 960000")]);
        let (file, text, problems) = joined("Call {{ vars.phone }} or {{ vars.fone }}.\n", &vars);
        assert!(text.markdown.starts_with("Call 01632 960000 or"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line_col(), Some((3, 26)));
        assert!(problems[0].hint.as_deref().unwrap().contains("vars.phone"));
        // Positions after a substitution still map to the right place in the file.
        let at = text.markdown.find("or").unwrap();
        let (_, offset) = text.origin(at).unwrap();
        assert_eq!(&file.text[offset..offset + 2], "or");
    }

    #[test]
    fn the_council_name_is_substituted_and_a_misspelt_name_is_reported_with_the_closest() {
        let vars = vars(&[("authority.name", "Anytown Council"), ("vars.phone", "1")]);
        let (_, text, problems) = joined(
            "Ask {{ authority.name }}.\n\nThen ring\n{{ vars.phoen }}.\n",
            &vars,
        );
        assert_eq!(
            words(&text.markdown),
            "Ask Anytown Council.Then ring{{ vars.phoen }}."
        );
        let [problem] = &problems[..] else {
            panic!("one problem: {problems:?}");
        };
        assert_eq!(problem.code, "unknown-variable");
        assert_eq!(&*problem.message, "`{{ vars.phoen }}` names no variable");
        assert_eq!(problem.line_col(), Some((6, 1)), "line 4 of the body");
        assert_eq!(problem.hint.as_deref(), Some("did you mean `vars.phone`?"));
    }

    #[test]
    fn in_code_a_variable_is_its_value_and_other_braces_stay_as_written() {
        let vars = vars(&[("vars.phone", "01632 960000")]);
        let body = "Dial `{{ vars.phone }}`, not `{{ x }}` or `\\{{ vars.phone }}`.\n\n```\n{{ anything }}\n```\n";
        let (_, text, problems) = joined(body, &vars);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            &*text.markdown,
            "Dial `01632 960000`, not `{{ x }}` or `{{ vars.phone }}`.\n\n```\n{{ anything }}\n```\n"
        );
    }

    #[test]
    fn an_escaped_opening_shows_the_braces_and_names_nothing() {
        let (_, text, problems) = joined("Write \\{{ vars.phone }} to show it.\n", &vars(&[]));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(words(&text.markdown), "Write {{ vars.phone }} to show it.");
    }

    #[test]
    fn a_value_reads_as_written_in_text_html_and_a_links_address() {
        let vars = vars(&[
            ("vars.team", "*Care* <team> & co"),
            ("vars.form", "forms/a b.pdf"),
        ]);
        let body =
            "{{ vars.team }}\n\n<p title=\"{{ vars.team }}\">x</p>\n\n[form]({{ vars.form }})\n";
        let (_, text, problems) = joined(body, &vars);
        assert!(problems.is_empty(), "{problems:?}");
        let (first, _) = text.markdown.split_once("\n\n").unwrap();
        assert_eq!(words(first), "*Care* <team> & co");
        let events: Vec<Event> = Parser::new_ext(&text.markdown, markdown::options()).collect();
        assert!(text
            .markdown
            .contains("<p title=\"*Care* &lt;team&gt; &amp; co\">"));
        let address = events.iter().find_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        });
        assert_eq!(address.as_deref(), Some("forms/a%20b.pdf"));
    }

    #[test]
    fn a_reference_with_its_own_text_in_a_table_row_becomes_a_markdown_link() {
        let body = "| Step | Why |\n| --- | --- |\n| [[step-2|the next step]] | it follows |\n";
        let (_, text, problems) = joined(body, &vars(&[]));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            text.markdown
                .contains("| [the next step](step-2) | it follows |"),
            "{}",
            &*text.markdown
        );
    }

    #[test]
    fn a_setting_gets_its_variables_and_on_model_pages_the_local_terms() {
        let file = SourceFile::new(
            "content/step-1.md",
            "---\nid: step-1\ntitle: Your personal budget\nsummary: Call {{ vars.fone }}\n---\n",
        );
        let mut vars = vars(&[("vars.phone", "1")]);
        vars.terms = vec![("personal budget".into(), "individual budget".into())];
        let mut problems = Vec::new();
        let model = vars.plain("Your personal budget", &file, false, "title", &mut problems);
        assert_eq!(model, "Your individual budget");
        let local = vars.plain("Your personal budget", &file, true, "title", &mut problems);
        assert_eq!(
            local, "Your personal budget",
            "the council's own words are kept"
        );
        assert!(problems.is_empty());
        let summary = vars.plain(
            "Call {{ vars.fone }}",
            &file,
            true,
            "summary",
            &mut problems,
        );
        assert_eq!(summary, "Call {{ vars.fone }}", "left as written");
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].line_col(),
            Some((4, 1)),
            "at the `summary:` line"
        );
    }
}
