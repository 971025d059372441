//! Reading source files: one text file read safely, the characters no
//! published page may hold, and the files that editors and operating
//! systems leave beside the ones being edited.
//!
//! A leaf: it imports only diagnostics, and it never writes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::support::diagnostic::{display_path, Diagnostic, Diagnostics, SourceFile};

/// Source files larger than this are refused.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a text file under `root` as UTF-8, refusing oversized files, links
/// that leave the root, anything that is not a plain file, and NUL bytes. A
/// byte-order mark and CR line endings are removed.
pub fn read_source(root: &Path, path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let shown = display_path(root, path);
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error("unreadable", format!("cannot read this file: {e}"))
            .in_path(&shown)
            .hint("check that the file exists and that its permissions let you read it")
    })?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            "not-a-file",
            "this is not a plain file (it is a folder, a device or a pipe), so it cannot be read as a page or settings",
        )
        .in_path(&shown)
        .hint("rename or remove it; pages and settings are plain text files"));
    }
    if let Some(real) = outside_root(root, path) {
        return Err(Diagnostic::error(
            "link-outside-root",
            format!(
                "this file is a link to {}, outside the handbook folder",
                real.display()
            ),
        )
        .in_path(&shown)
        .hint("copy the file into the handbook folder instead of linking to it"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(
            &shown,
            format!(
                "this file is {} MiB; the limit is {} MiB",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_FILE_BYTES + 1), &mut bytes)
        })
        .map_err(|e| {
            Diagnostic::error("unreadable", format!("cannot read this file: {e}"))
                .in_path(&shown)
                .hint("check the file's permissions (it must be readable by you)")
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(
            &shown,
            format!(
                "this file grew past the limit of {} MiB while it was read",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(Diagnostic::error(
            "nul-byte",
            format!("this file contains a NUL byte (line {line}, {at} bytes in), so it is not a text file"),
        )
        .in_path(format!("{shown}:{line}"))
        .hint("the file may be damaged or saved in another format (such as UTF-16 or a word-processor file); save it as plain UTF-8 text"));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(
            "not-utf8",
            format!("this file is not UTF-8 text (a byte that is not UTF-8 is on line {line}, {offset} bytes in)"),
        )
        .in_path(format!("{shown}:{line}"))
        .hint("save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    let file = SourceFile::new(shown, text);
    if let Some((at, c)) = crate::support::characters::unpublishable_in(&file.text) {
        return Err(Diagnostic::error(
            "control-character",
            format!(
                "this file holds the invisible control character {}, which no web page or feed may contain",
                crate::support::characters::describe(c)
            ),
        )
        .at(&file, at, at + c.len_utf8())
        .hint("delete it: it often comes with text pasted from another program, and most editors do not show it (try deleting the characters on either side of this place and typing them again)"));
    }
    Ok(file)
}

/// The error for a file over [`MAX_FILE_BYTES`], at `shown`.
fn too_large(shown: &str, message: String) -> Diagnostic {
    Diagnostic::error("file-too-large", message)
        .in_path(shown)
        .hint("split it into several pages")
}

/// Whether a file or folder name is one that editors, version control or
/// operating systems leave beside the files being edited, never a source:
/// hidden names (`.git`, `.DS_Store`, Emacs's `.#page.md` lock links,
/// `.page.md.swp`), backups (`page.md~`, `page.md.bak`, `page.md.orig`),
/// swap and temporary files (`.swp`, `.swo`, `.swx`, `.tmp`, Vim's `4913`,
/// `#page.md#`, GNOME's `.goutputstream-*`, Office's `~$page.docx`) and
/// folder metadata (`Thumbs.db`, `desktop.ini`, `Icon\r`).
pub fn is_leftover(name: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".swn",
        ".tmp",
        ".temp",
        ".bak",
        ".orig",
        ".rej",
        ".crdownload",
        ".part",
    ];
    name.starts_with('.')
        || name.starts_with("~$")
        || (name.starts_with('#') && name.ends_with('#'))
        || ENDINGS.iter().any(|e| name.ends_with(e))
        || matches!(
            name.to_ascii_lowercase().as_str(),
            "4913" | "thumbs.db" | "ehthumbs.db" | "desktop.ini" | "icon\r"
        )
}

/// What a walked entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkedKind {
    /// A plain file (links followed).
    File,
    /// A folder.
    Folder,
    /// A device, pipe or socket.
    Other,
}

/// Where `path` really is, when a link takes it outside `root`; `None` when
/// it stays inside (or its real place cannot be found: reading it then
/// fails). A path below `root` none of whose parts below `root` is a link
/// stays inside without asking for its real place, which costs a system
/// call for every part of the whole path, twice a file (about 5 % of a
/// 10,000-page build).
fn outside_root(root: &Path, path: &Path) -> Option<PathBuf> {
    if no_link_below(root, path) {
        return None;
    }
    let (real, real_root) = (path.canonicalize().ok()?, root.canonicalize().ok()?);
    (!real.starts_with(real_root)).then_some(real)
}

/// Whether `path` is below `root` by plain names (no `..`), none of them a
/// link.
fn no_link_below(root: &Path, path: &Path) -> bool {
    let Ok(below) = path.strip_prefix(root) else {
        return false;
    };
    let mut at = root.to_path_buf();
    below.components().all(|part| match part {
        std::path::Component::Normal(name) => {
            at.push(name);
            std::fs::symlink_metadata(&at).is_ok_and(|m| !m.file_type().is_symlink())
        }
        _ => false,
    })
}

/// One entry found by [`walk`].
#[derive(Debug, Clone)]
pub struct Walked {
    /// Its path.
    pub path: PathBuf,
    /// Its `/`-separated path relative to the folder walked.
    pub name: String,
    /// What it is.
    pub kind: WalkedKind,
}

/// Every entry under `dir` (itself left out), sorted by name: the one safe
/// folder walk of Handbook. Links are followed, but one that leads outside
/// `root` is refused with an error; an entry that cannot be read (a loop, a
/// link to nothing) is an error, unless its name is a [leftover](is_leftover),
/// which is skipped with everything under it. A missing `dir` has no entries.
pub fn walk(root: &Path, dir: &Path, diagnostics: &Diagnostics) -> Vec<Walked> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_leftover(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                if !name.is_some_and(|n| is_leftover(&n)) {
                    diagnostics.push(
                        Diagnostic::error(
                            "unreadable",
                            format!("cannot read this folder entry: {e}"),
                        )
                        .in_path(display_path(root, &path))
                        .hint(
                            "check its permissions, or remove a link that loops or points nowhere",
                        ),
                    );
                }
                continue;
            }
        };
        let path = entry.path().to_path_buf();
        if let Some(real) = outside_root(root, &path) {
            diagnostics.push(
                Diagnostic::error(
                    "link-outside-root",
                    format!(
                        "this is a link to {}, outside the handbook folder",
                        real.display()
                    ),
                )
                .in_path(display_path(root, &path))
                .hint("copy the file into the handbook folder instead of linking to it"),
            );
            continue;
        }
        let kind = match entry.file_type() {
            t if t.is_file() => WalkedKind::File,
            t if t.is_dir() => WalkedKind::Folder,
            _ => WalkedKind::Other,
        };
        found.push(Walked {
            name: display_path(dir, &path),
            path,
            kind,
        });
    }
    found
}

