//! The real-browser gate (issue 5): the shipped handbook, built by the real
//! binary, checked page by page in Debian's Chromium by `tests/browser/run.mjs`
//! (axe-core WCAG 2.2 AA at 1280 and 320 px, html-validate, the W3C Nu HTML
//! checker, keyboard, cross-reference, print and search journeys,
//! screenshots); and the Markdown feature page (issue 14), built as model
//! text and under every override action, checked the same way. An edition
//! in English and Welsh (issue 17) is checked in both: every page of its
//! Welsh site (`cy/`) is among the pages, and its journey follows the
//! language switch both ways, searches in Welsh and takes screenshots of a
//! Welsh step page, the switch and the translation status page. The digest
//! of changes since a release (issue 36), an email, passes the Nu checker.
//! Reading offline (issue 36): a kept edition is read and searched in
//! Chromium with the network off, and updates itself after a new build.
//!
//! Needs Node packages (`npm ci`) and `/usr/bin/chromium`; `.ci/run` installs
//! both. When either is missing this test fails: it never skips.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const SETUP: &str = "run `.ci/run` (it installs Debian's chromium and runs `npm ci`), \
                     or `npm ci` in the repository and `apt-get install chromium`";

fn chromium() -> PathBuf {
    std::env::var_os("HANDBOOK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Fails, with what to do, unless Node, the pinned packages and Chromium are there.
fn require_tools(repo: &Path) {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "the browser tests need Node.js (`node` is not on PATH): {SETUP}"
    );
    for package in ["playwright-core", "axe-core", "html-validate", "vnu-jar"] {
        let dir = repo.join("node_modules").join(package);
        assert!(
            dir.join("package.json").is_file(),
            "the browser tests need the npm package {package} ({} is missing): {SETUP}",
            dir.display()
        );
    }
    let browser = chromium();
    assert!(
        browser.is_file(),
        "the browser tests need Chromium at {} (missing): {SETUP}",
        browser.display()
    );
}

#[test]
fn every_page_of_every_edition_passes_the_browser_gate() {
    let repo = common::repo();
    require_tools(&repo);
    let out = common::shipped_build();
    let run = Command::new("node")
        .arg(repo.join("tests/browser/run.mjs"))
        .arg(out)
        .current_dir(&repo)
        .env("NO_COLOR", "1")
        .output()
        .expect("node runs");
    let printed = common::text(&run);
    assert!(
        run.status.success(),
        "browser gate failed (exit {:?}); screenshots in target/browser-screenshots/\n{printed}",
        run.status.code()
    );
    // Shown with `cargo test -- --nocapture`: the counts of the run.
    println!("{printed}");
    assert!(
        printed.contains("checks: ") && printed.contains(" passed, 0 failed"),
        "browser gate printed no summary:\n{printed}"
    );
}

/// Runs the browser gate on the built site in `out`, asserting it passed.
fn gate(repo: &Path, out: &Path) {
    let run = Command::new("node")
        .arg(repo.join("tests/browser/run.mjs"))
        .arg(out)
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .output()
        .expect("node runs");
    let printed = common::text(&run);
    assert!(
        run.status.success() && printed.contains(" passed, 0 failed"),
        "browser gate failed (exit {:?}); screenshots in target/browser-screenshots/\n{printed}",
        run.status.code()
    );
}

/// The published versions of issue 18: the pages of past releases (with
/// their banner), each page's versions with comparisons, and the page of
/// guidance in force on a date pass the same gate.
#[test]
fn archive_and_comparison_pages_pass_the_browser_gate() {
    let repo = common::repo();
    require_tools(&repo);
    let dir = common::copy_of_shipped();
    let root = dir.path();
    common::with_model_release(root);
    let step2 = common::read(root.join("content/step-2.md"));
    let changed = step2.replacen(
        "{#social-work-role}\n",
        "{#social-work-role}\n\nA sentence added in version 2.\n",
        1,
    );
    std::fs::write(root.join("content/step-2.md"), changed).unwrap();
    common::commit(root, "Step 2 reworded", "2026-03-02T08:00:00+00:00");
    common::git(
        root,
        &["tag", "-a", "handbook/model/2.0", "-m", "Step 2 reworded."],
        Some("2026-03-02T08:30:00+00:00"),
    );
    let out = root.join("site");
    common::assert_ok(&common::handbook_in(
        root,
        &["build", "--out", out.to_str().unwrap()],
    ));
    assert!(out.join("model/versions/1.0/step-2.html").is_file());
    assert!(common::read(out.join("model/step-2.html")).contains("<ins>"));
    gate(&repo, &out);
}

#[test]
fn an_open_tab_reloads_itself_after_a_save() {
    let repo = common::repo();
    require_tools(&repo);
    let root = common::copy_of_model();
    let server = common::start(root.path(), &[]);
    let file = root.path().join("content/step-4.md");
    let run = Command::new("node")
        .arg(repo.join("tests/browser/live-reload.mjs"))
        .arg(format!("http://{}/step-4.html", server.address))
        .arg(&file)
        .arg("Organising my money")
        .arg("Organising the money")
        .current_dir(&repo)
        .output()
        .expect("node runs");
    assert!(
        run.status.success(),
        "live reload failed:\n{}",
        common::text(&run)
    );
}

/// Runs a Node script of `tests/browser/` over a built folder; fails with
/// what it printed unless it exits 0.
fn node_check(repo: &Path, script: &str, dir: &Path) -> String {
    let run = Command::new("node")
        .arg(repo.join("tests/browser").join(script))
        .arg(dir)
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .output()
        .expect("node runs");
    let printed = common::text(&run);
    assert!(run.status.success(), "{script} failed:\n{printed}");
    printed
}

#[test]
fn the_markdown_feature_page_is_valid_and_within_its_policy_in_every_edition() {
    let repo = common::repo();
    require_tools(&repo);
    let root = common::feature_root();
    let run = common::handbook_in(root.path(), &["build", "--out", "out", "--no-search"]);
    common::assert_ok(&run);
    let out = root.path().join("out");
    let checked = node_check(&repo, "site-check.mjs", &out);
    assert!(checked.contains(", 0 problems"), "{checked}");
    let nu = node_check(&repo, "nu.mjs", &out);
    assert!(nu.contains(", 0 errors"), "{nu}");
}

/// Issue 36: the digest of what changed since a release, written for a
/// council's mailer, is a valid HTML document by the W3C Nu checker.
#[test]
fn the_digest_of_changes_passes_the_nu_checker() {
    let repo = common::repo();
    require_tools(&repo);
    let dir = common::copy_of_shipped();
    let root = dir.path();
    let settings = common::read(root.join("local-overrides/exampleshire/authority.yaml"));
    common::write(
        root,
        "local-overrides/exampleshire/authority.yaml",
        &format!("{settings}\naddress: https://handbook.exampleshire.example/\n"),
    );
    common::with_first_release(root, "exampleshire", "First & <only> version.");
    let step2 = common::read(root.join("content/step-2.md"));
    common::write(
        root,
        "content/step-2.md",
        &step2.replacen(
            "{#social-work-role}\n",
            "{#social-work-role}\n\nA new sentence & more.\n",
            1,
        ),
    );
    let out = root.join("digests");
    let run = common::handbook_in(
        root,
        &[
            "digest",
            "exampleshire",
            "--since",
            "1.0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    common::assert_ok(&run);
    assert!(out.join("digest-exampleshire-since-1.0.html").is_file());
    let nu = node_check(&repo, "nu.mjs", &out);
    assert!(nu.contains("nu: 1 page checked, 0 errors"), "{nu}");
}

/// Issue 20: a reader's search of a large edition (here 2,100 pages) is
/// ranked as one list. Every page is the same length; 210 use the word
/// once and ten use it 2 to 11 times, so the ten come first, most uses
/// first, whatever part of the edition they are in, and every page with the
/// word is counted. (An index made in parts ranked each part by its own
/// word statistics and mixed up this order.)
#[test]
fn a_search_of_a_large_edition_ranks_every_page_as_one_list() {
    let repo = common::repo();
    require_tools(&repo);
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    common::write(
        dir,
        "content/_index.md",
        "---\nid: home\ntitle: \"A large handbook\"\nweight: 0\n---\n\nGuidance in many pages.\n",
    );
    let filler =
        "The worker and the person plan the support together and write down what matters. ";
    let mut with_word = 0;
    for n in 1..=2_100 {
        // Pages with the word more often, spread over the edition: 11 uses
        // on page 1,107, 10 on page 1,007, and so on down to 2 on page 207.
        let uses = if n % 100 == 7 && (200..1_200).contains(&n) {
            n / 100
        } else {
            usize::from(n % 10 == 3)
        };
        with_word += usize::from(uses > 0);
        // The same number of words on every page.
        let body = format!(
            "{}{}{}",
            filler.repeat(4),
            "kestrel ".repeat(uses),
            "wren ".repeat(12 - uses)
        );
        let page =
            format!("---\nid: page-{n:05}\ntitle: \"Page {n}\"\nweight: {n}\n---\n\n{body}\n");
        common::write(dir, &format!("content/page-{n:05}.md"), &page);
    }
    let run = common::handbook_in(dir, &["build", "--out", "out"]);
    common::assert_ok(&run);
    let shown = node_search(&repo, &dir.join("out"), "model", "kestrel", 0, false);
    let status = format!("status: {with_word} results for “kestrel”.");
    assert!(
        shown.contains(&status),
        "every page with the word is counted:\n{shown}"
    );
    let results: Vec<&str> = shown
        .lines()
        .filter_map(|l| l.strip_prefix("result: "))
        .collect();
    let most_uses_first: Vec<String> = (2..=11)
        .rev()
        .map(|uses| format!("/model/page-{:05}.html", uses * 100 + 7))
        .collect();
    assert_eq!(results, most_uses_first, "{shown}");
    assert!(shown.contains("more: shown"), "{shown}");

    // Ten more at a time, the first of them focused, until all are shown.
    let shown = node_search(&repo, &dir.join("out"), "model", "kestrel", 21, false);
    let results: Vec<&str> = shown
        .lines()
        .filter_map(|l| l.strip_prefix("result: "))
        .collect();
    assert_eq!(results.len(), with_word, "{shown}");
    assert_eq!(results[..10], most_uses_first, "{shown}");
    assert!(
        results[10..].iter().all(|r| {
            let n: usize = r[12..17].parse().unwrap();
            n % 10 == 3
        }),
        "after the ten, the pages that use the word once:\n{shown}"
    );
    let last_ten = format!("focus: {}", results[210]);
    assert!(shown.contains(&last_ten), "{shown}");
    assert!(shown.contains("more: hidden"), "{shown}");

    // Results that cannot be fetched leave those shown, and the button can
    // be pressed again.
    let shown = node_search(&repo, &dir.join("out"), "model", "kestrel", 1, true);
    assert!(shown.contains("refused: 10, button enabled"), "{shown}");
    let results = shown.lines().filter(|l| l.starts_with("result: ")).count();
    assert_eq!(results, 20, "{shown}");
}

/// Searches `query` on the search page of `edition` in the site `out`, in
/// Chromium, presses "Show more results" `more` times (the first with the
/// results refused by the server when `refuse` is set), and returns what
/// `tests/browser/search.mjs` printed.
fn node_search(
    repo: &Path,
    out: &Path,
    edition: &str,
    query: &str,
    more: usize,
    refuse: bool,
) -> String {
    let run = Command::new("node")
        .arg(repo.join("tests/browser/search.mjs"))
        .arg(out)
        .arg(edition)
        .arg(query)
        .arg(more.to_string())
        .arg(if refuse { "1" } else { "0" })
        .current_dir(repo)
        .output()
        .expect("node runs");
    let printed = common::text(&run);
    assert!(run.status.success(), "search.mjs failed:\n{printed}");
    printed
}

/// Issue 36: a reader keeps Kinloch Vale's edition (released as 1.0) on
/// their device, then reads and searches it with the network off (the
/// browser offline and the server stopped), each page saying it is the
/// saved copy of version 1.0; after a page is changed and the edition built
/// again, going online updates the copy, which then shows the change with
/// the network off; the reader removes the copy. Nothing is saved before
/// the button is pressed, and nothing is asked of another host.
#[test]
fn a_kept_edition_is_read_and_searched_offline_and_updates_itself() {
    let repo = common::repo();
    require_tools(&repo);
    let dir = common::copy_of_shipped();
    let root = dir.path();
    common::with_first_release(root, "kinloch-vale", "First version.");
    let out = root.join("out");
    let build = [
        "build",
        "--authority",
        "kinloch-vale",
        "--out",
        out.to_str().unwrap(),
    ];
    common::assert_ok(&common::handbook_in(root, &build));
    let page = root.join("local-overrides/kinloch-vale/pages/sds-in-scotland.md");
    let run = Command::new("node")
        .arg(repo.join("tests/browser/offline.mjs"))
        .arg(&out)
        .arg(".")
        .arg("direct payments")
        .arg(&page)
        .arg("Regulations and statutory guidance sit alongside it.")
        .arg("Regulations and statutory guidance, changed after the copy was kept, sit alongside it.")
        .arg(env!("CARGO_BIN_EXE_handbook"))
        .arg(root)
        .args(build)
        .current_dir(&repo)
        .env("NO_COLOR", "1")
        .env("HANDBOOK_TODAY", common::TODAY)
        .output()
        .expect("node runs");
    let shown = common::text(&run);
    assert!(run.status.success(), "offline.mjs failed:\n{shown}");
    let notice = "notice: This is a saved copy of this handbook, from version 1.0, built on 24 November 2026.";
    for line in [
        "control: shown, Keep this handbook on this device",
        "before: 0, controlled false",
        "kept: This handbook is saved on this device: you can read and search it without a signal.",
        &format!("offline step-2.html: Step 2 of 7 Step Two: Making my Plan | {notice}"),
        &format!("offline glossary.html: Glossary | {notice}"),
        "updated: The saved copy was updated to the newest edition of this handbook.",
        &format!("after update sds-in-scotland.html: has TO | {notice}"),
        "removed: The saved copy was removed from this device., caches 0, button Keep this handbook on this device",
    ] {
        assert!(shown.lines().any(|l| l == line), "missing `{line}`:\n{shown}");
    }
    let search = shown
        .lines()
        .find_map(|l| l.strip_prefix("search: "))
        .unwrap_or_else(|| panic!("no search:\n{shown}"));
    let count: usize = search.split(' ').next().unwrap().parse().unwrap_or(0);
    assert!(
        count > 0
            && search.contains("results for “direct payments”")
            && !search.ends_with("first: none"),
        "a two-word search works offline: {search}"
    );
    assert!(
        !shown.contains("outside: "),
        "another host was asked:\n{shown}"
    );
}
