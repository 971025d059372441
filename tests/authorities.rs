//! Issue 3: authority editions. Local overrides (every action), examples,
//! local pages, variables, local terms, template and asset overrides, the
//! differences page and `handbook diff`, drift and `accept`, `new-authority`,
//! where editions are written, and the shipped demonstration authorities.
//!
//! Most tests add a small authority, `testshire`, to a temporary copy of the
//! model, run the real binary and look at what it prints and builds.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const SLUG: &str = "testshire";
const NAME: &str = "Testshire Borough Council";
const AUTHORITY_YAML: &str = "\
name: Testshire Borough Council
short_name: Testshire
jurisdiction: england
service: adults
variables:
  duty_phone: \"01632 960999\"
  team_name: \"Testshire Duty Team\"
accessibility:
  contact_email: access@testshire.example
  statement_date: 2026-11-01
";

/// A copy of the model with the `testshire` authority and the given files
/// (paths relative to `local-overrides/testshire/`).
fn testshire(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = copy_of_model();
    write(
        dir.path(),
        &format!("local-overrides/{SLUG}/authority.yaml"),
        AUTHORITY_YAML,
    );
    add(dir.path(), files);
    dir
}

/// Writes files under `local-overrides/testshire/`.
fn add(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        write(root, &format!("local-overrides/{SLUG}/{path}"), text);
    }
}

/// Builds testshire's edition alone into `ROOT/out`.
fn build_testshire(root: &Path) -> Output {
    handbook_in(root, &["build", "--authority", SLUG, "--out", "out"])
}

/// Builds testshire's edition and returns the output folder.
fn built(root: &Path) -> PathBuf {
    let run = build_testshire(root);
    assert_ok(&run);
    root.join("out")
}

/// Builds an edition of testshire with these files and returns one page's HTML.
fn page_with(files: &[(&str, &str)], page: &str) -> String {
    let dir = testshire(files);
    read(built(dir.path()).join(page))
}

/// An override file.
fn over(target: &str, action: &str, reason: Option<&str>, body: &str) -> String {
    let reason = reason
        .map(|r| format!("reason: \"{r}\"\n"))
        .unwrap_or_default();
    format!("---\ntarget: {target}\naction: {action}\n{reason}---\n{body}")
}

/// Panics unless every part occurs in `text`, each after the one before.
fn assert_in_order(text: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        match text[from..].find(part) {
            Some(i) => from += i + part.len(),
            None => panic!(
                "expected {parts:?} in this order; `{part}` is missing or too early in:\n{text}"
            ),
        }
    }
}

/// Builds testshire once successfully, then adds `files` (and a good new
/// page, so a build that wrote anything would change the output) and builds
/// again: the second build must fail with exit code 1 and leave the first
/// build's output exactly as it was. Returns what the failed build printed.
fn failed_build(files: &[(&str, &str)]) -> String {
    let dir = testshire(&[]);
    let out = built(dir.path());
    write(
        &out,
        "kept.txt",
        "A file a rewrite of the folder would lose.\n",
    );
    let before = snapshot(&out);
    assert!(before.contains_key(Path::new("index.html")));
    add(
        dir.path(),
        &[(
            "pages/later.md",
            "---\nid: later\ntitle: Later\nparent: home\n---\nAdded later.\n",
        )],
    );
    add(dir.path(), files);
    let run = build_testshire(dir.path());
    assert_fails(&run);
    assert_eq!(
        snapshot(&out),
        before,
        "a failed build changed the previous output"
    );
    text(&run)
}

/// Panics unless the message points at `file` (path ending) and `line`, as `file:line:`.
fn assert_points_at(message: &str, file: &str, line: usize) {
    let wanted = format!("{file}:{line}:");
    assert!(
        message.contains(&wanted),
        "expected a problem at `{wanted}` in:\n{message}"
    );
}

/// The line number a file's message points at, for `file:LINE:`.
fn line_of(message: &str, file: &str) -> Option<usize> {
    let at = message.find(&format!("{file}:"))? + file.len() + 1;
    message[at..].split(':').next()?.parse().ok()
}

// ---------------------------------------------------------------------------
// Section-level actions

#[test]
fn section_replace_puts_local_text_in_place_of_the_model_section() {
    let html = page_with(
        &[(
            "overrides/step-2-role.md",
            &over(
                "step-2#social-work-role",
                "replace",
                Some("Testshire has duty social workers."),
                "## The social work role {#social-work-role}\n\nIn Testshire a duty worker helps with every plan.\n",
            ),
        )],
        "step-2.html",
    );
    assert!(
        !html.contains("ideally suited for this set of tasks"),
        "the model text is still there"
    );
    assert_in_order(
        &html,
        &[
            "id=\"social-work-role\"",
            "In Testshire a duty worker helps with every plan.",
            "id=\"systems-practice-support\"",
            "A system that defines the circumstances",
        ],
    );
}

#[test]
fn section_append_adds_local_text_at_the_end_of_the_section() {
    let html = page_with(
        &[(
            "overrides/step-2-role.md",
            &over(
                "step-2#social-work-role",
                "append",
                None,
                "Testshire appended this paragraph.\n",
            ),
        )],
        "step-2.html",
    );
    assert_in_order(
        &html,
        &[
            "id=\"social-work-role\"",
            "back to the start again if necessary",
            "Testshire appended this paragraph.",
            "id=\"systems-practice-support\"",
        ],
    );
}

#[test]
fn section_prepend_adds_local_text_just_after_the_heading() {
    let html = page_with(
        &[(
            "overrides/step-2-support.md",
            &over(
                "step-2#systems-practice-support",
                "prepend",
                None,
                "Testshire prepended this paragraph.\n",
            ),
        )],
        "step-2.html",
    );
    assert_in_order(
        &html,
        &[
            "back to the start again if necessary",
            "id=\"systems-practice-support\"",
            "Testshire prepended this paragraph.",
            "A system that defines the circumstances",
        ],
    );
}

