//! YAML front matter and YAML files, parsed into typed values.
//!
//! This is the one place that talks to the YAML library (serde-saphyr), so a
//! swap touches one file. It splits a Markdown file into its front matter and
//! body, parses YAML with input limits (no alias bombs, no runaway nesting),
//! and turns YAML errors into [`Diagnostic`]s that point at the right line of
//! the *file*, not of the YAML block. Unknown keys get the closest known key
//! as a hint.
//!
//! It does not know what the keys mean: callers define the types.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diagnostic::{did_you_mean, Diagnostic, SourceFile};

/// Front matter larger than this is refused, whatever the YAML says.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// A Markdown file cut into front matter and body.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// Byte range of the YAML text (between the `---` lines) in the file.
    pub yaml: (usize, usize),
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

/// Finds the front matter of a Markdown file: a first line `---`, YAML, and a
/// closing `---` line.
pub fn split(file: &Arc<SourceFile>) -> Result<Split, Diagnostic> {
    let text = file.text.as_str();
    let Some(after_open) = text
        .strip_prefix("---\n")
        .map(|_| 4)
        .or_else(|| (text == "---").then_some(3))
    else {
        return Err(Diagnostic::error(
            "no-front-matter",
            "this page has no front matter: it must start with a line `---`",
        )
        .at(file, 0, text.find('\n').unwrap_or(text.len()).min(40))
        .hint("start the file with `---`, then `id:` and `title:` lines, then `---` on a line of its own"));
    };
    let mut pos = after_open;
    loop {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            let yaml = (after_open, pos);
            if yaml.1 - yaml.0 > MAX_FRONT_MATTER_BYTES {
                return Err(Diagnostic::error(
                    "front-matter-too-large",
                    format!(
                        "the front matter is {} KiB; the limit is {} KiB",
                        (yaml.1 - yaml.0) / 1024,
                        MAX_FRONT_MATTER_BYTES / 1024
                    ),
                )
                .at(file, 0, 3)
                .hint("front matter holds a few settings; move long text into the page body"));
            }
            return Ok(Split {
                yaml,
                body_start: (line_end + 1).min(text.len()),
            });
        }
        if line_end >= text.len() {
            return Err(Diagnostic::error(
                "unclosed-front-matter",
                "the front matter is never closed",
            )
            .at(file, 0, 3)
            .hint("add a line `---` after the last front matter setting"));
        }
        pos = line_end + 1;
    }
}

/// Parses YAML found at `range` of `file` into `T`. Errors point into the file.
///
/// `known_keys` lists the keys `T` accepts, for "did you mean" hints on
/// unknown keys.
pub fn parse<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    range: (usize, usize),
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    let yaml = &file.text[range.0..range.1];
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_anchors: 64,
            max_aliases: 256,
            max_nodes: 20_000,
        },
    };
    serde_saphyr::from_str_with_options::<T>(yaml, options)
        .map_err(|err| yaml_error(file, range.0, &err, known_keys))
}

/// Parses a whole YAML file into `T`.
pub fn parse_file<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    parse(file, (0, file.text.len()), known_keys)
}

/// The byte offset in `file` of a YAML location inside a block that starts at `base`.
pub fn offset_in_file(file: &SourceFile, base: usize, line: u64, column: u64) -> usize {
    let (base_line, _) = file.line_col(base);
    let line = base_line + line.max(1) as usize - 1;
    file.offset_of(line, column.max(1) as usize)
}

fn yaml_error(
    file: &Arc<SourceFile>,
    base: usize,
    err: &serde_saphyr::Error,
    known_keys: &[&str],
) -> Diagnostic {
    let raw = err.without_snippet().to_string();
    let message = first_line(&raw);
    let start = match err.location() {
        Some(loc) if loc.line() > 0 => offset_in_file(file, base, loc.line(), loc.column()),
        _ => base,
    };
    let end = file.text[start..]
        .find(['\n', ':'])
        .map_or(file.text.len(), |i| start + i)
        .max(start + 1)
        .min(file.text.len());
    let (message, hint) = explain(&message, known_keys);
    let diagnostic = Diagnostic::error("yaml", message).at(file, start, end);
    match hint {
        Some(hint) => diagnostic.hint(hint),
        None => diagnostic,
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    // serde-saphyr appends " at line L column C"; the position is shown separately.
    match line.rfind(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}

/// Turns the YAML library's wording into plain words and a hint.
fn explain(message: &str, known_keys: &[&str]) -> (String, Option<String>) {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let key = rest.split('`').next().unwrap_or(rest);
        let hint = did_you_mean(
            key,
            known_keys.iter().copied(),
            &format!("the settings allowed here are: {}", known_keys.join(", ")),
        );
        return (
            format!("`{key}` is not a setting Handbook knows"),
            Some(hint),
        );
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            format!("the required setting `{key}` is missing"),
            Some(format!("add a line `{key}: …`")),
        );
    }
    if let Some(rest) = message.split("unknown variant `").nth(1) {
        let value = rest.split('`').next().unwrap_or(rest);
        let allowed: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map(|e| {
                e.split(['`', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "one of" && *s != "or")
                    .collect()
            })
            .unwrap_or_default();
        let hint = if allowed.is_empty() {
            "check the spelling".to_string()
        } else {
            did_you_mean(
                value,
                allowed.iter().copied(),
                &format!("use one of: {}", allowed.join(", ")),
            )
        };
        return (
            format!("`{value}` is not an allowed value here"),
            Some(hint),
        );
    }
    let lower = message.to_lowercase();
    if (lower.contains("year")
        || lower.contains("month")
        || lower.contains("day")
        || lower.contains("date"))
        && (lower.contains("parse") || lower.contains("invalid"))
    {
        return (
            "this is not a date Handbook can read".to_string(),
            Some("write dates as YYYY-MM-DD, such as 2026-11-24".to_string()),
        );
    }
    if message.contains("budget") || message.contains("limit") {
        return (
            format!("this YAML is too large or too deeply nested to read safely ({message})"),
            Some("remove repeated aliases (`*name`) and deep nesting".to_string()),
        );
    }
    let hint = if message.contains("invalid type") {
        Some(
            "check the value's form: text, a number, a list (`- item`) or a date (YYYY-MM-DD)"
                .to_string(),
        )
    } else {
        Some("check the indentation and that each setting is written `name: value`".to_string())
    };
    (format!("this YAML cannot be read: {message}"), hint)
}

#[cfg(test)]
mod tests {
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
}
