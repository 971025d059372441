//! Reading a rendered page's attributes: every attribute of every element,
//! read from tags only (not from text, comments, scripts or style
//! elements), with character references decoded as a browser decodes them,
//! and an address resolved against the page it is on.
//!
//! Reads bytes and returns slices of them; judges nothing.

/// Every attribute of every element in HTML, as `(where the element starts,
/// element, name, value)`,
/// read from tags only: text such as `src="…"` written in a code span, and
/// the insides of comments, scripts and style elements, are not attributes.
/// It reads bytes: every character that ends a name or value is ASCII, and
/// no byte of a longer UTF-8 character is ASCII.
pub(super) fn attributes(html: &str) -> Vec<(usize, &str, &str, &str)> {
    const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp"];
    let bytes = html.as_bytes();
    let len = bytes.len();
    // The first byte at or after `from` that `stop` accepts, or the end.
    let until = |from: usize, stop: &dyn Fn(u8) -> bool| {
        bytes[from.min(len)..]
            .iter()
            .position(|&b| stop(b))
            .map_or(len, |at| from + at)
    };
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(open) = memchr(b'<', bytes, i) {
        i = open + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find(bytes, b"-->", i).map_or(len, |end| end + 3);
            continue;
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = until(i, &|b| b.is_ascii_whitespace() || b == b'>' || b == b'/');
        let element = &html[i..name_end];
        i = name_end;
        loop {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                i += 1;
            }
            if i >= len || bytes[i] == b'>' {
                i += 1;
                break;
            }
            // The first character belongs to the name, whatever it is (`=x`).
            let first = html[i..].chars().next().map_or(1, char::len_utf8);
            let name_end = until(i + first, &|b| {
                b.is_ascii_whitespace() || b == b'=' || b == b'>' || b == b'/'
            });
            let name = &html[i..name_end];
            i = name_end;
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            let mut value = "";
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let start = i + 1;
                        let end = memchr(q, bytes, start).unwrap_or(len);
                        value = &html[start..end];
                        i = (end + 1).min(len);
                    }
                    _ => {
                        let end = until(i, &|b| b.is_ascii_whitespace() || b == b'>');
                        value = &html[i..end];
                        i = end;
                    }
                }
            }
            found.push((open, element, name, value));
        }
        if let Some(raw) = RAW_TEXT.iter().find(|r| element.eq_ignore_ascii_case(r)) {
            // The element's text runs to its end tag, in any case.
            let mut at = i.min(len);
            i = loop {
                match find(bytes, b"</", at) {
                    Some(close)
                        if bytes[close + 2..]
                            .get(..raw.len())
                            .is_some_and(|n| n.eq_ignore_ascii_case(raw.as_bytes())) =>
                    {
                        break close;
                    }
                    Some(close) => at = close + 2,
                    None => break len,
                }
            };
        }
        if i >= len {
            break;
        }
    }
    found
}

/// Where byte `b` first appears in `bytes` at or after `from`.
pub(super) fn memchr(b: u8, bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b, bytes.get(from..)?).map(|at| from + at)
}

/// Where `needle` first appears in `bytes` at or after `from`.
pub(super) fn find(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|at| from + at)
}

/// The values of one attribute in HTML, such as every `href="…"`.
#[cfg(test)]
pub(super) fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    values_of(&attributes(html), attribute)
}

/// One attribute of one element, as [`attributes`] finds them.
pub(super) type Attribute<'a> = (usize, &'a str, &'a str, &'a str);

/// The values of one attribute among a page's attributes.
pub(super) fn values_of<'a>(all: &[Attribute<'a>], attribute: &str) -> Vec<&'a str> {
    all.iter()
        .filter(|(_, _, name, _)| name.eq_ignore_ascii_case(attribute))
        .map(|(_, _, _, value)| *value)
        .collect()
}

/// An attribute value of a rendered page with its character references
/// read: the named ones the sanitiser and the template engine write
/// (`&amp;`, `&quot;`, `&lt;`, `&gt;`, `&nbsp;`, `&apos;`) and every
/// numeric one (`&#39;`, `&#x2F;`), as a browser reads them.
pub(super) fn decode(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains('&') {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let reference = end.map(|e| &rest[1..e]);
        let read = reference.and_then(|r| match r {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            "apos" => Some('\''),
            _ => {
                let number = r.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                Some(char::from_u32(code).unwrap_or('\u{fffd}'))
            }
        });
        match (read, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Resolves `url` against the folder of `from`, both inside an edition.
pub(super) fn resolve<'a>(from: &str, url: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    // Most links are to a file beside a page at the top of the edition.
    let plain =
        !from.contains('/') && !url.contains('/') && url != "." && url != ".." && !url.is_empty();
    if plain {
        return Some(std::borrow::Cow::Borrowed(url));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in url.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(std::borrow::Cow::Owned(parts.join("/")))
}
