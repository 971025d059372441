//! Machine-readable files of an edition: the sitemap (made only when the
//! edition's published address is known, since the sitemap protocol takes
//! absolute addresses only) and the Atom feed of changes, whose links are
//! relative to it.

use super::ChangeEntry;
use crate::model::language::Strings;
use crate::stages::analyses::governance;
use crate::stages::link::LinkedEdition;
use crate::support::characters::escape_html as escape;
use crate::support::url::file_of;

/// A sitemap of the edition's pages, each located under `address` (the
/// edition's published address, ending in `/`), as the sitemap protocol
/// requires.
pub fn sitemap(linked: &LinkedEdition, address: &str) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in &linked.pages {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(address));
        xml.push_str(&escape(&file_of(&linked.edition.home, p.page.id())));
        xml.push_str("</loc>");
        let date = governance::page_updated(&p.page, linked.edition.model.meta.date);
        xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The part of a change's entry id after its date, which stays the same
/// whatever changes are added before or after it (RFC 4287, 4.2.6: an
/// entry's id never changes): a fingerprint of the page it is about and
/// its note, with a count after it for the second of two changes alike
/// (`seen` counts them).
fn entry_key(change: &ChangeEntry, seen: &mut std::collections::HashMap<String, usize>) -> String {
    let mut f = crate::support::fingerprint::Fingerprint::default();
    f.text(&change.iso_date)
        .text(&change.href)
        .text(&change.note);
    let key = crate::support::fingerprint::hex(&f.finish())[..16].to_string();
    let n = seen.entry(key.clone()).or_insert(0);
    *n += 1;
    match *n {
        1 => key,
        n => format!("{key}-{n}"),
    }
}

/// The content of a release's entry: its note, then the pages it changed,
/// each linked, with its notes (the release's digest), as escaped HTML in
/// the words of `strings`.
fn release_content(change: &ChangeEntry, strings: &Strings) -> String {
    let mut html = format!("<p>{}</p>", escape(&change.note));
    html.push_str(&format!(
        "<p>{}</p><ul>",
        escape(strings.get("release_pages"))
    ));
    for page in &change.pages {
        html.push_str(&format!(
            "<li><a href=\"{}\">{}</a>",
            escape(&page.href),
            escape(&page.title)
        ));
        if page.new {
            html.push_str(&format!(" ({})", escape(strings.get("digest_new"))));
        }
        if !page.notes.is_empty() {
            html.push_str(&format!(": {}", escape(&page.notes.join("; "))));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    escape(&html)
}

/// An Atom feed of the edition's changes, newest first, headed "What's
/// changed" and the edition's name in the words of `strings` (its
/// language's). A release's entry holds the pages it changed (see
/// [`release_content`]). The feed of a site in another language has an id
/// of its own.
pub fn atom(linked: &LinkedEdition, strings: &Strings, changes: &[ChangeEntry]) -> String {
    let title = linked.edition.name();
    let heading = strings.get("changes_title");
    let slug = match linked.edition.lang {
        Some(lang) => format!("{}/{}", linked.edition.slug, lang.code()),
        None => linked.edition.slug.clone(),
    };
    let updated = changes.first().map_or_else(
        || linked.edition.model.meta.date.to_string(),
        |c| c.iso_date.clone(),
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "  <title>{}</title>\n",
        escape(&format!("{heading}: {title}"))
    ));
    xml.push_str(&format!(
        "  <id>tag:handbook,2009:{}/changes</id>\n",
        escape(&slug)
    ));
    xml.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    xml.push_str("  <link rel=\"alternate\" href=\"changes.html\"/>\n");
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(title)
    ));
    let mut seen = std::collections::HashMap::new();
    for change in changes {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(&change.title)));
        xml.push_str(&format!(
            "    <id>tag:handbook,2009:{}/changes/{}/{}</id>\n",
            escape(&slug),
            change.iso_date,
            entry_key(change, &mut seen)
        ));
        xml.push_str(&format!(
            "    <updated>{}T00:00:00Z</updated>\n",
            change.iso_date
        ));
        xml.push_str(&format!("    <link href=\"{}\"/>\n", escape(&change.href)));
        xml.push_str(&format!(
            "    <summary>{}</summary>\n",
            escape(&change.note)
        ));
        if !change.pages.is_empty() {
            xml.push_str(&format!(
                "    <content type=\"html\">{}</content>\n",
                release_content(change, strings)
            ));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}
