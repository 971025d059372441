//! Watching the root's source folders: file-system events become saves.
//!
//! A batch of events counts as a save only if some file's size or
//! modification time changed, and files editors leave beside the ones
//! being edited (`source::is_leftover`) never count. When the system's
//! watcher cannot be used, the folders are polled every second.
//!
//! It reports paths; it reads no source and starts no build itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_mini::notify::{self, RecursiveMode};
use notify_debouncer_mini::{new_debouncer_opt, Config, DebounceEventResult, DebouncedEvent};

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

/// The size and modification time of each file under the watched folders.
///
/// The watcher also reports files being opened (as every build does), so a
/// batch of events counts as a save only if some file's stamp changed.
#[derive(Debug, Default)]
struct Stamps(HashMap<PathBuf, Option<(std::time::SystemTime, u64)>>);

impl Stamps {
    fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
        let meta = std::fs::metadata(path).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    fn of(root: &Path, folders: &[PathBuf]) -> Self {
        let mut stamps = HashMap::new();
        for folder in folders {
            // Problems reading the folders are the build's to report.
            for entry in crate::support::source::walk(root, folder, &Diagnostics::new()) {
                stamps.insert(entry.path.clone(), Self::stamp(&entry.path));
            }
        }
        Self(stamps)
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

/// Watches the root's source folders; each batch of real changes calls
/// `on_change` with the files that changed.
pub(super) fn watch(
    root: &Path,
    on_change: impl Fn(Vec<PathBuf>) + Send + Sync + 'static,
) -> Result<Box<dyn std::any::Any + Send>, String> {
    let folders: Vec<PathBuf> = ["content", "themes", "local-overrides"]
        .iter()
        .map(|f| root.join(f))
        .filter(|p| p.is_dir())
        .collect();
    let stamps = std::sync::Mutex::new(Stamps::of(root, &folders));
    let root = root.to_path_buf();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let real: Vec<&DebouncedEvent> = events
                .iter()
                .filter(|e| !is_leftover(&root, &e.path))
                .collect();
            let mut stamps = stamps.locked();
            let changed = stamps.changed(real.iter().map(|e| e.path.as_path()));
            if !changed.is_empty() {
                on_change(changed);
            }
        }
        Err(e) => eprintln!("warning: watching for changes failed: {e}"),
    };
    // A save is seen 15 ms after the editor's last write to the file.
    let config = Config::default()
        .with_timeout(Duration::from_millis(15))
        .with_batch_mode(false);
    let handler = Arc::new(handler);
    let h = Arc::clone(&handler);
    match new_debouncer_opt::<_, notify::RecommendedWatcher>(config, move |r| h(r)) {
        Ok(mut debouncer) => {
            let mut failed = None;
            for folder in &folders {
                if let Err(e) = debouncer.watcher().watch(folder, RecursiveMode::Recursive) {
                    failed = Some(e);
                    break;
                }
            }
            match failed {
                None => return Ok(Box::new(debouncer)),
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
    for folder in &folders {
        debouncer
            .watcher()
            .watch(folder, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    }
    Ok(Box::new(debouncer))
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
