//! The build cache: what a build made from inputs that never change (the
//! pages of a past release, made from the files of its git tag), kept in a
//! folder beside the output and found again by the key of those inputs, so
//! a later build reuses it instead of making it again.
//!
//! An entry is content-addressed: its name is the key of what it was made
//! from, and it records a fingerprint of what it holds. An entry that is
//! missing, cut short or altered is not used (the caller makes it again and
//! stores it afresh), so the folder is safe to delete at any time; deleting
//! it changes nothing but how long the next build takes. Entries are
//! written to a temporary file and renamed into place, so a build that
//! stops half way leaves no half-written entry under an entry's name.
//!
//! An entry is one file (a description and files, one after another), or a
//! folder of plain files with a manifest entry beside it
//! ([`Store::put_files`]), which an output can share by hard links instead
//! of holding a second copy. Each such file is read and checked against its
//! fingerprint whenever the entry is used, so one changed in place (through
//! the output that shares it), whatever its length and times say, is
//! noticed and the entry made again.
//!
//! Several builds may share one store at the same time. Everything is put
//! in place by renaming (a file, or a whole folder made beside it), and an
//! entry another build has already put in place is taken as put. A build
//! that uses a folder entry first takes its own hard links to the files
//! (held until the store is dropped, at the end of the build) and checks
//! those, so another build may replace or tidy away the entry at any time
//! without taking a file from under it.
//!
//! A leaf: it knows nothing of the pipeline's types (an entry is a
//! description in bytes and a list of files), and it writes only inside
//! its own folder.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::support::fingerprint::{hex, Fingerprint};

/// The first line of every entry: the format, so a later format never
/// reads an older one as its own.
const MAGIC: &[u8] = b"handbook cache entry 2\n";

/// A folder of cache entries.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// The folders of this store's own hard links to the files of the
    /// folder entries it used (see [`Store::files`]), removed when the last
    /// clone of the store is dropped.
    held: std::sync::Arc<std::sync::Mutex<Vec<tempfile::TempDir>>>,
}

/// One entry: a description of what was made (the caller's own format)
/// and the files made, by path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheEntry {
    /// What the caller needs besides the files, in its own format.
    pub about: Vec<u8>,
    /// The files, by path, in the caller's order.
    pub files: Vec<(String, Vec<u8>)>,
}

/// How an entry lists its parts, after [`MAGIC`]: `about`, then the files
/// one after another, each part fingerprinted whole.
#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    /// Length and fingerprint (hex) of `about`.
    about: (usize, String),
    /// Path and length of each file.
    files: Vec<(String, usize)>,
    /// Fingerprint (hex) of the files' bytes, one after another.
    body: String,
}

