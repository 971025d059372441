//! A page of the handbook: its front matter, its Markdown body and its sections.
//!
//! [`Page`] is the one type for every page, model or local. It is built from
//! a file by [`Page::parse`] and never changed afterwards: the overlay builds
//! new text from pages, it does not edit them. This module does not read
//! files or know about authorities.

use crate::text::frontmatter::find_key;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Deserialize;

use crate::support::diagnostic::{Diagnostic, SourceFile};
use crate::text::frontmatter;
use crate::text::markdown;

/// Front matter keys a page may have.
pub const PAGE_KEYS: &[&str] = &[
    "id",
    "title",
    "weight",
    "parent",
    "step",
    "summary",
    "glossary",
    "owner",
    "approved_by",
    "last_reviewed",
    "review_every",
    "review_by",
    "changes",
    "keywords",
];

/// A page's front matter.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// The stable id links and overrides use.
    pub id: String,
    /// The page title.
    pub title: String,
    /// Order among siblings, smallest first.
    #[serde(default)]
    pub weight: i64,
    /// The page this one sits under in the navigation (local pages).
    #[serde(default)]
    pub parent: Option<String>,
    /// 1 to 7 on the seven step pages.
    #[serde(default)]
    pub step: Option<u8>,
    /// One line describing the page.
    #[serde(default)]
    pub summary: Option<String>,
    /// Terms this page defines (the terminology page).
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
    /// The team or role responsible for the page.
    #[serde(default)]
    pub owner: Option<String>,
    /// Who approved the current text.
    #[serde(default)]
    pub approved_by: Option<String>,
    /// When the page was last reviewed.
    #[serde(default, deserialize_with = "crate::text::frontmatter::optional_date")]
    #[schemars(with = "Option<crate::text::frontmatter::DateText>")]
    pub last_reviewed: Option<Date>,
    /// How often it must be reviewed, such as `12 months`.
    #[serde(default)]
    pub review_every: Option<String>,
    /// The date by which it must be reviewed.
    #[serde(default, deserialize_with = "crate::text::frontmatter::optional_date")]
    #[schemars(with = "Option<crate::text::frontmatter::DateText>")]
    pub review_by: Option<Date>,
    /// Dated notes of what changed, any order.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Subjects the page is about, for the A to Z: `[direct payments, carers]`.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A fingerprint of all of the above, worked out when first asked for.
    #[serde(skip)]
    #[schemars(skip)]
    digest: std::sync::OnceLock<[u8; 16]>,
}

impl PageMeta {
    /// A fingerprint of the front matter, worked out once for each reading
    /// of the page's file (the front matter is never changed after loading).
    pub fn fingerprint(&self) -> [u8; 16] {
        *self.digest.get_or_init(|| {
            let mut f = crate::support::fingerprint::Fingerprint::default();
            f.text(&format!("{self:?}"));
            f.finish()
        })
    }
}

/// A term defined on a page, and the section that defines it.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    /// The term as readers meet it in running text.
    pub term: String,
    /// The id of the section that defines it.
    pub section: String,
}

/// One entry in a page's change history.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// When the change was made.
    #[serde(deserialize_with = "crate::text::frontmatter::date")]
    #[schemars(with = "crate::text::frontmatter::DateText")]
    pub date: Date,
    /// What changed, in a sentence.
    pub note: String,
}

/// A section of a page: a heading and everything under it up to the next
/// heading of the same or a higher level.
#[derive(Debug, Clone)]
pub struct Section {
    /// The section's id: written as `{#id}`, or a slug of its heading.
    pub id: String,
    /// The heading text.
    pub title: String,
    /// 2 for `##`, 3 for `###`, …
    pub level: u8,
    /// Byte offset in the file where the heading starts.
    pub start: usize,
    /// Byte offset in the file just after the heading (after a setext
    /// heading's underline).
    pub heading_end: usize,
    /// Byte offset in the file where the section (with its subsections) ends.
    pub end: usize,
}