#[test]
fn section_insert_before_puts_local_text_before_the_heading() {
    let html = page_with(
        &[(
            "overrides/step-2-support.md",
            &over(
                "step-2#systems-practice-support",
                "insert-before",
                None,
                "## Testshire duty arrangements {#duty}\n\nTestshire inserted this before.\n",
            ),
        )],
        "step-2.html",
    );
    assert_in_order(
        &html,
        &[
            "back to the start again if necessary",
            "id=\"duty\"",
            "Testshire inserted this before.",
            "id=\"systems-practice-support\"",
            "A system that defines the circumstances",
        ],
    );
}

#[test]
fn section_insert_after_puts_local_text_after_the_whole_section() {
    let html = page_with(
        &[(
            "overrides/step-3-checklist.md",
            &over(
                "step-3#good-plan-checklist",
                "insert-after",
                None,
                "### Testshire plan template {#plan-template}\n\nTestshire inserted this after.\n",
            ),
        )],
        "step-3.html",
    );
    assert_in_order(
        &html,
        &[
            "id=\"good-plan-checklist\"",
            "Contingency plans",
            "id=\"plan-template\"",
            "Testshire inserted this after.",
            "id=\"sources-of-help\"",
        ],
    );
}

#[test]
fn additions_around_one_section_keep_reading_order() {
    let target = "step-2#systems-practice-support";
    let html = page_with(
        &[
            (
                "overrides/a.md",
                &over(target, "insert-after", None, "MARK-INSERT-AFTER\n"),
            ),
            (
                "overrides/b.md",
                &over(target, "append", None, "MARK-APPEND\n"),
            ),
            (
                "overrides/c.md",
                &over(target, "prepend", None, "MARK-PREPEND\n"),
            ),
            (
                "overrides/d.md",
                &over(target, "insert-before", None, "MARK-INSERT-BEFORE\n"),
            ),
        ],
        "step-2.html",
    );
    assert_in_order(
        &html,
        &[
            "MARK-INSERT-BEFORE",
            "id=\"systems-practice-support\"",
            "MARK-PREPEND",
            "A system that defines the circumstances",
            "id=\"sources-of-help\"",
            "MARK-APPEND",
            "MARK-INSERT-AFTER",
        ],
    );
}

#[test]
fn insert_before_a_replaced_section_comes_before_the_replacement() {
    let target = "step-2#social-work-role";
    let body = "## The social work role {#social-work-role}\n\nMARK-REPLACED\n";
    let html = page_with(
        &[
            (
                "overrides/a.md",
                &over(target, "replace", Some("Local role."), body),
            ),
            (
                "overrides/b.md",
                &over(target, "insert-before", None, "MARK-BEFORE\n"),
            ),
        ],
        "step-2.html",
    );
    assert_in_order(
        &html,
        &[
            "MARK-BEFORE",
            "id=\"social-work-role\"",
            "MARK-REPLACED",
            "id=\"systems-practice-support\"",
        ],
    );
}

#[test]
fn text_after_a_nested_section_comes_before_its_parents_appended_text() {
    let html = page_with(
        &[
            (
                "overrides/a.md",
                &over("step-2", "append", None, "MARK-PAGE-END\n"),
            ),
            (
                "overrides/b.md",
                &over(
                    "step-2#systems-practice-support",
                    "append",
                    None,
                    "MARK-PARENT-END\n",
                ),
            ),
            (
                "overrides/c.md",
                &over(
                    "step-2#sources-of-help",
                    "insert-after",
                    None,
                    "MARK-AFTER-CHILD\n",
                ),
            ),
            (
                "overrides/d.md",
                &over("step-2#sources-of-help", "append", None, "MARK-CHILD-END\n"),
            ),
        ],
        "step-2.html",
    );
    assert_in_order(
        &html,
        &[
            "id=\"sources-of-help\"",
            "MARK-CHILD-END",
            "MARK-AFTER-CHILD",
            "MARK-PARENT-END",
            "MARK-PAGE-END",
        ],
    );
}

#[test]
fn section_remove_takes_the_section_out_and_keeps_the_rest() {
    let html = page_with(
        &[(
            "overrides/step-5-sources.md",
            &over(
                "step-5#sources-of-help",
                "remove",
                Some("Testshire has its own directory."),
                "",
            ),
        )],
        "step-5.html",
    );
    assert!(
        !html.contains("Tools for Change"),
        "removed text is still shown"
    );
    assert!(
        !html.contains("id=\"sources-of-help\""),
        "removed heading is still shown"
    );
    assert!(
        html.contains("Overseeing the implementation of the support plan"),
        "the rest of the section went too"
    );
}

// ---------------------------------------------------------------------------
// Page-level actions

#[test]
fn page_replace_puts_local_text_in_place_of_the_whole_page() {
    let html = page_with(
        &[(
            "overrides/about.md",
            &over(
                "about",
                "replace",
                Some("Testshire explains its own context."),
                "## About Testshire {#about-testshire}\n\nTestshire wrote this page body.\n",
            ),
        )],
        "about.html",
    );
    assert!(html.contains("Testshire wrote this page body."));
    assert!(
        !html.contains("This paper is one in a series from In Control"),
        "model body is still there"
    );
    assert!(
        html.contains("About this guidance"),
        "the page keeps its title"
    );
}

#[test]
fn page_append_adds_local_text_after_the_model_text() {
    let html = page_with(
        &[(
            "overrides/step-7.md",
            &over("step-7", "append", None, "Testshire closes step seven.\n"),
        )],
        "step-7.html",
    );
    assert_in_order(
        &html,
        &[
            "id=\"social-work-role\"",
            "Helen Sanderson and Simon Duffy",
            "Testshire closes step seven.",
        ],
    );
}

#[test]
fn page_prepend_adds_local_text_before_the_model_text() {
    let html = page_with(
        &[(
            "overrides/step-7.md",
            &over("step-7", "prepend", None, "Testshire opens step seven.\n"),
        )],
        "step-7.html",
    );
    assert_in_order(
        &html,
        &[
            "Testshire opens step seven.",
            "id=\"social-work-role\"",
            "Helen Sanderson and Simon Duffy",
        ],
    );
}

