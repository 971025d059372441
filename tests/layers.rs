//! Issue 35: layered editions. A root with the model, a layer kept by a
//! (made-up) national body and a council that builds on it; each test
//! builds or checks it with the real binary and reads what a reader or a
//! policy lead sees.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const LAYER_YAML: &str = "name: Nationwide Practice Layer\nshort_name: Nationwide\nkind: layer\npublisher: \"The Nationwide Practice Body (fictional)\"\njurisdiction: england\nservice: adults\nvariables:\n  national_line: \"0300 000 0001\"\n";

const COUNCIL_YAML: &str = "name: Townshire Council\nshort_name: Townshire\njurisdiction: england\nservice: adults\nbase: nationwide\n";

/// An override file's text: front matter with `target`, `action` and a
/// reason, then `body`.
fn over(target: &str, action: &str, body: &str) -> String {
    format!("---\ntarget: {target}\naction: {action}\nreason: \"Because the law changed.\"\nlast_reviewed: 2026-11-01\n---\n{body}\n")
}

/// A root with the shipped model and theme, the layer `nationwide` (a note
/// on step 3, step 4's social work role replaced, a section of step 5
/// removed, a page of its own) and the council `townshire` built on it (a
/// note of its own on step 3, and step 4's social work role replaced again).
fn three_layer_root() -> tempfile::TempDir {
    let dir = copy_of_model();
    let root = dir.path();
    write(
        root,
        "local-overrides/nationwide/authority.yaml",
        LAYER_YAML,
    );
    let layer = "local-overrides/nationwide";
    write(
        root,
        &format!("{layer}/overrides/note-step-3.md"),
        &over(
            "step-3#social-work-role",
            "note",
            "LAYER NOTE: call {{ vars.national_line }}.",
        ),
    );
    write(
        root,
        &format!("{layer}/overrides/step-4-role.md"),
        &over(
            "step-4#social-work-role",
            "replace",
            "## The social work role {#social-work-role}\n\nLAYER TEXT of step four.",
        ),
    );
    write(
        root,
        &format!("{layer}/overrides/step-5-remove.md"),
        &over("step-5#systems-practice-support", "remove", ""),
    );
    write(
        root,
        &format!("{layer}/pages/national-duties.md"),
        "---\nid: national-duties\ntitle: National duties\n---\nLAYER PAGE text.\n",
    );
    write(
        root,
        "local-overrides/townshire/authority.yaml",
        COUNCIL_YAML,
    );
    let council = "local-overrides/townshire";
    write(
        root,
        &format!("{council}/overrides/note-step-3.md"),
        &over(
            "step-3#systems-practice-support",
            "note",
            "COUNCIL NOTE on step three.",
        ),
    );
    write(
        root,
        &format!("{council}/overrides/step-4-role.md"),
        &over(
            "step-4#social-work-role",
            "replace",
            "## The social work role {#social-work-role}\n\nCOUNCIL TEXT of step four.",
        ),
    );
    dir
}

