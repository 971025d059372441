//! `handbook digest SLUG --since V` (issue 36): what changed for staff in
//! an edition since one of its releases, for the council's own mailer.
//!
//! Builds the release from its tag (as a build of past versions does) and
//! the edition as the root has it now, and compares each page's text: a
//! page the release lacked is new, one whose title or text differs has
//! changed, one the edition no longer has was removed. Each page carries
//! the notes of "What's changed" dated after the release, and the digest
//! the releases published since. It decides what changed and writes the
//! two files ([`Made::write`]); the words and the HTML are the render
//! stage's.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::language::edition_language;
use super::{overlay_edition, releases, Bases, RunContext};
use crate::model::theme::Theme;
use crate::stages::link;
use crate::stages::load::{self, history, Selection};
use crate::stages::render;
use crate::stages::render::digest::{Digest, DigestPage, LaterRelease, PageChange};
use crate::support::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::support::url::{file_of, MODEL_SLUG};

/// A digest worked out, with the words it is to be written in.
pub struct Made {
    /// What changed.
    pub digest: Digest,
    /// The theme's words in the edition's default language (with the
    /// authority's own).
    pub strings: crate::model::language::Strings,
    /// The value of `<html lang>` for that language.
    pub lang: &'static str,
}

/// What `handbook digest` asks for.
#[derive(Debug, Clone)]
pub struct DigestRequest {
    /// The handbook root.
    pub root: PathBuf,
    /// The edition: an authority's slug, or `model`.
    pub slug: String,
    /// The release it starts from.
    pub since: String,
    /// The day it is made.
    pub today: Date,
}

/// The release `version` of `slug` among the root's releases, with those
/// of the same edition published after it (up to `today`), oldest first;
/// or why there is none.
fn find_release(
    root: &Path,
    slug: &str,
    version: &str,
    today: Date,
) -> Result<(history::Release, Vec<history::Release>), Diagnostic> {
    let recorded = history::releases(root).map_err(|off| {
        Diagnostic::error("no-release", format!("cannot read the releases of `{slug}`: {}", off.reason()))
            .hint("a digest starts from a published version: record one with `handbook release SLUG --version V --note TEXT`")
    })?;
    let mut of_edition: Vec<history::Release> = recorded
        .releases
        .into_iter()
        .filter(|r| r.edition == slug && r.date <= today)
        .collect();
    of_edition.sort_by_key(|r| (r.date, r.seconds));
    let Some(at) = of_edition.iter().position(|r| r.version == version) else {
        let known: Vec<&str> = of_edition.iter().map(|r| r.version.as_str()).collect();
        return Err(Diagnostic::error(
            "no-release",
            format!("`{slug}` has no release `{version}` in force by today"),
        )
        .hint(if known.is_empty() {
            "`handbook releases` lists the releases recorded; record one with `handbook release`"
                .to_string()
        } else {
            format!("its releases are {}", known.join(", "))
        }));
    };
    let later = of_edition.split_off(at + 1);
    Ok((of_edition.remove(at), later))
}

/// The errors among `diagnostics`, or, when there are none, `why`.
fn failed(diagnostics: Diagnostics, why: Diagnostic) -> Vec<Diagnostic> {
    let errors: Vec<Diagnostic> = diagnostics
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        vec![why]
    } else {
        errors
    }
}

/// The pages of `linked` whose text differs from the release's (`then`),
/// in reading order, then those the release had and `linked` has not, each
/// with its notes among `notes` (those dated after the release), oldest
/// first; the edition-wide notes (`edition_notes`) are left out of the
/// home page's.
fn changed_pages(
    linked: &link::LinkedEdition,
    then: &render::ReleaseText,
    notes: &[&render::ChangeEntry],
    address: Option<&str>,
    edition_notes: &[String],
) -> Vec<DigestPage> {
    let mut pages = Vec::new();
    for p in &linked.pages {
        let id = p.page.id();
        let file = file_of(&linked.edition.home, id);
        let now = format!("{}\n{}", p.title, &*p.text.markdown);
        let change = match then.pages.get(id) {
            None => PageChange::New,
            Some((_, text)) if *text != now => PageChange::Changed,
            Some(_) => continue,
        };
        let mut page_notes: Vec<String> = notes
            .iter()
            .filter(|e| {
                e.href == file && !(file == "index.html" && edition_notes.contains(&e.note))
            })
            .map(|e| e.note.clone())
            .collect();
        // "What's changed" lists the newest first; a digest reads oldest first.
        page_notes.reverse();
        pages.push(DigestPage {
            title: p.title.clone(),
            url: address.map(|a| format!("{a}{file}")),
            file,
            change,
            notes: page_notes,
        });
    }
    for (id, (file, text)) in &then.pages {
        if linked.page(id).is_none() {
            pages.push(DigestPage {
                title: text.lines().next().unwrap_or(id).to_string(),
                url: None,
                file: file.clone(),
                change: PageChange::Removed,
                notes: Vec::new(),
            });
        }
    }
    pages
}

