//! `handbook serve`: a preview of one edition on this computer that
//! rebuilds as files are saved and reloads the open pages.
//!
//! Split by job: `session` builds the edition through `pipeline::Preview`
//! (the same stages and renderer as `build`) and swaps the new files in;
//! `follow_up` checks links and renews the search index in the background,
//! after the pages are served, through the checks `build` makes of a site
//! (`pipeline::check_made`), so a problem is reported where `build`
//! reports it; `watch` turns file-system events into saves; `routes`
//! answers HTTP requests from memory, adding the reload script, the
//! problems after a failed save, and the warnings of the build served.
//!
//! Files are served from memory; nothing is written to disk. A save is
//! served in this order: the pages it changed, then the print view, then
//! the search index and the link check's findings.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tokio::sync::broadcast;

use crate::support::diagnostic::Diagnostic;

mod follow_up;
mod routes;
mod session;
mod watch;

pub use routes::request_path;

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

/// The pages being served, the problems of the latest build if it failed,
/// and the warnings of the build being served.
#[derive(Debug, Default)]
struct Site {
    files: HashMap<String, Arc<[u8]>>,
    problems: Vec<Diagnostic>,
    /// The warnings the build being served found in the sources, as
    /// `check` reports them.
    warnings: Vec<Diagnostic>,
    has_good_build: bool,
    /// Whether the latest save failed to build, so that the pages served
    /// are from an earlier one.
    save_failed: bool,
    /// Counts good builds, so late background work for an older one is dropped.
    generation: u64,
}

/// What the server's threads share.
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

/// Runs the preview server until interrupted. `Err` says why it could not
/// start or stopped.
pub fn serve(mut options: Options) -> Result<(), String> {
    // Saves are reported with whole paths: the root must be one too.
    options.root = options.root.canonicalize().map_err(|e| {
        format!(
            "cannot open the handbook folder {}: {e}",
            options.root.display()
        )
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let (reload, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        site: RwLock::new(Site::default()),
        reload,
    });
    // Builds run outside the server's runtime: the search indexer starts its own.
    let saves = session::start(
        Arc::clone(&shared),
        options.root.clone(),
        options.authority.clone(),
    );
    runtime.block_on(async move {
        watch::watch(&options.root, move |paths| {
            if let Ok(sender) = saves.lock() {
                let _ = sender.send(paths);
            }
        })?;
        let address = SocketAddr::new(options.bind, options.port);
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
            format!("cannot listen on {address}: {e}\n  hint: choose another port with --port")
        })?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "Serving the {} edition at http://{local}/ (press Ctrl+C to stop).",
            options.authority.as_deref().unwrap_or("model")
        );
        axum::serve(listener, routes::router(shared))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("the server stopped: {e}"))
    })
}

/// Prints `problems` under `header`, unless they are those `printed` last
/// (kept in it), so that a problem is printed once, not after every save
/// while it stays.
fn print_new(header: &str, problems: &[Diagnostic], printed: &mut Vec<String>) {
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if shown != *printed && !shown.is_empty() {
        eprintln!("{header}");
        for p in &shown {
            eprintln!("{p}");
        }
    }
    *printed = shown;
}
