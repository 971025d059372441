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

/// A copy of the shipped root with `text` appended to its file `page`.
fn shipped_with(page: &str, text: &str) -> tempfile::TempDir {
    let root = shipped();
    append(root.path(), page, text);
    root
}

/// A copy of the shipped model and theme with `text` appended to its file `page`.
fn model_with(page: &str, text: &str) -> tempfile::TempDir {
    let root = copy_of_model();
    append(root.path(), page, text);
    root
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

/// A file of Exampleshire's folder under `local-overrides/`.
fn exampleshire_file(root: &tempfile::TempDir, name: &str) -> PathBuf {
    root.path().join("local-overrides/exampleshire").join(name)
}

/// A root whose underlined section `step-5#carers` (see [`setext_root`])
/// has `text` prepended by an override of Exampleshire's.
fn carers_prepended(text: &str) -> tempfile::TempDir {
    let root = setext_root();
    exampleshire_override(root.path(), "carers", "step-5#carers", "prepend", text);
    root
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

/// A variable's value in one Markdown context: what step 2 says, and what it
/// must hold and must not.
struct InContext {
    name: &'static str,
    says: &'static str,
    holds: &'static [&'static str],
    lacks: &'static [&'static str],
}

#[test]
#[rustfmt::skip] // a table: one case a line
fn a_variable_reads_as_written_in_every_markdown_context() {
    let cases = [
        InContext { name: "in an autolink, a mail link", says: "Email <{{ vars.duty_email }}>.\n", holds: &["<a href=\"mailto:adult_duty@exampleshire.example\">adult_duty@exampleshire.example</a>"], lacks: &["&lt;adult", "adult\\_duty"] },
        InContext { name: "in an autolink, a web link without backslashes", says: "See <{{ vars.care_web }}>.\n", holds: &["<a href=\"https://exampleshire.example/adult_care/find_support\">"], lacks: &["%5C"] },
        InContext { name: "in text, in a link and in a prefix of an address", says: "Write to {{ vars.duty_email }}; [find support]({{ vars.care_web }}); <https://exampleshire.example/{{ vars.duty_email }}>.\n", holds: &["Write to adult_duty@exampleshire.example;", "<a href=\"https://exampleshire.example/adult_care/find_support\">find support</a>", "href=\"https://exampleshire.example/adult_duty@exampleshire.example\""], lacks: &["\\_"] },
        InContext { name: "in raw HTML, escaped for HTML, not for Markdown", says: "<p class=\"x\">Email <a href=\"mailto:{{ vars.duty_email }}\">{{ vars.duty_email }}</a></p>\n", holds: &["href=\"mailto:adult_duty@exampleshire.example\">adult_duty@exampleshire.example</a>"], lacks: &["adult\\_duty"] },
        InContext { name: "in code, its value as written", says: "Type `{{ vars.duty_email }}` here.\n\n```\nTo: {{ vars.duty_email }}\nSee {{ vars.care_web }}\n```\n", holds: &["<code>adult_duty@exampleshire.example</code>", "To: adult_duty@exampleshire.example\nSee https://exampleshire.example/adult_care/find_support\n</code>"], lacks: &["adult\\_duty", "{{ vars.duty_email }}"] },
    ];
    each_case(&cases, |case| case.name, |case| {
        let html = step_2_with_variables(case.says);
        for part in case.holds {
            assert_has(&html, part);
        }
        for part in case.lacks {
            assert_lacks(&html, part);
        }
    });
}

// ---------------------------------------------------------------------------
// Kind 2: code can show the syntax it documents, and `\{{` is the escape.

/// Step 3 with `text` appended, built: the model's and Exampleshire's HTML.
fn step_3_in_model_and_exampleshire(text: &str) -> (String, String) {
    let root = shipped_with("content/step-3.md", text);
    let out = built(root.path());
    (
        read(out.join("model/step-3.html")),
        read(out.join("exampleshire/step-3.html")),
    )
}

#[test]
fn brace_syntax_in_code_builds_and_shows_as_written_in_the_model() {
    let root = model_with("content/step-3.md", "\nWrite `{{ authority.name }}` or `={{1,2}}`.\n\n```\nTitle: {{ authority.name }}\n=SUM({{1,2}})\n```\n\n    indented {{ vars.nothing }}\n");
    let check = handbook_in(root.path(), &["check"]);
    assert_ok(&check);
    assert_lacks(&text(&check), "names no variable");
    let html = read(built(root.path()).join("model/step-3.html"));
    assert_has(&html, "<code>{{ authority.name }}</code>");
    assert_has(&html, "<code>={{1,2}}</code>");
    assert_has(&html, "Title: {{ authority.name }}\n=SUM({{1,2}})");
    assert_has(&html, "indented {{ vars.nothing }}");
}

#[test]
fn in_code_a_variable_of_the_edition_is_its_value_and_other_braces_stay() {
    let (model, exampleshire) = step_3_in_model_and_exampleshire(
        "\nWrite `{{ authority.name }}`, `={{1,2}}` and `{{ vars.nothing }}`.\n",
    );
    assert_has(&model, "<code>{{ authority.name }}</code>");
    assert_has(&exampleshire, "<code>Exampleshire County Council</code>");
    for html in [&model, &exampleshire] {
        assert_has(html, "<code>={{1,2}}</code>");
        assert_has(html, "<code>{{ vars.nothing }}</code>");
    }
}

#[test]
fn a_backslash_shows_braces_as_written_in_code_and_html_in_every_edition() {
    let (model, exampleshire) = step_3_in_model_and_exampleshire(
        "\nWrite `\\{{ authority.name }}` to show the name.\n\n```\nHeader: \\{{ authority.name }}\n```\n\n<p class=\"x\">In HTML, \\{{ authority.name }}.</p>\n",
    );
    for html in [&model, &exampleshire] {
        assert_has(html, "<code>{{ authority.name }}</code>");
        assert_has(html, "Header: {{ authority.name }}\n");
        assert_has(html, "In HTML, {{ authority.name }}.");
        assert_lacks(html, "\\{{");
        assert_lacks(html, "Exampleshire County Council</code>");
    }
}

