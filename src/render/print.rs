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

/// The print view from its template's output with stand-ins, each stand-in
/// replaced by its page's HTML; `None` unless every stand-in is there once,
/// in order.
pub(super) fn fill(skeleton: &[u8], htmls: &[Arc<String>]) -> Option<Vec<u8>> {
    let total: usize = htmls.iter().map(|h| h.len()).sum();
    let mut out = Vec::with_capacity(skeleton.len() + total);
    let mut rest = skeleton;
    for (i, html) in htmls.iter().enumerate() {
        let stand_in = stand_in(i);
        let at = memchr::memmem::find(rest, stand_in.as_bytes())?;
        if rest[..at].contains(&1) {
            return None;
        }
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(html.as_bytes());
        rest = &rest[at + stand_in.len()..];
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
    fn the_print_view_is_filled_in_only_when_each_stand_in_is_there_once() {
        let htmls = vec![
            Arc::new("<p>one</p>".to_string()),
            Arc::new("<p>two</p>".to_string()),
        ];
        let skeleton = format!("<main>{}|{}</main>", stand_in(0), stand_in(1));
        assert_eq!(
            fill(skeleton.as_bytes(), &htmls).unwrap(),
            b"<main><p>one</p>|<p>two</p></main>"
        );
        let twice = format!("{0}{0}{1}", stand_in(0), stand_in(1));
        assert!(fill(twice.as_bytes(), &htmls).is_none());
        let missing = stand_in(0);
        assert!(fill(missing.as_bytes(), &htmls).is_none());
    }
}
