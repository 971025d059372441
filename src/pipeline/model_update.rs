//! `handbook update-model`: takes the model guidance carried by the
//! installed Handbook into a root's `content/`.
//!
//! The steps, in order:
//! 1. Read `content/` and its record (`content/model-fingerprints.yaml`,
//!    `crate::model::shipped`). A file whose fingerprint differs from the
//!    record, a file the record lacks and a recorded file that is gone are
//!    changes made in the root: the update is refused, naming them, unless
//!    the policy lead asked to discard them. A root with no record (made
//!    before Handbook kept one, or copied by hand) cannot tell an older
//!    model from its own edits, so any file that differs from the new model
//!    counts as changed.
//! 2. Make the updated root in a temporary folder (the new model, with the
//!    root's own settings of `handbook.yaml` kept, beside a copy of
//!    `local-overrides/`), and compare its model with the root's
//!    ([`super::model_changes`]).
//! 3. For each authority, list what is due for a review after the update
//!    and was not before: overrides and notes whose model text changed,
//!    translations whose English did, with the drift module's own rules
//!    (`crate::stages::overlay::drift`), and the errors the new model gives
//!    the edition (an override of a section the model no longer has).
//! 4. Unless it is a dry run, write the new model and its record into
//!    `content/`, and delete the old model's files the new one lacks.
//!
//! Writes only under `content/`: never `local-overrides/`, never anything
//! else in the root. Prints nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::shipped::{self, ModelFingerprints, FINGERPRINTS_FILE};
use crate::stages::load::{self, Selection};
use crate::stages::overlay::drift::{self, Review};
use crate::support::diagnostic::{Diagnostic, Diagnostics, Severity};

use super::model_changes::{self, ModelChanges};

/// What `handbook update-model` is asked.
#[derive(Debug, Clone)]
pub struct UpdateRequest<'m> {
    /// The handbook root.
    pub root: PathBuf,
    /// The newer model's files (by path inside `content/`): the one built
    /// into Handbook, [`shipped::built_in_files`].
    pub model: &'m [(&'m str, &'m [u8])],
    /// Whether to write it (`false` for `--dry-run`).
    pub write: bool,
    /// Whether changes made in the root's `content/` may be overwritten.
    pub discard_local_edits: bool,
}

/// How a file of `content/` differs from the model recorded for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalEditKind {
    /// Its text differs.
    Changed,
    /// The model has no such file.
    Added,
    /// The model's file is gone.
    Deleted,
}

/// A change made in the root's `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEdit {
    /// The file, from the root (`content/step-3.md`).
    pub file: String,
    /// How it differs.
    pub kind: LocalEditKind,
}

/// Why the model was not updated. Nothing was written.
#[derive(Debug)]
pub enum Refused {
    /// The folder is not a handbook root.
    NotARoot(PathBuf),
    /// `content/` has changes made in the root, which the update would
    /// overwrite. `recorded` is whether the root has a record of its model:
    /// without one, every file that differs from the new model is listed.
    LocalEdits {
        /// The files.
        edits: Vec<LocalEdit>,
        /// Whether the root has a record of its model.
        recorded: bool,
    },
    /// The record cannot be read.
    BadRecord(Diagnostic),
    /// A file could not be read or written (it names the file).
    Io(std::io::Error),
}

/// What is due for a review, as the update list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The file, from the root.
    pub file: String,
    /// How it is named to `handbook accept` (its path under the
    /// authority's folder or `overrides/`).
    pub accept_name: String,
    /// `None` for a translation; else the override's action (`replace`,
    /// `note`, …).
    pub action: Option<&'static str>,
    /// What it is of: an override's target, a translation's source file.
    pub of: String,
    /// Whether it was never reviewed, or its text changed.
    pub review: Review,
}

/// One authority's reviews after the update.
#[derive(Debug, Clone)]
pub struct AuthorityReviews {
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Due because of this update.
    pub due_now: Vec<Due>,
    /// Due before the update already, and still.
    pub waiting: Vec<Due>,
    /// Errors its edition has with the new model and had not before.
    pub problems: Vec<Diagnostic>,
}

/// The files of `content/` the update writes and deletes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileChanges {
    /// New files, from the root.
    pub added: Vec<String>,
    /// Files whose text changes.
    pub changed: Vec<String>,
    /// Files deleted.
    pub removed: Vec<String>,
}

/// What `handbook update-model` found, and did.
#[derive(Debug)]
pub struct ModelUpdate {
    /// The root's record of its model before the update, if it had one.
    pub before: Option<ModelFingerprints>,
    /// The record of the new model.
    pub after: ModelFingerprints,
    /// Whether the root already held the new model (nothing to do).
    pub current: bool,
    /// What changed in the model.
    pub changes: ModelChanges,
    /// The files of `content/` written and deleted.
    pub files: FileChanges,
    /// The root's own settings of `handbook.yaml`, kept.
    pub kept: Vec<String>,
    /// Changes made in the root that the update overwrote (asked for).
    pub discarded: Vec<LocalEdit>,
    /// Each authority's reviews after the update.
    pub reviews: Vec<AuthorityReviews>,
    /// Whether anything was written (`false` on a dry run).
    pub written: bool,
}

