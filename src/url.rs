//! The URL scheme of an edition: which file each page and site page is
//! written to. Every link Handbook makes is relative to the edition's top
//! folder, so an edition works under any sub-path.
//!
//! A leaf: it imports nothing from the pipeline and touches no files.

/// The file a page id is written to, in an edition whose home page is `home`.
pub fn page_file(id: &str) -> String {
    file_of("home", id)
}

/// The file a page id is written to in an edition whose home page has the
/// id `home`: `index.html` for home, `ID.html` for every other page.
pub fn file_of(home: &str, id: &str) -> String {
    if id == home {
        "index.html".to_string()
    } else {
        format!("{id}.html")
    }
}

/// When an edition has a site page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// In every edition.
    Always,
    /// In editions with local practice examples.
    WithExamples,
    /// In authority editions.
    ForAuthority,
    /// In editions whose published versions are shown.
    WithHistory,
}

/// A page of the site that Handbook makes itself, from a template of the
/// same name.
#[derive(Debug, PartialEq, Eq)]
pub struct SitePage {
    /// Its id, which no content page may take; its file is `ID.html`.
    pub id: &'static str,
    /// When an edition has it.
    pub shown: Shown,
}

impl SitePage {
    /// Its file in the edition, which is also its template's name.
    pub fn file(&self) -> String {
        format!("{}.html", self.id)
    }
}

/// The site pages, in the order they are made. The print view (`print`) is
/// made with the content pages, since it holds them.
pub const SITE_PAGES: &[SitePage] = &[
    SitePage {
        id: "accessibility",
        shown: Shown::Always,
    },
    SitePage {
        id: "404",
        shown: Shown::Always,
    },
    SitePage {
        id: "glossary",
        shown: Shown::Always,
    },
    SitePage {
        id: "a-z",
        shown: Shown::Always,
    },
    SitePage {
        id: "search",
        shown: Shown::Always,
    },
    SitePage {
        id: "changes",
        shown: Shown::Always,
    },
    SitePage {
        id: "examples",
        shown: Shown::WithExamples,
    },
    SitePage {
        id: "differences",
        shown: Shown::ForAuthority,
    },
    SitePage {
        id: "in-force",
        shown: Shown::WithHistory,
    },
];

/// The print view's file.
pub const PRINT_FILE: &str = "print.html";

/// Names at the top of an edition that are not site pages: the home page's
/// file, the print view, and the folder of static files.
const OTHER_NAMES: &[&str] = &["index", "print", "assets", "versions"];

/// Whether content may not take `id`, because the site's own files use it.
pub fn is_reserved(id: &str) -> bool {
    OTHER_NAMES.contains(&id) || SITE_PAGES.iter().any(|p| p.id == id)
}

/// Every reserved id, for messages.
pub fn reserved_ids() -> Vec<&'static str> {
    OTHER_NAMES
        .iter()
        .copied()
        .chain(SITE_PAGES.iter().map(|p| p.id))
        .collect()
}
