//! References: the cross-references a linked text makes (`[[id]]`,
//! `[[id#section|text]]`, `[text](id)`) and the addresses and outside links
//! it writes, found in one walk of its Markdown (which also runs the
//! safety check and warns of table rows too long and footnotes two texts
//! share); then each reference resolved against the edition's pages and
//! their sections. A reference to an id the edition does not have is an
//! error at the file and line it was written on, with the closest ids
//! suggested; one to a page or section the edition removed links to what
//! is left.
//!
//! It changes no text, judges no address (that is `safety`'s) and keeps
//! nothing between links (that is `memo`'s).

use std::collections::HashMap;
use std::sync::Arc;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::safety::{unsafe_as_written, SafetyCheck};
use super::sections::{name_sections, outline_fingerprint, SectionRef};
use super::text::LinkedText;
use super::{LinkedPage, Resolved};
use crate::model::authority::Authority;
use crate::model::handbook::Model;
use crate::stages::overlay::Edition;
use crate::support::address::{Address as Written, Kind};
use crate::support::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Location, OutsideLink};
use crate::text::frontmatter::find_nested_key;
use crate::text::markdown;

/// A cross-reference found in text: its destination and where it is.
#[derive(Debug, Clone)]
pub(super) struct Reference {
    /// Its destination as written: `step-3`, `step-3#x`, `#x`.
    pub(super) dest: String,
    range: (usize, usize),
    /// `None` for the page body, `Some(i)` for the i-th example.
    example: Option<usize>,
    /// Whether it is a `[[id]]` in a heading, which names the heading.
    names_heading: bool,
}

impl Reference {
    fn text<'a>(&self, page: &'a LinkedPage) -> &'a LinkedText {
        text_of(page, self.example)
    }
}

/// The page's body (`None`) or one of its examples.
fn text_of<'a>(page: &'a LinkedPage, example: Option<usize>) -> &'a LinkedText {
    match example {
        Some(i) => &page.examples[i],
        None => &page.text,
    }
}

/// An address written in a page's text that stays an address in its HTML:
/// a Markdown link or image, or an `href` or `src` in raw HTML, that does
/// not go to another site.
#[derive(Debug, Clone)]
pub struct LocalAddress {
    /// The address as the parser read it.
    pub url: String,
    /// Whether it is an image's.
    pub image: bool,
    /// Whether this stage checks it itself, so the check of the rendered
    /// pages leaves it out: a Markdown link's cross-reference by id
    /// (`step-3`, `#x`; a link to an unknown id is already reported), or an
    /// address already reported as unsafe or unreadable.
    pub checked_here: bool,
    range: (usize, usize),
    /// `None` for the page body, `Some(i)` for the i-th example.
    example: Option<usize>,
}

impl LocalAddress {
    /// Where it is written: a byte range of its text.
    pub fn range(&self) -> (usize, usize) {
        self.range
    }

    /// Which text of its page it is written in: `None` for the page's
    /// body, `Some(i)` for the i-th example.
    pub fn example(&self) -> Option<usize> {
        self.example
    }

    /// Points `diagnostic` at where this address is written on `page`.
    pub fn locate(&self, page: &LinkedPage, diagnostic: Diagnostic) -> Diagnostic {
        text_of(page, self.example).locate(diagnostic, self.range)
    }
}

/// Whether a Markdown link destination names a handbook id (`step-3`,
/// `step-3#x`, `#x`) rather than a file or an outside address.
pub fn is_id_reference(dest: &str) -> bool {
    let (page, section) = dest.split_once('#').unwrap_or((dest, ""));
    (page.is_empty() || markdown::is_valid_id(page))
        && (section.is_empty() || !section.contains(['/', ':', ' ']))
        && !(page.is_empty() && section.is_empty())
}

/// What the walk of a page's texts finds, in the order it is written.
#[derive(Debug, Default)]
pub(super) struct Scanned {
    /// The cross-references.
    pub(super) references: Vec<Reference>,
    /// The addresses written (see [`LocalAddress`]).
    pub(super) addresses: Vec<LocalAddress>,
    /// The `http:` and `https:` addresses linked to, each with where it is written.
    pub(super) outside_links: Vec<OutsideLink>,
}

