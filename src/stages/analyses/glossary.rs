//! The glossary of an edition: terms defined on the terminology page (the
//! `glossary:` front matter of any page), and an authority's local terms.
//!
//! Works out each term's definition (the text of the section that defines
//! it) and the pages that use it, and checks that each entry's section
//! exists. It does not decide how terms are linked in running text; the HTML
//! writer does that from the list this module returns.

use rayon::prelude::*;
use serde::Serialize;

use crate::stages::link::LinkedEdition;
use crate::support::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::support::url::file_of;
use crate::text::markdown;

/// One glossary term.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// The term as readers meet it.
    pub term: String,
    /// Its anchor on the glossary page.
    pub anchor: String,
    /// Its definition, as plain text.
    pub definition: String,
    /// Where the full definition is.
    pub defined_at: String,
    /// The title of the page that defines it.
    pub defined_on_title: String,
    /// The id of the page that defines it.
    pub defined_on: String,
    /// For a local term, the model's term it stands for.
    pub model_term: Option<String>,
    /// Ids and titles of the pages that use it.
    pub used_on: Vec<(String, String)>,
    /// Its place in the order the pages' `glossary:` lists give the terms
    /// (the list this function returns is in alphabetical order).
    pub listed: usize,
}

/// How a local term is described, in the language of the site it is
/// listed in (from the theme's words).
#[derive(Debug, Clone, Copy)]
pub struct LocalTermWords<'w> {
    /// The definition of a local term, with `{name}` for the authority's
    /// short name and `{term}` for the model's term it stands for.
    pub definition: &'w str,
    /// The title of the page that explains local terms (the differences
    /// page).
    pub explained_on: &'w str,
}

/// The glossary of an edition, in alphabetical order, local terms described
/// in `words`.
pub fn of(linked: &LinkedEdition, words: LocalTermWords, diagnostics: &Diagnostics) -> Vec<Term> {
    let mut terms = Vec::new();
    for page in &linked.pages {
        for entry in &page.page.meta.glossary {
            let Some(definition) = section_text(&page.text.markdown, &entry.section) else {
                let at = crate::text::frontmatter::find_key(
                    &page.page.file,
                    (0, page.page.file.text.len()),
                    "glossary",
                );
                diagnostics.push(
                    Diagnostic::error(
                        "unknown-glossary-section",
                        format!("the glossary entry `{}` points to a section `{}` this page does not have", entry.term, entry.section),
                    )
                    .at(&page.page.file, at.0, at.1)
                    .hint(did_you_mean(
                        &entry.section,
                        page.sections.iter().map(|s| s.id.as_str()),
                        "use the `{#id}` of the section that defines the term",
                    )),
                );
                continue;
            };
            terms.push(Term {
                term: entry.term.clone(),
                anchor: format!("term-{}", markdown::slug(&entry.term)),
                definition,
                defined_at: format!(
                    "{}#{}",
                    file_of(&linked.edition.home, page.page.id()),
                    entry.section
                ),
                defined_on_title: page.title.clone(),
                defined_on: page.page.id().to_string(),
                model_term: None,
                used_on: Vec::new(),
                listed: terms.len(),
            });
        }
    }
    if let Some(authority) = linked.edition.authority {
        diagnostics.extend(terms_that_merge(linked, authority));
        diagnostics.extend(terms_unused(linked, authority));
        for (model_term, local_term) in &authority.config.terms {
            terms.push(Term {
                term: local_term.clone(),
                anchor: format!("term-{}", markdown::slug(local_term)),
                definition: words
                    .definition
                    .replace("{name}", &authority.config.short_name)
                    .replace("{term}", model_term),
                defined_at: "differences.html#local-terms".to_string(),
                defined_on_title: words.explained_on.to_string(),
                defined_on: String::new(),
                model_term: Some(model_term.clone()),
                used_on: Vec::new(),
                listed: terms.len(),
            });
        }
    }
    // Each page's plain text, in lowercase, made once for all the terms.
    let plain: Vec<String> = if terms.is_empty() {
        Vec::new()
    } else {
        linked
            .pages
            .par_iter()
            .map(|p| markdown::plain_text(&p.text.markdown).to_ascii_lowercase())
            .collect()
    };
    for term in &mut terms {
        let search_for = term
            .model_term
            .as_deref()
            .unwrap_or(&term.term)
            .to_ascii_lowercase();
        term.used_on = linked
            .pages
            .iter()
            .zip(&plain)
            .filter(|(p, _)| p.page.id() != term.defined_on)
            .filter(|(_, text)| {
                crate::text::terms::find_lowercase_term(text, &search_for).is_some()
            })
            .map(|(p, _)| (p.page.id().to_string(), p.title.clone()))
            .collect();
    }
    terms.sort_by_cached_key(|t| t.term.to_lowercase());
    terms.dedup_by(|a, b| a.anchor == b.anchor);
    terms
}

