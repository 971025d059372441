//! Runs the stages in order for `build` and `check`: load → overlay → link →
//! render → write.
//!
//! This module only sequences the stages and decides which editions a run
//! makes and where they go; each stage's work is in its own module. Editions
//! are built in parallel (one pool of threads for editions and their pages).
//! Within an edition, each file is read for the link check and written to
//! the staging folder as soon as it is rendered, so an edition's pages are
//! never all held in memory; the links are judged once every file is read,
//! and the search index is made from what it reads of each page, kept as
//! the page was made. Editions without templates of their own share one
//! compiled template engine. Nothing is swapped into the output unless
//! every edition built without errors. With `HANDBOOK_TIMINGS` set, each
//! stage's time is printed.
//!
//! An authority's edition in several languages is built once per language
//! (its default at the edition's folder, each other in a folder named by
//! the language, `cy/`), each a complete site with its own search index;
//! the links of each are checked where it stands, beside the others.
//!
//! For `serve`, a [`Preview`] builds one edition again and again as files
//! are saved, through the same stages and the same renderer, keeping what
//! each stage can reuse: the sources (re-reading only the files saved), the
//! link stage's per-page results, and the render [`Cache`]. It leaves the
//! search index and link check to the caller, off the path from save to
//! reload. [`with_edition`] gives `diff` and `accept` one authority's
//! edition.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::model::handbook::{Sources, Translated};
use crate::model::language::Lang;
use crate::model::theme::{Engine, StaticFiles, TemplateFiles, Theme};
use crate::stages::load::{self, Selection};
use crate::stages::overlay::{self, Edition};
use crate::stages::render::{self, Cache, Made, Renderer};
use crate::stages::write::{Output, Staging};
use crate::support::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::support::output::{Content, OutputFile};
use crate::support::store::{Entry, Store};
use crate::{
    stages::analyses::governance, stages::link, stages::load::history, stages::overlay::drift,
};

pub mod record;
pub mod requests;
pub mod review;

/// What a run is asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The handbook root.
    pub root: PathBuf,
    /// Which editions to make.
    pub editions: Editions,
    /// The date reviews are judged against and pages are stamped with.
    pub today: Date,
    /// Whether to build each edition's search index (`build --no-search` leaves it out).
    pub search: bool,
    /// Whether to show each edition's published versions, when the root's
    /// git history has releases of it (`build --no-history` turns it off).
    pub history: bool,
    /// The folder of the build cache (`crate::support::store`), where the pages of
    /// past releases are kept between builds; `None` makes them every time.
    pub cache: Option<PathBuf>,
}

/// Which editions a run makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editions {
    /// The model and every authority, each in its own folder, with a list of them.
    Every,
    /// The model alone, at the top of the output.
    Model,
    /// These authorities; one alone is written at the top of the output.
    Authorities(Vec<String>),
}

impl Editions {
    /// Every edition when `slugs` is empty, else those authorities.
    pub fn from_slugs(mut slugs: Vec<String>) -> Self {
        let mut seen = std::collections::HashSet::new();
        slugs.retain(|s| seen.insert(s.clone()));
        if slugs.is_empty() {
            Editions::Every
        } else {
            Editions::Authorities(slugs)
        }
    }

    fn single(&self) -> bool {
        match self {
            Editions::Every => false,
            Editions::Model => true,
            Editions::Authorities(slugs) => slugs.len() == 1,
        }
    }
}

/// One edition's result.
#[derive(Debug, Clone)]
pub struct EditionSummary {
    /// `model` or the authority slug.
    pub slug: String,
    /// The edition's name.
    pub name: String,
    /// How many content pages it has.
    pub pages: usize,
    /// Whether its authority is a made-up one (`demonstration: true`).
    pub demonstration: bool,
    /// Its languages besides the default, each a site in a folder of its own.
    pub other_languages: Vec<Lang>,
}

/// The result of running the stages up to render.
#[derive(Debug)]
pub struct Run {
    /// Everything found wrong, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The editions made.
    pub editions: Vec<EditionSummary>,
    /// The files above the editions to write (the list of several), if
    /// there were no errors: each edition's own files are written to the
    /// staging folder as they are made (see [`build`]).
    pub output: Option<Output>,
}

impl Run {
    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::support::diagnostic::Severity::Error)
    }
}

/// "Today" for a build: `HANDBOOK_TODAY` (YYYY-MM-DD) if set, so builds can be
/// reproduced, otherwise the local date.
pub fn today() -> Date {
    std::env::var("HANDBOOK_TODAY")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// Loads a root and runs every stage but write: each edition's files are
/// made, checked and dropped (for `check` and `release`).
pub fn run(request: &Request) -> Run {
    run_with_progress(request, &|_, _| {})
}

/// Like [`run`], calling `progress(done, total)` as each edition is made.
pub fn run_with_progress(request: &Request, progress: &(dyn Fn(usize, usize) + Sync)) -> Run {
    run_into(request, progress, None)
}

/// Like [`run_with_progress`]; with `staging`, each edition's files are
/// written there as soon as they are made. Without it (`check`), they are
/// checked and dropped. The run's output holds only the files above the
/// editions.
fn run_into(
    request: &Request,
    progress: &(dyn Fn(usize, usize) + Sync),
    staging: Option<&Staging>,
) -> Run {
    let diagnostics = Diagnostics::new();
    let selection = match &request.editions {
        Editions::Every => Selection::All,
        Editions::Model => Selection::Only(Vec::new()),
        Editions::Authorities(slugs) => Selection::Only(slugs.clone()),
    };
    let sources = timed("all", "load", || {
        load::load(&request.root, &selection, &diagnostics)
    });
    let theme = Theme::load(&sources.root, &sources.theme_dir, &diagnostics);
    let with_model = matches!(request.editions, Editions::Every | Editions::Model);
    let (releases, history_warnings, history_off) = releases_shown(request);
    diagnostics.extend(history_warnings);
    let shared = Shared {
        sources: &sources,
        theme: &theme,
        today: request.today,
        search: request.search,
        engine: std::sync::OnceLock::new(),
        releases,
        store: request.cache.as_ref().map(Store::new),
        kept: search_kept(request),
        staging: staging.map(|s| (s, request.editions.single())),
    };
    let results = make_editions(&shared, with_model, &diagnostics, progress);
    if let (Some(why), Some(store)) = (shared.kept.unwritable(), &shared.store) {
        diagnostics.push(unwritable_cache(store, "the search index", &why));
    }
    // Said only when nothing is wrong: the problems come first.
    if !diagnostics.has_errors() {
        diagnostics.extend(history_off);
    }
    let output = (!diagnostics.has_errors())
        .then(|| above_editions(request, &theme, &results, &diagnostics))
        .filter(|_| !diagnostics.has_errors());
    Run {
        diagnostics: diagnostics.into_sorted(),
        editions: results,
        output,
    }
}

/// The files above the editions: with several, the list of them and the
/// theme's static files it uses; none for one edition alone, which is at
/// the top of the output.
fn above_editions(
    request: &Request,
    theme: &Theme,
    editions: &[EditionSummary],
    diagnostics: &Diagnostics,
) -> Output {
    let mut output = Output::default();
    if request.editions.single() {
        return output;
    }
    let list: Vec<render::Listed> = editions
        .iter()
        .map(|e| render::Listed {
            slug: &e.slug,
            name: &e.name,
            demonstration: e.demonstration,
            other_languages: &e.other_languages,
        })
        .collect();
    let index = Engine::new(theme, &TemplateFiles::default(), diagnostics)
        .and_then(|engine| render::editions_index(&list, &engine, diagnostics));
    if let Some(index) = index {
        let file = OutputFile {
            path: "index.html".into(),
            content: Content::Bytes(index),
        };
        output.add("", vec![file]);
    }
    let statics = theme.statics.iter().map(|(name, file)| OutputFile {
        path: format!("assets/{name}"),
        content: file.content(),
    });
    output.add("", statics.collect());
    output
}

/// What every edition of a run shares.
struct Shared<'a> {
    sources: &'a Sources,
    theme: &'a Theme,
    today: Date,
    search: bool,
    /// The template engine of the editions that have no templates of their
    /// own, compiled once for all of them.
    engine: std::sync::OnceLock<Option<Engine>>,
    /// The releases whose pages the editions show, oldest first.
    releases: Vec<history::Release>,
    /// The build cache, if the run keeps one.
    store: Option<Store>,
    /// Where search indexes made before are found (the build cache).
    kept: crate::site::search::Kept,
    /// Where each edition's files are written as soon as they are made, and
    /// whether an edition goes at the top of the output (one edition alone)
    /// rather than in its own folder.
    staging: Option<(&'a Staging, bool)>,
}

fn make_editions(
    shared: &Shared,
    with_model: bool,
    diagnostics: &Diagnostics,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<EditionSummary> {
    let sources = shared.sources;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut jobs: Vec<Option<&str>> = Vec::new();
    if with_model {
        jobs.push(None);
    }
    jobs.extend(sources.authorities.iter().map(|a| Some(a.slug.as_str())));
    jobs.par_iter()
        .map(|&slug| {
            let edition = timed("each", "overlay", || {
                overlay_edition(sources, slug, diagnostics)
            });
            let mut editions = vec![edition.expect("the slug is a loaded authority's")];
            editions.extend(slug.into_iter().flat_map(|slug| {
                sources
                    .translated
                    .iter()
                    .filter(move |t| t.slug == slug)
                    .map(|t| overlay_in(t, diagnostics))
            }));
            let result = build_edition(shared, editions, diagnostics);
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(finished, jobs.len());
            result
        })
        .collect()
}

/// An authority's edition in one of its other languages (see
/// [`overlay::edition_in`]).
fn overlay_in<'s>(translated: &'s Translated, diagnostics: &Diagnostics) -> Edition<'s> {
    overlay::edition_in(
        &translated.model,
        &translated.authority,
        translated.lang,
        Lang::En,
        diagnostics,
    )
}

