//! Issue 15: readers can see whose words they read, and policy leads review
//! the model's changes one override at a time. Each test builds or runs the
//! real binary on the shipped handbook (or a copy of it) and reads what a
//! reader or a policy lead would see.

mod common;

use std::path::Path;

use common::*;

/// Changes the model's definition of a social worker, under one override of
/// each shipped authority.
fn change_the_model(root: &Path) {
    edit(
        root,
        "content/terminology.md",
        "General Social Care Council",
        "Care Registration Board",
    );
}

/// Replaces `from` with `to` in a file under `root`, which must contain it.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = read(&path);
    assert!(text.contains(from), "{file} lacks {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Builds the editions of `root` with `args` into `root/out`, without a
/// search index, and returns the output folder.
fn built(root: &Path, args: &[&str]) -> std::path::PathBuf {
    let out = root.join("out");
    let mut all = vec!["build", "--no-search", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    assert_ok(&handbook_in(root, &all));
    out
}

/// Asserts that `text` contains `part`, showing the text if not.
fn shows(text: &str, part: &str) {
    assert!(text.contains(part), "expected {part:?} in:\n{text}");
}

const STALE: &str = "local-overrides/exampleshire/overrides/terminology-social-worker.md";

// ---------------------------------------------------------------------------
// Item 7: drift is reviewed one override at a time

#[test]
fn accept_without_files_lists_what_waits_for_review_and_records_nothing() {
    let dir = copy_of_shipped();
    change_the_model(dir.path());
    let before = read(dir.path().join(STALE));
    let run = handbook_in(dir.path(), &["accept", "exampleshire"]);
    assert_fails(&run);
    let said = text(&run);
    shows(
        &said,
        "terminology-social-worker.md (terminology#social-worker)",
    );
    shows(&said, "Nothing was recorded");
    shows(&said, "--all");
    assert_eq!(read(dir.path().join(STALE)), before, "a file was changed");
}

#[test]
fn accept_with_nothing_stale_says_so_and_succeeds() {
    let dir = copy_of_shipped();
    let run = handbook_in(dir.path(), &["accept", "exampleshire"]);
    assert_ok(&run);
    assert!(text(&run).contains("Nothing to do"), "{}", text(&run));
}

#[test]
fn accept_of_one_file_shows_the_model_change_and_records_only_that_file() {
    let dir = copy_of_shipped();
    let root = dir.path();
    change_the_model(root);
    // A second stale override of the same authority, which must stay stale.
    edit(
        root,
        "content/step-3.md",
        "A system that supports social workers",
        "A system that helps social workers",
    );
    let other = "local-overrides/exampleshire/overrides/step-3-local-panel.md";
    let other_before = read(root.join(other));

    let run = handbook_in(
        root,
        &["accept", "exampleshire", "terminology-social-worker.md"],
    );
    assert_ok(&run);
    let said = text(&run);
    assert!(
        said.contains("- A *social worker* is a qualified professional, subject to registration as such by the General Social Care Council"),
        "the old model text is not shown:\n{said}"
    );
    assert!(
        said.contains("+ A *social worker* is a qualified professional, subject to registration as such by the Care Registration Board"),
        "the new model text is not shown:\n{said}"
    );
    shows(&said, "Recorded the review of 1 override");
    assert!(!said.contains("step-3-local-panel"), "{said}");
    assert_eq!(
        read(root.join(other)),
        other_before,
        "another override was recorded"
    );
    let snapshot = read(
        root.join("local-overrides/exampleshire/model-snapshots/terminology-social-worker.md"),
    );
    shows(&snapshot, "Care Registration Board");

    let check = handbook_in(
        root,
        &["check", "--authority", "exampleshire", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let stale: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "stale-override")
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(
        !stale
            .iter()
            .any(|f| f.ends_with("overrides/terminology-social-worker.md")),
        "the accepted override is still stale: {stale:?}"
    );
    assert!(
        stale
            .iter()
            .any(|f| f.ends_with("overrides/step-3-local-panel.md")),
        "the other override is no longer reported: {stale:?}"
    );
}

#[test]
fn accept_of_an_unknown_file_names_the_overrides_and_records_nothing() {
    let dir = copy_of_shipped();
    change_the_model(dir.path());
    let before = read(dir.path().join(STALE));
    let run = handbook_in(
        dir.path(),
        &[
            "accept",
            "exampleshire",
            "terminology-social-worker.md",
            "terminology-socialworker",
        ],
    );
    assert_fails(&run);
    let said = text(&run);
    shows(&said, "`terminology-socialworker` is not an override");
    shows(&said, "did you mean `terminology-social-worker.md`");
    assert_eq!(read(dir.path().join(STALE)), before, "a file was recorded");
}

#[test]
fn accept_all_records_every_stale_override_explicitly() {
    let dir = copy_of_shipped();
    change_the_model(dir.path());
    let run = handbook_in(dir.path(), &["accept", "kinloch-vale", "--all"]);
    assert_ok(&run);
    assert!(
        text(&run).contains("overrides/terminology-social-worker.md"),
        "{}",
        text(&run)
    );
    let check = handbook_in(
        dir.path(),
        &["check", "--authority", "kinloch-vale", "--deny-warnings"],
    );
    assert_ok(&check);
}

#[test]
fn diff_marks_overrides_whose_model_text_changed() {
    let dir = copy_of_shipped();
    let clean = text(&handbook_in(dir.path(), &["diff", "exampleshire"]));
    assert!(!clean.contains("model text changed"), "{clean}");
    change_the_model(dir.path());
    let run = handbook_in(dir.path(), &["diff", "exampleshire"]);
    assert_ok(&run);
    let printed = text(&run);
    let entry = printed
        .split("\n\n")
        .find(|e| e.contains("terminology-social-worker.md"))
        .unwrap_or_else(|| panic!("no entry for the override:\n{printed}"));
    assert!(
        entry.contains("the model text changed since this override was last reviewed")
            && entry.contains("handbook accept exampleshire terminology-social-worker.md"),
        "{entry}"
    );
    let marked = printed.matches("model text changed since").count();
    assert_eq!(marked, 1, "only the stale override is marked:\n{printed}");
}

// ---------------------------------------------------------------------------
// Item 4: examples say where they come from

/// The text of each example of a page, its source line included.
fn example_texts(page: &Path) -> Vec<String> {
    Html::parse(&read(page)).all(".example").texts()
}

#[test]
fn kinloch_vale_never_heads_the_reports_examples_as_its_own() {
    let out = shipped_build().join("kinloch-vale");
    let mut pages_with_examples = 0;
    for page in html_files(&out) {
        let html = Html::parse(&read(&page));
        let shown = html.text();
        assert!(
            !shown.contains("Local practice examples")
                && !shown.contains("Examples of practice from Kinloch Vale Council"),
            "{} labels the report's examples as the council's own",
            page.display()
        );
        if let Some(heading) = html.first("#hb-examples") {
            pages_with_examples += 1;
            assert_eq!(
                (heading.name(), heading.text().as_str()),
                (
                    "h2",
                    "Practice examples from the Social Work Scotland report"
                ),
                "{}: the heading over examples does not name the report",
                page.display()
            );
        }
    }
    assert!(
        pages_with_examples >= 5,
        "only {pages_with_examples} pages show examples"
    );
    let index = visible_text(&read(out.join("examples.html")));
    shows(&index, "Practice examples from the Social Work Scotland report These examples are drawn from a report by Social Work Scotland (2016)");
    shows(&index, "not Kinloch Vale Council's own practice");
}

#[test]
fn each_example_shows_its_source_once() {
    let out = shipped_build().join("kinloch-vale");
    for file in ["examples.html", "step-5.html", "step-3.html", "print.html"] {
        let blocks = example_texts(&out.join(file));
        assert!(!blocks.is_empty(), "{file} shows no example");
        for text in blocks {
            // The source line, the citation in it, the report's example
            // number and whose practice it is: each exactly once.
            for (part, times) in [
                ("Source:", 1),
                ("Commissioned by the Scottish Government", 1),
                (
                    "another organisation's practice, not Kinloch Vale Council's",
                    1,
                ),
            ] {
                assert_eq!(
                    text.matches(part).count(),
                    times,
                    "{file}: {part:?} in:\n{text}"
                );
            }
            shows(&text, ". Example ");
        }
    }
}

#[test]
fn exampleshire_examples_are_its_own_practice() {
    let out = shipped_build().join("exampleshire");
    let step = Html::parse(&read(out.join("step-3.html")));
    assert_eq!(step.one("h2#hb-examples").text(), "Local practice examples");
    let blocks = step.all(".example").texts();
    assert!(!blocks.is_empty(), "step 3 shows no example");
    for text in blocks {
        shows(
            &text,
            "Source: the practice of Exampleshire County Council.",
        );
        assert!(!text.contains("another organisation"), "{text}");
    }
    let index = visible_text(&read(out.join("examples.html")));
    shows(&index, "Exampleshire is a fictional council");
}

#[test]
fn an_example_drawn_from_nowhere_is_an_error_where_it_says_so() {
    let dir = copy_of_shipped();
    let file = "local-overrides/exampleshire/examples/ex-challenging-a-plan.md";
    edit(
        dir.path(),
        file,
        "attach: [step-3]\n",
        "attach: [step-3]\norigin: drawn\n",
    );
    let run = handbook_in(dir.path(), &["check", "--authority", "exampleshire"]);
    assert_fails(&run);
    let said = text(&run);
    shows(&said, &format!("{file}:5:"));
    shows(&said, "does not say where it is drawn from");
}

#[test]
fn an_example_with_a_source_is_drawn_unless_it_says_it_is_the_councils_own() {
    let dir = copy_of_shipped();
    let root = dir.path();
    edit(
        root,
        "local-overrides/exampleshire/authority.yaml",
        "examples:\n",
        "sources:\n  - id: eval-2025\n    citation: \"Exampleshire County Council (2025) Evaluation of support planning.\"\nexamples:\n",
    );
    edit(
        root,
        "local-overrides/exampleshire/examples/ex-challenging-a-plan.md",
        "attach: [step-3]\n",
        "attach: [step-3]\nsource: eval-2025\norigin: own\n",
    );
    let out = built(root, &["--authority", "exampleshire"]);
    let shown = example_texts(&out.join("examples.html"))
        .into_iter()
        .find(|b| b.contains("A plan that relied on one person"))
        .unwrap();
    shows(
        &shown,
        "Source: the practice of Exampleshire County Council.",
    );
}

// ---------------------------------------------------------------------------
// Item 8: the editions index says which editions are fictional

#[test]
fn the_editions_index_marks_the_demonstration_councils_as_fictional() {
    let index = Html::parse(&read(shipped_build().join("index.html")));
    let entry = |slug: &str| edition_entry(&index, slug);
    for slug in ["exampleshire", "kinloch-vale", "cwm-derwen"] {
        assert!(
            entry(slug).contains("Fictional demonstration:"),
            "{slug}: {}",
            entry(slug)
        );
    }
    assert!(!entry("model").contains("Fictional"), "{}", entry("model"));
}

#[test]
fn only_an_authority_that_says_so_is_marked_as_a_demonstration() {
    let dir = copy_of_shipped();
    let root = dir.path();
    edit(
        root,
        "local-overrides/exampleshire/authority.yaml",
        "demonstration: true\n",
        "",
    );
    let out = built(root, &[]);
    let index = Html::parse(&read(out.join("index.html")));
    let exampleshire = edition_entry(&index, "exampleshire");
    assert!(!exampleshire.contains("Fictional"), "{exampleshire}");
    assert!(edition_entry(&index, "kinloch-vale").contains("Fictional demonstration"));
}

/// What the editions index says of an edition: its entry's text.
fn edition_entry(index: &Html, slug: &str) -> String {
    index
        .all(&format!("li:has(> a[href='{slug}/index.html'])"))
        .one()
        .text()
}

// ---------------------------------------------------------------------------
// Item 6: the differences page reads as readers read

/// One entry of a differences page, by its id.
fn entry_of<'h>(page: &'h Html, id: &str) -> common::html::Element<'h> {
    page.one(&format!("section.difference[id='{id}']"))
}

#[test]
fn the_differences_page_shows_rendered_text_with_changes_marked_in_words() {
    let dir = copy_of_shipped();
    let root = dir.path();
    let over = "local-overrides/exampleshire/overrides/terminology-social-worker.md";
    let source = read(root.join(over));
    // The local text uses a variable and a cross-reference, and keeps one
    // block of the model's text unchanged.
    let body_at = source[3..].find("---\n").unwrap() + 7;
    let replaced = format!(
        "{}## Social worker {{#social-worker}}\n\nCall {{{{ vars.safeguarding_phone }}}} and see [[step-3#good-plan-checklist]].\n",
        &source[..body_at]
    );
    std::fs::write(root.join(over), replaced).unwrap();
    let out = built(root, &["--authority", "exampleshire"]);
    let raw_page = read(out.join("differences.html"));
    for raw in ["{{", "{#", "### ", "## ", "[["] {
        assert!(
            !raw_page.contains(raw),
            "raw source `{raw}` on the differences page"
        );
    }
    let html = Html::parse(&raw_page);
    let entry = entry_of(&html, "override-terminology-social-worker");
    let model_side = entry.one(".comparison__side--model");
    let local_side = entry.one(".comparison__side--local");
    assert_eq!(
        model_side.one(".comparison__heading").text(),
        "In the model guidance"
    );
    assert_eq!(
        local_side.one(".comparison__heading").text(),
        "In this edition"
    );
    assert!(
        model_side
            .all("del.change.change--removed")
            .texts()
            .iter()
            .any(|t| t.starts_with("Removed: A social worker is a qualified professional")),
        "{model_side:?}"
    );
    let added = local_side
        .all("ins.change.change--added")
        .containing("Added: Call 01632 960200 and see")
        .one();
    assert!(
        added.has("a[href='step-3.html#good-plan-checklist']"),
        "the cross-reference is not a link:\n{local_side:?}"
    );
    // The heading both sides share is shown once on each side, unmarked.
    for side in [model_side, local_side] {
        let heading = side.first("h5").expect("the shared heading");
        assert!(heading.text().starts_with("Social worker"));
        assert!(
            !side.has(".change h5")
                && side
                    .all(".change__label")
                    .iter()
                    .all(|label| heading.is_before(&label)),
            "the unchanged heading is marked as a change"
        );
    }
    let css = read(out.join("assets/handbook.css"));
    assert!(css.contains(".comparison--two {") && css.contains("flex-wrap: wrap"));
}

#[test]
fn every_override_has_a_stable_entry_on_the_differences_page() {
    let out = shipped_build();
    for slug in ["exampleshire", "kinloch-vale", "cwm-derwen"] {
        let html = Html::parse(&read(out.join(slug).join("differences.html")));
        let folder = repo().join("local-overrides").join(slug).join("overrides");
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if is_translation(&path) {
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let id = format!("override-{stem}");
            assert_eq!(
                html.count(&format!("section.difference[id='{id}']")),
                1,
                "{slug}: no entry {id}"
            );
        }
        assert!(
            !html.text().contains("line by line"),
            "{slug} still compares source lines"
        );
    }
}

#[test]
fn additions_and_removals_are_marked_as_wholes() {
    let html = Html::parse(&read(shipped_build().join("exampleshire/differences.html")));
    let entry = entry_of(&html, "override-step-3-local-panel");
    let added = entry.one(".comparison__side--local ins.change.change--added");
    assert_eq!(
        added.one(":scope > .change__label").text(),
        "Added by Exampleshire County Council:",
        "{entry:?}"
    );
    assert!(
        !entry.has(".comparison__side--model") && !entry.text().contains("In the model guidance"),
        "an addition leaves the model as it is"
    );
}

// ---------------------------------------------------------------------------
// Item 5: editors' words are told apart from In Control's

/// The headings marked `.editorial` in the shipped model, as (page file,
/// heading text).
fn editorial_headings_in_content() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(repo().join("content")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        for line in read(&path).lines() {
            if line.starts_with('#') && line.contains(".editorial}") {
                let text = line
                    .trim_start_matches('#')
                    .split(" {")
                    .next()
                    .unwrap()
                    .trim();
                found.push((
                    path.file_name().unwrap().to_string_lossy().to_string(),
                    text.to_string(),
                ));
            }
        }
    }
    found
}

