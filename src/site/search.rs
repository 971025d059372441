//! The search index of an edition, made with Pagefind used as a library.
//!
//! Takes an edition's rendered pages (only the content marked
//! `data-pagefind-body`, so navigation and footers are not indexed) and
//! returns the index files to publish under `pagefind/`. Results come back
//! by section, with highlighted excerpts, in the browser. The A to Z page is
//! the fallback without JavaScript. Only the marked element of each page is
//! handed to Pagefind (the index is the same; the rest need not be parsed).
//!
//! Each edition has one index, so a reader's results are ranked by the
//! word statistics of the whole edition. (An index made in parts and merged
//! by the search page ranked each part by its own statistics, so a page
//! could come below one that used the words less.) An index made before
//! from the same pages is taken from where [`Kept`] keeps it: the build
//! cache for `build`, memory for `serve` (a save that changes no indexed
//! text does not make it again).
//! This is the one module that talks to Pagefind; it does not render or
//! write files.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::support::diagnostic::Diagnostic;
use crate::support::memo::Memo;
use crate::support::output::{Content, OutputFile};
use crate::support::store::{CacheEntry, Store};

/// The folder of an edition that holds the index.
pub const INDEX_DIR: &str = "pagefind";

/// Files of the index whose names do not change, which pages may refer to.
pub const FIXED_FILES: &[&str] = &[
    "pagefind-entry.json",
    "pagefind-worker.js",
    "pagefind.js",
    "wasm.en.pagefind",
    "wasm.unknown.pagefind",
];

/// Parts of Pagefind's bundle a handbook does not use (its own ready-made interfaces).
fn unused(name: &str) -> bool {
    name.contains("-ui") || name.starts_with("playground") || name.contains("highlight")
}

/// The part of a page Pagefind reads: the element marked
/// `data-pagefind-body` (the navigation, header and footer are never
/// indexed, and leaving them out saves parsing them), or the whole page if
/// the element cannot be cut out. Pagefind is given the element in an
/// otherwise empty document ([`Indexed::document`]).
#[derive(Debug, Clone)]
struct Indexed<'a> {
    text: Cow<'a, str>,
    /// Whether `text` is the whole page.
    whole: bool,
}

impl Indexed<'_> {
    /// The document handed to Pagefind.
    fn document(&self) -> String {
        if self.whole {
            return self.text.to_string();
        }
        let mut out = String::with_capacity(self.text.len() + 48);
        out.push_str("<!DOCTYPE html><html><body>");
        out.push_str(&self.text);
        out.push_str("</body></html>");
        out
    }
}

/// The indexed part of a page made of `content`: `None` for a page without
/// a marked element. Read where it lies when the element is within one
/// piece of the page's bytes (it is, for every page the theme makes), so
/// the page is neither joined nor copied.
fn indexed_part(content: &Content) -> Option<Indexed<'_>> {
    if let Content::Parts(pieces) = content {
        for piece in pieces {
            if let Some(range) = marked_element(piece.as_bytes()) {
                return Some(indexed_text(&piece.as_bytes()[range], false));
            }
        }
    }
    let bytes = content.bytes()?;
    let indexed = match marked_element(&bytes) {
        Some(range) => indexed_text(&bytes[range], false),
        None if memchr::memmem::find(&bytes, MARKER).is_some() => indexed_text(&bytes, true),
        None => return None,
    };
    Some(Indexed {
        text: Cow::Owned(indexed.text.into_owned()),
        whole: indexed.whole,
    })
}

/// The attribute that marks the element of a page to index.
const MARKER: &[u8] = b"data-pagefind-body";

fn indexed_text(bytes: &[u8], whole: bool) -> Indexed<'_> {
    Indexed {
        text: String::from_utf8_lossy(bytes),
        whole,
    }
}

