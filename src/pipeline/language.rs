//! The language of each site of an edition: the theme's words in it (with
//! the authority's own), the edition's other languages and where their
//! sites are, the notice of a demonstration translation, and the state of
//! each page's translation (with the warnings about translations whose
//! source changed). `build`, past releases and the preview ask it alike.
//!
//! It decides nothing about which sites an edition has or where they are
//! written (`edition`).

use crate::model::handbook::Sources;
use crate::model::language::Lang;
use crate::model::theme::Theme;
use crate::stages::overlay::{drift, Edition};
use crate::stages::{link, render};
use crate::support::diagnostic::{Diagnostic, Diagnostics};

/// The language of an edition's pages for the renderer: the theme's words
/// in it (with the authority's own), and, for an edition in several
/// languages, the others, the notice of a demonstration translation in
/// each, and each page's translation state.
pub(super) fn edition_language(
    sources: &Sources,
    theme: &Theme,
    linked: &link::LinkedEdition,
    states: &[(String, &'static str)],
    diagnostics: &Diagnostics,
) -> render::Language {
    let authority = linked.edition.authority;
    let languages = authority.map_or_else(|| vec![Lang::En], |a| a.config.languages());
    let lang = linked.edition.lang.unwrap_or(languages[0]);
    let dir = authority.map(|a| a.dir.as_path());
    let strings_of = |l: Lang| {
        // An authority's strings file is reported once, by its language's site.
        let quiet = Diagnostics::new();
        let shown = if l == lang { diagnostics } else { &quiet };
        let forms = authority
            .and_then(|a| a.config.translations.get(&l))
            .map(|own| own.name_forms.given())
            .unwrap_or_default();
        theme
            .edition_strings(&sources.root, dir, l, shown)
            .with_name_forms(&forms)
    };
    let up = if lang == languages[0] { "" } else { "../" };
    let others = languages
        .iter()
        .filter(|&&l| l != lang)
        .map(|&l| {
            let folder = if l == languages[0] {
                String::new()
            } else {
                format!("{}/", l.code())
            };
            (l, format!("{up}{folder}"))
        })
        .collect();
    // A qualified translator's check of the edition's other language, if
    // the authority records one, replaces the theme's notice that the
    // translation is a demonstration one.
    let check = authority.and_then(|a| {
        languages[1..]
            .iter()
            .find_map(|l| a.config.translations.get(l)?.checked.as_ref())
    });
    let notices = if languages.len() > 1 {
        languages
            .iter()
            .map(|&l| {
                let strings = strings_of(l);
                let notice = match check {
                    Some(check) => strings.fill(
                        "translation_checked",
                        &[
                            ("by", check.by.trim()),
                            ("qualification", check.qualification.trim()),
                            ("date", &strings.long_date(check.date)),
                        ],
                    ),
                    None => strings.get("translation_notice").to_string(),
                };
                (l, notice)
            })
            // An authority may also empty the notice in its strings files.
            .filter(|(_, notice)| !notice.trim().is_empty())
            .collect()
    } else {
        Vec::new()
    };
    render::Language {
        strings: strings_of(lang),
        others,
        notices,
        states: states.to_vec(),
    }
}

/// Each page's state in an edition's other language (`editions[1]`):
/// `out-of-date` (a translation on it was made from source text that has
/// changed since), else `missing` (some of it is not yet translated), else
/// `translated`. Warns of each translation whose source changed, and of each
/// never checked; a note sums the states up for `check`.
pub(super) fn translation_states(
    sources: &Sources,
    editions: &[Edition],
    diagnostics: &Diagnostics,
) -> Vec<(String, &'static str)> {
    let (Some(english), Some(other)) = (editions.first(), editions.get(1)) else {
        return Vec::new();
    };
    let (Some(authority), Some(lang)) = (english.authority, other.lang) else {
        return Vec::new();
    };
    let Some(translated) = sources.in_language(&authority.slug, lang) else {
        return Vec::new();
    };
    let found = drift::translation_sources(translated, english.model, authority);
    diagnostics.extend(drift::check_translations(&found, authority));
    let stale: std::collections::HashSet<&str> = found
        .iter()
        .filter(|s| s.review() == drift::Review::Changed)
        .map(|s| s.translation.file.path.as_str())
        .collect();
    let states: Vec<(String, &'static str)> = other
        .pages
        .iter()
        .map(|page| {
            let mut files = [page.file.path.as_str(), page.title_file.path.as_str()]
                .into_iter()
                .chain(page.chunks.iter().map(|c| c.file.path.as_str()))
                .chain(page.examples.iter().map(|e| e.file.path.as_str()));
            let state = if files.any(|f| stale.contains(f)) {
                "out-of-date"
            } else if other.untranslated(page) {
                "missing"
            } else {
                "translated"
            };
            (page.id().to_string(), state)
        })
        .collect();
    let of = |state: &str| -> Vec<&str> {
        states
            .iter()
            .filter(|(_, s)| *s == state)
            .map(|(id, _)| id.as_str())
            .collect()
    };
    let (done, stale, missing) = (of("translated"), of("out-of-date"), of("missing"));
    diagnostics.push(
        Diagnostic::note(
            "translation-status",
            format!(
                "the {} edition of `{}`: {} page(s) translated ({}), {} out of date ({}), {} not yet translated ({})",
                lang.english_name(),
                authority.slug,
                done.len(),
                done.join(", "),
                stale.len(),
                stale.join(", "),
                missing.len(),
                missing.join(", "),
            ),
        )
        .in_file(&authority.config_file)
        .hint(format!(
            "the edition's {}/translation.html lists each page and its state",
            lang.code()
        )),
    );
    states
}
