//! Errors a policy lead meets: each names the file, line and column, says
//! what is wrong in plain words, shows the line, and says how to fix it.

mod common;

use common::*;

/// Runs `check` on a root and returns everything it printed; it must fail cleanly.
fn check_fails(root: &std::path::Path) -> String {
    let run = handbook_in(root, &["check"]);
    assert_fails(&run);
    let all = text(&run);
    assert!(
        !all.contains('\u{1b}'),
        "colour codes printed without a terminal:\n{all}"
    );
    all
}

fn replace_in(root: &std::path::Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = read(&path);
    assert!(text.contains(from), "{file} lacks {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_yaml_syntax_error_points_at_the_line_in_the_file() {
    let root = copy_of_model();
    replace_in(
        root.path(),
        "content/step-5.md",
        "weight: 70",
        "weight: [70",
    );
    let out = check_fails(root.path());
    assert!(out.contains("content/step-5.md:4:"), "{out}");
    assert!(
        out.contains("weight: [70"),
        "the source line is shown:\n{out}"
    );
    assert!(out.contains("help:"), "a hint is given:\n{out}");
}

#[test]
fn an_unknown_key_names_the_closest_known_key() {
    let root = copy_of_model();
    replace_in(root.path(), "content/step-5.md", "weight: 70", "wieght: 70");
    let out = check_fails(root.path());
    assert!(out.contains("content/step-5.md:4:1"), "{out}");
    assert!(out.contains("`wieght` is not a setting"), "{out}");
    assert!(out.contains("did you mean `weight`"), "{out}");
}

#[test]
fn a_date_that_is_not_a_date_says_so() {
    let root = copy_of_model();
    replace_in(
        root.path(),
        "content/step-5.md",
        "weight: 70",
        "weight: 70\nlast_reviewed: 31/02/2026",
    );
    let out = check_fails(root.path());
    assert!(out.contains("content/step-5.md:5:"), "{out}");
    assert!(out.contains("not a date"), "{out}");
    assert!(out.contains("YYYY-MM-DD"), "{out}");
}

#[test]
fn an_unknown_id_underlines_the_reference_and_suggests_ids() {
    let root = copy_of_model();
    replace_in(
        root.path(),
        "content/step-6.md",
        "## The social work role",
        "See [[stayng-safe]].\n\n## The social work role",
    );
    let out = check_fails(root.path());
    assert!(out.contains("content/step-6.md:"), "{out}");
    assert!(out.contains("[[stayng-safe]]"), "the line is shown:\n{out}");
    assert!(out.contains("`staying-safe`"), "{out}");
}

#[test]
fn an_unknown_variable_in_an_authoritys_page_names_the_known_ones() {
    let root = copy_of_shipped();
    let page = "local-overrides/exampleshire/pages/resource-allocation-panel.md";
    let text = read(root.path().join(page));
    let var = text
        .split("{{ vars.")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .to_string();
    replace_in(
        root.path(),
        page,
        &format!("{{{{ vars.{var} }}}}"),
        &format!("{{{{ vars.{var}x }}}}"),
    );
    let out = check_fails(root.path());
    assert!(out.contains(page), "{out}");
    assert!(
        out.contains(&format!("vars.{var}")),
        "the closest variable is suggested:\n{out}"
    );
}

#[test]
fn a_template_error_in_the_theme_names_the_template_and_line() {
    let root = copy_of_model();
    replace_in(
        root.path(),
        "themes/default/templates/page.html",
        "{% block contents %}",
        "{% if %}{% block contents %}",
    );
    let out = check_fails(root.path());
    let line = read(root.path().join("themes/default/templates/page.html"))
        .lines()
        .position(|l| l.contains("{% if %}"))
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!("themes/default/templates/page.html:{line}:")),
        "{out}"
    );
    assert!(out.contains("help:"), "{out}");
}

#[test]
fn a_template_error_in_an_authority_template_names_that_file() {
    let root = copy_of_shipped();
    write(
        root.path(),
        "local-overrides/kinloch-vale/templates/page.html",
        "{% extends \"theme/page.html\" %}\n{% block pagination %}{{ page.nonexistent_value }}{% endblock pagination %}\n",
    );
    let out = check_fails(root.path());
    assert!(
        out.contains("local-overrides/kinloch-vale/templates/page.html:2:"),
        "{out}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_its_line() {
    let root = copy_of_model();
    let path = root.path().join("content/step-3.md");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    bytes.insert(at, 0xff);
    std::fs::write(&path, bytes).unwrap();
    let out = check_fails(root.path());
    assert!(out.contains("content/step-3.md:2"), "{out}");
    assert!(out.contains("UTF-8"), "{out}");
}

#[test]
fn one_run_reports_every_problem_not_just_the_first() {
    let root = copy_of_model();
    replace_in(root.path(), "content/step-1.md", "weight: 30", "wieght: 30");
    replace_in(
        root.path(),
        "content/step-6.md",
        "## The social work role",
        "See [[step-99]].\n\n## The social work role",
    );
    replace_in(root.path(), "content/credits.md", "title:", "titel:");
    let out = check_fails(root.path());
    for file in [
        "content/step-1.md",
        "content/step-6.md",
        "content/credits.md",
    ] {
        assert!(out.contains(file), "{file} not reported:\n{out}");
    }
    assert!(out.contains("3 errors"), "{out}");
}

#[test]
fn json_output_gives_file_line_column_message_and_hint() {
    let root = copy_of_model();
    replace_in(root.path(), "content/step-5.md", "weight: 70", "wieght: 70");
    let run = handbook_in(root.path(), &["check", "--format", "json"]);
    assert_fails(&run);
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON on stdout");
    // Notes sort among errors by file: the first error.
    let first = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    assert_eq!(first["file"], "content/step-5.md");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 1);
    assert_eq!(first["severity"], "error");
    assert!(first["message"].as_str().unwrap().contains("wieght"));
    assert!(first["hint"].as_str().unwrap().contains("weight"));
}

#[test]
fn crlf_line_endings_keep_line_numbers_right() {
    let root = copy_of_model();
    let path = root.path().join("content/step-5.md");
    let text = read(&path)
        .replace("weight: 70", "wieght: 70")
        .replace('\n', "\r\n");
    std::fs::write(&path, text).unwrap();
    let out = check_fails(root.path());
    assert!(out.contains("content/step-5.md:4:1"), "{out}");
}

#[test]
fn build_prints_a_one_line_summary() {
    let root = copy_of_shipped();
    let run = handbook_in(root.path(), &["build"]);
    assert_ok(&run);
    let out = text(&run);
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("Built 4 editions"), "{last}");
    assert!(
        last.contains("pages") && last.contains(" s:") && last.contains("warnings"),
        "{last}"
    );
}
