//! The contents list ("site navigation") of an edition, rendered once per
//! branch rather than once per page.
//!
//! Every page shows the top of the tree and the branch the reader is in:
//! a page's children are listed when it is the current page or one of its
//! ancestors, or when its whole branch is small (at most
//! [`OPEN_BRANCH_PAGES`] pages), so a small handbook shows everything and a
//! large one does not repeat thousands of links on every page. Pages whose
//! lists are the same (the pages of one folder) share one rendering; the
//! current page is marked by inserting `aria-current` at a recorded offset.
//! The HTML is what the theme's navigation block wrote item by item.

use crate::lock::Locked;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::escape;

/// Branches with at most this many pages are always shown open.
pub const OPEN_BRANCH_PAGES: usize = 10;

/// One entry of the contents list.
#[derive(Debug)]
pub struct Entry {
    /// Its link.
    pub href: String,
    /// Its title as the list shows it.
    pub title: String,
    /// How many parents it has.
    pub depth: usize,
    /// Index of its parent entry, which comes before it.
    pub parent: Option<usize>,
    /// The words before the title on a step page ("Step 3").
    pub step_label: Option<String>,
    /// The language of its title, when not the page's.
    pub lang: Option<&'static str>,
}

/// A rendered list and where each entry's `<a href="…"` ends, for marking
/// the current page.
#[derive(Debug)]
struct Rendered {
    html: String,
    /// The same, to share with output files.
    bytes: Arc<[u8]>,
    marks: HashMap<usize, usize>,
    fingerprint: [u8; 16],
}

/// The contents list of an edition.
#[derive(Debug)]
pub struct Nav {
    entries: Vec<Entry>,
    /// How many pages each entry's branch holds (itself excluded).
    branch: Vec<usize>,
    has_children: Vec<bool>,
    rendered: Mutex<HashMap<Option<usize>, Arc<Rendered>>>,
}

const CURRENT: &str = " aria-current=\"page\"";

static CURRENT_BYTES: std::sync::LazyLock<Arc<[u8]>> =
    std::sync::LazyLock::new(|| CURRENT.as_bytes().into());

impl Nav {
    /// A contents list of entries in reading order.
    pub fn new(entries: Vec<Entry>) -> Self {
        let mut branch = vec![0usize; entries.len()];
        let mut has_children = vec![false; entries.len()];
        for (i, entry) in entries.iter().enumerate().rev() {
            if let Some(p) = entry.parent.filter(|&p| p < i) {
                branch[p] += branch[i] + 1;
                has_children[p] = true;
            }
        }
        Self {
            entries,
            branch,
            has_children,
            rendered: Mutex::new(HashMap::new()),
        }
    }

    /// The list as page `current` (an entry index) shows it, or as the
    /// site's own pages show it when `None`.
    pub fn html_for(&self, current: Option<usize>) -> String {
        let rendered = self.rendered_for(self.open_for(current));
        let Some(at) = current.and_then(|i| rendered.marks.get(&i).copied()) else {
            return rendered.html.clone();
        };
        let mut html = String::with_capacity(rendered.html.len() + CURRENT.len());
        html.push_str(&rendered.html[..at]);
        html.push_str(CURRENT);
        html.push_str(&rendered.html[at..]);
        html
    }

    /// The list as [`Nav::html_for`] makes it, in pieces that the pages
    /// showing the same branches share.
    pub fn pieces_for(&self, current: Option<usize>) -> Vec<crate::output::Part> {
        let rendered = self.rendered_for(self.open_for(current));
        let whole = 0..rendered.bytes.len();
        match current.and_then(|i| rendered.marks.get(&i).copied()) {
            None => vec![crate::output::Part::shared(&rendered.bytes, whole)],
            Some(at) => vec![
                crate::output::Part::shared(&rendered.bytes, 0..at),
                crate::output::Part::shared(&CURRENT_BYTES, 0..CURRENT.len()),
                crate::output::Part::shared(&rendered.bytes, at..whole.end),
            ],
        }
    }

    /// The branch a page opens. Pages whose open branches are the same share
    /// a rendering: a page with children opens its own branch, other pages
    /// their parent's, and the site's own pages the top of the tree.
    fn open_for(&self, current: Option<usize>) -> Option<usize> {
        match current {
            Some(i) if self.has_children[i] => Some(i),
            Some(i) => self.entries[i].parent,
            None => (!self.entries.is_empty()).then_some(0),
        }
    }

