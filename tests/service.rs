//! The service around the text (issue 36): every page of a council's
//! edition offers "Report a problem with this page", a `mailto:` link to the
//! page's owner (or the edition's feedback contact) with the page named in
//! it, and `check` says whose reports would go nowhere.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

/// A `mailto:` link as a mail program reads it (RFC 6068): the address
/// before `?`, then `name=value` fields joined by `&`, each value
/// percent-decoded as UTF-8.
struct Mail {
    to: String,
    fields: BTreeMap<String, String>,
}

impl Mail {
    fn read(href: &str) -> Mail {
        let rest = href
            .strip_prefix("mailto:")
            .unwrap_or_else(|| panic!("not a mailto: link: {href}"));
        let (to, query) = rest
            .split_once('?')
            .unwrap_or_else(|| panic!("no fields after `?`: {href}"));
        let decode = |text: &str| {
            // RFC 6068: a field holds unreserved characters and
            // percent-encoded bytes only, so no `&`, `=`, `#`, space or `+`
            // of the page's words can end a field or be read another way.
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c)),
                "not percent-encoded: {text}"
            );
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .expect("UTF-8")
                .into_owned()
        };
        let fields = query
            .split('&')
            .map(|pair| {
                let (name, value) = pair
                    .split_once('=')
                    .unwrap_or_else(|| panic!("a field without `=`: {pair}"));
                (name.to_string(), decode(value))
            })
            .collect();
        Mail {
            to: percent_encoding::percent_decode_str(to)
                .decode_utf8()
                .unwrap()
                .into_owned(),
            fields,
        }
    }

    fn subject(&self) -> &str {
        &self.fields["subject"]
    }

    /// The body's lines (RFC 6068 writes each line break as `%0D%0A`).
    fn lines(&self) -> Vec<&str> {
        let body = &self.fields["body"];
        assert!(
            !body.replace("\r\n", "").contains('\n'),
            "a bare line break: {body:?}"
        );
        body.split("\r\n").collect()
    }
}

/// A built page, parsed.
fn page(path: impl AsRef<Path>) -> Html {
    Html::parse(&read(path))
}

/// The page's "Report a problem with this page" link, read.
fn report_link(page: &Html) -> Mail {
    Mail::read(page.one(".feedback a").attr("href").expect("an href"))
}

/// The title a page's heading shows.
fn title(page: &Html) -> String {
    page.one("h1 [data-pagefind-meta=title]").text()
}

/// The date "About this page" says the page was last updated.
fn last_updated(page: &Html, label: &str) -> String {
    let dt = page.all(".page-meta dt").with_text(label).one();
    dt.next()
        .expect("a dd after it")
        .own_text()
        .trim()
        .to_string()
}

#[test]
fn reports_go_to_the_page_owner_with_the_page_named_in_them() {
    let out = shipped_build();
    let prompt = "What is wrong, and where on the page? Please do not write the names or details of anyone you work with.";
    // (page, who it goes to, and why: whose address the settings give)
    for (file, to) in [
        // its owner, by `feedback: owners:`
        (
            "exampleshire/resource-allocation-panel.html",
            "asc.practicequality@exampleshire.example",
        ),
        // no owner: the edition's feedback contact
        (
            "exampleshire/step-3.html",
            "handbook.feedback@exampleshire.example",
        ),
        // its owner is one of the contacts, with that contact's address
        (
            "kinloch-vale/sds-in-scotland.html",
            "childrens.sds@kinlochvale.example",
        ),
    ] {
        let page = page(out.join(file));
        let mail = report_link(&page);
        assert_eq!(mail.to, to, "{file}");
        let title = title(&page);
        assert_eq!(
            mail.subject(),
            format!("Problem with a handbook page: {title}"),
            "{file}"
        );
        let address = file.split_once('/').unwrap().1;
        assert_eq!(
            mail.lines(),
            [
                format!("Page: {title}").as_str(),
                &format!("Address: {address}"),
                &format!("Last updated: {}", last_updated(&page, "Last updated")),
                "",
                prompt,
                "",
            ],
            "{file}"
        );
        assert_eq!(
            page.one(".feedback a").text(),
            "Report a problem with this page"
        );
        assert!(
            page.one(".feedback").text().contains(to),
            "the address is shown beside the link"
        );
        assert!(
            page.one(".feedback").has_class("screen-only"),
            "{file}: paper cannot send mail"
        );
    }
    // The model edition has no one to write to.
    assert!(!page(out.join("model/step-3.html")).has(".feedback"));
}

