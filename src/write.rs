//! Stage 5, write: put rendered files on disk, all or nothing.
//!
//! Everything is written into a new temporary folder beside the output
//! folder, which is then swapped in with one atomic rename (an exchange on
//! Linux, so the old output is never missing, even for a moment). If any
//! write fails, or the process is killed, the previous output is untouched
//! and the temporary folder is removed (a killed build's folder by the next
//! build: each is named after the process that made it). Every output path is
//! checked once more: nothing lands outside the output folder, and every name
//! is safe on Windows file shares ([`unsafe_name`](crate::names::unsafe_name)). This is the only stage
//! that writes.

use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::names::unsafe_name;
use crate::output::{Content, OutputFile};

/// Files to write, by the folder (relative to the output root) they go in.
#[derive(Debug, Default)]
pub struct Output {
    /// `(folder, file)`: folder `""` is the output root.
    pub files: Vec<(String, OutputFile)>,
}

impl Output {
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
pub fn write_atomically(out: &Path, output: &Output) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    remove_stale_staging(&parent, &name);
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-{}-", std::process::id()))
        .tempdir_in(&parent)?;
    write_tree(staging.path(), output)?;
    swap_in(staging, out, &parent, &name)
}

fn write_tree(dir: &Path, output: &Output) -> io::Result<()> {
    for (folder, file) in &output.files {
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
    }
    let mut folders: Vec<PathBuf> = output
        .files
        .iter()
        .filter_map(|(folder, file)| {
            dir.join(folder)
                .join(&file.path)
                .parent()
                .map(Path::to_path_buf)
        })
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        std::fs::create_dir_all(folder)?;
    }
    output.files.par_iter().try_for_each(|(folder, file)| {
        let path = dir.join(folder).join(&file.path);
        match &file.content {
            Content::Bytes(bytes) => std::fs::write(&path, bytes),
            Content::Copy(from) => std::fs::copy(from, &path).map(|_| ()),
            Content::Parts(pieces) => {
                use std::io::Write;
                let mut out =
                    io::BufWriter::with_capacity(64 * 1024, std::fs::File::create(&path)?);
                for piece in pieces {
                    out.write_all(piece.as_bytes())?;
                }
                out.into_inner().map_err(io::IntoInnerError::into_error)?;
                Ok(())
            }
        }
    })
}

fn swap_in(staging: tempfile::TempDir, out: &Path, parent: &Path, name: &str) -> io::Result<()> {
    if !out.exists() {
        let staged = staging.keep();
        return std::fs::rename(&staged, out).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&staged);
        });
    }
    if exchange(staging.path(), out).is_ok() {
        // `staging` now holds the old output; dropping it removes it.
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
        let mut first = Output::default();
        first.add(
            "model",
            vec![file("index.html", "one"), file("old.html", "x")],
        );
        write_atomically(&out, &first).unwrap();
        let mut second = Output::default();
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
            let mut bad = Output::default();
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
        let mut output = Output::default();
        output.add("", vec![file("index.html", "new")]);
        write_atomically(&out, &output).unwrap();
        assert!(!dead.exists());
        assert!(running.exists());
        assert!(other.exists());
    }
}
