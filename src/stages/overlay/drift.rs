//! Drift: noticing when the model changed under an authority's override.
//!
//! Every override records a fingerprint of the model text it was written
//! against (`model_fingerprint:` in its front matter) and a copy of that text
//! (`model-snapshots/<override>.md` in the authority's folder). `check` warns,
//! with the lines that changed, when the model text under an override no
//! longer matches; and `handbook accept SLUG FILE…` (or `--all`) records a
//! policy lead's review of the named overrides by updating both.
//!
//! Translations drift the same way (issue 17): each records the
//! fingerprint of the source-language text it was made from
//! (`source_fingerprint:`) and a copy of that text in
//! `translation-snapshots/`; [`check_translations`] warns when the source
//! changed and [`accept_translations`] records a new check.
//! [`unreviewed`] and [`unreviewed_translations`] list what is due for a
//! review, as `accept` shows it when no file is named; the order of the
//! steps of `accept` is `crate::pipeline`'s (it loads the edition).
//!
//! This module reads snapshots and, in [`accept`] and
//! [`accept_translations`], writes front matter and snapshots; nothing else.

use std::path::{Path, PathBuf};

use crate::model::authority::Authority;
use crate::model::handbook::{Model, Translated};
use crate::model::translation::{file_language, Translation};
use crate::stages::load::history::Release;
use crate::stages::overlay::{AppliedOverride, Edition};
use crate::support::diagnostic::{did_you_mean, Diagnostic};

/// The folder, inside an authority's folder, that keeps the model text each override was reviewed against.
pub const SNAPSHOT_DIR: &str = "model-snapshots";

/// The fingerprint of a piece of model text. Trailing spaces and blank
/// lines at the end do not count.
pub fn fingerprint(text: &str) -> String {
    let normal: Vec<&str> = text.lines().map(str::trim_end).collect();
    let joined = normal.join("\n");
    let hash = blake3::hash(joined.trim_end().as_bytes());
    format!("b3:{}", &hash.to_hex()[..32])
}

fn snapshot_path(authority_dir: &Path, applied: &AppliedOverride) -> PathBuf {
    // Named by the override's path under `overrides/`, so files of the same
    // name in different subfolders keep separate snapshots.
    let relative = file_argument(&applied.over.file.path);
    authority_dir
        .join(SNAPSHOT_DIR)
        .join(relative.replace('/', "__"))
}

/// Where an override stands against the model text under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Review {
    /// Reviewed against the model text as it is now.
    Current,
    /// The model text changed since the override was last reviewed.
    Changed,
    /// No review was ever recorded (no `model_fingerprint:`).
    Never,
}

/// Whether `applied`'s recorded review matches the model text under it now.
pub fn review(applied: &AppliedOverride) -> Review {
    match &applied.over.model_fingerprint {
        None => Review::Never,
        Some(recorded) if *recorded == fingerprint(&applied.model_text) => Review::Current,
        Some(_) => Review::Changed,
    }
}

/// How the model text under an override changed since its last review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelChange {
    /// Nothing changed.
    None,
    /// The changed lines with two lines either side: `- ` was, `+ ` now.
    Lines(String),
    /// The text changed, but no copy of the earlier text was kept.
    Unknown,
    /// Never reviewed: the whole model text as it is now.
    First(String),
}

impl std::fmt::Display for ModelChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelChange::None => f.write_str("(the model text has not changed)"),
            ModelChange::Lines(lines) => f.write_str(lines),
            ModelChange::Unknown => f.write_str(
                "(no copy of the earlier model text was kept, so the change cannot be shown)",
            ),
            ModelChange::First(text) => {
                let lines: Vec<String> = text.lines().map(|l| format!("  {l}")).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

/// The model change under `applied` since its last review, from the copy
/// kept in `model-snapshots/` of `authority_dir`.
pub fn model_change(authority_dir: &Path, applied: &AppliedOverride) -> ModelChange {
    match review(applied) {
        Review::Current => ModelChange::None,
        Review::Never => ModelChange::First(applied.model_text.trim_end().to_string()),
        Review::Changed => match std::fs::read_to_string(snapshot_path(authority_dir, applied)) {
            // Comments are not published: the blank comment between a
            // layer's text and the model's is left out of the change shown.
            Ok(before) => ModelChange::Lines(changed_lines(
                &crate::text::markdown::without_comments(&before),
                &crate::text::markdown::without_comments(&applied.model_text),
            )),
            Err(_) => ModelChange::Unknown,
        },
    }
}

/// The lines that differ between two texts, with two unchanged lines either
/// side and `…` between distant changes; `- ` marks a line of `before`, `+ `
/// one of `now`.
pub fn changed_lines(before: &str, now: &str) -> String {
    let diff = similar::TextDiff::from_lines(before, now);
    let mut out = Vec::new();
    for (i, group) in diff.grouped_ops(2).iter().enumerate() {
        if i > 0 {
            out.push("  …".to_string());
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let mark = match change.tag() {
                    similar::ChangeTag::Delete => "- ",
                    similar::ChangeTag::Insert => "+ ",
                    similar::ChangeTag::Equal => "  ",
                };
                out.push(format!("{mark}{}", change.value().trim_end_matches('\n')));
            }
        }
    }
    out.join("\n")
}

