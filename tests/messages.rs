//! Messages and notes say exactly what happened, once, about the source
//! (issue 14, kind 16): each instance seen, as a policy lead or a script
//! meets it.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::*;

fn json_of(root: &std::path::Path) -> serde_json::Value {
    let run = handbook_in(root, &["check", "--format", "json"]);
    serde_json::from_slice(&run.stdout).expect("JSON on standard output")
}

/// How many notes a `check --format json` document lists.
fn notes_in(doc: &serde_json::Value) -> usize {
    let list = doc["diagnostics"]
        .as_array()
        .expect("a list of diagnostics");
    list.iter().filter(|d| d["severity"] == "note").count()
}

#[test]
fn build_says_how_many_notes_and_how_to_see_them() {
    let root = copy_of_shipped();
    let run = handbook_in(root.path(), &["build", "--no-search"]);
    assert_ok(&run);
    let out = text(&run);
    let doc = json_of(root.path());
    let notes = notes_in(&doc);
    assert!(
        notes >= 3,
        "the shipped root has outside links and no published address"
    );
    assert!(
        out.contains(&format!("{notes} notes (`handbook check` lists them)")),
        "{out}"
    );
    assert!(
        !out.contains("outside link to"),
        "build lists no notes:\n{out}"
    );
}

#[test]
fn check_does_not_speak_of_output_it_never_writes() {
    let root = copy_of_model();
    replace_in_file(root.path(), "content/step-5.md", "weight: 70", "wieght: 70");
    let run = handbook_in(root.path(), &["check"]);
    assert_fails(&run);
    let out = text(&run);
    let last = out.trim_end().lines().last().unwrap_or_default();
    assert!(last.starts_with("Failed 1 edition ("), "{last}");
    assert!(!out.contains("Nothing was written"), "{out}");
    assert!(!out.contains("previous output"), "{out}");
}

/// Each outside link of the shipped handbook is noted once, at the file
/// and line where it is written, whatever the editions and output pages
/// that carry it.
#[test]
fn each_outside_link_is_noted_once_where_it_is_written() {
    let doc = json_of(&repo());
    let notes: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "outside-link")
        .collect();
    let places: Vec<String> = notes
        .iter()
        .map(|n| {
            format!(
                "{}:{} {}",
                n["file"].as_str().unwrap(),
                n["line"],
                n["message"].as_str().unwrap()
            )
        })
        .collect();
    // The accessibility statement's links are written in the theme's
    // strings files, once in each language (issue 17).
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let mut expected = Vec::new();
    for lang in ["cy", "en"] {
        let file = format!("themes/default/strings/{lang}.yaml");
        let strings = read(repo().join(&file));
        expected.push(format!(
            "{file}:{} outside link to https://mcmw.abilitynet.org.uk/",
            line_of(&strings, "mcmw.abilitynet")
        ));
        expected.push(format!(
            "{file}:{} outside link to https://www.w3.org/TR/WCAG22/",
            line_of(&strings, "WCAG22")
        ));
    }
    // The model's 2009 addresses are text, not links (issue 15), so the
    // model itself has none.
    assert_eq!(places, expected);
    let notes = notes_in(&doc);
    assert_eq!(doc["totals"]["notes"], notes);
}

#[test]
fn an_outside_link_in_an_override_is_noted_at_its_line() {
    let root = copy_of_shipped();
    let file = "local-overrides/exampleshire/overrides/note-about-edition.md";
    let path = root.path().join(file);
    let text = read(&path);
    std::fs::write(
        &path,
        format!("{text}\nSee <https://www.legislation.gov.uk/ukpga/2014/23>.\n"),
    )
    .unwrap();
    let line = read(&path).lines().count();
    let doc = json_of(root.path());
    let notes: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"] == "outside link to https://www.legislation.gov.uk/ukpga/2014/23")
        .collect();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert_eq!(notes[0]["file"], file);
    assert_eq!(notes[0]["line"], line);
    assert_eq!(notes[0]["column"], 5);
}