impl Store {
    /// The store in `dir` (made when the first entry is put).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            held: std::sync::Arc::default(),
        }
    }

    /// The folder the entries are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, kind: &str, key: &[u8; 16]) -> PathBuf {
        self.dir.join(kind).join(format!("{}.entry", hex(key)))
    }

    /// The `about` of the entry of `kind` stored under `key`, read without
    /// its files; `None` when there is none or its `about` is not whole.
    pub fn about(&self, kind: &str, key: &[u8; 16]) -> Option<Vec<u8>> {
        let mut file = std::io::BufReader::new(std::fs::File::open(self.path_of(kind, key)).ok()?);
        let mut first = Vec::new();
        file.read_until(b'\n', &mut first).ok()?;
        (first == MAGIC).then_some(())?;
        let mut line = Vec::new();
        file.read_until(b'\n', &mut line).ok()?;
        let manifest: Manifest = serde_json::from_slice(&line).ok()?;
        let mut about = vec![0; manifest.about.0];
        file.read_exact(&mut about).ok()?;
        (fingerprint_hex(&about) == manifest.about.1).then_some(about)
    }

    /// The entry of `kind` stored under `key`; `None` when there is none or
    /// it is not whole (cut short, altered, or of another format).
    pub fn get(&self, kind: &str, key: &[u8; 16]) -> Option<CacheEntry> {
        let bytes = std::fs::read(self.path_of(kind, key)).ok()?;
        let rest = bytes.strip_prefix(MAGIC)?;
        let line_end = rest.iter().position(|&b| b == b'\n')?;
        let manifest: Manifest = serde_json::from_slice(&rest[..line_end]).ok()?;
        let rest = &rest[line_end + 1..];
        let about = rest.get(..manifest.about.0)?;
        let body = &rest[about.len()..];
        let whole = body.len() == manifest.files.iter().map(|(_, len)| len).sum::<usize>();
        if !whole
            || fingerprint_hex(about) != manifest.about.1
            || fingerprint_hex(body) != manifest.body
        {
            return None;
        }
        let mut at = 0;
        let files = manifest
            .files
            .into_iter()
            .map(|(path, len)| {
                at += len;
                (path, body[at - len..at].to_vec())
            })
            .collect();
        Some(CacheEntry {
            about: about.to_vec(),
            files,
        })
    }

    /// Stores `entry` of `kind` under `key`, replacing any entry there.
    /// Errors are the file system's, naming the folder that cannot be made
    /// or the entry that cannot be written.
    pub fn put(&self, kind: &str, key: &[u8; 16], entry: &CacheEntry) -> std::io::Result<()> {
        let at = self.path_of(kind, key);
        make_folder(at.parent().unwrap_or(&self.dir))?;
        self.put_at(&at, entry).map_err(|e| naming(&at, e))
    }

    fn put_at(&self, at: &Path, entry: &CacheEntry) -> std::io::Result<()> {
        let folder = at.parent().unwrap_or(&self.dir);
        let mut body = Fingerprint::default();
        for (_, bytes) in &entry.files {
            body.run(bytes);
        }
        let manifest = Manifest {
            about: (entry.about.len(), fingerprint_hex(&entry.about)),
            files: entry
                .files
                .iter()
                .map(|(path, bytes)| (path.clone(), bytes.len()))
                .collect(),
            body: hex(&body.finish()),
        };
        let mut file = tempfile::NamedTempFile::new_in(folder)?;
        {
            let mut out = std::io::BufWriter::new(file.as_file_mut());
            out.write_all(MAGIC)?;
            serde_json::to_writer(&mut out, &manifest)?;
            out.write_all(b"\n")?;
            out.write_all(&entry.about)?;
            for (_, bytes) in &entry.files {
                out.write_all(bytes)?;
            }
            out.flush()?;
        }
        file.persist(at).map_err(|e| e.error)?;
        Ok(())
    }

    /// Stores `entry` of `kind` under `key` as the only entry of its kind:
    /// every other entry of `kind` (and every other folder of files, see
    /// [`Store::put_files`]) is deleted once it is in place (for entries
    /// that a newer one makes useless, so they do not pile up).
    fn put_only(&self, kind: &str, key: &[u8; 16], entry: &CacheEntry) -> std::io::Result<()> {
        self.put(kind, key, entry)?;
        self.tidy(kind, key);
        Ok(())
    }

    /// Deletes every entry of `kind` but the one under `key`. Tidying is
    /// never a failure: what another build is deleting, putting or holding
    /// at the same time is left to it (a build that uses an entry holds
    /// its own links to the files, so nothing it reads is taken from it).
    fn tidy(&self, kind: &str, key: &[u8; 16]) {
        let keep = self.path_of(kind, key);
        let keep_folder = self.folder_of(kind, key);
        let Ok(found) = std::fs::read_dir(self.dir.join(kind)) else {
            return;
        };
        for found in found.filter_map(Result::ok) {
            let path = found.path();
            if path == keep || path == keep_folder {
                continue;
            }
            if found.file_type().is_ok_and(|t| t.is_dir()) {
                if !being_put(&path) {
                    remove_folder(&path);
                }
            } else if path.extension().is_some_and(|e| e == "entry") {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    fn folder_of(&self, kind: &str, key: &[u8; 16]) -> PathBuf {
        self.dir.join(kind).join(hex(key))
    }

    /// Stores `files` of `kind` under `key` as a folder of plain files that
    /// an output may share (hard-link), with a manifest entry beside it, as
    /// the only entry of its kind (every other is deleted). Errors are the
    /// file system's, or a path that would land outside the folder.
    pub fn put_files(
        &self,
        kind: &str,
        key: &[u8; 16],
        files: &[(&str, &[u8])],
    ) -> std::io::Result<()> {
        make_folder(&self.dir.join(kind))?;
        self.put_folder(kind, key, files)
            .map_err(|e| naming(&self.folder_of(kind, key), e))
    }

    fn put_folder(
        &self,
        kind: &str,
        key: &[u8; 16],
        files: &[(&str, &[u8])],
    ) -> std::io::Result<()> {
        let parent = self.dir.join(kind);
        let staged = tempfile::Builder::new()
            .prefix(".new-")
            .tempdir_in(&parent)?;
        let mut recorded = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            if !stays_inside(path) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("`{path}` would land outside the cache entry"),
                ));
            }
            let at = staged.path().join(path);
            if let Some(folder) = at.parent() {
                std::fs::create_dir_all(folder)?;
            }
            std::fs::write(at, bytes)?;
            recorded.push(Recorded {
                path: path.to_string(),
                len: bytes.len() as u64,
                fingerprint: fingerprint_hex(bytes),
            });
        }
        let folder = self.folder_of(kind, key);
        put_in_place(staged, &folder, &recorded)?;
        let entry = CacheEntry {
            about: serde_json::to_vec(&recorded)?,
            files: Vec::new(),
        };
        self.put_only(kind, key, &entry)
    }

    /// The files of the folder entry of `kind` under `key`, as paths in the
    /// entry and in the store; `None` when there is none or any file is not
    /// as it was put. Every file is read and checked against its
    /// fingerprint each time: an output that shares it may have been
    /// changed in place, whatever its length and time of last change say.
    pub fn files(&self, kind: &str, key: &[u8; 16]) -> Option<Vec<(String, PathBuf)>> {
        let recorded: Vec<Recorded> = serde_json::from_slice(&self.about(kind, key)?).ok()?;
        let folder = self.folder_of(kind, key);
        // This build's own links to the files, in a folder beside the
        // entry's, so that another build replacing or tidying the entry
        // away takes nothing from under this one.
        let held = tempfile::Builder::new()
            .prefix(HELD)
            .tempdir_in(self.dir.join(kind))
            .ok()?;
        let found: Option<Vec<(String, PathBuf)>> = recorded
            .into_par_iter()
            .map(|file| {
                if !stays_inside(&file.path) {
                    return None;
                }
                let at = held.path().join(&file.path);
                std::fs::create_dir_all(at.parent()?).ok()?;
                let from = folder.join(&file.path);
                if !std::fs::symlink_metadata(&from).ok()?.is_file() {
                    return None;
                }
                std::fs::hard_link(&from, &at)
                    .or_else(|_| std::fs::copy(&from, &at).map(|_| ()))
                    .ok()?;
                if std::fs::metadata(&at).ok()?.len() != file.len {
                    return None;
                }
                let bytes = std::fs::read(&at).ok()?;
                (fingerprint_hex(&bytes) == file.fingerprint).then_some((file.path, at))
            })
            .collect();
        if found.is_some() {
            crate::support::lock::Locked::locked(&*self.held).push(held);
        }
        found
    }
}