/// Warnings for the overrides of an edition whose model text changed since their last review.
pub fn check(edition: &Edition) -> Vec<Diagnostic> {
    let Some(authority) = edition.authority else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for applied in &edition.applied {
        // A layer's override is its keeper's to review, against the text
        // under the layer (issue 35).
        let authority = applied.layer.unwrap_or(authority);
        let over = applied.over;
        // What the override is written against: the model's text, or the
        // model's as the layer under it adapted it.
        let adapted = match edition.whose(applied).1 {
            Some(layer) => format!(", as {layer} adapted it,"),
            None => String::new(),
        };
        let target = &over.target;
        let (start, end) = over.target_span;
        let file = file_argument(&over.file.path);
        match review(applied) {
            Review::Never => warnings.push(
                Diagnostic::warning(
                    "not-reviewed",
                    format!("this override has no record of the model text of `{target}` it was written against{}", adapted.trim_end_matches(',')),
                )
                .at(&over.file, start, end)
                .hint(format!("check the override against the model, then run `handbook accept {} {file}`", authority.slug)),
            ),
            Review::Changed => warnings.push(
                Diagnostic::warning(
                    "stale-override",
                    format!("the model text of `{target}`{adapted} changed since this override was last reviewed"),
                )
                .at(&over.file, start, end)
                .hint(format!(
                    "read the change below (- was, + now), update the override if needed, then run `handbook accept {} {file}`",
                    authority.slug
                ))
                .detail(model_change(&authority.dir, applied).to_string()),
            ),
            Review::Current => {}
        }
    }
    warnings
}

/// How a policy lead names an override to `accept`: its path under the
/// authority's `overrides/` folder.
pub fn file_argument(path: &str) -> &str {
    path.split_once("/overrides/")
        .map_or(path, |(_, rest)| rest)
}

/// Which overrides `accept` records the review of.
#[derive(Debug, Clone, Copy)]
pub enum Choice<'a> {
    /// Every override whose record is not current.
    All,
    /// The override files named, as a policy lead typed them: a path under
    /// `overrides/` (with or without `.md`), a path from the root, or a
    /// path to the file from the working folder.
    Files(&'a [String]),
}

/// One override whose review was recorded, with the model change reviewed.
#[derive(Debug)]
pub struct ReviewRecorded {
    /// The override file, from the root.
    pub file: String,
    /// What it targets.
    pub target: String,
    /// What changed in the model text under it since its last review.
    pub change: ModelChange,
}

/// What `accept` did.
#[derive(Debug, Default)]
pub struct Accepted {
    /// The overrides whose review it recorded, in file order.
    pub recorded: Vec<ReviewRecorded>,
    /// Named overrides already recorded against the current model text.
    pub current: Vec<String>,
}

/// Why `accept` recorded nothing.
#[derive(Debug)]
pub enum AcceptError {
    /// Names that match no override of the edition, or more than one, each
    /// with a hint; nothing was recorded.
    Unknown(Vec<(String, String)>),
    /// Writing a file failed.
    Io(std::io::Error),
    /// The authority's edition could not be made: every problem found
    /// (`crate::pipeline`, which loads it, says so; nothing was recorded).
    Problems(Vec<Diagnostic>),
}

/// Splits the names a policy lead gave `accept` into translations (a name
/// with a language tag, such as `translations/step-3.cy.md`) and
/// overrides, each in the order given.
pub fn split_names(names: &[String]) -> (Vec<String>, Vec<String>) {
    names
        .iter()
        .cloned()
        .partition(|name| file_language(name).is_some())
}

