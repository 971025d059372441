//! Releases: published versions of editions, recorded as annotated git tags
//! in the handbook root's repository, and the files of each release read
//! back from git.
//!
//! A release of the edition `SLUG` at version `V` is the annotated tag
//! `handbook/SLUG/V` (the model's slug is `model`), so each edition and the
//! model are released on their own. The tag's message is the release note
//! and its tagger's date, in Europe/London, is the date the release came
//! into force.
//!
//! The one module that uses the git library (gix): no `git` program is
//! needed. It reads and writes git objects only; it builds nothing and
//! never changes the work tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

/// Where release tags live in `refs/tags/`.
pub const TAG_PREFIX: &str = "handbook/";

/// The folders of a root that make an edition, as its release must have
/// them committed.
pub const SOURCE_FOLDERS: &[&str] = &["content", "themes", "local-overrides"];

/// One recorded release of one edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// `model` or the authority's slug.
    pub edition: String,
    /// The version, as given to `handbook release`.
    pub version: String,
    /// The day it came into force: the tag's date in Europe/London.
    pub date: Date,
    /// The tag's time, in seconds since 1970, to order releases of one day.
    pub seconds: i64,
    /// The release note (the tag's message, trimmed).
    pub note: String,
    /// The commit the tag points at, in hexadecimal.
    commit: String,
}

impl Release {
    /// The commit the release's tag points at, in hexadecimal.
    pub fn commit(&self) -> &str {
        &self.commit
    }
}

/// A tag under `handbook/` that is not read as a release, and why: each
/// is reported, never skipped in silence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The tag's name, without `refs/tags/`.
    pub tag: String,
    /// Why it is not a release, in plain words.
    pub why: String,
    /// What to do about it.
    pub hint: String,
}

impl Ignored {
    fn new(tag: &str, why: impl Into<String>, hint: &str) -> Self {
        Self {
            tag: tag.to_string(),
            why: why.into(),
            hint: hint.to_string(),
        }
    }
}

/// The releases a repository records, and the tags under `handbook/` it
/// could not read as releases.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Every release, oldest first (by date, then time, then version).
    pub releases: Vec<Release>,
    /// Tags that are not releases, by name.
    pub ignored: Vec<Ignored>,
    /// Whether the repository is a shallow clone, which may lack tags.
    pub shallow: bool,
}

/// Why a root has no history to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Off {
    /// The root is not inside a git repository.
    NotARepository,
    /// The repository has no release tags (of these editions).
    NoReleases,
    /// The repository is a shallow clone (as CI services make by default)
    /// with no release tags: they may be there, but not fetched.
    Shallow,
    /// The repository could not be read; the words say why.
    Unreadable(String),
}

impl Off {
    /// Why history is off, in plain words for a note.
    pub fn reason(&self) -> String {
        match self {
            Off::NotARepository => "the root is not in a git repository".into(),
            Off::NoReleases => "no release has been recorded (`handbook release`)".into(),
            Off::Shallow => "the root is in a shallow clone of its repository, which holds no release tags: a clone made with a depth (as CI services make by default) leaves them out; fetch them with `git fetch --unshallow --tags` (or clone with the whole history)".into(),
            Off::Unreadable(why) => format!("its git repository could not be read: {why}"),
        }
    }
}

