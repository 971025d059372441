//! Editions in English and Welsh (issue 17): a temporary root with a small
//! Welsh edition, built and checked by the real binary. A page and its
//! translation link to each other; `lang` is right on every page and on
//! every part not yet translated; no English word of the theme stands on a
//! Welsh page outside those parts (checked against the strings files); a
//! change to the English under a Welsh translation warns, with the change,
//! until `accept` records it; the Welsh site has its own search index; and
//! each kind of bad input is an error at its file, line and column.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{assert_fails, assert_ok, handbook_in, read, text, write, Html, Query};

/// The authority's settings: an edition in English and Welsh.
const SETTINGS: &str = "name: Cwm Prawf County Borough Council
short_name: Cwm Prawf
jurisdiction: wales
service: adults
languages: [en, cy]
translations:
  cy:
    name: Cyngor Bwrdeistref Sirol Cwm Prawf
    short_name: Cwm Prawf
";

/// A copy of the shipped model and theme with the authority `cwm`: a local
/// page and an override on step 3, both translated with step 3 itself; an
/// override on step 2 (translated) left in English; an example left in
/// English. Other model pages are not translated.
fn welsh_root() -> tempfile::TempDir {
    let dir = common::copy_of_model();
    let root = dir.path();
    write(root, "local-overrides/cwm/authority.yaml", SETTINGS);
    write(
        root,
        "local-overrides/cwm/pages/volunteers.md",
        "---\nid: volunteers\ntitle: Volunteers who help with plans\nparent: step-3\n---\n## Who they are {#who}\n\nVolunteers from the community help people plan. See [[step-3#good-plan-checklist]].\n",
    );
    write(
        root,
        "local-overrides/cwm/pages/volunteers.cy.md",
        "---\ntitle: Gwirfoddolwyr sy'n helpu gyda chynlluniau\n---\n## Pwy ydynt {#who}\n\nMae gwirfoddolwyr o'r gymuned yn helpu pobl i gynllunio. Gweler [[step-3#good-plan-checklist]].\n",
    );
    write(
        root,
        "local-overrides/cwm/overrides/step-3-panel.md",
        "---\ntarget: step-3#good-plan-checklist\naction: append\nlast_reviewed: 2026-10-01\n---\nOur panel meets on Wednesdays.\n",
    );
    write(
        root,
        "local-overrides/cwm/overrides/step-3-panel.cy.md",
        "---\n---\nMae ein panel yn cyfarfod ar ddydd Mercher.\n",
    );
    write(
        root,
        "local-overrides/cwm/overrides/step-2-note.md",
        "---\ntarget: step-2#social-work-role\naction: note\nlast_reviewed: 2026-10-01\n---\nThe duty desk answers questions about plans.\n",
    );
    write(
        root,
        "local-overrides/cwm/examples/ex-panel.md",
        "---\nid: ex-panel\ntitle: A plan agreed at panel\nattach: [step-3]\nlast_reviewed: 2026-10-01\n---\nA plan went to panel and was agreed the same day.\n",
    );
    write(
        root,
        "local-overrides/cwm/translations/step-3.cy.md",
        &step_3_in_welsh(),
    );
    write(
        root,
        "local-overrides/cwm/translations/step-2.cy.md",
        "---\ntitle: \"Cam Dau: Gwneud fy Nghynllun\"\n---\n## Rôl gwaith cymdeithasol {#social-work-role}\n\nMae'r gweithiwr cymdeithasol yn helpu pobl i gynllunio.\n\n## Systemau, Ymarfer a Chymorth Proffesiynol {#systems-practice-support}\n\nSystem sy'n cefnogi cynllunio.\n\n### Ffynonellau cymorth {#sources-of-help}\n\nEiriolwyr a theuluoedd.\n",
    );
    dir
}

/// Step 3 in Welsh, with every section id of the English.
fn step_3_in_welsh() -> String {
    let english = read(common::repo().join("content/step-3.md"));
    let mut out = String::from("---\ntitle: \"Cam Tri: Cytuno ar fy nghynllun\"\n---\n");
    for line in english.lines().filter(|l| l.starts_with('#')) {
        let hashes: String = line.chars().take_while(|c| *c == '#').collect();
        let id = line
            .rsplit_once("{#")
            .map(|(_, rest)| rest.split([' ', '}']).next().unwrap_or(""))
            .unwrap_or("");
        out.push_str(&format!(
            "{hashes} Adran yn Gymraeg {{#{id}}}\n\nTestun Cymraeg yr adran hon.\n\n"
        ));
    }
    out
}

/// Builds the root's `cwm` edition into `out` and returns the output folder.
fn build(root: &Path, extra: &[&str]) -> PathBuf {
    let out = root.join("out");
    let mut args = vec!["build", "--authority", "cwm", "--out", "out"];
    args.extend_from_slice(extra);
    assert_ok(&handbook_in(root, &args));
    out
}

#[test]
fn a_page_and_its_translation_link_to_each_other() {
    let dir = welsh_root();
    let out = build(dir.path(), &["--no-search"]);
    let english = parse(out.join("step-3.html"));
    assert_eq!(
        switch(&english, "cy"),
        ("cy/step-3.html", "Cymraeg".to_string(), Some("cy")),
        "the English page links to its Welsh page, in Welsh"
    );
    let welsh = parse(out.join("cy/step-3.html"));
    assert_eq!(
        switch(&welsh, "en"),
        ("../step-3.html", "English".to_string(), Some("en-GB")),
        "the Welsh page links to its English page, in English"
    );
    // Every page of each site, site pages too, leads to the same page in the other.
    for page in common::html_files(&out.join("cy")) {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        assert!(out.join(&name).is_file(), "{name} is in both languages");
        assert_eq!(
            switch(&parse(&page), "en").0,
            format!("../{name}"),
            "cy/{name} has no switch to English"
        );
        assert_eq!(
            switch(&parse(out.join(&name)), "cy").0,
            format!("cy/{name}"),
            "{name} has no switch to Welsh"
        );
    }
    // The same ids and section ids in both languages.
    for id in [
        "social-work-role",
        "systems-practice-support",
        "good-plan-checklist",
    ] {
        assert_eq!(english.count(&format!("#{id}")), 1, "{id} in English");
        assert_eq!(welsh.count(&format!("#{id}")), 1, "{id} in Welsh");
    }
    let local = parse(out.join("cy/volunteers.html"));
    assert!(
        local.has("a[href='step-3.html#good-plan-checklist']"),
        "a cross-reference works in the Welsh site"
    );
    let title = local.one("h1 > span[data-pagefind-meta=title]");
    assert_eq!(title.text(), "Gwirfoddolwyr sy'n helpu gyda chynlluniau");
    assert_eq!(title.attr("lang"), None, "a translated title is not marked");
}

