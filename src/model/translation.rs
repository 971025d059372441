//! Translations: an authority's files that put its edition into another
//! of its languages (issue 17).
//!
//! A translation has the name of the file it translates with a language
//! tag before `.md`, beside it: `pages/<name>.cy.md`,
//! `overrides/<name>.cy.md`, `examples/<name>.cy.md`. The model's pages are
//! translated in the authority's `translations/` folder, named by their
//! file under `content/`: `translations/step-3.cy.md` translates
//! `content/step-3.md`. Its front matter holds the translated `title` (and
//! `summary`, an override's `reason`, an example's `source_detail`) and the
//! `source_fingerprint` of the text it was made from; everything else (ids,
//! places, targets, dates) is the source's.
//!
//! This module parses translation files and makes, from the sources and
//! one language's translations, the pages, overrides, examples and local
//! pages of that language: the translated ones in place of their sources,
//! the rest left in the default language. It reads no folder (`load`
//! does), and whether a translation still matches its source is `drift`'s
//! question.

use crate::text::frontmatter::find_key;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::model::authority::{Authority, Example, Override};
use crate::model::language::Lang;
use crate::model::page::{GlossaryEntry, Page};
use crate::support::diagnostic::{did_you_mean, Diagnostic, SourceFile};
use crate::text::frontmatter;

/// The folder of an authority that holds its translations of model pages.
pub const TRANSLATIONS_DIR: &str = "translations";

/// Front matter keys of a translation.
pub const TRANSLATION_KEYS: &[&str] = &[
    "id",
    "title",
    "summary",
    "reason",
    "source_detail",
    "source_fingerprint",
    "glossary",
];

/// A translation's front matter.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslationMeta {
    /// The id of what it translates (optional: the file name says it);
    /// when given, it must be the source's id.
    #[serde(default)]
    pub id: Option<String>,
    /// The title in the translation's language (pages and examples).
    #[serde(default)]
    pub title: Option<String>,
    /// The summary in the translation's language.
    #[serde(default)]
    pub summary: Option<String>,
    /// An override's reason in the translation's language.
    #[serde(default)]
    pub reason: Option<String>,
    /// An example's `source_detail` in the translation's language.
    #[serde(default)]
    pub source_detail: Option<String>,
    /// The fingerprint of the source text the translation was made from,
    /// written by `handbook accept`.
    #[serde(default)]
    pub source_fingerprint: Option<String>,
    /// A page's glossary terms in the translation's language, each with the
    /// id of the section that defines it (as the source's `glossary:`);
    /// without it the page's terms are the source's.
    #[serde(default)]
    pub glossary: Option<Vec<GlossaryEntry>>,
}

/// What a translation translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Translates {
    /// A page of the model, under `content/`.
    ModelPage,
    /// One of the authority's own pages.
    LocalPage,
    /// One of its overrides.
    Override,
    /// One of its examples.
    Example,
}

/// One translation file, parsed.
#[derive(Debug, Clone)]
pub struct Translation {
    /// Its language.
    pub lang: Lang,
    /// What it translates.
    pub kind: Translates,
    /// The file.
    pub file: Arc<SourceFile>,
    /// Its front matter.
    pub meta: TranslationMeta,
    /// Byte range of the front matter YAML.
    pub yaml: (usize, usize),
    /// Byte offset where its Markdown starts.
    pub body_start: usize,
    /// The path, from the root, of the file it translates.
    pub source_path: String,
}

impl Translation {
    /// The translated Markdown.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    /// The byte range of a front matter setting, or of the front matter's
    /// start when it is not there.
    pub fn span_of(&self, key: &str) -> (usize, usize) {
        find_key(&self.file, self.yaml, key)
    }
}

/// The language tag of a file name: `Some(Ok(Cy))` for `step-3.cy.md`,
/// `Some(Err("fr"))` for `step-3.fr.md` (a tag Handbook does not know),
/// `None` for a name without one (`step-3.md`). A tag is two or three
/// lowercase letters between the last two dots.
pub fn file_language(path: &str) -> Option<Result<Lang, &str>> {
    let stem = path.strip_suffix(".md")?;
    let name = stem.rsplit('/').next().unwrap_or(stem);
    let (_, tag) = name.rsplit_once('.')?;
    let is_tag = (2..=3).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_lowercase());
    is_tag.then(|| Lang::from_code(tag).ok_or(tag))
}

