//! YAML front matter and YAML files, parsed into typed values.
//!
//! This is the one place that talks to the YAML library (serde-saphyr), so a
//! swap touches one file. It splits a Markdown file into its front matter and
//! body, parses YAML with input limits (no alias bombs, no runaway nesting),
//! and turns YAML errors into [`Diagnostic`]s that point at the right line of
//! the *file*, not of the YAML block. Unknown keys get the closest known key
//! as a hint; a value of the wrong form (a single value where a list or a
//! group of settings belongs) and a quote closed too early are put in plain
//! words with their fix (`plain`). An escape that stands for a control character (`"\x10"`),
//! which no page or feed may hold, is refused where it is written.
//!
//! It does not know what the keys mean: callers define the types.

use std::sync::Arc;

use jiff::civil::Date;
use serde::de::DeserializeOwned;

use crate::support::diagnostic::{did_you_mean, Diagnostic, SourceFile};

mod plain;

/// Front matter larger than this is refused, whatever the YAML says.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// A Markdown file cut into front matter and body.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// Byte range of the YAML text (between the `---` lines) in the file.
    pub yaml: (usize, usize),
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

/// Finds the front matter of a Markdown file: a first line `---`, YAML, and a
/// closing `---` line.
pub fn split(file: &Arc<SourceFile>) -> Result<Split, Diagnostic> {
    let text = file.text.as_str();
    let Some(after_open) = text
        .strip_prefix("---\n")
        .map(|_| 4)
        .or_else(|| (text == "---").then_some(3))
    else {
        return Err(Diagnostic::error(
            "no-front-matter",
            "this page has no front matter: it must start with a line `---`",
        )
        .at(file, 0, text.find('\n').unwrap_or(text.len()).min(40))
        .hint("start the file with `---`, then `id:` and `title:` lines, then `---` on a line of its own"));
    };
    let mut pos = after_open;
    loop {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            let yaml = (after_open, pos);
            if yaml.1 - yaml.0 > MAX_FRONT_MATTER_BYTES {
                return Err(Diagnostic::error(
                    "front-matter-too-large",
                    format!(
                        "the front matter is {} KiB; the limit is {} KiB",
                        (yaml.1 - yaml.0) / 1024,
                        MAX_FRONT_MATTER_BYTES / 1024
                    ),
                )
                .at(file, 0, 3)
                .hint("front matter holds a few settings; move long text into the page body"));
            }
            return Ok(Split {
                yaml,
                body_start: (line_end + 1).min(text.len()),
            });
        }
        if line_end >= text.len() {
            return Err(Diagnostic::error(
                "unclosed-front-matter",
                "the front matter is never closed",
            )
            .at(file, 0, 3)
            .hint("add a line `---` after the last front matter setting"));
        }
        pos = line_end + 1;
    }
}

/// Parses YAML found at `range` of `file` into `T`. Errors point into the file.
///
/// `known_keys` lists the keys `T` accepts, for "did you mean" hints on
/// unknown keys.
pub fn parse<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    range: (usize, usize),
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    let yaml = &file.text[range.0..range.1];
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_anchors: 64,
            max_aliases: 256,
            max_nodes: 20_000,
        },
    };
    let value = serde_saphyr::from_str_with_options::<T>(yaml, options)
        .map_err(|err| yaml_error(file, range.0, &err, known_keys))?;
    match unpublishable_escape(yaml) {
        Some((at, len, c)) => Err(Diagnostic::error(
            "control-character",
            format!(
                "`{}` here is the invisible control character {}, which no web page or feed may contain",
                &yaml[at..at + len],
                crate::support::characters::describe(c)
            ),
        )
        .at(file, range.0 + at, range.0 + at + len)
        .hint("remove it; to show a line break in a quoted text, write `\\n`")),
        None => Ok(value),
    }
}

