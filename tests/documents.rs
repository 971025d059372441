//! Local documents (issue 36): an authority's forms, leaflets and local
//! procedures under `local-overrides/<slug>/documents/`, each with a
//! description beside it. `check` applies a document library's sign-off
//! rules to each; an edition lists them by topic on its "Local documents"
//! page, copies them under `documents/`, links `[[doc:id]]` to them, and
//! finds them by search.

mod common;

use std::path::Path;

use common::files::{docx, pdf};
use common::*;

/// The demonstration councils' documents: where each is, its title, and
/// its paragraphs. They are made by [`pdf`]; the test
/// `the_demonstration_documents_are_the_ones_written_here` checks the
/// files in the repository are these, and writes them again when run with
/// `HANDBOOK_WRITE_DOCUMENTS=1`.
const DEMONSTRATION: &[(&str, &str, &[&str])] = &[
    (
        "local-overrides/exampleshire/documents/carers-leaflet.pdf",
        "Support for carers: a leaflet",
        &[
            "Exampleshire County Council is a fictional council, made up to show how a council can publish its documents with Handbook. This leaflet is a demonstration: its teams and telephone numbers do not exist.",
            "If you look after someone who could not manage without your help, you are a carer. Under the Care Act 2014, you have the right to ask the council for a carer's assessment, whatever help you give and whatever your income.",
            "A carer's assessment is a conversation about what caring means for you: your health, your work, your rest and what you want for your own life. It can lead to support for you, as well as for the person you care for.",
            "To ask for a carer's assessment, contact the Adult Social Care Contact Centre on 01632 960100, Monday to Friday, 8am to 6pm, or email adultcare@exampleshire.example.",
        ],
    ),
    (
        "local-overrides/exampleshire/documents/who-to-call.pdf",
        "Who to call: adult social care",
        &[
            "Exampleshire County Council is a fictional council, made up to show how a council can publish its documents with Handbook. The teams and numbers on this card do not exist.",
            "Adult Social Care Contact Centre: 01632 960100, Monday to Friday, 8am to 6pm. For information and advice, and to ask for a needs assessment or a carer's assessment.",
            "Safeguarding Adults Team: 01632 960200, Monday to Friday, 9am to 5pm. To raise a concern that an adult is being abused or neglected.",
            "Emergency Duty Team: 01632 960500, from 5pm on weekdays until 9am, and all day at weekends and on bank holidays.",
            "If someone is in immediate danger, call 999.",
        ],
    ),
    (
        "local-overrides/kinloch-vale/documents/sds-options-leaflet.pdf",
        "The four self-directed support options",
        &[
            "Kinloch Vale Council is a fictional council, made up to show how a Scottish council can publish its documents with Handbook. This leaflet is a demonstration: its teams and telephone numbers do not exist.",
            "The Social Care (Self-directed Support) (Scotland) Act 2013 says that a child or family who is eligible for support must be offered four options for how that support is arranged.",
            "Option 1: a direct payment, which the family uses to arrange the support themselves. Option 2: the family chooses the support, and the council or another organisation arranges it. Option 3: the council chooses and arranges the support. Option 4: a mix of the other options.",
            "To talk about the options, contact the Children's Self-directed Support Team on 01632 960140, Monday to Friday, 9am to 4.30pm, or email childrens.sds@kinlochvale.example.",
        ],
    ),
    (
        "local-overrides/kinloch-vale/documents/who-to-call.pdf",
        "Who to call: children and families social work",
        &[
            "Kinloch Vale Council is a fictional council, made up to show how a Scottish council can publish its documents with Handbook. The teams and numbers on this card do not exist.",
            "Children and Families Social Work Duty Team: 01632 960110, Monday to Thursday, 8.45am to 4.45pm; Friday, 8.45am to 3.55pm. New referrals, and any worry that a child may be at risk of harm.",
            "Social Work Out of Hours Service: 01632 960199, outside office hours, and all day at weekends and on public holidays.",
            "If a child is in immediate danger, call 999.",
        ],
    ),
];

