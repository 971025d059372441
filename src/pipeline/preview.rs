//! [`Preview`]: one edition built again and again for `serve` as files are
//! saved, through the same stages and the same renderer as `build`,
//! keeping what each stage can reuse: the sources (re-reading only the
//! files saved), the link stage's per-page results, and the render
//! [`Cache`]. It hands the pages over first and the print view after them.
//!
//! It leaves the search index and the link check of what it made to the
//! caller, off the path from save to reload, and shows only the edition's
//! default language (its other languages' sites are not made).

use std::path::PathBuf;
use std::sync::Arc;

use super::{edition, edition_theme, overlay_edition, timed, today};
use crate::model::handbook::Sources;
use crate::model::theme::{Engine, Theme};
use crate::stages::link;
use crate::stages::load::{self, Selection};
use crate::stages::render::{self, Cache, Made, Renderer};
use crate::support::diagnostic::{Diagnostic, Diagnostics, Severity};

/// One edition built again and again for `serve`, through the same stages
/// as `build`, keeping what each stage can reuse between saves.
pub struct Preview {
    root: PathBuf,
    authority: Option<String>,
    /// The sources as last read, if they had no errors.
    sources: Option<Sources>,
    theme: Option<Theme>,
    engine: std::sync::OnceLock<Option<Engine>>,
    link: link::Memo,
    cache: Cache,
}

/// What one build of a [`Preview`] made, handed over in two steps.
#[derive(Debug)]
pub enum Step {
    /// Every output but the print view: the pages to serve at once.
    Pages(Made),
    /// The print view, made after the pages are served (at thousands of
    /// pages it takes longer to put together than the pages a save changed).
    Print(Made),
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
            link: link::Memo::default(),
            cache: Cache::default(),
        }
    }

    /// Builds the edition after `changed` files were saved (everything is
    /// read again when `changed` is `None`, or when the files cannot be
    /// re-read alone), giving what it made to `hand_over` in two steps. The
    /// errors that stopped it are returned as `Err`, and nothing is handed
    /// over.
    pub fn build(
        &mut self,
        changed: Option<&[PathBuf]>,
        hand_over: &mut dyn FnMut(Step),
    ) -> Result<(), Vec<Diagnostic>> {
        let diagnostics = Diagnostics::new();
        timed("preview", "read", || self.read(changed, &diagnostics));
        let (Some(sources), Some(theme)) = (&self.sources, &self.theme) else {
            return Err(errors(diagnostics));
        };
        let slug = self.authority.as_deref();
        let edition = timed("preview", "overlay", || {
            overlay_edition(sources, slug, &diagnostics)
        });
        let Some(edition) = edition else {
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
            edition::check_sources(&edition, today, &diagnostics)
        });
        let linked = timed("preview", "link", || {
            link::link_with(edition, &diagnostics, Some(&self.link))
        });
        let mut own = None;
        let themed = edition_theme(
            &self.engine,
            &mut own,
            sources,
            theme,
            &linked,
            &diagnostics,
        );
        let Some((engine, statics)) = themed else {
            self.cache.forget_edition();
            return Err(errors(diagnostics));
        };
        let renderer = timed("preview", "renderer", || {
            Renderer::new(
                &linked,
                engine,
                &statics,
                today,
                &diagnostics,
                Some(self.cache.texts()),
                preview_language(sources, theme, &linked, &diagnostics),
            )
        });
        let outputs = renderer.outputs();
        let (print, pages): (Vec<_>, Vec<_>) =
            outputs.iter().partition(|o| **o == render::Output::Print);
        let made = timed("preview", "render", || self.cache.render(&renderer, &pages));
        let made = made.map_err(|(path, e)| {
            vec![Diagnostic::error(
                "unreadable",
                format!("cannot read {path}: {e}"),
            )]
        })?;
        if diagnostics.has_errors() {
            return Err(errors(diagnostics));
        }
        hand_over(Step::Pages(made));
        if let Ok(made) = self.cache.render(&renderer, &print) {
            hand_over(Step::Print(made));
        }
        let paths: Vec<String> = outputs.iter().map(|o| renderer.path(*o)).collect();
        self.cache
            .keep_only(&paths.iter().map(String::as_str).collect());
        Ok(())
    }

    /// Brings the sources up to date: re-reads just `changed` where it can,
    /// else reads the root again and starts afresh.
    fn read(&mut self, changed: Option<&[PathBuf]>, diagnostics: &Diagnostics) {
        if let (Some(sources), Some(changed)) = (&mut self.sources, changed) {
            if load::reload(sources, changed).is_some() {
                served_here(sources);
                return;
            }
        }
        let selection = Selection::Only(self.authority.iter().cloned().collect());
        let mut sources = load::load(&self.root, &selection, diagnostics);
        served_here(&mut sources);
        let theme = Theme::load(&sources.root, &sources.theme_dir, diagnostics);
        let good = !diagnostics.has_errors();
        *self = Self::new(self.root.clone(), self.authority.clone());
        if good {
            self.sources = Some(sources);
            self.theme = Some(theme);
        }
    }
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preview")
            .field("root", &self.root)
            .field("authority", &self.authority)
            .finish_non_exhaustive()
    }
}

