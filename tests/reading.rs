//! What staff meet when they read: cross-references, backlinks, glossary,
//! A to Z, print view, what's changed, reviews, site pages and the link check.

mod common;

use common::*;

fn model(file: &str) -> String {
    read(shipped_build().join("model").join(file))
}

/// A page of the shipped model edition, parsed.
fn model_page(file: &str) -> Html {
    Html::parse(&model(file))
}

/// Where the links on a page whose text is `text` go.
fn links<'a>(page: &'a Html, text: &str) -> Vec<&'a str> {
    page.all("a").with_text(text).attrs("href")
}

#[test]
fn the_models_own_cross_references_are_links() {
    let step1 = model_page("step-1.html");
    assert_eq!(
        links(&step1, "steps two"),
        ["step-2.html"],
        "step 1 should link 'steps two'"
    );
    assert_eq!(links(&step1, "three"), ["step-3.html"]);
    let safe = model_page("staying-safe.html");
    assert_eq!(
        links(&safe, "the above table"),
        ["about.html#social-workers-contribution"]
    );
}

#[test]
fn a_bare_cross_reference_takes_the_targets_title() {
    let about = model_page("about.html");
    let prose = about.one("div.prose");
    assert_eq!(
        prose
            .all("a[href='step-1.html']")
            .with_text("Step One: My money, finding out how much")
            .len(),
        1,
        "[[step-1]] on the about page should show step 1's title"
    );
}

#[test]
fn pages_list_the_pages_that_refer_to_them() {
    let step2 = model_page("step-2.html");
    let referenced = step2
        .all("section.backlinks")
        .containing("Referenced by")
        .one();
    assert!(
        referenced.has("a[href='step-1.html']"),
        "step 1 links to step 2"
    );
}

#[test]
fn an_unknown_cross_reference_fails_build_and_check_with_its_line_and_a_suggestion() {
    let root = small_root();
    let path = root.path().join("content/visits.md");
    let text = read(&path);
    let lines_before = text[..text.find("## On the day").unwrap()].lines().count();
    let broken = text.replacen(
        "## On the day",
        "See [[reveiws]] first.\n\n## On the day",
        1,
    );
    std::fs::write(&path, broken).unwrap();
    for command in ["build", "check"] {
        let run = handbook_in(root.path(), &[command]);
        assert_fails(&run);
        let all = text_of(&run);
        let expected = format!("content/visits.md:{}:", lines_before + 1);
        assert!(
            all.contains(&expected),
            "{command}: expected {expected} in\n{all}"
        );
        assert!(
            all.contains("reveiws") && all.contains("`reviews`"),
            "{command}: no suggestion in\n{all}"
        );
    }
    assert!(
        !root.path().join("public").exists(),
        "a failed build wrote output"
    );
}

fn text_of(run: &std::process::Output) -> String {
    text(run)
}

#[test]
fn an_unknown_section_is_an_error_listing_the_pages_sections() {
    let root = small_root();
    let path = root.path().join("content/plans.md");
    let text = read(&path) + "\nSee [[visits#on-the-dya]].\n";
    std::fs::write(&path, text).unwrap();
    let run = handbook_in(root.path(), &["check"]);
    assert_fails(&run);
    let all = text_of(&run);
    assert!(all.contains("content/plans.md:"), "{all}");
    assert!(all.contains("on-the-day"), "{all}");
}

#[test]
fn glossary_terms_link_from_their_first_use_on_each_page() {
    let step1 = model_page("step-1.html");
    assert_eq!(
        step1.count("a.glossary-term[href='glossary.html#term-social-worker']"),
        1,
        "the first use of 'social worker' on step 1 links to the glossary, once"
    );
    let terminology = model_page("terminology.html");
    assert!(
        !terminology.has(".glossary-term"),
        "the defining page does not link its own terms"
    );
}

#[test]
fn the_glossary_lists_each_term_with_its_definition_and_the_pages_using_it() {
    let glossary = model_page("glossary.html");
    let term = glossary.one("dt#term-social-worker");
    assert_eq!(term.text(), "social worker");
    let entry = term
        .next()
        .filter(|dd| dd.name() == "dd")
        .expect("a definition");
    assert!(entry
        .text()
        .contains("A social worker is a qualified professional"));
    assert!(
        entry.has("a[href='step-1.html']"),
        "step 1 uses 'social worker'"
    );
    assert!(entry.has("a[href='terminology.html#social-worker']"));
}

#[test]
fn local_terms_are_in_an_authoritys_glossary() {
    let glossary = read(shipped_build().join("exampleshire/glossary.html"));
    assert!(
        visible_text(&glossary).contains("Personal Budget"),
        "the local term is listed"
    );
}

