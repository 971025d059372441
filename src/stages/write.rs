//! Stage 6, write: put rendered files on disk, all or nothing.
//!
//! Everything is written into a new temporary folder beside the output
//! folder (a [`Staging`], which a build fills file by file as they are
//! made, so no page waits in memory for the others), which
//! is then swapped in with one atomic rename (an exchange on
//! Linux, so the old output is never missing, even for a moment). If any
//! write fails, or the process is killed, the previous output is untouched
//! and the temporary folder is removed (a killed build's folder by the next
//! build: each is named after the process that made it). Every output path is
//! checked once more: nothing lands outside the output folder, and every name
//! is safe on Windows file shares ([`crate::support::names::unsafe_name`]). A file the build
//! cache keeps ([`Content::Kept`]) is hard-linked rather than written again
//! where the file system allows. This is the only stage that writes the
//! output (the build cache writes only inside its own folder).

use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::support::names::unsafe_name;
use crate::support::output::{Content, OutputFile};

/// Files to write, by the folder (relative to the output root) they go in.
#[derive(Debug, Default)]
pub struct TopFiles {
    /// `(folder, file)`: folder `""` is the output root.
    pub files: Vec<(String, OutputFile)>,
}

impl TopFiles {
    /// Adds an edition's files under `folder` (`""` for the root).
    pub fn add(&mut self, folder: &str, files: Vec<OutputFile>) {
        self.files
            .extend(files.into_iter().map(|f| (folder.to_string(), f)));
    }
}

/// Whether a relative output path stays inside the output folder.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Removes temporary folders that builds which no longer run left beside the
/// output (`.public.new-<process>-…`, `.public.old-<process>-…`). Folders of
/// a running build, this one included, are left alone.
fn remove_stale_staging(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        let stale = match rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) {
            Some(pid) => pid != std::process::id() && !process_is_running(pid),
            // A folder from before folders were named after their process.
            None => meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 600),
        };
        if stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_is_running(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_is_running(_: u32) -> bool {
    // Without a cheap way to ask, assume it runs: leaving a folder is safer
    // than removing a running build's.
    true
}

/// The editions a build of every edition left in `out`: its folders that
/// hold an edition's `index.html` and `404.html`, by name, sorted. Empty
/// when `out` does not exist or holds one edition at its top. A build of
/// one edition into `out` would remove them (see `build --replace`).
pub fn editions_in(out: &Path) -> Vec<String> {
    // A folder with a 404 page of its own is one edition: its folders are
    // its other languages' sites (`cy/`) and past versions, not editions.
    if out.join("404.html").is_file() {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.path().join("index.html").is_file() && e.path().join("404.html").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

/// Writes `output` to `out`, replacing what was there only once everything is written.
pub fn write_atomically(out: &Path, output: &TopFiles) -> io::Result<()> {
    let staging = Staging::beside(out);
    staging.write_output(output);
    staging.finish()
}

/// A new output being written, file by file as the build makes them, into
/// a temporary folder beside `out`; [`Staging::finish`] swaps it in. Until
/// then the previous output is untouched, and dropping the staging (a build
/// that failed) removes the folder. The folder is made at the first write,
/// so a build that writes nothing leaves no trace. A write that fails is
/// kept and given by [`Staging::finish`]; later writes are skipped.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: std::sync::OnceLock<Result<tempfile::TempDir, io::ErrorKind>>,
    failure: std::sync::Mutex<Option<io::Error>>,
}

impl Staging {
    /// A staging folder for `out` (made at the first write).
    pub fn beside(out: &Path) -> Self {
        Self {
            out: out.to_path_buf(),
            dir: std::sync::OnceLock::new(),
            failure: std::sync::Mutex::new(None),
        }
    }

    /// The parent folder of `out` and `out`'s name.
    fn place(&self) -> (PathBuf, String) {
        let parent = match self.out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = self
            .out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_string());
        (parent, name)
    }

    fn make_dir(&self) -> io::Result<tempfile::TempDir> {
        let (parent, name) = self.place();
        std::fs::create_dir_all(&parent)?;
        remove_stale_staging(&parent, &name);
        tempfile::Builder::new()
            .prefix(&format!(".{name}.new-{}-", std::process::id()))
            .tempdir_in(&parent)
    }

    /// Keeps the first failure; `true` if there is one.
    fn failed(&self, result: io::Result<()>) -> bool {
        let mut failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = result {
            failure.get_or_insert(e);
        }
        failure.is_some()
    }

    /// Writes `files` under `folder` (`""` for the top of the output).
    pub fn write(&self, folder: &str, files: &[OutputFile]) {
        self.write_all(files.iter().map(|f| (folder, f)).collect());
    }

    /// Writes every file of `output`.
    pub fn write_output(&self, output: &TopFiles) {
        self.write_all(output.files.iter().map(|(d, f)| (d.as_str(), f)).collect());
    }

    /// Writes one file under `folder` (`""` for the top of the output), as
    /// soon as it is made: a build writes each page so, rather than keeping
    /// every page in memory until the edition is done.
    pub fn write_one(&self, folder: &str, file: &OutputFile) {
        self.in_folder(|dir| write_file(dir, folder, file));
    }

    fn write_all(&self, files: Vec<(&str, &OutputFile)>) {
        self.in_folder(|dir| write_tree(dir, &files));
    }

    /// Runs `write` in the staging folder (made at the first write), unless
    /// a write has failed; keeps its failure.
    fn in_folder(&self, write: impl FnOnce(&Path) -> io::Result<()>) {
        if self.failed(Ok(())) {
            return;
        }
        let dir = self.dir.get_or_init(|| {
            self.make_dir().map_err(|e| {
                self.failed(Err(e));
                io::ErrorKind::Other
            })
        });
        if let Ok(dir) = dir {
            self.failed(write(dir.path()));
        }
    }

    /// Swaps the new output in, or gives the first write that failed (the
    /// previous output is then untouched and the new one removed).
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            return Err(e);
        }
        let staging = match self.dir.take() {
            Some(Ok(dir)) => dir,
            // Nothing was written: the output is an empty folder.
            _ => self.make_dir()?,
        };
        let (parent, name) = self.place();
        swap_in(staging, &self.out, &parent, &name)
    }
}

