//! A release, recorded: `handbook release` checks the editions, refuses a
//! root whose files differ from its last commit, and tags each edition
//! (through the `history` module, which owns the git repository).
//!
//! Decides which editions a release covers and in what order the checks
//! come; prints nothing.

use std::path::Path;

use super::{Editions, Request};
use crate::stages::load::history::{self, Off};
use crate::support::diagnostic::Diagnostic;
use crate::support::url::MODEL_SLUG;

/// Why nothing was released.
#[derive(Debug)]
pub enum NotReleased {
    /// The check of the editions found errors: every problem it found.
    Errors(Vec<Diagnostic>),
    /// These files of the root differ from its last commit.
    Uncommitted(Vec<String>),
    /// The root's git history cannot be read or written.
    NoHistory(Off),
    /// The tags could not be made: what went wrong, and what to do.
    Refused(history::Refused),
}

/// `handbook release`: records release `version` of `editions` (authority
/// slugs, and `model` for the model edition; every edition when `None`),
/// with `note`, once they check without errors and every file of the root
/// is committed. Returns the tags made, one per edition.
pub fn release(
    root: &Path,
    editions: Option<&[String]>,
    version: &str,
    note: &str,
) -> Result<Vec<String>, NotReleased> {
    let run = super::run(&Request::to_check(root.to_path_buf(), chosen(editions)));
    if run.has_errors() {
        return Err(NotReleased::Errors(run.diagnostics));
    }
    let slugs: Vec<String> = match editions {
        Some(slugs) => slugs.to_vec(),
        None => run.editions.iter().map(|e| e.slug.clone()).collect(),
    };
    match history::uncommitted(root) {
        Ok(files) if files.is_empty() => {}
        Ok(files) => return Err(NotReleased::Uncommitted(files)),
        Err(off) => return Err(NotReleased::NoHistory(off)),
    }
    history::record(root, &slugs, version, note).map_err(NotReleased::Refused)
}

/// The editions a release checks: the model's alone when `model` is the
/// only slug, the authorities named (the model's with them counts as
/// every edition), or every edition.
fn chosen(editions: Option<&[String]>) -> Editions {
    let Some(slugs) = editions else {
        return Editions::Every;
    };
    let authorities: Vec<String> = slugs.iter().filter(|s| *s != MODEL_SLUG).cloned().collect();
    match (
        slugs.iter().any(|s| s == MODEL_SLUG),
        authorities.is_empty(),
    ) {
        (true, true) => Editions::Model,
        (false, _) => Editions::Authorities(authorities),
        (true, false) => Editions::Every,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slugs(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_release_checks_the_editions_it_names() {
        assert_eq!(chosen(None), Editions::Every);
        assert_eq!(chosen(Some(&slugs(&["model"]))), Editions::Model);
        assert_eq!(
            chosen(Some(&slugs(&["x", "y"]))),
            Editions::Authorities(slugs(&["x", "y"]))
        );
        // The model's edition with authorities' is checked with every one.
        assert_eq!(chosen(Some(&slugs(&["x", "model"]))), Editions::Every);
    }
}
