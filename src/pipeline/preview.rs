//! [`Preview`]: one edition built again and again for `serve` as files are
//! saved, through the same stages and the same renderer as `build`, in
//! each of its languages (each other language's site in its folder, `cy/`,
//! as `build` writes them), keeping what each stage can reuse: the
//! sources (re-reading only the files saved), and for each language the
//! link stage's per-page results and the render [`Cache`]. It hands the
//! pages over first and the print views after them.
//!
//! It leaves the search indexes and the link checks of what it made to the
//! caller (through `findings`, as `build` checks a site), off the path from
//! save to reload.

use std::path::PathBuf;
use std::sync::Arc;

use super::{edition, edition_theme, editions_of, language, timed, today, Bases, Written};
use crate::model::handbook::Sources;
use crate::model::language::Lang;
use crate::model::theme::{Engine, Theme};
use crate::stages::link;
use crate::stages::load::{self, Selection};
use crate::stages::render::{self, Cache, Made, Renderer};
use crate::support::diagnostic::{display_path, Diagnostic, Diagnostics, Severity};
use crate::support::url::PRINT_FILE;

/// One edition built again and again for `serve`, through the same stages
/// as `build`, keeping what each stage can reuse between saves.
pub struct Preview {
    root: PathBuf,
    authority: Option<String>,
    /// The sources as last read, if they had no errors.
    sources: Option<Sources>,
    theme: Option<Theme>,
    engine: std::sync::OnceLock<Option<Engine>>,
    /// What each language's site keeps between saves, the default
    /// language's first.
    sites: Vec<SiteMemo>,
    /// The warnings of the last full read of the root (a setting still a
    /// placeholder, a folder named like a page), shown again after a save
    /// that re-reads only the files saved; a saved file's are dropped.
    read_warnings: Vec<Diagnostic>,
}

/// What the preview keeps of one language's site between saves.
#[derive(Default)]
struct SiteMemo {
    link: link::LinkMemo,
    cache: Cache,
}

/// What one build of a [`Preview`] made, handed over in two steps.
#[derive(Debug)]
pub enum Step {
    /// Every output but the print views, of every language's site: the
    /// pages to serve at once, with the warnings the build found in the
    /// edition's sources (a review overdue, an override whose model text
    /// changed), sorted, as `check` reports them.
    Pages(Made, Vec<Diagnostic>),
    /// The print views, made after the pages are served (at thousands of
    /// pages one takes longer to put together than the pages a save changed).
    Print(Made),
}

/// Whether a file of the preview (by its path in the edition) is made after
/// the pages: a site's print view, or a file of its search index (see
/// [`Step`]).
pub fn made_after_pages(path: &str) -> bool {
    let in_site = Lang::ALL
        .iter()
        .find_map(|l| path.strip_prefix(l.code())?.strip_prefix('/'))
        .unwrap_or(path);
    in_site == PRINT_FILE || super::in_search_index(path)
}

impl Preview {
    /// A preview of the edition of `authority` (the model's when `None`) of
    /// the root at `root`. Nothing is read until [`Preview::build`].
    pub fn new(root: PathBuf, authority: Option<String>) -> Self {
        Self {
            root,
            authority,
            sources: None,
            theme: None,
            engine: std::sync::OnceLock::new(),
            sites: Vec::new(),
            read_warnings: Vec::new(),
        }
    }