#[test]
fn the_a_to_z_lists_every_page_and_section_alphabetically() {
    let az = model_page("a-z.html");
    let entries = az.all("ul.a-z__list > li > a");
    for expected in [
        "step-3.html#good-plan-checklist",
        "staying-safe.html#six-ways",
        "credits.html",
    ] {
        assert!(
            entries.attrs("href").contains(&expected),
            "A to Z lacks {expected}"
        );
    }
    let subjects = entries.texts();
    let at = |subject: &str| subjects.iter().position(|s| s == subject).unwrap();
    assert!(
        at("About this guidance") < at("Terminology"),
        "A to Z is not alphabetical"
    );
    let search = model_page("search.html");
    assert!(
        search.has("a[href='step-3.html#good-plan-checklist']"),
        "search page carries the A to Z for readers without JavaScript"
    );
}

#[test]
fn every_page_has_a_search_box_and_the_edition_has_its_own_index() {
    for page in html_files(&shipped_build().join("kinloch-vale")) {
        assert!(
            Html::parse(&read(&page)).has("input[type=search]"),
            "{} has no search box",
            page.display()
        );
    }
    for edition in ["model", "exampleshire", "kinloch-vale", "cwm-derwen"] {
        let dir = shipped_build().join(edition).join("pagefind");
        assert!(
            dir.join("pagefind.js").is_file(),
            "{edition} has no search index"
        );
        assert!(dir.join("pagefind-entry.json").is_file());
    }
}

#[test]
fn the_print_view_has_every_page_in_order_stamped_and_dated() {
    let print = model_page("print.html");
    let text = print.text();
    let pages = print.all("section.print-page").attrs("id");
    let mut last = None;
    for step in 1..=7 {
        let at = pages
            .iter()
            .position(|id| *id == format!("step-{step}"))
            .unwrap_or_else(|| panic!("step {step} missing"));
        assert!(Some(at) > last, "step {step} out of order");
        last = Some(at);
    }
    assert!(text.contains("Draft 6"), "version");
    assert!(text.contains("24 November 2026"), "build date");
    assert!(text.contains("Printed copies may be out of date"));
    assert!(print.has("button[data-print]"), "a print button");
    assert_eq!(
        print.count("[id$=good-plan-checklist]"),
        1,
        "section ids are unique in the print view"
    );
    assert!(print.has("section#step-3 #step-3--good-plan-checklist"));
}

#[test]
fn the_print_view_of_an_authority_has_its_local_examples_under_their_pages() {
    let print = Html::parse(&read(
        shipped_build().join("exampleshire").join("print.html"),
    ));
    assert!(print.has("section.print-page#step-7"), "step 7 is printed");
    let example = print
        .first("section.print-page#step-7 #step-7--ex-review-with-dementia")
        .expect("the example attached to step 7 is printed with its page");
    assert!(example
        .text()
        .contains("A review that looked to the future"));
    assert!(
        example.has("a[href='#step-3']"),
        "an example's cross-reference points within the print view"
    );
    assert!(
        !model_page("print.html")
            .text()
            .contains("Local practice examples"),
        "the model has no local examples"
    );
}

#[test]
fn pages_offer_a_print_button_only_with_javascript() {
    let step = model_page("step-5.html");
    assert!(
        step.one("p.print-control").attr("hidden").is_some(),
        "hidden until the script shows it"
    );
    assert!(step.has("p.print-control > button[data-print]"));
    let script = read(shipped_build().join("model/assets/handbook.js"));
    assert!(script.contains("window.print()"));
}

#[test]
fn site_pages_exist_at_each_editions_root() {
    for edition in ["model", "exampleshire", "kinloch-vale", "cwm-derwen"] {
        let dir = shipped_build().join(edition);
        for file in [
            "404.html",
            "accessibility.html",
            "changes.html",
            "changes.xml",
            "glossary.html",
            "a-z.html",
            "search.html",
            "print.html",
        ] {
            assert!(dir.join(file).is_file(), "{edition} lacks {file}");
        }
        // No published address is given, so there is no sitemap (whose
        // protocol takes absolute addresses only).
        assert!(!dir.join("sitemap.xml").exists(), "{edition} has a sitemap");
    }
    for page in html_files(shipped_build()) {
        if page.parent() == Some(shipped_build()) {
            continue;
        }
        assert!(
            Html::parse(&read(&page)).has("a[href='accessibility.html']"),
            "{} has no accessibility link",
            page.display()
        );
    }
}

#[test]
fn the_accessibility_statement_follows_the_govuk_sample_and_names_the_authority() {
    let text = visible_text(&read(
        shipped_build().join("exampleshire/accessibility.html"),
    ));
    for heading in [
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Preparation of this accessibility statement",
    ] {
        assert!(text.contains(heading), "statement lacks {heading:?}");
    }
    assert!(text.contains("accessibility@exampleshire.example"));
    assert!(text.contains("This statement was prepared on"));
}

