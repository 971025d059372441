//! The reader first (issue 31): what a social worker meets on a step page
//! before and around the guidance, read from the built pages. Where the
//! guidance starts on a phone, and how pages print, are measured in a real
//! browser by the browser gate (`tests/browser/run.mjs`).

mod common;

use common::*;

fn page(edition: &str, file: &str) -> String {
    read(shipped_build().join(edition).join(file))
}

/// A built page of the shipped handbook, parsed.
fn parsed(edition: &str, file: &str) -> Html {
    Html::parse(&page(edition, file))
}

/// The date a page's facts say it was last updated (its `<dd>`), in
/// English or Welsh; `None` on a page without facts.
fn last_updated(page: &Html) -> Option<common::html::Element<'_>> {
    let term = page
        .all("dt")
        .iter()
        .find(|dt| ["Last updated", "Diweddarwyd ddiwethaf"].contains(&dt.text().as_str()))?;
    term.next().filter(|dd| dd.name() == "dd")
}

/// Every shipped edition and language, by its folder in the build.
const EDITIONS: [&str; 5] = [
    "model",
    "exampleshire",
    "kinloch-vale",
    "cwm-derwen",
    "cwm-derwen/cy",
];

/// Every step page of every shipped edition and language.
fn step_pages() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for edition in EDITIONS {
        for n in 1..=7 {
            found.push((edition.to_string(), format!("step-{n}.html")));
        }
    }
    found
}

#[test]
fn every_step_page_has_a_step_switcher_with_its_own_step_marked() {
    let every_step: Vec<String> = (1..=7).map(|n| format!("step-{n}.html")).collect();
    for (edition, file) in step_pages() {
        let html = parsed(&edition, &file);
        assert_eq!(
            html.count("ul.step-switcher"),
            2,
            "{edition}/{file}: under the title and above previous/next"
        );
        let top = html.first("nav.steps-nav").expect("a steps nav");
        assert_eq!(
            top.all("a").attrs("href"),
            every_step,
            "{edition}/{file}: a link to each step"
        );
        let current = top.all("[aria-current=page]").one();
        assert_eq!(
            (current.name(), current.attr("href")),
            ("a", Some(file.as_str())),
            "{edition}/{file}: its own step is not marked"
        );
        assert!(
            html.has("p.back-to-top[data-pagefind-ignore] > a[href='#top']"),
            "{edition}/{file}: back to top"
        );
        assert!(html.has("#top"), "{edition}/{file}: the top it leads to");
    }
}

#[test]
fn the_fictional_notice_is_one_line_on_inner_pages_and_whole_on_the_home_page() {
    let step = parsed("exampleshire", "step-3.html");
    // Inside the header, so within a landmark.
    let notice = step.one("header div.notice");
    // One line, folded, that opens to the whole notice.
    let summary = notice.one(":scope > div.width > details.notice__fold > summary.notice__summary");
    assert_eq!(summary.text(), "Please note: a fictional council.");
    assert_eq!(summary.one("strong").text(), "Please note:");
    assert!(notice
        .one("details")
        .text()
        .contains("Its contacts, teams and examples do not exist."));
    let home = parsed("exampleshire", "index.html");
    let whole = home.one("div.notice > div.width > p:first-child");
    assert!(
        !home.has("div.notice details"),
        "not folded on the home page"
    );
    assert_eq!(whole.one("strong").text(), "Please note:");
    assert!(
        whole
            .text()
            .starts_with("Please note: Exampleshire County Council is a fictional council"),
        "{}",
        whole.text()
    );
}