#[test]
fn a_welsh_page_reports_in_welsh() {
    let page = page(shipped_build().join("cwm-derwen/cy/step-1.html"));
    let mail = report_link(&page);
    let title = title(&page);
    assert_eq!(mail.to, "handbook.feedback@cwmderwen.example");
    assert_eq!(
        mail.subject(),
        format!("Problem gyda thudalen yn y llawlyfr: {title}")
    );
    let lines = mail.lines();
    assert_eq!(lines[0], format!("Tudalen: {title}"));
    assert_eq!(lines[1], "Cyfeiriad: cy/step-1.html");
    assert_eq!(
        lines[2],
        format!(
            "Diweddarwyd ddiwethaf: {}",
            last_updated(&page, "Diweddarwyd ddiwethaf")
        )
    );
    assert!(lines[4].starts_with("Beth sydd o'i le"), "{lines:?}");
    assert_eq!(
        page.one(".feedback a").text(),
        "Rhoi gwybod am broblem gyda'r dudalen hon"
    );
}

#[test]
fn every_content_page_of_a_council_edition_offers_the_link() {
    let out = shipped_build();
    for edition in ["exampleshire", "kinloch-vale", "cwm-derwen"] {
        let mut pages = 0;
        for file in html_files(&out.join(edition)) {
            let page = page(&file);
            let content =
                page.has(".page-meta") || file.ends_with("index.html") && page.has(".home");
            if content {
                pages += 1;
                assert_eq!(
                    page.count(".feedback a[href^='mailto:']"),
                    1,
                    "{}",
                    file.display()
                );
            } else {
                assert!(
                    !page.has(".feedback"),
                    "a site page has the link: {}",
                    file.display()
                );
            }
        }
        assert!(pages >= 12, "{edition}: {pages} content pages");
    }
}

/// A copy of the shipped root whose Exampleshire edition has a local page
/// titled `title`, owned by `owner`, and `settings` in place of its
/// `feedback:`.
fn exampleshire_with(title: &str, owner: &str, settings: &str) -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let root = dir.path();
    let yaml_path = root.join("local-overrides/exampleshire/authority.yaml");
    let yaml = read(&yaml_path);
    let start = yaml.find("\nfeedback:\n").expect("a feedback: block") + 1;
    let end = start + yaml[start..].find("\n# ").expect("a setting after it") + 1;
    let yaml = format!("{}{settings}{}", &yaml[..start], &yaml[end..]);
    std::fs::write(&yaml_path, yaml).unwrap();
    write(
        root,
        "local-overrides/exampleshire/pages/odd-title.md",
        &format!("---\nid: odd-title\ntitle: '{title}'\nparent: home\nweight: 300\nowner: {owner}\nlast_reviewed: 2026-11-02\n---\nText.\n"),
    );
    dir
}

fn build_exampleshire(root: &Path) -> std::path::PathBuf {
    built_edition(root, "exampleshire", &["--no-search"])
}

#[test]
fn a_title_with_characters_that_mean_something_in_an_address_arrives_whole() {
    let title = "Q&A: 50% + \"more\"? #1 = ŵ/é, a;b";
    let settings = "feedback:\n  email: handbook.feedback@exampleshire.example\n\naddress: https://handbook.exampleshire.example/guidance/\n";
    let dir = exampleshire_with(title, "Nobody listed", settings);
    let out = build_exampleshire(dir.path());
    let page = page(out.join("odd-title.html"));
    let mail = report_link(&page);
    assert_eq!(mail.fields.keys().collect::<Vec<_>>(), ["body", "subject"]);
    assert_eq!(mail.to, "handbook.feedback@exampleshire.example");
    assert_eq!(
        mail.subject(),
        format!("Problem with a handbook page: {title}")
    );
    let lines = mail.lines();
    assert_eq!(lines[0], format!("Page: {title}"));
    assert_eq!(
        lines[1], "Address: https://handbook.exampleshire.example/guidance/odd-title.html",
        "with a published address, the page's web address"
    );
}

