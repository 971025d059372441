//! Watching the root's source folders: file-system events become saves.
//!
//! A batch of events counts as a save only if some file's size or
//! modification time changed, and files editors leave beside the ones
//! being edited (`source::is_leftover`) never count. When the system's
//! watcher cannot be used, the folders are polled every second.
//!
//! A source that is a link to a file elsewhere in the root (which `build`
//! reads as the file it leads to) is watched where that file is: the
//! watcher watches the file's folder too, and a change to the file is a
//! save of every link to it. Links made while the preview runs are
//! followed from the save that makes them.
//!
//! It reports paths; it reads no source and starts no build itself.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_mini::notify::{self, RecursiveMode};
use notify_debouncer_mini::{new_debouncer_opt, Config, DebounceEventResult};

use crate::support::diagnostic::Diagnostics;
use crate::support::lock::Locked;

/// Whether a changed path under `root` is a file editors leave beside the
/// ones being edited (or lies in such a folder), not a real save.
fn is_leftover(root: &Path, path: &Path) -> bool {
    let path = path.strip_prefix(root).unwrap_or(path);
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_string_lossy()),
            _ => None,
        })
        .any(|name| crate::support::source::is_leftover(&name))
}

/// A file's stamp: its modification time, size and a fingerprint of its
/// bytes, so that a save that keeps the first two (a copy that keeps
/// times, a file system that keeps them to the second) is still seen.
type Stamp = (std::time::SystemTime, u64, [u8; 16]);

/// The stamp of each file under the watched folders.
///
/// The watcher also reports files being opened (as every build does), so a
/// batch of events counts as a save only if some file's stamp changed.
#[derive(Debug, Default)]
struct Stamps(HashMap<PathBuf, Option<Stamp>>);

impl Stamps {
    fn stamp(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return Some((meta.modified().ok()?, meta.len(), [0; 16]));
        }
        let bytes = std::fs::read(path).ok()?;
        let mut f = crate::support::fingerprint::Fingerprint::default();
        f.run(&bytes);
        Some((meta.modified().ok()?, meta.len(), f.finish()))
    }

    fn of(root: &Path, folders: &[PathBuf]) -> Self {
        use rayon::prelude::*;
        // Problems reading the folders are the build's to report.
        let paths: Vec<PathBuf> = folders
            .iter()
            .flat_map(|folder| crate::support::source::walk(root, folder, &Diagnostics::new()))
            .map(|entry| entry.path)
            .collect();
        Self(
            paths
                .into_par_iter()
                .map(|path| {
                    let stamp = Self::stamp(&path);
                    (path, stamp)
                })
                .collect(),
        )
    }

    /// Records the current stamps of `paths`; returns those that differ from
    /// before. Folders are left out (a folder changes with the files in it),
    /// and so is a file that came and went unseen, such as the temporary
    /// file an editor writes and renames over the one being saved: each
    /// would otherwise make a second rebuild of one save.
    fn changed<'a>(&mut self, paths: impl Iterator<Item = &'a Path>) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        for path in paths {
            if path.is_dir() {
                continue;
            }
            let now = Self::stamp(path);
            let before = self.0.insert(path.to_path_buf(), now);
            if now.is_none() && before.flatten().is_none() {
                continue;
            }
            if before != Some(now) {
                changed.push(path.to_path_buf());
            }
        }
        changed
    }
}

/// The links among the sources to files and folders elsewhere, by what
/// each leads to: a change to a file there is a change to the same file
/// through each link.
#[derive(Debug, Default)]
struct Links {
    /// Each file or folder a link leads to (its real path), with the links
    /// to it.
    to: HashMap<PathBuf, Vec<PathBuf>>,
    /// The folders to watch besides the source folders: the folder of each
    /// file a link leads to (alone), and each folder a link leads to (with
    /// the folders in it), when the source folders' watches do not cover it.
    folders: HashSet<(PathBuf, bool)>,
}

impl Links {
    /// The links to files among the sources under `folders` (each a real
    /// path) of `root`; a link that leads outside the root is the build's
    /// to refuse, so it is not followed.
    fn of(root: &Path, folders: &[PathBuf]) -> Self {
        let mut links = Self::default();
        let quiet = Diagnostics::new();
        let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        for folder in folders {
            for entry in crate::support::source::walk(root, folder, &quiet) {
                let is_link = std::fs::symlink_metadata(&entry.path)
                    .is_ok_and(|m| m.file_type().is_symlink());
                let Some(real) = is_link
                    .then(|| entry.path.canonicalize().ok())
                    .flatten()
                    .filter(|real| real.starts_with(&real_root))
                else {
                    continue;
                };
                // A folder is watched with the folders in it; a file's folder alone.
                let watched = match real.is_dir() {
                    true => (real.clone(), true),
                    false => match real.parent() {
                        Some(parent) => (parent.to_path_buf(), false),
                        None => continue,
                    },
                };
                if !folders.iter().any(|f| watched.0.starts_with(f)) {
                    links.folders.insert(watched);
                }
                links.to.entry(real).or_default().push(entry.path);
            }
        }
        links
    }

