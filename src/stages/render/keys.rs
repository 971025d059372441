//! The keys of an edition's outputs: a fingerprint of everything each
//! output is made from, so the preview's [`Cache`](super::Cache) makes
//! again only what changed and equal keys make equal bytes.
//!
//! Worked out from the inputs themselves, without gathering an output's
//! values where that costs much (a page's values, the print view, the A to
//! Z). Makes no output and reads no file.

use rayon::prelude::*;

use super::*;

impl<'r, 's> Renderer<'r, 's> {
    /// The key of an output: a fingerprint of everything it is made from,
    /// so that equal keys make equal bytes. A content page's key is made
    /// from the very values its template is given ([`Self::page_key`]), so a
    /// value added to a page cannot be left out of it. Other outputs' keys
    /// are worked out from their inputs, without gathering values that cost
    /// much (the print view's, the A to Z's), so a [`Cache`] can tell what
    /// to make again cheaply. `None` when the output's inputs are of a kind
    /// it cannot key (it is then made every time).
    pub fn key(&self, output: OutputKind) -> Option<Key> {
        let mut f = Fingerprint::default();
        f.text(&self.path(output));
        match output {
            OutputKind::Page(_) => return self.page_key(&self.prepare(output)),
            OutputKind::Print => {
                f.bytes(self.site_key())
                    .bytes(&self.parts.contents.fingerprint_for(None));
                let texts: Vec<Key> = self
                    .linked
                    .pages
                    .par_iter()
                    .map(|p| self.text_key(p, "print", &self.print_options(p)))
                    .collect();
                let inputs: Vec<Key> = self
                    .linked
                    .pages
                    .par_iter()
                    .map(|p| {
                        let mut f = Fingerprint::default();
                        self.page_inputs_key(p, &mut f);
                        f.finish()
                    })
                    .collect();
                for (text, inputs) in texts.iter().zip(&inputs) {
                    f.bytes(text).bytes(inputs);
                }
            }
            OutputKind::Site(page) if matches!(page.id, "a-z" | "search") => {
                f.bytes(self.site_key())
                    .bytes(&self.parts.contents.fingerprint_for(None))
                    .bytes(self.outline_key());
                // The subject index's keywords and glossary terms.
                for p in &self.linked.pages {
                    f.text(&p.page.meta.keywords.join("\n"));
                }
                for term in &self.glossary {
                    f.text(&term.term).text(&term.anchor);
                }
            }
            OutputKind::Site(page) => {
                f.bytes(self.site_key())
                    .bytes(&self.parts.contents.fingerprint_for(None));
                // The 404 page's links start with the edition's address.
                f.text(self.linked.edition.address().unwrap_or("\0"));
                for (name, value) in self.site_values(page) {
                    f.text(name).bytes(&value.json());
                }
            }
            OutputKind::Feed
            | OutputKind::Sitemap
            | OutputKind::EditionCss
            | OutputKind::Static(_)
            | OutputKind::OfflineWorker
            | OutputKind::Document(_) => {
                match self.prepare(output).inputs {
                    Inputs::Bytes(bytes) => f.bytes(&bytes),
                    Inputs::Static(StaticFile::Path(path)) => {
                        f.bytes(path.as_os_str().as_encoded_bytes())
                    }
                    Inputs::Static(StaticFile::BuiltIn(bytes)) => f.bytes(bytes),
                    Inputs::Copy(file) => f
                        .bytes(file.path.as_os_str().as_encoded_bytes())
                        .bytes(&file.size.to_le_bytes()),
                    _ => return None,
                };
            }
        }
        Some(f.finish())
    }

    /// The key of a prepared content page: its path, the values every page
    /// shares and its contents list, its template and every value the
    /// template is given (its text's HTML by the text's key, and the credits
    /// page's list of the editors' changes by the credits key, as those are
    /// made only when the page is). `None` for other outputs.
    pub fn page_key(&self, prepared: &Prepared) -> Option<Key> {
        let (OutputKind::Page(i), Inputs::Page { context, template }) =
            (prepared.output, &prepared.inputs)
        else {
            return None;
        };
        let p = &self.linked.pages[i];
        let mut f = Fingerprint::default();
        f.text(&prepared.path).text(template);
        f.bytes(self.site_key())
            .bytes(&self.parts.contents.fingerprint_for(Some(i)));
        f.bytes(&self.text_key(p, "text", &self.options(p.page.id(), None)));
        if p.page.id() == context::CREDITS_ID {
            // Its list of the editors' changes, made only with the page.
            f.bytes(&self.credits_key());
        }
        f.bytes(&json(context));
        f.bytes(&json(&self.page_versions(p.page.id())));
        Some(f.finish())
    }

