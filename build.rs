//! Builds the table of the default theme's files (`themes/default/templates`
//! and `themes/default/static`) into the binary, so `handbook` works on a
//! root that has no `themes/` folder. The files themselves stay the one
//! source of truth: the table only names them for `include_bytes!`.

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

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let theme = manifest.join("themes").join("default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    for part in ["templates", "static"] {
        files_under(&theme.join(part), &mut files);
    }
    let mut table = String::from(
        "/// The files of `themes/default` (templates and static files), by their\n/// `/`-separated path inside it.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for path in &files {
        let name: Vec<String> = path
            .strip_prefix(&theme)
            .expect("found under the theme")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        table.push_str(&format!(
            "    ({:?}, include_bytes!({:?})),\n",
            name.join("/"),
            path.display().to_string()
        ));
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("built_in_theme.rs"), table).expect("OUT_DIR is writable");
}