/// Adds `front` to the front matter of the small handbook's `reviews` page
/// (`small_root`), right after its first line.
fn with_review(root: &std::path::Path, front: &str) {
    let path = root.join("content/reviews.md");
    let text = read(&path).replacen("---\n", &format!("---\n{front}"), 1);
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_overdue_page_carries_a_banner_and_check_warns() {
    let root = small_root();
    with_review(
        root.path(),
        "owner: Practice development team\nlast_reviewed: 2024-01-10\nreview_every: 12 months\n",
    );
    let run = handbook_in(root.path(), &["build"]);
    assert_ok(&run);
    let html = read(root.path().join("public/model/reviews.html"));
    assert!(
        html.contains("This page is overdue for review"),
        "no banner"
    );
    assert!(
        visible_text(&html).contains("10 January 2025"),
        "due date shown"
    );
    assert!(
        visible_text(&html).contains("Practice development team"),
        "owner shown"
    );

    let check = handbook_in(root.path(), &["check"]);
    assert_ok(&check);
    assert!(
        text(&check).contains("content/reviews.md:"),
        "{}",
        text(&check)
    );
    assert!(text(&check).contains("due for review"), "{}", text(&check));
    assert_fails(&handbook_in(root.path(), &["check", "--deny-warnings"]));
}

#[test]
fn check_gives_overdue_reviews_to_scripts_as_json() {
    let root = small_root();
    with_review(root.path(), "review_by: 2026-01-01\n");
    let run = handbook_in(root.path(), &["check", "--format", "json"]);
    assert_ok(&run);
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).expect("valid JSON");
    let overdue = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "review-overdue")
        .expect("an overdue warning");
    assert_eq!(overdue["severity"], "warning");
    assert_eq!(overdue["file"], "content/reviews.md");
    assert_eq!(overdue["line"], 2);
}

#[test]
fn a_page_not_yet_due_has_no_banner() {
    let root = small_root();
    with_review(
        root.path(),
        "last_reviewed: 2026-06-01\nreview_every: 12 months\n",
    );
    assert_ok(&handbook_in(root.path(), &["check", "--deny-warnings"]));
    assert_ok(&handbook_in(root.path(), &["build"]));
    let html = read(root.path().join("public/model/reviews.html"));
    assert!(!html.contains("overdue for review"));
    assert!(
        visible_text(&html).contains("1 June 2027"),
        "next review date shown"
    );
}

#[test]
fn an_unreadable_review_period_is_an_error_with_a_hint() {
    let root = small_root();
    with_review(
        root.path(),
        "last_reviewed: 2026-06-01\nreview_every: yearly\n",
    );
    let run = handbook_in(root.path(), &["check"]);
    assert_fails(&run);
    assert!(
        text(&run).contains("content/reviews.md:3"),
        "{}",
        text(&run)
    );
    assert!(text(&run).contains("12 months"), "{}", text(&run));
}

#[test]
fn whats_changed_lists_changes_newest_first_with_a_feed() {
    let root = small_root();
    with_review(
        root.path(),
        "changes:\n  - { date: 2026-03-01, note: \"Older note.\" }\n  - { date: 2026-09-15, note: \"Newer note.\" }\n",
    );
    assert_ok(&handbook_in(root.path(), &["build"]));
    let out = root.path().join("public/model");
    let changes = Html::parse(&read(out.join("changes.html")));
    let listed = changes.all("ul.change-list > li").texts();
    let at = |note: &str| listed.iter().position(|li| li.ends_with(note));
    let newer = at("Newer note.").expect("newer change listed");
    let older = at("Older note.").expect("older change listed");
    assert!(newer < older, "changes are not newest first");
    let feed = read(out.join("changes.xml"));
    assert!(feed.starts_with("<?xml"));
    let feed = roxmltree::Document::parse(&feed).expect("the feed is XML");
    let root = feed.root_element();
    assert_eq!(
        (root.tag_name().namespace(), root.tag_name().name()),
        (Some("http://www.w3.org/2005/Atom"), "feed")
    );
    let elements = |name: &str| {
        root.descendants()
            .filter(|e| e.tag_name().name() == name)
            .collect::<Vec<_>>()
    };
    assert_eq!(elements("entry").len(), 2);
    assert!(elements("updated")
        .iter()
        .any(|e| e.text() == Some("2026-09-15T00:00:00Z")));
    let step = read(out.join("reviews.html"));
    assert!(
        visible_text(&step).contains("Last updated 15 September 2026"),
        "last updated on the page"
    );
}

#[test]
fn a_broken_link_in_a_template_fails_the_build() {
    let root = copy_of_model();
    let path = root.path().join("themes/default/templates/page.html");
    let text = read(&path).replacen(
        "<div class=\"prose\">",
        "<a href=\"missing-page.html\">x</a><div class=\"prose\">",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let run = handbook_in(root.path(), &["build"]);
    assert_fails(&run);
    assert!(
        text_of(&run).contains("missing-page.html"),
        "{}",
        text_of(&run)
    );
}

#[test]
fn outside_links_are_listed_as_notes_for_review_by_check() {
    let run = handbook(&["check"]);
    assert_ok(&run);
    assert!(
        // The model's own 2009 addresses are text, not links (issue 15);
        // the accessibility statement links to the guidelines it follows.
        text(&run).contains("outside link to https://www.w3.org/TR/WCAG22/"),
        "{}",
        text(&run)
    );
}
