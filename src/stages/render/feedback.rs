//! "Report a problem with this page": a plain `mailto:` link to the page's
//! owner (or the edition's feedback contact), its subject and body filled
//! in, in the page's language, with the page's title, address, version and
//! last update (issue 36). No script and no outside service: the reader's
//! own mail program sends it.
//!
//! It only makes the link's values; whose address it is, is the
//! authority's settings' rule (`AuthorityConfig::feedback_email`), and the
//! warning for an owner with none is the pipeline's.

use super::context::{FeedbackLink, PageContext};
use crate::model::language::Strings;
use crate::stages::link::LinkedEdition;
use crate::support::url::mailto;

/// The page's address as a reader's report names it: its published web
/// address when the edition has one, else its file in the edition.
fn page_address(linked: &LinkedEdition, file: &str) -> String {
    match linked.edition.address() {
        Some(address) => format!("{address}{file}"),
        None => format!("{}{file}", linked.edition.folder()),
    }
}

/// The "Report a problem" link of the page whose values are `page`, in the
/// words of `strings`; `None` for the model edition (no one answers for
/// it), an edition that turned the link off, and a page with no owner's
/// address when the edition gives no feedback contact.
pub(super) fn link(
    linked: &LinkedEdition,
    page: &PageContext,
    strings: &Strings,
) -> Option<FeedbackLink> {
    let authority = linked.edition.authority?;
    let to = authority.config.feedback_email(page.owner.as_deref())?;
    let address = page_address(linked, &page.href);
    let subject = strings.fill("feedback_subject", &[("title", &page.title)]);
    let mut lines = vec![
        strings.fill("feedback_page", &[("title", &page.title)]),
        strings.fill("feedback_address", &[("address", &address)]),
    ];
    if let Some(release) = &page.release {
        lines.push(strings.fill(
            "feedback_version",
            &[("version", &release.version), ("date", &release.from)],
        ));
    }
    lines.push(strings.fill("feedback_updated", &[("date", &page.last_updated)]));
    lines.push(String::new());
    lines.push(strings.get("feedback_prompt").to_string());
    lines.push(String::new());
    Some(FeedbackLink {
        href: mailto(to, &subject, &lines.join("\n")),
        to: to.to_string(),
    })
}