#[test]
fn page_remove_leaves_the_page_out_of_the_edition() {
    let dir = testshire(&[(
        "overrides/staying-safe.md",
        &over(
            "staying-safe",
            "remove",
            Some("Testshire publishes safeguarding guidance separately."),
            "",
        ),
    )]);
    let out = built(dir.path());
    assert!(!out.join("staying-safe.html").exists());
    let home = read(out.join("index.html"));
    assert!(
        !home.contains("staying-safe.html"),
        "home still links to the removed page"
    );
    let differences = visible_text(&read(out.join("differences.html")));
    assert!(differences.contains("Testshire publishes safeguarding guidance separately."));
}

// ---------------------------------------------------------------------------
// The differences page and `handbook diff`

/// One override of each kind, each with its own target and reason.
fn every_action() -> Vec<(String, String)> {
    let cases = [
        (
            "step-2#social-work-role",
            "replace",
            "## The social work role {#social-work-role}\n\nLocal role.\n",
        ),
        ("step-3#social-work-role", "append", "Local appendix.\n"),
        (
            "step-4#systems-practice-support",
            "prepend",
            "Local preface.\n",
        ),
        (
            "step-5#systems-practice-support",
            "insert-before",
            "Local note before.\n",
        ),
        (
            "step-6#social-work-role",
            "insert-after",
            "Local note after.\n",
        ),
        ("step-7#sources-of-help", "remove", ""),
        ("about", "replace", "Local about page.\n"),
        ("credits", "append", "Local credits.\n"),
        ("terminology", "prepend", "Local terminology preface.\n"),
        ("staying-safe", "remove", ""),
    ];
    cases
        .iter()
        .enumerate()
        .map(|(i, (target, action, body))| {
            let reason = format!("Reason number {i} for {action} of {target}.");
            (
                format!("overrides/o{i:02}.md"),
                over(target, action, Some(&reason), body),
            )
        })
        .collect()
}

fn front(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_default()
}

#[test]
fn differences_page_lists_each_override_with_target_action_and_reason() {
    let files = every_action();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = testshire(&refs);
    let page = visible_text(&read(built(dir.path()).join("differences.html")));
    for (_, text) in &files {
        let (target, action, reason) = (
            front(text, "target"),
            front(text, "action"),
            front(text, "reason"),
        );
        let at = page
            .find(&reason)
            .unwrap_or_else(|| panic!("reason `{reason}` not listed:\n{page}"));
        let near = &page[at.saturating_sub(300)..(at + reason.len() + 300).min(page.len())];
        assert!(
            near.contains(&target),
            "target `{target}` not shown with its reason:\n{near}"
        );
        assert!(
            near.contains(&action),
            "action `{action}` not shown with its reason:\n{near}"
        );
    }
}

#[test]
fn diff_command_prints_each_override_of_an_authority() {
    let files = every_action();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = testshire(&refs);
    let run = handbook_in(dir.path(), &["diff", SLUG]);
    assert_ok(&run);
    let printed = text(&run);
    for (_, text) in &files {
        let (target, action, reason) = (
            front(text, "target"),
            front(text, "action"),
            front(text, "reason"),
        );
        assert!(
            printed.contains(&format!("{action} {target}")),
            "`{action} {target}` not printed:\n{printed}"
        );
        assert!(
            printed.contains(&reason),
            "reason `{reason}` not printed:\n{printed}"
        );
    }
}

#[test]
fn diff_command_shows_the_shipped_exampleshire_overrides() {
    let run = handbook(&["diff", "exampleshire"]);
    assert_ok(&run);
    let printed = text(&run);
    let folder = repo().join("local-overrides/exampleshire/overrides");
    let mut seen = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let source = read(entry.unwrap().path());
        let (target, action, reason) = (
            front(&source, "target"),
            front(&source, "action"),
            front(&source, "reason"),
        );
        assert!(
            printed.contains(&target),
            "target `{target}` not printed:\n{printed}"
        );
        assert!(
            printed.contains(&action),
            "action `{action}` not printed:\n{printed}"
        );
        let opening: String = reason
            .split('\\')
            .next()
            .unwrap()
            .chars()
            .take(40)
            .collect();
        assert!(
            printed.contains(&opening),
            "reason `{opening}…` not printed:\n{printed}"
        );
        seen += 1;
    }
    assert!(seen > 0, "exampleshire ships no overrides");
}

// ---------------------------------------------------------------------------
// Errors: exit 1, file and line, a hint, and the previous output untouched

#[test]
fn two_overrides_on_one_target_clash_naming_both_files() {
    let message = failed_build(&[
        (
            "overrides/first.md",
            &over(
                "step-2#social-work-role",
                "replace",
                Some("One."),
                "## The social work role {#social-work-role}\n\nA.\n",
            ),
        ),
        (
            "overrides/second.md",
            &over("step-2#social-work-role", "append", None, "B.\n"),
        ),
    ]);
    assert!(message.contains("clash"), "{message}");
    assert!(message.contains("overrides/first.md"), "{message}");
    assert!(message.contains("overrides/second.md"), "{message}");
    assert!(
        message.contains("first.md:2:") || message.contains("second.md:2:"),
        "no line given:\n{message}"
    );
}

#[test]
fn adding_next_to_a_section_of_a_removed_page_is_a_clash() {
    let message = failed_build(&[
        (
            "overrides/gone.md",
            &over("step-7", "remove", Some("Not used here."), ""),
        ),
        (
            "overrides/after.md",
            &over(
                "step-7#sources-of-help",
                "insert-after",
                None,
                "Local sources.\n",
            ),
        ),
    ]);
    assert!(message.contains("clash"), "{message}");
    assert!(
        message.contains("overrides/gone.md") && message.contains("overrides/after.md"),
        "{message}"
    );
}

#[test]
fn unknown_target_page_suggests_the_closest_id() {
    let message = failed_build(&[(
        "overrides/typo.md",
        &over("stpe-3#social-work-role", "append", None, "X.\n"),
    )]);
    assert_points_at(&message, "overrides/typo.md", 2);
    assert!(message.contains("`step-3`"), "no suggestion:\n{message}");
}

