//! Reading offline (issue 36, item 3): an edition with `offline: true` lets
//! a reader keep it on their device. What the build makes of the setting
//! is checked here: with it off, no script and no control; with it on, the
//! offline script at the edition's top, the list of every file of its
//! saved copy (search indexes and Welsh site included, past releases not)
//! with a stamp that changes with the files, and on every page a control
//! and a saved-copy notice that stay hidden without JavaScript; a value
//! that is not `true` or `false` is an error at its line. The copy in a
//! real browser, with the network off, is `tests/browser.rs`'s.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::html::Html;
use common::*;

/// A copy of the shipped root where the authority `slug` has `setting` (a
/// line of YAML) in place of, or after, its `offline:` line.
fn with_offline(slug: &str, setting: &str) -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let path = dir
        .path()
        .join(format!("local-overrides/{slug}/authority.yaml"));
    let yaml = read(&path);
    let kept: Vec<&str> = yaml
        .lines()
        .filter(|l| !l.starts_with("offline:"))
        .collect();
    std::fs::write(&path, format!("{}\n{setting}\n", kept.join("\n"))).unwrap();
    dir
}

/// Builds one edition of `root` (with its search index) into `root/out`.
fn build(root: &Path, slug: &str) -> std::path::PathBuf {
    let out = root.join("out");
    let run = handbook_in(
        root,
        &["build", "--authority", slug, "--out", out.to_str().unwrap()],
    );
    assert_ok(&run);
    out
}

/// The saved copy's list, read.
fn list(out: &Path) -> serde_json::Value {
    serde_json::from_str(&read(out.join("offline.json"))).expect("offline.json is JSON")
}

