//! The preview's build session: each save goes through
//! `pipeline::Preview`, and what it made is swapped into the site being
//! served, pages first and the print view after them.
//!
//! It only calls the pipeline and updates the served site; the search index
//! and link check are left to `follow_up`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::follow_up::{self, Followup};
use super::{Reload, Shared};
use crate::lock::ReadWrite;
use crate::pipeline::{Preview, Step};
use crate::render::Made;
use crate::url::PRINT_FILE;

/// Builds the edition once, then again for each batch of saves sent to the
/// returned sender, on a thread of its own.
pub(super) fn start(
    shared: Arc<Shared>,
    root: PathBuf,
    authority: Option<String>,
) -> Mutex<Sender<Vec<PathBuf>>> {
    let edition = authority
        .clone()
        .unwrap_or_else(|| crate::overlay::MODEL_SLUG.to_string());
    let mut session = Session {
        followups: follow_up::start(Arc::clone(&shared)),
        shared,
        preview: Preview::new(root, authority),
        edition,
        printed: Vec::new(),
    };
    session.rebuild(None);
    let (saves, queue) = channel::<Vec<PathBuf>>();
    std::thread::spawn(move || session.run(&queue));
    Mutex::new(saves)
}

/// What the build thread works with.
struct Session {
    shared: Arc<Shared>,
    preview: Preview,
    /// The edition's name in messages: `model` or the authority's slug.
    edition: String,
    followups: Sender<Followup>,
    /// The problems of the last failed build as printed, so that saves
    /// failing the same way do not print them again.
    printed: Vec<String>,
}

impl Session {
    /// Rebuilds for each batch of saves, taking together those that arrived
    /// while the last build ran.
    fn run(&mut self, queue: &Receiver<Vec<PathBuf>>) {
        while let Ok(mut paths) = queue.recv() {
            while let Ok(more) = queue.try_recv() {
                paths.extend(more);
            }
            paths.sort();
            paths.dedup();
            self.rebuild(Some(&paths));
        }
    }

    /// Builds the edition after `changed` files were saved and serves the
    /// result; after a failure, the problems are shown above the last pages
    /// that built, and printed unless they are those printed last.
    fn rebuild(&mut self, changed: Option<&[PathBuf]>) {
        let shared = &*self.shared;
        let preview = &mut self.preview;
        let started = Instant::now();
        let mut changed_pages = Vec::new();
        let mut fresh = false;
        let result = preview.build(changed, &mut |step| match step {
            Step::Pages(made) => {
                let report = serve_pages(shared, made);
                fresh = report.fresh;
                changed_pages = report.changed_pages;
                eprintln!(
                    "Rebuilt in {} ms ({} {} changed).",
                    started.elapsed().as_millis(),
                    report.changed,
                    if report.changed == 1 { "file" } else { "files" }
                );
            }
            Step::Print(made) => serve_print(shared, made),
        });
        if let Err(problems) = result {
            let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
            if shown != self.printed {
                eprintln!("The build failed; still serving the last good pages:");
                for p in &shown {
                    eprintln!("{p}");
                }
                self.printed = shown;
            }
            let mut site = shared.site.writing();
            site.problems = problems;
            site.save_failed = true;
            drop(site);
            let _ = shared.reload.send(Reload::Every);
            return;
        }
        if !self.printed.is_empty() {
            eprintln!("The build works again: the problems printed above are fixed.");
            self.printed.clear();
        }
        let site = shared.site.reading();
        let _ = self.followups.send(Followup {
            edition: self.edition.clone(),
            generation: site.generation,
            pages: changed_pages,
            site: site.files.clone(),
            fresh_index: fresh,
        });
    }
}

/// What serving a build's pages changed.
struct Served {
    /// How many files have new bytes.
    changed: usize,
    /// The HTML pages among them, for the search index.
    changed_pages: Vec<(String, Arc<[u8]>)>,
    /// Whether pages came or went, so the search index must be made afresh.
    fresh: bool,
}

/// Serves a build's files (the search index stays until the background
/// thread renews it) and tells open pages to reload. Files count as changed
/// when their bytes differ from those being served.
fn serve_pages(shared: &Shared, made: Made) -> Served {
    let index = format!("{}/", crate::search::INDEX_DIR);
    let mut site = shared.site.writing();
    let is_page = |p: &str| p.ends_with(".html") && p != PRINT_FILE;
    let mut files: HashMap<String, Arc<[u8]>> = HashMap::with_capacity(made.files.len() + 64);
    let mut changed_pages = Vec::new();
    let mut changed = 0;
    for (path, bytes) in made.files {
        // The same bytes the cache kept are served as they were; only what
        // was made again is compared.
        let bytes = match site.files.get(&path) {
            Some(old) if Arc::ptr_eq(old, &bytes) || **old == *bytes => Arc::clone(old),
            _ => {
                changed += 1;
                if is_page(&path) {
                    changed_pages.push((path.clone(), Arc::clone(&bytes)));
                }
                bytes
            }
        };
        files.insert(path, bytes);
    }
    let pages_before: Vec<&String> = site.files.keys().filter(|p| is_page(p)).collect();
    let fresh = !site.has_good_build
        || pages_before.len() != files.keys().filter(|p| is_page(p)).count()
        || pages_before.iter().any(|p| !files.contains_key(*p));
    for (path, bytes) in site.files.iter() {
        if path.starts_with(&index) || path == PRINT_FILE {
            files.insert(path.clone(), Arc::clone(bytes));
        }
    }
    site.files = files;
    site.problems.clear();
    site.save_failed = false;
    site.has_good_build = true;
    site.generation += 1;
    drop(site);
    let _ = shared.reload.send(Reload::Every);
    Served {
        changed,
        changed_pages,
        fresh,
    }
}

/// Serves a new print view and tells an open print view to reload.
fn serve_print(shared: &Shared, made: Made) {
    let mut site = shared.site.writing();
    let mut differs = false;
    for (path, bytes) in made.files {
        differs |= site
            .files
            .get(&path)
            .is_none_or(|old| !Arc::ptr_eq(old, &bytes) && **old != *bytes);
        site.files.insert(path, bytes);
    }
    site.generation += 1;
    drop(site);
    if differs {
        let _ = shared.reload.send(Reload::Page(PRINT_FILE));
    }
}
