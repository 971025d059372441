//! What the link check of a made site found, reported where the edition's
//! text or templates write each link: a broken link at its place in a
//! page's source, an outside link where it is written.
//!
//! It judges nothing itself (the link check is `site::linkcheck`) and
//! makes no page.

use std::sync::Arc;

use crate::model::theme::{Engine, StaticFiles};
use crate::stages::link;
use crate::support::diagnostic::{Diagnostics, SourceFile};

/// Reports what the link check of a site found: its problems, its broken
/// links (see [`report_broken_links`]) said as paths in the site, as its
/// author sees them, and its outside links where the edition's text or
/// templates write them.
pub(super) fn report_findings(
    (linked, folder, strings): (&link::LinkedEdition, &str, &[Arc<SourceFile>]),
    found: crate::site::linkcheck::Findings,
    statics: &StaticFiles,
    engine: &Engine,
    diagnostics: &Diagnostics,
) {
    diagnostics.extend(found.problems);
    let in_site = |path: &str| path.strip_prefix(folder).unwrap_or(path).to_string();
    let broken: Vec<crate::site::linkcheck::BrokenLink> = found
        .broken
        .into_iter()
        .map(|mut link| {
            link.page = in_site(&link.page);
            if let crate::site::linkcheck::Why::NoFile(path) = &link.why {
                link.why = crate::site::linkcheck::Why::NoFile(in_site(path));
            }
            link
        })
        .collect();
    report_broken_links(linked, statics, &broken, diagnostics);
    let written = linked.pages.iter().flat_map(|p| p.outside_links.iter());
    diagnostics.extend(crate::site::linkcheck::outside_notes(
        found.outside,
        written,
        engine.sources().chain(strings),
    ));
}

/// Reports the links of an edition's pages that go nowhere: where a page's
/// text writes the address, at that place in its source (once, however many
/// pages show the text), and otherwise (a template's link) once for every
/// page that has it. An address the link stage checks itself is left out
/// (see `link::Address::checked_here`).
fn report_broken_links(
    linked: &link::LinkedEdition,
    statics: &StaticFiles,
    broken: &[crate::site::linkcheck::BrokenLink],
    diagnostics: &Diagnostics,
) {
    if broken.is_empty() {
        return;
    }
    let written = linked.addresses();
    let mut elsewhere: Vec<&crate::site::linkcheck::BrokenLink> = Vec::new();
    // Each place is reported once, as its own page shows it: the print
    // view, which holds every page's text, only for what no page has.
    let mut reported = std::collections::HashSet::new();
    let (in_print, in_pages): (Vec<_>, Vec<_>) = broken
        .iter()
        .partition(|link| link.page == crate::support::url::PRINT_FILE);
    for link in in_pages.into_iter().chain(in_print) {
        let Some(places) = written.get(&crate::support::address::key(&link.url)) else {
            elsewhere.push(link);
            continue;
        };
        for (page, address) in places.iter().filter(|(_, a)| !a.checked_here) {
            if reported.insert((page.page.id(), address.range(), address.example())) {
                let names = statics.keys().map(String::as_str);
                diagnostics.push(address.locate(page, link.at_source(address.image, names)));
            }
        }
    }
    diagnostics.extend(crate::site::linkcheck::in_output(
        &linked.edition.slug,
        &elsewhere,
    ));
}
