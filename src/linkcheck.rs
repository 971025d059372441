//! The last check before writing: every internal link of an edition works.
//!
//! Reads an edition's rendered files and checks that every `href` and `src`
//! that is not an outside address points to a file of the same edition (an
//! edition may be deployed alone, so it never links outside itself) and that
//! every `#fragment` names an `id` on the target page. A broken link fails the
//! build. It also lists outside links as notes for review. It reads rendered
//! files only; it changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::render::{Content, OutputFile};

/// The values of one attribute in HTML, such as every `href="…"`.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let start = at + needle.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

fn decode(url: &str) -> String {
    url.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Whether a URL names an outside address (`https:`, `mailto:`, `data:`…) rather than a file.
pub fn is_outside(url: &str) -> bool {
    let before_path = url.split(['/', '?', '#']).next().unwrap_or("");
    before_path.contains(':') || url.starts_with("//")
}

/// Resolves `url` against the folder of `from`, both inside an edition.
fn resolve(from: &str, url: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in url.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Outside links found, by address, with the pages that use them.
pub type OutsideLinks = BTreeMap<String, BTreeSet<String>>;

/// Checks the links of one edition's files. Returns errors for broken links
/// and the outside links found.
pub fn check(edition: &str, files: &[OutputFile]) -> (Vec<Diagnostic>, OutsideLinks) {
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut pages: Vec<(&str, &str)> = Vec::new();
    for file in files {
        if let Content::Bytes(bytes) = &file.content {
            if file.path.ends_with(".html") {
                let html = std::str::from_utf8(bytes).unwrap_or("");
                ids.insert(
                    &file.path,
                    attribute_values(html, "id")
                        .into_iter()
                        .map(decode)
                        .collect(),
                );
                pages.push((&file.path, html));
            }
        }
    }
    let mut problems = Vec::new();
    let mut outside = OutsideLinks::new();
    for (path, html) in pages {
        let mut urls = attribute_values(html, "href");
        urls.extend(attribute_values(html, "src"));
        for raw in urls {
            let url = decode(raw);
            if is_outside(&url) {
                if url.starts_with("http") {
                    outside
                        .entry(url)
                        .or_default()
                        .insert(format!("{edition}/{path}"));
                }
                continue;
            }
            let (target, fragment) = match url.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (url.as_str(), None),
            };
            let target = target.split('?').next().unwrap_or("");
            let resolved = if target.is_empty() {
                Some(path.to_string())
            } else {
                resolve(path, target)
            };
            let broken = match &resolved {
                None => Some("points outside its edition".to_string()),
                Some(r) if !paths.contains(r.as_str()) => {
                    Some(format!("points to `{r}`, which is not in the edition"))
                }
                Some(r) => match (fragment, ids.get(r.as_str())) {
                    (Some(f), Some(known)) if !f.is_empty() && !known.contains(f) => {
                        Some(format!("points to `#{f}`, which is not an id on `{r}`"))
                    }
                    _ => None,
                },
            };
            if let Some(why) = broken {
                problems.push(
                    Diagnostic::error("broken-link", format!("a link on `{edition}/{path}` to `{url}` {why}"))
                        .in_path(format!("{edition}/{path}"))
                        .hint("if the link is in a theme or authority template, correct its address; if it is in content, use a cross-reference such as [[step-3]]"),
                );
            }
        }
    }
    (problems, outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: Content::Bytes(html.as_bytes().to_vec()),
        }
    }

    #[test]
    fn working_links_pass_and_broken_ones_are_named() {
        let files = vec![
            page("index.html", "<a href=\"step-1.html#role\">x</a> <a href=\"https://example.org/\">y</a>"),
            page("step-1.html", "<h2 id=\"role\">Role</h2><a href=\"step-9.html\">z</a><a href=\"#nope\">w</a><img src=\"../x.png\">"),
        ];
        let (problems, outside) = check("model", &files);
        let messages: Vec<_> = problems.iter().map(|p| p.message.clone()).collect();
        assert_eq!(problems.len(), 3, "{messages:#?}");
        assert!(messages.iter().any(|m| m.contains("step-9.html")));
        assert!(messages.iter().any(|m| m.contains("#nope")));
        assert!(messages.iter().any(|m| m.contains("outside its edition")));
        assert!(outside.contains_key("https://example.org/"));
    }

    #[test]
    fn outside_addresses_are_recognised() {
        assert!(is_outside("https://example.org"));
        assert!(is_outside("mailto:a@b.example"));
        assert!(!is_outside("step-1.html#a:b"));
        assert!(!is_outside("assets/handbook.css"));
    }
}