/// Parses the translation file `file` (its path from the root) of the
/// authority whose folder is `dir` (from the root, such as
/// `local-overrides/cwm-derwen`). Errors: a language tag Handbook does not
/// know, or front matter it cannot read.
pub fn parse(file: Arc<SourceFile>, dir: &str) -> Result<Translation, Diagnostic> {
    let path = file.path.clone();
    let lang = match file_language(&path) {
        Some(Ok(lang)) => lang,
        Some(Err(tag)) => {
            return Err(Diagnostic::error(
                "unknown-language",
                format!("`{tag}` in this file's name is not a language Handbook knows"),
            )
            .at(&file, 0, 0)
            .hint(format!(
                "name a translation `<name>.<language>.md` with one of {}, such as `step-3.cy.md`",
                Lang::known()
            )))
        }
        None => {
            return Err(Diagnostic::error(
                "not-a-translation",
                "this file is in the translations folder but its name has no language",
            )
            .at(&file, 0, 0)
            .hint("name it after the model file it translates and its language, such as `step-3.cy.md` for `content/step-3.md` in Welsh"))
        }
    };
    let split = frontmatter::split(&file)?;
    let meta: TranslationMeta = frontmatter::parse(&file, split.yaml, TRANSLATION_KEYS)?;
    let under = path
        .strip_prefix(dir)
        .unwrap_or(&path)
        .trim_start_matches('/');
    let (folder, rest) = under.split_once('/').unwrap_or(("", under));
    let plain = format!(
        "{}.md",
        rest.strip_suffix(&format!(".{}.md", lang.code()))
            .unwrap_or(rest)
    );
    let (kind, source_path) = match folder {
        TRANSLATIONS_DIR => (Translates::ModelPage, format!("content/{plain}")),
        "pages" => (Translates::LocalPage, format!("{dir}/pages/{plain}")),
        "overrides" => (Translates::Override, format!("{dir}/overrides/{plain}")),
        _ => (Translates::Example, format!("{dir}/examples/{plain}")),
    };
    Ok(Translation {
        lang,
        kind,
        file,
        meta,
        yaml: split.yaml,
        body_start: split.body_start,
        source_path,
    })
}

/// The error for a translation whose source is not there, suggesting the
/// closest of `known` (paths from the root).
fn unknown_source<'a>(t: &Translation, known: impl IntoIterator<Item = &'a str>) -> Diagnostic {
    let what = match t.kind {
        Translates::ModelPage => "page of the model",
        Translates::LocalPage => "local page",
        Translates::Override => "override",
        Translates::Example => "example",
    };
    let at = t.span_of("title");
    Diagnostic::error(
        "unknown-translation",
        format!(
            "this translates `{}`, which is not a {what} of this handbook",
            t.source_path
        ),
    )
    .at(&t.file, at.0, at.1)
    .hint(did_you_mean(
        &t.source_path,
        known,
        "name the translation after the file it translates, with the language before `.md`",
    ))
}

/// The error for a translation whose `id:` is not its source's.
fn check_id(t: &Translation, id: &str) -> Option<Diagnostic> {
    let given = t.meta.id.as_deref()?;
    (given != id).then(|| {
        let at = t.span_of("id");
        Diagnostic::error(
            "translation-id",
            format!("this translation says `id: {given}`, but `{}` has the id `{id}`", t.source_path),
        )
        .at(&t.file, at.0, at.1)
        .hint(format!("a translation keeps the id of what it translates: write `id: {id}`, or leave `id:` out"))
    })
}

/// A page in the translation's language: `source` with the translation's
/// title, summary and text; `source` itself while the translation lacks
/// one of its sections (see [`Page::translated`]). A translation without a
/// title is an error.
fn translated_page(t: &Translation, source: &Page, problems: &mut Vec<Diagnostic>) -> Page {
    problems.extend(check_id(t, source.id()));
    let title = t.meta.title.clone().unwrap_or_else(|| {
        problems.push(
            Diagnostic::error("no-title", "this translation of a page has no `title:`")
                .at(&t.file, t.yaml.0, t.yaml.0)
                .hint(format!(
                    "add `title:` with the title of `{}` in {}",
                    source.id(),
                    t.lang.english_name()
                )),
        );
        source.meta.title.clone()
    });
    let translated = Page::translated(
        source,
        Arc::clone(&t.file),
        t.body_start,
        (title, t.meta.summary.clone()),
        problems,
    );
    match (translated, &t.meta.glossary) {
        // The translation's terms are looked for in its own text.
        (Some(mut page), Some(glossary)) if page.title_file.is_none() => {
            page.meta.glossary = glossary.clone();
            page
        }
        (Some(page), _) => page,
        (None, _) => source.clone(),
    }
}

