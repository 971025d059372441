//! Issue 14: text comes out exactly as written. Each test is one instance of
//! a kind of fault, tried as a new user would: a copy of the shipped root,
//! a small edit, the real binary, and what a reader or a policy lead sees
//! (the built HTML, the exit code, the message's place and words).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// A copy of the shipped root (model, theme and both authorities).
fn shipped() -> tempfile::TempDir {
    copy_of_shipped()
}

/// Appends text to a file of a root.
fn append(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    let mut old = std::fs::read_to_string(&path).unwrap();
    old.push_str(text);
    std::fs::write(path, old).unwrap();
}

/// Replaces text in a file of a root, which must contain it.
fn replace(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let old = std::fs::read_to_string(&path).unwrap();
    assert!(old.contains(from), "{relative} has no `{from}`");
    std::fs::write(path, old.replacen(from, to, 1)).unwrap();
}

/// Builds every edition of a root into `ROOT/out`.
fn build(root: &Path) -> Output {
    handbook_in(root, &["build", "--out", "out"])
}

/// Builds every edition, which must succeed, and returns the output folder.
fn built(root: &Path) -> PathBuf {
    let run = build(root);
    assert_ok(&run);
    root.join("out")
}

/// An override of Exampleshire's, written to `overrides/NAME.md`.
fn exampleshire_override(root: &Path, name: &str, target: &str, action: &str, body: &str) {
    let reason = if matches!(action, "replace" | "remove") {
        "reason: \"A local reason.\"\n"
    } else {
        ""
    };
    write(
        root,
        &format!("local-overrides/exampleshire/overrides/{name}.md"),
        &format!("---\ntarget: {target}\naction: {action}\n{reason}---\n{body}"),
    );
}

/// Adds variables to Exampleshire's `authority.yaml`.
fn exampleshire_variables(root: &Path, lines: &str) {
    replace(
        root,
        "local-overrides/exampleshire/authority.yaml",
        "variables:\n",
        &format!("variables:\n{lines}"),
    );
}

/// Panics unless `text` holds `part`, showing the text if not.
fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "expected `{part}` in:\n{text}");
}

/// Panics if `text` holds `part`.
fn assert_lacks(text: &str, part: &str) {
    assert!(!text.contains(part), "did not expect `{part}` in:\n{text}");
}

/// How many times `part` occurs in `text`.
fn count(text: &str, part: &str) -> usize {
    text.matches(part).count()
}

// ---------------------------------------------------------------------------
// Kind 1: a value is inserted as written, in every Markdown context.

const EMAIL_AND_WEB: &str = "  duty_email: \"adult_duty@exampleshire.example\"\n  care_web: \"https://exampleshire.example/adult_care/find_support\"\n";

/// Step 2 of Exampleshire's edition with `body` appended to its social-work-role section.
fn step_2_with_variables(body: &str) -> String {
    let root = shipped();
    exampleshire_variables(root.path(), EMAIL_AND_WEB);
    exampleshire_override(root.path(), "k", "step-2#social-work-role", "append", body);
    read(built(root.path()).join("exampleshire/step-2.html"))
}

#[test]
fn a_variable_in_an_autolink_makes_a_mail_link() {
    let html = step_2_with_variables("Email <{{ vars.duty_email }}>.\n");
    assert_has(
        &html,
        "<a href=\"mailto:adult_duty@exampleshire.example\">adult_duty@exampleshire.example</a>",
    );
    assert_lacks(&html, "&lt;adult");
    assert_lacks(&html, "adult\\_duty");
}

#[test]
fn a_variable_in_an_autolink_makes_a_web_link_without_backslashes() {
    let html = step_2_with_variables("See <{{ vars.care_web }}>.\n");
    assert_has(
        &html,
        "<a href=\"https://exampleshire.example/adult_care/find_support\">",
    );
    assert_lacks(&html, "%5C");
}

#[test]
fn a_variable_in_text_in_a_link_and_in_a_prefix_of_an_address_reads_as_written() {
    let html = step_2_with_variables(
        "Write to {{ vars.duty_email }}; [find support]({{ vars.care_web }}); <https://exampleshire.example/{{ vars.duty_email }}>.\n",
    );
    assert_has(&html, "Write to adult_duty@exampleshire.example;");
    assert_has(
        &html,
        "<a href=\"https://exampleshire.example/adult_care/find_support\">find support</a>",
    );
    assert_has(
        &html,
        "href=\"https://exampleshire.example/adult_duty@exampleshire.example\"",
    );
    assert_lacks(&html, "\\_");
}

#[test]
fn a_variable_in_raw_html_is_escaped_for_html_not_for_markdown() {
    let html = step_2_with_variables(
        "<p class=\"x\">Email <a href=\"mailto:{{ vars.duty_email }}\">{{ vars.duty_email }}</a></p>\n",
    );
    assert_has(
        &html,
        "href=\"mailto:adult_duty@exampleshire.example\">adult_duty@exampleshire.example</a>",
    );
    assert_lacks(&html, "adult\\_duty");
}

