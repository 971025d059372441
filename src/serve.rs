//! `handbook serve`: a local preview that rebuilds on save and reloads the browser.
//!
//! A thin loop over the same pipeline `build` uses. It builds one edition
//! into memory, serves it from 127.0.0.1 (axum), watches `content/`,
//! `themes/` and `local-overrides/` (notify, debounced, editor temporary
//! files ignored) and rebuilds after each save. A rebuild re-reads only the
//! saved files and makes again only the pages they change (the pipeline's
//! [`pipeline::preview`]); the new pages are served at once, then the print
//! view (which shows every page), and the search index and link check
//! follow on a background thread, for the pages whose bytes changed. Open pages reload
//! themselves through Server-Sent Events. When a save breaks the build, the
//! last good pages stay served with the problems shown at the top of each
//! page until the next good save. Nothing is written to disk.

use crate::lock::{Locked, ReadWrite};
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
use crate::pipeline;
use crate::render::{escape, Content, OutputFile, Piece};

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
    files: HashMap<String, Arc<[u8]>>,
    problems: Vec<Diagnostic>,
    has_good_build: bool,
    /// Counts good builds, so late background work for an older one is dropped.
    generation: u64,
}

struct Shared {
    site: RwLock<Site>,
    reload: broadcast::Sender<Reload>,
}