    /// Builds the edition after `changed` files were saved (everything is
    /// read again when `changed` is `None`, or when the files cannot be
    /// re-read alone), in each of its languages, giving what it made to
    /// `hand_over` in two steps. Returns where each language's site writes
    /// each link, for [`check_made`](super::check_made) to check the made
    /// site by, as `build` does; or, as `Err`, the errors that stopped it,
    /// when nothing is handed over.
    pub fn build(
        &mut self,
        changed: Option<&[PathBuf]>,
        hand_over: &mut dyn FnMut(Step),
    ) -> Result<Vec<Written<'static>>, Vec<Diagnostic>> {
        let diagnostics = Diagnostics::new();
        timed("preview", "read", || self.read(changed, &diagnostics));
        let (Some(sources), Some(theme)) = (&self.sources, &self.theme) else {
            return Err(errors(diagnostics));
        };
        let slug = self.authority.as_deref();
        let bases = Bases::of(sources, &diagnostics);
        let Some(editions) = timed("preview", "overlay", || {
            editions_of(sources, &bases, slug, &diagnostics)
        }) else {
            diagnostics.push(Diagnostic::error(
                "unknown-authority",
                format!(
                    "there is no authority `{}` (or its authority.yaml could not be read)",
                    slug.unwrap_or_default()
                ),
            ));
            return Err(errors(diagnostics));
        };
        let today = today();
        timed("preview", "drift", || {
            edition::check_sources(&editions[0], today, &[], &diagnostics)
        });
        let states = language::translation_states(sources, &editions, &diagnostics);
        self.sites.resize_with(editions.len(), SiteMemo::default);
        let linked: Vec<link::LinkedEdition> = editions
            .into_iter()
            .zip(&self.sites)
            .map(|(edition, site)| {
                timed("preview", "link", || {
                    link::link_with(edition, &diagnostics, Some(&site.link))
                })
            })
            .collect();
        let mut own = None;
        let themed = edition_theme(
            &self.engine,
            &mut own,
            sources,
            theme,
            &linked[0],
            &diagnostics,
        );
        let Some((engine, statics)) = themed else {
            self.sites
                .iter()
                .for_each(|site| site.cache.forget_edition());
            return Err(errors(diagnostics));
        };
        let renderers: Vec<(Renderer, Vec<Arc<crate::support::diagnostic::SourceFile>>)> = linked
            .iter()
            .zip(&self.sites)
            .map(|(linked, site)| {
                let language =
                    language::edition_language(sources, theme, linked, &states, &diagnostics);
                let strings = language.strings.files().to_vec();
                let renderer = timed("preview", "renderer", || {
                    Renderer::new(
                        linked,
                        engine,
                        &statics,
                        today,
                        &diagnostics,
                        Some(site.cache.texts()),
                        language,
                    )
                });
                (renderer, strings)
            })
            .collect();
        let sites: Vec<(&Renderer, &SiteMemo, String)> = renderers
            .iter()
            .zip(&self.sites)
            .zip(&linked)
            .map(|(((renderer, _), site), linked)| (renderer, site, linked.edition.folder()))
            .collect();
        if make_sites(&sites, &diagnostics, hand_over).is_none() {
            return Err(errors(diagnostics));
        }
        let mut written = Vec::new();
        for ((renderer, strings), (site, linked)) in
            renderers.iter().zip(self.sites.iter().zip(&linked))
        {
            let paths: Vec<String> = renderer
                .outputs()
                .iter()
                .map(|o| renderer.path(*o))
                .collect();
            site.cache
                .keep_only(&paths.iter().map(String::as_str).collect());
            written.push(Written::of(linked, engine, &statics, strings).kept());
        }
        Ok(written)
    }

    /// Brings the sources up to date: re-reads just `changed` where it can,
    /// else reads the root again and starts afresh.
    fn read(&mut self, changed: Option<&[PathBuf]>, diagnostics: &Diagnostics) {
        if let (Some(sources), Some(changed)) = (&mut self.sources, changed) {
            if load::reload(sources, changed).is_some() {
                served_here(sources);
                let saved: Vec<String> = changed
                    .iter()
                    .map(|path| display_path(&sources.root, path))
                    .collect();
                self.read_warnings
                    .retain(|w| w.file_path().is_none_or(|f| !saved.iter().any(|s| s == f)));
                diagnostics.extend(self.read_warnings.iter().cloned());
                return;
            }
        }
        let selection = Selection::Only(self.authority.iter().cloned().collect());
        let read = Diagnostics::new();
        let mut sources = load::load(&self.root, &selection, &read);
        served_here(&mut sources);
        let theme = Theme::load(&sources.root, &sources.theme_dir, &read);
        let good = !read.has_errors();
        *self = Self::new(self.root.clone(), self.authority.clone());
        self.read_warnings = read.sorted_of(Severity::Warning);
        diagnostics.extend(read.into_sorted());
        if good {
            self.sources = Some(sources);
            self.theme = Some(theme);
        }
    }
}