#[test]
fn a_variable_in_a_code_span_shows_no_backslash() {
    let html = step_2_with_variables("Type `{{ vars.duty_email }}` here.\n");
    assert_lacks(&html, "adult\\_duty");
    assert_has(&html, "<code>{{ vars.duty_email }}</code>");
}

// ---------------------------------------------------------------------------
// Kind 2: code is literal.

#[test]
fn variable_syntax_in_code_is_shown_as_written_in_every_edition() {
    let root = shipped();
    append(
        root.path(),
        "content/step-3.md",
        "\nWrite `{{ authority.name }}` or `={{1,2}}`.\n\n```\nTitle: {{ authority.name }}\n=SUM({{1,2}})\n```\n\n    indented {{ vars.nothing }}\n",
    );
    let out = built(root.path());
    for edition in ["model", "exampleshire", "kinloch-vale"] {
        let html = read(out.join(edition).join("step-3.html"));
        assert_has(&html, "<code>{{ authority.name }}</code>");
        assert_has(&html, "<code>={{1,2}}</code>");
        assert_has(&html, "Title: {{ authority.name }}\n=SUM({{1,2}})");
        assert_has(&html, "indented {{ vars.nothing }}");
    }
}

#[test]
fn a_backslash_shows_variable_syntax_as_written_in_prose_and_titles() {
    let root = shipped();
    append(
        root.path(),
        "content/step-3.md",
        "\nIn prose, \\{{ authority.name }} is the council's name.\n",
    );
    replace(
        root.path(),
        "content/step-3.md",
        "title: \"Step Three",
        "title: \"Step Three \\\\{{ x }}",
    );
    let run = build(root.path());
    assert_ok(&run);
    let html = read(root.path().join("out/exampleshire/step-3.html"));
    assert_has(&html, "In prose, {{ authority.name }} is the council");
    assert_has(&html, "Step Three {{ x }}");
    assert_lacks(&html, "\\{{");
}

#[test]
fn one_unknown_variable_in_prose_is_one_error_at_its_place() {
    let root = copy_of_model();
    append(
        root.path(),
        "content/step-3.md",
        "\nCall {{ vars.phone }} today.\n",
    );
    let line = read(root.path().join("content/step-3.md")).lines().count();
    let run = handbook_in(root.path(), &["check"]);
    assert_fails(&run);
    let all = text(&run);
    assert_eq!(count(&all, "names no variable"), 1, "{all}");
    assert_has(&all, &format!("content/step-3.md:{line}:6:"));
    assert_has(&all, "\\{{");
}

// ---------------------------------------------------------------------------
// Kind 3: sections come from the Markdown parser.

/// A root whose step 5 ends with an underlined (setext) section and a code
/// block of `#` lines.
fn setext_root() -> tempfile::TempDir {
    let root = shipped();
    append(
        root.path(),
        "content/step-5.md",
        "\nCarers' assessments {#carers}\n-----------------------------\n\nA carer can ask for an assessment.\n\nThe whole handbook {#whole}\n===\n\nTop level.\n\n```\n# not a section {#code-heading}\n```\n",
    );
    root
}

#[test]
fn prepending_to_an_underlined_section_keeps_its_heading() {
    let root = setext_root();
    exampleshire_override(
        root.path(),
        "carers",
        "step-5#carers",
        "prepend",
        "Ring the carers' line first.\n",
    );
    let html = read(built(root.path()).join("exampleshire/step-5.html"));
    assert_has(
        &html,
        "<h2 id=\"carers\">Carers' assessments</h2>\n<p>Ring the carers' line first.</p>\n<p>A carer can ask for an assessment.</p>",
    );
}

#[test]
fn every_action_on_an_underlined_section_keeps_headings_whole() {
    for action in [
        "append",
        "replace",
        "insert-before",
        "insert-after",
        "remove",
    ] {
        let root = setext_root();
        let body = if action == "remove" {
            String::new()
        } else if action == "replace" {
            "Carers' assessments {#carers}\n---\n\nLocal carers text.\n".to_string()
        } else {
            "Local carers text.\n".to_string()
        };
        exampleshire_override(root.path(), "carers", "step-5#carers", action, &body);
        let html = read(built(root.path()).join("exampleshire/step-5.html"));
        assert_lacks(&html, "<hr");
        assert_lacks(&html, "-----");
        assert_has(&html, "<h1 id=\"whole\">The whole handbook</h1>");
        if action != "remove" {
            assert_has(&html, "<h2 id=\"carers\">Carers' assessments</h2>");
            assert_has(&html, "Local carers text.");
        }
    }
}

#[test]
fn a_cross_reference_to_an_underlined_section_links_to_it() {
    let root = setext_root();
    exampleshire_override(
        root.path(),
        "carers",
        "step-5#carers",
        "prepend",
        "Ring first.\n",
    );
    append(
        root.path(),
        "content/step-4.md",
        "\nSee [[step-5#carers]].\n",
    );
    let out = built(root.path());
    for edition in ["model", "exampleshire"] {
        let html = read(out.join(edition).join("step-4.html"));
        assert_has(
            &html,
            "<a href=\"step-5.html#carers\">Carers' assessments</a>",
        );
    }
}