/// What open pages are told after a build.
#[derive(Debug, Clone)]
enum Reload {
    /// Every open page reloads.
    Every,
    /// Only the open page with this path reloads (the print view, put
    /// together after the pages it shows were served).
    Page(&'static str),
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
  source.addEventListener("reload-page", function (event) {
    var name = window.location.pathname.split("/").pop() || "index.html";
    if (name === event.data) {
      window.location.reload();
    }
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

/// What the preview keeps between builds: the sources as last read and
/// what the pipeline remembers, so that a save re-reads only the files it
/// changed and makes again only the pages they change.
struct Session {
    root: PathBuf,
    authority: Option<String>,
    loaded: Option<Loaded>,
    memo: pipeline::PreviewMemo,
}

/// Sources and theme as last read, and the problems found reading them.
struct Loaded {
    sources: crate::load::Sources,
    theme: crate::theme::Theme,
    problems: Vec<Diagnostic>,
}

/// One build of the preview: its files, or the problems that stopped it.
struct Built {
    /// New or changed files, by path.
    files: Vec<(String, Vec<u8>)>,
    /// Paths of files that are as they were.
    unchanged: Vec<String>,
    /// Whether the sources were read afresh (pages may have gone).
    reloaded: bool,
    /// A new print view to put together once the files are served.
    print: Option<crate::render::PrintView>,
}

impl Session {
    fn new(root: PathBuf, authority: Option<String>) -> Self {
        Self {
            root,
            authority,
            loaded: None,
            memo: pipeline::PreviewMemo::default(),
        }
    }

    /// Builds the edition after `changed` files were saved (everything is
    /// read when `changed` is `None`, or the files cannot be re-read alone).
    fn build(&mut self, changed: Option<&[PathBuf]>) -> Result<Built, Vec<Diagnostic>> {
        let reloaded = match (&mut self.loaded, changed) {
            (Some(loaded), Some(changed)) if loaded.problems.is_empty() => {
                crate::load::reload(&mut loaded.sources, changed)
            }
            _ => None,
        };
        let incremental = reloaded.is_some();
        // Pages of which only the text changed can be made again on their own.
        let edited = reloaded.filter(|r| !r.more).map(|r| r.bodies);
        if !incremental {
            let diagnostics = crate::diagnostic::Diagnostics::new();
            let selection = crate::load::Selection::Only(self.authority.iter().cloned().collect());
            let sources = crate::load::load(&self.root, &selection, &diagnostics);
            let mut problems = Vec::new();
            let theme = crate::theme::Theme::load(&sources.root, &sources.theme_dir, &mut problems);
            diagnostics.extend(problems);
            let problems: Vec<Diagnostic> = diagnostics
                .into_sorted()
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            self.loaded = Some(Loaded {
                sources,
                theme,
                problems,
            });
            self.memo = pipeline::PreviewMemo::default();
        }
        let loaded = self.loaded.as_ref().expect("loaded above");
        let preview = pipeline::preview(
            &loaded.sources,
            &loaded.theme,
            self.authority.as_deref(),
            pipeline::today(),
            edited.as_deref(),
            &self.memo,
        );
        let mut problems = loaded.problems.clone();
        problems.extend(
            preview
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error),
        );
        if !problems.is_empty() {
            // The pages made were not served: make them all again next time.
            self.memo.forget_outputs();
            return Err(problems);
        }
        let mut files = Vec::with_capacity(preview.files.len());
        for file in preview.files {
            let bytes = match file.content {
                Content::Bytes(bytes) => bytes,
                Content::Copy(from) => std::fs::read(&from).map_err(|e| {
                    vec![Diagnostic::error(
                        "unreadable",
                        format!("cannot read {}: {e}", from.display()),
                    )]
                })?,
                made @ Content::Pieces(_) => made.bytes().unwrap_or_default().into_owned(),
            };
            files.push((file.path, bytes));
        }
        Ok(Built {
            files,
            unchanged: preview.unchanged,
            reloaded: !incremental,
            print: preview.print,
        })
    }
}

/// Work for the background thread after a build: pages whose search
/// entries to renew, and the whole site to check the links of.
struct Followup {
    /// The edition's name in messages: `model` or the authority's slug.
    edition: String,
    generation: u64,
    pages: Vec<(String, Arc<[u8]>)>,
    site: HashMap<String, Arc<[u8]>>,
    fresh_index: bool,
}

fn rebuild(
    shared: &Shared,
    session: &mut Session,
    changed: Option<&[PathBuf]>,
    followups: &std::sync::mpsc::Sender<Followup>,
) {
    let started = Instant::now();
    let result = session.build(changed);
    let mut site = shared.site.writing();
    let built = match result {
        Ok(built) => built,
        Err(problems) => {
            eprintln!("The build failed; still serving the last good pages:");
            for p in &problems {
                eprintln!("{p}");
            }
            site.problems = problems;
            drop(site);
            let _ = shared.reload.send(Reload::Every);
            return;
        }
    };
    let mut files = HashMap::with_capacity(built.unchanged.len() + built.files.len() + 64);
    let mut missing = false;
    for path in built.unchanged {
        match site.files.get(&path) {
            Some(bytes) => {
                files.insert(path, Arc::clone(bytes));
            }
            None => missing = true,
        }
    }
    // Pages made again come out the same when a change did not reach them
    // (a page's summary changes the fingerprint of every page, as any
    // template may show it): only those that differ are searched again.
    let mut pages = Vec::new();
    let mut changed = 0;
    for (path, bytes) in built.files {
        let bytes: Arc<[u8]> = match site.files.get(&path) {
            Some(old) if **old == *bytes => Arc::clone(old),
            _ => {
                changed += 1;
                let bytes: Arc<[u8]> = bytes.into();
                if path.ends_with(".html") {
                    pages.push((path.clone(), Arc::clone(&bytes)));
                }
                bytes
            }
        };
        files.insert(path, bytes);
    }
    if missing {
        // Should not happen; make everything again to be sure.
        session.memo.forget_outputs();
        drop(site);
        return rebuild(shared, session, None, followups);
    }
    // The search index stays until the background thread renews it.
    let prefix = format!("{}/", crate::search::INDEX_DIR);
    for (path, bytes) in &site.files {
        if path.starts_with(&prefix) {
            files.insert(path.clone(), Arc::clone(bytes));
        }
    }
    site.files = files;
    site.problems.clear();
    site.has_good_build = true;
    site.generation += 1;
    drop(site);
    eprintln!(
        "Rebuilt in {} ms ({changed} {} changed).",
        started.elapsed().as_millis(),
        if changed == 1 { "file" } else { "files" }
    );
    let _ = shared.reload.send(Reload::Every);
    if let Some(print) = built.print {
        // The print view shows every page: at thousands of pages it takes
        // longer to put together than the edited pages, so it follows them.
        let Some(whole) = print.make() else {
            session.memo.forget_outputs();
            return rebuild(shared, session, None, followups);
        };
        let mut site = shared.site.writing();
        site.files
            .insert(crate::render::PrintView::PATH.into(), whole.into());
        site.generation += 1;
        drop(site);
        let _ = shared
            .reload
            .send(Reload::Page(crate::render::PrintView::PATH));
    }
    let site = shared.site.reading();
    let _ = followups.send(Followup {
        edition: session
            .authority
            .clone()
            .unwrap_or_else(|| crate::overlay::MODEL_SLUG.to_string()),
        generation: site.generation,
        pages,
        site: site.files.clone(),
        fresh_index: built.reloaded,
    });
}

/// The background thread: renews the search index from the pages each build
/// changed, and checks the links of the latest build, after the pages are
/// already served. Work for a build that a newer one replaced is merged into
/// the newer one's.
fn follow_up(shared: &Shared, queue: std::sync::mpsc::Receiver<Followup>) {
    let mut index: Option<crate::search::LiveIndex> = None;
    while let Ok(mut job) = queue.recv() {
        let mut pages: HashMap<String, Arc<[u8]>> = job.pages.drain(..).collect();
        let mut fresh = job.fresh_index;
        while let Ok(newer) = queue.try_recv() {
            fresh |= newer.fresh_index;
            if newer.fresh_index {
                pages.clear();
            }
            pages.extend(newer.pages);
            job = Followup {
                pages: Vec::new(),
                ..newer
            };
        }
        let started = Instant::now();
        if fresh || index.is_none() {
            index = crate::search::LiveIndex::new().ok();
            // A new index reads every page of the site.
            pages = job
                .site
                .iter()
                .filter(|(p, _)| p.ends_with(".html"))
                .map(|(p, b)| (p.clone(), Arc::clone(b)))
                .collect();
        }
        // The served bytes themselves, shared, not copied.
        let as_output = |path: &String, bytes: &Arc<[u8]>| OutputFile {
            path: path.clone(),
            content: Content::Pieces(vec![Piece::shared(bytes, 0..bytes.len())]),
        };
        let mut changed: Vec<OutputFile> = pages.iter().map(|(p, b)| as_output(p, b)).collect();
        changed.sort_by(|a, b| a.path.cmp(&b.path));
        // With no page changed, the index being served is still right.
        let search = index.as_mut().filter(|_| !changed.is_empty()).map(|live| {
            live.add(&changed)?;
            live.files()
        });
        drop(changed);
        // The index files checked against: the new ones, or those served.
        let renewed = matches!(&search, Some(Ok(_)));
        let index_prefix = format!("{}/", crate::search::INDEX_DIR);
        let mut all: Vec<OutputFile> = job
            .site
            .iter()
            .filter(|(p, _)| !(renewed && p.starts_with(&index_prefix)))
            .map(|(p, b)| as_output(p, b))
            .collect();
        if let Some(Ok(search)) = &search {
            all.extend(search.iter().map(|f| OutputFile {
                path: f.path.clone(),
                content: Content::Bytes(Vec::new()),
            }));
        }
        let (broken, _) = crate::linkcheck::check(&job.edition, &all);
        drop(all);
        let mut site = shared.site.writing();
        if site.generation != job.generation {
            // A newer build is served; its own follow-up will come.
            continue;
        }
        let mut problems: Vec<Diagnostic> = broken;
        match search {
            Some(Ok(search)) => {
                let prefix = format!("{}/", crate::search::INDEX_DIR);
                site.files.retain(|p, _| !p.starts_with(&prefix));
                for f in search {
                    if let Content::Bytes(bytes) = f.content {
                        site.files.insert(f.path, bytes.into());
                    }
                }
            }
            Some(Err(d)) => problems.push(d),
            None => {}
        }
        eprintln!(
            "Search index and link check updated in {} ms.",
            started.elapsed().as_millis()
        );
        if !problems.is_empty() {
            site.problems = problems;
            drop(site);
            let _ = shared.reload.send(Reload::Every);
        }
    }
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
    let site = shared.site.reading();
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
        Some((path, bytes)) => respond(StatusCode::OK, mime(&path), bytes.to_vec()),
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

    /// Records the current stamps of `paths`; returns those that differ from before.
    fn changed<'a>(&mut self, paths: impl Iterator<Item = &'a Path>) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        for path in paths {
            let now = Self::stamp(path);
            if self.0.insert(path.to_path_buf(), now) != Some(now) {
                changed.push(path.to_path_buf());
            }
        }
        changed
    }
}

/// Watches the root's source folders; each batch of real changes calls
/// `on_change` with the files that changed.
fn watch(
    root: &Path,
    on_change: impl Fn(Vec<PathBuf>) + Send + Sync + 'static,
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
            let mut stamps = stamps.locked();
            let changed = stamps.changed(real.iter().map(|e| e.path.as_path()));
            if !changed.is_empty() {
                on_change(changed);
            }
        }
        Err(e) => eprintln!("warning: watching for changes failed: {e}"),
    };
    // A save is seen 15 ms after the editor's last write to the file.
    let config = Config::default()
        .with_timeout(Duration::from_millis(15))
        .with_batch_mode(false);
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
    let mut session = Session::new(options.root.clone(), options.authority.clone());
    let (followups, followup_queue) = std::sync::mpsc::channel::<Followup>();
    {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || follow_up(&shared, followup_queue));
    }
    rebuild(&shared, &mut session, None, &followups);
    runtime.block_on(async move {
        // Saves arrive on the watcher's thread; rebuilds run one at a time on their own thread.
        let (changed, queue) = std::sync::mpsc::channel::<Vec<PathBuf>>();
        let changed = std::sync::Mutex::new(changed);
        let _watcher = watch(&options.root, move |paths| {
            if let Ok(sender) = changed.lock() {
                let _ = sender.send(paths);
            }
        })?;
        {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                while let Ok(mut paths) = queue.recv() {
                    while let Ok(more) = queue.try_recv() {
                        paths.extend(more);
                    }
                    paths.sort();
                    paths.dedup();
                    rebuild(&shared, &mut session, Some(&paths), &followups);
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
