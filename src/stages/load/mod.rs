//! Stage 1, load: read a handbook root from disk into [`Sources`].
//!
//! Reads `content/handbook.yaml`, every model page under `content/`, and every
//! authority folder under `local-overrides/`. Each file is checked on its own
//! (UTF-8 without NUL bytes, size, front matter; a byte-order mark and CRLF
//! line endings are accepted); problems go to the shared [`Diagnostics`] and
//! the file is left out, so one run reports every broken file. A folder
//! under `local-overrides/` without `authority.yaml` is reported, never
//! skipped silently. Symbolic links
//! that leave the root, and anything that is not a plain file, are refused.
//! This is the only stage that reads content files; later stages work on the
//! values it returns.
//!
//! Any folder of Markdown pages makes a model: each folder's `_index.md` is
//! the page the folder's other pages (and its subfolders' `_index.md` pages)
//! sit under, `content/_index.md` is home, and `handbook.yaml` is optional.
//! A home page and a credits page are made from `handbook.yaml` (or its
//! defaults) when the root has none. For `serve`, [`reload`] re-reads saved
//! files into the sources already loaded.

pub mod history;

use crate::support::lock::Locked;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::authority::{Authority, AuthorityConfig, Example, Override, AUTHORITY_KEYS};
use crate::model::handbook::{HandbookMeta, Model, Sources, Translated, HANDBOOK_KEYS, ROOT_INDEX};
use crate::model::language::Lang;
use crate::model::page::Page;
use crate::model::translation::{self, Translation};
use crate::support::diagnostic::{display_path, Diagnostic, Diagnostics, SourceFile};
use crate::support::source::{self, read_source};
use crate::text::frontmatter;

/// Which authorities to load.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Every folder under `local-overrides/`.
    All,
    /// Only these slugs (and no others).
    Only(Vec<String>),
}

/// Reads a handbook root. Problems go to `diagnostics`; the returned value
/// holds whatever could be read.
pub fn load(root: &Path, selection: &Selection, diagnostics: &Diagnostics) -> Sources {
    let content = root.join("content");
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                "no-content",
                format!("there is no `content` folder in {}", root.display()),
            )
            .hint("run handbook from a handbook root, or give one with `--root DIR`"),
        );
    }
    let meta = load_meta(root, diagnostics);
    let broken = std::sync::Mutex::new(BTreeSet::new());
    let files = markdown_files(root, &content, diagnostics);
    let mut pages = load_pages(root, files, diagnostics, &broken);
    set_folder_parents(&mut pages);
    let mut model_pages = BTreeMap::new();
    for page in pages {
        insert_unique(&mut model_pages, page, diagnostics);
    }
    add_missing_site_pages(&mut model_pages, &meta);
    let loaded = load_authorities(root, selection, diagnostics);
    let model = Model {
        meta,
        pages: model_pages,
        broken_ids: broken.into_value(),
    };
    let translated = loaded
        .iter()
        .flat_map(|(a, t)| in_other_languages(&model, a, t, diagnostics))
        .collect();
    Sources {
        root: root.to_path_buf(),
        model: Arc::new(model),
        authorities: loaded.into_iter().map(|(a, _)| a).collect(),
        theme_dir: root.join("themes").join("default"),
        translated,
    }
}

/// An authority's sources in each of its languages but the default.
fn in_other_languages(
    model: &Model,
    authority: &Authority,
    translations: &[Translation],
    diagnostics: &Diagnostics,
) -> Vec<Translated> {
    let mut problems = Vec::new();
    let made = authority.config.languages()[1..]
        .iter()
        .map(|&lang| {
            let own: Vec<Translation> = translations
                .iter()
                .filter(|t| t.lang == lang)
                .cloned()
                .collect();
            Translated {
                slug: authority.slug.clone(),
                lang,
                model: Arc::new(Model {
                    meta: model.meta.clone(),
                    pages: translation::model_pages(&model.pages, &own, &mut problems),
                    broken_ids: model.broken_ids.clone(),
                }),
                authority: translation::authority(authority, lang, &own, &mut problems),
                translations: own,
            }
        })
        .collect();
    diagnostics.extend(problems);
    made
}

/// The file that makes a folder's own page.
pub const FOLDER_INDEX: &str = "_index.md";

/// Where a model page file sits under `content/`: its folder (`""` for
/// `content/` itself) and its file name.
fn place_in_content(page: &Page) -> Option<(&str, &str)> {
    let relative = page.file.path.strip_prefix("content/")?;
    Some(relative.rsplit_once('/').unwrap_or(("", relative)))
}

/// The folder above `folder`, or `None` above `content/`.
fn folder_above(folder: &str) -> Option<&str> {
    if folder.is_empty() {
        return None;
    }
    Some(folder.rsplit_once('/').map_or("", |(above, _)| above))
}

