//! `handbook update-model` (issue 33): a council takes the model guidance
//! carried by its newer `handbook` into the root `init` made, sees what
//! changed in the model and what of its own now needs a review, and keeps
//! its own files as they were.
//!
//! The installed Handbook's model is the one built into the binary, so each
//! test makes the root hold an *older* model: it edits the model's files in
//! a root `init` made, records their fingerprints as an older Handbook
//! would have (`ModelFingerprints::of`), and lets the binary take its own.

mod common;

use std::path::Path;

use common::*;
use handbook::model::shipped::{self, ModelFingerprints, FINGERPRINTS_FILE};

const SLUG: &str = INIT_SLUG;

/// A root made by `handbook init` in `dir`, for a Welsh council.
fn init_root(dir: &Path) -> std::path::PathBuf {
    init_council(dir, "wales", &[]).0
}

/// Replaces `from` by `to` in the root's file `relative`, which must hold it.
fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = read(&path);
    assert!(text.contains(from), "{relative} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Records the root's `content/` as the model an older Handbook wrote.
fn record_as_older_model(root: &Path) {
    let content = root.join("content");
    let files: Vec<(String, Vec<u8>)> = snapshot(&content)
        .into_iter()
        .map(|(path, bytes)| (path.to_string_lossy().replace('\\', "/"), bytes))
        .filter(|(name, _)| name != FINGERPRINTS_FILE)
        .collect();
    let record = ModelFingerprints::of(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    std::fs::write(content.join(FINGERPRINTS_FILE), record.to_yaml()).unwrap();
}

/// The council's own files: an override, a note, an override of text that
/// does not change, and a Welsh translation of step 3, each reviewed.
fn add_council_files(root: &Path) {
    let dir = format!("local-overrides/{SLUG}");
    edit(
        root,
        &format!("{dir}/authority.yaml"),
        "# languages: [en, cy]",
        "languages: [en, cy]\ntranslations:\n  cy: { name: \"Cyngor Gogledd Enghraifft\", short_name: \"Gogledd Enghraifft\" }",
    );
    write(
        root,
        &format!("{dir}/overrides/step-3-plan.md"),
        "---\ntarget: step-3#good-plan-checklist\naction: replace\nreason: Our panel asks for these.\nlast_reviewed: 2026-11-01\n---\n### What a good plan covers {#good-plan-checklist}\n\nOur own list.\n",
    );
    write(
        root,
        &format!("{dir}/overrides/step-1-note.md"),
        "---\ntarget: step-1#systems-practice-support\naction: note\nlast_reviewed: 2026-11-01\n---\nOur contact centre does this first.\n",
    );
    write(
        root,
        &format!("{dir}/overrides/step-2-extra.md"),
        "---\ntarget: step-2#sources-of-help\naction: append\nlast_reviewed: 2026-11-01\n---\nAsk the local team too.\n",
    );
    let welsh = read(repo().join("local-overrides/cwm-derwen/translations/step-3.cy.md"));
    write(root, &format!("{dir}/translations/step-3.cy.md"), &welsh);
}

/// Makes the root's model an older one than Handbook carries: a word and a
/// list item of step 3's checklist, a subsection of step 1 the model has
/// since dropped, a page since retired, no "staying safe" page yet, and the
/// model edition's address set by the council.
fn make_model_older(root: &Path) {
    edit(
        root,
        "content/step-3.md",
        "A good plan need to cover",
        "A good plan should cover",
    );
    edit(root, "content/step-3.md", "- Contingency plans\n", "");
    edit(
        root,
        "content/step-1.md",
        "### Sources of help {#sources-of-help .editorial}",
        "### Older advice {#older-advice}\n\nAsk the duty desk.\n\n### Sources of help {#sources-of-help .editorial}",
    );
    write(
        root,
        "content/retired.md",
        "---\nid: retired\ntitle: A retired page\nparent: home\n---\nThis page was in the older model only.\n",
    );
    std::fs::remove_file(root.join("content/staying-safe.md")).unwrap();
    edit(
        root,
        "content/about.md",
        "**[[staying-safe|Helping People to Stay Safe]]**",
        "**Helping People to Stay Safe**",
    );
    record_as_older_model(root);
    let yaml = root.join("content/handbook.yaml");
    let text = read(&yaml);
    std::fs::write(
        &yaml,
        format!("{text}address: https://intranet.example/handbook/\n"),
    )
    .unwrap();
}

/// The model built into Handbook, as `content/` should hold it after an
/// update (with the council's address kept in `handbook.yaml`).
fn assert_holds_built_in_model(root: &Path) {
    for (name, bytes) in shipped::built_in_files() {
        let held = std::fs::read(root.join("content").join(name)).unwrap();
        if *name == "handbook.yaml" {
            let held = String::from_utf8(held).unwrap();
            assert!(
                held.starts_with(std::str::from_utf8(bytes).unwrap()),
                "{held}"
            );
            assert!(
                held.ends_with("address: https://intranet.example/handbook/\n"),
                "{held}"
            );
        } else {
            assert_eq!(held, *bytes, "content/{name}");
        }
    }
    assert!(!root.join("content/retired.md").exists());
    let record = read(root.join("content").join(FINGERPRINTS_FILE));
    assert!(
        record.contains(&ModelFingerprints::built_in().model),
        "{record}"
    );
}

#[test]
fn update_model_shows_the_change_lists_what_needs_review_and_keeps_the_councils_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = init_root(dir.path());
    add_council_files(&root);
    make_model_older(&root);
    let accepted = handbook_in(&root, &["accept", SLUG, "--all"]);
    assert_ok(&accepted);
    let check = handbook_in(&root, &["check", "--deny-warnings", "--authority", SLUG]);
    assert_ok(&check);

    let council = snapshot(&root.join("local-overrides"));
    let before = snapshot(&root);
    let dry = handbook_in(&root, &["update-model", "--dry-run"]);
    assert_ok(&dry);
    assert_eq!(snapshot(&root), before, "--dry-run wrote nothing");
    let shown = text(&dry);
    for words in [
        "What changed in the model guidance",
        "New pages:\n    staying-safe  “Helping People to Stay Safe”",
        "Pages the model no longer has (their files are deleted from content/):\n    retired  “A retired page” (8 words)",
        "section good-plan-checklist “What a good plan covers”: changed (",
        "section older-advice “Older advice”: removed (6 words)",
        "Kept: your own setting in content/handbook.yaml, address: https://intranet.example/handbook/",
        "What now needs your review",
        "North Exampleshire Council (north-exampleshire):",
        "local-overrides/north-exampleshire/overrides/step-3-plan.md: `replace` of step-3#good-plan-checklist (the model text under it changed)",
        "local-overrides/north-exampleshire/overrides/step-1-note.md: your note on step-1#systems-practice-support (the model text under it changed)",
        "local-overrides/north-exampleshire/translations/step-3.cy.md: translation of content/step-3.md (the English it translates changed)",
        "handbook accept north-exampleshire step-1-note.md",
        "changed: content/about.md, content/handbook.yaml, content/step-1.md, content/step-3.md",
        "added: content/staying-safe.md",
        "deleted: content/retired.md",
        "Nothing was written (--dry-run). To take this model: `handbook update-model`",
    ] {
        assert!(shown.contains(words), "expected {words:?} in:\n{shown}");
    }
    assert!(
        !shown.contains("step-2-extra"),
        "its model text did not change:\n{shown}"
    );

    let update = handbook_in(&root, &["update-model"]);
    assert_ok(&update);
    assert!(
        text(&update).contains("Nothing outside content/ was changed"),
        "{}",
        text(&update)
    );
    assert_holds_built_in_model(&root);
    assert_eq!(
        snapshot(&root.join("local-overrides")),
        council,
        "the council's files are untouched"
    );

    let check = handbook_in(&root, &["check", "--authority", SLUG]);
    let said = text(&check);
    for warning in ["stale-override", "stale-translation"] {
        assert!(said.contains(warning), "expected {warning} in:\n{said}");
    }
    let again = handbook_in(&root, &["update-model"]);
    assert_ok(&again);
    assert!(
        text(&again).contains("already holds the model guidance in this Handbook"),
        "{}",
        text(&again)
    );
}

#[test]
fn update_model_refuses_a_root_whose_model_was_edited_and_says_how_to_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = init_root(dir.path());
    make_model_older(&root);
    edit(
        &root,
        "content/step-2.md",
        "## Systems",
        "Our own sentence.\n\n## Systems",
    );
    write(
        &root,
        "content/our-page.md",
        "---\nid: our-page\ntitle: Ours\n---\nOurs.\n",
    );
    let before = snapshot(&root);
    let refused = handbook_in(&root, &["update-model"]);
    assert_fails(&refused);
    let said = text(&refused);
    for words in [
        "error: the model was not updated: content/ has changes made in this root",
        "content/step-2.md: changed here",
        "content/our-page.md: added here",
        "as an override (in local-overrides/<authority>/overrides/)",
        "`handbook update-model --discard-local-edits`",
        "Nothing was written.",
    ] {
        assert!(said.contains(words), "expected {words:?} in:\n{said}");
    }
    assert!(
        !said.contains("content/step-3.md"),
        "the older model's own change is not an edit:\n{said}"
    );
    assert_eq!(snapshot(&root), before, "a refusal writes nothing");

    let council = snapshot(&root.join("local-overrides"));
    let discarded = handbook_in(&root, &["update-model", "--discard-local-edits"]);
    assert_ok(&discarded);
    assert!(text(&discarded).contains("Replaced, with the changes made in them here (--discard-local-edits): content/our-page.md, content/step-2.md"), "{}", text(&discarded));
    assert_holds_built_in_model(&root);
    assert!(!root.join("content/our-page.md").exists());
    assert_eq!(snapshot(&root.join("local-overrides")), council);
}