#[test]
fn the_demonstration_documents_are_the_ones_written_here() {
    for (path, title, paragraphs) in DEMONSTRATION {
        let made = pdf(title, None, paragraphs);
        let path = repo().join(path);
        if std::env::var_os("HANDBOOK_WRITE_DOCUMENTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &made).unwrap();
        }
        let shipped = std::fs::read(&path).unwrap_or_default();
        assert!(
            shipped == made,
            "{} is not the document this test makes: run it with HANDBOOK_WRITE_DOCUMENTS=1 to write it again",
            path.display()
        );
        // Every demonstration document says that its council is made up.
        assert!(paragraphs[0].contains("is a fictional council"));
    }
}

/// The documents folder of Exampleshire, from a root.
const DOCUMENTS: &str = "local-overrides/exampleshire/documents";

/// A description whose review is not yet due, with `extra` lines.
fn description(title: &str, extra: &str) -> String {
    format!(
        "title: \"{title}\"\nsummary: \"A made-up document for a test.\"\ntopic: Tests\nowner: \"Practice Quality Team\"\napproved_by: \"Head of Service\"\nlast_reviewed: 2026-10-01\nreview_every: 12 months\n{extra}"
    )
}

/// A copy of the shipped root with these files added to Exampleshire's
/// documents (by name).
fn root_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = copy_of_shipped();
    for (name, bytes) in files {
        let path = dir.path().join(DOCUMENTS).join(name);
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// `check --format json` of Exampleshire: its diagnostics, and whether it failed.
fn check(root: &Path) -> (Vec<serde_json::Value>, bool) {
    let run = handbook_in(
        root,
        &["check", "--authority", "exampleshire", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&run)));
    (
        report["diagnostics"].as_array().unwrap().clone(),
        !run.status.success(),
    )
}

/// The one diagnostic with `code`, as (severity, file, line), with its
/// message and hint, checking there is exactly one.
fn one(found: &[serde_json::Value], code: &str) -> (String, String, Option<u64>, String) {
    let with: Vec<_> = found.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(with.len(), 1, "one `{code}` expected: {found:#?}");
    let d = with[0];
    (
        d["severity"].as_str().unwrap().to_string(),
        d["file"].as_str().unwrap().to_string(),
        d["line"].as_u64(),
        format!("{} {}", d["message"], d["hint"]),
    )
}

fn leaflet(author: Option<&str>) -> Vec<u8> {
    pdf("A test leaflet", author, &["A made-up leaflet for a test."])
}

#[test]
fn the_shipped_documents_pass_every_sign_off_rule() {
    let (found, failed) = check(&repo());
    let about_documents: Vec<_> = found
        .iter()
        .filter(|d| d["file"].as_str().unwrap_or("").contains("/documents/"))
        .collect();
    assert!(
        !failed && about_documents.is_empty(),
        "{about_documents:#?}"
    );
}

#[test]
fn a_file_named_as_a_pdf_that_is_not_one_is_refused() {
    let yaml = description("Not a PDF", "");
    let dir = root_with(&[
        ("leaflet.pdf", b"Dear colleague, this is a letter."),
        ("leaflet.yaml", yaml.as_bytes()),
    ]);
    let (found, failed) = check(dir.path());
    let (severity, file, _, words) = one(&found, "not-a-pdf");
    assert!(failed);
    assert_eq!(severity, "error");
    assert_eq!(file, format!("{DOCUMENTS}/leaflet.pdf"));
    assert!(words.contains("export the document as a PDF"), "{words}");
}

