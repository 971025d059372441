//! The model guidance as built into Handbook, and the record of which model
//! a root's `content/` holds: `content/model-fingerprints.yaml`
//! ([`ModelFingerprints`]), a fingerprint of each file as Handbook wrote it.
//!
//! `handbook init` writes the model and its record into a new root;
//! `handbook update-model` (`crate::pipeline::model_update`) reads the
//! record to tell the model's own text from changes made in the root, and
//! writes a newer model and its record. A root's own settings in
//! `handbook.yaml` (its published `address:`) are the root's, not the
//! model's: [`own_settings`] finds them, they are left out of the file's
//! fingerprint, and [`with_own_settings`] keeps them in a newer model.
//!
//! Values and their text only: reads and writes no file.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::support::diagnostic::{Diagnostic, SourceFile};

mod built_in {
    include!(concat!(env!("OUT_DIR"), "/built_in_content.rs"));
}

/// The model guidance (`content/`) as built into Handbook, by each file's
/// `/`-separated path inside `content/`.
pub fn built_in_files() -> &'static [(&'static str, &'static [u8])] {
    built_in::FILES
}

/// The record's file name, inside `content/`.
pub const FINGERPRINTS_FILE: &str = "model-fingerprints.yaml";

/// The comment above the root's own settings in a `handbook.yaml` written
/// by an update; like them, not part of the model.
const OWN_SETTINGS_COMMENT: &str =
    "# This handbook root's own setting, kept by `handbook update-model`.";

/// The settings of `handbook.yaml` that are the root's own, not the model's.
pub const OWN_SETTINGS: &[&str] = &["address"];

/// Which model guidance a root's `content/` holds: each file's fingerprint
/// as Handbook wrote it, so an edit made in the root can be told from the
/// model's own text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFingerprints {
    /// The Handbook that wrote the record, such as `Handbook 0.1.0`.
    pub written_by: String,
    /// The fingerprint of the whole model.
    pub model: String,
    /// Each file's fingerprint, by its path inside `content/`.
    pub files: BTreeMap<String, String>,
}

const KEYS: &[&str] = &["written_by", "model", "files"];

impl ModelFingerprints {
    /// The record of `files` (path inside `content/`, bytes), written by
    /// this Handbook.
    pub fn of<'f>(files: impl IntoIterator<Item = (&'f str, &'f [u8])>) -> Self {
        let files: BTreeMap<String, String> = files
            .into_iter()
            .filter(|(name, _)| *name != FINGERPRINTS_FILE)
            .map(|(name, bytes)| (name.to_string(), file_fingerprint(name, bytes)))
            .collect();
        let mut whole = blake3::Hasher::new();
        for (name, fingerprint) in &files {
            whole.update(name.as_bytes());
            whole.update(b"\0");
            whole.update(fingerprint.as_bytes());
            whole.update(b"\n");
        }
        Self {
            written_by: format!("Handbook {}", env!("CARGO_PKG_VERSION")),
            model: format!("b3:{}", &whole.finalize().to_hex()[..32]),
            files,
        }
    }

    /// The record of the model built into Handbook.
    pub fn built_in() -> Self {
        Self::of(built_in_files().iter().copied())
    }

    /// The short form of the model's fingerprint people are shown.
    pub fn short(&self) -> &str {
        let hex = self.model.trim_start_matches("b3:");
        &hex[..hex.len().min(12)]
    }

    /// The record as the text of `content/model-fingerprints.yaml`.
    pub fn to_yaml(&self) -> String {
        let mut text = String::from(
            "# Which model guidance this folder holds, as Handbook wrote it: a fingerprint of each file.\n\
             # `handbook init` and `handbook update-model` write this file; `handbook update-model` reads it\n\
             # to tell the model's own text from changes made here. Do not edit it; keep it in git with content/.\n",
        );
        text.push_str(&format!("written_by: \"{}\"\n", self.written_by));
        text.push_str(&format!("model: \"{}\"\n", self.model));
        text.push_str("files:\n");
        for (name, fingerprint) in &self.files {
            text.push_str(&format!("  \"{name}\": \"{fingerprint}\"\n"));
        }
        text
    }

    /// Reads a record from its file.
    pub fn parse(file: &Arc<SourceFile>) -> Result<Self, Diagnostic> {
        crate::text::frontmatter::parse_file(file, KEYS)
    }
}