#[test]
fn an_edition_can_turn_the_link_off() {
    let settings = "feedback:\n  email: handbook.feedback@exampleshire.example\n  off: true\n";
    let dir = exampleshire_with("Plain", "Nobody listed", settings);
    let out = build_exampleshire(dir.path());
    for file in html_files(&out) {
        assert!(!page(&file).has(".feedback"), "{}", file.display());
    }
    let check = handbook_in(
        dir.path(),
        &["check", "--authority", "exampleshire", "--deny-warnings"],
    );
    assert_ok(&check);
}

/// `check --format json` on a root: its diagnostics.
fn diagnostics(root: &Path) -> Vec<serde_json::Value> {
    let run = handbook_in(
        root,
        &["check", "--authority", "exampleshire", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&run)));
    report["diagnostics"].as_array().unwrap().clone()
}

fn with_code<'d>(found: &'d [serde_json::Value], code: &str) -> Vec<&'d serde_json::Value> {
    found.iter().filter(|d| d["code"] == code).collect()
}

#[test]
fn an_owner_without_an_address_is_a_warning_at_the_owner_line() {
    // No feedback contact, and an owner neither `owners:` nor `contacts:` names.
    let dir = exampleshire_with("Plain", "Policy team", "");
    let root = dir.path();
    let found = diagnostics(root);
    let owners: Vec<_> = with_code(&found, "owner-without-email")
        .into_iter()
        .filter(|d| d["file"] == "local-overrides/exampleshire/pages/odd-title.md")
        .collect();
    assert_eq!(owners.len(), 1, "{found:#?}");
    let warning = owners[0];
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        (warning["line"].as_u64(), warning["column"].as_u64()),
        (Some(6), Some(1)),
        "the `owner:` line"
    );
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("`Policy team` has no email address"),
        "{warning}"
    );
    assert!(
        warning["hint"].as_str().unwrap().contains("owners:"),
        "{warning}"
    );
    // The pages with no owner have no one to write to either: one note says so.
    let notes = with_code(&found, "no-feedback-contact");
    assert_eq!(notes.len(), 1, "{found:#?}");
    assert_eq!(
        notes[0]["file"],
        "local-overrides/exampleshire/authority.yaml"
    );
    assert_fails(&handbook_in(
        root,
        &["check", "--authority", "exampleshire", "--deny-warnings"],
    ));

    // Giving the owner an address ends the warning; the note stays while
    // pages with no owner have no one to write to.
    let yaml_path = root.join("local-overrides/exampleshire/authority.yaml");
    let yaml = read(&yaml_path);
    std::fs::write(
        &yaml_path,
        format!("{yaml}feedback:\n  owners:\n    \"policy Team\": policy@exampleshire.example\n"),
    )
    .unwrap();
    let found = diagnostics(root);
    assert!(
        with_code(&found, "owner-without-email")
            .iter()
            .all(|d| d["file"] != "local-overrides/exampleshire/pages/odd-title.md"),
        "{found:#?}"
    );
    assert_eq!(with_code(&found, "no-feedback-contact").len(), 1);
    let out = build_exampleshire(root);
    assert_eq!(
        report_link(&page(out.join("odd-title.html"))).to,
        "policy@exampleshire.example"
    );
    assert!(
        !page(out.join("step-3.html")).has(".feedback"),
        "no owner, no edition contact: no link"
    );
}

#[test]
fn an_address_an_email_link_cannot_hold_is_an_error_at_its_line() {
    let settings = "feedback:\n  email: handbook feedback@exampleshire.example\n  owners:\n    \"Policy team\": policy@exampleshire\n";
    let dir = exampleshire_with("Plain", "Policy team", settings);
    let root = dir.path();
    let run = handbook_in(root, &["check", "--authority", "exampleshire"]);
    assert_fails(&run);
    let yaml = read(root.join("local-overrides/exampleshire/authority.yaml"));
    let line_of = |needle: &str| yaml.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let said = text(&run);
    for (needle, column, why) in [
        ("email: handbook feedback", 3, "it has a space in it"),
        (
            "\"Policy team\": policy@",
            5,
            "the part after the `@` is not a domain",
        ),
    ] {
        let place = format!(
            "local-overrides/exampleshire/authority.yaml:{}:{column}",
            line_of(needle)
        );
        assert!(said.contains(&place), "{place}\n{said}");
        assert!(said.contains(why), "{why}\n{said}");
    }
}