/// Walks a text (the page's body, or with `example` its i-th example),
/// adding its cross-references, addresses and outside links to `found`;
/// problems with what it would put in a reader's browser, and table rows
/// with more cells than their table, go to `problems`.
pub(super) fn scan(
    text: &LinkedText,
    example: Option<usize>,
    found: &mut Scanned,
    problems: &mut Vec<Diagnostic>,
) {
    let mut safety = SafetyCheck::default();
    let mut in_heading = false;
    let mut columns = 0;
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let range = (range.start, range.end);
        safety.see(text, &event, range, problems);
        match &event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::Table(alignments)) => columns = alignments.len(),
            Event::Start(Tag::TableRow) => check_row(text, range, columns, problems),
            _ => {}
        }
        found
            .addresses
            .extend(markdown_address(&event, range, example));
        let Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) = event
        else {
            continue;
        };
        if matches!(Written::read(&dest_url).scheme(), Some("http" | "https")) {
            found
                .outside_links
                .extend(outside_link(text, &dest_url, range));
            continue;
        }
        let reference = reference(link_type, &dest_url, range, example, in_heading);
        found.references.extend(reference);
    }
    found.addresses.extend(
        safety
            .addresses
            .into_iter()
            .map(|(url, range, image)| LocalAddress {
                // Written in HTML, it is published as written: never read as an id.
                checked_here: false,
                url,
                image,
                range,
                example,
            }),
    );
}

/// An outside link to `url`, with the file and span it is written at.
fn outside_link(text: &LinkedText, url: &str, range: (usize, usize)) -> Option<OutsideLink> {
    let (file, at) = text.origin(range.0)?;
    let span = Some((at, (at + (range.1 - range.0)).min(file.text.len())));
    let file = Arc::clone(file);
    Some((url.to_string(), Location { file, span }))
}

/// The cross-reference a link of `link_type` to `dest` makes, if it names
/// an id: any `[[…]]`, and an inline or reference link to an id.
fn reference(
    link_type: LinkType,
    dest: &str,
    range: (usize, usize),
    example: Option<usize>,
    in_heading: bool,
) -> Option<Reference> {
    let wiki = matches!(link_type, LinkType::WikiLink { .. });
    let by_id = matches!(
        link_type,
        LinkType::Inline | LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
    ) && is_id_reference(dest);
    (wiki || by_id).then(|| Reference {
        dest: dest.to_string(),
        range,
        example,
        names_heading: in_heading
            && example.is_none()
            && matches!(link_type, LinkType::WikiLink { has_pothole: false }),
    })
}

/// The address a Markdown link or image writes, unless it goes to
/// another site or nowhere.
fn markdown_address(
    event: &Event,
    range: (usize, usize),
    example: Option<usize>,
) -> Option<LocalAddress> {
    let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
        event
    else {
        return None;
    };
    let href = markdown::href(dest_url);
    let written = Written::read(&href);
    if matches!(
        written.kind,
        Kind::Outside(_) | Kind::OtherHost | Kind::Empty
    ) {
        return None;
    }
    let image = matches!(event, Event::Start(Tag::Image { .. }));
    let wiki = matches!(
        event,
        Event::Start(Tag::Link {
            link_type: LinkType::WikiLink { .. },
            ..
        })
    );
    // Only a link's address is read as a page's id (and made its file); an
    // address `address_problem` finds fault with is reported already (of
    // those left here, the unsafe and unpublishable ones).
    let by_id = !image && (wiki || is_id_reference(dest_url));
    let reported = !written.publishable() || unsafe_as_written(dest_url).is_some();
    Some(LocalAddress {
        url: dest_url.to_string(),
        image,
        checked_here: by_id || reported,
        range,
        example,
    })
}

/// Warns about a table row with more cells than its table has columns:
/// the parser drops the extra cells, and their text with them.
fn check_row(
    text: &LinkedText,
    range: (usize, usize),
    columns: usize,
    problems: &mut Vec<Diagnostic>,
) {
    let row = text.markdown[range.0..range.1].trim();
    let mut cells = 1;
    let mut in_code = false;
    let mut escaped = false;
    for c in row.trim_start_matches('|').chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '`' => in_code = !in_code,
            '|' if !escaped && !in_code => cells += 1,
            _ => {}
        }
        escaped = false;
    }
    if row.ends_with('|') && !row.ends_with("\\|") && row.len() > 1 {
        cells -= 1;
    }
    if cells > columns && columns > 0 {
        problems.push(text.locate(
            Diagnostic::warning(
                "table-row-too-long",
                format!("this table row has {cells} cells but the table has {columns} columns, so the text of the last {} is not shown", cells - columns),
            )
            .hint("write a `|` that is part of a cell's text as `\\|`, or add the column to the table's first two lines"),
            (range.0, range.0 + row.len().max(1)),
        ));
    }
}

