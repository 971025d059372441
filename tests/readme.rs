//! The README followed as a new user would, from installing `handbook` to
//! a built site: every command of every `sh` block, in order, in one copy
//! of the repository's handbook root, each expected to succeed.
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
//!   then stopped.
//!
//! `HOME` is a folder of the test's, so that lines writing under `~` write
//! there. A line that fails, or names a command or option that no longer
//! exists, fails the test with what it printed.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

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

/// What the test does with one README line.
enum Step {
    /// Run it with bash.
    Run(String),
    /// Start `handbook serve` with these arguments, then stop it.
    Serve(String),
    /// Not run, for the reason given at the top of this file.
    Skip,
}

fn step(line: &str) -> Step {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["cargo", "run", "--release", "--", rest @ ..] => {
            Step::Run(format!("handbook {}", rest.join(" ")))
        }
        ["cargo", "install", "--locked", "--path", ".", ..] => Step::Skip,
        ["cargo", "fmt" | "clippy" | "test", ..] | [".ci/run", ..] => Step::Skip,
        ["handbook", "serve", ..] => Step::Serve(line.to_string()),
        ["cargo", ..] => panic!("a README command this test does not know how to run: {line}"),
        _ => Step::Run(line.to_string()),
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
fn every_readme_command_works_in_order_from_install_to_a_built_site() {
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
    for line in sh_lines(&readme) {
        match step(&line) {
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
                    "README command `{command}` failed (exit {:?}):\n{}",
                    run.status.code(),
                    text(&run)
                );
            }
        }
        ran.push(line);
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
    assert!(root.join("public/index.html").is_file());
    assert!(root.join("public/exampleshire/step-3.html").is_file());
    assert!(root.join("exampleshire-site/index.html").is_file());
    assert!(root
        .join("council-handbook/public/north-exampleshire/index.html")
        .is_file());
    assert!(root.join("council-site/index.html").is_file());
    assert!(home.join(".local/share/man/man1/handbook.1").is_file());
    assert!(root.join("handbook.sarif").is_file());
}

#[test]
fn the_readme_lists_what_an_edition_contains() {
    let readme = read(repo().join("README.md"));
    // Pages are named by their ids (`step-3.html`), as the README says.
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
            readme.contains(&format!("`{name}`")) || readme.contains(&format!("`{name}/`"));
        if !listed && !page_files.contains(&name) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "files every edition has that the README does not name: {missing:?}"
    );
}
