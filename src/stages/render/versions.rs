//! Published versions in the site: the releases of an edition with the
//! dates each was in force, each page's own versions, and the pages of a
//! past release marked as archived.
//!
//! It gathers values and marks already-made pages; it reads no git history
//! (the `history` module does) and builds no edition (the pipeline does).

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::model::language::{Lang, Strings};
use crate::support::characters::escape_html as escape;
use crate::support::output::{Content, OutputFile};

/// One past release of an edition, with what its pages said in each of
/// its languages.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ReleaseText {
    /// The version.
    pub version: String,
    /// The day it came into force.
    pub date: Date,
    /// The release note.
    pub note: String,
    /// Each page's file and text (title and linked text), by page id, in
    /// the edition's default language.
    pub pages: BTreeMap<String, (String, String)>,
    /// The same in each other language the release had a site in, by the
    /// language's code.
    #[serde(default)]
    pub translated: BTreeMap<String, BTreeMap<String, (String, String)>>,
}

/// A release as the "Guidance in force on a date" page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRow {
    /// The version.
    pub version: String,
    /// The release note.
    pub note: String,
    /// The first day in force, as readers see it.
    pub from: String,
    /// The first day in force, `YYYY-MM-DD`.
    pub from_iso: String,
    /// The day the next release replaced it, if one did.
    pub until: Option<String>,
    /// That day as `YYYY-MM-DD`.
    pub until_iso: Option<String>,
    /// The link to its home page, from the top of the site.
    pub href: String,
    /// The language of the pages it links to, when not the site's (a
    /// release made before the edition had a site in this language).
    pub lang: Option<&'static str>,
}

/// A release in which a page's text changed, for "Versions of this page".
#[derive(Debug, Clone, Serialize)]
pub struct PageVersion {
    /// The version.
    pub version: String,
    /// The release's date, as readers see it.
    pub date: String,
    /// The release's date, `YYYY-MM-DD`.
    pub iso_date: String,
    /// The release note.
    pub note: String,
    /// The link to the page as that release had it.
    pub href: String,
    /// What changed from the release before, as HTML (see [`comparison`]);
    /// none in the release that first had the page.
    pub comparison: Option<String>,
    /// The language of the page it links to and of the comparison, when
    /// not the site's.
    pub lang: Option<&'static str>,
}

/// What an edition's renderer knows of its releases.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The releases, oldest first.
    pub releases: Vec<ReleaseRow>,
    /// By page id: the releases in which the page's text changed, newest first.
    pub pages: HashMap<String, Vec<PageVersion>>,
    dates: Vec<Date>,
}

/// The folder of a release's pages in its edition.
pub fn release_folder(version: &str) -> String {
    format!("versions/{version}/")
}

/// Each page's file and text (title and linked text), by page id.
type PageTexts = BTreeMap<String, (String, String)>;

/// The site of an edition a [`History`] is shown in: its language (`None`
/// for the edition's default) and that language's words.
#[derive(Clone, Copy)]
pub struct SiteOf<'a> {
    /// The site's language, when not the edition's default.
    pub lang: Option<Lang>,
    /// The words of its language (its dates are written in them).
    pub strings: &'a Strings,
}

impl SiteOf<'_> {
    /// A release's pages as this site shows them: in its language where
    /// the release had a site in it, else the default language's; the
    /// folder they are in, from the top of this site; and their language
    /// when not the site's.
    fn pages_of<'r>(
        &self,
        release: &'r ReleaseText,
    ) -> (
        &'r BTreeMap<String, (String, String)>,
        String,
        Option<&'static str>,
    ) {
        let folder = release_folder(&release.version);
        let Some(lang) = self.lang else {
            return (&release.pages, folder, None);
        };
        match release.translated.get(lang.code()) {
            Some(pages) => (pages, format!("../{folder}{}/", lang.code()), None),
            None => (
                &release.pages,
                format!("../{folder}"),
                Some(Lang::En.code()),
            ),
        }
    }
}

