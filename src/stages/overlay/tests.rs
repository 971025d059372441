//! The overlay stage, tried on small hand-made models and authorities.

use super::*;
use crate::model::authority::tests::authority_x;
use crate::stages::load::tests::{model_of, page};

const STEP_3: &str = "---\nid: step-3\ntitle: Step three\nweight: 3\n---\nModel intro.\n\n## Panel {#panel}\n\nModel panel text.\n\n### Papers {#papers}\n\nModel papers text.\n\n## Checklist {#checklist}\n\nModel checklist text.\n";

/// A model of a home page, step 3 and step 4 (under step 3).
fn model() -> Model {
    let home = "---\nid: home\ntitle: Home\n---\nWelcome.\n";
    let step_4 = "---\nid: step-4\ntitle: Step four\nparent: step-3\n---\nModel step four.\n";
    model_of(vec![
        page("content/_index.md", home),
        page("content/step-3.md", STEP_3),
        page("content/step-4.md", step_4),
    ])
}

/// The authority `x` with these override files (name, text), and local pages.
fn authority(overrides: &[(&str, &str)], pages: &[(&str, &str)]) -> Authority {
    let pages = pages
        .iter()
        .map(|(name, text)| page(&format!("local-overrides/x/pages/{name}"), text))
        .collect();
    authority_x("", overrides, pages)
}

/// An override of `target` with `action` (and more front matter) and
/// the text `LOCAL`; one that replaces a section starts with the
/// section's heading, keeping its id.
fn over(target: &str, action: &str, more: &str) -> String {
    let heading = match target.split_once('#') {
        Some((_, id)) if action == "replace" => format!("## Ours {{#{id}}}\n\n"),
        _ => String::new(),
    };
    format!("---\ntarget: {target}\naction: {action}\n{more}---\n{heading}LOCAL {action}.\n")
}

/// The text of step 3 in the edition with these overrides, and its
/// chunks as (text, local) pairs; panics on any problem.
fn step_3_with(overrides: &[(&str, &str)]) -> (String, Vec<(String, bool)>) {
    let model = model();
    let authority = authority(overrides, &[]);
    let diagnostics = Diagnostics::new();
    let edition = authority_edition(&model, &authority, &diagnostics);
    let problems = diagnostics.into_sorted();
    assert!(problems.is_empty(), "{problems:?}");
    let step = edition.page("step-3").unwrap();
    assert_eq!(step.origin, Origin::Adapted);
    let chunks: Vec<(String, bool)> = step
        .chunks
        .iter()
        .map(|c| (c.text().to_string(), c.local))
        .collect();
    (chunks.iter().map(|(t, _)| t.as_str()).collect(), chunks)
}

/// Asserts that `text` holds each of `parts`, in that order.
fn in_order(text: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        let Some(at) = text[from..].find(part) else {
            panic!("{part:?} is not after byte {from} in:\n{text}");
        };
        from += at + part.len();
    }
}

#[test]
fn each_action_puts_local_text_where_a_reader_expects_it() {
    // Action | more front matter | what a reader meets, in order.
    let cases = "\
        replace       | reason: Ours.    | intro. < LOCAL replace. < ## Checklist
        append        |                  | ## Panel < papers text. < LOCAL append. < ## Checklist
        prepend       |                  | ## Panel {#panel} < LOCAL prepend. < Model panel text.
        insert-before |                  | intro. < LOCAL insert-before. < ## Panel {#panel}
        insert-after  |                  | papers text. < LOCAL insert-after. < ## Checklist
        note          | position: before | ## Panel {#panel} < LOCAL note. < panel text.
        note          |                  | Model papers text. < LOCAL note. < ## Checklist";
    assert_eq!(cases.lines().count(), 7);
    for case in cases.lines() {
        let [action, more, order] = [0, 1, 2].map(|i| case.split('|').nth(i).unwrap().trim());
        let more = if more.is_empty() {
            String::new()
        } else {
            format!("{more}\n")
        };
        let text = over("step-3#panel", action, &more);
        let (joined, chunks) = step_3_with(&[("o.md", &text)]);
        in_order(&joined, &order.split(" < ").collect::<Vec<_>>());
        // The local text is marked local, and the model's is not.
        for (text, local) in &chunks {
            assert_eq!(
                *local,
                text.contains("LOCAL"),
                "{action}: chunk {text:?} is marked local: {local}"
            );
        }
        let replaced = matches!(action, "replace");
        assert_eq!(
            joined.contains("Model panel text."),
            !replaced,
            "{action}: {joined}"
        );
        // Local text stands apart from model text, as a paragraph of its own.
        assert!(joined.contains("\n\nLOCAL"), "{action}: {joined}");
    }
}

