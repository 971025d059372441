//! What changed between two models, as `handbook update-model` shows it
//! to a policy lead: pages added and removed, and in each page kept, the
//! sections added, removed and changed, with word counts; and the model's
//! details in `handbook.yaml` (its title, version and date).
//!
//! Compares two loaded [`Model`]s; reads and writes nothing.

use crate::model::handbook::{HandbookMeta, Model};
use crate::model::page::{Page, Section};
use crate::text::markdown::plain_text;

/// A page of one model, as the change list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageNamed {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its file, from the root.
    pub file: String,
    /// How many words its body has.
    pub words: usize,
}

/// What happened to a section of a page both models have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionChangeKind {
    /// Only the newer model has it.
    Added,
    /// Only the older model has it.
    Removed,
    /// Both have it, with different text.
    Changed,
}

/// A section added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionChange {
    /// What happened to it.
    pub kind: SectionChangeKind,
    /// Its id.
    pub id: String,
    /// Its heading (the newer one, when both have it).
    pub title: String,
    /// Words of its own text (up to its first subsection) before and after;
    /// 0 where a model does not have it.
    pub words: (usize, usize),
}

/// A page both models have, whose text changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageChange {
    /// The page in the newer model.
    pub page: PageNamed,
    /// The words of its body in the older model.
    pub words_before: usize,
    /// Its older title, when the title changed.
    pub title_before: Option<String>,
    /// Whether the text before its first heading changed.
    pub opening_changed: bool,
    /// Whether only its front matter (summary, review dates, …) changed.
    pub details_only: bool,
    /// Its sections added, removed and changed, in page order.
    pub sections: Vec<SectionChange>,
}

/// A detail of `handbook.yaml` that changed: its name, before and after.
pub type DetailChange = (&'static str, String, String);

/// What changed between two models.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelChanges {
    /// Pages only the newer model has.
    pub added: Vec<PageNamed>,
    /// Pages only the older model has.
    pub removed: Vec<PageNamed>,
    /// Pages both have, whose text changed.
    pub changed: Vec<PageChange>,
    /// The model's details that changed.
    pub details: Vec<DetailChange>,
}

impl ModelChanges {
    /// Whether nothing a reader sees changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.details.is_empty()
    }
}

/// What changed from `before` to `after`.
pub fn compare(before: &Model, after: &Model) -> ModelChanges {
    let mut changes = ModelChanges {
        details: details(&before.meta, &after.meta),
        ..ModelChanges::default()
    };
    for (id, page) in &after.pages {
        match before.pages.get(id) {
            None => changes.added.push(named(page)),
            Some(old) => {
                if let Some(change) = page_change(old, page) {
                    changes.changed.push(change);
                }
            }
        }
    }
    for (id, page) in &before.pages {
        if !after.pages.contains_key(id) {
            changes.removed.push(named(page));
        }
    }
    changes
}

fn words(markdown: &str) -> usize {
    plain_text(markdown).split_whitespace().count()
}

fn named(page: &Page) -> PageNamed {
    PageNamed {
        id: page.id().to_string(),
        title: page.meta.title.clone(),
        file: page.file.path.clone(),
        words: words(page.body()),
    }
}

/// Text with line endings and spaces at the ends of lines evened out.
fn even(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
}

/// A section's own text: its heading and what follows, up to its first
/// subsection (or the next section).
fn own_text(page: &Page, index: usize) -> &str {
    let section: &Section = &page.sections[index];
    let end = page
        .sections
        .get(index + 1)
        .map_or(section.end, |next| next.start.min(section.end));
    &page.file.text[section.start..end]
}

/// The text before a page's first heading.
fn opening(page: &Page) -> &str {
    let end = page
        .sections
        .first()
        .map_or(page.file.text.len(), |s| s.start);
    &page.file.text[page.body_start..end]
}

