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

/// Parts of Pagefind's bundle a handbook does not use (its own ready-made interfaces).
fn unused(name: &str) -> bool {
    name.contains("-ui") || name.starts_with("playground") || name.contains("highlight")
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
            if !html.contains("data-pagefind-body") {
                continue;
            }
            index
                .add_html_file(None, Some(format!("/{}", file.path)), html.into_owned())
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
