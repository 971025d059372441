//! The last check before writing: every internal link of an edition works.
//!
//! Reads an edition's rendered files and checks that every `href` and `src`
//! that is not an outside address points to a file of the same edition (an
//! edition may be deployed alone, so it never links outside itself) and that
//! every `#fragment` names an `id` on the target page. It returns the broken
//! links as values, so the caller can report one written in a page's text
//! where it was written ([`BrokenLink::at_source`]) and one a template
//! makes once for all the pages that have it ([`in_output`]); either fails
//! the build. It also finds the outside links each page has;
//! [`outside_notes`] lists them as notes for review, each once, at the
//! source file and line that writes it (content or template). Anything that
//! would make a reader's browser fetch from another host (an image, script or
//! frame `src`, a `<link>` to a style sheet or font, a `url(…)` or `@import`
//! in a style sheet) is an error: an edition requests nothing from outside.
//! So is a page without the theme's Content-Security-Policy, or with one that
//! lets in inline script or outside hosts. Pages are checked in parallel,
//! each read once: what it links to is judged as it is read, but for a
//! fragment of another page, which waits for that page's ids. It reads
//! rendered and static files only; it changes nothing.

mod attributes;

use attributes::*;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::support::address::{Address, Kind};
use crate::support::diagnostic::Diagnostic;
use crate::support::output::{Content, OutputFile};

/// Outside links found, by address, with the pages that use them.
pub type OutsideLinks = BTreeMap<String, BTreeSet<String>>;

/// A link or file address of a rendered page that goes nowhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokenLink {
    /// The address, as the HTML has it (character references read).
    pub url: String,
    /// Why it goes nowhere.
    pub why: Why,
    /// The page it is on, as a path in the edition.
    pub page: String,
}

/// Why a link goes nowhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// It climbs out of the edition's folder.
    OutsideEdition,
    /// The file it names, resolved to this path, is not in the edition.
    NoFile(String),
    /// It starts with `/`, so it goes to the top of the web server, not
    /// into the edition, when the edition is published in a folder.
    FromRoot,
    /// No browser can read it (the URL parser's reason).
    Unreadable(String),
    /// Its scheme runs code in the reader's browser (`javascript`).
    Unsafe(String),
    /// The page is there, but the fragment is not an id on it.
    NoId {
        /// The fragment, without `#`.
        fragment: String,
        /// The page's path.
        page: String,
    },
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::OutsideEdition => f.write_str("points outside its edition"),
            Why::FromRoot => f.write_str("starts with `/`, so it leaves the edition when the edition is published in a folder"),
            Why::Unreadable(why) => write!(f, "cannot be read by a browser ({why})"),
            Why::Unsafe(scheme) => write!(f, "uses a `{scheme}:` address, which runs code in a reader's browser"),
            Why::NoFile(path) => write!(f, "points to `{path}`, which is not in the edition"),
            Why::NoId { fragment, page } => {
                write!(f, "points to `#{fragment}`, which is not an id on `{page}`")
            }
        }
    }
}

