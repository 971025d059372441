//! Ids that others keep never change: a feed reader remembers each entry's
//! id, and links remember each section's. Adding a change note keeps every
//! existing entry's id; an override that would take a section's id away
//! says so.

mod common;

use common::*;

const PAGE: &str = "local-overrides/exampleshire/pages/resource-allocation-panel.md";

/// The entry ids of Exampleshire's Atom feed, built from `root`.
fn feed_ids(root: &std::path::Path) -> Vec<String> {
    let out = root.join("out");
    assert_ok(&handbook_in(
        root,
        &[
            "build",
            "--authority",
            "exampleshire",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let feed = read(out.join("changes.xml"));
    feed.split("<entry>")
        .skip(1)
        .filter_map(|e| e.split("<id>").nth(1)?.split("</id>").next())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_change_note_with_an_earlier_date_leaves_every_feed_entry_id_as_it_was() {
    let root = copy_of_shipped();
    let before = feed_ids(root.path());
    assert!(before.len() >= 2, "{before:?}");
    let page = read(root.path().join(PAGE));
    let changed = page.replacen(
        "changes:\n",
        "changes:\n  - date: 2026-01-05\n    note: \"A draft was shared with the teams.\"\n",
        1,
    );
    assert_ne!(page, changed);
    write(root.path(), PAGE, &changed);
    let after = feed_ids(root.path());
    assert_eq!(after.len(), before.len() + 1);
    for id in &before {
        assert!(after.contains(id), "{id} is gone from {after:#?}");
    }
}

#[test]
fn a_replace_override_that_drops_its_sections_id_is_warned_about_at_its_heading() {
    let root = copy_of_shipped();
    let file = "local-overrides/exampleshire/overrides/step-3-checklist.md";
    for (body, line) in [
        ("## A good plan, our way\n\nOur checklist.\n", Some(7)),
        (
            "## Checklist {#good-plan-checklst}\n\nOur checklist.\n",
            Some(7),
        ),
        ("Our checklist, with no heading.\n", None),
    ] {
        write(
            root.path(),
            file,
            &format!("---\ntarget: step-3#good-plan-checklist\naction: replace\nreason: Ours.\nlast_reviewed: 2026-11-01\n---\n{body}"),
        );
        let output = handbook_in(root.path(), &["check", "--format", "json"]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let warning = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "section-id-lost")
            .unwrap_or_else(|| panic!("no warning for {body:?}"));
        assert_eq!(warning["file"], file);
        assert_eq!(warning["severity"], "warning");
        if let Some(line) = line {
            assert_eq!(warning["line"], line, "{body:?}");
        }
    }
    write(
        root.path(),
        file,
        "---\ntarget: step-3#good-plan-checklist\naction: replace\nreason: Ours.\nlast_reviewed: 2026-11-01\n---\n## Our checklist {#good-plan-checklist}\n\nOur checklist.\n",
    );
    let kept = handbook_in(root.path(), &["check", "--format", "json"]);
    assert!(!text(&kept).contains("section-id-lost"), "{}", text(&kept));
}