/// A file whose review is due, as `accept` lists it when it is given no
/// name: an override whose model text changed, or a translation whose
/// source text did, since the last review (or that was never reviewed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreviewed {
    /// The file, as a policy lead names it to `accept`.
    pub file: String,
    /// What it is of: an override's target, a translation's source page.
    pub of: String,
    /// [`Review::Never`] or [`Review::Changed`].
    pub review: Review,
}

/// The overrides of `edition` whose review is due, in file order.
pub fn unreviewed(edition: &Edition) -> Vec<Unreviewed> {
    stale(edition)
        .iter()
        .map(|a| Unreviewed {
            file: file_argument(&a.over.file.path).to_string(),
            of: a.over.target.to_string(),
            review: review(a),
        })
        .collect()
}

/// The translations of `sources` whose check is due, in their order.
pub fn unreviewed_translations(sources: &[TranslationSource]) -> Vec<Unreviewed> {
    sources
        .iter()
        .filter(|s| s.review() != Review::Current)
        .map(|s| Unreviewed {
            file: s.file_argument().to_string(),
            of: s.translation.source_path.clone(),
            review: s.review(),
        })
        .collect()
}

/// The overrides of an edition whose model text changed since their last
/// review, or that were never reviewed, in file order.
pub fn stale<'e, 's>(edition: &'e Edition<'s>) -> Vec<&'e AppliedOverride<'s>> {
    own(edition)
        .into_iter()
        .filter(|a| review(a) != Review::Current)
        .collect()
}

/// The overrides of the edition's own authority, not of the layers it
/// builds on, in file order: those its `accept` records the review of.
pub fn own<'e, 's>(edition: &'e Edition<'s>) -> Vec<&'e AppliedOverride<'s>> {
    edition
        .applied
        .iter()
        .filter(|a| a.layer.is_none())
        .collect()
}

/// Records a policy lead's review of the chosen overrides against the
/// current model text: sets each one's `model_fingerprint:` and keeps a copy
/// of the model text in `model-snapshots/`. Names that match no override (or
/// several) are an error and nothing is recorded. The rule that a review is
/// recorded one override at a time, or all explicitly, is from issue 15.
pub fn accept(edition: &Edition, choice: Choice) -> Result<Accepted, AcceptError> {
    let Some(authority) = edition.authority else {
        return Ok(Accepted::default());
    };
    let chosen: Vec<&AppliedOverride> = match choice {
        Choice::All => own(edition),
        Choice::Files(names) => find(edition, names).map_err(AcceptError::Unknown)?,
    };
    let mut accepted = Accepted::default();
    for applied in chosen {
        let over = applied.over;
        let snapshot = snapshot_path(&authority.dir, applied);
        let snapshot_current =
            std::fs::read_to_string(&snapshot).is_ok_and(|s| s == applied.model_text);
        let change = model_change(&authority.dir, applied);
        if change == ModelChange::None && snapshot_current {
            if matches!(choice, Choice::Files(_)) {
                accepted.current.push(over.file.path.clone());
            }
            continue;
        }
        record(authority, applied, &snapshot).map_err(AcceptError::Io)?;
        accepted.recorded.push(ReviewRecorded {
            file: over.file.path.clone(),
            target: over.target.to_string(),
            change,
        });
    }
    Ok(accepted)
}