#[test]
fn json_output_has_totals_beside_the_list() {
    let root = copy_of_model();
    replace_in_file(root.path(), "content/step-5.md", "weight: 70", "wieght: 70");
    let doc = json_of(root.path());
    let list = doc["diagnostics"].as_array().unwrap();
    let count = |s: &str| list.iter().filter(|d| d["severity"] == s).count();
    assert_eq!(doc["totals"]["errors"], count("error"));
    assert_eq!(doc["totals"]["errors"], 1);
    assert_eq!(doc["totals"]["warnings"], count("warning"));
    assert_eq!(doc["totals"]["notes"], count("note"));
    assert_eq!(doc["totals"]["editions"], 1);
}

/// Every setting that takes one of a list of words says which, once each,
/// and suggests the nearest.
#[test]
fn a_value_not_allowed_gets_the_allowed_ones_listed_plainly() {
    let cases = [
        (
            "overrides",
            "action: note",
            "action: nte",
            "use one of: replace, append, prepend, insert-before, insert-after, remove, note",
            Some("did you mean `note`"),
        ),
        (
            "overrides",
            "position: before",
            "position: above",
            "use one of: before, after",
            None,
        ),
        (
            "authority.yaml",
            "jurisdiction: england",
            "jurisdiction: engand",
            "",
            Some("did you mean `england`"),
        ),
        (
            "authority.yaml",
            "service: adults",
            "service: adult",
            "",
            Some("did you mean `adults`"),
        ),
        (
            "authority.yaml",
            "service: adults",
            "service: everyone",
            "use one of: adults, children-and-families, all",
            None,
        ),
        (
            "authority.yaml",
            "jurisdiction: england",
            "jurisdiction: france",
            "use one of: england, scotland, wales, northern-ireland",
            None,
        ),
    ];
    for (kind, from, to, listed, suggested) in cases {
        let root = copy_of_shipped();
        let file = if kind == "overrides" {
            "local-overrides/exampleshire/overrides/note-about-edition.md".to_string()
        } else {
            "local-overrides/exampleshire/authority.yaml".to_string()
        };
        replace_in_file(root.path(), &file, from, to);
        let run = handbook_in(root.path(), &["check", "--authority", "exampleshire"]);
        assert_fails(&run);
        let out = text(&run);
        assert!(out.contains(&format!("{file}:")), "{to}: {out}");
        assert!(out.contains("is not an allowed value here"), "{to}: {out}");
        assert!(
            !out.contains("one of one of") && !out.contains(": one of"),
            "{to}: {out}"
        );
        if !listed.is_empty() {
            assert!(out.contains(listed), "{to}: {out}");
        }
        if let Some(near) = suggested {
            assert!(out.contains(near), "{to}: {out}");
        }
    }
}

#[test]
fn one_edition_is_not_built_over_a_full_build_unless_asked() {
    let root = copy_of_shipped();
    assert_ok(&handbook_in(root.path(), &["build", "--no-search"]));
    let public = root.path().join("public");
    let before = snapshot(&public);
    let exampleshire = |more: &[&str]| {
        let mut args = vec!["build", "--no-search", "--authority", "exampleshire"];
        args.extend_from_slice(more);
        handbook_in(root.path(), &args)
    };
    let run = exampleshire(&[]);
    assert_fails(&run);
    let out = text(&run);
    assert!(
        out.contains(
            "holds 4 editions from a full build (cwm-derwen, exampleshire, kinloch-vale, model)"
        ),
        "{out}"
    );
    assert!(out.contains("--replace"), "{out}");
    assert_eq!(snapshot(&public), before, "nothing was deleted");
    // Updating that edition in its own folder keeps the others.
    let own = public.join("exampleshire");
    assert_ok(&exampleshire(&["--out", own.to_str().unwrap()]));
    assert!(public.join("model/index.html").is_file());
    assert!(public.join("kinloch-vale/index.html").is_file());
    // Asked for, the edition alone replaces them.
    let run = exampleshire(&["--replace"]);
    assert_ok(&run);
    assert!(!public.join("model").exists());
    assert!(read(public.join("index.html")).contains("Exampleshire"));
}

#[test]
fn output_to_a_reader_that_stops_reading_ends_quietly() {
    for format in ["json", "sarif", "github", "human"] {
        let mut child = handbook_command(&repo(), &["check", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -c 1`: read a byte, then stop reading.
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 1];
        let _ = stdout.read(&mut first);
        drop(stdout);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert_eq!(status.code(), Some(0), "{format}: {stderr}");
    }
}

fn replace_in_file(root: &std::path::Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = read(&path);
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}
