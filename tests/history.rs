//! Published versions: `handbook release` records releases of an edition
//! in the root's git history, and a build keeps each release readable,
//! says when each was in force and lists each page's versions.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// A copy of the shipped root in git with three releases of exampleshire:
/// 1.0 (12 January 2026), 2.0 (2 March 2026, step 2 changed) and 3.0
/// (1 June 2026, made with `handbook release`: a local override removes a
/// section of step 5).
fn three_releases() -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let root = dir.path();
    // With a published address, so that the edition has a sitemap.
    let settings = read(root.join("local-overrides/exampleshire/authority.yaml"));
    write(
        root,
        "local-overrides/exampleshire/authority.yaml",
        &format!("{settings}\naddress: https://handbook.exampleshire.example/\n"),
    );
    with_first_release(root, "exampleshire", "First published version.");

    let step2 = std::fs::read_to_string(root.join("content/step-2.md")).unwrap();
    let changed = step2.replacen(
        "{#social-work-role}\n",
        "{#social-work-role}\n\nRelease two adds this sentence.\n",
        1,
    );
    assert_ne!(step2, changed, "step 2 has the section");
    std::fs::write(root.join("content/step-2.md"), changed).unwrap();
    commit(root, "Step 2 reworded", "2026-03-02T08:00:00+00:00");
    git(
        root,
        &[
            "tag",
            "-a",
            "handbook/exampleshire/2.0",
            "-m",
            "Step 2 reworded.",
        ],
        Some("2026-03-02T08:30:00+00:00"),
    );

    write(
        root,
        "local-overrides/exampleshire/overrides/step-5-role.md",
        "---\ntarget: step-5#social-work-role\naction: remove\nreason: Exampleshire's review panel covers this.\nlast_reviewed: 2026-05-20\n---\n",
    );
    commit(
        root,
        "Step 5's role section removed",
        "2026-06-01T08:00:00+01:00",
    );
    let mut release = handbook_command(
        root,
        &[
            "release",
            "exampleshire",
            "--version",
            "3.0",
            "--note",
            "Step 5's role section removed.",
        ],
    );
    release
        .env("GIT_COMMITTER_DATE", "2026-06-01T09:00:00+01:00")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root);
    let released = release.output().unwrap();
    assert_ok(&released);
    assert!(
        text(&released).contains("tag handbook/exampleshire/3.0"),
        "{}",
        text(&released)
    );
    dir
}

fn build(root: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "build",
        "--authority",
        "exampleshire",
        "--no-search",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    assert_ok(&handbook_in(root, &args));
}