/// Every file under `out`, by its `/`-separated path.
fn every_file(out: &Path) -> BTreeSet<String> {
    snapshot(out)
        .into_keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn an_edition_without_the_setting_keeps_nothing_and_shows_no_control() {
    let out = shipped_build();
    for slug in ["model", "exampleshire", "cwm-derwen"] {
        let edition = out.join(slug);
        assert!(!edition.join("offline-worker.js").exists(), "{slug}");
        assert!(!edition.join("offline.json").exists(), "{slug}");
        assert!(!edition.join("assets/offline-worker.js").exists(), "{slug}");
        for file in html_files(&edition) {
            let html = read(&file);
            assert!(
                !html.contains("data-offline") && !html.contains("data-saved-copy"),
                "{}",
                file.display()
            );
        }
    }
}

#[test]
fn an_edition_with_the_setting_lists_every_file_of_its_saved_copy() {
    let dir = with_offline("cwm-derwen", "offline: true");
    let out = build(dir.path(), "cwm-derwen");
    assert!(out.join("offline-worker.js").is_file());
    assert!(
        !out.join("assets/offline-worker.js").exists(),
        "the script stands only at the edition's top, where it can look after every page"
    );
    let list = list(&out);
    let listed: BTreeSet<String> = list["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let mut written = every_file(&out);
    written.remove("offline.json");
    written.remove("offline-worker.js");
    assert_eq!(listed, written, "every file written, and nothing else");
    for wanted in [
        "index.html",
        "step-3.html",
        "search.html",
        "assets/handbook.js",
        "pagefind/pagefind.js",
        "cy/index.html",
        "cy/pagefind/pagefind.js",
    ] {
        assert!(listed.contains(wanted), "{wanted} is not listed");
    }
    assert!(listed
        .iter()
        .any(|f| f.starts_with("cy/pagefind/fragment/")));
    assert!(list["version"].is_null(), "no release yet");
    assert_eq!(list["built"], TODAY);
    assert_eq!(list["stamp"].as_str().unwrap().len(), 32);
    assert!(
        !listed
            .iter()
            .any(|f| f.contains("://") || f.starts_with('/')),
        "every address is relative to the edition"
    );
}

#[test]
fn every_page_has_the_control_and_the_notice_hidden_until_a_script_shows_them() {
    let dir = with_offline("cwm-derwen", "offline: true");
    let out = build(dir.path(), "cwm-derwen");
    let pages = html_files(&out);
    assert!(pages.len() > 20);
    for file in &pages {
        let page = Html::parse(&read(file));
        let control = page.one("section.offline");
        assert!(control.attr("hidden").is_some(), "{}", file.display());
        assert!(page.one("[data-saved-copy]").attr("hidden").is_some());
        assert!(page.one("[data-offline-remove]").attr("hidden").is_some());
        let welsh = file.starts_with(out.join("cy"));
        let (top, keep, notice) = if welsh {
            (
                "../",
                "Cadw'r llawlyfr hwn ar y ddyfais hon",
                "Copi wedi'i gadw o'r llawlyfr hwn yw hwn, a luniwyd ar 24 Tachwedd 2026.",
            )
        } else {
            (
                "./",
                "Keep this handbook on this device",
                "This is a saved copy of this handbook, built on 24 November 2026.",
            )
        };
        assert_eq!(
            control.attr("data-offline"),
            Some(top),
            "{}",
            file.display()
        );
        assert_eq!(page.one("[data-offline-keep]").text().trim(), keep);
        assert_eq!(page.one("[data-saved-copy]").text().trim(), notice);
    }
    let home = Html::parse(&read(out.join("index.html")));
    assert_eq!(
        home.one("[data-offline-remove]").text().trim(),
        "Remove the saved copy"
    );
}

#[test]
fn the_stamp_changes_when_a_page_does_and_only_then() {
    let dir = with_offline("kinloch-vale", "offline: true");
    let root = dir.path();
    let first = list(&build(root, "kinloch-vale"))["stamp"].clone();
    let again = list(&build(root, "kinloch-vale"))["stamp"].clone();
    assert_eq!(
        first, again,
        "the same edition, the same stamp: no download"
    );
    let page = root.join("local-overrides/kinloch-vale/pages/sds-in-scotland.md");
    let text = read(&page).replacen(
        "Regulations and statutory guidance sit alongside it.",
        "Regulations and statutory guidance sit beside it.",
        1,
    );
    std::fs::write(&page, text).unwrap();
    let changed = list(&build(root, "kinloch-vale"))["stamp"].clone();
    assert_ne!(first, changed, "a changed page makes the copy update");
}

#[test]
fn a_released_edition_names_its_version_and_its_past_pages_offer_no_copy() {
    let dir = with_offline("kinloch-vale", "offline: true");
    let root = dir.path();
    with_first_release(root, "kinloch-vale", "First version.");
    let out = build(root, "kinloch-vale");
    let list = list(&out);
    assert_eq!(list["version"], "1.0");
    let past = html_files(&out.join("versions"));
    assert!(!past.is_empty(), "the release's pages are built");
    for file in &past {
        assert!(!read(file).contains("data-offline"), "{}", file.display());
    }
    let files = list["files"].as_array().unwrap();
    assert!(files
        .iter()
        .all(|f| !f.as_str().unwrap().starts_with("versions/")));
    let page = Html::parse(&read(out.join("step-1.html")));
    assert_eq!(
        page.one("[data-saved-copy] p").attr("data-version-text"),
        Some("This is a saved copy of this handbook, from version {version}, built on 24 November 2026.")
    );
}

#[test]
fn a_build_without_a_search_index_writes_no_list_so_nothing_half_works_offline() {
    let dir = with_offline("kinloch-vale", "offline: true");
    let out = dir.path().join("out");
    let run = handbook_in(
        dir.path(),
        &[
            "build",
            "--authority",
            "kinloch-vale",
            "--no-search",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_ok(&run);
    assert!(out.join("offline-worker.js").is_file());
    assert!(!out.join("offline.json").exists());
}

#[test]
fn a_value_that_is_not_true_or_false_is_an_error_at_its_line() {
    let dir = with_offline("kinloch-vale", "offline: yes please");
    let root = dir.path();
    let run = handbook_in(root, &["check", "--authority", "kinloch-vale"]);
    assert_fails(&run);
    let yaml = read(root.join("local-overrides/kinloch-vale/authority.yaml"));
    let line = yaml
        .lines()
        .position(|l| l.starts_with("offline:"))
        .unwrap()
        + 1;
    let said = text(&run);
    let place = format!("local-overrides/kinloch-vale/authority.yaml:{line}:");
    assert!(said.contains(&place), "{place}\n{said}");
    assert!(
        said.contains("its value is `true` or `false`")
            && said.contains("write `true` to turn it on"),
        "{said}"
    );
}