/// The model's pages in a language: each translated one in place of its
/// source. A translation of no model page is an error.
pub fn model_pages(
    pages: &BTreeMap<String, Page>,
    translations: &[Translation],
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Page> {
    let mut out = pages.clone();
    for t in translations
        .iter()
        .filter(|t| t.kind == Translates::ModelPage)
    {
        match pages.values().find(|p| p.file.path == t.source_path) {
            Some(source) => {
                let page = translated_page(t, source, problems);
                out.insert(source.id().to_string(), page);
            }
            None => problems.push(unknown_source(
                t,
                pages.values().map(|p| p.file.path.as_str()),
            )),
        }
    }
    out
}

/// The authority's own content in a language: each translated override,
/// example and local page in place of its source, the rest as they are.
/// Its name, short name, notice, contacts and variables are those given for
/// the language under `translations:` in `authority.yaml` (a list of
/// contacts of another length, or a variable `variables:` lacks, is an
/// error), and its published address is its
/// own with the language's folder. A translation of nothing the authority
/// has is an error.
pub fn authority(
    authority: &Authority,
    lang: Lang,
    translations: &[Translation],
    problems: &mut Vec<Diagnostic>,
) -> Authority {
    let mut config = in_language(authority, lang, problems);
    config.address = config.address.map(|a| format!("{a}{}/", lang.code()));
    let overrides = each_translated(
        &authority.overrides,
        Translates::Override,
        translations,
        |o| &o.file,
        translated_override,
    );
    let examples = each_translated(
        &authority.examples,
        Translates::Example,
        translations,
        |e| &e.file,
        |t, e| translated_example(t, e, problems),
    );
    let pages = each_translated(
        &authority.pages,
        Translates::LocalPage,
        translations,
        |p| &p.file,
        |t, p| translated_page(t, p, problems),
    );
    for t in translations
        .iter()
        .filter(|t| t.kind != Translates::ModelPage)
    {
        let known: Vec<&str> = match t.kind {
            Translates::Override => authority
                .overrides
                .iter()
                .map(|o| o.file.path.as_str())
                .collect(),
            Translates::Example => authority
                .examples
                .iter()
                .map(|e| e.file.path.as_str())
                .collect(),
            _ => authority
                .pages
                .iter()
                .map(|p| p.file.path.as_str())
                .collect(),
        };
        if !known.contains(&t.source_path.as_str()) {
            problems.push(unknown_source(t, known));
        }
    }
    Authority {
        slug: authority.slug.clone(),
        config,
        config_file: Arc::clone(&authority.config_file),
        overrides,
        examples,
        pages,
        documents: authority.documents.clone(),
        broken_page_ids: authority.broken_page_ids.clone(),
        dir: authority.dir.clone(),
    }
}

/// The authority's settings in a language: those given under
/// `translations:` in place of the default language's (see [`authority`]).
fn in_language(
    authority: &Authority,
    lang: Lang,
    problems: &mut Vec<Diagnostic>,
) -> crate::model::authority::AuthorityConfig {
    let mut config = authority.config.clone();
    // Pages' owners keep their names in every language; the contacts'
    // names are translated below, so their addresses are kept by name.
    config.feedback = config.feedback.with_contacts(&config.contacts);
    let own = config.translations.get(&lang).cloned().unwrap_or_default();
    config.name = own.name.unwrap_or(config.name);
    config.short_name = own.short_name.unwrap_or(config.short_name);
    config.notice = own.notice.or(config.notice);
    // The default language's wording of the examples is not shown in
    // another: the theme's words in the language stand in for it.
    config.examples.heading = own.examples_heading;
    config.examples.intro = own.examples_intro;
    if !own.contacts.is_empty() {
        if own.contacts.len() == config.contacts.len() {
            config.contacts = (own.contacts.iter().zip(&config.contacts))
                .map(|(words, contact)| words.apply(contact))
                .collect();
        } else {
            let (start, end) = authority.setting_span("translations");
            problems.push(
                Diagnostic::error(
                    "translated-contacts",
                    format!(
                        "`translations.{}.contacts` lists {} contacts, but `contacts:` lists {}",
                        lang.code(),
                        own.contacts.len(),
                        config.contacts.len()
                    ),
                )
                .at(&authority.config_file, start, end)
                .hint("give one entry for each contact, in the same order; leave out the fields that stay as they are (a telephone number, an email address)"),
            );
        }
    }
    if let Some(check) = &own.checked {
        if check.by.trim().is_empty() || check.qualification.trim().is_empty() {
            let (start, end) = authority.setting_span("translations");
            problems.push(
                Diagnostic::error(
                    "translation-check",
                    format!(
                        "`translations.{}.checked` must say who checked the translation (`by:`) and their qualification (`qualification:`)",
                        lang.code()
                    ),
                )
                .at(&authority.config_file, start, end)
                .hint("write the translator's name and qualification, such as `by: Elin Jones, Cyfieithu Derwen` and `qualification: full member of the Association of Welsh Translators and Interpreters`, or delete `checked:` until a translator has checked the words"),
            );
        }
    }
    replace_named(
        &mut config.urgent,
        own.urgent,
        (lang, "urgent"),
        authority,
        problems,
    );
    replace_named(
        &mut config.variables,
        own.variables,
        (lang, "variables"),
        authority,
        problems,
    );
    config
}

/// Puts each value `given` in a language for `setting` in place of the
/// default language's value of the same name in `known`; a name `known`
/// lacks is an error.
fn replace_named<T>(
    known: &mut BTreeMap<String, T>,
    given: BTreeMap<String, T>,
    (lang, setting): (Lang, &str),
    authority: &Authority,
    problems: &mut Vec<Diagnostic>,
) {
    for (name, value) in given {
        match known.get_mut(&name) {
            Some(known) => *known = value,
            None => problems.push(not_in_default(
                authority,
                (lang, setting),
                &name,
                known.keys().map(String::as_str),
            )),
        }
    }
}

/// The error for a name that `translations.LANG.SETTING` gives in a
/// language but the default language's `SETTING:` (whose names are
/// `known`) lacks.
fn not_in_default<'k>(
    authority: &Authority,
    (lang, setting): (Lang, &str),
    name: &str,
    known: impl Iterator<Item = &'k str>,
) -> Diagnostic {
    let (start, end) = authority.setting_span("translations");
    let code = match setting {
        "urgent" => "translated-urgent",
        _ => "translated-variable",
    };
    Diagnostic::error(
        code,
        format!(
            "`translations.{}.{setting}` gives `{name}`, which is not under `{setting}:`",
            lang.code()
        ),
    )
    .at(&authority.config_file, start, end)
    .hint(did_you_mean(
        name,
        known,
        &format!(
            "a value in another language stands in for one of `{setting}:`; add it there first"
        ),
    ))
}

