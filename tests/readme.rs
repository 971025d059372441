//! The README and the guide (`docs/`) followed as a new user would, from
//! installing `handbook` to a built and served site: every command of every
//! `sh` block, in reading order (the README, then `docs/README.md` and each
//! chapter of `docs/` in the order that index lists them), in one copy of
//! the repository's handbook root, each expected to succeed.
//!
//! Stand-ins, each because the real command cannot run inside a test:
//! - `cargo install --locked --path .` is what built the test binary: the
//!   test puts that binary on `PATH` as `handbook` instead, and checks that
//!   the README still says how to install it;
//! - `cargo run --release -- ARGS` runs the same program: `handbook ARGS`;
//! - `cargo fmt`, `cargo clippy` and `cargo test` are the development checks
//!   that `.ci/run`, which runs this test, runs itself; they are skipped,
//!   and so is `.ci/run`;
//! - `handbook serve` runs until stopped: it is started on a free port
//!   (`--port 0`, as 8000 may be taken), must say where it serves, and is
//!   then stopped;
//! - a folder under `/var/` (a web server's folder, a cache beside it) is
//!   made under the test's own folder instead.
//!
//! `HOME` is a folder of the test's, so that lines writing under `~` write
//! there. A line that fails, or names a command or option that no longer
//! exists, fails the test with what it printed.
//!
//! The other tests here keep the README short and every relative link of
//! the README, the guide, CONTRIBUTING.md, ARCHITECTURE.md and
//! bench/README.md leading to a file (and heading) that exists.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

/// The most the README may weigh, in bytes: a landing page, not the manual.
const README_LIMIT: usize = 8 * 1024;

/// The chapter that lists what an edition holds.
const EDITION_CHAPTER: &str = "docs/web-teams.md";

/// The lines of every fenced `sh` block, in order, with `\` continuations joined.
fn sh_lines(readme: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in readme.lines() {
        let fence = line.trim_start();
        if fence.starts_with("```") {
            in_sh = !in_sh && fence.trim_start_matches('`').trim() == "sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if let Some(start) = line.strip_suffix('\\') {
            pending.push_str(start);
            continue;
        }
        pending.push_str(line);
        if !pending.trim().is_empty() {
            lines.push(std::mem::take(&mut pending));
        }
        pending.clear();
    }
    lines
}

/// A Markdown file's text with its fenced code blocks left out, line for line
/// (a fenced line becomes an empty one).
fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<&str> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m))
                if open == m && trimmed.trim_start_matches(m).trim().is_empty() =>
            {
                fence = None
            }
            (None, None) => out.push_str(line),
            _ => {}
        }
        out.push('\n');
    }
    out
}

