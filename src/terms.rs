//! Local terms: an authority's words for the model's words.
//!
//! Finds whole-word, case-sensitive uses of a model term in text, so that an
//! authority's edition can show its own term where the model's text uses the
//! model's (`terms: { "Personal Budget": "Individual Budget" }`). Only model
//! text is ever changed; deciding which text is model text is the caller's job.

/// Byte offsets of whole-word uses of `term` in `text`.
pub fn find_whole_words(text: &str, term: &str) -> Vec<usize> {
    if term.is_empty() {
        return Vec::new();
    }
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(term)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + term.len()..].chars().next();
            !is_word(before) && !is_word(after)
        })
        .map(|(at, _)| at)
        .collect()
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
        for at in find_whole_words(text, model) {
            hits.push((at, at + model.len(), i));
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