/// Makes each language's site (its renderer, what the preview keeps of
/// it, its folder in the edition) and hands them over: every site's pages
/// first, then every site's print view. `None` when errors were found (in
/// `diagnostics`) and nothing is handed over.
fn make_sites(
    sites: &[(&Renderer, &SiteMemo, String)],
    diagnostics: &Diagnostics,
    hand_over: &mut dyn FnMut(Step),
) -> Option<()> {
    let mut pages = Made::default();
    for (renderer, site, folder) in sites {
        let rest: Vec<_> = renderer
            .outputs()
            .into_iter()
            .filter(|o| *o != render::OutputKind::Print)
            .collect();
        match timed("preview", "render", || site.cache.render(renderer, &rest)) {
            Ok(made) => add_made(&mut pages, made, folder),
            Err((path, e)) => diagnostics.push(Diagnostic::error(
                "unreadable",
                format!("cannot read {path}: {e}"),
            )),
        }
    }
    if diagnostics.has_errors() {
        return None;
    }
    hand_over(Step::Pages(pages, diagnostics.sorted_of(Severity::Warning)));
    let mut prints = Made::default();
    for (renderer, site, folder) in sites {
        if let Ok(made) = site.cache.render(renderer, &[render::OutputKind::Print]) {
            add_made(&mut prints, made, folder);
        }
    }
    hand_over(Step::Print(prints));
    Some(())
}

/// Adds what one language's site made (`made`, by paths in the site) to
/// `all`, at its paths in the edition (under `folder`).
fn add_made(all: &mut Made, made: Made, folder: &str) {
    let place = |path: String| format!("{folder}{path}");
    all.files.extend(
        made.files
            .into_iter()
            .map(|(path, bytes)| (place(path), bytes)),
    );
    all.changed.extend(made.changed.into_iter().map(place));
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preview")
            .field("root", &self.root)
            .field("authority", &self.authority)
            .finish_non_exhaustive()
    }
}

/// Sources as the preview serves them: at its own address, not at the
/// published one, so no page links to the published site (the preview's
/// 404 page is made to work from any folder when it is served).
fn served_here(sources: &mut Sources) {
    if let Some(model) = Arc::get_mut(&mut sources.model) {
        model.meta.address = None;
    }
    for authority in &mut sources.authorities {
        authority.config.address = None;
    }
}