/// The repository holding `root`, and the root's folder inside its tree
/// (`""` at the top, else ending in `/`).
fn open(root: &Path) -> Result<(gix::Repository, String), Off> {
    let repo = gix::discover(root).map_err(|_| Off::NotARepository)?;
    let top = repo
        .workdir()
        .ok_or_else(|| Off::Unreadable("it has no work tree".into()))?;
    let canonical = |p: &Path| p.canonicalize().map_err(|e| Off::Unreadable(e.to_string()));
    let (top, root) = (canonical(top)?, canonical(root)?);
    let inside = root
        .strip_prefix(&top)
        .map_err(|_| Off::Unreadable("the root is outside the work tree".into()))?;
    let mut prefix = inside.to_string_lossy().replace('\\', "/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    Ok((repo, prefix))
}

fn unreadable(e: impl std::fmt::Display) -> Off {
    Off::Unreadable(e.to_string())
}

/// Every release recorded in the repository holding `root`, oldest first
/// (by date, then time, then version), and the tags under `handbook/`
/// that are not releases ([`Ignored`]: a lightweight tag, a version name
/// [`crate::support::names::version_problem`] refuses, an edition name that is not
/// one).
///
/// Errors: [`Off`] when the root is not in a repository, has no release
/// tags (or is a shallow clone without them), or its tags cannot be read.
pub fn releases(root: &Path) -> Result<Recorded, Off> {
    let (repo, _) = open(root)?;
    let refs = repo.references().map_err(unreadable)?;
    let tags = refs
        .prefixed(format!("refs/tags/{TAG_PREFIX}").as_str())
        .map_err(unreadable)?;
    let london = jiff::tz::TimeZone::get("Europe/London").map_err(unreadable)?;
    let mut recorded = Recorded {
        shallow: repo.is_shallow().unwrap_or(false),
        ..Recorded::default()
    };
    for tag in tags {
        let tag = tag.map_err(unreadable)?;
        let name = tag.name().as_bstr().to_string();
        let name = name.strip_prefix("refs/tags/").unwrap_or(&name).to_string();
        match read_tag(&repo, tag.id().detach(), &name, &london) {
            Ok(release) => recorded.releases.push(release),
            Err(ignored) => recorded.ignored.push(ignored),
        }
    }
    if recorded.releases.is_empty() && recorded.ignored.is_empty() {
        return Err(if recorded.shallow {
            Off::Shallow
        } else {
            Off::NoReleases
        });
    }
    recorded.releases.sort_by(|a, b| {
        (a.date, a.seconds, &a.version, &a.edition)
            .cmp(&(b.date, b.seconds, &b.version, &b.edition))
    });
    Ok(recorded)
}

/// The edition and version a tag's name `handbook/EDITION/VERSION` gives,
/// or why it gives none.
fn parse_tag_name(name: &str) -> Result<(&str, &str), Ignored> {
    let ignored = |why: String, hint: &str| Ignored::new(name, why, hint);
    let rest = name.strip_prefix(TAG_PREFIX).unwrap_or(name);
    let Some((edition, version)) = rest.split_once('/') else {
        return Err(ignored(
            "it names no version (a release's tag is `handbook/EDITION/VERSION`)".into(),
            "delete it with `git tag -d`, and record releases with `handbook release`",
        ));
    };
    if !crate::text::markdown::is_valid_id(edition) {
        return Err(ignored(
            format!("`{edition}` is not the name of an edition"),
            "delete it with `git tag -d`, and record releases with `handbook release`",
        ));
    }
    if let Some(why) = crate::support::names::version_problem(version) {
        return Err(ignored(
            format!("`{version}` cannot be a version: {why}"),
            "delete it with `git tag -d`, and record the release again with `handbook release EDITION --version V`, V made of lowercase letters, digits, `.` and `-`",
        ));
    }
    Ok((edition, version))
}

/// The release the tag `name` (at object `id`) records, or why it
/// records none: its name is not a release's, it is a lightweight tag, or
/// it does not tag a commit.
fn read_tag(
    repo: &gix::Repository,
    id: gix::ObjectId,
    name: &str,
    london: &jiff::tz::TimeZone,
) -> Result<Release, Ignored> {
    let (edition, version) = parse_tag_name(name)?;
    let ignored = |why: &str, hint: &str| Ignored::new(name, why, hint);
    let remake = "a release is an annotated tag, with a date and a note: delete this one with `git tag -d TAG` and record it with `handbook release EDITION --version V --note TEXT` (or `git tag -a`)";
    let object = repo.find_object(id).map_err(|e| {
        ignored(
            &format!("its object cannot be read: {e}"),
            "fetch the repository's objects again",
        )
    })?;
    let Ok(tag) = object.try_into_tag() else {
        return Err(ignored(
            "it is a lightweight tag (made without `-a`), so it records no date or note",
            remake,
        ));
    };
    let decoded = tag
        .decode()
        .map_err(|e| ignored(&format!("it cannot be read: {e}"), remake))?;
    if decoded.target_kind != gix::object::Kind::Commit {
        return Err(ignored("it tags something other than a commit", remake));
    }
    let seconds = decoded
        .tagger()
        .ok()
        .flatten()
        .and_then(|t| t.time().ok())
        .map(|t| t.seconds)
        .ok_or_else(|| ignored("it has no tagger, so no date", remake))?;
    let date = jiff::Timestamp::from_second(seconds)
        .map_err(|e| ignored(&format!("its date cannot be read: {e}"), remake))?
        .to_zoned_datetime(london.clone())
        .date();
    Ok(Release {
        edition: edition.to_string(),
        version: version.to_string(),
        date,
        seconds,
        note: decoded.message.to_string().trim().to_string(),
        commit: decoded.target().to_string(),
    })
}

/// The files of `release` that make its edition: everything under
/// `content/` and `themes/`, and the authority's own folder and those of
/// the layers it builds on, by path
/// relative to the root, read from the tagged commit (not the work tree).
///
/// Errors: [`Off`] when the repository, or a git object of the release,
/// cannot be read.
pub fn release_files(root: &Path, release: &Release) -> Result<BTreeMap<String, Vec<u8>>, Off> {
    let (repo, prefix) = open(root)?;
    let commit = gix::ObjectId::from_hex(release.commit.as_bytes()).map_err(unreadable)?;
    let tree = repo
        .find_object(commit)
        .and_then(|o| o.peel_to_tree())
        .map_err(unreadable)?;
    let mut folders = vec!["content".to_string(), "themes".to_string()];
    if release.edition != crate::support::url::MODEL_SLUG {
        folders.push(format!("local-overrides/{}", release.edition));
    }
    let mut files = BTreeMap::new();
    let mut next = Some(release.edition.clone());
    while let Some(folder) = folders.pop() {
        let entry = tree
            .lookup_entry_by_path(format!("{prefix}{folder}"))
            .map_err(unreadable)?;
        if let Some(entry) = entry.filter(|e| e.mode().is_tree()) {
            walk_tree(&repo, entry.object_id(), &folder, &mut |path, id| {
                let blob = repo.find_blob(id).map_err(unreadable)?;
                files.insert(path, blob.data.clone());
                Ok(())
            })?;
        }
        // The layer the edition builds on, as the release had it, and the
        // layers under that (issue 35).
        if folders.is_empty() {
            let base = next
                .take()
                .and_then(|slug| files.get(&format!("local-overrides/{slug}/authority.yaml")))
                .and_then(|yaml| base_of(yaml));
            if let Some(base) = base.filter(|b| {
                !files
                    .keys()
                    .any(|p| p.starts_with(&format!("local-overrides/{b}/")))
            }) {
                folders.push(format!("local-overrides/{base}"));
                next = Some(base);
            }
        }
    }
    Ok(files)
}

/// The `base:` an `authority.yaml` gives, read plainly from its line (the
/// whole file is read and checked when the release is loaded).
fn base_of(yaml: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(yaml).ok()?;
    let value = text.lines().find_map(|l| l.strip_prefix("base:"))?;
    let value = value.split(" #").next()?.trim().trim_matches(['"', '\'']);
    crate::text::markdown::is_valid_id(value).then(|| value.to_string())
}

/// Calls `visit` with the path (`under/…`) and blob id of every file under
/// the tree `id`, folders first-to-last in tree order.
fn walk_tree(
    repo: &gix::Repository,
    id: gix::ObjectId,
    under: &str,
    visit: &mut dyn FnMut(String, gix::ObjectId) -> Result<(), Off>,
) -> Result<(), Off> {
    let tree = repo.find_tree(id).map_err(unreadable)?;
    let decoded = tree.decode().map_err(unreadable)?;
    for entry in &decoded.entries {
        let path = format!("{under}/{}", entry.filename);
        if entry.mode.is_tree() {
            walk_tree(repo, entry.oid.to_owned(), &path, visit)?;
        } else if entry.mode.is_blob() {
            visit(path, entry.oid.to_owned())?;
        }
    }
    Ok(())
}

/// Writes `files` (from [`release_files`]) under the folder `to`.
///
/// Errors: the file that could not be written, named in the error.
pub fn write_files(files: &BTreeMap<String, Vec<u8>>, to: &Path) -> std::io::Result<()> {
    for (path, bytes) in files {
        let at = to.join(path);
        if let Some(parent) = at.parent() {
            std::fs::create_dir_all(parent).map_err(|e| crate::support::source::naming(&at, e))?;
        }
        std::fs::write(&at, bytes).map_err(|e| crate::support::source::naming(&at, e))?;
    }
    Ok(())
}

/// Files under the root's [`SOURCE_FOLDERS`] whose text on disk is not the
/// text committed at `HEAD` (changed, added or deleted), by path relative
/// to the root; files editors leave behind are not counted.
///
/// Errors: [`Off`] when there is no repository or no commit to compare with.
pub fn uncommitted(root: &Path) -> Result<Vec<String>, Off> {
    let (repo, prefix) = open(root)?;
    let tree = repo
        .head_commit()
        .and_then(|c| c.tree())
        .map_err(|_| Off::Unreadable("it has no commit yet".into()))?;
    let mut committed = BTreeMap::new();
    for folder in SOURCE_FOLDERS {
        let entry = tree
            .lookup_entry_by_path(format!("{prefix}{folder}"))
            .map_err(unreadable)?;
        if let Some(entry) = entry.filter(|e| e.mode().is_tree()) {
            walk_tree(&repo, entry.object_id(), folder, &mut |path, id| {
                let name = path.rsplit('/').next().unwrap_or_default();
                if !crate::support::source::is_leftover(name) {
                    committed.insert(path, id);
                }
                Ok(())
            })?;
        }
    }
    let mut on_disk = BTreeMap::new();
    for folder in SOURCE_FOLDERS {
        disk_ids(&root.join(folder), folder, &mut on_disk)?;
    }
    let mut differ: Vec<String> = on_disk
        .iter()
        .filter(|(path, id)| committed.get(*path) != Some(*id))
        .map(|(path, _)| path.clone())
        .collect();
    differ.extend(
        committed
            .keys()
            .filter(|p| !on_disk.contains_key(*p))
            .cloned(),
    );
    differ.sort();
    Ok(differ)
}

/// The blob id git would give every file under `dir` on disk.
fn disk_ids(dir: &Path, under: &str, ids: &mut BTreeMap<String, gix::ObjectId>) -> Result<(), Off> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if crate::support::source::is_leftover(&name) {
            continue;
        }
        let relative = format!("{under}/{name}");
        if path.is_dir() {
            disk_ids(&path, &relative, ids)?;
        } else {
            let bytes = std::fs::read(&path)
                .map_err(|e| unreadable(crate::support::source::naming(&path, e)))?;
            let id =
                gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::object::Kind::Blob, &bytes)
                    .map_err(unreadable)?;
            ids.insert(relative, id);
        }
    }
    Ok(())
}