#[test]
fn a_backslash_shows_variable_syntax_as_written_in_prose_and_titles() {
    let root = shipped_with(
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

// ---------------------------------------------------------------------------
// Kind 3: sections come from the Markdown parser.

/// A root whose step 5 ends with an underlined (setext) section and a code
/// block of `#` lines.
fn setext_root() -> tempfile::TempDir {
    shipped_with(
        "content/step-5.md",
        "\nCarers' assessments {#carers}\n-----------------------------\n\nA carer can ask for an assessment.\n\nThe whole handbook {#whole}\n---\n\nNext section.\n\n```\n# not a section {#code-heading}\n```\n",
    )
}

#[test]
fn prepending_to_an_underlined_section_keeps_its_heading() {
    let root = carers_prepended("Ring the carers' line first.\n");
    let html = read(built(root.path()).join("exampleshire/step-5.html"));
    // The heading stays whole, the local text follows it, marked as the
    // council's, and the model's own text comes after.
    let heading = html.find("<h2 id=\"carers\">Carers' assessments</h2>");
    let after = &html[heading.unwrap_or(0)..];
    let marked = after
        .trim_start_matches(|c: char| c != '\n')
        .trim_start()
        .starts_with("<div class=\"hb-local\">");
    assert!(
        marked,
        "the local text is not marked where it stands:\n{html}"
    );
    let local = html.find("<p>Ring the carers' line first.</p>");
    let model = html.find("<p>A carer can ask for an assessment.</p>");
    assert!(
        heading.is_some() && heading < local && local < model,
        "{html}"
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
        assert_has(&html, "<h2 id=\"whole\">The whole handbook</h2>");
        if action != "remove" {
            assert_has(&html, "<h2 id=\"carers\">Carers' assessments</h2>");
            assert_has(&html, "Local carers text.");
        }
    }
}

#[test]
fn a_cross_reference_to_an_underlined_section_links_to_it() {
    let root = carers_prepended("Ring first.\n");
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
        "## Care management {#care-management .editorial}\n",
        "Care management {#care-management .editorial}\n---\n",
    );
    let glossary = read(built(root.path()).join("model/glossary.html"));
    assert_has(&glossary, "is a function, one of a set of tasks");
    assert_lacks(&glossary, "--- ");
}

// ---------------------------------------------------------------------------
// Kind 4: a section has one name, used everywhere.

#[test]
fn a_heading_with_a_cross_reference_has_one_name_everywhere() {
    let root = model_with("content/step-5.md", "\n## Before you read [[step-3]] {#before}\n\nRead it.\n\n## The *whole* `plan` {#whole-plan}\n\nText.\n");
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
    let root = shipped_with(
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
    let root = shipped_with("content/step-4.md", TABLE);
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

/// A fault written at the end of a model page, and how `check` reports it.
struct AtItsPlace {
    name: &'static str,
    page: &'static str,
    written: &'static str,
    /// The column of the fault on the page's last line.
    column: usize,
    /// What the report says, once.
    says: &'static str,
    /// A further word of the report, such as its hint.
    also: &'static str,
    /// Whether it is an error (`check` fails) or a warning (only
    /// `check --deny-warnings` fails).
    error: bool,
}

#[test]
#[rustfmt::skip] // a table: one case a line
fn a_fault_in_a_page_is_reported_once_at_its_line_and_column() {
    let cases = [
        AtItsPlace { name: "an unknown variable in prose", page: "content/step-3.md", written: "\nCall {{ vars.phone }} today.\n", column: 6, says: "names no variable", also: "\\{{", error: true },
        AtItsPlace { name: "a broken cross-reference in a table", page: "content/step-4.md", written: "\n| Step | Read |\n| --- | --- |\n| 3 | [[step-33|your text]] |\n", column: 7, says: "there is no page with the id `step-33`", also: "`step-3`", error: true },
        AtItsPlace { name: "a table row with more cells than columns", page: "content/step-4.md", written: "\n| Step | Read |\n| --- | --- |\n| 3 | a | lost text |\n", column: 1, says: "3 cells but the table has 2 columns", also: "warning", error: false },
        AtItsPlace { name: "a control character in a page", page: "content/step-3.md", written: "\nA bell \u{7} rings.\n", column: 8, says: "this file holds the invisible control character U+0007 (bell)", also: "error", error: true },
    ];
    each_case(&cases, |case| case.name, |case| {
        let root = copy_of_model();
        append(root.path(), case.page, case.written);
        let line = read(root.path().join(case.page)).lines().count();
        let run = handbook_in(root.path(), &["check"]);
        assert_eq!(run.status.success(), !case.error, "{}", text(&run));
        let all = text(&run);
        assert_has(&all, &format!("{}:{line}:{}:", case.page, case.column));
        assert_eq!(count(&all, case.says), 1, "{all}");
        assert_has(&all, case.also);
        assert_fails(&handbook_in(root.path(), &["check", "--deny-warnings"]));
    });
}

// ---------------------------------------------------------------------------
// Kind 8: nothing meant to stay private is published.

#[test]
fn an_html_comment_in_an_override_is_published_nowhere() {
    let root = shipped();
    let note = "Internal note: check with Jo before the panel meets";
    exampleshire_override(
        root.path(),
        "noted",
        "step-2#social-work-role",
        "replace",
        &format!("## The social work role {{#social-work-role}}\n\n<!-- {note} -->\n\nLocal text, with a note <!-- {note} inline --> in it.\n\n<!--\n{note} over\nlines\n-->\n\nShown: `<!-- in code -->`.\n"),
    );
    let out = built(root.path());
    for file in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if file.file_type().is_file() {
            let bytes = std::fs::read(file.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert_lacks(&text, "Internal note");
        }
    }
    let differences = read(out.join("exampleshire/differences.html"));
    assert_has(&differences, "Local text, with a note");
    assert_has(&differences, "in code");
    let diff = handbook_in(root.path(), &["diff", "exampleshire"]);
    assert_ok(&diff);
    assert_lacks(&text(&diff), "Internal note");
    assert_has(&text(&diff), "Local text, with a note");
}

// ---------------------------------------------------------------------------
// Kind 9: nothing is dropped silently.

#[test]
fn an_authority_folder_without_its_settings_is_an_error_naming_it() {
    let root = shipped();
    std::fs::remove_file(exampleshire_file(&root, "authority.yaml")).unwrap();
    let run = build(root.path());
    assert_fails(&run);
    let all = text(&run);
    assert_has(&all, "local-overrides/exampleshire/");
    assert_has(&all, "`exampleshire` has `overrides/`");
    assert_has(&all, "no `authority.yaml`");
    assert_has(&all, "add `local-overrides/exampleshire/authority.yaml`");
}

#[test]
fn a_misspelt_authority_settings_file_is_an_error_saying_how_to_name_it() {
    let root = shipped();
    let settings = exampleshire_file(&root, "authority.yaml");
    std::fs::rename(&settings, settings.with_extension("yml")).unwrap();
    for args in [
        &["build", "--out", "out"][..],
        &["check"],
        &["build", "--authority", "exampleshire", "--out", "one"],
    ] {
        let run = handbook_in(root.path(), args);
        assert_fails(&run);
        let all = text(&run);
        assert_has(
            &all,
            "`exampleshire` has `authority.yml` but no `authority.yaml`",
        );
        assert_has(&all, "rename `authority.yml` to `authority.yaml`");
    }
}

#[test]
fn an_empty_folder_under_local_overrides_is_a_warning() {
    let root = shipped();
    std::fs::create_dir_all(root.path().join("local-overrides/new-council")).unwrap();
    let run = handbook_in(root.path(), &["check"]);
    assert_ok(&run);
    assert_has(
        &text(&run),
        "`new-council` under `local-overrides/` has no `authority.yaml`",
    );
    assert_fails(&handbook_in(root.path(), &["check", "--deny-warnings"]));
}

// ---------------------------------------------------------------------------
// Kind 13: dates are dates.

/// `check` on a root where `file` has `from` replaced by `to`: the output.
fn check_with(file: &str, from: &str, to: &str) -> String {
    let root = shipped();
    replace(root.path(), file, from, to);
    let run = handbook_in(root.path(), &["check"]);
    assert_fails(&run);
    text(&run)
}

const PANEL_PAGE: &str = "local-overrides/exampleshire/pages/resource-allocation-panel.md";
const DATE_ONLY: &str = "a date here is a date only, written YYYY-MM-DD, with no time or time zone";

#[test]
fn a_date_with_a_time_is_refused_in_either_form_with_the_same_words() {
    for with_time in [
        "2026-10-01 09:00",
        "2026-10-01T09:00:00Z",
        "\"2026-10-01T09:00\"",
    ] {
        let all = check_with(
            PANEL_PAGE,
            "last_reviewed: 2026-11-02",
            &format!("last_reviewed: {with_time}"),
        );
        assert_has(&all, &format!("{PANEL_PAGE}:9:16: {DATE_ONLY}"));
        assert_has(&all, "write `2026-10-01`");
    }
}

#[test]
fn a_date_with_a_one_digit_day_gets_a_hint_about_dates() {
    let all = check_with(
        PANEL_PAGE,
        "last_reviewed: 2026-11-02",
        "last_reviewed: 2026-10-1",
    );
    assert_has(
        &all,
        &format!("{PANEL_PAGE}:9:16: `2026-10-1` is not a date written YYYY-MM-DD"),
    );
    assert_has(&all, "`2026-10-01`");
    assert_lacks(&all, "indentation");
}

#[test]
fn every_date_setting_takes_a_date_only() {
    let yaml = "local-overrides/exampleshire/authority.yaml";
    for (file, from, to) in [
        (
            PANEL_PAGE,
            "  - date: 2026-06-15",
            "  - date: 2026-06-15 10:00",
        ),
        (
            yaml,
            "statement_date: 2026-11-01",
            "statement_date: 2026-11-01T10:00:00Z",
        ),
        (
            yaml,
            "last_tested: 2026-11-01",
            "last_tested: 2026-11-01 10:00",
        ),
        (
            "content/handbook.yaml",
            "date: 2009-10-08",
            "date: 2009-10-08 10:00",
        ),
        (
            "content/step-3.md",
            "weight:",
            "review_by: 2027-01-01 12:00\nweight:",
        ),
    ] {
        let all = check_with(file, from, to);
        assert_has(&all, file);
        assert_has(&all, DATE_ONLY);
    }
}

// ---------------------------------------------------------------------------
// Kind 14: a mistake in YAML is reported where it was made, in plain words.

const FIRST_CONTACT: &str = "local-overrides/exampleshire/overrides/step-1-local-first-contact.md";

#[test]
fn an_unclosed_quote_in_front_matter_is_reported_where_it_opened() {
    let all = check_with(
        FIRST_CONTACT,
        "action: insert-after\n",
        "action: insert-after\nreason: \"Exampleshire has a contact centre.\n",
    );
    assert_has(
        &all,
        &format!("{FIRST_CONTACT}:4:9: this double quote (`\"`) is never closed"),
    );
    assert_lacks(&all, "indentation");
    let all = check_with(
        FIRST_CONTACT,
        "action: insert-after\n",
        "action: insert-after\nreason: 'Exampleshire has a contact centre.\n",
    );
    assert_has(
        &all,
        &format!("{FIRST_CONTACT}:4:9: this single quote (`'`) is never closed"),
    );
}

#[test]
fn a_mistake_in_authority_yaml_is_reported_at_its_line_and_column() {
    let yaml = "local-overrides/exampleshire/authority.yaml";
    let phone = "phone: \"01632 960400\"";
    let line = read(repo().join(yaml))
        .lines()
        .position(|l| l.contains(phone))
        .unwrap()
        + 1;
    // (case, the line as written, where and what is said, and a further word)
    let cases = [
        (
            "an unclosed quote",
            "    phone: \"01632 960400",
            "12: this double quote (`\"`) is never closed",
            "help:",
        ),
        (
            "a tab that indents",
            "  \tphone: \"01632 960400\"",
            "3: a tab is used to indent this line",
            "use spaces, not a tab, to indent",
        ),
    ];
    each_case(
        &cases,
        |case| case.0,
        |(_, written, said, also)| {
            let all = check_with(yaml, &format!("    {phone}"), written);
            assert_has(&all, &format!("{yaml}:{line}:{said}"));
            assert_has(&all, also);
        },
    );
}

#[test]
fn other_yaml_mistakes_are_named_at_their_line() {
    let cases = [
        ("reason: [a, b\n", "4:9: this `[` is never closed"),
        ("reason: { a: b\n", "4:9: this `{` is never closed"),
        (
            "reason Exampleshire has its own\n",
            "4:1: this line is not a setting: there is no `:` after its name",
        ),
        ("target: step-2\n", "4:1: `target` is set twice"),
    ];
    for (line, wanted) in cases {
        let all = check_with(
            FIRST_CONTACT,
            "action: insert-after\n",
            &format!("action: insert-after\n{line}"),
        );
        assert_has(&all, &format!("{FIRST_CONTACT}:{wanted}"));
    }
}

/// The mistakes the newcomer review of 7 December 2026 still found in the
/// YAML library's words (issue 33), each named at its line with the fix.
#[test]
fn the_yaml_mistakes_still_in_parser_words_are_put_plainly_with_the_fix() {
    let yaml = "local-overrides/exampleshire/authority.yaml";
    let example = "local-overrides/exampleshire/examples/ex-challenging-a-plan.md";
    let panel = "  panel_email: \"rap@exampleshire.example\"";
    let panel_line = read(repo().join(yaml))
        .lines()
        .position(|l| l == panel)
        .unwrap()
        + 1;
    // (case, file, the text changed, as written, where and what is said, the fix)
    let cases = [
        (
            "a quote missing inside `{ … }`",
            yaml,
            "terms:\n  \"Individual Budget\": \"Personal Budget\"\n  \"Individual Budgets\": \"Personal Budgets\"\n",
            "terms: { \"Individual Budget: \"Personal Budget\" }\n",
            "the quoted text `Individual Budget` is never closed: there is no `\"` before this `:`".to_string(),
            "so that the line reads `terms: { \"Individual Budget\": \"Personal Budget\" }`",
        ),
        (
            "a missing colon one level down",
            yaml,
            panel,
            "  panel_email \"rap@exampleshire.example\"",
            format!("{panel_line}:3: this line is not a setting: there is no `:` after its name"),
            "write it `panel_email: \"rap@exampleshire.example\"`",
        ),
        (
            "`attach:` not written as a list",
            example,
            "attach: [step-3]",
            "attach: step-3",
            "4:9: `attach` takes a list, but is given a single value here".to_string(),
            "such as `attach: [step-3]`",
        ),
    ];
    each_case(
        &cases,
        |case| case.0,
        |(_, file, from, to, said, fix)| {
            let all = check_with(file, from, to);
            assert_has(&all, &format!("{file}:"));
            assert_has(&all, said);
            assert_has(&all, fix);
            assert_lacks(&all, "cannot be read");
        },
    );
}

#[test]
fn quoted_text_over_several_lines_is_still_fine() {
    let root = shipped();
    replace(
        root.path(),
        FIRST_CONTACT,
        "action: insert-after\n",
        "action: insert-after\nreason: \"Exampleshire has\n  a contact centre.\"\n",
    );
    assert_ok(&handbook_in(root.path(), &["check"]));
}

// ---------------------------------------------------------------------------
// Kind 15: a local term never changes what a definition says.

#[test]
fn a_local_term_leaves_the_models_definitions_as_written_and_check_warns() {
    let root = shipped();
    std::fs::remove_file(exampleshire_file(&root, "overrides/terminology-citizen.md")).unwrap();
    let run = handbook_in(root.path(), &["check"]);
    let all = text(&run);
    let settings = read(
        root.path()
            .join("local-overrides/exampleshire/authority.yaml"),
    );
    let line = 1 + settings
        .lines()
        .position(|l| l.trim_start().starts_with("\"Individual Budget\":"))
        .expect("Exampleshire's local term");
    assert_has(
        &all,
        &format!("local-overrides/exampleshire/authority.yaml:{line}:3: with the local terms, the model's “Individual Budget Holder” reads “Personal Budget Holder”, the same as “Personal Budget Holder”"),
    );
    assert_fails(&handbook_in(root.path(), &["check", "--deny-warnings"]));
    let out = built(root.path());
    let page = visible_text(&read(out.join("exampleshire/terminology.html")));
    assert_has(
        &page,
        "are Personal Budget Holders ; they are Individual Budget Holders if they receive",
    );
    let glossary = visible_text(&read(out.join("exampleshire/glossary.html")));
    assert_has(&glossary, "they are Individual Budget Holders if");
    // Elsewhere, model text still shows the local term.
    assert_has(
        &read(out.join("exampleshire/step-4.html")),
        "Personal Budget",
    );
}

#[test]
fn the_shipped_authority_which_rewrites_the_definition_gets_no_warning() {
    let run = handbook(&["check"]);
    assert_ok(&run);
    assert_lacks(&text(&run), "reads “Personal Budget Holder”");
}

// ---------------------------------------------------------------------------
// Kind 11: files editors and operating systems leave beside sources are
// ignored everywhere.

/// What editors and systems leave beside `step-1.md`, by name, with what
/// each holds (`None`: a symbolic link to nowhere, as Emacs's lock files are).
const LEFTOVERS: &[(&str, Option<&str>)] = &[
    (".#step-1.md", None),
    (
        "step-1.md~",
        Some("---\nid: backup\n---\nOld text {{ x }} [[nowhere]]\n"),
    ),
    (".step-1.md.swp", Some("b0VIM 8.2\u{1}\u{2}")),
    ("#step-1.md#", Some("---\nid: autosave\n---\n[[nowhere]]\n")),
    ("4913", Some("")),
    (".DS_Store", Some("\u{0}\u{0}\u{0}\u{1}Bud1")),
    ("Thumbs.db", Some("\u{0}\u{1}")),
    ("desktop.ini", Some("[.ShellClassInfo]\r\n")),
];

/// Puts every leftover in `folder` of `root`.
fn leave_leftovers(root: &Path, folder: &str) {
    let dir = root.join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in LEFTOVERS {
        let path = dir.join(name);
        match content {
            Some(text) => std::fs::write(&path, text).unwrap(),
            None => {
                std::os::unix::fs::symlink("someone@host.12345:1700000000", &path).unwrap();
            }
        }
    }
}

#[test]
fn leftover_files_beside_sources_are_ignored_by_build_and_check() {
    let folders = [
        "content",
        "local-overrides/exampleshire/overrides",
        "local-overrides/exampleshire/examples",
        "local-overrides/exampleshire/pages",
        "themes/default/static",
        "themes/default/templates",
        "local-overrides/exampleshire/templates",
        "local-overrides/exampleshire/static",
    ];
    for folder in folders {
        let root = shipped();
        leave_leftovers(root.path(), folder);
        let check = handbook_in(root.path(), &["check"]);
        assert_ok(&check);
        assert_has(&text(&check), ": 0 errors, 0 warnings,");
        let out = built(root.path());
        for file in walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
        {
            let name = file.file_name().to_string_lossy().into_owned();
            assert!(
                !LEFTOVERS.iter().any(|(leftover, _)| name == *leftover),
                "{folder}: `{name}` was published at {}",
                file.path().display()
            );
        }
    }
}

#[test]
fn leftover_files_saved_during_serve_never_break_the_preview() {
    let root = small_root();
    let server = start(root.path(), &[]);
    assert_eq!(get(&server, "/visits.html").0, 200);
    leave_leftovers(root.path(), "content");
    replace(
        root.path(),
        "content/visits.md",
        "a good week",
        "a good day",
    );
    let body = served(&server, "/visits.html", |b| b.contains("a good day"));
    assert_has(&body, "a good day");
    assert_lacks(&body, "hb-build-error");
    assert_eq!(get(&server, "/.DS_Store").0, 404);
}

// ---------------------------------------------------------------------------
// Kind 10: every diagnostic points at the source.

/// A model page whose line 8 shows an image the edition does not have.
const CASE_PAGE: &str = "---\nid: zz-case\ntitle: A case\nweight: 99\n---\n## How a plan goes to panel {#panel}\n\n![How a plan goes to panel](assets/panel-flow.png)\n";

/// `check --format json` of a root: its errors as (file, line, column, message, hint).
fn json_errors(root: &Path) -> Vec<(String, u64, u64, String, String)> {
    let run = handbook_in(root, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&run)));
    let list = json.get("diagnostics").unwrap_or(&json);
    list.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or("").to_string(),
                d["hint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_missing_image_is_one_error_at_its_line_with_a_hint_about_images() {
    let root = shipped();
    write(root.path(), "content/zz-case.md", CASE_PAGE);
    let errors = json_errors(root.path());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (file, line, column, message, hint) = &errors[0];
    assert_eq!(
        (file.as_str(), *line, *column),
        ("content/zz-case.md", 8, 1)
    );
    assert_has(message, "`assets/panel-flow.png`");
    assert_has(hint, "static/");
    assert_has(hint, "published under `assets/`");
    assert_lacks(hint, "[[step-3]]");
    let human = text(&handbook_in(root.path(), &["check"]));
    assert_has(&human, "content/zz-case.md:8:1: there is no image");
    assert_lacks(&human, "a link on");
    assert_lacks(&human, "print.html`");
    assert_lacks(&human, "zz-case.html");
}

#[test]
fn addresses_in_raw_html_links_and_fragments_are_reported_where_written() {
    let root = copy_of_model();
    write(
        root.path(),
        "content/zz-case.md",
        "---\nid: zz-case\ntitle: A case\nweight: 99\n---\nText.\n\n<p>A chart: <img src=\"assets/chart.png\" alt=\"Chart\"></p>\n\n[The form](files/form.pdf) and [the checklist](step-3.html#nope).\n\n![Logo](assets/handbook.cs)\n",
    );
    let errors = json_errors(root.path());
    let places: Vec<(u64, u64)> = errors.iter().map(|e| (e.1, e.2)).collect();
    assert_eq!(
        places,
        vec![(8, 23), (10, 1), (10, 32), (12, 1)],
        "{errors:#?}"
    );
    assert!(errors.iter().all(|e| e.0 == "content/zz-case.md"));
    assert_has(&errors[0].3, "no image `assets/chart.png`");
    assert_has(
        &errors[1].3,
        "`files/form.pdf`, which is not in this edition",
    );
    assert_has(&errors[2].3, "`#nope`, which is not an id on `step-3.html`");
    assert_has(&errors[3].4, "did you mean `assets/handbook.css`?");
}

#[test]
fn a_broken_link_in_a_template_is_one_error_per_edition_naming_its_pages() {
    let root = copy_of_model();
    replace(
        root.path(),
        "themes/default/templates/base.html",
        "<li><a href=\"credits.html\">{{ t.credits_link }}</a></li>",
        "<li><a href=\"credits.html\">{{ t.credits_link }}</a></li><li><a href=\"licence.html\">Licence</a></li>",
    );
    let errors = json_errors(root.path());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_has(&errors[0].3, "a link on ");
    assert_has(&errors[0].3, "pages of `model`");
    assert_has(
        &errors[0].3,
        "to `licence.html` points to `licence.html`, which is not in the edition",
    );
    assert_has(&errors[0].4, "template");
}

// ---------------------------------------------------------------------------
// Kind 17: every problem at once, across stages.

#[test]
fn an_unknown_cross_reference_and_a_missing_image_are_both_reported_in_one_run() {
    let root = shipped();
    write(root.path(), "content/zz-case.md", CASE_PAGE);
    append(
        root.path(),
        "content/step-4.md",
        "\nSee [[step-33]] and [the plan](step-34).\n",
    );
    let line = read(root.path().join("content/step-4.md")).lines().count() as u64;
    let errors = json_errors(root.path());
    let places: Vec<(&str, u64, u64)> = errors.iter().map(|e| (e.0.as_str(), e.1, e.2)).collect();
    assert_eq!(
        places,
        vec![
            ("content/step-4.md", line, 5),
            ("content/step-4.md", line, 21),
            ("content/zz-case.md", 8, 1),
        ],
        "{errors:#?}"
    );
    let run = build(root.path());
    assert_fails(&run);
    let all = text(&run);
    assert_eq!(
        count(&all, "there is no page with the id `step-33`"),
        1,
        "{all}"
    );
    assert_eq!(count(&all, "there is no image"), 1, "{all}");
    assert!(!root.path().join("out").exists());
}

#[test]
fn a_problem_in_an_example_is_reported_in_that_examples_file() {
    let root = shipped();
    for (name, body) in [
        ("ex-aa-first", "A first example, with no links.\n"),
        ("ex-ab-second", "A second example.\n\nSee [[step-33]].\n"),
    ] {
        write(
            root.path(),
            &format!("local-overrides/exampleshire/examples/{name}.md"),
            &format!("---\nid: {name}\ntitle: \"{name}\"\nattach: [step-7]\n---\n{body}"),
        );
    }
    let errors = json_errors(root.path());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1, errors[0].2),
        (
            "local-overrides/exampleshire/examples/ex-ab-second.md",
            8,
            5
        )
    );
}

