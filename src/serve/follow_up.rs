//! The preview's background work after each build: checking the links of
//! the whole site and renewing its search index from the pages, after the
//! pages are already served, through `pipeline::check_made`, the checks
//! `build` makes, so a problem is reported where `build` reports it (a
//! broken link at its line in the page's source). Work for a build that a
//! newer one replaced is merged into the newer one's.
//!
//! It changes only the search index's files and the problems shown; it
//! judges nothing itself.

use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::Instant;

use super::{print_new, Reload, Shared};
use crate::pipeline::{check_made, in_search_index, Checked, Written};
use crate::site::search::Kept;
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
    pub generation: u64,
    /// Whether a page changed, came or went since the index served was made.
    pub renew_index: bool,
    pub site: HashMap<String, Arc<[u8]>>,
    /// Where each language's site of the edition the build made writes
    /// each link.
    pub sites: Vec<Written<'static>>,
}

/// The background thread: checks the links of the latest build and renews
/// its search index (not made again if no indexed text changed), after the
/// pages are already served. Work for a build that a newer one replaced is
/// merged into the newer one's.
fn follow_up(shared: &Shared, queue: Receiver<Followup>) {
    let kept = Kept::in_memory();
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
        // With no page changed, the index being served is still right.
        let renew = job.renew_index || owed;
        owed = renew;
        let checked = check(&job, renew.then_some(&kept));
        if renew {
            kept.forget_unused();
        }
        let mut site = shared.site.writing();
        if site.generation != job.generation {
            // A newer build is served; its own follow-up will come.
            continue;
        }
        let mut problems = checked.errors;
        match checked.index {
            Some(Ok(index)) => {
                owed = false;
                site.files.retain(|p, _| !in_search_index(p));
                for f in index {
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
        let header = "The pages being served have problems that would stop `handbook build`:";
        print_new(header, &problems, &mut printed);
        if !problems.is_empty() {
            site.problems = problems;
            drop(site);
            let _ = shared.reload.send(Reload::Every);
        }
    }
}

/// The checks `build` makes of a site, of the site a job serves: its
/// files but the search index's, the served bytes themselves, shared, not
/// copied; with `kept`, its index is renewed.
fn check(job: &Followup, kept: Option<&Kept>) -> Checked {
    let files: Vec<OutputFile> = job
        .site
        .iter()
        .filter(|(path, _)| !in_search_index(path))
        .map(|(path, bytes)| OutputFile {
            path: path.clone(),
            content: Content::Parts(vec![Part::shared(bytes, 0..bytes.len())]),
        })
        .collect();
    check_made(&job.sites, &files, kept)
}
