//! The model edition as a reader meets it: built from the shipped content
//! with the real binary.

mod common;

use common::*;

const MODEL_PAGES: &[(&str, &str)] = &[
    (
        "index.html",
        "Systems, Practice and Support of Professional Social Work under Self-Directed Support",
    ),
    ("about.html", "About this guidance"),
    ("terminology.html", "Terminology"),
    ("step-1.html", "Step One: My money, finding out how much"),
    ("step-2.html", "Step Two: Making my Plan"),
    ("step-3.html", "Step Three: Getting my plan agreed"),
    ("step-4.html", "Step Four: Organising my money"),
    ("step-5.html", "Step Five: Organising my support"),
    ("step-6.html", "Step Six: Living Life"),
    ("step-7.html", "Step Seven: Seeing how its worked"),
    ("staying-safe.html", "Helping People to Stay Safe"),
    ("credits.html", "Credits and licence"),
];

#[test]
fn every_model_page_is_built_with_its_title_as_the_heading() {
    let model = shipped_build().join("model");
    for (file, title) in MODEL_PAGES {
        let html = read(model.join(file));
        let h1_start = html
            .find("<h1")
            .unwrap_or_else(|| panic!("{file} has no h1"));
        let h1 = visible_text(&html[h1_start..html[h1_start..].find("</h1>").unwrap() + h1_start]);
        assert!(
            h1.contains(title),
            "{file}: h1 is {h1:?}, expected {title:?}"
        );
        assert!(
            html.contains("<html lang=\"en-GB\">"),
            "{file} is not marked as British English"
        );
    }
}

#[test]
fn the_home_page_shows_the_seven_steps_in_order() {
    let home = read(shipped_build().join("model/index.html"));
    let glance = &home[home
        .find("The seven steps at a glance")
        .expect("steps at a glance")..];
    let mut last = 0;
    for step in 1..=7 {
        let at = glance
            .find(&format!("href=\"step-{step}.html\""))
            .unwrap_or_else(|| panic!("step {step} missing from the home page"));
        assert!(at > last, "step {step} is out of order on the home page");
        last = at;
    }
}

#[test]
fn step_pages_link_to_the_previous_and_next_step() {
    let model = shipped_build().join("model");
    let step4 = read(model.join("step-4.html"));
    assert!(step4.contains("href=\"step-3.html\" rel=\"prev\""));
    assert!(step4.contains("href=\"step-5.html\" rel=\"next\""));
    let step1 = read(model.join("step-1.html"));
    assert!(
        !step1.contains("rel=\"prev\""),
        "step 1 has no previous step"
    );
    let step7 = read(model.join("step-7.html"));
    assert!(!step7.contains("rel=\"next\""), "step 7 has no next step");
}

#[test]
fn step_pages_have_the_stable_section_ids() {
    let model = shipped_build().join("model");
    for step in 1..=7 {
        let html = read(model.join(format!("step-{step}.html")));
        assert!(html.contains("id=\"social-work-role\""), "step {step}");
        assert!(
            html.contains("id=\"systems-practice-support\""),
            "step {step}"
        );
    }
    assert!(read(model.join("step-3.html")).contains("id=\"good-plan-checklist\""));
    let safe = read(model.join("staying-safe.html"));
    assert!(safe.contains("id=\"six-ways\"") && safe.contains("id=\"authority-guidance\""));
}

#[test]
fn every_page_of_every_edition_credits_in_control_and_links_to_credits() {
    let out = shipped_build();
    let pages = html_files(out);
    assert!(pages.len() > 40, "only {} pages built", pages.len());
    for page in pages {
        if page.parent() == Some(out) {
            continue; // the list of editions is not an edition page
        }
        let html = read(&page);
        let text = visible_text(&html);
        // A Welsh page credits In Control in Welsh ("gan In Control").
        let credit = if html.contains("<html lang=\"cy\">") {
            "gan In Control"
        } else {
            "by In Control"
        };
        assert!(
            text.contains(credit),
            "{} does not credit In Control",
            page.display()
        );
        assert!(
            html.contains("href=\"credits.html\""),
            "{} has no link to the credits page",
            page.display()
        );
    }
}

#[test]
fn the_credits_page_carries_the_acknowledgements_version_and_licence() {
    let text = visible_text(&read(shipped_build().join("model/credits.html")));
    for expected in [
        "This guidance was written by Andrew Tyson",
        "John Gillespie and Louise Close of In Control",
        "Jeanette Thompson of Sheffield City Council",
        "Draft 6",
        "October 8, 2009",
        "can be borrowed or adapted as desired",
    ] {
        assert!(text.contains(expected), "credits page lacks {expected:?}");
    }
}

#[test]
fn links_and_assets_are_relative_and_nothing_is_loaded_from_outside() {
    for page in html_files(shipped_build()) {
        let html = read(&page);
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let url = &piece[..piece.find('"').unwrap()];
                assert!(
                    !url.starts_with('/'),
                    "{}: absolute link {url}",
                    page.display()
                );
                if attr == "src=\"" {
                    assert!(
                        !url.contains("://"),
                        "{}: outside resource {url}",
                        page.display()
                    );
                }
            }
        }
        assert!(
            !html.contains("<link rel=\"stylesheet\" href=\"http"),
            "{}",
            page.display()
        );
    }
}