/// `error`, of the same kind, with `path` named in its words.
pub fn naming(path: &Path, error: std::io::Error) -> std::io::Error {
    std::io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_leaves_the_root_only_through_a_link_that_leads_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "secret").unwrap();
        let real = tempfile::tempdir().unwrap();
        let root = real.path().join("root");
        std::fs::create_dir_all(root.join("content/steps")).unwrap();
        std::fs::write(root.join("content/steps/one.md"), "one").unwrap();
        let link = |to: &Path, at: &str| std::os::unix::fs::symlink(to, root.join(at)).unwrap();
        link(&root.join("content/steps/one.md"), "content/same.md");
        link(&root.join("content/steps"), "content/also");
        link(&outside.path().join("secret.md"), "content/secret.md");
        link(outside.path(), "content/elsewhere");
        // The root itself given through a link: what is below it is inside.
        let by_link = real.path().join("by-link");
        std::os::unix::fs::symlink(&root, &by_link).unwrap();
        let secret = outside.path().join("secret.md").canonicalize().unwrap();
        for (root, path, leaves) in [
            (&root, "content/steps/one.md", None),
            (&root, "content/same.md", None),
            (&root, "content/also/one.md", None),
            (&root, "content/secret.md", Some(&secret)),
            (&root, "content/elsewhere/secret.md", Some(&secret)),
            (&root, "content/../../root/content/steps/one.md", None),
            (&by_link, "content/steps/one.md", None),
            (&by_link, "content/elsewhere/secret.md", Some(&secret)),
        ] {
            let found = outside_root(root, &root.join(path));
            assert_eq!(found.as_ref(), leaves, "{path} under {}", root.display());
        }
        let beside = real.path().join("beside.md");
        std::fs::write(&beside, "beside").unwrap();
        let up = outside_root(&root, &root.join("content/../../beside.md"));
        assert_eq!(up, Some(beside.canonicalize().unwrap()));
    }
}