    /// The changed `paths` as saves of sources: a file a link leads to (or
    /// one in a folder a link leads to) is the same file through each link
    /// (and itself, when it is a source too); a path in a folder watched
    /// only for a link's file, but no such file, is no save.
    fn saves(&self, paths: &[PathBuf], sources: &[PathBuf]) -> Vec<PathBuf> {
        let mut saves = Vec::new();
        for path in paths {
            for (real, links) in &self.to {
                match path.strip_prefix(real) {
                    Ok(below) if below.as_os_str().is_empty() => {
                        saves.extend(links.iter().cloned())
                    }
                    Ok(below) => saves.extend(links.iter().map(|link| link.join(below))),
                    Err(_) => {}
                }
            }
            if sources.iter().any(|f| path.starts_with(f)) {
                saves.push(path.clone());
            }
        }
        saves
    }
}

/// Watches the root's source folders, and the folders of the files links
/// among them lead to, for as long as the process runs; each batch of real
/// changes calls `on_change` with the sources that changed (a link, for a
/// change to the file it leads to).
pub(super) fn watch(
    root: &Path,
    on_change: impl Fn(Vec<PathBuf>) + Send + Sync + 'static,
) -> Result<(), String> {
    let folders: Vec<PathBuf> = ["content", "themes", "local-overrides"]
        .iter()
        .map(|f| root.join(f))
        .filter(|p| p.is_dir())
        .collect();
    let stamps = std::sync::Mutex::new(Stamps::of(root, &folders));
    let links = std::sync::Mutex::new(Links::of(root, &folders));
    // Folders to watch besides the source folders (those of files links
    // lead to), handed to the thread that holds the watcher.
    let (more, wanted) = channel::<(PathBuf, bool)>();
    let linked_at_start: Vec<(PathBuf, bool)> = links.locked().folders.iter().cloned().collect();
    let watched = folders.clone();
    let root = root.to_path_buf();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let real: Vec<PathBuf> = events
                .iter()
                .filter(|e| !is_leftover(&root, &e.path))
                .map(|e| e.path.clone())
                .collect();
            let mut links = links.locked();
            // A link made or changed: follow the links again.
            let linked = real.iter().any(|p| {
                watched.iter().any(|f| p.starts_with(f))
                    && std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
            });
            let mut saves = links.saves(&real, &watched);
            if linked {
                let now = Links::of(&root, &watched);
                for folder in now.folders.difference(&links.folders) {
                    let _ = more.send(folder.clone());
                }
                // The files of a folder newly linked are new sources.
                let before: HashSet<&PathBuf> = links.to.values().flatten().collect();
                let new = now.to.values().flatten().filter(|l| !before.contains(l));
                for link in new.filter(|l| l.is_dir()) {
                    let quiet = Diagnostics::new();
                    let files = crate::support::source::walk(&root, link, &quiet);
                    saves.extend(files.into_iter().map(|f| f.path));
                }
                *links = now;
            }
            drop(links);
            let mut stamps = stamps.locked();
            let changed = stamps.changed(saves.iter().map(PathBuf::as_path));
            if !changed.is_empty() {
                on_change(changed);
            }
        }
        Err(e) => eprintln!("warning: watching for changes failed: {e}"),
    };
    let mut watcher = start_watcher(&folders, handler)?;
    // The folders of files linked to at the start are watched before the
    // preview says it is serving, so that no save made after that is missed.
    for (folder, recursive) in &linked_at_start {
        watcher.watch_one(folder, *recursive);
    }
    // The watcher is then held by a thread that also watches each folder
    // asked for later; it lives as long as the process (the preview's).
    std::thread::spawn(move || {
        while let Ok((folder, recursive)) = wanted.recv() {
            watcher.watch_one(&folder, recursive);
        }
    });
    Ok(())
}

/// The file-system watcher of the preview, of whichever kind could be made.
enum Watcher {
    Native(notify_debouncer_mini::Debouncer<notify::RecommendedWatcher>),
    Polling(notify_debouncer_mini::Debouncer<notify::PollWatcher>),
}

impl Watcher {
    /// Watches one more folder (one a link leads to, with the folders in
    /// it when `recursive`, or a linked file's).
    fn watch_one(&mut self, folder: &Path, recursive: bool) {
        let mode = match recursive {
            true => RecursiveMode::Recursive,
            false => RecursiveMode::NonRecursive,
        };
        let watched = match self {
            Watcher::Native(d) => d.watcher().watch(folder, mode),
            Watcher::Polling(d) => d.watcher().watch(folder, mode),
        };
        if let Err(e) = watched {
            eprintln!(
                "warning: cannot watch {} for changes to the files linked there: {e}",
                folder.display()
            );
        }
    }
}