#[test]
fn hash_lines_in_a_code_block_are_not_sections() {
    let root = setext_root();
    exampleshire_override(
        root.path(),
        "code",
        "step-5#code-heading",
        "append",
        "No.\n",
    );
    let run = build(root.path());
    assert_fails(&run);
    assert_has(&text(&run), "has no section `code-heading`");
}

#[test]
fn the_glossary_definition_of_an_underlined_section_leaves_out_its_underline() {
    let root = copy_of_model();
    replace(
        root.path(),
        "content/terminology.md",
        "## Care management {#care-management}\n",
        "Care management {#care-management}\n---\n",
    );
    let glossary = read(built(root.path()).join("model/glossary.html"));
    assert_has(&glossary, "is a function, one of a set of tasks");
    assert_lacks(&glossary, "--- ");
}

// ---------------------------------------------------------------------------
// Kind 4: a section has one name, used everywhere.

#[test]
fn a_heading_with_a_cross_reference_has_one_name_everywhere() {
    let root = copy_of_model();
    append(
        root.path(),
        "content/step-5.md",
        "\n## Before you read [[step-3]] {#before}\n\nRead it.\n\n## The *whole* `plan` {#whole-plan}\n\nText.\n",
    );
    append(
        root.path(),
        "content/step-4.md",
        "\nSee [[step-5#before]] and [[step-5#whole-plan]].\n",
    );
    let out = built(root.path()).join("model");
    let name = "Before you read Step Three: Getting my plan agreed";
    let step_5 = read(out.join("step-5.html"));
    assert_has(&step_5, &format!("<a href=\"#before\">{name}</a>"));
    assert_has(&step_5, "<a href=\"#whole-plan\">The whole plan</a>");
    let step_4 = read(out.join("step-4.html"));
    assert_has(
        &step_4,
        &format!("<a href=\"step-5.html#before\">{name}</a>"),
    );
    assert_has(
        &step_4,
        "<a href=\"step-5.html#whole-plan\">The whole plan</a>",
    );
    assert_has(&visible_text(&read(out.join("a-z.html"))), name);
    assert_lacks(&read(out.join("a-z.html")), "Before you read step-3");
    assert_lacks(&read(out.join("print.html")), "Before you read step-3");
}

#[test]
fn a_heading_in_model_text_is_named_with_the_local_term() {
    let root = shipped();
    append(
        root.path(),
        "content/step-4.md",
        "\n## Managing the Individual Budget {#managing}\n\nText.\n",
    );
    let out = built(root.path());
    let html = read(out.join("exampleshire/step-4.html"));
    assert_has(
        &html,
        "<a href=\"#managing\">Managing the Personal Budget</a>",
    );
    assert_has(
        &visible_text(&read(out.join("exampleshire/a-z.html"))),
        "Managing the Personal Budget",
    );
}

// ---------------------------------------------------------------------------
// Kind 7: link syntax works inside tables.

const TABLE: &str = "\n| Step | Read |\n| --- | --- |\n| 3 | [[step-3|your text]] |\n| 3 again | [[step-3\\|your text]] |\n";

#[test]
fn a_cross_reference_with_its_own_text_works_in_a_table_cell() {
    let root = shipped();
    append(root.path(), "content/step-4.md", TABLE);
    let out = built(root.path());
    for edition in ["model", "exampleshire"] {
        let html = read(out.join(edition).join("step-4.html"));
        assert_eq!(
            count(&html, "<td><a href=\"step-3.html\">your text</a></td>"),
            2,
            "{html}"
        );
        assert_lacks(&html, "[[step-3");
    }
}

#[test]
fn a_broken_cross_reference_in_a_table_is_reported_at_its_place() {
    let root = copy_of_model();
    append(
        root.path(),
        "content/step-4.md",
        "\n| Step | Read |\n| --- | --- |\n| 3 | [[step-33|your text]] |\n",
    );
    let line = read(root.path().join("content/step-4.md")).lines().count();
    let run = handbook_in(root.path(), &["check"]);
    assert_fails(&run);
    let all = text(&run);
    assert_has(&all, &format!("content/step-4.md:{line}:7:"));
    assert_has(&all, "there is no page with the id `step-33`");
}

#[test]
fn a_table_row_with_more_cells_than_columns_warns() {
    let root = copy_of_model();
    append(
        root.path(),
        "content/step-4.md",
        "\n| Step | Read |\n| --- | --- |\n| 3 | a | lost text |\n",
    );
    let line = read(root.path().join("content/step-4.md")).lines().count();
    let run = handbook_in(root.path(), &["check"]);
    let all = text(&run);
    assert_has(&all, &format!("content/step-4.md:{line}:1:"));
    assert_has(&all, "3 cells but the table has 2 columns");
    assert_fails(&handbook_in(root.path(), &["check", "--deny-warnings"]));
}
