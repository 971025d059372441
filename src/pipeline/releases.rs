//! Past releases of an edition: each built from the files committed at
//! its tag, through the same stages as the current edition, in each of the
//! languages it had (each language's site with its search index, when the
//! run makes indexes), and placed under the edition's `versions/`, marked
//! as archived in each page's language and linked to the current pages.
//! What they made is kept in the build cache (`--cache`), keyed by what it
//! depends on, so a release is built once.
//!
//! It reads git only through `history` and the cache only through
//! `store`, and it never touches the current edition's pages.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{edition_theme, editions_of, language, Bases, Request, RunContext};
use crate::model::theme::Theme;
use crate::stages::load::{self, history, Selection};
use crate::stages::{link, render};
use crate::support::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::support::output::{Content, OutputFile};
use crate::support::store::{CacheEntry, Store};

/// The releases a run shows, oldest first: none when `request.history` is
/// off, and none dated after `request.today` (a release comes into force
/// on its date). Returns them, a warning for each tag under `handbook/`
/// that is not a release and each release not yet in force, and, when the
/// root has no history to show, a note saying why.
pub(super) fn shown(request: &Request) -> Shown {
    let recorded = match history::releases(&request.root) {
        Ok(recorded) => recorded,
        Err(off) => {
            let note = Diagnostic::note(
                "history-off",
                format!("history is off: {}, so the site shows no past versions", off.reason()),
            )
            .hint("keep the root in git and record releases with `handbook release SLUG --version V --note TEXT`");
            return Shown {
                off: Some(note),
                ..Shown::default()
            };
        }
    };
    let mut warnings: Vec<Diagnostic> = recorded
        .ignored
        .iter()
        .map(|i| {
            Diagnostic::warning(
                "release-ignored",
                format!("the tag {} is not shown as a release: {}", i.tag, i.why),
            )
            .hint(i.hint.clone())
        })
        .collect();
    if recorded.shallow {
        warnings.push(
            Diagnostic::warning("shallow-history", "the root is in a shallow clone of its repository, which may leave out releases: the site shows only the release tags it has")
                .hint("fetch the whole history and every tag with `git fetch --unshallow --tags` (or clone without a depth)"),
        );
    }
    let (shown, later): (Vec<_>, Vec<_>) = recorded
        .releases
        .into_iter()
        .partition(|r| r.date <= request.today);
    warnings.extend(later.iter().map(|r| {
        Diagnostic::warning(
            "release-not-yet-in-force",
            format!(
                "release {} of `{}` is dated {}, after today ({}), so it is not shown until that day",
                r.version, r.edition, r.date, request.today
            ),
        )
        .hint("a release comes into force on its tag's date: if the date is wrong (a computer's clock, a tag made with a date in the future), delete the tag with `git tag -d` and record it again")
    }));
    let in_force = shown.clone();
    let shown = if request.history { shown } else { Vec::new() };
    Shown {
        shown,
        warnings,
        off: None,
        in_force,
    }
}

/// What [`shown`] finds of a root's releases.
#[derive(Debug, Default)]
pub(super) struct Shown {
    /// The releases the run shows, oldest first.
    pub shown: Vec<history::Release>,
    /// A warning for each tag that is not a release, and each release not
    /// yet in force.
    pub warnings: Vec<Diagnostic>,
    /// Why the root has no history to show, if it has none.
    pub off: Option<Diagnostic>,
    /// Every release in force, shown or not (a layer's releases are told
    /// to the councils built on it even when the run shows no history).
    pub in_force: Vec<history::Release>,
}

/// An edition's past releases, built: what their pages said (from which
/// each language's site makes its [`render::History`]), and each one's
/// pages, to be placed under `versions/`.
pub(super) struct Past<'a> {
    pub(super) texts: Vec<render::ReleaseText>,
    pub(super) builds: Vec<Built<'a>>,
}

/// One past release as a run has it: where the build cache keeps it, and
/// its pages when this run made them (else they are in the cache).
pub(super) struct Built<'a> {
    release: &'a history::Release,
    key: Option<[u8; 16]>,
    files: Option<Vec<OutputFile>>,
}

/// The kind of build cache entry that holds a release's pages as built.
const RELEASE_ENTRY: &str = "releases";

