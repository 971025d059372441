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
use super::offline::SavedCopy;
use super::{edition_theme, language, releases, timed, EditionSummary, RunContext};
use crate::model::theme::{Engine, StaticFiles};
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
        check_sources(edition, context.today, &context.in_force, diagnostics)
    });
    let states = language::translation_states(context.sources, &editions, diagnostics);
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
    let (texts, builds) = match timed(slug, "history", || {
        releases::past(context, slug, diagnostics)
    }) {
        Some(past) => (Some(past.texts), past.builds),
        None => (None, Vec::new()),
    };
    let languages: Vec<render::Language> = linked
        .iter()
        .map(|linked| {
            language::edition_language(context.sources, context.theme, linked, &states, diagnostics)
        })
        .collect();
    let histories = histories(&linked, &languages, texts.as_deref());
    let placing = placing(&linked, &languages, &histories);
    let mut sites = sites_of(
        context,
        &linked,
        (engine, &statics),
        languages,
        &histories,
        diagnostics,
    );
    if texts.is_some() {
        let current: Vec<String> = sites
            .iter()
            .flat_map(|s| s.paths.iter().map(|p| format!("{}{p}", s.folder)))
            .collect();
        sites[0].archived = timed(slug, "archive", || {
            releases::place(context, builds, &placing, &current, diagnostics)
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
    let offline = linked[0]
        .edition
        .authority
        .is_some_and(|a| a.config.offline);
    let version = histories
        .first()
        .and_then(Option::as_ref)
        .and_then(|h| h.releases.last())
        .map(|r| r.version.as_str());
    let saved = offline.then_some(version);
    make_sites(context, sites, &everywhere, (into, saved), diagnostics);
    summary
}

/// What each language's site of an edition (`linked`, in `languages`)
/// shows of its past releases (`texts`), in its own words; none without.
fn histories(
    linked: &[link::LinkedEdition],
    languages: &[render::Language],
    texts: Option<&[render::ReleaseText]>,
) -> Vec<Option<render::History>> {
    linked
        .iter()
        .zip(languages)
        .map(|(linked, language)| {
            let site = render::SiteOf {
                lang: linked.edition.lang,
                strings: &language.strings,
            };
            texts.map(|texts| render::History::new(texts, &site))
        })
        .collect()
}

/// How each past release's pages are placed: its version, and the banner
/// of each language's site (`linked`, in `languages`' words, showing
/// `histories`).
fn placing(
    linked: &[link::LinkedEdition],
    languages: &[render::Language],
    histories: &[Option<render::History>],
) -> Vec<releases::Placing> {
    let Some(Some(first)) = histories.first() else {
        return Vec::new();
    };
    (0..first.releases.len())
        .map(|i| {
            let banners = linked
                .iter()
                .zip(languages)
                .zip(histories)
                .filter_map(|((linked, language), history)| {
                    let row = history.as_ref()?.releases.get(i)?;
                    Some(render::banner(
                        row,
                        &language.strings,
                        &linked.edition.folder(),
                    ))
                })
                .collect();
            (first.releases[i].version.clone(), banners)
        })
        .collect()
}

/// The site of each language of an edition (`linked`, the default
/// language's first, in `languages`), ready to be made with the edition's
/// templates and static files (`themed`); each shows its history, if the
/// edition has one (`histories`).
fn sites_of<'r, 's>(
    context: &RunContext,
    linked: &'r [link::LinkedEdition<'s>],
    (engine, statics): (&'r Engine, &'r StaticFiles),
    languages: Vec<render::Language>,
    histories: &'r [Option<render::History>],
    diagnostics: &'r Diagnostics,
) -> Vec<LanguageSite<'r, 's>> {
    linked
        .iter()
        .zip(languages)
        .zip(histories)
        .map(|((linked, language), history)| {
            let strings = language.strings.files().to_vec();
            let shown = history.as_ref();
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

/// Makes each language's site of an edition in turn (see [`make_site`]),
/// until a template fails. For an edition that offers a saved copy
/// (`saved`, with its newest release, if any), the copy's list is then
/// written at the edition's top: only with the search index it needs (not
/// by a build with `--no-search`, nor by the preview).
fn make_sites(
    context: &RunContext,
    sites: Vec<LanguageSite>,
    everywhere: &[String],
    (into, saved): (Option<(&Staging, &str)>, Option<Option<&str>>),
    diagnostics: &Diagnostics,
) {
    let copy = (saved.is_some() && context.search && into.is_some()).then(SavedCopy::default);
    for site in sites {
        if !make_site(
            context,
            site,
            everywhere,
            (into, copy.as_ref()),
            diagnostics,
        ) {
            return;
        }
    }
    if let (Some(copy), Some((staging, folder)), Some(version)) = (copy, into, saved) {
        staging.write_one(folder, &copy.list(version, context.today));
    }
}

/// Makes one language's site of an edition: each file is read for the
/// link check, written `into` the staging folder under the edition's folder
/// (when the run writes), and, with the search index on, what the index
/// reads of it kept, as soon as it is made. Then the links are judged and
/// reported, where the edition's text or templates write them, and the
/// search index is made and written (only for output that can be written).
/// `everywhere` are the paths (from the edition's top) of every file of
/// every language's site. Each file written but those of past releases is
/// added to `saved`, the edition's saved copy, when it offers one. `false`
/// when a template failed.
fn make_site(
    context: &RunContext,
    site: LanguageSite,
    everywhere: &[String],
    (into, saved): (Option<(&Staging, &str)>, Option<&SavedCopy>),
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
    let keep = |file: &OutputFile| {
        write(file);
        if let Some(saved) = saved {
            saved.add(file);
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
            keep(&file);
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
            Ok(files) => files.iter().for_each(keep),
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
/// its own text and its layers' that cites no law, their undated text, and
/// a next planned update passed.
pub(super) fn check_sources(
    edition: &Edition,
    today: Date,
    releases: &[crate::stages::load::history::Release],
    diagnostics: &Diagnostics,
) {
    diagnostics.extend(drift::check(edition));
    diagnostics.extend(drift::check_layer_releases(edition, releases));
    if edition.address().is_none() {
        diagnostics.push(no_address(edition));
    }
    diagnostics.extend(crate::stages::analyses::feedback::check(edition));
    if let Some(authority) = edition.authority {
        diagnostics.extend(governance::check_next_update(authority, today));
        for document in &authority.documents {
            diagnostics.extend(crate::stages::analyses::documents::check(document, today));
        }
    }
    // The authority's own text, and that of each layer it builds on, which
    // is checked here whether or not the layer is published on its own (a
    // problem of a layer's found through two editions is reported once).
    for own in edition
        .authority
        .into_iter()
        .chain(edition.layers.iter().copied())
    {
        diagnostics.extend(crate::stages::analyses::wording::check(own));
        let overrides = own.overrides.iter().map(|o| (&o.file, &o.governance));
        let examples = own.examples.iter().map(|e| (&e.file, &e.governance));
        diagnostics.extend(
            overrides
                .chain(examples)
                .filter_map(|(f, g)| governance::check_dated(f, g)),
        );
    }
    // A layer's own pages stand in the edition as model pages (the layer
    // gave them to the model it left); their reviews are the layer's.
    let layer_page = |page: &overlay::EditionPage| {
        edition.layers.iter().any(|layer| {
            let folder = format!("local-overrides/{}/", layer.slug);
            page.file.path.starts_with(&folder)
        })
    };
    for page in &edition.pages {
        if edition.authority.is_none() || page.origin == overlay::Origin::Local || layer_page(page)
        {
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