#[test]
fn editorial_headings_say_so_in_words_on_the_page_and_in_print() {
    let model = shipped_build().join("model");
    let headings = editorial_headings_in_content();
    assert!(
        headings.len() >= 14,
        "only {} editorial headings",
        headings.len()
    );
    let step = Html::parse(&read(model.join("step-2.html")));
    let heading = step.one("h3#sources-of-help.editorial");
    assert_eq!(
        heading.text(),
        "Sources of help (heading added by the editors)"
    );
    // The mark is read out, not shown, and not in the index.
    let mark = heading.one("span.editorial__mark.visually-hidden[data-pagefind-ignore]");
    assert_eq!(mark.text(), "(heading added by the editors)");
    let print = visible_text(&read(model.join("print.html")));
    for (file, heading) in &headings {
        assert!(
            print.contains(&format!("{heading} (heading added by the editors)")),
            "{file}: “{heading}” is not marked in the print view"
        );
    }
    // In Control's own headings are not marked.
    assert!(!print.contains("Acknowledgements (heading added"));
    assert!(!print.contains("Context (heading added"));
}

#[test]
fn the_credits_page_lists_every_editorial_change_from_the_markings() {
    let credits = read(shipped_build().join("model/credits.html"));
    let at = credits
        .find("Changes the editors made to In Control's text")
        .expect("the credits page lists editorial changes");
    let list = visible_text(&credits[at..]);
    for (file, heading) in editorial_headings_in_content() {
        assert!(
            list.contains(&format!("“{heading}”")),
            "{file}: heading “{heading}” is not listed on the credits page"
        );
    }
    for expected in [
        "Passages added",
        "“The guidance for each step is set out on the step pages",
        "Notes added to In Control's text",
        "“2009 address; the page no longer exists”",
        "Links made from In Control's words",
        "“the above table”, now a link to About this guidance: Social workers' contribution",
        "“steps two”, now a link to Step Two: Making my Plan",
        "The Terminology list, part of the document's opening, is published as its own page",
    ] {
        assert!(
            list.contains(expected),
            "credits lack {expected:?}:\n{list}"
        );
    }
}