// ---------------------------------------------------------------------------
// Kind 6: everything emitted is valid for its format and for the page's own
// security policy.

/// Every XML file of a built output, each parsed as XML 1.0.
fn assert_xml_well_formed(out: &Path) {
    let mut seen = 0;
    for file in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if file.path().extension().is_some_and(|x| x == "xml") {
            let xml = read(file.path());
            if let Err(e) = roxmltree::Document::parse(&xml) {
                panic!("{} is not well-formed XML: {e}", file.path().display());
            }
            seen += 1;
        }
    }
    assert!(seen > 0, "no XML file under {}", out.display());
}

#[test]
fn a_control_character_escaped_in_yaml_is_refused_where_it_is_written() {
    for (file, from, to, place, shown) in [
        (
            "content/step-3.md",
            "title: \"Step Three: Getting",
            "title: \"Step Three:\\x10 Getting",
            "content/step-3.md:3:20:",
            "`\\x10` here is the invisible control character U+0010",
        ),
        (
            PANEL_PAGE,
            "note: \"First published.\"",
            "note: \"First\\u000b published.\"",
            &format!("{PANEL_PAGE}:13:17:"),
            "`\\u000b` here is the invisible control character U+000B (vertical tab)",
        ),
        (
            "local-overrides/exampleshire/authority.yaml",
            "name: Exampleshire County Council",
            "name: \"Exampleshire\\a County Council\"",
            "local-overrides/exampleshire/authority.yaml:",
            "`\\a` here is the invisible control character U+0007 (bell)",
        ),
    ] {
        let root = shipped();
        replace(root.path(), file, from, to);
        let check = handbook_in(root.path(), &["check"]);
        assert_fails(&check);
        let all = text(&check);
        assert_has(&all, place);
        assert_has(&all, shown);
        assert_fails(&build(root.path()));
    }
}