#[test]
fn a_removed_section_and_a_removed_page_are_gone() {
    let text =
        over("step-3#panel", "remove", "reason: No panel here.\n").replace("LOCAL remove.\n", "");
    let (joined, chunks) = step_3_with(&[("o.md", &text)]);
    for gone in ["## Panel", "Model panel text.", "Model papers text."] {
        assert!(!joined.contains(gone), "{gone:?} is still in:\n{joined}");
    }
    // The council's notice stands where the section was, with its reason.
    let notice = [
        "Model intro.",
        "\u{201c}Panel\u{201d}",
        "No panel here.",
        "## Checklist",
    ];
    in_order(&joined, &notice);
    let local: Vec<&str> = chunks
        .iter()
        .filter(|c| c.1)
        .map(|c| c.0.as_str())
        .collect();
    assert_eq!(local.len(), 1, "{local:?}");
    assert!(local[0].contains("No panel here."));

    let model = model();
    let removal = "---\ntarget: step-3\naction: remove\nreason: Not ours.\n---\n";
    let authority = authority(&[("o.md", removal)], &[]);
    let diagnostics = Diagnostics::new();
    let edition = authority_edition(&model, &authority, &diagnostics);
    assert!(!diagnostics.has_errors());
    assert!(edition.page("step-3").is_none(), "the removed page is gone");
    // Its child moves up to where the removed page was.
    assert_eq!(
        edition.page("step-4").unwrap().parent.as_deref(),
        Some("home")
    );
    assert_eq!(edition.applied.len(), 1);
    assert!(edition.applied[0].model_text.contains("Model panel text."));
}

#[test]
fn edits_at_one_place_come_in_reading_order() {
    let named = |target: &str, action: &str, more: &str, name: &str| {
        over(target, action, more).replace("LOCAL", &format!("LOCAL {name}"))
    };
    let (joined, _) = step_3_with(&[
        (
            "a.md",
            &named("step-3#panel", "note", "position: before\n", "panel"),
        ),
        ("b.md", &named("step-3#panel", "prepend", "", "panel")),
        ("c.md", &named("step-3#papers", "note", "", "papers")),
        ("d.md", &named("step-3#papers", "append", "", "papers")),
        ("e.md", &named("step-3#panel", "insert-after", "", "panel")),
        (
            "f.md",
            &named("step-3#checklist", "insert-before", "", "checklist"),
        ),
        ("g.md", &named("step-3#panel", "append", "", "panel")),
    ]);
    in_order(
        &joined,
        &[
            "## Panel",
            "LOCAL panel prepend.",
            "LOCAL panel note.",
            "Model panel text.",
            "Model papers text.",
            // Text closing a section, innermost first, each section's
            // appended text before its note and the text after it.
            "LOCAL papers append.",
            "LOCAL papers note.",
            "LOCAL panel append.",
            "LOCAL panel insert-after.",
            "LOCAL checklist insert-before.",
            "## Checklist",
        ],
    );
}