fn write_tree(dir: &Path, files: &[(&str, &OutputFile)]) -> io::Result<()> {
    files
        .par_iter()
        .try_for_each(|(folder, file)| write_file(dir, folder, file))
}

/// Writes one file under `folder` of `dir`, making the folders it goes in,
/// after checking once more that its path stays inside the output and that
/// every name in it is safe on Windows file shares.
fn write_file(dir: &Path, folder: &str, file: &OutputFile) -> io::Result<()> {
    let relative = if folder.is_empty() {
        file.path.clone()
    } else {
        format!("{folder}/{}", file.path)
    };
    if !is_safe_relative(&relative) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write `{relative}`: it would land outside the output folder"),
        ));
    }
    if let Some(why) = relative.split('/').find_map(unsafe_name) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write `{relative}`: {why}"),
        ));
    }
    let path = dir.join(&relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match &file.content {
        Content::Bytes(bytes) => std::fs::write(&path, bytes),
        Content::Copy(from) => std::fs::copy(from, &path).map(|_| ()),
        // Handbook never writes the cache's file again once it is made
        // (it checks it before each use), so the output can share it
        // rather than hold a second copy.
        Content::Kept(from) => {
            std::fs::hard_link(from, &path).or_else(|_| std::fs::copy(from, &path).map(|_| ()))
        }
        Content::Parts(pieces) => {
            use std::io::Write;
            let mut out = io::BufWriter::with_capacity(64 * 1024, std::fs::File::create(&path)?);
            for piece in pieces {
                out.write_all(piece.as_bytes())?;
            }
            out.into_inner().map_err(io::IntoInnerError::into_error)?;
            Ok(())
        }
    }
}

fn swap_in(staging: tempfile::TempDir, out: &Path, parent: &Path, name: &str) -> io::Result<()> {
    // Where there is no output yet, the new one is renamed into place; if
    // another build put one there first, it is swapped like any output.
    match std::fs::rename(staging.path(), out) {
        Ok(()) => {
            let _ = staging.keep();
            return Ok(());
        }
        Err(_) if out.exists() => {}
        Err(e) => return Err(e),
    }
    if exchange(staging.path(), out).is_ok() {
        // `staging` now holds the old output; dropping it removes what the
        // files' removal in parallel left (folders, or any it could not).
        remove_files(staging.path());
        return Ok(());
    }
    // No atomic exchange here: move the old output aside, then the new one in.
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-{}-", std::process::id()))
        .tempdir_in(parent)?;
    let old_path = old.path().join("previous");
    std::fs::rename(out, &old_path)?;
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::rename(&old_path, out);
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(())
}

