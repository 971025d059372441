//! Plain words for the YAML mistakes the library reports in its own terms
//! where the value it could not take begins: a single value where a list
//! (`expected sequence start`) or a group of settings (`expected mapping
//! start`) belongs, a missing `:` one level down, and a quote closed too
//! early inside `{ … }` or `[ … ]` (`invalid trailing content after
//! double-quoted scalar`).
//!
//! Each says what is wrong at the line where it was made and gives the
//! fix, written out with the policy lead's own words where it can be. It
//! reads the YAML text only; the caller makes the diagnostic.

/// A mistake in plain words: where it is in the file, and what to say.
pub(super) struct Plain {
    /// Byte range in the file.
    pub at: (usize, usize),
    pub message: String,
    pub hint: String,
}

/// Plain words for the library's `message` about the value that begins at
/// byte `at` of `text` (a whole file), in the YAML block `block`.
pub(super) fn explain(
    message: &str,
    text: &str,
    block: (usize, usize),
    at: usize,
) -> Option<Plain> {
    if at > text.len() || !text.is_char_boundary(at) {
        return None;
    }
    if message.contains("expected sequence start") {
        return Some(single_value_for_a_list(text, at));
    }
    if message.contains("expected mapping start") {
        return Some(single_value_for_a_group(text, at));
    }
    if message.contains("trailing content after") && message.contains("quoted scalar") {
        return quote_closed_early(text, block, at);
    }
    if message.contains("deserialize null") {
        return Some(value_missing(text, block, at));
    }
    None
}

