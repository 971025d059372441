//! The checks of a made site, the one way both `build` and the preview of
//! `serve` check one: its links, with what the link check finds reported
//! where the edition's text or templates write each link (a broken link at
//! its place in a page's source, once however many pages show the text; an
//! outside link where it is written), and its search index, made from what
//! the index reads of each page.
//!
//! `build` feeds a [`SiteCheck`] each file as soon as it is made; the
//! preview, which has every file at once, calls [`check_made`] in the
//! background. Both report from a [`Written`], where the edition writes
//! each address: `build` reads it from the linked edition, and only when a
//! link is broken; the preview is handed it owned ([`Written::kept`]), so
//! it can check its site after the edition it was made from is gone.
//!
//! It judges no link itself (that is `site::linkcheck`), talks to no search
//! library (`site::search`), and makes, writes and serves no file.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::timed;
use crate::model::language::Lang;
use crate::model::theme::{Engine, StaticFiles};
use crate::site::linkcheck::{self, BrokenLink, Findings, Read, Reader, Why};
use crate::site::search::{self, IndexedPage, Kept};
use crate::stages::link::LinkedEdition;
use crate::support::diagnostic::{
    Diagnostic, Diagnostics, Location, OutsideLink, Severity, SourceFile,
};
use crate::support::output::OutputFile;

/// Where one language's site of an edition writes what its link check can
/// find: each address its pages' text writes and each outside link, at
/// their place in the source; the templates and theme words files, which
/// write the rest; and the names of its static files, for hints.
#[derive(Debug, Clone)]
pub struct Written<'a> {
    /// The edition's name in messages: `model` or the authority's slug.
    edition: String,
    /// The site's folder in the edition (`""`, `cy/`).
    folder: String,
    /// The edition's published address, if it has one (its 404 page links
    /// to its own files by it).
    address: Option<String>,
    /// The language its search index reads words in.
    lang: Lang,
    /// What its pages' text writes.
    text: Text<'a>,
    /// The templates and theme words files the site is made with.
    templates: Vec<Arc<SourceFile>>,
    /// The names of the site's static files (under `assets/`).
    assets: Vec<String>,
    /// The paths in the edition of the search index files pages may refer to.
    index_paths: Vec<String>,
}

/// What a site's pages' text writes: read from its linked edition when a
/// report needs it (`build`, whose edition lives until its site is
/// checked, and is rarely asked), or kept (the preview's, checked after the
/// edition it was made from is gone).
#[derive(Debug, Clone)]
enum Text<'a> {
    Linked(&'a LinkedEdition<'a>),
    Kept {
        addresses: Addresses,
        outside: Vec<OutsideLink>,
    },
}

/// Each address a site's pages' text writes (by
/// [`crate::support::address::key`]), with each place that the link check
/// of the made pages is to report; an address the link stage checks itself
/// (see `link::Address::checked_here`) has none.
type Addresses = HashMap<String, Vec<Place>>;

/// One place an address is written: on which page, where in which of its
/// texts, and whether it is an image's.
#[derive(Debug, Clone)]
struct Place {
    /// The id of the page whose text writes it.
    page: String,
    /// Its byte range in the page's joined text.
    range: (usize, usize),
    /// Which text: `None` for the page's body, `Some(i)` for its i-th example.
    example: Option<usize>,
    image: bool,
    /// Where the range comes from in the source, when it is known.
    location: Option<Location>,
}

/// Where `linked`'s pages' text writes each address.
fn addresses_of(linked: &LinkedEdition) -> Addresses {
    let mut addresses = Addresses::new();
    for (key, places) in linked.addresses() {
        let kept = places.iter().filter(|(_, a)| !a.checked_here);
        let places = kept.map(|(page, address)| Place {
            page: page.page.id().to_string(),
            range: address.range(),
            example: address.example(),
            image: address.image,
            // Where `locate` points an error: found now, while the page's
            // text is there to map the range through.
            location: address
                .locate(page, Diagnostic::note("placed", ""))
                .location,
        });
        addresses.insert(key, places.collect());
    }
    addresses
}