#[test]
fn every_page_has_its_language_and_every_untranslated_part_is_marked() {
    let dir = welsh_root();
    let out = build(dir.path(), &["--no-search"]);
    for page in common::html_files(&out) {
        let welsh = page.starts_with(out.join("cy"));
        let want = if welsh { "cy" } else { "en-GB" };
        assert_eq!(
            parse(&page).root().attr("lang"),
            Some(want),
            "{}",
            page.display()
        );
    }
    let cy = |name: &str| read(out.join("cy").join(name));
    // A page not yet translated: English, marked, with a notice in Welsh.
    let step_1 = cy("step-1.html");
    let page = Html::parse(&step_1);
    let title = page.one("h1 span[data-pagefind-meta=title]");
    assert_eq!(
        (title.text().as_str(), title.attr("lang")),
        ("Step One: My money, finding out how much", Some("en"))
    );
    assert!(page.has("div[lang=en]"), "its text is marked");
    assert!(step_1.contains("Nid yw'r dudalen hon wedi'i chyfieithu i'r Gymraeg eto"));
    let current = page.one("nav.site-nav a[aria-current=page]");
    assert_eq!(current.attr("href"), Some("step-1.html"));
    assert_eq!(current.one("span.site-nav__step").text(), "Cam 1");
    assert!(
        current.one("span[lang=en]").text().starts_with("Step One"),
        "{current:?}"
    );
    // A translated page with an override left in English: only that is marked.
    let step_2 = cy("step-2.html");
    let page = Html::parse(&step_2);
    let title = page.one("h1 span[data-pagefind-meta=title]");
    assert_eq!(
        (title.text().as_str(), title.attr("lang")),
        ("Cam Dau: Gwneud fy Nghynllun", None)
    );
    let marked = english_parts(&step_2);
    assert!(
        marked.contains("The duty desk answers questions about plans."),
        "{marked}"
    );
    assert!(!marked.contains("Mae'r gweithiwr cymdeithasol"), "{marked}");
    assert!(outside_english(&step_2)
        .contains("Mae'r gweithiwr cymdeithasol yn helpu pobl i gynllunio."));
    // Its notice says parts of it are in English, not that the page is.
    assert!(step_2.contains("Nid yw rhannau o'r dudalen hon wedi'u cyfieithu"));
    assert!(!step_2.contains("Nid yw'r dudalen hon wedi'i chyfieithu"));
    assert!(!step_1.contains("Nid yw rhannau o'r dudalen hon"));
    // The example left in English is marked; the translated override is not.
    let step_3 = cy("step-3.html");
    assert_eq!(
        Html::parse(&step_3)
            .one("div.example#ex-panel")
            .attr("lang"),
        Some("en")
    );
    assert!(outside_english(&step_3).contains("Mae ein panel yn cyfarfod ar ddydd Mercher."));
    assert!(
        step_3.contains("Nid yw rhannau o'r dudalen hon wedi'u cyfieithu"),
        "its example is not translated"
    );
    assert!(
        !step_3.contains("Nid yw'r dudalen hon wedi'i chyfieithu"),
        "a translated page with one example in English is not called untranslated"
    );
    let volunteers = cy("volunteers.html");
    assert!(
        !volunteers.contains("Nid yw'r dudalen hon wedi'i chyfieithu")
            && !volunteers.contains("Nid yw rhannau o'r dudalen hon"),
        "a page all in Welsh has no notice"
    );
    // The Welsh site's feed, in Welsh, with an id of its own.
    let feed = read(out.join("cy/changes.xml"));
    assert_eq!(
        feed_field(&feed, "title"),
        "Beth sydd wedi newid: Cyngor Bwrdeistref Sirol Cwm Prawf"
    );
    assert_eq!(feed_field(&feed, "id"), "tag:handbook,2009:cwm/cy/changes");
    assert_eq!(
        feed_field(&read(out.join("changes.xml")), "id"),
        "tag:handbook,2009:cwm/changes"
    );
    // Welsh dates.
    assert!(
        outside_english(&step_3).contains("1 Hydref 2026"),
        "the date of the council's text in Welsh"
    );
}

