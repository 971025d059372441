//! The preview's build session: each save goes through
//! `pipeline::Preview`, and what it made is swapped into the site being
//! served, pages first and the print view after them.
//!
//! It only calls the pipeline and updates the served site; the search index
//! and link check are left to `follow_up`, with where the edition writes
//! each link, which the pipeline hands back with each build.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::follow_up::{self, Followup};
use super::{print_new, Reload, Shared};
use crate::pipeline::{Made, Preview, Step};
use crate::support::diagnostic::Diagnostic;
use crate::support::lock::ReadWrite;
use crate::support::url::PRINT_FILE;

/// Builds the edition once, then again for each batch of saves sent to the
/// returned sender, on a thread of its own.
pub(super) fn start(
    shared: Arc<Shared>,
    root: PathBuf,
    authority: Option<String>,
) -> Mutex<Sender<Vec<PathBuf>>> {
    let mut session = Session {
        followups: follow_up::start(Arc::clone(&shared)),
        shared,
        preview: Preview::new(root, authority),
        printed: Vec::new(),
        warned: Vec::new(),
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
    followups: Sender<Followup>,
    /// The problems of the last failed build as printed, so that saves
    /// failing the same way do not print them again.
    printed: Vec<String>,
    /// The warnings of the last good build as printed, likewise.
    warned: Vec<String>,
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
        let warned = &mut self.warned;
        let started = Instant::now();
        let mut changed_pages = Vec::new();
        let mut fresh = false;
        let result = preview.build(changed, &mut |step| match step {
            Step::Pages(made, warnings) => {
                let header = "Warnings (`handbook check --deny-warnings` fails on them; they are listed at the top of each page):";
                print_new(header, &warnings, warned);
                let report = serve_pages(shared, made, warnings);
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
        let written = match result {
            Ok(written) => written,
            Err(problems) => return self.failed(problems),
        };
        if !self.printed.is_empty() {
            eprintln!("The build works again: the problems printed above are fixed.");
            self.printed.clear();
        }
        let site = shared.site.reading();
        let _ = self.followups.send(Followup {
            generation: site.generation,
            renew_index: fresh || !changed_pages.is_empty(),
            site: site.files.clone(),
            sites: written,
        });
    }

    /// Shows a failed build's `problems` above the last pages that built,
    /// and prints them unless they are those printed last.
    fn failed(&mut self, problems: Vec<Diagnostic>) {
        let header = "The build failed; still serving the last good pages:";
        print_new(header, &problems, &mut self.printed);
        let mut site = self.shared.site.writing();
        site.problems = problems;
        site.save_failed = true;
        drop(site);
        let _ = self.shared.reload.send(Reload::Every);
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
fn serve_pages(shared: &Shared, made: Made, warnings: Vec<Diagnostic>) -> Served {
    // The search indexes and the print views are made after the pages.
    let made_later = crate::pipeline::made_after_pages;
    let is_page = |p: &str| p.ends_with(".html") && !made_later(p);
    let mut site = shared.site.writing();
    let mut changed_pages = Vec::new();
    let mut changed = 0;
    let mut pages_added = false;
    // Updated in place: at thousands of pages, a save changes a few.
    for (path, bytes) in &made.files {
        let old = site.files.get_mut(path);
        // The same bytes the cache kept are served as they were; only what
        // was made again is compared.
        if old
            .as_ref()
            .is_some_and(|old| Arc::ptr_eq(old, bytes) || ***old == **bytes)
        {
            continue;
        }
        changed += 1;
        if is_page(path) {
            changed_pages.push((path.clone(), Arc::clone(bytes)));
        }
        match old {
            Some(old) => *old = Arc::clone(bytes),
            None => {
                pages_added |= is_page(path);
                site.files.insert(path.clone(), Arc::clone(bytes));
            }
        }
    }
    // Files the build no longer makes are taken away.
    let later = site.files.keys().filter(|p| made_later(p)).count();
    let mut pages_gone = false;
    if site.files.len() > made.files.len() + later {
        let made_paths: HashSet<&str> = made.files.iter().map(|(p, _)| p.as_str()).collect();
        site.files.retain(|p, _| {
            let kept = made_later(p) || made_paths.contains(p.as_str());
            pages_gone |= !kept && is_page(p);
            kept
        });
    }
    let fresh = !site.has_good_build || pages_added || pages_gone;
    site.problems.clear();
    site.warnings = warnings;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::Site;

    fn made(files: &[(&str, &str)]) -> Made {
        Made {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes())))
                .collect(),
            changed: Vec::new(),
        }
    }

    fn served(shared: &Shared) -> Vec<(String, String)> {
        let site = shared.site.reading();
        let mut files: Vec<(String, String)> = site
            .files
            .iter()
            .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn served_pages_follow_each_save_and_say_when_pages_come_or_go() {
        let (reload, _) = tokio::sync::broadcast::channel(4);
        let shared = Shared {
            site: std::sync::RwLock::new(Site::default()),
            reload,
        };
        let first = serve_pages(
            &shared,
            made(&[("a.html", "A"), ("b.html", "B")]),
            Vec::new(),
        );
        assert!(first.fresh, "the first build");
        serve_print(&shared, made(&[(PRINT_FILE, "A B")]));

        let edit = serve_pages(
            &shared,
            made(&[("a.html", "A2"), ("b.html", "B")]),
            Vec::new(),
        );
        assert!(!edit.fresh);
        assert_eq!((edit.changed, edit.changed_pages.len()), (1, 1));
        assert_eq!(edit.changed_pages[0].0, "a.html");

        let gone = serve_pages(&shared, made(&[("a.html", "A2")]), Vec::new());
        assert!(gone.fresh, "a page was taken away");
        let paths: Vec<String> = served(&shared).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            ["a.html", PRINT_FILE],
            "the print view stays until made again"
        );

        let added = serve_pages(
            &shared,
            made(&[("a.html", "A2"), ("c.html", "C")]),
            Vec::new(),
        );
        assert!(added.fresh && added.changed == 1, "a page was added");
        assert_eq!(
            served(&shared),
            [
                ("a.html".into(), "A2".into()),
                ("c.html".into(), "C".into()),
                (PRINT_FILE.into(), "A B".into())
            ]
        );
    }
}
