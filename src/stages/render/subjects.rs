//! The A to Z: a subject index, as a procedures manual has (issue 31), and
//! the search page's fallback without JavaScript.
//!
//! Its subjects are the pages themselves, the terms of the glossary (the
//! model's and the authority's local terms), each page's `keywords` and
//! the headings of its sections. A subject found in several places (a
//! heading every step has, such as "Sources of help", or a keyword several
//! pages give) is one entry that lists each place, so no subject is
//! repeated under a letter. The seven steps sort in step order, not by the
//! spelling of their numbers.
//!
//! It gathers values only; `_az.html` lays them out.

use std::collections::HashMap;

use serde::Serialize;

use super::context::nav_title;
use crate::stages::analyses::glossary::Term;
use crate::stages::link::LinkedEdition;
use crate::support::url::file_of;

/// One letter of the A to Z.
#[derive(Debug, Serialize)]
pub(super) struct AzLetter {
    letter: String,
    entries: Vec<AzEntry>,
}

/// One subject. With one place, its title is the link (and `within` names
/// the page a section is on); with more, it lists `places`.
#[derive(Debug, Serialize)]
struct AzEntry {
    title: String,
    href: String,
    within: Option<String>,
    /// The languages of the title and of `within`, when not the page's.
    lang: Option<&'static str>,
    within_lang: Option<&'static str>,
    places: Vec<AzPlace>,
    #[serde(skip)]
    key: String,
}

/// A place a subject is found: the page (or the glossary), linked.
#[derive(Debug, Clone, Serialize)]
struct AzPlace {
    title: String,
    href: String,
    lang: Option<&'static str>,
}

/// The subjects of an edition, grouped by first letter, each once.
/// `glossary` is the edition's glossary and `glossary_title` the
/// glossary page's title in the pages' language.
pub(super) fn a_to_z(
    linked: &LinkedEdition,
    glossary: &[Term],
    glossary_title: &str,
) -> Vec<AzLetter> {
    let mut index = Index::default();
    for p in &linked.pages {
        let title = nav_title(linked, p);
        let href = file_of(&linked.edition.home, p.page.id());
        let page = AzPlace {
            title: title.clone(),
            href: href.clone(),
            lang: linked.edition.foreign(&p.page.title_file),
        };
        let key = match p.page.meta.step {
            Some(step) => format!("{} {step:02}", first_word(&title)),
            None => sort_key(&title),
        };
        index.add(&title, key, page.clone(), None);
        for s in p.sections.iter().filter(|s| s.level <= 3) {
            let place = AzPlace {
                href: format!("{href}#{}", s.id),
                ..page.clone()
            };
            index.add(&s.title, sort_key(&s.title), place, s.lang);
        }
        for keyword in &p.page.meta.keywords {
            index.add(keyword, sort_key(keyword), page.clone(), None);
        }
    }
    for term in glossary {
        let place = AzPlace {
            title: glossary_title.to_string(),
            href: format!("glossary.html#{}", term.anchor),
            lang: None,
        };
        index.add(&term.term, sort_key(&term.term), place, None);
    }
    index.letters()
}

/// The subjects found so far, by their sort key.
#[derive(Default)]
struct Index {
    entries: Vec<AzEntry>,
    by_key: HashMap<String, usize>,
}

impl Index {
    /// Adds a place of subject `title`; `lang` is the title's language when
    /// not the page's.
    fn add(&mut self, title: &str, key: String, place: AzPlace, lang: Option<&'static str>) {
        if let Some(&at) = self.by_key.get(&key) {
            let entry = &mut self.entries[at];
            if !entry.places.iter().any(|p| p.href == place.href) {
                entry.places.push(place);
            }
            return;
        }
        self.by_key.insert(key.clone(), self.entries.len());
        self.entries.push(AzEntry {
            title: title.to_string(),
            href: String::new(),
            within: None,
            lang,
            within_lang: None,
            places: vec![place],
            key,
        });
    }

    /// The entries in order, grouped by letter; an entry with one place
    /// links its title there.
    fn letters(mut self) -> Vec<AzLetter> {
        // Each key is worked out once: there are tens of thousands of
        // entries at 10,000 pages.
        self.entries.sort_by(|a, b| a.key.cmp(&b.key));
        let mut letters: Vec<AzLetter> = Vec::new();
        for mut entry in self.entries {
            if entry.places.len() == 1 {
                let place = entry.places.pop().unwrap();
                if place.title != entry.title {
                    entry.within = Some(place.title);
                    entry.within_lang = place.lang;
                } else {
                    entry.lang = place.lang;
                }
                entry.href = place.href;
            }
            let letter = letter_of(&entry.key);
            match letters.last_mut() {
                Some(last) if last.letter == letter => last.entries.push(entry),
                _ => letters.push(AzLetter {
                    letter,
                    entries: vec![entry],
                }),
            }
        }
        letters
    }
}

/// How a subject sorts: lower case, without accents or punctuation, and
/// without a leading "The" ("The resource allocation panel" under R).
fn sort_key(title: &str) -> String {
    let plain: String = deunicode::deunicode(title)
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect();
    let key = plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    match key.strip_prefix("the ") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => key,
    }
}

/// The first word of a title, as it sorts ("step" of "Step Three: …").
fn first_word(title: &str) -> String {
    sort_key(title)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The letter a sort key is listed under.
fn letter_of(key: &str) -> String {
    match key.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase().to_string(),
        _ => "0–9".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_sort_without_case_accents_or_punctuation() {
        assert_eq!(
            sort_key("“Élan”, the  Carer's  view"),
            "elan the carers view"
        );
        assert_eq!(
            sort_key("The resource allocation panel"),
            "resource allocation panel"
        );
        assert_eq!(first_word("Step Three: Getting my plan agreed"), "step");
        assert_eq!(letter_of("step 03"), "S");
        assert_eq!(letter_of("2009 text"), "0–9");
    }
}