/// A copy of the shipped root with Exampleshire's own text saying "must"
/// with and without citations: an override, an example and a local page.
fn musts_root() -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let root = dir.path();
    write(
        root,
        "local-overrides/exampleshire/overrides/must-wording.md",
        "---\ntarget: step-5#social-work-role\naction: append\nlast_reviewed: 2026-11-02\n---\n\
         ### Sending a plan to panel {#sending-to-panel}\n\
         \n\
         Staff must send the plan to panel within five working days.\n\
         \n\
         The council must meet eligible needs. It says so in\nsection 18 of the Care Act 2014.\n\
         \n\
         Under the Care Act 2014:\n\
         \n\
         - the council must assess anyone who appears to need care and support;\n\
         - a plan `must` be written down.\n\
         \n\
         In Exampleshire:\n\
         \n\
         - Panels must meet weekly.\n\
         - Mustard is not served at panel.\n",
    );
    write(
        root,
        "local-overrides/exampleshire/examples/ex-must-wording.md",
        "---\nid: ex-must-wording\ntitle: A made-up example\nattach: [step-5]\nlast_reviewed: 2026-11-02\n---\nThe team knew they mustn't wait.\n",
    );
    write(
        root,
        "local-overrides/exampleshire/pages/must-wording.md",
        "---\nid: must-wording\ntitle: Wording\nparent: home\nowner: Adult Social Care Practice Quality Team\nlast_reviewed: 2026-11-02\n---\n| Who | What |\n| --- | --- |\n| Staff | must record it |\n| Council | must assess (s.9) |\n",
    );
    // The model's own text is never noted, even a "must" with no law near it.
    let credits = read(root.join("content/credits.md"));
    write(
        root,
        "content/credits.md",
        &format!("{credits}\nEveryone must read this.\n"),
    );
    dir
}