#[test]
fn backslashes_that_are_not_control_characters_are_fine() {
    let root = shipped();
    replace(
        root.path(),
        PANEL_PAGE,
        "note: \"First published.\"",
        "note: \"First published: C:\\\\x10, a tab\\there and a line\\nbreak.\"",
    );
    replace(
        root.path(),
        "content/step-3.md",
        "title: \"Step Three: Getting",
        "title: Step Three \\x10 'Getting",
    );
    replace(
        root.path(),
        "content/step-3.md",
        "'Getting my plan agreed\"",
        "'Getting my plan agreed'",
    );
    let out = built(root.path());
    assert_has(&read(out.join("model/step-3.html")), "Step Three \\x10");
    assert_xml_well_formed(&out);
}

#[test]
fn a_character_reference_to_a_control_character_is_left_out_with_a_warning() {
    let root = model_with(
        "content/step-3.md",
        "\n## Paying &#16;money {#paying}\n\nA &#11;tab and &#x85;more.\n",
    );
    let run = handbook_in(root.path(), &["check"]);
    assert_ok(&run);
    let all = text(&run);
    assert_has(&all, "stands for the invisible control character U+0010");
    assert_has(&all, "stands for the invisible control character U+000B");
    let out = built(root.path());
    for file in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if file
            .path()
            .extension()
            .is_some_and(|x| x == "html" || x == "xml")
        {
            let text = read(file.path());
            assert!(
                !text
                    .chars()
                    .any(|c| matches!(c, '\u{10}' | '\u{b}' | '\u{85}')),
                "{} holds a control character",
                file.path().display()
            );
        }
    }
    assert_has(&read(out.join("model/step-3.html")), ">Paying money</a>");
    assert_xml_well_formed(&out);
}

