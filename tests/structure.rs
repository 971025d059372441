//! The shape of the code, checked from its text: no two modules of `src/`
//! import each other (directly or through others), and no function is
//! longer than a maintainer can read in one go.
//!
//! A module is a top-level module of the library: `src/load.rs`, or a
//! folder such as `src/render/` with everything in it. A reference is a
//! `use crate::X` (with `crate::{X, Y::Z}` groups) or a `crate::X::` path
//! anywhere in code; comments are left out.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest function allowed, in lines from `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 120;

/// Every `.rs` file under `src/`, sorted.
fn source_files() -> Vec<PathBuf> {
    common::files_ending(&common::repo().join("src"), "rs")
}

/// The path of a file under `src/`, with `/` separators.
fn shown(file: &Path) -> String {
    let src = common::repo().join("src");
    let relative = file.strip_prefix(&src).unwrap_or(file);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    format!("src/{}", parts.join("/"))
}

/// The top-level module a file belongs to: `src/render/cache.rs` is in `render`.
fn module_of(shown: &str) -> String {
    let relative = shown.trim_start_matches("src/");
    let first = relative.split('/').next().unwrap_or(relative);
    first.trim_end_matches(".rs").to_string()
}

/// The file's lines without comments (`//`, `///`, `//!` to the end of the
/// line, outside string literals).
fn code_lines(text: &str) -> Vec<String> {
    text.lines().map(strip_comment).collect()
}

fn strip_comment(line: &str) -> String {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' && !is_char_literal(bytes, i) {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            return line[..i].to_string();
        }
    }
    line.to_string()
}

/// Whether the `"` at `i` is the character literal `'"'`.
fn is_char_literal(bytes: &[u8], i: usize) -> bool {
    i > 0 && bytes[i - 1] == b'\'' && bytes.get(i + 1) == Some(&b'\'')
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first identifier of `text`.
fn ident(text: &str) -> &str {
    let end = text.find(|c: char| !is_ident(c)).unwrap_or(text.len());
    &text[..end]
}

/// The top-level names of a `{a, b::c, d::{e, f}}` group starting at `text`
/// (just after its `{`).
fn group_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut entry_start = true;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => entry_start = true,
            c if entry_start && is_ident(c) && depth == 0 => {
                names.push(ident(&text[i..]).to_string());
                entry_start = false;
            }
            _ => {}
        }
    }
    names
}

/// The top-level modules named after `crate::` in `code`.
fn crate_references(code: &str) -> BTreeSet<String> {
    references_after(code, "crate::")
}

/// The names that follow `prefix` (`crate::`, `super::`) in `code`: a
/// path's next segment, or each name of a `{…}` group.
fn references_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| is_ident(c) || c == '$') {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            found.extend(group_names(group));
        } else if !ident(rest).is_empty() {
            found.insert(ident(rest).to_string());
        }
    }
    found.retain(|name| name != "self");
    found
}

/// Which top-level modules each top-level module refers to (itself left out).
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = source_files();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&shown(f))).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(&shown(file));
        let text = std::fs::read_to_string(file).unwrap();
        let code = code_lines(&text).join("\n");
        let uses = graph.entry(module.clone()).or_default();
        for name in crate_references(&code) {
            if name != module && modules.contains(&name) {
                uses.insert(name);
            }
        }
    }
    graph
}

/// Which files of each folder module refer to which others of the same
/// folder (through `super::`), by `folder/file`; `mod.rs` is the folder's
/// own module, which its files may use.
fn folder_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<(String, String, PathBuf)> = source_files()
        .into_iter()
        .filter_map(|f| {
            let shown = shown(&f);
            let (folder, name) = shown.trim_start_matches("src/").rsplit_once('/')?;
            let stem = name.trim_end_matches(".rs");
            (stem != "mod").then(|| (folder.to_string(), stem.to_string(), f.clone()))
        })
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (folder, stem, file) in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let code = code_lines(&text).join("\n");
        let uses = graph.entry(format!("{folder}/{stem}")).or_default();
        for name in references_after(&code, "super::") {
            let sibling = files.iter().any(|(f, s, _)| f == folder && *s == name);
            if sibling && name != *stem {
                uses.insert(format!("{folder}/{name}"));
            }
        }
    }
    graph
}

/// Every cycle met by a walk of the graph, each as `a → b → … → a`.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            found.push(cycle.join(" → "));
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