impl BrokenLink {
    /// The error for this link where it was written in a page's source,
    /// to be pointed at that place; `image` if it is an image's address.
    /// `assets` are the names of the edition's static files, for "did you
    /// mean" hints.
    pub fn at_source<'a>(
        &self,
        image: bool,
        assets: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        let url = &self.url;
        match (&self.why, image) {
            (Why::NoFile(path), true) => {
                let near = match path.strip_prefix("assets/") {
                    Some(name) => crate::support::diagnostic::closest(name, assets)
                        .first()
                        .map(|n| format!("did you mean `assets/{n}`? ")),
                    None => None,
                };
                Diagnostic::error(
                    "missing-image",
                    format!("there is no image `{path}` in this edition"),
                )
                .hint(format!(
                    "{}save the image in a `static/` folder (the theme's, `themes/default/static/`, or the authority's, `local-overrides/<slug>/static/`): its files are published under `assets/`, so `static/plan.png` is shown with `![what it shows](assets/plan.png)`",
                    near.unwrap_or_default()
                ))
            }
            (Why::NoFile(path), false) => Diagnostic::error(
                "broken-link",
                format!(
                    "this link goes to `{}`, which is not in this edition",
                    crate::support::address::percent_decoded(path)
                ),
            )
            .hint(if crate::text::markdown::is_valid_id(path) {
                format!("an address in HTML is published as written, so a page's id is not its file: write `{path}.html`, or a Markdown link such as `[your text]({path})`")
            } else {
                "link to a page by its id (`[[step-3]]`, `[your text](step-3)`); to link to a document, save it in a `static/` folder and link to `assets/NAME`".to_string()
            }),
            (Why::NoId { fragment, page }, _) => Diagnostic::error(
                "broken-link",
                format!("this link goes to `#{fragment}`, which is not an id on `{page}`"),
            )
            .hint("link to a section by the page's id and the section's: `[[step-3#good-plan-checklist]]`; a page's sections are the ones listed under \"On this page\""),
            (Why::FromRoot, _) => Diagnostic::error(
                "root-address",
                format!("this address (`{url}`) starts with `/`, so it goes to the top of the web server rather than into the edition"),
            )
            .hint("an edition may be published in any folder (such as `https://intranet.example/guidance/`), where `/step-3.html` would be another site's page: link to a page by its id (`[[step-3]]`), and to a file by its place in the edition (`assets/plan.pdf`)"),
            (Why::Unreadable(why), _) => Diagnostic::error(
                "unreadable-address",
                format!("a browser cannot read this address (`{url}`): {why}"),
            )
            .hint("write a whole web address (`https://www.example.org/page`), or link to a page of the edition by its id (`[[step-3]]`)"),
            (Why::Unsafe(scheme), _) => Diagnostic::error(
                "unsafe-address",
                format!("this address uses a `{scheme}:` address, which could run code in a reader's browser"),
            )
            .hint("link to a page by its id (`[[step-3]]`) or to a web address (`https://…`)"),
            (Why::OutsideEdition, _) => Diagnostic::error(
                "broken-link",
                format!("this address (`{url}`) climbs out of the edition's folder"),
            )
            .hint("an edition may be published on its own: link to its pages by id (`[[step-3]]`), and to other sites by their full address (`https://…`)"),
        }
    }

    /// The error for links that are not written in any page's source (a
    /// template's), one for every page of `edition` with the same link.
    fn in_output(edition: &str, same: &[&BrokenLink]) -> Option<Diagnostic> {
        let first = same.first()?;
        let pages = match same.len() {
            1 => format!("`{edition}/{}`", first.page),
            n => format!(
                "{n} pages of `{edition}` ({}{})",
                same.iter()
                    .take(3)
                    .map(|b| format!("`{}`", b.page))
                    .collect::<Vec<_>>()
                    .join(", "),
                if n > 3 { ", …" } else { "" }
            ),
        };
        Some(
            Diagnostic::error(
                "broken-link",
                format!("a link on {pages} to `{}` {}", first.url, first.why),
            )
            .in_path(format!("{edition}/{}", first.page))
            .hint("the link is in a theme or authority template (or in HTML it makes): correct its address there"),
        )
    }
}

/// The errors for broken links as found in the output (sorted, as
/// [`check`] gives them): one for each address and reason, naming the pages
/// of `edition` that have it.
pub fn in_output(edition: &str, broken: &[&BrokenLink]) -> Vec<Diagnostic> {
    broken
        .chunk_by(|a, b| a.url == b.url && a.why == b.why)
        .filter_map(|same| BrokenLink::in_output(edition, same))
        .collect()
}

/// What [`check`] finds in an edition's files.
#[derive(Debug, Default)]
pub struct Findings {
    /// Errors about the files themselves: outside resources, a missing or
    /// loose Content-Security-Policy.
    pub problems: Vec<Diagnostic>,
    /// Links that go nowhere, sorted by address, then page.
    pub broken: Vec<BrokenLink>,
    /// Outside links, for review.
    pub outside: OutsideLinks,
}

/// An address as compared between source and output: character references
/// and percent-encoding undone (the renderer may encode what an author
/// wrote plainly).
fn address_key(url: &str) -> String {
    crate::support::address::key(&decode(url))
}

