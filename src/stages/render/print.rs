//! Putting together the print view, which holds every page of an edition.
//!
//! Its template is rendered with a stand-in for each page's HTML, which is
//! then put in its place, so the whole handbook's HTML is not copied
//! through the template engine (at 10,000 pages it is tens of megabytes).

use std::sync::Arc;

use serde::Serialize;

use super::context::ExampleContext;

/// One page as the print view's template sees it.
#[derive(Debug, Serialize)]
pub(super) struct PrintPage<'a> {
    pub id: String,
    pub title: String,
    pub html: String,
    pub examples: &'a [ExampleContext],
    /// The language of the title, when not the page's.
    pub lang: Option<&'static str>,
}

/// What stands in the print view's template for the HTML of page `i`:
/// text no page can contain, which escaping would change.
pub(super) fn stand_in(i: usize) -> String {
    format!("\u{1}hb&print:{i}\u{1}")
}

/// A page's HTML with every heading one level down (`h2` becomes `h3`,
/// `h6` stays `h6`), so that in the print view, where each page's title is
/// an `h2`, the page's sections sit under it.
pub(super) fn nest_headings(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<") {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        let name_at = if tag.starts_with("</") { 2 } else { 1 };
        let bytes = tag.as_bytes();
        let is_heading = bytes.get(name_at) == Some(&b'h')
            && bytes
                .get(name_at + 1)
                .is_some_and(|d| (b'1'..=b'6').contains(d))
            && bytes
                .get(name_at + 2)
                .is_some_and(|c| *c == b'>' || c.is_ascii_whitespace());
        if is_heading {
            let level = (bytes[name_at + 1] - b'0' + 1).min(6);
            out.push_str(&tag[..name_at + 1]);
            out.push(char::from(b'0' + level));
            rest = &tag[name_at + 2..];
        } else {
            out.push('<');
            rest = &tag[1..];
        }
    }
    out.push_str(rest);
    out
}

/// How many pages' HTML is made at a time (in parallel) while the print
/// view is filled: enough to keep every thread busy, few enough that the
/// pages' HTML is not all held beside the print view.
pub(super) const RUN: usize = 256;

/// The print view from its template's output with stand-ins, each stand-in
/// replaced by its page's HTML; `None` unless every stand-in is there once,
/// in order. `htmls` makes the HTML of a run of pages (`RUN` at most, by
/// index), in order; each run is copied in and dropped before the next is
/// made. `size` is about how long the pages' HTML is in all (bytes).
pub(super) fn fill(
    skeleton: &[u8],
    pages: usize,
    size: usize,
    htmls: &dyn Fn(std::ops::Range<usize>) -> Vec<Arc<String>>,
) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(skeleton.len() + size);
    let mut rest = skeleton;
    for start in (0..pages).step_by(RUN) {
        let run = start..(start + RUN).min(pages);
        for (i, html) in run.clone().zip(htmls(run)) {
            let stand_in = stand_in(i);
            let at = memchr::memmem::find(rest, stand_in.as_bytes())?;
            if rest[..at].contains(&1) {
                return None;
            }
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(html.as_bytes());
            rest = &rest[at + stand_in.len()..];
        }
    }
    if rest.contains(&1) {
        return None;
    }
    out.extend_from_slice(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pages_sections_sit_under_its_title_in_the_print_view() {
        let html = "<h2 id=\"a\">A</h2>\n<p>x <hr> <h3>B</h3><h6>C</h6></p><header></header>";
        assert_eq!(
            nest_headings(html),
            "<h3 id=\"a\">A</h3>\n<p>x <hr> <h4>B</h4><h6>C</h6></p><header></header>"
        );
    }

    #[test]
    fn the_print_view_is_filled_in_only_when_each_stand_in_is_there_once() {
        let htmls = |run: std::ops::Range<usize>| -> Vec<Arc<String>> {
            run.map(|i| Arc::new(format!("<p>{i}</p>"))).collect()
        };
        let skeleton = format!("<main>{}|{}</main>", stand_in(0), stand_in(1));
        assert_eq!(
            fill(skeleton.as_bytes(), 2, 0, &htmls).unwrap(),
            b"<main><p>0</p>|<p>1</p></main>"
        );
        let twice = format!("{0}{0}{1}", stand_in(0), stand_in(1));
        assert!(fill(twice.as_bytes(), 2, 0, &htmls).is_none());
        let missing = stand_in(0);
        assert!(fill(missing.as_bytes(), 2, 0, &htmls).is_none());
    }
}