/// Warns where a council's override on a model page defines a footnote
/// with a label the model's text on the page also defines: each keeps its
/// own note (the renderer gives the override's its own id), but readers
/// would see two notes with one number. A model reference whose note the
/// council's text took out is shown as written, with a warning.
pub(super) fn check_footnotes(text: &LinkedText, problems: &mut Vec<Diagnostic>) {
    let mut defined: Vec<(Option<usize>, String, (usize, usize))> = Vec::new();
    let mut model_references: Vec<(String, (usize, usize))> = Vec::new();
    for (event, range) in Parser::new_ext(&text.markdown, markdown::options()).into_offset_iter() {
        let scope = text.mark_at(range.start).map(|(i, _)| i);
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                defined.push((
                    scope,
                    label.to_string(),
                    (range.start, range.start + label.len() + 3),
                ));
            }
            Event::FootnoteReference(label) if scope.is_none() => {
                model_references.push((label.to_string(), (range.start, range.end)));
            }
            _ => {}
        }
    }
    let in_model = |label: &str| defined.iter().any(|(s, l, _)| s.is_none() && l == label);
    let free = defined
        .iter()
        .filter_map(|(_, l, _)| l.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    for (_, label, range) in defined
        .iter()
        .filter(|(s, l, _)| s.is_some() && in_model(l))
    {
        problems.push(text.locate(
            Diagnostic::warning(
                "footnote-label-taken",
                format!("the model's text on this page already has a footnote `[^{label}]`, so readers would see two notes marked {label}"),
            )
            .hint(format!("each reference still goes to its own note, but give this note a label the page does not use, such as `[^{free}]`, in its references and its definition")),
            *range,
        ));
    }
    for (label, range) in model_references.iter().filter(|(l, _)| !in_model(l)) {
        if defined.iter().any(|(_, l, _)| l == label) {
            problems.push(text.locate(
                Diagnostic::warning(
                    "footnote-note-removed",
                    format!("the model's footnote reference `[^{label}]` has lost its note on this page: an override took out the text that held it"),
                )
                .hint("it is shown as written; keep the model's note in the override's text, or change the text that refers to it with an override too"),
                *range,
            ));
        }
    }
}

/// Every page's title and sections, by id: what references resolve against.
pub(super) type Outline<'a> = foldhash::HashMap<&'a str, (&'a str, &'a [SectionRef])>;

/// The outline of `pages`.
pub(super) fn outline_of<'a, 's: 'a>(
    pages: impl IntoIterator<Item = &'a LinkedPage<'s>>,
) -> Outline<'a> {
    pages
        .into_iter()
        .map(|p| (p.page.id(), (p.title.as_str(), &p.sections[..])))
        .collect()
}

/// The model and authority an edition is made of, for resolving references.
#[derive(Clone, Copy)]
pub(super) struct Sides<'a> {
    model: &'a Model,
    authority: Option<&'a Authority>,
}

impl<'a> Sides<'a> {
    /// The sides of `edition`.
    pub(super) fn of(edition: &Edition<'a>) -> Self {
        Self {
            model: edition.model,
            authority: edition.authority,
        }
    }
}

/// What resolving one page looks things up in: every page's title and
/// sections, by id; the model and authority; the local terms.
pub(super) struct Lookups<'a> {
    /// Every page's title and sections.
    pub(super) outline: &'a Outline<'a>,
    /// The model and authority.
    pub(super) sides: Sides<'a>,
    /// The local terms, model → local.
    pub(super) terms: &'a [(String, String)],
}

/// How a page's references resolved, and its sections as named from them.
#[derive(Debug)]
pub(super) struct Resolution {
    /// Each reference's destination as written, resolved.
    pub(super) links: Arc<HashMap<String, Resolved>>,
    /// The other pages its references resolved to, sorted, each once.
    pub(super) targets: Arc<[String]>,
    /// Its sections, a `[[id]]` in a heading named by what it links to.
    pub(super) sections: Arc<[SectionRef]>,
    /// See [`LinkedPage::outline`].
    pub(super) outline: [u8; 16],
}

