//! The list of an edition's saved copy (`offline.json`, issue 36): every
//! file of each language's site of the edition as it is now (pages, static
//! files, search indexes), with a stamp that changes whenever one of them
//! does, the edition's release and the day it was built. The offline
//! script a reader's browser runs saves the files it lists, and compares
//! stamps to know when to save them again.
//!
//! It only lists what `edition` hands it as each file is written: it makes
//! no page, decides nothing about which editions offer a saved copy, and
//! writes nothing itself.

use std::sync::Mutex;

use jiff::civil::Date;

use crate::support::fingerprint::{hex, Fingerprint};
use crate::support::output::{Content, OutputFile};
use crate::support::url::{OFFLINE_LIST, OFFLINE_WORKER};

/// The files of an edition's saved copy, gathered as they are written.
#[derive(Debug, Default)]
pub(super) struct SavedCopy {
    /// Each file's path in the edition, with a fingerprint of its bytes.
    files: Mutex<Vec<(String, [u8; 16])>>,
}

impl SavedCopy {
    /// Adds `file` (at its path in the edition). The offline script itself
    /// is left out: the browser keeps it, and checks it for changes itself.
    pub(super) fn add(&self, file: &OutputFile) {
        if file.path == OFFLINE_WORKER {
            return;
        }
        let mut f = Fingerprint::default();
        match file.content.read() {
            Ok(bytes) => f.bytes(&bytes),
            // A file that cannot be read is not written either, and its
            // write reports it; the list still names it.
            Err(_) => f.text("\0unreadable"),
        };
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.push((file.path.clone(), f.finish()));
    }

    /// The list, `offline.json` at the edition's top: `stamp` (a
    /// fingerprint of every file listed and its path, with the release and
    /// the day), `version` (the edition's newest release, or `null`),
    /// `built` (`YYYY-MM-DD`) and `files` (paths from the edition's top,
    /// sorted).
    pub(super) fn list(self, version: Option<&str>, built: Date) -> OutputFile {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort();
        let mut stamp = Fingerprint::default();
        stamp.text(version.unwrap_or("\0")).text(&built.to_string());
        for (path, bytes) in &files {
            stamp.text(path).bytes(bytes);
        }
        let list = serde_json::json!({
            "stamp": hex(&stamp.finish()),
            "version": version,
            "built": built.to_string(),
            "files": files.iter().map(|(path, _)| path).collect::<Vec<_>>(),
        });
        OutputFile {
            path: OFFLINE_LIST.to_string(),
            content: Content::Bytes(format!("{list:#}\n").into_bytes()),
        }
    }
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

    fn list_of(files: &[OutputFile], version: Option<&str>) -> serde_json::Value {
        let copy = SavedCopy::default();
        files.iter().for_each(|f| copy.add(f));
        let list = copy.list(version, Date::constant(2026, 12, 7));
        serde_json::from_slice(&list.content.bytes().unwrap()).unwrap()
    }

    #[test]
    fn the_stamp_changes_with_any_file_and_the_list_leaves_out_the_script() {
        let before = [
            file("step-1.html", "<p>One</p>"),
            file("index.html", "<p>Home</p>"),
            file(OFFLINE_WORKER, "// script"),
        ];
        let list = list_of(&before, None);
        assert_eq!(
            list["files"],
            serde_json::json!(["index.html", "step-1.html"])
        );
        assert_eq!(list["version"], serde_json::Value::Null);
        assert_eq!(list["built"], "2026-12-07");
        let again = list_of(&before, None);
        assert_eq!(
            list["stamp"], again["stamp"],
            "the same files, the same stamp"
        );
        let changed = list_of(
            &[
                file("step-1.html", "<p>Two</p>"),
                file("index.html", "<p>Home</p>"),
            ],
            None,
        );
        assert_ne!(list["stamp"], changed["stamp"]);
        let released = list_of(&before, Some("2.0"));
        assert_eq!(released["version"], "2.0");
        assert_ne!(list["stamp"], released["stamp"]);
    }
}