#[test]
fn an_editable_file_is_refused_unless_its_description_marks_it_a_form() {
    let word = docx("A form to fill in.", None, false);
    let yaml = description("Referral form", "");
    let dir = root_with(&[("referral.docx", &word), ("referral.yaml", yaml.as_bytes())]);
    let (found, failed) = check(dir.path());
    let (severity, file, line, words) = one(&found, "editable-not-form");
    assert!(failed);
    assert_eq!(severity, "error");
    assert_eq!(
        (file.as_str(), line),
        (format!("{DOCUMENTS}/referral.yaml").as_str(), Some(1)),
        "at the `title:` line of its description"
    );
    assert!(words.contains("form: true"), "{words}");

    // Marked as a form, it is published, and its listing says so.
    let yaml = description("Referral form", "form: true\n");
    write(dir.path(), &format!("{DOCUMENTS}/referral.yaml"), &yaml);
    let (found, failed) = check(dir.path());
    assert!(!failed, "{found:#?}");
    let out = dir.path().join("out");
    assert_ok(&handbook_in(
        dir.path(),
        &[
            "build",
            "--authority",
            "exampleshire",
            "--out",
            out.to_str().unwrap(),
            "--no-search",
        ],
    ));
    let page = &Html::parse(&read(out.join("documents.html")));
    let form = page.one("h3#doc-referral");
    let size = word.len().div_ceil(1024);
    assert_eq!(
        form.text().trim(),
        format!("Referral form (Word, {size} KB)")
    );
    let listed = form.next().unwrap().next().unwrap();
    assert_eq!(listed.text().trim(), "A form to fill in.");
    assert_eq!(
        std::fs::read(out.join("documents/referral.docx")).unwrap(),
        word
    );
}

#[test]
fn a_kind_of_file_not_allowed_is_refused() {
    let yaml = description("A web page", "");
    let dir = root_with(&[
        ("notes.html", b"<p>Notes</p>"),
        ("notes.yaml", yaml.as_bytes()),
        // Without a description, its type is refused too.
        ("script.js", b"alert(1)"),
    ]);
    let (found, failed) = check(dir.path());
    let refused: Vec<&str> = found
        .iter()
        .filter(|d| d["code"] == "document-type-not-allowed")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        refused,
        [
            format!("{DOCUMENTS}/notes.html"),
            format!("{DOCUMENTS}/script.js")
        ]
    );
    let found: Vec<_> = found
        .into_iter()
        .filter(|d| d["file"] != format!("{DOCUMENTS}/script.js"))
        .collect();
    let (severity, file, _, words) = one(&found, "document-type-not-allowed");
    assert!(failed);
    assert_eq!(severity, "error");
    assert_eq!(file, format!("{DOCUMENTS}/notes.html"));
    assert!(words.contains("publish documents as PDF"), "{words}");
}