impl History {
    /// The history of an edition from its releases, oldest first, as the
    /// site `site` shows it. A page's text changed in a release when the
    /// release has the page and the release before did not, or had other
    /// text in the same language.
    pub fn new(releases: &[ReleaseText], site: &SiteOf) -> Self {
        let long_date = |d: Date| site.strings.long_date(d);
        let mut rows = Vec::new();
        let mut pages: HashMap<String, Vec<PageVersion>> = HashMap::new();
        let mut before: Option<(&PageTexts, Option<&str>)> = None;
        for (i, release) in releases.iter().enumerate() {
            let next = releases.get(i + 1).map(|r| r.date);
            let (shown, folder, lang) = site.pages_of(release);
            rows.push(ReleaseRow {
                version: release.version.clone(),
                note: release.note.clone(),
                from: long_date(release.date),
                from_iso: release.date.to_string(),
                until: next.map(long_date),
                until_iso: next.map(|d| d.to_string()),
                href: format!("{folder}index.html"),
                lang,
            });
            // Texts are compared in one language only.
            let earlier_pages = before.filter(|(_, l)| *l == lang).map(|(b, _)| b);
            for (id, (file, text)) in shown {
                let earlier = earlier_pages.and_then(|b| b.get(id)).map(|(_, t)| t);
                if earlier == Some(text) {
                    continue;
                }
                pages.entry(id.clone()).or_default().insert(
                    0,
                    PageVersion {
                        version: release.version.clone(),
                        date: long_date(release.date),
                        iso_date: release.date.to_string(),
                        note: release.note.clone(),
                        href: format!("{folder}{file}"),
                        comparison: earlier.map(|before| comparison(before, text, site.strings)),
                        lang,
                    },
                );
            }
            before = Some((shown, lang));
        }
        Self {
            releases: rows,
            pages,
            dates: releases.iter().map(|r| r.date).collect(),
        }
    }

    /// The version in force on `date`: the latest release on or before it
    /// (on a release's day, that release). `None` before the first release.
    pub fn in_force_on(&self, date: Date) -> Option<&ReleaseRow> {
        let at = self.dates.partition_point(|d| *d <= date);
        at.checked_sub(1).map(|i| &self.releases[i])
    }
}

/// Two texts of a page (a title line, then Markdown) compared as readers
/// read them: the paragraphs that changed, each a `<p>` whose removed words
/// stand in `<del>` and added words in `<ins>`, each starting with a
/// visually hidden "removed:" or "added:" in the words of `strings` (marked
/// as their language, but for English, since the texts may be English not
/// yet translated) so that screen readers say it (WCAG 1.3.1, 1.4.1: not
/// by colour alone).
pub fn comparison(before: &str, after: &str, strings: &Strings) -> String {
    let label = |key: &str| match strings.lang {
        Lang::En => escape(strings.get(key)),
        lang => format!(
            "<span lang=\"{}\">{}</span>",
            lang.html(),
            escape(strings.get(key))
        ),
    };
    let (removed, added) = (label("version_removed"), label("version_added"));
    let (before, after) = (readable(before), readable(after));
    let lines = TextDiff::from_lines(&before, &after);
    let mut html = String::new();
    for group in lines.grouped_ops(0) {
        let (mut old, mut new) = (String::new(), String::new());
        for op in &group {
            for change in lines.iter_changes(op) {
                match change.tag() {
                    ChangeTag::Delete => old.push_str(change.value()),
                    ChangeTag::Insert => new.push_str(change.value()),
                    ChangeTag::Equal => {}
                }
            }
        }
        // Runs of words of one kind, so each change is marked once.
        let mut runs: Vec<(ChangeTag, String)> = Vec::new();
        for change in TextDiff::from_words(old.trim(), new.trim()).iter_all_changes() {
            match runs.last_mut() {
                Some((tag, words)) if *tag == change.tag() => words.push_str(change.value()),
                _ => runs.push((change.tag(), change.value().to_string())),
            }
        }
        html.push_str("<p>");
        for (tag, words) in runs {
            let words = escape(&words);
            html.push_str(&match tag {
                ChangeTag::Equal => words,
                ChangeTag::Delete => {
                    format!("<del><span class=\"visually-hidden\">{removed}</span>{words}</del>")
                }
                ChangeTag::Insert => {
                    format!("<ins><span class=\"visually-hidden\">{added}</span>{words}</ins>")
                }
            });
        }
        html.push_str("</p>\n");
    }
    html
}

