//! The search index of an edition, made with Pagefind used as a library.
//!
//! Takes an edition's rendered pages (only the content marked
//! `data-pagefind-body`, so navigation and footers are not indexed) and
//! returns the index files to publish under `pagefind/`. Results come back
//! by section, with highlighted excerpts, in the browser. The A to Z page is
//! the fallback without JavaScript. Only the marked element of each page is
//! handed to Pagefind (the index is the same; the rest need not be parsed).
//! For `serve`, a [`LiveIndex`] keeps the pages it has read between builds,
//! so a save re-reads only the pages it changed. This is the one module that
//! talks to Pagefind; it does not render or write.

use crate::diagnostic::Diagnostic;
use crate::output::{Content, OutputFile};

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

/// The paths in an edition of [`FIXED_FILES`].
pub fn fixed_paths() -> Vec<String> {
    FIXED_FILES
        .iter()
        .map(|name| format!("{INDEX_DIR}/{name}"))
        .collect()
}

/// Parts of Pagefind's bundle a handbook does not use (its own ready-made interfaces).
fn unused(name: &str) -> bool {
    name.contains("-ui") || name.starts_with("playground") || name.contains("highlight")
}

/// The part of a page Pagefind reads: the element marked `data-pagefind-body`,
/// in an otherwise empty document (the navigation, header and footer are
/// never indexed, and leaving them out saves parsing them). `None` for pages
/// without such an element; the whole page if the element cannot be cut out.
fn indexed_part(html: &str) -> Option<String> {
    let marker = html.find("data-pagefind-body")?;
    let whole = || Some(html.to_string());
    let Some(open) = html[..marker].rfind('<') else {
        return whole();
    };
    let name: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() {
        return whole();
    }
    let (start_tag, end_tag) = (format!("<{name}"), format!("</{name}>"));
    let mut depth = 0usize;
    let mut at = open;
    loop {
        let next_start = html[at..].find(&start_tag).map(|i| at + i);
        let next_end = html[at..].find(&end_tag).map(|i| at + i);
        match (next_start, next_end) {
            (Some(s), Some(e)) if s < e => {
                let after = html[s + start_tag.len()..].chars().next();
                if matches!(after, Some(c) if c.is_ascii_whitespace() || c == '>' || c == '/') {
                    depth += 1;
                }
                at = s + start_tag.len();
            }
            (_, Some(e)) => {
                depth = depth.saturating_sub(1);
                at = e + end_tag.len();
                if depth == 0 {
                    let mut out = String::with_capacity(at - open + 64);
                    out.push_str("<!DOCTYPE html><html><body>");
                    out.push_str(&html[open..at]);
                    out.push_str("</body></html>");
                    return Some(out);
                }
            }
            _ => return whole(),
        }
    }
}

/// Builds the search index of an edition from its rendered files.
pub fn index(files: &[OutputFile]) -> Result<Vec<OutputFile>, Diagnostic> {
    index_in(files, "en")
}

/// Builds the search index of an edition's pages in the language whose
/// code is `lang` (`en`, `cy`): Pagefind reads and stems words by it.
pub fn index_in(files: &[OutputFile], lang: &str) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut live = LiveIndex::in_language(lang)?;
    live.add(files)?;
    live.files()
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

/// A search index kept between builds, for `serve`: pages are added (a page
/// added again replaces itself, by address) and the index files are made
/// again from every page added so far. A page cannot be taken out: start a
/// new one when pages are removed.
pub struct LiveIndex {
    runtime: tokio::runtime::Runtime,
    index: pagefind::api::PagefindIndex,
}

impl std::fmt::Debug for LiveIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveIndex").finish_non_exhaustive()
    }
}

impl LiveIndex {
    /// An empty index of pages in English.
    pub fn new() -> Result<Self, Diagnostic> {
        Self::in_language("en")
    }

    /// An empty index of pages in the language whose code is `lang`.
    pub fn in_language(lang: &str) -> Result<Self, Diagnostic> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| failed(&e))?;
        let config = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(lang.to_string())
            .build();
        let index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| failed(&e))?;
        Ok(Self { runtime, index })
    }

    /// Adds the pages among `files` that have a part to index.
    pub fn add(&mut self, files: &[OutputFile]) -> Result<(), Diagnostic> {
        let index = &mut self.index;
        self.runtime.block_on(async {
            for file in files {
                if !file.path.ends_with(".html") {
                    continue;
                }
                let Some(bytes) = file.content.bytes() else {
                    continue;
                };
                let html = String::from_utf8_lossy(&bytes);
                let Some(body) = indexed_part(&html) else {
                    continue;
                };
                index
                    .add_html_file(None, Some(format!("/{}", file.path)), body)
                    .await
                    .map_err(|e| failed(&e))?;
            }
            Ok(())
        })
    }

    /// The index files, under `pagefind/`, made from every page added so far.
    pub fn files(&mut self) -> Result<Vec<OutputFile>, Diagnostic> {
        let index = &mut self.index;
        self.runtime.block_on(async {
            let bundle = index.get_files().await.map_err(|e| failed(&e))?;
            let mut out: Vec<OutputFile> = bundle
                .into_iter()
                .filter_map(|f| {
                    let name = f.filename.to_string_lossy().replace('\\', "/");
                    (!unused(&name)).then(|| OutputFile {
                        path: format!("{INDEX_DIR}/{name}"),
                        content: Content::Bytes(f.contents),
                    })
                })
                .collect();
            out.sort_by(|a, b| a.path.cmp(&b.path));
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_marked_element_is_indexed() {
        let page = "<html><body><nav><div>menu</div></nav><div class=\"home\" data-pagefind-body><div>a</div><p>b</p></div><footer>f</footer></body></html>";
        let part = indexed_part(page).unwrap();
        assert_eq!(
            part,
            "<!DOCTYPE html><html><body><div class=\"home\" data-pagefind-body><div>a</div><p>b</p></div></body></html>"
        );
        assert!(indexed_part("<html><body><p>no marker</p></body></html>").is_none());
    }
}
