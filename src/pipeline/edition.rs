//! One edition of a run in each of its languages, each a complete site:
//! its default language's at the edition's folder, each other language's
//! in a folder named by the language (`cy/`), with a search index of its
//! own; the links of each are checked where it stands, beside the others.
//! Before linking, it reports the edition's drift, overdue reviews and the
//! state of its translations.
//!
//! It makes and hands on an edition's files; it does not check them
//! (`findings`), build past releases (`releases`) or decide which editions
//! a run makes (the pipeline's `mod.rs`).

use jiff::civil::Date;

use super::findings::{in_folder, SiteCheck, Written};
use super::{edition_theme, releases, timed, EditionSummary, RunContext};
use crate::model::handbook::Sources;
use crate::model::language::Lang;
use crate::model::theme::{Engine, StaticFiles, Theme};
use crate::stages::analyses::governance;
use crate::stages::overlay::{self, drift, Edition};
use crate::stages::write::Staging;
use crate::stages::{link, render, render::Renderer};
use crate::support::diagnostic::{Diagnostic, Diagnostics};
use crate::support::output::OutputFile;

/// One language's site of an edition, ready to be made.
pub(super) struct LanguageSite<'r, 's> {
    renderer: Renderer<'r, 's>,
    linked: &'r link::LinkedEdition<'s>,
    /// Its folder in the edition (`""`, `cy/`).
    folder: String,
    /// The paths of its files, in the site.
    paths: Vec<String>,
    /// The pages of past releases, placed in it.
    archived: Vec<OutputFile>,
    /// Where its text and templates write what its link check can find.
    written: Written<'r>,
}