impl<'a> Written<'a> {
    /// What `linked`, made with `engine`'s templates, the theme words files
    /// `strings` and the static files `statics`, writes.
    pub(super) fn of(
        linked: &'a LinkedEdition<'a>,
        engine: &Engine,
        statics: &StaticFiles,
        strings: &[Arc<SourceFile>],
    ) -> Self {
        let edition = &linked.edition;
        let folder = edition.folder();
        Self {
            edition: edition.slug.clone(),
            index_paths: search::fixed_paths()
                .into_iter()
                .map(|p| format!("{folder}{p}"))
                .collect(),
            folder,
            address: edition.top_address().map(str::to_string),
            lang: edition.lang.unwrap_or(Lang::En),
            text: Text::Linked(linked),
            templates: engine.sources().chain(strings).cloned().collect(),
            assets: statics.keys().cloned().collect(),
        }
    }

    /// The same, holding what the pages' text writes itself, so that it
    /// outlives the linked edition.
    pub(super) fn kept(self) -> Written<'static> {
        let text = match self.text {
            Text::Linked(linked) => Text::Kept {
                addresses: addresses_of(linked),
                outside: outside_of(linked).into_iter().cloned().collect(),
            },
            Text::Kept { addresses, outside } => Text::Kept { addresses, outside },
        };
        Written { text, ..self }
    }

    /// Reports what the link check of the site found: its problems, its
    /// broken links (see [`Written::report_broken`]) said as paths in the
    /// site, as its author sees them, and its outside links where the
    /// edition's text or templates write them.
    fn report(&self, found: Findings, diagnostics: &Diagnostics) {
        diagnostics.extend(found.problems);
        let folder = self.folder.as_str();
        let in_site = |path: &str| path.strip_prefix(folder).unwrap_or(path).to_string();
        let broken: Vec<BrokenLink> = found
            .broken
            .into_iter()
            .map(|mut link| {
                link.page = in_site(&link.page);
                if let Why::NoFile(path) = &link.why {
                    link.why = Why::NoFile(in_site(path));
                }
                link
            })
            .collect();
        if !broken.is_empty() {
            self.report_broken(&broken, diagnostics);
        }
        let outside = match &self.text {
            Text::Linked(linked) => outside_of(linked),
            Text::Kept { outside, .. } => outside.iter().collect(),
        };
        diagnostics.extend(linkcheck::outside_notes(
            found.outside,
            outside,
            &self.templates,
        ));
    }

    /// Reports the links of the site's pages that go nowhere: where a
    /// page's text writes the address, at that place in its source (once,
    /// however many pages show the text), and otherwise (a template's link)
    /// once for every page that has it.
    fn report_broken(&self, broken: &[BrokenLink], diagnostics: &Diagnostics) {
        let addresses = match &self.text {
            Text::Linked(linked) => Cow::Owned(addresses_of(linked)),
            Text::Kept { addresses, .. } => Cow::Borrowed(addresses),
        };
        let mut elsewhere: Vec<&BrokenLink> = Vec::new();
        // Each place is reported once, as its own page shows it: the print
        // view, which holds every page's text, only for what no page has.
        let mut reported = HashSet::new();
        let (in_print, in_pages): (Vec<_>, Vec<_>) = broken
            .iter()
            .partition(|link| link.page == crate::support::url::PRINT_FILE);
        for link in in_pages.into_iter().chain(in_print) {
            let key = crate::support::address::key(&link.url);
            let Some(places) = addresses.get(&key) else {
                elsewhere.push(link);
                continue;
            };
            for place in places {
                if reported.insert((place.page.as_str(), place.range, place.example)) {
                    let names = self.assets.iter().map(String::as_str);
                    let mut error = link.at_source(place.image, names);
                    error.location = place.location.clone();
                    diagnostics.push(error);
                }
            }
        }
        diagnostics.extend(linkcheck::in_output(&self.edition, &elsewhere));
    }
}

/// The outside links `linked`'s pages' text writes, with where.
fn outside_of<'l>(linked: &'l LinkedEdition) -> Vec<&'l OutsideLink> {
    linked
        .pages
        .iter()
        .flat_map(|p| p.outside_links.iter())
        .collect()
}

/// The checks of one made site: fed each file as it is made
/// ([`SiteCheck::read`]), then the links judged as a whole and reported
/// ([`SiteCheck::finish`]), and the search index made ([`SiteCheck::index`]).
pub(super) struct SiteCheck<'a> {
    written: &'a Written<'a>,
    reader: Reader<'a>,
}