#[test]
fn every_model_page_says_near_its_top_that_it_is_2009_text() {
    for file in [
        "index.html",
        "step-1.html",
        "staying-safe.html",
        "glossary.html",
    ] {
        let top = parsed("model", file).one("header").text();
        // One line on inner pages, whole on the home page.
        let line = if file == "index.html" {
            "In Control published on 8 October 2009 (Draft 6). It has not been updated for the law since"
        } else {
            "In Control's 2009 text, not updated for current law."
        };
        assert!(top.contains(line), "model/{file}: {top}");
        assert!(top.contains("Care Act 2014"), "model/{file}");
        assert!(
            top.contains("Use your council's edition of this handbook"),
            "model/{file}"
        );
    }
    assert!(!parsed("exampleshire", "step-1.html")
        .text()
        .contains("2009 text, not updated"));
}

#[test]
fn a_councils_note_its_own_text_and_an_example_are_marked_apart() {
    let step = parsed("exampleshire", "step-3.html");
    assert!(step.has("div.hb-local.hb-note"), "a note");
    assert!(step.has("div.hb-local:not(.hb-note)"), "its own text");
    assert!(step.has("div.example[id]"), "an example");
    // The closing lines are read out but not shown, and not in the index.
    assert!(step
        .all("p.hb-local-end.visually-hidden[data-pagefind-ignore]")
        .texts()
        .contains(&"End of the note from Exampleshire County Council.".to_string()));
    assert!(step.has("p.hb-local-label[data-pagefind-ignore] > strong:first-child"));
    // The editors' heading marks, likewise.
    assert!(step
        .all("span.editorial__mark.visually-hidden[data-pagefind-ignore]")
        .texts()
        .contains(&"(heading added by the editors)".to_string()));
    let css = read(repo().join("themes/default/static/handbook.css"));
    for rule in [
        ".hb-local {\n  border: 2px solid",
        ".hb-note {\n  border: 0;\n  border-left: 10px solid",
        ".example {\n  background: var(--panel);\n  border-top: 5px solid",
    ] {
        assert!(css.contains(rule), "three shapes, not colours: {rule}");
    }
}

#[test]
fn a_printed_page_carries_a_stamp_and_the_whole_handbook_nests_its_sections() {
    let step = parsed("exampleshire", "step-3.html");
    let stamp = step.one("div.page-stamp.print-only").text();
    // The stamp's date is the one the page's facts give.
    let updated = last_updated(&step).expect("the page's facts").own_text();
    let updated = format!("Last updated: {updated}.");
    for words in [
        "From Exampleshire County Council, the edition built on",
        updated.as_str(),
        "Printed copies are uncontrolled.",
    ] {
        assert!(stamp.contains(words), "{words}: {stamp}");
    }
    assert!(step.has("[data-print-date='Printed on {date}.']"));
    assert!(step.has("section.backlinks.screen-only"));
    let print = parsed("exampleshire", "print.html");
    assert!(print.has("nav.contents.print-contents"));
    // Each page a section under its title, its own headings one level down.
    let step3 = print.one("section.print-page#step-3");
    assert_eq!(step3.all("h2").attrs("id"), ["step-3--title"], "{step3:?}");
    assert!(step3.has("h3#step-3--social-work-role"), "{step3:?}");
}

#[test]
fn contact_numbers_are_links_that_call_them() {
    let home = parsed("exampleshire", "index.html");
    assert!(home
        .all("a[href='tel:01632960200']")
        .texts()
        .contains(&"01632\u{a0}960200".to_string()));
}