#[test]
fn pages_have_no_inline_scripts_or_styles() {
    for page in html_files(shipped_build()) {
        let html = read(&page);
        assert!(
            !html.contains("<style"),
            "{}: inline style element",
            page.display()
        );
        assert!(
            !html.contains(" style=\""),
            "{}: inline style attribute",
            page.display()
        );
        for piece in html.split("<script").skip(1) {
            let tag = &piece[..piece.find('>').unwrap()];
            assert!(tag.contains("src="), "{}: inline script", page.display());
        }
    }
}

#[test]
fn check_passes_on_the_shipped_handbook() {
    let run = handbook(&["check", "--deny-warnings"]);
    assert_ok(&run);
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert_ok(&handbook(&["build", "--out", a.to_str().unwrap()]));
    assert_ok(&handbook(&["build", "--out", b.to_str().unwrap()]));
    let files_a = snapshot(&a);
    let files_b = snapshot(&b);
    assert_eq!(files_a.len(), files_b.len());
    for ((path_a, bytes_a), (path_b, bytes_b)) in files_a.iter().zip(&files_b) {
        assert_eq!(path_a, path_b);
        assert!(
            bytes_a == bytes_b,
            "{} differs between two builds",
            path_a.display()
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let root = copy_of_shipped();
    let out = root.path().join("public");
    assert_ok(&handbook_in(root.path(), &["build"]));
    let before = snapshot(&out);
    write(
        root.path(),
        "content/step-2.md",
        "---\nid: step-2\ntitle: [broken\n---\nText\n",
    );
    let run = handbook_in(root.path(), &["build"]);
    assert_fails(&run);
    assert!(text(&run).contains("content/step-2.md:3"), "{}", text(&run));
    assert_eq!(
        before,
        snapshot(&out),
        "the failed build changed the output"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind");
}

#[test]
fn build_writes_public_by_default_with_an_index_of_editions() {
    let root = copy_of_shipped();
    assert_ok(&handbook_in(root.path(), &["build"]));
    let out = root.path().join("public");
    for edition in ["model", "exampleshire", "kinloch-vale", "cwm-derwen"] {
        assert!(
            out.join(edition).join("index.html").is_file(),
            "{edition} missing"
        );
    }
    let index = read(out.join("index.html"));
    assert!(index.contains("href=\"model/index.html\""));
    assert!(index.contains("href=\"kinloch-vale/index.html\""));
    assert!(index.contains("href=\"cwm-derwen/index.html\""));
}

/// Lower-case words of a text, for comparing wording.
fn words(text: &str) -> Vec<String> {
    text.replace(['’', '‘'], "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// How many of `para`'s words appear, in order, in `published` starting near
/// one of the places its first words occur.
fn matched_in_order(para: &[String], published: &[String]) -> usize {
    let mut best = 0;
    let heads: Vec<&String> = para.iter().take(3).collect();
    for (start, word) in published.iter().enumerate() {
        if !heads.contains(&word) {
            continue;
        }
        let window = &published[start..(start + para.len() * 3 + 10).min(published.len())];
        let mut at = 0;
        let mut matched = 0;
        for w in para {
            if let Some(found) = window[at..].iter().position(|p| p == w) {
                at += found + 1;
                matched += 1;
            }
        }
        best = best.max(matched);
        if best == para.len() {
            break;
        }
    }
    best
}

#[test]
fn the_model_edition_publishes_the_seed_guidance_faithfully() {
    // The model guidance as In Control published it (open-source; kept as a test fixture).
    let seed = read(repo().join("tests/fixtures/model-guidance-seed.txt"));
    // Paragraphs of the seed: blank-line blocks and table cells (<p> items).
    let plain = seed.replace("</p>", "\n\n").replace(['\t'], "\n\n");
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    for block in plain.split("\n\n") {
        let without_tags = visible_text(block);
        let ws = words(&without_tags);
        if !ws.is_empty() {
            paragraphs.push(ws);
        }
    }
    let published = words(&visible_text(&read(
        shipped_build().join("model/print.html"),
    )));
    let total: usize = paragraphs.iter().map(Vec::len).sum();
    let mut matched = 0;
    let mut worst: Vec<(usize, String)> = Vec::new();
    for para in &paragraphs {
        let m = matched_in_order(para, &published);
        matched += m;
        if m < para.len() {
            worst.push((para.len() - m, para.join(" ")));
        }
    }
    worst.sort_by_key(|w| std::cmp::Reverse(w.0));
    let share = matched as f64 / total as f64;
    assert!(
        total > 3500,
        "the seed was not read properly ({total} words)"
    );
    assert!(
        share >= 0.99,
        "only {:.2}% of the seed's {total} words appear in order; most missed:\n{:#?}",
        share * 100.0,
        &worst[..worst.len().min(5)]
    );
}