#[test]
fn a_file_with_macros_is_refused_by_its_name_or_by_what_it_holds() {
    // A `.docm` by its name; a `.docx` marked as a form that holds a macro
    // project by what is inside it.
    let plain = docx("A form.", None, false);
    let with_macros = docx("A form.", None, true);
    let named = description("Named with macros", "form: true\n");
    let hidden = description("Holding macros", "form: true\n");
    let dir = root_with(&[
        ("named.docm", &plain),
        ("named.yaml", named.as_bytes()),
        ("hidden.docx", &with_macros),
        ("hidden.yaml", hidden.as_bytes()),
    ]);
    let (found, failed) = check(dir.path());
    assert!(failed);
    let macros: Vec<_> = found
        .iter()
        .filter(|d| d["code"] == "document-has-macros")
        .map(|d| (d["severity"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        macros,
        [
            ("error", format!("{DOCUMENTS}/hidden.docx").as_str()),
            ("error", format!("{DOCUMENTS}/named.docm").as_str()),
        ]
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_and_one_at_it_is_not() {
    const LIMIT: usize = 10 * 1024 * 1024;
    let mut large = b"%PDF-1.7\n".to_vec();
    large.resize(LIMIT + 1, b' ');
    let mut at_limit = large.clone();
    at_limit.truncate(LIMIT);
    let large_yaml = description("Large", "");
    let limit_yaml = description("At the limit", "");
    let dir = root_with(&[
        ("large.pdf", &large),
        ("large.yaml", large_yaml.as_bytes()),
        ("at-limit.pdf", &at_limit),
        ("at-limit.yaml", limit_yaml.as_bytes()),
    ]);
    let (found, failed) = check(dir.path());
    let (severity, file, _, words) = one(&found, "document-too-large");
    assert!(failed);
    assert_eq!(severity, "error");
    assert_eq!(file, format!("{DOCUMENTS}/large.pdf"));
    assert!(words.contains("over the limit of 10 MB"), "{words}");
}

#[test]
fn an_author_in_a_files_properties_the_description_does_not_name_is_a_warning() {
    let named = description("Named", "");
    let owned = description("Owned", "");
    let word = docx("A form.", Some("Firstname Lastname"), false);
    let form = description("Form", "form: true\n");
    let dir = root_with(&[
        ("named.pdf", &leaflet(Some("Firstname Lastname"))),
        ("named.yaml", named.as_bytes()),
        // The owner as the author is no one the description does not name.
        ("owned.pdf", &leaflet(Some("Practice Quality Team"))),
        ("owned.yaml", owned.as_bytes()),
        ("form.docx", &word),
        ("form.yaml", form.as_bytes()),
    ]);
    let (found, failed) = check(dir.path());
    assert!(!failed, "a warning does not fail a check: {found:#?}");
    let authors: Vec<_> = found
        .iter()
        .filter(|d| d["code"] == "document-names-author")
        .collect();
    let files: Vec<&str> = authors
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            format!("{DOCUMENTS}/form.docx").as_str(),
            format!("{DOCUMENTS}/named.pdf").as_str()
        ]
    );
    for d in authors {
        assert_eq!(d["severity"], "warning");
        assert!(d["message"]
            .as_str()
            .unwrap()
            .contains("\"Firstname Lastname\""));
    }
    let strict = handbook_in(
        dir.path(),
        &["check", "--authority", "exampleshire", "--deny-warnings"],
    );
    assert_fails(&strict);
}

#[test]
fn an_overdue_review_is_a_warning_at_its_last_reviewed_line() {
    let yaml = "title: \"Old leaflet\"\nsummary: \"S.\"\ntopic: Tests\nowner: \"Practice Quality Team\"\napproved_by: \"Head of Service\"\nlast_reviewed: 2024-01-15\nreview_every: 12 months\n";
    let dir = root_with(&[("old.pdf", &leaflet(None)), ("old.yaml", yaml.as_bytes())]);
    let (found, failed) = check(dir.path());
    let (severity, file, line, words) = one(&found, "document-review-overdue");
    assert!(!failed);
    assert_eq!(severity, "warning");
    assert_eq!((file, line), (format!("{DOCUMENTS}/old.yaml"), Some(6)));
    assert!(
        words.contains("was due for review on 15 January 2025"),
        "{words}"
    );
}

#[test]
fn a_draft_is_refused_by_its_name_or_its_title() {
    let by_name = description("Referral procedure", "");
    let by_title = description("Referral procedure (DRAFT v2)", "");
    let drafting = description("Drafting a support plan", "");
    let dir = root_with(&[
        ("procedure-draft.pdf", &leaflet(None)),
        ("procedure-draft.yaml", by_name.as_bytes()),
        ("procedure.pdf", &leaflet(None)),
        ("procedure.yaml", by_title.as_bytes()),
        ("drafting.pdf", &leaflet(None)),
        ("drafting.yaml", drafting.as_bytes()),
    ]);
    let (found, failed) = check(dir.path());
    assert!(failed);
    let drafts: Vec<_> = found
        .iter()
        .filter(|d| d["code"] == "document-draft")
        .map(|d| {
            (
                d["severity"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        drafts,
        [
            (
                "error",
                format!("{DOCUMENTS}/procedure-draft.yaml").as_str(),
                Some(1)
            ),
            (
                "error",
                format!("{DOCUMENTS}/procedure.yaml").as_str(),
                Some(1)
            ),
        ],
        "\"Drafting\" is not a draft"
    );
}

#[test]
fn a_file_without_a_description_and_a_description_without_a_file_are_refused() {
    let yaml = description("Lost", "");
    let dir = root_with(&[
        ("unexplained.pdf", &leaflet(None)),
        ("lost.yaml", yaml.as_bytes()),
    ]);
    let (found, failed) = check(dir.path());
    assert!(failed);
    let (severity, file, _, words) = one(&found, "document-without-description");
    assert_eq!(severity, "error");
    assert_eq!(file, format!("{DOCUMENTS}/unexplained.pdf"));
    assert!(
        words.contains("add `unexplained.yaml` beside it"),
        "{words}"
    );
    // Nothing else is wrong with that file (it is a PDF, small, without macros).
    let about_it = found
        .iter()
        .filter(|d| d["file"] == format!("{DOCUMENTS}/unexplained.pdf"))
        .count();
    assert_eq!(about_it, 1, "{found:#?}");
    let (severity, file, _, words) = one(&found, "document-missing");
    assert_eq!(severity, "error");
    assert_eq!(file, format!("{DOCUMENTS}/lost.yaml"));
    assert!(words.contains("named `lost.pdf`"), "{words}");
}

#[test]
fn a_description_with_a_setting_it_cannot_have_is_refused_at_its_line() {
    let yaml = description("Leaflet", "reviewer: \"Someone\"\n");
    let dir = root_with(&[
        ("leaflet.pdf", &leaflet(None)),
        ("leaflet.yaml", yaml.as_bytes()),
    ]);
    let (found, failed) = check(dir.path());
    assert!(failed);
    let in_file: Vec<_> = found
        .iter()
        .filter(|d| d["file"] == format!("{DOCUMENTS}/leaflet.yaml"))
        .collect();
    assert_eq!(in_file.len(), 1, "{found:#?}");
    assert_eq!(in_file[0]["line"], 8);
    // Its document is not also reported as having no description.
    assert!(found
        .iter()
        .all(|d| d["code"] != "document-without-description"));
}

/// Exampleshire's edition as shipped, built once.
fn exampleshire() -> std::path::PathBuf {
    shipped_build().join("exampleshire")
}

#[test]
fn the_local_documents_page_lists_each_document_by_topic_with_its_facts() {
    let page = &Html::parse(&read(exampleshire().join("documents.html")));
    let topics = page.all("main section h2").texts();
    assert_eq!(topics, ["Carers", "Contacts"]);
    let leaflet = page.one("h3#doc-carers-leaflet");
    assert_eq!(
        leaflet.text().trim(),
        "Support for carers: a leaflet (PDF, 3 KB)"
    );
    let link = leaflet.one("a");
    assert_eq!(link.attr("href"), Some("documents/carers-leaflet.pdf"));
    let facts = leaflet.next().unwrap().next().unwrap();
    assert_eq!(facts.name(), "dl");
    let facts: Vec<String> = facts
        .all("dt, dd")
        .texts()
        .iter()
        .map(|t| t.trim().to_string())
        .collect();
    assert_eq!(
        facts,
        [
            "Owner",
            "Adult Social Care Practice Quality Team",
            "Approved by",
            "Director of Adult Social Care",
            "Last reviewed",
            "24 November 2026",
            "Next review due",
            "24 November 2027",
        ]
    );
    // The file itself is published, byte for byte.
    assert_eq!(
        std::fs::read(exampleshire().join("documents/carers-leaflet.pdf")).unwrap(),
        std::fs::read(repo().join(DOCUMENTS).join("carers-leaflet.pdf")).unwrap()
    );
    // Every page's navigation and the home page link to it.
    for file in ["index.html", "step-1.html"] {
        let page = &Html::parse(&read(exampleshire().join(file)));
        assert_eq!(
            page.all("a[href=\"documents.html\"]")
                .with_text("Local documents")
                .len(),
            if file == "index.html" { 2 } else { 1 },
            "{file}"
        );
    }
    // An edition without documents has no such page and no link to one.
    let model = shipped_build().join("model");
    assert!(!model.join("documents.html").exists());
    assert!(!read(model.join("index.html")).contains("documents.html"));
}

#[test]
fn a_doc_link_takes_the_documents_title_type_and_size() {
    let page = &Html::parse(&read(exampleshire().join("step-1.html")));
    let link = page.one("a[href=\"documents/carers-leaflet.pdf\"]");
    assert_eq!(link.text(), "Support for carers: a leaflet (PDF, 3 KB)");
    let page = &Html::parse(&read(
        shipped_build().join("kinloch-vale/sds-in-scotland.html"),
    ));
    let link = page.one("a[href=\"documents/sds-options-leaflet.pdf\"]");
    assert!(link
        .text()
        .starts_with("The four self-directed support options"));
}

#[test]
fn an_unknown_doc_id_is_an_error_at_its_line_with_the_closest_ids() {
    let dir = copy_of_shipped();
    let page = "local-overrides/exampleshire/pages/carers-help.md";
    write(
        dir.path(),
        page,
        "---\nid: carers-help\ntitle: Help for carers\n---\nGive carers [[doc:carers-leaflt]].\n",
    );
    let (found, failed) = check(dir.path());
    assert!(failed);
    let (severity, file, line, words) = one(&found, "unknown-id");
    assert_eq!(severity, "error");
    assert_eq!((file.as_str(), line), (page, Some(5)));
    assert!(
        words.contains("no local document with the id `carers-leaflt`"),
        "{words}"
    );
    assert!(
        words.contains("carers-leaflet"),
        "the closest id is suggested: {words}"
    );
}

#[test]
fn search_finds_a_document_by_the_words_of_its_summary() {
    let found: Vec<String> = index_fragments(&exampleshire().join("pagefind"))
        .into_iter()
        .filter(|f| {
            f["content"]
                .as_str()
                .unwrap_or("")
                .contains("how to ask for one, for people who look after someone")
        })
        .map(|f| f["url"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(found, ["/documents.html"]);
}

#[test]
fn the_welsh_site_lists_documents_in_welsh_words_with_their_english_descriptions_marked() {
    let dir = copy_of_shipped();
    let root = dir.path();
    let folder = "local-overrides/cwm-derwen/documents";
    std::fs::create_dir_all(root.join(folder)).unwrap();
    std::fs::write(root.join(folder).join("leaflet.pdf"), leaflet(None)).unwrap();
    write(
        root,
        &format!("{folder}/leaflet.yaml"),
        &description("A leaflet", ""),
    );
    let out = root.join("out");
    assert_ok(&handbook_in(
        root,
        &[
            "build",
            "--authority",
            "cwm-derwen",
            "--no-search",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let page = &Html::parse(&read(out.join("cy/documents.html")));
    assert_eq!(page.one("h1").text().trim(), "Dogfennau lleol");
    let title = page.one("h3#doc-leaflet");
    assert!(
        title.text().starts_with("A leaflet (PDF, "),
        "{}",
        title.html()
    );
    let document = page.one("div.document");
    assert_eq!(
        document.attr("lang"),
        Some("en"),
        "the description is in English"
    );
    let facts: Vec<String> = document.all("dt").texts();
    assert_eq!(
        facts,
        [
            "Perchennog",
            "Cymeradwywyd gan",
            "Adolygwyd ddiwethaf",
            "Adolygiad nesaf i'w wneud"
        ]
    );
    assert!(document
        .all("dt")
        .iter()
        .all(|dt| dt.attr("lang") == Some("cy")));
    // The link leads to the file from the Welsh page.
    let href = title.one("a").attr("href").unwrap();
    assert!(out.join("cy").join(href).is_file(), "{href}");
}
