//! The search index of an edition, made with Pagefind used as a library.
//!
//! Takes an edition's rendered pages (only the content marked
//! `data-pagefind-body`, so navigation and footers are not indexed) and
//! returns the index files to publish under `pagefind/`. Results come back
//! by section, with highlighted excerpts, in the browser. The A to Z page is
//! the fallback without JavaScript. This is the one module that talks to
//! Pagefind; it does not render or write.

use crate::diagnostic::Diagnostic;
use crate::render::{Content, OutputFile};

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
    let failed = |e: &dyn std::fmt::Display| {
        Diagnostic::error("search-index", format!("the search index could not be built: {e}"))
            .hint("this is a fault in Handbook or its search library, not in your content; please report it")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failed(&e))?;
    runtime.block_on(async {
        let config = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("en".to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| failed(&e))?;
        for file in files {
            let Content::Bytes(bytes) = &file.content else {
                continue;
            };
            if !file.path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8_lossy(bytes);
            let Some(body) = indexed_part(&html) else {
                continue;
            };
            index
                .add_html_file(None, Some(format!("/{}", file.path)), body)
                .await
                .map_err(|e| failed(&e))?;
        }
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