/// The errors among `diagnostics`, sorted.
fn errors(diagnostics: Diagnostics) -> Vec<Diagnostic> {
    diagnostics
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tests::{first_build, fresh, page_a, page_b, save, small_root, Served};
    use crate::pipeline::Editions;
    use crate::support::url::PRINT_FILE;

    /// The text of the page at `path`.
    fn page(served: &Served, path: &str) -> String {
        String::from_utf8(served.files[path].to_vec()).unwrap()
    }

    #[test]
    fn a_preview_builds_then_rebuilds_only_what_an_edit_changed() {
        let dir = small_root();
        let root = dir.path();
        let model = Editions::Model;
        let mut preview = Preview::new(root.to_path_buf(), None);
        let served = first_build(&mut preview).unwrap();
        assert!(page(&served, "a.html").contains("Text of A."));
        assert!(page(&served, "b.html").contains("href=\"a.html#first\""));
        assert!(
            !served.files.contains_key("local.html"),
            "the model edition"
        );
        assert!(
            served.changed.contains(&"a.html".into()),
            "all made the first time"
        );
        served.assert_same_as_built(root, &model);

        // A save of one page's text makes that page again, and not the others.
        let text = page_a("New text of A.");
        let served = save(&mut preview, root, "content/a.md", &text).unwrap();
        assert!(page(&served, "a.html").contains("New text of A."));
        assert!(page(&served, PRINT_FILE).contains("New text of A."));
        let changed = &served.changed;
        assert!(changed.contains(&"a.html".into()), "{changed:?}");
        assert!(!changed.contains(&"b.html".into()), "{changed:?}");
        served.assert_same_as_built(root, &model);

        // A new page is read with the rest of the root again.
        let new = "---\nid: c\ntitle: Page C\nweight: 3\n---\nText of C.\n";
        let served = save(&mut preview, root, "content/c.md", new).unwrap();
        assert!(page(&served, "c.html").contains("Text of C."));
        let contents = page(&served, "b.html");
        assert!(contents.contains("Page C"), "the contents list follows");
        served.assert_same_as_built(root, &model);
    }

    #[test]
    fn a_save_links_again_the_unsaved_pages_that_name_the_saved_one() {
        let dir = small_root();
        let root = dir.path();
        let model = Editions::Model;
        let b = page_b("## About [[a]]\n\nSee [[a#first]].");
        std::fs::write(root.join("content/b.md"), &b).unwrap();
        let mut preview = Preview::new(root.to_path_buf(), None);
        let served = first_build(&mut preview).unwrap();
        served.assert_same_as_built(root, &model);

        // The section b links to is renamed: b, not saved, no longer resolves.
        let renamed = "---\nid: a\ntitle: Page A\nweight: 1\n---\n## Second {#second}\n\nA.\n";
        let problems = save(&mut preview, root, "content/a.md", renamed).unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| (p.code, p.file_path())).collect();
        assert_eq!(at, [("unknown-id", Some("content/b.md"))]);

        // Back, under a new title: b's heading and link show it.
        let retitled =
            "---\nid: a\ntitle: Page A, again\nweight: 1\n---\n## First {#first}\n\nA.\n";
        let served = save(&mut preview, root, "content/a.md", retitled).unwrap();
        let b_html = page(&served, "b.html");
        assert!(b_html.contains(">Page A, again</a></h2>"), "{b_html}");
        let changed = &served.changed;
        assert!(changed.contains(&"b.html".into()), "{changed:?}");
        served.assert_same_as_built(root, &model);

        // b links elsewhere, then back: the pages it links to follow.
        for text in ["See [[home]].", "See [[a]]."] {
            let served = save(&mut preview, root, "content/b.md", &page_b(text)).unwrap();
            served.assert_same_as_built(root, &model);
        }
    }

    #[test]
    fn a_broken_save_hands_over_nothing_and_the_next_good_one_recovers() {
        let dir = small_root();
        let root = dir.path();
        let mut preview = Preview::new(root.to_path_buf(), Some("x".into()));
        let served = first_build(&mut preview).unwrap();
        assert!(
            served.files.contains_key("local.html"),
            "the authority's edition"
        );

        let broken = save(
            &mut preview,
            root,
            "content/b.md",
            &page_b("See [[a#second]]."),
        );
        let problems = broken.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file_path(), Some("content/b.md"));
        assert_eq!(problems[0].line_col().map(|(line, _)| line), Some(6));

        let text = page_b("See [[local]].");
        let served = save(&mut preview, root, "content/b.md", &text).unwrap();
        assert!(page(&served, "b.html").contains("href=\"local.html\""));
        assert!(served.changed.contains(&"b.html".into()));

        let mut missing = Preview::new(root.to_path_buf(), Some("y".into()));
        let problems = first_build(&mut missing).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert!(codes.contains(&"unknown-authority"), "{codes:?}");
    }

    #[test]
    fn a_saved_broken_link_and_image_are_reported_at_their_source_as_build_reports_them() {
        let dir = small_root();
        let root = dir.path();
        let mut preview = Preview::new(root.to_path_buf(), None);
        assert!(first_build(&mut preview).unwrap().check().is_empty());

        let text = "See [the plan](plan.pdf).\n\n![A chart](assets/chart.png)";
        let served = save(&mut preview, root, "content/b.md", &page_b(text)).unwrap();
        let b = Some("content/b.md".to_string());
        let at = [
            ("broken-link", b.clone(), Some(6)),
            ("missing-image", b, Some(8)),
        ];
        assert_eq!(
            served.check(),
            at,
            "each once, at its line, not on print.html"
        );
        let (built, _) = fresh(root, &Editions::Model);
        assert_eq!(built, at, "where build reports them");
    }
}