/// The outside addresses (`http:`, `https:`) a template's tags link to or
/// load, each with its byte offset in the template.
fn outside_in_template(text: &str) -> Vec<(String, usize)> {
    attributes(text)
        .into_iter()
        .filter(|(_, _, name, _)| {
            name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src")
        })
        .filter(|(_, _, _, value)| {
            let scheme = value.split(':').next().unwrap_or("");
            value.contains(':')
                && (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        })
        .map(|(_, _, _, value)| {
            // The value is a slice of `text`: its offset is where it starts.
            let offset = value.as_ptr() as usize - text.as_ptr() as usize;
            (decode(value).into_owned(), offset)
        })
        .collect()
}

/// Notes listing an edition's outside links for review, each once, where
/// it is written: at each place in the content (`written`, from the link
/// stage) or a template (`templates`, the edition's) that links to it. An
/// address found in neither (made by a variable in a template, say) is
/// noted against the output pages that have it. Notes about the same place
/// are the same text in every edition, so a run lists each once.
pub fn outside_notes<'a>(
    found: OutsideLinks,
    written: impl IntoIterator<Item = &'a crate::support::diagnostic::OutsideLink>,
    templates: impl IntoIterator<Item = &'a std::sync::Arc<crate::support::diagnostic::SourceFile>>,
) -> Vec<Diagnostic> {
    let mut places: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    let note = |url: &str| {
        Diagnostic::note("outside-link", format!("outside link to {url}"))
            .hint("check that it still works and still says what the text here says; outside links are listed for review and never fail a check")
    };
    for (url, location) in written {
        let (start, end) = location.span.unwrap_or((0, 0));
        places
            .entry(address_key(url))
            .or_default()
            .push(note(url).at(&location.file, start, end));
    }
    for template in templates {
        for (url, at) in outside_in_template(&template.text) {
            places
                .entry(address_key(&url))
                .or_default()
                .push(note(&url).at(template, at, at + url.len()));
        }
    }
    let mut notes = Vec::new();
    for (url, pages) in found {
        match places.get(&address_key(&url)) {
            Some(at_source) => notes.extend(at_source.iter().cloned()),
            None => {
                let pages: Vec<String> = pages.into_iter().collect();
                notes.push(
                    Diagnostic::note("outside-link", format!("outside link to {url}"))
                        .in_path(pages[0].clone())
                        .hint(format!(
                            "check that it still works and is still right; it is on {}, made by a template or a setting rather than written in a page",
                            pages.join(", ")
                        )),
                );
            }
        }
    }
    notes
}

/// Checks the links of one edition's files, where the paths in `also` are
/// files that will be there too (the search index's, made at the same time).
/// Returns what it found; `edition` names the files in messages. Absolute
/// addresses under `address`, the edition's published address, are its
/// own files (the 404 page uses them).
pub fn check(
    edition: &str,
    files: &[OutputFile],
    also: &[String],
    address: Option<&str>,
) -> Findings {
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    paths.extend(also.iter().map(String::as_str));
    let reader = Reader::new(edition, paths, address);
    let reads: Vec<Read> = files.par_iter().map(|file| reader.read(file)).collect();
    reader.finish(reads)
}

/// The link check of an edition, file by file as the files are made (for
/// a build that writes each file as soon as it is made), then as a whole
/// ([`Reader::finish`]); [`check`] is the same on files made beforehand.
/// Each page is read once: its ids, its problems, its outside links, and
/// its links judged as far as the list of files allows. Only a link to a
/// fragment of another page waits for that page's ids, so little of a
/// page outlives its reading.
pub struct Reader<'a> {
    edition: &'a str,
    /// The paths of the edition's files. Every link of every page is looked
    /// up here, so they are hashed with foldhash (the paths come from the
    /// root's own files, so a hash made to resist chosen keys buys nothing).
    paths: foldhash::HashSet<&'a str>,
    address: Option<&'a str>,
}

/// What [`Reader::read`] found in one file, for [`Reader::finish`].
pub struct Read {
    path: String,
    css_problems: Vec<Diagnostic>,
    page: Option<PageRead>,
}

