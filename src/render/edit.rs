//! Making pages again after only one page's text changed (for `serve`),
//! from what the last render of the edition kept, without rendering the
//! edition again.
//!
//! The edited page is made again with its new HTML; the pages whose
//! "Referenced by" lists it joins or leaves are made again with their new
//! lists; the print view gets the page's new text. Anything else an edit may
//! change (headings, title, front matter, glossary or local-term uses,
//! examples) makes [`rerender`] decline, and the caller renders the edition.

use crate::lock::Locked;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use super::html::{to_html, GlossaryLink, HtmlOptions};
use super::nav::Nav;
use super::{
    file_of, print_fingerprint, text_key, Content, LinkItem, Memo, OutputFile, PageContext,
    PrintView, Rendered, Titles,
};
use crate::link::{Fingerprint, LinkedPage, Resolved};
use crate::overlay::Origin;
use crate::theme::Engine;

/// One page as the last render made it.
#[derive(Debug)]
pub(super) struct PageState {
    id: String,
    path: String,
    template: &'static str,
    origin: Origin,
    parent: Option<String>,
    has_examples: bool,
    defines_terms: bool,
    /// Its template values, without its HTML.
    context: PageContext,
    text_key: Option<[u8; 16]>,
    /// The pages it links to (not itself).
    targets: BTreeSet<String>,
}

impl PageState {
    /// What to keep of a page (its context without HTML).
    pub(super) fn of(
        p: &LinkedPage,
        template: &'static str,
        context: &PageContext,
        text_key: Option<[u8; 16]>,
    ) -> Self {
        Self {
            id: p.page.id().to_string(),
            path: context.href.clone(),
            template,
            origin: p.page.origin,
            parent: p.page.parent.clone(),
            has_examples: !p.page.examples.is_empty(),
            defines_terms: !p.page.meta.glossary.is_empty(),
            context: PageContext {
                html: String::new(),
                ..context.clone()
            },
            text_key,
            targets: targets_of(p),
        }
    }
}

impl PageState {
    /// The fingerprint of its text's HTML.
    pub(super) fn text_key(&self) -> Option<[u8; 16]> {
        self.text_key
    }

    /// Its id.
    pub(super) fn id(&self) -> &str {
        &self.id
    }
}

/// The pages a page links to, itself left out.
fn targets_of(p: &LinkedPage) -> BTreeSet<String> {
    p.links
        .values()
        .filter_map(|r| match r {
            Resolved::Page { page, .. } if page != p.page.id() => Some(page.clone()),
            _ => None,
        })
        .collect()
}

/// What the last render of an edition kept.
#[derive(Debug)]
pub(super) struct State {
    pub(super) today: jiff::civil::Date,
    pub(super) site_fingerprint: [u8; 16],
    pub(super) settings_fingerprint: Option<[u8; 16]>,
    pub(super) base: tera::Context,
    pub(super) contents: Nav,
    pub(super) titles: Titles,
    pub(super) terms: Vec<(String, String)>,
    pub(super) glossary_links: Vec<GlossaryLink>,
    /// Each glossary term: the words searched for, the page defining it, the pages using it.
    pub(super) glossary: Vec<(String, String, HashSet<String>)>,
    pub(super) term_uses: BTreeMap<String, Vec<String>>,
    pub(super) home: String,
    pub(super) pages: Vec<PageState>,
    pub(super) index: HashMap<String, usize>,
    pub(super) backlinks: HashMap<String, Vec<String>>,
    pub(super) print_keys: Vec<Option<[u8; 16]>>,
    pub(super) print_skeleton: Option<Arc<[u8]>>,
}

impl Memo {
    /// The parent the last render gave a page, if it knows the page.
    pub fn parent_of(&self, id: &str) -> Option<Option<String>> {
        let state = self.state.locked();
        let state = state.as_ref()?;
        state.index.get(id).map(|&i| state.pages[i].parent.clone())
    }
}