/// Gives each model page the id of the `_index.md` it sits under: its own
/// folder's for an ordinary page, the nearest folder above's for an `_index.md`.
fn set_folder_parents(pages: &mut [Page]) {
    let mut index_of: HashMap<String, String> = HashMap::new();
    for page in pages.iter() {
        if let Some((folder, FOLDER_INDEX)) = place_in_content(page) {
            index_of.insert(folder.to_string(), page.id().to_string());
        }
    }
    for page in pages.iter_mut() {
        let Some((folder, name)) = place_in_content(page) else {
            continue;
        };
        let mut at = if name == FOLDER_INDEX {
            folder_above(folder)
        } else {
            Some(folder)
        };
        let mut parent = None;
        while let Some(folder) = at {
            match index_of.get(folder) {
                Some(id) if id != page.id() => {
                    parent = Some(id.clone());
                    break;
                }
                _ => at = folder_above(folder),
            }
        }
        page.folder_parent = parent;
    }
}

/// A page the site needs that the root does not have: a home page when there
/// is no `content/_index.md` and no page `home`, and the credits page every
/// footer links to (the theme adds the model's details and licence to it).
fn add_missing_site_pages(pages: &mut BTreeMap<String, Page>, meta: &HandbookMeta) {
    let has_root_index = pages.values().any(|p| p.file.path == ROOT_INDEX);
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    let mut wanted = Vec::new();
    if !has_root_index && !pages.contains_key("home") {
        wanted.push((
            "home",
            format!(
                "---\nid: home\ntitle: {}\nweight: 0\n---\n",
                quote(&meta.title)
            ),
        ));
    }
    if !pages.contains_key("credits") {
        wanted.push((
            "credits",
            format!(
                "---\nid: credits\ntitle: \"Credits and licence\"\nweight: {}\n---\n",
                i64::MAX
            ),
        ));
    }
    for (id, text) in wanted {
        let file = SourceFile::new(format!("(built-in)/{id}.md"), text);
        if let Ok(page) = Page::parse(file, &mut Vec::new()) {
            pages.insert(id.to_string(), page);
        }
    }
}

/// A settings file's `address:`, normalised (see
/// [`crate::support::url::published_address`]); one that is not an absolute web
/// address of a folder is reported at its line and left out.
fn checked_address(
    file: &Arc<SourceFile>,
    address: Option<String>,
    diagnostics: &Diagnostics,
) -> Option<String> {
    let address = address?;
    match crate::support::url::published_address(&address) {
        Ok(address) => Some(address),
        Err(why) => {
            let at = crate::text::frontmatter::find_key(file, (0, file.text.len()), "address");
            diagnostics.push(
                Diagnostic::error(
                    "bad-address",
                    format!("`{address}` is not an address the edition can be published at: {why}"),
                )
                .at(file, at.0, at.1)
                .hint("write the full web address of the folder the edition's home page is in, such as `address: https://intranet.example/guidance/`"),
            );
            None
        }
    }
}

fn insert_unique(pages: &mut BTreeMap<String, Page>, page: Page, diagnostics: &Diagnostics) {
    if let Some(existing) = pages.get(page.id()) {
        diagnostics.push(
            Diagnostic::error(
                "duplicate-id",
                format!("two pages have the id `{}`", page.id()),
            )
            .in_file(&page.file)
            .hint(format!(
                "`{}` already uses it; give one of them another id",
                existing.file.path
            )),
        );
        return;
    }
    pages.insert(page.id().to_string(), page);
}

fn load_meta(root: &Path, diagnostics: &Diagnostics) -> HandbookMeta {
    let path = root.join("content").join("handbook.yaml");
    if !path.exists() {
        return HandbookMeta::fallback();
    }
    match read_source(root, &path) {
        Ok(file) => match frontmatter::parse_file::<HandbookMeta>(&file, HANDBOOK_KEYS) {
            Ok(mut meta) => {
                meta.address = checked_address(&file, meta.address.take(), diagnostics);
                meta
            }
            Err(d) => {
                diagnostics.push(d);
                HandbookMeta::fallback()
            }
        },
        Err(d) => {
            diagnostics.push(d);
            HandbookMeta::fallback()
        }
    }
}

/// Markdown files under `dir`, sorted (see [`source::walk`] for what is
/// left out or refused). A folder whose name ends in `.md` is a warning; a
/// device or pipe so named is an error.
fn markdown_files(root: &Path, dir: &Path, diagnostics: &Diagnostics) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in source::walk(root, dir, diagnostics) {
        if !entry.name.ends_with(".md") {
            continue;
        }
        match entry.kind {
            source::Kind::File => files.push(entry.path),
            source::Kind::Folder => diagnostics.push(
                Diagnostic::warning(
                    "folder-named-like-page",
                    "this is a folder whose name ends in `.md`; it is read as a folder, not as a page",
                )
                .in_path(display_path(root, &entry.path))
                .hint("rename the folder (without `.md`), or, if it should be a page, make it a file"),
            ),
            source::Kind::Other => diagnostics.push(
                Diagnostic::error(
                    "not-a-file",
                    "this is not a plain file (it is a device, a pipe or a socket), so it cannot be read as a page",
                )
                .in_path(display_path(root, &entry.path))
                .hint("remove it; pages are plain text files"),
            ),
        }
    }
    files
}

