//! The values templates see: the edition's own (`site`), and one page's
//! (`page`), made from a linked edition. The names and fields are the
//! template contract listed in `themes/default/README.md`.
//!
//! It only gathers values; it renders nothing and knows no file but by its
//! link (`url`).

use jiff::civil::Date;
use serde::Serialize;

use crate::model::authority::{Contact, ExampleOrigin, Jurisdiction, Service};
use crate::model::language::Strings;
use crate::stages::analyses::governance;
use crate::stages::link::{LinkedEdition, LinkedPage, SectionRef};
use crate::stages::overlay::Origin;
use crate::support::url::file_of;

/// The id of the credits page, which lists the editors' changes (a stable
/// id of the model, `PRODUCT.md`).
pub(super) const CREDITS_ID: &str = "credits";

/// A date as readers see it: `8 October 2009`.
pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// Values every page of an edition shares.
#[derive(Debug, Serialize)]
pub(super) struct SiteContext {
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub is_model: bool,
    /// The notice at the top of every page: the authority's, or on the
    /// model edition the warning that its text is of 2009.
    pub notice: Option<String>,
    /// The notice in one line, shown on inner pages with the whole of it
    /// a tap away (the home page shows it whole).
    pub notice_short: Option<String>,
    pub jurisdiction: Option<&'static str>,
    pub service: Option<&'static str>,
    /// The jurisdiction and the service in the pages' language.
    pub jurisdiction_name: Option<String>,
    pub service_name: Option<String>,
    pub model_title: String,
    pub model_subtitle: Option<String>,
    pub model_version: String,
    pub model_date: String,
    pub publisher: String,
    pub licence: String,
    pub attribution: String,
    pub source_note: Option<String>,
    pub build_date: String,
    pub nav: Vec<NavItem>,
    pub steps: Vec<NavItem>,
    pub contacts: Vec<Contact>,
    /// Whether the contacts are in this page's language, given under
    /// `translations:` in `authority.yaml` (else they are the default
    /// language's, and marked so on other languages' pages).
    pub contacts_translated: bool,
    pub has_examples: bool,
    /// Whether the edition publishes local documents.
    pub has_documents: bool,
    pub examples_heading: String,
    pub examples_intro: String,
    pub has_differences: bool,
    pub accessibility_email: Option<String>,
    pub accessibility_phone: Option<String>,
    pub statement_date: Option<String>,
    pub last_tested: Option<String>,
    pub has_edition_css: bool,
    pub credit: String,
    /// The date of the edition's next planned update, in the pages'
    /// language, for its home and "What's changed" pages.
    pub next_update: Option<String>,
    /// "Keep this handbook on this device", on editions with `offline:
    /// true` (issue 36).
    pub offline: Option<OfflineContext>,
}

/// What pages show of reading offline: where the edition's top is from
/// the page, and the saved-copy notice the page script shows when the
/// page came from a copy kept on the reader's device.
#[derive(Debug, Clone, Serialize)]
pub(super) struct OfflineContext {
    /// The edition's top, from the site's folder: `./`, or `../` from
    /// another language's (`cy/`).
    pub root: String,
    /// The notice, dated with this build; its `{version}` is the saved
    /// copy's release, filled in by the page script.
    pub saved: String,
    /// The notice for an edition with no release.
    pub saved_dated: String,
}

/// One entry of the contents list as templates see it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct NavItem {
    pub id: String,
    pub href: String,
    pub title: String,
    pub depth: usize,
    pub step: Option<u8>,
    pub summary: Option<String>,
    pub local: bool,
    /// The language of its title, when not the page's (not yet translated).
    pub lang: Option<&'static str>,
}

/// A link: its text and where it goes.
#[derive(Debug, Clone, Serialize)]
pub(super) struct LinkItem {
    pub title: String,
    pub href: String,
    /// The language of its title, when not the page's (not yet translated).
    pub lang: Option<&'static str>,
}

/// A local practice example as templates see it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ExampleContext {
    pub id: String,
    pub title: String,
    pub html: String,
    pub summary: Option<String>,
    pub origin: ExampleOrigin,
    pub citation: Option<String>,
    pub source_detail: Option<String>,
    pub pages: Vec<LinkItem>,
    /// The example's language, when not the page's (not yet translated).
    pub lang: Option<&'static str>,
}

/// One dated change of a page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ChangeContext {
    pub date: String,
    pub note: String,
}