fn page_change(old: &Page, new: &Page) -> Option<PageChange> {
    if even(&old.file.text) == even(&new.file.text) {
        return None;
    }
    let mut sections = Vec::new();
    for (i, s) in new.sections.iter().enumerate() {
        let now = own_text(new, i);
        let change = match old.sections.iter().position(|o| o.id == s.id) {
            None => Some((SectionChangeKind::Added, 0)),
            Some(j) => {
                let was = own_text(old, j);
                (even(was) != even(now)).then(|| (SectionChangeKind::Changed, words(was)))
            }
        };
        if let Some((kind, before)) = change {
            sections.push(SectionChange {
                kind,
                id: s.id.clone(),
                title: s.title.clone(),
                words: (before, words(now)),
            });
        }
    }
    for (j, s) in old.sections.iter().enumerate() {
        if new.section(&s.id).is_none() {
            sections.push(SectionChange {
                kind: SectionChangeKind::Removed,
                id: s.id.clone(),
                title: s.title.clone(),
                words: (words(own_text(old, j)), 0),
            });
        }
    }
    let opening_changed = even(opening(old)) != even(opening(new));
    let title_before = (old.meta.title != new.meta.title).then(|| old.meta.title.clone());
    let body_same = even(old.body()) == even(new.body());
    Some(PageChange {
        page: named(new),
        words_before: words(old.body()),
        title_before,
        opening_changed,
        details_only: body_same,
        sections,
    })
}

/// The details of `handbook.yaml` a reader sees that changed.
fn details(before: &HandbookMeta, after: &HandbookMeta) -> Vec<DetailChange> {
    let pairs: [(&'static str, String, String); 6] = [
        ("title", before.title.clone(), after.title.clone()),
        (
            "subtitle",
            before.subtitle.clone().unwrap_or_default(),
            after.subtitle.clone().unwrap_or_default(),
        ),
        (
            "publisher",
            before.publisher.clone(),
            after.publisher.clone(),
        ),
        ("version", before.version.clone(), after.version.clone()),
        ("date", before.date.to_string(), after.date.to_string()),
        ("licence", before.licence.clone(), after.licence.clone()),
    ];
    pairs.into_iter().filter(|(_, a, b)| a != b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::diagnostic::SourceFile;
    use std::collections::{BTreeMap, BTreeSet};

    fn model(pages: &[(&str, &str)]) -> Model {
        let mut map = BTreeMap::new();
        for (id, body) in pages {
            let text = format!("---\nid: {id}\ntitle: Page {id}\n---\n{body}");
            let file = SourceFile::new(format!("content/{id}.md"), text);
            let page = Page::parse(file, &mut Vec::new()).unwrap();
            map.insert(id.to_string(), page);
        }
        Model {
            meta: HandbookMeta::fallback(),
            pages: map,
            broken_ids: BTreeSet::new(),
            removed: Default::default(),
        }
    }

    #[test]
    fn pages_and_sections_added_removed_and_changed_with_word_counts() {
        let before = model(&[
            (
                "a",
                "Intro.\n\n## One {#one}\n\nThe plan is agreed.\n\n## Two {#two}\n\nGone soon.\n",
            ),
            ("b", "Page b.\n"),
            ("c", "Same.\n"),
        ]);
        let after = model(&[
            ("a", "Intro.\n\n## One {#one}\n\nThe plan is agreed by the panel.\n\n## Three {#three}\n\nNew words here.\n"),
            ("c", "Same.  \r\n"),
            ("d", "A new page.\n"),
        ]);
        let changes = compare(&before, &after);
        assert_eq!(changes.added.len(), 1);
        assert_eq!(changes.added[0].id, "d");
        assert_eq!(changes.added[0].words, 3);
        assert_eq!(changes.removed[0].id, "b");
        assert_eq!(changes.changed.len(), 1, "{changes:?}");
        let a = &changes.changed[0];
        assert_eq!(a.page.id, "a");
        assert!(!a.opening_changed && !a.details_only);
        let kinds: Vec<(SectionChangeKind, &str, (usize, usize))> = a
            .sections
            .iter()
            .map(|s| (s.kind, s.id.as_str(), s.words))
            .collect();
        assert_eq!(
            kinds,
            [
                (SectionChangeKind::Changed, "one", (5, 8)),
                (SectionChangeKind::Added, "three", (0, 4)),
                (SectionChangeKind::Removed, "two", (3, 0)),
            ]
        );
    }
}