/// Builds `root` with `args` into `root/out`, without a search index.
fn built(root: &Path, args: &[&str]) -> PathBuf {
    let out = root.join("out");
    let mut all = vec!["build", "--no-search", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    assert_ok(&handbook_in(root, &all));
    out
}

/// The marked region of `page` holding `text`, and its label.
fn region_label(page: &Html, text: &str) -> String {
    let regions = page.all(".hb-local");
    let region = regions.containing(text).one();
    region.all(".hb-local-label").one().text()
}

#[test]
fn a_council_page_shows_the_model_the_layer_and_the_council_each_marked_as_theirs() {
    let dir = three_layer_root();
    let out = built(dir.path(), &["--authority", "townshire"]);
    let page = Html::parse(&read(out.join("step-3.html")));
    let all = page.text();
    // The model's own words, unmarked and credited to In Control in the footer.
    assert!(
        all.contains("Systems, Practice and Professional Support"),
        "{all}"
    );
    assert!(page.all("footer").one().text().contains("In Control"));
    let layer = region_label(&page, "LAYER NOTE");
    assert!(
        layer.contains("The Nationwide Practice Body (fictional)"),
        "{layer}"
    );
    let council = region_label(&page, "COUNCIL NOTE");
    assert!(council.contains("Townshire Council"), "{council}");
    // The layer's variables reach the council's edition.
    assert!(all.contains("LAYER NOTE: call 0300 000 0001."), "{all}");
    // The layer's own page is in the council's edition, marked as the layer's.
    let own = Html::parse(&read(out.join("national-duties.html")));
    assert!(region_label(&own, "LAYER PAGE").contains("The Nationwide Practice Body (fictional)"));
}

#[test]
fn a_council_overrides_a_section_the_layer_replaced() {
    let dir = three_layer_root();
    let out = built(dir.path(), &["--authority", "townshire"]);
    let page = Html::parse(&read(out.join("step-4.html")));
    let all = page.text();
    assert!(all.contains("COUNCIL TEXT of step four."), "{all}");
    assert!(!all.contains("LAYER TEXT"), "{all}");
    assert!(region_label(&page, "COUNCIL TEXT").contains("Townshire Council"));
    // The differences page lists the layer's change and the council's, each
    // with whose it is and its reason, the council's against the layer's text.
    let differences = Html::parse(&read(out.join("differences.html")));
    let layer_change = differences.all("#nationwide-override-step-4-role").one();
    assert!(layer_change
        .text()
        .contains("The Nationwide Practice Body (fictional)"));
    assert!(layer_change.text().contains("Because the law changed."));
    let own_change = differences.all("#override-step-4-role").one();
    assert!(own_change.text().contains("Townshire Council"));
    assert!(own_change
        .text()
        .contains("In the model guidance as The Nationwide Practice Body (fictional) adapted it"));
    assert!(own_change.text().contains("LAYER TEXT of step four."));
}

#[test]
fn a_layer_is_not_published_on_its_own_unless_it_says_so() {
    let dir = three_layer_root();
    let out = built(dir.path(), &[]);
    assert!(out.join("townshire/step-3.html").is_file());
    assert!(
        !out.join("nationwide").exists(),
        "an unpublished layer made an edition"
    );
    let list = read(out.join("index.html"));
    assert!(!list.contains("Nationwide Practice Layer"), "{list}");
    std::fs::remove_dir_all(&out).unwrap();
    write(
        dir.path(),
        "local-overrides/nationwide/authority.yaml",
        &format!("{LAYER_YAML}publish: true\n"),
    );
    let out = built(dir.path(), &[]);
    let own = Html::parse(&read(out.join("nationwide/step-3.html")));
    assert!(region_label(&own, "LAYER NOTE").contains("The Nationwide Practice Body (fictional)"));
    assert!(!own.text().contains("COUNCIL NOTE"));
}

/// `check` on `root`, which must fail cleanly; what it printed.
fn failed_check(root: &Path) -> String {
    let run = handbook_in(root, &["check"]);
    assert_fails(&run);
    text(&run)
}

struct BadInput {
    name: &'static str,
    file: &'static str,
    text: String,
    says: &'static [&'static str],
}

