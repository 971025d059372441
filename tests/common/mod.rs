//! Shared helpers for the integration tests: run the real `handbook` binary
//! on the shipped handbook or on a temporary copy of it.
#![allow(dead_code)]

pub mod files;
pub mod html;
pub mod schemas;
#[allow(unused_imports)] // not every test file reads pages
pub use html::{Html, Query};

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The date builds are judged against in tests, so review dates and stamps are stable.
pub const TODAY: &str = "2026-11-24";

/// The repository folder: the shipped handbook root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `handbook` with arguments, without colour, with a fixed "today".
pub fn handbook(args: &[&str]) -> Output {
    handbook_in(&repo(), args)
}

/// The `handbook` command in a working folder, without colour, with a fixed "today".
pub fn handbook_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handbook"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HANDBOOK_TODAY", TODAY);
    command
}

/// Runs `handbook` in a working folder.
pub fn handbook_in(dir: &Path, args: &[&str]) -> Output {
    handbook_command(dir, args)
        .output()
        .expect("the handbook binary runs")
}

/// Standard error and output of a run, as one text.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Asserts a run succeeded, showing what it printed if not.
pub fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "handbook failed:\n{}",
        text(output)
    );
}

/// Asserts a run failed cleanly: exit code 1, no panic.
pub fn assert_fails(output: &Output) {
    let all = text(output);
    assert_eq!(output.status.code(), Some(1), "expected exit 1:\n{all}");
    assert!(!all.contains("panicked"), "handbook panicked:\n{all}");
}

/// Runs `check` on every case of a table, each named by `name`, and fails
/// once all have run, naming every case that failed with what it said: a
/// table of cases reads as one scenario with its inputs and expectations
/// set out, and still says which case broke.
pub fn each_case<C>(cases: &[C], name: impl Fn(&C) -> &str, check: impl Fn(&C)) {
    let mut failed = Vec::new();
    for case in cases {
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(case)));
        if let Err(payload) = ran {
            let said = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            failed.push(format!("case “{}”: {said}", name(case)));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n\n")
    );
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of the shipped handbook root (content, themes, local overrides).
pub fn copy_of_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "themes", "local-overrides"] {
        copy_dir(&repo().join(part), &dir.path().join(part));
    }
    dir
}

/// A temporary copy of the shipped model and theme only (no authorities).
pub fn copy_of_model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "themes"] {
        copy_dir(&repo().join(part), &dir.path().join(part));
    }
    dir
}

/// Writes a file under a root, creating folders.
pub fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The shipped handbook built once per test binary; returns the output folder.
pub fn shipped_build() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let run = handbook(&["build", "--out", out.to_str().unwrap()]);
        assert_ok(&run);
        (dir, out)
    });
    out
}

/// Every file under a folder, by relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A built file's text.
pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Whether a council's file is a translation of another (`step-1-local.cy.md`
/// beside `step-1-local.md`): its name has a language tag before `.md`.
pub fn is_translation(path: &Path) -> bool {
    path.file_stem()
        .and_then(|stem| Path::new(stem).extension())
        .is_some()
}

/// Every HTML file under a folder, sorted.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    files_ending(dir, "html")
}

