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
//!
//! In a large folder (more than [`LARGE_FOLDER`] pages) a page shows its
//! neighbourhood, the run of [`NEIGHBOURHOOD`] pages it is in, and a link to
//! the folder's own page, not every page of the folder (issue 31); the pages
//! of one run share a rendering.

use crate::support::lock::Locked;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::support::characters::escape_html as escape;

/// Branches with at most this many pages are always shown open.
pub const OPEN_BRANCH_PAGES: usize = 10;

/// A folder with more pages than this shows each page its neighbourhood.
pub const LARGE_FOLDER: usize = 30;

/// How many pages of a large folder a page of it lists: the run it is in.
pub const NEIGHBOURHOOD: usize = 10;

/// What a rendering shows: the branch it opens, and in a large folder
/// (by its entry) the run of its pages shown.
type View = (Option<usize>, Option<(usize, usize)>);

/// One entry of the contents list.
#[derive(Debug)]
pub struct ContentsEntry {
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
    entries: Vec<ContentsEntry>,
    /// How many pages each entry's branch holds (itself excluded).
    branch: Vec<usize>,
    has_children: Vec<bool>,
    /// Each entry's place among its parent's children, and how many
    /// children each entry has.
    position: Vec<usize>,
    children: Vec<usize>,
    /// The link to a large folder's own page: `{count}` and `{title}`.
    whole_folder: String,
    rendered: Mutex<HashMap<View, Arc<Rendered>>>,
}

const CURRENT: &str = " aria-current=\"page\"";

static CURRENT_BYTES: std::sync::LazyLock<Arc<[u8]>> =
    std::sync::LazyLock::new(|| CURRENT.as_bytes().into());