#[test]
fn table_alignment_is_a_class_not_a_style_the_policy_blocks() {
    let root = shipped_with("content/step-4.md", "\n| Item | Cost | Note |\n| :--- | ---: | :-: |\n| Gym | £20.00 | weekly |\n\n<table><tr><td style=\"text-align: right\">1</td></tr></table>\n");
    let out = built(root.path());
    for edition in ["model", "exampleshire"] {
        let html = read(out.join(edition).join("step-4.html"));
        assert_has(&html, "<th class=\"align-left\">Item</th><th class=\"align-right\">Cost</th><th class=\"align-center\">Note</th>");
        assert_has(&html, "<td class=\"align-right\">£20.00</td>");
        assert_lacks(&html, "style=");
        assert_lacks(&read(out.join(edition).join("print.html")), "style=");
    }
    let css = read(out.join("model/assets/handbook.css"));
    assert_has(&css, ".align-right {\n  text-align: right;");
}

#[test]
fn the_a_to_z_letters_are_headings_one_level_below_the_heading_above_them() {
    let out = shipped_build();
    for edition in ["model", "exampleshire", "kinloch-vale", "cwm-derwen"] {
        let a_to_z = read(out.join(edition).join("a-z.html"));
        assert_has(&a_to_z, "<h2 id=\"letter-1\" class=\"a-z__letter\">");
        assert_lacks(&a_to_z, "<h3");
        let search = read(out.join(edition).join("search.html"));
        assert_has(&search, "<h2 id=\"hb-a-z\">");
        assert_has(&search, "<h3 id=\"letter-1\" class=\"a-z__letter\">");
    }
}

