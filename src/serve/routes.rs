//! The preview's HTTP routes: the edition's files from memory, the live
//! reload events, and the preview's own script and stylesheet (kept as
//! files beside this module, not as strings in it).
//!
//! It reads the site the session made; it never builds.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::sync::broadcast;

use super::{Reload, Shared};
use crate::support::characters::escape_html as escape;
use crate::support::diagnostic::Diagnostic;
use crate::support::lock::ReadWrite;

const LIVE_JS: &str = include_str!("assets/live.js");
const LIVE_CSS: &str = include_str!("assets/live.css");
const PROBLEMS_HTML: &str = include_str!("assets/problems.html");
const WARNINGS_HTML: &str = include_str!("assets/warnings.html");
/// The preview's stylesheet, for the problems and the warnings.
const LIVE_CSS_LINK: &str = "<link rel=\"stylesheet\" href=\"/__handbook/live.css\">";
const FAILED_HTML: &str = include_str!("assets/failed.html");

/// The routes of the preview server.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    let files = Arc::clone(&shared);
    Router::new()
        .route(
            "/__handbook/events",
            get(move || events(Arc::clone(&shared))),
        )
        .route(
            "/__handbook/live.js",
            get(|| async {
                respond(
                    StatusCode::OK,
                    "text/javascript; charset=utf-8",
                    LIVE_JS.into(),
                )
            }),
        )
        .route(
            "/__handbook/live.css",
            get(|| async { respond(StatusCode::OK, "text/css; charset=utf-8", LIVE_CSS.into()) }),
        )
        .fallback(move |uri: Uri| file(Arc::clone(&files), uri))
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The problems found, as HTML for the top of a page. `has_good_build`:
/// whether any pages built; `save_failed`: whether the latest save failed,
/// so the pages are older than the files (else the problems are in the
/// pages shown, found by the link check after they were served).
fn problems_html(problems: &[Diagnostic], has_good_build: bool, save_failed: bool) -> String {
    let intro = match (has_good_build, save_failed) {
        (true, true) => "You are seeing the last pages that built. Fix the problems below and save again; this page will update by itself.",
        (true, false) => "The pages you are seeing have the problems below, which would stop `handbook build`. Fix them and save; this page will update by itself.",
        (false, _) => "Fix the problems below and save again; this page will update by itself.",
    };
    let items: String = problems.iter().map(item_html).collect();
    PROBLEMS_HTML
        .trim_end()
        .replace("{{intro}}", intro)
        .replace("{{problems}}", &items)
}

/// Text of a message, escaped, with each `name` in backticks shown as code.
fn words_html(text: &str) -> String {
    let escaped = escape(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escaped;
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{part}</code>"),
            _ => (*part).to_string(),
        })
        .collect()
}

/// One problem as an item of a list: where it is (file:line:col), what is
/// wrong, how to fix it, and its detail (such as a change, - was, + now).
fn item_html(p: &Diagnostic) -> String {
    let mut item = format!(
        "<li><strong>{}</strong> {}",
        escape(&p.position()),
        words_html(&p.message)
    );
    if let Some(hint) = &p.hint {
        item.push_str(&format!("<br>How to fix it: {}", words_html(hint)));
    }
    if let Some(detail) = &p.detail {
        item.push_str(&format!("<pre>{}</pre>", escape(detail)));
    }
    item.push_str("</li>");
    item
}

/// The warnings of the build served, as HTML for the top of a page: their
/// count, which opens the list of them, each at its file and line.
fn warnings_html(warnings: &[Diagnostic]) -> String {
    let count = match warnings.len() {
        1 => "1 warning".to_string(),
        n => format!("{n} warnings"),
    };
    let items: String = warnings.iter().map(item_html).collect();
    WARNINGS_HTML
        .trim_end()
        .replace("{{count}}", &count)
        .replace("{{warnings}}", &items)
}

/// What goes at the top of a page: the preview's stylesheet, then the
/// problems and the warnings, if there are any.
fn banners(problems: Option<String>, warnings: Option<String>) -> Option<String> {
    if problems.is_none() && warnings.is_none() {
        return None;
    }
    Some(format!(
        "{LIVE_CSS_LINK}{}{}",
        problems.unwrap_or_default(),
        warnings.unwrap_or_default()
    ))
}

/// Adds the reload script (and the problems and warnings, if any) to a
/// served HTML page.
fn decorate(page: &[u8], problems: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let script = "<script src=\"/__handbook/live.js\"></script>";
    let mut out = match text.rfind("</body>") {
        Some(at) => format!("{}{script}{}", &text[..at], &text[at..]),
        None => format!("{text}{script}"),
    };
    if let Some(problems) = problems {
        let at = out
            .find("<body")
            .and_then(|b| out[b..].find('>').map(|e| b + e + 1))
            .unwrap_or(0);
        out.insert_str(at, problems);
    }
    out.into_bytes()
}