impl<'a> Reader<'a> {
    /// The check of `edition` (its name in messages), whose files will be
    /// at `paths`; absolute addresses under `address`, the edition's
    /// published address, are its own files (the 404 page uses them).
    pub fn new(
        edition: &'a str,
        paths: impl IntoIterator<Item = &'a str>,
        address: Option<&'a str>,
    ) -> Self {
        Self {
            edition,
            paths: paths.into_iter().collect(),
            address,
        }
    }

    /// Reads one file of the edition.
    pub fn read(&self, file: &OutputFile) -> Read {
        let edition = self.edition;
        let mut css_problems = Vec::new();
        if file.path.ends_with(".css") {
            let text = match &file.content {
                Content::Copy(from) | Content::Kept(from) => {
                    std::fs::read_to_string(from).unwrap_or_default()
                }
                made => String::from_utf8_lossy(&made.bytes().unwrap_or_default()).into_owned(),
            };
            let shown = match &file.content {
                Content::Copy(from) | Content::Kept(from) => from.display().to_string(),
                _ => format!("{edition}/{}", file.path),
            };
            for url in outside_in_css(&text) {
                css_problems.push(outside_resource(&shown, &url));
            }
        }
        let page = file
            .content
            .bytes()
            .filter(|_| file.path.ends_with(".html"))
            .map(|bytes| {
                let html = std::str::from_utf8(&bytes).unwrap_or("");
                let page = PageToCheck {
                    edition,
                    path: &file.path,
                    address: self.address,
                };
                read_page(&page, &attributes(html), &self.paths)
            });
        Read {
            path: file.path.clone(),
            css_problems,
            page,
        }
    }

    /// What the reads of every file of the edition found, in the order of
    /// the files' paths: style sheets' problems first, then pages'.
    pub fn finish(&self, mut reads: Vec<Read>) -> Findings {
        reads.sort_by(|a, b| a.path.cmp(&b.path));
        let mut problems: Vec<Diagnostic> = reads
            .iter()
            .flat_map(|r| r.css_problems.iter().cloned())
            .collect();
        let ids: HashMap<&str, &foldhash::HashSet<String>> = reads
            .iter()
            .filter_map(|r| Some((r.path.as_str(), &r.page.as_ref()?.ids)))
            .collect();
        let mut broken = Vec::new();
        let mut outside = OutsideLinks::new();
        for r in reads.iter().filter_map(|r| r.page.as_ref()) {
            problems.extend(r.problems.iter().cloned());
            broken.extend(r.broken.iter().cloned());
            broken.extend(r.to_fragments.iter().filter_map(|link| link.broken(&ids)));
            for (url, page) in &r.outside {
                outside.entry(url.clone()).or_default().insert(page.clone());
            }
        }
        broken.sort();
        Findings {
            problems,
            broken,
            outside,
        }
    }
}

/// What one reading of a page finds: its ids, its problems, the links
/// already known to go nowhere, the links to a fragment of a page that is
/// there (judged once every page's ids are known), and its outside links
/// as `(address, page)`.
struct PageRead {
    ids: foldhash::HashSet<String>,
    problems: Vec<Diagnostic>,
    broken: Vec<BrokenLink>,
    to_fragments: Vec<FragmentLink>,
    outside: Vec<(String, String)>,
}

/// A link to `#fragment` on the page at `target`, which is in the edition.
struct FragmentLink {
    url: String,
    target: String,
    fragment: String,
    page: String,
}

impl FragmentLink {
    /// The broken link, when the target page is read and has no such id.
    fn broken(&self, ids: &HashMap<&str, &foldhash::HashSet<String>>) -> Option<BrokenLink> {
        let known = ids.get(self.target.as_str())?;
        (!known.contains(&self.fragment)).then(|| BrokenLink {
            url: self.url.clone(),
            why: Why::NoId {
                fragment: self.fragment.clone(),
                page: self.target.clone(),
            },
            page: self.page.clone(),
        })
    }
}

/// The page being checked: its edition's name, its path in the edition,
/// and the edition's published address.
struct PageToCheck<'a> {
    edition: &'a str,
    path: &'a str,
    address: Option<&'a str>,
}