#[test]
fn unknown_target_section_suggests_the_closest_id() {
    let message = failed_build(&[(
        "overrides/typo.md",
        &over("step-3#good-plan-checklst", "append", None, "X.\n"),
    )]);
    assert_points_at(&message, "overrides/typo.md", 2);
    assert!(
        message.contains("`good-plan-checklist`"),
        "no suggestion:\n{message}"
    );
}

#[test]
fn unknown_key_in_authority_yaml_suggests_the_known_key() {
    let message = failed_build(&[(
        "authority.yaml",
        &AUTHORITY_YAML.replace("jurisdiction:", "jurisdicton:"),
    )]);
    assert_points_at(&message, "testshire/authority.yaml", 3);
    assert!(
        message.contains("`jurisdiction`"),
        "no suggestion:\n{message}"
    );
}

#[test]
fn missing_required_field_in_authority_yaml_says_which() {
    let message = failed_build(&[(
        "authority.yaml",
        &AUTHORITY_YAML.replace("service: adults\n", ""),
    )]);
    assert!(
        line_of(&message, "testshire/authority.yaml").is_some(),
        "no file and line:\n{message}"
    );
    assert!(
        message.contains("`service`"),
        "does not say which field:\n{message}"
    );
}

#[test]
fn unknown_key_in_override_front_matter_suggests_the_known_key() {
    let text = "---\ntarget: step-3#social-work-role\naction: append\nreasn: \"Local.\"\n---\nX.\n";
    let message = failed_build(&[("overrides/typo.md", text)]);
    assert_points_at(&message, "overrides/typo.md", 4);
    assert!(message.contains("`reason`"), "no suggestion:\n{message}");
}

#[test]
fn unknown_variable_suggests_a_close_name() {
    let body = "Call the duty team.\n\nPhone {{ vars.duty_phon }} today.\n";
    let message = failed_build(&[(
        "overrides/phone.md",
        &over("step-1#social-work-role", "append", None, body),
    )]);
    assert_points_at(&message, "overrides/phone.md", 7);
    assert!(
        message.contains("vars.duty_phone"),
        "no suggestion:\n{message}"
    );
}

#[test]
fn unknown_variable_in_a_local_page_is_an_error() {
    let page = "---\nid: duty\ntitle: Duty\nparent: home\n---\nCall {{ vars.nope }}.\n";
    let message = failed_build(&[("pages/duty.md", page)]);
    assert_points_at(&message, "pages/duty.md", 6);
    assert!(message.contains("vars.nope"), "{message}");
}

#[test]
fn replace_without_a_reason_is_an_error() {
    let body = "## The social work role {#social-work-role}\n\nLocal.\n";
    let message = failed_build(&[(
        "overrides/no-reason.md",
        &over("step-2#social-work-role", "replace", None, body),
    )]);
    assert_points_at(&message, "overrides/no-reason.md", 3);
    assert!(message.contains("reason"), "{message}");
}

#[test]
fn remove_without_a_reason_is_an_error() {
    let message = failed_build(&[(
        "overrides/no-reason.md",
        &over("step-2#sources-of-help", "remove", None, ""),
    )]);
    assert_points_at(&message, "overrides/no-reason.md", 3);
    assert!(message.contains("reason"), "{message}");
}

#[test]
fn example_attached_to_an_unknown_page_suggests_the_closest_id() {
    let example = "---\nid: ex-one\ntitle: One\nattach: [stpe-5]\n---\nText.\n";
    let message = failed_build(&[("examples/ex-one.md", example)]);
    assert_points_at(&message, "examples/ex-one.md", 4);
    assert!(message.contains("`step-5`"), "no suggestion:\n{message}");
}

#[test]
fn local_page_with_an_unknown_parent_suggests_the_closest_id() {
    let page = "---\nid: duty\ntitle: Duty\nparent: terminolgy\n---\nText.\n";
    let message = failed_build(&[("pages/duty.md", page)]);
    assert_points_at(&message, "pages/duty.md", 4);
    assert!(
        message.contains("`terminology`"),
        "no suggestion:\n{message}"
    );
}

// ---------------------------------------------------------------------------
// Variables, local terms, examples, local pages, credit

#[test]
fn variables_are_substituted_in_overrides_local_pages_and_examples() {
    let dir = testshire(&[
        (
            "overrides/phone.md",
            &over("step-1#social-work-role", "append", None, "Override: call {{ vars.team_name }} on {{ vars.duty_phone }}.\n"),
        ),
        ("pages/duty.md", "---\nid: duty\ntitle: Duty\nparent: home\n---\nPage: {{ authority.name }} runs {{ vars.team_name }}.\n"),
        ("examples/ex-one.md", "---\nid: ex-one\ntitle: One\nattach: [step-4]\n---\nExample: ring {{ vars.duty_phone }}.\n"),
    ]);
    let out = built(dir.path());
    let step1 = visible_text(&read(out.join("step-1.html")));
    let duty = visible_text(&read(out.join("duty.html")));
    let step4 = visible_text(&read(out.join("step-4.html")));
    assert!(
        step1.contains("Override: call Testshire Duty Team on 01632 960999."),
        "{step1}"
    );
    assert!(
        duty.contains(&format!("Page: {NAME} runs Testshire Duty Team.")),
        "{duty}"
    );
    assert!(step4.contains("Example: ring 01632 960999."), "{step4}");
    for text in [&step1, &duty, &step4] {
        assert!(!text.contains("{{"), "a variable was left in:\n{text}");
    }
}

fn with_terms() -> tempfile::TempDir {
    let dir = testshire(&[(
        "overrides/own.md",
        &over(
            "step-2#social-work-role",
            "append",
            None,
            "Every support plan in Testshire is signed off by a manager.\n",
        ),
    )]);
    let yaml = format!("{AUTHORITY_YAML}terms:\n  \"support plan\": \"care and support plan\"\n");
    add(dir.path(), &[("authority.yaml", &yaml)]);
    dir
}

