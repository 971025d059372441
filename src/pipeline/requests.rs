//! What the commands ask of a run, and what its result says: the request
//! `check` and `release` make, where `build` writes and keeps its cache,
//! when a build of one edition may not replace a full build's output, and
//! the totals and pass or fail of a [`Run`].
//!
//! Decides from plain values; reads no more than which editions an output
//! folder holds, and prints nothing.

use std::path::{Path, PathBuf};

use super::{today, Editions, Request, Run};
use crate::stages::write;
use crate::support::report::Totals;

impl Request {
    /// A run that only checks `editions` of `root` (for `check` and
    /// `release`), judged as of today: without the search index, which
    /// finds nothing wrong with content and is most of a large build's
    /// time, without past releases, checked when they were made, and
    /// without the build cache.
    pub fn to_check(root: PathBuf, editions: Editions) -> Self {
        Request {
            root,
            editions,
            today: today(),
            search: false,
            history: false,
            cache: None,
        }
    }
}

impl Run {
    /// The problems found, by severity, and the editions and pages made.
    pub fn totals(&self) -> Totals {
        let pages = self.editions.iter().map(|e| e.pages).sum();
        Totals::of(&self.diagnostics, self.editions.len(), pages)
    }

    /// Whether the run found errors, or, with `deny_warnings`, warnings.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.has_errors() || (deny_warnings && self.totals().warnings > 0)
    }
}

/// The folder `build` writes to: `out` if given, else `public/` in `root`.
pub fn output_folder(root: &Path, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| root.join("public"))
}

/// The build cache of a build into `out`: `cache` if given, else
/// `.handbook-cache` beside `out`; none when `keep` is false.
pub fn cache_folder(out: &Path, cache: Option<PathBuf>, keep: bool) -> Option<PathBuf> {
    keep.then(|| {
        cache.unwrap_or_else(|| {
            let beside = out.parent().unwrap_or(Path::new("."));
            beside.join(".handbook-cache")
        })
    })
}

/// A build of one edition refused: writing it at the top of its output
/// folder would delete the editions a build of every edition left there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WouldReplace {
    /// The edition asked for.
    pub slug: String,
    /// The editions in the output folder, by folder name, sorted.
    pub found: Vec<String>,
}

/// Whether building `editions` into `out` must be refused: one authority's
/// edition, written at the top of `out`, would delete the editions a full
/// build left there, unless `replace` (`build --replace`) allows it.
pub fn would_replace(editions: &Editions, out: &Path, replace: bool) -> Option<WouldReplace> {
    let Editions::Authorities(slugs) = editions else {
        return None;
    };
    let [slug] = slugs.as_slice() else {
        return None;
    };
    if replace {
        return None;
    }
    let found = write::editions_in(out);
    (!found.is_empty()).then(|| WouldReplace {
        slug: slug.clone(),
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_writes_to_public_and_keeps_its_cache_beside_the_output() {
        let out = output_folder(Path::new("root"), None);
        assert_eq!(out, Path::new("root/public"));
        assert_eq!(
            output_folder(Path::new("root"), Some("site".into())),
            Path::new("site")
        );
        assert_eq!(
            cache_folder(&out, None, true),
            Some(PathBuf::from("root/.handbook-cache"))
        );
        assert_eq!(
            cache_folder(Path::new("site"), None, true),
            Some(PathBuf::from(".handbook-cache"))
        );
        assert_eq!(
            cache_folder(&out, Some("c".into()), true),
            Some(PathBuf::from("c"))
        );
        assert_eq!(cache_folder(&out, None, false), None);
    }

    #[test]
    fn one_edition_does_not_replace_a_full_build_unless_told_to() {
        let out = tempfile::tempdir().unwrap();
        let one = Editions::Authorities(vec!["x".into()]);
        assert_eq!(would_replace(&one, out.path(), false), None);
        for edition in ["model", "x"] {
            for page in ["index.html", "404.html"] {
                let file = out.path().join(edition).join(page);
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, "").unwrap();
            }
        }
        assert_eq!(
            would_replace(&one, out.path(), false),
            Some(WouldReplace {
                slug: "x".into(),
                found: vec!["model".into(), "x".into()],
            })
        );
        assert_eq!(would_replace(&one, out.path(), true), None);
        let two = Editions::Authorities(vec!["x".into(), "y".into()]);
        assert_eq!(would_replace(&two, out.path(), false), None);
        assert_eq!(would_replace(&Editions::Every, out.path(), false), None);
        assert_eq!(would_replace(&Editions::Model, out.path(), false), None);
    }
}