impl PageToCheck<'_> {
    /// An address as a path relative to this page's folder, and the page it
    /// is read from: one under the edition's published address is read from
    /// the top of the edition.
    fn relative<'u>(&self, url: &'u str) -> (&str, &'u str) {
        match self.address.and_then(|a| url.strip_prefix(a)) {
            Some(rest) => ("index.html", rest),
            None => (self.path, url),
        }
    }
}

/// Reads one page's attributes (see [`PageRead`]); `paths` are the
/// edition's files.
fn read_page(page: &PageToCheck, all: &[Attribute], paths: &foldhash::HashSet<&str>) -> PageRead {
    let (edition, path) = (page.edition, page.path);
    let mut problems = Vec::new();
    let mut broken = Vec::new();
    let mut to_fragments = Vec::new();
    let mut outside = Vec::new();
    if let Some(why) = csp_problem_in(all) {
        problems.push(
            Diagnostic::error(
                "content-security-policy",
                format!("`{edition}/{path}` {why}"),
            )
            .in_path(format!("{edition}/{path}"))
            .hint("every page keeps the theme's `<meta http-equiv=\"Content-Security-Policy\" …>`, which forbids inline script and outside hosts: let templates extend `theme/base.html` rather than replace it"),
        );
    }
    let mut resources: Vec<&str> = ["src", "poster", "data"]
        .iter()
        .flat_map(|a| values_of(all, a))
        .collect();
    resources.extend(
        values_of(all, "srcset")
            .into_iter()
            .flat_map(|set| set.split(','))
            .filter_map(|candidate| candidate.split_whitespace().next()),
    );
    resources.extend(link_element_hrefs_in(all));
    for raw in resources {
        let decoded = decode(raw);
        let (_, url) = page.relative(&decoded);
        if fetched_from_outside(&Address::read(url)) {
            problems.push(outside_resource(&format!("{edition}/{path}"), url));
        }
    }
    let urls = all.iter().filter(|(_, _, name, _)| {
        name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src")
    });
    for (_, element, _, raw) in urls {
        let decoded = decode(raw);
        let (from, url) = page.relative(&decoded);
        let address = Address::read(url);
        let why = match &address.kind {
            Kind::Outside(scheme) | Kind::OtherScheme(scheme) => {
                if scheme.starts_with("http") {
                    outside.push((url.to_string(), format!("{edition}/{path}")));
                }
                None
            }
            Kind::OtherHost => None,
            // An empty `data:` address keeps a browser from asking the
            // server for an icon; it shows nothing and runs nothing.
            Kind::Unsafe(scheme) if scheme == "data" && element.eq_ignore_ascii_case("link") => {
                None
            }
            Kind::Unsafe(scheme) => Some(Why::Unsafe(scheme.clone())),
            Kind::Unreadable(why) => Some(Why::Unreadable(why.clone())),
            Kind::FromRoot => Some(Why::FromRoot),
            Kind::Empty | Kind::Fragment | Kind::Relative => link_in_edition(
                page,
                (from, &address.read, &decoded),
                paths,
                &mut to_fragments,
            ),
        };
        if let Some(why) = why {
            broken.push(BrokenLink {
                url: decoded.to_string(),
                why,
                page: path.to_string(),
            });
        }
    }
    PageRead {
        ids: values_of(all, "id")
            .into_iter()
            .map(|id| decode(id).into_owned())
            .collect(),
        problems,
        broken,
        to_fragments,
        outside,
    }
}

/// Whether loading `address` as a resource asks another host (an empty
/// `data:` address, which the theme's icon uses, asks nothing).
fn fetched_from_outside(address: &Address) -> bool {
    address.is_outside_resource() && address.scheme() != Some("data")
}