// ---------------------------------------------------------------------------
// Kind 5: local text never changes what model text says (footnotes).

#[test]
fn footnotes_keep_their_own_numbers_on_the_page_and_in_print() {
    let out = shipped_build();
    let step_3 = read(out.join("model/step-3.html"));
    assert_has(&step_3, "<a href=\"#fn-2\">2</a></sup>");
    assert_has(
        &step_3,
        "id=\"fn-2\"><sup class=\"footnote-definition-label\">2</sup>",
    );
    let print = read(out.join("model/print.html"));
    assert_has(&print, "<a href=\"#about--fn-1\">1</a></sup>");
    assert_has(&print, "<a href=\"#step-3--fn-2\">2</a></sup>");
    assert_has(
        &print,
        "id=\"step-3--fn-2\"><sup class=\"footnote-definition-label\">2</sup>",
    );
}

/// Exampleshire's step 3 with an override appending a footnote `[^2]` of
/// its own to the section whose model text cites the Care Quality
/// Commission in its footnote 2: the root, and the built page.
fn override_with_footnote_2() -> (tempfile::TempDir, String) {
    let root = shipped();
    exampleshire_override(
        root.path(),
        "k",
        "step-3#social-work-role",
        "append",
        "Our panel guidance says more.[^2]\n\n[^2]: Exampleshire County Council, *Panel guidance*, 2026.\n",
    );
    let html = read(built(root.path()).join("exampleshire/step-3.html"));
    (root, html)
}

#[test]
fn an_overrides_footnote_keeps_its_own_identity_beside_the_models() {
    let (root, html) = override_with_footnote_2();
    assert_eq!(count(&html, "id=\"fn-2\""), 1, "{html}");
    assert_eq!(count(&html, "id=\"override-k--fn-2\""), 1, "{html}");
    // The model's reference still cites the model's note; the council's, its own.
    assert_has(
        &html,
        "set out by the Care Quality Commission.<sup class=\"footnote-reference\"><a href=\"#fn-2\">2</a></sup>",
    );
    assert_has(
        &html,
        "Our panel guidance says more.<sup class=\"footnote-reference\"><a href=\"#override-k--fn-2\">2</a></sup>",
    );
    let model_note = &html[html.find("id=\"fn-2\"").unwrap()..];
    assert!(model_note[..400].contains("CQC website"), "{model_note}");
    let local_note = &html[html.find("id=\"override-k--fn-2\"").unwrap()..];
    assert!(local_note[..300].contains("Panel guidance"), "{local_note}");
    let print = read(root.path().join("out/exampleshire/print.html"));
    assert_eq!(count(&print, "id=\"step-3--fn-2\""), 1);
    assert_eq!(count(&print, "id=\"step-3--override-k--fn-2\""), 1);
}

#[test]
fn check_warns_where_an_overrides_footnote_takes_a_number_the_model_uses() {
    let (root, _) = override_with_footnote_2();
    let run = handbook_in(root.path(), &["check"]);
    assert_ok(&run);
    let all = text(&run);
    assert_has(
        &all,
        "local-overrides/exampleshire/overrides/k.md:7:1: the model's text on this page already has a footnote `[^2]`",
    );
    assert_has(&all, "such as `[^3]`");
    assert_fails(&handbook_in(root.path(), &["check", "--deny-warnings"]));
}

#[test]
fn an_examples_footnotes_are_its_own() {
    let root = shipped();
    write(
        root.path(),
        "local-overrides/exampleshire/examples/ex-footnoted.md",
        "---\nid: ex-footnoted\ntitle: \"A footnoted example\"\nattach: [step-3]\n---\nA panel met.[^2]\n\n[^2]: The panel's minutes.\n",
    );
    let html = read(built(root.path()).join("exampleshire/step-3.html"));
    assert_eq!(count(&html, "id=\"fn-2\""), 1, "{html}");
    assert_has(
        &html,
        "A panel met.<sup class=\"footnote-reference\"><a href=\"#ex-footnoted--fn-2\">2</a></sup>",
    );
    assert_eq!(count(&html, "id=\"ex-footnoted--fn-2\""), 1);
}

// ---------------------------------------------------------------------------
// Kind 12: a page works at any address.

/// A copy of the shipped root where the model's `handbook.yaml` and
/// Exampleshire's `authority.yaml` give published addresses.
fn addressed() -> tempfile::TempDir {
    let root = shipped_with(
        "content/handbook.yaml",
        "address: https://intranet.example/guidance\n",
    );
    append(
        root.path(),
        "local-overrides/exampleshire/authority.yaml",
        "address: https://intranet.exampleshire.example/handbook/\n",
    );
    root
}

#[test]
fn with_a_published_address_the_sitemap_holds_absolute_locations() {
    let root = addressed();
    let out = built(root.path());
    let model = read(out.join("model/sitemap.xml"));
    assert_has(
        &model,
        "<loc>https://intranet.example/guidance/step-3.html</loc>",
    );
    assert_has(
        &model,
        "<loc>https://intranet.example/guidance/index.html</loc>",
    );
    assert_lacks(&model, "<loc>step-");
    let exampleshire = read(out.join("exampleshire/sitemap.xml"));
    assert_has(
        &exampleshire,
        "<loc>https://intranet.exampleshire.example/handbook/resource-allocation-panel.html</loc>",
    );
    assert!(!out.join("kinloch-vale/sitemap.xml").exists());
    assert_xml_well_formed(&out);
}

#[test]
fn with_a_published_address_the_404_page_works_from_any_folder() {
    let root = addressed();
    let out = built(root.path());
    let page = read(out.join("model/404.html"));
    let base = "https://intranet.example/guidance/";
    assert_has(
        &page,
        &format!("<link rel=\"stylesheet\" href=\"{base}assets/handbook.css\">"),
    );
    assert_has(
        &page,
        &format!("<script src=\"{base}assets/handbook.js\" defer></script>"),
    );
    assert_has(
        &page,
        &format!("<a href=\"{base}index.html\">go to the start of the handbook</a>"),
    );
    assert_has(&page, &format!("action=\"{base}search.html\""));
    assert_has(&page, "href=\"#main\"");
    // Every link and file the page uses is under the address.
    for attribute in ["href=\"", "src=\"", "action=\""] {
        for (at, _) in page.match_indices(attribute) {
            let value = &page[at + attribute.len()..];
            let value = &value[..value.find('"').unwrap()];
            assert!(
                value.starts_with(base) || value.starts_with('#') || value.starts_with("data:"),
                "404.html uses `{value}`"
            );
        }
    }
    // Other pages keep relative links.
    assert_has(
        &read(out.join("model/step-3.html")),
        "href=\"assets/handbook.css\"",
    );
    assert_has(
        &read(out.join("exampleshire/404.html")),
        "href=\"https://intranet.exampleshire.example/handbook/assets/handbook.css\"",
    );
}