/// Runs `handbook update-model`.
pub fn update_model(request: &UpdateRequest) -> Result<ModelUpdate, Refused> {
    let root = &request.root;
    let content = root.join("content");
    if !content.is_dir() || !root.join("local-overrides").is_dir() {
        return Err(Refused::NotARoot(root.clone()));
    }
    let present = content_files(&content).map_err(Refused::Io)?;
    let before = read_record(&content)?;
    let after = ModelFingerprints::of(request.model.iter().copied());
    let edits = local_edits(&present, before.as_ref(), &after);
    if !edits.is_empty() && !request.discard_local_edits {
        return Err(Refused::LocalEdits {
            edits,
            recorded: before.is_some(),
        });
    }
    let kept = present
        .get("handbook.yaml")
        .map(|bytes| shipped::own_settings(&String::from_utf8_lossy(bytes)))
        .unwrap_or_default();
    let new_files = new_content(request.model, &kept);
    let files = file_changes(&present, &new_files);
    let current =
        files == FileChanges::default() && before.as_ref().is_some_and(|b| b.files == after.files);
    let mut update = ModelUpdate {
        before,
        after,
        current,
        changes: ModelChanges::default(),
        files,
        kept,
        discarded: edits,
        reviews: Vec::new(),
        written: false,
    };
    if update.files != FileChanges::default() {
        let updated = updated_root(root, &new_files).map_err(Refused::Io)?;
        update.changes = compare_models(root, updated.path());
        update.reviews = reviews(root, updated.path());
    }
    if request.write && !update.current {
        write(&content, &new_files, &update.files, &update.after).map_err(Refused::Io)?;
        update.written = true;
    }
    Ok(update)
}

/// The files of `content/` by their `/`-separated path inside it, but the
/// record, hidden files (`.DS_Store`) and anything that is not a plain file.
fn content_files(content: &Path) -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    let mut found = BTreeMap::new();
    let mut folders = vec![content.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|e| crate::support::source::naming(&folder, e))?;
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type()?;
            if name.starts_with('.') || kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() {
                let relative = inside(content, &path);
                if relative != FINGERPRINTS_FILE {
                    let bytes = std::fs::read(&path)
                        .map_err(|e| crate::support::source::naming(&path, e))?;
                    found.insert(relative, bytes);
                }
            }
        }
    }
    Ok(found)
}

