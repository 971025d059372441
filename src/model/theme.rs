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

use crate::model::language::{Lang, Strings};
use crate::support::diagnostic::{display_path, Diagnostic, Diagnostics, SourceFile};
use crate::support::source::{self, read_source};

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
    pub fn content(&self) -> crate::support::output::Content {
        match self {
            StaticFile::Path(path) => crate::support::output::Content::Copy(path.clone()),
            StaticFile::BuiltIn(bytes) => crate::support::output::Content::Bytes(bytes.to_vec()),
        }
    }
}

mod built_in {
    include!(concat!(env!("OUT_DIR"), "/built_in_theme.rs"));
}

/// The default theme's files as built into Handbook (templates, static
/// files and README), by their path under `themes/default`.
pub fn built_in_files() -> &'static [(&'static str, &'static [u8])] {
    built_in::FILES
}

/// The theme shared by every edition.
#[derive(Debug)]
pub struct Theme {
    /// Its templates, named `theme/…`.
    pub templates: TemplateFiles,
    /// Its static files.
    pub statics: StaticFiles,
    /// Its words in each language Handbook knows (`strings/<lang>.yaml`).
    pub strings: BTreeMap<Lang, Strings>,
}

impl Theme {
    /// Reads `themes/default` under `root`, or takes the built-in theme when
    /// `root` has no `themes/` folder.
    pub fn load(root: &Path, theme_dir: &Path, diagnostics: &Diagnostics) -> Self {
        if !root.join("themes").exists() {
            return Self::built_in();
        }
        let mut templates = TemplateFiles::default();
        templates.read_dir(root, &theme_dir.join("templates"), "theme/", diagnostics);
        if templates.files.is_empty() {
            diagnostics.push(
                Diagnostic::error("no-theme", format!("there are no templates in {}", display_path(root, &theme_dir.join("templates"))))
                    .hint("a handbook root needs `themes/default/templates/`; copy it from the Handbook repository"),
            );
        }
        Self {
            templates,
            statics: static_files(root, &theme_dir.join("static"), diagnostics),
            strings: theme_strings(root, &theme_dir.join("strings"), diagnostics),
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
        let strings = theme_strings(Path::new(""), Path::new(""), &Diagnostics::new());
        Self {
            templates,
            statics,
            strings,
        }
    }

    /// The words of an edition in `lang`: the theme's, with those of the
    /// authority whose folder is `authority_dir` (its
    /// `strings/<lang>.yaml`) in their place. A key the theme lacks is an
    /// error at its line.
    pub fn edition_strings(
        &self,
        root: &Path,
        authority_dir: Option<&Path>,
        lang: Lang,
        diagnostics: &Diagnostics,
    ) -> Strings {
        let theme = &self.strings[&lang];
        let Some(dir) = authority_dir else {
            return theme.clone();
        };
        let path = dir.join("strings").join(format!("{}.yaml", lang.code()));
        if !path.is_file() {
            return theme.clone();
        }
        match read_source(root, &path) {
            Ok(file) => {
                let mut problems = Vec::new();
                let strings = theme.with_own(&file, &mut problems);
                diagnostics.extend(problems);
                strings
            }
            Err(d) => {
                diagnostics.push(d);
                theme.clone()
            }
        }
    }
}

/// The theme's strings in every language: each read from
/// `dir/<lang>.yaml`, or, where the theme has no such file (a theme made
/// before strings files, or the built-in theme), the built-in one. Every
/// language must have every English key.
fn theme_strings(root: &Path, dir: &Path, diagnostics: &Diagnostics) -> BTreeMap<Lang, Strings> {
    let mut strings: BTreeMap<Lang, Strings> = BTreeMap::new();
    for lang in Lang::ALL {
        let name = format!("{}.yaml", lang.code());
        let path = dir.join(&name);
        let file = if !dir.as_os_str().is_empty() && path.is_file() {
            match read_source(root, &path) {
                Ok(file) => file,
                Err(d) => {
                    diagnostics.push(d);
                    continue;
                }
            }
        } else {
            let built_in = format!("strings/{name}");
            let bytes = built_in::FILES
                .iter()
                .find(|(n, _)| *n == built_in)
                .map_or(&b""[..], |(_, b)| *b);
            SourceFile::new(
                format!("(built-in theme)/{built_in}"),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        };
        let mut problems = Vec::new();
        let parsed = Strings::parse(lang, &file, strings.get(&Lang::En), &mut problems);
        diagnostics.extend(problems);
        strings.insert(lang, parsed);
    }
    strings
}

/// The built-in theme's strings in `lang`, read once.
pub fn built_in_strings(lang: Lang) -> &'static Strings {
    static STRINGS: std::sync::OnceLock<BTreeMap<Lang, Strings>> = std::sync::OnceLock::new();
    &STRINGS.get_or_init(|| theme_strings(Path::new(""), Path::new(""), &Diagnostics::new()))[&lang]
}

/// The strings as a template value (`t` in templates): each text HTML-escaped
/// (`&`, `<`, `>`, `"`) and marked safe, so that a label prints as a
/// label written in the template would; a key ending in `_html` is HTML
/// and goes in as it is.
pub fn strings_value(strings: &Strings) -> tera::Value {
    let map: BTreeMap<String, tera::Value> = strings
        .words()
        .map(|(k, v)| {
            if k.ends_with("_html") {
                return (k.to_string(), tera::Value::safe_string(v));
            }
            let escaped = crate::model::language::html_text(v);
            (k.to_string(), tera::Value::safe_string(&escaped))
        })
        .collect();
    tera::Value::from(map)
}

impl TemplateFiles {
    /// Reads an authority's `templates/` folder (names without prefix).
    pub fn authority(root: &Path, dir: &Path, diagnostics: &Diagnostics) -> Self {
        let mut templates = Self::default();
        templates.read_dir(root, &dir.join("templates"), "", diagnostics);
        templates
    }