/// Why `handbook release` recorded nothing: what is wrong, in plain words,
/// and what to do (empty when there is nothing to say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// What is wrong.
    pub why: String,
    /// What to do about it.
    pub hint: String,
}

impl Refused {
    fn new(why: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            why: why.into(),
            hint: hint.into(),
        }
    }
}

/// Records release `version` of each of `editions` as an annotated tag
/// `handbook/SLUG/VERSION` on `HEAD`, with `note` as its message and the
/// repository's configured user (`user.name`, `user.email`) as tagger, at
/// the time now (or `GIT_COMMITTER_DATE`, as git does). Returns the tag
/// names made.
///
/// Errors, in plain words with what to do: no repository or commit, no
/// user configured, a version that is not a safe name, a version already
/// released (nothing is tagged then).
pub fn record(
    root: &Path,
    editions: &[String],
    version: &str,
    note: &str,
) -> Result<Vec<String>, Refused> {
    let (repo, _) = open(root).map_err(|off| {
        Refused::new(
            format!("cannot record a release: {}", off.reason()),
            "run `git init`, then commit the root's files",
        )
    })?;
    if let Some(why) = crate::support::names::version_problem(version) {
        return Err(Refused::new(
            format!("`{version}` cannot be a version: {why}"),
            "use lowercase letters, digits, `.` and `-`, such as `2026.1` or `3`",
        ));
    }
    let head = repo.head_id().map_err(|_| {
        Refused::new(
            "cannot record a release: the repository has no commit yet",
            "commit the root's files first",
        )
    })?;
    let tagger = match repo.committer() {
        Some(Ok(tagger)) => tagger,
        _ => {
            return Err(Refused::new(
                "cannot record a release: git does not know who you are (user.name and user.email are not set)",
                "run `git config user.name \"Your Name\"` and `git config user.email you@example.org`",
            ))
        }
    };
    let names: Vec<String> = editions
        .iter()
        .map(|slug| format!("{TAG_PREFIX}{slug}/{version}"))
        .collect();
    let london =
        jiff::tz::TimeZone::get("Europe/London").map_err(|e| Refused::new(e.to_string(), ""))?;
    for name in &names {
        let Ok(existing) = repo.find_reference(format!("refs/tags/{name}").as_str()) else {
            continue;
        };
        let id = existing.id().detach();
        return Err(match read_tag(&repo, id, name, &london) {
            Ok(_) => Refused::new(
                format!("release {version} was already recorded (tag {name})"),
                "give this release a new version",
            ),
            Err(ignored) => Refused::new(
                format!(
                    "the tag {name} is there already, but it is not a release: {}",
                    ignored.why
                ),
                ignored.hint,
            ),
        });
    }
    for name in &names {
        repo.tag(
            name,
            head,
            gix::object::Kind::Commit,
            Some(tagger),
            format!("{}\n", note.trim()),
            gix::refs::transaction::PreviousValue::MustNotExist,
        )
        .map_err(|e| Refused::new(format!("could not record tag {name}: {e}"), ""))?;
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Runs git in `dir` with a fixed user and date; fails the test if git does.
    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "Policy Lead")
            .env("GIT_AUTHOR_EMAIL", "policy@example.org")
            .env("GIT_COMMITTER_NAME", "Policy Lead")
            .env("GIT_COMMITTER_EMAIL", "policy@example.org")
            .env("GIT_COMMITTER_DATE", "2026-03-02T10:00:00+00:00")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    /// A repository whose first commit holds `content/a.md` ("first") and is
    /// released as model version 1, with a lightweight tag beside it.
    fn released_root() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(dir.join("content/a.md"), "first\n").unwrap();
        git(dir, &["init", "-q", "-b", "main"]);
        git(dir, &["add", "."]);
        git(dir, &["commit", "-q", "-m", "start"]);
        git(
            dir,
            &["tag", "-a", "handbook/model/1", "-m", "The first release."],
        );
        git(dir, &["tag", "handbook/model/2"]);
        root
    }

    #[test]
    fn a_release_is_read_from_its_annotated_tag_and_a_lightweight_tag_is_named() {
        let root = released_root();
        let recorded = releases(root.path()).unwrap();
        let versions: Vec<&str> = recorded
            .releases
            .iter()
            .map(|r| r.version.as_str())
            .collect();
        assert_eq!(versions, ["1"]);
        let release = &recorded.releases[0];
        assert_eq!(release.edition, "model");
        assert_eq!(release.note, "The first release.");
        assert_eq!(release.date, Date::constant(2026, 3, 2));
        let ignored: Vec<&str> = recorded.ignored.iter().map(|i| i.tag.as_str()).collect();
        assert_eq!(ignored, ["handbook/model/2"]);
        assert!(!recorded.shallow);
    }

    #[test]
    fn a_release_s_files_come_from_its_commit_not_the_work_tree() {
        let root = released_root();
        std::fs::write(root.path().join("content/a.md"), "edited\n").unwrap();
        std::fs::write(root.path().join("content/b.md"), "new\n").unwrap();
        let recorded = releases(root.path()).unwrap();
        let files = release_files(root.path(), &recorded.releases[0]).unwrap();
        let texts: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .collect();
        assert_eq!(texts, [("content/a.md", &b"first\n"[..])]);
        assert_eq!(
            uncommitted(root.path()).unwrap(),
            ["content/a.md", "content/b.md"]
        );
    }

    #[test]
    fn a_folder_outside_any_repository_has_no_history_and_says_so() {
        let root = tempfile::tempdir().unwrap();
        let off = releases(root.path()).unwrap_err();
        assert_eq!(off, Off::NotARepository);
        assert_eq!(off.reason(), "the root is not in a git repository");
    }
}