/// Each of `items` in the translations' language: made by `translate`
/// from the translation of `kind` whose source is its file, or itself.
fn each_translated<T: Clone>(
    items: &[T],
    kind: Translates,
    translations: &[Translation],
    file: impl Fn(&T) -> &Arc<SourceFile>,
    mut translate: impl FnMut(&Translation, &T) -> T,
) -> Vec<T> {
    items
        .iter()
        .map(|item| {
            let path = &file(item).path;
            match translations
                .iter()
                .find(|t| t.kind == kind && t.source_path == *path)
            {
                Some(t) => translate(t, item),
                None => item.clone(),
            }
        })
        .collect()
}

/// An override in the translation's language: its target and action are
/// the source's; its text (and reason, when given) the translation's.
fn translated_override(t: &Translation, source: &Override) -> Override {
    let mut over = source.clone();
    over.reason = t.meta.reason.clone().or(over.reason);
    over.file = Arc::clone(&t.file);
    over.body_start = t.body_start;
    over.yaml = t.yaml;
    over.target_span = (t.yaml.0, t.yaml.0);
    over
}

/// An example in the translation's language: shown on the source's pages,
/// with the translation's title, summary, detail and text.
fn translated_example(
    t: &Translation,
    source: &Example,
    problems: &mut Vec<Diagnostic>,
) -> Example {
    problems.extend(check_id(t, &source.id));
    let mut ex = source.clone();
    ex.title = t.meta.title.clone().unwrap_or(ex.title);
    ex.summary = t.meta.summary.clone().or(ex.summary);
    ex.source_detail = t.meta.source_detail.clone().or(ex.source_detail);
    ex.file = Arc::clone(&t.file);
    ex.body_start = t.body_start;
    ex.attach_span = (t.yaml.0, t.yaml.0);
    ex.source_span = (t.yaml.0, t.yaml.0);
    ex
}