#[test]
fn local_terms_replace_whole_words_of_model_text_only() {
    let dir = with_terms();
    let html = read(built(dir.path()).join("step-2.html"));
    let text = visible_text(&html);
    assert!(
        text.contains("the care and support plan is the heart of this process"),
        "{text}"
    );
    assert!(
        text.contains("other support planning options"),
        "a part-word was replaced:\n{text}"
    );
    assert!(
        !text.contains("care and support planning"),
        "a part-word was replaced:\n{text}"
    );
    assert!(
        text.contains("Every support plan in Testshire"),
        "the authority's own text was changed:\n{text}"
    );
    // The reader can see the model's term.
    let shown = html
        .find(">care and support plan<")
        .expect("the local term is marked up");
    let tag = &html[html[..shown].rfind('<').unwrap()..shown];
    assert!(
        tag.contains("title=\"") && tag.contains("support plan"),
        "no title with the model term: {tag}"
    );
}

#[test]
fn differences_page_lists_local_terms_and_the_pages_using_them() {
    let dir = with_terms();
    let html = read(built(dir.path()).join("differences.html"));
    let start = html.rfind(">Local terms<").expect("a local terms section");
    let section = &html[start
        ..html[start..]
            .find("<footer")
            .map_or(html.len(), |i| start + i)];
    let text = visible_text(section);
    assert!(
        text.contains("support plan") && text.contains("care and support plan"),
        "{text}"
    );
    assert!(
        section.contains("href=\"step-2.html\""),
        "step 2 uses the term but is not listed:\n{section}"
    );
    assert!(
        !section.contains("href=\"terminology.html\""),
        "terminology does not use the term:\n{section}"
    );
}

#[test]
fn examples_show_on_attached_pages_and_on_the_examples_index() {
    let dir = testshire(&[(
        "examples/ex-shared.md",
        "---\nid: ex-shared\ntitle: Sharing a budget between friends\nattach: [step-5, staying-safe]\nsummary: Two friends pool budgets.\n---\nTwo friends in their sixties pooled their budgets.\n",
    )]);
    let out = built(dir.path());
    for page in ["step-5.html", "staying-safe.html"] {
        let html = read(out.join(page));
        assert_in_order(
            &html,
            &[
                ">Local practice examples</h",
                "Sharing a budget between friends",
                "Two friends in their sixties",
            ],
        );
    }
    assert!(!read(out.join("step-4.html")).contains("Sharing a budget between friends"));
    let index = read(out.join("examples.html"));
    let body = index
        .find("Two friends in their sixties pooled their budgets.")
        .expect("the example is on the index");
    let after = &index[body..];
    assert!(
        after.contains("href=\"step-5.html\"") && after.contains("href=\"staying-safe.html\""),
        "pages not linked:\n{after}"
    );
}

#[test]
fn local_page_sits_under_its_parent_and_is_credited_as_local() {
    let dir = testshire(&[(
        "pages/duty.md",
        "---\nid: duty\ntitle: The Testshire duty team\nparent: step-3\nweight: 5\n---\nThe duty team answers the phone.\n",
    )]);
    let out = built(dir.path());
    let html = read(out.join("duty.html"));
    let breadcrumbs = nav_block(&html, |nav| nav.to_lowercase().contains("breadcrumb"));
    assert_in_order(
        breadcrumbs,
        &[
            "href=\"index.html\"",
            "href=\"step-3.html\"",
            "The Testshire duty team",
        ],
    );
    assert!(
        visible_text(&html).contains(&format!("local content written by {NAME}")),
        "not credited as local"
    );
    // In the site's navigation it follows its parent, before the next step.
    let navigation = nav_block(&html, |nav| nav.contains("href=\"step-4.html\""));
    assert_in_order(
        navigation,
        &[
            "href=\"step-3.html\"",
            "href=\"duty.html\"",
            "href=\"step-4.html\"",
        ],
    );
    let differences = read(out.join("differences.html"));
    let start = differences
        .find(">Local pages<")
        .expect("a local pages section");
    let section = &differences[start..];
    let section = &section[..section[1..].find("<h2").map_or(section.len(), |i| i + 1)];
    assert!(
        section.contains("href=\"duty.html\""),
        "differences page does not list the local page:\n{section}"
    );
}

/// The first `<nav …>…</nav>` of a page that passes a test.
fn nav_block(html: &str, wanted: impl Fn(&str) -> bool) -> &str {
    let mut rest = html;
    while let Some(start) = rest.find("<nav") {
        let end = rest[start..]
            .find("</nav>")
            .map_or(rest.len(), |i| start + i + 6);
        if wanted(&rest[start..end]) {
            return &rest[start..end];
        }
        rest = &rest[end..];
    }
    panic!("no such navigation block in:\n{html}");
}

#[test]
fn pages_from_the_model_credit_in_control_and_the_authority() {
    let dir = testshire(&[(
        "overrides/o.md",
        &over("step-2#social-work-role", "append", None, "Local.\n"),
    )]);
    let out = built(dir.path());
    for page in ["step-2.html", "step-4.html"] {
        let text = visible_text(&read(out.join(page)));
        let adapted = format!("by In Control, adapted by {NAME}");
        let at = text
            .find(&adapted)
            .unwrap_or_else(|| panic!("{page} lacks the credit:\n{text}"));
        let based = text[..at]
            .rfind("Based on")
            .expect("credit starts `Based on`");
        assert!(
            at - based < 200,
            "credit sentence broken: {}",
            &text[based..at + adapted.len()]
        );
    }
}

// ---------------------------------------------------------------------------
// Template and static overrides

#[test]
fn authority_template_replaces_one_block_in_its_edition_only() {
    let dir = testshire(&[(
        "templates/page.html",
        "{% extends \"theme/page.html\" %}\n{% block pagination %}<p>Testshire pagination block</p>{% endblock pagination %}\n",
    )]);
    let run = handbook_in(dir.path(), &["build", "--out", "out"]);
    assert_ok(&run);
    let out = dir.path().join("out");
    let local = read(out.join(SLUG).join("step-2.html"));
    let model = read(out.join("model").join("step-2.html"));
    assert!(local.contains("Testshire pagination block"));
    assert!(
        !local.contains("rel=\"next\""),
        "the theme's block is still there"
    );
    assert!(
        local.contains("A system that defines the circumstances"),
        "the rest of the page is gone"
    );
    assert!(!model.contains("Testshire pagination block"));
    assert!(model.contains("rel=\"next\""));
}

