//! "Must" and "should" (issue 36): many procedure manuals keep "must" for
//! what the law requires and "should" for guidance. `check` notes each
//! "must" in an authority's own text (its overrides and notes, examples
//! and local pages, never the model's) that cites no Act, regulation, code
//! of practice or statutory guidance nearby: in the same paragraph, list
//! item (with the list nested in it), heading or table cell, or, for a list
//! item, in what leads into its list ("Under the Care Act 2014:").
//!
//! A note only, never a warning: whether a duty is the law's is for the
//! policy lead to judge, and an authority can turn it off (`wording:
//! must_needs_citation: false`). It reads the authority's files and reports;
//! it changes no text.

use std::sync::Arc;

use crate::model::authority::Authority;
use crate::support::diagnostic::{Diagnostic, SourceFile};
use crate::text::markdown::passages;

/// Words that name a piece of law when a year follows them
/// ("Care Act 2014", "Regulations 2014", "(Wales) Measure 2011").
const WITH_YEAR: &[&str] = &[
    "Act",
    "Acts",
    "Regulations",
    "Regulation",
    "Order",
    "Rules",
    "Measure",
    "Directions",
    "SI",
    "SSI",
];

/// Words that cite a part of the law when a number follows them
/// ("section 9", "regulation 4", "Schedule 2"), in any case.
const WITH_NUMBER: &[&str] = &[
    "section",
    "sections",
    "regulation",
    "regulations",
    "schedule",
];

/// Words that cite a code or guidance wherever they stand, in any case.
const PHRASES: &[&str] = &[
    "code of practice",
    "codes of practice",
    "statutory guidance",
    "legislation.gov.uk",
];

fn is_year(word: &str) -> bool {
    word.len() == 4
        && word.bytes().all(|b| b.is_ascii_digit())
        && (1800..=2099).contains(&word.parse::<u32>().unwrap_or(0))
}

fn starts_with_digit(word: &str) -> bool {
    word.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// Whether `text` cites an Act, regulation, code of practice or statutory
/// guidance: "Care Act 2014", "the Care Act", "the Act", "section 9",
/// "s.42", "ss. 42–46", "Regulations 2014", "regulation 4", "Code of
/// Practice", "statutory guidance", a link to legislation.gov.uk.
pub fn cites_law(text: &str) -> bool {
    let lower = text.to_lowercase();
    if PHRASES.iter().any(|p| lower.contains(p)) {
        return true;
    }
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|t| !t.is_empty())
        .collect();
    tokens.iter().enumerate().any(|(i, token)| {
        let word = token.trim_end_matches('.');
        let next = tokens.get(i + 1).copied().unwrap_or("");
        let before = i.checked_sub(1).map_or("", |b| tokens[b]);
        let lower = word.to_lowercase();
        let abbreviated = matches!(lower.as_str(), "s" | "ss")
            && (token.ends_with('.') && starts_with_digit(next));
        let joined = ["s.", "ss."].iter().any(|s| {
            token
                .to_lowercase()
                .strip_prefix(s)
                .is_some_and(starts_with_digit)
        });
        (WITH_YEAR.contains(&word) && is_year(next.trim_end_matches('.')))
            || (is_year(word) && WITH_YEAR.contains(&next.trim_end_matches('.')))
            || (matches!(word, "Act" | "Acts")
                && (before.starts_with(char::is_uppercase)
                    || matches!(before, "the" | "this" | "that")))
            || (WITH_NUMBER.contains(&lower.as_str()) && starts_with_digit(next))
            || abbreviated
            || joined
    })
}

/// The byte offsets in `text` of each "must" within `range` (the word, in
/// any case; "mustn't" too, not "mustard").
fn musts(text: &str, range: (usize, usize)) -> Vec<usize> {
    let part = &text[range.0..range.1];
    let lower = part.to_ascii_lowercase();
    lower
        .match_indices("must")
        .filter(|&(at, _)| {
            let start = range.0 + at;
            let end = start + 4;
            let before = text[..start].chars().next_back();
            let after = &text[end..];
            !before.is_some_and(char::is_alphanumeric)
                && (!after.starts_with(char::is_alphabetic)
                    || after.starts_with("n't")
                    || after.starts_with("n’t"))
        })
        .map(|(at, _)| range.0 + at)
        .collect()
}

/// The note for each "must" without a citation nearby in the Markdown of
/// `file` from `body_start`.
fn in_text(file: &Arc<SourceFile>, body_start: usize) -> Vec<Diagnostic> {
    let body = &file.text[body_start..];
    let mut found = Vec::new();
    for passage in passages(body) {
        let musts: Vec<usize> = passage
            .words
            .iter()
            .flat_map(|&range| musts(body, range))
            .collect();
        let cited = |range: (usize, usize)| cites_law(&body[range.0..range.1]);
        if musts.is_empty() || cited(passage.range) || passage.lead.is_some_and(cited) {
            continue;
        }
        for at in musts {
            let start = body_start + at;
            found.push(
                Diagnostic::note(
                    "must-without-citation",
                    "\"must\" here cites no Act, regulation, code of practice or statutory guidance in the same paragraph or list item (or the words leading into its list)",
                )
                .at(file, start, start + 4)
                .hint("the convention is \"must\" where the law requires and \"should\" for guidance: name the law in this paragraph (such as \"section 9 of the Care Act 2014\"), or write \"should\"; `wording: { must_needs_citation: false }` in authority.yaml turns this note off"),
            );
        }
    }
    found
}

/// The notes for an authority's own text: its overrides and notes, its
/// examples and its local pages, in the default language. None when the
/// authority turned the note off.
pub fn check(authority: &Authority) -> Vec<Diagnostic> {
    if !authority.config.wording.must_needs_citation {
        return Vec::new();
    }
    let overrides = authority.overrides.iter().map(|o| (&o.file, o.body_start));
    let examples = authority.examples.iter().map(|e| (&e.file, e.body_start));
    let pages = authority.pages.iter().map(|p| (&p.file, p.body_start));
    overrides
        .chain(examples)
        .chain(pages)
        .flat_map(|(file, start)| in_text(file, start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_recognised_in_their_usual_forms() {
        for cited in [
            "under the Care Act 2014",
            "the Social Services and Well-being (Wales) Act 2014",
            "as the Act requires",
            "the Mental Capacity Act says",
            "section 9 says",
            "a duty (s.42)",
            "a duty (s. 42)",
            "ss.42-46",
            "the Care and Support (Assessment) Regulations 2014",
            "regulation 4",
            "Schedule 2",
            "the Code of Practice",
            "the statutory guidance",
            "see [the Act](https://www.legislation.gov.uk/ukpga/2014/23)",
            "the Welsh Language (Wales) Measure 2011",
            "what staff must do under the 2015 Regulations",
        ] {
            assert!(cites_law(cited), "{cited} was not recognised");
        }
        for plain in [
            "Staff must record the decision.",
            "Act quickly when you are worried.",
            "our local practice guidance",
            "this sections page",
            "in 2014 we changed our forms",
        ] {
            assert!(!cites_law(plain), "{plain} was taken for a citation");
        }
    }

    #[test]
    fn must_is_found_as_a_word() {
        let text = "You must ask. MUST. Mustn't. mustard must, musty";
        let found: Vec<&str> = musts(text, (0, text.len()))
            .into_iter()
            .map(|at| &text[at..at + 4])
            .collect();
        assert_eq!(found, ["must", "MUST", "Must", "must"]);
    }
}