/// The text a translation was made from, whose fingerprint it records: a
/// page's or example's title and Markdown, an override's Markdown (and
/// reason). `None` when the source is not among `sources`.
pub fn source_text(
    t: &Translation,
    model: &BTreeMap<String, Page>,
    authority: &Authority,
) -> Option<String> {
    let page_text = |p: &Page| format!("# {}\n\n{}", p.meta.title, p.body());
    match t.kind {
        Translates::ModelPage => model
            .values()
            .find(|p| p.file.path == t.source_path)
            .map(page_text),
        Translates::LocalPage => authority
            .pages
            .iter()
            .find(|p| p.file.path == t.source_path)
            .map(page_text),
        Translates::Override => authority
            .overrides
            .iter()
            .find(|o| o.file.path == t.source_path)
            .map(|o| match &o.reason {
                Some(reason) => format!("reason: {reason}\n\n{}", o.body()),
                None => o.body().to_string(),
            }),
        Translates::Example => authority
            .examples
            .iter()
            .find(|e| e.file.path == t.source_path)
            .map(|e| format!("# {}\n\n{}", e.title, e.body())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_says_its_language() {
        assert_eq!(file_language("x/pages/a.cy.md"), Some(Ok(Lang::Cy)));
        assert_eq!(file_language("x/pages/a.fr.md"), Some(Err("fr")));
        assert_eq!(file_language("x/pages/a.md"), None);
        assert_eq!(file_language("x/pages/step-3.v2.md"), None);
        assert_eq!(file_language("x/pages/a.cy.yaml"), None);
    }

    #[test]
    fn a_translation_knows_the_file_it_translates() {
        let dir = "local-overrides/x";
        let parse_at = |path: &str| {
            let text = "---\ntitle: Cam 3\n---\nTestun.\n";
            parse(SourceFile::new(path, text), dir).unwrap()
        };
        let t = parse_at("local-overrides/x/translations/step-3.cy.md");
        assert_eq!(
            (t.kind, t.source_path.as_str()),
            (Translates::ModelPage, "content/step-3.md")
        );
        assert_eq!(t.body(), "Testun.\n");
        let t = parse_at("local-overrides/x/overrides/sub/panel.cy.md");
        assert_eq!(t.source_path, "local-overrides/x/overrides/sub/panel.md");
        let bad = parse(
            SourceFile::new("local-overrides/x/pages/a.fr.md", "---\ntitle: A\n---\n"),
            dir,
        )
        .unwrap_err();
        assert_eq!(bad.code, "unknown-language");
        assert_eq!(bad.line_col(), Some((1, 1)));
    }

    #[test]
    fn a_translation_of_nothing_is_an_error_with_the_closest_file() {
        let file = SourceFile::new(
            "content/step-3.md",
            "---\nid: step-3\ntitle: Step 3\n---\n## Role {#role}\nText.\n",
        );
        let page = Page::parse(file, &mut Vec::new()).unwrap();
        let pages = BTreeMap::from([("step-3".to_string(), page)]);
        let mut problems = Vec::new();
        let t = parse(
            SourceFile::new(
                "local-overrides/x/translations/step-33.cy.md",
                "---\ntitle: Cam\n---\n## Rôl {#role}\n",
            ),
            "local-overrides/x",
        )
        .unwrap();
        let out = model_pages(&pages, &[t], &mut problems);
        assert_eq!(out["step-3"].meta.title, "Step 3");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "unknown-translation");
        assert_eq!(problems[0].line_col(), Some((2, 1)));
        assert!(problems[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("content/step-3.md"));

        let t = parse(
            SourceFile::new(
                "local-overrides/x/translations/step-3.cy.md",
                "---\ntitle: Cam 3\n---\n## Rôl\n",
            ),
            "local-overrides/x",
        )
        .unwrap();
        let mut problems = Vec::new();
        let out = model_pages(&pages, &[t], &mut problems);
        assert_eq!(out["step-3"].meta.title, "Step 3", "shown untranslated");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "missing-section");
        assert_eq!(
            problems[0].severity,
            crate::support::diagnostic::Severity::Warning
        );
        assert!(problems[0].hint.as_deref().unwrap().contains("{#role}"));
    }
}