/// Writes the snapshot and the fingerprint of one override.
fn record(
    authority: &crate::model::authority::Authority,
    applied: &AppliedOverride,
    snapshot: &Path,
) -> std::io::Result<()> {
    let over = applied.over;
    if let Some(folder) = snapshot.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(snapshot, &applied.model_text)?;
    let text = with_fingerprint(
        &over.file.text,
        over.yaml,
        &fingerprint(&applied.model_text),
    );
    let path = authority
        .dir
        .parent()
        .and_then(Path::parent)
        .map(|root| root.join(&over.file.path));
    if let Some(path) = path {
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// The overrides the names mean, in file order; or, for each name that
/// matches none or several, the name and a hint.
fn find<'e, 's>(
    edition: &'e Edition<'s>,
    names: &[String],
) -> Result<Vec<&'e AppliedOverride<'s>>, Vec<(String, String)>> {
    let applied = own(edition);
    let mut chosen = vec![false; applied.len()];
    let mut unknown = Vec::new();
    let known: Vec<&str> = applied
        .iter()
        .map(|a| file_argument(&a.over.file.path))
        .collect();
    for name in names {
        let matches: Vec<usize> = applied
            .iter()
            .enumerate()
            .filter(|(_, a)| names_file(name, &a.over.file.path, edition))
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [i] => chosen[*i] = true,
            [] => unknown.push((
                format!("`{name}` is not an override of {}", edition.name()),
                crate::support::diagnostic::did_you_mean(
                    name.trim_end_matches(".md"),
                    known.iter().copied(),
                    &format!("its overrides are: {}", known.join(", ")),
                ),
            )),
            many => unknown.push((
                format!("`{name}` names {} overrides", many.len()),
                format!(
                    "name one of them by its path under overrides/: {}",
                    many.iter()
                        .map(|&i| known[i])
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(applied
        .into_iter()
        .zip(chosen)
        .filter_map(|(a, c)| c.then_some(a))
        .collect())
}

/// Whether a name a policy lead typed means the override file at `path`
/// (from the root).
fn names_file(name: &str, path: &str, edition: &Edition) -> bool {
    let typed = name.replace('\\', "/");
    let typed = typed.trim_start_matches("./");
    let under = file_argument(path);
    if typed == path || typed == under || typed == under.trim_end_matches(".md") {
        return true;
    }
    // A path to the file from the working folder.
    let root = edition
        .authority
        .and_then(|a| a.dir.parent().and_then(Path::parent));
    match (root, std::fs::canonicalize(name)) {
        (Some(root), Ok(typed)) => {
            std::fs::canonicalize(root.join(path)).is_ok_and(|file| file == typed)
        }
        _ => false,
    }
}

/// The file text with `model_fingerprint:` set in its front matter.
fn with_fingerprint(text: &str, yaml: (usize, usize), fingerprint: &str) -> String {
    with_setting(text, yaml, "model_fingerprint", fingerprint)
}

/// The file text with the front matter setting `key` set to `value`.
fn with_setting(text: &str, yaml: (usize, usize), key: &str, value: &str) -> String {
    let block = &text[yaml.0..yaml.1];
    let line = format!("{key}: \"{value}\"\n");
    let mut new_block = String::with_capacity(block.len() + line.len());
    let mut replaced = false;
    for l in block.split_inclusive('\n') {
        if l.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
        {
            new_block.push_str(&line);
            replaced = true;
        } else {
            new_block.push_str(l);
        }
    }
    if !replaced {
        if !new_block.is_empty() && !new_block.ends_with('\n') {
            new_block.push('\n');
        }
        new_block.push_str(&line);
    }
    format!("{}{}{}", &text[..yaml.0], new_block, &text[yaml.1..])
}

/// The folder, inside an authority's folder, that keeps the source text
/// each translation was last checked against (issue 17).
pub const TRANSLATION_SNAPSHOT_DIR: &str = "translation-snapshots";

/// One translation and the source text it translates as it is now.
#[derive(Debug)]
pub struct TranslationSource<'t> {
    /// The translation.
    pub translation: &'t Translation,
    /// The source-language text it translates, as it is now.
    pub text: String,
}

impl TranslationSource<'_> {
    /// Whether the translation's recorded source matches the source now.
    pub fn review(&self) -> Review {
        match &self.translation.meta.source_fingerprint {
            None => Review::Never,
            Some(recorded) if *recorded == fingerprint(&self.text) => Review::Current,
            Some(_) => Review::Changed,
        }
    }

    /// The translation file's path under its authority's folder, as a
    /// policy lead names it to `accept` (`translations/step-3.cy.md`).
    pub fn file_argument(&self) -> &str {
        under_authority(&self.translation.file.path)
    }

    fn snapshot(&self, authority_dir: &Path) -> PathBuf {
        authority_dir
            .join(TRANSLATION_SNAPSHOT_DIR)
            .join(self.file_argument().replace('/', "__"))
    }

    /// How the source changed since the last check, from the copy kept in
    /// `translation-snapshots/`.
    pub fn change(&self, authority_dir: &Path) -> ModelChange {
        match self.review() {
            Review::Current => ModelChange::None,
            Review::Never => ModelChange::First(self.text.trim_end().to_string()),
            Review::Changed => match std::fs::read_to_string(self.snapshot(authority_dir)) {
                Ok(before) => ModelChange::Lines(changed_lines(&before, &self.text)),
                Err(_) => ModelChange::Unknown,
            },
        }
    }
}

/// A path from the root with its `local-overrides/<slug>/` taken off.
fn under_authority(path: &str) -> &str {
    path.strip_prefix("local-overrides/")
        .and_then(|rest| rest.split_once('/'))
        .map_or(path, |(_, rest)| rest)
}

/// Each translation of `translated` with its source text as it is now, in
/// the sources of the edition's default language (`model`, `authority`).
pub fn translation_sources<'t>(
    translated: &'t Translated,
    model: &Model,
    authority: &Authority,
) -> Vec<TranslationSource<'t>> {
    translated
        .translations
        .iter()
        .filter_map(|t| {
            let text = crate::model::translation::source_text(t, &model.pages, authority)?;
            Some(TranslationSource {
                translation: t,
                text,
            })
        })
        .collect()
}

/// Warnings for translations whose source text changed since they were
/// last checked (with the lines that changed), or that were never checked.
pub fn check_translations(sources: &[TranslationSource], authority: &Authority) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for source in sources {
        let t = source.translation;
        let file = source.file_argument();
        let at = t.span_of("source_fingerprint");
        let slug = &authority.slug;
        match source.review() {
            Review::Never => warnings.push(
                Diagnostic::warning(
                    "translation-not-checked",
                    format!("this translation has no record of the {} text of `{}` it was made from", crate::model::language::Lang::En.english_name(), t.source_path),
                )
                .at(&t.file, at.0, at.1)
                .hint(format!("once a {} speaker has checked it against the source, run `handbook accept {slug} {file}`", t.lang.english_name())),
            ),
            Review::Changed => warnings.push(
                Diagnostic::warning(
                    "stale-translation",
                    format!("the source text of this translation, `{}`, changed since the translation was last checked", t.source_path),
                )
                .at(&t.file, at.0, at.1)
                .hint(format!("read the change below (- was, + now), update the translation, then run `handbook accept {slug} {file}`"))
                .detail(source.change(&authority.dir).to_string()),
            ),
            Review::Current => {}
        }
    }
    warnings
}

/// Records that the chosen translations were checked against their source
/// text as it is now: sets each one's `source_fingerprint:` and keeps a
/// copy of the source in `translation-snapshots/`. Names that match no
/// translation are an error and nothing is recorded. Returns the
/// translations recorded, each with the source change it covers.
pub fn accept_translations(
    sources: &[TranslationSource],
    authority: &Authority,
    choice: Choice,
) -> Result<Vec<ReviewRecorded>, AcceptError> {
    let chosen: Vec<&TranslationSource> = match choice {
        Choice::All => sources.iter().collect(),
        Choice::Files(names) => {
            let known: Vec<&str> = sources
                .iter()
                .map(TranslationSource::file_argument)
                .collect();
            let mut chosen = Vec::new();
            let mut unknown = Vec::new();
            for name in names {
                let typed = name.replace('\\', "/");
                let typed = typed.trim_start_matches("./");
                match sources.iter().find(|s| {
                    s.translation.file.path == typed
                        || s.file_argument() == typed
                        || s.file_argument() == under_authority(typed)
                }) {
                    Some(s) => chosen.push(s),
                    None => unknown.push((
                        format!("`{name}` is not a translation of {}", authority.config.name),
                        did_you_mean(
                            typed,
                            known.iter().copied(),
                            &format!("its translations are: {}", known.join(", ")),
                        ),
                    )),
                }
            }
            if !unknown.is_empty() {
                return Err(AcceptError::Unknown(unknown));
            }
            chosen
        }
    };
    let mut recorded = Vec::new();
    for source in chosen {
        let snapshot = source.snapshot(&authority.dir);
        let kept = std::fs::read_to_string(&snapshot).is_ok_and(|s| s == source.text);
        if source.review() == Review::Current && kept {
            continue;
        }
        let change = source.change(&authority.dir);
        let t = source.translation;
        if let Some(folder) = snapshot.parent() {
            std::fs::create_dir_all(folder).map_err(AcceptError::Io)?;
        }
        std::fs::write(&snapshot, &source.text).map_err(AcceptError::Io)?;
        let text = with_setting(
            &t.file.text,
            t.yaml,
            "source_fingerprint",
            &fingerprint(&source.text),
        );
        if let Some(root) = authority.dir.parent().and_then(Path::parent) {
            std::fs::write(root.join(&t.file.path), text).map_err(AcceptError::Io)?;
        }
        recorded.push(ReviewRecorded {
            file: t.file.path.clone(),
            target: t.source_path.clone(),
            change,
        });
    }
    Ok(recorded)
}

/// The file, in an authority's `model-snapshots/`, that records the
/// release of each layer under it that its policy lead last reviewed
/// (issue 35), one `layer: "version"` a line; written by `accept --all`.
pub const LAYER_RELEASES: &str = "layer-releases.yaml";

/// The release of each layer that `authority`'s policy lead last
/// reviewed, by the layer's slug.
fn reviewed_layer_releases(authority: &Authority) -> std::collections::BTreeMap<String, String> {
    let path = authority.dir.join(SNAPSHOT_DIR).join(LAYER_RELEASES);
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(slug, version)| {
            let version = version.trim().trim_matches('"');
            (slug.trim().to_string(), version.to_string())
        })
        .collect()
}

