//! Runs the stages in order for `build` and `check`: load → overlay → link →
//! render → write.
//!
//! This module only sequences the stages and decides which editions a run
//! makes and where they go; each stage's work is in its own module. Editions
//! are built in parallel (one pool of threads for editions and their pages),
//! and within an edition the search index is built while the links are
//! checked. Editions without templates of their own share one compiled
//! template engine. Nothing is written unless every edition built without
//! errors. With `HANDBOOK_TIMINGS` set, each stage's time is printed.
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

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::load::{self, Selection, Sources};
use crate::output::{Content, OutputFile};
use crate::overlay::{self, Edition};
use crate::render::{self, Cache, Made, Renderer};
use crate::store::{Entry, Store};
use crate::theme::{Engine, StaticFiles, TemplateFiles, Theme};
use crate::write::{Output, Staging};
use crate::{drift, governance, history, link};

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
    /// The folder of the build cache (`crate::store`), where the pages of
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
}

/// The result of running the stages up to render.
#[derive(Debug)]
pub struct Run {
    /// Everything found wrong, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The editions made.
    pub editions: Vec<EditionSummary>,
    /// The files to write, if there were no errors.
    pub output: Option<Output>,
}

impl Run {
    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
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

/// Loads a root and runs every stage but write.
pub fn run(request: &Request) -> Run {
    run_with_progress(request, &|_, _| {})
}

/// Like [`run`], calling `progress(done, total)` as each edition is made.
pub fn run_with_progress(request: &Request, progress: &(dyn Fn(usize, usize) + Sync)) -> Run {
    run_into(request, progress, None)
}

/// Like [`run_with_progress`]; with `staging`, each edition's files are
/// written there as soon as the edition is checked, while other editions
/// are still being made, rather than kept: the run's output then holds only
/// the files above the editions.
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
    let (releases, history_off) = releases_shown(request);
    let shared = Shared {
        sources: &sources,
        theme: &theme,
        today: request.today,
        search: request.search,
        engine: std::sync::OnceLock::new(),
        releases,
        staging: staging.map(|s| (s, request.editions.single())),
        store: request.cache.as_ref().map(Store::new),
    };
    let results = make_editions(&shared, with_model, &diagnostics, progress);
    // Said only when nothing is wrong: the problems come first.
    if !diagnostics.has_errors() {
        diagnostics.extend(history_off);
    }
    let editions: Vec<EditionSummary> = results.iter().map(|(s, _)| s.clone()).collect();
    let output = (!diagnostics.has_errors())
        .then(|| assemble(request, &theme, results, &diagnostics))
        .filter(|_| !diagnostics.has_errors());
    Run {
        diagnostics: diagnostics.into_sorted(),
        editions,
        output,
    }
}

