//! How an authority's edition differs from the model, as data.
//!
//! Lists each override with its target, action, reason and a line-by-line
//! comparison of the model text and the local text (without HTML comments,
//! which are notes to colleagues and never published). The same data feeds the
//! edition's differences page and `handbook diff` in the terminal. It does
//! not render HTML or print; callers choose how to show it.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::model::authority::Action;
use crate::stages::link::LinkedEdition;
use crate::stages::overlay::drift::Review;
use crate::support::url::file_of;
use crate::text::markdown;

/// One line of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct DiffLine {
    /// `same`, `model` (only in the model) or `local` (only in this edition).
    pub kind: &'static str,
    /// The line's text.
    pub text: String,
}

/// One override, explained.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// `page-id` or `page-id#section-id`.
    pub target: String,
    /// The page's title, and the section's after a colon.
    pub target_title: String,
    /// Link to the target in the edition, if it is still there.
    pub href: Option<String>,
    /// `replace`, `append`, …
    pub action: &'static str,
    /// A sentence saying what the action does.
    pub action_text: String,
    /// Why, in the authority's words.
    pub reason: Option<String>,
    /// The override file.
    pub file: String,
    /// Its entry's id on the differences page, which marked local text on
    /// pages links to (see [`crate::model::authority::Override::anchor`]).
    pub anchor: String,
    /// Whose change it is: the layer's publisher, or the edition's
    /// authority (issue 35).
    pub by: String,
    /// The publisher of the layer whose text it changes, when that is not
    /// the model's.
    pub under: Option<String>,
    /// The folder of the layer whose change it is, which reviews it; `None`
    /// for the edition's own authority's.
    pub layer: Option<String>,
    /// The model text compared with the local text, line by line.
    pub lines: Vec<DiffLine>,
    /// Whether it was reviewed against the model text as it is now.
    pub review: Review,
}

/// Compares two texts line by line.
pub fn compare(model: &str, local: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(model, local)
        .iter_all_changes()
        .filter(|change| !(change.tag() == ChangeTag::Equal && change.value().trim().is_empty()))
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Equal => "same",
                ChangeTag::Delete => "model",
                ChangeTag::Insert => "local",
            },
            text: change.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

/// Every override of an edition, explained, in file order.
pub fn of(linked: &LinkedEdition) -> Vec<Difference> {
    linked
        .edition
        .applied
        .iter()
        .map(|applied| {
            let over = applied.over;
            // The section's name as the edition shows it, if it is still there.
            let section_title = over.target.section.as_ref().and_then(|id| {
                let page = linked.page(&over.target.page)?;
                page.sections
                    .iter()
                    .find(|s| &s.id == id)
                    .map(|s| s.title.clone())
            });
            let target_title = match section_title.as_ref().or(applied.section_title.as_ref()) {
                Some(section) => format!("{}: {}", applied.page_title, section),
                None => applied.page_title.clone(),
            };
            let still_there =
                linked
                    .page(&over.target.page)
                    .is_some_and(|p| match &over.target.section {
                        Some(s) => p.sections.iter().any(|x| &x.id == s),
                        None => true,
                    });
            let href = still_there.then(|| match &over.target.section {
                Some(s) => format!("{}#{s}", file_of(&linked.edition.home, &over.target.page)),
                None => file_of(&linked.edition.home, &over.target.page),
            });
            // HTML comments are notes to colleagues, never published.
            let model_text = markdown::without_comments(&applied.model_text);
            let body = markdown::without_comments(over.body());
            let (model, local) = match over.action {
                Action::Replace => (model_text.as_str(), body.as_str()),
                Action::Remove => (model_text.as_str(), ""),
                _ => ("", body.as_str()),
            };
            let action_text = match over.action {
                Action::Replace => "The model text is replaced by local text.",
                Action::Remove => "The model text is removed from this edition.",
                Action::Append => "Local text is added at the end.",
                Action::Prepend => "Local text is added at the start.",
                Action::InsertBefore => "Local text is added just before it.",
                Action::InsertAfter => "Local text is added just after it.",
                Action::Note => match over.position {
                    crate::model::authority::Position::Before => {
                        "A note is added before it; the text it is about is unchanged."
                    }
                    crate::model::authority::Position::After => {
                        "A note is added after it; the text it is about is unchanged."
                    }
                },
            };
            let (by, under) = linked.edition.whose(applied);
            Difference {
                by,
                under,
                layer: applied.layer.map(|l| l.slug.clone()),
                target: over.target.to_string(),
                target_title,
                href,
                action: over.action.word(),
                action_text: action_text.to_string(),
                reason: over.reason.clone(),
                file: over.file.path.clone(),
                anchor: applied.anchor.clone(),
                lines: compare(model, local),
                review: crate::stages::overlay::drift::review(applied),
            }
        })
        .collect()
}