/// The latest of `releases` of each layer the edition builds on.
fn latest_layer_releases<'r>(edition: &Edition, releases: &'r [Release]) -> Vec<&'r Release> {
    edition
        .layers
        .iter()
        .filter_map(|layer| {
            releases
                .iter()
                .filter(|r| r.edition == layer.slug)
                .max_by_key(|r| (r.date, r.seconds))
        })
        .collect()
}

/// A warning for each layer the edition builds on that recorded a release
/// since the authority's policy lead last reviewed its releases.
pub fn check_layer_releases(edition: &Edition, releases: &[Release]) -> Vec<Diagnostic> {
    let Some(authority) = edition.authority else {
        return Vec::new();
    };
    let reviewed = reviewed_layer_releases(authority);
    let at = authority.setting_span("base");
    latest_layer_releases(edition, releases)
        .into_iter()
        .filter(|r| reviewed.get(&r.edition) != Some(&r.version))
        .map(|r| {
            let since = reviewed
                .get(&r.edition)
                .map_or(String::new(), |v| format!(" (its release {v} was the last reviewed)"));
            Diagnostic::warning(
                "layer-release",
                format!(
                    "the layer `{}` this edition builds on published release {} on {}{since}: \u{201c}{}\u{201d}",
                    r.edition, r.version, r.date, r.note
                ),
            )
            .at(&authority.config_file, at.0, at.1)
            .hint(format!(
                "read what changed in the layer, check this edition's overrides against it (`handbook check` warns of each whose text under it changed), then run `handbook accept {} --all` to record the review",
                authority.slug
            ))
        })
        .collect()
}