/// The kind of build cache entry that holds a release's pages as placed
/// in an edition (marked as archived and linked to the current pages); one
/// entry a release, in a folder named by the release's key.
const ARCHIVED_ENTRY: &str = "archived";

/// One past release as its pages are placed: its version, and the banner
/// of each language's site (see [`render::banner`]).
pub(super) type Placing = (String, Vec<render::Banner>);

/// The pages of every past release of an edition (`builds`, each placed as
/// `placing` says) under its folder, marked as archived and linked to the
/// current edition's files, at `paths` (every language's, from the
/// edition's top).
pub(super) fn place(
    context: &RunContext,
    builds: Vec<Built>,
    placing: &[Placing],
    paths: &[String],
    diagnostics: &Diagnostics,
) -> Vec<OutputFile> {
    let current: std::collections::HashSet<String> = paths.iter().cloned().collect();
    let mut paths: Vec<&str> = current.iter().map(String::as_str).collect();
    paths.sort_unstable();
    let mut f = crate::support::fingerprint::Fingerprint::default();
    for path in paths {
        f.text(path);
    }
    let current_key = f.finish();
    let placed: Vec<Vec<OutputFile>> = builds
        .into_par_iter()
        .zip(placing)
        .map(|(built, placing)| {
            placed_release(
                context,
                built,
                placing,
                (&current, &current_key),
                diagnostics,
            )
        })
        .collect();
    placed.into_iter().flatten().collect()
}

/// The key of a release's pages as placed: the release's key, the banners
/// (with the dates they show, in each language), and the current pages its
/// pages link to.
fn placed_key(release: &[u8; 16], (version, banners): &Placing, current: &[u8; 16]) -> [u8; 16] {
    let mut f = crate::support::fingerprint::Fingerprint::default();
    f.bytes(release).text(version);
    for banner in banners {
        f.text(&banner.folder).text(&banner.html);
    }
    f.bytes(current);
    f.finish()
}

/// One release's pages placed in its edition, linked to the `current`
/// pages (their paths, and the key of that list): from the build cache
/// when it holds them, else marked afresh (from the pages this run built,
/// or those the cache keeps, or built again) and kept there.
fn placed_release(
    context: &RunContext,
    built: Built,
    placing: &Placing,
    (current, current_key): (&std::collections::HashSet<String>, &[u8; 16]),
    diagnostics: &Diagnostics,
) -> Vec<OutputFile> {
    let store = context.store.as_ref();
    // Where the cache keeps the placed pages: one folder a release.
    let placed = store.zip(built.key).map(|(store, key)| {
        let kind = format!(
            "{ARCHIVED_ENTRY}/{}",
            crate::support::fingerprint::hex(&key)
        );
        (store, kind, placed_key(&key, placing, current_key))
    });
    if let Some((store, kind, key)) = &placed {
        if let Some(files) = store.files(kind, key) {
            return kept(files);
        }
    }
    let files = built.files.or_else(|| {
        let (store, key) = store.zip(built.key)?;
        store.get(RELEASE_ENTRY, &key).map(from_entry)
    });
    let files = files.or_else(|| {
        // Its pages as built are missing from the cache or damaged there:
        // built again, and kept again.
        let (text, files) = build_release(context, built.release, diagnostics)?;
        if let Some((store, key)) = store.zip(built.key) {
            let kept = store.put(RELEASE_ENTRY, &key, &to_entry(&text, &files));
            cache_kept(kept, store, built.release, diagnostics);
        }
        Some(files)
    });
    let Some(files) = files else {
        return Vec::new();
    };
    let (version, banners) = placing;
    match render::archived(files, version, banners, current) {
        Ok(files) => {
            if let Some((store, kind, key)) = &placed {
                let bytes: Vec<(&str, std::borrow::Cow<[u8]>)> = files
                    .iter()
                    .map(|f| (f.path.as_str(), f.content.bytes().unwrap_or_default()))
                    .collect();
                let listed: Vec<(&str, &[u8])> = bytes.iter().map(|(p, b)| (*p, &**b)).collect();
                let put = store.put_files(kind, key, &listed);
                cache_kept(put, store, built.release, diagnostics);
            }
            files
        }
        Err(why) => {
            diagnostics.push(Diagnostic::error(
                "unreadable",
                format!("cannot read a file of release {version}: {why}"),
            ));
            Vec::new()
        }
    }
}