/// A page read from a file.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its front matter.
    pub meta: PageMeta,
    /// The file it came from.
    pub file: Arc<SourceFile>,
    /// Byte offset in the file where the Markdown body starts.
    pub body_start: usize,
    /// Its sections, in order.
    pub sections: Vec<Section>,
    /// The page it sits under by its place in `content/`: the `_index.md` of
    /// its folder (for an `_index.md`, of the nearest folder above). Filled
    /// in by `load` for model pages; `None` for the root `_index.md` and for
    /// pages outside `content/`. Front matter `parent` wins over it.
    pub folder_parent: Option<String>,
    /// The file its title and summary came from, when that is not `file`:
    /// a translation that gives them before the text is translated (the
    /// text is then `file`'s, still in the source's language).
    pub title_file: Option<Arc<SourceFile>>,
    /// For a page a layer adapted (issue 35), the pieces its text is made
    /// of, in order, each with whose words it is; empty for a page read
    /// from one file.
    pub pieces: Vec<crate::model::layered::Piece>,
}

impl Page {
    /// Parses a page file. Problems that do not stop the page from being
    /// used (a duplicate section id) are pushed to `problems`.
    pub fn parse(
        file: Arc<SourceFile>,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<Self, Diagnostic> {
        let split = frontmatter::split(&file)?;
        let meta: PageMeta = frontmatter::parse(&file, split.yaml, PAGE_KEYS)?;
        if !markdown::is_valid_id(&meta.id) {
            let at = find_key(&file, split.yaml, "id");
            return Err(Diagnostic::error(
                "bad-id",
                format!("`{}` is not a usable page id", meta.id),
            )
            .at(&file, at.0, at.1)
            .hint("use lowercase letters, digits and single hyphens, starting with a letter, such as `local-panel`"));
        }
        if let Some(why) = crate::support::names::unsafe_name(&meta.id) {
            let at = find_key(&file, split.yaml, "id");
            return Err(Diagnostic::error(
                "bad-id",
                format!("`{}` cannot be a page id: the page is written to a file of that name, and {why}", meta.id),
            )
            .at(&file, at.0, at.1)
            .hint("choose another id, such as `local-panel`; editions must work when copied to Windows file shares"));
        }
        if let Some(step) = meta.step {
            if !(1..=7).contains(&step) {
                let at = find_key(&file, split.yaml, "step");
                problems.push(
                    Diagnostic::error("bad-step", format!("`step: {step}` is not a step of the seven-step model"))
                        .at(&file, at.0, at.1)
                        .hint("use a number from 1 to 7, or remove `step:` from pages that are not one of the seven steps"),
                );
            }
        }
        let sections = sections_of(&file, split.body_start, problems);
        Ok(Self {
            meta,
            file,
            body_start: split.body_start,
            sections,
            folder_parent: None,
            title_file: None,
            pieces: Vec::new(),
        })
    }

    /// The page in another language: `source`'s front matter with the
    /// translation's `title` (and `summary`, when given), and the body of
    /// `file` from `body_start`. A translation with no text (front matter
    /// only) gives the title and summary alone: the page keeps `source`'s
    /// text, so the site's navigation is in the language before the text
    /// is. `None`, with a warning at the translation's file for each, when
    /// the translation has text but lacks a section id of `source`:
    /// overrides and cross-references find sections by id in either
    /// language, so the source is shown until the translation has them all.
    pub fn translated(
        source: &Page,
        file: Arc<SourceFile>,
        body_start: usize,
        words: (String, Option<String>),
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Self> {
        let mut meta = source.meta.clone();
        meta.title = words.0;
        if words.1.is_some() {
            meta.summary = words.1;
        }
        if file.text[body_start..].trim().is_empty() {
            return Some(Self {
                meta,
                title_file: Some(file),
                ..source.clone()
            });
        }
        let sections = sections_of(&file, body_start, problems);
        let mut complete = true;
        for s in &source.sections {
            if !sections.iter().any(|t| t.id == s.id) {
                complete = false;
                problems.push(
                    Diagnostic::warning(
                        "missing-section",
                        format!(
                            "`{}` has the section `{}` (“{}”), which this translation lacks, so the page is shown untranslated",
                            source.file.path, s.id, s.title
                        ),
                    )
                    .at(&file, body_start, body_start)
                    .hint(format!(
                        "give the translated heading the same id, such as `## … {{#{}}}`, so overrides and cross-references find it in both languages",
                        s.id
                    )),
                );
            }
        }
        complete.then(|| Self {
            meta,
            file,
            body_start,
            sections,
            folder_parent: source.folder_parent.clone(),
            title_file: None,
            pieces: Vec::new(),
        })
    }

    /// The file its title and summary came from: [`Self::title_file`] or,
    /// as for most pages, its own.
    pub fn title_source(&self) -> &Arc<SourceFile> {
        self.title_file.as_ref().unwrap_or(&self.file)
    }

    /// The page's Markdown body.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    /// The page's id.
    pub fn id(&self) -> &str {
        &self.meta.id
    }

    /// A section by id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// The Markdown of a section (heading included), or of the whole body.
    pub fn text_of(&self, section: Option<&str>) -> Option<&str> {
        match section {
            None => Some(self.body()),
            Some(id) => self.section(id).map(|s| &self.file.text[s.start..s.end]),
        }
    }
}

/// The sections of a body, with file offsets; ids de-duplicated.
fn sections_of(
    file: &Arc<SourceFile>,
    body_start: usize,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Section> {
    let body = &file.text[body_start..];
    let headings = markdown::headings(body);
    let mut sections: Vec<Section> = Vec::with_capacity(headings.len());
    let mut seen = std::collections::HashSet::new();
    for (i, h) in headings.iter().enumerate() {
        let end = headings[i + 1..]
            .iter()
            .find(|later| later.level <= h.level)
            .map_or(body.len(), |later| later.range.0);
        let mut id = h
            .explicit_id
            .clone()
            .unwrap_or_else(|| markdown::slug(&h.text));
        if !seen.insert(id.clone()) {
            if h.explicit_id.is_some() {
                problems.push(
                    Diagnostic::error(
                        "duplicate-section",
                        format!("two sections of this page have the id `{id}`"),
                    )
                    .at(file, body_start + h.range.0, body_start + h.range.1)
                    .hint("give each `{#id}` on a page a different name"),
                );
            }
            let mut n = 2;
            while !seen.insert(format!("{id}-{n}")) {
                n += 1;
            }
            id = format!("{id}-{n}");
        }
        // The heading, with a setext heading's underline, ends at the end
        // of its last line (the parser's range may stop before the newline).
        let line_end = if body[..h.range.1].ends_with('\n') {
            h.range.1
        } else {
            body[h.range.1..]
                .find('\n')
                .map_or(body.len(), |j| h.range.1 + j + 1)
        };
        sections.push(Section {
            id,
            title: h.text.trim().to_string(),
            level: h.level,
            start: body_start + h.range.0,
            heading_end: body_start + line_end.min(end),
            end: body_start + end,
        });
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_span_to_the_next_heading_of_same_level() {
        let file = SourceFile::new(
            "step-3.md",
            "---\nid: step-3\ntitle: Step Three\n---\n## Role {#social-work-role}\nA\n## Systems {#systems-practice-support}\nB\n### Checklist {#good-plan-checklist}\nC\n",
        );
        let mut problems = Vec::new();
        let page = Page::parse(file, &mut problems).unwrap();
        assert!(problems.is_empty());
        let ids: Vec<_> = page.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "social-work-role",
                "systems-practice-support",
                "good-plan-checklist"
            ]
        );
        assert_eq!(
            page.text_of(Some("social-work-role")).unwrap(),
            "## Role {#social-work-role}\nA\n"
        );
        assert!(page
            .text_of(Some("systems-practice-support"))
            .unwrap()
            .ends_with("C\n"));
    }

    #[test]
    fn a_bad_id_is_refused_with_a_hint() {
        let file = SourceFile::new("x.md", "---\nid: Step 3\ntitle: X\n---\n");
        let err = Page::parse(file, &mut Vec::new()).unwrap_err();
        assert_eq!(err.line_col().unwrap().0, 2);
        assert!(err.hint.is_some());
    }
}