#[test]
fn an_urgent_box_comes_before_everything_on_its_page() {
    let dir = copy_of_shipped();
    let root = dir.path();
    let config = root.join("local-overrides/exampleshire/authority.yaml");
    // In place of the council's own box.
    let mut yaml = read(&config);
    yaml.truncate(yaml.find("\nurgent:\n").expect("an urgent box") + 1);
    yaml.push_str(
        "urgent:\n  step-4:\n    heading: \"If you are worried about someone now\"\n    items:\n      - text: \"If someone is in immediate danger, call\"\n        phone: \"999\"\n      - text: Safeguarding Adults Team\n        phone: \"01632 960200\"\n    note: Step 4 says more about money.\n    section: social-work-role\n",
    );
    std::fs::write(&config, &yaml).unwrap();
    let out = root.join("out");
    assert_ok(&handbook_in(
        root,
        &["build", "--no-search", "--out", out.to_str().unwrap()],
    ));
    let step4 = Html::parse(&read(out.join("exampleshire/step-4.html")));
    let urgent = step4.one("aside.urgent");
    assert!(
        urgent.is_before(&step4.first("header").unwrap()),
        "before the header"
    );
    let phones = urgent.all("a.urgent__phone");
    assert_eq!(phones.attrs("href"), ["tel:999", "tel:01632960200"]);
    assert_eq!(phones.texts(), ["999", "01632\u{a0}960200"]);
    let note = urgent.one("p.urgent__note > a");
    assert_eq!(note.text(), "Step 4 says more about money.");
    assert_eq!(note.attr("href"), Some("#social-work-role"));
    assert!(!Html::parse(&read(out.join("exampleshire/step-5.html"))).has(".urgent"));

    // A page the edition does not have is an error that names the closest.
    std::fs::write(&config, yaml.replace("  step-4:\n", "  step-44:\n")).unwrap();
    let run = handbook_in(root, &["check"]);
    assert_fails(&run);
    let said = text(&run);
    assert!(
        said.contains("the urgent box for `step-44` is for a page this edition does not have"),
        "{said}"
    );
    assert!(said.contains("step-4"), "{said}");

    // A section the page does not have is a warning at the box's `section:`
    // line, not a note that silently links nowhere.
    std::fs::write(
        &config,
        yaml.replace("section: social-work-role", "section: social-work-rol"),
    )
    .unwrap();
    let run = handbook_in(root, &["check", "--authority", "exampleshire"]);
    let said = text(&run);
    let line = yaml
        .lines()
        .position(|l| l.contains("section: social-work-role"))
        .unwrap()
        + 1;
    assert!(
        said.contains("the urgent box for `step-4` links to the section `social-work-rol`, which that page does not have"),
        "{said}"
    );
    assert!(
        said.contains(&format!("authority.yaml:{line}:")),
        "at its line {line}: {said}"
    );
    assert!(
        said.contains("social-work-role"),
        "the hint names the closest: {said}"
    );
}

/// The entries of an A to Z page: (letter, subject, visible text).
fn a_to_z_entries(html: &str) -> Vec<(String, String, String)> {
    let page = Html::parse(html);
    assert!(page.has("h2.a-z__letter"), "letters");
    let mut entries = Vec::new();
    let mut letter = String::new();
    for element in page.all("h2.a-z__letter, ul.a-z__list > li") {
        if element.name() == "h2" {
            letter = element.text();
        } else {
            // The subject: its link's words, or the words before its places.
            let subject = element.one(":scope > :first-child").text().to_lowercase();
            entries.push((letter.clone(), subject, element.text()));
        }
    }
    entries
}