/// One page's values (`page` in `page.html` and `home.html`).
#[derive(Debug, Clone, Serialize)]
pub(super) struct PageContext {
    pub id: String,
    pub title: String,
    pub href: String,
    pub html: String,
    pub summary: Option<String>,
    pub step: Option<u8>,
    pub origin: Origin,
    pub sections: Vec<SectionRef>,
    pub breadcrumbs: Vec<LinkItem>,
    pub previous: Option<LinkItem>,
    pub next: Option<LinkItem>,
    pub backlinks: Vec<LinkItem>,
    pub examples: Vec<ExampleContext>,
    pub owner: Option<String>,
    pub approved_by: Option<String>,
    pub last_reviewed: Option<String>,
    pub review_due: Option<String>,
    pub overdue: bool,
    pub last_updated: String,
    pub changes: Vec<ChangeContext>,
    pub credit: String,
    /// On the credits page, the editors' changes to In Control's text.
    pub editorial: Vec<super::credits::EditorialGroup>,
    /// The language of its title, when not the page's (not yet translated).
    pub title_lang: Option<&'static str>,
    /// Whether none of its text is translated into the page's language yet.
    pub untranslated: bool,
    /// Whether some of its text (a section, an example) is translated into
    /// the page's language and some is not yet.
    pub partly_untranslated: bool,
    /// The authority's urgent box for this page, shown before everything.
    pub urgent: Option<UrgentContext>,
    /// The anchor on "What's changed" of the day the page was last
    /// updated, which its "Last updated" links to; `None` when that day has
    /// no entry there (the model's publication date).
    pub changes_anchor: Option<String>,
    /// The edition's release in force (its newest), for the print stamp:
    /// `version` and `from`, the day it came into force.
    pub release: Option<ReleaseInForce>,
    /// "Report a problem with this page": the `mailto:` link to the page's
    /// owner or the edition's feedback contact; none when there is no one
    /// to write to or the edition turned it off.
    pub feedback: Option<FeedbackLink>,
}

/// "Report a problem with this page" as templates see it
/// (`page.feedback`), made by `feedback::link`.
#[derive(Debug, Clone, Serialize)]
pub(super) struct FeedbackLink {
    /// The `mailto:` address, every field percent-encoded.
    pub href: String,
    /// The address the email goes to, shown beside the link for readers
    /// whose computer opens no mail program.
    pub to: String,
}

/// The release of an edition in force, as the print stamp names it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ReleaseInForce {
    pub version: String,
    pub from: String,
}

/// An urgent box as templates see it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct UrgentContext {
    pub heading: String,
    pub items: Vec<UrgentItemContext>,
    pub note: Option<String>,
    pub section: Option<String>,
}

/// One thing to do in an urgent box, with its number and the `tel:` link
/// that calls it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct UrgentItemContext {
    pub text: String,
    pub phone: Option<String>,
    pub tel: Option<String>,
}

