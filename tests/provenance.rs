//! Issue 15: readers can see whose words they read, and policy leads review
//! the model's changes one override at a time. Each test builds or runs the
//! real binary on the shipped handbook (or a copy of it) and reads what a
//! reader or a policy lead would see.

mod common;

use std::path::Path;

use common::*;

/// Changes the model's definition of a social worker, under one override of
/// each shipped authority.
fn change_the_model(root: &Path) {
    let path = root.join("content/terminology.md");
    let model = read(&path);
    assert!(model.contains("General Social Care Council"));
    std::fs::write(
        &path,
        model.replace("General Social Care Council", "Care Registration Board"),
    )
    .unwrap();
}

const STALE: &str = "local-overrides/exampleshire/overrides/terminology-social-worker.md";

// ---------------------------------------------------------------------------
// Item 7: drift is reviewed one override at a time

#[test]
fn accept_without_files_lists_what_waits_for_review_and_records_nothing() {
    let dir = copy_of_shipped();
    change_the_model(dir.path());
    let before = read(dir.path().join(STALE));
    let run = handbook_in(dir.path(), &["accept", "exampleshire"]);
    assert_fails(&run);
    let said = text(&run);
    assert!(
        said.contains("terminology-social-worker.md (terminology#social-worker)"),
        "{said}"
    );
    assert!(said.contains("Nothing was recorded"), "{said}");
    assert!(said.contains("--all"), "{said}");
    assert_eq!(read(dir.path().join(STALE)), before, "a file was changed");
}

#[test]
fn accept_with_nothing_stale_says_so_and_succeeds() {
    let dir = copy_of_shipped();
    let run = handbook_in(dir.path(), &["accept", "exampleshire"]);
    assert_ok(&run);
    assert!(text(&run).contains("Nothing to do"), "{}", text(&run));
}

#[test]
fn accept_of_one_file_shows_the_model_change_and_records_only_that_file() {
    let dir = copy_of_shipped();
    let root = dir.path();
    change_the_model(root);
    // A second stale override of the same authority, which must stay stale.
    let step = root.join("content/step-3.md");
    std::fs::write(
        &step,
        read(&step).replace("Core social work skills", "Core professional skills"),
    )
    .unwrap();
    let other = "local-overrides/exampleshire/overrides/note-step-3-seven-outcomes.md";
    let other_before = read(root.join(other));

    let run = handbook_in(
        root,
        &["accept", "exampleshire", "terminology-social-worker.md"],
    );
    assert_ok(&run);
    let said = text(&run);
    assert!(
        said.contains("- A *social worker* is a qualified professional, subject to registration as such by the General Social Care Council"),
        "the old model text is not shown:\n{said}"
    );
    assert!(
        said.contains("+ A *social worker* is a qualified professional, subject to registration as such by the Care Registration Board"),
        "the new model text is not shown:\n{said}"
    );
    assert!(said.contains("Recorded the review of 1 override"), "{said}");
    assert!(!said.contains("note-step-3-seven-outcomes"), "{said}");
    assert_eq!(
        read(root.join(other)),
        other_before,
        "another override was recorded"
    );
    let snapshot = read(
        root.join("local-overrides/exampleshire/model-snapshots/terminology-social-worker.md"),
    );
    assert!(snapshot.contains("Care Registration Board"), "{snapshot}");

    let check = text(&handbook_in(
        root,
        &["check", "--authority", "exampleshire"],
    ));
    assert!(
        !check.contains("overrides/terminology-social-worker.md:"),
        "the accepted override is still stale:\n{check}"
    );
    assert!(
        check.contains("overrides/note-step-3-seven-outcomes.md:"),
        "the other override is no longer reported:\n{check}"
    );
}

#[test]
fn accept_of_an_unknown_file_names_the_overrides_and_records_nothing() {
    let dir = copy_of_shipped();
    change_the_model(dir.path());
    let before = read(dir.path().join(STALE));
    let run = handbook_in(
        dir.path(),
        &[
            "accept",
            "exampleshire",
            "terminology-social-worker.md",
            "terminology-socialworker",
        ],
    );
    assert_fails(&run);
    let said = text(&run);
    assert!(
        said.contains("`terminology-socialworker` is not an override"),
        "{said}"
    );
    assert!(
        said.contains("did you mean `terminology-social-worker.md`"),
        "{said}"
    );
    assert_eq!(read(dir.path().join(STALE)), before, "a file was recorded");
}

#[test]
fn accept_all_records_every_stale_override_explicitly() {
    let dir = copy_of_shipped();
    change_the_model(dir.path());
    let run = handbook_in(dir.path(), &["accept", "kinloch-vale", "--all"]);
    assert_ok(&run);
    assert!(
        text(&run).contains("overrides/terminology-social-worker.md"),
        "{}",
        text(&run)
    );
    let check = handbook_in(
        dir.path(),
        &["check", "--authority", "kinloch-vale", "--deny-warnings"],
    );
    assert_ok(&check);
}

#[test]
fn diff_marks_overrides_whose_model_text_changed() {
    let dir = copy_of_shipped();
    let clean = text(&handbook_in(dir.path(), &["diff", "exampleshire"]));
    assert!(!clean.contains("model text changed"), "{clean}");
    change_the_model(dir.path());
    let run = handbook_in(dir.path(), &["diff", "exampleshire"]);
    assert_ok(&run);
    let printed = text(&run);
    let entry = printed
        .split("\n\n")
        .find(|e| e.contains("terminology-social-worker.md"))
        .unwrap_or_else(|| panic!("no entry for the override:\n{printed}"));
    assert!(
        entry.contains("the model text changed since this override was last reviewed")
            && entry.contains("handbook accept exampleshire terminology-social-worker.md"),
        "{entry}"
    );
    let marked = printed.matches("model text changed since").count();
    assert_eq!(marked, 1, "only the stale override is marked:\n{printed}");
}
