//! The differences page's comparisons: for each override, the model text it
//! changed and the local text, each as readers see it on a page (HTML, with
//! variables substituted and cross-references as links), with what only one
//! side has marked in words ("Removed:", "Added:") as well as by style.
//! Texts are compared block by block (a paragraph, a heading, a whole list or
//! table), so a reader sees whole passages, never lines of source.
//!
//! It gathers values only: it links through `link::link_aside` and makes
//! HTML through `html`; the template lays the two sides out.

use std::collections::HashMap;

use serde::Serialize;
use similar::DiffTag;

use super::html::{to_html, HtmlOptions};
use crate::model::authority::Action;
use crate::stages::analyses::differences::Difference;
use crate::stages::link::{self, LinkedEdition, LinkedText, Resolved};
use crate::stages::overlay::{AppliedOverride, Chunk};
use crate::support::characters::escape_html as escape;
use crate::support::diagnostic::SourceFile;
use crate::text::markdown;

/// One entry of the differences page.
#[derive(Debug, Serialize)]
pub(super) struct DifferenceEntry {
    /// What the override does, why, and where.
    #[serde(flatten)]
    pub difference: Difference,
    /// The model text it replaced or removed, as HTML, with what this
    /// edition no longer has marked; `None` when the model text stays.
    pub model_html: Option<String>,
    /// The languages of the override's words and of the model text, when
    /// not the page's (not yet translated).
    pub lang: Option<&'static str>,
    pub model_lang: Option<&'static str>,
    /// The local text, as HTML, with what the model does not have marked;
    /// `None` for a removal.
    pub local_html: Option<String>,
}

/// Stands between blocks while a text is made into HTML, so the HTML can be
/// cut back into the same blocks.
const BOUNDARY: &str = "hb-comparison-block-boundary";

/// The differences page's entries, in file order, with both sides as HTML
/// made with `options` (whose glossary and local terms should be empty: the
/// model side shows the model's own words).
pub(super) fn entries(
    linked: &LinkedEdition,
    differences: Vec<Difference>,
    options: &HtmlOptions,
) -> Vec<DifferenceEntry> {
    let name = linked.edition.name();
    let strings = options.strings;
    differences
        .into_iter()
        .zip(&linked.edition.applied)
        .map(|(mut difference, applied)| {
            let action = applied.over.action;
            difference.action_text = strings.get(&action_key(applied)).to_string();
            let options = HtmlOptions {
                page_id: &applied.over.target.page,
                ..*options
            };
            let model = action
                .covers_target()
                .then(|| blocks_of(linked, &model_chunk(applied), &options));
            let local = (action != Action::Remove)
                .then(|| blocks_of(linked, &local_chunk(applied), &options));
            let (model_html, local_html) = match (model, local) {
                (Some(model), Some(local)) => {
                    let (model, local) = marked(&model, &local, strings);
                    (Some(model), Some(local))
                }
                (Some(model), None) => (
                    Some(whole(
                        &model,
                        "del",
                        "removed",
                        &label(strings, strings.get("diff_removed_here")),
                    )),
                    None,
                ),
                (None, Some(local)) => (
                    None,
                    Some(whole(
                        &local,
                        "ins",
                        "added",
                        &label(
                            strings,
                            &strings.fill("diff_added_by", &[("council", name)]),
                        ),
                    )),
                ),
                (None, None) => (None, None),
            };
            let prefix = |side: &str| format!("{}-{side}-", difference.anchor);
            let model_lang = linked
                .page(&applied.over.target.page)
                .and_then(|p| linked.edition.foreign(&p.page.title_file));
            DifferenceEntry {
                lang: linked.edition.foreign(&applied.over.file),
                model_lang,
                model_html: model_html.map(|h| quoted(&h, &prefix("model"))),
                local_html: local_html.map(|h| quoted(&h, &prefix("local"))),
                difference,
            }
        })
        .collect()
}

/// The strings key of the words that say what an override does.
fn action_key(applied: &crate::stages::overlay::AppliedOverride) -> String {
    let over = applied.over;
    match (over.action, over.position) {
        (Action::Note, crate::model::authority::Position::Before) => {
            "action_note_before".to_string()
        }
        (Action::Note, crate::model::authority::Position::After) => "action_note_after".to_string(),
        (action, _) => format!("action_{}", action.word().replace('-', "_")),
    }
}