/// A page's text as readers see its words: the title line, then the
/// Markdown as plain text, a paragraph a line.
fn readable(text: &str) -> String {
    let (title, markdown) = text.split_once('\n').unwrap_or((text, ""));
    format!("{title}\n{}", crate::text::markdown::plain_text(markdown))
}

/// A page whose text a release changed, as the release's entry on
/// "What's changed" and in the feed lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ReleasePage {
    /// The page's title now.
    pub title: String,
    /// Link to the page now, from the top of the site.
    pub href: String,
    /// The language of the title, when not the site's.
    pub lang: Option<&'static str>,
    /// Whether the release before did not have the page.
    pub new: bool,
    /// The notes of what changed on the page, dated after the release
    /// before and up to this one, oldest first.
    pub notes: Vec<String>,
}

/// The pages of `linked` whose text changed in the release `version`
/// (of `history`), in reading order, each with its notes among `entries`
/// (by the page they link to)
/// dated after `after` (the release before's day) and up to `until`.
fn release_pages(
    linked: &crate::stages::link::LinkedEdition,
    history: &History,
    version: &str,
    (after, until): (&str, &str),
    entries: &HashMap<&str, Vec<&super::ChangeEntry>>,
) -> Vec<ReleasePage> {
    let mut pages = Vec::new();
    for p in &linked.pages {
        let Some(changed) = history
            .pages
            .get(p.page.id())
            .and_then(|versions| versions.iter().find(|v| v.version == version))
        else {
            continue;
        };
        let href = crate::support::url::file_of(&linked.edition.home, p.page.id());
        let mut notes: Vec<String> = entries
            .get(href.as_str())
            .into_iter()
            .flatten()
            .filter(|e| e.iso_date.as_str() > after && e.iso_date.as_str() <= until)
            .map(|e| e.note.clone())
            .collect();
        // "What's changed" lists the newest first; a release's list reads
        // oldest first.
        notes.reverse();
        pages.push(ReleasePage {
            title: p.title.clone(),
            href,
            lang: linked.edition.foreign(&p.page.file),
            new: changed.comparison.is_none(),
            notes,
        });
    }
    pages
}

/// Adds each release's note to an edition's changes (`entries`, newest
/// first), linked to the release's pages, in the words of `strings`, with
/// the pages whose text it changed (all but the first release, whose pages
/// are all new); on one day, a release comes after the dated changes of
/// pages.
pub fn add_release_notes(
    entries: &mut Vec<super::ChangeEntry>,
    history: &History,
    linked: &crate::stages::link::LinkedEdition,
    strings: &Strings,
) {
    let edition = linked.edition.name();
    // Each page's changes, found once for every release.
    let mut by_page: HashMap<&str, Vec<&super::ChangeEntry>> = HashMap::new();
    for e in entries.iter() {
        by_page.entry(e.href.as_str()).or_default().push(e);
    }
    let mut before: Option<&str> = None;
    let mut added = Vec::new();
    for row in &history.releases {
        let values = [("name", edition), ("version", row.version.as_str())];
        let pages = match before {
            Some(after) => {
                let days = (after, row.from_iso.as_str());
                release_pages(linked, history, &row.version, days, &by_page)
            }
            None => Vec::new(),
        };
        added.push(super::ChangeEntry {
            date: row.from.clone(),
            iso_date: row.from_iso.clone(),
            title: strings.fill("release_entry_title", &values),
            href: row.href.clone(),
            note: row.note.clone(),
            lang: None,
            new_date: false,
            worded: false,
            pages,
        });
        before = Some(&row.from_iso);
    }
    entries.extend(added);
    entries.sort_by(|a, b| b.iso_date.cmp(&a.iso_date));
}

/// How the pages of one language's site of a past release are marked as
/// archived: the site's folder in the edition (`""`, `cy/`) and the banner
/// at the top of each page, in its language (see [`banner`]).
#[derive(Debug, Clone)]
pub struct Banner {
    /// The site's folder in the edition.
    pub folder: String,
    /// The banner's HTML, with `{current}` and `{other}` for the addresses
    /// of the current page and of the "Guidance in force on a date" page.
    pub html: String,
}