    /// A fingerprint of everything a page's key reads besides the page's
    /// own files: what every page shares (the site key, the settings of
    /// HTML, the date), every page's id, place, title, sections, front
    /// matter and backlinks (titles, breadcrumbs and "Referenced by" lists
    /// read other pages'), the model's and the authority's settings (dates,
    /// citations) and the releases shown. When it is the same as at the
    /// last render, a page whose files did not change (linked from the
    /// memo) has the key it had then: see [`Self::unchanged`].
    pub fn edition_key(&self) -> Key {
        *self.edition_key.get_or_init(|| self.make_edition_key())
    }

    pub(super) fn make_edition_key(&self) -> Key {
        let mut f = Fingerprint::default();
        f.bytes(self.site_key()).bytes(&self.settings_key);
        f.text(&self.today.to_string());
        f.text(&format!("{:?}", self.linked.edition.model.meta));
        if let Some(authority) = self.linked.edition.authority {
            f.text(&format!("{:?}", authority.config));
        }
        f.bytes(self.outline_key());
        for part in self.by_runs_of_pages(|f, p| {
            f.bytes(&p.page.meta.fingerprint());
            f.number(p.page.origin as u64);
            f.text(p.page.parent.as_deref().unwrap_or("\0"));
            let linking = self.linked.backlinks.get(p.page.id());
            f.number(linking.map_or(0, |l| l.len() as u64));
            for linking in linking.into_iter().flatten() {
                f.text(linking);
            }
        }) {
            f.bytes(&part);
        }
        if let Some(history) = self.history {
            f.bytes(&json(&self.page_versions_all(history)));
        }
        f.finish()
    }

    /// A key of the edition's outline: every page's id and title, and its
    /// sections' ids, titles and levels, in order (what the A to Z and the
    /// search page list), from each page's [`LinkedPage::outline`].
    pub(super) fn outline_key(&self) -> &Key {
        self.outline_key.get_or_init(|| {
            let mut f = Fingerprint::default();
            for p in &self.linked.pages {
                f.bytes(&p.outline);
            }
            f.finish()
        })
    }

    /// What `add` writes of each page, as one fingerprint for each run of
    /// pages in order: runs are digested in parallel, and each digest
    /// covers hundreds of pages' few short texts.
    pub(super) fn by_runs_of_pages(
        &self,
        add: impl Fn(&mut Fingerprint, &LinkedPage) + Sync,
    ) -> Vec<Key> {
        self.linked
            .pages
            .par_chunks(256)
            .map(|run| {
                let mut f = Fingerprint::default();
                for p in run {
                    add(&mut f, p);
                }
                f.finish()
            })
            .collect()
    }

    /// Whether `output` is a page whose own files are as they were at the
    /// last link (so, with an unchanged [`Self::edition_key`], its key is
    /// too). Never the credits page, whose list reads every model page.
    pub fn unchanged(&self, output: OutputKind) -> bool {
        match output {
            OutputKind::Page(i) => {
                let p = &self.linked.pages[i];
                self.linked.unchanged(i) && p.page.id() != context::CREDITS_ID
            }
            _ => false,
        }
    }