#[test]
fn authority_static_file_wins_over_the_theme_in_its_edition_only() {
    let css = "/* Testshire's own stylesheet */\nbody { color: black; }\n";
    let dir = testshire(&[("static/handbook.css", css)]);
    let run = handbook_in(dir.path(), &["build", "--out", "out"]);
    assert_ok(&run);
    let out = dir.path().join("out");
    let theme_css = read(dir.path().join("themes/default/static/handbook.css"));
    assert_eq!(read(out.join(SLUG).join("assets/handbook.css")), css);
    assert_eq!(read(out.join("model/assets/handbook.css")), theme_css);
}

// ---------------------------------------------------------------------------
// Drift

#[test]
fn model_change_under_an_override_warns_until_accepted() {
    let dir = copy_of_shipped();
    let root = dir.path();
    let path = root.join("content/terminology.md");
    let model = read(&path);
    assert!(model.contains("General Social Care Council"));
    std::fs::write(
        &path,
        model.replace("General Social Care Council", "Care Registration Board"),
    )
    .unwrap();

    let check = handbook_in(root, &["check", "--authority", "exampleshire"]);
    assert_ok(&check);
    let warned = text(&check);
    assert!(
        warned.contains("overrides/terminology-social-worker.md:"),
        "{warned}"
    );
    assert!(
        warned.contains("General Social Care Council"),
        "the old words are not shown:\n{warned}"
    );
    assert!(
        warned.contains("Care Registration Board"),
        "the new words are not shown:\n{warned}"
    );

    assert_fails(&handbook_in(root, &["check", "--deny-warnings"]));
    assert_ok(&handbook_in(
        root,
        &["accept", "exampleshire", "terminology-social-worker.md"],
    ));
    assert_ok(&handbook_in(root, &["accept", "kinloch-vale", "--all"]));
    assert_ok(&handbook_in(root, &["accept", "cwm-derwen", "--all"]));
    assert_ok(&handbook_in(root, &["check", "--deny-warnings"]));
}

// ---------------------------------------------------------------------------
// Where editions go

#[test]
fn one_authority_is_written_at_the_top_of_out() {
    let dir = copy_of_shipped();
    let run = handbook_in(
        dir.path(),
        &["build", "--authority", "exampleshire", "--out", "out"],
    );
    assert_ok(&run);
    let out = dir.path().join("out");
    assert!(visible_text(&read(out.join("index.html"))).contains("Exampleshire County Council"));
    assert!(out.join("differences.html").is_file());
    assert!(!out.join("exampleshire").exists() && !out.join("model").exists());
}

#[test]
fn build_without_flags_writes_every_edition_and_a_list_of_them() {
    let dir = copy_of_shipped();
    assert_ok(&handbook_in(dir.path(), &["build"]));
    let out = dir.path().join("public");
    let index = read(out.join("index.html"));
    for slug in ["model", "exampleshire", "kinloch-vale", "cwm-derwen"] {
        assert!(
            out.join(slug).join("index.html").is_file(),
            "{slug}/ not written"
        );
        assert!(
            index.contains(&format!("href=\"{slug}/index.html\"")),
            "{slug} not listed:\n{index}"
        );
    }
    for slug in ["exampleshire", "kinloch-vale", "cwm-derwen"] {
        assert!(out.join(slug).join("differences.html").is_file());
        assert!(out.join(slug).join("examples.html").is_file());
    }
}

// ---------------------------------------------------------------------------
// new-authority

#[test]
fn new_authority_makes_a_folder_that_checks_and_builds() {
    let dir = copy_of_model();
    let root = dir.path();
    let args = [
        "new-authority",
        "demo",
        "--name",
        "Demo Council",
        "--jurisdiction",
        "wales",
    ];
    assert_ok(&handbook_in(root, &args));
    let yaml = read(root.join("local-overrides/demo/authority.yaml"));
    assert!(
        yaml.contains("Demo Council") && yaml.contains("wales"),
        "{yaml}"
    );
    assert_ok(&handbook_in(root, &["check"]));
    assert_ok(&handbook_in(
        root,
        &["build", "--authority", "demo", "--out", "out"],
    ));
    let home = visible_text(&read(root.join("out/index.html")));
    assert!(
        home.contains("Demo Council") && home.contains("Wales"),
        "{home}"
    );

    let again = handbook_in(root, &args);
    assert_fails(&again);
    assert!(text(&again).contains("exists"), "{}", text(&again));
    assert_eq!(
        read(root.join("local-overrides/demo/authority.yaml")),
        yaml,
        "the second run changed the folder"
    );
}

#[test]
fn new_authority_refuses_an_unknown_jurisdiction() {
    let dir = copy_of_model();
    let run = handbook_in(
        dir.path(),
        &[
            "new-authority",
            "demo",
            "--name",
            "Demo Council",
            "--jurisdiction",
            "mars",
        ],
    );
    assert_fails(&run);
    assert!(
        text(&run).contains("wales"),
        "no hint of the allowed values:\n{}",
        text(&run)
    );
    assert!(!dir.path().join("local-overrides/demo").exists());
}

// ---------------------------------------------------------------------------
// The shipped demonstration authorities