/// Warnings for local terms that make two different model terms read the
/// same: a model term defined in a glossary that, with the local terms
/// applied, reads as another defined model term (or two model terms given
/// one local term). A term whose definition the authority has replaced with
/// its own is left alone: the authority explains it there.
/// The line under `terms:` in `authority.yaml` that gives the local term
/// for a model term (of `terms`) that `term` holds; the `terms:` line when
/// none is found.
fn term_line(
    authority: &crate::model::authority::Authority,
    terms: &[(String, String)],
    term: &str,
) -> (usize, usize) {
    let terms_at = authority.setting_span("terms");
    let text = &authority.config_file.text;
    terms
        .iter()
        .filter(|(model, _)| term.contains(model.as_str()))
        .find_map(|(model, _)| text[terms_at.0..].find(model.as_str()))
        .map(|i| {
            let start = text[..terms_at.0 + i].rfind('\n').map_or(0, |n| n + 1);
            let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
            (
                start + (text[start..end].len() - text[start..end].trim_start().len()),
                end,
            )
        })
        .unwrap_or(terms_at)
}

/// A warning for each local term whose model term no model text of the
/// edition uses (a misspelt term, or one the model no longer has): it
/// would replace nothing, and readers would never meet it.
fn terms_unused(
    linked: &LinkedEdition,
    authority: &crate::model::authority::Authority,
) -> Vec<Diagnostic> {
    let terms = crate::stages::link::edition_terms(Some(authority));
    linked
        .term_uses
        .iter()
        .filter(|(_, pages)| pages.is_empty())
        .map(|(model_term, _)| {
            let at = term_line(authority, &terms, model_term);
            Diagnostic::warning(
                "unused-term",
                format!("the local term for “{model_term}” replaces nothing: no model text of this edition uses “{model_term}”"),
            )
            .at(&authority.config_file, at.0, at.1)
            .hint("check the spelling and capitals of the model's term as the model's pages write it, or remove the line")
        })
        .collect()
}

fn terms_that_merge(
    linked: &LinkedEdition,
    authority: &crate::model::authority::Authority,
) -> Vec<Diagnostic> {
    let terms = crate::stages::link::edition_terms(Some(authority));
    let shown = |text: &str| -> String {
        crate::text::terms::apply(text, &terms)
            .into_iter()
            .map(|piece| match piece {
                crate::text::terms::Piece::Plain(p) => p,
                crate::text::terms::Piece::Term { local, .. } => local,
            })
            .collect()
    };
    let redefined = |page: &str, section: &str| {
        linked.edition.applied.iter().any(|a| {
            a.over.target.page == page
                && a.over.action.covers_target()
                && a.over
                    .target
                    .section
                    .as_deref()
                    .is_none_or(|s| s == section)
        })
    };
    let mut defined: Vec<(String, String, &str)> = Vec::new();
    for page in &linked.pages {
        if page.page.origin == crate::stages::overlay::Origin::Local {
            continue;
        }
        for entry in &page.page.meta.glossary {
            defined.push((entry.term.clone(), entry.section.clone(), page.page.id()));
        }
    }
    let mut merged: Vec<(String, String, String)> = Vec::new();
    for (term, section, page) in &defined {
        let reads = shown(term);
        if reads == *term || redefined(page, section) {
            continue;
        }
        for (other, _, _) in &defined {
            if other != term && shown(other).eq_ignore_ascii_case(&reads) {
                merged.push((term.clone(), other.clone(), format!("{page}#{section}")));
            }
        }
    }
    for (i, (model_a, local_a)) in terms.iter().enumerate() {
        for (model_b, local_b) in &terms[i + 1..] {
            if local_a.eq_ignore_ascii_case(local_b) {
                merged.push((model_a.clone(), model_b.clone(), String::new()));
            }
        }
    }
    merged
        .into_iter()
        .map(|(term, other, target)| {
            let at = term_line(authority, &terms, &term);
            let hint = if target.is_empty() {
                "give each model term its own local term, or remove one of them".to_string()
            } else {
                format!("choose a local term that does not make one model term read as another, or replace the model's definition (`{target}`) with an override that explains the term {} uses", authority.config.short_name)
            };
            Diagnostic::warning(
                "terms-merge",
                format!(
                    "with the local terms, the model's “{term}” reads “{}”, the same as “{other}”, which the model uses for something else",
                    shown(&term)
                ),
            )
            .at(&authority.config_file, at.0, at.1)
            .hint(hint)
        })
        .collect()
}