#[test]
fn a_newly_marked_heading_is_listed_on_credits_without_other_edits() {
    let dir = copy_of_model();
    let root = dir.path();
    edit(
        root,
        "content/step-4.md",
        "Social workers are often in a good position to mediate",
        "### Mediation {#mediation .editorial}\n\nSocial workers are often in a good position to mediate",
    );
    let out = built(root, &[]);
    let credits = read(out.join("model/credits.html"));
    assert!(
        visible_text(&credits).contains("Step Four: Organising my money : “Mediation”"),
        "{}",
        visible_text(&credits)
    );
    assert!(Html::parse(&credits).has("a[href='step-4.html#mediation']"));
    let page = visible_text(&read(out.join("model/step-4.html")));
    shows(&page, "Mediation (heading added by the editors)");
}

#[test]
fn editorial_passages_and_notes_are_marked_in_words() {
    let model = shipped_build().join("model");
    let about = visible_text(&read(model.join("about.html")));
    shows(&about, "Added by the editors (not In Control's text): The guidance for each step is set out on the step pages");
    let home = visible_text(&read(model.join("index.html")));
    shows(
        &home,
        "Added by the editors (not In Control's text): Start with",
    );
    // In Control's own words around them are not marked.
    assert!(!about
        .contains("Added by the editors (not In Control's text): This paper is one in a series"));
}