/// The name of the function a line declares, if it declares one.
fn declared_function(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    loop {
        let before = rest;
        for prefix in ["pub ", "const ", "async ", "unsafe ", "default "] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        if let Some(after) = rest.strip_prefix("pub(") {
            rest = after.split_once(") ").map_or(rest, |(_, r)| r);
        }
        if rest == before {
            break;
        }
    }
    let name = ident(rest.strip_prefix("fn ")?);
    (!name.is_empty()).then_some(name)
}

/// Functions longer than the limit in one file: `path:line name (N lines)`.
fn long_functions(path: &str, lines: &[String]) -> Vec<String> {
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = declared_function(line) else {
            continue;
        };
        let indent = &line[..line.len() - line.trim_start().len()];
        let closing = format!("{indent}}}");
        let mut end = None;
        for (j, later) in lines.iter().enumerate().skip(i) {
            let opens = later.matches('{').count();
            let closes = later.matches('}').count();
            if j == i && opens > 0 && opens == closes {
                end = Some(j);
                break;
            }
            if later.trim_end() == closing {
                end = Some(j);
                break;
            }
            if later.trim_end().ends_with(';') && lines[i..=j].iter().all(|l| !l.contains('{')) {
                break;
            }
        }
        let Some(end) = end else {
            continue;
        };
        let length = end - i + 1;
        if length > MAX_FUNCTION_LINES {
            long.push(format!("{path}:{} {name} ({length} lines)", i + 1));
        }
    }
    long
}

/// Fails, naming `what` and each loop, when `graph` has a cycle; first
/// checks that the graph was read at all: that `from` uses `to`.
fn assert_no_cycles(
    graph: &BTreeMap<String, BTreeSet<String>>,
    what: &str,
    (from, to): (&str, &str),
) {
    assert!(
        graph.get(from).is_some_and(|uses| uses.contains(to)),
        "the import graph of {what} was not read ({from} uses {to}): {graph:?}"
    );
    let found = cycles(graph);
    assert!(
        found.is_empty(),
        "{what} import each other:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other() {
    assert_no_cycles(&import_graph(), "modules of src/", ("render", "link"));
}

#[test]
fn no_two_files_of_one_folder_import_each_other() {
    let graph = folder_graph();
    let what = "files of one folder of src/";
    assert_no_cycles(&graph, what, ("render/html", "render/marks"));
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let mut long = Vec::new();
    let mut functions = 0;
    for file in source_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = code_lines(&text);
        functions += lines
            .iter()
            .filter(|l| declared_function(l).is_some())
            .count();
        long.extend(long_functions(&shown(&file), &lines));
    }
    assert!(functions > 100, "the functions of src/ were not found");
    assert!(
        long.is_empty(),
        "functions longer than {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checks_find_a_cycle_and_a_long_function() {
    // A graph with a loop through three modules, and one without.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let edge = |graph: &mut BTreeMap<String, BTreeSet<String>>, from: &str, to: &str| {
        graph
            .entry(from.to_string())
            .or_default()
            .insert(to.to_string());
    };
    edge(&mut graph, "link", "overlay");
    edge(&mut graph, "overlay", "load");
    assert!(cycles(&graph).is_empty());
    edge(&mut graph, "load", "link");
    assert_eq!(cycles(&graph), ["link → overlay → load → link"]);

    // References in `use` groups and paths, not in comments.
    let code = code_lines(
        "use crate::{load::{self, Sources}, overlay};\n\
         let x = crate::link::link(e); // crate::render::x\n\
         /// [`crate::write`]\n\
         let s = \"// not a comment\"; crate::url::file_of(a, b);\n",
    )
    .join("\n");
    let names: Vec<String> = crate_references(&code).into_iter().collect();
    assert_eq!(names, ["link", "load", "overlay", "url"]);
    let code = "use super::html::escape;\nuse super::{marks::Marker, Key};\n";
    let names: Vec<String> = references_after(code, "super::").into_iter().collect();
    assert_eq!(names, ["Key", "html", "marks"]);

    // A function of 122 lines is named; one of 120 and a one-liner are not.
    let body = |n: usize| vec!["        x();".to_string(); n];
    let mut lines = vec!["    pub(crate) fn long(", "        a: u8,", "    ) -> u8 {"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    lines.extend(body(118));
    lines.push("    }".into());
    lines.push("    fn short() -> u8 { 1 }".into());
    lines.push("    fn fits() {".into());
    lines.extend(body(118));
    lines.push("    }".into());
    assert_eq!(
        long_functions("src/x.rs", &lines),
        ["src/x.rs:1 long (122 lines)"]
    );
}
