//! The memo of linking, for `serve`: what the last link of an edition made,
//! kept so that a save reads again only the pages whose files or the
//! edition's variables changed. For each page it keeps its first pass
//! (with the very files and byte ranges it was made from) and how its
//! references resolved; for the edition, its pages' ids in reading order,
//! where each is, and the backlinks. While the edition has the same pages in
//! the same order, a page taken from the memo is resolved again only when a
//! page it links to was read again (the only pages whose sections and
//! titles can have changed), and the backlinks are made again only when
//! some page's links go elsewhere.
//!
//! It decides only what may be kept: every page it hands back is what
//! linking it again would make, and pass 1 and the resolution themselves
//! are `mod`'s and `references`'. Pages are remembered in a
//! [`crate::support::memo::Memo`], which forgets the pages a link did not
//! ask for.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use super::references::{LocalAddress, Reference, Resolution};
use super::sections::SectionRef;
use super::text::LinkedText;
use super::variables::Variables;
use super::{first_pass, ExampleSettings, LinkedPage, Prepared};
use crate::model::language::Lang;
use crate::stages::overlay::EditionPage;
use crate::support::diagnostic::{Diagnostic, Diagnostics, OutsideLink, SourceFile};
use crate::support::lock::Locked;
use crate::support::memo::Memo;

/// What linking remembers between links of one edition (for `serve`): each
/// page's first pass and how its references resolved, and the edition's
/// pages, places and backlinks (see the module's comment).
#[derive(Debug, Default)]
pub struct LinkMemo {
    /// Each page by its id.
    pages: Memo<String, Remembered>,
    /// The last link's edition as a whole.
    last: Mutex<Option<LastEdition>>,
}

/// The index in reading order of each page id.
type ById = Arc<foldhash::HashMap<String, usize>>;

/// For each page id, the pages that link to it, in reading order.
type Backlinks = Arc<HashMap<String, Vec<String>>>;

/// What the last link of a [`LinkMemo`]'s edition made of the edition as a
/// whole: its pages' ids in reading order, where each is, and the backlinks.
#[derive(Debug)]
struct LastEdition {
    ids: Vec<String>,
    by_id: ById,
    backlinks: Backlinks,
}

/// One page as the memo knows it.
#[derive(Debug, Clone)]
struct Remembered {
    first: Arc<FirstPass>,
    /// How its references resolved at the last link, when they all did.
    resolution: Option<Arc<Resolution>>,
}

/// One page's first-pass results and what they were made from.
#[derive(Debug)]
struct FirstPass {
    inputs: FirstPassInputs,
    text: Arc<LinkedText>,
    sections: Arc<[SectionRef]>,
    references: Arc<[Reference]>,
    examples: Arc<[LinkedText]>,
    addresses: Arc<[LocalAddress]>,
    example_settings: Arc<[ExampleSettings]>,
    title: String,
    summary: Option<String>,
    problems: Vec<Diagnostic>,
    fingerprint: [u8; 16],
    outside_links: Arc<[OutsideLink]>,
}

/// The inputs of a page's first pass: the very files (kept alive here, so
/// compared by identity) and byte ranges of its text and examples, and the
/// edition's variables.
#[derive(Debug)]
struct FirstPassInputs {
    pieces: Vec<(Arc<SourceFile>, (usize, usize), bool)>,
    variables: [u8; 16],
}

impl FirstPassInputs {
    fn of(page: &EditionPage, variables: [u8; 16]) -> Self {
        let mut pieces = vec![(Arc::clone(&page.file), (0, 0), false)];
        pieces.extend(
            page.chunks
                .iter()
                .map(|c| (Arc::clone(&c.file), c.range, c.local)),
        );
        pieces.extend(
            page.examples
                .iter()
                .map(|ex| (Arc::clone(&ex.file), (ex.body_start, usize::MAX), true)),
        );
        Self { pieces, variables }
    }

