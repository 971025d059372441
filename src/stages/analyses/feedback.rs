//! Whether readers of each page of an edition can report a problem with it
//! (issue 36): a local page whose owner has no email address, in an
//! edition with no feedback contact either, is a warning at its `owner:`
//! line; pages with no owner and no one else to write to are one note at
//! `authority.yaml`.
//!
//! Reads the settings' rule (`AuthorityConfig::feedback_email`) and the
//! pages' front matter; makes no link (the render stage does).

use crate::stages::overlay::{Edition, Origin};
use crate::support::diagnostic::Diagnostic;
use crate::text::frontmatter::find_key;

/// Problems with who readers' reports of problems go to, in an
/// authority's edition that offers the link.
pub fn check(edition: &Edition) -> Vec<Diagnostic> {
    let Some(authority) = edition.authority else {
        return Vec::new();
    };
    let config = &authority.config;
    if config.feedback.off || config.feedback.email.is_some() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut nobody = Vec::new();
    for page in &edition.pages {
        match page.meta.owner.as_deref() {
            Some(owner) if config.owner_email(owner).is_some() => {}
            Some(owner) if page.origin == Origin::Local => {
                let at = find_key(&page.file, (0, page.file.text.len()), "owner");
                found.push(
                    Diagnostic::warning(
                        "owner-without-email",
                        format!("the owner `{owner}` has no email address, and the edition gives no feedback contact, so readers of `{}` cannot report a problem with it", page.id()),
                    )
                    .at(&page.file, at.0, at.1)
                    .hint(format!("in authority.yaml, give the owner's address under `feedback:` as `owners: {{ \"{owner}\": team@council.gov.uk }}`, or the edition's own as `email:`; an owner named like one of `contacts:` with an email needs neither")),
                );
            }
            _ => nobody.push(page.id()),
        }
    }
    if !nobody.is_empty() {
        let mut listed = nobody[..nobody.len().min(10)].join(", ");
        if nobody.len() > 10 {
            listed.push_str(&format!(" and {} more", nobody.len() - 10));
        }
        found.push(
            Diagnostic::note(
                "no-feedback-contact",
                format!(
                    "{} page(s) of the `{}` edition have no \"Report a problem with this page\" link: they have no owner with an email address, and the edition gives no feedback contact ({})",
                    nobody.len(),
                    authority.slug,
                    listed
                ),
            )
            .in_file(&authority.config_file)
            .hint("add `feedback:` with `email:`, the address readers' reports go to when a page's owner has none; or `off: true` for no link on any page"),
        );
    }
    found
}