#[test]
fn the_column_headings_keep_in_controls_words() {
    let seed = read(repo().join("tests/fixtures/model-guidance-seed.txt"));
    assert!(seed.contains("The social work role <i>(as defined in the Social Workers' Contribution paper)</i>\tSystems, Practice and Professional Support"));
    let model = shipped_build().join("model");
    for n in 1..=7 {
        let html = Html::parse(&read(model.join(format!("step-{n}.html"))));
        let role = html.one("h2#social-work-role");
        assert_eq!(
            role.text(),
            "The social work role (as defined in the Social Workers' Contribution paper)",
            "step {n}"
        );
        assert_eq!(
            role.one("em").text(),
            "(as defined in the Social Workers' Contribution paper)",
            "step {n}: the italics of the 2009 text"
        );
        assert_eq!(
            html.one("h2#systems-practice-support").text(),
            "Systems, Practice and Professional Support",
            "step {n}"
        );
    }
}

// ---------------------------------------------------------------------------
// Item 8: 2009 addresses stay as text, marked

#[test]
fn the_models_2009_addresses_are_text_marked_as_2009_addresses() {
    let out = shipped_build();
    for page in html_files(out) {
        let html = Html::parse(&read(&page));
        for dead in [
            "cqc.org.uk",
            "in-control.org.uk",
            "shop4support",
            "supportplanning.org",
            "helensandersonassociates",
        ] {
            assert!(
                !html.has(&format!(
                    "[href^='http://www.{dead}'], [href^='https://www.{dead}']"
                )),
                "{}: a live link to a 2009 address ({dead})",
                page.display()
            );
        }
    }
    let step = visible_text(&read(out.join("model/step-3.html")));
    shows(&step, "howweinspectandrateyourcouncil.cfm [ Editors' note: 2009 address; the page no longer exists]");
    let print = visible_text(&read(out.join("kinloch-vale/print.html")));
    shows(
        &print,
        "www.shop4support.com [ Editors' note: 2009 address]",
    );
}

