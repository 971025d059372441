//! The shape of the code, checked from its text: the folders of `src/`
//! import each other only as `ARCHITECTURE.md` plans (no stage imports a
//! later one, no leaf imports a stage), no two files of one folder import
//! each other in a loop, and every function and file is short enough for a
//! maintainer to read.
//!
//! A room is a folder of `src/` (`src/support/`, `src/cli/` with
//! `src/main.rs`), or one stage under `src/stages/` (`stages/link`). A
//! reference is a `use crate::X` or `use handbook::X` path (with `{…}`
//! groups) or such a path anywhere in code; comments are left out.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest function allowed, in lines from `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 100;

/// Longest file allowed in `src/`, in lines (inline tests included).
const MAX_FILE_LINES: usize = 800;

/// Longest `src/main.rs` allowed: it parses arguments and hands on to `cli`.
const MAX_MAIN_LINES: usize = 150;

/// Files that only declare the modules of a folder (`lib.rs`,
/// `stages/mod.rs`): not rooms, and checked to import nothing.
const DECLARATIONS: &[&str] = &["lib", "stages"];

/// The plan of `ARCHITECTURE.md`: each room and the rooms it may import.
/// Lower rooms come first; a room may import only rooms listed before it.
const PLAN: &[(&str, &[&str])] = &[
    ("support", &[]),
    ("text", &["support"]),
    ("model", &["text", "support"]),
    ("stages/load", &["model", "text", "support"]),
    (
        "stages/overlay",
        &["stages/load", "model", "text", "support"],
    ),
    (
        "stages/link",
        &["stages/overlay", "stages/load", "model", "text", "support"],
    ),
    (
        "stages/analyses",
        &[
            "stages/link",
            "stages/overlay",
            "stages/load",
            "model",
            "text",
            "support",
        ],
    ),
    (
        "stages/render",
        &[
            "stages/analyses",
            "stages/link",
            "stages/overlay",
            "stages/load",
            "model",
            "text",
            "support",
        ],
    ),
    ("stages/write", &["support"]),
    ("site", &["text", "support"]),
    ("tools", &["stages/load", "model", "text", "support"]),
    (
        "pipeline",
        &[
            "stages/write",
            "stages/render",
            "stages/analyses",
            "stages/link",
            "stages/overlay",
            "stages/load",
            "site",
            "model",
            "text",
            "support",
        ],
    ),
    ("serve", &["pipeline", "site", "support"]),
    (
        "cli",
        &[
            "serve",
            "pipeline",
            "tools",
            "site",
            "stages/write",
            "stages/render",
            "stages/analyses",
            "stages/link",
            "stages/overlay",
            "stages/load",
            "model",
            "text",
            "support",
        ],
    ),
];

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

/// The room a file of `src/` belongs to: `src/stages/link/mod.rs` is in
/// `stages/link`, `src/support/url.rs` in `support`, `src/main.rs` in `cli`.
fn room_of(shown: &str) -> String {
    let relative = shown.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts = relative.split('/');
    let first = parts.next().unwrap_or(relative);
    match (first, parts.next()) {
        ("main", None) => "cli".to_string(),
        ("stages", Some("mod")) => "stages".to_string(),
        ("stages", Some(stage)) => format!("stages/{stage}"),
        _ => first.to_string(),
    }
}

/// The room a path of the crate names: `stages::link::X` is in
/// `stages/link`, `support::url::file_of` in `support`.
fn room_named(path: &[String]) -> String {
    match path {
        [first, stage, ..] if first == "stages" => format!("stages/{stage}"),
        [first, ..] => first.clone(),
        [] => String::new(),
    }
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

/// The entries of a `{a, b::c, d::{e, f}}` group starting at `text` (just
/// after its `{`), each as written.
fn group_entries(text: &str) -> Vec<&str> {
    let mut entries = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                entries.push(&text[start..i]);
                return entries;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                entries.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    entries
}

/// The paths of one use tree at the start of `text`, each after `path`:
/// `a::{b, c::d}` gives `a::b` and `a::c::d`; `self` names the path itself.
fn tree_paths(text: &str, mut path: Vec<String>, found: &mut Vec<Vec<String>>) {
    let mut rest = text.trim_start();
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            for entry in group_entries(group) {
                tree_paths(entry, path.clone(), found);
            }
            return;
        }
        let name = ident(rest);
        if name.is_empty() {
            break;
        }
        if name != "self" {
            path.push(name.to_string());
        }
        rest = &rest[name.len()..];
        match rest.strip_prefix("::") {
            Some(after) => rest = after,
            None => break,
        }
    }
    if !path.is_empty() {
        found.push(path);
    }
}

/// Every path written after `prefix` (`crate::`, `handbook::`, `super::`)
/// in `code`, groups expanded.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| is_ident(c) || c == '$') {
            continue;
        }
        tree_paths(&code[from..], Vec::new(), &mut found);
    }
    found
}

/// The first names of the paths after `prefix` in `code` (`super::html`
/// gives `html`).
fn references_after(code: &str, prefix: &str) -> BTreeSet<String> {
    paths_after(code, prefix)
        .into_iter()
        .filter_map(|path| path.into_iter().next())
        .collect()
}