/// Records that the authority's policy lead reviewed the latest release of
/// each layer its edition builds on; returns each as (layer, version).
pub fn accept_layer_releases(
    edition: &Edition,
    releases: &[Release],
) -> std::io::Result<Vec<(String, String)>> {
    let Some(authority) = edition.authority else {
        return Ok(Vec::new());
    };
    let latest: Vec<(String, String)> = latest_layer_releases(edition, releases)
        .into_iter()
        .map(|r| (r.edition.clone(), r.version.clone()))
        .collect();
    if latest.is_empty() {
        return Ok(latest);
    }
    let folder = authority.dir.join(SNAPSHOT_DIR);
    std::fs::create_dir_all(&folder)?;
    let text: String = latest
        .iter()
        .map(|(slug, version)| {
            let quoted = serde_json::to_string(version).unwrap_or_default();
            format!("{slug}: {quoted}\n")
        })
        .collect();
    std::fs::write(folder.join(LAYER_RELEASES), text)?;
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_trailing_space_but_not_words() {
        assert_eq!(fingerprint("a \nb\n\n"), fingerprint("a\nb"));
        assert_ne!(fingerprint("a\nb"), fingerprint("a\nc"));
    }

    #[test]
    fn names_with_a_language_tag_are_translations() {
        let names: Vec<String> = ["translations/step-3.cy.md", "step-3.md", "a/b.cy.md", "x"]
            .map(String::from)
            .to_vec();
        let (translations, overrides) = split_names(&names);
        assert_eq!(translations, ["translations/step-3.cy.md", "a/b.cy.md"]);
        assert_eq!(overrides, ["step-3.md", "x"]);
    }

    #[test]
    fn fingerprint_line_is_added_or_replaced() {
        let text = "---\ntarget: x\n---\nBody\n";
        let once = with_fingerprint(text, (4, 14), "b3:1");
        assert_eq!(
            once,
            "---\ntarget: x\nmodel_fingerprint: \"b3:1\"\n---\nBody\n"
        );
        let twice = with_fingerprint(&once, (4, 40), "b3:2");
        assert_eq!(
            twice,
            "---\ntarget: x\nmodel_fingerprint: \"b3:2\"\n---\nBody\n"
        );
    }
}