fn load_pages(
    root: &Path,
    files: Vec<PathBuf>,
    diagnostics: &Diagnostics,
    broken: &std::sync::Mutex<BTreeSet<String>>,
) -> Vec<Page> {
    files
        .into_par_iter()
        .filter_map(|path| {
            let file = match read_source(root, &path) {
                Ok(file) => file,
                Err(d) => {
                    diagnostics.push(d);
                    return None;
                }
            };
            let mut problems = Vec::new();
            let page = Page::parse(Arc::clone(&file), &mut problems);
            diagnostics.extend(problems);
            if page.is_err() {
                if let Some(id) = salvage_id(&file.text) {
                    broken.locked().insert(id);
                }
            }
            page.map_err(|d| diagnostics.push(d)).ok()
        })
        .collect()
}

/// The `id:` of a page whose front matter could not be parsed, if a line gives it plainly.
fn salvage_id(text: &str) -> Option<String> {
    text.lines()
        .take(60)
        .find_map(|line| line.strip_prefix("id:"))
        .map(|id| id.trim().trim_matches(['"', '\'']).to_string())
        .filter(|id| crate::text::markdown::is_valid_id(id))
}

fn parse_each<T: Send>(
    root: &Path,
    files: Vec<PathBuf>,
    diagnostics: &Diagnostics,
    parse: impl Fn(Arc<SourceFile>) -> Result<T, Diagnostic> + Sync,
) -> Vec<T> {
    files
        .into_par_iter()
        .filter_map(|path| match read_source(root, &path).and_then(&parse) {
            Ok(value) => Some(value),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        })
        .collect()
}

/// The slugs of the authority folders under `local-overrides/`, sorted.
pub fn authority_slugs(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("local-overrides")) else {
        return Vec::new();
    };
    let mut slugs: Vec<String> = entries
        .filter_map(Result::ok)
        // Anything named `authority.yaml` makes an authority, so that one that
        // cannot be read (a folder, a pipe, a broken link) is reported, not skipped.
        .filter(|e| e.path().join("authority.yaml").symlink_metadata().is_ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|s| !s.starts_with('.'))
        .collect();
    slugs.sort();
    slugs
}

fn load_authorities(
    root: &Path,
    selection: &Selection,
    diagnostics: &Diagnostics,
) -> Vec<(Authority, Vec<Translation>)> {
    let known = authority_slugs(root);
    let slugs = match selection {
        Selection::All => {
            for slug in folders_without_settings(root, &known) {
                report_folder_without_settings(root, &slug, diagnostics);
            }
            known.clone()
        }
        Selection::Only(wanted) => {
            let unset = folders_without_settings(root, &known);
            for slug in wanted {
                if unset.contains(slug) {
                    report_folder_without_settings(root, slug, diagnostics);
                } else if !known.contains(slug) {
                    diagnostics.push(
                        Diagnostic::error("unknown-authority", format!("there is no authority `{slug}`"))
                            .hint(crate::support::diagnostic::did_you_mean(
                                slug,
                                known.iter().map(String::as_str),
                                "authorities are the folders under `local-overrides/` that hold an `authority.yaml`",
                            )),
                    );
                }
            }
            wanted
                .iter()
                .filter(|s| known.contains(s))
                .cloned()
                .collect()
        }
    };
    slugs
        .par_iter()
        .filter_map(|slug| load_authority(root, slug, diagnostics))
        .collect()
}

/// The folders under `local-overrides/` that hold no `authority.yaml`
/// (hidden folders and plain files aside), sorted.
fn folders_without_settings(root: &Path, known: &[String]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("local-overrides")) else {
        return Vec::new();
    };
    let mut slugs: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|s| !s.starts_with('.') && !known.contains(s))
        .collect();
    slugs.sort();
    slugs
}

