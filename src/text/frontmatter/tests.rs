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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Settings {
    #[serde(default)]
    terms: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    variables: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    attach: Vec<String>,
    #[serde(default)]
    theme: Option<std::collections::BTreeMap<String, String>>,
}

/// What reading `yaml` as [`Settings`] says: `line:col: message`, and the hint.
fn said(yaml: &str) -> (String, String) {
    let file = SourceFile::new("authority.yaml", yaml);
    let err =
        parse_file::<Settings>(&file, &["terms", "variables", "attach", "theme"]).unwrap_err();
    let (line, col) = err.line_col().unwrap();
    (
        format!("{line}:{col}: {}", err.message),
        err.hint.as_deref().unwrap_or_default().to_string(),
    )
}

#[test]
fn a_quote_missing_inside_braces_is_named_where_it_belongs_with_the_line_put_right() {
    let fixed = "`terms: { \"Individual Budget\": \"Personal Budget\" }`";
    let cases = [
        (
            "variables: {}\nterms: { \"Individual Budget: \"Personal Budget\" }\n",
            "2:28: the quoted text `Individual Budget` is never closed: there is no `\"` before this `:`",
        ),
        (
            "terms: { \"Individual Budget\": \"Personal Budget }\nvariables: {}\n",
            "1:31: this double quote (`\"`) is never closed",
        ),
        (
            "terms: { \"Individual Budget\" \"Personal Budget\" }\n",
            "1:28: there is no `:` between `Individual Budget` and the text after it",
        ),
        (
            "terms: { \"Individual Budget: Personal Budget\" }\n",
            "1:10: `Individual Budget: Personal Budget` is read as one name with no value: the `:` is inside its quotes",
        ),
    ];
    for (yaml, wanted) in cases {
        let (message, hint) = said(yaml);
        assert_eq!(message, wanted, "{yaml}");
        assert!(
            hint.ends_with(&format!("so that the line reads {fixed}")),
            "{yaml}: {hint}"
        );
        let put_right = yaml
            .lines()
            .map(|l| {
                if l.starts_with("terms") {
                    fixed.trim_matches('`')
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let file = SourceFile::new("authority.yaml", put_right);
        assert!(
            parse_file::<Settings>(&file, &[]).is_ok(),
            "the line offered reads"
        );
    }
}

#[test]
fn a_missing_colon_one_level_down_and_a_single_value_for_a_list_or_group_are_plain() {
    let (message, hint) = said("variables:\n  panel_email panel@north.example\n  duty: \"1\"\n");
    assert_eq!(
        message,
        "2:3: this line is not a setting: there is no `:` after its name"
    );
    assert_eq!(
        hint,
        "write it `panel_email: panel@north.example`, with a space after the colon"
    );

    let (message, hint) = said("attach: step 3\n");
    assert_eq!(
        message,
        "1:9: `attach` takes a list, but is given a single value here"
    );
    assert!(hint.contains("such as `attach: [step 3]`"), "{hint}");
    assert!(
        hint.contains("on a line of its own under `attach:`, starting `- `"),
        "{hint}"
    );
    let (message, hint) = said("attach:\n  step-3\n");
    assert_eq!(
        message,
        "2:3: `attach` takes a list, but is given a single value here"
    );
    assert!(hint.contains("`attach: [step-3]`"), "{hint}");

    let (message, hint) = said("theme: blue\n");
    assert_eq!(
        message,
        "1:8: `theme` is a group of settings, but is given a single value here"
    );
    assert!(
        hint.contains("on a line of its own under it, indented by two spaces"),
        "{hint}"
    );
    for (yaml, _) in [
        ("attach: step 3\n", ()),
        ("theme: blue\n", ()),
        ("variables:\n  a b\n  c: d\n", ()),
    ] {
        assert!(!said(yaml).0.contains("cannot be read"), "{yaml}");
    }
}
