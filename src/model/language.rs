//! Leaf: the languages an edition can be published in ([`Lang`]), and the
//! words of the theme in each ([`Strings`]), read from strings files.
//!
//! A strings file (`themes/default/strings/<lang>.yaml`, and an authority's
//! `local-overrides/<slug>/strings/<lang>.yaml`) is flat YAML: one key per
//! line, each with the text readers see. Every language's file must have
//! every key of the English one (a missing key is an error naming the file
//! and the key); an authority's file may override any key and no other (an
//! unknown key is an error at its line). A text may hold placeholders in
//! braces (`{council}`), filled in by [`Strings::fill`]; `{council:soft}`
//! and `{name:soft}` ask for the authority's name as Welsh grammar changes
//! it (see [`Strings::with_name_forms`]).
//!
//! This module reads no folder (the theme does) and renders nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::support::diagnostic::{did_you_mean, Diagnostic, SourceFile};

/// A language Handbook publishes in. Issue 17: English and Welsh.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the language of the model guidance.
    En,
    /// Welsh (Cymraeg).
    Cy,
}

impl Lang {
    /// Every language Handbook knows, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Cy];

    /// The language's code (ISO 639-1), as in file names and `hreflang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    /// The language by its code; `None` for a language Handbook does not know.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The value of `lang` on a page's `<html>`: `en-GB` (as Handbook has
    /// always written it) or `cy`.
    pub fn html(self) -> &'static str {
        match self {
            Lang::En => "en-GB",
            Lang::Cy => "cy",
        }
    }

    /// The language's name in itself, as the language switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Cy => "Cymraeg",
        }
    }

    /// The language's name in English, for messages.
    pub fn english_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Cy => "Welsh",
        }
    }

    /// The codes of every known language, for hints: "`en`, `cy`".
    pub fn known() -> String {
        Self::ALL
            .iter()
            .map(|l| format!("`{}`", l.code()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The theme's words in one language, by key.
#[derive(Debug, Clone)]
pub struct Strings {
    /// The language.
    pub lang: Lang,
    words: BTreeMap<String, String>,
    /// The files the words were read from (the theme's, then the authority's).
    files: Vec<Arc<SourceFile>>,
}

/// The forms of an authority's name a strings text may ask for
/// (`{name:soft}`): Welsh initial mutations.
pub const NAME_FORMS: [&str; 3] = ["soft", "nasal", "aspirate"];

/// The placeholders that stand for the authority's name (`{runner}` is the
/// accessibility statement's, which is the name in an authority's edition).
const NAME_PLACEHOLDERS: [&str; 3] = ["name", "council", "runner"];

/// The keys of the month names, January first.
const MONTHS: [&str; 12] = [
    "month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7", "month_8",
    "month_9", "month_10", "month_11", "month_12",
];

impl Strings {
    /// Reads a language's strings file. With `english` (the English
    /// strings), every key of it must be there: each missing key is an
    /// error naming the file and the key, and the English text stands in
    /// for it. A key English lacks is an error at its line.
    pub fn parse(
        lang: Lang,
        file: &Arc<SourceFile>,
        english: Option<&Strings>,
        problems: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut words = read_words(file, english, problems);
        if let Some(english) = english {
            for (key, text) in &english.words {
                if !words.contains_key(key) {
                    problems.push(
                        Diagnostic::error(
                            "missing-string",
                            format!(
                                "the strings file has no `{key}`, which pages in {} need",
                                lang.english_name()
                            ),
                        )
                        .in_file(file)
                        .hint(format!(
                            "add `{key}: …` with the {} for “{text}”",
                            lang.english_name()
                        )),
                    );
                    words.insert(key.clone(), text.clone());
                }
            }
        }
        Self {
            lang,
            words,
            files: vec![Arc::clone(file)],
        }
    }

    /// These strings with an authority's own for some keys, read from its
    /// strings file; a key these strings lack is an error at its line.
    pub fn with_own(&self, file: &Arc<SourceFile>, problems: &mut Vec<Diagnostic>) -> Self {
        let mut strings = self.clone();
        strings.words.extend(read_words(file, Some(self), problems));
        strings.files.push(Arc::clone(file));
        strings
    }

    /// The text of `key`; the key itself where there is none (a template
    /// asking for a key no file has gets a template error instead).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.words.get(key).map_or(key, String::as_str)
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// These strings with an authority's name in the forms the language's
    /// grammar needs: `{name:soft}`, `{council:soft}` and `{runner:soft}`
    /// (and `:nasal`, `:aspirate`) become the form given in `forms` (as `(form, text)`);
    /// a form not given becomes `{name}` or `{council}`, which
    /// [`Strings::fill`] fills with the name as it is.
    pub fn with_name_forms(&self, forms: &[(&str, &str)]) -> Self {
        let mut strings = self.clone();
        for (key, text) in &mut strings.words {
            if !text.contains(':') {
                continue;
            }
            for placeholder in NAME_PLACEHOLDERS {
                for form in NAME_FORMS {
                    let asked = format!("{{{placeholder}:{form}}}");
                    if !text.contains(&asked) {
                        continue;
                    }
                    let value = match forms.iter().find(|(f, _)| *f == form) {
                        Some((_, given)) if key.ends_with("_html") => html_text(given),
                        Some((_, given)) => (*given).to_string(),
                        None => format!("{{{placeholder}}}"),
                    };
                    *text = text.replace(&asked, &value);
                }
            }
        }
        strings
    }

    /// A date as readers of this language see it: `8 October 2009`,
    /// `8 Hydref 2009`.
    pub fn long_date(&self, date: Date) -> String {
        let month = MONTHS[usize::from(date.month().unsigned_abs()) - 1];
        format!("{} {} {}", date.day(), self.get(month), date.year())
    }

    /// The text of `key` as HTML text: `&`, `<`, `>` and `"` escaped (an
    /// apostrophe stays as written, as in the theme's templates).
    pub fn html(&self, key: &str) -> String {
        html_text(self.get(key))
    }

    /// The files the words were read from, for pointing at a word's line.
    pub fn files(&self) -> &[Arc<SourceFile>] {
        &self.files
    }

    /// Every key and its text, sorted by key.
    pub fn words(&self) -> impl Iterator<Item = (&str, &str)> {
        self.words.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// `text` as HTML text: `&`, `<`, `>` and `"` escaped; an apostrophe
/// stays as written, as it does in the theme's templates.
pub fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The keys and texts of a strings file. With `known`, a key it lacks is
/// an error at its line (and left out).
fn read_words(
    file: &Arc<SourceFile>,
    known: Option<&Strings>,
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let keys: Vec<&str> = known
        .map(|s| s.words.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let words: BTreeMap<String, String> =
        match crate::text::frontmatter::parse_file::<Option<BTreeMap<String, String>>>(file, &keys)
        {
            Ok(words) => words.unwrap_or_default(),
            Err(d) => {
                problems.push(d);
                return BTreeMap::new();
            }
        };
    let Some(known) = known else {
        return words;
    };
    words
        .into_iter()
        .filter(|(key, _)| {
            let found = known.words.contains_key(key);
            if !found {
                let at = crate::text::frontmatter::find_key(file, (0, file.text.len()), key);
                problems.push(
                    Diagnostic::error(
                        "unknown-string",
                        format!("`{key}` is not a key of the theme's strings"),
                    )
                    .at(file, at.0, at.1)
                    .hint(did_you_mean(
                        key,
                        known.words.keys().map(String::as_str),
                        "the keys are those of themes/default/strings/en.yaml",
                    )),
                );
            }
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> Arc<SourceFile> {
        SourceFile::new(path.to_string(), text.to_string())
    }

    fn english() -> Strings {
        let mut problems = Vec::new();
        let text = (1..=12)
            .map(|m| format!("month_{m}: M{m}\n"))
            .collect::<String>()
            + "credit: \"Adapted by {council}.\"\nsearch: Search\n";
        let strings = Strings::parse(Lang::En, &file("en.yaml", &text), None, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        strings
    }

    #[test]
    fn languages_are_known_by_their_codes() {
        assert_eq!(Lang::from_code("cy"), Some(Lang::Cy));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::En.html(), "en-GB");
        assert_eq!(Lang::known(), "`en`, `cy`");
    }

    #[test]
    fn a_missing_key_is_an_error_naming_the_file_and_the_key() {
        let en = english();
        let mut problems = Vec::new();
        let cy = Strings::parse(
            Lang::Cy,
            &file("strings/cy.yaml", "search: Chwilio\n"),
            Some(&en),
            &mut problems,
        );
        assert_eq!(cy.get("search"), "Chwilio");
        let missing: Vec<&Diagnostic> = problems
            .iter()
            .filter(|d| d.code == "missing-string")
            .collect();
        assert_eq!(missing.len(), 13, "{problems:?}");
        assert!(missing.iter().any(|d| d.message.contains("`credit`")));
        assert_eq!(missing[0].file_path(), Some("strings/cy.yaml"));
    }

    #[test]
    fn an_authority_may_override_known_keys_only() {
        let en = english();
        let mut problems = Vec::new();
        let own = en.with_own(
            &file("strings/en.yaml", "search: Find\nserch: Find\n"),
            &mut problems,
        );
        assert_eq!(own.get("search"), "Find");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "unknown-string");
        assert_eq!(problems[0].line_col(), Some((2, 1)));
        assert!(problems[0].hint.as_deref().unwrap_or("").contains("search"));
    }

    #[test]
    fn texts_are_filled_and_dates_written_in_the_language() {
        let en = english();
        assert_eq!(
            en.fill("credit", &[("council", "Cwm Derwen")]),
            "Adapted by Cwm Derwen."
        );
        assert_eq!(en.long_date(Date::constant(2009, 10, 8)), "8 M10 2009");
    }

    #[test]
    fn the_name_takes_the_form_a_text_asks_for() {
        let en = english();
        let mut problems = Vec::new();
        let cy = Strings::parse(
            Lang::Cy,
            &file(
                "cy.yaml",
                "credit: \"Wedi'i addasu gan {council:soft}.\"\nsearch: \"Yng {name:nasal} a {name:aspirate}\"\n",
            ),
            Some(&en),
            &mut problems,
        );
        let name = "Cyngor Cwm Derwen";
        let forms = cy.with_name_forms(&[
            ("soft", "Gyngor Cwm Derwen"),
            ("nasal", "Nghyngor Cwm Derwen"),
        ]);
        assert_eq!(
            forms.fill("credit", &[("council", name)]),
            "Wedi'i addasu gan Gyngor Cwm Derwen."
        );
        assert_eq!(
            forms.fill("search", &[("name", name)]),
            "Yng Nghyngor Cwm Derwen a Cyngor Cwm Derwen",
            "a form not given is the name as it is"
        );
        assert_eq!(
            cy.with_name_forms(&[]).fill("credit", &[("council", name)]),
            "Wedi'i addasu gan Cyngor Cwm Derwen."
        );
    }
}
