//! Sections: the headings of a linked text, the ids they get (the written
//! `{#id}`, or a slug of the text, made unique on the page) and the names
//! they show (local terms applied to model text, a `[[id]]` shown as the
//! title it links to), which sections define the model's terms, and the
//! outline's problems (a second `h1`, a level skipped).
//!
//! It reads headings only: it resolves no reference (it is handed the
//! resolved links and a way to read titles) and changes no text.

use std::collections::HashMap;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::text::LinkedText;
use super::Resolved;
use crate::support::diagnostic::Diagnostic;
use crate::support::fingerprint::Fingerprint;
use crate::text::markdown;

/// A heading of a linked page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SectionRef {
    /// Its id on the page.
    pub id: String,
    /// Its text.
    pub title: String,
    /// 2 for `##`, 3 for `###`, …
    pub level: u8,
    /// The language of its words, when not its site's: a heading not yet
    /// translated on a page of a site in another language (`"en"`), so
    /// that wherever its name is shown ("On this page", the A to Z, a
    /// cross-reference) it is marked as in that language.
    pub lang: Option<&'static str>,
}

/// The headings of joined Markdown with the ids they get: the written
/// `{#id}`, or a slug of the text, made unique on the page.
pub fn headings_of(markdown_text: &str) -> Vec<SectionRef> {
    let mut seen = std::collections::HashSet::new();
    markdown::headings(markdown_text)
        .into_iter()
        .map(|h| {
            let base = h
                .explicit_id
                .clone()
                .unwrap_or_else(|| markdown::slug(&h.text));
            let mut id = base.clone();
            let mut n = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            SectionRef {
                id,
                // A heading's `&#16;`: SafetyCheck warns where it is written.
                title: crate::support::characters::publishable(h.text.trim()).into_owned(),
                level: h.level,
                lang: None,
            }
        })
        .collect()
}

/// Names each section as its heading reads on the page: local terms
/// applied to model text, and a `[[id]]` shown as the title of what it links
/// to (`title_of(page, section)`), so that "On this page", cross-references,
/// the A to Z and the print contents use the name the heading shows.
pub(super) fn name_sections(
    text: &LinkedText,
    sections: &mut [SectionRef],
    terms: &[(String, String)],
    links: &HashMap<String, Resolved>,
    title_of: &dyn Fn(&str, Option<&str>) -> Option<String>,
) {
    let mut names: Vec<String> = Vec::with_capacity(sections.len());
    let mut current: Option<String> = None;
    // Model text read since the heading's last other part: terms are
    // found in the whole run, so a term wrapped across the lines of an
    // underlined heading reads as one.
    let mut model_text = String::new();
    let with_terms = |name: &mut String, model_text: &mut String| {
        for piece in crate::text::terms::apply(model_text, terms) {
            name.push_str(match piece {
                crate::text::terms::Piece::Plain(p) => p,
                crate::text::terms::Piece::Term { local, .. } => local,
            });
        }
        model_text.clear();
    };
    // Inside a link whose text is replaced by a title.
    let mut replaced = false;
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let event = markdown::as_written(event);
        if let Some(name) = current.as_mut() {
            let held = matches!(event, Event::Text(_) | Event::SoftBreak | Event::HardBreak);
            if !held || text.is_local(range.start) {
                with_terms(name, &mut model_text);
            }
        }
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => names.extend(current.take()),
            _ if current.is_none() => {}
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole: false },
                dest_url,
                ..
            }) => {
                let title = match links.get(dest_url.as_ref()) {
                    Some(Resolved::Page { page, section }) => title_of(page, section.as_deref()),
                    _ => None,
                };
                if let (Some(title), Some(name)) = (title, current.as_mut()) {
                    name.push_str(&title);
                    replaced = true;
                }
            }
            Event::End(TagEnd::Link) => replaced = false,
            Event::Text(_) | Event::Code(_) if replaced => {}
            Event::Text(t) if text.is_local(range.start) => {
                current.get_or_insert_with(String::new).push_str(&t);
            }
            Event::Text(t) => model_text.push_str(&t),
            Event::Code(t) => current.get_or_insert_with(String::new).push_str(&t),
            Event::SoftBreak | Event::HardBreak => model_text.push(' '),
            _ => {}
        }
    }
    if names.len() != sections.len() {
        return;
    }
    for (section, name) in sections.iter_mut().zip(names) {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        section.title = crate::support::characters::publishable(&name).into_owned();
    }
}

/// Marks each section whose heading is not in its site's language with the
/// language it is in: `foreign` tells it of the file each heading's words
/// come from (see `overlay::foreign_in`).
pub(super) fn mark_languages(
    text: &LinkedText,
    sections: &mut [SectionRef],
    foreign: &dyn Fn(&crate::support::diagnostic::SourceFile) -> Option<&'static str>,
) {
    let headings = markdown::headings(&text.markdown);
    if headings.len() != sections.len() {
        return;
    }
    for (section, heading) in sections.iter_mut().zip(headings) {
        section.lang = text
            .origin(heading.range.0)
            .and_then(|(file, _)| foreign(file));
    }
}

/// Marks the sections that define the model's terms (a page's `glossary:`)
/// as kept as written: a local term never changes what a definition says.
pub(super) fn keep_definitions(
    text: &mut LinkedText,
    glossary: &[crate::model::page::GlossaryEntry],
) {
    let headings = markdown::headings(&text.markdown);
    let sections = headings_of(&text.markdown);
    for (i, section) in sections.iter().enumerate() {
        if !glossary.iter().any(|g| g.section == section.id) {
            continue;
        }
        let start = headings[i].range.0;
        let end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= headings[i].level)
            .map_or(text.markdown.len(), |h| h.range.0);
        text.definitions.push((start, end));
    }
}

