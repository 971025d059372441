//! What shell completion offers for an argument that names an authority
//! (`--authority`, and the `SLUG` of `diff`, `accept` and `release`): the
//! authorities of the root the command line names with `--root`, or of the
//! working folder.
//!
//! Completion runs `handbook` itself at each press of Tab
//! (`clap_complete`'s `COMPLETE=<shell> handbook -- …`, set up by the
//! script `handbook completions SHELL` prints), so the candidates are those
//! of the root as it is then. Reads folder names only; never fails: a
//! folder that is not a root offers nothing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

/// The root the command line being completed names: the value of its
/// `--root` (`--root DIR` or `--root=DIR`), else the working folder.
fn root_named(words: impl IntoIterator<Item = OsString>) -> PathBuf {
    let words: Vec<OsString> = words.into_iter().collect();
    let mut root = PathBuf::from(".");
    for (i, word) in words.iter().enumerate() {
        let word = word.to_string_lossy();
        if word == "--root" {
            if let Some(next) = words.get(i + 1) {
                root = PathBuf::from(next);
            }
        } else if let Some(value) = word.strip_prefix("--root=") {
            root = PathBuf::from(value);
        }
    }
    root
}

/// The authorities of `root`: each folder under `local-overrides/` with an
/// `authority.yaml`, by slug, with the authority's name as its help.
pub fn authorities_of(root: &Path) -> Vec<CompletionCandidate> {
    let Ok(entries) = std::fs::read_dir(root.join("local-overrides")) else {
        return Vec::new();
    };
    let mut found: Vec<(String, Option<String>)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let settings = entry.path().join("authority.yaml");
            let slug = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(settings).ok()?;
            Some((slug, name_in(&text)))
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(slug, name)| CompletionCandidate::new(slug).help(name.map(Into::into)))
        .collect()
}

/// The `name:` an `authority.yaml` gives, as written on its line.
fn name_in(settings: &str) -> Option<String> {
    let line = settings.lines().find(|l| l.starts_with("name:"))?;
    let value = line["name:".len()..].split(" #").next()?.trim();
    let value = value.trim_matches('"').trim_matches('\'');
    (!value.is_empty()).then(|| value.to_string())
}

/// The candidates for an argument naming an authority.
pub fn authorities() -> ArgValueCandidates {
    ArgValueCandidates::new(|| authorities_of(&root_named(std::env::args_os())))
}

/// The candidates for an argument naming an edition: the authorities, and
/// `model` for the model edition.
pub fn editions() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let mut found = authorities_of(&root_named(std::env::args_os()));
        found.push(CompletionCandidate::new("model").help(Some("the model edition".into())));
        found
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_one_the_command_line_names() {
        let words = |w: &[&str]| w.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            root_named(words(&["handbook", "--", "handbook", "serve"])),
            PathBuf::from(".")
        );
        assert_eq!(
            root_named(words(&["handbook", "serve", "--root", "ch", "--authority"])),
            PathBuf::from("ch")
        );
        assert_eq!(
            root_named(words(&["handbook", "check", "--root=x/y"])),
            PathBuf::from("x/y")
        );
    }

    #[test]
    fn authorities_are_the_folders_with_settings_named_by_their_name() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("local-overrides");
        for (slug, settings) in [
            ("b-council", Some("name: \"B Council\"  # full\n")),
            ("a-council", Some("short_name: A\nname: A Council\n")),
            ("notes", None),
        ] {
            std::fs::create_dir_all(dir.join(slug)).unwrap();
            if let Some(settings) = settings {
                std::fs::write(dir.join(slug).join("authority.yaml"), settings).unwrap();
            }
        }
        let found: Vec<(String, Option<String>)> = authorities_of(root.path())
            .iter()
            .map(|c| {
                (
                    c.get_value().to_string_lossy().into_owned(),
                    c.get_help().map(ToString::to_string),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("a-council".into(), Some("A Council".into())),
                ("b-council".into(), Some("B Council".into()))
            ]
        );
        assert!(authorities_of(&root.path().join("nowhere")).is_empty());
    }
}