/// Every file under a folder whose name has the extension `extension`, sorted.
pub fn files_ending(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == extension))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Text with tags removed and whitespace collapsed, for "a reader sees" checks.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A running `handbook serve` on a free port, stopped when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// What it has written to standard error so far, line by line.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Waits up to 60 seconds for the server to write a line containing
    /// `text` after its first `after` lines; returns how many lines it has
    /// written by then, or `None` if it never did.
    pub fn wait_for_line(&self, text: &str, after: usize) -> Option<usize> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            {
                let log = self.log.lock().unwrap();
                if log.iter().skip(after).any(|l| l.contains(text)) {
                    return Some(log.len());
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// How many lines it has written to standard error.
    pub fn lines(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    /// The lines it has written to standard error after its first `after`.
    pub fn log_after(&self, after: usize) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .skip(after)
            .cloned()
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(root: &std::path::Path, extra: &[&str]) -> Server {
    let mut args = vec!["serve", "--port", "0"];
    args.extend_from_slice(extra);
    let mut child = handbook_command(root, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    {
        let log = std::sync::Arc::clone(&log);
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log.lock().unwrap().push(line);
            }
        });
    }
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(
        address.starts_with("127.0.0.1:"),
        "serve must listen on 127.0.0.1 by default, said {line:?}"
    );
    Server {
        child,
        address,
        log,
    }
}

/// GETs a path; returns the status code and body.
pub fn get(server: &Server, path: &str) -> (u16, String) {
    let (status, body) = get_bytes(server, path);
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// GETs a path; returns the status code and the body's bytes.
pub fn get_bytes(server: &Server, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let head_end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..head_end]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.get(head_end + 4..).unwrap_or_default().to_vec();
    (status, body)
}

/// Polls a served page until `ok` holds for its body, or 20 seconds pass;
/// returns the last body.
pub fn served(server: &Server, path: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let (_, body) = get(server, path);
        if ok(&body) || started.elapsed() > Duration::from_secs(20) {
            return body;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The preview's live-reload script, which it adds to every HTML page it serves.
const LIVE_SCRIPT: &str = "<script src=\"/__handbook/live.js\"></script>";

/// The list of warnings the preview puts at the top of a page while the
/// edition has any, from its stylesheet to the end of the list.
const WARNINGS_START: &str =
    "<link rel=\"stylesheet\" href=\"/__handbook/live.css\"><aside class=\"hb-warnings\"";

/// A served page without the preview's list of warnings, if it has one.
pub fn without_warnings(page: &str) -> String {
    match page.split_once(WARNINGS_START) {
        Some((before, rest)) => match rest.split_once("</aside>") {
            Some((_, after)) => format!("{before}{after}"),
            None => page.to_string(),
        },
        None => page.to_string(),
    }
}

/// A file as the server serves it, HTML without the live-reload script
/// and the list of warnings; `None` if it is not served.
fn served_as_built(server: &Server, path: &str) -> Option<Vec<u8>> {
    let (status, body) = get_bytes(server, &format!("/{path}"));
    if status != 200 {
        return None;
    }
    if !path.ends_with(".html") {
        return Some(body);
    }
    let text = String::from_utf8(body).ok()?;
    Some(without_warnings(&text.replacen(LIVE_SCRIPT, "", 1)).into_bytes())
}

/// Asserts that the server serves every file of the build in `out`, byte
/// for byte as the build wrote it (HTML pages but for the live-reload
/// script), leaving out the search index folder (a `--no-search` build has
/// none). What the preview makes after the pages (the print view) is waited
/// for, up to 20 seconds; then every file that differs is named.
pub fn assert_served_as_built(server: &Server, out: &Path) {
    let index = Path::new("pagefind");
    let built: Vec<(String, Vec<u8>)> = snapshot(out)
        .into_iter()
        .filter(|(path, _)| !path.starts_with(index))
        .map(|(path, bytes)| (path.to_string_lossy().replace('\\', "/"), bytes))
        .collect();
    assert!(
        built.iter().filter(|(p, _)| p.ends_with(".html")).count() > 3,
        "the build wrote no pages"
    );
    let started = Instant::now();
    loop {
        let differing: Vec<&str> = built
            .iter()
            .filter(|(path, bytes)| served_as_built(server, path).as_ref() != Some(bytes))
            .map(|(path, _)| path.as_str())
            .collect();
        if differing.is_empty() {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "served differently from a fresh build, or not served: {}",
            differing.join(", ")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs the `git` program in `root` with a fixed author and, when `date`
/// is given, a fixed commit and tag date.
pub fn git(root: &Path, args: &[&str], date: Option<&str>) {
    let mut command = Command::new("git");
    command
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root);
    if let Some(date) = date {
        command
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_DATE", date);
    }
    let output = command.output().expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", text(&output));
}

/// Commits every change in `root` at `date`.
pub fn commit(root: &Path, message: &str, date: &str) {
    git(root, &["add", "-A"], None);
    git(root, &["commit", "-q", "-m", message], Some(date));
}

/// A temporary copy of the small handbook (`tests/fixtures/small-handbook`):
/// four short pages written for the tests (`start`, `visits`, `plans`,
/// `reviews`), with no theme of its own and no authority, for behaviour
/// tests that must not depend on the model guidance's wording. Each page's
/// title is on line 3 of its file.
pub fn small_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/small-handbook"), dir.path());
    dir
}

/// The Markdown feature page (`tests/fixtures/features.md`: every construct
/// the renderer supports) built into a copy of the shipped root: as a model
/// page of its own (`features`) and, in Exampleshire's edition, as the text
/// of an override with each action that adds text (replace on step 1,
/// append on step 2, prepend on step 3, insert-before on step 4,
/// insert-after on step 5, note on step 6). Its image is in the theme's
/// `static/` folder.
pub fn feature_root() -> tempfile::TempDir {
    let root = copy_of_shipped();
    let body = read(repo().join("tests/fixtures/features.md"));
    write(
        root.path(),
        "content/features.md",
        &format!("---\nid: features\ntitle: Every Markdown feature\nweight: 95\n---\n{body}"),
    );
    std::fs::copy(
        repo().join("tests/fixtures/plan.png"),
        root.path().join("themes/default/static/plan.png"),
    )
    .unwrap();
    let actions = [
        ("replace", "step-1"),
        ("append", "step-2"),
        ("prepend", "step-3"),
        ("insert-before", "step-4"),
        ("insert-after", "step-5"),
        ("note", "step-6"),
    ];
    for (action, page) in actions {
        let heading = if action == "replace" {
            "## The social work role {#social-work-role}\n\n"
        } else {
            ""
        };
        write(
            root.path(),
            &format!("local-overrides/exampleshire/overrides/features-{action}.md"),
            &format!("---\ntarget: {page}#social-work-role\naction: {action}\nreason: \"Every Markdown feature, as a council writes it.\"\n---\n{heading}{body}"),
        );
    }
    root
}

/// Every page fragment of a Pagefind index folder (gzipped JSON, after
/// Pagefind's marker), as JSON values with `url` and `content`.
pub fn index_fragments(index: &Path) -> Vec<serde_json::Value> {
    let mut found = Vec::new();
    for file in std::fs::read_dir(index.join("fragment")).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut json)
            .unwrap();
        let json = String::from_utf8_lossy(&json);
        found.push(serde_json::from_str(json.trim_start_matches("pagefind_dcd")).unwrap());
    }
    found
}

/// A root in git, its files committed on 12 January 2026 by a policy lead,
/// with the model's release 1.0 tagged an hour later.
pub fn with_model_release(root: &Path) {
    with_first_release(root, "model", "First published version.");
}

/// A root in git, its files committed on 12 January 2026 by a policy lead,
/// with release 1.0 of `edition` tagged an hour later with `note`.
pub fn with_first_release(root: &Path, edition: &str, note: &str) {
    git(root, &["init", "-q", "-b", "main"], None);
    git(root, &["config", "user.name", "Policy Lead"], None);
    git(root, &["config", "user.email", "policy@example.org"], None);
    commit(root, "The shipped handbook", "2026-01-12T09:00:00+00:00");
    let tag = format!("handbook/{edition}/1.0");
    git(
        root,
        &["tag", "-a", &tag, "-m", note],
        Some("2026-01-12T10:00:00+00:00"),
    );
}

/// The council `init_council` makes: North Exampleshire (fictional).
pub const INIT_SLUG: &str = "north-exampleshire";

/// Runs `handbook init FOLDER --authority SLUG --name NAME --jurisdiction J`
/// in `dir`, with `extra` arguments after them.
pub fn init_in(
    dir: &Path,
    [folder, slug, name, jurisdiction]: [&str; 4],
    extra: &[&str],
) -> Output {
    let mut args = vec![
        "init",
        folder,
        "--authority",
        slug,
        "--name",
        name,
        "--jurisdiction",
        jurisdiction,
    ];
    args.extend_from_slice(extra);
    handbook_in(dir, &args)
}

/// A fresh root for North Exampleshire Council (`INIT_SLUG`) in
/// `jurisdiction`, made by `init` (with `extra` arguments) in
/// `dir/council-handbook`, which it returns; the run must succeed.
pub fn init_council(dir: &Path, jurisdiction: &str, extra: &[&str]) -> (PathBuf, Output) {
    std::fs::create_dir_all(dir).unwrap();
    let names = [
        "council-handbook",
        INIT_SLUG,
        "North Exampleshire Council",
        jurisdiction,
    ];
    let run = init_in(dir, names, extra);
    assert_ok(&run);
    (dir.join("council-handbook"), run)
}

/// Builds the edition `slug` alone into `ROOT/out` (with `extra`
/// arguments, such as `--no-search`), which must succeed; returns `ROOT/out`.
pub fn built_edition(root: &Path, slug: &str, extra: &[&str]) -> PathBuf {
    let out = root.join("out");
    let mut args = vec!["build", "--authority", slug, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    assert_ok(&handbook_in(root, &args));
    out
}
