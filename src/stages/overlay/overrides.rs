//! An authority's overrides planned and applied to one model page: each
//! checked against the page's sections, clashes refused, and the page's
//! text spliced into chunks that remember whose words they are.
//!
//! Works on one page at a time; never reads a file or links a page.

use super::*;

/// An override whose target has been found.
pub(super) struct Planned<'s> {
    pub(super) over: &'s Override,
    pub(super) page: &'s Page,
    /// Index into `page.sections`, for section targets.
    pub(super) section: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edit {
    Insert(usize),
    Cut(usize, usize),
}

pub(super) fn plan_overrides<'s>(
    model: &'s Model,
    authority: &'s Authority,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Planned<'s>> {
    let mut planned: Vec<Planned<'s>> = Vec::new();
    for over in &authority.overrides {
        let target = &over.target;
        if let Some(problem) = removed_by_layer(model, over) {
            problems.push(problem);
            continue;
        }
        let Some(page) = model.pages.get(&target.page) else {
            let local = authority.pages.iter().any(|p| p.id() == target.page);
            let hint = if local {
                "overrides change model pages; edit the local page itself instead".to_string()
            } else {
                did_you_mean(
                    &target.page,
                    model.pages.keys().map(String::as_str),
                    "use the id of a model page, such as `step-3`",
                )
            };
            problems.push(
                Diagnostic::error(
                    "unknown-target",
                    format!(
                        "there is no model page `{}` to {}",
                        target.page,
                        over.action.word()
                    ),
                )
                .at(&over.file, over.target_span.0, over.target_span.1)
                .hint(hint),
            );
            continue;
        };
        let section = match &target.section {
            None => None,
            Some(id) => match page.sections.iter().position(|s| &s.id == id) {
                Some(i) => Some(i),
                None => {
                    problems.push(
                        Diagnostic::error(
                            "unknown-target",
                            format!("the page `{}` has no section `{id}`", page.id()),
                        )
                        .at(&over.file, over.target_span.0, over.target_span.1)
                        .hint(did_you_mean(
                            id,
                            page.sections.iter().map(|s| s.id.as_str()),
                            &format!(
                                "its sections are: {}",
                                page.sections
                                    .iter()
                                    .map(|s| s.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )),
                    );
                    continue;
                }
            },
        };
        if section.is_none() && matches!(over.action, Action::InsertBefore | Action::InsertAfter) {
            problems.push(
                Diagnostic::error("insert-needs-section", format!("`{}` needs a section to go next to", over.action.word()))
                    .at(&over.file, over.target_span.0, over.target_span.1)
                    .hint("target a section (`page-id#section-id`), or use `prepend`/`append` to add to the start or end of the page"),
            );
            continue;
        }
        if section.is_none() && over.action == Action::Replace && over.body().trim().is_empty() {
            problems.push(
                Diagnostic::error(
                    "empty-replace",
                    "this override replaces a whole page with nothing",
                )
                .at(&over.file, over.target_span.0, over.target_span.1)
                .hint("write the local text under the front matter, or use `action: remove`"),
            );
            continue;
        }
        if let (Action::Replace, Some(id)) = (over.action, &target.section) {
            problems.extend(lost_section_id(over, id));
        }
        planned.push(Planned {
            over,
            page,
            section,
        });
    }
    reject_clashes(planned, problems)
}

/// The error for an override whose target a layer under the edition
/// removed (issue 35): its page, or its section.
fn removed_by_layer(model: &Model, over: &Override) -> Option<Diagnostic> {
    let target = &over.target;
    let (layer, file) = model
        .removed
        .get(&target.to_string())
        .or_else(|| model.removed.get(&target.page))?;
    Some(
        Diagnostic::error(
            "target-removed-by-layer",
            format!(
                "the layer `{layer}` this edition builds on removed `{}`, so there is nothing here to {}",
                target,
                over.action.word()
            ),
        )
        .at(&over.file, over.target_span.0, over.target_span.1)
        .hint(format!(
            "the layer removes it in `{file}`: to keep the text, ask the layer's keeper, or write it as your own with an `insert-before` or `insert-after` beside a section that is still there; otherwise delete this override"
        )),
    )
}

/// The warning for a `replace` override of the section `id` whose text
/// does not start with a heading of that id: the section would lose its
/// id, and every link to it would go to the top of the page instead.
pub(super) fn lost_section_id(over: &Override, id: &str) -> Option<Diagnostic> {
    let body = over.body();
    let first = crate::text::markdown::headings(body).into_iter().next();
    let first_id = first.as_ref().map(|h| {
        h.explicit_id
            .clone()
            .unwrap_or_else(|| crate::text::markdown::slug(&h.text))
    });
    let at_start = first
        .as_ref()
        .is_some_and(|h| h.range.0 == body.len() - body.trim_start().len());
    if at_start && first_id.as_deref() == Some(id) {
        return None;
    }
    let (what, at) = match (&first, &first_id) {
        (Some(h), Some(first_id)) => (
            format!("its first heading has the id `{first_id}`"),
            (over.body_start + h.range.0, over.body_start + h.range.1),
        ),
        _ => (
            "its text has no heading".to_string(),
            (over.target_span.0, over.target_span.1),
        ),
    };
    Some(
        Diagnostic::warning(
            "section-id-lost",
            format!("this override replaces the section `{id}`, but {what}: the section loses its id, and every link to `{}#{id}` would go to the top of the page", over.target.page),
        )
        .at(&over.file, at.0, at.1.max(at.0 + 1))
        .hint(format!("start the override's text with the section's heading and its id, such as `## Your heading {{#{id}}}`")),
    )
}

/// Two overrides clash when one replaces or removes text the other changes.
pub(super) fn reject_clashes<'s>(
    planned: Vec<Planned<'s>>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Planned<'s>> {
    let mut clashing = HashSet::new();
    for (i, a) in planned.iter().enumerate() {
        for (j, b) in planned.iter().enumerate().skip(i + 1) {
            if a.page.id() != b.page.id() {
                continue;
            }
            if clash(a, b) || clash(b, a) {
                clashing.insert(i);
                clashing.insert(j);
                problems.push(
                    Diagnostic::error(
                        "override-clash",
                        format!(
                            "this override ({} `{}`) clashes with `{}` ({} `{}`)",
                            a.over.action.word(),
                            a.over.target,
                            b.over.file.path,
                            b.over.action.word(),
                            b.over.target
                        ),
                    )
                    .at(&a.over.file, a.over.target_span.0, a.over.target_span.1)
                    .hint(format!(
                        "both change the same text; merge `{}` and `{}` into one override",
                        a.over.file.path, b.over.file.path
                    )),
                );
            }
        }
    }
    planned
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !clashing.contains(i))
        .map(|(_, p)| p)
        .collect()
}

pub(super) fn clash(cutter: &Planned, other: &Planned) -> bool {
    let Edit::Cut(start, end) = cutter.edit() else {
        // Two insertions never clash, unless they are the same action on the same target.
        return cutter.over.target == other.over.target && cutter.over.action == other.over.action;
    };
    if cutter.over.target == other.over.target {
        return !matches!(
            other.over.action,
            Action::InsertBefore | Action::InsertAfter
        );
    }
    let (o_start, o_end) = other.range();
    let inside = o_start >= start && o_end <= end;
    match other.edit() {
        Edit::Cut(..) => inside || (o_start < end && start < o_end),
        // Text added to, or next to, something inside the cut text has nowhere to go.
        Edit::Insert(pos) => inside || (pos > start && pos < end),
    }
}

/// Builds a page's chunks from the model text and the overrides on it,
/// each override's text marked as `authority`'s, and a marked notice where
/// it removed a section.
pub(super) fn splice(page: &Page, edits: &[&Planned], authority: &Authority) -> Vec<Chunk> {
    let mut ordered: Vec<&&Planned> = edits.iter().collect();
    ordered.sort_by_cached_key(|p| {
        let pos = match p.edit() {
            Edit::Insert(pos) | Edit::Cut(pos, _) => pos,
        };
        (pos, p.rank(), p.over.file.path.clone())
    });
    let mut chunks = Vec::new();
    let mut cursor = page.body_start;
    let model = |from: usize, to: usize, chunks: &mut Vec<Chunk>| {
        chunks.extend(super::layers::model_chunks(page, from, to));
    };
    for p in ordered {
        let (start, end) = match p.edit() {
            Edit::Insert(pos) => (pos, pos),
            Edit::Cut(start, end) => (start, end),
        };
        model(cursor, start.max(cursor), &mut chunks);
        cursor = cursor.max(end);
        let Some(local) = marked_text(p, authority) else {
            continue;
        };
        chunks.push(separator());
        chunks.push(local);
        chunks.push(separator());
    }
    model(cursor, page.file.text.len(), &mut chunks);
    chunks
}

/// What an override puts where it acts, marked as the council's: its own
/// text, or, for a removed section, a notice saying so and why. `None` for
/// a removed page, which is gone.
pub(super) fn marked_text(p: &Planned, authority: &Authority) -> Option<Chunk> {
    let kind = match p.over.action {
        Action::Note => MarkKind::Note,
        Action::Remove => MarkKind::Removed,
        _ => MarkKind::Local,
    };
    let mark = Arc::new(Mark {
        kind,
        council: authority.config.publisher().to_string(),
        anchor: anchor_of(p.over, Some(authority)),
        updated: p.over.governance.last_updated(),
        style: authority.config.theme.provenance,
    });
    let (file, range) = if kind == MarkKind::Removed {
        let section = p.section.map(|i| p.page.sections[i].title.as_str())?;
        let text = format!(
            "The model guidance has a section here, \u{201c}{}\u{201d}, that is not part of this edition. {}\n",
            markdown::escape_text(section),
            markdown::escape_text(p.over.reason.as_deref().unwrap_or_default())
        );
        let file = SourceFile::new(format!("{} (removed section)", p.over.file.path), text);
        let range = (0, file.text.len());
        (file, range)
    } else {
        (
            Arc::clone(&p.over.file),
            (p.over.body_start, p.over.file.text.len()),
        )
    };
    Some(Chunk {
        file,
        range,
        local: true,
        mark: Some(mark),
    })
}

/// The entry of `over`, an override of `authority`, on the differences
/// page: a layer's is named by the layer too, so that it never shares an
/// entry with an override of the same name of the council built on it.
pub(super) fn anchor_of(over: &Override, authority: Option<&Authority>) -> String {
    match authority {
        Some(a) if a.config.is_layer() => format!("{}-{}", a.slug, over.anchor()),
        _ => over.anchor(),
    }
}

/// What goes between model and local text: a blank line and an empty
/// comment, so that local text never continues a model list or paragraph
/// (the comment is not published).
pub(super) fn separator() -> Chunk {
    static BLANK: std::sync::OnceLock<Arc<SourceFile>> = std::sync::OnceLock::new();
    let file = BLANK.get_or_init(|| SourceFile::new(GENERATED, "\n\n<!-- -->\n\n"));
    Chunk {
        file: Arc::clone(file),
        range: (0, file.text.len()),
        local: false,
        mark: None,
    }
}

impl Planned<'_> {
    /// Whether the text the override changes, or sits beside, holds text a
    /// layer under the edition wrote (issue 35).
    pub(super) fn on_layer_text(&self) -> bool {
        let (start, end) = self.range();
        self.page
            .pieces
            .iter()
            .any(|p| p.mark.is_some() && p.at.0 < end && start < p.at.1)
    }

    /// The byte range of the target in the page's file.
    pub(super) fn range(&self) -> (usize, usize) {
        match self.section {
            Some(i) => (self.page.sections[i].start, self.page.sections[i].end),
            None => (self.page.body_start, self.page.file.text.len()),
        }
    }

    pub(super) fn model_text(&self) -> &str {
        let (a, b) = self.range();
        &self.page.file.text[a..b]
    }

    /// Where the local text goes, or the range it replaces.
    pub(super) fn edit(&self) -> Edit {
        let (start, end) = self.range();
        let after_heading = match self.section {
            Some(i) => self.page.sections[i].heading_end,
            None => start,
        };
        match self.over.action {
            Action::Replace | Action::Remove => Edit::Cut(start, end),
            Action::Append | Action::InsertAfter => Edit::Insert(end),
            Action::Note if self.over.position == Position::Before => Edit::Insert(after_heading),
            Action::Prepend => Edit::Insert(after_heading),
            Action::Note => Edit::Insert(end),
            Action::InsertBefore => Edit::Insert(start),
        }
    }

    /// Order of edits at one position, as a reader meets them: text
    /// prepended after a heading first; then text closing sections, innermost
    /// first, each section's appended text before the text inserted after it;
    /// then text opening the next section, outermost first, the text inserted
    /// before a section ahead of its replacement.
    pub(super) fn rank(&self) -> (u8, i16, u8) {
        let depth = self
            .section
            .map_or(0, |i| i16::from(self.page.sections[i].level));
        match self.over.action {
            Action::Prepend => (0, depth, 0),
            // A note before the text comes after the text prepended to it,
            // and one after it follows the text appended to it.
            Action::Note if self.over.position == Position::Before => (0, depth, 1),
            Action::Note => (1, -depth, 2),
            Action::Append => (1, -depth, 0),
            Action::InsertAfter => (1, -depth, 1),
            Action::InsertBefore => (2, depth, 0),
            Action::Replace | Action::Remove => (2, depth, 1),
        }
    }
}