    /// Whether `page` (with the edition's `variables`) is made from these
    /// inputs, compared without copying them.
    fn are_of(&self, page: &EditionPage, variables: [u8; 16]) -> bool {
        let page_file = std::iter::once((&page.file, (0, 0), false));
        let chunks = page.chunks.iter().map(|c| (&c.file, c.range, c.local));
        let examples = page
            .examples
            .iter()
            .map(|ex| (&ex.file, (ex.body_start, usize::MAX), true));
        self.variables == variables
            && self.pieces.len() == 1 + page.chunks.len() + page.examples.len()
            && self
                .pieces
                .iter()
                .zip(page_file.chain(chunks).chain(examples))
                .all(|(a, b)| Arc::ptr_eq(&a.0, b.0) && a.1 == b.1 && a.2 == b.2)
    }
}

impl FirstPass {
    /// What pass 1 made of `linked`, with the inputs it was made from.
    fn of(
        linked: &LinkedPage,
        inputs: FirstPassInputs,
        references: Vec<Reference>,
        problems: Vec<Diagnostic>,
    ) -> Self {
        Self {
            inputs,
            text: Arc::clone(&linked.text),
            sections: Arc::clone(&linked.sections),
            references: references.into(),
            examples: Arc::clone(&linked.examples),
            addresses: Arc::clone(&linked.addresses),
            example_settings: Arc::clone(&linked.example_settings),
            title: linked.title.clone(),
            summary: linked.summary.clone(),
            problems,
            fingerprint: linked.fingerprint(),
            outside_links: Arc::clone(&linked.outside_links),
        }
    }
}

impl Remembered {
    /// `page` as pass 1 made it before, with its references and how they
    /// resolved at the last link.
    fn prepared<'s>(&self, page: EditionPage<'s>) -> Prepared<'s> {
        let first = &self.first;
        let linked = LinkedPage {
            page,
            text: Arc::clone(&first.text),
            sections: Arc::clone(&first.sections),
            links: Arc::default(),
            examples: Arc::clone(&first.examples),
            addresses: Arc::clone(&first.addresses),
            example_settings: Arc::clone(&first.example_settings),
            title: first.title.clone(),
            summary: first.summary.clone(),
            fingerprint: OnceLock::from(first.fingerprint),
            outline: [0; 16],
            outside_links: Arc::clone(&first.outside_links),
        };
        Prepared {
            page: linked,
            references: Arc::clone(&first.references),
            resolved_before: self.resolution.clone(),
            unchanged: true,
        }
    }
}