/// The notes of `check` on "must" without a citation, as (file, line, column).
fn must_notes(root: &Path) -> Vec<(String, u64, u64)> {
    let found = diagnostics(root);
    with_code(&found, "must-without-citation")
        .into_iter()
        .map(|d| {
            assert_eq!(d["severity"], "note", "{d}");
            assert!(
                d["hint"]
                    .as_str()
                    .unwrap()
                    .contains("\"should\" for guidance"),
                "{d}"
            );
            let file = d["file"].as_str().unwrap().to_string();
            (
                file,
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .filter(|(file, ..)| file.contains("must-wording") || file.starts_with("content/"))
        .collect()
}

#[test]
fn a_must_that_cites_no_law_nearby_is_noted_at_its_line_and_column() {
    let dir = musts_root();
    let root = dir.path();
    let over = "local-overrides/exampleshire/overrides/must-wording.md";
    let example = "local-overrides/exampleshire/examples/ex-must-wording.md";
    let page = "local-overrides/exampleshire/pages/must-wording.md";
    let place = |file: &str, line: u64, column: u64| (file.to_string(), line, column);
    let mut found = must_notes(root);
    found.sort();
    assert_eq!(
        found,
        [
            place(example, 7, 20),
            // a bare "must"
            place(over, 8, 7),
            // a list whose lead-in cites no law
            place(over, 20, 10),
            // a table cell, not the row's other cell
            place(page, 10, 11),
        ],
        "not noted: a citation in the same paragraph (over two lines), in the words leading into a list, \
         in the same table cell; `must` in code; \"Mustard\"; the model's own text"
    );
    // Notes never fail a check (once the new override's model text is recorded).
    assert_ok(&handbook_in(
        root,
        &["accept", "exampleshire", "must-wording.md"],
    ));
    assert_ok(&handbook_in(
        root,
        &["check", "--authority", "exampleshire", "--deny-warnings"],
    ));
}

#[test]
fn an_authority_can_turn_the_must_note_off() {
    let dir = musts_root();
    let root = dir.path();
    let yaml_path = root.join("local-overrides/exampleshire/authority.yaml");
    let yaml = read(&yaml_path);
    std::fs::write(
        &yaml_path,
        format!("{yaml}wording:\n  must_needs_citation: false\n"),
    )
    .unwrap();
    assert_eq!(must_notes(root), []);
}

#[test]
fn the_shipped_councils_must_notes_are_few_and_none_is_in_the_model() {
    let found = diagnostics_of_all(&repo());
    let musts = with_code(&found, "must-without-citation");
    assert!(
        musts
            .iter()
            .all(|d| d["file"].as_str().unwrap().starts_with("local-overrides/")),
        "{musts:#?}"
    );
    // The demonstration text cites the law for each duty it states, but for
    // a few the council's own procedure states as "must": under ten.
    assert!(musts.len() < 10, "{musts:#?}");
}

/// `check --format json` on every edition of a root: its diagnostics.
fn diagnostics_of_all(root: &Path) -> Vec<serde_json::Value> {
    let run = handbook_in(root, &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&run)));
    report["diagnostics"].as_array().unwrap().clone()
}

/// A copy of the shipped root whose Exampleshire and Cwm Derwen editions
/// plan their next update on `date`.
fn next_update_on(date: &str) -> tempfile::TempDir {
    let dir = copy_of_shipped();
    for slug in ["exampleshire", "cwm-derwen"] {
        let path = dir
            .path()
            .join(format!("local-overrides/{slug}/authority.yaml"));
        let yaml = read(&path);
        let start = yaml.find("\nnext_update: ").expect("a next update") + 1;
        let end = start + yaml[start..].find('\n').unwrap();
        std::fs::write(
            &path,
            format!("{}next_update: {date}{}", &yaml[..start], &yaml[end..]),
        )
        .unwrap();
    }
    dir
}

#[test]
fn the_next_planned_update_is_on_the_home_and_whats_changed_pages_in_the_sites_language() {
    let dir = next_update_on("2027-02-14");
    let root = dir.path();
    let out = root.join("out");
    assert_ok(&handbook_in(
        root,
        &["build", "--no-search", "--out", out.to_str().unwrap()],
    ));
    for (file, says) in [
        (
            "exampleshire/index.html",
            "Next planned update: 14 February 2027.",
        ),
        (
            "exampleshire/changes.html",
            "Next planned update: 14 February 2027.",
        ),
        (
            "cwm-derwen/index.html",
            "Next planned update: 14 February 2027.",
        ),
        (
            "cwm-derwen/cy/index.html",
            "Y diweddariad nesaf a gynlluniwyd: 14 Chwefror 2027.",
        ),
        (
            "cwm-derwen/cy/changes.html",
            "Y diweddariad nesaf a gynlluniwyd: 14 Chwefror 2027.",
        ),
    ] {
        let page = page(out.join(file));
        assert!(
            page.one(".next-update").text().starts_with(says),
            "{file}: {}",
            page.one(".next-update").text()
        );
    }
    let home = page(out.join("exampleshire/index.html"));
    assert_eq!(
        home.one(".next-update a").attr("href"),
        Some("changes.html")
    );
    // An edition that plans none says nothing of it.
    for file in [
        "kinloch-vale/index.html",
        "kinloch-vale/changes.html",
        "model/index.html",
    ] {
        assert!(!page(out.join(file)).has(".next-update"), "{file}");
    }
}

#[test]
fn a_next_planned_update_that_has_passed_is_a_warning_at_its_line() {
    // Tests are run as of 24 November 2026 (`common::TODAY`).
    let dir = next_update_on("2026-11-23");
    let root = dir.path();
    let found = diagnostics(root);
    let passed = with_code(&found, "next-update-passed");
    assert_eq!(passed.len(), 1, "{found:#?}");
    let warning = passed[0];
    let yaml = read(root.join("local-overrides/exampleshire/authority.yaml"));
    let line = yaml
        .lines()
        .position(|l| l.starts_with("next_update:"))
        .unwrap()
        + 1;
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        warning["file"],
        "local-overrides/exampleshire/authority.yaml"
    );
    assert_eq!(
        (warning["line"].as_u64(), warning["column"].as_u64()),
        (Some(line as u64), Some(1))
    );
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("23 November 2026"),
        "{warning}"
    );
    assert!(
        warning["hint"]
            .as_str()
            .unwrap()
            .contains("set `next_update:` to the date of the one after it"),
        "{warning}"
    );
    assert_fails(&handbook_in(
        root,
        &["check", "--authority", "exampleshire", "--deny-warnings"],
    ));
    // Planned for today, it has not yet passed.
    let dir = next_update_on(TODAY);
    assert!(with_code(&diagnostics(dir.path()), "next-update-passed").is_empty());
}
