//! The last check before writing: every internal link of an edition works.
//!
//! Reads an edition's rendered files and checks that every `href` and `src`
//! that is not an outside address points to a file of the same edition (an
//! edition may be deployed alone, so it never links outside itself) and that
//! every `#fragment` names an `id` on the target page. A broken link fails the
//! build. It also lists outside links as notes for review. Anything that
//! would make a reader's browser fetch from another host (an image, script or
//! frame `src`, a `<link>` to a style sheet or font, a `url(…)` or `@import`
//! in a style sheet) is an error: an edition requests nothing from outside.
//! It reads rendered and static files only; it changes nothing.

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
    for file in files {
        if file.path.ends_with(".css") {
            let text = match &file.content {
                Content::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                Content::Copy(from) => std::fs::read_to_string(from).unwrap_or_default(),
            };
            let shown = match &file.content {
                Content::Copy(from) => from.display().to_string(),
                Content::Bytes(_) => format!("{edition}/{}", file.path),
            };
            for url in outside_in_css(&text) {
                problems.push(outside_resource(&shown, &url));
            }
        }
    }
    for (path, html) in pages {
        let mut resources: Vec<&str> = ["src", "poster", "data"]
            .iter()
            .flat_map(|a| attribute_values(html, a))
            .collect();
        resources.extend(
            attribute_values(html, "srcset")
                .into_iter()
                .flat_map(|set| set.split(','))
                .filter_map(|candidate| candidate.split_whitespace().next()),
        );
        resources.extend(link_element_hrefs(html));
        for raw in resources {
            let url = decode(raw);
            if crate::sanitize::is_outside_resource(&url)
                && crate::sanitize::scheme_of(&url).as_deref() != Some("data")
            {
                problems.push(outside_resource(&format!("{edition}/{path}"), &url));
            }
        }
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

fn outside_resource(shown: &str, url: &str) -> Diagnostic {
    Diagnostic::error(
        "outside-resource",
        format!("`{shown}` would make readers' browsers fetch `{url}` from another site"),
    )
    .in_path(shown.to_string())
    .hint("an edition makes no request to any outside host: save the file in the theme's or the authority's `static/` folder and refer to it as `assets/NAME`")
}

/// The `href` of every `<link>` element (style sheets, fonts, icons).
fn link_element_hrefs(html: &str) -> Vec<&str> {
    html.match_indices("<link")
        .filter_map(|(at, _)| {
            let end = html[at..].find('>').map_or(html.len(), |e| at + e);
            attribute_values(&html[at..end], "href").into_iter().next()
        })
        .collect()
}

/// Addresses on other hosts that a style sheet loads (`url(…)`, `@import "…"`).
fn outside_in_css(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = css.to_ascii_lowercase();
    let mut take = |rest: &str| {
        let rest = rest.trim_start();
        let url = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split(')').next().unwrap_or("").trim(),
        };
        if crate::sanitize::is_outside_resource(url)
            && crate::sanitize::scheme_of(url).as_deref() != Some("data")
        {
            found.push(url.to_string());
        }
    };
    for (at, _) in lower.match_indices("url(") {
        take(&css[at + 4..]);
    }
    for (at, _) in lower.match_indices("@import") {
        let rest = css[at + 7..].trim_start();
        if rest.starts_with(['"', '\'']) {
            take(rest);
        }
    }
    found
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
    fn outside_resources_are_errors() {
        let files = vec![page(
            "index.html",
            "<link rel=\"stylesheet\" href=\"https://fonts.example/css\"><script src=\"//cdn.example/x.js\"></script><img src=\"assets/a.png\"><a href=\"https://example.org/\">ok</a><link rel=\"icon\" href=\"data:,\">",
        ), page("assets/a.png", "")];
        let (problems, outside) = check("model", &files);
        let messages: Vec<_> = problems.iter().map(|p| p.message.to_string()).collect();
        assert_eq!(problems.len(), 2, "{messages:#?}");
        assert!(messages.iter().all(|m| m.contains("another site")));
        assert!(outside.contains_key("https://example.org/"));
        assert_eq!(
            outside_in_css("a{background:url( 'https://x.example/a.png' )} @import \"//y.example/b.css\"; b{background:url(img.png)} c{src:url(data:font/woff2;base64,AA)}"),
            vec!["https://x.example/a.png", "//y.example/b.css"]
        );
    }

    #[test]
    fn outside_addresses_are_recognised() {
        assert!(is_outside("https://example.org"));
        assert!(is_outside("mailto:a@b.example"));
        assert!(!is_outside("step-1.html#a:b"));
        assert!(!is_outside("assets/handbook.css"));
    }
}
