//! Local terms: an authority's words for the model's words.
//!
//! Finds whole-word, case-sensitive uses of a model term in text, so that an
//! authority's edition can show its own term where the model's text uses the
//! model's (`terms: { "Personal Budget": "Individual Budget" }`). Only model
//! text is ever changed; deciding which text is model text is the caller's job.

/// Every whole-word use of `term` in `text`, as byte ranges, in order:
/// the one term finder of Handbook. A use is whole when no letter, digit or
/// `_` touches it; with `plural`, a following `s` belongs to it. Between
/// its words, a term matches any run of white space (spaces, tabs, line
/// breaks), as the text reads however its source is wrapped ("Individual⏎
/// Budget" is "Individual Budget"). Matching is exact otherwise: to ignore
/// case, pass both in ASCII lowercase (which keeps every byte offset).
pub fn whole_words<'t>(
    text: &'t str,
    term: &'t str,
    plural: bool,
) -> impl Iterator<Item = (usize, usize)> + 't {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut words = term.split_whitespace();
    let first = words.next().unwrap_or_default();
    let rest: Vec<&str> = words.collect();
    text.match_indices(first)
        .filter(move |_| !first.is_empty())
        .filter_map(move |(at, _)| {
            let mut end = at + first.len();
            for word in &rest {
                let after = &text[end..];
                let gap = after.len() - after.trim_start().len();
                if gap == 0 || !after[gap..].starts_with(word) {
                    return None;
                }
                end += gap + word.len();
            }
            if plural && text[end..].starts_with('s') && !is_word(text[end + 1..].chars().next()) {
                end += 1;
            }
            let whole =
                !is_word(text[..at].chars().next_back()) && !is_word(text[end..].chars().next());
            whole.then_some((at, end))
        })
}

/// Where each whole-word, case-sensitive use of `term` in `text` starts.
pub fn find_whole_words(text: &str, term: &str) -> Vec<usize> {
    whole_words(text, term, false).map(|(at, _)| at).collect()
}

/// The first whole-word, case-insensitive use of `term` in `text` (a plural
/// `s` included), as a byte range.
pub fn find_term(text: &str, term: &str) -> Option<(usize, usize)> {
    find_lowercase_term(&text.to_ascii_lowercase(), &term.to_ascii_lowercase())
}

/// [`find_term`] in text and a term already in ASCII lowercase, for
/// searching one text for many terms.
pub fn find_lowercase_term(lower: &str, wanted: &str) -> Option<(usize, usize)> {
    whole_words(lower, wanted, true).next()
}

/// A piece of text after local terms are applied.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text as it was.
    Plain(&'a str),
    /// A model term shown as the local term.
    Term {
        /// The model's word.
        model: &'a str,
        /// The authority's word.
        local: &'a str,
    },
}

/// Splits `text` into plain pieces and replaced terms. Longer terms win
/// where terms overlap.
pub fn apply<'a>(text: &'a str, terms: &'a [(String, String)]) -> Vec<Piece<'a>> {
    let mut hits: Vec<(usize, usize, usize)> = Vec::new();
    for (i, (model, _)) in terms.iter().enumerate() {
        for (at, end) in whole_words(text, model, false) {
            hits.push((at, end, i));
        }
    }
    hits.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut pieces = Vec::new();
    let mut cursor = 0;
    for (start, end, i) in hits {
        if start < cursor {
            continue;
        }
        if start > cursor {
            pieces.push(Piece::Plain(&text[cursor..start]));
        }
        pieces.push(Piece::Term {
            model: &terms[i].0,
            local: &terms[i].1,
        });
        cursor = end;
    }
    if cursor < text.len() {
        pieces.push(Piece::Plain(&text[cursor..]));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_words_match() {
        assert_eq!(
            find_whole_words("a Personal Budget; Personal Budgets", "Personal Budget"),
            vec![2]
        );
    }

    #[test]
    fn a_term_matches_across_any_run_of_white_space() {
        let text = "an Individual\nBudget, Individual \t\r\n Budgets, Individual-Budget, Individual\u{a0}Budget";
        let found: Vec<&str> = whole_words(text, "Individual Budget", true)
            .map(|(at, end)| &text[at..end])
            .collect();
        assert_eq!(
            found,
            [
                "Individual\nBudget",
                "Individual \t\r\n Budgets",
                "Individual\u{a0}Budget"
            ]
        );
        let terms = vec![(
            "Individual Budget".to_string(),
            "Personal Budget".to_string(),
        )];
        assert_eq!(
            apply("my Individual\n  Budget.", &terms),
            [
                Piece::Plain("my "),
                Piece::Term {
                    model: "Individual Budget",
                    local: "Personal Budget"
                },
                Piece::Plain(".")
            ]
        );
    }

    #[test]
    fn longer_terms_win() {
        let terms = vec![
            ("Budget".to_string(), "B".to_string()),
            ("Personal Budget".to_string(), "PB".to_string()),
        ];
        let pieces = apply("my Personal Budget", &terms);
        assert_eq!(
            pieces[1],
            Piece::Term {
                model: "Personal Budget",
                local: "PB"
            }
        );
    }
}