/// Builds an edition in each of its languages (`editions`: the default
/// language's first, then the others'), each a complete site, the others
/// in a folder named by their language (`cy/`). Every file is checked and
/// written (when the run writes) as soon as it is made, so an edition's
/// pages are never all held in memory at once.
pub(super) fn build_edition(
    context: &RunContext,
    editions: Vec<Edition>,
    diagnostics: &Diagnostics,
) -> EditionSummary {
    let edition = &editions[0];
    let summary = EditionSummary {
        slug: edition.slug.clone(),
        name: edition.name().to_string(),
        pages: edition.pages.len(),
        demonstration: edition.authority.is_some_and(|a| a.config.demonstration),
        other_languages: editions[1..].iter().filter_map(|e| e.lang).collect(),
    };
    let slug = summary.slug.as_str();
    timed(slug, "drift", || {
        check_sources(edition, context.today, diagnostics)
    });
    let states = translation_states(context.sources, &editions, diagnostics);
    let linked: Vec<link::LinkedEdition> = editions
        .into_iter()
        .map(|edition| timed(slug, "link", || link::link(edition, diagnostics)))
        .collect();
    let mut own = None;
    let Some((engine, statics)) = edition_theme(
        &context.engine,
        &mut own,
        context.sources,
        context.theme,
        &linked[0],
        diagnostics,
    ) else {
        return summary;
    };
    let (history, builds) = match timed(slug, "history", || {
        releases::past(context, slug, diagnostics)
    }) {
        Some(past) => (Some(past.history), past.builds),
        None => (None, Vec::new()),
    };
    let mut sites = sites_of(
        context,
        &linked,
        (engine, &statics),
        history.as_ref(),
        &states,
        diagnostics,
    );
    if let Some(history) = &history {
        sites[0].archived = timed(slug, "archive", || {
            releases::place(context, builds, history, &sites[0].paths, diagnostics)
        });
    }
    // Each language's site links to the others' (the language switch).
    let everywhere: Vec<String> = sites
        .iter()
        .flat_map(|s| {
            let archived = s.archived.iter().map(|f| &f.path);
            s.paths
                .iter()
                .chain(archived)
                .map(|p| format!("{}{p}", s.folder))
        })
        .collect();
    // Links are checked even when earlier stages found errors, so that one
    // run reports every problem; nothing is written then.
    let into = context
        .staging
        .filter(|_| !diagnostics.has_errors())
        .map(|(staging, single)| (staging, if single { "" } else { slug }));
    for site in sites {
        let made = make_site(context, site, &everywhere, into, diagnostics);
        if !made {
            break;
        }
    }
    summary
}

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
fn translation_states(
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

/// The site of each language of an edition (`linked`, the default
/// language's first), ready to be made with the edition's templates and
/// static files (`themed`); the default language's shows `history`.
fn sites_of<'r, 's>(
    context: &RunContext,
    linked: &'r [link::LinkedEdition<'s>],
    (engine, statics): (&'r Engine, &'r StaticFiles),
    history: Option<&'r render::History>,
    states: &[(String, &'static str)],
    diagnostics: &'r Diagnostics,
) -> Vec<LanguageSite<'r, 's>> {
    linked
        .iter()
        .map(|linked| {
            let language =
                edition_language(context.sources, context.theme, linked, states, diagnostics);
            let strings = language.strings.files().to_vec();
            // Past releases are shown in the default language's site.
            let shown = history.filter(|_| linked.edition.lang.is_none());
            let renderer = Renderer::new(
                linked,
                engine,
                statics,
                context.today,
                diagnostics,
                None,
                language,
            )
            .with_history(shown);
            let paths = renderer
                .outputs()
                .into_iter()
                .map(|o| renderer.path(o))
                .collect();
            let folder = linked.edition.folder();
            LanguageSite {
                renderer,
                linked,
                folder,
                paths,
                archived: Vec::new(),
                written: Written::of(linked, engine, statics, &strings),
            }
        })
        .collect()
}

/// Makes one language's site of an edition: each file is read for the
/// link check, written `into` the staging folder under the edition's folder
/// (when the run writes), and, with the search index on, what the index
/// reads of it kept, as soon as it is made. Then the links are judged and
/// reported, where the edition's text or templates write them, and the
/// search index is made and written (only for output that can be written).
/// `everywhere` are the paths (from the edition's top) of every file of
/// every language's site. `false` when a template failed.
fn make_site(
    context: &RunContext,
    site: LanguageSite,
    everywhere: &[String],
    into: Option<(&Staging, &str)>,
    diagnostics: &Diagnostics,
) -> bool {
    let slug = site.linked.edition.slug.as_str();
    let folder = site.folder.as_str();
    let paths = everywhere.iter().map(String::as_str);
    let check = SiteCheck::new(&site.written, paths, context.search);
    let write = |file: &OutputFile| {
        if let Some((staging, edition_folder)) = into {
            staging.write_one(edition_folder, file);
        }
    };
    let made = timed(slug, "render", || {
        render::make_each(&site.renderer, |file| {
            let indexed = context
                .search
                .then(|| crate::site::search::indexed_page(&file).map(|p| p.into_owned()))
                .flatten();
            let file = in_folder(folder, file);
            let read = check.read(&file);
            write(&file);
            (read, indexed)
        })
    });
    if made.len() < site.paths.len() {
        // A template failed, so some outputs are missing: checking links
        // to them would report the same failure again as broken links.
        return false;
    }
    let (reads, indexed): (Vec<_>, Vec<_>) = made.into_iter().unzip();
    check.finish(reads, diagnostics);
    if context.search && !diagnostics.has_errors() {
        let indexed: Vec<_> = indexed.into_iter().flatten().collect();
        match check.index(indexed, &context.kept) {
            Ok(files) => files.iter().for_each(write),
            Err(d) => diagnostics.push(d),
        }
    }
    for f in site.archived {
        write(&in_folder(folder, f));
    }
    true
}

/// Reports an edition's overrides whose model text changed (drift) and its
/// overdue reviews (those of model pages once, by the model edition); for
/// an authority's, who readers' reports of problems go to, each "must" of
/// its own text that cites no law, and a next planned update passed.
pub(super) fn check_sources(edition: &Edition, today: Date, diagnostics: &Diagnostics) {
    diagnostics.extend(drift::check(edition));
    if edition.address().is_none() {
        diagnostics.push(no_address(edition));
    }
    diagnostics.extend(crate::stages::analyses::feedback::check(edition));
    if let Some(authority) = edition.authority {
        diagnostics.extend(crate::stages::analyses::wording::check(authority));
        diagnostics.extend(governance::check_next_update(authority, today));
        let overrides = authority.overrides.iter().map(|o| (&o.file, &o.governance));
        let examples = authority.examples.iter().map(|e| (&e.file, &e.governance));
        diagnostics.extend(
            overrides
                .chain(examples)
                .filter_map(|(f, g)| governance::check_dated(f, g)),
        );
    }
    for page in &edition.pages {
        if edition.authority.is_none() || page.origin == overlay::Origin::Local {
            diagnostics.extend(governance::check(page, today));
        }
    }
}

/// The note for an edition without a published address: it gets no
/// sitemap (whose protocol takes absolute addresses only), and its 404 page
/// works only at the top of the edition.
fn no_address(edition: &Edition) -> Diagnostic {
    let note = Diagnostic::note(
        "no-address",
        format!(
            "the `{}` edition has no published address, so it has no sitemap, and its 404 page is styled only for missing pages at the top of the edition",
            edition.slug
        ),
    )
    .hint("to have both, add the full web address of the folder its home page is published in, such as `address: https://intranet.example/guidance/`");
    match edition.authority {
        Some(a) => note.in_file(&a.config_file),
        None => note.in_path("content/handbook.yaml"),
    }
}