    fn read_dir(&mut self, root: &Path, dir: &Path, prefix: &str, diagnostics: &Diagnostics) {
        for (name, file) in static_files(root, dir, diagnostics) {
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
                Err(d) => diagnostics.push(d),
            }
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Files under `dir`, by their `/`-separated path relative to it, sorted
/// (see [`source::walk`] for what is left out or refused). A file whose name
/// would be unsafe in the output (names Windows reserves or cannot hold) is
/// left out and reported, naming the file.
pub fn static_files(root: &Path, dir: &Path, diagnostics: &Diagnostics) -> StaticFiles {
    let mut files = BTreeMap::new();
    for entry in source::walk(root, dir, diagnostics) {
        if entry.kind != source::WalkedKind::File {
            continue;
        }
        if let Some(why) = entry
            .name
            .split('/')
            .find_map(crate::support::names::unsafe_name)
        {
            diagnostics.push(
                Diagnostic::error("unsafe-file-name", format!("this file cannot be published under its name: {why}"))
                    .in_path(display_path(root, &entry.path))
                    .hint("rename it with letters, digits, `-`, `_` and `.` only, such as `logo-2026.png`; editions must work when copied to Windows file shares"),
            );
            continue;
        }
        files.insert(entry.name, StaticFile::Path(entry.path));
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
    /// Compiles the theme's templates and an authority's; `None` when any
    /// fails, each failure reported to `diagnostics` naming the template
    /// file and line.
    pub fn new(theme: &Theme, local: &TemplateFiles, diagnostics: &Diagnostics) -> Option<Self> {
        let compiled = Self::compile(theme, local);
        match compiled {
            Ok(engine) => Some(engine),
            Err(problems) => {
                diagnostics.extend(problems);
                None
            }
        }
    }

    fn compile(theme: &Theme, local: &TemplateFiles) -> Result<Self, Vec<Diagnostic>> {
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

    /// The template files it was compiled from (the theme's and the authority's).
    pub fn sources(&self) -> impl Iterator<Item = &Arc<SourceFile>> {
        self.files.values()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A handbook root in a temporary folder with the files given.
    fn root_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let at = root.path().join(path);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::fs::write(at, text).unwrap();
        }
        root
    }

    #[test]
    fn the_built_in_theme_has_its_templates_and_every_language_every_word() {
        let theme = Theme::built_in();
        assert!(theme.templates.files.contains_key("theme/page.html"));
        assert!(theme.statics.keys().any(|name| name.ends_with(".css")));
        let english: Vec<&str> = theme.strings[&Lang::En].words().map(|(k, _)| k).collect();
        assert!(english.contains(&"home"));
        for lang in Lang::ALL {
            for key in &english {
                assert!(
                    !theme.strings[&lang].get(key).is_empty(),
                    "{lang:?} has no word for {key}"
                );
            }
        }
    }

    #[test]
    fn words_go_into_templates_escaped_unless_their_key_says_html() {
        let file = SourceFile::new(
            "strings/en.yaml",
            "home: Home & <away>\nnote_html: <b>bold</b>\n",
        );
        let mut problems = Vec::new();
        let strings = Strings::parse(Lang::En, &file, None, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let value = strings_value(&strings);
        let word = |key| value.get_from_path(key).and_then(|v| v.as_str());
        assert_eq!(word("home"), Some("Home &amp; &lt;away&gt;"));
        assert_eq!(word("note_html"), Some("<b>bold</b>"));
    }

    #[test]
    fn a_root_with_an_empty_theme_folder_is_told_where_templates_go() {
        let root = root_with(&[("themes/default/static/site.css", "body {}")]);
        let diagnostics = Diagnostics::new();
        let theme_dir = root.path().join("themes/default");
        let theme = Theme::load(root.path(), &theme_dir, &diagnostics);
        assert!(theme.templates.is_empty());
        let problems = diagnostics.into_sorted();
        assert!(
            problems.iter().any(|d| d.code == "no-theme"),
            "{problems:?}"
        );
    }

    #[test]
    fn an_authority_gives_its_own_words_and_a_word_the_theme_lacks_is_an_error() {
        let root = root_with(&[(
            "local-overrides/x/strings/en.yaml",
            "home: Start here\nhomme: Typo\n",
        )]);
        let theme = Theme::built_in();
        let diagnostics = Diagnostics::new();
        let dir = root.path().join("local-overrides/x");
        let strings = theme.edition_strings(root.path(), Some(&dir), Lang::En, &diagnostics);
        assert_eq!(strings.get("home"), "Start here");
        let problems = diagnostics.into_sorted();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("homme"), "{problems:?}");
        assert_eq!(problems[0].line_col().map(|(line, _)| line), Some(2));
    }
}
