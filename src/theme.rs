//! Templates and static files: the theme, and an authority's own.
//!
//! Loads `themes/default/templates/*` as `theme/<name>` and an authority's
//! `local-overrides/<slug>/templates/*` under their plain names, so that an
//! authority's `page.html` wins and may `{% extends "theme/page.html" %}` to
//! replace one block (tera's fallback prefixes). Static files work the same
//! way: the authority's `static/` wins over the theme's; a static file whose
//! name is unsafe on Windows file shares, or a link leaving the handbook
//! root, is refused with an error naming it. Template errors become
//! diagnostics naming the template file and line.
//!
//! A root without a `themes/` folder uses the default theme built into the
//! binary (the repository's `themes/default`, included at compile time), so
//! a bare folder of content builds.
//!
//! This is the one module that talks to tera. It does not decide what goes
//! into a page (`render` does).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{display_path, Diagnostic, SourceFile};
use crate::load::read_source;

/// Template files by the name templates use (`theme/page.html` or `page.html`).
#[derive(Debug, Default, Clone)]
pub struct TemplateFiles {
    files: BTreeMap<String, Arc<SourceFile>>,
}

/// Static files by the path they are written to under `assets/`.
pub type StaticFiles = BTreeMap<String, StaticFile>;

/// Where a static file's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticFile {
    /// A file on disk, copied as it is.
    Path(PathBuf),
    /// A file of the theme built into Handbook.
    BuiltIn(&'static [u8]),
}

impl StaticFile {
    /// The file as output.
    pub fn content(&self) -> crate::render::Content {
        match self {
            StaticFile::Path(path) => crate::render::Content::Copy(path.clone()),
            StaticFile::BuiltIn(bytes) => crate::render::Content::Bytes(bytes.to_vec()),
        }
    }
}

mod built_in {
    include!(concat!(env!("OUT_DIR"), "/built_in_theme.rs"));
}

/// The theme shared by every edition.
#[derive(Debug)]
pub struct Theme {
    /// Its templates, named `theme/…`.
    pub templates: TemplateFiles,
    /// Its static files.
    pub statics: StaticFiles,
}

impl Theme {
    /// Reads `themes/default` under `root`, or takes the built-in theme when
    /// `root` has no `themes/` folder.
    pub fn load(root: &Path, theme_dir: &Path, problems: &mut Vec<Diagnostic>) -> Self {
        if !root.join("themes").exists() {
            return Self::built_in();
        }
        let mut templates = TemplateFiles::default();
        templates.read_dir(root, &theme_dir.join("templates"), "theme/", problems);
        if templates.files.is_empty() {
            problems.push(
                Diagnostic::error("no-theme", format!("there are no templates in {}", display_path(root, &theme_dir.join("templates"))))
                    .hint("a handbook root needs `themes/default/templates/`; copy it from the Handbook repository"),
            );
        }
        Self {
            templates,
            statics: static_files(root, &theme_dir.join("static"), problems),
        }
    }

    /// The default theme as built into Handbook.
    pub fn built_in() -> Self {
        let mut templates = TemplateFiles::default();
        let mut statics = StaticFiles::new();
        for &(name, bytes) in built_in::FILES {
            if let Some(template) = name.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                templates.files.insert(
                    format!("theme/{template}"),
                    SourceFile::new(format!("(built-in theme)/{name}"), text),
                );
            } else if let Some(file) = name.strip_prefix("static/") {
                statics.insert(file.to_string(), StaticFile::BuiltIn(bytes));
            }
        }
        Self { templates, statics }
    }
}

impl TemplateFiles {
    /// Reads an authority's `templates/` folder (names without prefix).
    pub fn authority(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>) -> Self {
        let mut templates = Self::default();
        templates.read_dir(root, &dir.join("templates"), "", problems);
        templates
    }