/// What `handbook diff` says of an override that needs a review, if it does.
fn review_warning(d: &Difference, slug: &str) -> Option<String> {
    let slug = d.layer.as_deref().unwrap_or(slug);
    let accept = format!(
        "`handbook accept {slug} {}`",
        crate::stages::overlay::drift::file_argument(&d.file)
    );
    match d.review {
        Review::Changed => Some(format!("! the model text changed since this override was last reviewed: see `handbook check`, then {accept}")),
        Review::Never => Some(format!("! never reviewed against the model text: check it, then {accept}")),
        Review::Current => None,
    }
}

/// The differences as plain text for a terminal, with colour if asked.
pub fn to_terminal(linked: &LinkedEdition, colour: bool) -> String {
    use std::fmt::Write;
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let name = linked.edition.name();
    let slug = &linked.edition.slug;
    let _ = writeln!(
        out,
        "{}",
        paint("1", &format!("How {name}'s edition differs from the model"))
    );
    let diffs = of(linked);
    if diffs.is_empty() {
        let _ = writeln!(out, "\nNo overrides.");
    }
    for d in &diffs {
        let _ = writeln!(
            out,
            "\n{} {} ({})",
            paint("1", d.action),
            d.target,
            d.target_title
        );
        let _ = writeln!(out, "  file: {}", d.file);
        // Whose change it is, and whose text it changes, when the edition
        // builds on a layer (issue 35).
        if !linked.edition.layers.is_empty() {
            let _ = writeln!(out, "  by: {}", d.by);
        }
        if let Some(under) = &d.under {
            let _ = writeln!(out, "  changes the text as {under} adapted it");
        }
        if let Some(warning) = review_warning(d, slug) {
            let _ = writeln!(out, "  {}", paint("33", &warning));
        }
        if let Some(reason) = &d.reason {
            let _ = writeln!(out, "  reason: {reason}");
        }
        for line in &d.lines {
            let (mark, code) = match line.kind {
                "model" => ("- ", "31"),
                "local" => ("+ ", "32"),
                _ => ("  ", "0"),
            };
            let _ = writeln!(out, "  {}", paint(code, &format!("{mark}{}", line.text)));
        }
    }
    let local: Vec<_> = linked
        .pages
        .iter()
        .filter(|p| p.page.origin == crate::stages::overlay::Origin::Local)
        .collect();
    if !local.is_empty() {
        let _ = writeln!(out, "\n{}", paint("1", "Local pages"));
        for p in local {
            let _ = writeln!(out, "  {} ({})", p.title, p.page.id());
        }
    }
    if !linked.term_uses.is_empty() {
        let _ = writeln!(out, "\n{}", paint("1", "Local terms"));
        let terms = linked.edition.authority.map(|a| &a.config.terms);
        for (model, pages) in &linked.term_uses {
            let local = terms.and_then(|t| t.get(model)).map_or("", String::as_str);
            let _ = writeln!(
                out,
                "  \"{model}\" is shown as \"{local}\" on: {}",
                if pages.is_empty() {
                    "(no page)".to_string()
                } else {
                    pages.join(", ")
                }
            );
        }
    }
    let examples = &linked.edition.examples;
    if !examples.is_empty() {
        let _ = writeln!(out, "\n{}", paint("1", "Practice examples"));
        for ex in examples {
            let title = linked
                .example_settings(&ex.id)
                .map_or(ex.title.as_str(), |s| s.title.as_str());
            let whose = match (ex.origin, &ex.source) {
                (crate::model::authority::ExampleOrigin::Drawn, Some(source)) => {
                    format!("drawn from {source}")
                }
                _ => format!("{name}'s own practice"),
            };
            let _ = writeln!(out, "  {title} (on {}; {whose})", ex.attach.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_marks_model_and_local_lines() {
        let lines = compare("a\nb\n", "a\nc\n");
        let kinds: Vec<_> = lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(kinds, [("same", "a"), ("model", "b"), ("local", "c")]);
    }
}