fn shipped_authorities() -> Vec<String> {
    // A layer that is not published makes no edition of its own (issue 35).
    let unpublished_layer = |slug: &str| {
        let settings = read(
            repo()
                .join("local-overrides")
                .join(slug)
                .join("authority.yaml"),
        );
        settings.contains("\nkind: layer\n") && !settings.contains("\npublish: true\n")
    };
    let mut slugs: Vec<String> = std::fs::read_dir(repo().join("local-overrides"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|slug| !unpublished_layer(slug))
        .collect();
    slugs.sort();
    slugs
}

#[test]
fn shipped_editions_say_their_council_is_fictional_on_the_home_page() {
    let authorities = shipped_authorities();
    assert!(authorities.len() >= 2, "{authorities:?}");
    for slug in authorities {
        let home = visible_text(&read(shipped_build().join(&slug).join("index.html")));
        assert!(
            home.contains("fictional"),
            "{slug}'s home page does not say it is fictional"
        );
    }
}

#[test]
fn kinloch_vale_explains_the_four_options_and_cites_social_work_scotland() {
    let edition = shipped_build().join("kinloch-vale");
    let all: String = html_files(&edition)
        .iter()
        .map(|f| visible_text(&read(f)))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("four options"));
    for option in ["Option 1", "Option 2", "Option 3", "Option 4"] {
        assert!(all.contains(option), "{option} is not described");
    }
    assert!(all.contains("Social Work Scotland (2016)"));
}

/// The part of a built page that is the page's own content, as HTML.
fn main_html(page: &Path) -> String {
    let html = read(page);
    let start = html.find("<main").expect("a page has a <main>");
    let end = html.find("</main>").expect("a page closes its <main>");
    html[start..end].to_string()
}

/// Whether text cites a section in brackets, such as "(section 126(1))" or
/// "(sections 50 to 53)", without naming another Act inside the brackets
/// ("(section 1 of the Welsh Language (Wales) Measure 2011)").
fn cites_a_section(text: &str) -> bool {
    ["(section ", "(sections "].iter().any(|open| {
        text.match_indices(open).any(|(at, _)| {
            let rest = &text[at + open.len()..];
            let inside = &rest[..rest.find(')').unwrap_or(rest.len())];
            rest.starts_with(|c: char| c.is_ascii_digit()) && !inside.contains(" of ")
        })
    })
}

#[test]
fn cwm_derwen_says_it_is_fictional_and_names_the_2014_act_wherever_it_states_the_law() {
    let edition = shipped_build().join("cwm-derwen");
    let fictional = "Cwm Derwen County Borough Council is a fictional council";
    let home = visible_text(&read(edition.join("index.html")));
    assert!(
        home.contains(fictional),
        "the notice is not on the home page"
    );
    for page in [
        "social-care-law-in-wales",
        "what-matters-conversations",
        "welsh-language-active-offer",
    ] {
        let own = visible_text(&main_html(&edition.join(format!("{page}.html"))));
        assert!(
            own.contains(fictional),
            "{page} does not say in its own text that the council is fictional"
        );
    }
    let examples = main_html(&edition.join("examples.html"));
    let shown: Vec<&str> = examples
        .split("<section class=\"example\"")
        .skip(1)
        .collect();
    assert!(shown.len() >= 3, "{examples}");
    for example in shown {
        let example = visible_text(example);
        assert!(
            example.contains("(fictional)") && example.contains("This example is fictional"),
            "an example is not marked as fictional: {example}"
        );
    }
    // Text that states a section of law is followed by a "Sources:" line that
    // names the Act, before any more text.
    let act = "Social Services and Well-being (Wales) Act 2014";
    let mut cited = 0;
    for page in html_files(&edition) {
        let main = main_html(&page);
        let mut pieces = main.split("<p>Sources: ");
        let mut before = pieces.next().unwrap_or_default();
        for piece in pieces {
            let (sources, after) = piece.split_once("</p>").unwrap();
            if cites_a_section(&visible_text(before)) {
                assert!(
                    sources.contains(act),
                    "{}: the law is stated, but its sources do not name the 2014 Act: {sources}",
                    page.display()
                );
                cited += 1;
            }
            before = after;
        }
        assert!(
            !cites_a_section(&visible_text(before)),
            "{}: a section of law is stated with no sources after it",
            page.display()
        );
    }
    assert!(cited >= 6, "only {cited} passages state the law");
}

/// The sections of a page's own content, each as its heading's text and
/// the visible text under it (up to the next heading of any level).
fn sections(main: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for piece in main.split("<h").skip(1) {
        if !piece.starts_with(|c: char| ('2'..='4').contains(&c)) {
            continue;
        }
        let close = piece.find("</h").unwrap_or(piece.len());
        let heading = visible_text(&format!("<h{}", &piece[..close]));
        let body = visible_text(&format!("<h{}", &piece[close..]));
        out.push((heading.to_lowercase(), body));
    }
    out
}

/// Issue 34: staff of an adults' service meet children at risk, and staff
/// of a children's service meet adults at risk. Each demonstration
/// council's safeguarding page (in each of its languages) has a section on
/// a child at risk and one on an adult at risk, each with a number to call.
#[test]
fn every_demonstration_councils_safeguarding_page_routes_children_and_adults() {
    for slug in shipped_authorities() {
        let edition = shipped_build().join(&slug);
        let mut pages = vec![(edition.join("staying-safe.html"), ["child", "adult"])];
        if edition.join("cy/staying-safe.html").is_file() {
            pages.push((edition.join("cy/staying-safe.html"), ["plentyn", "oedolyn"]));
        }
        for (page, words) in pages {
            let found = sections(&main_html(&page));
            for word in words {
                let route = found.iter().find(|(heading, body)| {
                    heading.contains(word) && body.contains("01632 9") && body.contains("999")
                });
                assert!(
                    route.is_some(),
                    "{}: no section on {word} at risk with a number to call and 999; sections: {:?}",
                    page.display(),
                    found.iter().map(|(h, _)| h).collect::<Vec<_>>()
                );
            }
        }
    }
}

