//! Stage 1, load: read a handbook root from disk into [`Sources`].
//!
//! Reads `content/handbook.yaml`, every model page under `content/`, and every
//! authority folder under `local-overrides/`. Each file is checked on its own
//! (UTF-8 without NUL bytes, size, front matter; a byte-order mark and CRLF
//! line endings are accepted); problems go to the shared [`Diagnostics`] and
//! the file is left out, so one run reports every broken file. A folder
//! under `local-overrides/` without `authority.yaml` is reported, never
//! skipped silently. A layer an authority builds on (`base:`, issue 35) is
//! read even when the run did not ask for it, and every `base:` is checked
//! (`layers`). Symbolic links
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

mod documents;
pub mod history;
mod layers;
mod reload;

pub use layers::chain;

pub use reload::{reload, Reloaded};

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
    let mut loaded = load_authorities(root, selection, diagnostics);
    let bases_only = load_bases(root, &mut loaded, diagnostics);
    let (mut authorities, translations): (Vec<Authority>, Vec<Vec<Translation>>) =
        loaded.into_iter().unzip();
    layers::settle(&mut authorities, diagnostics);
    let model = Model {
        meta,
        pages: model_pages,
        broken_ids: broken.into_value(),
        removed: Default::default(),
    };
    let translated = authorities
        .iter()
        .zip(&translations)
        .flat_map(|(a, t)| in_other_languages(&model, a, t, diagnostics))
        .collect();
    Sources {
        root: root.to_path_buf(),
        model: Arc::new(model),
        authorities,
        bases_only,
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
                    removed: Default::default(),
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
            source::WalkedKind::File => files.push(entry.path),
            source::WalkedKind::Folder => diagnostics.push(
                Diagnostic::warning(
                    "folder-named-like-page",
                    "this is a folder whose name ends in `.md`; it is read as a folder, not as a page",
                )
                .in_path(display_path(root, &entry.path))
                .hint("rename the folder (without `.md`), or, if it should be a page, make it a file"),
            ),
            source::WalkedKind::Other => diagnostics.push(
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

/// Loads the layers the authorities loaded build on that the run did not
/// ask for, and the layers under those; returns their slugs.
fn load_bases(
    root: &Path,
    loaded: &mut Vec<(Authority, Vec<Translation>)>,
    diagnostics: &Diagnostics,
) -> BTreeSet<String> {
    let known = authority_slugs(root);
    let mut added = BTreeSet::new();
    loop {
        let have: Vec<&Authority> = loaded.iter().map(|(a, _)| a).collect();
        let missing = layers::missing_bases(&have, &known);
        if missing.is_empty() {
            return added;
        }
        for slug in missing {
            added.insert(slug.clone());
            match load_authority(root, &slug, diagnostics) {
                Some(found) => loaded.push(found),
                // Reported; named so the loop does not ask for it again.
                None => return added,
            }
        }
    }
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
        "documents",
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
    check_feedback(&config, &config_file, diagnostics);
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
    let documents = documents::load(root, &dir.join("documents"), diagnostics);
    let authority = Authority {
        slug: slug.to_string(),
        config,
        config_file,
        overrides,
        examples,
        pages,
        documents,
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

/// Reports each address of `feedback:` that a `mailto:` link cannot hold,
/// at its line: readers' reports of a problem would go nowhere.
fn check_feedback(config: &AuthorityConfig, file: &Arc<SourceFile>, diagnostics: &Diagnostics) {
    let feedback = &config.feedback;
    let whole = (0, file.text.len());
    let (block, _) = crate::text::frontmatter::find_key(file, whole, "feedback");
    let end = file.text.len();
    let owners = feedback.owners.iter().map(|(owner, email)| {
        let (owners_at, _) =
            crate::text::frontmatter::find_nested_key(file, (block, end), "owners");
        let at = [owner.clone(), format!("\"{owner}\""), format!("'{owner}'")]
            .iter()
            .map(|key| crate::text::frontmatter::find_nested_key(file, (owners_at, end), key))
            .find(|at| at.0 != owners_at)
            .unwrap_or((owners_at, owners_at));
        (format!("the address of `{owner}`"), email, at)
    });
    let edition = feedback.email.iter().map(|email| {
        let at = crate::text::frontmatter::find_nested_key(file, (block, end), "email");
        ("the edition's feedback address".to_string(), email, at)
    });
    for (what, email, at) in edition.chain(owners) {
        if let Some(why) = crate::model::authority::unusable_email(email) {
            diagnostics.push(
                Diagnostic::error(
                    "bad-feedback-email",
                    format!("`{email}` cannot be {what} in `feedback:`: {why}"),
                )
                .at(file, at.0, at.1)
                .hint("write one email address, such as `practice.quality@council.gov.uk`, with nothing else on the line"),
            );
        }
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

#[cfg(test)]
pub(crate) mod tests;
