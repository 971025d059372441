//! The credits page's list of every change the editors made to In Control's
//! text: from the markings in the model's pages (`crate::stages::analyses::editorial_marks`) and
//! the notes in `handbook.yaml` (`editorial_changes`), in reading order,
//! each linked to where it is in this edition when it is still there.
//!
//! It gathers values only; `page.html` shows them on the credits page.

use serde::Serialize;

use std::sync::Arc;

use rayon::prelude::*;

use super::Key;
use crate::model::page::Page;
use crate::stages::analyses::editorial_marks::{self, EditorialKind, Found};
use crate::stages::link::{LinkedEdition, LinkedPage, Resolved};
use crate::stages::overlay::Origin;
use crate::support::fingerprint::Fingerprint;
use crate::support::url::file_of;

/// One group of the list: changes of one kind.
#[derive(Debug, Clone, Serialize)]
pub(super) struct EditorialGroup {
    /// The group's heading.
    pub title: &'static str,
    /// Its changes, in reading order.
    pub items: Vec<EditorialItem>,
}

/// One editorial change as the credits page lists it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct EditorialItem {
    /// The title of the page it is on.
    pub page_title: String,
    /// Where it is in this edition, if it is still there.
    pub href: Option<String>,
    /// What the editors added or changed, in words.
    pub words: String,
}

/// Each model page this edition shows (with its model source), and the
/// editorial changes marked in it.
fn marked<'l>(
    linked: &'l LinkedEdition,
    found_in: &(dyn Fn(&Page) -> Arc<Vec<Found>> + Sync),
) -> Vec<(&'l LinkedPage<'l>, &'l Page, Arc<Vec<Found>>)> {
    let model = linked.edition.model;
    linked
        .pages
        .par_iter()
        .filter(|p| p.page.origin != Origin::Local)
        .filter_map(|p| {
            let source = model.pages.get(p.page.id())?;
            Some((p, source, found_in(source)))
        })
        .collect()
}

/// The id of the section an added heading starts, if it is one.
fn heading_section<'p>(source: &'p Page, found: &Found) -> Option<&'p str> {
    if found.kind != EditorialKind::Heading {
        return None;
    }
    let at = source.body_start + found.at;
    source
        .sections
        .iter()
        .find(|s| s.start == at)
        .map(|s| s.id.as_str())
}

/// A fingerprint of everything [`editorial_changes`] reads, worked out
/// without making the list (so a save that leaves the editors' markings as
/// they were does not make the credits page again): the edition's home,
/// each model page's part (`part_of`, which is [`page_part`] or what a memo
/// kept of it) and the notes in `handbook.yaml`.
pub(super) fn editorial_key(
    linked: &LinkedEdition,
    part_of: &(dyn Fn(&LinkedPage, &Page) -> Key + Sync),
) -> Key {
    let model = linked.edition.model;
    let parts: Vec<Key> = linked
        .pages
        .par_iter()
        .filter(|p| p.page.origin != Origin::Local)
        .filter_map(|p| Some(part_of(p, model.pages.get(p.page.id())?)))
        .collect();
    let mut f = Fingerprint::default();
    f.text(&linked.edition.home);
    for part in &parts {
        f.bytes(part);
    }
    for n in &model.meta.editorial_changes {
        f.text(&n.page).text(&n.note);
        f.text(linked.page(&n.page).map_or("\0", |p| p.title.as_str()));
    }
    f.finish()
}

/// What the list reads of one model page `p` whose source is `source`
/// and whose markings are `marks`: its id, title and section ids, its
/// markings' kinds, words and targets, where those targets lead and their
/// titles.
pub(super) fn page_part(
    linked: &LinkedEdition,
    p: &LinkedPage,
    source: &Page,
    marks: &[Found],
) -> Key {
    let mut f = Fingerprint::default();
    f.text(p.page.id()).text(&p.title);
    for s in p.sections.iter() {
        f.text(&s.id);
    }
    for found in marks {
        f.number(found.kind as u64).text(&found.text);
        f.text(heading_section(source, found).unwrap_or("\0"));
        let Some(target) = &found.target else {
            continue;
        };
        f.text(target);
        match p.links.get(target) {
            Some(Resolved::Page { page, section }) => {
                f.text(page).text(section.as_deref().unwrap_or("\0"));
                if let Some(t) = linked.page(page) {
                    f.text(&t.title);
                    let title = section
                        .as_ref()
                        .and_then(|s| t.sections.iter().find(|x| &x.id == s));
                    f.text(title.map_or("\0", |x| x.title.as_str()));
                }
            }
            _ => {
                f.text("\0elsewhere");
            }
        }
    }
    f.finish()
}

