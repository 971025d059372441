//! The query helper the integration tests read pages with
//! (`tests/common/html.rs`): a page is parsed as a browser parses it, and
//! elements are found by CSS selector, with their text as a reader sees it.

mod common;

use common::{Html, Query};

const PAGE: &str = r#"<!doctype html>
<html lang="en-GB">
<head><title>Step Three</title><style>p { color: red }</style></head>
<body>
<nav class="steps-nav"><ul class="step-switcher">
  <li><a href="step-1.html">Step 1</a></li>
  <li><a href="step-2.html">Step 2</a></li>
  <li><a href="step-3.html" aria-current="page">Step 3</a></li>
</ul></nav>
<main id="top">
<h1>Step Three: <em>Agreeing</em> my plan</h1>
<dl><dt>Last updated</dt><dd>1 June 2026</dd></dl>
<p>Call&nbsp;us on <a href="tel:01632960200">01632 960200</a> &amp; ask.<script>let hidden = 1;</script></p>
<h2 id="one">One</h2><h2 id="two">Two</h2>
<p>Unclosed paragraph
<div class="notice">After it</div>
</main>
</body></html>"#;

#[test]
fn elements_are_found_by_selector_with_their_text_and_attributes() {
    let page = Html::parse(PAGE);
    assert_eq!(page.root().attr("lang"), Some("en-GB"));
    assert_eq!(page.one("html").attr("lang"), Some("en-GB"));
    assert_eq!(
        page.all("nav.steps-nav a").texts(),
        ["Step 1", "Step 2", "Step 3"]
    );
    assert_eq!(
        page.all("nav a").attrs("href"),
        ["step-1.html", "step-2.html", "step-3.html"]
    );
    assert_eq!(
        page.one("a[aria-current=page]").attr("href"),
        Some("step-3.html")
    );
    assert_eq!(page.count("h2"), 2);
    assert!(page.has("main#top"));
    assert!(!page.has("aside.urgent"));
    assert_eq!(page.first("h3").map(|h| h.text()), None);
    let link = page.all("a").with_text("01632 960200").one();
    assert_eq!(link.attr("href"), Some("tel:01632960200"));
    assert_eq!(link.name(), "a");
    assert_eq!(page.all("a").containing("Step").len(), 3);
}

#[test]
fn text_is_what_a_reader_sees() {
    let page = Html::parse(PAGE);
    // Inline elements run on; references are decoded.
    assert_eq!(page.one("h1").text(), "Step Three: Agreeing my plan");
    // Scripts are not text; a non-breaking space is kept as one.
    assert_eq!(
        page.one("main p:has(a)").text(),
        "Call\u{a0}us on 01632 960200 & ask."
    );
    // Blocks are apart, the title and styles are not on the page.
    assert_eq!(page.one("dl").text(), "Last updated 1 June 2026");
    let all = page.text();
    assert!(all.starts_with("Step 1 Step 2 Step 3 Step Three"), "{all}");
    assert!(!all.contains("color") && !all.contains("hidden"), "{all}");
}

#[test]
fn a_definition_is_found_by_its_term() {
    let page = Html::parse(PAGE);
    let term = page.all("dt").with_text("Last updated").one();
    let definition = term.next().expect("a definition after the term");
    assert_eq!(definition.name(), "dd");
    assert_eq!(definition.text(), "1 June 2026");
    assert!(definition.next().is_none(), "the last of its list");
    // Only the words directly inside, not a child element's.
    let call = page.one("main p:has(a)");
    assert_eq!(call.own_text(), "Call\u{a0}us on & ask.");
}

#[test]
fn text_can_leave_out_parts_of_the_page() {
    let page = Html::parse(
        r#"<html lang="cy"><body><p>Cam 1 <span lang="en">Step One</span></p>
        <div lang="en-GB"><p>Not yet <span lang="cy">wedi</span> translated</p></div>
        <p>Diwedd</p></body></html>"#,
    );
    assert_eq!(page.text_without("[lang^=en]"), "Cam 1 Diwedd");
    assert_eq!(
        page.all("[lang^=en]").texts(),
        ["Step One", "Not yet wedi translated"]
    );
    // The element queried can itself be left out.
    assert_eq!(page.text_without("[lang=cy]"), "");
    assert_eq!(
        page.text_without("[lang=cy]:not(html)"),
        "Cam 1 Step One Not yet translated Diwedd"
    );
}

#[test]
fn a_query_inside_an_element_stays_inside_it() {
    let page = Html::parse(PAGE);
    let nav = page.one("nav");
    assert_eq!(nav.count("a"), 3);
    assert_eq!(nav.all(":scope > ul > li").len(), 3);
    assert!(nav.one("ul").has_class("step-switcher"));
    assert!(!nav.has("h1"), "the heading is outside the nav");
    assert!(nav.all("nav").is_empty(), "an element is not inside itself");
}

#[test]
fn the_page_is_parsed_as_a_browser_parses_it() {
    // A paragraph left open ends where a block begins, as in a browser,
    // rather than swallowing what follows.
    let page = Html::parse(PAGE);
    assert_eq!(page.one("p:not(:has(a))").text(), "Unclosed paragraph");
    assert!(!page.one("p:not(:has(a))").has("div"));
    assert_eq!(page.one("main > div.notice").text(), "After it");
}

#[test]
fn order_in_the_page_is_document_order() {
    let page = Html::parse(PAGE);
    let (one, two) = (page.one("#one"), page.one("#two"));
    assert!(one.is_before(&two));
    assert!(!two.is_before(&one));
    assert!(!one.is_before(&one));
    assert!(page.one("nav").is_before(&one), "an element before another");
    assert!(
        page.one("main").is_before(&one),
        "an element before its children"
    );
    assert_eq!(
        page.all("h2, h1").texts()[0],
        "Step Three: Agreeing my plan"
    );
}

#[test]
#[should_panic(expected = "expected one element for \"h2\", found 2")]
fn one_names_its_selector_when_it_finds_more_than_one() {
    Html::parse(PAGE).one("h2");
}

#[test]
#[should_panic(expected = "expected one element for \"aside.urgent\", found 0")]
fn one_names_its_selector_when_it_finds_none() {
    Html::parse(PAGE).one("aside.urgent");
}

#[test]
#[should_panic(expected = "not a CSS selector")]
fn a_selector_that_does_not_parse_is_a_failure_not_an_empty_result() {
    Html::parse(PAGE).all("nav[");
}
