//! Handbook on roots other than the shipped one, as a web team would try it:
//! a bare folder of Markdown pages in section folders, no `handbook.yaml`,
//! no theme; and the preview of such a root kept right as pages are edited.

mod common;

use std::path::Path;

use common::*;

/// Writes each `(path, text)` under `root`.
fn write_all(root: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        write(root, path, text);
    }
}

fn page(id: &str, title: &str, weight: i64, body: &str) -> String {
    format!("---\nid: {id}\ntitle: \"{title}\"\nweight: {weight}\n---\n\n{body}\n")
}

/// A root of two sections with a few pages each, and nothing else.
fn bare_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_all(
        dir.path(),
        &[
            (
                "content/_index.md",
                page("start", "Start here", 0, "Welcome. See [[assessing]]."),
            ),
            (
                "content/assessment/_index.md",
                page("assessment", "Assessment", 10, "How we assess."),
            ),
            (
                "content/assessment/assessing.md",
                page(
                    "assessing",
                    "Assessing needs",
                    1,
                    "## Before the visit {#before}\n\nRead [[planning]] first.",
                ),
            ),
            (
                "content/assessment/eligibility.md",
                page("eligibility", "Eligibility", 2, "Who is eligible."),
            ),
            (
                "content/planning/_index.md",
                page("planning", "Planning", 20, "Making a plan."),
            ),
            (
                "content/planning/reviews/_index.md",
                page("reviews", "Reviews", 5, "Reviewing plans."),
            ),
            (
                "content/planning/reviews/annual.md",
                page(
                    "annual",
                    "Annual review",
                    1,
                    "Once a year, see [[assessing#before]].",
                ),
            ),
        ],
    );
    dir
}

fn build(root: &Path, extra: &[&str]) -> std::path::PathBuf {
    let out = root.join("public");
    let mut args = vec!["build", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    assert_ok(&handbook_in(root, &args));
    out.join("model")
}

/// The breadcrumb trail of a page, as link targets.
fn breadcrumbs(html: &str) -> Vec<String> {
    let start = html.find("aria-label=\"Breadcrumb\"").expect("breadcrumbs");
    let end = start + html[start..].find("</nav>").unwrap();
    html[start..end]
        .split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn a_bare_folder_of_pages_builds_with_the_built_in_theme_and_folder_parents() {
    let dir = bare_root();
    let out = build(dir.path(), &[]);
    // The root `_index.md` is home, whatever its id.
    let home = read(out.join("index.html"));
    assert!(
        home.contains("Start here"),
        "the root page is the home page"
    );
    assert!(!out.join("start.html").exists());
    // The built-in theme's files are published.
    assert!(
        out.join("assets/handbook.css").exists()
            || dir.path().join("public/assets/handbook.css").exists()
    );
    // Parents come from folders: a section's pages sit under its `_index.md`,
    // and a subfolder's `_index.md` under the folder above.
    assert_eq!(
        breadcrumbs(&read(out.join("annual.html"))),
        ["index.html", "planning.html", "reviews.html"]
    );
    assert_eq!(
        breadcrumbs(&read(out.join("eligibility.html"))),
        ["index.html", "assessment.html"]
    );
    // Cross-references take the target's title and link to the home page by its file.
    let assessing = read(out.join("assessing.html"));
    assert!(assessing.contains("<a href=\"planning.html\">Planning</a>"));
    let annual = read(out.join("annual.html"));
    assert!(annual.contains("href=\"assessing.html#before\""));
    assert!(read(out.join("assessing.html")).contains("Referenced by"));
    // The footer's credits page exists though the root has none.
    assert!(out.join("credits.html").exists());
}

#[test]
fn a_root_without_a_home_page_gets_one() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "content/one.md",
        &page("one", "One", 1, "First."),
    );
    write(
        dir.path(),
        "content/two.md",
        &page("two", "Two", 2, "Second, after [[one]]."),
    );
    let out = build(dir.path(), &[]);
    let home = read(out.join("index.html"));
    assert!(home.contains("href=\"one.html\"") && home.contains("href=\"two.html\""));
    assert_eq!(breadcrumbs(&read(out.join("two.html"))), ["index.html"]);
}

#[test]
fn no_search_leaves_the_index_out() {
    let dir = bare_root();
    let out = build(dir.path(), &["--no-search"]);
    assert!(out.join("index.html").exists());
    assert!(!out.join("pagefind").exists());
    let out = build(dir.path(), &[]);
    assert!(out.join("pagefind/pagefind.js").exists());
}

#[test]
fn a_large_section_is_listed_only_on_its_own_pages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_all(
        root,
        &[
            ("content/_index.md", page("home", "Home page", 0, "Hello.")),
            (
                "content/big/_index.md",
                page("big", "Big section", 1, "Many pages."),
            ),
            (
                "content/small/_index.md",
                page("small", "Small section", 2, "Few pages."),
            ),
            (
                "content/small/only.md",
                page("only", "The only one", 1, "Alone."),
            ),
        ],
    );
    for i in 0..12 {
        write(
            root,
            &format!("content/big/p{i}.md"),
            &page(&format!("p{i}"), &format!("Page {i}"), i, "Text."),
        );
    }
    let out = build(root, &["--no-search"]);
    let inside = read(out.join("p3.html"));
    let outside = read(out.join("only.html"));
    assert!(
        inside.contains("href=\"p11.html\""),
        "the reader's own branch is open"
    );
    assert!(
        !outside.contains("href=\"p11.html\""),
        "a large branch is closed elsewhere"
    );
    assert!(
        outside.contains("href=\"big.html\"")
            && outside.contains("href=\"only.html\" aria-current=\"page\"")
    );
    assert!(
        inside.contains("href=\"only.html\""),
        "a small branch is open everywhere"
    );
}

#[test]
fn edits_in_the_preview_match_a_fresh_build() {
    let dir = bare_root();
    let root = dir.path();
    let server = start(root, &[]);
    served(&server, "/annual.html", |b| b.contains("Annual review"));
    let file = root.join("content/planning/reviews/annual.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let edits = [
        // A new cross-reference: the page and the target's "Referenced by" change.
        text.replace(
            "see [[assessing#before]].",
            "see [[assessing#before]] and [[eligibility]]. New words.",
        ),
        // The reference taken out again.
        text.replace("see [[assessing#before]].", "nothing else. Newer words."),
        // A new heading changes the page's sections.
        text.replace("Once a year", "## Every year {#every-year}\n\nOnce a year"),
    ];
    // What shows each edit on the page, and in the print view.
    let marks = [
        ("New words.", "New words."),
        ("Newer words.", "Newer words."),
        ("id=\"every-year\"", "Every year"),
    ];
    for (edit, (mark, print_mark)) in edits.iter().zip(marks) {
        std::fs::write(&file, edit).unwrap();
        let page = served(&server, "/annual.html", |b| b.contains(mark));
        assert!(page.contains(mark), "the edit was not served");
        // The print view follows the pages it shows.
        let print = served(&server, "/print.html", |b| b.contains(print_mark));
        assert!(
            print.contains(print_mark),
            "the print view did not follow the edit"
        );
        let out = build(root, &["--no-search"]);
        assert_served_as_built(&server, &out);
    }
}
