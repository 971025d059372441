//! `handbook serve` as a policy lead uses it: a real server on a free port,
//! real file saves, real HTTP requests.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// Polls until `test` holds for the body of `path`, or the deadline passes.
fn wait_for(
    server: &Server,
    path: &str,
    deadline: Duration,
    test: impl Fn(&str) -> bool,
) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < deadline {
        let (_, body) = get(server, path);
        if test(&body) {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn edit(root: &std::path::Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = read(&path);
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Whether `path` is served with `words` in it within five seconds.
fn served_with(server: &Server, path: &str, words: &str) -> bool {
    wait_for(server, path, Duration::from_secs(5), |b| b.contains(words)).is_some()
}

#[test]
fn a_save_is_served_a_broken_save_shows_the_error_and_a_fix_recovers() {
    let root = small_root();
    let server = start(root.path(), &[]);
    let (status, body) = get(&server, "/visits.html");
    assert_eq!(status, 200);
    assert!(body.contains("Before a visit"));
    assert!(
        body.contains("/__handbook/live.js"),
        "pages carry the reload script"
    );

    // A save shows up within 2 seconds.
    edit(
        root.path(),
        "content/visits.md",
        "a good week",
        "a good day",
    );
    let took = wait_for(&server, "/visits.html", Duration::from_secs(2), |b| {
        b.contains("a good day")
    });
    assert!(took.is_some(), "the edit was not served within 2 s");

    // A broken save: the error is shown, and the last good pages still serve.
    edit(
        root.path(),
        "content/plans.md",
        "title: ",
        "title: [unclosed ",
    );
    let shown = wait_for(&server, "/visits.html", Duration::from_secs(5), |b| {
        b.contains("hb-build-error")
    });
    assert!(shown.is_some(), "the build error is not shown in the page");
    let (status, body) = get(&server, "/visits.html");
    assert_eq!(status, 200);
    assert!(
        body.contains("content/plans.md:3"),
        "the error names the file and line"
    );
    assert!(body.contains("How to fix it"), "the error carries a hint");
    assert!(
        body.contains("a good day"),
        "the last good page still serves"
    );
    let (_, plans) = get(&server, "/plans.html");
    assert!(
        plans.contains("Making a plan"),
        "the broken page's last good version still serves"
    );

    // The next good save recovers.
    edit(
        root.path(),
        "content/plans.md",
        "title: [unclosed ",
        "title: ",
    );
    let recovered = wait_for(&server, "/visits.html", Duration::from_secs(5), |b| {
        !b.contains("hb-build-error")
    });
    assert!(
        recovered.is_some(),
        "the page did not recover after the fix"
    );
}

#[test]
fn requests_outside_the_edition_are_not_found() {
    let root = copy_of_model();
    std::fs::write(root.path().join("secret.txt"), "do not serve").unwrap();
    let server = start(root.path(), &[]);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%5c..%5csecret.txt",
    ] {
        let (status, body) = get(&server, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("do not serve"), "{path} leaked a file");
    }
    let (status, body) = get(&server, "/no-such-page.html");
    assert_eq!(status, 404);
    assert!(
        body.contains("Page not found"),
        "the edition's 404 page is served"
    );
}

#[test]
fn an_authority_edition_is_served_at_the_root() {
    let root = copy_of_shipped();
    let server = start(root.path(), &["--authority", "kinloch-vale"]);
    let (status, body) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(body.contains("Kinloch Vale Council"));
    let (status, _) = get(&server, "/differences.html");
    assert_eq!(status, 200);
    let (status, css) = get(&server, "/assets/handbook.css");
    assert_eq!(status, 200);
    assert!(css.contains("--brand"));
}

#[test]
fn editor_temporary_files_do_not_break_the_preview() {
    let root = copy_of_model();
    let server = start(root.path(), &[]);
    // Editors write swap files beside the page; they are not pages.
    std::fs::write(
        root.path().join("content/.step-1.md.swp"),
        "\0\0binary swap",
    )
    .unwrap();
    std::fs::write(root.path().join("content/step-1.md~"), "backup").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let (_, body) = get(&server, "/step-1.html");
    assert!(
        !body.contains("hb-build-error"),
        "a swap file broke the build:\n{body}"
    );
}

/// One save of a file of the shipped root, and where a reader sees it:
/// (the file under the root, text in it, what that becomes, a page that
/// shows the change, what shows it there).
type Save = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Saves of every kind to the model a policy lead makes: page text, front
/// matter, a heading, a template and `handbook.yaml`.
fn model_saves() -> Vec<Save> {
    vec![
        // Page text, with a new cross-reference (the target's "Referenced by" changes).
        (
            "content/step-5.md",
            "This may be especially important",
            "This may be most important (see [[step-2]])",
            "step-5.html",
            "most important",
        ),
        // An editors' note in In Control's text: the credits page lists it.
        (
            "content/step-1.md",
            "www.in-control.org.uk <span class=\"editorial\">2009 address</span>",
            "www.in-control.org.uk <span class=\"editorial\">2009 address, now moved</span>",
            "credits.html",
            "2009 address, now moved",
        ),
        // Front matter: a title shows in every page's contents list.
        (
            "content/step-5.md",
            "title: \"Step Five: Organising my support\"",
            "title: \"Step Five: Organising the support\"",
            "step-4.html",
            "Organising the support",
        ),
        // A new heading: the page's sections, the A to Z.
        (
            "content/step-2.md",
            "## Systems, Practice and Professional Support {#systems-practice-support}",
            "## Before the plan {#before-the-plan}\n\nA new section.\n\n## Systems, Practice and Professional Support {#systems-practice-support}",
            "step-2.html",
            "id=\"before-the-plan\"",
        ),
        // A template of the theme.
        (
            "themes/default/templates/page.html",
            "{% block main %}",
            "{% block main %}<p>The template was edited.</p>",
            "step-5.html",
            "The template was edited.",
        ),
        // The model's settings.
        (
            "content/handbook.yaml",
            "version: \"Draft 6\"",
            "version: \"Draft 6, revised\"",
            "credits.html",
            "Draft 6, revised",
        ),
    ]
}

/// Serves the edition `slug` of a copy of the shipped root and, after each
/// save in turn, checks that the edited page shows it and that every file
/// served is the one a fresh `build --no-search` of the same root makes.
fn every_save_serves_what_a_fresh_build_makes(slug: &str, saves: Vec<Save>) {
    let root = copy_of_shipped();
    let server = start(root.path(), &["--authority", slug]);
    served(&server, "/step-5.html", |b| {
        b.contains("Organising my support")
    });
    let fresh = tempfile::tempdir().unwrap();
    for (file, from, to, page, mark) in saves {
        edit(root.path(), file, from, to);
        let body = served(&server, &format!("/{page}"), |b| b.contains(mark));
        assert!(
            body.contains(mark) && !body.contains("hb-build-error"),
            "{slug}: the save of {file} is not on {page}"
        );
        let out = fresh.path().join(file.replace('/', "-"));
        let built = handbook_in(
            root.path(),
            &[
                "build",
                "--authority",
                slug,
                "--no-search",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_ok(&built);
        assert_served_as_built(&server, &out);
    }
}

#[test]
fn every_kind_of_save_to_exampleshire_serves_what_a_fresh_build_makes() {
    let mut saves = model_saves();
    saves.extend([
        (
            "local-overrides/exampleshire/overrides/step-3-local-panel.md",
            "team managers agree most support plans",
            "team managers agree nearly all support plans",
            "step-3.html",
            "nearly all support plans",
        ),
        (
            "local-overrides/exampleshire/examples/ex-review-with-dementia.md",
            "the best part of my week",
            "the highlight of my week",
            "step-7.html",
            "the highlight of my week",
        ),
        (
            "local-overrides/exampleshire/pages/resource-allocation-panel.md",
            "The panel does not repeat the assessment",
            "The panel never repeats the assessment",
            "resource-allocation-panel.html",
            "never repeats the assessment",
        ),
        (
            "local-overrides/exampleshire/authority.yaml",
            "is a fictional council",
            "is an imaginary council",
            "step-5.html",
            "is an imaginary council",
        ),
        // A local document's title, on the page that links to it.
        (
            "local-overrides/exampleshire/documents/carers-leaflet.yaml",
            "Support for carers: a leaflet",
            "Help for carers: a leaflet",
            "step-1.html",
            "Help for carers: a leaflet (PDF, 3 KB)",
        ),
    ]);
    every_save_serves_what_a_fresh_build_makes("exampleshire", saves);
}

#[test]
fn every_kind_of_save_to_kinloch_vale_serves_what_a_fresh_build_makes() {
    let mut saves = model_saves();
    saves.extend([
        (
            "local-overrides/kinloch-vale/overrides/step-4-four-options.md",
            "requires us to offer four options",
            "requires us to offer all four options",
            "step-4.html",
            "offer all four options",
        ),
        (
            "local-overrides/kinloch-vale/examples/ex-falkirk-family-network-meetings.md",
            "The pilot joined up three things",
            "The pilot brought together three things",
            "step-2.html",
            "brought together three things",
        ),
        (
            "local-overrides/kinloch-vale/pages/sds-in-scotland.md",
            "title: \"Self-directed support in Scotland: the four options for children and families\"",
            "title: \"Self-directed support in Scotland: four options for children and families\"",
            "sds-in-scotland.html",
            "Scotland: four options",
        ),
        (
            "local-overrides/kinloch-vale/authority.yaml",
            "is a fictional council",
            "is an imaginary council",
            "step-5.html",
            "is an imaginary council",
        ),
    ]);
    every_save_serves_what_a_fresh_build_makes("kinloch-vale", saves);
}

#[test]
fn a_save_that_changes_no_page_keeps_the_search_index_and_reports_nothing() {
    let root = copy_of_model();
    let server = start(root.path(), &[]);
    let ready = server
        .wait_for_line("Search index and link check updated", 0)
        .expect("the first build's index");
    // Blank lines at the end of a page change no page.
    let file = root.path().join("content/step-5.md");
    let text = read(&file);
    std::fs::write(&file, format!("{text}\n\n\n")).unwrap();
    let rebuilt = server
        .wait_for_line("Rebuilt in", ready)
        .expect("the save is rebuilt");
    let log = server.wait_for_line("(0 files changed)", ready);
    assert!(log.is_some(), "the save changed no page");
    server
        .wait_for_line("Search index and link check updated", rebuilt - 1)
        .expect("the background work after the save");
    let (status, entry) = get(&server, "/pagefind/pagefind-entry.json");
    assert_eq!(status, 200, "the search index is still served");
    assert!(entry.contains("\"languages\""));
    let (_, page) = get(&server, "/step-5.html");
    assert!(!page.contains("hb-build-error"), "no problem is reported");
}

#[test]
fn an_edition_in_english_and_welsh_is_previewed_in_both_languages_as_build_makes_them() {
    let root = copy_of_shipped();
    let server = start(root.path(), &["--authority", "cwm-derwen"]);
    server
        .wait_for_line("Search index and link check updated", 0)
        .expect("the first build's link check");
    // Both languages' sites, each page switching to the other's.
    let (status, english) = get(&server, "/step-3.html");
    assert_eq!(status, 200);
    assert!(english.contains("<html lang=\"en-GB\">"));
    assert!(english.contains("href=\"cy/step-3.html\" hreflang=\"cy\""));
    let (status, welsh) = get(&server, "/cy/step-3.html");
    assert_eq!(status, 200, "the Welsh site is served");
    assert!(welsh.contains("<html lang=\"cy\">"));
    assert!(welsh.contains("href=\"../step-3.html\" hreflang=\"en\""));
    assert_eq!(get(&server, "/cy/search.html").0, 200);
    // The Welsh site's own search index.
    let index = served(&server, "/cy/pagefind/pagefind-entry.json", |b| {
        b.contains("\"cy\"")
    });
    assert!(index.contains("\"cy\""), "{index}");
    // Its link check finds nothing wrong: every switch leads somewhere.
    assert!(!welsh.contains("hb-build-error"), "no problem is reported");
    let log = server.log_after(0);
    assert!(log.iter().all(|l| !l.contains("would stop")), "{log:?}");

    // A save of a Welsh translation is served in the Welsh site.
    edit(
        root.path(),
        "local-overrides/cwm-derwen/translations/step-3.cy.md",
        "Mae sgiliau craidd gwaith cymdeithasol",
        "Mae sgiliau newydd gwaith cymdeithasol",
    );
    let page = served(&server, "/cy/step-3.html", |b| b.contains("sgiliau newydd"));
    assert!(
        page.contains("sgiliau newydd"),
        "the Welsh save was not served"
    );
    // Every file is the one a build makes, in both languages.
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let built = handbook_in(
        root.path(),
        &[
            "build",
            "--authority",
            "cwm-derwen",
            "--no-search",
            "--out",
            site.to_str().unwrap(),
        ],
    );
    assert_ok(&built);
    assert!(site.join("cy/step-3.html").is_file());
    assert_served_as_built(&server, &site);
}

/// Saves `body` as the text of the small handbook's `plans` page (its
/// sixth line) while it is previewed, and asserts that the preview reports one problem,
/// `what`, at `at` (a file, line and column), in the terminal and above the
/// page, as `handbook build` of the same root reports it. Returns what the
/// preview printed and the problems the page shows (one `<li>` each).
fn reported_while_previewing(body: &str, at: &str, what: &str) -> (Vec<String>, String) {
    let root = small_root();
    let server = start(root.path(), &[]);
    let ready = server
        .wait_for_line("Search index and link check updated", 0)
        .expect("the first build's link check");
    let saved = format!("---\nid: plans\ntitle: Making a plan\nweight: 20\n---\n{body}\n");
    write(root.path(), "content/plans.md", &saved);
    server
        .wait_for_line(&format!("{at}: error"), ready)
        .expect("the problem is printed where it is written");
    let log = server.log_after(ready);
    assert!(log.contains(&format!("{at}: error: {what}")), "{log:#?}");
    let page = served(&server, "/plans.html", |b| b.contains("hb-build-error"));
    let shown = page
        .split_once("<ul>")
        .and_then(|(_, rest)| rest.split_once("</ul>"))
        .map_or(String::new(), |(list, _)| list.to_string());
    let item = format!("<li><strong>{at}</strong> {}<br>", as_code(what));
    assert!(shown.starts_with(&item), "{shown}");
    assert_eq!(shown.matches("<li>").count(), 1, "once: {shown}");
    let built = handbook_in(root.path(), &["build", "--no-search"]);
    assert_fails(&built);
    let built = text(&built);
    assert!(built.contains(&format!("{at}: {what}")), "{built}");
    (log, shown)
}

#[test]
fn a_broken_link_saved_while_previewing_is_reported_at_its_line_as_build_reports_it() {
    let what = "this link goes to `plan.pdf`, which is not in this edition";
    let body = "See [the plan](plan.pdf).";
    let (_, shown) = reported_while_previewing(body, "content/plans.md:6:5", what);
    assert!(
        !shown.contains("template"),
        "a link written in a page is not said to be a template's: {shown}"
    );
}

#[test]
fn a_missing_image_saved_while_previewing_is_reported_at_its_source_not_the_print_view() {
    let what = "there is no image `assets/chart.png` in this edition";
    let body = "A chart: ![the chart](assets/chart.png)";
    let (log, shown) = reported_while_previewing(body, "content/plans.md:6:10", what);
    // The print view shows every page's text, the image's too: the
    // problem is still the page's, reported once, at its source.
    assert!(!shown.contains("print.html"), "{shown}");
    assert!(!log.iter().any(|l| l.contains("print.html")), "{log:#?}");
}

#[test]
fn a_page_that_is_a_link_to_a_file_elsewhere_in_the_root_is_served_as_it_is_saved() {
    let root = small_root();
    let at = |p: &str| root.path().join(p);
    // The page's file lives in a folder of the root that holds no sources;
    // the content folder has a link to it, as `build` accepts.
    std::fs::create_dir_all(at("drafts")).unwrap();
    std::fs::rename(at("content/visits.md"), at("drafts/visits.md")).unwrap();
    std::os::unix::fs::symlink("../drafts/visits.md", at("content/visits.md")).unwrap();
    let server = start(root.path(), &[]);
    assert!(get(&server, "/visits.html").1.contains("a good week"));

    // Saved in place.
    edit(root.path(), "drafts/visits.md", "a good week", "a good day");
    assert!(
        served_with(&server, "/visits.html", "a good day"),
        "a save of the linked file was not served"
    );

    // Saved as editors do: a new file renamed over the old one.
    let text = read(at("drafts/visits.md")).replace("a good day", "a good month");
    std::fs::write(at("drafts/.visits.md.new"), text).unwrap();
    std::fs::rename(at("drafts/.visits.md.new"), at("drafts/visits.md")).unwrap();
    assert!(
        served_with(&server, "/visits.html", "a good month"),
        "a save by rename of the linked file was not served"
    );

    // A link made while the preview runs is followed too.
    std::fs::write(
        at("drafts/notes.md"),
        "---\nid: notes\ntitle: Notes\nweight: 40\n---\nFirst notes.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../drafts/notes.md", at("content/notes.md")).unwrap();
    assert!(
        served_with(&server, "/notes.html", "First notes."),
        "a new linked page was not served"
    );
    edit(
        root.path(),
        "drafts/notes.md",
        "First notes.",
        "Second notes.",
    );
    assert!(
        served_with(&server, "/notes.html", "Second notes."),
        "a save of a newly linked file was not served"
    );

    // And so is a link to a folder.
    std::fs::create_dir_all(at("library/guides")).unwrap();
    std::fs::write(
        at("library/guides/guide.md"),
        "---\nid: guide\ntitle: A guide\nweight: 50\n---\nFirst guide.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../library/guides", at("content/guides")).unwrap();
    assert!(
        served_with(&server, "/guide.html", "First guide."),
        "a page in a newly linked folder was not served"
    );
    edit(
        root.path(),
        "library/guides/guide.md",
        "First guide.",
        "Second guide.",
    );
    assert!(
        served_with(&server, "/guide.html", "Second guide."),
        "a save in a newly linked folder was not served"
    );

    // What is served is what a build makes (of the root's one edition).
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_ok(&handbook_in(
        root.path(),
        &["build", "--no-search", "--out", site.to_str().unwrap()],
    ));
    assert_served_as_built(&server, &site.join("model"));
}

#[test]
fn a_save_that_keeps_the_files_length_and_time_is_served() {
    let root = small_root();
    let page = root.path().join("content/visits.md");
    let server = start(root.path(), &[]);
    assert!(get(&server, "/visits.html").1.contains("a good week"));
    // Copied in with its time kept (as `cp -p`, `rsync -t` or an unpacked
    // archive do), the same length as before.
    let when = std::fs::metadata(&page).unwrap().modified().unwrap();
    let text = read(&page).replace("a good week", "a good wink");
    std::fs::write(&page, text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&page)
        .unwrap()
        .set_modified(when)
        .unwrap();
    assert!(
        served_with(&server, "/visits.html", "a good wink"),
        "the save was not served"
    );
}

#[test]
fn a_missing_image_saved_in_a_welsh_translation_is_reported_at_its_line_as_build_reports_it() {
    let root = copy_of_shipped();
    let file = "local-overrides/cwm-derwen/translations/step-3.cy.md";
    let server = start(root.path(), &["--authority", "cwm-derwen"]);
    let ready = server
        .wait_for_line("Search index and link check updated", 0)
        .expect("the first build's link check");
    let from = "Mae sgiliau craidd gwaith cymdeithasol";
    edit(
        root.path(),
        file,
        from,
        &format!("![Siart](assets/siart.png) {from}"),
    );
    let line = 1 + read(root.path().join(file))
        .lines()
        .position(|l| l.contains("assets/siart.png"))
        .unwrap();
    let at = format!("{file}:{line}:1");
    let what = "there is no image `assets/siart.png` in this edition";
    server
        .wait_for_line(&format!("{at}: error"), ready)
        .expect("the preview reports the Welsh page's image where it is written");
    let log = server.log_after(ready);
    assert!(log.contains(&format!("{at}: error: {what}")), "{log:#?}");
    let built = handbook_in(
        root.path(),
        &[
            "build",
            "--authority",
            "cwm-derwen",
            "--no-search",
            "--out",
            "out",
        ],
    );
    assert_fails(&built);
    assert!(
        text(&built).contains(&format!("{at}: {what}")),
        "{}",
        text(&built)
    );
}

/// A message as the preview shows it: each `name` in backticks as code.
fn as_code(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

/// A small root with an authority, `x`, whose override's model text changed
/// since its review was recorded, and whose local page is overdue for review
/// (with a feedback contact, so that its owner's missing address is no
/// third warning).
fn root_with_warnings() -> tempfile::TempDir {
    let root = small_root();
    let dir = root.path();
    write(
        dir,
        "local-overrides/x/authority.yaml",
        "name: X Council\nshort_name: X\njurisdiction: england\nservice: adults\nfeedback:\n  email: handbook@x.example\n",
    );
    write(
        dir,
        "local-overrides/x/overrides/plans-panel.md",
        "---\ntarget: plans#covers\naction: append\nlast_reviewed: 2026-11-01\nmodel_fingerprint: \"b3:00000000000000000000000000000000\"\n---\nOur panel meets on Tuesdays.\n",
    );
    write(
        dir,
        "local-overrides/x/pages/panel.md",
        "---\nid: panel\ntitle: Our panel\nparent: plans\nowner: Policy team\nlast_reviewed: 2024-01-10\nreview_every: 12 months\n---\nThe panel meets on Tuesdays.\n",
    );
    root
}

#[test]
fn the_preview_lists_warnings_at_their_source_line_under_a_count_that_opens_them() {
    let root = root_with_warnings();
    let check = handbook_in(root.path(), &["check", "--authority", "x"]);
    let checked = text(&check);
    let stale = "local-overrides/x/overrides/plans-panel.md:2:1";
    let overdue = "local-overrides/x/pages/panel.md:6:1";
    for at in [stale, overdue] {
        assert!(
            checked.contains(&format!("{at}: warning")) || checked.contains(at),
            "check reports {at}:\n{checked}"
        );
    }

    let server = start(root.path(), &["--authority", "x"]);
    let page = served(&server, "/panel.html", |b| b.contains("hb-warnings"));
    let banner = page
        .split_once("<aside class=\"hb-warnings\"")
        .and_then(|(_, rest)| rest.split_once("</aside>"))
        .map(|(banner, _)| banner.to_string())
        .unwrap_or_else(|| panic!("no list of warnings:\n{page}"));
    assert!(
        banner.contains("<details><summary>2 warnings in the files of this edition"),
        "{banner}"
    );
    for item in [
        format!("<li><strong>{stale}</strong> the model text of <code>plans#covers</code> changed since this override was last reviewed"),
        format!("<li><strong>{overdue}</strong> <code>panel</code> was due for review on 2025-01-10"),
    ] {
        assert!(banner.contains(&item), "expected {item:?} in:\n{banner}");
    }
    assert!(
        banner.contains("How to fix it: read the change below"),
        "{banner}"
    );
    assert!(
        !page.contains("hb-build-error"),
        "warnings do not stop the preview"
    );
    assert!(
        !banner.contains("<script") && !banner.contains(" style="),
        "{banner}"
    );
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/__handbook/live.css\">"));
    let css = get(&server, "/__handbook/live.css").1;
    assert!(css.contains(".hb-warnings"), "{css}");
    let home = get(&server, "/index.html").1;
    assert!(home.contains("<summary>2 warnings"), "on every page");
    assert!(
        server.wait_for_line(overdue, 0).is_some(),
        "printed in the terminal too: {:#?}",
        server.log_after(0)
    );

    // The page reviewed: one warning is left, then none and no list.
    edit(
        root.path(),
        "local-overrides/x/pages/panel.md",
        "last_reviewed: 2024-01-10",
        "last_reviewed: 2026-11-20",
    );
    let page = served(&server, "/panel.html", |b| {
        b.contains("<summary>1 warning in")
    });
    assert!(page.contains("<summary>1 warning in"), "{page}");
    assert!(!page.contains(overdue), "{page}");
    assert_ok(&handbook_in(
        root.path(),
        &["accept", "x", "plans-panel.md"],
    ));
    let page = served(&server, "/panel.html", |b| !b.contains("hb-warnings"));
    assert!(!page.contains("hb-warnings"), "{page}");
}