    fn rendered_for(&self, open: Option<usize>) -> Arc<Rendered> {
        if let Some(found) = self.rendered.locked().get(&open) {
            return Arc::clone(found);
        }
        let made = Arc::new(self.render(open));
        self.rendered.locked().entry(open).or_insert(made).clone()
    }

    fn render(&self, open: Option<usize>) -> Rendered {
        let n = self.entries.len();
        let mut on_path = vec![false; n];
        let mut at = open;
        let mut hops = 0;
        while let Some(i) = at {
            if on_path[i] || hops > n {
                break;
            }
            on_path[i] = true;
            at = self.entries[i].parent;
            hops += 1;
        }
        let mut visible = vec![false; n];
        let mut html = String::new();
        let mut marks = HashMap::new();
        for (i, entry) in self.entries.iter().enumerate() {
            visible[i] = match entry.parent {
                None => true,
                Some(p) if p < i => {
                    visible[p] && (on_path[p] || self.branch[p] <= OPEN_BRANCH_PAGES)
                }
                Some(_) => false,
            };
            if !visible[i] {
                continue;
            }
            html.push_str("<li class=\"site-nav__item depth-");
            html.push_str(&entry.depth.to_string());
            html.push_str("\"><a href=\"");
            html.push_str(&escape(&entry.href));
            html.push('"');
            marks.insert(i, html.len());
            html.push('>');
            if let Some(label) = &entry.step_label {
                html.push_str("<span class=\"site-nav__step\">");
                html.push_str(&escape(label));
                html.push_str("</span> ");
            }
            match entry.lang {
                Some(lang) => {
                    html.push_str(&format!("<span lang=\"{lang}\">"));
                    html.push_str(&escape(&entry.title));
                    html.push_str("</span>");
                }
                None => html.push_str(&escape(&entry.title)),
            }
            html.push_str("</a></li>\n    ");
        }
        let mut f = crate::fingerprint::Fingerprint::default();
        f.text(&html);
        Rendered {
            bytes: html.as_bytes().into(),
            html,
            marks,
            fingerprint: f.finish(),
        }
    }

    /// A fingerprint of the list as page `current` shows it (see [`Nav::html_for`]).
    pub fn fingerprint_for(&self, current: Option<usize>) -> [u8; 16] {
        let rendered = self.rendered_for(self.open_for(current));
        let mut f = crate::fingerprint::Fingerprint::default();
        f.bytes(&rendered.fingerprint);
        let mark = current.and_then(|i| rendered.marks.get(&i).copied());
        f.number(mark.map_or(u64::MAX, |m| m as u64));
        f.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(href: &str, depth: usize, parent: Option<usize>) -> Entry {
        Entry {
            href: href.to_string(),
            title: href.to_string(),
            depth,
            step_label: None,
            lang: None,
            parent,
        }
    }

    #[test]
    fn small_branches_stay_open_and_large_ones_open_where_the_reader_is() {
        let mut entries = vec![entry("index.html", 0, None), entry("a.html", 1, Some(0))];
        for href in ["a1.html", "a2.html"] {
            entries.push(entry(href, 2, Some(1)));
        }
        entries.push(entry("b.html", 1, Some(0)));
        let b = entries.len() - 1;
        let big: Vec<String> = (0..=OPEN_BRANCH_PAGES)
            .map(|i| format!("b{i}.html"))
            .collect();
        for href in &big {
            entries.push(entry(href, 2, Some(b)));
        }
        let nav = Nav::new(entries);
        let home = nav.html_for(Some(0));
        assert!(home.contains("a1.html") && home.contains("b.html"));
        assert!(
            !home.contains("b0.html"),
            "a large branch is closed away from it"
        );
        assert!(home.contains("<a href=\"index.html\" aria-current=\"page\">"));
        let inside = nav.html_for(Some(b + 1));
        assert!(inside.contains("b0.html") && inside.contains("a2.html"));
        assert_eq!(inside.matches("aria-current").count(), 1);
        assert!(inside.contains("<a href=\"b0.html\" aria-current=\"page\">"));
        assert!(!nav.html_for(None).contains("aria-current"));
    }
}