/// Which rooms each room of `src/` refers to (itself left out). The binary
/// (`main.rs`, `cli/`) names the library's paths as `handbook::`.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = source_files();
    let rooms: BTreeSet<String> = files.iter().map(|f| room_of(&shown(f))).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let room = room_of(&shown(file));
        if DECLARATIONS.contains(&room.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let code = code_lines(&text).join("\n");
        let uses = graph.entry(room.clone()).or_default();
        let mut paths = paths_after(&code, "crate::");
        paths.extend(paths_after(&code, "handbook::"));
        for path in paths {
            let named = room_named(&path);
            if named != room && rooms.contains(&named) {
                uses.insert(named);
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

/// The rooms `room` may import, by the plan; `None` when the plan does not
/// list it.
fn planned(room: &str) -> Option<&'static [&'static str]> {
    PLAN.iter().find(|(r, _)| *r == room).map(|(_, uses)| *uses)
}

/// The imports of `graph` the plan does not allow, one line each.
fn unplanned(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (room, uses) in graph {
        let Some(allowed) = planned(room) else {
            wrong.push(format!(
                "{room} is not in the plan (add it to ARCHITECTURE.md and PLAN)"
            ));
            continue;
        };
        for used in uses.iter().filter(|u| !allowed.contains(&u.as_str())) {
            wrong.push(format!(
                "{room} imports {used}, which the plan does not allow"
            ));
        }
    }
    wrong
}

#[test]
fn the_rooms_import_only_as_the_plan_allows() {
    let graph = import_graph();
    assert_no_cycles(&graph, "rooms of src/", ("stages/render", "stages/link"));
    assert!(
        graph
            .get("cli")
            .is_some_and(|uses| uses.contains("pipeline")),
        "the binary's imports were not read: {graph:?}"
    );
    for declaration in ["src/lib.rs", "src/stages/mod.rs"] {
        let text = std::fs::read_to_string(common::repo().join(declaration)).unwrap();
        let code = code_lines(&text).join("\n");
        assert!(
            paths_after(&code, "crate::").is_empty(),
            "{declaration} imports"
        );
    }
    let wrong = unplanned(&graph);
    assert!(
        wrong.is_empty(),
        "imports against the plan:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_plan_runs_one_way_and_is_the_one_written_down() {
    let architecture = std::fs::read_to_string(common::repo().join("ARCHITECTURE.md")).unwrap();
    for (at, (room, uses)) in PLAN.iter().enumerate() {
        for used in *uses {
            let before = PLAN[..at].iter().any(|(r, _)| r == used);
            assert!(
                before,
                "the plan lets {room} import {used}, which is not below it"
            );
        }
        assert!(
            architecture.contains(&format!("`{room}/`")),
            "ARCHITECTURE.md does not map `{room}/`"
        );
    }
}

#[test]
fn no_file_is_longer_than_the_limit() {
    let mut long = Vec::new();
    for file in source_files() {
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        let shown = shown(&file);
        let limit = if shown == "src/main.rs" {
            MAX_MAIN_LINES
        } else {
            MAX_FILE_LINES
        };
        if lines > limit {
            long.push(format!("{shown}: {lines} lines (at most {limit})"));
        }
    }
    assert!(
        long.is_empty(),
        "files too long to read:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_two_files_of_one_folder_import_each_other() {
    let graph = folder_graph();
    let what = "files of one folder of src/";
    assert_no_cycles(&graph, what, ("stages/render/html", "stages/render/marks"));
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

    // References in `use` groups and paths, not in comments, each to its room.
    let code = code_lines(
        "use crate::{stages::load::{self, Sources}, model::page};\n\
         let x = crate::stages::link::link(e); // crate::site::x\n\
         /// [`crate::tools`]\n\
         let s = \"// not a comment\"; crate::support::url::file_of(a, b);\n",
    )
    .join("\n");
    let rooms: BTreeSet<String> = paths_after(&code, "crate::")
        .iter()
        .map(|path| room_named(path))
        .collect();
    assert_eq!(
        rooms.into_iter().collect::<Vec<_>>(),
        ["model", "stages/link", "stages/load", "support"]
    );
    let code = "use super::html::escape;\nuse super::{marks::Marker, Key};\n";
    let names: Vec<String> = references_after(code, "super::").into_iter().collect();
    assert_eq!(names, ["Key", "html", "marks"]);
    assert_eq!(room_of("src/stages/render/cache.rs"), "stages/render");
    assert_eq!(room_of("src/main.rs"), "cli");
    assert_eq!(room_of("src/cli/build.rs"), "cli");

    // An import the plan does not allow is named.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edge(&mut graph, "stages/load", "stages/link");
    edge(&mut graph, "gadgets", "support");
    assert_eq!(
        unplanned(&graph),
        [
            "gadgets is not in the plan (add it to ARCHITECTURE.md and PLAN)",
            "stages/load imports stages/link, which the plan does not allow"
        ]
    );

    // A function of 102 lines is named; one of 100 and a one-liner are not.
    let body = |n: usize| vec!["        x();".to_string(); n];
    let mut lines = vec!["    pub(crate) fn long(", "        a: u8,", "    ) -> u8 {"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    lines.extend(body(98));
    lines.push("    }".into());
    lines.push("    fn short() -> u8 { 1 }".into());
    lines.push("    fn fits() {".into());
    lines.extend(body(98));
    lines.push("    }".into());
    assert_eq!(
        long_functions("src/x.rs", &lines),
        ["src/x.rs:1 long (102 lines)"]
    );
}