impl<'a> SiteCheck<'a> {
    /// The checks of the site `written` tells of, whose files, with those
    /// of the edition's other sites, are at `paths` (from the edition's
    /// top); with `search`, its search index's files will be there too.
    pub(super) fn new(
        written: &'a Written<'a>,
        paths: impl IntoIterator<Item = &'a str>,
        search: bool,
    ) -> Self {
        let index = written.index_paths.iter().filter(|_| search);
        let paths = paths.into_iter().chain(index.map(String::as_str));
        Self {
            reader: Reader::new(&written.edition, paths, written.address.as_deref()),
            written,
        }
    }

    /// Reads one file of the site for the link check: `file` at its path
    /// in the edition (under the site's folder), so that its links to the
    /// other languages' sites (`../step-3.html`) lead somewhere.
    pub(super) fn read(&self, file: &OutputFile) -> Read {
        self.reader.read(file)
    }

    /// Judges the links of every file read and reports what was found
    /// where the edition writes it.
    pub(super) fn finish(&self, reads: Vec<Read>, diagnostics: &Diagnostics) {
        let edition = self.written.edition.as_str();
        let found = timed(edition, "link check", || self.reader.finish(reads));
        self.written.report(found, diagnostics);
    }

    /// The site's search index, made from what it reads of each page
    /// (`pages`, with their paths in the site) or taken from `kept`: its
    /// files, at their paths in the edition.
    pub(super) fn index(
        &self,
        pages: Vec<IndexedPage>,
        kept: &Kept,
    ) -> Result<Vec<OutputFile>, Diagnostic> {
        let written = self.written;
        let files = timed(&written.edition, "search index", || {
            search::index_pages(pages, written.lang.code(), kept)
        })?;
        Ok(files
            .into_iter()
            .map(|f| in_folder(&written.folder, f))
            .collect())
    }
}

/// `file` at its place under `folder` (`""`, `cy/`).
pub(super) fn in_folder(folder: &str, file: OutputFile) -> OutputFile {
    OutputFile {
        path: format!("{folder}{}", file.path),
        content: file.content,
    }
}

/// What [`check_made`] found of a made site.
#[derive(Debug)]
pub struct Checked {
    /// What would stop `build`, sorted, each where the edition writes it.
    pub errors: Vec<Diagnostic>,
    /// The new search index's files, when one was asked for, or why it
    /// could not be made.
    pub index: Option<Result<Vec<OutputFile>, Diagnostic>>,
}

/// Whether `path` (in an edition) is a file of one of its sites' search
/// indexes (`pagefind/…`, `cy/pagefind/…`).
pub fn in_search_index(path: &str) -> bool {
    let in_site = Lang::ALL
        .iter()
        .find_map(|l| path.strip_prefix(l.code())?.strip_prefix('/'))
        .unwrap_or(path);
    in_site.starts_with(&format!("{}/", search::INDEX_DIR))
}

/// The checks of a whole edition made beforehand (the preview's, in the
/// background after a save), one site at a time: `sites` tell of each of
/// its languages' sites, and `files` are every file of them all but their
/// search indexes, at their paths in the edition. With `index`, each
/// site's index is made again from its pages, or taken from there.
pub fn check_made(sites: &[Written], files: &[OutputFile], index: Option<&Kept>) -> Checked {
    let diagnostics = Diagnostics::new();
    let mut made: Option<Result<Vec<OutputFile>, Diagnostic>> = index.map(|_| Ok(Vec::new()));
    for written in sites {
        // A site's files are those in its folder but not in another's
        // folder inside it (the default language's holds the others').
        let others: Vec<&str> = sites
            .iter()
            .map(|w| w.folder.as_str())
            .filter(|f| f.len() > written.folder.len() && f.starts_with(&written.folder))
            .collect();
        let mine = |f: &&OutputFile| {
            f.path.starts_with(&written.folder) && !others.iter().any(|o| f.path.starts_with(o))
        };
        let check = SiteCheck::new(written, files.iter().map(|f| f.path.as_str()), true);
        let reads: Vec<Read> = files
            .par_iter()
            .filter(mine)
            .map(|f| check.read(f))
            .collect();
        check.finish(reads, &diagnostics);
        if let (Some(kept), Some(Ok(all))) = (index, made.as_mut()) {
            let pages = files
                .par_iter()
                .filter(mine)
                .filter_map(|f| search::indexed_page_in(f, &written.folder))
                .collect();
            match check.index(pages, kept) {
                Ok(files) => all.extend(files),
                Err(d) => made = Some(Err(d)),
            }
        }
    }
    let errors = diagnostics.into_sorted();
    Checked {
        errors: errors
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
        index: made,
    }
}