#[test]
fn bad_bases_and_targets_are_errors_at_their_line_with_a_hint() {
    let council = "local-overrides/townshire/authority.yaml";
    let layer = "local-overrides/nationwide/authority.yaml";
    let cases = [
        BadInput {
            name: "unknown base",
            file: council,
            text: COUNCIL_YAML.replace("base: nationwide", "base: nationwyde"),
            says: &["local-overrides/townshire/authority.yaml:5:1", "there is no layer `nationwyde` to build on", "did you mean `nationwide`?"],
        },
        BadInput {
            name: "a cycle of layers",
            file: layer,
            text: format!("{LAYER_YAML}base: nationwide\n"),
            says: &["local-overrides/nationwide/authority.yaml:9:1", "come back round to it: nationwide → nationwide", "take `base:` out"],
        },
        BadInput {
            name: "another jurisdiction",
            file: council,
            text: COUNCIL_YAML.replace("england", "wales"),
            says: &["local-overrides/townshire/authority.yaml:5:1", "the layer `nationwide` is for England, but this is for Wales", "same jurisdiction"],
        },
        BadInput {
            name: "a council as base",
            file: layer,
            text: LAYER_YAML.replace("kind: layer\n", ""),
            says: &["local-overrides/townshire/authority.yaml:5:1", "`nationwide` is a council, not a layer", "`kind: layer`"],
        },
        BadInput {
            name: "a section the layer removed",
            file: "local-overrides/townshire/overrides/step-5.md",
            text: over("step-5#systems-practice-support", "append", "More."),
            says: &["local-overrides/townshire/overrides/step-5.md:2:1", "the layer `nationwide` this edition builds on removed `step-5#systems-practice-support`", "local-overrides/nationwide/overrides/step-5-remove.md"],
        },
        BadInput {
            name: "a layer without a publisher",
            file: layer,
            text: LAYER_YAML.replace("publisher: \"The Nationwide Practice Body (fictional)\"\n", ""),
            says: &["local-overrides/nationwide/authority.yaml:3:1", "does not say whose words its text is", "add `publisher:`"],
        },
    ];
    each_case(
        &cases,
        |c| c.name,
        |case| {
            let dir = three_layer_root();
            write(dir.path(), case.file, &case.text);
            let said = failed_check(dir.path());
            for part in case.says {
                assert!(said.contains(part), "expected {part:?} in:\n{said}");
            }
        },
    );
}

