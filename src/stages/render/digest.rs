//! The digest of what changed for staff since a release (issue 36,
//! `handbook digest SLUG --since V`): each page whose text changed, with
//! the notes of why and a link, as an email-ready HTML file and as plain
//! text.
//!
//! The HTML is one file a council's own mailer can send: its styles are
//! inline (mail programs drop style sheets), it loads nothing from anywhere,
//! and it is a valid, accessible document (a language, a title, headings
//! and a list; links that name their page). It gathers nothing itself: the
//! pipeline works out what changed ([`Digest`]); the words are the theme's.

use crate::model::language::Strings;
use crate::support::characters::escape_html as escape;

/// How a page changed since the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageChange {
    /// The release did not have it.
    New,
    /// Its text changed.
    Changed,
    /// The release had it; the edition no longer does.
    Removed,
}

/// One page of a digest.
#[derive(Debug, Clone)]
pub struct DigestPage {
    /// Its title (the release's, for a removed page).
    pub title: String,
    /// Its web address, when the edition has one (none for a removed page).
    pub url: Option<String>,
    /// Its file in the edition, named when there is no address.
    pub file: String,
    /// How it changed.
    pub change: PageChange,
    /// The notes of what changed on it since the release, oldest first.
    pub notes: Vec<String>,
}

/// A release published after the one a digest starts from.
#[derive(Debug, Clone)]
pub struct LaterRelease {
    /// Its version.
    pub version: String,
    /// The day it came into force, as readers see it.
    pub date: String,
    /// Its note.
    pub note: String,
}

/// What changed in an edition since a release, as the pipeline found it.
#[derive(Debug, Clone)]
pub struct Digest {
    /// The edition's name.
    pub name: String,
    /// The release it starts from, and the day it came into force.
    pub since: String,
    /// That day, as readers see it.
    pub since_date: String,
    /// The day the digest was made, as readers see it.
    pub made: String,
    /// The edition's published address, ending in `/`, if it has one.
    pub address: Option<String>,
    /// Releases published since, oldest first.
    pub releases: Vec<LaterRelease>,
    /// The edition-wide notes since (`changes:` in `authority.yaml`).
    pub edition_notes: Vec<String>,
    /// The pages that changed, in reading order, removed pages last.
    pub pages: Vec<DigestPage>,
}

const BODY: &str = "margin:0;padding:16px;background:#ffffff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5";
const H1: &str = "font-size:24px;line-height:1.25;margin:0 0 16px";
const H2: &str = "font-size:19px;line-height:1.3;margin:24px 0 8px";
const P: &str = "margin:0 0 16px";
const LIST: &str = "margin:0 0 16px;padding-left:20px";
const ITEM: &str = "margin:0 0 8px";
const LINK: &str = "color:#1d4f91;text-decoration:underline";
const TAG: &str = "font-weight:bold";

impl Digest {
    /// The digest's title, in the words of `strings`.
    pub fn title(&self, strings: &Strings) -> String {
        strings.fill(
            "digest_title",
            &[("name", &self.name), ("version", &self.since)],
        )
    }

    fn lead(&self, strings: &Strings) -> String {
        strings.fill(
            "digest_lead",
            &[
                ("version", &self.since),
                ("date", &self.since_date),
                ("made", &self.made),
            ],
        )
    }
}

fn change_word(change: PageChange, strings: &Strings) -> &str {
    strings.get(match change {
        PageChange::New => "digest_new",
        PageChange::Changed => "digest_changed",
        PageChange::Removed => "digest_removed",
    })
}

fn notes_of(page: &DigestPage, strings: &Strings) -> String {
    if page.notes.is_empty() {
        strings.get("digest_no_note").to_string()
    } else {
        page.notes.join(" ")
    }
}