/// Resolves one page's `references` (reporting those that do not resolve)
/// and names its sections from them; with whether every one resolved.
pub(super) fn resolve_page(
    page: &LinkedPage,
    references: &[Reference],
    lookups: &Lookups,
    diagnostics: &Diagnostics,
) -> (Resolution, bool) {
    let id = page.page.id();
    let mut links = HashMap::new();
    let mut all_resolved = true;
    for reference in references {
        match resolve(&reference.dest, id, lookups.outline, lookups.sides) {
            Ok(r) => {
                links.insert(reference.dest.clone(), r);
            }
            Err(problem) => {
                all_resolved = false;
                diagnostics.push(reference.text(page).locate(problem, reference.range));
            }
        }
    }
    let sections = if references.iter().any(|r| r.names_heading) {
        let mut sections = page.sections.to_vec();
        name_sections(
            &page.text,
            &mut sections,
            lookups.terms,
            &links,
            &|target, section| title_in(lookups.outline, target, section),
        );
        sections.into()
    } else {
        Arc::clone(&page.sections)
    };
    let mut targets: Vec<String> = links
        .values()
        .filter_map(|r| match r {
            Resolved::Page { page: target, .. } if target != id => Some(target.clone()),
            _ => None,
        })
        .collect();
    targets.sort_unstable();
    targets.dedup();
    let resolution = Resolution {
        links: Arc::new(links),
        targets: targets.into(),
        outline: outline_fingerprint(id, &page.title, &sections),
        sections,
    };
    (resolution, all_resolved)
}

/// For each page, the pages that link to it, in reading order, from each
/// page's id and resolution in reading order.
pub(super) fn backlinks_of<'a>(
    pages: impl Iterator<Item = (&'a str, &'a Resolution)>,
) -> HashMap<String, Vec<String>> {
    let mut backlinks: HashMap<String, Vec<String>> = HashMap::new();
    for (id, resolution) in pages {
        for target in resolution.targets.iter() {
            backlinks
                .entry(target.clone())
                .or_default()
                .push(id.to_string());
        }
    }
    backlinks
}