/// Builds every release of the edition `slug` that the run shows, from the
/// files committed at its tag (or takes what they said from the build
/// cache); `None` when it has none.
pub(super) fn past<'a>(
    context: &'a RunContext,
    slug: &str,
    diagnostics: &Diagnostics,
) -> Option<Past<'a>> {
    let releases: Vec<&history::Release> = context
        .releases
        .iter()
        .filter(|r| r.edition == slug)
        .collect();
    if releases.is_empty() {
        return None;
    }
    let built: Vec<_> = releases
        .par_iter()
        .filter_map(|release| release_built(context, release, diagnostics))
        .collect();
    let (texts, builds): (Vec<render::ReleaseText>, Vec<_>) = built.into_iter().unzip();
    Some(Past { texts, builds })
}

/// One release: what its pages said, from the build cache when it holds
/// it (its pages are read from there only if they are needed), else built
/// and kept there. A release's pages depend only on the files of its tag,
/// its date and note, and this program, which its key covers.
fn release_built<'a>(
    context: &RunContext,
    release: &'a history::Release,
    diagnostics: &Diagnostics,
) -> Option<(render::ReleaseText, Built<'a>)> {
    let key = context
        .store
        .as_ref()
        .and_then(|_| release_key(&context.sources.root, release, context.search));
    let stored = context.store.as_ref().zip(key);
    if let Some((store, key)) = &stored {
        let about = store.about(RELEASE_ENTRY, key);
        if let Some(text) = about.and_then(|a| serde_json::from_slice(&a).ok()) {
            let files = None;
            return Some((
                text,
                Built {
                    release,
                    key: Some(*key),
                    files,
                },
            ));
        }
    }
    let (text, files) = build_release(context, release, diagnostics)?;
    if let Some((store, key)) = &stored {
        let kept = store.put(RELEASE_ENTRY, key, &to_entry(&text, &files));
        cache_kept(kept, store, release, diagnostics);
    }
    let files = Some(files);
    Some((
        text,
        Built {
            release,
            key,
            files,
        },
    ))
}

/// Warns when what a build made of `release` could not be kept in the
/// build cache.
fn cache_kept(
    kept: std::io::Result<()>,
    store: &Store,
    release: &history::Release,
    diagnostics: &Diagnostics,
) {
    let Err(why) = kept else { return };
    let what = format!("release {} of `{}`", release.version, release.edition);
    diagnostics.push(unwritable_cache(store, &what, &why));
}

/// The warning that `what` could not be kept in the build cache, and why,
/// in plain words: a cache whose place holds a file is said to be one (the
/// file is the user's, so the hint does not offer to delete it), and the
/// file system's error number is left out.
pub(super) fn unwritable_cache(
    store: &Store,
    what: &str,
    why: &dyn std::fmt::Display,
) -> Diagnostic {
    let dir = store.dir();
    if dir.exists() && !dir.is_dir() {
        return Diagnostic::warning(
            "cache-unwritable",
            format!(
                "cannot keep {what} in the build cache: {} is a file, and the build cache must be a folder",
                dir.display()
            ),
        )
        .hint("give `--cache` the path of a folder (Handbook makes it if it is not there), or use `--no-cache` to keep none; the site is built all the same, but builds take longer without the cache");
    }
    let why = why.to_string();
    let why = why
        .rfind(" (os error ")
        .map_or(why.as_str(), |at| &why[..at]);
    Diagnostic::warning(
        "cache-unwritable",
        format!("cannot keep {what} in the build cache {}: {why}", dir.display()),
    )
    .hint("the site is built all the same, but what could not be kept is made again on every build, so builds take longer; let Handbook write in the cache folder, or delete the cache folder (that is always safe), or use `--no-cache` to keep none")
}

/// Where a run finds search indexes made before: its build cache,
/// if it keeps one and this program's own file can be read.
pub(super) fn search_kept(request: &Request) -> crate::site::search::Kept {
    match (&request.cache, program_key()) {
        (Some(dir), Some(program)) => crate::site::search::Kept::in_store(Store::new(dir), program),
        _ => crate::site::search::Kept::none(),
    }
}

