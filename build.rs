//! Builds two tables of files into the binary, so that `handbook` works
//! wherever it is installed (`cargo install` copies the binary alone):
//! the default theme (`themes/default`: its templates, static files and
//! README), used by a root that has no `themes/` folder and written out by
//! `handbook init`; and the model guidance (`content/`), which `handbook
//! init` writes into a new root. The files themselves stay the one source
//! of truth: each table only names them for `include_bytes!`.

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            files_under(&path, found);
        } else if path.is_file() {
            found.push(path);
        }
    }
}

/// Writes `OUT_DIR/<name>`: a `FILES` table of `files`, each by its
/// `/`-separated path under `base`.
fn write_table(base: &Path, files: &[PathBuf], doc: &str, name: &str) {
    let mut table = format!("{doc}pub static FILES: &[(&str, &[u8])] = &[\n");
    for path in files {
        let relative: Vec<String> = path
            .strip_prefix(base)
            .expect("found under the base folder")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        table.push_str(&format!(
            "    ({:?}, include_bytes!({:?})),\n",
            relative.join("/"),
            path.display().to_string()
        ));
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join(name), table).expect("OUT_DIR is writable");
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let theme = manifest.join("themes").join("default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    for part in ["templates", "static", "strings"] {
        files_under(&theme.join(part), &mut files);
    }
    let readme = theme.join("README.md");
    if readme.is_file() {
        files.push(readme);
    }
    write_table(
        &theme,
        &files,
        "/// The files of `themes/default` (templates, static files and README), by\n/// their `/`-separated path inside it.\n",
        "built_in_theme.rs",
    );
    let content = manifest.join("content");
    println!("cargo:rerun-if-changed={}", content.display());
    let mut files = Vec::new();
    files_under(&content, &mut files);
    write_table(
        &content,
        &files,
        "/// The files of the model guidance (`content/`), by their `/`-separated\n/// path inside it.\n",
        "built_in_content.rs",
    );
}