/// A `tel:` link for a number as people write it: `01632 960 111` becomes
/// `tel:01632960111`.
pub(super) fn tel(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// The authority's urgent box for page `p`, if it has one. Its note links
/// to the section it names only while the page has that section (a change
/// of the council's text can take it away), so the box never breaks a
/// link.
fn urgent(linked: &LinkedEdition, p: &LinkedPage) -> Option<UrgentContext> {
    let found = linked.edition.authority?.config.urgent.get(p.page.id())?;
    Some(UrgentContext {
        heading: found.heading.clone(),
        items: found
            .items
            .iter()
            .map(|item| UrgentItemContext {
                text: item.text.clone(),
                // Kept on one line: spaces in the number do not break.
                phone: item.phone.as_ref().map(|p| p.replace(' ', "\u{a0}")),
                tel: item.phone.as_deref().map(tel),
            })
            .collect(),
        note: found.note.clone(),
        section: found
            .section
            .clone()
            .filter(|id| p.sections.iter().any(|s| &s.id == id)),
    })
}

/// The title the contents list, breadcrumbs and A to Z give a page: "Home"
/// for the home page, else its own.
pub(super) fn nav_title(linked: &LinkedEdition, p: &LinkedPage) -> String {
    if p.page.id() == linked.edition.home {
        "Home".to_string()
    } else {
        p.title.clone()
    }
}

/// The contents list's entries, in reading order, with each entry's parent.
pub(super) fn nav_items(linked: &LinkedEdition) -> (Vec<NavItem>, Vec<Option<usize>>) {
    // Parents come before their children in reading order, so one pass gives
    // every page's depth (pages stranded by a parent loop count as depth 1).
    let parents: Vec<Option<usize>> = linked
        .pages
        .iter()
        .map(|p| p.page.parent.as_deref().and_then(|id| linked.index_of(id)))
        .collect();
    let mut depths = vec![0usize; linked.pages.len()];
    for (i, parent) in parents.iter().enumerate() {
        depths[i] = match parent {
            Some(p) if *p < i => (depths[*p] + 1).min(21),
            Some(_) => 1,
            None => 0,
        };
    }
    let items = linked
        .pages
        .iter()
        .zip(&depths)
        .map(|(p, &depth)| NavItem {
            id: p.page.id().to_string(),
            href: file_of(&linked.edition.home, p.page.id()),
            title: nav_title(linked, p),
            depth,
            step: p.page.meta.step,
            summary: p.summary.clone(),
            local: p.page.origin == Origin::Local,
            lang: linked.edition.foreign(&p.page.title_file),
        })
        .collect();
    (items, parents)
}

/// The credit line of a page (or, with `origin` `None`, of the edition),
/// in the words of `strings`.
/// Besides `{attribution}` (the model's own English line), a language's
/// words may cite the model by `{title}`, `{publisher}` and `{date}` (in the
/// language), so that no English sentence stands inside another language's.
pub(super) fn credit(linked: &LinkedEdition, origin: Option<Origin>, strings: &Strings) -> String {
    let meta = &linked.edition.model.meta;
    let date = strings.long_date(meta.date);
    let model = [
        ("attribution", meta.attribution.as_str()),
        ("title", meta.title.as_str()),
        ("publisher", meta.publisher.as_str()),
        ("date", date.as_str()),
    ];
    let with_council = |name: &str, key: &str| {
        let mut values = model.to_vec();
        values.push(("council", name));
        strings.fill(key, &values)
    };
    match (linked.edition.authority, origin) {
        (None, _) => strings.fill("credit_model", &model),
        (Some(a), Some(Origin::Local)) => with_council(&a.config.name, "credit_local"),
        (Some(a), _) => with_council(&a.config.name, "credit_adapted"),
    }
}

/// The values every page of an edition shares.
pub(super) fn site(
    linked: &LinkedEdition,
    today: Date,
    nav: Vec<NavItem>,
    strings: &Strings,
) -> SiteContext {
    let long_date = |d: Date| strings.long_date(d);
    let edition = &linked.edition;
    let authority = edition.authority;
    let model = edition.model;
    let mut steps: Vec<NavItem> = nav.iter().filter(|n| n.step.is_some()).cloned().collect();
    steps.sort_by_key(|n| n.step);
    let config = authority.map(|a| &a.config);
    let contact = config.and_then(|c| c.accessibility.as_ref());
    SiteContext {
        slug: edition.slug.clone(),
        name: edition.name().to_string(),
        short_name: config.map_or_else(|| "Model guidance".to_string(), |c| c.short_name.clone()),
        is_model: authority.is_none(),
        notice: notice(linked, strings),
        notice_short: notice_short(linked, strings),
        jurisdiction: config.map(|c| c.jurisdiction.label()),
        service: config.map(|c| c.service.label()),
        jurisdiction_name: config.map(|c| {
            let key = match c.jurisdiction {
                Jurisdiction::England => "jurisdiction_england",
                Jurisdiction::Scotland => "jurisdiction_scotland",
                Jurisdiction::Wales => "jurisdiction_wales",
                Jurisdiction::NorthernIreland => "jurisdiction_northern_ireland",
            };
            strings.get(key).to_string()
        }),
        service_name: config.map(|c| {
            let key = match c.service {
                Service::Adults => "service_adults",
                Service::ChildrenAndFamilies => "service_children_and_families",
                Service::All => "service_all",
            };
            strings.get(key).to_string()
        }),
        model_title: model.meta.title.clone(),
        model_subtitle: model.meta.subtitle.clone(),
        model_version: model.meta.version.clone(),
        model_date: long_date(model.meta.date),
        publisher: model.meta.publisher.clone(),
        licence: model.meta.licence.clone(),
        attribution: model.meta.attribution.clone(),
        source_note: model.meta.source_note.clone(),
        build_date: long_date(today),
        nav,
        steps,
        contacts: config.map(|c| c.contacts.clone()).unwrap_or_default(),
        contacts_translated: edition
            .lang
            .and_then(|l| config.and_then(|c| c.translations.get(&l)))
            .is_some_and(|words| !words.contacts.is_empty()),
        has_examples: !edition.examples.is_empty(),
        has_documents: authority
            .is_some_and(|a| a.documents.iter().any(|d| d.published().is_some())),
        examples_heading: examples_heading(linked, strings),
        examples_intro: examples_intro(linked, strings),
        has_differences: authority.is_some(),
        accessibility_email: contact.map(|a| a.contact_email.clone()),
        accessibility_phone: contact.and_then(|a| a.contact_phone.clone()),
        statement_date: contact.map(|a| long_date(a.statement_date)),
        last_tested: contact.and_then(|a| a.last_tested.map(long_date)),
        has_edition_css: config.is_some_and(|c| c.theme.colour.is_some()),
        credit: credit(linked, None, strings),
        next_update: config.and_then(|c| c.next_update).map(long_date),
        offline: config.filter(|c| c.offline).map(|_| OfflineContext {
            root: if edition.folder().is_empty() {
                "./".to_string()
            } else {
                "../".to_string()
            },
            saved: strings.fill("offline_saved", &[("date", &long_date(today))]),
            saved_dated: strings.fill("offline_saved_dated", &[("date", &long_date(today))]),
        }),
    }
}

/// The notice at the top of an edition's pages: the authority's own, then
/// each of the layers' it builds on (issue 35: a made-up layer says so on
/// every page), or on the model edition that its text is In Control's of
/// 2009, not updated for the law since (issue 31).
fn notice(linked: &LinkedEdition, strings: &Strings) -> Option<String> {
    let model = linked.edition.model;
    match linked.edition.authority {
        Some(a) => {
            let layers = linked.edition.layers.iter().rev();
            let notices: Vec<&str> = std::iter::once(a)
                .chain(layers.copied())
                .filter_map(|a| a.config.notice.as_deref())
                .collect();
            (!notices.is_empty()).then(|| notices.join(" "))
        }
        None => Some(strings.fill(
            "model_notice",
            &[
                ("date", &strings.long_date(model.meta.date)),
                ("version", &model.meta.version),
            ],
        )),
    }
}

/// The notice in one line: for a made-up council, that it is one; on the
/// model edition, that its text is of 2009; otherwise the notice's first
/// sentence.
fn notice_short(linked: &LinkedEdition, strings: &Strings) -> Option<String> {
    let Some(a) = linked.edition.authority else {
        return Some(strings.get("model_notice_short").to_string());
    };
    let notice = a.config.notice.as_deref()?;
    if a.config.demonstration {
        return Some(strings.get("notice_demo_short").to_string());
    }
    let first = notice.find(". ").map_or(notice, |end| &notice[..=end]);
    Some(first.trim().to_string())
}

/// Whose practice an edition's examples are: `Some(Own)` or `Some(Drawn)`
/// when all are alike, `None` when they are mixed (or there are none).
fn examples_origin(linked: &LinkedEdition) -> Option<ExampleOrigin> {
    let mut origins = linked.edition.examples.iter().map(|ex| ex.origin);
    let first = origins.next()?;
    origins.all(|o| o == first).then_some(first)
}

/// The heading over an edition's examples (and the examples index's title):
/// the authority's `examples: heading:`, else worded from whose practice
/// they are, so that examples drawn from another body's work are never
/// headed as the authority's own (issue 15).
fn examples_heading(linked: &LinkedEdition, strings: &Strings) -> String {
    let config = linked.edition.authority.map(|a| &a.config.examples);
    if let Some(heading) = config.and_then(|c| c.heading.clone()) {
        return heading;
    }
    let key = match examples_origin(linked) {
        Some(ExampleOrigin::Own) => "examples_heading_own",
        Some(ExampleOrigin::Drawn) => "examples_heading_drawn",
        None => "examples_heading_mixed",
    };
    strings.get(key).to_string()
}

/// The examples index's opening: the authority's `examples: intro:`, else
/// worded from whose practice the examples are.
fn examples_intro(linked: &LinkedEdition, strings: &Strings) -> String {
    let authority = linked.edition.authority;
    if let Some(intro) = authority.and_then(|a| a.config.examples.intro.clone()) {
        return intro;
    }
    let name = linked.edition.name();
    let key = match examples_origin(linked) {
        Some(ExampleOrigin::Own) => "examples_intro_own",
        Some(ExampleOrigin::Drawn) => "examples_intro_drawn",
        None => "examples_intro_mixed",
    };
    strings.fill(key, &[("name", name)])
}

/// A link to a page by id, with its title; `None` if the edition lacks it.
pub(super) fn link_item(linked: &LinkedEdition, id: &str) -> Option<LinkItem> {
    linked.page(id).map(|p| LinkItem {
        title: p.title.clone(),
        href: file_of(&linked.edition.home, id),
        lang: linked.edition.foreign(&p.page.title_file),
    })
}

/// The pages above `p` in the navigation tree, top first.
pub(super) fn breadcrumbs(linked: &LinkedEdition, p: &LinkedPage) -> Vec<LinkItem> {
    let mut crumbs = Vec::new();
    let mut current = p.page.parent.as_deref();
    while let Some(parent) = current {
        let Some(pp) = linked.page(parent).filter(|_| crumbs.len() <= 20) else {
            break;
        };
        crumbs.push(LinkItem {
            title: nav_title(linked, pp),
            href: file_of(&linked.edition.home, parent),
            lang: linked.edition.foreign(&pp.page.title_file),
        });
        current = pp.page.parent.as_deref();
    }
    crumbs.reverse();
    crumbs
}

/// The previous and next steps around a step page.
pub(super) fn step_neighbours(
    linked: &LinkedEdition,
    site: &SiteContext,
    step: Option<u8>,
) -> (Option<LinkItem>, Option<LinkItem>) {
    let Some(step) = step else {
        return (None, None);
    };
    let find = |n: u8| {
        site.steps
            .iter()
            .find(|s| s.step == Some(n))
            .and_then(|s| link_item(linked, &s.id))
    };
    (
        step.checked_sub(1).and_then(find),
        step.checked_add(1).and_then(find),
    )
}

/// A page's values, without its HTML (filled in once the page is made)
/// and with the given examples.
pub(super) fn page(
    linked: &LinkedEdition,
    site: &SiteContext,
    p: &LinkedPage,
    examples: Vec<ExampleContext>,
    editorial: Vec<super::credits::EditorialGroup>,
    today: Date,
    strings: &Strings,
) -> PageContext {
    let long_date = |d: Date| strings.long_date(d);
    let meta = p.page.meta;
    let id = meta.id.as_str();
    let (previous, next) = step_neighbours(linked, site, meta.step);
    let due = governance::due_date(meta);
    let mut changes: Vec<_> = meta.changes.iter().collect();
    changes.sort_by_key(|c| std::cmp::Reverse(c.date));
    let model_date = linked.edition.model.meta.date;
    PageContext {
        id: id.to_string(),
        title: p.title.clone(),
        href: file_of(&linked.edition.home, id),
        html: String::new(),
        summary: p.summary.clone(),
        step: meta.step,
        origin: p.page.origin,
        sections: p
            .sections
            .iter()
            .filter(|s| s.level <= 3)
            .cloned()
            .collect(),
        breadcrumbs: breadcrumbs(linked, p),
        previous,
        next,
        backlinks: linked
            .backlinks
            .get(id)
            .map(|ids| ids.iter().filter_map(|b| link_item(linked, b)).collect())
            .unwrap_or_default(),
        examples,
        owner: meta.owner.clone(),
        approved_by: meta.approved_by.clone(),
        last_reviewed: meta.last_reviewed.map(long_date),
        review_due: due.map(long_date),
        overdue: due.is_some_and(|d| d < today),
        last_updated: long_date(governance::page_updated(&p.page, model_date)),
        changes: changes
            .into_iter()
            .map(|c| ChangeContext {
                date: long_date(c.date),
                note: c.note.clone(),
            })
            .collect(),
        credit: credit(linked, Some(p.page.origin), strings),
        editorial,
        title_lang: linked.edition.foreign(&p.page.title_file),
        untranslated: linked.edition.wholly_untranslated(&p.page),
        partly_untranslated: !linked.edition.wholly_untranslated(&p.page)
            && linked.edition.untranslated(&p.page),
        urgent: urgent(linked, p),
        changes_anchor: None,
        release: None,
        feedback: None,
    }
}
