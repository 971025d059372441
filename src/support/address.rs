//! What an address is, decided once, on the form a reader's browser reads.
//!
//! Every place that judges or writes an `href` or `src` asks this module:
//! the sanitiser (which addresses survive in an author's HTML), the link
//! stage (what to report where a page's text writes an address), the check
//! of the rendered files, and the matching of an address found in the
//! output back to the line that wrote it. An address is judged on the form
//! a browser reads, never on the form written, so that no later step can
//! turn a harmless address into a harmful one:
//!
//! 1. Characters no page may hold ([`crate::support::characters::is_unpublishable`],
//!    such as U+001A) are taken out first, because publishing takes them
//!    out: `java&#x1a;script:` is read as `javascript:`.
//! 2. Then as the WHATWG URL Standard's basic URL parser begins (§4.4):
//!    leading and trailing C0 control characters and spaces are removed,
//!    and every ASCII tab and newline inside; a scheme is compared in
//!    lowercase; `\` counts as `/` before the path of a web address.
//! 3. Whether a browser can read the address at all is asked of the `url`
//!    crate, an implementation of that standard.
//!
//! Character references (`&amp;`, `&#x1a;`) are read by whoever parses the
//! HTML or Markdown the address came from, before it is handed here.
//!
//! A leaf: it imports only `characters` (what a page may hold),
//! and reports nothing itself; callers turn a [`Kind`] into a diagnostic.

use std::borrow::Cow;
use std::sync::LazyLock;

/// Schemes that may be published: web, mail and telephone addresses.
pub const PUBLISHED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Schemes that may never be published, anywhere in a page: a browser runs
/// or shows what they hold without a request (`javascript:`, `vbscript:`,
/// `data:`).
pub const UNSAFE_SCHEMES: &[&str] = &["javascript", "vbscript", "data"];

/// The host relative addresses are resolved against when asking the URL
/// parser about them: `.invalid` is reserved by RFC 2606, so no real
/// address resolves to it.
const EDITION_HOST: &str = "edition.invalid";

/// A page of an edition at that host, which relative addresses are
/// resolved against; parsed once, since every address of every page is read.
static EDITION_PAGE: LazyLock<url::Url> = LazyLock::new(|| {
    url::Url::parse(&format!("https://{EDITION_HOST}/folder/page.html"))
        .expect("the base address parses")
});

/// What an address is, as a browser reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// No address at all (`href=""`): the page itself.
    Empty,
    /// A scheme that could run code or show hidden content (lowercased).
    Unsafe(String),
    /// A web, mail or telephone address (its scheme, lowercased).
    Outside(String),
    /// Any other scheme (`ftp:`, `file:`, `irc:`…), which is not published.
    OtherScheme(String),
    /// `//host/…` (or `\\host\…`): another site, on the page's own scheme.
    OtherHost,
    /// `/…`: a path from the top of the web server, which goes somewhere
    /// else when an edition is published under a sub-path.
    FromRoot,
    /// `#id`: a place on the same page.
    Fragment,
    /// A path relative to the page's folder (`step-3.html#x`, `assets/a.png`).
    Relative,
    /// An address no browser can read (`http:` with no host,
    /// `https://exa mple.org/`), with the parser's reason.
    Unreadable(String),
}

/// An address as written and as a browser reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address<'a> {
    /// As the page or template wrote it (character references read).
    pub written: &'a str,
    /// As a browser reads it (steps 1 and 2 of the module's comment).
    pub read: Cow<'a, str>,
    /// What it is.
    pub kind: Kind,
}

impl<'a> Address<'a> {
    /// Reads `written`, an address whose character references are already
    /// read. Never fails: an address a browser cannot read is
    /// [`Kind::Unreadable`].
    pub fn read(written: &'a str) -> Address<'a> {
        let read = browser_form(written);
        let kind = kind_of(&read);
        Address {
            written,
            read,
            kind,
        }
    }

    /// Whether it may stay in a published page: a web, mail or telephone
    /// address, or one of the edition's own (relative or a fragment).
    /// `/…` and `//host` addresses may stay (the link check reports the
    /// first and the image check the second); unsafe, unknown and
    /// unreadable ones may not.
    pub fn publishable(&self) -> bool {
        !matches!(
            self.kind,
            Kind::Unsafe(_) | Kind::OtherScheme(_) | Kind::Unreadable(_)
        )
    }

    /// Whether loading it as a resource (an image, style sheet, script)
    /// would ask another host, or anything but a file of the edition.
    pub fn is_outside_resource(&self) -> bool {
        !matches!(
            self.kind,
            Kind::Empty | Kind::FromRoot | Kind::Fragment | Kind::Relative
        )
    }

    /// Whether it goes to a file of the edition or a place on the page.
    pub fn is_in_edition(&self) -> bool {
        matches!(self.kind, Kind::Empty | Kind::Fragment | Kind::Relative)
    }

    /// The scheme it has, lowercased, if any.
    pub fn scheme(&self) -> Option<&str> {
        match &self.kind {
            Kind::Unsafe(s) | Kind::Outside(s) | Kind::OtherScheme(s) => Some(s),
            _ => None,
        }
    }
}

/// The key an address is compared by between a page's source and its
/// rendered HTML, which may write the same address another way: the form a
/// browser reads once its `%XX` escapes are read (`foo%20b&auml;` in
/// Markdown and `foo%20b%C3%A4` in HTML are both `foo bä`; the Markdown
/// writer escapes a control character the browser form then leaves out).
pub fn key(written: &str) -> String {
    browser_form(&percent_decoded(written)).into_owned()
}

/// An address with its `%XX` escapes read (`assets/a%20b.png` is
/// `assets/a b.png`); one that does not decode to UTF-8 is left as it is.
pub fn percent_decoded(url: &str) -> std::borrow::Cow<'_, str> {
    if !url.contains('%') {
        return std::borrow::Cow::Borrowed(url);
    }
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(std::borrow::Cow::Borrowed(url), std::borrow::Cow::Owned)
}

