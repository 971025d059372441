//! The URL scheme of an edition: which file each page and site page is
//! written to. Every link Handbook makes is relative to the edition's top
//! folder, so an edition works under any sub-path.
//!
//! It also writes a `mailto:` link with its fields filled in ([`mailto`]).
//!
//! A leaf: it imports only `address` (what an address is) and touches no
//! files.

/// The slug of the edition that is the model alone.
pub const MODEL_SLUG: &str = "model";

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
    /// In editions in more than one language (issue 17).
    WithLanguages,
    /// In editions with local documents.
    WithDocuments,
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
        id: "documents",
        shown: Shown::WithDocuments,
    },
    SitePage {
        id: "differences",
        shown: Shown::ForAuthority,
    },
    SitePage {
        id: "in-force",
        shown: Shown::WithHistory,
    },
    SitePage {
        id: "translation",
        shown: Shown::WithLanguages,
    },
];

/// The print view's file.
pub const PRINT_FILE: &str = "print.html";

/// The script that keeps an edition's saved copy on a reader's device
/// (`offline: true`, issue 36). A service worker looks after the pages of
/// its own folder and those under it, so it stands beside the home page.
pub const OFFLINE_WORKER: &str = "offline-worker.js";

/// The list of the files an edition's saved copy holds, with the stamp its
/// script compares to know when the edition changed.
pub const OFFLINE_LIST: &str = "offline.json";

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

/// A published address as a setting gives it (`address:` in
/// `handbook.yaml` or `authority.yaml`): an absolute `http` or `https`
/// address of the folder an edition's home page is in, returned ending in
/// `/`. `Err` says what is wrong with it, in words.
pub fn published_address(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or("it must start with `https://` (or `http://`)")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains(['@', ' ']) {
        return Err("it must name a host after `https://`, such as `intranet.example`");
    }
    if text.contains(|c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\')
    }) {
        return Err("it must not contain spaces, quotes, `<`, `>` or `\\`");
    }
    if text.contains(['?', '#']) {
        return Err("it must be the address of a folder, without `?` or `#`");
    }
    if text.ends_with(".html") {
        return Err("it must be the address of the folder the home page is in, not of a page");
    }
    Ok(if text.ends_with('/') {
        text.to_string()
    } else {
        format!("{text}/")
    })
}

/// HTML whose relative `href`, `src` and `action` addresses are made to
/// start with `base` (an absolute address, or `/`), so that the page works
/// served from any folder: the 404 page is shown for missing pages at any
/// depth. It reads HTML as Handbook writes it (values in double quotes).
pub fn links_under(html: &str, base: &str) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(at) = ["href=\"", "src=\"", "action=\""]
        .iter()
        .filter_map(|name| {
            rest.match_indices(name)
                .find(|(i, _)| rest[..*i].ends_with([' ', '\n', '\t']))
                .map(|(i, _)| i + name.len())
        })
        .min()
    {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find('"').unwrap_or(rest.len());
        if crate::support::address::Address::read(&rest[..end]).kind
            == crate::support::address::Kind::Relative
        {
            out.push_str(base);
        }
        out.push_str(&rest[..end]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The characters written as they are in a `mailto:` link's address and
/// fields: RFC 3986's unreserved characters (and `@` in the address).
/// Everything else is percent-encoded as UTF-8, so that `&`, `=`, `?`,
/// `#`, `%` and `+` in a title never end a field or read as a space.
const MAILTO_FIELD: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The same for the address, where `@` is written as it is.
const MAILTO_ADDRESS: &percent_encoding::AsciiSet = &MAILTO_FIELD.remove(b'@');

/// A `mailto:` link (RFC 6068) to `to` with its `subject` and `body`
/// filled in, each percent-encoded; each line break of the body becomes
/// `%0D%0A`, as RFC 6068 asks.
pub fn mailto(to: &str, subject: &str, body: &str) -> String {
    let encode = |text: &str| percent_encoding::utf8_percent_encode(text, MAILTO_FIELD).to_string();
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        percent_encoding::utf8_percent_encode(to, MAILTO_ADDRESS),
        encode(subject),
        encode(&body)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_links_encode_every_field() {
        assert_eq!(
            mailto("a.b@x.example", "Q&A: 50% + more?", "Line one\nLlinell ŵ #2"),
            "mailto:a.b@x.example?subject=Q%26A%3A%2050%25%20%2B%20more%3F&body=Line%20one%0D%0ALlinell%20%C5%B5%20%232"
        );
    }

    #[test]
    fn published_addresses_are_absolute_web_addresses_of_folders() {
        assert_eq!(
            published_address("https://intranet.example/guidance").as_deref(),
            Ok("https://intranet.example/guidance/")
        );
        assert_eq!(
            published_address("http://x.example/").as_deref(),
            Ok("http://x.example/")
        );
        for bad in [
            "intranet.example/guidance/",
            "ftp://x.example/",
            "https:///guidance/",
            "https://x.example/a b/",
            "https://x.example/?page=1",
            "https://x.example/index.html",
        ] {
            assert!(published_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relative_links_are_put_under_an_address() {
        let html = "<a class=\"skip-link\" href=\"#main\">Skip</a><link rel=\"stylesheet\" href=\"assets/handbook.css\"><a href=\"https://other.example/\">x</a><form action=\"search.html\"><img src=\"/logo.png\" alt=\"\"><p>data-href=\"x\"</p>";
        assert_eq!(
            links_under(html, "https://h.example/g/"),
            "<a class=\"skip-link\" href=\"#main\">Skip</a><link rel=\"stylesheet\" href=\"https://h.example/g/assets/handbook.css\"><a href=\"https://other.example/\">x</a><form action=\"https://h.example/g/search.html\"><img src=\"/logo.png\" alt=\"\"><p>data-href=\"x\"</p>"
        );
    }
}
