//! The settings of the service around an edition's text (issue 36): where
//! readers' reports of a problem with a page go (`feedback:`), and whether
//! `check` notes a "must" that cites no law (`wording:`).
//!
//! Types and the plain rules that read them (whose address a report goes
//! to, whether an address can be written in a `mailto:` link) only: the
//! link is made by the render stage and the checks by the pipeline; this
//! module reads no file and reports nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AuthorityConfig, Contact};

/// Where "Report a problem with this page" sends a reader's email
/// (`feedback:` in `authority.yaml`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// The edition's feedback contact: the email address a report goes to
    /// when the page's owner has no address of their own.
    #[serde(default)]
    pub email: Option<String>,
    /// Owners' email addresses, by the owner's name as pages write it in
    /// `owner:` (`"Practice Quality Team": quality@council.example`). An
    /// owner named like one of `contacts:` needs no entry: that contact's
    /// email address is used.
    #[serde(default)]
    pub owners: BTreeMap<String, String>,
    /// `true` for no "Report a problem with this page" link on any page.
    #[serde(default)]
    pub off: bool,
}

/// Wording rules `check` applies to the authority's own text
/// (`wording:` in `authority.yaml`).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// Whether each "must" in the authority's own text needs an Act,
    /// regulation, code of practice or statutory guidance cited in the same
    /// paragraph or list item ("must" where the law requires, "should" for
    /// guidance): `check` notes each one that has none. `false` turns the
    /// note off.
    #[serde(default = "yes")]
    pub must_needs_citation: bool,
}

fn yes() -> bool {
    true
}

impl Default for Wording {
    fn default() -> Self {
        Self {
            must_needs_citation: true,
        }
    }
}

/// Whether two owners' names are the same owner: the same words, whatever
/// their case or the spaces around them.
fn same_owner(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Feedback {
    /// The contacts' email addresses, by name, added to `owners` where it
    /// names no address for the same owner: an edition in another language
    /// keeps them so, since its contacts' names are translated and pages'
    /// owners are not.
    pub fn with_contacts(mut self, contacts: &[Contact]) -> Self {
        for contact in contacts {
            let Some(email) = &contact.email else {
                continue;
            };
            if !self.owners.keys().any(|o| same_owner(o, &contact.name)) {
                self.owners.insert(contact.name.clone(), email.clone());
            }
        }
        self
    }
}

impl AuthorityConfig {
    /// The email address of a page's owner: the one `feedback: owners:`
    /// gives for it, else that of the contact of the same name.
    pub fn owner_email(&self, owner: &str) -> Option<&str> {
        let listed = self
            .feedback
            .owners
            .iter()
            .find(|(o, _)| same_owner(o, owner));
        if let Some((_, email)) = listed {
            return Some(email);
        }
        self.contacts
            .iter()
            .find(|c| same_owner(&c.name, owner))
            .and_then(|c| c.email.as_deref())
    }

    /// The address a report of a problem with a page goes to: its owner's
    /// (see [`Self::owner_email`]), else the edition's feedback contact.
    /// `None` when the edition turned the link off, or has neither.
    pub fn feedback_email(&self, owner: Option<&str>) -> Option<&str> {
        if self.feedback.off {
            return None;
        }
        owner
            .and_then(|o| self.owner_email(o))
            .or(self.feedback.email.as_deref())
    }
}

/// Why `text` cannot be the address of a `mailto:` link, in plain words;
/// `None` when it can: one `@` with something before and after it, a dot
/// in the part after it, and no space or character that mail addresses
/// never hold in a web address (`<>()[],;:"\`).
pub fn unusable_email(text: &str) -> Option<&'static str> {
    if text.chars().any(|c| c.is_whitespace()) {
        return Some("it has a space in it");
    }
    if text
        .chars()
        .any(|c| "<>()[],;:\"\\".contains(c) || c.is_control())
    {
        return Some("it has a character email addresses cannot have");
    }
    let Some((local, domain)) = text.split_once('@') else {
        return Some("it has no `@`");
    };
    if domain.contains('@') {
        return Some("it has more than one `@`");
    }
    if local.is_empty() || domain.is_empty() {
        return Some("it needs a name before the `@` and a domain after it");
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Some("the part after the `@` is not a domain, such as `council.gov.uk`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::authority::tests::authority_x;

    #[test]
    fn a_report_goes_to_the_owner_then_the_edition() {
        let x = authority_x(
            "contacts:\n  - name: Panel Team\n    email: panel@x.example\nfeedback:\n  email: handbook@x.example\n  owners:\n    Quality team: quality@x.example\n",
            &[],
            Vec::new(),
        );
        let config = &x.config;
        assert_eq!(
            config.feedback_email(Some("quality Team ")),
            Some("quality@x.example")
        );
        assert_eq!(
            config.feedback_email(Some("Panel Team")),
            Some("panel@x.example")
        );
        assert_eq!(
            config.feedback_email(Some("Someone else")),
            Some("handbook@x.example")
        );
        assert_eq!(config.feedback_email(None), Some("handbook@x.example"));
    }

    #[test]
    fn an_edition_can_turn_the_link_off() {
        let x = authority_x(
            "feedback:\n  email: handbook@x.example\n  off: true\n",
            &[],
            Vec::new(),
        );
        assert_eq!(x.config.feedback_email(None), None);
    }

    #[test]
    fn contacts_keep_their_addresses_under_translated_names() {
        let x = authority_x(
            "contacts:\n  - name: Panel Team\n    email: panel@x.example\n",
            &[],
            Vec::new(),
        );
        let mut welsh = x.config.clone();
        welsh.feedback = welsh.feedback.with_contacts(&welsh.contacts);
        welsh.contacts[0].name = "Tîm y Panel".to_string();
        assert_eq!(
            welsh.feedback_email(Some("Panel Team")),
            Some("panel@x.example")
        );
    }

    #[test]
    fn addresses_a_mailto_link_cannot_hold_are_refused() {
        assert_eq!(unusable_email("quality@x.example"), None);
        assert_eq!(unusable_email("first.last+handbook@x.gov.uk"), None);
        for bad in [
            "quality team@x.example",
            "quality",
            "a@b@x.example",
            "@x.example",
            "a@localhost",
            "a@x.example, b@x.example",
            "Quality <q@x.example>",
        ] {
            assert!(unusable_email(bad).is_some(), "{bad} was accepted");
        }
    }
}