/// The digest as an email-ready HTML file in the language `lang` (`en-GB`).
pub fn html(digest: &Digest, strings: &Strings, lang: &str) -> String {
    let title = escape(&digest.title(strings));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n</head>\n<body style=\"{BODY}\">\n<main>\n<h1 style=\"{H1}\">{title}</h1>\n<p style=\"{P}\">{}</p>\n",
        escape(&digest.lead(strings))
    );
    if !digest.releases.is_empty() {
        out.push_str(&format!(
            "<h2 style=\"{H2}\">{}</h2>\n<ul style=\"{LIST}\">\n",
            escape(strings.get("digest_releases"))
        ));
        for r in &digest.releases {
            let version = strings.fill("version", &[("version", &r.version)]);
            out.push_str(&format!(
                "<li style=\"{ITEM}\"><span style=\"{TAG}\">{}</span> ({}): {}</li>\n",
                escape(&version),
                escape(&r.date),
                escape(&r.note)
            ));
        }
        out.push_str("</ul>\n");
    }
    out.push_str(&format!(
        "<h2 style=\"{H2}\">{}</h2>\n",
        escape(strings.get("digest_pages"))
    ));
    if digest.pages.is_empty() && digest.edition_notes.is_empty() {
        out.push_str(&format!(
            "<p style=\"{P}\">{}</p>\n",
            escape(strings.get("digest_none"))
        ));
    } else {
        out.push_str(&format!("<ul style=\"{LIST}\">\n"));
        for note in &digest.edition_notes {
            out.push_str(&format!(
                "<li style=\"{ITEM}\"><span style=\"{TAG}\">{}</span>: {}</li>\n",
                escape(strings.get("digest_whole")),
                escape(note)
            ));
        }
        for page in &digest.pages {
            let name = match &page.url {
                Some(url) => format!(
                    "<a href=\"{}\" style=\"{LINK}\">{}</a>",
                    escape(url),
                    escape(&page.title)
                ),
                None => escape(&page.title),
            };
            out.push_str(&format!(
                "<li style=\"{ITEM}\">{name} <span style=\"{TAG}\">({})</span>: {}</li>\n",
                escape(change_word(page.change, strings)),
                escape(&notes_of(page, strings))
            ));
        }
        out.push_str("</ul>\n");
    }
    if let Some(address) = &digest.address {
        out.push_str(&format!(
            "<p style=\"{P}\"><a href=\"{}changes.html\" style=\"{LINK}\">{}</a></p>\n",
            escape(address),
            escape(strings.get("digest_all_changes"))
        ));
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The digest as plain text, for mail programs that show no HTML: the
/// same words, each page with its address (or its file, when the edition
/// has no address) on a line of its own.
pub fn text(digest: &Digest, strings: &Strings) -> String {
    let title = digest.title(strings);
    let mut out = format!(
        "{title}\n{}\n\n{}\n",
        "=".repeat(title.chars().count()),
        digest.lead(strings)
    );
    let heading = |out: &mut String, text: &str| {
        out.push_str(&format!(
            "\n{text}\n{}\n\n",
            "-".repeat(text.chars().count())
        ));
    };
    if !digest.releases.is_empty() {
        heading(&mut out, strings.get("digest_releases"));
        for r in &digest.releases {
            let version = strings.fill("version", &[("version", &r.version)]);
            out.push_str(&format!("- {version} ({}): {}\n", r.date, r.note));
        }
    }
    heading(&mut out, strings.get("digest_pages"));
    if digest.pages.is_empty() && digest.edition_notes.is_empty() {
        out.push_str(&format!("{}\n", strings.get("digest_none")));
    }
    for note in &digest.edition_notes {
        out.push_str(&format!("- {}: {note}\n", strings.get("digest_whole")));
    }
    for page in &digest.pages {
        out.push_str(&format!(
            "- {} ({}): {}\n",
            page.title,
            change_word(page.change, strings),
            notes_of(page, strings),
        ));
        if page.change != PageChange::Removed {
            out.push_str(&format!(
                "  {}\n",
                page.url.as_deref().unwrap_or(&page.file)
            ));
        }
    }
    if let Some(address) = &digest.address {
        out.push_str(&format!(
            "\n{}: {address}changes.html\n",
            strings.get("digest_all_changes")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(address: Option<&str>) -> Digest {
        Digest {
            name: "X Council".into(),
            since: "1.0".into(),
            since_date: "1 March 2026".into(),
            made: "24 November 2026".into(),
            address: address.map(String::from),
            releases: Vec::new(),
            edition_notes: vec!["Contacts <updated> & checked.".into()],
            pages: vec![
                DigestPage {
                    title: "Panel & plans".into(),
                    url: address.map(|a| format!("{a}panel.html")),
                    file: "panel.html".into(),
                    change: PageChange::Changed,
                    notes: Vec::new(),
                },
                DigestPage {
                    title: "Old page".into(),
                    url: None,
                    file: "old.html".into(),
                    change: PageChange::Removed,
                    notes: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn without_an_address_pages_are_named_by_their_file_and_not_linked() {
        let strings = crate::model::theme::built_in_strings(crate::model::language::Lang::En);
        let d = digest(None);
        let made = html(&d, strings, "en-GB");
        assert!(!made.contains("<a "), "{made}");
        assert!(made.contains("Panel &amp; plans <span style=\"font-weight:bold\">(changed)</span>: No note was recorded of what changed."));
        assert!(made
            .contains(">The whole handbook</span>: Contacts &lt;updated&gt; &amp; checked.</li>"));
        let plain = text(&d, strings);
        assert!(
            plain.contains(
                "- Panel & plans (changed): No note was recorded of what changed.\n  panel.html\n"
            ),
            "{plain}"
        );
        assert!(
            plain.contains("- Old page (removed): No note was recorded of what changed.\n")
                && !plain.contains("old.html"),
            "{plain}"
        );
    }

    #[test]
    fn with_an_address_each_page_links_to_its_web_address() {
        let strings = crate::model::theme::built_in_strings(crate::model::language::Lang::En);
        let made = html(&digest(Some("https://h.example/g/")), strings, "en-GB");
        assert!(
            made.contains("<a href=\"https://h.example/g/panel.html\""),
            "{made}"
        );
        assert!(
            made.contains("<a href=\"https://h.example/g/changes.html\""),
            "{made}"
        );
        assert!(!made.contains("old.html"), "a removed page has no address");
    }
}