/// The banner of the pages of a past release (`row`, as its language's
/// site lists it) in the site in `folder` whose words are `strings`: which
/// version it is and when it was in force, with links to the current page
/// and to the "Guidance in force on a date" page.
pub fn banner(row: &ReleaseRow, strings: &Strings, folder: &str) -> Banner {
    let range = match &row.until {
        Some(until) => strings.fill(
            "version_banner_range",
            &[("from", &row.from), ("until", until)],
        ),
        None => strings.fill("version_banner_current", &[("from", &row.from)]),
    };
    let html = strings
        .get("version_banner_html")
        .replace("{version}", &escape(&row.version))
        .replace("{range}", &escape(&range));
    Banner {
        folder: folder.to_string(),
        html,
    }
}

/// The files of a past release's build (each language's site in its folder)
/// placed under the release's folder and marked as archived: each HTML page
/// gets `noindex` and the banner of its language's site (of `banners`),
/// linking to the page of the same file in the current edition (`current`
/// holds the current edition's paths, every language's), or to its
/// language's "Guidance in force on a date" page when the current edition
/// has none. The release's sitemaps are left out (only current pages are
/// listed), and so are its 404 pages (a server shows the current
/// edition's).
///
/// Errors: a file of the release that cannot be read, named in the error.
pub fn archived(
    files: Vec<OutputFile>,
    version: &str,
    banners: &[Banner],
    current: &HashSet<String>,
) -> std::io::Result<Vec<OutputFile>> {
    let folder = release_folder(version);
    let mut placed = Vec::new();
    for file in files {
        let banner = banners
            .iter()
            .filter(|b| file.path.starts_with(&b.folder))
            .max_by_key(|b| b.folder.len());
        let in_site = banner.map_or(file.path.as_str(), |b| &file.path[b.folder.len()..]);
        if in_site == "sitemap.xml" || in_site == "404.html" {
            continue;
        }
        let bytes = file.content.read()?.into_owned();
        if in_site == "changes.xml" {
            placed.push(OutputFile {
                path: format!("{folder}{}", file.path),
                content: Content::Bytes(archived_feed(&bytes, version)),
            });
            continue;
        }
        let bytes = match banner.filter(|_| file.path.ends_with(".html")) {
            Some(banner) => {
                let up = "../".repeat(2 + file.path.matches('/').count());
                let other = format!("{up}{}in-force.html", banner.folder);
                let target = if current.contains(&file.path) {
                    format!("{up}{}", file.path)
                } else {
                    other.clone()
                };
                let html = banner
                    .html
                    .replace("{current}", &escape(&target))
                    .replace("{other}", &escape(&other));
                mark(&String::from_utf8_lossy(&bytes), &html).into_bytes()
            }
            None => bytes,
        };
        placed.push(OutputFile {
            path: format!("{folder}{}", file.path),
            content: Content::Bytes(bytes),
        });
    }
    Ok(placed)
}

/// A past release's Atom feed with an id of its own (RFC 4287, 4.2.6: a
/// feed's id names that feed alone; the current feed keeps the edition's):
/// the feed's id (the first, before any entry's) gains the release's
/// folder. Its entries keep theirs: an entry in both feeds is one entry.
fn archived_feed(xml: &[u8], version: &str) -> Vec<u8> {
    String::from_utf8_lossy(xml)
        .replacen(
            "/changes</id>",
            &format!("/{}changes</id>", release_folder(version)),
            1,
        )
        .into_bytes()
}

