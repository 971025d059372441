//! The build cache of the current edition (issue 20): a second build with
//! nothing changed takes the search index from the cache, a build after an
//! edit makes it again, and the output is byte for byte what a build
//! without the cache makes. A damaged or deleted cache changes nothing but
//! time.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A root of one edition of 300 short pages.
fn large_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/_index.md",
        "---\nid: home\ntitle: \"A large handbook\"\nweight: 0\n---\n\nGuidance in many pages.\n",
    );
    for n in 1..=300 {
        let page = format!(
            "---\nid: page-{n:05}\ntitle: \"Page {n}\"\nweight: {n}\n---\n\n\
             Page {n} says what the worker and the person agree, and who does what.\n"
        );
        write(root, &format!("content/page-{n:05}.md"), &page);
    }
    dir
}

fn build(root: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["build", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    assert_ok(&handbook_in(root, &args));
}

/// The entries of search indexes in the cache.
fn indexes_kept(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("search-index");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.retain(|p| p.extension().is_some_and(|x| x == "entry"));
    entries.sort();
    entries
}

#[test]
fn a_build_takes_an_unchanged_index_from_the_cache_and_makes_an_edited_one_again() {
    let dir = large_root();
    let root = dir.path();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let with_cache = ["--cache", cache.to_str().unwrap()];

    let cold = work.path().join("cold");
    build(root, &cold, &with_cache);
    let first = indexes_kept(&cache);
    assert_eq!(first.len(), 1, "the index is kept");
    let again = work.path().join("again");
    build(root, &again, &with_cache);
    assert_eq!(
        indexes_kept(&cache),
        first,
        "an unchanged index is not made again"
    );
    assert!(snapshot(&again) == snapshot(&cold));

    let page = root.join("content/page-00005.md");
    let text = read(&page).replace("who does what", "who arranges the review");
    std::fs::write(&page, text).unwrap();
    let warm = work.path().join("warm");
    build(root, &warm, &with_cache);
    let second = indexes_kept(&cache);
    assert_eq!(second.len(), 2, "the edited edition's index is made again");
    assert!(first.iter().all(|p| second.contains(p)));

    let none = work.path().join("none");
    build(root, &none, &["--no-cache"]);
    let built = snapshot(&none);
    assert!(read(warm.join("model/page-00005.html")).contains("who arranges the review"));
    assert!(
        snapshot(&warm) == built,
        "the warm build differs from one without the cache"
    );

    // Every entry damaged: each is made again, as it was.
    for entry in indexes_kept(&cache) {
        let mut bytes = std::fs::read(&entry).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        std::fs::write(&entry, bytes).unwrap();
    }
    let damaged = work.path().join("damaged");
    build(root, &damaged, &with_cache);
    assert!(
        snapshot(&damaged) == built,
        "a damaged cache changed the output"
    );

    std::fs::remove_dir_all(&cache).unwrap();
    let deleted = work.path().join("deleted");
    build(root, &deleted, &with_cache);
    assert!(
        snapshot(&deleted) == built,
        "a deleted cache changed the output"
    );
}

/// A cache that cannot be written costs a warning in plain words that says
/// what is wrong and what to do, never the build: here a file stands in
/// the cache's place (the file is the user's: the warning does not offer to
/// delete it), then in the place of a folder above it.
#[test]
fn a_cache_that_cannot_be_written_is_a_warning_and_the_site_is_built_all_the_same() {
    let root = copy_of_model();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("notes.txt");
    std::fs::write(&file, "a file of the user's").unwrap();
    let none = work.path().join("none");
    build(root.path(), &none, &["--no-cache"]);
    let cases = [
        (
            file.clone(),
            format!(
                "{} is a file, and the build cache must be a folder",
                file.display()
            ),
        ),
        (
            file.join("cache"),
            format!(
                "the folder {} cannot be made: Not a directory",
                file.join("cache").join("search-index").display()
            ),
        ),
    ];
    for (n, (cache, why)) in cases.iter().enumerate() {
        let out = work.path().join(format!("out-{n}"));
        let run = handbook_in(
            root.path(),
            &[
                "build",
                "--out",
                out.to_str().unwrap(),
                "--cache",
                cache.to_str().unwrap(),
            ],
        );
        assert_ok(&run);
        let said = text(&run);
        assert!(
            said.contains("cannot keep the search index in the build cache")
                && said.contains(why.as_str())
                && said.contains("--no-cache")
                && !said.contains("os error"),
            "{said}"
        );
        assert_eq!(n == 0, !said.contains("delete"), "{said}");
        assert!(snapshot(&out) == snapshot(&none));
        assert_eq!(read(&file), "a file of the user's");
    }
}