#[test]
fn releases_are_listed_kept_whole_and_dated() {
    let dir = three_releases();
    let root = dir.path();

    let listed = handbook_in(root, &["releases"]);
    assert_ok(&listed);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        "exampleshire\t1.0\t2026-01-12\tFirst published version.\n\
         exampleshire\t2.0\t2026-03-02\tStep 2 reworded.\n\
         exampleshire\t3.0\t2026-06-01\tStep 5's role section removed.\n"
    );

    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("site");
    build(root, &out, &[]);

    // Each page lists the releases that changed its text, newest first.
    let step2 = read(out.join("step-2.html"));
    let versions = step2
        .split("Versions of this page")
        .nth(1)
        .expect("a versions list");
    let v2 = versions
        .find("href=\"versions/2.0/step-2.html\"")
        .expect("2.0");
    let v1 = versions
        .find("href=\"versions/1.0/step-2.html\"")
        .expect("1.0");
    assert!(v2 < v1, "newest first");
    assert!(
        !versions.contains("versions/3.0/step-2.html"),
        "3.0 did not change step 2"
    );
    assert!(versions.contains("Step 2 reworded."));
    // Each with what changed from the version before, marked in words.
    let compared = visible_text(versions);
    assert!(
        compared.contains("added: Release two adds this sentence."),
        "{compared}"
    );
    assert!(versions.contains("<ins><span class=\"visually-hidden\">added: </span>"));
    let step5 = read(out.join("step-5.html"));
    let removal = step5
        .split("version 3.0</summary>")
        .nth(1)
        .expect("3.0 compared");
    assert!(removal.contains("<del><span class=\"visually-hidden\">removed: </span>"));
    assert!(
        !step5.contains("version 1.0</summary>"),
        "the first has nothing before it"
    );
    assert!(step5.contains("href=\"versions/3.0/step-5.html\""));
    assert!(!step5.contains("href=\"versions/2.0/step-5.html\""));

    // Each release is kept whole, with a banner saying when it was in force.
    let old = read(out.join("versions/1.0/step-2.html"));
    assert!(!old.contains("Release two adds this sentence."));
    assert!(old.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(
        visible_text(&old).contains("in force from 12 January 2026 to 2 March 2026"),
        "{}",
        visible_text(&old)
    );
    assert!(
        old.contains("href=\"../../step-2.html\""),
        "links to the current page"
    );
    let middle = read(out.join("versions/2.0/step-5.html"));
    assert!(
        middle.contains("id=\"social-work-role\""),
        "before the removal"
    );
    assert!(!step5.contains("id=\"social-work-role\""));
    let current = read(out.join("versions/3.0/index.html"));
    assert!(visible_text(&current).contains("in force since 1 June 2026: the current version"));
    assert!(out.join("versions/2.0/assets/handbook.css").is_file());
    assert!(!out.join("versions/2.0/sitemap.xml").exists());
    assert!(!out.join("versions/2.0/404.html").exists());

    // Not in the current sitemap; the release notes are among the changes.
    let sitemap = read(out.join("sitemap.xml"));
    assert!(sitemap.contains("https://handbook.exampleshire.example/step-2.html"));
    assert!(!sitemap.contains("versions/"));
    let changes = read(out.join("changes.html"));
    assert!(changes.contains("href=\"versions/2.0/index.html\""));
    assert!(changes.contains("Step 2 reworded."));
    let feed = read(out.join("changes.xml"));
    assert!(
        feed.contains("<link href=\"versions/3.0/index.html\"/>"),
        "{feed}"
    );
    assert!(feed.contains("role section removed."));

    // The page of guidance in force on a date: a table of releases.
    let in_force = read(out.join("in-force.html"));
    for (version, from) in [
        ("1.0", "2026-01-12"),
        ("2.0", "2026-03-02"),
        ("3.0", "2026-06-01"),
    ] {
        assert!(
            in_force.contains(&format!(
                "<tr data-version=\"{version}\" data-from=\"{from}\" data-href=\"versions/{version}/index.html\">"
            )),
            "{in_force}"
        );
    }
    assert!(visible_text(&in_force).contains("Still in force"));
    assert!(in_force.contains("<script src=\"assets/in-force.js\" defer></script>"));
    assert_eq!(
        in_force_answers(&out.join("assets/in-force.js"), &in_force),
        ["none", "1.0", "2.0", "3.0", "3.0"]
    );

    // Two builds are byte for byte the same.
    let again = out_dir.path().join("again");
    build(root, &again, &[]);
    assert!(snapshot(&out) == snapshot(&again), "two builds differ");

    // --no-history builds as without releases.
    let plain = out_dir.path().join("plain");
    build(root, &plain, &["--no-history"]);
    assert!(!plain.join("versions").exists());
    assert!(!plain.join("in-force.html").exists());
    assert!(!read(plain.join("step-2.html")).contains("Versions of this page"));
}