/// The edition of the authority `slug` (the model's when `None`), with its
/// drift and review checks reported; `None` if no such authority was loaded.
fn overlay_edition<'s>(
    sources: &'s Sources,
    slug: Option<&str>,
    diagnostics: &Diagnostics,
) -> Option<Edition<'s>> {
    let model = sources.model.as_ref();
    let edition = match slug {
        None => overlay::model_edition(model, diagnostics),
        Some(slug) => {
            let authority = sources.authorities.iter().find(|a| a.slug == slug)?;
            overlay::authority_edition(model, authority, diagnostics)
        }
    };
    Some(edition)
}

/// The template engine and static files of an edition: its authority's own
/// over the theme's. `None` when a template fails (reported).
fn edition_theme<'e>(
    shared_engine: &'e std::sync::OnceLock<Option<Engine>>,
    own_engine: &'e mut Option<Option<Engine>>,
    sources: &Sources,
    theme: &Theme,
    linked: &link::LinkedEdition,
    diagnostics: &Diagnostics,
) -> Option<(&'e Engine, StaticFiles)> {
    let (templates, own_statics) = match linked.edition.authority {
        Some(a) => (
            TemplateFiles::authority(&sources.root, &a.dir, diagnostics),
            crate::model::theme::static_files(&sources.root, &a.dir.join("static"), diagnostics),
        ),
        None => (TemplateFiles::default(), StaticFiles::default()),
    };
    let engine = if templates.is_empty() {
        shared_engine.get_or_init(|| {
            timed("all", "templates", || {
                Engine::new(theme, &templates, diagnostics)
            })
        })
    } else {
        own_engine.insert(Engine::new(theme, &templates, diagnostics))
    };
    let mut statics = theme.statics.clone();
    statics.extend(own_statics);
    Some((engine.as_ref()?, statics))
}

/// One language's site of an edition, ready to be made.
struct Site<'r, 's> {
    renderer: Renderer<'r, 's>,
    linked: &'r link::LinkedEdition<'s>,
    /// Its folder in the edition (`""`, `cy/`).
    folder: String,
    /// The paths of its files, in the site.
    paths: Vec<String>,
    /// The pages of past releases, placed in it.
    archived: Vec<OutputFile>,
    /// The files of its theme words.
    strings: Vec<Arc<crate::support::diagnostic::SourceFile>>,
}