#[test]
fn no_english_word_of_the_theme_is_on_a_welsh_page() {
    let dir = welsh_root();
    let out = build(dir.path(), &["--no-search"]);
    let english = strings("en");
    let welsh = strings("cy");
    assert_eq!(
        english.keys().collect::<Vec<_>>(),
        welsh.keys().collect::<Vec<_>>(),
        "the Welsh strings have every key"
    );
    let mut found = Vec::new();
    let pages = common::html_files(&out.join("cy"));
    assert!(
        pages.len() > 20,
        "the Welsh site is complete: {}",
        pages.len()
    );
    for page in pages {
        let text = outside_english(&read(&page));
        for (key, value) in &english {
            if welsh.get(key) == Some(value) {
                continue;
            }
            for words in label_words(value) {
                if text.contains(&words) {
                    found.push(format!("{}: {key} “{words}”", page.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "English theme words on Welsh pages:\n{}",
        found.join("\n")
    );
    // The check can fail: the same test finds the English words on an
    // English page, read as if it were not marked English as a whole.
    let english_page =
        Html::parse(&read(out.join("step-3.html"))).text_without("[lang^=en]:not(html)");
    assert!(label_words(&english["on_this_page"])
        .iter()
        .all(|w| english_page.contains(w)));
    // The demonstration translation is said in both languages on every page.
    for page in [out.join("step-3.html"), out.join("cy/step-3.html")] {
        let html = parse(&page);
        for (lang, words) in [
            (
                "en-GB",
                "The Welsh words of this handbook are a demonstration translation",
            ),
            ("cy", "Cyfieithiad arddangos yw geiriau Cymraeg"),
        ] {
            assert!(
                html.all(&format!("[lang={lang}]:not(html)"))
                    .texts()
                    .iter()
                    .any(|t| t.starts_with(words)),
                "{}: {words}",
                page.display()
            );
        }
    }
}

#[test]
fn a_change_to_english_under_a_welsh_translation_warns_with_the_change_until_accepted() {
    let dir = welsh_root();
    let root = dir.path();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--authority", "cwm"];
        args.extend_from_slice(extra);
        handbook_in(root, &args)
    };
    let first = text(&check(&[]));
    assert!(
        first.contains("local-overrides/cwm/translations/step-3.cy.md:2:1"),
        "{first}"
    );
    assert!(
        first.contains("handbook accept cwm translations/step-3.cy.md"),
        "{first}"
    );
    assert_ok(&handbook_in(root, &["accept", "cwm", "--all"]));
    assert_ok(&check(&["--deny-warnings"]));
    let translation = read(root.join("local-overrides/cwm/translations/step-3.cy.md"));
    assert!(
        translation.contains("source_fingerprint: \"b3:"),
        "{translation}"
    );
    assert!(root
        .join("local-overrides/cwm/translation-snapshots/translations__step-3.cy.md")
        .is_file());

    let step_3 = root.join("content/step-3.md");
    let english = read(&step_3);
    let old = "Core social work skills are of great relevance";
    let new = "Core social work skills are of the greatest relevance";
    std::fs::write(&step_3, english.replace(old, new)).unwrap();
    let run = check(&["--deny-warnings"]);
    assert_fails(&run);
    let said = text(&run);
    assert!(
        said.contains("local-overrides/cwm/translations/step-3.cy.md:3:1"),
        "at the source_fingerprint line:\n{said}"
    );
    assert!(
        said.contains("`content/step-3.md`, changed since the translation was last checked"),
        "{said}"
    );
    assert!(
        said.contains(&format!("- {old}")) && said.contains(&format!("+ {new}")),
        "the English diff:\n{said}"
    );
    assert!(
        said.contains("1 out of date (step-3)"),
        "the check's summary:\n{said}"
    );
    let out = build(root, &["--no-search"]);
    let status = parse(out.join("cy/translation.html"));
    let row = status
        .all("tbody tr:has(a[href='step-3.html'])")
        .one()
        .text();
    assert!(row.contains("Wedi dyddio"), "{row}");
    assert!(
        status.text().contains("Heb ei chyfieithu eto"),
        "pages not yet translated are listed"
    );

    let accepted = handbook_in(root, &["accept", "cwm", "translations/step-3.cy.md"]);
    assert_ok(&accepted);
    assert!(
        text(&accepted).contains(&format!("+ {new}")),
        "accept shows the change it records"
    );
    assert_ok(&check(&["--deny-warnings"]));
}

#[test]
fn the_welsh_site_has_its_own_search_index_that_finds_the_welsh_page() {
    let dir = welsh_root();
    let out = build(dir.path(), &[]);
    let languages = |index: &str| {
        let entry = read(out.join(index).join("pagefind-entry.json"));
        let entry: serde_json::Value = serde_json::from_str(&entry).expect("JSON");
        let languages = entry["languages"].as_object().expect("languages");
        languages.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(languages("cy/pagefind"), ["cy"]);
    assert_eq!(languages("pagefind"), ["en"]);
    let welsh = pages_with(&out.join("cy/pagefind"), "Gwirfoddolwyr");
    assert!(
        welsh.contains(&"/volunteers.html".to_string()),
        "the Welsh page, in the Welsh index: {welsh:?}"
    );
    assert!(pages_with(&out.join("pagefind"), "Gwirfoddolwyr").is_empty());
    assert!(
        parse(out.join("cy/search.html")).has("a[href='volunteers.html']"),
        "the A to Z fallback in Welsh"
    );
}

#[test]
fn each_bad_translation_or_strings_file_is_an_error_at_its_place() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "local-overrides/cwm/translations/step-9.cy.md",
            "---\ntitle: Cam Naw\n---\nTestun.\n",
            "local-overrides/cwm/translations/step-9.cy.md:2:1",
            "`content/step-9.md`, which is not a page of the model",
        ),
        (
            "local-overrides/cwm/pages/volunteers.fr.md",
            "---\ntitle: Bénévoles\n---\nTexte.\n",
            "local-overrides/cwm/pages/volunteers.fr.md:1:1",
            "`fr` in this file's name is not a language Handbook knows",
        ),
        (
            "local-overrides/cwm/strings/cy.yaml",
            "home: Cartref\nhafan: Hafan\n",
            "local-overrides/cwm/strings/cy.yaml:2:1",
            "`hafan` is not a key of the theme's strings",
        ),
        (
            "local-overrides/cwm/translations/step-1.en.md",
            "---\ntitle: Step One\n---\n",
            "local-overrides/cwm/translations/step-1.en.md:1:1",
            "the edition's default language",
        ),
    ];
    for (path, text_of_file, at, says) in cases {
        let dir = welsh_root();
        write(dir.path(), path, text_of_file);
        let run = handbook_in(dir.path(), &["check", "--authority", "cwm"]);
        assert_fails(&run);
        let said = text(&run);
        assert!(said.contains(at), "{path}: expected {at}:\n{said}");
        assert!(said.contains(says), "{path}: expected “{says}”:\n{said}");
        assert!(said.contains("help:"), "{path}: a hint:\n{said}");
    }
    // A translation without a section of the English: a warning, and the
    // page is shown in English until it has them all.
    let dir = welsh_root();
    write(
        dir.path(),
        "local-overrides/cwm/translations/step-1.cy.md",
        "---\ntitle: Cam Un\n---\nDim adrannau.\n",
    );
    let run = handbook_in(
        dir.path(),
        &["check", "--authority", "cwm", "--deny-warnings"],
    );
    assert_fails(&run);
    let said = text(&run);
    assert!(
        said.contains("local-overrides/cwm/translations/step-1.cy.md:4:1"),
        "{said}"
    );
    assert!(
        said.contains("has the section `social-work-role`"),
        "{said}"
    );
    assert!(
        said.contains("{#social-work-role}"),
        "the hint shows how: {said}"
    );
    let out = build(dir.path(), &["--no-search"]);
    assert!(parse(out.join("cy/step-1.html"))
        .all("[lang=en]")
        .texts()
        .iter()
        .any(|t| t.starts_with("Step One")));
    // A language not among the edition's.
    let dir = welsh_root();
    let settings = SETTINGS.replace("languages: [en, cy]\n", "");
    write(dir.path(), "local-overrides/cwm/authority.yaml", &settings);
    let run = handbook_in(dir.path(), &["check", "--authority", "cwm"]);
    assert_fails(&run);
    let said = text(&run);
    assert!(
        said.contains("local-overrides/cwm/pages/volunteers.cy.md:1:1"),
        "{said}"
    );
    assert!(
        said.contains("not one of this edition's languages"),
        "{said}"
    );
    assert!(
        said.contains("languages: [en, cy]"),
        "the hint says how: {said}"
    );
    // A language Handbook does not know in `languages:`.
    write(
        dir.path(),
        "local-overrides/cwm/authority.yaml",
        &SETTINGS.replace("[en, cy]", "[en, fr]"),
    );
    let run = handbook_in(dir.path(), &["check", "--authority", "cwm"]);
    assert_fails(&run);
    let said = text(&run);
    assert!(
        said.contains("local-overrides/cwm/authority.yaml:5:"),
        "{said}"
    );
    // A theme's Welsh strings file without a key.
    let dir = welsh_root();
    let cy = dir.path().join("themes/default/strings/cy.yaml");
    let without: String = read(&cy)
        .lines()
        .filter(|l| !l.starts_with("search_button:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&cy, without).unwrap();
    let run = handbook_in(dir.path(), &["check", "--authority", "cwm"]);
    assert_fails(&run);
    let said = text(&run);
    assert!(said.contains("themes/default/strings/cy.yaml"), "{said}");
    assert!(said.contains("no `search_button`"), "{said}");
}

/// `welsh_root` in git with two releases of `cwm`: 1.0 (1 October 2026)
/// and 2.0 (20 October 2026), which changes the Welsh of step 3.
fn welsh_releases() -> tempfile::TempDir {
    let dir = welsh_root();
    let root = dir.path();
    common::git(root, &["init", "-q", "-b", "main"], None);
    common::git(root, &["config", "user.name", "Policy Lead"], None);
    common::git(root, &["config", "user.email", "policy@cwm.example"], None);
    common::commit(root, "The Welsh edition", "2026-10-01T09:00:00+00:00");
    let tag = |version: &str, note: &str, date: &str| {
        let name = format!("handbook/cwm/{version}");
        common::git(root, &["tag", "-a", &name, "-m", note], Some(date));
    };
    tag(
        "1.0",
        "First published version.",
        "2026-10-01T10:00:00+01:00",
    );
    let welsh = read(root.join("local-overrides/cwm/translations/step-3.cy.md"));
    write(
        root,
        "local-overrides/cwm/translations/step-3.cy.md",
        &welsh.replacen("Testun Cymraeg", "Testun Cymraeg newydd", 1),
    );
    common::commit(root, "Step 3 in new Welsh", "2026-10-20T09:00:00+01:00");
    tag("2.0", "Step 3 reworded.", "2026-10-20T10:00:00+01:00");
    dir
}

#[test]
fn published_versions_are_shown_in_every_language_of_an_edition_in_its_words() {
    let dir = welsh_releases();
    // Built with its links checked: a link to a page the sites do not have
    // would fail the build.
    let out = build(dir.path(), &[]);
    // The Welsh site lists the releases in Welsh, each linking to its
    // archived Welsh site, each note marked as the English it is in.
    let in_force = parse(out.join("cy/in-force.html"));
    assert_eq!(in_force.root().attr("lang"), Some("cy"));
    assert_eq!(
        in_force.one("h1").text(),
        "Canllawiau mewn grym ar ddyddiad"
    );
    let rows = in_force.all(".in-force-table tbody tr");
    assert_eq!(rows.len(), 2);
    let first = rows.first().unwrap();
    assert_eq!(
        first.one("a").attr("href"),
        Some("../versions/1.0/cy/index.html")
    );
    assert_eq!(first.one("a").text(), "Fersiwn 1.0");
    assert!(first.text().contains("1 Hydref 2026"), "{}", first.html());
    assert!(first.text().contains("20 Hydref 2026"), "{}", first.html());
    assert_eq!(
        first.all("td[lang=en]").texts(),
        ["First published version."]
    );
    assert!(in_force
        .one("form[data-in-force]")
        .attr("data-none")
        .unwrap()
        .contains("Nid oedd"));
    assert_eq!(switch(&in_force, "en").0, "../in-force.html");
    assert_eq!(
        switch(&parse(out.join("in-force.html")), "cy").0,
        "cy/in-force.html"
    );
    // A Welsh page lists its versions, with what changed in Welsh.
    let step_3 = parse(out.join("cy/step-3.html"));
    let versions = step_3.one("section.versions");
    assert_eq!(versions.one("h2").text(), "Fersiynau o'r dudalen hon");
    assert_eq!(
        versions.all("li > a").attrs("href"),
        [
            "../versions/2.0/cy/step-3.html",
            "../versions/1.0/cy/step-3.html"
        ]
    );
    assert!(versions.one("ins").text().contains("newydd"));
    assert_eq!(
        versions.one("ins .visually-hidden").text(),
        "wedi'i ychwanegu:"
    );
    // The releases' notes are among the Welsh site's changes.
    let changes = parse(out.join("cy/changes.html"));
    let entry = changes.all("main li").containing("fersiwn 2.0");
    assert_eq!(entry.len(), 1, "{}", changes.one("main").html());
    assert_eq!(entry.one().one("[lang=en]").text(), "Step 3 reworded.");
    assert!(read(out.join("cy/changes.xml")).contains("fersiwn 2.0"));
    // An archived Welsh page: in Welsh, with its banner in Welsh, marked
    // as a demonstration translation like every Welsh page.
    let archived = parse(out.join("versions/1.0/cy/step-3.html"));
    assert_eq!(archived.root().attr("lang"), Some("cy"));
    let banner = archived.one(".version-banner");
    assert!(
        banner.text().starts_with("Dyma fersiwn 1.0"),
        "{}",
        banner.html()
    );
    assert!(banner.text().contains("o 1 Hydref 2026 tan 20 Hydref 2026"));
    assert_eq!(
        banner.all("a").attrs("href"),
        ["../../../cy/step-3.html", "../../../cy/in-force.html"]
    );
    assert!(archived.has(".site-footer__translation"));
    assert_eq!(switch(&archived, "en").0, "../step-3.html");
    assert!(out.join("versions/1.0/step-3.html").is_file());
    // No English word of the theme stands on a Welsh page outside the parts
    // marked as English.
    for page in [
        "cy/in-force.html",
        "cy/step-3.html",
        "versions/2.0/cy/step-3.html",
    ] {
        let html = read(out.join(page));
        for english in [
            "Versions of this page",
            "This is version",
            "Still in force",
            "removed: ",
            "added: ",
            "version 2.0",
        ] {
            assert!(
                !outside_english(&html).contains(english),
                "{page}: {english}"
            );
        }
    }
}

#[test]
fn an_authority_words_the_theme_its_own_way_in_each_language() {
    let dir = welsh_root();
    let root = dir.path();
    // A council whose Welsh was checked says so by emptying the notice.
    write(
        root,
        "local-overrides/cwm/strings/cy.yaml",
        "home: Cartref\ntranslation_notice: \"\"\n",
    );
    write(
        root,
        "local-overrides/cwm/strings/en.yaml",
        "translation_notice: \"\"\nsearch_more: Next ten results\n",
    );
    let out = build(root, &["--no-search"]);
    // The search page's script says the council's words too, in English as
    // in Welsh.
    let more = |page: &str| {
        parse(out.join(page))
            .all("[data-more]")
            .attrs("data-more")
            .join("")
    };
    assert_eq!(more("search.html"), "Next ten results");
    assert_eq!(more("cy/search.html"), "Dangos rhagor o ganlyniadau");
    let welsh = parse(out.join("cy/step-1.html"));
    assert!(
        welsh
            .all("a[href='index.html']")
            .texts()
            .contains(&"Cartref".to_string()),
        "the council's word"
    );
    assert!(!welsh.text().contains("Hafan"), "in place of the theme's");
    for page in [out.join("step-1.html"), out.join("cy/step-1.html")] {
        assert!(!parse(&page).has(".site-footer__translation"), "no notice");
    }
}

#[test]
fn an_authority_gives_its_name_forms_contacts_and_variables_in_welsh() {
    let dir = welsh_root();
    let root = dir.path();
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!("{SETTINGS}{SETTINGS_IN_WELSH}"),
    );
    let page = |lang: &str, text: &str| {
        let path = format!("local-overrides/cwm/pages/volunteers{lang}.md");
        let old = read(root.join(&path));
        write(root, &path, &format!("{old}\n{text}\n"));
    };
    page("", "Call the {{ vars.team }}.");
    page(".cy", "Ffoniwch y {{ vars.team }}.");
    let out = build(root, &["--no-search"]);
    let welsh = read(out.join("cy/volunteers.html"));
    assert!(
        welsh.contains("Ffoniwch y Tîm Diogelu Oedolion."),
        "the variable in Welsh"
    );
    assert!(
        welsh.contains("ysgrifennwyd gan Gyngor Bwrdeistref Sirol Cwm Prawf"),
        "the name mutated after “gan”"
    );
    let adapted = Html::parse(&read(out.join("cy/step-3.html"))).text();
    assert!(adapted.contains("wedi'i addasu gan Gyngor Bwrdeistref Sirol Cwm Prawf"));
    for html in [&welsh, &adapted] {
        assert!(!html.contains("gan Cyngor"), "never unmutated");
        assert!(
            !html.contains("by In Control"),
            "the credit is Welsh throughout"
        );
    }
    let home = parse(out.join("cy/index.html"));
    assert!(home.text().contains("I roi gwybod am oedolyn"));
    let contact = home.all("h3").with_text("Tîm Diogelu Oedolion").one();
    assert!(
        contact.attr("lang").is_none()
            && home
                .all("[lang^=en] h3")
                .with_text("Tîm Diogelu Oedolion")
                .is_empty(),
        "Welsh contacts are not marked as English: {contact:?}"
    );
    assert!(
        home.has("a[href='tel:01632960720']"),
        "the number given once stands in both languages"
    );
    let english = read(out.join("index.html"));
    assert!(english.contains("Adult Safeguarding Team") && !english.contains("Tîm Diogelu"));
    assert!(read(out.join("volunteers.html")).contains("Call the Adult Safeguarding Team."));

    // A list of Welsh contacts of another length, and a Welsh variable that
    // stands for none: each an error at `translations:`.
    let cases = [
        (
            SETTINGS_IN_WELSH.replace("    variables:", "      - name: Tîm Arall\n    variables:"),
            "lists 2 contacts, but `contacts:` lists 1",
        ),
        (
            SETTINGS_IN_WELSH.replace("      team:", "      tim:"),
            "gives `tim`, which is not under `variables:`",
        ),
    ];
    for (settings, says) in cases {
        write(
            root,
            "local-overrides/cwm/authority.yaml",
            &format!("{SETTINGS}{settings}"),
        );
        let run = handbook_in(root, &["check", "--authority", "cwm"]);
        assert_fails(&run);
        let said = text(&run);
        assert!(said.contains(says), "expected “{says}”:\n{said}");
        assert!(
            said.contains("local-overrides/cwm/authority.yaml:6:1"),
            "{said}"
        );
    }
}

#[test]
fn the_shipped_welsh_council_builds_in_both_languages_without_a_problem() {
    assert_ok(&common::handbook(&[
        "check",
        "--authority",
        "cwm-derwen",
        "--deny-warnings",
    ]));
    let out = common::shipped_build();
    let index = parse(out.join("index.html"));
    let welsh = index.one("a[href='cwm-derwen/cy/index.html']");
    assert_eq!(
        (
            welsh.text().as_str(),
            welsh.attr("hreflang"),
            welsh.attr("lang")
        ),
        ("Cymraeg", Some("cy"), Some("cy"))
    );
    let home = parse(out.join("cwm-derwen/cy/index.html"));
    let name = home.one("a.site-header__name");
    assert_eq!(
        (name.text().as_str(), name.attr("href")),
        ("Cyngor Bwrdeistref Sirol Cwm Derwen", Some("index.html"))
    );
    assert!(
        home.text().contains("gwasanaethau oedolion yng Nghymru"),
        "the home page's opening in Welsh"
    );
    // Its Welsh has not been checked by a qualified translator: it says so.
    assert!(
        home.one(".site-footer__translation[lang=cy]")
            .text()
            .starts_with("Cyfieithiad arddangos"),
        "the demonstration notice"
    );
    assert!(out.join("cwm-derwen/cy/translation.html").is_file());
    assert!(out
        .join("cwm-derwen/cy/pagefind/pagefind-entry.json")
        .is_file());
    // The Welsh glossary lists the Welsh terms, each shared definition held
    // by the term its page lists first, and links them in the Welsh text.
    let glossary = parse(out.join("cwm-derwen/cy/glossary.html"));
    for term in ["gweithiwr-cymdeithasol", "rheoli-gofal", "dinesydd"] {
        assert!(
            glossary.has(&format!("dt#term-{term}")),
            "{term} in the Welsh glossary"
        );
    }
    assert!(
        !glossary.has("dt#term-citizen"),
        "no English term in the Welsh glossary"
    );
    let see = glossary
        .one("dt#term-deiliad-cyllideb-unigol")
        .next()
        .unwrap();
    assert!(see.text().contains("Gweler dinesydd"), "{}", see.text());
    let step = parse(out.join("cwm-derwen/cy/step-3.html"));
    assert!(step.has("a.glossary-term[href='glossary.html#term-gweithiwr-cymdeithasol']"));
    // The demonstration translation is said once, in the notice at the top
    // of every Welsh page, not again in the page's text.
    let warning = "nid yw cyfieithydd cymwysedig wedi'i gwirio";
    for page in common::html_files(&out.join("cwm-derwen/cy")) {
        let html = parse(&page);
        let name = page.display();
        assert_eq!(
            html.all(".notice").containing(warning).len(),
            1,
            "{name}: the notice says the Welsh is a demonstration translation"
        );
        assert!(
            !html.one("main").text().contains(warning),
            "{name}: the page's text repeats the notice"
        );
    }
}

#[test]
fn a_new_authority_turns_welsh_on_with_one_line() {
    let dir = common::copy_of_model();
    let root = dir.path();
    assert_ok(&handbook_in(
        root,
        &[
            "new-authority",
            "north",
            "--name",
            "North Council",
            "--jurisdiction",
            "wales",
        ],
    ));
    let file = root.join("local-overrides/north/authority.yaml");
    let settings = read(&file);
    assert!(settings.contains("# languages: [en, cy]"), "{settings}");
    std::fs::write(
        &file,
        settings.replace("# languages: [en, cy]", "languages: [en, cy]"),
    )
    .unwrap();
    assert_ok(&handbook_in(
        root,
        &[
            "build",
            "--authority",
            "north",
            "--out",
            "out",
            "--no-search",
        ],
    ));
    assert_eq!(
        parse(root.join("out/cy/index.html")).root().attr("lang"),
        Some("cy")
    );
}

/// The theme's strings file of a language, by key.
fn strings(lang: &str) -> BTreeMap<String, String> {
    let path = common::repo().join(format!("themes/default/strings/{lang}.yaml"));
    serde_saphyr::from_str(&read(path)).unwrap()
}

/// The words of a label a reader would see, in the pieces its
/// placeholders leave (tags taken out): each piece of two words or more.
fn label_words(value: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in value.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let mut pieces = Vec::new();
    let mut rest = plain.as_str();
    while !rest.is_empty() {
        let (piece, after) = match rest.find('{') {
            Some(at) => (
                &rest[..at],
                rest[at..].find('}').map_or("", |e| &rest[at + e + 1..]),
            ),
            None => (rest, ""),
        };
        let piece = piece.trim_matches(|c: char| c.is_whitespace() || ".,:;()".contains(c));
        if piece.split_whitespace().count() >= 2 {
            pieces.push(piece.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        rest = after;
    }
    pieces
}

/// The text of a page outside its parts marked as English.
fn outside_english(html: &str) -> String {
    Html::parse(html).text_without("[lang^=en]")
}

/// The text of a page inside its parts marked as English.
fn english_parts(html: &str) -> String {
    Html::parse(html).all("[lang^=en]").texts().join(" ")
}

/// A built page, parsed.
fn parse(path: impl AsRef<Path>) -> Html {
    Html::parse(&read(path))
}

/// A page's switch to its page in another language (`hreflang`): where it
/// goes, its words, and the language they are marked as.
fn switch<'a>(page: &'a Html, hreflang: &str) -> (&'a str, String, Option<&'a str>) {
    let link = page.one(&format!("a[hreflang={hreflang}]"));
    (link.attr("href").unwrap(), link.text(), link.attr("lang"))
}

/// The text of an Atom feed's own element `name` (its `title` or `id`).
fn feed_field(feed: &str, name: &str) -> String {
    let feed = roxmltree::Document::parse(feed).expect("the feed is XML");
    let field = feed
        .root_element()
        .children()
        .find(|e| e.tag_name().name() == name)
        .unwrap_or_else(|| panic!("the feed has no <{name}>"));
    field.text().unwrap_or("").to_string()
}

/// The addresses of the pages whose indexed text has `word`, read from the
/// fragments of a Pagefind index (gzipped JSON, after Pagefind's marker).
fn pages_with(index: &Path, word: &str) -> Vec<String> {
    let mut found: Vec<String> = common::index_fragments(index)
        .into_iter()
        .filter(|fragment| fragment["content"].as_str().unwrap_or("").contains(word))
        .map(|fragment| fragment["url"].as_str().unwrap_or("").to_string())
        .collect();
    found.sort();
    found
}

#[test]
fn a_published_address_works_in_every_language_of_an_edition() {
    let dir = welsh_root();
    let root = dir.path();
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!("{SETTINGS}address: https://intranet.cwm.example/guidance/\n"),
    );
    let out = build(root, &[]);
    // Each language's 404 page, shown for a missing page in any folder,
    // leads into its own site, and to the other language's 404 page.
    let links = |page: &str| {
        parse(out.join(page))
            .all("a")
            .attrs("href")
            .iter()
            .map(|href| href.to_string())
            .collect::<Vec<_>>()
    };
    let english = links("404.html");
    for href in ["guidance/step-3.html", "guidance/cy/404.html"] {
        let href = format!("https://intranet.cwm.example/{href}");
        assert!(english.contains(&href), "404.html: {href}");
    }
    let welsh = links("cy/404.html");
    for href in ["guidance/cy/step-3.html", "guidance/cy/../404.html"] {
        let href = format!("https://intranet.cwm.example/{href}");
        assert!(welsh.contains(&href), "cy/404.html: {href}");
    }
    let sitemap = read(out.join("cy/sitemap.xml"));
    let sitemap = roxmltree::Document::parse(&sitemap).expect("the sitemap is XML");
    assert!(sitemap
        .descendants()
        .filter(|e| e.tag_name().name() == "loc")
        .any(|loc| loc.text() == Some("https://intranet.cwm.example/guidance/cy/step-3.html")));
}

#[test]
fn a_two_language_edition_is_updated_in_place_in_a_full_build() {
    let dir = welsh_root();
    let root = dir.path();
    assert_ok(&handbook_in(root, &["build", "--out", "public"]));
    // The guide's in-place update (docs/web-teams.md) of one edition: its Welsh site is part
    // of it, not another edition the update would delete.
    let update = handbook_in(
        root,
        &["build", "--authority", "cwm", "--out", "public/cwm"],
    );
    assert_ok(&update);
    assert!(root.join("public/cwm/cy/step-3.html").is_file());
    assert!(root.join("public/model/index.html").is_file());
}

#[test]
fn accept_with_no_file_lists_the_translations_to_check_too() {
    let dir = welsh_root();
    let root = dir.path();
    let recorded = handbook_in(
        root,
        &["accept", "cwm", "step-3-panel.md", "step-2-note.md"],
    );
    assert_ok(&recorded);
    let asked = handbook_in(root, &["accept", "cwm"]);
    assert_fails(&asked);
    let said = text(&asked);
    assert!(!said.contains("Nothing to do"), "{said}");
    assert!(said.contains("translations/step-3.cy.md"), "{said}");
    assert!(said.contains("never checked"), "{said}");
    assert_ok(&handbook_in(root, &["accept", "cwm", "--all"]));
    let done = handbook_in(root, &["accept", "cwm"]);
    assert_ok(&done);
    assert!(text(&done).contains("Nothing to do"), "{}", text(&done));
    // A translation whose English changed since it was checked, as `check`
    // warns, is listed too.
    let step_3 = read(root.join("content/step-3.md"));
    let changed = step_3.replacen(
        "Core social work skills",
        "The core skills of social work",
        1,
    );
    assert_ne!(changed, step_3);
    write(root, "content/step-3.md", &changed);
    let stale = handbook_in(root, &["accept", "cwm"]);
    assert_fails(&stale);
    let said = text(&stale);
    assert!(said.contains("translations/step-3.cy.md"), "{said}");
    assert!(said.contains("source text changed"), "{said}");
}

#[test]
fn an_urgent_box_is_shown_in_the_language_of_the_site() {
    let dir = welsh_root();
    let root = dir.path();
    let settings = SETTINGS.replace(
        "translations:\n  cy:\n",
        "translations:\n  cy:\n    urgent:\n      step-3:\n        heading: Os ydych yn poeni am rywun nawr\n        items:\n          - text: Mewn perygl uniongyrchol, ffoniwch\n            phone: \"999\"\n",
    );
    let urgent = "urgent:\n  step-3:\n    heading: If you are worried about someone now\n    items:\n      - text: In immediate danger, call\n        phone: \"999\"\n";
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!("{settings}{urgent}"),
    );
    let out = build(root, &[]);
    let english = read(out.join("step-3.html"));
    assert!(english.contains("If you are worried about someone now"));
    let welsh = read(out.join("cy/step-3.html"));
    assert!(welsh.contains("Os ydych yn poeni am rywun nawr"), "{welsh}");
    assert!(!welsh.contains("If you are worried about someone now"));

    // A box in Welsh for a page with none in English is an error.
    let stray = settings.replace("      step-3:\n", "      step-9:\n");
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!("{stray}{urgent}"),
    );
    let checked = handbook_in(root, &["check"]);
    assert_fails(&checked);
    assert!(
        text(&checked).contains("translated-urgent"),
        "{}",
        text(&checked)
    );
}

#[test]
fn every_name_shown_in_english_on_a_welsh_page_is_marked_as_english() {
    let dir = welsh_root();
    let root = dir.path();
    // A section the council adds to the translated step 3, left in English,
    // and a Welsh page that names pages and sections of both languages.
    write(
        root,
        "local-overrides/cwm/overrides/step-3-own.md",
        "---\ntarget: step-3#good-plan-checklist\naction: insert-after\nlast_reviewed: 2026-10-01\n---\n## Our own panel {#own-panel}\n\nThe panel is ours.\n",
    );
    write(
        root,
        "local-overrides/cwm/pages/volunteers.cy.md",
        "---\ntitle: Gwirfoddolwyr sy'n helpu gyda chynlluniau\n---\n## Pwy ydynt {#who}\n\nGweler [[step-1]], [[step-3#own-panel]] a [[step-3#good-plan-checklist]].\n",
    );
    let out = build(root, &["--no-search"]);
    // A page shown in English: every entry of "On this page" is marked.
    let step_1 = parse(out.join("cy/step-1.html"));
    let entries = step_1.all("nav.contents a");
    assert!(entries.len() > 1);
    for entry in entries.iter() {
        assert_eq!(entry.attr("lang"), Some("en"), "{}", entry.text());
    }
    // A translated page: only its section in English is.
    let step_3 = parse(out.join("cy/step-3.html"));
    assert_eq!(
        step_3.all("nav.contents a[lang]").texts(),
        ["Our own panel"]
    );
    assert!(step_3.all("nav.contents a").len() > 2);
    // The A to Z names that section in English too.
    let a_to_z = parse(out.join("cy/a-z.html"));
    let own = a_to_z.all(".a-z [lang]").with_text("Our own panel");
    assert_eq!(own.attrs("lang"), ["en"]);
    // A cross-reference shows each title in its own language.
    let volunteers = parse(out.join("cy/volunteers.html"));
    let named = |href: &str| volunteers.one(&format!(".prose a[href='{href}']"));
    let step = named("step-1.html");
    assert_eq!(step.one("span").attr("lang"), Some("en"), "{}", step.html());
    assert!(step.text().starts_with("Step One"));
    let panel = named("step-3.html#own-panel");
    assert_eq!(panel.one("span[lang=en]").text(), "Our own panel");
    let welsh = named("step-3.html#good-plan-checklist");
    assert!(!welsh.has("[lang]"), "{}", welsh.html());
    // The English site marks none of them.
    let english = parse(out.join("step-3.html"));
    assert!(!english.has("nav.contents a[lang]"));
}

#[test]
fn a_welsh_glossary_marks_a_definition_left_in_english_whatever_its_pages_language() {
    let dir = welsh_root();
    let root = dir.path();
    // The terminology page in Welsh, but for one definition the council
    // gives in English.
    write(
        root,
        "local-overrides/cwm/translations/terminology.cy.md",
        "---\ntitle: Termau\n---\n## Gweithiwr cymdeithasol {#social-worker}\n\nGweithiwr proffesiynol cymwys.\n\n## Rheoli gofal {#care-management}\n\nSwyddogaeth.\n\n## Dinesydd {#citizen}\n\nPob un ohonom.\n",
    );
    write(
        root,
        "local-overrides/cwm/overrides/terminology-citizen.md",
        "---\ntarget: terminology#citizen\naction: replace\nreason: Our own words.\nlast_reviewed: 2026-10-01\n---\n## Citizen {#citizen}\n\nEvery person who lives in Cwm Prawf.\n",
    );
    let out = build(root, &["--no-search"]);
    let glossary = parse(out.join("cy/glossary.html"));
    let term = |anchor: &str| glossary.one(&format!("dt#{anchor}"));
    assert_eq!(term("term-citizen").attr("lang"), Some("en"));
    assert_eq!(term("term-social-worker").attr("lang"), None);
}

#[test]
fn the_shipped_welsh_council_shows_its_published_versions_in_welsh() {
    let dir = common::copy_of_shipped();
    let root = dir.path();
    common::git(root, &["init", "-q", "-b", "main"], None);
    common::git(root, &["config", "user.name", "Policy Lead"], None);
    common::git(root, &["config", "user.email", "policy@cwm.example"], None);
    common::commit(root, "The handbook", "2026-10-01T09:00:00+01:00");
    common::git(
        root,
        &[
            "tag",
            "-a",
            "handbook/cwm-derwen/1.0",
            "-m",
            "First published version.",
        ],
        Some("2026-10-01T10:00:00+01:00"),
    );
    let out = common::built_edition(root, "cwm-derwen", &["--no-search"]);
    let in_force = parse(out.join("cy/in-force.html"));
    assert_eq!(
        in_force.one("h1").text(),
        "Canllawiau mewn grym ar ddyddiad"
    );
    assert_eq!(
        in_force.one(".in-force-table tbody a").attr("href"),
        Some("../versions/1.0/cy/index.html")
    );
    assert!(parse(out.join("cy/step-3.html")).has("section.versions"));
    let changes = parse(out.join("cy/changes.html"));
    assert_eq!(changes.all("main li").containing("fersiwn 1.0").len(), 1);
    assert!(out.join("versions/1.0/cy/step-3.html").is_file());
}

#[test]
fn a_councils_local_term_is_explained_in_welsh_and_marked_as_english_in_the_welsh_glossary() {
    let dir = welsh_root();
    let root = dir.path();
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!("{SETTINGS}terms:\n  \"Personal Budget\": \"Individual Budget\"\n"),
    );
    let out = build(root, &["--no-search"]);
    let glossary = parse(out.join("cy/glossary.html"));
    let term = glossary.one("dt#term-individual-budget");
    assert_eq!(
        term.attr("lang"),
        Some("en"),
        "the council's term is English"
    );
    let definition = term.next().unwrap();
    assert!(
        !outside_english(&definition.html()).contains("term for what the model guidance calls"),
        "{}",
        definition.html()
    );
    assert!(
        definition.text().contains("Cwm Prawf"),
        "{}",
        definition.html()
    );
    // The model's term it stands for is English inside the Welsh sentence.
    let model_term = definition.one("p span[lang='en']");
    assert_eq!(model_term.text(), "Personal Budget");
    // So are both terms where the Welsh differences page lists them.
    let differences = parse(out.join("cy/differences.html"));
    assert_eq!(
        differences
            .all("#local-terms + table td[lang='en']")
            .texts(),
        ["Personal Budget", "Individual Budget"]
    );
    assert!(
        definition.text().contains("“Personal Budget”"),
        "{}",
        definition.html()
    );
    // In English, as before.
    let english = parse(out.join("glossary.html"));
    let definition = english.one("dt#term-individual-budget").next().unwrap();
    assert!(definition
        .text()
        .contains("Cwm Prawf's term for what the model guidance calls “Personal Budget”."));
}