/// The key of a release's pages: this program, the root, the commit of the
/// release's tag, what the tag says (edition, version, date, note), and
/// whether its sites have search indexes. `None` when this program's own
/// file cannot be read.
fn release_key(root: &Path, release: &history::Release, search: bool) -> Option<[u8; 16]> {
    let mut f = crate::support::fingerprint::Fingerprint::default();
    f.bytes(&program_key()?)
        .number(u64::from(search))
        .text(&root.to_string_lossy())
        .text(release.commit())
        .text(&release.edition)
        .text(&release.version)
        .text(&release.date.to_string())
        .number(release.seconds as u64)
        .text(&release.note);
    Some(f.finish())
}

/// A fingerprint of this program: its version and its file's size and
/// time of last change (as compilers' caches tell one compiler from
/// another), so what one build of Handbook made is never taken for
/// another's. `None` when the file cannot be found.
fn program_key() -> Option<[u8; 16]> {
    static KEY: std::sync::OnceLock<Option<[u8; 16]>> = std::sync::OnceLock::new();
    *KEY.get_or_init(|| {
        let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        let changed = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let mut f = crate::support::fingerprint::Fingerprint::default();
        f.text(env!("CARGO_PKG_VERSION"))
            .number(meta.len())
            .number(changed.as_secs())
            .number(u64::from(changed.subsec_nanos()));
        Some(f.finish())
    })
}

/// A built release as a build cache entry: its text as JSON, its files.
fn to_entry(text: &render::ReleaseText, files: &[OutputFile]) -> CacheEntry {
    CacheEntry {
        about: serde_json::to_vec(text).unwrap_or_default(),
        files: files
            .iter()
            .map(|f| {
                let bytes = f.content.bytes().map(|b| b.into_owned());
                (f.path.clone(), bytes.unwrap_or_default())
            })
            .collect(),
    }
}

/// The files of a folder entry of the build cache, to be shared with the
/// output.
fn kept(files: Vec<(String, PathBuf)>) -> Vec<OutputFile> {
    files
        .into_iter()
        .map(|(path, at)| OutputFile {
            path,
            content: Content::Kept(at),
        })
        .collect()
}

/// The files of a build cache entry.
fn from_entry(entry: CacheEntry) -> Vec<OutputFile> {
    entry
        .files
        .into_iter()
        .map(|(path, bytes)| OutputFile {
            path,
            content: Content::Bytes(bytes),
        })
        .collect()
}

/// One release of one edition built from the files of its tag, through the
/// same stages as the current edition, in each of its languages (each
/// other language's site in its folder, `cy/`), as of the release's date,
/// without "Report a problem" links; with the run's search indexes on, each
/// site has its own, so that search works in the archived version too.
/// Every file is read into memory, so nothing of it stays on disk. A
/// release that cannot be built is left out with a warning naming its
/// first problem.
pub(super) fn build_release(
    context: &RunContext,
    release: &history::Release,
    diagnostics: &Diagnostics,
) -> Option<(render::ReleaseText, Vec<OutputFile>)> {
    let left_out = |why: String| {
        diagnostics.push(
            Diagnostic::warning(
                "release-left-out",
                format!(
                    "release {} of `{}` is left out of the site: {why}",
                    release.version, release.edition
                ),
            )
            .hint(
                "check out the release's tag and run `handbook check` to see why it does not build",
            ),
        );
    };
    let dir = tempfile::tempdir()
        .map_err(|e| left_out(e.to_string()))
        .ok()?;
    let written = history::release_files(&context.sources.root, release)
        .map_err(|off| off.reason())
        .and_then(|files| history::write_files(&files, dir.path()).map_err(|e| e.to_string()));
    if let Err(why) = written {
        left_out(why);
        return None;
    }
    let own = Diagnostics::new();
    let slug =
        (release.edition != crate::support::url::MODEL_SLUG).then_some(release.edition.as_str());
    let mut sources = load::load(
        dir.path(),
        &Selection::Only(slug.into_iter().map(String::from).collect()),
        &own,
    );
    // A past release is the record of what the guidance said: a reader
    // reports a problem from the current page, which its banner links to.
    for authority in &mut sources.authorities {
        authority.config.feedback.off = true;
    }
    for translated in &mut sources.translated {
        translated.authority.config.feedback.off = true;
    }
    let made = release_sites(context, &sources, slug, release, &own);
    let first_error = own
        .into_sorted()
        .into_iter()
        .find(|d| d.severity == Severity::Error);
    match (made, first_error) {
        (Some(sites), None) => {
            let mut text = render::ReleaseText {
                version: release.version.clone(),
                date: release.date,
                note: release.note.clone(),
                pages: Default::default(),
                translated: Default::default(),
            };
            let mut files = Vec::new();
            for (lang, pages, made) in sites {
                match lang {
                    None => text.pages = pages,
                    Some(lang) => {
                        text.translated.insert(lang.code().to_string(), pages);
                    }
                }
                files.extend(made);
            }
            files.sort_by(|a, b| a.path.cmp(&b.path));
            Some((
                text,
                in_memory(files).map_err(|e| left_out(e.to_string())).ok()?,
            ))
        }
        (_, error) => {
            left_out(error.map_or_else(|| "it has no such edition".into(), |e| e.message.into()));
            None
        }
    }
}

