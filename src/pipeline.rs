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
//! For `serve`, [`preview`] builds one edition reusing what the last build
//! remembered ([`PreviewMemo`]), and leaves the search index and link check
//! to be made afterwards.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, Selection, Sources};
use crate::overlay::{self, Edition};
use crate::render::{self, Content, OutputFile};
use crate::theme::{Engine, TemplateFiles, Theme};
use crate::write::Output;
use crate::{drift, governance, link};

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
    let diagnostics = Diagnostics::new();
    let selection = match &request.editions {
        Editions::Every => Selection::All,
        Editions::Model => Selection::Only(Vec::new()),
        Editions::Authorities(slugs) => Selection::Only(slugs.clone()),
    };
    let sources = timed("all", "load", || {
        load::load(&request.root, &selection, &diagnostics)
    });
    let mut theme_problems = Vec::new();
    let theme = Theme::load(&sources.root, &sources.theme_dir, &mut theme_problems);
    diagnostics.extend(theme_problems);

    let with_model = matches!(request.editions, Editions::Every | Editions::Model);
    let shared = Shared {
        sources: &sources,
        theme: &theme,
        today: request.today,
        search: request.search,
        engine: std::sync::OnceLock::new(),
    };
    let results = make_editions(&shared, with_model, &diagnostics, progress);

    let editions: Vec<EditionSummary> = results.iter().map(|(s, _)| s.clone()).collect();
    let output = if diagnostics.has_errors() {
        None
    } else {
        let mut output = Output::default();
        if request.editions.single() {
            for (_, files) in results {
                output.add("", files);
            }
        } else {
            let list: Vec<(String, String)> = editions
                .iter()
                .map(|e| (e.slug.clone(), e.name.clone()))
                .collect();
            match Engine::new(&theme, &TemplateFiles::default()) {
                Ok(engine) => {
                    if let Some(index) = render::editions_index(&list, &engine, &diagnostics) {
                        output.add(
                            "",
                            vec![OutputFile {
                                path: "index.html".into(),
                                content: Content::Bytes(index),
                            }],
                        );
                    }
                }
                Err(problems) => diagnostics.extend(problems),
            }
            output.add(
                "",
                theme
                    .statics
                    .iter()
                    .map(|(name, file)| OutputFile {
                        path: format!("assets/{name}"),
                        content: file.content(),
                    })
                    .collect(),
            );
            for (summary, files) in results {
                output.add(&summary.slug, files);
            }
        }
        (!diagnostics.has_errors()).then_some(output)
    };
    Run {
        diagnostics: diagnostics.into_sorted(),
        editions,
        output,
    }
}

/// What every edition of a run shares.
struct Shared<'a> {
    sources: &'a Sources,
    theme: &'a Theme,
    today: Date,
    search: bool,
    /// The template engine of the editions that have no templates of their
    /// own, compiled once for all of them.
    engine: std::sync::OnceLock<Result<Engine, Vec<Diagnostic>>>,
}