#[test]
fn a_translators_check_replaces_the_demonstration_notice_with_their_sign_off() {
    let dir = welsh_root();
    let root = dir.path();
    let footer = |page: &str| {
        let page = parse(root.join("out").join(page));
        page.all(".site-footer__translation")
            .texts()
            .into_iter()
            .zip(page.all(".site-footer__translation").attrs("lang"))
            .map(|(text, lang)| format!("{lang}: {text}"))
            .collect::<Vec<_>>()
    };
    // Not yet checked: the demonstration notice, in both languages, on the
    // pages of both languages.
    build(root, &["--no-search"]);
    let notice = [
        "en-GB: The Welsh words of this handbook are a demonstration translation: they have not been checked by a qualified translator.",
        "cy: Cyfieithiad arddangos yw geiriau Cymraeg y llawlyfr hwn: nid ydynt wedi'u gwirio gan gyfieithydd cymwys.",
    ];
    for page in [
        "step-1.html",
        "cy/step-1.html",
        "index.html",
        "cy/search.html",
    ] {
        assert_eq!(footer(page), notice, "{page}");
    }
    // Checked: the translator's sign-off, each language's date words, and
    // no demonstration notice anywhere.
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!(
            "{SETTINGS}    checked:\n      by: Elin Jones, Cyfieithu Prawf Cyf\n      qualification: full member of Cymdeithas Cyfieithwyr Cymru\n      date: 2026-11-30\n"
        ),
    );
    assert_ok(&handbook_in(root, &["check", "--authority", "cwm"]));
    build(root, &["--no-search"]);
    let signed = [
        "en-GB: The Welsh words of this handbook were checked by a qualified translator on 30 November 2026: Elin Jones, Cyfieithu Prawf Cyf, full member of Cymdeithas Cyfieithwyr Cymru.",
        "cy: Gwiriwyd geiriau Cymraeg y llawlyfr hwn gan gyfieithydd cymwys ar 30 Tachwedd 2026: Elin Jones, Cyfieithu Prawf Cyf, full member of Cymdeithas Cyfieithwyr Cymru.",
    ];
    for page in [
        "step-1.html",
        "cy/step-1.html",
        "index.html",
        "cy/search.html",
    ] {
        assert_eq!(footer(page), signed, "{page}");
    }
    let every_page = walkdir::WalkDir::new(root.join("out"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"));
    for page in every_page {
        let html = read(page.path());
        assert!(
            !html.contains("demonstration translation"),
            "{}",
            page.path().display()
        );
        assert!(
            !html.contains("Cyfieithiad arddangos"),
            "{}",
            page.path().display()
        );
    }
    // A check that does not say who made it is an error in `check`.
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!("{SETTINGS}    checked: {{ by: \"\", qualification: \"\", date: 2026-11-30 }}\n"),
    );
    let run = handbook_in(root, &["check", "--authority", "cwm"]);
    assert_fails(&run);
    assert!(
        text(&run).contains("`translations.cy.checked` must say who checked the translation"),
        "{}",
        text(&run)
    );
}

