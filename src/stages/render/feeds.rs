//! Machine-readable files of an edition: the sitemap (made only when the
//! edition's published address is known, since the sitemap protocol takes
//! absolute addresses only) and the Atom feed of changes, whose links are
//! relative to it.

use super::ChangeEntry;
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

/// An Atom feed of the edition's changes, newest first, headed `heading`
/// ("What's changed" in the edition's language) and the edition's name
/// `title`. The feed of a site in another language has an id of its own.
pub fn atom(linked: &LinkedEdition, title: &str, heading: &str, changes: &[ChangeEntry]) -> String {
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
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}