    /// Every page's versions, in page order, for the edition key.
    pub(super) fn page_versions_all<'h>(
        &self,
        history: &'h History,
    ) -> Vec<Option<&'h Vec<versions::PageVersion>>> {
        self.linked
            .pages
            .iter()
            .map(|p| history.pages.get(p.page.id()))
            .collect()
    }

    /// Adds to `f` what a page's values are made from besides its text and
    /// what every page shares (titles, the steps, the edition's settings,
    /// which the site key holds): its front matter and origin, its place in
    /// the tree, the pages that link to it, and its examples' settings.
    pub(super) fn page_inputs_key(&self, p: &LinkedPage, f: &mut Fingerprint) {
        f.bytes(&p.page.meta.fingerprint())
            .text(&format!("{:?}", p.page.origin));
        if p.page.id() == context::CREDITS_ID {
            // Its list of the editors' changes reads every model page: it
            // is made again only when what the list shows changed.
            f.bytes(&self.credits_key());
        }
        let mut parent = p.page.parent.as_deref();
        // A parent loop is cut short, as breadcrumbs cut it.
        for _ in 0..=21 {
            let Some(id) = parent else { break };
            f.text(id);
            parent = self
                .linked
                .page(id)
                .and_then(|pp| pp.page.parent.as_deref());
        }
        for linking in self.linked.backlinks.get(p.page.id()).into_iter().flatten() {
            f.text(linking);
        }
        for ex in &p.page.examples {
            f.text(&format!(
                "{:?}{:?}{:?}",
                ex.attach, ex.source, ex.governance
            ));
            f.text(
                self.citation(ex.source.as_deref())
                    .as_deref()
                    .unwrap_or("\0"),
            );
        }
    }

    /// The credits page's list's key, each page's part of it kept between
    /// renders (with a memo) while neither the page's linked text, its model
    /// file nor the edition key changed.
    pub(super) fn credits_key(&self) -> Key {
        credits::editorial_key(self.linked, &|p, source| {
            let make = || credits::page_part(self.linked, p, source, &self.found_in(source));
            let Some(memo) = self.memo else {
                return make();
            };
            let inputs = [
                self.edition_key(),
                p.fingerprint(),
                source.file.fingerprint(),
            ];
            memo.credit_part(p.page.id(), inputs, make)
        })
    }

    /// The editorial changes marked in a model page, found once for each
    /// text of it when there is a memo.
    pub(super) fn found_in(
        &self,
        source: &crate::model::page::Page,
    ) -> Arc<Vec<crate::stages::analyses::editorial_marks::Found>> {
        let find = || crate::stages::analyses::editorial_marks::in_text(source.body());
        match self.memo {
            // The body's start is found from the text, so the file's
            // fingerprint stands for both.
            Some(memo) => memo.editorial(source.file.fingerprint(), find),
            None => Arc::new(find()),
        }
    }

    pub(super) fn site_key(&self) -> &Key {
        self.site_key.get_or_init(|| site_key_of(&self.site))
    }

    /// The fingerprint of one text's HTML: the text itself (fingerprinted
    /// by the link stage), where its links go and the titles they show, and
    /// the edition's settings for HTML.
    pub(super) fn text_key(&self, p: &LinkedPage, part: &str, options: &HtmlOptions) -> Key {
        let mut f = Fingerprint::default();
        f.bytes(&self.settings_key).bytes(&p.fingerprint());
        f.text(part).text(options.page_id);
        f.text(options.print_page.unwrap_or("\0"));
        f.number(options.glossary.len() as u64);
        let mut links: Vec<(&String, &Resolved)> = p.links.iter().collect();
        links.sort_by(|a, b| a.0.cmp(b.0));
        for (dest, resolved) in links {
            f.text(dest);
            let (page, section) = match resolved {
                Resolved::Page { page, section } => (page, section),
                Resolved::Document { href, title } => {
                    f.text("\0document").text(href).text(title);
                    continue;
                }
                Resolved::Removed => {
                    f.text("\0removed");
                    continue;
                }
            };
            f.text(page).text(section.as_deref().unwrap_or("\0"));
            if let Some(title) = self.linked.title_of(page, None) {
                f.text(title);
                if let Some(s) = section {
                    f.text(self.linked.title_of(page, Some(s)).unwrap_or("\0"));
                }
            }
        }
        f.finish()
    }
}

/// The key of the values every page shares.
pub(super) fn site_key_of(site: &SiteContext) -> Key {
    let mut f = Fingerprint::default();
    f.bytes(&json(site));
    f.finish()
}

