//! YAML front matter and files read, as a policy lead writes them and gets them wrong.

#[test]
fn allowed_values_are_listed_once_in_every_form() {
    for message in [
        "unknown variant `rplace`, expected one of `replace`, `append`, `note`",
        "unknown variant `rplace`, expected one of replace, append, note at line 3 column 9",
        "unknown variant `rplace`, expected `replace`, `append` or `note`",
    ] {
        assert_eq!(
            allowed_values(message),
            ["replace", "append", "note"],
            "{message}"
        );
    }
}

use super::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Meta {
    id: String,
    title: String,
}

#[test]
fn splits_front_matter_from_body() {
    let file = SourceFile::new("p.md", "---\nid: a\ntitle: A\n---\nBody\n");
    let split = split(&file).unwrap();
    assert_eq!(&file.text[split.yaml.0..split.yaml.1], "id: a\ntitle: A\n");
    assert_eq!(&file.text[split.body_start..], "Body\n");
}

#[test]
fn unknown_key_points_at_the_file_line_with_a_suggestion() {
    let file = SourceFile::new("p.md", "---\nid: a\ntitel: A\n---\n");
    let split = split(&file).unwrap();
    let err = parse::<Meta>(&file, split.yaml, &["id", "title"]).unwrap_err();
    assert_eq!(err.line_col().unwrap().0, 3, "{err}");
    assert!(err.hint.unwrap().contains("`title`"));
}

#[test]
fn alias_bombs_and_deep_nesting_are_refused_quickly() {
    use std::collections::BTreeMap;
    let started = std::time::Instant::now();
    let mut bomb = String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..=12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let file = SourceFile::new("bomb.yaml", bomb);
    let err = parse_file::<BTreeMap<String, serde::de::IgnoredAny>>(&file, &[]).unwrap_err();
    assert!(err.message.contains("too large"), "{err}");
    let deep = format!("x: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let file = SourceFile::new("deep.yaml", deep);
    let err = parse_file::<BTreeMap<String, serde::de::IgnoredAny>>(&file, &[]).unwrap_err();
    assert!(err.message.contains("too large"), "{err}");
    let deep = format!(
        "x:\n{}",
        (0..5_000)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect::<String>()
    );
    let file = SourceFile::new("deep-block.yaml", deep);
    assert!(parse_file::<BTreeMap<String, serde::de::IgnoredAny>>(&file, &[]).is_err());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn syntax_error_line_is_mapped_into_the_file() {
    let file = SourceFile::new("p.md", "---\nid: a\ntitle: [unclosed\n---\n");
    let split = split(&file).unwrap();
    let err = parse::<Meta>(&file, split.yaml, &["id", "title"]).unwrap_err();
    let (line, _) = err.line_col().unwrap();
    assert!((3..=4).contains(&line), "{err}");
}
