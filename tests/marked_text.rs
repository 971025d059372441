//! Issue 15: readers can see whose words they read. On an adapted page every
//! piece of the council's text (an override's text, a note, the notice where
//! a section was removed) stands in a region labelled in words with the
//! council's name, linked to its entry on the differences page; a `note`
//! leaves the model text as it was; and "last updated" counts the local
//! text's dates.

mod common;

use common::*;

/// The regions of marked text on a page: each region's whole HTML.
fn regions(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<div class=\"hb-local") {
        let region = &rest[at..];
        let end = region.find("</div>").expect("a region is closed") + "</div>".len();
        found.push(&region[..end]);
        rest = &region[end..];
    }
    found
}

/// The visible words of a region's label.
fn label(region: &str) -> String {
    let start = region
        .find("<p class=\"hb-local-label\" data-pagefind-ignore>")
        .expect("a region has a label");
    let end = region[start..].find("</p>").unwrap() + start;
    visible_text(&region[start..end])
}

/// A sentence from the middle of a file's Markdown body: plain words, long
/// enough to be found only where that text is shown.
fn sentence_of(markdown: &str) -> Option<String> {
    let body = markdown.splitn(3, "---\n").nth(2)?;
    body.lines()
        .filter(|l| {
            !l.starts_with(['#', '|', '-', '*', '>'])
                && !l.contains(['[', '{', '`', '*', '_', '"', '\'', '&', '<'])
        })
        .flat_map(|l| l.split(". "))
        .map(str::trim)
        .find(|s| s.split_whitespace().count() >= 6)
        .map(|s| s.split_whitespace().take(6).collect::<Vec<_>>().join(" "))
}

/// The front matter value of `key` in a Markdown file.
fn setting<'a>(markdown: &'a str, key: &str) -> Option<&'a str> {
    markdown
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .map(|v| v.trim().trim_matches('"'))
}