#[test]
fn the_a_to_z_is_a_subject_index_with_each_subject_once_and_the_steps_in_order() {
    for edition in EDITIONS {
        let entries = a_to_z_entries(&page(edition, "a-z.html"));
        assert!(entries.len() > 20, "{edition}: {entries:?}");
        // No subject twice under one letter.
        let mut seen = std::collections::HashSet::new();
        for (letter, subject, _) in &entries {
            assert!(
                seen.insert(subject.clone()),
                "{edition}: {subject} twice (under {letter})"
            );
        }
        // Sources of help is one entry listing the seven steps.
        let sources: Vec<_> = entries
            .iter()
            .filter(|(_, _, t)| t.starts_with("Sources of help"))
            .collect();
        if edition != "cwm-derwen/cy" {
            assert_eq!(sources.len(), 1, "{edition}: {sources:?}");
        }
        // The steps in step order.
        let steps: Vec<&str> = entries
            .iter()
            .map(|(_, _, t)| t.as_str())
            .filter(|t| t.starts_with("Step ") && t.contains(": ") && !t.contains(" in "))
            .collect();
        if edition != "cwm-derwen/cy" {
            let numbers: Vec<&str> = steps
                .iter()
                .map(|t| t.split([' ', ':']).nth(1).unwrap())
                .collect();
            assert_eq!(
                numbers,
                ["One", "Two", "Three", "Four", "Five", "Six", "Seven"],
                "{edition}: {steps:?}"
            );
        }
    }
    // Subjects a social worker looks for, from the pages' keywords.
    let model = a_to_z_entries(&page("model", "a-z.html"));
    for subject in [
        "direct payments",
        "safeguarding",
        "carers",
        "support plan",
        "review",
    ] {
        assert!(
            model.iter().any(|(_, s, _)| s == subject),
            "no entry for {subject}: {model:?}"
        );
    }
    let safeguarding = model.iter().find(|(_, s, _)| s == "safeguarding").unwrap();
    assert_eq!(safeguarding.0, "S");
    assert!(
        safeguarding.2.contains("Helping People to Stay Safe"),
        "{safeguarding:?}"
    );
    // A glossary term leads to its definition.
    assert!(parsed("model", "a-z.html").has("a[href^='glossary.html#']"));
}

#[test]
fn a_pages_keywords_are_in_the_a_to_z() {
    let dir = copy_of_model();
    let root = dir.path();
    let step5 = read(root.join("content/step-5.md"));
    std::fs::write(
        root.join("content/step-5.md"),
        step5.replacen("keywords: [", "keywords: [personal assistants, ", 1),
    )
    .unwrap();
    let out = root.join("out");
    assert_ok(&handbook_in(
        root,
        &["build", "--no-search", "--out", out.to_str().unwrap()],
    ));
    let az = Html::parse(&read(out.join("model/a-z.html")));
    let entry = az
        .all("ul.a-z__list > li")
        .with_text("personal assistants in Step Five: Organising my support")
        .one();
    let link = entry.one("a");
    assert_eq!(
        (link.text().as_str(), link.attr("href")),
        ("personal assistants", Some("step-5.html"))
    );
    assert_eq!(
        entry.one("span.a-z__within").text(),
        "in Step Five: Organising my support"
    );
}

#[test]
fn each_demonstration_council_puts_an_urgent_box_on_its_safeguarding_page() {
    for edition in [
        "exampleshire",
        "kinloch-vale",
        "cwm-derwen",
        "cwm-derwen/cy",
    ] {
        let html = parsed(edition, "staying-safe.html");
        let urgent = html.one("aside.urgent");
        assert!(
            urgent.is_before(&html.first("header").unwrap()),
            "{edition}: before the header"
        );
        assert_eq!(
            urgent.one("a.urgent__phone[href='tel:999']").text(),
            "999",
            "{edition}"
        );
        let section = urgent.one("a[href^='#']").attr("href").unwrap();
        assert_eq!(
            html.count(&format!("[id='{}']", &section[1..])),
            1,
            "{edition}: the note links to {section}"
        );
    }
    assert!(!parsed("model", "staying-safe.html").has(".urgent"));
}