/// Builds an edition in each of its languages (`editions`: the default
/// language's first, then the others'), each a complete site, the others
/// in a folder named by their language (`cy/`). Every file is checked and
/// written (when the run writes) as soon as it is made, so an edition's
/// pages are never all held in memory at once.
fn build_edition(
    shared: &Shared,
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
        check_sources(edition, shared.today, diagnostics)
    });
    let states = translation_states(shared.sources, &editions, diagnostics);
    let linked: Vec<link::LinkedEdition> = editions
        .into_iter()
        .map(|edition| timed(slug, "link", || link::link(edition, diagnostics)))
        .collect();
    let mut own = None;
    let Some((engine, statics)) = edition_theme(
        &shared.engine,
        &mut own,
        shared.sources,
        shared.theme,
        &linked[0],
        diagnostics,
    ) else {
        return summary;
    };
    let (history, builds) =
        match timed(slug, "history", || past_releases(shared, slug, diagnostics)) {
            Some(past) => (Some(past.history), past.builds),
            None => (None, Vec::new()),
        };
    let mut sites = sites_of(
        shared,
        &linked,
        (engine, &statics),
        history.as_ref(),
        &states,
        diagnostics,
    );
    if let Some(history) = &history {
        sites[0].archived = timed(slug, "archive", || {
            place_releases(shared, builds, history, &sites[0].paths, diagnostics)
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
    let into = shared
        .staging
        .filter(|_| !diagnostics.has_errors())
        .map(|(staging, single)| (staging, if single { "" } else { slug }));
    for site in sites {
        let made = make_site(
            shared,
            site,
            &everywhere,
            into,
            &statics,
            engine,
            diagnostics,
        );
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
fn edition_language(
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
    let notices = if languages.len() > 1 {
        languages
            .iter()
            .map(|&l| (l, strings_of(l).get("translation_notice").to_string()))
            // An authority whose translation was checked empties the notice.
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
            let mut files = std::iter::once(page.file.path.as_str())
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
    shared: &Shared,
    linked: &'r [link::LinkedEdition<'s>],
    (engine, statics): (&'r Engine, &'r StaticFiles),
    history: Option<&'r render::History>,
    states: &[(String, &'static str)],
    diagnostics: &'r Diagnostics,
) -> Vec<Site<'r, 's>> {
    linked
        .iter()
        .map(|linked| {
            let language =
                edition_language(shared.sources, shared.theme, linked, states, diagnostics);
            let strings = language.strings.files().to_vec();
            // Past releases are shown in the default language's site.
            let shown = history.filter(|_| linked.edition.lang.is_none());
            let renderer = Renderer::new(
                linked,
                engine,
                statics,
                shared.today,
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
            Site {
                renderer,
                linked,
                folder,
                paths,
                archived: Vec::new(),
                strings,
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
    shared: &Shared,
    site: Site,
    everywhere: &[String],
    into: Option<(&Staging, &str)>,
    statics: &StaticFiles,
    engine: &Engine,
    diagnostics: &Diagnostics,
) -> bool {
    let linked = site.linked;
    let slug = linked.edition.slug.as_str();
    let folder = site.folder.as_str();
    let index_paths: Vec<String> = match shared.search {
        true => crate::site::search::fixed_paths()
            .into_iter()
            .map(|p| format!("{folder}{p}"))
            .collect(),
        false => Vec::new(),
    };
    let paths = everywhere.iter().chain(&index_paths).map(String::as_str);
    // Paths are from the edition's top, so its address is the top's.
    let reader = crate::site::linkcheck::Reader::new(slug, paths, linked.edition.top_address());
    let write = |file: &OutputFile| {
        if let Some((staging, edition_folder)) = into {
            staging.write_one(edition_folder, file);
        }
    };
    let made = timed(slug, "render", || {
        render::make_each(&site.renderer, |file| {
            let indexed = shared
                .search
                .then(|| crate::site::search::indexed_page(&file).map(|p| p.into_owned()))
                .flatten();
            // A site in a folder is checked where it stands, so that its
            // links to the other languages' sites (`../step-3.html`) lead
            // somewhere.
            let file = in_folder(folder, file);
            let read = reader.read(&file);
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
    let found = timed(slug, "link check", || reader.finish(reads));
    report_findings(&site, found, statics, engine, diagnostics);
    if shared.search && !diagnostics.has_errors() {
        let lang = linked.edition.lang.unwrap_or(Lang::En);
        let indexed: Vec<_> = indexed.into_iter().flatten().collect();
        let index = timed(slug, "search index", || {
            crate::site::search::index_pages(indexed, lang.code(), &shared.kept)
        });
        match index {
            Ok(files) => files.into_iter().for_each(|f| write(&in_folder(folder, f))),
            Err(d) => diagnostics.push(d),
        }
    }
    for f in site.archived {
        write(&in_folder(folder, f));
    }
    true
}

/// `file` at its place under `folder` (`""`, `cy/`).
fn in_folder(folder: &str, file: OutputFile) -> OutputFile {
    OutputFile {
        path: format!("{folder}{}", file.path),
        content: file.content,
    }
}

/// Reports what the link check of a site found: its problems, its broken
/// links (see [`report_broken_links`]) said as paths in the site, as its
/// author sees them, and its outside links where the edition's text or
/// templates write them.
fn report_findings(
    site: &Site,
    found: crate::site::linkcheck::Findings,
    statics: &StaticFiles,
    engine: &Engine,
    diagnostics: &Diagnostics,
) {
    let folder = site.folder.as_str();
    diagnostics.extend(found.problems);
    let in_site = |path: &str| path.strip_prefix(folder).unwrap_or(path).to_string();
    let broken: Vec<crate::site::linkcheck::BrokenLink> = found
        .broken
        .into_iter()
        .map(|mut link| {
            link.page = in_site(&link.page);
            if let crate::site::linkcheck::Why::NoFile(path) = &link.why {
                link.why = crate::site::linkcheck::Why::NoFile(in_site(path));
            }
            link
        })
        .collect();
    report_broken_links(site.linked, statics, &broken, diagnostics);
    let written = site
        .linked
        .pages
        .iter()
        .flat_map(|p| p.outside_links.iter());
    diagnostics.extend(crate::site::linkcheck::outside_notes(
        found.outside,
        written,
        engine.sources().chain(&site.strings),
    ));
}

/// Reports the links of an edition's pages that go nowhere: where a page's
/// text writes the address, at that place in its source (once, however many
/// pages show the text), and otherwise (a template's link) once for every
/// page that has it. An address the link stage checks itself is left out
/// (see `link::Address::checked_here`).
fn report_broken_links(
    linked: &link::LinkedEdition,
    statics: &StaticFiles,
    broken: &[crate::site::linkcheck::BrokenLink],
    diagnostics: &Diagnostics,
) {
    if broken.is_empty() {
        return;
    }
    let written = linked.addresses();
    let mut elsewhere: Vec<&crate::site::linkcheck::BrokenLink> = Vec::new();
    // Each place is reported once, as its own page shows it: the print
    // view, which holds every page's text, only for what no page has.
    let mut reported = std::collections::HashSet::new();
    let (in_print, in_pages): (Vec<_>, Vec<_>) = broken
        .iter()
        .partition(|link| link.page == crate::support::url::PRINT_FILE);
    for link in in_pages.into_iter().chain(in_print) {
        let Some(places) = written.get(&crate::support::address::key(&link.url)) else {
            elsewhere.push(link);
            continue;
        };
        for (page, address) in places.iter().filter(|(_, a)| !a.checked_here) {
            if reported.insert((page.page.id(), address.range(), address.example())) {
                let names = statics.keys().map(String::as_str);
                diagnostics.push(address.locate(page, link.at_source(address.image, names)));
            }
        }
    }
    diagnostics.extend(crate::site::linkcheck::in_output(
        &linked.edition.slug,
        &elsewhere,
    ));
}

/// Reports an edition's overrides whose model text changed (drift) and its
/// overdue reviews; those of model pages once, by the model edition.
fn check_sources(edition: &Edition, today: Date, diagnostics: &Diagnostics) {
    diagnostics.extend(drift::check(edition));
    if edition.address().is_none() {
        diagnostics.push(no_address(edition));
    }
    if let Some(authority) = edition.authority {
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

/// Builds and writes. Returns the run; output is written only if it has
/// no errors. Each file is written into a staging folder beside `out` as
/// soon as it is made (see [`Staging`]), and the whole is swapped in
/// at the end, so a failed build leaves the previous output as it was.
pub fn build(
    request: &Request,
    out: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> std::io::Result<Run> {
    let staging = Staging::beside(out);
    let run = run_into(request, progress, Some(&staging));
    if let Some(output) = &run.output {
        timed("all", "write", || {
            staging.write_output(output);
            staging.finish()
        })?;
    }
    Ok(run)
}

/// Loads `root` with the one authority `slug`, overlays and links its
/// edition, and gives it to `work` with the diagnostics gathered so far
/// (for `diff` and `accept`). `Err` with every problem when the edition has
/// errors.
pub fn with_edition<T>(
    root: &Path,
    slug: &str,
    work: impl FnOnce(&link::LinkedEdition) -> T,
) -> Result<T, Vec<Diagnostic>> {
    let diagnostics = Diagnostics::new();
    let sources = load::load(root, &Selection::Only(vec![slug.to_string()]), &diagnostics);
    let edition = overlay_edition(&sources, Some(slug), &diagnostics);
    let linked = edition.map(|edition| link::link(edition, &diagnostics));
    match linked {
        Some(linked) if !diagnostics.has_errors() => Ok(work(&linked)),
        _ => Err(diagnostics.into_sorted()),
    }
}

/// Loads `root` with the one authority `slug` and gives `work` the
/// authority and its translations into each of its other languages, each
/// with its source text as it is now (for `accept`). `Err` with every
/// error when the root has errors.
pub fn with_translations<T>(
    root: &Path,
    slug: &str,
    work: impl FnOnce(&crate::model::authority::Authority, &[drift::TranslationSource]) -> T,
) -> Result<T, Vec<Diagnostic>> {
    let diagnostics = Diagnostics::new();
    let sources = load::load(root, &Selection::Only(vec![slug.to_string()]), &diagnostics);
    let authority = sources.authorities.iter().find(|a| a.slug == slug);
    match authority {
        Some(authority) if !diagnostics.has_errors() => {
            let found: Vec<drift::TranslationSource> = sources
                .translated
                .iter()
                .flat_map(|t| drift::translation_sources(t, &sources.model, authority))
                .collect();
            Ok(work(authority, &found))
        }
        _ => Err(diagnostics.into_sorted()),
    }
}

/// Runs `stage`; with `HANDBOOK_TIMINGS` set in the environment, prints how
/// long it took (for profiling builds; see `bench/`).
pub fn timed<T>(edition: &str, stage: &str, work: impl FnOnce() -> T) -> T {
    static WANTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*WANTED.get_or_init(|| std::env::var_os("HANDBOOK_TIMINGS").is_some()) {
        return work();
    }
    let started = std::time::Instant::now();
    let result = work();
    // The process's peak memory so far, where the system tells it (Linux).
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    eprintln!(
        "timing: {edition}: {stage} {:.1} ms (peak memory {peak})",
        started.elapsed().as_secs_f64() * 1000.0
    );
    result
}

/// One edition built again and again for `serve`, through the same stages
/// as `build`, keeping what each stage can reuse between saves.
pub struct Preview {
    root: PathBuf,
    authority: Option<String>,
    /// The sources as last read, if they had no errors.
    sources: Option<Sources>,
    theme: Option<Theme>,
    engine: std::sync::OnceLock<Option<Engine>>,
    link: link::Memo,
    cache: Cache,
}

/// The releases a run shows, oldest first: none when `request.history` is
/// off, and none dated after `request.today` (a release comes into force
/// on its date). Returns them, a warning for each tag under `handbook/`
/// that is not a release and each release not yet in force, and, when the
/// root has no history to show, a note saying why.
fn releases_shown(
    request: &Request,
) -> (Vec<history::Release>, Vec<Diagnostic>, Option<Diagnostic>) {
    let recorded = match history::releases(&request.root) {
        Ok(recorded) => recorded,
        Err(off) => {
            let note = Diagnostic::note(
                "history-off",
                format!("history is off: {}, so the site shows no past versions", off.reason()),
            )
            .hint("keep the root in git and record releases with `handbook release SLUG --version V --note TEXT`");
            return (Vec::new(), Vec::new(), Some(note));
        }
    };
    let mut warnings: Vec<Diagnostic> = recorded
        .ignored
        .iter()
        .map(|i| {
            Diagnostic::warning(
                "release-ignored",
                format!("the tag {} is not shown as a release: {}", i.tag, i.why),
            )
            .hint(i.hint.clone())
        })
        .collect();
    if recorded.shallow {
        warnings.push(
            Diagnostic::warning("shallow-history", "the root is in a shallow clone of its repository, which may leave out releases: the site shows only the release tags it has")
                .hint("fetch the whole history and every tag with `git fetch --unshallow --tags` (or clone without a depth)"),
        );
    }
    let (shown, later): (Vec<_>, Vec<_>) = recorded
        .releases
        .into_iter()
        .partition(|r| r.date <= request.today);
    warnings.extend(later.iter().map(|r| {
        Diagnostic::warning(
            "release-not-yet-in-force",
            format!(
                "release {} of `{}` is dated {}, after today ({}), so it is not shown until that day",
                r.version, r.edition, r.date, request.today
            ),
        )
        .hint("a release comes into force on its tag's date: if the date is wrong (a computer's clock, a tag made with a date in the future), delete the tag with `git tag -d` and record it again")
    }));
    let shown = if request.history { shown } else { Vec::new() };
    (shown, warnings, None)
}

/// An edition's past releases, built: what the renderer shows of them, and
/// each one's pages, to be placed under `versions/`.
struct Past<'a> {
    history: render::History,
    builds: Vec<Built<'a>>,
}

/// One past release as a run has it: where the build cache keeps it, and
/// its pages when this run made them (else they are in the cache).
struct Built<'a> {
    release: &'a history::Release,
    key: Option<[u8; 16]>,
    files: Option<Vec<OutputFile>>,
}

/// The kind of build cache entry that holds a release's pages as built.
const RELEASE_ENTRY: &str = "releases";

/// The kind of build cache entry that holds a release's pages as placed
/// in an edition (marked as archived and linked to the current pages); one
/// entry a release, in a folder named by the release's key.
const ARCHIVED_ENTRY: &str = "archived";

/// The pages of every past release of an edition (`builds`, shown in
/// `history`) under its folder, marked as archived and linked to the
/// current edition's files, at `paths`.
fn place_releases(
    shared: &Shared,
    builds: Vec<Built>,
    history: &render::History,
    paths: &[String],
    diagnostics: &Diagnostics,
) -> Vec<OutputFile> {
    let current: std::collections::HashSet<String> = paths.iter().cloned().collect();
    let mut paths: Vec<&str> = current.iter().map(String::as_str).collect();
    paths.sort_unstable();
    let mut f = crate::support::fingerprint::Fingerprint::default();
    for path in paths {
        f.text(path);
    }
    let current_key = f.finish();
    let placed: Vec<Vec<OutputFile>> = builds
        .into_par_iter()
        .zip(&history.releases)
        .map(|(built, row)| {
            placed_release(shared, built, row, (&current, &current_key), diagnostics)
        })
        .collect();
    placed.into_iter().flatten().collect()
}

/// The key of a release's pages as placed: the release's key, the dates
/// its banner shows, and the current pages its pages link to.
fn placed_key(release: &[u8; 16], row: &render::ReleaseRow, current: &[u8; 16]) -> [u8; 16] {
    let mut f = crate::support::fingerprint::Fingerprint::default();
    f.bytes(release)
        .text(&row.version)
        .text(&row.from)
        .text(row.until.as_deref().unwrap_or("\0"))
        .bytes(current);
    f.finish()
}

/// One release's pages placed in its edition, linked to the `current`
/// pages (their paths, and the key of that list): from the build cache
/// when it holds them, else marked afresh (from the pages this run built,
/// or those the cache keeps, or built again) and kept there.
fn placed_release(
    shared: &Shared,
    built: Built,
    row: &render::ReleaseRow,
    (current, current_key): (&std::collections::HashSet<String>, &[u8; 16]),
    diagnostics: &Diagnostics,
) -> Vec<OutputFile> {
    let store = shared.store.as_ref();
    // Where the cache keeps the placed pages: one folder a release.
    let placed = store.zip(built.key).map(|(store, key)| {
        let kind = format!(
            "{ARCHIVED_ENTRY}/{}",
            crate::support::fingerprint::hex(&key)
        );
        (store, kind, placed_key(&key, row, current_key))
    });
    if let Some((store, kind, key)) = &placed {
        if let Some(files) = store.files(kind, key) {
            return kept(files);
        }
    }
    let files = built.files.or_else(|| {
        let (store, key) = store.zip(built.key)?;
        store.get(RELEASE_ENTRY, &key).map(from_entry)
    });
    let files = files.or_else(|| {
        // Its pages as built are missing from the cache or damaged there:
        // built again, and kept again.
        let (text, files) = build_release(&shared.sources.root, built.release, diagnostics)?;
        if let Some((store, key)) = store.zip(built.key) {
            let kept = store.put(RELEASE_ENTRY, &key, &to_entry(&text, &files));
            cache_kept(kept, store, built.release, diagnostics);
        }
        Some(files)
    });
    let Some(files) = files else {
        return Vec::new();
    };
    match render::archived(files, row, current) {
        Ok(files) => {
            if let Some((store, kind, key)) = &placed {
                let bytes: Vec<(&str, std::borrow::Cow<[u8]>)> = files
                    .iter()
                    .map(|f| (f.path.as_str(), f.content.bytes().unwrap_or_default()))
                    .collect();
                let listed: Vec<(&str, &[u8])> = bytes.iter().map(|(p, b)| (*p, &**b)).collect();
                let put = store.put_files(kind, key, &listed);
                cache_kept(put, store, built.release, diagnostics);
            }
            files
        }
        Err(why) => {
            diagnostics.push(Diagnostic::error(
                "unreadable",
                format!("cannot read a file of release {}: {why}", row.version),
            ));
            Vec::new()
        }
    }
}

/// Builds every release of the edition `slug` that the run shows, from the
/// files committed at its tag (or takes what they said from the build
/// cache); `None` when it has none.
fn past_releases<'a>(
    shared: &'a Shared,
    slug: &str,
    diagnostics: &Diagnostics,
) -> Option<Past<'a>> {
    let releases: Vec<&history::Release> = shared
        .releases
        .iter()
        .filter(|r| r.edition == slug)
        .collect();
    if releases.is_empty() {
        return None;
    }
    let built: Vec<_> = releases
        .par_iter()
        .filter_map(|release| release_built(shared, release, diagnostics))
        .collect();
    let (texts, builds): (Vec<render::ReleaseText>, Vec<_>) = built.into_iter().unzip();
    Some(Past {
        history: render::History::new(&texts),
        builds,
    })
}

/// One release: what its pages said, from the build cache when it holds
/// it (its pages are read from there only if they are needed), else built
/// and kept there. A release's pages depend only on the files of its tag,
/// its date and note, and this program, which its key covers.
fn release_built<'a>(
    shared: &Shared,
    release: &'a history::Release,
    diagnostics: &Diagnostics,
) -> Option<(render::ReleaseText, Built<'a>)> {
    let key = shared
        .store
        .as_ref()
        .and_then(|_| release_key(&shared.sources.root, release));
    let stored = shared.store.as_ref().zip(key);
    if let Some((store, key)) = &stored {
        let about = store.about(RELEASE_ENTRY, key);
        if let Some(text) = about.and_then(|a| serde_json::from_slice(&a).ok()) {
            let files = None;
            return Some((
                text,
                Built {
                    release,
                    key: Some(*key),
                    files,
                },
            ));
        }
    }
    let (text, files) = build_release(&shared.sources.root, release, diagnostics)?;
    if let Some((store, key)) = &stored {
        let kept = store.put(RELEASE_ENTRY, key, &to_entry(&text, &files));
        cache_kept(kept, store, release, diagnostics);
    }
    let files = Some(files);
    Some((
        text,
        Built {
            release,
            key,
            files,
        },
    ))
}

/// Warns when what a build made of `release` could not be kept in the
/// build cache.
fn cache_kept(
    kept: std::io::Result<()>,
    store: &Store,
    release: &history::Release,
    diagnostics: &Diagnostics,
) {
    let Err(why) = kept else { return };
    let what = format!("release {} of `{}`", release.version, release.edition);
    diagnostics.push(unwritable_cache(store, &what, &why));
}

/// The warning that `what` could not be kept in the build cache, and why,
/// in plain words: a cache whose place holds a file is said to be one (the
/// file is the user's, so the hint does not offer to delete it), and the
/// file system's error number is left out.
fn unwritable_cache(store: &Store, what: &str, why: &dyn std::fmt::Display) -> Diagnostic {
    let dir = store.dir();
    if dir.exists() && !dir.is_dir() {
        return Diagnostic::warning(
            "cache-unwritable",
            format!(
                "cannot keep {what} in the build cache: {} is a file, and the build cache must be a folder",
                dir.display()
            ),
        )
        .hint("give `--cache` the path of a folder (Handbook makes it if it is not there), or use `--no-cache` to keep none; the site is built all the same, but builds take longer without the cache");
    }
    let why = why.to_string();
    let why = why
        .rfind(" (os error ")
        .map_or(why.as_str(), |at| &why[..at]);
    Diagnostic::warning(
        "cache-unwritable",
        format!("cannot keep {what} in the build cache {}: {why}", dir.display()),
    )
    .hint("the site is built all the same, but what could not be kept is made again on every build, so builds take longer; let Handbook write in the cache folder, or delete the cache folder (that is always safe), or use `--no-cache` to keep none")
}

/// Where a run finds search indexes made before: its build cache,
/// if it keeps one and this program's own file can be read.
fn search_kept(request: &Request) -> crate::site::search::Kept {
    match (&request.cache, program_key()) {
        (Some(dir), Some(program)) => crate::site::search::Kept::in_store(Store::new(dir), program),
        _ => crate::site::search::Kept::none(),
    }
}

/// The key of a release's pages: this program, the root, the commit of the
/// release's tag, and what the tag says (edition, version, date, note).
/// `None` when this program's own file cannot be read.
fn release_key(root: &Path, release: &history::Release) -> Option<[u8; 16]> {
    let mut f = crate::support::fingerprint::Fingerprint::default();
    f.bytes(&program_key()?)
        .text(&root.to_string_lossy())
        .text(release.commit())
        .text(&release.edition)
        .text(&release.version)
        .text(&release.date.to_string())
        .number(release.seconds as u64)
        .text(&release.note);
    Some(f.finish())
}

/// A fingerprint of this program: its version and its file's size and
/// time of last change (as compilers' caches tell one compiler from
/// another), so what one build of Handbook made is never taken for
/// another's. `None` when the file cannot be found.
fn program_key() -> Option<[u8; 16]> {
    static KEY: std::sync::OnceLock<Option<[u8; 16]>> = std::sync::OnceLock::new();
    *KEY.get_or_init(|| {
        let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        let changed = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let mut f = crate::support::fingerprint::Fingerprint::default();
        f.text(env!("CARGO_PKG_VERSION"))
            .number(meta.len())
            .number(changed.as_secs())
            .number(u64::from(changed.subsec_nanos()));
        Some(f.finish())
    })
}

/// A built release as a build cache entry: its text as JSON, its files.
fn to_entry(text: &render::ReleaseText, files: &[OutputFile]) -> Entry {
    Entry {
        about: serde_json::to_vec(text).unwrap_or_default(),
        files: files
            .iter()
            .map(|f| {
                let bytes = f.content.bytes().map(|b| b.into_owned());
                (f.path.clone(), bytes.unwrap_or_default())
            })
            .collect(),
    }
}

/// The files of a folder entry of the build cache, to be shared with the
/// output.
fn kept(files: Vec<(String, PathBuf)>) -> Vec<OutputFile> {
    files
        .into_iter()
        .map(|(path, at)| OutputFile {
            path,
            content: Content::Kept(at),
        })
        .collect()
}

/// The files of a build cache entry.
fn from_entry(entry: Entry) -> Vec<OutputFile> {
    entry
        .files
        .into_iter()
        .map(|(path, bytes)| OutputFile {
            path,
            content: Content::Bytes(bytes),
        })
        .collect()
}

/// One release of one edition built from the files of its tag, through the
/// same stages as the current edition, as of the release's date and
/// without a search index; every file is read into memory, so nothing of
/// it stays on disk. A release that cannot be built is left out with a
/// warning naming its first problem.
fn build_release(
    root: &Path,
    release: &history::Release,
    diagnostics: &Diagnostics,
) -> Option<(render::ReleaseText, Vec<OutputFile>)> {
    let left_out = |why: String| {
        diagnostics.push(
            Diagnostic::warning(
                "release-left-out",
                format!(
                    "release {} of `{}` is left out of the site: {why}",
                    release.version, release.edition
                ),
            )
            .hint(
                "check out the release's tag and run `handbook check` to see why it does not build",
            ),
        );
    };
    let dir = tempfile::tempdir()
        .map_err(|e| left_out(e.to_string()))
        .ok()?;
    let written = history::release_files(root, release)
        .and_then(|files| history::write_files(&files, dir.path()));
    if let Err(why) = written {
        left_out(why);
        return None;
    }
    let own = Diagnostics::new();
    let slug =
        (release.edition != crate::support::url::MODEL_SLUG).then_some(release.edition.as_str());
    let sources = load::load(
        dir.path(),
        &Selection::Only(slug.into_iter().map(String::from).collect()),
        &own,
    );
    let theme = Theme::load(&sources.root, &sources.theme_dir, &own);
    let files = overlay_edition(&sources, slug, &own).and_then(|edition| {
        let linked = link::link(edition, &own);
        let pages = linked
            .pages
            .iter()
            .map(|p| {
                let id = p.page.id().to_string();
                let file = crate::support::url::file_of(&linked.edition.home, &id);
                (id, (file, format!("{}\n{}", p.title, &*p.text.markdown)))
            })
            .collect();
        let (engine, mut mine) = (std::sync::OnceLock::new(), None);
        let (engine, statics) = edition_theme(&engine, &mut mine, &sources, &theme, &linked, &own)?;
        let files = render::render(&linked, engine, &statics, release.date, &own);
        Some((pages, files))
    });
    let first_error = own
        .into_sorted()
        .into_iter()
        .find(|d| d.severity == Severity::Error);
    match (files, first_error) {
        (Some((pages, files)), None) => Some((
            render::ReleaseText {
                version: release.version.clone(),
                date: release.date,
                note: release.note.clone(),
                pages,
            },
            in_memory(files).map_err(left_out).ok()?,
        )),
        (_, error) => {
            left_out(error.map_or_else(|| "it has no such edition".into(), |e| e.message.into()));
            None
        }
    }
}

/// Files with every copied file read into memory.
fn in_memory(files: Vec<OutputFile>) -> Result<Vec<OutputFile>, String> {
    files
        .into_iter()
        .map(|f| match f.content {
            Content::Copy(from) | Content::Kept(from) => std::fs::read(&from)
                .map(|bytes| OutputFile {
                    path: f.path,
                    content: Content::Bytes(bytes),
                })
                .map_err(|e| format!("{}: {e}", from.display())),
            _ => Ok(f),
        })
        .collect()
}

/// What one build of a [`Preview`] made, handed over in two steps.
#[derive(Debug)]
pub enum Step {
    /// Every output but the print view: the pages to serve at once.
    Pages(Made),
    /// The print view, made after the pages are served (at thousands of
    /// pages it takes longer to put together than the pages a save changed).
    Print(Made),
}

impl Preview {
    /// A preview of the edition of `authority` (the model's when `None`) of
    /// the root at `root`. Nothing is read until [`Preview::build`].
    pub fn new(root: PathBuf, authority: Option<String>) -> Self {
        Self {
            root,
            authority,
            sources: None,
            theme: None,
            engine: std::sync::OnceLock::new(),
            link: link::Memo::default(),
            cache: Cache::default(),
        }
    }

    /// Builds the edition after `changed` files were saved (everything is
    /// read again when `changed` is `None`, or when the files cannot be
    /// re-read alone), giving what it made to `hand_over` in two steps. The
    /// errors that stopped it are returned as `Err`, and nothing is handed
    /// over.
    pub fn build(
        &mut self,
        changed: Option<&[PathBuf]>,
        hand_over: &mut dyn FnMut(Step),
    ) -> Result<(), Vec<Diagnostic>> {
        let diagnostics = Diagnostics::new();
        timed("preview", "read", || self.read(changed, &diagnostics));
        let (Some(sources), Some(theme)) = (&self.sources, &self.theme) else {
            return Err(errors(diagnostics));
        };
        let slug = self.authority.as_deref();
        let edition = timed("preview", "overlay", || {
            overlay_edition(sources, slug, &diagnostics)
        });
        let Some(edition) = edition else {
            diagnostics.push(Diagnostic::error(
                "unknown-authority",
                format!(
                    "there is no authority `{}` (or its authority.yaml could not be read)",
                    slug.unwrap_or_default()
                ),
            ));
            return Err(errors(diagnostics));
        };
        let today = today();
        timed("preview", "drift", || {
            check_sources(&edition, today, &diagnostics)
        });
        let linked = timed("preview", "link", || {
            link::link_with(edition, &diagnostics, Some(&self.link))
        });
        let mut own = None;
        let themed = edition_theme(
            &self.engine,
            &mut own,
            sources,
            theme,
            &linked,
            &diagnostics,
        );
        let Some((engine, statics)) = themed else {
            self.cache.forget_edition();
            return Err(errors(diagnostics));
        };
        let renderer = timed("preview", "renderer", || {
            Renderer::new(
                &linked,
                engine,
                &statics,
                today,
                &diagnostics,
                Some(self.cache.texts()),
                preview_language(sources, theme, &linked, &diagnostics),
            )
        });
        let outputs = renderer.outputs();
        let (print, pages): (Vec<_>, Vec<_>) =
            outputs.iter().partition(|o| **o == render::Output::Print);
        let made = timed("preview", "render", || self.cache.render(&renderer, &pages));
        let made = made.map_err(|(path, e)| {
            vec![Diagnostic::error(
                "unreadable",
                format!("cannot read {path}: {e}"),
            )]
        })?;
        if diagnostics.has_errors() {
            return Err(errors(diagnostics));
        }
        hand_over(Step::Pages(made));
        if let Ok(made) = self.cache.render(&renderer, &print) {
            hand_over(Step::Print(made));
        }
        let paths: Vec<String> = outputs.iter().map(|o| renderer.path(*o)).collect();
        self.cache
            .keep_only(&paths.iter().map(String::as_str).collect());
        Ok(())
    }

    /// Brings the sources up to date: re-reads just `changed` where it can,
    /// else reads the root again and starts afresh.
    fn read(&mut self, changed: Option<&[PathBuf]>, diagnostics: &Diagnostics) {
        if let (Some(sources), Some(changed)) = (&mut self.sources, changed) {
            if load::reload(sources, changed).is_some() {
                served_here(sources);
                return;
            }
        }
        let selection = Selection::Only(self.authority.iter().cloned().collect());
        let mut sources = load::load(&self.root, &selection, diagnostics);
        served_here(&mut sources);
        let theme = Theme::load(&sources.root, &sources.theme_dir, diagnostics);
        let good = !diagnostics.has_errors();
        *self = Self::new(self.root.clone(), self.authority.clone());
        if good {
            self.sources = Some(sources);
            self.theme = Some(theme);
        }
    }
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preview")
            .field("root", &self.root)
            .field("authority", &self.authority)
            .finish_non_exhaustive()
    }
}

/// The language of the preview's pages: the edition's default, without a
/// switch to its other languages, whose sites the preview does not make.
fn preview_language(
    sources: &Sources,
    theme: &Theme,
    linked: &link::LinkedEdition,
    diagnostics: &Diagnostics,
) -> render::Language {
    let mut language = edition_language(sources, theme, linked, &[], diagnostics);
    language.others.clear();
    language
}

/// Sources as the preview serves them: at its own address, not at the
/// published one, so no page links to the published site (the preview's
/// 404 page is made to work from any folder when it is served).
fn served_here(sources: &mut Sources) {
    if let Some(model) = Arc::get_mut(&mut sources.model) {
        model.meta.address = None;
    }
    for authority in &mut sources.authorities {
        authority.config.address = None;
    }
}

/// The errors among `diagnostics`, sorted.
fn errors(diagnostics: Diagnostics) -> Vec<Diagnostic> {
    diagnostics
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::support::url::PRINT_FILE;

    /// A temporary root (with no themes folder: the built-in theme is used)
    /// of a home page and two pages, the second linking to the first, and
    /// the authority `x` with one local page.
    fn small_root() -> tempfile::TempDir {
        crate::stages::load::tests::root_with(&[
            (
                "content/_index.md",
                "---\nid: home\ntitle: Home\n---\nWelcome.\n",
            ),
            ("content/a.md", &page_a("Text of A.")),
            ("content/b.md", &page_b("See [[a#first]].")),
            (
                "local-overrides/x/authority.yaml",
                crate::model::authority::tests::SETTINGS,
            ),
            (
                "local-overrides/x/pages/local.md",
                "---\nid: local\ntitle: Our page\nparent: a\n---\nLocal text.\n",
            ),
        ])
    }

    fn page_a(text: &str) -> String {
        format!("---\nid: a\ntitle: Page A\nweight: 1\n---\n## First {{#first}}\n\n{text}\n")
    }

    fn page_b(text: &str) -> String {
        format!("---\nid: b\ntitle: Page B\nweight: 2\n---\n{text}\n")
    }

    #[test]
    fn slugs_name_the_editions() {
        assert_eq!(Editions::from_slugs(Vec::new()), Editions::Every);
        let slugs = ["b", "a", "b"].map(String::from).to_vec();
        assert_eq!(
            Editions::from_slugs(slugs),
            Editions::Authorities(vec!["b".into(), "a".into()]),
            "in the order given, each once"
        );
        assert!(!Editions::Every.single());
        assert!(Editions::Model.single());
        assert!(Editions::from_slugs(vec!["a".into()]).single());
    }

    #[test]
    fn with_edition_gives_one_linked_authority_edition_or_every_problem() {
        let dir = small_root();
        let pages = with_edition(dir.path(), "x", |linked| {
            linked
                .pages
                .iter()
                .map(|p| p.page.id().to_string())
                .collect::<Vec<_>>()
        })
        .unwrap();
        assert_eq!(pages, ["home", "a", "local", "b", "credits"]);

        let problems = with_edition(dir.path(), "y", |_| ()).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "unknown-authority");
        assert!(problems[0].message.contains("`y`"));

        std::fs::write(
            dir.path().join("content/b.md"),
            "---\nid: b\ntitle: B\n---\nSee [[c]].\n",
        )
        .unwrap();
        let problems = with_edition(dir.path(), "x", |_| ()).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file_path(), Some("content/b.md"));
    }

    /// Builds `preview` from scratch; returns what each step handed over.
    fn first_build(preview: &mut Preview) -> Result<Vec<Step>, Vec<Diagnostic>> {
        let mut steps = Vec::new();
        preview.build(None, &mut |step| steps.push(step))?;
        Ok(steps)
    }

    /// Saves `text` to `relative` under the preview's root and builds again.
    fn save(
        preview: &mut Preview,
        relative: &str,
        text: &str,
    ) -> Result<Vec<Step>, Vec<Diagnostic>> {
        let path = preview.root.join(relative);
        std::fs::write(&path, text).unwrap();
        let mut steps = Vec::new();
        preview.build(Some(&[path]), &mut |step| steps.push(step))?;
        Ok(steps)
    }

    /// The files of the two steps, by path, and the paths the first made again.
    fn files_of(steps: Vec<Step>) -> (HashMap<String, Arc<[u8]>>, Vec<String>) {
        let mut files = HashMap::new();
        let mut changed = Vec::new();
        let mut kinds = Vec::new();
        for step in steps {
            let made = match step {
                Step::Pages(made) => {
                    kinds.push("pages");
                    assert!(made.files.iter().all(|(path, _)| path != PRINT_FILE));
                    changed = made.changed.clone();
                    made
                }
                Step::Print(made) => {
                    kinds.push("print");
                    let paths: Vec<&str> = made.files.iter().map(|(p, _)| p.as_str()).collect();
                    assert_eq!(paths, [PRINT_FILE]);
                    made
                }
            };
            files.extend(made.files);
        }
        assert_eq!(
            kinds,
            ["pages", "print"],
            "pages first, then the print view"
        );
        (files, changed)
    }

    /// The request of `build --no-search` for the root's model edition.
    fn fresh_request(root: &Path) -> Request {
        Request {
            cache: None,
            root: root.to_path_buf(),
            editions: Editions::Model,
            today: today(),
            search: false,
            history: false,
        }
    }

    /// The run of that request, without writing (as `check` runs it).
    fn fresh_run(root: &Path) -> Run {
        run(&fresh_request(root))
    }

    /// What `build --no-search` writes of the root's model edition, by path.
    fn fresh_build(root: &Path) -> HashMap<String, Vec<u8>> {
        let out = tempfile::tempdir().unwrap();
        let run = build(&fresh_request(root), &out.path().join("site"), &|_, _| {}).unwrap();
        assert!(!run.has_errors(), "{:?}", run.diagnostics);
        let site = out.path().join("site");
        walkdir::WalkDir::new(&site)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let path = e.path().strip_prefix(&site).unwrap();
                let path = path.to_string_lossy().replace('\\', "/");
                (path, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    fn assert_same_as_built(files: &HashMap<String, Arc<[u8]>>, root: &Path) {
        let built = fresh_build(root);
        let mut paths: Vec<&String> = built.keys().collect();
        paths.sort();
        let served: Vec<&String> = {
            let mut p: Vec<&String> = files.keys().collect();
            p.sort();
            p
        };
        assert_eq!(served, paths, "the preview makes the files a build makes");
        for path in paths {
            assert!(
                *files[path] == *built[path],
                "{path} differs from a fresh build"
            );
        }
    }

    #[test]
    fn a_preview_builds_then_rebuilds_only_what_an_edit_changed() {
        let dir = small_root();
        let root = dir.path();
        let mut preview = Preview::new(root.to_path_buf(), None);
        let (files, changed) = files_of(first_build(&mut preview).unwrap());
        let page = |files: &HashMap<String, Arc<[u8]>>, path: &str| {
            String::from_utf8(files[path].to_vec()).unwrap()
        };
        assert!(page(&files, "a.html").contains("Text of A."));
        assert!(page(&files, "b.html").contains("href=\"a.html#first\""));
        assert!(!files.contains_key("local.html"), "the model edition");
        assert!(
            changed.contains(&"a.html".into()),
            "all made the first time"
        );
        assert_same_as_built(&files, root);

        // A save of one page's text makes that page again, and not the others.
        let saved = save(&mut preview, "content/a.md", &page_a("New text of A."));
        let (files, changed) = files_of(saved.unwrap());
        assert!(page(&files, "a.html").contains("New text of A."));
        assert!(page(&files, PRINT_FILE).contains("New text of A."));
        assert!(changed.contains(&"a.html".into()), "{changed:?}");
        assert!(!changed.contains(&"b.html".into()), "{changed:?}");
        assert_same_as_built(&files, root);

        // A new page is read with the rest of the root again.
        let new = "---\nid: c\ntitle: Page C\nweight: 3\n---\nText of C.\n";
        let (files, _) = files_of(save(&mut preview, "content/c.md", new).unwrap());
        assert!(page(&files, "c.html").contains("Text of C."));
        let contents = page(&files, "b.html");
        assert!(contents.contains("Page C"), "the contents list follows");
        assert_same_as_built(&files, root);
    }

    #[test]
    fn a_save_links_again_the_unsaved_pages_that_name_the_saved_one() {
        let dir = small_root();
        let root = dir.path();
        let b = page_b("## About [[a]]\n\nSee [[a#first]].");
        std::fs::write(root.join("content/b.md"), &b).unwrap();
        let mut preview = Preview::new(root.to_path_buf(), None);
        let (files, _) = files_of(first_build(&mut preview).unwrap());
        assert_same_as_built(&files, root);

        // The section b links to is renamed: b, not saved, no longer resolves.
        let renamed = "---\nid: a\ntitle: Page A\nweight: 1\n---\n## Second {#second}\n\nA.\n";
        let problems = save(&mut preview, "content/a.md", renamed).unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| (p.code, p.file_path())).collect();
        assert_eq!(at, [("unknown-id", Some("content/b.md"))]);

        // Back, under a new title: b's heading and link show it.
        let retitled =
            "---\nid: a\ntitle: Page A, again\nweight: 1\n---\n## First {#first}\n\nA.\n";
        let (files, changed) = files_of(save(&mut preview, "content/a.md", retitled).unwrap());
        let b_html = String::from_utf8_lossy(&files["b.html"]).into_owned();
        assert!(b_html.contains(">Page A, again</a></h2>"), "{b_html}");
        assert!(changed.contains(&"b.html".into()), "{changed:?}");
        assert_same_as_built(&files, root);

        // b links elsewhere, then back: the pages it links to follow.
        for text in ["See [[home]].", "See [[a]]."] {
            let (files, _) = files_of(save(&mut preview, "content/b.md", &page_b(text)).unwrap());
            assert_same_as_built(&files, root);
        }
    }

    /// Where each error of a build of the model edition of `root` is.
    fn fresh_errors(root: &Path) -> Vec<(&'static str, Option<String>, Option<usize>)> {
        let run = fresh_run(root);
        let errors = run
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error);
        let mut at: Vec<_> = errors.map(place_of).collect();
        at.sort();
        at
    }

    fn place_of(d: &Diagnostic) -> (&'static str, Option<String>, Option<usize>) {
        let file = d.file_path().map(str::to_string);
        (d.code, file, d.line_col().map(|(line, _)| line))
    }

    /// A run of saves, each of one page's headings, cross-references and
    /// title picked at random (from a fixed seed), serves after each save
    /// what a fresh build makes, or fails with the errors it fails with.
    #[test]
    fn any_run_of_saves_serves_what_a_fresh_build_makes() {
        let dir = small_root();
        let root = dir.path();
        let seed = std::cell::Cell::new(0x9e37_79b9_7f4a_7c15_u64);
        let pick = |n: usize| {
            let next = seed
                .get()
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seed.set(next);
            (next >> 33) as usize % n
        };
        let headings = [
            "## First {#first}",
            "## Second {#second}",
            "## About [[b]] {#about}",
            "### Third {#third}",
            "## On [[c#third]]",
        ];
        let links = [
            "[[a#first]]",
            "[[a#second]]",
            "[[b]]",
            "[[c]]",
            "[[a]]",
            "[[home]]",
            "[[c#third]]",
            "[[b#about]]",
        ];
        // Each page's weight is picked too, so a save can change the
        // reading order.
        let page = |id: &str| {
            let weight = 1 + pick(3);
            let title = ["Page", "Page, again"][pick(2)];
            let mut text = format!("---\nid: {id}\ntitle: {title} {id}\nweight: {weight}\n---\n");
            for h in headings {
                if pick(8) != 0 {
                    text.push_str(&format!("{h}\n\nText of {id}.\n\n"));
                }
            }
            for l in links {
                if pick(5) == 0 {
                    text.push_str(&format!("See {l}.\n\n"));
                }
            }
            text
        };
        std::fs::write(root.join("content/c.md"), page("c")).unwrap();
        let mut preview = Preview::new(root.to_path_buf(), None);
        let _ = first_build(&mut preview);
        let mut failed = 0;
        for _ in 0..40 {
            let id = ["a", "b", "c"][pick(3)];
            let text = page(id);
            match save(&mut preview, &format!("content/{id}.md"), &text) {
                Ok(steps) => assert_same_as_built(&files_of(steps).0, root),
                Err(problems) => {
                    failed += 1;
                    let mut at: Vec<_> = problems.iter().map(place_of).collect();
                    at.sort();
                    assert_eq!(at, fresh_errors(root), "after saving {id}:\n{text}");
                }
            }
        }
        // Both kinds of outcome were met, many times each.
        assert!((3..=37).contains(&failed), "{failed} of 40 saves failed");
    }

    #[test]
    fn a_broken_save_hands_over_nothing_and_the_next_good_one_recovers() {
        let dir = small_root();
        let root = dir.path();
        let mut preview = Preview::new(root.to_path_buf(), Some("x".into()));
        let (files, _) = files_of(first_build(&mut preview).unwrap());
        assert!(files.contains_key("local.html"), "the authority's edition");

        let broken = save(&mut preview, "content/b.md", &page_b("See [[a#second]]."));
        let problems = broken.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file_path(), Some("content/b.md"));
        assert_eq!(problems[0].line_col().map(|(line, _)| line), Some(6));

        let fixed = save(&mut preview, "content/b.md", &page_b("See [[local]]."));
        let (files, changed) = files_of(fixed.unwrap());
        assert!(String::from_utf8_lossy(&files["b.html"]).contains("href=\"local.html\""));
        assert!(changed.contains(&"b.html".into()));

        let mut missing = Preview::new(root.to_path_buf(), Some("y".into()));
        let problems = first_build(&mut missing).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert!(codes.contains(&"unknown-authority"), "{codes:?}");
    }

    /// Pieces of Markdown without the author's own HTML, each a way the
    /// Markdown writer's bytes and the sanitiser's could differ.
    const PLAIN_PIECES: &[&str] = &[
        "Quotes \"double\" and 'single' and it's & so < and > here.",
        "A no-break space: 10\u{a0}kg, and a soft\u{ad}hyphen, zero\u{200b}width, é 漢字 😀.",
        "Entities: &nbsp; &quot; &#39; &amp; &lt; &copy; &#x27; &mdash; &#16;.",
        "## Heading with attributes {#custom-N .wide data-x=1}",
        "## Heading marked {.editorial}",
        "## Plain heading N",
        "[ok](https://example.org/a?b=1&c=2) [title](https://example.org \"A \\\"title\\\" 'here'\") [mail](mailto:a@b.org) <https://auto.example/x?y=1&z=2> <someone@example.org> [tel](tel:+441234) [odd](//example.org/x)",
        "![an image](assets/plan.png) ![titled](assets/plan.png \"t\")",
        "```js\nlet a = \"<script>\";\n```",
        "```weird\"info\nx\n```",
        "```\nplain code & <b>\n```",
        "    indented <b>code</b>",
        "| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | b \"q\" | c |",
        "Term\n: Definition with `code` and **strong** ~~gone~~.",
        "A note.[^nN]\n\n[^nN]: The note's text with a [link](https://example.org).",
        "[[home]] and [[home|the home page]] and [[a#first]].",
        "Line with trailing spaces  \nhard break.",
        "* item with <not a tag and 3 < 4 > 2\n* second",
        "> A quote with *emphasis*.\n\n***",
        "\\<escaped> and \\& and \\*",
        "Windows line\r\nendings\r\nhere.",
    ];

    /// Text with none of the author's HTML is published without the
    /// sanitiser's second parse where its bytes allow: every page and the
    /// print view are byte for byte what the whole allow-list makes, for
    /// every pair of pieces that could tell them apart.
    #[test]
    fn text_published_as_written_is_what_the_allow_list_makes_of_it() {
        let mut files = vec![
            (
                "content/_index.md".to_string(),
                "---\nid: home\ntitle: Home\n---\nWelcome.\n".to_string(),
            ),
            ("content/a.md".to_string(), page_a("Text of A.")),
        ];
        let mut n = 0;
        for (i, first) in PLAIN_PIECES.iter().enumerate() {
            for second in &PLAIN_PIECES[i + 1..] {
                n += 1;
                let text = format!("{first}\n\n{second}\n").replace('N', &n.to_string());
                files.push((
                    format!("content/plain-{n}.md"),
                    format!("---\nid: plain-{n}\ntitle: Plain {n}\nweight: {n}\n---\n\n{text}"),
                ));
            }
        }
        let listed: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let root = crate::stages::load::tests::root_with(&listed);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(repo.join("themes")) {
            let entry = entry.unwrap();
            let to = root.path().join(entry.path().strip_prefix(repo).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        std::fs::copy(
            repo.join("tests/fixtures/plan.png"),
            root.path().join("themes/default/static/plan.png"),
        )
        .unwrap();
        use std::sync::atomic::Ordering;
        let before = crate::stages::render::AS_WRITTEN.load(Ordering::Relaxed);
        let written = fresh_build(root.path());
        assert!(
            crate::stages::render::AS_WRITTEN.load(Ordering::Relaxed) - before > n / 2,
            "texts published as written: {} for {n} pages",
            crate::stages::render::AS_WRITTEN.load(Ordering::Relaxed) - before
        );
        crate::stages::render::ALWAYS_CLEAN.store(true, Ordering::Relaxed);
        let cleaned = fresh_build(root.path());
        crate::stages::render::ALWAYS_CLEAN.store(false, Ordering::Relaxed);
        assert_eq!(written.len(), cleaned.len());
        for (path, bytes) in &cleaned {
            assert!(
                written.get(path) == Some(bytes),
                "{path} differs:\n{}\n---\n{}",
                String::from_utf8_lossy(written.get(path).map_or(&[][..], |b| b)),
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
