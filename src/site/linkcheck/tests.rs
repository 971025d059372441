//! The check of a made site, tried on small hand-written pages.

use super::*;

const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'\">";

fn page(path: &str, html: &str) -> OutputFile {
    OutputFile {
        path: path.into(),
        content: Content::Bytes(format!("{CSP}{html}").into_bytes()),
    }
}

#[test]
fn working_links_pass_and_broken_ones_are_named() {
    let files = vec![
        page("index.html", "<a href=\"step-1.html#role\">x</a> <a href=\"https://example.org/\">y</a>"),
        page("step-1.html", "<h2 id=\"role\">Role</h2><a href=\"step-9.html\">z</a><a href=\"#nope\">w</a><img src=\"../x.png\">"),
    ];
    let found = check("model", &files, &[], None);
    assert!(found.problems.is_empty(), "{:#?}", found.problems);
    let broken: Vec<(&str, &Why)> = found
        .broken
        .iter()
        .map(|b| (b.url.as_str(), &b.why))
        .collect();
    assert_eq!(
        broken,
        vec![
            (
                "#nope",
                &Why::NoId {
                    fragment: "nope".into(),
                    page: "step-1.html".into()
                }
            ),
            ("../x.png", &Why::OutsideEdition),
            ("step-9.html", &Why::NoFile("step-9.html".into())),
        ]
    );
    assert!(found.outside.contains_key("https://example.org/"));
}

#[test]
fn outside_resources_are_errors() {
    let files = vec![page(
        "index.html",
        "<link rel=\"stylesheet\" href=\"https://fonts.example/css\"><script src=\"//cdn.example/x.js\"></script><img src=\"assets/a.png\"><a href=\"https://example.org/\">ok</a><link rel=\"icon\" href=\"data:,\">",
    ), page("assets/a.png", "")];
    let found = check("model", &files, &[], None);
    let messages: Vec<_> = found
        .problems
        .iter()
        .map(|p| p.message.to_string())
        .collect();
    assert_eq!(found.problems.len(), 2, "{messages:#?}");
    assert!(messages.iter().all(|m| m.contains("another site")));
    assert!(found.outside.contains_key("https://example.org/"));
    assert_eq!(
        outside_in_css("a{background:url( 'https://x.example/a.png' )} @import \"//y.example/b.css\"; b{background:url(img.png)} c{src:url(data:font/woff2;base64,AA)}"),
        vec!["https://x.example/a.png", "//y.example/b.css"]
    );
}

#[test]
fn attributes_are_read_from_tags_only() {
    // Found by fuzzing: sanitised text keeps `"`, so `src="…"` in a code
    // span once read as an image from another site.
    let html = "<p>Write <code>&lt;img src=\"https://x.example/a.png\"&gt;</code> or href=\"nope.html\".</p>\
        <!-- <img src=\"https://y.example\"> --><script>var a = '<img src=\"https://z.example\">';</script>\
        <a title=\"a > b\" href='step-1.html' data-x=1 hidden>x</a><img src=assets/a.png alt=\"\">";
    assert_eq!(attribute_values(html, "src"), vec!["assets/a.png"]);
    assert_eq!(attribute_values(html, "href"), vec!["step-1.html"]);
    assert_eq!(attribute_values(html, "title"), vec!["a > b"]);
    assert_eq!(attribute_values(html, "hidden"), vec![""]);
    assert_eq!(attribute_values("<td =tyle=\"x\">", "=tyle"), vec!["x"]);
}

#[test]
fn every_page_keeps_a_strict_content_security_policy() {
    assert_eq!(csp_problem(CSP), None);
    assert!(csp_problem("<p>no policy</p>").is_some());
    assert!(csp_problem("<meta http-equiv=\"content-security-policy\" content=\"script-src 'self' 'unsafe-inline'\">").is_some());
    assert!(csp_problem("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self' https://cdn.example\">").is_some());
    assert!(csp_problem(
        "<meta name=\"x\" content=\"y\"><meta http-equiv=\"Content-Security-Policy\">"
    )
    .is_some());
}

#[test]
fn character_references_are_read_as_a_browser_reads_them() {
    assert_eq!(decode("a&amp;b&quot;c&#39;d&#x2F;e&#X2f;f"), "a&b\"c'd/e/f");
    assert_eq!(decode("java&#x1a;script:x"), "java\u{1a}script:x");
    assert_eq!(decode("&unknown; & &#xZZ;"), "&unknown; & &#xZZ;");
}

#[test]
fn addresses_that_leave_the_edition_or_run_code_are_broken() {
    let files = vec![
        page("index.html", "<a href=\"/step-1.html\">a</a><a href=\"java&#x1a;script:x\">b</a><a href=\"http:\">c</a><a href=\"step-1\">d</a><a href=\"#nope\">e</a><a href=\"step-1.html\">f</a><link rel=\"icon\" href=\"data:,\">"),
        page("step-1.html", ""),
    ];
    let found = check("model", &files, &[], None);
    let why: Vec<String> = found
        .broken
        .iter()
        .map(|b| format!("{} {}", b.url, b.why))
        .collect();
    assert_eq!(found.broken.len(), 5, "{why:#?}");
    assert!(
        found.broken.iter().any(|b| b.why == Why::FromRoot),
        "{why:#?}"
    );
    assert!(
        found
            .broken
            .iter()
            .any(|b| matches!(&b.why, Why::Unsafe(s) if s == "javascript")),
        "{why:#?}"
    );
    assert!(
        found
            .broken
            .iter()
            .any(|b| matches!(b.why, Why::Unreadable(_))),
        "{why:#?}"
    );
    assert!(
        found
            .broken
            .iter()
            .any(|b| matches!(&b.why, Why::NoFile(f) if f == "step-1")),
        "{why:#?}"
    );
    assert!(
        found
            .broken
            .iter()
            .any(|b| matches!(&b.why, Why::NoId { fragment, .. } if fragment == "nope")),
        "{why:#?}"
    );
}
