//! The reader first (issue 31): what a social worker meets on a step page
//! before and around the guidance, read from the built pages. Where the
//! guidance starts on a phone, and how pages print, are measured in a real
//! browser by the browser gate (`tests/browser/run.mjs`).

mod common;

use common::*;

fn page(edition: &str, file: &str) -> String {
    read(shipped_build().join(edition).join(file))
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
    for (edition, file) in step_pages() {
        let html = page(&edition, &file);
        let n: usize = file[5..6].parse().unwrap();
        let switchers = html.matches("<ul class=\"step-switcher\">").count();
        assert_eq!(
            switchers, 2,
            "{edition}/{file}: under the title and above previous/next"
        );
        let top = &html[html.find("<nav class=\"steps-nav\"").expect("a steps nav")..];
        let top = &top[..top.find("</nav>").unwrap()];
        for step in 1..=7 {
            let link = format!("<a href=\"step-{step}.html\"");
            assert!(
                top.contains(&link),
                "{edition}/{file}: no link to step {step}"
            );
        }
        let current = format!("<a href=\"step-{n}.html\" aria-current=\"page\">");
        assert_eq!(
            top.matches("aria-current=\"page\"").count(),
            1,
            "{edition}/{file}"
        );
        assert!(
            top.contains(&current),
            "{edition}/{file}: its own step is not marked"
        );
        assert!(html.contains("<p class=\"back-to-top\" data-pagefind-ignore><a href=\"#top\">"));
        assert!(
            html.contains("id=\"top\""),
            "{edition}/{file}: the top it leads to"
        );
    }
}

#[test]
fn the_fictional_notice_is_one_line_on_inner_pages_and_whole_on_the_home_page() {
    let step = page("exampleshire", "step-3.html");
    let notice = &step[step.find("<div class=\"notice\">").expect("a notice")..];
    assert!(notice.starts_with(
        "<div class=\"notice\"><div class=\"width\">\n    <details class=\"notice__fold\"><summary class=\"notice__summary\"><strong>Please note:</strong> a fictional council.</summary>"
    ));
    assert!(notice.contains("Its contacts, teams and examples do not exist."));
    // Inside the header, so within a landmark.
    assert!(step.find("<div class=\"notice\">").unwrap() < step.find("</header>").unwrap());
    let home = page("exampleshire", "index.html");
    assert!(home.contains("<div class=\"notice\"><div class=\"width\"><p><strong>Please note:</strong> Exampleshire County Council is a fictional council"));
}