/// What a folder entry's manifest records of each of its files: its path
/// in the folder, length and fingerprint (hex).
#[derive(serde::Serialize, serde::Deserialize)]
struct Recorded {
    path: String,
    len: u64,
    fingerprint: String,
}

/// The start of the name of a folder of a build's own links to an entry's
/// files (see [`Store::files`]).
const HELD: &str = ".held-";

/// Puts the folder `staged` (holding the files `recorded`) in place at
/// `folder`. Another build may put the same entry at the same time, or
/// have left one there that is no longer whole: a folder already there
/// whose files are those recorded is taken as put (and `staged` deleted);
/// one that is not is moved aside and deleted, and `staged` put in its
/// place. Errors are the file system's, other than another build's having
/// put or moved the folder first.
fn put_in_place(
    staged: tempfile::TempDir,
    folder: &Path,
    recorded: &[Recorded],
) -> std::io::Result<()> {
    let parent = folder.parent().unwrap_or(folder);
    for _ in 0..8 {
        match std::fs::rename(staged.path(), folder) {
            Ok(()) => {
                let _ = staged.keep();
                return Ok(());
            }
            Err(e) if !is_taken(&e) => return Err(e),
            Err(_) => {}
        }
        if holds(folder, recorded) {
            // Another build put the same entry: `staged` is deleted.
            return Ok(());
        }
        let aside = tempfile::Builder::new()
            .prefix(".old-")
            .tempdir_in(parent)?;
        match std::fs::rename(folder, aside.path().join("entry")) {
            // Deleted with `aside`.
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "other builds kept putting the entry in place at the same time",
    ))
}

