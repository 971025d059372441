//! Runs the stages in order for `build` and `check`: load → overlay → link →
//! render → write.
//!
//! This module only sequences the stages and decides which editions a run
//! makes and where they go; each stage's work is in its own module. Editions
//! are built in parallel. Nothing is written unless every edition built
//! without errors.

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
    let sources = load::load(&request.root, &selection, &diagnostics);
    let mut theme_problems = Vec::new();
    let theme = Theme::load(&sources.root, &sources.theme_dir, &mut theme_problems);
    diagnostics.extend(theme_problems);

    let with_model = matches!(request.editions, Editions::Every | Editions::Model);
    let results = make_editions(
        &sources,
        &theme,
        with_model,
        request.today,
        &diagnostics,
        progress,
    );

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
                    .map(|(name, path)| OutputFile {
                        path: format!("assets/{name}"),
                        content: Content::Copy(path.clone()),
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

fn make_editions(
    sources: &Sources,
    theme: &Theme,
    with_model: bool,
    today: Date,
    diagnostics: &Diagnostics,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<(EditionSummary, Vec<OutputFile>)> {
    let model = sources.model.as_ref();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut jobs: Vec<Option<usize>> = Vec::new();
    if with_model {
        jobs.push(None);
    }
    jobs.extend((0..sources.authorities.len()).map(Some));
    jobs.par_iter()
        .map(|job| {
            let edition = match job {
                None => overlay::model_edition(model, diagnostics),
                Some(i) => overlay::authority_edition(model, &sources.authorities[*i], diagnostics),
            };
            let result = build_edition(sources, theme, edition, today, diagnostics);
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(finished, jobs.len());
            result
        })
        .collect()
}

fn build_edition(
    sources: &Sources,
    theme: &Theme,
    edition: Edition,
    today: Date,
    diagnostics: &Diagnostics,
) -> (EditionSummary, Vec<OutputFile>) {
    let summary = EditionSummary {
        slug: edition.slug.clone(),
        name: edition.name().to_string(),
        pages: edition.pages.len(),
    };
    diagnostics.extend(drift::check(&edition));
    // Review dates of model pages are reported once, by the model edition.
    for page in &edition.pages {
        if edition.authority.is_none() || page.origin == overlay::Origin::Local {
            diagnostics.extend(governance::check(page, today));
        }
    }
    let linked = link::link(edition, diagnostics);
    let mut problems = Vec::new();
    let (local_templates, local_statics) = match linked.edition.authority {
        Some(a) => (
            TemplateFiles::authority(&sources.root, &a.dir, &mut problems),
            crate::theme::static_files(&sources.root, &a.dir.join("static"), &mut problems),
        ),
        None => (TemplateFiles::default(), Default::default()),
    };
    diagnostics.extend(problems);
    let engine = match Engine::new(theme, &local_templates) {
        Ok(engine) => engine,
        Err(problems) => {
            diagnostics.extend(problems);
            return (summary, Vec::new());
        }
    };
    let mut statics = theme.statics.clone();
    statics.extend(local_statics);
    let mut files = render::render(&linked, &engine, &statics, today, diagnostics);
    if diagnostics.has_errors() {
        // The output will not be written; checking the links of incomplete
        // pages would only repeat the errors already found.
        return (summary, files);
    }
    match crate::search::index(&files) {
        Ok(index) => files.extend(index),
        Err(d) => diagnostics.push(d),
    }
    let (broken, outside) = crate::linkcheck::check(&summary.slug, &files);
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

/// Builds and writes. Returns the run; output is written only if it has no errors.
pub fn build(
    request: &Request,
    out: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> std::io::Result<Run> {
    let run = run_with_progress(request, progress);
    if let Some(output) = &run.output {
        crate::write::write_atomically(out, output)?;
    }
    Ok(run)
}