/// Issue 34: the Welsh of the shipped editions mutates the council's name
/// after "gan" ("gan Gyngor …") and says "cymhwystra" (eligibility), never
/// "cymhwysedd" (competence).
#[test]
fn no_welsh_page_of_the_shipped_editions_has_an_unmutated_name_or_the_wrong_word_for_eligibility() {
    let mut welsh = 0;
    for slug in shipped_authorities() {
        let folder = shipped_build().join(&slug).join("cy");
        if !folder.is_dir() {
            continue;
        }
        for page in html_files(&folder) {
            let text = visible_text(&read(&page)).to_lowercase();
            for wrong in ["gan cyngor", "cymhwysedd"] {
                assert!(!text.contains(wrong), "{}: “{wrong}”", page.display());
            }
            welsh += 1;
        }
    }
    assert!(welsh > 20, "only {welsh} Welsh pages were checked");
    let footer = read(shipped_build().join("cwm-derwen/cy/step-1.html"));
    assert!(
        footer.contains("gan Gyngor Bwrdeistref Sirol Cwm Derwen"),
        "the check can fail: the name is there, mutated"
    );
}

#[test]
fn shipped_content_checks_clean() {
    assert_ok(&handbook(&["check", "--deny-warnings"]));
}

#[test]
fn variables_and_local_terms_apply_to_titles_too() {
    let page = "---\nid: local-panel\ntitle: \"{{ authority.short_name }} panel\"\nparent: step-3\nweight: 5\n---\nText.\n";
    let dir = testshire(&[("pages/local-panel.md", page)]);
    let out = built(dir.path());
    let html = read(out.join("local-panel.html"));
    assert!(
        html.contains("<title>Testshire panel"),
        "variables in a title are substituted"
    );
    assert!(!html.contains("{{"), "no raw braces left");
    let nav = read(out.join("index.html"));
    assert!(
        nav.contains("Testshire panel"),
        "the navigation uses the substituted title"
    );
}

#[test]
fn variables_apply_to_example_titles_and_summaries() {
    let example = "---\nid: ex-duty\ntitle: \"Calling the {{ vars.team_name }}\"\nattach: [step-4]\nsummary: \"How {{ authority.short_name }} answers.\"\n---\nText.\n";
    let dir = testshire(&[("examples/ex-duty.md", example)]);
    let out = built(dir.path());
    for file in ["step-4.html", "examples.html", "print.html"] {
        let html = read(out.join(file));
        assert!(
            html.contains("Calling the Testshire Duty Team"),
            "{file}: the example's title has its variable substituted"
        );
        assert!(!html.contains("{{"), "{file}: no raw braces left");
    }
    assert!(read(out.join("examples.html")).contains("How Testshire answers."));
    let typo = "---\nid: ex-duty\ntitle: \"Calling the {{ vars.team_nme }}\"\nattach: [step-4]\n---\nText.\n";
    let message = failed_build(&[("examples/ex-duty.md", typo)]);
    assert_points_at(&message, "examples/ex-duty.md", 3);
    assert!(message.contains("vars.team_name"), "{message}");
}

#[test]
fn a_new_authority_warns_about_its_placeholders_until_they_are_replaced() {
    let dir = copy_of_model();
    let root = dir.path();
    assert_ok(&handbook_in(
        root,
        &[
            "new-authority",
            "demo",
            "--name",
            "Demo Council",
            "--jurisdiction",
            "england",
        ],
    ));
    assert!(
        root.join("local-overrides/demo/templates/page.html")
            .is_file(),
        "a template example is made"
    );
    // It checks without errors, but what it made up is not yet real.
    assert_ok(&handbook_in(root, &["check"]));
    let run = handbook_in(root, &["check", "--deny-warnings"]);
    assert_fails(&run);
    let out = text(&run);
    let yaml_path = root.join("local-overrides/demo/authority.yaml");
    let yaml = read(&yaml_path);
    let line_of = |needle: &str| yaml.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (place, what) in [
        (
            format!(
                "local-overrides/demo/authority.yaml:{}:1",
                line_of("contacts:")
            ),
            "`contacts` is still the made-up value",
        ),
        (
            format!(
                "local-overrides/demo/authority.yaml:{}:3",
                line_of("contact_centre_phone:")
            ),
            "`contact_centre_phone` is still the made-up value",
        ),
        (
            format!(
                "local-overrides/demo/authority.yaml:{}:3",
                line_of("contact_email:")
            ),
            "`contact_email` is still the made-up value",
        ),
        (
            format!(
                "local-overrides/demo/authority.yaml:{}:3",
                line_of("email: handbook@")
            ),
            "`email` is still the made-up value",
        ),
        (
            "local-overrides/demo/overrides/step-1-local-contact.md:2:1".to_string(),
            "this override is still the made-up one",
        ),
        (
            "local-overrides/demo/examples/ex-first-example.md:2:1".to_string(),
            "this example is still the made-up one",
        ),
        (
            "local-overrides/demo/pages/local-contacts.md:2:1".to_string(),
            "this local page is still the made-up one",
        ),
    ] {
        assert!(
            out.contains(&format!("{place}: {what}")),
            "{place}: {what}\n{out}"
        );
    }
    assert!(out.contains("7 warnings"), "{out}");
    // Real values in, marks and made-up files out: nothing left to warn about.
    let real = yaml
        .replace("contacts:   # placeholder", "contacts:")
        .replace(
            "Adult social care contact centre",
            "Adult Social Care Front Door",
        )
        .replace("\"01632 960000\"   # placeholder", "\"01632 960123\"")
        .replace(
            "accessibility@council.example   # placeholder",
            "access@demo.example",
        )
        .replace(
            "handbook@council.example   # placeholder",
            "handbook@demo.example",
        );
    std::fs::write(&yaml_path, real).unwrap();
    for file in [
        "overrides/step-1-local-contact.md",
        "examples/ex-first-example.md",
        "pages/local-contacts.md",
    ] {
        std::fs::remove_file(root.join("local-overrides/demo").join(file)).unwrap();
    }
    let run = handbook_in(root, &["check", "--deny-warnings"]);
    assert_ok(&run);
    assert!(text(&run).contains("0 warnings"), "{}", text(&run));
}

#[test]
fn naming_an_authority_twice_builds_it_once() {
    let dir = testshire(&[]);
    let run = handbook_in(
        dir.path(),
        &[
            "build",
            "--authority",
            SLUG,
            "--authority",
            SLUG,
            "--out",
            "out",
        ],
    );
    assert_ok(&run);
    assert!(text(&run).contains("Built 1 edition "), "{}", text(&run));
}