/// Steps 1 and 2 of the module's comment.
fn browser_form(written: &str) -> Cow<'_, str> {
    let trim = |s: &str| -> String {
        s.trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect()
    };
    if crate::support::characters::unpublishable_in(written).is_none() {
        let trimmed = written.trim_matches(|c: char| c <= ' ');
        if !trimmed.contains(['\t', '\n', '\r']) {
            return Cow::Borrowed(trimmed);
        }
    }
    Cow::Owned(trim(&crate::support::characters::publishable(written)))
}

/// The scheme at the start of `read`, as the URL Standard's scheme state
/// reads it: an ASCII letter, then letters, digits, `+`, `-` or `.`, up to
/// a `:`; lowercased.
pub fn scheme_in(read: &str) -> Option<String> {
    let (scheme, _) = read.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

fn kind_of(read: &str) -> Kind {
    if read.is_empty() {
        return Kind::Empty;
    }
    if let Some(scheme) = scheme_in(read) {
        if UNSAFE_SCHEMES.contains(&scheme.as_str()) {
            return Kind::Unsafe(scheme);
        }
        return match url::Url::parse(read) {
            Err(why) => Kind::Unreadable(why.to_string()),
            Ok(_) if PUBLISHED_SCHEMES.contains(&scheme.as_str()) => Kind::Outside(scheme),
            Ok(_) => Kind::OtherScheme(scheme),
        };
    }
    let mut slashes = read.chars().take_while(|c| matches!(c, '/' | '\\'));
    let kind = match (slashes.next(), slashes.next()) {
        (Some(_), Some(_)) => Kind::OtherHost,
        (Some(_), None) => Kind::FromRoot,
        _ if read.starts_with('#') => Kind::Fragment,
        _ => Kind::Relative,
    };
    // Ask the parser too: it reads some relative forms as another host.
    match EDITION_PAGE.join(read) {
        Err(why) => Kind::Unreadable(why.to_string()),
        Ok(u) if u.host_str() != Some(EDITION_HOST) || u.scheme() != "https" => Kind::OtherHost,
        Ok(_) => kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(written: &str) -> Kind {
        Address::read(written).kind
    }

    #[test]
    fn schemes_are_judged_on_the_form_a_browser_reads() {
        for written in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:x",
            "java\nscript:x",
            "java\u{1a}script:alert(document.domain)",
            "\u{1}\u{7f}javascript:x",
            "vb\u{85}script:msgbox",
            "da\u{fffe}ta:text/html,x",
            "DATA:text/html,x",
        ] {
            assert!(matches!(kind(written), Kind::Unsafe(_)), "{written:?}");
            assert!(!Address::read(written).publishable(), "{written:?}");
        }
        assert_eq!(kind("https://example.org/"), Kind::Outside("https".into()));
        assert_eq!(kind("MAILTO:a@b.example"), Kind::Outside("mailto".into()));
        assert_eq!(kind("tel:01632960000"), Kind::Outside("tel".into()));
        assert_eq!(kind("ftp://x.example/"), Kind::OtherScheme("ftp".into()));
    }

    #[test]
    fn addresses_a_browser_cannot_read_are_unreadable() {
        for written in ["http:", "https://", "https://exa mple.org/", "http://[::1"] {
            assert!(matches!(kind(written), Kind::Unreadable(_)), "{written:?}");
        }
    }

    #[test]
    fn the_editions_own_addresses_are_told_from_others() {
        assert_eq!(kind(""), Kind::Empty);
        assert_eq!(kind("#nope"), Kind::Fragment);
        assert_eq!(kind("step-1"), Kind::Relative);
        assert_eq!(kind("step-1.html#a:b"), Kind::Relative);
        assert_eq!(kind("../assets/x.png"), Kind::Relative);
        assert_eq!(kind("/step-1.html"), Kind::FromRoot);
        assert_eq!(kind("\\step-1.html"), Kind::FromRoot);
        assert_eq!(kind(" /step-1.html"), Kind::FromRoot);
        assert_eq!(kind("//example.org/x.png"), Kind::OtherHost);
        assert_eq!(kind("\\\\example.org/x.png"), Kind::OtherHost);
        assert_eq!(kind("/\\example.org/x.png"), Kind::OtherHost);
        assert_eq!(kind("\t//example.org/x.png"), Kind::OtherHost);
        assert!(Address::read("//x.example/a.png").is_outside_resource());
        assert!(!Address::read("assets/a.png").is_outside_resource());
    }

    #[test]
    fn percent_escapes_are_read() {
        assert_eq!(percent_decoded("assets/a%20b.png"), "assets/a b.png");
        assert_eq!(percent_decoded("caf%C3%A9.html"), "café.html");
        assert_eq!(percent_decoded("100%.html"), "100%.html");
        assert_eq!(percent_decoded("%FF.html"), "%FF.html");
    }

    #[test]
    fn source_and_output_forms_share_a_key() {
        assert_eq!(key("foo%20bä"), key("foo%20b%C3%A4"));
        assert_eq!(key(" step-1.html "), key("step-1.html"));
        assert_ne!(key("step-1.html"), key("step-2.html"));
        assert_eq!(key("java\u{1a}script:x"), key("java%1Ascript:x"));
    }
}