/// The files of every edition, placed: one edition alone at the top of the
/// output, or each in its folder under a list of them.
fn assemble(
    request: &Request,
    theme: &Theme,
    results: Vec<(EditionSummary, Vec<OutputFile>)>,
    diagnostics: &Diagnostics,
) -> Output {
    let mut output = Output::default();
    if request.editions.single() {
        for (_, files) in results {
            output.add("", files);
        }
        return output;
    }
    let list: Vec<render::Listed> = results
        .iter()
        .map(|(e, _)| render::Listed {
            slug: &e.slug,
            name: &e.name,
            demonstration: e.demonstration,
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
    for (summary, files) in results {
        output.add(&summary.slug, files);
    }
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
    /// Where each edition's files are written as soon as they are checked,
    /// and whether an edition goes at the top of the output (one edition
    /// alone) rather than in its own folder.
    staging: Option<(&'a Staging, bool)>,
    /// The build cache, if the run keeps one.
    store: Option<Store>,
}

fn make_editions(
    shared: &Shared,
    with_model: bool,
    diagnostics: &Diagnostics,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<(EditionSummary, Vec<OutputFile>)> {
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
            let result = build_edition(
                shared,
                edition.expect("the slug is a loaded authority's"),
                diagnostics,
            );
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(finished, jobs.len());
            result
        })
        .collect()
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
            crate::theme::static_files(&sources.root, &a.dir.join("static"), diagnostics),
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

fn build_edition(
    shared: &Shared,
    edition: Edition,
    diagnostics: &Diagnostics,
) -> (EditionSummary, Vec<OutputFile>) {
    let summary = EditionSummary {
        slug: edition.slug.clone(),
        name: edition.name().to_string(),
        pages: edition.pages.len(),
        demonstration: edition.authority.is_some_and(|a| a.config.demonstration),
    };
    let slug = summary.slug.as_str();
    timed(slug, "drift", || {
        check_sources(&edition, shared.today, diagnostics)
    });
    let linked = timed(slug, "link", || link::link(edition, diagnostics));
    let mut own = None;
    let Some((engine, statics)) = edition_theme(
        &shared.engine,
        &mut own,
        shared.sources,
        shared.theme,
        &linked,
        diagnostics,
    ) else {
        return (summary, Vec::new());
    };
    let past = timed(slug, "history", || past_releases(shared, slug, diagnostics));
    let staged = shared.staging.map(|(staging, single)| Staged {
        staging,
        folder: if single { "" } else { slug },
    });
    let checked = Checked {
        linked: &linked,
        statics: &statics,
        engine,
        diagnostics,
    };
    if let (Some(staged), false, None) = (staged, shared.search, &past) {
        checked.render_written(shared.today, staged);
        return (summary, Vec::new());
    }
    let rendered = Diagnostics::new();
    let files = timed(slug, "render", || {
        render::render_with_history(
            &linked,
            engine,
            &statics,
            shared.today,
            &rendered,
            past.as_ref().map(|p| &p.history),
        )
    });
    let complete = !rendered.has_errors();
    diagnostics.extend(rendered.into_sorted());
    if !complete {
        // A template failed, so some outputs are missing: checking links
        // to them would report the same failure again as broken links.
        return (summary, files);
    }
    // Links are checked even when earlier stages found errors, so that one
    // run reports every problem; the search index is built only for output
    // that can be written.
    let search = shared.search && !diagnostics.has_errors();
    let archived = past
        .map(|p| p.place(&files, diagnostics))
        .unwrap_or_default();
    let files = checked.index_and_check(files, archived, search, staged);
    (summary, files)
}

/// Where an edition's files are written as soon as they are checked: the
/// staging and the edition's folder in it.
#[derive(Clone, Copy)]
struct Staged<'a> {
    staging: &'a Staging,
    folder: &'a str,
}

/// A rendered edition, for its last steps: the link check, the search
/// index, and (in a build) its writing.
struct Checked<'a, 'l> {
    linked: &'a link::LinkedEdition<'l>,
    statics: &'a StaticFiles,
    engine: &'a Engine,
    diagnostics: &'a Diagnostics,
}

impl Checked<'_, '_> {
    /// Builds the edition's search index (unless `search` is off) on one
    /// thread while its links are checked on another, and adds the index's
    /// files to `files`. `archived` are past releases' pages, which are
    /// neither indexed nor checked again. Outside links are noted where the
    /// edition's text or templates write them. With `staged`, the files are
    /// written there (the pages while the index is still being made, which
    /// is then made with the pages out of memory) and none are returned.
    fn index_and_check(
        &self,
        mut files: Vec<OutputFile>,
        archived: Vec<OutputFile>,
        search: bool,
        staged: Option<Staged>,
    ) -> Vec<OutputFile> {
        let linked = self.linked;
        let slug = linked.edition.slug.as_str();
        let (index, found) = rayon::join(
            || {
                search.then(|| {
                    timed(slug, "search index", || {
                        let mut index = crate::search::LiveIndex::new()?;
                        index.add(&files)?;
                        Ok(index)
                    })
                })
            },
            || {
                let mut index_files = if search {
                    crate::search::fixed_paths()
                } else {
                    Vec::new()
                };
                index_files.extend(archived.iter().map(|f| f.path.clone()));
                let found = timed(slug, "link check", || {
                    crate::linkcheck::check(slug, &files, &index_files, linked.edition.address())
                });
                let fails = |d: &Diagnostic| d.severity == Severity::Error;
                let clean = found.broken.is_empty()
                    && !found.problems.iter().any(fails)
                    && !self.diagnostics.has_errors();
                if let Some(staged) = staged.filter(|_| clean) {
                    timed(slug, "write", || {
                        staged.staging.write(staged.folder, &files);
                        staged.staging.write(staged.folder, &archived);
                    });
                }
                found
            },
        );
        if staged.is_some() {
            // Written, or not to be written: the index needs them no more.
            files = Vec::new();
        }
        let index = index
            .map(|made| made.and_then(|mut index| timed(slug, "search index", || index.files())));
        match index {
            Some(Ok(index)) => match staged {
                Some(staged) if !self.diagnostics.has_errors() => {
                    staged.staging.write(staged.folder, &index)
                }
                Some(_) => {}
                None => files.extend(index),
            },
            Some(Err(d)) => self.diagnostics.push(d),
            None => {}
        }
        if staged.is_none() {
            files.extend(archived);
        }
        self.report(found);
        files
    }

    /// Renders the edition and writes each file into `staged` as soon as
    /// it is made, reading it for the link check meanwhile, so that no page
    /// waits in memory for the others: for a build without a search index
    /// or past releases, which need every page at once. Problems go to the
    /// diagnostics; links are checked unless a template failed (the
    /// outputs it did not make would be reported again as broken links).
    fn render_written(&self, today: Date, staged: Staged) {
        let linked = self.linked;
        let slug = linked.edition.slug.as_str();
        let rendered = Diagnostics::new();
        let renderer = Renderer::new(linked, self.engine, self.statics, today, &rendered, None);
        let outputs = renderer.outputs();
        let paths: Vec<String> = outputs.iter().map(|&o| renderer.path(o)).collect();
        let reader = crate::linkcheck::Reader::new(
            slug,
            paths.iter().map(String::as_str),
            linked.edition.address(),
        );
        let reads: Vec<crate::linkcheck::Read> = timed(slug, "render and write", || {
            outputs
                .into_par_iter()
                .filter_map(|output| {
                    let prepared = renderer.prepare(output);
                    let path = prepared.path.clone();
                    let file = OutputFile {
                        path,
                        content: renderer.make(prepared)?,
                    };
                    if !rendered.has_errors() && !self.diagnostics.has_errors() {
                        staged
                            .staging
                            .write(staged.folder, std::slice::from_ref(&file));
                    }
                    Some(reader.read(&file))
                })
                .collect()
        });
        let complete = !rendered.has_errors();
        self.diagnostics.extend(rendered.into_sorted());
        if complete {
            let found = timed(slug, "link check", || reader.finish(reads));
            self.report(found);
        }
    }

    /// Reports what the link check found.
    fn report(&self, found: crate::linkcheck::Findings) {
        let linked = self.linked;
        self.diagnostics.extend(found.problems);
        report_broken_links(linked, self.statics, &found.broken, self.diagnostics);
        let written = linked.pages.iter().flat_map(|p| &p.outside_links);
        self.diagnostics.extend(crate::linkcheck::outside_notes(
            found.outside,
            written,
            self.engine.sources(),
        ));
    }
}

/// Reports the links of an edition's pages that go nowhere: where a page's
/// text writes the address, at that place in its source (once, however many
/// pages show the text), and otherwise (a template's link) once for every
/// page that has it. An address that is a cross-reference by id is left
/// out: the link stage has already reported it.
fn report_broken_links(
    linked: &link::LinkedEdition,
    statics: &StaticFiles,
    broken: &[crate::linkcheck::BrokenLink],
    diagnostics: &Diagnostics,
) {
    if broken.is_empty() {
        return;
    }
    let written = linked.addresses();
    let mut elsewhere: Vec<&crate::linkcheck::BrokenLink> = Vec::new();
    for link in broken {
        let decoded = crate::url::percent_decoded(&link.url);
        let Some(places) = written
            .get(link.url.as_str())
            .or_else(|| written.get(decoded.as_ref()))
        else {
            elsewhere.push(link);
            continue;
        };
        for (page, address) in places.iter().filter(|(_, a)| !a.by_id) {
            let names = statics.keys().map(String::as_str);
            diagnostics.push(address.locate(page, link.at_source(address.image, names)));
        }
    }
    diagnostics.extend(crate::linkcheck::in_output(
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
/// no errors. Each edition is written into a staging folder beside `out`
/// as soon as it is checked (see [`Staging`]), and the whole is swapped in
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
/// off. When the root has no history to show, a note says why.
fn releases_shown(request: &Request) -> (Vec<history::Release>, Option<Diagnostic>) {
    match history::releases(&request.root) {
        Ok(releases) if request.history => (releases, None),
        Ok(_) => (Vec::new(), None),
        Err(off) => (
            Vec::new(),
            Some(
                Diagnostic::note(
                    "history-off",
                    format!(
                        "history is off: {}, so the site shows no past versions",
                        off.reason()
                    ),
                )
                .hint("keep the root in git and record releases with `handbook release SLUG --version V --note TEXT`"),
            ),
        ),
    }
}

/// An edition's past releases, built: what the renderer shows of them and
/// their pages, to be placed under `versions/`.
struct Past {
    history: render::History,
    builds: Vec<Vec<OutputFile>>,
}

impl Past {
    /// The pages of every past release under its folder, marked as archived
    /// and linked to the current edition's `files`.
    fn place(self, files: &[OutputFile], diagnostics: &Diagnostics) -> Vec<OutputFile> {
        let current: std::collections::HashSet<String> =
            files.iter().map(|f| f.path.clone()).collect();
        let mut placed = Vec::new();
        for (built, row) in self.builds.into_iter().zip(&self.history.releases) {
            match render::archived(built, row, &current) {
                Ok(files) => placed.extend(files),
                Err(why) => diagnostics.push(Diagnostic::error(
                    "unreadable",
                    format!("cannot read a file of release {}: {why}", row.version),
                )),
            }
        }
        placed
    }
}

/// Builds every release of the edition `slug` that the run shows, from the
/// files committed at its tag (or takes it from the build cache); `None`
/// when it has none.
fn past_releases(shared: &Shared, slug: &str, diagnostics: &Diagnostics) -> Option<Past> {
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

/// The kind of build cache entry that holds a release's pages.
const RELEASE_ENTRY: &str = "releases";

/// One release built, from the build cache when it holds it, else made
/// and stored there. A release's pages depend only on the files of its tag,
/// its date and note, and this program, which its key covers.
fn release_built(
    shared: &Shared,
    release: &history::Release,
    diagnostics: &Diagnostics,
) -> Option<(render::ReleaseText, Vec<OutputFile>)> {
    let stored = shared
        .store
        .as_ref()
        .zip(release_key(&shared.sources.root, release));
    if let Some((store, key)) = &stored {
        if let Some(found) = store.get(RELEASE_ENTRY, key).and_then(from_entry) {
            return Some(found);
        }
    }
    let (text, files) = build_release(&shared.sources.root, release, diagnostics)?;
    if let Some((store, key)) = &stored {
        if let Err(why) = store.put(RELEASE_ENTRY, key, &to_entry(&text, &files)) {
            diagnostics.push(
                Diagnostic::warning(
                    "cache-unwritable",
                    format!(
                        "cannot keep release {} of `{}` in the build cache {}: {why}",
                        release.version,
                        release.edition,
                        store.dir().display()
                    ),
                )
                .hint("the site is built all the same; the next build makes this release again (use `--no-cache` to leave the cache out)"),
            );
        }
    }
    Some((text, files))
}

/// The key of a release's pages: this program, the root, the commit of the
/// release's tag, and what the tag says (edition, version, date, note).
/// `None` when this program's own file cannot be read.
fn release_key(root: &Path, release: &history::Release) -> Option<[u8; 16]> {
    let mut f = crate::fingerprint::Fingerprint::default();
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
        let mut f = crate::fingerprint::Fingerprint::default();
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

/// A built release from a build cache entry; `None` when its text does
/// not read as one.
fn from_entry(entry: Entry) -> Option<(render::ReleaseText, Vec<OutputFile>)> {
    let text = serde_json::from_slice(&entry.about).ok()?;
    let files = entry
        .files
        .into_iter()
        .map(|(path, bytes)| OutputFile {
            path,
            content: Content::Bytes(bytes),
        })
        .collect();
    Some((text, files))
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
    let slug = (release.edition != overlay::MODEL_SLUG).then_some(release.edition.as_str());
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
                let file = crate::url::file_of(&linked.edition.home, &id);
                (id, (file, format!("{}\n{}", p.title, p.text.markdown)))
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
            Content::Copy(from) => std::fs::read(&from)
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
        self.read(changed, &diagnostics);
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
    use crate::url::PRINT_FILE;

    /// A temporary root (with no themes folder: the built-in theme is used)
    /// of a home page and two pages, the second linking to the first, and
    /// the authority `x` with one local page.
    fn small_root() -> tempfile::TempDir {
        crate::load::tests::root_with(&[
            (
                "content/_index.md",
                "---\nid: home\ntitle: Home\n---\nWelcome.\n",
            ),
            ("content/a.md", &page_a("Text of A.")),
            ("content/b.md", &page_b("See [[a#first]].")),
            (
                "local-overrides/x/authority.yaml",
                crate::authority::tests::SETTINGS,
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

    /// What `build --no-search` makes of the root's model edition, by path.
    fn fresh_build(root: &Path) -> HashMap<String, Vec<u8>> {
        let run = run(&Request {
            cache: None,
            root: root.to_path_buf(),
            editions: Editions::Model,
            today: today(),
            search: false,
            history: false,
        });
        assert!(!run.has_errors(), "{:?}", run.diagnostics);
        run.output
            .unwrap()
            .files
            .into_iter()
            .map(|(_, file)| {
                let bytes = match &file.content {
                    Content::Copy(from) => std::fs::read(from).unwrap(),
                    content => content.bytes().unwrap().into_owned(),
                };
                (file.path, bytes)
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
}
