//! Drift: noticing when the model changed under an authority's override.
//!
//! Every override records a fingerprint of the model text it was written
//! against (`model_fingerprint:` in its front matter) and a copy of that text
//! (`model-snapshots/<override>.md` in the authority's folder). `check` warns,
//! with a diff, when the model text under an override no longer matches; and
//! `handbook accept SLUG` records a policy lead's review by updating both.
//!
//! This module reads snapshots and, in [`accept`], writes override front
//! matter and snapshots; nothing else.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::differences::compare;
use crate::overlay::{AppliedOverride, Edition};

/// The folder, inside an authority's folder, that keeps the model text each override was reviewed against.
pub const SNAPSHOT_DIR: &str = "model-snapshots";

/// The fingerprint of a piece of model text. Trailing spaces and blank
/// lines at the end do not count.
pub fn fingerprint(text: &str) -> String {
    let normal: Vec<&str> = text.lines().map(str::trim_end).collect();
    let joined = normal.join("\n");
    let hash = blake3::hash(joined.trim_end().as_bytes());
    format!("b3:{}", &hash.to_hex()[..32])
}

fn snapshot_path(authority_dir: &Path, applied: &AppliedOverride) -> PathBuf {
    // Named by the override's path under `overrides/`, so files of the same
    // name in different subfolders keep separate snapshots.
    let path = &applied.over.file.path;
    let relative = path
        .split_once("/overrides/")
        .map_or(path.as_str(), |(_, rest)| rest);
    authority_dir
        .join(SNAPSHOT_DIR)
        .join(relative.replace('/', "__"))
}

/// Warnings for the overrides of an edition whose model text changed since their last review.
pub fn check(edition: &Edition) -> Vec<Diagnostic> {
    let Some(authority) = edition.authority else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for applied in &edition.applied {
        let over = applied.over;
        let now = fingerprint(&applied.model_text);
        let (start, end) = over.target_span;
        match &over.model_fingerprint {
            None => warnings.push(
                Diagnostic::warning(
                    "not-reviewed",
                    format!("this override has no record of the model text of `{}` it was written against", over.target),
                )
                .at(&over.file, start, end)
                .hint(format!("check the override against the model, then run `handbook accept {}`", authority.slug)),
            ),
            Some(recorded) if *recorded != now => {
                let snapshot = std::fs::read_to_string(snapshot_path(&authority.dir, applied)).ok();
                let detail = match &snapshot {
                    Some(before) => compare(before, &applied.model_text)
                        .iter()
                        .map(|line| {
                            let mark = match line.kind {
                                "model" => "- ",
                                "local" => "+ ",
                                _ => "  ",
                            };
                            format!("{mark}{}", line.text)
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                    None => "(no copy of the earlier model text was kept, so the change cannot be shown)".to_string(),
                };
                warnings.push(
                    Diagnostic::warning(
                        "stale-override",
                        format!("the model text of `{}` changed since this override was last reviewed", over.target),
                    )
                    .at(&over.file, start, end)
                    .hint(format!(
                        "read the change below (- was, + now), update the override if needed, then run `handbook accept {}`",
                        authority.slug
                    ))
                    .detail(detail),
                );
            }
            Some(_) => {}
        }
    }
    warnings
}

/// Records that every override of an edition has been reviewed against the
/// current model text. Returns the override files it updated.
pub fn accept(edition: &Edition) -> std::io::Result<Vec<String>> {
    let Some(authority) = edition.authority else {
        return Ok(Vec::new());
    };
    let mut updated = Vec::new();
    for applied in &edition.applied {
        let over = applied.over;
        let now = fingerprint(&applied.model_text);
        let snapshot = snapshot_path(&authority.dir, applied);
        let snapshot_current =
            std::fs::read_to_string(&snapshot).is_ok_and(|s| s == applied.model_text);
        if over.model_fingerprint.as_deref() == Some(now.as_str()) && snapshot_current {
            continue;
        }
        if let Some(folder) = snapshot.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(&snapshot, &applied.model_text)?;
        let text = with_fingerprint(&over.file.text, over.yaml, &now);
        let path = authority
            .dir
            .parent()
            .and_then(Path::parent)
            .map(|root| root.join(&over.file.path));
        if let Some(path) = path {
            std::fs::write(path, text)?;
        }
        updated.push(over.file.path.clone());
    }
    Ok(updated)
}

/// The file text with `model_fingerprint:` set in its front matter.
fn with_fingerprint(text: &str, yaml: (usize, usize), fingerprint: &str) -> String {
    let block = &text[yaml.0..yaml.1];
    let line = format!("model_fingerprint: \"{fingerprint}\"\n");
    let mut new_block = String::with_capacity(block.len() + line.len());
    let mut replaced = false;
    for l in block.split_inclusive('\n') {
        if l.starts_with("model_fingerprint:") {
            new_block.push_str(&line);
            replaced = true;
        } else {
            new_block.push_str(l);
        }
    }
    if !replaced {
        if !new_block.is_empty() && !new_block.ends_with('\n') {
            new_block.push('\n');
        }
        new_block.push_str(&line);
    }
    format!("{}{}{}", &text[..yaml.0], new_block, &text[yaml.1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_trailing_space_but_not_words() {
        assert_eq!(fingerprint("a \nb\n\n"), fingerprint("a\nb"));
        assert_ne!(fingerprint("a\nb"), fingerprint("a\nc"));
    }

    #[test]
    fn fingerprint_line_is_added_or_replaced() {
        let text = "---\ntarget: x\n---\nBody\n";
        let once = with_fingerprint(text, (4, 14), "b3:1");
        assert_eq!(
            once,
            "---\ntarget: x\nmodel_fingerprint: \"b3:1\"\n---\nBody\n"
        );
        let twice = with_fingerprint(&once, (4, 40), "b3:2");
        assert_eq!(
            twice,
            "---\ntarget: x\nmodel_fingerprint: \"b3:2\"\n---\nBody\n"
        );
    }
}
