//! For the preview: the files saved since the last load read again into
//! the sources already loaded, each checked as `load` checks it.
//!
//! Re-reads only the saved files; never walks the root again.

use super::*;

/// What [`reload`] re-read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reloaded {
    /// Ids of pages (model or local) whose front matter is as it was: only
    /// their Markdown changed.
    pub bodies: Vec<String>,
    /// Whether anything else changed (front matter, overrides, examples).
    pub more: bool,
}

/// A changed file parsed again, with where it goes in the sources.
pub(super) enum Reparsed {
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

/// The changed files, read, with their paths as shown; `None` when one is
/// not a Markdown file that is still there and can be read. Folders are
/// passed over: a file added to or taken from one comes with its own change.
pub(super) fn read_changed(
    root: &Path,
    changed: &[PathBuf],
) -> Option<Vec<(String, Arc<SourceFile>)>> {
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
pub(super) fn reparse_page(file: Arc<SourceFile>, id: &str) -> Option<Page> {
    let mut problems = Vec::new();
    Page::parse(file, &mut problems)
        .ok()
        .filter(|p| problems.is_empty() && p.id() == id)
}

/// A changed file parsed as what it was read as before (a model page, or
/// an authority's override, example or local page); `None` when it was not
/// read before, or no longer parses as the same thing.
pub(super) fn parse_changed(
    sources: &Sources,
    shown: &str,
    file: Arc<SourceFile>,
) -> Option<Reparsed> {
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
pub(super) fn put_back(sources: &mut Sources, parsed: Vec<Reparsed>) -> Reloaded {
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