/// Whether a rename failed because its destination is a folder already
/// there (another build's).
fn is_taken(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists
    )
}

/// Whether `folder` holds exactly the files `recorded`, each as recorded.
fn holds(folder: &Path, recorded: &[Recorded]) -> bool {
    recorded.par_iter().all(|file| {
        let at = folder.join(&file.path);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_file() && m.len() == file.len)
            && std::fs::read(&at).is_ok_and(|b| fingerprint_hex(&b) == file.fingerprint)
    })
}

/// Deletes a folder of the store another build may be deleting too: moved
/// aside first (so no build finds it half deleted under its own name), and
/// any failure left alone (what is left is tidied another time).
fn remove_folder(path: &Path) {
    let Some(parent) = path.parent() else {
        return;
    };
    if let Ok(aside) = tempfile::Builder::new().prefix(".old-").tempdir_in(parent) {
        if std::fs::rename(path, aside.path().join("entry")).is_ok() {
            // Deleted with `aside`.
            return;
        }
    }
    let _ = std::fs::remove_dir_all(path);
}

/// Makes `folder` and those above it; the error says which folder could
/// not be made, and why.
fn make_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(folder).map_err(|error| {
        std::io::Error::new(
            error.kind(),
            format!("the folder {} cannot be made: {error}", folder.display()),
        )
    })
}

/// `error`, saying the entry it happened to (unless it says a path already).
fn naming(entry: &Path, error: std::io::Error) -> std::io::Error {
    if error.to_string().contains(&*entry.to_string_lossy()) {
        return error;
    }
    std::io::Error::new(error.kind(), format!("{}: {error}", entry.display()))
}

/// How long a folder being put may take before it is taken as left by a
/// build that stopped half way, and removed.
const PUT_TAKES_AT_MOST: std::time::Duration = std::time::Duration::from_secs(3600);

/// Whether `path` is a folder another build may still be using: one it is
/// putting (`.new-`), holding (see [`HELD`]) or deleting (`.old-`), made
/// less than [`PUT_TAKES_AT_MOST`] ago.
fn being_put(path: &Path) -> bool {
    let new = path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        [".new-", HELD, ".old-"].iter().any(|p| n.starts_with(p))
    });
    let age = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| m.elapsed().ok());
    new && age.is_none_or(|age| age < PUT_TAKES_AT_MOST)
}

