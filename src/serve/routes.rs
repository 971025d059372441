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
    let mut items = String::new();
    for p in problems {
        items.push_str(&format!(
            "<li><strong>{}</strong> {}",
            escape(&p.position()),
            escape(&p.message)
        ));
        if let Some(hint) = &p.hint {
            items.push_str(&format!("<br>How to fix it: {}", escape(hint)));
        }
        items.push_str("</li>");
    }
    PROBLEMS_HTML
        .trim_end()
        .replace("{{intro}}", intro)
        .replace("{{problems}}", &items)
}

/// Adds the reload script (and the problems, if any) to a served HTML page.
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
        assert!(html.contains("How to fix it: do this"));
        assert!(html.contains("the last pages that built"));
        let found_later = problems_html(&problems, true, false);
        assert!(found_later.contains("The pages you are seeing have the problems below"));
        assert!(!found_later.contains("the last pages that built"));
    }
}
