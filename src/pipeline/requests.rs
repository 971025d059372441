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
use crate::support::diagnostic::Diagnostic;
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

    /// Adds a problem with the command rather than a file (such as
    /// [`published_cache`]'s), shown first as such problems are.
    pub fn add(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.insert(0, diagnostic);
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

/// `path` made absolute and without `.` and `..`, as written (links are
/// not followed), so that two paths can be compared before they exist.
fn plain_absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut plain = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                plain.pop();
            }
            other => plain.push(other),
        }
    }
    plain
}

/// A warning, at no line, when the build cache of a build into `out` would
/// be published with the site: when it is inside `out`, or beside `out` in
/// a folder that holds a full build (as when one edition of a full build in
/// `public/` is updated in place with `--out public/SLUG`). The cache holds
/// past releases' pages and search indexes, not meant for readers.
pub fn published_cache(out: &Path, cache: Option<&Path>) -> Option<Diagnostic> {
    let cache = cache?;
    let (out_at, cache_at) = (plain_absolute(out), plain_absolute(cache));
    let why = if cache_at.starts_with(&out_at) {
        format!("it is inside the output folder `{}`", out.display())
    } else {
        let parent = cache_at.parent()?;
        // A full build's folder: its list of editions, and the editions.
        let editions = write::editions_in(parent);
        if editions.is_empty()
            || !parent.join("index.html").is_file()
            || !out_at.starts_with(parent)
        {
            return None;
        }
        format!(
            "it is inside `{}`, which holds a full build's editions ({}) and is published with them",
            match cache.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
                _ => ".".to_string(),
            },
            editions.join(", ")
        )
    };
    Some(
        Diagnostic::warning(
            "cache-published",
            format!(
                "the build cache `{}` would be published with the site: {why}",
                cache.display()
            ),
        )
        .hint(format!(
            "give `build` a cache folder outside every folder the web server publishes, such as \
             `--cache .handbook-cache` in the handbook root or `--cache /var/cache/handbook`, and delete \
             `{}` (the cache is always safe to delete)",
            cache.display()
        )),
    )
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
    fn a_cache_inside_the_output_or_beside_an_edition_of_a_full_build_is_published() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let cache = |out: &Path, given: Option<&str>| {
            let folder = cache_folder(out, given.map(|g| dir.path().join(g)), true);
            published_cache(out, folder.as_deref())
        };
        // The defaults, and a cache kept elsewhere, are not published.
        assert!(cache(&public, None).is_none());
        assert!(cache(&public, Some("cache")).is_none());
        assert!(published_cache(&public, None).is_none());
        // Inside the output, however it is written.
        let warning = cache(&public, Some("public/cache")).expect("inside --out");
        assert_eq!(
            warning.severity,
            crate::support::diagnostic::Severity::Warning
        );
        assert!(warning.location.is_none(), "at no line");
        assert!(
            warning.message.contains("inside the output folder"),
            "{}",
            warning.message
        );
        assert!(warning.hint.as_deref().unwrap().contains("--cache"));
        assert!(cache(&public, Some("other/../public/./x")).is_some());
        // Beside one edition of a full build, updated in place: the default
        // cache lands in the full build's folder.
        let edition = public.join("north");
        assert!(cache(&edition, None).is_none(), "no full build there yet");
        for folder in ["model", "north"] {
            for page in ["index.html", "404.html"] {
                let file = public.join(folder).join(page);
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, "").unwrap();
            }
        }
        // One edition beside the folder (`--out out` in the root) is not a
        // full build: the root has no list of editions.
        assert!(cache(&edition, None).is_none(), "no list of editions");
        std::fs::write(public.join("index.html"), "").unwrap();
        let warning = cache(&edition, None).expect("in the full build");
        assert!(
            warning.message.contains("model, north"),
            "{}",
            warning.message
        );
        assert!(cache(&edition, Some("cache")).is_none());
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