/// What the in-force page's script answers, from the page's own table,
/// for a date before the first release, between the first two, on the
/// second's day, on the last's day and after it.
fn in_force_answers(script: &Path, page: &str) -> Vec<String> {
    let rows: Vec<String> = page
        .split("<tr data-version=\"")
        .skip(1)
        .map(|row| {
            let attr = |name: &str| {
                let start = row.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                row[start..start + row[start..].find('"').unwrap()].to_string()
            };
            let version = &row[..row.find('"').unwrap()];
            format!("{{version:'{version}',from:'{}'}}", attr("data-from"))
        })
        .collect();
    let program = format!(
        "const {{inForceOn}} = require({:?}); const releases = [{}]; \
         for (const d of ['2026-01-11','2026-02-01','2026-03-02','2026-06-01','2027-01-01']) {{ \
           const r = inForceOn(d, releases); console.log(r ? r.version : 'none'); }}",
        script.to_str().unwrap(),
        rows.join(",")
    );
    let output = Command::new("node")
        .arg("-e")
        .arg(program)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "{}", text(&output));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn a_report_of_a_problem_names_the_version_in_force_and_the_web_address() {
    let dir = three_releases();
    let root = dir.path();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("site");
    build(root, &out, &[]);
    let page = Html::parse(&read(out.join("step-2.html")));
    let href = page.one(".feedback a").attr("href").unwrap();
    let (_, query) = href.split_once('?').unwrap();
    let body = query
        .split('&')
        .find_map(|field| field.strip_prefix("body="))
        .expect("a body");
    let body = percent_encoding::percent_decode_str(body)
        .decode_utf8()
        .unwrap();
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(
        lines[1],
        "Address: https://handbook.exampleshire.example/step-2.html"
    );
    assert_eq!(lines[2], "Version: 3.0, in force since 1 June 2026");
    assert!(lines[3].starts_with("Last updated: "), "{lines:?}");
    // A past version is a record, not guidance to act on: a problem is
    // reported from the current page, which its banner links to.
    let old = Html::parse(&read(out.join("versions/3.0/step-2.html")));
    assert!(old.has(".version-banner"));
    assert!(!old.has(".feedback"), "a past version offers no report");
}