/// What changed in the edition since the release asked for. Errors: the
/// problems that stop the edition (or the release) being built, or that
/// there is no such edition or release, each with what to do.
pub fn digest(request: &DigestRequest) -> Result<Made, Vec<Diagnostic>> {
    let diagnostics = Diagnostics::new();
    let slug = (request.slug != MODEL_SLUG).then_some(request.slug.as_str());
    let (since, later) = find_release(&request.root, &request.slug, &request.since, request.today)
        .map_err(|d| vec![d])?;
    let selection = Selection::Only(slug.into_iter().map(String::from).collect());
    let sources = load::load(&request.root, &selection, &diagnostics);
    let theme = Theme::load(&sources.root, &sources.theme_dir, &diagnostics);
    let unknown = || {
        Diagnostic::error(
            "unknown-authority",
            format!("there is no authority `{}`", request.slug),
        )
        .hint("name a folder of local-overrides/, or `model`")
    };
    let bases = Bases::of(&sources, &diagnostics);
    let Some(edition) = overlay_edition(&sources, &bases, slug, &diagnostics) else {
        return Err(failed(diagnostics, unknown()));
    };
    let linked = link::link(edition, &diagnostics);
    // The release is built as a build of past versions builds it, without
    // its search index or the build cache: only its text is compared.
    let context = RunContext {
        sources: &sources,
        bases: &bases,
        theme: &theme,
        today: request.today,
        search: false,
        engine: std::sync::OnceLock::new(),
        releases: Vec::new(),
        in_force: Vec::new(),
        store: None,
        kept: crate::site::search::Kept::none(),
        staging: None,
    };
    let built = releases::build_release(&context, &since, &diagnostics);
    let (Some((then, _)), false) = (built, diagnostics.has_errors()) else {
        let why = Diagnostic::error(
            "no-release",
            format!(
                "release {} of `{}` could not be built",
                since.version, request.slug
            ),
        )
        .hint("check out the release's tag and run `handbook check` to see why it does not build");
        return Err(failed(diagnostics, why));
    };
    let language = edition_language(&sources, &theme, &linked, &[], &diagnostics);
    let strings = language.strings;
    let after = since.date.to_string();
    let notes = render::change_entries(&linked, &strings);
    let notes: Vec<_> = notes.iter().filter(|e| e.iso_date > after).collect();
    let address = linked.edition.address().map(str::to_string);
    let edition_notes: Vec<String> = linked
        .edition
        .authority
        .map(|a| &a.config.changes)
        .into_iter()
        .flatten()
        .filter(|c| c.date > since.date)
        .map(|c| c.note.clone())
        .collect();
    let pages = changed_pages(&linked, &then, &notes, address.as_deref(), &edition_notes);
    let digest = Digest {
        name: linked.edition.name().to_string(),
        since: since.version.clone(),
        since_date: strings.long_date(since.date),
        made: strings.long_date(request.today),
        address,
        releases: later
            .iter()
            .map(|r| LaterRelease {
                version: r.version.clone(),
                date: strings.long_date(r.date),
                note: r.note.clone(),
            })
            .collect(),
        edition_notes,
        pages,
    };
    Ok(Made {
        digest,
        strings,
        lang: crate::model::language::Lang::En.html(),
    })
}

/// A digest, or the problems that kept it from being made.
pub type MadeOrNot = Result<Made, Vec<Diagnostic>>;

/// The digest of each edition's release `version` since the release of
/// the same edition before it, as `handbook release` writes them after
/// recording it: one for each edition with release `version` and an
/// earlier one (a first release has nothing to compare with), by slug.
/// Errors: the root's releases cannot be read (the digest of an edition
/// that cannot be made is that edition's error).
pub fn of_release(
    root: &Path,
    version: &str,
    today: Date,
) -> Result<Vec<(String, MadeOrNot)>, Diagnostic> {
    let recorded = history::releases(root).map_err(|off| {
        Diagnostic::error(
            "no-release",
            format!("cannot read the releases: {}", off.reason()),
        )
    })?;
    let mut releases = recorded.releases;
    releases.sort_by_key(|r| (r.date, r.seconds));
    let mut made = Vec::new();
    for (at, release) in releases.iter().enumerate() {
        if release.version != version {
            continue;
        }
        let before = releases[..at]
            .iter()
            .rev()
            .find(|r| r.edition == release.edition);
        let Some(before) = before else { continue };
        let request = DigestRequest {
            root: root.to_path_buf(),
            slug: release.edition.clone(),
            since: before.version.clone(),
            today,
        };
        made.push((release.edition.clone(), digest(&request)));
    }
    Ok(made)
}

impl Made {
    /// Writes the digest into the folder `out` (made if need be) as
    /// `digest-SLUG-since-V.html` (email-ready) and `.txt` (plain text);
    /// returns their paths. Characters a file name cannot safely hold in
    /// the version are written as `-`.
    ///
    /// Errors: a file or folder that cannot be written.
    pub fn write(&self, out: &Path, slug: &str) -> std::io::Result<[PathBuf; 2]> {
        let safe: String = format!("digest-{slug}-since-{}", self.digest.since)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        std::fs::create_dir_all(out)?;
        let html = out.join(format!("{safe}.html"));
        let text = out.join(format!("{safe}.txt"));
        std::fs::write(
            &html,
            render::digest::html(&self.digest, &self.strings, self.lang),
        )?;
        std::fs::write(&text, render::digest::text(&self.digest, &self.strings))?;
        Ok([html, text])
    }
}