/// Reports a folder under `local-overrides/` that has no `authority.yaml`:
/// an error when it holds an authority's files (its edition would be
/// silently missing), a warning when it holds nothing an authority has.
fn report_folder_without_settings(root: &Path, slug: &str, diagnostics: &Diagnostics) {
    let dir = root.join("local-overrides").join(slug);
    let shown = format!("{}/", display_path(root, &dir));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    let misnamed = names.iter().find(|n| {
        let lower = n.to_ascii_lowercase();
        lower.starts_with("authority.") || lower.starts_with("authority-") || lower == "authority"
    });
    const PARTS: &[&str] = &[
        "overrides",
        "examples",
        "pages",
        "templates",
        "static",
        "model-snapshots",
    ];
    let parts: Vec<&String> = names
        .iter()
        .filter(|n| PARTS.contains(&n.as_str()))
        .collect();
    let diagnostic = if let Some(misnamed) = misnamed {
        Diagnostic::error(
            "no-authority-settings",
            format!("the authority folder `{slug}` has `{misnamed}` but no `authority.yaml`, so its edition cannot be built"),
        )
        .hint(format!("rename `{misnamed}` to `authority.yaml` (all lowercase, ending `.yaml`)"))
    } else if !parts.is_empty() {
        Diagnostic::error(
            "no-authority-settings",
            format!(
                "the authority folder `{slug}` has {} but no `authority.yaml`, so its edition cannot be built",
                parts.iter().map(|p| format!("`{p}/`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .hint(format!("add `local-overrides/{slug}/authority.yaml` with the authority's name, jurisdiction, service and accessibility contact (`handbook new-authority` writes one to copy from), or move the folder out of `local-overrides/` if it is not an authority"))
    } else {
        Diagnostic::warning(
            "no-authority-settings",
            format!("the folder `{slug}` under `local-overrides/` has no `authority.yaml`, so it is not an authority and makes no edition"),
        )
        .hint("remove the folder, or add an `authority.yaml` to make it an authority's edition")
    };
    diagnostics.push(diagnostic.in_path(shown));
}

fn load_authority(
    root: &Path,
    slug: &str,
    diagnostics: &Diagnostics,
) -> Option<(Authority, Vec<Translation>)> {
    let dir = root.join("local-overrides").join(slug);
    if !crate::text::markdown::is_valid_id(slug)
        || crate::support::names::unsafe_name(slug).is_some()
    {
        diagnostics.push(
            Diagnostic::error(
                "bad-slug",
                format!("`{slug}` cannot be used as an authority folder name"),
            )
            .in_path(display_path(root, &dir))
            .hint("use lowercase letters, digits and single hyphens, such as `exampleshire` (not a name Windows reserves, such as `con` or `aux`)"),
        );
        return None;
    }
    let config_file = match read_source(root, &dir.join("authority.yaml")) {
        Ok(file) => file,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let config = match frontmatter::parse_file::<AuthorityConfig>(&config_file, AUTHORITY_KEYS) {
        Ok(config) => config,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let mut config = config;
    config.address = checked_address(&config_file, config.address.take(), diagnostics);
    check_languages(&config, &config_file, diagnostics);
    let in_folders = |folder: &str| {
        let (own, translations): (Vec<PathBuf>, Vec<PathBuf>) =
            markdown_files(root, &dir.join(folder), diagnostics)
                .into_iter()
                .partition(|p| translation::file_language(&p.to_string_lossy()).is_none());
        (own, translations)
    };
    let (override_files, mut translation_files) = in_folders("overrides");
    let (example_files, more) = in_folders("examples");
    translation_files.extend(more);
    let (page_files, more) = in_folders("pages");
    translation_files.extend(more);
    translation_files.extend(markdown_files(
        root,
        &dir.join(translation::TRANSLATIONS_DIR),
        diagnostics,
    ));
    let overrides = parse_each(root, override_files, diagnostics, Override::parse);
    let examples = parse_each(root, example_files, diagnostics, Example::parse);
    let broken = std::sync::Mutex::new(BTreeSet::new());
    let pages = load_pages(root, page_files, diagnostics, &broken);
    let shown_dir = display_path(root, &dir);
    let translations = parse_each(root, translation_files, diagnostics, |file| {
        translation::parse(file, &shown_dir)
    });
    let translations = in_languages_of(&config, translations, diagnostics);
    let authority = Authority {
        slug: slug.to_string(),
        config,
        config_file,
        overrides,
        examples,
        pages,
        broken_page_ids: broken.into_value(),
        dir,
    };
    diagnostics.extend(authority.unfinished());
    Some((authority, translations))
}

/// Reports a `languages:` list Handbook cannot publish: one that names a
/// language twice, or whose first (the default) is not English, the
/// language of the model guidance.
fn check_languages(config: &AuthorityConfig, file: &Arc<SourceFile>, diagnostics: &Diagnostics) {
    let languages = &config.languages;
    let at = crate::text::frontmatter::find_key(file, (0, file.text.len()), "languages");
    let twice = languages
        .iter()
        .enumerate()
        .any(|(i, l)| languages[..i].contains(l));
    if twice {
        diagnostics.push(
            Diagnostic::error("languages", "`languages` names a language twice")
                .at(file, at.0, at.1)
                .hint("list each language once, the default first, such as `languages: [en, cy]`"),
        );
    }
    if languages.first().is_some_and(|l| *l != Lang::En) {
        diagnostics.push(
            Diagnostic::error("languages", "the first of `languages` is the edition's default language, and it must be `en`: the model guidance is in English")
                .at(file, at.0, at.1)
                .hint("write `languages: [en, cy]`; Welsh pages are translations of the English"),
        );
    }
}

/// The translations whose language is one of the edition's languages other
/// than its default; each other one is an error at its file.
fn in_languages_of(
    config: &AuthorityConfig,
    translations: Vec<Translation>,
    diagnostics: &Diagnostics,
) -> Vec<Translation> {
    let languages = config.languages();
    translations
        .into_iter()
        .filter(|t| {
            let other = languages[1..].contains(&t.lang);
            if !other {
                let (message, hint) = if languages[0] == t.lang {
                    (
                        format!("this is a translation into {}, the edition's default language", t.lang.english_name()),
                        "the default language's text is the file without a language tag; delete this file or move its text there".to_string(),
                    )
                } else {
                    (
                        format!("this is a translation into {} (`{}`), which is not one of this edition's languages", t.lang.english_name(), t.lang.code()),
                        format!("add `{}` to `languages:` in authority.yaml, such as `languages: [en, {}]`, or delete this file", t.lang.code(), t.lang.code()),
                    )
                };
                diagnostics.push(
                    Diagnostic::error("translation-language", message)
                        .at(&t.file, 0, 0)
                        .hint(hint),
                );
            }
            other
        })
        .collect()
}

/// What [`reload`] re-read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reloaded {
    /// Ids of pages (model or local) whose front matter is as it was: only
    /// their Markdown changed.
    pub bodies: Vec<String>,
    /// Whether anything else changed (front matter, overrides, examples).
    pub more: bool,
}

/// Re-reads changed files into `sources` in place, for a preview that
/// rebuilds on save. Handles files that were read before and are still
/// there, still valid and keep their ids (pages, overrides and examples,
/// which is what an edit is); returns `None`, changing nothing, for
/// anything else (a new, deleted or broken file, a changed id, settings,
/// templates), when the caller must load the root again.
pub fn reload(sources: &mut Sources, changed: &[PathBuf]) -> Option<Reloaded> {
    // An edition in several languages is read again whole: its other
    // languages are made from the files of all of them.
    if !sources.translated.is_empty() {
        return None;
    }
    let read = read_changed(&sources.root, changed)?;
    // Parse everything first, so a failure leaves `sources` as it was.
    let parsed = read
        .into_iter()
        .map(|(shown, file)| parse_changed(sources, &shown, file))
        .collect::<Option<Vec<Reparsed>>>()?;
    let has_model_pages = parsed.iter().any(|p| matches!(p, Reparsed::ModelPage(_)));
    if has_model_pages && Arc::get_mut(&mut sources.model).is_none() {
        return None;
    }
    Some(put_back(sources, parsed))
}

/// A changed file parsed again, with where it goes in the sources.
enum Reparsed {
    /// A model page.
    ModelPage(Page),
    /// The override at this index of the authority at that index.
    Override(usize, usize, Override),
    /// The example at this index of the authority at that index.
    Example(usize, usize, Example),
    /// The local page at this index of the authority at that index.
    LocalPage(usize, usize, Page),
    /// A file of an authority the sources do not hold: nothing to do.
    NotShown,
}

/// The changed files, read, with their paths as shown; `None` when one is
/// not a Markdown file that is still there and can be read. Folders are
/// passed over: a file added to or taken from one comes with its own change.
fn read_changed(root: &Path, changed: &[PathBuf]) -> Option<Vec<(String, Arc<SourceFile>)>> {
    let mut read = Vec::with_capacity(changed.len());
    for path in changed {
        if path.is_dir() {
            continue;
        }
        let shown = display_path(root, path);
        if !shown.ends_with(".md") || !path.is_file() {
            return None;
        }
        read.push((shown, read_source(root, path).ok()?));
    }
    Some(read)
}

/// A page parsed again, if it parses without problems and keeps its id.
fn reparse_page(file: Arc<SourceFile>, id: &str) -> Option<Page> {
    let mut problems = Vec::new();
    Page::parse(file, &mut problems)
        .ok()
        .filter(|p| problems.is_empty() && p.id() == id)
}

/// A changed file parsed as what it was read as before (a model page, or
/// an authority's override, example or local page); `None` when it was not
/// read before, or no longer parses as the same thing.
fn parse_changed(sources: &Sources, shown: &str, file: Arc<SourceFile>) -> Option<Reparsed> {
    if let Some(old) = sources.model.pages.values().find(|p| p.file.path == shown) {
        let mut page = reparse_page(file, old.id())?;
        page.folder_parent = old.folder_parent.clone();
        return Some(Reparsed::ModelPage(page));
    }
    for (a, authority) in sources.authorities.iter().enumerate() {
        if let Some(i) = authority
            .overrides
            .iter()
            .position(|o| o.file.path == shown)
        {
            return Override::parse(file)
                .ok()
                .map(|o| Reparsed::Override(a, i, o));
        }
        if let Some(i) = authority.examples.iter().position(|e| e.file.path == shown) {
            return Example::parse(file)
                .ok()
                .filter(|e| e.id == authority.examples[i].id)
                .map(|e| Reparsed::Example(a, i, e));
        }
        if let Some(i) = authority.pages.iter().position(|p| p.file.path == shown) {
            return reparse_page(file, authority.pages[i].id())
                .map(|p| Reparsed::LocalPage(a, i, p));
        }
    }
    let shown_authority = sources
        .authorities
        .iter()
        .any(|a| shown.starts_with(&format!("local-overrides/{}/", a.slug)));
    (shown.starts_with("local-overrides/") && !shown_authority).then_some(Reparsed::NotShown)
}

/// Puts the parsed files in place of the ones they were read from, noting
/// which pages changed only in their Markdown. The model must not be shared
/// when it has pages among them.
fn put_back(sources: &mut Sources, parsed: Vec<Reparsed>) -> Reloaded {
    let mut reloaded = Reloaded::default();
    for p in parsed {
        match p {
            Reparsed::ModelPage(page) => {
                if let Some(model) = Arc::get_mut(&mut sources.model) {
                    if let Some(old) = model.pages.get(page.id()) {
                        reloaded.note(old, &page);
                    }
                    model.pages.insert(page.id().to_string(), page);
                }
            }
            Reparsed::Override(a, i, o) => {
                reloaded.more = true;
                sources.authorities[a].overrides[i] = o;
            }
            Reparsed::Example(a, i, e) => {
                reloaded.more = true;
                sources.authorities[a].examples[i] = e;
            }
            Reparsed::LocalPage(a, i, p) => {
                reloaded.note(&sources.authorities[a].pages[i], &p);
                sources.authorities[a].pages[i] = p;
            }
            Reparsed::NotShown => {}
        }
    }
    reloaded
}

impl Reloaded {
    /// Notes a page read again: a body change when its front matter is as
    /// it was, something more otherwise.
    fn note(&mut self, old: &Page, new: &Page) {
        if old.file.text[..old.body_start] == new.file.text[..new.body_start] {
            self.bodies.push(new.id().to_string());
        } else {
            self.more = true;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A page parsed from `text`, as if read from `path`.
    pub(crate) fn page(path: &str, text: &str) -> Page {
        Page::parse(SourceFile::new(path, text.to_string()), &mut Vec::new()).unwrap()
    }

    /// A model of these pages, with the settings of a root without `handbook.yaml`.
    pub(crate) fn model_of(pages: Vec<Page>) -> Model {
        Model {
            meta: HandbookMeta::fallback(),
            pages: pages.into_iter().map(|p| (p.id().to_string(), p)).collect(),
            broken_ids: BTreeSet::new(),
        }
    }

    /// A temporary root with these files (relative path, text).
    pub(crate) fn root_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn page_text(id: &str, title: &str, body: &str) -> String {
        format!("---\nid: {id}\ntitle: {title}\n---\n{body}")
    }

    /// A root of a home page, a page beside it and a folder of two pages,
    /// and the authority `x` with one override, one example and one page.
    fn small_root() -> tempfile::TempDir {
        root_with(&[
            (
                "content/_index.md",
                &page_text("start", "Start", "Welcome.\n"),
            ),
            (
                "content/about.md",
                &page_text("about", "About", "About text.\n"),
            ),
            (
                "content/guide/_index.md",
                &page_text("guide", "Guide", "Guide text.\n"),
            ),
            (
                "content/guide/step.md",
                &page_text("step", "A step", "Step text.\n"),
            ),
            (
                "content/guide/deeper/_index.md",
                &page_text("deeper", "Deeper", "Deep.\n"),
            ),
            (
                "local-overrides/x/authority.yaml",
                crate::model::authority::tests::SETTINGS,
            ),
            (
                OVERRIDE,
                "---\ntarget: about\naction: append\n---\nLocal about.\n",
            ),
            (
                "local-overrides/x/examples/ex-one.md",
                "---\nid: ex-one\ntitle: One\nattach: [step]\n---\nExample text.\n",
            ),
            (
                LOCAL_PAGE,
                "---\nid: local\ntitle: Local\nparent: guide\n---\nLocal text.\n",
            ),
        ])
    }

    fn load_all(root: &Path) -> (Sources, Vec<Diagnostic>) {
        let diagnostics = Diagnostics::new();
        let sources = load(root, &Selection::All, &diagnostics);
        (sources, diagnostics.into_sorted())
    }

    #[test]
    fn pages_authorities_and_folder_parents_are_read() {
        let dir = small_root();
        let (sources, problems) = load_all(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        let model = &sources.model;
        let ids: Vec<&str> = model.pages.keys().map(String::as_str).collect();
        // The credits page every footer links to is made when the root has none.
        assert_eq!(
            ids,
            ["about", "credits", "deeper", "guide", "start", "step"]
        );
        assert_eq!(model.home(), "start");
        assert_eq!(model.meta.title, HandbookMeta::fallback().title);
        let parent = |id: &str| model.pages[id].folder_parent.as_deref();
        assert_eq!(parent("start"), None, "home sits under nothing");
        assert_eq!(parent("about"), Some("start"));
        assert_eq!(
            parent("guide"),
            Some("start"),
            "a folder's page sits above it"
        );
        assert_eq!(parent("step"), Some("guide"));
        assert_eq!(parent("deeper"), Some("guide"));
        assert_eq!(model.pages["step"].file.path, "content/guide/step.md");
        assert_eq!(model.pages["step"].body(), "Step text.\n");

        assert_eq!(sources.authorities.len(), 1);
        let x = &sources.authorities[0];
        assert_eq!(x.slug, "x");
        assert_eq!(x.config.name, "X Council");
        assert_eq!(
            x.overrides[0].file.path,
            "local-overrides/x/overrides/about.md"
        );
        assert_eq!(x.examples[0].id, "ex-one");
        assert_eq!(x.pages[0].id(), "local");
    }

    #[test]
    fn a_root_without_a_home_page_gets_one_from_its_settings() {
        let dir = root_with(&[
            ("content/handbook.yaml", "title: Our guide\npublisher: P\nversion: \"1\"\ndate: 2026-01-01\nlicence: L\nattribution: A\n"),
            ("content/a.md", &page_text("a", "A", "Text.\n")),
        ]);
        let (sources, problems) = load_all(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(sources.model.meta.title, "Our guide");
        assert_eq!(sources.model.home(), "home");
        assert_eq!(sources.model.pages["home"].meta.title, "Our guide");
        assert!(sources.authorities.is_empty());
    }

    #[test]
    fn broken_files_are_reported_with_their_paths_and_left_out() {
        let dir = small_root();
        let content = dir.path().join("content");
        std::fs::write(
            content.join("latin1.md"),
            b"---\nid: latin\ntitle: Caf\xe9\n---\n",
        )
        .unwrap();
        std::fs::write(content.join("twice.md"), page_text("about", "Again", "")).unwrap();
        std::fs::write(
            content.join("bad.md"),
            "---\nid: bad\ntitle: [unclosed\n---\n",
        )
        .unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(content.join("nowhere.md"), content.join("gone.md")).unwrap();
        let (sources, problems) = load_all(dir.path());
        let found: Vec<(&str, Option<&str>)> =
            problems.iter().map(|p| (p.code, p.file_path())).collect();
        let mut expected = vec![
            ("not-utf8", Some("content/latin1.md:3")),
            ("duplicate-id", Some("content/twice.md")),
        ];
        #[cfg(unix)]
        expected.push(("unreadable", Some("content/gone.md")));
        for want in expected {
            assert!(found.contains(&want), "{want:?} not in {found:?}");
        }
        let bad = problems
            .iter()
            .find(|p| p.file_path() == Some("content/bad.md"))
            .expect("the page with broken front matter is reported");
        assert_eq!(bad.line_col().map(|(line, _)| line), Some(3));
        // What could be read is still there; the broken page's id is
        // remembered, so links to it are not reported twice.
        assert_eq!(sources.model.pages["about"].meta.title, "About");
        assert!(!sources.model.pages.contains_key("latin"));
        assert!(sources.model.broken_ids.contains("bad"));
    }

    #[test]
    fn files_editors_leave_behind_are_ignored_without_a_word() {
        let dir = small_root();
        let content = dir.path().join("content");
        #[cfg(unix)]
        std::os::unix::fs::symlink("root@host.1234:1700000000", content.join(".#about.md"))
            .unwrap();
        for name in [
            "about.md~",
            ".DS_Store",
            "Thumbs.db",
            "4913",
            "guide/.step.md.swp",
        ] {
            std::fs::write(content.join(name), "\0 not a page").unwrap();
        }
        let (sources, problems) = load_all(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(sources.model.pages.len(), 6);
        assert_eq!(sources.model.pages["about"].body(), "About text.\n");
    }

    #[test]
    fn an_unknown_authority_and_a_folder_without_settings_are_reported() {
        let dir = small_root();
        std::fs::create_dir_all(dir.path().join("local-overrides/y/overrides")).unwrap();
        let diagnostics = Diagnostics::new();
        let only = Selection::Only(vec!["z".into(), "x".into()]);
        let sources = load(dir.path(), &only, &diagnostics);
        assert_eq!(sources.authorities.len(), 1);
        let problems = diagnostics.into_sorted();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "unknown-authority");
        assert!(problems[0].message.contains("`z`"));
        assert!(problems[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("local-overrides/"));
        let (_, problems) = load_all(dir.path());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "no-authority-settings");
        assert_eq!(problems[0].file_path(), Some("local-overrides/y/"));
    }

    /// The small root, loaded, to save files into and reload them.
    struct Saving {
        dir: tempfile::TempDir,
        sources: Sources,
    }

    impl Saving {
        fn new(selection: Selection) -> Self {
            let dir = small_root();
            let sources = load(dir.path(), &selection, &Diagnostics::new());
            Self { dir, sources }
        }

        /// Writes each `(relative path, text)` and reloads them all.
        fn save(&mut self, files: &[(&str, &str)]) -> Option<Reloaded> {
            let paths: Vec<PathBuf> = files
                .iter()
                .map(|(relative, text)| {
                    let path = self.dir.path().join(relative);
                    std::fs::write(&path, text).unwrap();
                    path
                })
                .collect();
            reload(&mut self.sources, &paths)
        }

        fn body(&self, id: &str) -> &str {
            self.sources.model.pages[id].body()
        }
    }

    const LOCAL_PAGE: &str = "local-overrides/x/pages/local.md";
    const OVERRIDE: &str = "local-overrides/x/overrides/about.md";
    const PREPEND: &str = "---\ntarget: about\naction: prepend\n---\nLocal about.\n";

    #[test]
    fn reload_reads_a_changed_body_in_place() {
        let mut saving = Saving::new(Selection::All);
        let step = page_text("step", "A step", "New step text.\n");
        let local = "---\nid: local\ntitle: Local\nparent: guide\n---\nNew local text.\n";
        let reloaded = saving.save(&[("content/guide/step.md", &step), (LOCAL_PAGE, local)]);
        let reloaded = reloaded.expect("an edit is reloaded");
        assert_eq!(reloaded.bodies, ["step", "local"]);
        assert!(!reloaded.more, "only bodies changed");
        assert_eq!(saving.body("step"), "New step text.\n");
        let parent = saving.sources.model.pages["step"].folder_parent.as_deref();
        assert_eq!(parent, Some("guide"), "its place is kept");
        let local = &saving.sources.authorities[0].pages[0];
        assert_eq!(local.body(), "New local text.\n");
    }

    #[test]
    fn reload_tells_front_matter_overrides_and_examples_apart_from_bodies() {
        let mut saving = Saving::new(Selection::All);
        let about = page_text("about", "About us", "About text.\n");
        let reloaded = saving.save(&[("content/about.md", &about)]).unwrap();
        assert!(reloaded.bodies.is_empty() && reloaded.more);
        assert_eq!(saving.sources.model.pages["about"].meta.title, "About us");

        let example = "---\nid: ex-one\ntitle: One, again\nattach: [step]\n---\nExample.\n";
        let example_file = "local-overrides/x/examples/ex-one.md";
        let reloaded = saving.save(&[(OVERRIDE, PREPEND), (example_file, example)]);
        assert!(reloaded.unwrap().more);
        let x = &saving.sources.authorities[0];
        assert_eq!(
            x.overrides[0].action,
            crate::model::authority::Action::Prepend
        );
        assert_eq!(x.examples[0].title, "One, again");
    }

    #[test]
    fn reload_gives_up_on_new_deleted_renamed_or_broken_files_and_changes_nothing() {
        let mut saving = Saving::new(Selection::All);
        let edited = page_text("about", "About", "Edited.\n");
        let new = page_text("new", "New", "New.\n");
        let both = [
            ("content/about.md", edited.as_str()),
            ("content/new.md", &new),
        ];
        assert_eq!(saving.save(&both), None, "a new file");
        assert_eq!(saving.body("about"), "About text.\n", "nothing changed");

        let deleted = saving.dir.path().join("content/guide/step.md");
        std::fs::remove_file(&deleted).unwrap();
        assert_eq!(
            reload(&mut saving.sources, &[deleted]),
            None,
            "a deleted file"
        );

        let renamed = page_text("about-us", "About", "");
        assert_eq!(
            saving.save(&[("content/about.md", &renamed)]),
            None,
            "a changed id"
        );
        let broken = "---\nid: about\ntitle: [\n---\n";
        assert_eq!(
            saving.save(&[("content/about.md", broken)]),
            None,
            "a broken file"
        );
        let settings = (
            "local-overrides/x/authority.yaml",
            crate::model::authority::tests::SETTINGS,
        );
        assert_eq!(saving.save(&[settings]), None, "settings");
        assert!(saving.sources.model.pages.contains_key("step"));
        assert_eq!(saving.body("about"), "About text.\n");
    }

    #[test]
    fn reload_ignores_an_authority_the_preview_does_not_show() {
        let mut saving = Saving::new(Selection::Only(Vec::new()));
        assert!(saving.sources.authorities.is_empty());
        let reloaded = saving.save(&[(OVERRIDE, PREPEND)]);
        assert_eq!(reloaded, Some(Reloaded::default()));
    }
}
