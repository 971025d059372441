//! Which characters a published page or feed may hold, how a message
//! names one, and how text is escaped to show as written in HTML. One rule
//! for every stage: the reader of a file refuses them, the link stage warns
//! where a character reference stands for one, the sanitiser and the
//! address judge take them out before judging, and a message shows them.
//!
//! A leaf: it imports nothing from the crate.

/// Whether a character may not stand in a published page or feed: the
/// control characters other than tab and line breaks (HTML forbids them in
/// text, and XML 1.0, the feed's and sitemap's format, forbids those below
/// U+0020), and Unicode's noncharacters. From the HTML standard ("control",
/// "noncharacter") and XML 1.0 (`Char`).
pub fn is_unpublishable(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&n)
        || (0xfdd0..=0xfdef).contains(&n)
        || n & 0xfffe == 0xfffe
}

/// The first [unpublishable](is_unpublishable) character of `text`, with its
/// byte offset.
pub fn unpublishable_in(text: &str) -> Option<(usize, char)> {
    // Every such character has a byte below 0x20, 0x7f, 0xc2 (U+0080 to
    // U+009F), 0xef (U+FDD0 to U+FFFF) or 0xf0 and above in its UTF-8; none
    // of those is a continuation byte, so each starts a character. The text
    // is read in blocks without stopping (which the compiler turns into
    // vector instructions: it runs over every page's HTML); only the
    // characters that start at those bytes, in a block that has any, are
    // decoded.
    let suspect = |b: u8| {
        ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
            | (b == 0x7f)
            | (b == 0xc2)
            | (b == 0xef)
            | (b >= 0xf0)
    };
    let bytes = text.as_bytes();
    for (block, chunk) in bytes.chunks(64).enumerate() {
        if !chunk.iter().fold(false, |seen, &b| seen | suspect(b)) {
            continue;
        }
        for (i, &b) in chunk.iter().enumerate() {
            let at = block * 64 + i;
            if !suspect(b) {
                continue;
            }
            let c = text[at..].chars().next()?;
            if is_unpublishable(c) {
                return Some((at, c));
            }
        }
    }
    None
}

/// `text` without its [unpublishable](is_unpublishable) characters.
pub fn publishable(text: &str) -> std::borrow::Cow<'_, str> {
    match unpublishable_in(text) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => text.chars().filter(|&c| !is_unpublishable(c)).collect(),
    }
}

/// A character as a message names it: `U+0010`, with its name where it has
/// a common one.
pub fn describe(c: char) -> String {
    let name = match c {
        '\u{0}' => " (NUL)",
        '\u{7}' => " (bell)",
        '\u{8}' => " (backspace)",
        '\u{b}' => " (vertical tab)",
        '\u{c}' => " (form feed)",
        '\u{1b}' => " (escape)",
        '\u{7f}' => " (delete)",
        '\u{85}' => " (next line)",
        _ => "",
    };
    format!("U+{:04X}{name}", c as u32)
}

/// `text` escaped for HTML: in element content and in quoted attribute
/// values it shows as written.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_unpublishable_character_is_found_among_any_others() {
        // Characters from each range the byte scan stops at, allowed or not.
        let samples = [
            'a',
            '\t',
            '\n',
            '\u{0}',
            '\u{1f}',
            '\u{7f}',
            '\u{80}',
            '\u{85}',
            '\u{9f}',
            '\u{a0}',
            '£',
            'é',
            '€',
            '\u{fdcf}',
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fdf0}',
            '\u{fffd}',
            '\u{fffe}',
            '\u{ffff}',
            '😀',
            '\u{1fffe}',
            '\u{10ffff}',
        ];
        for a in samples {
            for b in samples {
                for c in samples {
                    let text: String = [
                        "£\u{a0}",
                        &a.to_string(),
                        "é",
                        &b.to_string(),
                        &c.to_string(),
                    ]
                    .concat();
                    let expected = text.char_indices().find(|&(_, c)| is_unpublishable(c));
                    assert_eq!(unpublishable_in(&text), expected, "{text:?}");
                }
            }
        }
        assert_eq!(unpublishable_in("£\u{a0}€😀\u{fdcf}"), None);
        assert_eq!(unpublishable_in("£\u{a0}x\u{85}"), Some((5, '\u{85}')));
    }
}