#[test]
fn the_model_edition_is_the_model_unchanged() {
    let model = model();
    let diagnostics = Diagnostics::new();
    let edition = model_edition(&model, &diagnostics);
    assert!(!diagnostics.has_errors());
    assert_eq!(edition.slug, MODEL_SLUG);
    let ids: Vec<&str> = edition.pages.iter().map(EditionPage::id).collect();
    assert_eq!(ids, ["home", "step-3", "step-4"], "reading order");
    let step = edition.page("step-3").unwrap();
    assert_eq!(step.origin, Origin::Model);
    let text: String = step.chunks.iter().map(Chunk::text).collect();
    assert_eq!(text, &STEP_3[STEP_3.find("Model intro.").unwrap()..]);
    assert!(step.chunks.iter().all(|c| !c.local));
}

#[test]
fn a_local_page_joins_the_tree_under_its_parent() {
    let model = model();
    let local = "---\nid: local-panel\ntitle: Our panel\nparent: step-3\nweight: 1\n---\nLocal page text.\n";
    let authority = authority(&[], &[("local-panel.md", local)]);
    let diagnostics = Diagnostics::new();
    let edition = authority_edition(&model, &authority, &diagnostics);
    assert!(!diagnostics.has_errors());
    let ids: Vec<&str> = edition.pages.iter().map(EditionPage::id).collect();
    assert_eq!(ids, ["home", "step-3", "step-4", "local-panel"]);
    let page = edition.page("local-panel").unwrap();
    assert_eq!(page.origin, Origin::Local);
    assert_eq!(page.parent.as_deref(), Some("step-3"));
    assert!(page.chunks.iter().all(|c| c.local));
}

#[test]
fn clashing_overrides_are_an_error_naming_both_files() {
    let reason = "reason: Local practice.\n";
    let clashes = [
        [
            ("a.md", over("step-3#panel", "replace", reason)),
            ("b.md", over("step-3#panel", "replace", reason)),
        ],
        [
            ("a.md", over("step-3", "replace", reason)),
            ("b.md", over("step-3#panel", "append", "")),
        ],
        [
            ("a.md", over("step-3#panel", "replace", reason)),
            ("b.md", over("step-3#papers", "prepend", "")),
        ],
    ];
    for pair in clashes {
        let files: Vec<(&str, &str)> = pair.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let model = model();
        let authority = authority(&files, &[]);
        let diagnostics = Diagnostics::new();
        let edition = authority_edition(&model, &authority, &diagnostics);
        let problems = diagnostics.into_sorted();
        let found: Vec<(&str, String)> = problems.iter().map(|p| (p.code, p.position())).collect();
        // At the first file's `target:`, naming the other file.
        let at = "local-overrides/x/overrides/a.md:2:1".to_string();
        assert_eq!(found, [("override-clash", at)]);
        let problem = &problems[0];
        assert!(problem.message.contains("local-overrides/x/overrides/b.md"));
        // Neither override is applied.
        assert!(edition.applied.is_empty());
        assert_eq!(edition.page("step-3").unwrap().origin, Origin::Model);
    }
}

#[test]
fn an_unknown_target_suggests_the_closest_id() {
    let model = model();
    let authority = authority(
        &[
            ("a.md", &over("stpe-3", "append", "")),
            ("b.md", &over("step-3#pannel", "append", "")),
        ],
        &[],
    );
    let diagnostics = Diagnostics::new();
    authority_edition(&model, &authority, &diagnostics);
    let problems = diagnostics.into_sorted();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().all(|p| p.code == "unknown-target"));
    assert_eq!(
        problems[0].file_path(),
        Some("local-overrides/x/overrides/a.md")
    );
    assert_eq!(problems[0].line_col(), Some((2, 1)));
    assert!(problems[0].message.contains("`stpe-3`"));
    let hint = problems[0].hint.as_deref().unwrap();
    assert!(hint.starts_with("did you mean `step-3`"), "{hint}");
    assert!(problems[1].message.contains("no section `pannel`"));
    assert_eq!(problems[1].hint.as_deref(), Some("did you mean `panel`?"));
}
