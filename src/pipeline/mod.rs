//! Runs a root through the stages for `build` and `check` (load → overlay
//! → link → analyses → render → write), and for the preview of `serve`.
//!
//! Besides putting the stages in order, it decides which editions a run
//! makes and where they go, and does what concerns a made edition as a
//! whole rather than one stage. Split by job:
//! - this file: the [`Request`], the [`Run`], [`build`], and the steps every
//!   edition shares (its overlay, its templates and static files);
//! - `edition`: one edition in each of its languages, each a complete site
//!   (its default at the edition's folder, each other language in a folder
//!   named by it, `cy/`), with the drift, review and translation checks;
//! - `findings`: the link check and search index of a made site, with the
//!   link check's findings reported where the edition's text writes them,
//!   the one way `build` and the preview check a site;
//! - `releases`: past releases, built from git, and their build cache;
//! - `digest`: what changed for staff since a release (`handbook digest`);
//! - `preview`: [`Preview`], one edition built again and again for `serve`;
//! - `requests`, `record` and `review`: what the commands ask of a run and
//!   what its result says, a release recorded, and a policy lead's review
//!   recorded (`accept`).
//!
//! Editions are built in parallel (one pool of threads for editions and
//! their pages). Within an edition, each file is read for the link check
//! and written to the staging folder as soon as it is rendered, so an
//! edition's pages are never all held in memory. Editions without
//! templates of their own share one compiled template engine. Nothing is
//! swapped into the output unless every edition built without errors. With
//! `HANDBOOK_TIMINGS` set, each stage's time is printed.
//!
//! It does no stage's work itself (reading, overlaying, linking, rendering
//! and writing stay in `stages`, checking made pages in `site`), and it
//! prints nothing but timings: its caller shows what it returns.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::model::authority::Authority;
use crate::model::handbook::{Sources, Translated};
use crate::model::language::Lang;
use crate::model::theme::{Engine, StaticFiles, TemplateFiles, Theme};
use crate::stages::load::{self, history, Selection};
use crate::stages::overlay::{self, drift, Edition};
use crate::stages::write::{Staging, TopFiles};
use crate::stages::{link, render};
use crate::support::diagnostic::{Diagnostic, Diagnostics};
use crate::support::output::{Content, OutputFile};
use crate::support::store::Store;

pub mod digest;
mod edition;
mod findings;
mod language;
pub mod model_changes;
pub mod model_update;
mod offline;
mod preview;
pub mod record;
mod releases;
pub mod requests;
pub mod review;
#[cfg(test)]
mod saves;
#[cfg(test)]
mod tests;

