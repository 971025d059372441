//! Marking the council's text where it stands on an adapted page: each
//! override's text, each note and each removed section's notice is wrapped
//! in a region whose label, in words, names the council, says what it did
//! there and links to the override's entry on the differences page. The
//! label is real text, so it is read by screen readers and kept in print;
//! the border is only an aid. The line that ends a region is read out but
//! not shown (a reader who looks sees where the box ends), and neither
//! line is in the search index.
//!
//! The HTML writer puts a stand-in between top-level blocks wherever the
//! mark changes ([`Marker`]); after the page's HTML has been through the
//! sanitiser, [`dress`] puts the regions in their place. An author cannot
//! forge a region: the stand-in's character is taken out of what authors
//! write.

use pulldown_cmark::{CowStr, Event};

use crate::model::authority::MarkStyle;
use crate::model::language::Strings;
use crate::stages::link::LinkedText;
use crate::stages::overlay::{Mark, MarkKind};
use crate::support::characters::escape_html as escape;

/// The character stand-ins are made of; never left in published HTML.
const STAND_IN: char = '\u{E000}';

/// Places stand-ins where the mark of top-level blocks changes.
#[derive(Debug, Default)]
pub(super) struct Marker {
    depth: usize,
    open: Option<usize>,
}

impl Marker {
    /// Sees the next event, whose text starts at byte `at` of `text`, and
    /// pushes the stand-ins that go before it.
    pub fn see(&mut self, text: &LinkedText, event: &Event, at: usize, out: &mut Vec<Event<'_>>) {
        let starts_block = matches!(event, Event::Start(_) | Event::Rule) && self.depth == 0;
        match event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        if !starts_block || text.marks.is_empty() {
            return;
        }
        let now = text.mark_at(at).map(|(i, _)| i);
        if now != self.open {
            self.finish(out);
            if let Some(i) = now {
                out.push(Event::Html(CowStr::from(format!(
                    "{STAND_IN}open:{i}{STAND_IN}\n"
                ))));
            }
            self.open = now;
        }
    }

    /// Closes the region still open at the end of the text.
    pub fn finish(&mut self, out: &mut Vec<Event<'_>>) {
        if self.open.take().is_some() {
            out.push(Event::Html(CowStr::from(format!(
                "{STAND_IN}close{STAND_IN}\n"
            ))));
        }
    }
}

/// An author's event with the stand-in character taken out of its text.
pub(super) fn scrub(event: Event<'_>) -> Event<'_> {
    fn clean(t: CowStr<'_>) -> CowStr<'_> {
        if t.contains(STAND_IN) {
            CowStr::from(t.replace(STAND_IN, "\u{FFFD}"))
        } else {
            t
        }
    }
    match event {
        Event::Text(t) => Event::Text(clean(t)),
        Event::Html(t) => Event::Html(clean(t)),
        Event::InlineHtml(t) => Event::InlineHtml(clean(t)),
        Event::Code(t) => Event::Code(clean(t)),
        other => other,
    }
}

/// Sanitised HTML with each stand-in replaced by its region's opening or
/// closing tags.
pub(super) fn dress(html: String, text: &LinkedText, strings: &Strings) -> String {
    if !html.contains(STAND_IN) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 512);
    let mut closing = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find(STAND_IN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + STAND_IN.len_utf8()..];
        let Some(end) = after.find(STAND_IN) else {
            rest = after;
            continue;
        };
        let word = &after[..end];
        rest = after[end + STAND_IN.len_utf8()..].trim_start_matches('\n');
        if word == "close" {
            out.push_str(&std::mem::take(&mut closing));
            continue;
        }
        let mark = word
            .strip_prefix("open:")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| text.marks.get(i));
        if let Some((_, _, mark)) = mark {
            let (open, close) = region(mark, strings);
            out.push_str(&open);
            closing = close;
        }
    }
    out.push_str(rest);
    out
}

/// The opening and closing HTML of a marked region.
fn region(mark: &Mark, strings: &Strings) -> (String, String) {
    let council = mark.council.as_str();
    let updated = mark
        .updated
        .map(|d| strings.fill("mark_updated", &[("date", &strings.long_date(d))]))
        .unwrap_or_default();
    let (class, kind) = match mark.kind {
        MarkKind::Local => ("hb-local", "local"),
        MarkKind::Note => ("hb-local hb-note", "note"),
        MarkKind::Removed => ("hb-local hb-removed", "removed"),
    };
    let values = [("council", council), ("updated", updated.as_str())];
    let label = escape(&strings.fill(&format!("mark_{kind}_label"), &values));
    let link = escape(strings.get(&format!("mark_{kind}_link")));
    let end = escape(&strings.fill(&format!("mark_{kind}_end"), &values));
    let quiet = if mark.style == MarkStyle::Quiet {
        " hb-quiet"
    } else {
        ""
    };
    let open = format!(
        "<div class=\"{class}{quiet}\">\n<p class=\"hb-local-label\" data-pagefind-ignore><strong>{label}</strong> <a href=\"differences.html#{}\">{link}</a></p>\n",
        escape(&mark.anchor)
    );
    (
        open,
        format!(
            "<p class=\"hb-local-end visually-hidden\" data-pagefind-ignore>{end}</p>\n</div>\n"
        ),
    )
}
