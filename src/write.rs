//! Stage 5, write: put rendered files on disk, all or nothing.
//!
//! Everything is written into a new temporary folder beside the output
//! folder, which is then swapped in with one atomic rename (an exchange on
//! Linux, so the old output is never missing, even for a moment). If any
//! write fails, or the process is killed, the previous output is untouched
//! and the temporary folder is removed. This is the only stage that writes.

use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::render::{Content, OutputFile};

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
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
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
        .prefix(&format!(".{name}.old-"))
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
        let mut bad = Output::default();
        bad.add("", vec![file("../escape.html", "x")]);
        assert!(write_atomically(&out, &bad).is_err());
        assert!(!dir.path().join("escape.html").exists());
        assert!(!out.exists());
    }
}