/// The language of the preview's pages: the edition's default, without a
/// switch to its other languages, whose sites the preview does not make.
fn preview_language(
    sources: &Sources,
    theme: &Theme,
    linked: &link::LinkedEdition,
    diagnostics: &Diagnostics,
) -> render::Language {
    let mut language = edition::edition_language(sources, theme, linked, &[], diagnostics);
    language.others.clear();
    language
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
    use std::collections::HashMap;
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::pipeline::tests::{fresh_build, fresh_run, page_a, page_b, small_root};
    use crate::support::url::PRINT_FILE;

    /// Builds `preview` from scratch; returns what each step handed over.
    fn first_build(preview: &mut Preview) -> Result<Vec<Step>, Vec<Diagnostic>> {
        let mut steps = Vec::new();
        preview.build(None, &mut |step| steps.push(step))?;
        Ok(steps)
    }

    /// Saves `text` to `relative` under the preview's root and builds again.
    fn save(
        preview: &mut Preview,
        relative: &str,
        text: &str,
    ) -> Result<Vec<Step>, Vec<Diagnostic>> {
        let path = preview.root.join(relative);
        std::fs::write(&path, text).unwrap();
        let mut steps = Vec::new();
        preview.build(Some(&[path]), &mut |step| steps.push(step))?;
        Ok(steps)
    }

    /// The files of the two steps, by path, and the paths the first made again.
    fn files_of(steps: Vec<Step>) -> (HashMap<String, Arc<[u8]>>, Vec<String>) {
        let mut files = HashMap::new();
        let mut changed = Vec::new();
        let mut kinds = Vec::new();
        for step in steps {
            let made = match step {
                Step::Pages(made) => {
                    kinds.push("pages");
                    assert!(made.files.iter().all(|(path, _)| path != PRINT_FILE));
                    changed = made.changed.clone();
                    made
                }
                Step::Print(made) => {
                    kinds.push("print");
                    let paths: Vec<&str> = made.files.iter().map(|(p, _)| p.as_str()).collect();
                    assert_eq!(paths, [PRINT_FILE]);
                    made
                }
            };
            files.extend(made.files);
        }
        assert_eq!(
            kinds,
            ["pages", "print"],
            "pages first, then the print view"
        );
        (files, changed)
    }

    fn assert_same_as_built(files: &HashMap<String, Arc<[u8]>>, root: &Path) {
        let built = fresh_build(root);
        let mut paths: Vec<&String> = built.keys().collect();
        paths.sort();
        let served: Vec<&String> = {
            let mut p: Vec<&String> = files.keys().collect();
            p.sort();
            p
        };
        assert_eq!(served, paths, "the preview makes the files a build makes");
        for path in paths {
            assert!(
                *files[path] == *built[path],
                "{path} differs from a fresh build"
            );
        }
    }

    #[test]
    fn a_preview_builds_then_rebuilds_only_what_an_edit_changed() {
        let dir = small_root();
        let root = dir.path();
        let mut preview = Preview::new(root.to_path_buf(), None);
        let (files, changed) = files_of(first_build(&mut preview).unwrap());
        let page = |files: &HashMap<String, Arc<[u8]>>, path: &str| {
            String::from_utf8(files[path].to_vec()).unwrap()
        };
        assert!(page(&files, "a.html").contains("Text of A."));
        assert!(page(&files, "b.html").contains("href=\"a.html#first\""));
        assert!(!files.contains_key("local.html"), "the model edition");
        assert!(
            changed.contains(&"a.html".into()),
            "all made the first time"
        );
        assert_same_as_built(&files, root);

        // A save of one page's text makes that page again, and not the others.
        let saved = save(&mut preview, "content/a.md", &page_a("New text of A."));
        let (files, changed) = files_of(saved.unwrap());
        assert!(page(&files, "a.html").contains("New text of A."));
        assert!(page(&files, PRINT_FILE).contains("New text of A."));
        assert!(changed.contains(&"a.html".into()), "{changed:?}");
        assert!(!changed.contains(&"b.html".into()), "{changed:?}");
        assert_same_as_built(&files, root);

        // A new page is read with the rest of the root again.
        let new = "---\nid: c\ntitle: Page C\nweight: 3\n---\nText of C.\n";
        let (files, _) = files_of(save(&mut preview, "content/c.md", new).unwrap());
        assert!(page(&files, "c.html").contains("Text of C."));
        let contents = page(&files, "b.html");
        assert!(contents.contains("Page C"), "the contents list follows");
        assert_same_as_built(&files, root);
    }

    #[test]
    fn a_save_links_again_the_unsaved_pages_that_name_the_saved_one() {
        let dir = small_root();
        let root = dir.path();
        let b = page_b("## About [[a]]\n\nSee [[a#first]].");
        std::fs::write(root.join("content/b.md"), &b).unwrap();
        let mut preview = Preview::new(root.to_path_buf(), None);
        let (files, _) = files_of(first_build(&mut preview).unwrap());
        assert_same_as_built(&files, root);

        // The section b links to is renamed: b, not saved, no longer resolves.
        let renamed = "---\nid: a\ntitle: Page A\nweight: 1\n---\n## Second {#second}\n\nA.\n";
        let problems = save(&mut preview, "content/a.md", renamed).unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| (p.code, p.file_path())).collect();
        assert_eq!(at, [("unknown-id", Some("content/b.md"))]);

        // Back, under a new title: b's heading and link show it.
        let retitled =
            "---\nid: a\ntitle: Page A, again\nweight: 1\n---\n## First {#first}\n\nA.\n";
        let (files, changed) = files_of(save(&mut preview, "content/a.md", retitled).unwrap());
        let b_html = String::from_utf8_lossy(&files["b.html"]).into_owned();
        assert!(b_html.contains(">Page A, again</a></h2>"), "{b_html}");
        assert!(changed.contains(&"b.html".into()), "{changed:?}");
        assert_same_as_built(&files, root);

        // b links elsewhere, then back: the pages it links to follow.
        for text in ["See [[home]].", "See [[a]]."] {
            let (files, _) = files_of(save(&mut preview, "content/b.md", &page_b(text)).unwrap());
            assert_same_as_built(&files, root);
        }
    }

    /// Where each error of a build of the model edition of `root` is.
    fn fresh_errors(root: &Path) -> Vec<(&'static str, Option<String>, Option<usize>)> {
        let run = fresh_run(root);
        let errors = run
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error);
        let mut at: Vec<_> = errors.map(place_of).collect();
        at.sort();
        at
    }

    fn place_of(d: &Diagnostic) -> (&'static str, Option<String>, Option<usize>) {
        let file = d.file_path().map(str::to_string);
        (d.code, file, d.line_col().map(|(line, _)| line))
    }

    /// A run of saves, each of one page's headings, cross-references and
    /// title picked at random (from a fixed seed), serves after each save
    /// what a fresh build makes, or fails with the errors it fails with.
    #[test]
    fn any_run_of_saves_serves_what_a_fresh_build_makes() {
        let dir = small_root();
        let root = dir.path();
        let seed = std::cell::Cell::new(0x9e37_79b9_7f4a_7c15_u64);
        let pick = |n: usize| {
            let next = seed
                .get()
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seed.set(next);
            (next >> 33) as usize % n
        };
        let headings = [
            "## First {#first}",
            "## Second {#second}",
            "## About [[b]] {#about}",
            "### Third {#third}",
            "## On [[c#third]]",
        ];
        let links = [
            "[[a#first]]",
            "[[a#second]]",
            "[[b]]",
            "[[c]]",
            "[[a]]",
            "[[home]]",
            "[[c#third]]",
            "[[b#about]]",
        ];
        // Each page's weight is picked too, so a save can change the
        // reading order.
        let page = |id: &str| {
            let weight = 1 + pick(3);
            let title = ["Page", "Page, again"][pick(2)];
            let mut text = format!("---\nid: {id}\ntitle: {title} {id}\nweight: {weight}\n---\n");
            for h in headings {
                if pick(8) != 0 {
                    text.push_str(&format!("{h}\n\nText of {id}.\n\n"));
                }
            }
            for l in links {
                if pick(5) == 0 {
                    text.push_str(&format!("See {l}.\n\n"));
                }
            }
            text
        };
        std::fs::write(root.join("content/c.md"), page("c")).unwrap();
        let mut preview = Preview::new(root.to_path_buf(), None);
        let _ = first_build(&mut preview);
        let mut failed = 0;
        for _ in 0..40 {
            let id = ["a", "b", "c"][pick(3)];
            let text = page(id);
            match save(&mut preview, &format!("content/{id}.md"), &text) {
                Ok(steps) => assert_same_as_built(&files_of(steps).0, root),
                Err(problems) => {
                    failed += 1;
                    let mut at: Vec<_> = problems.iter().map(place_of).collect();
                    at.sort();
                    assert_eq!(at, fresh_errors(root), "after saving {id}:\n{text}");
                }
            }
        }
        // Both kinds of outcome were met, many times each.
        assert!((3..=37).contains(&failed), "{failed} of 40 saves failed");
    }

    #[test]
    fn a_broken_save_hands_over_nothing_and_the_next_good_one_recovers() {
        let dir = small_root();
        let root = dir.path();
        let mut preview = Preview::new(root.to_path_buf(), Some("x".into()));
        let (files, _) = files_of(first_build(&mut preview).unwrap());
        assert!(files.contains_key("local.html"), "the authority's edition");

        let broken = save(&mut preview, "content/b.md", &page_b("See [[a#second]]."));
        let problems = broken.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file_path(), Some("content/b.md"));
        assert_eq!(problems[0].line_col().map(|(line, _)| line), Some(6));

        let fixed = save(&mut preview, "content/b.md", &page_b("See [[local]]."));
        let (files, changed) = files_of(fixed.unwrap());
        assert!(String::from_utf8_lossy(&files["b.html"]).contains("href=\"local.html\""));
        assert!(changed.contains(&"b.html".into()));

        let mut missing = Preview::new(root.to_path_buf(), Some("y".into()));
        let problems = first_build(&mut missing).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert!(codes.contains(&"unknown-authority"), "{codes:?}");
    }
}
