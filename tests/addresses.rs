//! Every address a page writes is judged as a reader's browser reads it,
//! whatever syntax wrote it: Markdown links and images, reference
//! definitions, autolinks and raw HTML. Each case is a page of its own in a
//! copy of the shipped model; `check` must report it at the page's line
//! with the right code, and nothing unsafe may reach a published page.

mod common;

use std::path::Path;

use common::*;

/// A case: the page's body, the code `check` must report (`None`: no
/// problem at all), and whether it is an error (else a warning).
struct Case {
    body: &'static str,
    code: Option<&'static str>,
    error: bool,
}

const fn case(body: &'static str, code: &'static str, error: bool) -> Case {
    Case {
        body,
        code: Some(code),
        error,
    }
}

/// The cases: the first are the script links a control character once
/// joined, then addresses that were published unchecked.
const CASES: &[Case] = &[
    case(
        "Click <a href=\"java&#x1a;script:alert(document.domain)\">here</a>.",
        "unsafe-html-removed",
        false,
    ),
    case("<a href=\"vb&#x1a;script:msgbox\">x</a>", "unsafe-html-removed", false),
    case("<a href=\"da&#1;ta:text/html,x\">x</a>", "unsafe-html-removed", false),
    case("<a href=\" JaVa&#x09;ScRiPt:x\">x</a>", "unsafe-html-removed", false),
    case("[x](java&#x1a;script:alert(1))", "unsafe-address", true),
    case("[x](java\u{1a}script:alert(1))", "control-character", true),
    case("![x](da&#x7f;ta:image/png,AAAA)", "unsafe-address", true),
    case("[x]\n\n[x]: java&#x1a;script:alert(1)", "unsafe-address", true),
    case("Auto <http:> link.", "unreadable-address", true),
    // Found by fuzzing: judged as written (`\\`), published escaped (`%5C`),
    // which no browser can read in a host.
    case("Auto <https:/x=\\*> link.", "unreadable-address", true),
    case("[x](https://exa%20mple.org:99999/)", "unreadable-address", true),
    case("<a href=\"http:\">x</a>", "unsafe-html-removed", false),
    // CommonMark 0.31.2, examples 159, 162, 187, 475, 580 and 503.
    case("<div><a href=\"bar\">*foo*</a></div>", "broken-link", true),
    case("<a href=\"foo\">\n*bar*\n</a>", "broken-link", true),
    case("Foo\n<a href=\"bar\">\nbaz", "broken-link", true),
    case("*<img src=\"foo\" title=\"*\"/>", "missing-image", true),
    case("![foo](<url>)", "missing-image", true),
    case("[link](foo%20b&auml;)", "broken-link", true),
    case("<a href=\"step-1\">Step 1</a>", "broken-link", true),
    case("<a href=\"#nope\">nope</a>", "broken-link", true),
    case("[root](/step-1.html)", "root-address", true),
    case("<a href=\"/step-1.html\">root</a>", "root-address", true),
    case("<img src=\"/assets/x.png\" alt=\"x\">", "root-address", true),
    case("[x]\n\n[x]: /step-1.html", "root-address", true),
    case("![x](//tracker.example/p.gif)", "outside-image", true),
    case("[x](ftp://files.example/a)", "unsafe-html-removed", false),
    Case {
        body: "[Step 1](step-1) and <a href=\"step-1.html#social-work-role\">its role</a> and <https://www.example.org/>.",
        code: None,
        error: false,
    },
];

/// A copy of the shipped model with one page per case, `case-N`.
fn root_with_cases() -> tempfile::TempDir {
    let root = copy_of_model();
    for (n, case) in CASES.iter().enumerate() {
        write(
            root.path(),
            &format!("content/case-{n}.md"),
            &format!(
                "---\nid: case-{n}\ntitle: Case {n}\nweight: {}\n---\n\n{}\n",
                1000 + n,
                case.body
            ),
        );
    }
    root
}

/// The problems `check` reports, as JSON values.
fn problems(root: &Path) -> Vec<serde_json::Value> {
    let output = handbook_in(root, &["check", "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output)));
    report["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn every_address_is_reported_at_its_page_and_line() {
    let root = root_with_cases();
    let found = problems(root.path());
    for (n, case) in CASES.iter().enumerate() {
        let file = format!("content/case-{n}.md");
        let here: Vec<&serde_json::Value> = found.iter().filter(|d| d["file"] == file).collect();
        let Some(code) = case.code else {
            let problems: Vec<_> = here.iter().filter(|d| d["severity"] != "note").collect();
            assert!(problems.is_empty(), "{:?}: {problems:#?}", case.body);
            continue;
        };
        let hit = here
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no `{code}` for {:?}; got {here:#?}", case.body));
        let severity = if case.error { "error" } else { "warning" };
        assert_eq!(hit["severity"], severity, "{:?}", case.body);
        // The body starts on line 7, after the front matter and a blank line.
        let line = hit["line"].as_u64().unwrap_or(0);
        assert!((7..=9).contains(&line), "{:?} at line {line}", case.body);
        assert!(
            !hit["hint"].as_str().unwrap_or("").contains("template"),
            "a page's problem blames a template: {hit:#?}"
        );
    }
    // No problem is blamed on a template or on an output file.
    for d in &found {
        let file = d["file"].as_str().unwrap_or("");
        assert!(
            !file.starts_with("model/") && !file.contains("templates/"),
            "{d:#?}"
        );
    }
}

#[test]
fn no_script_address_reaches_a_published_page() {
    let root = copy_of_model();
    let bodies: Vec<&str> = CASES
        .iter()
        .filter(|c| !c.error && c.code.is_some())
        .map(|c| c.body)
        .collect();
    write(
        root.path(),
        "content/case.md",
        &format!(
            "---\nid: case\ntitle: Case\nweight: 1000\n---\n\n{}\n",
            bodies.join("\n\n")
        ),
    );
    let out = root.path().join("out");
    let built = handbook_in(root.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_ok(&built);
    for page in ["model/case.html", "model/print.html"] {
        let html = read(out.join(page)).to_ascii_lowercase();
        assert!(html.contains("<a>here</a>"), "{page}");
        for scheme in [
            "javascript:",
            "vbscript:",
            "data:text",
            "ftp:",
            "href=\"http:\"",
        ] {
            assert!(!html.contains(scheme), "{page} publishes {scheme}");
        }
    }
}