/// Removes every file under `dir` (not its folders), several at once: an
/// output of thousands of files is removed in a fraction of the time one
/// at a time takes. What cannot be removed is left for the caller.
fn remove_files(dir: &Path) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().for_each(|file| {
        let _ = std::fs::remove_file(file);
    });
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            content: Content::Bytes(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn replaces_previous_output_and_leaves_no_temporary_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut first = TopFiles::default();
        first.add(
            "model",
            vec![file("index.html", "one"), file("old.html", "x")],
        );
        write_atomically(&out, &first).unwrap();
        let mut second = TopFiles::default();
        second.add("model", vec![file("index.html", "two")]);
        write_atomically(&out, &second).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("model/index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("model/old.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    /// A folder holding `public/`, a good output with `FOLDER/index.html`.
    fn good_output(folder: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut first = TopFiles::default();
        first.add(folder, vec![file("index.html", "good")]);
        write_atomically(&out, &first).unwrap();
        (dir, out)
    }

    /// A staging for `out` with each `(path, text)` written in turn, each
    /// as a write of its own into its folder.
    fn staged(out: &Path, writes: &[(&str, &str)]) -> Staging {
        let staging = Staging::beside(out);
        for (path, text) in writes {
            let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
            staging.write(folder, &[file(name, text)]);
        }
        staging
    }

    #[test]
    fn a_staging_written_in_pieces_replaces_the_output_only_when_finished() {
        let (dir, out) = good_output("model");
        // A build that wrote some editions, then failed: dropped unfinished.
        drop(staged(
            &out,
            &[("model/index.html", "half"), ("council/a.html", "half")],
        ));
        assert_eq!(
            std::fs::read_to_string(out.join("model/index.html")).unwrap(),
            "good"
        );
        assert!(!out.join("council").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // One that wrote each edition as it was made, then finished.
        let editions = [
            ("model/index.html", "new"),
            ("council/index.html", "too"),
            ("index.html", "list"),
        ];
        staged(&out, &editions).finish().unwrap();
        for (path, text) in editions {
            assert_eq!(std::fs::read_to_string(out.join(path)).unwrap(), text);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_write_that_fails_fails_the_finish_and_leaves_the_output() {
        let (dir, out) = good_output("");
        // The third write is skipped once the second failed.
        let writes = [
            ("a.html", "fine"),
            ("../escape.html", "bad"),
            ("b.html", "skipped"),
        ];
        let staging = staged(&out, &writes);
        let err = staging.finish().unwrap_err();
        assert!(err.to_string().contains("refusing to write"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "good"
        );
        assert!(!out.join("a.html").exists());
        assert!(!dir.path().join("escape.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_staging_never_written_leaves_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("deeper").join("public");
        drop(Staging::beside(&out));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for path in [
            "../escape.html",
            "/tmp/escape.html",
            "a/../../escape.html",
            "./x.html",
            "",
            "con.html",
            "assets/a:b.png",
        ] {
            let mut bad = TopFiles::default();
            bad.add("", vec![file(path, "x")]);
            let err = write_atomically(&out, &bad).unwrap_err();
            assert!(
                err.to_string().contains("refusing to write"),
                "{path}: {err}"
            );
        }
        assert!(!dir.path().join("escape.html").exists());
        assert!(!out.exists());
        // Nothing is left beside the output either.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn names_unsafe_on_windows_are_recognised() {
        for bad in [
            "CON",
            "con.html",
            "Nul.tar.gz",
            "aux",
            "PRN.txt",
            "com1",
            "LPT9.png",
            "COM\u{b9}",
            "a<b",
            "a>b",
            "a:b",
            "a\"b",
            "a|b",
            "a?b",
            "a*b",
            "a\\b",
            "tab\there",
            "x\u{1}",
            "ends.",
            "ends ",
            "",
            "2026#4",
            "x#1.png",
            "100%.pdf",
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad:?}");
        }
        for good in [
            "index.html",
            "console.html",
            "com10.html",
            "lpt.css",
            "nullable.js",
            "step-1.html",
            "a b.png",
        ] {
            assert_eq!(unsafe_name(good), None, "{good:?}");
        }
    }

    #[test]
    fn folders_left_by_killed_builds_are_removed_and_running_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // No process has this id (ids are far smaller on every system we build on).
        let dead = dir.path().join(".public.new-4000000000-abc");
        std::fs::create_dir_all(dead.join("model")).unwrap();
        std::fs::write(dead.join("model/index.html"), "half").unwrap();
        let running = dir
            .path()
            .join(format!(".public.new-{}-abc", std::process::id()));
        std::fs::create_dir_all(&running).unwrap();
        let other = dir.path().join(".elsewhere.new-4000000000-abc");
        std::fs::create_dir_all(&other).unwrap();
        let mut output = TopFiles::default();
        output.add("", vec![file("index.html", "new")]);
        write_atomically(&out, &output).unwrap();
        assert!(!dead.exists());
        assert!(running.exists());
        assert!(other.exists());
    }
}
