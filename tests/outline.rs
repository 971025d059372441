//! A page's outline is valid HTML and reads well in a screen reader's list
//! of headings: its title is its only `h1`, and no heading skips a level.
//! `check` reports each break at its line, as the HTML gate would.

mod common;

use common::*;

/// The codes and lines `check` reports for a model page with `body`.
fn outline_problems(body: &str) -> Vec<(String, u64)> {
    let root = copy_of_model();
    write(
        root.path(),
        "content/outline.md",
        &format!("---\nid: outline\ntitle: Outline\nweight: 1000\n---\n\n{body}"),
    );
    let output = handbook_in(root.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "content/outline.md")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn a_second_main_heading_is_an_error_at_its_line() {
    let found = outline_problems("## Fine {#fine}\n\nText.\n\n# A second title\n\nText.\n");
    assert_eq!(found, [("heading-level".to_string(), 11)]);
}

#[test]
fn a_heading_that_skips_a_level_is_an_error_at_its_line() {
    let found = outline_problems("## Fine {#fine}\n\n#### Too deep\n\nText.\n\n### Fine again\n");
    assert_eq!(found, [("heading-level".to_string(), 9)]);
}

#[test]
fn an_outline_that_goes_down_one_level_at_a_time_passes() {
    let found = outline_problems("## A {#a}\n\n### B\n\n#### C\n\n## D {#d}\n\n### E\n");
    assert!(found.is_empty(), "{found:?}");
}