/// The path inside the edition a request asks for, or `None` if it tries to leave it.
pub fn request_path(uri_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .ok()?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains(['\\', '\0']) || p.contains(':') => return None,
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if path.is_empty() || decoded.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

fn respond(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn file(shared: Arc<Shared>, uri: Uri) -> Response<Body> {
    let site = shared.site.reading();
    let problems = (!site.problems.is_empty())
        .then(|| problems_html(&site.problems, site.has_good_build, site.save_failed));
    let warnings =
        (site.has_good_build && !site.warnings.is_empty()).then(|| warnings_html(&site.warnings));
    let problems = banners(problems, warnings);
    if !site.has_good_build {
        let page = FAILED_HTML
            .trim_end()
            .replace("{{problems}}", problems.as_deref().unwrap_or(""));
        let body = decorate(page.as_bytes(), None);
        return respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            body,
        );
    }
    let found = request_path(uri.path()).and_then(|path| {
        let index = format!("{path}/index.html");
        [path, index]
            .into_iter()
            .find_map(|p| site.files.get(&p).map(|bytes| (p, Arc::clone(bytes))))
    });
    match found {
        Some((path, bytes)) if path.ends_with(".html") => respond(
            StatusCode::OK,
            mime(&path),
            decorate(&bytes, problems.as_deref()),
        ),
        Some((path, bytes)) => respond(StatusCode::OK, mime(&path), bytes.to_vec()),
        None => {
            // Shown for a missing page in any folder: its links start
            // from the preview's own address, the top of the edition.
            let body = site
                .files
                .get("404.html")
                .map(|b| {
                    let page = crate::support::url::links_under(&String::from_utf8_lossy(b), "/");
                    decorate(page.as_bytes(), problems.as_deref())
                })
                .unwrap_or_else(|| b"Not found".to_vec());
            respond(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body)
        }
    }
}

async fn events(shared: Arc<Shared>) -> impl IntoResponse {
    let receiver = shared.reload.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(reload) => {
                    let event = match reload {
                        // A browser drops an event without data.
                        Reload::Every => Event::default().event("reload").data("every"),
                        Reload::Page(path) => Event::default().event("reload-page").data(path),
                    };
                    return Some((Ok::<Event, Infallible>(event), receiver));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_leave_the_edition() {
        assert_eq!(request_path("/").as_deref(), Some("index.html"));
        assert_eq!(request_path("/step-3.html").as_deref(), Some("step-3.html"));
        assert_eq!(
            request_path("/assets/").as_deref(),
            Some("assets/index.html")
        );
        assert_eq!(request_path("/../etc/passwd"), None);
        assert_eq!(request_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(request_path("/a/%2E%2E/%2E%2E/x"), None);
        assert_eq!(request_path("/..%5c..%5cwindows"), None);
    }

    #[test]
    fn a_failed_save_lists_each_problem_once_with_its_hint() {
        let problems = vec![
            Diagnostic::error("x", "first <problem>")
                .in_path("content/a.md")
                .hint("do this"),
            Diagnostic::error("y", "second").in_path("content/b.md"),
        ];
        let html = problems_html(&problems, true, true);
        assert_eq!(html.matches("<li>").count(), 2);
        assert!(html.contains("first &lt;problem&gt;"));
        assert!(!html.contains(LIVE_CSS_LINK), "added once, by banners");
        assert!(html.contains("How to fix it: do this"));
        assert!(html.contains("the last pages that built"));
        let found_later = problems_html(&problems, true, false);
        assert!(found_later.contains("The pages you are seeing have the problems below"));
        assert!(!found_later.contains("the last pages that built"));
    }

    #[test]
    fn warnings_are_counted_in_a_summary_that_opens_their_list() {
        let warnings = vec![
            Diagnostic::warning("stale-override", "the model text of `step-3#a` changed")
                .in_path("local-overrides/x/overrides/a.md")
                .hint("run `handbook accept x a.md`")
                .detail("- was <old>\n+ now"),
            Diagnostic::warning("overdue", "review `overdue`").in_path("content/b.md"),
        ];
        let html = warnings_html(&warnings);
        assert!(html.starts_with("<aside class=\"hb-warnings\" aria-label=\"Warnings\"><details><summary>2 warnings "), "{html}");
        assert_eq!(html.matches("<li>").count(), 2);
        assert!(html.contains("<strong>local-overrides/x/overrides/a.md</strong> the model text of <code>step-3#a</code> changed"), "{html}");
        assert!(
            html.contains("How to fix it: run <code>handbook accept x a.md</code>"),
            "{html}"
        );
        assert!(
            html.contains("<pre>- was &lt;old&gt;\n+ now</pre>"),
            "{html}"
        );
        assert!(
            !html.contains("<script") && !html.contains("style="),
            "no inline script or style: {html}"
        );
        assert!(warnings_html(&warnings[1..]).contains("<summary>1 warning in"));
        assert_eq!(banners(None, None), None);
        let both = banners(Some("P".into()), Some("W".into())).unwrap();
        assert_eq!(both, format!("{LIVE_CSS_LINK}PW"));
    }
}