#[test]
fn without_a_published_address_there_is_no_sitemap_and_check_says_so() {
    let root = shipped();
    let check = handbook_in(root.path(), &["check"]);
    assert_ok(&check);
    let all = text(&check);
    assert_has(
        &all,
        "content/handbook.yaml: the `model` edition has no published address, so it has no sitemap",
    );
    assert_has(&all, "local-overrides/kinloch-vale/authority.yaml: the `kinloch-vale` edition has no published address");
    assert_ok(&handbook_in(root.path(), &["check", "--deny-warnings"]));
    let out = built(root.path());
    for file in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        assert_ne!(file.file_name(), "sitemap.xml");
        if file
            .path()
            .extension()
            .is_some_and(|x| x == "html" || x == "xml")
        {
            assert_lacks(&read(file.path()), "sitemap");
        }
    }
    let page = read(out.join("model/404.html"));
    assert_has(&page, "href=\"index.html\"");
    assert_has(&page, "from your intranet's link to it");
}

#[test]
fn a_published_address_that_is_not_an_absolute_web_address_is_refused_at_its_line() {
    for (address, why) in [
        (
            "intranet.example/guidance/",
            "it must start with `https://` (or `http://`)",
        ),
        (
            "ftp://intranet.example/",
            "it must start with `https://` (or `http://`)",
        ),
        (
            "https://intranet.example/guidance/index.html",
            "it must be the address of the folder the home page is in, not of a page",
        ),
    ] {
        let root = shipped();
        append(
            root.path(),
            "local-overrides/exampleshire/authority.yaml",
            &format!("address: {address}\n"),
        );
        let line = read(
            root.path()
                .join("local-overrides/exampleshire/authority.yaml"),
        )
        .lines()
        .count();
        let errors = json_errors(root.path());
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let (file, at_line, column, message, hint) = &errors[0];
        assert_eq!(
            (file.as_str(), *at_line, *column),
            (
                "local-overrides/exampleshire/authority.yaml",
                line as u64,
                1
            )
        );
        assert_eq!(
            message,
            &format!("`{address}` is not an address the edition can be published at: {why}")
        );
        assert_has(hint, "address: https://intranet.example/guidance/");
    }
}

#[test]
fn the_preview_shows_a_styled_404_page_for_a_missing_page_in_any_folder() {
    let root = addressed();
    let server = start(root.path(), &[]);
    let (status, body) = get(&server, "/old/guidance/step-3.html");
    assert_eq!(status, 404);
    assert_has(&body, "Page not found");
    assert_has(
        &body,
        "<link rel=\"stylesheet\" href=\"/assets/handbook.css\">",
    );
    assert_has(
        &body,
        "<a href=\"/index.html\">go to the start of the handbook</a>",
    );
    assert_lacks(&body, "intranet.example");
    assert_eq!(get(&server, "/assets/handbook.css").0, 200);
}

// ---------------------------------------------------------------------------
// The Markdown feature page: every construct the renderer supports, as
// model text and under each override action.

#[test]
fn the_feature_page_builds_cleanly_as_model_text_and_under_every_override_action() {
    let root = feature_root();
    let check = handbook_in(root.path(), &["check", "--format", "json"]);
    assert_ok(&check);
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let list = json
        .get("diagnostics")
        .unwrap_or(&json)
        .as_array()
        .unwrap()
        .clone();
    // New overrides have no review date or model fingerprint yet: nothing else.
    let problems: Vec<&serde_json::Value> = list
        .iter()
        .filter(|d| d["severity"] != "note")
        .filter(|d| {
            let message = d["message"].as_str().unwrap_or("");
            !message.contains("says nothing of when it was written")
                && !message.contains("has no record of the model text")
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let run = handbook_in(root.path(), &["build", "--out", "out", "--no-search"]);
    assert_ok(&run);
    let out = root.path().join("out");
    assert_xml_well_formed(&out);
    let model = read(out.join("model/features.html"));
    let pages = [
        ("model", "features.html"),
        ("exampleshire", "features.html"),
        ("exampleshire", "step-1.html"),
        ("exampleshire", "step-2.html"),
        ("exampleshire", "step-3.html"),
        ("exampleshire", "step-4.html"),
        ("exampleshire", "step-5.html"),
        ("exampleshire", "step-6.html"),
    ];
    for (edition, page) in pages {
        let html = read(out.join(edition).join(page));
        let place = format!("{edition}/{page}");
        assert_lacks(&html, "style=");
        assert_lacks(&html, "never published");
        assert_has(&html, "<th class=\"align-left\">Item</th><th class=\"align-center\">Where</th><th class=\"align-right\">Cost</th><th>Note</th>");
        assert_has(
            &html,
            "<td><a href=\"step-3.html#good-plan-checklist\">the checklist</a></td>",
        );
        assert_has(
            &html,
            "<td class=\"align-center\"><a href=\"step-5.html\">the review</a></td>",
        );
        assert_has(&html, "<code>={{1,2}}</code>");
        assert_has(&html, "<code>{{ not.a.variable }}</code>");
        assert_has(&html, "{{ escaped braces }}");
        assert_has(
            &html,
            "<img src=\"assets/plan.png\" alt=\"A plan going to panel\">",
        );
        assert_has(&html, "<a href=\"mailto:adult_duty@exampleshire.example\">");
        assert_has(&html, "<del>struck</del>");
        assert!(
            html.contains(
                "<h2 id=\"feature-setext\">An underlined heading <a href=\"step-2.html\">"
            ),
            "{place}"
        );
        let name = if edition == "model" {
            "{{ authority.name }}"
        } else {
            "Exampleshire County Council"
        };
        assert_has(&html, &format!("<code>{name}</code>"));
        assert_has(
            &html,
            &format!("A fenced code block with {{{{ braces }}}}, {name} and [[not-a-link]]."),
        );
        for id in [
            "feature-tables",
            "feature-setext",
            "feature-lists",
            "feature-top",
        ] {
            assert_eq!(count(&html, &format!("id=\"{id}\"")), 1, "{place}: {id}");
        }
    }
    assert_has(&model, "<a href=\"#fn-9\">9</a>");
    assert_has(&model, "<a href=\"#fn-note\">10</a>");
    let adapted = read(out.join("exampleshire/step-2.html"));
    assert_has(
        &adapted,
        "<a href=\"#override-features-append--fn-9\">9</a>",
    );
}

// ---------------------------------------------------------------------------
// Round three: text comes out as written, continued.

/// Exampleshire's edition of a local page with `body`, as built.
fn local_page_with(body: &str) -> String {
    let root = shipped();
    write(
        root.path(),
        "local-overrides/exampleshire/pages/written.md",
        &format!("---\nid: written\ntitle: Written\nparent: step-3\n---\n{body}"),
    );
    std::fs::copy(
        repo().join("tests/fixtures/plan.png"),
        root.path().join("themes/default/static/plan.png"),
    )
    .unwrap();
    read(built(root.path()).join("exampleshire/written.html"))
}

#[test]
fn a_single_tilde_means_about_and_only_two_strike_through() {
    let html =
        local_page_with("A direct payment of ~£120 a week (~£6,240 a year), not ~~£100~~.\n");
    assert_has(
        &html,
        "A direct payment of ~£120 a week (~£6,240 a year), not <del>£100</del>.",
    );
    assert_lacks(&html, "<sub>");
}

#[test]
fn braces_in_a_heading_that_are_not_its_id_are_shown() {
    let html = local_page_with("## Charges {2026/27} {#charges}\n\nText.\n");
    assert_has(&html, "<h2 id=\"charges\">Charges {2026/27}</h2>");
}

#[test]
fn an_images_alternative_text_and_an_authors_link_hold_no_glossary_link() {
    let html = local_page_with(
        "![A social worker reads a plan](assets/plan.png)\n\n[Ask a social worker first](step-3)\n",
    );
    assert_has(&html, "alt=\"A social worker reads a plan\"");
    assert_has(&html, ">Ask a social worker first</a>");
    assert_eq!(count(&html, "glossary-term"), 0, "{html}");
}

#[test]
fn an_invisible_character_in_an_address_is_an_error_that_shows_it() {
    let root = copy_of_model();
    write(
        root.path(),
        "content/zw.md",
        "---\nid: zw\ntitle: Zero width\nweight: 1000\n---\n\nSee [step 3](\u{200b}step-3) and [[\u{200b}step-3]].\n",
    );
    let output = handbook_in(root.path(), &["check", "--format", "json"]);
    assert_fails(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let here: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "content/zw.md")
        .collect();
    assert_eq!(here.len(), 2, "{here:#?}");
    for d in here {
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], 7);
        let message = d["message"].as_str().unwrap();
        assert!(message.contains("`⟨U+200B⟩step-3`"), "{message}");
    }
}

