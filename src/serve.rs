//! `handbook serve`: a local preview that rebuilds on save and reloads the browser.
//!
//! A thin loop over the same pipeline `build` uses. It builds one edition
//! into memory, serves it from 127.0.0.1 (axum), watches `content/`,
//! `themes/` and `local-overrides/` (notify, debounced, editor temporary
//! files ignored) and rebuilds after each save. Open pages reload themselves
//! through Server-Sent Events. When a save breaks the build, the last good
//! pages stay served with the problems shown at the top of each page until
//! the next good save. Nothing is written to disk.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use notify_debouncer_mini::notify::{self, RecursiveMode};
use notify_debouncer_mini::{new_debouncer_opt, Config, DebounceEventResult, DebouncedEvent};
use tokio::sync::broadcast;

use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::{self, Editions, Request};
use crate::render::{escape, Content};

/// What `serve` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The handbook root.
    pub root: PathBuf,
    /// The authority whose edition to serve; the model's when `None`.
    pub authority: Option<String>,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
}

/// The pages being served, and the problems of the latest build if it failed.
#[derive(Debug, Default)]
struct Site {
    files: HashMap<String, Arc<Vec<u8>>>,
    problems: Vec<Diagnostic>,
    has_good_build: bool,
}

struct Shared {
    site: RwLock<Site>,
    reload: broadcast::Sender<u64>,
}

const LIVE_JS: &str = r#"// Reloads the page when `handbook serve` has rebuilt the handbook.
(function () {
  "use strict";
  var source = new EventSource("/__handbook/events");
  source.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live-reload", "connected");
  });
  source.addEventListener("reload", function () {
    window.location.reload();
  });
})();
"#;

const LIVE_CSS: &str = ".hb-build-error{background:#fff;border:5px solid #d4351c;margin:1rem;padding:0 1rem 1rem;font-family:Arial,sans-serif;color:#0b0c0c}\n.hb-build-error h2{color:#d4351c}\n.hb-build-error li{margin-bottom:.75rem}\n.hb-build-error code{font-size:1rem}\n";

/// Whether a changed path is an editor's temporary file, not a real save.
pub fn is_temporary(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with(".#")
        || name == "4913"
        || name.starts_with(".goutputstream")
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

/// Builds the edition into memory: its files, or the problems that stopped it.
fn build(
    root: &Path,
    authority: &Option<String>,
) -> Result<HashMap<String, Arc<Vec<u8>>>, Vec<Diagnostic>> {
    let request = Request {
        root: root.to_path_buf(),
        editions: match authority {
            Some(slug) => Editions::Authorities(vec![slug.clone()]),
            None => Editions::Model,
        },
        today: pipeline::today(),
        search: true,
    };
    let run = pipeline::run(&request);
    let problems: Vec<Diagnostic> = run
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let Some(output) = run.output else {
        return Err(problems);
    };
    let mut files = HashMap::new();
    for (folder, file) in output.files {
        let path = if folder.is_empty() {
            file.path
        } else {
            format!("{folder}/{}", file.path)
        };
        let bytes = match file.content {
            Content::Bytes(bytes) => bytes,
            Content::Copy(from) => std::fs::read(&from).map_err(|e| {
                vec![Diagnostic::error(
                    "unreadable",
                    format!("cannot read {}: {e}", from.display()),
                )]
            })?,
        };
        files.insert(path, Arc::new(bytes));
    }
    Ok(files)
}

fn rebuild(shared: &Shared, root: &Path, authority: &Option<String>) {
    let started = Instant::now();
    let result = build(root, authority);
    let mut site = shared.site.write().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(files) => {
            site.files = files;
            site.problems.clear();
            site.has_good_build = true;
            eprintln!("Rebuilt in {} ms.", started.elapsed().as_millis());
        }
        Err(problems) => {
            eprintln!("The build failed; still serving the last good pages:");
            for p in &problems {
                eprintln!("{p}");
            }
            site.problems = problems;
        }
    }
    drop(site);
    let _ = shared.reload.send(started.elapsed().as_millis() as u64);
}