fn make_editions(
    shared: &Shared,
    with_model: bool,
    diagnostics: &Diagnostics,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<(EditionSummary, Vec<OutputFile>)> {
    let sources = shared.sources;
    let model = sources.model.as_ref();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut jobs: Vec<Option<usize>> = Vec::new();
    if with_model {
        jobs.push(None);
    }
    jobs.extend((0..sources.authorities.len()).map(Some));
    jobs.par_iter()
        .map(|job| {
            let edition = timed("each", "overlay", || match job {
                None => overlay::model_edition(model, diagnostics),
                Some(i) => overlay::authority_edition(model, &sources.authorities[*i], diagnostics),
            });
            let result = build_edition(shared, edition, diagnostics);
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(finished, jobs.len());
            result
        })
        .collect()
}

fn build_edition(
    shared: &Shared,
    edition: Edition,
    diagnostics: &Diagnostics,
) -> (EditionSummary, Vec<OutputFile>) {
    let (sources, theme, today) = (shared.sources, shared.theme, shared.today);
    let summary = EditionSummary {
        slug: edition.slug.clone(),
        name: edition.name().to_string(),
        pages: edition.pages.len(),
    };
    timed(&summary.slug, "drift", || {
        check_sources(&edition, today, diagnostics)
    });
    let linked = timed(&summary.slug, "link", || link::link(edition, diagnostics));
    let (local_templates, local_statics) = authority_theme(sources, &linked, diagnostics);
    let own_engine;
    let engine = if local_templates.is_empty() {
        shared
            .engine
            .get_or_init(|| timed("all", "templates", || Engine::new(theme, &local_templates)))
            .as_ref()
    } else {
        own_engine = timed(&summary.slug, "templates", || {
            Engine::new(theme, &local_templates)
        });
        own_engine.as_ref()
    };
    let engine = match engine {
        Ok(engine) => engine,
        Err(problems) => {
            diagnostics.extend(problems.iter().cloned());
            return (summary, Vec::new());
        }
    };
    let mut statics = theme.statics.clone();
    statics.extend(local_statics);
    let mut files = timed(&summary.slug, "render", || {
        render::render(&linked, engine, &statics, today, diagnostics)
    });
    if diagnostics.has_errors() {
        // The output will not be written; checking the links of incomplete
        // pages would only repeat the errors already found.
        return (summary, files);
    }
    // The search index is built on one thread while links are checked on
    // another. The checker sees the index's fixed file names as empty
    // stand-ins; the files themselves are added when both are done.
    let stand_ins = if shared.search {
        crate::search::FIXED_FILES.len()
    } else {
        0
    };
    files.extend(
        crate::search::FIXED_FILES[..stand_ins]
            .iter()
            .map(|name| OutputFile {
                path: format!("{}/{name}", crate::search::INDEX_DIR),
                content: Content::Bytes(Vec::new()),
            }),
    );
    let (index, (broken, outside)) = {
        let all = &files;
        let pages = &all[..all.len() - stand_ins];
        rayon::join(
            || {
                shared.search.then(|| {
                    timed(&summary.slug, "search index", || {
                        crate::search::index(pages)
                    })
                })
            },
            || {
                timed(&summary.slug, "link check", || {
                    crate::linkcheck::check(&summary.slug, all)
                })
            },
        )
    };
    files.truncate(files.len() - stand_ins);
    match index {
        Some(Ok(index)) => files.extend(index),
        Some(Err(d)) => diagnostics.push(d),
        None => {}
    }
    diagnostics.extend(broken);
    diagnostics.extend(outside.into_iter().map(|(url, pages)| {
        let pages: Vec<String> = pages.into_iter().collect();
        Diagnostic::note("outside-link", format!("outside link to {url}"))
            .in_path(pages[0].clone())
            .hint(format!(
                "check that it still works and is still right; used on {}",
                pages.join(", ")
            ))
    }));
    (summary, files)
}

/// Reports an edition's overrides whose model text changed (drift) and its
/// overdue reviews; those of model pages once, by the model edition.
fn check_sources(edition: &Edition, today: Date, diagnostics: &Diagnostics) {
    diagnostics.extend(drift::check(edition));
    for page in &edition.pages {
        if edition.authority.is_none() || page.origin == overlay::Origin::Local {
            diagnostics.extend(governance::check(page, today));
        }
    }
}

/// The templates and static files of an edition's authority (none for the model's).
fn authority_theme(
    sources: &Sources,
    linked: &link::LinkedEdition,
    diagnostics: &Diagnostics,
) -> (TemplateFiles, crate::theme::StaticFiles) {
    let mut problems = Vec::new();
    let own = match linked.edition.authority {
        Some(a) => (
            TemplateFiles::authority(&sources.root, &a.dir, &mut problems),
            crate::theme::static_files(&sources.root, &a.dir.join("static"), &mut problems),
        ),
        None => (TemplateFiles::default(), Default::default()),
    };
    diagnostics.extend(problems);
    own
}

/// Builds and writes. Returns the run; output is written only if it has no errors.
pub fn build(
    request: &Request,
    out: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> std::io::Result<Run> {
    let run = run_with_progress(request, progress);
    if let Some(output) = &run.output {
        timed("all", "write", || {
            crate::write::write_atomically(out, output)
        })?;
    }
    Ok(run)
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

/// Makes again only the pages whose text alone changed, from what the last
/// preview kept; `None` when the edit needs the edition built again.
fn preview_edit(
    sources: &Sources,
    authority: Option<&str>,
    today: Date,
    edited: &[String],
    memo: &PreviewMemo,
) -> Option<Preview> {
    let engine = memo.engine.get()?.as_ref().ok()?;
    let model = sources.model.as_ref();
    let authority = match authority {
        None => None,
        Some(slug) => Some(sources.authorities.iter().find(|a| a.slug == slug)?),
    };
    let mut pages = Vec::with_capacity(edited.len());
    for id in edited {
        let (page, origin) = match authority.and_then(|a| a.pages.iter().find(|p| p.id() == id)) {
            Some(local) => (local, overlay::Origin::Local),
            None => (model.pages.get(id)?, overlay::Origin::Model),
        };
        // A model page changed by an override, or with examples, is made by the overlay.
        if let Some(a) = authority {
            let touched = a.overrides.iter().any(|o| &o.target.page == id)
                || a.examples.iter().any(|e| e.attach.iter().any(|t| t == id));
            if touched && origin == overlay::Origin::Model {
                return None;
            }
        }
        let page = overlay::EditionPage {
            meta: &page.meta,
            file: std::sync::Arc::clone(&page.file),
            origin,
            chunks: vec![overlay::Chunk {
                file: std::sync::Arc::clone(&page.file),
                range: (page.body_start, page.file.text.len()),
                local: origin == overlay::Origin::Local,
            }],
            parent: memo.render.parent_of(id)?,
            examples: Vec::new(),
        };
        pages.push(link::relink(&memo.link, page, model, authority)?);
    }
    let rendered = render::rerender(&memo.render, engine, &pages, today)?;
    Some(Preview {
        files: rendered.files,
        unchanged: rendered.unchanged,
        diagnostics: Vec::new(),
        print: rendered.print,
    })
}

/// What a preview of one edition keeps between builds (see [`preview`]).
#[derive(Default)]
pub struct PreviewMemo {
    link: link::Memo,
    render: render::Memo,
    engine: std::sync::OnceLock<Result<Engine, Vec<Diagnostic>>>,
}

impl PreviewMemo {
    /// Forgets which files were made last time (keeping the rest), so the
    /// next preview makes every file: for when the last one was not served.
    pub fn forget_outputs(&self) {
        self.render.forget_files();
    }
}

impl std::fmt::Debug for PreviewMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewMemo").finish_non_exhaustive()
    }
}

/// One edition built for the preview.
#[derive(Debug, Default)]
pub struct Preview {
    /// Files that are new or changed since the last preview with the same memo.
    pub files: Vec<OutputFile>,
    /// Files that are as they were.
    pub unchanged: Vec<String>,
    /// Everything found wrong, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// A print view left to be put together after the files are served
    /// (see [`render::Rendered::print`]).
    pub print: Option<render::PrintView>,
}

/// Builds one edition (`authority`, or the model's) for `serve`, reusing
/// what `memo` remembers from the last build so that a save makes again only
/// what it changed. When `edited` names the pages of which only the text
/// changed since then (and nothing else changed), those pages are made again
/// on their own if the edit allows it. It stops before the search index and
/// the link check, which the preview makes afterwards, off the path from
/// save to reload. `memo` must be new whenever the sources are loaded afresh.
pub fn preview(
    sources: &Sources,
    theme: &Theme,
    authority: Option<&str>,
    today: Date,
    edited: Option<&[String]>,
    memo: &PreviewMemo,
) -> Preview {
    if let Some(edited) = edited {
        let quick = timed("preview", "one-page edit", || {
            preview_edit(sources, authority, today, edited, memo)
        });
        if let Some(preview) = quick {
            return preview;
        }
    }
    let diagnostics = Diagnostics::new();
    let model = sources.model.as_ref();
    let authority = match authority {
        None => None,
        Some(slug) => match sources.authorities.iter().find(|a| a.slug == slug) {
            Some(a) => Some(a),
            None => {
                diagnostics.push(Diagnostic::error(
                    "unknown-authority",
                    format!("there is no authority `{slug}`"),
                ));
                return Preview {
                    diagnostics: diagnostics.into_sorted(),
                    ..Preview::default()
                };
            }
        },
    };
    let edition = timed("preview", "overlay", || match authority {
        None => overlay::model_edition(model, &diagnostics),
        Some(a) => overlay::authority_edition(model, a, &diagnostics),
    });
    check_sources(&edition, today, &diagnostics);
    let linked = timed("preview", "link", || {
        link::link_with(edition, &diagnostics, Some(&memo.link))
    });
    let (local_templates, local_statics) = authority_theme(sources, &linked, &diagnostics);
    let engine = memo
        .engine
        .get_or_init(|| Engine::new(theme, &local_templates));
    let engine = match engine {
        Ok(engine) => engine,
        Err(problems) => {
            diagnostics.extend(problems.iter().cloned());
            return Preview {
                diagnostics: diagnostics.into_sorted(),
                ..Preview::default()
            };
        }
    };
    let mut statics = theme.statics.clone();
    statics.extend(local_statics);
    let rendered = timed("preview", "render", || {
        render::render_with(
            &linked,
            engine,
            &statics,
            today,
            &diagnostics,
            Some(&memo.render),
        )
    });
    Preview {
        files: rendered.files,
        unchanged: rendered.unchanged,
        diagnostics: diagnostics.into_sorted(),
        print: rendered.print,
    }
}