#[test]
fn every_model_page_says_near_its_top_that_it_is_2009_text() {
    for file in [
        "index.html",
        "step-1.html",
        "staying-safe.html",
        "glossary.html",
    ] {
        let html = page("model", file);
        let header_end = html.find("</header>").unwrap();
        let top = visible_text(&html[..header_end]);
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
    assert!(!page("exampleshire", "step-1.html").contains("2009 text, not updated"));
}

#[test]
fn a_councils_note_its_own_text_and_an_example_are_marked_apart() {
    let step = page("exampleshire", "step-3.html");
    assert!(step.contains("<div class=\"hb-local hb-note\">"));
    assert!(step.contains("<div class=\"hb-local\">"));
    assert!(step.contains("<div class=\"example\" id="));
    // The closing lines are read out but not shown, and not in the index.
    assert!(step.contains(
        "<p class=\"hb-local-end visually-hidden\" data-pagefind-ignore>End of the note from Exampleshire County Council.</p>"
    ));
    assert!(step.contains("<p class=\"hb-local-label\" data-pagefind-ignore><strong>"));
    // The editors' heading marks, likewise.
    assert!(step.contains(
        "<span class=\"editorial__mark visually-hidden\" data-pagefind-ignore>(heading added by the editors)</span>"
    ));
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
    let step = page("exampleshire", "step-3.html");
    let stamp = &step[step
        .find("<div class=\"page-stamp print-only\"")
        .expect("a print stamp")..];
    let stamp = visible_text(&stamp[..stamp.find("</div>").unwrap()]);
    // The stamp's date is the one the page's facts give.
    let facts = &step[step
        .find("Last updated</dt><dd>")
        .expect("the page's facts")..];
    let updated = facts["Last updated</dt><dd>".len()..]
        .split(" <")
        .next()
        .unwrap();
    let updated = format!("Last updated: {updated}.");
    for words in [
        "From Exampleshire County Council, the edition built on",
        updated.as_str(),
        "Printed copies are uncontrolled.",
    ] {
        assert!(stamp.contains(words), "{words}: {stamp}");
    }
    assert!(step.contains("data-print-date=\"Printed on {date}.\""));
    assert!(step.contains("<section class=\"backlinks screen-only\""));
    let print = page("exampleshire", "print.html");
    assert!(print.contains("<nav class=\"contents print-contents\""));
    let step3 = &print[print
        .find("<section class=\"print-page\" id=\"step-3\"")
        .unwrap()..];
    let step3 = &step3[..step3.find("</section>").unwrap()];
    assert!(step3.contains("<h2 id=\"step-3--title\""));
    assert!(
        step3.contains("<h3 id=\"step-3--social-work-role\""),
        "{step3}"
    );
    assert!(!step3[step3.find("</h2>").unwrap()..].contains("<h2"));
}

#[test]
fn contact_numbers_are_links_that_call_them() {
    let home = page("exampleshire", "index.html");
    assert!(home.contains("<a href=\"tel:01632960200\">01632\u{a0}960200</a>"));
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
    let step4 = read(out.join("exampleshire/step-4.html"));
    let urgent = step4
        .find("<aside class=\"urgent\"")
        .expect("the urgent box");
    assert!(urgent < step4.find("<header").unwrap(), "before the header");
    assert!(
        step4.contains("<a href=\"tel:01632960200\" class=\"urgent__phone\">01632\u{a0}960200</a>")
    );
    assert!(step4.contains("<a href=\"tel:999\" class=\"urgent__phone\">999</a>"));
    assert!(step4.contains("<p class=\"urgent__note\"><a href=\"#social-work-role\">Step 4 says more about money.</a></p>"));
    assert!(!read(out.join("exampleshire/step-5.html")).contains("class=\"urgent\""));

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
}

/// The entries of an A to Z page: (letter, subject, visible text).
fn a_to_z_entries(html: &str) -> Vec<(String, String, String)> {
    let mut entries = Vec::new();
    let mut letter = String::new();
    let body = &html[html.find("class=\"a-z__letter\"").expect("letters")..];
    for line in body.lines() {
        if let Some(at) = line.find("class=\"a-z__letter\">") {
            let rest = &line[at + "class=\"a-z__letter\">".len()..];
            letter = rest[..rest.find('<').unwrap()].to_string();
        } else if line.starts_with("<li>") {
            // The subject: its link's words, or the words before its places.
            let end = [line.find("</a>"), line.find("</span>")]
                .into_iter()
                .flatten()
                .min()
                .unwrap();
            let subject = visible_text(&line[..end]).to_lowercase();
            entries.push((letter.clone(), subject, visible_text(line)));
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
    assert!(page("model", "a-z.html").contains("href=\"glossary.html#"));
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
    let az = read(out.join("model/a-z.html"));
    assert!(
        az.contains("<li><a href=\"step-5.html\">personal assistants</a> <span class=\"a-z__within\">in Step Five: Organising my support</span></li>"),
        "{}",
        visible_text(&az)
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
        let html = page(edition, "staying-safe.html");
        let urgent = html
            .find("<aside class=\"urgent\"")
            .unwrap_or_else(|| panic!("{edition}"));
        assert!(
            urgent < html.find("<header").unwrap(),
            "{edition}: before the header"
        );
        assert!(
            html.contains("<a href=\"tel:999\" class=\"urgent__phone\">999</a>"),
            "{edition}"
        );
        let box_html = &html[urgent..html.find("</aside>").unwrap()];
        let section = box_html
            .split("<a href=\"#")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        assert!(
            html.contains(&format!("id=\"{section}\"")),
            "{edition}: the note links to #{section}"
        );
    }
    assert!(!page("model", "staying-safe.html").contains("class=\"urgent\""));
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
        let glossary = visible_text(&page(edition, "glossary.html"));
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
    let html = page("model", "glossary.html");
    assert!(html.contains("<p>See <a href=\"#term-citizen\">citizen</a>.</p>"));
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
        let changes = page(edition, "changes.html");
        for file in html_files(&shipped_build().join(edition)) {
            if file.parent() != Some(&shipped_build().join(edition)) {
                continue; // another language's pages, or a past version's
            }
            let html = read(&file);
            let Some(at) = html
                .find("<dt>Last updated</dt><dd>")
                .or_else(|| html.find("<dt>Diweddarwyd ddiwethaf</dt><dd>"))
            else {
                continue;
            };
            let dd = &html[at..];
            let dd = &dd[dd.find("<dd>").unwrap() + 4..dd.find("</dd>").unwrap()];
            let date = dd.split(" <a").next().unwrap();
            if date.ends_with("2009") {
                assert!(!dd.contains("changes.html#"), "{}", file.display());
                continue;
            }
            let anchor = dd
                .split("href=\"changes.html#")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| {
                    panic!(
                        "{}: “Last updated {date}” links to no change",
                        file.display()
                    )
                });
            // The heading of that day, with entries under it.
            let heading = changes
                .find(&format!("id=\"{anchor}\""))
                .unwrap_or_else(|| panic!("{edition}/changes.html has no #{anchor}"));
            let day = &changes[heading..];
            assert!(
                day.contains(&format!(">{date}</h2>\n<ul class=\"change-list\">\n<li>")),
                "{}: {date}",
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
    let step = read(out.join("model/step-3.html"));
    let stamp = &step[step.find("<div class=\"page-stamp print-only\"").unwrap()..];
    let stamp = visible_text(&stamp[..stamp.find("</div>").unwrap()]);
    assert!(
        stamp.contains("Version 1.0 of the edition has been in force since 12 January 2026."),
        "{stamp}"
    );
    // Without releases, the build date alone.
    assert!(!page("model", "step-3.html").contains("has been in force since"));
}
