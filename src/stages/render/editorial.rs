//! Marking, for readers, what the editors of the handbook added to In
//! Control's text when they transcribed it (the markings are described in
//! `crate::stages::analyses::editorial_marks`). The marks are real words, so screen readers announce
//! them and print keeps them; the styling is only an aid:
//!
//! - a heading `{.editorial}` ends with "(heading added by the editors)",
//!   read out but not shown, so it does not break the text (the credits
//!   page lists every such heading);
//! - a passage `<div class="editorial">` starts with "Added by the editors
//!   (not In Control's text):";
//! - a note `<span class="editorial">` stands in square brackets, the
//!   editors' usual sign, after a hidden "Editors' note:".
//!
//! It works on HTML the sanitiser has already cleaned (which keeps the
//! `editorial` class only on those elements), and adds only fixed words.

/// `html` with its editorial markings dressed in words, in the words of
/// `strings` (`editorial_heading_mark` after a heading,
/// `editorial_passage_mark` before a passage, `editorial_note` before a note).
pub(super) fn dress(html: String, strings: &crate::model::language::Strings) -> String {
    if !html.contains(" class=\"editorial\"") {
        return html;
    }
    let heading_mark = strings.html("editorial_heading_mark");
    let passage_mark = strings.html("editorial_passage_mark");
    let note = strings.html("editorial_note");
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html.as_str();
    while let Some(at) = rest.find(" class=\"editorial\"") {
        let tag_start = rest[..at].rfind('<').unwrap_or(at);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let name: String = rest[tag_start + 1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        out.push_str(&rest[..tag_end]);
        rest = &rest[tag_end..];
        match name.as_str() {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let close = format!("</{name}>");
                let end = rest.find(&close).unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                out.push_str(&format!(
                    " <span class=\"editorial__mark visually-hidden\" data-pagefind-ignore>{heading_mark}</span>"
                ));
                rest = &rest[end..];
            }
            "div" => out.push_str(&format!(
                "<p class=\"editorial__mark\" data-pagefind-ignore>{passage_mark}</p>\n"
            )),
            "span" => {
                let end = matching_close(rest);
                out.push_str(&format!("[<span class=\"visually-hidden\">{note} </span>"));
                out.push_str(&rest[..end]);
                out.push(']');
                rest = &rest[end..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

/// Where the `</span>` closing a span whose content starts `html` is.
fn matching_close(html: &str) -> usize {
    let mut depth = 0usize;
    let mut at = 0;
    loop {
        let open = html[at..].find("<span").map(|i| at + i);
        let Some(close) = html[at..].find("</span>").map(|i| at + i) else {
            return html.len();
        };
        match open {
            Some(open) if open < close => {
                depth += 1;
                at = open + "<span".len();
            }
            _ if depth == 0 => return close,
            _ => {
                depth -= 1;
                at = close + "</span>".len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_marking_is_dressed_in_words() {
        let html = "<h3 id=\"sources-of-help\" class=\"editorial\">Sources of help</h3>\n\
                    <div class=\"editorial\">\n<p>Start here.</p>\n</div>\n\
                    <p>www.example.org <span class=\"editorial\">a <span class=\"local-term\">2009</span> address</span>.</p>\n";
        let english = crate::model::theme::built_in_strings(crate::model::language::Lang::En);
        let dressed = dress(html.to_string(), english);
        assert!(dressed.contains(
            "Sources of help <span class=\"editorial__mark visually-hidden\" data-pagefind-ignore>(heading added by the editors)</span></h3>"
        ));
        assert!(dressed.contains(
            "<div class=\"editorial\"><p class=\"editorial__mark\" data-pagefind-ignore>Added by the editors (not In Control's text):</p>\n\n<p>Start here.</p>"
        ));
        assert!(dressed.contains(
            "<span class=\"editorial\">[<span class=\"visually-hidden\">Editors' note: </span>a <span class=\"local-term\">2009</span> address]</span>."
        ));
    }

    #[test]
    fn html_without_markings_is_unchanged() {
        let html = "<h2 id=\"x\">X</h2><p>Text</p>".to_string();
        let english = crate::model::theme::built_in_strings(crate::model::language::Lang::En);
        assert_eq!(dress(html.clone(), english), html);
    }
}