/// `path`'s `/`-separated path inside `base`.
fn inside(base: &Path, path: &Path) -> String {
    let parts: Vec<String> = path
        .strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The root's record of its model, if it has one.
fn read_record(content: &Path) -> Result<Option<ModelFingerprints>, Refused> {
    let path = content.join(FINGERPRINTS_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let root = content.parent().unwrap_or(content);
    let file = crate::support::source::read_source(root, &path).map_err(Refused::BadRecord)?;
    ModelFingerprints::parse(&file)
        .map(Some)
        .map_err(Refused::BadRecord)
}

/// The files of `present` that are neither the root's recorded model's
/// (`record`) nor the new model's (`new`), by path from the root: changes
/// made in the root. Without a record, a file the root lacks may be one an
/// older model did not have, so only a recorded file that is gone counts
/// as deleted.
fn local_edits(
    present: &BTreeMap<String, Vec<u8>>,
    record: Option<&ModelFingerprints>,
    new: &ModelFingerprints,
) -> Vec<LocalEdit> {
    let known: Vec<&ModelFingerprints> = record.into_iter().chain([new]).collect();
    let mut edits = Vec::new();
    for (name, bytes) in present {
        let fingerprint = shipped::file_fingerprint(name, bytes);
        if known
            .iter()
            .any(|k| k.files.get(name) == Some(&fingerprint))
        {
            continue;
        }
        let kind = if known.iter().any(|k| k.files.contains_key(name)) {
            LocalEditKind::Changed
        } else {
            LocalEditKind::Added
        };
        edits.push(LocalEdit {
            file: format!("content/{name}"),
            kind,
        });
    }
    for name in record.iter().flat_map(|r| r.files.keys()) {
        if !present.contains_key(name) && new.files.contains_key(name) {
            edits.push(LocalEdit {
                file: format!("content/{name}"),
                kind: LocalEditKind::Deleted,
            });
        }
    }
    edits.sort_by(|a, b| a.file.cmp(&b.file));
    edits
}

/// The new model's files as they are written, with the root's own
/// settings kept in `handbook.yaml`.
fn new_content(model: &[(&str, &[u8])], kept: &[String]) -> BTreeMap<String, Vec<u8>> {
    model
        .iter()
        .filter(|(name, _)| *name != FINGERPRINTS_FILE)
        .map(|&(name, bytes)| {
            let bytes = if name == "handbook.yaml" && !kept.is_empty() {
                shipped::with_own_settings(&String::from_utf8_lossy(bytes), kept).into_bytes()
            } else {
                bytes.to_vec()
            };
            (name.to_string(), bytes)
        })
        .collect()
}

fn file_changes(
    present: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) -> FileChanges {
    let mut files = FileChanges::default();
    for (name, bytes) in new {
        match present.get(name) {
            None => files.added.push(format!("content/{name}")),
            Some(old) if old != bytes => files.changed.push(format!("content/{name}")),
            Some(_) => {}
        }
    }
    for name in present.keys() {
        if !new.contains_key(name) {
            files.removed.push(format!("content/{name}"));
        }
    }
    files
}

/// A temporary root with the new model beside a copy of `root`'s
/// `local-overrides/`.
fn updated_root(
    root: &Path,
    new: &BTreeMap<String, Vec<u8>>,
) -> std::io::Result<tempfile::TempDir> {
    let made = tempfile::tempdir()?;
    for (name, bytes) in new {
        let path = made.path().join("content").join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(path, bytes)?;
    }
    copy_folder(
        &root.join("local-overrides"),
        &made.path().join("local-overrides"),
    )?;
    Ok(made)
}

/// Copies the plain files and folders of `from` into `to`.
fn copy_folder(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).map_err(|e| crate::support::source::naming(from, e))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_folder(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The models of `root` and `updated`, compared.
fn compare_models(root: &Path, updated: &Path) -> ModelChanges {
    let none = Selection::Only(Vec::new());
    let before = load::load(root, &none, &Diagnostics::new());
    let after = load::load(updated, &none, &Diagnostics::new());
    model_changes::compare(&before.model, &after.model)
}

/// Each authority's reviews and errors in `updated` that `root` does not have.
fn reviews(root: &Path, updated: &Path) -> Vec<AuthorityReviews> {
    let sources = load::load(root, &Selection::All, &Diagnostics::new());
    sources
        .authorities
        .iter()
        .map(|authority| {
            let slug = &authority.slug;
            let (due_before, errors_before) = due(root, slug);
            let (due_after, errors_after) = due(updated, slug);
            let (waiting, due_now) = due_after
                .into_iter()
                .partition(|d| due_before.iter().any(|b| b.file == d.file));
            let problems = errors_after
                .into_iter()
                .filter(|e| {
                    !errors_before.iter().any(|b| {
                        b.message == e.message
                            && b.file_path() == e.file_path()
                            && b.line_col() == e.line_col()
                    })
                })
                .collect();
            AuthorityReviews {
                slug: slug.clone(),
                name: authority.config.name.clone(),
                due_now,
                waiting,
                problems,
            }
        })
        .collect()
}

/// What of authority `slug` in `root` is due for a review, and the errors
/// of its edition.
fn due(root: &Path, slug: &str) -> (Vec<Due>, Vec<Diagnostic>) {
    let dir = format!("local-overrides/{slug}/");
    let overrides = super::with_edition(root, slug, |linked| {
        drift::stale(&linked.edition)
            .into_iter()
            .map(|applied| Due {
                file: applied.over.file.path.clone(),
                accept_name: drift::file_argument(&applied.over.file.path).to_string(),
                action: Some(applied.over.action.word()),
                of: applied.over.target.to_string(),
                review: drift::review(applied),
            })
            .collect::<Vec<Due>>()
    });
    let translations =
        super::with_translations(root, slug, |_, found| drift::unreviewed_translations(found))
            .unwrap_or_default()
            .into_iter()
            .map(|t| Due {
                file: format!("{dir}{}", t.file),
                accept_name: t.file,
                action: None,
                of: t.of,
                review: t.review,
            });
    match overrides {
        Ok(mut due) => {
            due.extend(translations);
            (due, Vec::new())
        }
        Err(problems) => (
            translations.collect(),
            problems
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect(),
        ),
    }
}

/// Writes the new model into `content/`, deletes the files it lacks (and
/// folders left empty), and writes its record.
fn write(
    content: &Path,
    new: &BTreeMap<String, Vec<u8>>,
    files: &FileChanges,
    record: &ModelFingerprints,
) -> std::io::Result<()> {
    let root = content.parent().unwrap_or(content);
    for file in files.added.iter().chain(&files.changed) {
        let name = file.trim_start_matches("content/");
        let path = root.join(file);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(&path, &new[name]).map_err(|e| crate::support::source::naming(&path, e))?;
    }
    for file in &files.removed {
        let path = root.join(file);
        std::fs::remove_file(&path).map_err(|e| crate::support::source::naming(&path, e))?;
        let mut folder = path.parent();
        while let Some(f) = folder.filter(|f| *f != content) {
            if std::fs::remove_dir(f).is_err() {
                break;
            }
            folder = f.parent();
        }
    }
    let path = content.join(FINGERPRINTS_FILE);
    std::fs::write(&path, record.to_yaml()).map_err(|e| crate::support::source::naming(&path, e))
}