/// Where `dest`, written on page `from`, points in the edition; an
/// `unknown-id` error, not yet located, if it names a page or section the
/// edition does not have and the model did not.
pub(super) fn resolve(
    dest: &str,
    from: &str,
    outline: &Outline,
    edition: Sides,
) -> Result<Resolved, Diagnostic> {
    if let Some(id) = dest.strip_prefix(crate::model::authority::DOCUMENT_PREFIX) {
        return resolve_document(id, edition.authority);
    }
    let (page, section) = match dest.split_once('#') {
        Some((page, section)) => (if page.is_empty() { from } else { page }, Some(section)),
        None => (dest, None),
    };
    let Some(&(_, sections)) = outline.get(page) else {
        let broken = edition.model.broken_ids.contains(page)
            || edition
                .authority
                .is_some_and(|a| a.broken_page_ids.contains(page));
        if edition.model.pages.contains_key(page) || broken {
            // Removed by this edition, or in a file whose own error is already reported.
            return Ok(Resolved::Removed);
        }
        return Err(unknown_id(
            format!("there is no page with the id `{page}`"),
            did_you_mean(
                page,
                outline.keys().copied(),
                "check the id on the page you mean (its `id:` line)",
            ),
        ));
    };
    let Some(section) = section else {
        return Ok(Resolved::Page {
            page: page.to_string(),
            section: None,
        });
    };
    if sections.iter().any(|s| s.id == section) {
        return Ok(Resolved::Page {
            page: page.to_string(),
            section: Some(section.to_string()),
        });
    }
    let in_model = edition
        .model
        .pages
        .get(page)
        .is_some_and(|p| p.section(section).is_some());
    if in_model {
        // The authority removed this section: link to the page instead.
        return Ok(Resolved::Page {
            page: page.to_string(),
            section: None,
        });
    }
    Err(unknown_id(
        format!("the page `{page}` has no section `{section}`"),
        did_you_mean(
            section,
            sections.iter().map(|s| s.id.as_str()),
            &format!(
                "its sections are: {}",
                sections
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    ))
}

/// Where `[[doc:id]]` points: the authority's published document `id`; an
/// `unknown-id` error, with the closest ids, if the edition has none such.
fn resolve_document(id: &str, authority: Option<&Authority>) -> Result<Resolved, Diagnostic> {
    let documents = authority.map_or(&[][..], |a| a.documents.as_slice());
    if let Some(document) = documents.iter().find(|d| d.id == id) {
        return Ok(match document.published() {
            Some((description, file)) => Resolved::Document {
                href: crate::model::authority::Document::href(file),
                title: format!(
                    "{} ({}, {})",
                    description.meta.title,
                    file.kind(),
                    file.size_text()
                ),
            },
            // Its own problem (no file, no description) is already reported.
            None => Resolved::Removed,
        });
    }
    let hint = if documents.is_empty() {
        "this edition has no local documents: put the file and its description (`.yaml`) in the authority's `documents/` folder".to_string()
    } else {
        did_you_mean(
            id,
            documents.iter().map(|d| d.id.as_str()),
            "a document's id is its file's name without the extension",
        )
    };
    Err(unknown_id(
        format!("there is no local document with the id `{id}`"),
        hint,
    ))
}

/// The title of a page, or of one of its sections, by id.
fn title_in(titles: &Outline, page: &str, section: Option<&str>) -> Option<String> {
    let (title, sections) = titles.get(page)?;
    match section {
        None => Some(title.to_string()),
        Some(id) => sections
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.clone()),
    }
}

/// The error for a reference to an id the edition does not have.
fn unknown_id(message: String, hint: String) -> Diagnostic {
    Diagnostic::error("unknown-id", message).hint(hint)
}

/// Warns of each urgent box in `authority.yaml` whose `section:` names a
/// section its page does not have once the edition is put together (an
/// override removed or renamed it): the box's note would then link to
/// nothing. At the box's `section:` line, with the page's sections as the
/// hint.
pub(super) fn check_urgent_sections(
    edition: &Edition,
    pages: &[LinkedPage],
    diagnostics: &Diagnostics,
) {
    let Some(authority) = edition.authority else {
        return;
    };
    let file = &authority.config_file;
    for (id, urgent) in &authority.config.urgent {
        let Some(section) = &urgent.section else {
            continue;
        };
        let Some(page) = pages.iter().find(|p| p.page.id() == id) else {
            continue;
        };
        if page.sections.iter().any(|s| &s.id == section) {
            continue;
        }
        let (urgent_at, _) = authority.setting_span("urgent");
        let end = file.text.len();
        let (box_at, _) = find_nested_key(file, (urgent_at, end), id);
        let at = find_nested_key(file, (box_at, end), "section");
        diagnostics.push(
            Diagnostic::warning(
                "unknown-urgent-section",
                format!(
                    "the urgent box for `{id}` links to the section `{section}`, which that page does not have in this edition, so the box's note links to nothing"
                ),
            )
            .at(file, at.0, at.1)
            .hint(did_you_mean(
                section,
                page.sections.iter().map(|s| s.id.as_str()),
                "use the `{#id}` of a section the page has, or remove `section:`",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::load::tests::{model_of, page};
    use crate::support::diagnostic::SourceFile;

    #[test]
    fn id_references_are_told_from_files_and_addresses() {
        assert!(is_id_reference("step-3"));
        assert!(is_id_reference("step-3#good-plan-checklist"));
        assert!(is_id_reference("#social-work-role"));
        assert!(!is_id_reference("https://example.org"));
        assert!(!is_id_reference("file.html"));
        assert!(!is_id_reference("mailto:a@b.example"));
    }

    #[test]
    fn a_walk_finds_references_addresses_and_outside_links_in_order() {
        let body = "See [[step-2]] and [the money](step-3#money).\n\n[A site](https://example.org/a) ![A picture](assets/p.png)\n\n<a href=\"forms/f.pdf\">form</a>\n";
        let file = SourceFile::new("content/step-1.md", body);
        let mut found = Scanned::default();
        let mut problems = Vec::new();
        scan(&LinkedText::whole(&file), None, &mut found, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let dests: Vec<&str> = found.references.iter().map(|r| r.dest.as_str()).collect();
        assert_eq!(dests, ["step-2", "step-3#money"]);
        let addresses: Vec<(&str, bool, bool)> = found
            .addresses
            .iter()
            .map(|a| (a.url.as_str(), a.image, a.checked_here))
            .collect();
        assert_eq!(
            addresses,
            [
                ("step-2", false, true),
                ("step-3#money", false, true),
                ("assets/p.png", true, false),
                ("forms/f.pdf", false, false),
            ],
            "ids are checked here; files in the made pages"
        );
        let [(url, at)] = &found.outside_links[..] else {
            panic!("one outside link: {:?}", found.outside_links);
        };
        assert_eq!(url, "https://example.org/a");
        let (start, end) = at.span.unwrap();
        assert_eq!(&body[start..end], "[A site](https://example.org/a)");
    }

    /// A model of three pages: `step-1` with the sections `money` and
    /// `plan`, `step-2`, and `old`, which the outline below leaves out (as
    /// an edition that removed it does).
    fn model() -> Model {
        model_of(vec![
            page(
                "content/step-1.md",
                "---\nid: step-1\ntitle: Step one\n---\n## Money\n\n## Plan\n",
            ),
            page(
                "content/step-2.md",
                "---\nid: step-2\ntitle: Step two\n---\nText.\n",
            ),
            page("content/old.md", "---\nid: old\ntitle: Old\n---\nGone.\n"),
        ])
    }

    /// Resolves `dest`, written on `from`, in an edition of [`model`]
    /// without the page `old` and the section `plan`.
    fn resolved(dest: &str, from: &str) -> Result<Resolved, Diagnostic> {
        let model = model();
        let money = [SectionRef {
            lang: None,
            id: "money".into(),
            title: "Money".into(),
            level: 2,
        }];
        let outline: Outline = [
            ("step-1", ("Step one", &money[..])),
            ("step-2", ("Step two", &[][..])),
        ]
        .into_iter()
        .collect();
        let sides = Sides {
            model: &model,
            authority: None,
        };
        resolve(dest, from, &outline, sides)
    }

    /// A reference resolved to `page` and maybe `section`.
    fn to(page: &str, section: Option<&str>) -> Option<Resolved> {
        Some(Resolved::Page {
            page: page.into(),
            section: section.map(Into::into),
        })
    }

    #[test]
    fn a_reference_resolves_to_its_page_and_section() {
        assert_eq!(resolved("step-1", "step-2").ok(), to("step-1", None));
        assert_eq!(
            resolved("step-1#money", "step-2").ok(),
            to("step-1", Some("money"))
        );
        assert_eq!(
            resolved("#money", "step-1").ok(),
            to("step-1", Some("money")),
            "on its own page"
        );
    }

    #[test]
    fn a_reference_to_what_the_edition_removed_links_to_what_is_left() {
        assert_eq!(resolved("old", "step-2").ok(), Some(Resolved::Removed));
        assert_eq!(
            resolved("step-1#plan", "step-2").ok(),
            to("step-1", None),
            "a removed section: its page"
        );
    }

    #[test]
    fn an_unknown_id_is_an_error_with_the_closest_ids() {
        let Err(problem) = resolved("step-3", "step-1") else {
            panic!("step-3 resolved");
        };
        assert_eq!(problem.code, "unknown-id");
        assert_eq!(&*problem.message, "there is no page with the id `step-3`");
        assert_eq!(
            problem.hint.as_deref(),
            Some("did you mean `step-1`, `step-2`?")
        );
        let Err(problem) = resolved("step-1#mony", "step-2") else {
            panic!("step-1#mony resolved");
        };
        assert_eq!(&*problem.message, "the page `step-1` has no section `mony`");
        assert_eq!(problem.hint.as_deref(), Some("did you mean `money`?"));
    }

    #[test]
    fn a_table_row_with_more_cells_than_columns_is_a_warning_at_the_row() {
        let body = "| a | b |\n| - | - |\n| 1 | 2 | 3 |\n| 4 \\| 5 | 6 |\n";
        let file = SourceFile::new("content/step-1.md", body);
        let mut problems = Vec::new();
        scan(
            &LinkedText::whole(&file),
            None,
            &mut Scanned::default(),
            &mut problems,
        );
        let places: Vec<_> = problems.iter().map(|d| (d.code, d.line_col())).collect();
        assert_eq!(places, [("table-row-too-long", Some((3, 1)))]);
    }
}