/// The system's watcher of `folders`, each with all its folders, calling
/// `handler` with each batch of events; where it cannot be used, one that
/// polls every second.
fn start_watcher(
    folders: &[PathBuf],
    handler: impl Fn(DebounceEventResult) + Send + Sync + 'static,
) -> Result<Watcher, String> {
    // A save is seen 15 ms after the editor's last write to the file.
    let config = Config::default()
        .with_timeout(Duration::from_millis(15))
        .with_batch_mode(false);
    let handler = Arc::new(handler);
    let h = Arc::clone(&handler);
    match new_debouncer_opt::<_, notify::RecommendedWatcher>(config, move |r| h(r)) {
        Ok(mut debouncer) => {
            let mut failed = None;
            for folder in folders {
                if let Err(e) = debouncer.watcher().watch(folder, RecursiveMode::Recursive) {
                    failed = Some(e);
                    break;
                }
            }
            match failed {
                None => return Ok(Watcher::Native(debouncer)),
                Some(e) => {
                    if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                        eprintln!(
                            "warning: the system's limit on watched files was reached, so changes are checked every second instead.\n  hint: raise the limit with `sudo sysctl fs.inotify.max_user_watches=524288` for instant updates"
                        );
                    } else {
                        eprintln!("warning: cannot watch for changes ({e}); checking every second instead");
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("warning: cannot watch for changes ({e}); checking every second instead")
        }
    }
    let poll = notify::Config::default().with_poll_interval(Duration::from_secs(1));
    let config = Config::default()
        .with_timeout(Duration::from_millis(80))
        .with_notify_config(poll);
    let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher>(config, move |r| handler(r))
        .map_err(|e| format!("cannot watch for changes: {e}"))?;
    for folder in folders {
        debouncer
            .watcher()
            .watch(folder, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    }
    Ok(Watcher::Polling(debouncer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_by_rename_is_one_change() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("step-1.md");
        std::fs::write(&page, "old").unwrap();
        let mut stamps = Stamps::of(dir.path(), &[dir.path().to_path_buf()]);
        // An editor writes a temporary file and renames it over the page.
        let temporary = dir.path().join("sedX1b2c3");
        std::fs::write(&temporary, "new text").unwrap();
        std::fs::rename(&temporary, &page).unwrap();
        let events = [temporary.as_path(), dir.path(), page.as_path()];
        assert_eq!(stamps.changed(events.into_iter()), vec![page.clone()]);
        std::fs::remove_file(&page).unwrap();
        assert_eq!(stamps.changed([page.as_path()].into_iter()), vec![page]);
    }

    #[test]
    fn a_change_to_a_file_or_folder_a_source_links_to_is_a_save_of_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for folder in ["content", "drafts", "library/guides"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("drafts/a.md"), "A").unwrap();
        std::fs::write(root.join("drafts/other.md"), "O").unwrap();
        std::fs::write(root.join("library/guides/g.md"), "G").unwrap();
        std::os::unix::fs::symlink("../drafts/a.md", root.join("content/a.md")).unwrap();
        std::os::unix::fs::symlink("../library/guides", root.join("content/guides")).unwrap();
        let sources = [root.join("content")];
        let links = Links::of(&root, &sources);
        let mut folders: Vec<_> = links.folders.iter().cloned().collect();
        folders.sort();
        assert_eq!(
            folders,
            [
                (root.join("drafts"), false),
                (root.join("library/guides"), true)
            ]
        );
        let saves = links.saves(
            &[
                root.join("drafts/a.md"),
                root.join("drafts/other.md"),
                root.join("library/guides/g.md"),
                root.join("content/b.md"),
            ],
            &sources,
        );
        assert_eq!(
            saves,
            [
                root.join("content/a.md"),
                root.join("content/guides/g.md"),
                root.join("content/b.md")
            ]
        );
    }

    #[test]
    fn editor_leftovers_are_not_saves() {
        for path in [
            "content/.step-1.md.swp",
            "content/step-1.md~",
            "content/.#step-1.md",
            "content/4913",
            "content/#step-1.md#",
            "content/.DS_Store",
            "content/Thumbs.db",
            "content/.git/index",
        ] {
            assert!(
                is_leftover(
                    Path::new("/home/.x/root"),
                    &Path::new("/home/.x/root").join(path)
                ),
                "{path}"
            );
        }
        assert!(!is_leftover(
            Path::new("/home/.x/root"),
            Path::new("/home/.x/root/content/step-1.md")
        ));
    }
}