#[test]
fn every_local_piece_on_an_adapted_page_is_marked_and_linked_to_its_difference() {
    let out = shipped_build();
    let mut checked = 0;
    for slug in ["exampleshire", "kinloch-vale", "cwm-derwen"] {
        let council = match slug {
            "exampleshire" => "Exampleshire County Council",
            "cwm-derwen" => "Cwm Derwen County Borough Council",
            _ => "Kinloch Vale Council",
        };
        let differences = read(out.join(slug).join("differences.html"));
        let dir = repo().join("local-overrides").join(slug).join("overrides");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if is_translation(&path) {
                continue;
            }
            let markdown = std::fs::read_to_string(&path).unwrap();
            let action = setting(&markdown, "action").unwrap();
            let target = setting(&markdown, "target").unwrap();
            let (page, section) = target.split_once('#').unwrap_or((target, ""));
            if action == "remove" && section.is_empty() {
                // A removed page is gone; the differences page says why.
                continue;
            }
            let html = read(out.join(slug).join(format!("{page}.html")));
            let html = html.replace("&#39;", "'");
            let stem = path.file_stem().unwrap().to_string_lossy();
            let anchor = format!("override-{stem}");
            let link = format!("href=\"differences.html#{anchor}\"");
            let Some(region) = regions(&html).into_iter().find(|r| r.contains(&link)) else {
                panic!("{} is not marked on {slug}/{page}.html", path.display());
            };
            if let Some(sentence) = sentence_of(&markdown) {
                assert!(
                    visible_text(region).contains(&sentence),
                    "`{sentence}` is not in its region: {region}"
                );
            }
            let words = label(region);
            assert!(
                words.contains(council),
                "the label names the council: {words}"
            );
            assert!(
                differences.contains(&format!("id=\"{anchor}\"")),
                "{slug}/differences.html has no entry {anchor}"
            );
            if action == "note" {
                assert!(
                    words.contains("Note from") && words.contains("unchanged"),
                    "{words}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} overrides were checked");
}

#[test]
fn a_removed_section_leaves_a_note_saying_why_where_it_was() {
    let root = copy_of_shipped();
    write(
        root.path(),
        "local-overrides/exampleshire/overrides/remove-step-2-role.md",
        "---\ntarget: step-2#social-work-role\naction: remove\nreason: \"Our directory lists what is available locally.\"\nlast_reviewed: 2026-10-01\n---\n",
    );
    assert_ok(&handbook_in(
        root.path(),
        &[
            "build",
            "--authority",
            "exampleshire",
            "--out",
            "out",
            "--no-search",
        ],
    ));
    let html = read(root.path().join("out/step-2.html"));
    let removed: Vec<&str> = regions(&html)
        .into_iter()
        .filter(|r| r.contains("hb-removed"))
        .collect();
    assert_eq!(removed.len(), 1, "{html}");
    let text = visible_text(removed[0]);
    assert!(
        text.contains("Exampleshire County Council removed model text here"),
        "{text}"
    );
    assert!(
        text.contains("The social work role")
            && text.contains("Our directory lists what is available locally."),
        "{text}"
    );
    assert!(removed[0].contains("differences.html#override-remove-step-2-role"));
}

/// A root whose one authority adds a note to step 3 and has no local terms,
/// so its pages can be compared with the model's.
fn root_with_note(position: &str) -> tempfile::TempDir {
    let root = copy_of_shipped();
    let config = root
        .path()
        .join("local-overrides/exampleshire/authority.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    // Without the council's overrides, its urgent box's section (which one
    // of them adds) is gone: the box keeps its note without the link. Nor
    // does it build on the England-wide layer, whose notes are not its own.
    std::fs::write(
        &config,
        text.replace("terms:\n  \"Individual Budget\": \"Personal Budget\"\n", "")
            .replace("    section: raising-a-concern\n", "")
            .replace("base: england-wide\n", ""),
    )
    .unwrap();
    for folder in ["overrides", "examples"] {
        let dir = root
            .path()
            .join("local-overrides/exampleshire")
            .join(folder);
        for entry in std::fs::read_dir(dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
    }
    write(
        root.path(),
        "local-overrides/exampleshire/overrides/note-on-checklist.md",
        &format!("---\ntarget: step-3#good-plan-checklist\naction: note\nposition: {position}\nreason: \"Our panel uses this list.\"\nlast_reviewed: 2026-09-15\n---\nThe panel asks for each of these points.\n"),
    );
    // Record the note's model text as reviewed.
    let all = handbook_in(root.path(), &["accept", "exampleshire", "--all"]);
    if !all.status.success() {
        assert_ok(&handbook_in(root.path(), &["accept", "exampleshire"]));
    }
    root
}

/// A page's prose, without its marked regions.
fn model_prose(html: &str) -> String {
    let start = html.find("<div class=\"prose").expect("a page has prose");
    let end = ["<section class=\"examples", "<section class=\"backlinks"]
        .iter()
        .filter_map(|marker| html[start..].find(marker))
        .min()
        .map_or(html.len(), |e| start + e);
    let mut prose = html[start..end].to_string();
    for region in regions(&html[start..end]) {
        prose = prose.replace(region, "");
    }
    prose.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_note_shows_beside_the_model_text_and_leaves_it_as_it_was() {
    for position in ["before", "after"] {
        let root = root_with_note(position);
        assert_ok(&handbook_in(
            root.path(),
            &["build", "--out", "out", "--no-search"],
        ));
        let model = read(root.path().join("out/model/step-3.html"));
        let adapted = read(root.path().join("out/exampleshire/step-3.html"));
        assert_eq!(
            model_prose(&model),
            model_prose(&adapted),
            "the model text changed under a note ({position})"
        );
        let notes = regions(&adapted);
        assert_eq!(notes.len(), 1);
        assert!(visible_text(notes[0]).contains("The panel asks for each of these points."));
        let heading = adapted.find("id=\"good-plan-checklist\"").unwrap();
        let note = adapted.find("The panel asks").unwrap();
        let first_item = heading + adapted[heading..].find("<li>").unwrap();
        match position {
            "before" => assert!(
                heading < note && note < first_item,
                "the note stands after the heading, before the text"
            ),
            _ => assert!(note > first_item, "the note stands after the text"),
        }
        let differences = read(root.path().join("out/exampleshire/differences.html"));
        assert!(
            differences.contains("id=\"override-note-on-checklist\"")
                && differences.contains("Our panel uses this list.")
        );
        let diff = handbook_in(root.path(), &["diff", "exampleshire"]);
        assert!(
            text(&diff).contains("note")
                && text(&diff).contains("The panel asks for each of these points."),
            "{}",
            text(&diff)
        );
    }
}

#[test]
fn a_note_goes_stale_when_the_model_text_under_it_changes() {
    let root = root_with_note("after");
    let check = handbook_in(root.path(), &["check", "--deny-warnings"]);
    assert_ok(&check);
    let step = root.path().join("content/step-3.md");
    let text_now = std::fs::read_to_string(&step).unwrap();
    let changed = text_now.replacen("\n- ", "\n- A new first point for every plan.\n- ", 1);
    assert_ne!(changed, text_now);
    std::fs::write(&step, changed).unwrap();
    let check = handbook_in(root.path(), &["check", "--deny-warnings"]);
    assert_fails(&check);
    let all = text(&check);
    assert!(
        all.contains("note-on-checklist.md") && all.contains("A new first point for every plan."),
        "{all}"
    );
}

#[test]
fn last_updated_on_an_adapted_page_is_the_local_texts_date() {
    let root = root_with_note("after");
    // A published address, so that the edition has a sitemap.
    let config = root
        .path()
        .join("local-overrides/exampleshire/authority.yaml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{settings}\naddress: https://intranet.exampleshire.example/guidance/\n"),
    )
    .unwrap();
    assert_ok(&handbook_in(
        root.path(),
        &["build", "--out", "out", "--no-search"],
    ));
    let model = read(root.path().join("out/model/step-3.html"));
    let adapted = read(root.path().join("out/exampleshire/step-3.html"));
    let updated = |html: &str| {
        let at = html.find("Last updated</dt><dd>").unwrap() + "Last updated</dt><dd>".len();
        // The date, before the link to what changed that day.
        html[at..at + html[at..].find('<').unwrap()]
            .trim()
            .to_string()
    };
    assert_eq!(updated(&model), "8 October 2009");
    assert_eq!(updated(&adapted), "15 September 2026");
    let sitemap = read(root.path().join("out/exampleshire/sitemap.xml"));
    let entry = sitemap
        .split("<url>")
        .find(|u| u.contains("step-3.html"))
        .unwrap();
    assert!(entry.contains("<lastmod>2026-09-15</lastmod>"), "{entry}");
}

#[test]
fn a_dated_change_of_local_text_is_on_the_changes_page_and_feed() {
    let root = copy_of_shipped();
    let file = "local-overrides/exampleshire/overrides/step-3-local-panel.md";
    let path = root.path().join(file);
    let text_now = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text_now.replacen("action: append\n", "action: append\nchanges:\n  - date: 2026-10-20\n    note: \"The panel now meets every Thursday.\"\n", 1)).unwrap();
    assert_ok(&handbook_in(
        root.path(),
        &[
            "build",
            "--authority",
            "exampleshire",
            "--out",
            "out",
            "--no-search",
        ],
    ));
    let changes = read(root.path().join("out/changes.html"));
    assert!(
        changes.contains("The panel now meets every Thursday."),
        "{changes}"
    );
    let feed = read(root.path().join("out/changes.xml"));
    assert!(feed.contains("The panel now meets every Thursday.") && feed.contains("2026-10-20"));
}

#[test]
fn an_undated_override_is_a_warning_naming_it() {
    let root = copy_of_shipped();
    let file = "local-overrides/exampleshire/overrides/step-3-local-panel.md";
    let path = root.path().join(file);
    let text_now = std::fs::read_to_string(&path).unwrap();
    let undated: String = text_now
        .lines()
        .filter(|l| !l.starts_with("last_reviewed"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, undated).unwrap();
    let check = handbook_in(root.path(), &["check", "--deny-warnings"]);
    assert_fails(&check);
    let all = text(&check);
    assert!(all.contains(file) && all.contains("last_reviewed"), "{all}");
}

#[test]
fn a_quiet_style_is_still_labelled() {
    let root = copy_of_shipped();
    let config = root
        .path()
        .join("local-overrides/exampleshire/authority.yaml");
    let text_now = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text_now.replacen("theme:\n", "theme:\n  provenance: quiet\n", 1),
    )
    .unwrap();
    assert_ok(&handbook_in(
        root.path(),
        &[
            "build",
            "--authority",
            "exampleshire",
            "--out",
            "out",
            "--no-search",
        ],
    ));
    let html = read(root.path().join("out/step-3.html"));
    let marked = regions(&html);
    assert!(!marked.is_empty());
    for region in marked {
        // The England-wide layer's notes too, in the edition's style.
        assert!(region.contains("hb-quiet"));
        let by = label(region);
        assert!(
            by.contains("Exampleshire County Council")
                || by.contains("the National Adult Social Care Guidance Forum"),
            "{by}"
        );
    }
}

#[test]
fn an_author_cannot_forge_a_marked_region() {
    let root = copy_of_model();
    let page = root.path().join("content/step-2.md");
    let text_now = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text_now}\n\u{E000}open:0\u{E000}\n\nForged words.\n\n\u{E000}close\u{E000}\n"),
    )
    .unwrap();
    assert_ok(&handbook_in(
        root.path(),
        &["build", "--out", "out", "--no-search"],
    ));
    let html = read(root.path().join("out/model/step-2.html"));
    assert!(html.contains("Forged words."));
    assert!(regions(&html).is_empty(), "model text was marked as local");
    assert!(!html.contains('\u{E000}'));
}