/// Why a link to a file of the edition (or a place on a page) goes
/// nowhere, if it does. `url` is the address as a browser reads it,
/// relative to the page `from`; `shown` as the page has it. A link to a
/// fragment of another page is added to `to_fragments`, to be judged once
/// every page's ids are known.
fn link_in_edition(
    page: &PageToCheck,
    (from, url, shown): (&str, &str, &str),
    paths: &foldhash::HashSet<&str>,
    to_fragments: &mut Vec<FragmentLink>,
) -> Option<Why> {
    let (target, fragment) = match url.split_once('#') {
        Some((t, f)) => (t, Some(f)),
        None => (url, None),
    };
    let target = target.split('?').next().unwrap_or("");
    let resolved = if target.is_empty() {
        Some(std::borrow::Cow::Borrowed(from))
    } else {
        resolve(from, target)
    };
    match &resolved {
        None => Some(Why::OutsideEdition),
        Some(r) if !paths.contains(r.as_ref()) => Some(Why::NoFile(r.to_string())),
        Some(r) => {
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                to_fragments.push(FragmentLink {
                    url: shown.to_string(),
                    target: r.to_string(),
                    fragment: f.to_string(),
                    page: page.path.to_string(),
                });
            }
            None
        }
    }
}

fn outside_resource(shown: &str, url: &str) -> Diagnostic {
    Diagnostic::error(
        "outside-resource",
        format!("`{shown}` would make readers' browsers fetch `{url}` from another site"),
    )
    .in_path(shown.to_string())
    .hint("an edition makes no request to any outside host: save the file in the theme's or the authority's `static/` folder and refer to it as `assets/NAME`")
}

/// What is wrong with a page's Content-Security-Policy, if anything: it
/// must be there, and must not let in inline script or outside hosts.
#[cfg(test)]
fn csp_problem(html: &str) -> Option<&'static str> {
    csp_problem_in(&attributes(html))
}

/// What is wrong with a page's Content-Security-Policy, from its attributes.
fn csp_problem_in(all: &[Attribute]) -> Option<&'static str> {
    let policy = all.iter().find_map(|(at, element, name, value)| {
        let is_csp = element.eq_ignore_ascii_case("meta")
            && name.eq_ignore_ascii_case("http-equiv")
            && value.eq_ignore_ascii_case("Content-Security-Policy");
        is_csp.then(|| {
            all.iter()
                .find(|(other, _, n, _)| other == at && n.eq_ignore_ascii_case("content"))
                .map(|(_, _, _, v)| decode(v).to_ascii_lowercase())
                .unwrap_or_default()
        })
    });
    let Some(policy) = policy else {
        return Some("has no Content-Security-Policy");
    };
    let lets_in = |directive: &str, what: &str| {
        policy
            .split(';')
            .map(str::trim)
            .any(|d| d.split_whitespace().next() == Some(directive) && d.contains(what))
    };
    let has = |directive: &str| {
        policy
            .split(';')
            .any(|d| d.split_whitespace().next() == Some(directive))
    };
    let script_directive = match (has("script-src"), has("default-src")) {
        (true, _) => "script-src",
        (false, true) => "default-src",
        (false, false) => {
            return Some("has a Content-Security-Policy that does not restrict scripts")
        }
    };
    if lets_in(script_directive, "'unsafe-inline'") {
        return Some("has a Content-Security-Policy that lets in inline script");
    }
    if policy
        .split_whitespace()
        .any(|source| source == "*" || source.starts_with("http:") || source.starts_with("https:"))
    {
        return Some("has a Content-Security-Policy that lets in outside hosts");
    }
    None
}

/// The `href` of every `<link>` element (style sheets, fonts, icons).
fn link_element_hrefs_in<'a>(all: &[Attribute<'a>]) -> Vec<&'a str> {
    all.iter()
        .filter(|(_, element, name, _)| {
            element.eq_ignore_ascii_case("link") && name.eq_ignore_ascii_case("href")
        })
        .map(|(_, _, _, value)| *value)
        .collect()
}

/// Addresses on other hosts that a style sheet loads (`url(…)`, `@import "…"`).
fn outside_in_css(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = css.to_ascii_lowercase();
    let mut take = |rest: &str| {
        let rest = rest.trim_start();
        let url = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split(')').next().unwrap_or("").trim(),
        };
        if fetched_from_outside(&Address::read(url)) {
            found.push(url.to_string());
        }
    };
    for (at, _) in lower.match_indices("url(") {
        take(&css[at + 4..]);
    }
    for (at, _) in lower.match_indices("@import") {
        let rest = css[at + 7..].trim_start();
        if rest.starts_with(['"', '\'']) {
            take(rest);
        }
    }
    found
}

#[cfg(test)]
mod tests;