/// The fingerprint of one file of the model, `name` inside `content/`.
/// Line endings (CRLF or LF), a byte-order mark and spaces at the ends of
/// lines do not count, so a checkout on Windows holds the same model; in
/// `handbook.yaml`, the root's [`own_settings`] do not count either.
pub fn file_fingerprint(name: &str, bytes: &[u8]) -> String {
    let hash = match std::str::from_utf8(bytes) {
        Ok(text) => {
            let text = text.trim_start_matches('\u{feff}');
            let text = if name == "handbook.yaml" {
                without_own_settings(text)
            } else {
                text.to_string()
            };
            let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
            blake3::hash(lines.join("\n").trim_end().as_bytes())
        }
        Err(_) => blake3::hash(bytes),
    };
    format!("b3:{}", &hash.to_hex()[..32])
}

/// Whether `line` of a YAML file sets one of the root's own settings at
/// the top level.
fn is_own_setting(line: &str) -> bool {
    OWN_SETTINGS.iter().any(|key| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

/// The root's own settings in the text of a `handbook.yaml`: each such
/// top-level line with the indented lines that go on from it.
pub fn own_settings(handbook_yaml: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut inside = false;
    for line in handbook_yaml.lines() {
        if is_own_setting(line) {
            found.push(format!("{line}\n"));
            inside = true;
        } else if inside && line.starts_with([' ', '\t']) {
            if let Some(last) = found.last_mut() {
                last.push_str(line);
                last.push('\n');
            }
        } else {
            inside = false;
        }
    }
    found
}

/// The text of a `handbook.yaml` without the root's own settings.
fn without_own_settings(handbook_yaml: &str) -> String {
    let mut out = String::with_capacity(handbook_yaml.len());
    let mut inside = false;
    for line in handbook_yaml.split_inclusive('\n') {
        if is_own_setting(line) {
            inside = true;
        } else if line.trim_end() == OWN_SETTINGS_COMMENT {
            inside = false;
        } else if !(inside && line.starts_with([' ', '\t'])) {
            inside = false;
            out.push_str(line);
        }
    }
    out
}

/// A model's `handbook.yaml` with the root's own settings `own` (from
/// [`own_settings`]) in place of any the model gives.
pub fn with_own_settings(model_yaml: &str, own: &[String]) -> String {
    if own.is_empty() {
        return model_yaml.to_string();
    }
    let mut text = without_own_settings(model_yaml);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(OWN_SETTINGS_COMMENT);
    text.push('\n');
    for setting in own {
        text.push_str(setting);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_ignores_line_endings() {
        let files: [(&str, &[u8]); 2] = [("a.md", b"one\ntwo\n"), ("b/c.md", b"three")];
        let record = ModelFingerprints::of(files);
        let file = SourceFile::new("content/model-fingerprints.yaml", record.to_yaml());
        assert_eq!(ModelFingerprints::parse(&file).unwrap(), record);
        let windows: [(&str, &[u8]); 2] = [
            ("a.md", b"\xef\xbb\xbfone \r\ntwo\r\n"),
            ("b/c.md", b"three"),
        ];
        assert_eq!(ModelFingerprints::of(windows).model, record.model);
        let edited: [(&str, &[u8]); 2] = [("a.md", b"one\n2\n"), ("b/c.md", b"three")];
        assert_ne!(ModelFingerprints::of(edited).model, record.model);
    }

    #[test]
    fn the_published_address_is_the_roots_own() {
        let model =
            "title: \"T\"\nversion: \"Draft 7\"\neditorial_changes:\n  - page: a\n    note: n\n";
        let root =
            "title: \"T\"\naddress: https://intranet.example/handbook/\nversion: \"Draft 6\"\n";
        let own = own_settings(root);
        assert_eq!(own, ["address: https://intranet.example/handbook/\n"]);
        let kept = with_own_settings(model, &own);
        assert!(kept.starts_with(model), "{kept}");
        assert!(kept.ends_with("address: https://intranet.example/handbook/\n"));
        assert_eq!(
            file_fingerprint("handbook.yaml", kept.as_bytes()),
            file_fingerprint("handbook.yaml", model.as_bytes())
        );
        assert_ne!(
            file_fingerprint("other.yaml", kept.as_bytes()),
            file_fingerprint("other.yaml", model.as_bytes())
        );
    }

    #[test]
    fn the_built_in_model_is_recorded_file_by_file() {
        let record = ModelFingerprints::built_in();
        assert!(record.files.contains_key("step-3.md"));
        assert!(record.files.contains_key("handbook.yaml"));
        assert!(!record.files.contains_key(FINGERPRINTS_FILE));
        assert!(record.written_by.starts_with("Handbook "));
    }
}