/// One archived page: `noindex` in its head and the banner (its HTML) at
/// the start of its main content (or of its body, when it has no `<main>`).
fn mark(html: &str, banner: &str) -> String {
    let banner = format!("<div class=\"version-banner\" role=\"note\"><p>{banner}</p></div>");
    let mut html = html.to_string();
    if let Some(at) = html.find("<head>") {
        html.insert_str(
            at + "<head>".len(),
            "\n<meta name=\"robots\" content=\"noindex\">",
        );
    }
    let opening = html
        .find("<main")
        .or_else(|| html.find("<body"))
        .and_then(|at| html[at..].find('>').map(|end| at + end + 1));
    if let Some(at) = opening {
        html.insert_str(at, &format!("\n{banner}"));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(version: &str, date: &str, text: &str) -> ReleaseText {
        let mut pages = BTreeMap::new();
        pages.insert("a".to_string(), ("a.html".to_string(), text.to_string()));
        pages.insert("b".to_string(), ("b.html".to_string(), "same".to_string()));
        ReleaseText {
            version: version.into(),
            date: date.parse().unwrap(),
            note: format!("Note {version}"),
            pages,
            translated: BTreeMap::new(),
        }
    }

    fn english() -> SiteOf<'static> {
        SiteOf {
            lang: None,
            strings: crate::model::theme::built_in_strings(Lang::En),
        }
    }

    #[test]
    fn a_page_lists_the_releases_that_changed_it_and_dates_find_their_version() {
        let history = History::new(
            &[
                release("1", "2026-01-05", "one"),
                release("2", "2026-03-02", "two"),
                release("3", "2026-06-01", "two"),
            ],
            &english(),
        );
        let versions: Vec<&str> = history.pages["a"]
            .iter()
            .map(|v| v.version.as_str())
            .collect();
        assert_eq!(versions, ["2", "1"], "newest first; 3 did not change it");
        assert_eq!(history.pages["b"].len(), 1);
        assert_eq!(history.pages["a"][0].href, "versions/2/a.html");
        let on = |d: &str| {
            history
                .in_force_on(d.parse().unwrap())
                .map(|r| r.version.as_str())
        };
        assert_eq!(on("2026-01-04"), None);
        assert_eq!(on("2026-01-05"), Some("1"));
        assert_eq!(on("2026-03-01"), Some("1"));
        assert_eq!(on("2026-03-02"), Some("2"));
        assert_eq!(on("2030-01-01"), Some("3"));
        assert_eq!(history.releases[0].until_iso.as_deref(), Some("2026-03-02"));
        assert_eq!(history.releases[2].until, None);
        assert_eq!(
            history.pages["a"][1].comparison, None,
            "the first had no before"
        );
        assert_eq!(
            history.pages["a"][0].comparison.as_deref(),
            Some("<p><del><span class=\"visually-hidden\">removed: </span>one</del><ins><span class=\"visually-hidden\">added: </span>two</ins></p>\n")
        );
    }

    #[test]
    fn a_comparison_shows_only_the_paragraphs_that_changed_word_by_word() {
        let before = "Title\n## Heading {#h}\n\nKeep this.\n\nThe panel meets monthly.\n";
        let after = "Title\n## Heading {#h}\n\nKeep this.\n\nThe panel meets weekly & online.\n";
        let html = comparison(before, after, english().strings);
        assert_eq!(
            html,
            "<p>The panel meets <del><span class=\"visually-hidden\">removed: </span>monthly.</del><ins><span class=\"visually-hidden\">added: </span>weekly &amp; online.</ins></p>\n"
        );
    }

    #[test]
    fn an_archived_page_says_when_it_was_in_force_and_is_not_indexed() {
        let history = History::new(&[release("1", "2026-01-05", "one")], &english());
        let page = OutputFile {
            path: "a.html".into(),
            content: Content::Bytes(b"<html><head><title>A</title></head><body><main id=\"main\">Text</main></body></html>".to_vec()),
        };
        let sitemap = OutputFile {
            path: "sitemap.xml".into(),
            content: Content::Bytes(Vec::new()),
        };
        let current: HashSet<String> = ["a.html".to_string()].into();
        let row = &history.releases[0];
        let banners = [banner(row, english().strings, "")];
        let files = archived(vec![page, sitemap], &row.version, &banners, &current).unwrap();
        assert_eq!(files.len(), 1, "no sitemap");
        assert_eq!(files[0].path, "versions/1/a.html");
        let html = String::from_utf8(files[0].content.bytes().unwrap().into_owned()).unwrap();
        assert!(html.contains("<head>\n<meta name=\"robots\" content=\"noindex\">"));
        assert!(html.contains("<main id=\"main\">\n<div class=\"version-banner\""));
        assert!(
            html.contains("in force since 5 January 2026: the current version"),
            "{html}"
        );
        assert!(html.contains("href=\"../../a.html\""));
    }
}