/// Replaces `from` with `to` in a file under `root`, which must contain it.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = read(&path);
    assert!(text.contains(from), "{file} lacks {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `check --deny-warnings` on `root`: whether it passed, and what it said.
fn strict_check(root: &Path) -> (bool, String) {
    let run = handbook_in(root, &["check", "--deny-warnings"]);
    (run.status.success(), text(&run))
}

/// Records every review of `slug` and checks that it then has none due.
fn accept_all(root: &Path, slug: &str) {
    assert_ok(&handbook_in(root, &["accept", slug, "--all"]));
}

#[test]
fn drift_reaches_the_layer_from_the_model_and_the_council_from_the_layer() {
    let dir = three_layer_root();
    let root = dir.path();
    accept_all(root, "nationwide");
    accept_all(root, "townshire");
    let said = text(&handbook_in(root, &["check"]));
    assert!(
        !said.contains("stale-override") && !said.contains("not-reviewed"),
        "{said}"
    );

    // The model changes under the layer's note: the layer's keeper is told.
    edit(
        root,
        "content/step-3.md",
        "Core social work skills are of great relevance",
        "Core social work skills are of the greatest relevance",
    );
    let (passed, said) = strict_check(root);
    assert!(!passed);
    assert!(
        said.contains("local-overrides/nationwide/overrides/note-step-3.md:2:1"),
        "{said}"
    );
    assert!(
        said.contains("handbook accept nationwide note-step-3.md"),
        "{said}"
    );
    assert!(
        said.contains("+ Core social work skills are of the greatest relevance"),
        "{said}"
    );
    accept_all(root, "nationwide");
    // The council's note on the next section was written against text the
    // model change did not touch.
    let (passed, said) = strict_check(root);
    assert!(passed, "{said}");

    // The layer's text changes under the council's override: the council is
    // told, with the layer's change.
    edit(
        root,
        "local-overrides/nationwide/overrides/step-4-role.md",
        "LAYER TEXT of step four.",
        "LAYER TEXT of step four, revised.",
    );
    let (passed, said) = strict_check(root);
    assert!(!passed);
    assert!(
        said.contains("local-overrides/townshire/overrides/step-4-role.md:2:1"),
        "{said}"
    );
    assert!(
        said.contains("handbook accept townshire step-4-role.md"),
        "{said}"
    );
    assert!(said.contains("- LAYER TEXT of step four."), "{said}");
    assert!(
        said.contains("+ LAYER TEXT of step four, revised."),
        "{said}"
    );
    let accepted = handbook_in(root, &["accept", "townshire", "step-4-role.md"]);
    assert_ok(&accepted);
    let (passed, said) = strict_check(root);
    assert!(passed, "{said}");
}

/// Tags a release of `edition` at `date`, as `handbook release` records one.
fn tag_release(root: &Path, edition: &str, version: &str, note: &str, date: &str) {
    let tag = format!("handbook/{edition}/{version}");
    git(root, &["tag", "-a", &tag, "-m", note], Some(date));
}

#[test]
fn a_council_is_told_when_its_layer_publishes_a_release_until_it_records_its_review() {
    let dir = three_layer_root();
    let root = dir.path();
    git(root, &["init", "-q"], None);
    git(root, &["config", "user.name", "Policy Lead"], None);
    git(
        root,
        &["config", "user.email", "policy@townshire.example"],
        None,
    );
    commit(root, "A layered root", "2026-10-01T09:00:00+00:00");
    tag_release(
        root,
        "nationwide",
        "1.0",
        "The first national release.",
        "2026-10-01T10:00:00+00:00",
    );
    let said = text(&handbook_in(root, &["check"]));
    assert!(
        said.contains("local-overrides/townshire/authority.yaml:5:1"),
        "{said}"
    );
    assert!(
        said.contains(
            "the layer `nationwide` this edition builds on published release 1.0 on 2026-10-01"
        ),
        "{said}"
    );
    assert!(said.contains("The first national release."), "{said}");
    assert!(said.contains("handbook accept townshire --all"), "{said}");

    let accepted = handbook_in(root, &["accept", "townshire", "--all"]);
    assert_ok(&accepted);
    assert!(
        text(&accepted)
            .contains("Recorded that release 1.0 of the layer `nationwide` was reviewed."),
        "{}",
        text(&accepted)
    );
    let said = text(&handbook_in(root, &["check"]));
    assert!(!said.contains("layer-release"), "{said}");

    commit(root, "The council's review", "2026-10-02T09:00:00+00:00");
    tag_release(
        root,
        "nationwide",
        "2.0",
        "The second national release.",
        "2026-11-01T10:00:00+00:00",
    );
    let said = text(&handbook_in(root, &["check"]));
    assert!(
        said.contains(
            "published release 2.0 on 2026-11-01 (its release 1.0 was the last reviewed)"
        ),
        "{said}"
    );
}

#[test]
fn the_preview_rebuilds_a_council_edition_after_a_save_in_its_layer() {
    let dir = three_layer_root();
    let root = dir.path();
    let server = start(root, &["--authority", "townshire"]);
    let before = served(&server, "/step-3.html", |b| b.contains("LAYER NOTE"));
    assert!(
        before.contains("LAYER NOTE: call 0300 000 0001."),
        "{before}"
    );
    let layer = "local-overrides/nationwide";
    edit(
        root,
        &format!("{layer}/overrides/note-step-3.md"),
        "LAYER NOTE:",
        "LAYER NOTE SAVED:",
    );
    let after = served(&server, "/step-3.html", |b| b.contains("LAYER NOTE SAVED"));
    assert!(
        after.contains("LAYER NOTE SAVED: call 0300 000 0001."),
        "{after}"
    );
    assert!(!after.contains("hb-build-error"), "{after}");
    // A variable saved in the layer's settings reaches the council's page too.
    edit(
        root,
        &format!("{layer}/authority.yaml"),
        "0300 000 0001",
        "0300 000 0002",
    );
    let after = served(&server, "/step-3.html", |b| b.contains("0300 000 0002"));
    assert!(
        after.contains("LAYER NOTE SAVED: call 0300 000 0002."),
        "{after}"
    );
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("out");
    let args = [
        "build",
        "--authority",
        "townshire",
        "--no-search",
        "--out",
        out.to_str().unwrap(),
    ];
    assert_ok(&handbook_in(root, &args));
    assert_served_as_built(&server, &out);
}

#[test]
fn new_authority_with_base_builds_on_the_layer_and_refuses_an_unknown_one() {
    let dir = three_layer_root();
    let root = dir.path();
    let new = |base: &str| {
        let args = [
            "new-authority",
            "shireton",
            "--name",
            "Shireton Council",
            "--jurisdiction",
            "england",
            "--base",
            base,
        ];
        handbook_in(root, &args)
    };
    let refused = new("nationwyde");
    assert_fails(&refused);
    let said = text(&refused);
    assert!(said.contains("there is no layer `nationwyde`"), "{said}");
    assert!(said.contains("did you mean `nationwide`?"), "{said}");
    assert!(!root.join("local-overrides/shireton").exists());

    assert_ok(&new("nationwide"));
    let settings = read(root.join("local-overrides/shireton/authority.yaml"));
    assert!(settings.contains("\nbase: nationwide "), "{settings}");
    let out = built(root, &["--authority", "shireton"]);
    let page = Html::parse(&read(out.join("step-3.html")));
    assert!(region_label(&page, "LAYER NOTE").contains("The Nationwide Practice Body (fictional)"));
}

#[test]
fn diff_names_whose_each_change_is_and_the_layers_text_a_council_changes() {
    let dir = three_layer_root();
    let run = handbook_in(dir.path(), &["diff", "townshire"]);
    assert_ok(&run);
    let said = text(&run);
    let layer_entry = said
        .split("\nreplace step-4#social-work-role")
        .nth(1)
        .unwrap_or_default();
    assert!(layer_entry.contains("file: local-overrides/nationwide/overrides/step-4-role.md\n  by: The Nationwide Practice Body (fictional)"), "{said}");
    assert!(said.contains("file: local-overrides/townshire/overrides/step-4-role.md\n  by: Townshire Council\n  changes the text as The Nationwide Practice Body (fictional) adapted it"), "{said}");
    // The layer's change is the layer keeper's to review.
    assert!(
        said.contains("handbook accept nationwide step-4-role.md"),
        "{said}"
    );
}

#[test]
fn a_welsh_edition_shows_the_welsh_of_its_layers_text() {
    let dir = copy_of_model();
    let root = dir.path();
    let layer = "local-overrides/cymru";
    write(root, &format!("{layer}/authority.yaml"), "name: Cymru-wide layer\nshort_name: Cymru\nkind: layer\npublisher: \"The All-Wales Practice Body (fictional)\"\njurisdiction: wales\nservice: adults\nlanguages: [en, cy]\n");
    write(
        root,
        &format!("{layer}/overrides/note-step-3.md"),
        &over("step-3#social-work-role", "note", "LAYER NOTE IN ENGLISH."),
    );
    write(
        root,
        &format!("{layer}/overrides/note-step-3.cy.md"),
        "---\nreason: \"Am fod y gyfraith wedi newid.\"\n---\nNODYN YR HAEN YN GYMRAEG.\n",
    );
    write(root, "local-overrides/tref/authority.yaml", "name: Tref Council\nshort_name: Tref\njurisdiction: wales\nservice: adults\nlanguages: [en, cy]\nbase: cymru\n");
    let out = built(root, &["--authority", "tref"]);
    let english = Html::parse(&read(out.join("step-3.html")));
    assert!(region_label(&english, "LAYER NOTE IN ENGLISH.")
        .contains("The All-Wales Practice Body (fictional)"));
    let welsh = Html::parse(&read(out.join("cy/step-3.html")));
    let all = welsh.text();
    assert!(all.contains("NODYN YR HAEN YN GYMRAEG."), "{all}");
    assert!(!all.contains("LAYER NOTE IN ENGLISH."), "{all}");
    assert!(
        region_label(&welsh, "NODYN YR HAEN").contains("The All-Wales Practice Body (fictional)")
    );
}

/// The file of each problem `check` reports with `code`, in its order.
fn files_with(root: &Path, code: &str) -> Vec<String> {
    let run = handbook_in(root, &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| d["file"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_layers_own_text_is_checked_once_though_it_is_not_published_on_its_own() {
    let dir = three_layer_root();
    let root = dir.path();
    // A second council on the same layer.
    write(
        root,
        "local-overrides/villageshire/authority.yaml",
        &COUNCIL_YAML.replace("Townshire", "Villageshire"),
    );
    // A "must" in the layer's own text that cites no law.
    edit(
        root,
        "local-overrides/nationwide/overrides/note-step-3.md",
        "LAYER NOTE: call",
        "LAYER NOTE: you must call",
    );
    let musts = files_with(root, "must-without-citation");
    assert_eq!(
        musts,
        ["local-overrides/nationwide/overrides/note-step-3.md"],
        "once, at the layer's file"
    );
}

#[test]
fn init_with_base_copies_the_layer_in_and_builds_on_it_and_refuses_what_is_not_one() {
    let dir = tempfile::tempdir().unwrap();
    let layer = repo().join("local-overrides/england-wide");
    let layer = layer.to_str().unwrap();
    let (root, run) = init_council(dir.path(), "england", &["--base", layer]);
    assert!(
        text(&run).contains("It builds on the layer copied from"),
        "{}",
        text(&run)
    );
    let settings = read(root.join(format!("local-overrides/{INIT_SLUG}/authority.yaml")));
    assert!(settings.contains("\nbase: england-wide"), "{settings}");
    assert!(root
        .join("local-overrides/england-wide/authority.yaml")
        .is_file());
    // The council's edition has the layer's text, marked as the layer's.
    let out = built(&root, &["--authority", INIT_SLUG]);
    let differences = read(out.join("differences.html"));
    assert!(
        differences.contains("National Adult Social Care Guidance Forum"),
        "the layer's publisher is named"
    );
    // The layer is not published on its own.
    assert!(!out.join("england-wide").exists());

    // Not a layer, a layer of another country's law, no folder at all.
    let council = repo().join("local-overrides/exampleshire");
    for (folder, jurisdiction, says) in [
        (
            council.to_str().unwrap(),
            "england",
            "does not say `kind: layer`",
        ),
        (layer, "wales", "another jurisdiction's law"),
        ("no-such-folder", "england", "it has no authority.yaml"),
    ] {
        let run = init_in(
            dir.path(),
            [
                "other",
                "north-exampleshire",
                "North Exampleshire Council",
                jurisdiction,
            ],
            &["--base", folder],
        );
        assert_fails(&run);
        assert!(text(&run).contains(says), "{}", text(&run));
        assert!(
            !dir.path().join("other/content").exists(),
            "nothing is written"
        );
    }
}

#[test]
fn the_differences_page_says_whose_each_note_is_and_calls_no_layers_note_a_councils() {
    let dir = copy_of_shipped();
    let out = built(dir.path(), &["--authority", "exampleshire"]);
    let differences = Html::parse(&read(out.join("differences.html")));
    let text = differences.one("main").text();
    assert!(!text.contains("council's note"), "{text}");
    assert!(text.contains("A note is added after it; the text it is about is unchanged."));
    assert!(text.contains("National Adult Social Care Guidance Forum"));
}

#[test]
fn a_layers_own_page_overdue_for_review_is_a_warning_at_its_file_once() {
    let dir = three_layer_root();
    let root = dir.path();
    write(
        root,
        "local-overrides/villageshire/authority.yaml",
        &COUNCIL_YAML.replace("Townshire", "Villageshire"),
    );
    edit(
        root,
        "local-overrides/nationwide/pages/national-duties.md",
        "title: National duties\n",
        "title: National duties\nlast_reviewed: 2020-01-01\nreview_every: 12 months\n",
    );
    let overdue = files_with(root, "review-overdue");
    assert_eq!(
        overdue,
        ["local-overrides/nationwide/pages/national-duties.md"],
        "once, at the layer's page"
    );
}