/// The model text under an override, without its notes to colleagues.
fn model_chunk(applied: &AppliedOverride) -> Chunk {
    let text = markdown::without_comments(&applied.model_text);
    let file = SourceFile::new(format!("the model text of {}", applied.over.target), text);
    Chunk {
        range: (0, file.text.len()),
        file,
        local: false,
        mark: None,
    }
}

/// An override's own text, without its notes to colleagues.
fn local_chunk(applied: &AppliedOverride) -> Chunk {
    let over = applied.over;
    let file = SourceFile::new(
        over.file.path.clone(),
        markdown::without_comments(over.body()),
    );
    Chunk {
        range: (0, file.text.len()),
        file,
        local: true,
        mark: None,
    }
}

/// A text's blocks: each one's Markdown (to compare) and HTML (to show).
/// Made into HTML together, so footnotes and links work across blocks.
fn blocks_of(
    linked: &LinkedEdition,
    chunk: &Chunk,
    options: &HtmlOptions,
) -> Vec<(String, String)> {
    let (text, links): (LinkedText, HashMap<String, Resolved>) =
        link::link_aside(linked, chunk, options.page_id);
    let ranges = markdown::blocks(&text.markdown);
    let mut marked = String::with_capacity(text.markdown.len() + ranges.len() * 40);
    let mut cursor = 0;
    for &(_, end) in &ranges {
        marked.push_str(&text.markdown[cursor..end]);
        marked.push_str("\n\n");
        marked.push_str(BOUNDARY);
        marked.push_str("\n\n");
        cursor = end;
    }
    marked.push_str(&text.markdown[cursor..]);
    let mut whole = LinkedText::default();
    whole.markdown = marked.into();
    if chunk.local {
        whole.local_ranges.push((0, whole.markdown.len()));
    }
    let html = to_html(&whole, None, &links, options);
    let pieces: Vec<&str> = html.split(&format!("<p>{BOUNDARY}</p>\n")).collect();
    if pieces.len() != ranges.len() + 1 {
        // The boundaries did not come through as paragraphs: keep the text whole.
        return vec![(
            text.markdown.trim().to_string(),
            html.replace(&format!("<p>{BOUNDARY}</p>\n"), ""),
        )];
    }
    ranges
        .iter()
        .zip(&pieces)
        .map(|(&(a, b), html)| (comparable(&text.markdown[a..b]), html.to_string()))
        .filter(|(_, html)| !html.trim().is_empty())
        .collect()
}

/// A block's Markdown as it is compared: trimmed, and a heading without
/// its `{#id .class}` attributes, so a council's heading that keeps the
/// model's words is the same heading.
fn comparable(block: &str) -> String {
    let block = block.trim();
    if block.starts_with('#') && block.ends_with('}') {
        if let Some(open) = block.rfind(" {") {
            return block[..open].trim_end().to_string();
        }
    }
    block.to_string()
}

/// Both sides of a replacement as HTML: blocks only the model has marked
/// removed, blocks only the local text has marked added.
fn marked(
    model: &[(String, String)],
    local: &[(String, String)],
    strings: &crate::model::language::Strings,
) -> (String, String) {
    let old: Vec<&str> = model.iter().map(|(m, _)| m.as_str()).collect();
    let new: Vec<&str> = local.iter().map(|(m, _)| m.as_str()).collect();
    let mut model_html = String::new();
    let mut local_html = String::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        for (_, html) in &model[old_range] {
            match tag {
                DiffTag::Equal => model_html.push_str(html),
                _ => model_html.push_str(&change(
                    "del",
                    "removed",
                    &label(strings, strings.get("diff_removed")),
                    html,
                )),
            }
        }
        for (_, html) in &local[new_range] {
            match tag {
                DiffTag::Equal => local_html.push_str(html),
                _ => local_html.push_str(&change(
                    "ins",
                    "added",
                    &label(strings, strings.get("diff_added")),
                    html,
                )),
            }
        }
    }
    (model_html, local_html)
}

/// A whole side marked as one change.
fn whole(blocks: &[(String, String)], element: &str, kind: &str, label: &str) -> String {
    let html: String = blocks.iter().map(|(_, h)| h.as_str()).collect();
    change(element, kind, label, &html)
}