/// The problems of a failed build, as HTML for the top of a page.
fn problems_html(problems: &[Diagnostic], has_good_build: bool) -> String {
    let mut html = String::from("<link rel=\"stylesheet\" href=\"/__handbook/live.css\"><div class=\"hb-build-error\" role=\"alert\"><h2>Your last save could not be built</h2>");
    html.push_str(if has_good_build {
        "<p>You are seeing the last pages that built. Fix the problems below and save again; this page will update by itself.</p>"
    } else {
        "<p>Fix the problems below and save again; this page will update by itself.</p>"
    });
    html.push_str("<ul>");
    for p in problems {
        html.push_str("<li><strong>");
        html.push_str(&escape(&p.position()));
        html.push_str("</strong> ");
        html.push_str(&escape(&p.message));
        if let Some(hint) = &p.hint {
            html.push_str("<br>How to fix it: ");
            html.push_str(&escape(hint));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></div>");
    html
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
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn file(shared: Arc<Shared>, uri: Uri) -> Response<Body> {
    let site = shared.site.read().unwrap_or_else(|e| e.into_inner());
    let problems =
        (!site.problems.is_empty()).then(|| problems_html(&site.problems, site.has_good_build));
    if !site.has_good_build {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>The handbook could not be built</title></head><body><main>{}</main></body></html>",
            problems.as_deref().unwrap_or("")
        );
        return respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            decorate(page.as_bytes(), None),
        );
    }
    let found = request_path(uri.path()).and_then(|path| {
        site.files
            .get(&path)
            .map(|bytes| (path.clone(), Arc::clone(bytes)))
            .or_else(|| {
                let index = format!("{path}/index.html");
                site.files
                    .get(&index)
                    .map(|bytes| (index, Arc::clone(bytes)))
            })
    });
    match found {
        Some((path, bytes)) if path.ends_with(".html") => respond(
            StatusCode::OK,
            mime(&path),
            decorate(&bytes, problems.as_deref()),
        ),
        Some((path, bytes)) => respond(StatusCode::OK, mime(&path), bytes.as_ref().clone()),
        None => {
            let body = site
                .files
                .get("404.html")
                .map(|b| decorate(b, problems.as_deref()))
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
                Ok(n) => {
                    let event = Event::default().event("reload").data(n.to_string());
                    return Some((Ok::<Event, Infallible>(event), receiver));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The size and modification time of each file under the watched folders.
///
/// The watcher also reports files being opened (as every build does), so a
/// batch of events counts as a save only if some file's stamp changed.
#[derive(Debug, Default)]
struct Stamps(HashMap<PathBuf, Option<(std::time::SystemTime, u64)>>);

impl Stamps {
    fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
        let meta = std::fs::metadata(path).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    fn of(folders: &[PathBuf]) -> Self {
        let mut stamps = HashMap::new();
        for folder in folders {
            for entry in walkdir::WalkDir::new(folder)
                .into_iter()
                .filter_map(Result::ok)
            {
                stamps.insert(entry.path().to_path_buf(), Self::stamp(entry.path()));
            }
        }
        Self(stamps)
    }

    /// Records the current stamps of `paths`; true if any differs from before.
    fn changed<'a>(&mut self, paths: impl Iterator<Item = &'a Path>) -> bool {
        let mut changed = false;
        for path in paths {
            let now = Self::stamp(path);
            if self.0.insert(path.to_path_buf(), now) != Some(now) {
                changed = true;
            }
        }
        changed
    }
}

/// Watches the root's source folders; each batch of real changes calls `on_change`.
fn watch(
    root: &Path,
    on_change: impl Fn() + Send + Sync + 'static,
) -> Result<Box<dyn std::any::Any + Send>, String> {
    let folders: Vec<PathBuf> = ["content", "themes", "local-overrides"]
        .iter()
        .map(|f| root.join(f))
        .filter(|p| p.is_dir())
        .collect();
    let stamps = std::sync::Mutex::new(Stamps::of(&folders));
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let real: Vec<&DebouncedEvent> =
                events.iter().filter(|e| !is_temporary(&e.path)).collect();
            let mut stamps = stamps.lock().unwrap_or_else(|e| e.into_inner());
            if stamps.changed(real.iter().map(|e| e.path.as_path())) {
                on_change();
            }
        }
        Err(e) => eprintln!("warning: watching for changes failed: {e}"),
    };
    let config = Config::default().with_timeout(Duration::from_millis(80));
    let handler = Arc::new(handler);
    let h = Arc::clone(&handler);
    match new_debouncer_opt::<_, notify::RecommendedWatcher>(config, move |r| h(r)) {
        Ok(mut debouncer) => {
            let mut failed = None;
            for folder in &folders {
                if let Err(e) = debouncer.watcher().watch(folder, RecursiveMode::Recursive) {
                    failed = Some(e);
                    break;
                }
            }
            match failed {
                None => return Ok(Box::new(debouncer)),
                Some(e) => {
                    if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                        eprintln!(
                            "warning: the system's limit on watched files was reached, so changes are checked every second instead.\n  hint: raise the limit with `sudo sysctl fs.inotify.max_user_watches=524288` for instant updates"
                        );
                    } else {
                        eprintln!("warning: cannot watch for changes ({e}); checking every second instead");
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("warning: cannot watch for changes ({e}); checking every second instead")
        }
    }
    let poll = notify::Config::default().with_poll_interval(Duration::from_secs(1));
    let config = Config::default()
        .with_timeout(Duration::from_millis(80))
        .with_notify_config(poll);
    let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher>(config, move |r| handler(r))
        .map_err(|e| format!("cannot watch for changes: {e}"))?;
    for folder in &folders {
        debouncer
            .watcher()
            .watch(folder, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    }
    Ok(Box::new(debouncer))
}

/// Runs the preview server until interrupted.
pub fn serve(options: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    // Builds run outside the server's runtime: the search indexer starts its own.
    let (reload, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        site: RwLock::new(Site::default()),
        reload,
    });
    rebuild(&shared, &options.root, &options.authority);
    runtime.block_on(async move {
        // Saves arrive on the watcher's thread; rebuilds run one at a time on their own thread.
        let (changed, queue) = std::sync::mpsc::channel::<()>();
        let changed = std::sync::Mutex::new(changed);
        let _watcher = watch(&options.root, move || {
            if let Ok(sender) = changed.lock() {
                let _ = sender.send(());
            }
        })?;
        {
            let shared = Arc::clone(&shared);
            let root = options.root.clone();
            let authority = options.authority.clone();
            std::thread::spawn(move || {
                while queue.recv().is_ok() {
                    while queue.try_recv().is_ok() {}
                    rebuild(&shared, &root, &authority);
                }
            });
        }

        let app = {
            let files = Arc::clone(&shared);
            let sse = Arc::clone(&shared);
            Router::new()
                .route("/__handbook/events", get(move || events(Arc::clone(&sse))))
                .route(
                    "/__handbook/live.js",
                    get(|| async {
                        respond(
                            StatusCode::OK,
                            "text/javascript; charset=utf-8",
                            LIVE_JS.as_bytes().to_vec(),
                        )
                    }),
                )
                .route(
                    "/__handbook/live.css",
                    get(|| async {
                        respond(
                            StatusCode::OK,
                            "text/css; charset=utf-8",
                            LIVE_CSS.as_bytes().to_vec(),
                        )
                    }),
                )
                .fallback(move |uri: Uri| file(Arc::clone(&files), uri))
        };
        let address = SocketAddr::new(options.bind, options.port);
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
            format!("cannot listen on {address}: {e}\n  hint: choose another port with --port")
        })?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "Serving the {} edition at http://{local}/ (press Ctrl+C to stop).",
            options.authority.as_deref().unwrap_or("model")
        );
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("the server stopped: {e}"))
    })
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
    fn editor_temporary_files_are_not_saves() {
        assert!(is_temporary(Path::new("content/.step-1.md.swp")));
        assert!(is_temporary(Path::new("content/step-1.md~")));
        assert!(is_temporary(Path::new("content/.#step-1.md")));
        assert!(is_temporary(Path::new("content/4913")));
        assert!(!is_temporary(Path::new("content/step-1.md")));
    }
}