    fn read_dir(&mut self, root: &Path, dir: &Path, prefix: &str, problems: &mut Vec<Diagnostic>) {
        for (name, file) in static_files(root, dir, problems) {
            let StaticFile::Path(path) = file else {
                continue;
            };
            if !(name.ends_with(".html") || name.ends_with(".xml")) {
                continue;
            }
            match read_source(root, &path) {
                Ok(file) => {
                    self.files.insert(format!("{prefix}{name}"), file);
                }
                Err(d) => problems.push(d),
            }
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Files under `dir`, by their `/`-separated path relative to it, sorted.
///
/// Files whose names would be unsafe in the output (names Windows reserves or
/// cannot hold) and links that leave `root` are left out and reported to
/// `problems`, naming the file.
pub fn static_files(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>) -> StaticFiles {
    let mut files = BTreeMap::new();
    if !dir.is_dir() {
        return files;
    }
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let shown = e.path().map(|p| display_path(root, p)).unwrap_or_default();
                problems.push(
                    Diagnostic::error("unreadable", format!("cannot read this folder entry: {e}"))
                        .in_path(shown)
                        .hint("check the file's permissions, or remove a link that loops or points nowhere"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = display_path(dir, entry.path());
        if name.split('/').any(|part| part.starts_with('.')) {
            continue;
        }
        let shown = display_path(root, entry.path());
        let real = entry
            .path()
            .canonicalize()
            .unwrap_or_else(|_| entry.path().to_path_buf());
        if !real.starts_with(&real_root) {
            problems.push(
                Diagnostic::error(
                    "link-outside-root",
                    format!(
                        "this file is a link to {}, outside the handbook folder",
                        real.display()
                    ),
                )
                .in_path(shown)
                .hint("copy the file into the handbook folder instead of linking to it"),
            );
            continue;
        }
        if let Some(why) = name.split('/').find_map(crate::write::unsafe_name) {
            problems.push(
                Diagnostic::error("unsafe-file-name", format!("this file cannot be published under its name: {why}"))
                    .in_path(shown)
                    .hint("rename it with letters, digits, `-`, `_` and `.` only, such as `logo-2026.png`; editions must work when copied to Windows file shares"),
            );
            continue;
        }
        files.insert(name, StaticFile::Path(entry.path().to_path_buf()));
    }
    files
}

/// A ready template engine for one edition.
pub struct Engine {
    tera: tera::Tera,
    files: BTreeMap<String, Arc<SourceFile>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("templates", &self.files.keys())
            .finish()
    }
}

impl Engine {
    /// Compiles the theme's templates and an authority's. Errors name the template file and line.
    pub fn new(theme: &Theme, local: &TemplateFiles) -> Result<Self, Vec<Diagnostic>> {
        let mut tera = tera::Tera::new();
        tera.set_fallback_prefixes(["theme/"])
            .map_err(|e| vec![Diagnostic::error("template", e.to_string())])?;
        let mut files = theme.templates.files.clone();
        files.extend(local.files.iter().map(|(k, v)| (k.clone(), Arc::clone(v))));
        let mut problems = Vec::new();
        // Parse each template on its own first, so every broken file is reported.
        for (name, file) in &files {
            let mut probe = tera::Tera::new();
            if let Err(e) = probe.add_raw_template(name, &file.text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    problems.push(template_error(&files, &e));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        tera.add_raw_templates(files.iter().map(|(k, v)| (k.as_str(), v.text.as_str())))
            .map_err(|e| vec![template_error(&files, &e)])?;
        Ok(Self { tera, files })
    }

    /// Renders a template with values.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|e| template_error(&self.files, &e))
    }

    /// Whether a template of that name exists (the authority's or the theme's).
    pub fn has(&self, template: &str) -> bool {
        self.files.contains_key(template) || self.files.contains_key(&format!("theme/{template}"))
    }
}

fn template_error(files: &BTreeMap<String, Arc<SourceFile>>, error: &tera::Error) -> Diagnostic {
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let diagnostic = Diagnostic::error("template", format!("template problem: {}", report.message()))
                .hint("check the `{{ }}` and `{% %}` tags near this line; the values templates can use are listed in themes/default/README.md");
            match files.get(report.filename()) {
                Some(file) => {
                    let range = &report.span().range;
                    let start = range.start.min(file.text.len());
                    diagnostic.at(file, start, range.end.clamp(start, file.text.len()))
                }
                None => diagnostic,
            }
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let diagnostic = Diagnostic::error(
                "template",
                format!("this template extends `{parent}`, which does not exist"),
            )
            .hint("theme templates are named `theme/page.html`, `theme/base.html`, …");
            match files.get(current) {
                Some(file) => diagnostic.in_file(file),
                None => diagnostic,
            }
        }
        other => Diagnostic::error("template", format!("template problem: {other}")),
    }
}