/// Items of one kind, each with how many times its words stand on its page.
type Counted = Vec<(EditorialItem, usize)>;

/// Every editorial change to the model's text that this edition shows,
/// grouped by kind; empty when the model marks none. `found_in` gives the
/// changes marked in one model page (`editorial_marks::in_text` of its body, or
/// what a memo kept of it); it is asked for every model page, in parallel.
pub(super) fn editorial_changes(
    linked: &LinkedEdition,
    found_in: &(dyn Fn(&Page) -> Arc<Vec<Found>> + Sync),
) -> Vec<EditorialGroup> {
    let mut groups: [(EditorialKind, &str, Counted); 4] = [
        (EditorialKind::Heading, "Headings added", Vec::new()),
        (EditorialKind::Passage, "Passages added", Vec::new()),
        (
            EditorialKind::Note,
            "Notes added to In Control's text",
            Vec::new(),
        ),
        (
            EditorialKind::Link,
            "Links made from In Control's words",
            Vec::new(),
        ),
    ];
    let model = linked.edition.model;
    // Where each (kind, page, words) already stands in its group's list, so
    // a repeat is counted without searching the list.
    let mut seen: std::collections::HashMap<(EditorialKind, String, String), usize> =
        Default::default();
    for (p, source, marks) in marked(linked, found_in) {
        for found in marks.iter() {
            let section = heading_section(source, found);
            let item = EditorialItem {
                page_title: p.title.clone(),
                href: href(linked, p, section),
                words: words(linked, p, found),
            };
            let Some((_, _, items)) = groups.iter_mut().find(|(k, _, _)| *k == found.kind) else {
                continue;
            };
            // The same words again on one page: counted, not repeated.
            let at = (found.kind, item.page_title.clone(), item.words.clone());
            match seen.get(&at) {
                Some(&i) => items[i].1 += 1,
                None => {
                    seen.insert(at, items.len());
                    items.push((item, 1));
                }
            }
        }
    }
    let mut list: Vec<EditorialGroup> = groups
        .into_iter()
        .filter(|(_, _, items)| !items.is_empty())
        .map(|(_, title, items)| EditorialGroup {
            title,
            items: items
                .into_iter()
                .map(|(mut item, times)| {
                    if times > 1 {
                        item.words = format!("{} ({times} times)", item.words);
                    }
                    item
                })
                .collect(),
        })
        .collect();
    let notes: Vec<EditorialItem> = model
        .meta
        .editorial_changes
        .iter()
        .map(|n| {
            let page = linked.page(&n.page);
            EditorialItem {
                page_title: page.map_or_else(|| n.page.clone(), |p| p.title.clone()),
                href: page.and_then(|p| href(linked, p, None)),
                words: n.note.clone(),
            }
        })
        .collect();
    if !notes.is_empty() {
        list.push(EditorialGroup {
            title: "Other changes",
            items: notes,
        });
    }
    list
}

/// The link to a page, and to one of its sections when this edition still
/// has it.
fn href(linked: &LinkedEdition, p: &LinkedPage, section: Option<&str>) -> Option<String> {
    let page = file_of(&linked.edition.home, p.page.id());
    Some(match section {
        Some(s) if p.sections.iter().any(|x| x.id == s) => format!("{page}#{s}"),
        _ => page,
    })
}

/// A change in words: the words quoted, and for a link where it goes.
fn words(linked: &LinkedEdition, p: &LinkedPage, found: &editorial_marks::Found) -> String {
    let quoted = format!("“{}”", found.text);
    let Some(target) = &found.target else {
        return quoted;
    };
    let title = match p.links.get(target) {
        Some(Resolved::Page {
            page,
            section: Some(s),
        }) => linked.page(page).map(|t| {
            let section = t.sections.iter().find(|x| &x.id == s);
            match section {
                Some(x) => format!("{}: {}", t.title, x.title),
                None => t.title.clone(),
            }
        }),
        Some(Resolved::Page {
            page,
            section: None,
        }) => linked.page(page).map(|t| t.title.clone()),
        _ => None,
    };
    match title {
        Some(title) => format!("{quoted}, now a link to {title}"),
        None => format!("{quoted}, a link to {target} (not in this edition)"),
    }
}