/// `SETTINGS` with the council's name forms, a contact and a variable in Welsh.
const SETTINGS_IN_WELSH: &str = "    name_forms:
      soft: Gyngor Bwrdeistref Sirol Cwm Prawf
    contacts:
      - name: Tîm Diogelu Oedolion
        note: I roi gwybod am oedolyn a allai fod yn wynebu risg.
    variables:
      team: Tîm Diogelu Oedolion
contacts:
  - name: Adult Safeguarding Team
    phone: \"01632 960720\"
    note: To report an adult who may be at risk.
variables:
  team: Adult Safeguarding Team
";

/// Item 10 of the reader issue: a translation that gives only a page's
/// title and summary (no text yet) puts the Welsh site's navigation,
/// previous and next links, breadcrumbs and A to Z into Welsh, while the
/// page's text stays English and is marked so.
#[test]
fn a_translation_of_the_title_alone_puts_the_navigation_into_welsh() {
    let dir = welsh_root();
    let root = dir.path();
    let welsh_title = "Cam Pump: Trefnu fy nghymorth";
    write(
        root,
        "local-overrides/cwm/translations/step-5.cy.md",
        &format!("---\ntitle: \"{welsh_title}\"\nsummary: Trefnu'r cymorth yn y cynllun.\n---\n"),
    );
    let output = handbook_in(root, &["check", "--authority", "cwm"]);
    assert!(
        !text(&output).contains("missing-section"),
        "a translation of the title alone is not a translation lacking sections:\n{}",
        text(&output)
    );
    let out = build(root, &["--no-search"]);
    let page = parse(out.join("cy/step-5.html"));
    let title = page.one("h1 > span[data-pagefind-meta=title]");
    assert_eq!(title.text(), welsh_title);
    assert_eq!(
        title.attr("lang"),
        None,
        "the Welsh title is not marked English"
    );
    assert!(
        page.one(".prose").attr("lang") == Some("en") || page.has(".prose [lang=en]"),
        "the English text is marked as English"
    );
    assert!(
        page.has(".translation-tag"),
        "the page says it is not all translated"
    );
    let first = parse(out.join("step-5.html")).all(".prose p").texts()[0].clone();
    assert!(
        page.one(".prose").text().contains(&first),
        "the text is the English page's: {first}"
    );
    // Every way to reach the page names it in Welsh, unmarked.
    let next = parse(out.join("cy/step-4.html"));
    let link = next.one(".pagination__next a");
    assert!(
        link.text().contains(welsh_title),
        "next link: {}",
        link.text()
    );
    assert!(
        !link.has("[lang=en]"),
        "the next link's title is not marked English"
    );
    let contents = page.all("nav a[href='step-5.html']");
    assert!(!contents.is_empty());
    assert!(
        contents.iter().any(|a| a.text().ends_with(welsh_title)),
        "the contents list names the page in Welsh: {:?}",
        contents.texts()
    );
    for a in contents.iter() {
        assert!(
            a.attr("lang").is_none() && !a.has("[lang=en]"),
            "{}",
            a.html()
        );
    }
    let a_z = read(out.join("cy/a-z.html"));
    assert!(
        a_z.contains(welsh_title),
        "the A to Z lists the Welsh title"
    );
    let status = parse(out.join("cy/translation.html"));
    let row = status.all("tr").containing(welsh_title);
    assert_eq!(
        row.len(),
        1,
        "the status page lists the page once, by its Welsh title"
    );
}