impl Nav {
    /// A contents list of entries in reading order; `whole_folder` words
    /// the link to a large folder's page (`{count}` pages, `{title}`).
    pub fn new(entries: Vec<ContentsEntry>, whole_folder: &str) -> Self {
        let mut branch = vec![0usize; entries.len()];
        let mut has_children = vec![false; entries.len()];
        for (i, entry) in entries.iter().enumerate().rev() {
            if let Some(p) = entry.parent.filter(|&p| p < i) {
                branch[p] += branch[i] + 1;
                has_children[p] = true;
            }
        }
        let mut position = vec![0usize; entries.len()];
        let mut children = vec![0usize; entries.len()];
        for (i, entry) in entries.iter().enumerate() {
            if let Some(p) = entry.parent.filter(|&p| p < i) {
                position[i] = children[p];
                children[p] += 1;
            }
        }
        Self {
            entries,
            branch,
            has_children,
            position,
            children,
            whole_folder: whole_folder.to_string(),
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
    pub fn pieces_for(&self, current: Option<usize>) -> Vec<crate::support::output::Part> {
        let rendered = self.rendered_for(self.open_for(current));
        let whole = 0..rendered.bytes.len();
        match current.and_then(|i| rendered.marks.get(&i).copied()) {
            None => vec![crate::support::output::Part::shared(&rendered.bytes, whole)],
            Some(at) => vec![
                crate::support::output::Part::shared(&rendered.bytes, 0..at),
                crate::support::output::Part::shared(&CURRENT_BYTES, 0..CURRENT.len()),
                crate::support::output::Part::shared(&rendered.bytes, at..whole.end),
            ],
        }
    }

    /// The branch a page opens. Pages whose open branches are the same share
    /// a rendering: a page with children opens its own branch, other pages
    /// their parent's, and the site's own pages the top of the tree.
    /// In a large folder, a page without pages under it shows only its run.
    fn open_for(&self, current: Option<usize>) -> View {
        match current {
            Some(i) if self.has_children[i] => (Some(i), None),
            Some(i) => {
                let parent = self.entries[i].parent;
                let run = parent
                    .filter(|&p| p < i && self.children[p] > LARGE_FOLDER)
                    .map(|p| (p, self.position[i] / NEIGHBOURHOOD));
                (parent, run)
            }
            None => ((!self.entries.is_empty()).then_some(0), None),
        }
    }

    fn rendered_for(&self, open: View) -> Arc<Rendered> {
        if let Some(found) = self.rendered.locked().get(&open) {
            return Arc::clone(found);
        }
        let made = Arc::new(self.render(open));
        self.rendered.locked().entry(open).or_insert(made).clone()
    }

    fn render(&self, (open, run): View) -> Rendered {
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
            let in_run = |p: usize| match run {
                Some((folder, r)) if folder == p => self.position[i] / NEIGHBOURHOOD == r,
                _ => true,
            };
            visible[i] = match entry.parent {
                None => true,
                Some(p) if p < i => {
                    visible[p] && (on_path[p] || self.branch[p] <= OPEN_BRANCH_PAGES) && in_run(p)
                }
                Some(_) => false,
            };
            if !visible[i] {
                continue;
            }
            if let Some((folder, r)) = run {
                let last = ((r + 1) * NEIGHBOURHOOD).min(self.children[folder]) - 1;
                if entry.parent == Some(folder) && self.position[i] == last {
                    self.push_entry(&mut html, &mut marks, i);
                    self.push_whole_folder(&mut html, folder);
                    continue;
                }
            }
            self.push_entry(&mut html, &mut marks, i);
        }
        let mut f = crate::support::fingerprint::Fingerprint::default();
        f.text(&html);
        Rendered {
            bytes: html.as_bytes().into(),
            html,
            marks,
            fingerprint: f.finish(),
        }
    }

    /// The link after a large folder's run to the folder's own page.
    fn push_whole_folder(&self, html: &mut String, folder: usize) {
        let entry = &self.entries[folder];
        let words = self
            .whole_folder
            .replace("{count}", &self.children[folder].to_string())
            .replace("{title}", &entry.title);
        html.push_str("<li class=\"site-nav__item site-nav__whole depth-");
        html.push_str(&(entry.depth + 1).to_string());
        html.push_str("\"><a href=\"");
        html.push_str(&escape(&entry.href));
        html.push_str("\">");
        html.push_str(&escape(&words));
        html.push_str("</a></li>\n    ");
    }

    /// One entry's item, recording where its link's tag ends.
    fn push_entry(&self, html: &mut String, marks: &mut HashMap<usize, usize>, i: usize) {
        let entry = &self.entries[i];
        {
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
    }

    /// A fingerprint of the list as page `current` shows it (see [`Nav::html_for`]).
    pub fn fingerprint_for(&self, current: Option<usize>) -> [u8; 16] {
        let rendered = self.rendered_for(self.open_for(current));
        let mut f = crate::support::fingerprint::Fingerprint::default();
        f.bytes(&rendered.fingerprint);
        let mark = current.and_then(|i| rendered.marks.get(&i).copied());
        f.number(mark.map_or(u64::MAX, |m| m as u64));
        f.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(href: &str, depth: usize, parent: Option<usize>) -> ContentsEntry {
        ContentsEntry {
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
        let nav = Nav::new(entries, "All {count} pages of {title}");
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

    #[test]
    fn a_page_of_a_large_folder_lists_its_neighbourhood_and_links_to_the_folder() {
        let mut entries = vec![
            entry("index.html", 0, None),
            entry("folder.html", 1, Some(0)),
        ];
        for n in 0..45 {
            entries.push(entry(&format!("p{n}.html"), 2, Some(1)));
        }
        entries.push(entry("after.html", 1, Some(0)));
        let nav = Nav::new(entries, "All {count} pages of {title}");
        // Page 13 (entry 15) is in the run of pages 10 to 19.
        let html = nav.html_for(Some(15));
        for n in 10..20 {
            assert!(html.contains(&format!("\"p{n}.html\"")), "p{n}: {html}");
        }
        assert!(!html.contains("\"p9.html\"") && !html.contains("\"p20.html\""));
        assert!(html.contains("<a href=\"p13.html\" aria-current=\"page\">"));
        assert!(html.contains("<a href=\"folder.html\">All 45 pages of folder.html</a>"));
        assert!(html.contains("after.html"), "the rest of the tree stays");
        // The last run is short; the folder's own page lists every page.
        let last = nav.html_for(Some(2 + 44));
        assert!(last.contains("\"p40.html\"") && last.contains("\"p44.html\""));
        assert!(last.contains("All 45 pages"));
        let folder = nav.html_for(Some(1));
        assert!(folder.contains("\"p0.html\"") && folder.contains("\"p44.html\""));
        assert!(!folder.contains("All 45 pages"));
        // Pages of one run share a rendering.
        assert_eq!(nav.open_for(Some(12)), nav.open_for(Some(14)));
        assert_ne!(nav.open_for(Some(12)), nav.open_for(Some(22)));
    }
}