// ---------------------------------------------------------------------------
// Item 9: on a phone, the guidance comes first

#[test]
fn the_contents_list_is_a_disclosure_that_works_without_javascript() {
    let out = shipped_build();
    let mut pages = 0;
    for page in html_files(out) {
        let html = Html::parse(&read(&page));
        let Some(nav) = html.first("nav.site-nav") else {
            continue;
        };
        pages += 1;
        // Folded without JavaScript, so that on a phone the guidance comes
        // first (issue 31), and opened with a click or a key press: a
        // <details> needs no script. "Contents" in the page's language (a
        // Welsh site is in `cy/`).
        let word = if page.components().any(|c| c.as_os_str() == "cy") {
            "Cynnwys"
        } else {
            "Contents"
        };
        let fold = nav.one(":scope > details.site-nav__contents[data-contents]");
        assert_eq!(
            fold.attr("open"),
            None,
            "{}: folded without JavaScript",
            page.display()
        );
        assert_eq!(
            fold.one(":scope > summary.site-nav__summary:first-child")
                .text(),
            word,
            "{}: {nav:?}",
            page.display()
        );
        assert!(
            fold.has("ul.site-nav__list"),
            "{}: the list is not inside the disclosure",
            page.display()
        );
        // The page's own text follows the contents, whatever the script does.
        assert!(nav.is_before(&html.one("main")), "{}", page.display());
    }
    assert!(pages > 40, "only {pages} pages have the contents list");
    // The script opens the list where the stylesheet puts it beside the page.
    let model = out.join("model");
    let css = read(model.join("assets/handbook.css"));
    let js = read(model.join("assets/handbook.js"));
    assert!(css.contains("@media (max-width: 48.9375rem) {\n  .site-nav {\n    flex-basis: 100%;"));
    assert!(js.contains("window.matchMedia(\"(max-width: 48.9375rem)\")"));
    assert!(js.contains("fold.open = !narrow.matches;"));
    // In print the contents are left out.
    assert!(!Html::parse(&read(model.join("print.html"))).has(".site-nav__contents"));
}