/// Where in `html` the element marked with [`MARKER`] lies, from its start
/// tag to the end of its end tag; `None` without a marker or when the
/// element cannot be cut out (no tag name, no end tag in `html`).
fn marked_element(html: &[u8]) -> Option<std::ops::Range<usize>> {
    let marker = memchr::memmem::find(html, MARKER)?;
    let open = memchr::memrchr(b'<', &html[..marker])?;
    let name_len = html[open + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &html[open + 1..open + 1 + name_len];
    let start_tag = [b"<", name].concat();
    let end_tag = [b"</", name, b">"].concat();
    let (starts, ends) = (
        memchr::memmem::Finder::new(&start_tag),
        memchr::memmem::Finder::new(&end_tag),
    );
    let mut depth = 0usize;
    let mut at = open;
    loop {
        let next_start = starts.find(&html[at..]).map(|i| at + i);
        let next_end = ends.find(&html[at..]).map(|i| at + i)?;
        match next_start {
            Some(s) if s < next_end => {
                let after = html.get(s + start_tag.len());
                if matches!(after, Some(c) if c.is_ascii_whitespace() || *c == b'>' || *c == b'/') {
                    depth += 1;
                }
                at = s + start_tag.len();
            }
            _ => {
                depth = depth.saturating_sub(1);
                at = next_end + end_tag.len();
                if depth == 0 {
                    return Some(open..at);
                }
            }
        }
    }
}

/// The paths in an edition of [`FIXED_FILES`].
pub fn fixed_paths() -> Vec<String> {
    FIXED_FILES
        .iter()
        .map(|name| format!("{INDEX_DIR}/{name}"))
        .collect()
}

/// Builds the search index of an edition from its rendered files, in English.
pub fn index(files: &[OutputFile]) -> Result<Vec<OutputFile>, Diagnostic> {
    index_in(files, "en", &Kept::none())
}

/// Builds the search index of an edition's pages in the language whose
/// code is `lang` (`en`, `cy`): Pagefind reads and stems words by it.
/// Returns the files to publish under [`INDEX_DIR`], sorted by path. An
/// index made before from the same pages (same addresses, same indexed
/// text, same language, same program) is taken from `kept` instead of being
/// made again; it is byte for byte what would be made.
pub fn index_in(
    files: &[OutputFile],
    lang: &str,
    kept: &Kept,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let pages: Vec<IndexedPage> = files.par_iter().filter_map(indexed_page).collect();
    index_pages(pages, lang, kept)
}

/// What the index reads of one rendered file: its address in the edition
/// and the part of it Pagefind is given. A build takes this from each page
/// as soon as it is made ([`IndexedPage::into_owned`]), so the pages
/// themselves need not be kept until the index is made.
#[derive(Debug, Clone)]
pub struct IndexedPage<'a>(PageText<'a>);

impl IndexedPage<'_> {
    /// The same, holding its own copy of the indexed part.
    pub fn into_owned(self) -> IndexedPage<'static> {
        let (address, indexed) = self.0;
        IndexedPage((
            address,
            Indexed {
                text: Cow::Owned(indexed.text.into_owned()),
                whole: indexed.whole,
            },
        ))
    }
}

/// What the index reads of `file` (see [`IndexedPage`]); `None` for a file
/// that is not a page, or a page with nothing marked to index.
pub fn indexed_page(file: &OutputFile) -> Option<IndexedPage<'_>> {
    indexed_page_in(file, "")
}

/// [`indexed_page`] of a file of the site in `folder` of an edition
/// (`cy/`), whose path is from the edition's top: its address in the index
/// is from the site's top.
pub fn indexed_page_in<'f>(file: &'f OutputFile, folder: &str) -> Option<IndexedPage<'f>> {
    if !file.path.ends_with(".html") {
        return None;
    }
    let path = file.path.strip_prefix(folder)?;
    let indexed = indexed_part(&file.content)?;
    Some(IndexedPage((format!("/{path}"), indexed)))
}

/// Like [`index_in`], from what the index reads of each page (see
/// [`indexed_page`]), in any order: the pages are indexed in the order of
/// their addresses.
pub fn index_pages(
    mut pages: Vec<IndexedPage>,
    lang: &str,
    kept: &Kept,
) -> Result<Vec<OutputFile>, Diagnostic> {
    pages.sort_unstable_by(|a, b| a.0 .0.cmp(&b.0 .0));
    let pages: Vec<PageText> = pages.into_iter().map(|p| p.0).collect();
    let bundle = kept.bundle(lang, &pages)?;
    // Moved when nothing else holds it (the preview's memory does).
    let bundle = Arc::try_unwrap(bundle).unwrap_or_else(|kept| kept.as_ref().clone());
    Ok(bundle
        .into_iter()
        .map(|(name, bytes)| OutputFile {
            path: format!("{INDEX_DIR}/{name}"),
            content: Content::Bytes(bytes),
        })
        .collect())
}

/// The files of an index's bundle: name within [`INDEX_DIR`], bytes; sorted by name.
type Bundle = Vec<(String, Vec<u8>)>;

/// An indexed page: its address in the edition (`/step-3.html`) and its indexed part.
type PageText<'a> = (String, Indexed<'a>);

/// Makes the bundle of an index of `pages`.
fn make_bundle(lang: &str, pages: &[PageText]) -> Result<Bundle, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failed(&e))?;
    let config = pagefind::options::PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language(lang.to_string())
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| failed(&e))?;
    runtime.block_on(async {
        for (url, body) in pages {
            index
                .add_html_file(None, Some(url.clone()), body.document())
                .await
                .map_err(|e| failed(&e))?;
        }
        let bundle = index.get_files().await.map_err(|e| failed(&e))?;
        let mut files: Bundle = bundle
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| !unused(name))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files)
    })
}

fn failed(e: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        "search-index",
        format!("the search index could not be built: {e}"),
    )
    .hint(
        "this is a fault in Handbook or its search library, not in your content; please report it",
    )
}

/// The kind of build cache entry that holds an edition's index.
const INDEX_ENTRY: &str = "search-index";

