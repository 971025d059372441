//! The build cache: what a build made from inputs that never change (the
//! pages of a past release, made from the files of its git tag), kept in a
//! folder beside the output and found again by the key of those inputs, so
//! a later build reuses it instead of making it again.
//!
//! An entry is content-addressed: its name is the key of what it was made
//! from, and it records the fingerprint of every file it holds. An entry
//! that is missing, cut short or altered is not used (the caller makes it
//! again and stores it afresh), so the folder is safe to delete at any time;
//! deleting it changes nothing but how long the next build takes. Entries
//! are written to a temporary file and renamed into place, so a build that
//! stops half way leaves no half-written entry under an entry's name.
//!
//! A leaf: it knows nothing of the pipeline's types (an entry is a
//! description in bytes and a list of files), and it writes only inside
//! its own folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::fingerprint::Fingerprint;

/// The first line of every entry: the format, so a later format never
/// reads an older one as its own.
const MAGIC: &[u8] = b"handbook cache entry 1\n";

/// A folder of cache entries.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

/// One entry: a description of what was made (the caller's own format)
/// and the files made, by path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// What the caller needs besides the files, in its own format.
    pub about: Vec<u8>,
    /// The files, by path, in the caller's order.
    pub files: Vec<(String, Vec<u8>)>,
}

/// How an entry lists its parts, after [`MAGIC`].
#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    /// Length and fingerprint (hex) of `about`.
    about: (usize, String),
    /// Path, length and fingerprint (hex) of each file.
    files: Vec<(String, usize, String)>,
}

impl Store {
    /// The store in `dir` (made when the first entry is put).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder the entries are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, kind: &str, key: &[u8; 16]) -> PathBuf {
        self.dir.join(kind).join(format!("{}.entry", hex(key)))
    }

    /// The entry of `kind` stored under `key`; `None` when there is none or
    /// it is not whole (cut short, altered, or of another format).
    pub fn get(&self, kind: &str, key: &[u8; 16]) -> Option<Entry> {
        let bytes = std::fs::read(self.path_of(kind, key)).ok()?;
        let rest = bytes.strip_prefix(MAGIC)?;
        let line_end = rest.iter().position(|&b| b == b'\n')?;
        let manifest: Manifest = serde_json::from_slice(&rest[..line_end]).ok()?;
        let mut body = &rest[line_end + 1..];
        let mut take = |len: usize, expected: &str| -> Option<Vec<u8>> {
            let part = body.get(..len)?;
            body = &body[len..];
            (fingerprint_hex(part) == expected).then(|| part.to_vec())
        };
        let about = take(manifest.about.0, &manifest.about.1)?;
        let mut files = Vec::with_capacity(manifest.files.len());
        for (path, len, expected) in &manifest.files {
            files.push((path.clone(), take(*len, expected)?));
        }
        body.is_empty().then_some(Entry { about, files })
    }

    /// Stores `entry` of `kind` under `key`, replacing any entry there.
    /// Errors are the file system's (the folder cannot be made or written).
    pub fn put(&self, kind: &str, key: &[u8; 16], entry: &Entry) -> std::io::Result<()> {
        let at = self.path_of(kind, key);
        let folder = at.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(folder)?;
        let manifest = Manifest {
            about: (entry.about.len(), fingerprint_hex(&entry.about)),
            files: entry
                .files
                .iter()
                .map(|(path, bytes)| (path.clone(), bytes.len(), fingerprint_hex(bytes)))
                .collect(),
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
        file.persist(&at).map_err(|e| e.error)?;
        Ok(())
    }
}

fn fingerprint_hex(bytes: &[u8]) -> String {
    let mut f = Fingerprint::default();
    f.bytes(bytes);
    hex(&f.finish())
}

fn hex(key: &[u8; 16]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
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
}