/// The first escape in double-quoted YAML (`"\x10"`, `"\u000b"`, `"\a"`)
/// that stands for a character no published page may hold: where it is in
/// `yaml`, its length, and the character. Only the text of double-quoted
/// scalars is read, as YAML does.
fn unpublishable_escape(yaml: &str) -> Option<(usize, usize, char)> {
    if !yaml.contains('\\') {
        return None;
    }
    let bytes = yaml.as_bytes();
    let (mut i, mut quoted, mut comment) = (0, false, false);
    while i < bytes.len() {
        match (bytes[i], quoted) {
            (b'\n', _) if comment => comment = false,
            _ if comment => {}
            (b'#', false) if i == 0 || bytes[i - 1].is_ascii_whitespace() => comment = true,
            // A `'` inside a plain or single-quoted scalar cannot open a
            // double-quoted one; only a `"` where a value starts does.
            (b'"', false) => quoted = starts_value(yaml, i),
            (b'"', true) => quoted = false,
            (b'\\', true) => {
                let (len, c) = yaml_escape(&yaml[i + 1..]);
                if c.is_some_and(crate::support::characters::is_unpublishable) {
                    return Some((i, len + 1, c?));
                }
                i += len;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a `"` at `at` opens a double-quoted scalar: it follows the
/// start of a line, `: `, `- `, `[`, `{` or `,` (spaces aside).
fn starts_value(yaml: &str, at: usize) -> bool {
    let before = yaml[..at].trim_end_matches(' ');
    before.is_empty() || before.ends_with(['\n', ':', '-', '[', '{', ','])
}

/// The YAML escape after a backslash in `rest`: its length and the
/// character it stands for (`None` for one that is not a character escape).
fn yaml_escape(rest: &str) -> (usize, Option<char>) {
    let hex = |digits: usize| {
        let code = rest.get(1..1 + digits)?;
        u32::from_str_radix(code, 16).ok().and_then(char::from_u32)
    };
    match rest.as_bytes().first() {
        Some(b'x') => (3, hex(2)),
        Some(b'u') => (5, hex(4)),
        Some(b'U') => (9, hex(8)),
        Some(b'0') => (1, Some('\0')),
        Some(b'a') => (1, Some('\u{7}')),
        Some(b'b') => (1, Some('\u{8}')),
        Some(b'e') => (1, Some('\u{1b}')),
        Some(b'f') => (1, Some('\u{c}')),
        Some(b'v') => (1, Some('\u{b}')),
        Some(b'N') => (1, Some('\u{85}')),
        Some(_) => (1, None),
        None => (0, None),
    }
}

/// Parses a whole YAML file into `T`.
pub fn parse_file<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    parse(file, (0, file.text.len()), known_keys)
}

/// Marks a date's error message, so [`explain`] can put it in plain words.
const DATE_ERROR: &str = "handbook-date:";

/// Reads a date written `YYYY-MM-DD` and nothing else, for every date
/// setting (`#[serde(deserialize_with = "crate::text::frontmatter::date")]`): a
/// time, a time zone or a one-digit month or day is refused, not dropped.
pub fn date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    struct DateOnly;
    impl serde::de::Visitor<'_> for DateOnly {
        type Value = Date;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date written YYYY-MM-DD")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Date, E> {
            date_only(text).map_err(|why| E::custom(format!("{DATE_ERROR}{why}|{text}")))
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Date, E> {
            self.visit_str(&n.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Date, E> {
            self.visit_str(&n.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Date, E> {
            self.visit_str(&n.to_string())
        }
    }
    deserializer.deserialize_str(DateOnly)
}

/// [`date`] for a setting that may be left out.
pub fn optional_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Date>, D::Error> {
    date(deserializer).map(Some)
}

/// A date written `YYYY-MM-DD`, or why the text is not one: `time` (it
/// has a time or a zone), `form` (not four, two and two digits) or
/// `calendar` (no such day).
fn date_only(text: &str) -> Result<Date, &'static str> {
    let text = text.trim();
    let head: String = text.chars().take(10).collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = head.split('-').collect();
    let well_formed = head.len() == 10
        && parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| digits(p));
    if well_formed && text.len() > 10 {
        return Err("time");
    }
    if !well_formed {
        return Err("form");
    }
    let number = |s: &str| s.parse::<i16>().map_err(|_| "form");
    let (year, month, day) = (number(parts[0])?, number(parts[1])?, number(parts[2])?);
    Date::new(year, month as i8, day as i8).map_err(|_| "calendar")
}

/// The byte offset in `file` of a YAML location inside a block that starts at `base`.
pub fn offset_in_file(file: &SourceFile, base: usize, line: u64, column: u64) -> usize {
    let (base_line, _) = file.line_col(base);
    let line = base_line + line.max(1) as usize - 1;
    file.offset_of(line, column.max(1) as usize)
}

fn yaml_error(
    file: &Arc<SourceFile>,
    base: usize,
    err: &serde_saphyr::Error,
    known_keys: &[&str],
) -> Diagnostic {
    let raw = err.without_snippet().to_string();
    let message = first_line(&raw);
    let start = match err.location() {
        Some(loc) if loc.line() > 0 => offset_in_file(file, base, loc.line(), loc.column()),
        _ => base,
    };
    if is_syntax_error(&message) {
        // The parser notices a mistake where it can no longer go on, which
        // may be lines later: look for where it was made.
        let block_end = block_end(file, base);
        // The end of the line the parser stopped on.
        let upto = match err.location() {
            Some(loc) if loc.line() > 0 => file.text[start..]
                .find('\n')
                .map_or(file.text.len(), |i| start + i),
            _ => block_end,
        };
        if let Some(mistake) = find_mistake(&file.text[base..block_end]) {
            // A tab that indents is a mistake wherever the parser stopped.
            if base + mistake.at <= upto || mistake.anywhere {
                let at = base + mistake.at;
                return Diagnostic::error("yaml", mistake.message)
                    .at(file, at, (at + mistake.len).min(file.text.len()))
                    .hint(mistake.hint);
            }
        }
    }
    let block = (base, block_end(file, base));
    if let Some(plain) = plain::explain(&message, &file.text, block, start) {
        return Diagnostic::error("yaml", plain.message)
            .at(file, plain.at.0, plain.at.1.min(file.text.len()))
            .hint(plain.hint);
    }
    let end = file.text[start..]
        .find(['\n', ':'])
        .map_or(file.text.len(), |i| start + i)
        .max(start + 1)
        .min(file.text.len());
    let (message, hint) = explain(&message, known_keys);
    let (message, hint) = match plain_syntax(&message, file, start) {
        Some((message, hint)) => (message, Some(hint)),
        None => (message, hint),
    };
    let diagnostic = Diagnostic::error("yaml", message).at(file, start, end);
    match hint {
        Some(hint) => diagnostic.hint(hint),
        None => diagnostic,
    }
}

/// Whether the YAML library's message is about how the YAML is written
/// (rather than a setting's name, type or value).
fn is_syntax_error(message: &str) -> bool {
    ![
        "unknown field",
        "missing field",
        "unknown variant",
        "invalid type",
        "invalid value",
        DATE_ERROR,
        "budget",
        "limit",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// Where the YAML block starting at `base` ends: at the front matter's
/// closing `---`, or the end of the file.
fn block_end(file: &SourceFile, base: usize) -> usize {
    let mut pos = base;
    for line in file.text[base..].split_inclusive('\n') {
        if base > 0 && matches!(line.trim_end(), "---" | "...") {
            return pos;
        }
        pos += line.len();
    }
    file.text.len()
}

/// A mistake found in YAML text, in plain words.
struct Mistake {
    /// Byte offset in the text where it was made, and how long it is.
    at: usize,
    len: usize,
    message: String,
    hint: String,
    /// Whether it is a mistake wherever the parser stopped.
    anywhere: bool,
}

/// Looks through YAML that failed to parse for the first mistake of a kind
/// a person makes: a tab used to indent, a quote or a `[`/`{` opened and
/// never closed. A quoted text or a list may run over several lines; it is a
/// mistake when it runs into the next setting or to the end.
fn find_mistake(yaml: &str) -> Option<Mistake> {
    let mut offset = 0;
    // An open quote: its character and where it opened.
    let mut quote: Option<(char, usize)> = None;
    // Open `[` and `{`, with where each opened.
    let mut brackets: Vec<(char, usize)> = Vec::new();
    let mut setting_indent = None;
    for line in yaml.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if quote.is_none() {
            let indent: &str = &content[..content.len() - content.trim_start().len()];
            if let Some(tab) = indent.find('\t') {
                return Some(Mistake {
                    at: line_start + tab,
                    len: 1,
                    message: "a tab is used to indent this line".to_string(),
                    hint: "use spaces, not a tab, to indent: YAML counts spaces, and a tab looks like spaces in most editors".to_string(),
                    anywhere: true,
                });
            }
            let trimmed = content.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let starts_setting = is_setting_line(trimmed);
            let indent = indent.len();
            if let Some(&(open, at)) = brackets.first() {
                if starts_setting && setting_indent.is_some_and(|i| indent <= i) {
                    return Some(unclosed_bracket(open, at));
                }
            }
            if brackets.is_empty() {
                setting_indent = Some(indent);
            }
        }
        if let Some(found) = scan_line(content, line_start, &mut quote, &mut brackets) {
            return Some(found);
        }
        if let Some((q, opened)) = quote {
            // Inside `[ … ]` or `{ … }`, a quote open at the end of the line
            // it opened on is one never closed.
            if opened >= line_start && brackets.first().is_some_and(|&(_, b)| b < opened) {
                return Some(unclosed_quote_in_brackets(
                    yaml, q, opened, line_start, content,
                ));
            }
        }
    }
    if let Some((q, at)) = quote {
        return Some(unclosed_quote(q, at));
    }
    if let Some(&(open, at)) = brackets.first() {
        return Some(unclosed_bracket(open, at));
    }
    None
}

/// Whether a line (without its indentation) starts a setting: `name:` or `- `.
fn is_setting_line(trimmed: &str) -> bool {
    if trimmed.starts_with("- ") || trimmed == "-" {
        return true;
    }
    let name_end = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(trimmed.len());
    name_end > 0 && trimmed[name_end..].starts_with(':')
}

/// Reads one line's quotes, brackets and comments, carrying an open quote
/// or bracket over to the next line. Returns a mistake when a quote that
/// ran over lines closes with more text after it on the line.
fn scan_line(
    content: &str,
    line_start: usize,
    quote: &mut Option<(char, usize)>,
    brackets: &mut Vec<(char, usize)>,
) -> Option<Mistake> {
    let mut chars = content.char_indices().peekable();
    // Whether a quote here would start a quoted value (not be part of a word).
    let mut value_start = true;
    while let Some((i, c)) = chars.next() {
        if let Some((q, opened)) = *quote {
            match c {
                '\\' if q == '"' => {
                    chars.next();
                }
                '\'' if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') => {
                    chars.next();
                }
                c if c == q => {
                    *quote = None;
                    let after = content[i + 1..].trim_start();
                    let fine = after.is_empty() || after.starts_with(['#', ',', ']', '}', ':']);
                    let same_line = opened >= line_start;
                    if !fine && !same_line {
                        return Some(unclosed_quote(q, opened));
                    }
                    value_start = false;
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' | '\'' if value_start => *quote = Some((c, line_start + i)),
            '[' | '{' if value_start => brackets.push((c, line_start + i)),
            ']' | '}' => {
                brackets.pop();
                value_start = false;
            }
            '#' if i == 0 || content[..i].ends_with([' ', '\t']) => break,
            ' ' | '\t' => {}
            ',' => value_start = true,
            ':' | '-' if content[i + 1..].starts_with([' ', '\t']) || i + 1 == content.len() => {
                value_start = true;
            }
            _ => value_start = false,
        }
    }
    None
}

fn unclosed_quote(q: char, at: usize) -> Mistake {
    let name = if q == '"' {
        "double quote"
    } else {
        "single quote"
    };
    Mistake {
        at,
        len: 1,
        message: format!("this {name} (`{q}`) is never closed"),
        hint: format!("end the text with a `{q}` on the same line, or take out this `{q}`"),
        anywhere: false,
    }
}

/// A quote opened inside `[ … ]` or `{ … }` and not closed on its line:
/// the quote is put before the line's last `]` or `}`, and the line offered
/// whole when the YAML then reads.
fn unclosed_quote_in_brackets(
    yaml: &str,
    q: char,
    at: usize,
    line_start: usize,
    content: &str,
) -> Mistake {
    let mut mistake = unclosed_quote(q, at);
    let after = &content[at - line_start..];
    let Some(close) = after.rfind([']', '}']) else {
        return mistake;
    };
    let text_end = at - line_start + after[..close].trim_end().len();
    let mut line = content.to_string();
    line.insert(text_end, q);
    let mut fixed = yaml.to_string();
    fixed.insert(line_start + text_end, q);
    if plain::readable(&fixed) {
        let closing = &after[close..=close];
        mistake.hint = format!(
            "end the text with a `{q}` before the `{closing}`, so that the line reads `{}`",
            line.trim()
        );
    }
    mistake
}

fn unclosed_bracket(open: char, at: usize) -> Mistake {
    let (close, what, example) = if open == '[' {
        (']', "list", "[step-3, step-5]")
    } else {
        (
            '}',
            "group of settings",
            "{ date: 2026-11-24, note: \"…\" }",
        )
    };
    Mistake {
        at,
        len: 1,
        message: format!("this `{open}` is never closed"),
        hint: format!("end the {what} with `{close}`, such as `{example}`"),
        anywhere: false,
    }
}

/// Plain words for the syntax errors the YAML library reports where the
/// mistake is: a line with no `:` after its name, and a setting given twice.
fn plain_syntax(message: &str, file: &SourceFile, at: usize) -> Option<(String, String)> {
    if message.contains("duplicate mapping key") || message.contains("duplicate key") {
        let key = message
            .split("key:")
            .nth(1)
            .and_then(|k| k.split(',').next())
            .map(|k| k.trim().trim_matches(['`', '"', '\'']).to_string())
            .unwrap_or_default();
        let (line, _) = file.line_col(at);
        let first = file
            .text
            .lines()
            .take(line.saturating_sub(1))
            .position(|l| {
                let t = l.trim_start().trim_start_matches("- ");
                t.strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .map(|i| i + 1);
        let message = format!("`{key}` is set twice");
        let hint = match first {
            Some(first) => format!("keep one `{key}:` line: it is also set on line {first}"),
            None => format!("keep one `{key}:` line and delete the other"),
        };
        return Some((message, hint));
    }
    if message.contains("expected ':'") || message.contains("simple key") {
        let (line, _) = file.line_col(at);
        let written = file.text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        let hint = match plain::with_colon(written) {
            Some(fixed) => format!("write it `{fixed}`, with a space after the colon; text that goes on over several lines must be indented under its setting"),
            None => "write each setting as `name: value`, with a space after the colon; text that goes on over several lines must be indented under its setting".to_string(),
        };
        return Some((
            "this line is not a setting: there is no `:` after its name".to_string(),
            hint,
        ));
    }
    if message.contains("tab") {
        return Some((
            "a tab is used here".to_string(),
            "use spaces, not a tab, to indent".to_string(),
        ));
    }
    if message.contains("unclosed quote") {
        return Some((
            "a quote here is never closed".to_string(),
            "end the quoted text with the same quote mark it starts with".to_string(),
        ));
    }
    None
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    // serde-saphyr appends " at line L column C"; the position is shown separately.
    match line.rfind(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}

/// The values an "unknown variant" message lists after "expected", in
/// any of the forms serde and the YAML library write them: "`a`, `b`",
/// "one of `a`, `b`", "one of a, b", "`a` or `b`".
fn allowed_values(message: &str) -> Vec<&str> {
    let Some(list) = message.split("expected ").nth(1) else {
        return Vec::new();
    };
    let list = list.lines().next().unwrap_or(list);
    let list = list.split(" at line ").next().unwrap_or(list);
    let list = list
        .trim_start_matches("one of ")
        .trim_start_matches("either ");
    list.split([',', '`'])
        .flat_map(|piece| piece.split(" or "))
        .map(|s| s.trim().trim_start_matches("or ").trim())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Turns the YAML library's wording into plain words and a hint.
fn explain(message: &str, known_keys: &[&str]) -> (String, Option<String>) {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let key = rest.split('`').next().unwrap_or(rest);
        let hint = did_you_mean(
            key,
            known_keys.iter().copied(),
            &format!("the settings allowed here are: {}", known_keys.join(", ")),
        );
        return (
            format!("`{key}` is not a setting Handbook knows"),
            Some(hint),
        );
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            format!("the required setting `{key}` is missing"),
            Some(format!("add a line `{key}: …`")),
        );
    }
    if let Some(rest) = message.split("unknown variant `").nth(1) {
        let value = rest.split('`').next().unwrap_or(rest);
        let allowed = allowed_values(message);
        let list = format!("use one of: {}", allowed.join(", "));
        let hint = match crate::support::diagnostic::closest(value, allowed.iter().copied()).first()
        {
            _ if allowed.is_empty() => "check the spelling".to_string(),
            Some(near) => format!("did you mean `{near}`? ({list})"),
            None => list,
        };
        return (
            format!("`{value}` is not an allowed value here"),
            Some(hint),
        );
    }
    if let Some(rest) = message.split(DATE_ERROR).nth(1) {
        return explain_date(rest);
    }
    let lower = message.to_lowercase();
    if (lower.contains("year")
        || lower.contains("month")
        || lower.contains("day")
        || lower.contains("date"))
        && (lower.contains("parse") || lower.contains("invalid"))
    {
        return (
            "this is not a date Handbook can read".to_string(),
            Some("write dates as YYYY-MM-DD, such as 2026-11-24".to_string()),
        );
    }
    if message.contains("invalid boolean") || message.contains("expected a boolean") {
        let what = "this setting is on or off: its value is `true` or `false`";
        let hint = "write `true` to turn it on or `false` to turn it off, without quotes";
        return (what.to_string(), Some(hint.to_string()));
    }
    if message.contains("budget") || message.contains("limit") {
        return (
            format!("this YAML is too large or too deeply nested to read safely ({message})"),
            Some("remove repeated aliases (`*name`) and deep nesting".to_string()),
        );
    }
    let hint = if message.contains("invalid type") {
        Some(
            "check the value's form: text, a number, a list (`- item`) or a date (YYYY-MM-DD)"
                .to_string(),
        )
    } else {
        Some("check the indentation and that each setting is written `name: value`".to_string())
    };
    (format!("this YAML cannot be read: {message}"), hint)
}

/// The plain words for a date that is not one: `WHY|TEXT` from [`date`].
fn explain_date(detail: &str) -> (String, Option<String>) {
    let (why, text) = detail.split_once('|').unwrap_or((detail, ""));
    let text = text.trim();
    match why {
        "time" => (
            "a date here is a date only, written YYYY-MM-DD, with no time or time zone".to_string(),
            Some(format!(
                "write `{}`",
                text.chars().take(10).collect::<String>()
            )),
        ),
        "calendar" => (
            format!("`{text}` is not a day of the calendar"),
            Some("check the month (01 to 12) and the day of the month".to_string()),
        ),
        _ => {
            let padded: Vec<String> = text
                .split('-')
                .enumerate()
                .map(|(i, part)| match i {
                    1 | 2 if part.len() == 1 => format!("0{part}"),
                    _ => part.to_string(),
                })
                .collect();
            let example = padded.join("-");
            let hint = if date_only(&example).is_ok() {
                format!("write dates as YYYY-MM-DD, with two digits for the month and the day: `{example}`")
            } else {
                "write dates as YYYY-MM-DD, such as 2026-11-24".to_string()
            };
            (
                format!("`{text}` is not a date written YYYY-MM-DD"),
                Some(hint),
            )
        }
    }
}

/// A date as front matter and settings take it: `YYYY-MM-DD` only (the
/// reader's rule, [`date`]), for the JSON Schemas editors use.
pub struct DateText;

impl schemars::JsonSchema for DateText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A date, written YYYY-MM-DD, such as 2026-11-24; no time.",
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        })
    }
}

/// Finds the byte range of `key:` inside a YAML block, for pointing at a setting.
pub fn find_key(file: &SourceFile, yaml: (usize, usize), key: &str) -> (usize, usize) {
    find_line(file, yaml, key, false)
}

/// Finds the byte range of the first line inside `yaml` that sets `key:` at
/// any indentation, for pointing at a setting nested in another (an urgent
/// box's `section:`); the start of `yaml` when there is none.
pub fn find_nested_key(file: &SourceFile, yaml: (usize, usize), key: &str) -> (usize, usize) {
    find_line(file, yaml, key, true)
}

fn find_line(file: &SourceFile, yaml: (usize, usize), key: &str, nested: bool) -> (usize, usize) {
    let block = &file.text[yaml.0..yaml.1];
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        let indent = if nested {
            line.len() - line.trim_start().len()
        } else {
            0
        };
        let rest = &line[indent..];
        if rest.starts_with(key) && rest[key.len()..].trim_start().starts_with(':') {
            return (
                yaml.0 + offset + indent,
                yaml.0 + offset + line.trim_end().len(),
            );
        }
        offset += line.len();
    }
    (yaml.0, yaml.0)
}

#[cfg(test)]
mod tests;