#[test]
fn a_digest_lists_what_changed_for_staff_since_a_release() {
    let dir = three_releases();
    let root = dir.path();
    // After 3.0, a new local page, not yet released.
    write(
        root,
        "local-overrides/exampleshire/pages/carers-breaks.md",
        "---\nid: carers-breaks\ntitle: Breaks for carers\nparent: home\nweight: 400\nowner: Adult Social Care Practice Quality Team\nlast_reviewed: 2026-06-10\nchanges:\n  - { date: 2026-06-10, note: \"New page on short breaks.\" }\n---\nText.\n",
    );
    let out = root.join("digests");
    let run = handbook_in(
        root,
        &[
            "digest",
            "exampleshire",
            "--since",
            "2.0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_ok(&run);
    assert!(
        text(&run).contains("2 page(s) of `exampleshire` changed since version 2.0"),
        "{}",
        text(&run)
    );
    let plain = read(out.join("digest-exampleshire-since-2.0.txt"));
    let html = Html::parse(&read(out.join("digest-exampleshire-since-2.0.html")));
    assert_eq!(html.one("html").attr("lang"), Some("en-GB"));
    assert_eq!(
        html.one("h1").text(),
        "What has changed in Exampleshire County Council since version 2.0"
    );
    assert_eq!(html.one("title").text(), html.one("h1").text());
    assert!(html
        .one("h1 + p")
        .text()
        .contains("since version 2.0 came into force on 2 March 2026"));
    assert_eq!(
        html.one("main > p:last-child a").attr("href"),
        Some("https://handbook.exampleshire.example/changes.html")
    );
    // The versions published since, and each page changed, with its note and link.
    assert_eq!(html.all("main > ul").len(), 2);
    assert_eq!(
        html.all("main > ul").first().unwrap().text(),
        "Version 3.0 (1 June 2026): Step 5's role section removed."
    );
    let pages: Vec<String> = html
        .all("main > ul")
        .iter()
        .nth(1)
        .unwrap()
        .all("li")
        .texts();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(
        pages[0].starts_with("Step Five"),
        "reading order: {pages:?}"
    );
    assert!(
        pages[0].contains(
            "(changed): Exampleshire County Council removed or reviewed the removal of model text"
        ),
        "{pages:?}"
    );
    assert_eq!(
        pages[1],
        "Breaks for carers (new page): New page on short breaks."
    );
    let link = html.one("a[href='https://handbook.exampleshire.example/carers-breaks.html']");
    assert_eq!(link.text(), "Breaks for carers");
    assert!(
        !html.root().html().contains("<link"),
        "nothing is loaded from anywhere"
    );
    assert!(
        html.all("[style]").len() > 5,
        "styled inline, for mail programs"
    );
    // The plain text says the same, with each page's address on its own line.
    assert!(plain.contains("- Breaks for carers (new page): New page on short breaks.\n  https://handbook.exampleshire.example/carers-breaks.html\n"), "{plain}");
    assert!(
        plain.contains("- Version 3.0 (1 June 2026): Step 5's role section removed."),
        "{plain}"
    );

    // A version the edition never had is refused, naming those it has.
    let run = handbook_in(
        root,
        &[
            "digest",
            "exampleshire",
            "--since",
            "9.9",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_fails(&run);
    assert!(
        text(&run).contains("`exampleshire` has no release `9.9`"),
        "{}",
        text(&run)
    );
    assert!(
        text(&run).contains("its releases are 1.0, 2.0, 3.0"),
        "{}",
        text(&run)
    );
}

#[test]
fn each_release_lists_the_pages_it_changed_on_whats_changed_in_the_feed_and_in_its_digest() {
    let dir = three_releases();
    let root = dir.path();
    // `handbook release 3.0` wrote the digest since 2.0 where it ran: the
    // page 3.0 changed, with its note; 1.0 and 2.0 were tagged by hand.
    let plain = read(root.join("digest-exampleshire-since-2.0.txt"));
    assert!(plain.contains("- Step Five"), "{plain}");
    assert!(
        plain.contains("https://handbook.exampleshire.example/step-5.html"),
        "{plain}"
    );
    assert!(
        !plain.contains("Step Two"),
        "2.0's change is not 3.0's: {plain}"
    );
    let html = Html::parse(&read(root.join("digest-exampleshire-since-2.0.html")));
    assert!(html.one("h1").text().ends_with("since version 2.0"));

    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("site");
    build(root, &out, &[]);

    // What's changed: under each release but the first, the pages it changed.
    let changes = Html::parse(&read(out.join("changes.html")));
    let lists = changes.all("ul.release-pages");
    assert_eq!(lists.len(), 2, "releases 3.0 and 2.0, not the first");
    let (in_3, in_2) = (lists.first().unwrap(), lists.iter().nth(1).unwrap());
    assert_eq!(in_3.all("li").len(), 1, "{}", in_3.text());
    assert_eq!(in_3.one("a").attr("href"), Some("step-5.html"));
    assert!(in_3.text().starts_with("Step Five:"), "{}", in_3.text());
    assert_eq!(in_2.one("a").attr("href"), Some("step-2.html"));
    assert_eq!(in_2.all("li").len(), 1, "{}", in_2.text());
    assert_eq!(
        changes.all(".release-pages__lead").texts(),
        ["Pages changed in this version:"; 2]
    );

    // The feed: the same lists as each release's entry's content.
    let feed = read(out.join("changes.xml"));
    let entry_of = |version: &str| -> String {
        let link = format!("<link href=\"versions/{version}/index.html\"/>");
        let at = feed
            .find(&link)
            .unwrap_or_else(|| panic!("{version}: {feed}"));
        let end = feed[at..].find("</entry>").unwrap() + at;
        feed[at..end].to_string()
    };
    let three = entry_of("3.0");
    assert!(three.contains("<content type=\"html\">"), "{three}");
    assert!(
        three.contains("&lt;a href=&quot;step-5.html&quot;&gt;Step Five: Organising my support&lt;/a&gt;: Exampleshire County Council removed"),
        "{three}"
    );
    assert!(
        !entry_of("1.0").contains("<content"),
        "the first release lists no change"
    );

    // A past release's feed is a feed of its own, not the current one again.
    let feed_id = |xml: &str| {
        xml.split("<id>")
            .nth(1)
            .unwrap()
            .split("</id>")
            .next()
            .unwrap()
            .to_string()
    };
    let archived = read(out.join("versions/2.0/changes.xml"));
    assert_eq!(feed_id(&feed), "tag:handbook,2009:exampleshire/changes");
    assert_eq!(
        feed_id(&archived),
        "tag:handbook,2009:exampleshire/versions/2.0/changes"
    );
}

#[test]
fn archived_pages_are_not_in_the_current_search_index() {
    let dir = three_releases();
    let root = dir.path();
    let out_dir = tempfile::tempdir().unwrap();
    let count = |extra: &str| {
        let out = out_dir.path().join(extra.trim_start_matches('-'));
        let mut args = vec![
            "build",
            "--authority",
            "exampleshire",
            "--out",
            out.to_str().unwrap(),
        ];
        if !extra.is_empty() {
            args.push(extra);
        }
        assert_ok(&handbook_in(root, &args));
        assert!(out.join("versions/1.0/index.html").is_file() || !extra.is_empty());
        let entry: serde_json::Value =
            serde_json::from_str(&read(out.join("pagefind/pagefind-entry.json"))).unwrap();
        entry["languages"]
            .as_object()
            .unwrap()
            .values()
            .map(|l| l["page_count"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(count(""), count("--no-history"));
}

#[test]
fn search_works_in_an_archived_version_and_finds_that_versions_words() {
    let dir = three_releases();
    let root = dir.path();
    let out = built_edition(root, "exampleshire", &[]);
    // The archived search page loads its index from beside it, as the
    // current one does.
    for version in ["1.0", "2.0", "3.0"] {
        let top = out.join("versions").join(version);
        assert!(top.join("search.html").is_file());
        assert!(
            top.join("pagefind/pagefind.js").is_file(),
            "{version} has no search index"
        );
    }
    let found = |index: &Path, words: &str| -> Vec<String> {
        index_fragments(index)
            .into_iter()
            .filter(|f| f["content"].as_str().unwrap_or("").contains(words))
            .map(|f| f["url"].as_str().unwrap_or("").to_string())
            .collect()
    };
    // Each version's index finds what that version said, at its own pages.
    let added = "Release two adds this sentence";
    assert_eq!(
        found(&out.join("versions/2.0/pagefind"), added),
        ["/step-2.html"]
    );
    assert!(found(&out.join("versions/1.0/pagefind"), added).is_empty());
}

#[test]
fn a_release_must_be_clean_committed_and_new() {
    let dir = three_releases();
    let root = dir.path();
    let release = |version: &str| {
        handbook_command(
            root,
            &[
                "release",
                "exampleshire",
                "--version",
                version,
                "--note",
                "N.",
            ],
        )
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root)
        .output()
        .unwrap()
    };
    let refused = |output: std::process::Output, words: &str| {
        assert_fails(&output);
        assert!(text(&output).contains(words), "{}", text(&output));
        text(&output)
    };
    refused(release("3.0"), "release 3.0 was already recorded");
    // A version is part of a folder name and of every address into it.
    for bad in ["2026#4", "100%", "CON", "2026/3"] {
        refused(release(bad), "cannot be a version");
    }

    let step1 = read(root.join("content/step-1.md"));
    write(
        root,
        "content/step-1.md",
        &format!("{step1}\nNot committed.\n"),
    );
    refused(release("4.0"), "content/step-1.md");

    git(root, &["checkout", "--", "content/step-1.md"], None);
    let step2 = read(root.join("content/step-2.md"));
    write(
        root,
        "content/step-2.md",
        &format!("{step2}\nSee [[no-such-page]].\n"),
    );
    let broken = refused(release("4.0"), "content/step-2.md:");
    assert!(broken.contains("nothing was released"));
}

#[test]
fn a_root_outside_git_builds_as_before_and_check_says_why_history_is_off() {
    let dir = copy_of_shipped();
    let checked = handbook_in(dir.path(), &["check", "--authority", "exampleshire"]);
    assert_ok(&checked);
    assert!(
        text(&checked).contains("history is off: the root is not in a git repository"),
        "{}",
        text(&checked)
    );
    let out = dir.path().join("site");
    build(dir.path(), &out, &[]);
    assert!(!out.join("versions").exists());
    assert!(!out.join("in-force.html").exists());
    assert!(!read(out.join("step-2.html")).contains("Versions of this page"));
}

/// The cache's entries (not the files of its folder entries), with their
/// lengths and times of last change, by kind.
fn cache_entries(cache: &Path) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime)> {
    let mut entries: Vec<_> = walkdir::WalkDir::new(cache)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "entry"))
        .map(|e| {
            let meta = e.metadata().unwrap();
            (e.into_path(), meta.len(), meta.modified().unwrap())
        })
        .collect();
    entries.sort();
    entries
}

/// How many entries of each kind (`releases`, `archived`) the cache has.
fn kinds(cache: &Path) -> (usize, usize) {
    let entries = cache_entries(cache);
    let of = |kind: &str| {
        entries
            .iter()
            .filter(|(p, _, _)| p.strip_prefix(cache).unwrap().starts_with(kind))
            .count()
    };
    (of("releases"), of("archived"))
}

/// Builds `root` with the cache and without it, and says whether the two
/// outputs differ.
fn same_with_and_without(root: &Path, work: &Path, cache: &Path, name: &str) {
    let with = work.join(format!("{name}-with"));
    let without = work.join(format!("{name}-without"));
    build(root, &with, &["--cache", cache.to_str().unwrap()]);
    build(root, &without, &["--no-cache"]);
    assert!(
        snapshot(&with) == snapshot(&without),
        "{name}: the build with the cache differs from one without"
    );
}

#[test]
fn the_build_cache_changes_nothing_but_time() {
    let dir = three_releases();
    let root = dir.path();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let with_cache = ["--cache", cache.to_str().unwrap()];

    let none = work.path().join("none");
    build(root, &none, &["--no-cache"]);
    assert!(
        !work.path().join(".handbook-cache").exists(),
        "--no-cache still made a cache"
    );
    let built = snapshot(&none);
    assert!(built.keys().any(|p| p.starts_with("versions")));
    let same = |name: &str, out: &Path| {
        assert!(
            snapshot(out) == built,
            "the build with a {name} cache differs from one without"
        );
    };

    // A cold cache keeps each release's pages, as built and as placed.
    let cold = work.path().join("cold");
    build(root, &cold, &with_cache);
    assert_eq!(kinds(&cache), (3, 3), "{:?}", cache_entries(&cache));
    same("cold", &cold);

    // A warm cache is read, not written again.
    let warm = work.path().join("warm");
    build(root, &warm, &with_cache);
    let kept = cache_entries(&cache);
    build(root, &warm, &with_cache);
    assert_eq!(
        cache_entries(&cache),
        kept,
        "the warm build rewrote the cache"
    );
    same("warm", &warm);

    // An archived page changed where it was published (in place, so in
    // whatever shares its bytes), longer or the same length, is not carried
    // into the next build.
    // The same length, with its time of last change put back, as a copy
    // that keeps times would leave it.
    let page = warm.join("versions/2.0/step-2.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Release two"));
    let when = std::fs::metadata(&page).unwrap().modified().unwrap();
    let mut file = std::fs::OpenOptions::new().write(true).open(&page).unwrap();
    std::io::Write::write_all(
        &mut file,
        html.replacen("Release two", "Release TWO", 1).as_bytes(),
    )
    .unwrap();
    file.set_modified(when).unwrap();
    drop(file);
    let other = warm.join("versions/1.0/step-1.html");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&other)
        .unwrap();
    std::io::Write::write_all(&mut file, b"<p>Added where it was published.</p>").unwrap();
    drop(file);
    let edited = work.path().join("edited");
    build(root, &edited, &with_cache);
    same("edited", &edited);

    // A damaged cache is not used: each entry cut short or altered is made
    // again, whole, as it was.
    let whole: Vec<Vec<u8>> = cache_entries(&cache)
        .iter()
        .map(|(path, _, _)| std::fs::read(path).unwrap())
        .collect();
    for (i, (path, len, _)) in cache_entries(&cache).iter().enumerate() {
        let mut bytes = std::fs::read(path).unwrap();
        if i % 2 == 0 {
            bytes.truncate(*len as usize / 2);
        } else {
            let last = bytes.len() - 10;
            bytes[last] ^= 0x20;
        }
        std::fs::write(path, bytes).unwrap();
    }
    let damaged = work.path().join("damaged");
    build(root, &damaged, &with_cache);
    assert_eq!(
        kinds(&cache),
        (3, 3),
        "the damaged entries were not made again"
    );
    let repaired: Vec<Vec<u8>> = cache_entries(&cache)
        .iter()
        .map(|(path, _, _)| std::fs::read(path).unwrap())
        .collect();
    assert!(repaired == whole, "a damaged entry was left damaged");
    same("damaged", &damaged);

    // The default cache sits beside the output folder.
    let beside = work.path().join("beside");
    build(root, &beside, &[]);
    assert_eq!(kinds(&work.path().join(".handbook-cache")), (3, 3));
    same("beside", &beside);

    // What a release's pages show of the present (the day the next release
    // replaced it, the current pages they link to) is never taken from the
    // cache once it has changed: a fourth release adds a page, which is
    // then taken out of the current edition.
    write(
        root,
        "local-overrides/exampleshire/pages/visits.md",
        "---\nid: home-visits\ntitle: Home visits\nparent: step-3\n---\nA local page.\n",
    );
    commit(
        root,
        "A local page on home visits",
        "2026-07-01T08:00:00+01:00",
    );
    git(
        root,
        &[
            "tag",
            "-a",
            "handbook/exampleshire/4.0",
            "-m",
            "Home visits.",
        ],
        Some("2026-07-01T09:00:00+01:00"),
    );
    same_with_and_without(root, work.path(), &cache, "a fourth release");
    std::fs::remove_file(root.join("local-overrides/exampleshire/pages/visits.md")).unwrap();
    same_with_and_without(root, work.path(), &cache, "a page taken out");
    assert_eq!(
        kinds(&cache),
        (4, 4),
        "one placed entry a release, the old ones gone"
    );
}

/// A copy of the shipped model in git, with a release 1.0 of 12 January
/// 2026, and tags under `handbook/` that are not releases or not yet in
/// force: a version with `/`, a device name, a capital, a lightweight tag
/// and a release dated after the tests' today (24 November 2026).
fn model_with_odd_tags() -> tempfile::TempDir {
    let dir = copy_of_model();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"], None);
    git(root, &["config", "user.name", "Policy Lead"], None);
    git(
        root,
        &["config", "user.email", "policy@model.example"],
        None,
    );
    commit(root, "The model", "2026-01-12T09:00:00+00:00");
    let tag = |name: &str, date: &str| {
        git(root, &["tag", "-a", name, "-m", "A note."], Some(date));
    };
    tag("handbook/model/1.0", "2026-01-12T10:00:00+00:00");
    tag("handbook/model/2026/3", "2026-02-01T10:00:00+00:00");
    tag("handbook/model/CON", "2026-02-02T10:00:00+00:00");
    tag("handbook/model/V4", "2026-02-03T10:00:00+00:00");
    tag("handbook/model/9.0", "2027-01-04T10:00:00+00:00");
    git(root, &["tag", "handbook/model/3"], None);
    dir
}

#[test]
fn tags_that_are_not_releases_are_reported_and_a_future_release_is_not_in_force() {
    let dir = model_with_odd_tags();
    let root = dir.path();
    let output = handbook_in(root, &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let said: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {} {}", d["severity"], d["code"], d["message"]))
        .collect();
    for tag in [
        "handbook/model/2026/3",
        "handbook/model/CON",
        "handbook/model/V4",
        "handbook/model/3",
    ] {
        assert!(
            said.iter()
                .any(|s| s.contains("\"warning\" \"release-ignored\"")
                    && s.contains(&format!("tag {tag} "))),
            "{tag}: {said:#?}"
        );
    }
    assert!(said.iter().any(|s| s.contains("lightweight")), "{said:#?}");
    assert!(
        said.iter()
            .any(|s| s.contains("release-not-yet-in-force") && s.contains("9.0")),
        "{said:#?}"
    );

    let out = root.join("out");
    let built = handbook_in(root, &["build", "--out", out.to_str().unwrap()]);
    assert_ok(&built);
    let versions = out.join("model/versions");
    assert!(versions.join("1.0").is_dir());
    for not_shown in ["2026", "CON", "V4", "3", "9.0"] {
        assert!(
            !versions.join(not_shown).exists(),
            "{not_shown} was published"
        );
    }
    let in_force = read(out.join("model/in-force.html"));
    assert!(!in_force.contains("9.0"), "a future release is shown");
    // The release before it is still in force, not replaced on a day to come.
    assert!(in_force.contains("Still in force"), "{in_force}");
    assert!(!in_force.contains("2027"), "{in_force}");

    let release = |version: &str| {
        handbook_command(
            root,
            &["release", "model", "--version", version, "--note", "N."],
        )
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root)
        .output()
        .unwrap()
    };
    let lightweight = release("3");
    assert_fails(&lightweight);
    assert!(
        text(&lightweight).contains("not a release"),
        "{}",
        text(&lightweight)
    );
    assert!(
        text(&lightweight).contains("lightweight"),
        "{}",
        text(&lightweight)
    );
    let capital = release("V5");
    assert_fails(&capital);
    assert!(text(&capital).contains("capital"), "{}", text(&capital));
}

#[test]
fn a_shallow_clone_without_tags_says_so() {
    let dir = model_with_odd_tags();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let to = clone.path().join("root");
    git(
        clone.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-tags",
            &url,
            to.to_str().unwrap(),
        ],
        None,
    );
    let checked = handbook_in(&to, &["check"]);
    assert_ok(&checked);
    let said = text(&checked);
    assert!(said.contains("shallow clone"), "{said}");
    assert!(said.contains("--unshallow --tags"), "{said}");
}