pub use findings::{check_made, in_search_index, Checked, Written};
pub use preview::{made_after_pages, Preview, Step};
pub use render::Made;

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
    pub output: Option<TopFiles>,
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
    let releases::Shown {
        shown: releases,
        warnings,
        off: history_off,
        in_force,
    } = releases::shown(request);
    diagnostics.extend(warnings);
    let bases = Bases::of(&sources, &diagnostics);
    let context = RunContext {
        sources: &sources,
        bases: &bases,
        theme: &theme,
        today: request.today,
        search: request.search,
        engine: std::sync::OnceLock::new(),
        releases,
        in_force,
        store: request.cache.as_ref().map(Store::new),
        kept: releases::search_kept(request),
        staging: staging.map(|s| (s, request.editions.single())),
    };
    let results = make_editions(&context, with_model, &diagnostics, progress);
    if let (Some(why), Some(store)) = (context.kept.unwritable(), &context.store) {
        diagnostics.push(releases::unwritable_cache(store, "the search index", &why));
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
) -> TopFiles {
    let mut output = TopFiles::default();
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
struct RunContext<'a> {
    sources: &'a Sources,
    /// The model as the layers under each authority left it.
    bases: &'a Bases<'a>,
    theme: &'a Theme,
    today: Date,
    search: bool,
    /// The template engine of the editions that have no templates of their
    /// own, compiled once for all of them.
    engine: std::sync::OnceLock<Option<Engine>>,
    /// The releases whose pages the editions show, oldest first.
    releases: Vec<history::Release>,
    /// Every release in force, for telling a council of its layer's.
    in_force: Vec<history::Release>,
    /// The build cache, if the run keeps one.
    store: Option<Store>,
    /// Where search indexes made before are found (the build cache).
    kept: crate::site::search::Kept,
    /// Where each edition's files are written as soon as they are made, and
    /// whether an edition goes at the top of the output (one edition alone)
    /// rather than in its own folder.
    staging: Option<(&'a Staging, bool)>,
}

/// Makes every edition of the run (the model's first, when `with_model`,
/// then each authority's in each of its languages), in parallel, calling
/// `progress(done, total)` as each is made.
fn make_editions(
    context: &RunContext,
    with_model: bool,
    diagnostics: &Diagnostics,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<EditionSummary> {
    let sources = context.sources;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut jobs: Vec<Option<&Authority>> = Vec::new();
    if with_model {
        jobs.push(None);
    }
    // A layer's edition is made when it says so, or when the run names it;
    // a layer loaded only because another builds on it makes none.
    let made = |a: &&Authority| {
        !sources.bases_only.contains(&a.slug) && (a.config.published() || !with_model)
    };
    jobs.extend(sources.authorities.iter().filter(made).map(Some));
    let bases = context.bases;
    jobs.par_iter()
        .map(|&authority| {
            let edition = timed("each", "overlay", || {
                edition_of(sources, bases, authority, diagnostics)
            });
            let mut editions = vec![edition];
            editions.extend(authority.into_iter().flat_map(|authority| {
                sources
                    .translated
                    .iter()
                    .filter(move |t| t.slug == authority.slug)
                    .map(|t| overlay_in(t, bases, diagnostics))
            }));
            let result = edition::build_edition(context, editions, diagnostics);
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(finished, jobs.len());
            result
        })
        .collect()
}

/// The model as the layers under each authority of a run left it (issue
/// 35), in each of the authority's languages: made once, before the
/// editions built on it, which borrow it.
pub(crate) struct Bases<'s> {
    made: Vec<(String, Option<Lang>, overlay::Layered<'s>)>,
}

impl<'s> Bases<'s> {
    /// The layered model of each authority of `sources` that builds on a
    /// layer, in each of its languages: a layer's text is in the language
    /// where the layer has it, else in its default language.
    pub(crate) fn of(sources: &'s Sources, diagnostics: &Diagnostics) -> Self {
        let mut made = Vec::new();
        for authority in &sources.authorities {
            let chain = load::chain(authority, &sources.authorities);
            if chain.is_empty() {
                continue;
            }
            let slug = &authority.slug;
            let model = overlay::layered(&sources.model, &chain, diagnostics);
            made.push((slug.clone(), None, model));
            for t in sources.translated.iter().filter(|t| &t.slug == slug) {
                // Each layer in the language, where it has its text in it.
                let chain: Vec<&Authority> = chain
                    .iter()
                    .map(|l| {
                        sources
                            .in_language(&l.slug, t.lang)
                            .map_or(*l, |lt| &lt.authority)
                    })
                    .collect();
                // Its problems are the default language's, reported there.
                let model = overlay::layered(&t.model, &chain, &Diagnostics::new());
                made.push((slug.clone(), Some(t.lang), model));
            }
        }
        Self { made }
    }

    /// The model `slug`'s edition in `lang` (`None`: its default language)
    /// builds on, when it builds on a layer.
    fn get(&self, slug: &str, lang: Option<Lang>) -> Option<&overlay::Layered<'s>> {
        self.made
            .iter()
            .find(|(s, l, _)| s == slug && *l == lang)
            .map(|(_, _, m)| m)
    }
}

/// An authority's edition in one of its other languages (see
/// [`overlay::edition_in`]), built on its layers if it has any.
fn overlay_in<'b>(
    translated: &'b Translated,
    bases: &'b Bases<'b>,
    diagnostics: &Diagnostics,
) -> Edition<'b> {
    let layered = bases.get(&translated.slug, Some(translated.lang));
    let model = layered.map_or(translated.model.as_ref(), |l| &l.model);
    let mut edition = overlay::edition_in(
        model,
        &translated.authority,
        translated.lang,
        Lang::En,
        diagnostics,
    );
    if let Some(layered) = layered {
        overlay::with_layers(&mut edition, layered, &Diagnostics::new());
    }
    edition
}

/// The edition of `authority`, one of those in `sources` (the model's when
/// `None`), in its default language, built on its layers if it has any.
fn edition_of<'b>(
    sources: &'b Sources,
    bases: &'b Bases<'b>,
    authority: Option<&'b Authority>,
    diagnostics: &Diagnostics,
) -> Edition<'b> {
    let model = sources.model.as_ref();
    match authority {
        None => overlay::model_edition(model, diagnostics),
        Some(authority) => match bases.get(&authority.slug, None) {
            Some(layered) => overlay::edition_on(layered, authority, diagnostics),
            None => overlay::authority_edition(model, authority, diagnostics),
        },
    }
}

/// The edition of the authority `slug` (the model's when `None`), in its
/// default language; `None` if no such authority was loaded.
fn overlay_edition<'b>(
    sources: &'b Sources,
    bases: &'b Bases<'b>,
    slug: Option<&str>,
    diagnostics: &Diagnostics,
) -> Option<Edition<'b>> {
    let authority = match slug {
        None => None,
        Some(slug) => Some(sources.authorities.iter().find(|a| a.slug == slug)?),
    };
    Some(edition_of(sources, bases, authority, diagnostics))
}

/// The editions of `slug`'s edition (the model's when `None`) of `sources`
/// in each of its languages, the default language's first; `None` when
/// there is no such authority.
fn editions_of<'b>(
    sources: &'b Sources,
    bases: &'b Bases<'b>,
    slug: Option<&str>,
    diagnostics: &Diagnostics,
) -> Option<Vec<Edition<'b>>> {
    let mut editions = vec![overlay_edition(sources, bases, slug, diagnostics)?];
    editions.extend(
        sources
            .translated
            .iter()
            .filter(|t| Some(t.slug.as_str()) == slug)
            .map(|t| overlay_in(t, bases, diagnostics)),
    );
    Some(editions)
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
    let bases = Bases::of(&sources, &diagnostics);
    let edition = overlay_edition(&sources, &bases, Some(slug), &diagnostics);
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
