//! The preview's background work after each build: renewing the search
//! index from the pages the build changed, and checking the links of the
//! whole site, after the pages are already served. Work for a build that a
//! newer one replaced is merged into the newer one's.
//!
//! It changes only the search index's files and the problems shown.

use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::Instant;

use super::{Reload, Shared};
use crate::support::lock::ReadWrite;
use crate::support::output::{Content, OutputFile, Part};

/// Starts the background thread; builds send it their work.
pub(super) fn start(shared: Arc<Shared>) -> Sender<Followup> {
    let (sender, queue) = channel::<Followup>();
    std::thread::spawn(move || follow_up(&shared, queue));
    sender
}

/// Work for the background thread after a build: whether to renew the
/// search index, and the whole site to index and check the links of.
pub(super) struct Followup {
    /// The edition's name in messages: `model` or the authority's slug.
    pub edition: String,
    pub generation: u64,
    /// Whether a page changed, came or went since the index served was made.
    pub renew_index: bool,
    pub site: HashMap<String, Arc<[u8]>>,
}

/// The background thread: renews the search index from the pages of the
/// latest build (not made again if no indexed text changed),
/// and checks its links, after the pages are already served. Work for a
/// build that a newer one replaced is merged into the newer one's.
fn follow_up(shared: &Shared, queue: Receiver<Followup>) {
    let kept = crate::site::search::Kept::in_memory();
    // The problems last printed, so that each is printed once, not after
    // every save while it stays.
    let mut printed: Vec<String> = Vec::new();
    // Whether the index served is older than the pages served: at first,
    // and after a renewal that a newer build replaced or that failed.
    let mut owed = true;
    while let Ok(mut job) = queue.recv() {
        while let Ok(newer) = queue.try_recv() {
            let renew_index = job.renew_index || newer.renew_index;
            job = Followup {
                renew_index,
                ..newer
            };
        }
        let started = Instant::now();
        // The served bytes themselves, shared, not copied.
        let as_output = |path: &String, bytes: &Arc<[u8]>| OutputFile {
            path: path.clone(),
            content: Content::Parts(vec![Part::shared(bytes, 0..bytes.len())]),
        };
        // With no page changed, the index being served is still right.
        let renew = job.renew_index || owed;
        owed = renew;
        let search = renew.then(|| {
            let mut pages: Vec<OutputFile> = job
                .site
                .iter()
                .filter(|(p, _)| p.ends_with(".html"))
                .map(|(p, b)| as_output(p, b))
                .collect();
            pages.sort_by(|a, b| a.path.cmp(&b.path));
            let made = crate::site::search::index_in(&pages, "en", &kept);
            kept.forget_unused();
            made
        });
        // The index files checked against: the new ones, or those served.
        let renewed = matches!(&search, Some(Ok(_)));
        let index_prefix = format!("{}/", crate::site::search::INDEX_DIR);
        let mut all: Vec<OutputFile> = job
            .site
            .iter()
            .filter(|(p, _)| !(renewed && p.starts_with(&index_prefix)))
            .map(|(p, b)| as_output(p, b))
            .collect();
        if let Some(Ok(search)) = &search {
            all.extend(search.iter().map(|f| OutputFile {
                path: f.path.clone(),
                content: Content::Bytes(Vec::new()),
            }));
        }
        let found = crate::site::linkcheck::check(&job.edition, &all, &[], None);
        let broken: Vec<&crate::site::linkcheck::BrokenLink> = found.broken.iter().collect();
        let mut problems = found.problems;
        problems.extend(crate::site::linkcheck::in_output(&job.edition, &broken));
        drop(all);
        let mut site = shared.site.writing();
        if site.generation != job.generation {
            // A newer build is served; its own follow-up will come.
            continue;
        }
        match search {
            Some(Ok(search)) => {
                owed = false;
                let prefix = format!("{}/", crate::site::search::INDEX_DIR);
                site.files.retain(|p, _| !p.starts_with(&prefix));
                for f in search {
                    if let Content::Bytes(bytes) = f.content {
                        site.files.insert(f.path, bytes.into());
                    }
                }
            }
            Some(Err(d)) => problems.push(d),
            None => {}
        }
        eprintln!(
            "Search index and link check updated in {} ms.",
            started.elapsed().as_millis()
        );
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        if shown != printed && !shown.is_empty() {
            eprintln!("The pages being served have problems that would stop `handbook build`:");
            for p in &shown {
                eprintln!("{p}");
            }
        }
        printed = shown;
        if !problems.is_empty() {
            site.problems = problems;
            drop(site);
            let _ = shared.reload.send(Reload::Every);
        }
    }
}