impl LinkMemo {
    /// Pass 1 of every page: taken from the memo when the page's files and
    /// the edition's variables are those it was made from (its problems
    /// reported again), else made and remembered.
    pub(super) fn first_passes<'s>(
        &self,
        pages: Vec<EditionPage<'s>>,
        vars: &Variables,
        lang: Option<Lang>,
        diagnostics: &Diagnostics,
    ) -> Vec<Prepared<'s>> {
        // The site's language is an input of every page's pass too.
        let variables = {
            let mut f = crate::support::fingerprint::Fingerprint::default();
            f.bytes(&vars.fingerprint())
                .text(lang.map_or("", |l| l.code()));
            f.finish()
        };
        // Pages are read from the memo while they are linked in parallel;
        // what is made afresh is kept once they all are.
        let passed: Vec<(Prepared<'s>, Option<Arc<FirstPass>>)> = pages
            .into_par_iter()
            .map(|page| {
                let before = self.pages.get(page.id());
                if let Some(r) = before.as_ref() {
                    if r.first.inputs.are_of(&page, variables) {
                        diagnostics.extend(r.first.problems.iter().cloned());
                        return (r.prepared(page), None);
                    }
                }
                let problems = Diagnostics::new();
                let (page, references) = first_pass(page, vars, lang, &problems);
                let problems = problems.into_sorted();
                diagnostics.extend(problems.iter().cloned());
                let inputs = FirstPassInputs::of(&page.page, variables);
                let first = Arc::new(FirstPass::of(&page, inputs, references, problems));
                let prepared = Prepared {
                    page,
                    references: Arc::clone(&first.references),
                    resolved_before: before.and_then(|r| r.resolution),
                    unchanged: false,
                };
                (prepared, Some(first))
            })
            .collect();
        passed
            .into_iter()
            .map(|(prepared, fresh)| {
                if let Some(first) = fresh {
                    let id = prepared.page.page.id().to_string();
                    let resolution = None;
                    self.pages.put(id, Remembered { first, resolution });
                }
                prepared
            })
            .collect()
    }

    /// What the last link lets this one keep, for the pages of `prepared`
    /// (taken from the memo's edition: the next link keeps what
    /// [`LinkMemo::remember`] puts back).
    pub(super) fn reuse<'a>(&self, prepared: &'a [Prepared]) -> Reuse<'a> {
        let last = self.last.locked().take();
        // The same pages in the same order: every id resolves as before.
        let last = last.filter(|l| {
            l.ids.len() == prepared.len()
                && l.ids
                    .iter()
                    .zip(prepared)
                    .all(|(id, p)| id == p.page.page.id())
        });
        let read_again = prepared
            .iter()
            .filter(|p| !p.unchanged)
            .map(|p| p.page.page.id())
            .collect();
        Reuse { last, read_again }
    }

    /// Keeps the resolutions made afresh in which every reference resolved
    /// (each with the first pass it was made from), and the edition's ids,
    /// places and backlinks; then forgets the pages the edition no longer
    /// has (this link asked for every page it has, and for no other).
    pub(super) fn remember(
        &self,
        prepared: &[Prepared],
        resolutions: &[(Arc<Resolution>, bool)],
        reuse: Reuse,
        (by_id, backlinks): (&ById, &Backlinks),
    ) {
        for (p, (resolution, all_resolved)) in prepared.iter().zip(resolutions) {
            let kept = p.resolved_before.as_ref();
            if kept.is_some_and(|before| Arc::ptr_eq(before, resolution)) {
                continue;
            }
            let id = p.page.page.id();
            let Some(entry) = self.pages.get(id) else {
                continue;
            };
            // Only with the very first pass it was resolved from.
            if Arc::ptr_eq(&entry.first.text, &p.page.text) {
                let resolution = all_resolved.then(|| Arc::clone(resolution));
                let first = entry.first;
                self.pages
                    .put(id.to_string(), Remembered { first, resolution });
            }
        }
        self.pages.forget_unused();
        let ids = match reuse.last {
            Some(l) => l.ids,
            None => prepared
                .iter()
                .map(|p| p.page.page.id().to_string())
                .collect(),
        };
        *self.last.locked() = Some(LastEdition {
            ids,
            by_id: Arc::clone(by_id),
            backlinks: Arc::clone(backlinks),
        });
    }
}

/// What the last link of an edition lets this one keep: with the same
/// pages in the same order, a page's resolution while no page it links to
/// was read again, the places of the pages, and the backlinks while every
/// page links where it did.
pub(super) struct Reuse<'a> {
    /// The last link's edition, if it had the same pages in the same order.
    last: Option<LastEdition>,
    /// The pages whose first pass was made again.
    read_again: foldhash::HashSet<&'a str>,
}