#[test]
fn a_root_without_a_record_is_recorded_when_it_holds_the_model_and_refused_when_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = init_root(dir.path());
    std::fs::remove_file(root.join("content").join(FINGERPRINTS_FILE)).unwrap();
    let recorded = handbook_in(&root, &["update-model"]);
    assert_ok(&recorded);
    assert!(
        text(&recorded).contains("its record, content/model-fingerprints.yaml, was written"),
        "{}",
        text(&recorded)
    );
    assert!(root.join("content").join(FINGERPRINTS_FILE).is_file());

    std::fs::remove_file(root.join("content").join(FINGERPRINTS_FILE)).unwrap();
    edit(
        &root,
        "content/step-4.md",
        "## Systems",
        "Older words.\n\n## Systems",
    );
    let refused = handbook_in(&root, &["update-model", "--root", root.to_str().unwrap()]);
    assert_fails(&refused);
    let said = text(&refused);
    assert!(
        said.contains("this root has no record of which model guidance its content/ holds"),
        "{said}"
    );
    assert!(
        said.contains("content/step-4.md: its text differs from this Handbook's model"),
        "{said}"
    );
    assert!(said.contains("--discard-local-edits"), "{said}");

    let outside = handbook_in(dir.path(), &["update-model"]);
    assert_fails(&outside);
    assert!(
        text(&outside).contains("is not a handbook root"),
        "{}",
        text(&outside)
    );
}