/// The text the search index holds for each page of an edition's index.
fn indexed(index: &std::path::Path) -> Vec<(String, String)> {
    index_fragments(index)
        .into_iter()
        .map(|fragment| {
            (
                fragment["url"].as_str().unwrap_or("").to_string(),
                fragment["content"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_search_index_holds_the_guidance_not_the_labels_around_it() {
    let out = shipped_build();
    for edition in ["exampleshire", "kinloch-vale", "cwm-derwen"] {
        let pages = indexed(&out.join(edition).join("pagefind"));
        assert!(pages.len() > 10, "{edition}");
        for (url, content) in &pages {
            for label in [
                "End of the note from",
                "own text.",
                "Why this note",
                "Why it differs from the model",
                "heading added by the editors",
                "Adapted by",
                "Printed copies are uncontrolled",
                "Back to top",
            ] {
                assert!(!content.contains(label), "{edition}{url} indexes “{label}”");
            }
        }
        // Contacts: each term apart from what follows it.
        let (_, home) = pages
            .iter()
            .find(|(url, _)| url.ends_with("/index.html") || url == "/")
            .unwrap();
        assert!(!home.contains("Telephone01632"), "{home}");
        assert!(home.contains("Telephone: 01632"), "{home}");
    }
    // The council's own words are still there.
    let pages = indexed(&out.join("exampleshire/pagefind"));
    assert!(pages
        .iter()
        .any(|(_, c)| c.contains("team managers agree most support plans")));
}

#[test]
fn a_term_that_shares_a_definition_says_see_rather_than_repeat_it() {
    for edition in ["model", "exampleshire"] {
        let glossary = parsed(edition, "glossary.html").text();
        assert!(
            glossary.contains("Personal Budget Holder See citizen"),
            "{edition}: {glossary}"
        );
        assert!(
            glossary.contains("Individual Budget Holder See citizen"),
            "{edition}: {glossary}"
        );
        assert_eq!(
            glossary
                .matches("We avoid the terms client and service user.")
                .count(),
            1,
            "{edition}: the definition once"
        );
    }
    let glossary = parsed("model", "glossary.html");
    let sees = glossary.all("p").with_text("See citizen.");
    assert!(!sees.is_empty());
    for see in sees {
        assert_eq!(see.one("a").attr("href"), Some("#term-citizen"));
    }
}

#[test]
fn every_last_updated_date_is_on_whats_changed_under_that_date() {
    let mut checked = 0;
    for edition in [
        "exampleshire",
        "kinloch-vale",
        "cwm-derwen",
        "cwm-derwen/cy",
    ] {
        let changes = parsed(edition, "changes.html");
        for file in html_files(&shipped_build().join(edition)) {
            if file.parent() != Some(&shipped_build().join(edition)) {
                continue; // another language's pages, or a past version's
            }
            let html = Html::parse(&read(&file));
            let Some(dd) = last_updated(&html) else {
                continue;
            };
            let date = dd.own_text();
            let change = dd.first("a[href^='changes.html#']");
            if date.ends_with("2009") {
                assert!(change.is_none(), "{}", file.display());
                continue;
            }
            let anchor = change
                .and_then(|a| a.attr("href"))
                .unwrap_or_else(|| {
                    panic!(
                        "{}: “Last updated {date}” links to no change",
                        file.display()
                    )
                })
                .trim_start_matches("changes.html#");
            // The heading of that day, with entries under it.
            let heading = changes
                .first(&format!("[id='{anchor}']"))
                .unwrap_or_else(|| panic!("{edition}/changes.html has no #{anchor}"));
            assert_eq!(
                (heading.name(), heading.text()),
                ("h2", date.clone()),
                "{}",
                file.display()
            );
            let list = heading.next().filter(|l| l.has_class("change-list"));
            assert!(
                list.is_some_and(|l| l.has(":scope > li")),
                "{}: no changes under {date}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} pages checked");
    let feed = read(shipped_build().join("exampleshire/changes.xml"));
    assert!(
        feed.contains("wrote or reviewed its note on"),
        "the feed says the same"
    );
}

#[test]
fn a_printed_page_names_the_release_in_force() {
    let dir = copy_of_shipped();
    let root = dir.path();
    with_model_release(root);
    let out = root.join("site");
    assert_ok(&handbook_in(
        root,
        &["build", "--no-search", "--out", out.to_str().unwrap()],
    ));
    let step = Html::parse(&read(out.join("model/step-3.html")));
    let stamp = step.one("div.page-stamp.print-only").text();
    assert!(
        stamp.contains("Version 1.0 of the edition has been in force since 12 January 2026."),
        "{stamp}"
    );
    // Without releases, the build date alone.
    assert!(!parsed("model", "step-3.html")
        .one("div.page-stamp.print-only")
        .text()
        .contains("has been in force since"));
}