/// Makes again the files that change when only the text of `pages` changed
/// since the last render with `memo` (their headings, titles and front
/// matter are as they were; the link stage checked that). `None` when the
/// edit changes more than that: render the edition instead.
pub fn rerender(
    memo: &Memo,
    engine: &Engine,
    pages: &[LinkedPage],
    today: jiff::civil::Date,
) -> Option<Rendered> {
    let mut guard = memo.state.locked();
    let state = guard.as_mut()?;
    if state.today != today {
        return None;
    }
    // Read in place (it holds every page's HTML); new entries join it at the end.
    let html_cache = memo.html.locked();
    let mut new_html: HashMap<[u8; 16], Arc<String>> = HashMap::new();
    let mut remade: BTreeSet<usize> = BTreeSet::new();
    let mut new_print: HashMap<usize, Arc<String>> = HashMap::new();
    for p in pages {
        let &i = state.index.get(p.page.id())?;
        let before = &state.pages[i];
        if before.origin != p.page.origin
            || !matches!(before.origin, Origin::Model | Origin::Local)
            || before.has_examples
            || !p.page.examples.is_empty()
            || before.defines_terms
        {
            return None;
        }
        // Glossary and local-term uses must be as they were.
        if !state.glossary.is_empty() {
            let plain = crate::markdown::plain_text(&p.text.markdown);
            for (search_for, defined_on, used_on) in &state.glossary {
                if defined_on == p.page.id() {
                    continue;
                }
                let uses = super::find_term(&plain, search_for).is_some();
                if uses != used_on.contains(p.page.id()) {
                    return None;
                }
            }
        }
        for (model_term, ids) in &state.term_uses {
            let uses = crate::terms::find_whole_words(&p.text.markdown, model_term)
                .into_iter()
                .any(|at| !p.text.is_local(at));
            if uses != ids.iter().any(|id| id == p.page.id()) {
                return None;
            }
        }
        let options = HtmlOptions {
            titles: &state.titles,
            terms: &state.terms,
            print_page: None,
            glossary: &state.glossary_links,
            page_id: p.page.id(),
            home: &state.home,
        };
        let key = text_key(
            state.settings_fingerprint,
            &state.titles,
            p,
            "text",
            &options,
        )?;
        let html = Arc::new(to_html(&p.text, Some(&p.sections), &p.links, &options));
        new_html.insert(key, html);
        let print_options = HtmlOptions {
            print_page: Some(p.page.id()),
            ..options
        };
        let print_key = text_key(
            state.settings_fingerprint,
            &state.titles,
            p,
            "print",
            &print_options,
        )?;
        let print = Arc::new(to_html(
            &p.text,
            Some(&p.sections),
            &p.links,
            &print_options,
        ));
        new_html.insert(print_key, Arc::clone(&print));
        new_print.insert(i, print);
        state.print_keys[i] = Some(print_key);
        // "Referenced by" lists the page joins or leaves.
        let targets = targets_of(p);
        let old_targets = std::mem::replace(&mut state.pages[i].targets, targets.clone());
        for gone in old_targets.difference(&targets) {
            if let Some(list) = state.backlinks.get_mut(gone) {
                list.retain(|id| id != p.page.id());
            }
            remade.extend(state.index.get(gone).copied());
        }
        for added in targets.difference(&old_targets) {
            let list = state.backlinks.entry(added.clone()).or_default();
            let at = list
                .iter()
                .position(|id| state.index.get(id).is_some_and(|&j| j > i))
                .unwrap_or(list.len());
            list.insert(at, p.page.id().to_string());
            remade.extend(state.index.get(added).copied());
        }
        state.pages[i].text_key = Some(key);
        remade.insert(i);
    }

    let home = state.home.clone();
    let link_item = |id: &str| -> Option<LinkItem> {
        state.titles.get(id).map(|(title, _)| LinkItem {
            title: title.clone(),
            href: file_of(&home, id),
        })
    };
    let mut files = Vec::new();
    let mut made: Vec<(String, [u8; 16])> = Vec::new();
    for &i in &remade {
        let page = &state.pages[i];
        let mut context = page.context.clone();
        context.backlinks = state
            .backlinks
            .get(&page.id)
            .map(|ids| ids.iter().filter_map(|b| link_item(b)).collect())
            .unwrap_or_default();
        let key = page.text_key?;
        let mut f = Fingerprint::default();
        for part in [
            &state.site_fingerprint[..],
            &state.contents.fingerprint_for(Some(i)),
            page.template.as_bytes(),
            &key,
            &serde_json::to_vec(&context).unwrap_or_default(),
        ] {
            f.bytes(part);
        }
        let file_key = f.finish();
        let html = new_html
            .get(&key)
            .or_else(|| html_cache.get(&key))
            .cloned()?;
        context.html = html.as_ref().clone();
        let mut values = state.base.clone();
        values.insert("nav_html", &state.contents.html_for(Some(i)));
        values.insert("page", &context);
        let bytes = engine.render(page.template, &values).ok()?.into_bytes();
        files.push(OutputFile {
            path: page.path.clone(),
            content: Content::Bytes(bytes),
        });
        made.push((page.path.clone(), file_key));
        let kept_context = PageContext {
            html: String::new(),
            ..context
        };
        state.pages[i].context = kept_context;
    }
    // The print view, put together by the caller (see `Rendered::print`).
    let Some(skeleton) = &state.print_skeleton else {
        return None;
    };
    let mut htmls = Vec::with_capacity(state.pages.len());
    for (i, key) in state.print_keys.iter().enumerate() {
        let html = match new_print.get(&i) {
            Some(html) => Arc::clone(html),
            None => html_cache.get(&(*key)?).cloned()?,
        };
        htmls.push(html);
    }
    let print = PrintView {
        skeleton: Arc::clone(skeleton),
        htmls,
    };
    let key = print_fingerprint(
        &state.site_fingerprint,
        &state.contents.fingerprint_for(None),
        state
            .pages
            .iter()
            .zip(&state.print_keys)
            .filter_map(|(page, key)| {
                Some((page.id.as_str(), page.context.title.as_str(), key.as_ref()?))
            }),
    );
    made.push((PrintView::PATH.into(), key));
    drop(html_cache);
    drop(guard);
    let mut known = memo.files.locked();
    for (path, key) in made {
        known.insert(path, key);
    }
    let remade_paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let unchanged = known
        .keys()
        .filter(|p| !remade_paths.contains(p.as_str()))
        .cloned()
        .collect();
    drop(known);
    memo.html.locked().extend(new_html);
    Some(Rendered {
        files,
        unchanged,
        print: Some(print),
    })
}