/// A local term is described on the glossary page in the site's language.
#[test]
fn a_local_term_is_described_in_the_language_of_the_site() {
    let dir = welsh_root();
    let root = dir.path();
    write(
        root,
        "local-overrides/cwm/authority.yaml",
        &format!("{SETTINGS}terms:\n  care management: care coordination\n"),
    );
    let out = build(root, &["--no-search"]);
    let english = parse(out.join("glossary.html"));
    let welsh = parse(out.join("cy/glossary.html"));
    let definition = |page: &Html| page.one("dt#term-care-coordination").next().unwrap().text();
    assert!(
        definition(&english)
            .contains("Cwm Prawf's term for what the model guidance calls “care management”"),
        "{}",
        definition(&english)
    );
    assert!(
        definition(&welsh).contains(
            "Term Cwm Prawf am yr hyn y mae'r canllawiau model yn ei alw'n “care management”"
        ),
        "{}",
        definition(&welsh)
    );
    assert!(
        !definition(&welsh).contains("term for"),
        "no English on the Welsh page"
    );
}

/// An authority adds glossary terms of its own, with their definitions, on
/// its own pages (`glossary:` as on the model's terminology page), and
/// gives them in Welsh in the page's translation: each glossary lists the
/// terms in its language, defined by the page's section, linked from text.
#[test]
fn an_authority_adds_glossary_terms_with_definitions_in_each_language() {
    let dir = welsh_root();
    let root = dir.path();
    write(
        root,
        "local-overrides/cwm/pages/volunteers.md",
        "---\nid: volunteers\ntitle: Volunteers who help with plans\nparent: step-3\nglossary:\n  - term: planning volunteer\n    section: who\n---\n## Who they are {#who}\n\nA planning volunteer is someone from the community who helps people plan. See [[step-3#good-plan-checklist]].\n",
    );
    write(
        root,
        "local-overrides/cwm/pages/volunteers.cy.md",
        "---\ntitle: Gwirfoddolwyr sy'n helpu gyda chynlluniau\nglossary:\n  - term: gwirfoddolwr cynllunio\n    section: who\n---\n## Pwy ydynt {#who}\n\nMae gwirfoddolwr cynllunio yn rhywun o'r gymuned sy'n helpu pobl i gynllunio. Gweler [[step-3#good-plan-checklist]].\n",
    );
    let out = build(root, &["--no-search"]);
    for (page, term, definition) in [
        (
            "glossary.html",
            "planning-volunteer",
            "someone from the community who helps people plan",
        ),
        (
            "cy/glossary.html",
            "gwirfoddolwr-cynllunio",
            "rhywun o'r gymuned sy'n helpu pobl i gynllunio",
        ),
    ] {
        let glossary = parse(out.join(page));
        let entry = glossary.one(&format!("dt#term-{term}"));
        let said = entry.next().unwrap().text();
        assert!(said.contains(definition), "{page}: {said}");
        assert!(
            glossary.has("a[href='volunteers.html#who']"),
            "{page} links to the definition's section"
        );
    }
    assert!(!read(out.join("cy/glossary.html")).contains("planning volunteer"));
}