/// The line of `text` that holds byte `at`: where it starts, and its text
/// without the line break.
fn line_at(text: &str, at: usize) -> (usize, &str) {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    (start, text[start..end].trim_end_matches('\r'))
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The setting name a line starts (`name:`, or `- name:` in a list).
fn name_of(line: &str) -> Option<&str> {
    let trimmed = line.trim_start().trim_start_matches("- ");
    let end = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(trimmed.len());
    (end > 0 && trimmed[end..].starts_with(':')).then(|| &trimmed[..end])
}

/// The setting whose value begins at `at`: named on the same line before
/// it, or, for a value on a line of its own, on the nearest line above
/// that is indented less.
fn setting_of(text: &str, at: usize) -> Option<String> {
    let (start, line) = line_at(text, at);
    let before = &line[..(at - start).min(line.len())];
    if !before.trim().is_empty() {
        return name_of(before).map(str::to_string);
    }
    let indent = indent_of(line);
    text[..start]
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .find(|l| indent_of(l) < indent)
        .and_then(name_of)
        .map(str::to_string)
}

/// The value as written from `at` to the end of its line (comment aside).
fn value_at(text: &str, at: usize) -> String {
    let (start, line) = line_at(text, at);
    let value = &line[(at - start).min(line.len())..];
    let value = value.split(" #").next().unwrap_or(value);
    value.trim().to_string()
}

/// The end of the value at `at` on its line, at least one byte on.
fn end_of_value(text: &str, at: usize) -> usize {
    let (start, line) = line_at(text, at);
    (start + line.trim_end().len()).max(at + 1).min(text.len())
}

fn single_value_for_a_list(text: &str, at: usize) -> Plain {
    let value = value_at(text, at);
    let (message, hint) = match setting_of(text, at) {
        Some(name) => (
            format!("`{name}` takes a list, but is given a single value here"),
            format!(
                "write the list in square brackets, such as `{name}: [{value}]`, or put each item on a line of its own under `{name}:`, starting `- `"
            ),
        ),
        None => (
            "a list belongs here, but this is a single value".to_string(),
            format!("write the list in square brackets, such as `[{value}]`, or put each item on a line of its own, starting `- `"),
        ),
    };
    Plain {
        at: (at, end_of_value(text, at)),
        message,
        hint,
    }
}

/// A line of a name and a value with no `:` between them
/// (`panel_email panel@…`), put right; `None` for any other line.
pub(super) fn with_colon(line: &str) -> Option<String> {
    let words = line.trim();
    let first_end = words.find(' ')?;
    let name = &words[..first_end];
    let named = name
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let value = words[first_end..].trim_start();
    (named && !value.is_empty() && !value.starts_with('#')).then(|| format!("{name}: {value}"))
}

fn single_value_for_a_group(text: &str, at: usize) -> Plain {
    let (start, line) = line_at(text, at);
    let on_own_line = line[..(at - start).min(line.len())].trim().is_empty();
    if let Some(fixed) = with_colon(line).filter(|_| on_own_line) {
        // `  panel_email panel@…` under `variables:`: the colon is missing.
        return Plain {
            at: (at, end_of_value(text, at)),
            message: "this line is not a setting: there is no `:` after its name".to_string(),
            hint: format!("write it `{fixed}`, with a space after the colon"),
        };
    }
    let message = match setting_of(text, at) {
        Some(name) => format!("`{name}` is a group of settings, but is given a single value here"),
        None => "a group of settings belongs here, but this is a single value".to_string(),
    };
    Plain {
        at: (at, end_of_value(text, at)),
        message,
        hint: "write each of its settings on a line of its own under it, indented by two spaces, as `name: value`"
            .to_string(),
    }
}

/// Where the quoted text that ends just before `at` opens, on the same
/// line: the byte of its opening quote, and the quote.
fn quoted_before(text: &str, line_start: usize, at: usize) -> Option<(usize, char)> {
    let before = text[line_start..at].trim_end();
    let quote = before.chars().last().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &before[..before.len() - 1];
    let open = match quote {
        '"' => {
            let bytes = inner.as_bytes();
            (0..bytes.len())
                .rev()
                .find(|&i| bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\\'))?
        }
        _ => inner.rfind('\'')?,
    };
    Some((line_start + open, quote))
}

/// Whether the YAML `text` can be read at all, whatever its settings.
pub(super) fn readable(text: &str) -> bool {
    serde_saphyr::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// A quoted text closed with more of the value after it. Inside `{ … }`
/// with a `: ` in the quotes, the quote that should end the name before the
/// `:` is missing (`{ "Individual Budget: "Personal Budget" }`): it is put
/// there, and the line offered whole when the YAML then reads.
fn quote_closed_early(text: &str, block: (usize, usize), at: usize) -> Option<Plain> {
    let (line_start, line) = line_at(text, at);
    let (open, quote) = quoted_before(text, line_start, at)?;
    let closed = text[line_start..at].trim_end().len() + line_start - 1;
    let inside = &text[open + 1..closed];
    if let Some(colon) = inside
        .find(": ")
        .or_else(|| inside.ends_with(':').then(|| inside.len() - 1))
    {
        let colon = open + 1 + colon;
        let name = text[open + 1..colon].trim_end();
        let mut fixed_yaml = text[block.0..block.1].to_string();
        fixed_yaml.insert(colon - block.0, quote);
        let mut fixed_line = line.to_string();
        fixed_line.insert(colon - line_start, quote);
        let hint = if readable(&fixed_yaml) {
            format!(
                "put a `{quote}` after `{name}`, so that the line reads `{}`",
                fixed_line.trim()
            )
        } else {
            format!("put a `{quote}` after `{name}`: each name and value is quoted on its own, as `{quote}name{quote}: {quote}value{quote}`")
        };
        return Some(Plain {
            at: (colon, colon + 1),
            message: format!(
                "the quoted text `{name}` is never closed: there is no `{quote}` before this `:`"
            ),
            hint,
        });
    }
    if text[at..].starts_with(['"', '\'']) {
        // `{ "Individual Budget" "Personal Budget" }`: no `:` between them.
        let mut fixed_line = line.to_string();
        fixed_line.insert(closed + 1 - line_start, ':');
        let mut fixed_yaml = text[block.0..block.1].to_string();
        fixed_yaml.insert(closed + 1 - block.0, ':');
        let hint = if readable(&fixed_yaml) {
            format!(
                "put a `:` after `{inside}`, so that the line reads `{}`",
                fixed_line.trim()
            )
        } else {
            format!(
                "write the name, a `:`, then the value: `{quote}name{quote}: {quote}value{quote}`"
            )
        };
        return Some(Plain {
            at: (closed, closed + 1),
            message: format!("there is no `:` between `{inside}` and the text after it"),
            hint,
        });
    }
    Some(Plain {
        at: (at, end_of_value(text, at)),
        message: format!("more text follows the closing `{quote}` of the quoted text before it"),
        hint: format!("put all of the value inside the quotes, or take out the `{quote}` that closes them too early"),
    })
}

/// A setting with no value. Inside `{ … }`, a name and value quoted as one
/// text (`{ "Individual Budget: Personal Budget" }`) is read so: the quotes
/// that should close the name and open the value are put in, and the line
/// offered whole when the YAML then reads.
fn value_missing(text: &str, block: (usize, usize), at: usize) -> Plain {
    let (line_start, line) = line_at(text, at);
    let quoted = quoted_before(text, line_start, at);
    if let Some((open, quote)) = quoted {
        let closed = text[line_start..at].trim_end().len() + line_start - 1;
        let inside = &text[open + 1..closed];
        if let Some(colon) = inside.find(": ") {
            let colon = open + 1 + colon;
            let pair = format!("{quote}: {quote}");
            let fixed_line = format!(
                "{}{pair}{}",
                &text[line_start..colon],
                &line[colon + 2 - line_start..]
            );
            let fixed_yaml = format!(
                "{}{pair}{}",
                &text[block.0..colon],
                &text[colon + 2..block.1]
            );
            let hint = if readable(&fixed_yaml) {
                format!("close the name and open the value with quotes of their own, so that the line reads `{}`", fixed_line.trim())
            } else {
                format!("quote the name and the value each on its own: `{quote}name{quote}: {quote}value{quote}`")
            };
            return Plain {
                at: (open, closed + 1),
                message: format!(
                    "`{inside}` is read as one name with no value: the `:` is inside its quotes"
                ),
                hint,
            };
        }
    }
    let message = match setting_of(text, at) {
        Some(name) => format!("`{name}` has no value"),
        None => "a value is missing here".to_string(),
    };
    Plain {
        at: (at, end_of_value(text, at)),
        message,
        hint: "write its value after the `:` (in quotes if it holds a `:` or a `#`), or delete the setting".to_string(),
    }
}