/// The key of an edition's [`SiteParts`]: the key of its site values
/// (`site_key`), each page's parent (the contents list's tree) and its
/// language (the theme's words, the other languages and their notices).
pub(super) fn site_parts_key(
    site_key: &Key,
    parents: &[Option<usize>],
    language: &Language,
) -> Key {
    let mut f = Fingerprint::default();
    f.bytes(site_key);
    for parent in parents {
        f.number(parent.map_or(u64::MAX, |p| p as u64));
    }
    f.text(&format!("{:?}", language.strings.lang));
    for (key, word) in language.strings.words() {
        f.text(key).text(word);
    }
    f.text(&format!(
        "{:?}{:?}{:?}",
        language.others, language.notices, language.states
    ));
    f.finish()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::theme::{TemplateFiles, Theme};
    use crate::stages::link::{link_with, LinkMemo};
    use crate::stages::load::tests::root_with;
    use crate::stages::load::{load, Selection};
    use crate::stages::overlay::model_edition;

    /// A model of three pages: `a` links to `b`; `c` links to nothing.
    fn root(b_title: &str, b_text: &str, c_keywords: &str) -> tempfile::TempDir {
        root_with(&[
            (
                "content/_index.md",
                "---\nid: home\ntitle: Home\n---\nWelcome.\n",
            ),
            (
                "content/a.md",
                "---\nid: a\ntitle: Page A\nweight: 1\n---\nSee [[b]].\n",
            ),
            (
                "content/b.md",
                &format!("---\nid: b\ntitle: {b_title}\nweight: 2\n---\n{b_text}\n"),
            ),
            (
                "content/c.md",
                &format!(
                    "---\nid: c\ntitle: Page C\nweight: 3\nkeywords: [{c_keywords}]\n---\nAlone.\n"
                ),
            ),
        ])
    }

    /// Every output of the model edition of `root`, by path, with its key,
    /// as the preview works them out (a link memo and a text memo).
    fn keys_of(root: &tempfile::TempDir) -> BTreeMap<String, Option<Key>> {
        let diagnostics = Diagnostics::new();
        let sources = load(root.path(), &Selection::All, &diagnostics);
        let linked = link_with(
            model_edition(&sources.model, &diagnostics),
            &diagnostics,
            Some(&LinkMemo::default()),
        );
        let theme = Theme::built_in();
        let engine = Engine::new(&theme, &TemplateFiles::default(), &diagnostics).unwrap();
        let texts = cache::TextMemo::default();
        let renderer = Renderer::new(
            &linked,
            &engine,
            &theme.statics,
            Date::constant(2026, 12, 7),
            &diagnostics,
            Some(&texts),
            Language::english(),
        );
        assert!(!diagnostics.has_errors(), "{:?}", diagnostics.into_sorted());
        let keys = renderer
            .outputs()
            .into_iter()
            .map(|output| (renderer.path(output), renderer.key(output)))
            .collect();
        keys
    }

    /// The paths whose keys differ between two sets of keys.
    fn changed(
        before: &BTreeMap<String, Option<Key>>,
        after: &BTreeMap<String, Option<Key>>,
    ) -> Vec<String> {
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        before
            .iter()
            .filter(|(path, key)| after[*path] != **key)
            .map(|(path, _)| path.clone())
            .collect()
    }

    #[test]
    fn the_same_sources_give_the_same_keys_and_every_page_has_one() {
        let first = keys_of(&root("Page B", "Text of B.", "panel"));
        let again = keys_of(&root("Page B", "Text of B.", "panel"));
        assert_eq!(first, again);
        for page in ["index.html", "a.html", "b.html", "c.html", "print.html"] {
            assert!(first[page].is_some(), "{page} has no key");
        }
    }

    #[test]
    fn a_change_to_a_page_s_text_changes_its_key_its_print_view_and_no_other_page() {
        let before = keys_of(&root("Page B", "Text of B.", "panel"));
        let after = keys_of(&root("Page B", "New text of B.", "panel"));
        let changed = changed(&before, &after);
        for path in ["b.html", "print.html"] {
            assert!(
                changed.contains(&path.to_string()),
                "{path} kept its key: {changed:?}"
            );
        }
        for path in ["a.html", "c.html", "index.html"] {
            assert!(
                !changed.contains(&path.to_string()),
                "{path} changed: {changed:?}"
            );
        }
    }

    #[test]
    fn a_new_title_changes_the_pages_that_show_it() {
        let before = keys_of(&root("Page B", "Text of B.", "panel"));
        let after = keys_of(&root("Budgets", "Text of B.", "panel"));
        let changed = changed(&before, &after);
        // Its own page, the page whose link shows its title, and every
        // page's contents list.
        for path in ["b.html", "a.html", "c.html", "print.html"] {
            assert!(
                changed.contains(&path.to_string()),
                "{path} kept its key: {changed:?}"
            );
        }
    }

    #[test]
    fn a_keyword_changes_the_a_to_z_and_not_the_other_pages() {
        let before = keys_of(&root("Page B", "Text of B.", "panel"));
        let after = keys_of(&root("Page B", "Text of B.", "carers"));
        let changed = changed(&before, &after);
        assert!(changed.contains(&"a-z.html".to_string()), "{changed:?}");
        assert!(!changed.contains(&"a.html".to_string()), "{changed:?}");
        assert!(!changed.contains(&"b.html".to_string()), "{changed:?}");
    }
}