impl Reuse<'_> {
    /// How `p`'s references resolved at the last link, if that still holds.
    pub(super) fn resolution(&self, p: &Prepared) -> Option<Arc<Resolution>> {
        let before = p.resolved_before.as_ref();
        let before = before.filter(|_| self.last.is_some() && p.unchanged)?;
        // Only a page read again can have other sections or another title.
        let same = before
            .targets
            .iter()
            .all(|t| !self.read_again.contains(t.as_str()));
        same.then(|| Arc::clone(before))
    }

    /// The last link's backlinks, if every page links to the pages the page
    /// of its id linked to then.
    pub(super) fn backlinks(
        &self,
        prepared: &[Prepared],
        resolutions: &[(Arc<Resolution>, bool)],
    ) -> Option<Backlinks> {
        let last = self.last.as_ref()?;
        let same = prepared
            .iter()
            .zip(resolutions)
            .all(|(p, (now, _))| match &p.resolved_before {
                Some(before) => Arc::ptr_eq(before, now) || before.targets == now.targets,
                None => false,
            });
        same.then(|| Arc::clone(&last.backlinks))
    }

    /// Where each page was at the last link: where it is now.
    pub(super) fn by_id(&self) -> Option<ById> {
        self.last.as_ref().map(|l| Arc::clone(&l.by_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::handbook::Model;
    use crate::stages::link::tests::pages;
    use crate::stages::link::{link, link_with, LinkedEdition};
    use crate::stages::load::tests::{model_of, page};
    use crate::stages::overlay::model_edition;

    /// The model edition of `model`, linked with `memo` (or without one),
    /// and the codes of the problems found.
    fn linked<'m>(
        model: &'m Model,
        memo: Option<&LinkMemo>,
    ) -> (LinkedEdition<'m>, Vec<&'static str>) {
        let diagnostics = Diagnostics::new();
        let edition = model_edition(model, &diagnostics);
        let linked = match memo {
            Some(memo) => link_with(edition, &diagnostics, Some(memo)),
            None => link(edition, &diagnostics),
        };
        let codes = diagnostics.into_sorted().iter().map(|d| d.code).collect();
        (linked, codes)
    }

    /// What a page of a linked edition shows of its linking.
    fn made(linked: &LinkedEdition) -> Vec<String> {
        linked
            .pages
            .iter()
            .map(|p| {
                let mut links: Vec<_> = p.links.iter().collect();
                links.sort_by_key(|(dest, _)| dest.as_str());
                format!(
                    "{} {:?} {:?} {:?} {:?} {:?}",
                    p.title,
                    p.sections,
                    links,
                    p.fingerprint(),
                    p.outline,
                    linked.backlinks.get(p.page.id())
                )
            })
            .collect()
    }

    #[test]
    fn a_save_reads_again_only_the_saved_page_and_links_as_a_fresh_link_does() {
        let pages = pages();
        let model = model_of(pages.clone());
        let memo = LinkMemo::default();
        let (first, problems) = linked(&model, Some(&memo));
        assert!(problems.is_empty(), "{problems:?}");
        assert!((0..3).all(|i| !first.unchanged(i)), "nothing was known");
        let before = made(&first);
        drop(first);
        let (again, _) = linked(&model, Some(&memo));
        assert!((0..3).all(|i| again.unchanged(i)), "nothing was saved");
        assert_eq!(made(&again), before);
        drop(again);
        // `step-1` saved: its section renamed, which `step-2`'s heading shows.
        let mut saved = pages.clone();
        saved[1] = page(
            "content/step-1.md",
            "---\nid: step-1\ntitle: Step one\nweight: 1\n---\n## Our money {#money}\n\nThen [[step-2|the plan]].\n",
        );
        let model = model_of(saved);
        let (after, problems) = linked(&model, Some(&memo));
        assert!(problems.is_empty(), "{problems:?}");
        let unchanged: Vec<bool> = (0..3).map(|i| after.unchanged(i)).collect();
        assert_eq!(unchanged, [true, false, true]);
        assert_eq!(
            after.page("step-2").unwrap().sections[0].title,
            "About Our money"
        );
        assert_eq!(made(&after), made(&linked(&model, None).0));
    }

    #[test]
    fn the_memo_forgets_a_page_the_edition_no_longer_has() {
        let pages = pages();
        let memo = LinkMemo::default();
        let model = model_of(pages.clone());
        drop(linked(&model, Some(&memo)));
        assert_eq!(memo.pages.len(), 3);
        let fewer = model_of(pages[..2].to_vec());
        let (linked, problems) = linked(&fewer, Some(&memo));
        assert_eq!(memo.pages.len(), 2, "step-2 is forgotten");
        assert!(linked.unchanged(0) && linked.unchanged(1));
        assert_eq!(problems, ["unknown-id"], "step-1's link to step-2");
    }
}