/// Whether `path` is a plain relative path that stays inside its folder.
fn stays_inside(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The fingerprint of bytes taken whole, as hex: one digest over the whole
/// run, far quicker than one for each of the thousands of small files a
/// release has.
fn fingerprint_hex(bytes: &[u8]) -> String {
    hex(&Fingerprint::default().run(bytes).finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> CacheEntry {
        CacheEntry {
            about: b"{\"version\":\"2\"}".to_vec(),
            files: vec![
                ("index.html".into(), b"<p>Home</p>".to_vec()),
                ("step-1.html".into(), b"<p>Step one</p>".to_vec()),
            ],
        }
    }

    #[test]
    fn an_entry_put_is_got_back_whole_and_only_under_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("cache"));
        let key = [7; 16];
        assert_eq!(store.get("release", &key), None);
        store.put("release", &key, &entry()).unwrap();
        assert_eq!(store.get("release", &key), Some(entry()));
        assert_eq!(store.get("release", &[8; 16]), None);
        assert_eq!(store.get("other", &key), None);
    }

    #[test]
    fn an_entry_cut_short_or_altered_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let key = [1; 16];
        store.put("release", &key, &entry()).unwrap();
        let path = store.path_of("release", &key);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 3]).unwrap();
        assert_eq!(store.get("release", &key), None, "cut short");
        let mut altered = whole.clone();
        let last = altered.len() - 2;
        altered[last] = b'X';
        std::fs::write(&path, &altered).unwrap();
        assert_eq!(store.get("release", &key), None, "altered");
        let mut longer = whole;
        longer.extend_from_slice(b"more");
        std::fs::write(&path, &longer).unwrap();
        assert_eq!(store.get("release", &key), None, "with bytes after the end");
    }

    #[test]
    fn an_entrys_about_is_read_alone_and_only_when_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let key = [2; 16];
        assert_eq!(store.about("release", &key), None);
        store.put("release", &key, &entry()).unwrap();
        assert_eq!(store.about("release", &key), Some(entry().about));
        let path = store.path_of("release", &key);
        let whole = std::fs::read(&path).unwrap();
        let at = whole.windows(7).position(|w| w == b"version").unwrap();
        let mut altered = whole.clone();
        altered[at] = b'V';
        std::fs::write(&path, &altered).unwrap();
        assert_eq!(store.about("release", &key), None, "altered");
    }

    #[test]
    fn an_entry_put_as_the_only_one_of_its_kind_replaces_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.put("placed/a", &[1; 16], &entry()).unwrap();
        store.put("placed/b", &[1; 16], &entry()).unwrap();
        store.put_only("placed/a", &[2; 16], &entry()).unwrap();
        assert_eq!(store.get("placed/a", &[1; 16]), None, "replaced");
        assert_eq!(store.get("placed/a", &[2; 16]), Some(entry()));
        assert_eq!(
            store.get("placed/b", &[1; 16]),
            Some(entry()),
            "another kind"
        );
    }

    #[test]
    fn a_folder_entry_is_found_while_its_files_are_as_they_were_put() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let key = [3; 16];
        let files: Vec<(&str, &[u8])> = vec![("a.html", b"<p>A</p>"), ("b/c.html", b"<p>C</p>")];
        store.put_files("placed/r", &key, &files).unwrap();
        let found = store.files("placed/r", &key).expect("just put");
        let names: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["a.html", "b/c.html"]);
        assert_eq!(std::fs::read(&found[1].1).unwrap(), b"<p>C</p>");
        // Found again while nothing changed.
        assert!(store.files("placed/r", &key).is_some());
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&found[0].1)
            .unwrap();
        file.write_all(b"<p>more</p>").unwrap();
        assert_eq!(
            store.files("placed/r", &key),
            None,
            "a file changed in place"
        );
        assert!(store.put_files("placed/r", &key, &[("../x", b"")]).is_err());
    }

    #[test]
    fn a_folder_entry_another_build_put_first_is_taken_and_a_damaged_one_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let key = [5; 16];
        let files: Vec<(&str, &[u8])> = vec![("a.html", b"<p>A</p>")];
        store.put_files("placed/r", &key, &files).unwrap();
        // Found and held by one build...
        let held = store.files("placed/r", &key).unwrap();
        // ...while another puts the same entry again, and a third tidies
        // the kind away: what the first holds stays whole.
        Store::new(dir.path())
            .put_files("placed/r", &key, &files)
            .unwrap();
        Store::new(dir.path()).tidy("placed/r", &[6; 16]);
        assert_eq!(std::fs::read(&held[0].1).unwrap(), b"<p>A</p>");
        // An entry left damaged in place is replaced by a whole one.
        store.put_files("placed/r", &key, &files).unwrap();
        let folder = store.folder_of("placed/r", &key);
        std::fs::write(folder.join("a.html"), "damaged").unwrap();
        assert_eq!(store.files("placed/r", &key), None);
        Store::new(dir.path())
            .put_files("placed/r", &key, &files)
            .unwrap();
        let found = store.files("placed/r", &key).expect("put again whole");
        assert_eq!(std::fs::read(&found[0].1).unwrap(), b"<p>A</p>");
        // Nothing is left beside the entries but what this store holds.
        let left: Vec<String> = std::fs::read_dir(dir.path().join("placed/r"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') && !n.starts_with(HELD))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_half_put_folder_is_removed_only_once_it_is_old() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let kind = dir.path().join("placed");
        for name in [".new-old", ".new-recent"] {
            std::fs::create_dir_all(kind.join(name)).unwrap();
        }
        let long_ago = std::time::SystemTime::now() - 2 * PUT_TAKES_AT_MOST;
        std::fs::File::open(kind.join(".new-old"))
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        store
            .put_files("placed", &[4; 16], &[("a.html", b"A")])
            .unwrap();
        assert!(!kind.join(".new-old").exists(), "left by a stopped build");
        assert!(kind.join(".new-recent").exists(), "maybe another build's");
    }
}