/// The warnings a run printed, each by its first line.
fn warnings(said: &str) -> Vec<&str> {
    said.lines().filter(|l| l.contains('⚠')).collect()
}

/// Builds exampleshire without the build cache into `out`; returns the
/// warnings it printed.
fn build_alone(root: &Path, out: &Path) -> Vec<String> {
    let args = [
        "build",
        "--authority",
        "exampleshire",
        "--no-search",
        "--no-cache",
        "--out",
        out.to_str().unwrap(),
    ];
    let built = handbook_in(root, &args);
    assert_ok(&built);
    warnings(&text(&built))
        .into_iter()
        .map(String::from)
        .collect()
}

/// Runs four `handbook build`s of exampleshire at once, each into its own
/// folder under `work` (named after `round`), all with the build cache
/// `cache`; each must succeed, warn of nothing but what a build alone
/// warns of (`alone`), and write what `expected` holds.
fn four_at_once(
    root: &Path,
    work: &Path,
    cache: &Path,
    round: &str,
    (expected, alone): (&Path, &[String]),
) {
    let children: Vec<_> = (0..4)
        .map(|i| {
            let out = work.join(format!("{round}-{i}"));
            let child = handbook_command(
                root,
                &[
                    "build",
                    "--authority",
                    "exampleshire",
                    "--no-search",
                    "--cache",
                    cache.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                ],
            )
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
            (out, child)
        })
        .collect();
    let wanted = snapshot(expected);
    for (out, child) in children {
        let output = child.wait_with_output().unwrap();
        assert_ok(&output);
        let said = text(&output);
        assert_eq!(warnings(&said), alone, "{round}: {said}");
        assert!(
            snapshot(&out) == wanted,
            "{round}: {} differs from a build without the cache",
            out.display()
        );
    }
}

#[test]
fn builds_at_the_same_time_share_one_cache_without_interfering() {
    let dir = three_releases();
    let root = dir.path();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let expected = work.path().join("expected");
    let alone = build_alone(root, &expected);
    // A cold cache, then a warm one, each several times.
    for round in ["cold", "warm", "warm-again"] {
        four_at_once(root, work.path(), &cache, round, (&expected, &alone));
    }
    // A new page: every release is placed again, beside the current pages,
    // while the others' places are taken away.
    write(
        root,
        "local-overrides/exampleshire/pages/new-page.md",
        "---\nid: new-page\ntitle: A new page\nparent: step-3\nlast_reviewed: 2026-10-01\n---\nNew.\n",
    );
    let expected = work.path().join("expected-new");
    let alone = build_alone(root, &expected);
    for round in ["new", "new-again"] {
        four_at_once(root, work.path(), &cache, round, (&expected, &alone));
    }
}