/// Where indexes made before are kept, found by the key of what
/// they were made from: the build cache (a folder, between builds), memory
/// (between the preview's saves), both or neither.
#[derive(Default)]
pub struct Kept {
    /// The build cache and the key of this program, which says which
    /// Pagefind made an entry.
    store: Option<(Store, [u8; 16])>,
    /// Indexes kept in memory by key, if any are.
    memory: Option<Memo<[u8; 16], Arc<Bundle>>>,
    /// The first reason an index could not be put in the build cache.
    unwritable: Mutex<Option<std::io::Error>>,
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept").finish_non_exhaustive()
    }
}

impl Kept {
    /// Nowhere: every index is made.
    pub fn none() -> Self {
        Self::default()
    }

    /// In the build cache `store`, under keys that include `program`, the
    /// key of this program's own file (a new program, perhaps with another
    /// Pagefind, never reads an older one's indexes).
    pub fn in_store(store: Store, program: [u8; 16]) -> Self {
        Self {
            store: Some((store, program)),
            ..Self::default()
        }
    }

    /// In memory, for as long as this value lives.
    pub fn in_memory() -> Self {
        Self {
            memory: Some(Memo::default()),
            ..Self::default()
        }
    }

    /// Forgets the indexes kept in memory that no build asked for since
    /// this last ran (the preview keeps only its latest index).
    pub fn forget_unused(&self) {
        if let Some(memory) = &self.memory {
            memory.forget_unused();
        }
    }

    /// Why an index could not be kept in the build cache, if one could not
    /// (the first reason; the build is right all the same).
    pub fn unwritable(&self) -> Option<String> {
        let why = self.unwritable.lock().unwrap_or_else(|e| e.into_inner());
        why.as_ref().map(ToString::to_string)
    }

    /// The bundle of the index of `pages` in `lang`: kept, or made and kept.
    fn bundle(&self, lang: &str, pages: &[PageText]) -> Result<Arc<Bundle>, Diagnostic> {
        if self.store.is_none() && self.memory.is_none() {
            return make_bundle(lang, pages).map(Arc::new);
        }
        let key = self.key(lang, pages);
        if let Some(found) = self.remembered(&key) {
            return Ok(found);
        }
        let stored = self
            .store
            .as_ref()
            .and_then(|(store, _)| store.get(INDEX_ENTRY, &key));
        let files = match stored {
            Some(entry) => Arc::new(entry.files),
            None => {
                let files = Arc::new(make_bundle(lang, pages)?);
                self.put(&key, &files);
                files
            }
        };
        if let Some(memory) = &self.memory {
            memory.put(key, Arc::clone(&files));
        }
        Ok(files)
    }

    /// The key of an index: the program, the language and every page's
    /// address and indexed text, in order.
    fn key(&self, lang: &str, pages: &[PageText]) -> [u8; 16] {
        let mut f = crate::support::fingerprint::Fingerprint::default();
        f.text("search index 2").text(lang);
        if let Some((_, program)) = &self.store {
            f.bytes(program);
        }
        f.number(pages.len() as u64);
        for (url, body) in pages {
            f.text(url).number(u64::from(body.whole)).text(&body.text);
        }
        f.finish()
    }

    fn remembered(&self, key: &[u8; 16]) -> Option<Arc<Bundle>> {
        self.memory.as_ref()?.get(key)
    }

    fn put(&self, key: &[u8; 16], files: &Bundle) {
        let Some((store, _)) = &self.store else {
            return;
        };
        let entry = CacheEntry {
            about: Vec::new(),
            files: files.clone(),
        };
        if let Err(why) = store.put(INDEX_ENTRY, key, &entry) {
            let mut first = self.unwritable.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert(why);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_marked_element_is_indexed() {
        let page = "<html><body><nav><div>menu</div></nav><div class=\"home\" data-pagefind-body><div>a</div><p>b</p></div><footer>f</footer></body></html>";
        let expected = "<!DOCTYPE html><html><body><div class=\"home\" data-pagefind-body><div>a</div><p>b</p></div></body></html>";
        let whole = Content::Bytes(page.as_bytes().to_vec());
        let indexed = indexed_part(&whole).unwrap();
        assert_eq!(indexed.document(), expected);
        // The same page in pieces, the element within one or across two.
        let (head, rest) = page.split_at(page.find("<div class").unwrap());
        for cut in [rest.len(), rest.find("<p>").unwrap()] {
            let (middle, tail) = rest.split_at(cut);
            let pieces = [head, middle, tail]
                .iter()
                .map(|p| crate::support::output::Part::new(p.as_bytes().to_vec()))
                .collect();
            let content = Content::Parts(pieces);
            let indexed = indexed_part(&content).unwrap();
            assert_eq!(indexed.document(), expected);
        }
        let unmarked = Content::Bytes(b"<html><body><p>no marker</p></body></html>".to_vec());
        assert!(indexed_part(&unmarked).is_none());
        let uncut = "<html><body><div data-pagefind-body><p>never closed</body></html>";
        let content = Content::Bytes(uncut.as_bytes().to_vec());
        let indexed = indexed_part(&content).unwrap();
        assert_eq!(
            indexed.document(),
            uncut,
            "the whole page when it cannot be cut"
        );
    }
}