/// A label's words as HTML: in a language other than English marked as
/// that language, since the text it labels may be English not yet
/// translated.
fn label(strings: &crate::model::language::Strings, words: &str) -> String {
    match strings.lang {
        crate::model::language::Lang::En => escape(words),
        lang => format!("<span lang=\"{}\">{}</span>", lang.html(), escape(words)),
    }
}

/// HTML marked as added (`ins`) or removed (`del`), with the label in words.
fn change(element: &str, kind: &str, label: &str, html: &str) -> String {
    format!(
        "<{element} class=\"change change--{kind}\"><span class=\"change__label\">{label}</span>\n{html}</{element}>\n"
    )
}

/// HTML quoted on the differences page: its headings moved below the
/// entry's own, the first and any as high as it becoming `h5` and deeper
/// ones `h6`, so no level is skipped; and its ids and the links and labels
/// that point at them prefixed, so they stay unique.
fn quoted(html: &str, prefix: &str) -> String {
    let mut out = html.to_string();
    let first = out.match_indices("<h").find_map(|(at, _)| {
        let level = out[at + 2..].chars().next()?.to_digit(10)?;
        let after = out[at + 3..].chars().next()?;
        ((1..=6).contains(&level) && (after == '>' || after == ' ')).then_some(level)
    });
    if let Some(first) = first {
        for level in (1..=6).rev() {
            let to = if level <= first { 5 } else { 6 };
            out = out
                .replace(&format!("<h{level}>"), &format!("<h{to}>"))
                .replace(&format!("<h{level} "), &format!("<h{to} "))
                .replace(&format!("</h{level}>"), &format!("</h{to}>"));
        }
    }
    out = out.replace(" id=\"", &format!(" id=\"{prefix}"));
    out = out.replace("href=\"#", &format!("href=\"#{prefix}"));
    for attribute in ["aria-labelledby=\"", "aria-describedby=\""] {
        let mut rewritten = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(attribute) {
            let start = at + attribute.len();
            let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
            rewritten.push_str(&rest[..start]);
            let ids: Vec<String> = rest[start..end]
                .split_ascii_whitespace()
                .map(|id| format!("{prefix}{id}"))
                .collect();
            rewritten.push_str(&ids.join(" "));
            rest = &rest[end..];
        }
        rewritten.push_str(rest);
        out = rewritten;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_html_has_lower_headings_and_prefixed_ids() {
        let html = "<h2 id=\"role\">Role</h2>\n<p><a href=\"#fn-1\">1</a> <a href=\"step-1.html#x\">x</a></p>\n<h3>Sub</h3>\n";
        assert_eq!(
            quoted(html, "o-model-"),
            "<h5 id=\"o-model-role\">Role</h5>\n<p><a href=\"#o-model-fn-1\">1</a> <a href=\"step-1.html#x\">x</a></p>\n<h6>Sub</h6>\n"
        );
    }

    #[test]
    fn quoted_html_starting_lower_still_starts_at_h5() {
        let html = "<h3 id=\"a\">A</h3>\n<h4>B</h4>\n";
        assert_eq!(quoted(html, "p-"), "<h5 id=\"p-a\">A</h5>\n<h6>B</h6>\n");
    }

    #[test]
    fn a_quoted_heading_never_skips_a_level_whatever_comes_first() {
        let html = "<h3>A</h3>\n<h2>B</h2>\n<h4>C</h4>\n";
        assert_eq!(quoted(html, "p-"), "<h5>A</h5>\n<h5>B</h5>\n<h6>C</h6>\n");
    }

    #[test]
    fn a_replacement_marks_only_what_differs() {
        let block = |m: &str| (m.to_string(), format!("<p>{m}</p>\n"));
        let model = [block("Same"), block("Old")];
        let local = [block("Same"), block("New")];
        let (m, l) = marked(
            &model,
            &local,
            crate::model::theme::built_in_strings(crate::model::language::Lang::En),
        );
        assert_eq!(
            m,
            "<p>Same</p>\n<del class=\"change change--removed\"><span class=\"change__label\">Removed:</span>\n<p>Old</p>\n</del>\n"
        );
        assert!(l.starts_with("<p>Same</p>\n<ins class=\"change change--added\">"));
        assert!(l.contains("Added:</span>\n<p>New</p>"));
    }
}