/// Text with its inline code spans (`` `…` ``, ``` ``…`` ```) left out.
fn without_code_spans(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let run = backticks(&rest[start..]);
        let after = &rest[start + run..];
        match closing(after, run) {
            Some(end) => rest = &after[end..],
            None => {
                out.push_str(&rest[start..start + run]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// How many backticks `text` starts with.
fn backticks(text: &str) -> usize {
    text.len() - text.trim_start_matches('`').len()
}

/// Where a code span opened by `run` backticks ends in `text`: just after
/// the next run of exactly as many.
fn closing(text: &str, run: usize) -> Option<usize> {
    let mut at = 0;
    while let Some(found) = text[at..].find('`') {
        let start = at + found;
        let len = backticks(&text[start..]);
        if len == run {
            return Some(start + len);
        }
        at = start + len;
    }
    None
}

/// The targets of a Markdown file's links and images (`[text](target)`, and
/// reference definitions `[name]: target`), outside code.
fn link_targets(markdown: &str) -> Vec<String> {
    let text = without_code_spans(&prose(markdown));
    let mut targets = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after
            .find(|c: char| c == ')' || c.is_whitespace())
            .unwrap_or(after.len());
        let target = after[..end].trim_start_matches('<').trim_end_matches('>');
        if !target.is_empty() {
            targets.push(target.to_string());
        }
        rest = &after[end..];
    }
    for line in text.lines() {
        let line = line.trim_start();
        if let Some((label, target)) = line.strip_prefix('[').and_then(|l| l.split_once("]:")) {
            if !label.contains(']') {
                if let Some(target) = target.split_whitespace().next() {
                    targets.push(target.to_string());
                }
            }
        }
    }
    targets
}

/// Whether a link leads out of the repository (a web address, an email).
fn is_external(target: &str) -> bool {
    let scheme = target.split(['/', '#', '?']).next().unwrap_or("");
    scheme.contains(':')
}

/// The anchors of a Markdown file's headings, as GitHub makes them: lower
/// case, punctuation dropped, spaces as hyphens, a repeat numbered `-1`, `-2`.
fn heading_anchors(markdown: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    for line in prose(markdown).lines() {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let slug: String = heading
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut anchor = slug.clone();
        let mut n = 0;
        while anchors.contains(&anchor) {
            n += 1;
            anchor = format!("{slug}-{n}");
        }
        anchors.insert(anchor);
    }
    anchors
}

/// `base/target` with `.` and `..` taken out, as a path inside the repository.
fn resolve(base: &Path, target: &str) -> PathBuf {
    let mut path = PathBuf::new();
    for part in base.join(target).components() {
        match part {
            Component::ParentDir => {
                if !path.pop() {
                    // Above the repository: kept, so that it is reported.
                    path.push("..");
                }
            }
            Component::CurDir => {}
            other => path.push(other),
        }
    }
    path
}

/// The guide in reading order, as paths inside the repository: the README,
/// the guide's index, then each chapter of `docs/` that the index links to,
/// in the order it first does.
fn reading_order() -> Vec<PathBuf> {
    let index = PathBuf::from("docs/README.md");
    let mut order = vec![PathBuf::from("README.md"), index.clone()];
    for target in link_targets(&read(repo().join(&index))) {
        if is_external(&target) {
            continue;
        }
        let file = target.split('#').next().unwrap_or("");
        let path = resolve(Path::new("docs"), file);
        if path.starts_with("docs")
            && path.extension().is_some_and(|e| e == "md")
            && !order.contains(&path)
        {
            order.push(path);
        }
    }
    order
}

/// What the test does with one line of a `sh` block.
enum Step {
    /// Run it with bash.
    Run(String),
    /// Start `handbook serve` with these arguments, then stop it.
    Serve(String),
    /// Not run, for the reason given at the top of this file.
    Skip,
}

fn step(line: &str, work: &Path) -> Step {
    let words: Vec<&str> = line.split_whitespace().collect();
    let line = line.replace(" /var/", &format!(" {}/var/", work.display()));
    match words.as_slice() {
        ["cargo", "run", "--release", "--", rest @ ..] => {
            Step::Run(format!("handbook {}", rest.join(" ")))
        }
        ["cargo", "install", "--locked", "--path", ".", ..] => Step::Skip,
        ["cargo", "fmt" | "clippy" | "test", ..] | [".ci/run", ..] => Step::Skip,
        ["handbook", "serve", ..] => Step::Serve(line),
        ["cargo", ..] => panic!("a guide command this test does not know how to run: {line}"),
        _ => Step::Run(line),
    }
}

/// A folder holding `handbook`: the binary under test.
fn bin_dir(under: &Path) -> PathBuf {
    let dir = under.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_handbook"), dir.join("handbook")).unwrap();
    dir
}

fn serve(line: &str, dir: &Path, path: &str, home: &Path) {
    let command = line.split(" #").next().unwrap_or(line).trim();
    let mut child = Command::new("bash")
        .args(["-c", &format!("exec {command} --port 0")])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env("HANDBOOK_TODAY", TODAY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("Serving the ") && first.contains("http://127.0.0.1:"),
        "`{line}` printed {first:?}"
    );
}

#[test]
fn every_guide_command_works_in_reading_order_from_install_to_a_built_site() {
    let readme = read(repo().join("README.md"));
    assert!(
        readme.contains("cargo install --locked --path ."),
        "the README says how to install handbook"
    );
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("handbook");
    for part in ["content", "themes", "local-overrides", "schemas", ".vscode"] {
        copy_dir(&repo().join(part), &root.join(part));
    }
    let home = work.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let path = format!(
        "{}:{}",
        bin_dir(work.path()).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = Vec::new();
    for file in reading_order() {
        for line in sh_lines(&read(repo().join(&file))) {
            match step(&line, work.path()) {
                Step::Skip => continue,
                Step::Serve(line) => serve(&line, &root, &path, &home),
                Step::Run(command) => {
                    let run = Command::new("bash")
                        .args(["-c", &format!("set -euo pipefail\n{command}")])
                        .current_dir(&root)
                        .env("PATH", &path)
                        .env("HOME", &home)
                        .env("NO_COLOR", "1")
                        .env("HANDBOOK_TODAY", TODAY)
                        .output()
                        .unwrap();
                    assert!(
                        run.status.success(),
                        "{}: command `{command}` failed (exit {:?}):\n{}",
                        file.display(),
                        run.status.code(),
                        text(&run)
                    );
                }
            }
            ran.push(line);
        }
    }
    // From install to a built site, and a council's own root built too.
    assert!(
        ran.iter().any(|l| l.starts_with("handbook --version")),
        "{ran:#?}"
    );
    assert!(
        ran.iter().any(|l| l.starts_with("handbook init ")),
        "{ran:#?}"
    );
    assert!(
        ran.iter().any(|l| l.starts_with("handbook accept ")),
        "{ran:#?}"
    );
    assert!(root.join("public/index.html").is_file());
    assert!(root.join("public/exampleshire/step-3.html").is_file());
    assert!(root.join("exampleshire-site/index.html").is_file());
    assert!(root
        .join("council-handbook/public/north-exampleshire/index.html")
        .is_file());
    assert!(root
        .join("council-handbook/local-overrides/south-exampleshire/authority.yaml")
        .is_file());
    assert!(root.join("council-site/index.html").is_file());
    assert!(root.join("cwm-derwen-site/cy/index.html").is_file());
    assert!(home.join(".local/share/man/man1/handbook.1").is_file());
    assert!(root.join("handbook.sarif").is_file());
    // Served from a web server's folder, with the build cache kept out of it.
    let web = work.path().join("var/www/intranet/guidance");
    assert!(web.join("adults/index.html").is_file());
    assert!(!web.join(".handbook-cache").exists());
    assert!(work.path().join("var/cache/handbook").is_dir());
}

#[test]
fn the_guide_is_read_in_the_order_of_its_index_and_has_every_chapter() {
    let order = reading_order();
    assert_eq!(order[0], Path::new("README.md"));
    assert_eq!(order[1], Path::new("docs/README.md"));
    let mut unlisted = Vec::new();
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let chapter = Path::new("docs").join(&name);
        if name.ends_with(".md") && !order.contains(&chapter) {
            unlisted.push(name);
        }
    }
    assert!(
        unlisted.is_empty(),
        "chapters of docs/ that docs/README.md does not list, so their commands would never be run: {unlisted:?}"
    );
    assert!(order.contains(&PathBuf::from(EDITION_CHAPTER)), "{order:?}");
}

#[test]
fn the_readme_is_a_landing_page_of_at_most_8_kb() {
    let size = std::fs::metadata(repo().join("README.md")).unwrap().len() as usize;
    assert!(
        size <= README_LIMIT,
        "README.md is {size} bytes, more than {README_LIMIT}: move the detail into a chapter of docs/"
    );
}

#[test]
fn every_relative_link_of_the_readme_and_the_guide_leads_to_a_file_that_exists() {
    let mut files = vec![
        PathBuf::from("README.md"),
        PathBuf::from("CONTRIBUTING.md"),
        PathBuf::from("ARCHITECTURE.md"),
        PathBuf::from("bench/README.md"),
    ];
    for entry in walkdir::WalkDir::new(repo().join("docs")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.path().strip_prefix(repo()).unwrap().to_path_buf());
        }
    }
    let mut broken = Vec::new();
    let mut links = 0;
    for file in &files {
        let text = read(repo().join(file));
        let dir = file.parent().unwrap_or(Path::new(""));
        for target in link_targets(&text) {
            if is_external(&target) {
                continue;
            }
            links += 1;
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let linked = if path.is_empty() {
                file.clone()
            } else {
                resolve(dir, path)
            };
            if linked.starts_with("..") || !repo().join(&linked).exists() {
                broken.push(format!(
                    "{}: {target} (no file {})",
                    file.display(),
                    linked.display()
                ));
                continue;
            }
            if let Some(anchor) = anchor {
                let is_markdown = linked.extension().is_some_and(|e| e == "md");
                if is_markdown && !heading_anchors(&read(repo().join(&linked))).contains(anchor) {
                    broken.push(format!(
                        "{}: {target} (no heading `{anchor}` in {})",
                        file.display(),
                        linked.display()
                    ));
                }
            }
        }
    }
    assert!(links > 50, "the links were not found: {links}");
    assert!(
        broken.is_empty(),
        "links that lead nowhere:\n{}",
        broken.join("\n")
    );
}

#[test]
fn links_are_read_as_a_reader_sees_them() {
    let text =
        "See [Pages](pages.md#a-page), ![a plan](assets/plan.png) and `[not a link](code.md)`.\n\
                ```markdown\n[also not](fenced.md)\n```\n\
                [name]: reference.md\n\
                [out](https://example.org/x) ``a `[b](c.md)` d``";
    assert_eq!(
        link_targets(text),
        [
            "pages.md#a-page",
            "assets/plan.png",
            "https://example.org/x",
            "reference.md"
        ]
    );
    let anchors = heading_anchors(
        "# Start your council's handbook\n## `handbook accept` and --all\n## Notes\n## Notes\n\
         ```\n# not a heading\n```\n",
    );
    let expected: BTreeSet<String> = [
        "start-your-councils-handbook",
        "handbook-accept-and---all",
        "notes",
        "notes-1",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(anchors, expected);
    assert_eq!(
        resolve(Path::new("docs"), "../themes/default/README.md"),
        Path::new("themes/default/README.md")
    );
    assert!(is_external("mailto:someone@example.org"));
    assert!(!is_external("docs/deploy.md#nginx"));
}

#[test]
fn the_guide_lists_what_an_edition_contains() {
    let chapter = read(repo().join(EDITION_CHAPTER));
    // Pages are named by their ids (`step-3.html`), as the guide says.
    let mut page_files = Vec::new();
    for dir in ["content", "local-overrides/exampleshire/pages"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let text = read(entry.unwrap().path());
            if let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")) {
                page_files.push(format!("{}.html", id.trim()));
            }
        }
    }
    let out = shipped_build().join("exampleshire");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let listed =
            chapter.contains(&format!("`{name}`")) || chapter.contains(&format!("`{name}/`"));
        if !listed && !page_files.contains(&name) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "files every edition has that {EDITION_CHAPTER} does not name: {missing:?}"
    );
}