/// The plain text of a section (without its heading), found by id.
fn section_text(markdown_text: &str, id: &str) -> Option<String> {
    let headings = markdown::headings(markdown_text);
    let sections = crate::stages::link::headings_of(markdown_text);
    let index = sections.iter().position(|s| s.id == id)?;
    let heading = &headings[index];
    // After the heading, with a setext heading's underline.
    let start = heading.range.1;
    let end = headings[index + 1..]
        .iter()
        .find(|h| h.level <= heading.level)
        .map_or(markdown_text.len(), |h| h.range.0);
    let text = markdown::plain_text(&markdown_text[start..end.max(start)]);
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authority::tests::authority_x;
    use crate::model::authority::Authority;
    use crate::model::handbook::Model;
    use crate::stages::load::tests::{model_of, page};
    use crate::stages::overlay;

    /// A model whose terminology page defines two terms (one pointing at
    /// `section`), used on other pages.
    fn model(section: &str) -> Model {
        let terminology = format!(
            "---\nid: terminology\ntitle: Terminology\nglossary:\n  - {{ term: Personal Budget, section: personal-budget }}\n  - {{ term: Support Plan, section: {section} }}\n---\n## Personal budget {{#personal-budget}}\n\nThe *money* a person's\nsupport costs.\n\n### More {{#more}}\n\nMore on budgets.\n\n## Support plan {{#support-plan}}\n\nHow the budget is spent.\n"
        );
        let step_1 =
            "---\nid: step-1\ntitle: Step one\nweight: 1\n---\nEveryone has a Personal Budget.\n";
        let step_2 = "---\nid: step-2\ntitle: Step two\nweight: 2\n---\nWrite a support plan. A personal budgetary note.\n";
        model_of(vec![
            page(
                "content/_index.md",
                "---\nid: home\ntitle: Home\n---\nWelcome.\n",
            ),
            page("content/terminology.md", &terminology),
            page("content/step-1.md", step_1),
            page("content/step-2.md", step_2),
        ])
    }

    /// The authority `x` with these local terms (YAML lines under `terms:`).
    fn authority(terms: &str) -> Authority {
        authority_x(&format!("terms:\n{terms}"), &[], Vec::new())
    }

    /// The glossary of an edition of `model` (with `authority`), and the problems found.
    fn glossary(model: &Model, authority: Option<&Authority>) -> (Vec<Term>, Vec<Diagnostic>) {
        let diagnostics = Diagnostics::new();
        let edition = match authority {
            Some(a) => overlay::authority_edition(model, a, &diagnostics),
            None => overlay::model_edition(model, &diagnostics),
        };
        let linked = crate::stages::link::link(edition, &diagnostics);
        let words = LocalTermWords {
            definition: "{name}'s term for what the model guidance calls “{term}”.",
            explained_on: "Differences from the model",
        };
        let terms = of(&linked, words, &diagnostics);
        (terms, diagnostics.into_sorted())
    }

    #[test]
    fn terms_have_their_definition_and_the_pages_that_use_them() {
        let model = model("support-plan");
        let (terms, problems) = glossary(&model, None);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(names, ["Personal Budget", "Support Plan"]);
        let budget = &terms[0];
        assert_eq!(budget.anchor, "term-personal-budget");
        // The section's plain text, without its heading, with its subsections.
        assert_eq!(
            budget.definition,
            "The money a person's support costs. More More on budgets."
        );
        assert_eq!(budget.defined_at, "terminology.html#personal-budget");
        assert_eq!(budget.defined_on, "terminology");
        assert_eq!(budget.defined_on_title, "Terminology");
        assert_eq!(budget.model_term, None);
        // Used as a whole word, in any case; not on the page that defines it.
        let used: Vec<&str> = budget.used_on.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(used, ["step-1"]);
        assert_eq!(budget.used_on[0].1, "Step one");
        assert_eq!(terms[1].definition, "How the budget is spent.");
        let used: Vec<&str> = terms[1].used_on.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(used, ["step-2"]);
    }

    #[test]
    fn an_entry_for_a_missing_section_is_an_error_with_the_closest_section() {
        let model = model("suport-plan");
        let (terms, problems) = glossary(&model, None);
        assert_eq!(terms.len(), 1, "the other term is kept");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = &problems[0];
        assert_eq!(problem.code, "unknown-glossary-section");
        assert_eq!(problem.file_path(), Some("content/terminology.md"));
        assert_eq!(problem.line_col(), Some((4, 1)), "points at `glossary:`");
        assert!(problem.message.contains("`suport-plan`"));
        assert_eq!(
            problem.hint.as_deref(),
            Some("did you mean `support-plan`?")
        );
    }

    #[test]
    fn a_local_term_is_listed_with_the_model_term_it_stands_for() {
        let model = model("support-plan");
        let authority = authority("  Personal Budget: Individual Budget\n");
        let (terms, problems) = glossary(&model, Some(&authority));
        assert!(problems.is_empty(), "{problems:?}");
        let local = terms
            .iter()
            .find(|t| t.term == "Individual Budget")
            .expect("the local term is in the glossary");
        assert_eq!(local.model_term.as_deref(), Some("Personal Budget"));
        assert_eq!(local.defined_at, "differences.html#local-terms");
        assert!(local.definition.contains("X's term for"));
        assert!(local.definition.contains("Personal Budget"));
        // Pages using the model's term use the local term.
        let used: Vec<&str> = local.used_on.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(used, ["terminology", "step-1"], "in reading order");
    }

    #[test]
    fn local_terms_that_make_two_model_terms_read_alike_are_a_warning() {
        let model = model("support-plan");
        let authority = authority("  Personal Budget: Support Plan\n");
        let (_, problems) = glossary(&model, Some(&authority));
        let found: Vec<(&str, String)> = problems.iter().map(|p| (p.code, p.position())).collect();
        // At the line under `terms:` that gives the local term.
        let at = "local-overrides/x/authority.yaml:9:3".to_string();
        assert_eq!(found, [("terms-merge", at)]);
    }
}