/// Reports headings that break a page's outline, as the HTML Standard's
/// headings and WCAG 2.2 (1.3.1, Info and Relationships) read it: a `#`
/// heading, which would be a second `h1` beside the page's title, and a
/// heading more than one level below the one before it (`##` then `####`),
/// which leaves a screen reader's list of headings with a gap.
pub(super) fn check_outline(text: &LinkedText, problems: &mut Vec<Diagnostic>) {
    let mut above = 1;
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        let level = markdown::level_number(level);
        let line_end = text.markdown[range.start..]
            .find('\n')
            .map_or(range.end, |e| range.start + e);
        let place = (range.start, line_end.max(range.start + 1));
        if level == 1 {
            problems.push(text.locate(
                Diagnostic::error(
                    "heading-level",
                    "this `#` heading would be a second main heading (h1) on the page: its title is the only one",
                )
                .hint("start the page's own headings at `##`, and go one level down at a time (`###` under `##`)"),
                place,
            ));
        } else if level > above + 1 {
            problems.push(text.locate(
                Diagnostic::error(
                    "heading-level",
                    format!("this heading is level {level} under a heading of level {above}, so the page's outline skips a level"),
                )
                .hint(format!("make it level {} (`{}`), or add the heading it belongs under", above + 1, "#".repeat(usize::from(above) + 1))),
                place,
            ));
        }
        above = level.max(2);
    }
}

/// See [`super::LinkedPage::outline`].
pub(super) fn outline_fingerprint(id: &str, title: &str, sections: &[SectionRef]) -> [u8; 16] {
    let mut f = Fingerprint::default();
    f.text(id).text(title).number(sections.len() as u64);
    for s in sections {
        f.text(&s.id).text(&s.title).number(u64::from(s.level));
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::diagnostic::SourceFile;

    /// Each section's id, level and title.
    fn shown(sections: &[SectionRef]) -> Vec<(&str, u8, &str)> {
        sections
            .iter()
            .map(|s| (s.id.as_str(), s.level, s.title.as_str()))
            .collect()
    }

    #[test]
    fn headings_get_their_written_id_or_a_slug_made_unique_on_the_page() {
        let body = "Intro.\n\n## Your plan\n\n### Money {#money}\n\n## Your plan\n";
        assert_eq!(
            shown(&headings_of(body)),
            [
                ("your-plan", 2, "Your plan"),
                ("money", 3, "Money"),
                ("your-plan-2", 2, "Your plan"),
            ]
        );
    }

    #[test]
    fn a_second_main_heading_and_a_skipped_level_are_reported_at_their_lines() {
        let file = SourceFile::new(
            "content/step-1.md",
            "Intro.\n\n# Big\n\n## Two\n\n#### Four\n",
        );
        let mut problems = Vec::new();
        check_outline(&LinkedText::whole(&file), &mut problems);
        let places: Vec<_> = problems.iter().map(|d| (d.code, d.line_col())).collect();
        assert_eq!(
            places,
            [
                ("heading-level", Some((3, 1))),
                ("heading-level", Some((7, 1)))
            ]
        );
        assert!(problems[0].message.contains("second main heading"));
        assert_eq!(
            problems[1].hint.as_deref(),
            Some("make it level 3 (`###`), or add the heading it belongs under")
        );
    }

    #[test]
    fn a_heading_shows_the_title_its_reference_links_to_and_the_local_terms() {
        let file = SourceFile::new(
            "content/step-1.md",
            "## See [[step-2]]\n\n## Your personal budget\n\n## Go [[step-2|back]]\n",
        );
        let text = LinkedText::whole(&file);
        let mut sections = headings_of(&text.markdown);
        let links = HashMap::from([(
            "step-2".to_string(),
            Resolved::Page {
                page: "step-2".into(),
                section: None,
            },
        )]);
        let terms = [(
            "personal budget".to_string(),
            "individual budget".to_string(),
        )];
        let title_of = |page: &str, section: Option<&str>| {
            (page == "step-2" && section.is_none()).then(|| "Step two: the plan".to_string())
        };
        name_sections(&text, &mut sections, &terms, &links, &title_of);
        let titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "See Step two: the plan",
                "Your individual budget",
                "Go back"
            ]
        );
        assert_eq!(
            sections[0].id, "see-step-2",
            "the id is the heading as written"
        );
    }

    #[test]
    fn a_definition_runs_from_its_heading_to_the_next_at_its_level() {
        let body = "## Terms\n\n### Budget {#budget}\n\nMoney.\n\n#### More\n\nDetail.\n\n### Plan\n\nHow.\n";
        let file = SourceFile::new("content/terms.md", body);
        let mut text = LinkedText::whole(&file);
        let glossary = [crate::model::page::GlossaryEntry {
            term: "Budget".into(),
            section: "budget".into(),
        }];
        keep_definitions(&mut text, &glossary);
        let [(start, end)] = text.definitions[..] else {
            panic!("one definition: {:?}", text.definitions);
        };
        assert_eq!(
            &body[start..end],
            "### Budget {#budget}\n\nMoney.\n\n#### More\n\nDetail.\n\n"
        );
        assert!(
            text.is_local(body.find("Detail").unwrap()),
            "kept as written"
        );
        assert!(!text.is_local(body.find("How").unwrap()));
    }
}