/// Each language's site of a release (`slug`'s edition, `None` for the
/// model's, of `sources` as its tag has them), made as of its date; `None`
/// when the edition is not there or a template fails (in `own`).
fn release_sites(
    context: &RunContext,
    sources: &crate::model::handbook::Sources,
    slug: Option<&str>,
    release: &history::Release,
    own: &Diagnostics,
) -> Option<Vec<ReleaseSite>> {
    let theme = Theme::load(&sources.root, &sources.theme_dir, own);
    let bases = Bases::of(sources, own);
    let editions = editions_of(sources, &bases, slug, own)?;
    // What the current edition says of the translations is not said
    // again of a past release's.
    let states = language::translation_states(sources, &editions, &Diagnostics::new());
    let linked: Vec<link::LinkedEdition> =
        editions.into_iter().map(|e| link::link(e, own)).collect();
    let (engine, mut mine) = (std::sync::OnceLock::new(), None);
    let (engine, statics) = edition_theme(&engine, &mut mine, sources, &theme, &linked[0], own)?;
    let sites = linked.iter().map(|linked| {
        let language = language::edition_language(sources, &theme, linked, &states, own);
        let renderer =
            render::Renderer::new(linked, engine, &statics, release.date, own, None, language)
                .without_offline();
        let files = render::make_each(&renderer, |file| file);
        site_of(context, linked, files, own)
    });
    Some(sites.collect())
}

/// A past release's site in one language: its language (`None` for the
/// edition's default), each page's file and text by page id, and its files
/// in its folder.
type ReleaseSite = (
    Option<crate::model::language::Lang>,
    std::collections::BTreeMap<String, (String, String)>,
    Vec<OutputFile>,
);

/// The site of a past release in the language of `linked`, made as
/// `files`, with its search index when the run makes them (a failure to
/// make one goes to `diagnostics`).
fn site_of(
    context: &RunContext,
    linked: &link::LinkedEdition,
    mut files: Vec<OutputFile>,
    diagnostics: &Diagnostics,
) -> ReleaseSite {
    let pages = linked
        .pages
        .iter()
        .map(|p| {
            let id = p.page.id().to_string();
            let file = crate::support::url::file_of(&linked.edition.home, &id);
            (id, (file, format!("{}\n{}", p.title, &*p.text.markdown)))
        })
        .collect();
    if context.search {
        let indexed = files
            .par_iter()
            .filter_map(crate::site::search::indexed_page)
            .collect();
        let lang = linked
            .edition
            .lang
            .unwrap_or(crate::model::language::Lang::En);
        match crate::site::search::index_pages(indexed, lang.code(), &context.kept) {
            Ok(index) => files.extend(index),
            Err(d) => diagnostics.push(d),
        }
    }
    let folder = linked.edition.folder();
    let files = files
        .into_iter()
        .map(|f| super::findings::in_folder(&folder, f))
        .collect();
    (linked.edition.lang, pages, files)
}

/// Files with every copied file read into memory.
///
/// Errors: a file that cannot be read, named in the error.
fn in_memory(files: Vec<OutputFile>) -> std::io::Result<Vec<OutputFile>> {
    files
        .into_iter()
        .map(|f| match f.content {
            Content::Copy(_) | Content::Kept(_) => {
                let bytes = f.content.read()?.into_owned();
                Ok(OutputFile {
                    path: f.path,
                    content: Content::Bytes(bytes),
                })
            }
            _ => Ok(f),
        })
        .collect()
}