/// A model page whose text wraps Exampleshire's local term ("Individual
/// Budget", shown as "Personal Budget") and a glossary term ("social
/// worker") across line breaks and other runs of white space, in a
/// paragraph, a list, a link's text and an underlined heading: the root,
/// and the folder Exampleshire's edition is built in.
fn wrapped_terms_built() -> (tempfile::TempDir, PathBuf) {
    let root = shipped();
    write(
        root.path(),
        "content/wrapped.md",
        "---\nid: wrapped\ntitle: Wrapped words\nweight: 1000\n---\nAsk a social\nworker about your Individual\nBudget.\n\nTwo Individual\r\n   Budgets, an Individual\tBudget and an Individual  Budget.\n\n- A list item about the Individual\n  Budget\n\nSee [the Individual\nBudget rules](step-3.html).\n\nThe Individual\nBudget panel\n------------\n\nText.\n\n## After {#after}\n\n`Individual\nBudget` in code stays.\n",
    );
    let out = built_edition(root.path(), "exampleshire", &["--no-search"]);
    (root, out)
}

#[test]
fn a_local_term_wrapped_across_a_line_break_is_replaced_as_on_one_line() {
    let (_root, out) = wrapped_terms_built();
    let html = read(out.join("wrapped.html"));
    let page = Html::parse(&html);
    let terms = page.all(".prose .local-term").texts();
    assert_eq!(
        terms,
        [
            "Personal Budget",
            "Personal Budgets",
            "Personal Budget",
            "Personal Budget",
            "Personal Budget",
            "Personal Budget",
            "Personal Budget",
        ],
        "{html}"
    );
    // The heading and "On this page" read the local term too.
    assert_eq!(
        page.all("nav.contents a").texts(),
        ["The Personal Budget panel", "After"]
    );
    // In code, text stays as written.
    assert_has(&html, "<code>Individual Budget</code>");
    let prose = page.one(".prose").text();
    assert_eq!(count(&prose, "Individual"), 1, "{prose}");
    // The differences page lists the page among those that show the term.
    let differences = Html::parse(&read(out.join("differences.html")));
    let row = differences
        .all("#local-terms ~ table tr")
        .containing("Individual Budget");
    assert!(
        row.first()
            .unwrap()
            .all("a")
            .attrs("href")
            .contains(&"wrapped.html"),
        "{}",
        row.first().unwrap().html()
    );
}

#[test]
fn a_glossary_term_wrapped_across_a_line_break_links_to_the_glossary() {
    let (_root, out) = wrapped_terms_built();
    let html = read(out.join("wrapped.html"));
    let page = Html::parse(&html);
    let linked = page.all(".prose a.glossary-term");
    assert_eq!(linked.texts(), ["social worker"], "{html}");
}

#[test]
fn a_local_term_no_model_text_uses_is_a_warning_at_its_line_and_listed_as_unused() {
    let root = shipped();
    replace(
        root.path(),
        "local-overrides/exampleshire/authority.yaml",
        "terms:\n",
        "terms:\n  \"Zebra crossing\": \"Pelican crossing\"\n",
    );
    let settings = read(
        root.path()
            .join("local-overrides/exampleshire/authority.yaml"),
    );
    let line = 1 + settings
        .lines()
        .position(|l| l.contains("Zebra crossing"))
        .unwrap();
    let run = build(root.path());
    assert_ok(&run);
    let said = text(&run);
    assert_has(
        &said,
        &format!("local-overrides/exampleshire/authority.yaml:{line}:3: the local term for “Zebra crossing” replaces nothing"),
    );
    let differences = read(root.path().join("out/exampleshire/differences.html"));
    assert_has(
        &differences,
        "<td>Zebra crossing</td><td>Pelican crossing</td><td>Not used on any page</td>",
    );
}

/// The names every template is given (the theme's words, the site's
/// values): a loop or `set` named like one hides it for the rest of the
/// block, and a branch the shipped editions never take fails only when a
/// council's content takes it.
#[test]
fn no_template_hides_the_theme_words_or_the_site_values_behind_a_variable_of_its_own() {
    let templates = repo().join("themes/default/templates");
    let mut hidden = Vec::new();
    for entry in std::fs::read_dir(&templates).unwrap() {
        let path = entry.unwrap().path();
        let text = read(&path);
        for tag in text.split("{%").skip(1) {
            let words: Vec<&str> = tag.split_whitespace().take(4).collect();
            let names: Vec<&str> = match words.as_slice() {
                ["for", a, b, "in", ..] => vec![a.trim_end_matches(','), b],
                ["for", a, ..] => vec![a],
                ["set" | "set_global", a, ..] => vec![a.trim_end_matches('=')],
                _ => continue,
            };
            if let Some(name) = names.iter().find(|n| ["t", "site"].contains(n)) {
                hidden.push(format!("{}: `{name}` in {{%{tag}", path.display()));
            }
        }
    }
    assert!(hidden.is_empty(), "{hidden:#?}");
}
